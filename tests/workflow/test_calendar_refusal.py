"""No step can hang a case: a deadline activity that cannot compute its date (a year outside the holiday
table) fails at once, the step is refused with the calendar's message, and the case goes on: its other
steps and its timers keep working. Before, the activity retried for ever while the step held the case's
lock, freezing every timer and step of the case."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from domain.calendar import LAST_YEAR
from domain.errors import StepRefused
from domain.vocabulary import Phase, WarningKind
from store.register import CaseRegister
from tests.workflow.harness import Harness


async def test_a_step_whose_date_the_calendar_cannot_count_is_refused_and_the_case_goes_on(
    private_time_skipping_env: WorkflowEnvironment, register: CaseRegister, database_url: str, tmp_path: Path
) -> None:
    # A server of its own: the clock runs past the calendar's last year. The complaint arrives in the
    # calendar's last autumn, so its klagefrist and genvurdering can be counted, and is still in
    # genvurdering (overdue) when the new year begins.
    async with Harness(private_time_skipping_env, register, database_url, tmp_path / "outbox") as harness:
        await harness.advance(days=(date(LAST_YEAR, 11, 1) - await harness.today()).days)
        case = await harness.file()
        await harness.advance(days=(date(LAST_YEAR + 1, 1, 2) - await harness.today()).days)
        before = await case.settled()
        assert before.phase == Phase.GENVURDERING

        with pytest.raises(StepRefused, match=f"no holiday table for {LAST_YEAR + 1}"):
            await case.step("aktindsigt-requested")

        after = await case.settled()
        assert (after.phase, after.version, after.history) == (before.phase, before.version, before.history)
        assert after.deadlines == before.deadlines

        # The case's other steps still work...
        await case.step("genvurdering", result="fastholdt")
        forwarded = await case.settled()
        assert forwarded.phase == Phase.FORWARDED
        assert (await case.letter_kinds()).count("oversendelse") == 1
        # ...and so do its timers: the first long wait at Ankestyrelsen is flagged.
        await harness.advance(days=92)
        waited = await case.settled()
        assert [w.kind for w in waited.warnings].count(WarningKind.ANKESTYRELSEN_LANG_VENTETID) == 1
