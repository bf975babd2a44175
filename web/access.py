"""Recording who opened which case (the access log, append-only in PostgreSQL). Case pages and API
endpoints call `record_case_access` once per case they show or act on."""

from __future__ import annotations

from fastapi import Request

from web.auth import User
from web.deps import get_accounts
from web.problems import is_api


async def record_case_access(request: Request, user: User, case_id: str, what: str, *, purpose: str | None = None) -> None:
    """`what` names the view or action ("sag", "historik", "brev kvittering"), never the citizen. The
    purpose is 'api' or 'page' from the request unless given ('search', 'letter')."""
    await get_accounts(request).log_access(user, case_id, purpose or ("api" if is_api(request) else "page"), what)
