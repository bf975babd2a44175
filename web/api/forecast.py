"""The breach forecast over HTTP (issue 9 §3): the same report as `klagesag forecast --json`. The roles of
the statistics API (leder, borgerrådgiver, admin), their own kommune only; a leder sees the cases of their
own units, as on the Ledelse page, the borgerrådgiver and an admin the kommune's. No personal data: case
ids, units, usernames of staff, dates and counts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from casework.forecast import DEFAULT_DAYS, breach_forecast, report
from casework.statistics import UNIT
from domain.forecast import MAX_HORIZON_DAYS, Forecast
from web.api.casework import core_settings
from web.api.statistics import Reporter
from web.auth import User
from web.deps import get_clock, get_register
from web.problems import FieldError, Problem, forbidden, problem_responses

router = APIRouter(tags=["forecast"])


def invalid_field(field: str, english: str, danish: str) -> Problem:
    error = FieldError(field=field, rule="value_error", message_da=danish, message_en=english)
    return Problem(
        422, "validation", title="Invalid request", title_da="Ugyldig forespørgsel", detail=f"{field}: {english}",
        detail_da=f"{field}: {danish}", errors=[error],
    )  # fmt: skip


def units_in_scope(user: User, units: list[str] | None) -> list[str] | None:
    """The units whose cases the user may see in the forecast (None: the whole kommune); asking for a unit
    outside a leder's own is 403."""
    if user.is_borgerraadgiver or user.is_admin:
        return units or None
    outside = sorted(set(units or []) - user.units)
    if outside:
        raise forbidden(detail=f"Unit '{outside[0]}' is not one of yours.", detail_da="Enheden er ikke en af dine.")
    return sorted(units or user.units)


async def forecast_for(request: Request, user: User, days: int, units: list[str] | None) -> tuple[Forecast, list[str] | None]:
    """The forecast of the user's kommune and scope, and the units it covers."""
    scope = units_in_scope(user, units)
    result = await breach_forecast(
        get_register(request), kommune=user.kommune, units=scope, days=days, now=get_clock(request)(),
        profile=core_settings(request).calendar_profile,
    )  # fmt: skip
    return result, scope


@router.get(
    "/forecast",
    response_model=dict[str, Any],
    responses=problem_responses(401, 403, 422),
    summary="Open cases that will pass a deadline within `days` days unless someone acts, judged from each "
    "sagsbehandler's pace over the last 30 days; the soonest deadline first, each with the reason in Danish "
    "(docs/forecast.md)",
)
async def forecast(
    request: Request,
    user: Reporter,
    days: Annotated[int, Query(ge=1, le=MAX_HORIZON_DAYS, description="how many days ahead")] = DEFAULT_DAYS,
    kommune: Annotated[str | None, Query(pattern=r"^\d{4}$", description="your own kommunekode (the default)")] = None,
    unit: Annotated[list[str] | None, Query(description="only cases owned by this unit (repeatable)")] = None,
) -> dict[str, Any]:
    if kommune is not None and kommune != user.kommune:
        raise forbidden(
            detail="You see only your own kommune's forecast.", detail_da="Du kan kun se din egen kommunes prognose."
        )
    bad = [code for code in unit or [] if not UNIT.match(code)]
    if bad:  # before the scope: a malformed code is a 422 for every role, naming the field
        raise invalid_field("unit", f"'{bad[0]}' is not a unit code (lower-case letters, digits, '-' and '_')",
                            "Enhedskoden er ugyldig; brug små bogstaver, tal, '-' og '_'.")  # fmt: skip
    result, scope = await forecast_for(request, user, days, unit)
    return report(result, kommune=user.kommune, units=scope, generated_at=get_clock(request)())
