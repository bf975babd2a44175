"""Deadline warnings fire by themselves when the law's clock really passes (time-skipping server)."""

from __future__ import annotations

from datetime import timedelta

from casework import operations
from domain.vocabulary import Phase
from tests.workflow.harness import Harness


async def test_the_caseworker_is_warned_a_week_before_the_genvurdering_deadline(harness: Harness) -> None:
    case = await harness.file()
    await harness.advance(20)
    assert (await case.settled()).warnings == []
    await harness.advance(2)
    view = await case.settled()
    assert [w.kind for w in view.warnings] == ["genvurdering_snart"]
    assert view.overdue is False
    stored = await harness.register.warnings_for(case.id)
    assert [w["kind"] for w in stored] == ["genvurdering_snart"]


async def test_a_missed_genvurdering_deadline_flags_the_case_and_escalates_to_the_leder(harness: Harness) -> None:
    case = await harness.file()
    await harness.advance(30)
    view = await case.settled()
    assert view.overdue is True
    assert [w.kind for w in view.warnings] == ["genvurdering_snart", "genvurdering_overskredet"]
    escalations = await harness.register.escalations_for(case.id)
    assert [(e["route"], e["actor"], e["automatic"]) for e in escalations] == [("leder", "system", True)]
    # The citizen is told of the delay too (R4; added behind a patch, docs/changing-workflows.md).
    assert (await case.letter_kinds()).count("genvurdering_forsinket") == 1
    overdue = await operations.list_cases(harness.register, kommune=None, overdue=True, now=await harness.now())
    assert [row["case_id"] for row in overdue.rows] == [case.id]

    # The citizen's right is not lost: the late genvurdering still forwards the case (docs/legal-reference.md §7).
    result = await case.step("genvurdering", result="fastholdt")
    assert result.phase == Phase.FORWARDED
    assert (await case.settled()).overdue is False
    assert (await operations.list_cases(harness.register, kommune=None, overdue=True, now=await harness.now())).rows == []


async def test_an_unanswered_aktindsigt_sends_a_fristbrev_after_7_arbejdsdage(harness: Harness) -> None:
    case = await harness.file()
    await case.step("aktindsigt-requested")
    await harness.advance(4)
    assert "aktindsigt_fristbrev" not in await case.letter_kinds()
    await harness.advance(9)  # 7 arbejdsdage are at most 11 calendar days with weekends and helligdage
    view = await case.settled()
    assert view.overdue is True
    assert [w.kind for w in view.warnings] == ["aktindsigt_overskredet"]
    assert (await case.letter_kinds()).count("aktindsigt_fristbrev") == 1
    await case.step("aktindsigt-answered")
    assert (await case.settled()).overdue is False


async def test_a_long_wait_at_ankestyrelsen_is_flagged_after_3_and_7_months(harness: Harness) -> None:
    case = await harness.file()
    await case.step("genvurdering", result="fastholdt")
    await case.step("ankestyrelsen-received", journal_number="25-9999")
    await harness.advance(95)
    assert [w.kind for w in (await case.settled()).warnings] == ["ankestyrelsen_lang_ventetid"]
    await harness.advance(125)
    assert [w.kind for w in (await case.settled()).warnings] == ["ankestyrelsen_lang_ventetid"] * 2


async def test_a_case_without_a_step_for_n_days_is_listed_as_stuck(harness: Harness) -> None:
    case = await harness.file(representative_name="Ole Nabo", representative_kind="relative")
    await harness.advance(6)
    await case.settled()
    assert (await operations.list_cases(harness.register, kommune=None, stuck_days=7, now=await harness.now())).rows == []
    stuck = await operations.list_cases(harness.register, kommune=None, stuck_days=5, now=await harness.now())
    assert [(row["case_id"], row["phase"]) for row in stuck.rows] == [(case.id, "awaiting_standing")]


async def test_search_attributes_carry_phase_deadline_and_overdue_but_no_personal_data(harness: Harness) -> None:
    case = await harness.file()
    await harness.advance(30)
    await case.settled()
    description = await case.handle.describe()
    attributes = {key.name: value for key, value in description.typed_search_attributes}
    assert attributes["KlagesagPhase"] == "genvurdering"
    assert attributes["KlagesagOverdue"] is True
    assert attributes["KlagesagKommune"] == "0101"
    assert attributes["KlagesagRound"] == 1
    assert "KlagesagNextDeadline" in attributes
    ours = {"KlagesagPhase", "KlagesagOverdue", "KlagesagKommune", "KlagesagRound", "KlagesagNextDeadline"}
    assert set(attributes) <= ours | {"TemporalChangeVersion"}  # Temporal's own: the patch ids


async def test_an_extension_notice_in_time_moves_the_breach_to_the_date_the_citizen_was_given(
    harness: Harness,
) -> None:
    case = await harness.file()
    due = (await case.view()).deadlines["genvurdering"].deadline.due
    await harness.advance(20)
    result = await case.step(
        "genvurdering-extended", expected=(due + timedelta(days=14)).isoformat(),
        reason="Vi venter på en udtalelse fra egen læge",
    )  # fmt: skip
    assert result.deadlines["genvurdering_forventet"].due == due + timedelta(days=14)
    assert result.deadlines["genvurdering"].due == due  # the legal 4 weeks do not move (R4)
    await case.settled()
    letter = (await harness.register.letters_for(case.id))[-1]
    assert letter.kind == "genvurdering_forlaenget" and "udtalelse fra egen læge" in letter.body

    await harness.advance(10)  # past the 4 weeks, before the date given: no breach
    view = await case.settled()
    assert view.overdue is False and view.next_deadline_kind == "genvurdering_forventet"
    assert [w.kind for w in view.warnings] == ["genvurdering_snart"]
    assert await harness.register.escalations_for(case.id) == []

    await harness.advance(15)  # past the date given (day 42 from the complaint): now it is a breach
    view = await case.settled()
    assert view.overdue is True
    assert [w.kind for w in view.warnings] == ["genvurdering_snart", "genvurdering_overskredet"]
    assert (await case.letter_kinds()).count("genvurdering_forsinket") == 1
    assert [e["route"] for e in await harness.register.escalations_for(case.id)] == ["leder"]
