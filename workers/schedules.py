"""Temporal Schedules klagesag needs, created idempotently each time the stack or `klagesag init` starts."""

from __future__ import annotations

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
)

from workers.settings import Settings
from workflows.digest import DailyDigestWorkflow

DIGEST_SCHEDULE_ID = "klagesag-daily-digest"
# Working days at 07:00 in Copenhagen; the activity also skips helligdage.
DIGEST_CRON = "0 7 * * 1-5"


def digest_schedule(settings: Settings) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            DailyDigestWorkflow.run, id=f"{DIGEST_SCHEDULE_ID}-run", task_queue=settings.task_queue
        ),
        spec=ScheduleSpec(cron_expressions=[DIGEST_CRON], time_zone_name="Europe/Copenhagen"),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


async def ensure_digest_schedule(client: Client, settings: Settings) -> bool:
    """Create the digest schedule unless it exists. True if it was created now."""
    try:
        await client.create_schedule(DIGEST_SCHEDULE_ID, digest_schedule(settings))
    except ScheduleAlreadyRunningError:
        return False
    return True
