"""Simulations over HTTP (issue 9 §2): start `klagesag simulate` in the background, follow it, and fetch
its report (what `klagesag simulate --json` prints) and chart. The statistics API's roles (leder,
borgerrådgiver, admin); each sees and starts only their own kommune's runs, and a run of another kommune
is 404 as if it did not exist. A run has servers of its own and simulated people only (web/simulations.py).
"""

from __future__ import annotations

import difflib
import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr
from starlette.responses import JSONResponse, Response

from simulation.parameters import MAX_MONTHS, InvalidSetting, Parameters
from store.simulation_runs import RunStatus, SimulationRun
from web.api.statistics import Reporter
from web.auth import User
from web.deps import get_register, get_simulations
from web.problems import FieldError, Problem, problem_responses
from web.simulations import run_request

router = APIRouter(tags=["simulations"])

PATH = "/api/v1/simulations"
RECENT = 20  # runs listed, newest first
SVG = "image/svg+xml"
MAX_SEED = 2**31 - 1


class SimulationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    months: int = Field(12, ge=1, le=MAX_MONTHS, description="how many months to simulate")
    seed: int = Field(4, ge=0, le=MAX_SEED, description="the random seed; the same seed gives the same period")
    settings: dict[str, StrictInt | StrictFloat | StrictStr] = Field(
        default_factory=dict, description="parameter changes, {name: value}; GET /api/v1/simulations/parameters lists them"
    )


class SimulationOut(BaseModel):
    id: uuid.UUID
    kommune: str
    requested_by: str = Field(description="the username of the staff member who started it")
    status: RunStatus
    parameters: dict[str, Any] = Field(description='{"months": M, "seed": S, "settings": {name: value}}')
    created_at: datetime
    finished_at: datetime | None
    result: dict[str, Any] | None = Field(description="once done: what `klagesag simulate --json` prints")
    error: str | None = Field(description="once failed: why")
    chart: str | None = Field(description="once done: the address of the SVG chart")

    @classmethod
    def of(cls, run: SimulationRun) -> "SimulationOut":
        return cls(
            id=run.id, kommune=run.kommune, requested_by=run.requested_by, status=run.status, parameters=run.parameters,
            created_at=run.created_at, finished_at=run.finished_at, result=run.result, error=run.error,
            chart=chart_url(run.id) if run.has_chart else None,
        )  # fmt: skip


def run_url(run_id: uuid.UUID) -> str:
    return f"{PATH}/{run_id}"


def chart_url(run_id: uuid.UUID) -> str:
    return f"{run_url(run_id)}/chart.svg"


def allowed_da(name: str) -> str:
    """What a parameter takes, in Danish, from its field's bounds: 'et helt tal fra 0 til og med 1000'."""
    field = Parameters.model_fields[name]
    bounds = {key: getattr(m, key) for m in field.metadata for key in ("ge", "gt", "le") if hasattr(m, key)}
    kind = "et helt tal" if field.annotation is int else "et tal"
    low = f"fra {bounds['ge']}" if "ge" in bounds else f"over {bounds['gt']}" if "gt" in bounds else ""
    return " ".join(filter(None, [kind, low, f"til og med {bounds['le']}" if "le" in bounds else ""]))


def setting_problem_da(name: str) -> str:
    if name not in Parameters.model_fields:
        close = difflib.get_close_matches(name, Parameters.model_fields, n=1)
        return f"Parameteren {name} findes ikke." + (f" Mente du {close[0]}?" if close else "")
    return f"Værdien af {name} kan ikke bruges (tilladt: {allowed_da(name)})."


def invalid_settings(error: InvalidSetting) -> Problem:
    """422 naming each parameter the change is about (`settings.<name>`), or `settings` when it names none."""
    english = str(error).removeprefix("--set: ").removeprefix("--set ")
    errors = [
        FieldError(field=f"settings.{name}", rule="value_error", message_da=setting_problem_da(name), message_en=english)
        for name in error.names
    ] or [FieldError(field="settings", rule="value_error", message_da="Skriv hver ændring som navn=værdi.", message_en=english)]
    return Problem(
        422, "validation", title="Invalid request", title_da="Ugyldig forespørgsel", detail=english,
        detail_da=" ".join(e.message_da for e in errors), errors=errors,
    )  # fmt: skip


async def own_run(request: Request, user: User, run_id: uuid.UUID) -> SimulationRun:
    """The run, if it is of the user's kommune; 404 otherwise. Stale runs are marked failed first."""
    runs = get_register(request).simulation_runs
    await get_simulations(request).fail_stale(runs)
    run = await runs.get(run_id)
    if run is None or run.kommune != user.kommune:
        raise Problem(404, "simulation-not-found", title="No such simulation", title_da="Simuleringen findes ikke",
                      detail=f"Your kommune has no simulation {run_id}.", detail_da="Kommunen har ingen simulering med dette id.")  # fmt: skip
    return run


async def start_run(request: Request, user: User, months: int, seed: int, assignments: list[str]) -> SimulationRun:
    """Check the changes (422 before anything is recorded), then record and start the run (409 while the
    kommune has one)."""
    try:
        wanted = run_request(months, seed, assignments)
    except InvalidSetting as error:
        raise invalid_settings(error) from None
    return await get_simulations(request).start(
        get_register(request).simulation_runs, wanted, kommune=user.kommune, requested_by=user.username
    )


RunId = Annotated[uuid.UUID, Path(description="the run's id, from POST /api/v1/simulations")]


@router.get("/simulations/parameters", responses=problem_responses(401, 403), summary="The parameters a run may change, with their defaults and sources")
async def parameters(user: Reporter) -> list[dict[str, Any]]:
    return Parameters.describe()


@router.post(
    "/simulations",
    status_code=202,
    response_model=SimulationOut,
    responses=problem_responses(401, 403, 409, 422),
    summary="Start a simulated period in the background (`klagesag simulate`, docs/simulation.md) on servers of "
    "its own; the answer's Location is the run, to follow until it is done",
)
async def start(request: Request, user: Reporter, body: SimulationIn) -> JSONResponse:
    assignments = [f"{name}={value}" for name, value in body.settings.items()]
    run = await start_run(request, user, body.months, body.seed, assignments)
    return JSONResponse(
        SimulationOut.of(run).model_dump(mode="json"), status_code=202, headers={"Location": run_url(run.id)}
    )


@router.get(
    "/simulations",
    response_model=list[SimulationOut],
    responses=problem_responses(401, 403),
    summary=f"The kommune's {RECENT} latest runs, newest first",
)
async def recent(request: Request, user: Reporter) -> list[SimulationOut]:
    runs = get_register(request).simulation_runs
    await get_simulations(request).fail_stale(runs)
    return [SimulationOut.of(run) for run in await runs.recent(kommune=user.kommune, limit=RECENT)]


@router.get(
    "/simulations/{run_id}",
    response_model=SimulationOut,
    responses=problem_responses(401, 403, 404, 422),
    summary="A run: its status (queued, running, done, failed), parameters, and once done its report",
)
async def run(request: Request, user: Reporter, run_id: RunId) -> SimulationOut:
    return SimulationOut.of(await own_run(request, user, run_id))


@router.get(
    "/simulations/{run_id}/chart.svg",
    responses={200: {"content": {SVG: {"schema": {"type": "string"}}}, "description": "The chart"}, **problem_responses(401, 403, 404, 422)},
    response_class=Response,
    summary="A finished run's chart: open and overdue cases per week (SVG); 404 until it is done",
)
async def chart(request: Request, user: Reporter, run_id: RunId) -> Response:
    await own_run(request, user, run_id)
    svg = await get_register(request).simulation_runs.chart(run_id)
    if svg is None:
        raise Problem(404, "simulation-chart-not-ready", title="No chart yet", title_da="Intet diagram endnu",
                      detail="The chart is there once the run is done.", detail_da="Diagrammet kommer, når simuleringen er færdig.")  # fmt: skip
    return Response(svg, media_type=SVG)
