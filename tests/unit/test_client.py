"""Where the Temporal client connects: Temporal's own TEMPORAL_* variables and TOML profiles first,
klagesag's settings as fallbacks, TLS and API keys as envconfig defines them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography import x509
from temporalio.service import TLSConfig

from tests.certificates import make_pki
from workers.client import connect_config
from workers.settings import Settings, SettingsError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("KLAGESAG_", "TEMPORAL_")):
            monkeypatch.delenv(name)


@pytest.fixture
def no_profile(tmp_path: Path) -> dict[str, str]:
    """An environment whose TOML profile file does not exist, so a developer's own
    ~/.config/temporalio/temporal.toml cannot change the outcome."""
    return {"TEMPORAL_CONFIG_FILE": str(tmp_path / "absent.toml")}


def test_without_temporal_variables_klagesag_settings_are_used(
    monkeypatch: pytest.MonkeyPatch, no_profile: dict[str, str]
) -> None:
    monkeypatch.setenv("KLAGESAG_TEMPORAL_ADDRESS", "temporal.local:7233")
    monkeypatch.setenv("KLAGESAG_TEMPORAL_NAMESPACE", "klagesag")
    assert connect_config(Settings(), no_profile) == {"target_host": "temporal.local:7233", "namespace": "klagesag"}


def test_temporal_address_and_namespace_win_over_the_klagesag_fallbacks(no_profile: dict[str, str]) -> None:
    env = no_profile | {"TEMPORAL_ADDRESS": "temporal-frontend.temporal:7233", "TEMPORAL_NAMESPACE": "prod"}
    settings = Settings(temporal_address="127.0.0.1:7233", temporal_namespace="default")
    config = connect_config(settings, env)
    assert config["target_host"] == "temporal-frontend.temporal:7233"
    assert config["namespace"] == "prod"


def test_the_process_environment_is_read_when_no_mapping_is_given(
    monkeypatch: pytest.MonkeyPatch, no_profile: dict[str, str]
) -> None:
    for name, value in no_profile.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TEMPORAL_ADDRESS", "from-process-env:7233")
    assert connect_config(Settings())["target_host"] == "from-process-env:7233"


def test_an_api_key_turns_tls_on(no_profile: dict[str, str]) -> None:
    config = connect_config(Settings(), no_profile | {"TEMPORAL_API_KEY": "key-123"})
    assert config["api_key"] == "key-123"
    assert config["tls"] is True
    assert config["target_host"] == "127.0.0.1:7233"


def test_grpc_metadata_is_passed_on(no_profile: dict[str, str]) -> None:
    config = connect_config(Settings(), no_profile | {"TEMPORAL_GRPC_META_X_TENANT": "kommune-0101"})
    assert config["rpc_metadata"] == {"x-tenant": "kommune-0101"}


def test_a_toml_profile_supplies_address_and_namespace(tmp_path: Path) -> None:
    profile = tmp_path / "temporal.toml"
    profile.write_text(
        '[profile.default]\naddress = "default-host:7233"\n'
        '[profile.prod]\naddress = "prod-host:7233"\nnamespace = "klagesag-prod"\n'
    )
    config = connect_config(Settings(), {"TEMPORAL_CONFIG_FILE": str(profile), "TEMPORAL_PROFILE": "prod"})
    assert (config["target_host"], config["namespace"]) == ("prod-host:7233", "klagesag-prod")


def test_klagesag_up_ignores_the_shells_temporal_variables(no_profile: dict[str, str]) -> None:
    """`klagesag up` connects to the dev server it started, not to a cluster the shell points at."""
    settings = Settings(temporal_address="127.0.0.1:17233", temporal_from_environment=False)
    config = connect_config(settings, no_profile | {"TEMPORAL_ADDRESS": "prod:7233", "TEMPORAL_API_KEY": "k"})
    assert config == {"target_host": "127.0.0.1:17233", "namespace": "default"}


@pytest.mark.parametrize("value", ["no", "off", "yes", ""])
def test_an_ambiguous_temporal_tls_value_is_refused(no_profile: dict[str, str], value: str) -> None:
    # envconfig itself would read every one of these as "TLS on".
    with pytest.raises(SettingsError, match=r"^TEMPORAL_TLS=.* is not valid: expected true or false$"):
        connect_config(Settings(), no_profile | {"TEMPORAL_TLS": value})


def test_temporal_tls_false_turns_tls_off(no_profile: dict[str, str]) -> None:
    assert connect_config(Settings(), no_profile | {"TEMPORAL_TLS": "false"})["tls"] is False


def test_a_missing_certificate_file_is_a_settings_error(no_profile: dict[str, str], tmp_path: Path) -> None:
    env = no_profile | {"TEMPORAL_TLS_CLIENT_CERT_PATH": str(tmp_path / "absent.pem")}
    with pytest.raises(SettingsError, match="absent.pem"):
        connect_config(Settings(), env)


def test_a_broken_profile_file_is_a_settings_error_on_one_line_without_its_content(tmp_path: Path) -> None:
    profile = tmp_path / "temporal.toml"
    profile.write_text('[profile.default\napi_key = "secret-api-key"\n')
    with pytest.raises(SettingsError) as caught:
        connect_config(Settings(), {"TEMPORAL_CONFIG_FILE": str(profile)})
    assert "\n" not in str(caught.value)
    assert "secret-api-key" not in str(caught.value)


def test_an_unknown_profile_is_a_settings_error(tmp_path: Path) -> None:
    profile = tmp_path / "temporal.toml"
    profile.write_text('[profile.default]\naddress = "a:7233"\n')
    with pytest.raises(SettingsError, match="Profile 'prod' not found"):
        connect_config(Settings(), {"TEMPORAL_CONFIG_FILE": str(profile), "TEMPORAL_PROFILE": "prod"})


# --- mutual TLS from files, with a CA and certificates made here


def test_tls_files_become_a_tls_config_with_their_bytes(no_profile: dict[str, str], tmp_path: Path) -> None:
    pki = make_pki(tmp_path)
    env = no_profile | {
        "TEMPORAL_ADDRESS": "temporal-frontend.temporal.svc:7233",
        "TEMPORAL_TLS_SERVER_CA_CERT_PATH": str(pki.ca),
        "TEMPORAL_TLS_CLIENT_CERT_PATH": str(pki.client_cert),
        "TEMPORAL_TLS_CLIENT_KEY_PATH": str(pki.client_key),
        "TEMPORAL_TLS_SERVER_NAME": "temporal-frontend",
    }
    tls = connect_config(Settings(), env)["tls"]
    assert isinstance(tls, TLSConfig)
    assert tls.server_root_ca_cert == pki.ca.read_bytes()
    assert tls.client_cert == pki.client_cert.read_bytes()
    assert tls.client_private_key == pki.client_key.read_bytes()
    assert tls.domain == "temporal-frontend"
    x509.load_pem_x509_certificate(tls.client_cert)  # what was read is a certificate, not a path


def test_tls_data_variables_work_without_files(no_profile: dict[str, str], tmp_path: Path) -> None:
    pki = make_pki(tmp_path)
    env = no_profile | {
        "TEMPORAL_TLS_SERVER_CA_CERT_DATA": pki.ca.read_text(),
        "TEMPORAL_TLS_CLIENT_CERT_DATA": pki.client_cert.read_text(),
        "TEMPORAL_TLS_CLIENT_KEY_DATA": pki.client_key.read_text(),
    }
    tls = connect_config(Settings(), env)["tls"]
    assert isinstance(tls, TLSConfig)
    assert tls.client_cert == pki.client_cert.read_bytes()
