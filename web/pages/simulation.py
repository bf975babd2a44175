"""Simulering (issue 9): start a simulated period of the kommune (`klagesag simulate`, docs/simulation.md)
with changed parameters, see the kommune's recent runs, and read a finished run's key figures and chart.
The statistics' roles. Works without JavaScript: a run's page shows its status on every load, and htmx
only reloads that part of it while the run is queued or running."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from domain.stats import danish_number
from simulation.parameters import MAX_MONTHS, Parameters
from store.simulation_runs import RunStatus
from web.api.simulations import MAX_SEED, RECENT, allowed_da, chart_url, own_run, run_url, start_run
from web.api.statistics import Reporter
from web.auth import User
from web.deps import get_register, get_simulations
from web.present import moment_danish
from web.problems import Problem
from web.templating import render

router = APIRouter(include_in_schema=False)

STATUS_DA = {RunStatus.QUEUED: "I kø", RunStatus.RUNNING: "Kører", RunStatus.DONE: "Færdig", RunStatus.FAILED: "Fejlet"}
POLL_SECONDS = 5


def key_figures(result: dict[str, Any]) -> list[tuple[str, str]]:
    """The figures a leder looks at first, as (label, value); the whole report is in the API's JSON."""
    r, did = result["report"], result["simulation"]["did"]
    within = r["genvurdering_within_4_weeks"]
    return [
        ("Realitetsklager modtaget", str(r["realitet"])),
        ("Formalitetsklager modtaget", str(r["formalitet"])),
        ("Genvurderinger inden for 4 uger", f"{danish_number(within['percent'], ' %')} ({within['on_time']} af {within['total']})"),
        ("Omgørelsesprocent", danish_number(r["omgoerelsesprocent"], " %")),
        ("Sager med overskredet frist ved periodens slut", str(r["overdue_now"])),
        ("Sager stadig åbne ved periodens slut", str(r["still_open"])),
        ("Trin taget i simuleringen", str(sum(did["steps"].values()))),
    ]  # fmt: skip


def _whole_number(text: str, low: int, high: int) -> int | None:
    try:
        value = int(text.strip())
    except ValueError:
        return None
    return value if low <= value <= high else None


async def _form_page(
    request: Request, user: User, values: dict[str, str], *, errors: dict[str, str] | None = None,
    explanation: str | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    runs = get_register(request).simulation_runs
    await get_simulations(request).fail_stale(runs)
    parameters = [row | {"allowed": allowed_da(row["name"])} for row in Parameters.describe()]
    return render(request, "simulation.html", {
        "active": "simulering", "values": values, "errors": errors or {}, "explanation": explanation,
        "parameters": parameters, "runs": await runs.recent(kommune=user.kommune, limit=RECENT), "status_da": STATUS_DA,
        "moment": moment_danish, "max_months": MAX_MONTHS,
    }, status_code=status_code)  # fmt: skip


@router.get("/simulering", name="simulation")
async def simulation_page(request: Request, user: Reporter) -> Response:
    return await _form_page(request, user, {"maaneder": "12", "seed": "4", "aendringer": ""})


@router.post("/simulering", name="start_simulation")
async def start(request: Request, user: Reporter) -> Response:
    form = await request.form()
    values = {name: str(form.get(name, "")) for name in ("maaneder", "seed", "aendringer")}
    months = _whole_number(values["maaneder"], 1, MAX_MONTHS)
    seed = _whole_number(values["seed"], 0, MAX_SEED)
    errors: dict[str, str] = {}
    if months is None:
        errors["maaneder"] = f"Skriv et helt antal måneder fra 1 til {MAX_MONTHS}."
    if seed is None:
        errors["seed"] = "Skriv et helt tal fra 0 og op (samme seed giver samme forløb)."
    if errors or months is None or seed is None:
        return await _form_page(request, user, values, errors=errors, status_code=422)
    lines = [line.strip() for line in values["aendringer"].splitlines() if line.strip()]
    try:
        run = await start_run(request, user, months, seed, lines)
    except Problem as problem:
        if problem.status not in (409, 422):
            raise
        field = "aendringer" if problem.status == 422 else "start"
        explanation = problem.detail if problem.status == 422 else None  # the rule that was broken, as the CLI says it
        return await _form_page(request, user, values, errors={field: problem.detail_da or problem.title_da},
                                explanation=explanation, status_code=problem.status)  # fmt: skip
    return RedirectResponse(f"/simulering/{run.id}", status_code=303)


@router.get("/simulering/{run_id}", name="simulation_run")
async def run_page(request: Request, user: Reporter, run_id: uuid.UUID) -> Response:
    run = await own_run(request, user, run_id)
    return render(request, "simulation_run.html", {
        "active": "simulering", "run": run, "status_da": STATUS_DA, "moment": moment_danish, "poll_seconds": POLL_SECONDS,
        "figures": key_figures(run.result) if run.result else None, "chart_url": chart_url(run.id), "json_url": run_url(run.id),
    })  # fmt: skip
