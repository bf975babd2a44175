"""What the workflow asks the calendar activities and what they answer.

The questions carry instants and earlier results; the answers carry dates and deadlines with their
explanation. They are recorded in history, so a running complaint keeps the dates it was given even when
the holiday table changes (docs/legal-reference.md §2.3).
"""

from __future__ import annotations

from datetime import date, datetime

from domain.models import AktindsigtRequest, ComplaintFiling, Model, TimedDeadline


class IntakeDeadlines(Model):
    klagefrist: TimedDeadline | None  # None when the frist does not run (§2.6 suspension grounds)
    genvurdering: TimedDeadline
    late: bool
    timeliness: list[str]
    # The servicemål of the formal points' first answer (R70); None without formal points, and in
    # histories from before the formal track.
    servicemaal: TimedDeadline | None = None
    servicemaal_days: int | None = None  # the kommune's servicemål in arbejdsdage, for the letters
    # "Klage følger": the day the substance is asked for (policy); None for any other complaint.
    substance: TimedDeadline | None = None


class ServicemaalStarted(Model):
    """A level of the formal track takes the complaint: its servicemål (R70, policy)."""

    started: date
    answer_due: TimedDeadline
    working_days: int


class ReceivedDeadlines(Model):
    """A complaint received in a later round (after hjemvisning and a new decision)."""

    received: date
    genvurdering: TimedDeadline
    late: bool
    timeliness: list[str]


class AktindsigtOpened(Model):
    requested: date
    answer_due: TimedDeadline


class AktindsigtClosed(Model):
    answered: date
    moved: TimedDeadline  # the klagefrist or genvurdering deadline after the interruption


class NewDecisionDeadlines(Model):
    decision_received: date
    klagefrist: TimedDeadline


class IntakeQuestion(Model):
    filing: ComplaintFiling


class ReceivedQuestion(Model):
    at: datetime
    klagefrist: TimedDeadline


class Moment(Model):
    """When a step happened; the activity turns it into a Danish calendar day."""

    at: datetime


class AktindsigtCloseQuestion(Model):
    at: datetime
    request: AktindsigtRequest
    klagefrist: TimedDeadline | None
    complaint_received: date
    earlier_pauses: list[tuple[date, date]]


class StandingConfirmed(Model):
    confirmed: date
    genvurdering: TimedDeadline


class ExtensionQuestion(Model):
    """The expected date an extension notice gives, and the legal genvurdering deadline it extends."""

    expected: date
    legal_due: date


class ExtensionAnswer(Model):
    expected: TimedDeadline
