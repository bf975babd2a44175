"""How long a year's statistics take over N complaints (issue 9 §1: ≤ 1 s at 1,000,000).

    .venv/bin/python -m bench.statistics --cases 1000000 [--years 5] [--kommuner 1] [--runs 30] [--explain]
                                         [--data-dir DIR [--reuse]]

Starts its own PostgreSQL (deploy/postgres.py, a temporary directory unless --data-dir is given),
migrates it, and bulk-loads synthetic facts for N complaints received over the last Y full years
(generate_series inside PostgreSQL: codes, dates and counts only, no personal data) into `case_facts` and
`case_fact_events`, the narrow tables migration 008 keeps beside the read model, then VACUUM ANALYZE.
All N complaints belong to one kommune unless --kommuner says otherwise, so the queried kommune holds
N/Y complaints a year: the worst case for one kommune's report.

Then it asks for the report of the last full year (`casework.statistics.statistics_report`: every query
of store/statistics.py, in its two lanes on a pool of two connections as the CLI has, plus the figures of
domain/stats.py) 2 times to warm up and R times measured, and prints p50, p95 and max in milliseconds, the
machine's load average, and with --explain the plan of each query (EXPLAIN ANALYZE, BUFFERS; one at a
time, so their times add up to more than the report's). The loading time is printed too. Figures are
in bench/README.md, "Statistics at 1,000,000 cases".
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

import asyncpg

from bench.common import free_port, log
from casework.statistics import statistics_report
from deploy.postgres import LocalPostgres
from domain.stats import Period, Targets
from store import statistics as queries
from store.migrate import migrated_database
from store.register import CaseRegister

UNITS = ["ydelse", "handicap", "boern-unge", "pension", "beskaeftigelse", "hjemmepleje", "hjaelpemidler", "bolig"]
LAWS = ["serviceloven", "serviceloven", "serviceloven", "aktivloven", "aktivloven", "pensionsloven", "barnets_lov", "andet"]
CATEGORIES = ["sagsbehandlingstid", "vejledning", "begrundelse", "klagevejledning", "betjening", "inddragelse"]

# One row per complaint. r1..r9 are uniform random numbers of the row; the shares follow the seeds roughly
# (docs/legal-reference.md §4.3-4.4): 4:1 realitet to formalitet, SEED 004's "klaget til" shares, about
# 70 % of realitetsklager forwarded, 18 % of Ankestyrelsen's decisions hjemvist.
LOAD_FACTS = """
INSERT INTO case_facts (
    case_id, kommune, received, kind, unit, channel, klaget_til, law, paragraph, phase, is_open, overdue,
    next_deadline_at, outcome, rounds, remand_count, closed_on, days_awaiting_standing, days_aktindsigt,
    days_genvurdering, days_forwarded, days_at_ankestyrelsen, days_genbehandling, days_klagefrist,
    klagepunkter, klagepunkt_categories, returning_complainant, version)
SELECT 'bench-' || g,
       lpad((101 + g % $2)::text, 4, '0'),
       received,
       kind,
       ($4::text[])[1 + floor(r2 * array_length($4::text[], 1))::int],
       CASE WHEN r3 < 0.6 THEN 'written' WHEN r3 < 0.9 THEN 'digital' ELSE 'oral' END,
       CASE WHEN received < $8::date THEN 'ikke_registreret'
            WHEN r4 < 0.8 THEN 'myndighedscenter' WHEN r4 < 0.88 THEN 'borgmester' WHEN r4 < 0.93 THEN 'borgerraadgiver'
            WHEN r4 < 0.95 THEN 'direktoer' ELSE 'andre' END,
       law,
       CASE WHEN law = 'andet' THEN 'ikke_registreret' ELSE '§ ' || (1 + floor(r5 * 190))::int END,
       CASE WHEN open THEN 'genvurdering' WHEN r6 < 0.03 THEN 'withdrawn' ELSE 'closed' END,
       open,
       open AND r6 < 0.2,
       CASE WHEN open THEN (received + 28)::timestamptz END,
       CASE WHEN open THEN NULL WHEN r6 < 0.03 THEN 'tilbagetrukket' WHEN forwarded THEN 'stadfaestet' ELSE 'fuldt_medhold' END,
       1 + (remands > 0 AND r7 < 0.5)::int,
       remands,
       CASE WHEN NOT open THEN received + 30 + (forwarded::int * 150) + remands * 90 END,
       NULL,
       CASE WHEN r8 < 0.1 THEN floor(r8 * 100)::int END,
       CASE WHEN NOT open THEN floor(r9 * 40)::int END,
       CASE WHEN forwarded THEN floor(r1 * 10)::int END,
       CASE WHEN forwarded THEN 30 + floor(r5 * 220)::int END,
       CASE WHEN remands > 0 THEN 20 + floor(r7 * 60)::int END,
       CASE WHEN remands > 0 THEN 28 END,
       CASE WHEN kind = 'formalitet' THEN 1 + floor(r9 * 6)::int END,
       CASE WHEN kind = 'formalitet' THEN ARRAY[($5::text[])[1 + floor(r8 * 6)::int], ($5::text[])[1 + floor(r1 * 6)::int]] END,
       CASE WHEN kind = 'formalitet' THEN r6 < 0.25 END,  -- SEED 003: about a quarter come back
       10
FROM (
    SELECT g, r1, r2, r3, r4, r5, r6, r7, r8, r9,
           $6::date + floor(r1 * ($7::date - $6::date + 1))::int AS received,
           CASE WHEN r2 < 0.8 THEN 'realitet' ELSE 'formalitet' END AS kind,
           ($3::text[])[1 + floor(r4 * array_length($3::text[], 1))::int] AS law,
           $6::date + floor(r1 * ($7::date - $6::date + 1))::int > $7::date - 60 AS open,
           r2 < 0.8 AND r3 < 0.7 AS forwarded,
           CASE WHEN r2 < 0.8 AND r3 < 0.7 AND r7 < 0.15 THEN 1 WHEN r2 < 0.8 AND r3 < 0.7 AND r7 < 0.18 THEN 2 ELSE 0 END AS remands
    FROM (SELECT g, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6, random() r7,
                 random() r8, random() r9
          FROM generate_series(1, $1) AS g) AS draws
) AS c
"""

# The dated events: a genvurdering for every complaint past it, Ankestyrelsen's decision for the forwarded
# ones (a second one for those remanded and complained about again), the aktindsigt answers, and the answers
# to the closed formalitetsklager (with a retsstilling judgement by their number of points).
LOAD_EVENTS = """
INSERT INTO case_fact_events (case_id, kommune, unit, kind, event, round, on_date, outcome, on_time)
SELECT case_id, kommune, unit, kind, 'genvurdering', 1, received + days_genvurdering,
       CASE WHEN days_forwarded IS NULL THEN 'fuldt_medhold' WHEN days_genvurdering % 7 = 0 THEN 'delvist_medhold' ELSE 'fastholdt' END,
       days_genvurdering <= 28
FROM case_facts WHERE days_genvurdering IS NOT NULL AND kind = 'realitet'
UNION ALL
SELECT case_id, kommune, unit, kind, 'ankestyrelsen', r, received + days_genvurdering + days_forwarded + days_at_ankestyrelsen * r,
       CASE WHEN r < rounds OR (remand_count > 0 AND r = 1) THEN 'hjemvist'
            WHEN days_at_ankestyrelsen % 11 = 0 THEN 'afvist' WHEN days_at_ankestyrelsen % 13 = 0 THEN 'bortfaldet'
            WHEN days_at_ankestyrelsen % 7 = 0 THEN 'aendret' WHEN days_at_ankestyrelsen % 17 = 0 THEN 'ophaevet'
            ELSE 'stadfaestet' END,
       NULL
FROM case_facts CROSS JOIN LATERAL generate_series(1, rounds) AS r
WHERE days_at_ankestyrelsen IS NOT NULL AND days_genvurdering IS NOT NULL
UNION ALL
SELECT case_id, kommune, unit, kind, 'aktindsigt', 1, received + 9, 'besvaret', days_aktindsigt <= 7
FROM case_facts WHERE days_aktindsigt IS NOT NULL
UNION ALL
SELECT case_id, kommune, unit, kind, 'formal_answer', 1, received + 3 + klagepunkter * 2,
       CASE klagepunkter WHEN 1 THEN 'processuel' WHEN 2 THEN 'materiel' WHEN 3 THEN 'ingen' WHEN 4 THEN 'ved_ikke' END,
       klagepunkter < 5
FROM case_facts WHERE kind = 'formalitet' AND NOT is_open
"""


def year_bounds(years: int) -> tuple[date, date, date]:
    """(first day of the data, first day of the last full year, last day of it)."""
    last = date.today().year - 1
    return date(last - years + 1, 1, 1), date(last, 1, 1), date(last, 12, 31)


async def load(dsn: str, cases: int, years: int, kommuner: int) -> dict[str, float]:
    first, _, last = year_bounds(years)
    registered_from = date(first.year + 1, 8, 1)  # "klaget til" registered from August of the second year (SEED 004)
    timings: dict[str, float] = {}
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SELECT setseed(0.42)")
        t0 = time.perf_counter()
        await conn.execute(LOAD_FACTS, cases, kommuner, LAWS, UNITS, CATEGORIES, first, last, registered_from)
        timings["facts"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        await conn.execute(LOAD_EVENTS)
        timings["events"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        await conn.execute("VACUUM ANALYZE case_facts")
        await conn.execute("VACUUM ANALYZE case_fact_events")
        timings["vacuum_analyze"] = time.perf_counter() - t0
    finally:
        await conn.close()
    return timings | await sizes(dsn)


async def sizes(dsn: str) -> dict[str, float]:
    conn = await asyncpg.connect(dsn)
    try:
        return {
            "facts_rows": await conn.fetchval("SELECT count(*) FROM case_facts"),
            "event_rows": await conn.fetchval("SELECT count(*) FROM case_fact_events"),
            "facts_mb": await conn.fetchval("SELECT pg_total_relation_size('case_facts') / 1048576.0"),
            "events_mb": await conn.fetchval("SELECT pg_total_relation_size('case_fact_events') / 1048576.0"),
        }
    finally:
        await conn.close()


async def explain(dsn: str, kommune: str, period: Period, now: datetime) -> str:
    cohort = (kommune, period.start, period.end, None)
    earlier = period.year_earlier()
    plans = {
        "dimensions (received, distributions, remands)": (queries.DIMENSIONS_QUERY, cohort),
        "days per phase, cumulative days of the remanded": (queries.DAYS_QUERY, (*cohort, now.date())),
        "previous year": (queries.PREVIOUS_QUERY, (kommune, earlier.start, earlier.end, None)),
        "klagepunkt categories": (queries.CATEGORIES_QUERY, cohort),
        "events (udfald, frister)": (queries.EVENTS_QUERY, (*cohort, queries.EVENTS)),
        "overdue now": (queries.OVERDUE_QUERY, (kommune, None, now)),
    }
    conn = await asyncpg.connect(dsn)
    out = []
    try:
        for name, (sql, args) in plans.items():
            async with conn.transaction():
                await conn.execute(f"SET LOCAL work_mem = '{queries.WORK_MEM}'")  # as store/statistics.py does
                rows = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *args)
            out.append(f"--- {name}\n" + "\n".join(r[0] for r in rows))
    finally:
        await conn.close()
    return "\n".join(out)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def measure(dsn: str, kommune: str, period: Period, runs: int) -> tuple[list[float], dict]:
    register = await CaseRegister.connect(dsn, max_size=2)  # the CLI's pool: both lanes of store/statistics.py
    now = datetime.now(timezone.utc)
    try:
        async def once() -> tuple[float, dict]:
            t0 = time.perf_counter()
            report = await statistics_report(
                register, kommune=kommune, unit=None, start=period.start, end=period.end, targets=Targets(), now=now
            )
            return (time.perf_counter() - t0) * 1000, report

        for _ in range(2):
            await once()
        times, report = [], {}
        for _ in range(runs):
            ms, report = await once()
            times.append(ms)
        return times, report
    finally:
        await register.close()


async def run(args: argparse.Namespace) -> int:
    keep = args.data_dir is not None
    root = Path(args.data_dir).absolute() if keep else Path(tempfile.mkdtemp(prefix="klagesag-stats-"))
    pg = LocalPostgres(root / "postgres", free_port())
    await asyncio.to_thread(pg.start)
    try:
        dsn = await migrated_database(pg, "klagesag")
        if args.reuse:
            timings = await sizes(dsn)
            log(f"reusing the {timings['facts_rows']:,} complaints already loaded in {root}")
        else:
            log(f"loading {args.cases:,} complaints over {args.years} years into {args.kommuner} kommune(r)")
            timings = await load(dsn, args.cases, args.years, args.kommuner)
            log(
            f"loaded {timings['facts_rows']:,} complaints ({timings['facts_mb']:.0f} MB) in {timings['facts']:.1f} s, "
            f"{timings['event_rows']:,} events ({timings['events_mb']:.0f} MB) in {timings['events']:.1f} s, "
            f"VACUUM ANALYZE {timings['vacuum_analyze']:.1f} s"
            )
        _, start, end = year_bounds(args.years)
        period, kommune = Period(start, end), "0101"
        times, report = await measure(dsn, kommune, period, args.runs)
        print(f"complaints in the database: {timings['facts_rows']:,}; events: {timings['event_rows']:,}")
        print(f"kommune {kommune}, {period.start} to {period.end}: {report['received']:,} complaints received "
              f"(realitet {report['realitet']:,}, formalitet {report['formalitet']:,}); "
              f"{report['ankestyrelsen_outcomes']['total']:,} Ankestyrelsen decisions; "
              f"omgørelsesprocent {report['omgoerelsesprocent']}")  # fmt: skip
        print(f"year's statistics, {args.runs} runs: p50 {percentile(times, 50):.0f} ms, "
              f"p95 {percentile(times, 95):.0f} ms, max {max(times):.0f} ms "
              f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")  # fmt: skip
        if args.explain:
            print(await explain(dsn, kommune, period, datetime.now(timezone.utc)))
        return 0
    finally:
        await asyncio.to_thread(pg.stop)
        if not keep:
            shutil.rmtree(root, ignore_errors=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.statistics", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="N complaints (default 1,000,000)")
    parser.add_argument("--years", type=int, default=5, help="spread over the last Y full years (default 5)")
    parser.add_argument("--kommuner", type=int, default=1, help="spread over K kommuner, 0101 first (default 1)")
    parser.add_argument("--runs", type=int, default=30, help="measured runs of the year's statistics (default 30)")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN (ANALYZE, BUFFERS) of each query")
    parser.add_argument("--data-dir", help="keep the cluster here (default: a temporary dir, removed afterwards)")
    parser.add_argument("--reuse", action="store_true", help="measure the complaints an earlier run left in --data-dir")
    args = parser.parse_args(argv)
    if args.reuse and not args.data_dir:
        parser.error("--reuse needs --data-dir")
    if args.cases < 1 or args.years < 2 or args.kommuner < 1 or args.runs < 1:
        parser.error("--cases, --kommuner and --runs must be at least 1, --years at least 2")
    return args


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
