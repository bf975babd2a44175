"""The FastAPI application: pages, API, static files, error handling and security headers.

`create_app` connects its own PostgreSQL pools in the lifespan unless the caller passes stores (tests,
or a process that already has them). The database must be migrated (`klagesag migrate` / `klagesag up`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import JSONResponse
from starlette.staticfiles import StaticFiles

from store.accounts import AccountPolicy, AccountStore, Clock, utc_now
from store.register import CaseRegister
from web import api, pages
from web.deps import TemporalClientFactory, TemporalConnection
from web.metrics import HttpMetricsMiddleware, WebMetrics
from web.pages.errors import render_problem_page
from web.problems import install_problem_handlers
from web.request_context import RequestContextMiddleware
from web.security import SecurityHeadersMiddleware
from web.settings import WebSettings
from web.simulations import SimulationRunner
from web.text_guard import refuse_unstorable_text
from web.templating import STATIC_DIR
from workers import health


def account_policy(settings: WebSettings) -> AccountPolicy:
    return AccountPolicy(
        max_failed_logins=settings.max_failed_logins,
        lockout=settings.lockout,
        session_idle=settings.session_idle,
        session_absolute=settings.session_absolute,
    )


def create_app(
    settings: WebSettings | None = None,
    *,
    accounts: AccountStore | None = None,
    register: CaseRegister | None = None,
    temporal_client_factory: TemporalClientFactory | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    settings = (settings or WebSettings()).checked()
    clock = clock or utc_now

    async def connect_temporal():  # default factory; imported late so the web app starts without Temporal
        from workers.client import connect

        return await connect(settings.core)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = []
        if app.state.accounts is None:
            app.state.accounts = await AccountStore.connect(
                settings.core.database_url, policy=account_policy(settings), clock=clock
            )
            owned.append(app.state.accounts)
        if app.state.register is None:
            app.state.register = await CaseRegister.connect(settings.core.database_url)
            owned.append(app.state.register)
        # A run left 'running' by a web process that died is marked failed once it is past the limit.
        await app.state.simulations.fail_stale(app.state.register.simulation_runs)
        try:
            yield
        finally:
            await app.state.simulations.close()  # before the pools: the runs record how they ended
            for store in owned:
                await store.close()

    app = FastAPI(
        title="klagesag",
        version="1",
        summary="Complaints (klager) of a Danish kommune: cases, steps and worklists.",
        openapi_url="/openapi.json",
        docs_url=None,  # Swagger UI loads scripts from a CDN and inline: neither fits the CSP nor offline
        redoc_url=None,
        lifespan=lifespan,
        # Before any handler: text PostgreSQL cannot store is a 422 naming the field, never a 500.
        dependencies=[Depends(refuse_unstorable_text)],
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.accounts = accounts
    app.state.register = register
    app.state.temporal = TemporalConnection(temporal_client_factory or connect_temporal)
    app.state.simulations = SimulationRunner(limit=settings.simulation_limit, clock=clock)

    install_problem_handlers(app, render_problem_page)
    app.include_router(api.build_router())
    app.include_router(pages.build_router())
    if settings.oidc.enabled:
        from web import oidc  # authlib is loaded only when a provider is configured

        app.include_router(oidc.build_router(settings))
        # Holds OIDC state and nonce for the few seconds of a login round trip; nothing else.
        app.add_middleware(
            SessionMiddleware,
            secret_key=settings.session_secret,
            session_cookie=oidc.STATE_COOKIE,
            max_age=600,
            same_site="lax",
            https_only=settings.production,
        )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_health_routes(app)
    app.state.metrics = WebMetrics(settings.core.kommune_code)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.production)
    app.add_middleware(HttpMetricsMiddleware, metrics=app.state.metrics)
    # Outermost: every log line of the request, the metrics middleware's included, has its request id.
    app.add_middleware(RequestContextMiddleware)
    return app


def install_health_routes(app: FastAPI) -> None:
    """/healthz and /readyz for the probes (workers/health.py): no login, no case data, not in the API
    schema. Ready means PostgreSQL and Temporal answer: a caseworker's step needs both."""
    checks = {
        health.POSTGRESQL: health.postgres_check(lambda: app.state.register),
        health.TEMPORAL: health.temporal_check(app.state.temporal.get),
    }

    async def ready(request: Request) -> JSONResponse:
        return await health.readiness(checks)

    app.add_route("/healthz", health.alive, methods=["GET"], include_in_schema=False)
    app.add_route("/readyz", ready, methods=["GET"], include_in_schema=False)
