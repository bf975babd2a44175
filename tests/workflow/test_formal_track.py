"""Klagepunkter and the formal track (docs/legal-reference.md §2.1, §2.9, §4.1-4.2) on the time-skipping
server with the real activities and PostgreSQL: a formalitetsklage answered by the forvaltning, its
servicemål, its way on to the borgerrådgiver, and a complaint with both realitet and formal points."""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import Refused
from domain.vocabulary import Phase
from tests.workflow.harness import Case, Harness

FORMAL_POINTS = [
    {"track": "formalitet", "category": "sagsbehandlingstid"},
    {"track": "formalitet", "category": "partshoering"},
]


async def file_formal(harness: Harness, **overrides: Any) -> Case:
    fields: dict[str, Any] = dict(
        kind="formalitet",
        area="serviceloven § 42",
        klagepunkter=FORMAL_POINTS,
        klaget_til="borgmester",
        decision_received=None,
    )
    fields.update(overrides)
    return await harness.file(**fields)


async def file_mixed(harness: Harness, **overrides: Any) -> Case:
    fields: dict[str, Any] = dict(
        kind="realitet",
        klagepunkter=[{"track": "realitet"}, {"track": "formalitet", "category": "optraeden"}],
        klaget_til="myndighedscenter",
    )
    fields.update(overrides)
    return await harness.file(**fields)


async def answer_all(case: Case, outcome: str = "ikke_medhold", **answer: Any) -> None:
    view = await case.view()
    for point in view.klagepunkter:
        if point.track == "formalitet":
            await case.step("klagepunkt-decided", point=point.number, outcome=outcome)
    await case.step("formal-answer", reason="Svar på klagen over sagsbehandlingen", **answer)


async def test_a_formalitetsklage_goes_to_the_forvaltning_with_a_servicemaal_not_to_genvurdering(
    harness: Harness,
) -> None:
    case = await file_formal(harness)
    view = await case.settled()
    assert view.phase == Phase.FORMAL_FIRST_LEVEL
    assert set(view.deadlines) == {"servicemaal"}  # no klagefrist, no genvurdering (R69)
    assert view.next_deadline_kind == "servicemaal"
    assert (view.formal_stage, view.formal_level, view.late) == ("first_level", "forvaltning", False)
    assert [(p.number, p.track, p.category) for p in view.klagepunkter] == [
        (1, "formalitet", "sagsbehandlingstid"),
        (2, "formalitet", "partshoering"),
    ]
    stored = await harness.register.case_view(case.id)
    assert stored is not None
    assert (stored.klaget_til, stored.law, stored.paragraph) == ("borgmester", "serviceloven", "42")
    assert await case.letter_kinds() == ["kvittering_formalitet"]


async def test_the_forvaltnings_answer_gives_each_point_its_outcome_and_closes_the_case(harness: Harness) -> None:
    case = await file_formal(harness)
    await case.step("klagepunkt-decided", point=1, outcome="beklagelse")
    await case.step("klagepunkt-decided", point=2, outcome="ikke_medhold")
    result = await case.step("formal-answer", reason="Ventetiden var for lang; partshøringen var i orden")
    assert result.phase == Phase.CLOSED
    view = await case.settled()
    assert (view.outcome, view.formal_stage) == ("besvaret", "concluded")
    assert [(p.outcome, p.decided_by) for p in view.klagepunkter] == [
        ("beklagelse", "forvaltning"),
        ("ikke_medhold", "forvaltning"),
    ]
    letters = await harness.register.letters_for(case.id)
    assert [letter.kind for letter in letters] == ["kvittering_formalitet", "formalitet_svar"]
    answer = letters[-1].body
    assert "Klagepunkt 1 (sagsbehandlingstid): vi beklager." in answer
    assert "borgerrådgiver" in answer and "Folketingets Ombudsmand" in answer  # the onward routes (N14)
    assert await harness.register.forwards_for(case.id) == []  # never to Ankestyrelsen


async def test_the_servicemaal_warns_the_caseworker_then_tells_the_citizen_once(harness: Harness) -> None:
    case = await file_formal(harness)
    due = (await case.view()).deadlines["servicemaal"].deadline.due
    await harness.advance(20)  # 8 arbejdsdage are at most 12 calendar days, holidays included
    view = await case.settled()
    assert [w.kind for w in view.warnings] == ["servicemaal_snart", "servicemaal_overskredet"]
    assert await case.letter_kinds() == ["kvittering_formalitet", "formalitet_forsinket"]
    notice = (await harness.register.letters_for(case.id))[-1]
    assert "8 arbejdsdage" in notice.body and str(due.year) in notice.body
    await harness.advance(20)
    assert (await case.letter_kinds()).count("formalitet_forsinket") == 1
    await answer_all(case)
    assert (await case.settled()).phase == Phase.CLOSED


async def test_an_answer_before_the_servicemaal_sends_no_notice(harness: Harness) -> None:
    case = await file_formal(harness)
    await harness.advance(3)
    await answer_all(case)
    await harness.advance(30)
    view = await case.settled()
    assert view.warnings == []
    assert await case.letter_kinds() == ["kvittering_formalitet", "formalitet_svar"]


async def test_the_borgerraadgiver_takes_it_after_the_forvaltning_and_records_the_retsstilling(
    harness: Harness,
) -> None:
    case = await file_formal(harness)
    await answer_all(case, outcome="ikke_medhold")
    escalated = await case.step("formal-escalated", level="borgerraadgiver", reason="Borgeren er ikke tilfreds")
    assert escalated.phase == Phase.FORMAL_ESCALATED
    assert "servicemaal" in escalated.deadlines  # the borgerrådgiver's own servicemål (policy)
    view = await case.settled()
    assert (view.formal_stage, view.formal_level, view.outcome) == ("escalated", "borgerraadgiver", None)
    await case.step("klagepunkt-decided", point=1, outcome="kritik")
    await case.step("klagepunkt-decided", point=2, outcome="afvist")
    await case.step("formal-answer", retsstilling="processuel", reason="Forvaltningen skal svare hurtigere")
    view = await case.settled()
    assert (view.phase, view.outcome, view.retsstilling) == (Phase.CLOSED, "besvaret", "processuel")
    assert [(p.outcome, p.decided_by) for p in view.klagepunkter] == [
        ("kritik", "borgerraadgiver"),
        ("afvist", "borgerraadgiver"),
    ]
    letters = await harness.register.letters_for(case.id)
    assert [letter.kind for letter in letters] == [
        "kvittering_formalitet", "formalitet_svar", "kvittering_formalitet", "formalitet_svar",
    ]  # fmt: skip
    assert "Borgerrådgiveren har nu behandlet" in letters[-1].body and "tilsyn" in letters[-1].body
    assert [e["route"] for e in await harness.register.escalations_for(case.id)] == ["borgerraadgiver"]
    # F4: after the kommune's own routes, Folketingets Ombudsmand (R45).
    await case.step("escalate", route="ombudsmand", reason="Borgeren går til Ombudsmanden")
    await case.settled()


async def test_the_borgerraadgiver_takes_it_once_the_forvaltnings_servicemaal_has_passed(harness: Harness) -> None:
    case = await file_formal(harness)
    with pytest.raises(Refused, match="dialogue with the forvaltning"):
        await case.step("formal-escalated", level="borgerraadgiver")
    await harness.advance(20)
    result = await case.step("formal-escalated", level="borgerraadgiver", reason="Intet svar fra forvaltningen")
    assert result.phase == Phase.FORMAL_ESCALATED
    assert (await case.settled()).formal_level == "borgerraadgiver"


async def test_the_borgmester_can_take_it_before_the_forvaltning_has_answered(harness: Harness) -> None:
    case = await file_formal(harness)
    result = await case.step("formal-escalated", level="borgmester", reason="Borgeren skrev til borgmesteren")
    assert result.phase == Phase.FORMAL_ESCALATED
    await answer_all(case, outcome="beklagelse")
    view = await case.settled()
    assert view.phase == Phase.CLOSED and {p.decided_by for p in view.klagepunkter} == {"borgmester"}


async def test_realitet_and_formal_points_end_each_on_their_own_track(harness: Harness) -> None:
    case = await file_mixed(harness)
    view = await case.settled()
    assert view.phase == Phase.GENVURDERING
    assert set(view.deadlines) == {"genvurdering", "klagefrist", "servicemaal"}
    kvittering = (await harness.register.letters_for(case.id))[0]
    assert kvittering.kind == "kvittering" and "personalets optræden" in kvittering.body

    await case.step("klagepunkt-decided", point=2, outcome="kritik")
    answered = await case.step("formal-answer", reason="Medarbejderens tone var ikke i orden")
    assert answered.phase == Phase.GENVURDERING  # the realitet track runs on
    assert "servicemaal" not in answered.deadlines
    await case.step("genvurdering", result="fastholdt", reason="Behovet er dækket")
    await case.step("ankestyrelsen-received", journal_number="25-880011")
    closed = await case.step("ankestyrelsen-outcome", outcome="stadfaestet")
    assert closed.phase == Phase.CLOSED

    view = await case.settled()
    assert view.outcome == "stadfaestet"
    assert [(p.track, p.outcome, p.klageinstans_outcome) for p in view.klagepunkter] == [
        ("realitet", "ikke_medhold", "stadfaestet"),
        ("formalitet", "kritik", None),
    ]
    kinds = await case.letter_kinds()
    assert kinds == ["kvittering", "formalitet_svar", "ikke_fuldt_medhold", "oversendelse"]


async def test_a_mixed_case_stays_open_for_its_formal_points_after_fuldt_medhold(harness: Harness) -> None:
    case = await file_mixed(harness)
    result = await case.step("genvurdering", result="fuldt_medhold", reason="Borgeren får timerne")
    assert result.phase == Phase.FORMAL_FIRST_LEVEL  # not closed: the formal point awaits its answer
    assert set(result.deadlines) == {"servicemaal"}
    await answer_all(case, outcome="beklagelse")
    view = await case.settled()
    assert (view.phase, view.outcome) == (Phase.CLOSED, "fuldt_medhold")
    assert [p.outcome for p in view.klagepunkter] == ["helt_medhold", "beklagelse"]
    assert await harness.register.forwards_for(case.id) == []


async def test_a_returning_complainants_point_is_appended_flagged_and_starts_the_formal_track(
    harness: Harness,
) -> None:
    case = await harness.file()
    assert [(p.number, p.track) for p in (await case.view()).klagepunkter] == [(1, "realitet")]
    result = await case.step(
        "klagepunkt-added", track="formalitet", category="manglende_svar", source="returning",
        reason="Borgeren ringede igen: ingen har svaret på hendes mails",
    )  # fmt: skip
    assert result.phase == Phase.GENVURDERING and "servicemaal" in result.deadlines
    view = await case.settled()
    added = view.klagepunkter[-1]
    assert (added.number, added.track, added.source, added.round) == (2, "formalitet", "returning", 1)
    assert view.formal_stage == "first_level"
    assert (await case.letter_kinds())[-1] == "klagepunkt_modtaget"


async def test_a_behaviour_complaint_raised_at_ankestyrelsen_becomes_a_formal_point(harness: Harness) -> None:
    case = await harness.file()
    await case.step("genvurdering", result="fastholdt")
    await case.step("ankestyrelsen-received", journal_number="25-880012")
    with pytest.raises(Refused, match="SEED 001"):
        await case.step("klagepunkt-added", track="realitet", category="optraeden", source="appeal")
    result = await case.step(
        "klagepunkt-added", track="formalitet", category="optraeden", source="appeal",
        reason="Borgeren klager over sagsbehandlerens tone i klagesagen",
    )  # fmt: skip
    assert result.phase == Phase.AT_ANKESTYRELSEN
    await answer_all(case, outcome="beklagelse")
    closed = await case.step("ankestyrelsen-outcome", outcome="stadfaestet")
    assert closed.phase == Phase.CLOSED
    view = await case.settled()
    assert [(p.track, p.source, p.outcome) for p in view.klagepunkter] == [
        ("realitet", "filing", "ikke_medhold"),
        ("formalitet", "appeal", "beklagelse"),
    ]


async def test_a_filing_without_klagepunkter_gets_one_from_its_kind_and_its_area(harness: Harness) -> None:
    case = await harness.file(area="SEL § 83 stk. 1")
    view = await case.settled()
    assert [(p.track, p.law, p.paragraph, p.decision_ref) for p in view.klagepunkter] == [
        ("realitet", "serviceloven", "83", view.decision_ref)
    ]
    assert (view.law, view.paragraph, view.formal_stage, view.klaget_til) == ("serviceloven", "83", None, None)


async def test_withdrawal_ends_both_tracks_and_marks_the_undecided_points(harness: Harness) -> None:
    case = await file_mixed(harness)
    await case.step("withdraw", reason="Borgeren trækker hele klagen tilbage")
    await harness.advance(30)
    view = await case.settled()
    assert view.phase == Phase.WITHDRAWN and view.warnings == []
    assert [p.outcome for p in view.klagepunkter] == ["tilbagetrukket", "tilbagetrukket"]
