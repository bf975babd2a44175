"""The case API against a real worker and PostgreSQL: filing, steps, reassignment, and the refusals
that must change nothing."""

from __future__ import annotations

import httpx

from store.accounts import AccountStore
from tests.web.api_helpers import access_log_size, file_over_api, filing_body, footprint, login
from tests.web.helpers import MovableClock
from domain.models import FilingReceipt
from tests.workflow.harness import Case, Harness

PROBLEM = "application/problem+json"


async def test_filing_records_the_user_as_actor_and_owner_and_a_retry_is_applied_once(
    api: httpx.AsyncClient, harness: Harness, clock: MovableClock
) -> None:
    sb = await login(api, "sb-ydelse")
    body = filing_body(harness, clock.now.date())
    key = {"Idempotency-Key": "filing-1"}
    first = await api.post("/api/v1/cases", json=body, headers={**sb, **key})
    assert first.status_code == 201, first.text
    case_id = first.json()["case_id"]
    harness.case_ids.add(case_id)
    again = await api.post("/api/v1/cases", json=body, headers={**sb, **key})
    assert again.status_code == 201 and again.json() == first.json()
    assert first.json()["duplicate"] is False

    view = await harness.client.get_workflow_handle(case_id).query("view")
    filings = [h for h in view["history"] if h["actor"] == "sb-ydelse"]
    assert len(filings) == 1  # the retry was not a second filing
    await Case(harness, FilingReceipt.model_validate(first.json())).settled()
    stored = await harness.register.case_view(case_id)
    assert stored is not None and (stored.unit, stored.assignee) == ("ydelse", "sb-ydelse")


async def test_filing_refusals_name_the_field_and_change_nothing(
    api: httpx.AsyncClient, harness: Harness, clock: MovableClock, database_url: str
) -> None:
    sb = await login(api, "sb-ydelse")
    today = clock.now.date()
    before = await access_log_size(database_url)
    cases = [
        (filing_body(harness, today, cpr="123"), sb, 422, "cpr"),
        (filing_body(harness, today, name=""), sb, 422, "name"),
        (filing_body(harness, today, actor="someone-else"), sb, 422, "actor"),
        (filing_body(harness, today, decision_sent=today.isoformat()), sb, 422, "decision_received"),
        (filing_body(harness, today, received="2026-13-01"), sb, 422, "received"),
        (filing_body(harness, today, received="2090-01-01"), sb, 422, "future"),
        (filing_body(harness, today, unit="handicap"), sb, 403, "units"),
        (filing_body(harness, today, klaget_til="det_sociale_naevn"), sb, 422, "R61"),
        (filing_body(harness, today, klagepunkter=[{"track": "formalitet"}]), sb, 422, "category"),
        (filing_body(harness, today, law="aktivloven"), sb, 422, "law"),
        (filing_body(harness, today), await login(api, "admin"), 403, "roles"),
        (filing_body(harness, today), {}, 401, "Log in"),
    ]
    for body, headers, status, named in cases:
        response = await api.post("/api/v1/cases", json=body, headers=headers)
        assert response.status_code == status, (body, response.text)
        assert response.headers["content-type"] == PROBLEM
        problem = response.json()
        assert named in response.text, problem
        assert problem["title_da"] and problem["title"]
    assert (await harness.register.list_cases(kommune=None)).rows == []
    assert await access_log_size(database_url) == before


async def test_a_step_is_taken_once_with_the_user_as_actor(
    api: httpx.AsyncClient, harness: Harness, clock: MovableClock, accounts: AccountStore
) -> None:
    sb = await login(api, "sb-ydelse")
    case = await file_over_api(api, harness, sb, clock.now.date())
    url = f"/api/v1/cases/{case.id}/steps/aktindsigt-requested"
    key = {"Idempotency-Key": "step-1"}
    first = await api.post(url, json={"reason": "Borgeren bad om aktindsigt."}, headers={**sb, **key})
    assert first.status_code == 200, first.text
    assert first.json()["phase"] == "aktindsigt"
    after_first = await footprint(case, accounts)
    again = await api.post(url, json={"reason": "Borgeren bad om aktindsigt."}, headers={**sb, **key})
    assert again.status_code == 200 and again.json() == first.json()
    history, *_ = await footprint(case, accounts)
    assert history == after_first[0]  # not applied a second time
    view = await case.view()
    assert view.history[-1].actor == "sb-ydelse"


async def test_step_refusals_leave_history_read_model_letters_and_access_log_unchanged(
    api: httpx.AsyncClient, harness: Harness, clock: MovableClock, accounts: AccountStore
) -> None:
    sb = await login(api, "sb-ydelse")
    case = await file_over_api(api, harness, sb, clock.now.date())
    other = await login(api, "sb-handicap")
    br = await login(api, "borgerraadgiver")
    base = f"/api/v1/cases/{case.id}/steps"
    before = await footprint(case, accounts)
    refusals = [
        (f"{base}/no-such-step", {"reason": "Testgrund"}, sb, 404, "unknown-step"),
        (f"{base}/genvurdering", {"result": "fastholdt", "reason": "Testgrund"}, other, 403, "forbidden"),
        (f"{base}/genvurdering", {"result": "fastholdt", "reason": "Testgrund"}, br, 403, "forbidden"),
        (f"{base}/ankestyrelsen-outcome", {"outcome": "stadfaestet", "reason": "Testgrund"}, sb, 409, "step-refused"),
        (f"{base}/genvurdering", {"result": "maybe", "reason": "Testgrund"}, sb, 422, "invalid-input"),
        (f"{base}/genvurdering", {"result": "fastholdt", "reason": "Testgrund", "actor": "sb-handicap"}, sb, 422, "validation"),
        (f"{base}/genvurdering", {"result": "fastholdt", "reason": "Testgrund", "colour": "red"}, sb, 422, "invalid-input"),
        (f"{base}/genvurdering", {"result": "fastholdt", "reason": "Testgrund"}, {}, 401, "not-authenticated"),
        ("/api/v1/cases/KS-0101-AAAAAAAAAAAAA/steps/withdraw", {"reason": "Testgrund"}, sb, 404, "case-not-found"),
        ("/api/v1/cases/not-a-case/steps/withdraw", {"reason": "Testgrund"}, sb, 422, "validation"),
    ]
    for url, body, headers, status, slug in refusals:
        response = await api.post(url, json=body, headers=headers)
        assert response.status_code == status, (url, body, response.text)
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"].endswith(slug), response.text
    assert await footprint(case, accounts) == before


async def test_a_refusal_by_the_law_names_the_rule_in_english_and_danish(
    api: httpx.AsyncClient, harness: Harness, clock: MovableClock
) -> None:
    sb = await login(api, "sb-ydelse")
    case = await file_over_api(api, harness, sb, clock.now.date())
    response = await api.post(
        f"/api/v1/cases/{case.id}/steps/ankestyrelsen-outcome", json={"outcome": "hjemvist", "reason": "Testgrund"}, headers=sb
    )
    assert response.status_code == 409
    problem = response.json()
    assert "at_ankestyrelsen" in problem["detail"]  # the rule: the phase it needs
    assert problem["title_da"] == "Skridtet er ikke tilladt nu" and "uændret" in problem["detail_da"]


async def test_the_borgerraadgiver_escalates_but_takes_no_other_step(
    api: httpx.AsyncClient, harness: Harness, clock: MovableClock
) -> None:
    case = await file_over_api(api, harness, await login(api, "sb-ydelse"), clock.now.date())
    br = await login(api, "borgerraadgiver")
    response = await api.post(
        f"/api/v1/cases/{case.id}/steps/escalate", json={"route": "leder", "reason": "Borgeren bad om det."}, headers=br
    )
    assert response.status_code == 200, response.text
    await case.settled()
    assert [e["actor"] for e in await harness.register.escalations_for(case.id)] == ["borgerraadgiver"]


async def test_a_leder_reassigns_in_bulk_with_an_answer_per_case(
    api: httpx.AsyncClient, harness: Harness, clock: MovableClock
) -> None:
    sb = await login(api, "sb-ydelse")
    leder = await login(api, "leder")
    one = await file_over_api(api, harness, sb, clock.now.date())
    two = await file_over_api(api, harness, sb, clock.now.date())
    missing = "KS-0101-AAAAAAAAAAAAA"
    body = {"case_ids": [one.id, two.id, missing], "unit": "handicap", "assignee": "sb-handicap", "reason": "Omfordeling"}
    response = await api.post("/api/v1/cases/reassign", json=body, headers={**leder, "Idempotency-Key": "batch-1"})
    assert response.status_code == 200, response.text
    results = {r["case_id"]: r for r in response.json()["results"]}
    assert results[one.id]["ok"] and results[two.id]["ok"] and not results[missing]["ok"]
    for case in (one, two):
        await case.settled()
        stored = await harness.register.case_view(case.id)
        assert stored is not None and (stored.unit, stored.assignee) == ("handicap", "sb-handicap")
    history = len((await one.view()).history)
    again = await api.post("/api/v1/cases/reassign", json=body, headers={**leder, "Idempotency-Key": "batch-1"})
    assert again.status_code == 200 and len((await one.view()).history) == history

    refused = await api.post("/api/v1/cases/reassign", json=body, headers=sb)
    assert refused.status_code == 403
    elsewhere = await api.post("/api/v1/cases/reassign", json={**body, "unit": "andet"}, headers=leder)
    assert elsewhere.status_code == 403


async def test_the_owner_comes_from_the_filer_or_from_the_areas_unit(
    api: httpx.AsyncClient, harness: Harness, clock: MovableClock
) -> None:
    today = clock.now.date()
    # The leder of both units files about serviceloven: the unit that handles it, nobody assigned yet.
    by_leder = await file_over_api(api, harness, await login(api, "leder"), today, area="Serviceloven § 83")
    # The borgerrådgiver has no unit: the complaint goes to the unit of its area.
    br = await login(api, "borgerraadgiver")
    by_br = await file_over_api(api, harness, br, today, area="lov om aktiv socialpolitik § 34")
    for case, owner in ((by_leder, ("handicap", None)), (by_br, ("ydelse", None))):
        stored = await harness.register.case_view(case.id)
        assert stored is not None and (stored.unit, stored.assignee) == owner

    unknown = await api.post("/api/v1/cases", json=filing_body(harness, today, area="byggeloven § 16"), headers=br)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "unit"
    assert len((await harness.register.list_cases(kommune=None)).rows) == 2


async def test_filing_registers_klagepunkter_klaget_til_and_the_law_for_the_statistics(
    api: httpx.AsyncClient, harness: Harness, clock: MovableClock
) -> None:
    sb = await login(api, "sb-ydelse")
    case = await file_over_api(
        api, harness, sb, clock.now.date(),
        area="SEL § 83 stk. 1",
        klaget_til="myndighedscenter",
        unit_complained_about="ydelse",
        klagepunkter=[
            {"track": "realitet"},
            {"track": "formalitet", "category": "sagsbehandlingstid"},
            {"track": "formalitet", "category": "optraeden", "source": "appeal"},
        ],
    )  # fmt: skip
    shown = await api.get(f"/api/v1/cases/{case.id}", headers=sb)
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert (body["klaget_til"], body["unit_complained_about"], body["law"], body["paragraph"]) == (
        "myndighedscenter", "ydelse", "serviceloven", "83",
    )  # fmt: skip
    assert [(p["number"], p["track"], p["category"], p["source"]) for p in body["klagepunkter"]] == [
        (1, "realitet", None, "filing"),
        (2, "formalitet", "sagsbehandlingstid", "filing"),
        (3, "formalitet", "optraeden", "appeal"),
    ]
    assert body["phase"] == "genvurdering" and body["formal_stage"] == "first_level"
    step = await api.post(
        f"/api/v1/cases/{case.id}/steps/klagepunkt-decided",
        json={"point": 3, "outcome": "beklagelse", "reason": "Tonen var ikke i orden"}, headers=sb,
    )  # fmt: skip
    assert step.status_code == 200, step.text
    assert "servicemaal" in step.json()["deadlines"]


async def test_a_complaint_about_two_decisions_files_two_linked_cases_over_the_api(
    api: httpx.AsyncClient, harness: Harness, clock: MovableClock
) -> None:
    sb = await login(api, "sb-ydelse")
    today = clock.now.date()
    body = {
        **filing_body(harness, today),
        "misdirected_via": "anden_myndighed",
        "first_received": today.isoformat(),
        "other_decisions": [{"decision_ref": "API-ANDEN", "decision_received": today.isoformat()}],
    }
    response = await api.post("/api/v1/cases", json=body, headers={**sb, "Idempotency-Key": "filing-linked"})
    assert response.status_code == 201, response.text
    receipt = FilingReceipt.model_validate(response.json())
    harness.case_ids.update([receipt.case_id, *receipt.linked_cases])
    [other_id] = receipt.linked_cases
    first = await Case(harness, receipt).settled()
    assert first.linked_cases == [other_id] and first.misdirected is not None
    assert (await harness.settle(other_id)).linked_cases == [receipt.case_id]
