"""How long one caseworker step takes, from the HTTP API and from the Temporal client, at a realistic
load and at saturation.

    .venv/bin/python -m bench.step_latency [--caseworkers 50] [--think 30] [--duration 120]
                                           [--saturation 16] [--saturation-seconds 30]

Starts its own PostgreSQL, Temporal dev server (SQLite), one `klagesag worker` and one `klagesag web`
process, seeds the demo users, and files one complaint per caseworker. Then, for each path:

* **realistic**: C caseworkers, each taking a step on their own case every T seconds (±50 %, so they do
  not march in step) for D seconds: `aktindsigt-requested` and `aktindsigt-answered` in turn, steps a
  real case can take again and again;
* **saturation**: S loops taking the same steps with no pause.

"client" calls `casework.operations.take_step` (what the CLI does); "api" posts
`/api/v1/cases/{id}/steps/{step}` with a bearer token (login, scope check, access log, then the same
operation). Each step is timed from the request to its answer (the update's result). Prints steps, steps
per second and p50/p95/p99 in milliseconds. Figures are in bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

import httpx

from bench.common import free_port, log, synthetic_filing
from bench.faults import KLAGESAG, Stack, quiet_libraries
from casework import operations
from store.accounts import AccountStore, demo_seed_path, demo_users
from store.register import CaseRegister
from workers.client import connect

CYCLE = ("aktindsigt-requested", "aktindsigt-answered")
USER = "sb-ydelse"

Step = Callable[[str, str], Awaitable[None]]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# How many steps each case has taken: a case in aktindsigt must get its answer before the next request,
# whichever run left it there.
TAKEN: dict[str, int] = {}


async def load(cases: list[str], step: Step, *, think: float | None, seconds: float, loops: int | None = None) -> tuple[list[float], float]:
    """Run the caseworkers (one per case, or `loops` of them with no pause) for `seconds`; the latencies."""
    latencies: list[float] = []
    stop_at = time.perf_counter() + seconds
    rng = random.Random(7)

    async def caseworker(case_id: str) -> None:
        if think:
            await asyncio.sleep(rng.uniform(0, think))  # arrive spread out, not all at once
        while time.perf_counter() < stop_at:
            began = time.perf_counter()
            await step(case_id, CYCLE[TAKEN.get(case_id, 0) % 2])
            latencies.append((time.perf_counter() - began) * 1000)
            TAKEN[case_id] = TAKEN.get(case_id, 0) + 1
            if think:
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))

    began = time.perf_counter()
    chosen = cases if loops is None else cases[:loops]
    await asyncio.gather(*(caseworker(case_id) for case_id in chosen))
    return latencies, time.perf_counter() - began


def report(path: str, load_name: str, latencies: list[float], seconds: float) -> str:
    return (
        f"{path:>6} {load_name:>10} {len(latencies):>6} {len(latencies) / seconds:>8.2f} "
        f"{percentile(latencies, 50):>7.0f} {percentile(latencies, 95):>7.0f} {percentile(latencies, 99):>7.0f}"
    )


async def run(args: argparse.Namespace) -> None:
    quiet_libraries()
    root = Path(tempfile.mkdtemp(prefix="klagesag-steps-"))
    stack = Stack(root, 1)
    web: subprocess.Popen[bytes] | None = None
    try:
        await stack.start()
        settings = stack.settings()
        accounts = await AccountStore.connect(stack.database_url)
        await accounts.seed_from_file(demo_seed_path())
        await accounts.close()
        port = free_port()
        web = subprocess.Popen(
            [KLAGESAG, "web", "--port", str(port)], env=stack.env(), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=open(root / "web.log", "ab"), start_new_session=True,
        )
        client = await connect(settings)
        register = await CaseRegister.connect(stack.database_url)
        today = date.today()
        token = uuid.uuid4().hex[:6]
        count = max(args.caseworkers, args.saturation)
        cases = []
        for i in range(count):
            filing = operations.parse_filing(
                synthetic_filing(i, today, run=token, area="aktivloven § 34", actor=USER, unit="ydelse", assignee=USER)
            )
            cases.append((await operations.file_complaint(client, register, settings, filing, today=today)).case_id)
        await register.close()

        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            for _ in range(100):
                try:
                    if (await http.get("/log-ind")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
            password = next(u.password for u in demo_users() if u.username == USER)
            login = await http.post("/api/v1/session", json={"username": USER, "password": password})
            login.raise_for_status()
            headers = {"Authorization": f"Bearer {login.json()['token']}"}

            async def by_api(case_id: str, name: str) -> None:
                response = await http.post(f"/api/v1/cases/{case_id}/steps/{name}", json={"reason": "Benchmark"}, headers=headers)
                response.raise_for_status()

            async def by_client(case_id: str, name: str) -> None:
                await operations.take_step(client, case_id, name, {"actor": USER, "reason": "Benchmark"})

            lines = []
            for path, step in (("client", by_client), ("api", by_api)):
                log(f"{path}: {args.caseworkers} caseworkers, a step every {args.think} s, {args.duration} s")
                lines.append(report(path, "realistic", *await load(cases[: args.caseworkers], step, think=args.think, seconds=args.duration)))
                log(f"{path}: saturation with {args.saturation} loops, {args.saturation_seconds} s")
                lines.append(report(path, "saturation", *await load(cases, step, think=None, seconds=args.saturation_seconds, loops=args.saturation)))
        print(f"caseworkers={args.caseworkers} think={args.think}s duration={args.duration}s saturation={args.saturation} loops")
        print(f"{'path':>6} {'load':>10} {'steps':>6} {'steps/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
        for line in lines:
            print(line)
    finally:
        if web is not None:
            web.terminate()
            web.wait(20)
        await stack.close()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--caseworkers", type=int, default=50)
    parser.add_argument("--think", type=float, default=30.0, help="seconds between one caseworker's steps")
    parser.add_argument("--duration", type=float, default=120.0)
    parser.add_argument("--saturation", type=int, default=16, help="loops with no pause")
    parser.add_argument("--saturation-seconds", type=float, default=30.0)
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(run(parse_args()))
