"""Simulations started from the web (issue 9): each run is `klagesag simulate --json --chart FILE` as a
child process in a temporary folder, so it starts servers of its own (simulation/driver.py) and never
touches the kommune's data; its JSON report and chart are recorded in `simulation_runs` when it ends.

The runner is the web process's part: it starts the children, records how each ended, and stops them
when the app shuts down. A run can outlive no web process unrecorded for long: the child is stopped
after `WebSettings.simulation_limit`, and a run recorded as queued or running for longer than that is
marked failed (its web process died) when the app starts and before runs are read or started.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import structlog

from simulation.parameters import Parameters
from store.accounts import Clock
from store.simulation_runs import SimulationRun, SimulationRuns
from web.problems import simulation_already_running

log = structlog.get_logger("klagesag.web.simulations")

# SIGTERM makes the CLI stop after the day in hand and shut its servers down (tens of seconds on a busy
# machine); killing it sooner would leave its PostgreSQL and Temporal test server behind.
STOP_GRACE = timedelta(seconds=120)
ERROR_LINES = 20  # of the child's stderr, kept as the error of a failed run
STALE = "The web process that ran this simulation stopped, or it ran longer than the limit; start it again."
CHART = "chart.svg"


@dataclass(frozen=True)
class RunRequest:
    months: int
    seed: int
    settings: dict[str, Any]  # parameter changes, as validated values: {"sagsbehandlere": 13}

    def as_json(self) -> dict[str, Any]:
        return {"months": self.months, "seed": self.seed, "settings": self.settings}

    def command(self, chart: Path) -> list[str]:
        changes = [arg for name, value in self.settings.items() for arg in ("--set", f"{name}={value}")]
        return [
            sys.executable, "-m", "cli.main", "simulate", "--json", "--chart", str(chart), "--months", str(self.months),
            "--seed", str(self.seed), *changes,
        ]  # fmt: skip


def run_request(months: int, seed: int, assignments: list[str]) -> RunRequest:
    """The run asked for, its `name=value` changes checked as `klagesag simulate --set` checks them
    (InvalidSetting names a bad one) before anything starts."""
    parameters = Parameters().with_settings(assignments)
    names = [assignment.partition("=")[0].strip() for assignment in assignments]
    return RunRequest(months, seed, {name: getattr(parameters, name) for name in names})


@dataclass(frozen=True)
class Outcome:
    result: dict[str, Any] | None = None
    chart: str | None = None
    error: str | None = None


def _child_environment(folder: Path) -> dict[str, str]:
    """The web's environment (the CLI reads its settings at start; the simulation ignores the database
    and Temporal in them), with this checkout first on the path, so the child runs the same klagesag, and
    the run's folder as its temporary folder, so the simulation's servers keep their data in it."""
    root = str(Path(__file__).resolve().parent.parent)
    path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "TMPDIR": str(folder)}


def _failure(returncode: int, stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").replace("\x00", "").strip().splitlines()
    tail = "\n".join(lines[-ERROR_LINES:])
    return f"klagesag simulate ended with exit code {returncode}" + (f":\n{tail}" if tail else "")


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
    try:
        await asyncio.wait_for(process.wait(), STOP_GRACE.total_seconds())
    except asyncio.TimeoutError:
        process.kill()
        await process.wait()


class SimulationRunner:
    def __init__(self, *, limit: timedelta, clock: Clock) -> None:
        self.limit = limit
        self._clock = clock
        self._tasks: set[asyncio.Task[None]] = set()
        self._processes: set[asyncio.subprocess.Process] = set()

    async def fail_stale(self, runs: SimulationRuns) -> None:
        now = self._clock()
        failed = await runs.fail_stale(started_before=now - self.limit, at=now, error=STALE)
        if failed:
            log.warning("simulation runs marked failed", runs=failed, limit_minutes=self.limit.total_seconds() / 60)

    async def start(self, runs: SimulationRuns, request: RunRequest, *, kommune: str, requested_by: str) -> SimulationRun:
        """Record a queued run for the kommune and start it; 409 while the kommune has one."""
        await self.fail_stale(runs)  # a run a dead web process left behind must not block the kommune
        run = await runs.add(kommune=kommune, requested_by=requested_by, parameters=request.as_json(), at=self._clock())
        if run is None:
            raise simulation_already_running()
        task = asyncio.create_task(self._run(runs, run, request))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return run

    async def _run(self, runs: SimulationRuns, run: SimulationRun, request: RunRequest) -> None:
        try:
            with tempfile.TemporaryDirectory(prefix="klagesag-web-simulation-") as folder:
                outcome = await self._child(Path(folder), runs, run, request)
        except Exception as error:  # a background task: whatever went wrong, the run must not stay 'running'
            log.exception("simulation run failed to run", run=str(run.id))
            outcome = Outcome(error=f"{type(error).__name__}: {error}")
        await runs.finish(run.id, at=self._clock(), result=outcome.result, chart=outcome.chart, error=outcome.error)
        log.info("simulation run ended", run=str(run.id), kommune=run.kommune, failed=outcome.error is not None)

    async def _child(self, folder: Path, runs: SimulationRuns, run: SimulationRun, request: RunRequest) -> Outcome:
        chart = folder / CHART
        process = await asyncio.create_subprocess_exec(
            *request.command(chart), cwd=folder, env=_child_environment(folder), stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        self._processes.add(process)
        try:
            await runs.mark_running(run.id)
            log.info("simulation run started", run=str(run.id), kommune=run.kommune, pid=process.pid)
            try:
                stdout, stderr = await asyncio.wait_for(process.communicate(), self.limit.total_seconds())
            except asyncio.TimeoutError:
                await _stop(process)
                return Outcome(error=f"Stopped after {self.limit}: the limit of a simulation (KLAGESAG_SIMULATION_MAX_MINUTES).")
        finally:
            self._processes.discard(process)
        if process.returncode != 0:
            return Outcome(error=_failure(process.returncode, stderr))
        return Outcome(result=json.loads(stdout), chart=chart.read_text(encoding="utf-8"))

    async def close(self) -> None:
        """Stop the children (each shuts its servers down) and let their tasks record them as failed."""
        running = list(self._processes)
        await asyncio.gather(*(_stop(process) for process in running))
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=STOP_GRACE.total_seconds())
