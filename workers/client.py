"""The Temporal client every klagesag process uses: the pydantic converter with encrypted payloads, and
connection settings in Temporal's own convention.

Where to connect comes from `temporalio.envconfig` first - TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_GRPC_META_*, and TOML profiles (TEMPORAL_PROFILE,
TEMPORAL_CONFIG_FILE) - so a worker is pointed at a Helm-installed cluster or Temporal Cloud exactly as the
`temporal` CLI is. KLAGESAG_TEMPORAL_ADDRESS / KLAGESAG_TEMPORAL_NAMESPACE (workers/settings.py) fill in
what that leaves unset, which keeps `klagesag up` and every existing setup working without changes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from temporalio.client import Client
from temporalio.envconfig import ClientConfig
from temporalio.runtime import Runtime

from workers.codec import data_converter
from workers.payload_keys import parse_keys
from workers.settings import SettingsError, Settings
from workers.tracing import tracing_interceptors

# envconfig turns TLS on for any TEMPORAL_TLS value but "false"/"0", so "no" or "off" would silently mean
# TLS. Accept only values whose meaning is unambiguous.
_TLS_VALUES = {"true": True, "1": True, "false": False, "0": False}


def connect_config(settings: Settings, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Keyword arguments for `Client.connect`, without the data converter. `environ` replaces the process
    environment (for tests); the TOML profile is read as envconfig reads it."""
    env = os.environ if environ is None else environ
    config: dict[str, Any] = {}
    if settings.temporal_from_environment:
        tls = env.get("TEMPORAL_TLS")
        if tls is not None and tls.strip().lower() not in _TLS_VALUES:
            raise SettingsError(f"TEMPORAL_TLS={tls!r} is not valid: expected true or false")
        try:
            # None: envconfig reads the process environment itself (it accepts only a plain dict).
            overrides = None if environ is None else dict(environ)
            config = dict(ClientConfig.load_client_connect_config(override_env_vars=overrides))
        except (OSError, RuntimeError, ValueError) as error:
            # envconfig's messages name the variable or file; a TOML error's later lines quote the file,
            # which may hold an API key, so keep the first line only.
            first_line = (str(error).splitlines() or [type(error).__name__])[0]
            raise SettingsError(f"Temporal connection settings are not valid: {first_line}") from None
    config.setdefault("target_host", settings.temporal_address)
    config.setdefault("namespace", settings.temporal_namespace)
    return config


async def connect(settings: Settings, *, runtime: Runtime | None = None) -> Client:
    """`runtime`: where the client's and its workers' metrics go (workers/telemetry.py); None for the
    SDK's default runtime, which exports nothing. Traces, when KLAGESAG_OTEL_TRACING is on, come from
    the client's interceptors, which its workers take over (workers/tracing.py)."""
    return await Client.connect(
        **connect_config(settings),
        data_converter=data_converter(parse_keys(settings.payload_keys)),
        runtime=runtime,
        interceptors=tracing_interceptors(settings),
    )
