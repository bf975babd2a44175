"""domain.calendar against the holiday table and profiles of docs/legal-reference.md §2.3."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.calendar import (
    FIRST_YEAR,
    LAST_YEAR,
    CalendarProfile,
    CalendarYearUnknown,
    add_working_days,
    danish_date,
    easter_sunday,
    helligdage,
    is_working_day,
    non_working_days,
    non_working_reason,
    roll_forward,
)

STRICT = CalendarProfile.STRICT
LENIENT = CalendarProfile.LENIENT

# docs/legal-reference.md §2.3 holiday table, 2024–2027, transcribed row by row.
TABLE = {
    2024: ["01-01", "03-28", "03-29", "03-31", "04-01", "05-09", "05-19", "05-20", "12-25", "12-26"],
    2025: ["01-01", "04-17", "04-18", "04-20", "04-21", "05-29", "06-08", "06-09", "12-25", "12-26"],
    2026: ["01-01", "04-02", "04-03", "04-05", "04-06", "05-14", "05-24", "05-25", "12-25", "12-26"],
    2027: ["01-01", "03-25", "03-26", "03-28", "03-29", "05-06", "05-16", "05-17", "12-25", "12-26"],
}
NAMES = [
    "Nytårsdag",
    "Skærtorsdag",
    "Langfredag",
    "Påskedag",
    "2. påskedag",
    "Kristi himmelfartsdag",
    "Pinsedag",
    "2. pinsedag",
    "Juledag",
    "2. juledag",
]
TABLE_CASES = [
    pytest.param(date.fromisoformat(f"{year}-{md}"), name, id=f"{year}-{md}-{name}")
    for year, mds in TABLE.items()
    for md, name in zip(mds, NAMES, strict=True)
]


@pytest.mark.parametrize(("day", "name"), TABLE_CASES)
def test_every_helligdag_in_the_domain_table_is_named(day: date, name: str) -> None:
    assert helligdage(day.year)[day] == name


@pytest.mark.parametrize("year", sorted(TABLE))
def test_helligdage_2024_to_2027_are_exactly_the_ten_in_the_table(year: int) -> None:
    assert len(helligdage(year)) == 10


@pytest.mark.parametrize(("year", "easter"), [(2024, "03-31"), (2025, "04-20"), (2026, "04-05"), (2027, "03-28")])
def test_easter_sunday_matches_the_table(year: int, easter: str) -> None:
    assert easter_sunday(year) == date.fromisoformat(f"{year}-{easter}")


@pytest.mark.parametrize("year", range(FIRST_YEAR, LAST_YEAR + 1))
def test_easter_is_always_a_sunday_in_march_or_april(year: int) -> None:
    e = easter_sunday(year)
    assert e.weekday() == 6 and date(year, 3, 22) <= e <= date(year, 4, 25)


def test_store_bededag_2023_is_a_helligdag() -> None:
    assert helligdage(2023)[date(2023, 5, 5)] == "Store Bededag"


def test_store_bededag_is_abolished_from_2024() -> None:
    # Easter 2024 + 26 = fredag 26. april 2024: an ordinary working day since the abolition (R57, R58).
    assert date(2024, 4, 26) not in helligdage(2024)
    assert "Store Bededag" not in helligdage(2024).values()
    assert is_working_day(date(2024, 4, 26))


def test_first_of_may_is_a_working_day_in_both_profiles() -> None:
    assert is_working_day(date(2024, 5, 1), STRICT) and is_working_day(date(2024, 5, 1), LENIENT)


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2024, 5, 10), "fredag efter Kristi himmelfart"),
        (date(2025, 5, 30), "fredag efter Kristi himmelfart"),
        (date(2026, 5, 15), "fredag efter Kristi himmelfart"),
        (date(2024, 6, 5), "grundlovsdag"),
        (date(2024, 12, 24), "juleaftensdag"),
        (date(2024, 12, 31), "nytårsaftensdag"),
    ],
)
def test_lenient_extra_days_are_working_days_only_in_the_strict_profile(day: date, reason: str) -> None:
    assert is_working_day(day, STRICT)
    assert not is_working_day(day, LENIENT)
    assert non_working_reason(day, LENIENT) == reason


def test_non_working_days_lenient_is_a_superset_of_strict() -> None:
    strict, lenient = non_working_days(2024, STRICT), non_working_days(2024, LENIENT)
    assert strict.items() <= lenient.items()
    assert len(lenient) == len(strict) + 4


def test_helligdag_name_wins_when_a_lenient_extra_coincides() -> None:
    # 2017: 2. pinsedag fell on grundlovsdag, 5 June.
    assert non_working_days(2017, LENIENT)[date(2017, 6, 5)] == "2. pinsedag"


@pytest.mark.parametrize(("day", "reason"), [(date(2024, 3, 9), "lørdag"), (date(2024, 3, 10), "søndag")])
def test_weekend_reason_is_the_danish_weekday(day: date, reason: str) -> None:
    assert non_working_reason(day) == reason


def test_named_holiday_on_a_weekend_gives_the_holiday_name() -> None:
    assert non_working_reason(date(2024, 3, 31)) == "Påskedag"


def test_working_day_has_no_reason() -> None:
    assert non_working_reason(date(2024, 4, 2)) is None


def test_roll_forward_keeps_a_working_day() -> None:
    assert roll_forward(date(2024, 4, 2)) == date(2024, 4, 2)


def test_roll_forward_crosses_the_whole_easter_block() -> None:
    assert roll_forward(date(2024, 3, 28)) == date(2024, 4, 2)


def test_roll_forward_lenient_skips_christmas_eve_to_27_december() -> None:
    assert roll_forward(date(2024, 12, 24), LENIENT) == date(2024, 12, 27)


def test_add_working_days_does_not_count_the_start_day() -> None:
    assert add_working_days(date(2024, 3, 4), 1) == date(2024, 3, 5)


def test_add_working_days_zero_returns_the_day_itself() -> None:
    assert add_working_days(date(2024, 3, 30), 0) == date(2024, 3, 30)


def test_add_working_days_from_langfredag_skips_2_paaskedag() -> None:
    assert add_working_days(date(2024, 3, 29), 7) == date(2024, 4, 10)


def test_add_working_days_refuses_negative_counts() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2024, 3, 4), -1)


@pytest.mark.parametrize("bad", [date(FIRST_YEAR - 1, 6, 1), date(LAST_YEAR + 1, 6, 1)])
def test_unknown_year_raises_with_year_and_range(bad: date) -> None:
    with pytest.raises(CalendarYearUnknown) as err:
        is_working_day(bad)
    assert str(bad.year) in str(err.value) and f"{FIRST_YEAR}..{LAST_YEAR}" in str(err.value)


def test_unknown_year_is_a_value_error() -> None:
    assert issubclass(CalendarYearUnknown, ValueError)


def test_helligdage_refuses_unknown_year() -> None:
    with pytest.raises(CalendarYearUnknown):
        helligdage(2014)


def test_roll_forward_past_the_last_supported_year_raises() -> None:
    # 31/12 is fine in strict, but lenient rolls 31/12/2035 into 2036, which has no table.
    with pytest.raises(CalendarYearUnknown):
        roll_forward(date(LAST_YEAR, 12, 31), LENIENT)


def test_helligdage_returns_a_fresh_dict_each_time() -> None:
    helligdage(2024).clear()
    assert len(helligdage(2024)) == 10


def test_danish_date_formats_weekday_day_month_year() -> None:
    assert danish_date(date(2024, 3, 5)) == "tirsdag 5. marts 2024"


def test_every_day_of_the_supported_range_is_classified_without_error() -> None:
    d, end = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
    count = 0
    while d <= end:
        count += not is_working_day(d, LENIENT)
        d += timedelta(days=1)
    assert count > 0
