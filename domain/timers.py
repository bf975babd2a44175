"""Which deadline of a complaint fires next, and what it does (docs/legal-reference.md §2.3).

A timer is derived from the case state every time the workflow waits, never stored: when a step changes
the phase, the timers of the old phase are simply no longer there. What a timer does when it fires is in
`domain/transitions.py`.

Pure, like the rest of `domain`, so the worker imports it once per process instead of the sandbox
building it again for every workflow it loads (docs/worker-memory.md). The one thing that depends on the
workflow's history, whether a late genvurdering tells the citizen (a `workflow.patched` marker), comes in
as a callable that the workflow asks when the timer fires.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from domain import transitions
from domain.case_record import CaseRecord
from domain.errors import missing
from domain.policy import (
    ANKESTYRELSEN_LONG_WAITS,
    GENVURDERING_WARNING_BEFORE,
    ONWARD_WINDOW,
    SERVICEMAAL_WARNING_BEFORE,
)
from domain.vocabulary import DeadlineName, Phase, WarningKind


@dataclass(frozen=True)
class Timer:
    at: datetime
    name: str
    fire: Callable[[], None]


def _always() -> bool:
    return True


def next_timer(
    record: CaseRecord, archive: Callable[[], None], tell_citizen_of_late_genvurdering: Callable[[], bool] = _always
) -> Timer | None:
    """`tell_citizen_of_late_genvurdering`: asked when the genvurdering deadline passes; the workflow
    answers from its history (complaints that passed it before the letter existed replay without it)."""
    timers = _timers(record, archive, tell_citizen_of_late_genvurdering)
    return min(timers, key=lambda t: t.at) if timers else None


def _timers(
    record: CaseRecord, archive: Callable[[], None], tell_citizen_of_late_genvurdering: Callable[[], bool] = _always
) -> list[Timer]:
    s = record.state
    timers: list[Timer] = []
    if s.phase == Phase.GENVURDERING:
        due = s.deadlines[DeadlineName.GENVURDERING].ends_at
        soon = record.warning_key(WarningKind.GENVURDERING_SNART)
        late = record.warning_key(WarningKind.GENVURDERING_OVERSKREDET)
        if not s.has_warning(soon):
            timers.append(Timer(due - GENVURDERING_WARNING_BEFORE, soon, partial(transitions.warn_genvurdering_soon, record)))
        if not s.has_warning(late):
            # After a timely extension notice (N7, R4) the breach is judged against the date the citizen was
            # given; only cases that sent one have it, so older histories keep their timer.
            timers.append(Timer(transitions.genvurdering_breach_at(s), late, partial(_genvurdering_overdue, record, tell_citizen_of_late_genvurdering)))
    elif s.phase == Phase.AKTINDSIGT:
        pending = transitions.pending_aktindsigt(s)
        key = record.warning_key(WarningKind.AKTINDSIGT_OVERSKREDET, len(s.aktindsigt))
        if not s.has_warning(key):
            timers.append(Timer(pending.answer_due.ends_at, key, partial(transitions.aktindsigt_overdue, record)))
    elif s.phase in (Phase.FORWARDED, Phase.AT_ANKESTYRELSEN):
        forwarded_at = s.forwards[-1].at
        for wait in ANKESTYRELSEN_LONG_WAITS:
            key = record.warning_key(WarningKind.ANKESTYRELSEN_LANG_VENTETID, wait.days)
            if not s.has_warning(key):
                timers.append(Timer(forwarded_at + wait, key, partial(transitions.ankestyrelsen_long_wait, record, wait, key)))
    elif s.phase == Phase.AWAITING_SUBSTANCE:
        # Only a "klage følger" filed with this version is in this phase: no older history has the timer.
        key = record.warning_key(WarningKind.UDDYBNING_MANGLER)
        if not s.has_warning(key):
            at = s.deadlines[DeadlineName.UDDYBNING].ends_at
            timers.append(Timer(at, key, partial(transitions.substance_overdue, record)))
    elif s.phase == Phase.KLAGEFRIST:
        due = s.deadlines[DeadlineName.KLAGEFRIST].ends_at
        timers.append(Timer(due, "klagefrist", partial(transitions.klagefrist_expired, record)))
    elif s.phase.is_terminal:
        # Onward escalation (Folketingets Ombudsmand) stays possible for a year after the final decision.
        anchor = s.final_decision_at or s.last_step_at or record.now()
        timers.append(Timer(anchor + ONWARD_WINDOW, "archive", archive))
    if s.formal is not None and s.formal_open and s.standing_confirmed and not s.phase.is_terminal:
        timers += _servicemaal_timers(record)
    return timers


def _servicemaal_timers(record: CaseRecord) -> list[Timer]:
    """The formal track's servicemål (R70, policy): a warning before it, a notice to the citizen at it. Only
    cases with a formal track have these, and no history from before it has one."""
    s = record.state
    if s.formal is None:
        raise missing("formal")
    due = s.formal.answer_due
    if due is None:
        return []
    timers = []
    soon = transitions.servicemaal_key(s, WarningKind.SERVICEMAAL_SNART)
    passed = transitions.servicemaal_key(s, WarningKind.SERVICEMAAL_OVERSKREDET)
    if not s.has_warning(soon):
        timers.append(Timer(due.ends_at - SERVICEMAAL_WARNING_BEFORE, soon, partial(transitions.warn_servicemaal_soon, record)))
    if not s.has_warning(passed):
        timers.append(Timer(due.ends_at, passed, partial(transitions.servicemaal_passed, record)))
    return timers


def _genvurdering_overdue(record: CaseRecord, tell_citizen: Callable[[], bool]) -> None:
    transitions.genvurdering_overdue(record, tell_citizen=tell_citizen())
