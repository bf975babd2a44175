"""Records the golden histories that tests/replay replays in CI.

Run it once per released version of ComplaintWorkflow, and commit what it writes:

    .venv/bin/python -m tests.replay.record_golden v1

v1 and v2 drive one complaint through every kind of step and timer of the realitet track (a late filing,
aktindsigt twice, the genvurdering warning and breach, forwarding, hjemvisning, a new decision and a
second round through continue-as-new, stadfæstelse, an escalation). v3 records two complaints that use
the klagepunkter and the formal track: one with both realitet and formal points (a returning
complainant's point, an extension notice (N7), the servicemål notice, the borgerrådgiver, a behaviour
complaint raised at Ankestyrelsen, a second round, genoptagelse after closing), and a formalitetsklage alone taken on to the borgmester. v4 records
the paths of issue 8: a complaint first sent to Ankestyrelsen whose representative changes, with new
information, partshøring and hastebehandling at Ankestyrelsen, a hjemvisning round and an ændring to the
detriment; a børne- og ungeudvalg decision about two decisions, forwarded at intake; and a "klage følger"
waiting for its substance. v5 records the v1 and the v4 paths lifecycles again once a round of effects
and the read model became one activity. Each runs on the
time-skipping server with a real PostgreSQL; each run of a workflow is written as
`histories/<version>[-<lifecycle>]-run<N>.json`.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from temporalio.client import WorkflowHistory

from deploy.postgres import LocalPostgres
from store.migrate import migrated_database
from store.register import CaseRegister
from tests.conftest import _time_skipping_server, free_port
from tests.workflow.harness import Case, Harness

HISTORIES = Path(__file__).parent / "histories"


async def _full_lifecycle(harness: Harness) -> str:
    today = await harness.today()
    case = await harness.file(decision_received=today - timedelta(days=40), late_reason="Indlagt på hospital")
    await case.step("aktindsigt-requested")
    await harness.advance(2)
    await case.step("aktindsigt-answered")
    await case.step("aktindsigt-requested")
    await harness.advance(12)  # the 7 arbejdsdage pass: fristbrev
    await case.step("aktindsigt-answered")
    await harness.advance(40)  # the genvurdering warning and breach fire
    await case.step("genvurdering", result="fastholdt")
    await case.step("ankestyrelsen-received", journal_number="25-100200")
    await harness.advance(95)  # a long wait at Ankestyrelsen
    await case.step("ankestyrelsen-outcome", outcome="hjemvist")
    await case.step("new-decision", result="afslag")
    await harness.advance(3)
    await case.step("complaint-received")  # round 2: continue-as-new
    await case.step("genvurdering", result="delvist_medhold")
    await case.step("ankestyrelsen-received", journal_number="25-100201")
    await case.step("ankestyrelsen-outcome", outcome="stadfaestet")
    await case.step("escalate", route="ombudsmand")
    await case.settled()
    return case.id


async def _mixed_lifecycle(harness: Harness) -> str:
    case = await harness.file(
        klagepunkter=[{"track": "realitet"}, {"track": "formalitet", "category": "sagsbehandlingstid"}],
        klaget_til="myndighedscenter",
    )
    await case.step("klagepunkt-added", track="formalitet", category="manglende_svar", source="returning")
    due = (await case.view()).deadlines["genvurdering"].deadline.due
    await case.step("genvurdering-extended", expected=(due + timedelta(days=10)).isoformat())
    await harness.advance(14)  # the servicemål warning and the citizen's notice
    await case.step("klagepunkt-decided", point=2, outcome="kritik")
    await case.step("klagepunkt-decided", point=3, outcome="beklagelse", category="orientering")
    await case.step("formal-answer")
    await case.step("formal-escalated", level="borgerraadgiver")
    await case.step("klagepunkt-decided", point=2, outcome="kritik")
    await case.step("klagepunkt-decided", point=3, outcome="helt_medhold")
    await case.step("formal-answer", retsstilling="processuel")
    await case.step("genvurdering", result="fastholdt")
    await case.step("ankestyrelsen-received", journal_number="25-300400")
    await case.step("klagepunkt-added", track="formalitet", category="optraeden", source="appeal")
    await case.step("ankestyrelsen-outcome", outcome="hjemvist")
    await case.step("new-decision", result="afslag")
    await harness.advance(3)
    await case.step("complaint-received")  # round 2: continue-as-new with the formal point still open
    await case.step("klagepunkt-decided", point=4, outcome="beklagelse")
    await case.step("formal-answer")
    await case.step("genvurdering", result="fastholdt")
    await case.step("ankestyrelsen-received", journal_number="25-300401")
    await case.step("ankestyrelsen-outcome", outcome="stadfaestet")
    await harness.advance(30)
    await case.step("genoptagelse", result="genoptaget", ground="nye_oplysninger")  # S11
    await case.step("new-decision", result="bevilling")
    await case.settled()
    return case.id


async def _formal_lifecycle(harness: Harness) -> str:
    case = await harness.file(
        kind="formalitet",
        decision_received=None,
        area="serviceloven § 42",
        klaget_til="borgmester",
        klagepunkter=[
            {"track": "formalitet", "category": "sagsbehandlingstid"},
            {"track": "formalitet", "category": "partshoering", "law": "forvaltningsloven", "paragraph": "19"},
        ],
    )
    await harness.advance(14)  # the servicemål warning and the citizen's notice
    await case.step("klagepunkt-decided", point=1, outcome="beklagelse")
    await case.step("klagepunkt-decided", point=2, outcome="ikke_medhold")
    await case.step("formal-answer")
    await case.step("formal-escalated", level="borgmester")
    await harness.advance(14)  # the borgmester's servicemål
    await case.step("klagepunkt-decided", point=1, outcome="kritik")
    await case.step("klagepunkt-decided", point=2, outcome="ikke_medhold")
    await case.step("formal-answer")
    await case.step("escalate", route="ombudsmand")
    await case.settled()
    return case.id


async def _paths_lifecycle(harness: Harness) -> str:
    today = await harness.today()
    case = await harness.file(
        decision_received=today - timedelta(days=30), misdirected_via="ankestyrelsen",
        first_received=today - timedelta(days=7), representative_name="Advokat Golden", representative_kind="professional",
    )
    await case.step("representative-changed", kind="relative", representative_name="Pårørende Golden", has_fuldmagt="true")
    await case.step("genvurdering", result="fastholdt")
    await case.step("new-information")
    await case.step("ankestyrelsen-received", journal_number="25-400500")
    await case.step("ankestyrelsen-partshoering", answer_by=(today + timedelta(days=30)).isoformat())
    await case.step("hastebehandling-requested")
    await case.step("ankestyrelsen-outcome", outcome="hjemvist")
    await case.step("new-decision", result="afslag")
    await harness.advance(3)
    await case.step("complaint-received")  # round 2: continue-as-new, through the finish-steps patch
    await case.step("representative-changed")  # the fuldmagt revoked: the party gets the letters
    await case.step("genvurdering", result="fastholdt")
    await case.step("ankestyrelsen-received", journal_number="25-400501")
    await case.step("ankestyrelsen-outcome", outcome="aendret", detriment_from=(today + timedelta(days=60)).isoformat())
    await case.settled()
    return case.id


async def _udvalg_lifecycle(harness: Harness) -> str:
    today = await harness.today()
    receipt = await harness.file_raw(
        await harness.filing(
            decided_by_boerne_og_ungeudvalg=True,
            other_decisions=[{"decision_ref": "UDVALG-2", "decision_received": (today - timedelta(days=5)).isoformat()}],
        )
    )
    harness.case_ids.update(receipt.linked_cases)
    case = Case(harness, receipt)
    await case.settled()
    await case.step("ankestyrelsen-received", journal_number="25-600700")
    await case.step("ankestyrelsen-outcome", outcome="stadfaestet")
    await case.settled()
    return case.id


async def _placeholder_lifecycle(harness: Harness) -> str:
    case = await harness.file(placeholder=True, klaget_til="borgerraadgiver")
    await harness.advance(15)  # the waiting period passes: the caseworker is told to follow up
    await case.step("substance-received")
    await case.step("genvurdering", result="fuldt_medhold")
    await case.settled()
    return case.id


Lifecycle = Callable[[Harness], Awaitable[str]]
# The lifecycles each version records, by the name its files carry ("" for the first).
LIFECYCLES: dict[str, list[tuple[str, Lifecycle]]] = {
    "v1": [("", _full_lifecycle)],
    "v2": [("", _full_lifecycle)],
    "v3": [("mixed", _mixed_lifecycle), ("formal", _formal_lifecycle)],
    "v4": [("paths", _paths_lifecycle), ("udvalg", _udvalg_lifecycle), ("placeholder", _placeholder_lifecycle)],
    # A round of effects and the read model in one activity (PATCH_EFFECTS_IN_ONE_ACTIVITY).
    "v5": [("", _full_lifecycle), ("paths", _paths_lifecycle)],
}
LATEST = "v5"


async def _runs(harness: Harness, case_id: str) -> list[WorkflowHistory]:
    """Every run of the workflow, oldest first, following the continue-as-new chain backwards."""
    histories = []
    run_id: str | None = None
    while True:
        history = await harness.client.get_workflow_handle(case_id, run_id=run_id).fetch_history()
        histories.append(history)
        started = history.events[0].workflow_execution_started_event_attributes
        if not started.continued_execution_run_id:
            return list(reversed(histories))
        run_id = started.continued_execution_run_id


async def record(version: str) -> list[Path]:
    recorded: list[tuple[str, list[WorkflowHistory]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        postgres = LocalPostgres(Path(tmp) / "pg", free_port())
        postgres.start()
        try:
            url = await migrated_database(postgres, "golden")
            register = await CaseRegister.connect(url)
            try:
                async with _time_skipping_server() as env:
                    async with Harness(env, register, url, Path(tmp) / "outbox") as harness:
                        for name, lifecycle in LIFECYCLES.get(version, LIFECYCLES[LATEST]):
                            case_id = await lifecycle(harness)
                            recorded.append((name, await _runs(harness, case_id)))
            finally:
                await register.close()
        finally:
            postgres.stop()
    written = []
    for name, runs in recorded:
        for number, history in enumerate(runs, start=1):
            path = HISTORIES / f"{version}{'-' + name if name else ''}-run{number}.json"
            path.write_text(history.to_json(), encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.replay.record_golden VERSION   (e.g. v1)")
    for path in asyncio.run(record(sys.argv[1])):
        print(path)
