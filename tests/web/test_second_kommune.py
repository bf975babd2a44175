"""Two kommuner in one database: a user of kommune 0101 never sees kommune 0202's cases, in no list, page,
figure, API answer, search or reassignment, and the other way round.

The other kommune's cases here carry kommune 0101's own unit and caseworker (`ydelse`, `sb-ydelse`), so
the kommune is the only thing that tells them apart."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest

from store.accounts import AccountStore, Unit
from store.register import CaseRegister, PartyRecord
from tests.read_model import AT, save
from tests.web.helpers import api_token, bearer, form_csrf

NABO_PASSWORD = "nabo-kode-1"
CPR = "0101901234"  # the same citizen has a case in each kommune


@dataclass
class Kommuner:
    own: list[str]  # kommune 0101's cases, in unit ydelse with sb-ydelse
    other: list[str]  # kommune 0202's, with the same unit and caseworker names
    nabo: list[str]  # kommune 0202's in its own unit
    own_searched: str  # the case of CPR in 0101
    other_searched: str  # and in 0202



@pytest.fixture
async def kommuner(accounts: AccountStore, register: CaseRegister) -> Kommuner:
    await accounts.upsert_unit(Unit("nabo", "Ydelser i nabokommunen", "0202", "SOF"))
    await accounts.create_user(username="sb-nabo", display_name="Sagsbehandler i nabokommunen", roles=["sagsbehandler"],
                               kommune="0202", units=["nabo"], password=NABO_PASSWORD)  # fmt: skip
    # Overdue, stuck and due later: each list has something of both kommuner to show.
    kinds = [
        {"next_deadline_at": AT - timedelta(days=5), "overdue": True},
        {"last_step_at": AT - timedelta(days=30)},
        {"next_deadline_at": AT + timedelta(days=9)},
    ]
    own = [await save(register, **facts) for facts in kinds]
    other = [await save(register, kommune="0202", **facts) for facts in kinds]
    nabo = [await save(register, kommune="0202", unit="nabo", assignee="sb-nabo", **facts) for facts in kinds]
    for case_id in (own[2], other[2]):
        await register.save_party(case_id, PartyRecord(cpr=CPR, name="Karen Testborger", representative_name=None,
                                                       complaint_text="Jeg klager.", late_reason=None))  # fmt: skip
    return Kommuner(own, other, nabo, own_searched=own[2], other_searched=other[2])


async def nabo_headers(client: httpx.AsyncClient) -> dict[str, str]:
    response = await client.post("/api/v1/session", json={"username": "sb-nabo", "password": NABO_PASSWORD})
    assert response.status_code == 201, response.text
    return bearer(response.json()["token"])


def case_ids(html: str) -> set[str]:
    return set(re.findall(r"KS-\d{4}-[A-Z2-7]{13}", html))


async def api_ids(client: httpx.AsyncClient, headers: dict[str, str], **params) -> set[str]:
    response = await client.get("/api/v1/cases", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return {row["case_id"] for row in response.json()["items"]}


async def test_the_worklist_and_the_ledelse_page_show_only_the_own_kommune(kommuner: Kommuner, browser):
    worklist = (await (await browser("sb-ydelse")).get("/")).text
    leder = await browser("leder")
    ledelse = (await leder.get("/ledelse", params={"dage": "14"})).text

    assert case_ids(worklist) == set(kommuner.own)
    assert case_ids(ledelse) == set(kommuner.own)
    # The figures count the leder's kommune only: three cases, all in Genvurdering.
    assert "3 sager i dine enheder" in ledelse
    assert re.search(r"<th scope=\"row\">ydelse</th><td>3</td>", ledelse)


async def test_every_api_list_shows_only_the_users_kommune(kommuner: Kommuner, client: httpx.AsyncClient):
    for username in ("sb-ydelse", "leder", "borgerraadgiver"):
        headers = bearer(await api_token(client, username))
        assert await api_ids(client, headers) == set(kommuner.own), username
        assert await api_ids(client, headers, overdue="true") == {kommuner.own[0]}, username
        assert await api_ids(client, headers, stuck_days="14") == {kommuner.own[1]}, username
    assert await api_ids(client, bearer(await api_token(client, "sb-ydelse")), assignee="me") == set(kommuner.own)
    assert await api_ids(client, await nabo_headers(client)) == set(kommuner.nabo)


async def test_another_kommunes_case_is_not_found_as_a_page_or_over_the_api(kommuner: Kommuner, client, browser):
    for username in ("sb-ydelse", "leder", "borgerraadgiver"):
        page = await (await browser(username)).get(f"/sager/{kommuner.other[0]}")
        assert page.status_code == 404 and "Sagen findes ikke" in page.text, username
        headers = bearer(await api_token(client, username))
        for path in ("", "/party", "/letters"):
            response = await client.get(f"/api/v1/cases/{kommuner.other[0]}{path}", headers=headers)
            assert response.status_code == 404, (username, path, response.text)
            assert response.json()["type"] == "urn:klagesag:problem:case-not-found"
    nabo = await nabo_headers(client)
    assert (await client.get(f"/api/v1/cases/{kommuner.own[0]}", headers=nabo)).status_code == 404
    assert (await client.get(f"/api/v1/cases/{kommuner.nabo[0]}", headers=nabo)).status_code == 200


async def test_a_search_by_cpr_finds_only_the_own_kommunes_case(kommuner: Kommuner, client: httpx.AsyncClient):
    for username in ("sb-ydelse", "borgerraadgiver"):
        found = await client.post("/api/v1/cases/search", json={"cpr": CPR}, headers=bearer(await api_token(client, username)))
        assert found.json() == {"case_ids": [kommuner.own_searched], "complete": True}, username
    # The other kommune's caseworker works in unit nabo, and the citizen's 0202 case is in 'ydelse'.
    nabo = await client.post("/api/v1/cases/search", json={"cpr": CPR}, headers=await nabo_headers(client))
    assert nabo.json() == {"case_ids": [], "complete": True}


async def test_bulk_reassignment_refuses_another_kommunes_case_untouched(
    register: CaseRegister, kommuner: Kommuner, client: httpx.AsyncClient, browser
):
    # Temporal is never reached (the test app's client factory would fail): the case is refused before.
    headers = bearer(await api_token(client, "leder"))
    answer = await client.post("/api/v1/cases/reassign", headers=headers,
                               json={"case_ids": [kommuner.other[0]], "unit": "handicap", "reason": "Ferie"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["results"] == [{"case_id": kommuner.other[0], "ok": False, "phase": None,
                                         "error": f"No case {kommuner.other[0]}."}]  # fmt: skip

    leder = await browser("leder")
    token = form_csrf((await leder.get("/ledelse")).text)
    page = await leder.post("/ledelse/fordel", data={"csrf_token": token, "sag": kommuner.other[1], "unit": "handicap",
                                                    "reason": "Ferie"})  # fmt: skip
    assert page.status_code == 200
    assert re.search(rf"{kommuner.other[1]}</th><td>Afvist</td><td>Sagen er ikke åben i dine enheder", page.text)
    for case_id in kommuner.other[:2]:
        view = await register.case_view(case_id)
        assert view is not None and (view.unit, view.version) == ("ydelse", 1)



async def test_a_user_of_another_kommune_cannot_file_here(kommuner: Kommuner, client: httpx.AsyncClient, browser):
    # This installation files for kommune 0101 (its case ids, letters and rows carry 0101); a 0202 case
    # filed here would be invisible to its own filer and visible to 0101. Refused before Temporal.
    body = {"cpr": CPR, "name": "Ole Borger", "decision_ref": "AFG-9", "decision_received": "2026-11-10",
            "received": "2026-11-20", "channel": "written", "area": "serviceloven § 83", "kind": "realitet",
            "text": "Jeg klager."}  # fmt: skip
    refused = await client.post("/api/v1/cases", json=body, headers=await nabo_headers(client))
    assert refused.status_code == 403 and "kommune 0101" in refused.json()["detail"]

    nabo = await browser("sb-nabo", NABO_PASSWORD)
    token = form_csrf((await nabo.get("/ny-klage")).text)
    page = await nabo.post("/ny-klage", data={"csrf_token": token, **body, "action": "gem"})
    assert page.status_code == 403 and "din egen kommunes klagesag" in page.text
