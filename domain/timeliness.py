"""Was the complaint in time? docs/legal-reference.md §2.6: check suspension grounds first, flag late complaints for
Ankestyrelsen's dispensation (rsl § 67), never drop them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.deadlines import Deadline
from domain.letters import dansk_dato
from domain.models import ComplaintFiling
from domain.policy import MISDIRECTED_TIMELY_FROM_FIRST_RECEIPT
from domain.vocabulary import DecisionDelivery, MisdirectedVia


class KlagefristMissing(ValueError):
    """`assess` was called without the klagefrist it judges against: a bug in the caller, not bad input."""


@dataclass(frozen=True)
class Timeliness:
    late: bool
    explanation: list[str]


def suspension_ground(delivery: DecisionDelivery, klagevejledning_given: bool) -> str | None:
    """Why the klagefrist does not run at all, or None when it does."""
    if delivery == DecisionDelivery.ORAL:
        return (
            "Afgørelsen er kun givet mundtligt: klagefristen løber først fra en skriftlig afgørelse med "
            "klagevejledning (SEED 000; R5, R9, R66). Borgeren kan kræve en skriftlig begrundelse (FVL § 23, "
            "R22), og også en mundtlig afgørelse kan kræve klagevejledning via FVL § 7 (R25)."
        )
    if not klagevejledning_given:
        return (
            "Afgørelsen manglede klagevejledning: klagefristen løber ikke (retssikkerhedsvejledningen "
            "pkt. 272, R5)."
        )
    return None


def assess(
    received: date,
    *,
    strict: Deadline | None,
    lenient: Deadline | None,
    suspended_because: str | None,
    late_reason_given: bool,
) -> Timeliness:
    """Judge a complaint received on `received` against the klagefrist in both calendar profiles.

    A complaint between the strict and the lenient expiry is timely but marked for verification: the
    full list of non-working days under JM vejl. 9533/2018 is unverified (docs/legal-reference.md §2.4, Example A″).
    """
    if suspended_because is not None:
        return Timeliness(False, [suspended_because, "Klagen behandles derfor som rettidig."])
    if strict is None or lenient is None:
        raise KlagefristMissing("without a suspension ground, both calendar profiles' klagefrist are needed")
    arrived = f"Klagen er modtaget {dansk_dato(received)}"
    if received <= strict.due:
        return Timeliness(False, [f"{arrived}, inden klagefristen {dansk_dato(strict.due)} (rsl § 67)."])
    if received <= lenient.due:
        return Timeliness(
            False,
            [
                f"{arrived}, efter den strenge klagefrist {dansk_dato(strict.due)} men inden den lempelige "
                f"{dansk_dato(lenient.due)}.",
                "Rettidig – bør verificeres (JM vejl. 9533/2018, docs/legal-reference.md §2.4).",
            ],
        )
    lines = [
        f"{arrived}, efter klagefristen {dansk_dato(lenient.due)} (rsl § 67).",
        "Klagen afvises ikke af kommunen: den sendes videre med markering 'for sent', så Ankestyrelsen kan "
        "tage stilling til dispensation for særlig grund (rsl § 67, R6, R7).",
    ]
    if late_reason_given:
        lines.append("Borgeren har oplyst en særlig grund; den sendes med til Ankestyrelsen (R72).")
    return Timeliness(True, lines)


def misdirected_note(filing: ComplaintFiling) -> list[str]:
    """The timeliness explanation's line for a complaint that first arrived elsewhere (§2.7): which day was
    used, under which policy, and that the case waits for a legal review."""
    misdirected = filing.misdirected
    if misdirected is None:
        return []
    where = "Ankestyrelsen" if misdirected.via == MisdirectedVia.ANKESTYRELSEN else "en anden myndighed"
    used = (
        "Rettidigheden er vurderet fra den første modtagelse (politik MISDIRECTED_TIMELY_FROM_FIRST_RECEIPT, "
        "[UNVERIFIED])"
        if MISDIRECTED_TIMELY_FROM_FIRST_RECEIPT
        else "Rettidigheden er vurderet fra kommunens modtagelse (FOU 2020.23, R63)"
    )
    return [
        f"Klagen blev først modtaget af {where} {dansk_dato(misdirected.first_received)} og sendt videre til "
        f"kommunen (FVL § 7 stk. 2, R26, R62). {used}; sagen skal gennemgås juridisk (R63, R64)."
    ]
