"""The `klagesag` command: the caseworker's and supervisor's tool, and the launcher of the local stack.

Every command takes --json; errors exit non-zero with one line on stderr saying what was wrong and how
to fix it. Connection settings come from the environment (workers/settings.py) with defaults that match
`klagesag up`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import shlex
import signal
import sys
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from cli import render
from domain import steps
from domain.calendar import CalendarProfile
from domain.deadlines import frist_report
from domain.errors import InvalidInput, KlagesagError, Refused, SettingsError, Unavailable
from domain.laws import Law
from domain.vocabulary import (
    ComplaintChannel,
    ComplaintKind,
    ComplaintRecipient,
    DecisionDelivery,
    FormalCategory,
    MisdirectedVia,
    OutsideBorgerraadgiver,
    RepresentativeKind,
)
from store.paging import DEFAULT_LIMIT, MAX_LIMIT
from workers.settings import Settings

if TYPE_CHECKING:
    from temporalio.runtime import Runtime

EXIT_REFUSED = 2  # bad input, a bad setting, or a step the law or phase does not allow
EXIT_UNAVAILABLE = 3  # Temporal or PostgreSQL cannot be reached
SIMULATION_STOP_GRACE = 30.0  # seconds a simulation gets to finish its day after Ctrl-C
# By type, most specific first; the first line of each message says what kind of failure it was.
EXIT_CODES: tuple[tuple[type[KlagesagError], str, int], ...] = (
    (Refused, "refused", EXIT_REFUSED),
    (SettingsError, "bad setting", EXIT_REFUSED),
    (Unavailable, "unavailable", EXIT_UNAVAILABLE),
    (KlagesagError, "error", 1),
)


def _one_line(message: str) -> str:
    """Errors are one line even when they repeat input that held a line break."""
    return " ".join(message.split())


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # prog is "klagesag", "klagesag step" or "klagesag step CASE genvurdering": help the right level.
        self.exit(EXIT_REFUSED, f"klagesag: error: {_one_line(message)} (see '{self.prog} --help')\n")


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date; write it as YYYY-MM-DD") from None


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"'{value}' is not a moment; write it as YYYY-MM-DDTHH:MM+01:00")
    return moment


def _choices(enum: type) -> list[str]:
    """CLI spelling of an enum: hyphens instead of underscores (fuldt-medhold)."""
    return [member.value.replace("_", "-") for member in enum]


def _enum_value(text: str | None) -> str | None:
    return text.replace("-", "_") if text is not None else None


def _add_step_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--actor", required=True, help="who takes the step (initials or user id)")
    parser.add_argument("--reason", required=True, help="why: recorded in the case's history")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="klagesag", description="Complaint processing for a Danish kommune.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    sub.add_parser("up", help="start PostgreSQL, the Temporal dev server and a worker in the foreground")
    sub.add_parser("worker", help="run a worker against the configured Temporal and PostgreSQL")
    web = sub.add_parser("web", help="serve the web pages and the HTTP API (run as many as you like)")
    web.add_argument("--host", help="address to listen on (default KLAGESAG_LISTEN_HOST or 127.0.0.1)")
    web.add_argument("--port", type=int, help="port (default KLAGESAG_WEB_PORT or 8000)")
    sub.add_parser("migrate", help="apply the database migrations")
    sub.add_parser(
        "init", help="prepare a cluster: namespace check, search attributes, migrations, schedules (idempotent)"
    )
    sub.add_parser("codec-server", help="serve /decode for the Temporal Web UI (encrypted payloads)")

    file = sub.add_parser("file", help="register a complaint (idempotent: the same complaint gives the same case)")
    file.add_argument("--cpr", required=True, help="the party's CPR number, DDMMYY-SSSS")
    file.add_argument("--name", required=True, help="the party's name")
    file.add_argument("--decision-ref", required=True, help="the reference of the decision complained about")
    # One of them; a formalitetsklage may give neither (no klagefrist runs, casework.operations).
    when = file.add_mutually_exclusive_group()
    when.add_argument("--decision-received", type=_iso_date, help="the day the citizen received the decision")
    when.add_argument("--decision-sent", type=_iso_date, help="the decision's date; receipt is presumed from --delivery")
    file.add_argument("--delivery", choices=_choices(DecisionDelivery), default="digital-post")
    file.add_argument("--no-klagevejledning", action="store_true", help="the decision had no klagevejledning")
    file.add_argument("--received", required=True, type=_iso_date, help="the day the complaint reached the kommune")
    file.add_argument("--channel", required=True, choices=_choices(ComplaintChannel))
    file.add_argument("--area", required=True, help="lovområde and paragraph, e.g. 'serviceloven § 83'")
    file.add_argument("--kind", required=True, choices=_choices(ComplaintKind))
    file.add_argument("--text", required=True, help="the complaint in the citizen's words (or a summary of an oral one)")
    file.add_argument("--representative-name", help="who complains on the party's behalf")
    file.add_argument("--representative-kind", choices=_choices(RepresentativeKind))
    file.add_argument("--fuldmagt", action="store_true", help="the representative has a written fuldmagt")
    file.add_argument("--late-reason", help="the citizen's særlig grund if the complaint is late")
    file.add_argument("--actor", default="intake", help="who registers the complaint")
    file.add_argument("--unit", help="the unit that owns the case (its code), e.g. ydelse")
    file.add_argument("--assignee", help="the sagsbehandler who owns the case (user id)")
    file.add_argument(
        "--klaget-til",
        choices=[c for c in _choices(ComplaintRecipient) if c != "det-sociale-naevn"],
        help="who the complaint was sent to (SEED 004)",
    )
    file.add_argument("--unit-complained-about", help="the unit complained about (its code); default: the owner")
    file.add_argument("--law", choices=_choices(Law), help="the lovområde; default: read from --area")
    file.add_argument("--paragraph", help="the law's paragraph, e.g. 83 or '3 a'; default: read from --area")
    file.add_argument(
        "--formal-point",
        action="append",
        choices=_choices(FormalCategory),
        help="a formal klagepunkt (repeatable); a realitetsklage keeps its point about the decision",
    )
    # The paths of docs/legal-reference.md §2.6, §2.7, §3 and §7.
    file.add_argument("--misdirected-via", choices=_choices(MisdirectedVia),
                      help="the complaint first went to Ankestyrelsen or another authority (§2.7)")
    file.add_argument("--first-received", type=_iso_date, help="the day it first arrived there (with --misdirected-via)")
    file.add_argument("--placeholder", action="store_true", help='"klage følger": the substance comes later (R11)')
    file.add_argument("--boerne-og-ungeudvalg", action="store_true",
                      help="the børne- og ungeudvalg decided: straight to Ankestyrelsen, no genvurdering (R3)")
    file.add_argument("--other-decision", action="append", metavar="REF:YYYY-MM-DD",
                      help="a further decision the complaint covers and the day the citizen received it (repeatable): "
                      "one linked case each")
    file.add_argument("--outside-borgerraadgiver", choices=_choices(OutsideBorgerraadgiver),
                      help="what a complaint to the borgerrådgiver is about that it cannot take (§3): refused with the route")

    step = sub.add_parser("step", help="take a caseworker step on a case")
    step.add_argument("case_id")
    step_commands = step.add_subparsers(dest="step", required=True, parser_class=OneLineParser)
    for spec in steps.STEPS:
        if spec.cli_command == "step":
            command = step_commands.add_parser(spec.name, help=spec.help)
        else:
            command = sub.add_parser(spec.cli_command, help=spec.help)
            command.add_argument("case_id")
        command.set_defaults(step_spec=spec)
        for field in spec.fields:
            choices = _choices(field.choices) if field.choices else None
            command.add_argument(field.flag, dest=field.name, required=field.required, choices=choices, help=field.help)
        _add_step_arguments(command)

    show = sub.add_parser("show", help="everything about one case")
    show.add_argument("case_id")

    cases = sub.add_parser("cases", help="list cases; --overdue and --stuck for supervisors")
    cases.add_argument("--overdue", action="store_true", help="only cases past a deadline")
    cases.add_argument("--stuck", action="store_true", help="only open cases with no step for --days days")
    cases.add_argument("--days", type=int, default=14, help="days without a step that count as stuck (default 14)")
    cases.add_argument("--kommune", help="this kommunekode's cases (default KLAGESAG_KOMMUNE)")
    cases.add_argument("--unit", action="append", help="only cases owned by this unit (repeatable)")
    cases.add_argument("--assignee", help="only this sagsbehandler's cases, soonest deadline first")
    cases.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help=f"cases per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT})")
    cases.add_argument("--after", metavar="CURSOR", help="the next page: the cursor the page before printed")

    erase = sub.add_parser("erase", help="erase a closed case's personal data after the retention period")
    erase.add_argument("case_id")
    _add_step_arguments(erase)

    rebuild = sub.add_parser(
        "rebuild-read-model",
        help="rewrite missing or stale rows of the read model from the workflows (needs a running worker)",
    )
    rebuild.add_argument(
        "--query", default="WorkflowType = 'ComplaintWorkflow'", help="Temporal visibility query selecting the cases"
    )
    rebuild.add_argument(
        "--facts-only",
        action="store_true",
        help="only fill in the statistics facts (case_facts) from the stored views; needs no Temporal",
    )

    stats = sub.add_parser(
        "stats", help="the kommune's figures for a period: received, distributions, udfald, omgørelsesprocent, frister"
    )
    stats.add_argument("--from", dest="start", required=True, type=_iso_date, help="first day of the period (YYYY-MM-DD)")
    stats.add_argument("--to", dest="end", required=True, type=_iso_date, help="last day of the period, inclusive")
    stats.add_argument("--kommune", help="kommunekode (default: KLAGESAG_KOMMUNE, this installation's kommune)")
    stats.add_argument("--unit", help="only complaints owned by this unit (its code)")
    stats.add_argument("--csv", action="store_true", help="one figure per line as CSV, with its definition")

    forecast = sub.add_parser(
        "forecast", help="open cases that will pass a deadline within --days days at their sagsbehandler's pace"
    )
    forecast.add_argument("--days", type=int, default=14, help="how many days ahead, 1 to 365 (default 14)")
    forecast.add_argument("--kommune", help="kommunekode (default: KLAGESAG_KOMMUNE, this installation's kommune)")
    forecast.add_argument("--unit", action="append", help="only cases owned by this unit (repeatable)")
    forecast.add_argument(
        "--now", type=_moment, help="judge as at this moment (ISO 8601 with an offset; default: now), to reproduce a report"
    )

    simulate = sub.add_parser(
        "simulate",
        help="run a calibrated period of complaints through the real workflow on servers of its own (never the "
        "kommune's) and print the statistics report",
    )
    simulate.add_argument("--months", type=int, default=12, help="how many months to simulate (1-36, default 12)")
    simulate.add_argument("--seed", type=int, default=4, help="the random seed (default 4, SEED 004's year)")
    simulate.add_argument("--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                          help="change a parameter (repeatable); --parameters lists them with defaults and sources")
    simulate.add_argument("--compare", action="append", default=[], metavar="NAME=VALUE",
                          help="run the period twice with the same seed, the second time with this change, and "
                          "print the difference (repeatable)")
    simulate.add_argument("--chart", type=Path, metavar="FILE",
                          help="write an SVG of open and overdue cases per week to FILE")
    simulate.add_argument("--start", type=_iso_date, help="first day (default: next Monday)")
    simulate.add_argument("--parameters", action="store_true", help="list the parameters and exit")
    simulate.add_argument("--concurrency", type=int, default=32, help="steps sent at once (default 32)")
    simulate.add_argument("--workers", type=int, default=0,
                          help="worker processes (default 0: the worker runs in this process)")

    frist = sub.add_parser("frist", help="compute deadlines with their explanation")
    frist.add_argument("--received", type=_iso_date, help="the day the decision was received (for the klagefrist)")
    frist.add_argument("--aktindsigt-requested", type=_iso_date)
    frist.add_argument("--aktindsigt-answered", type=_iso_date)
    frist.add_argument("--complaint-received", type=_iso_date)
    frist.add_argument("--profile", choices=[p.value for p in CalendarProfile], default=None)

    for command in sub.choices.values():
        command.add_argument("--json", action="store_true", help="machine-readable output")
    for command in step_commands.choices.values():
        command.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def _print(data: Any, as_json: bool, text: str) -> None:
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(text)


def cmd_frist(args: argparse.Namespace, settings: Settings) -> None:
    profile = CalendarProfile(args.profile) if args.profile else settings.calendar_profile
    if args.received is None and args.complaint_received is None:
        raise InvalidInput(
            "give --received (the day the decision was received: the klagefrist) or --complaint-received "
            "(the day the complaint arrived: the genvurdering), or both."
        )
    if args.aktindsigt_answered and not args.aktindsigt_requested:
        raise InvalidInput("--aktindsigt-answered needs --aktindsigt-requested (an answer follows a request).")
    report = frist_report(
        args.received,
        aktindsigt_requested=args.aktindsigt_requested,
        aktindsigt_answered=args.aktindsigt_answered,
        complaint_received=args.complaint_received,
        profile=profile,
    )
    data: dict[str, Any] = {"profile": profile.value}
    for name, deadline in report.items():
        data[name] = deadline.due.isoformat() if deadline else None
        data[f"{name}_explanation"] = deadline.explanation if deadline else None
    _print(data, args.json, render.frist(report, profile))


async def _with_register(settings: Settings):
    from store.register import CaseRegister

    try:
        return await CaseRegister.connect(settings.database_url, max_size=2)
    except Exception as error:  # asyncpg raises several unrelated types on connect
        raise Unavailable(
            f"cannot reach PostgreSQL at {settings.database_url_redacted} ({type(error).__name__}); "
            "is 'klagesag up' running?"
        ) from None


async def _with_client(settings: Settings, runtime: Runtime | None = None):
    from workers.client import connect, connect_config

    target = connect_config(settings)["target_host"]  # a bad TEMPORAL_* setting is a SettingsError, not "unavailable"
    try:
        return await connect(settings, runtime=runtime)
    except Exception as error:
        raise Unavailable(
            f"cannot reach Temporal at {target} ({type(error).__name__}); is 'klagesag up' running?"
        ) from None


async def cmd_file(args: argparse.Namespace, settings: Settings) -> None:
    from casework import operations  # imported here: `frist` and `--help` start without Temporal

    raw = {
        "cpr": args.cpr,
        "name": args.name,
        "decision_ref": args.decision_ref,
        "decision_received": args.decision_received,
        "decision_sent": args.decision_sent,
        "decision_delivery": _enum_value(args.delivery),
        "klagevejledning_given": not args.no_klagevejledning,
        "received": args.received,
        "channel": _enum_value(args.channel),
        "area": args.area,
        "kind": _enum_value(args.kind),
        "text": args.text,
        "representative_name": args.representative_name,
        "representative_kind": _enum_value(args.representative_kind),
        "representative_fuldmagt": args.fuldmagt,
        "late_reason": args.late_reason,
        "actor": args.actor,
        "unit": args.unit,
        "assignee": args.assignee,
        "klaget_til": _enum_value(args.klaget_til),
        "unit_complained_about": args.unit_complained_about,
        "law": _enum_value(args.law),
        "paragraph": args.paragraph,
        "misdirected_via": _enum_value(args.misdirected_via),
        "first_received": args.first_received,
        "placeholder": args.placeholder,
        "decided_by_boerne_og_ungeudvalg": args.boerne_og_ungeudvalg,
        "other_decisions": [_other_decision(value) for value in args.other_decision or []],
        "outside_borgerraadgiver": _enum_value(args.outside_borgerraadgiver),
    }
    if args.formal_point:
        decision = [{"track": "realitet"}] if raw["kind"] == ComplaintKind.REALITET.value else []
        formal = [{"track": "formalitet", "category": _enum_value(c)} for c in dict.fromkeys(args.formal_point)]
        raw["klagepunkter"] = decision + formal
    request = operations.parse_filing(raw)
    register = await _with_register(settings)
    try:
        client = await _with_client(settings)
        receipt = await operations.file_complaint(client, register, settings, request)
    finally:
        await register.close()
    _print(receipt.model_dump(mode="json"), args.json, render.receipt(receipt))


def _other_decision(value: str) -> dict[str, Any]:
    """'SAG-2:2025-05-01': a further decision and the day the citizen received it."""
    reference, _, received = value.rpartition(":")
    try:
        day = date.fromisoformat(received)
    except ValueError:
        day = None
    if not reference or day is None:
        raise InvalidInput(f"--other-decision {value!r}: give REF:YYYY-MM-DD, e.g. SAG-2:2025-05-01")
    return {"decision_ref": reference, "decision_received": day}


def _step_fields(args: argparse.Namespace, spec: steps.StepSpec) -> dict[str, Any]:
    fields: dict[str, Any] = {"actor": args.actor, "reason": args.reason}
    for field in spec.fields:
        value = getattr(args, field.name)
        if value is not None:
            fields[field.name] = _enum_value(value) if field.choices else value
    return fields


async def cmd_step(args: argparse.Namespace, settings: Settings) -> None:
    from casework import operations  # imported here: `frist` and `--help` start without Temporal

    spec: steps.StepSpec = args.step_spec
    operations.check_case_id(args.case_id)
    client = await _with_client(settings)
    # Only a step with personal data (a representative's name) needs PostgreSQL, to seal it there.
    register = await _with_register(settings) if spec.name == "representative-changed" else None
    try:
        result = await operations.take_step(
            client, args.case_id, spec.name, _step_fields(args, spec), register=register
        )
    finally:
        if register is not None:
            await register.close()
    _print(result.model_dump(mode="json"), args.json, render.step_result(spec.name, result))


async def cmd_show(args: argparse.Namespace, settings: Settings) -> None:
    from casework import operations  # imported here: `frist` and `--help` start without Temporal

    register = await _with_register(settings)
    try:
        case = await operations.show_case(register, args.case_id)
    finally:
        await register.close()
    _print(case, args.json, render.case(case))


async def cmd_cases(args: argparse.Namespace, settings: Settings) -> None:
    from casework import operations  # imported here: `frist` and `--help` start without Temporal

    register = await _with_register(settings)
    try:
        page = await operations.list_cases(
            register,
            kommune=args.kommune or settings.kommune_code,
            overdue=args.overdue,
            stuck_days=args.days if args.stuck else None,
            units=args.unit,
            assignee=args.assignee,
            by_deadline=args.assignee is not None,
            cursor=args.after,
            limit=args.limit,
        )
    finally:
        await register.close()
    data = {"items": page.rows, "next_cursor": page.next_cursor}
    more = _next_page_command(args, page.next_cursor) if page.next_cursor else None
    _print(data, args.json, render.cases(page.rows, more))


def _next_page_command(args: argparse.Namespace, cursor: str) -> str:
    """The same `klagesag cases` command line, continued after `cursor`."""
    words = ["klagesag", "cases"]
    if args.overdue:
        words.append("--overdue")
    if args.stuck:
        words += ["--stuck", "--days", str(args.days)]
    if args.kommune:
        words += ["--kommune", args.kommune]
    for unit in args.unit or []:
        words += ["--unit", unit]
    if args.assignee:
        words += ["--assignee", args.assignee]
    if args.limit != DEFAULT_LIMIT:
        words += ["--limit", str(args.limit)]
    return shlex.join([*words, "--after", cursor])


async def cmd_erase(args: argparse.Namespace, settings: Settings) -> None:
    from casework import operations  # imported here: `frist` and `--help` start without Temporal

    operations.check_case_id(args.case_id)
    register = await _with_register(settings)
    try:
        result = await operations.erase_personal_data(
            register, settings, args.case_id, actor=args.actor, reason=args.reason
        )
    finally:
        await register.close()
    _print(result, args.json, f"Personoplysningerne i sag {args.case_id} er slettet.")


async def cmd_rebuild(args: argparse.Namespace, settings: Settings) -> None:
    from casework.rebuild import RebuildReport, rebuild_read_model

    register = await _with_register(settings)
    try:
        if args.facts_only:
            report = RebuildReport()
        else:
            client = await _with_client(settings)
            report = await rebuild_read_model(client, register, query=args.query)
        # Rows written now carry their facts already; this fills in the rows stored before migration 008 and
        # those a later migration marked stale (010).
        report.facts_written = await register.backfill_case_facts()
    finally:
        await register.close()
    _print(report.as_dict(), args.json, report.summary())
    if report.failures:
        raise Refused(
            f"{len(report.failures)} of {report.cases_seen} cases not rebuilt; first: {report.failures[0]}"
        )


async def cmd_stats(args: argparse.Namespace, settings: Settings) -> None:
    from casework.statistics import check_filters, checked_period, statistics_report, targets_from
    from domain import stats

    if args.json and args.csv:
        raise InvalidInput("give --json or --csv, not both")
    kommune = args.kommune or settings.kommune_code
    check_filters(kommune, args.unit)  # refused before connecting
    checked_period(args.start, args.end, names={"from": "--from", "to": "--to"})
    register = await _with_register(settings)
    try:
        report = await statistics_report(
            register, kommune=kommune, unit=args.unit, start=args.start, end=args.end,
            targets=targets_from(settings), now=datetime.now(timezone.utc),
        )  # fmt: skip
    finally:
        await register.close()
    if args.csv:
        sys.stdout.write(stats.to_csv(report))
    else:
        _print(report, args.json, render.statistics(report))


async def cmd_forecast(args: argparse.Namespace, settings: Settings) -> None:
    from casework.forecast import breach_forecast, check_days, report
    from casework.statistics import check_filters

    kommune = args.kommune or settings.kommune_code
    for unit in args.unit or [None]:
        check_filters(kommune, unit)  # refused before connecting
    check_days(args.days, name="--days")
    now = args.now or datetime.now(timezone.utc)
    register = await _with_register(settings)
    try:
        result = await breach_forecast(
            register, kommune=kommune, units=args.unit, days=args.days, now=now, profile=settings.calendar_profile
        )
    finally:
        await register.close()
    data = report(result, kommune=kommune, units=args.unit, generated_at=now)
    _print(data, args.json, render.forecast(data))


async def cmd_simulate(args: argparse.Namespace, settings: Settings) -> None:
    import logging

    from simulation import compare
    from simulation.chart import weekly_chart
    from simulation.driver import SimulationStopped, simulate
    from simulation.parameters import MAX_MONTHS, Parameters

    if args.parameters:
        rows = Parameters.describe()
        _print(rows, args.json, "\n".join(f"{r['name']} = {r['default']}\n    {r['description']}" for r in rows))
        return
    if not 1 <= args.months <= MAX_MONTHS:
        raise InvalidInput(f"--months {args.months}: simulate between 1 and {MAX_MONTHS} months")
    if not 0 <= args.workers <= 16:
        raise InvalidInput("--workers: give 0 (the worker in this process) to 16")
    if args.concurrency < 1:
        raise InvalidInput("--concurrency must be 1 or more")
    base = Parameters().with_settings(args.settings)  # refused before any server starts
    changed = base.with_settings(args.compare) if args.compare else None
    if args.chart is not None and not args.chart.parent.is_dir():
        raise InvalidInput(f"--chart {args.chart}: the folder {args.chart.parent} does not exist")
    from workers.logging import configure_logging

    configure_logging(logging.WARNING, json=settings.log_json)  # thousands of letters: only what goes wrong

    def progress(message: str) -> None:  # on stderr: stdout keeps the report (and --json stays parseable)
        print(f"[simulate] {message}", file=sys.stderr, flush=True)

    # Ctrl-C: stop after the day in hand, or cancel a day that does not end within SIMULATION_STOP_GRACE;
    # either way the simulation's servers are shut down and the exit code is 130.
    stop = _stop_on_signals()

    async def one(parameters: Parameters):
        run = asyncio.create_task(simulate(
            parameters, seed=args.seed, months=args.months, start=args.start, concurrency=args.concurrency,
            workers=args.workers, progress=progress, stop=stop,
        ))  # fmt: skip
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({run, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not run.done() and not (await asyncio.wait({run}, timeout=SIMULATION_STOP_GRACE))[0]:
            run.cancel()
            with contextlib.suppress(asyncio.CancelledError, SimulationStopped):
                await run
            print("klagesag: simulation cancelled mid-day; its servers are shut down", file=sys.stderr)
            raise KeyboardInterrupt
        try:
            return run.result()
        except SimulationStopped as stopped:
            print(f"klagesag: {stopped}", file=sys.stderr)
            raise KeyboardInterrupt from None

    result = await one(base)
    if args.chart is not None:
        args.chart.write_text(
            weekly_chart(result.weeks, title=f"Simulering, seed {args.seed}: åbne sager og sager med overskredet frist pr. uge"),
            encoding="utf-8",
        )
    if changed is None:
        _print(result.as_dict(), args.json, render.simulation(result.as_dict()))
        return
    other = await one(changed)
    rows = compare.difference(result.report, other.report)
    data = {"compare": args.compare, "difference": rows, "base": result.as_dict(), "changed": other.as_dict()}
    _print(data, args.json, compare.render_difference(rows, setting=args.compare))


async def cmd_migrate(args: argparse.Namespace, settings: Settings) -> None:
    from store.migrate import apply_migrations

    applied = await apply_migrations(settings.database_url)
    _print({"applied": applied}, args.json, f"applied: {', '.join(applied) or 'nothing (up to date)'}")


async def cmd_init(args: argparse.Namespace, settings: Settings) -> None:
    from workers.init import initialise

    client = await _with_client(settings)
    report = await initialise(client, settings)
    _print(dataclasses.asdict(report), args.json, report.summary())


def _stop_on_signals() -> asyncio.Event:
    """An event set by Ctrl-C or SIGTERM, for the long-running commands."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def cmd_worker(settings: Settings) -> None:
    from workers.telemetry import metrics_runtime
    from workers.worker import run_worker

    client = await _with_client(settings, runtime=metrics_runtime(settings))
    register = await _with_register(settings)
    await run_worker(settings, _stop_on_signals(), client=client, register=register)


async def cmd_up(settings: Settings) -> None:
    # The local stack is the embedded one: TEMPORAL_* variables in the caller's shell must not send its
    # worker to another cluster.
    settings = dataclasses.replace(settings, temporal_from_environment=False)
    from deploy.stack import run_stack
    from store.migrate import apply_migrations
    from workers.worker import run_worker
    from workflows.search_attributes import FOR_DEV_SERVER

    async def prepare(dsn: str) -> None:
        from store.accounts import AccountStore, demo_seed_path, demo_users

        await apply_migrations(dsn)
        accounts = await AccountStore.connect(dsn, max_size=1)
        try:
            await accounts.seed_from_file(demo_seed_path())
        finally:
            await accounts.close()
        print("Demo users (log in at http://127.0.0.1:%d):" % settings.web_port, flush=True)
        for user in demo_users():
            print(f"  {user.username:<16} {user.password:<16} {', '.join(user.roles)} ({', '.join(user.units) or '-'})")

    async def serve(settings: Settings, stop: asyncio.Event) -> None:
        from web.server import serve_until
        from web.settings import WebSettings
        from workers.client import connect
        from workers.schedules import ensure_digest_schedule
        from workers.telemetry import metrics_runtime

        client = await connect(settings, runtime=metrics_runtime(settings))
        if await ensure_digest_schedule(client, settings):
            print("Daily digest schedule created (working days 07:00 Europe/Copenhagen).", flush=True)
        print(f"Web:              http://127.0.0.1:{settings.web_port}", flush=True)
        # One process, two metrics listeners: the worker's (Temporal's exporter) takes the port, the
        # web's the next one (workers/settings.py).
        web_metrics_port = settings.metrics_port + 1 if settings.metrics_port else 0
        if settings.metrics_port:
            print(
                f"Metrics:          http://127.0.0.1:{settings.metrics_port}/metrics (worker), "
                f"http://127.0.0.1:{web_metrics_port}/metrics (web)",
                flush=True,
            )
        web = serve_until(
            stop, WebSettings(core=settings), host="127.0.0.1", port=settings.web_port, metrics_port=web_metrics_port
        )
        await asyncio.gather(run_worker(settings, stop, client=client), web)

    await run_stack(
        settings,
        run_worker=serve,
        prepare_database=prepare,
        search_attributes=FOR_DEV_SERVER,
        codec_server=_codec_server(settings),
    )


async def cmd_web(args: argparse.Namespace, settings: Settings) -> None:
    from web.server import serve_until
    from web.settings import WebSettings

    web_settings = WebSettings(core=settings).checked()
    host, port = args.host or settings.listen_host, args.port or settings.web_port
    print(f"klagesag web on http://{host}:{port} (Ctrl-C stops)", flush=True)
    await serve_until(_stop_on_signals(), web_settings, host=host, port=port)


def _codec_server(settings: Settings):
    from workers.codec import EncryptionCodec
    from workers.payload_keys import parse_keys
    from workers.codec_server import CodecServer

    return CodecServer(
        EncryptionCodec(parse_keys(settings.payload_keys)),
        port=settings.codec_port,
        ui_origin=f"http://127.0.0.1:{settings.temporal_ui_port}",
        token=settings.codec_token,
    )


async def cmd_codec_server(settings: Settings) -> None:
    server = _codec_server(settings)
    server.start()
    print(f"Codec server on {server.url}; give it to the Temporal Web UI as its codec endpoint. Ctrl-C stops.")
    try:
        await _stop_on_signals().wait()
    finally:
        server.stop()


async def dispatch(args: argparse.Namespace, settings: Settings) -> None:
    if args.command == "frist":
        cmd_frist(args, settings)
    elif args.command == "file":
        await cmd_file(args, settings)
    elif hasattr(args, "step_spec"):
        await cmd_step(args, settings)
    elif args.command == "show":
        await cmd_show(args, settings)
    elif args.command == "cases":
        await cmd_cases(args, settings)
    elif args.command == "erase":
        await cmd_erase(args, settings)
    elif args.command == "stats":
        await cmd_stats(args, settings)
    elif args.command == "forecast":
        await cmd_forecast(args, settings)
    elif args.command == "simulate":
        await cmd_simulate(args, settings)
    elif args.command == "rebuild-read-model":
        await cmd_rebuild(args, settings)
    elif args.command == "migrate":
        await cmd_migrate(args, settings)
    elif args.command == "init":
        await cmd_init(args, settings)
    elif args.command == "worker":
        await cmd_worker(settings)
    elif args.command == "web":
        await cmd_web(args, settings)
    elif args.command == "up":
        await cmd_up(settings)
    elif args.command == "codec-server":
        await cmd_codec_server(settings)


def run() -> NoReturn:
    """Console entry point. Exits with os._exit after flushing: the Temporal client's native runtime keeps
    threads that can call into a finalising interpreter and abort it (seen as 'PyGILState_Release' with
    exit code -6), which would turn a successful command into a crash."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from workers.logging import configure_logging
    from workers.telemetry import forward_core_logs

    try:
        settings = Settings()
        configure_logging(json=settings.log_json)
        if args.command != "frist":  # the one command that starts without Temporal's runtime
            forward_core_logs()
        asyncio.run(dispatch(args, settings))
    except KlagesagError as error:
        what, code = next((what, code) for kind, what, code in EXIT_CODES if isinstance(error, kind))
        print(f"klagesag: {what}: {_one_line(str(error))}", file=sys.stderr)
        return code
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    run()
