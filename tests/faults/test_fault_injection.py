"""Nothing is lost, nothing is sent twice: 200 complaints through full lifecycles on 2 worker processes while
workers are killed with SIGKILL and the Temporal dev server and PostgreSQL are restarted (bench/faults.py).

Runs the fault run as a subprocess, exactly as `make faults` or a person would, and reads its report.
About 2-4 minutes on 2 cores.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
COMPLAINTS = 200
WORKERS = 2
SEED = 20261123


def _figure(report: str, name: str) -> int:
    match = re.search(rf"^{re.escape(name)}: (\d+)", report, re.MULTILINE)
    assert match, f"no '{name}:' line in the report:\n{report}"
    return int(match.group(1))


def test_nothing_is_lost_and_nothing_is_sent_twice_under_faults() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.faults", "--complaints", str(COMPLAINTS), "--workers", str(WORKERS),
         "--seed", str(SEED)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    report = done.stdout
    context = f"exit {done.returncode}\n--- report ---\n{report}\n--- stderr (tail) ---\n{done.stderr[-4000:]}"
    assert done.returncode == 0, context

    assert _figure(report, "complaints") == COMPLAINTS, context
    assert _figure(report, "lost") == 0, context
    assert _figure(report, "duplicated letters") == 0, context
    assert _figure(report, "mismatches") == 0, context
    assert _figure(report, "failed drives") == 0, context
    assert _figure(report, "retried steps refused although applied") == 0, context
    assert "cases with a duplicate-filing history entry: 0)" in report, context

    faults = re.search(
        r"^faults injected: (\d+) \(worker kills (\d+), temporal restarts (\d+), postgres restarts (\d+)\)",
        report,
        re.MULTILINE,
    )
    assert faults, context
    total, kills, temporal, postgres = map(int, faults.groups())
    assert kills > 0 and temporal > 0 and postgres > 0, context
    assert total == kills + temporal + postgres, context
