"""From filing to closing through the `klagesag` command, against the real Temporal dev server (SQLite
file), a real PostgreSQL and a worker process: what a caseworker does, checked in the read model, the
outbox and the escalation log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from deploy.postgres import LocalPostgres
from deploy.temporal import LocalTemporal
from store.migrate import migrated_database
from tests.conftest import free_port
from workflows.search_attributes import FOR_DEV_SERVER

pytestmark = pytest.mark.integration
KLAGESAG = str(Path(sys.executable).parent / "klagesag")


class Cli:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([KLAGESAG, *args], env=self.env, capture_output=True, text=True, timeout=60)

    def json(self, *args: str) -> Any:
        done = self.run(*args, "--json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)


@pytest.fixture
async def stack(postgres: LocalPostgres, tmp_path: Path) -> AsyncIterator[tuple[Cli, str, Path]]:
    database_url = await migrated_database(postgres, "e2e")
    temporal = LocalTemporal(tmp_path / "temporal", free_port(), free_port(), search_attributes=FOR_DEV_SERVER, headless=True)
    await temporal.start()
    env = {
        **os.environ,
        "KLAGESAG_TEMPORAL_ADDRESS": temporal.address,
        "KLAGESAG_DATABASE_URL": database_url,
        "KLAGESAG_DATA_DIR": str(tmp_path / "data"),
        "KLAGESAG_TASK_QUEUE": "klagesag-e2e",
    }
    worker = subprocess.Popen([KLAGESAG, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield Cli(env), database_url, tmp_path / "data" / "outbox"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        await temporal.stop()


def _file_args(today: date) -> list[str]:
    return [
        "file",
        "--cpr", "150585-4321",
        "--name", "Mette Integration",
        "--decision-ref", "SAG-E2E-1",
        "--decision-received", (today - timedelta(days=8)).isoformat(),
        "--received", today.isoformat(),
        "--channel", "oral",
        "--area", "serviceloven § 41",
        "--kind", "realitet",
        "--text", "Borgeren klager mundtligt over afslag på merudgifter",
        "--representative-name", "Socialrådgiver Berg",
        "--representative-kind", "professional",
    ]  # fmt: skip


async def test_a_complaint_runs_from_filing_to_closing_through_the_cli(stack: tuple[Cli, str, Path]) -> None:
    cli, database_url, outbox = stack
    today = date.today()

    filed = cli.json(*_file_args(today))
    case_id = filed["case_id"]
    assert filed["duplicate"] is False and filed["phase"] == "genvurdering"
    assert cli.json(*_file_args(today))["duplicate"] is True

    def step(*args: str) -> dict[str, Any]:
        return cli.json("step", case_id, *args, "--actor", "sb42", "--reason", f"E2E: {args[0]}")

    assert step("aktindsigt-requested")["phase"] == "aktindsigt"
    assert step("aktindsigt-answered")["phase"] == "genvurdering"
    assert step("genvurdering", "--result", "fastholdt")["phase"] == "forwarded"
    assert step("ankestyrelsen-received", "--journal", "26-000123")["phase"] == "at_ankestyrelsen"
    assert step("ankestyrelsen-outcome", "--outcome", "hjemvist")["phase"] == "genbehandling"
    assert step("new-decision", "--result", "afslag")["phase"] == "klagefrist"
    assert step("complaint-received")["round"] == 2
    assert step("genvurdering", "--result", "delvist-medhold")["phase"] == "forwarded"
    assert step("ankestyrelsen-received", "--journal", "26-000124")["phase"] == "at_ankestyrelsen"
    assert step("ankestyrelsen-outcome", "--outcome", "stadfaestet")["phase"] == "closed"
    escalated = cli.json("escalate", case_id, "--to", "ombudsmand", "--actor", "sb42", "--reason", "Borgeren går videre")
    assert escalated["phase"] == "closed"

    refused = cli.run("step", case_id, "genvurdering", "--result", "fastholdt", "--actor", "sb42", "--reason", "igen")
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "closed" in refused.stderr

    shown = _eventually(lambda: cli.json("show", case_id), lambda c: len(c["escalations"]) == 1)
    assert (shown["phase"], shown["round"], shown["remand_count"], shown["outcome"]) == ("closed", 2, 1, "stadfaestet")
    assert [h["step"] for h in shown["history"]][:3] == ["filed", "duplicate-filing", "aktindsigt-requested"]
    assert all(h["actor"] and h["reason"] for h in shown["history"])
    expected_letters = [
        "kvittering", "aktindsigt_svar", "ikke_fuldt_medhold", "oversendelse", "genoptagelse_efter_hjemvisning",
        "ny_afgoerelse_efter_hjemvisning", "kvittering", "ny_afgoerelse_delvist", "ikke_fuldt_medhold", "oversendelse",
    ]  # fmt: skip
    assert [letter["kind"] for letter in shown["letters"]] == expected_letters
    assert len({letter["key"] for letter in shown["letters"]}) == len(expected_letters)
    assert all(letter["recipient_role"] == "partsrepraesentant" for letter in shown["letters"])

    # The outbox folder holds exactly one file per letter, addressed to the representative.
    files = sorted((outbox / case_id).iterdir())
    assert len(files) == len(expected_letters)
    assert all(f.read_text(encoding="utf-8").startswith("Til: Socialrådgiver Berg") for f in files)

    conn = await asyncpg.connect(database_url)
    try:
        log = await conn.fetch("SELECT route, actor, automatic FROM escalations WHERE case_id = $1", case_id)
        assert [(r["route"], r["actor"], r["automatic"]) for r in log] == [("ombudsmand", "sb42", False)]
        row = await conn.fetchrow("SELECT phase, round, overdue FROM cases WHERE case_id = $1", case_id)
        assert (row["phase"], row["round"], row["overdue"]) == ("closed", 2, False)
    finally:
        await conn.close()

    listed = cli.json("cases")
    assert [c["case_id"] for c in listed["items"]] == [case_id] and listed["next_cursor"] is None
    assert cli.json("cases", "--overdue") == {"items": [], "next_cursor": None}


def _eventually(fetch, ready, attempts: int = 100) -> Any:
    import time

    for _ in range(attempts):
        value = fetch()
        if ready(value):
            return value
        time.sleep(0.1)
    raise AssertionError(f"never ready: {value}")

