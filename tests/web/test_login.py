"""Logging in and out, in the browser and over the API: right and wrong passwords, the lock-out, and
what the session cookie looks like."""

from __future__ import annotations

import httpx
import pytest

from store.accounts import AccountStore, session_id
from tests.web.helpers import PASSWORDS, MovableClock, api_token, bearer, browser_login, form_csrf
from web.app import create_app
from web.auth import SESSION_COOKIE
from web.settings import WebSettings


def session_cookie_header(response: httpx.Response) -> str:
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{SESSION_COOKIE}=")]
    assert len(headers) == 1, response.headers.get_list("set-cookie")
    return headers[0]


async def test_login_opens_the_start_page(client):
    response = await browser_login(client, "sb-ydelse")
    assert response.status_code == 303
    assert response.headers["location"] == "/"

    start = await client.get("/")
    assert start.status_code == 200
    assert "<h1>Min arbejdsliste</h1>" in start.text
    assert "Sagsbehandler Ydelser (demo)" in start.text
    assert "(Sagsbehandler)" in start.text


async def test_the_session_cookie_is_httponly_lax_and_holds_only_an_opaque_token(client, accounts: AccountStore):
    response = await browser_login(client, "leder")
    header = session_cookie_header(response)
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
    assert "httponly" in attributes
    assert "samesite=lax" in header.lower()
    assert "secure" not in attributes  # plain http in development
    assert "max-age" not in attributes and "expires" not in attributes  # gone when the browser closes

    token = client.cookies[SESSION_COOKIE]
    assert "leder" not in token and len(token) >= 40
    # Only the token's hash is stored: the row cannot be used as a token.
    stored = await accounts._pool.fetchval("SELECT id FROM sessions")
    assert stored == session_id(token) != token


async def test_the_cookie_is_secure_in_production(accounts, register, clock):
    settings = WebSettings(environment="production", session_secret="a-real-secret-for-this-test")
    app = create_app(settings, accounts=accounts, register=register, clock=clock)
    # Behind the kommune's TLS proxy: the login form's own cookie is Secure too.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="https://testserver") as client:
        response = await browser_login(client, "leder")
    assert response.status_code == 303
    assert "; secure" in session_cookie_header(response).lower()
    assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_production_refuses_the_development_secret():
    with pytest.raises(ValueError, match="KLAGESAG_SESSION_SECRET"):
        create_app(WebSettings(environment="production"))


async def test_wrong_password_and_unknown_user_get_the_same_answer(client):
    wrong = await browser_login(client, "sb-ydelse", "not-the-password")
    unknown = await client.post(
        "/log-ind",
        data={"username": "nobody", "password": "x", "next": "/", "csrf_token": client.cookies["klagesag_login_csrf"]},
    )
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Forkert brugernavn eller adgangskode." in response.text
        assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    assert (await client.get("/")).status_code == 303


async def test_after_five_failures_even_the_right_password_is_refused_for_15_minutes(client, clock: MovableClock):
    for attempt in range(1, 6):
        response = await browser_login(client, "sb-handicap", f"guess-{attempt}")
        assert response.status_code == (429 if attempt == 5 else 401), attempt

    sixth = await browser_login(client, "sb-handicap")  # the right password
    assert sixth.status_code == 429
    assert "For mange mislykkede forsøg" in sixth.text
    assert "15 minutter" in sixth.text
    assert SESSION_COOKIE not in client.cookies

    clock.advance(minutes=14)
    assert (await browser_login(client, "sb-handicap")).status_code == 429
    clock.advance(minutes=2)
    assert (await browser_login(client, "sb-handicap")).status_code == 303


async def test_a_success_resets_the_failure_count(client):
    for _ in range(4):
        assert (await browser_login(client, "leder", "wrong")).status_code == 401
    assert (await browser_login(client, "leder")).status_code == 303
    await client.post("/log-ud", data={"csrf_token": form_csrf((await client.get("/")).text)})
    for _ in range(4):
        assert (await browser_login(client, "leder", "wrong")).status_code == 401
    assert (await browser_login(client, "leder")).status_code == 303


async def test_an_unknown_username_is_locked_out_like_a_real_one(client):
    answers = []
    for _ in range(6):
        form = await client.get("/log-ind")
        response = await client.post(
            "/log-ind", data={"username": "ghost", "password": "x", "next": "/", "csrf_token": form_csrf(form.text)}
        )
        answers.append(response.status_code)
    assert answers == [401, 401, 401, 401, 429, 429]


async def test_login_returns_to_a_local_next_only(client):
    ok = await browser_login(client, "admin", next="/admin/brugere?side=2")
    assert ok.headers["location"] == "/admin/brugere?side=2"
    client.cookies.clear()
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        response = await browser_login(client, "admin", next=evil)
        assert response.headers["location"] == "/", evil
        client.cookies.clear()


async def test_the_login_form_without_its_csrf_cookie_is_refused(client):
    response = await client.post(
        "/log-ind", data={"username": "admin", "password": PASSWORDS["admin"], "next": "/", "csrf_token": "forged"}
    )
    assert response.status_code == 403
    assert SESSION_COOKIE not in client.cookies


async def test_logout_ends_the_session(client, accounts: AccountStore):
    await browser_login(client, "sb-ydelse")
    token = client.cookies[SESSION_COOKIE]
    page = await client.get("/")
    response = await client.post("/log-ud", data={"csrf_token": form_csrf(page.text)})
    assert response.status_code == 303
    assert response.headers["location"] == "/log-ind"
    assert await accounts.session(token) is None
    # The old cookie, sent again, opens nothing.
    client.cookies.set(SESSION_COOKIE, token)
    assert (await client.get("/")).status_code == 303


async def test_api_login_gives_a_bearer_token(client):
    token = await api_token(client, "borgerraadgiver")
    me = await client.get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json() == {
        "id": me.json()["id"],
        "username": "borgerraadgiver",
        "display_name": "Borgerrådgiver (demo)",
        "roles": ["borgerraadgiver"],
        "kommune": "0101",
        "units": [],
        "forvaltning": None,
    }


async def test_api_login_failure_and_lock_out_are_problems(client):
    for attempt in range(5):
        response = await client.post("/api/v1/session", json={"username": "admin", "password": "wrong"})
        assert response.headers["content-type"] == "application/problem+json"
    assert response.status_code == 429
    sixth = await client.post("/api/v1/session", json={"username": "admin", "password": PASSWORDS["admin"]})
    assert sixth.status_code == 429
    body = sixth.json()
    assert body["type"] == "urn:klagesag:problem:locked-out"
    assert "spærret i 15 minutter" in body["detail_da"]


async def test_api_logout_revokes_the_token(client):
    token = await api_token(client, "sb-ydelse")
    assert (await client.delete("/api/v1/session", headers=bearer(token))).status_code == 204
    after = await client.get("/api/v1/me", headers=bearer(token))
    assert after.status_code == 401
