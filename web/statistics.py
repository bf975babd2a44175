"""The leder's figures, computed from the read model; pure, so they can be tested and explained on the
page.

Cases per phase and per unit: counted in PostgreSQL over every case of the leder's units.
The figures over time read CaseView histories, so they are computed over a sample: the latest received
cases (the page says how many).

Days per phase: for every history entry, the time from the step that entered a phase to the next step
(or to now, for the phase a case is in), summed per phase and divided by the number of stays in it.
Genvurdering on time: of the cases that had a genvurdering, the share without a
'genvurdering_overskredet' warning (the workflow's own deadline timer raises it when the 4 weeks pass).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from domain.models import CaseView
from domain.vocabulary import PHASE_DANISH, Phase, WarningKind


@dataclass(frozen=True)
class Figures:
    cases: int  # every case counted
    per_phase: list[tuple[str, int]]  # (Danish phase, open and closed cases now in it)
    per_unit: list[tuple[str, int]]
    sampled: int  # the cases whose histories the figures below are computed from
    genvurdering_done: int
    genvurdering_on_time: int
    days_per_phase: list[tuple[str, float, int]]  # (Danish phase, average days, stays)

    @property
    def on_time_percent(self) -> float | None:
        return None if not self.genvurdering_done else 100 * self.genvurdering_on_time / self.genvurdering_done


def figures(counts: list[tuple[str, str | None, int]], views: list[CaseView], now: datetime) -> Figures:
    """`counts`: (phase, unit, number of cases) over every case; `views`: the sample with histories."""
    per_phase: Counter[Phase] = Counter()
    per_unit: Counter[str] = Counter()
    for phase, unit, count in counts:
        per_phase[Phase(phase)] += count
        per_unit[unit or "Ingen enhed"] += count
    done = on_time = 0
    stays: dict[Phase, list[float]] = defaultdict(list)
    for view in views:
        history = sorted(view.history, key=lambda e: e.seq)
        if any(entry.step == "genvurdering" for entry in history):
            done += 1
            if not any(w.kind == WarningKind.GENVURDERING_OVERSKREDET for w in view.warnings):
                on_time += 1
        for entry, following in zip(history, history[1:] + [None]):
            if entry.phase_after.is_terminal:
                continue
            end = following.at if following is not None else now
            stays[entry.phase_after].append((end - entry.at).total_seconds() / 86400)
    return Figures(
        cases=sum(per_phase.values()),
        sampled=len(views),
        per_phase=[(PHASE_DANISH[p], per_phase[p]) for p in Phase if per_phase[p]],
        per_unit=sorted(per_unit.items()),
        genvurdering_done=done,
        genvurdering_on_time=on_time,
        days_per_phase=[(PHASE_DANISH[p], sum(d) / len(d), len(d)) for p in Phase if (d := stays.get(p))],
    )
