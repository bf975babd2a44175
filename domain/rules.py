"""Which step the law and the phase allow, and why not: the rules behind every update validator.

Each check raises `StepRefused` with a message a caseworker can act on: what is wrong, the rule, and what
to do instead. They are pure functions of the case state, so the workflow's validators and the unit tests
share one source of truth.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from domain.errors import StepRefused, missing  # StepRefused: every check raises it; readers of the rules look for it here
from domain.models import (
    AnkestyrelsenDecided,
    AnkestyrelsenReceived,
    CaseAssigned,
    CaseState,
    EscalationRequested,
    FormalAnswered,
    FormalEscalated,
    GenoptagelseDecided,
    GenvurderingExtended,
    HastebehandlingRequested,
    RepresentativeChanged,
    KlagepunktAdded,
    KlagepunktDecided,
    Klagepunkt,
    Step,
)
from domain.vocabulary import (
    PHASE_DANISH,
    DeadlineName,
    AnkestyrelsenOutcome,
    ComplaintKind,
    ComplaintRecipient,
    EscalationRoute,
    OutsideBorgerraadgiver,
    FormalLevel,
    FormalStage,
    GenoptagelseResult,
    Phase,
    PointOutcome,
    PointSource,
    RepresentativeKind,
)

MIN_REASON_LENGTH = 3
# Ombudsmandsloven § 13 (the sources do not give the stk.): within 1 year of the final decision [R43, R44];
# the borgerrådgiver declines matters more than 1 year old [SEED 003, R51]. The longest a year can be, for
# timers that must outlast it.
LONGEST_YEAR = timedelta(days=366)


def one_year_after(moment: datetime) -> datetime:
    """The same moment a calendar year later; 29 February runs to 1 March (the year is not shortened)."""
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:
        return moment.replace(year=moment.year + 1, month=3, day=1)


def _phase_name(phase: Phase) -> str:
    return f"{phase.value} ({PHASE_DANISH[phase]})"


def require_actor_and_reason(step: Step) -> None:
    if not step.actor.strip():
        raise StepRefused("Missing actor: say who takes the step (--actor, e.g. your initials).")
    if len(step.reason.strip()) < MIN_REASON_LENGTH:
        raise StepRefused(
            "Missing reason: every step records why it was taken (notatpligt); give --reason with at least "
            f"{MIN_REASON_LENGTH} characters."
        )


def require_phase(state: CaseState, step_name: str, *allowed: Phase) -> None:
    if state.phase not in allowed:
        wanted = ", ".join(_phase_name(p) for p in allowed)
        raise StepRefused(
            f"'{step_name}' is not allowed while the case is {_phase_name(state.phase)}; it needs {wanted}."
        )


def check_aktindsigt_requested(state: CaseState) -> None:
    require_phase(
        state,
        "aktindsigt-requested",
        Phase.RECEIVED,
        Phase.AWAITING_STANDING,
        Phase.GENVURDERING,
        Phase.KLAGEFRIST,
        Phase.AKTINDSIGT,
    )
    if state.pending_aktindsigt() is not None:
        raise StepRefused(
            "An aktindsigt request is already pending (FVL § 16, OFL § 36: answer within 7 arbejdsdage); "
            "register 'aktindsigt-answered' before a new request."
        )
    if state.phase == Phase.AWAITING_STANDING:
        # FVL § 9 gives the party, not an unconfirmed sender, access to the case [R27, R18].
        raise StepRefused(
            "Aktindsigt cannot be given before standing is confirmed: the sender has no fuldmagt yet "
            "(FVL §§ 8-9, tavshedspligt). Register 'fuldmagt-received' first."
        )


def check_aktindsigt_answered(state: CaseState) -> None:
    if state.pending_aktindsigt() is None:
        raise StepRefused(
            "There is no pending aktindsigt request to answer; register 'aktindsigt-requested' first "
            "(an answer cannot come before its request)."
        )


def check_fuldmagt_received(state: CaseState) -> None:
    require_phase(state, "fuldmagt-received", Phase.AWAITING_STANDING)


def check_genvurdering(state: CaseState) -> None:
    if state.phase == Phase.AKTINDSIGT:
        raise StepRefused(
            "The genvurdering waits for the pending aktindsigt: the citizen must see the akter first "
            "(FVL § 9). Register 'aktindsigt-answered' first."
        )
    require_phase(state, "genvurdering", Phase.GENVURDERING)


def check_genvurdering_extended(state: CaseState, step: GenvurderingExtended, now: datetime) -> None:
    """N7 (retssikkerhedsbekendtgørelsen § 12 stk. 2, R4): before the 4 weeks pass, with the reason and the
    expected date; once given, a later date is a new notice with a new reason."""
    require_phase(state, "genvurdering-extended", Phase.GENVURDERING)
    legal = state.deadlines.get(DeadlineName.GENVURDERING)
    if legal is None:
        raise StepRefused("No genvurdering deadline runs on this case; there is nothing to extend.")
    promised = state.deadlines.get(DeadlineName.GENVURDERING_FORVENTET)
    running = promised if promised is not None and promised.ends_at > legal.ends_at else legal
    if now > running.ends_at:
        raise StepRefused(
            f"The genvurdering deadline ({running.deadline.due.isoformat()}) has passed: an extension notice must "
            "go before it (R4). The citizen was told of the delay; do the genvurdering now."
        )
    floor = max(legal.deadline.due, promised.deadline.due) if promised else legal.deadline.due
    if step.expected <= floor:
        raise StepRefused(
            f"The expected date must come after {floor.isoformat()}"
            + (" (the date already given)" if promised and promised.deadline.due >= legal.deadline.due else
               ", the genvurdering deadline: until then no notice is needed")
            + "; give --expected YYYY-MM-DD (R4)."
        )


def check_ankestyrelsen_received(state: CaseState, step: AnkestyrelsenReceived) -> None:
    require_phase(state, "ankestyrelsen-received", Phase.FORWARDED)
    journal = step.journal_number.strip()
    if not (3 <= len(journal) <= 40) or not all((c.isascii() and c.isalnum()) or c in "-/." for c in journal):
        raise StepRefused(
            "Give Ankestyrelsen's journalnummer as it stands on its kvittering (letters, digits, '-', '/' "
            "or '.', 3-40 characters), e.g. --journal 25-123456."
        )


def check_ankestyrelsen_outcome(state: CaseState, step: AnkestyrelsenDecided) -> None:
    if state.phase == Phase.FORWARDED:
        raise StepRefused(
            "Ankestyrelsen has not acknowledged the case yet; register 'ankestyrelsen-received --journal NR' "
            "before its outcome (R40: Ankestyrelsen sends a kvittering with journalnummer first)."
        )
    require_phase(state, "ankestyrelsen-outcome", Phase.AT_ANKESTYRELSEN)
    if step.detriment_from is not None and step.outcome != AnkestyrelsenOutcome.AENDRET:
        raise StepRefused(
            "Only an ændring can be to the citizen's detriment with a date of its own (rsl § 72 stk. 7, R41); "
            "leave --detriment-from out, or give --outcome aendret."
        )


def _require_at_ankestyrelsen(state: CaseState, step_name: str) -> None:
    if state.phase in (Phase.GENVURDERING, Phase.AKTINDSIGT, Phase.AWAITING_SUBSTANCE):
        raise StepRefused(
            f"The case is still with the kommune ({_phase_name(state.phase)}): new information and requests go "
            f"into the genvurdering itself; '{step_name}' is for a case sent to Ankestyrelsen (R40)."
        )
    require_phase(state, step_name, Phase.FORWARDED, Phase.AT_ANKESTYRELSEN)


def check_ankestyrelsen_partshoering(state: CaseState) -> None:
    """N10: Ankestyrelsen hears the party on a case it has acknowledged (R40)."""
    if state.phase == Phase.FORWARDED:
        raise StepRefused(
            "Ankestyrelsen has not acknowledged the case yet; register 'ankestyrelsen-received --journal NR' "
            "first (R40: the kvittering comes before Ankestyrelsen's partshøring)."
        )
    _require_at_ankestyrelsen(state, "ankestyrelsen-partshoering")


def check_new_information(state: CaseState) -> None:
    _require_at_ankestyrelsen(state, "new-information")


def check_hastebehandling_requested(state: CaseState, step: HastebehandlingRequested) -> None:
    _require_at_ankestyrelsen(state, "hastebehandling-requested")
    if state.haste_requested:
        raise StepRefused(
            "Hastebehandling was already requested and sent on; Ankestyrelsen decides on it and answers the "
            "citizen itself (R35)."
        )


def check_substance_received(state: CaseState) -> None:
    require_phase(state, "substance-received", Phase.AWAITING_SUBSTANCE)


def check_representative_changed(state: CaseState, step: RepresentativeChanged) -> None:
    """FVL § 8: who acts for the party; letters follow the change at once (N15, R27, R40)."""
    if state.phase.is_terminal:
        raise StepRefused(f"The case is {_phase_name(state.phase)}; its letters have all been sent.")
    if state.phase == Phase.AWAITING_STANDING:
        raise StepRefused(
            "The sender's standing is not confirmed yet: register 'fuldmagt-received' when the fuldmagt comes, "
            "or 'withdraw' if the party does not complain (FVL § 8, R27-R29)."
        )
    if step.kind is None:
        if state.representative is None:
            raise StepRefused("The party has no partsrepræsentant; there is no fuldmagt to revoke.")
        return
    if not step.has_fuldmagt and step.kind not in (RepresentativeKind.PROFESSIONAL, RepresentativeKind.VAERGE):
        raise StepRefused(
            "A new partsrepræsentant who is not a professional or a beskikket værge needs a written fuldmagt "
            "(FVL § 8, R28, R29): register the change when the fuldmagt is there (--fuldmagt)."
        )
    if step.name_seq < 1:
        raise StepRefused("Give the new partsrepræsentant's name (--name); it is stored with the party's data.")


def check_borgerraadgiver_scope(
    klaget_til: ComplaintRecipient | None, outside: OutsideBorgerraadgiver | None, matter: date, received: date
) -> None:
    """What the borgerrådgiver cannot take, with the route the citizen is guided to (docs/legal-reference.md
    §3; SEED 002, 003; R51). A complaint about a decision is not refused: it is routed to genvurdering."""
    if klaget_til != ComplaintRecipient.BORGERRAADGIVER:
        if outside is not None:
            raise StepRefused("'outside_borgerraadgiver' is for complaints sent to the borgerrådgiver (klaget_til).")
        return
    if outside is not None:
        raise StepRefused(_BORGERRAADGIVER_ROUTES[outside])
    if received > one_year_after(datetime(matter.year, matter.month, matter.day)).date():
        raise StepRefused(
            "The borgerrådgiver cannot take a matter more than 1 year old (SEED 003, R51). Guide the citizen to "
            "the forvaltning itself, or to Folketingets Ombudsmand, who can extend its own 1-year frist (R43)."
        )


_BORGERRAADGIVER_ROUTES = {
    OutsideBorgerraadgiver.SERVICENIVEAU: (
        "The borgerrådgiver cannot take the generelt serviceniveau or a political decision (SEED 002/003), and it "
        "cannot be appealed to another authority (rsl § 60 stk. 3, R1): guide the citizen to the political "
        "channel, a letter to the borgmester or kommunalbestyrelsen (klaget_til borgmester)."
    ),
    OutsideBorgerraadgiver.PERSONALESAG: (
        "The borgerrådgiver does not take personnel or employment matters (SEED 002/003): guide the citizen to "
        "the leder or direktør of the forvaltning (klaget_til direktoer); a complaint about a caseworker's "
        "conduct towards the citizen is a formal klagepunkt (optraeden) the borgerrådgiver can take."
    ),
    OutsideBorgerraadgiver.FOR_TILSYN: (
        "The matter is before Ankestyrelsens kommunale tilsyn; the borgerrådgiver must decline it (SEED 002/003). "
        "The citizen follows it up with tilsynet (R46)."
    ),
    OutsideBorgerraadgiver.FOR_OMBUDSMAND: (
        "The matter is before Folketingets Ombudsmand; the borgerrådgiver must decline it (SEED 002/003). The "
        "citizen follows it up with the ombudsmand (R43-R45)."
    ),
    OutsideBorgerraadgiver.FOR_DOMSTOL: (
        "The matter is before the courts; the borgerrådgiver must decline it (SEED 002/003). The citizen "
        "follows it up in court, with their advokat (grundloven § 63)."
    ),
}


def check_new_decision(state: CaseState) -> None:
    require_phase(state, "new-decision", Phase.GENBEHANDLING, Phase.GENOPTAGET)


def check_genoptagelse(state: CaseState, step: GenoptagelseDecided) -> None:
    """S11: a closed case with a decision may be reopened on the grounds of R55 (or R56); the answer is
    given either way."""
    if not state.phase.is_terminal:
        raise StepRefused(
            f"The case is open ({_phase_name(state.phase)}): new facts go into the running case. Genoptagelse "
            "is for a closed case (S11)."
        )
    require_phase(state, "genoptagelse", Phase.CLOSED)
    if not any(not p.is_formal for p in state.points):
        raise StepRefused(
            "The case has no decision to reopen (only a formal complaint); a new complaint about the handling "
            "is filed, or added to an open case."
        )
    if step.result == GenoptagelseResult.GENOPTAGET and step.ground is None:
        raise StepRefused(
            "Give the ground for reopening (R55: nye-oplysninger, nyt-retsgrundlag or sagsbehandlingsfejl; "
            "R56: praksisaendring) with --ground."
        )
    if step.result == GenoptagelseResult.AFSLAAET and step.ground is not None:
        raise StepRefused("A refusal has no ground for reopening; leave --ground out and give the begrundelse.")


def check_complaint_received(state: CaseState) -> None:
    if state.phase == Phase.AKTINDSIGT and state.pending_aktindsigt() is not None:
        # The klagefrist is interrupted until the answer and then runs at least 14 more days (§2.3), so the
        # complaint stays timely; the genvurdering clock starts from its registration.
        raise StepRefused(
            "The klagefrist is interrupted by a pending aktindsigt request; register 'aktindsigt-answered' "
            "first, then 'complaint-received' (the complaint stays timely: the frist runs at least 14 days "
            "after the answer)."
        )
    require_phase(state, "complaint-received", Phase.KLAGEFRIST)


def check_withdraw(state: CaseState) -> None:
    if state.phase.is_terminal:
        raise StepRefused(
            f"The case is already {_phase_name(state.phase)}; there is nothing left to withdraw."
        )


def check_escalation(state: CaseState, step: EscalationRequested, now: datetime) -> None:
    """The preconditions of docs/legal-reference.md §3 for each escalation route."""
    route = step.route
    earlier = {e.route for e in state.escalations}
    if route == EscalationRoute.LEDER:
        return
    if route in (EscalationRoute.DIREKTOER, EscalationRoute.BORGERRAADGIVER) and state.formal is not None:
        raise StepRefused(
            f"The formal klagepunkter go to the {route.value} with 'formal-escalated --level {route.value}', so "
            "its preconditions, its answer and its servicemål are followed (docs/legal-reference.md §2.9 F2)."
        )
    if route == EscalationRoute.OMBUDSMAND:
        # Other klagemuligheder must be used first [R45]; the year runs from the highest klagemyndighed's
        # decision [R44]. For a formalitetsklage the kommune's own answer and the borgerrådgiver or
        # borgmester come first.
        final = state.final_decision_at
        if state.filing.kind == ComplaintKind.REALITET:
            if final is None or state.outcome not in {
                AnkestyrelsenOutcome.STADFAESTET.value,
                AnkestyrelsenOutcome.AENDRET.value,
                AnkestyrelsenOutcome.OPHAEVET.value,
                AnkestyrelsenOutcome.AFVIST.value,
            }:
                raise StepRefused(
                    "Folketingets Ombudsmand takes a case only when the other klagemuligheder are used "
                    "(ombudsmandsloven § 13, R45): wait for Ankestyrelsen's final decision."
                )
        elif not earlier & {EscalationRoute.BORGMESTER, EscalationRoute.BORGERRAADGIVER, EscalationRoute.DIREKTOER}:
            raise StepRefused(
                "Folketingets Ombudsmand comes after the kommune's own complaint routes (R45): escalate "
                "the formalitetsklage to the borgerrådgiver or borgmester first."
            )
        if final is not None and now > one_year_after(final):
            raise StepRefused(
                "More than 1 year has passed since the final decision (ombudsmandsloven § 13 stk. 3, R43, "
                "R44); only the ombudsmand can extend the frist: advise the citizen to ask for it."
            )
        return
    if route == EscalationRoute.BORGERRAADGIVER:
        # The borgerrådgiver cannot assess the content of a decision that has a klageinstans, nor a
        # matter already before tilsyn or ombudsmand, nor one more than 1 year old [SEED 002, 003; R51].
        if state.filing.kind == ComplaintKind.REALITET:
            raise StepRefused(
                "The borgerrådgiver cannot assess the content of a decision that has a klageinstans "
                "(SEED 002/003, R51); a realitetsklage goes through genvurdering and Ankestyrelsen."
            )
        if earlier & {EscalationRoute.TILSYN, EscalationRoute.OMBUDSMAND}:
            raise StepRefused(
                "The matter is already before tilsyn or Folketingets Ombudsmand; the borgerrådgiver must "
                "decline it (SEED 002/003)."
            )
        anchor = state.last_step_at
        if anchor is not None and state.phase.is_terminal and now > one_year_after(anchor):
            raise StepRefused(
                "The matter closed more than 1 year ago; the borgerrådgiver cannot take it (SEED 003, R51)."
            )
        return
    if route == EscalationRoute.TILSYN:
        # Tilsyn judges legality only, and not matters a special klageinstans can decide unless that
        # route is formally barred, e.g. the klagefrist passed or Ankestyrelsen afviste [R46, R48].
        if state.filing.kind == ComplaintKind.REALITET and not (
            state.late or state.outcome == AnkestyrelsenOutcome.AFVIST.value
        ):
            raise StepRefused(
                "Ankestyrelsens kommunale tilsyn does not take matters Ankestyrelsen as klageinstans can "
                "decide (R46); it may act when that route is barred, e.g. a late or afvist complaint (R48)."
            )
        return
    # Borgmester (political channel, serviceniveau and service complaints) and Datatilsynet (personal
    # data) have no precondition the system can check; the reason records the ground.


# A unit code or user id as the kommune's directory spells it: letters, digits, '-', '_' and '.'.
_OWNER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


def check_assign(state: CaseState, step: CaseAssigned) -> None:
    """A case always has an owner; a closed case keeps the one it closed with (the history says who)."""
    if state.phase.is_terminal:
        raise StepRefused(f"The case is {_phase_name(state.phase)}; a closed case is not reassigned.")
    if not _OWNER_ID.match(step.unit.strip()):
        raise StepRefused("Give the unit as its code, e.g. --unit ydelse (letters, digits, '-', '_', '.').")
    if step.assignee is not None and not _OWNER_ID.match(step.assignee.strip()):
        raise StepRefused("Give the sagsbehandler as a user id, e.g. --assignee sb-ydelse, or leave it out.")
    if (step.unit.strip(), step.assignee) == (state.unit, state.assignee):
        raise StepRefused("The case already has this owner; nothing to change.")


# --- klagepunkter and the formal track (docs/legal-reference.md §2.1, §2.9) ------------------------------------

# While the kommune has not yet genvurderet the decision, a new realitet point about it joins the
# genvurdering; afterwards the case is with Ankestyrelsen (or decided), which takes new information
# itself (R40), and a complaint about another decision is a case of its own (§7).
_REALITET_POINTS_OPEN_IN = (Phase.RECEIVED, Phase.AWAITING_STANDING, Phase.AKTINDSIGT, Phase.GENVURDERING)
FORMAL_PHASES = (Phase.FORMAL_FIRST_LEVEL, Phase.FORMAL_ESCALATED)


def check_klagepunkt_added(state: CaseState, step: KlagepunktAdded) -> None:
    if state.phase.is_terminal:
        raise StepRefused(
            f"The case is {_phase_name(state.phase)}; new klagepunkter are a new complaint: file it "
            "(a complaint about a decision with its own klagefrist, §7)."
        )
    if step.paragraph is not None and step.law is None:
        raise StepRefused("A paragraph needs its law: give --law with --paragraph, e.g. --law serviceloven --paragraph 83.")
    if step.track == ComplaintKind.FORMALITET:
        if step.category is None:
            raise StepRefused(
                "A formal klagepunkt needs its category: what in the handling is complained about "
                "(docs/legal-reference.md §4.1-4.2), e.g. --category sagsbehandlingstid."
            )
        return
    if step.source == PointSource.APPEAL or step.category is not None:
        raise StepRefused(
            "A complaint about the handling or about a person's conduct is a formal klagepunkt: Ankestyrelsen "
            "assesses only the content of the decision, not personal conduct (SEED 001). Give --track formalitet."
        )
    if not any(not p.is_formal for p in state.points):
        raise StepRefused(
            "This case has no decision under appeal; a complaint about the content of a decision is a "
            "realitetsklage with its own klagefrist and genvurdering: file it as a new case (§7)."
        )
    if state.phase not in _REALITET_POINTS_OPEN_IN:
        raise StepRefused(
            f"The genvurdering is done (the case is {_phase_name(state.phase)}): a new point about the decision "
            "goes to Ankestyrelsen with the case (R40), and a complaint about another decision is a new case (§7)."
        )


def _require_formal_open(state: CaseState, step_name: str) -> None:
    if state.phase.is_terminal or not state.formal_open:
        raise StepRefused(
            f"'{step_name}' needs formal klagepunkter awaiting an answer, and this case has none "
            "(docs/legal-reference.md §2.9): add one with 'klagepunkt-added --track formalitet', or take "
            "the complaint on with 'formal-escalated'."
        )


def check_klagepunkt_decided(state: CaseState, step: KlagepunktDecided) -> None:
    _require_formal_open(state, "klagepunkt-decided")
    point = state.point(step.point)
    if point is None:
        numbers = ", ".join(str(p.number) for p in state.points) or "none"
        raise StepRefused(f"The case has no klagepunkt {step.point}; its points are: {numbers}.")
    if not point.is_formal:
        raise StepRefused(
            f"Klagepunkt {step.point} is about the content of the decision: its outcome is the genvurdering's "
            "(rsl § 66) and Ankestyrelsen's, not a formal answer."
        )
    if state.formal is None:
        raise missing("formal")
    unchanged = (
        point.outcome == PointOutcome(step.outcome.value)
        and point.decided_by == state.formal.level
        and point.decided_cycle == state.formal.cycle
        and step.category in (None, point.category)
    )
    if unchanged:
        raise StepRefused(f"Klagepunkt {step.point} already has this outcome from this level; nothing to change.")


def pending_formal_points(state: CaseState) -> list[Klagepunkt]:
    """The formal points the level now answering has to decide and has not yet: after an escalation every
    formal point, otherwise the points not answered before."""
    formal = state.formal
    if formal is None:
        return []
    return [
        p
        for p in state.points
        if p.is_formal and p.number in formal.covers and (p.outcome is None or p.decided_cycle != formal.cycle)
    ]


def check_formal_answered(state: CaseState, step: FormalAnswered) -> None:
    _require_formal_open(state, "formal-answer")
    if state.formal is None:
        raise missing("formal")
    pending = pending_formal_points(state)
    if pending:
        numbers = ", ".join(str(p.number) for p in pending)
        raise StepRefused(
            f"Decide every formal klagepunkt before the answer (N14 gives the outcome of each): "
            f"'klagepunkt-decided --point N --outcome …' for point(s) {numbers}."
        )
    if state.formal.level == FormalLevel.BORGERRAADGIVER and step.retsstilling is None:
        raise StepRefused(
            "The borgerrådgiver records whether the complaint strengthened the citizen's retsstilling "
            "(SEED 003): give --retsstilling processuel, materiel, ingen or ved-ikke."
        )
    if state.formal.level != FormalLevel.BORGERRAADGIVER and step.retsstilling is not None:
        raise StepRefused(
            "Only the borgerrådgiver judges whether the retsstilling was strengthened (SEED 003); leave "
            "--retsstilling out."
        )


def check_formal_escalated(state: CaseState, step: FormalEscalated, now: datetime) -> None:
    formal = state.formal
    if formal is None:
        raise StepRefused(
            "The case has no formal klagepunkter to take further; add one with 'klagepunkt-added --track "
            "formalitet' (a complaint about a decision's content goes through genvurdering and Ankestyrelsen, §3)."
        )
    if state.phase == Phase.WITHDRAWN:
        raise StepRefused("The complaint was withdrawn; there is nothing to take further.")
    if step.level == FormalLevel.FORVALTNING:
        raise StepRefused(
            "The forvaltning is the first level of every formal complaint; take it on to borgmester, "
            "direktoer or borgerraadgiver (docs/legal-reference.md §2.9 F2)."
        )
    if formal.stage == FormalStage.ESCALATED:
        raise StepRefused(
            f"The formal complaint is already with the {formal.level.value}; register its answer "
            "('formal-answer') before taking it further."
        )
    if formal.level == step.level:
        raise StepRefused(f"The {step.level.value} has already answered the formal complaint.")
    if step.level != FormalLevel.BORGERRAADGIVER:
        return
    # The borgerrådgiver's limits [SEED 002, 003; R51]: after the dialogue with the forvaltning, not a
    # matter before tilsyn or ombudsmand, not more than 1 year old.
    if state.escalations and {e.route for e in state.escalations} & {EscalationRoute.TILSYN, EscalationRoute.OMBUDSMAND}:
        raise StepRefused(
            "The matter is already before tilsyn or Folketingets Ombudsmand; the borgerrådgiver must decline "
            "it (SEED 002/003)."
        )
    if formal.stage == FormalStage.FIRST_LEVEL:
        from domain.policy import DIALOGUE_EXHAUSTED_WHEN_SERVICEMAAL_PASSED  # policy imports this module

        due = formal.answer_due
        passed = DIALOGUE_EXHAUSTED_WHEN_SERVICEMAAL_PASSED and due is not None and now > due.ends_at
        if not passed:
            when = f" or until its servicemål ({due.deadline.due.isoformat()}) has passed" if due else ""
            raise StepRefused(
                "The borgerrådgiver takes a complaint when the dialogue with the forvaltning is exhausted "
                f"(SEED 002): let the forvaltning answer first ('formal-answer'){when}."
            )
    if formal.answered_at is not None and state.phase.is_terminal and now > one_year_after(formal.answered_at):
        raise StepRefused(
            "The matter was answered more than 1 year ago; the borgerrådgiver cannot take it (SEED 003, R51). "
            "Folketingets Ombudsmand can extend its own 1-year frist in special cases (R43)."
        )
