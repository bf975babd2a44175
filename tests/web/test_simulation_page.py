"""The Simulering page: in the menu beside Statistik for the same roles, the form with the parameters and
their defaults, the kommune's recent runs, errors shown on the form with nothing started, a run's page
while it runs and when it failed, and a run started from the form and stopped when the app shuts down.
(A finished run's page: tests/web/test_simulations.py, after a real run.)"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from simulation.parameters import Parameters
from store.register import CaseRegister
from store.simulation_runs import SimulationRun
from tests.web.helpers import BASE_URL, MovableClock, browser_login, form_csrf


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan, which stops a run still going when the app shuts down."""
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=BASE_URL) as c:
            yield c


async def a_run(register: CaseRegister, clock: MovableClock, kommune: str = "0101", **settings: float) -> SimulationRun:
    run = await register.simulation_runs.add(
        kommune=kommune, requested_by="borgerraadgiver", parameters={"months": 3, "seed": 9, "settings": settings}, at=clock.now
    )
    assert run is not None
    return run


async def post_form(client: httpx.AsyncClient, **fields: str) -> httpx.Response:
    form = await client.get("/simulering")
    return await client.post("/simulering", data={"csrf_token": form_csrf(form.text), **fields})


@pytest.mark.parametrize("username", ["leder", "borgerraadgiver", "admin"])
async def test_the_menu_links_simulering_for_the_statistics_roles(client, username):
    await browser_login(client, username)
    page = await client.get("/simulering")
    assert page.status_code == 200
    assert "<title>Simulering – klagesag</title>" in page.text
    assert 'href="/simulering" aria-current="page">Simulering</a>' in page.text


async def test_a_sagsbehandler_has_no_simulering(client):
    await browser_login(client, "sb-ydelse")
    assert 'href="/simulering"' not in (await client.get("/")).text
    assert (await client.get("/simulering")).status_code == 403


async def test_the_form_lists_the_parameters_with_their_defaults(client):
    await browser_login(client, "leder")
    html = (await client.get("/simulering")).text
    assert 'method="post" action="/simulering"' in html and 'name="csrf_token"' in html
    assert '<input id="maaneder" name="maaneder" type="number" min="1" max="36" value="12"' in html
    assert ('<tr><th scope="row"><code>sagsbehandlere</code></th><td>11</td><td>et helt tal fra 0 til og med 1000</td>'
            '<td lang="en">sagsbehandlere doing genvurderinger') in html  # fmt: skip
    assert html.count('<th scope="row"><code>') == len(Parameters.model_fields)  # every one, with its default
    assert "Kommunen har ikke kørt nogen simuleringer endnu." in html


async def test_the_page_lists_the_kommunes_runs_newest_first(client, register, clock):
    older = await a_run(register, clock, sagsbehandlere=13)
    await register.simulation_runs.finish(older.id, at=clock.now, error="boom")
    clock.advance(minutes=5)
    newer = await a_run(register, clock)
    await a_run(register, clock, kommune="0202")
    await browser_login(client, "borgerraadgiver")
    html = (await client.get("/simulering")).text
    rows = re.findall(r'<a href="/simulering/([0-9a-f-]+)">', html)
    assert rows == [str(newer.id), str(older.id)]  # never kommune 0202's
    assert "<td>sagsbehandlere=13</td>" in html and "<td>Ingen</td>" in html
    assert "<td>Fejlet</td>" in html and "<td>I kø</td>" in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"aendringer": "sagsbehandlere=12\nsagsbehandler=3"}, "Parameteren sagsbehandler findes ikke. Mente du sagsbehandlere?"),
        ({"aendringer": "sagsbehandlere"}, "Værdien af sagsbehandlere kan ikke bruges"),
        ({"aendringer": "genvurdering_fuldt_medhold=2"}, "Værdien af genvurdering_fuldt_medhold kan ikke bruges (tilladt: et tal fra 0 til og med 1)."),
        ({"maaneder": "0"}, "Skriv et helt antal måneder fra 1 til 36."),
        ({"maaneder": "tolv"}, "Skriv et helt antal måneder fra 1 til 36."),
        ({"seed": "-3"}, "Skriv et helt tal fra 0 og op"),
    ],
)  # fmt: skip
async def test_a_bad_form_is_shown_again_with_the_error_and_nothing_starts(client, register, fields, message):
    await browser_login(client, "leder")
    response = await post_form(client, **{"maaneder": "1", "seed": "4", "aendringer": "", **fields})
    assert response.status_code == 422
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    if "aendringer" in fields:  # what was typed comes back, to be corrected
        assert f'>{fields["aendringer"]}</textarea>' in response.text
    assert await register.simulation_runs.recent(kommune="0101", limit=10) == []


async def test_a_second_run_from_the_form_is_refused_while_one_runs(client, register, clock):
    await a_run(register, clock)
    await browser_login(client, "leder")
    response = await post_form(client, maaneder="1", seed="4", aendringer="")
    assert response.status_code == 409
    assert "Der kører allerede en simulering for kommunen" in response.text
    assert len(await register.simulation_runs.recent(kommune="0101", limit=10)) == 1


async def test_the_form_needs_its_csrf_token(client, register):
    await browser_login(client, "leder")
    response = await client.post("/simulering", data={"maaneder": "1", "seed": "4", "aendringer": ""})
    assert response.status_code == 403
    assert await register.simulation_runs.recent(kommune="0101", limit=10) == []


async def test_a_running_run_reloads_its_status_and_works_without_javascript(client, register, clock):
    run = await a_run(register, clock, sagsbehandlere=13)
    await register.simulation_runs.mark_running(run.id)
    await browser_login(client, "leder")
    html = (await client.get(f"/simulering/{run.id}")).text
    assert f'<section id="koersel" hx-get="/simulering/{run.id}" hx-trigger="every 5s" hx-select="#koersel"' in html
    assert '<dd id="status">Kører</dd>' in html and "<code>sagsbehandlere=13</code>" in html
    assert "genindlæse den for at se status" in html


async def test_a_failed_run_shows_its_error_escaped_and_stops_polling(client, register, clock):
    run = await a_run(register, clock)
    await register.simulation_runs.finish(run.id, at=clock.now, error="klagesag: error: <b>boom</b>")
    await browser_login(client, "leder")
    html = (await client.get(f"/simulering/{run.id}")).text
    assert '<dd id="status">Fejlet</dd>' in html and "hx-trigger" not in html
    assert "klagesag: error: &lt;b&gt;boom&lt;/b&gt;" in html


async def test_another_kommunes_run_page_is_not_found(client, register, clock):
    run = await a_run(register, clock, kommune="0202")
    await browser_login(client, "leder")
    page = await client.get(f"/simulering/{run.id}")
    assert page.status_code == 404 and "Simuleringen findes ikke" in page.text


async def test_a_run_started_from_the_form_is_stopped_and_recorded_when_the_app_shuts_down(app, register):
    """A real `klagesag simulate` child: the form starts it, the app's shutdown stops it with SIGTERM (the
    CLI stops and shuts down whatever servers it has started; this soon, usually none) and records the run
    as failed."""
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=BASE_URL) as client:
            await browser_login(client, "leder")
            response = await post_form(client, maaneder="1", seed="4", aendringer="sagsbehandlere=2\nrealitet_per_month=10")
            assert response.status_code == 303
            run_id = response.headers["location"].removeprefix("/simulering/")
            [run] = await register.simulation_runs.recent(kommune="0101", limit=10)
            assert (str(run.id), run.active, run.requested_by) == (run_id, True, "leder")
            assert run.parameters == {"months": 1, "seed": 4, "settings": {"sagsbehandlere": 2, "realitet_per_month": 10.0}}
    [run] = await register.simulation_runs.recent(kommune="0101", limit=10)
    assert run.status == "failed" and run.finished_at is not None
    assert run.error is not None and run.error.startswith("klagesag simulate ended with exit code")
