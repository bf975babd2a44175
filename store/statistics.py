"""The statistics' queries: counts over the narrow tables of migration 008 (`case_facts`, one row per
complaint; `case_fact_events`, one row per genvurdering, Ankestyrelsen decision or aktindsigt answer due),
handed to domain/stats.py as an `Aggregates`. Every query is bounded by kommune and a date range on an
index; nothing reads the views' jsonb, so a year of a large kommune is a few scans of narrow rows
(bench/statistics.py measures it at 1,000,000 complaints).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from domain.case_facts import NOT_REGISTERED, TIMED_PHASES, local_date
from domain.stats import DIMENSIONS, Aggregates, Period

# A complaint of the period (and unit): $1 kommune, $2 first day, $3 last day, $4 unit or NULL for all.
_COHORT = "kommune = $1 AND received BETWEEN $2 AND $3 AND ($4::text IS NULL OR unit = $4)"

_GROUPS = {  # dimension -> the columns grouped by, besides kind
    "klaget_til": "klaget_til",
    "unit": "unit",
    "law": "law",
    "paragraph": "law, paragraph",
    "channel": "channel",
}

COHORT_QUERY = f"""
SELECT kind, klaget_til, unit, law, paragraph, channel, remand_count,
       GROUPING(klaget_til, unit, law, paragraph, channel, remand_count) AS grouping,
       count(*) AS n,
       count(*) FILTER (WHERE rounds > 1) AS with_later_rounds,
       coalesce(sum(rounds - 1), 0) AS later_rounds,
       count(*) FILTER (WHERE phase = 'withdrawn') AS withdrawn,
       count(*) FILTER (WHERE is_open) AS still_open,
       count(klagepunkter) AS with_klagepunkter,
       coalesce(sum(klagepunkter), 0) AS klagepunkter
FROM case_facts WHERE {_COHORT}
GROUP BY GROUPING SETS ((kind), {", ".join(f"(kind, {cols})" for cols in _GROUPS.values())}, (remand_count))
"""

# Bit of GROUPING(...) set when the column is *not* grouped, by column (first argument is the high bit).
_GROUPING_COLUMNS = ("klaget_til", "unit", "law", "paragraph", "channel", "remand_count")

PREVIOUS_QUERY = f"SELECT kind, count(*) AS n FROM case_facts WHERE {_COHORT} GROUP BY kind"

PHASE_DAYS_QUERY = f"""
SELECT stay.phase, stay.days, count(*) AS n
FROM case_facts CROSS JOIN LATERAL (VALUES {", ".join(f"('{p.value}', days_{p.value})" for p in TIMED_PHASES)}) AS stay (phase, days)
WHERE {_COHORT} AND stay.days IS NOT NULL
GROUP BY stay.phase, stay.days
"""

REMANDED_DAYS_QUERY = f"""
SELECT coalesce(closed_on, $5) - received AS days, count(*) AS n
FROM case_facts WHERE {_COHORT} AND remand_count > 0
GROUP BY 1
"""

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

OVERDUE_QUERY = """
SELECT count(*) FROM case_facts
WHERE kommune = $1 AND is_open AND ($2::text IS NULL OR unit = $2) AND (overdue OR next_deadline_at < $3)
"""


def _not_grouped(grouping: int, column: str) -> bool:
    bit = len(_GROUPING_COLUMNS) - 1 - _GROUPING_COLUMNS.index(column)
    return bool(grouping >> bit & 1)


def _dimension_key(dimension: str, row: Any) -> str:
    if dimension == "paragraph":
        return row["law"] if row["paragraph"] == NOT_REGISTERED else f"{row['law']} {row['paragraph']}"
    return row[dimension] or NOT_REGISTERED  # a case without a unit


async def aggregates(
    conn: asyncpg.Connection | asyncpg.Pool, *, kommune: str, unit: str | None, period: Period, now: datetime
) -> Aggregates:
    """The counts of domain/stats.py for one kommune (and unit) and period; `now` decides what is overdue
    and how long an open remanded complaint has run."""
    a = Aggregates()
    cohort = (kommune, period.start, period.end, unit)
    for row in await conn.fetch(COHORT_QUERY, *cohort):
        g, kind, n = row["grouping"], row["kind"], row["n"]
        if _not_grouped(g, "remand_count"):  # a kind set: (kind) or (kind, dimension)
            grouped = [d for d in DIMENSIONS if not _not_grouped(g, d)]
            if not grouped:
                a.received[kind] = n
                a.complaints_with_later_rounds += row["with_later_rounds"]
                a.later_rounds += row["later_rounds"]
                a.withdrawn += row["withdrawn"]
                a.still_open += row["still_open"]
                a.klagepunkter_complaints += row["with_klagepunkter"]
                a.klagepunkter_total += row["klagepunkter"]
                continue
            dimension = "paragraph" if "paragraph" in grouped else grouped[0]
            key = _dimension_key(dimension, row)
            counts = a.by.setdefault(dimension, {})
            counts[(key, kind)] = counts.get((key, kind), 0) + n
        else:
            a.remands[row["remand_count"]] = n
    earlier = period.year_earlier()
    for row in await conn.fetch(PREVIOUS_QUERY, kommune, earlier.start, earlier.end, unit):
        a.previous[row["kind"]] = row["n"]
    for row in await conn.fetch(PHASE_DAYS_QUERY, *cohort):
        a.phase_days.setdefault(row["phase"], {})[row["days"]] = row["n"]
    for row in await conn.fetch(REMANDED_DAYS_QUERY, *cohort, local_date(now)):
        a.remanded_days[row["days"]] = row["n"]
    for row in await conn.fetch(CATEGORIES_QUERY, *cohort):
        a.klagepunkt_categories[row["category"]] = row["n"]
    events = ["genvurdering", "ankestyrelsen", "aktindsigt"]
    for row in await conn.fetch(EVENTS_QUERY, *cohort, events):
        a.events[(row["event"], row["outcome"], row["on_time"])] = row["n"]
    a.overdue_now = await conn.fetchval(OVERDUE_QUERY, kommune, unit, now)
    return a
