"""Escalation routes with the preconditions of docs/legal-reference.md §3, logged once each in an append-only log."""

from __future__ import annotations

import asyncpg
import pytest

from domain.errors import Refused as CaseworkError
from tests.workflow.harness import Harness


async def _close_at_ankestyrelsen(case, outcome: str = "stadfaestet") -> None:
    await case.step("genvurdering", result="fastholdt")
    await case.step("ankestyrelsen-received", journal_number="25-5050")
    await case.step("ankestyrelsen-outcome", outcome=outcome)


async def test_the_ombudsmand_is_refused_before_ankestyrelsen_has_decided(harness: Harness) -> None:
    case = await harness.file()
    with pytest.raises(CaseworkError, match="klagemuligheder"):
        await case.step("escalate", route="ombudsmand")


async def test_the_ombudsmand_is_allowed_within_a_year_of_the_final_decision(harness: Harness) -> None:
    case = await harness.file()
    await _close_at_ankestyrelsen(case)
    await harness.advance(200)
    await case.step("escalate", route="ombudsmand", reason="Borgeren klager til Ombudsmanden")
    await case.settled()
    log = await harness.register.escalations_for(case.id)
    assert [(e["route"], e["automatic"]) for e in log] == [("ombudsmand", False)]


async def test_the_ombudsmand_is_refused_more_than_a_year_after_the_final_decision(harness: Harness) -> None:
    case = await harness.file()
    await _close_at_ankestyrelsen(case)
    await harness.advance(370)
    with pytest.raises(CaseworkError, match="1 year"):
        await case.step("escalate", route="ombudsmand")


async def test_the_borgerraadgiver_does_not_take_the_content_of_a_decision(harness: Harness) -> None:
    case = await harness.file(kind="realitet")
    with pytest.raises(CaseworkError, match="klageinstans"):
        await case.step("escalate", route="borgerraadgiver")


async def test_a_formalitetsklage_goes_to_the_borgerraadgiver_and_then_the_ombudsmand(harness: Harness) -> None:
    case = await harness.file(kind="formalitet", area="sagsbehandlingstid")
    with pytest.raises(CaseworkError, match="borgerrådgiver"):
        await case.step("escalate", route="ombudsmand")
    with pytest.raises(CaseworkError, match="formal-escalated"):
        await case.step("escalate", route="borgerraadgiver")
    await case.step("klagepunkt-decided", point=1, outcome="ikke_medhold", category="sagsbehandlingstid")
    await case.step("formal-answer", reason="Sagen er behandlet inden for den varslede tid")
    await case.step("formal-escalated", level="borgerraadgiver", reason="Borgeren klager over ventetiden")
    await case.step("escalate", route="ombudsmand", reason="Borgerrådgiveren har taget sagen")
    await case.settled()
    log = await harness.register.escalations_for(case.id)
    assert [e["route"] for e in log] == ["borgerraadgiver", "ombudsmand"]


async def test_tilsyn_takes_a_late_complaint_but_not_one_ankestyrelsen_can_decide(harness: Harness) -> None:
    from datetime import timedelta

    timely = await harness.file()
    with pytest.raises(CaseworkError, match="tilsyn"):
        await timely.step("escalate", route="tilsyn")
    late = await harness.file(decision_received=await harness.today() - timedelta(days=60))
    await late.step("escalate", route="tilsyn", reason="Klagefristen er overskredet; lovligheden vurderes")
    await late.settled()
    assert [e["route"] for e in await harness.register.escalations_for(late.id)] == ["tilsyn"]


async def test_borgmester_and_datatilsynet_are_always_open(harness: Harness) -> None:
    case = await harness.file()
    await case.step("escalate", route="borgmester", reason="Serviceniveauet er politisk fastsat")
    await case.step("escalate", route="datatilsynet", reason="Oplysninger videregivet uden samtykke")
    await case.settled()
    assert [e["route"] for e in await harness.register.escalations_for(case.id)] == ["borgmester", "datatilsynet"]


async def test_the_escalation_log_cannot_be_changed_or_deleted(harness: Harness, database_url: str) -> None:
    case = await harness.file()
    await case.step("escalate", route="borgmester", reason="Serviceniveau")
    await case.settled()
    conn = await asyncpg.connect(database_url)
    try:
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await conn.execute("UPDATE escalations SET reason = 'changed'")
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await conn.execute("DELETE FROM escalations")
        assert await conn.fetchval("SELECT count(*) FROM escalations") == 1
    finally:
        await conn.close()
    assert [e["reason"] for e in await harness.register.escalations_for(case.id)] == ["Serviceniveau"]
