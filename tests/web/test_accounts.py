"""The account store on its own: the access log is append-only, seeding is idempotent, users and units
are checked."""

from __future__ import annotations

import asyncpg
import pytest

from store.accounts import AccountError, AccountStore, Role, demo_seed_path, demo_users


async def test_the_access_log_is_append_only(accounts: AccountStore, database_url: str):
    leder = await accounts.user("leder")
    await accounts.log_access(leder, "KS-0101-TEST", "page", "sag")
    await accounts.log_access(leder, "KS-0101-TEST", "letter", "brev kvittering")
    await accounts.log_access(leder, "KS-0101-OTHER", "api", "sag")
    entries = await accounts.access_log_for("KS-0101-TEST")
    assert [(e.username, e.purpose, e.what) for e in entries] == [
        ("leder", "page", "sag"),
        ("leder", "letter", "brev kvittering"),
    ]

    conn = await asyncpg.connect(database_url)
    try:
        for statement in (
            "UPDATE access_log SET what = 'x'",
            "DELETE FROM access_log WHERE case_id = 'KS-0101-TEST'",
            "TRUNCATE access_log",
        ):
            with pytest.raises(asyncpg.RaiseError, match="append-only"):
                await conn.execute(statement)
        assert await conn.fetchval("SELECT count(*) FROM access_log") == 3
    finally:
        await conn.close()


async def test_a_purpose_outside_the_list_is_refused(accounts: AccountStore, database_url: str):
    leder = await accounts.user("leder")
    with pytest.raises(ValueError):
        await accounts.log_access(leder, "KS-1", "curiosity", "sag")
    conn = await asyncpg.connect(database_url)
    try:
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute(
                "INSERT INTO access_log (user_id, username, case_id, purpose, what) VALUES ($1, 'leder', 'KS-1', 'x', 'y')",
                leder.id,
            )
    finally:
        await conn.close()


async def test_seeding_is_idempotent_and_keeps_changed_passwords(accounts: AccountStore):
    # The fixture seeded once already.
    await accounts.update_user("sb-ydelse", password="changed-since-1")
    report = await accounts.seed_from_file(demo_seed_path())
    assert report.units == 0 and report.users_created == []
    assert (await accounts.authenticate("sb-ydelse", "changed-since-1")).ok
    assert not (await accounts.authenticate("sb-ydelse", "demo-ydelse-1")).ok

    users = await accounts.users(kommune="0101")
    assert {u.username for u in users} == {u.username for u in demo_users()}
    sb = next(u for u in users if u.username == "sb-ydelse")
    assert sb.roles == {Role.SAGSBEHANDLER} and sb.units == ("ydelse",) and sb.forvaltninger == ("SOF",)
    assert [u.code for u in await accounts.units()] == ["handicap", "ydelse"]


async def test_passwords_are_stored_as_argon2id_hashes(accounts: AccountStore, database_url: str):
    conn = await asyncpg.connect(database_url)
    try:
        hashes = await conn.fetch("SELECT username, password_hash FROM users")
    finally:
        await conn.close()
    passwords = {u.username: u.password for u in demo_users()}
    for row in hashes:
        assert row["password_hash"].startswith("$argon2id$")
        assert passwords[row["username"]] not in row["password_hash"]


async def test_demo_users_cover_every_role_and_unit():
    users = demo_users()
    assert {r for u in users for r in u.roles} == {r.value for r in Role}
    caseworkers = [u for u in users if u.roles == ("sagsbehandler",)]
    assert sorted(u for c in caseworkers for u in c.units) == ["handicap", "ydelse"]
    assert all(u.password for u in users)


async def test_users_and_units_are_checked(accounts: AccountStore):
    with pytest.raises(AccountError, match="unknown unit"):
        await accounts.create_user(username="ny", display_name="Ny", roles=["sagsbehandler"], kommune="0101", units=["nope"])
    with pytest.raises(AccountError, match="taken"):
        await accounts.create_user(username="Leder", display_name="Igen", roles=["leder"], kommune="0101")
    with pytest.raises(AccountError, match="username"):
        await accounts.create_user(username="has space", display_name="X", roles=[], kommune="0101")
    with pytest.raises(ValueError):
        await accounts.create_user(username="boss", display_name="X", roles=["boss"], kommune="0101")
    created = await accounts.create_user(
        username="OIDC.Person@kommune.dk", display_name="Uden adgangskode", roles=[Role.LEDER], kommune="0101"
    )
    assert created.username == "oidc.person@kommune.dk" and not created.has_password
    assert not (await accounts.authenticate("oidc.person@kommune.dk", "")).ok


async def test_purging_removes_only_long_ended_sessions(accounts: AccountStore, clock):
    leder = await accounts.user("leder")
    old = await accounts.create_session(leder.id)
    await accounts.revoke_session(old.token)
    clock.advance(days=31)
    live = await accounts.create_session(leder.id)
    assert await accounts.purge_sessions() == 1
    assert await accounts.session(live.token) is not None


async def test_a_json_seed_file_works_too(accounts: AccountStore, tmp_path):
    import json

    seed = tmp_path / "seed.json"
    seed.write_text(
        json.dumps(
            {
                "kommune": "0101",
                "units": [{"code": "boern", "name": "Børn og familie", "forvaltning": "BUF"}],
                "users": [
                    {"username": "sb-boern", "display_name": "SB Børn", "roles": ["sagsbehandler"], "units": ["boern"], "password": "pw-boern-1"}
                ],
            }
        )
    )
    report = await accounts.seed_from_file(seed)
    assert report.units == 1 and report.users_created == ["sb-boern"]
    result = await accounts.authenticate("SB-Boern", "pw-boern-1")
    assert result.ok and result.account.forvaltninger == ("BUF",)
    assert (await accounts.seed_from_file(seed)).users_created == []
