"""What a caseworker or leder reads when a deadline warning fires, and the reason in the automatic
fristbrev. Danish, with the rule that makes the date matter."""

from __future__ import annotations

from datetime import date

# The fristbrev goes out automatically when the 7 arbejdsdage pass (OFL § 36 stk. 3): no caseworker has
# registered a reason, so it says what is true of every such case.
AKTINDSIGT_DELAY_REASON = "Vi er endnu ikke færdige med at gennemgå dokumenterne i din sag"


def genvurdering_soon(due: date) -> str:
    return (
        f"Genvurderingen skal være færdig senest {due.isoformat()} (4 uger, rsl § 66, R3-R4). Send "
        "forlængelsesbrev med grund og forventet tidspunkt (skridtet 'genvurdering-extended'), hvis der "
        "mangler oplysninger (R4)."
    )


def genvurdering_overdue(due: date, promised: date | None = None) -> str:
    if promised is not None:
        return (
            f"Genvurderingen er ikke færdig til den dato, borgeren fik i forlængelsesbrevet ({promised.isoformat()}; "
            f"fristen var {due.isoformat()}, R4). Sagen skal stadig genvurderes og sendes videre."
        )
    return (
        f"Fristen for genvurdering ({due.isoformat()}) er overskredet. Sagen skal stadig genvurderes og "
        "sendes videre; borgerens ret fortabes ikke (docs/legal-reference.md §7)."
    )


def aktindsigt_overdue(requested: date, due: date) -> str:
    return (
        f"Aktindsigt anmodet {requested.isoformat()} er ikke besvaret inden for 7 arbejdsdage "
        f"({due.isoformat()}; FVL § 16 stk. 2, OFL § 36). Fristbrev sendt."
    )


def ankestyrelsen_long_wait(days: int) -> str:
    return (
        f"Sagen har ventet {days} dage i Ankestyrelsen (mange sager afgøres inden 3 måneder, 90 % "
        "inden 7 måneder, R35). Overvej at bede om status eller hastebehandling."
    )


def repeated_remand(remand_count: int) -> str:
    return (
        f"Sagen er hjemvist {remand_count} gange. Borgerens behov venter, mens sagen går i "
        "ring (docs/legal-reference.md §2.5, SEED 003)."
    )


def servicemaal_soon(due: date) -> str:
    return (
        f"Formalitetsklagen skal helst besvares senest {due.isoformat()} (kommunens servicemål, R70). "
        "Ellers får borgeren automatisk besked om, at svaret bliver forsinket."
    )


def servicemaal_passed(due: date) -> str:
    return (
        f"Servicemålet for svaret på formalitetsklagen ({due.isoformat()}) er passeret; borgeren har fået "
        "besked. Svar inden for rimelig tid (god forvaltningsskik, R68)."
    )


def misdirected(via: str, first_received: date) -> str:
    where = "Ankestyrelsen" if via == "ankestyrelsen" else "en anden myndighed"
    return (
        f"Klagen blev først modtaget af {where} {first_received.isoformat()} og er sendt videre til kommunen "
        "(FVL § 7 stk. 2). Om den første modtagelse holder klagen rettidig, er ikke afklaret (R63, R64; politik "
        "MISDIRECTED_TIMELY_FROM_FIRST_RECEIPT): sagen skal gennemgås juridisk."
    )


def substance_overdue(due: date) -> str:
    return (
        f"Borgeren har meldt 'klage følger', men uddybningen er ikke kommet (bedt om senest {due.isoformat()}). "
        "Kontakt borgeren; kommer den ikke, så registrér 'substance-received' og genvurdér på det, sagen "
        "indeholder: en klage behøver ingen begrundelse (R3, R11)."
    )
