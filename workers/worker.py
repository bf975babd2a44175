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


def build_worker(
    client: Client, register: CaseRegister, settings: Settings, *, channel: LetterChannel | None = None
) -> Worker:
    deadlines = DeadlineActivities(settings.calendar_profile, settings.servicemaal_working_days)
    case_register = CaseRegisterActivities(register, channel or OutboxFolder(settings.outbox_dir))
    digests = DigestActivities(register, settings.outbox_dir)
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[ComplaintWorkflow, DailyDigestWorkflow],
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
