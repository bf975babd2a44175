"""Properties of the deadline rules (domain/deadlines.py, domain/calendar.py) over many dates.

The worked examples in test_deadlines.py pin single dates; these check that the rules keep their promises
for every day the holiday table covers (docs/legal-reference.md §2.3): a frist never ends before it began, never on a
day off, an interruption never takes days away, and bad input only ever raises the two typed errors.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.calendar import (
    CalendarProfile,
    CalendarYearUnknown,
    add_working_days,
    is_working_day,
    roll_forward,
)
from domain.deadlines import (
    AKTINDSIGT_WORKING_DAYS,
    GENVURDERING_DAYS,
    KLAGEFRIST_DAYS,
    MIN_DAYS_AFTER_AKTINDSIGT,
    DeadlineInputError,
    DeadlineKind,
    aktindsigt_answer_due,
    frist_report,
    genvurdering_due,
    klagefrist,
    klagefrist_after_aktindsigt,
)

# The calendar covers 2015..2035; starting dates stay well inside so that +28 days, +7 arbejdsdage and an
# aktindsigt pause of a few months never leave it.
DAYS = st.dates(min_value=date(2016, 1, 1), max_value=date(2034, 6, 30))
PROFILES = st.sampled_from(list(CalendarProfile))
OFFSETS = st.integers(min_value=0, max_value=90)  # days between two events of one case

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _working_days_between(start: date, end: date, profile: CalendarProfile = CalendarProfile.STRICT) -> int:
    """Working days in (start, end]."""
    return sum(is_working_day(start + timedelta(days=i), profile) for i in range(1, (end - start).days + 1))


# --- klagefrist (rsl § 67) ----------------------------------------------------------------------------


@FAST
@given(received=DAYS, profile=PROFILES)
def test_klagefrist_is_at_least_four_weeks_after_receipt_and_ends_on_a_working_day(
    received: date, profile: CalendarProfile
) -> None:
    due = klagefrist(received, profile)
    assert due.kind is DeadlineKind.KLAGEFRIST
    assert due.due > received
    assert due.due >= received + timedelta(days=KLAGEFRIST_DAYS)
    assert is_working_day(due.due, profile)
    # Rolled to the *first* working day: every day from +28 up to the due date is a day off.
    raw = received + timedelta(days=KLAGEFRIST_DAYS)
    assert all(not is_working_day(raw + timedelta(days=i), profile) for i in range((due.due - raw).days))
    assert due.explanation and all(line.strip() for line in due.explanation)


@FAST
@given(received=DAYS)
def test_strict_klagefrist_never_ends_on_a_strict_day_off_and_lenient_is_never_earlier(received: date) -> None:
    strict = klagefrist(received, CalendarProfile.STRICT).due
    lenient = klagefrist(received, CalendarProfile.LENIENT).due
    assert is_working_day(strict, CalendarProfile.STRICT)
    assert is_working_day(lenient, CalendarProfile.LENIENT)
    assert lenient >= strict


# --- aktindsigt interrupts the klagefrist -------------------------------------------------------------


@FAST
@given(received=DAYS, requested_after=OFFSETS, answered_after=OFFSETS, profile=PROFILES)
def test_aktindsigt_never_shortens_the_klagefrist(
    received: date, requested_after: int, answered_after: int, profile: CalendarProfile
) -> None:
    current = klagefrist(received, profile)
    requested = received + timedelta(days=requested_after)
    answered = requested + timedelta(days=answered_after)
    after = klagefrist_after_aktindsigt(current, requested, answered, profile)
    assert after.kind is DeadlineKind.KLAGEFRIST
    assert after.due >= current.due
    assert is_working_day(after.due, profile)
    # The audit trail is kept and extended, never rewritten.
    assert after.explanation[: len(current.explanation)] == current.explanation
    assert len(after.explanation) > len(current.explanation)
    if requested <= current.due:
        assert after.due >= answered + timedelta(days=MIN_DAYS_AFTER_AKTINDSIGT)
    else:
        assert after.due == current.due


@FAST
@given(
    received=DAYS,
    first=st.tuples(OFFSETS, OFFSETS),
    second=st.tuples(OFFSETS, OFFSETS),
    profile=PROFILES,
)
def test_a_second_aktindsigt_interruption_never_gives_an_earlier_date_than_one(
    received: date, first: tuple[int, int], second: tuple[int, int], profile: CalendarProfile
) -> None:
    current = klagefrist(received, profile)
    r1 = received + timedelta(days=first[0])
    a1 = r1 + timedelta(days=first[1])
    once = klagefrist_after_aktindsigt(current, r1, a1, profile)
    r2 = a1 + timedelta(days=second[0])  # requests are made in order; the next after the last answer
    a2 = r2 + timedelta(days=second[1])
    twice = klagefrist_after_aktindsigt(once, r2, a2, profile)
    assert twice.due >= once.due >= current.due
    if r2 <= once.due:
        assert twice.due >= a2 + timedelta(days=MIN_DAYS_AFTER_AKTINDSIGT)


@FAST
@given(received=DAYS, requested_after=OFFSETS, answered_before=st.integers(min_value=1, max_value=30))
def test_an_answer_before_the_request_is_refused_with_deadline_input_error(
    received: date, requested_after: int, answered_before: int
) -> None:
    current = klagefrist(received)
    requested = received + timedelta(days=requested_after)
    try:
        klagefrist_after_aktindsigt(current, requested, requested - timedelta(days=answered_before))
    except DeadlineInputError as error:
        assert "before" in str(error)
    else:
        raise AssertionError("an answer before its request was accepted")


# --- aktindsigt answer: 7 arbejdsdage (FVL § 16 stk. 2, OFL § 36) ---------------------------------------


@FAST
@given(requested=DAYS)
def test_aktindsigt_answer_is_due_exactly_seven_working_days_after_the_request(requested: date) -> None:
    due = aktindsigt_answer_due(requested)
    assert due.kind is DeadlineKind.AKTINDSIGT_ANSWER_DUE
    assert due.due > requested
    assert is_working_day(due.due, CalendarProfile.STRICT)
    assert _working_days_between(requested, due.due) == AKTINDSIGT_WORKING_DAYS
    days_off = sum(
        not is_working_day(requested + timedelta(days=i)) for i in range(1, (due.due - requested).days)
    )
    assert (due.due - requested).days == AKTINDSIGT_WORKING_DAYS + days_off


# --- genvurdering (rsl § 66) --------------------------------------------------------------------------


PAUSES = st.lists(st.tuples(OFFSETS, st.integers(min_value=0, max_value=40)), max_size=4)


@FAST
@given(complaint=DAYS, pauses=PAUSES)
def test_genvurdering_pauses_never_make_it_earlier(complaint: date, pauses: list[tuple[int, int]]) -> None:
    plain = genvurdering_due(complaint)
    assert plain.due == complaint + timedelta(days=GENVURDERING_DAYS)
    dated = [
        (complaint + timedelta(days=start), complaint + timedelta(days=start + length)) for start, length in pauses
    ]
    paused = genvurdering_due(complaint, dated)
    assert paused.kind is DeadlineKind.GENVURDERING_DUE
    assert paused.due >= plain.due
    # The clock stands still at most for the days the pauses cover together (overlaps count once).
    covered = {r + timedelta(days=i) for r, a in dated for i in range((a - r).days)}
    assert (paused.due - plain.due).days <= len(covered)


@FAST
@given(complaint=DAYS)
def test_genvurdering_without_pauses_is_four_weeks_not_rolled(complaint: date) -> None:
    assert genvurdering_due(complaint, []).due == complaint + timedelta(days=GENVURDERING_DAYS)


# --- calendar -----------------------------------------------------------------------------------------


@FAST
@given(day=DAYS, n=st.integers(min_value=0, max_value=60), m=st.integers(min_value=0, max_value=60), profile=PROFILES)
def test_add_working_days_is_monotonic_in_n(day: date, n: int, m: int, profile: CalendarProfile) -> None:
    low, high = sorted((n, m))
    a, b = add_working_days(day, low, profile), add_working_days(day, high, profile)
    assert a <= b
    if low < high:
        assert a < b
        assert _working_days_between(a, b, profile) == high - low
    if high > 0:
        assert is_working_day(b, profile)


@FAST
@given(day=DAYS, profile=PROFILES)
def test_roll_forward_is_idempotent_and_lands_on_the_first_working_day(day: date, profile: CalendarProfile) -> None:
    once = roll_forward(day, profile)
    assert roll_forward(once, profile) == once
    assert once >= day
    assert is_working_day(once, profile)
    assert all(not is_working_day(day + timedelta(days=i), profile) for i in range((once - day).days))
    # A day that is off in the strict profile is off in the lenient one too.
    assert roll_forward(day, CalendarProfile.LENIENT) >= roll_forward(day, CalendarProfile.STRICT)


# --- frist_report with any combination of dates ----------------------------------------------------------

ANY_DAY = st.one_of(DAYS, st.dates(min_value=date(2013, 1, 1), max_value=date(2037, 12, 31)), st.dates())
MAYBE_DAY = st.one_of(st.none(), ANY_DAY)


@settings(max_examples=200, deadline=None)
@given(
    received=ANY_DAY,
    requested=MAYBE_DAY,
    answered=MAYBE_DAY,
    complaint=MAYBE_DAY,
    profile=PROFILES,
)
def test_frist_report_returns_or_raises_only_its_typed_errors(
    received: date, requested: date | None, answered: date | None, complaint: date | None, profile: CalendarProfile
) -> None:
    try:
        report = frist_report(
            received,
            aktindsigt_requested=requested,
            aktindsigt_answered=answered,
            complaint_received=complaint,
            profile=profile,
        )
    except (DeadlineInputError, CalendarYearUnknown) as error:
        assert str(error)
        return
    assert set(report) == {"klagefrist", "aktindsigt_answer_due", "genvurdering_due"}
    assert report["klagefrist"] is not None and report["klagefrist"].due >= received
    assert (report["aktindsigt_answer_due"] is None) == (requested is None)
    assert (report["genvurdering_due"] is None) == (complaint is None)
    for deadline in report.values():
        if deadline is not None:
            assert deadline.explanation


@settings(max_examples=200, deadline=None)
@given(
    received=DAYS,
    requested_after=st.one_of(st.none(), st.integers(min_value=-20, max_value=90)),
    answered_after=st.one_of(st.none(), st.integers(min_value=-5, max_value=60)),
    complaint_after=st.one_of(st.none(), st.integers(min_value=-5, max_value=90)),
    profile=PROFILES,
)
def test_frist_report_on_plausible_cases_never_ends_the_klagefrist_before_the_plain_one(
    received: date,
    requested_after: int | None,
    answered_after: int | None,
    complaint_after: int | None,
    profile: CalendarProfile,
) -> None:
    requested = received + timedelta(days=requested_after) if requested_after is not None else None
    answered = (
        requested + timedelta(days=answered_after) if requested is not None and answered_after is not None else None
    )
    complaint = received + timedelta(days=complaint_after) if complaint_after is not None else None
    try:
        report = frist_report(
            received,
            aktindsigt_requested=requested,
            aktindsigt_answered=answered,
            complaint_received=complaint,
            profile=profile,
        )
    except DeadlineInputError:
        assert (answered is not None and requested is not None and answered < requested) or (
            complaint is not None and complaint < received
        )
        return
    kf = report["klagefrist"]
    assert kf is not None
    assert kf.due >= klagefrist(received, profile).due
    assert is_working_day(kf.due, profile)
