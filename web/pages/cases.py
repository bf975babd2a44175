"""Sagen: one case with its deadlines, history, letters and the forms for the steps its phase allows;
taking a step; reading a letter as the citizen got it."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from casework import operations
from domain import steps
from domain.errors import CaseNotFound, Refused
from domain.models import CaseView
from store.register import PartyErased
from web import labels, present, readmodel
from web.access import record_case_access
from web.api.steps import may_take
from web.auth import CurrentUser, User
from web.deps import get_register, get_temporal_client
from web.problems import Problem, forbidden
from web.templating import render

router = APIRouter(include_in_schema=False)

OUT_OF_SCOPE_DA = "Sagen hører til en enhed, du ikke arbejder i."


def not_found() -> Problem:
    return Problem(404, "case-not-found", title="No such case", title_da="Sagen findes ikke",
                   detail_da="Der er ingen sag med dette nummer.")


async def readable_case(request: Request, user: User, case_id: str) -> CaseView:
    """The case if the user may read it; 404 for no case in the user's kommune, 403 for a case outside
    their units."""
    try:
        operations.check_case_id(case_id)
    except Refused:
        raise not_found() from None
    view = await get_register(request).case_view(case_id)
    if view is None or view.kommune != user.kommune:
        raise not_found()  # another kommune's case is no case here: not even its existence is told
    if not user.can_read(view.unit or ""):
        raise forbidden(detail="The case belongs to another unit.", detail_da=OUT_OF_SCOPE_DA)
    return view


@router.get("/sager/{case_id}", name="case")
async def case_page(case_id: str, request: Request, user: CurrentUser) -> Response:
    view = await readable_case(request, user, case_id)
    await record_case_access(request, user, case_id, "sag")
    return await _render_case(request, user, view)


async def _render_case(
    request: Request, user: User, view: CaseView, *, refusal: str | None = None, step: str | None = None,
    typed: dict[str, str] | None = None, status_code: int = 200,
) -> Response:
    register = get_register(request)
    details = await operations.show_case(register, view.case_id)
    try:
        party = await register.party(view.case_id)
    except PartyErased:
        party = None
    history = sorted(view.history, key=lambda entry: entry.seq)
    rounds = [(number, list(entries)) for number, entries in groupby(history, key=lambda e: e.round)]
    # The same test as the API's: the borgerrådgiver gets the steps the table grants the role (the formal
    # track, escalation) on every case; a caseworker the steps of the cases of their units.
    forms = [spec for spec in steps.offered_steps(view.phase, view.formal_stage) if may_take(user, spec, view.unit)]
    if step in steps.BY_NAME and steps.BY_NAME[step] not in forms:
        forms.append(steps.BY_NAME[step])  # the refused form comes back with what was typed
    return render(
        request,
        "case.html",
        {
            "case": view,
            "phase_danish": present.phase_danish(view.phase),
            "rounds": rounds,
            "deadlines": sorted(view.deadlines.items(), key=lambda item: item[1].ends_at),
            "letters": details["letters"],
            # The complaint's text is what the caseworker decides on; the CPR number is never shown.
            "complaint_text": party.complaint_text if party else None,
            # Whoever acts for the party now; none once the fuldmagt is revoked (representative-changed).
            "representative_name": party.latest_representative if party and view.representative else None,
            "escalations": view.escalations,
            "warnings": view.warnings,
            "forms": forms,
            "refusal": refusal,
            "refused_step": step,
            "typed": typed or {},
            "present": present,
            "labels": labels,
            "step_labels": {"filed": "Klage registreret"} | {spec.name: spec.label_da for spec in steps.STEPS},
        },
        status_code=status_code,
    )


@router.post("/sager/{case_id}/skridt/{step_name}", name="take_step")
async def take_step(case_id: str, step_name: str, request: Request, user: CurrentUser) -> Response:
    view = await readable_case(request, user, case_id)
    if step_name not in steps.BY_NAME:
        raise not_found()
    spec = steps.BY_NAME[step_name]
    if not may_take(user, spec, view.unit):
        raise forbidden(detail="Only the case's unit acts on it.", detail_da="Du kan læse sagen, men ikke handle på den.")
    form = await request.form()
    typed = {name: str(value) for name, value in form.items() if name != "csrf_token"}
    fields: dict[str, Any] = {"actor": user.username, "reason": typed.get("reason", "")}
    for field in spec.fields:
        value = typed.get(field.name, "").strip()
        if value or field.required:
            fields[field.name] = value
    try:
        await operations.take_step(
            await get_temporal_client(request), case_id, step_name, fields, register=get_register(request)
        )
    except CaseNotFound:
        raise not_found() from None
    except Refused as refused:
        # Nothing changed: the page comes back with the rule's words and what the user typed.
        await record_case_access(request, user, case_id, "sag")
        return await _render_case(request, user, view, refusal=str(refused), step=step_name, typed=typed, status_code=409)
    await readmodel.caught_up(get_register(request), case_id, view.version)
    await record_case_access(request, user, case_id, f"skridt {step_name}")
    return RedirectResponse(f"/sager/{case_id}", status_code=303)


@router.get("/sager/{case_id}/breve/{key}", name="letter")
async def letter_page(case_id: str, key: str, request: Request, user: CurrentUser) -> Response:
    await readable_case(request, user, case_id)
    try:
        # Looked up among this case's letters, so a key cannot reach another case's letter.
        letters = await get_register(request).letters_for(case_id)
    except PartyErased:
        letters = []
    letter = next((candidate for candidate in letters if candidate.key == key), None)
    if letter is None:
        raise not_found()
    await record_case_access(request, user, case_id, f"brev {letter.kind}", purpose="letter")
    return render(request, "letter.html", {"case_id": case_id, "letter": letter})
