"""GET /api/v1/statistics and the Statistik page: who may see them (leder, borgerrådgiver, admin; only
their own kommune), errors that name the field, the CSV, and a page of charts each beside its table."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import httpx
import pytest

from domain import stats
from store.register import CaseRegister
from tests.statistics_views import Story
from tests.web.helpers import api_token, bearer, browser_login

YEAR = {"from": "2025-01-01", "to": "2025-12-31"}


def d(month: int, day: int) -> date:
    return date(2025, month, day)


@pytest.fixture
async def saved(register: CaseRegister) -> None:
    """Kommune 0101 (the demo users'): two realitetsklager decided by Ankestyrelsen (stadfæstet and
    hjemvist) and a formalitetsklage; kommune 0202: one complaint that 0101's users must never count."""
    stories = [
        Story("K-1", d(2, 3), unit="ydelse").genvurdering("fastholdt", d(2, 20)).at_ankestyrelsen(d(2, 25))
        .ankestyrelsen("stadfaestet", d(6, 1)),
        Story("K-2", d(3, 3), unit="handicap", area="barnets lov § 86").genvurdering("fastholdt", d(3, 20))
        .at_ankestyrelsen(d(3, 25)).ankestyrelsen("hjemvist", d(7, 1)),
        Story("K-3", d(4, 1), unit="ydelse", kind="formalitet", channel="oral").withdraw(d(4, 10)),
        Story("K-4", d(4, 1), kommune="0202").genvurdering("fuldt_medhold", d(4, 20)),
    ]  # fmt: skip
    for story in stories:
        assert await register.save_case_view(story.view())


async def as_api(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    return bearer(await api_token(client, username))


# --- the API ------------------------------------------------------------------------------------------------


async def test_the_api_needs_a_login(client, saved):
    response = await client.get("/api/v1/statistics", params=YEAR)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_sagsbehandler_may_not_see_the_statistics(client, saved):
    response = await client.get("/api/v1/statistics", params=YEAR, headers=await as_api(client, "sb-ydelse"))
    assert response.status_code == 403
    assert response.json()["type"] == "urn:klagesag:problem:forbidden"


@pytest.mark.parametrize("username", ["leder", "borgerraadgiver", "admin"])
async def test_leder_borgerraadgiver_and_admin_see_their_own_kommune(client, saved, username):
    response = await client.get("/api/v1/statistics", params=YEAR, headers=await as_api(client, username))
    assert response.status_code == 200, response.text
    r = response.json()
    assert (r["kommune"], r["received"], r["realitet"], r["formalitet"]) == ("0101", 3, 2, 1)
    assert r["genvurdering_outcomes"]["fuldt_medhold"] == 0  # kommune 0202's complaint is not counted
    assert r["omgoerelsesprocent"] == 50.0
    assert r["definitions"]["omgoerelsesprocent"].startswith("Ankestyrelsens omgørelsesprocent (R31)")


async def test_another_kommune_is_forbidden_and_the_own_one_may_be_named(client, saved):
    headers = await as_api(client, "leder")
    other = await client.get("/api/v1/statistics", params={**YEAR, "kommune": "0202"}, headers=headers)
    assert other.status_code == 403
    assert other.json()["detail_da"] == "Du kan kun se din egen kommunes statistik."
    own = await client.get("/api/v1/statistics", params={**YEAR, "kommune": "0101"}, headers=headers)
    assert own.status_code == 200 and own.json()["received"] == 3


async def test_a_unit_filter(client, saved):
    response = await client.get("/api/v1/statistics", params={**YEAR, "unit": "handicap"}, headers=await as_api(client, "leder"))
    r = response.json()
    assert (r["unit"], r["received"], r["ankestyrelsen_outcomes"]["hjemvist"], r["omgoerelsesprocent"]) == ("handicap", 1, 1, 100.0)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2025-13-01", "to": "2025-12-31"}, "from"),
        ({"from": "2025-01-01", "to": "31-12-2025"}, "to"),
        ({"from": "2025-01-01"}, "to"),
        ({"from": "2025-06-01", "to": "2025-05-31"}, "to"),
        ({"from": "0001-01-01", "to": "2025-05-31"}, "from"),
        ({**YEAR, "unit": "Handicap og psykiatri"}, "unit"),
        ({**YEAR, "kommune": "101"}, "kommune"),
        ({**YEAR, "format": "xlsx"}, "format"),
    ],
)
async def test_bad_parameters_are_422_naming_the_field(client, saved, params, field):
    response = await client.get("/api/v1/statistics", params=params, headers=await as_api(client, "leder"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_the_csv(client, saved):
    response = await client.get("/api/v1/statistics", params={**YEAR, "format": "csv"}, headers=await as_api(client, "borgerraadgiver"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="klagesag-statistik-0101-2025-01-01-2025-12-31.csv"'
    lines = list(csv.reader(io.StringIO(response.text)))
    assert tuple(lines[0]) == stats.CSV_HEADER
    values = {(f, g, m): v for f, g, m, v, _ in lines[1:]}
    assert (values[("realitet", "", "count")], values[("omgoerelsesprocent", "", "percent")]) == ("2", "50.0")
    assert values[("by_lovomraade", "barnets_lov", "realitet")] == "1"


# --- the page -------------------------------------------------------------------------------------------------


async def test_the_page_shows_each_chart_beside_its_table_and_links_the_csv(client, saved):
    await browser_login(client, "leder")
    page = await client.get("/statistik", params={"fra": "2025-01-01", "til": "2025-12-31"})
    assert page.status_code == 200
    html = page.text
    assert "<title>Statistik – klagesag</title>" in html
    assert 'href="/statistik" aria-current="page">Statistik</a>' in html
    assert '<span id="omgoerelsesprocent">50,0 %</span>' in html
    assert 'href="/api/v1/statistics?from=2025-01-01&amp;to=2025-12-31&amp;format=csv"' in html
    blocks = re.findall(r'<div class="chart-wrap">(.*?)\n</div>', html, flags=re.S)
    assert len(blocks) == 10
    for block in blocks:
        assert block.count('<svg class="chart" role="img"') == 1 and "<table" in block, block[:200]
    titles = re.findall(r'<title id="(chart-[a-z-]+)-title">', html)
    assert len(titles) == len(set(titles)) == 10  # each chart labelled by an id of its own
    # The tables carry the numbers: the unit table names the units, the law table the lovområder.
    assert '<th scope="row">Handicap og psykiatri</th><td>1</td><td>0</td><td>1</td>' in html
    assert '<th scope="row">Barnets lov</th>' in html
    assert "<script" not in html.split("</head>", 1)[1]  # nothing on the page needs JavaScript
    assert "K-1" not in html and "Test:" not in html  # counts, no cases


async def test_the_page_filters_by_unit_and_defaults_to_this_year(client, saved):
    await browser_login(client, "borgerraadgiver")
    page = await client.get("/statistik", params={"fra": "2025-01-01", "til": "2025-12-31", "enhed": "handicap"})
    assert '<option value="handicap" selected>Handicap og psykiatri</option>' in page.text
    assert "enhed Handicap og psykiatri" in page.text and "&amp;unit=handicap&amp;format=csv" in page.text
    default = await client.get("/statistik")  # the test clock says 2026-11-23
    assert 'name="fra" type="date" value="2026-01-01"' in default.text
    assert 'name="til" type="date" value="2026-11-23"' in default.text


async def test_a_bad_period_on_the_page_names_the_field(client, saved):
    await browser_login(client, "leder")
    page = await client.get("/statistik", params={"fra": "2025-06-01", "til": "2025-05-01"})
    assert page.status_code == 422
    assert 'id="til-fejl">Slutdatoen ligger før startdatoen.</p>' in page.text
    assert 'role="alert"' in page.text and "<svg" not in page.text


async def test_the_menu_links_the_page_for_leder_and_borgerraadgiver_only(client, saved):
    await browser_login(client, "borgerraadgiver")
    assert 'href="/statistik"' in (await client.get("/")).text
    client.cookies.clear()
    await browser_login(client, "sb-ydelse")
    assert 'href="/statistik"' not in (await client.get("/")).text
    refused = await client.get("/statistik")
    assert refused.status_code == 403
