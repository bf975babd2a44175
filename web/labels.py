"""Danish words for the vocabulary's values, for select boxes."""

from __future__ import annotations

from domain.laws import LAW_DANISH, Law, area_text
from domain.models import Klagepunkt
from domain.vocabulary import (
    FORMAL_CATEGORY_DANISH,
    FORMAL_GROUP,
    FormalCategory,
    FormalGroup,
    FormalLevel,
    FormalStage,
    PointOutcome,
    PointSource,
)

DELIVERIES = [
    ("digital_post", "Digital Post"),
    ("post", "Almindelig post"),
    ("quickpost", "Quickpost"),
    ("handed_over", "Udleveret personligt"),
    ("oral", "Mundtlig afgørelse"),
]
CHANNELS = [("written", "Brev"), ("digital", "Digitalt (e-mail, selvbetjening, Digital Post)"), ("oral", "Mundtligt")]
KINDS = [("realitet", "Realitetsklage"), ("formalitet", "Formalitetsklage")]
REPRESENTATIVES = [
    ("", "Ingen – borgeren klager selv"),
    ("professional", "Professionel (advokat, organisation)"),
    ("relative", "Pårørende"),
    ("vaerge", "Værge"),
    ("other", "Anden"),
]

# Where a misdirected complaint first arrived (docs/legal-reference.md §2.7).
MISDIRECTED = [
    ("", "Nej – klagen kom direkte til kommunen"),
    ("ankestyrelsen", "Ankestyrelsen (sendt direkte dertil)"),
    ("anden_myndighed", "En anden myndighed (videresendt, FVL § 7, stk. 2)"),
]

def misdirected_danish(value: str) -> str:
    return dict(MISDIRECTED).get(value, value)


# What a complaint to the borgerrådgiver is about that the borgerrådgiver cannot take (§3): refused with the route.
OUTSIDE_BORGERRAADGIVER = [
    ("", "Intet af dette"),
    ("serviceniveau", "Serviceniveau eller en politisk beslutning"),
    ("personalesag", "En personalesag"),
    ("for_tilsyn", "Sagen er hos Ankestyrelsens tilsyn"),
    ("for_ombudsmand", "Sagen er hos Folketingets Ombudsmand"),
    ("for_domstol", "Sagen er ved domstolene"),
]

# Who received the complaint (SEED 004's "klaget til"); Det Sociale Nævn is history only (R61).
RECIPIENTS = [
    ("", "Ikke oplyst"),
    ("myndighedscenter", "Myndighedscentret / afdelingen"),
    ("borgmester", "Borgmesteren"),
    ("direktoer", "Direktøren"),
    ("borgerraadgiver", "Borgerrådgiveren"),
    ("ombudsmand", "Folketingets Ombudsmand"),
    ("andre", "Andre"),
]
LAWS = [("", "Læses af området")] + [(law.value, name) for law, name in LAW_DANISH.items()]
FORMAL_GROUP_DANISH = {
    FormalGroup.FORVALTNINGSRET: "Forvaltningsretlige principper",
    FormalGroup.GOD_FORVALTNINGSSKIK: "God forvaltningsskik",
    FormalGroup.TEMA: "Andre temaer",
}
# The formal categories by group, for the filing form's check boxes ("andet" is what a complaint without
# any gets).
FORMAL_CATEGORIES = [
    (FORMAL_GROUP_DANISH[group], [(c.value, FORMAL_CATEGORY_DANISH[c]) for c in FormalCategory if FORMAL_GROUP[c] == group])
    for group in FORMAL_GROUP_DANISH
]

POINT_SOURCE_DANISH = {
    PointSource.FILING: "Klagen",
    PointSource.RETURNING: "Borgeren vendte tilbage",
    PointSource.APPEAL: "Rejst under klagesagen",
}
POINT_OUTCOME_DANISH = {
    PointOutcome.HELT_MEDHOLD: "Helt medhold",
    PointOutcome.DELVIST_MEDHOLD: "Delvist medhold",
    PointOutcome.IKKE_MEDHOLD: "Ikke medhold",
    PointOutcome.KRITIK: "Kritik",
    PointOutcome.BEKLAGELSE: "Beklagelse",
    PointOutcome.AFVIST: "Afvist",
    PointOutcome.TILBAGETRUKKET: "Tilbagetrukket",
}
FORMAL_LEVEL_DANISH = {
    FormalLevel.FORVALTNING: "forvaltningen",
    FormalLevel.BORGMESTER: "borgmesteren",
    FormalLevel.DIREKTOER: "direktøren",
    FormalLevel.BORGERRAADGIVER: "borgerrådgiveren",
}


def law_danish(law: str, paragraph: str | None) -> str:
    return area_text(Law(law), paragraph)


def recipient_danish(value: str) -> str:
    return dict(RECIPIENTS).get(value) or ("Det Sociale Nævn (historisk)" if value == "det_sociale_naevn" else value)


def formal_stage_danish(stage: str, level: str | None) -> str:
    who = FORMAL_LEVEL_DANISH[FormalLevel(level)] if level else "forvaltningen"
    return {
        FormalStage.FIRST_LEVEL: f"Afventer svar fra {who}",
        FormalStage.ESCALATED: f"Sendt videre: afventer svar fra {who}",
        FormalStage.CONCLUDED: f"Besvaret af {who}",
    }[FormalStage(stage)]


def point_subject(point: Klagepunkt) -> str:
    if point.category is not None:
        return FORMAL_CATEGORY_DANISH[point.category]
    where = f" ({law_danish(point.law, point.paragraph)})" if point.law else ""
    return f"Afgørelse {point.decision_ref or ''}{where}".strip()


def point_outcome(point: Klagepunkt) -> str:
    if point.outcome is None:
        return "Ikke afgjort"
    text = POINT_OUTCOME_DANISH[point.outcome]
    if point.decided_by is not None:
        text += f" ({FORMAL_LEVEL_DANISH[point.decided_by]})"
    if point.klageinstans_outcome is not None:
        text += f"; Ankestyrelsen: {point.klageinstans_outcome.replace('_', ' ')}"
    return text
