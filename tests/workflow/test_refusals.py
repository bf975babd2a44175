"""Bad input gets a clear error and changes nothing: not the workflow history, not the database."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError

from casework import operations
from domain.errors import CaseNotFound, Refused as CaseworkError
from tests.workflow.harness import Case, Harness


WORKFLOW_TASK_EVENTS = {
    EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
}


async def _footprint(case: Case) -> tuple[int, int, int, int]:
    """What a refused step must not change: history events, read-model version, letters, escalations.

    The time-skipping server records the workflow task that ran the validator (a real server drops such
    a speculative task); no update, activity or timer event may appear.
    """
    await case.settled()
    events = await _quiet_history_length(case)
    stored = await case.harness.register.case_view(case.id)
    assert stored is not None
    letters = len(await case.harness.register.letters_for(case.id))
    escalations = len(await case.harness.register.escalations_for(case.id))
    return events, stored.version, letters, escalations


async def _quiet_history_length(case: Case) -> int:
    """The number of non-workflow-task events once the workflow has finished its current task (the read
    model is written before the search-attribute upsert and the next timer reach history)."""
    last = -1
    for _ in range(100):
        history = await case.handle.fetch_history()
        count = sum(1 for event in history.events if event.event_type not in WORKFLOW_TASK_EVENTS)
        if count == last:
            return count
        last = count
        await asyncio.sleep(0.1)
    raise AssertionError("the workflow history did not come to rest")


async def _refused(case: Case, step: str, **fields: Any) -> str:
    before = await _footprint(case)
    with pytest.raises(CaseworkError) as refused:
        await case.step(step, **fields)
    assert await _footprint(case) == before
    return str(refused.value)


async def test_a_step_in_the_wrong_phase_is_refused_naming_the_phase(harness: Harness) -> None:
    case = await harness.file()
    message = await _refused(case, "ankestyrelsen-outcome", outcome="stadfaestet")
    assert "genvurdering" in message and "at_ankestyrelsen" in message


async def test_an_outcome_before_ankestyrelsens_kvittering_is_refused(harness: Harness) -> None:
    case = await harness.file()
    await case.step("genvurdering", result="fastholdt")
    message = await _refused(case, "ankestyrelsen-outcome", outcome="hjemvist")
    assert "journalnummer" in message


async def test_a_step_without_a_reason_is_refused(harness: Harness) -> None:
    case = await harness.file()
    message = await _refused(case, "genvurdering", result="fastholdt", reason="  ")
    assert "reason" in message.lower()


async def test_a_step_without_an_actor_is_refused(harness: Harness) -> None:
    case = await harness.file()
    message = await _refused(case, "withdraw", actor="")
    assert "actor" in message.lower()


async def test_an_aktindsigt_answer_before_its_request_is_refused(harness: Harness) -> None:
    case = await harness.file()
    message = await _refused(case, "aktindsigt-answered")
    assert "aktindsigt-requested" in message


async def test_a_second_aktindsigt_request_while_one_is_pending_is_refused(harness: Harness) -> None:
    case = await harness.file()
    await case.step("aktindsigt-requested")
    message = await _refused(case, "aktindsigt-requested")
    assert "already pending" in message


async def test_genvurdering_while_aktindsigt_is_pending_is_refused(harness: Harness) -> None:
    case = await harness.file()
    await case.step("aktindsigt-requested")
    message = await _refused(case, "genvurdering", result="fuldt_medhold")
    assert "aktindsigt" in message


async def test_genvurdering_before_the_fuldmagt_is_refused(harness: Harness) -> None:
    case = await harness.file(representative_name="Ole Nabo", representative_kind="other")
    message = await _refused(case, "genvurdering", result="fastholdt")
    assert "awaiting_standing" in message


async def test_an_unknown_result_value_is_refused_with_the_allowed_values(harness: Harness) -> None:
    case = await harness.file()
    message = await _refused(case, "genvurdering", result="maybe")
    assert "fuldt_medhold" in message


async def test_a_malformed_journal_number_is_refused(harness: Harness) -> None:
    case = await harness.file()
    await case.step("genvurdering", result="fastholdt")
    message = await _refused(case, "ankestyrelsen-received", journal_number="x")
    assert "journalnummer" in message


async def test_withdrawing_a_withdrawn_case_is_refused(harness: Harness) -> None:
    case = await harness.file()
    await case.step("withdraw")
    message = await _refused(case, "withdraw")
    assert "withdrawn" in message


async def test_an_unknown_case_is_refused(harness: Harness) -> None:
    with pytest.raises(CaseNotFound):
        await operations.take_step(harness.client, "KS-0101-AAAAAAAAAAAAA", "withdraw", {"actor": "a", "reason": "abc"})
    with pytest.raises(CaseworkError, match="not a case id"):
        await operations.take_step(harness.client, "010190-1234", "withdraw", {"actor": "a", "reason": "abc"})


@pytest.mark.parametrize(
    ("cpr", "says"),
    [("12345", "ten digits"), ("320190-1234", "real date"), ("010190-12345", "ten digits"), ("abcdefghij", "ten digits")],
)
async def test_a_malformed_cpr_is_refused_before_anything_is_stored(harness: Harness, cpr: str, says: str) -> None:
    raw = await harness.filing(cpr=cpr)
    with pytest.raises(CaseworkError, match=says) as refused:
        await harness.file_raw(raw)
    assert cpr not in str(refused.value)  # an error message never echoes a CPR number
    assert (await operations.list_cases(harness.register, kommune=None)).rows == []


async def test_a_complaint_received_in_the_future_is_refused(harness: Harness) -> None:
    from datetime import timedelta

    raw = await harness.filing(received=await harness.today() + timedelta(days=3))
    with pytest.raises(CaseworkError, match="future"):
        await harness.file_raw(raw)
    assert (await operations.list_cases(harness.register, kommune=None)).rows == []


async def test_a_decision_outside_the_calendar_years_is_refused_before_anything_is_stored(harness: Harness) -> None:
    from datetime import date

    raw = await harness.filing(decision_received=date(2013, 5, 1))
    with pytest.raises(CaseworkError, match="2013"):
        await harness.file_raw(raw)
    assert (await operations.list_cases(harness.register, kommune=None)).rows == []


async def test_an_old_decision_without_klagevejledning_is_accepted_because_no_frist_runs(harness: Harness) -> None:
    from datetime import date

    case = await harness.file(decision_received=date(2013, 5, 1), klagevejledning_given=False)
    view = await case.view()
    assert (view.late, "klagefrist" in view.deadlines) == (False, False)


# --- klagepunkter and the formal track (docs/legal-reference.md §2.9) ------------------------------------

FORMAL = dict(
    kind="formalitet",
    decision_received=None,
    klagepunkter=[
        {"track": "formalitet", "category": "sagsbehandlingstid"},
        {"track": "formalitet", "category": "vejledning"},
    ],
)


async def test_deciding_a_formal_point_on_a_case_without_formal_points_is_refused(harness: Harness) -> None:
    case = await harness.file()
    message = await _refused(case, "klagepunkt-decided", point=1, outcome="kritik")
    assert "klagepunkt-added --track formalitet" in message


async def test_a_decision_on_a_point_the_case_does_not_have_is_refused(harness: Harness) -> None:
    case = await harness.file(**FORMAL)
    message = await _refused(case, "klagepunkt-decided", point=7, outcome="kritik")
    assert "no klagepunkt 7" in message and "1, 2" in message


async def test_the_formal_answer_before_every_point_is_decided_is_refused(harness: Harness) -> None:
    case = await harness.file(**FORMAL)
    await case.step("klagepunkt-decided", point=1, outcome="beklagelse")
    message = await _refused(case, "formal-answer")
    assert "point(s) 2" in message


async def test_the_borgerraadgiver_before_the_dialogue_with_the_forvaltning_is_refused(harness: Harness) -> None:
    case = await harness.file(**FORMAL)
    message = await _refused(case, "formal-escalated", level="borgerraadgiver")
    assert "SEED 002" in message and "formal-answer" in message


async def test_the_borgerraadgivers_answer_without_the_retsstilling_is_refused(harness: Harness) -> None:
    case = await harness.file(**FORMAL)
    for point in (1, 2):
        await case.step("klagepunkt-decided", point=point, outcome="ikke_medhold")
    await case.step("formal-answer")
    await case.step("formal-escalated", level="borgerraadgiver")
    for point in (1, 2):
        await case.step("klagepunkt-decided", point=point, outcome="kritik")
    message = await _refused(case, "formal-answer")
    assert "retsstilling" in message and "SEED 003" in message


async def test_a_behaviour_complaint_as_a_realitet_point_is_refused(harness: Harness) -> None:
    case = await harness.file()
    message = await _refused(case, "klagepunkt-added", track="realitet", category="optraeden")
    assert "SEED 001" in message and "formalitet" in message


async def test_a_realitet_point_after_the_genvurdering_is_refused(harness: Harness) -> None:
    case = await harness.file()
    await case.step("genvurdering", result="fastholdt")
    message = await _refused(case, "klagepunkt-added", track="realitet")
    assert "R40" in message


async def test_a_klagepunkt_on_a_closed_case_is_refused(harness: Harness) -> None:
    case = await harness.file()
    await case.step("genvurdering", result="fuldt_medhold")
    message = await _refused(case, "klagepunkt-added", track="formalitet", category="betjening")
    assert "new complaint" in message


async def test_an_extension_notice_after_the_genvurdering_deadline_is_refused(harness: Harness) -> None:
    case = await harness.file()
    due = (await case.view()).deadlines["genvurdering"].deadline.due
    await harness.advance(30)
    message = await _refused(case, "genvurdering-extended", expected=(due + timedelta(days=20)).isoformat())
    assert "R4" in message and "has passed" in message


async def test_an_extension_notice_with_a_date_inside_the_4_weeks_is_refused(harness: Harness) -> None:
    case = await harness.file()
    due = (await case.view()).deadlines["genvurdering"].deadline.due
    message = await _refused(case, "genvurdering-extended", expected=due.isoformat())
    assert "after" in message and due.isoformat() in message


async def test_genoptagelse_of_an_open_case_is_refused(harness: Harness) -> None:
    case = await harness.file()
    message = await _refused(case, "genoptagelse", result="genoptaget", ground="nye_oplysninger")
    assert "S11" in message and "open" in message


async def test_reopening_without_a_ground_is_refused(harness: Harness) -> None:
    case = await harness.file()
    await case.step("genvurdering", result="fuldt_medhold")
    message = await _refused(case, "genoptagelse", result="genoptaget")
    assert "R55" in message


# --- the paths of issue 8 (docs/legal-reference.md §2.6, §2.7, §3) ------------------------------------------------


@pytest.mark.parametrize(
    ("step", "fields", "says"),
    [
        ("substance-received", {}, "awaiting_substance"),
        ("ankestyrelsen-partshoering", {}, "still with the kommune"),
        ("new-information", {}, "still with the kommune"),
        ("hastebehandling-requested", {}, "still with the kommune"),
        ("representative-changed", {}, "no partsrepræsentant"),
        ("representative-changed", {"kind": "relative", "representative_name": "Ny Nabo"}, "fuldmagt"),
    ],
)
async def test_a_new_step_in_the_wrong_phase_is_refused_and_changes_nothing(
    harness: Harness, step: str, fields: dict[str, Any], says: str
) -> None:
    case = await harness.file()
    assert says in await _refused(case, step, **fields)


async def test_hastebehandling_requested_twice_is_refused(harness: Harness) -> None:
    case = await harness.file()
    await case.step("genvurdering", result="fastholdt")
    await case.step("hastebehandling-requested")
    assert "already requested" in await _refused(case, "hastebehandling-requested")


async def test_a_detriment_date_on_a_stadfaestelse_is_refused(harness: Harness) -> None:
    case = await harness.file()
    await case.step("genvurdering", result="fastholdt")
    await case.step("ankestyrelsen-received", journal_number="25-777777")
    message = await _refused(case, "ankestyrelsen-outcome", outcome="stadfaestet", detriment_from="2099-01-01")
    assert "rsl § 72 stk. 7" in message


@pytest.mark.parametrize(
    ("outside", "route"),
    [("serviceniveau", "borgmester"), ("personalesag", "direktør"), ("for_tilsyn", "tilsynet"),
     ("for_ombudsmand", "ombudsmand"), ("for_domstol", "courts")],
)
async def test_what_the_borgerraadgiver_cannot_take_is_refused_with_its_route_and_nothing_stored(
    harness: Harness, outside: str, route: str
) -> None:
    raw = await harness.filing(
        kind="formalitet", decision_received=None, klaget_til="borgerraadgiver", outside_borgerraadgiver=outside,
        klagepunkter=[{"track": "formalitet", "category": "optraeden"}],
    )
    with pytest.raises(CaseworkError, match=route):
        await harness.file_raw(raw)
    assert (await operations.list_cases(harness.register, kommune=None)).rows == []


async def test_a_matter_more_than_a_year_old_is_refused_by_the_borgerraadgiver(harness: Harness) -> None:
    today = await harness.today()
    raw = await harness.filing(
        kind="formalitet", decision_received=today - timedelta(days=400), klaget_til="borgerraadgiver",
        klagepunkter=[{"track": "formalitet", "category": "sagsbehandlingstid"}],
    )
    with pytest.raises(CaseworkError, match="1 year old"):
        await harness.file_raw(raw)
    assert (await operations.list_cases(harness.register, kommune=None)).rows == []


async def test_an_update_the_step_table_does_not_name_is_refused_before_history(harness: Harness) -> None:
    """Every step is served by one dynamic update handler: a name outside the table must not reach it."""
    case = await harness.file()
    before = await _footprint(case)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await case.handle.execute_update("genvurdering_typo", {"result": "fastholdt", "actor": "sb", "reason": "x"})
    assert "There is no step 'genvurdering_typo'" in str(refused.value.cause)
    assert await _footprint(case) == before


async def test_a_step_whose_fields_do_not_fit_its_model_is_refused_before_history(harness: Harness) -> None:
    case = await harness.file()
    before = await _footprint(case)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await case.handle.execute_update("genvurdering", {"result": "no-such-result", "actor": "sb", "reason": "x"})
    assert "result" in str(refused.value.cause) and "no-such-result" in str(refused.value.cause)
    assert await _footprint(case) == before
