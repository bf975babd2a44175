"""The breach forecast against a real PostgreSQL: the constructed set of tests/forecast_set.py is saved
through CaseRegister.save_case_view (which writes each view's steps to `case_steps`), and
`klagesag forecast --json` must give the answers worked out by hand there, for the kommune asked about
only: kommune 0202's steps do not quicken a pace in 0101, nor do its cases join a 0101 queue."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from casework.forecast import breach_forecast
from domain.calendar import CalendarProfile
from store.register import CaseRegister
from tests.forecast_set import EXPECTED_14, KOMMUNE, NOW, OTHER_KOMMUNE, OVERDUE_14, WITHIN_14, save_set

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def answers(report: dict) -> list[tuple]:
    return [(r["case_id"], r["cause"], r["queue_before"], r["working_days_needed"], r["working_days_left"])
            for r in report["at_risk"]]  # fmt: skip


EXPECTED_JSON = [(case_id, cause.value, before, needed, left) for case_id, cause, before, needed, left in EXPECTED_14]


async def test_the_forecast_from_the_read_model_gives_the_known_answers(register: CaseRegister):
    await save_set(register)
    result = await breach_forecast(register, kommune=KOMMUNE, units=None, days=14, now=NOW, profile=CalendarProfile.STRICT)
    got = [(r.case_id, r.cause, r.queue_before, r.working_days_needed, r.working_days_left) for r in result.at_risk]
    assert got == EXPECTED_14
    assert (result.overdue, result.within_horizon) == (OVERDUE_14, WITHIN_14)


async def test_the_other_kommune_sees_only_its_own_case(register: CaseRegister):
    await save_set(register)
    result = await breach_forecast(register, kommune=OTHER_KOMMUNE, units=None, days=14, now=NOW,
                                   profile=CalendarProfile.STRICT)  # fmt: skip
    assert [(r.case_id, r.cause.value) for r in result.at_risk] == [("F-X1", "no_pace")]  # sb-a has no steps in 0202


async def test_the_steps_of_views_stored_before_migration_010_are_filled_in_from_the_views(
    register: CaseRegister, database_url: str
):
    await save_set(register)
    migration = (REPO / "store/migrations/011_case_steps.sql").read_text()
    backfill = migration[migration.index("INSERT INTO case_steps"):]
    conn = await asyncpg.connect(database_url)
    try:
        stored = await conn.fetchval("SELECT count(*) FROM case_steps")
        await conn.execute("DELETE FROM case_steps")
        await conn.execute(backfill)
        assert await conn.fetchval("SELECT count(*) FROM case_steps") == stored
        columns = await conn.fetch("SELECT column_name FROM information_schema.columns WHERE table_name = 'case_steps'")
    finally:
        await conn.close()
    assert {c["column_name"] for c in columns} == {"case_id", "seq", "kommune", "step", "actor", "at"}  # no reasons
    result = await breach_forecast(register, kommune=KOMMUNE, units=None, days=14, now=NOW, profile=CalendarProfile.STRICT)
    assert [r.case_id for r in result.at_risk] == [e[0] for e in EXPECTED_14]


async def test_klagesag_forecast_json_and_text_from_the_command_line(register: CaseRegister, database_url: str):
    await save_set(register)
    env = {**os.environ, "KLAGESAG_DATABASE_URL": database_url, "KLAGESAG_KOMMUNE": KOMMUNE,
           "KLAGESAG_CALENDAR_PROFILE": "strict"}  # fmt: skip

    def klagesag(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cli.main", "forecast", "--now", NOW.isoformat(), *args],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    done = await asyncio.to_thread(klagesag, "--days", "14", "--json")
    assert done.returncode == 0, done.stderr
    r = json.loads(done.stdout)
    assert (r["kommune"], r["days"], r["today"], r["until"]) == ("0101", 14, "2026-11-23", "2026-12-07")
    assert answers(r) == EXPECTED_JSON
    assert (r["overdue_not_forecast"], r["within_horizon"]) == (OVERDUE_14, WITHIN_14)
    assert r["pace_window"] == {"from": "2026-10-24", "to": "2026-11-22", "days": 30}
    first = r["at_risk"][0]
    assert (first["case_id"], first["deadline_kind"], first["deadline_date"], first["assignee"]) == (
        "F-T1", "genvurdering", "2026-11-23", "sb-c")
    assert first["reason"].startswith("Fristen udløber i dag")

    handicap = json.loads((await asyncio.to_thread(klagesag, "--unit", "handicap", "--json")).stdout)
    assert [row["case_id"] for row in handicap["at_risk"]] == ["F-N1", "F-B3"]
    other = json.loads((await asyncio.to_thread(klagesag, "--kommune", OTHER_KOMMUNE, "--json")).stdout)
    assert [row["case_id"] for row in other["at_risk"]] == ["F-X1"]

    text = await asyncio.to_thread(klagesag, "--days", "1")
    assert text.returncode == 0, text.stderr
    assert "4 af 5 sager med frist i perioden er i fare." in text.stdout
    assert "F-A2  Genvurdering (4 uger) senest 2026-11-24  sb-a (ydelse)" in text.stdout
    assert "1 sag har allerede overskredet fristen." in text.stdout

    for bad, message in ((["--days", "0"], "klagesag: refused: --days:"), (["--days", "-3"], "klagesag: refused: --days:"),
                         (["--kommune", "01"], "klagesag: refused: kommune:"),
                         (["--unit", "Ydelse!"], "klagesag: refused: unit:")):  # fmt: skip
        refused = await asyncio.to_thread(klagesag, *bad)
        assert refused.returncode == 2 and refused.stderr.startswith(message), (bad, refused.stderr)
