"""Log lines: JSON (or console) for structlog and the standard library alike, with the bound context."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from workers.logging import _CurrentStderr, configure_logging


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    yield
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _CurrentStderr)]:
        root.removeHandler(handler)


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_structlog_and_stdlib_lines_are_json_with_the_bound_context(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json=True)
    with structlog.contextvars.bound_contextvars(request_id="req-1"):
        structlog.get_logger("klagesag.test").info("step sent", case_id="KS-0101-ABC")
        logging.getLogger("uvicorn.error").warning("something %s", "odd")
    first, second = lines(capsys.readouterr().err)
    assert first["event"] == "step sent" and first["request_id"] == "req-1" and first["case_id"] == "KS-0101-ABC"
    assert first["level"] == "info" and "timestamp" in first
    expected = {"event": "something odd", "logger": "uvicorn.error", "level": "warning", "request_id": "req-1"}
    assert expected.items() <= second.items()


def test_the_temporal_sdk_identifiers_are_kept_and_other_extras_are_dropped(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json=True)
    logging.getLogger("temporalio.activity").warning(
        "retrying", extra={"temporal_activity": {"workflow_id": "KS-0101-ABC"}, "party": "Karen"}
    )
    [line] = lines(capsys.readouterr().err)
    assert line["temporal_activity"] == {"workflow_id": "KS-0101-ABC"}
    assert "party" not in line and "Karen" not in json.dumps(line)


def test_libraries_below_warning_stay_quiet(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json=True)
    logging.getLogger("asyncpg").info("connection opened")
    assert capsys.readouterr().err == ""


def test_the_console_format_is_for_people(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json=False)
    structlog.get_logger("klagesag.test").info("worker started", task_queue="klagesag")
    err = capsys.readouterr().err
    assert "worker started" in err and "task_queue=klagesag" in err
    with pytest.raises(json.JSONDecodeError):
        json.loads(err)


def test_configuring_twice_leaves_one_handler() -> None:
    configure_logging(json=True)
    configure_logging(json=False)
    assert len([h for h in logging.getLogger().handlers if isinstance(h, _CurrentStderr)]) == 1


def test_a_uvicorn_started_with_its_own_logging_config_still_logs_json(capsys: pytest.CaptureFixture[str]) -> None:
    """uvicorn's default config takes its loggers off the root handler; klagesag's logging puts them back
    (found when a test server started that way made later log lines plain text)."""
    import uvicorn

    uvicorn.Config(app=None)  # applies uvicorn's default logging config, as `uvicorn.run` would
    configure_logging(json=True)
    logging.getLogger("uvicorn.error").warning("started %s", "here")
    (line,) = lines(capsys.readouterr().err)
    assert line["event"] == "started here" and line["logger"] == "uvicorn.error"
