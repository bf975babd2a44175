"""The statistics' queries: counts over the narrow tables of migration 008 (`case_facts`, one row per
complaint; `case_fact_events`, one row per genvurdering, Ankestyrelsen decision, aktindsigt answer due or
answer to formal klagepunkter),
handed to domain/stats.py as an `Aggregates`.

Every query is bounded by kommune and a date range and is an index-only scan (the indexes of migration
008 cover the columns read here), so a year is one contiguous range of narrow index entries however the
rows lie in the table; nothing reads the views' jsonb. Each query asks only for count(*) per group: a
count is far cheaper than the FILTER aggregates it replaced, whose cost PostgreSQL pays once per grouping
set. The queries run in two lanes on two connections sharing one snapshot (pg_export_snapshot), so the
figures agree with each other as of one instant while the second core works too. bench/statistics.py
measures it all at 1,000,000 complaints.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

import asyncpg

from domain.case_facts import NOT_REGISTERED, TIMED_PHASES, local_date
from domain.stats import Aggregates, Period

# A complaint of the period (and unit): $1 kommune, $2 first day, $3 last day, $4 unit or NULL for all.
_COHORT = "kommune = $1 AND received BETWEEN $2 AND $3 AND ($4::text IS NULL OR unit = $4)"
_DAYS = tuple(f"days_{p.value}" for p in TIMED_PHASES)

# Grouping sets over one scan; GROUPING(...) tells which set a row belongs to. The last set counts the
# combinations of four small columns at once (a few hundred), which is cheaper than four sets.
DIMENSION_COLUMNS = (
    "kind", "unit", "klaget_til", "law", "channel", "paragraph", "remand_count", "rounds", "phase", "klagepunkter", "returning_complainant",
)  # fmt: skip
DIMENSIONS_QUERY = f"""
SELECT {", ".join(DIMENSION_COLUMNS)}, GROUPING({", ".join(DIMENSION_COLUMNS)}) AS grouping, count(*) AS n
FROM case_facts WHERE {_COHORT}
GROUP BY GROUPING SETS ((kind, unit, klaget_til, law, channel), (kind, law, paragraph),
                        (remand_count, rounds, phase, klagepunkter, returning_complainant))
"""

# A histogram of days per phase, and of the cumulative days of the remanded complaints ($5: today, for the
# open ones).
DAYS_COLUMNS = (*_DAYS, "remanded_days")
DAYS_QUERY = f"""
SELECT {", ".join(DAYS_COLUMNS)}, GROUPING({", ".join(DAYS_COLUMNS)}) AS grouping, count(*) AS n
FROM (
    SELECT {", ".join(_DAYS)}, CASE WHEN remand_count > 0 THEN coalesce(closed_on, $5) - received END AS remanded_days
    FROM case_facts WHERE {_COHORT}
) AS cohort
GROUP BY GROUPING SETS ({", ".join(f"({c})" for c in DAYS_COLUMNS)})
"""

PREVIOUS_QUERY = f"SELECT kind, count(*) AS n FROM case_facts WHERE {_COHORT} GROUP BY kind"

CATEGORIES_QUERY = f"""
SELECT category, count(*) AS n
FROM case_facts CROSS JOIN LATERAL unnest(klagepunkt_categories) AS category
WHERE {_COHORT} AND klagepunkt_categories IS NOT NULL
GROUP BY category
"""

EVENTS_QUERY = """
SELECT event, outcome, on_time, count(*) AS n
FROM case_fact_events
WHERE kommune = $1 AND event = ANY($5::text[]) AND on_date BETWEEN $2 AND $3 AND ($4::text IS NULL OR unit = $4)
GROUP BY event, outcome, on_time
"""
EVENTS = ["genvurdering", "ankestyrelsen", "aktindsigt", "formal_answer"]

OVERDUE_QUERY = """
SELECT count(*) FROM case_facts
WHERE kommune = $1 AND is_open AND ($2::text IS NULL OR unit = $2) AND (overdue OR next_deadline_at < $3)
"""

# Room for the hash tables of the grouping sets: with the default 4 MB PostgreSQL sorts a year of rows on
# disk for some of them (bench/statistics.py at 1,000,000 complaints: 765 ms against 650 ms).
WORK_MEM = "64MB"


def _grouped(grouping: int, columns: tuple[str, ...], column: str) -> bool:
    """Whether `column` is in the grouping set of a row (GROUPING() sets the bit of each column *not* in it,
    the first argument the highest bit)."""
    bit = len(columns) - 1 - columns.index(column)
    return not grouping >> bit & 1


def _dimension_key(dimension: str, row: Any) -> str:
    if dimension == "paragraph":
        return row["law"] if row["paragraph"] == NOT_REGISTERED else f"{row['law']} {row['paragraph']}"
    return row[dimension] or NOT_REGISTERED  # a complaint without a unit


def _count(a: Aggregates, dimension: str, key: str, kind: str, n: int) -> None:
    counts = a.by.setdefault(dimension, {})
    counts[(key, kind)] = counts.get((key, kind), 0) + n


def _add_dimensions(a: Aggregates, rows: list[asyncpg.Record]) -> None:
    def grouped(row: asyncpg.Record, column: str) -> bool:
        return _grouped(row["grouping"], DIMENSION_COLUMNS, column)

    for row in rows:
        n = row["n"]
        if grouped(row, "klaget_til"):
            kind = row["kind"]
            a.received[kind] = a.received.get(kind, 0) + n
            for dimension in ("klaget_til", "unit", "law", "channel"):
                _count(a, dimension, _dimension_key(dimension, row), kind, n)
        elif grouped(row, "paragraph"):
            _count(a, "paragraph", _dimension_key("paragraph", row), row["kind"], n)
        else:  # (remand_count, rounds, phase, klagepunkter, returning_complainant)
            remands, rounds, phase, klagepunkter = row["remand_count"], row["rounds"], row["phase"], row["klagepunkter"]
            a.remands[remands] = a.remands.get(remands, 0) + n
            if rounds > 1:
                a.complaints_with_later_rounds += n
                a.later_rounds += (rounds - 1) * n
            if phase == "withdrawn":
                a.withdrawn += n
            elif phase != "closed":
                a.still_open += n
            if klagepunkter is not None:
                a.klagepunkter_complaints += n
                a.klagepunkter_total += klagepunkter * n
            if row["returning_complainant"]:
                a.returning_complaints += n


def _add_days(a: Aggregates, rows: list[asyncpg.Record]) -> None:
    for row in rows:
        for column in DAYS_COLUMNS:
            if _grouped(row["grouping"], DAYS_COLUMNS, column) and row[column] is not None:
                if column == "remanded_days":
                    a.remanded_days[row[column]] = row["n"]
                else:
                    a.phase_days.setdefault(column.removeprefix("days_"), {})[row[column]] = row["n"]


Query = Callable[[asyncpg.Connection], Awaitable[None]]


async def aggregates(
    pool: asyncpg.Pool, *, kommune: str, unit: str | None, period: Period, now: datetime
) -> Aggregates:
    """The counts of domain/stats.py for one kommune (and unit) and period; `now` decides what is overdue
    and how long an open remanded complaint has run."""
    a = Aggregates()
    cohort = (kommune, period.start, period.end, unit)
    earlier = period.year_earlier()
    today: date = local_date(now)

    async def dimensions(conn: asyncpg.Connection) -> None:
        _add_dimensions(a, await conn.fetch(DIMENSIONS_QUERY, *cohort))

    async def days(conn: asyncpg.Connection) -> None:
        _add_days(a, await conn.fetch(DAYS_QUERY, *cohort, today))

    async def previous(conn: asyncpg.Connection) -> None:
        for row in await conn.fetch(PREVIOUS_QUERY, kommune, earlier.start, earlier.end, unit):
            a.previous[row["kind"]] = row["n"]

    async def categories(conn: asyncpg.Connection) -> None:
        for row in await conn.fetch(CATEGORIES_QUERY, *cohort):
            a.klagepunkt_categories[row["category"]] = row["n"]

    async def events(conn: asyncpg.Connection) -> None:
        for row in await conn.fetch(EVENTS_QUERY, *cohort, EVENTS):
            a.events[(row["event"], row["outcome"], row["on_time"])] = row["n"]

    async def overdue(conn: asyncpg.Connection) -> None:
        a.overdue_now = await conn.fetchval(OVERDUE_QUERY, kommune, unit, now)

    # Two lanes of about equal work (measured at 1,000,000 complaints).
    await in_one_snapshot(pool, [dimensions, categories, overdue], [days, previous, events])
    return a


async def in_one_snapshot(pool: asyncpg.Pool, lead: list[Query], helper: list[Query]) -> None:
    """Run `lead` on one connection and `helper` on a second at the same time, both in read-only
    transactions on the same snapshot; on one connection in turn when the pool has only one."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        await conn.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        if pool.get_max_size() < 2:
            for query in (*lead, *helper):
                await query(conn)
            return
        snapshot = await conn.fetchval("SELECT pg_export_snapshot()")

        async def second_lane() -> None:
            async with pool.acquire() as other, other.transaction(isolation="repeatable_read", readonly=True):
                await other.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                await other.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
                for query in helper:
                    await query(other)

        async def first_lane() -> None:
            for query in lead:
                await query(conn)

        async with asyncio.TaskGroup() as lanes:  # a failing lane cancels the other before the snapshot goes
            lanes.create_task(first_lane())
            lanes.create_task(second_lane())
