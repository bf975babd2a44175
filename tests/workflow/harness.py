"""Drives complaints through the real workflow and activities on the time-skipping server, with a real
PostgreSQL behind the activities: the same code paths a caseworker's CLI uses."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from temporalio.client import Client, WorkflowHandle
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.api.testservice.v1 import SleepRequest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from casework import operations
from domain.models import CaseView, FilingReceipt, StepResult
from store.register import CaseRegister
from workers.settings import Settings
from workers.worker import build_worker
from workflows.complaint import ComplaintWorkflow

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
_cpr_serials = itertools.count(1000)


def a_cpr() -> str:
    """A fresh, well-formed CPR number (1 January 1990, serials 1000 on) for each complaint in a test."""
    return f"010190{next(_cpr_serials):04d}"


def complaint_fields(today: date, **overrides: Any) -> dict[str, Any]:
    """A well-formed complaint received today about a decision received ten days ago, as `parse_filing`
    takes it; each call is a new party and a new decision unless overridden."""
    raw: dict[str, Any] = dict(
        cpr=a_cpr(),
        name="Karen Testborger",
        decision_ref=f"SAG-{uuid.uuid4().hex[:8]}",
        decision_received=today - timedelta(days=10),
        received=today,
        channel="written",
        area="serviceloven § 83",
        kind="realitet",
        text="Jeg klager over afgørelsen om hjemmehjælp.",
        actor="sb01",
    )
    raw.update(overrides)
    return raw


@dataclass
class Case:
    harness: "Harness"
    receipt: FilingReceipt

    @property
    def id(self) -> str:
        return self.receipt.case_id

    @property
    def handle(self) -> WorkflowHandle:
        return self.harness.client.get_workflow_handle(self.id)

    async def step(self, name: str, *, update_id: str | None = None, **fields: Any) -> StepResult:
        fields.setdefault("actor", "sb01")
        fields.setdefault("reason", f"Test: {name}")
        return await operations.take_step(
            self.harness.client, self.id, name, fields, update_id=update_id, register=self.harness.register
        )

    async def view(self) -> CaseView:
        await self.harness.quiet(self.id)
        return await operations.live_view(self.harness.client, self.id)

    async def settled(self) -> CaseView:
        """Wait until every queued letter, warning and escalation is done and the read model caught up."""
        return await self.harness.settle(self.id)

    async def letter_kinds(self) -> list[str]:
        return [letter.kind for letter in await self.harness.register.letters_for(self.id)]


QUIET_ATTEMPTS = 600  # 30 s: an activity retrying after a fault is still work outstanding
WORKFLOW_TASK_OUTSTANDING = {EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED}

# Generous: a sleep of months on a loaded machine sets off hundreds of activities; a hang still fails.
SLEEP_DEADLINE = timedelta(minutes=2)


class Harness:
    def __init__(
        self,
        env: WorkflowEnvironment,
        register: CaseRegister,
        database_url: str,
        outbox: Path,
        *,
        worker_client: Client | None = None,
    ) -> None:
        """`worker_client`: the worker polls through it instead of the environment's client (a client
        on a runtime of its own, e.g. one that exports metrics); steps and filings still go through the
        environment's client, which skips time."""
        self.env = env
        self.worker_client = worker_client
        self.register = register
        self.settings = Settings(
            data_dir=outbox.parent,
            database_url=database_url,
            task_queue=f"klagesag-test-{uuid.uuid4()}",
        )
        self.outbox = outbox
        self.worker: Worker | None = None
        self.case_ids: set[str] = set()

    @property
    def client(self) -> Client:
        return self.env.client

    async def __aenter__(self) -> "Harness":
        from activities.channel import OutboxFolder

        self.worker = build_worker(
            self.worker_client or self.client, self.register, self.settings, channel=OutboxFolder(self.outbox)
        )
        await self.worker.__aenter__()
        self._began = await self._database_now()
        return self

    async def _database_now(self) -> datetime:
        conn = await asyncpg.connect(self.settings.database_url)
        try:
            return await conn.fetchval("SELECT now()")
        finally:
            await conn.close()

    async def _filed_since(self, began: datetime) -> set[str]:
        """Every case filed while this harness ran, however it was filed (the CLI, a page, the API)."""
        conn = await asyncpg.connect(self.settings.database_url)
        try:
            rows = await conn.fetch("SELECT case_id FROM parties WHERE created_at >= $1", began)
        finally:
            await conn.close()
        return {row["case_id"] for row in rows}

    async def __aexit__(self, *exc: object) -> None:
        # The time-skipping server is shared by the test module, and its clock moves only while nothing
        # holds it: each scheduled workflow task and activity holds it until it completes. A workflow left
        # running without its worker holds it at its next task, and terminating a workflow does not let go
        # of what its unfinished tasks hold; either way a later test's sleep hangs ("Timeout expired").
        # So every case first finishes the work it has begun, then is terminated. Cases filed through a
        # page or the API are not in `case_ids`; the parties table knows them all.
        for case_id in sorted(self.case_ids | await self._filed_since(self._began)):
            with contextlib.suppress(Exception):  # already completed
                await self.quiet(case_id)
                await self.client.get_workflow_handle(case_id).terminate("test finished")
        assert self.worker is not None
        await self.worker.__aexit__(*exc)

    async def today(self) -> date:
        return (await self.env.get_current_time()).astimezone(COPENHAGEN).date()

    async def filing(self, **overrides: Any) -> dict[str, Any]:
        return complaint_fields(await self.today(), **overrides)

    async def file(self, **overrides: Any) -> Case:
        raw = await self.filing(**overrides)
        receipt = await self.file_raw(raw)
        case = Case(self, receipt)
        await case.settled()
        return case

    async def file_raw(self, raw: dict[str, Any], *, update_id: str | None = None) -> FilingReceipt:
        request = operations.parse_filing(raw)
        receipt = await operations.file_complaint(
            self.client, self.register, self.settings, request, today=await self.today(), update_id=update_id
        )
        self.case_ids.add(receipt.case_id)
        return receipt

    async def quiet(self, case_id: str) -> None:
        """Wait until the case's current run has no workflow task and no activity outstanding.

        The time-skipping server mishandles a query that arrives while a workflow task continuing the
        workflow as new is running: it schedules a task on the closed run that nobody can complete, the
        query goes unanswered, and the task's hold on the clock is never let go, so every later sleep
        in the module hangs. Describing a workflow and reading its history do not touch its tasks, so
        the harness asks a case a query only once both say it is idle (a caseworker's query on a real
        server has no such trap)."""
        handle = self.client.get_workflow_handle(case_id)
        request = DescribeWorkflowExecutionRequest(
            namespace=self.client.namespace, execution=WorkflowExecution(workflow_id=case_id)
        )
        for _ in range(QUIET_ATTEMPTS):
            # The raw answer: the SDK's `describe` decodes search attributes, which the test server
            # returns in a form it cannot read for a datetime.
            description = await self.client.workflow_service.describe_workflow_execution(request)
            if not description.pending_activities:
                last_event = None
                async for last_event in handle.fetch_history_events():
                    pass
                if last_event is None or last_event.event_type not in WORKFLOW_TASK_OUTSTANDING:
                    return
            await asyncio.sleep(0.05)
        raise AssertionError(f"case {case_id} still had work outstanding after {QUIET_ATTEMPTS} looks")

    async def settle(self, case_id: str) -> CaseView:
        for _ in range(400):
            await self.quiet(case_id)
            view = await operations.live_view(self.client, case_id)
            stored = await self.register.case_view(case_id)
            if view.pending_effects == 0 and stored is not None and stored.version == view.version:
                return view
            await asyncio.sleep(0.05)
        raise AssertionError(f"case {case_id} did not settle: {view.pending_effects} effects pending")

    async def advance(self, days: float) -> None:
        """Move the server's clock `days` ahead. The time-skipping sleep answers once the work its timers set
        off is done, which on a loaded machine can take longer than the client's default RPC deadline (it
        then fails with "Timeout expired", the clock part of the way): this sleep gets a deadline of its own."""
        # Let the effects already queued finish first: a sleep begun while activities still run can leave
        # the test server waiting for them for ever (seen as "Timeout expired" in long runs).
        for case_id in sorted(self.case_ids):
            with contextlib.suppress(Exception):  # a case completed or terminated has nothing pending
                await self.settle(case_id)
        request = SleepRequest()
        request.duration.FromTimedelta(timedelta(days=days))
        await self.env.client.test_service.unlock_time_skipping_with_sleep(request, timeout=SLEEP_DEADLINE)

    async def now(self) -> datetime:
        return await self.env.get_current_time()


__all__ = ["Harness", "Case", "ComplaintWorkflow", "a_cpr", "complaint_fields"]
