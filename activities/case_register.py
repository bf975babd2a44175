"""Activities that write the case register: letters, escalations, warnings, the hand-over to Ankestyrelsen
and the read model. Each is idempotent by a key the workflow chose, so a retry never doubles anything.

`perform_effects` does a round of them in one activity: the effects a step or timer queued, then the read
model as it stands once they are done. Complaints that ran before it replay with one activity per effect
and one for the view (workflows/effects.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.channel import LetterChannel
from domain.letters import LetterFactsMissing, Recipient, render_letter
from domain.models import (
    CaseView,
    Effect,
    EscalationEntry,
    ForwardCase,
    ForwardEntry,
    LetterEntry,
    LogEscalation,
    Model,
    RecordWarning,
    SendLetter,
    WarningEntry,
)
from store.register import CaseRegister, PartyErased
from workers import metrics

log = structlog.get_logger("klagesag.activities")


class LetterDelivered(Model):
    key: str
    newly_delivered: bool


class EscalationInput(Model):
    case_id: str
    escalation: EscalationEntry


class WarningInput(Model):
    case_id: str
    warning: WarningEntry


class ForwardInput(Model):
    case_id: str
    forward: ForwardEntry


class LetterInput(Model):
    case_id: str
    letter: LetterEntry


class EffectsInput(Model):
    """The effects queued since the last round, in order, and the view to store once they are done (None
    when the view has not changed)."""

    case_id: str
    effects: list[Effect]
    view: CaseView | None = None


class CaseRegisterActivities:
    def __init__(self, register: CaseRegister, channel: LetterChannel) -> None:
        self._register = register
        self._channel = channel

    async def _recipient(self, case_id: str, letter: LetterEntry) -> Recipient:
        try:
            party = await self._register.party(case_id)
        except PartyErased as erased:
            # Erasure happens only after a case is closed; a letter for it now cannot be addressed, ever.
            raise ApplicationError(str(erased), type="PartyErased", non_retryable=True) from None
        if party is None:
            # The CLI stores the party before it starts the workflow; without it no letter can be addressed.
            raise ApplicationError(f"No party registered for case {case_id}", non_retryable=False)
        # The representative of the letter's moment: the filing's, or a later one (representative-changed).
        representative = party.representative(letter.representative_seq)
        if letter.recipient == "part" or not representative:
            return Recipient(name=party.name, role="part")
        if letter.recipient == "afsender":
            return Recipient(name=representative, role="afsender")
        return Recipient(name=representative, role="partsrepraesentant", party_name=party.name)

    @activity.defn
    async def send_letter(self, payload: LetterInput) -> LetterDelivered:
        """Render, store in the outbox (unique key) and deliver: exactly one letter per key."""
        letter = payload.letter
        bound = log.bind(case_id=payload.case_id, letter_key=letter.key, kind=letter.kind.value)
        recipient = await self._recipient(payload.case_id, letter)
        try:
            rendered = render_letter(letter.kind, letter.facts, recipient)
        except LetterFactsMissing as error:
            # A letter with a missing date must never go out; this is a bug in the workflow, not a blip.
            raise ApplicationError(str(error), type="LetterFactsMissing", non_retryable=True) from error
        # Stored just now: deliver it as stored, without reading it back. Stored before (a retry): read
        # what was stored, and deliver it unless it went out already.
        stored = await self._register.insert_letter(
            key=letter.key,
            case_id=payload.case_id,
            round=letter.round,
            kind=letter.kind.value,
            recipient_role=recipient.role,
            subject=rendered.subject,
            body=rendered.body,
        )
        if stored is None:
            stored = await self._register.letter(letter.key)
        if stored is None:  # stored under this key before: only a concurrent manual delete gets here
            raise ApplicationError(f"letter {letter.key} vanished after it was stored", non_retryable=False)
        if stored.delivered_at is not None:
            bound.info("letter already delivered")
            return LetterDelivered(key=letter.key, newly_delivered=False)
        where = self._channel.deliver(payload.case_id, stored, recipient.name)
        # Counted by the one attempt whose mark took: one that died before it is retried and counts then,
        # two overlapping attempts (a timeout, then a retry) count once between them.
        if await self._register.mark_delivered(letter.key, where):
            metrics.letter_sent(activity.metric_meter(), letter.kind.value)
        bound.info("letter delivered")
        return LetterDelivered(key=letter.key, newly_delivered=True)

    @activity.defn
    async def log_escalation(self, payload: EscalationInput) -> bool:
        added = await self._register.append_escalation(payload.case_id, payload.escalation)
        log.info("escalation logged", case_id=payload.case_id, route=payload.escalation.route.value, added=added)
        return added

    @activity.defn
    async def record_warning(self, payload: WarningInput) -> bool:
        added = await self._register.record_warning(payload.case_id, payload.warning)
        if added:  # the warning's key is new: a retry or a replayed timer finds it and counts nothing
            metrics.warning_fired(activity.metric_meter(), payload.warning.kind.value)
        log.info("warning recorded", case_id=payload.case_id, kind=payload.warning.kind.value, added=added)
        return added

    @activity.defn
    async def forward_to_ankestyrelsen(self, payload: ForwardInput) -> bool:
        """Hand the complaint, the genvurdering and the akter over (rsl § 66, R3). The akter stay in the
        register and are referenced by the case id; the hand-over is recorded once per round."""
        added = await self._register.record_forward(payload.case_id, payload.forward)
        log.info("case forwarded to Ankestyrelsen", case_id=payload.case_id, round=payload.forward.round)
        return added

    @activity.defn
    async def save_case_view(self, view: CaseView) -> bool:
        return await self._register.save_case_view(view)

    @activity.defn
    async def perform_effects(self, batch: EffectsInput) -> int:
        """Each effect in order, then the view: a retry after a failure part-way redoes the round, and
        every effect's key makes the ones already done change nothing. The view is stored last, so the
        read model never shows an effect as done before it is."""
        for effect in batch.effects:
            method, make_input = PERFORMED_BY[type(effect)]
            await method(self, make_input(batch.case_id, effect))
        if batch.view is not None:
            await self._register.save_case_view(batch.view)
        return len(batch.effects)

    def all(self) -> list:
        return [
            self.perform_effects,
            self.send_letter,
            self.log_escalation,
            self.record_warning,
            self.forward_to_ankestyrelsen,
            self.save_case_view,
        ]


# The activity that performs each kind of effect, and its input. `perform_effects` runs them in-process;
# complaints from before it replay with one activity each (workflows/effects.py).
PERFORMED_BY: dict[type, tuple[Callable[..., Any], Callable[[str, Any], Model]]] = {
    SendLetter: (CaseRegisterActivities.send_letter, lambda case_id, e: LetterInput(case_id=case_id, letter=e.letter)),
    LogEscalation: (
        CaseRegisterActivities.log_escalation,
        lambda case_id, e: EscalationInput(case_id=case_id, escalation=e.escalation),
    ),
    RecordWarning: (
        CaseRegisterActivities.record_warning,
        lambda case_id, e: WarningInput(case_id=case_id, warning=e.warning),
    ),
    ForwardCase: (
        CaseRegisterActivities.forward_to_ankestyrelsen,
        lambda case_id, e: ForwardInput(case_id=case_id, forward=e.forward),
    ),
}
