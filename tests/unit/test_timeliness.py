"""domain.timeliness: suspension grounds first, then strict/lenient klagefrist; late complaints are flagged for
Ankestyrelsen's dispensation, never dropped (docs/legal-reference.md §2.6, §7)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.calendar import CalendarProfile
from domain.deadlines import klagefrist
from domain.timeliness import Timeliness, assess, suspension_ground
from domain.vocabulary import DecisionDelivery

# Decision received Tuesday 26 November 2024: +4 weeks is Tuesday 24 December (juleaftensdag), a hverdag in the
# strict profile; the lenient profile skips 24-26 December and moves it to Friday 27 December.
DECISION_RECEIVED = date(2024, 11, 26)
STRICT = klagefrist(DECISION_RECEIVED, CalendarProfile.STRICT)
LENIENT = klagefrist(DECISION_RECEIVED, CalendarProfile.LENIENT)


def judge(received: date, *, late_reason_given: bool = False) -> Timeliness:
    return assess(
        received, strict=STRICT, lenient=LENIENT, suspended_because=None, late_reason_given=late_reason_given
    )


def text(result: Timeliness) -> str:
    return "\n".join(result.explanation)


def test_example_deadlines_are_as_the_brief_states() -> None:
    assert STRICT.due == date(2024, 12, 24)
    assert LENIENT.due == date(2024, 12, 27)


# --- suspension_ground ------------------------------------------------------------------------------------


@pytest.mark.parametrize("klagevejledning_given", [True, False])
def test_oral_decision_suspends_the_klagefrist(klagevejledning_given: bool) -> None:
    ground = suspension_ground(DecisionDelivery.ORAL, klagevejledning_given)
    assert ground is not None
    assert "mundtligt" in ground
    assert "FVL § 23" in ground


@pytest.mark.parametrize(
    "delivery", [DecisionDelivery.DIGITAL_POST, DecisionDelivery.POST, DecisionDelivery.QUICKPOST, DecisionDelivery.HANDED_OVER]
)
def test_missing_klagevejledning_suspends_the_klagefrist(delivery: DecisionDelivery) -> None:
    ground = suspension_ground(delivery, klagevejledning_given=False)
    assert ground is not None
    assert "klagevejledning" in ground
    assert "pkt. 272" in ground


@pytest.mark.parametrize(
    "delivery", [DecisionDelivery.DIGITAL_POST, DecisionDelivery.POST, DecisionDelivery.QUICKPOST, DecisionDelivery.HANDED_OVER]
)
def test_written_decision_with_klagevejledning_has_no_suspension_ground(delivery: DecisionDelivery) -> None:
    assert suspension_ground(delivery, klagevejledning_given=True) is None


# --- assess ---------------------------------------------------------------------------------------------------


def test_suspended_klagefrist_makes_even_a_very_late_complaint_timely() -> None:
    ground = suspension_ground(DecisionDelivery.POST, klagevejledning_given=False)
    result = assess(date(2025, 6, 1), strict=None, lenient=None, suspended_because=ground, late_reason_given=False)
    assert result.late is False
    assert result.explanation[0] == ground
    assert "rettidig" in text(result)


@pytest.mark.parametrize("received", [date(2024, 11, 27), date(2024, 12, 20), date(2024, 12, 24)])
def test_complaint_on_or_before_strict_expiry_is_timely(received: date) -> None:
    result = judge(received)
    assert result.late is False
    assert len(result.explanation) == 1
    assert "inden klagefristen tirsdag den 24. december 2024" in text(result)
    assert "verificeres" not in text(result)


@pytest.mark.parametrize("received", [date(2024, 12, 25), date(2024, 12, 27)])
def test_complaint_between_strict_and_lenient_expiry_is_timely_but_marked_for_verification(received: date) -> None:
    result = judge(received)
    assert result.late is False
    assert "bør verificeres" in text(result)
    assert "tirsdag den 24. december 2024" in text(result)
    assert "fredag den 27. december 2024" in text(result)


def test_complaint_after_lenient_expiry_is_late_and_forwarded_for_dispensation() -> None:
    result = judge(date(2024, 12, 30))
    assert result.late is True
    assert "efter klagefristen fredag den 27. december 2024" in text(result)
    assert "dispensation" in text(result)
    assert "rsl § 67" in text(result)
    assert "afvises ikke" in text(result)
    assert "særlig grund" in text(result)
    assert "Borgeren har oplyst" not in text(result)


def test_late_complaint_with_stated_saerlig_grund_says_it_is_sent_on() -> None:
    result = judge(date(2024, 12, 30), late_reason_given=True)
    assert result.late is True
    assert "Borgeren har oplyst en særlig grund" in result.explanation[-1]
    assert "R72" in result.explanation[-1]
    assert len(result.explanation) == len(judge(date(2024, 12, 30)).explanation) + 1


def test_stated_saerlig_grund_is_not_mentioned_for_a_timely_complaint() -> None:
    result = judge(date(2024, 12, 20), late_reason_given=True)
    assert result.late is False
    assert "særlig grund" not in text(result)
