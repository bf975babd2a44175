"""The one table of steps (domain/steps.py): every step in it has its rule, its transition, its CLI
command and its documentation, and nothing outside the table offers a step."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cli.main import build_parser
from domain import steps, transitions
from domain.errors import InvalidInput, StepRefused
from domain.models import CaseState, ComplaintFiling, DecisionComplainedAbout, Step
from domain.steps import STEPS, check_step
from domain.vocabulary import ComplaintChannel, ComplaintKind, DecisionDelivery, Phase
from workflows.complaint import CALENDAR_QUESTIONS, TRANSITIONS

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
DOCS = Path(__file__).parents[2] / "docs" / "steps.md"


def a_case(phase: Phase) -> CaseState:
    filing = ComplaintFiling(
        case_id="KS-0101-ABCDEFGHIJKLM",
        kommune="0101",
        kommune_name="Testkommune",
        received=date(2025, 5, 20),
        channel=ComplaintChannel.WRITTEN,
        kind=ComplaintKind.REALITET,
        area="serviceloven § 83",
        decision=DecisionComplainedAbout(reference="SAG-1", received=date(2025, 5, 10), delivery=DecisionDelivery.DIGITAL_POST),
        actor="sb01",
    )
    return CaseState(filing=filing, phase=phase)


def test_names_and_update_names_are_unique() -> None:
    assert len({spec.name for spec in STEPS}) == len(STEPS)
    assert len({spec.update for spec in STEPS}) == len(STEPS)
    assert len({spec.model for spec in STEPS}) == len(STEPS), "check_step finds the rule by the payload's model"


def test_every_step_has_a_transition_in_the_workflow() -> None:
    assert set(TRANSITIONS) == {spec.name for spec in STEPS}


def test_every_calendar_question_belongs_to_a_step() -> None:
    assert set(CALENDAR_QUESTIONS) <= {spec.name for spec in STEPS}


def test_every_transition_exists_in_the_domain() -> None:
    for name, transition in TRANSITIONS.items():
        assert getattr(transitions, transition.__name__) is transition, name


@pytest.mark.parametrize("spec", STEPS, ids=[s.name for s in STEPS])
def test_every_step_is_refused_without_a_reason(spec: steps.StepSpec) -> None:
    step = steps._probe(spec)
    with pytest.raises(StepRefused, match="Missing reason"):
        check_step(a_case(Phase.GENVURDERING), step.model_copy(update={"reason": ""}), NOW)


def test_every_step_but_escalation_is_refused_in_a_closed_case() -> None:
    closed = a_case(Phase.CLOSED)
    for spec in STEPS:
        if spec.name in ("escalate", "genoptagelse"):
            continue  # onward escalation and reopening are what a closed case stays open for (R43, S11)
        with pytest.raises(StepRefused):
            check_step(closed, steps._probe(spec), NOW)


def test_allowed_steps_are_exactly_those_the_rules_let_through() -> None:
    state = a_case(Phase.GENVURDERING)
    offered = {spec.name for spec in steps.allowed_steps(state, NOW)}
    assert offered == {"aktindsigt-requested", "genvurdering", "withdraw", "assign", "escalate", "klagepunkt-added"}
    assert {spec.name for spec in steps.allowed_steps(a_case(Phase.FORWARDED), NOW)} == {
        "ankestyrelsen-received",
        "new-information",
        "hastebehandling-requested",
        "withdraw",
        "assign",
        "escalate",
    }


def test_an_unknown_step_name_is_refused_naming_the_steps() -> None:
    with pytest.raises(InvalidInput, match="aktindsigt-requested"):
        steps.spec_for("genvurdring")


def _sub_commands(parser, name: str) -> set[str]:  # type: ignore[no-untyped-def]
    action = next(a for a in parser._subparsers._group_actions if a.dest == name)
    return set(action.choices)


def test_the_cli_offers_exactly_the_table_steps() -> None:
    parser = build_parser()
    step_parser = next(a for a in parser._subparsers._group_actions if a.dest == "command").choices["step"]
    assert _sub_commands(step_parser, "step") == {spec.name for spec in STEPS if spec.cli_command == "step"}
    top = _sub_commands(parser, "command")
    assert {spec.cli_command for spec in STEPS} <= top


def test_the_cli_help_lists_exactly_the_table_steps(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["step", "KS-0101-ABCDEFGHIJKLM", "--help"])
    help_text = capsys.readouterr().out
    listed = set(re.search(r"\{([^}]*)\}", help_text).group(1).split(","))  # type: ignore[union-attr]
    assert listed == {spec.name for spec in STEPS if spec.cli_command == "step"}


@pytest.mark.parametrize("spec", STEPS, ids=[s.name for s in STEPS])
def test_every_step_command_takes_its_fields_actor_and_reason(spec: steps.StepSpec) -> None:
    argv = [spec.cli_command, "KS-0101-ABCDEFGHIJKLM"] if spec.cli_command != "step" else ["step", "KS-0101-ABCDEFGHIJKLM", spec.name]
    for field in spec.fields:
        value = next(iter(field.choices)).value.replace("_", "-") if field.choices else "25-123456"
        argv += [field.flag, value]
    args = build_parser().parse_args([*argv, "--actor", "sb01", "--reason", "Fordi"])
    assert args.step_spec is spec
    for field in spec.fields:
        assert getattr(args, field.name)


def test_the_documentation_table_is_the_one_generated_from_the_steps() -> None:
    assert DOCS.read_text(encoding="utf-8") == steps.markdown_table(), "run: python -m domain.steps > docs/steps.md"


def test_every_step_model_is_a_step() -> None:
    assert all(issubclass(spec.model, Step) for spec in STEPS)
