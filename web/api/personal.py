"""The citizen's personal data: the party, search by CPR, and the letters as sent. Every answer is
recorded in the access log; a CPR number travels only in a request body, never in a URL."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from domain.identity import case_id_for, normalise_cpr
from store.accounts import Role
from store import paging
from store.register import CaseRegister, PartyErased
from web.access import record_case_access
from web.api.casework import CaseId, case_in_scope, core_settings
from web.auth import User, require_role
from web.deps import get_accounts, get_register
from web.problems import Problem, problem_responses

router = APIRouter(prefix="/cases", tags=["personal data"])
Reader = Annotated[User, Depends(require_role(Role.SAGSBEHANDLER, Role.LEDER, Role.BORGERRAADGIVER))]
SEARCH_LIMIT = 5000  # cases decrypted per search without decision_ref; the scope keeps it small


class PartyOut(BaseModel):
    case_id: str
    cpr: str
    name: str
    representative_name: str | None = None
    complaint_text: str
    late_reason: str | None = None


class SearchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cpr: str = Field(min_length=1, max_length=20)
    decision_ref: str | None = Field(default=None, min_length=1, max_length=80)

    @field_validator("cpr")
    @classmethod
    def _cpr(cls, value: str) -> str:
        return normalise_cpr(value)  # InvalidCpr is a ValueError: a 422 naming the field


class SearchOut(BaseModel):
    case_ids: list[str]
    complete: bool = Field(
        description=f"False when a search without decision_ref met more cases in your scope than it unseals "
        f"({SEARCH_LIMIT}, the latest received); give decision_ref to find an older case directly"
    )


class LetterSummary(BaseModel):
    key: str
    kind: str
    round: int
    recipient_role: str
    subject: str


class LetterOut(LetterSummary):
    body: str | None = Field(description="None once the citizen's personal data is erased")
    delivered_to: str | None = None


def erased(case_id: str) -> Problem:
    return Problem(
        410, "erased", title="Personal data erased", title_da="Personoplysningerne er slettet",
        detail=f"The personal data of case {case_id} was erased when its retention period ended.",
        detail_da="Sagens personoplysninger er slettet, da opbevaringsperioden udløb.",
    )  # fmt: skip


@router.get(
    "/{case_id}/party",
    response_model=PartyOut,
    responses=problem_responses(401, 403, 404, 410, 422),
    summary="The party: name, CPR number and complaint text (the access is logged)",
)
async def party(case_id: CaseId, request: Request, user: Reader) -> PartyOut:
    await case_in_scope(request, user, case_id, act=False)
    try:
        record = await get_register(request).party(case_id)
    except PartyErased:
        raise erased(case_id) from None
    if record is None:
        raise Problem(404, "no-party", title="No party stored", title_da="Ingen part registreret")
    await record_case_access(request, user, case_id, "part")
    return PartyOut(case_id=case_id, **record.__dict__)


@router.post(
    "/search",
    response_model=SearchOut,
    responses=problem_responses(401, 403, 422),
    summary="Find the cases of a CPR number (in the body) among the cases you may read",
)
async def search(body: SearchIn, request: Request, user: Reader) -> SearchOut:
    register = get_register(request)
    if body.decision_ref:
        # The case id is a keyed hash of kommune, decision and CPR: no decryption needed.
        settings = core_settings(request)
        candidates = [case_id_for(kommune=user.kommune, decision_ref=body.decision_ref, cpr=body.cpr, key=settings.case_id_key)]
        complete = True
    else:
        # The CPR number is sealed per case and not indexed (a keyed index would be a second way to find
        # a citizen): the parties of the cases in the user's scope are unsealed and compared.
        candidates, complete = await _cases_in_scope(register, user)
    found = []
    for case_id in candidates:
        view = await register.case_view(case_id)
        if view is None or view.kommune != user.kommune or not user.can_read(view.unit or ""):
            continue
        try:
            record = await register.party(case_id)
        except PartyErased:
            continue
        if record is not None and record.cpr == body.cpr:
            found.append(case_id)
    for case_id in found:
        await record_case_access(request, user, case_id, "søgning på cpr", purpose="search")
    if not found:  # a search that found nothing was still a search for a citizen
        await get_accounts(request).log_access(user, None, "search", "søgning på cpr uden resultat")
    return SearchOut(case_ids=found, complete=complete)


async def _cases_in_scope(register: CaseRegister, user: User) -> tuple[list[str], bool]:
    """The ids of up to SEARCH_LIMIT cases the user may read, latest received first, and whether that
    was all of them."""
    units = None if user.is_borgerraadgiver else sorted(user.units)
    case_ids: list[str] = []
    after = None
    while len(case_ids) < SEARCH_LIMIT:
        page = await register.list_cases(
            kommune=user.kommune, units=units, after=after, limit=min(paging.MAX_LIMIT, SEARCH_LIMIT - len(case_ids))
        )
        case_ids += [row["case_id"] for row in page.rows]
        if page.next_cursor is None:
            return case_ids, True
        after = paging.parse(page.next_cursor)
    return case_ids, False


@router.get(
    "/{case_id}/letters",
    response_model=list[LetterSummary],
    responses=problem_responses(401, 403, 404, 422),
    summary="The case's letters (subjects only)",
)
async def letters(case_id: CaseId, request: Request, user: Reader) -> list[LetterSummary]:
    await case_in_scope(request, user, case_id, act=False)
    stored = await get_register(request).letters_for(case_id)
    await record_case_access(request, user, case_id, "breve", purpose="letter")
    return [LetterSummary(key=s.key, kind=s.kind, round=s.round, recipient_role=s.recipient_role, subject=s.subject) for s in stored]


@router.get(
    "/{case_id}/letters/{key}",
    response_model=LetterOut,
    responses=problem_responses(401, 403, 404, 422),
    summary="One letter as the citizen got it: subject and body (the access is logged)",
)
async def letter(
    case_id: CaseId, key: Annotated[str, Path(max_length=200)], request: Request, user: Reader
) -> LetterOut:
    await case_in_scope(request, user, case_id, act=False)
    stored = next((s for s in await get_register(request).letters_for(case_id) if s.key == key), None)
    if stored is None:
        raise Problem(404, "no-such-letter", title="No such letter", title_da="Brevet findes ikke",
                      detail=f"Case {case_id} has no letter {key}.", detail_da="Sagen har ikke dette brev.")
    await record_case_access(request, user, case_id, f"brev {stored.kind}", purpose="letter")
    return LetterOut(
        key=stored.key, kind=stored.kind, round=stored.round, recipient_role=stored.recipient_role,
        subject=stored.subject, body=stored.body, delivered_to=stored.delivered_to,
    )  # fmt: skip
