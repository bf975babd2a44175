"""What each step and each deadline does to a complaint (docs/legal-reference.md §2.2), as pure functions of the case.

The workflow checks a step against its rule (domain/rules.py), asks the calendar activity for any date the
step needs (the `*_question` functions say what to ask), and then calls the function here with the step
and the answer. Each one records the step, changes the phase and queues the letters, warnings and
escalations it causes, in the order the citizen and the leder get them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain import warning_texts
from domain.calendar_answers import (
    AktindsigtClosed,
    AktindsigtCloseQuestion,
    AktindsigtOpened,
    IntakeDeadlines,
    Moment,
    NewDecisionDeadlines,
    ReceivedDeadlines,
    ReceivedQuestion,
    StandingConfirmed,
)
from domain.case_record import SYSTEM, CaseRecord
from domain.errors import KlagesagError
from domain.models import (
    AktindsigtAnswered,
    AktindsigtRequest,
    AktindsigtRequested,
    AnkestyrelsenDecided,
    AnkestyrelsenReceived,
    CaseAssigned,
    CaseState,
    ComplaintReceivedAgain,
    EscalationRequested,
    ForwardCase,
    ForwardEntry,
    FuldmagtReceived,
    GenvurderingDone,
    NewDecisionMade,
    Step,
    Withdrawn,
)
from domain.policy import REPEATED_REMAND
from domain.vocabulary import (
    AnkestyrelsenOutcome,
    CaseOutcome,
    DeadlineName,
    EscalationRoute,
    GenvurderingResult,
    LetterKind,
    NewDecisionResult,
    Phase,
    WarningKind,
)


class InconsistentState(KlagesagError):
    """The case state breaks an invariant the rules guarantee: a bug, never bad input."""


def pending_aktindsigt(state: CaseState) -> AktindsigtRequest:
    request = state.pending_aktindsigt()
    if request is None:
        raise InconsistentState(f"case {state.case_id} has no pending aktindsigt request")
    return request


# --- intake ----------------------------------------------------------------------------------------------


def intake(record: CaseRecord, answer: IntakeDeadlines) -> None:
    """Kvittering, standing and klagefrist (docs/legal-reference.md §2.2 S2, §2.6)."""
    s = record.state
    s.complaint_received = s.filing.received
    s.deadlines[DeadlineName.GENVURDERING] = answer.genvurdering
    if answer.klagefrist is not None:
        s.deadlines[DeadlineName.KLAGEFRIST] = answer.klagefrist
    s.late = answer.late
    s.timeliness = answer.timeliness
    s.unit, s.assignee = s.filing.unit, s.filing.assignee
    representative = s.filing.representative
    step = Step(actor=s.filing.actor, reason=f"Klage modtaget ({s.filing.channel.value})")
    if representative is not None and not representative.has_standing:
        # §2.2 S2b: ask for the fuldmagt, disclose nothing, start no genvurdering clock yet (R27-R29).
        s.standing_confirmed = False
        s.deadlines.pop(DeadlineName.GENVURDERING)
        record.record("filed", step, Phase.AWAITING_STANDING)
        record.letter(LetterKind.FULDMAGT_ANMODNING)
    else:
        record.record("filed", step, Phase.GENVURDERING)
        record.letter(LetterKind.KVITTERING)


# --- aktindsigt (FVL §§ 9, 16; OFL § 36) ----------------------------------------------------------------


def aktindsigt_requested(record: CaseRecord, step: AktindsigtRequested, opened: AktindsigtOpened) -> None:
    """A request pauses the running clock: the klagefrist, or the genvurdering (docs/legal-reference.md §2.3)."""
    s = record.state
    interrupts = DeadlineName.KLAGEFRIST if s.phase == Phase.KLAGEFRIST else DeadlineName.GENVURDERING
    s.aktindsigt.append(
        AktindsigtRequest(round=s.round, requested=opened.requested, answer_due=opened.answer_due, interrupts=interrupts)
    )
    s.deadlines[DeadlineName.AKTINDSIGT] = opened.answer_due
    record.record(
        "aktindsigt-requested",
        step,
        Phase.AKTINDSIGT,
        interrupts=interrupts.value,
        due=opened.answer_due.deadline.due.isoformat(),
    )


def aktindsigt_answered_question(state: CaseState, now: datetime) -> AktindsigtCloseQuestion:
    return AktindsigtCloseQuestion(
        at=now,
        request=pending_aktindsigt(state),
        klagefrist=state.deadlines.get(DeadlineName.KLAGEFRIST),
        complaint_received=state.complaint_received or state.filing.received,
        earlier_pauses=state.round_pauses(),
    )


def aktindsigt_answered(record: CaseRecord, step: AktindsigtAnswered, closed: AktindsigtClosed) -> None:
    s = record.state
    request = pending_aktindsigt(s)
    s.aktindsigt[s.aktindsigt.index(request)] = request.model_copy(update={"answered": closed.answered})
    s.deadlines.pop(DeadlineName.AKTINDSIGT, None)
    s.deadlines[request.interrupts] = closed.moved
    # The answer ends an aktindsigt breach; an overdue genvurdering stays overdue.
    s.overdue = s.has_warning(record.warning_key(WarningKind.GENVURDERING_OVERSKREDET))
    reopens_klagefrist = request.interrupts == DeadlineName.KLAGEFRIST
    record.letter(
        LetterKind.AKTINDSIGT_SVAR,
        aktindsigt_requested=request.requested,
        aktindsigt_answer_due=request.answer_due.deadline.due,
        klagefrist=closed.moved.deadline.due if reopens_klagefrist else None,
    )
    record.record(
        "aktindsigt-answered",
        step,
        Phase.KLAGEFRIST if reopens_klagefrist else Phase.GENVURDERING,
        moved=request.interrupts.value,
        due=closed.moved.deadline.due.isoformat(),
    )


# --- standing (FVL § 8) ------------------------------------------------------------------------------------


def fuldmagt_received(record: CaseRecord, step: FuldmagtReceived, confirmed: StandingConfirmed) -> None:
    s = record.state
    s.standing_confirmed = True
    s.deadlines[DeadlineName.GENVURDERING] = confirmed.genvurdering
    record.record("fuldmagt-received", step, Phase.GENVURDERING)
    record.letter(LetterKind.KVITTERING)


# --- genvurdering (rsl § 66) -----------------------------------------------------------------------------


def genvurdering(record: CaseRecord, step: GenvurderingDone) -> None:
    s = record.state
    s.genvurdering_result = step.result
    s.overdue = False
    if step.result == GenvurderingResult.FULDT_MEDHOLD:
        # N5: a new decision in the citizen's favour closes the case; no klagevejledning (FVL § 25).
        record.letter(LetterKind.NY_AFGOERELSE_MEDHOLD, reason=step.reason)
        s.outcome = CaseOutcome.FULDT_MEDHOLD
        s.final_decision_at = record.now()
        s.deadlines.clear()
        record.record("genvurdering", step, Phase.CLOSED, result=step.result.value)
        return
    if step.result == GenvurderingResult.DELVIST_MEDHOLD:
        # §2.8: a new decision for the changed part; the rest goes on to Ankestyrelsen.
        record.letter(LetterKind.NY_AFGOERELSE_DELVIST, reason=step.reason)
    # N6 and N8: the citizen is told within the 4 weeks, and the case is forwarded (R3).
    record.letter(LetterKind.IKKE_FULDT_MEDHOLD, reason=step.reason)
    forward = ForwardEntry(
        key=f"{s.case_id}:r{s.round}:oversendelse",
        round=s.round,
        at=record.now(),
        genvurdering_result=step.result,
        late=s.late,
    )
    s.forwards.append(forward)
    s.pending.append(ForwardCase(forward=forward))
    record.letter(LetterKind.OVERSENDELSE)
    s.deadlines.clear()
    record.record("genvurdering", step, Phase.FORWARDED, result=step.result.value)


# --- Ankestyrelsen -----------------------------------------------------------------------------------------


def ankestyrelsen_received(record: CaseRecord, step: AnkestyrelsenReceived) -> None:
    s = record.state
    s.journal_number = step.journal_number.strip()
    record.record("ankestyrelsen-received", step, Phase.AT_ANKESTYRELSEN, journal=s.journal_number)


def ankestyrelsen_outcome(record: CaseRecord, step: AnkestyrelsenDecided) -> None:
    s = record.state
    s.outcome = CaseOutcome(step.outcome.value)
    if step.outcome == AnkestyrelsenOutcome.HJEMVIST:
        # §2.5: the decision is annulled and the kommune decides again (R33); a counter, and the leder is
        # alerted when it repeats.
        s.remand_count += 1
        record.record("ankestyrelsen-outcome", step, Phase.GENBEHANDLING, outcome=step.outcome.value)
        record.letter(LetterKind.GENOPTAGELSE_EFTER_HJEMVISNING)
        if s.remand_count >= REPEATED_REMAND:
            message = warning_texts.repeated_remand(s.remand_count)
            record.warn(record.warning_key(WarningKind.GENTAGEN_HJEMVISNING), WarningKind.GENTAGEN_HJEMVISNING, message)
            record.escalate_automatically(EscalationRoute.LEDER, message)
        return
    s.final_decision_at = record.now()
    if step.outcome in (AnkestyrelsenOutcome.AENDRET, AnkestyrelsenOutcome.OPHAEVET):
        record.letter(LetterKind.ANKESTYRELSEN_EFFEKTUERING, outcome=step.outcome)
    record.record("ankestyrelsen-outcome", step, Phase.CLOSED, outcome=step.outcome.value)


# --- after hjemvisning (docs/legal-reference.md §2.5) --------------------------------------------------------------------


def new_decision(record: CaseRecord, step: NewDecisionMade, decided: NewDecisionDeadlines) -> None:
    s = record.state
    s.new_decision_result = step.result
    s.deadlines.clear()
    if step.result == NewDecisionResult.BEVILLING:
        record.letter(LetterKind.NY_AFGOERELSE_EFTER_HJEMVISNING, reason=step.reason)
        s.outcome = CaseOutcome.BEVILGET_EFTER_HJEMVISNING
        s.final_decision_at = record.now()
        record.record("new-decision", step, Phase.CLOSED, result=step.result.value)
        return
    # A new decision brings a new klagevejledning and a new klagefrist (FVL § 25, rsl § 67, §2.5).
    due = decided.klagefrist.deadline.due
    s.deadlines[DeadlineName.KLAGEFRIST] = decided.klagefrist
    record.letter(LetterKind.NY_AFGOERELSE_EFTER_HJEMVISNING, reason=step.reason, klagefrist=due)
    record.record("new-decision", step, Phase.KLAGEFRIST, result=step.result.value, klagefrist=due.isoformat())


def complaint_received_question(state: CaseState, now: datetime) -> ReceivedQuestion:
    return ReceivedQuestion(at=now, klagefrist=state.deadlines[DeadlineName.KLAGEFRIST])


def complaint_received(record: CaseRecord, step: ComplaintReceivedAgain, received: ReceivedDeadlines) -> None:
    """The citizen complains about the new decision: round N+1 starts (the workflow continues as new)."""
    s = record.state
    record.record("complaint-received", step, Phase.GENVURDERING, next_round=str(s.round + 1))
    s.round += 1
    s.complaint_received = received.received
    s.late = received.late
    s.timeliness = received.timeliness
    s.deadlines = {DeadlineName.GENVURDERING: received.genvurdering}
    s.genvurdering_result = None
    s.journal_number = None
    s.outcome = None
    s.overdue = False
    record.letter(LetterKind.KVITTERING)


# --- withdrawal and escalation -----------------------------------------------------------------------------


def withdraw(record: CaseRecord, step: Withdrawn) -> None:
    # §7: stop the timers and confirm; at Ankestyrelsen the case is recorded as bortfaldet (R32).
    s = record.state
    s.outcome = CaseOutcome.TILBAGETRUKKET
    s.overdue = False
    s.deadlines.clear()
    record.letter(LetterKind.TILBAGETRAEKNING)
    record.record("withdraw", step, Phase.WITHDRAWN)


def assign(record: CaseRecord, step: CaseAssigned) -> None:
    """A new owner; the history keeps who had it before and why it moved."""
    s = record.state
    details = {"unit": step.unit.strip(), "from_unit": s.unit or ""}
    if step.assignee or s.assignee:
        details.update(assignee=step.assignee or "", from_assignee=s.assignee or "")
    s.unit, s.assignee = step.unit.strip(), step.assignee
    record.record("assign", step, s.phase, **details)


def escalate(record: CaseRecord, step: EscalationRequested) -> None:
    record.escalate(step.route, step.actor, step.reason, automatic=False)
    record.record("escalate", step, record.state.phase, route=step.route.value)


# --- what the deadlines do when they pass ------------------------------------------------------------------


def genvurdering_due(state: CaseState) -> date:
    return state.deadlines[DeadlineName.GENVURDERING].deadline.due


def warn_genvurdering_soon(record: CaseRecord) -> None:
    record.warn(
        record.warning_key(WarningKind.GENVURDERING_SNART),
        WarningKind.GENVURDERING_SNART,
        warning_texts.genvurdering_soon(genvurdering_due(record.state)),
    )
    record.touch()


def genvurdering_overdue(record: CaseRecord, *, tell_citizen: bool) -> None:
    """The 4 weeks passed: the case is overdue, the leder is alerted, and the citizen is told (R4) where
    the workflow version does that (docs/changing-workflows.md)."""
    message = warning_texts.genvurdering_overdue(genvurdering_due(record.state))
    record.warn(record.warning_key(WarningKind.GENVURDERING_OVERSKREDET), WarningKind.GENVURDERING_OVERSKREDET, message)
    record.state.overdue = True
    record.escalate_automatically(EscalationRoute.LEDER, message)
    if tell_citizen:
        record.letter(LetterKind.GENVURDERING_FORSINKET)
    record.touch()


def aktindsigt_overdue(record: CaseRecord) -> None:
    """7 arbejdsdage passed without an answer: a breach warning and an automatic fristbrev (OFL § 36)."""
    s = record.state
    pending = pending_aktindsigt(s)
    record.warn(
        record.warning_key(WarningKind.AKTINDSIGT_OVERSKREDET, len(s.aktindsigt)),
        WarningKind.AKTINDSIGT_OVERSKREDET,
        warning_texts.aktindsigt_overdue(pending.requested, pending.answer_due.deadline.due),
    )
    record.letter(
        LetterKind.AKTINDSIGT_FRISTBREV,
        aktindsigt_requested=pending.requested,
        aktindsigt_answer_due=pending.answer_due.deadline.due,
        reason=warning_texts.AKTINDSIGT_DELAY_REASON,
    )
    s.overdue = True
    record.touch()


def ankestyrelsen_long_wait(record: CaseRecord, wait: timedelta, key: str) -> None:
    record.warn(key, WarningKind.ANKESTYRELSEN_LANG_VENTETID, warning_texts.ankestyrelsen_long_wait(wait.days))
    record.touch()


def klagefrist_expired(record: CaseRecord) -> None:
    """No complaint about the new decision: it is final (docs/legal-reference.md §2.5)."""
    s = record.state
    record.record("klagefrist-expired", Step(actor=SYSTEM, reason="Klagefristen udløb uden ny klage"), Phase.CLOSED)
    s.outcome = CaseOutcome.ENDELIG_AFGOERELSE
    s.final_decision_at = record.now()
    s.deadlines.pop(DeadlineName.KLAGEFRIST, None)


def moment(state: CaseState, now: datetime) -> Moment:
    """The question of the steps whose date is simply the day they are taken."""
    return Moment(at=now)
