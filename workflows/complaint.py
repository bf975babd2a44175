"""ComplaintWorkflow: one durable workflow per complaint, from receipt to the last authority's word.

It reads like the process a caseworker describes (domain.md §2.2): intake (kvittering, standing,
klagefrist), genvurdering within 4 weeks (paused by aktindsigt), fuldt medhold or forwarding to
Ankestyrelsen, its outcome, and after hjemvisning a new decision, a new klagefrist and a new round.

How it is built:
- Caseworker steps are updates. Each validator runs the rule in `domain.rules` and refuses the step before
  it enters history. A handler changes the state under a lock and queues effects (letters, escalations,
  warnings, the hand-over); the main loop performs them through idempotent activities and then writes
  the read model, so an update returns as soon as the step is recorded.
- Deadlines are dates computed by activities and recorded in history; the workflow only compares instants.
- A new round (the citizen complains about the kommune's new decision) continues as new, carrying the state.
- A closed case stays open for onward escalation (Folketingets Ombudsmand: 1 year after the final
  decision, R43) and then completes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.case_register import (
        CaseRegisterActivities,
        EscalationInput,
        ForwardInput,
        LetterInput,
        WarningInput,
    )
    from activities.deadlines import (
        AktindsigtCloseQuestion,
        DeadlineActivities,
        IntakeQuestion,
        Moment,
        ReceivedQuestion,
    )
    from domain import rules
    from domain.letters import LetterFacts
    from domain.models import (
        AktindsigtAnswered,
        AktindsigtRequest,
        AktindsigtRequested,
        AnkestyrelsenDecided,
        AnkestyrelsenReceived,
        CaseState,
        CaseView,
        ComplaintFiling,
        ComplaintReceivedAgain,
        EscalationEntry,
        EscalationRequested,
        FilingReceipt,
        ForwardCase,
        ForwardEntry,
        FuldmagtReceived,
        GenvurderingDone,
        HistoryEntry,
        LetterEntry,
        LogEscalation,
        Model,
        NewDecisionMade,
        RecordWarning,
        SendLetter,
        Step,
        StepResult,
        WarningEntry,
        Withdrawn,
    )
    from domain.vocabulary import (
        PHASE_DANISH,
        AnkestyrelsenOutcome,
        EscalationRoute,
        GenvurderingResult,
        LetterKind,
        NewDecisionResult,
        Phase,
        WarningKind,
    )
    from workflows import search_attributes as sa

QUICK = dict(start_to_close_timeout=timedelta(seconds=30), retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=30)))

GENVURDERING_WARNING_BEFORE = timedelta(days=7)  # the caseworker is warned a week ahead (issue 2 §4)
# Ankestyrelsen decides many cases within 3 months and 90 % within 7 months (R35): waiting longer is
# worth a supervisor's look.
ANKESTYRELSEN_LONG_WAITS = (timedelta(days=91), timedelta(days=213))
REPEATED_REMAND = 2  # domain.md §2.5: alert the leder at remand_count >= 2 (policy)
# The fristbrev goes out automatically when the 7 arbejdsdage pass (OFL § 36 stk. 3): the caseworker has
# not registered a reason, so it says what is true of every such case.
AKTINDSIGT_DELAY_REASON = "Vi er endnu ikke færdige med at gennemgå dokumenterne i din sag"
# Ombudsmand: 1 year after the final decision (R43, R44). The workflow stays a month longer so a late
# request is answered with that rule rather than with "no open case".
ONWARD_WINDOW = rules.LONGEST_YEAR + timedelta(days=30)


PATCH_CITIZEN_TOLD_OF_LATE_GENVURDERING = "citizen-told-of-late-genvurdering"
REMEMBERED_UPDATES = 20


class ComplaintStart(Model):
    filing: ComplaintFiling
    carried: CaseState | None = None  # set by continue-as-new


class ComplaintOutcome(Model):
    case_id: str
    phase: Phase
    outcome: str | None
    rounds: int


@dataclass(frozen=True)
class Timer:
    at: datetime
    name: str
    fire: Callable[[], None]


@workflow.defn
class ComplaintWorkflow:
    @workflow.init
    def __init__(self, start: ComplaintStart) -> None:
        self._state = start.carried or CaseState(filing=start.filing)
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
                await self._intake()
        while not self._archived:
            await self._perform_pending()
            if self._state.round != self._run_round:
                break  # a new round starts with a fresh history
            timer = self._next_timer()
            now = workflow.now()
            if timer is not None and timer.at <= now:
                await self._fire(timer)
                continue
            timeout = (timer.at - now) if timer is not None else None
            try:
                await workflow.wait_condition(self._has_news, timeout=timeout)
            except asyncio.TimeoutError:
                await self._fire(timer)
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._perform_pending()
        if not self._archived:
            workflow.continue_as_new(ComplaintStart(filing=self._state.filing, carried=self._state))
        return ComplaintOutcome(
            case_id=self._state.case_id, phase=self._state.phase, outcome=self._state.outcome, rounds=self._state.round
        )

    def _has_news(self) -> bool:
        return bool(self._state.pending) or self._state.version != self._synced_version

    async def _fire(self, timer: Timer | None) -> None:
        assert timer is not None
        async with self._lock:
            # An update may have changed the phase while this timer was waiting for the lock.
            current = self._next_timer()
            if current is not None and current.name == timer.name and current.at <= workflow.now():
                current.fire()

    async def _perform_pending(self) -> None:
        state = self._state
        while state.pending:
            effect = state.pending[0]
            if isinstance(effect, SendLetter):
                await workflow.execute_activity_method(
                    CaseRegisterActivities.send_letter, LetterInput(case_id=state.case_id, letter=effect.letter), **QUICK
                )
            elif isinstance(effect, LogEscalation):
                await workflow.execute_activity_method(
                    CaseRegisterActivities.log_escalation,
                    EscalationInput(case_id=state.case_id, escalation=effect.escalation),
                    **QUICK,
                )
            elif isinstance(effect, RecordWarning):
                await workflow.execute_activity_method(
                    CaseRegisterActivities.record_warning,
                    WarningInput(case_id=state.case_id, warning=effect.warning),
                    **QUICK,
                )
            elif isinstance(effect, ForwardCase):
                await workflow.execute_activity_method(
                    CaseRegisterActivities.forward_to_ankestyrelsen,
                    ForwardInput(case_id=state.case_id, forward=effect.forward),
                    **QUICK,
                )
            state.pending.pop(0)
        if state.version != self._synced_version:
            view = self.view()
            await workflow.execute_activity_method(CaseRegisterActivities.save_case_view, view, **QUICK)
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

    # --- timers ------------------------------------------------------------------------------------------

    def _next_timer(self) -> Timer | None:
        timers = self._timers()
        return min(timers, key=lambda t: t.at) if timers else None

    def _timers(self) -> list[Timer]:
        s = self._state
        timers: list[Timer] = []
        if s.phase == Phase.GENVURDERING:
            due = s.deadlines["genvurdering"].ends_at
            soon = self._warning_key(WarningKind.GENVURDERING_SNART)
            late = self._warning_key(WarningKind.GENVURDERING_OVERSKREDET)
            if not s.has_warning(soon):
                timers.append(Timer(due - GENVURDERING_WARNING_BEFORE, soon, self._warn_genvurdering_soon))
            if not s.has_warning(late):
                timers.append(Timer(due, late, self._genvurdering_overdue))
        elif s.phase == Phase.AKTINDSIGT:
            pending = s.pending_aktindsigt()
            assert pending is not None
            key = self._warning_key(WarningKind.AKTINDSIGT_OVERSKREDET, len(s.aktindsigt))
            if not s.has_warning(key):
                timers.append(Timer(pending.answer_due.ends_at, key, self._aktindsigt_overdue))
        elif s.phase in (Phase.FORWARDED, Phase.AT_ANKESTYRELSEN):
            forwarded_at = s.forwards[-1].at
            for wait in ANKESTYRELSEN_LONG_WAITS:
                key = self._warning_key(WarningKind.ANKESTYRELSEN_LANG_VENTETID, wait.days)
                if not s.has_warning(key):
                    timers.append(Timer(forwarded_at + wait, key, lambda w=wait, k=key: self._long_wait(w, k)))
        elif s.phase == Phase.KLAGEFRIST:
            timers.append(Timer(s.deadlines["klagefrist"].ends_at, "klagefrist", self._klagefrist_expired))
        elif s.phase.is_terminal:
            anchor = s.final_decision_at or s.last_step_at or workflow.now()
            timers.append(Timer(anchor + ONWARD_WINDOW, "archive", self._archive))
        return timers

    def _warning_key(self, kind: WarningKind, n: int | None = None) -> str:
        key = f"{self._state.case_id}:r{self._state.round}:{kind.value}"
        return f"{key}:{n}" if n is not None else key

    def _warn(self, key: str, kind: WarningKind, message: str) -> None:
        warning = WarningEntry(key=key, kind=kind, at=workflow.now(), message=message)
        self._state.warnings.append(warning)
        self._state.pending.append(RecordWarning(warning=warning))

    def _warn_genvurdering_soon(self) -> None:
        due = self._state.deadlines["genvurdering"].deadline.due
        self._warn(
            self._warning_key(WarningKind.GENVURDERING_SNART),
            WarningKind.GENVURDERING_SNART,
            f"Genvurderingen skal være færdig senest {due.isoformat()} (4 uger, rsl § 66, R3-R4). Send "
            "forlængelsesbrev med forventet tidspunkt, hvis der mangler oplysninger (R4).",
        )
        self._touch()

    def _genvurdering_overdue(self) -> None:
        due = self._state.deadlines["genvurdering"].deadline.due
        message = (
            f"Fristen for genvurdering ({due.isoformat()}) er overskredet. Sagen skal stadig genvurderes og "
            "sendes videre; borgerens ret fortabes ikke (domain.md §7)."
        )
        self._warn(self._warning_key(WarningKind.GENVURDERING_OVERSKREDET), WarningKind.GENVURDERING_OVERSKREDET, message)
        self._state.overdue = True
        self._escalate_automatically(EscalationRoute.LEDER, message)
        # Added after v1: the citizen is told too (R4). Complaints that passed this point before the change
        # replay without the letter (docs/changing-workflows.md).
        if workflow.patched(PATCH_CITIZEN_TOLD_OF_LATE_GENVURDERING):
            self._letter(LetterKind.GENVURDERING_FORSINKET)
        self._touch()

    def _aktindsigt_overdue(self) -> None:
        s = self._state
        pending = s.pending_aktindsigt()
        assert pending is not None
        self._warn(
            self._warning_key(WarningKind.AKTINDSIGT_OVERSKREDET, len(s.aktindsigt)),
            WarningKind.AKTINDSIGT_OVERSKREDET,
            f"Aktindsigt anmodet {pending.requested.isoformat()} er ikke besvaret inden for 7 arbejdsdage "
            f"({pending.answer_due.deadline.due.isoformat()}; FVL § 16 stk. 2, OFL § 36). Fristbrev sendt.",
        )
        self._letter(
            LetterKind.AKTINDSIGT_FRISTBREV,
            aktindsigt_requested=pending.requested,
            aktindsigt_answer_due=pending.answer_due.deadline.due,
            reason=AKTINDSIGT_DELAY_REASON,
        )
        s.overdue = True
        self._touch()

    def _long_wait(self, wait: timedelta, key: str) -> None:
        self._warn(
            key,
            WarningKind.ANKESTYRELSEN_LANG_VENTETID,
            f"Sagen har ventet {wait.days} dage i Ankestyrelsen (mange sager afgøres inden 3 måneder, 90 % "
            "inden 7 måneder, R35). Overvej at bede om status eller hastebehandling.",
        )
        self._touch()

    def _klagefrist_expired(self) -> None:
        s = self._state
        self._record("klagefrist-expired", Step(actor="system", reason="Klagefristen udløb uden ny klage"), Phase.CLOSED)
        s.outcome = "endelig_afgoerelse"
        s.final_decision_at = workflow.now()
        s.deadlines.pop("klagefrist", None)

    def _archive(self) -> None:
        self._archived = True

    # --- intake ----------------------------------------------------------------------------------------

    async def _intake(self) -> None:
        s = self._state
        answer = await workflow.execute_activity_method(
            DeadlineActivities.intake_deadlines, IntakeQuestion(filing=s.filing), **QUICK
        )
        s.complaint_received = s.filing.received
        s.deadlines["genvurdering"] = answer.genvurdering
        if answer.klagefrist is not None:
            s.deadlines["klagefrist"] = answer.klagefrist
        s.late = answer.late
        s.timeliness = answer.timeliness
        representative = s.filing.representative
        step = Step(actor=s.filing.actor, reason=f"Klage modtaget ({s.filing.channel.value})")
        if representative is not None and not representative.has_standing:
            # §2.2 S2b: ask for the fuldmagt, disclose nothing, start no genvurdering clock yet (R27-R29).
            s.standing_confirmed = False
            s.deadlines.pop("genvurdering")
            self._record("filed", step, Phase.AWAITING_STANDING)
            self._letter(LetterKind.FULDMAGT_ANMODNING)
        else:
            self._record("filed", step, Phase.GENVURDERING)
            self._letter(LetterKind.KVITTERING)

    # --- state helpers -----------------------------------------------------------------------------------

    def _touch(self) -> None:
        self._state.version += 1

    def _record(self, name: str, step: Step, phase_after: Phase, **details: str) -> None:
        s = self._state
        now = workflow.now()
        s.history.append(
            HistoryEntry(
                seq=len(s.history) + 1,
                at=now,
                step=name,
                actor=step.actor,
                reason=step.reason,
                phase_before=s.phase,
                phase_after=phase_after,
                round=s.round,
                details=details,
            )
        )
        if phase_after != s.phase:
            s.phase_entered_at = now
        s.phase = phase_after
        s.last_step_at = now
        self._touch()

    def _recipient(self) -> str:
        s = self._state
        if s.filing.representative is None:
            return "part"
        return "partsrepraesentant" if s.standing_confirmed else "afsender"

    def _letter(self, kind: LetterKind, **facts: object) -> None:
        s = self._state
        n = 1 + sum(1 for letter in s.letters if letter.kind == kind and letter.round == s.round)
        genvurdering = s.deadlines.get("genvurdering")
        klagefrist = s.deadlines.get("klagefrist")
        base: dict[str, object] = dict(
            case_id=s.case_id,
            round=s.round,
            kommune_name=s.filing.kommune_name,
            decision_ref=s.filing.decision.reference,
            area=s.filing.area,
            complaint_received=s.complaint_received or s.filing.received,
            genvurdering_due=genvurdering.deadline.due if genvurdering else None,
            # Only a running klagefrist belongs in a letter; after the complaint arrived it is history.
            klagefrist=klagefrist.deadline.due if klagefrist and s.phase == Phase.KLAGEFRIST else None,
            journal_number=s.journal_number,
            genvurdering_result=s.genvurdering_result,
            new_decision_result=s.new_decision_result,
            late=s.late,
            remand_count=s.remand_count,
        )
        base.update(facts)
        entry = LetterEntry(
            key=f"{s.case_id}:r{s.round}:{kind.value}:{n}",
            kind=kind,
            round=s.round,
            recipient=self._recipient(),
            facts=LetterFacts.model_validate(base),
        )
        s.letters.append(entry)
        s.pending.append(SendLetter(letter=entry))

    def _escalate_automatically(self, route: EscalationRoute, reason: str) -> None:
        self._add_escalation(route, "system", reason, automatic=True)

    def _add_escalation(self, route: EscalationRoute, actor: str, reason: str, *, automatic: bool) -> EscalationEntry:
        s = self._state
        entry = EscalationEntry(
            key=f"{s.case_id}:e{len(s.escalations) + 1}",
            route=route,
            at=workflow.now(),
            actor=actor,
            reason=reason,
            automatic=automatic,
        )
        s.escalations.append(entry)
        s.pending.append(LogEscalation(escalation=entry))
        return entry

    def _result(self) -> StepResult:
        """The answer to the current step, remembered under its update id for a caller's retry."""
        s = self._state
        result = StepResult(
            case_id=s.case_id,
            phase=s.phase,
            round=s.round,
            deadlines={name: timed.deadline for name, timed in s.deadlines.items()},
        )
        update = workflow.current_update_info()
        if update is not None:
            s.applied_updates[update.id] = result
            while len(s.applied_updates) > REMEMBERED_UPDATES:
                del s.applied_updates[next(iter(s.applied_updates))]
        return result

    def _earlier_result(self) -> StepResult | None:
        """The result of this very update if it was applied before (a retry with the same update id)."""
        update = workflow.current_update_info()
        return self._state.applied_updates.get(update.id) if update is not None else None

    @staticmethod
    def _recheck(check: Callable[[], None]) -> None:
        """Run a rule again inside the lock: an earlier update may have moved the case meanwhile."""
        try:
            check()
        except rules.StepRefused as refused:
            raise ApplicationError(str(refused), type="StepRefused", non_retryable=True) from None

    def _validate(self, step: Step, check: Callable[[], None]) -> None:
        if self._earlier_result() is not None:
            return  # a retry of a step already taken: the handler answers with the first result
        rules.require_actor_and_reason(step)
        check()

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
            self._touch()
        return FilingReceipt(case_id=s.case_id, duplicate=duplicate, phase=s.phase, round=s.round)

    @file_complaint.validator
    def _validate_filing(self, filing: ComplaintFiling) -> None:
        if filing.case_id != self._state.case_id:
            raise rules.StepRefused("The filing belongs to another case id.")

    # --- aktindsigt ------------------------------------------------------------------------------------

    @workflow.update
    async def aktindsigt_requested(self, step: AktindsigtRequested) -> StepResult:
        async with self._lock:
            if (earlier := self._earlier_result()) is not None:
                return earlier
            s = self._state
            self._recheck(lambda: rules.check_aktindsigt_requested(s))
            opened = await workflow.execute_activity_method(
                DeadlineActivities.aktindsigt_opened, Moment(at=workflow.now()), **QUICK
            )
            interrupts = "klagefrist" if s.phase == Phase.KLAGEFRIST else "genvurdering"
            s.aktindsigt.append(
                AktindsigtRequest(
                    round=s.round, requested=opened.requested, answer_due=opened.answer_due, interrupts=interrupts
                )
            )
            s.deadlines["aktindsigt"] = opened.answer_due
            self._record(
                "aktindsigt-requested", step, Phase.AKTINDSIGT, interrupts=interrupts, due=opened.answer_due.deadline.due.isoformat()
            )
            return self._result()

    @aktindsigt_requested.validator
    def _validate_aktindsigt_requested(self, step: AktindsigtRequested) -> None:
        self._validate(step, lambda: rules.check_aktindsigt_requested(self._state))

    @workflow.update
    async def aktindsigt_answered(self, step: AktindsigtAnswered) -> StepResult:
        async with self._lock:
            if (earlier := self._earlier_result()) is not None:
                return earlier
            s = self._state
            self._recheck(lambda: rules.check_aktindsigt_answered(s))
            request = s.pending_aktindsigt()
            assert request is not None
            closed = await workflow.execute_activity_method(
                DeadlineActivities.aktindsigt_closed,
                AktindsigtCloseQuestion(
                    at=workflow.now(),
                    request=request,
                    klagefrist=s.deadlines.get("klagefrist"),
                    complaint_received=s.complaint_received or s.filing.received,
                    earlier_pauses=s.round_pauses(),
                ),
                **QUICK,
            )
            s.aktindsigt[s.aktindsigt.index(request)] = request.model_copy(update={"answered": closed.answered})
            s.deadlines.pop("aktindsigt", None)
            s.deadlines[request.interrupts] = closed.moved
            # The answer ends an aktindsigt breach; an overdue genvurdering stays overdue.
            s.overdue = s.has_warning(self._warning_key(WarningKind.GENVURDERING_OVERSKREDET))
            back_to = Phase.KLAGEFRIST if request.interrupts == "klagefrist" else Phase.GENVURDERING
            self._letter(
                LetterKind.AKTINDSIGT_SVAR,
                aktindsigt_requested=request.requested,
                aktindsigt_answer_due=request.answer_due.deadline.due,
                klagefrist=closed.moved.deadline.due if request.interrupts == "klagefrist" else None,
            )
            self._record(
                "aktindsigt-answered", step, back_to, moved=request.interrupts, due=closed.moved.deadline.due.isoformat()
            )
            return self._result()

    @aktindsigt_answered.validator
    def _validate_aktindsigt_answered(self, step: AktindsigtAnswered) -> None:
        self._validate(step, lambda: rules.check_aktindsigt_answered(self._state))

    # --- standing ------------------------------------------------------------------------------------------

    @workflow.update
    async def fuldmagt_received(self, step: FuldmagtReceived) -> StepResult:
        async with self._lock:
            if (earlier := self._earlier_result()) is not None:
                return earlier
            s = self._state
            self._recheck(lambda: rules.check_fuldmagt_received(s))
            confirmed = await workflow.execute_activity_method(
                DeadlineActivities.standing_confirmed, Moment(at=workflow.now()), **QUICK
            )
            s.standing_confirmed = True
            s.deadlines["genvurdering"] = confirmed.genvurdering
            self._record("fuldmagt-received", step, Phase.GENVURDERING)
            self._letter(LetterKind.KVITTERING)
            return self._result()

    @fuldmagt_received.validator
    def _validate_fuldmagt_received(self, step: FuldmagtReceived) -> None:
        self._validate(step, lambda: rules.check_fuldmagt_received(self._state))

    # --- genvurdering (rsl § 66) ----------------------------------------------------------------------

    @workflow.update
    async def genvurdering(self, step: GenvurderingDone) -> StepResult:
        async with self._lock:
            if (earlier := self._earlier_result()) is not None:
                return earlier
            s = self._state
            self._recheck(lambda: rules.check_genvurdering(s))
            s.genvurdering_result = step.result
            s.overdue = False
            if step.result == GenvurderingResult.FULDT_MEDHOLD:
                # N5: a new decision in the citizen's favour closes the case; no klagevejledning (FVL § 25).
                self._letter(LetterKind.NY_AFGOERELSE_MEDHOLD, reason=step.reason)
                s.outcome = "fuldt_medhold"
                s.final_decision_at = workflow.now()
                s.deadlines.clear()
                self._record("genvurdering", step, Phase.CLOSED, result=step.result.value)
                return self._result()
            if step.result == GenvurderingResult.DELVIST_MEDHOLD:
                # §2.8: a new decision for the changed part; the rest goes on to Ankestyrelsen.
                self._letter(LetterKind.NY_AFGOERELSE_DELVIST, reason=step.reason)
            # N6 and N8: the citizen is told within the 4 weeks, and the case is forwarded (R3).
            self._letter(LetterKind.IKKE_FULDT_MEDHOLD, reason=step.reason)
            forward = ForwardEntry(
                key=f"{s.case_id}:r{s.round}:oversendelse",
                round=s.round,
                at=workflow.now(),
                genvurdering_result=step.result,
                late=s.late,
            )
            s.forwards.append(forward)
            s.pending.append(ForwardCase(forward=forward))
            self._letter(LetterKind.OVERSENDELSE)
            s.deadlines.clear()
            self._record("genvurdering", step, Phase.FORWARDED, result=step.result.value)
            return self._result()

    @genvurdering.validator
    def _validate_genvurdering(self, step: GenvurderingDone) -> None:
        self._validate(step, lambda: rules.check_genvurdering(self._state))

    # --- Ankestyrelsen ------------------------------------------------------------------------------------

    @workflow.update
    async def ankestyrelsen_received(self, step: AnkestyrelsenReceived) -> StepResult:
        async with self._lock:
            if (earlier := self._earlier_result()) is not None:
                return earlier
            s = self._state
            self._recheck(lambda: rules.check_ankestyrelsen_received(s, step))
            s.journal_number = step.journal_number.strip()
            self._record("ankestyrelsen-received", step, Phase.AT_ANKESTYRELSEN, journal=s.journal_number)
            return self._result()

    @ankestyrelsen_received.validator
    def _validate_ankestyrelsen_received(self, step: AnkestyrelsenReceived) -> None:
        self._validate(step, lambda: rules.check_ankestyrelsen_received(self._state, step))

    @workflow.update
    async def ankestyrelsen_outcome(self, step: AnkestyrelsenDecided) -> StepResult:
        async with self._lock:
            if (earlier := self._earlier_result()) is not None:
                return earlier
            s = self._state
            self._recheck(lambda: rules.check_ankestyrelsen_outcome(s, step))
            s.outcome = step.outcome.value
            if step.outcome == AnkestyrelsenOutcome.HJEMVIST:
                # §2.5: the decision is annulled and the kommune decides again (R33); a counter, and the
                # leder is alerted when it repeats.
                s.remand_count += 1
                self._record("ankestyrelsen-outcome", step, Phase.GENBEHANDLING, outcome=step.outcome.value)
                self._letter(LetterKind.GENOPTAGELSE_EFTER_HJEMVISNING)
                if s.remand_count >= REPEATED_REMAND:
                    message = (
                        f"Sagen er hjemvist {s.remand_count} gange. Borgerens behov venter, mens sagen går i "
                        "ring (domain.md §2.5, SEED 003)."
                    )
                    self._warn(
                        self._warning_key(WarningKind.GENTAGEN_HJEMVISNING), WarningKind.GENTAGEN_HJEMVISNING, message
                    )
                    self._escalate_automatically(EscalationRoute.LEDER, message)
                return self._result()
            s.final_decision_at = workflow.now()
            if step.outcome in (AnkestyrelsenOutcome.AENDRET, AnkestyrelsenOutcome.OPHAEVET):
                self._letter(LetterKind.ANKESTYRELSEN_EFFEKTUERING, outcome=step.outcome)
            self._record("ankestyrelsen-outcome", step, Phase.CLOSED, outcome=step.outcome.value)
            return self._result()

    @ankestyrelsen_outcome.validator
    def _validate_ankestyrelsen_outcome(self, step: AnkestyrelsenDecided) -> None:
        self._validate(step, lambda: rules.check_ankestyrelsen_outcome(self._state, step))

    # --- after hjemvisning ----------------------------------------------------------------------------

    @workflow.update
    async def new_decision(self, step: NewDecisionMade) -> StepResult:
        async with self._lock:
            if (earlier := self._earlier_result()) is not None:
                return earlier
            s = self._state
            self._recheck(lambda: rules.check_new_decision(s))
            s.new_decision_result = step.result
            decided = await workflow.execute_activity_method(
                DeadlineActivities.new_decision_deadlines, Moment(at=workflow.now()), **QUICK
            )
            s.deadlines.clear()
            if step.result == NewDecisionResult.BEVILLING:
                self._letter(LetterKind.NY_AFGOERELSE_EFTER_HJEMVISNING, reason=step.reason)
                s.outcome = "bevilget_efter_hjemvisning"
                s.final_decision_at = workflow.now()
                self._record("new-decision", step, Phase.CLOSED, result=step.result.value)
                return self._result()
            # A new decision brings a new klagevejledning and a new klagefrist (FVL § 25, rsl § 67, §2.5).
            s.deadlines["klagefrist"] = decided.klagefrist
            self._letter(
                LetterKind.NY_AFGOERELSE_EFTER_HJEMVISNING, reason=step.reason, klagefrist=decided.klagefrist.deadline.due
            )
            self._record(
                "new-decision", step, Phase.KLAGEFRIST, result=step.result.value, klagefrist=decided.klagefrist.deadline.due.isoformat()
            )
            return self._result()

    @new_decision.validator
    def _validate_new_decision(self, step: NewDecisionMade) -> None:
        self._validate(step, lambda: rules.check_new_decision(self._state))

    @workflow.update
    async def complaint_received(self, step: ComplaintReceivedAgain) -> StepResult:
        async with self._lock:
            if (earlier := self._earlier_result()) is not None:
                return earlier
            s = self._state
            self._recheck(lambda: rules.check_complaint_received(s))
            received = await workflow.execute_activity_method(
                DeadlineActivities.received_deadlines,
                ReceivedQuestion(at=workflow.now(), klagefrist=s.deadlines["klagefrist"]),
                **QUICK,
            )
            self._record("complaint-received", step, Phase.GENVURDERING, next_round=str(s.round + 1))
            s.round += 1
            s.complaint_received = received.received
            s.late = received.late
            s.timeliness = received.timeliness
            s.deadlines = {"genvurdering": received.genvurdering}
            s.genvurdering_result = None
            s.journal_number = None
            s.outcome = None
            s.overdue = False
            self._letter(LetterKind.KVITTERING)
            return self._result()

    @complaint_received.validator
    def _validate_complaint_received(self, step: ComplaintReceivedAgain) -> None:
        self._validate(step, lambda: rules.check_complaint_received(self._state))

    # --- withdrawal and escalation ---------------------------------------------------------------------

    @workflow.update
    async def withdraw(self, step: Withdrawn) -> StepResult:
        async with self._lock:
            if (earlier := self._earlier_result()) is not None:
                return earlier
            s = self._state
            self._recheck(lambda: rules.check_withdraw(s))
            # §7: stop the timers and confirm; at Ankestyrelsen the case is recorded as bortfaldet (R32).
            s.outcome = "tilbagetrukket"
            s.overdue = False
            s.deadlines.clear()
            self._letter(LetterKind.TILBAGETRAEKNING)
            self._record("withdraw", step, Phase.WITHDRAWN)
            return self._result()

    @withdraw.validator
    def _validate_withdraw(self, step: Withdrawn) -> None:
        self._validate(step, lambda: rules.check_withdraw(self._state))

    @workflow.update
    async def escalate(self, step: EscalationRequested) -> StepResult:
        async with self._lock:
            if (earlier := self._earlier_result()) is not None:
                return earlier
            s = self._state
            self._recheck(lambda: rules.check_escalation(s, step, workflow.now()))
            self._add_escalation(step.route, step.actor, step.reason, automatic=False)
            self._record("escalate", step, s.phase, route=step.route.value)
            return self._result()

    @escalate.validator
    def _validate_escalate(self, step: EscalationRequested) -> None:
        self._validate(step, lambda: rules.check_escalation(self._state, step, workflow.now()))

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
            representative=s.filing.representative,
            received=s.filing.received,
            last_step_at=s.last_step_at,
            next_deadline_at=next_deadline[1] if next_deadline else None,
            next_deadline_kind=next_deadline[0] if next_deadline else None,
            deadlines=s.deadlines,
            history=s.history,
            letters=[letter.key for letter in s.letters],
            escalations=s.escalations,
            warnings=s.warnings,
            pending_effects=len(s.pending),
            version=s.version,
        )

    def _next_deadline(self) -> tuple[str, datetime] | None:
        s = self._state
        name = {
            Phase.GENVURDERING: "genvurdering",
            Phase.AKTINDSIGT: "aktindsigt",
            Phase.KLAGEFRIST: "klagefrist",
        }.get(s.phase)
        if name is None or name not in s.deadlines:
            return None
        return name, s.deadlines[name].ends_at
