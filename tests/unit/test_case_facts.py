"""A complaint's countable facts, read from its view (domain/case_facts.py): the fields that exist, the
ones that do not yet (counted as not registered), the days per phase and the dated events."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.case_facts import NOT_REGISTERED, FactEvent, facts, law_of, paragraph_of
from domain.models import CaseView
from tests.statistics_views import Story


def d(month: int, day: int) -> date:
    return date(2025, month, day)


class RegisteredView(CaseView):
    """A CaseView as it will be once the registration fields exist (the complaint kinds issue)."""

    klaget_til: Any = None
    law: Any = None
    paragraph: Any = None
    klagepunkter: Any = None


# --- lovområde and paragraph from the area's free text -------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "law", "paragraph"),
    [
        ("serviceloven § 83", "serviceloven", "§ 83"),
        ("Lov om aktiv socialpolitik \u00a781", "aktivloven", "§ 81"),  # "§" squeezed against the number
        ("SEL § 42, tabt arbejdsfortjeneste", "serviceloven", "§ 42"),
        ("barnets lov § 86 stk. 2", "barnets_lov", "§ 86"),
        ("pensionsloven § 14 a", "pensionsloven", "§ 14 a"),
        ("Klage over sagsbehandlingstiden hos Hansen", "andet", None),
        ("", NOT_REGISTERED, None),
    ],
)
def test_the_law_and_paragraph_are_read_from_the_area(area: str, law: str, paragraph: str | None):
    assert (law_of(area), paragraph_of(area)) == (law, paragraph)


def test_a_word_that_contains_a_law_name_is_not_that_law():
    assert law_of("selvbetjening") == "andet"  # not SEL


# --- fields that do not exist yet ---------------------------------------------------------------------------


def test_fields_the_view_does_not_have_count_as_not_registered():
    f = facts(Story("K-1", d(3, 3)).view())
    assert (f.klaget_til, f.klagepunkter, f.klagepunkt_categories) == (NOT_REGISTERED, None, None)
    assert (f.law, f.paragraph) == ("serviceloven", "§ 83")


def test_registered_fields_win_over_the_area_text():
    view = Story(
        "K-1", d(3, 3), area="serviceloven § 83", klaget_til="borgmester", law="aktivloven", paragraph="81",
        klagepunkter=[{"category": "god_forvaltningsskik"}, {"category": "vejledning"}, {"text": "uden kategori"}],
    ).view(RegisteredView)  # fmt: skip
    f = facts(view)
    assert (f.klaget_til, f.law, f.paragraph) == ("borgmester", "aktivloven", "§ 81")
    assert (f.klagepunkter, f.klagepunkt_categories) == (3, ["god_forvaltningsskik", "vejledning", NOT_REGISTERED])


def test_free_text_in_a_vocabulary_field_is_not_taken_over():
    view = Story("K-1", d(3, 3), klaget_til="Hr. Hansen, borgmesterens kontor", klagepunkter=[]).view(RegisteredView)
    f = facts(view)
    assert f.klaget_til == NOT_REGISTERED
    assert (f.klagepunkter, f.klagepunkt_categories) == (None, None)  # no points: stored before they existed


def test_an_empty_registered_paragraph_falls_back_to_the_area():
    f = facts(Story("K-1", d(3, 3), area="serviceloven § 100", law=None, paragraph=None).view(RegisteredView))
    assert (f.law, f.paragraph) == ("serviceloven", "§ 100")


# --- days per phase -------------------------------------------------------------------------------------------


def test_days_per_phase_sum_completed_stays_and_ignore_steps_that_keep_the_phase():
    story = (
        Story("K-1", d(3, 3)).assign("handicap", d(3, 10)).aktindsigt_requested(d(3, 12), due=d(3, 21))
        .aktindsigt_answered(d(3, 18)).genvurdering("fastholdt", d(3, 28)).at_ankestyrelsen(d(4, 1))
    )  # fmt: skip
    f = facts(story.view())
    # Genvurdering 3-3 to 3-12 (the assignment does not split it) and 3-18 to 3-28; at Ankestyrelsen: still there.
    assert f.phase_days == {"genvurdering": 19, "aktindsigt": 6, "forwarded": 4}
    assert f.unit == "handicap" and f.is_open and f.closed_on is None


# --- the events ---------------------------------------------------------------------------------------------


def test_a_complaint_remanded_twice_has_every_decision_on_its_date():
    story = (
        Story("K-1", d(1, 10)).genvurdering("delvist_medhold", d(2, 1)).at_ankestyrelsen(d(2, 5))
        .ankestyrelsen("hjemvist", d(5, 1)).new_decision("afslag", d(6, 1)).complaint_again(d(6, 10))
        .genvurdering_overdue(d(7, 8)).genvurdering("fastholdt", d(7, 15)).at_ankestyrelsen(d(7, 20))
        .ankestyrelsen("hjemvist", d(10, 1))
    )  # fmt: skip
    f = facts(story.view())
    assert (f.rounds, f.remand_count, f.phase) == (2, 2, "genbehandling")
    assert f.events == [
        FactEvent("genvurdering", 1, d(2, 1), "delvist_medhold", True),
        FactEvent("genvurdering", 2, d(7, 15), "fastholdt", False),  # the round-2 breach warning
        FactEvent("ankestyrelsen", 1, d(5, 1), "hjemvist", None),
        FactEvent("ankestyrelsen", 2, d(10, 1), "hjemvist", None),
    ]


def test_a_genvurdering_past_its_4_weeks_and_not_decided_counts_as_not_kept():
    f = facts(Story("K-1", d(11, 1)).genvurdering_overdue(d(11, 29)).view())
    assert f.events == [FactEvent("genvurdering", 1, d(11, 29), None, False)]
    assert f.overdue


def test_an_afvist_case_is_an_ankestyrelsen_decision_like_any_other():
    story = Story("K-1", d(4, 1)).genvurdering("fastholdt", d(4, 20)).at_ankestyrelsen(d(4, 25)).ankestyrelsen("afvist", d(6, 1))
    f = facts(story.view())
    assert FactEvent("ankestyrelsen", 1, d(6, 1), "afvist", None) in f.events
    assert (f.phase, f.outcome, f.closed_on) == ("closed", "afvist", d(6, 1))


def test_a_withdrawal_at_ankestyrelsen_is_bortfaldet_and_before_it_no_decision():
    at_ankestyrelsen = Story("K-1", d(5, 5)).genvurdering("fastholdt", d(5, 20)).at_ankestyrelsen(d(5, 25)).withdraw(d(7, 1))
    assert facts(at_ankestyrelsen.view()).events[-1] == FactEvent("ankestyrelsen", 1, d(7, 1), "bortfaldet", None)
    early = facts(Story("K-2", d(6, 2)).withdraw(d(6, 5)).view())
    assert early.events == [] and (early.phase, early.outcome, early.closed_on) == ("withdrawn", "tilbagetrukket", d(6, 5))


def test_aktindsigt_answers_on_time_late_and_missing():
    story = (
        Story("K-1", d(3, 3)).aktindsigt_requested(d(3, 5), due=d(3, 14)).aktindsigt_answered(d(3, 14))
        .aktindsigt_requested(d(3, 17), due=d(3, 26)).aktindsigt_overdue(d(3, 26)).aktindsigt_answered(d(3, 31))
        .aktindsigt_requested(d(4, 2), due=d(4, 11)).aktindsigt_overdue(d(4, 11))
        .aktindsigt_requested(d(4, 14), due=d(4, 25))
    )  # fmt: skip
    f = facts(story.view())
    assert [e for e in f.events if e.event == "aktindsigt"] == [
        FactEvent("aktindsigt", 1, d(3, 14), "besvaret", True),  # answered on the due date
        FactEvent("aktindsigt", 1, d(3, 26), "besvaret", False),  # answered after it
        FactEvent("aktindsigt", 1, d(4, 11), "ubesvaret", False),  # the breach warning fired, no answer
    ]  # the fourth is not due yet: not counted


def test_the_facts_carry_no_free_text():
    story = Story("K-1", d(3, 3), area="Klage over Hansens sagsbehandling").genvurdering("fastholdt", d(3, 20))
    text = repr(facts(story.view()))
    assert "Hansen" not in text and "Test:" not in text


# --- the formal track: answers against their servicemål, the retsstilling, returning complainants -----------

FORMAL_FILING = [{"track": "formalitet", "category": "sagsbehandlingstid", "source": "filing"}]


def formal_events(view: CaseView) -> list[tuple[str | None, bool | None, date]]:
    return [(e.outcome, e.on_time, e.on_date) for e in facts(view).events if e.event == "formal_answer"]


def test_each_formal_answer_is_judged_against_the_servicemaal_of_its_own_cycle():
    story = Story("K-1", d(3, 3), kind="formalitet", klagepunkter=FORMAL_FILING)
    story.servicemaal_overdue(d(3, 14), cycle=1).formal_answer(d(3, 20))  # cycle 1: late
    story.formal_escalated(d(3, 21), "borgerraadgiver").formal_answer(d(3, 25), level="borgerraadgiver", retsstilling="materiel")
    assert formal_events(story.view(RegisteredView)) == [(None, False, d(3, 20)), ("materiel", True, d(3, 25))]


def test_a_servicemaal_passed_without_an_answer_counts_as_not_kept_on_the_warnings_date():
    story = Story("K-1", d(3, 3), kind="formalitet", klagepunkter=FORMAL_FILING).servicemaal_overdue(d(3, 14), cycle=1)
    assert formal_events(story.view(RegisteredView)) == [("ubesvaret", False, d(3, 14))]
    story.formal_answer(d(4, 1))  # once answered, the answer (late) is what counts
    assert formal_events(story.view(RegisteredView)) == [(None, False, d(4, 1))]


def test_a_formal_point_added_later_opens_a_cycle_and_a_returning_complainant_is_flagged():
    points = [{"track": "realitet", "source": "filing"}, {"track": "formalitet", "category": "manglende_svar", "source": "returning"}]
    story = Story("K-1", d(3, 3), klagepunkter=points)
    story.klagepunkt_added(d(3, 5), servicemaal=d(3, 17), source="returning").formal_answer(d(3, 10))
    view = story.view(RegisteredView)
    assert formal_events(view) == [(None, True, d(3, 10))]
    assert facts(view).returning is True
    assert facts(Story("K-2", d(3, 3), klagepunkter=points[:1]).view(RegisteredView)).returning is False
    assert facts(Story("K-3", d(3, 3)).view()).returning is None  # no klagepunkter registered: unknown


def test_an_answer_with_no_open_cycle_is_not_counted():
    story = Story("K-1", d(3, 3), klagepunkter=[{"track": "realitet", "source": "filing"}]).formal_answer(d(3, 10))
    assert formal_events(story.view(RegisteredView)) == []
