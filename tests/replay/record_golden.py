"""Records the golden histories that tests/replay replays in CI.

Run it once per released version of ComplaintWorkflow, and commit what it writes:

    .venv/bin/python -m tests.replay.record_golden v1

It drives one complaint through every kind of step and timer (a late filing, aktindsigt twice, the
genvurdering warning and breach, forwarding, hjemvisning, a new decision and a second round through
continue-as-new, stadfæstelse, an escalation) on the time-skipping server with a real PostgreSQL, and
writes each run of the workflow as `histories/<version>-run<N>.json`.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from temporalio.client import WorkflowHistory

from deploy.postgres import LocalPostgres
from store.migrate import apply_migrations
from store.register import CaseRegister
from tests.conftest import _time_skipping_server, free_port
from tests.workflow.harness import Harness

HISTORIES = Path(__file__).parent / "histories"


async def _full_lifecycle(harness: Harness) -> str:
    today = await harness.today()
    case = await harness.file(decision_received=today - timedelta(days=40), late_reason="Indlagt på hospital")
    await case.step("aktindsigt-requested")
    await harness.advance(2)
    await case.step("aktindsigt-answered")
    await case.step("aktindsigt-requested")
    await harness.advance(12)  # the 7 arbejdsdage pass: fristbrev
    await case.step("aktindsigt-answered")
    await harness.advance(40)  # the genvurdering warning and breach fire
    await case.step("genvurdering", result="fastholdt")
    await case.step("ankestyrelsen-received", journal_number="25-100200")
    await harness.advance(95)  # a long wait at Ankestyrelsen
    await case.step("ankestyrelsen-outcome", outcome="hjemvist")
    await case.step("new-decision", result="afslag")
    await harness.advance(3)
    await case.step("complaint-received")  # round 2: continue-as-new
    await case.step("genvurdering", result="delvist_medhold")
    await case.step("ankestyrelsen-received", journal_number="25-100201")
    await case.step("ankestyrelsen-outcome", outcome="stadfaestet")
    await case.step("escalate", route="ombudsmand")
    await case.settled()
    return case.id


async def _runs(harness: Harness, case_id: str) -> list[WorkflowHistory]:
    """Every run of the workflow, oldest first, following the continue-as-new chain backwards."""
    histories = []
    run_id: str | None = None
    while True:
        history = await harness.client.get_workflow_handle(case_id, run_id=run_id).fetch_history()
        histories.append(history)
        started = history.events[0].workflow_execution_started_event_attributes
        if not started.continued_execution_run_id:
            return list(reversed(histories))
        run_id = started.continued_execution_run_id


async def record(version: str) -> list[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        postgres = LocalPostgres(Path(tmp) / "pg", free_port())
        postgres.start()
        try:
            await postgres.create_database("golden")
            url = postgres.dsn("golden")
            await apply_migrations(url)
            register = await CaseRegister.connect(url)
            try:
                async with _time_skipping_server() as env:
                    async with Harness(env, register, url, Path(tmp) / "outbox") as harness:
                        case_id = await _full_lifecycle(harness)
                        runs = await _runs(harness, case_id)
            finally:
                await register.close()
        finally:
            postgres.stop()
    written = []
    for number, history in enumerate(runs, start=1):
        path = HISTORIES / f"{version}-run{number}.json"
        path.write_text(history.to_json(), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.replay.record_golden VERSION   (e.g. v1)")
    for path in asyncio.run(record(sys.argv[1])):
        print(path)
