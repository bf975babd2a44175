"""The breach forecast (domain/forecast.py) on the constructed set of tests/forecast_set.py, whose answers
are worked out by hand in its docstring, and on single cases for the edges: no assignee, an assignee with
no history, a deadline today, an aktindsigt pause, the citizen's klagefrist, the horizon."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.calendar import CalendarProfile
from domain.forecast import Cause, OpenCase, Pace, counted_deadline, forecast, pace_window, paces, working_days_between
from domain.vocabulary import DeadlineName, Phase
from tests.forecast_set import COMPLETED, EXPECTED_14, NOW, OVERDUE_14, TODAY, WITHIN_14, ends, open_cases


def run(cases: list[OpenCase], completed: dict[str, int] | None = None, days: int = 14, **kwargs):
    return forecast(cases, COMPLETED if completed is None else completed, now=NOW, days=days, **kwargs)


def a_case(case_id: str = "C1", *, due: date = TODAY + timedelta(days=3), assignee: str | None = "sb-a",
           phase: Phase = Phase.GENVURDERING, kind: DeadlineName = DeadlineName.GENVURDERING, unit: str = "ydelse") -> OpenCase:  # fmt: skip
    return OpenCase(case_id, phase, unit, assignee, kind, ends(due))


# --- the constructed set ---------------------------------------------------------------------------------------


def test_the_constructed_set_gives_the_answers_worked_out_by_hand():
    result = run(open_cases())
    got = [(r.case_id, r.cause, r.queue_before, r.working_days_needed, r.working_days_left) for r in result.at_risk]
    assert got == EXPECTED_14
    assert (result.overdue, result.within_horizon) == (OVERDUE_14, WITHIN_14)
    assert (result.today, result.until) == (TODAY, date(2026, 12, 7))


def test_the_most_urgent_deadline_comes_first():
    result = run(open_cases())
    keys = [(r.deadline_at, r.case_id) for r in result.at_risk]
    assert keys == sorted(keys)


def test_the_unit_filter_narrows_what_is_shown_not_the_queues():
    # sb-a's queue is the same whichever unit is asked about: a handicap case before them still waits.
    result = run(open_cases(), units=["handicap"])
    assert [r.case_id for r in result.at_risk] == ["F-N1", "F-B3"]
    assert result.overdue == 0
    mixed = run([a_case("H0", unit="handicap", due=TODAY + timedelta(days=1)), a_case("Y1", due=TODAY + timedelta(days=1))],
                {"sb-a": 20}, units=["ydelse"])  # fmt: skip
    assert [(r.case_id, r.queue_before) for r in mixed.at_risk] == [("Y1", 1)]


def test_a_shorter_horizon_leaves_the_later_deadlines_out():
    result = run(open_cases(), days=1)
    assert [r.case_id for r in result.at_risk] == ["F-T1", "F-A2", "F-A3", "F-P1"]
    assert result.until == date(2026, 11, 24)


def test_the_reason_names_the_deadline_the_queue_and_the_pace_in_danish():
    by_id = {r.case_id: r for r in run(open_cases()).at_risk}
    assert by_id["F-A2"].reason == (
        "Fristen udløber i morgen (tirsdag 24. november 2026, 1 arbejdsdag efter i dag), og sagsbehandleren har "
        "2 sager før denne i køen med et tempo på 2 sager pr. arbejdsdag (de seneste 30 dage): sagen nås først "
        "om cirka 2 arbejdsdage."
    )
    assert "tempo på 0,25 sager pr. arbejdsdag" in by_id["F-B3"].reason
    assert by_id["F-B3"].reason.startswith("Fristen udløber om 14 dage (mandag 7. december 2026, 10 arbejdsdage efter i dag)")
    assert by_id["F-A3"].deadline_label == "Servicemål for svar på formalitetsklagen"


# --- the edges -------------------------------------------------------------------------------------------------


def test_a_case_without_an_assignee_is_at_risk_whatever_the_time_left():
    result = run([a_case(assignee=None, due=TODAY + timedelta(days=14))])
    [risk] = result.at_risk
    assert (risk.cause, risk.queue_before, risk.pace_per_day) == (Cause.UNASSIGNED, None, None)
    assert risk.reason.startswith("Ingen sagsbehandler tildelt, og fristen udløber om 14 dage")


def test_an_assignee_without_history_has_no_pace_to_count_on():
    [risk] = run([a_case(assignee="sb-new", due=TODAY + timedelta(days=10))]).at_risk
    assert (risk.cause, risk.pace_per_day, risk.working_days_needed) == (Cause.NO_PACE, 0.0, None)
    assert "har ikke afsluttet nogen sager med frist de seneste 30 dage" in risk.reason


def test_a_deadline_today_leaves_no_working_day_so_it_is_at_risk_even_at_a_fast_pace():
    [risk] = run([a_case(due=TODAY)], {"sb-a": 200}).at_risk
    assert (risk.cause, risk.days_left, risk.working_days_left, risk.working_days_needed) == (Cause.QUEUE, 0, 0, 1)
    assert risk.reason.startswith("Fristen udløber i dag (mandag 23. november 2026)")


def test_a_deadline_tomorrow_is_kept_by_a_caseworker_with_nothing_before_it():
    assert run([a_case(due=TODAY + timedelta(days=1))], {"sb-a": 20}).at_risk == []


def test_the_genvurdering_is_paused_while_an_aktindsigt_request_waits_for_its_answer():
    paused = a_case("P", phase=Phase.AKTINDSIGT, kind=DeadlineName.GENVURDERING, due=TODAY)
    assert counted_deadline(paused) is None
    assert run([paused], {}).at_risk == []
    answer = a_case("Q", phase=Phase.AKTINDSIGT, kind=DeadlineName.AKTINDSIGT, due=TODAY + timedelta(days=2))
    assert counted_deadline(answer) == (DeadlineName.AKTINDSIGT, answer.deadline_at)
    [risk] = run([answer], {}).at_risk
    assert (risk.deadline_kind, risk.deadline_label) == (DeadlineName.AKTINDSIGT, "Svar på aktindsigt (7 arbejdsdage)")


def test_a_paused_genvurdering_takes_no_place_in_the_queue():
    cases = [a_case("P", phase=Phase.AKTINDSIGT, kind=DeadlineName.GENVURDERING, due=TODAY + timedelta(days=1)),
             a_case("Z", due=TODAY + timedelta(days=1))]  # fmt: skip
    assert run(cases, {"sb-a": 20}).at_risk == []  # Z is first in the queue at 1 a day


def test_the_citizens_klagefrist_and_cases_without_a_deadline_are_never_forecast():
    cases = [a_case("K", phase=Phase.KLAGEFRIST, kind=DeadlineName.KLAGEFRIST, assignee=None),
             OpenCase("S", Phase.AT_ANKESTYRELSEN, "ydelse", None, None, None)]  # fmt: skip
    result = run(cases, {})
    assert (result.at_risk, result.within_horizon, result.overdue) == ([], 0, 0)


def test_an_overdue_case_is_counted_apart_yet_still_holds_its_place_in_the_queue():
    cases = [a_case("OLD", due=TODAY - timedelta(days=3)), a_case("NEW", due=TODAY + timedelta(days=1))]
    result = run(cases, {"sb-a": 20})
    assert result.overdue == 1
    assert [(r.case_id, r.queue_before) for r in result.at_risk] == [("NEW", 1)]


def test_a_deadline_that_passed_earlier_today_is_overdue_not_forecast():
    result = run([OpenCase("E", Phase.GENVURDERING, "ydelse", "sb-a", DeadlineName.GENVURDERING, NOW - timedelta(hours=1))])
    assert (result.at_risk, result.overdue) == ([], 1)


def test_the_horizon_must_be_at_least_a_day():
    with pytest.raises(ValueError):
        run([], days=0)


# --- pace and arbejdsdage ---------------------------------------------------------------------------------------


def test_the_pace_window_is_the_thirty_days_before_today_and_counts_arbejdsdage():
    assert pace_window(TODAY) == (date(2026, 10, 24), date(2026, 11, 22))
    assert paces({"sb-a": 40}, TODAY, CalendarProfile.STRICT) == {"sb-a": Pace(40, 20)}
    assert Pace(40, 20).per_day == 2.0


def test_arbejdsdage_skip_weekends_and_helligdage():
    # Wednesday 23 December to Monday 28 December 2026: juledag (Friday) and the weekend are not counted.
    assert working_days_between(date(2026, 12, 23), date(2026, 12, 28), CalendarProfile.STRICT) == 3
    # The lenient profile does not count 24 December either.
    assert working_days_between(date(2026, 12, 23), date(2026, 12, 28), CalendarProfile.LENIENT) == 2
    assert working_days_between(date(2026, 12, 28), date(2026, 12, 27), CalendarProfile.STRICT) == 0


def test_days_needed_round_up_to_whole_arbejdsdage():
    assert Pace(40, 20).days_for(3) == 2
    assert Pace(5, 20).days_for(1) == 4
    assert Pace(0, 20).days_for(1) is None


def test_the_reason_reads_as_danish_for_one_case_and_for_an_empty_queue():
    by_id = {r.case_id: r for r in run(open_cases()).at_risk}
    assert "har ingen sager før denne i køen med et tempo på 1 sag pr. arbejdsdag" in by_id["F-T1"].reason
    assert "har 1 sag før denne i køen" in by_id["F-P1"].reason
    assert by_id["F-N1"].reason.endswith("så der er intet tempo at regne med.")
