"""The worker process: the ComplaintWorkflow and its activities on one task queue.

Any number of these may run at once against the same Temporal and PostgreSQL; nothing here assumes it
is the only one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

import structlog
from temporalio.client import Client
from temporalio.common import VersioningBehavior
from temporalio.worker import Worker, WorkerDeploymentConfig, WorkerDeploymentVersion
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.case_register import CaseRegisterActivities
from activities.channel import LetterChannel, OutboxFolder
from activities.deadlines import DeadlineActivities
from activities.digest import DigestActivities
from store.register import CaseRegister
from workers import health
from workers.bytecode import compile_workflow_modules
from workers.client import connect
from workers.http_server import serving
from workers.log_context import ActivityLogContext
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


def deployment_config(settings: Settings) -> WorkerDeploymentConfig | None:
    """Worker Versioning (deploy/README.md, blue-green), when the settings name a version.

    AUTO_UPGRADE, never PINNED: a complaint lives for a year or more, and a pinned one would keep the
    version that started it, and that version's workers, alive for as long. An auto-upgrading workflow
    moves to the current version at its next workflow task; `workflow.patched` and the golden histories
    (tests/replay) are what make that move safe.
    """
    if not settings.versioned:
        return None
    return WorkerDeploymentConfig(
        version=WorkerDeploymentVersion(deployment_name=settings.deployment_name, build_id=settings.build_id),
        use_worker_versioning=True,
        default_versioning_behavior=VersioningBehavior.AUTO_UPGRADE,
    )


def build_worker(
    client: Client,
    register: CaseRegister,
    settings: Settings,
    *,
    channel: LetterChannel | None = None,
    max_cached_workflows: int | None = None,
) -> Worker:
    """`max_cached_workflows`: None keeps the SDK's default (1000); a simulation with thousands of open
    cases raises it, since an evicted case is replayed from its history at its next task."""
    deadlines = DeadlineActivities(settings.calendar_profile, settings.servicemaal_working_days)
    case_register = CaseRegisterActivities(register, channel or OutboxFolder(settings.outbox_dir))
    digests = DigestActivities(register, settings.outbox_dir)
    config = deployment_config(settings)
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[ComplaintWorkflow, DailyDigestWorkflow],
        workflow_runner=workflow_runner(),
        activities=[*deadlines.all(), *case_register.all(), *digests.all()],
        activity_executor=ThreadPoolExecutor(4),
        interceptors=[ActivityLogContext()],
        **({"max_cached_workflows": max_cached_workflows} if max_cached_workflows is not None else {}),
        # Passed only when versioned: the SDK's default stays in charge of an unversioned worker.
        **({"deployment_config": config} if config is not None else {}),
    )


@contextlib.asynccontextmanager
async def health_listener(
    settings: Settings, worker: Worker, client: Client, register: CaseRegister
) -> AsyncIterator[None]:
    """/healthz and /readyz on KLAGESAG_HEALTH_PORT while the block runs; nothing when it is 0."""
    if not settings.health_port:
        yield
        return

    async def temporal() -> Client:
        return client

    checks = {
        health.WORKER: health.worker_check(worker),
        health.POSTGRESQL: health.postgres_check(lambda: register),
        health.TEMPORAL: health.temporal_check(temporal),
    }
    async with serving(
        health.health_app(checks), host=settings.listen_host, port=settings.health_port, setting="KLAGESAG_HEALTH_PORT"
    ):
        yield


async def run_worker(
    settings: Settings, stop: asyncio.Event, *, client: Client | None = None, register: CaseRegister | None = None
) -> None:
    """Run until `stop` is set; then finish the tasks in hand and return. The caller may pass the client
    and register it already connected (to report an unreachable server its own way)."""
    client = client or await connect(settings)
    register = register or await CaseRegister.connect(settings.database_url)
    try:
        if not compile_workflow_modules():
            log.warning("workflow bytecode not written: each new workflow compiles the workflow modules")
        worker = build_worker(client, register, settings)
        # The health listener outlives the worker at both ends: it answers "not ready" while the worker
        # starts and while it finishes its tasks after SIGTERM.
        async with health_listener(settings, worker, client, register):
            async with worker:
                log.info(
                    "worker started",
                    task_queue=settings.task_queue,
                    namespace=settings.temporal_namespace,
                    deployment=settings.deployment_name or None,
                    build_id=settings.build_id or None,
                )
                await stop.wait()
        log.info("worker stopped")
    finally:
        await register.close()
