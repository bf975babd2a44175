"""Worker memory against open cases and against the workflow cache.

    .venv/bin/python -m bench.worker_memory --cases 2000 --caches 500,2000 [--before OLD_CHECKOUT] [--unsandboxed]

Starts its own PostgreSQL and Temporal dev server (free ports, a temporary directory), files N complaints
through a worker process (each waits in genvurdering, 4 weeks away), and prints the worker's resident
memory (VmRSS) as the open cases grow. Then, for each cache size and each checkout (this one, and the one
given with --before), it starts a fresh worker process with `max_cached_workflows` set to that size and
loads the cases into its cache one batch at a time (a `view` query replays a case that is not cached and
keeps it cached), printing RSS after each batch. The figures show:

* RSS grows with the cases *in the cache*, not with the open cases: past the cache size it stays flat;
* the cost of one cached workflow: the slope of RSS over the cached cases (MB per 1000), per checkout;
* with --unsandboxed, how much of that cost is the sandbox's (this checkout without it: measurement only).

Every process it started is stopped on the way out. Results: bench/README.md, "Worker memory".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from temporalio.client import WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError

from bench.common import free_port, log, synthetic_filing
from bench.faults import quiet_libraries
from casework import operations
from deploy.postgres import LocalPostgres
from deploy.temporal import LocalTemporal
from store.migrate import migrated_database
from store.register import CaseRegister
from workers.client import connect
from workers.settings import Settings
from workflows.search_attributes import FOR_DEV_SERVER

ROOT = Path(__file__).resolve().parents[1]
WORKER_SCRIPT = Path(__file__).with_name("memory_worker.py")
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
FILING_ATTEMPTS = 5  # an overloaded machine times out an update now and then (seen at load average 8)
SETTLE_SECONDS = 3.0  # after a batch: let the worker finish its tasks and the allocator settle


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


@dataclass
class Stack:
    root: Path
    pg: LocalPostgres
    temporal: LocalTemporal
    task_queue: str

    @property
    def database_url(self) -> str:
        return self.pg.dsn("klagesag")

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            KLAGESAG_TEMPORAL_ADDRESS=self.temporal.address,
            KLAGESAG_DATABASE_URL=self.database_url,
            KLAGESAG_DATA_DIR=str(self.root / "data"),
            KLAGESAG_TASK_QUEUE=self.task_queue,
            KLAGESAG_OUTBOX_DIR=str(self.root / "data" / "outbox"),
        )
        return env

    def settings(self) -> Settings:
        env = self.env()
        return Settings(
            data_dir=self.root / "data",
            temporal_address=env["KLAGESAG_TEMPORAL_ADDRESS"],
            database_url=env["KLAGESAG_DATABASE_URL"],
            task_queue=env["KLAGESAG_TASK_QUEUE"],
        )


class WorkerProcess:
    """One `bench/memory_worker.py` process; stopped with SIGTERM (its tasks finish), then killed."""

    def __init__(self, stack: Stack, code_dir: Path, cache: int, label: str, runner: str = "sandboxed") -> None:
        self.log_path = stack.root / f"worker-{label}-{cache}.log"
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, str(WORKER_SCRIPT), str(code_dir), str(cache), runner],
                env=stack.env(), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def rss(self) -> float:
        if self.proc.poll() is not None:
            raise RuntimeError(f"the worker exited ({self.proc.returncode}); see {self.log_path}")
        return rss_mb(self.proc.pid)

    async def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                await asyncio.to_thread(self.proc.wait, 30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                await asyncio.to_thread(self.proc.wait)


async def settle() -> None:
    await asyncio.sleep(SETTLE_SECONDS)


async def file_cases(stack: Stack, n: int, concurrency: int, worker: WorkerProcess) -> list[str]:
    """File n complaints; print the filing worker's RSS every tenth of the way."""
    client = await connect(stack.settings())
    register = await CaseRegister.connect(stack.database_url, max_size=concurrency)
    settings = stack.settings()
    today = datetime.now(COPENHAGEN)
    case_ids: list[str] = []
    gate = asyncio.Semaphore(concurrency)

    run = uuid.uuid4().hex[:8]

    async def one(i: int) -> None:
        request = operations.parse_filing(synthetic_filing(i, today.date(), run=run))
        async with gate:
            for attempt in range(FILING_ATTEMPTS):
                try:
                    # The same update id: a retry after a lost answer is not taken for a second filing.
                    receipt = await operations.file_complaint(
                        client, register, settings, request, today=today.date(), update_id=f"memory-{run}-{i}"
                    )
                    break
                except (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError) as error:
                    if attempt == FILING_ATTEMPTS - 1:
                        raise
                    log(f"filing {i}: {type(error).__name__}: {error}; again")
                    await asyncio.sleep(1 + attempt)
            case_ids.append(receipt.case_id)

    print(f"\nopen cases | worker RSS MB (filing worker, cache {worker_cache(worker)})")
    started = time.monotonic()
    try:
        step = max(1, n // 10)
        for start in range(0, n, step):
            await asyncio.gather(*(one(i) for i in range(start, min(n, start + step))))
            await settle()
            print(f"{len(case_ids):>10} | {worker.rss():8.1f}", flush=True)
    finally:
        await register.close()
    log(f"filed {n} cases in {time.monotonic() - started:.0f} s")
    return case_ids


def worker_cache(worker: WorkerProcess) -> str:
    return worker.log_path.stem.rsplit("-", 1)[1]


async def load_into_cache(stack: Stack, case_ids: list[str], worker: WorkerProcess, batches: int, concurrency: int) -> list[tuple[int, float]]:
    """Query every case once (a replay for each that is not cached); RSS after each batch."""
    client = await connect(stack.settings())
    gate = asyncio.Semaphore(concurrency)

    async def one(case_id: str) -> None:
        async with gate:
            await operations.live_view(client, case_id)

    await settle()
    points = [(0, worker.rss())]
    step = max(1, len(case_ids) // batches)
    for start in range(0, len(case_ids), step):
        await asyncio.gather(*(one(c) for c in case_ids[start : start + step]))
        await settle()
        points.append((min(len(case_ids), start + step), worker.rss()))
    return points


def slope_per_1000(points: list[tuple[int, float]], cache: int) -> float:
    """Least-squares MB per 1000 cached workflows over the points where everything touched fits the cache."""
    inside = [(x, y) for x, y in points if x <= cache]
    if len(inside) < 2:
        return float("nan")
    mx = sum(x for x, _ in inside) / len(inside)
    my = sum(y for _, y in inside) / len(inside)
    sxx = sum((x - mx) ** 2 for x, _ in inside)
    return 1000 * sum((x - mx) * (y - my) for x, y in inside) / sxx if sxx else float("nan")


async def run(args: argparse.Namespace) -> int:
    quiet_libraries()
    root = Path(tempfile.mkdtemp(prefix="klagesag-memory-"))
    stack = Stack(
        root=root,
        pg=LocalPostgres(root / "postgres", free_port()),
        temporal=LocalTemporal(root / "temporal", free_port(), free_port(), search_attributes=FOR_DEV_SERVER, headless=True),
        task_queue=f"klagesag-memory-{uuid.uuid4().hex[:8]}",
    )
    trees = [("this", ROOT, "sandboxed")]
    if args.before:
        trees.append(("before", Path(args.before).resolve(), "sandboxed"))
    if args.unsandboxed:
        trees.append(("nosandbox", ROOT, "unsandboxed"))
    caches = sorted(int(c) for c in args.caches.split(","))
    workers: list[WorkerProcess] = []
    try:
        (root / "data").mkdir()
        await asyncio.to_thread(stack.pg.start)
        await migrated_database(stack.pg, "klagesag")
        await stack.temporal.start()
        print(f"machine: {os.cpu_count()} cores; cases: {args.cases}; caches: {caches}; checkouts: "
              + ", ".join(f"{label}={path} ({runner})" for label, path, runner in trees))  # fmt: skip

        filer = WorkerProcess(stack, ROOT, caches[0], "filing")
        workers.append(filer)
        case_ids = await file_cases(stack, args.cases, args.concurrency, filer)
        await filer.stop()

        summary = []
        for label, code_dir, runner in trees:
            for cache in caches:
                worker = WorkerProcess(stack, code_dir, cache, label, runner)
                workers.append(worker)
                points = await load_into_cache(stack, case_ids, worker, args.batches, args.concurrency)
                await worker.stop()
                print(f"\n{label}: cache {cache} | cases loaded | worker RSS MB")
                for loaded, mb in points:
                    print(f"{'':>{len(label) + 13}}| {loaded:>12} | {mb:8.1f}")
                summary.append((label, cache, points[0][1], max(mb for _, mb in points), slope_per_1000(points, cache)))
        print("\ncheckout | max_cached_workflows | RSS idle MB | RSS max MB | MB per 1000 cached workflows")
        for label, cache, idle, peak, slope in summary:
            print(f"{label:>8} | {cache:>20} | {idle:11.1f} | {peak:10.1f} | {slope:8.1f}")
        return 0
    finally:
        for worker in workers:
            with contextlib.suppress(Exception):
                await worker.stop()
        with contextlib.suppress(Exception):
            await stack.temporal.stop()
        with contextlib.suppress(Exception):
            await asyncio.to_thread(stack.pg.stop)
        log(f"data and worker logs in {root}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000, help="open complaints to file")
    parser.add_argument("--caches", default="250,1000,2000", help="max_cached_workflows values, comma-separated")
    parser.add_argument("--before", help="another checkout (e.g. of main) to measure the same way")
    parser.add_argument(
        "--unsandboxed", action="store_true", help="also measure this checkout without the sandbox (its share)"
    )
    parser.add_argument("--batches", type=int, default=8, help="RSS readings while loading the cache")
    parser.add_argument("--concurrency", type=int, default=16)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
