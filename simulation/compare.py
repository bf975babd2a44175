"""Two simulated years side by side: the figures of the statistics report that a changed parameter moves."""

from __future__ import annotations

from typing import Any

from domain.stats import danish_number


def key_figures(report: dict[str, Any]) -> dict[str, float | int | None]:
    """The report's headline figures, flat: counts, compliance, omgørelse, medians per phase."""
    figures: dict[str, float | int | None] = {
        "received": report["received"],
        "genvurdering_within_4_weeks_percent": report["genvurdering_within_4_weeks"]["percent"],
        "genvurderinger": report["genvurdering_outcomes"]["total"],
        "genvurdering_fuldt_medhold": report["genvurdering_outcomes"]["fuldt_medhold"],
        "ankestyrelsen_decisions": report["ankestyrelsen_outcomes"]["total"],
        "omgoerelsesprocent": report["omgoerelsesprocent"],
        "remanded_cases": report["remands"]["remanded_cases"],
        "rounds_after_hjemvisning": report["remands"]["rounds_after_hjemvisning"],
        "still_open": report["still_open"],
        "overdue_now": report["overdue_now"],
    }
    for row in report["days_per_phase"]:
        figures[f"days_{row['phase']}_median"] = row["median"]
    return figures


def difference(base: dict[str, Any], changed: dict[str, Any]) -> list[dict[str, Any]]:
    a, b = key_figures(base), key_figures(changed)
    rows = []
    for name in a:
        delta = None if a[name] is None or b[name] is None else round(b[name] - a[name], 1)
        rows.append({"figure": name, "base": a[name], "changed": b[name], "difference": delta})
    return rows


def render_difference(rows: list[dict[str, Any]], *, setting: list[str]) -> str:
    width = max(len(r["figure"]) for r in rows)
    lines = [f"Forskel med {' '.join(setting)} (samme seed):", ""]
    lines.append(f"{'tal':<{width}}  {'grundforløb':>12}  {'ændret':>12}  {'forskel':>10}")
    for r in rows:
        sign = "+" if r["difference"] is not None and r["difference"] > 0 else ""
        lines.append(
            f"{r['figure']:<{width}}  {danish_number(r['base']):>12}  {danish_number(r['changed']):>12}  "
            f"{sign + danish_number(r['difference']):>10}"
        )
    return "\n".join(lines)
