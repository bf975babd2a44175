"""Cross-site request forgery checks.

A logged-in session has its own CSRF token (stored with the session). Every unsafe request that the
session cookie authenticates must carry it: a page request as the form field `csrf_token` or the header
`X-CSRF-Token` (htmx sends the header, see base.html), an API request in the header. A Bearer token is never sent by a browser on its own, so Bearer
requests need no CSRF token.

Before login there is no session: the login form is protected by a double-submit cookie instead (a
random value in a SameSite=Strict cookie and in the form), so another site cannot log a browser in.
"""

from __future__ import annotations

import secrets

from fastapi import Request
from starlette.responses import Response

from web.problems import csrf_failed, is_api

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
LOGIN_COOKIE = "klagesag_login_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def submitted_token(request: Request) -> str:
    header = request.headers.get(HEADER)
    if header:
        return header
    if is_api(request):
        return ""  # the API takes JSON: the token comes in the header only
    if request.headers.get("content-type", "").split(";")[0].strip() in _FORM_TYPES:
        # FastAPI has usually parsed the form already; Starlette caches it, so reading again is free.
        value = (await request.form()).get(FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def check_token(request: Request, expected: str) -> None:
    """Raise a 403 problem unless the request carries `expected`."""
    given = await submitted_token(request)
    if not given or not secrets.compare_digest(given.encode(), expected.encode()):
        raise csrf_failed()


def new_login_token(request: Request) -> str:
    """The login form's token: the one already in the browser's cookie, or a new one."""
    return request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)


def set_login_cookie(response: Response, token: str, *, secure: bool) -> None:
    response.set_cookie(
        LOGIN_COOKIE, token, path="/log-ind", httponly=True, samesite="strict", secure=secure, max_age=3600
    )


async def check_login_token(request: Request) -> None:
    expected = request.cookies.get(LOGIN_COOKIE)
    if not expected:
        raise csrf_failed()
    await check_token(request, expected)
