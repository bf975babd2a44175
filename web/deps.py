"""What the application holds for its handlers: the stores, the settings, the clock, the Temporal
client and the simulation runner. Handlers ask for them as FastAPI dependencies, so tests can inject their own in `create_app`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

from fastapi import Request
from temporalio.client import Client

from store.accounts import AccountStore
from store.register import CaseRegister
from web.settings import WebSettings
from web.simulations import SimulationRunner

TemporalClientFactory = Callable[[], Awaitable[Client]]


def get_settings(request: Request) -> WebSettings:
    return request.app.state.settings


def get_accounts(request: Request) -> AccountStore:
    return request.app.state.accounts


def get_register(request: Request) -> CaseRegister:
    return request.app.state.register


def get_simulations(request: Request) -> SimulationRunner:
    return request.app.state.simulations


def get_clock(request: Request) -> Callable[[], datetime]:
    return request.app.state.clock


class TemporalConnection:
    """Connects on first use, so pages that need no workflow (logging in) work while Temporal is down."""

    def __init__(self, factory: TemporalClientFactory) -> None:
        self._factory = factory
        self._client: Client | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> Client:
        if self._client is None:
            async with self._lock:
                if self._client is None:
                    self._client = await self._factory()
        return self._client


async def get_temporal_client(request: Request) -> Client:
    return await request.app.state.temporal.get()
