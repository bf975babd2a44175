"""structlog for every klagesag process: JSON lines with bound context (request id, case id, workflow id,
letter key), never personal data — the code logs references, and nothing that logs takes a CPR number or
a name.

The standard library's loggers (uvicorn, the Temporal SDK, asyncpg) are rendered by the same processors,
so a log collector reads one format, and their lines carry the same bound context. The format is
`Settings.log_format` (KLAGESAG_LOG_FORMAT): JSON in production, readable lines on a laptop.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

# The Temporal SDK passes the workflow's and activity's identifiers as these `extra` fields; nothing
# else from a record's extras is rendered, so no library can slip an argument into a line.
_TEMPORAL_EXTRAS = ("temporal_workflow", "temporal_activity")


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record is emitted, for the reason given at the structlog
    logger factory below."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def configure_logging(level: int = logging.INFO, *, json: bool = True) -> None:
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    if json:
        renderer: Any = structlog.processors.JSONRenderer()
        shared.append(structlog.processors.format_exc_info)  # the console renderer formats them itself
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        # Resolve sys.stderr at each logger's creation, not now: a stream captured at configure time may be
        # closed later (a test's capture), and a failing log call would fail the activity that made it.
        logger_factory=lambda *args: structlog.PrintLogger(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    handler = _CurrentStderr()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[
                structlog.stdlib.add_logger_name,
                structlog.stdlib.ExtraAdder(allow=_TEMPORAL_EXTRAS),
                *shared,
            ],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _CurrentStderr)]:
        root.removeHandler(old)
    root.addHandler(handler)
    # A uvicorn server started with its own logging config (its default) gives its loggers handlers of
    # their own and stops them propagating: hand them back to the root handler, so every line has one format.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    # Libraries speak up at WARNING; uvicorn's own start and stop lines come through its logger's level.
    root.setLevel(logging.WARNING)
