"""The kommune's statistics over HTTP (issue 9 §1): the same report as `klagesag stats`, as JSON or CSV.
Counts only, no personal data; a leder, borgerrådgiver or admin sees their own kommune's figures."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from casework.statistics import UNIT, period_problems, statistics_report, targets_from
from domain import stats
from store.accounts import Role
from web.api.casework import core_settings
from web.auth import User, require_role
from web.deps import get_clock, get_register
from web.problems import FieldError, Problem, forbidden, problem_responses

router = APIRouter(tags=["statistics"])

Reporter = Annotated[User, Depends(require_role(Role.LEDER, Role.BORGERRAADGIVER, Role.ADMIN))]
CSV = "text/csv; charset=utf-8"


def invalid_period(problems: list[tuple[str, str, str]]) -> Problem:
    errors = [FieldError(field=f, rule="value_error", message_da=da, message_en=en) for f, en, da in problems]
    return Problem(
        422, "validation", title="Invalid request", title_da="Ugyldig forespørgsel",
        detail="; ".join(f"{e.field}: {e.message_en}" for e in errors),
        detail_da="; ".join(f"{e.field}: {e.message_da}" for e in errors), errors=errors,
    )  # fmt: skip


def csv_response(report: dict[str, Any]) -> Response:
    unit = f"-{report['unit']}" if report["unit"] else ""
    name = f"klagesag-statistik-{report['kommune']}{unit}-{report['from']}-{report['to']}.csv"
    return Response(stats.to_csv(report), media_type=CSV, headers={"Content-Disposition": f'attachment; filename="{name}"'})


async def report_for(request: Request, user: User, start: date, end: date, kommune: str | None, unit: str | None) -> dict[str, Any]:
    """The report of the user's own kommune: asking for another is 403, a bad period 422 naming the field."""
    if kommune is not None and kommune != user.kommune:
        raise forbidden(
            detail="You see only your own kommune's statistics.", detail_da="Du kan kun se din egen kommunes statistik."
        )
    problems = period_problems(start, end)
    if problems:
        raise invalid_period(problems)
    return await statistics_report(
        get_register(request), kommune=user.kommune, unit=unit, start=start, end=end,
        targets=targets_from(core_settings(request)), now=get_clock(request)(),
    )  # fmt: skip


@router.get(
    "/statistics",
    response_model=dict[str, Any],
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "The report (JSON, or CSV with format=csv)"},
        **problem_responses(401, 403, 422),
    },
    summary="The kommune's figures for a period, each with its definition (docs/legal-reference.md §4.5)",
)
async def statistics(
    request: Request,
    user: Reporter,
    start: Annotated[date, Query(alias="from", description="first day of the period")],
    end: Annotated[date, Query(alias="to", description="last day of the period, inclusive")],
    kommune: Annotated[str | None, Query(pattern=r"^\d{4}$", description="your own kommunekode (the default)")] = None,
    unit: Annotated[str | None, Query(pattern=UNIT.pattern, description="only complaints owned by this unit")] = None,
    format: Literal["json", "csv"] = "json",
) -> Any:
    report = await report_for(request, user, start, end, kommune, unit)
    return csv_response(report) if format == "csv" else report
