"""Rebuilding the read model from Temporal (casework/rebuild.py) against the real dev server, a real
PostgreSQL and an in-process worker: after `DELETE FROM cases` the rebuild writes back exactly the rows the
workflows had written themselves, for cases in different phases, a case in its second round (continued as
new) and a closed (terminated) workflow."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.worker import Worker

from activities.channel import OutboxFolder
from casework import operations
from casework.rebuild import rebuild_read_model
from deploy.temporal import LocalTemporal
from store import reasons
from store.register import CaseRegister
from tests.conftest import free_port
from tests.workflow.harness import complaint_fields
from workers.client import connect
from workers.settings import Settings
from workers.worker import build_worker
from workflows.search_attributes import FOR_DEV_SERVER

pytestmark = pytest.mark.integration

# Every column of `cases` except updated_at (the time of the write, which a rebuild necessarily changes).
COLUMNS = (
    "case_id, kommune, kind, phase, round, remand_count, outcome, overdue, late, received, next_deadline_at, "
    "next_deadline_kind, last_step_at, version, view"
)


@dataclass
class Stack:
    client: Client
    register: CaseRegister
    settings: Settings
    database_url: str
    worker: Worker | None

    async def stop_worker(self) -> None:
        if self.worker is not None:
            worker, self.worker = self.worker, None
            await worker.shutdown()


@pytest.fixture
async def stack(register: CaseRegister, database_url: str, tmp_path: Path) -> AsyncIterator[Stack]:
    temporal = LocalTemporal(
        tmp_path / "temporal", free_port(), free_port(), search_attributes=FOR_DEV_SERVER, headless=True
    )
    await temporal.start()
    try:
        settings = Settings(
            data_dir=tmp_path / "data",
            temporal_address=temporal.address,
            database_url=database_url,
            task_queue=f"klagesag-rebuild-{uuid.uuid4()}",
        )
        client = await connect(settings)
        worker = build_worker(client, register, settings, channel=OutboxFolder(tmp_path / "outbox"))
        await worker.__aenter__()
        s = Stack(client, register, settings, database_url, worker)
        try:
            yield s
        finally:
            await s.stop_worker()
    finally:
        await temporal.stop()


async def _file(s: Stack, n: int, **overrides: Any) -> str:
    today = date.today()
    raw = complaint_fields(today, name=f"Borger {n}", decision_ref=f"SAG-REBUILD-{n}", **overrides)
    receipt = await operations.file_complaint(
        s.client, s.register, s.settings, operations.parse_filing(raw), today=today
    )
    return receipt.case_id


async def _step(s: Stack, case_id: str, name: str, **fields: Any) -> str:
    fields.setdefault("actor", "sb01")
    fields.setdefault("reason", f"Test: {name}")
    result = await operations.take_step(s.client, case_id, name, fields)
    return result.phase.value


async def _settled(s: Stack, case_id: str) -> None:
    """Until the workflow has done its effects, written its own view of the current version and has
    nothing in flight. The last matters after continue-as-new: the new run writes the same version once
    more, and that write must not land after the test deleted the rows."""
    for _ in range(300):
        view = await operations.live_view(s.client, case_id)
        stored = await s.register.case_view(case_id)
        if (
            view.pending_effects == 0
            and stored is not None
            and stored.version == view.version
            and await _idle(s.client, case_id)
        ):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{case_id} never settled")


async def _idle(client: Client, case_id: str) -> bool:
    """The latest run has completed a workflow task and everything it scheduled has finished.

    A run started by continue-as-new can sit without its first workflow task for about a second (seen on
    the dev server); its first task then writes the view once more, so "nothing scheduled" is not idle."""
    counts: Counter[int] = Counter()
    async for event in client.get_workflow_handle(case_id).fetch_history_events():
        counts[event.event_type] += 1
    done_activities = sum(
        counts[t]
        for t in (
            EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
            EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
        )
    )
    done_tasks = sum(
        counts[t]
        for t in (
            EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
            EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
            EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
        )
    )
    return (
        counts[EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED] > 0
        and counts[EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED] == done_activities
        and counts[EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED] == done_tasks
    )


async def _visible(s: Stack, expected: set[str], terminated: str, continued: str) -> None:
    """Visibility is eventually consistent (about a second): wait until the list shows every case, the
    terminated one as closed and the second round's run next to the run that continued as new."""
    statuses: dict[str, set[WorkflowExecutionStatus]] = {}
    for _ in range(200):
        statuses = {}
        async for execution in s.client.list_workflows("WorkflowType = 'ComplaintWorkflow'"):
            statuses.setdefault(execution.id, set()).add(execution.status)
        if (
            set(statuses) == expected
            and statuses[terminated] == {WorkflowExecutionStatus.TERMINATED}
            and statuses[continued] == {WorkflowExecutionStatus.CONTINUED_AS_NEW, WorkflowExecutionStatus.RUNNING}
        ):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"visibility never showed every case: {statuses}")


async def _rows(database_url: str) -> dict[str, dict[str, Any]]:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            f"SELECT {COLUMNS}, k.data_key FROM cases LEFT JOIN party_keys k USING (case_id) ORDER BY case_id"
        )
    finally:
        await conn.close()
    # The reasons are sealed with a fresh nonce at every write: compare them unsealed.
    return {
        r["case_id"]: {
            **{k: v for k, v in dict(r).items() if k != "data_key"},
            "view": reasons.opened_view(r["view"], r["data_key"]).model_dump(mode="json"),
        }
        for r in rows
    }


async def _sql(database_url: str, statement: str, *args: Any) -> str:
    conn = await asyncpg.connect(database_url)
    try:
        return await conn.execute(statement, *args)
    finally:
        await conn.close()


async def test_rebuild_writes_back_the_rows_the_workflows_wrote(stack: Stack) -> None:
    s = stack

    # A: genvurdering after an answered aktindsigt request.
    a = await _file(s, 1)
    assert await _step(s, a, "aktindsigt-requested") == "aktindsigt"
    assert await _step(s, a, "aktindsigt-answered") == "genvurdering"
    # B: waiting for aktindsigt, represented by a professional.
    b = await _file(s, 2, representative_name="Advokat Berg", representative_kind="professional")
    assert await _step(s, b, "aktindsigt-requested") == "aktindsigt"
    # C: closed by Ankestyrelsen; its workflow is then terminated, so visibility lists it as a closed run.
    c = await _file(s, 3, kind="realitet")
    assert await _step(s, c, "genvurdering", result="fastholdt") == "forwarded"
    assert await _step(s, c, "ankestyrelsen-received", journal_number="26-000301") == "at_ankestyrelsen"
    assert await _step(s, c, "ankestyrelsen-outcome", outcome="stadfaestet") == "closed"
    # D: remanded, new decision, new complaint: the workflow continued as new into round 2.
    d = await _file(s, 4)
    assert await _step(s, d, "genvurdering", result="fastholdt") == "forwarded"
    assert await _step(s, d, "ankestyrelsen-received", journal_number="26-000401") == "at_ankestyrelsen"
    assert await _step(s, d, "ankestyrelsen-outcome", outcome="hjemvist") == "genbehandling"
    assert await _step(s, d, "new-decision", result="afslag") == "klagefrist"
    assert await _step(s, d, "complaint-received") == "genvurdering"

    cases = {a, b, c, d}
    for case_id in cases:
        await _settled(s, case_id)
    await s.client.get_workflow_handle(c).terminate("test: a closed execution for the rebuild to find")
    await _visible(s, cases, terminated=c, continued=d)

    snapshot = await _rows(s.database_url)
    assert set(snapshot) == cases
    assert {k: (v["phase"], v["round"]) for k, v in snapshot.items()} == {
        a: ("genvurdering", 1),
        b: ("aktindsigt", 1),
        c: ("closed", 1),
        d: ("genvurdering", 2),
    }

    # The read model is lost; Temporal still knows every case.
    assert await _sql(s.database_url, "DELETE FROM cases") == "DELETE 4"
    report = await rebuild_read_model(s.client, s.register)
    assert report.failures == []
    assert (report.cases_seen, report.rows_written) == (4, 4)
    assert await _rows(s.database_url) == snapshot

    # Running it again changes nothing.
    again = await rebuild_read_model(s.client, s.register)
    assert (again.cases_seen, again.rows_written, again.failures) == (4, 0, [])
    assert await _rows(s.database_url) == snapshot

    # An older row is replaced; a row ahead of the workflow is reported, not silently kept as if fine.
    # (The guard reads the version column, the comparison the view's own version: change both, as a write
    # by save_case_view would.)
    await _sql(
        s.database_url,
        "UPDATE cases SET version = 0, phase = 'received', view = jsonb_set(view, '{version}', '0') "
        "WHERE case_id = $1",
        d,
    )
    await _sql(
        s.database_url,
        "UPDATE cases SET version = version + 100, view = jsonb_set(view, '{version}', to_jsonb(version + 100)) "
        "WHERE case_id = $1",
        a,
    )
    mixed = await rebuild_read_model(s.client, s.register)
    assert (mixed.cases_seen, mixed.rows_written) == (4, 1)
    assert len(mixed.failures) == 1 and mixed.failures[0].startswith(a) and "newer" in mixed.failures[0]
    assert (await _rows(s.database_url))[d] == snapshot[d]
    await _sql(s.database_url, "DELETE FROM cases WHERE case_id = $1", a)
    assert (await rebuild_read_model(s.client, s.register)).rows_written == 1
    assert await _rows(s.database_url) == snapshot

    # A query filters the cases (here: none of another kommune).
    other = await rebuild_read_model(
        s.client, s.register, query="WorkflowType = 'ComplaintWorkflow' AND KlagesagKommune = '0999'"
    )
    assert (other.cases_seen, other.rows_written, other.failures) == (0, 0, [])

    # Without a worker nothing answers the queries: every case is reported, nothing is written.
    await s.stop_worker()
    await _sql(s.database_url, "DELETE FROM cases WHERE case_id = $1", b)
    blind = await rebuild_read_model(s.client, s.register, query_timeout=3, settle_timeout=0)
    assert blind.cases_seen == 4 and blind.rows_written == 0
    assert len(blind.failures) == 4
    assert b not in await _rows(s.database_url)
