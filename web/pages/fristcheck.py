"""The klagefrist check the filing form and the frist calculator share: frist_report for a decision's
receipt (given, or presumed from the letter's date and delivery) and the complaint's date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain import deadlines
from domain.calendar import CalendarProfile, danish_date
from domain.deadlines import Deadline
from domain.errors import CalendarError
from domain.vocabulary import DecisionDelivery


@dataclass(frozen=True)
class FristCheck:
    receipt: Deadline | None  # the presumed receipt, when only the letter's date was given
    report: dict[str, Deadline | None]
    complaint: date | None
    error: str | None = None

    @property
    def verdict(self) -> str | None:
        frist = self.report.get("klagefrist")
        if frist is None or self.complaint is None:
            return None
        if self.complaint <= frist.due:
            return f"Klagen er modtaget inden for klagefristen ({danish_date(frist.due)})."
        return f"Klagen er modtaget efter klagefristen ({danish_date(frist.due)}). Vurdér om den skal behandles (R5)."


def _day(value: str) -> date | None:
    value = value.strip()
    return date.fromisoformat(value) if value else None


def check(
    *, received: str, sent: str, delivery: str, complaint: str, aktindsigt_requested: str = "",
    aktindsigt_answered: str = "", profile: CalendarProfile = CalendarProfile.STRICT,
) -> FristCheck:
    """Never raises for bad input: the message comes back in `error`, in Danish, for the form."""
    try:
        decision = _day(received)
        presumed = None
        if decision is None and _day(sent) is not None:
            presumed = deadlines.presumed_receipt(_day(sent), DecisionDelivery(delivery or "digital_post"), profile)  # type: ignore[arg-type]
            decision = presumed.due
        complaint_day = _day(complaint)
        report = deadlines.frist_report(
            decision,
            aktindsigt_requested=_day(aktindsigt_requested),
            aktindsigt_answered=_day(aktindsigt_answered),
            complaint_received=complaint_day,
            profile=profile,
        )
        return FristCheck(presumed, report, complaint_day)
    except ValueError as error:
        message = str(error) if isinstance(error, CalendarError) else "En dato skal skrives som ÅÅÅÅ-MM-DD."
        return FristCheck(None, {}, None, error=message)


REPORT_DANISH = {
    "klagefrist": "Klagefrist",
    "aktindsigt_answer_due": "Svar på aktindsigt",
    "genvurdering_due": "Genvurdering",
}
