"""Logging in and out for API clients, and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from store.accounts import AccountStore
from web.api.models import LoginRequest, SessionToken, UserOut
from web.auth import Authenticated, CurrentUser, current_session
from web.deps import get_accounts, get_settings
from web.problems import login_failed, problem_responses
from web.settings import WebSettings

router = APIRouter(tags=["session"])


@router.post(
    "/session",
    status_code=201,
    response_model=SessionToken,
    responses=problem_responses(401, 422, 429),
    summary="Log in with username and password; returns a bearer token",
)
async def create_session(
    body: LoginRequest,
    accounts: Annotated[AccountStore, Depends(get_accounts)],
    settings: Annotated[WebSettings, Depends(get_settings)],
) -> SessionToken:
    result = await accounts.authenticate(body.username, body.password)
    if result.account is None:
        raise login_failed(
            locked=result.locked,
            lockout_minutes=int(settings.lockout.total_seconds() // 60),
            max_attempts=settings.max_failed_logins,
        )
    session = await accounts.create_session(result.account.id, method="password")
    return SessionToken(token=session.token, expires_at=session.expires_at)


@router.delete(
    "/session", status_code=204, responses=problem_responses(401, 403), summary="Log out: end this session"
)
async def delete_session(
    auth: Annotated[Authenticated, Depends(current_session)],
    accounts: Annotated[AccountStore, Depends(get_accounts)],
) -> Response:
    await accounts.revoke_session(auth.token)
    return Response(status_code=204)


@router.get("/me", response_model=UserOut, responses=problem_responses(401), summary="The logged-in user")
async def me(user: CurrentUser) -> UserOut:
    return UserOut.of(user)
