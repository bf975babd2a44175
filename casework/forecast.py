"""The breach forecast for every front end (`klagesag forecast`, `GET /api/v1/forecast`, "Sager i fare" on
the Ledelse page): the horizon and filters checked, the open cases and paces read from PostgreSQL
(store/forecast.py), the rules applied (domain/forecast.py). Needs PostgreSQL only, never Temporal.

The report is of one kommune: its queues, its paces and its cases, never another kommune's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from casework.statistics import check_filters
from domain.calendar import CalendarProfile
from domain.errors import InvalidInput
from domain.case_facts import local_date
from domain.forecast import MAX_HORIZON_DAYS, PACE_WINDOW_DAYS, AtRisk, Forecast, forecast, pace_window
from store.register import CaseRegister

DEFAULT_DAYS = 14
OVERDUE_NOTE = (
    "Sager hvis frist allerede er overskredet er ikke en prognose og er ikke med her; "
    "de står under Overskredne frister (klagesag cases --overdue)."
)


def days_problem(days: int) -> str | None:
    """What is wrong with a horizon, in English; None when it is fine."""
    if not 1 <= days <= MAX_HORIZON_DAYS:
        return f"the horizon is a whole number of days from 1 to {MAX_HORIZON_DAYS}; got {days}"
    return None


def check_days(days: int, *, name: str = "days") -> None:
    problem = days_problem(days)
    if problem:
        raise InvalidInput(f"{name}: {problem}")


async def breach_forecast(
    register: CaseRegister,
    *,
    kommune: str,
    units: list[str] | None,
    days: int,
    now: datetime,
    profile: CalendarProfile,
) -> Forecast:
    """The kommune's cases at risk within `days` days; `units`: only these units' cases (None: all)."""
    check_filters(kommune, None)
    for unit in units or []:
        check_filters(kommune, unit)
    check_days(days)
    cases, completed = await register.forecast_inputs(kommune=kommune, window=pace_window(local_date(now)))
    return forecast(cases, completed, now=now, days=days, units=units, profile=profile)


def risk_dict(risk: AtRisk) -> dict[str, Any]:
    return {
        "case_id": risk.case_id,
        "unit": risk.unit,
        "assignee": risk.assignee,
        "deadline_kind": risk.deadline_kind.value,
        "deadline_label": risk.deadline_label,
        "deadline_at": risk.deadline_at.isoformat(),
        "deadline_date": risk.deadline_date.isoformat(),
        "days_left": risk.days_left,
        "working_days_left": risk.working_days_left,
        "queue_before": risk.queue_before,
        "pace_per_day": risk.pace_per_day,
        "working_days_needed": risk.working_days_needed,
        "cause": risk.cause.value,
        "reason": risk.reason,
    }


def report(result: Forecast, *, kommune: str, units: list[str] | None, generated_at: datetime) -> dict[str, Any]:
    """The forecast as JSON: what the CLI prints with --json and the API answers."""
    first, last = pace_window(result.today)
    return {
        "kommune": kommune,
        "units": units,
        "days": result.days,
        "today": result.today.isoformat(),
        "until": result.until.isoformat(),
        "generated_at": generated_at.isoformat(),
        "pace_window": {"from": first.isoformat(), "to": last.isoformat(), "days": PACE_WINDOW_DAYS},
        "within_horizon": result.within_horizon,
        "overdue_not_forecast": result.overdue,
        "overdue_note": OVERDUE_NOTE,
        "at_risk": [risk_dict(r) for r in result.at_risk],
    }
