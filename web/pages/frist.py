"""Fristberegner: the frister of a decision, as a GET form (bookmarkable, no personal data)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from web import labels, present
from web.auth import CurrentUser
from web.deps import get_settings
from web.pages import fristcheck
from web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/frist", name="frist")
async def frist_page(
    request: Request, user: CurrentUser, modtaget: str = "", sendt: str = "", levering: str = "digital_post",
    klage: str = "", aktindsigt_anmodet: str = "", aktindsigt_besvaret: str = "",
) -> Response:
    asked = any((modtaget, sendt, klage))
    result = fristcheck.check(
        received=modtaget, sent=sendt, delivery=levering, complaint=klage,
        aktindsigt_requested=aktindsigt_anmodet, aktindsigt_answered=aktindsigt_besvaret,
        profile=get_settings(request).core.calendar_profile,
    ) if asked else None
    values = {"modtaget": modtaget, "sendt": sendt, "levering": levering, "klage": klage,
              "aktindsigt_anmodet": aktindsigt_anmodet, "aktindsigt_besvaret": aktindsigt_besvaret}
    return render(request, "frist.html", {"frist": result, "values": values, "present": present,
                                          "report_danish": fristcheck.REPORT_DANISH, "active": "frist",
                                          "deliveries": labels.DELIVERIES})
