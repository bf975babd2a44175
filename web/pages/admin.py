"""User administration for admins: who has access, and ending a user's sessions (e.g. a lost laptop)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from store.accounts import AccountStore, Role
from web.auth import User, require_role
from web.deps import get_accounts
from web.problems import Problem
from web.templating import render

router = APIRouter(prefix="/admin", include_in_schema=False)
Admin = Annotated[User, Depends(require_role(Role.ADMIN))]

_STATUS_DA = {"sessioner-afsluttet": "Brugerens sessioner er afsluttet."}


@router.get("/brugere", name="admin_users")
async def users_page(
    request: Request, user: Admin, accounts: Annotated[AccountStore, Depends(get_accounts)], status: str = ""
) -> Response:
    return render(
        request,
        "admin_users.html",
        {
            "accounts": await accounts.users(kommune=user.kommune),
            "units": {u.code: u for u in await accounts.units()},
            "status": _STATUS_DA.get(status),
        },
    )


@router.post("/brugere/{username}/log-ud", name="admin_end_sessions")
async def end_sessions(
    username: str, user: Admin, accounts: Annotated[AccountStore, Depends(get_accounts)]
) -> Response:
    account = await accounts.user(username)
    if account is None or account.kommune != user.kommune:
        raise Problem(404, "no-such-user", title="No such user", title_da="Brugeren findes ikke")
    await accounts.revoke_sessions_of(account.id)
    return RedirectResponse("/admin/brugere?status=sessioner-afsluttet", status_code=303)
