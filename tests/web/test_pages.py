"""The page skeleton: Danish, landmarks, a skip link, the user and role in the menu, titles without
personal data, and forms that work without JavaScript."""

from __future__ import annotations

import re

from tests.web.helpers import browser_login


async def test_the_login_page(client):
    page = await client.get("/log-ind")
    html = page.text
    assert page.status_code == 200
    assert '<html lang="da">' in html
    assert "<title>Log ind – klagesag</title>" in html
    assert '<a class="skip-link" href="#indhold">' in html
    assert '<main id="indhold"' in html
    assert '<label for="username">Brugernavn</label>' in html
    assert 'autocomplete="current-password"' in html
    assert 'method="post" action="/log-ind"' in html  # a plain form: works with JavaScript off
    assert "Hovedmenu" not in html  # no menu before login
    assert "Log ind med kommunens login" not in html  # OIDC is off in these tests


async def test_the_start_page_shows_who_is_logged_in_and_their_role(client):
    await browser_login(client, "leder")
    html = (await client.get("/")).text
    assert "<title>Min arbejdsliste – klagesag</title>" in html
    assert '<nav class="main-nav" aria-label="Hovedmenu">' in html
    assert 'href="/" aria-current="page">Min arbejdsliste</a>' in html
    assert "Leder SOF (demo)" in html and "(Leder)" in html
    assert 'action="/log-ud"' in html
    assert "/admin/brugere" not in html  # not an admin


async def test_the_admin_sees_the_admin_menu_item(client):
    await browser_login(client, "admin")
    html = (await client.get("/admin/brugere")).text
    assert 'href="/admin/brugere" aria-current="page">Brugere</a>' in html
    assert "<title>Brugere – klagesag</title>" in html


async def test_every_form_carries_the_csrf_field(client):
    await browser_login(client, "admin")
    for path in ("/", "/admin/brugere"):
        html = (await client.get(path)).text
        forms = re.findall(r"<form\b.*?</form>", html, flags=re.S)
        assert forms
        for form in forms:
            if 'method="get"' in form:
                continue  # a GET form (filters, search) changes nothing and must not put the token in a URL
            assert 'name="csrf_token" value="' in form, form


async def test_a_failed_login_keeps_the_username_and_explains_in_danish(client):
    response = await browser_login(client, "sb-ydelse", "forkert")
    assert 'value="sb-ydelse"' in response.text
    assert 'role="alert"' in response.text
    assert 'aria-describedby="login-fejl"' in response.text
    assert "<title>Log ind – klagesag</title>" in response.text
