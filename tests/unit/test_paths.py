"""The paths klagesag learned in issue 8, without Temporal (docs/legal-reference.md §2.6, §2.7, §3, §7): the
rules that allow or refuse them and what the intake and the steps do to a constructed case."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from casework.operations import parse_filing
from domain import deadlines, policy, rules, timeliness, transitions
from domain.calendar_answers import IntakeDeadlines
from domain.case_facts import phase_days
from domain.case_record import CaseRecord
from domain.errors import InvalidInput, StepRefused
from domain.models import (
    AnkestyrelsenDecided,
    HastebehandlingRequested,
    HistoryEntry,
    Misdirection,
    Representative,
    RepresentativeChanged,
    SendLetter,
    TimedDeadline,
)
from domain.policy import SUBSTANCE_WAITING_PERIOD
from domain.steps import check_step
from domain.vocabulary import (
    AnkestyrelsenOutcome,
    ComplaintRecipient,
    DeadlineName,
    LetterKind,
    MisdirectedVia,
    OutsideBorgerraadgiver,
    Phase,
    RepresentativeKind,
    WarningKind,
)
from tests.unit.test_step_table import a_case
from tests.unit.test_transitions import a_record, effects
from tests.workflow.harness import complaint_fields
from domain import timers

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
MATTER = date(2025, 5, 10)


def intake_of(**filing: object) -> CaseRecord:
    record = a_record(Phase.RECEIVED)
    s = record.state
    s.filing = s.filing.model_copy(update=filing)
    substance = deadlines.substance_due(s.filing.received, SUBSTANCE_WAITING_PERIOD)
    answer = IntakeDeadlines(
        klagefrist=None,
        genvurdering=s.deadlines[DeadlineName.GENVURDERING],
        late=False,
        timeliness=["rettidig"],
        substance=TimedDeadline(deadline=substance, ends_at=deadlines.end_of_day_utc(substance.due))
        if s.filing.placeholder
        else None,
    )
    s.deadlines.clear()
    transitions.intake(record, answer)
    return record


# --- borgerrådgiver scope (§3, SEED 002/003, R51) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("outside", "route"),
    [
        (OutsideBorgerraadgiver.SERVICENIVEAU, "borgmester"),
        (OutsideBorgerraadgiver.PERSONALESAG, "direktør"),
        (OutsideBorgerraadgiver.FOR_TILSYN, "tilsynet"),
        (OutsideBorgerraadgiver.FOR_OMBUDSMAND, "ombudsmand"),
        (OutsideBorgerraadgiver.FOR_DOMSTOL, "court"),
    ],
)
def test_what_the_borgerraadgiver_cannot_take_is_refused_naming_where_to_go(
    outside: OutsideBorgerraadgiver, route: str
) -> None:
    with pytest.raises(StepRefused, match=route):
        rules.check_borgerraadgiver_scope(ComplaintRecipient.BORGERRAADGIVER, outside, MATTER, MATTER)


def test_a_matter_older_than_a_year_is_refused_by_the_borgerraadgiver_with_the_ombudsmand_as_route() -> None:
    with pytest.raises(StepRefused, match="1 year old.*Ombudsmand"):
        rules.check_borgerraadgiver_scope(ComplaintRecipient.BORGERRAADGIVER, None, MATTER, MATTER + timedelta(days=400))


def test_a_matter_within_the_year_is_the_borgerraadgivers() -> None:
    rules.check_borgerraadgiver_scope(ComplaintRecipient.BORGERRAADGIVER, None, MATTER, MATTER + timedelta(days=300))


def test_a_decision_complaint_sent_to_the_borgerraadgiver_goes_to_genvurdering_keeping_its_date() -> None:
    record = intake_of(klaget_til=ComplaintRecipient.BORGERRAADGIVER)
    s = record.state
    assert (s.phase, s.complaint_received) == (Phase.GENVURDERING, s.filing.received)
    assert s.history[-1].details["routed"] == "borgerraadgiver-to-genvurdering"
    [letter] = s.letters
    assert (letter.kind, letter.facts.routed_from_borgerraadgiver) == (LetterKind.KVITTERING, True)


# --- misdirected (§2.7), placeholder (§2.6), udvalg (R3) ----------------------------------------------------


def test_a_misdirected_complaint_is_flagged_for_review_and_keeps_its_first_receipt() -> None:
    first = date(2025, 5, 15)
    record = intake_of(misdirected=Misdirection(via=MisdirectedVia.ANKESTYRELSEN, first_received=first))
    s = record.state
    assert s.filing.timeliness_date == first
    assert s.history[-1].details == {"misdirected": "ankestyrelsen", "first_received": "2025-05-15"}
    assert effects(record) == ["letter:kvittering", "warning:forkert_myndighed"]
    assert s.letters[0].facts.first_received == first


def test_a_placeholder_waits_for_its_substance_without_a_genvurdering_clock() -> None:
    record = intake_of(placeholder=True)
    s = record.state
    assert s.phase == Phase.AWAITING_SUBSTANCE and DeadlineName.GENVURDERING not in s.deadlines
    [letter] = s.letters
    assert (letter.kind, letter.facts.substance_due) == (
        LetterKind.KVITTERING_KLAGE_FOELGER, s.filing.received + SUBSTANCE_WAITING_PERIOD,
    )  # fmt: skip
    timer = timers.next_timer(record, archive=lambda: None)
    assert timer is not None and timer.name.endswith(WarningKind.UDDYBNING_MANGLER.value)
    assert timer.at == s.deadlines[DeadlineName.UDDYBNING].ends_at  # the end of the day the letter names
    timer.fire()
    assert effects(record)[-1] == "warning:uddybning_mangler"


def test_a_boerne_og_ungeudvalg_decision_is_forwarded_at_intake_without_genvurdering() -> None:
    record = intake_of(decided_by_boerne_og_ungeudvalg=True)
    s = record.state
    assert (s.phase, s.deadlines) == (Phase.FORWARDED, {})
    assert s.forwards[-1].genvurdering_result is None
    assert effects(record) == ["forward", "letter:oversendelse"]


def test_substance_received_is_refused_outside_the_wait_for_it() -> None:
    with pytest.raises(StepRefused, match="awaiting_substance"):
        rules.check_substance_received(a_case(Phase.GENVURDERING))


# --- at Ankestyrelsen (R35, R40, R41) -----------------------------------------------------------------------


@pytest.mark.parametrize("rule", [rules.check_new_information, rules.check_ankestyrelsen_partshoering])
def test_steps_for_ankestyrelsen_are_refused_while_the_kommune_has_the_case(rule) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StepRefused, match="still with the kommune"):
        rule(a_case(Phase.GENVURDERING))


def test_partshoering_needs_ankestyrelsens_kvittering_first() -> None:
    with pytest.raises(StepRefused, match="ankestyrelsen-received"):
        rules.check_ankestyrelsen_partshoering(a_case(Phase.FORWARDED))


def test_hastebehandling_is_sent_on_once() -> None:
    record = a_record(Phase.AT_ANKESTYRELSEN)
    step = HastebehandlingRequested(actor="sb01", reason="Borgeren er alvorligt syg")
    check_step(record.state, step, NOW)
    transitions.hastebehandling_requested(record, step)
    assert effects(record) == ["letter:hastebehandling"]
    with pytest.raises(StepRefused, match="already requested"):
        check_step(record.state, step, NOW)


def test_a_detriment_date_is_only_for_an_aendring() -> None:
    state = a_case(Phase.AT_ANKESTYRELSEN)
    with pytest.raises(StepRefused, match="rsl § 72 stk. 7"):
        check_step(state, AnkestyrelsenDecided(actor="a", reason="abc", outcome=AnkestyrelsenOutcome.STADFAESTET,
                                               detriment_from=date(2025, 7, 1)), NOW)


def test_an_aendring_to_the_detriment_tells_the_citizen_from_when() -> None:
    record = a_record(Phase.AT_ANKESTYRELSEN)
    step = AnkestyrelsenDecided(actor="a", reason="abc", outcome=AnkestyrelsenOutcome.AENDRET, detriment_from=date(2025, 7, 1))
    transitions.ankestyrelsen_outcome(record, step)
    [letter] = record.state.letters
    assert (letter.kind, letter.facts.detriment_from) == (LetterKind.ANKESTYRELSEN_EFFEKTUERING, date(2025, 7, 1))
    assert record.state.history[-1].details["detriment_from"] == "2025-07-01"


# --- the representative (FVL § 8, N15) ---------------------------------------------------------------------


def test_a_new_representative_gets_the_letters_from_the_change_on() -> None:
    record = a_record(Phase.GENVURDERING)
    step = RepresentativeChanged(actor="a", reason="Ny advokat", kind=RepresentativeKind.PROFESSIONAL, name_seq=1)
    check_step(record.state, step, NOW)
    transitions.representative_changed(record, step)
    [letter] = record.state.letters
    assert (letter.kind, letter.recipient, letter.representative_seq) == (
        LetterKind.REPRAESENTANT_AENDRET, "partsrepraesentant", 1,
    )  # fmt: skip


def test_a_revoked_fuldmagt_sends_the_letters_to_the_party_again() -> None:
    record = a_record(Phase.GENVURDERING)
    record.state.filing = record.state.filing.model_copy(
        update={"representative": Representative(kind=RepresentativeKind.RELATIVE, has_fuldmagt=True)}
    )
    step = RepresentativeChanged(actor="a", reason="Fuldmagten er tilbagekaldt")
    check_step(record.state, step, NOW)
    transitions.representative_changed(record, step)
    letter = record.state.letters[-1]
    assert (letter.recipient, letter.facts.representative_revoked, record.state.representative) == ("part", True, None)
    assert isinstance(record.state.pending[-1], SendLetter)


def test_revoking_a_fuldmagt_nobody_has_is_refused() -> None:
    with pytest.raises(StepRefused, match="no partsrepræsentant"):
        check_step(a_case(Phase.GENVURDERING), RepresentativeChanged(actor="a", reason="abc"), NOW)


def test_a_relative_without_fuldmagt_cannot_become_representative() -> None:
    step = RepresentativeChanged(actor="a", reason="abc", kind=RepresentativeKind.RELATIVE, name_seq=1)
    with pytest.raises(StepRefused, match="fuldmagt"):
        check_step(a_case(Phase.GENVURDERING), step, NOW)


# --- the filing's new fields (casework.operations) ----------------------------------------------------------

TODAY = date(2025, 6, 2)


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"misdirected_via": "ankestyrelsen"}, "first_received"),
        ({"misdirected_via": "ankestyrelsen", "first_received": TODAY + timedelta(days=1)}, "cannot come after"),
        ({"kind": "formalitet", "placeholder": True}, "placeholder"),
        ({"kind": "formalitet", "decided_by_boerne_og_ungeudvalg": True}, "decided_by_boerne_og_ungeudvalg"),
        ({"decision_ref": "SAG-1", "other_decisions": [{"decision_ref": "SAG-1", "decision_received": TODAY}]},
         "named once"),
        ({"other_decisions": [{"decision_ref": "SAG-2"}]}, "exactly one"),
    ],
)
def test_a_filing_with_inconsistent_path_fields_is_refused(fields: dict[str, object], says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        parse_filing(complaint_fields(TODAY, **fields))


def test_the_days_waiting_for_the_substance_are_counted_like_any_phase() -> None:
    def entry(seq: int, day: int, before: Phase, after: Phase) -> HistoryEntry:
        return HistoryEntry(seq=seq, at=datetime(2025, 6, day, 10, tzinfo=UTC), step="s", actor="a", reason="abc",
                            phase_before=before, phase_after=after, round=1)

    history = [entry(1, 2, Phase.RECEIVED, Phase.AWAITING_SUBSTANCE), entry(2, 12, Phase.AWAITING_SUBSTANCE, Phase.GENVURDERING)]
    assert phase_days(history) == {"awaiting_substance": 10}


def test_with_the_misdirected_policy_off_timeliness_counts_from_the_kommunes_receipt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    filing = a_case(Phase.RECEIVED).filing.model_copy(
        update={"misdirected": Misdirection(via=MisdirectedVia.ANDEN_MYNDIGHED, first_received=date(2025, 5, 15))}
    )
    assert filing.timeliness_date == date(2025, 5, 15)
    assert "MISDIRECTED_TIMELY_FROM_FIRST_RECEIPT" in timeliness.misdirected_note(filing)[0]
    monkeypatch.setattr(policy, "MISDIRECTED_TIMELY_FROM_FIRST_RECEIPT", False)
    monkeypatch.setattr(timeliness, "MISDIRECTED_TIMELY_FROM_FIRST_RECEIPT", False)
    assert filing.timeliness_date == filing.received
    assert "FOU 2020.23" in timeliness.misdirected_note(filing)[0]


def test_with_the_substance_policy_off_a_placeholder_starts_its_genvurdering_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(transitions, "GENVURDERING_WAITS_FOR_SUBSTANCE", False)
    record = intake_of(placeholder=True)
    assert record.state.phase == Phase.GENVURDERING
    assert DeadlineName.UDDYBNING not in record.state.deadlines
    assert [letter.kind for letter in record.state.letters] == [LetterKind.KVITTERING]
