"""How the pages put the read model into words: deadline urgency, the next action, Danish labels.
Pure functions, so the worklist, the case page and the management page say the same thing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from domain.calendar import danish_date
from domain.vocabulary import PHASE_DANISH, Phase

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
SOON = timedelta(days=7)  # a deadline this close turns the row yellow

DEADLINE_DANISH = {
    "klagefrist": "Klagefristen udløber",
    "genvurdering": "Genvurdering",
    "aktindsigt": "Svar på aktindsigt",
    "servicemaal": "Servicemål for svar på klagen over sagsbehandlingen",
    "genvurdering_forventet": "Genvurdering (forventet dato givet til borgeren)",
    "uddybning": "Uddybning af klagen (klage følger)",
}

URGENCY_DANISH = {"overdue": "Fristen er overskredet", "soon": "Fristen er tæt på", "ok": ""}


def local_day(moment: datetime | str | None) -> date | None:
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(COPENHAGEN).date()


def as_datetime(moment: datetime | str | None) -> datetime | None:
    if moment is None or isinstance(moment, datetime):
        return moment
    return datetime.fromisoformat(moment)


def urgency(deadline_at: datetime | str | None, now: datetime) -> str:
    """'overdue' once the deadline has passed, 'soon' within SOON of it, else 'ok'."""
    due = as_datetime(deadline_at)
    if due is None:
        return "ok"
    if due < now:
        return "overdue"
    return "soon" if due - now <= SOON else "ok"


def next_action(kind: str | None, deadline_at: datetime | str | None) -> str:
    """'Genvurdering senest mandag 21. december 2026', or a plain word when no deadline runs."""
    day = local_day(deadline_at)
    if kind is None or day is None:
        return "Ingen løbende frist"
    return f"{DEADLINE_DANISH.get(kind, kind)} senest {danish_date(day)}"


def phase_danish(phase: str | Phase) -> str:
    return PHASE_DANISH[Phase(phase)]


def moment_danish(moment: datetime | str | None) -> str:
    value = as_datetime(moment)
    if value is None:
        return ""
    local = value.astimezone(COPENHAGEN)
    return f"{danish_date(local.date())} kl. {local:%H:%M}"


def day_danish(value: date | datetime | str | None) -> str:
    """A date as a caseworker reads it; a moment is taken on Copenhagen's calendar."""
    if value is None:
        return ""
    if isinstance(value, datetime) or (isinstance(value, str) and "T" in value):
        value = local_day(value)
    elif isinstance(value, str):
        value = date.fromisoformat(value)
    return danish_date(value)


def page_link(path: str, params: dict[str, str | None]) -> str:
    """A link to a list page with these query parameters, the empty ones left out (a plain link: paging
    works without JavaScript)."""
    query = urlencode({name: value for name, value in params.items() if value})
    return f"{path}?{query}" if query else path


def case_row(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A row of a case list with what the worklist and the Ledelse lists show beside it."""
    return {
        **row,
        "phase_danish": phase_danish(row["phase"]),
        "urgency": urgency(row["next_deadline_at"], now),
        "next_action": next_action(row["next_deadline_kind"], row["next_deadline_at"]),
    }
