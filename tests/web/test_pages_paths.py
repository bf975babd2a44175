"""Ny klage with the paths of issue 8 (a misdirected "klage følger" about two decisions, a børne- og
ungeudvalg decision, the borgerrådgiver's limits) and the representative step on the case page, against
the real workflow, without a browser."""

from __future__ import annotations

from datetime import timedelta

from domain.models import FilingReceipt
from tests.web.helpers import form_csrf
from tests.web.pages import harness, logged_in, pages_app  # noqa: F401 - fixtures
from tests.web.test_pages_filing_and_management import complaint_form
from tests.workflow.harness import Case, Harness, a_cpr


async def _filed(harness: Harness, response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text
    case_id = response.headers["location"].removeprefix("/sager/")
    harness.case_ids.add(case_id)
    return case_id


async def test_the_form_offers_the_new_filing_fields(logged_in) -> None:  # type: ignore[no-untyped-def]
    page = (await (await logged_in("sb-ydelse")).get("/ny-klage")).text
    for name in ("misdirected_via", "first_received", "placeholder", "boerne_og_ungeudvalg", "other_decisions",
                 "outside_borgerraadgiver"):
        assert f'name="{name}"' in page, name


async def test_a_misdirected_placeholder_about_two_decisions_files_two_linked_cases(harness: Harness, logged_in) -> None:  # type: ignore[no-untyped-def]
    client = await logged_in("sb-ydelse")
    token = form_csrf((await client.get("/ny-klage")).text)
    today = await harness.today()
    form = complaint_form(
        token, today, action="gem", cpr=a_cpr(), decision_ref="AFG-VEJE", idempotency="ny-klage-veje",
        misdirected_via="ankestyrelsen", first_received=(today - timedelta(days=3)).isoformat(), placeholder="on",
        other_decisions=f"AFG-VEJE-2 {(today - timedelta(days=5)).isoformat()}\n",
    )
    case_id = await _filed(harness, await client.post("/ny-klage", data=form))
    view = await Case(harness, FilingReceipt(case_id=case_id, duplicate=False, phase="received", round=1)).settled()
    assert view.phase == "awaiting_substance" and view.placeholder
    assert view.misdirected is not None and view.misdirected.via == "ankestyrelsen"
    [other_id] = view.linked_cases
    harness.case_ids.add(other_id)
    other = await harness.settle(other_id)
    assert (other.decision_ref, other.linked_cases) == ("AFG-VEJE-2", [case_id])
    page = (await client.get(f"/sager/{case_id}")).text
    assert "Uddybning af klagen modtaget" in page  # the step the phase waits for is offered
    assert f'<a href="/sager/{other_id}">' in page and "til juridisk gennemgang" in page


async def test_a_boerne_og_ungeudvalg_decision_is_filed_straight_to_ankestyrelsen(harness: Harness, logged_in) -> None:  # type: ignore[no-untyped-def]
    client = await logged_in("sb-ydelse")
    token = form_csrf((await client.get("/ny-klage")).text)
    form = complaint_form(token, await harness.today(), action="gem", cpr=a_cpr(), decision_ref="AFG-UDVALG",
                          idempotency="ny-klage-udvalg", boerne_og_ungeudvalg="on")
    case_id = await _filed(harness, await client.post("/ny-klage", data=form))
    view = await harness.settle(case_id)
    assert (view.phase, view.boerne_og_ungeudvalg) == ("forwarded", True)


async def test_a_complaint_the_borgerraadgiver_cannot_take_keeps_the_form_and_names_the_route(
    harness: Harness, logged_in  # type: ignore[no-untyped-def]
) -> None:
    client = await logged_in("sb-ydelse")
    token = form_csrf((await client.get("/ny-klage")).text)
    form = complaint_form(token, await harness.today(), action="gem", cpr=a_cpr(), idempotency="ny-klage-br",
                          klaget_til="borgerraadgiver", outside_borgerraadgiver="personalesag")
    refused = await client.post("/ny-klage", data=form)
    assert refused.status_code == 422
    assert "Klagen blev ikke gemt" in refused.text and "direktør" in refused.text
    assert (await harness.register.list_cases(kommune=None)).rows == []


async def test_a_new_representative_from_the_case_page_gets_the_next_letter(harness: Harness, logged_in) -> None:  # type: ignore[no-untyped-def]
    case = await harness.file(unit="ydelse", assignee="sb-ydelse")
    client = await logged_in("sb-ydelse")
    page = (await client.get(f"/sager/{case.id}")).text
    assert 'id="representative-changed-has_fuldmagt" name="has_fuldmagt" type="checkbox" value="true"' in page
    taken = await client.post(
        f"/sager/{case.id}/skridt/representative-changed",
        data={"csrf_token": form_csrf(page), "reason": "Borgeren har fået en advokat", "kind": "professional",
              "representative_name": "Advokat Webside", "has_fuldmagt": "true"},
    )
    assert taken.status_code == 303, taken.text
    await case.settled()
    letter = (await harness.register.letters_for(case.id))[-1]
    assert (letter.kind, letter.body.split("\n")[0]) == ("repraesentant_aendret", "Kære Advokat Webside")
    assert "Advokat Webside" in (await client.get(f"/sager/{case.id}")).text
    assert (await case.view()).representative.has_fuldmagt  # the ticked box reached the case
