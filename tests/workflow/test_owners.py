"""Every case has an owner: a unit and a sagsbehandler set at filing and moved by the `assign` step, in
the history and the read model; a leder's bulk reassignment answers for every case."""

from __future__ import annotations

import pytest

from casework import operations
from domain.errors import StepRefused
from domain.vocabulary import Phase
from tests.workflow.harness import Harness


async def test_the_owner_set_at_filing_is_in_the_read_model(harness: Harness) -> None:
    case = await harness.file(unit="ydelse", assignee="sb-ydelse")
    stored = await harness.register.case_view(case.id)
    assert stored is not None and (stored.unit, stored.assignee) == ("ydelse", "sb-ydelse")
    page = await operations.list_cases(harness.register, kommune=None, assignee="sb-ydelse", by_deadline=True)
    assert [row["case_id"] for row in page.rows] == [case.id]


async def test_assign_moves_the_case_and_records_who_why_and_from_whom(harness: Harness) -> None:
    case = await harness.file(unit="ydelse", assignee="sb-ydelse")
    await case.step("assign", unit="handicap", assignee="sb-handicap", actor="leder1", reason="Sagen hører til handicap")
    view = await case.settled()
    assert (view.unit, view.assignee, view.phase) == ("handicap", "sb-handicap", Phase.GENVURDERING)
    entry = view.history[-1]
    assert (entry.step, entry.actor, entry.reason) == ("assign", "leder1", "Sagen hører til handicap")
    assert entry.details == {"unit": "handicap", "from_unit": "ydelse", "assignee": "sb-handicap", "from_assignee": "sb-ydelse"}
    assert [r["case_id"] for r in (await operations.list_cases(harness.register, kommune=None, units=["handicap"])).rows] == [case.id]


async def test_assigning_the_same_owner_again_is_refused(harness: Harness) -> None:
    case = await harness.file(unit="ydelse", assignee="sb-ydelse")
    with pytest.raises(StepRefused, match="already has this owner"):
        await case.step("assign", unit="ydelse", assignee="sb-ydelse")


async def test_bulk_reassignment_answers_for_every_case_and_applies_a_retry_once(harness: Harness) -> None:
    open_case = await harness.file(unit="ydelse")
    closed_case = await harness.file(unit="ydelse")
    await closed_case.step("genvurdering", result="fuldt_medhold")
    ids = [open_case.id, closed_case.id]
    fields = dict(unit="handicap", assignee="sb-handicap", actor="leder1", reason="Omfordeling ved ferie", batch_id="b-1")
    answers = await operations.reassign_many(harness.client, ids, **fields)
    assert [(a.case_id, a.ok) for a in answers] == [(open_case.id, True), (closed_case.id, False)]
    assert "closed" in (answers[1].error or "")
    again = await operations.reassign_many(harness.client, ids, **fields)
    assert [a.ok for a in again] == [True, False]
    view = await open_case.settled()
    assert [h.step for h in view.history].count("assign") == 1
