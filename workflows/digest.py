"""The daily digest: a Temporal Schedule starts this workflow on working-day mornings (workers/schedules.py);
the activity does the work and is idempotent per recipient and day."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.digest import DigestActivities, DigestReport, DigestRun
    from workflows.effects import QUICK


@workflow.defn
class DailyDigestWorkflow:
    @workflow.run
    async def run(self) -> DigestReport:
        return await workflow.execute_activity_method(
            DigestActivities.send_daily_digests,
            DigestRun(at=workflow.now()),
            **{**QUICK, "start_to_close_timeout": timedelta(minutes=5)},
        )
