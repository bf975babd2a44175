"""Ledelse: a leder's overview of their units (cases at risk of a breach, overdue and stuck cases, figures) and bulk
reassignment."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from casework import operations
from casework.forecast import DEFAULT_DAYS as DEFAULT_FORECAST_DAYS
from casework.forecast import breach_forecast
from domain.forecast import MAX_HORIZON_DAYS, PACE_WINDOW_DAYS
from domain.errors import Refused
from domain.identity import CASE_ID
from store.accounts import Role
from web import present, statistics
from web.access import record_case_access
from web.api.casework import core_settings
from web.auth import CurrentUser, User, require_role
from web.deps import get_clock, get_register, get_temporal_client
from web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_role(Role.LEDER))])

DEFAULT_STUCK_DAYS = 14
PAGE_SIZE = 50
FIGURES_SAMPLE = 200  # the latest received cases whose histories the figures over time read
# The query parameter that carries each list's cursor, so each list pages on its own.
CURSORS = {"overdue": "efter_overskredet", "stuck": "efter_stille", "open_cases": "efter_aabne"}


async def _overview(
    request: Request, user: User, stuck_days: int, cursors: dict[str, str] | None = None,
    forecast_days: int = DEFAULT_FORECAST_DAYS,
) -> dict:
    register = get_register(request)
    now = get_clock(request)()
    units = sorted(user.units)
    at_risk = await breach_forecast(
        register, kommune=user.kommune, units=units, days=forecast_days, now=now,
        profile=core_settings(request).calendar_profile,
    )  # fmt: skip
    cursors = cursors or {}
    scope = {"kommune": user.kommune, "units": units, "now": now}
    lists = {"overdue": {"overdue": True}, "stuck": {"stuck_days": stuck_days}, "open_cases": {"by_deadline": True}}
    pages = {
        name: await operations.list_cases(register, **scope, **kind, cursor=cursors.get(name), limit=PAGE_SIZE)
        for name, kind in lists.items()
    }
    sample = await operations.list_cases(register, **scope, limit=FIGURES_SAMPLE)
    views = await register.case_views([row["case_id"] for row in sample.rows])
    figures = statistics.figures(await register.count_cases(kommune=user.kommune, units=units), views, now)
    here = {"dage": str(stuck_days), "fare_dage": str(forecast_days)} | {
        CURSORS[name]: cursor for name, cursor in cursors.items()
    }
    return {
        **{name: [present.case_row(row, now) for row in page.rows] for name, page in pages.items()},
        "pagers": {name: _pager(name, page.next_cursor, here, first=name in cursors) for name, page in pages.items()},
        "stuck_days": stuck_days, "figures": figures, "chart": _bars(figures.per_phase), "units": units,
        "active": "ledelse", "urgency_danish": present.URGENCY_DANISH,
        "forecast": at_risk, "forecast_days": forecast_days, "pace_window_days": PACE_WINDOW_DAYS,
        "day_danish": present.day_danish,
    }


def _pager(name: str, next_cursor: str | None, here: dict[str, str], *, first: bool) -> dict[str, str | None]:
    """Links to the next and the first page of one list, keeping the other lists where they are."""
    def link(cursor: str | None) -> str:
        return present.page_link("/ledelse", here | {CURSORS[name]: cursor}) + f"#{name}"

    return {"first": link(None) if first else None, "next": link(next_cursor) if next_cursor else None}


def _bars(rows: list[tuple[str, int]]) -> dict:
    """Bar geometry for the SVG: one bar per row, scaled to the largest count."""
    top = max((count for _, count in rows), default=0) or 1
    return {"height": 28 * len(rows) + 10, "bars": [
        {"label": label, "count": count, "y": 28 * i + 5, "width": round(220 * count / top)} for i, (label, count) in enumerate(rows)
    ]}


@router.get("/ledelse", name="management")
async def management(
    request: Request, user: CurrentUser, dage: int = DEFAULT_STUCK_DAYS, efter_overskredet: str = "",
    efter_stille: str = "", efter_aabne: str = "", fare_dage: int = DEFAULT_FORECAST_DAYS,
) -> Response:
    given = {"overdue": efter_overskredet, "stuck": efter_stille, "open_cases": efter_aabne}
    cursors = {name: cursor for name, cursor in given.items() if cursor}
    forecast_days = min(max(fare_dage, 1), MAX_HORIZON_DAYS)
    context = await _overview(request, user, max(dage, 1), cursors, forecast_days)
    return render(request, "management.html", context | {"values": {}})


async def _reassignable(request: Request, user: User, case_ids: list[str]) -> set[str]:
    """The chosen cases the leder may reassign: open cases of their kommune and units. Each is looked up,
    since a case chosen on one page of the list is not on the page the form comes back with."""
    register = get_register(request)
    mine = set()
    for case_id in dict.fromkeys(case_ids):
        view = await register.case_view(case_id) if CASE_ID.match(case_id) else None
        if view and view.kommune == user.kommune and view.unit in user.units and not view.phase.is_terminal:
            mine.add(case_id)
    return mine


@router.post("/ledelse/fordel", name="reassign")
async def reassign(request: Request, user: CurrentUser) -> Response:
    form = await request.form()
    case_ids = [str(v) for v in form.getlist("sag")]
    values = {"unit": str(form.get("unit", "")), "assignee": str(form.get("assignee", "")).strip(),
              "reason": str(form.get("reason", "")), "chosen": case_ids}
    error = None
    results = []
    if values["unit"] not in user.units:
        error = "Vælg en af dine enheder."
    elif not values["reason"].strip():
        error = "Skriv en begrundelse; den gemmes i hver sags historik."
    elif not case_ids:
        error = "Vælg mindst én sag."
    else:
        allowed = await _reassignable(request, user, case_ids)
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
    context = await _overview(request, user, DEFAULT_STUCK_DAYS)
    status = 422 if error else 200
    return render(request, "management.html", context | {"values": values, "error": error, "results": results}, status_code=status)
