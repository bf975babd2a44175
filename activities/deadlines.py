"""Calendar work for the workflow. Holiday tables, time zones and the deadline rules can change between
releases; computing them here records each result in the history, so a running complaint replays with the
dates it was given (brief: determinism)."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain import deadlines, timeliness
from domain.calendar import CalendarProfile
from domain.calendar_answers import (
    AktindsigtClosed,
    AktindsigtCloseQuestion,
    AktindsigtOpened,
    ExtensionAnswer,
    ExtensionQuestion,
    IntakeDeadlines,
    IntakeQuestion,
    Moment,
    NewDecisionDeadlines,
    ReceivedDeadlines,
    ReceivedQuestion,
    ServicemaalStarted,
    StandingConfirmed,
)
from domain.deadlines import Deadline
from domain.errors import CalendarError
from domain.models import ComplaintFiling, TimedDeadline
from domain.policy import SERVICEMAAL_WORKING_DAYS, SUBSTANCE_WAITING_PERIOD
from domain.vocabulary import DeadlineName

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# The failure type the workflow turns into a refused step (workflows/complaint.py).
CALENDAR_ERROR = "CalendarError"

P = ParamSpec("P")
R = TypeVar("R")


def local_date(at: datetime) -> date:
    """The day in Copenhagen of an instant: deadlines count in Danish calendar days (R8, §7 DST)."""
    return at.astimezone(COPENHAGEN).date()


def timed(deadline: Deadline) -> TimedDeadline:
    return TimedDeadline(deadline=deadline, ends_at=deadlines.end_of_day_utc(deadline.due))


def final_on_calendar_error(compute: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """A date the calendar cannot count gives the same error on every attempt: fail at once, without
    retries, so the step that asked is refused with the message instead of holding its case's lock for
    ever (a retrying activity inside an update handler freezes every timer and step of the case)."""

    @functools.wraps(compute)
    async def compute_once(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await compute(*args, **kwargs)
        except CalendarError as error:
            raise ApplicationError(str(error), type=CALENDAR_ERROR, non_retryable=True) from None

    return compute_once


class DeadlineActivities:
    def __init__(self, profile: CalendarProfile, servicemaal_working_days: int = SERVICEMAAL_WORKING_DAYS) -> None:
        self._profile = profile
        self._servicemaal_days = servicemaal_working_days

    def _servicemaal(self, received: date) -> TimedDeadline:
        return timed(deadlines.servicemaal_due(received, self._servicemaal_days))

    @activity.defn
    @final_on_calendar_error
    async def intake_deadlines(self, question: IntakeQuestion) -> IntakeDeadlines:
        filing = question.filing
        servicemaal = self._servicemaal(filing.received) if filing.has_formal_points else None
        if not filing.has_realitet_points:
            # A formalitetsklage has no klagefrist and no genvurdering (docs/legal-reference.md §2.1, R69);
            # the genvurdering date is computed only because older workers expect one.
            return IntakeDeadlines(
                klagefrist=None,
                genvurdering=timed(deadlines.genvurdering_due(filing.received)),
                late=False,
                timeliness=[
                    "Formalitetsklage: der er ingen klagefrist for en klage over sagsbehandlingen, "
                    "og den sendes ikke til Ankestyrelsen (R69)."
                ],
                servicemaal=servicemaal,
                servicemaal_days=self._servicemaal_days if servicemaal else None,
            )
        answer = await self._realitet_intake(filing)
        substance = timed(deadlines.substance_due(filing.received, SUBSTANCE_WAITING_PERIOD)) if filing.placeholder else None
        return answer.model_copy(
            update={
                "servicemaal": servicemaal,
                "servicemaal_days": self._servicemaal_days if servicemaal else None,
                "substance": substance,
            }
        )

    async def _realitet_intake(self, filing: ComplaintFiling) -> IntakeDeadlines:
        decision = filing.decision
        suspended = timeliness.suspension_ground(decision.delivery, decision.klagevejledning_given)
        genvurdering = timed(deadlines.genvurdering_due(filing.received))
        if suspended:
            verdict = timeliness.assess(
                filing.received, strict=None, lenient=None, suspended_because=suspended, late_reason_given=False
            )
            return IntakeDeadlines(
                klagefrist=None, genvurdering=genvurdering, late=False, timeliness=verdict.explanation
            )
        # Judged in both profiles (§2.4 A″: between them is "timely – verify"); the case keeps its own.
        strict = deadlines.klagefrist(decision.received, CalendarProfile.STRICT)
        lenient = deadlines.klagefrist(decision.received, CalendarProfile.LENIENT)
        # A misdirected complaint is judged from its first receipt where the policy says so (§2.7); the
        # genvurdering still counts from the day the kommune got it.
        verdict = timeliness.assess(
            filing.timeliness_date,
            strict=strict,
            lenient=lenient,
            suspended_because=None,
            late_reason_given=filing.late_reason_given,
        )
        return IntakeDeadlines(
            klagefrist=timed(strict if self._profile == CalendarProfile.STRICT else lenient),
            genvurdering=genvurdering,
            late=verdict.late,
            timeliness=verdict.explanation + timeliness.misdirected_note(filing),
        )

    @activity.defn
    @final_on_calendar_error
    async def received_deadlines(self, question: ReceivedQuestion) -> ReceivedDeadlines:
        received = local_date(question.at)
        # Judged against the klagefrist the citizen was given in the new decision (already interrupted by
        # any aktindsigt); in the lenient profile it is the same date or later.
        given = question.klagefrist.deadline
        verdict = timeliness.assess(
            received, strict=given, lenient=given, suspended_because=None, late_reason_given=False
        )
        return ReceivedDeadlines(
            received=received,
            genvurdering=timed(deadlines.genvurdering_due(received)),
            late=verdict.late,
            timeliness=verdict.explanation,
        )

    @activity.defn
    @final_on_calendar_error
    async def aktindsigt_opened(self, question: Moment) -> AktindsigtOpened:
        requested = local_date(question.at)
        return AktindsigtOpened(requested=requested, answer_due=timed(deadlines.aktindsigt_answer_due(requested)))

    @activity.defn
    @final_on_calendar_error
    async def aktindsigt_closed(self, question: AktindsigtCloseQuestion) -> AktindsigtClosed:
        answered = local_date(question.at)
        request = question.request
        if request.interrupts == DeadlineName.KLAGEFRIST:
            if question.klagefrist is None:
                raise ApplicationError("An aktindsigt request interrupting the klagefrist needs the klagefrist",
                                       non_retryable=True)
            moved = deadlines.klagefrist_after_aktindsigt(
                question.klagefrist.deadline, request.requested, answered, self._profile
            )
        else:
            pauses = [*question.earlier_pauses, (request.requested, answered)]
            moved = deadlines.genvurdering_due(question.complaint_received, pauses)
        return AktindsigtClosed(answered=answered, moved=timed(moved))

    @activity.defn
    @final_on_calendar_error
    async def standing_confirmed(self, question: Moment) -> StandingConfirmed:
        # klagesag's policy (docs/legal-reference.md §7, [UNVERIFIED]): the original receipt still decides timeliness,
        # but the 4 weeks of genvurdering run from the day the kommune may act on the complaint.
        confirmed = local_date(question.at)
        return StandingConfirmed(confirmed=confirmed, genvurdering=timed(deadlines.genvurdering_due(confirmed)))

    @activity.defn
    @final_on_calendar_error
    async def servicemaal_started(self, question: Moment) -> ServicemaalStarted:
        started = local_date(question.at)
        return ServicemaalStarted(
            started=started, answer_due=self._servicemaal(started), working_days=self._servicemaal_days
        )

    @activity.defn
    @final_on_calendar_error
    async def genvurdering_extension(self, question: ExtensionQuestion) -> ExtensionAnswer:
        return ExtensionAnswer(expected=timed(deadlines.genvurdering_expected(question.expected, question.legal_due)))

    @activity.defn
    @final_on_calendar_error
    async def new_decision_deadlines(self, question: Moment) -> NewDecisionDeadlines:
        # The new decision is sent by Digital Post the day it is made: received the same day (R7).
        received = local_date(question.at)
        return NewDecisionDeadlines(
            decision_received=received, klagefrist=timed(deadlines.klagefrist(received, self._profile))
        )

    def all(self) -> list:
        return [
            self.intake_deadlines,
            self.received_deadlines,
            self.aktindsigt_opened,
            self.aktindsigt_closed,
            self.standing_confirmed,
            self.new_decision_deadlines,
            self.servicemaal_started,
            self.genvurdering_extension,
        ]
