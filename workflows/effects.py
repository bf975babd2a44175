"""The effects a step or timer queues, and the activities that perform them.

Every effect carries the key the workflow chose, so performing it again after a crash or a retry changes
nothing (the activities write under unique keys). A round of effects and the read model go to one
activity (`perform_together`); complaints whose history predates that replay with one activity per
effect (`perform`) and one for the view (`save_view`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.case_register import PERFORMED_BY, CaseRegisterActivities, EffectsInput
    from domain.models import CaseView, Model

# Activities retry until they succeed (a database restart must not lose a letter); those that can never
# succeed fail at once with a non-retryable error.
QUICK: dict[str, Any] = dict(
    start_to_close_timeout=timedelta(seconds=30), retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=30))
)


async def perform_together(case_id: str, effects: list[Model], view: CaseView | None) -> None:
    """The effects in order, then the view (versioned: an older view never overwrites a newer one)."""
    await workflow.execute_activity_method(
        CaseRegisterActivities.perform_effects, EffectsInput(case_id=case_id, effects=effects, view=view), **QUICK
    )


async def perform(case_id: str, effect: Model) -> None:
    activity, make_input = PERFORMED_BY[type(effect)]
    await workflow.execute_activity_method(activity, make_input(case_id, effect), **QUICK)


async def save_view(view: CaseView) -> None:
    await workflow.execute_activity_method(CaseRegisterActivities.save_case_view, view, **QUICK)
