"""The case's own record: history, letters, warnings and escalations, kept on the case state.

Pure: it writes the state and queues the effects (a letter to send, an escalation to log, ...) that the
workflow then performs through idempotent activities. The clock is given, so the same class runs inside
the workflow (`workflow.now`) and in unit tests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from domain.letters import LetterFacts, PointFact
from domain.models import (
    CaseState,
    EscalationEntry,
    HistoryEntry,
    Klagepunkt,
    LetterEntry,
    LogEscalation,
    RecordWarning,
    SendLetter,
    Step,
    StepResult,
    WarningEntry,
)
from domain.policy import KOMMUNE_HAS_BORGERRAADGIVER, REMEMBERED_UPDATES
from domain.vocabulary import DeadlineName, EscalationRoute, LetterKind, Phase, WarningKind

SYSTEM = "system"  # the actor of what klagesag does by itself (timers)


def point_fact(point: Klagepunkt) -> PointFact:
    return PointFact(
        number=point.number, track=point.track, category=point.category, outcome=point.outcome, source=point.source
    )


class CaseRecord:
    def __init__(self, state: CaseState, clock: Callable[[], datetime]) -> None:
        self.state = state
        self._now = clock

    def now(self) -> datetime:
        return self._now()

    def touch(self) -> None:
        """Mark the state changed, so the read model is written again."""
        self.state.version += 1

    def record(self, name: str, step: Step, phase_after: Phase, **details: str) -> None:
        """One line of the case's history (notatpligt: who, when, why) and the phase it leads to."""
        s = self.state
        now = self._now()
        s.history.append(
            HistoryEntry(
                seq=len(s.history) + 1,
                at=now,
                step=name,
                actor=step.actor,
                reason=step.reason,
                phase_before=s.phase,
                phase_after=phase_after,
                round=s.round,
                details=details,
            )
        )
        if phase_after != s.phase:
            s.phase_entered_at = now
        s.phase = phase_after
        s.last_step_at = now
        self.touch()

    def letter(self, kind: LetterKind, **facts: object) -> None:
        """Queue a letter; its key (case, round, kind, n) makes sending it idempotent."""
        s = self.state
        n = 1 + sum(1 for letter in s.letters if letter.kind == kind and letter.round == s.round)
        genvurdering = s.deadlines.get(DeadlineName.GENVURDERING)
        klagefrist = s.deadlines.get(DeadlineName.KLAGEFRIST)
        promised = s.deadlines.get(DeadlineName.GENVURDERING_FORVENTET)
        base: dict[str, object] = dict(
            case_id=s.case_id,
            round=s.round,
            kommune_name=s.filing.kommune_name,
            decision_ref=s.filing.decision.reference,
            area=s.filing.area,
            complaint_received=s.complaint_received or s.filing.received,
            genvurdering_due=genvurdering.deadline.due if genvurdering else None,
            genvurdering_expected=promised.deadline.due if promised else None,
            # Only a running klagefrist belongs in a letter; after the complaint arrived it is history.
            klagefrist=klagefrist.deadline.due if klagefrist and s.phase == Phase.KLAGEFRIST else None,
            journal_number=s.journal_number,
            genvurdering_result=s.genvurdering_result,
            new_decision_result=s.new_decision_result,
            late=s.late,
            remand_count=s.remand_count,
            points=[point_fact(p) for p in s.points],
            borgerraadgiver=KOMMUNE_HAS_BORGERRAADGIVER,
            misdirected_via=s.filing.misdirected.via if s.filing.misdirected else None,
            first_received=s.filing.misdirected.first_received if s.filing.misdirected else None,
            routed_from_borgerraadgiver=s.filing.routed_from_borgerraadgiver,
            boerne_og_ungeudvalg=s.filing.decided_by_boerne_og_ungeudvalg,
        )
        if s.formal is not None:
            base.update(
                formal_level=s.formal.level,
                servicemaal_due=s.formal.answer_due.deadline.due if s.formal.answer_due else None,
                servicemaal_days=s.formal.servicemaal_days,
            )
        base.update(facts)
        entry = LetterEntry(
            key=f"{s.case_id}:r{s.round}:{kind.value}:{n}",
            kind=kind,
            round=s.round,
            recipient=self.recipient(),
            facts=LetterFacts.model_validate(base),
            representative_seq=s.representative_seq,
        )
        s.letters.append(entry)
        s.pending.append(SendLetter(letter=entry))

    def recipient(self) -> str:
        """The partsrepræsentant when there is one (docs/legal-reference.md §5 N15); the sender without a fuldmagt gets
        only the fuldmagt request (R27)."""
        s = self.state
        if s.representative is None:
            return "part"
        return "partsrepraesentant" if s.standing_confirmed else "afsender"

    def warning_key(self, kind: WarningKind, n: int | None = None) -> str:
        key = f"{self.state.case_id}:r{self.state.round}:{kind.value}"
        return f"{key}:{n}" if n is not None else key

    def warn(self, key: str, kind: WarningKind, message: str) -> None:
        warning = WarningEntry(key=key, kind=kind, at=self._now(), message=message)
        self.state.warnings.append(warning)
        self.state.pending.append(RecordWarning(warning=warning))

    def escalate(self, route: EscalationRoute, actor: str, reason: str, *, automatic: bool) -> None:
        s = self.state
        entry = EscalationEntry(
            key=f"{s.case_id}:e{len(s.escalations) + 1}",
            route=route,
            at=self._now(),
            actor=actor,
            reason=reason,
            automatic=automatic,
        )
        s.escalations.append(entry)
        s.pending.append(LogEscalation(escalation=entry))

    def escalate_automatically(self, route: EscalationRoute, reason: str) -> None:
        self.escalate(route, SYSTEM, reason, automatic=True)

    def result(self, update_id: str | None) -> StepResult:
        """The answer to a step, remembered under its update id for a caller's retry (Temporal remembers
        update ids within one run only; this survives continue-as-new)."""
        s = self.state
        result = StepResult(
            case_id=s.case_id,
            phase=s.phase,
            round=s.round,
            deadlines={name: timed.deadline for name, timed in s.deadlines.items()},
        )
        if s.formal is not None and s.formal_open and s.formal.answer_due is not None and not s.phase.is_terminal:
            result.deadlines[DeadlineName.SERVICEMAAL] = s.formal.answer_due.deadline
        if update_id is not None:
            s.applied_updates[update_id] = result
            while len(s.applied_updates) > REMEMBERED_UPDATES:
                del s.applied_updates[next(iter(s.applied_updates))]
        return result

    def earlier_result(self, update_id: str | None) -> StepResult | None:
        """The result of this very step if it was applied before (a retry with the same update id)."""
        return self.state.applied_updates.get(update_id) if update_id is not None else None
