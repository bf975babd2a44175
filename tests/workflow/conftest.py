from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from store.register import CaseRegister
from tests.workflow.harness import Harness


@pytest.fixture
async def harness(
    time_skipping_env: WorkflowEnvironment, register: CaseRegister, database_url: str, tmp_path: Path
) -> AsyncIterator[Harness]:
    async with Harness(time_skipping_env, register, database_url, tmp_path / "outbox") as h:
        yield h
