"""Serving the web app with uvicorn (the `klagesag web` command and `klagesag up` call `serve_until`)."""

from __future__ import annotations

import asyncio
import contextlib

import uvicorn
from fastapi import FastAPI

from web.app import create_app
from web.metrics import metrics_app
from web.settings import WebSettings
from workers.http_server import ServerWithoutSignals, serving


def config(settings: WebSettings | None = None, *, host: str = "127.0.0.1", port: int = 8000, **app_kwargs) -> uvicorn.Config:
    """The uvicorn configuration, for callers that run the server themselves (tests, `klagesag up`)."""
    return app_config(create_app(settings, **app_kwargs), host=host, port=port)


def app_config(app: FastAPI, *, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        # Only a proxy on this machine may say which scheme and client the request came with.
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        server_header=False,
        # Request paths may hold case ids: klagesag logs one line per request itself, with the route
        # template and a request id (web/request_context.py), and access to cases in PostgreSQL.
        access_log=False,
        log_config=None,  # uvicorn's lines go through klagesag's logging (workers/logging.py)
        log_level="info",
    )


async def serve_until(
    stop: asyncio.Event, settings: WebSettings, *, host: str, port: int, metrics_port: int | None = None, **app_kwargs
) -> None:
    """Serve until `stop` is set, then finish the requests in hand. Prometheus metrics are served on
    `metrics_port` (default KLAGESAG_METRICS_PORT; 0: none), on `host` as well."""
    app = create_app(settings, **app_kwargs)
    metrics_port = settings.core.metrics_port if metrics_port is None else metrics_port
    async with _metrics_listener(app, host=host, port=metrics_port):
        server = ServerWithoutSignals(app_config(app, host=host, port=port))
        serving_web = asyncio.create_task(server.serve(), name="klagesag-web")
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({serving_web, stopping}, return_when=asyncio.FIRST_COMPLETED)
        server.should_exit = True
        stopping.cancel()
        await serving_web


@contextlib.asynccontextmanager
async def _metrics_listener(app: FastAPI, *, host: str, port: int):
    if not port:
        yield
        return
    listener = metrics_app(app.state.metrics, lambda: app.state.register, app.state.clock)
    async with serving(listener, host=host, port=port, setting="KLAGESAG_METRICS_PORT"):
        yield
