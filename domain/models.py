"""Messages and state of one complaint. Nothing here holds personal data.

The CPR number, names and the complaint's free text live only in PostgreSQL (`parties`), keyed by the case
id; the workflow and its history carry references and facts such as dates and choices, so a Temporal
history can be read, exported or replayed without exposing the citizen.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from domain.deadlines import Deadline
from domain.laws import Law, Paragraph
from domain.vocabulary import (
    AnkestyrelsenOutcome,
    CaseOutcome,
    DeadlineName,
    ComplaintChannel,
    ComplaintKind,
    ComplaintRecipient,
    DecisionDelivery,
    EscalationRoute,
    FormalCategory,
    FormalLevel,
    FormalOutcome,
    FormalStage,
    GenoptagelseGround,
    GenoptagelseResult,
    GenvurderingResult,
    LetterKind,
    MisdirectedVia,
    NewDecisionResult,
    Phase,
    PointOutcome,
    PointSource,
    RepresentativeKind,
    Retsstilling,
    WarningKind,
)
from domain.letters import LetterFacts


class Model(BaseModel):
    """Base of every model that travels in Temporal payloads.

    Unknown fields are ignored, not refused: a history written by a newer worker (one that added a
    field) must still load in an older one during a rolling deploy, and an old history must load in a new
    one (docs/changing-workflows.md). Input from people is checked strictly at the edge instead
    (`casework.operations`)."""

    model_config = ConfigDict(frozen=True, extra="ignore")


# --- Filing ------------------------------------------------------------------------------------------


class Representative(Model):
    """Who complains for the party. The name is personal data and stays in PostgreSQL."""

    kind: RepresentativeKind
    has_fuldmagt: bool

    @property
    def has_standing(self) -> bool:
        # FVL § 8; a professional is normally accepted without a written fuldmagt [R28], a beskikket
        # værge may complain for the party [R29]; anyone else needs a fuldmagt [R29].
        return self.has_fuldmagt or self.kind in (RepresentativeKind.PROFESSIONAL, RepresentativeKind.VAERGE)


class DecisionComplainedAbout(Model):
    reference: str
    received: date  # (presumed) receipt by the citizen: day 0 of the klagefrist
    delivery: DecisionDelivery
    klagevejledning_given: bool = True


class Klagepunkt(Model):
    """One point of a complaint, on its own track (docs/legal-reference.md §2.1; SEED 003 counts 3.5 per
    complaint). No free text: what the citizen wrote about it stays in PostgreSQL with the complaint."""

    number: int  # 1, 2, … in the order the points were registered
    track: ComplaintKind
    # Formal points: what in the handling is complained about (§4.1 forhold i sagsbehandlingen, §4.2).
    category: FormalCategory | None = None
    # Realitet points: the decision and the paragraph it rests on. Formal points may name the rule they
    # say was broken (e.g. forvaltningsloven § 19 for partshøring).
    decision_ref: str | None = None
    law: Law | None = None
    paragraph: Paragraph | None = None
    source: PointSource = PointSource.FILING  # RETURNING: the complainant came back with it (§7)
    round: int = 1
    added_at: datetime | None = None  # None for the points of the filing (the case's `received`)
    # The udfald at the kommune (§4.1): a formal point's answer, a realitet point's genvurdering.
    outcome: PointOutcome | None = None
    decided_by: FormalLevel | None = None  # formal points: who gave the outcome
    decided_cycle: int | None = None  # formal points: in which servicemål cycle of the formal track
    klageinstans_outcome: AnkestyrelsenOutcome | None = None  # realitet points: Ankestyrelsen's (R30, R32)

    @property
    def is_formal(self) -> bool:
        return self.track == ComplaintKind.FORMALITET


class Misdirection(Model):
    """Where a misdirected complaint first arrived, and when (docs/legal-reference.md §2.7)."""

    via: MisdirectedVia
    first_received: date  # the original receipt date, kept for timeliness (policy, [UNVERIFIED])


class ComplaintFiling(Model):
    """What a complaint is started with: the non-personal facts of its receipt."""

    case_id: str
    kommune: str
    received: date  # the day the complaint reached the kommune (timeliness evidence)
    channel: ComplaintChannel
    kind: ComplaintKind
    area: str  # lovområde and paragraph, e.g. "serviceloven § 83"
    decision: DecisionComplainedAbout
    representative: Representative | None = None
    late_reason_given: bool = False  # the citizen stated a særlig grund (the text is in PostgreSQL)
    kommune_name: str  # the authority letters are signed by
    actor: str
    # Who owns the case from the start: the unit (myndighedscenter/afdeling) and its sagsbehandler. None in
    # histories from before cases had owners.
    unit: str | None = None
    assignee: str | None = None
    # Added with klagepunkter and SEED 004's registration (docs/legal-reference.md §4.1); empty or None in
    # histories from before. A filing without points gets one from its kind (`initial_points`).
    klagepunkter: list[Klagepunkt] = []
    klaget_til: ComplaintRecipient | None = None
    unit_complained_about: str | None = None
    law: Law | None = None
    paragraph: Paragraph | None = None
    # Added with the paths of issue 8 (docs/legal-reference.md §2.6, §2.7, §3); absent in older histories.
    misdirected: Misdirection | None = None
    placeholder: bool = False  # "klage følger": the substance comes later (R11)
    decided_by_boerne_og_ungeudvalg: bool = False  # straight to Ankestyrelsen, no genvurdering (R3)
    linked_cases: list[str] = []  # the cases of the other decisions the same complaint covers (§7)

    @property
    def routed_from_borgerraadgiver(self) -> bool:
        """A complaint about a decision sent to the borgerrådgiver, who cannot change decisions: it is a
        complaint for genvurdering, received the day the borgerrådgiver got it (SEED 002/003)."""
        return self.klaget_til == ComplaintRecipient.BORGERRAADGIVER and self.has_realitet_points

    @property
    def timeliness_date(self) -> date:
        """The day the klagefrist is judged against: the first receipt of a misdirected complaint where the
        policy says so (docs/legal-reference.md §2.7), otherwise the kommune's own receipt."""
        from domain.policy import MISDIRECTED_TIMELY_FROM_FIRST_RECEIPT  # policy imports rules, rules this

        if self.misdirected is not None and MISDIRECTED_TIMELY_FROM_FIRST_RECEIPT:
            return self.misdirected.first_received
        return self.received

    def initial_points(self) -> list[Klagepunkt]:
        """The points the case starts with: those filed, else one from the kind and the area, so a filing
        of an older caller (or an older history) still has its point."""
        if self.klagepunkter:
            return list(self.klagepunkter)
        if self.kind == ComplaintKind.REALITET:
            point = Klagepunkt(
                number=1, track=self.kind, decision_ref=self.decision.reference, law=self.law, paragraph=self.paragraph
            )
        else:
            # Not yet classified: "Andre", to be reclassified when the point is decided (§7 data quality).
            point = Klagepunkt(number=1, track=self.kind, category=FormalCategory.ANDET)
        return [point]

    @property
    def has_formal_points(self) -> bool:
        return any(point.is_formal for point in self.initial_points())

    @property
    def has_realitet_points(self) -> bool:
        return any(not point.is_formal for point in self.initial_points())


class FilingReceipt(Model):
    case_id: str
    duplicate: bool
    phase: Phase
    round: int
    linked_cases: list[str] = []  # one case per further decision the complaint covers (§7)


# --- Caseworker steps -------------------------------------------------------------------------------


class Step(Model):
    """Every step records who took it and why: the audit trail (FVL § 22 begrundelse, notatpligt)."""

    actor: str = ""
    reason: str = ""


class AktindsigtRequested(Step):
    pass


class AktindsigtAnswered(Step):
    pass


class FuldmagtReceived(Step):
    pass


class GenvurderingDone(Step):
    result: GenvurderingResult


class AnkestyrelsenReceived(Step):
    journal_number: str


class AnkestyrelsenDecided(Step):
    outcome: AnkestyrelsenOutcome
    # rsl § 72 stk. 7 (R41): a change to the citizen's detriment applies from a date of its own.
    detriment_from: date | None = None


class NewDecisionMade(Step):
    result: NewDecisionResult


class ComplaintReceivedAgain(Step):
    pass


class Withdrawn(Step):
    pass


class EscalationRequested(Step):
    route: EscalationRoute


class CaseAssigned(Step):
    """A new owner: the unit and, optionally, the sagsbehandler in it (no one: the unit's shared queue)."""

    unit: str
    assignee: str | None = None


class GenvurderingExtended(Step):
    """N7: the genvurdering cannot be done within the 4 weeks; the reason is the step's reason, and the
    citizen is given the expected date (R4)."""

    expected: date


class GenoptagelseDecided(Step):
    """A request to reopen the closed case, decided (S11): reopened on a ground of R55/R56, or refused."""

    result: GenoptagelseResult
    ground: GenoptagelseGround | None = None


class KlagepunktAdded(Step):
    """A klagepunkt added to the open case: split out of the complaint, brought by a returning
    complainant (§7), or a behaviour complaint raised inside an appeal (SEED 001)."""

    track: ComplaintKind
    category: FormalCategory | None = None
    law: Law | None = None
    paragraph: Paragraph | None = None
    source: PointSource = PointSource.FILING


class KlagepunktDecided(Step):
    """The outcome of one formal klagepunkt at the level now answering; the category may be corrected."""

    point: int
    outcome: FormalOutcome
    category: FormalCategory | None = None


class FormalAnswered(Step):
    """The answer to the formal klagepunkter (N14); the borgerrådgiver judges the retsstilling (§4.2)."""

    retsstilling: Retsstilling | None = None


class FormalEscalated(Step):
    """The citizen takes the formal complaint on to the borgmester, a direktør or the borgerrådgiver."""

    level: FormalLevel


class SubstanceReceived(Step):
    """The substance of a "klage følger" complaint arrived: the genvurdering starts (R11, policy)."""


class AnkestyrelsenPartshoering(Step):
    """Ankestyrelsen heard the party on new information (N10, R40), with a frist for comments."""

    answer_by: date | None = None


class NewInformation(Step):
    """The citizen sent new information while the case is at Ankestyrelsen; the kommune sends it on (R40)."""


class HastebehandlingRequested(Step):
    """The citizen asked Ankestyrelsen to treat the case urgently; the kommune sends the request on (R35)."""


class RepresentativeChanged(Step):
    """A new partsrepræsentant, or the fuldmagt revoked (no kind). The name is personal data: the caller
    stores it sealed in PostgreSQL and the step carries only its number there (`name_seq`)."""

    kind: RepresentativeKind | None = None
    has_fuldmagt: bool = False
    name_seq: int = 0


class StepResult(Model):
    case_id: str
    phase: Phase
    round: int
    deadlines: dict[DeadlineName, Deadline]


# --- State --------------------------------------------------------------------------------------------


class TimedDeadline(Model):
    """A deadline and the instant it ends (23:59:59 Europe/Copenhagen), computed by an activity."""

    deadline: Deadline
    ends_at: datetime


class FormalTrack(Model):
    """The formal track of a case (docs/legal-reference.md §2.9): who answers now and by when."""

    stage: FormalStage
    level: FormalLevel = FormalLevel.FORVALTNING
    answer_due: TimedDeadline | None = None  # the servicemål of this level (R70, policy)
    servicemaal_days: int | None = None  # the servicemål in arbejdsdage, as the letters say it
    cycle: int = 1  # one per level taking the complaint (and its servicemål): keys its warnings
    covers: list[int] = []  # the formal points this level answers (all at an escalation; new ones otherwise)
    opened_at: datetime | None = None
    answered_at: datetime | None = None
    retsstilling: Retsstilling | None = None


class AktindsigtRequest(Model):
    round: int
    requested: date
    answer_due: TimedDeadline
    answered: date | None = None
    interrupts: DeadlineName  # the klagefrist or the genvurdering


class HistoryEntry(Model):
    seq: int
    at: datetime
    step: str
    actor: str
    reason: str
    phase_before: Phase
    phase_after: Phase
    round: int
    details: dict[str, str] = {}


class EscalationEntry(Model):
    key: str
    route: EscalationRoute
    at: datetime
    actor: str
    reason: str
    automatic: bool = False


class WarningEntry(Model):
    key: str
    kind: WarningKind
    at: datetime
    message: str  # Danish: a caseworker or leder reads it


RecipientRole = Literal["part", "partsrepraesentant", "afsender"]


class LetterEntry(Model):
    key: str
    kind: LetterKind
    round: int
    # Who receives it: the partsrepræsentant when there is one (docs/legal-reference.md §5 N15), the sender without a
    # fuldmagt only for the fuldmagt request, otherwise the party.
    recipient: RecipientRole
    facts: LetterFacts
    # Which representative's name addresses it: 0 the filing's, n the n-th change (RepresentativeChanged).
    representative_seq: int = 0


class ForwardEntry(Model):
    """The hand-over to Ankestyrelsen: complaint, genvurdering and akter (rsl § 66, R3)."""

    key: str
    round: int
    at: datetime
    genvurdering_result: GenvurderingResult | None  # None: sent on without genvurdering (udvalg, R3)
    late: bool


class SendLetter(Model):
    effect: Literal["letter"] = "letter"
    letter: LetterEntry


class LogEscalation(Model):
    effect: Literal["escalation"] = "escalation"
    escalation: EscalationEntry


class RecordWarning(Model):
    effect: Literal["warning"] = "warning"
    warning: WarningEntry


class ForwardCase(Model):
    effect: Literal["forward"] = "forward"
    forward: ForwardEntry


Effect = Annotated[Union[SendLetter, LogEscalation, RecordWarning, ForwardCase], Field(discriminator="effect")]


class CaseState(BaseModel):
    """Everything the workflow knows about one complaint; carried over continue-as-new."""

    model_config = ConfigDict(extra="ignore")  # see Model

    filing: ComplaintFiling
    phase: Phase = Phase.RECEIVED
    standing_confirmed: bool = True  # False while a sender without fuldmagt waits for one (§2.2 S2b)
    round: int = 1
    remand_count: int = 0
    outcome: CaseOutcome | None = None
    late: bool = False  # received after the klagefrist without a suspension ground (docs/legal-reference.md §2.6)
    timeliness: list[str] = []  # the explanation of the timeliness check, Danish
    complaint_received: date | None = None  # this round's complaint: the genvurdering counts from it
    deadlines: dict[DeadlineName, TimedDeadline] = {}
    aktindsigt: list[AktindsigtRequest] = []
    phase_entered_at: datetime | None = None
    journal_number: str | None = None
    genvurdering_result: GenvurderingResult | None = None
    new_decision_result: NewDecisionResult | None = None
    final_decision_at: datetime | None = None  # the highest klagemyndighed decided (ombudsmand: 1 year)
    overdue: bool = False
    last_step_at: datetime | None = None
    history: list[HistoryEntry] = []
    letters: list[LetterEntry] = []
    escalations: list[EscalationEntry] = []
    warnings: list[WarningEntry] = []
    forwards: list[ForwardEntry] = []
    pending: list[Effect] = []
    # The last steps' update ids and results: a caller retrying a step whose answer was lost gets the
    # first result, even after continue-as-new (Temporal remembers update ids within one run only).
    applied_updates: dict[str, StepResult] = {}
    version: int = 0
    unit: str | None = None  # the owner: set from the filing at intake, changed by the assign step
    assignee: str | None = None
    klagepunkter: list[Klagepunkt] = []  # set at intake; empty only in a history replayed to before it
    formal: FormalTrack | None = None  # None: no formal track (a realitetsklage, or a history from before)
    # Set by representative-changed: who now acts for the party (None: the party alone), and the number of
    # the name stored for it. Unset in every case that never took the step.
    representative_changed: bool = False
    current_representative: Representative | None = None
    representative_seq: int = 0
    haste_requested: bool = False

    @property
    def representative(self) -> Representative | None:
        return self.current_representative if self.representative_changed else self.filing.representative

    @property
    def case_id(self) -> str:
        return self.filing.case_id

    @property
    def formal_open(self) -> bool:
        return self.formal is not None and self.formal.stage != FormalStage.CONCLUDED

    @property
    def points(self) -> list[Klagepunkt]:
        """The klagepunkter; a case that passed intake before they existed has its filing's point."""
        return self.klagepunkter or self.filing.initial_points()

    def point(self, number: int) -> Klagepunkt | None:
        return next((p for p in self.points if p.number == number), None)

    def replace_point(self, point: Klagepunkt) -> None:
        self.klagepunkter = [point if p.number == point.number else p for p in self.points]

    def round_pauses(self) -> list[tuple[date, date]]:
        """Answered aktindsigt requests that paused this round's genvurdering."""
        return [
            (a.requested, a.answered)
            for a in self.aktindsigt
            if a.round == self.round and a.interrupts == DeadlineName.GENVURDERING and a.answered is not None
        ]

    def pending_aktindsigt(self) -> AktindsigtRequest | None:
        return next((a for a in self.aktindsigt if a.answered is None), None)

    def has_warning(self, key: str) -> bool:
        return any(w.key == key for w in self.warnings)


class CaseView(Model):
    """What `klagesag show` and the read model hold: the state without the pending work."""

    case_id: str
    kommune: str
    kind: ComplaintKind
    channel: ComplaintChannel
    area: str
    decision_ref: str
    phase: Phase
    phase_danish: str
    round: int
    remand_count: int
    outcome: CaseOutcome | None
    late: bool
    timeliness: list[str]
    overdue: bool
    journal_number: str | None
    representative: Representative | None
    received: date
    last_step_at: datetime | None
    next_deadline_at: datetime | None
    next_deadline_kind: DeadlineName | None
    deadlines: dict[DeadlineName, TimedDeadline]
    history: list[HistoryEntry]
    letters: list[str]
    escalations: list[EscalationEntry]
    warnings: list[WarningEntry]
    pending_effects: int  # letters, escalations, warnings queued but not yet done
    version: int
    unit: str | None = None
    assignee: str | None = None
    # Registration for the statistics (SEED 004, docs/legal-reference.md §4.1-4.2). Plain fields: None where
    # not registered (and in cases filed before they existed).
    klagepunkter: list[Klagepunkt] = []  # each with its track, category, source and outcome
    klaget_til: ComplaintRecipient | None = None  # who the complaint was sent to
    unit_complained_about: str | None = None  # the unit (myndighedscenter) complained about
    law: Law | None = None  # the lovområde, from the known-laws table (domain/laws.py)
    paragraph: str | None = None  # its paragraph as the law numbers it: "83", "3 a"
    formal_stage: FormalStage | None = None  # None: the case has no formal track
    formal_level: FormalLevel | None = None  # who answers (or answered last) the formal points
    retsstilling: Retsstilling | None = None  # the borgerrådgiver's judgement (§4.2)
    misdirected: Misdirection | None = None  # first received elsewhere (§2.7): flagged for review
    placeholder: bool = False
    boerne_og_ungeudvalg: bool = False
    linked_cases: list[str] = []
    haste_requested: bool = False


# --- The workflow's input and result ---------------------------------------------------------------


class ComplaintStart(Model):
    """What ComplaintWorkflow starts with: the filing, and the state carried into a new round."""

    filing: ComplaintFiling
    carried: CaseState | None = None  # set by continue-as-new


class ComplaintOutcome(Model):
    case_id: str
    phase: Phase
    outcome: CaseOutcome | None
    rounds: int
