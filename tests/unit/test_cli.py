"""The `klagesag` command, for what needs no servers: `frist`, and input refused before any connection.

Errors must exit 2 with exactly one line on stderr starting "klagesag:" and nothing on stdout.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from cli import main as cli

EXIT_REFUSED = 2


@pytest.fixture(autouse=True)
def _default_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # The calendar profile defaults from the environment; the tests state the default (strict) explicitly.
    monkeypatch.delenv("KLAGESAG_CALENDAR_PROFILE", raising=False)


def run(argv: list[str]) -> int:
    """The exit status as the shell sees it: main's return value, or argparse's SystemExit code."""
    try:
        return cli.main(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)


def run_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code = run([*argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    return json.loads(out)


def assert_one_line_error(code: int, capsys: pytest.CaptureFixture[str]) -> str:
    out, err = capsys.readouterr()
    assert code == EXIT_REFUSED
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("klagesag:")
    return lines[0]


# --- frist: computed deadlines -------------------------------------------------------------------------------


def test_frist_json_gives_klagefrist_with_explanation(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(["frist", "--received", "2024-03-05"], capsys)
    assert data["profile"] == "strict"
    assert data["klagefrist"] == "2024-04-02"
    explanation = data["klagefrist_explanation"]
    assert isinstance(explanation, list) and explanation
    assert all(isinstance(line, str) for line in explanation)
    assert any("rsl § 67" in line for line in explanation)


def test_frist_without_aktindsigt_or_complaint_leaves_those_deadlines_empty(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = run_json(["frist", "--received", "2024-03-05"], capsys)
    assert data["aktindsigt_answer_due"] is None
    assert data["aktindsigt_answer_due_explanation"] is None
    assert data["genvurdering_due"] is None


def test_frist_example_b1_aktindsigt_interrupts_the_klagefrist(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        [
            "frist",
            "--received",
            "2024-03-05",
            "--aktindsigt-requested",
            "2024-03-18",
            "--aktindsigt-answered",
            "2024-03-27",
        ],
        capsys,
    )
    assert data["klagefrist"] == "2024-04-11"
    assert data["aktindsigt_answer_due"] == "2024-03-27"
    assert data["aktindsigt_answer_due_explanation"]


def test_frist_with_complaint_gives_genvurdering_due(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(["frist", "--received", "2024-03-05", "--complaint-received", "2024-03-21"], capsys)
    assert data["genvurdering_due"] == "2024-04-18"
    assert data["genvurdering_due_explanation"]
    assert data["klagefrist"] == "2024-04-02"


def test_frist_lenient_profile_skips_friday_after_kristi_himmelfart(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(["frist", "--received", "2024-04-11", "--profile", "lenient"], capsys)
    assert data["profile"] == "lenient"
    assert data["klagefrist"] == "2024-05-13"


def test_frist_profile_comes_from_the_environment_when_not_given(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KLAGESAG_CALENDAR_PROFILE", "lenient")
    data = run_json(["frist", "--received", "2024-04-11"], capsys)
    assert data["profile"] == "lenient"
    assert data["klagefrist"] == "2024-05-13"


def test_frist_without_json_prints_the_date_and_its_explanation(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["frist", "--received", "2024-03-05"])
    out, err = capsys.readouterr()
    assert code == 0
    assert err == ""
    assert "2024-04-02" in out
    assert "rsl § 67" in out
    assert not out.lstrip().startswith("{")


# --- frist: refused input ----------------------------------------------------------------------------------


def test_frist_answer_before_request_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(
        ["frist", "--received", "2024-03-05", "--aktindsigt-requested", "2024-03-18", "--aktindsigt-answered", "2024-03-10"]
    )
    line = assert_one_line_error(code, capsys)
    assert "before it was requested" in line


def test_frist_answered_without_requested_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["frist", "--received", "2024-03-05", "--aktindsigt-answered", "2024-03-10"])
    line = assert_one_line_error(code, capsys)
    assert "--aktindsigt-requested" in line


def test_frist_year_outside_the_holiday_table_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["frist", "--received", "2044-03-05", "--json"])
    line = assert_one_line_error(code, capsys)
    assert "2044" in line


@pytest.mark.parametrize("value", ["2024-13-05", "05-03-2024", "yesterday", "2024-02-30"])
def test_frist_malformed_date_is_refused_with_the_expected_format(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["frist", "--received", value])
    line = assert_one_line_error(code, capsys)
    assert f"'{value}'" in line
    assert "YYYY-MM-DD" in line


def test_frist_without_received_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    line = assert_one_line_error(run(["frist"]), capsys)
    assert "--received" in line


def test_unknown_command_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    line = assert_one_line_error(run(["frobnicate"]), capsys)
    assert "frobnicate" in line


def test_unknown_command_hint_names_a_help_command_that_exists(capsys: pytest.CaptureFixture[str]) -> None:
    line = assert_one_line_error(run(["frobnicate"]), capsys)
    assert "klagesag klagesag" not in line


# --- step: the case id is checked before any connection ------------------------------------------------------


def test_step_with_malformed_case_id_is_refused_before_connecting(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def no_connection(settings: object) -> None:
        raise AssertionError("connected to Temporal before checking the case id")

    monkeypatch.setattr(cli, "_with_client", no_connection)
    code = run(["step", "NOT-A-CASE", "withdraw", "--actor", "a", "--reason", "abc"])
    line = assert_one_line_error(code, capsys)
    assert "NOT-A-CASE" in line
    assert "KS-0101-ABCDEFGHIJKLM" in line


def test_frist_with_only_the_complaint_gives_the_genvurdering_and_no_klagefrist(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = run_json(["frist", "--complaint-received", "2026-11-02"], capsys)
    assert data["genvurdering_due"] == "2026-11-30"
    assert data["klagefrist"] is None


def test_frist_without_any_date_is_refused_naming_both_options(capsys: pytest.CaptureFixture[str]) -> None:
    line = assert_one_line_error(run(["frist"]), capsys)
    assert "--received" in line and "--complaint-received" in line


def test_a_malformed_setting_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KLAGESAG_RETENTION_DAYS", "fem år")
    line = assert_one_line_error(run(["frist", "--received", "2024-03-05"]), capsys)
    assert line.startswith("klagesag: bad setting:") and "KLAGESAG_RETENTION_DAYS" in line


def test_commands_that_need_no_server_do_not_import_temporal_or_the_web() -> None:
    """`klagesag frist` starts fast because the CLI module loads Temporal, cryptography and the web only in
    the commands that use them (issue 10 §4)."""
    import subprocess
    import sys

    probe = "import sys, cli.main; print(sorted(m for m in ('temporalio', 'cryptography', 'fastapi', 'asyncpg') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


# --- file: the registration of SEED 004, parsed before any connection ---------------------------------------

FILE_ARGS = [
    "file", "--cpr", "010190-1234", "--name", "Ole", "--decision-ref", "AFG-1", "--received", "2025-05-10",
    "--channel", "written", "--text", "Klage", "--area", "SEL § 83",
]  # fmt: skip


def _filed(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The parsed filing `klagesag file` would send; stops at the first connection."""
    seen: list[Any] = []

    async def no_register(settings: object) -> None:
        raise SystemExit(0)

    from casework import operations

    real = operations.parse_filing

    def spy(raw: dict[str, Any]) -> Any:
        seen.append(real(raw))
        return seen[-1]

    monkeypatch.setattr(operations, "parse_filing", spy)
    monkeypatch.setattr(cli, "_with_register", no_register)
    return seen


def test_file_registers_klaget_til_the_law_and_formal_points(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _filed(monkeypatch)
    code = run([*FILE_ARGS, "--kind", "realitet", "--decision-received", "2025-05-01", "--klaget-til", "borgmester",
                "--formal-point", "sagsbehandlingstid", "--formal-point", "manglende-svar"])
    assert code == 0
    request = seen[0]
    assert (request.klaget_til, request.law, request.paragraph) == ("borgmester", "serviceloven", "83")
    assert [(p.track, p.category) for p in request.klagepunkter] == [
        ("realitet", None), ("formalitet", "sagsbehandlingstid"), ("formalitet", "manglende_svar"),
    ]  # fmt: skip


def test_a_formalitetsklage_needs_no_decision_date(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _filed(monkeypatch)
    assert run([*FILE_ARGS, "--kind", "formalitet", "--formal-point", "betjening"]) == 0
    assert seen[0].decision_received.isoformat() == "2025-05-10"


def test_a_realitetsklage_without_a_decision_date_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    line = assert_one_line_error(run([*FILE_ARGS, "--kind", "realitet"]), capsys)
    assert "decision_received" in line


def test_det_sociale_naevn_is_not_offered_for_a_new_complaint(capsys: pytest.CaptureFixture[str]) -> None:
    line = assert_one_line_error(run([*FILE_ARGS, "--kind", "realitet", "--klaget-til", "det-sociale-naevn"]), capsys)
    assert "klaget-til" in line


# --- forecast: the horizon and filters are checked before any connection -------------------------------------


@pytest.mark.parametrize(
    ("argv", "names"),
    [(["--days", "0"], "--days"), (["--days", "-1"], "--days"), (["--days", "366"], "--days"),
     (["--kommune", "12"], "kommune"), (["--unit", "Ydelse!"], "unit"), (["--now", "2026-11-23"], "--now")],
)  # fmt: skip
def test_forecast_bad_input_is_refused_before_connecting(
    argv: list[str], names: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def no_register(settings: object) -> None:
        raise AssertionError("connected to PostgreSQL before checking the input")

    monkeypatch.setattr(cli, "_with_register", no_register)
    line = assert_one_line_error(run(["forecast", *argv]), capsys)
    assert names in line


def test_file_takes_the_paths_of_a_misdirected_placeholder_complaint_about_two_decisions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = _filed(monkeypatch)
    code = run([*FILE_ARGS, "--kind", "realitet", "--decision-received", "2025-05-01", "--misdirected-via",
                "ankestyrelsen", "--first-received", "2025-05-08", "--placeholder", "--other-decision",
                "SAG-2:2025-04-28"])
    assert code == 0
    request = seen[0]
    assert (request.misdirected_via, request.first_received.isoformat(), request.placeholder) == (
        "ankestyrelsen", "2025-05-08", True,
    )  # fmt: skip
    assert [(d.decision_ref, d.decision_received.isoformat()) for d in request.other_decisions] == [("SAG-2", "2025-04-28")]


def test_an_other_decision_without_its_date_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    line = assert_one_line_error(
        run([*FILE_ARGS, "--kind", "realitet", "--decision-received", "2025-05-01", "--other-decision", "SAG-2"]), capsys
    )
    assert "REF:YYYY-MM-DD" in line
