"""The paths of issue 8 on the time-skipping server with the real activities and PostgreSQL
(docs/legal-reference.md §2.6, §2.7, §3, §5, §7): a misdirected complaint, a complaint sent to the
borgerrådgiver, "klage følger", a børne- og ungeudvalg decision, the steps while the case is at
Ankestyrelsen, a change to the detriment, a new partsrepræsentant, and a complaint about several decisions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from casework import operations
from domain.errors import Refused
from domain.vocabulary import Phase
from tests.workflow.harness import Case, Harness


async def forwarded(harness: Harness, **filing: object) -> Case:
    case = await harness.file(**filing)
    await case.step("genvurdering", result="fastholdt", reason="Afgørelsen er rigtig")
    return case


async def test_a_complaint_first_sent_to_ankestyrelsen_is_timely_from_that_day_and_flagged(harness: Harness) -> None:
    today = await harness.today()
    # The klagefrist ended two days ago; Ankestyrelsen had the complaint a week ago.
    case = await harness.file(
        decision_received=today - timedelta(days=30), misdirected_via="ankestyrelsen", first_received=today - timedelta(days=7)
    )
    view = await case.settled()
    assert (view.phase, view.late) == (Phase.GENVURDERING, False)
    assert view.misdirected is not None and view.misdirected.first_received == today - timedelta(days=7)
    assert any("FVL § 7 stk. 2" in line for line in view.timeliness)
    assert [w.kind for w in view.warnings] == ["forkert_myndighed"]  # a person reviews the timeliness (R63)
    # The genvurdering counts from the kommune's own receipt.
    assert view.deadlines["genvurdering"].deadline.due == today + timedelta(days=28)
    [kvittering] = await harness.register.letters_for(case.id)
    assert "Du sendte klagen til Ankestyrelsen." in kvittering.body


async def test_a_misdirected_complaint_without_its_first_receipt_day_is_refused(harness: Harness) -> None:
    with pytest.raises(Refused, match="first_received"):
        await harness.file_raw(await harness.filing(misdirected_via="anden_myndighed"))


async def test_a_decision_complaint_sent_to_the_borgerraadgiver_goes_to_genvurdering(harness: Harness) -> None:
    case = await harness.file(klaget_til="borgerraadgiver")
    view = await case.settled()
    assert (view.phase, view.received) == (Phase.GENVURDERING, await harness.today())
    assert view.history[0].details["routed"] == "borgerraadgiver-to-genvurdering"
    [kvittering] = await harness.register.letters_for(case.id)
    assert "Borgerrådgiveren kan ikke ændre en afgørelse" in kvittering.body


async def test_what_the_borgerraadgiver_cannot_take_is_refused_before_anything_is_stored(harness: Harness) -> None:
    raw = await harness.filing(
        kind="formalitet", decision_received=None, klaget_til="borgerraadgiver", outside_borgerraadgiver="serviceniveau",
        klagepunkter=[{"track": "formalitet", "category": "vejledning"}],
    )
    with pytest.raises(Refused, match="borgmester"):
        await harness.file_raw(raw)
    assert (await operations.list_cases(harness.register, kommune=None)).rows == []


async def test_a_placeholder_complaint_waits_for_its_substance_then_the_genvurdering_runs(harness: Harness) -> None:
    filed = await harness.today()
    case = await harness.file(placeholder=True)
    view = await case.settled()
    assert (view.phase, view.late, "genvurdering" in view.deadlines) == (Phase.AWAITING_SUBSTANCE, False, False)
    assert (view.next_deadline_kind, view.deadlines["uddybning"].deadline.due) == ("uddybning", filed + timedelta(days=14))
    assert await case.letter_kinds() == ["kvittering_klage_foelger"]
    await harness.advance(15)  # the waiting period passes: the caseworker follows up
    assert [w.kind for w in (await case.settled()).warnings] == ["uddybning_mangler"]
    result = await case.step("substance-received", reason="Borgerens uddybning kom i dag")
    assert (result.phase, "uddybning" in result.deadlines) == (Phase.GENVURDERING, False)
    assert result.deadlines["genvurdering"].due == await harness.today() + timedelta(days=28)
    assert (await case.settled()).received == filed  # the placeholder's receipt still decides timeliness
    assert await case.letter_kinds() == ["kvittering_klage_foelger", "kvittering"]


async def test_a_boerne_og_ungeudvalg_decision_goes_straight_to_ankestyrelsen(harness: Harness) -> None:
    case = await harness.file(decided_by_boerne_og_ungeudvalg=True)
    view = await case.settled()
    assert (view.phase, view.deadlines, view.boerne_og_ungeudvalg) == (Phase.FORWARDED, {}, True)
    [forward] = await harness.register.forwards_for(case.id)
    assert forward["genvurdering_result"] == "ingen_genvurdering"
    [letter] = await harness.register.letters_for(case.id)
    assert letter.kind == "oversendelse" and "direkte til Ankestyrelsen" in letter.body


async def test_new_information_partshoering_and_hastebehandling_at_ankestyrelsen(harness: Harness) -> None:
    case = await forwarded(harness)
    await case.step("new-information", reason="Ny lægeerklæring fra borgeren")
    await case.step("ankestyrelsen-received", journal_number="25-424242")
    await case.step("ankestyrelsen-partshoering", answer_by=(await harness.today() + timedelta(days=14)).isoformat())
    await case.step("hastebehandling-requested", reason="Borgeren mister sin bolig")
    view = await case.settled()
    assert (view.phase, view.haste_requested) == (Phase.AT_ANKESTYRELSEN, True)
    assert [h.step for h in view.history][-4:] == [
        "new-information", "ankestyrelsen-received", "ankestyrelsen-partshoering", "hastebehandling-requested",
    ]  # fmt: skip
    kinds = await case.letter_kinds()
    assert kinds[-2:] == ["nye_oplysninger", "hastebehandling"]
    assert "25-424242" in (await harness.register.letters_for(case.id))[-1].body


async def test_an_aendring_to_the_detriment_tells_the_citizen_from_when(harness: Harness) -> None:
    case = await forwarded(harness)
    await case.step("ankestyrelsen-received", journal_number="25-515151")
    from_day = await harness.today() + timedelta(days=30)
    result = await case.step("ankestyrelsen-outcome", outcome="aendret", detriment_from=from_day.isoformat())
    assert result.phase == Phase.CLOSED
    await case.settled()
    letter = (await harness.register.letters_for(case.id))[-1]
    assert letter.kind == "ankestyrelsen_effektuering"
    assert "Ændringen gælder fra" in letter.body and str(from_day.day) in letter.body
    assert (await case.settled()).history[-1].details["detriment_from"] == from_day.isoformat()


async def test_letters_follow_a_new_representative_and_return_to_the_party_when_revoked(harness: Harness) -> None:
    case = await harness.file(representative_name="Advokat Første", representative_kind="professional")
    await case.step("representative-changed", kind="professional", representative_name="Advokat Anden", reason="Ny advokat")
    await case.step("genvurdering", result="fastholdt", reason="Afgørelsen er rigtig")
    await case.step("representative-changed", reason="Fuldmagten er tilbagekaldt")
    await case.step("ankestyrelsen-received", journal_number="25-616161")
    await case.settled()
    letters = await harness.register.letters_for(case.id)
    addressed = [(letter.kind, letter.recipient_role, letter.body.split("\n")[0]) for letter in letters]
    assert addressed == [
        ("kvittering", "partsrepraesentant", "Kære Advokat Første"),
        ("repraesentant_aendret", "partsrepraesentant", "Kære Advokat Anden"),
        ("ikke_fuldt_medhold", "partsrepraesentant", "Kære Advokat Anden"),
        ("oversendelse", "partsrepraesentant", "Kære Advokat Anden"),
        ("repraesentant_aendret", "part", "Kære Karen Testborger"),
    ]
    view = await case.settled()
    assert view.representative is None
    assert "Advokat" not in repr(view.history)


async def test_a_representative_change_sent_again_after_a_lost_answer_stores_the_name_once(harness: Harness) -> None:
    case = await harness.file(representative_name="Advokat Første", representative_kind="professional")
    for _ in range(2):  # the caller did not hear the first answer and sends the same step again
        await case.step("representative-changed", update_id="rep-change-1", kind="professional",
                        representative_name="Advokat Anden", reason="Ny advokat")  # fmt: skip
    await case.settled()
    party = await harness.register.party(case.id)
    assert party is not None and party.representatives == {"1": "Advokat Anden"}
    assert (await case.letter_kinds()).count("repraesentant_aendret") == 1


async def test_a_complaint_about_several_decisions_files_one_linked_case_per_decision(harness: Harness) -> None:
    today = await harness.today()
    raw = await harness.filing(
        decision_received=today - timedelta(days=10),
        other_decisions=[{"decision_ref": "SAG-ANDEN", "decision_received": (today - timedelta(days=20)).isoformat()}],
    )
    receipt = await harness.file_raw(raw)
    [other_id] = receipt.linked_cases
    harness.case_ids.add(other_id)
    first = await harness.settle(receipt.case_id)
    other = await harness.settle(other_id)
    assert (first.linked_cases, other.linked_cases) == ([other_id], [receipt.case_id])
    assert (first.decision_ref, other.decision_ref) == (raw["decision_ref"], "SAG-ANDEN")
    # Each decision has its own klagefrist, from its own receipt.
    assert first.timeliness != other.timeliness
    assert other.phase == first.phase == Phase.GENVURDERING
