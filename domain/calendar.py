"""The Danish working-day calendar klagesag counts frister with (docs/legal-reference.md §2.3).

Pure and deterministic: no I/O, no wall clock and no third-party holiday library, so workflow code may
call it and replays always give the same answer.  The table is versioned by year: Store Bededag is a
helligdag up to and including 2023 and abolished from 2024 (R57, R58), and any year outside
`FIRST_YEAR..LAST_YEAR` is refused rather than guessed (`CalendarYearUnknown`), because a frist computed
from an unverified calendar is worse than no frist.

Two profiles, because the law is only verified for the strict one (docs/legal-reference.md §2.3, "Closed days for
roll-forward"):

* `STRICT`: Saturday, Sunday and the statutory helligdage [V: R9].
* `LENIENT`: additionally fredag efter Kristi himmelfart (one authority's practice, AUB/UDK [R12]) and
  grundlovsdag 5/6, juleaftensdag 24/12 and nytårsaftensdag 31/12 (analogy from forældelsesloven only [R13]).
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from domain.errors import CalendarError

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "CalendarProfile",
    "CalendarYearUnknown",
    "add_working_days",
    "danish_date",
    "easter_sunday",
    "helligdage",
    "is_working_day",
    "lenient_only_days",
    "non_working_days",
    "non_working_reason",
    "roll_forward",
]

# The span the table is vouched for. Widen it only after checking the helligdage of the new years
# (a future law change like the 2024 abolition of Store Bededag must be reflected here first).
FIRST_YEAR = 2015
LAST_YEAR = 2035

WEEKDAYS_DANISH = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
MONTHS_DANISH = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)

# Store Bededag was abolished by an act adopted 28 February 2023, with effect from 2024 (R57, R58).
LAST_YEAR_WITH_STORE_BEDEDAG = 2023


class CalendarProfile(StrEnum):
    """Which days stop a frist from expiring (docs/legal-reference.md §2.3)."""

    STRICT = "strict"  # lørdag, søndag, helligdage [V: R9]
    LENIENT = "lenient"  # + fredag efter Kr. himmelfart [R12; practice], 5/6, 24/12, 31/12 [R13; analogy]


class CalendarYearUnknown(CalendarError):
    """A date outside the years the holiday table covers; refusing beats computing a wrong frist."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"The working-day calendar has no holiday table for {year}; it covers {FIRST_YEAR}..{LAST_YEAR}. "
            f"Check the date, or extend domain/calendar.py (FIRST_YEAR/LAST_YEAR) after verifying that "
            f"year's helligdage."
        )


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarYearUnknown(year)


def danish_date(d: date) -> str:
    """'tirsdag 5. marts 2024': how a caseworker reads a date in an explanation."""
    return f"{WEEKDAYS_DANISH[d.weekday()]} {d.day}. {MONTHS_DANISH[d.month - 1]} {d.year}"


def easter_sunday(year: int) -> date:
    """Påskedag by the anonymous Gregorian algorithm (Meeus/Jones/Butcher); every movable helligdag hangs on it."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day0 = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day0 + 1)


@lru_cache(maxsize=64)
def _helligdage(year: int) -> tuple[tuple[date, str], ...]:
    easter = easter_sunday(year)

    def rel(days: int) -> date:
        return easter + timedelta(days=days)

    days: list[tuple[date, str]] = [
        (date(year, 1, 1), "Nytårsdag"),
        (rel(-3), "Skærtorsdag"),
        (rel(-2), "Langfredag"),
        (easter, "Påskedag"),
        (rel(1), "2. påskedag"),
    ]
    if year <= LAST_YEAR_WITH_STORE_BEDEDAG:
        # Historic cases need the old calendar (docs/legal-reference.md §2.3, R57, R58).
        days.append((rel(26), "Store Bededag"))
    days += [
        (rel(39), "Kristi himmelfartsdag"),
        (rel(49), "Pinsedag"),
        (rel(50), "2. pinsedag"),
        (date(year, 12, 25), "Juledag"),
        (date(year, 12, 26), "2. juledag"),
    ]
    return tuple(days)


def helligdage(year: int) -> dict[date, str]:
    """The statutory helligdage of `year` with their Danish names (R57; Store Bededag only up to 2023)."""
    _check_year(year)
    return dict(_helligdage(year))


@lru_cache(maxsize=64)
def _lenient_only(year: int) -> tuple[tuple[date, str], ...]:
    ascension = easter_sunday(year) + timedelta(days=39)
    return (
        (ascension + timedelta(days=1), "fredag efter Kristi himmelfart"),  # practice, AUB/UDK [R12]
        (date(year, 6, 5), "grundlovsdag"),  # not a helligdag [R57]; analogy only [R13]
        (date(year, 12, 24), "juleaftensdag"),  # analogy only (forældelsesloven, R13)
        (date(year, 12, 31), "nytårsaftensdag"),  # analogy only (forældelsesloven, R13)
    )


def lenient_only_days(year: int) -> dict[date, str]:
    """The days only the lenient profile treats as non-working (excluding any that are helligdage anyway)."""
    _check_year(year)
    holy = dict(_helligdage(year))
    return {d: name for d, name in _lenient_only(year) if d not in holy}


def non_working_days(year: int, profile: CalendarProfile) -> dict[date, str]:
    """Named non-working days of `year` under `profile`; weekends are not listed (they are handled by weekday).

    A helligdag that coincides with a lenient extra (e.g. 2. pinsedag on 5 June 2017) keeps its helligdag
    name, because that is the stronger, verified reason.
    """
    days = helligdage(year)
    if profile is CalendarProfile.LENIENT:
        days.update(lenient_only_days(year))
    return days


def non_working_reason(d: date, profile: CalendarProfile = CalendarProfile.STRICT) -> str | None:
    """Why `d` is not a working day, in Danish (e.g. "lørdag", "2. påskedag"), or None if it is one.

    A named day wins over the weekday ("Påskedag", not "søndag"): it is what the citizen recognises.
    """
    _check_year(d.year)
    named = non_working_days(d.year, profile).get(d)
    if named is not None:
        return named
    if d.weekday() >= 5:
        return WEEKDAYS_DANISH[d.weekday()]
    return None


def is_working_day(d: date, profile: CalendarProfile = CalendarProfile.STRICT) -> bool:
    """True for a day a frist may expire on / that counts as an arbejdsdag (docs/legal-reference.md §2.3)."""
    return non_working_reason(d, profile) is None


def roll_forward(d: date, profile: CalendarProfile = CalendarProfile.STRICT) -> date:
    """The first working day on or after `d` (a frist ending on a non-working day moves on; R9)."""
    while not is_working_day(d, profile):
        d += timedelta(days=1)
    return d


def add_working_days(d: date, n: int, profile: CalendarProfile = CalendarProfile.STRICT) -> date:
    """The n-th working day after `d`; `d` itself is never counted (FVL § 16 stk. 2: "modtagelsesdagen").

    `d` may itself be a non-working day (a request arriving on Langfredag, Example B3).
    """
    if n < 0:
        raise ValueError(f"add_working_days counts forward only; got n={n}")
    _check_year(d.year)
    while n > 0:
        d += timedelta(days=1)
        if is_working_day(d, profile):
            n -= 1
    return d
