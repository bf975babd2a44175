"""The words of the process: every closed set of values klagesag knows, named as the law names them.

Values are snake_case ASCII (they travel in JSON, search attributes and the CLI); the Danish term the law
uses is in the comment or in `DANISH` where a caseworker or citizen reads it.
"""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    """Where a complaint stands (docs/legal-reference.md §2.2)."""

    RECEIVED = "received"  # klage modtaget (S2)
    AWAITING_STANDING = "awaiting_standing"  # mangler fuldmagt (S2b)
    AWAITING_SUBSTANCE = "awaiting_substance"  # "klage følger": timely, the substance is awaited (§2.6, R11)
    AKTINDSIGT = "aktindsigt"  # genvurdering or klagefrist paused for aktindsigt (S1a)
    GENVURDERING = "genvurdering"  # the kommune re-assesses within 4 weeks (S3)
    FORWARDED = "forwarded"  # oversendt til Ankestyrelsen, no kvittering yet (S5)
    AT_ANKESTYRELSEN = "at_ankestyrelsen"  # Ankestyrelsen has acknowledged with a journalnummer (S6)
    GENBEHANDLING = "genbehandling"  # hjemvist: the kommune decides again (S7h)
    KLAGEFRIST = "klagefrist"  # new decision after hjemvisning, the klagefrist runs (S1)
    GENOPTAGET = "genoptaget"  # a closed case reopened (S11): the kommune decides again
    # The formal track (docs/legal-reference.md §2.9), when no realitet track is running on the case:
    FORMAL_FIRST_LEVEL = "formal_first_level"  # forvaltningen or a leder answers (F0-F1)
    FORMAL_ESCALATED = "formal_escalated"  # borgmester, direktør or borgerrådgiver answers (F2)
    CLOSED = "closed"  # afsluttet (S9; F3 for the formal track)
    WITHDRAWN = "withdrawn"  # tilbagetrukket (S12)

    @property
    def is_terminal(self) -> bool:
        return self in (Phase.CLOSED, Phase.WITHDRAWN)


PHASE_DANISH: dict[Phase, str] = {
    Phase.RECEIVED: "Klage modtaget",
    Phase.AWAITING_STANDING: "Afventer fuldmagt",
    Phase.AWAITING_SUBSTANCE: "Afventer uddybning af klagen",
    Phase.AKTINDSIGT: "Afventer aktindsigt",
    Phase.GENVURDERING: "Genvurdering",
    Phase.FORWARDED: "Oversendt til Ankestyrelsen",
    Phase.AT_ANKESTYRELSEN: "Behandles i Ankestyrelsen",
    Phase.GENBEHANDLING: "Genbehandling efter hjemvisning",
    Phase.KLAGEFRIST: "Klagefristen løber",
    Phase.GENOPTAGET: "Genoptaget: ny afgørelse",
    Phase.FORMAL_FIRST_LEVEL: "Formalitetsklage: forvaltningen svarer",
    Phase.FORMAL_ESCALATED: "Formalitetsklage: sendt videre",
    Phase.CLOSED: "Afsluttet",
    Phase.WITHDRAWN: "Tilbagetrukket",
}


class DecisionDelivery(StrEnum):
    """How the decision complained about reached the citizen (docs/legal-reference.md §2.3, presumed receipt)."""

    DIGITAL_POST = "digital_post"  # Digital Post: received the same day [R7]
    POST = "post"  # almindelig post: 6 hverdage [R7]
    QUICKPOST = "quickpost"  # Quickpost: 2 days [R7]
    HANDED_OVER = "handed_over"  # udleveret personligt: the same day
    ORAL = "oral"  # mundtlig afgørelse: the klagefrist runs only from a written decision [SEED 000]


class ComplaintChannel(StrEnum):
    """How the complaint reached the kommune; no form is required (docs/legal-reference.md §1, R29)."""

    ORAL = "oral"  # mundtlig: must be written down [SEED 000]
    WRITTEN = "written"  # brev
    DIGITAL = "digital"  # digital selvbetjening, e-mail, Digital Post


class ComplaintKind(StrEnum):
    """docs/legal-reference.md §2.1: the two tracks."""

    REALITET = "realitet"  # realitetsklage: the content of a decision
    FORMALITET = "formalitet"  # formalitetsklage: the handling of the case


class MisdirectedVia(StrEnum):
    """Where a complaint arrived before it reached the kommune (docs/legal-reference.md §2.7)."""

    ANKESTYRELSEN = "ankestyrelsen"  # sent to Ankestyrelsen directly; it goes back for genvurdering (R3)
    ANDEN_MYNDIGHED = "anden_myndighed"  # another kommune or authority, forwarded under FVL § 7 stk. 2 (R26, R62)


class OutsideBorgerraadgiver(StrEnum):
    """What the borgerrådgiver cannot take (docs/legal-reference.md §3; SEED 002, 003; R51)."""

    SERVICENIVEAU = "serviceniveau"  # generelt serviceniveau and political decisions: the political channel (R1)
    PERSONALESAG = "personalesag"  # personnel and employment matters
    FOR_TILSYN = "for_tilsyn"  # already before Ankestyrelsens kommunale tilsyn
    FOR_OMBUDSMAND = "for_ombudsmand"  # already before Folketingets Ombudsmand
    FOR_DOMSTOL = "for_domstol"  # already before the courts


class RepresentativeKind(StrEnum):
    """Who complains on the party's behalf (docs/legal-reference.md §1, §7 standing)."""

    PROFESSIONAL = "professional"  # advokat, socialrådgiver, organisation: normally accepted without fuldmagt [R28]
    RELATIVE = "relative"  # pårørende: needs a written fuldmagt [R29]
    VAERGE = "vaerge"  # beskikket værge: may complain for the party [R29]
    OTHER = "other"


class GenvurderingResult(StrEnum):
    """rsl § 66 (docs/legal-reference.md §2.2 S3, §2.8)."""

    FULDT_MEDHOLD = "fuldt_medhold"
    DELVIST_MEDHOLD = "delvist_medhold"
    FASTHOLDT = "fastholdt"


class AnkestyrelsenOutcome(StrEnum):
    """Ankestyrelsen's outcomes (docs/legal-reference.md §2.2 S7, R30, R32)."""

    STADFAESTET = "stadfaestet"
    AENDRET = "aendret"
    OPHAEVET = "ophaevet"
    AFVIST = "afvist"
    BORTFALDET = "bortfaldet"
    HJEMVIST = "hjemvist"


class NewDecisionResult(StrEnum):
    """The kommune's new decision after hjemvisning (docs/legal-reference.md §2.5)."""

    BEVILLING = "bevilling"
    DELVIS = "delvis"
    AFSLAG = "afslag"


class GenoptagelseResult(StrEnum):
    """The answer to a request to reopen a closed case (docs/legal-reference.md §2.2 S11)."""

    GENOPTAGET = "genoptaget"
    AFSLAAET = "afslaaet"


class GenoptagelseGround(StrEnum):
    """Why a closed case is reopened: the unwritten grounds (R55) and the duty after a general error (R56)."""

    NYE_OPLYSNINGER = "nye_oplysninger"  # new essential facts, a different result somewhat likely
    NYT_RETSGRUNDLAG = "nyt_retsgrundlag"  # a new legal basis with retroactive effect
    SAGSBEHANDLINGSFEJL = "sagsbehandlingsfejl"  # a procedural error that is not trivial
    PRAKSISAENDRING = "praksisaendring"  # a general error or change of practice (R56)


class EscalationRoute(StrEnum):
    """Where a case can be escalated outside the genvurdering → Ankestyrelsen line (docs/legal-reference.md §3)."""

    LEDER = "leder"  # internal: a missed deadline goes to the caseworker's leder
    BORGMESTER = "borgmester"
    TILSYN = "tilsyn"  # Ankestyrelsens kommunale tilsyn
    OMBUDSMAND = "ombudsmand"  # Folketingets Ombudsmand
    BORGERRAADGIVER = "borgerraadgiver"
    DATATILSYNET = "datatilsynet"
    DIREKTOER = "direktoer"  # the forvaltning's direktør: a formalitetsklage's second level (§2.9 F2)


class LetterKind(StrEnum):
    """Every letter the citizen (or the partsrepræsentant) gets (docs/legal-reference.md §5)."""

    KVITTERING = "kvittering"  # N4
    FULDMAGT_ANMODNING = "fuldmagt_anmodning"  # §2.2 S2b: ask the sender for a fuldmagt
    AKTINDSIGT_SVAR = "aktindsigt_svar"  # N12
    AKTINDSIGT_FRISTBREV = "aktindsigt_fristbrev"  # N12, when the 7 arbejdsdage pass
    NY_AFGOERELSE_MEDHOLD = "ny_afgoerelse_medhold"  # N5: fuldt medhold
    NY_AFGOERELSE_DELVIST = "ny_afgoerelse_delvist"  # N1/§2.8: the changed part
    IKKE_FULDT_MEDHOLD = "ikke_fuldt_medhold"  # N6
    OVERSENDELSE = "oversendelse"  # N8
    GENOPTAGELSE_EFTER_HJEMVISNING = "genoptagelse_efter_hjemvisning"  # N13
    NY_AFGOERELSE_EFTER_HJEMVISNING = "ny_afgoerelse_efter_hjemvisning"  # N1 with a new klagefrist
    ANKESTYRELSEN_EFFEKTUERING = "ankestyrelsen_effektuering"  # S8: the kommune implements a change
    TILBAGETRAEKNING = "tilbagetraekning"  # §7: confirmation of a withdrawal
    GENVURDERING_FORSINKET = "genvurdering_forsinket"  # N7/R4: the 4 weeks passed; the citizen is told
    GENVURDERING_FORLAENGET = "genvurdering_forlaenget"  # N7/R4: before the 4 weeks pass, reason and expected date
    GENOPTAGELSE = "genoptagelse"  # S11: the closed case is reopened; a new decision follows
    GENOPTAGELSE_AFSLAG = "genoptagelse_afslag"  # S11: the request to reopen is refused, with begrundelse
    KVITTERING_FORMALITET = "kvittering_formalitet"  # N4 for a formalitetsklage: who answers, the servicemål
    KLAGEPUNKT_MODTAGET = "klagepunkt_modtaget"  # N4 for klagepunkter added to an open case (§7)
    FORMALITET_FORSINKET = "formalitet_forsinket"  # R70: the servicemål passed without an answer
    FORMALITET_SVAR = "formalitet_svar"  # N14: the answer, outcome per klagepunkt, the onward routes
    KVITTERING_KLAGE_FOELGER = "kvittering_klage_foelger"  # N4 for "klage følger": timely, send the substance (R11)
    NYE_OPLYSNINGER = "nye_oplysninger"  # the citizen's new information went on to Ankestyrelsen (R40)
    HASTEBEHANDLING = "hastebehandling"  # the request for hastebehandling went on to Ankestyrelsen (R35)
    REPRAESENTANT_AENDRET = "repraesentant_aendret"  # N15: who gets the letters from now on (FVL § 8)


class WarningKind(StrEnum):
    """Automatic deadline warnings (issue: deadline warnings fire by themselves)."""

    GENVURDERING_SNART = "genvurdering_snart"  # 7 days before the genvurdering deadline
    GENVURDERING_OVERSKREDET = "genvurdering_overskredet"  # the 4 weeks passed: leder escalation
    AKTINDSIGT_OVERSKREDET = "aktindsigt_overskredet"  # 7 arbejdsdage passed without an answer
    ANKESTYRELSEN_LANG_VENTETID = "ankestyrelsen_lang_ventetid"  # long wait at Ankestyrelsen (R35)
    GENTAGEN_HJEMVISNING = "gentagen_hjemvisning"  # remand_count >= 2 (docs/legal-reference.md §2.5, policy)
    SERVICEMAAL_SNART = "servicemaal_snart"  # a formalitetsklage's servicemål is near (R70, policy)
    SERVICEMAAL_OVERSKREDET = "servicemaal_overskredet"  # the servicemål passed: the citizen was told (R70)
    FORKERT_MYNDIGHED = "forkert_myndighed"  # misdirected: timeliness to be reviewed (§2.7, R63, R64)
    UDDYBNING_MANGLER = "uddybning_mangler"  # "klage følger": the waiting period passed without the substance


class DeadlineName(StrEnum):
    """The deadlines a case can have running at once (docs/legal-reference.md §2.3)."""

    KLAGEFRIST = "klagefrist"  # the citizen's 4 weeks to complain (rsl § 67)
    GENVURDERING = "genvurdering"  # the kommune's 4 weeks to re-assess (rsl § 66)
    AKTINDSIGT = "aktindsigt"  # the answer to a request for aktindsigt (FVL § 16 stk. 2, OFL § 36)
    SERVICEMAAL = "servicemaal"  # the kommune's servicemål for answering a formalitetsklage (R70, policy)
    GENVURDERING_FORVENTET = "genvurdering_forventet"  # the date the N7 extension notice promised (R4)
    UDDYBNING = "uddybning"  # the substance of a "klage følger" is asked for by this day (policy)


class CaseOutcome(StrEnum):
    """How a case ended (or where its last authority left it): the kommune's own endings and
    Ankestyrelsen's outcomes, one vocabulary for the read model and the statistics."""

    ENDELIG_AFGOERELSE = "endelig_afgoerelse"  # the new decision's klagefrist ran out without a complaint
    FULDT_MEDHOLD = "fuldt_medhold"  # genvurdering gave the citizen full medhold (rsl § 66)
    BEVILGET_EFTER_HJEMVISNING = "bevilget_efter_hjemvisning"  # the new decision after hjemvisning grants it
    TILBAGETRUKKET = "tilbagetrukket"  # the citizen withdrew the complaint (§7)
    BESVARET = "besvaret"  # a formalitetsklage was answered; how, is in each klagepunkt's outcome (§2.9 F3)
    STADFAESTET = AnkestyrelsenOutcome.STADFAESTET.value
    AENDRET = AnkestyrelsenOutcome.AENDRET.value
    OPHAEVET = AnkestyrelsenOutcome.OPHAEVET.value
    AFVIST = AnkestyrelsenOutcome.AFVIST.value
    BORTFALDET = AnkestyrelsenOutcome.BORTFALDET.value
    HJEMVIST = AnkestyrelsenOutcome.HJEMVIST.value


# --- klagepunkter and the registration of SEED 004 (docs/legal-reference.md §4.1-4.2) -------------------


class FormalGroup(StrEnum):
    """The main categories a formal klagepunkt falls in (docs/legal-reference.md §4.2, SEED 003)."""

    FORVALTNINGSRET = "forvaltningsret"  # forvaltningsretlige principper and garantier
    GOD_FORVALTNINGSSKIK = "god_forvaltningsskik"
    TEMA = "tema"  # the other themes SEED 003 counts
    ANDET = "andet"


class FormalCategory(StrEnum):
    """What a formal klagepunkt is about: SEED 004's "forhold i sagsbehandlingen" (§4.1) and SEED 003's
    klagepunkter (§4.2), one list. The group of each is in `FORMAL_GROUP`, the Danish words in
    `FORMAL_CATEGORY_DANISH`."""

    # forvaltningsretlige principper and garantier (FVL, OFL)
    BEGRUNDELSE = "begrundelse"
    KLAGEVEJLEDNING = "klagevejledning"
    VEJLEDNING = "vejledning"
    PARTSHOERING = "partshoering"
    NOTATPLIGT = "notatpligt"
    JOURNALISERING = "journalisering"
    # god forvaltningsskik
    SAGSBEHANDLINGSTID = "sagsbehandlingstid"
    MANGLENDE_SVAR = "manglende_svar"
    ORIENTERING = "orientering"  # orientering om sagens gang og status
    KOORDINERET_INDSATS = "koordineret_indsats"
    INDDRAGELSE = "inddragelse"
    OPFOELGNING = "opfoelgning"
    SPROGBRUG = "sprogbrug"
    OPTRAEDEN = "optraeden"  # personalets optræden: never for Ankestyrelsen (SEED 001)
    BETJENING = "betjening"
    # themes
    DIGITALISERING = "digitalisering"
    MOEDER = "moeder"
    HANDICAP = "handicap"
    HJEMLOESHED = "hjemloeshed"
    PAAROERENDE = "paaroerende"
    # not yet classified (docs/legal-reference.md §7: "Andre", to be reclassified)
    ANDET = "andet"


FORMAL_GROUP: dict[FormalCategory, FormalGroup] = {
    **{c: FormalGroup.FORVALTNINGSRET for c in (
        FormalCategory.BEGRUNDELSE, FormalCategory.KLAGEVEJLEDNING, FormalCategory.VEJLEDNING,
        FormalCategory.PARTSHOERING, FormalCategory.NOTATPLIGT, FormalCategory.JOURNALISERING,
    )},
    **{c: FormalGroup.GOD_FORVALTNINGSSKIK for c in (
        FormalCategory.SAGSBEHANDLINGSTID, FormalCategory.MANGLENDE_SVAR, FormalCategory.ORIENTERING,
        FormalCategory.KOORDINERET_INDSATS, FormalCategory.INDDRAGELSE, FormalCategory.OPFOELGNING,
        FormalCategory.SPROGBRUG, FormalCategory.OPTRAEDEN, FormalCategory.BETJENING,
    )},
    **{c: FormalGroup.TEMA for c in (
        FormalCategory.DIGITALISERING, FormalCategory.MOEDER, FormalCategory.HANDICAP,
        FormalCategory.HJEMLOESHED, FormalCategory.PAAROERENDE,
    )},
    FormalCategory.ANDET: FormalGroup.ANDET,
}  # fmt: skip

FORMAL_CATEGORY_DANISH: dict[FormalCategory, str] = {
    FormalCategory.BEGRUNDELSE: "begrundelse",
    FormalCategory.KLAGEVEJLEDNING: "klagevejledning",
    FormalCategory.VEJLEDNING: "vejledning",
    FormalCategory.PARTSHOERING: "partshøring",
    FormalCategory.NOTATPLIGT: "notatpligt",
    FormalCategory.JOURNALISERING: "journalisering",
    FormalCategory.SAGSBEHANDLINGSTID: "sagsbehandlingstid",
    FormalCategory.MANGLENDE_SVAR: "manglende svar",
    FormalCategory.ORIENTERING: "orientering om sagens gang",
    FormalCategory.KOORDINERET_INDSATS: "koordineret indsats",
    FormalCategory.INDDRAGELSE: "inddragelse",
    FormalCategory.OPFOELGNING: "opfølgning",
    FormalCategory.SPROGBRUG: "sprogbrug",
    FormalCategory.OPTRAEDEN: "personalets optræden",
    FormalCategory.BETJENING: "betjening",
    FormalCategory.DIGITALISERING: "digitalisering",
    FormalCategory.MOEDER: "møder",
    FormalCategory.HANDICAP: "handicap",
    FormalCategory.HJEMLOESHED: "hjemløshed",
    FormalCategory.PAAROERENDE: "pårørende",
    FormalCategory.ANDET: "andet",
}


class PointSource(StrEnum):
    """How a klagepunkt came to the case (docs/legal-reference.md §7)."""

    FILING = "filing"  # in the complaint as filed, or split out of it by the caseworker
    RETURNING = "returning"  # the complainant came back with new points on the open case (SEED 003)
    APPEAL = "appeal"  # behaviour raised inside an appeal: a formal point, Ankestyrelsen does not assess it (SEED 001)


class PointOutcome(StrEnum):
    """The udfald of one klagepunkt at the kommune (docs/legal-reference.md §4.1, §2.9 F3). A realitet
    point takes the genvurdering's result; its outcome at Ankestyrelsen is kept beside it."""

    HELT_MEDHOLD = "helt_medhold"
    DELVIST_MEDHOLD = "delvist_medhold"
    IKKE_MEDHOLD = "ikke_medhold"
    KRITIK = "kritik"  # formal only: the kommune criticises its own handling
    BEKLAGELSE = "beklagelse"  # formal only: beklagelse or undskyldning
    AFVIST = "afvist"  # formal only: outside the remit of the one answering
    TILBAGETRUKKET = "tilbagetrukket"  # the complaint was withdrawn before the point was decided



class FormalOutcome(StrEnum):
    """The outcomes a formal klagepunkt can be given (docs/legal-reference.md §2.9 F3): the values of
    `PointOutcome` a caseworker chooses from."""

    KRITIK = PointOutcome.KRITIK.value
    BEKLAGELSE = PointOutcome.BEKLAGELSE.value
    HELT_MEDHOLD = PointOutcome.HELT_MEDHOLD.value
    DELVIST_MEDHOLD = PointOutcome.DELVIST_MEDHOLD.value
    IKKE_MEDHOLD = PointOutcome.IKKE_MEDHOLD.value
    AFVIST = PointOutcome.AFVIST.value

POINT_OUTCOME_DANISH: dict[PointOutcome, str] = {
    PointOutcome.HELT_MEDHOLD: "du får medhold",
    PointOutcome.DELVIST_MEDHOLD: "du får delvist medhold",
    PointOutcome.IKKE_MEDHOLD: "du får ikke medhold",
    PointOutcome.KRITIK: "vi kritiserer vores egen sagsbehandling",
    PointOutcome.BEKLAGELSE: "vi beklager",
    PointOutcome.AFVIST: "vi kan ikke behandle dette punkt",
    PointOutcome.TILBAGETRUKKET: "klagen er trukket tilbage",
}


class ComplaintRecipient(StrEnum):
    """Who the complaint was sent to: SEED 004's "klaget til" (docs/legal-reference.md §4.1)."""

    BORGMESTER = "borgmester"
    DIREKTOER = "direktoer"
    BORGERRAADGIVER = "borgerraadgiver"
    OMBUDSMAND = "ombudsmand"  # Folketingets Ombudsmand
    MYNDIGHEDSCENTER = "myndighedscenter"  # the unit (myndighedscenter, afdeling) itself
    ANDRE = "andre"
    DET_SOCIALE_NAEVN = "det_sociale_naevn"  # abolished 1/7 2013 (R61): history only, refused for new cases


class FormalLevel(StrEnum):
    """Who answers a formalitetsklage (docs/legal-reference.md §2.9): the first level, then one of the
    second."""

    FORVALTNING = "forvaltning"  # F1: the forvaltning or a leder
    BORGMESTER = "borgmester"  # F2
    DIREKTOER = "direktoer"  # F2
    BORGERRAADGIVER = "borgerraadgiver"  # F2: only once the dialogue with the forvaltning is exhausted


SECOND_LEVELS = (FormalLevel.BORGMESTER, FormalLevel.DIREKTOER, FormalLevel.BORGERRAADGIVER)


class FormalStage(StrEnum):
    """Where the formal track of a case stands (docs/legal-reference.md §2.9)."""

    FIRST_LEVEL = "first_level"  # F0-F1: received, the forvaltning answers
    ESCALATED = "escalated"  # F2: borgmester, direktør or borgerrådgiver answers
    CONCLUDED = "concluded"  # F3: answered; the onward routes (F4) stay open


class Retsstilling(StrEnum):
    """The borgerrådgiver's judgement of whether the complaint strengthened the citizen's legal position
    (docs/legal-reference.md §4.2, SEED 003)."""

    PROCESSUEL = "processuel"
    MATERIEL = "materiel"
    INGEN = "ingen"
    VED_IKKE = "ved_ikke"
