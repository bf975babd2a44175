"""klagesag's own metrics, all of them named here (docs/operations.md explains each).

Labels are bounded sets of names from the code — a step, a rule, a letter or warning kind, a phase, a
kommunekode, a route template — never a case id, a person or free text.

Where each is counted, and why there:
- Steps, taken or refused, in the workflow's update validator and handler (workflows/complaint.py), not
  at the edge in casework/operations.py: every front end (CLI, pages, API, bulk reassignment) reaches
  the workflow, but only the web process stays up to be scraped, and only the workflow knows a retried
  update (same update id) from a new step, so a retry is not counted twice. `workflow.metric_meter()`
  records nothing while a workflow replays, so a replay on another worker does not count again.
- Letters and warnings in their activities, after PostgreSQL accepted the letter's or warning's unique
  key: a retried activity finds the key and counts nothing.
- Overdue cases by phase: a gauge read from the read model (`cases`) by the web process when scraped
  (web/metrics.py), so it is right whichever worker flagged the case, and after any restart.

A worker that dies after a workflow task recorded a step but before Temporal accepted it may count that
step again on the worker that retries the task: rare, and the error is one step in one scrape interval.
Steps and letters are otherwise counted exactly once, in the process that did the work; Prometheus adds
up the workers.
"""

from __future__ import annotations

import types
from dataclasses import dataclass

from temporalio.common import MetricMeter

TAKEN = "taken"
REFUSED = "refused"
# A refusal raised outside domain/rules.py: the calendar could not count a date the step needs.
CALENDAR_RULE = "calendar"
_RULES_MODULE = "domain.rules"


@dataclass(frozen=True)
class Metric:
    name: str
    help: str
    labels: tuple[str, ...]


# --- recorded by the worker, exported by its Temporal runtime (workers/telemetry.py) ---------------------

STEPS = Metric(
    "klagesag_steps_total",
    "Caseworker steps by step and result: taken (written to the case's history) or refused (by a rule; "
    "nothing changed).",
    ("step", "result"),
)
REFUSALS = Metric(
    "klagesag_step_refusals_total",
    "Refused caseworker steps by step and the rule that refused them (a check in domain/rules.py, or calendar).",
    ("step", "rule"),
)
LETTERS_SENT = Metric("klagesag_letters_sent_total", "Letters delivered, by kind (each letter key once).", ("kind",))
WARNINGS = Metric(
    "klagesag_warnings_total",
    "Warnings fired (deadlines passed, repeated hjemvisning), by kind (each warning key once).",
    ("kind",),
)

# --- recorded by the web process (web/metrics.py) ---------------------------------------------------------

OVERDUE = Metric(
    "klagesag_overdue_cases",
    "Open cases past a deadline, by kommune and phase, from the read model at scrape time.",
    ("kommune", "phase"),
)
READ_MODEL_UP = Metric(
    "klagesag_read_model_up", "1 if the read model answered the last scrape's query, else 0 (no overdue figures).", ()
)
HTTP_REQUESTS = Metric(
    "klagesag_http_requests_total", "HTTP requests by method, route template and status.", ("method", "route", "status")
)
HTTP_DURATION = Metric(
    "klagesag_http_request_duration_seconds", "HTTP request duration by method and route template.", ("method", "route")
)

WORKER_METRICS = (STEPS, REFUSALS, LETTERS_SENT, WARNINGS)
WEB_METRICS = (OVERDUE, READ_MODEL_UP, HTTP_REQUESTS, HTTP_DURATION)


def _count(meter: MetricMeter, metric: Metric, *values: str) -> None:
    meter.create_counter(metric.name, metric.help).add(1, dict(zip(metric.labels, values, strict=True)))


def step_taken(meter: MetricMeter, step: str) -> None:
    _count(meter, STEPS, step, TAKEN)


def step_refused(meter: MetricMeter, step: str, rule: str) -> None:
    _count(meter, STEPS, step, REFUSED)
    _count(meter, REFUSALS, step, rule)


def letter_sent(meter: MetricMeter, kind: str) -> None:
    _count(meter, LETTERS_SENT, kind)


def warning_fired(meter: MetricMeter, kind: str) -> None:
    _count(meter, WARNINGS, kind)


def refusing_rule(refusal: BaseException) -> str:
    """The check in domain/rules.py that raised `refusal`: the innermost one on its traceback (e.g.
    `require_phase` inside `check_genvurdering`), so the label names the rule without a code in every
    message. "other" if no rule raised it."""
    rule = "other"
    frame: types.TracebackType | None = refusal.__traceback__
    while frame is not None:
        if frame.tb_frame.f_globals.get("__name__") == _RULES_MODULE:
            rule = frame.tb_frame.f_code.co_name
        frame = frame.tb_next
    return rule
