"""The case register in PostgreSQL: every SQL statement klagesag runs, behind one small class.

Writes are idempotent by key (ON CONFLICT DO NOTHING, or a version guard), because an activity may run
again after a worker died between doing the work and reporting it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

import asyncpg

from store.paging import DEFAULT_LIMIT, Cursor, ListOrder, Page, encode
from store.forecast import forecast_inputs, write_steps
from store.simulation_runs import SimulationRuns
from store.statistics import aggregates

from domain import case_facts
from domain.forecast import OpenCase
from domain.stats import Aggregates, Period
from domain.models import CaseView, EscalationEntry, ForwardEntry, WarningEntry
from store import reasons
from store.sealing import new_data_key, seal, unseal


@dataclass(frozen=True)
class DigestRecipient:
    username: str
    display_name: str
    is_leder: bool
    units: list[str]
    kommune: str


@dataclass(frozen=True)
class PartyRecord:
    """Personal data of one case. Never logged, never sent to Temporal."""

    cpr: str
    name: str
    representative_name: str | None
    complaint_text: str
    late_reason: str | None
    # The representatives named after filing (representative-changed), by their number: letters carry
    # the number, so each is addressed to the representative of its moment (N15).
    representatives: dict[str, str] = field(default_factory=dict)
    # The step (its update id) each name was stored for: a step sent again after a lost answer finds its
    # name stored already instead of storing it under a second number.
    representative_keys: dict[str, int] = field(default_factory=dict)

    def representative(self, seq: int) -> str | None:
        return self.representative_name if seq == 0 else self.representatives.get(str(seq))

    @property
    def latest_representative(self) -> str | None:
        """The last representative named: the filing's, or the last change's."""
        return self.representative(len(self.representatives))


# The forwards row of a case sent to Ankestyrelsen without a genvurdering (a børne- og ungeudvalg decision, R3).
NO_GENVURDERING = "ingen_genvurdering"


@dataclass(frozen=True)
class StoredLetter:
    key: str
    kind: str
    round: int
    recipient_role: str
    subject: str
    body: str | None  # None once the citizen's data is erased: the body named them
    created_at: datetime
    delivered_at: datetime | None
    delivered_to: str | None


class PartyErased(LookupError):
    """The citizen's personal data was erased (crypto-shredded) when the retention period ended."""


_LETTER_COLUMNS = (
    "l.key, l.kind, l.round, l.recipient_role, l.subject, l.body, l.sealed_body, l.created_at, l.delivered_at, "
    "l.delivered_to, k.data_key"
)


_LIST_COLUMNS = (
    "case_id, kommune, kind, phase, round, remand_count, outcome, overdue, late, received, next_deadline_at, "
    "next_deadline_kind, last_step_at, unit, assignee"
)
# The list orders' sort keys and the open-case predicate, written exactly as the indexes of migration 006
# have them: the planner matches an expression index or a partial index only to the same text.
_OPEN = "phase NOT IN ('closed', 'withdrawn')"
_DEADLINE_KEY = "coalesce(next_deadline_at, 'infinity'::timestamptz)"  # no deadline: last
_SILENCE_KEY = "coalesce(last_step_at, '-infinity'::timestamptz)"  # no step recorded: the longest silence


@dataclass(frozen=True)
class _Sort:
    key: str
    descending: bool
    open_only: bool


_SORTS = {
    ListOrder.NEWEST: _Sort("received", descending=True, open_only=False),
    ListOrder.DEADLINE: _Sort(_DEADLINE_KEY, descending=False, open_only=True),
    ListOrder.SILENCE: _Sort(_SILENCE_KEY, descending=False, open_only=True),
}


class CaseRegister:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @classmethod
    async def connect(cls, dsn: str, *, max_size: int = 10) -> "CaseRegister":
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=max_size)
        return cls(pool)

    async def close(self) -> None:
        await self._pool.close()

    @property
    def simulation_runs(self) -> SimulationRuns:
        """The simulations started from the web (store/simulation_runs.py), on this register's pool."""
        return SimulationRuns(self._pool)

    # --- personal data ------------------------------------------------------------------------------

    async def save_party(self, case_id: str, party: PartyRecord) -> bool:
        """Store the party of a new case, sealed under a data key of its own; a second filing keeps the
        first record. True if stored now."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO party_keys (case_id, data_key) VALUES ($1, $2) ON CONFLICT (case_id) DO NOTHING",
                case_id,
                new_data_key(),
            )
            data_key = await conn.fetchval("SELECT data_key FROM party_keys WHERE case_id = $1", case_id)
            sealed = seal(data_key, json.dumps(asdict(party)).encode(), context=f"party:{case_id}")
            status = await conn.execute(
                "INSERT INTO parties (case_id, sealed) VALUES ($1, $2) ON CONFLICT (case_id) DO NOTHING",
                case_id,
                sealed,
            )
        return status.endswith(" 1")

    async def party(self, case_id: str) -> PartyRecord | None:
        """The party, unsealed; None for an unknown case; PartyErased once its key is gone."""
        row = await self._pool.fetchrow(
            """
            SELECT p.sealed, p.erased_at, k.data_key, p.cpr, p.name, p.representative_name, p.complaint_text,
                   p.late_reason
            FROM parties p LEFT JOIN party_keys k USING (case_id) WHERE p.case_id = $1
            """,
            case_id,
        )
        if row is None:
            return None
        if row["erased_at"] is not None:
            raise PartyErased(f"the personal data of case {case_id} was erased")
        if row["sealed"] is None:  # written before migration 002
            return PartyRecord(**{k: row[k] for k in ("cpr", "name", "representative_name", "complaint_text", "late_reason")})
        plain = unseal(row["data_key"], row["sealed"], context=f"party:{case_id}")
        return PartyRecord(**json.loads(plain))

    async def add_representative(self, case_id: str, name: str, *, key: str | None = None) -> int:
        """Seal a new representative's name into the party's record; its number (1, 2, ...). With the step's
        `key` (its update id) a second call for the same step returns the first call's number."""
        async with self._pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                "SELECT p.sealed, k.data_key FROM parties p JOIN party_keys k USING (case_id) "
                "WHERE p.case_id = $1 AND p.erased_at IS NULL FOR UPDATE OF p",
                case_id,
            )
            if row is None or row["sealed"] is None:
                raise PartyErased(f"case {case_id} has no sealed party record to add a representative to")
            context = f"party:{case_id}"
            party = json.loads(unseal(row["data_key"], row["sealed"], context=context))
            representatives = party.setdefault("representatives", {})
            keys = party.setdefault("representative_keys", {})
            if key is not None and key in keys:
                return keys[key]
            seq = len(representatives) + 1
            representatives[str(seq)] = name
            if key is not None:
                keys[key] = seq
            await conn.execute(
                "UPDATE parties SET sealed = $2 WHERE case_id = $1",
                case_id,
                seal(row["data_key"], json.dumps(party).encode(), context=context),
            )
        return seq

    async def erase_party(self, case_id: str, *, actor: str, reason: str) -> bool:
        """Crypto-shred the case's personal data: delete its data key (every sealed copy, backups included
        once they age out, becomes unreadable) and clear any plain columns. True if erased now."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('party_keys:' || $1))", case_id)
            status = await conn.execute(
                "INSERT INTO erasures (case_id, actor, reason) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                case_id,
                actor,
                reason,
            )
            await conn.execute("DELETE FROM party_keys WHERE case_id = $1", case_id)
            await conn.execute(
                """
                UPDATE parties SET erased_at = coalesce(erased_at, now()), cpr = NULL, name = NULL,
                       representative_name = NULL, complaint_text = NULL, late_reason = NULL
                WHERE case_id = $1
                """,
                case_id,
            )
            await conn.execute("UPDATE letters SET body = NULL WHERE case_id = $1", case_id)
            # Reasons sealed in the read model are unreadable now; those written in plain text before they
            # were sealed (migration 009) are replaced. The escalation log is append-only: its rows from
            # before migration 009 keep their plain reason (docs/operations.md, "Erasure").
            view = await conn.fetchval("SELECT view FROM cases WHERE case_id = $1 FOR UPDATE", case_id)
            if view is not None:
                await conn.execute(
                    "UPDATE cases SET view = $2::jsonb WHERE case_id = $1", case_id, reasons.erased_view_json(view)
                )
        return status.endswith(" 1")

    async def _key_for_writing(self, conn: asyncpg.Connection, case_id: str) -> bytes | None:
        """The case's data key to seal new text with; None once the case is erased (the text is then not
        stored at all). A case without a key that was never erased (filed before migration 002, or a write
        that somehow precedes `save_party`) gets its key now: `save_party` takes the same one."""
        data_key = await conn.fetchval("SELECT data_key FROM party_keys WHERE case_id = $1", case_id)
        if data_key is not None:
            return data_key
        async with conn.transaction():
            # Serialised with erase_party, so a key is never created for a case being erased.
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('party_keys:' || $1))", case_id)
            if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM erasures WHERE case_id = $1)", case_id):
                return None
            await conn.execute(
                "INSERT INTO party_keys (case_id, data_key) VALUES ($1, $2) ON CONFLICT (case_id) DO NOTHING",
                case_id,
                new_data_key(),
            )
            return await conn.fetchval("SELECT data_key FROM party_keys WHERE case_id = $1", case_id)

    # --- read model ---------------------------------------------------------------------------------

    async def save_case_view(self, view: CaseView) -> bool:
        """Upsert the read model row unless a newer version is already stored, the caseworkers' reasons
        sealed (store/reasons.py). True if written.

        When the row is written, the complaint's statistics facts (domain/case_facts.py) are written in the
        same transaction: the figures never disagree with the view they were taken from."""
        async with self._pool.acquire() as conn:
            data_key = await self._key_for_writing(conn, view.case_id)
            async with conn.transaction():
                written = await self._upsert_view(conn, view, reasons.sealed_view_json(view, data_key))
                if written:
                    await _write_facts(conn, case_facts.facts(view))
                    await write_steps(conn, view)
        return written

    @staticmethod
    async def _upsert_view(conn: asyncpg.Connection, view: CaseView, stored_json: str) -> bool:
        status = await conn.execute(
            """
            INSERT INTO cases (case_id, kommune, kind, phase, round, remand_count, outcome, overdue, late,
                               received, next_deadline_at, next_deadline_kind, last_step_at, version, view,
                               unit, assignee, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, $16, $17, now())
            ON CONFLICT (case_id) DO UPDATE SET
                phase = EXCLUDED.phase, round = EXCLUDED.round, remand_count = EXCLUDED.remand_count,
                outcome = EXCLUDED.outcome, overdue = EXCLUDED.overdue, late = EXCLUDED.late,
                next_deadline_at = EXCLUDED.next_deadline_at, next_deadline_kind = EXCLUDED.next_deadline_kind,
                last_step_at = EXCLUDED.last_step_at, version = EXCLUDED.version, view = EXCLUDED.view,
                unit = EXCLUDED.unit, assignee = EXCLUDED.assignee, updated_at = now()
            WHERE cases.version < EXCLUDED.version
            """,
            view.case_id,
            view.kommune,
            view.kind.value,
            view.phase.value,
            view.round,
            view.remand_count,
            view.outcome,
            view.overdue,
            view.late,
            view.received,
            view.next_deadline_at,
            view.next_deadline_kind,
            view.last_step_at,
            view.version,
            stored_json,
            view.unit,
            view.assignee,
        )
        return status.endswith(" 1")

    async def backfill_case_facts(self, *, batch: int = 500) -> int:
        """Write the statistics facts of every stored view that has none, or older ones (cases saved
        before migration 008, or a table emptied by hand), and the steps of those views missing from
        `case_steps`. Returns how many complaints were written."""
        written, after = 0, ""
        while True:
            async with self._pool.acquire() as conn, conn.transaction():
                rows = await conn.fetch(
                    """
                    SELECT c.case_id, c.view FROM cases c LEFT JOIN case_facts f USING (case_id)
                    WHERE c.case_id > $1 AND (f.case_id IS NULL OR f.version < c.version)
                    ORDER BY c.case_id LIMIT $2 FOR UPDATE OF c
                    """,
                    after,
                    batch,
                )
                for row in rows:
                    # The facts hold no reasons: the view is opened without its key (reasons "[slettet]").
                    view = reasons.opened_view(row["view"], None)
                    await _write_facts(conn, case_facts.facts(view))
                    await write_steps(conn, view)
            written += len(rows)
            if len(rows) < batch:
                return written
            after = rows[-1]["case_id"]

    async def statistics(self, *, kommune: str, unit: str | None, period: Period, now: datetime) -> Aggregates:
        """The counts behind the statistics report (store/statistics.py, domain/stats.py)."""
        return await aggregates(self._pool, kommune=kommune, unit=unit, period=period, now=now)

    async def forecast_inputs(self, *, kommune: str, window: tuple[date, date]) -> tuple[list[OpenCase], dict[str, int]]:
        """The kommune's open cases with a deadline and each actor's deadline steps in `window` (store/forecast.py,
        domain/forecast.py)."""
        return await forecast_inputs(self._pool, kommune=kommune, window=window)

    async def case_view(self, case_id: str) -> CaseView | None:
        """The stored view with the reasons unsealed; "[slettet]" where the case is erased."""
        row = await self._pool.fetchrow(
            "SELECT c.view, k.data_key FROM cases c LEFT JOIN party_keys k USING (case_id) WHERE c.case_id = $1",
            case_id,
        )
        return reasons.opened_view(row["view"], row["data_key"]) if row else None

    async def list_cases(
        self,
        *,
        kommune: str | None,
        order: ListOrder = ListOrder.NEWEST,
        units: list[str] | None = None,
        assignee: str | None = None,
        phase: str | None = None,
        round: int | None = None,
        law: str | None = None,
        overdue_at: datetime | None = None,
        stuck_since: datetime | None = None,
        after: Cursor | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> Page:
        """One page of cases for worklists and supervisors, in `order` (store/paging.py), after the
        cursor `after`. `kommune` None lists every kommune (tools only: people see their own kommune's).

        Each list is served in order by an index of migration 006, so a page reads about `limit` rows
        however many cases match: `units` without `assignee` takes each unit's ordered range and merges
        them; `overdue_at` takes the range of deadlines before that moment and the few flagged cases
        whose deadline has not passed (two ranges merged, since one index cannot serve an OR)."""
        sort = _SORTS[order]
        args: list[Any] = []

        def arg(value: Any) -> str:
            args.append(value)
            return f"${len(args)}"

        where = []
        if kommune is not None:
            where.append(f"kommune = {arg(kommune)}")
        per_unit = units is not None and assignee is None
        if per_unit:
            scope = arg(sorted(set(units or [])))
            where.append("unit = scope.unit_code")
        elif units is not None:
            where.append(f"unit = ANY({arg(units)}::text[])")
        if assignee is not None:
            where.append(f"assignee = {arg(assignee)}")
        if phase is not None:
            where.append(f"phase = {arg(phase)}")
        # Round and lovområde narrow a list inside its index range (a worklist's filters), no index of
        # their own: they are read from the rows the order's index already visits.
        if round is not None:
            where.append(f"round = {arg(round)}")
        if law is not None:
            where.append(f"view->>'law' = {arg(law)}")
        if sort.open_only or overdue_at is not None or stuck_since is not None:
            where.append(_OPEN)
        if stuck_since is not None:
            where.append(f"{_SILENCE_KEY} < {arg(stuck_since)}")
        if after is not None:
            beyond = "<" if sort.descending else ">"
            where.append(f"({sort.key}, case_id) {beyond} ({arg(after.key)}, {arg(after.case_id)})")
        branches = [""]
        if overdue_at is not None:
            # Flagged by the workflow's deadline timer, or past due while the worker could not flag it.
            now = arg(overdue_at)
            branches = [f" AND {_DEADLINE_KEY} < {now}", f" AND overdue AND {_DEADLINE_KEY} >= {now}"]
        direction = "DESC" if sort.descending else "ASC"
        ordered = f"ORDER BY sort_key {direction}, case_id {direction} LIMIT {arg(limit + 1)}"
        matching = " AND ".join(where or ["TRUE"])
        selects = [
            f"(SELECT {_LIST_COLUMNS}, {sort.key} AS sort_key FROM cases WHERE {matching}{branch} {ordered})"
            for branch in branches
        ]
        query = " UNION ALL ".join(selects)
        if per_unit:
            query = (
                f"SELECT page.* FROM unnest({scope}::text[]) AS scope(unit_code) "
                f"CROSS JOIN LATERAL ({query}) AS page {ordered}"
            )
        elif len(selects) > 1:
            query = f"SELECT * FROM ({query}) AS page {ordered}"
        rows = [dict(r) for r in await self._pool.fetch(query, *args)]
        next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            next_cursor = encode(Cursor(order, rows[-1]["sort_key"], rows[-1]["case_id"]))
        for row in rows:
            del row["sort_key"]
        return Page(rows, next_cursor)

    async def count_cases(self, *, kommune: str, units: list[str]) -> list[tuple[str, str | None, int]]:
        """(phase, unit, number of cases) of the units, closed cases included: the leder's figures."""
        rows = await self._pool.fetch(
            "SELECT phase, unit, count(*) AS n FROM cases WHERE kommune = $1 AND unit = ANY($2::text[]) "
            "GROUP BY phase, unit ORDER BY phase, unit",
            kommune,
            units,
        )
        return [(r["phase"], r["unit"], r["n"]) for r in rows]

    async def case_views(self, case_ids: list[str]) -> list[CaseView]:
        """The stored views of these cases, in the order asked (unknown ids left out)."""
        rows = await self._pool.fetch("SELECT case_id, view FROM cases WHERE case_id = ANY($1::text[])", case_ids)
        found = {r["case_id"]: r["view"] for r in rows}
        # For figures from timestamps and phases: opened without the cases' keys (reasons read "[slettet]").
        return [reasons.opened_view(found[c], None) for c in case_ids if c in found]

    # --- letters --------------------------------------------------------------------------------------

    async def insert_letter(
        self, *, key: str, case_id: str, round: int, kind: str, recipient_role: str, subject: str, body: str
    ) -> StoredLetter | None:
        """Store a letter once per key; its body names the citizen, so it is sealed with the case's key.
        The letter as stored when this call stored it; None when the key was stored before (`letter` then
        reads what was stored, which is what must be delivered)."""
        async with self._pool.acquire() as conn:
            data_key = await self._key_for_writing(conn, case_id)
            if data_key is None:
                raise PartyErased(f"no data key for case {case_id}: its personal data was erased")
            created_at = await conn.fetchval(
                """
                INSERT INTO letters (key, case_id, round, kind, recipient_role, subject, sealed_body)
                VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING
                RETURNING created_at
                """,
                key,
                case_id,
                round,
                kind,
                recipient_role,
                subject,
                seal(data_key, body.encode(), context=f"letter:{key}"),
            )
        if created_at is None:
            return None
        return StoredLetter(
            key=key,
            kind=kind,
            round=round,
            recipient_role=recipient_role,
            subject=subject,
            body=body,
            created_at=created_at,
            delivered_at=None,
            delivered_to=None,
        )

    async def letter(self, key: str) -> StoredLetter | None:
        row = await self._pool.fetchrow(
            f"SELECT {_LETTER_COLUMNS} FROM letters l LEFT JOIN party_keys k USING (case_id) WHERE l.key = $1",
            key,
        )
        return _stored_letter(row) if row else None

    async def mark_delivered(self, key: str, delivered_to: str) -> bool:
        """True for the one call that marked the letter delivered; False if it already was."""
        status = await self._pool.execute(
            "UPDATE letters SET delivered_at = now(), delivered_to = $2 WHERE key = $1 AND delivered_at IS NULL",
            key,
            delivered_to,
        )
        return status.endswith(" 1")

    async def letters_for(self, case_id: str) -> list[StoredLetter]:
        rows = await self._pool.fetch(
            f"SELECT {_LETTER_COLUMNS} FROM letters l LEFT JOIN party_keys k USING (case_id) "
            "WHERE l.case_id = $1 ORDER BY l.created_at, l.key",
            case_id,
        )
        return [_stored_letter(r) for r in rows]

    # --- escalations, warnings, forwards -----------------------------------------------------------------

    async def append_escalation(self, case_id: str, entry: EscalationEntry) -> bool:
        """Append to the log once per key; the reason is sealed at insert, as the log is never updated."""
        async with self._pool.acquire() as conn:
            data_key = await self._key_for_writing(conn, case_id)
            status = await conn.execute(
                """
                INSERT INTO escalations (key, case_id, route, actor, sealed_reason, automatic, occurred_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING
                """,
                entry.key,
                case_id,
                entry.route.value,
                entry.actor,
                reasons.seal_text(data_key, entry.reason, context=reasons.escalation_context(entry.key)),
                entry.automatic,
                entry.at,
            )
        return status.endswith(" 1")

    async def escalations_for(self, case_id: str) -> list[dict[str, Any]]:
        """The case's escalations, reasons unsealed ("[slettet]" once erased, also for a plain reason
        logged before migration 009)."""
        rows = await self._pool.fetch(
            """
            SELECT e.key, e.route, e.actor, e.reason, e.sealed_reason, e.automatic, e.occurred_at, e.logged_at,
                   k.data_key, x.case_id IS NOT NULL AS erased
            FROM escalations e LEFT JOIN party_keys k USING (case_id) LEFT JOIN erasures x USING (case_id)
            WHERE e.case_id = $1 ORDER BY e.id
            """,
            case_id,
        )
        return [_escalation(r) for r in rows]

    async def record_warning(self, case_id: str, entry: WarningEntry) -> bool:
        status = await self._pool.execute(
            "INSERT INTO warnings (key, case_id, kind, message, fired_at) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (key) DO NOTHING",
            entry.key,
            case_id,
            entry.kind.value,
            entry.message,
            entry.at,
        )
        return status.endswith(" 1")

    async def warnings_for(self, case_id: str) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            "SELECT key, kind, message, fired_at FROM warnings WHERE case_id = $1 ORDER BY fired_at, key",
            case_id,
        )
        return [dict(r) for r in rows]

    async def record_forward(self, case_id: str, entry: ForwardEntry) -> bool:
        status = await self._pool.execute(
            "INSERT INTO forwards (key, case_id, round, genvurdering_result, late, forwarded_at) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING",
            entry.key,
            case_id,
            entry.round,
            # A børne- og ungeudvalg decision is sent on without genvurdering (R3); the column predates it.
            entry.genvurdering_result.value if entry.genvurdering_result is not None else NO_GENVURDERING,
            entry.late,
            entry.at,
        )
        return status.endswith(" 1")

    async def forwards_for(self, case_id: str) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            "SELECT key, round, genvurdering_result, late, forwarded_at FROM forwards WHERE case_id = $1 "
            "ORDER BY round",
            case_id,
        )
        return [dict(r) for r in rows]

    # --- daily digest ---------------------------------------------------------------------------------

    async def digest_recipients(self) -> list[DigestRecipient]:
        """Active sagsbehandlere and ledere (the users table of migration 003)."""
        rows = await self._pool.fetch(
            """
            SELECT username, display_name, 'leder' = ANY(roles) AS is_leder, units, kommune FROM users
            WHERE active AND roles && ARRAY['sagsbehandler', 'leder']::text[] ORDER BY username
            """
        )
        return [
            DigestRecipient(r["username"], r["display_name"], r["is_leder"], list(r["units"]), r["kommune"]) for r in rows
        ]

    async def digest_cases(self, recipient: DigestRecipient) -> list[dict[str, Any]]:
        """Open cases of the recipient's kommune with a deadline or an overdue flag: a sagsbehandler's own,
        a leder's units'."""
        owner = "unit = ANY($1::text[])" if recipient.is_leder else "assignee = $1"
        rows = await self._pool.fetch(
            f"""
            SELECT case_id, phase, next_deadline_kind AS deadline_kind, next_deadline_at AS deadline_at, overdue
            FROM cases WHERE {owner} AND kommune = $2 AND phase NOT IN ('closed', 'withdrawn')
              AND (overdue OR next_deadline_at IS NOT NULL)
            ORDER BY next_deadline_at NULLS FIRST, case_id
            """,
            recipient.units if recipient.is_leder else recipient.username,
            recipient.kommune,
        )
        return [dict(r) for r in rows]

    async def insert_digest(self, *, key: str, username: str, day: date, subject: str, body: str, cases: int) -> bool:
        status = await self._pool.execute(
            """
            INSERT INTO digests (key, username, day, subject, body, cases) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (key) DO NOTHING
            """,
            key, username, day, subject, body, cases,
        )  # fmt: skip
        return status.endswith(" 1")

    async def mark_digest_delivered(self, key: str, where: str) -> None:
        await self._pool.execute("UPDATE digests SET delivered_to = $2 WHERE key = $1", key, where)

    async def digests_on(self, day: date) -> list[dict[str, Any]]:
        rows = await self._pool.fetch("SELECT key, username, cases, delivered_to FROM digests WHERE day = $1", day)
        return [dict(r) for r in rows]

    # --- health and metrics ---------------------------------------------------------------------------

    async def ping(self) -> None:
        """Raises unless PostgreSQL answers on a connection of the pool (readiness, workers/health.py)."""
        await self._pool.fetchval("SELECT 1")

    async def overdue_counts(self, now: datetime) -> list[tuple[str, str, int]]:
        """(kommune, phase, cases) of the open cases past a deadline: the same cases as
        `list_cases(overdue=True)`, counted for the metric klagesag_overdue_cases."""
        rows = await self._pool.fetch(
            """
            SELECT kommune, phase, count(*) AS cases FROM cases
            WHERE phase NOT IN ('closed', 'withdrawn') AND (overdue OR next_deadline_at < $1)
            GROUP BY kommune, phase
            """,
            now,
        )
        return [(r["kommune"], r["phase"], r["cases"]) for r in rows]


_PHASE_COLUMNS = tuple(f"days_{phase.value}" for phase in case_facts.TIMED_PHASES)


async def _write_facts(conn: asyncpg.Connection, facts: case_facts.CaseFacts) -> None:
    """Replace one complaint's row in `case_facts` and its rows in `case_fact_events`."""
    columns = (
        "case_id, kommune, received, kind, unit, channel, klaget_til, law, paragraph, phase, is_open, overdue, "
        "next_deadline_at, outcome, rounds, remand_count, closed_on, klagepunkter, klagepunkt_categories, returning_complainant, "
        "version, "
        + ", ".join(_PHASE_COLUMNS)
    )
    names = [c.strip() for c in columns.split(",")]
    placeholders = ", ".join(f"${i}" for i in range(1, len(names) + 1))
    updates = ", ".join(f"{n} = EXCLUDED.{n}" for n in names if n != "case_id")
    await conn.execute(
        f"INSERT INTO case_facts ({columns}) VALUES ({placeholders}) ON CONFLICT (case_id) DO UPDATE SET {updates}",
        facts.case_id, facts.kommune, facts.received, facts.kind, facts.unit, facts.channel, facts.klaget_til,
        facts.law, facts.paragraph, facts.phase, facts.is_open, facts.overdue, facts.next_deadline_at,
        facts.outcome, facts.rounds, facts.remand_count, facts.closed_on, facts.klagepunkter,
        facts.klagepunkt_categories, facts.returning, facts.version,
        *(facts.phase_days.get(phase.value) for phase in case_facts.TIMED_PHASES),
    )  # fmt: skip
    await conn.execute("DELETE FROM case_fact_events WHERE case_id = $1", facts.case_id)
    if facts.events:
        await conn.executemany(
            "INSERT INTO case_fact_events (case_id, kommune, unit, kind, event, round, on_date, outcome, on_time) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            [
                (facts.case_id, facts.kommune, facts.unit, facts.kind, e.event, e.round, e.on_date, e.outcome, e.on_time)
                for e in facts.events
            ],
        )


def _escalation(row: asyncpg.Record) -> dict[str, Any]:
    if row["sealed_reason"] is not None:
        reason = reasons.open_text(row["data_key"], row["sealed_reason"], context=reasons.escalation_context(row["key"]))
    elif row["reason"] is None or row["erased"]:
        reason = reasons.ERASED
    else:
        reason = row["reason"]  # logged in plain text before migration 009
    return {"key": row["key"], "route": row["route"], "actor": row["actor"], "reason": reason,
            "automatic": row["automatic"], "occurred_at": row["occurred_at"], "logged_at": row["logged_at"]}


def _stored_letter(row: asyncpg.Record) -> StoredLetter:
    fields = {k: row[k] for k in ("key", "kind", "round", "recipient_role", "subject", "created_at", "delivered_at", "delivered_to")}
    body = row["body"]
    if row["sealed_body"] is not None and row["data_key"] is not None:
        body = unseal(row["data_key"], row["sealed_body"], context=f"letter:{row['key']}").decode()
    return StoredLetter(body=body, **fields)
