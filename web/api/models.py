"""JSON shapes shared by the API routers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from store.accounts import Account
from web.auth import User


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    roles: list[str] = Field(description="sagsbehandler, leder, borgerraadgiver, admin")
    kommune: str
    units: list[str]
    forvaltning: str | None = None

    @classmethod
    def of(cls, user: User) -> "UserOut":
        return cls(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            roles=sorted(user.roles),
            kommune=user.kommune,
            units=sorted(user.units),
            forvaltning=user.forvaltning,
        )

    @classmethod
    def of_account(cls, account: Account) -> "UserOut":
        return cls.of(User.from_account(account))


class AccountOut(UserOut):
    active: bool
    password_login: bool
    oidc_bound: bool

    @classmethod
    def of_account(cls, account: Account) -> "AccountOut":
        base = UserOut.of(User.from_account(account))
        return cls(
            **base.model_dump(),
            active=account.active,
            password_login=account.has_password,
            oidc_bound=account.oidc_subject is not None,
        )


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)


class SessionToken(BaseModel):
    token: str = Field(description="Send as Authorization: Bearer <token>")
    token_type: str = "bearer"
    expires_at: datetime = Field(description="The latest end; the session also ends after idle time")
