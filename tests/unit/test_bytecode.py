"""The worker writes the workflow modules' bytecode, so the sandbox does not compile them per workflow."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import workflows
from workers.bytecode import compile_workflow_modules


def test_every_workflow_module_gets_current_bytecode() -> None:
    assert compile_workflow_modules()
    for source in Path(workflows.__file__).parent.glob("*.py"):
        cached = Path(importlib.util.cache_from_source(str(source)))
        assert cached.exists(), source.name
        # The header holds the source's mtime (bytes 8-12): stale bytecode would be compiled again anyway.
        assert int.from_bytes(cached.read_bytes()[8:12], "little") == int(source.stat().st_mtime), source.name
