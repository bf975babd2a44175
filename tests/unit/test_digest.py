"""The daily digest's content: overdue and due-within-a-week cases, in Danish, by case reference only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain import digest
from domain.vocabulary import Phase

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


def line(case_id: str, days: float | None, overdue: bool = False) -> digest.DigestLine:
    return digest.DigestLine(
        case_id=case_id,
        phase=Phase.GENVURDERING,
        deadline_kind="genvurdering",
        deadline_at=NOW + timedelta(days=days) if days is not None else None,
        overdue=overdue,
    )


def test_cases_split_into_overdue_due_soon_and_later() -> None:
    lines = [line("A", -1), line("B", 3), line("C", 7), line("D", 8), line("E", 20, overdue=True)]
    overdue, soon = digest.split_by_urgency(lines, NOW)
    assert [x.case_id for x in overdue] == ["A", "E"]
    assert [x.case_id for x in soon] == ["B", "C"]


def test_the_digest_names_each_case_and_its_deadline_in_danish() -> None:
    subject, body = digest.compose("Sara Sagsbehandler", date(2026, 12, 1), [line("KS-1", -1)], [line("KS-2", 3)])
    assert subject == "Dine klagesager tirsdag 1. december 2026: 1 overskredet, 1 inden for 7 dage"
    assert "- KS-1: Genvurdering, genvurdering senest mandag 30. november 2026" in body
    assert "Frist inden for 7 dage:\n- KS-2: Genvurdering, genvurdering senest fredag 4. december 2026" in body
