"""A constructed set of open cases and completed steps with known forecast answers, shared by the unit test
of domain/forecast.py, the integration test of `klagesag forecast` and the web tests.

"Now" is Monday 2026-11-23 09:00 UTC. The pace window is 2026-10-24 to 2026-11-22: 20 arbejdsdage (no
helligdag in it). Deadlines end 23:59:59 Copenhagen time on their day.

    sagsbehandler  deadline steps in the window   pace
    sb-a           40                              2 per arbejdsdag
    sb-b           5                               0,25 per arbejdsdag
    sb-c           20                              1 per arbejdsdag
    sb-new         none (a step 40 days ago, an assignment last week: neither counts)

    case  unit      assignee  phase / deadline                    due    queue  needed  left  answer
    A0    ydelse    sb-a      genvurdering                        11-20  -      -       -     overdue: counted apart
    A1    ydelse    sb-a      genvurdering                        11-24  1      1       1     safe
    A2    ydelse    sb-a      genvurdering                        11-24  2      2       1     at risk (queue)
    A3    ydelse    sb-a      servicemål                          11-24  3      2       1     at risk (queue)
    A4    ydelse    sb-a      genvurdering                        11-30  4      3       5     safe
    B1    handicap  sb-b      genvurdering                        12-07  0      4       10    safe
    B2    handicap  sb-b      genvurdering                        12-07  1      8       10    safe
    B3    handicap  sb-b      genvurdering                        12-07  2      12      10    at risk (queue)
    B4    handicap  sb-b      genvurdering                        12-08  -      -       -     beyond 14 days
    N1    handicap  sb-new    genvurdering                        12-01  0      -       6     at risk (no pace)
    U1    ydelse    -         genvurdering                        11-27  -      -       4     at risk (unassigned)
    U2    ydelse    -         genvurdering                        12-20  -      -       -     beyond 14 days
    T1    ydelse    sb-c      genvurdering, due today             11-23  0      1       0     at risk (queue)
    P1    ydelse    sb-c      aktindsigt pending: the answer due  11-24  1      2       1     at risk (queue)
    P2    ydelse    sb-c      aktindsigt pending, genvurdering    11-24  -      -       -     paused: not counted
    K1    ydelse    sb-c      klagefrist (the citizen's)          11-25  -      -       -     not the kommune's
    S1    ydelse    sb-c      at Ankestyrelsen, no deadline       -      -       -       -     nothing to forecast
    X1    ydelse    sb-a      kommune 0202, due today             11-23  -      -       -     another kommune: were it
                                                                                              counted, A1 would be late

(queue: the assignee's cases with an earlier deadline, or the same one and a smaller case id; needed: the
arbejdsdage to reach and finish the case at the assignee's pace; left: the arbejdsdage after today up to
the deadline's day.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from domain.deadlines import COPENHAGEN
from domain.forecast import Cause, OpenCase
from domain.models import CaseView, HistoryEntry
from domain.vocabulary import DeadlineName, Phase
from store.register import CaseRegister
from tests.read_model import a_view

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
TODAY = date(2026, 11, 23)
KOMMUNE = "0101"
OTHER_KOMMUNE = "0202"

G, GF, A, S, K = (DeadlineName.GENVURDERING, DeadlineName.GENVURDERING_FORVENTET, DeadlineName.AKTINDSIGT,
                  DeadlineName.SERVICEMAAL, DeadlineName.KLAGEFRIST)  # fmt: skip


def ends(day: date) -> datetime:
    """The instant a deadline on `day` ends."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=COPENHAGEN)


@dataclass(frozen=True)
class Planned:
    case_id: str
    unit: str | None
    assignee: str | None
    phase: Phase
    kind: DeadlineName | None
    due: date | None
    kommune: str = KOMMUNE

    def open_case(self) -> OpenCase:
        return OpenCase(self.case_id, self.phase, self.unit, self.assignee, self.kind,
                        ends(self.due) if self.due else None)  # fmt: skip


def d(month: int, day: int) -> date:
    return date(2026, month, day)


GV, AK = Phase.GENVURDERING, Phase.AKTINDSIGT
OPEN = [
    Planned("F-A0", "ydelse", "sb-a", GV, G, d(11, 20)),
    Planned("F-A1", "ydelse", "sb-a", GV, G, d(11, 24)),
    Planned("F-A2", "ydelse", "sb-a", GV, G, d(11, 24)),
    Planned("F-A3", "ydelse", "sb-a", Phase.FORMAL_FIRST_LEVEL, S, d(11, 24)),
    Planned("F-A4", "ydelse", "sb-a", GV, G, d(11, 30)),
    Planned("F-B1", "handicap", "sb-b", GV, G, d(12, 7)),
    Planned("F-B2", "handicap", "sb-b", GV, GF, d(12, 7)),
    Planned("F-B3", "handicap", "sb-b", GV, G, d(12, 7)),
    Planned("F-B4", "handicap", "sb-b", GV, G, d(12, 8)),
    Planned("F-N1", "handicap", "sb-new", GV, G, d(12, 1)),
    Planned("F-U1", "ydelse", None, GV, G, d(11, 27)),
    Planned("F-U2", "ydelse", None, GV, G, d(12, 20)),
    Planned("F-T1", "ydelse", "sb-c", GV, G, d(11, 23)),
    Planned("F-P1", "ydelse", "sb-c", AK, A, d(11, 24)),
    Planned("F-P2", "ydelse", "sb-c", AK, G, d(11, 24)),
    Planned("F-K1", "ydelse", "sb-c", Phase.KLAGEFRIST, K, d(11, 25)),
    Planned("F-S1", "ydelse", "sb-c", Phase.AT_ANKESTYRELSEN, None, None),
    Planned("F-X1", "ydelse", "sb-a", GV, G, d(11, 23), kommune=OTHER_KOMMUNE),
]

# Deadline steps completed in the pace window (kommune 0101).
COMPLETED = {"sb-a": 40, "sb-b": 5, "sb-c": 20}

# The answer for 14 days: (case, cause, queue before it, arbejdsdage needed, arbejdsdage left), by urgency.
EXPECTED_14 = [
    ("F-T1", Cause.QUEUE, 0, 1, 0),
    ("F-A2", Cause.QUEUE, 2, 2, 1),
    ("F-A3", Cause.QUEUE, 3, 2, 1),
    ("F-P1", Cause.QUEUE, 1, 2, 1),
    ("F-U1", Cause.UNASSIGNED, None, None, 4),
    ("F-N1", Cause.NO_PACE, 0, None, 6),
    ("F-B3", Cause.QUEUE, 2, 12, 10),
]
OVERDUE_14 = 1  # F-A0
WITHIN_14 = 11  # A1-A4, B1-B3, N1, U1, T1, P1 (A0 is overdue; B4 and U2 lie beyond the horizon)


def open_cases(kommune: str = KOMMUNE) -> list[OpenCase]:
    return [p.open_case() for p in OPEN if p.kommune == kommune]


def step_days() -> list[tuple[str, str, datetime]]:
    """(actor, step, at) of the steps the done cases record: the deadline steps in the window, and steps
    that must not count (outside the window, not a deadline step, today's)."""
    steps: list[tuple[str, str, datetime]] = []
    first = TODAY - timedelta(days=30)
    names = ("genvurdering", "aktindsigt-answered", "formal-answer")
    for actor, n in COMPLETED.items():
        for i in range(n):
            day = first + timedelta(days=i % 30)
            steps.append((actor, names[i % 3], datetime.combine(day, time(10, 0), tzinfo=COPENHAGEN)))
    steps.append(("sb-new", "genvurdering", datetime.combine(TODAY - timedelta(days=40), time(10, 0), tzinfo=COPENHAGEN)))
    steps.append(("sb-new", "assign", datetime.combine(TODAY - timedelta(days=5), time(10, 0), tzinfo=COPENHAGEN)))
    steps.append(("sb-new", "genvurdering", NOW - timedelta(minutes=30)))  # today: the window ended yesterday
    return steps


# --- the set as read-model rows (CaseRegister.save_case_view writes their steps to case_steps) ----------


def open_view(p: Planned) -> CaseView:
    view = a_view(case_id=p.case_id, kommune=p.kommune, phase=p.phase, unit=p.unit, assignee=p.assignee,
                  next_deadline_at=ends(p.due) if p.due else None)  # fmt: skip
    return view.model_copy(update={"next_deadline_kind": p.kind})


def done_view(case_id: str, kommune: str, steps: list[tuple[str, str, datetime]]) -> CaseView:
    """A closed case whose history holds these (actor, step, at) after its filing."""
    view = a_view(case_id=case_id, kommune=kommune, phase=Phase.CLOSED, next_deadline_at=None,
                  last_step_at=steps[-1][2] if steps else None)  # fmt: skip
    history = list(view.history) + [
        HistoryEntry(seq=i + 2, at=at, step=step, actor=actor, reason="Test: skridt", phase_before=Phase.GENVURDERING,
                     phase_after=Phase.CLOSED, round=1)  # fmt: skip
        for i, (actor, step, at) in enumerate(steps)
    ]
    return view.model_copy(update={"history": history})


async def save_set(register: CaseRegister) -> None:
    for p in OPEN:
        assert await register.save_case_view(open_view(p))
    for i, step in enumerate(step_days()):
        assert await register.save_case_view(done_view(f"F-D{i}", KOMMUNE, [step]))
    # Kommune 0202: sb-b took 60 genvurderinger there; in 0101 their pace stays 5 in 20 arbejdsdage.
    many = [("sb-b", "genvurdering", NOW - timedelta(days=2, hours=i)) for i in range(60)]
    assert await register.save_case_view(done_view("F-D-0202", OTHER_KOMMUNE, many))
