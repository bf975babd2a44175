"""Cases over HTTP: file, list, show, reassign, erase. Every action goes through casework.operations;
this module only decides who may do it and records who looked."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model

from casework import operations
from casework.operations import FilingRequest, Reassigned
from domain.models import FilingReceipt
from domain.vocabulary import Phase
from store import paging
from store.accounts import Role
from web.access import record_case_access
from web.api.casework import (
    CaseId,
    IdempotencyKey,
    case_in_scope,
    check_files_here,
    core_settings,
    temporal,
    update_id,
)
from web.api.steps import step_names_for
from web.auth import User, require_role
from web.deps import get_clock, get_register
from web.owners import FILERS, filing_owner
from web.problems import forbidden, problem_responses

router = APIRouter(prefix="/cases", tags=["cases"])

Caseworker = Annotated[User, Depends(require_role(Role.SAGSBEHANDLER, Role.LEDER))]
Reader = Annotated[User, Depends(require_role(Role.SAGSBEHANDLER, Role.LEDER, Role.BORGERRAADGIVER))]
Leder = Annotated[User, Depends(require_role(Role.LEDER))]
Filer = Annotated[User, Depends(require_role(*FILERS))]

# The filing's JSON body: FilingRequest's own fields without `actor` (the logged-in user is the actor).
# Derived, not copied, so the two cannot drift; FilingRequest's validators run in parse_filing.
FilingIn = create_model(  # type: ignore[call-overload]
    "FilingIn",
    __config__=ConfigDict(extra="forbid", str_strip_whitespace=True),
    **{name: (f.annotation, f) for name, f in FilingRequest.model_fields.items() if name != "actor"},
)


class CaseRow(BaseModel):
    case_id: str
    kommune: str
    kind: str
    phase: str
    round: int
    remand_count: int
    outcome: str | None = None
    overdue: bool
    late: bool
    received: date
    next_deadline_at: datetime | None = None
    next_deadline_kind: str | None = None
    last_step_at: datetime | None = None
    unit: str | None = None
    assignee: str | None = None


class CasePage(BaseModel):
    items: list[CaseRow]
    next_cursor: str | None = Field(
        description="Send it as `cursor`, with the same filters, for the next page; null on the last page"
    )


def _well_formed_cursor(text: str) -> str:
    """A cursor that is not one klagesag gives is a 422 naming `cursor`, before anything is read."""
    paging.parse(text)
    return text


CursorQuery = Annotated[
    str | None,
    Query(max_length=300, description="The `next_cursor` of the page before; leave it out for the first page"),
    AfterValidator(_well_formed_cursor),  # not run on the default (None)
]
LimitQuery = Annotated[int, Query(ge=1, le=paging.MAX_LIMIT, description="Cases per page")]


class ReassignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    case_ids: list[str] = Field(min_length=1, max_length=500)
    unit: str = Field(min_length=1, max_length=40)
    assignee: str | None = Field(default=None, max_length=40)
    reason: str = Field(min_length=1, max_length=2000)


class ReassignOut(BaseModel):
    batch_id: str
    results: list[Reassigned]


class EraseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=3, max_length=2000)


class Erased(BaseModel):
    case_id: str
    erased: bool
    already_erased: bool


@router.post(
    "",
    status_code=201,
    response_model=FilingReceipt,
    responses=problem_responses(401, 403, 409, 422, 503),
    summary="File a complaint; you are the actor; the owner is the unit given, else your unit for the area (docs/web.md)",
)
async def file_complaint(
    body: FilingIn,  # type: ignore[valid-type]
    request: Request,
    user: Filer,
    idempotency_key: IdempotencyKey = None,
) -> FilingReceipt:
    check_files_here(user, core_settings(request))
    raw: dict[str, Any] = {**body.model_dump(exclude_none=True), "actor": user.username}
    raw["unit"], assignee = await filing_owner(request, user, area=raw.get("area", ""), unit=raw.get("unit"))
    if assignee is not None:
        raw.setdefault("assignee", assignee)
    filing = operations.parse_filing(raw)
    async with temporal(request) as client:
        receipt = await operations.file_complaint(
            client,
            get_register(request),
            core_settings(request),
            filing,
            today=get_clock(request)().date(),
            update_id=update_id(user, idempotency_key, "file"),
        )
    await record_case_access(request, user, receipt.case_id, "klage oprettet")
    return receipt


@router.get(
    "",
    response_model=CasePage,
    responses=problem_responses(401, 403, 422),
    summary="One page of the cases of your units (the borgerrådgiver: the kommune's), filtered; overdue "
    "cases the oldest deadline first, stuck ones the longest silence first, `assignee=me` the next deadline "
    "first, otherwise the latest received first",
)
async def list_cases(
    request: Request,
    user: Reader,
    phase: Phase | None = None,
    unit: Annotated[str | None, Query(max_length=40)] = None,
    assignee: Annotated[str | None, Query(max_length=100, description="a username, or 'me'")] = None,
    overdue: bool = False,
    stuck_days: Annotated[int | None, Query(ge=1, le=36500)] = None,
    kommune: Annotated[str | None, Query(max_length=4)] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = paging.DEFAULT_LIMIT,
) -> CasePage:
    if kommune is not None and kommune != user.kommune:
        raise forbidden(detail="You see only your own kommune's cases.", detail_da="Du kan kun se din egen kommunes sager.")
    if user.is_borgerraadgiver:
        units = [unit] if unit else None
    else:
        if unit is not None and unit not in user.units:
            raise forbidden(detail=f"Unit '{unit}' is not one of yours.", detail_da="Enheden er ikke en af dine.")
        units = [unit] if unit else sorted(user.units)
    page = await operations.list_cases(
        get_register(request),
        kommune=user.kommune,
        overdue=overdue,
        stuck_days=stuck_days,
        now=get_clock(request)(),
        units=units,
        assignee=user.username if assignee == "me" else assignee,
        phase=phase,
        by_deadline=assignee == "me",
        cursor=cursor,
        limit=limit,
    )
    return CasePage(items=[CaseRow.model_validate(row) for row in page.rows], next_cursor=page.next_cursor)


@router.post(
    "/reassign",
    response_model=ReassignOut,
    responses=problem_responses(401, 403, 422, 503),
    summary="Reassign cases of your units to a unit (and sagsbehandler); one answer per case",
)
async def reassign(body: ReassignIn, request: Request, user: Leder, idempotency_key: IdempotencyKey = None) -> ReassignOut:
    if body.unit not in user.units:
        raise forbidden(detail=f"Unit '{body.unit}' is not one of yours.", detail_da="Enheden er ikke en af dine.")
    batch_id = update_id(user, idempotency_key, "reassign") or f"api:{user.username}:reassign:{uuid.uuid4()}"
    register = get_register(request)
    # Cases outside the leder's units are answered (refused) without being touched.
    refused: dict[str, Reassigned] = {}
    for case_id in dict.fromkeys(body.case_ids):
        view = await register.case_view(case_id) if operations.CASE_ID.match(case_id) else None
        if view is None or view.kommune != user.kommune:
            refused[case_id] = Reassigned(case_id=case_id, ok=False, error=f"No case {case_id}.")
        elif not user.can_act_on(view.unit or ""):
            refused[case_id] = Reassigned(case_id=case_id, ok=False, error=f"Case {case_id} is outside your units.")
    in_scope = [c for c in dict.fromkeys(body.case_ids) if c not in refused]
    done: dict[str, Reassigned] = {}
    if in_scope:
        async with temporal(request) as client:
            answers = await operations.reassign_many(
                client, in_scope, unit=body.unit, assignee=body.assignee, actor=user.username,
                reason=body.reason, batch_id=batch_id,
            )  # fmt: skip
        done = {a.case_id: a for a in answers}
        for answer in answers:
            if answer.ok:
                await record_case_access(request, user, answer.case_id, "fordelt")
    results = [done.get(c) or refused[c] for c in dict.fromkeys(body.case_ids)]
    return ReassignOut(batch_id=batch_id, results=results)


@router.get(
    "/{case_id}",
    response_model=dict[str, Any],
    responses=problem_responses(401, 403, 404, 422),
    summary="One case: state, history, deadlines, letters; `steps_for_you` lists what your role may try",
)
async def show_case(case_id: CaseId, request: Request, user: Reader) -> dict[str, Any]:
    view = await case_in_scope(request, user, case_id, act=False)
    shown = await operations.show_case(get_register(request), case_id)
    await record_case_access(request, user, case_id, "sag")
    # The law's verdict on a step needs the workflow's full state, which the read model does not hold:
    # these are the steps the user's role and scope allow; the phase decides, and a step the law
    # refuses is answered 409 with the rule.
    return {**shown, "steps_for_you": [] if view.phase.is_terminal else step_names_for(user, view.unit)}


@router.post(
    "/{case_id}/erase",
    response_model=Erased,
    responses=problem_responses(401, 403, 404, 409, 422),
    summary="Erase the citizen's personal data once the retention period has ended",
)
async def erase(case_id: CaseId, body: EraseIn, request: Request, user: Leder) -> dict[str, Any]:
    await case_in_scope(request, user, case_id, act=True)
    result = await operations.erase_personal_data(
        get_register(request), core_settings(request), case_id, actor=user.username, reason=body.reason,
        now=get_clock(request)(),
    )  # fmt: skip
    await record_case_access(request, user, case_id, "sletning")
    return result
