"""Taking a caseworker step over HTTP: any step of the one table (domain/steps.py), carried out by
casework.operations.take_step. The acting user's username is the step's actor."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Request
from pydantic import BaseModel

from casework import operations
from domain import steps
from domain.models import StepResult
from web.access import record_case_access
from web.api.casework import CaseId, IdempotencyKey, case_in_scope, temporal, update_id
from web.auth import CurrentUser, User
from web.deps import get_register
from web.problems import Problem, forbidden, problem_responses

router = APIRouter(prefix="/cases", tags=["steps"])

StepName = Annotated[str, Path(max_length=60, description="A step of docs/steps.md, e.g. genvurdering, escalate")]
STEP_BODY_EXAMPLE = {"result": "fuldt_medhold", "reason": "Genvurderet: kommunen giver medhold."}


class StepInfo(BaseModel):
    name: str
    label_da: str
    help: str
    fields: list[str]
    roles: list[str]


def step_names_for(user: User, view_unit: str | None) -> list[str]:
    """The steps the user's role and scope allow on a case of `view_unit` (the law is judged when the
    step is taken: a step listed here may still be refused with 409)."""
    return [spec.name for spec in steps.STEPS if may_take(user, spec, view_unit)]


def may_take(user: User, spec: steps.StepSpec, unit: str | None) -> bool:
    if user.roles.isdisjoint(spec.roles):
        return False
    # The borgerrådgiver acts across units on the steps the table grants the role (escalation).
    if steps.Role.BORGERRAADGIVER in spec.roles and user.is_borgerraadgiver:
        return True
    return user.can_act_on(unit or "")


@router.get("/steps", response_model=list[StepInfo], responses=problem_responses(401), summary="The table of steps")
async def list_steps(user: CurrentUser) -> list[StepInfo]:
    return [
        StepInfo(
            name=s.name,
            label_da=s.label_da,
            help=s.help,
            fields=[f.name for f in s.fields] + ["reason"],
            roles=sorted(s.roles),
        )
        for s in steps.STEPS
    ]


@router.post(
    "/{case_id}/steps/{step}",
    response_model=StepResult,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
    summary="Take a step on a case (body: the step's fields and reason; the actor is you)",
)
async def take_step(
    case_id: CaseId,
    step: StepName,
    request: Request,
    user: CurrentUser,
    idempotency_key: IdempotencyKey = None,
    body: Annotated[dict[str, Any], Body(examples=[STEP_BODY_EXAMPLE])] = ...,  # type: ignore[assignment]
) -> StepResult:
    spec = steps.BY_NAME.get(step)
    if spec is None:
        raise Problem(
            404,
            "unknown-step",
            title="Unknown step",
            title_da="Ukendt skridt",
            detail=f"Unknown step '{step}'; the steps are: {', '.join(steps.BY_NAME)}.",
            detail_da=f"Skridtet '{step}' findes ikke.",
        )
    view = await case_in_scope(request, user, case_id, act=False)
    if not may_take(user, spec, view.unit):
        raise forbidden(
            detail=f"The step '{step}' needs one of the roles {', '.join(sorted(spec.roles))} on a case of your units.",
            detail_da=f"Du må ikke tage skridtet '{spec.label_da}' på denne sag.",
        )
    if "actor" in body:
        raise Problem(
            422,
            "validation",
            title="Invalid request",
            title_da="Ugyldig forespørgsel",
            detail="actor: the actor is the logged-in user; leave the field out.",
            detail_da="actor: Feltet sættes af systemet; udelad det.",
        )
    fields = {**body, "actor": user.username}
    async with temporal(request) as client:
        result = await operations.take_step(
            client,
            case_id,
            step,
            fields,
            update_id=update_id(user, idempotency_key, f"{case_id}:{step}"),
            register=get_register(request),
        )
    await record_case_access(request, user, case_id, f"skridt {step}")
    return result
