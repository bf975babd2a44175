"""The workflow sandbox loads afresh only the workflow modules; everything they use is imported once per
process (workers/worker.py, PASSTHROUGH_MODULES; bench/README.md, "Worker memory")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from temporalio import workflow
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, _importer

from workers.worker import workflow_runner
from workflows.complaint import ComplaintWorkflow


@pytest.fixture
def fresh_imports(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Module names the sandbox imports anew (not passed through), counted. Hooks a private method of the
    SDK's importer: if an SDK upgrade renames it, this fixture fails loudly, not silently."""
    fresh: Counter[str] = Counter()
    original = _importer.Importer._maybe_passthrough_module

    def counting(self: _importer.Importer, name: str):  # type: ignore[no-untyped-def]
        module = original(self, name)
        if module is None:
            fresh[name] += 1
        return module

    monkeypatch.setattr(_importer.Importer, "_maybe_passthrough_module", counting)
    yield fresh


async def _load(runner: SandboxedWorkflowRunner) -> None:
    runner.prepare_workflow(workflow._Definition.must_from_class(ComplaintWorkflow))


async def test_only_the_workflow_module_is_imported_per_workflow(fresh_imports: Counter[str]) -> None:
    await _load(workflow_runner())
    assert set(fresh_imports) == {"workflows.complaint"}


PLAIN_WORKFLOW = """
from temporalio import workflow
from domain.vocabulary import Phase  # outside imports_passed_through()


@workflow.defn(sandboxed=True)
class PlainImports:
    @workflow.run
    async def run(self) -> str:
        return Phase.CLOSED.value
"""


@pytest.mark.parametrize("runner, domain_fresh", [(workflow_runner, False), (SandboxedWorkflowRunner, True)])
async def test_domain_passes_through_even_when_imported_outside_the_block(
    fresh_imports: Counter[str], tmp_path, monkeypatch: pytest.MonkeyPatch, runner, domain_fresh: bool
) -> None:
    # A later edit may import a domain module at the top of a workflow module; it must still not be
    # imported per workflow. The SDK's default sandbox (second case) shows the check can fail.
    (tmp_path / "plain_imports_workflow.py").write_text(PLAIN_WORKFLOW)
    monkeypatch.syspath_prepend(str(tmp_path))
    import plain_imports_workflow

    runner().prepare_workflow(workflow._Definition.must_from_class(plain_imports_workflow.PlainImports))
    assert ("domain.vocabulary" in fresh_imports) is domain_fresh
    assert "plain_imports_workflow" in fresh_imports
