"""The statistics' figures on small constructed counts (domain/stats.py): percentiles, the
omgørelsesprocent with its exclusions, the change against the year before, the targets, and the report
and CSV built from them."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime, timezone

import pytest

from domain import stats
from domain.stats import Aggregates, Period, Targets
from domain.vocabulary import AnkestyrelsenOutcome, ComplaintRecipient

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))


def report(a: Aggregates, targets: Targets = Targets()) -> dict:
    return stats.report(a, kommune="0101", unit=None, period=YEAR, targets=targets, generated_at=NOW)


# --- percentiles ---------------------------------------------------------------------------------------------


def test_the_median_of_an_even_count_lies_between_the_middle_values():
    assert stats.percentile({1: 1, 2: 1, 3: 1, 4: 1}, 0.5) == 2.5


def test_percentiles_interpolate_between_ranks_like_percentile_cont():
    # 1, 3, 15, 17, 18, 19, 19, 57: p90 at rank 6.3 lies 0.3 of the way from 19 to 57.
    histogram = {1: 1, 3: 1, 15: 1, 17: 1, 18: 1, 19: 2, 57: 1}
    assert stats.percentile(histogram, 0.9) == pytest.approx(30.4)
    assert stats.percentile(histogram, 0.5) == 17.5
    assert (stats.percentile(histogram, 0), stats.percentile(histogram, 1)) == (1.0, 57.0)


def test_a_histogram_gives_the_same_percentile_as_the_values_themselves():
    rng = random.Random(9)
    values = [rng.randint(0, 40) for _ in range(301)]
    histogram: dict[int, int] = {}
    for v in values:
        histogram[v] = histogram.get(v, 0) + 1
    ordered = sorted(values)
    for q in (0.1, 0.5, 0.9, 0.95):
        position = (len(ordered) - 1) * q
        low, high = ordered[int(position)], ordered[min(int(position) + 1, len(ordered) - 1)]
        assert stats.percentile(histogram, q) == pytest.approx(low + (position - int(position)) * (high - low))


def test_no_values_have_no_percentile_and_zero_counts_are_ignored():
    assert stats.percentile({}, 0.5) is None
    assert stats.percentile({5: 0}, 0.5) is None
    assert stats.percentile({5: 0, 7: 1}, 0.5) == 7.0


def test_a_quantile_outside_0_to_1_is_refused():
    with pytest.raises(ValueError):
        stats.percentile({1: 1}, 1.5)


# --- omgørelsesprocent (R31) ---------------------------------------------------------------------------------


def test_omgoerelsesprocent_is_omgjort_over_realitetsbehandlede():
    # Ankestyrelsen 2019 (R36): 14.2 % ændret/ophævet and 18.3 % hjemvist of the cases decided on the merits.
    assert stats.omgoerelsesprocent({"stadfaestet": 675, "aendret": 100, "ophaevet": 42, "hjemvist": 183}) == pytest.approx(32.5)


def test_afviste_and_bortfaldne_count_in_neither_part():
    with_them = {"stadfaestet": 3, "hjemvist": 1, "afvist": 50, "bortfaldet": 20}
    assert stats.omgoerelsesprocent(with_them) == 25.0


def test_nothing_decided_on_the_merits_gives_no_percentage():
    assert stats.omgoerelsesprocent({}) is None
    assert stats.omgoerelsesprocent({"afvist": 4, "bortfaldet": 2}) is None


def test_every_ankestyrelsen_outcome_is_reported():
    assert set(stats.ANKESTYRELSEN_OUTCOMES) == {o.value for o in AnkestyrelsenOutcome}
    assert set(stats.REALITETSBEHANDLET) == set(stats.ANKESTYRELSEN_OUTCOMES) - {"afvist", "bortfaldet"}


# --- change and targets ----------------------------------------------------------------------------------------


def test_the_change_against_the_year_before_as_seed_004_reports_it():
    assert round(stats.change_percent(2560, 2960), 1) == -13.5
    assert round(stats.change_percent(642, 624), 1) == 2.9
    assert stats.change_percent(5, 5) == 0.0


def test_no_complaints_the_year_before_gives_no_change():
    assert stats.change_percent(10, 0) is None
    assert stats.target_met(None, -3.0) is None


def test_a_target_is_met_at_or_below_it():
    assert stats.target_met(-13.5, -3.0) is True
    assert stats.target_met(-3.0, -3.0) is True
    assert stats.target_met(2.9, -10.0) is False
    assert stats.target_met(-2.99, -3.0) is False


def test_the_same_period_a_year_earlier():
    assert YEAR.year_earlier() == Period(date(2024, 1, 1), date(2024, 12, 31))
    leap = Period(date(2024, 2, 29), date(2024, 3, 31)).year_earlier()
    assert leap == Period(date(2023, 2, 28), date(2023, 3, 31))


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        Period(date(2025, 2, 1), date(2025, 1, 31))


# --- the report --------------------------------------------------------------------------------------------------


def seed_004() -> Aggregates:
    return Aggregates(received={"realitet": 2560, "formalitet": 642}, previous={"realitet": 2960, "formalitet": 624})


def test_the_report_compares_with_the_year_before_and_the_targets():
    r = report(seed_004())
    assert (r["received"], r["realitet"], r["formalitet"]) == (3202, 2560, 642)
    assert r["targets"]["realitet"] == {"target_percent": -3.0, "change_percent": -13.5, "met": True}
    assert r["targets"]["formalitet"] == {"target_percent": -10.0, "change_percent": 2.9, "met": False}
    stricter = report(seed_004(), Targets(realitet=-15.0, formalitet=5.0))
    assert (stricter["targets"]["realitet"]["met"], stricter["targets"]["formalitet"]["met"]) == (False, True)


def test_deadline_figures_count_only_settled_deadlines():
    a = Aggregates(events={
        ("genvurdering", "fastholdt", True): 3, ("genvurdering", "fastholdt", False): 1, ("genvurdering", None, False): 1,
        ("aktindsigt", "besvaret", True): 1, ("ankestyrelsen", "hjemvist", None): 2,
    })  # fmt: skip
    r = report(a)
    assert r["genvurdering_within_4_weeks"] == {"percent": 60.0, "on_time": 3, "total": 5}
    assert r["genvurdering_outcomes"]["fastholdt"] == 4 and r["genvurdering_outcomes"]["total"] == 4
    assert r["aktindsigt_within_7_arbejdsdage"] == {"percent": 100.0, "on_time": 1, "total": 1}
    assert r["omgoerelsesprocent"] == 100.0


def test_an_empty_period_has_no_percentages_and_says_why():
    r = report(Aggregates())
    assert r["received"] == 0 and r["omgoerelsesprocent"] is None
    assert r["genvurdering_within_4_weeks"]["percent"] is None
    assert r["klagepunkter"]["per_complaint"] is None and "klagepunkter" in r["notes"]
    assert all(row["median"] is None and row["cases"] == 0 for row in r["days_per_phase"])


def test_klagepunkter_per_complaint_and_by_category_when_registered():
    r = report(Aggregates(klagepunkter_complaints=94, klagepunkter_total=328,
                          klagepunkt_categories={"god_forvaltningsskik": 168, "forvaltningsretlige_principper": 97}))  # fmt: skip
    assert r["klagepunkter"]["per_complaint"] == 3.5  # SEED 003: 3.49
    assert [row["key"] for row in r["klagepunkter"]["by_category"]] == ["god_forvaltningsskik", "forvaltningsretlige_principper"]
    assert "klagepunkter" not in r["notes"]


def test_every_recipient_has_its_label():
    for recipient in ComplaintRecipient:
        assert stats.label("klaget_til", recipient.value) != recipient.value


def test_distribution_rows_give_shares_of_all_and_of_each_kind():
    a = Aggregates(by={"channel": {("oral", "realitet"): 1, ("written", "realitet"): 3, ("oral", "formalitet"): 4}})
    rows = {row["key"]: row for row in report(a)["by_channel"]}
    assert (rows["oral"]["total"], rows["oral"]["percent"], rows["oral"]["realitet_percent"], rows["oral"]["formalitet_percent"]) == (5, 62.5, 25.0, 100.0)
    assert rows["written"]["label"] == "Skriftlig (brev)"


def test_every_figure_has_a_definition_and_every_missing_one_a_note():
    r = report(seed_004())
    figures = [key for key in r if key not in stats.META_KEYS]
    assert all(r["definitions"].get(key) for key in figures)
    # SEED 004's figures have no klagepunkter and no formal answers: those figures are empty, with a note.
    assert r["returning_complainants_percent"] is None and r["notes"]["returning_complainants_percent"]
    assert r["retsstilling_styrket"]["percent"] is None and r["notes"]["retsstilling_styrket"]
    assert r["formal_answer_within_servicemaal"]["percent"] is None and r["notes"]["formal_answer_within_servicemaal"]


def test_formal_answers_retsstilling_and_returning_complainants():
    a = Aggregates(
        klagepunkter_complaints=8,
        returning_complaints=2,
        events={
            ("formal_answer", None, True): 3,
            ("formal_answer", "processuel", True): 1,
            ("formal_answer", "materiel", False): 1,
            ("formal_answer", "ved_ikke", True): 2,
            ("formal_answer", "ubesvaret", False): 1,
            ("formal_answer", "ingen", None): 1,  # a level without a servicemål: not a deadline figure
        },
    )
    r = report(a)
    assert r["formal_answer_within_servicemaal"] == {"percent": 75.0, "on_time": 6, "total": 8}
    assert r["retsstilling_styrket"] == {
        "processuel": 1, "materiel": 1, "ingen": 1, "ved_ikke": 2, "judged": 5, "styrket": 2, "percent": 40.0,
    }  # fmt: skip
    assert (r["returning_complainants"], r["returning_complainants_percent"]) == (2, 25.0)
    assert not {"formal_answer_within_servicemaal", "retsstilling_styrket", "returning_complainants_percent"} & set(r["notes"])


def test_the_csv_has_one_figure_per_line_with_its_definition():
    text = stats.to_csv(report(seed_004()))
    lines = list(csv.reader(io.StringIO(text)))
    assert tuple(lines[0]) == stats.CSV_HEADER
    by_figure = {(f, g, m): (v, d) for f, g, m, v, d in lines[1:]}
    assert by_figure[("realitet", "", "change_percent")][0] == "-13.5"
    assert by_figure[("formalitet", "", "target_met")][0] == "false"
    value, definition = by_figure[("omgoerelsesprocent", "", "percent")]
    assert value == "" and "R31" in definition
    value, definition = by_figure[("retsstilling_styrket", "", "percent")]
    assert value == "" and definition.startswith(stats.NO_RETSSTILLING)
    assert all(d for *_, d in lines[1:])
