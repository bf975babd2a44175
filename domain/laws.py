"""The laws a complaint's lovområde can name, and the parsing of "serviceloven § 83" into (law, paragraph).

SEED 004 registers every complaint's lovområde down to the paragraph (docs/legal-reference.md §4.1), so
statistics can count complaints per law and per paragraph. klagesag keeps the free text the caseworker
wrote (`area`) and, beside it, the structured value: a law from the small table below and a paragraph as
the law numbers it ("83", "3 a"). A text that names no known law keeps only its free text; a law the
table lacks is added here, with the names it is written by.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator

from domain.errors import InvalidInput


class Law(StrEnum):
    """The lovområder klagesag knows (docs/legal-reference.md "Abbreviations of laws and sources")."""

    SERVICELOVEN = "serviceloven"  # lov om social service (SEL)
    BARNETS_LOV = "barnets_lov"  # took over serviceloven's rules on children from 2024
    AKTIVLOVEN = "aktivloven"  # lov om aktiv socialpolitik
    PENSIONSLOVEN = "pensionsloven"  # lov om social pension
    BESKAEFTIGELSESLOVEN = "beskaeftigelsesloven"  # lov om en aktiv beskæftigelsesindsats
    SYGEDAGPENGELOVEN = "sygedagpengeloven"
    RETSSIKKERHEDSLOVEN = "retssikkerhedsloven"  # rsl
    FORVALTNINGSLOVEN = "forvaltningsloven"  # FVL
    OFFENTLIGHEDSLOVEN = "offentlighedsloven"  # OFL
    DATABESKYTTELSESLOVEN = "databeskyttelsesloven"


LAW_DANISH: dict[Law, str] = {
    Law.SERVICELOVEN: "serviceloven",
    Law.BARNETS_LOV: "barnets lov",
    Law.AKTIVLOVEN: "aktivloven",
    Law.PENSIONSLOVEN: "pensionsloven",
    Law.BESKAEFTIGELSESLOVEN: "beskæftigelsesloven",
    Law.SYGEDAGPENGELOVEN: "sygedagpengeloven",
    Law.RETSSIKKERHEDSLOVEN: "retssikkerhedsloven",
    Law.FORVALTNINGSLOVEN: "forvaltningsloven",
    Law.OFFENTLIGHEDSLOVEN: "offentlighedsloven",
    Law.DATABESKYTTELSESLOVEN: "databeskyttelsesloven",
}

# Every way the law is written in a complaint's lovområde, lower case (abbreviations and full titles).
_NAMES: dict[str, Law] = {
    **{name: law for law, name in LAW_DANISH.items()},
    "sel": Law.SERVICELOVEN,
    "lov om social service": Law.SERVICELOVEN,
    "barnets lov": Law.BARNETS_LOV,
    "aktivlov": Law.AKTIVLOVEN,
    "lov om aktiv socialpolitik": Law.AKTIVLOVEN,
    "lov om social pension": Law.PENSIONSLOVEN,
    "lab": Law.BESKAEFTIGELSESLOVEN,
    "lov om en aktiv beskæftigelsesindsats": Law.BESKAEFTIGELSESLOVEN,
    "rsl": Law.RETSSIKKERHEDSLOVEN,
    "fvl": Law.FORVALTNINGSLOVEN,
    "ofl": Law.OFFENTLIGHEDSLOVEN,
}

# A paragraph as Danish law numbers it: a number, perhaps followed by a letter ("3 a", "9a" → "9 a").
_PARAGRAPH = re.compile(r"^([1-9]\d{0,3})\s*([a-z])?$")
# "<law> § <paragraph> [stk. …]", the law possibly in the genitive ("servicelovens § 83").
_AREA = re.compile(r"^\s*(?P<law>[^§]+?)\s*(?:§+\s*(?P<paragraph>[1-9]\d{0,3}(?:\s*[a-z](?![a-zæøå]))?)(?P<rest>.*))?$", re.IGNORECASE)


def normalise_paragraph(text: str) -> str:
    """"83" → "83", "3a" or "3 A" → "3 a"; anything else is refused with the form it takes."""
    match = _PARAGRAPH.match(text.strip().lower())
    if match is None:
        raise InvalidInput(f"'{text}' is not a paragraph number; write it as the law does, e.g. 83 or 3 a.")
    number, letter = match.groups()
    return f"{number} {letter}" if letter else number


# A paragraph field: normalised ("3a" → "3 a"), anything else refused with the form it takes.
Paragraph = Annotated[str, AfterValidator(normalise_paragraph)]


def law_named(text: str) -> Law | None:
    """The law a name refers to, or None: "serviceloven", "SEL", "servicelovens", "Lov om social service"."""
    name = " ".join(text.strip().lower().split())
    if name in _NAMES:
        return _NAMES[name]
    if name.endswith("s") and name[:-1] in _NAMES:  # genitive: servicelovens, aktivlovens
        return _NAMES[name[:-1]]
    return None


def parse_area(area: str) -> tuple[Law, str | None] | None:
    """The structured lovområde in a free-text area: "serviceloven § 83" → (serviceloven, "83"),
    "SEL § 42 stk. 1" → (serviceloven, "42"), "aktivloven" → (aktivloven, None). None when the text names
    no known law (it is then kept as free text only)."""
    match = _AREA.match(area)
    if match is None:
        return None
    law = law_named(match.group("law"))
    if law is None:
        return None
    paragraph = match.group("paragraph")
    return law, normalise_paragraph(paragraph) if paragraph else None


def area_text(law: Law, paragraph: str | None) -> str:
    """The lovområde as letters and the case page write it: "serviceloven § 83"."""
    return f"{LAW_DANISH[law]} § {paragraph}" if paragraph else LAW_DANISH[law]
