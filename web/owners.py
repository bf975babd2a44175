"""Who owns a complaint filed over the web: its unit and sagsbehandler, decided once for the page and the
API (the rule itself is domain/owners.py)."""

from __future__ import annotations

from fastapi import Request

from domain.owners import owning_unit
from store.accounts import Role
from web.auth import User
from web.deps import get_accounts
from web.problems import FieldError, Problem, forbidden

# The borgerrådgiver registers complaints for the whole kommune (issue 7 §2); the admin files none.
FILERS = (Role.SAGSBEHANDLER, Role.LEDER, Role.BORGERRAADGIVER)


async def filing_owner(request: Request, user: User, *, area: str, unit: str | None = None) -> tuple[str, str | None]:
    """(unit, assignee) for a complaint `user` files about `area`, or a problem saying why not."""
    if not user.has_role(*FILERS):
        raise forbidden(detail="Your role does not file complaints.", detail_da="Din rolle kan ikke oprette klager.")
    kommune_units = {u.code: u.areas for u in await get_accounts(request).units(kommune=user.kommune)}
    if unit is None:
        unit = owning_unit(area, filer_units=user.units, areas_by_unit=kommune_units)
    if unit is None:
        raise Problem(
            422,
            "validation",
            title="No unit handles this area",
            title_da="Ingen enhed behandler lovområdet",
            detail=f"unit: no unit of kommune {user.kommune} handles '{area}'; give the unit or the law's name first.",
            detail_da="Ingen enhed behandler dette lovområde. Skriv lovens navn først (fx 'serviceloven § 83'), eller vælg enheden.",
            errors=[FieldError("unit", "unit_for_area", "Vælg den enhed, der skal behandle klagen.", "Give the unit.")],
        )
    may_file = user.can_act_on(unit) or (user.is_borgerraadgiver and unit in kommune_units)
    if not may_file:
        raise forbidden(
            detail=f"You can file complaints only for your own units ({', '.join(sorted(user.units)) or 'none'}).",
            detail_da="Du kan kun oprette klager i dine egne enheder.",
        )
    return unit, user.username if user.is_sagsbehandler and unit in user.units else None
