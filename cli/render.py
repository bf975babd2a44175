"""Plain-text output of the CLI, in Danish: a caseworker reads it."""

from __future__ import annotations

from typing import Any

from domain.calendar import CalendarProfile
from domain.deadlines import Deadline
from domain.models import FilingReceipt, StepResult
from domain.vocabulary import PHASE_DANISH, Phase

DEADLINE_NAMES = {
    "klagefrist": "Klagefrist",
    "aktindsigt_answer_due": "Svar på aktindsigt senest",
    "aktindsigt": "Svar på aktindsigt senest",
    "genvurdering_due": "Genvurdering senest",
    "genvurdering": "Genvurdering senest",
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
    return f"Klage registreret som sag {r.case_id} ({_phase(r.phase.value)})."


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
