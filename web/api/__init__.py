"""The HTTP API under /api/v1 (JSON; errors are problem+json). Each module holds one resource and its
router; the lead's case and step endpoints plug in here."""

from __future__ import annotations

from fastapi import APIRouter

from web.api import session, users

PREFIX = "/api/v1"


def build_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX)
    for module in (session, users):
        router.include_router(module.router)
    return router
