"""The statistics report for every front end (`klagesag stats`, `GET /api/v1/statistics`, the Statistik
page): the period and filters checked, the counts taken from the read model's facts, the figures computed
(domain/stats.py). Needs PostgreSQL only, never Temporal."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from domain.errors import InvalidInput
from domain.stats import Period, Targets, report
from store.register import CaseRegister
from workers.settings import Settings

KOMMUNE = re.compile(r"^\d{4}$")
UNIT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def targets_from(settings: Settings) -> Targets:
    return Targets(realitet=settings.target_realitet_percent, formalitet=settings.target_formalitet_percent)


EARLIEST = date(1900, 1, 1)  # the year before must still be a date; no kommune has complaints older


def period_problems(start: date, end: date) -> list[tuple[str, str, str]]:
    """What is wrong with a period, as (field, English, Danish); the fields are named `from` and `to`."""
    problems = []
    if start < EARLIEST:
        problems.append(("from", f"the period cannot start before {EARLIEST.isoformat()}",
                         f"Perioden kan ikke begynde før {EARLIEST.isoformat()}."))  # fmt: skip
    if end < start:
        problems.append(("to", f"the period ends ({end.isoformat()}) before it starts ({start.isoformat()})",
                         "Slutdatoen ligger før startdatoen."))  # fmt: skip
    return problems


def checked_period(start: date, end: date, *, names: dict[str, str] | None = None) -> Period:
    """The period, or InvalidInput naming the field (`names` maps from/to to the caller's own names)."""
    for field, message, _ in period_problems(start, end):
        raise InvalidInput(f"{(names or {}).get(field, field)}: {message}")
    return Period(start, end)


def check_filters(kommune: str, unit: str | None) -> None:
    if not KOMMUNE.match(kommune):
        raise InvalidInput(f"kommune: '{kommune}' is not a kommunekode; write the four digits, e.g. 0101")
    if unit is not None and not UNIT.match(unit):
        raise InvalidInput(f"unit: '{unit}' is not a unit code (lower-case letters, digits, '-' and '_')")


async def statistics_report(
    register: CaseRegister,
    *,
    kommune: str,
    unit: str | None,
    start: date,
    end: date,
    targets: Targets,
    now: datetime,
) -> dict[str, Any]:
    check_filters(kommune, unit)
    period = checked_period(start, end)
    counts = await register.statistics(kommune=kommune, unit=unit, period=period, now=now)
    return report(counts, kommune=kommune, unit=unit, period=period, targets=targets, generated_at=now)
