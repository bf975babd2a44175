"""The one hierarchy of errors klagesag raises on purpose.

Every front end maps these by type, never by message text: the CLI to exit codes (`cli/main.py`), the
HTTP API to status codes. Each message says what was wrong and how to fix it, in one line.

    KlagesagError
    ├── Refused            the request was refused and nothing changed (CLI exit 2)
    │   ├── InvalidInput   malformed input: a date, a CPR number, a missing field (HTTP 422)
    │   │   └── CalendarError   a date the working-day calendar cannot count (HTTP 422)
    │   ├── StepRefused    a step the law or the case's phase does not allow (HTTP 409)
    │   └── CaseNotFound   no such case (HTTP 404)
    ├── SettingsError      a malformed setting in the environment (CLI exit 2, before anything runs)
    └── Unavailable        Temporal or PostgreSQL cannot be reached (CLI exit 3, HTTP 503)
"""

from __future__ import annotations


class KlagesagError(Exception):
    """Base of every error klagesag raises deliberately."""


class Refused(KlagesagError):
    """The request was refused; the message says what was wrong and how to fix it. Nothing changed."""


class InvalidInput(Refused, ValueError):
    """Input that cannot be taken as given: a malformed date, CPR number, field or combination."""


class CalendarError(InvalidInput):
    """A deadline cannot be computed from these dates: a year outside the holiday table, or dates that
    cannot have happened in that order. Never worth a retry: the same dates give the same answer."""


class StepRefused(Refused, ValueError):
    """A caseworker step the current phase or the law does not allow; the message names the rule.

    Declared as a workflow failure exception type, so raising it in an update handler fails that update
    (and nothing else), and the client receives it with its type name."""


class CaseNotFound(Refused):
    """No case with this id."""


class SettingsError(KlagesagError, ValueError):
    """A setting in the environment is malformed or missing; the message names the variable."""


class Unavailable(KlagesagError):
    """A server klagesag needs (Temporal, PostgreSQL) cannot be reached."""


class StateInconsistent(KlagesagError, RuntimeError):
    """The case's state lacks what a phase guarantees (a bug, not bad input). Raised instead of `assert` in
    code the workflow runs: an AssertionError would fail the workflow task and retry it for ever, and
    `python -O` would skip the check."""


def missing(what: str) -> StateInconsistent:
    return StateInconsistent(f"the case's state has no {what}")
