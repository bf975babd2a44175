"""domain.deadlines against the rules of docs/legal-reference.md §2.3 and the worked examples of §2.4."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from domain.calendar import CalendarProfile, CalendarYearUnknown
from domain.deadlines import (
    Deadline,
    DeadlineInputError,
    DeadlineKind,
    aktindsigt_answer_due,
    end_of_day_utc,
    frist_report,
    genvurdering_due,
    klagefrist,
    klagefrist_after_aktindsigt,
    presumed_receipt,
)
from domain.vocabulary import DecisionDelivery

STRICT = CalendarProfile.STRICT
LENIENT = CalendarProfile.LENIENT
BOTH = [STRICT, LENIENT]


def text(deadline: Deadline) -> str:
    return "\n".join(deadline.explanation)


# --- presumed receipt (R7) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "delivery", [DecisionDelivery.DIGITAL_POST, DecisionDelivery.HANDED_OVER, DecisionDelivery.ORAL]
)
def test_presumed_receipt_same_day_channels(delivery: DecisionDelivery) -> None:
    assert presumed_receipt(date(2024, 3, 5), delivery).due == date(2024, 3, 5)


def test_example_a_prime_paper_post_is_received_six_hverdage_later() -> None:
    d = presumed_receipt(date(2024, 3, 5), DecisionDelivery.POST)
    assert d.kind is DeadlineKind.PRESUMED_RECEIPT
    assert d.due == date(2024, 3, 13)


def test_paper_post_hverdage_assumption_is_marked_unverified() -> None:
    assert "[UNVERIFIED]" in text(presumed_receipt(date(2024, 3, 5), DecisionDelivery.POST))


def test_paper_post_skips_easter_helligdage() -> None:
    # Sent Wed 27/3/2024: Skærtorsdag..2. påskedag are skipped; hverdage 2,3,4,5,8,9 April -> Tue 9/4.
    assert presumed_receipt(date(2024, 3, 27), DecisionDelivery.POST).due == date(2024, 4, 9)


def test_quickpost_is_two_calendar_days_even_onto_a_saturday() -> None:
    assert presumed_receipt(date(2024, 3, 7), DecisionDelivery.QUICKPOST).due == date(2024, 3, 9)


def test_oral_decision_explanation_says_frist_runs_from_written_decision() -> None:
    assert "skriftlige afgørelse" in text(presumed_receipt(date(2024, 3, 5), DecisionDelivery.ORAL))


# --- klagefrist (rsl § 67) ------------------------------------------------------------------------------


def test_example_a_digital_post_expires_tuesday_2_april_2024() -> None:
    d = klagefrist(date(2024, 3, 5))
    assert d.kind is DeadlineKind.KLAGEFRIST
    assert d.due == date(2024, 4, 2)


def test_example_a_explanation_names_day_zero_and_rule() -> None:
    lines = klagefrist(date(2024, 3, 5)).explanation
    assert lines[0] == "Afgørelsen modtaget tirsdag 5. marts 2024 (dag 0 tælles ikke med) (rsl § 67, R9)"
    assert lines[1].startswith("+ 4 uger = tirsdag 2. april 2024")


def test_klagefrist_explanation_says_it_expires_at_23_59() -> None:
    assert "kl. 23:59" in text(klagefrist(date(2024, 3, 5)))


def test_example_a_prime_paper_post_klagefrist_is_wednesday_10_april_2024() -> None:
    received = presumed_receipt(date(2024, 3, 5), DecisionDelivery.POST).due
    assert klagefrist(received).due == date(2024, 4, 10)


@pytest.mark.parametrize("profile", BOTH)
def test_example_a_double_prime_2_paaskedag_rolls_to_tuesday_in_both_profiles(profile: CalendarProfile) -> None:
    d = klagefrist(date(2024, 3, 4), profile)
    assert d.due == date(2024, 4, 2)
    assert "helligdag (2. påskedag)" in text(d)


def test_example_a_double_prime_ascension_strict_rolls_to_friday() -> None:
    assert klagefrist(date(2024, 4, 11), STRICT).due == date(2024, 5, 10)


def test_example_a_double_prime_ascension_lenient_rolls_to_monday() -> None:
    assert klagefrist(date(2024, 4, 11), LENIENT).due == date(2024, 5, 13)


def test_example_a_double_prime_christmas_eve_strict_stays() -> None:
    assert klagefrist(date(2024, 11, 26), STRICT).due == date(2024, 12, 24)


def test_example_a_double_prime_christmas_eve_lenient_rolls_to_27_december() -> None:
    d = klagefrist(date(2024, 11, 26), LENIENT)
    assert d.due == date(2024, 12, 27)
    assert "juleaftensdag" in text(d)


def test_klagefrist_may_start_on_a_saturday() -> None:
    # R9: a decision available on a Saturday starts the frist that day; +28 is a Saturday -> Monday.
    assert klagefrist(date(2024, 3, 9)).due == date(2024, 4, 8)


def test_klagefrist_for_unknown_year_raises() -> None:
    with pytest.raises(CalendarYearUnknown):
        klagefrist(date(2040, 1, 10))


# --- aktindsigt answer (FVL § 16 stk. 2, OFL § 36) ------------------------------------------------------


def test_example_b1_aktindsigt_answer_due_wednesday_27_march() -> None:
    d = aktindsigt_answer_due(date(2024, 3, 18))
    assert d.kind is DeadlineKind.AKTINDSIGT_ANSWER_DUE
    assert d.due == date(2024, 3, 27)


def test_example_b3_request_on_langfredag_answer_due_wednesday_10_april() -> None:
    d = aktindsigt_answer_due(date(2024, 3, 29))
    assert d.due == date(2024, 4, 10)
    assert "2. påskedag" in text(d)


def test_aktindsigt_explanation_cites_fvl_and_ofl() -> None:
    t = text(aktindsigt_answer_due(date(2024, 3, 18)))
    assert "FVL § 16 stk. 2" in t and "OFL § 36" in t


# --- klagefrist interrupted by aktindsigt (SEED 000, [UNVERIFIED]) ----------------------------------------


def test_example_b1_answered_on_time_new_expiry_thursday_11_april() -> None:
    d = klagefrist_after_aktindsigt(klagefrist(date(2024, 3, 5)), date(2024, 3, 18), date(2024, 3, 27))
    assert d.due == date(2024, 4, 11)
    assert "15 dage" in text(d)


def test_example_b2_answered_late_new_expiry_tuesday_23_april() -> None:
    d = klagefrist_after_aktindsigt(klagefrist(date(2024, 3, 5)), date(2024, 3, 18), date(2024, 4, 8))
    assert d.due == date(2024, 4, 23)


def test_example_b3_fourteen_day_floor_gives_wednesday_24_april() -> None:
    d = klagefrist_after_aktindsigt(klagefrist(date(2024, 3, 5)), date(2024, 3, 29), date(2024, 4, 10))
    assert d.due == date(2024, 4, 24)
    assert "mindst 14 dage" in text(d)


def test_interruption_formula_is_marked_unverified_seed_000() -> None:
    t = text(klagefrist_after_aktindsigt(klagefrist(date(2024, 3, 5)), date(2024, 3, 18), date(2024, 3, 27)))
    assert "[UNVERIFIED]" in t and "SEED 000" in t


def test_interruption_keeps_the_earlier_explanation_as_audit_trail() -> None:
    original = klagefrist(date(2024, 3, 5))
    d = klagefrist_after_aktindsigt(original, date(2024, 3, 18), date(2024, 3, 27))
    assert d.explanation[: len(original.explanation)] == original.explanation
    assert len(d.explanation) > len(original.explanation)


def test_interrupted_expiry_is_rolled_forward() -> None:
    # Due Fri 3/5/2024; request 5/4 leaves 28 days; answer 20/4 + 28 = Sat 18/5, then Pinse -> Tue 21/5.
    current = klagefrist(date(2024, 4, 5))
    d = klagefrist_after_aktindsigt(current, date(2024, 4, 5), date(2024, 4, 20))
    assert d.due == date(2024, 5, 21)


def test_aktindsigt_requested_after_expiry_does_not_interrupt() -> None:
    current = klagefrist(date(2024, 3, 5))
    d = klagefrist_after_aktindsigt(current, date(2024, 4, 3), date(2024, 4, 10))
    assert d.due == current.due
    assert "afbrydes ikke" in d.explanation[-1]


def test_aktindsigt_requested_on_expiry_day_interrupts_with_fourteen_day_floor() -> None:
    d = klagefrist_after_aktindsigt(klagefrist(date(2024, 3, 5)), date(2024, 4, 2), date(2024, 4, 4))
    assert d.due == date(2024, 4, 18)


def test_repeated_interruptions_chain_and_keep_every_step() -> None:
    first = klagefrist_after_aktindsigt(klagefrist(date(2024, 3, 5)), date(2024, 3, 18), date(2024, 3, 27))
    assert first.due == date(2024, 4, 11)
    # Second request Mon 8/4: 3 days remain; answered Tue 16/4 -> floor 16/4 + 14 = Tue 30/4.
    second = klagefrist_after_aktindsigt(first, date(2024, 4, 8), date(2024, 4, 16))
    assert second.due == date(2024, 4, 30)
    assert second.explanation[: len(first.explanation)] == first.explanation
    assert text(second).count("klagefristen afbrydes") == 2


def test_interruption_answered_before_requested_is_rejected() -> None:
    with pytest.raises(DeadlineInputError, match="before it was requested"):
        klagefrist_after_aktindsigt(klagefrist(date(2024, 3, 5)), date(2024, 3, 18), date(2024, 3, 17))


def test_interruption_needs_a_klagefrist_deadline() -> None:
    with pytest.raises(DeadlineInputError):
        klagefrist_after_aktindsigt(aktindsigt_answer_due(date(2024, 3, 18)), date(2024, 3, 18), date(2024, 3, 19))


def test_interruption_does_not_mutate_the_input_deadline() -> None:
    current = klagefrist(date(2024, 3, 5))
    before = list(current.explanation)
    klagefrist_after_aktindsigt(current, date(2024, 4, 3), date(2024, 4, 10))
    assert current.explanation == before


# --- genvurdering (rsl § 66) ------------------------------------------------------------------------------


def test_example_a_genvurdering_due_thursday_18_april() -> None:
    d = genvurdering_due(date(2024, 3, 21))
    assert d.kind is DeadlineKind.GENVURDERING_DUE
    assert d.due == date(2024, 4, 18)


def test_genvurdering_is_not_rolled_forward_and_says_unverified() -> None:
    d = genvurdering_due(date(2024, 3, 4))  # +28 = 2. påskedag 1/4/2024
    assert d.due == date(2024, 4, 1)
    assert "flyttes ikke" in text(d) and "[UNVERIFIED" in text(d)


def test_genvurdering_moved_by_aktindsigt_pause() -> None:
    d = genvurdering_due(date(2024, 3, 21), [(date(2024, 3, 25), date(2024, 4, 3))])
    assert d.due == date(2024, 4, 27)
    assert "9 dage" in text(d)


def test_genvurdering_pause_after_due_does_not_move_it() -> None:
    d = genvurdering_due(date(2024, 3, 21), [(date(2024, 4, 19), date(2024, 4, 25))])
    assert d.due == date(2024, 4, 18)


def test_genvurdering_pause_may_start_on_the_due_date() -> None:
    d = genvurdering_due(date(2024, 3, 21), [(date(2024, 4, 18), date(2024, 4, 20))])
    assert d.due == date(2024, 4, 20)


def test_genvurdering_successive_pauses_add_up() -> None:
    pauses = [(date(2024, 3, 25), date(2024, 3, 28)), (date(2024, 4, 10), date(2024, 4, 15))]
    assert genvurdering_due(date(2024, 3, 21), pauses).due == date(2024, 4, 26)


def test_genvurdering_overlapping_pauses_count_once() -> None:
    pauses = [(date(2024, 3, 25), date(2024, 4, 3)), (date(2024, 4, 1), date(2024, 4, 5))]
    assert genvurdering_due(date(2024, 3, 21), pauses).due == date(2024, 4, 29)


def test_genvurdering_pause_answered_before_requested_is_rejected() -> None:
    with pytest.raises(DeadlineInputError):
        genvurdering_due(date(2024, 3, 21), [(date(2024, 3, 25), date(2024, 3, 24))])


def test_genvurdering_pause_before_the_complaint_is_rejected() -> None:
    with pytest.raises(DeadlineInputError):
        genvurdering_due(date(2024, 3, 21), [(date(2024, 3, 20), date(2024, 3, 22))])


# --- end of day --------------------------------------------------------------------------------------------


def test_end_of_day_utc_in_winter_is_22_59_59_utc() -> None:
    assert end_of_day_utc(date(2024, 3, 5)) == datetime(2024, 3, 5, 22, 59, 59, tzinfo=UTC)


def test_end_of_day_utc_in_summer_is_21_59_59_utc() -> None:
    assert end_of_day_utc(date(2024, 4, 2)) == datetime(2024, 4, 2, 21, 59, 59, tzinfo=UTC)


def test_end_of_day_utc_is_aware() -> None:
    assert end_of_day_utc(date(2024, 3, 31)).utcoffset() is not None


# --- Deadline model ---------------------------------------------------------------------------------------


def test_deadline_is_frozen() -> None:
    d = klagefrist(date(2024, 3, 5))
    with pytest.raises(ValidationError):
        d.due = date(2024, 4, 3)  # type: ignore[misc]


def test_deadline_round_trips_through_json() -> None:
    d = klagefrist(date(2024, 3, 5))
    assert Deadline.model_validate_json(d.model_dump_json()) == d


# --- frist_report ------------------------------------------------------------------------------------------


def test_report_with_only_received_has_klagefrist_only() -> None:
    r = frist_report(date(2024, 3, 5))
    assert r["klagefrist"] is not None and r["klagefrist"].due == date(2024, 4, 2)
    assert r["aktindsigt_answer_due"] is None and r["genvurdering_due"] is None


def test_report_example_b3_interrupts_the_klagefrist() -> None:
    r = frist_report(date(2024, 3, 5), aktindsigt_requested=date(2024, 3, 29), aktindsigt_answered=date(2024, 4, 10))
    assert r["aktindsigt_answer_due"] is not None and r["aktindsigt_answer_due"].due == date(2024, 4, 10)
    assert r["klagefrist"] is not None and r["klagefrist"].due == date(2024, 4, 24)


def test_report_pending_aktindsigt_keeps_provisional_klagefrist_and_says_so() -> None:
    r = frist_report(date(2024, 3, 5), aktindsigt_requested=date(2024, 3, 18))
    kf = r["klagefrist"]
    assert kf is not None and kf.due == date(2024, 4, 2)
    assert "foreløbig" in kf.explanation[-1]


def test_report_aktindsigt_after_complaint_pauses_genvurdering_not_klagefrist() -> None:
    r = frist_report(
        date(2024, 3, 5),
        complaint_received=date(2024, 3, 21),
        aktindsigt_requested=date(2024, 3, 25),
        aktindsigt_answered=date(2024, 4, 3),
    )
    assert r["klagefrist"] is not None and r["klagefrist"].due == date(2024, 4, 2)
    assert r["genvurdering_due"] is not None and r["genvurdering_due"].due == date(2024, 4, 27)


def test_report_aktindsigt_before_complaint_interrupts_klagefrist_not_genvurdering() -> None:
    r = frist_report(
        date(2024, 3, 5),
        aktindsigt_requested=date(2024, 3, 18),
        aktindsigt_answered=date(2024, 3, 27),
        complaint_received=date(2024, 4, 10),
    )
    assert r["klagefrist"] is not None and r["klagefrist"].due == date(2024, 4, 11)
    assert r["genvurdering_due"] is not None and r["genvurdering_due"].due == date(2024, 5, 8)
    assert "rettidig" in r["klagefrist"].explanation[-1]


def test_report_flags_complaint_in_gap_between_profiles_as_timely_verify() -> None:
    r = frist_report(date(2024, 11, 26), complaint_received=date(2024, 12, 27))
    assert r["klagefrist"] is not None and "rettidig – kontrollér" in r["klagefrist"].explanation[-1]


def test_report_flags_late_complaint() -> None:
    r = frist_report(date(2024, 3, 5), complaint_received=date(2024, 4, 3))
    assert r["klagefrist"] is not None and "for sent" in r["klagefrist"].explanation[-1]


def test_report_answered_without_requested_is_rejected() -> None:
    with pytest.raises(DeadlineInputError, match="without aktindsigt_requested"):
        frist_report(date(2024, 3, 5), aktindsigt_answered=date(2024, 3, 27))


def test_report_answered_before_requested_is_rejected() -> None:
    with pytest.raises(DeadlineInputError, match="cannot be answered before it was requested"):
        frist_report(date(2024, 3, 5), aktindsigt_requested=date(2024, 3, 18), aktindsigt_answered=date(2024, 3, 10))


def test_report_complaint_before_decision_is_rejected() -> None:
    with pytest.raises(DeadlineInputError, match="before the decision"):
        frist_report(date(2024, 3, 5), complaint_received=date(2024, 3, 4))


def test_report_unknown_year_raises_calendar_year_unknown() -> None:
    with pytest.raises(CalendarYearUnknown):
        frist_report(date(2050, 3, 5))


def test_report_aktindsigt_after_expiry_does_not_interrupt() -> None:
    r = frist_report(date(2024, 3, 5), aktindsigt_requested=date(2024, 4, 5), aktindsigt_answered=date(2024, 4, 9))
    assert r["klagefrist"] is not None and r["klagefrist"].due == date(2024, 4, 2)
    assert r["aktindsigt_answer_due"] is not None and r["aktindsigt_answer_due"].due == date(2024, 4, 16)
