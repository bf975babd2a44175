"""Statistik: the kommune's figures for a period (issue 9 §1) as charts drawn on the server, each beside a
table with the same numbers and the figure's definition, and a CSV download. A GET form, so a period is
bookmarkable and the page works without JavaScript. Counts only: no case and no person is shown."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from casework.statistics import UNIT, period_problems
from domain.case_facts import local_date
from domain.stats import danish_number
from web.api.statistics import Reporter, report_for
from web.deps import get_accounts, get_clock
from web.templating import render

router = APIRouter(include_in_schema=False)

BAR_ROW = 26  # px per bar
LABEL_WIDTH = 220
BAR_WIDTH = 220
LABEL_CHARS = 30


def chart(chart_id: str, title: str, rows: list[tuple[str, float | int | None]], *, suffix: str = "", top: float | None = None) -> dict[str, Any]:
    """The geometry of a horizontal bar chart: one bar per (label, value), scaled to `top` or the largest
    value; a missing value draws no bar and shows '–'."""
    largest = top or max((v for _, v in rows if v is not None), default=0) or 1
    bars = []
    for i, (text, value) in enumerate(rows):
        short = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"
        width = 0 if value is None else round(BAR_WIDTH * value / largest)
        bars.append({"label": short, "y": BAR_ROW * i + 4, "width": width, "value": danish_number(value, suffix)})
    return {"id": chart_id, "title": title, "height": BAR_ROW * max(len(rows), 1) + 8, "bars": bars,
            "width": LABEL_WIDTH + BAR_WIDTH + 70, "bar_x": LABEL_WIDTH}  # fmt: skip


def charts(r: dict[str, Any], unit_names: dict[str, str]) -> dict[str, dict[str, Any]]:
    def named(row: dict[str, Any]) -> str:
        return unit_names.get(row["key"], row["label"])

    previous = r["previous_year"]
    g, a = r["genvurdering_outcomes"], r["ankestyrelsen_outcomes"]
    return {
        "received": chart("chart-received", "Klager modtaget, perioden og året før", [
            ("Realitetsklager", r["realitet"]), ("Realitetsklager året før", previous["realitet"]),
            ("Formalitetsklager", r["formalitet"]), ("Formalitetsklager året før", previous["formalitet"]),
        ]),
        "by_klaget_til": chart("chart-klaget-til", "Klager efter hvem der blev klaget til", [(row["label"], row["total"]) for row in r["by_klaget_til"]]),
        "by_unit": chart("chart-unit", "Klager efter enhed", [(named(row), row["total"]) for row in r["by_unit"]]),
        "by_lovomraade": chart("chart-law", "Klager efter lovområde", [(row["label"], row["total"]) for row in r["by_lovomraade"]]),
        "by_channel": chart("chart-channel", "Klager efter kanal", [(row["label"], row["total"]) for row in r["by_channel"]]),
        "genvurdering": chart("chart-genvurdering", "Genvurderingernes udfald", [
            ("Fuldt medhold", g["fuldt_medhold"]), ("Delvist medhold", g["delvist_medhold"]), ("Fastholdt", g["fastholdt"]),
        ]),
        "ankestyrelsen": chart("chart-ankestyrelsen", "Ankestyrelsens afgørelser", [
            ("Stadfæstet", a["stadfaestet"]), ("Ændret", a["aendret"]), ("Ophævet", a["ophaevet"]),
            ("Hjemvist", a["hjemvist"]), ("Afvist", a["afvist"]), ("Bortfaldet", a["bortfaldet"]),
        ]),
        "deadlines": chart("chart-deadlines", "Frister overholdt (procent)", [
            ("Genvurdering inden for 4 uger", r["genvurdering_within_4_weeks"]["percent"]),
            ("Aktindsigt inden for 7 arbejdsdage", r["aktindsigt_within_7_arbejdsdage"]["percent"]),
            ("Svar inden for servicemål", r["formal_answer_within_servicemaal"]["percent"]),
        ], suffix=" %", top=100),
        "days": chart("chart-days", "Dage pr. fase, median", [(row["label"], row["median"]) for row in r["days_per_phase"]]),
        "remands": chart("chart-remands", "Klager efter antal hjemvisninger", [
            (f"{row['remands']} hjemvisning{'er' if row['remands'] != 1 else ''}", row["cases"]) for row in r["remands"]["distribution"]
        ]),
    }  # fmt: skip


def _parse(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@router.get("/statistik", name="statistics")
async def statistics_page(request: Request, user: Reporter, fra: str = "", til: str = "", enhed: str = "") -> Response:
    today = local_date(get_clock(request)())
    values = {"fra": fra or date(today.year, 1, 1).isoformat(), "til": til or today.isoformat(), "enhed": enhed}
    units = await get_accounts(request).units(kommune=user.kommune)
    unit_names = {u.code: u.name for u in units}
    errors: dict[str, str] = {}
    start, end = _parse(values["fra"]), _parse(values["til"])
    if start is None:
        errors["fra"] = "Skriv startdatoen som ÅÅÅÅ-MM-DD."
    if end is None:
        errors["til"] = "Skriv slutdatoen som ÅÅÅÅ-MM-DD."
    if enhed and not UNIT.match(enhed):
        errors["enhed"] = "Vælg en af kommunens enheder."
    if start is not None and end is not None:
        for field, _, danish in period_problems(start, end):
            errors["fra" if field == "from" else "til"] = danish
    context: dict[str, Any] = {"active": "statistik", "values": values, "units": units, "errors": errors, "number": danish_number}
    if errors or start is None or end is None:
        return render(request, "statistics.html", context, status_code=422)
    report = await report_for(request, user, start, end, None, enhed or None)
    query = {"from": start.isoformat(), "to": end.isoformat(), **({"unit": enhed} if enhed else {}), "format": "csv"}
    return render(request, "statistics.html", context | {
        "r": report, "charts": charts(report, unit_names), "unit_names": unit_names,
        "csv_url": "/api/v1/statistics?" + urlencode(query),
    })  # fmt: skip
