"""Serving the web app with uvicorn (the `klagesag web` command and `klagesag up` call `serve`)."""

from __future__ import annotations

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
