"""`klagesag init` on a fresh dev server, twice, and the daily digest: the schedule exists once after two
starts, and each recipient gets one digest per day, none when nothing is due."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from temporalio.client import Client

from activities.digest import DigestReport
from casework import operations
from deploy.postgres import LocalPostgres
from deploy.temporal import LocalTemporal
from domain.calendar import is_working_day
from store.register import CaseRegister
from tests.conftest import DATA_CONVERTER, free_port
from tests.workflow.harness import complaint_fields
from workers.schedules import DIGEST_SCHEDULE_ID
from workers.settings import Settings
from workers.worker import build_worker
from workflows.digest import DailyDigestWorkflow

pytestmark = pytest.mark.integration
KLAGESAG = str(Path(sys.executable).parent / "klagesag")
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@pytest.fixture
async def bare_stack(postgres: LocalPostgres, tmp_path: Path) -> AsyncIterator[tuple[dict[str, str], Settings]]:
    """A dev server with no search attributes and an empty database: what `init` meets on a new cluster."""
    name = f"init_{uuid.uuid4().hex[:8]}"
    await postgres.create_database(name)
    temporal = LocalTemporal(tmp_path / "temporal", free_port(), free_port(), search_attributes={}, headless=True)
    await temporal.start()
    env = {
        **os.environ,
        "KLAGESAG_TEMPORAL_ADDRESS": temporal.address,
        "KLAGESAG_DATABASE_URL": postgres.dsn(name),
        "KLAGESAG_DATA_DIR": str(tmp_path / "data"),
        "KLAGESAG_TASK_QUEUE": f"klagesag-{name}",
    }
    settings = Settings(
        data_dir=tmp_path / "data",
        temporal_address=temporal.address,
        database_url=postgres.dsn(name),
        task_queue=f"klagesag-{name}",
        temporal_from_environment=False,
    )
    try:
        yield env, settings
    finally:
        await temporal.stop()


def _init(env: dict[str, str]) -> dict:  # type: ignore[type-arg]
    done = subprocess.run([KLAGESAG, "init", "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _last_working_morning() -> datetime:
    day = datetime.now(COPENHAGEN).date()
    while not is_working_day(day):
        day -= timedelta(days=1)
    return datetime.combine(day, time(7, 0), COPENHAGEN)


async def test_init_twice_then_one_digest_per_recipient_per_day(bare_stack: tuple[dict[str, str], Settings]) -> None:
    env, settings = bare_stack
    first, second = _init(env), _init(env)
    assert sorted(first["search_attributes_added"]) == sorted(
        ["KlagesagKommune", "KlagesagPhase", "KlagesagNextDeadline", "KlagesagOverdue", "KlagesagRound"]
    )
    assert first["migrations_applied"] and first["digest_schedule_created"]
    assert second == {**second, "search_attributes_added": [], "migrations_applied": [], "digest_schedule_created": False}

    client = await Client.connect(settings.temporal_address, data_converter=DATA_CONVERTER)
    schedules = [s.id async for s in await client.list_schedules()]
    assert schedules.count(DIGEST_SCHEDULE_ID) == 1

    morning = _last_working_morning()
    conn = await asyncpg.connect(settings.database_url)
    try:
        await conn.execute(
            "INSERT INTO units (code, name, kommune, forvaltning) VALUES ('ydelse', 'Ydelse', '0101', 'SOF'), "
            "('handicap', 'Handicap', '0101', 'SOF')"
        )
        await conn.execute(
            "INSERT INTO users (username, display_name, roles, kommune, units) VALUES "
            "('sb-ydelse', 'Sara Ydelse', '{sagsbehandler}', '0101', '{ydelse}'), "
            "('sb-handicap', 'Hans Handicap', '{sagsbehandler}', '0101', '{handicap}'), "
            "('leder-sof', 'Lene Leder', '{leder}', '0101', '{ydelse,handicap}')"
        )
    finally:
        await conn.close()

    register = await CaseRegister.connect(settings.database_url, max_size=2)
    try:
        async with build_worker(client, register, settings):
            # Due in three days: received 25 days before the morning (genvurdering: 4 weeks).
            received = morning.date() - timedelta(days=25)
            raw = complaint_fields(received, unit="ydelse", assignee="sb-ydelse")
            receipt = await operations.file_complaint(
                client, register, settings, operations.parse_filing(raw), today=morning.date()
            )
            for _ in range(100):
                if (view := await register.case_view(receipt.case_id)) is not None and view.next_deadline_at:
                    break
                await asyncio.sleep(0.1)
            assert view is not None and view.assignee == "sb-ydelse"
            runs = []
            for n in range(2):
                runs.append(
                    await client.execute_workflow(
                        DailyDigestWorkflow.run,
                        morning,
                        id=f"digest-test-{n}-{uuid.uuid4()}",
                        task_queue=settings.task_queue,
                        result_type=DigestReport,
                        execution_timeout=timedelta(seconds=40),
                    )
                )
            digests = await register.digests_on(morning.date())
    finally:
        await register.close()

    assert (runs[0].sent, runs[0].nothing_due) == (2, 1)  # sb-ydelse and the leder; sb-handicap has nothing
    assert (runs[1].sent, runs[1].already_sent) == (0, 2)
    assert sorted(d["username"] for d in digests) == ["leder-sof", "sb-ydelse"]
    files = sorted((settings.outbox_dir / "_digests" / morning.date().isoformat()).iterdir())
    assert [f.name for f in files] == ["leder-sof.txt", "sb-ydelse.txt"]
    assert receipt.case_id in files[1].read_text(encoding="utf-8")
