"""User administration over the API (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel

from store.accounts import AccountStore, Role
from web.api.models import AccountOut
from web.auth import User, require_role
from web.deps import get_accounts
from web.problems import Problem, problem_responses

router = APIRouter(prefix="/users", tags=["users"], responses=problem_responses(401, 403))
Admin = Annotated[User, Depends(require_role(Role.ADMIN))]


class SessionsEnded(BaseModel):
    ended: int


@router.get("", response_model=list[AccountOut], summary="The users of the admin's kommune")
async def list_users(user: Admin, accounts: Annotated[AccountStore, Depends(get_accounts)]) -> list[AccountOut]:
    return [AccountOut.of_account(a) for a in await accounts.users(kommune=user.kommune)]


@router.delete(
    "/{username}/sessions",
    response_model=SessionsEnded,
    responses=problem_responses(404),
    summary="End every session of a user",
)
async def end_sessions(
    user: Admin,
    accounts: Annotated[AccountStore, Depends(get_accounts)],
    username: Annotated[str, Path(max_length=100)],
) -> SessionsEnded:
    account = await accounts.user(username)
    if account is None or account.kommune != user.kommune:
        raise Problem(404, "no-such-user", title="No such user", title_da="Brugeren findes ikke")
    return SessionsEnded(ended=await accounts.revoke_sessions_of(account.id))
