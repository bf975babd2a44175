"""The figures a kommune reports about its complaints (issue 9 §1), computed from counts: pure, so each
one can be tested on small constructed sets and explained beside its value.

`store/statistics.py` counts in PostgreSQL (the narrow tables of migration 008, filled from each case's
view by domain/case_facts.py) and hands over an `Aggregates`; `report()` turns it into the report that
`klagesag stats`, `GET /api/v1/statistics` and the Statistik page show, with a definition of every
figure (what was counted, from which date field) and a note for every figure the period has nothing to count for.
The definitions are summarised in docs/legal-reference.md §4.5.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.case_facts import NOT_REGISTERED, OTHER_LAW, TIMED_PHASES
from domain.vocabulary import PHASE_DANISH, ComplaintKind, GenvurderingResult, Retsstilling

KINDS = tuple(k.value for k in ComplaintKind)  # realitet, formalitet
GENVURDERING_OUTCOMES = tuple(r.value for r in GenvurderingResult)
ANKESTYRELSEN_OUTCOMES = ("stadfaestet", "aendret", "ophaevet", "hjemvist", "afvist", "bortfaldet")
# R31: omgjort = hjemvist, ændret or ophævet; realitetsbehandlet = omgjort or stadfæstet. Afvist and
# bortfaldet are not decided on the merits and stay out of both (R32).
OMGJORT = ("hjemvist", "aendret", "ophaevet")
# SEED 003: the borgerrådgiver's judgement of the citizen's retsstilling; processuel and materiel are "styrket".
RETSSTILLING = tuple(r.value for r in Retsstilling)
STYRKET = (Retsstilling.PROCESSUEL.value, Retsstilling.MATERIEL.value)
REALITETSBEHANDLET = ("stadfaestet", *OMGJORT)

DIMENSIONS = ("klaget_til", "unit", "law", "paragraph", "channel")
REPORT_KEYS = {  # dimension -> report key
    "klaget_til": "by_klaget_til",
    "unit": "by_unit",
    "law": "by_lovomraade",
    "paragraph": "by_paragraph",
    "channel": "by_channel",
}

LABELS: dict[str, dict[str, str]] = {
    "klaget_til": {  # SEED 004's recipients
        "borgerraadgiver": "Borgerrådgiver",
        "borgmester": "Borgmester",
        "direktoer": "Direktør",
        "ombudsmand": "Folketingets Ombudsmand",
        "det_sociale_naevn": "Det Sociale Nævn",
        "myndighedscenter": "Myndighedscentret",
        "andre": "Andre",
    },
    "law": {
        "serviceloven": "Serviceloven",
        "aktivloven": "Aktivloven",
        "pensionsloven": "Pensionsloven",
        "barnets_lov": "Barnets lov",
        "beskaeftigelsesloven": "Beskæftigelsesloven",
        "sygedagpengeloven": "Sygedagpengeloven",
        "boligstoetteloven": "Boligstøtteloven",
        "retssikkerhedsloven": "Retssikkerhedsloven",
        "forvaltningsloven": "Forvaltningsloven",
        "offentlighedsloven": "Offentlighedsloven",
        OTHER_LAW: "Andet lovområde",
    },
    "channel": {"oral": "Mundtlig", "written": "Skriftlig (brev)", "digital": "Digital"},
    "genvurdering": {
        "fuldt_medhold": "Fuldt medhold",
        "delvist_medhold": "Delvist medhold",
        "fastholdt": "Fastholdt (ikke medhold)",
    },
    "ankestyrelsen": {
        "stadfaestet": "Stadfæstet",
        "aendret": "Ændret",
        "ophaevet": "Ophævet",
        "hjemvist": "Hjemvist",
        "afvist": "Afvist",
        "bortfaldet": "Bortfaldet",
    },
}


def label(vocabulary: str, key: str) -> str:
    if key == NOT_REGISTERED:
        return "Ikke registreret"
    if vocabulary == "paragraph":  # "serviceloven § 83", or the law alone when no paragraph is registered
        law, _, paragraph = key.partition(" ")
        return f"{label('law', law)} {paragraph}" if paragraph else f"{label('law', law)}, ingen paragraf"
    return LABELS.get(vocabulary, {}).get(key, key)


# --- the pure computations ---------------------------------------------------------------------------------


def percentile(histogram: Mapping[int, int], q: float) -> float | None:
    """The q-quantile (0 ≤ q ≤ 1) of values given as value -> how many times it occurs, by linear
    interpolation between the two nearest ranks (PostgreSQL's percentile_cont): the median of 1, 2, 3, 4
    is 2.5. None for no values."""
    if not 0 <= q <= 1:
        raise ValueError(f"q must lie between 0 and 1, not {q}")
    items = sorted((value, count) for value, count in histogram.items() if count > 0)
    n = sum(count for _, count in items)
    if n == 0:
        return None
    position = (n - 1) * q
    below = int(position)
    fraction = position - below

    def at(rank: int) -> int:
        seen = 0
        for value, count in items:
            seen += count
            if rank < seen:
                return value
        return items[-1][0]

    low = at(below)
    return float(low) if fraction == 0 else low + fraction * (at(below + 1) - low)


def percent(part: int, whole: int) -> float | None:
    return None if whole == 0 else 100 * part / whole


def change_percent(current: int, previous: int) -> float | None:
    """The change against the year before in percent; None when the year before had none (no base)."""
    return None if previous == 0 else 100 * (current - previous) / previous


def target_met(change: float | None, target: float) -> bool | None:
    """A target is a change to stay at or below (−3 % means at least 3 % fewer); None without a change."""
    return None if change is None else change <= target


def omgoerelsesprocent(outcomes: Mapping[str, int]) -> float | None:
    """Ankestyrelsen's omgørelsesprocent (R31): (hjemvist + ændret + ophævet) / realitetsbehandlede × 100.
    Afviste and bortfaldne are not realitetsbehandlet and count in neither part; None when nothing was."""
    decided = sum(outcomes.get(o, 0) for o in REALITETSBEHANDLET)
    return percent(sum(outcomes.get(o, 0) for o in OMGJORT), decided)


def year_earlier(day: date) -> date:
    """The same day a year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    start: date  # inclusive
    end: date  # inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")

    def year_earlier(self) -> "Period":
        return Period(year_earlier(self.start), year_earlier(self.end))


@dataclass(frozen=True)
class Targets:
    """The kommune's yearly targets for the change in complaints received, in percent (SEED 004: −3 %
    realitet, −10 % formalitet against the year before)."""

    realitet: float = -3.0
    formalitet: float = -10.0


@dataclass
class Aggregates:
    """What store/statistics.py counts for one kommune (and unit) and period."""

    received: dict[str, int] = field(default_factory=dict)  # kind -> complaints received in the period
    previous: dict[str, int] = field(default_factory=dict)  # kind -> received the same period a year earlier
    by: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)  # dimension -> (key, kind) -> n
    remands: dict[int, int] = field(default_factory=dict)  # remand count -> complaints
    later_rounds: int = 0  # rounds after the first, summed
    complaints_with_later_rounds: int = 0
    withdrawn: int = 0
    still_open: int = 0
    klagepunkter_complaints: int = 0  # complaints with registered klagepunkter
    klagepunkter_total: int = 0
    klagepunkt_categories: dict[str, int] = field(default_factory=dict)
    returning_complaints: int = 0  # of the complaints with registered klagepunkter
    phase_days: dict[str, dict[int, int]] = field(default_factory=dict)  # phase -> days -> complaints
    remanded_days: dict[int, int] = field(default_factory=dict)  # cumulative days -> remanded complaints
    events: dict[tuple[str, str | None, bool | None], int] = field(default_factory=dict)  # (event, outcome, on time) -> n
    overdue_now: int = 0

    def event_outcomes(self, event: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for (name, outcome, _), n in self.events.items():
            if name == event and outcome is not None:
                counts[outcome] = counts.get(outcome, 0) + n
        return counts

    def on_time(self, event: str) -> tuple[int, int]:
        """(kept, counted) of the deadline events of `event`."""
        kept = sum(n for (name, _, ok), n in self.events.items() if name == event and ok is True)
        counted = sum(n for (name, _, ok), n in self.events.items() if name == event and ok is not None)
        return kept, counted


# --- the report --------------------------------------------------------------------------------------------


def danish_number(value: Any, suffix: str = "") -> str:
    """A figure as a Danish reader writes it: a decimal comma, one decimal; '–' for one not given."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",") + suffix
    return f"{value}{suffix}"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _distribution(aggregates: Aggregates, dimension: str) -> list[dict[str, Any]]:
    counts = aggregates.by.get(dimension, {})
    keys = sorted({key for key, _ in counts}, key=lambda k: (k == NOT_REGISTERED, k))
    total = sum(counts.values())
    kind_totals = {kind: sum(n for (_, k), n in counts.items() if k == kind) for kind in KINDS}
    rows = []
    for key in keys:
        per_kind = {kind: counts.get((key, kind), 0) for kind in KINDS}
        n = sum(per_kind.values())
        shares = {f"{kind}_percent": _round(percent(per_kind[kind], kind_totals[kind])) for kind in KINDS}
        rows.append({"key": key, "label": label(dimension, key), **per_kind, "total": n, "percent": _round(percent(n, total)), **shares})
    return rows


def _quantiles(histogram: Mapping[int, int]) -> dict[str, Any]:
    return {
        "median": _round(percentile(histogram, 0.5)),
        "p90": _round(percentile(histogram, 0.9)),
        "cases": sum(histogram.values()),
    }


def definitions(period: Period, earlier: Period, targets: Targets) -> dict[str, str]:
    span = f"fra og med {period.start.isoformat()} til og med {period.end.isoformat()}"
    by = "Klager modtaget i perioden (datofelt: modtaget) fordelt på "
    return {
        "received": f"Klager modtaget i perioden: sager hvis klage nåede kommunen {span} (datofelt: modtaget, "
        "sagens første klage). Sager hvis personoplysninger er slettet, tæller med.",
        "realitet": "Heraf realitetsklager: klager over en afgørelses indhold (samme datofelt).",
        "formalitet": "Heraf formalitetsklager: klager over sagsbehandlingen (samme datofelt).",
        "previous_year": f"De samme tal for samme periode et år før ({earlier.start.isoformat()} til og med "
        f"{earlier.end.isoformat()}, datofelt: modtaget).",
        "change_percent": "Ændringen mod året før i procent: (perioden − året før) / året før × 100; tom når året "
        "før har 0 klager.",
        "targets": f"Kommunens mål for ændringen mod året før (indstillingerne KLAGESAG_TARGET_REALITET og "
        f"KLAGESAG_TARGET_FORMALITET, nu {targets.realitet:+g} % og {targets.formalitet:+g} %; SEED 004 brugte "
        "−3 % og −10 %). Målet er nået, når ændringen er lig med eller under målet.",
        "by_klaget_til": by + "hvem klagen blev sendt til (SEED 004). Ikke registreret: feltet er ikke udfyldt. "
        "percent er andelen af alle klager, realitet_percent og formalitet_percent andelen af den slags klager "
        "(gælder alle fordelinger).",
        "by_unit": by + "den enhed der ejer sagen nu. Ikke registreret: sagen har ingen enhed.",
        "by_lovomraade": by + "lovområde: det registrerede lovområde, ellers læst af sagens område (fx "
        "'serviceloven § 83'). Andet lovområde: teksten nævner ikke et lovområde klagesag kender.",
        "by_paragraph": by + "lovområde og paragraf: den registrerede paragraf, ellers den første '§ nn' i sagens "
        "område. Ikke registreret: ingen paragraf.",
        "by_channel": by + "hvordan klagen kom ind: mundtlig, skriftlig (brev) eller digital.",
        "genvurdering_outcomes": "Kommunens genvurderinger afgjort i perioden (datofelt: datoen for trinnet "
        "genvurdering, dansk tid), efter resultat; én pr. runde (rsl § 66).",
        "ankestyrelsen_outcomes": "Ankestyrelsens afgørelser registreret i perioden (datofelt: datoen for trinnet "
        "ankestyrelsen-outcome, dansk tid), efter udfald. En klage der blev trukket tilbage, mens sagen lå hos "
        "Ankestyrelsen, tæller som bortfaldet (R32). realitetsbehandlede = stadfæstet + ændret + ophævet + "
        "hjemvist; omgjort = ændret + ophævet + hjemvist.",
        "omgoerelsesprocent": "Ankestyrelsens omgørelsesprocent (R31): (hjemvist + ændret + ophævet) / "
        "realitetsbehandlede × 100 over Ankestyrelsens afgørelser i perioden. Afviste og bortfaldne sager indgår "
        "hverken i tæller eller nævner. Tom når intet er realitetsbehandlet i perioden.",
        "genvurdering_within_4_weeks": "Andel af genvurderingerne afgjort i perioden, hvor fristen på 4 uger "
        "(rsl § 66, R3) blev holdt: uden workflowets advarsel om overskredet genvurdering i den runde. "
        "Genvurderinger der endnu ikke er afgjort, men hvis frist blev overskredet i perioden (datofelt: "
        "advarslens dato), tæller som ikke holdt.",
        "aktindsigt_within_7_arbejdsdage": "Andel af anmodningerne om aktindsigt med svarfrist i perioden "
        "(datofelt: svarfristen, 7 arbejdsdage, FVL § 16 stk. 2 og OFL § 36) der blev besvaret senest på "
        "fristdagen. Ubesvarede efter fristen (workflowets advarsel) tæller som ikke holdt; ubesvarede før "
        "fristen indgår ikke.",
        "formal_answer_within_servicemaal": "Andel af svarene på formalitetsklager givet i perioden (datofelt: "
        "datoen for trinnet formal-answer, dansk tid) hvor kommunens servicemål for det niveau der svarede blev "
        "holdt: uden workflowets advarsel om overskredet servicemål (R70, docs/legal-reference.md §2.9). Et "
        "servicemål der blev overskredet i perioden uden svar (datofelt: advarslens dato) tæller som ikke holdt; "
        "et niveau uden servicemål indgår ikke.",
        "overdue_now": "Åbne sager i kommunen (og enheden) med en overskredet frist lige nu: workflowets "
        "markering, eller den næste frist er passeret. Uanset periode.",
        "days_per_phase": "For klager modtaget i perioden: dage i hver fase fra den dato fasen begyndte til den "
        "dato den sluttede (dansk tid), afsluttede ophold lagt sammen over runderne. Median og 90 %-fraktil "
        "(lineær interpolation) over de klager der har afsluttet et ophold i fasen.",
        "remands": "For klager modtaget i perioden: fordelingen af antal hjemvisninger pr. klage; nye runder efter "
        "hjemvisning (borgeren klagede over kommunens nye afgørelse) i alt og antal klager med mindst én; for de "
        "hjemviste klager den samlede tid fra klagen blev modtaget til sagen sluttede (åbne sager: til i dag), "
        "median og 90 %-fraktil i dage (docs/legal-reference.md §2.5).",
        "withdrawn": "Klager modtaget i perioden som borgeren har trukket tilbage.",
        "still_open": "Klager modtaget i perioden som stadig er åbne.",
        "klagepunkter": "Klagepunkter pr. klage: gennemsnit over klager modtaget i perioden med registrerede "
        "klagepunkter, og antal klagepunkter pr. hovedkategori (SEED 003).",
        "returning_complainants_percent": "Andel af klagerne modtaget i perioden med registrerede klagepunkter, "
        "hvor klageren vendte tilbage med nye kritikpunkter til den samme sag (klagepunkt med kilden "
        "'returning', SEED 003, docs/legal-reference.md §7). Tallet kommer af klagepunkterne, ikke af "
        "personoplysninger.",
        "returning_complainants": "Antallet bag andelen af tilbagevendende klagere: klager modtaget i perioden "
        "med mindst ét klagepunkt med kilden 'returning'.",
        "retsstilling_styrket": "Borgerrådgiverens vurdering af, om klagen styrkede borgerens retsstilling, for "
        "svarene på formalitetsklager givet i perioden med en vurdering (datofelt: datoen for trinnet "
        "formal-answer): processuel, materiel, ingen, ved ikke (SEED 003). Styrket = processuel + materiel; "
        "procenten er styrket / vurderede × 100.",
    }


NO_FORMAL_ANSWERS = "Ingen svar på formalitetsklager med et servicemål i perioden."
NO_RETSSTILLING = "Ingen svar i perioden har borgerrådgiverens vurdering af retsstillingen."
NO_KLAGEPUNKTER = "Ingen klager i perioden har registrerede klagepunkter."


def report(
    aggregates: Aggregates,
    *,
    kommune: str,
    unit: str | None,
    period: Period,
    targets: Targets,
    generated_at: datetime,
) -> dict[str, Any]:
    a = aggregates
    earlier = period.year_earlier()
    received = {kind: a.received.get(kind, 0) for kind in KINDS}
    previous = {kind: a.previous.get(kind, 0) for kind in KINDS}
    total, total_before = sum(received.values()), sum(previous.values())
    changes = {kind: change_percent(received[kind], previous[kind]) for kind in KINDS}
    target_of = {"realitet": targets.realitet, "formalitet": targets.formalitet}
    ankestyrelsen = {o: a.event_outcomes("ankestyrelsen").get(o, 0) for o in ANKESTYRELSEN_OUTCOMES}
    genvurdering = {o: a.event_outcomes("genvurdering").get(o, 0) for o in GENVURDERING_OUTCOMES}
    g_kept, g_counted = a.on_time("genvurdering")
    k_kept, k_counted = a.on_time("aktindsigt")
    f_kept, f_counted = a.on_time("formal_answer")
    retsstilling = {r: a.event_outcomes("formal_answer").get(r, 0) for r in RETSSTILLING}
    judged = sum(retsstilling.values())
    styrket = sum(retsstilling[r] for r in STYRKET)
    notes = {}
    if a.klagepunkter_complaints == 0:
        notes["klagepunkter"] = notes["returning_complainants_percent"] = NO_KLAGEPUNKTER
    if f_counted == 0:
        notes["formal_answer_within_servicemaal"] = NO_FORMAL_ANSWERS
    if judged == 0:
        notes["retsstilling_styrket"] = NO_RETSSTILLING
    return {
        "kommune": kommune,
        "unit": unit,
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "generated_at": generated_at.isoformat(),
        "received": total,
        "realitet": received["realitet"],
        "formalitet": received["formalitet"],
        "previous_year": {
            "from": earlier.start.isoformat(),
            "to": earlier.end.isoformat(),
            "received": total_before,
            **previous,
        },
        "change_percent": {"received": _round(change_percent(total, total_before)), **{k: _round(v) for k, v in changes.items()}},
        "targets": {
            kind: {"target_percent": target_of[kind], "change_percent": _round(changes[kind]), "met": target_met(changes[kind], target_of[kind])}
            for kind in KINDS
        },
        **{REPORT_KEYS[d]: _distribution(a, d) for d in DIMENSIONS},
        "genvurdering_outcomes": {**genvurdering, "total": sum(genvurdering.values())},
        "ankestyrelsen_outcomes": {
            **ankestyrelsen,
            "total": sum(ankestyrelsen.values()),
            "realitetsbehandlede": sum(ankestyrelsen[o] for o in REALITETSBEHANDLET),
            "omgjort": sum(ankestyrelsen[o] for o in OMGJORT),
        },
        "omgoerelsesprocent": _round(omgoerelsesprocent(ankestyrelsen)),
        "genvurdering_within_4_weeks": {"percent": _round(percent(g_kept, g_counted)), "on_time": g_kept, "total": g_counted},
        "aktindsigt_within_7_arbejdsdage": {"percent": _round(percent(k_kept, k_counted)), "on_time": k_kept, "total": k_counted},
        "formal_answer_within_servicemaal": {"percent": _round(percent(f_kept, f_counted)), "on_time": f_kept, "total": f_counted},
        "overdue_now": a.overdue_now,
        "days_per_phase": [
            {"phase": phase.value, "label": PHASE_DANISH[phase], **_quantiles(a.phase_days.get(phase.value, {}))}
            for phase in TIMED_PHASES
        ],
        "remands": {
            "distribution": [{"remands": n, "cases": a.remands[n]} for n in sorted(a.remands)],
            "remanded_cases": sum(c for n, c in a.remands.items() if n > 0),
            "rounds_after_hjemvisning": a.later_rounds,
            "cases_with_rounds_after_hjemvisning": a.complaints_with_later_rounds,
            "cumulative_days": _quantiles(a.remanded_days),
        },
        "withdrawn": a.withdrawn,
        "still_open": a.still_open,
        "klagepunkter": {
            "per_complaint": _round(a.klagepunkter_total / a.klagepunkter_complaints) if a.klagepunkter_complaints else None,
            "complaints_with_klagepunkter": a.klagepunkter_complaints,
            "total": a.klagepunkter_total,
            "by_category": [
                {"key": key, "label": label("klagepunkt", key), "count": n}
                for key, n in sorted(a.klagepunkt_categories.items(), key=lambda item: (-item[1], item[0]))
            ],
        },
        "returning_complainants_percent": _round(percent(a.returning_complaints, a.klagepunkter_complaints)),
        "returning_complainants": a.returning_complaints,
        "retsstilling_styrket": {**retsstilling, "judged": judged, "styrket": styrket, "percent": _round(percent(styrket, judged))},
        "definitions": definitions(period, earlier, targets),
        "notes": notes,
    }


# Keys of the report that describe it rather than count something.
META_KEYS = ("kommune", "unit", "from", "to", "generated_at", "definitions", "notes")


# --- CSV: one figure per line ---------------------------------------------------------------------------------

CSV_HEADER = ("figure", "group", "measure", "value", "definition")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_rows(r: Mapping[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """The report as (figure, group, measure, value, definition) lines; an empty value is a figure that
    cannot be given (its note is the definition then)."""
    defs, notes = r["definitions"], r["notes"]
    rows: list[tuple[str, str, str, str, str]] = []

    def add(figure: str, group: str, measure: str, value: Any, about: str | None = None) -> None:
        text = about or defs.get(figure, "")
        if value is None and figure in notes:
            text = f"{notes[figure]} {text}".strip()
        rows.append((figure, group, measure, _cell(value), text))

    add("received", "", "count", r["received"])
    for kind in KINDS:
        add(kind, "", "count", r[kind])
        add(kind, "", "previous_year", r["previous_year"][kind], defs["previous_year"])
        add(kind, "", "change_percent", r["change_percent"][kind], defs["change_percent"])
        add(kind, "", "target_percent", r["targets"][kind]["target_percent"], defs["targets"])
        add(kind, "", "target_met", r["targets"][kind]["met"], defs["targets"])
    add("received", "", "previous_year", r["previous_year"]["received"], defs["previous_year"])
    add("received", "", "change_percent", r["change_percent"]["received"], defs["change_percent"])
    for dimension in DIMENSIONS:
        figure = REPORT_KEYS[dimension]
        for row in r[figure]:
            for measure in (*KINDS, "total", "percent", *(f"{kind}_percent" for kind in KINDS)):
                add(figure, row["key"], measure, row[measure])
    for figure in ("genvurdering_outcomes", "ankestyrelsen_outcomes"):
        for key, value in r[figure].items():
            add(figure, key, "count", value)
    add("omgoerelsesprocent", "", "percent", r["omgoerelsesprocent"])
    for figure in ("genvurdering_within_4_weeks", "aktindsigt_within_7_arbejdsdage", "formal_answer_within_servicemaal"):
        for measure in ("percent", "on_time", "total"):
            add(figure, "", measure, r[figure][measure])
    add("overdue_now", "", "count", r["overdue_now"])
    for row in r["days_per_phase"]:
        for measure in ("median", "p90", "cases"):
            add("days_per_phase", row["phase"], measure, row[measure])
    remands = r["remands"]
    for row in remands["distribution"]:
        add("remands", f"remands={row['remands']}", "cases", row["cases"])
    for measure in ("remanded_cases", "rounds_after_hjemvisning", "cases_with_rounds_after_hjemvisning"):
        add("remands", "", measure, remands[measure])
    for measure in ("median", "p90", "cases"):
        add("remands", "cumulative_days", measure, remands["cumulative_days"][measure])
    add("withdrawn", "", "count", r["withdrawn"])
    add("still_open", "", "count", r["still_open"])
    klagepunkter = r["klagepunkter"]
    add("klagepunkter", "", "per_complaint", klagepunkter["per_complaint"])
    add("klagepunkter", "", "complaints_with_klagepunkter", klagepunkter["complaints_with_klagepunkter"])
    for row in klagepunkter["by_category"]:
        add("klagepunkter", row["key"], "count", row["count"])
    add("returning_complainants_percent", "", "percent", r["returning_complainants_percent"])
    add("returning_complainants_percent", "", "count", r["returning_complainants"])
    for measure, value in r["retsstilling_styrket"].items():
        add("retsstilling_styrket", "", measure, value)
    return rows


def to_csv(r: Mapping[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(r))
    return out.getvalue()
