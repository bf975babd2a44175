"""Applies the SQL migrations in `store/migrations/` once each, in order, under an advisory lock."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

import asyncpg

if TYPE_CHECKING:
    from deploy.postgres import LocalPostgres

_LOCK_ID = 0x6B6C6167  # any constant: serialises concurrent migrators (two workers starting at once)


def _migrations() -> list[tuple[str, str]]:
    folder = resources.files("store") / "migrations"
    files = sorted(f for f in folder.iterdir() if f.name.endswith(".sql"))
    return [(f.name.removesuffix(".sql"), f.read_text(encoding="utf-8")) for f in files]


async def apply_migrations(dsn: str) -> list[str]:
    """Bring the database at `dsn` up to date; return the versions applied now."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_ID)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}
        applied = []
        for version, sql in _migrations():
            if version in done:
                continue
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute("INSERT INTO schema_migrations (version) VALUES ($1)", version)
            applied.append(version)
        return applied
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_ID)
        await conn.close()


async def migrated_database(postgres: LocalPostgres, name: str) -> str:
    """The database `name` on a local PostgreSQL, created unless it exists and brought up to date; its DSN."""
    await postgres.create_database(name)
    dsn = postgres.dsn(name)
    await apply_migrations(dsn)
    return dsn
