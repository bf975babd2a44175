"""Ledelse: a leder's overview of their units (overdue and stuck cases, figures) and bulk reassignment."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from casework import operations
from domain.errors import Refused
from store.accounts import Role
from web import present, statistics
from web.access import record_case_access
from web.auth import CurrentUser, User, require_role
from web.deps import get_clock, get_register, get_temporal_client
from web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_role(Role.LEDER))])

DEFAULT_STUCK_DAYS = 14


async def _overview(request: Request, user: User, stuck_days: int) -> dict:
    register = get_register(request)
    now = get_clock(request)()
    units = sorted(user.units)
    overdue = await operations.list_cases(register, units=units, overdue=True, now=now, by_deadline=True)
    stuck = await operations.list_cases(register, units=units, stuck_days=stuck_days, now=now, by_deadline=True)
    everything = await operations.list_cases(register, units=units, now=now)
    views = [view for row in everything if (view := await register.case_view(row["case_id"])) is not None]
    open_rows = [row for row in everything if row["phase"] not in ("closed", "withdrawn")]
    figures = statistics.figures(views, now)
    for row in overdue + stuck + open_rows:
        row["phase_danish"] = present.phase_danish(row["phase"])
        row["next_action"] = present.next_action(row["next_deadline_kind"], row["next_deadline_at"])
        row["urgency"] = present.urgency(row["next_deadline_at"], now)
    return {
        "overdue": overdue, "stuck": stuck, "open_cases": open_rows, "stuck_days": stuck_days, "figures": figures,
        "chart": _bars(figures.per_phase), "units": units, "active": "ledelse", "capped": len(everything) >= 200,
        "urgency_danish": present.URGENCY_DANISH,
    }


def _bars(rows: list[tuple[str, int]]) -> dict:
    """Bar geometry for the SVG: one bar per row, scaled to the largest count."""
    top = max((count for _, count in rows), default=0) or 1
    return {"height": 28 * len(rows) + 10, "bars": [
        {"label": label, "count": count, "y": 28 * i + 5, "width": round(220 * count / top)} for i, (label, count) in enumerate(rows)
    ]}


@router.get("/ledelse", name="management")
async def management(request: Request, user: CurrentUser, dage: int = DEFAULT_STUCK_DAYS) -> Response:
    return render(request, "management.html", await _overview(request, user, max(dage, 1)) | {"values": {}})


@router.post("/ledelse/fordel", name="reassign")
async def reassign(request: Request, user: CurrentUser) -> Response:
    form = await request.form()
    case_ids = [str(v) for v in form.getlist("sag")]
    values = {"unit": str(form.get("unit", "")), "assignee": str(form.get("assignee", "")).strip(),
              "reason": str(form.get("reason", "")), "chosen": case_ids}
    context = await _overview(request, user, DEFAULT_STUCK_DAYS)
    allowed = {row["case_id"] for row in context["open_cases"]}
    error = None
    results = []
    if values["unit"] not in user.units:
        error = "Vælg en af dine enheder."
    elif not values["reason"].strip():
        error = "Skriv en begrundelse; den gemmes i hver sags historik."
    elif not case_ids:
        error = "Vælg mindst én sag."
    else:
        outside = [case_id for case_id in case_ids if case_id not in allowed]
        mine = [case_id for case_id in case_ids if case_id in allowed]
        try:
            if mine:
                results = await operations.reassign_many(
                    await get_temporal_client(request), mine, unit=values["unit"], assignee=values["assignee"] or None,
                    actor=user.username, reason=values["reason"], batch_id=str(uuid.uuid4()),
                )
        except Refused as refused:
            error = str(refused)
        results += [operations.Reassigned(case_id=c, ok=False, error="Sagen er ikke åben i dine enheder.") for c in outside]
        for result in results:
            if result.ok:
                await record_case_access(request, user, result.case_id, "fordel")
    if results:
        context = await _overview(request, user, DEFAULT_STUCK_DAYS)
    status = 422 if error else 200
    return render(request, "management.html", context | {"values": values, "error": error, "results": results}, status_code=status)
