"""The one table of caseworker steps.

Each step is declared here once: its name, the Temporal update that carries it, its payload model, the rule
that allows or refuses it, its command-line flags and who may take it. From this table come the workflow's
update handling and validation (workflows/complaint.py), the CLI's sub-commands (cli/main.py), the
`casework` dispatch used by the CLI and the HTTP API, and the table in docs/steps.md
(`python -m domain.steps > docs/steps.md`). How to add a step: docs/adding-a-step.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain import rules
from domain.errors import InvalidInput
from domain.models import (
    AktindsigtAnswered,
    AktindsigtRequested,
    AnkestyrelsenDecided,
    AnkestyrelsenPartshoering,
    AnkestyrelsenReceived,
    CaseAssigned,
    CaseState,
    ComplaintReceivedAgain,
    EscalationRequested,
    FormalAnswered,
    FormalEscalated,
    FuldmagtReceived,
    GenoptagelseDecided,
    GenvurderingDone,
    GenvurderingExtended,
    HastebehandlingRequested,
    KlagepunktAdded,
    KlagepunktDecided,
    NewDecisionMade,
    NewInformation,
    RepresentativeChanged,
    Step,
    SubstanceReceived,
    Withdrawn,
)
from domain.laws import Law
from domain.vocabulary import (
    AnkestyrelsenOutcome,
    ComplaintKind,
    EscalationRoute,
    FormalCategory,
    FormalLevel,
    FormalOutcome,
    FormalStage,
    GenoptagelseGround,
    GenoptagelseResult,
    GenvurderingResult,
    NewDecisionResult,
    Phase,
    PointSource,
    RepresentativeKind,
    Retsstilling,
)

Rule = Callable[[CaseState, Step, datetime], None]


class Role(StrEnum):
    SAGSBEHANDLER = "sagsbehandler"  # acts on the cases of their units
    LEDER = "leder"  # sees and reassigns everything in the forvaltning, receives escalations
    BORGERRAADGIVER = "borgerraadgiver"  # reads, registers and answers formal complaints
    ADMIN = "admin"  # users and units


CASEWORK = frozenset({Role.SAGSBEHANDLER, Role.LEDER})
# The borgerrådgiver registers and answers formal complaints across the kommune (§2.9, SEED 002-003).
FORMAL_WORK = CASEWORK | {Role.BORGERRAADGIVER}


@dataclass(frozen=True)
class Field:
    """A field a step carries beyond actor and reason, as the CLI and the forms ask for it."""

    name: str  # the model's field
    flag: str  # the CLI's option
    help: str
    label_da: str  # the form's label
    choices: type[StrEnum] | None = None
    required: bool = True
    example: str = "00-000000"  # a valid value of a field without choices (the probe of allowed_steps)
    input_type: str = "text"  # the form's input type for a field without choices ("date"; "checkbox": "true" or absent)


@dataclass(frozen=True)
class StepSpec:
    name: str  # the step's name in the CLI, the API, the history and the documentation
    update: str  # the Temporal update's name: never rename it, running complaints' histories use it
    model: type[Step]
    rule: Rule
    help: str  # English, for the CLI
    label_da: str  # Danish, for the case page
    fields: tuple[Field, ...] = ()
    roles: frozenset[Role] = CASEWORK
    cli_command: str = "step"  # "step" → `klagesag step CASE NAME`; otherwise a command of its own


def _about_the_case(check: Callable[[CaseState], None]) -> Rule:
    """A rule that depends on the case alone, not on what the step carries."""
    return lambda state, step, now: check(state)


def _about_the_step(check: Callable[[CaseState, Step], None]) -> Rule:
    return lambda state, step, now: check(state, step)


STEPS: tuple[StepSpec, ...] = (
    StepSpec(
        name="aktindsigt-requested",
        update="aktindsigt_requested",
        model=AktindsigtRequested,
        rule=_about_the_case(rules.check_aktindsigt_requested),
        help="the party asked for aktindsigt; pauses the running frist (FVL § 9, OFL § 36)",
        label_da="Aktindsigt anmodet",
    ),
    StepSpec(
        name="aktindsigt-answered",
        update="aktindsigt_answered",
        model=AktindsigtAnswered,
        rule=_about_the_case(rules.check_aktindsigt_answered),
        help="the aktindsigt request was answered; the paused frist runs again",
        label_da="Aktindsigt besvaret",
    ),
    StepSpec(
        name="fuldmagt-received",
        update="fuldmagt_received",
        model=FuldmagtReceived,
        rule=_about_the_case(rules.check_fuldmagt_received),
        help="the representative's fuldmagt arrived; the genvurdering clock starts (FVL § 8)",
        label_da="Fuldmagt modtaget",
    ),
    StepSpec(
        name="genvurdering",
        update="genvurdering",
        model=GenvurderingDone,
        rule=_about_the_case(rules.check_genvurdering),
        help="the kommune's genvurdering: fuldt medhold closes the case, otherwise it goes to Ankestyrelsen (rsl § 66)",
        label_da="Genvurdering",
        fields=(Field("result", "--result", "the genvurdering's result", "Resultat", GenvurderingResult),),
    ),
    StepSpec(
        name="genvurdering-extended",
        update="genvurdering_extended",
        model=GenvurderingExtended,
        rule=rules.check_genvurdering_extended,
        help="tell the citizen, before the 4 weeks pass, why the genvurdering takes longer and when it is "
        "expected (N7, R4); the reason is the letter's reason",
        label_da="Forlæng genvurderingen (brev til borgeren)",
        fields=(Field("expected", "--expected", "the expected date, YYYY-MM-DD", "Forventet færdig",
                      example="2099-12-31", input_type="date"),),
    ),
    StepSpec(
        name="substance-received",
        update="substance_received",
        model=SubstanceReceived,
        rule=_about_the_case(rules.check_substance_received),
        help="the substance of a \"klage følger\" complaint arrived: the genvurdering's 4 weeks start (R11, "
        "GENVURDERING_WAITS_FOR_SUBSTANCE)",
        label_da="Uddybning af klagen modtaget",
    ),
    StepSpec(
        name="ankestyrelsen-received",
        update="ankestyrelsen_received",
        model=AnkestyrelsenReceived,
        rule=_about_the_step(rules.check_ankestyrelsen_received),
        help="Ankestyrelsen acknowledged the case with its journalnummer",
        label_da="Kvittering fra Ankestyrelsen",
        fields=(Field("journal_number", "--journal", "Ankestyrelsen's journalnummer", "Journalnummer"),),
    ),
    StepSpec(
        name="ankestyrelsen-outcome",
        update="ankestyrelsen_outcome",
        model=AnkestyrelsenDecided,
        rule=_about_the_step(rules.check_ankestyrelsen_outcome),
        help="Ankestyrelsen's decision; hjemvisning sends the case back to the kommune",
        label_da="Ankestyrelsens afgørelse",
        fields=(
            Field("outcome", "--outcome", "Ankestyrelsen's outcome", "Udfald", AnkestyrelsenOutcome),
            Field("detriment_from", "--detriment-from", "an ændring to the citizen's detriment applies from this "
                  "day, YYYY-MM-DD (rsl § 72 stk. 7)", "Ændring til ugunst gælder fra", required=False,
                  example="2099-12-31", input_type="date"),
        ),
    ),
    StepSpec(
        name="ankestyrelsen-partshoering",
        update="ankestyrelsen_partshoering",
        model=AnkestyrelsenPartshoering,
        rule=_about_the_case(rules.check_ankestyrelsen_partshoering),
        help="Ankestyrelsen heard the party on new information (N10, R40); optionally its frist for comments",
        label_da="Partshøring fra Ankestyrelsen",
        fields=(Field("answer_by", "--answer-by", "the frist for comments, YYYY-MM-DD", "Frist for bemærkninger",
                      required=False, example="2099-12-31", input_type="date"),),
    ),
    StepSpec(
        name="new-information",
        update="new_information",
        model=NewInformation,
        rule=_about_the_case(rules.check_new_information),
        help="the citizen sent new information while the case is at Ankestyrelsen: it is sent on, and the "
        "citizen told (R40)",
        label_da="Nye oplysninger sendt videre til Ankestyrelsen",
    ),
    StepSpec(
        name="hastebehandling-requested",
        update="hastebehandling_requested",
        model=HastebehandlingRequested,
        rule=_about_the_step(rules.check_hastebehandling_requested),
        help="the citizen asked for hastebehandling: the request is sent on to Ankestyrelsen, and the citizen "
        "told (R35)",
        label_da="Anmodning om hastebehandling",
    ),
    StepSpec(
        name="new-decision",
        update="new_decision",
        model=NewDecisionMade,
        rule=_about_the_case(rules.check_new_decision),
        help="the kommune's new decision after hjemvisning; a new klagefrist unless it grants everything",
        label_da="Ny afgørelse efter hjemvisning",
        fields=(Field("result", "--result", "the new decision", "Afgørelse", NewDecisionResult),),
    ),
    StepSpec(
        name="complaint-received",
        update="complaint_received",
        model=ComplaintReceivedAgain,
        rule=_about_the_case(rules.check_complaint_received),
        help="the citizen complains about the new decision: a new round starts",
        label_da="Ny klage modtaget",
    ),
    StepSpec(
        name="genoptagelse",
        update="genoptagelse",
        model=GenoptagelseDecided,
        rule=_about_the_step(rules.check_genoptagelse),
        help="a request to reopen the closed case, decided: reopened on a ground (R55, R56), then a new "
        "decision; or refused with a letter (S11)",
        label_da="Genoptagelse",
        fields=(
            Field("result", "--result", "reopened or refused", "Resultat", GenoptagelseResult),
            Field("ground", "--ground", "why the case is reopened", "Grund til genoptagelse", GenoptagelseGround,
                  required=False),
        ),
    ),
    StepSpec(
        name="representative-changed",
        update="representative_changed",
        model=RepresentativeChanged,
        rule=_about_the_step(rules.check_representative_changed),
        help="a new partsrepræsentant (--kind, --name, --fuldmagt), or the fuldmagt revoked (no --kind): the "
        "letters go to the right recipient at once (FVL § 8, N15); the name is stored sealed with the party",
        label_da="Ny partsrepræsentant eller fuldmagt tilbagekaldt",
        fields=(
            Field("kind", "--kind", "the new representative (leave out: the fuldmagt is revoked)",
                  "Ny partsrepræsentant (tom: fuldmagten er tilbagekaldt)", RepresentativeKind, required=False),
            Field("representative_name", "--name", "the new representative's name", "Navn", required=False,
                  example="Ny Repræsentant"),
            Field("has_fuldmagt", "--fuldmagt", "true if a written fuldmagt is there", "Skriftlig fuldmagt foreligger",
                  required=False, example="true", input_type="checkbox"),
        ),
    ),
    StepSpec(
        name="withdraw",
        update="withdraw",
        model=Withdrawn,
        rule=_about_the_case(rules.check_withdraw),
        help="the citizen withdrew the complaint",
        label_da="Klagen er trukket tilbage",
    ),
    StepSpec(
        name="assign",
        update="assign",
        model=CaseAssigned,
        rule=_about_the_step(rules.check_assign),
        help="give the case a new owner: a unit and optionally its sagsbehandler (the reason is recorded)",
        label_da="Fordel sagen",
        fields=(
            Field("unit", "--unit", "the unit's code", "Enhed"),
            Field("assignee", "--assignee", "the sagsbehandler's user id (leave out for the unit's queue)",
                  "Sagsbehandler", required=False),
        ),
    ),
    StepSpec(
        name="escalate",
        update="escalate",
        model=EscalationRequested,
        rule=rules.check_escalation,
        help="escalate a case (borgmester, tilsyn, ombudsmand, ...) with the preconditions of docs/legal-reference.md §3",
        label_da="Eskalér sagen",
        fields=(Field("route", "--to", "where the case goes", "Til", EscalationRoute),),
        roles=CASEWORK | {Role.BORGERRAADGIVER},
        cli_command="escalate",
    ),
    StepSpec(
        name="klagepunkt-added",
        update="klagepunkt_added",
        model=KlagepunktAdded,
        rule=_about_the_step(rules.check_klagepunkt_added),
        help="add a klagepunkt to the open case: a formal point starts the formal track; a returning "
        "complainant's points are flagged (§7); behaviour raised in an appeal is a formal point (SEED 001)",
        label_da="Tilføj klagepunkt",
        fields=(
            Field("track", "--track", "realitet (the decision's content) or formalitet (the handling)", "Spor",
                  ComplaintKind),
            Field("category", "--category", "what in the handling a formal point is about (§4.1-4.2)",
                  "Kategori (formelle punkter)", FormalCategory, required=False),
            Field("law", "--law", "the law of the paragraph", "Lov", Law, required=False),
            Field("paragraph", "--paragraph", "the paragraph, e.g. 83 or 3 a", "Paragraf", required=False,
                  example="83"),
            Field("source", "--source", "filing: part of the complaint; returning: the citizen came back with it; "
                  "appeal: raised inside an appeal", "Kilde", PointSource, required=False),
        ),
        roles=FORMAL_WORK,
    ),
    StepSpec(
        name="klagepunkt-decided",
        update="klagepunkt_decided",
        model=KlagepunktDecided,
        rule=_about_the_step(rules.check_klagepunkt_decided),
        help="the outcome of one formal klagepunkt at the level answering now; --category corrects its "
        "category (§2.9 F3)",
        label_da="Afgør klagepunkt",
        fields=(
            Field("point", "--point", "the klagepunkt's number", "Klagepunkt nr.", example="1"),
            Field("outcome", "--outcome", "the outcome of the point", "Udfald", FormalOutcome),
            Field("category", "--category", "a corrected category", "Ny kategori", FormalCategory, required=False),
        ),
        roles=FORMAL_WORK,
    ),
    StepSpec(
        name="formal-answer",
        update="formal_answered",
        model=FormalAnswered,
        rule=_about_the_step(rules.check_formal_answered),
        help="the answer to the formal klagepunkter (N14: outcome per point and the onward routes); the "
        "borgerrådgiver records whether the retsstilling was strengthened",
        label_da="Svar på klagen over sagsbehandlingen",
        fields=(
            Field("retsstilling", "--retsstilling", "the borgerrådgiver's judgement of the retsstilling",
                  "Retsstilling styrket (borgerrådgiveren)", Retsstilling, required=False),
        ),
        roles=FORMAL_WORK,
    ),
    StepSpec(
        name="formal-escalated",
        update="formal_escalated",
        model=FormalEscalated,
        rule=rules.check_formal_escalated,
        help="the formal complaint goes on to the borgmester, a direktør or the borgerrådgiver (who takes it "
        "once the dialogue with the forvaltning is exhausted, SEED 002)",
        label_da="Send klagen over sagsbehandlingen videre",
        fields=(Field("level", "--level", "who takes the formal complaint", "Til", FormalLevel),),
        roles=FORMAL_WORK,
    ),
)

BY_NAME: dict[str, StepSpec] = {spec.name: spec for spec in STEPS}
BY_UPDATE: dict[str, StepSpec] = {spec.update: spec for spec in STEPS}
_BY_MODEL: dict[type[Step], StepSpec] = {spec.model: spec for spec in STEPS}


def spec_for(name: str) -> StepSpec:
    try:
        return BY_NAME[name]
    except KeyError:
        raise InvalidInput(f"Unknown step '{name}'; the steps are: {', '.join(BY_NAME)}.") from None


def check_step(state: CaseState, step: Step, now: datetime) -> None:
    """The one check of a step, run by the update's validator (before history) and again inside its
    handler (an earlier update may have moved the case meanwhile): they can never disagree."""
    rules.require_actor_and_reason(step)
    _BY_MODEL[type(step)].rule(state, step, now)


def allowed_steps(state: CaseState, now: datetime) -> list[StepSpec]:
    """The steps the law and the phase allow now, judged by the same rules as the validators. A step
    that carries a choice is probed with its first value (escalation: the leder, always open) and without
    its optional fields; the rule judges the values actually chosen when the step is taken."""
    allowed = []
    for spec in STEPS:
        try:
            spec.rule(state, _probe(spec), now)
        except rules.StepRefused:
            continue
        allowed.append(spec)
    return allowed


# What the case page offers as forms, from the read model (CaseView) alone. The rules read more than the
# read model holds (a pending aktindsigt request, the final decision's time), so the page offers by phase
# here and the workflow's validator stays the only judge: a step offered but refused is shown with the
# rule's message (HTTP 409), nothing changed. The phases mirror each rule's `require_phase` in
# domain/rules.py.
_OFFERED_IN: dict[str, frozenset[Phase]] = {
    "aktindsigt-requested": frozenset({Phase.RECEIVED, Phase.GENVURDERING, Phase.KLAGEFRIST}),
    "aktindsigt-answered": frozenset({Phase.AKTINDSIGT}),
    "fuldmagt-received": frozenset({Phase.AWAITING_STANDING}),
    "genvurdering": frozenset({Phase.GENVURDERING}),
    "genvurdering-extended": frozenset({Phase.GENVURDERING}),
    "ankestyrelsen-received": frozenset({Phase.FORWARDED}),
    "ankestyrelsen-outcome": frozenset({Phase.AT_ANKESTYRELSEN}),
    "ankestyrelsen-partshoering": frozenset({Phase.AT_ANKESTYRELSEN}),
    "new-information": frozenset({Phase.FORWARDED, Phase.AT_ANKESTYRELSEN}),
    "hastebehandling-requested": frozenset({Phase.FORWARDED, Phase.AT_ANKESTYRELSEN}),
    "substance-received": frozenset({Phase.AWAITING_SUBSTANCE}),
    "new-decision": frozenset({Phase.GENBEHANDLING, Phase.GENOPTAGET}),
    "genoptagelse": frozenset({Phase.CLOSED}),
    "complaint-received": frozenset({Phase.KLAGEFRIST}),
}


# The formal track's steps, offered by its stage (CaseView.formal_stage) rather than by the phase.
_OFFERED_AT_STAGE: dict[str, frozenset[FormalStage | None]] = {
    "klagepunkt-decided": frozenset({FormalStage.FIRST_LEVEL, FormalStage.ESCALATED}),
    "formal-answer": frozenset({FormalStage.FIRST_LEVEL, FormalStage.ESCALATED}),
    "formal-escalated": frozenset({FormalStage.FIRST_LEVEL, FormalStage.CONCLUDED}),
}


def offered_steps(phase: Phase, formal_stage: FormalStage | None = None) -> list[StepSpec]:
    """The steps worth a form in this phase. Withdrawal and reassignment are open until the case ends;
    escalation stays open after it (the ombudsmand takes complaints up to a year later) and its
    preconditions are judged when taken. The formal track's steps follow its stage; taking the formal
    complaint further stays open after the case closed, like escalation."""
    offered = []
    for spec in STEPS:
        if spec.name in _OFFERED_AT_STAGE:
            if formal_stage in _OFFERED_AT_STAGE[spec.name] and (
                spec.name == "formal-escalated" or not phase.is_terminal
            ) and phase != Phase.WITHDRAWN:
                offered.append(spec)
        elif spec.name in _OFFERED_IN:
            if phase in _OFFERED_IN[spec.name]:
                offered.append(spec)
        elif spec.name == "escalate" or not phase.is_terminal:
            offered.append(spec)
    return offered


def _probe(spec: StepSpec) -> Step:
    """The step with its required fields only (optional ones at their defaults), each at its first value."""
    values: dict[str, object] = {"actor": "probe", "reason": "probe"}
    for field in spec.fields:
        if field.required:
            values[field.name] = next(iter(field.choices)) if field.choices else field.example
    return spec.model.model_validate(values)


def _flag_usage(field: Field) -> str:
    values = "\\|".join(c.value.replace("_", "-") for c in field.choices) if field.choices else field.name.upper()
    usage = f"`{field.flag}` {values}"
    return usage if field.required else f"[{usage}]"


def markdown_table() -> str:
    """The table of steps for docs/steps.md."""
    lines = [
        "# Caseworker steps",
        "",
        "Generated from `domain/steps.py` by `python -m domain.steps > docs/steps.md`; a test keeps it equal.",
        "Every step also takes `--actor` and `--reason` (recorded in the history).",
        "",
        "| step | command | fields | who may take it | what it does |",
        "|---|---|---|---|---|",
    ]
    for spec in STEPS:
        command = f"klagesag {spec.cli_command} CASE" + (f" {spec.name}" if spec.cli_command == "step" else "")
        fields = ", ".join(_flag_usage(f) for f in spec.fields)
        roles = ", ".join(sorted(role.value for role in spec.roles))
        lines.append(f"| {spec.name} ({spec.label_da}) | `{command}` | {fields or '—'} | {roles} | {spec.help} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
