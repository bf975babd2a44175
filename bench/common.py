"""What the benchmark scripts share: progress lines, free ports, and synthetic complaints with no real
person behind them."""

from __future__ import annotations

import socket
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any


def log(message: str) -> None:
    """Progress on stderr, prefixed with the running script's name; stdout keeps only the figures."""
    print(f"[{Path(sys.argv[0]).stem} {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def synthetic_filing(i: int, today: date, *, run: str, **overrides: Any) -> dict[str, Any]:
    """Complaint number `i` of a benchmark run: a valid CPR number of nobody in particular (a birth date
    from `i`), a decision received five days ago, one decision per complaint (`run` keeps runs apart)."""
    born = date(1950, 1, 1) + timedelta(days=i % 20000)
    filing: dict[str, Any] = dict(
        cpr=f"{born:%d%m%y}{1000 + i % 9000:04d}",
        name=f"Borger {i}",
        decision_ref=f"BENCH-{run}-{i:06d}",
        decision_received=today - timedelta(days=5),
        received=today,
        channel="written",
        area="serviceloven § 83",
        kind="realitet",
        text="Klage i benchmarken.",
        actor="sb-bench",
    )
    filing.update(overrides)
    return filing
