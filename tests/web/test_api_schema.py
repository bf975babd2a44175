"""Property-based run of schemathesis against the served app's OpenAPI: no server error and no answer
that breaks the documented schema (status, content type, body), authenticated with a bearer token.

The app runs under uvicorn in a thread of its own (with its own PostgreSQL pools and a Temporal client
to the time-skipping server); schemathesis drives it from a worker thread while this test's event loop
keeps the harness's worker running, so a filing that passes validation is really filed."""

from __future__ import annotations

import asyncio

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from temporalio.client import Client

from store.accounts import AccountStore
from tests.live_server import serving
from tests.web.helpers import PASSWORDS
from tests.workflow.harness import Harness
from web.app import create_app
from web.settings import WebSettings

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 12
# Logging out would end the run's own session; the admin endpoints are covered by tests/web.
LEFT_OUT = {("DELETE", "/api/v1/session")}


def run_schemathesis(base_url: str, token: str) -> list[str]:
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    headers = {"Authorization": f"Bearer {token}"}
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in LEFT_OUT:
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:
            case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=30)

        check()
        tested.append(f"{operation.method.upper()} {operation.path}")
    return tested


async def test_no_server_errors_and_no_schema_violations(harness: Harness, accounts: AccountStore) -> None:
    target = harness.client.service_client.config.target_host

    async def temporal() -> Client:  # connected in the server's own event loop
        return await Client.connect(target, data_converter=harness.client.data_converter, namespace=harness.client.namespace)

    app = create_app(WebSettings(environment="test", core=harness.settings), temporal_client_factory=temporal)
    with serving(app) as base_url:
        async with httpx.AsyncClient(base_url=base_url) as client:
            login = await client.post("/api/v1/session", json={"username": "sb-ydelse", "password": PASSWORDS["sb-ydelse"]})
            assert login.status_code == 201
        tested = await asyncio.to_thread(run_schemathesis, base_url, login.json()["token"])
    for must in ("GET /api/v1/cases", "GET /api/v1/cases/{case_id}", "POST /api/v1/frist", "POST /api/v1/cases"):
        assert must in tested
