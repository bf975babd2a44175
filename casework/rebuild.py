"""Rebuild the read model (`cases`) from the workflows in Temporal.

The `cases` table is a projection: every ComplaintWorkflow writes its own row through the
`save_case_view` activity after each change. If the table is lost or damaged (a restored PostgreSQL
backup older than Temporal's state, a bad manual edit, rows deleted) the workflows still know every case,
and this module writes their views back:

1. list the complaint workflows through Temporal visibility (`client.list_workflows(query)`; on the dev
   server that includes running and closed executions);
2. keep one entry per workflow id: a run that ended with CONTINUED_AS_NEW (a new round after hjemvisning)
   is superseded by its successor, and a query on the id without a run id always reaches the latest run;
3. ask each workflow for its `view` (`operations.live_view`) and store it with
   `CaseRegister.save_case_view`, which only ever writes a *newer* version than the stored one.

Because of that version guard the rebuild is safe while workers run and cases move: a row the workflow
wrote meanwhile is never overwritten with an older view. It also means the rebuild does not repair a row
whose stored version is *ahead* of the workflow (e.g. PostgreSQL restored from a later point in time than
Temporal) or a row with the same version but different content; those are reported as failures with what
to do (delete the row, run again).

Limits, to say out loud:

* **A worker must be running** on the workflows' task queue: a query is answered by a worker, which
  replays the history when the workflow is not cached (also for closed workflows). Without one every
  query times out and is reported as a failure.
* **Retention bounds what can be rebuilt.** A closed workflow (a case archived after its onward window,
  or a terminated one) stays in Temporal only for the namespace's retention period (the dev server's
  default namespace: 24 hours unless created otherwise); after that it is gone from visibility and its
  row cannot be rebuilt from Temporal. Keep PostgreSQL backups for those (docs/operations.md).
* **Visibility is eventually consistent** (about a second on the dev server): a workflow started a moment
  ago may be missing from the list. Run the rebuild again if a case was filed while it ran.
* A view with effects still pending (letters, warnings not yet done) is not written: the workflow writes
  that row itself as soon as the effects are done (`pending_effects` in a stored row is always 0).
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field
from typing import Any

from temporalio.client import Client, WorkflowExecution, WorkflowExecutionStatus

from casework import operations
from domain.models import CaseView
from store import reasons
from store.register import CaseRegister

DEFAULT_QUERY = "WorkflowType = 'ComplaintWorkflow'"


@dataclass
class RebuildReport:
    """What a rebuild did. `failures` has one line per case that could not be brought up to date."""

    cases_seen: int = 0  # distinct workflow ids listed (runs continued-as-new are not counted twice)
    rows_written: int = 0  # rows inserted or replaced by a newer version
    failures: list[str] = field(default_factory=list)
    facts_written: int = 0  # complaints whose statistics facts were filled in from their stored view

    @property
    def ok(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        unchanged = self.cases_seen - self.rows_written - len(self.failures)
        lines = [
            f"cases seen: {self.cases_seen}, rows written: {self.rows_written}, already up to date: "
            f"{max(unchanged, 0)}, failures: {len(self.failures)}, statistics facts filled in: {self.facts_written}"
        ]
        lines += [f"  {failure}" for failure in self.failures]
        return "\n".join(lines)


async def latest_runs(client: Client, query: str = DEFAULT_QUERY) -> dict[str, WorkflowExecution]:
    """One execution per workflow id from visibility: the newest run that did not continue as new.

    If visibility only shows a continued-as-new run for an id so far (its successor not yet indexed), that
    run stands in for the id; the view query goes to the id, i.e. to the latest run, either way.
    """
    chosen: dict[str, WorkflowExecution] = {}
    async for execution in client.list_workflows(query):
        current = chosen.get(execution.id)
        if current is None or _rank(execution) > _rank(current):
            chosen[execution.id] = execution
    return chosen


def _rank(execution: WorkflowExecution) -> tuple[bool, float]:
    superseded = execution.status == WorkflowExecutionStatus.CONTINUED_AS_NEW
    return (not superseded, execution.start_time.timestamp())


async def rebuild_read_model(
    client: Client,
    register: CaseRegister,
    *,
    query: str = DEFAULT_QUERY,
    concurrency: int = 8,
    query_timeout: float = 10.0,
    settle_timeout: float = 5.0,
) -> RebuildReport:
    """Write every listed case's current view into `cases` where the row is missing or older.

    Needs a running worker (queries run on it). `query` is a visibility query, e.g.
    ``"WorkflowType = 'ComplaintWorkflow' AND KlagesagKommune = '0101'"``. Safe to run again and while cases
    move: only newer versions are ever written.
    """
    report = RebuildReport()
    runs = await latest_runs(client, query)
    report.cases_seen = len(runs)
    limit = asyncio.Semaphore(max(1, concurrency))

    async def one(case_id: str) -> None:
        async with limit:
            try:
                outcome = await _rebuild_case(
                    client, register, case_id, query_timeout=query_timeout, settle_timeout=settle_timeout
                )
            except Exception as error:  # one broken case must not stop the others
                outcome = f"{case_id}: {type(error).__name__}: {error}"
        if outcome is True:
            report.rows_written += 1
        elif isinstance(outcome, str):
            report.failures.append(outcome)

    await asyncio.gather(*(one(case_id) for case_id in sorted(runs)))
    report.failures.sort()
    return report


async def _rebuild_case(
    client: Client, register: CaseRegister, case_id: str, *, query_timeout: float, settle_timeout: float
) -> bool | str:
    """True if a row was written, False if it was already up to date, a failure line otherwise."""
    view = await _settled_view(client, case_id, query_timeout=query_timeout, settle_timeout=settle_timeout)
    if isinstance(view, str):
        return view
    stored = await register.case_view(case_id)
    if stored is None or stored.version < view.version:
        # False here means the workflow itself wrote a newer version in the meantime: nothing to do.
        return await register.save_case_view(view)
    if stored.version > view.version:
        return (
            f"{case_id}: the stored row has version {stored.version}, newer than the workflow's {view.version} "
            f"(read model restored from a later point than Temporal?); delete the row and run the rebuild again"
        )
    if stored != view and stored != reasons.erased(view):  # an erased case's row keeps "[slettet]"
        return (
            f"{case_id}: the stored row differs from the workflow's view at the same version {view.version}; "
            f"delete the row and run the rebuild again"
        )
    return False


async def _settled_view(
    client: Client, case_id: str, *, query_timeout: float, settle_timeout: float
) -> CaseView | str:
    loop = asyncio.get_running_loop()
    give_up = loop.time() + settle_timeout
    while True:
        try:
            view = await asyncio.wait_for(operations.live_view(client, case_id), timeout=query_timeout)
        except asyncio.TimeoutError:
            return (
                f"{case_id}: no answer to the view query within {query_timeout:g} s; is a worker running on "
                f"the workflows' task queue?"
            )
        if view.pending_effects == 0:
            return view
        if loop.time() >= give_up:
            return (
                f"{case_id}: {view.pending_effects} effect(s) still pending at version {view.version}; the "
                f"workflow writes this row itself when they are done (run the rebuild again if it stays missing)"
            )
        await asyncio.sleep(0.2)
