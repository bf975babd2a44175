"""Reading the servers' own log files for error messages."""

from __future__ import annotations

from pathlib import Path


def tail(path: Path, lines: int = 40) -> str:
    """The last lines of a server's log, to put in the error that says it would not start."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])
