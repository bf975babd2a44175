"""`klagesag init`: prepare a fresh (or running) cluster for klagesag, safe to run on every deploy.

Each part checks before it changes: the namespace must exist (creating one is the cluster operator's
decision), missing search attributes are registered, migrations are applied once each, and the digest
schedule is created unless it exists. A migration that changes what the statistics count from each case
(migration 010) marks the stored facts stale; init writes them again from the stored views then.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest, ListSearchAttributesRequest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from domain.errors import SettingsError, Unavailable
from store.migrate import apply_migrations
from store.register import CaseRegister
from workers.schedules import ensure_digest_schedule
from workers.settings import Settings
from workflows import search_attributes as sa


@dataclass
class InitReport:
    namespace: str
    search_attributes_added: list[str] = field(default_factory=list)
    migrations_applied: list[str] = field(default_factory=list)
    facts_written: int = 0
    digest_schedule_created: bool = False

    def summary(self) -> str:
        return (
            f"namespace {self.namespace}: ok; search attributes added: "
            f"{', '.join(self.search_attributes_added) or 'none (all present)'}; migrations applied: "
            f"{', '.join(self.migrations_applied) or 'none (up to date)'}; statistics facts written: "
            f"{self.facts_written}; digest schedule: "
            f"{'created' if self.digest_schedule_created else 'present'}"
        )


async def initialise(client: Client, settings: Settings) -> InitReport:
    report = InitReport(namespace=client.namespace)
    try:
        await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace=client.namespace))
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            raise SettingsError(
                f"Temporal namespace '{client.namespace}' does not exist; create it "
                f"(temporal operator namespace create --namespace {client.namespace}) or set TEMPORAL_NAMESPACE."
            ) from None
        raise
    report.search_attributes_added = await _register_search_attributes(client)
    try:
        report.migrations_applied = await apply_migrations(settings.database_url)
        if report.migrations_applied:
            report.facts_written = await _write_stale_facts(settings.database_url)
    except (OSError, asyncpg.PostgresError) as error:
        raise Unavailable(
            f"cannot reach PostgreSQL at {settings.database_url_redacted} ({type(error).__name__})"
        ) from None
    report.digest_schedule_created = await ensure_digest_schedule(client, settings)
    return report


async def _write_stale_facts(dsn: str) -> int:
    register = await CaseRegister.connect(dsn, max_size=2)
    try:
        return await register.backfill_case_facts()
    finally:
        await register.close()


async def _register_search_attributes(client: Client) -> list[str]:
    existing = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=client.namespace)
    )
    known = {**existing.system_attributes, **existing.custom_attributes}
    missing = {
        key.name: IndexedValueType.Value(f"INDEXED_VALUE_TYPE_{key.indexed_value_type.name}")
        for key in sa.ALL
        if key.name not in known
    }
    wrong = [
        key.name
        for key in sa.ALL
        if key.name in known
        and known[key.name] != IndexedValueType.Value(f"INDEXED_VALUE_TYPE_{key.indexed_value_type.name}")
    ]
    if wrong:
        raise SettingsError(f"search attributes registered with another type: {', '.join(wrong)}; fix them by hand.")
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=client.namespace, search_attributes=missing)
        )
    return sorted(missing)
