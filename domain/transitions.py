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
    ExtensionAnswer,
    ExtensionQuestion,
    IntakeDeadlines,
    Moment,
    NewDecisionDeadlines,
    ReceivedDeadlines,
    ReceivedQuestion,
    ServicemaalStarted,
    StandingConfirmed,
)
from domain.case_record import SYSTEM, CaseRecord, point_fact
from domain.errors import KlagesagError, missing
from domain.models import (
    AktindsigtAnswered,
    AktindsigtRequest,
    AktindsigtRequested,
    AnkestyrelsenDecided,
    AnkestyrelsenPartshoering,
    AnkestyrelsenReceived,
    CaseAssigned,
    CaseState,
    ComplaintReceivedAgain,
    EscalationRequested,
    ForwardCase,
    FormalAnswered,
    FormalEscalated,
    FormalTrack,
    ForwardEntry,
    FuldmagtReceived,
    GenoptagelseDecided,
    GenvurderingDone,
    GenvurderingExtended,
    HastebehandlingRequested,
    Klagepunkt,
    KlagepunktAdded,
    KlagepunktDecided,
    NewDecisionMade,
    NewInformation,
    Representative,
    RepresentativeChanged,
    Step,
    SubstanceReceived,
    Withdrawn,
)
from domain.policy import GENVURDERING_WAITS_FOR_SUBSTANCE, REPEATED_REMAND, SERVICEMAAL_AT_EACH_LEVEL
from domain.rules import FORMAL_PHASES
from domain.vocabulary import (
    AnkestyrelsenOutcome,
    CaseOutcome,
    ComplaintKind,
    DeadlineName,
    EscalationRoute,
    FormalStage,
    GenoptagelseResult,
    GenvurderingResult,
    LetterKind,
    NewDecisionResult,
    Phase,
    PointOutcome,
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


def intake(record: CaseRecord, answer: IntakeDeadlines, *, formal_track: bool = False) -> None:
    """Kvittering, standing and klagefrist (docs/legal-reference.md §2.2 S2, §2.6); the klagepunkter, and
    the formal track when the complaint has formal points and the workflow version knows it (§2.9)."""
    s = record.state
    s.klagepunkter = s.filing.initial_points()
    if formal_track:
        if answer.servicemaal is None:
            raise InconsistentState(f"case {s.case_id} has formal klagepunkter but no servicemål from intake")
        s.formal = FormalTrack(
            stage=FormalStage.FIRST_LEVEL,
            answer_due=answer.servicemaal,
            servicemaal_days=answer.servicemaal_days,
            opened_at=record.now(),
            covers=[p.number for p in s.klagepunkter if p.is_formal],
        )
        if not s.filing.has_realitet_points:
            _formal_intake(record, answer)
            return
    s.complaint_received = s.filing.received
    s.deadlines[DeadlineName.GENVURDERING] = answer.genvurdering
    if answer.klagefrist is not None:
        s.deadlines[DeadlineName.KLAGEFRIST] = answer.klagefrist
    if answer.substance is not None:
        s.deadlines[DeadlineName.UDDYBNING] = answer.substance
    s.late = answer.late
    s.timeliness = answer.timeliness
    s.unit, s.assignee = s.filing.unit, s.filing.assignee
    representative = s.filing.representative
    step = Step(actor=s.filing.actor, reason=f"Klage modtaget ({s.filing.channel.value})")
    details = _intake_details(s)
    if representative is not None and not representative.has_standing:
        # §2.2 S2b: ask for the fuldmagt, disclose nothing, start no genvurdering clock yet (R27-R29).
        s.standing_confirmed = False
        s.deadlines.pop(DeadlineName.GENVURDERING)
        record.record("filed", step, Phase.AWAITING_STANDING, **details)
        record.letter(LetterKind.FULDMAGT_ANMODNING)
    else:
        _may_act(record, step, "filed", details)
    if s.filing.misdirected is not None:
        # §2.7: whether the first receipt keeps the complaint timely is contested (R63, R64): a person looks.
        record.warn(
            record.warning_key(WarningKind.FORKERT_MYNDIGHED),
            WarningKind.FORKERT_MYNDIGHED,
            warning_texts.misdirected(s.filing.misdirected.via, s.filing.misdirected.first_received),
        )


def _intake_details(s: CaseState) -> dict[str, str]:
    """How the complaint came in, for the history: the paths of §2.6, §2.7 and §3."""
    details: dict[str, str] = {}
    if s.filing.misdirected is not None:
        details.update(
            misdirected=s.filing.misdirected.via.value, first_received=s.filing.misdirected.first_received.isoformat()
        )
    if s.filing.routed_from_borgerraadgiver:
        details["routed"] = "borgerraadgiver-to-genvurdering"
    if s.filing.decided_by_boerne_og_ungeudvalg:
        details["udvalg"] = "boerne-og-ungeudvalg"
    if s.filing.placeholder:
        details["placeholder"] = "klage-foelger"
    if s.filing.linked_cases:
        details["linked_cases"] = ",".join(s.filing.linked_cases)
    return details


def _may_act(record: CaseRecord, step: Step, name: str, details: dict[str, str]) -> None:
    """The kommune may act on the complaint (standing is clear): a børne- og ungeudvalg decision goes
    straight to Ankestyrelsen (R3), a "klage følger" waits for its substance (R11, policy), any other
    complaint starts its genvurdering."""
    s = record.state
    if s.filing.decided_by_boerne_og_ungeudvalg:
        s.deadlines.clear()
        forward = ForwardEntry(
            key=f"{s.case_id}:r{s.round}:oversendelse", round=s.round, at=record.now(), genvurdering_result=None,
            late=s.late,
        )
        s.forwards.append(forward)
        s.pending.append(ForwardCase(forward=forward))
        record.record(name, step, Phase.FORWARDED, **details)
        record.letter(LetterKind.OVERSENDELSE)
    elif s.filing.placeholder and GENVURDERING_WAITS_FOR_SUBSTANCE and DeadlineName.UDDYBNING in s.deadlines:
        s.deadlines.pop(DeadlineName.GENVURDERING, None)
        record.record(name, step, Phase.AWAITING_SUBSTANCE, **details)
        record.letter(LetterKind.KVITTERING_KLAGE_FOELGER, substance_due=substance_due(s))
    else:
        s.deadlines.pop(DeadlineName.UDDYBNING, None)
        record.record(name, step, Phase.GENVURDERING, **details)
        record.letter(LetterKind.KVITTERING)


def substance_due(state: CaseState) -> date:
    """The day the citizen is asked to send the substance of a "klage følger" by (policy)."""
    return state.deadlines[DeadlineName.UDDYBNING].deadline.due


def _formal_intake(record: CaseRecord, answer: IntakeDeadlines) -> None:
    """A formalitetsklage alone: no klagefrist, no genvurdering; the forvaltning answers (§2.9 F0-F1)."""
    s = record.state
    s.complaint_received = s.filing.received
    s.late = False
    s.timeliness = answer.timeliness
    s.unit, s.assignee = s.filing.unit, s.filing.assignee
    representative = s.filing.representative
    step = Step(actor=s.filing.actor, reason=f"Formalitetsklage modtaget ({s.filing.channel.value})")
    if representative is not None and not representative.has_standing:
        # Tavshedspligt holds here too: nothing about the case to a sender without a fuldmagt (R27-R29).
        s.standing_confirmed = False
        record.record("filed", step, Phase.AWAITING_STANDING)
        record.letter(LetterKind.FULDMAGT_ANMODNING)
    else:
        record.record("filed", step, Phase.FORMAL_FIRST_LEVEL)
        record.letter(LetterKind.KVITTERING_FORMALITET)


def _phase_after_realitet(s: CaseState) -> Phase:
    """Where a case goes when its realitet track ends: closed, or on with its formal points still open."""
    if not s.formal_open:
        return Phase.CLOSED
    if s.formal is None:
        raise missing("formal")
    return Phase.FORMAL_ESCALATED if s.formal.stage == FormalStage.ESCALATED else Phase.FORMAL_FIRST_LEVEL


def _realitet_points_decided(s: CaseState, outcome: PointOutcome) -> None:
    """The udfald of the realitet points of the case (docs/legal-reference.md §4.1)."""
    s.klagepunkter = [p if p.is_formal else p.model_copy(update={"outcome": outcome}) for p in s.points]


def _realitet_points_at_klageinstans(s: CaseState, outcome: AnkestyrelsenOutcome) -> None:
    s.klagepunkter = [
        p if p.is_formal else p.model_copy(update={"klageinstans_outcome": outcome}) for p in s.points
    ]


_GENVURDERING_POINT_OUTCOME = {
    GenvurderingResult.FULDT_MEDHOLD: PointOutcome.HELT_MEDHOLD,
    GenvurderingResult.DELVIST_MEDHOLD: PointOutcome.DELVIST_MEDHOLD,
    GenvurderingResult.FASTHOLDT: PointOutcome.IKKE_MEDHOLD,
}
_NEW_DECISION_POINT_OUTCOME = {
    NewDecisionResult.BEVILLING: PointOutcome.HELT_MEDHOLD,
    NewDecisionResult.DELVIS: PointOutcome.DELVIST_MEDHOLD,
    NewDecisionResult.AFSLAG: PointOutcome.IKKE_MEDHOLD,
}


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


def aktindsigt_answered_question(state: CaseState, now: datetime, step: Step) -> AktindsigtCloseQuestion:
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
    if s.formal is not None and not s.filing.has_realitet_points:
        record.record("fuldmagt-received", step, Phase.FORMAL_FIRST_LEVEL)
        record.letter(LetterKind.KVITTERING_FORMALITET)
        return
    s.deadlines[DeadlineName.GENVURDERING] = confirmed.genvurdering
    if s.filing.decided_by_boerne_og_ungeudvalg or s.filing.placeholder:
        _may_act(record, step, "fuldmagt-received", {})
        return
    record.record("fuldmagt-received", step, Phase.GENVURDERING)
    record.letter(LetterKind.KVITTERING)


# --- "klage følger" (docs/legal-reference.md §2.6, R11) -----------------------------------------------------


def substance_received(record: CaseRecord, step: SubstanceReceived, confirmed: StandingConfirmed) -> None:
    """The substance arrived: the genvurdering's 4 weeks run from today (policy); the complaint keeps the
    receipt date of its placeholder for timeliness."""
    s = record.state
    s.deadlines.pop(DeadlineName.UDDYBNING, None)
    s.deadlines[DeadlineName.GENVURDERING] = confirmed.genvurdering
    record.record("substance-received", step, Phase.GENVURDERING, genvurdering=confirmed.genvurdering.deadline.due.isoformat())
    record.letter(LetterKind.KVITTERING)


def substance_overdue(record: CaseRecord) -> None:
    """The waiting period passed without the substance: the caseworker follows up, and failing that
    genvurderer on what the case holds (a complaint needs no reasons, R3)."""
    s = record.state
    record.warn(
        record.warning_key(WarningKind.UDDYBNING_MANGLER),
        WarningKind.UDDYBNING_MANGLER,
        warning_texts.substance_overdue(substance_due(s)),
    )
    record.touch()


# --- genvurdering (rsl § 66) -----------------------------------------------------------------------------


def genvurdering(record: CaseRecord, step: GenvurderingDone) -> None:
    s = record.state
    s.genvurdering_result = step.result
    s.overdue = False
    _realitet_points_decided(s, _GENVURDERING_POINT_OUTCOME[step.result])
    if step.result == GenvurderingResult.FULDT_MEDHOLD:
        # N5: a new decision in the citizen's favour closes the case; no klagevejledning (FVL § 25).
        record.letter(LetterKind.NY_AFGOERELSE_MEDHOLD, reason=step.reason)
        s.outcome = CaseOutcome.FULDT_MEDHOLD
        s.final_decision_at = record.now()
        s.deadlines.clear()
        record.record("genvurdering", step, _phase_after_realitet(s), result=step.result.value)
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


def genvurdering_extension_question(state: CaseState, now: datetime, step: GenvurderingExtended) -> ExtensionQuestion:
    return ExtensionQuestion(expected=step.expected, legal_due=genvurdering_due(state))


def genvurdering_extended(record: CaseRecord, step: GenvurderingExtended, answer: ExtensionAnswer) -> None:
    """N7: the citizen is told why the genvurdering takes longer and when it is expected (R4). The legal
    4 weeks stay; the breach is judged against the date the citizen was given."""
    s = record.state
    s.deadlines[DeadlineName.GENVURDERING_FORVENTET] = answer.expected
    record.letter(LetterKind.GENVURDERING_FORLAENGET, reason=step.reason, genvurdering_expected=step.expected)
    record.record("genvurdering-extended", step, s.phase, expected=step.expected.isoformat())


# --- Ankestyrelsen -----------------------------------------------------------------------------------------


def ankestyrelsen_received(record: CaseRecord, step: AnkestyrelsenReceived) -> None:
    s = record.state
    s.journal_number = step.journal_number.strip()
    record.record("ankestyrelsen-received", step, Phase.AT_ANKESTYRELSEN, journal=s.journal_number)


def ankestyrelsen_partshoering(record: CaseRecord, step: AnkestyrelsenPartshoering) -> None:
    """N10: Ankestyrelsen hears the party itself (R40); the kommune notes it and the frist for comments."""
    details = {"answer_by": step.answer_by.isoformat()} if step.answer_by else {}
    record.record("ankestyrelsen-partshoering", step, record.state.phase, **details)


def new_information(record: CaseRecord, step: NewInformation) -> None:
    """New information from the citizen goes on to Ankestyrelsen (R40; FVL § 7 stk. 2), and the citizen is told."""
    record.record("new-information", step, record.state.phase, forwarded="ankestyrelsen")
    record.letter(LetterKind.NYE_OPLYSNINGER)


def hastebehandling_requested(record: CaseRecord, step: HastebehandlingRequested) -> None:
    """Ankestyrelsen decides on hastebehandling (R35); the kommune sends the request on and tells the citizen."""
    record.state.haste_requested = True
    record.record("hastebehandling-requested", step, record.state.phase, forwarded="ankestyrelsen")
    record.letter(LetterKind.HASTEBEHANDLING)


def ankestyrelsen_outcome(record: CaseRecord, step: AnkestyrelsenDecided) -> None:
    s = record.state
    s.outcome = CaseOutcome(step.outcome.value)
    _realitet_points_at_klageinstans(s, step.outcome)
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
        # rsl § 72 stk. 7 (R41): a change to the detriment says from when it applies.
        record.letter(LetterKind.ANKESTYRELSEN_EFFEKTUERING, outcome=step.outcome, detriment_from=step.detriment_from)
    details = {"outcome": step.outcome.value}
    if step.detriment_from is not None:
        details["detriment_from"] = step.detriment_from.isoformat()
    record.record("ankestyrelsen-outcome", step, _phase_after_realitet(s), **details)


# --- after hjemvisning (docs/legal-reference.md §2.5) --------------------------------------------------------------------


def new_decision(record: CaseRecord, step: NewDecisionMade, decided: NewDecisionDeadlines) -> None:
    s = record.state
    s.new_decision_result = step.result
    s.deadlines.clear()
    _realitet_points_decided(s, _NEW_DECISION_POINT_OUTCOME[step.result])
    genoptaget = s.phase == Phase.GENOPTAGET  # after genoptagelse (S11), not hjemvisning
    if step.result == NewDecisionResult.BEVILLING:
        record.letter(LetterKind.NY_AFGOERELSE_EFTER_HJEMVISNING, reason=step.reason, genoptaget=genoptaget)
        s.outcome = CaseOutcome.BEVILGET_EFTER_HJEMVISNING
        s.final_decision_at = record.now()
        record.record("new-decision", step, _phase_after_realitet(s), result=step.result.value)
        return
    # A new decision brings a new klagevejledning and a new klagefrist (FVL § 25, rsl § 67, §2.5).
    due = decided.klagefrist.deadline.due
    s.deadlines[DeadlineName.KLAGEFRIST] = decided.klagefrist
    record.letter(LetterKind.NY_AFGOERELSE_EFTER_HJEMVISNING, reason=step.reason, klagefrist=due, genoptaget=genoptaget)
    record.record("new-decision", step, Phase.KLAGEFRIST, result=step.result.value, klagefrist=due.isoformat())


def genoptagelse(record: CaseRecord, step: GenoptagelseDecided) -> None:
    """S11: reopened, the kommune decides again (a new decision, a new klagefrist); refused, the case stays
    closed and the citizen gets the begrundelse (R55, R56)."""
    s = record.state
    if step.result == GenoptagelseResult.AFSLAAET:
        record.letter(LetterKind.GENOPTAGELSE_AFSLAG, reason=step.reason)
        record.record("genoptagelse", step, Phase.CLOSED, result=step.result.value)
        return
    if step.ground is None:
        raise missing("ground")
    s.outcome = None
    s.genvurdering_result = None
    s.journal_number = None
    record.letter(LetterKind.GENOPTAGELSE, reason=step.reason, genoptagelse_ground=step.ground)
    record.record("genoptagelse", step, Phase.GENOPTAGET, result=step.result.value, ground=step.ground.value)


def complaint_received_question(state: CaseState, now: datetime, step: Step) -> ReceivedQuestion:
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
    s.haste_requested = False  # a request for hastebehandling was for the last round's appeal
    record.letter(LetterKind.KVITTERING)


# --- withdrawal and escalation -----------------------------------------------------------------------------


def withdraw(record: CaseRecord, step: Withdrawn) -> None:
    # §7: stop the timers and confirm; at Ankestyrelsen the case is recorded as bortfaldet (R32).
    s = record.state
    s.outcome = CaseOutcome.TILBAGETRUKKET
    s.overdue = False
    s.deadlines.clear()
    at_ankestyrelsen = s.phase in (Phase.FORWARDED, Phase.AT_ANKESTYRELSEN)
    s.klagepunkter = [_withdrawn(p, at_ankestyrelsen) for p in s.points]
    if s.formal is not None:
        s.formal = s.formal.model_copy(update={"stage": FormalStage.CONCLUDED})
    record.letter(LetterKind.TILBAGETRAEKNING)
    record.record("withdraw", step, Phase.WITHDRAWN)


def _withdrawn(point: Klagepunkt, at_ankestyrelsen: bool) -> Klagepunkt:
    """An undecided point ends as withdrawn; at Ankestyrelsen the case is recorded as bortfaldet (R32)."""
    update: dict[str, object] = {}
    if point.outcome is None:
        update["outcome"] = PointOutcome.TILBAGETRUKKET
    if at_ankestyrelsen and not point.is_formal:
        update["klageinstans_outcome"] = AnkestyrelsenOutcome.BORTFALDET
    return point.model_copy(update=update) if update else point


def assign(record: CaseRecord, step: CaseAssigned) -> None:
    """A new owner; the history keeps who had it before and why it moved."""
    s = record.state
    details = {"unit": step.unit.strip(), "from_unit": s.unit or ""}
    if step.assignee or s.assignee:
        details.update(assignee=step.assignee or "", from_assignee=s.assignee or "")
    s.unit, s.assignee = step.unit.strip(), step.assignee
    record.record("assign", step, s.phase, **details)


def representative_changed(record: CaseRecord, step: RepresentativeChanged) -> None:
    """N15: a new partsrepræsentant, or the fuldmagt revoked; the letters go to the right recipient from
    this one on (FVL § 8, R27, R40). The name stays in PostgreSQL under `name_seq`."""
    s = record.state
    s.representative_changed = True
    s.current_representative = (
        Representative(kind=step.kind, has_fuldmagt=step.has_fuldmagt) if step.kind is not None else None
    )
    s.representative_seq = step.name_seq if step.kind is not None else 0
    s.standing_confirmed = True
    details = {"representative": step.kind.value if step.kind else "revoked"}
    record.record("representative-changed", step, s.phase, **details)
    record.letter(LetterKind.REPRAESENTANT_AENDRET, representative_revoked=step.kind is None)


def escalate(record: CaseRecord, step: EscalationRequested) -> None:
    record.escalate(step.route, step.actor, step.reason, automatic=False)
    record.record("escalate", step, record.state.phase, route=step.route.value)


# --- what the deadlines do when they pass ------------------------------------------------------------------


def genvurdering_due(state: CaseState) -> date:
    return state.deadlines[DeadlineName.GENVURDERING].deadline.due


def genvurdering_breach_at(state: CaseState) -> datetime:
    """When the genvurdering is late: at the 4 weeks, or at the later date an extension notice gave (R4)."""
    legal = state.deadlines[DeadlineName.GENVURDERING].ends_at
    promised = state.deadlines.get(DeadlineName.GENVURDERING_FORVENTET)
    return max(legal, promised.ends_at) if promised is not None else legal


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
    promised = record.state.deadlines.get(DeadlineName.GENVURDERING_FORVENTET)
    message = warning_texts.genvurdering_overdue(
        genvurdering_due(record.state), promised.deadline.due if promised is not None else None
    )
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
    record.record(
        "klagefrist-expired", Step(actor=SYSTEM, reason="Klagefristen udløb uden ny klage"), _phase_after_realitet(s)
    )
    s.outcome = CaseOutcome.ENDELIG_AFGOERELSE
    s.final_decision_at = record.now()
    s.deadlines.pop(DeadlineName.KLAGEFRIST, None)


# --- klagepunkter and the formal track (docs/legal-reference.md §2.1, §2.9) ------------------------------------


def klagepunkt_added(record: CaseRecord, step: KlagepunktAdded, started: ServicemaalStarted) -> None:
    """A point appended to the open case (§7: a returning complainant's points are appended, not a new
    case). A formal point starts the formal track at the forvaltning when none is open, with its servicemål."""
    s = record.state
    realitet = step.track == ComplaintKind.REALITET
    point = Klagepunkt(
        number=max((p.number for p in s.points), default=0) + 1,
        track=step.track,
        category=step.category,
        decision_ref=s.filing.decision.reference if realitet else None,
        law=step.law or (s.filing.law if realitet else None),
        paragraph=step.paragraph if step.law else (s.filing.paragraph if realitet else None),
        source=step.source,
        round=s.round,
        added_at=record.now(),
    )
    s.klagepunkter = [*s.points, point]
    details = {"point": str(point.number), "track": point.track.value, "source": point.source.value}
    if point.category is not None:
        details["category"] = point.category.value
    if point.is_formal and s.formal is not None and s.formal_open:
        s.formal = s.formal.model_copy(update={"covers": [*s.formal.covers, point.number]})
    elif point.is_formal:
        # The new point goes to the forvaltning first, with a servicemål of its own (§2.9 F1).
        s.formal = FormalTrack(
            stage=FormalStage.FIRST_LEVEL,
            answer_due=started.answer_due,
            servicemaal_days=started.working_days,
            cycle=s.formal.cycle + 1 if s.formal is not None else 1,
            opened_at=record.now(),
            retsstilling=s.formal.retsstilling if s.formal is not None else None,
            covers=[point.number],
        )
        details["servicemaal"] = started.answer_due.deadline.due.isoformat()
    record.record("klagepunkt-added", step, s.phase, **details)
    record.letter(LetterKind.KLAGEPUNKT_MODTAGET, points=[point_fact(point)])


def klagepunkt_decided(record: CaseRecord, step: KlagepunktDecided) -> None:
    s = record.state
    formal = _formal(s)
    point = s.point(step.point)
    if point is None:
        raise InconsistentState(f"case {s.case_id} has no klagepunkt {step.point}")
    decided = point.model_copy(
        update={
            "outcome": PointOutcome(step.outcome.value),
            "decided_by": formal.level,
            "decided_cycle": formal.cycle,
            "category": step.category or point.category,
        }
    )
    s.replace_point(decided)
    details = {"point": str(step.point), "outcome": step.outcome.value, "level": formal.level.value}
    if step.category is not None and step.category != point.category:
        details.update(category=step.category.value, from_category=point.category.value if point.category else "")
    record.record("klagepunkt-decided", step, s.phase, **details)


def formal_answered(record: CaseRecord, step: FormalAnswered) -> None:
    """N14: the answer with the outcome of each formal point and the onward routes. The formal track is
    concluded (F3); a case with no realitet track still running closes."""
    s = record.state
    formal = _formal(s)
    s.formal = formal.model_copy(
        update={
            "stage": FormalStage.CONCLUDED,
            "answered_at": record.now(),
            "retsstilling": step.retsstilling or formal.retsstilling,
        }
    )
    answered = [point_fact(p) for p in s.points if p.number in formal.covers]
    record.letter(LetterKind.FORMALITET_SVAR, reason=step.reason, points=answered)
    phase_after = s.phase
    if s.phase in FORMAL_PHASES:
        phase_after = Phase.CLOSED
        s.outcome = s.outcome or CaseOutcome.BESVARET
        # The ombudsmand's year runs from the last answer of the kommune (R44).
        s.final_decision_at = record.now()
    details = {"level": formal.level.value}
    if step.retsstilling is not None:
        details["retsstilling"] = step.retsstilling.value
    record.record("formal-answer", step, phase_after, **details)


def formal_escalated(record: CaseRecord, step: FormalEscalated, started: ServicemaalStarted) -> None:
    """F2: the borgmester, a direktør or the borgerrådgiver takes the formal complaint, with a servicemål
    of its own (policy). A case closed by the first answer opens again for it."""
    s = record.state
    formal = _formal(s)
    timed = started.answer_due if SERVICEMAAL_AT_EACH_LEVEL else None
    s.formal = FormalTrack(
        stage=FormalStage.ESCALATED,
        level=step.level,
        answer_due=timed,
        servicemaal_days=started.working_days if timed else None,
        cycle=formal.cycle + 1,
        opened_at=record.now(),
        retsstilling=formal.retsstilling,
        covers=[p.number for p in s.points if p.is_formal],  # the whole formal complaint, judged again
    )
    phase_after = s.phase
    if s.phase in FORMAL_PHASES or s.phase == Phase.CLOSED:
        phase_after = Phase.FORMAL_ESCALATED
        if s.outcome == CaseOutcome.BESVARET:
            s.outcome = None
    record.escalate(EscalationRoute(step.level.value), step.actor, step.reason, automatic=False)
    record.record("formal-escalated", step, phase_after, level=step.level.value)
    record.letter(LetterKind.KVITTERING_FORMALITET)


def _formal(s: CaseState) -> FormalTrack:
    if s.formal is None:
        raise InconsistentState(f"case {s.case_id} has no formal track")
    return s.formal


def servicemaal_key(state: CaseState, kind: WarningKind) -> str:
    """Warnings of the formal track are keyed by its servicemål, not by the realitet round."""
    return f"{state.case_id}:f{_formal(state).cycle}:{kind.value}"


def warn_servicemaal_soon(record: CaseRecord) -> None:
    s = record.state
    due = _formal(s).answer_due
    if due is None:
        raise missing("due")
    key = servicemaal_key(s, WarningKind.SERVICEMAAL_SNART)
    record.warn(key, WarningKind.SERVICEMAAL_SNART, warning_texts.servicemaal_soon(due.deadline.due))
    record.touch()


def servicemaal_passed(record: CaseRecord) -> None:
    """R70: the servicemål passed without an answer; the citizen is told, the caseworker warned."""
    s = record.state
    due = _formal(s).answer_due
    if due is None:
        raise missing("due")
    key = servicemaal_key(s, WarningKind.SERVICEMAAL_OVERSKREDET)
    record.warn(key, WarningKind.SERVICEMAAL_OVERSKREDET, warning_texts.servicemaal_passed(due.deadline.due))
    record.letter(LetterKind.FORMALITET_FORSINKET)
    record.touch()


def moment(state: CaseState, now: datetime, step: Step) -> Moment:
    """The question of the steps whose date is simply the day they are taken."""
    return Moment(at=now)
