"""Serving the web app with uvicorn (the `klagesag web` command and `klagesag up` call `serve`)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import uvicorn

from web.app import create_app
from web.settings import WebSettings


def config(settings: WebSettings | None = None, *, host: str = "127.0.0.1", port: int = 8000, **app_kwargs) -> uvicorn.Config:
    """The uvicorn configuration, for callers that run the server themselves (tests, `klagesag up`)."""
    return uvicorn.Config(
        create_app(settings, **app_kwargs),
        host=host,
        port=port,
        # Only a proxy on this machine may say which scheme and client the request came with.
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        server_header=False,
        access_log=False,  # request paths may hold case ids; klagesag logs access to cases itself
        log_level="info",
    )


def serve(settings: WebSettings | None = None, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the web app in the foreground until interrupted."""
    uvicorn.Server(config(settings, host=host, port=port)).run()


class _ServerWithoutSignals(uvicorn.Server):
    """A uvicorn server that leaves signals to its host process (`klagesag up` and `klagesag web` stop it
    through an event, after their own orderly shutdown of the worker)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve_until(stop: asyncio.Event, settings: WebSettings, *, host: str, port: int) -> None:
    """Serve until `stop` is set, then finish the requests in hand."""
    server = _ServerWithoutSignals(config(settings, host=host, port=port))
    serving = asyncio.create_task(server.serve(), name="klagesag-web")
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    stopping.cancel()
    await serving
