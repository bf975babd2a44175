"""Every response carries the security headers; pages and API answers are not cached."""

from __future__ import annotations

import re

import pytest

from tests.web.helpers import browser_login

EXPECTED = {
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
}


@pytest.mark.parametrize("path", ["/log-ind", "/", "/api/v1/me", "/openapi.json", "/static/klagesag.css", "/findes-ikke"])
async def test_security_headers_on_every_kind_of_response(client, path):
    await browser_login(client, "leder")
    response = await client.get(path)
    for name, value in EXPECTED.items():
        assert response.headers[name] == value, (path, name)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "strict-transport-security" not in response.headers  # only in production
    if path.startswith("/static/"):
        assert "no-store" not in response.headers.get("cache-control", "")
    else:
        assert response.headers["cache-control"] == "no-store"


async def test_pages_use_no_inline_script_or_style(client):
    # The CSP would block them; this catches a template that relies on them before a browser does.
    pages = [(await client.get("/log-ind")).text]
    await browser_login(client, "admin")
    pages += [(await client.get(path)).text for path in ("/", "/admin/brugere", "/findes-ikke")]
    for path, html in zip(("/log-ind", "/", "/admin/brugere", "/findes-ikke"), pages):
        scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S)
        assert scripts == [""]  # only htmx, by src
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", html), path
