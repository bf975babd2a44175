"""Which unit owns a new complaint (issue 7 §3: from the filer, or from the area's default unit).

A unit names the lovområder it handles (`units.areas`, e.g. "serviceloven"); a complaint's area is free
text such as "serviceloven § 83". The owner is, in this order: the unit the filer chose; the filer's
own unit that handles the area; the filer's own unit (the leder can reassign it); for a filer without
units (the borgerrådgiver registers complaints for the whole kommune) the kommune's unit that handles
the area. None means nobody can tell, and the filer must choose.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def handles(unit_areas: Iterable[str], area: str) -> bool:
    """True when the complaint's area falls under one of the unit's lovområder (prefix, any case)."""
    wanted = " ".join(area.casefold().split())
    return any(wanted.startswith(" ".join(a.casefold().split())) for a in unit_areas if a.strip())


def owning_unit(area: str, *, filer_units: Iterable[str], areas_by_unit: Mapping[str, Iterable[str]]) -> str | None:
    own = sorted(filer_units)
    for code in own:
        if handles(areas_by_unit.get(code, ()), area):
            return code
    if own:
        return own[0]
    matching = sorted(code for code, areas in areas_by_unit.items() if handles(areas, area))
    return matching[0] if matching else None
