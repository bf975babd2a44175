"""Fixtures for the web tests: a migrated database with the demo users, the app built around an
AccountStore whose clock the test moves, and an httpx client talking to the app in process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from store.accounts import AccountStore, demo_seed_path
from store.register import CaseRegister
from tests.web.helpers import BASE_URL, FAST_ARGON2, MovableClock
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
