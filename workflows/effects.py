"""The effects a step or timer queues, and the activity that performs each one.

Every effect carries the key the workflow chose, so performing it again after a crash or a retry changes
nothing (the activities write under unique keys).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.case_register import (
        CaseRegisterActivities,
        EscalationInput,
        ForwardInput,
        LetterInput,
        WarningInput,
    )
    from domain.models import CaseView, ForwardCase, LogEscalation, Model, RecordWarning, SendLetter

# Activities retry until they succeed (a database restart must not lose a letter); those that can never
# succeed fail at once with a non-retryable error.
QUICK: dict[str, Any] = dict(
    start_to_close_timeout=timedelta(seconds=30), retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=30))
)

_PERFORMED_BY: dict[type, tuple[Callable[..., Any], Callable[[str, Any], Model]]] = {
    SendLetter: (CaseRegisterActivities.send_letter, lambda case_id, e: LetterInput(case_id=case_id, letter=e.letter)),
    LogEscalation: (
        CaseRegisterActivities.log_escalation,
        lambda case_id, e: EscalationInput(case_id=case_id, escalation=e.escalation),
    ),
    RecordWarning: (
        CaseRegisterActivities.record_warning,
        lambda case_id, e: WarningInput(case_id=case_id, warning=e.warning),
    ),
    ForwardCase: (
        CaseRegisterActivities.forward_to_ankestyrelsen,
        lambda case_id, e: ForwardInput(case_id=case_id, forward=e.forward),
    ),
}


async def perform(case_id: str, effect: Model) -> None:
    activity, make_input = _PERFORMED_BY[type(effect)]
    await workflow.execute_activity_method(activity, make_input(case_id, effect), **QUICK)


async def save_view(view: CaseView) -> None:
    """Write the read model (versioned: an older view never overwrites a newer one)."""
    await workflow.execute_activity_method(CaseRegisterActivities.save_case_view, view, **QUICK)
