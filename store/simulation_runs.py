"""The record of simulations started from the web (migration 013, web/simulations.py): one row per run,
from queued to done or failed. At most one run per kommune is queued or running; the unique index of the
migration keeps it so, also between web processes."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import asyncpg


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


@dataclass(frozen=True)
class SimulationRun:
    id: uuid.UUID
    kommune: str
    requested_by: str
    parameters: dict[str, Any]
    status: RunStatus
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    has_chart: bool

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


# Everything but the chart, which only its own endpoint serves.
_COLUMNS = (
    "id, kommune, requested_by, parameters, status, result, error, created_at, finished_at, chart IS NOT NULL AS has_chart"
)


def _run(row: asyncpg.Record) -> SimulationRun:
    return SimulationRun(
        id=row["id"], kommune=row["kommune"], requested_by=row["requested_by"], parameters=json.loads(row["parameters"]),
        status=RunStatus(row["status"]), result=json.loads(row["result"]) if row["result"] is not None else None,
        error=row["error"], created_at=row["created_at"], finished_at=row["finished_at"], has_chart=row["has_chart"],
    )  # fmt: skip


class SimulationRuns:
    """The statements on `simulation_runs`, on the case register's pool (CaseRegister.simulation_runs)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def add(
        self, *, kommune: str, requested_by: str, parameters: dict[str, Any], at: datetime
    ) -> SimulationRun | None:
        """A new queued run; None when the kommune has a run queued or running already."""
        try:
            row = await self._pool.fetchrow(
                f"INSERT INTO simulation_runs (id, kommune, requested_by, parameters, status, created_at) "
                f"VALUES ($1, $2, $3, $4::jsonb, 'queued', $5) RETURNING {_COLUMNS}",
                uuid.uuid4(), kommune, requested_by, json.dumps(parameters), at,
            )  # fmt: skip
        except asyncpg.UniqueViolationError:
            return None
        return _run(row)

    async def mark_running(self, run_id: uuid.UUID) -> None:
        await self._pool.execute(
            "UPDATE simulation_runs SET status = 'running' WHERE id = $1 AND status = 'queued'", run_id
        )

    async def finish(
        self,
        run_id: uuid.UUID,
        *,
        at: datetime,
        result: dict[str, Any] | None = None,
        chart: str | None = None,
        error: str | None = None,
    ) -> None:
        """Done with its result and chart, or failed with `error`. A run already marked failed as stale stays
        as it was: its record was closed while it was still running."""
        status = RunStatus.FAILED if error is not None else RunStatus.DONE
        await self._pool.execute(
            "UPDATE simulation_runs SET status = $2, result = $3::jsonb, chart = $4, error = $5, finished_at = $6 "
            "WHERE id = $1 AND status IN ('queued', 'running')",
            run_id, status.value, json.dumps(result) if result is not None else None, chart, error, at,
        )  # fmt: skip

    async def fail_stale(self, *, started_before: datetime, at: datetime, error: str) -> int:
        """Mark the runs queued or running since before `started_before` as failed; how many were."""
        status = await self._pool.execute(
            "UPDATE simulation_runs SET status = 'failed', error = $2, finished_at = $3 "
            "WHERE status IN ('queued', 'running') AND created_at < $1",
            started_before, error, at,
        )  # fmt: skip
        return int(status.split()[-1])

    async def get(self, run_id: uuid.UUID) -> SimulationRun | None:
        row = await self._pool.fetchrow(f"SELECT {_COLUMNS} FROM simulation_runs WHERE id = $1", run_id)
        return _run(row) if row else None

    async def recent(self, *, kommune: str, limit: int) -> list[SimulationRun]:
        rows = await self._pool.fetch(
            f"SELECT {_COLUMNS} FROM simulation_runs WHERE kommune = $1 ORDER BY created_at DESC LIMIT $2", kommune, limit
        )
        return [_run(row) for row in rows]

    async def chart(self, run_id: uuid.UUID) -> str | None:
        return await self._pool.fetchval("SELECT chart FROM simulation_runs WHERE id = $1", run_id)
