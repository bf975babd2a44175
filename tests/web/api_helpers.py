"""Helpers for the API tests: log in as a demo user, file a complaint over HTTP, and take a footprint of
everything a refused request must leave unchanged."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import httpx

from domain.models import FilingReceipt
from store.accounts import AccountStore
from tests.web.helpers import api_token, bearer
from tests.workflow.harness import Case, Harness, a_cpr
from tests.workflow.test_refusals import _quiet_history_length


async def login(api: httpx.AsyncClient, username: str) -> dict[str, str]:
    return bearer(await api_token(api, username))


def filing_body(harness: Harness, today, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = dict(
        cpr=a_cpr(),
        name="Karen Testborger",
        decision_ref=f"SAG-{uuid.uuid4().hex[:8]}",
        decision_received=(today - timedelta(days=10)).isoformat(),
        received=today.isoformat(),
        channel="written",
        area="serviceloven § 83",
        kind="realitet",
        text="Jeg klager over afgørelsen om hjemmehjælp.",
    )
    body.update(overrides)
    return body


async def file_over_api(api: httpx.AsyncClient, harness: Harness, headers: dict[str, str], today, **overrides: Any) -> Case:
    response = await api.post("/api/v1/cases", json=filing_body(harness, today, **overrides), headers=headers)
    assert response.status_code == 201, response.text
    harness.case_ids.add(response.json()["case_id"])  # terminated when the test ends
    case = Case(harness, FilingReceipt.model_validate(response.json()))
    await case.settled()
    return case


async def access_log_size(database_url: str) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        return await conn.fetchval("SELECT count(*) FROM access_log")
    finally:
        await conn.close()


async def footprint(case: Case, accounts: AccountStore) -> tuple[Any, ...]:
    """What a refused request must not change: the workflow history, the read model, the letters and
    the access log of the case."""
    await case.settled()
    stored = await case.harness.register.case_view(case.id)
    assert stored is not None
    return (
        await _quiet_history_length(case),
        stored.model_dump_json(),
        [letter.key for letter in await case.harness.register.letters_for(case.id)],
        len(await accounts.access_log_for(case.id)),
    )
