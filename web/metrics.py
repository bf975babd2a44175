"""The web process's Prometheus metrics (names in workers/metrics.py): HTTP requests by route template,
and the overdue cases of the read model, counted when Prometheus scrapes.

They are served on a listener of their own (KLAGESAG_METRICS_PORT, web/server.py), not on the web port:
the web Service publishes that port to caseworkers, and the figures are for the cluster's Prometheus.
Each app has its own registry, so several apps in one process (tests, `klagesag up`) never share counts.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from datetime import datetime

import structlog
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.vocabulary import Phase
from store.register import CaseRegister
from web.request_context import route_template
from workers import metrics
from workers.health import CHECK_TIMEOUT

log = structlog.get_logger("klagesag.web.metrics")
# Without this every counter and histogram also exports a *_created series (a timestamp per label set),
# which doubles the output and which nothing here uses. Process-wide: klagesag owns the process.
disable_created_metrics()

OPEN_PHASES = tuple(phase.value for phase in Phase if not phase.is_terminal)
# A client may send any method; only these become label values.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class OverdueCases(Collector):
    """klagesag_overdue_cases from the last query of the read model: every open phase of every kommune
    present (and this process's own), zeros included, so a series drops to 0 instead of vanishing when
    the last overdue case of a phase moves on. Without an answer from PostgreSQL it reports no figures
    and klagesag_read_model_up 0, rather than stale ones."""

    def __init__(self, own_kommune: str) -> None:
        self._own_kommune = own_kommune
        self._counts: dict[tuple[str, str], int] | None = None

    def update(self, rows: list[tuple[str, str, int]] | None) -> None:
        self._counts = None if rows is None else {(kommune, phase): cases for kommune, phase, cases in rows}

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(metrics.READ_MODEL_UP.name, metrics.READ_MODEL_UP.help)
        up.add_metric([], 0 if self._counts is None else 1)
        yield up
        if self._counts is None:
            return
        overdue = GaugeMetricFamily(metrics.OVERDUE.name, metrics.OVERDUE.help, labels=list(metrics.OVERDUE.labels))
        for kommune in sorted({self._own_kommune} | {kommune for kommune, _ in self._counts}):
            for phase in OPEN_PHASES:
                overdue.add_metric([kommune, phase], self._counts.get((kommune, phase), 0))
        yield overdue


class WebMetrics:
    def __init__(self, own_kommune: str) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            metrics.HTTP_REQUESTS.name, metrics.HTTP_REQUESTS.help, metrics.HTTP_REQUESTS.labels, registry=self.registry
        )
        self.duration = Histogram(
            metrics.HTTP_DURATION.name, metrics.HTTP_DURATION.help, metrics.HTTP_DURATION.labels, registry=self.registry
        )
        self.overdue = OverdueCases(own_kommune)
        self.registry.register(self.overdue)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        method = method if method in _METHODS else "other"
        self.requests.labels(method, route, str(status)).inc()
        self.duration.labels(method, route).observe(seconds)

    async def refresh(self, register: CaseRegister | None, now: datetime) -> None:
        """Query the read model for the overdue gauge; on failure the gauge reports nothing."""
        rows = None
        if register is not None:
            try:
                rows = await asyncio.wait_for(register.overdue_counts(now), CHECK_TIMEOUT)
            except Exception as error:  # the scrape still answers, with klagesag_read_model_up 0
                log.warning("overdue cases not counted", error=type(error).__name__)
        self.overdue.update(rows)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class HttpMetricsMiddleware:
    """Counts every HTTP request by method, route template and status, and times it."""

    def __init__(self, app: ASGIApp, *, metrics: WebMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # an exception escaping the app becomes a 500 outside this middleware
        started = time.perf_counter()

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            self.metrics.observe(scope["method"], route_template(scope), status, time.perf_counter() - started)


def metrics_app(
    web_metrics: WebMetrics, register: Callable[[], CaseRegister | None], clock: Callable[[], datetime]
) -> Starlette:
    """The metrics listener: GET /metrics, nothing else. `register` and `clock` are the app's own, asked
    at each scrape (the register is connected in the app's lifespan)."""

    async def scrape(request: Request) -> Response:
        await web_metrics.refresh(register(), clock())
        return Response(web_metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return Starlette(routes=[Route("/metrics", scrape)])
