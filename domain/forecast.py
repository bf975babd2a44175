"""The breach forecast (issue 9 §3): which open cases will pass a deadline within the next N days unless
someone acts, judged from each sagsbehandler's recent pace. Pure rules; docs/forecast.md explains the
model and names which of its assumptions are policies.

The model, in short:

* A case counts when it has a deadline the kommune must meet: the genvurdering (or the date the citizen was
  promised after an extension, R4), the answer to an aktindsigt request, or the servicemål for answering a
  formalitetsklage. The klagefrist is the citizen's, not the kommune's: it is never forecast. While an
  aktindsigt request is pending the genvurdering is paused (its 4 weeks are moved when the request is
  answered, docs/legal-reference.md §2.3), so only the aktindsigt answer counts then.
* A sagsbehandler's queue is their open cases with such a deadline, the earliest deadline first (the order
  of Min arbejdsliste): a case waits for every case before it, overdue ones included.
* Their pace is the deadline steps they completed (a genvurdering, an aktindsigt answer, a formal answer)
  per arbejdsdag over the last PACE_WINDOW_DAYS days.
* A case is at risk when the arbejdsdage left before its deadline, today not counted, are fewer than the
  arbejdsdage its assignee needs at that pace to reach it and finish it. A case with no assignee, or whose
  assignee completed no deadline step in the window, is at risk whenever its deadline falls in the horizon.
* A case whose deadline has already passed is no forecast: it is counted apart (`overdue`), and listed by
  `klagesag cases --overdue` and the Ledelse page's "Overskredne frister".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from domain.case_facts import local_date
from domain.calendar import CalendarProfile, danish_date, is_working_day
from domain.vocabulary import DeadlineName, Phase

# Policies (docs/forecast.md): how far back a pace is measured, and the longest horizon asked about.
PACE_WINDOW_DAYS = 30
MAX_HORIZON_DAYS = 365

# The deadlines the kommune must meet, with their Danish names as the leder reads them.
KOMMUNE_DEADLINES: dict[DeadlineName, str] = {
    DeadlineName.GENVURDERING: "Genvurdering (4 uger)",
    DeadlineName.GENVURDERING_FORVENTET: "Genvurdering (forventet dato givet til borgeren)",
    DeadlineName.AKTINDSIGT: "Svar på aktindsigt (7 arbejdsdage)",
    DeadlineName.SERVICEMAAL: "Servicemål for svar på formalitetsklagen",
}
# The steps that complete what a case in the queue waits for: the pace counts these.
DEADLINE_STEPS = ("genvurdering", "aktindsigt-answered", "formal-answer")


class Cause(StrEnum):
    """Why a case is at risk; the reason spells it out in Danish."""

    UNASSIGNED = "unassigned"  # nobody owns it
    NO_PACE = "no_pace"  # its sagsbehandler completed no deadline step in the window
    QUEUE = "queue"  # at its sagsbehandler's pace the cases before it take the time left


@dataclass(frozen=True)
class OpenCase:
    """An open case as the read model has it: its next deadline and its owner."""

    case_id: str
    phase: Phase
    unit: str | None
    assignee: str | None
    deadline_kind: DeadlineName | None
    deadline_at: datetime | None  # the instant the deadline ends (23:59:59 Europe/Copenhagen)


@dataclass(frozen=True)
class Pace:
    """Deadline steps a sagsbehandler completed in the window, and the window's arbejdsdage."""

    completed: int
    working_days: int

    @property
    def per_day(self) -> float:
        return self.completed / self.working_days if self.working_days else 0.0

    def days_for(self, cases: int) -> int | None:
        """Whole arbejdsdage to complete `cases` cases at this pace (None: no pace to count on)."""
        if self.completed <= 0 or self.working_days <= 0:
            return None
        return -(-cases * self.working_days // self.completed)  # ceil, in integers


@dataclass(frozen=True)
class AtRisk:
    case_id: str
    unit: str | None
    assignee: str | None
    deadline_kind: DeadlineName
    deadline_at: datetime
    deadline_date: date
    days_left: int  # calendar days from today to the deadline's day
    working_days_left: int  # arbejdsdage after today up to and including the deadline's day
    queue_before: int | None  # the assignee's cases with an earlier deadline (None: no assignee)
    pace_per_day: float | None  # deadline steps per arbejdsdag (None: no assignee)
    working_days_needed: int | None  # to reach and finish this case at that pace (None: no pace)
    cause: Cause
    reason: str  # Danish, for the leder

    @property
    def deadline_label(self) -> str:
        return KOMMUNE_DEADLINES[self.deadline_kind]


@dataclass(frozen=True)
class Forecast:
    today: date
    until: date  # the last day of the horizon
    days: int
    at_risk: list[AtRisk]
    overdue: int  # cases in scope whose deadline has already passed: not forecast, counted apart
    within_horizon: int  # cases in scope with a kommune deadline in the horizon, at risk or not


def pace_window(today: date) -> tuple[date, date]:
    """The days a pace is measured over: the PACE_WINDOW_DAYS days before today (today has only begun)."""
    return today - timedelta(days=PACE_WINDOW_DAYS), today - timedelta(days=1)


def working_days_between(first: date, last: date, profile: CalendarProfile) -> int:
    """The arbejdsdage from `first` to `last`, both included (0 when `last` is before `first`)."""
    count, day = 0, first
    while day <= last:
        count += is_working_day(day, profile)
        day += timedelta(days=1)
    return count


def counted_deadline(case: OpenCase) -> tuple[DeadlineName, datetime] | None:
    """The deadline the forecast judges the case by, or None: no deadline, or not the kommune's."""
    if case.deadline_kind is None or case.deadline_at is None or case.deadline_kind not in KOMMUNE_DEADLINES:
        return None
    paused = case.deadline_kind in (DeadlineName.GENVURDERING, DeadlineName.GENVURDERING_FORVENTET)
    if case.phase == Phase.AKTINDSIGT and paused:
        return None  # paused until the aktindsigt request is answered; that answer is the deadline now
    return case.deadline_kind, case.deadline_at


def paces(completed: dict[str, int], today: date, profile: CalendarProfile) -> dict[str, Pace]:
    """Each actor's pace from their completed deadline steps in the window (pace_window)."""
    first, last = pace_window(today)
    working = working_days_between(first, last, profile)
    return {actor: Pace(n, working) for actor, n in completed.items()}


def forecast(
    cases: list[OpenCase],
    completed: dict[str, int],
    *,
    now: datetime,
    days: int,
    units: list[str] | None = None,
    profile: CalendarProfile = CalendarProfile.STRICT,
) -> Forecast:
    """The cases at risk of passing their deadline within `days` days of today, the soonest deadline first.

    `cases`: every open case of the kommune (a queue holds cases of every unit); `completed`: deadline
    steps per actor in the pace window; `units`: only these units' cases are reported."""
    if days < 1:
        raise ValueError(f"the horizon must be at least one day; got {days}")
    today = local_date(now)
    until = today + timedelta(days=days)
    pace_of = paces(completed, today, profile)
    queues: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    counted: list[tuple[OpenCase, DeadlineName, datetime]] = []
    for case in cases:
        deadline = counted_deadline(case)
        if deadline is None:
            continue
        counted.append((case, *deadline))
        if case.assignee is not None:
            queues[case.assignee].append((deadline[1], case.case_id))
    position = {
        case_id: index for queue in queues.values() for index, (_, case_id) in enumerate(sorted(queue))
    }
    at_risk: list[AtRisk] = []
    overdue = within = 0
    for case, kind, at in counted:
        if units is not None and case.unit not in units:
            continue
        if at < now:
            overdue += 1
            continue
        due = local_date(at)
        if due > until:
            continue
        within += 1
        risk = _judge(case, kind, at, due, today, position.get(case.case_id), pace_of, profile)
        if risk is not None:
            at_risk.append(risk)
    at_risk.sort(key=lambda r: (r.deadline_at, r.case_id))
    return Forecast(today=today, until=until, days=days, at_risk=at_risk, overdue=overdue, within_horizon=within)


def _judge(
    case: OpenCase,
    kind: DeadlineName,
    at: datetime,
    due: date,
    today: date,
    before: int | None,
    pace_of: dict[str, Pace],
    profile: CalendarProfile,
) -> AtRisk | None:
    days_left = (due - today).days
    left = working_days_between(today + timedelta(days=1), due, profile)
    when = _when(days_left, due, left)
    common = dict(case_id=case.case_id, unit=case.unit, assignee=case.assignee, deadline_kind=kind, deadline_at=at,
                  deadline_date=due, days_left=days_left, working_days_left=left)  # fmt: skip
    if case.assignee is None:
        return AtRisk(**common, queue_before=None, pace_per_day=None, working_days_needed=None,
                      cause=Cause.UNASSIGNED, reason=f"Ingen sagsbehandler tildelt, og fristen udløber {when}.")  # fmt: skip
    pace = pace_of.get(case.assignee, Pace(0, 0))
    before = before or 0
    needed = pace.days_for(before + 1)
    if needed is None:
        return AtRisk(**common, queue_before=before, pace_per_day=0.0, working_days_needed=None, cause=Cause.NO_PACE,
                      reason=f"Fristen udløber {when}. Sagsbehandleren har ikke afsluttet nogen sager med frist de "
                      f"seneste {PACE_WINDOW_DAYS} dage, så der er intet tempo at regne med"
                      + (f"; {_cases(before)} med tidligere frist ligger før denne i køen." if before else "."))  # fmt: skip
    if needed <= left:
        return None
    return AtRisk(**common, queue_before=before, pace_per_day=round(pace.per_day, 2), working_days_needed=needed,
                  cause=Cause.QUEUE,
                  reason=f"Fristen udløber {when}, og sagsbehandleren har {_cases(before) if before else 'ingen sager'} "
                  f"før denne i køen med et tempo på {_per_day(pace.per_day)} pr. arbejdsdag (de seneste "
                  f"{PACE_WINDOW_DAYS} dage): sagen nås først om cirka {_arbejdsdage(needed)}.")  # fmt: skip


def _when(days_left: int, due: date, working_left: int) -> str:
    if days_left == 0:
        return f"i dag ({danish_date(due)})"
    day = "i morgen" if days_left == 1 else f"om {days_left} dage"
    return f"{day} ({danish_date(due)}, {_arbejdsdage(working_left)} efter i dag)"


def _cases(n: int) -> str:
    return "1 sag" if n == 1 else f"{n} sager"


def _arbejdsdage(n: int) -> str:
    return "1 arbejdsdag" if n == 1 else f"{n} arbejdsdage"


def _per_day(value: float) -> str:
    """A pace as a Danish reader writes it: '1 sag', '2 sager', '1,5 sager', '0,33 sager'."""
    text = f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return "1 sag" if text == "1" else f"{text} sager"
