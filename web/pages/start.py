"""Min arbejdsliste: the open cases the user owns (a leder: their units), the nearest deadline first."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from casework import operations
from domain.identity import CASE_ID
from domain.laws import LAW_DANISH, Law
from domain.vocabulary import PHASE_DANISH, Phase
from store.accounts import Role
from store.paging import Page
from web import present
from web.auth import CurrentUser
from web.deps import get_clock, get_register
from web.templating import render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50


@router.get("/", name="start")
async def start(
    request: Request,
    user: CurrentUser,
    fase: str = "",
    enhed: str = "",
    omraade: str = "",
    runde: str = "",
    sag: str = "",
    efter: str = "",
) -> Response:
    reference = sag.strip().upper()
    if reference and CASE_ID.match(reference):
        # An exact case id is a lookup, not a filter: go straight to the case.
        return RedirectResponse(f"/sager/{reference}", status_code=303)
    now = get_clock(request)()
    phase = Phase(fase) if fase in Phase._value2member_map_ else None
    law = Law(omraade) if omraade in Law._value2member_map_ else None
    round_ = int(runde) if runde.isdecimal() and 0 < int(runde) < 100 else None
    units = sorted(user.units)
    chosen_units = [enhed] if enhed in user.units else units
    page = Page([], None)
    if user.has_role(Role.SAGSBEHANDLER, Role.LEDER):
        page = await operations.list_cases(
            get_register(request),
            kommune=user.kommune,
            now=now,
            units=chosen_units,
            # A leder's list is their units' cases; a caseworker's only those assigned to them.
            assignee=None if user.is_leder else user.username,
            phase=phase,
            round=round_,
            law=law,
            by_deadline=True,
            cursor=efter or None,
            limit=PAGE_SIZE,
        )
    filters = {"fase": fase, "enhed": enhed, "omraade": omraade, "runde": runde}
    return render(
        request,
        "start.html",
        {
            "cases": [present.case_row(row, now) for row in page.rows],
            "phases": [(p.value, label) for p, label in PHASE_DANISH.items() if not p.is_terminal],
            "units": units,
            "fase": fase,
            "enhed": enhed,
            "laws": list(LAW_DANISH.items()),
            "omraade": omraade,
            "runde": runde,
            "sag": sag,
            "search_missed": bool(reference),
            "urgency_danish": present.URGENCY_DANISH,
            "first_page": present.page_link("/", filters) if efter else None,
            "next_page": present.page_link("/", filters | {"efter": page.next_cursor}) if page.next_cursor else None,
        },
    )
