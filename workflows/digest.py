"""The daily digest: a Temporal Schedule starts this workflow on working-day mornings (workers/schedules.py);
the activity does the work and is idempotent per recipient and day."""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.digest import DigestActivities, DigestReport, DigestRun
    from workflows.effects import QUICK


@workflow.defn
class DailyDigestWorkflow:
    @workflow.run
    async def run(self, at: datetime | None = None) -> DigestReport:
        """The schedule passes nothing: the digest of now. An operator re-sending a missed day passes its
        morning; recipients who already got that day's digest get nothing new."""
        return await workflow.execute_activity_method(
            DigestActivities.send_daily_digests,
            DigestRun(at=at or workflow.now()),
            **{**QUICK, "start_to_close_timeout": timedelta(minutes=5)},
        )
