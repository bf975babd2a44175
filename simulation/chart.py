"""The simulation's chart: open cases and overdue cases per week, as a self-contained SVG written by hand
(no plotting library)."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from simulation.driver import WeekSample

WIDTH, HEIGHT = 900, 420
LEFT, RIGHT, TOP, BOTTOM = 70, 30, 50, 60
SERIES = (("open", "Åbne sager", "#1f5fa8"), ("overdue", "Sager med overskredet frist", "#c0392b"))


def _nice_top(value: int) -> int:
    """The y axis' top: 1, 2 or 5 times a power of ten, at least `value`."""
    top = 1
    while True:
        for factor in (1, 2, 5):
            if top * factor >= value:
                return top * factor
        top *= 10


def weekly_chart(weeks: Sequence[WeekSample], *, title: str) -> str:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _nice_top(max([1, *(max(w.open, w.overdue) for w in weeks)]))
    step = plot_w / max(1, len(weeks) - 1)

    def x(i: int) -> float:
        return LEFT + i * step

    def y(v: int) -> float:
        return TOP + plot_h - plot_h * v / top

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{LEFT}" y="24" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    for k in range(5):  # horizontal grid lines with their values
        v = top * k // 4
        out.append(f'<line x1="{LEFT}" y1="{y(v):.1f}" x2="{WIDTH - RIGHT}" y2="{y(v):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 8}" y="{y(v) + 4:.1f}" text-anchor="end">{v}</text>')
    label_every = max(1, len(weeks) // 12)
    for i, week in enumerate(weeks):
        if i % label_every == 0:
            year, number, _ = week.week_of.isocalendar()
            out.append(f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">uge {number}</text>')
            if i == 0 or number <= label_every:
                out.append(f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 32}" text-anchor="middle">{year}</text>')
    out.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#333"/>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#333"/>'
    )
    for n, (attr, name, colour) in enumerate(SERIES):
        points = " ".join(f"{x(i):.1f},{y(getattr(w, attr)):.1f}" for i, w in enumerate(weeks))
        if points:
            out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}">'
                       f"<title>{escape(name)}</title></polyline>")  # fmt: skip
        lx = LEFT + 10 + n * 260
        out.append(f'<rect x="{lx}" y="{HEIGHT - 20}" width="14" height="4" fill="{colour}"/>')
        out.append(f'<text x="{lx + 20}" y="{HEIGHT - 14}">{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
