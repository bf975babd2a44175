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
    AKTINDSIGT = "aktindsigt"  # genvurdering or klagefrist paused for aktindsigt (S1a)
    GENVURDERING = "genvurdering"  # the kommune re-assesses within 4 weeks (S3)
    FORWARDED = "forwarded"  # oversendt til Ankestyrelsen, no kvittering yet (S5)
    AT_ANKESTYRELSEN = "at_ankestyrelsen"  # Ankestyrelsen has acknowledged with a journalnummer (S6)
    GENBEHANDLING = "genbehandling"  # hjemvist: the kommune decides again (S7h)
    KLAGEFRIST = "klagefrist"  # new decision after hjemvisning, the klagefrist runs (S1)
    CLOSED = "closed"  # afsluttet (S9)
    WITHDRAWN = "withdrawn"  # tilbagetrukket (S12)

    @property
    def is_terminal(self) -> bool:
        return self in (Phase.CLOSED, Phase.WITHDRAWN)


PHASE_DANISH: dict[Phase, str] = {
    Phase.RECEIVED: "Klage modtaget",
    Phase.AWAITING_STANDING: "Afventer fuldmagt",
    Phase.AKTINDSIGT: "Afventer aktindsigt",
    Phase.GENVURDERING: "Genvurdering",
    Phase.FORWARDED: "Oversendt til Ankestyrelsen",
    Phase.AT_ANKESTYRELSEN: "Behandles i Ankestyrelsen",
    Phase.GENBEHANDLING: "Genbehandling efter hjemvisning",
    Phase.KLAGEFRIST: "Klagefristen løber",
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


class EscalationRoute(StrEnum):
    """Where a case can be escalated outside the genvurdering → Ankestyrelsen line (docs/legal-reference.md §3)."""

    LEDER = "leder"  # internal: a missed deadline goes to the caseworker's leder
    BORGMESTER = "borgmester"
    TILSYN = "tilsyn"  # Ankestyrelsens kommunale tilsyn
    OMBUDSMAND = "ombudsmand"  # Folketingets Ombudsmand
    BORGERRAADGIVER = "borgerraadgiver"
    DATATILSYNET = "datatilsynet"


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


class WarningKind(StrEnum):
    """Automatic deadline warnings (issue: deadline warnings fire by themselves)."""

    GENVURDERING_SNART = "genvurdering_snart"  # 7 days before the genvurdering deadline
    GENVURDERING_OVERSKREDET = "genvurdering_overskredet"  # the 4 weeks passed: leder escalation
    AKTINDSIGT_OVERSKREDET = "aktindsigt_overskredet"  # 7 arbejdsdage passed without an answer
    ANKESTYRELSEN_LANG_VENTETID = "ankestyrelsen_lang_ventetid"  # long wait at Ankestyrelsen (R35)
    GENTAGEN_HJEMVISNING = "gentagen_hjemvisning"  # remand_count >= 2 (docs/legal-reference.md §2.5, policy)


class DeadlineName(StrEnum):
    """The deadlines a case can have running at once (docs/legal-reference.md §2.3)."""

    KLAGEFRIST = "klagefrist"  # the citizen's 4 weeks to complain (rsl § 67)
    GENVURDERING = "genvurdering"  # the kommune's 4 weeks to re-assess (rsl § 66)
    AKTINDSIGT = "aktindsigt"  # the answer to a request for aktindsigt (FVL § 16 stk. 2, OFL § 36)


class CaseOutcome(StrEnum):
    """How a case ended (or where its last authority left it): the kommune's own endings and
    Ankestyrelsen's outcomes, one vocabulary for the read model and the statistics."""

    ENDELIG_AFGOERELSE = "endelig_afgoerelse"  # the new decision's klagefrist ran out without a complaint
    FULDT_MEDHOLD = "fuldt_medhold"  # genvurdering gave the citizen full medhold (rsl § 66)
    BEVILGET_EFTER_HJEMVISNING = "bevilget_efter_hjemvisning"  # the new decision after hjemvisning grants it
    TILBAGETRUKKET = "tilbagetrukket"  # the citizen withdrew the complaint (§7)
    STADFAESTET = AnkestyrelsenOutcome.STADFAESTET.value
    AENDRET = AnkestyrelsenOutcome.AENDRET.value
    OPHAEVET = AnkestyrelsenOutcome.OPHAEVET.value
    AFVIST = AnkestyrelsenOutcome.AFVIST.value
    BORTFALDET = AnkestyrelsenOutcome.BORTFALDET.value
    HJEMVIST = AnkestyrelsenOutcome.HJEMVIST.value
