"""The HTML pages (server-rendered, Danish, usable without JavaScript). Each module holds one area and
its router; the lead's case and worklist pages plug in here."""

from __future__ import annotations

from fastapi import APIRouter

from web.pages import admin, cases, filing, frist, login, management, simulation, start, statistics


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    for module in (login, start, cases, filing, frist, management, statistics, simulation, admin):
        router.include_router(module.router)
    return router
