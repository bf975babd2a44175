"""A request id for every HTTP request: taken from the caller's X-Request-ID when it is a plain token
(a proxy or load balancer in front may have set it), otherwise made here; bound to every log line the
request writes, returned in the response's X-Request-ID, and ending in one line per request.

That line names the route template (/api/v1/cases/{case_id}), never the raw path or query, plus the case
id when the route has one: a keyed hash (domain/identity.py), which correlates the request with the
worker's lines for the same case. Who asked is not logged here; access to cases is recorded by klagesag
itself in PostgreSQL.
"""

from __future__ import annotations

import re
import time
import uuid

import structlog
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.identity import CASE_ID

HEADER = "X-Request-ID"
# Sane: what proxies generate (hex, UUIDs, base64url-ish tokens); anything else is replaced, so a log
# line never carries a caller's free text.
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
UNMATCHED = "unmatched"

log = structlog.get_logger("klagesag.web")


def request_id_from(value: str | None) -> str:
    if value is not None and _SANE.fullmatch(value):
        return value
    return uuid.uuid4().hex


def route_template(scope: Scope) -> str:
    """The matched route's path template (/api/v1/cases/{case_id}), after the router has run;
    "unmatched" for a 404 nobody routed, so a scan of random paths cannot grow the label set.

    Made from the path and the path parameters the router found, each value put back as its {name}:
    FastAPI (0.165) keeps the template of a route inside an included router without the router's
    prefix, and none for a plain Starlette route or a mount. A value that cannot be put back makes the
    template the endpoint's name, never the raw path."""
    if "endpoint" not in scope:
        return UNMATCHED
    if "app_root_path" in scope:  # inside a mount (the static files): its prefix stands for all below it
        return scope["root_path"][len(scope["app_root_path"]) :] + "/{path}"
    path: str = scope["path"]
    segments = path.split("/")
    for name, value in (scope.get("path_params") or {}).items():
        text = str(value)
        if "/" in text and path.endswith("/" + text):  # a {name:path} parameter: the rest of the path
            segments = (path[: -len(text)] + "{" + name + "}").split("/")
        elif text in segments:
            segments = ["{" + name + "}" if segment == text else segment for segment in segments]
        else:
            return getattr(scope["endpoint"], "__name__", "matched")
    return "/".join(segments)


def case_id_of(scope: Scope) -> str | None:
    value = (scope.get("path_params") or {}).get("case_id")
    return value if isinstance(value, str) and CASE_ID.fullmatch(value) else None


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == HEADER.lower().encode()), None)
        request_id = request_id_from(given)
        status = 500  # unless the app starts a response: an exception escaping the app becomes a 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                case_id = case_id_of(scope)
                log.info(
                    "request",
                    method=scope["method"],
                    route=route_template(scope),
                    status=status,
                    duration_ms=round((time.perf_counter() - started) * 1000, 1),
                    **({"case_id": case_id} if case_id else {}),
                )
