"""The letters of the paths around the genvurdering (docs/legal-reference.md §2.6, §2.7, §3, §5): a
misdirected complaint, one sent to the borgerrådgiver, "klage følger", a børne- og ungeudvalg decision, a
change to the detriment, and a new recipient of the letters."""

from __future__ import annotations

from datetime import date

import pytest

from domain.letters import LetterNotAllowed, render_letter
from domain.vocabulary import AnkestyrelsenOutcome, LetterKind, MisdirectedVia
from tests.unit.test_letters import FACTS_FOR, PART


def body(kind: LetterKind, **update: object) -> str:
    return render_letter(kind, FACTS_FOR[kind].model_copy(update=update), PART).body


def test_a_kvittering_for_a_complaint_sent_to_ankestyrelsen_says_which_day_counts() -> None:
    text = body(LetterKind.KVITTERING, misdirected_via=MisdirectedVia.ANKESTYRELSEN, first_received=date(2024, 3, 1))
    assert "Du sendte klagen til Ankestyrelsen." in text
    assert "Klagen kom først frem fredag den 1. marts 2024." in text
    assert "om du har klaget i tide" in text


def test_a_kvittering_for_a_complaint_forwarded_by_another_authority_cites_the_duty_to_forward() -> None:
    text = body(LetterKind.KVITTERING, misdirected_via=MisdirectedVia.ANDEN_MYNDIGHED, first_received=date(2024, 3, 1))
    assert "forvaltningslovens § 7, stk. 2" in text


def test_a_kvittering_for_a_decision_complaint_sent_to_the_borgerraadgiver_says_it_is_a_genvurdering() -> None:
    text = body(LetterKind.KVITTERING, routed_from_borgerraadgiver=True)
    assert "Borgerrådgiveren kan ikke ændre en afgørelse" in text
    assert "Den dag, borgerrådgiveren fik klagen, gælder" in text


def test_a_placeholder_kvittering_says_the_complaint_is_in_time_and_when_to_send_the_substance() -> None:
    text = body(LetterKind.KVITTERING_KLAGE_FOELGER)
    assert "Du har dermed klaget i tide." in text
    assert "senest tirsdag den 19. marts 2024" in text
    assert "Du behøver ikke at skrive, hvorfor du klager." in text


def test_the_forwarding_of_a_udvalg_decision_says_there_is_no_genvurdering() -> None:
    text = body(LetterKind.OVERSENDELSE, boerne_og_ungeudvalg=True)
    assert "børne- og ungeudvalget" in text and "direkte til Ankestyrelsen" in text
    assert "vores genvurdering" not in text


def test_a_change_to_the_detriment_says_from_when_it_applies() -> None:
    text = body(LetterKind.ANKESTYRELSEN_EFFEKTUERING, detriment_from=date(2024, 6, 1))
    assert "Ændringen gælder fra lørdag den 1. juni 2024." in text
    assert "retssikkerhedslovens § 72, stk. 7" in text


def test_an_effektuering_letter_tells_where_to_go_next() -> None:
    text = body(LetterKind.ANKESTYRELSEN_EFFEKTUERING)
    assert "Folketingets Ombudsmand" in text and "domstolene" in text
    assert "til ugunst" not in text


def test_a_detriment_date_on_an_ophaevelse_is_refused() -> None:
    with pytest.raises(LetterNotAllowed):
        body(LetterKind.ANKESTYRELSEN_EFFEKTUERING, outcome=AnkestyrelsenOutcome.OPHAEVET, detriment_from=date(2024, 6, 1))


def test_new_information_and_hastebehandling_letters_name_the_journalnummer() -> None:
    assert "25-123456" in body(LetterKind.NYE_OPLYSNINGER)
    assert "hastebehandling" in body(LetterKind.HASTEBEHANDLING)


def test_a_revoked_fuldmagt_letter_says_the_letters_now_go_to_the_party() -> None:
    assert "direkte til dig" in body(LetterKind.REPRAESENTANT_AENDRET, representative_revoked=True)
    assert "til partsrepræsentanten" in body(LetterKind.REPRAESENTANT_AENDRET)
