"""klagesag's counters as Prometheus scrapes them from a worker: the worker polls through a client on a
runtime that serves /metrics (workers/telemetry.py), and each count is compared with what PostgreSQL
and the case's history say happened."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from domain.errors import StepRefused
from store.register import CaseRegister
from tests.conftest import DATA_CONVERTER, free_port
from tests.workflow.harness import Harness
from workers.settings import Settings
from workers.telemetry import metrics_runtime


class Scraper:
    def __init__(self, url: str) -> None:
        self.url = url

    async def text(self) -> str:
        async with httpx.AsyncClient() as http:
            response = await http.get(self.url)
        assert response.status_code == 200
        return response.text

    async def value(self, name: str, **labels: str) -> float:
        """The sum of the samples of `name` whose labels include `labels` (Temporal adds its own)."""
        total = 0.0
        for family in text_string_to_metric_families(await self.text()):
            for sample in family.samples:
                if sample.name == name and labels.items() <= sample.labels.items():
                    total += sample.value
        return total

    async def settles_at(self, expected: float, name: str, **labels: str) -> float:
        """The value once it equals `expected`, or the last one seen after a bounded number of scrapes."""
        for _ in range(100):
            value = await self.value(name, **labels)
            if value == expected:
                return value
            await asyncio.sleep(0.05)
        return value


@pytest.fixture
async def observed(
    time_skipping_env: WorkflowEnvironment, register: CaseRegister, database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[Harness, Scraper]]:
    port = free_port()
    runtime = metrics_runtime(Settings(metrics_port=port))
    assert runtime is not None
    worker_client = await Client.connect(
        time_skipping_env.client.service_client.config.target_host,
        namespace=time_skipping_env.client.namespace,
        data_converter=DATA_CONVERTER,
        runtime=runtime,
    )
    outbox = tmp_path / "outbox"
    async with Harness(time_skipping_env, register, database_url, outbox, worker_client=worker_client) as h:
        yield h, Scraper(f"http://127.0.0.1:{port}/metrics")


async def delivered_by_kind(harness: Harness, case_id: str) -> Counter[str]:
    return Counter(letter.kind for letter in await harness.register.letters_for(case_id) if letter.delivered_at)


async def test_steps_refusals_letters_and_warnings_are_counted_once_each(observed: tuple[Harness, Scraper]) -> None:
    harness, scrape = observed
    steps = "klagesag_steps_total"
    case = await harness.file()
    sent = await delivered_by_kind(harness, case.id)
    assert sent["kvittering"] == 1
    assert await scrape.settles_at(1, "klagesag_letters_sent_total", kind="kvittering") == 1

    await case.step("aktindsigt-requested", update_id="request-1")
    assert await scrape.settles_at(1, steps, step="aktindsigt-requested", result="taken") == 1
    # The same update again (a client retrying after a lost answer) is one step, counted once.
    await case.step("aktindsigt-requested", update_id="request-1")
    with pytest.raises(StepRefused):  # the genvurdering waits for the pending aktindsigt
        await case.step("genvurdering", result="fastholdt")
    assert await scrape.settles_at(1, steps, step="genvurdering", result="refused") == 1
    assert await scrape.value("klagesag_step_refusals_total", step="genvurdering", rule="check_genvurdering") == 1
    assert await scrape.value(steps, step="aktindsigt-requested", result="taken") == 1
    assert await scrape.value(steps, step="genvurdering", result="taken") == 0

    await harness.advance(13)  # past the 7 arbejdsdage of the aktindsigt answer
    view = await case.settled()
    assert [w.kind for w in view.warnings] == ["aktindsigt_overskredet"]
    assert await scrape.settles_at(1, "klagesag_warnings_total", kind="aktindsigt_overskredet") == 1

    sent = await delivered_by_kind(harness, case.id)
    assert sent["aktindsigt_fristbrev"] == 1
    for kind, letters in sent.items():  # every letter PostgreSQL holds as delivered, and no more
        assert await scrape.settles_at(letters, "klagesag_letters_sent_total", kind=kind) == letters, kind
    assert await scrape.value("klagesag_letters_sent_total") == sum(sent.values())

    text = await scrape.text()
    assert "temporal_workflow_task_execution_latency" in text or "temporal_request" in text  # the SDK's own
    assert case.id not in text  # no case id is ever a label
