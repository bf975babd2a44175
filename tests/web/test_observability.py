"""Observing the web process: /healthz and /readyz for the probes, a request id on every request and
its log lines, HTTP metrics by route template, and the overdue gauge from the read model — on the app in
process, and on real listeners as `klagesag web` runs them."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
import structlog
from prometheus_client.parser import text_string_to_metric_families
from structlog.testing import capture_logs
from temporalio.client import Client

from store.accounts import AccountStore
from store.register import CaseRegister
from tests.conftest import DATA_CONVERTER, free_port
from tests.web.api_helpers import file_over_api, login
from tests.web.helpers import BASE_URL, MovableClock
from tests.workflow.harness import Harness
from web.app import create_app
from web.request_context import route_template
from web.server import serve_until
from web.settings import WebSettings

CASE = "KS-0101-AAAAAAAAAAAAA"


async def closed_port_temporal() -> Client:
    """A Temporal client factory for a server that is not there: nothing listens on the port."""
    return await Client.connect(f"127.0.0.1:{free_port()}", data_converter=DATA_CONVERTER)


@pytest.fixture
async def dead_register() -> AsyncIterator[CaseRegister]:
    """A register whose PostgreSQL is not there (the pool connects on first use, so the app starts)."""
    pool = await asyncpg.create_pool(f"postgresql://klagesag@127.0.0.1:{free_port()}/klagesag", min_size=0, max_size=1)
    register = CaseRegister(pool)
    try:
        yield register
    finally:
        await register.close()


def in_process(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=BASE_URL)


def sample(exposition: str, name: str, **labels: str) -> float | None:
    """The value of the sample `name` with exactly these labels; None if there is none."""
    for family in text_string_to_metric_families(exposition):
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return found.value
    return None


def names(exposition: str) -> set[str]:
    return {found.name for family in text_string_to_metric_families(exposition) for found in family.samples}


# --- health


async def test_healthz_answers_without_a_login_and_sets_nothing(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert "set-cookie" not in response.headers


async def test_readyz_is_ok_when_postgresql_and_temporal_answer(api: httpx.AsyncClient) -> None:
    response = await api.get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readyz_is_503_naming_postgresql_when_it_cannot_be_reached(
    accounts: AccountStore, dead_register: CaseRegister, clock: MovableClock, harness: Harness
) -> None:
    async def temporal() -> Client:
        return harness.client

    app = create_app(
        WebSettings(environment="test"), accounts=accounts, register=dead_register, clock=clock,
        temporal_client_factory=temporal,
    )  # fmt: skip
    async with in_process(app) as http:
        response = await http.get("/readyz")
        alive = await http.get("/healthz")
    assert (response.status_code, response.json()) == (503, {"status": "unavailable", "failed": ["postgresql"]})
    assert alive.status_code == 200  # liveness never asks a dependency


async def test_readyz_is_503_naming_temporal_when_it_cannot_be_reached(
    accounts: AccountStore, register: CaseRegister, clock: MovableClock
) -> None:
    app = create_app(
        WebSettings(environment="test"), accounts=accounts, register=register, clock=clock,
        temporal_client_factory=closed_port_temporal,
    )  # fmt: skip
    async with in_process(app) as http:
        response = await http.get("/readyz")
    assert (response.status_code, response.json()) == (503, {"status": "unavailable", "failed": ["temporal"]})


async def test_health_endpoints_are_not_part_of_the_api_schema(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert "/healthz" not in paths and "/readyz" not in paths and "/metrics" not in paths


# --- request ids and log lines


def show_case() -> None: ...


@pytest.mark.parametrize(
    ("scope", "template"),
    [
        ({"path": "/no/such/page"}, "unmatched"),
        ({"path": "/healthz", "endpoint": show_case, "path_params": {}}, "/healthz"),
        (
            {"path": f"/api/v1/cases/{CASE}", "endpoint": show_case, "path_params": {"case_id": CASE}},
            "/api/v1/cases/{case_id}",
        ),
        (
            {"path": "/units/ydelse/users/ydelse", "endpoint": show_case, "path_params": {"unit": "ydelse"}},
            "/units/{unit}/users/{unit}",
        ),
        ({"path": "/files/a/b.txt", "endpoint": show_case, "path_params": {"rest": "a/b.txt"}}, "/files/{rest}"),
        (
            {"path": "/static/css/site.css", "endpoint": object(), "root_path": "/static", "app_root_path": ""},
            "/static/{path}",
        ),
        # A value the path does not show as it is (7 for "007"): the endpoint's name, never the path.
        ({"path": "/n/007", "endpoint": show_case, "path_params": {"number": 7}}, "show_case"),
    ],
)
def test_the_route_template_never_holds_a_path_parameter(scope: dict, template: str) -> None:
    assert route_template(scope) == template


async def test_every_response_carries_a_request_id_of_its_own(client: httpx.AsyncClient) -> None:
    first, second = await client.get("/healthz"), await client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_a_plain_request_id_from_the_caller_is_kept(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "edge-7f3a9c1e-0001"})
    assert response.headers["x-request-id"] == "edge-7f3a9c1e-0001"


@pytest.mark.parametrize(
    "given", ["short", "has spaces in it", "<script>alert(1)</script>", "x" * 200, "0101901234 Karen"]
)
async def test_a_request_id_that_is_not_a_plain_token_is_replaced(client: httpx.AsyncClient, given: str) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": given})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


async def test_a_request_logs_one_line_with_its_id_and_route_template_never_the_path(client: httpx.AsyncClient) -> None:
    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logged:
        response = await client.get(f"/api/v1/cases/{CASE}?q=Karen", headers={"X-Request-ID": "req-test-000001"})
    assert response.status_code == 401  # no login: the line is written all the same
    [line] = [entry for entry in logged if entry["event"] == "request"]
    assert line == line | {
        "request_id": "req-test-000001",
        "method": "GET",
        "route": "/api/v1/cases/{case_id}",
        "case_id": CASE,  # a keyed hash: correlates with the worker's lines for the case
        "status": 401,
    }
    assert "Karen" not in repr(logged) and "?q=" not in repr(logged)


async def test_lines_logged_while_serving_a_request_carry_its_request_id(
    accounts: AccountStore, register: CaseRegister, clock: MovableClock
) -> None:
    app = create_app(
        WebSettings(environment="test"), accounts=accounts, register=register, clock=clock,
        temporal_client_factory=closed_port_temporal,
    )  # fmt: skip
    async with in_process(app) as http:
        with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logged:
            await http.get("/readyz", headers={"X-Request-ID": "probe-00000042"})
    [failure] = [entry for entry in logged if entry["event"] == "readiness check failed"]
    assert failure == failure | {"request_id": "probe-00000042", "dependency": "temporal", "log_level": "warning"}


async def test_filing_over_the_api_logs_no_cpr_number_or_name(
    api: httpx.AsyncClient, harness: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    headers = await login(api, "sb-ydelse")
    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logged:
        case = await file_over_api(
            api, harness, headers, await harness.today(), cpr="240377-1357", name="Gertrud Særligtnavn"
        )
    requests = [entry for entry in logged if entry["event"] == "request"]
    assert {"route": "/api/v1/cases", "method": "POST", "status": 201}.items() <= requests[0].items()
    text = repr(logged) + capsys.readouterr().err
    for secret in ("240377-1357", "2403771357", "Gertrud", "Særligtnavn"):
        assert secret not in text
    assert case.id  # the scan looked at a real filing


# --- metrics


async def test_http_requests_are_counted_by_route_template_not_by_path(client: httpx.AsyncClient, app) -> None:
    await client.get("/healthz")
    await client.get("/healthz")
    await client.get(f"/api/v1/cases/{CASE}")
    await client.get("/no/such/page/KS-0101-BBBBBBBBBBBBB")
    exposition = app.state.metrics.exposition().decode()
    requests = "klagesag_http_requests_total"
    assert sample(exposition, requests, method="GET", route="/healthz", status="200") == 2
    assert sample(exposition, requests, method="GET", route="/api/v1/cases/{case_id}", status="401") == 1
    assert sample(exposition, requests, method="GET", route="unmatched", status="404") == 1
    assert CASE not in exposition and "BBBBBBBBBBBBB" not in exposition
    assert sample(exposition, "klagesag_http_request_duration_seconds_count", method="GET", route="/healthz") == 2


async def test_the_overdue_gauge_is_zero_per_open_phase_and_reports_when_the_read_model_is_down(
    dead_register: CaseRegister, app
) -> None:
    metrics = app.state.metrics
    await metrics.refresh(app.state.register, app.state.clock())
    exposition = metrics.exposition().decode()
    assert sample(exposition, "klagesag_read_model_up") == 1
    assert sample(exposition, "klagesag_overdue_cases", kommune="0101", phase="genvurdering") == 0
    assert sample(exposition, "klagesag_overdue_cases", kommune="0101", phase="closed") is None  # not open

    await metrics.refresh(dead_register, app.state.clock())
    exposition = metrics.exposition().decode()
    assert sample(exposition, "klagesag_read_model_up") == 0
    assert "klagesag_overdue_cases" not in names(exposition)  # no stale figures


async def test_klagesag_web_serves_health_on_its_port_and_metrics_on_the_metrics_port(
    accounts: AccountStore, register: CaseRegister, clock: MovableClock, harness: Harness
) -> None:
    """The real listeners, as `klagesag web` starts them: an overdue case in the read model shows in the
    scrape, and /metrics is not on the port caseworkers reach."""
    case = await harness.file()
    view = await register.case_view(case.id)
    assert view is not None and view.phase.value == "genvurdering"
    await register.save_case_view(view.model_copy(update={"overdue": True, "version": view.version + 1}))

    async def temporal() -> Client:
        return harness.client

    web_port, metrics_port = free_port(), free_port()
    stop = asyncio.Event()
    server = asyncio.create_task(
        serve_until(
            stop, WebSettings(environment="test", core=harness.settings), host="127.0.0.1", port=web_port,
            metrics_port=metrics_port, accounts=accounts, register=register, clock=clock,
            temporal_client_factory=temporal,
        )
    )  # fmt: skip
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(200):  # until uvicorn listens
                try:
                    ready = await http.get(f"http://127.0.0.1:{web_port}/readyz")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
            assert (ready.status_code, ready.json()) == (200, {"status": "ok"})
            assert (await http.get(f"http://127.0.0.1:{web_port}/metrics")).status_code == 404
            scrape = await http.get(f"http://127.0.0.1:{metrics_port}/metrics")
    finally:
        stop.set()
        await server
    assert scrape.status_code == 200 and scrape.headers["content-type"].startswith("text/plain")
    assert sample(scrape.text, "klagesag_overdue_cases", kommune="0101", phase="genvurdering") == 1
    assert sample(scrape.text, "klagesag_overdue_cases", kommune="0101", phase="aktindsigt") == 0
    assert sample(scrape.text, "klagesag_http_requests_total", method="GET", route="/readyz", status="200") == 1
    assert case.id not in scrape.text
