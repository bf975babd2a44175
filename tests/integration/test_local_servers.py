"""The launchers of the embedded stack: a real PostgreSQL cluster and the Temporal dev server."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.client import Client, WorkflowExecutionStatus

from deploy.postgres import RELOCATED_ROOT, LocalPostgres, PostgresError
from deploy.stack import run_stack
from deploy.temporal import LocalTemporal, TemporalError

pytestmark = pytest.mark.integration

SEARCH_ATTRIBUTES = {
    "KlagesagKommune": "Keyword",
    "KlagesagPhase": "Keyword",
    "KlagesagNextDeadline": "Datetime",
    "KlagesagOverdue": "Bool",
    "KlagesagRound": "Int",
}
EXPECTED_TYPES = {
    "KlagesagKommune": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "KlagesagPhase": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "KlagesagNextDeadline": IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    "KlagesagOverdue": IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
    "KlagesagRound": IndexedValueType.INDEXED_VALUE_TYPE_INT,
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------- PostgreSQL


async def test_postgres_start_connect_create_database_and_restart(tmp_path: Path) -> None:
    pg = LocalPostgres(tmp_path / "pg", port=free_port())
    t0 = time.monotonic()
    pg.start()
    try:
        assert time.monotonic() - t0 < 15, "initdb + start should take about a second"
        assert pg.is_running() and pg.pid_file.exists()
        assert pg.log_file.exists()

        await pg.create_database("klagesag")
        await pg.create_database("klagesag")  # idempotent
        conn = await asyncpg.connect(pg.dsn("klagesag"))
        try:
            assert await conn.fetchval("SELECT current_user") == "klagesag"
            assert await conn.fetchval("SHOW server_encoding") == "UTF8"
            assert await conn.fetchval("SHOW unix_socket_directories") == ""
            await conn.execute("CREATE TABLE sag (id text PRIMARY KEY, titel text)")
            await conn.execute("INSERT INTO sag VALUES ('S-1', 'Klage over afgørelse')")
        finally:
            await conn.close()

        pg.stop()
        assert not pg.is_running()
        with pytest.raises((OSError, asyncpg.PostgresError)):
            await asyncpg.connect(pg.dsn("klagesag"), timeout=2)

        t0 = time.monotonic()
        pg.start()
        assert time.monotonic() - t0 < 10
        conn = await asyncpg.connect(pg.dsn("klagesag"))
        try:
            assert await conn.fetchval("SELECT titel FROM sag WHERE id = 'S-1'") == "Klage over afgørelse"
        finally:
            await conn.close()
    finally:
        pg.stop()
    assert not pg.is_running()


async def test_postgres_second_start_reuses_or_refuses(tmp_path: Path) -> None:
    port = free_port()
    async with LocalPostgres(tmp_path / "pg", port=port) as pg:
        assert not pg.reused
        again = LocalPostgres(tmp_path / "pg", port=port)
        again.start()  # same dir, same port: adopts the running server
        assert again.reused and again.running_pid() == pg.running_pid()

        other = LocalPostgres(tmp_path / "pg", port=free_port())
        with pytest.raises(PostgresError, match="already running"):
            other.start()

        blocked = LocalPostgres(tmp_path / "pg2", port=port)  # port taken by the first cluster
        with pytest.raises(PostgresError, match="in use"):
            blocked.start()
    assert not pg.is_running()


def test_postgres_failure_reports_log_tail(tmp_path: Path) -> None:
    pg = LocalPostgres(tmp_path / "pg", port=free_port(), host="192.0.2.1")  # not an address of this machine
    with pytest.raises(PostgresError) as err:
        pg.start(timeout=10)
    assert "postgres.log" in str(err.value)
    pg.stop()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root runs the server as another user")
def test_postgres_as_root_opens_no_directory_above_the_data_dir(tmp_path: Path) -> None:
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    modes = {d: d.stat().st_mode for d in (private, *private.parents)}
    pg = LocalPostgres(private / "pg", port=free_port())
    pg.start()
    try:
        assert {d: d.stat().st_mode for d in modes} == modes  # no o+x added anywhere
        assert pg.data_dir.is_symlink() and pg.cluster_dir.parent == RELOCATED_ROOT
        assert (pg.data_dir / "PG_VERSION").exists() and pg.log_file.exists()
    finally:
        pg.stop()
    cluster = pg.cluster_dir

    # Once the temporary data dir is gone (pytest removes old runs), the next start removes its cluster.
    pg.data_dir.unlink()
    other = LocalPostgres(private / "other", port=free_port())
    other.start()
    try:
        assert not cluster.exists() and other.cluster_dir.exists()
    finally:
        other.stop()


# ---------------------------------------------------------------------------------------------- Temporal


async def test_temporal_search_attributes_and_restart_keeps_workflows(tmp_path: Path) -> None:
    temporal = LocalTemporal(tmp_path, port=free_port(), headless=True, search_attributes=SEARCH_ATTRIBUTES)
    t0 = time.monotonic()
    await temporal.start()
    try:
        assert time.monotonic() - t0 < 30
        client = await Client.connect(temporal.address, namespace="default")
        resp = await client.operator_service.list_search_attributes(ListSearchAttributesRequest(namespace="default"))
        for name, kind in EXPECTED_TYPES.items():
            assert resp.custom_attributes[name] == kind

        handle = await client.start_workflow("NoSuchWorkflow", id="klage-restart-1", task_queue="no-worker-here")

        # A second server on the same SQLite file would corrupt it: refused, even on another port.
        with pytest.raises(TemporalError, match="still uses"):
            await LocalTemporal(tmp_path, port=free_port(), headless=True).start()

        await temporal.stop()
        assert temporal.pid is None
        assert (tmp_path / "temporal.db").exists()

        await temporal.start()
        client = await Client.connect(temporal.address, namespace="default")
        desc = await client.get_workflow_handle("klage-restart-1").describe()
        assert desc.run_id == handle.result_run_id
        assert desc.status == WorkflowExecutionStatus.RUNNING
        assert desc.workflow_type == "NoSuchWorkflow"
    finally:
        await temporal.stop()
    assert temporal.log_file.exists()


async def test_temporal_refuses_a_busy_port(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        temporal = LocalTemporal(tmp_path, port=s.getsockname()[1], headless=True)
        with pytest.raises(TemporalError, match="in use"):
            await temporal.start()


# ---------------------------------------------------------------------------------------------- the stack


@dataclass(frozen=True)
class _StackSettings:
    """The attributes run_stack reads from workers.settings.Settings."""

    data_dir: Path
    temporal_address: str
    temporal_ui_port: int
    database_url: str
    temporal_namespace: str = "default"
    task_queue: str = "klagesag-test"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def database_port(self) -> int:
        return int(self.database_url.rsplit(":", 1)[1].split("/")[0])


async def test_run_stack_starts_everything_stops_on_sigint_and_keeps_data(tmp_path: Path, capsys) -> None:
    settings = _StackSettings(
        data_dir=tmp_path / "data",
        temporal_address=f"127.0.0.1:{free_port()}",
        temporal_ui_port=free_port(),
        database_url=f"postgresql://klagesag@127.0.0.1:{free_port()}/klagesag_test",
    )
    seen: dict[str, object] = {}

    async def prepare_database(dsn: str) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute("CREATE TABLE IF NOT EXISTS runs (n serial PRIMARY KEY)")
        finally:
            await conn.close()
        seen["dsn"] = dsn

    async def run_worker(s: _StackSettings, stop: asyncio.Event) -> None:
        conn = await asyncpg.connect(s.database_url)
        try:
            await conn.execute("INSERT INTO runs DEFAULT VALUES")
            seen["runs"] = await conn.fetchval("SELECT count(*) FROM runs")
        finally:
            await conn.close()
        client = await Client.connect(s.temporal_address)
        if seen.get("round", 0) == 0:
            await client.start_workflow("NoSuchWorkflow", id="stack-wf", task_queue=s.task_queue)
        else:
            seen["wf_status"] = (await client.get_workflow_handle("stack-wf").describe()).status
        with urllib.request.urlopen(f"http://127.0.0.1:{s.temporal_ui_port}/", timeout=10) as r:
            seen["ui_status"] = r.status
        os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C does
        await asyncio.wait_for(stop.wait(), 10)

    kwargs = dict(run_worker=run_worker, prepare_database=prepare_database, search_attributes=SEARCH_ATTRIBUTES)
    await asyncio.wait_for(run_stack(settings, **kwargs), 120)
    out = capsys.readouterr().out
    assert seen["dsn"] == settings.database_url
    assert seen["runs"] == 1 and seen["ui_status"] == 200
    for needle in (settings.temporal_address, f"http://127.0.0.1:{settings.temporal_ui_port}",
                   settings.database_url, str(settings.outbox_dir), str(settings.data_dir),
                   "Ready. Press Ctrl-C to stop."):
        assert needle in out
    assert out.index("Stopping Temporal") < out.index("Stopping PostgreSQL")

    seen["round"] = 1
    await asyncio.wait_for(run_stack(settings, **kwargs), 120)
    assert seen["runs"] == 2  # same PostgreSQL data dir
    assert seen["wf_status"] == WorkflowExecutionStatus.RUNNING  # same temporal.db

    # Nothing is left listening.
    for port in (int(settings.temporal_address.rsplit(":", 1)[1]), settings.database_port):
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()


async def test_run_stack_stops_postgres_when_a_step_fails(tmp_path: Path) -> None:
    settings = _StackSettings(
        data_dir=tmp_path / "data",
        temporal_address=f"127.0.0.1:{free_port()}",
        temporal_ui_port=free_port(),
        database_url=f"postgresql://klagesag@127.0.0.1:{free_port()}/klagesag",
    )

    async def prepare_database(dsn: str) -> None:
        raise RuntimeError("migration failed")

    async def run_worker(s: _StackSettings, stop: asyncio.Event) -> None:  # pragma: no cover
        raise AssertionError("must not run")

    with pytest.raises(RuntimeError, match="migration failed"):
        await run_stack(settings, run_worker=run_worker, prepare_database=prepare_database, search_attributes={})
    assert not LocalPostgres(settings.data_dir / "postgres", port=settings.database_port).is_running()
