"""The worker process: the ComplaintWorkflow and its activities on one task queue.

Any number of these may run at once against the same Temporal and PostgreSQL; nothing here assumes it
is the only one.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import structlog
from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.case_register import CaseRegisterActivities
from activities.channel import LetterChannel, OutboxFolder
from activities.deadlines import DeadlineActivities
from activities.digest import DigestActivities
from store.register import CaseRegister
from workers.client import connect
from workers.settings import Settings
from workflows.complaint import ComplaintWorkflow
from workflows.digest import DailyDigestWorkflow

log = structlog.get_logger("klagesag.worker")

# Imported once per process, not again for every workflow the sandbox loads (docs/worker-memory.md).
# Each is deterministic and keeps no state a workflow changes: `domain` is pure code on immutable models
# (its only module-level state, calendar.py's lru_cache, memoises pure functions); the workflows use
# `activities` and `store` only for the activity names and input models; the libraries are the ones those
# import. The workflow modules (`workflows.*`) are not on the list: they are loaded afresh per run, so the
# sandbox's checks (no clock, no random, no I/O) still apply to them.
PASSTHROUGH_MODULES = ("domain", "activities", "store", "structlog", "asyncpg", "cryptography")


def workflow_runner() -> SandboxedWorkflowRunner:
    """The sandbox every worker and the replay tests use."""
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH_MODULES)
    )


def build_worker(
    client: Client, register: CaseRegister, settings: Settings, *, channel: LetterChannel | None = None
) -> Worker:
    deadlines = DeadlineActivities(settings.calendar_profile)
    case_register = CaseRegisterActivities(register, channel or OutboxFolder(settings.outbox_dir))
    digests = DigestActivities(register, settings.outbox_dir)
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[ComplaintWorkflow, DailyDigestWorkflow],
        workflow_runner=workflow_runner(),
        activities=[*deadlines.all(), *case_register.all(), *digests.all()],
        activity_executor=ThreadPoolExecutor(4),
    )


async def run_worker(
    settings: Settings, stop: asyncio.Event, *, client: Client | None = None, register: CaseRegister | None = None
) -> None:
    """Run until `stop` is set; then finish the tasks in hand and return. The caller may pass the client
    and register it already connected (to report an unreachable server its own way)."""
    client = client or await connect(settings)
    register = register or await CaseRegister.connect(settings.database_url)
    try:
        worker = build_worker(client, register, settings)
        async with worker:
            log.info("worker started", task_queue=settings.task_queue, namespace=settings.temporal_namespace)
            await stop.wait()
        log.info("worker stopped")
    finally:
        await register.close()
