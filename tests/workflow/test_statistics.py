"""The statistics of complaints taken through the real workflow (issue 9 §1): seven complaints are filed
and taken to different ends on the time-skipping server, with the real activities writing the read model
and its facts, and `klagesag stats --json` must give the counts this test knows from what it did."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from tests.workflow.harness import Harness
from tests.workflow.test_formal_track import answer_all, file_formal

REPO = Path(__file__).resolve().parents[2]


async def stats_json(harness: Harness, first: date, last: date) -> dict:
    env = {**os.environ, "KLAGESAG_DATABASE_URL": harness.settings.database_url, "KLAGESAG_KOMMUNE": harness.settings.kommune_code}
    period = ["--from", first.isoformat(), "--to", last.isoformat()]
    done = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "cli.main", "stats", *period, "--json"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


async def test_klagesag_stats_counts_what_the_workflows_did(harness: Harness) -> None:
    today = await harness.today()
    fuldt = await harness.file()
    stadfaestet = await harness.file()
    hjemvist = await harness.file()
    afvist = await harness.file()
    formal = await harness.file(kind="formalitet", channel="oral")
    aktindsigt = await harness.file()
    late = await harness.file()

    await fuldt.step("genvurdering", result="fuldt_medhold")
    for case, outcome, result in ((stadfaestet, "stadfaestet", "fastholdt"), (hjemvist, "hjemvist", "fastholdt"),
                                  (afvist, "afvist", "delvist_medhold")):  # fmt: skip
        await case.step("genvurdering", result=result)
        await case.step("ankestyrelsen-received", journal_number=f"26-{outcome}")
        await case.step("ankestyrelsen-outcome", outcome=outcome)
    await formal.step("withdraw")
    await aktindsigt.step("aktindsigt-requested")
    await aktindsigt.step("aktindsigt-answered")
    await aktindsigt.step("genvurdering", result="fastholdt")
    await harness.advance(29)  # `late` is still in genvurdering: its 4 weeks pass
    for case in (fuldt, stadfaestet, hjemvist, afvist, formal, aktindsigt, late):
        await case.settled()
    assert (await late.view()).overdue

    r = await stats_json(harness, today - timedelta(days=1), today + timedelta(days=40))

    assert (r["received"], r["realitet"], r["formalitet"]) == (7, 6, 1)
    assert {row["key"]: row["total"] for row in r["by_channel"]} == {"oral": 1, "written": 6}
    assert {row["key"]: row["total"] for row in r["by_paragraph"]} == {"serviceloven § 83": 7}
    assert r["genvurdering_outcomes"] == {"fuldt_medhold": 1, "delvist_medhold": 1, "fastholdt": 3, "total": 5}
    # Five decided within the 4 weeks; `late`'s 4 weeks passed undecided.
    assert r["genvurdering_within_4_weeks"] == {"percent": 83.3, "on_time": 5, "total": 6}
    assert r["aktindsigt_within_7_arbejdsdage"] == {"percent": 100.0, "on_time": 1, "total": 1}
    outcomes = r["ankestyrelsen_outcomes"]
    assert (outcomes["stadfaestet"], outcomes["hjemvist"], outcomes["afvist"], outcomes["realitetsbehandlede"]) == (1, 1, 1, 2)
    assert r["omgoerelsesprocent"] == 50.0  # the hjemvist one of the two decided on the merits; afvist is out
    assert r["remands"]["distribution"] == [{"remands": 0, "cases": 6}, {"remands": 1, "cases": 1}]
    assert (r["withdrawn"], r["still_open"], r["overdue_now"]) == (1, 3, 1)  # open: hjemvist, aktindsigt, late


async def test_klagesag_stats_counts_formal_answers_retsstilling_and_returning_complainants(harness: Harness) -> None:
    today = await harness.today()
    prompt = await file_formal(harness)  # answered at once by the forvaltning, then by the borgerrådgiver
    slow = await file_formal(harness)  # answered after its servicemål, then by the borgerrådgiver in time
    silent = await file_formal(harness)  # never answered: its servicemål passes
    returning = await harness.file()  # a realitet complaint; the citizen comes back with a formal point
    await answer_all(prompt)
    await prompt.step("formal-escalated", level="borgerraadgiver")
    await answer_all(prompt, retsstilling="ingen")
    await returning.step("klagepunkt-added", track="formalitet", category="manglende_svar", source="returning")
    await answer_all(returning)
    await harness.advance(20)  # past the 8 arbejdsdage of `slow` and `silent`
    await answer_all(slow)
    await slow.step("formal-escalated", level="borgerraadgiver")
    await answer_all(slow, outcome="kritik", retsstilling="processuel")
    for case in (prompt, slow, silent, returning):
        await case.settled()

    r = await stats_json(harness, today - timedelta(days=1), today + timedelta(days=40))

    # Six servicemål: prompt's two, returning's and slow's at the borgerrådgiver kept; slow's first answered
    # late and silent's passed unanswered.
    assert r["formal_answer_within_servicemaal"] == {"percent": 66.7, "on_time": 4, "total": 6}
    rs = r["retsstilling_styrket"]
    assert (rs["processuel"], rs["materiel"], rs["ingen"], rs["ved_ikke"]) == (1, 0, 1, 0)
    assert (rs["judged"], rs["styrket"], rs["percent"]) == (2, 1, 50.0)
    assert (r["returning_complainants"], r["returning_complainants_percent"]) == (1, 25.0)  # 1 of 4 complaints
    assert "formal_answer_within_servicemaal" not in r["notes"] and "retsstilling_styrket" not in r["notes"]
