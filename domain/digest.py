"""The daily digest a sagsbehandler or leder gets on working days: their overdue cases and those due
within a week, by case reference only (a digest carries no personal data), in plain Danish."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from domain.calendar import danish_date
from domain.vocabulary import PHASE_DANISH, Phase

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
DUE_SOON = timedelta(days=7)  # the same horizon as the worklist's yellow (issue 7)

_DEADLINE_DANISH = {"genvurdering": "genvurdering", "aktindsigt": "svar på aktindsigt", "klagefrist": "klagefrist"}


class DigestLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    case_id: str
    phase: Phase
    deadline_kind: str | None
    deadline_at: datetime | None
    overdue: bool


def split_by_urgency(lines: list[DigestLine], now: datetime) -> tuple[list[DigestLine], list[DigestLine]]:
    """Overdue cases (flagged, or past their deadline) and those due within a week; the rest wait."""
    overdue = [line for line in lines if line.overdue or (line.deadline_at is not None and line.deadline_at < now)]
    soon = [
        line
        for line in lines
        if line not in overdue and line.deadline_at is not None and line.deadline_at <= now + DUE_SOON
    ]
    return overdue, soon


def compose(display_name: str, day: date, overdue: list[DigestLine], soon: list[DigestLine]) -> tuple[str, str]:
    """Subject and body of one recipient's digest."""
    subject = f"Dine klagesager {danish_date(day)}: {len(overdue)} overskredet, {len(soon)} inden for 7 dage"
    parts = [f"Kære {display_name}", "", f"Her er dine klagesager med frister pr. {danish_date(day)}."]
    for title, lines in (("Frist overskredet", overdue), ("Frist inden for 7 dage", soon)):
        if lines:
            parts += ["", f"{title}:"]
            parts += [f"- {line.case_id}: {_describe(line)}" for line in lines]
    parts += ["", "Åbn sagerne i klagesag for at se fristerne og tage næste skridt.", ""]
    return subject, "\n".join(parts)


def _describe(line: DigestLine) -> str:
    what = PHASE_DANISH[line.phase]
    if line.deadline_at is None:
        return f"{what} (markeret som overskredet)"
    kind = _DEADLINE_DANISH.get(line.deadline_kind or "", "frist")
    return f"{what}, {kind} senest {danish_date(line.deadline_at.astimezone(COPENHAGEN).date())}"
