"""Ny klage: registering a complaint, with the klagefrist check shown before saving."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from casework import operations
from domain.errors import Refused
from web import labels, present, readmodel
from web.access import record_case_access
from web.api.casework import check_files_here
from web.auth import CurrentUser, User, require_role
from web.deps import get_clock, get_register, get_settings, get_temporal_client
from web.owners import FILERS, filing_owner
from web.pages import fristcheck
from web.present import local_day
from web.problems import Problem
from web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_role(*FILERS))])

TEXT_FIELDS = ("channel", "representative_kind", "representative_name", "decision_ref", "decision_received",
               "decision_sent", "decision_delivery", "received", "area", "kind", "text", "cpr", "name", "late_reason",
               "klaget_til", "unit_complained_about", "law", "paragraph", "misdirected_via", "first_received",
               "outside_borgerraadgiver")
# Checkboxes of the form and the filing's flag each sets.
FLAGS = {"klagevejledning": "klagevejledning_given", "representative_fuldmagt": "representative_fuldmagt",
         "placeholder": "placeholder", "boerne_og_ungeudvalg": "decided_by_boerne_og_ungeudvalg"}


def _page(request: Request, values: dict[str, str], *, categories: list[str] | None = None, error: str | None = None,
          frist=None, status_code: int = 200) -> Response:
    return render(
        request,
        "filing.html",
        {
            "values": values, "error": error, "frist": frist, "present": present, "active": "ny_klage",
            "report_danish": fristcheck.REPORT_DANISH, "deliveries": labels.DELIVERIES, "channels": labels.CHANNELS,
            "kinds": labels.KINDS, "representatives": labels.REPRESENTATIVES, "recipients": labels.RECIPIENTS,
            "laws": labels.LAWS, "formal_categories": labels.FORMAL_CATEGORIES, "checked": set(categories or []),
            "misdirected": labels.MISDIRECTED, "outside_borgerraadgiver": labels.OUTSIDE_BORGERRAADGIVER,
        },
        status_code=status_code,
    )


@router.get("/ny-klage", name="new_complaint")
async def filing_form(request: Request, user: CurrentUser) -> Response:
    today = local_day(get_clock(request)())
    return _page(request, {"received": today.isoformat(), "klagevejledning": "on", "decision_delivery": "digital_post",
                           "channel": "written", "kind": "realitet",
                           # Sent back with the form, so a double submit files the complaint once.
                           "idempotency": str(uuid.uuid4())})


def filing_fields(
    values: dict[str, str], user: User, *, unit: str, assignee: str | None, categories: list[str] | None = None
) -> dict[str, Any]:
    """The form as `operations.parse_filing` takes it: empty fields left out, checkboxes as booleans. The
    checked formal categories become the formal klagepunkter, beside the complaint about the decision when
    it is a realitetsklage (docs/legal-reference.md §2.1); each line of further decisions becomes a linked
    case of its own (§7)."""
    raw: dict[str, Any] = {name: values[name] for name in TEXT_FIELDS if values.get(name, "").strip()}
    if categories:
        decision = [{"track": "realitet"}] if values.get("kind") == "realitet" else []
        raw["klagepunkter"] = decision + [{"track": "formalitet", "category": c} for c in dict.fromkeys(categories)]
    for box, flag in FLAGS.items():
        raw[flag] = values.get(box) == "on"
    others = [line.split() for line in values.get("other_decisions", "").splitlines() if line.strip()]
    if others:
        # One line per further decision: its reference and the day the citizen got it (parse_filing judges it).
        raw["other_decisions"] = [
            {"decision_ref": parts[0], **({"decision_received": parts[1]} if len(parts) > 1 else {})} for parts in others
        ]
    raw["actor"] = user.username
    raw["unit"] = unit
    if assignee is not None:
        raw["assignee"] = assignee
    return raw


@router.post("/ny-klage", name="file_complaint")
async def file(request: Request, user: CurrentUser) -> Response:
    settings = get_settings(request).core
    check_files_here(user, settings)
    form = await request.form()
    values = {name: str(value) for name, value in form.items() if name not in ("csrf_token", "formal_category")}
    categories = [str(c) for c in form.getlist("formal_category")]
    frist = fristcheck.check(
        received=values.get("decision_received", ""), sent=values.get("decision_sent", ""),
        delivery=values.get("decision_delivery", ""), complaint=values.get("received", ""),
        profile=settings.calendar_profile,
    )
    if values.get("action") == "tjek":
        # Only the check: nothing is saved, the form comes back with what was typed.
        return _page(request, values, categories=categories, frist=frist)
    try:
        unit, assignee = await filing_owner(request, user, area=values.get("area", ""))
    except Problem as problem:
        if problem.status != 422:
            raise
        return _page(request, values, categories=categories, error=problem.detail_da, frist=frist, status_code=422)
    try:
        request_model = operations.parse_filing(
            filing_fields(values, user, unit=unit, assignee=assignee, categories=categories)
        )
        receipt = await operations.file_complaint(
            await get_temporal_client(request), get_register(request), settings, request_model,
            today=local_day(get_clock(request)()), update_id=values.get("idempotency") or str(uuid.uuid4()),
        )
    except Refused as refused:
        return _page(request, values, categories=categories, error=str(refused), frist=frist, status_code=422)
    await readmodel.caught_up(get_register(request), receipt.case_id, None)
    await record_case_access(request, user, receipt.case_id, "ny klage")
    return RedirectResponse(f"/sager/{receipt.case_id}", status_code=303)
