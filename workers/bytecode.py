"""Cached bytecode for the workflow modules, written once when a worker starts.

The sandbox imports the workflow modules afresh for every workflow it starts or replays
(docs/worker-memory.md). An import reads the module's cached bytecode from `__pycache__` when there is
one and compiles the source when there is not; with PYTHONDONTWRITEBYTECODE set (this project's machines
and many containers) the import system never writes that cache, so every new workflow compiled the
workflow modules again: about 8 % of a worker's CPU in `bench/lifecycles.py` on an editable install.
A pip-installed klagesag (the image) has its bytecode from the install; this covers the rest.
"""

from __future__ import annotations

import compileall
from pathlib import Path

import workflows


def compile_workflow_modules() -> bool:
    """Write missing or stale bytecode for the `workflows` package; False where it cannot (a read-only
    tree), which costs speed, never correctness."""
    folder = Path(workflows.__file__).parent
    return bool(compileall.compile_dir(folder, maxlevels=0, quiet=2))
