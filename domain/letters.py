"""Every letter the citizen (or the partsrepræsentant) reads, rendered in plain Danish (docs/legal-reference.md §5).

Pure functions: no I/O, no wall clock, no locale. The workflow fills `LetterFacts`; `render_letter` turns a
`LetterKind`, the facts and the recipient into a subject and a body. A letter that needs a fact the workflow
did not fill (a date above all) raises `LetterFactsMissing` instead of being sent with a hole in it.

Style (SEED 003: citizens did not understand the standard vejledning): short sentences, "du"-form, concrete
dates, and every legal term explained where it is used. Sentences about the party's help use "vi" as the
subject, so the same text is right whether it goes to the party or to a partsrepræsentant.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from domain.errors import missing
from domain.vocabulary import (
    FORMAL_CATEGORY_DANISH,
    POINT_OUTCOME_DANISH,
    AnkestyrelsenOutcome,
    ComplaintKind,
    FormalCategory,
    FormalLevel,
    GenoptagelseGround,
    GenvurderingResult,
    LetterKind,
    MisdirectedVia,
    NewDecisionResult,
    PointOutcome,
    PointSource,
)

_WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
_MONTHS = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip


def dansk_dato(d: date) -> str:
    """`date(2024, 4, 2)` → "tirsdag den 2. april 2024"."""
    return f"{_WEEKDAYS[d.weekday()]} den {d.day}. {_MONTHS[d.month - 1]} {d.year}"


def dansk_frist(d: date) -> str:
    """A deadline as the citizen must read it: "senest tirsdag den 2. april 2024 kl. 23.59" (docs/legal-reference.md §5, R8)."""
    return f"senest {dansk_dato(d)} kl. 23.59"


class _Frozen(BaseModel):
    # LetterFacts travels in Temporal payloads: unknown fields from a newer worker are ignored
    # (domain/models.py Model).
    model_config = ConfigDict(frozen=True, extra="ignore")


class Recipient(_Frozen):
    name: str
    # "afsender": complained for the party without a fuldmagt; gets nothing confidential (docs/legal-reference.md §2.2 S2b, R27).
    role: Literal["part", "partsrepraesentant", "afsender"]
    party_name: str | None = None  # for a partsrepræsentant or afsender: on whose behalf


class PointFact(_Frozen):
    """A klagepunkt as a letter names it: no free text."""

    number: int
    track: ComplaintKind
    category: FormalCategory | None = None
    outcome: PointOutcome | None = None
    source: PointSource = PointSource.FILING


class LetterFacts(_Frozen):
    """Everything non-personal a letter needs. Which kind needs which fact: see `render_letter`."""

    case_id: str
    round: int
    kommune_name: str
    decision_ref: str
    area: str  # lovområde and paragraph, e.g. "serviceloven § 83"
    complaint_received: date
    genvurdering_due: date | None = None
    genvurdering_expected: date | None = None  # the date an extension notice (N7) gave
    klagefrist: date | None = None  # the concrete new klagefrist (new decision; after aktindsigt)
    aktindsigt_requested: date | None = None
    aktindsigt_answer_due: date | None = None
    journal_number: str | None = None  # Ankestyrelsen's journalnummer
    genvurdering_result: GenvurderingResult | None = None
    outcome: AnkestyrelsenOutcome | None = None
    new_decision_result: NewDecisionResult | None = None
    late: bool = False  # arrived after the klagefrist: still forwarded, Ankestyrelsen decides (rsl § 67)
    reason: str | None = None  # the caseworker's begrundelse (for AKTINDSIGT_*: the reason for refusal/delay)
    remand_count: int = 0
    # The formal track (docs/legal-reference.md §2.9): the points a letter is about, who answers, by when.
    points: list[PointFact] = []
    formal_level: FormalLevel | None = None
    servicemaal_due: date | None = None
    servicemaal_days: int | None = None
    borgerraadgiver: bool = True  # the kommune has a borgerrådgiver to name as an onward route (R50)
    genoptaget: bool = False  # a new decision after the closed case was reopened (S11), not after hjemvisning
    genoptagelse_ground: GenoptagelseGround | None = None
    # The paths of docs/legal-reference.md §2.6-2.7, §3: where a misdirected complaint first arrived and when,
    # a complaint to the borgerrådgiver about a decision, a decision of the børne- og ungeudvalg, the day the
    # substance of a "klage følger" is awaited, a change to the detriment and from when (rsl § 72 stk. 7).
    misdirected_via: MisdirectedVia | None = None
    first_received: date | None = None
    routed_from_borgerraadgiver: bool = False
    boerne_og_ungeudvalg: bool = False
    substance_due: date | None = None
    detriment_from: date | None = None
    representative_revoked: bool = False


class RenderedLetter(_Frozen):
    subject: str
    body: str


class LetterFactsMissing(ValueError):
    """The letter kind needs a fact that is None. A letter with a missing date must never be sent."""


class LetterNotAllowed(ValueError):
    """This letter may not go to this recipient, or the facts contradict the letter kind."""


# --- Helpers -----------------------------------------------------------------------------------------


def _need(facts: LetterFacts, kind: LetterKind, *names: str) -> None:
    missing = [name for name in names if getattr(facts, name) is None]
    if missing:
        raise LetterFactsMissing(f"{kind.value} needs {', '.join(missing)} (case {facts.case_id})")


def _expect(facts: LetterFacts, kind: LetterKind, name: str, allowed: set, *, required: bool) -> None:
    value = getattr(facts, name)
    if value is None:
        if required:
            _need(facts, kind, name)
        return
    if value not in allowed:
        raise LetterNotAllowed(f"{kind.value} does not fit {name}={value} (case {facts.case_id})")


def _p(*sentences: str) -> str:
    """One paragraph of short sentences."""
    return " ".join(s for s in sentences if s)


def _section(title: str, *sentences: str) -> str:
    """A paragraph under a plain question as its heading."""
    return f"{title}\n{_p(*sentences)}"


def _decision(facts: LetterFacts) -> str:
    return f"afgørelsen {facts.decision_ref} ({facts.area})"


def _ingen_opsaettende_virkning() -> str:
    return _p(
        "Afgørelsen gælder, mens klagen bliver behandlet.",
        "Det kaldes, at en klage ikke har opsættende virkning (retssikkerhedslovens § 72).",
        "Hvis afgørelsen senere bliver ændret, retter vi op på det.",
    )


def _for_sent(*, forwarded: bool) -> str:
    """rsl § 67 dispensation, explained kindly (docs/legal-reference.md §2.6)."""
    return _p(
        "Klagen kom til os efter klagefristen.",
        "Vi har alligevel sendt den videre."
        if forwarded
        else "Vi sender den alligevel videre, hvis vi ikke giver fuldt medhold.",
        "Det er Ankestyrelsen, der bestemmer, om de vil se bort fra, at klagen kom for sent.",
        "Det kan de gøre, hvis der var en særlig grund (retssikkerhedslovens § 67).",
        "En særlig grund kan fx være sygdom, indlæggelse på hospitalet,",
        "eller at brevet med afgørelsen ikke kom frem til tiden.",
        "Hvis der var en særlig grund, så skriv til os og fortæl om den.",
        "Send gerne dokumentation med, fx en erklæring fra lægen.",
        "Vi sender det videre til Ankestyrelsen.",
    )


def _klagevejledning(facts: LetterFacts, recipient: Recipient) -> str:
    """The full klagevejledning (FVL § 25, rsl §§ 66-67, 72; the checklist in docs/legal-reference.md §5)."""
    if facts.klagefrist is None:
        raise LetterFactsMissing(f"the klagevejledning needs klagefrist (case {facts.case_id})")
    kommune = facts.kommune_name
    representative = recipient.role == "partsrepraesentant"
    return "\n\n".join(
        (
            "Sådan klager du",
            _section(
                "Hvem skal have klagen?",
                f"Du skal sende klagen til os, {kommune}.",
                "Det er os, der har truffet afgørelsen.",
                "Ankestyrelsen er klageinstans.",
                "Det betyder, at Ankestyrelsen behandler klagen, hvis vi ikke giver dig fuldt medhold.",
            ),
            _section(
                "Hvordan klager du?",
                "Du kan klage på skrift, fx i et brev, i Digital Post eller i en e-mail.",
                "Du kan også klage mundtligt, fx når du ringer til os.",
                "Du behøver ikke at skrive, hvorfor du klager.",
                "Du kan klage over hele afgørelsen eller kun en del af den.",
                "Skriv gerne navn, adresse, telefonnummer, e-mail og CPR-nummer.",
                "Send kun CPR-nummeret i Digital Post, ikke i en almindelig e-mail.",
                f"Skriv også, at klagen er til {kommune}, og at sagsnummeret er {facts.case_id}.",
                "Klager du på vegne af en anden, så skriv personens navn." if representative else "",
            ),
            _section(
                "Hvad sker der, når du har klaget?",
                "Først vurderer vi afgørelsen igen. Det kaldes genvurdering.",
                "Det gør vi inden for 4 uger, fra vi har fået klagen.",
                "Hvis vi giver dig fuldt medhold, får du en ny afgørelse.",
                "Hvis ikke, sender vi klagen til Ankestyrelsen inden for de samme 4 uger.",
            ),
            _ingen_opsaettende_virkning(),
            _section(
                "Hvornår skal du klage?",
                f"Vi skal have klagen {dansk_frist(facts.klagefrist)}.",
                "Det er klagefristen (retssikkerhedslovens § 67).",
                "Fristen er 4 uger fra den dag, afgørelsen kom frem.",
                "Derfor afhænger fristen af, hvordan afgørelsen blev sendt, fx Digital Post eller almindelig post.",
                "Vi har regnet datoen ud fra, hvordan vi sendte afgørelsen.",
                "Kom afgørelsen senere frem, så kontakt os. Er der flere parter i sagen, kan de have en anden frist.",
                "Sender du klagen med almindelig post, skal brevet være nået frem til os inden fristen.",
                "Det er ikke nok at sende det den sidste dag.",
                "Hvis du beder om at se dokumenterne i sagen (aktindsigt), før fristen udløber,",
                "kan fristen blive forlænget.",
            ),
        )
    )


# --- One function per letter kind: (subject, paragraphs) ----------------------------------------------

_Parts = tuple[str, list[str]]


def _kvittering(f: LetterFacts, r: Recipient) -> _Parts:
    _need(f, LetterKind.KVITTERING, "genvurdering_due")
    paragraphs = [
        _p(
            f"Vi har modtaget klagen over {_decision(f)}.",
            f"Vi modtog klagen {dansk_dato(f.complaint_received)}.",
            "Gem dette brev. Det viser, hvornår vi fik klagen.",
        ),
        _section(
            "Hvad sker der nu?",
            "Først vurderer vi afgørelsen igen. Det kaldes genvurdering.",
            f"Vi skal have vurderet din klage igen senest {dansk_dato(f.genvurdering_due)}.",
            "Hvis vi giver dig fuldt medhold, får du en ny afgørelse.",
            "Hvis ikke, skriver vi til dig og sender klagen videre til Ankestyrelsen.",
            "Du behøver ikke gøre noget. Du må gerne sende os flere oplysninger.",
        ),
        _ingen_opsaettende_virkning(),
    ]
    formal = _formal_points(f)
    if formal:
        paragraphs.append(
            _section(
                "Du klager også over sagsbehandlingen",
                f"Du klager også over {_categories(formal)}.",
                "Det er en klage over, hvordan vi har behandlet sagen, ikke over selve afgørelsen.",
                "Ankestyrelsen tager ikke stilling til den slags klager. Det gør vi selv, og vi svarer dig for sig.",
                _servicemaal_sentence(f),
            )
        )
    paragraphs += _how_it_reached_us(f)
    if f.late:
        paragraphs.append(_for_sent(forwarded=False))
    return f"Kvittering for din klage – sag {f.case_id}", paragraphs


_MISDIRECTED_TO = {
    MisdirectedVia.ANKESTYRELSEN: "Du sendte klagen til Ankestyrelsen. Man skal klage til den myndighed, der "
    "har truffet afgørelsen. Derfor har Ankestyrelsen sendt klagen til os.",
    MisdirectedVia.ANDEN_MYNDIGHED: "Du sendte klagen til en anden myndighed. Den har sendt klagen videre til "
    "os, fordi det er os, der har truffet afgørelsen (forvaltningslovens § 7, stk. 2).",
}


def _how_it_reached_us(f: LetterFacts) -> list[str]:
    """A complaint that came another way than straight to us: how, and which day counts (§2.7, §3)."""
    paragraphs = []
    if f.misdirected_via is not None and f.first_received is not None:
        paragraphs.append(
            _p(
                _MISDIRECTED_TO[f.misdirected_via],
                f"Klagen kom først frem {dansk_dato(f.first_received)}.",
                "Vi bruger den dag, når vi ser på, om du har klaget i tide.",
            )
        )
    if f.routed_from_borgerraadgiver:
        paragraphs.append(
            _p(
                "Du sendte klagen til borgerrådgiveren.",
                "Borgerrådgiveren kan ikke ændre en afgørelse. Derfor behandler vi den som en klage over afgørelsen.",
                "Den dag, borgerrådgiveren fik klagen, gælder som den dag, vi fik den.",
            )
        )
    return paragraphs


def _kvittering_klage_foelger(f: LetterFacts, r: Recipient) -> _Parts:
    """N4 for "klage følger": the complaint is in time; the genvurdering starts when the substance comes (R11)."""
    _need(f, LetterKind.KVITTERING_KLAGE_FOELGER, "substance_due")
    if f.substance_due is None:
        raise missing("substance_due")
    return f"Vi har modtaget din klage – sag {f.case_id}", [
        _p(
            f"Vi har modtaget din besked om, at du klager over {_decision(f)}.",
            f"Vi modtog den {dansk_dato(f.complaint_received)}.",
            "Du har dermed klaget i tide. Gem dette brev. Det viser, hvornår vi fik klagen.",
        ),
        *_how_it_reached_us(f),
        _section(
            "Hvad skal du gøre nu?",
            "Du har skrevet, at du sender mere om klagen senere.",
            f"Send os det gerne senest {dansk_dato(f.substance_due)}.",
            "Du behøver ikke at skrive, hvorfor du klager. Hører vi ikke fra dig, kontakter vi dig.",
        ),
        _section(
            "Hvad sker der bagefter?",
            "Når vi har fået din uddybning, vurderer vi afgørelsen igen. Det kaldes genvurdering.",
            "Det gør vi inden for 4 uger. Du får et brev med datoen.",
        ),
        _ingen_opsaettende_virkning(),
    ]


def _nye_oplysninger(f: LetterFacts, r: Recipient) -> _Parts:
    return f"Vi har sendt dine nye oplysninger til Ankestyrelsen – sag {f.case_id}", [
        _p(
            f"Du har sendt os nye oplysninger om klagen over {_decision(f)}.",
            "Klagen bliver behandlet i Ankestyrelsen. Derfor har vi sendt oplysningerne videre til Ankestyrelsen.",
            f"Ankestyrelsens journalnummer er {f.journal_number}." if f.journal_number else "",
        ),
        _p(
            "Ankestyrelsen tager oplysningerne med, når de behandler klagen.",
            "Får de oplysninger, der har stor betydning, og som du ikke kender, sender de dem til dig,",
            "så du kan sige din mening. Det kaldes partshøring.",
            "Næste gang kan du også sende nye oplysninger direkte til Ankestyrelsen.",
        ),
    ]


def _hastebehandling(f: LetterFacts, r: Recipient) -> _Parts:
    return f"Din anmodning om hurtig behandling er sendt til Ankestyrelsen – sag {f.case_id}", [
        _p(
            f"Du har bedt om, at klagen over {_decision(f)} bliver behandlet hurtigt.",
            "Vi har sendt din anmodning til Ankestyrelsen. Det er Ankestyrelsen, der bestemmer,",
            "om sagen kan behandles før andre sager. Det kaldes hastebehandling.",
            f"Ankestyrelsens journalnummer er {f.journal_number}." if f.journal_number else "",
        ),
        _p("Ankestyrelsen svarer dig selv. Kontakt Ankestyrelsen, hvis du har spørgsmål om det."),
    ]


def _repraesentant_aendret(f: LetterFacts, r: Recipient) -> _Parts:
    """N15: who gets the letters from now on (FVL § 8, R27)."""
    if f.representative_revoked:
        who = [
            "Fuldmagten til den, der før handlede for dig i sagen, er trukket tilbage.",
            "Fra nu af sender vi alle breve om klagen direkte til dig.",
        ]
    else:
        who = [
            "Vi har fået besked om, at der er en ny partsrepræsentant i sagen.",
            "Fra nu af sender vi alle breve om klagen til partsrepræsentanten.",
        ]
    return f"Hvem der får brevene i sagen – sag {f.case_id}", [
        _p(f"Det gælder klagen over {_decision(f)}.", *who),
        _p("Er det ikke rigtigt, så kontakt os hurtigst muligt."),
    ]


# --- the formal track (docs/legal-reference.md §2.9, N14, R70) ------------------------------------------------


def _formal_points(f: LetterFacts) -> list[PointFact]:
    return [p for p in f.points if p.track == ComplaintKind.FORMALITET]


def _categories(points: list[PointFact]) -> str:
    """"sagsbehandlingstid og partshøring"; an unclassified point is "sagsbehandlingen"."""
    names = list(
        dict.fromkeys(
            FORMAL_CATEGORY_DANISH[p.category]
            if p.category is not None and p.category != FormalCategory.ANDET
            else "sagsbehandlingen"
            for p in points
        )
    )
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} og {names[-1]}"


def _servicemaal_sentence(f: LetterFacts) -> str:
    if f.servicemaal_due is None:
        return "Vi svarer dig så hurtigt som muligt."
    return (
        f"Vi svarer dig så hurtigt som muligt. Kan vi ikke svare senest {dansk_dato(f.servicemaal_due)}, "
        "skriver vi til dig og fortæller, hvornår du kan forvente svar."
    )


_WHO_ANSWERS = {
    FormalLevel.FORVALTNING: "Den afdeling, der har din sag, og dens leder ser på klagen og svarer dig.",
    FormalLevel.BORGMESTER: "Borgmesteren ser på klagen og svarer dig.",
    FormalLevel.DIREKTOER: "Direktøren for forvaltningen ser på klagen og svarer dig.",
    FormalLevel.BORGERRAADGIVER: (
        "Borgerrådgiveren ser på klagen og svarer dig. Borgerrådgiveren er uafhængig af forvaltningen."
    ),
}

_WHO_ANSWERED = {
    FormalLevel.FORVALTNING: "Vi har nu behandlet din klage over, hvordan vi har behandlet din sag.",
    FormalLevel.BORGMESTER: "Borgmesteren har nu behandlet din klage over, hvordan vi har behandlet din sag.",
    FormalLevel.DIREKTOER: (
        "Direktøren for forvaltningen har nu behandlet din klage over, hvordan vi har behandlet din sag."
    ),
    FormalLevel.BORGERRAADGIVER: (
        "Borgerrådgiveren har nu behandlet din klage over, hvordan kommunen har behandlet din sag."
    ),
}


def _not_for_ankestyrelsen() -> str:
    return _p(
        "En klage over sagsbehandlingen bliver ikke sendt til Ankestyrelsen.",
        "Ankestyrelsen tager kun stilling til indholdet af en afgørelse, ikke til fx ventetid eller en",
        "medarbejders optræden. Det er kommunen selv, der svarer på den slags klager.",
    )


def _kvittering_formalitet(f: LetterFacts, r: Recipient) -> _Parts:
    kind = LetterKind.KVITTERING_FORMALITET
    _need(f, kind, "formal_level")
    if f.formal_level is None:
        raise missing("formal_level")
    return f"Kvittering for din klage over sagsbehandlingen – sag {f.case_id}", [
        _p(
            f"Vi modtog din klage {dansk_dato(f.complaint_received)}.",
            f"Du klager over {_categories(_formal_points(f))}.",
            "Gem dette brev. Det viser, hvornår vi fik klagen.",
        ),
        _section("Hvad sker der nu?", _WHO_ANSWERS[f.formal_level], _servicemaal_sentence(f),
                 "Du behøver ikke gøre noget. Du må gerne sende os flere oplysninger."),
        _not_for_ankestyrelsen(),
    ]


def _klagepunkt_modtaget(f: LetterFacts, r: Recipient) -> _Parts:
    kind = LetterKind.KLAGEPUNKT_MODTAGET
    if not f.points:
        raise LetterFactsMissing(f"{kind.value} needs the points it confirms (case {f.case_id})")
    paragraphs = [
        _p(
            f"Vi har modtaget {'et nyt klagepunkt' if len(f.points) == 1 else 'nye klagepunkter'} i din klage.",
            "Vi har skrevet det på den sag, du allerede har hos os. Du skal ikke klage igen.",
        )
    ]
    formal = _formal_points(f)
    if formal:
        paragraphs.append(
            _p(
                f"Du klager over {_categories(formal)}.",
                "Det er en klage over, hvordan vi har behandlet sagen.",
                "Ankestyrelsen tager ikke stilling til en medarbejders optræden. Det gør vi selv."
                if any(p.source == PointSource.APPEAL for p in formal)
                else "",
                _servicemaal_sentence(f),
            )
        )
    if len(formal) < len(f.points):
        _need(f, kind, "genvurdering_due")
        if f.genvurdering_due is None:
            raise missing("genvurdering_due")
        paragraphs.append(
            _p(
                f"Vi tager det med, når vi vurderer {_decision(f)} igen.",
                f"Det gør vi senest {dansk_dato(f.genvurdering_due)}.",
            )
        )
    return f"Vi har modtaget mere til din klage – sag {f.case_id}", paragraphs


def _formalitet_forsinket(f: LetterFacts, r: Recipient) -> _Parts:
    # R70: the citizen hears from the kommune when the servicemål cannot be kept.
    kind = LetterKind.FORMALITET_FORSINKET
    _need(f, kind, "servicemaal_due", "servicemaal_days")
    if f.servicemaal_due is None:
        raise missing("servicemaal_due")
    return f"Svaret på din klage bliver forsinket – sag {f.case_id}", [
        _p(
            f"Du har klaget over {_categories(_formal_points(f))}.",
            f"Vi vil gerne svare på en klage inden for {f.servicemaal_days} arbejdsdage.",
            f"Det har vi ikke nået (senest {dansk_dato(f.servicemaal_due)}), og det beklager vi.",
        ),
        _p(
            "Din klage er ikke glemt. Vi svarer dig så hurtigt som muligt.",
            "Du behøver ikke gøre noget.",
        ),
    ]


def _onward_routes(f: LetterFacts) -> str:
    """Where the citizen can go next (docs/legal-reference.md §3, §2.9 F2-F4; N14)."""
    if f.formal_level is None:
        raise missing("formal_level")
    ombudsmand = (
        "Du kan klage til Folketingets Ombudsmand. Det skal ske inden 1 år. "
        "Ombudsmanden tager en sag, når du har brugt kommunens egne klagemuligheder først."
    )
    borgerraadgiver = (
        "Du kan gå til kommunens borgerrådgiver. Borgerrådgiveren er uafhængig af forvaltningen og kan se på, "
        "om vi har behandlet din sag ordentligt."
        if f.borgerraadgiver
        else ""
    )
    if f.formal_level == FormalLevel.FORVALTNING:
        sentences = [
            "Du kan skrive til borgmesteren eller til direktøren for forvaltningen og bede dem se på sagen.",
            borgerraadgiver,
            "Bagefter kan du klage til Folketingets Ombudsmand, inden 1 år.",
        ]
    elif f.formal_level in (FormalLevel.BORGMESTER, FormalLevel.DIREKTOER):
        sentences = [borgerraadgiver, ombudsmand]
    else:
        sentences = [
            ombudsmand,
            "Ankestyrelsens tilsyn med kommunerne kan se på, om kommunen har overholdt loven.",
            "Tilsynet tager ikke stilling til, om kommunen har været god nok til at behandle sager.",
        ]
    return _section("Hvis du ikke er tilfreds med svaret", *sentences)


def _formalitet_svar(f: LetterFacts, r: Recipient) -> _Parts:
    kind = LetterKind.FORMALITET_SVAR
    _need(f, kind, "formal_level", "reason")
    points = _formal_points(f)
    if not points or any(p.outcome is None for p in points):
        raise LetterFactsMissing(f"{kind.value} needs an outcome for every formal klagepunkt (case {f.case_id})")
    if f.formal_level is None:
        raise missing("formal_level")
    lines = [
        f"Klagepunkt {p.number} ({_categories([p])}): {POINT_OUTCOME_DANISH[p.outcome]}."  # type: ignore[index]
        for p in points
    ]
    paragraphs = [
        _p(_WHO_ANSWERED[f.formal_level]),
        _section("Svaret på hvert punkt", *lines),
        _p(f"Det er begrundelsen: {f.reason}"),
    ]
    if any(p.outcome in (PointOutcome.KRITIK, PointOutcome.BEKLAGELSE) for p in points):
        paragraphs.append(
            _p(
                "Vi beklager, at vi ikke har behandlet din sag, som du med rette kan forvente.",
                "Vi bruger din klage til at blive bedre.",
            )
        )
    paragraphs += [
        _onward_routes(f),
        _p(
            "Svaret ændrer ikke de afgørelser, der er truffet i din sag.",
            "Vil du klage over indholdet af en afgørelse, står det i afgørelsens klagevejledning, hvordan du gør.",
        ),
    ]
    return f"Svar på din klage over sagsbehandlingen – sag {f.case_id}", paragraphs


def _fuldmagt_anmodning(f: LetterFacts, r: Recipient) -> _Parts:
    # Nothing confidential: no decision_ref, no area, no dates other than the one the sender gave us.
    party = r.party_name or "en anden person"
    return f"Vi mangler en fuldmagt – sag {f.case_id}", [
        _p(
            f"Vi modtog {dansk_dato(f.complaint_received)} en klage, som du har sendt på vegne af {party}.",
            f"For at du kan klage på vegne af {party}, skal vi have en skriftlig fuldmagt.",
            f"En fuldmagt er en erklæring, hvor {party} skriver, at du må handle i sagen.",
        ),
        _p(
            "Fuldmagten skal indeholde:",
            f"navnet på {party} og på dig, at fuldmagten gælder klagen, en dato og underskrift fra {party}.",
            f"Skriv sagsnummer {f.case_id} på fuldmagten.",
        ),
        _p(
            "Indtil vi har fuldmagten, kan vi ikke fortælle dig noget om sagen.",
            "Det er for at beskytte oplysningerne om den, sagen handler om.",
            f"{party[0].upper()}{party[1:]} kan også selv kontakte os og sige, at klagen skal behandles.",
            "Hvis det ikke er muligt at give en fuldmagt, fx på grund af sygdom, så kontakt os.",
            "Så hjælper vi med at finde en løsning, fx en værge.",
        ),
    ]


def _aktindsigt_svar(f: LetterFacts, r: Recipient) -> _Parts:
    _need(f, LetterKind.AKTINDSIGT_SVAR, "aktindsigt_requested")
    paragraphs = [
        _p(
            f"Du bad {dansk_dato(f.aktindsigt_requested)} om aktindsigt.",
            "Aktindsigt betyder, at du får lov at se dokumenterne i sagen.",
            "Du får dokumenterne sammen med dette brev.",
        )
    ]
    if f.reason:  # partial or full refusal: begrundelse and klagevejledning (N12, OFL § 37)
        paragraphs += [
            _p("Du får ikke adgang til alle dokumenter.", f"Det er vores begrundelse: {f.reason}"),
            _p(
                "Du kan klage over, at du ikke har fået adgang til alle dokumenter.",
                "Der er ingen frist for den klage. Send den til os.",
                "Hvis vi fastholder vores svar, sender vi klagen til Ankestyrelsen inden for 7 arbejdsdage.",
            ),
        ]
    if f.klagefrist is not None:
        paragraphs.append(
            _p(
                "Fordi du bad om aktindsigt, før klagefristen udløb, er klagefristen blevet forlænget.",
                f"Hvis du vil klage over afgørelsen, skal vi nu have klagen {dansk_frist(f.klagefrist)}.",
            )
        )
    return f"Svar på din anmodning om aktindsigt – sag {f.case_id}", paragraphs


def _aktindsigt_fristbrev(f: LetterFacts, r: Recipient) -> _Parts:
    _need(f, LetterKind.AKTINDSIGT_FRISTBREV, "aktindsigt_requested", "reason")
    due = f" (senest {dansk_dato(f.aktindsigt_answer_due)})" if f.aktindsigt_answer_due else ""
    return f"Dit svar om aktindsigt bliver forsinket – sag {f.case_id}", [
        _p(
            f"Du bad {dansk_dato(f.aktindsigt_requested)} om aktindsigt.",
            "Aktindsigt betyder, at du får lov at se dokumenterne i sagen.",
            f"Vi skal normalt svare inden for 7 arbejdsdage{due}.",
            "Det kan vi desværre ikke nå.",
        ),
        _p(f"Det er grunden: {f.reason}"),
        _p(
            "Du får svar så hurtigt som muligt.",
            "Har vi dokumenter, du kan få med det samme, sender vi dem først.",
        ),
    ]


def _genvurdering_forsinket(f: LetterFacts, r: Recipient) -> _Parts:
    # R4 (retssikkerhedsbekendtgørelsen § 12 stk. 2): when the 4 weeks cannot be kept, the citizen is told.
    _need(f, LetterKind.GENVURDERING_FORSINKET, "genvurdering_due")
    promised = f.genvurdering_expected or f.genvurdering_due
    return f"Vi er forsinket med din klage – sag {f.case_id}", [
        _p(
            f"Vi skulle have vurderet {_decision(f)} igen senest {dansk_dato(f.genvurdering_due)}.",
            f"Vi skrev til dig, at vi ville være færdige senest {dansk_dato(promised)}."
            if f.genvurdering_expected
            else "",
            "Det har vi ikke nået, og det beklager vi.",
        ),
        _p(
            "Din klage er ikke glemt, og du mister ingen rettigheder.",
            "Vi gør genvurderingen færdig så hurtigt som muligt.",
            "Får du ikke fuldt medhold, sender vi klagen videre til Ankestyrelsen som lovet.",
        ),
        _p("Vores leder har fået besked om forsinkelsen."),
    ]


def _genvurdering_forlaenget(f: LetterFacts, r: Recipient) -> _Parts:
    # N7, R4 (retssikkerhedsbekendtgørelsen § 12 stk. 2): before the 4 weeks pass, the reason and the
    # expected date.
    _need(f, LetterKind.GENVURDERING_FORLAENGET, "genvurdering_due", "genvurdering_expected", "reason")
    if f.genvurdering_due is None:
        raise missing("genvurdering_due")
    if f.genvurdering_expected is None:
        raise missing("genvurdering_expected")
    return f"Vi skal bruge mere tid på din klage – sag {f.case_id}", [
        _p(
            f"Vi skal vurdere {_decision(f)} igen. Det kaldes genvurdering.",
            f"Normalt skal vi være færdige inden for 4 uger, altså senest {dansk_dato(f.genvurdering_due)}.",
            "Det kan vi ikke nå.",
        ),
        _p(f"Det er grunden: {f.reason}"),
        _p(
            f"Vi forventer at være færdige senest {dansk_dato(f.genvurdering_expected)}.",
            "Får du ikke fuldt medhold, sender vi klagen videre til Ankestyrelsen, når vi er færdige.",
            "Du mister ingen rettigheder, fordi det tager længere tid.",
            "Har du oplysninger, der kan hjælpe, må du gerne sende dem til os.",
        ),
    ]


def _ny_afgoerelse_medhold(f: LetterFacts, r: Recipient) -> _Parts:
    kind = LetterKind.NY_AFGOERELSE_MEDHOLD
    _expect(f, kind, "genvurdering_result", {GenvurderingResult.FULDT_MEDHOLD}, required=False)
    paragraphs = [
        _p(
            f"Vi har vurderet {_decision(f)} igen.",
            "Du får fuldt medhold i klagen.",
            "Det betyder, at vi ændrer afgørelsen, så den svarer til det, du klagede over.",
            "Dette brev er den nye afgørelse.",
        ),
    ]
    if f.reason:
        paragraphs.append(_p(f"Det har vi lagt vægt på: {f.reason}"))
    paragraphs.append(
        _p(
            "Vi sender ikke klagen til Ankestyrelsen, fordi du har fået fuldt medhold.",
            "Vi sørger nu for at gennemføre den nye afgørelse. Du behøver ikke gøre noget.",
        )
    )
    return f"Du får medhold i din klage – sag {f.case_id}", paragraphs


def _ny_afgoerelse_delvist(f: LetterFacts, r: Recipient) -> _Parts:
    kind = LetterKind.NY_AFGOERELSE_DELVIST
    _expect(f, kind, "genvurdering_result", {GenvurderingResult.DELVIST_MEDHOLD}, required=False)
    _need(f, kind, "reason")
    return f"Ny afgørelse: delvist medhold i din klage – sag {f.case_id}", [
        _p(
            f"Vi har vurderet {_decision(f)} igen.",
            "Du får delvist medhold. Det betyder, at vi ændrer en del af afgørelsen, men ikke det hele.",
            "Dette brev er den nye afgørelse for den del, vi ændrer.",
        ),
        _p(f"Det er vores begrundelse: {f.reason}"),
        _p(
            "Den del af klagen, du ikke har fået medhold i, sender vi til Ankestyrelsen.",
            "Du behøver ikke klage igen.",
            "Hvis du ikke vil have, at Ankestyrelsen ser på sagen, kan du trække klagen tilbage. Så kontakt os.",
        ),
        _ingen_opsaettende_virkning(),
    ]


def _ikke_fuldt_medhold(f: LetterFacts, r: Recipient) -> _Parts:
    kind = LetterKind.IKKE_FULDT_MEDHOLD
    allowed = {GenvurderingResult.FASTHOLDT, GenvurderingResult.DELVIST_MEDHOLD}
    _expect(f, kind, "genvurdering_result", allowed, required=True)
    _need(f, kind, "reason")
    result = (
        "Vi ændrer ikke afgørelsen."
        if f.genvurdering_result == GenvurderingResult.FASTHOLDT
        else "Vi ændrer kun en del af afgørelsen. Den nye afgørelse for den del får du i et særskilt brev."
    )
    return f"Vi har vurderet din klage igen – sag {f.case_id}", [
        _p(f"Vi har vurderet {_decision(f)} igen. Det kaldes genvurdering.", result),
        _p(f"Det er vores begrundelse: {f.reason}"),
        _p(
            "Du har ikke fået fuldt medhold. Derfor sender vi klagen til Ankestyrelsen.",
            "Ankestyrelsen er klageinstans. Det betyder, at de vurderer, om afgørelsen er rigtig.",
            "Du får et brev, når vi har sendt sagen. Du behøver ikke klage igen.",
        ),
    ]


def _oversendelse(f: LetterFacts, r: Recipient) -> _Parts:
    journal = (
        f"Ankestyrelsens journalnummer er {f.journal_number}. Skriv det, når du kontakter Ankestyrelsen."
        if f.journal_number
        else _p(
            "Ankestyrelsen sender et brev om, at de har fået sagen.",
            "I brevet står et journalnummer. Det er Ankestyrelsens nummer for sagen.",
            "Der står også, hvor lang tid Ankestyrelsen regner med at bruge.",
        )
    )
    sent = (
        _p(
            f"Vi modtog din klage over {_decision(f)} {dansk_dato(f.complaint_received)}.",
            "Afgørelsen er truffet af børne- og ungeudvalget. Derfor vurderer vi den ikke igen selv.",
            "Klagen går direkte til Ankestyrelsen. Vi har sendt klagen og de dokumenter fra sagen, der har betydning.",
            "Du kan altid bede os om en kopi af det, vi har sendt.",
        )
        if f.boerne_og_ungeudvalg
        else _p(
            f"Vi har nu sendt klagen over {_decision(f)} til Ankestyrelsen.",
            "Vi har sendt klagen, vores genvurdering med begrundelse og de dokumenter fra sagen, der har betydning.",
            "Du kan altid bede os om en kopi af det, vi har sendt.",
        )
    )
    paragraphs = [
        sent,
        *_how_it_reached_us(f),
        journal,
        _p(
            "Fra nu af er det Ankestyrelsen, der behandler klagen.",
            "Har du nye oplysninger, så send dem til Ankestyrelsen.",
        ),
        _ingen_opsaettende_virkning(),
    ]
    if f.late:
        paragraphs.append(_for_sent(forwarded=True))
    return f"Din klage er sendt til Ankestyrelsen – sag {f.case_id}", paragraphs


def _genoptagelse_efter_hjemvisning(f: LetterFacts, r: Recipient) -> _Parts:
    _expect(f, LetterKind.GENOPTAGELSE_EFTER_HJEMVISNING, "outcome", {AnkestyrelsenOutcome.HJEMVIST}, required=False)
    paragraphs = [
        _p(
            f"Ankestyrelsen har sendt sagen om {_decision(f)} tilbage til os.",
            "Det kaldes hjemvisning. Det betyder, at vi skal behandle sagen igen og træffe en ny afgørelse.",
        ),
        _p(
            "Den gamle afgørelse gælder ikke længere.",
            "Sagen står nu, som om den gamle afgørelse aldrig var truffet.",
            "Hvis vi stoppede eller satte hjælp ned på grund af den gamle afgørelse,",
            "giver vi hjælpen igen, indtil vi har truffet en ny afgørelse.",
        ),
        _p(
            "Vi træffer den nye afgørelse så hurtigt som muligt.",
            "Vi bruger det, Ankestyrelsen har skrevet om sagen.",
            "Vi kontakter dig, hvis vi har brug for flere oplysninger.",
        ),
    ]
    if f.remand_count >= 2:
        paragraphs.append(
            _p("Sagen har været sendt tilbage til os før.", "Vi ved, at det har taget lang tid. Det beklager vi.")
        )
    return f"Vi behandler sagen igen – sag {f.case_id}", paragraphs


_NEW_DECISION_TEXT = {
    NewDecisionResult.BEVILLING: "Vi bevilger det, der er søgt om.",
    NewDecisionResult.DELVIS: "Vi bevilger en del af det, der er søgt om. Resten giver vi afslag på.",
    NewDecisionResult.AFSLAG: "Vi giver afslag på det, der er søgt om.",
}


def _ny_afgoerelse_efter_hjemvisning(f: LetterFacts, r: Recipient) -> _Parts:
    kind = LetterKind.NY_AFGOERELSE_EFTER_HJEMVISNING
    _need(f, kind, "new_decision_result", "reason")
    if f.new_decision_result != NewDecisionResult.BEVILLING:
        _need(f, kind, "klagefrist")  # FVL § 25, rsl § 67: a new decision starts a new klagefrist
    paragraphs = [
        _p(
            "Vi har genoptaget sagen og behandlet den igen."
            if f.genoptaget
            else "Ankestyrelsen sendte sagen tilbage til os. Nu har vi behandlet den igen.",
            f"Dette brev er den nye afgørelse. Den bygger på {f.area}.",
            _NEW_DECISION_TEXT[f.new_decision_result],
        ),
        _p(f"Det er vores begrundelse: {f.reason}"),
    ]
    if f.new_decision_result != NewDecisionResult.BEVILLING:
        paragraphs.append(_klagevejledning(f, r))
    return f"Ny afgørelse – sag {f.case_id}", paragraphs


_GROUND_TEXT = {
    GenoptagelseGround.NYE_OPLYSNINGER: "Der er kommet nye oplysninger, som kan få betydning for afgørelsen.",
    GenoptagelseGround.NYT_RETSGRUNDLAG: "Reglerne er ændret med virkning for din sag.",
    GenoptagelseGround.SAGSBEHANDLINGSFEJL: "Vi har fundet en fejl i den måde, vi behandlede sagen på.",
    GenoptagelseGround.PRAKSISAENDRING: "Vi har fundet en fejl, der har betydning for flere sager, også din.",
}


def _genoptagelse(f: LetterFacts, r: Recipient) -> _Parts:
    # S11, R55-R56: the closed case is reopened; the old decision stands until the new one.
    _need(f, LetterKind.GENOPTAGELSE, "genoptagelse_ground", "reason")
    if f.genoptagelse_ground is None:
        raise missing("genoptagelse_ground")
    return f"Vi behandler din sag igen – sag {f.case_id}", [
        _p(
            f"Vi har besluttet at genoptage sagen om {_decision(f)}.",
            "Det betyder, at vi behandler den igen og træffer en ny afgørelse.",
        ),
        _p(_GROUND_TEXT[f.genoptagelse_ground], f"Det er vores begrundelse: {f.reason}"),
        _p(
            "Den afgørelse, du har, gælder, indtil du får den nye.",
            "Den nye afgørelse får du med en vejledning om, hvordan du kan klage.",
            "Vi kontakter dig, hvis vi har brug for flere oplysninger.",
        ),
    ]


def _genoptagelse_afslag(f: LetterFacts, r: Recipient) -> _Parts:
    # S11: refused, with the begrundelse; the Ombudsman's year is not moved by the request (R44).
    _need(f, LetterKind.GENOPTAGELSE_AFSLAG, "reason")
    return f"Vi genoptager ikke din sag – sag {f.case_id}", [
        _p(
            f"Du har bedt os om at behandle sagen om {_decision(f)} igen. Det kaldes genoptagelse.",
            "Vi genoptager ikke sagen. Afgørelsen gælder fortsat.",
        ),
        _p(f"Det er vores begrundelse: {f.reason}"),
        _p(
            "Vi genoptager en afgjort sag, hvis der er nye oplysninger af betydning, hvis reglerne er ændret med",
            "virkning for sagen, eller hvis vi har begået en fejl, der ikke er ubetydelig.",
            "Får du nye oplysninger, kan du altid bede os se på sagen igen.",
        ),
        _p(
            "Hvis du er uenig, så kontakt os. Vi fortæller dig, om og hvordan du kan klage over afslaget.",
            "Vil du klage til Folketingets Ombudsmand over sagen, gælder fristen på 1 år stadig fra den endelige",
            "afgørelse. Den bliver ikke længere af, at du har bedt om genoptagelse.",
        ),
    ]


_EFFECT_TEXT = {
    AnkestyrelsenOutcome.AENDRET: "Ankestyrelsen har ændret afgørelsen.",
    AnkestyrelsenOutcome.OPHAEVET: "Ankestyrelsen har ophævet afgørelsen. Det betyder, at den ikke gælder længere.",
}


def _ankestyrelsen_effektuering(f: LetterFacts, r: Recipient) -> _Parts:
    kind = LetterKind.ANKESTYRELSEN_EFFEKTUERING
    _expect(f, kind, "outcome", set(_EFFECT_TEXT), required=True)
    if f.outcome is None:
        raise missing("outcome")
    if f.detriment_from is not None and f.outcome != AnkestyrelsenOutcome.AENDRET:
        raise LetterNotAllowed(f"{kind.value}: only an ændring has a date for a change to the detriment")
    paragraphs = [
        _p(
            f"Ankestyrelsen har behandlet klagen over {_decision(f)}.",
            _EFFECT_TEXT[f.outcome],
        )
    ]
    if f.detriment_from is not None:
        # rsl § 72 stk. 7 (R41): the citizen must know from which day the change applies.
        paragraphs.append(
            _section(
                "Ændringen er til ugunst for dig",
                "Ankestyrelsen har ændret afgørelsen, så du får mindre, end du havde fået før.",
                f"Ændringen gælder fra {dansk_dato(f.detriment_from)}.",
                "Indtil den dag gælder den gamle afgørelse (retssikkerhedslovens § 72, stk. 7).",
            )
        )
    paragraphs += [
        _p(
            "Vi gør nu det, som Ankestyrelsen har bestemt.",
            "Hvis afgørelsen giver ret til hjælp eller penge for en periode tilbage i tid, sørger vi også for det.",
            "Kontakt os, hvis du har spørgsmål.",
        ),
        _section(
            "Hvis du ikke er enig",
            "Du kan ikke klage over Ankestyrelsens afgørelse til en anden myndighed.",
            "Du kan klage til Folketingets Ombudsmand. Det skal ske inden 1 år fra Ankestyrelsens afgørelse.",
            "Du kan også få afgørelsen prøvet ved domstolene.",
        ),
    ]
    return f"Vi gennemfører Ankestyrelsens afgørelse – sag {f.case_id}", paragraphs


def _tilbagetraekning(f: LetterFacts, r: Recipient) -> _Parts:
    paragraphs = [
        _p(
            f"Du har trukket klagen over {_decision(f)} tilbage.",
            "Vi bekræfter hermed, at vi ikke behandler klagen mere.",
            "Det betyder, at afgørelsen gælder, som den er.",
        )
    ]
    if f.journal_number:
        paragraphs.append(
            _p(
                "Vi har fortalt Ankestyrelsen, at klagen er trukket tilbage.",
                f"Ankestyrelsens journalnummer er {f.journal_number}.",
                "Ankestyrelsen registrerer sagen som bortfaldet.",
                "Det betyder, at Ankestyrelsen lukker sagen uden at tage stilling til klagen.",
            )
        )
    return f"Din klage er trukket tilbage – sag {f.case_id}", paragraphs


_RENDERERS: dict[LetterKind, Callable[[LetterFacts, Recipient], _Parts]] = {
    LetterKind.KVITTERING: _kvittering,
    LetterKind.FULDMAGT_ANMODNING: _fuldmagt_anmodning,
    LetterKind.AKTINDSIGT_SVAR: _aktindsigt_svar,
    LetterKind.AKTINDSIGT_FRISTBREV: _aktindsigt_fristbrev,
    LetterKind.NY_AFGOERELSE_MEDHOLD: _ny_afgoerelse_medhold,
    LetterKind.NY_AFGOERELSE_DELVIST: _ny_afgoerelse_delvist,
    LetterKind.IKKE_FULDT_MEDHOLD: _ikke_fuldt_medhold,
    LetterKind.OVERSENDELSE: _oversendelse,
    LetterKind.GENOPTAGELSE_EFTER_HJEMVISNING: _genoptagelse_efter_hjemvisning,
    LetterKind.NY_AFGOERELSE_EFTER_HJEMVISNING: _ny_afgoerelse_efter_hjemvisning,
    LetterKind.ANKESTYRELSEN_EFFEKTUERING: _ankestyrelsen_effektuering,
    LetterKind.TILBAGETRAEKNING: _tilbagetraekning,
    LetterKind.GENVURDERING_FORSINKET: _genvurdering_forsinket,
    LetterKind.GENVURDERING_FORLAENGET: _genvurdering_forlaenget,
    LetterKind.GENOPTAGELSE: _genoptagelse,
    LetterKind.GENOPTAGELSE_AFSLAG: _genoptagelse_afslag,
    LetterKind.KVITTERING_FORMALITET: _kvittering_formalitet,
    LetterKind.KLAGEPUNKT_MODTAGET: _klagepunkt_modtaget,
    LetterKind.FORMALITET_FORSINKET: _formalitet_forsinket,
    LetterKind.FORMALITET_SVAR: _formalitet_svar,
    LetterKind.KVITTERING_KLAGE_FOELGER: _kvittering_klage_foelger,
    LetterKind.NYE_OPLYSNINGER: _nye_oplysninger,
    LetterKind.HASTEBEHANDLING: _hastebehandling,
    LetterKind.REPRAESENTANT_AENDRET: _repraesentant_aendret,
}


def render_letter(kind: LetterKind, facts: LetterFacts, recipient: Recipient) -> RenderedLetter:
    """Render one letter. Raises `LetterFactsMissing` if a needed fact is None, and `LetterNotAllowed` if
    the recipient may not get this kind (an afsender gets only FULDMAGT_ANMODNING; a party never gets it) or
    the facts contradict the kind (e.g. an effektuering letter for a stadfæstelse)."""
    fuldmagt = kind == LetterKind.FULDMAGT_ANMODNING
    if (recipient.role == "afsender" and not fuldmagt) or (recipient.role == "part" and fuldmagt):
        raise LetterNotAllowed(f"{kind.value} may not go to a {recipient.role} (case {facts.case_id})")
    if recipient.role == "partsrepraesentant" and not recipient.party_name:
        raise LetterFactsMissing(f"a letter to a partsrepræsentant needs party_name (case {facts.case_id})")
    subject, paragraphs = _RENDERERS[kind](facts, recipient)
    intro = (
        [f"Du har klaget på vegne af {recipient.party_name}. Derfor sender vi brevet til dig."]
        if recipient.role == "partsrepraesentant"
        else []
    )
    closing = [
        f"Skriv sagsnummer {facts.case_id}, når du kontakter os.",
        f"Med venlig hilsen\n{facts.kommune_name}",
    ]
    body = "\n\n".join([f"Kære {recipient.name}", *intro, *paragraphs, *closing])
    return RenderedLetter(subject=subject, body=body)
