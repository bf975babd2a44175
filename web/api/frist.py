"""The frist calculator over HTTP: domain.deadlines.frist_report with its Danish explanations."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, model_validator

from domain.calendar import CalendarProfile
from domain.deadlines import Deadline, frist_report
from web.api.casework import core_settings
from web.auth import CurrentUser
from web.problems import problem_responses

router = APIRouter(tags=["frist"])


class FristIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    received: date | None = None  # the day the decision was received: the klagefrist
    aktindsigt_requested: date | None = None
    aktindsigt_answered: date | None = None
    complaint_received: date | None = None  # the day the complaint arrived: the genvurdering
    profile: CalendarProfile | None = None  # the kommune's setting when left out

    @model_validator(mode="after")
    def _something_to_count(self) -> "FristIn":
        if self.received is None and self.complaint_received is None:
            raise ValueError(
                "give received (the day the decision was received: the klagefrist) or complaint_received "
                "(the day the complaint arrived: the genvurdering), or both"
            )
        return self


class FristOut(BaseModel):
    profile: CalendarProfile
    klagefrist: Deadline | None
    aktindsigt_answer_due: Deadline | None
    genvurdering_due: Deadline | None


@router.post(
    "/frist",
    response_model=FristOut,
    responses=problem_responses(401, 422),
    summary="Compute the frister of a decision with the rules that gave them (explanation in Danish)",
)
async def frist(body: FristIn, request: Request, user: CurrentUser) -> FristOut:
    profile = body.profile or core_settings(request).calendar_profile
    report = frist_report(
        body.received,
        aktindsigt_requested=body.aktindsigt_requested,
        aktindsigt_answered=body.aktindsigt_answered,
        complaint_received=body.complaint_received,
        profile=profile,
    )
    return FristOut(profile=profile, **report)
