"""Settings for observing and upgrading the processes: log format, metrics and health ports, and the
Worker Deployment version of a blue-green worker."""

from __future__ import annotations

import base64
import os

import pytest

from workers.settings import Settings, SettingsError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("KLAGESAG_"):
            monkeypatch.delenv(name)


def error_of() -> str:
    with pytest.raises(SettingsError) as caught:
        Settings()
    return str(caught.value)


# --- logs


def test_a_laptop_logs_for_people_and_production_logs_json_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (Settings().log_format, Settings().log_json) == ("console", False)
    production = {
        "KLAGESAG_ENV": "production",
        "KLAGESAG_PAYLOAD_KEYS": "prod1:" + base64.b64encode(b"\x01" * 32).decode(),
        "KLAGESAG_CASE_ID_KEY": "k" * 40,
        "KLAGESAG_SESSION_SECRET": "s" * 40,
        "KLAGESAG_DATABASE_URL": "postgresql://klagesag:pw@db.internal:5432/klagesag",
    }
    for name, value in production.items():
        monkeypatch.setenv(name, value)
    assert (Settings().log_format, Settings().log_json) == ("json", True)


def test_the_log_format_can_be_chosen_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLAGESAG_LOG_FORMAT", "json")
    assert Settings().log_json is True
    monkeypatch.setenv("KLAGESAG_LOG_FORMAT", "console")
    assert Settings().log_json is False


def test_an_unknown_log_format_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLAGESAG_LOG_FORMAT", "xml")
    assert error_of() == "KLAGESAG_LOG_FORMAT='xml' is not valid: expected json or console"


# --- ports


def test_health_and_metrics_listen_where_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLAGESAG_HEALTH_PORT", "8081")
    monkeypatch.setenv("KLAGESAG_METRICS_PORT", "9000")
    settings = Settings()
    assert (settings.health_port, settings.metrics_port) == (8081, 9000)


# --- Worker Versioning


def test_a_worker_is_unversioned_unless_both_deployment_and_build_id_are_set() -> None:
    settings = Settings()
    assert (settings.deployment_name, settings.build_id, settings.versioned) == ("", "", False)


def test_deployment_name_and_build_id_make_a_versioned_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLAGESAG_DEPLOYMENT_NAME", "klagesag")
    monkeypatch.setenv("KLAGESAG_BUILD_ID", "0.2.0+sha.1f2e3d")
    settings = Settings()
    assert (settings.deployment_name, settings.build_id, settings.versioned) == ("klagesag", "0.2.0+sha.1f2e3d", True)


@pytest.mark.parametrize(
    ("given", "missing"),
    [("KLAGESAG_DEPLOYMENT_NAME", "KLAGESAG_BUILD_ID"), ("KLAGESAG_BUILD_ID", "KLAGESAG_DEPLOYMENT_NAME")],
)
def test_half_a_version_is_refused_naming_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, given: str, missing: str
) -> None:
    monkeypatch.setenv(given, "klagesag")
    assert error_of() == f"{given} is set but {missing} is not: expected both (a versioned worker) or neither"


@pytest.mark.parametrize("name", ["kla.gesag", "klage sag", "-klagesag", "k" * 101])
def test_a_deployment_name_temporal_would_refuse_is_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("KLAGESAG_DEPLOYMENT_NAME", name)
    monkeypatch.setenv("KLAGESAG_BUILD_ID", "1")
    assert error_of().startswith(f"KLAGESAG_DEPLOYMENT_NAME={name!r} is not valid: expected letters, digits")


@pytest.mark.parametrize("build_id", ["0.1 0", "v1\n", ".hidden", "b" * 201])
def test_a_malformed_build_id_is_refused(monkeypatch: pytest.MonkeyPatch, build_id: str) -> None:
    monkeypatch.setenv("KLAGESAG_DEPLOYMENT_NAME", "klagesag")
    monkeypatch.setenv("KLAGESAG_BUILD_ID", build_id)
    assert error_of().startswith(f"KLAGESAG_BUILD_ID={build_id!r} is not valid: expected an image tag or commit")


# --- tracing


def test_tracing_is_off_by_default_and_on_with_a_plain_true(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().otel_tracing is False
    for value, expected in (("true", True), ("1", True), ("FALSE", False), ("0", False)):
        monkeypatch.setenv("KLAGESAG_OTEL_TRACING", value)
        assert Settings().otel_tracing is expected, value


def test_an_ambiguous_tracing_flag_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLAGESAG_OTEL_TRACING", "yes")
    assert error_of() == "KLAGESAG_OTEL_TRACING='yes' is not valid: expected true or false"
