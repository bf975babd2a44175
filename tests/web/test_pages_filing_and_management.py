"""Ny klage (the klagefrist check and filing), the frist calculator, and the leder's page with bulk
reassignment, against the real workflow."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.web.helpers import MovableClock, form_csrf
from tests.web.pages import harness, logged_in, pages_app  # noqa: F401 - fixtures
from domain.models import FilingReceipt
from tests.workflow.harness import Case, Harness, a_cpr


def complaint_form(token: str, today, **overrides) -> dict[str, str]:
    form = {
        "csrf_token": token, "cpr": "0101901234", "name": "Ole Borger", "channel": "written",
        "received": today.isoformat(), "kind": "realitet", "area": "serviceloven § 83",
        "text": "Jeg klager over afslaget.", "decision_ref": "AFG-77", "klagevejledning": "on",
        "decision_received": (today - timedelta(days=12)).isoformat(), "decision_delivery": "digital_post",
        "idempotency": "ny-klage-test-1",
    }
    form.update(overrides)
    return form


async def test_the_klagefrist_check_saves_nothing_and_filing_opens_the_case(harness: Harness, logged_in):
    client = await logged_in("sb-ydelse")
    token = form_csrf((await client.get("/ny-klage")).text)
    today = await harness.today()

    checked = await client.post("/ny-klage", data=complaint_form(token, today, action="tjek"))
    assert checked.status_code == 200
    assert "Klagefrist senest" in checked.text and "inden for klagefristen" in checked.text
    assert 'value="Ole Borger"' in checked.text  # typed values kept
    assert (await harness.register.list_cases(kommune=None)).rows == []

    filed = await client.post("/ny-klage", data=complaint_form(token, today, action="gem"))
    assert filed.status_code == 303
    case_id = filed.headers["location"].removeprefix("/sager/")
    harness.case_ids.add(case_id)
    assert "0101901234" not in filed.headers["location"]
    view = await harness.register.case_view(case_id)  # the redirect waited for the read model
    assert (view.unit, view.assignee) == ("ydelse", "sb-ydelse")


async def test_a_refused_filing_keeps_the_form(logged_in, harness: Harness):
    client = await logged_in("sb-ydelse")
    token = form_csrf((await client.get("/ny-klage")).text)
    refused = await client.post("/ny-klage", data=complaint_form(token, await harness.today(), cpr="12345", action="gem"))

    assert refused.status_code == 422
    assert "Klagen blev ikke gemt" in refused.text and "cpr" in refused.text
    assert 'value="Ole Borger"' in refused.text
    assert "<title>Ny klage" in refused.text and "12345 –" not in refused.text


async def test_frist_calculator(logged_in):
    page = await (await logged_in("sb-ydelse")).get("/frist", params={"sendt": "2026-03-02", "levering": "post", "klage": "2026-03-20"})
    assert page.status_code == 200
    assert "Formodet modtagelse" in page.text and "Klagefrist senest" in page.text


async def test_leder_page_and_bulk_reassignment(harness: Harness, logged_in, clock: MovableClock):
    moved = await harness.file(unit="ydelse", assignee="sb-ydelse")
    stays = await harness.file(unit="handicap", assignee="sb-handicap")
    clock.advance(days=20)
    leder = await logged_in("leder")

    page = await leder.get("/ledelse")
    assert page.status_code == 200
    assert "<svg" in page.text and "Sager pr. fase" in page.text
    assert moved.id in page.text and stays.id in page.text
    stuck_section = page.text.split("Sager uden skridt i 14 dage")[1].split("Fordel sager")[0]
    assert moved.id in stuck_section  # no step for 20 days

    token = form_csrf(page.text)
    done = await leder.post("/ledelse/fordel", data={
        "csrf_token": token, "sag": [moved.id, "KS-0101-AAAAAAAAAAAAA"],
        "unit": "handicap", "assignee": "sb-handicap", "reason": "Ferie i Ydelser",
    })
    assert done.status_code == 200
    result = done.text.split('id="resultat"')[1].split("</table>")[0]
    assert re.search(rf"{moved.id}</th><td>Fordelt", result)
    assert re.search(r"KS-0101-AAAAAAAAAAAAA</th><td>Afvist</td><td>Sagen er ikke åben", result)
    await moved.settled()
    view = await harness.register.case_view(moved.id)
    assert (view.unit, view.assignee) == ("handicap", "sb-handicap")
    assert view.history[-1].reason == "Ferie i Ydelser" and view.history[-1].actor == "leder"


async def test_reassignment_needs_a_reason_and_the_leder_role(harness: Harness, logged_in):
    case = await harness.file(unit="ydelse", assignee="sb-ydelse")
    leder = await logged_in("leder")
    token = form_csrf((await leder.get("/ledelse")).text)
    refused = await leder.post("/ledelse/fordel", data={"csrf_token": token, "sag": case.id, "unit": "handicap", "reason": " "})
    caseworker = await (await logged_in("sb-ydelse")).get("/ledelse")

    assert refused.status_code == 422 and "Skriv en begrundelse" in refused.text
    assert (await harness.register.case_view(case.id)).unit == "ydelse"
    assert caseworker.status_code == 403


async def test_ny_klage_files_the_checked_formal_points_and_the_registration(harness: Harness, logged_in):
    client = await logged_in("sb-ydelse")
    page = await client.get("/ny-klage")
    assert 'name="formal_category" value="partshoering"' in page.text and 'name="klaget_til"' in page.text
    assert "det_sociale_naevn" not in page.text  # history only (R61)
    token = form_csrf(page.text)
    form = complaint_form(token, await harness.today(), action="gem", klaget_til="borgerraadgiver",
                          idempotency="ny-klage-test-punkter", cpr=a_cpr(), decision_ref="AFG-PUNKTER")
    filed = await client.post("/ny-klage", data={**form, "formal_category": ["partshoering", "sprogbrug"]})
    assert filed.status_code == 303, filed.text
    case_id = filed.headers["location"].removeprefix("/sager/")
    harness.case_ids.add(case_id)
    view = await harness.register.case_view(case_id)
    assert [(p.track, p.category) for p in view.klagepunkter] == [
        ("realitet", None), ("formalitet", "partshoering"), ("formalitet", "sprogbrug"),
    ]
    assert (view.klaget_til, view.law, view.paragraph) == ("borgerraadgiver", "serviceloven", "83")
    await Case(harness, FilingReceipt(case_id=case_id, duplicate=False, phase=view.phase, round=1)).settled()
