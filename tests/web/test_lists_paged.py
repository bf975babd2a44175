"""Paged lists over the API and on the pages: following next_cursor (or the "Næste side" link) visits
every case of the list once, in the list's order, and says when there is no more."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import httpx
import pytest

from store.register import CaseRegister
from tests.read_model import AT, save
from tests.web.helpers import api_token, bearer
from web.pages import management, start



@pytest.fixture
async def overdue(register: CaseRegister, not_due: list[str]) -> list[str]:
    """Seven overdue cases of sb-ydelse, three sharing a deadline, most overdue first."""
    days = [40, 10, 10, 10, 3, 2, 1]
    due = {await save(register, next_deadline_at=AT - timedelta(days=d), overdue=d > 5): AT - timedelta(days=d) for d in days}
    return sorted(due, key=lambda case_id: (due[case_id], case_id))


@pytest.fixture
async def not_due(register: CaseRegister) -> list[str]:
    """Two open cases of sb-ydelse due in 20 days, in case id order."""
    return sorted([await save(register, next_deadline_at=AT + timedelta(days=20)) for _ in range(2)])


async def test_the_api_walks_the_overdue_list_page_by_page_oldest_deadline_first(
    overdue: list[str], client: httpx.AsyncClient
):
    headers = bearer(await api_token(client, "sb-ydelse"))
    seen, params = [], {"overdue": "true", "limit": "3"}
    while True:
        response = await client.get("/api/v1/cases", params=params, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        seen += [row["case_id"] for row in body["items"]]
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]

    assert seen == overdue


async def test_a_bad_cursor_or_page_size_is_a_422_naming_it(overdue: list[str], client: httpx.AsyncClient):
    headers = bearer(await api_token(client, "sb-ydelse"))
    newest = (await client.get("/api/v1/cases", params={"limit": "1"}, headers=headers)).json()["next_cursor"]

    for params, field in [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": ""}, "cursor"),
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
    ]:
        response = await client.get("/api/v1/cases", params=params, headers=headers)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["field"] == field, response.text
    elsewhere = await client.get("/api/v1/cases", params={"overdue": "true", "cursor": newest}, headers=headers)
    assert elsewhere.status_code == 422 and elsewhere.json()["detail"].startswith("cursor: ")


async def test_the_openapi_document_describes_the_page(client: httpx.AsyncClient):
    schema = (await client.get("/openapi.json")).json()
    listing = schema["paths"]["/api/v1/cases"]["get"]
    page = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][page]["properties"]) == {"items", "next_cursor"}
    assert {"cursor", "limit"} <= {p["name"] for p in listing["parameters"]}


# --- the pages: plain "Næste side" links -------------------------------------------------------------------


def links(page: str, label: str) -> list[str]:
    return [html.unescape(href) for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', page) if text == label]


def listed(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/sager/([^"]+)">', page)


async def test_the_worklist_pages_by_next_links(
    overdue: list[str], not_due: list[str], register: CaseRegister, browser, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(start, "PAGE_SIZE", 4)
    later = [await save(register, next_deadline_at=AT + timedelta(days=30 + i)) for i in range(2)]
    client = await browser("sb-ydelse")
    url, seen, pages = "/", [], []
    while url:
        page = (await client.get(url)).text
        pages.append(page)
        seen += listed(page)
        url = next(iter(links(page, "Næste side")), None)

    assert seen == overdue + not_due + later  # the next deadline first, over three pages
    assert len(pages) == 3 and len(seen) == 11 and len(set(seen)) == 11
    assert not links(pages[0], "Til første side") and links(pages[1], "Til første side") == ["/"]


async def test_each_ledelse_list_pages_on_its_own(
    overdue: list[str], not_due: list[str], browser, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(management, "PAGE_SIZE", 3)
    client = await browser("leder")
    url, seen = "/ledelse", []
    while url:
        page = (await client.get(url)).text
        seen += listed(section(page, "overdue"))
        url = next(iter(links(section(page, "overdue"), "Næste side")), None)
    # The list of open cases on its second page: the overdue list's link keeps it there.
    first = (await client.get("/ledelse")).text
    on_two = (await client.get(links(section(first, "open_cases"), "Næste side")[0])).text
    still_two = (await client.get(links(section(on_two, "overdue"), "Næste side")[0])).text

    assert seen == overdue
    open_cases = overdue + not_due
    assert listed(section(first, "open_cases")) == open_cases[:3]
    assert listed(section(on_two, "open_cases")) == listed(section(still_two, "open_cases")) == open_cases[3:6]
    assert listed(section(still_two, "overdue")) == overdue[3:6]


def section(page: str, list_id: str) -> str:
    """One list of the Ledelse page: from its heading to the next heading."""
    return page.split(f'id="{list_id}"')[1].split("<h2")[0]
