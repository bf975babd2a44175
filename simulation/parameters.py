"""The simulated kommune: every figure the scenario draws from, with its default and where it comes from.

Defaults are for a Copenhagen-sized Socialforvaltning (SEED 004, 2013) and the national Ankestyrelsen
figures (2019); see docs/legal-reference.md §4.3-4.4. Figures marked
[UNVERIFIED] or [ASSUMED] have no source: they are the knobs to turn with `--set name=value`.
"""

from __future__ import annotations

import difflib
import math
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from domain.errors import InvalidInput

MAX_MONTHS = 36  # the longest period a simulation takes (the CLI's and the web's --months)


class Parameters(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # --- arrivals (Poisson per working day) ---------------------------------------------------------
    realitet_per_month: float = Field(
        213, ge=0, le=5000, description="realitetsklager received per month (SEED 004: KK 2013, 2,560 a year)"
    )
    formal_per_month: float = Field(
        54, ge=0, le=5000, description="formalitetsklager received per month (SEED 004: KK 2013, 642 a year)"
    )
    klagepunkter_mean: float = Field(
        3.49, ge=1, le=20, description="klagepunkter per formal complaint, 1 + Poisson (SEED 003: 328 from 94)"
    )

    # --- the kommune's caseworkers and the genvurdering (rsl § 66) ----------------------------------------
    sagsbehandlere: int = Field(
        11, ge=0, le=1000, description="sagsbehandlere doing genvurderinger [ASSUMED: near saturation for KK; "
        "in the scenario alone about 85 % of genvurderinger within 4 weeks, 91 % with 12, 49 % with 10]"
    )
    genvurderinger_per_day: float = Field(
        0.9, gt=0, le=50, description="genvurderinger one sagsbehandler finishes per working day [ASSUMED]"
    )
    genvurdering_prep_days: float = Field(
        14, ge=0, le=365, description="median calendar days before a case is ready for its genvurdering "
        "(lognormal, sigma 0.5) [ASSUMED]"
    )
    genvurdering_fuldt_medhold: float = Field(
        0.10, ge=0, le=1, description="share of genvurderinger giving fuldt medhold (docs/legal-reference.md §4.4: 10-20 % "
        "full or partial [UNVERIFIED])"
    )
    genvurdering_delvist_medhold: float = Field(
        0.05, ge=0, le=1, description="share giving delvist medhold; the case still goes to Ankestyrelsen [UNVERIFIED]"
    )

    # --- Ankestyrelsen -------------------------------------------------------------------------------------
    kvittering_days: float = Field(
        7, ge=1, le=90, description="days from oversendelse to Ankestyrelsen's kvittering [ASSUMED]"
    )
    ankestyrelsen_days_median: float = Field(
        122, ge=1, le=1000, description="median days at Ankestyrelsen, lognormal (R36: 126 days average 2019; "
        "docs/legal-reference.md §4.4: about 4 months)"
    )
    ankestyrelsen_days_p90: float = Field(
        213, ge=1, le=2000, description="90th percentile of the days at Ankestyrelsen (R35: 90 % within 7 months)"
    )
    ankestyrelsen_afvist_bortfaldet: float = Field(
        0.09, ge=0, le=1, description="share afvist or bortfaldet (R36: about 2,400 of 26,400 in 2019)"
    )
    ankestyrelsen_aendret_ophaevet: float = Field(
        0.142, ge=0, le=1, description="share ændret or ophævet of those realitetsbehandlet (R36: 14.2 %)"
    )
    ankestyrelsen_hjemvist: float = Field(
        0.183, ge=0, le=1, description="share hjemvist of those realitetsbehandlet (R36: 18.3 %)"
    )

    # --- hjemvisning loops (docs/legal-reference.md §2.5) --------------------------------------------------
    genbehandling_days: float = Field(
        30, ge=1, le=365, description="median days from hjemvisning to the kommune's new decision [ASSUMED]"
    )
    new_decision_bevilling: float = Field(
        0.3, ge=0, le=1, description="share of new decisions granting everything (closes the case) [ASSUMED]"
    )
    complain_again: float = Field(
        0.5, ge=0, le=1, description="chance the citizen complains about a new decision that does not grant "
        "everything (a new round) [ASSUMED]"
    )
    complain_again_days: float = Field(
        14, ge=1, le=27, description="days from the new decision to the new complaint, within the 4-week "
        "klagefrist [ASSUMED]"
    )

    # --- the formal track (docs/legal-reference.md §2.9) ---------------------------------------------------
    formal_answer_days: float = Field(
        20, ge=1, le=365, description="median days until the forvaltning answers a formal complaint [ASSUMED]"
    )
    formal_kritik: float = Field(
        0.3, ge=0, le=1, description="share of formal klagepunkter answered with kritik or beklagelse [ASSUMED]"
    )

    @model_validator(mode="after")
    def _mixes(self) -> "Parameters":
        if self.genvurdering_fuldt_medhold + self.genvurdering_delvist_medhold > 1:
            raise ValueError("genvurdering_fuldt_medhold + genvurdering_delvist_medhold must be at most 1")
        if self.ankestyrelsen_aendret_ophaevet + self.ankestyrelsen_hjemvist > 1:
            raise ValueError("ankestyrelsen_aendret_ophaevet + ankestyrelsen_hjemvist must be at most 1")
        if self.ankestyrelsen_days_p90 < self.ankestyrelsen_days_median:
            raise ValueError("ankestyrelsen_days_p90 must be at least ankestyrelsen_days_median")
        return self

    @property
    def ankestyrelsen_sigma(self) -> float:
        """The lognormal's sigma from its median and 90th percentile (z(0.9) = 1.2816)."""
        return math.log(self.ankestyrelsen_days_p90 / self.ankestyrelsen_days_median) / 1.2816

    def with_settings(self, assignments: list[str]) -> "Parameters":
        """These parameters with `name=value` assignments applied; an unknown name or a bad value is
        refused with what is allowed."""
        return self.model_validate({**self.model_dump(), **parse_assignments(assignments, base=self)})

    @classmethod
    def describe(cls) -> list[dict[str, Any]]:
        return [
            {"name": name, "default": field.default, "description": field.description}
            for name, field in cls.model_fields.items()
        ]


class InvalidSetting(InvalidInput):
    """A `name=value` change that cannot be applied. `names` are the parameters it is about (none for an
    assignment without a name), so the web can name the field; the message is the CLI's one line."""

    def __init__(self, message: str, names: list[str]) -> None:
        super().__init__(message)
        self.names = names


def _named_in(message: str, given: dict[str, str]) -> list[str]:
    """The given parameters a rule over several of them names in its message (the checks of `_mixes`)."""
    return [name for name in given if re.search(rf"\b{name}\b", message)]


def parse_assignments(assignments: list[str], *, base: Parameters | None = None) -> dict[str, str]:
    """`name=value` strings as a dict, checked against the parameters' names and each value's type and
    range (InvalidSetting with a one-line explanation)."""
    values: dict[str, str] = {}
    for assignment in assignments:
        name, sep, value = assignment.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise InvalidSetting(f"--set '{assignment}': write name=value, e.g. sagsbehandlere=13", [name] if name else [])
        if name not in Parameters.model_fields:
            close = difflib.get_close_matches(name, Parameters.model_fields, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            raise InvalidSetting(
                f"--set {name}: no such simulation parameter; {hint}the parameters are: "
                f"{', '.join(Parameters.model_fields)}",
                [name],
            )
        values[name] = value
    try:
        Parameters.model_validate({**(base or Parameters()).model_dump(), **values})
    except ValidationError as error:
        problems, names = [], []
        for item in error.errors():
            where = ".".join(str(p) for p in item["loc"])
            message = item["msg"].removeprefix("Value error, ")
            given = f" (given {values[where]!r})" if where in values else ""
            problems.append(f"{where}: {message}{given}" if where else message)
            names += [where] if where else _named_in(message, values)
        raise InvalidSetting("--set: " + "; ".join(problems), list(dict.fromkeys(names))) from None
    return values
