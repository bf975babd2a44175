"""Erasure when the retention period ends: crypto-shredding of one citizen, statistics still countable."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
import pytest

from casework import operations
from domain.errors import Refused as CaseworkError
from store.register import PartyErased
from tests.workflow.harness import Case, Harness


async def _closed_case(harness: Harness) -> Case:
    case = await harness.file(name="Erik Slettes", representative_name="Advokat Glemt", representative_kind="professional")
    await case.step("genvurdering", result="fuldt_medhold")
    await case.settled()
    return case


async def test_personal_data_is_kept_while_the_case_is_open(harness: Harness) -> None:
    case = await harness.file()
    with pytest.raises(CaseworkError, match="still genvurdering"):
        await operations.erase_personal_data(harness.register, harness.settings, case.id, actor="dpo", reason="test")
    assert await harness.register.party(case.id) is not None


async def test_personal_data_is_kept_until_the_retention_period_ends(harness: Harness) -> None:
    case = await _closed_case(harness)
    soon = await harness.now() + timedelta(days=30)
    with pytest.raises(CaseworkError, match="retention period"):
        await operations.erase_personal_data(
            harness.register, harness.settings, case.id, actor="dpo", reason="for tidligt", now=soon
        )
    assert (await harness.register.party(case.id)).name == "Erik Slettes"


async def test_erasure_shreds_the_citizen_and_keeps_the_statistics(harness: Harness, database_url: str) -> None:
    case = await _closed_case(harness)
    later = await harness.now() + timedelta(days=harness.settings.retention_days + 1)
    assert (harness.outbox / case.id).is_dir()

    result = await operations.erase_personal_data(
        harness.register, harness.settings, case.id, actor="dpo", reason="Opbevaringsperioden er udløbet", now=later
    )

    assert result["erased"] is True
    with pytest.raises(PartyErased):
        await harness.register.party(case.id)
    letters = await harness.register.letters_for(case.id)
    assert [letter.kind for letter in letters] == ["kvittering", "ny_afgoerelse_medhold"]
    assert all(letter.body is None for letter in letters)
    assert not (harness.outbox / case.id).exists()
    conn = await asyncpg.connect(database_url)
    try:
        # The sealed bytes may live on (in backups too); without the key they are noise.
        assert await conn.fetchval("SELECT sealed IS NOT NULL FROM parties WHERE case_id = $1", case.id)
        assert await conn.fetchval("SELECT count(*) FROM party_keys WHERE case_id = $1", case.id) == 0
        row = await conn.fetchrow("SELECT actor, reason FROM erasures WHERE case_id = $1", case.id)
        assert (row["actor"], row["reason"]) == ("dpo", "Opbevaringsperioden er udløbet")
        # The case still counts in the statistics.
        assert await conn.fetchval("SELECT count(*) FROM cases WHERE outcome = 'fuldt_medhold'") == 1
    finally:
        await conn.close()
    view = await harness.register.case_view(case.id)
    assert view is not None and view.outcome == "fuldt_medhold"


async def test_erasing_twice_is_harmless(harness: Harness) -> None:
    case = await _closed_case(harness)
    later = await harness.now() + timedelta(days=harness.settings.retention_days + 1)
    args = dict(actor="dpo", reason="Opbevaringsperioden er udløbet", now=later)
    await operations.erase_personal_data(harness.register, harness.settings, case.id, **args)
    again = await operations.erase_personal_data(harness.register, harness.settings, case.id, **args)
    assert again["already_erased"] is True
