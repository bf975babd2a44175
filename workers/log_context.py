"""Every log line an activity writes carries its workflow id and, for a complaint, the case id: the
correlation between a caseworker's request (request_id and case_id in the web's lines) and the work it
led to. Bound with structlog's contextvars around each activity, so no activity has to remember it.

The case id is the complaint workflow's id, a keyed hash (domain/identity.py): a reference, not personal
data. Nothing from an activity's arguments is bound.
"""

from __future__ import annotations

from typing import Any

import structlog
from temporalio import activity
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

# The workflow whose id is the case id (casework/operations.py starts it with id=case_id).
CASE_WORKFLOW = "ComplaintWorkflow"


def activity_context(info: activity.Info) -> dict[str, Any]:
    context: dict[str, Any] = {
        "workflow_id": info.workflow_id,
        "activity": info.activity_type,
        "attempt": info.attempt,
    }
    if info.workflow_type == CASE_WORKFLOW:
        context["case_id"] = info.workflow_id
    return context


class _BindActivityContext(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        # Each activity runs in a task of its own, so the binding never leaks into another activity.
        with structlog.contextvars.bound_contextvars(**activity_context(activity.info())):
            return await self.next.execute_activity(input)


class ActivityLogContext(Interceptor):
    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _BindActivityContext(next)
