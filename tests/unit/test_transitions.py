"""What steps and deadlines do to a case, without Temporal: the case record (history, letters, warnings,
escalations) and the transitions of docs/legal-reference.md §2.2, on a constructed case with a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain import transitions
from domain.case_record import CaseRecord
from domain.deadlines import Deadline, DeadlineKind
from domain.models import (
    AnkestyrelsenDecided,
    EscalationRequested,
    ForwardCase,
    GenvurderingDone,
    LogEscalation,
    RecordWarning,
    SendLetter,
    Step,
    TimedDeadline,
)
from domain.policy import REMEMBERED_UPDATES
from domain.vocabulary import (
    AnkestyrelsenOutcome,
    CaseOutcome,
    DeadlineName,
    EscalationRoute,
    GenvurderingResult,
    LetterKind,
    Phase,
    WarningKind,
)
from tests.unit.test_step_table import a_case
from domain import timers

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)


def a_record(phase: Phase = Phase.GENVURDERING) -> CaseRecord:
    state = a_case(phase)
    due = date(2025, 6, 17)
    state.deadlines[DeadlineName.GENVURDERING] = TimedDeadline(
        deadline=Deadline(kind=DeadlineKind.GENVURDERING_DUE, due=due, explanation=["4 uger"]),
        ends_at=datetime(2025, 6, 17, 21, 59, 59, tzinfo=UTC),
    )
    return CaseRecord(state, clock=lambda: NOW)


def effects(record: CaseRecord) -> list[str]:
    names = []
    for effect in record.state.pending:
        if isinstance(effect, SendLetter):
            names.append(f"letter:{effect.letter.kind.value}")
        elif isinstance(effect, ForwardCase):
            names.append("forward")
        elif isinstance(effect, LogEscalation):
            names.append(f"escalation:{effect.escalation.route.value}")
        elif isinstance(effect, RecordWarning):
            names.append(f"warning:{effect.warning.kind.value}")
    return names


def test_recording_a_step_writes_history_and_moves_the_phase() -> None:
    record = a_record()
    record.record("genvurdering", Step(actor="sb01", reason="Fordi"), Phase.FORWARDED, result="fastholdt")
    [entry] = record.state.history
    assert (entry.seq, entry.actor, entry.reason, entry.phase_before, entry.phase_after) == (
        1, "sb01", "Fordi", Phase.GENVURDERING, Phase.FORWARDED,
    )  # fmt: skip
    assert (record.state.phase, record.state.last_step_at, record.state.version) == (Phase.FORWARDED, NOW, 1)


def test_letters_of_the_same_kind_get_numbered_keys_per_round() -> None:
    record = a_record()
    record.letter(LetterKind.KVITTERING)
    record.letter(LetterKind.KVITTERING)
    keys = [letter.key for letter in record.state.letters]
    assert keys == [f"{record.state.case_id}:r1:kvittering:1", f"{record.state.case_id}:r1:kvittering:2"]


def test_fastholdt_tells_the_citizen_and_forwards_in_that_order() -> None:
    record = a_record()
    transitions.genvurdering(record, GenvurderingDone(actor="sb01", reason="Fordi", result=GenvurderingResult.FASTHOLDT))
    assert effects(record) == ["letter:ikke_fuldt_medhold", "forward", "letter:oversendelse"]
    assert record.state.phase == Phase.FORWARDED and record.state.deadlines == {}


def test_fuldt_medhold_closes_the_case() -> None:
    record = a_record()
    transitions.genvurdering(record, GenvurderingDone(actor="sb01", reason="Fordi", result=GenvurderingResult.FULDT_MEDHOLD))
    assert effects(record) == ["letter:ny_afgoerelse_medhold"]
    assert (record.state.phase, record.state.outcome, record.state.final_decision_at) == (
        Phase.CLOSED, CaseOutcome.FULDT_MEDHOLD, NOW,
    )  # fmt: skip


def test_a_second_hjemvisning_alerts_the_leder() -> None:
    record = a_record(Phase.AT_ANKESTYRELSEN)
    remand = AnkestyrelsenDecided(actor="sb01", reason="Fordi", outcome=AnkestyrelsenOutcome.HJEMVIST)
    transitions.ankestyrelsen_outcome(record, remand)
    assert effects(record) == ["letter:genoptagelse_efter_hjemvisning"]
    record.state.pending.clear()
    record.state.phase = Phase.AT_ANKESTYRELSEN
    transitions.ankestyrelsen_outcome(record, remand)
    assert effects(record) == [
        "letter:genoptagelse_efter_hjemvisning", "warning:gentagen_hjemvisning", "escalation:leder",
    ]  # fmt: skip
    assert record.state.remand_count == 2


def test_a_passed_genvurdering_deadline_alerts_the_leder_and_tells_the_citizen_only_where_patched() -> None:
    unpatched, patched = a_record(), a_record()
    transitions.genvurdering_overdue(unpatched, tell_citizen=False)
    transitions.genvurdering_overdue(patched, tell_citizen=True)
    assert effects(unpatched) == ["warning:genvurdering_overskredet", "escalation:leder"]
    assert effects(patched) == [*effects(unpatched), "letter:genvurdering_forsinket"]
    assert patched.state.overdue and patched.state.escalations[0].automatic


def test_a_retried_step_gets_its_first_result_and_old_results_are_forgotten() -> None:
    record = a_record()
    first = record.result("update-0")
    for n in range(1, REMEMBERED_UPDATES + 1):
        record.result(f"update-{n}")
    assert record.earlier_result(f"update-{REMEMBERED_UPDATES}") is not None
    assert record.earlier_result("update-0") is None
    assert first.phase == Phase.GENVURDERING


def test_the_genvurdering_timers_warn_a_week_ahead_then_at_the_deadline() -> None:
    record = a_record()
    due = record.state.deadlines[DeadlineName.GENVURDERING].ends_at
    first = timers.next_timer(record, archive=lambda: None)
    assert first is not None and first.at == due - timedelta(days=7)
    first.fire()
    assert [w.kind for w in record.state.warnings] == [WarningKind.GENVURDERING_SNART]
    second = timers.next_timer(record, archive=lambda: None)
    assert second is not None and second.at == due


def test_a_closed_case_waits_for_onward_escalation_then_archives() -> None:
    record = a_record(Phase.CLOSED)
    record.state.final_decision_at = NOW
    archived = []
    timer = timers.next_timer(record, archive=lambda: archived.append(True))
    assert timer is not None and timer.at > NOW + timedelta(days=365)
    timer.fire()
    assert archived == [True]


def test_escalation_is_recorded_in_the_history_and_the_log() -> None:
    record = a_record()
    transitions.escalate(record, EscalationRequested(actor="sb01", reason="Fordi", route=EscalationRoute.BORGMESTER))
    assert effects(record) == ["escalation:borgmester"]
    assert record.state.history[-1].details == {"route": "borgmester"}
