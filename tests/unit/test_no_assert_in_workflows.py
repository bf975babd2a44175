"""Workflow code raises typed errors, never `assert`: an AssertionError in a workflow task fails the task and
retries it forever, and `python -O` would skip the check altogether."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What the workflow sandbox runs: the workflows and the pure domain modules they orchestrate.
WORKFLOW_CODE = sorted([*(ROOT / "workflows").glob("*.py"), *(ROOT / "domain").glob("*.py")])


def asserts_in(source: str) -> list[int]:
    return [node.lineno for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Assert)]


def test_the_scan_finds_an_assert() -> None:
    assert asserts_in("def f(x):\n    if x:\n        assert x > 1\n") == [3]


def test_the_scan_covers_the_workflow_modules() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in WORKFLOW_CODE}
    assert {"workflows/complaint.py", "workflows/effects.py", "domain/transitions.py", "domain/letters.py"} <= names


def test_workflow_code_has_no_assert_statements() -> None:
    found = {
        path.relative_to(ROOT).as_posix(): lines
        for path in WORKFLOW_CODE
        if (lines := asserts_in(path.read_text(encoding="utf-8")))
    }
    assert found == {}
