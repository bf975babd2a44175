"""Fixtures for the web tests: a migrated database with the demo users, the app built around an
AccountStore whose clock the test moves, and an httpx client talking to the app in process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from store.accounts import AccountStore, demo_seed_path
from store.register import CaseRegister
from tests.web.helpers import BASE_URL, FAST_ARGON2, MovableClock, browser_login
from web.app import account_policy, create_app
from web.settings import WebSettings


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def web_settings() -> WebSettings:
    return WebSettings(environment="test")


@pytest.fixture
async def accounts(database_url: str, clock: MovableClock, web_settings: WebSettings) -> AsyncIterator[AccountStore]:
    store = await AccountStore.connect(
        database_url, policy=account_policy(web_settings), clock=clock, hasher=FAST_ARGON2, max_size=4
    )
    await store.seed_from_file(demo_seed_path())
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
async def app(accounts: AccountStore, register: CaseRegister, clock: MovableClock, web_settings: WebSettings):
    async def no_temporal():
        raise AssertionError("these tests do not reach Temporal")

    return create_app(web_settings, accounts=accounts, register=register, clock=clock, temporal_client_factory=no_temporal)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=BASE_URL) as c:
        yield c


@pytest.fixture
async def browser(app) -> AsyncIterator:
    """`await browser("leder")`: a client of its own, logged in through the login form (the password of the
    demo user unless given)."""
    clients: list[httpx.AsyncClient] = []

    async def log_in(username: str, password: str | None = None) -> httpx.AsyncClient:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=BASE_URL)
        clients.append(client)
        response = await browser_login(client, username, password)
        assert response.status_code == 303, response.text
        return client

    yield log_in
    for client in clients:
        await client.aclose()


# --- the API against a real worker on the time-skipping Temporal server -----------------------------------

from tests.workflow.conftest import harness  # noqa: E402,F401  (the same worker and PostgreSQL as the workflow tests)
from tests.workflow.harness import Harness  # noqa: E402


@pytest.fixture
async def api_app(accounts: AccountStore, register: CaseRegister, clock: MovableClock, harness: Harness):
    """The app with the harness's Temporal client and settings (its task queue, outbox and case-id key);
    the app's clock starts at the time-skipping server's time, so 'today' agrees with the workflow."""
    clock.now = await harness.now()

    async def temporal():
        return harness.client

    settings = WebSettings(environment="test", core=harness.settings)
    return create_app(settings, accounts=accounts, register=register, clock=clock, temporal_client_factory=temporal)


@pytest.fixture
async def api(api_app) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(api_app), base_url=BASE_URL) as c:
        yield c
