"""Optional OpenTelemetry tracing: with KLAGESAG_OTEL_TRACING=true and the `otel` extra installed
(`pip install 'klagesag[otel]'`), every Temporal client klagesag makes carries Temporal's
TracingInterceptor, and the workers take it from their client. A complaint is then one trace from its
filing: each step's validation and handling, and the activities they lead to, are spans in it (the
context travels in Temporal's headers); the caller's update call is a span in the caller's own trace.

Spans are exported over OTLP/HTTP to where OpenTelemetry's own variables say (OTEL_EXPORTER_OTLP_ENDPOINT,
default http://localhost:4318; OTEL_SERVICE_NAME). Span names and attributes are Temporal's: workflow
and activity types, workflow ids (case ids, keyed hashes), update names — never payloads, which stay
encrypted.
"""

from __future__ import annotations

import os
from typing import Any

from temporalio.client import Interceptor

from domain.errors import SettingsError
from workers.settings import Settings

_providers: dict[str, Any] = {}  # one tracer provider per process, made on first use


def tracing_interceptors(settings: Settings, *, exporter: Any | None = None) -> list[Interceptor]:
    """[TracingInterceptor] when tracing is on, else []. `exporter` replaces the OTLP exporter (tests)."""
    if not settings.otel_tracing:
        return []
    try:
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
        from temporalio.contrib.opentelemetry import TracingInterceptor
    except ImportError:
        raise SettingsError(
            "KLAGESAG_OTEL_TRACING=true needs OpenTelemetry's SDK: install klagesag with its extra, "
            "pip install 'klagesag[otel]'"
        ) from None
    # OTEL_SERVICE_NAME names the service when set (Resource.create would let an explicit name win).
    resource = Resource.create({} if os.environ.get("OTEL_SERVICE_NAME") else {"service.name": "klagesag"})
    if exporter is not None:
        provider = TracerProvider(resource=resource)
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        provider = _providers.get("otlp")
        if provider is None:
            try:
                from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
            except ImportError:
                raise SettingsError(
                    "KLAGESAG_OTEL_TRACING=true needs the OTLP exporter: pip install 'klagesag[otel]'"
                ) from None
            provider = TracerProvider(resource=resource)
            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
            _providers["otlp"] = provider
    # Not the global provider: klagesag's tracer is passed explicitly, so nothing else in the process
    # (FastAPI, httpx) starts exporting because klagesag traces.
    return [TracingInterceptor(tracer=provider.get_tracer("klagesag"))]
