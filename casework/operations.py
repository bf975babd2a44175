"""What a caseworker or supervisor can do with a complaint, for every front end (the CLI and the HTTP
API): file it, take a step, look it up, list cases. Errors are typed (domain/errors.py) and say how to fix
the input."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
)
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from domain import deadlines, rules
from domain import steps
from domain.calendar import CalendarProfile
from domain.errors import CaseNotFound, InvalidInput, Refused, StepRefused
from domain.identity import CASE_ID, InvalidCpr, case_id_for, normalise_cpr
from domain.laws import LAW_DANISH, Law, Paragraph, parse_area
from domain.models import (
    CaseView,
    ComplaintFiling,
    DecisionComplainedAbout,
    FilingReceipt,
    Klagepunkt,
    Misdirection,
    Representative,
    Step,
    StepResult,
)
from domain.timeliness import suspension_ground
from domain.vocabulary import (
    ComplaintChannel,
    ComplaintKind,
    ComplaintRecipient,
    DecisionDelivery,
    FormalCategory,
    MisdirectedVia,
    OutsideBorgerraadgiver,
    Phase,
    PointSource,
    RepresentativeKind,
)
from store import paging
from store.paging import ListOrder, Page
from store.register import CaseRegister, PartyRecord
from workers.settings import Settings
from workflows import search_attributes as sa
from workflows.complaint import ComplaintStart, ComplaintWorkflow


_UNIT_CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"


class KlagepunktIn(BaseModel):
    """One klagepunkt of a complaint as filed (docs/legal-reference.md §2.1, §4.1-4.2). A realitet point is
    about the decision filed (its law and paragraph default to the filing's); a formal point names what in
    the handling is complained about."""

    model_config = ConfigDict(extra="forbid")

    track: ComplaintKind
    category: FormalCategory | None = None
    law: Law | None = None
    paragraph: Paragraph | None = None
    # APPEAL: behaviour raised inside an appeal, registered as a formal point (SEED 001).
    source: PointSource = PointSource.FILING

    @model_validator(mode="after")
    def _consistent(self) -> "KlagepunktIn":
        if self.track == ComplaintKind.FORMALITET and self.category is None:
            raise ValueError("a formal klagepunkt needs its category, e.g. sagsbehandlingstid (§4.1-4.2)")
        if self.track == ComplaintKind.REALITET and (self.category is not None or self.source == PointSource.APPEAL):
            raise ValueError(
                "a complaint about the handling or a person's conduct is a formal klagepunkt (track formalitet): "
                "Ankestyrelsen judges only the content of the decision (SEED 001)"
            )
        if self.source == PointSource.RETURNING:
            raise ValueError("a returning complainant's points are added to the open case with 'klagepunkt-added'")
        if self.paragraph is not None and self.law is None:
            raise ValueError("a klagepunkt's paragraph needs its law")
        return self


class OtherDecisionIn(BaseModel):
    """A further decision the same complaint is about: a case of its own, with its own klagefrist (§7, R81)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    decision_ref: str = Field(min_length=1, max_length=80)
    decision_received: date | None = None
    decision_sent: date | None = None
    decision_delivery: DecisionDelivery = DecisionDelivery.DIGITAL_POST
    klagevejledning_given: bool = True

    @model_validator(mode="after")
    def _one_date(self) -> "OtherDecisionIn":
        if (self.decision_received is None) == (self.decision_sent is None):
            raise ValueError(f"{self.decision_ref}: give exactly one of decision_received or decision_sent")
        return self


class FilingRequest(BaseModel):
    """A complaint as the kommune receives it, with the personal data that never reaches Temporal.

    For a formalitetsklage the decision is the case complained about: its reference, and when the citizen
    got it if there is a decision (else the day of the complaint: no klagefrist runs)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    cpr: str
    name: str = Field(min_length=1)
    decision_ref: str = Field(min_length=1, max_length=80)
    decision_received: date | None = None
    decision_sent: date | None = None
    decision_delivery: DecisionDelivery = DecisionDelivery.DIGITAL_POST
    klagevejledning_given: bool = True
    received: date
    channel: ComplaintChannel
    area: str = Field(min_length=1, max_length=120)
    kind: ComplaintKind
    text: str = Field(min_length=1)
    representative_name: str | None = None
    representative_kind: RepresentativeKind | None = None
    representative_fuldmagt: bool = False
    late_reason: str | None = None
    actor: str = Field(min_length=1)
    # The owner from the start; the web takes them from the filer, the CLI from --unit/--assignee.
    unit: str | None = Field(default=None, pattern=_UNIT_CODE)
    assignee: str | None = Field(default=None, pattern=_UNIT_CODE)
    # SEED 004's registration (docs/legal-reference.md §4.1). Without klagepunkter the complaint gets one
    # from its kind; the law and paragraph, when not given, are read from `area` where it names a known law.
    klagepunkter: list[KlagepunktIn] = Field(default_factory=list, max_length=50)
    klaget_til: ComplaintRecipient | None = None
    unit_complained_about: str | None = Field(default=None, pattern=_UNIT_CODE)
    law: Law | None = None
    paragraph: Paragraph | None = None
    # The paths of issue 8 (docs/legal-reference.md §2.6, §2.7, §3, §7).
    misdirected_via: MisdirectedVia | None = None  # first received by another authority or Ankestyrelsen
    first_received: date | None = None  # ...on this day (kept for timeliness, policy)
    placeholder: bool = False  # "klage følger": the substance comes later (R11)
    decided_by_boerne_og_ungeudvalg: bool = False  # straight to Ankestyrelsen, no genvurdering (R3)
    other_decisions: list[OtherDecisionIn] = Field(default_factory=list, max_length=20)
    outside_borgerraadgiver: OutsideBorgerraadgiver | None = None  # what the borgerrådgiver cannot take (§3)

    @field_validator("cpr")
    @classmethod
    def _cpr(cls, value: str) -> str:
        return normalise_cpr(value)

    @model_validator(mode="after")
    def _consistent(self) -> "FilingRequest":
        no_decision_date = self.decision_received is None and self.decision_sent is None
        if self.kind == ComplaintKind.FORMALITET and no_decision_date:
            self.decision_received = self.received  # no klagefrist runs for a formalitetsklage (R69)
        if (self.decision_received is None) == (self.decision_sent is None):
            raise ValueError(
                "give exactly one of decision_received (the day the citizen got the decision) or "
                "decision_sent (the letter's date; receipt is then presumed from the delivery, R7)"
            )
        if (self.representative_name is None) != (self.representative_kind is None):
            raise ValueError("a representative needs both a name and a kind (professional, relative, vaerge, other)")
        if self.klaget_til == ComplaintRecipient.DET_SOCIALE_NAEVN:
            raise ValueError(
                "klaget_til: Det Sociale Nævn was abolished on 1 July 2013 (R61); the value is kept only for "
                "older cases. Choose who received the complaint now (e.g. myndighedscenter, andre)"
            )
        self._registration()
        self._points_fit_the_kind()
        self._paths()
        return self

    def _paths(self) -> None:
        if (self.misdirected_via is None) != (self.first_received is None):
            raise ValueError(
                "a misdirected complaint needs both misdirected_via (ankestyrelsen, anden_myndighed) and "
                "first_received (the day it first arrived there, §2.7)"
            )
        if self.first_received is not None and self.first_received > self.received:
            raise ValueError("first_received: the first receipt cannot come after the kommune received the complaint")
        realitet_only = ("placeholder", "decided_by_boerne_og_ungeudvalg", "other_decisions")
        if self.kind == ComplaintKind.FORMALITET:
            for name in realitet_only:
                if getattr(self, name):
                    raise ValueError(f"{name}: only a complaint about a decision (kind realitet) has it")
        refs = [self.decision_ref, *(d.decision_ref for d in self.other_decisions)]
        if len(set(refs)) != len(refs):
            raise ValueError("other_decisions: each decision is named once, and not the main decision_ref again")

    def _registration(self) -> None:
        """The structured lovområde: as given, else read from the area where it names a known law."""
        parsed = parse_area(self.area)
        if self.law is None:
            if parsed is None:
                if self.paragraph is not None:
                    raise ValueError("paragraph: give the law with the paragraph (law), e.g. serviceloven")
                return
            self.law = parsed[0]
            self.paragraph = self.paragraph or parsed[1]
            return
        if parsed is not None and parsed[0] != self.law:
            raise ValueError(
                f"law: the area names {LAW_DANISH[parsed[0]]} but law is {LAW_DANISH[self.law]}; make them agree"
            )
        if self.paragraph is None and parsed is not None:
            self.paragraph = parsed[1]

    def _points_fit_the_kind(self) -> None:
        if not self.klagepunkter:
            return
        realitet = any(p.track == ComplaintKind.REALITET for p in self.klagepunkter)
        if self.kind == ComplaintKind.REALITET and not realitet:
            raise ValueError(
                "kind: a realitetsklage needs a klagepunkt about the decision (track realitet); a complaint only "
                "about the handling is kind formalitet"
            )
        if self.kind == ComplaintKind.FORMALITET and realitet:
            raise ValueError(
                "kind: a complaint with a point about the decision's content is a realitetsklage (klagefrist, "
                "genvurdering, Ankestyrelsen): give kind realitet"
            )


def _plain(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "input"
        message = item["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where != "input" else message)
    return "; ".join(parts)


def parse_filing(raw: dict[str, Any]) -> FilingRequest:
    try:
        return FilingRequest.model_validate(raw)
    except ValidationError as error:
        raise InvalidInput(_plain(error)) from None
    except InvalidCpr as error:
        raise InvalidInput(f"cpr: {error}") from None


def _decision(request: FilingRequest, settings: Settings) -> DecisionComplainedAbout:
    received = request.decision_received
    if received is None:
        received = deadlines.presumed_receipt(
            request.decision_sent, request.decision_delivery, settings.calendar_profile  # type: ignore[arg-type]
        ).due
    # Where the klagefrist runs, its year must be in the calendar: refused here (CalendarError) rather
    # than in the intake activity.
    if suspension_ground(request.decision_delivery, request.klagevejledning_given) is None:
        deadlines.klagefrist(received, CalendarProfile.LENIENT)
    if received > request.received and request.decision_sent is None:
        # Paper post may arrive before the presumed day; a stated receipt after the complaint cannot be.
        raise InvalidInput(
            "decision_received is after the complaint was received: a complaint cannot precede the decision."
        )
    return DecisionComplainedAbout(
        reference=request.decision_ref,
        received=received,
        delivery=request.decision_delivery,
        klagevejledning_given=request.klagevejledning_given,
    )


def _points(request: FilingRequest) -> list[Klagepunkt]:
    """The filed points, numbered; a realitet point is about the decision filed, in the filing's law and
    paragraph unless it names its own."""
    points = []
    for number, given in enumerate(request.klagepunkter, start=1):
        realitet = given.track == ComplaintKind.REALITET
        law = given.law or (request.law if realitet else None)
        points.append(
            Klagepunkt(
                number=number,
                track=given.track,
                category=given.category,
                decision_ref=request.decision_ref if realitet else None,
                law=law,
                paragraph=given.paragraph if given.law else (request.paragraph if realitet else None),
                source=given.source,
            )
        )
    return points


def _check_not_future(day: date, what: str, today: date | None) -> None:
    tomorrow = (today or datetime.now(timezone.utc).date()) + timedelta(days=1)
    if day > tomorrow:
        raise InvalidInput(f"{what} {day.isoformat()} lies in the future; give the day it actually happened.")


async def file_complaint(
    client: Client,
    register: CaseRegister,
    settings: Settings,
    request: FilingRequest,
    *,
    today: date | None = None,
    update_id: str | None = None,
) -> FilingReceipt:
    """Register a complaint; filing the same party's complaint about the same decision again gives the
    same case (update-with-start on an id derived from non-personal keys) and is noted as a duplicate.

    A caller retrying after a lost answer passes the same `update_id`, so the retry is not taken for a
    second filing of the complaint.
    """
    _check_not_future(request.received, "received", today)
    if request.first_received is not None:
        _check_not_future(request.first_received, "first_received", today)
    decision = _decision(request, settings)
    rules.check_borgerraadgiver_scope(
        request.klaget_til, request.outside_borgerraadgiver, decision.received, request.received
    )
    # One case per decision (§7): each further decision is checked before anything is stored.
    others = [_for_decision(request, other) for other in request.other_decisions]
    other_decisions = [_decision(other, settings) for other in others]
    ids = [_case_id(settings, r) for r in (request, *others)]
    receipt = await _file_one(client, register, settings, request, decision, ids[0], ids[1:], update_id)
    for other, other_decision, case_id in zip(others, other_decisions, ids[1:]):
        linked = [i for i in ids if i != case_id]
        await _file_one(client, register, settings, other, other_decision, case_id, linked, None)
    return receipt.model_copy(update={"linked_cases": ids[1:]})


def _for_decision(request: FilingRequest, other: OtherDecisionIn) -> FilingRequest:
    """The same complaint, about one further decision."""
    return request.model_copy(
        update={
            "decision_ref": other.decision_ref,
            "decision_received": other.decision_received,
            "decision_sent": other.decision_sent,
            "decision_delivery": other.decision_delivery,
            "klagevejledning_given": other.klagevejledning_given,
            "other_decisions": [],
        }
    )


def _case_id(settings: Settings, request: FilingRequest) -> str:
    return case_id_for(
        kommune=settings.kommune_code, decision_ref=request.decision_ref, cpr=request.cpr, key=settings.case_id_key
    )


async def _file_one(
    client: Client,
    register: CaseRegister,
    settings: Settings,
    request: FilingRequest,
    decision: DecisionComplainedAbout,
    case_id: str,
    linked_cases: list[str],
    update_id: str | None,
) -> FilingReceipt:
    representative = (
        Representative(kind=request.representative_kind, has_fuldmagt=request.representative_fuldmagt)
        if request.representative_kind is not None
        else None
    )
    filing = ComplaintFiling(
        case_id=case_id,
        kommune=settings.kommune_code,
        kommune_name=settings.kommune_name,
        received=request.received,
        channel=request.channel,
        kind=request.kind,
        area=request.area,
        decision=decision,
        representative=representative,
        late_reason_given=bool(request.late_reason),
        actor=request.actor,
        unit=request.unit,
        assignee=request.assignee,
        klagepunkter=_points(request),
        klaget_til=request.klaget_til,
        # The unit complained about is the owner unless named: the unit that decided usually handles it.
        unit_complained_about=request.unit_complained_about or request.unit,
        law=request.law,
        paragraph=request.paragraph,
        misdirected=Misdirection(via=request.misdirected_via, first_received=request.first_received)
        if request.misdirected_via is not None and request.first_received is not None
        else None,
        placeholder=request.placeholder,
        decided_by_boerne_og_ungeudvalg=request.decided_by_boerne_og_ungeudvalg,
        linked_cases=linked_cases,
    )
    existing = await register.case_view(case_id)
    if existing is not None and existing.phase.is_terminal:
        return FilingReceipt(case_id=case_id, duplicate=True, phase=existing.phase, round=existing.round)
    # The party is stored before the workflow starts: its first letter needs the name and address.
    await register.save_party(
        case_id,
        PartyRecord(
            cpr=request.cpr,
            name=request.name,
            representative_name=request.representative_name,
            complaint_text=request.text,
            late_reason=request.late_reason,
        ),
    )
    start = WithStartWorkflowOperation(
        ComplaintWorkflow.run,
        ComplaintStart(filing=filing),
        id=case_id,
        task_queue=settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        search_attributes=TypedSearchAttributes(
            [SearchAttributePair(sa.KOMMUNE, settings.kommune_code), SearchAttributePair(sa.PHASE, Phase.RECEIVED.value)]
        ),
    )
    try:
        return await client.execute_update_with_start_workflow(
            ComplaintWorkflow.file_complaint, filing, start_workflow_operation=start, id=update_id
        )
    except WorkflowUpdateFailedError as error:
        raise _refusal(error) from None


def _refusal(error: WorkflowUpdateFailedError) -> Refused:
    """The workflow's refusal as the error type it was raised with (StepRefused crosses Temporal by name)."""
    cause = error.cause
    while cause is not None and not isinstance(cause, ApplicationError):
        cause = cause.__cause__
    if not isinstance(cause, ApplicationError):
        return Refused(str(error.cause or error))
    return StepRefused(cause.message) if cause.type == StepRefused.__name__ else Refused(cause.message)


def check_case_id(case_id: str) -> None:
    if not CASE_ID.match(case_id):
        raise InvalidInput(f"'{case_id}' is not a case id; case ids look like KS-0101-ABCDEFGHIJKLM.")


def parse_step(step_name: str, fields: dict[str, Any]) -> Step:
    """A step as a person gave it, checked strictly: an unknown field is refused here (the models that
    travel in Temporal ignore unknown fields, so they can evolve)."""
    spec = steps.spec_for(step_name)
    unknown = sorted(set(fields) - set(spec.model.model_fields))
    if unknown:
        raise InvalidInput(
            f"'{step_name}' takes no field {', '.join(unknown)}; it takes: {', '.join(spec.model.model_fields)}."
        )
    try:
        return spec.model.model_validate(fields)
    except ValidationError as error:
        raise InvalidInput(_plain(error)) from None


async def take_step(
    client: Client,
    case_id: str,
    step_name: str,
    fields: dict[str, Any],
    *,
    update_id: str | None = None,
    register: CaseRegister | None = None,
) -> StepResult:
    """Send one caseworker step; a step the phase or the law refuses raises StepRefused and leaves the
    case unchanged (the validator rejects it before it reaches history).

    A caller that retries after a lost answer passes the same `update_id`: Temporal then returns the
    first outcome instead of applying the step twice. A step carrying personal data (a representative's
    name) needs the `register`: the data is sealed there and the step carries only its number.
    """
    check_case_id(case_id)
    if step_name == "representative-changed":
        fields = await _seal_representative_name(register, case_id, fields, key=update_id)
    step = parse_step(step_name, fields)
    handle = client.get_workflow_handle(case_id)
    try:
        return await handle.execute_update(steps.spec_for(step_name).update, step, id=update_id, result_type=StepResult)
    except WorkflowUpdateFailedError as error:
        raise _refusal(error) from None
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            raise CaseNotFound(f"No open case {case_id}; check the id with 'klagesag cases'.") from None
        raise


async def _seal_representative_name(
    register: CaseRegister | None, case_id: str, fields: dict[str, Any], *, key: str | None
) -> dict[str, Any]:
    """The new representative's name goes into the party's sealed record, never into Temporal: the step
    carries the number it was stored under. The same step sent again (the same update id) finds its number
    stored. A refused step leaves an unused name behind, which no letter names (the letters name the
    number the case holds)."""
    fields = dict(fields)
    name = str(fields.pop("representative_name", "") or "").strip()
    if not fields.get("kind"):
        if name:
            raise InvalidInput("name: a revoked fuldmagt has no new representative; leave --name out, or give --kind.")
        return fields
    if not name:
        raise InvalidInput("name: give the new partsrepræsentant's name (--name).")
    if register is None:
        raise InvalidInput("representative-changed needs the case register to store the name.")
    fields["name_seq"] = await register.add_representative(case_id, name, key=key)
    return fields


class Reassigned(BaseModel):
    """One case's answer in a bulk reassignment: done, or refused and why."""

    case_id: str
    ok: bool
    phase: Phase | None = None
    error: str | None = None


async def reassign_many(
    client: Client,
    case_ids: list[str],
    *,
    unit: str,
    assignee: str | None,
    actor: str,
    reason: str,
    batch_id: str,
) -> list[Reassigned]:
    """A leder's bulk reassignment ("werk verdelen"): one reason for all, but each case its own `assign`
    step, idempotent under `batch_id` (a retried batch applies each case once). Every case gets an answer:
    a partial failure is never silent."""
    if not case_ids:
        raise InvalidInput("Choose at least one case to reassign.")
    fields: dict[str, Any] = {"unit": unit, "actor": actor, "reason": reason}
    if assignee:
        fields["assignee"] = assignee
    parse_step("assign", fields)  # bad input is refused once, before any case is touched
    answers = []
    for case_id in dict.fromkeys(case_ids):
        try:
            result = await take_step(client, case_id, "assign", fields, update_id=f"{batch_id}:{case_id}")
            answers.append(Reassigned(case_id=case_id, ok=True, phase=result.phase))
        except Refused as refused:
            answers.append(Reassigned(case_id=case_id, ok=False, error=str(refused)))
    return answers


async def show_case(register: CaseRegister, case_id: str) -> dict[str, Any]:
    """Everything about one case from the read model: state, letters, escalations, warnings."""
    check_case_id(case_id)
    view = await register.case_view(case_id)
    if view is None:
        raise CaseNotFound(f"No case {case_id}; check the id with 'klagesag cases'.")
    letters = await register.letters_for(case_id)
    return {
        **view.model_dump(mode="json"),
        "letters": [
            {
                "key": letter.key,
                "kind": letter.kind,
                "round": letter.round,
                "recipient_role": letter.recipient_role,
                "subject": letter.subject,
                "created_at": letter.created_at.isoformat(),
                "delivered_at": letter.delivered_at.isoformat() if letter.delivered_at else None,
                "delivered_to": letter.delivered_to,
            }
            for letter in letters
        ],
        "escalations": _json_rows(await register.escalations_for(case_id)),
        "warnings": _json_rows(await register.warnings_for(case_id)),
        "forwards": _json_rows(await register.forwards_for(case_id)),
    }


def _json_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: (v.isoformat() if isinstance(v, (date, datetime)) else v) for k, v in row.items()} for row in rows]


def list_order(*, overdue: bool, stuck: bool, by_deadline: bool) -> ListOrder:
    """A list's urgency decides its order: overdue cases the oldest deadline first (the most overdue),
    stuck cases the longest silence first, a worklist the next deadline first, anything else the latest
    received first."""
    if overdue or (by_deadline and not stuck):
        return ListOrder.DEADLINE
    return ListOrder.SILENCE if stuck else ListOrder.NEWEST


async def list_cases(
    register: CaseRegister,
    *,
    kommune: str | None,
    overdue: bool = False,
    stuck_days: int | None = None,
    now: datetime | None = None,
    units: list[str] | None = None,
    assignee: str | None = None,
    phase: Phase | None = None,
    round: int | None = None,
    law: Law | None = None,
    by_deadline: bool = False,
    cursor: str | None = None,
    limit: int = paging.DEFAULT_LIMIT,
) -> Page:
    """One page of cases from the read model: a supervisor's lists (overdue, stuck) or a worklist (by
    owner), in the order of `list_order`. `cursor` is the `next_cursor` of the page before; the last page
    has none, so a list is never cut off without saying so."""
    now = now or datetime.now(timezone.utc)
    if stuck_days is not None and stuck_days < 1:
        raise InvalidInput("--days must be a whole number of days, 1 or more.")
    order = list_order(overdue=overdue, stuck=stuck_days is not None, by_deadline=by_deadline)
    page = await register.list_cases(
        kommune=kommune,
        order=order,
        units=units,
        assignee=assignee,
        phase=phase.value if phase else None,
        round=round,
        law=law.value if law else None,
        overdue_at=now if overdue else None,
        stuck_since=now - timedelta(days=stuck_days) if stuck_days is not None else None,
        after=paging.decode(cursor, order) if cursor is not None else None,
        limit=paging.check_limit(limit),
    )
    return Page(_json_rows(page.rows), page.next_cursor)


async def erase_personal_data(
    register: CaseRegister, settings: Settings, case_id: str, *, actor: str, reason: str, now: datetime | None = None
) -> dict[str, Any]:
    """Erase a citizen's personal data when the retention period has ended (crypto-shredding): the case,
    its history and its statistics stay; the CPR number, names, complaint text and letter bodies become
    unreadable, and the outbox copies of the letters are deleted."""
    check_case_id(case_id)
    if not actor.strip() or len(reason.strip()) < 3:
        raise InvalidInput("Erasure needs --actor and a --reason (at least 3 characters) for the record.")
    view = await register.case_view(case_id)
    if view is None:
        raise CaseNotFound(f"No case {case_id}; check the id with 'klagesag cases'.")
    if not view.phase.is_terminal:
        raise Refused(f"Case {case_id} is still {view.phase.value}; personal data is kept while it is open.")
    now = now or datetime.now(timezone.utc)
    ends = (view.last_step_at or now) + timedelta(days=settings.retention_days)
    if now < ends:
        raise Refused(
            f"The retention period of case {case_id} ends {ends.date().isoformat()} "
            f"({settings.retention_days} days after its last step, KLAGESAG_RETENTION_DAYS)."
        )
    erased_now = await register.erase_party(case_id, actor=actor, reason=reason)
    outbox = settings.outbox_dir / case_id
    if outbox.is_dir():
        for letter in outbox.iterdir():
            letter.unlink()
        outbox.rmdir()
    return {"case_id": case_id, "erased": True, "already_erased": not erased_now}


QUERY_TIMEOUT = timedelta(seconds=5)
QUERY_ATTEMPTS = 3


async def live_view(client: Client, case_id: str) -> CaseView:
    """The workflow's own state (a query), for comparing with the read model.

    A query sent while the workflow continues as new can go unanswered (seen on the time-skipping server:
    "query deadline exceeded" after 30 s, then the next query is answered). A query changes nothing, so it
    is asked again after a short deadline instead of waiting out the server's.
    """
    handle = client.get_workflow_handle(case_id)
    for _ in range(QUERY_ATTEMPTS - 1):
        try:
            return await handle.query(ComplaintWorkflow.view, result_type=CaseView, rpc_timeout=QUERY_TIMEOUT)
        except RPCError as error:
            if error.status not in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED):
                raise
    return await handle.query(ComplaintWorkflow.view, result_type=CaseView, rpc_timeout=QUERY_TIMEOUT)
