"""The pure part of `klagesag simulate`: parameters, the seeded scenario, the comparison."""

from __future__ import annotations

import statistics
from datetime import date, timedelta

import pytest

from domain.errors import InvalidInput
from simulation.compare import difference, key_figures
from simulation.parameters import Parameters
from simulation.scenario import Scenario

MONDAY = date(2027, 3, 1)


def days(n: int) -> list[date]:
    return [MONDAY + timedelta(days=i) for i in range(n)]


def test_the_defaults_are_a_copenhagen_sized_year() -> None:
    p = Parameters()
    assert 3100 <= 12 * (p.realitet_per_month + p.formal_per_month) <= 3300  # SEED 004, 2013: 2,560 + 642


def test_the_same_seed_gives_the_same_complaints_and_another_seed_other_ones() -> None:
    def year(seed: int) -> list[tuple[str, str, str]]:
        s = Scenario(Parameters(), seed)
        return [(a.kind, a.fields["area"], a.fields["klaget_til"]) for d in days(60) for a in s.arrivals(d)]

    assert year(4) == year(4)
    assert year(4) != year(5)


def test_arrivals_come_on_working_days_at_the_rate_asked_for() -> None:
    s = Scenario(Parameters().with_settings(["realitet_per_month=100", "formal_per_month=0"]), 1)
    per_day = {d: len(s.arrivals(d)) for d in days(365)}
    assert all(per_day[d] == 0 for d in per_day if d.weekday() >= 5)
    assert 1100 <= sum(per_day.values()) <= 1300  # Poisson: 1,200 expected


def test_formal_complaints_carry_about_3_5_formal_klagepunkter() -> None:
    s = Scenario(Parameters().with_settings(["realitet_per_month=0", "formal_per_month=500"]), 2)
    arrivals = [a for d in days(30) for a in s.arrivals(d)]
    assert all(a.kind == "formalitet" and len(a.fields["klagepunkter"]) == a.points >= 1 for a in arrivals)
    assert 3.2 <= statistics.mean(a.points for a in arrivals) <= 3.8  # SEED 003: 3.49


def test_the_caseworkers_decide_no_more_genvurderinger_a_day_than_their_capacity() -> None:
    s = Scenario(Parameters().with_settings(["sagsbehandlere=2", "genvurderinger_per_day=1.5", "genvurdering_prep_days=0"]), 3)
    for number in range(20):
        s.awaits_genvurdering(number, 1, MONDAY)
    assert [len(s.genvurderinger_today(d)) for d in days(5)] == [3, 3, 3, 3, 3]
    assert s.genvurderinger_today(MONDAY + timedelta(days=5)) == []  # a Saturday
    assert s.queued == 5


def test_no_sagsbehandlere_decide_nothing() -> None:
    s = Scenario(Parameters().with_settings(["sagsbehandlere=0"]), 3)
    s.awaits_genvurdering(1, 1, MONDAY - timedelta(days=30))
    assert s.genvurderinger_today(MONDAY) == []


def test_the_outcome_mixes_follow_the_parameters() -> None:
    s = Scenario(Parameters(), 9)
    outcomes = [s.ankestyrelsen_outcome(n, 1) for n in range(4000)]
    merits = [o for o in outcomes if o not in ("afvist", "bortfaldet")]
    assert 0.07 <= 1 - len(merits) / len(outcomes) <= 0.11  # R36: 9 % afvist or bortfaldet
    assert 0.16 <= merits.count("hjemvist") / len(merits) <= 0.21  # R36: 18.3 %
    waits = sorted(s.ankestyrelsen_after(n, 1) for n in range(4000))
    assert 110 <= waits[2000] <= 135 and 190 <= waits[3600] <= 240  # median 4 months, p90 7 months


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("sagsbehandler=3", "no such simulation parameter; did you mean sagsbehandlere?"),
        ("sagsbehandlere=-1", "sagsbehandlere: Input should be greater than or equal to 0 (given '-1')"),
        ("realitet_per_month=many", "realitet_per_month: Input should be a valid number"),
        ("=3", "write name=value"),
        ("ankestyrelsen_days_p90=10", "ankestyrelsen_days_p90 must be at least ankestyrelsen_days_median"),
    ],
)
def test_a_bad_assignment_is_refused_with_what_is_allowed(assignment: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("?", r"\?").replace("(", r"\(").replace(")", r"\)")):
        Parameters().with_settings([assignment])


def test_a_setting_replaces_only_its_own_default() -> None:
    p = Parameters().with_settings(["sagsbehandlere=13", "complain_again=0.25"])
    assert (p.sagsbehandlere, p.complain_again, p.realitet_per_month) == (13, 0.25, 213)


def test_the_comparison_gives_each_figure_changed_minus_base() -> None:
    def report(percent: float | None, overdue: int) -> dict:
        return {
            "received": 10, "genvurdering_within_4_weeks": {"percent": percent},
            "genvurdering_outcomes": {"total": 8, "fuldt_medhold": 1}, "ankestyrelsen_outcomes": {"total": 3},
            "omgoerelsesprocent": None, "remands": {"remanded_cases": 1, "rounds_after_hjemvisning": 0},
            "still_open": 5, "overdue_now": overdue, "days_per_phase": [{"phase": "genvurdering", "median": 20.0}],
        }  # fmt: skip

    rows = {r["figure"]: r for r in difference(report(50.0, 4), report(75.0, 1))}
    assert rows["genvurdering_within_4_weeks_percent"]["difference"] == 25.0
    assert rows["overdue_now"]["difference"] == -3
    assert rows["omgoerelsesprocent"]["difference"] is None  # nothing to compare
    assert set(rows) == set(key_figures(report(1.0, 1)))
