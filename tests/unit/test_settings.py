"""Settings from the environment: a bad value is one clear line, secrets may come from files, and
production refuses the development defaults."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from domain.calendar import CalendarProfile
from workers.payload_keys import development_keys
from workers.settings import (
    DEVELOPMENT_CASE_ID_KEY,
    SECRET_SETTINGS,
    Settings,
    SettingsError,
    redact_url,
)

STRONG = "s" * 40
PROD_KEYS = "prod1:" + base64.b64encode(b"\x01" * 32).decode()
PROD_URL = "postgresql://klagesag:pw-from-vault@db.internal:5432/klagesag"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test states the variables it needs; nothing leaks in from the shell that runs pytest."""
    for name in list(os.environ):
        if name.startswith("KLAGESAG_"):
            monkeypatch.delenv(name)


def production(monkeypatch: pytest.MonkeyPatch, **overrides: str | None) -> None:
    values = {
        "KLAGESAG_ENV": "production",
        "KLAGESAG_PAYLOAD_KEYS": PROD_KEYS,
        "KLAGESAG_CASE_ID_KEY": STRONG,
        "KLAGESAG_SESSION_SECRET": STRONG,
        "KLAGESAG_DATABASE_URL": PROD_URL,
    } | overrides
    for name, value in values.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


def error_of(**kwargs: object) -> str:
    with pytest.raises(SettingsError) as caught:
        Settings(**kwargs)
    message = str(caught.value)
    assert "\n" not in message
    return message


# --- development defaults stay as they were


def test_without_any_variable_the_development_defaults_of_klagesag_up_apply() -> None:
    settings = Settings()
    assert settings.environment == "development"
    assert settings.temporal_address == "127.0.0.1:7233"
    assert settings.database_url == "postgresql://klagesag@127.0.0.1:55432/klagesag"
    assert settings.payload_keys == development_keys()
    assert settings.case_id_key == DEVELOPMENT_CASE_ID_KEY
    assert settings.calendar_profile is CalendarProfile.STRICT
    assert settings.retention_days == 1826
    assert (settings.health_port, settings.metrics_port) == (0, 0)


def test_settings_error_is_a_value_error_so_existing_handlers_still_catch_it() -> None:
    assert issubclass(SettingsError, ValueError)


# --- malformed values


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("KLAGESAG_RETENTION_DAYS", "abc", "whole number of days"),
        ("KLAGESAG_RETENTION_DAYS", "0", "at least 1"),
        ("KLAGESAG_CALENDAR_PROFILE", "relaxed", "one of strict, lenient"),
        ("KLAGESAG_ENV", "prod", "development or production"),
        ("KLAGESAG_CODEC_PORT", "70000", "TCP port"),
        ("KLAGESAG_TEMPORAL_UI_PORT", "ui", "TCP port"),
        ("KLAGESAG_METRICS_PORT", "-1", "0 to turn it off"),
        ("KLAGESAG_KOMMUNE", "101", "four-digit kommunekode"),
        ("KLAGESAG_TEMPORAL_ADDRESS", "temporal", "host:port"),
    ],
)
def test_a_malformed_value_names_the_variable_the_value_and_what_is_expected(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    message = error_of()
    assert message.startswith(f"{name}={value!r} is not valid: expected ")
    assert expected in message


def test_a_value_with_a_line_break_is_still_reported_on_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLAGESAG_RETENTION_DAYS", "12\n34")
    assert "'12\\n34'" in error_of()


def test_a_malformed_payload_key_is_refused_without_showing_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    leaked = "c2VjcmV0LWJ1dC10b28tc2hvcnQ="
    monkeypatch.setenv("KLAGESAG_PAYLOAD_KEYS", f"k1:{leaked}")
    message = error_of()
    assert message.startswith("KLAGESAG_PAYLOAD_KEYS is not valid")
    assert "32 bytes" in message
    assert leaked not in message


def test_a_malformed_database_url_is_refused_without_showing_its_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLAGESAG_DATABASE_URL", "mysql://klagesag:hunter2@db/klagesag")
    message = error_of()
    assert message.startswith("KLAGESAG_DATABASE_URL=")
    assert "hunter2" not in message
    assert "postgresql://user:password@host:port/database" in message


def test_redact_url_hides_passwords_in_the_user_part_and_the_query() -> None:
    assert redact_url("postgresql://u:p%40ss@h:5432/db") == "postgresql://u:***@h:5432/db"
    with_query = "postgresql://u@h/db?sslmode=require&password=x"
    assert redact_url(with_query) == "postgresql://u@h/db?sslmode=require&password=***"
    assert redact_url("postgresql://u@h/db") == "postgresql://u@h/db"


def test_secrets_are_left_out_of_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    production(monkeypatch, KLAGESAG_CODEC_TOKEN="codec-token-value")
    text = repr(Settings())
    for secret in (STRONG, PROD_KEYS.split(":")[1], "pw-from-vault", "codec-token-value"):
        assert secret not in text


# --- secrets from files


@pytest.mark.parametrize("name", SECRET_SETTINGS)
def test_every_secret_can_come_from_a_file_whose_content_is_stripped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str
) -> None:
    values = {
        "KLAGESAG_PAYLOAD_KEYS": PROD_KEYS,
        "KLAGESAG_CASE_ID_KEY": STRONG,
        "KLAGESAG_CODEC_TOKEN": "token-from-file",
        "KLAGESAG_DATABASE_URL": PROD_URL,
        "KLAGESAG_SESSION_SECRET": STRONG,
    }
    attribute = {
        "KLAGESAG_PAYLOAD_KEYS": "payload_keys",
        "KLAGESAG_CASE_ID_KEY": "case_id_key",
        "KLAGESAG_CODEC_TOKEN": "codec_token",
        "KLAGESAG_DATABASE_URL": "database_url",
        "KLAGESAG_SESSION_SECRET": "session_secret",
    }
    assert set(values) == set(SECRET_SETTINGS)
    path = tmp_path / "secret"
    path.write_text(f"  {values[name]}\n", encoding="utf-8")
    monkeypatch.setenv(f"{name}_FILE", str(path))
    assert getattr(Settings(), attribute[name]) == values[name]


def test_a_secret_set_both_directly_and_as_a_file_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text("from-file")
    monkeypatch.setenv("KLAGESAG_CODEC_TOKEN", "from-env")
    monkeypatch.setenv("KLAGESAG_CODEC_TOKEN_FILE", str(path))
    message = error_of()
    assert "KLAGESAG_CODEC_TOKEN and KLAGESAG_CODEC_TOKEN_FILE are both set" in message
    assert "from-env" not in message and "from-file" not in message


def test_a_missing_secret_file_is_named_with_the_reason(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KLAGESAG_SESSION_SECRET_FILE", str(tmp_path / "absent"))
    message = error_of()
    assert message.startswith(f"KLAGESAG_SESSION_SECRET_FILE='{tmp_path / 'absent'}' cannot be read")
    assert "No such file" in message


def test_an_empty_secret_file_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "empty"
    path.write_text("\n")
    monkeypatch.setenv("KLAGESAG_CASE_ID_KEY_FILE", str(path))
    assert "is empty" in error_of()


# --- production


def test_production_with_its_own_secrets_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    production(monkeypatch)
    settings = Settings()
    assert settings.environment == "production"
    assert settings.database_url == PROD_URL


def test_production_with_nothing_configured_names_every_problem_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLAGESAG_ENV", "production")
    message = error_of()
    assert message.startswith("KLAGESAG_ENV=production refuses to start: ")
    for name in ("KLAGESAG_PAYLOAD_KEYS", "KLAGESAG_CASE_ID_KEY", "KLAGESAG_SESSION_SECRET", "KLAGESAG_DATABASE_URL"):
        assert name in message
    assert message.count(";") == 3


def test_production_refuses_the_development_payload_key_even_as_a_retired_key(monkeypatch: pytest.MonkeyPatch) -> None:
    production(monkeypatch, KLAGESAG_PAYLOAD_KEYS=f"{PROD_KEYS},{development_keys()}")
    message = error_of()
    assert "KLAGESAG_PAYLOAD_KEYS" in message and "development key" in message
    # The message must not be the only thing wrong: the rest of this configuration is fine.
    assert message.count(";") == 0


def test_production_refuses_the_development_key_under_another_id(monkeypatch: pytest.MonkeyPatch) -> None:
    dev_key = development_keys().split(":", 1)[1]
    production(monkeypatch, KLAGESAG_PAYLOAD_KEYS=f"renamed:{dev_key}")
    assert "development key" in error_of()


def test_production_refuses_the_default_case_id_key(monkeypatch: pytest.MonkeyPatch) -> None:
    production(monkeypatch, KLAGESAG_CASE_ID_KEY=DEVELOPMENT_CASE_ID_KEY)
    assert "KLAGESAG_CASE_ID_KEY is unset (the development default)" in error_of()


@pytest.mark.parametrize("name", ["KLAGESAG_CASE_ID_KEY", "KLAGESAG_SESSION_SECRET"])
def test_production_refuses_a_short_key(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    production(monkeypatch, **{name: "too-short"})
    message = error_of()
    assert f"{name} is shorter than 32 characters" in message
    assert "too-short" not in message


def test_production_refuses_a_missing_session_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    production(monkeypatch, KLAGESAG_SESSION_SECRET=None)
    assert "KLAGESAG_SESSION_SECRET is unset" in error_of()


def test_production_refuses_a_database_url_without_password(monkeypatch: pytest.MonkeyPatch) -> None:
    production(monkeypatch, KLAGESAG_DATABASE_URL="postgresql://klagesag@db.internal/klagesag")
    assert "KLAGESAG_DATABASE_URL has no password (postgresql://klagesag@db.internal/klagesag)" in error_of()


def test_production_accepts_a_password_given_as_a_query_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    production(monkeypatch, KLAGESAG_DATABASE_URL="postgresql://klagesag@db.internal/klagesag?password=pw")
    assert Settings().environment == "production"


def test_development_keeps_the_defaults_production_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLAGESAG_ENV", "development")
    assert Settings().case_id_key == DEVELOPMENT_CASE_ID_KEY


def test_the_redacted_database_url_is_what_messages_may_show(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLAGESAG_DATABASE_URL", PROD_URL)
    assert Settings().database_url_redacted == "postgresql://klagesag:***@db.internal:5432/klagesag"


def test_the_codec_server_allows_the_local_ui_unless_another_origin_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLAGESAG_TEMPORAL_UI_PORT", "18233")
    assert Settings().codec_allowed_origin == "http://127.0.0.1:18233"
    monkeypatch.setenv("KLAGESAG_CODEC_UI_ORIGIN", "https://temporal-ui.kommune.dk")
    assert Settings().codec_allowed_origin == "https://temporal-ui.kommune.dk"
