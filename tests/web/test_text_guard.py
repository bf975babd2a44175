"""Text PostgreSQL cannot store (NUL, lone surrogates) is refused with 422 naming the field, before any
handler runs: found by schemathesis as a 500 from the database."""

from __future__ import annotations

import httpx
import pytest

from store.register import CaseRegister
from tests.web.helpers import api_token, bearer, browser_login, form_csrf
from web.text_guard import RULE

PROBLEM = "application/problem+json"


def fields_of(response: httpx.Response) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    errors = response.json()["errors"]
    assert {e["rule"] for e in errors} == {RULE}
    return [e["field"] for e in errors]


async def test_a_json_body_with_nul_is_refused_naming_the_field_and_nothing_is_filed(
    client: httpx.AsyncClient, register: CaseRegister
) -> None:
    headers = bearer(await api_token(client, "sb-ydelse"))
    body = {"cpr": "0101801234", "name": "Karen", "text": "før\x00efter", "extra": ["ok", "\x00"]}
    response = await client.post("/api/v1/cases", json=body, headers=headers)
    assert fields_of(response) == ["extra.1", "text"]
    assert "text" in response.json()["detail"] and "Fjern det" in response.json()["detail_da"]
    assert (await register.list_cases(kommune=None)).rows == []


async def test_a_lone_surrogate_in_json_is_refused(client: httpx.AsyncClient) -> None:
    headers = {**bearer(await api_token(client, "sb-ydelse")), "content-type": "application/json"}
    response = await client.post("/api/v1/frist", content=b'{"decision_received": "\\ud800"}', headers=headers)
    assert fields_of(response) == ["decision_received"]


@pytest.mark.parametrize(
    "url, field",
    [("/api/v1/cases?unit=%00", "unit"), ("/api/v1/cases?phase=a%00b", "phase"), ("/api/v1/cases/KS%00-1", "path.case_id")],
)
async def test_nul_in_the_query_or_the_path_is_refused(client: httpx.AsyncClient, url: str, field: str) -> None:
    headers = bearer(await api_token(client, "sb-ydelse"))
    assert fields_of(await client.get(url, headers=headers)) == [field]


async def test_a_page_form_with_nul_gets_a_danish_error_page(client: httpx.AsyncClient) -> None:
    await browser_login(client, "sb-ydelse")
    token = form_csrf((await client.get("/ny-klage")).text)
    response = await client.post("/ny-klage", data={"csrf_token": token, "name": "A\x00B", "cpr": "0101801234"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "name" in response.text and "ikke kan gemmes" in response.text


async def test_a_login_with_nul_is_refused_before_the_password_is_checked(client: httpx.AsyncClient) -> None:
    form = await client.get("/log-ind")
    refused = await client.post("/log-ind", data={"username": "sb\x00", "password": "x", "csrf_token": form_csrf(form.text)})
    assert refused.status_code == 422
