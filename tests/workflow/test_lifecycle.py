"""Every path of a complaint's life, on the time-skipping server with the real activities and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from domain.vocabulary import Phase
from store.register import CaseRegister
from tests.workflow.harness import Harness
from workflows.complaint import ComplaintOutcome


async def test_fastholdt_goes_to_ankestyrelsen_and_closes_on_stadfaestelse(harness: Harness) -> None:
    case = await harness.file()
    await case.step("genvurdering", result="fastholdt")
    await case.step("ankestyrelsen-received", journal_number="25-123456")
    result = await case.step("ankestyrelsen-outcome", outcome="stadfaestet")
    assert result.phase == Phase.CLOSED
    view = await case.settled()
    assert view.outcome == "stadfaestet"
    assert await case.letter_kinds() == ["kvittering", "ikke_fuldt_medhold", "oversendelse"]
    forwards = await harness.register.forwards_for(case.id)
    assert [(f["round"], f["genvurdering_result"], f["late"]) for f in forwards] == [(1, "fastholdt", False)]


async def test_fuldt_medhold_closes_the_case_with_a_new_decision(harness: Harness) -> None:
    case = await harness.file()
    result = await case.step("genvurdering", result="fuldt_medhold", reason="Borgeren har ret: timerne bevilges")
    assert result.phase == Phase.CLOSED
    await case.settled()
    assert await case.letter_kinds() == ["kvittering", "ny_afgoerelse_medhold"]
    assert await harness.register.forwards_for(case.id) == []


async def test_aktindsigt_twice_before_genvurdering_moves_the_genvurdering_deadline(harness: Harness) -> None:
    case = await harness.file()
    first_due = (await case.view()).deadlines["genvurdering"].deadline.due

    await case.step("aktindsigt-requested")
    assert (await case.view()).phase == Phase.AKTINDSIGT
    await harness.advance(3)
    await case.step("aktindsigt-answered")
    await harness.advance(1)
    await case.step("aktindsigt-requested")
    await harness.advance(2)
    result = await case.step("aktindsigt-answered")

    assert result.phase == Phase.GENVURDERING
    # The clock stood still while the kommune owed the citizen the akter: 3 + 2 days.
    assert result.deadlines["genvurdering"].due == first_due + timedelta(days=5)
    await case.step("genvurdering", result="fastholdt")
    await case.settled()
    kinds = await case.letter_kinds()
    assert kinds.count("aktindsigt_svar") == 2
    assert kinds[-2:] == ["ikke_fuldt_medhold", "oversendelse"]


async def test_delvist_medhold_sends_the_changed_decision_and_forwards_the_rest(harness: Harness) -> None:
    case = await harness.file()
    result = await case.step("genvurdering", result="delvist_medhold", reason="To timer mere bevilges")
    assert result.phase == Phase.FORWARDED
    await case.settled()
    assert await case.letter_kinds() == ["kvittering", "ny_afgoerelse_delvist", "ikke_fuldt_medhold", "oversendelse"]
    forwards = await harness.register.forwards_for(case.id)
    assert [f["genvurdering_result"] for f in forwards] == ["delvist_medhold"]


async def test_hjemvisning_twice_then_stadfaestelse_runs_three_rounds_of_one_case(harness: Harness) -> None:
    case = await harness.file()
    for round_number in (1, 2):
        await case.step("genvurdering", result="fastholdt")
        await case.step("ankestyrelsen-received", journal_number=f"25-00{round_number}")
        remanded = await case.step("ankestyrelsen-outcome", outcome="hjemvist")
        assert remanded.phase == Phase.GENBEHANDLING
        decided = await case.step("new-decision", result="afslag", reason="Ny vurdering: fortsat afslag")
        assert decided.phase == Phase.KLAGEFRIST
        assert "klagefrist" in decided.deadlines
        await harness.advance(5)
        again = await case.step("complaint-received", reason="Borgeren klager over den nye afgørelse")
        assert again.round == round_number + 1
        assert again.phase == Phase.GENVURDERING
    await case.step("genvurdering", result="fastholdt")
    await case.step("ankestyrelsen-received", journal_number="25-003")
    final = await case.step("ankestyrelsen-outcome", outcome="stadfaestet")
    assert (final.phase, final.round) == (Phase.CLOSED, 3)

    view = await case.settled()
    assert view.remand_count == 2
    # Each new round continued as new: the current run's history starts where the previous run ended.
    history = await case.handle.fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes
    assert started.continued_execution_run_id
    assert view.history[-1].round == 3
    kinds = await case.letter_kinds()
    assert kinds.count("kvittering") == 3
    assert kinds.count("genoptagelse_efter_hjemvisning") == 2
    assert kinds.count("ny_afgoerelse_efter_hjemvisning") == 2
    # The second hjemvisning alerts the leder (docs/legal-reference.md §2.5).
    assert [w.kind for w in view.warnings] == ["gentagen_hjemvisning"]
    escalations = await harness.register.escalations_for(case.id)
    assert [(e["route"], e["automatic"]) for e in escalations] == [("leder", True)]


async def test_a_new_decision_becomes_final_when_its_klagefrist_passes_without_a_complaint(harness: Harness) -> None:
    case = await harness.file()
    await case.step("genvurdering", result="fastholdt")
    await case.step("ankestyrelsen-received", journal_number="25-777")
    await case.step("ankestyrelsen-outcome", outcome="hjemvist")
    await case.step("new-decision", result="delvis", reason="Delvis bevilling efter ny vurdering")
    await harness.advance(40)
    view = await case.settled()
    assert (view.phase, view.outcome) == (Phase.CLOSED, "endelig_afgoerelse")


async def test_aktindsigt_after_a_new_decision_interrupts_its_klagefrist(harness: Harness) -> None:
    case = await harness.file()
    await case.step("genvurdering", result="fastholdt")
    await case.step("ankestyrelsen-received", journal_number="25-778")
    await case.step("ankestyrelsen-outcome", outcome="hjemvist")
    decided = await case.step("new-decision", result="afslag")
    first_frist = decided.deadlines["klagefrist"].due
    await harness.advance(20)
    await case.step("aktindsigt-requested")
    await harness.advance(5)
    answered = await case.step("aktindsigt-answered")
    assert answered.phase == Phase.KLAGEFRIST
    assert answered.deadlines["klagefrist"].due > first_frist
    await harness.advance(10)  # past the first klagefrist (day 28), inside the moved one (day 39)
    assert (await case.view()).phase == Phase.KLAGEFRIST
    again = await case.step("complaint-received")
    assert again.round == 2
    await case.settled()
    svar = [letter for letter in await harness.register.letters_for(case.id) if letter.kind == "aktindsigt_svar"]
    assert len(svar) == 1


async def test_withdrawal_while_at_ankestyrelsen_stops_the_case_and_confirms_it(harness: Harness) -> None:
    case = await harness.file()
    await case.step("genvurdering", result="fastholdt")
    await case.step("ankestyrelsen-received", journal_number="25-424242")
    result = await case.step("withdraw", reason="Borgeren trækker klagen tilbage pr. telefon")
    assert result.phase == Phase.WITHDRAWN
    view = await case.settled()
    assert view.outcome == "tilbagetrukket"
    assert view.next_deadline_at is None
    letters = await harness.register.letters_for(case.id)
    assert letters[-1].kind == "tilbagetraekning"
    assert "25-424242" in letters[-1].body
    # No timer is left to warn about Ankestyrelsen's long processing time.
    await harness.advance(100)
    assert (await case.settled()).warnings == []


async def test_a_late_complaint_is_flagged_for_dispensation_not_dropped(harness: Harness) -> None:
    today = await harness.today()
    case = await harness.file(decision_received=today - timedelta(days=45), late_reason="Jeg var indlagt")
    view = await case.view()
    assert view.late is True
    assert view.phase == Phase.GENVURDERING
    assert any("dispensation" in line for line in view.timeliness)
    await case.step("genvurdering", result="fastholdt")
    await case.settled()
    kvittering = (await harness.register.letters_for(case.id))[0]
    assert "Ankestyrelsen" in kvittering.body
    forwards = await harness.register.forwards_for(case.id)
    assert forwards[0]["late"] is True


async def test_a_decision_without_klagevejledning_keeps_the_complaint_timely(harness: Harness) -> None:
    today = await harness.today()
    case = await harness.file(decision_received=today - timedelta(days=90), klagevejledning_given=False)
    view = await case.view()
    assert view.late is False
    assert "klagefrist" not in view.deadlines
    assert any("klagevejledning" in line for line in view.timeliness)


async def test_a_representative_without_fuldmagt_gets_a_fuldmagt_request_and_no_case_details(
    harness: Harness,
) -> None:
    case = await harness.file(representative_name="Ole Nabo", representative_kind="relative")
    view = await case.view()
    assert view.phase == Phase.AWAITING_STANDING
    assert "genvurdering" not in view.deadlines  # no genvurdering clock before standing (§2.2 S2b)
    letters = await harness.register.letters_for(case.id)
    assert [(letter.kind, letter.recipient_role) for letter in letters] == [("fuldmagt_anmodning", "afsender")]
    assert view.decision_ref not in letters[0].body

    result = await case.step("fuldmagt-received", reason="Skriftlig fuldmagt modtaget")
    assert result.phase == Phase.GENVURDERING
    assert "genvurdering" in result.deadlines
    await case.settled()
    letters = await harness.register.letters_for(case.id)
    assert (letters[-1].kind, letters[-1].recipient_role) == ("kvittering", "partsrepraesentant")
    assert "Karen Testborger" in letters[-1].body  # the representative is told on whose behalf


async def test_a_professional_representative_gets_every_letter_without_fuldmagt(harness: Harness) -> None:
    case = await harness.file(representative_name="Advokat Hansen", representative_kind="professional")
    await case.step("genvurdering", result="fastholdt")
    await case.settled()
    roles = {letter.recipient_role for letter in await harness.register.letters_for(case.id)}
    assert roles == {"partsrepraesentant"}


async def test_a_complaint_filed_twice_is_one_case_with_one_kvittering(harness: Harness) -> None:
    raw = await harness.filing()
    first = await harness.file_raw(raw)
    second = await harness.file_raw({**raw, "channel": "digital", "text": "Samme klage sendt digitalt"})
    assert (first.duplicate, second.duplicate) == (False, True)
    assert first.case_id == second.case_id
    assert second.phase == Phase.GENVURDERING
    from tests.workflow.harness import Case

    case = Case(harness, second)
    view = await case.settled()
    assert [h.step for h in view.history] == ["filed", "duplicate-filing"]
    assert await case.letter_kinds() == ["kvittering"]
    party = await harness.register.party(case.id)
    assert party is not None and party.complaint_text == raw["text"]  # the first receipt is kept


async def test_a_closed_case_completes_after_the_onward_year(
    private_time_skipping_env: WorkflowEnvironment, register: CaseRegister, database_url: str, tmp_path: Path
) -> None:
    async with Harness(private_time_skipping_env, register, database_url, tmp_path / "outbox") as harness:
        await _close_and_wait_for_the_archive(harness)


async def _close_and_wait_for_the_archive(harness: Harness) -> None:
    case = await harness.file()
    await case.step("genvurdering", result="fuldt_medhold")
    await case.settled()
    handle = harness.client.get_workflow_handle(case.id, result_type=ComplaintOutcome)
    # The server skips to the archive timer by itself (and on past it: hence a server of its own).
    async with harness.env.time_skipping_unlocked():
        outcome = await handle.result()
    assert (outcome.phase, outcome.outcome) == (Phase.CLOSED, "fuldt_medhold")


async def test_a_retried_step_is_applied_once(harness: Harness) -> None:
    case = await harness.file()
    first = await case.step("genvurdering", result="fastholdt", update_id="retry-1")
    again = await case.step("genvurdering", result="fastholdt", update_id="retry-1")
    assert again == first
    view = await case.settled()
    assert [h.step for h in view.history].count("genvurdering") == 1
    assert (await case.letter_kinds()).count("oversendelse") == 1


async def test_a_retried_complaint_received_is_applied_once_across_continue_as_new(harness: Harness) -> None:
    case = await harness.file()
    await case.step("genvurdering", result="fastholdt")
    await case.step("ankestyrelsen-received", journal_number="25-4711")
    await case.step("ankestyrelsen-outcome", outcome="hjemvist")
    await case.step("new-decision", result="afslag")
    first = await case.step("complaint-received", update_id="round-2")
    await case.settled()  # the new run has started: Temporal itself no longer knows the update id
    again = await case.step("complaint-received", update_id="round-2")
    assert (again.round, again.phase) == (first.round, first.phase) == (2, Phase.GENVURDERING)
    view = await case.settled()
    assert [h.step for h in view.history].count("complaint-received") == 1


async def test_a_retried_filing_is_not_a_duplicate_filing(harness: Harness) -> None:
    raw = await harness.filing()
    first = await harness.file_raw(raw, update_id="filing-1")
    again = await harness.file_raw(raw, update_id="filing-1")
    assert (first.duplicate, again.duplicate) == (False, False)
    from tests.workflow.harness import Case

    view = await Case(harness, first).settled()
    assert [h.step for h in view.history] == ["filed"]


async def test_a_closed_case_reopened_gets_a_new_decision_and_a_new_klagefrist(harness: Harness) -> None:
    case = await harness.file()
    await case.step("genvurdering", result="fastholdt")
    await case.step("ankestyrelsen-received", journal_number="25-991100")
    await case.step("ankestyrelsen-outcome", outcome="stadfaestet")
    await harness.advance(60)
    reopened = await case.step("genoptagelse", result="genoptaget", ground="nye_oplysninger",
                               reason="Ny speciallægeerklæring viser et større behov")
    assert reopened.phase == Phase.GENOPTAGET
    decided = await case.step("new-decision", result="delvis", reason="To timer mere om ugen")
    assert decided.phase == Phase.KLAGEFRIST and "klagefrist" in decided.deadlines  # a new decision, a new frist
    await harness.advance(40)
    view = await case.settled()
    assert (view.phase, view.outcome) == (Phase.CLOSED, "endelig_afgoerelse")
    letters = await harness.register.letters_for(case.id)
    assert [letter.kind for letter in letters][-2:] == ["genoptagelse", "ny_afgoerelse_efter_hjemvisning"]
    assert "Vi har genoptaget sagen" in letters[-1].body and "Sådan klager du" in letters[-1].body


async def test_a_refused_genoptagelse_keeps_the_case_closed_and_tells_the_citizen_why(harness: Harness) -> None:
    case = await harness.file()
    await case.step("genvurdering", result="fuldt_medhold")
    result = await case.step("genoptagelse", result="afslaaet", reason="Oplysningerne var kendt, da vi afgjorde sagen")
    assert result.phase == Phase.CLOSED
    view = await case.settled()
    assert view.outcome == "fuldt_medhold"
    letters = await harness.register.letters_for(case.id)
    assert letters[-1].kind == "genoptagelse_afslag" and "Oplysningerne var kendt" in letters[-1].body
