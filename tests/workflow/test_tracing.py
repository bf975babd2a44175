"""Optional OpenTelemetry tracing (workers/tracing.py): off by default; on, a caseworker's step is one
trace from the client's update to the workflow's handler and the activity it leads to."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from casework import operations
from domain.errors import SettingsError
from store.register import CaseRegister
from tests.conftest import DATA_CONVERTER
from tests.workflow.harness import Harness
from workers.settings import Settings
from workers.tracing import tracing_interceptors


def test_tracing_is_off_unless_asked_for() -> None:
    assert tracing_interceptors(Settings(otel_tracing=False)) == []


def test_tracing_without_the_sdk_is_a_setting_error_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "opentelemetry.sdk.trace", None)  # as if the extra were not installed
    with pytest.raises(SettingsError, match=r"pip install 'klagesag\[otel\]'"):
        tracing_interceptors(Settings(otel_tracing=True))


@pytest.fixture
async def traced(
    time_skipping_env: WorkflowEnvironment, register: CaseRegister, database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[Harness, Client, InMemorySpanExporter]]:
    spans = InMemorySpanExporter()
    interceptors = tracing_interceptors(Settings(otel_tracing=True), exporter=spans)

    async def client() -> Client:
        return await Client.connect(
            time_skipping_env.client.service_client.config.target_host,
            namespace=time_skipping_env.client.namespace,
            data_converter=DATA_CONVERTER,
            interceptors=interceptors,
        )

    worker_client, caller = await client(), await client()
    outbox = tmp_path / "outbox"
    async with Harness(time_skipping_env, register, database_url, outbox, worker_client=worker_client) as h:
        yield h, caller, spans


async def test_a_complaint_is_one_trace_holding_each_step_and_its_activities(traced) -> None:
    """Temporal's interceptor parents a workflow's spans on the span that started it (the filing); a
    step's update call is a span of its own, and the step's handling and activities are in the case's
    trace."""
    harness, caller, spans = traced
    raw = await harness.filing()
    receipt = await operations.file_complaint(
        caller, harness.register, harness.settings, operations.parse_filing(raw), today=await harness.today()
    )
    harness.case_ids.add(receipt.case_id)
    filed = spans.get_finished_spans()
    [case_trace] = {span.context.trace_id for span in filed if "ComplaintWorkflow" in span.name}
    spans.clear()

    fields = {"actor": "sb01", "reason": "Parten beder om akterne"}
    await operations.take_step(caller, receipt.case_id, "aktindsigt-requested", fields)
    by_name = {span.name: span for span in spans.get_finished_spans()}
    assert "StartWorkflowUpdate:aktindsigt_requested" in by_name, sorted(by_name)
    for name in ("ValidateUpdate", "HandleUpdate", "RunActivity"):
        what = f"{name}:aktindsigt_opened" if name == "RunActivity" else f"{name}:aktindsigt_requested"
        assert by_name[what].context.trace_id == case_trace, what
    assert by_name["RunActivity:aktindsigt_opened"].resource.attributes["service.name"] == "klagesag"
