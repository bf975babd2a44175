"""Reading cases over the API: lists scoped to the user's units, the case, the party and the letters
(each opening recorded in the access log), search by CPR, erasure, and the frist calculator."""

from __future__ import annotations

import httpx

from store.accounts import AccountStore
from tests.web.api_helpers import access_log_size, file_over_api, footprint, login
from tests.web.helpers import MovableClock
from tests.workflow.harness import Harness


async def test_lists_are_scoped_to_the_users_units(api: httpx.AsyncClient, harness: Harness, clock: MovableClock) -> None:
    sb = await login(api, "sb-ydelse")
    case = await file_over_api(api, harness, sb, clock.now.date())

    async def ids(headers, **params) -> list[str]:
        response = await api.get("/api/v1/cases", params=params, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["next_cursor"] is None
        return [row["case_id"] for row in response.json()["items"]]

    assert await ids(sb) == [case.id]
    assert await ids(sb, assignee="me") == [case.id]
    assert await ids(sb, phase="genvurdering") == [case.id]
    assert await ids(sb, phase="closed") == []
    assert await ids(sb, overdue="true") == []
    assert await ids(await login(api, "sb-handicap")) == []
    assert await ids(await login(api, "leder"), unit="ydelse") == [case.id]
    assert await ids(await login(api, "borgerraadgiver")) == [case.id]
    assert (await api.get("/api/v1/cases", headers=await login(api, "admin"))).status_code == 403
    assert (await api.get("/api/v1/cases", params={"unit": "handicap"}, headers=sb)).status_code == 403
    assert (await api.get("/api/v1/cases", params={"kommune": "0999"}, headers=sb)).status_code == 403
    bad = await api.get("/api/v1/cases", params={"stuck_days": "0"}, headers=sb)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "stuck_days"
    assert (await api.get("/api/v1/cases")).status_code == 401


async def test_showing_a_case_and_its_party_is_logged_and_refused_outside_scope(
    api: httpx.AsyncClient, harness: Harness, clock: MovableClock, accounts: AccountStore
) -> None:
    sb = await login(api, "sb-ydelse")
    case = await file_over_api(api, harness, sb, clock.now.date(), name="Karen Testborger")
    before = await footprint(case, accounts)
    other = await login(api, "sb-handicap")
    for path in ("", "/party", "/letters"):
        refused = await api.get(f"/api/v1/cases/{case.id}{path}", headers=other)
        assert refused.status_code == 403, refused.text
    assert (await api.get("/api/v1/cases/KS-0101-AAAAAAAAAAAAA", headers=sb)).status_code == 404
    assert await footprint(case, accounts) == before

    shown = await api.get(f"/api/v1/cases/{case.id}", headers=sb)
    assert shown.status_code == 200
    data = shown.json()
    assert data["phase"] == "genvurdering" and "genvurdering" in data["steps_for_you"]
    assert "Karen" not in shown.text  # the party's data only behind /party
    party = await api.get(f"/api/v1/cases/{case.id}/party", headers=sb)
    assert party.status_code == 200 and party.json()["name"] == "Karen Testborger"
    log = await accounts.access_log_for(case.id)
    assert [(e.username, e.purpose, e.what) for e in log[-2:]] == [("sb-ydelse", "api", "sag"), ("sb-ydelse", "api", "part")]


async def test_letters_as_the_citizen_got_them(
    api: httpx.AsyncClient, harness: Harness, clock: MovableClock, accounts: AccountStore
) -> None:
    sb = await login(api, "sb-ydelse")
    case = await file_over_api(api, harness, sb, clock.now.date(), name="Karen Testborger")
    listed = await api.get(f"/api/v1/cases/{case.id}/letters", headers=sb)
    assert listed.status_code == 200
    key = listed.json()[0]["key"]
    one = await api.get(f"/api/v1/cases/{case.id}/letters/{key}", headers=sb)
    assert one.status_code == 200
    assert one.json()["subject"] and "Karen Testborger" in one.json()["body"]
    missing = await api.get(f"/api/v1/cases/{case.id}/letters/nope", headers=sb)
    assert missing.status_code == 404 and missing.json()["title_da"] == "Brevet findes ikke"
    purposes = [e.purpose for e in await accounts.access_log_for(case.id)]
    assert purposes.count("letter") == 2


async def test_search_by_cpr_in_the_body_finds_only_cases_in_scope(
    api: httpx.AsyncClient, harness: Harness, clock: MovableClock, accounts: AccountStore, database_url: str
) -> None:
    sb = await login(api, "sb-ydelse")
    case = await file_over_api(api, harness, sb, clock.now.date(), cpr="0101901234")
    found = await api.post("/api/v1/cases/search", json={"cpr": "010190-1234"}, headers=sb)
    assert found.status_code == 200 and found.json() == {"case_ids": [case.id], "complete": True}
    assert [(e.purpose, e.what) for e in await accounts.access_log_for(case.id)][-1] == ("search", "søgning på cpr")
    by_ref = await api.post(
        "/api/v1/cases/search", json={"cpr": "0101901234", "decision_ref": (await case.view()).decision_ref}, headers=sb
    )
    assert by_ref.json() == {"case_ids": [case.id], "complete": True}
    outside = await api.post("/api/v1/cases/search", json={"cpr": "0101901234"}, headers=await login(api, "sb-handicap"))
    assert outside.status_code == 200 and outside.json() == {"case_ids": [], "complete": True}
    before = await access_log_size(database_url)
    bad = await api.post("/api/v1/cases/search", json={"cpr": "3213"}, headers=sb)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cpr"
    assert (await api.post("/api/v1/cases/search", json={"cpr": "0101901234"}, headers=await login(api, "admin"))).status_code == 403
    assert await access_log_size(database_url) == before


async def test_erasure_is_for_the_leder_and_refused_while_the_case_is_open(
    api: httpx.AsyncClient, harness: Harness, clock: MovableClock, accounts: AccountStore
) -> None:
    sb = await login(api, "sb-ydelse")
    case = await file_over_api(api, harness, sb, clock.now.date())
    before = await footprint(case, accounts)
    url = f"/api/v1/cases/{case.id}/erase"
    assert (await api.post(url, json={"reason": "Opbevaringsperioden er udløbet"}, headers=sb)).status_code == 403
    open_case = await api.post(url, json={"reason": "Opbevaringsperioden er udløbet"}, headers=await login(api, "leder"))
    assert open_case.status_code == 409 and "still" in open_case.json()["detail"]
    assert (await api.post(url, json={"reason": ""}, headers=await login(api, "leder"))).status_code == 422
    assert await footprint(case, accounts) == before
    assert (await harness.register.party(case.id)) is not None


async def test_erasure_after_the_retention_period(
    api: httpx.AsyncClient, harness: Harness, clock: MovableClock, accounts: AccountStore
) -> None:
    sb = await login(api, "sb-ydelse")
    case = await file_over_api(api, harness, sb, clock.now.date())
    withdrawn = await api.post(f"/api/v1/cases/{case.id}/steps/withdraw", json={"reason": "Borgeren trak klagen"}, headers=sb)
    assert withdrawn.status_code == 200, withdrawn.text
    await case.settled()
    clock.advance(days=harness.settings.retention_days + 1)
    leder = await login(api, "leder")
    shown = (await api.get(f"/api/v1/cases/{case.id}", headers=leder)).json()
    assert "Borgeren trak klagen" in [entry["reason"] for entry in shown["history"]]
    erased = await api.post(f"/api/v1/cases/{case.id}/erase", json={"reason": "Opbevaringsperioden er udløbet"}, headers=leder)
    assert erased.status_code == 200, erased.text
    assert erased.json() == {"case_id": case.id, "erased": True, "already_erased": False}
    party = await api.get(f"/api/v1/cases/{case.id}/party", headers=leder)
    assert party.status_code == 410
    # The caseworkers' reasons were sealed with the same key: the case reads on, its reasons "[slettet]".
    after = await api.get(f"/api/v1/cases/{case.id}", headers=leder)
    assert after.status_code == 200, after.text
    assert len(after.json()["history"]) == len(shown["history"])
    assert {entry["reason"] for entry in after.json()["history"]} == {"[slettet]"}


async def test_the_frist_calculator_explains_and_refuses_impossible_dates(api: httpx.AsyncClient) -> None:
    sb = await login(api, "sb-ydelse")
    ok = await api.post("/api/v1/frist", json={"received": "2025-03-03", "profile": "strict"}, headers=sb)
    assert ok.status_code == 200, ok.text
    kf = ok.json()["klagefrist"]
    assert kf["due"] == "2025-03-31" and kf["explanation"]
    assert ok.json()["genvurdering_due"] is None
    for body, named in [
        ({}, "received"),
        ({"received": "2025-03-03", "aktindsigt_answered": "2025-03-05"}, "aktindsigt_requested"),
        ({"received": "2025-03-10", "complaint_received": "2025-03-01"}, "complaint"),
        ({"received": "1800-01-01"}, "1800"),
        ({"received": "9999-12-31"}, "9999"),
        ({"received": "2025-02-30"}, "received"),
    ]:
        response = await api.post("/api/v1/frist", json=body, headers=sb)
        assert response.status_code == 422, (body, response.text)
        assert named in response.text and response.json()["title_da"]
    assert (await api.post("/api/v1/frist", json={"received": "2025-03-03"})).status_code == 401
