"""Sessions live in PostgreSQL: they end when idle, at their absolute end, on revocation, and when the
user is deactivated; a page request without one goes to the login page, an API request gets 401."""

from __future__ import annotations

from store.accounts import AccountStore
from tests.web.helpers import MovableClock, api_token, bearer, browser_login
from web.auth import SESSION_COOKIE


async def test_a_page_without_a_session_redirects_to_login_with_next(client):
    response = await client.get("/admin/brugere", params={"side": "2"})
    assert response.status_code == 303
    assert response.headers["location"] == "/log-ind?next=%2Fadmin%2Fbrugere%3Fside%3D2"
    start = await client.get("/")
    assert start.status_code == 303
    assert start.headers["location"] == "/log-ind"


async def test_an_htmx_request_without_a_session_is_sent_to_the_login_page_whole(client):
    response = await client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/log-ind"


async def test_an_api_request_without_a_session_gets_401_problem_json(client):
    for headers in ({}, bearer("not-a-token"), {"Authorization": "Basic YWRtaW46YWRtaW4="}):
        response = await client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"].startswith("Bearer")
        body = response.json()
        assert body["type"] == "urn:klagesag:problem:not-authenticated"
        assert body["status"] == 401
        assert body["title_da"] == "Ikke logget ind"


async def test_an_idle_session_ends(client, clock: MovableClock):
    await browser_login(client, "sb-ydelse")
    clock.advance(minutes=29)
    assert (await client.get("/")).status_code == 200  # a request keeps it alive
    clock.advance(minutes=29)
    assert (await client.get("/")).status_code == 200
    clock.advance(minutes=31)
    response = await client.get("/")
    assert response.status_code == 303
    assert response.headers["location"] == "/log-ind"


async def test_a_session_ends_at_its_absolute_end_even_when_busy(client, clock: MovableClock):
    token = await api_token(client, "leder")
    for _ in range(20):  # 9 h 40 min of a request every 29 minutes
        clock.advance(minutes=29)
        assert (await client.get("/api/v1/me", headers=bearer(token))).status_code == 200
    clock.advance(minutes=29)  # 10 h 09 min: past the 10 hours
    assert (await client.get("/api/v1/me", headers=bearer(token))).status_code == 401


async def test_revoking_all_sessions_of_a_user_logs_them_out_everywhere(client, accounts: AccountStore):
    first = await api_token(client, "sb-handicap")
    second = await api_token(client, "sb-handicap")
    other = await api_token(client, "sb-ydelse")
    user = await accounts.user("sb-handicap")
    assert await accounts.revoke_sessions_of(user.id) == 2
    for token in (first, second):
        assert (await client.get("/api/v1/me", headers=bearer(token))).status_code == 401
    assert (await client.get("/api/v1/me", headers=bearer(other))).status_code == 200


async def test_deactivating_a_user_ends_their_sessions_and_logins(client, accounts: AccountStore):
    await browser_login(client, "sb-ydelse")
    assert (await client.get("/")).status_code == 200
    await accounts.update_user("sb-ydelse", active=False)
    assert (await client.get("/")).status_code == 303
    client.cookies.clear()
    assert (await browser_login(client, "sb-ydelse")).status_code == 401


async def test_a_changed_password_ends_old_sessions(client, accounts: AccountStore):
    token = await api_token(client, "admin")
    await accounts.update_user("admin", password="a-new-password-1")
    assert (await client.get("/api/v1/me", headers=bearer(token))).status_code == 401
    assert (await browser_login(client, "admin", "a-new-password-1")).status_code == 303


async def test_a_forged_cookie_opens_nothing(client):
    client.cookies.set(SESSION_COOKIE, "A" * 43)
    assert (await client.get("/")).status_code == 303
    assert (await client.get("/api/v1/me")).status_code == 401
