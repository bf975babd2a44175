"""domain.rules: which caseworker step the phase and the law allow (docs/legal-reference.md §2.2, §3, §7).

Every test builds a CaseState directly and calls the pure check; a refusal must say which rule stops the
step or which step to take instead.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.deadlines import aktindsigt_answer_due
from domain.models import (
    AktindsigtRequest,
    AnkestyrelsenDecided,
    AnkestyrelsenReceived,
    CaseState,
    ComplaintFiling,
    DecisionComplainedAbout,
    EscalationEntry,
    EscalationRequested,
    TimedDeadline,
    Withdrawn,
)
from domain.rules import (
    StepRefused,
    check_aktindsigt_answered,
    check_aktindsigt_requested,
    check_ankestyrelsen_outcome,
    check_ankestyrelsen_received,
    check_complaint_received,
    check_escalation,
    check_fuldmagt_received,
    check_genvurdering,
    check_new_decision,
    check_withdraw,
    require_actor_and_reason,
)
from domain.vocabulary import (
    PHASE_DANISH,
    AnkestyrelsenOutcome,
    ComplaintChannel,
    ComplaintKind,
    DecisionDelivery,
    EscalationRoute,
    Phase,
)

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
ALL_PHASES = list(Phase)
OPEN_PHASES = [p for p in Phase if not p.is_terminal]
TERMINAL_PHASES = [p for p in Phase if p.is_terminal]


def filing(kind: ComplaintKind = ComplaintKind.REALITET) -> ComplaintFiling:
    return ComplaintFiling(
        case_id="KS-0101-ABCDEFGHIJKLM",
        kommune="0101",
        received=date(2024, 3, 21),
        channel=ComplaintChannel.DIGITAL,
        kind=kind,
        area="serviceloven § 83",
        decision=DecisionComplainedAbout(
            reference="AFG-7781", received=date(2024, 3, 5), delivery=DecisionDelivery.DIGITAL_POST
        ),
        kommune_name="Københavns Kommune",
        actor="intake",
    )


def aktindsigt(requested: date = date(2024, 3, 25), answered: date | None = None) -> AktindsigtRequest:
    due = aktindsigt_answer_due(requested)
    return AktindsigtRequest(
        round=1,
        requested=requested,
        answer_due=TimedDeadline(deadline=due, ends_at=datetime.combine(due.due, datetime.min.time(), UTC)),
        answered=answered,
        interrupts="genvurdering",
    )


def escalation(route: EscalationRoute, at: datetime = NOW - timedelta(days=30)) -> EscalationEntry:
    return EscalationEntry(key=f"esc-{route.value}", route=route, at=at, actor="ab", reason="tidligere eskalering")


def state(
    phase: Phase = Phase.GENVURDERING, kind: ComplaintKind = ComplaintKind.REALITET, **fields: object
) -> CaseState:
    return CaseState(filing=filing(kind), phase=phase, **fields)


def step(route: EscalationRoute) -> EscalationRequested:
    return EscalationRequested(route=route, actor="ab", reason="borgeren ønsker at gå videre")


def refusal(check, *args) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(StepRefused) as info:
        check(*args)
    return str(info.value)


def phase_label(phase: Phase) -> str:
    return f"{phase.value} ({PHASE_DANISH[phase]})"


# --- require_actor_and_reason -----------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["", "   ", "\t"])
def test_blank_actor_is_refused_and_asks_for_actor(actor: str) -> None:
    message = refusal(require_actor_and_reason, Withdrawn(actor=actor, reason="borgeren trækker klagen"))
    assert "actor" in message
    assert "--actor" in message


@pytest.mark.parametrize("reason", ["", "ab", "  ab  ", "\n\n"])
def test_reason_shorter_than_three_characters_is_refused_citing_notatpligt(reason: str) -> None:
    message = refusal(require_actor_and_reason, Withdrawn(actor="ab", reason=reason))
    assert "notatpligt" in message
    assert "--reason" in message
    assert "3" in message


def test_actor_and_three_character_reason_are_accepted() -> None:
    require_actor_and_reason(Withdrawn(actor="ab", reason="abc"))


def test_missing_actor_is_reported_before_missing_reason() -> None:
    message = refusal(require_actor_and_reason, Withdrawn(actor=" ", reason=""))
    assert "actor" in message
    assert "notatpligt" not in message


# --- phase checks (require_phase) ----------------------------------------------------------------------

# check, step name, phases it is allowed in; phases with a dedicated message are tested separately
PHASE_CHECKS = [
    (check_fuldmagt_received, "fuldmagt-received", {Phase.AWAITING_STANDING}, set()),
    (check_genvurdering, "genvurdering", {Phase.GENVURDERING}, {Phase.AKTINDSIGT}),
    (check_new_decision, "new-decision", {Phase.GENBEHANDLING, Phase.GENOPTAGET}, set()),
    (check_complaint_received, "complaint-received", {Phase.KLAGEFRIST}, set()),
    (check_ankestyrelsen_outcome, "ankestyrelsen-outcome", {Phase.AT_ANKESTYRELSEN}, {Phase.FORWARDED}),
    (
        check_aktindsigt_requested,
        "aktindsigt-requested",
        {Phase.RECEIVED, Phase.GENVURDERING, Phase.KLAGEFRIST, Phase.AKTINDSIGT},
        {Phase.AWAITING_STANDING},
    ),
]


def _call(check, st: CaseState) -> None:  # type: ignore[no-untyped-def]
    if check is check_ankestyrelsen_outcome:
        check(st, AnkestyrelsenDecided(outcome=AnkestyrelsenOutcome.STADFAESTET, actor="ab", reason="abc"))
    else:
        check(st)


@pytest.mark.parametrize(
    ("check", "name", "phase"),
    [pytest.param(c, n, p, id=f"{n}-{p.value}") for c, n, allowed, _ in PHASE_CHECKS for p in allowed],
)
def test_step_is_allowed_in_its_phase(check, name: str, phase: Phase) -> None:  # type: ignore[no-untyped-def]
    _call(check, state(phase))


@pytest.mark.parametrize(
    ("check", "name", "allowed", "phase"),
    [
        pytest.param(c, n, allowed, p, id=f"{n}-{p.value}")
        for c, n, allowed, special in PHASE_CHECKS
        for p in Phase
        if p not in allowed | special
    ],
)
def test_step_in_wrong_phase_is_refused_naming_step_current_and_needed_phase(
    check, name: str, allowed: set[Phase], phase: Phase  # type: ignore[no-untyped-def]
) -> None:
    with pytest.raises(StepRefused) as info:
        _call(check, state(phase))
    message = str(info.value)
    assert f"'{name}'" in message
    assert phase_label(phase) in message
    for needed in allowed:
        assert phase_label(needed) in message


@pytest.mark.parametrize("phase", [p for p in Phase if p != Phase.FORWARDED])
def test_ankestyrelsen_received_outside_forwarded_is_refused(phase: Phase) -> None:
    message = refusal(
        check_ankestyrelsen_received, state(phase), AnkestyrelsenReceived(journal_number="25-123456")
    )
    assert "'ankestyrelsen-received'" in message
    assert phase_label(Phase.FORWARDED) in message


# --- aktindsigt ------------------------------------------------------------------------------------------


def test_second_aktindsigt_request_while_one_is_pending_is_refused() -> None:
    st = state(Phase.AKTINDSIGT, aktindsigt=[aktindsigt()])
    message = refusal(check_aktindsigt_requested, st)
    assert "already pending" in message
    assert "'aktindsigt-answered'" in message


def test_new_aktindsigt_request_after_earlier_one_was_answered_is_allowed() -> None:
    st = state(Phase.GENVURDERING, aktindsigt=[aktindsigt(answered=date(2024, 3, 27))])
    check_aktindsigt_requested(st)


def test_aktindsigt_while_awaiting_standing_is_refused_until_fuldmagt() -> None:
    message = refusal(check_aktindsigt_requested, state(Phase.AWAITING_STANDING, standing_confirmed=False))
    assert "fuldmagt" in message
    assert "'fuldmagt-received'" in message
    assert "FVL" in message


def test_aktindsigt_answered_without_pending_request_is_refused() -> None:
    st = state(Phase.GENVURDERING, aktindsigt=[aktindsigt(answered=date(2024, 3, 27))])
    message = refusal(check_aktindsigt_answered, st)
    assert "'aktindsigt-requested'" in message


def test_aktindsigt_answered_with_pending_request_is_allowed() -> None:
    check_aktindsigt_answered(state(Phase.AKTINDSIGT, aktindsigt=[aktindsigt()]))


def test_genvurdering_waits_for_pending_aktindsigt() -> None:
    message = refusal(check_genvurdering, state(Phase.AKTINDSIGT, aktindsigt=[aktindsigt()]))
    assert "'aktindsigt-answered'" in message
    assert "FVL § 9" in message


def test_complaint_received_while_aktindsigt_pending_is_refused_saying_answer_first() -> None:
    message = refusal(check_complaint_received, state(Phase.AKTINDSIGT, aktindsigt=[aktindsigt()]))
    assert "'aktindsigt-answered'" in message
    assert "14 days" in message


def test_complaint_received_in_aktindsigt_phase_without_pending_request_gets_the_phase_refusal() -> None:
    st = state(Phase.AKTINDSIGT, aktindsigt=[aktindsigt(answered=date(2024, 3, 27))])
    message = refusal(check_complaint_received, st)
    assert "'complaint-received'" in message
    assert phase_label(Phase.KLAGEFRIST) in message


# --- Ankestyrelsen ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("journal", ["25-123456", "2024/0042.1", "ABC", "  25-123456  ", "x" * 40])
def test_well_formed_journal_number_is_accepted(journal: str) -> None:
    check_ankestyrelsen_received(state(Phase.FORWARDED), AnkestyrelsenReceived(journal_number=journal))


@pytest.mark.parametrize("journal", ["", "   ", "25", "x" * 41, "25 123456", "25_123456", "25-12;drop", "25+1"])
def test_malformed_journal_number_is_refused_with_the_expected_format(journal: str) -> None:
    message = refusal(
        check_ankestyrelsen_received, state(Phase.FORWARDED), AnkestyrelsenReceived(journal_number=journal)
    )
    assert "journalnummer" in message
    assert "--journal" in message
    assert "3-40" in message


def test_outcome_before_kvittering_is_refused_asking_for_ankestyrelsen_received() -> None:
    message = refusal(
        check_ankestyrelsen_outcome,
        state(Phase.FORWARDED),
        AnkestyrelsenDecided(outcome=AnkestyrelsenOutcome.STADFAESTET),
    )
    assert "'ankestyrelsen-received --journal NR'" in message
    assert "R40" in message


# --- withdraw ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("phase", OPEN_PHASES)
def test_open_case_can_be_withdrawn(phase: Phase) -> None:
    check_withdraw(state(phase))


@pytest.mark.parametrize("phase", TERMINAL_PHASES)
def test_withdraw_of_terminal_case_is_refused_naming_its_phase(phase: Phase) -> None:
    message = refusal(check_withdraw, state(phase))
    assert phase_label(phase) in message
    assert "nothing left to withdraw" in message


# --- escalation: ombudsmand --------------------------------------------------------------------------------

FINAL_OUTCOMES = [
    AnkestyrelsenOutcome.STADFAESTET,
    AnkestyrelsenOutcome.AENDRET,
    AnkestyrelsenOutcome.OPHAEVET,
    AnkestyrelsenOutcome.AFVIST,
]


def test_ombudsmand_for_realitetsklage_without_ankestyrelsen_decision_is_refused() -> None:
    message = refusal(check_escalation, state(Phase.AT_ANKESTYRELSEN), step(EscalationRoute.OMBUDSMAND), NOW)
    assert "Ankestyrelsen's final decision" in message
    assert "§ 13" in message


@pytest.mark.parametrize("outcome", FINAL_OUTCOMES)
def test_ombudsmand_for_realitetsklage_after_final_ankestyrelsen_outcome_is_allowed(
    outcome: AnkestyrelsenOutcome,
) -> None:
    st = state(Phase.CLOSED, outcome=outcome.value, final_decision_at=NOW - timedelta(days=30))
    check_escalation(st, step(EscalationRoute.OMBUDSMAND), NOW)


@pytest.mark.parametrize("outcome", [AnkestyrelsenOutcome.HJEMVIST, AnkestyrelsenOutcome.BORTFALDET])
def test_ombudsmand_for_realitetsklage_after_non_final_outcome_is_refused(outcome: AnkestyrelsenOutcome) -> None:
    st = state(Phase.GENBEHANDLING, outcome=outcome.value, final_decision_at=NOW - timedelta(days=30))
    message = refusal(check_escalation, st, step(EscalationRoute.OMBUDSMAND), NOW)
    assert "Ankestyrelsen's final decision" in message


def test_ombudsmand_for_realitetsklage_with_outcome_but_no_decision_time_is_refused() -> None:
    st = state(Phase.CLOSED, outcome=AnkestyrelsenOutcome.STADFAESTET.value, final_decision_at=None)
    message = refusal(check_escalation, st, step(EscalationRoute.OMBUDSMAND), NOW)
    assert "Ankestyrelsen's final decision" in message


def test_ombudsmand_more_than_a_year_after_final_decision_is_refused() -> None:
    st = state(
        Phase.CLOSED, outcome=AnkestyrelsenOutcome.STADFAESTET.value, final_decision_at=NOW - timedelta(days=400)
    )
    message = refusal(check_escalation, st, step(EscalationRoute.OMBUDSMAND), NOW)
    assert "1 year" in message
    assert "§ 13 stk. 3" in message
    assert "extend" in message


def test_ombudsmand_just_under_a_year_after_final_decision_is_allowed() -> None:
    st = state(
        Phase.CLOSED, outcome=AnkestyrelsenOutcome.STADFAESTET.value, final_decision_at=NOW - timedelta(days=364)
    )
    check_escalation(st, step(EscalationRoute.OMBUDSMAND), NOW)


def test_ombudsmand_over_a_leap_year_span_is_refused_the_day_after_the_anniversary() -> None:
    # 2023-03-01 → 2024-03-01 is 366 days (29 Feb 2024); on 2 March 2024 the year has passed.
    final = datetime(2023, 3, 1, 12, 0, tzinfo=UTC)
    st = state(Phase.CLOSED, outcome=AnkestyrelsenOutcome.STADFAESTET.value, final_decision_at=final)
    refusal(check_escalation, st, step(EscalationRoute.OMBUDSMAND), datetime(2024, 3, 2, 12, 0, 1, tzinfo=UTC))


def test_ombudsmand_over_a_non_leap_year_span_is_refused_the_day_after_the_anniversary() -> None:
    # 2024-03-01 → 2025-03-01 is 365 days; at noon on 2 March 2025 more than a year has passed.
    final = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    st = state(Phase.CLOSED, outcome=AnkestyrelsenOutcome.STADFAESTET.value, final_decision_at=final)
    refusal(check_escalation, st, step(EscalationRoute.OMBUDSMAND), datetime(2025, 3, 2, 12, 0, tzinfo=UTC))


def test_ombudsmand_for_formalitetsklage_without_kommune_route_first_is_refused() -> None:
    st = state(Phase.GENVURDERING, ComplaintKind.FORMALITET, escalations=[escalation(EscalationRoute.LEDER)])
    message = refusal(check_escalation, st, step(EscalationRoute.OMBUDSMAND), NOW)
    assert "borgerrådgiver or borgmester first" in message
    assert "R45" in message


@pytest.mark.parametrize("earlier", [EscalationRoute.BORGMESTER, EscalationRoute.BORGERRAADGIVER])
def test_ombudsmand_for_formalitetsklage_after_borgmester_or_borgerraadgiver_is_allowed(
    earlier: EscalationRoute,
) -> None:
    st = state(Phase.GENVURDERING, ComplaintKind.FORMALITET, escalations=[escalation(earlier)])
    check_escalation(st, step(EscalationRoute.OMBUDSMAND), NOW)


# --- escalation: borgerrådgiver ------------------------------------------------------------------------------


def test_borgerraadgiver_for_realitetsklage_is_refused_pointing_to_genvurdering() -> None:
    message = refusal(check_escalation, state(Phase.GENVURDERING), step(EscalationRoute.BORGERRAADGIVER), NOW)
    assert "klageinstans" in message
    assert "genvurdering and Ankestyrelsen" in message


def test_borgerraadgiver_for_open_formalitetsklage_is_allowed() -> None:
    st = state(Phase.GENVURDERING, ComplaintKind.FORMALITET, last_step_at=NOW - timedelta(days=3))
    check_escalation(st, step(EscalationRoute.BORGERRAADGIVER), NOW)


@pytest.mark.parametrize("earlier", [EscalationRoute.TILSYN, EscalationRoute.OMBUDSMAND])
def test_borgerraadgiver_is_refused_once_tilsyn_or_ombudsmand_has_the_matter(earlier: EscalationRoute) -> None:
    st = state(Phase.GENVURDERING, ComplaintKind.FORMALITET, escalations=[escalation(earlier)])
    message = refusal(check_escalation, st, step(EscalationRoute.BORGERRAADGIVER), NOW)
    assert "tilsyn or Folketingets Ombudsmand" in message
    assert "decline" in message


@pytest.mark.parametrize("phase", TERMINAL_PHASES)
def test_borgerraadgiver_for_case_closed_more_than_a_year_ago_is_refused(phase: Phase) -> None:
    st = state(phase, ComplaintKind.FORMALITET, last_step_at=NOW - timedelta(days=400))
    message = refusal(check_escalation, st, step(EscalationRoute.BORGERRAADGIVER), NOW)
    assert "more than 1 year ago" in message
    assert "R51" in message


def test_borgerraadgiver_for_recently_closed_case_is_allowed() -> None:
    st = state(Phase.CLOSED, ComplaintKind.FORMALITET, last_step_at=NOW - timedelta(days=100))
    check_escalation(st, step(EscalationRoute.BORGERRAADGIVER), NOW)


# --- escalation: tilsyn --------------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", [None, AnkestyrelsenOutcome.STADFAESTET.value])
def test_tilsyn_for_timely_realitetsklage_is_refused(outcome: str | None) -> None:
    st = state(Phase.AT_ANKESTYRELSEN, late=False, outcome=outcome)
    message = refusal(check_escalation, st, step(EscalationRoute.TILSYN), NOW)
    assert "R46" in message
    assert "late or afvist" in message


def test_tilsyn_for_late_realitetsklage_is_allowed() -> None:
    check_escalation(state(Phase.FORWARDED, late=True), step(EscalationRoute.TILSYN), NOW)


def test_tilsyn_for_realitetsklage_afvist_by_ankestyrelsen_is_allowed() -> None:
    st = state(Phase.CLOSED, outcome=AnkestyrelsenOutcome.AFVIST.value, final_decision_at=NOW)
    check_escalation(st, step(EscalationRoute.TILSYN), NOW)


def test_tilsyn_for_formalitetsklage_is_allowed() -> None:
    check_escalation(state(Phase.GENVURDERING, ComplaintKind.FORMALITET), step(EscalationRoute.TILSYN), NOW)


# --- escalation: routes without a precondition ----------------------------------------------------------------


@pytest.mark.parametrize(
    "route", [EscalationRoute.BORGMESTER, EscalationRoute.DATATILSYNET, EscalationRoute.LEDER]
)
@pytest.mark.parametrize("kind", list(ComplaintKind))
@pytest.mark.parametrize("phase", [Phase.RECEIVED, Phase.GENVURDERING, Phase.CLOSED, Phase.WITHDRAWN])
def test_borgmester_datatilsynet_and_leder_are_always_allowed(
    route: EscalationRoute, kind: ComplaintKind, phase: Phase
) -> None:
    st = state(
        phase,
        kind,
        last_step_at=NOW - timedelta(days=5 * 365),
        final_decision_at=NOW - timedelta(days=5 * 365),
        escalations=[escalation(EscalationRoute.TILSYN), escalation(EscalationRoute.OMBUDSMAND)],
    )
    check_escalation(st, step(route), NOW)
