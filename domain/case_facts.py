"""The countable facts of one complaint, extracted from its read-model view for the statistics.

`facts(view)` turns a `CaseView` into one `CaseFacts` row (what the complaint is: kind, unit, channel,
klaget til, lovområde and paragraph, how long it spent in each phase, how it ended) and a list of
`FactEvent`s (what happened on a date: a genvurdering, an Ankestyrelsen decision, an aktindsigt answer
due). `store/register.py` writes both into the narrow tables of migration 008 in the same transaction as
the view itself, so a year's statistics are a few indexed scans instead of reading every case's jsonb.

Nothing here is personal data: codes from closed vocabularies, dates and counts. Free text (the area as
the caseworker typed it, reasons, warning messages) never leaves this module: the lovområde is matched
against a known list (`LAWS`) and the paragraph against the pattern "§ 83 a"; anything else counts as
"andet" or "ikke registreret". A field the view does not have yet (klaget til, a structured lovområde,
klagepunkter: docs/legal-reference.md §4.1-4.2) counts as "ikke registreret", never as a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.deadlines import COPENHAGEN
from domain.models import CaseView, HistoryEntry
from domain.policy import SERVICEMAAL_AT_EACH_LEVEL
from domain.vocabulary import ComplaintKind, Phase, PointSource, WarningKind

NOT_REGISTERED = "ikke_registreret"  # the field exists in the vocabulary but was not filled in
OTHER_LAW = "andet"  # a lovområde that is written down but not one klagesag knows

# The phases whose length is reported (a complaint passes `received` within the intake itself).
TIMED_PHASES: tuple[Phase, ...] = (
    Phase.AWAITING_STANDING,
    Phase.AWAITING_SUBSTANCE,
    Phase.AKTINDSIGT,
    Phase.GENVURDERING,
    Phase.FORWARDED,
    Phase.AT_ANKESTYRELSEN,
    Phase.GENBEHANDLING,
    Phase.KLAGEFRIST,
)

# Lovområder by the names a caseworker writes (SEED 004 reports down to the paragraph of serviceloven,
# aktivloven and pensionsloven; the units of the demo kommune handle barnets lov too). Longest name first
# wins, so "lov om aktiv socialpolitik" is not read as some shorter law.
LAWS: dict[str, tuple[str, ...]] = {
    "serviceloven": ("serviceloven", "lov om social service", "sel"),
    "aktivloven": ("aktivloven", "lov om aktiv socialpolitik", "las"),
    "pensionsloven": ("pensionsloven", "lov om social pension"),
    "barnets_lov": ("barnets lov",),
    "beskaeftigelsesloven": ("beskæftigelsesloven", "lov om en aktiv beskæftigelsesindsats", "lab-loven"),
    "sygedagpengeloven": ("sygedagpengeloven", "lov om sygedagpenge"),
    "boligstoetteloven": ("boligstøtteloven", "lov om individuel boligstøtte"),
    "retssikkerhedsloven": ("retssikkerhedsloven", "rsl"),
    "forvaltningsloven": ("forvaltningsloven", "fvl"),
    "offentlighedsloven": ("offentlighedsloven", "ofl"),
}
_ALIASES = sorted(((alias, law) for law, names in LAWS.items() for alias in names), key=lambda a: -len(a[0]))
_PARAGRAPH = re.compile(r"§\s*(\d{1,4})\s*([a-z])?\b", re.IGNORECASE)
_BARE_PARAGRAPH = re.compile(r"^\s*(?:§\s*)?(\d{1,4})\s*([a-z])?\s*$", re.IGNORECASE)
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_ROUND_IN_KEY = re.compile(r":r(\d+):")
_CYCLE_IN_KEY = re.compile(r":f(\d+):")


@dataclass(frozen=True)
class FactEvent:
    """Something that happened to the complaint on a date, counted in the period that holds the date.

    event: "genvurdering" (outcome = the result, or None when the 4 weeks passed without one),
    "ankestyrelsen" (outcome = Ankestyrelsen's decision), "aktindsigt" (outcome "besvaret" or
    "ubesvaret"; on_date is the answer's due date), "formal_answer" (an answer to the formal klagepunkter,
    outcome = the borgerrådgiver's retsstilling judgement or None; or the servicemål passed without one,
    outcome "ubesvaret"). on_time: the deadline was kept (None: not a deadline figure)."""

    event: str
    round: int
    on_date: date
    outcome: str | None
    on_time: bool | None


@dataclass(frozen=True)
class CaseFacts:
    case_id: str
    kommune: str
    received: date
    kind: str
    unit: str | None
    channel: str
    klaget_til: str
    law: str
    paragraph: str
    phase: str
    is_open: bool
    overdue: bool
    next_deadline_at: datetime | None
    outcome: str | None
    rounds: int
    remand_count: int
    closed_on: date | None  # the day the complaint reached its end (closed or withdrawn)
    phase_days: dict[str, int]  # phase -> days in it, completed stays summed over the rounds
    klagepunkter: int | None  # None: not registered for this complaint
    klagepunkt_categories: list[str] | None
    returning: bool | None  # a returning complainant added points (§7); None: klagepunkter not registered
    version: int
    events: list[FactEvent] = field(default_factory=list)


def local_date(at: datetime) -> date:
    return at.astimezone(COPENHAGEN).date()


# --- the vocabulary fields, missing or not -------------------------------------------------------------


def _code(value: Any) -> str | None:
    """A value from a closed vocabulary (an enum or its string), or None for anything else."""
    raw = getattr(value, "value", value)
    if not isinstance(raw, str):
        return None
    text = raw.strip().casefold()
    return text if _CODE.match(text) else None


def law_of(area: str) -> str:
    """The known lovområde named in free text ("serviceloven § 83" -> "serviceloven"), else "andet";
    an empty area is not registered."""
    text = " ".join(area.casefold().split())
    if not text:
        return NOT_REGISTERED
    for alias, law in _ALIASES:
        if re.search(rf"(?<![\wæøå]){re.escape(alias)}(?![\wæøå])", text):
            return law
    return OTHER_LAW


def paragraph_of(text: str) -> str | None:
    """The first paragraph in free text, normalised (a squeezed "§ 83a" -> "§ 83 a"), or None."""
    match = _PARAGRAPH.search(text)
    return _paragraph(match.group(1), match.group(2)) if match else None


def _paragraph(number: str, letter: str | None) -> str:
    return f"§ {int(number)}" + (f" {letter.casefold()}" if letter else "")


def _structured_paragraph(value: Any) -> str | None:
    raw = getattr(value, "value", value)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return _paragraph(str(raw), None) if 0 < raw < 10000 else None
    if not isinstance(raw, str):
        return None
    match = _BARE_PARAGRAPH.match(raw)
    return _paragraph(match.group(1), match.group(2)) if match else None


def _law_and_paragraph(view: CaseView) -> tuple[str, str]:
    """A structured lovområde and paragraph where the view has them (klagesag's registration fields);
    otherwise both read from the area's text."""
    law = _code(getattr(view, "law", None))
    paragraph = _structured_paragraph(getattr(view, "paragraph", None))
    if law is None:
        law = law_of(view.area)
    if paragraph is None and getattr(view, "paragraph", None) is None:
        paragraph = paragraph_of(view.area)
    return law, paragraph or NOT_REGISTERED


def _points(view: CaseView) -> list[Any] | None:
    # Every complaint filed since klagepunkter exist has at least one; none means a view stored before.
    points = getattr(view, "klagepunkter", None)
    if not points or isinstance(points, (str, bytes)) or not isinstance(points, Iterable):
        return None
    return list(points)


def _point_field(point: Any, *names: str) -> str | None:
    """A vocabulary field of a point, whether it is a Klagepunkt or the dict of an older view."""
    for name in names:
        value = point.get(name) if isinstance(point, dict) else getattr(point, name, None)
        if value is not None:
            return _code(value)
    return None


def _klagepunkter(view: CaseView) -> tuple[int | None, list[str] | None]:
    points = _points(view)
    if points is None:
        return None, None
    categories = [_point_field(point, "category", "hovedkategori", "kategori") or NOT_REGISTERED for point in points]
    return len(categories), categories


def _returning(view: CaseView) -> bool | None:
    points = _points(view)
    return None if points is None else any(_point_field(p, "source") == PointSource.RETURNING for p in points)


# --- what the history says -------------------------------------------------------------------------------


def phase_days(history: list[HistoryEntry]) -> dict[str, int]:
    """Days in each phase, from the date a stay began to the date it ended (Europe/Copenhagen), the
    completed stays of every round summed. Steps that keep the phase (assign, escalate) do not split a
    stay; the stay the complaint is in now is not counted."""
    entries = sorted(history, key=lambda e: e.seq)
    days: dict[str, int] = {}
    current: Phase | None = None
    began: date | None = None
    for entry in entries:
        if entry.phase_after == current:
            continue
        if current is not None and began is not None and current in TIMED_PHASES:
            days[current.value] = days.get(current.value, 0) + (local_date(entry.at) - began).days
        current, began = entry.phase_after, local_date(entry.at)
    return days


def _closed_on(view: CaseView) -> date | None:
    if not view.phase.is_terminal:
        return None
    ending = [e for e in view.history if e.phase_after.is_terminal and not e.phase_before.is_terminal]
    return local_date(max(ending, key=lambda e: e.seq).at) if ending else None


def _breached_rounds(view: CaseView, kind: WarningKind) -> dict[int, date]:
    """Rounds with the workflow's breach warning of `kind` (its key names the round) -> when it fired."""
    rounds: dict[int, date] = {}
    for warning in view.warnings:
        if warning.kind != kind:
            continue
        match = _ROUND_IN_KEY.search(warning.key)
        if match:
            rounds.setdefault(int(match.group(1)), local_date(warning.at))
    return rounds


def _genvurdering_events(view: CaseView, history: list[HistoryEntry]) -> list[FactEvent]:
    """One per round with a genvurdering: decided (result, on time unless the 4-week breach warning of that
    round fired), or not decided after the warning fired (not on time, no result)."""
    breached = _breached_rounds(view, WarningKind.GENVURDERING_OVERSKREDET)
    events = []
    decided = set()
    for entry in history:
        if entry.step == "genvurdering" and entry.round not in decided:
            decided.add(entry.round)
            events.append(
                FactEvent("genvurdering", entry.round, local_date(entry.at), _code(entry.details.get("result")),
                          entry.round not in breached)
            )  # fmt: skip
    for round_, fired in sorted(breached.items()):
        if round_ not in decided:
            events.append(FactEvent("genvurdering", round_, fired, None, False))
    return events


def _ankestyrelsen_events(history: list[HistoryEntry]) -> list[FactEvent]:
    """Ankestyrelsen's decisions; a complaint withdrawn while it lay with Ankestyrelsen is recorded there
    as bortfaldet (R32)."""
    events = []
    for entry in history:
        if entry.step == "ankestyrelsen-outcome":
            events.append(FactEvent("ankestyrelsen", entry.round, local_date(entry.at), _code(entry.details.get("outcome")), None))
        elif entry.step == "withdraw" and entry.phase_before in (Phase.FORWARDED, Phase.AT_ANKESTYRELSEN):
            events.append(FactEvent("ankestyrelsen", entry.round, local_date(entry.at), "bortfaldet", None))
    return events


def _aktindsigt_events(view: CaseView, history: list[HistoryEntry]) -> list[FactEvent]:
    """One per request whose answer is settled: answered (on time when by the due date, 7 arbejdsdage,
    FVL § 16 stk. 2, OFL § 36), or unanswered after the workflow's breach warning fired. The n-th request
    of the case has the warning key ending ':n' (domain/transitions.py)."""
    breached_numbers = {
        int(w.key.rsplit(":", 1)[1])
        for w in view.warnings
        if w.kind == WarningKind.AKTINDSIGT_OVERSKREDET and w.key.rsplit(":", 1)[-1].isdigit()
    }
    events = []
    requests = [(i, e) for i, e in enumerate(history) if e.step == "aktindsigt-requested"]
    for number, (index, request) in enumerate(requests, start=1):
        try:
            due = date.fromisoformat(request.details.get("due", ""))
        except ValueError:
            continue
        answer = next((e for e in history[index + 1 :] if e.step in ("aktindsigt-answered", "aktindsigt-requested")), None)
        if answer is not None and answer.step == "aktindsigt-answered":
            events.append(FactEvent("aktindsigt", request.round, due, "besvaret", local_date(answer.at) <= due))
        elif number in breached_numbers:
            events.append(FactEvent("aktindsigt", request.round, due, "ubesvaret", False))
    return events


def _formal_answer_events(view: CaseView, history: list[HistoryEntry]) -> list[FactEvent]:
    """One per answer to the formal klagepunkter (on time unless the servicemål warning of its cycle fired;
    None when its level had no servicemål), and one per servicemål that passed without an answer.

    The formal track counts its cycles as domain/transitions.py does: the first opens at intake when the
    filing has formal points, each formal-escalated opens the next (timed by SERVICEMAAL_AT_EACH_LEVEL),
    and a formal point added while no cycle is open opens one with its own servicemål."""
    breached: dict[int, date] = {}
    for warning in view.warnings:
        match = _CYCLE_IN_KEY.search(warning.key)
        if warning.kind == WarningKind.SERVICEMAAL_OVERSKREDET and match:
            breached.setdefault(int(match.group(1)), local_date(warning.at))
    filed_formal = any(
        _point_field(p, "track") == ComplaintKind.FORMALITET and _point_field(p, "source") in (None, PointSource.FILING)
        for p in _points(view) or ()
    )
    cycle, timed, answered = (1, True, False) if filed_formal else (0, False, True)
    events: list[FactEvent] = []
    settled: set[int] = set()
    for entry in history:
        if entry.step == "formal-escalated":
            cycle, timed, answered = cycle + 1, SERVICEMAAL_AT_EACH_LEVEL, False
        elif entry.step == "klagepunkt-added" and "servicemaal" in entry.details:
            cycle, timed, answered = cycle + 1, True, False
        elif entry.step == "formal-answer" and not answered:
            answered = True
            settled.add(cycle)
            on_time = (cycle not in breached) if timed else None
            events.append(FactEvent("formal_answer", entry.round, local_date(entry.at), _code(entry.details.get("retsstilling")), on_time))
    for cycle_, fired in sorted(breached.items()):
        if cycle_ not in settled:
            events.append(FactEvent("formal_answer", view.round, fired, "ubesvaret", False))
    return events


def facts(view: CaseView) -> CaseFacts:
    history = sorted(view.history, key=lambda e: e.seq)
    law, paragraph = _law_and_paragraph(view)
    klagepunkter, categories = _klagepunkter(view)
    unit = (view.unit or "").strip() or None
    return CaseFacts(
        case_id=view.case_id,
        kommune=view.kommune,
        received=view.received,
        kind=view.kind.value,
        unit=unit,
        channel=view.channel.value,
        klaget_til=_code(getattr(view, "klaget_til", None)) or NOT_REGISTERED,
        law=law,
        paragraph=paragraph,
        phase=view.phase.value,
        is_open=not view.phase.is_terminal,
        overdue=view.overdue,
        next_deadline_at=view.next_deadline_at,
        outcome=view.outcome.value if view.outcome is not None else None,
        rounds=view.round,
        remand_count=view.remand_count,
        closed_on=_closed_on(view),
        phase_days=phase_days(history),
        klagepunkter=klagepunkter,
        klagepunkt_categories=categories,
        returning=_returning(view),
        version=view.version,
        events=[
            *_genvurdering_events(view, history),
            *_ankestyrelsen_events(history),
            *_aktindsigt_events(view, history),
            *_formal_answer_events(view, history),
        ],
    )
