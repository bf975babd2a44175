"""Min arbejdsliste: the open cases the user owns (a leder: their units), the nearest deadline first."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from casework import operations
from domain.identity import CASE_ID
from domain.vocabulary import PHASE_DANISH, Phase
from store.accounts import Role
from web import present
from web.auth import CurrentUser
from web.deps import get_clock, get_register
from web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/", name="start")
async def start(request: Request, user: CurrentUser, fase: str = "", enhed: str = "", sag: str = "") -> Response:
    reference = sag.strip().upper()
    if reference and CASE_ID.match(reference):
        # An exact case id is a lookup, not a filter: go straight to the case.
        return RedirectResponse(f"/sager/{reference}", status_code=303)
    now = get_clock(request)()
    phase = Phase(fase) if fase in Phase._value2member_map_ else None
    units = sorted(user.units)
    chosen_units = [enhed] if enhed in user.units else units
    rows = []
    if user.has_role(Role.SAGSBEHANDLER, Role.LEDER):
        rows = await operations.list_cases(
            get_register(request),
            now=now,
            units=chosen_units,
            # A leder's list is their units' cases; a caseworker's only those assigned to them.
            assignee=None if user.is_leder else user.username,
            phase=phase,
            by_deadline=True,
        )
    cases = [
        {
            **row,
            "phase_danish": present.phase_danish(row["phase"]),
            "urgency": present.urgency(row["next_deadline_at"], now),
            "next_action": present.next_action(row["next_deadline_kind"], row["next_deadline_at"]),
        }
        for row in rows
    ]
    return render(
        request,
        "start.html",
        {
            "cases": cases,
            "phases": [(p.value, label) for p, label in PHASE_DANISH.items() if not p.is_terminal],
            "units": units,
            "fase": fase,
            "enhed": enhed,
            "sag": sag,
            "search_missed": bool(reference),
            "urgency_danish": present.URGENCY_DANISH,
        },
    )

