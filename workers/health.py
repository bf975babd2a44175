"""Liveness and readiness over HTTP, for Kubernetes probes and compose health checks. The web app serves
them on its own port, the worker on KLAGESAG_HEALTH_PORT.

- `/healthz` (liveness): the process answers. It checks no dependency on purpose: a PostgreSQL outage
  must take pods out of service, not make Kubernetes restart every one of them.
- `/readyz` (readiness): everything the process needs answers within CHECK_TIMEOUT; otherwise 503 with
  the names of what failed, e.g. {"status": "unavailable", "failed": ["postgresql"]}.

Both are unauthenticated and show nothing but the names of dependencies: no host, no error text (the
error's type is logged, for the operator).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta

import structlog
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
from temporalio.client import Client
from temporalio.worker import Worker

from store.register import CaseRegister

log = structlog.get_logger("klagesag.health")

Check = Callable[[], Awaitable[None]]
# Below the probes' timeoutSeconds (3 in deploy/k8s): a slow dependency is reported as such, not as a
# probe that timed out without an answer.
CHECK_TIMEOUT = 2.0

POSTGRESQL = "postgresql"
TEMPORAL = "temporal"
WORKER = "worker"


async def failed_checks(checks: Mapping[str, Check]) -> list[str]:
    """The names of the checks that raised or took longer than CHECK_TIMEOUT, all run at once."""

    async def passes(name: str, check: Check) -> bool:
        try:
            await asyncio.wait_for(check(), CHECK_TIMEOUT)
        except Exception as error:  # any failure means "not ready"; which one is for the log
            log.warning("readiness check failed", dependency=name, error=type(error).__name__)
            return False
        return True

    results = await asyncio.gather(*(passes(name, check) for name, check in checks.items()))
    return [name for name, ok in zip(checks, results) if not ok]


def alive(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readiness(checks: Mapping[str, Check]) -> JSONResponse:
    failed = await failed_checks(checks)
    if failed:
        return JSONResponse({"status": "unavailable", "failed": failed}, status_code=503)
    return JSONResponse({"status": "ok"})


def postgres_check(register: Callable[[], CaseRegister | None]) -> Check:
    async def check() -> None:
        current = register()
        if current is None:
            raise RuntimeError("no connection pool yet")
        await current.ping()

    return check


def temporal_check(client: Callable[[], Awaitable[Client]]) -> Check:
    async def check() -> None:
        connected = await client()
        # A cheap call every frontend answers (the SDK makes it when it connects); no retries, so an
        # unreachable server fails within the timeout.
        await connected.workflow_service.get_system_info(
            GetSystemInfoRequest(), retry=False, timeout=timedelta(seconds=CHECK_TIMEOUT)
        )

    return check


def worker_check(worker: Worker) -> Check:
    async def check() -> None:
        if not worker.is_running:
            raise RuntimeError("the worker is not polling")

    return check


def health_app(checks: Mapping[str, Check]) -> Starlette:
    """The worker's health listener: /healthz and /readyz, nothing else."""

    async def ready(request: Request) -> JSONResponse:
        return await readiness(checks)

    return Starlette(routes=[Route("/healthz", alive), Route("/readyz", ready)])
