"""What the case endpoints share: the Temporal client and core settings, the idempotency key, and the
access policy applied to one case (read model `unit` against the user's scope)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Header, Path, Request
from temporalio.client import Client
from temporalio.service import RPCError

from casework import operations
from domain.errors import CaseNotFound, Unavailable
from domain.identity import CASE_ID
from domain.models import CaseView
from web.auth import User
from web.deps import get_register, get_settings, get_temporal_client
from web.problems import forbidden
from workers.settings import Settings

# A retried POST carries the same key; it becomes the Temporal update id, so Temporal applies it once.
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9._:-]+$",
        description="Any unique string per intended action; a retry with the same key is applied once",
    ),
]
CaseId = Annotated[str, Path(pattern=CASE_ID.pattern, description="A case id, e.g. KS-0101-ABCDEFGHIJKLM")]


def update_id(user: User, key: str | None, action: str) -> str | None:
    """The update id of a request: scoped to the user and the action, so one user's key can never
    replay another user's or another action's answer."""
    return f"api:{user.username}:{action}:{key}" if key else None


def core_settings(request: Request) -> Settings:
    return get_settings(request).core


@asynccontextmanager
async def temporal(request: Request) -> AsyncIterator[Client]:
    """The Temporal client; a server that cannot be reached is Unavailable (503), not a crash."""
    try:
        client = await get_temporal_client(request)
    except (RPCError, RuntimeError, OSError) as error:
        raise Unavailable(f"Temporal cannot be reached: {error}") from None
    try:
        yield client
    except RPCError as error:
        raise Unavailable(f"Temporal did not answer: {error.message}") from None


def check_files_here(user: User, settings: Settings) -> None:
    """A complaint is filed for the kommune this installation serves (its case id, letters and read-model
    row carry that kommune): a user of another kommune would file a case they could not see, and that this
    kommune's users could."""
    if user.kommune != settings.kommune_code:
        raise forbidden(
            detail=f"This installation files complaints for kommune {settings.kommune_code}; you belong to "
            f"kommune {user.kommune}.",
            detail_da="Du kan kun oprette klager i din egen kommunes klagesag.",
        )


async def case_in_scope(request: Request, user: User, case_id: str, *, act: bool) -> CaseView:
    """The case's read model if the user may read it (or act on it, with `act`); 404 if there is no
    such case in the user's kommune, 403 outside their units."""
    operations.check_case_id(case_id)
    view = await get_register(request).case_view(case_id)
    if view is None or view.kommune != user.kommune:
        raise CaseNotFound(f"No case {case_id}.")
    unit = view.unit or ""
    allowed = user.can_act_on(unit) if act else user.can_read(unit)
    if not allowed:
        raise forbidden(
            detail=f"Case {case_id} belongs to unit '{view.unit}', outside your units.",
            detail_da="Sagen hører til en enhed, du ikke har adgang til.",
        )
    return view
