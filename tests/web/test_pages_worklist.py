"""Min arbejdsliste against real cases: order by the next deadline, colours and markers under the app's
clock, filters, and the case-id search."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.web.helpers import MovableClock
from tests.web.pages import harness, logged_in, pages_app  # noqa: F401 - fixtures
from tests.workflow.harness import Harness

OWNER = {"unit": "ydelse", "assignee": "sb-ydelse"}


def rows(html: str) -> list[tuple[str, str]]:
    """(urgency class, case id) of each worklist row, in order."""
    return re.findall(r'<tr class="row--(\w+)" data-case="([^"]+)"', html)


async def test_worklist_orders_by_deadline_and_marks_soon_and_overdue(harness: Harness, logged_in, clock: MovableClock):
    first = await harness.file(**OWNER)
    await harness.advance(10)
    second = await harness.file(**OWNER)
    await harness.advance(10)
    third = await harness.file(**OWNER)
    elsewhere = await harness.file(unit="handicap", assignee="sb-handicap")
    due = (await harness.register.case_view(second.id)).next_deadline_at
    clock.now = due - timedelta(days=2)  # first's deadline has passed, second's is 2 days off, third's far

    page = await (await logged_in("sb-ydelse")).get("/")

    assert page.status_code == 200
    assert rows(page.text) == [("overdue", first.id), ("soon", second.id), ("ok", third.id)]
    assert elsewhere.id not in page.text
    assert "Fristen er overskredet" in page.text and "Fristen er tæt på" in page.text  # not colour alone
    assert re.search(r"Genvurdering senest \w+dag \d+\. \w+ 20\d\d", page.text)


async def test_leder_sees_their_units_and_filters_by_unit(harness: Harness, logged_in):
    ydelse = await harness.file(**OWNER)
    handicap = await harness.file(unit="handicap", assignee="sb-handicap")
    leder = await logged_in("leder")

    everything = {case for _, case in rows((await leder.get("/")).text)}
    only_handicap = {case for _, case in rows((await leder.get("/", params={"enhed": "handicap"})).text)}

    assert {ydelse.id, handicap.id} <= everything
    assert only_handicap == {handicap.id}


async def test_an_exact_case_id_goes_to_the_case(harness: Harness, logged_in):
    case = await harness.file(**OWNER)
    client = await logged_in("sb-ydelse")

    found = await client.get("/", params={"sag": case.id.lower()})
    missed = await client.get("/", params={"sag": "KS-nonsense"})

    assert found.status_code == 303 and found.headers["location"] == f"/sager/{case.id}"
    assert missed.status_code == 200 and "er ikke et sagsnummer" in missed.text


async def test_the_worklist_filters_by_lovomraade_and_round(harness: Harness, logged_in):
    service = await harness.file(area="serviceloven § 83", **OWNER)
    aktiv = await harness.file(area="aktivloven § 34", **OWNER)
    client = await logged_in("sb-ydelse")

    def shown(params: dict[str, str]):
        async def get():
            return {case for _, case in rows((await client.get("/", params=params)).text)}
        return get()

    assert {service.id, aktiv.id} <= await shown({})
    assert await shown({"omraade": "aktivloven"}) == {aktiv.id}
    assert await shown({"omraade": "serviceloven", "runde": "1"}) == {service.id}
    assert await shown({"runde": "2"}) == set()  # both are in their first round
