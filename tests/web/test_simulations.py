"""POST and GET /api/v1/simulations: who may start and see runs (the statistics' roles, their own kommune),
settings refused before anything starts, one run at a time per kommune, runs left behind by a dead web
process, and one real short simulation from POST to its report, chart and page."""

from __future__ import annotations

import asyncio
import time
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from store.register import CaseRegister
from store.simulation_runs import SimulationRun
from tests.simulation.test_simulation import SMALL
from tests.web.helpers import BASE_URL, MovableClock, api_token, bearer, browser_login
from web.simulations import STALE

RUN_TIMEOUT = 900  # seconds: a month of a small kommune takes well under a minute alone, far more on a busy machine


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan: stale runs are marked at start, and a run still going is stopped at the end."""
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=BASE_URL) as c:
            yield c


async def as_api(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    return bearer(await api_token(client, username))


async def recorded(register: CaseRegister, kommune: str = "0101") -> list[SimulationRun]:
    return await register.simulation_runs.recent(kommune=kommune, limit=100)


async def a_run(register: CaseRegister, clock: MovableClock, kommune: str = "0101") -> SimulationRun:
    """A run recorded as queued, with no process behind it."""
    run = await register.simulation_runs.add(
        kommune=kommune, requested_by="leder", parameters={"months": 1, "seed": 4, "settings": {}}, at=clock.now
    )
    assert run is not None
    return run


# --- who may ----------------------------------------------------------------------------------------------


async def test_the_api_needs_a_login(client):
    response = await client.post("/api/v1/simulations", json={"months": 1})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_sagsbehandler_may_neither_start_nor_see_simulations(client, register, clock):
    run = await a_run(register, clock)
    headers = await as_api(client, "sb-ydelse")
    for method, path in [("POST", "/api/v1/simulations"), ("GET", "/api/v1/simulations"), ("GET", f"/api/v1/simulations/{run.id}"),
                         ("GET", f"/api/v1/simulations/{run.id}/chart.svg"), ("GET", "/api/v1/simulations/parameters")]:  # fmt: skip
        response = await client.request(method, path, json={"months": 1} if method == "POST" else None, headers=headers)
        assert response.status_code == 403, (method, path)
        assert response.json()["type"] == "urn:klagesag:problem:forbidden"
    assert [r.id for r in await recorded(register)] == [run.id]


@pytest.mark.parametrize("username", ["leder", "borgerraadgiver", "admin"])
async def test_leder_borgerraadgiver_and_admin_see_their_own_kommunes_runs(client, register, clock, username):
    own = await a_run(register, clock)
    await a_run(register, clock, kommune="0202")
    response = await client.get("/api/v1/simulations", headers=await as_api(client, username))
    assert response.status_code == 200, response.text
    assert [(r["id"], r["status"], r["kommune"]) for r in response.json()] == [(str(own.id), "queued", "0101")]


async def test_a_run_of_another_kommune_is_not_found(client, register, clock):
    other = await a_run(register, clock, kommune="0202")
    headers = await as_api(client, "borgerraadgiver")
    for path in (f"/api/v1/simulations/{other.id}", f"/api/v1/simulations/{other.id}/chart.svg"):
        response = await client.get(path, headers=headers)
        assert response.status_code == 404
        assert response.json()["type"] == "urn:klagesag:problem:simulation-not-found"


async def test_the_parameters_a_run_may_change_are_listed_with_their_defaults(client):
    response = await client.get("/api/v1/simulations/parameters", headers=await as_api(client, "leder"))
    rows = {row["name"]: row for row in response.json()}
    assert rows["sagsbehandlere"]["default"] == 11 and rows["sagsbehandlere"]["description"]


# --- refused before anything starts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "fields", "danish"),
    [
        ({"settings": {"sagsbehandler": 3}}, ["settings.sagsbehandler"], "Parameteren sagsbehandler findes ikke. Mente du sagsbehandlere?"),
        ({"settings": {"sagsbehandlere": "tre"}}, ["settings.sagsbehandlere"], "Værdien af sagsbehandlere kan ikke bruges (tilladt: et helt tal fra 0 til og med 1000)."),
        ({"settings": {"genvurdering_fuldt_medhold": 1.5}}, ["settings.genvurdering_fuldt_medhold"], "Værdien af genvurdering_fuldt_medhold"),
        ({"settings": {"genvurdering_fuldt_medhold": 0.6, "genvurdering_delvist_medhold": 0.6}},
         ["settings.genvurdering_fuldt_medhold", "settings.genvurdering_delvist_medhold"], "Værdien af genvurdering_delvist_medhold"),
        ({"settings": {"sagsbehandlere": ""}}, ["settings.sagsbehandlere"], "Værdien af sagsbehandlere"),
        ({"months": 0}, ["months"], "Værdien er for lille."),
        ({"months": 37}, ["months"], "Værdien er for stor."),
        ({"seed": -1}, ["seed"], "Værdien er for lille."),
        ({"colour": "red"}, ["colour"], "Feltet er ukendt."),
    ],
)  # fmt: skip
async def test_a_bad_request_is_422_naming_the_field_and_nothing_is_recorded(client, register, body, fields, danish):
    response = await client.post("/api/v1/simulations", json={"months": 1, **body}, headers=await as_api(client, "leder"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert [e["field"] for e in problem["errors"]] == fields
    assert danish in problem["detail_da"]
    assert await recorded(register) == []


async def test_the_english_detail_is_the_clis_explanation(client):
    response = await client.post("/api/v1/simulations", json={"settings": {"genvurdering_fuldt_medhold": 1.5}},
                                 headers=await as_api(client, "leder"))  # fmt: skip
    assert response.json()["detail"] == "genvurdering_fuldt_medhold: Input should be less than or equal to 1 (given '1.5')"


# --- one at a time, and none left running ------------------------------------------------------------------------


async def test_a_second_run_while_one_is_queued_or_running_is_409(client, register, clock):
    first = await a_run(register, clock)
    headers = await as_api(client, "borgerraadgiver")
    for _ in ("queued", "running"):
        response = await client.post("/api/v1/simulations", json={"months": 1}, headers=headers)
        assert response.status_code == 409, response.text
        problem = response.json()
        assert problem["type"] == "urn:klagesag:problem:simulation-running"
        assert problem["detail_da"].startswith("Der kører allerede en simulering for kommunen")
        assert problem["detail"].startswith("Your kommune has a simulation queued or running")
        await register.simulation_runs.mark_running(first.id)
    assert [r.id for r in await recorded(register)] == [first.id]


async def test_another_kommunes_run_does_not_hold_this_one_back(client, register, clock):
    await a_run(register, clock, kommune="0202")
    response = await client.post("/api/v1/simulations", json={"settings": {"sagsbehandler": 1}}, headers=await as_api(client, "leder"))
    assert response.status_code == 422  # checked, not refused as busy: 0202's run is not 0101's


async def test_a_run_left_running_past_the_limit_is_marked_failed_when_read(client, app, register, clock):
    run = await a_run(register, clock)
    await register.simulation_runs.mark_running(run.id)
    clock.advance(seconds=app.state.settings.simulation_limit.total_seconds() - 60)
    headers = await as_api(client, "leder")  # logged in now: a session idle since the run began has expired
    assert (await client.get(f"/api/v1/simulations/{run.id}", headers=headers)).json()["status"] == "running"
    clock.advance(minutes=2)
    body = (await client.get(f"/api/v1/simulations/{run.id}", headers=headers)).json()
    assert (body["status"], body["error"], datetime.fromisoformat(body["finished_at"])) == ("failed", STALE, clock.now)


async def test_a_run_left_running_past_the_limit_is_marked_failed_when_the_app_starts(app, register, clock):
    run = await a_run(register, clock)
    clock.advance(seconds=app.state.settings.simulation_limit.total_seconds() + 1)
    async with app.router.lifespan_context(app):
        stored = await register.simulation_runs.get(run.id)
    assert stored is not None and (stored.status, stored.error) == ("failed", STALE)


# --- a real run ---------------------------------------------------------------------------------------------------


async def until_ended(client: httpx.AsyncClient, location: str, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        body = (await client.get(location, headers=headers)).json()
        if body["status"] in ("done", "failed"):
            return body
        await asyncio.sleep(1)
    raise AssertionError(f"the simulation did not end within {RUN_TIMEOUT} s: {body}")


async def test_a_short_simulation_runs_from_post_to_report_chart_and_page(client, register):
    """A month of a small kommune (tests/simulation's settings), run for real as `klagesag simulate`."""
    headers = await as_api(client, "leder")
    settings = dict(setting.split("=") for setting in SMALL)
    started = await client.post("/api/v1/simulations", json={"months": 1, "seed": 7, "settings": settings}, headers=headers)
    assert started.status_code == 202, started.text
    location = started.headers["location"]
    assert location == f"/api/v1/simulations/{started.json()['id']}"
    assert started.json()["status"] == "queued"
    busy = await client.post("/api/v1/simulations", json={"months": 1}, headers=headers)
    assert busy.status_code == 409  # while the first runs

    body = await until_ended(client, location, headers)
    assert body["status"] == "done", body["error"]
    assert body["parameters"] == {
        "months": 1, "seed": 7,
        "settings": {"realitet_per_month": 40.0, "formal_per_month": 8.0, "sagsbehandlere": 2, "genvurdering_prep_days": 2.0},
    }  # fmt: skip
    sim, report = body["result"]["simulation"], body["result"]["report"]
    did = sim["did"]
    assert (sim["seed"], sim["parameters"]["sagsbehandlere"]) == (7, 2)
    assert did["filed"]["realitet"] > 20 and did["filed"]["formalitet"] > 0
    assert (report["realitet"], report["formalitet"]) == (did["filed"]["realitet"], did["filed"]["formalitet"])
    assert report["genvurdering_outcomes"]["total"] == did["steps"]["genvurdering"] > 0
    assert not did["refused"], did["refusals"]
    assert body["finished_at"] is not None and body["error"] is None

    chart = await client.get(body["chart"], headers=headers)
    assert chart.status_code == 200 and chart.headers["content-type"] == "image/svg+xml"
    svg = ET.fromstring(chart.text)
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(svg.findall("{http://www.w3.org/2000/svg}polyline")) == 2  # open and overdue cases per week

    await browser_login(client, "leder")
    page = (await client.get(f"/simulering/{body['id']}")).text
    assert '<dd id="status">Færdig</dd>' in page
    assert f'<tr><th scope="row">Realitetsklager modtaget</th><td>{report["realitet"]}</td></tr>' in page
    assert f'<img class="simulation-chart" src="/api/v1/simulations/{body["id"]}/chart.svg"' in page
    assert "<svg" not in page.split("</header>", 1)[1]  # the chart is an image, not markup in the page
    assert "hx-trigger" not in page  # nothing left to poll


# --- the schema -----------------------------------------------------------------------------------------------------


async def test_openapi_documents_the_simulations_and_their_problems(client):
    paths = (await client.get("/openapi.json")).json()["paths"]
    start = paths["/api/v1/simulations"]["post"]["responses"]
    assert {"202", "401", "403", "409", "422"} <= set(start)
    assert "application/problem+json" in start["409"]["content"]
    assert "image/svg+xml" in paths["/api/v1/simulations/{run_id}/chart.svg"]["get"]["responses"]["200"]["content"]
