"""The owner of a new complaint: the filer's unit for the area, the filer's unit, or the area's unit."""

from domain.owners import handles, owning_unit

AREAS = {"ydelse": ("lov om aktiv socialpolitik", "pensionsloven"), "handicap": ("serviceloven", "barnets lov")}


def test_an_area_falls_under_a_law_by_its_name_whatever_the_case_and_spacing() -> None:
    assert handles(("serviceloven",), "Serviceloven  § 83")
    assert handles(("lov om aktiv socialpolitik",), "lov om  aktiv socialpolitik § 34")
    assert not handles(("serviceloven",), "barnets lov § 32")
    assert not handles(("", "  "), "serviceloven § 83")  # an empty area handles nothing


def test_the_filers_own_unit_for_the_area_comes_first() -> None:
    assert owning_unit("serviceloven § 83", filer_units={"ydelse", "handicap"}, areas_by_unit=AREAS) == "handicap"
    assert owning_unit("pensionsloven § 14", filer_units={"ydelse", "handicap"}, areas_by_unit=AREAS) == "ydelse"


def test_a_filer_with_units_keeps_the_case_when_none_of_them_handles_the_area() -> None:
    assert owning_unit("serviceloven § 83", filer_units={"ydelse"}, areas_by_unit=AREAS) == "ydelse"


def test_a_filer_without_units_gets_the_areas_unit_or_nothing() -> None:
    assert owning_unit("barnets lov § 32", filer_units=(), areas_by_unit=AREAS) == "handicap"
    assert owning_unit("byggeloven § 16", filer_units=(), areas_by_unit=AREAS) is None
