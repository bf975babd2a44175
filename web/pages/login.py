"""Logging in and out in the browser (username and password; OIDC in web/oidc.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from store.accounts import AccountStore
from web import csrf
from web.auth import (
    Authenticated,
    clear_session_cookie,
    cookie_secure,
    current_session,
    optional_user,
    safe_next,
    set_session_cookie,
)
from web.deps import get_accounts, get_settings
from web.problems import LOCKED_DA, LOGIN_FAILED_DA, Problem
from web.settings import WebSettings
from web.templating import render

router = APIRouter(include_in_schema=False)

MISSING_DA = "Udfyld både brugernavn og adgangskode."
EXPIRED_FORM_DA = "Siden havde ligget for længe. Prøv igen."


def login_page(
    request: Request,
    *,
    next_path: str,
    error: str | None = None,
    username: str = "",
    status_code: int = 200,
) -> Response:
    settings = get_settings(request)
    token = csrf.new_login_token(request)
    request.state.login_csrf = token
    response = render(
        request,
        "login.html",
        {
            "next": next_path,
            "error": error,
            "username": username,
            "oidc_enabled": settings.oidc.enabled,
        },
        status_code=status_code,
    )
    csrf.set_login_cookie(response, token, secure=cookie_secure(request, settings))
    return response


@router.get("/log-ind", name="login")
async def login_form(
    request: Request, auth: Annotated[Authenticated | None, Depends(optional_user)], next: str = "/"
) -> Response:
    if auth is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return login_page(request, next_path=safe_next(next))


@router.post("/log-ind")
async def login(
    request: Request,
    accounts: Annotated[AccountStore, Depends(get_accounts)],
    settings: Annotated[WebSettings, Depends(get_settings)],
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    next_path = safe_next(next)
    try:
        await csrf.check_login_token(request)
    except Problem:
        return login_page(request, next_path=next_path, error=EXPIRED_FORM_DA, username=username, status_code=403)
    if not username.strip() or not password:
        return login_page(request, next_path=next_path, error=MISSING_DA, username=username, status_code=400)
    result = await accounts.authenticate(username, password)
    if result.account is None:
        if result.locked:
            message = LOCKED_DA.format(
                minutes=int(settings.lockout.total_seconds() // 60), attempts=settings.max_failed_logins
            )
            return login_page(request, next_path=next_path, error=message, username=username, status_code=429)
        return login_page(request, next_path=next_path, error=LOGIN_FAILED_DA, username=username, status_code=401)
    session = await accounts.create_session(result.account.id, method="password")
    response = RedirectResponse(next_path, status_code=303)
    set_session_cookie(response, session.token, request)
    response.delete_cookie(csrf.LOGIN_COOKIE, path="/log-ind")
    return response


@router.post("/log-ud", name="logout")
async def logout(
    request: Request,
    auth: Annotated[Authenticated, Depends(current_session)],
    accounts: Annotated[AccountStore, Depends(get_accounts)],
) -> Response:
    await accounts.revoke_session(auth.token)
    response = RedirectResponse("/log-ind", status_code=303)
    clear_session_cookie(response, request)
    return response
