"""Read-model rows written straight into `cases` (CaseRegister.save_case_view), for tests of lists and
scopes that need many cases, or cases of another kommune, without running a workflow for each."""

from __future__ import annotations

import base64
import itertools
from datetime import date, datetime, timedelta, timezone
from typing import Any

from domain.models import CaseView, HistoryEntry
from store.register import CaseRegister
from domain.vocabulary import PHASE_DANISH, ComplaintChannel, ComplaintKind, DeadlineName, Phase

_numbers = itertools.count(1)
AT = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def a_case_id(kommune: str = "0101") -> str:
    """A new, valid case id (KS-kkkk- and 13 base32 letters), distinct within the test run."""
    letters = base64.b32encode(next(_numbers).to_bytes(8, "big")).decode().rstrip("=")[-13:]
    return f"KS-{kommune}-{letters}"


def a_view(
    *,
    kommune: str = "0101",
    phase: Phase = Phase.GENVURDERING,
    unit: str | None = "ydelse",
    assignee: str | None = "sb-ydelse",
    received: date = date(2026, 11, 2),
    next_deadline_at: datetime | None = AT + timedelta(days=10),
    last_step_at: datetime | None = AT - timedelta(days=1),
    overdue: bool = False,
    **fields: Any,
) -> CaseView:
    """A case as the workflow would store it after filing (one history entry), with these facts."""
    case_id = fields.pop("case_id", None) or a_case_id(kommune)
    step_at = last_step_at or AT
    return CaseView(
        case_id=case_id,
        kommune=kommune,
        kind=ComplaintKind.REALITET,
        channel=ComplaintChannel.WRITTEN,
        area="serviceloven § 83",
        decision_ref="AFG-1",
        phase=phase,
        phase_danish=PHASE_DANISH[phase],
        round=1,
        remand_count=0,
        outcome=None,
        late=False,
        timeliness=[],
        overdue=overdue,
        journal_number=None,
        representative=None,
        received=received,
        last_step_at=last_step_at,
        next_deadline_at=next_deadline_at,
        next_deadline_kind=DeadlineName.GENVURDERING if next_deadline_at else None,
        deadlines={},
        history=[
            HistoryEntry(seq=1, at=step_at, step="filed", actor="intake", reason="Klage modtaget",
                         phase_before=Phase.RECEIVED, phase_after=phase, round=1)
        ],
        letters=[],
        escalations=[],
        warnings=[],
        pending_effects=0,
        version=1,
        unit=unit,
        assignee=assignee,
        **fields,
    )


async def save(register: CaseRegister, **facts: Any) -> str:
    """Store `a_view(**facts)` in the read model; its case id."""
    view = a_view(**facts)
    assert await register.save_case_view(view)
    return view.case_id
