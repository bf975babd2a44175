"""Roles and CSRF: a wrong role gets 403 (a Danish page, or problem+json); an unsafe request that the
cookie authenticates without its CSRF token is refused and changes nothing."""

from __future__ import annotations

from fastapi import Request

from store.accounts import AccountStore
from tests.web.helpers import api_token, bearer, browser_login, form_csrf
from web.access import record_case_access
from web.auth import CurrentUser


async def test_a_caseworker_gets_ingen_adgang_on_the_admin_page(client):
    await browser_login(client, "sb-ydelse")
    response = await client.get("/admin/brugere")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Ingen adgang</h1>" in response.text
    assert "Administrator" in response.text  # names the role that is needed


async def test_a_caseworker_gets_403_problem_json_from_the_admin_api(client):
    token = await api_token(client, "sb-ydelse")
    response = await client.get("/api/v1/users", headers=bearer(token))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:klagesag:problem:forbidden"


async def test_an_admin_sees_the_users(client):
    await browser_login(client, "admin")
    page = await client.get("/admin/brugere")
    assert page.status_code == 200
    for username in ("sb-ydelse", "sb-handicap", "leder", "borgerraadgiver", "admin"):
        assert f"<td>{username}</td>" in page.text
    token = await api_token(client, "admin")
    listed = await client.get("/api/v1/users", headers=bearer(token))
    assert [u["username"] for u in listed.json()] == ["admin", "borgerraadgiver", "leder", "sb-handicap", "sb-ydelse"]


async def test_a_form_post_without_the_csrf_token_is_refused_and_changes_nothing(client, app, accounts: AccountStore):
    victim = await api_token(client, "sb-ydelse")
    await browser_login(client, "admin")

    for data in ({}, {"csrf_token": "wrong"}):
        response = await client.post("/admin/brugere/sb-ydelse/log-ud", data=data)
        assert response.status_code == 403
        assert "Ugyldig formular" in response.text
    assert (await client.get("/api/v1/me", headers=bearer(victim))).status_code == 200  # still logged in

    token = form_csrf((await client.get("/admin/brugere")).text)
    done = await client.post("/admin/brugere/sb-ydelse/log-ud", data={"csrf_token": token})
    assert done.status_code == 303
    assert (await client.get(done.headers["location"])).text.count("Brugerens sessioner er afsluttet.") == 1
    assert (await client.get("/api/v1/me", headers=bearer(victim))).status_code == 401


async def test_logout_without_the_csrf_token_is_refused(client):
    await browser_login(client, "leder")
    assert (await client.post("/log-ud")).status_code == 403
    assert (await client.get("/")).status_code == 200


async def test_an_api_request_by_cookie_needs_the_csrf_header_and_a_bearer_request_does_not(client):
    victim = await api_token(client, "sb-handicap")
    await browser_login(client, "admin")
    refused = await client.delete("/api/v1/users/sb-handicap/sessions")
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == "urn:klagesag:problem:csrf"
    assert (await client.get("/api/v1/me", headers=bearer(victim))).status_code == 200

    token = form_csrf((await client.get("/")).text)
    ok = await client.delete("/api/v1/users/sb-handicap/sessions", headers={"X-CSRF-Token": token})
    assert ok.status_code == 200 and ok.json() == {"ended": 1}

    admin_token = await api_token(client, "admin")
    client.cookies.clear()
    by_bearer = await client.delete("/api/v1/users/leder/sessions", headers=bearer(admin_token))
    assert by_bearer.status_code == 200


async def test_htmx_sends_the_csrf_header_the_page_gives_it(client):
    await browser_login(client, "leder")
    page = (await client.get("/")).text
    token = form_csrf(page)
    assert f"hx-headers='{{\"X-CSRF-Token\": \"{token}\"}}'" in page


def test_user_policy():
    from store.accounts import Role
    from web.auth import User

    def user(*roles: Role, units=("ydelse",)) -> User:
        return User(1, "x", "X", frozenset(roles), "0101", frozenset(units), "SOF")

    assert user(Role.SAGSBEHANDLER).can_act_on("ydelse")
    assert not user(Role.SAGSBEHANDLER).can_act_on("handicap")
    assert user(Role.LEDER, units=("ydelse", "handicap")).can_act_on("handicap")
    assert not user(Role.BORGERRAADGIVER, units=()).can_act_on("ydelse")
    assert user(Role.BORGERRAADGIVER, units=()).can_read("ydelse")
    assert not user(Role.ADMIN, units=()).can_read("ydelse")
    assert user(Role.LEDER).is_leder and not user(Role.LEDER).is_admin


async def test_an_api_request_by_cookie_takes_the_csrf_token_from_the_header_only(client):
    await browser_login(client, "admin")
    token = form_csrf((await client.get("/")).text)
    response = await client.request(
        "DELETE", "/api/v1/users/leder/sessions", data={"csrf_token": token}
    )
    assert response.status_code == 403


async def test_case_access_is_recorded_with_the_purpose_from_the_request(app, client, accounts: AccountStore):
    # How a case page and a case endpoint plug in: a route using `current_user`, recording the access.
    @app.get("/proeve/sager/{case_id}")  # the real /sager page needs a real case
    async def case_page(case_id: str, request: Request, user: CurrentUser):
        await record_case_access(request, user, case_id, "sag")
        return {"ok": True}

    @app.get("/api/v1/test-cases/{case_id}")
    async def case_api(case_id: str, request: Request, user: CurrentUser):
        await record_case_access(request, user, case_id, "sag")
        return {"ok": True}

    await browser_login(client, "sb-ydelse")
    assert (await client.get("/proeve/sager/KS-0101-A")).status_code == 200
    assert (await client.get("/api/v1/test-cases/KS-0101-A")).status_code == 200
    entries = await accounts.access_log_for("KS-0101-A")
    assert [(e.username, e.purpose, e.what) for e in entries] == [("sb-ydelse", "page", "sag"), ("sb-ydelse", "api", "sag")]
