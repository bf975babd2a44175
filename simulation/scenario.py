"""The seeded, pure part of a simulation: who complains on which day about what, what each caseworker
and Ankestyrelsen decide and when, and which genvurderinger the caseworkers get to each day.

Every draw about a case comes from a generator of its own, seeded by (seed, case number, what is drawn),
so a case's story does not depend on the order in which the driver's concurrent steps finish: the same
seed gives the same year.
"""

from __future__ import annotations

import heapq
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domain.calendar import is_working_day, roll_forward
from simulation.parameters import Parameters

WORKING_DAYS_PER_MONTH = 250 / 12  # about 250 working days a year in Denmark

# SEED 004 (docs/legal-reference.md §4.3): sagsområde, % of realitet / formalitet, with a paragraph standing for each.
SAGSOMRAADER: tuple[tuple[str, float, float], ...] = (
    ("aktivloven § 81", 29.2, 24.1),  # enkeltydelser
    ("pensionsloven § 14", 1.5, 2.1),  # personligt tillæg
    ("pensionsloven § 17", 15.8, 9.0),  # social pension
    ("serviceloven § 41", 22.2, 37.5),  # handicappede børn
    ("serviceloven § 112", 9.2, 3.5),  # hjælpemidler
    ("serviceloven § 108", 1.7, 2.2),  # botilbud
    ("serviceloven § 83", 1.9, 4.3),  # personlig hjælp, omsorg og støtte
    ("serviceloven § 102", 0.6, 0.9),  # behandling
    ("serviceloven § 85", 10.1, 3.5),  # anden hjælp
    ("serviceloven § 52", 6.3, 4.7),  # børn og unge
    ("serviceloven § 100", 1.5, 8.2),  # andet
)

# SEED 004, "klaget til" (Aug-Dec 2013), %.
KLAGET_TIL_REALITET = {"myndighedscenter": 94.3, "andre": 4.2, "borgmester": 0.8, "borgerraadgiver": 0.5, "direktoer": 0.2}
KLAGET_TIL_FORMAL = {"myndighedscenter": 44.0, "borgmester": 28.4, "borgerraadgiver": 23.2, "direktoer": 2.4, "andre": 2.0}

# SEED 003 (docs/legal-reference.md §4.3): 80 of 328 points about sagsbehandlingstid / no answer / no status, 46 about
# vejledning, 97 forvaltningsret in all; the rest spread over god forvaltningsskik.
FORMAL_CATEGORIES = {
    "sagsbehandlingstid": 40, "manglende_svar": 25, "orientering": 15, "vejledning": 46, "begrundelse": 25,
    "klagevejledning": 14, "partshoering": 12, "koordineret_indsats": 30, "inddragelse": 25, "optraeden": 30,
    "betjening": 36, "opfoelgning": 30,
}  # fmt: skip

CHANNELS = {"written": 45, "digital": 45, "oral": 10}  # [ASSUMED]


def case_rng(seed: int, number: int, what: str) -> random.Random:
    return random.Random(f"{seed}:{number}:{what}")


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method; means of a few hundred at most (one working day's arrivals)."""
    if mean <= 0:
        return 0
    if mean > 500:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def lognormal_days(rng: random.Random, median: float, sigma: float) -> int:
    return max(1, round(rng.lognormvariate(math.log(median), sigma)))


def next_working_day(day: date) -> date:
    return roll_forward(day + timedelta(days=1))


@dataclass
class Arrival:
    number: int
    kind: str  # realitet / formalitet
    fields: dict[str, Any]  # as casework.operations.parse_filing takes them
    points: int  # formal klagepunkter


class Scenario:
    def __init__(self, parameters: Parameters, seed: int) -> None:
        self.p = parameters
        self.seed = seed
        self._numbers = 0
        self._queue: list[tuple[date, int]] = []  # (ready for genvurdering, case number)
        self._credit = 0.0

    # --- arrivals --------------------------------------------------------------------------------------

    def arrivals(self, day: date) -> list[Arrival]:
        if not is_working_day(day):
            return []
        rng = random.Random(f"{self.seed}:arrivals:{day.isoformat()}")
        realitet = poisson(rng, self.p.realitet_per_month / WORKING_DAYS_PER_MONTH)
        formal = poisson(rng, self.p.formal_per_month / WORKING_DAYS_PER_MONTH)
        return [self._arrival(day, "realitet") for _ in range(realitet)] + [
            self._arrival(day, "formalitet") for _ in range(formal)
        ]

    def _arrival(self, day: date, kind: str) -> Arrival:
        self._numbers += 1
        n = self._numbers
        rng = case_rng(self.seed, n, "filing")
        realitet = kind == "realitet"
        area = rng.choices([a for a, _, _ in SAGSOMRAADER], weights=[r if realitet else f for _, r, f in SAGSOMRAADER])[0]
        born = date(1940, 1, 1) + timedelta(days=n % 20000)
        fields: dict[str, Any] = dict(
            cpr=f"{born:%d%m%y}{1000 + (n // 20000) % 9000:04d}",
            name=f"Simuleret borger {n}",
            decision_ref=f"SIM-{self.seed}-{n:06d}",
            received=day,
            channel=pick(rng, CHANNELS),
            area=area,
            kind=kind,
            text="Simuleret klage.",
            actor="sim-modtagelse",
            klaget_til=pick(rng, KLAGET_TIL_REALITET if realitet else KLAGET_TIL_FORMAL),
        )
        points = 0
        if realitet:
            # received within the 4-week klagefrist: a timely complaint
            fields["decision_received"] = day - timedelta(days=rng.randint(2, 25))
        else:
            points = 1 + poisson(rng, self.p.klagepunkter_mean - 1)
            fields["klagepunkter"] = [
                {"track": "formalitet", "category": pick(rng, FORMAL_CATEGORIES)} for _ in range(points)
            ]
        return Arrival(n, kind, fields, points)

    # --- the caseworkers' genvurdering queue -----------------------------------------------------------

    def awaits_genvurdering(self, number: int, round: int, since: date) -> None:
        rng = case_rng(self.seed, number, f"prep:{round}")
        ready = since + timedelta(days=round_days(rng.lognormvariate(math.log(max(self.p.genvurdering_prep_days, 0.01)), 0.5)))
        heapq.heappush(self._queue, (ready, number))

    def genvurderinger_today(self, day: date) -> list[int]:
        """The cases the sagsbehandlere finish today: the longest-ready first, as many as their capacity
        (fractions carry to the next working day while cases wait)."""
        if not is_working_day(day):
            return []
        available = self._credit + self.p.sagsbehandlere * self.p.genvurderinger_per_day
        done: list[int] = []
        while self._queue and self._queue[0][0] <= day and len(done) + 1 <= available:
            done.append(heapq.heappop(self._queue)[1])
        waiting = bool(self._queue) and self._queue[0][0] <= day
        self._credit = available - len(done) if waiting else available - math.floor(available)
        return done

    @property
    def queued(self) -> int:
        return len(self._queue)

    # --- decisions -------------------------------------------------------------------------------------

    def genvurdering(self, number: int, round: int) -> str:
        x = case_rng(self.seed, number, f"genvurdering:{round}").random()
        if x < self.p.genvurdering_fuldt_medhold:
            return "fuldt_medhold"
        if x < self.p.genvurdering_fuldt_medhold + self.p.genvurdering_delvist_medhold:
            return "delvist_medhold"
        return "fastholdt"

    def kvittering_after(self, number: int, round: int) -> int:
        rng = case_rng(self.seed, number, f"kvittering:{round}")
        return max(1, round_days(rng.uniform(0.5, 1.5) * self.p.kvittering_days))

    def ankestyrelsen_after(self, number: int, round: int) -> int:
        rng = case_rng(self.seed, number, f"ankestyrelsen-days:{round}")
        return lognormal_days(rng, self.p.ankestyrelsen_days_median, self.p.ankestyrelsen_sigma)

    def ankestyrelsen_outcome(self, number: int, round: int) -> str:
        rng = case_rng(self.seed, number, f"ankestyrelsen:{round}")
        if rng.random() < self.p.ankestyrelsen_afvist_bortfaldet:
            return rng.choice(("afvist", "bortfaldet"))
        x = rng.random()
        if x < self.p.ankestyrelsen_hjemvist:
            return "hjemvist"
        if x < self.p.ankestyrelsen_hjemvist + self.p.ankestyrelsen_aendret_ophaevet:
            return "aendret" if rng.random() < 0.8 else "ophaevet"
        return "stadfaestet"

    def genbehandling_after(self, number: int, round: int) -> int:
        return lognormal_days(case_rng(self.seed, number, f"genbehandling:{round}"), self.p.genbehandling_days, 0.5)

    def new_decision(self, number: int, round: int) -> str:
        rng = case_rng(self.seed, number, f"new-decision:{round}")
        if rng.random() < self.p.new_decision_bevilling:
            return "bevilling"
        return rng.choice(("delvis", "afslag"))

    def complains_again(self, number: int, round: int) -> bool:
        return case_rng(self.seed, number, f"complains-again:{round}").random() < self.p.complain_again

    def formal_answer_after(self, number: int) -> int:
        return lognormal_days(case_rng(self.seed, number, "formal-answer"), self.p.formal_answer_days, 0.5)

    def formal_outcomes(self, number: int, points: int) -> list[str]:
        rng = case_rng(self.seed, number, "formal-outcomes")
        return [
            rng.choice(("kritik", "beklagelse")) if rng.random() < self.p.formal_kritik else "ikke_medhold"
            for _ in range(points)
        ]


def round_days(x: float) -> int:
    return max(0, round(x))


def on_a_working_day(day: date) -> date:
    return roll_forward(day)
