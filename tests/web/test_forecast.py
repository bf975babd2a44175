"""GET /api/v1/forecast and "Sager i fare" on the Ledelse page, on the constructed set of
tests/forecast_set.py (the web tests' clock stands at its "now", Monday 2026-11-23 09:00 UTC): who may see
them (the statistics' roles, their own kommune, a leder their own units), errors that name the field, and
the section listing the cases at risk with their reasons in Danish."""

from __future__ import annotations

import re

import httpx
import pytest

from store.register import CaseRegister
from tests.forecast_set import EXPECTED_14, save_set
from tests.web.helpers import api_token, bearer

AT_RISK_14 = [case_id for case_id, *_ in EXPECTED_14]


@pytest.fixture
async def saved(register: CaseRegister) -> None:
    await save_set(register)


async def as_api(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    return bearer(await api_token(client, username))


# --- the API ------------------------------------------------------------------------------------------------


async def test_the_api_needs_a_login(client, saved):
    response = await client.get("/api/v1/forecast")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_sagsbehandler_may_not_see_the_forecast(client, saved):
    response = await client.get("/api/v1/forecast", headers=await as_api(client, "sb-ydelse"))
    assert response.status_code == 403
    assert response.json()["type"] == "urn:klagesag:problem:forbidden"


@pytest.mark.parametrize("username", ["leder", "borgerraadgiver", "admin"])
async def test_leder_borgerraadgiver_and_admin_get_their_kommunes_cases_at_risk(client, saved, username):
    response = await client.get("/api/v1/forecast", params={"days": 14}, headers=await as_api(client, username))
    assert response.status_code == 200, response.text
    r = response.json()
    assert (r["kommune"], r["days"], r["today"], r["until"]) == ("0101", 14, "2026-11-23", "2026-12-07")
    assert [row["case_id"] for row in r["at_risk"]] == AT_RISK_14  # never kommune 0202's F-X1
    assert r["overdue_not_forecast"] == 1
    unassigned = next(row for row in r["at_risk"] if row["case_id"] == "F-U1")
    assert (unassigned["cause"], unassigned["assignee"], unassigned["deadline_date"]) == ("unassigned", None, "2026-11-27")
    assert unassigned["reason"].startswith("Ingen sagsbehandler tildelt")


async def test_a_leder_sees_their_own_units_and_is_refused_another(client, saved):
    headers = await as_api(client, "leder")  # units ydelse and handicap
    own = await client.get("/api/v1/forecast", params={"unit": "handicap"}, headers=headers)
    assert own.status_code == 200 and [row["case_id"] for row in own.json()["at_risk"]] == ["F-N1", "F-B3"]
    other = await client.get("/api/v1/forecast", params={"unit": "boern"}, headers=headers)
    assert other.status_code == 403
    assert other.json()["detail_da"] == "Enheden er ikke en af dine."


async def test_another_kommune_is_forbidden_and_the_own_one_may_be_named(client, saved):
    headers = await as_api(client, "borgerraadgiver")
    other = await client.get("/api/v1/forecast", params={"kommune": "0202"}, headers=headers)
    assert other.status_code == 403
    assert other.json()["detail_da"] == "Du kan kun se din egen kommunes prognose."
    own = await client.get("/api/v1/forecast", params={"kommune": "0101"}, headers=headers)
    assert own.status_code == 200 and own.json()["kommune"] == "0101"


@pytest.mark.parametrize(
    ("params", "field"),
    [({"days": "0"}, "days"), ({"days": "-2"}, "days"), ({"days": "366"}, "days"), ({"days": "ti"}, "days"),
     ({"unit": "Ydelse!"}, "unit"), ({"kommune": "01"}, "kommune")],
)  # fmt: skip
async def test_bad_parameters_are_422_naming_the_field(client, saved, params, field):
    response = await client.get("/api/v1/forecast", params=params, headers=await as_api(client, "leder"))
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]


# --- the Ledelse page ---------------------------------------------------------------------------------------


def section(html: str) -> str:
    match = re.search(r'<h2 id="fare">Sager i fare</h2>(.*?)<h2 id="overdue">', html, re.S)
    assert match, "the Ledelse page has no section Sager i fare"
    return match.group(1)


async def test_the_ledelse_page_lists_the_cases_at_risk_the_soonest_deadline_first(browser, saved):
    page = await (await browser("leder")).get("/ledelse")
    assert page.status_code == 200
    fare = section(page.text)
    rows = re.findall(r'<th scope="row"><a href="/sager/([^"]+)">', fare)
    assert rows == AT_RISK_14
    assert "7 af 11 sager med frist i perioden" in fare
    assert "Ingen sagsbehandler tildelt, og fristen udløber om 4 dage (fredag 27. november 2026" in fare
    assert "Ikke fordelt" in fare
    assert "1 sag har allerede overskredet fristen" in fare


async def test_the_ledelse_page_takes_the_number_of_days_ahead(browser, saved):
    fare = section((await (await browser("leder")).get("/ledelse", params={"fare_dage": "1"})).text)
    assert re.findall(r'<th scope="row"><a href="/sager/([^"]+)">', fare) == ["F-T1", "F-A2", "F-A3", "F-P1"]
    assert 'name="fare_dage" type="number" min="1" max="365" value="1"' in fare


async def test_a_sagsbehandler_may_not_open_the_ledelse_page(browser, saved):
    page = await (await browser("sb-ydelse")).get("/ledelse")
    assert page.status_code == 403
    assert "Sager i fare" not in page.text
