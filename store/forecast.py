"""The breach forecast's reads (domain/forecast.py): a kommune's open cases with their next deadline and
owner, from the indexed columns of `cases`, and each actor's deadline steps in the pace window, from the
narrow `case_steps` table of migration 011; and the writing of that table.

Both reads run in one read-only transaction, so the queues and the paces are of the same instant. Neither
reads the views' jsonb. The open cases are every one of the kommune (a sagsbehandler's queue crosses
units); the unit filter is applied to what is reported, in domain/forecast.py.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import asyncpg

from domain.deadlines import COPENHAGEN
from domain.forecast import DEADLINE_STEPS, OpenCase
from domain.models import CaseView
from domain.vocabulary import DeadlineName, Phase

# Written as the deadline indexes of migration 006 have the open-case predicate.
OPEN_CASES_QUERY = """
SELECT case_id, phase, unit, assignee, next_deadline_kind, next_deadline_at FROM cases
WHERE kommune = $1 AND phase NOT IN ('closed', 'withdrawn') AND next_deadline_at IS NOT NULL
"""

PACE_QUERY = """
SELECT actor, count(*) AS n FROM case_steps
WHERE kommune = $1 AND at >= $2 AND at < $3 AND step = ANY($4::text[])
GROUP BY actor
"""


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=COPENHAGEN)


async def forecast_inputs(
    pool: asyncpg.Pool, *, kommune: str, window: tuple[date, date]
) -> tuple[list[OpenCase], dict[str, int]]:
    """The kommune's open cases with a deadline, and each actor's deadline steps on the days of `window`
    (both included, Copenhagen's calendar)."""
    first, last = window
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        rows = await conn.fetch(OPEN_CASES_QUERY, kommune)
        steps = await conn.fetch(PACE_QUERY, kommune, _midnight(first), _midnight(last + timedelta(days=1)), list(DEADLINE_STEPS))
    cases = [
        OpenCase(
            case_id=r["case_id"], phase=Phase(r["phase"]), unit=r["unit"], assignee=r["assignee"],
            deadline_kind=DeadlineName(r["next_deadline_kind"]) if r["next_deadline_kind"] else None,
            deadline_at=r["next_deadline_at"],
        )  # fmt: skip
        for r in rows
    ]
    return cases, {r["actor"]: r["n"] for r in steps}


async def write_steps(conn: asyncpg.Connection, view: CaseView) -> None:
    """Add the view's history entries not stored yet (the history only grows; an entry never changes)."""
    if not view.history:
        return
    entries = view.history
    await conn.execute(
        """
        INSERT INTO case_steps (case_id, seq, kommune, step, actor, at)
        SELECT $1, seq, $2, step, actor, at
        FROM unnest($3::integer[], $4::text[], $5::text[], $6::timestamptz[]) AS e(seq, step, actor, at)
        ON CONFLICT (case_id, seq) DO NOTHING
        """,
        view.case_id, view.kommune, [e.seq for e in entries], [e.step for e in entries], [e.actor for e in entries],
        [e.at for e in entries],
    )  # fmt: skip

