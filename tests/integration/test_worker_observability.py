"""The worker as operators see it: /healthz and /readyz on its health port, Prometheus metrics on its
metrics port, JSON log lines that carry the case id, and Worker Versioning (blue-green).

The first tests run `run_worker` in this process against the time-skipping server; the last runs the
real `klagesag worker` command against a dev server, as a Deployment would, and makes its version
current with the command deploy/README.md gives."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import asyncpg
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from temporalio.api.enums.v1 import VersioningBehavior
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from casework import operations
from deploy.postgres import LocalPostgres
from deploy.temporal import LocalTemporal
from domain.errors import SettingsError
from store.migrate import migrated_database
from store.register import CaseRegister
from tests.conftest import DATA_CONVERTER, VENV_BIN, free_port
from tests.workflow.harness import COPENHAGEN, complaint_fields
from workers.settings import Settings
from workers.telemetry import metrics_runtime
from workers.worker import build_worker, run_worker
from workflows.search_attributes import FOR_DEV_SERVER

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]

CPR = "240377-1357"
NAME = "Gertrud Særligtnavn"


async def get(url: str) -> httpx.Response | None:
    try:
        async with httpx.AsyncClient() as http:
            return await http.get(url, timeout=5)
    except httpx.TransportError:
        return None


async def answer(url: str, status: int, attempts: int = 400) -> httpx.Response:
    """The first answer with `status`, polling while the process starts; fails after `attempts`."""
    response = None
    for _ in range(attempts):
        response = await get(url)
        if response is not None and response.status_code == status:
            return response
        await asyncio.sleep(0.05)
    raise AssertionError(f"{url} never answered {status}; last: {response and (response.status_code, response.text)}")


@pytest.fixture
async def in_process(time_skipping_env: WorkflowEnvironment, database_url: str, tmp_path: Path):
    """Start `run_worker` with a health port; yields (settings, start) where start(register) runs it."""
    settings = Settings(
        data_dir=tmp_path, database_url=database_url, task_queue=f"klagesag-{uuid.uuid4()}", health_port=free_port()
    )
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    def start(register: CaseRegister) -> str:
        worker = run_worker(settings, stop, client=time_skipping_env.client, register=register)
        tasks.append(asyncio.create_task(worker))
        return f"http://127.0.0.1:{settings.health_port}"

    yield settings, start
    stop.set()
    for task in tasks:
        await task


async def test_the_worker_is_alive_and_ready_while_it_polls_and_stops_answering_after(
    in_process, database_url: str
) -> None:
    settings, start = in_process
    base = start(await CaseRegister.connect(database_url, max_size=2))
    assert (await answer(f"{base}/healthz", 200)).json() == {"status": "ok"}
    assert (await answer(f"{base}/readyz", 200)).json() == {"status": "ok"}
    assert (await get(f"{base}/metrics")).status_code == 404  # metrics have a port of their own


async def test_the_worker_is_not_ready_naming_postgresql_when_it_cannot_reach_it(in_process) -> None:
    settings, start = in_process
    pool = await asyncpg.create_pool(f"postgresql://klagesag@127.0.0.1:{free_port()}/klagesag", min_size=0, max_size=1)
    base = start(CaseRegister(pool))
    await answer(f"{base}/healthz", 200)
    response = await answer(f"{base}/readyz", 503)
    assert response.json() == {"status": "unavailable", "failed": ["postgresql"]}


async def test_a_health_port_in_use_stops_the_worker_with_one_line_naming_the_setting(
    time_skipping_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = Settings(data_dir=tmp_path, database_url=database_url, task_queue="klagesag-busy", health_port=port)
        register = await CaseRegister.connect(database_url, max_size=1)
        with pytest.raises(SettingsError) as caught:
            await run_worker(settings, asyncio.Event(), client=time_skipping_env.client, register=register)
    assert str(caught.value).startswith(f"KLAGESAG_HEALTH_PORT={port}: cannot listen on 127.0.0.1:{port}")


# --- the real command, versioned, on a dev server


@pytest.fixture
async def dev_stack(postgres: LocalPostgres, tmp_path: Path) -> AsyncIterator[tuple[LocalTemporal, str]]:
    name = f"observe_{uuid.uuid4().hex[:8]}"
    await migrated_database(postgres, name)
    temporal = LocalTemporal(
        tmp_path / "temporal", free_port(), free_port(), search_attributes=FOR_DEV_SERVER, headless=True
    )
    await temporal.start()
    try:
        yield temporal, postgres.dsn(name)
    finally:
        await temporal.stop()


def metric(text: str, name: str, **labels: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name and labels.items() <= sample.labels.items()
    )


async def test_klagesag_worker_versioned_serves_health_metrics_and_json_logs(
    dev_stack: tuple[LocalTemporal, str], tmp_path: Path
) -> None:
    temporal, database_url = dev_stack
    health_port, metrics_port = free_port(), free_port()
    task_queue = f"klagesag-{uuid.uuid4().hex[:8]}"
    env = {name: value for name, value in os.environ.items() if not name.startswith(("TEMPORAL_", "KLAGESAG_"))}
    env |= {
        "KLAGESAG_TEMPORAL_ADDRESS": temporal.address,
        "KLAGESAG_DATABASE_URL": database_url,
        "KLAGESAG_DATA_DIR": str(tmp_path / "data"),
        "KLAGESAG_TASK_QUEUE": task_queue,
        "KLAGESAG_HEALTH_PORT": str(health_port),
        "KLAGESAG_METRICS_PORT": str(metrics_port),
        "KLAGESAG_LOG_FORMAT": "json",
        "KLAGESAG_DEPLOYMENT_NAME": "klagesag",
        "KLAGESAG_BUILD_ID": "0.2.0",
    }
    log_file = tmp_path / "worker.log"
    with log_file.open("wb") as log:
        # `python -m cli.main` is the `klagesag` entry point run from this checkout's sources.
        worker = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "worker"], env=env, cwd=ROOT, stdout=log, stderr=log
        )
    settings = Settings(
        data_dir=tmp_path / "data",
        temporal_address=temporal.address,
        database_url=database_url,
        task_queue=task_queue,
        temporal_from_environment=False,
    )
    register = await CaseRegister.connect(database_url, max_size=2)
    try:
        await answer(f"http://127.0.0.1:{health_port}/readyz", 200, attempts=1200)
        # The version polls; make it current as deploy/README.md says, so new complaints run on it. The
        # server registers a version a few seconds after its first poll: until then the command fails.
        for _ in range(120):
            made_current = await asyncio.to_thread(
                subprocess.run,
                [str(VENV_BIN / "temporal"), "worker", "deployment", "set-current-version", "--deployment-name",
                 "klagesag", "--build-id", "0.2.0", "--address", temporal.address, "--yes"],
                capture_output=True, text=True, timeout=60,
            )  # fmt: skip
            if made_current.returncode == 0:
                break
            await asyncio.sleep(0.5)
        assert made_current.returncode == 0, made_current.stderr

        client = await Client.connect(temporal.address, data_converter=DATA_CONVERTER)
        raw = complaint_fields(datetime.now(COPENHAGEN).date(), cpr=CPR, name=NAME)
        receipt = await operations.file_complaint(client, register, settings, operations.parse_filing(raw))
        await operations.take_step(
            client, receipt.case_id, "aktindsigt-requested", {"actor": "sb01", "reason": "Parten beder om akterne"}
        )
        for _ in range(400):  # the kvittering is sent by the main loop, after the filing's answer
            if any(letter.delivered_at for letter in await register.letters_for(receipt.case_id)):
                break
            await asyncio.sleep(0.05)

        description = await client.get_workflow_handle(receipt.case_id).describe()
        versioning = description.raw_description.workflow_execution_info.versioning_info
        assert versioning.behavior == VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE
        assert (versioning.deployment_version.deployment_name, versioning.deployment_version.build_id) == (
            "klagesag",
            "0.2.0",
        )

        scrape = await answer(f"http://127.0.0.1:{metrics_port}/metrics", 200)
        assert metric(scrape.text, "klagesag_steps_total", step="aktindsigt-requested", result="taken") == 1
        assert metric(scrape.text, "klagesag_letters_sent_total", kind="kvittering") == 1
        assert metric(scrape.text, "temporal_workflow_task_schedule_to_start_latency_count", task_queue=task_queue) >= 1
        assert receipt.case_id not in scrape.text
    finally:
        await register.close()
        worker.send_signal(signal.SIGTERM)
        exit_code = await asyncio.to_thread(worker.wait, 60)
    assert exit_code == 0

    text = log_file.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]  # every line is JSON
    started = next(line for line in lines if line["event"] == "worker started")
    assert (started["deployment"], started["build_id"]) == ("klagesag", "0.2.0")
    delivered = next(line for line in lines if line["event"] == "letter delivered")
    expected = {"case_id": receipt.case_id, "workflow_id": receipt.case_id, "activity": "perform_effects"}
    assert expected.items() <= delivered.items()
    for secret in (CPR, CPR.replace("-", ""), NAME, "Særligtnavn"):
        assert secret not in text


async def test_the_sdk_cores_own_warnings_go_through_pythons_logging(
    time_skipping_env: WorkflowEnvironment, register: CaseRegister, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The time-skipping server lacks a capability the core warns about when a worker starts: that
    warning must reach Python's logging (and so the JSON renderer), not the core's colored stderr."""
    runtime = metrics_runtime(Settings(metrics_port=free_port()))
    assert runtime is not None
    client = await Client.connect(
        time_skipping_env.client.service_client.config.target_host,
        namespace=time_skipping_env.client.namespace,
        data_converter=DATA_CONVERTER,
        runtime=runtime,
    )
    settings = Settings(data_dir=tmp_path, task_queue=f"klagesag-{uuid.uuid4()}")
    caplog.set_level(logging.WARNING, logger="temporalio.core")
    async with build_worker(client, register, settings):
        for _ in range(200):
            if any(record.name.startswith("temporalio.core") for record in caplog.records):
                break
            await asyncio.sleep(0.05)
    core = [record for record in caplog.records if record.name.startswith("temporalio.core")]
    assert core and core[0].levelno == logging.WARNING, caplog.records
