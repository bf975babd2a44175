"""Letters the citizen reads: correct facts, concrete dates, plain Danish (docs/legal-reference.md §5)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.letters import (
    LetterFacts,
    LetterFactsMissing,
    LetterNotAllowed,
    PointFact,
    Recipient,
    dansk_dato,
    dansk_frist,
    render_letter,
)
from domain.vocabulary import (
    AnkestyrelsenOutcome,
    ComplaintKind,
    FormalCategory,
    FormalLevel,
    GenoptagelseGround,
    GenvurderingResult,
    LetterKind,
    NewDecisionResult,
    PointOutcome,
    PointSource,
)

PART = Recipient(name="Anna Jensen", role="part")
REPR = Recipient(name="Ole Hansen", role="partsrepraesentant", party_name="Anna Jensen")
AFSENDER = Recipient(name="Ole Hansen", role="afsender", party_name="Anna Jensen")

BASE = LetterFacts(
    case_id="KS-2024-0042",
    round=1,
    kommune_name="Gentofte Kommune",
    decision_ref="AFG-7781",
    area="serviceloven § 83",
    complaint_received=date(2024, 3, 5),
    genvurdering_due=date(2024, 4, 2),
)

# Facts that fit each kind; every kind must render with them.
FACTS_FOR: dict[LetterKind, LetterFacts] = {
    LetterKind.KVITTERING: BASE,
    LetterKind.FULDMAGT_ANMODNING: BASE,
    LetterKind.AKTINDSIGT_SVAR: BASE.model_copy(update={"aktindsigt_requested": date(2024, 3, 8)}),
    LetterKind.AKTINDSIGT_FRISTBREV: BASE.model_copy(
        update={
            "aktindsigt_requested": date(2024, 3, 8),
            "aktindsigt_answer_due": date(2024, 3, 19),
            "reason": "Vi skal først spørge en anden myndighed.",
        }
    ),
    LetterKind.NY_AFGOERELSE_MEDHOLD: BASE.model_copy(
        update={"genvurdering_result": GenvurderingResult.FULDT_MEDHOLD}
    ),
    LetterKind.NY_AFGOERELSE_DELVIST: BASE.model_copy(
        update={
            "genvurdering_result": GenvurderingResult.DELVIST_MEDHOLD,
            "reason": "Du har brug for mere hjælp om morgenen.",
        }
    ),
    LetterKind.IKKE_FULDT_MEDHOLD: BASE.model_copy(
        update={"genvurdering_result": GenvurderingResult.FASTHOLDT, "reason": "Din hjælp dækker dit behov."}
    ),
    LetterKind.OVERSENDELSE: BASE,
    LetterKind.GENOPTAGELSE_EFTER_HJEMVISNING: BASE.model_copy(update={"outcome": AnkestyrelsenOutcome.HJEMVIST}),
    LetterKind.NY_AFGOERELSE_EFTER_HJEMVISNING: BASE.model_copy(
        update={
            "new_decision_result": NewDecisionResult.AFSLAG,
            "reason": "Dit behov er dækket af den hjælp, du har.",
            "klagefrist": date(2024, 4, 2),
            "remand_count": 1,
        }
    ),
    LetterKind.ANKESTYRELSEN_EFFEKTUERING: BASE.model_copy(update={"outcome": AnkestyrelsenOutcome.AENDRET}),
    LetterKind.TILBAGETRAEKNING: BASE,
    LetterKind.GENVURDERING_FORSINKET: BASE,
}

WAITING = PointFact(number=2, track=ComplaintKind.FORMALITET, category=FormalCategory.SAGSBEHANDLINGSTID)
HEARING = PointFact(number=3, track=ComplaintKind.FORMALITET, category=FormalCategory.PARTSHOERING)
FORMAL = BASE.model_copy(
    update={
        "genvurdering_due": None,
        "points": [WAITING, HEARING],
        "formal_level": FormalLevel.FORVALTNING,
        "servicemaal_due": date(2024, 3, 15),
        "servicemaal_days": 8,
    }
)
ANSWERED = [
    WAITING.model_copy(update={"outcome": PointOutcome.BEKLAGELSE}),
    HEARING.model_copy(update={"outcome": PointOutcome.IKKE_MEDHOLD}),
]
FACTS_FOR |= {
    LetterKind.GENOPTAGELSE: BASE.model_copy(
        update={"genoptagelse_ground": GenoptagelseGround.NYE_OPLYSNINGER, "reason": "Der er en ny lægeerklæring."}
    ),
    LetterKind.GENOPTAGELSE_AFSLAG: BASE.model_copy(update={"reason": "Oplysningerne var kendt i forvejen."}),
    LetterKind.GENVURDERING_FORLAENGET: BASE.model_copy(
        update={"genvurdering_expected": date(2024, 4, 23), "reason": "Vi venter på en lægeerklæring."}
    ),
    LetterKind.KVITTERING_FORMALITET: FORMAL,
    LetterKind.KLAGEPUNKT_MODTAGET: FORMAL.model_copy(update={"points": [WAITING]}),
    LetterKind.FORMALITET_FORSINKET: FORMAL,
    LetterKind.FORMALITET_SVAR: FORMAL.model_copy(update={"points": ANSWERED, "reason": "Sagen lå stille i 3 måneder."}),
    LetterKind.KVITTERING_KLAGE_FOELGER: BASE.model_copy(update={"substance_due": date(2024, 3, 19)}),
    LetterKind.NYE_OPLYSNINGER: BASE.model_copy(update={"journal_number": "25-123456"}),
    LetterKind.HASTEBEHANDLING: BASE.model_copy(update={"journal_number": "25-123456"}),
    LetterKind.REPRAESENTANT_AENDRET: BASE,
}


def render(kind: LetterKind, recipient: Recipient = PART, **update: object):
    return render_letter(kind, FACTS_FOR[kind].model_copy(update=update), recipient)


def test_dansk_dato_has_weekday_day_month_and_year() -> None:
    assert dansk_dato(date(2024, 4, 2)) == "tirsdag den 2. april 2024"


def test_dansk_dato_covers_every_weekday_and_month() -> None:
    assert dansk_dato(date(2024, 12, 29)) == "søndag den 29. december 2024"
    assert dansk_dato(date(2025, 1, 1)) == "onsdag den 1. januar 2025"


def test_dansk_frist_ends_at_23_59() -> None:
    assert dansk_frist(date(2024, 4, 2)) == "senest tirsdag den 2. april 2024 kl. 23.59"


def test_every_kind_has_a_renderer() -> None:
    assert set(FACTS_FOR) == set(LetterKind)


@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_kind_renders_a_danish_subject_and_body(kind: LetterKind) -> None:
    recipient = AFSENDER if kind == LetterKind.FULDMAGT_ANMODNING else PART
    letter = render(kind, recipient)
    assert letter.subject.endswith("– sag KS-2024-0042") and len(letter.subject) > len("– sag KS-2024-0042")
    assert letter.body.startswith(f"Kære {recipient.name}\n\n")
    assert letter.body.endswith("Med venlig hilsen\nGentofte Kommune")
    assert "{" not in letter.body and "None" not in letter.body


@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_kind_to_a_representative_names_the_party(kind: LetterKind) -> None:
    assert "på vegne af Anna Jensen" in render(kind, REPR).body


def test_kvittering_subject_names_the_case() -> None:
    assert render(LetterKind.KVITTERING).subject == "Kvittering for din klage – sag KS-2024-0042"


def test_kvittering_states_receipt_date_as_evidence() -> None:
    body = render(LetterKind.KVITTERING).body
    assert "Vi modtog klagen tirsdag den 5. marts 2024." in body


def test_kvittering_states_the_genvurdering_date() -> None:
    body = render(LetterKind.KVITTERING).body
    assert "Vi skal have vurderet din klage igen senest tirsdag den 2. april 2024." in body


def test_kvittering_without_genvurdering_date_is_refused() -> None:
    with pytest.raises(LetterFactsMissing, match="genvurdering_due"):
        render(LetterKind.KVITTERING, genvurdering_due=None)


def test_timely_kvittering_says_nothing_about_a_late_complaint() -> None:
    assert "efter klagefristen" not in render(LetterKind.KVITTERING).body


def test_late_kvittering_explains_dispensation_and_asks_for_a_reason() -> None:
    body = render(LetterKind.KVITTERING, late=True).body
    assert "efter klagefristen" in body
    assert "alligevel videre" in body
    assert "Ankestyrelsen, der bestemmer" in body
    assert "særlig grund" in body and "sygdom" in body
    assert "skriv til os" in body


def test_late_oversendelse_says_the_complaint_was_forwarded_anyway() -> None:
    body = render(LetterKind.OVERSENDELSE, late=True).body
    assert "Vi har alligevel sendt den videre." in body


def test_letter_to_representative_names_the_party() -> None:
    body = render(LetterKind.KVITTERING, REPR).body
    assert body.startswith("Kære Ole Hansen")
    assert "Du har klaget på vegne af Anna Jensen." in body


def test_letter_to_party_has_no_representative_line() -> None:
    assert "på vegne af" not in render(LetterKind.KVITTERING).body


def test_representative_without_party_name_is_refused() -> None:
    with pytest.raises(LetterFactsMissing, match="party_name"):
        render(LetterKind.KVITTERING, Recipient(name="Ole Hansen", role="partsrepraesentant"))


def test_fuldmagt_request_discloses_neither_decision_nor_area() -> None:
    letter = render(LetterKind.FULDMAGT_ANMODNING, AFSENDER)
    text = letter.subject + letter.body
    assert "AFG-7781" not in text
    assert "serviceloven" not in text and "§ 83" not in text
    assert "genvurdering" not in text.lower()


def test_fuldmagt_request_asks_for_written_fuldmagt_and_withholds_information() -> None:
    body = render(LetterKind.FULDMAGT_ANMODNING, AFSENDER).body
    assert "på vegne af Anna Jensen" in body
    assert "skriftlig fuldmagt" in body
    assert "kan vi ikke fortælle dig noget om sagen" in body


def test_afsender_gets_no_other_letter_than_the_fuldmagt_request() -> None:
    with pytest.raises(LetterNotAllowed):
        render(LetterKind.KVITTERING, AFSENDER)


def test_party_gets_no_fuldmagt_request() -> None:
    with pytest.raises(LetterNotAllowed):
        render(LetterKind.FULDMAGT_ANMODNING, PART)


def test_new_decision_with_afslag_contains_the_concrete_klagefrist() -> None:
    body = render(LetterKind.NY_AFGOERELSE_EFTER_HJEMVISNING).body
    assert "Vi skal have klagen senest tirsdag den 2. april 2024 kl. 23.59." in body


@pytest.mark.parametrize(
    "element",
    [
        "Dit behov er dækket af den hjælp, du har.",  # begrundelse
        "Du skal sende klagen til os, Gentofte Kommune.",  # who
        "Ankestyrelsen er klageinstans.",
        "Du kan også klage mundtligt",  # how
        "Du behøver ikke at skrive, hvorfor du klager.",
        "CPR-nummer",  # recommended content
        "sagsnummeret er KS-2024-0042",
        "inden for 4 uger",  # what happens
        "ikke har opsættende virkning",
        "afhænger fristen af, hvordan afgørelsen blev sendt",  # frist depends on delivery
    ],
)
def test_new_decision_with_afslag_has_every_klagevejledning_element(element: str) -> None:
    assert element in render(LetterKind.NY_AFGOERELSE_EFTER_HJEMVISNING).body


def test_new_decision_with_delvis_has_klagevejledning() -> None:
    body = render(LetterKind.NY_AFGOERELSE_EFTER_HJEMVISNING, new_decision_result=NewDecisionResult.DELVIS).body
    assert "Sådan klager du" in body and "kl. 23.59" in body


def test_new_decision_with_bevilling_needs_no_klagevejledning_or_klagefrist() -> None:
    body = render(
        LetterKind.NY_AFGOERELSE_EFTER_HJEMVISNING, new_decision_result=NewDecisionResult.BEVILLING, klagefrist=None
    ).body
    assert "Vi bevilger det, der er søgt om." in body
    assert "Sådan klager du" not in body


@pytest.mark.parametrize("result", [NewDecisionResult.AFSLAG, NewDecisionResult.DELVIS])
def test_new_decision_without_klagefrist_is_refused(result: NewDecisionResult) -> None:
    with pytest.raises(LetterFactsMissing, match="klagefrist"):
        render(LetterKind.NY_AFGOERELSE_EFTER_HJEMVISNING, new_decision_result=result, klagefrist=None)


def test_new_decision_without_begrundelse_is_refused() -> None:
    with pytest.raises(LetterFactsMissing, match="reason"):
        render(LetterKind.NY_AFGOERELSE_EFTER_HJEMVISNING, reason=None)


def test_full_medhold_has_no_klagevejledning() -> None:
    body = render(LetterKind.NY_AFGOERELSE_MEDHOLD).body
    assert "fuldt medhold" in body
    assert "Sådan klager du" not in body


def test_delvist_medhold_says_the_rest_goes_to_ankestyrelsen() -> None:
    body = render(LetterKind.NY_AFGOERELSE_DELVIST).body
    assert "delvist medhold" in body
    assert "sender vi til Ankestyrelsen" in body


def test_ikke_fuldt_medhold_gives_begrundelse_and_forwarding() -> None:
    body = render(LetterKind.IKKE_FULDT_MEDHOLD).body
    assert "Det er vores begrundelse: Din hjælp dækker dit behov." in body
    assert "Derfor sender vi klagen til Ankestyrelsen." in body


def test_ikke_fuldt_medhold_refuses_a_full_medhold_result() -> None:
    with pytest.raises(LetterNotAllowed):
        render(LetterKind.IKKE_FULDT_MEDHOLD, genvurdering_result=GenvurderingResult.FULDT_MEDHOLD)


def test_oversendelse_explains_journalnummer_and_no_opsaettende_virkning() -> None:
    body = render(LetterKind.OVERSENDELSE).body
    assert "journalnummer" in body
    assert "Afgørelsen gælder, mens klagen bliver behandlet." in body
    assert "§ 72" in body


def test_aktindsigt_fristbrev_gives_reason_and_promise() -> None:
    body = render(LetterKind.AKTINDSIGT_FRISTBREV).body
    assert "7 arbejdsdage (senest tirsdag den 19. marts 2024)" in body
    assert "Vi skal først spørge en anden myndighed." in body
    assert "så hurtigt som muligt" in body


def test_aktindsigt_fristbrev_without_reason_is_refused() -> None:
    with pytest.raises(LetterFactsMissing, match="reason"):
        render(LetterKind.AKTINDSIGT_FRISTBREV, reason=None)


def test_aktindsigt_svar_gives_the_extended_klagefrist() -> None:
    body = render(LetterKind.AKTINDSIGT_SVAR, klagefrist=date(2024, 4, 24)).body
    assert "senest onsdag den 24. april 2024 kl. 23.59" in body


def test_genoptagelse_says_old_decision_is_annulled_and_help_restored() -> None:
    body = render(LetterKind.GENOPTAGELSE_EFTER_HJEMVISNING).body
    assert "Den gamle afgørelse gælder ikke længere." in body
    assert "som om den gamle afgørelse aldrig var truffet" in body
    assert "giver vi hjælpen igen" in body


def test_effektuering_refuses_a_stadfaestelse() -> None:
    with pytest.raises(LetterNotAllowed):
        render(LetterKind.ANKESTYRELSEN_EFFEKTUERING, outcome=AnkestyrelsenOutcome.STADFAESTET)


def test_tilbagetraekning_after_forwarding_tells_of_bortfald() -> None:
    body = render(LetterKind.TILBAGETRAEKNING, journal_number="24-12345").body
    assert "24-12345" in body and "bortfaldet" in body


def test_tilbagetraekning_before_forwarding_does_not_mention_ankestyrelsen() -> None:
    assert "Ankestyrelsen" not in render(LetterKind.TILBAGETRAEKNING).body


def test_the_late_genvurdering_letter_apologises_and_names_the_missed_date() -> None:
    body = render(LetterKind.GENVURDERING_FORSINKET).body
    assert "beklager" in body
    assert dansk_dato(BASE.genvurdering_due) in body


def test_the_late_genvurdering_letter_needs_the_missed_date() -> None:
    with pytest.raises(LetterFactsMissing):
        render(LetterKind.GENVURDERING_FORSINKET, genvurdering_due=None)


# --- the formal track (docs/legal-reference.md §2.9, N14, R70) ---------------------------------------------


def test_kvittering_for_a_realitetsklage_with_formal_points_says_ankestyrelsen_does_not_judge_them() -> None:
    body = render(LetterKind.KVITTERING, points=[WAITING], servicemaal_due=date(2024, 3, 15)).body
    assert "Du klager også over sagsbehandlingstid." in body
    assert "Ankestyrelsen tager ikke stilling" in body and "fredag den 15. marts 2024" in body


def test_kvittering_without_formal_points_does_not_mention_them() -> None:
    assert "sagsbehandlingen" not in render(LetterKind.KVITTERING).body


def test_formal_kvittering_names_the_points_who_answers_and_the_servicemaal() -> None:
    body = render(LetterKind.KVITTERING_FORMALITET).body
    assert "Du klager over sagsbehandlingstid og partshøring." in body
    assert "Den afdeling, der har din sag, og dens leder ser på klagen" in body
    assert "senest fredag den 15. marts 2024" in body
    assert "ikke sendt til Ankestyrelsen" in body


def test_formal_kvittering_after_escalation_names_the_borgerraadgiver() -> None:
    body = render(LetterKind.KVITTERING_FORMALITET, formal_level=FormalLevel.BORGERRAADGIVER).body
    assert "Borgerrådgiveren ser på klagen" in body and "uafhængig" in body


def test_an_unclassified_formal_point_is_called_sagsbehandlingen() -> None:
    unclassified = PointFact(number=1, track=ComplaintKind.FORMALITET, category=FormalCategory.ANDET)
    assert "Du klager over sagsbehandlingen." in render(LetterKind.KVITTERING_FORMALITET, points=[unclassified]).body


def test_servicemaal_notice_gives_the_days_and_the_date() -> None:
    body = render(LetterKind.FORMALITET_FORSINKET).body
    assert "inden for 8 arbejdsdage" in body and "fredag den 15. marts 2024" in body and "beklager" in body


def test_servicemaal_notice_needs_the_servicemaal() -> None:
    with pytest.raises(LetterFactsMissing, match="servicemaal_due"):
        render(LetterKind.FORMALITET_FORSINKET, servicemaal_due=None)


def test_formal_answer_gives_each_points_outcome_and_apologises_when_due() -> None:
    body = render(LetterKind.FORMALITET_SVAR).body
    assert "Klagepunkt 2 (sagsbehandlingstid): vi beklager." in body
    assert "Klagepunkt 3 (partshøring): du får ikke medhold." in body
    assert "Det er begrundelsen: Sagen lå stille i 3 måneder." in body
    assert "Vi beklager, at vi ikke har behandlet din sag" in body


def test_formal_answer_without_criticism_does_not_apologise() -> None:
    points = [p.model_copy(update={"outcome": PointOutcome.IKKE_MEDHOLD}) for p in ANSWERED]
    assert "Vi beklager, at" not in render(LetterKind.FORMALITET_SVAR, points=points).body


def test_the_forvaltnings_answer_names_borgmester_borgerraadgiver_and_ombudsmand_as_onward_routes() -> None:
    body = render(LetterKind.FORMALITET_SVAR).body
    assert "borgmesteren" in body and "borgerrådgiver" in body and "Folketingets Ombudsmand" in body


def test_without_a_borgerraadgiver_the_answer_does_not_send_the_citizen_there() -> None:
    assert "borgerrådgiver" not in render(LetterKind.FORMALITET_SVAR, borgerraadgiver=False).body


def test_the_borgerraadgivers_answer_names_ombudsmand_and_tilsyn_only() -> None:
    body = render(LetterKind.FORMALITET_SVAR, formal_level=FormalLevel.BORGERRAADGIVER).body
    assert body.count("Folketingets Ombudsmand") == 1 and "tilsyn" in body
    assert "borgmesteren" not in body


def test_a_formal_answer_with_an_undecided_point_is_never_sent() -> None:
    with pytest.raises(LetterFactsMissing, match="outcome"):
        render(LetterKind.FORMALITET_SVAR, points=[ANSWERED[0], HEARING])


def test_a_point_raised_in_an_appeal_is_explained_as_conduct_ankestyrelsen_does_not_judge() -> None:
    conduct = PointFact(number=2, track=ComplaintKind.FORMALITET, category=FormalCategory.OPTRAEDEN,
                        source=PointSource.APPEAL)
    body = render(LetterKind.KLAGEPUNKT_MODTAGET, points=[conduct]).body
    assert "personalets optræden" in body and "Ankestyrelsen tager ikke stilling til en medarbejders optræden" in body


def test_a_realitet_point_added_joins_the_genvurdering() -> None:
    realitet = PointFact(number=2, track=ComplaintKind.REALITET)
    body = render(LetterKind.KLAGEPUNKT_MODTAGET, points=[realitet], genvurdering_due=date(2024, 4, 2)).body
    assert "senest tirsdag den 2. april 2024" in body and "sagsbehandlingen" not in body


# --- N7: the genvurdering takes longer (R4) ---------------------------------------------------------------


def test_the_extension_notice_gives_the_reason_the_deadline_and_the_expected_date() -> None:
    body = render(LetterKind.GENVURDERING_FORLAENGET).body
    assert "Det er grunden: Vi venter på en lægeerklæring." in body
    assert "senest tirsdag den 2. april 2024" in body and "senest tirsdag den 23. april 2024" in body


def test_the_extension_notice_needs_its_expected_date() -> None:
    with pytest.raises(LetterFactsMissing, match="genvurdering_expected"):
        render(LetterKind.GENVURDERING_FORLAENGET, genvurdering_expected=None)


def test_the_delay_letter_after_an_extension_names_the_date_the_citizen_was_given() -> None:
    body = render(LetterKind.GENVURDERING_FORSINKET, genvurdering_expected=date(2024, 4, 23)).body
    assert "Vi skrev til dig, at vi ville være færdige senest tirsdag den 23. april 2024." in body
    assert "Vi skrev til dig" not in render(LetterKind.GENVURDERING_FORSINKET).body


# --- S11: genoptagelse (R55, R56) ---------------------------------------------------------------------------


def test_reopening_names_the_ground_and_that_the_old_decision_stands_until_the_new() -> None:
    body = render(LetterKind.GENOPTAGELSE).body
    assert "Der er kommet nye oplysninger" in body and "Der er en ny lægeerklæring." in body
    assert "gælder, indtil du får den nye" in body


def test_a_refused_genoptagelse_gives_the_reason_and_keeps_the_ombudsmands_year() -> None:
    body = render(LetterKind.GENOPTAGELSE_AFSLAG).body
    assert "Vi genoptager ikke sagen" in body and "Oplysningerne var kendt i forvejen." in body
    assert "Folketingets Ombudsmand" in body and "1 år" in body


def test_the_new_decision_after_genoptagelse_does_not_speak_of_hjemvisning() -> None:
    facts = FACTS_FOR[LetterKind.NY_AFGOERELSE_EFTER_HJEMVISNING]
    reopened = render_letter(LetterKind.NY_AFGOERELSE_EFTER_HJEMVISNING, facts.model_copy(update={"genoptaget": True}), PART)
    assert "Vi har genoptaget sagen" in reopened.body and "Ankestyrelsen sendte" not in reopened.body
    assert "Ankestyrelsen sendte sagen tilbage" in render_letter(LetterKind.NY_AFGOERELSE_EFTER_HJEMVISNING, facts, PART).body
