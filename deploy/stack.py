"""`klagesag up`: PostgreSQL + Temporal dev server + worker in one process tree, on one data dir.

Order: PostgreSQL (``data_dir/postgres``) -> create the database named in ``settings.database_url`` ->
``prepare_database(dsn)`` (migrations) -> Temporal (``data_dir/temporal.db``) -> ``run_worker(settings,
stop_event)`` until SIGINT/SIGTERM sets ``stop_event`` (a second signal cancels the worker).  Everything is
shut down in reverse order, also when a step fails.  All state stays in ``settings.data_dir``, so stopping
and running again keeps the cases.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TextIO
from urllib.parse import unquote, urlparse

from deploy.postgres import LocalPostgres
from deploy.temporal import LocalTemporal
from workers.codec_server import CodecServer

if TYPE_CHECKING:
    from workers.settings import Settings

__all__ = ["run_stack"]


def _say(out: TextIO, line: str) -> None:
    print(line, file=out, flush=True)


async def run_stack(
    settings: Settings,
    *,
    run_worker: Callable[[Settings, asyncio.Event], Awaitable[None]],
    prepare_database: Callable[[str], Awaitable[None]],
    search_attributes: dict[str, str],
    codec_server: CodecServer | None = None,
    out: TextIO | None = None,
) -> None:
    out = out or sys.stdout
    data_dir = settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)

    url = urlparse(settings.database_url)
    database = unquote(url.path.lstrip("/")) or "klagesag"
    pg = LocalPostgres(
        data_dir / "postgres",
        port=settings.database_port,
        user=unquote(url.username) if url.username else "klagesag",
        host=url.hostname or "127.0.0.1",
    )
    t_host, _, t_port = settings.temporal_address.rpartition(":")
    temporal = LocalTemporal(
        data_dir,
        port=int(t_port),
        ui_port=settings.temporal_ui_port,
        host=t_host or "127.0.0.1",
        namespace=settings.temporal_namespace,
        search_attributes=search_attributes,
    )

    stop_event = asyncio.Event()
    loop = asyncio.get_running_loop()
    worker_task: asyncio.Task[None] | None = None
    installed: list[signal.Signals] = []

    def _on_signal(sig: signal.Signals) -> None:
        if not stop_event.is_set():
            _say(out, f"{sig.name} received, stopping ...")
            stop_event.set()
        elif worker_task is not None and not worker_task.done():
            _say(out, f"{sig.name} received again, cancelling the worker")
            worker_task.cancel()

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, _on_signal, sig)
            installed.append(sig)

    try:
        async with contextlib.AsyncExitStack() as stack:
            # Registered before starting, so a failure half-way through still stops what did start.
            stack.push_async_callback(_stop_pg, pg, out)
            _say(out, f"Starting PostgreSQL ({pg.bin_dir}) in {pg.data_dir} ...")
            await asyncio.to_thread(pg.start)
            await pg.create_database(database)
            dsn = pg.dsn(database)
            await prepare_database(dsn)
            if stop_event.is_set():
                return

            if codec_server is not None:
                # Before the dev server, whose Web UI is told where to decode payloads.
                codec_server.start()
                stack.callback(codec_server.stop)
                temporal.ui_codec_endpoint = codec_server.url

            stack.push_async_callback(_stop_temporal, temporal, out)
            _say(out, f"Starting Temporal dev server ({temporal.db_filename}) ...")
            await temporal.start()
            if stop_event.is_set():
                return

            _say(out, f"Temporal gRPC:    {temporal.address} (namespace {temporal.namespace})")
            _say(out, f"Temporal Web UI:  {temporal.ui_url}")
            if codec_server is not None:
                _say(out, f"Codec server:     {codec_server.url} (decrypts payloads for the Web UI)")
            _say(out, f"PostgreSQL:       {dsn}")
            _say(out, f"Outbox (letters): {settings.outbox_dir}")
            _say(out, f"Data dir:         {data_dir}")
            _say(out, f"Logs:             {temporal.log_file} and {pg.log_file}")
            _say(out, "Ready. Press Ctrl-C to stop.")

            # The worker returns on its own once stop_event is set.
            worker_task = asyncio.create_task(run_worker(settings, stop_event), name="klagesag-worker")
            try:
                await worker_task  # if run_stack itself is cancelled, this cancels the worker too
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise
                # Only the worker was cancelled (second Ctrl-C): fall through to the orderly shutdown.
    finally:
        for sig in installed:
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(sig)
    _say(out, "Stopped.")


async def _stop_temporal(temporal: LocalTemporal, out: TextIO) -> None:
    _say(out, "Stopping Temporal ...")
    await temporal.stop()


async def _stop_pg(pg: LocalPostgres, out: TextIO) -> None:
    _say(out, "Stopping PostgreSQL ...")
    await asyncio.to_thread(pg.stop)
