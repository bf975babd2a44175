"""`klagesag simulate` on a small kommune for one month: the real workflow, rules and activities on the
simulation's own time-skipping server and PostgreSQL. Each simulation takes some seconds; the results
are shared by the module."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from cli.main import main
from simulation.chart import weekly_chart
from simulation.driver import SimulationResult, simulate
from simulation.parameters import Parameters

SMALL = ["realitet_per_month=40", "formal_per_month=8", "sagsbehandlere=2", "genvurdering_prep_days=2"]
SEED = 7


async def small(*changes: str, seed: int = SEED) -> SimulationResult:
    return await simulate(Parameters().with_settings([*SMALL, *changes]), seed=seed, months=1, concurrency=16)


@pytest.fixture(scope="module")
async def year() -> SimulationResult:
    return await small()


def without_timestamps(report: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in report.items() if k != "generated_at"}


async def test_the_report_counts_what_the_simulation_filed_and_decided(year: SimulationResult) -> None:
    r, did = year.report, year.tally
    assert did.filed["realitet"] > 20 and did.filed["formalitet"] > 0  # a month of a small kommune
    assert (r["realitet"], r["formalitet"]) == (did.filed["realitet"], did.filed["formalitet"])
    assert {k: v for k, v in r["genvurdering_outcomes"].items() if k != "total" and v} == dict(did.genvurdering)
    assert r["genvurdering_outcomes"]["total"] == did.steps["genvurdering"] > 0
    decided = {k: r["ankestyrelsen_outcomes"][k] for k in ("stadfaestet", "aendret", "ophaevet", "hjemvist", "afvist", "bortfaldet")}
    assert {k: v for k, v in decided.items() if v} == dict(did.ankestyrelsen)
    assert not did.refused, did.refusals  # every step the scenario planned was one the rules allow


async def test_the_open_cases_of_the_chart_are_the_cases_not_yet_closed(year: SimulationResult) -> None:
    assert [w.week_of.weekday() for w in year.weeks] == [0] * len(year.weeks)
    assert len(year.weeks) >= 4
    assert year.weeks[-1].open <= sum(year.tally.filed.values())
    did = year.tally
    assert not did.new_decisions  # a month is too short for a hjemvisning's new decision (and its klagefrist)
    closed = did.genvurdering["fuldt_medhold"] + did.formal_answered
    closed += sum(n for outcome, n in did.ankestyrelsen.items() if outcome != "hjemvist")
    assert year.report["still_open"] == sum(did.filed.values()) - closed


async def test_the_same_seed_gives_the_same_year(year: SimulationResult) -> None:
    again = await small()
    assert without_timestamps(again.report) == without_timestamps(year.report)
    assert again.tally == year.tally
    assert [(w.open, w.overdue) for w in again.weeks] == [(w.open, w.overdue) for w in year.weeks]


def test_compare_shows_what_more_sagsbehandlere_do_in_the_same_month(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chart = tmp_path / "month.svg"
    argv = ["simulate", "--months", "1", "--seed", str(SEED), "--concurrency", "16", "--json", "--chart", str(chart)]
    argv += [f"--set={s}" for s in SMALL] + ["--compare", "sagsbehandlere=6"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    base, more = data["base"], data["changed"]
    assert base["simulation"]["did"]["filed"] == more["simulation"]["did"]["filed"]  # the same complaints arrive
    assert (base["simulation"]["parameters"]["sagsbehandlere"], more["simulation"]["parameters"]["sagsbehandlere"]) == (2, 6)
    rows = {row["figure"]: row for row in data["difference"]}
    assert rows["genvurderinger"]["difference"] > 0  # more caseworkers decide more genvurderinger
    assert rows["genvurderinger"]["changed"] == more["report"]["genvurdering_outcomes"]["total"]
    assert ET.parse(chart).getroot().tag == "{http://www.w3.org/2000/svg}svg"


async def test_full_medhold_at_every_genvurdering_sends_nothing_to_ankestyrelsen() -> None:
    result = await small("genvurdering_fuldt_medhold=1", "genvurdering_delvist_medhold=0")
    g = result.report["genvurdering_outcomes"]
    assert g["total"] > 0 and g["fuldt_medhold"] == g["total"]
    assert result.tally.steps["ankestyrelsen-received"] == 0
    phases = {row["phase"]: row["cases"] for row in result.report["days_per_phase"]}
    assert phases.get("forwarded", 0) == 0


def test_the_chart_is_an_svg_with_a_line_for_open_and_one_for_overdue_cases(year: SimulationResult) -> None:
    svg = ET.fromstring(weekly_chart(year.weeks, title="Test"))
    lines = svg.findall("{http://www.w3.org/2000/svg}polyline")
    assert len(lines) == 2
    assert all(len(line.get("points", "").split()) == len(year.weeks) for line in lines)


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("sagsbehandler=3", "no such simulation parameter; did you mean sagsbehandlere?"),
        ("sagsbehandlere=tre", "sagsbehandlere: Input should be a valid integer"),
        ("genvurdering_fuldt_medhold=1.5", "genvurdering_fuldt_medhold: Input should be less than or equal to 1"),
        ("sagsbehandlere", "write name=value"),
    ],
)
def test_a_bad_setting_is_refused_before_any_server_starts(
    argument: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", "--months", "1", "--set", argument]) == 2
    assert message in capsys.readouterr().err
