"""Who is asking: the logged-in user, for pages and API alike.

`current_user` is the one dependency every handler uses. It accepts the session cookie (browsers) or an
`Authorization: Bearer` token (API clients); both are opaque random tokens of a session stored in
PostgreSQL, so logging out or an admin's revocation takes effect on the next request. It also checks the
CSRF token of unsafe requests authenticated by the cookie.

Without a session, a page request is redirected to the login page and an API request gets 401
problem+json (see web/pages/errors.py and web/problems.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Literal
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from starlette.responses import Response

from store.accounts import Account, LiveSession, Role
from web import csrf
from web.deps import get_accounts, get_settings
from web.problems import forbidden, not_authenticated
from web.settings import WebSettings

SESSION_COOKIE = "klagesag_session"
LOGIN_PATH = "/log-ind"

__all__ = [
    "Role", "User", "Authenticated", "current_user", "optional_user", "require_role", "CurrentUser",
    "SESSION_COOKIE", "set_session_cookie", "clear_session_cookie", "safe_next", "login_url",
]  # fmt: skip


@dataclass(frozen=True)
class User:
    """The person behind a request. Roles decide what they may do; units decide on which cases."""

    id: int
    username: str
    display_name: str
    roles: frozenset[Role]
    kommune: str
    units: frozenset[str]
    forvaltning: str | None  # the forvaltning of the user's units, when they share one

    @classmethod
    def from_account(cls, account: Account) -> "User":
        forvaltninger = account.forvaltninger
        return cls(
            id=account.id,
            username=account.username,
            display_name=account.display_name,
            roles=account.roles,
            kommune=account.kommune,
            units=frozenset(account.units),
            forvaltning=forvaltninger[0] if len(forvaltninger) == 1 else None,
        )

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def is_sagsbehandler(self) -> bool:
        return Role.SAGSBEHANDLER in self.roles

    @property
    def is_leder(self) -> bool:
        return Role.LEDER in self.roles

    @property
    def is_borgerraadgiver(self) -> bool:
        return Role.BORGERRAADGIVER in self.roles

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    # The access policy in one place. A caseworker or leder acts on the cases of their own units; the
    # borgerrådgiver reads every case of the kommune but acts on none; an admin manages users, not cases.

    def can_act_on(self, unit: str) -> bool:
        return self.has_role(Role.SAGSBEHANDLER, Role.LEDER) and unit in self.units

    def can_read(self, unit: str) -> bool:
        return self.can_act_on(unit) or self.is_borgerraadgiver

    @property
    def role_labels(self) -> list[str]:
        return [r.label for r in sorted(self.roles)]


@dataclass(frozen=True)
class Authenticated:
    user: User
    session: LiveSession
    token: str
    via: Literal["cookie", "bearer"]


# Declared as FastAPI security schemes so OpenAPI documents both ways in; auto_error=False because
# `current_user` decides what a missing credential means (redirect or problem+json).
_bearer = HTTPBearer(auto_error=False, description="A session token from POST /api/v1/session")
_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="The browser's session cookie")


async def optional_user(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> Authenticated | None:
    """The session behind the request, or None. Remembered on `request.state.auth`."""
    if hasattr(request.state, "auth"):
        return request.state.auth
    accounts = get_accounts(request)
    auth = None
    if bearer is not None:
        session = await accounts.session(bearer.credentials)
        if session is not None:
            auth = Authenticated(User.from_account(session.account), session, bearer.credentials, "bearer")
    elif cookie:
        session = await accounts.session(cookie)
        if session is not None:
            auth = Authenticated(User.from_account(session.account), session, cookie, "cookie")
    request.state.auth = auth
    return auth


async def current_session(
    request: Request, auth: Annotated[Authenticated | None, Depends(optional_user)]
) -> Authenticated:
    """The session, with the CSRF check of unsafe cookie requests done; 401 without one."""
    if auth is None:
        raise not_authenticated()
    if request.method not in csrf.SAFE_METHODS and auth.via == "cookie":
        await csrf.check_token(request, auth.session.csrf_token)
    return auth


async def current_user(auth: Annotated[Authenticated, Depends(current_session)]) -> User:
    return auth.user


CurrentUser = Annotated[User, Depends(current_user)]


def require_role(*roles: Role) -> Callable[..., Awaitable[User]]:
    """A dependency: the current user if they have one of `roles`, else 403."""
    allowed = frozenset(roles)

    async def dependency(user: CurrentUser) -> User:
        if user.roles.isdisjoint(allowed):
            names = ", ".join(sorted(r.label for r in allowed))
            raise forbidden(
                detail=f"This needs one of the roles: {', '.join(sorted(allowed))}.",
                detail_da=f"Siden kræver en af rollerne: {names}.",
            )
        return user

    return dependency


# --- the cookie ----------------------------------------------------------------------------------------


def cookie_secure(request: Request, settings: WebSettings) -> bool:
    return settings.production or request.url.scheme == "https"


def set_session_cookie(response: Response, token: str, request: Request) -> None:
    # No Max-Age: the cookie goes when the browser closes; the server ends the session earlier when
    # idle or old. SameSite=Lax keeps it off cross-site POSTs while links into klagesag still work.
    response.set_cookie(
        SESSION_COOKIE,
        token,
        path="/",
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request, get_settings(request)),
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=cookie_secure(request, get_settings(request))
    )


# --- where to go after login ---------------------------------------------------------------------------


def safe_next(value: str | None) -> str:
    """A local path to return to after login; anything else (another host, a scheme, `//host`, a
    backslash trick, the login page itself) gives the start page."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith(LOGIN_PATH):
        return "/"
    return value


def login_url(request: Request) -> str:
    """The login page, returning to this page afterwards (a form that was posted cannot be returned to:
    then the start page)."""
    if request.method not in csrf.SAFE_METHODS:
        return LOGIN_PATH
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    target = safe_next(here)
    return LOGIN_PATH if target == "/" else f"{LOGIN_PATH}?{urlencode({'next': target})}"
