"""The Temporal runtime of a worker process: where its metrics go.

With KLAGESAG_METRICS_PORT set, the SDK serves Prometheus /metrics on it: Temporal's own metrics (task
latencies, poller and slot counts, workflow completions — names start with `temporal_`) and klagesag's
counters recorded through `workflow.metric_meter()` and `activity.metric_meter()` (workers/metrics.py).
Unset (0, the default outside the image), the default runtime records nothing, so tests and several
processes on one laptop never compete for a port.
"""

from __future__ import annotations

from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from domain.errors import SettingsError
from workers.settings import Settings


def metrics_runtime(settings: Settings) -> Runtime | None:
    """A runtime exporting to Prometheus on listen_host:metrics_port, or None for the SDK's default
    runtime. One per process: the exporter binds its port when it is created."""
    port = settings.metrics_port
    if not port:
        return None
    address = f"{settings.listen_host}:{port}"
    try:
        return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=address)))
    except ValueError as error:  # the exporter's bind error, e.g. "Address already in use"
        reason = str(error).rpartition(": ")[2] or type(error).__name__
        raise SettingsError(
            f"KLAGESAG_METRICS_PORT={port}: cannot serve metrics on {address} ({reason}): expected a free port"
        ) from None
