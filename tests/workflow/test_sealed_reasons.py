"""Caseworkers' reasons are sealed with the case's key: readable while the case lives, gone after erasure."""

from __future__ import annotations

import uuid
from datetime import timedelta

import asyncpg

from casework import operations
from store import reasons
from tests.workflow.harness import Case, Harness

# Every column PostgreSQL could keep a text in, scanned whole: no table is assumed to be the only one.
_SEARCHABLE = ("text", "character varying", "jsonb", "json", "ARRAY", "bytea")


async def tables_holding(database_url: str, needle: str) -> list[str]:
    """`table.column` of every column in the database whose value contains `needle`."""
    conn = await asyncpg.connect(database_url)
    try:
        columns = await conn.fetch(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type = ANY($1::text[])",
            list(_SEARCHABLE),
        )
        found = []
        for c in columns:
            column = f'"{c["table_name"]}"."{c["column_name"]}"'
            if c["data_type"] == "bytea":
                match = f"position(convert_to($1, 'UTF8') in {column}) > 0"
            else:
                match = f"strpos({column}::text, $1) > 0"
            if await conn.fetchval(f'SELECT count(*) FROM "{c["table_name"]}" WHERE {match}', needle):
                found.append(f"{c['table_name']}.{c['column_name']}")
        return found
    finally:
        await conn.close()


def words(label: str) -> str:
    """A reason no other test or template could contain."""
    return f"Helbred {label} {uuid.uuid4().hex}"


async def _closed_and_escalated(harness: Harness) -> tuple[Case, dict[str, str]]:
    case = await harness.file()
    said = {name: words(name) for name in ("aktindsigt", "svar", "genvurdering", "ombudsmand")}
    await case.step("aktindsigt-requested", reason=said["aktindsigt"])
    await case.step("aktindsigt-answered", reason=said["svar"])
    await case.step("genvurdering", result="fastholdt", reason=said["genvurdering"])
    await case.step("ankestyrelsen-received", journal_number="26-000501")
    await case.step("ankestyrelsen-outcome", outcome="stadfaestet")
    await case.step("escalate", route="ombudsmand", reason=said["ombudsmand"])
    await case.settled()
    return case, said


async def _erase(harness: Harness, case: Case) -> None:
    later = await harness.now() + timedelta(days=harness.settings.retention_days + 1)
    await operations.erase_personal_data(
        harness.register, harness.settings, case.id, actor="dpo", reason="Opbevaringsperioden er udløbet", now=later
    )


async def test_reasons_read_back_as_typed_while_the_case_lives(harness: Harness) -> None:
    case, said = await _closed_and_escalated(harness)

    shown = await operations.show_case(harness.register, case.id)

    by_step = {entry["step"]: entry["reason"] for entry in shown["history"]}
    assert by_step["aktindsigt-requested"] == said["aktindsigt"]
    assert by_step["genvurdering"] == said["genvurdering"]
    assert [e["reason"] for e in shown["escalations"]] == [said["ombudsmand"]]
    assert [e.reason for e in (await harness.register.case_view(case.id)).escalations] == [said["ombudsmand"]]


async def test_reasons_are_stored_sealed_not_in_plain_text(harness: Harness, database_url: str) -> None:
    case, said = await _closed_and_escalated(harness)
    for text in said.values():
        assert await tables_holding(database_url, text) == [], text
    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow("SELECT reason, sealed_reason FROM escalations WHERE case_id = $1", case.id)
    finally:
        await conn.close()
    assert row["reason"] is None and row["sealed_reason"] is not None


async def test_after_erasure_no_reason_remains_anywhere_in_postgresql(harness: Harness, database_url: str) -> None:
    case, said = await _closed_and_escalated(harness)
    before = await operations.show_case(harness.register, case.id)

    await _erase(harness, case)

    for text in said.values():
        assert await tables_holding(database_url, text) == [], text
    # Nor in what a reader gets: the placeholder, with every entry still counted.
    after = await operations.show_case(harness.register, case.id)
    assert len(after["history"]) == len(before["history"])
    assert {entry["reason"] for entry in after["history"]} == {reasons.ERASED}
    assert [(e["route"], e["reason"]) for e in after["escalations"]] == [("ombudsmand", reasons.ERASED)]
    assert [e.reason for e in (await harness.register.case_view(case.id)).escalations] == [reasons.ERASED]


async def test_a_view_the_workflow_writes_after_erasure_keeps_no_text(harness: Harness, database_url: str) -> None:
    # The workflow of a closed case lives on for onward escalation and may write its view again.
    case, said = await _closed_and_escalated(harness)
    await _erase(harness, case)
    live = await case.view()

    assert await harness.register.save_case_view(live.model_copy(update={"version": live.version + 1}))

    assert await tables_holding(database_url, said["genvurdering"]) == []
    stored = await harness.register.case_view(case.id)
    assert stored is not None and stored.version == live.version + 1
    assert {entry.reason for entry in stored.history} == {reasons.ERASED}
    # The key is not brought back by the write: the erasure stands.
    conn = await asyncpg.connect(database_url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM party_keys WHERE case_id = $1", case.id) == 0
    finally:
        await conn.close()


async def test_reasons_written_in_plain_text_before_sealing_stay_readable(harness: Harness, database_url: str) -> None:
    case = await harness.file()
    old = words("gammel")
    conn = await asyncpg.connect(database_url)
    try:
        # As migration 005 left them: a plain string in the view, a plain reason in the escalation log.
        await conn.execute(
            "UPDATE cases SET view = jsonb_set(view, '{history,0,reason}', to_jsonb($2::text)) WHERE case_id = $1",
            case.id,
            old,
        )
        await conn.execute(
            "INSERT INTO escalations (key, case_id, route, actor, reason, automatic, occurred_at) "
            "VALUES ($1, $2, 'leder', 'sb01', $3, false, now())",
            f"{case.id}:e-old",
            case.id,
            old,
        )
    finally:
        await conn.close()

    view = await harness.register.case_view(case.id)
    assert view is not None and view.history[0].reason == old
    assert [e["reason"] for e in await harness.register.escalations_for(case.id)] == [old]


async def test_a_case_without_a_key_gets_one_when_a_reason_is_written(harness: Harness, database_url: str) -> None:
    # A case filed before personal data was sealed (migration 002) has no key; its next write makes one.
    case = await harness.file()
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("DELETE FROM party_keys WHERE case_id = $1", case.id)
        live = await case.view()
        said = words("nøgle")
        entry = live.history[0].model_copy(update={"reason": said})
        newer = live.model_copy(update={"version": live.version + 1, "history": [entry]})

        assert await harness.register.save_case_view(newer)

        assert await conn.fetchval("SELECT count(*) FROM party_keys WHERE case_id = $1", case.id) == 1
    finally:
        await conn.close()
    assert await tables_holding(database_url, said) == []
    view = await harness.register.case_view(case.id)
    assert view is not None and view.history[0].reason == said


async def test_erasure_replaces_plain_reasons_in_the_view_but_cannot_touch_the_append_only_log(
    harness: Harness, database_url: str
) -> None:
    case = await harness.file()
    old = words("gammel")
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(
            "UPDATE cases SET view = jsonb_set(view, '{history,0,reason}', to_jsonb($2::text)) WHERE case_id = $1",
            case.id,
            old,
        )
        await conn.execute(
            "INSERT INTO escalations (key, case_id, route, actor, reason, automatic, occurred_at) "
            "VALUES ($1, $2, 'leder', 'sb01', $3, false, now())",
            f"{case.id}:e-old",
            case.id,
            old,
        )
    finally:
        await conn.close()

    await harness.register.erase_party(case.id, actor="dpo", reason="Opbevaringsperioden er udløbet")

    # The log's rows from before migration 009 keep their bytes (docs/operations.md); no reader sees them.
    assert await tables_holding(database_url, old) == ["escalations.reason"]
    assert [e["reason"] for e in await harness.register.escalations_for(case.id)] == [reasons.ERASED]
    view = await harness.register.case_view(case.id)
    assert view is not None and view.history[0].reason == reasons.ERASED
