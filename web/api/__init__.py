"""The HTTP API under /api/v1 (JSON; errors are problem+json). Each module holds one resource and its
router."""

from __future__ import annotations

from fastapi import APIRouter

from web.api import cases, forecast, frist, personal, session, simulations, statistics, steps, users

PREFIX = "/api/v1"


def build_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX)
    # steps before cases: GET /cases/steps must not be taken for a case id.
    for module in (session, users, steps, personal, cases, frist, statistics, forecast, simulations):
        router.include_router(module.router)
    return router
