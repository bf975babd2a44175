"""Small HTTP listeners beside a process's main work: the worker's health endpoints, the web's metrics.

uvicorn serves them (it is there for the web already); signals stay with the host process, which stops
its listeners through the context manager after its own orderly shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import uvicorn
from starlette.types import ASGIApp

from domain.errors import SettingsError


class ServerWithoutSignals(uvicorn.Server):
    """A uvicorn server that leaves signals to its host process (`klagesag up`, `klagesag web` and
    `klagesag worker` stop it through an event or a context manager)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def listener_config(app: ASGIApp, *, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="off",
        access_log=False,
        server_header=False,
        log_config=None,  # the process's own logging (workers/logging.py) renders uvicorn's lines
        log_level="warning",
    )


@contextlib.asynccontextmanager
async def serving(app: ASGIApp, *, host: str, port: int, setting: str) -> AsyncIterator[None]:
    """Serve `app` while the block runs. A port that cannot be bound is a SettingsError naming `setting`,
    raised before the block starts, instead of uvicorn's exit from deep inside a task."""
    server = ServerWithoutSignals(listener_config(app, host=host, port=port))
    task = asyncio.create_task(_serve(server, setting), name=f"klagesag-listener-{port}")
    while not server.started and not task.done():
        await asyncio.sleep(0.01)
    if task.done():
        task.result()  # raises the SettingsError
        raise SettingsError(f"{setting}={port}: the listener on {host}:{port} stopped at once")
    try:
        yield
    finally:
        server.should_exit = True
        await task


async def _serve(server: uvicorn.Server, setting: str) -> None:
    try:
        await server.serve()
    except SystemExit:  # uvicorn's answer to a port it cannot bind
        host, port = server.config.host, server.config.port
        raise SettingsError(
            f"{setting}={port}: cannot listen on {host}:{port}: expected a free port (another process has it?)"
        ) from None
