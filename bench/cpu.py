"""CPU seconds spent by a process and everything it started, read from /proc (Linux).

Wall-clock rates on 2 shared cores say how fast a run was, not who spent the time: the Temporal server,
PostgreSQL, the workers and the driving client all take turns on the same cores. CPU seconds per
lifecycle, per component, say where the time goes, and vary far less with what else the machine runs.

A process's own time is `utime + stime`; the time of its children that have exited and been waited for
is in its `cutime + cstime` (PostgreSQL's postmaster waits for its backends); children still alive are
counted from their own entries.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Iterable, Mapping
from pathlib import Path

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None  # the process ended between listing and reading
    # The command name (field 2) is in parentheses and may hold spaces: split after its closing one.
    return text[text.rindex(")") + 2 :].split()


def _children_by_parent() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _own_and_waited_seconds(pid: int) -> float:
    fields = _stat_fields(pid)
    if fields is None:
        return 0.0
    # After the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14).
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / TICKS_PER_SECOND


def tree_cpu_seconds(pid: int, children: Mapping[int, list[int]] | None = None) -> float:
    """CPU seconds of `pid` and all its live and reaped descendants so far."""
    children = _children_by_parent() if children is None else children
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += _own_and_waited_seconds(current)
        todo.extend(children.get(current, ()))
    return total


def self_cpu_seconds() -> float:
    """This process's CPU seconds (the benchmark's own client work), without its child processes."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def snapshot(components: Mapping[str, Iterable[int]]) -> dict[str, float]:
    """CPU seconds so far of each named group of process trees, plus `client` for this process."""
    children = _children_by_parent()
    figures = {name: sum(tree_cpu_seconds(pid, children) for pid in pids) for name, pids in components.items()}
    figures["client"] = self_cpu_seconds()
    return figures


def spent(before: Mapping[str, float], after: Mapping[str, float]) -> dict[str, float]:
    return {name: after[name] - before[name] for name in after}
