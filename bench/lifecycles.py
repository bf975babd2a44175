"""klagesag against bare Temporal, side by side, on 1, 2 and 4 worker processes.

    .venv/bin/python -m bench.lifecycles [--lifecycles 300] [--concurrency 32] [--workers 1,2,4] [--rounds 2]

For each worker count it starts a fresh PostgreSQL and Temporal dev server (SQLite, as `klagesag up`)
and W worker processes of each kind on their own task queues, then runs, one after the other, in rounds
that alternate which kind goes first (the server's database grows and later runs are slower):

* **klagesag**: N complaints filed (update-with-start) and taken through genvurdering (fastholdt),
  Ankestyrelsen's receipt and its outcome (stadfæstet) with `casework.operations`, as the CLI and the
  API do. "driven" is when the last step's update has answered; "settled" is when every case's letters,
  escalations and read model are done too (klagesag queues effects and answers the step first).
* **bare**: N `bench.bare.BareWorkflow` runs with the same shape (two activities, four validated updates,
  one activity each), no rules and no database.

It prints lifecycles per second for each, and the ratio klagesag/bare (the goal is ≥ 0.9), then the CPU
milliseconds each component spent per lifecycle in each run (the Temporal server, PostgreSQL, the worker
processes, and this process as the client: bench/cpu.py), which say where klagesag's extra time goes.
Figures, with the machine they were measured on, are in bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from temporalio.client import Client

from bench import cpu
from bench.bare import UPDATES, BareWorkflow
from bench.common import log, synthetic_filing
from bench.faults import Stack, quiet_libraries
from casework import operations
from store.register import CaseRegister
from workers.client import connect

STEPS = (
    ("genvurdering", {"result": "fastholdt"}),
    ("ankestyrelsen-received", {"journal_number": "26-000001"}),
    ("ankestyrelsen-outcome", {"outcome": "stadfaestet"}),
)


@dataclass
class Rate:
    lifecycles: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.lifecycles / self.seconds if self.seconds else 0.0


async def bounded(n: int, concurrency: int, one) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def run(i: int) -> None:
        async with gate:
            await one(i)

    await asyncio.gather(*(run(i) for i in range(n)))


async def klagesag_lifecycles(stack: Stack, n: int, concurrency: int) -> tuple[Rate, Rate]:
    settings = stack.settings()
    client = await connect(settings)
    register = await CaseRegister.connect(stack.database_url, max_size=concurrency)
    today = date.today()
    token = uuid.uuid4().hex[:6]
    case_ids: list[str] = []

    async def one(i: int) -> None:
        filing = operations.parse_filing(synthetic_filing(i, today, run=token))
        receipt = await operations.file_complaint(client, register, settings, filing, today=today, update_id=f"file-{i}")
        case_ids.append(receipt.case_id)
        for name, fields in STEPS:
            await operations.take_step(client, receipt.case_id, name, {**fields, "actor": "sb-bench", "reason": "Benchmark"})

    try:
        began = time.perf_counter()
        await bounded(n, concurrency, one)
        driven = time.perf_counter() - began
        await wait_closed(register, case_ids)
        settled = time.perf_counter() - began
    finally:
        await register.close()
    return Rate(n, driven), Rate(n, settled)


async def wait_closed(register: CaseRegister, case_ids: list[str]) -> None:
    """Until the read model of every case shows it closed with the outcome's letter written."""
    pending = set(case_ids)
    while pending:
        for case_id in list(pending):
            view = await register.case_view(case_id)
            if view is not None and view.phase.value == "closed" and view.pending_effects == 0:
                pending.discard(case_id)
        if pending:
            await asyncio.sleep(0.2)


async def bare_lifecycles(address: str, task_queue: str, n: int, concurrency: int) -> Rate:
    client = await Client.connect(address)
    run = uuid.uuid4().hex[:6]

    async def one(i: int) -> None:
        handle = await client.start_workflow(BareWorkflow.run, id=f"bare-{run}-{i}", task_queue=task_queue)
        for k in range(UPDATES):
            await handle.execute_update(BareWorkflow.step, f"step-{k}")
        await handle.result()

    began = time.perf_counter()
    await bounded(n, concurrency, one)
    return Rate(n, time.perf_counter() - began)


def start_bare_workers(stack: Stack, task_queue: str, count: int) -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen(
            [sys.executable, "-m", "bench.bare", "--address", stack.temporal.address, "--task-queue", task_queue],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        for _ in range(count)
    ]


async def one_setting(root: Path, workers: int, n: int, concurrency: int, rounds: int) -> dict[str, float]:
    """`rounds` rounds of n lifecycles of each kind, in the order bare-klagesag, klagesag-bare, ...: the dev
    server's SQLite database grows with every run and later runs are slower, so a fixed order would favour
    whichever kind goes first. Rates and CPU are summed over the rounds."""
    stack = Stack(root / f"w{workers}", workers)
    bare_workers: list[subprocess.Popen[bytes]] = []
    seconds = {"bare": 0.0, "driven": 0.0, "settled": 0.0}
    cpu_spent: dict[str, dict[str, float]] = {"bare": {}, "klagesag": {}}
    round_ratios: list[float] = []
    try:
        await stack.start()
        bare_queue = f"bare-{uuid.uuid4().hex[:8]}"
        bare_workers = start_bare_workers(stack, bare_queue, workers)
        await asyncio.sleep(3)  # the worker processes import and poll
        warm = max(4, n // 20)
        await bare_lifecycles(stack.temporal.address, bare_queue, warm, concurrency)  # warm both paths
        await klagesag_lifecycles(stack, warm, concurrency)
        components = {
            "temporal": [stack.temporal.pid],
            "postgres": [stack.pg.running_pid()],
            "klagesag workers": [proc.pid for proc in stack.workers if proc is not None],
            "bare workers": [proc.pid for proc in bare_workers],
        }

        async def measure_bare() -> float:
            before = cpu.snapshot(components)
            bare = await bare_lifecycles(stack.temporal.address, bare_queue, n, concurrency)
            _add(cpu_spent["bare"], cpu.spent(before, cpu.snapshot(components)))
            seconds["bare"] += bare.seconds
            return bare.per_second

        async def measure_klagesag() -> float:
            before = cpu.snapshot(components)
            driven, settled = await klagesag_lifecycles(stack, n, concurrency)
            _add(cpu_spent["klagesag"], cpu.spent(before, cpu.snapshot(components)))
            seconds["driven"] += driven.seconds
            seconds["settled"] += settled.seconds
            return settled.per_second

        for i in range(rounds):
            if i % 2 == 0:
                bare_rate = await measure_bare()
                klagesag_rate = await measure_klagesag()
            else:
                klagesag_rate = await measure_klagesag()
                bare_rate = await measure_bare()
            round_ratios.append(klagesag_rate / bare_rate)
            log(f"  round {i + 1}: bare {bare_rate:.2f}/s, klagesag settled {klagesag_rate:.2f}/s")
    finally:
        for proc in bare_workers:
            proc.terminate()
        for proc in bare_workers:
            proc.wait(20)
        await stack.close()
    total = n * rounds
    bare, driven, settled = (Rate(total, seconds[k]) for k in ("bare", "driven", "settled"))
    return {
        "workers": workers,
        "bare_per_s": bare.per_second,
        "klagesag_driven_per_s": driven.per_second,
        "klagesag_settled_per_s": settled.per_second,
        "ratio_driven": driven.per_second / bare.per_second,
        "ratio_settled": settled.per_second / bare.per_second,
        "round_ratios": round_ratios,
        "cpu_bare": per_lifecycle_ms(cpu_spent["bare"], total),
        "cpu_klagesag": per_lifecycle_ms(cpu_spent["klagesag"], total),
    }


def _add(into: dict[str, float], spent: dict[str, float]) -> None:
    for name, value in spent.items():
        into[name] = into.get(name, 0.0) + value


def per_lifecycle_ms(seconds: dict[str, float], n: int) -> dict[str, float]:
    return {name: 1000 * value / n for name, value in seconds.items()}


def print_cpu(rows: list[dict]) -> None:
    """CPU milliseconds per lifecycle of each component: where klagesag's extra time goes."""
    names = [name for name in rows[0]["cpu_klagesag"] if name != "bare workers"]
    print("CPU ms per lifecycle (klagesag / bare); the workers are each run's own")
    print(f"{'workers':>7} " + " ".join(f"{name:>22}" for name in [*names, "total"]))
    for r in rows:
        k, b = r["cpu_klagesag"], r["cpu_bare"]
        pairs = [(k[name], b["bare workers"] if name == "klagesag workers" else b[name]) for name in names]
        pairs.append((sum(x for x, _ in pairs), sum(y for _, y in pairs)))
        print(f"{r['workers']:>7} " + " ".join(f"{f'{x:.1f} / {y:.1f}':>22}" for x, y in pairs))


async def run(args: argparse.Namespace) -> None:
    quiet_libraries()
    root = Path(tempfile.mkdtemp(prefix="klagesag-bench-"))
    rows = []
    for workers in args.workers:
        log(f"{workers} worker process(es) of each kind, {args.lifecycles} lifecycles, concurrency {args.concurrency}")
        rows.append(await one_setting(root, workers, args.lifecycles, args.concurrency, args.rounds))
    print(
        f"lifecycles={args.lifecycles} concurrency={args.concurrency} rounds={args.rounds} "
        "(lifecycles per second, over all rounds)"
    )
    print(f"{'workers':>7} {'bare':>8} {'klagesag driven':>16} {'klagesag settled':>17} {'ratio driven':>13} {'ratio settled':>14}")
    for r in rows:
        print(
            f"{r['workers']:>7} {r['bare_per_s']:>8.2f} {r['klagesag_driven_per_s']:>16.2f} "
            f"{r['klagesag_settled_per_s']:>17.2f} {r['ratio_driven']:>13.2f} {r['ratio_settled']:>14.2f}"
        )
    print(f"mean ratio (settled): {statistics.mean(r['ratio_settled'] for r in rows):.2f}")
    for r in rows:
        print(f"  {r['workers']} worker(s), each round's ratio (settled): " + ", ".join(f"{x:.2f}" for x in r["round_ratios"]))
    print_cpu(rows)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lifecycles", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2, 4])
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each kind, in alternating order")
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(run(parse_args()))
