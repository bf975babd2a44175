"""The case page against real cases: forms by phase, a refused step (409, typed values kept, nothing
changed), steps taken, access by unit, escaping, CSRF, letters and the access log."""

from __future__ import annotations

import pytest

from casework import operations
from domain.errors import Refused
from tests.web.helpers import form_csrf
from tests.web.pages import harness, logged_in, pages_app  # noqa: F401 - fixtures
from tests.workflow.harness import Harness

OWNER = {"unit": "ydelse", "assignee": "sb-ydelse"}


async def test_case_page_offers_the_phase_forms_and_shows_deadlines(harness: Harness, logged_in):
    case = await harness.file(**OWNER)
    page = await (await logged_in("sb-ydelse")).get(f"/sager/{case.id}")

    assert page.status_code == 200
    assert 'action="/sager/%s/skridt/genvurdering"' % case.id in page.text
    assert "skridt/ankestyrelsen-received" not in page.text  # not in this phase
    assert "Genvurdering senest" in page.text and "Runde 1" in page.text
    assert "Klage registreret" in page.text
    assert "Karen Testborger" not in page.text  # the party's name is not needed here


async def test_refused_step_keeps_what_was_typed_and_shows_the_rule(harness: Harness, logged_in):
    case = await harness.file(**OWNER)
    before = await harness.register.case_view(case.id)
    with pytest.raises(Refused) as expected:  # the rule's own words, for comparing with the page
        await operations.take_step(harness.client, case.id, "escalate",
                                   {"route": "ombudsmand", "actor": "x", "reason": "Borgeren vil til ombudsmanden"})
    client = await logged_in("sb-ydelse")
    token = form_csrf((await client.get(f"/sager/{case.id}")).text)

    refused = await client.post(f"/sager/{case.id}/skridt/escalate",
                                data={"csrf_token": token, "route": "ombudsmand", "reason": "Borgeren vil <til> ombudsmanden"})

    assert refused.status_code == 409
    assert "Skridtet blev afvist" in refused.text
    assert str(expected.value).replace("'", "&#39;") in refused.text
    assert "Borgeren vil &lt;til&gt; ombudsmanden</textarea>" in refused.text
    assert '<option value="ombudsmand" selected>' in refused.text
    after = await harness.register.case_view(case.id)
    assert (await case.view()).version == before.version and after.history == before.history


async def test_steps_through_the_page_reach_ankestyrelsen(harness: Harness, logged_in):
    case = await harness.file(**OWNER)
    client = await logged_in("sb-ydelse")
    for step, fields in [
        ("aktindsigt-requested", {}),
        ("aktindsigt-answered", {}),
        ("genvurdering", {"result": "fastholdt"}),
    ]:
        token = form_csrf((await client.get(f"/sager/{case.id}")).text)
        done = await client.post(f"/sager/{case.id}/skridt/{step}", data={"csrf_token": token, "reason": f"Trin {step}", **fields})
        assert done.status_code == 303, done.text
        await case.settled()

    page = await client.get(f"/sager/{case.id}")
    assert "Oversendt til Ankestyrelsen" in page.text
    assert "Trin genvurdering" in page.text and "sb-ydelse" in page.text
    letters = await harness.register.letters_for(case.id)
    letter = await client.get(f"/sager/{case.id}/breve/{letters[0].key}")
    assert letter.status_code == 200 and letters[0].subject in letter.text
    assert await _access_purposes(harness, case.id) >= {"page", "letter"}


async def test_another_units_caseworker_gets_ingen_adgang(harness: Harness, logged_in):
    case = await harness.file(**OWNER)
    other = await logged_in("sb-handicap")
    page = await other.get(f"/sager/{case.id}")
    token = form_csrf((await other.get("/")).text)
    step = await other.post(f"/sager/{case.id}/skridt/withdraw", data={"csrf_token": token, "reason": "Forsøg udefra"})

    assert page.status_code == 403 and "Ingen adgang" in page.text
    assert step.status_code == 403
    reader = await (await logged_in("borgerraadgiver")).get(f"/sager/{case.id}")
    assert reader.status_code == 200 and "skridt/withdraw" not in reader.text  # reads, acts on nothing


async def test_script_in_the_complaint_text_is_escaped(harness: Harness, logged_in):
    case = await harness.file(text="<script>alert('x')</script> Jeg klager.", **OWNER)
    page = await (await logged_in("sb-ydelse")).get(f"/sager/{case.id}")

    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Jeg klager." in page.text
    assert "<script>alert" not in page.text


async def test_a_step_without_the_csrf_token_is_refused(harness: Harness, logged_in):
    case = await harness.file(**OWNER)
    before = await case.view()
    response = await (await logged_in("sb-ydelse")).post(f"/sager/{case.id}/skridt/withdraw", data={"reason": "Uden token"})

    assert response.status_code == 403
    assert (await case.view()).version == before.version


async def _access_purposes(harness: Harness, case_id: str) -> set[str]:
    import asyncpg

    connection = await asyncpg.connect(harness.settings.database_url)
    try:
        return {r["purpose"] for r in await connection.fetch("SELECT purpose FROM access_log WHERE case_id = $1", case_id)}
    finally:
        await connection.close()


async def test_an_erased_case_page_shows_the_reasons_as_erased(harness: Harness, logged_in):
    from datetime import timedelta

    case = await harness.file(**OWNER)
    await case.step("withdraw", reason="Borgeren er indlagt og trækker klagen")
    await case.settled()
    client = await logged_in("leder")
    assert "Borgeren er indlagt" in (await client.get(f"/sager/{case.id}")).text
    later = await harness.now() + timedelta(days=harness.settings.retention_days + 1)
    await operations.erase_personal_data(
        harness.register, harness.settings, case.id, actor="dpo", reason="Opbevaringsperioden er udløbet", now=later
    )

    page = await client.get(f"/sager/{case.id}")

    assert page.status_code == 200
    assert "Borgeren er indlagt" not in page.text and "[slettet]" in page.text


async def test_a_mixed_complaint_shows_its_klagepunkter_registration_and_the_formal_forms(harness: Harness, logged_in):
    case = await harness.file(
        klagepunkter=[{"track": "realitet"}, {"track": "formalitet", "category": "optraeden"}],
        klaget_til="borgmester", **OWNER,
    )
    page = await (await logged_in("sb-ydelse")).get(f"/sager/{case.id}")

    assert page.status_code == 200
    assert "personalets optræden" in page.text and "Ikke afgjort" in page.text
    assert "Borgmesteren" in page.text and "serviceloven § 83" in page.text
    assert "Servicemål for svar på klagen over sagsbehandlingen senest" in page.text
    for step in ("genvurdering", "klagepunkt-added", "klagepunkt-decided", "formal-answer", "formal-escalated"):
        assert f'action="/sager/{case.id}/skridt/{step}"' in page.text, step
    # An optional choice can be left empty; a required one cannot.
    assert '<select id="klagepunkt-added-category" name="category">\n      <option value="">' in page.text
    assert '<select id="klagepunkt-decided-outcome" name="outcome" required>\n      \n      <option value="kritik"' in page.text


async def test_the_formal_point_is_decided_and_answered_through_the_page(harness: Harness, logged_in):
    case = await harness.file(kind="formalitet", decision_received=None,
                              klagepunkter=[{"track": "formalitet", "category": "sagsbehandlingstid"}], **OWNER)
    client = await logged_in("sb-ydelse")
    page = await client.get(f"/sager/{case.id}")
    assert "skridt/genvurdering" not in page.text  # a formalitetsklage is not genvurderet
    for step, fields in [
        ("klagepunkt-decided", {"point": "1", "outcome": "beklagelse", "category": ""}),
        ("formal-answer", {"retsstilling": ""}),
    ]:
        token = form_csrf((await client.get(f"/sager/{case.id}")).text)
        done = await client.post(f"/sager/{case.id}/skridt/{step}", data={"csrf_token": token, "reason": f"Trin {step}", **fields})
        assert done.status_code == 303, done.text
        await case.settled()
    page = await client.get(f"/sager/{case.id}")
    assert "Afsluttet" in page.text and "Beklagelse (forvaltningen)" in page.text
    assert "Svar på din klage over sagsbehandlingen" in page.text  # the N14 letter


async def test_the_borgerraadgiver_takes_the_formal_steps_on_the_page_but_no_other(harness: Harness, logged_in):
    case = await harness.file(kind="formalitet", decision_received=None,
                              klagepunkter=[{"track": "formalitet", "category": "vejledning"}], **OWNER)
    await case.step("klagepunkt-decided", point=1, outcome="ikke_medhold")
    await case.step("formal-answer")
    client = await logged_in("borgerraadgiver")
    page = await client.get(f"/sager/{case.id}")
    assert "skridt/formal-escalated" in page.text and "skridt/withdraw" not in page.text
    token = form_csrf(page.text)
    done = await client.post(f"/sager/{case.id}/skridt/formal-escalated",
                             data={"csrf_token": token, "level": "borgerraadgiver", "reason": "Borgeren kom til os"})
    assert done.status_code == 303, done.text
    view = await case.settled()
    assert (view.phase, view.formal_level) == ("formal_escalated", "borgerraadgiver")
    refused = await client.post(f"/sager/{case.id}/skridt/withdraw", data={"csrf_token": token, "reason": "Ikke hendes skridt"})
    assert refused.status_code == 403
