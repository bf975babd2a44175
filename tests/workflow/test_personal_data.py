"""CPR numbers and names never appear in workflow ids, search attributes, histories, log lines or the
tables that hold no personal data (brief: personal data)."""

from __future__ import annotations

import logging
import re

import asyncpg
import pytest
import structlog
from structlog.testing import capture_logs

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest

from tests.workflow.harness import Harness

CPR = "240377-1357"
NAME = "Gertrud Særligtnavn"
REPRESENTATIVE = "Bjarke Repræsentantsen"
NEW_REPRESENTATIVE = "Vibeke Nyrepræsentant"  # named by representative-changed: sealed like the first
TEXT = "Jeg klager over afslaget, min diagnose er hemmelig"
REASON = "Begrundelse med følsomme detaljer om helbred"  # a caseworker's free text: encrypted payloads
SECRETS = [CPR, CPR.replace("-", ""), "2403771357", NAME, "Særligtnavn", REPRESENTATIVE, "Repræsentantsen", TEXT,
           NEW_REPRESENTATIVE, "Nyrepræsentant"]


def _assert_clean(where: str, text: str, *, ciphertext: bool = False) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} found in {where}"
    if not ciphertext:  # base64 of ciphertext may hold ten digits in a row by chance
        assert not re.search(r"\b\d{6}-?\d{4}\b", text), f"a CPR-shaped number in {where}"


async def test_no_personal_data_outside_the_parties_table(
    harness: Harness, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with capture_logs() as structured:
        case = await harness.file(
            cpr=CPR,
            name=NAME,
            text=TEXT,
            representative_name=REPRESENTATIVE,
            representative_kind="relative",
            late_reason="Jeg var syg",
        )
        await case.step("fuldmagt-received")
        await case.step("aktindsigt-requested")
        await case.step("aktindsigt-answered")
        await case.step("representative-changed", kind="professional", representative_name=NEW_REPRESENTATIVE)
        await case.step("genvurdering", result="fastholdt", reason=REASON)
        await case.step("ankestyrelsen-received", journal_number="25-31337")
        await case.step("ankestyrelsen-outcome", outcome="hjemvist")
        await case.step("new-decision", result="afslag")
        await case.step("complaint-received")
        await case.step("withdraw")
        await case.settled()
    assert structured, "the activities logged nothing: the scan would prove nothing"

    _assert_clean("the workflow id", case.id)
    # Raw from the server (the SDK's decoding of an unset Datetime attribute fails on the test server).
    raw = await harness.client.workflow_service.describe_workflow_execution(
        DescribeWorkflowExecutionRequest(namespace=harness.client.namespace, execution=WorkflowExecution(workflow_id=case.id))
    )
    attributes = raw.workflow_execution_info.search_attributes.indexed_fields
    assert "KlagesagPhase" in attributes
    _assert_clean("search attributes", repr({k: v.data for k, v in attributes.items()}))
    run_id: str | None = None
    runs = 0
    while True:  # every run of the continue-as-new chain
        history = await harness.client.get_workflow_handle(case.id, run_id=run_id).fetch_history()
        raw_history = history.to_json()
        _assert_clean(f"history run {run_id}", raw_history, ciphertext=True)
        assert REASON not in raw_history and "følsomme" not in raw_history  # the payload codec sealed it
        runs += 1
        previous = history.events[0].workflow_execution_started_event_attributes.continued_execution_run_id
        if not previous:
            break
        run_id = previous
    assert runs == 2
    _assert_clean("structlog lines", repr(structured))
    _assert_clean("stdlib log lines", "\n".join(_log_text(record) for record in caplog.records))

    conn = await asyncpg.connect(database_url)
    try:
        # parties and letters hold personal data only sealed under the case's own key (crypto-shredding).
        for table in ("cases", "case_facts", "case_fact_events", "escalations", "warnings", "forwards", "parties", "letters"):
            rows = await conn.fetch(f"SELECT * FROM {table}")
            _assert_clean(f"table {table}", repr([dict(r) for r in rows]))
        # The statistics' facts were written with the read model, so their scan looked at real rows.
        assert await conn.fetchval("SELECT count(*) FROM case_fact_events WHERE case_id = $1", case.id) > 0
    finally:
        await conn.close()
    # The personal data is where it belongs, so the scan above looked for something real.
    party = await harness.register.party(case.id)
    assert party is not None and (party.cpr, party.name) == ("2403771357", NAME)
    assert party.representatives == {"1": NEW_REPRESENTATIVE}


_STANDARD_RECORD_FIELDS = set(vars(logging.makeLogRecord({})))


def _log_text(record: logging.LogRecord) -> str:
    """A record's message and extras, without its own timestamps and ids (ten-digit clock values would
    look like CPR numbers)."""
    extras = {k: v for k, v in vars(record).items() if k not in _STANDARD_RECORD_FIELDS}
    return f"{record.getMessage()} {extras!r}"


def test_the_scan_finds_a_cpr_number_when_there_is_one() -> None:
    with pytest.raises(AssertionError):
        _assert_clean("a log line", structlog.dev.ConsoleRenderer(colors=False)(None, "info", {"event": f"cpr {CPR}"}))
