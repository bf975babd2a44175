"""Helpers for the web tests: a clock the test moves, logging in as a browser and as an API client."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import httpx
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from store.accounts import demo_users

BASE_URL = "http://testserver"
# Real Argon2id, with small parameters: the tests hash and verify hundreds of passwords on 2 cores.
FAST_ARGON2 = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
PASSWORDS = {u.username: u.password for u in demo_users()}


class MovableClock:
    """The time the app and the store see; tests move it forward to expire sessions and lock-outs."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


async def browser_login(client: httpx.AsyncClient, username: str, password: str | None = None, *, next: str = "/") -> httpx.Response:
    """Log in as a browser does: fetch the form (which sets the login CSRF cookie), post it back."""
    form = await client.get("/log-ind", params={"next": next})
    token = form_csrf(form.text)
    return await client.post(
        "/log-ind",
        data={"username": username, "password": PASSWORDS[username] if password is None else password, "next": next, "csrf_token": token},
    )


def form_csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


async def api_token(client: httpx.AsyncClient, username: str) -> str:
    response = await client.post("/api/v1/session", json={"username": username, "password": PASSWORDS[username]})
    assert response.status_code == 201, response.text
    return response.json()["token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}

