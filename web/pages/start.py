"""The start page: the user's worklist (a placeholder until the case pages exist)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.auth import CurrentUser
from web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/", name="start")
async def start(request: Request, user: CurrentUser) -> Response:
    return render(request, "start.html", {"cases": []})
