"""The Temporal runtime of a worker process: where its metrics go.

With KLAGESAG_METRICS_PORT set, the SDK serves Prometheus /metrics on it: Temporal's own metrics (task
latencies, poller and slot counts, workflow completions — names start with `temporal_`) and klagesag's
counters recorded through `workflow.metric_meter()` and `activity.metric_meter()` (workers/metrics.py).
Unset (0, the default outside the image), the default runtime records nothing, so tests and several
processes on one laptop never compete for a port.
"""

from __future__ import annotations

import logging

from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    PrometheusConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)

from domain.errors import SettingsError
from workers.settings import Settings


def _core_logs() -> LoggingConfig:
    """The SDK core (Rust) writes its warnings through Python's logging, so they come out like every
    other line (workers/logging.py: JSON in production) instead of in the core's own colored format."""
    return LoggingConfig(
        filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
        forwarding=LogForwardingConfig(logger=logging.getLogger("temporalio.core")),
    )


def forward_core_logs() -> None:
    """Make the SDK's default runtime forward its core's logs; call before the process's first client.
    Once per process: a second call keeps the runtime the first one made."""
    if not _forwarding:
        Runtime.set_default(Runtime(telemetry=TelemetryConfig(logging=_core_logs())), error_if_already_set=False)
        _forwarding.append(True)


_forwarding: list[bool] = []


def metrics_runtime(settings: Settings) -> Runtime | None:
    """A runtime exporting to Prometheus on listen_host:metrics_port, or None for the SDK's default
    runtime. One per process: the exporter binds its port when it is created."""
    port = settings.metrics_port
    if not port:
        return None
    address = f"{settings.listen_host}:{port}"
    try:
        metrics = PrometheusConfig(bind_address=address)
        return Runtime(telemetry=TelemetryConfig(logging=_core_logs(), metrics=metrics))
    except ValueError as error:  # the exporter's bind error, e.g. "Address already in use"
        reason = str(error).rpartition(": ")[2] or type(error).__name__
        raise SettingsError(
            f"KLAGESAG_METRICS_PORT={port}: cannot serve metrics on {address} ({reason}): expected a free port"
        ) from None
