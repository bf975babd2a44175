"""Klagepunkter, SEED 004's registration and the formal track as pure rules (docs/legal-reference.md §2.1,
§2.9, §4.1-4.2): the known-laws table, the filing's validation, the step rules and the transitions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from casework.operations import parse_filing
from domain import rules, transitions
from domain.calendar_answers import IntakeDeadlines, ServicemaalStarted
from domain.case_record import CaseRecord
from domain.deadlines import Deadline, DeadlineKind, servicemaal_due
from domain.errors import InvalidInput, StepRefused
from domain.laws import Law, area_text, normalise_paragraph, parse_area
from domain.models import (
    CaseState,
    FormalAnswered,
    FormalEscalated,
    GenvurderingDone,
    GenvurderingExtended,
    KlagepunktAdded,
    KlagepunktDecided,
    TimedDeadline,
)
from domain.vocabulary import (
    FORMAL_GROUP,
    CaseOutcome,
    ComplaintKind,
    DeadlineName,
    FormalCategory,
    FormalGroup,
    FormalLevel,
    FormalOutcome,
    FormalStage,
    GenvurderingResult,
    Phase,
    PointOutcome,
    PointSource,
    Retsstilling,
)
from tests.unit.test_step_table import a_case
from tests.unit.test_transitions import effects
from domain import timers

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
SERVICEMAAL = TimedDeadline(
    deadline=Deadline(kind=DeadlineKind.SERVICEMAAL, due=date(2025, 6, 12), explanation=["8 arbejdsdage"]),
    ends_at=datetime(2025, 6, 12, 21, 59, 59, tzinfo=UTC),
)
GENVURDERING = TimedDeadline(
    deadline=Deadline(kind=DeadlineKind.GENVURDERING_DUE, due=date(2025, 6, 17), explanation=["4 uger"]),
    ends_at=datetime(2025, 6, 17, 21, 59, 59, tzinfo=UTC),
)


# --- the known laws (domain/laws.py) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "parsed"),
    [
        ("serviceloven § 83", (Law.SERVICELOVEN, "83")),
        ("SEL § 42 stk. 1", (Law.SERVICELOVEN, "42")),
        ("servicelovens §§ 100", (Law.SERVICELOVEN, "100")),
        ("rsl § 3 a", (Law.RETSSIKKERHEDSLOVEN, "3 a")),
        ("Lov om aktiv socialpolitik § 81", (Law.AKTIVLOVEN, "81")),
        ("pensionsloven", (Law.PENSIONSLOVEN, None)),
        ("barnets lov § 47", (Law.BARNETS_LOV, "47")),
    ],
)
def test_a_known_law_and_its_paragraph_are_read_from_the_area(area: str, parsed: tuple[Law, str | None]) -> None:
    assert parse_area(area) == parsed


@pytest.mark.parametrize("area", ["hjemmehjælp", "sagsbehandlingstid", "kommunestyrelsesloven § 65 e", "§ 83"])
def test_an_area_naming_no_known_law_stays_free_text(area: str) -> None:
    assert parse_area(area) is None


def test_a_paragraph_is_normalised_and_nonsense_refused() -> None:
    assert normalise_paragraph("9A") == "9 a"
    assert area_text(Law.SERVICELOVEN, "83") == "serviceloven § 83"
    for bad in ("", "0", "83 stk", "§ 83", "12345"):
        with pytest.raises(InvalidInput):
            normalise_paragraph(bad)


def test_every_formal_category_has_a_group() -> None:
    assert set(FORMAL_GROUP) == set(FormalCategory)
    assert FORMAL_GROUP[FormalCategory.PARTSHOERING] == FormalGroup.FORVALTNINGSRET
    assert FORMAL_GROUP[FormalCategory.OPTRAEDEN] == FormalGroup.GOD_FORVALTNINGSSKIK


def test_formal_outcomes_are_point_outcomes() -> None:
    assert {PointOutcome(o.value) for o in FormalOutcome} == set(PointOutcome) - {PointOutcome.TILBAGETRUKKET}


# --- the filing (casework.operations.FilingRequest) ----------------------------------------------------------


def filing(**overrides: Any) -> dict[str, Any]:
    raw: dict[str, Any] = dict(
        cpr="0101901234", name="A", decision_ref="SAG-1", decision_received="2025-05-01", received="2025-05-10",
        channel="written", area="serviceloven § 83", kind="realitet", text="t", actor="sb01",
    )  # fmt: skip
    raw.update(overrides)
    return raw


def test_the_filings_law_and_paragraph_come_from_the_area() -> None:
    request = parse_filing(filing())
    assert (request.law, request.paragraph, request.klagepunkter) == (Law.SERVICELOVEN, "83", [])


def test_a_paragraph_given_with_an_area_naming_the_law_takes_its_law_from_the_area() -> None:
    request = parse_filing(filing(area="serviceloven", paragraph="85"))
    assert (request.law, request.paragraph) == (Law.SERVICELOVEN, "85")


def test_a_formalitetsklage_without_a_decision_date_runs_from_its_receipt() -> None:
    request = parse_filing(filing(kind="formalitet", decision_received=None, area="sagsbehandlingstid"))
    assert request.decision_received == date(2025, 5, 10) and request.law is None


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"klaget_til": "det_sociale_naevn"}, "R61"),
        ({"klaget_til": "folketinget"}, "klaget_til"),
        ({"law": "aktivloven"}, "area names serviceloven"),
        ({"area": "hjemmehjælp", "paragraph": "83"}, "give the law"),
        ({"law": "skatteloven"}, "law"),
        ({"klagepunkter": [{"track": "formalitet", "category": "betjening"}]}, "realitetsklage needs"),
        ({"kind": "formalitet", "klagepunkter": [{"track": "realitet"}]}, "give kind realitet"),
        ({"klagepunkter": [{"track": "realitet", "category": "optraeden"}]}, "SEED 001"),
        ({"klagepunkter": [{"track": "formalitet"}]}, "category"),
        ({"klagepunkter": [{"track": "realitet"}, {"track": "formalitet", "category": "x"}]}, "klagepunkter.1"),
        ({"klagepunkter": [{"track": "realitet", "source": "returning"}]}, "klagepunkt-added"),
    ],
)
def test_a_filing_with_bad_registration_is_refused_naming_it(overrides: dict[str, Any], named: str) -> None:
    with pytest.raises(InvalidInput, match=named):
        parse_filing(filing(**overrides))


# --- the rules of the new steps ---------------------------------------------------------------------------------


def formal_case(phase: Phase = Phase.FORMAL_FIRST_LEVEL, **track: Any) -> CaseState:
    state = a_case(phase)
    state.filing = state.filing.model_copy(update={"kind": ComplaintKind.FORMALITET})
    state.klagepunkter = [
        p.model_copy(update={"category": FormalCategory.SAGSBEHANDLINGSTID}) for p in state.filing.initial_points()
    ]
    values: dict[str, Any] = dict(stage=FormalStage.FIRST_LEVEL, answer_due=SERVICEMAAL, servicemaal_days=8, covers=[1])
    values.update(track)
    from domain.models import FormalTrack

    state.formal = FormalTrack(**values)
    return state


def step(model: type, **fields: Any) -> Any:
    return model(actor="sb01", reason="Fordi", **fields)


def test_a_formal_point_needs_its_category() -> None:
    with pytest.raises(StepRefused, match="category"):
        rules.check_klagepunkt_added(a_case(Phase.GENVURDERING), step(KlagepunktAdded, track=ComplaintKind.FORMALITET))


def test_a_point_raised_in_an_appeal_cannot_be_a_realitet_point() -> None:
    added = step(KlagepunktAdded, track=ComplaintKind.REALITET, source=PointSource.APPEAL)
    with pytest.raises(StepRefused, match="SEED 001"):
        rules.check_klagepunkt_added(a_case(Phase.AT_ANKESTYRELSEN), added)


def test_a_realitet_point_joins_only_before_the_genvurdering_and_only_where_there_is_a_decision() -> None:
    added = step(KlagepunktAdded, track=ComplaintKind.REALITET)
    rules.check_klagepunkt_added(a_case(Phase.GENVURDERING), added)
    with pytest.raises(StepRefused, match="R40"):
        rules.check_klagepunkt_added(a_case(Phase.FORWARDED), added)
    with pytest.raises(StepRefused, match="no decision under appeal"):
        rules.check_klagepunkt_added(formal_case(), added)


def test_a_realitet_point_cannot_be_decided_by_a_formal_step() -> None:
    state = formal_case()
    state.klagepunkter = [*state.klagepunkter, state.klagepunkter[0].model_copy(update={"number": 2, "track": ComplaintKind.REALITET, "category": None})]
    with pytest.raises(StepRefused, match="genvurdering"):
        rules.check_klagepunkt_decided(state, step(KlagepunktDecided, point=2, outcome=FormalOutcome.KRITIK))


def test_deciding_a_point_again_the_same_way_changes_nothing_and_is_refused() -> None:
    state = formal_case()
    state.klagepunkter = [
        state.klagepunkter[0].model_copy(
            update={"outcome": PointOutcome.KRITIK, "decided_by": FormalLevel.FORVALTNING, "decided_cycle": 1}
        )
    ]
    with pytest.raises(StepRefused, match="nothing to change"):
        rules.check_klagepunkt_decided(state, step(KlagepunktDecided, point=1, outcome=FormalOutcome.KRITIK))
    rules.check_klagepunkt_decided(state, step(KlagepunktDecided, point=1, outcome=FormalOutcome.BEKLAGELSE))


def test_the_second_level_decides_every_point_again() -> None:
    state = formal_case(stage=FormalStage.ESCALATED, level=FormalLevel.BORGMESTER, cycle=2)
    state.klagepunkter = [
        state.klagepunkter[0].model_copy(
            update={"outcome": PointOutcome.KRITIK, "decided_by": FormalLevel.FORVALTNING, "decided_cycle": 1}
        )
    ]
    assert [p.number for p in rules.pending_formal_points(state)] == [1]
    with pytest.raises(StepRefused, match="point\\(s\\) 1"):
        rules.check_formal_answered(state, step(FormalAnswered))


def test_only_the_borgerraadgiver_judges_the_retsstilling() -> None:
    decided = {"outcome": PointOutcome.IKKE_MEDHOLD, "decided_cycle": 1}
    forvaltning = formal_case()
    forvaltning.klagepunkter = [forvaltning.klagepunkter[0].model_copy(update={**decided, "decided_by": FormalLevel.FORVALTNING})]
    with pytest.raises(StepRefused, match="Only the borgerrådgiver"):
        rules.check_formal_answered(forvaltning, step(FormalAnswered, retsstilling=Retsstilling.INGEN))
    rules.check_formal_answered(forvaltning, step(FormalAnswered))


def test_the_borgerraadgiver_after_the_servicemaal_passed_or_the_forvaltning_answered() -> None:
    to_br = step(FormalEscalated, level=FormalLevel.BORGERRAADGIVER)
    state = formal_case()
    with pytest.raises(StepRefused, match="SEED 002"):
        rules.check_formal_escalated(state, to_br, NOW)
    rules.check_formal_escalated(state, to_br, SERVICEMAAL.ends_at + timedelta(seconds=1))
    rules.check_formal_escalated(formal_case(stage=FormalStage.CONCLUDED), to_br, NOW)


def test_the_borgerraadgiver_declines_a_matter_answered_more_than_a_year_ago() -> None:
    answered = datetime(2024, 5, 1, tzinfo=UTC)
    state = formal_case(Phase.CLOSED, stage=FormalStage.CONCLUDED, answered_at=answered)
    with pytest.raises(StepRefused, match="R51"):
        rules.check_formal_escalated(state, step(FormalEscalated, level=FormalLevel.BORGERRAADGIVER), NOW)
    rules.check_formal_escalated(state, step(FormalEscalated, level=FormalLevel.BORGMESTER), NOW)


def test_a_formal_complaint_escalated_once_is_answered_before_it_goes_further() -> None:
    state = formal_case(Phase.FORMAL_ESCALATED, stage=FormalStage.ESCALATED, level=FormalLevel.BORGMESTER)
    with pytest.raises(StepRefused, match="already with the borgmester"):
        rules.check_formal_escalated(state, step(FormalEscalated, level=FormalLevel.DIREKTOER), NOW)


def test_the_forvaltning_is_never_an_escalation() -> None:
    with pytest.raises(StepRefused, match="first level"):
        rules.check_formal_escalated(formal_case(), step(FormalEscalated, level=FormalLevel.FORVALTNING), NOW)


# --- the transitions --------------------------------------------------------------------------------------------


def a_record(state: CaseState) -> CaseRecord:
    return CaseRecord(state, clock=lambda: NOW)


def intake_answer(**overrides: Any) -> IntakeDeadlines:
    values: dict[str, Any] = dict(klagefrist=None, genvurdering=GENVURDERING, late=False, timeliness=[],
                                  servicemaal=SERVICEMAAL, servicemaal_days=8)
    values.update(overrides)
    return IntakeDeadlines(**values)


def test_intake_of_a_formalitetsklage_opens_the_formal_track_and_no_genvurdering() -> None:
    state = a_case(Phase.RECEIVED)
    state.filing = state.filing.model_copy(update={"kind": ComplaintKind.FORMALITET})
    record = a_record(state)
    transitions.intake(record, intake_answer(), formal_track=True)
    assert state.phase == Phase.FORMAL_FIRST_LEVEL and state.deadlines == {}
    assert state.formal is not None and state.formal.answer_due == SERVICEMAAL
    assert [(p.track, p.category) for p in state.klagepunkter] == [(ComplaintKind.FORMALITET, FormalCategory.ANDET)]
    assert effects(record) == ["letter:kvittering_formalitet"]


def test_intake_without_the_formal_track_keeps_the_old_genvurdering_path() -> None:
    """A formalitetsklage filed before the formal track replays down the genvurdering path (the patch)."""
    state = a_case(Phase.RECEIVED)
    state.filing = state.filing.model_copy(update={"kind": ComplaintKind.FORMALITET})
    transitions.intake(a_record(state), intake_answer(servicemaal=None), formal_track=False)
    assert state.phase == Phase.GENVURDERING and state.formal is None


def test_fuldt_medhold_leaves_a_mixed_case_open_for_its_formal_points() -> None:
    state = formal_case(Phase.GENVURDERING)
    state.filing = state.filing.model_copy(update={"kind": ComplaintKind.REALITET})
    state.klagepunkter = [*state.filing.initial_points(), state.klagepunkter[0].model_copy(update={"number": 2})]
    record = a_record(state)
    transitions.genvurdering(record, step(GenvurderingDone, result=GenvurderingResult.FULDT_MEDHOLD))
    assert (state.phase, state.outcome) == (Phase.FORMAL_FIRST_LEVEL, CaseOutcome.FULDT_MEDHOLD)
    assert [p.outcome for p in state.klagepunkter] == [PointOutcome.HELT_MEDHOLD, None]


def test_the_formal_answer_closes_a_case_whose_realitet_track_has_ended() -> None:
    state = formal_case()
    state.klagepunkter = [
        state.klagepunkter[0].model_copy(
            update={"outcome": PointOutcome.KRITIK, "decided_by": FormalLevel.FORVALTNING, "decided_cycle": 1}
        )
    ]
    record = a_record(state)
    transitions.formal_answered(record, step(FormalAnswered))
    assert (state.phase, state.outcome, state.final_decision_at) == (Phase.CLOSED, CaseOutcome.BESVARET, NOW)
    assert state.formal is not None and state.formal.stage == FormalStage.CONCLUDED
    assert effects(record) == ["letter:formalitet_svar"]


def test_escalation_reopens_a_closed_formal_case_with_a_servicemaal_of_its_own() -> None:
    state = formal_case(Phase.CLOSED, stage=FormalStage.CONCLUDED)
    state.outcome = CaseOutcome.BESVARET
    record = a_record(state)
    later = SERVICEMAAL.model_copy(update={"ends_at": SERVICEMAAL.ends_at + timedelta(days=30)})
    started = ServicemaalStarted(started=date(2025, 6, 2), answer_due=later, working_days=8)
    transitions.formal_escalated(record, step(FormalEscalated, level=FormalLevel.BORGMESTER), started)
    assert (state.phase, state.outcome) == (Phase.FORMAL_ESCALATED, None)
    assert state.formal is not None and (state.formal.level, state.formal.cycle, state.formal.answer_due) == (
        FormalLevel.BORGMESTER, 2, later,
    )  # fmt: skip
    assert effects(record) == ["escalation:borgmester", "letter:kvittering_formalitet"]


def test_the_servicemaal_timers_warn_then_notify_and_are_keyed_by_the_servicemaal() -> None:
    state = formal_case()
    record = a_record(state)
    names = [t.name for t in timers._timers(record, archive=lambda: None)]
    assert names == [f"{state.case_id}:f1:servicemaal_snart", f"{state.case_id}:f1:servicemaal_overskredet"]
    transitions.warn_servicemaal_soon(record)
    transitions.servicemaal_passed(record)
    assert timers._timers(record, archive=lambda: None) == []
    assert effects(record) == ["warning:servicemaal_snart", "warning:servicemaal_overskredet", "letter:formalitet_forsinket"]


def test_no_servicemaal_timer_runs_while_standing_is_unconfirmed() -> None:
    state = formal_case(Phase.AWAITING_STANDING)
    state.standing_confirmed = False
    assert timers._timers(a_record(state), archive=lambda: None) == []


def test_the_servicemaal_counts_arbejdsdage_from_the_day_after_receipt() -> None:
    # Received Wednesday 16 April 2025: skærtorsdag, langfredag, the weekend and 2. påskedag do not count,
    # so the 8 arbejdsdage are 22-25 and 28-30 April and 1 May (not a helligdag, R57).
    assert servicemaal_due(date(2025, 4, 16), 8).due == date(2025, 5, 1)


def test_a_point_added_to_an_answered_track_is_answered_alone_by_the_forvaltning() -> None:
    state = formal_case(Phase.GENVURDERING, stage=FormalStage.CONCLUDED, level=FormalLevel.BORGERRAADGIVER, cycle=2)
    state.klagepunkter = [
        *state.filing.initial_points(),
        state.klagepunkter[0].model_copy(
            update={"number": 2, "outcome": PointOutcome.KRITIK, "decided_by": FormalLevel.BORGERRAADGIVER, "decided_cycle": 2}
        ),
    ]
    state.filing = state.filing.model_copy(update={"kind": ComplaintKind.REALITET})
    record = a_record(state)
    started = ServicemaalStarted(started=date(2025, 6, 2), answer_due=SERVICEMAAL, working_days=8)
    added = step(KlagepunktAdded, track=ComplaintKind.FORMALITET, category=FormalCategory.OPTRAEDEN, source=PointSource.APPEAL)
    transitions.klagepunkt_added(record, added, started)
    assert state.formal is not None
    assert (state.formal.stage, state.formal.level, state.formal.cycle, state.formal.covers) == (
        FormalStage.FIRST_LEVEL, FormalLevel.FORVALTNING, 3, [3],
    )  # fmt: skip
    assert [p.number for p in rules.pending_formal_points(state)] == [3]


# --- N7: the genvurdering extension notice (R4) -------------------------------------------------------------


def extension_case(promised: date | None = None) -> CaseState:
    state = a_case(Phase.GENVURDERING)
    state.deadlines[DeadlineName.GENVURDERING] = GENVURDERING
    if promised is not None:
        state.deadlines[DeadlineName.GENVURDERING_FORVENTET] = TimedDeadline(
            deadline=Deadline(kind=DeadlineKind.GENVURDERING_EXPECTED, due=promised, explanation=["N7"]),
            ends_at=datetime.combine(promised, datetime.min.time(), tzinfo=UTC) + timedelta(hours=21, minutes=59),
        )
    return state


def test_an_extension_notice_goes_before_the_deadline_with_a_later_date() -> None:
    state = extension_case()
    rules.check_genvurdering_extended(state, step(GenvurderingExtended, expected=date(2025, 7, 1)), NOW)
    with pytest.raises(StepRefused, match="has passed"):
        rules.check_genvurdering_extended(
            state, step(GenvurderingExtended, expected=date(2025, 7, 1)), GENVURDERING.ends_at + timedelta(seconds=1)
        )
    with pytest.raises(StepRefused, match="2025-06-17"):
        rules.check_genvurdering_extended(state, step(GenvurderingExtended, expected=date(2025, 6, 17)), NOW)


def test_a_second_notice_may_follow_before_the_date_the_first_gave() -> None:
    state = extension_case(promised=date(2025, 7, 1))
    after_legal = GENVURDERING.ends_at + timedelta(days=3)
    rules.check_genvurdering_extended(state, step(GenvurderingExtended, expected=date(2025, 7, 15)), after_legal)
    with pytest.raises(StepRefused, match="already given"):
        rules.check_genvurdering_extended(state, step(GenvurderingExtended, expected=date(2025, 6, 30)), NOW)


def test_the_breach_moves_to_the_promised_date_only_when_one_was_given() -> None:
    assert transitions.genvurdering_breach_at(extension_case()) == GENVURDERING.ends_at
    promised = extension_case(promised=date(2025, 7, 1))
    assert transitions.genvurdering_breach_at(promised) == promised.deadlines[DeadlineName.GENVURDERING_FORVENTET].ends_at
