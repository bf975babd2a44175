"""Complaints told step by step, as read-model views (`CaseView`), for the statistics tests.

`Story` moves a complaint through the phases the way domain/transitions.py does (the same step names,
history details, warning keys and outcomes), on dates the test chooses, so a test can save the views
through CaseRegister.save_case_view and know every figure in advance without a workflow running.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from domain.deadlines import COPENHAGEN
from domain.models import CaseView, HistoryEntry, WarningEntry
from domain.vocabulary import PHASE_DANISH, CaseOutcome, ComplaintChannel, ComplaintKind, Phase, WarningKind


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=COPENHAGEN)


class Story:
    def __init__(
        self,
        case_id: str,
        received: date,
        *,
        kommune: str = "0101",
        unit: str | None = "ydelse",
        kind: str = "realitet",
        channel: str = "written",
        area: str = "serviceloven § 83",
        **extra: Any,
    ) -> None:
        self.case_id, self.kommune, self.unit, self.kind, self.channel, self.area = case_id, kommune, unit, kind, channel, area
        self.received = received
        self.extra = extra  # fields a newer CaseView may have (klaget_til, law, klagepunkter, ...)
        self.phase = Phase.RECEIVED
        self.round = 1
        self.remand_count = 0
        self.outcome: CaseOutcome | None = None
        self.overdue = False
        self.history: list[HistoryEntry] = []
        self.warnings: list[WarningEntry] = []
        self.aktindsigt_requests = 0
        self._step("filed", received, Phase.GENVURDERING)

    def _step(self, name: str, day: date, phase_after: Phase, hour: int = 10, **details: str) -> "Story":
        self.history.append(
            HistoryEntry(
                seq=len(self.history) + 1, at=at(day, hour), step=name, actor="sb01", reason=f"Test: {name}",
                phase_before=self.phase, phase_after=phase_after, round=self.round, details=details,
            )
        )  # fmt: skip
        self.phase = phase_after
        return self

    # --- the steps -------------------------------------------------------------------------------------

    def genvurdering(self, result: str, day: date) -> "Story":
        self.overdue = False
        if result == "fuldt_medhold":
            self.outcome = CaseOutcome.FULDT_MEDHOLD
            return self._step("genvurdering", day, Phase.CLOSED, result=result)
        return self._step("genvurdering", day, Phase.FORWARDED, result=result)

    def at_ankestyrelsen(self, day: date) -> "Story":
        return self._step("ankestyrelsen-received", day, Phase.AT_ANKESTYRELSEN, journal="26-000001")

    def ankestyrelsen(self, outcome: str, day: date) -> "Story":
        self.outcome = CaseOutcome(outcome)
        if outcome == "hjemvist":
            self.remand_count += 1
            return self._step("ankestyrelsen-outcome", day, Phase.GENBEHANDLING, outcome=outcome)
        return self._step("ankestyrelsen-outcome", day, Phase.CLOSED, outcome=outcome)

    def new_decision(self, result: str, day: date) -> "Story":
        if result == "bevilling":
            self.outcome = CaseOutcome.BEVILGET_EFTER_HJEMVISNING
            return self._step("new-decision", day, Phase.CLOSED, result=result)
        return self._step("new-decision", day, Phase.KLAGEFRIST, result=result)

    def complaint_again(self, day: date) -> "Story":
        self._step("complaint-received", day, Phase.GENVURDERING, next_round=str(self.round + 1))
        self.round += 1
        self.outcome = None
        self.overdue = False
        return self

    def klagefrist_expired(self, day: date) -> "Story":
        self.outcome = CaseOutcome.ENDELIG_AFGOERELSE
        return self._step("klagefrist-expired", day, Phase.CLOSED)

    def withdraw(self, day: date) -> "Story":
        self.outcome = CaseOutcome.TILBAGETRUKKET
        self.overdue = False
        return self._step("withdraw", day, Phase.WITHDRAWN)

    def assign(self, unit: str, day: date) -> "Story":
        self.unit = unit
        return self._step("assign", day, self.phase, unit=unit)

    def aktindsigt_requested(self, day: date, due: date) -> "Story":
        self.aktindsigt_requests += 1
        return self._step("aktindsigt-requested", day, Phase.AKTINDSIGT, interrupts="genvurdering", due=due.isoformat())

    def aktindsigt_answered(self, day: date) -> "Story":
        self.overdue = any(w.kind == WarningKind.GENVURDERING_OVERSKREDET for w in self.warnings)
        return self._step("aktindsigt-answered", day, Phase.GENVURDERING, moved="genvurdering", due=day.isoformat())

    def genvurdering_overdue(self, day: date) -> "Story":
        """The workflow's timer: the 4 weeks passed (domain/transitions.py genvurdering_overdue)."""
        self.overdue = True
        return self._warn(f"{self.case_id}:r{self.round}:genvurdering_overskredet", WarningKind.GENVURDERING_OVERSKREDET, day)

    def aktindsigt_overdue(self, day: date) -> "Story":
        self.overdue = True
        key = f"{self.case_id}:r{self.round}:aktindsigt_overskredet:{self.aktindsigt_requests}"
        return self._warn(key, WarningKind.AKTINDSIGT_OVERSKREDET, day)

    # The formal track: cycles counted as domain/transitions.py keys their servicemål warnings.

    def klagepunkt_added(self, day: date, *, servicemaal: date | None = None, source: str = "filing") -> "Story":
        """A formal point; `servicemaal` when it opens a new cycle of the formal track (none was open)."""
        details = {"point": "2", "track": "formalitet", "source": source}
        if servicemaal is not None:
            details["servicemaal"] = servicemaal.isoformat()
        return self._step("klagepunkt-added", day, self.phase, **details)

    def formal_answer(self, day: date, *, level: str = "forvaltning", retsstilling: str | None = None) -> "Story":
        details = {"level": level} | ({"retsstilling": retsstilling} if retsstilling else {})
        self.outcome = CaseOutcome.BESVARET
        return self._step("formal-answer", day, Phase.CLOSED, **details)

    def formal_escalated(self, day: date, level: str) -> "Story":
        self.outcome = None
        return self._step("formal-escalated", day, Phase.FORMAL_ESCALATED, level=level)

    def servicemaal_overdue(self, day: date, cycle: int) -> "Story":
        self.overdue = True
        key = f"{self.case_id}:f{cycle}:servicemaal_overskredet"
        return self._warn(key, WarningKind.SERVICEMAAL_OVERSKREDET, day)

    def _warn(self, key: str, kind: WarningKind, day: date) -> "Story":
        self.warnings.append(WarningEntry(key=key, kind=kind, at=at(day, 23), message="Fristen er overskredet"))
        return self

    # --- the view --------------------------------------------------------------------------------------

    def view(self, model: type[CaseView] = CaseView, **overrides: Any) -> CaseView:
        """The view as the workflow's query gives it; `model` may be a CaseView with more fields."""
        fields: dict[str, Any] = dict(
            case_id=self.case_id, kommune=self.kommune, kind=ComplaintKind(self.kind),
            channel=ComplaintChannel(self.channel), area=self.area, decision_ref="SAG-TEST-1", phase=self.phase,
            phase_danish=PHASE_DANISH[self.phase], round=self.round, remand_count=self.remand_count,
            outcome=self.outcome, late=False, timeliness=[], overdue=self.overdue, journal_number=None,
            representative=None, received=self.received, last_step_at=self.history[-1].at,
            next_deadline_at=None, next_deadline_kind=None, deadlines={}, history=self.history, letters=[],
            escalations=[], warnings=self.warnings, pending_effects=0, version=len(self.history) + len(self.warnings),
            unit=self.unit, assignee=None,
        )  # fmt: skip
        fields.update(overrides)
        return model.model_validate({**fields, **self.extra})
