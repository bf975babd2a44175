"""ComplaintWorkflow: one durable workflow per complaint, from receipt to the last authority's word.

It follows the process of docs/legal-reference.md §2.2: intake (kvittering, standing, klagefrist), genvurdering within
4 weeks (paused by aktindsigt), fuldt medhold or forwarding to Ankestyrelsen, its outcome, and after
hjemvisning a new decision, a new klagefrist and a new round.

This module only orchestrates:
- Caseworker steps are updates, one per row of the table in `domain/steps.py`, all served by one dynamic
  update handler that looks the update's name up in the table. The validator runs the
  step's rule before the step enters history; the handler runs it again under the case's lock, asks the
  calendar activity for any date the step needs, and applies the step (`domain/transitions.py`).
- Steps and timers queue effects (letters, escalations, warnings, the hand-over); the main loop performs
  them and then writes the read model, one idempotent activity per round (`workflows/effects.py`), so an
  update returns as soon as the step is recorded.
- Timers are derived from the state (`domain/timers.py`); deadlines are dates computed by activities
  and recorded in history, the workflow only compares instants.
- A new round (the citizen complains about the kommune's new decision) continues as new with the state.
- A closed case stays open for onward escalation (Folketingets Ombudsmand, R43) and then completes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.common import RawValue
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.deadlines import CALENDAR_ERROR, DeadlineActivities
    from domain import steps, timers, transitions
    from domain.calendar_answers import IntakeQuestion
    from domain.case_record import CaseRecord
    from domain.errors import StepRefused
    # The workflow's own input and result live in domain.models too: a pydantic model defined in this
    # module would be built again (its whole validator tree) for every workflow the sandbox loads.
    from domain.models import (
        CaseState,
        CaseView,
        ComplaintFiling,
        ComplaintOutcome,
        ComplaintStart,
        FilingReceipt,
        HistoryEntry,
        Model,
        Step,
        StepResult,
        TimedDeadline,
    )
    from domain.steps import StepSpec
    from domain.vocabulary import PHASE_DANISH, DeadlineName, Phase
    from workers import metrics
    from workflows import effects, search_attributes as sa
    from workflows.effects import QUICK


# The steps whose dates come from the calendar: which activity to ask, and the question, from the state.
CALENDAR_QUESTIONS: dict[str, tuple[Callable[..., Any], Callable[[CaseState, datetime, Any], Model]]] = {
    "aktindsigt-requested": (DeadlineActivities.aktindsigt_opened, transitions.moment),
    "aktindsigt-answered": (DeadlineActivities.aktindsigt_closed, transitions.aktindsigt_answered_question),
    "fuldmagt-received": (DeadlineActivities.standing_confirmed, transitions.moment),
    # The genvurdering of a "klage følger" counts from the substance, as from a confirmed standing (policy).
    "substance-received": (DeadlineActivities.standing_confirmed, transitions.moment),
    "new-decision": (DeadlineActivities.new_decision_deadlines, transitions.moment),
    "complaint-received": (DeadlineActivities.received_deadlines, transitions.complaint_received_question),
    "klagepunkt-added": (DeadlineActivities.servicemaal_started, transitions.moment),
    "formal-escalated": (DeadlineActivities.servicemaal_started, transitions.moment),
    "genvurdering-extended": (DeadlineActivities.genvurdering_extension, transitions.genvurdering_extension_question),
}

# What each step does to the case, by the step's name in domain/steps.py.
TRANSITIONS: dict[str, Callable[..., None]] = {
    "aktindsigt-requested": transitions.aktindsigt_requested,
    "aktindsigt-answered": transitions.aktindsigt_answered,
    "fuldmagt-received": transitions.fuldmagt_received,
    "genvurdering": transitions.genvurdering,
    "ankestyrelsen-received": transitions.ankestyrelsen_received,
    "ankestyrelsen-outcome": transitions.ankestyrelsen_outcome,
    "new-decision": transitions.new_decision,
    "complaint-received": transitions.complaint_received,
    "withdraw": transitions.withdraw,
    "assign": transitions.assign,
    "escalate": transitions.escalate,
    "klagepunkt-added": transitions.klagepunkt_added,
    "klagepunkt-decided": transitions.klagepunkt_decided,
    "formal-answer": transitions.formal_answered,
    "formal-escalated": transitions.formal_escalated,
    "genvurdering-extended": transitions.genvurdering_extended,
    "genoptagelse": transitions.genoptagelse,
    "substance-received": transitions.substance_received,
    "ankestyrelsen-partshoering": transitions.ankestyrelsen_partshoering,
    "new-information": transitions.new_information,
    "hastebehandling-requested": transitions.hastebehandling_requested,
    "representative-changed": transitions.representative_changed,
}

# Added with the formal track (docs/legal-reference.md §2.9): a complaint with formal klagepunkter gets a
# formal track at intake. A formalitetsklage filed before went down the genvurdering path and replays so.
PATCH_FORMAL_TRACK = "formal-track"

# Added after v1: the citizen is told when the genvurdering deadline passes (R4). Complaints that passed
# this point before the change replay without the letter (docs/changing-workflows.md).
PATCH_CITIZEN_TOLD_OF_LATE_GENVURDERING = "citizen-told-of-late-genvurdering"

# Added when a round of effects and the read model went to one activity (workflows/effects.py): a
# complaint whose history has an activity per effect and one for the view replays so.
PATCH_EFFECTS_IN_ONE_ACTIVITY = "effects-in-one-activity"

# Added when the fault run lost a step taken while a round ended (see `_finish_late_steps`): a run that
# reached its end before this change continued as new at once, and replays so.
PATCH_FINISH_STEPS_BEFORE_NEW_ROUND = "finish-steps-before-new-round"


@workflow.defn(failure_exception_types=[StepRefused])
class ComplaintWorkflow:
    @workflow.init
    def __init__(self, start: ComplaintStart) -> None:
        self._state = start.carried or CaseState(filing=start.filing)
        self._record = CaseRecord(self._state, workflow.now)
        self._lock = asyncio.Lock()
        self._run_round = self._state.round
        self._synced_version = -1
        self._filing_acknowledged = start.carried is not None
        self._archived = False

    # --- main loop -------------------------------------------------------------------------------------

    @workflow.run
    async def run(self, start: ComplaintStart) -> ComplaintOutcome:
        if start.carried is None:
            async with self._lock:
                answer = await workflow.execute_activity_method(
                    DeadlineActivities.intake_deadlines, IntakeQuestion(filing=self._state.filing), **QUICK
                )
                formal_track = self._state.filing.has_formal_points and workflow.patched(PATCH_FORMAL_TRACK)
                transitions.intake(self._record, answer, formal_track=formal_track)
        while not self._archived:
            await self._perform_pending()
            if self._state.round != self._run_round:
                break  # a new round starts with a fresh history
            timer = self._next_timer()
            if timer is None:
                await workflow.wait_condition(self._has_news)
                continue
            wait = timer.at - workflow.now()
            if wait.total_seconds() > 0:
                try:
                    await workflow.wait_condition(self._has_news, timeout=wait)
                    continue
                except asyncio.TimeoutError:
                    pass
            await self._fire(timer)
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._perform_pending()
        if workflow.patched(PATCH_FINISH_STEPS_BEFORE_NEW_ROUND):
            await self._finish_late_steps()
        if not self._archived:
            workflow.continue_as_new(ComplaintStart(filing=self._state.filing, carried=self._state))
        s = self._state
        return ComplaintOutcome(case_id=s.case_id, phase=s.phase, outcome=s.outcome, rounds=s.round)

    async def _finish_late_steps(self) -> None:
        """A step accepted while the round's last effects ran (a new decision taken right after the
        hjemvisning) would be dropped half-way by continue-as-new, and the caseworker told it failed
        ("the Workflow completed before the Update completed", seen in the fault run): finish it, and
        the effects it queues, in this run."""
        while not workflow.all_handlers_finished() or self._has_news():
            await workflow.wait_condition(workflow.all_handlers_finished)
            await self._perform_pending()

    def _has_news(self) -> bool:
        return bool(self._state.pending) or self._state.version != self._synced_version

    def _next_timer(self) -> timers.Timer | None:
        return timers.next_timer(self._record, self._archive, self._tell_citizen_of_late_genvurdering)

    @staticmethod
    def _tell_citizen_of_late_genvurdering() -> bool:
        return workflow.patched(PATCH_CITIZEN_TOLD_OF_LATE_GENVURDERING)

    def _archive(self) -> None:
        self._archived = True

    async def _fire(self, timer: timers.Timer) -> None:
        async with self._lock:
            # An update may have changed the phase while this timer was waiting for the lock.
            current = self._next_timer()
            if current is not None and current.name == timer.name and current.at <= workflow.now():
                current.fire()

    async def _perform_pending(self) -> None:
        """The queued effects, then the read model and the search attributes, until nothing is left."""
        if not self._has_news():
            return
        if not workflow.patched(PATCH_EFFECTS_IN_ONE_ACTIVITY):
            await self._perform_one_by_one()
            return
        state = self._state
        while self._has_news():
            # A step taken while the activity runs queues more: they are the next round's.
            performed = list(state.pending)
            view = self.view().model_copy(update={"pending_effects": 0}) if self._view_changed() else None
            await effects.perform_together(state.case_id, performed, view)
            del state.pending[: len(performed)]
            if view is not None:
                self._published(view)

    async def _perform_one_by_one(self) -> None:
        """As complaints did before PATCH_EFFECTS_IN_ONE_ACTIVITY: an activity per effect, one for the view."""
        state = self._state
        while state.pending:
            await effects.perform(state.case_id, state.pending[0])
            state.pending.pop(0)
        if self._view_changed():
            view = self.view()
            await effects.save_view(view)
            self._published(view)

    def _view_changed(self) -> bool:
        return self._state.version != self._synced_version

    def _published(self, view: CaseView) -> None:
        """The read model holds `view`: the search attributes follow (the phase as it is now, as before)."""
        state = self._state
        self._synced_version = view.version
        workflow.upsert_search_attributes(
            [
                sa.KOMMUNE.value_set(state.filing.kommune),
                sa.PHASE.value_set(state.phase.value),
                sa.OVERDUE.value_set(state.overdue),
                sa.ROUND.value_set(state.round),
                sa.NEXT_DEADLINE.value_set(view.next_deadline_at)
                if view.next_deadline_at
                else sa.NEXT_DEADLINE.value_unset(),
            ]
        )

    # --- caseworker steps: one handler frame for every row of domain/steps.py ---------------------------

    # One dynamic handler rather than one registered per step: registering ~20 handlers made the SDK read
    # their type hints again for every workflow it loaded. Updates keep their names from the table.
    @workflow.update(dynamic=True)
    async def step(self, update: str, args: Sequence[RawValue]) -> StepResult:
        spec = steps.BY_UPDATE[update]  # the validator refused any other name
        return await self._take_step(spec, _decode(spec, args))

    @step.validator
    def _validate_step(self, update: str, args: Sequence[RawValue]) -> None:
        spec = steps.BY_UPDATE.get(update)
        if spec is None:
            raise StepRefused(f"There is no step '{update}'; the steps are: {', '.join(steps.BY_UPDATE)}.")
        step = _decode(spec, args)
        if self._earlier_result() is not None:
            return  # a retry of a step already taken: the handler answers with the first result
        self._check(spec, step)

    def _check(self, spec: StepSpec, step: Step) -> None:
        """The step's rule; a refusal is counted under the rule that refused it."""
        try:
            steps.check_step(self._state, step, workflow.now())
        except StepRefused as refusal:
            metrics.step_refused(workflow.metric_meter(), spec.name, metrics.refusing_rule(refusal))
            raise

    async def _take_step(self, spec: StepSpec, step: Step) -> StepResult:
        async with self._lock:
            if (earlier := self._earlier_result()) is not None:
                return earlier
            # Again under the lock: an earlier update may have moved the case since the validator ran.
            self._check(spec, step)
            answer = await self._ask_calendar(spec, step)
            TRANSITIONS[spec.name](self._record, step, *([answer] if answer is not None else []))
            # Counted here, once per update id (workers/metrics.py says why not at the edge).
            metrics.step_taken(workflow.metric_meter(), spec.name)
            return self._record.result(self._update_id())

    async def _ask_calendar(self, spec: StepSpec, step: Step) -> Model | None:
        """The date a step needs, before it changes anything: a date the calendar cannot count refuses the
        step with the calendar's message, and the case goes on as before."""
        if spec.name not in CALENDAR_QUESTIONS:
            return None
        activity, question = CALENDAR_QUESTIONS[spec.name]
        try:
            return await workflow.execute_activity_method(
                activity, question(self._state, workflow.now(), step), **QUICK
            )
        except ActivityError as failed:
            cause = failed.cause
            if isinstance(cause, ApplicationError) and cause.type == CALENDAR_ERROR:
                metrics.step_refused(workflow.metric_meter(), spec.name, metrics.CALENDAR_RULE)
                raise StepRefused(cause.message) from None
            raise

    @staticmethod
    def _update_id() -> str | None:
        update = workflow.current_update_info()
        return update.id if update is not None else None

    def _earlier_result(self) -> StepResult | None:
        return self._record.earlier_result(self._update_id())

    # --- filing ----------------------------------------------------------------------------------------

    @workflow.update
    async def file_complaint(self, filing: ComplaintFiling) -> FilingReceipt:
        s = self._state
        duplicate = self._filing_acknowledged
        self._filing_acknowledged = True
        # The receipt reports the case after intake (standing and timeliness checked).
        await workflow.wait_condition(lambda: s.phase != Phase.RECEIVED)
        if duplicate:
            # §7: the same complaint through another channel is merged into this case; the first receipt
            # keeps deciding timeliness.
            s.history.append(
                HistoryEntry(
                    seq=len(s.history) + 1,
                    at=workflow.now(),
                    step="duplicate-filing",
                    actor=filing.actor,
                    reason=f"Samme klage modtaget igen ({filing.channel.value}, {filing.received.isoformat()})",
                    phase_before=s.phase,
                    phase_after=s.phase,
                    round=s.round,
                )
            )
            self._record.touch()
        return FilingReceipt(case_id=s.case_id, duplicate=duplicate, phase=s.phase, round=s.round)

    @file_complaint.validator
    def _validate_filing(self, filing: ComplaintFiling) -> None:
        if filing.case_id != self._state.case_id:
            raise StepRefused("The filing belongs to another case id.")

    # --- queries -----------------------------------------------------------------------------------------

    @workflow.query
    def view(self) -> CaseView:
        s = self._state
        next_deadline = self._next_deadline()
        return CaseView(
            case_id=s.case_id,
            kommune=s.filing.kommune,
            kind=s.filing.kind,
            channel=s.filing.channel,
            area=s.filing.area,
            decision_ref=s.filing.decision.reference,
            phase=s.phase,
            phase_danish=PHASE_DANISH[s.phase],
            round=s.round,
            remand_count=s.remand_count,
            outcome=s.outcome,
            late=s.late,
            timeliness=s.timeliness,
            overdue=s.overdue,
            journal_number=s.journal_number,
            representative=s.representative,
            received=s.filing.received,
            last_step_at=s.last_step_at,
            next_deadline_at=next_deadline[1] if next_deadline else None,
            next_deadline_kind=next_deadline[0] if next_deadline else None,
            deadlines=self._deadlines(),
            history=s.history,
            letters=[letter.key for letter in s.letters],
            escalations=s.escalations,
            warnings=s.warnings,
            pending_effects=len(s.pending),
            version=s.version,
            unit=s.unit,
            assignee=s.assignee,
            klagepunkter=s.points,
            klaget_til=s.filing.klaget_til,
            unit_complained_about=s.filing.unit_complained_about,
            law=s.filing.law,
            paragraph=s.filing.paragraph,
            formal_stage=s.formal.stage if s.formal else None,
            formal_level=s.formal.level if s.formal else None,
            retsstilling=s.formal.retsstilling if s.formal else None,
            misdirected=s.filing.misdirected,
            placeholder=s.filing.placeholder,
            boerne_og_ungeudvalg=s.filing.decided_by_boerne_og_ungeudvalg,
            linked_cases=s.filing.linked_cases,
            haste_requested=s.haste_requested,
        )

    def _deadlines(self) -> dict[DeadlineName, TimedDeadline]:
        """The running deadlines, with the formal track's servicemål while its answer is awaited."""
        s = self._state
        servicemaal = s.formal.answer_due if s.formal is not None and s.formal_open else None
        if servicemaal is None or s.phase.is_terminal:
            return s.deadlines
        return {**s.deadlines, DeadlineName.SERVICEMAAL: servicemaal}

    def _next_deadline(self) -> tuple[DeadlineName, datetime] | None:
        s = self._state
        name = {
            Phase.GENVURDERING: DeadlineName.GENVURDERING,
            Phase.AKTINDSIGT: DeadlineName.AKTINDSIGT,
            Phase.KLAGEFRIST: DeadlineName.KLAGEFRIST,
            Phase.AWAITING_SUBSTANCE: DeadlineName.UDDYBNING,
        }.get(s.phase)
        if name == DeadlineName.GENVURDERING and DeadlineName.GENVURDERING_FORVENTET in s.deadlines:
            name = DeadlineName.GENVURDERING_FORVENTET  # the date the citizen was given (N7) is what is left
        candidates = [(name, s.deadlines[name].ends_at)] if name is not None and name in s.deadlines else []
        deadlines = self._deadlines()
        if DeadlineName.SERVICEMAAL in deadlines and s.standing_confirmed:
            candidates.append((DeadlineName.SERVICEMAAL, deadlines[DeadlineName.SERVICEMAAL].ends_at))
        return min(candidates, key=lambda c: c[1]) if candidates else None


def _decode(spec: StepSpec, args: Sequence[RawValue]) -> Step:
    """The update's one argument as the step's own model (the models ignore fields they do not know)."""
    if len(args) != 1:
        raise StepRefused(f"The step '{spec.name}' takes one argument, not {len(args)}.")
    return workflow.payload_converter().from_payload(args[0].payload, spec.model)
