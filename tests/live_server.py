"""Serve an ASGI app with uvicorn on 127.0.0.1 in a thread of its own (its own event loop), for tests
that drive it over real HTTP: a browser, or an OpenID provider and the app redirecting to each other."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import uvicorn

from tests.conftest import free_port


@contextlib.contextmanager
def serving(app, *, port: int | None = None, startup_timeout: float = 20.0) -> Iterator[str]:
    """Run `app` until the block ends; yields its base URL. Fails if it does not start (its lifespan
    raised, or the port was taken)."""
    port = port or free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", access_log=False, log_config=None)
    )
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            thread.join(5)
            raise RuntimeError(f"the test server on port {port} did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
