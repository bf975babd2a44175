"""klagesag's metrics: names, labels and the rule a refusal is counted under, recorded through a real
Temporal runtime (its metric buffer) rather than a stand-in."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from temporalio.runtime import MetricBuffer, Runtime, TelemetryConfig

from domain import steps
from domain.errors import StepRefused
from domain.models import (
    CaseState,
    ComplaintFiling,
    DecisionComplainedAbout,
    EscalationRequested,
    GenvurderingDone,
    Withdrawn,
)
from domain.vocabulary import ComplaintChannel, ComplaintKind, DecisionDelivery, Phase
from workers import metrics

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def recorded() -> tuple[Runtime, MetricBuffer]:
    buffer = MetricBuffer(100)
    return Runtime(telemetry=TelemetryConfig(metrics=buffer)), buffer


def updates(buffer: MetricBuffer) -> list[tuple[str, int, dict]]:
    return [
        (u.metric.name, u.value, {k: v for k, v in u.attributes.items() if k != "service_name"})
        for u in buffer.retrieve_updates()
    ]


def a_state(phase: Phase) -> CaseState:
    filing = ComplaintFiling(
        case_id="KS-0101-AAAAAAAAAAAAA",
        kommune="0101",
        kommune_name="Københavns Kommune",
        received=date(2026, 3, 2),
        channel=ComplaintChannel.WRITTEN,
        kind=ComplaintKind.REALITET,
        area="serviceloven § 83",
        decision=DecisionComplainedAbout(
            reference="SAG-1",
            received=date(2026, 2, 20),
            delivery=DecisionDelivery.DIGITAL_POST,
            klagevejledning_given=True,
        ),
        actor="sb01",
    )
    return CaseState(filing=filing, phase=phase)


def refusal_of(state: CaseState, step) -> StepRefused:
    with pytest.raises(StepRefused) as caught:
        steps.check_step(state, step, NOW)
    return caught.value


# --- what each helper records


def test_a_step_taken_is_one_count_under_its_name(recorded) -> None:
    runtime, buffer = recorded
    metrics.step_taken(runtime.metric_meter, "genvurdering")
    assert updates(buffer) == [("klagesag_steps_total", 1, {"step": "genvurdering", "result": "taken"})]


def test_a_refusal_counts_as_a_refused_step_and_under_its_rule(recorded) -> None:
    runtime, buffer = recorded
    metrics.step_refused(runtime.metric_meter, "genvurdering", "require_phase")
    assert updates(buffer) == [
        ("klagesag_steps_total", 1, {"step": "genvurdering", "result": "refused"}),
        ("klagesag_step_refusals_total", 1, {"step": "genvurdering", "rule": "require_phase"}),
    ]


def test_letters_and_warnings_are_counted_by_kind(recorded) -> None:
    runtime, buffer = recorded
    metrics.letter_sent(runtime.metric_meter, "kvittering")
    metrics.warning_fired(runtime.metric_meter, "genvurdering_snart")
    assert updates(buffer) == [
        ("klagesag_letters_sent_total", 1, {"kind": "kvittering"}),
        ("klagesag_warnings_total", 1, {"kind": "genvurdering_snart"}),
    ]


# --- the rule a refusal is counted under


def test_a_step_in_the_wrong_phase_is_refused_by_require_phase() -> None:
    genvurdering = GenvurderingDone(actor="sb01", reason="Vurderet", result="fastholdt")
    refusal = refusal_of(a_state(Phase.FORWARDED), genvurdering)
    assert metrics.refusing_rule(refusal) == "require_phase"


def test_a_step_without_a_reason_is_refused_by_require_actor_and_reason() -> None:
    refusal = refusal_of(a_state(Phase.GENVURDERING), Withdrawn(actor="sb01", reason=""))
    assert metrics.refusing_rule(refusal) == "require_actor_and_reason"


def test_a_rule_of_its_own_is_named_by_its_check() -> None:
    refusal = refusal_of(a_state(Phase.CLOSED), Withdrawn(actor="sb01", reason="Trukket tilbage"))
    assert metrics.refusing_rule(refusal) == "check_withdraw"
    refusal = refusal_of(
        a_state(Phase.GENVURDERING), EscalationRequested(actor="sb01", reason="Klager vil videre", route="ombudsmand")
    )
    assert metrics.refusing_rule(refusal) == "check_escalation"


def test_a_refusal_raised_outside_the_rules_is_other() -> None:
    try:
        raise StepRefused("somewhere else")
    except StepRefused as refusal:
        assert metrics.refusing_rule(refusal) == "other"


def test_every_rule_label_is_a_function_of_domain_rules() -> None:
    """The label set is bounded by the code: the rules module's functions."""
    from domain import rules

    for spec in steps.STEPS:
        for phase in Phase:
            try:
                probe = steps._probe(spec)
                steps.check_step(a_state(phase), probe, NOW)
            except StepRefused as refusal:
                assert callable(getattr(rules, metrics.refusing_rule(refusal)))


# --- names


def test_names_follow_prometheus_conventions_and_labels_hold_no_case_id() -> None:
    for metric in (*metrics.WORKER_METRICS, *metrics.WEB_METRICS):
        assert re.fullmatch(r"klagesag_[a-z_]+", metric.name)
        assert "case_id" not in metric.labels and "case" not in metric.labels
    counters = [m for m in (*metrics.WORKER_METRICS, *metrics.WEB_METRICS) if m.name.endswith("_total")]
    assert {m.name for m in counters} == {
        "klagesag_steps_total",
        "klagesag_step_refusals_total",
        "klagesag_letters_sent_total",
        "klagesag_warnings_total",
        "klagesag_http_requests_total",
    }


def test_the_operations_guide_explains_every_metric() -> None:
    guide = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    for metric in (*metrics.WORKER_METRICS, *metrics.WEB_METRICS):
        assert f"`{metric.name}`" in guide, metric.name
