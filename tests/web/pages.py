"""Fixtures for the page tests: the app around the workflow harness (time-skipping Temporal, a real
worker, PostgreSQL), with the app's clock set to the harness's time, and logged-in clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from store.accounts import AccountStore
from store.register import CaseRegister
from tests.web.helpers import BASE_URL, MovableClock, browser_login
from tests.workflow.harness import Harness
from web.app import create_app
from web.settings import WebSettings

LogIn = Callable[[str], Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def harness(
    time_skipping_env: WorkflowEnvironment, register: CaseRegister, database_url: str, tmp_path: Path
) -> AsyncIterator[Harness]:
    async with Harness(time_skipping_env, register, database_url, tmp_path / "outbox") as h:
        yield h


@pytest.fixture
async def pages_app(harness: Harness, accounts: AccountStore, register: CaseRegister, clock: MovableClock):
    clock.now = await harness.now()

    async def harness_client():
        return harness.client

    settings = WebSettings(core=harness.settings, environment="test")
    return create_app(settings, accounts=accounts, register=register, clock=clock, temporal_client_factory=harness_client)


@pytest.fixture
async def logged_in(pages_app) -> AsyncIterator[LogIn]:
    """`await logged_in("sb-ydelse")`: a client of its own with that user's session."""
    clients: list[httpx.AsyncClient] = []

    async def log_in(username: str) -> httpx.AsyncClient:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(pages_app), base_url=BASE_URL)
        clients.append(client)
        response = await browser_login(client, username)
        assert response.status_code == 303, response.text
        return client

    yield log_in
    for client in clients:
        await client.aclose()
