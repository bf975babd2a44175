"""The forecast's inputs from complaints taken through the real workflow: the activities that write the
read model write each step to `case_steps` too, so a sagsbehandler's deadline steps count towards their
pace the day after, and the open cases come with the deadline the workflow chose (the aktindsigt answer
while a request waits, not the paused genvurdering)."""

from __future__ import annotations

from datetime import timedelta

from domain.forecast import pace_window
from domain.vocabulary import DeadlineName, Phase
from tests.workflow.harness import Harness


async def test_deadline_steps_count_towards_the_pace_and_open_cases_carry_their_next_deadline(harness: Harness) -> None:
    decided = await harness.file(unit="ydelse", assignee="sb-w")
    answered = await harness.file(unit="ydelse", assignee="sb-w")
    waiting = await harness.file(unit="ydelse", assignee="sb-w")
    await decided.step("genvurdering", result="fastholdt", actor="sb-w")
    await answered.step("aktindsigt-requested", actor="sb-w")
    await answered.step("aktindsigt-answered", actor="sb-w")
    await waiting.step("aktindsigt-requested", actor="sb-w")
    for case in (decided, answered, waiting):
        await case.settled()

    today = await harness.today()
    kommune = harness.settings.kommune_code
    cases, completed = await harness.register.forecast_inputs(kommune=kommune, window=pace_window(today))
    assert completed == {}  # today's steps count from tomorrow: the window ends yesterday
    _, completed = await harness.register.forecast_inputs(kommune=kommune, window=pace_window(today + timedelta(days=1)))
    assert completed == {"sb-w": 2}  # the genvurdering and the aktindsigt answer; not the requests, not the filings

    mine = {c.case_id: c for c in cases if c.case_id in harness.case_ids}
    assert decided.id not in mine  # forwarded to Ankestyrelsen: no deadline of the kommune's left
    assert (mine[answered.id].phase, mine[answered.id].deadline_kind) == (Phase.GENVURDERING, DeadlineName.GENVURDERING)
    assert (mine[waiting.id].phase, mine[waiting.id].deadline_kind) == (Phase.AKTINDSIGT, DeadlineName.AKTINDSIGT)
    assert {c.assignee for c in mine.values()} == {"sb-w"}
