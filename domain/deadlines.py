"""The deadline rules of a klagesag, each returning a date *and* the Danish audit trail that produced it.

docs/legal-reference.md §2.3 (rules) and §2.4 (worked examples).  Every `Deadline.explanation` line names the rule and
source it applies, so a caseworker (and later an auditor) can see which rule produced which date; the
rules that rest on an assumption say "[UNVERIFIED]" in the line itself.

Pure functions of dates: no wall clock, no I/O.  Only `end_of_day_utc` touches a time zone database, and it
is meant for activities, never workflow code.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from domain.calendar import (
    CalendarProfile,
    add_working_days,
    danish_date,
    helligdage,
    is_working_day,
    non_working_reason,
    roll_forward,
)
from domain.errors import CalendarError
from domain.vocabulary import DecisionDelivery

__all__ = [
    "AKTINDSIGT_WORKING_DAYS",
    "GENVURDERING_DAYS",
    "KLAGEFRIST_DAYS",
    "MIN_DAYS_AFTER_AKTINDSIGT",
    "POST_HVERDAGE",
    "QUICKPOST_DAYS",
    "Deadline",
    "DeadlineInputError",
    "DeadlineKind",
    "aktindsigt_answer_due",
    "end_of_day_utc",
    "frist_report",
    "genvurdering_due",
    "klagefrist",
    "klagefrist_after_aktindsigt",
    "presumed_receipt",
]

KLAGEFRIST_DAYS = 28  # rsl § 67: 4 uger [R5] (stk. not given in the sources)
# 4 uger: retssikkerhedsbekendtgørelsen § 12 stk. 2 [R4] and Ankestyrelsen's account of rsl § 66 [R3];
# the text of rsl § 66 itself was never retrieved (docs/legal-reference.md, statute text caveat).
GENVURDERING_DAYS = 28
AKTINDSIGT_WORKING_DAYS = 7  # FVL § 16 stk. 2 [R15], OFL § 36 stk. 2 [R14]
MIN_DAYS_AFTER_AKTINDSIGT = 14  # "altid mindst 14 dage" [SEED 000]
POST_HVERDAGE = 6  # almindelig post [R7]
QUICKPOST_DAYS = 2  # Quickpost [R7]

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

PROFILE_DANISH: dict[CalendarProfile, str] = {
    CalendarProfile.STRICT: "streng kalenderprofil: lørdag, søndag og helligdage",
    CalendarProfile.LENIENT: (
        "lempelig kalenderprofil: lørdag, søndag, helligdage samt fredag efter Kristi himmelfart, "
        "grundlovsdag, juleaftensdag og nytårsaftensdag"
    ),
}


class DeadlineKind(StrEnum):
    PRESUMED_RECEIPT = "presumed_receipt"  # formodet modtagelse af afgørelsen [R7]
    KLAGEFRIST = "klagefrist"  # rsl § 67
    AKTINDSIGT_ANSWER_DUE = "aktindsigt_answer_due"  # FVL § 16 stk. 2, OFL § 36
    GENVURDERING_DUE = "genvurdering_due"  # rsl § 66
    SERVICEMAAL = "servicemaal"  # the kommune's servicemål for answering a formalitetsklage (R70, policy)
    GENVURDERING_EXPECTED = "genvurdering_expected"  # the date an N7 extension notice promised (R4)
    SUBSTANCE_DUE = "substance_due"  # the substance of a "klage følger" is asked for by this day (policy)


class Deadline(BaseModel):
    """A computed frist and the Danish lines, one per rule applied, that explain it."""

    model_config = ConfigDict(frozen=True)

    kind: DeadlineKind
    due: date
    explanation: list[str]


class DeadlineInputError(CalendarError):
    """The dates given cannot have happened in that order; the message says what to correct."""


def _days(n: int) -> str:
    return "1 dag" if n == 1 else f"{n} dage"


def _roll(raw: date, profile: CalendarProfile) -> tuple[date, list[str]]:
    """roll_forward with the explanation line (R9, R12, R13): which day it hit and what it skipped."""
    due = roll_forward(raw, profile)
    if due == raw:
        return due, [f"{danish_date(raw)} er en hverdag; fristen flyttes ikke (R9)"]
    reason = non_working_reason(raw, profile)
    if raw in helligdage(raw.year):
        what = f"en helligdag ({reason})"
    elif raw.weekday() >= 5:
        what = f"en {reason}"
    else:
        what = f"en fridag i den lempelige kalenderprofil ({reason})"
    skipped = []
    d = raw + timedelta(days=1)
    while d < due:
        skipped.append(f"{non_working_reason(d, profile)} {d.day}/{d.month}")
        d += timedelta(days=1)
    also = f"; {', '.join(skipped)} springes også over" if skipped else ""
    return due, [
        f"Fristen udløber på {what} og flyttes til næste hverdag, {danish_date(due)}{also} "
        f"(R9, R12; {PROFILE_DANISH[profile]})"
    ]


def _expiry_line(due: date) -> str:
    return (
        f"Klagefristen udløber {danish_date(due)} kl. 23:59 dansk tid. Klagen skal være modtaget af kommunen "
        f"inden da; det er ikke nok at sende den med post på sidstedagen (R8, R11; SEED 000)"
    )


# --- presumed receipt (R7) -----------------------------------------------------------------------


def presumed_receipt(
    sent: date, delivery: DecisionDelivery, profile: CalendarProfile = CalendarProfile.STRICT
) -> Deadline:
    """When a decision is presumed received, by delivery channel (docs/legal-reference.md §2.3, R7, R12).

    Ordinary post counts hverdage with `profile`'s non-working days; the strict profile is exactly the
    documented assumption (Mon–Fri excluding helligdage, [UNVERIFIED]).
    """
    sent_line = f"Afgørelsen afsendt {danish_date(sent)}"
    match delivery:
        case DecisionDelivery.DIGITAL_POST:
            due = sent
            lines = [
                f"{sent_line} med Digital Post",
                "Digital Post anses for modtaget samme dag, som den er tilgængelig for borgeren (R7). "
                "Gør borgeren gældende, at den kom senere, undersøges det i systemets logs",
            ]
        case DecisionDelivery.HANDED_OVER:
            due = sent
            lines = [f"{sent_line} ved personlig udlevering", "Modtaget samme dag, som den blev udleveret"]
        case DecisionDelivery.ORAL:
            due = sent
            lines = [
                f"Afgørelsen meddelt mundtligt {danish_date(sent)}; modtaget samme dag",
                "NB: Klagefristen løber først fra den skriftlige afgørelse med klagevejledning (SEED 000; R66). "
                "Beregn klagefristen fra modtagelsen af den skriftlige afgørelse",
            ]
        case DecisionDelivery.POST:
            add_working_days(sent, 0, profile)  # validates the year even for the starting day
            due = add_working_days(sent, POST_HVERDAGE, profile)
            lines = [
                f"{sent_line} med almindelig post (afsendelsesdagen tælles ikke med)",
                f"+ {POST_HVERDAGE} hverdage = {danish_date(due)} (R7). Antagelse [UNVERIFIED]: hverdage er "
                f"mandag–fredag undtagen helligdage ({PROFILE_DANISH[profile]})",
            ]
        case DecisionDelivery.QUICKPOST:
            helligdage(sent.year)  # validates the year
            due = sent + timedelta(days=QUICKPOST_DAYS)
            helligdage(due.year)
            lines = [
                f"{sent_line} med Quickpost",
                f"+ {QUICKPOST_DAYS} dage = {danish_date(due)} (R7). Kalenderdage; modtagelsesdagen flyttes ikke, "
                f"da klagefristen godt kan begynde på en lørdag eller helligdag (R9)",
            ]
        case _:  # pragma: no cover - a new DecisionDelivery member must be given a rule here
            raise DeadlineInputError(f"No presumed-receipt rule for delivery {delivery!r}")
    return Deadline(kind=DeadlineKind.PRESUMED_RECEIPT, due=due, explanation=lines)


# --- klagefrist (rsl § 67) --------------------------------------------------------------------------


def klagefrist(decision_received: date, profile: CalendarProfile = CalendarProfile.STRICT) -> Deadline:
    """rsl § 67: 4 uger from receipt, rolled forward past the profile's non-working days (R5, R8, R9, R11)."""
    helligdage(decision_received.year)  # an unknown year must fail even if the +28 lands in a known one
    raw = decision_received + timedelta(days=KLAGEFRIST_DAYS)
    due, roll_lines = _roll(raw, profile)
    lines = [
        f"Afgørelsen modtaget {danish_date(decision_received)} (dag 0 tælles ikke med) (rsl § 67, R9)",
        f"+ 4 uger = {danish_date(raw)} (rsl § 67; R5)",
        *roll_lines,
        _expiry_line(due),
    ]
    return Deadline(kind=DeadlineKind.KLAGEFRIST, due=due, explanation=lines)


# --- aktindsigt (FVL § 16 stk. 2, OFL § 36) ---------------------------------------------------------


def aktindsigt_answer_due(requested: date) -> Deadline:
    """7 arbejdsdage after the request, day of receipt not counted, strict calendar (R14, R15)."""
    due = add_working_days(requested, AKTINDSIGT_WORKING_DAYS, CalendarProfile.STRICT)
    skipped = []
    d = requested + timedelta(days=1)
    while d < due:
        if not is_working_day(d, CalendarProfile.STRICT):
            skipped.append(f"{non_working_reason(d, CalendarProfile.STRICT)} {d.day}/{d.month}")
        d += timedelta(days=1)
    skip_text = f" (springer over: {', '.join(skipped)})" if skipped else ""
    lines = [
        f"Anmodning om aktindsigt modtaget {danish_date(requested)} (modtagelsesdagen tælles ikke med) "
        f"(FVL § 16 stk. 2, OFL § 36 stk. 2; R14, R15)",
        f"+ {AKTINDSIGT_WORKING_DAYS} arbejdsdage = {danish_date(due)}{skip_text}",
        "Kan anmodningen ikke afgøres inden da, skal borgeren inden fristen have besked om grunden og om, "
        "hvornår afgørelsen ventes (OFL § 36 stk. 2–3, R14; FVL § 16 stk. 2, R15)",
    ]
    return Deadline(kind=DeadlineKind.AKTINDSIGT_ANSWER_DUE, due=due, explanation=lines)


def servicemaal_due(received: date, working_days: int) -> Deadline:
    """The kommune's servicemål for a formalitetsklage: the citizen hears from the kommune if it cannot
    answer within `working_days` arbejdsdage (R70: 8 in Ringsted; a policy, not law: R68, R69). Counted like
    the aktindsigt frist: the day of receipt not counted, strict calendar."""
    due = add_working_days(received, working_days, CalendarProfile.STRICT)
    return Deadline(
        kind=DeadlineKind.SERVICEMAAL,
        due=due,
        explanation=[
            f"Formalitetsklagen modtaget {danish_date(received)} (modtagelsesdagen tælles ikke med)",
            f"+ {working_days} arbejdsdage = {danish_date(due)} (kommunens servicemål, R70)",
            "Der er ingen lovbestemt frist for svaret, men borgeren har krav på et svar inden for rimelig tid "
            "(R68, R69). Kan vi ikke svare inden servicemålet, får borgeren besked.",
        ],
    )


def genvurdering_expected(expected: date, legal_due: date) -> Deadline:
    """The date an extension notice (N7) promises the genvurdering by (retssikkerhedsbekendtgørelsen § 12
    stk. 2, R4). It does not move the legal 4 weeks; it is the date the citizen was given."""
    return Deadline(
        kind=DeadlineKind.GENVURDERING_EXPECTED,
        due=expected,
        explanation=[
            f"Genvurderingen skulle efter 4 uger være færdig {danish_date(legal_due)} (rsl § 66; R3, R4)",
            f"Borgeren har fået besked om forlængelse med grund og forventet dato: {danish_date(expected)} "
            "(retssikkerhedsbekendtgørelsen § 12 stk. 2, R4)",
        ],
    )


def _check_answer_order(requested: date, answered: date) -> None:
    if answered < requested:
        raise DeadlineInputError(
            f"aktindsigt cannot be answered before it was requested: answered {answered.isoformat()} is "
            f"before requested {requested.isoformat()}. Check both dates (the answer date is the day the "
            f"kommune's decision on aktindsigt reached the citizen)."
        )


def klagefrist_after_aktindsigt(
    current: Deadline,
    requested: date,
    answered: date,
    profile: CalendarProfile = CalendarProfile.STRICT,
) -> Deadline:
    """Interrupt a klagefrist for an aktindsigt request (docs/legal-reference.md §2.3; SEED 000, R5) — formula [UNVERIFIED].

    remaining = current.due − requested; new due = roll_forward(max(answered + remaining, answered + 14)).
    A request after the expiry does not interrupt (docs/legal-reference.md §7; SEED 000); it is still answered
    within 7 arbejdsdage (R14), and a complaint about that answer has no klagefrist (R17).  The earlier
    explanation lines are kept and the new ones appended, so repeated requests build one audit trail; apply
    them in the order they were made.
    """
    if current.kind is not DeadlineKind.KLAGEFRIST:
        raise DeadlineInputError(
            f"klagefrist_after_aktindsigt needs a klagefrist Deadline, got kind {current.kind.value!r}."
        )
    _check_answer_order(requested, answered)
    helligdage(requested.year)
    helligdage(answered.year)
    if requested > current.due:
        line = (
            f"Aktindsigt anmodet {danish_date(requested)}, efter at klagefristen udløb {danish_date(current.due)}: "
            f"klagefristen afbrydes ikke (SEED 000; docs/legal-reference.md §7). Anmodningen besvares stadig "
            f"inden for 7 arbejdsdage (R14), og en klage over svaret har ingen klagefrist (R17)"
        )
        return current.model_copy(update={"explanation": [*current.explanation, line]})

    remaining = (current.due - requested).days
    resume = answered + timedelta(days=remaining)
    floor = answered + timedelta(days=MIN_DAYS_AFTER_AKTINDSIGT)
    raw = max(resume, floor)
    rule = "svar + resterende frist" if resume >= floor else f"mindst {MIN_DAYS_AFTER_AKTINDSIGT} dage efter svaret"
    due, roll_lines = _roll(raw, profile)
    lines = [
        f"Aktindsigt anmodet {danish_date(requested)}, inden klagefristen udløb {danish_date(current.due)}: "
        f"klagefristen afbrydes (SEED 000; R5 \"kan bevirke en afbrydelse\")",
        f"Resterende frist ved anmodningen: {_days(remaining)}",
        f"Aktindsigt besvaret {danish_date(answered)}; fristen løber videre herfra",
        f"Ny frist = den seneste af svar + {_days(remaining)} ({danish_date(resume)}) og svar + "
        f"{MIN_DAYS_AFTER_AKTINDSIGT} dage ({danish_date(floor)}) = {danish_date(raw)} ({rule}). "
        f"Formlen er klagesags antagelse [UNVERIFIED] (SEED 000)",
        *roll_lines,
        _expiry_line(due),
    ]
    return Deadline(kind=DeadlineKind.KLAGEFRIST, due=due, explanation=[*current.explanation, *lines])


# --- genvurdering (rsl § 66) ------------------------------------------------------------------------


def substance_due(complaint_received: date, waiting: timedelta) -> Deadline:
    """"Klage følger" (R11): the day the citizen is asked to send the substance by, the kommune's waiting
    period after the placeholder (policy SUBSTANCE_WAITING_PERIOD, [UNVERIFIED]); not rolled forward."""
    due = complaint_received + waiting
    return Deadline(
        kind=DeadlineKind.SUBSTANCE_DUE,
        due=due,
        explanation=[
            f"Klagen (\"klage følger\") modtaget {danish_date(complaint_received)} (R11)",
            f"+ {waiting.days} dage til uddybningen (politik SUBSTANCE_WAITING_PERIOD) = {danish_date(due)}",
        ],
    )


def genvurdering_due(
    complaint_received: date, aktindsigt_pauses: Sequence[tuple[date, date]] = ()
) -> Deadline:
    """rsl § 66: 4 weeks from the complaint, not rolled forward, paused for aktindsigt (policy, [UNVERIFIED]).

    Each (requested, answered) pause that starts on or before the running due date moves it by the days
    the kommune owed the citizen the akter; overlapping pauses are counted once (the clock cannot stop twice).
    """
    helligdage(complaint_received.year)
    due = complaint_received + timedelta(days=GENVURDERING_DAYS)
    lines = [
        f"Klagen modtaget {danish_date(complaint_received)} (dag 0 tælles ikke med) (rsl § 66; R3, R4, SEED 000)",
        f"+ 4 uger = {danish_date(due)}",
    ]
    paused_until: date | None = None
    for requested, answered in sorted(aktindsigt_pauses):
        _check_answer_order(requested, answered)
        if requested < complaint_received:
            raise DeadlineInputError(
                f"an aktindsigt pause starting {requested.isoformat()} is before the complaint was received "
                f"({complaint_received.isoformat()}); such a request interrupts the klagefrist instead "
                f"(use klagefrist_after_aktindsigt / frist_report)."
            )
        helligdage(requested.year)
        helligdage(answered.year)
        if requested > due:
            lines.append(
                f"Aktindsigt anmodet {danish_date(requested)}, efter genvurderingsfristen {danish_date(due)}: "
                f"fristen flyttes ikke"
            )
            continue
        start = requested if paused_until is None else max(requested, paused_until)
        pause = max((answered - start).days, 0)
        paused_until = answered if paused_until is None else max(paused_until, answered)
        overlap = " (overlappende del af en tidligere pause tælles kun én gang)" if start != requested else ""
        if pause == 0:
            lines.append(
                f"Aktindsigt anmodet {danish_date(requested)} og besvaret {danish_date(answered)}: "
                f"ingen ventetid, fristen flyttes ikke{overlap}"
            )
            continue
        due += timedelta(days=pause)
        lines.append(
            f"Aktindsigt anmodet {danish_date(requested)} og besvaret {danish_date(answered)}: fristen står "
            f"stille i {_days(pause)}, mens kommunen skylder borgeren akterne{overlap}, og flyttes til "
            f"{danish_date(due)} (klagesags politik [UNVERIFIED])"
        )
    helligdage(due.year)
    reason = non_working_reason(due, CalendarProfile.STRICT)
    if reason is not None:
        lines.append(
            f"Fristen falder på en {reason}, men flyttes ikke: klagesag bruger den strengeste læsning af "
            f"kommunens egen frist (docs/legal-reference.md §2.3) [UNVERIFIED politik]"
        )
    else:
        lines.append(
            "Kommunens egen frist forlænges ikke, når den falder på en weekend eller helligdag: klagesag "
            "bruger den strengeste læsning (docs/legal-reference.md §2.3) [UNVERIFIED politik]"
        )
    lines.append(
        f"Senest {danish_date(due)} skal kommunen have truffet ny afgørelse (fuldt medhold) eller sendt besked "
        f"om, at borgeren ikke får fuldt medhold, og oversendt klagen med genvurdering og akter til "
        f"Ankestyrelsen (rsl § 66; R3, R4, R76). Mangler der oplysninger, sendes besked om forventet tid før "
        f"fristen (retssikkerhedsbekendtgørelsen § 12 stk. 2; R4)"
    )
    return Deadline(kind=DeadlineKind.GENVURDERING_DUE, due=due, explanation=lines)


# --- time of expiry ---------------------------------------------------------------------------------


def end_of_day_utc(d: date) -> datetime:
    """The aware UTC instant of 23:59:59 Europe/Copenhagen on `d` — when a frist on `d` expires (R8).

    Reads the time zone database, so use it only in activities (e.g. to schedule a timer), never in
    workflow code: a tzdata update could otherwise change a replayed workflow's history.
    """
    return datetime.combine(d, time(23, 59, 59), tzinfo=COPENHAGEN).astimezone(UTC)


# --- report for the CLI / case view -----------------------------------------------------------------


def frist_report(
    received: date | None,
    *,
    aktindsigt_requested: date | None = None,
    aktindsigt_answered: date | None = None,
    complaint_received: date | None = None,
    profile: CalendarProfile = CalendarProfile.STRICT,
) -> dict[str, Deadline | None]:
    """All frister of one decision: keys `klagefrist`, `aktindsigt_answer_due`, `genvurdering_due`.

    An aktindsigt request made before the complaint (or with no complaint yet) interrupts the klagefrist;
    one made on or after the complaint's receipt pauses the genvurdering instead.  A value is None when the
    inputs it needs are missing: without the decision's receipt there is no klagefrist, but the
    genvurdering still counts from the complaint.
    """
    if aktindsigt_answered is not None and aktindsigt_requested is None:
        raise DeadlineInputError(
            "aktindsigt_answered was given without aktindsigt_requested: an answer needs a request. "
            "Give the date the aktindsigt request was received as well."
        )
    if aktindsigt_requested is not None and aktindsigt_answered is not None:
        _check_answer_order(aktindsigt_requested, aktindsigt_answered)
    if received is not None and complaint_received is not None and complaint_received < received:
        raise DeadlineInputError(
            f"the complaint cannot be received ({complaint_received.isoformat()}) before the decision it "
            f"complains about was received ({received.isoformat()}). Check both dates."
        )

    kf = (
        _klagefrist_with_aktindsigt(received, aktindsigt_requested, aktindsigt_answered, complaint_received, profile)
        if received is not None
        else None
    )
    answer_due = aktindsigt_answer_due(aktindsigt_requested) if aktindsigt_requested is not None else None
    gv: Deadline | None = None
    if complaint_received is not None:
        r, a = aktindsigt_requested, aktindsigt_answered
        if r is not None and r >= complaint_received and a is not None:
            gv = genvurdering_due(complaint_received, [(r, a)])
        else:
            gv = genvurdering_due(complaint_received)
            if r is not None and r >= complaint_received:
                gv = _append(
                    gv,
                    f"Aktindsigt anmodet {danish_date(r)} er endnu ikke besvaret: fristen står stille fra denne "
                    f"dag og forlænges med ventetiden, når svaret foreligger (klagesags politik [UNVERIFIED]). "
                    f"Datoen ovenfor er foreløbig",
                )
        if kf is not None and received is not None:
            lenient_due = None
            if profile is CalendarProfile.STRICT:
                lenient_due = _klagefrist_with_aktindsigt(
                    received, aktindsigt_requested, aktindsigt_answered, complaint_received, CalendarProfile.LENIENT
                ).due
            kf = _append(kf, _timeliness_line(complaint_received, kf.due, lenient_due))
    return {"klagefrist": kf, "aktindsigt_answer_due": answer_due, "genvurdering_due": gv}


def _klagefrist_with_aktindsigt(
    received: date,
    r: date | None,
    a: date | None,
    complaint_received: date | None,
    profile: CalendarProfile,
) -> Deadline:
    """The klagefrist, interrupted by an aktindsigt request made before the complaint (or with none yet)."""
    kf = klagefrist(received, profile)
    if r is None or (complaint_received is not None and r >= complaint_received):
        return kf  # no request, or it pauses the genvurdering instead
    if r < received:
        return _append(
            kf,
            f"Aktindsigt anmodet {danish_date(r)}, før afgørelsen blev modtaget: klagefristen var ikke "
            f"begyndt at løbe og afbrydes ikke (klagesags fortolkning [UNVERIFIED])",
        )
    if a is not None:
        return klagefrist_after_aktindsigt(kf, r, a, profile)
    if r > kf.due:
        # Not answered yet, but it cannot interrupt a frist that had already expired (SEED 000;
        # docs/legal-reference.md §7).
        return klagefrist_after_aktindsigt(kf, r, r, profile)
    return _append(
        kf,
        f"Aktindsigt anmodet {danish_date(r)} er endnu ikke besvaret: klagefristen er afbrudt. Datoen ovenfor "
        f"er foreløbig; den nye frist beregnes, når aktindsigten er besvaret, og bliver mindst "
        f"{MIN_DAYS_AFTER_AKTINDSIGT} dage efter svaret (SEED 000) [UNVERIFIED]",
    )


def _append(deadline: Deadline, line: str) -> Deadline:
    return deadline.model_copy(update={"explanation": [*deadline.explanation, line]})


def _timeliness_line(complaint: date, due: date, lenient_due: date | None) -> str:
    if complaint <= due:
        return f"Klagen modtaget {danish_date(complaint)}, senest på fristdagen: rettidig"
    if lenient_due is not None and complaint <= lenient_due:
        # docs/legal-reference.md §2.4 A″: a complaint in the gap between the two profiles is "timely – verify".
        return (
            f"Klagen modtaget {danish_date(complaint)}, efter fristen i den strenge kalenderprofil, men inden "
            f"fristen i den lempelige ({danish_date(lenient_due)}): rettidig – kontrollér (docs/legal-reference.md §2.4)"
        )
    return (
        f"Klagen modtaget {danish_date(complaint)}, efter at klagefristen udløb: for sent. Undersøg først, om "
        f"fristen er suspenderet (manglende klagevejledning eller begrundelse, verserende aktindsigt, kun "
        f"mundtlig afgørelse), og send ellers klagen videre med borgerens begrundelse, så Ankestyrelsen kan "
        f"se bort fra overskridelsen, \"når der er særlig grund\" (rsl § 67; R5, R6; docs/legal-reference.md §2.6)"
    )
