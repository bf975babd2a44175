"""Plain-text output of the CLI, in Danish: a caseworker reads it."""

from __future__ import annotations

from typing import Any

from domain.calendar import CalendarProfile
from domain.deadlines import Deadline
from domain.models import FilingReceipt, StepResult
from domain.stats import danish_number
from domain.vocabulary import PHASE_DANISH, Phase

DEADLINE_NAMES = {
    "klagefrist": "Klagefrist",
    "aktindsigt_answer_due": "Svar på aktindsigt senest",
    "aktindsigt": "Svar på aktindsigt senest",
    "genvurdering_due": "Genvurdering senest",
    "genvurdering": "Genvurdering senest",
    "uddybning": "Uddybning af klagen senest",
}


KIND_DANISH = {"realitet": "realitetsklage", "formalitet": "formalitetsklage"}


def _phase(value: str) -> str:
    return f"{PHASE_DANISH[Phase(value)]} ({value})"


def frist(report: dict[str, Deadline | None], profile: CalendarProfile) -> str:
    lines = [f"Kalender: {'streng' if profile == CalendarProfile.STRICT else 'lempelig'} ({profile.value})"]
    for name, deadline in report.items():
        label = DEADLINE_NAMES.get(name, name)
        if deadline is None:
            lines.append(f"{label}: – (mangler oplysninger)")
            continue
        lines.append(f"{label}: {deadline.due.isoformat()}")
        lines.extend(f"  · {line}" for line in deadline.explanation)
    return "\n".join(lines)


def receipt(r: FilingReceipt) -> str:
    if r.duplicate:
        return f"Klagen findes allerede som sag {r.case_id} ({_phase(r.phase.value)}, runde {r.round})."
    registered = f"Klage registreret som sag {r.case_id} ({_phase(r.phase.value)})."
    if r.linked_cases:
        registered += f" De øvrige afgørelser har hver deres sag: {', '.join(r.linked_cases)}."
    return registered


def step_result(step: str, r: StepResult) -> str:
    lines = [f"{step}: sag {r.case_id} er nu {_phase(r.phase.value)}, runde {r.round}."]
    for name, deadline in r.deadlines.items():
        lines.append(f"  {DEADLINE_NAMES.get(name, name)}: {deadline.due.isoformat()}")
    return "\n".join(lines)


def case(c: dict[str, Any]) -> str:
    lines = [
        f"Sag {c['case_id']} · kommune {c['kommune']} · {KIND_DANISH[c['kind']]} · {c['area']}",
        f"Afgørelse: {c['decision_ref']} · klage modtaget {c['received']}",
        f"Fase: {_phase(c['phase'])} · runde {c['round']} · hjemvist {c['remand_count']} gange"
        + (f" · udfald: {c['outcome']}" if c["outcome"] else ""),
    ]
    if c["overdue"]:
        lines.append("OVERSKREDET: en frist er overskredet.")
    if c["journal_number"]:
        lines.append(f"Ankestyrelsens journalnummer: {c['journal_number']}")
    lines.append("Rettidighed:")
    lines.extend(f"  · {line}" for line in c["timeliness"])
    lines.append("Frister:")
    for name, timed in c["deadlines"].items():
        deadline = timed["deadline"]
        lines.append(f"  {DEADLINE_NAMES.get(name, name)}: {deadline['due']}")
        lines.extend(f"    · {line}" for line in deadline["explanation"])
    lines.append("Historik:")
    for h in c["history"]:
        lines.append(f"  {h['seq']:>2}. {h['at'][:16]} {h['step']} af {h['actor']}: {h['reason']} → {h['phase_after']}")
    lines.append("Breve:")
    for letter in c["letters"]:
        sent = "sendt" if letter["delivered_at"] else "afventer"
        lines.append(f"  {letter['key']} · {letter['subject']} · {sent}")
    lines.append("Eskalationer:")
    for e in c["escalations"] or []:
        lines.append(f"  {e['occurred_at'][:16]} → {e['route']} af {e['actor']}: {e['reason']}")
    lines.append("Advarsler:")
    for w in c["warnings"] or []:
        lines.append(f"  {w['fired_at'][:16]} {w['kind']}: {w['message']}")
    return "\n".join(lines)


def cases(rows: list[dict[str, Any]], more: str | None = None) -> str:
    """One line per case; `more` is the command that prints the next page, when there is one."""
    if not rows:
        return "Ingen sager."
    lines = []
    for r in rows:
        flag = " OVERSKREDET" if r["overdue"] else ""
        deadline = f" · frist {r['next_deadline_at'][:10]} ({r['next_deadline_kind']})" if r["next_deadline_at"] else ""
        lines.append(f"{r['case_id']} · {_phase(r['phase'])} · runde {r['round']}{deadline}{flag}")
    if more:
        lines.append(f"Flere sager: {more}")
    return "\n".join(lines)


def statistics(r: dict[str, Any]) -> str:
    """The report of `klagesag stats` in short; --json and --csv carry every figure with its definition."""
    unit = f" · enhed {r['unit']}" if r["unit"] else ""
    previous, change, targets = r["previous_year"], r["change_percent"], r["targets"]
    lines = [f"Statistik for kommune {r['kommune']}{unit}, {r['from']} til og med {r['to']}"]
    lines.append(f"Klager modtaget: {r['received']} (året før {previous['received']}, ændring {danish_number(change['received'], ' %')})")
    for kind, name in (("realitet", "Realitetsklager"), ("formalitet", "Formalitetsklager")):
        target = targets[kind]
        met = {True: "nået", False: "ikke nået", None: "kan ikke vurderes"}[target["met"]]
        lines.append(
            f"  {name}: {r[kind]} (året før {previous[kind]}, ændring {danish_number(change[kind], ' %')}; "
            f"mål {danish_number(float(target['target_percent']), ' %')} {met})"
        )
    for key, title in (("by_klaget_til", "Klaget til"), ("by_unit", "Enhed"), ("by_lovomraade", "Lovområde"),
                       ("by_paragraph", "Lovområde og paragraf"), ("by_channel", "Kanal")):  # fmt: skip
        lines.append(f"{title}:")
        lines.extend(f"  {row['label']}: {row['total']} ({danish_number(row['percent'], ' %')})" for row in r[key] or [])
    g, a = r["genvurdering_outcomes"], r["ankestyrelsen_outcomes"]
    lines.append(
        f"Genvurdering: fuldt medhold {g['fuldt_medhold']}, delvist medhold {g['delvist_medhold']}, fastholdt {g['fastholdt']}"
    )
    lines.append(
        "Ankestyrelsen: " + ", ".join(f"{name} {a[key]}" for key, name in (
            ("stadfaestet", "stadfæstet"), ("aendret", "ændret"), ("ophaevet", "ophævet"), ("hjemvist", "hjemvist"),
            ("afvist", "afvist"), ("bortfaldet", "bortfaldet")))  # fmt: skip
    )
    lines.append(f"Omgørelsesprocent: {danish_number(r['omgoerelsesprocent'], ' %')} ({a['omgjort']} af {a['realitetsbehandlede']} realitetsbehandlede)")
    for key, name in (("genvurdering_within_4_weeks", "Genvurdering inden for 4 uger"),
                      ("aktindsigt_within_7_arbejdsdage", "Aktindsigt inden for 7 arbejdsdage"),
                      ("formal_answer_within_servicemaal", "Svar på formalitetsklager inden for servicemål")):  # fmt: skip
        figure = r[key]
        counted = f" ({figure['on_time']} af {figure['total']})" if figure["total"] is not None else ""
        lines.append(f"{name}: {danish_number(figure['percent'], ' %')}{counted}")
    lines.append(f"Sager med overskredet frist nu: {r['overdue_now']}")
    lines.append("Dage pr. fase (median / 90 %-fraktil / klager):")
    lines.extend(
        f"  {row['label']}: {danish_number(row['median'])} / {danish_number(row['p90'])} / {row['cases']}"
        for row in r["days_per_phase"] if row["cases"]
    )
    remands = r["remands"]
    lines.append(
        f"Hjemvisninger: {remands['remanded_cases']} klager hjemvist, {remands['rounds_after_hjemvisning']} nye runder; "
        f"samlet tid for hjemviste: median {danish_number(remands['cumulative_days']['median'])} dage"
    )
    lines.append(
        f"Tilbagevendende klagere: {danish_number(r['returning_complainants_percent'], ' %')} "
        f"({r['returning_complainants']} af {r['klagepunkter']['complaints_with_klagepunkter']} klager med klagepunkter)"
    )
    rs = r["retsstilling_styrket"]
    lines.append(
        f"Retsstilling styrket: {danish_number(rs['percent'], ' %')} ({rs['styrket']} af {rs['judged']} vurderede; "
        f"processuel {rs['processuel']}, materiel {rs['materiel']}, ingen {rs['ingen']}, ved ikke {rs['ved_ikke']})"
    )
    for key in ("klagepunkter", "returning_complainants_percent", "retsstilling_styrket", "formal_answer_within_servicemaal"):
        if key in r["notes"]:
            lines.append(f"Bemærk ({key}): {r['notes'][key]}")
    return "\n".join(lines)


def forecast(r: dict[str, Any]) -> str:
    """The breach forecast: one block per case at risk, the soonest deadline first."""
    scope = f"kommune {r['kommune']}" + (f", enhed {', '.join(r['units'])}" if r["units"] else "")
    window = r["pace_window"]
    lines = [
        f"Sager i fare for at overskride en frist fra {r['today']} til {r['until']} ({r['days']} dage), {scope}",
        f"Tempo: fristskridt pr. arbejdsdag fra {window['from']} til {window['to']}.",
        f"{len(r['at_risk'])} af {r['within_horizon']} sager med frist i perioden er i fare.",
    ]
    for risk in r["at_risk"]:
        owner = risk["assignee"] or "ingen sagsbehandler"
        lines.append("")
        lines.append(f"{risk['case_id']}  {risk['deadline_label']} senest {risk['deadline_date']}  "
                     f"{owner} ({risk['unit'] or 'ingen enhed'})")  # fmt: skip
        lines.append(f"  {risk['reason']}")
    if r["overdue_not_forecast"]:
        lines.append("")
        n = r["overdue_not_forecast"]
        lines.append(f"{n} {'sag' if n == 1 else 'sager'} har allerede overskredet fristen. {r['overdue_note']}")
    return "\n".join(lines)


def simulation(data: dict[str, Any]) -> str:
    """A simulated period: what the simulation did, then the statistics report of `klagesag stats`."""
    sim, did = data["simulation"], data["simulation"]["did"]
    lines = [
        f"Simulering {sim['from']} til og med {sim['to']}, seed {sim['seed']} ({sim['seconds']} s)",
        f"  Indgivet: {did['filed'].get('realitet', 0)} realitetsklager, {did['filed'].get('formalitet', 0)} "
        f"formalitetsklager; trin taget: {sum(did['steps'].values())}; nye runder: {did['new_rounds']}",
    ]
    if did["refused"]:
        lines.append(f"  Afviste trin: {did['refused']} (fx {did['refusals'][0]})")
    lines.append("")
    lines.append(statistics(data["report"]))
    return "\n".join(lines)
