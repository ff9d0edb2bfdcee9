"""Charts as inline SVG, drawn on the server: no script, no library, no inline
styles (the CSP forbids them). Colours come from sidecar.css classes, so they
follow light and dark mode; every chart has a title, a description and, in
the template, the same numbers as a table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

__all__ = ["bars_by_day", "ranked_bars"]


def _nice(top: int) -> int:
    """A round axis maximum at or above ``top``: 1, 2, 5 × 10ⁿ."""
    if top <= 0:
        return 1
    power: int = 10 ** math.floor(math.log10(top))
    for step in (1, 2, 5, 10):
        if top <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _label(day: date) -> str:
    return f"{day:%b} {day.day}"


def bars_by_day(series: Sequence[tuple[date, int]], title: str, unit: str, *, ident: str) -> Markup:
    """Vertical bars, one a day, with a three-line grid and first/middle/last dates."""
    width, height = 640, 200
    left, right, top, bottom = 40, 8, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice(max((v for _, v in series), default=0))
    step = plot_w / max(1, len(series))
    total = sum(v for _, v in series)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{total} {escape(unit)} in {len(series)} days; '
        f"the busiest day had {max((v for _, v in series), default=0)}.</desc>",
    ]
    for fraction in (0, 0.5, 1):
        y = top + plot_h - fraction * plot_h
        tick = f"{peak * fraction:g}"  # 2.5 on a 0–5 axis, never a rounded lie
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    for i, (day, value) in enumerate(series):
        h = plot_h * value / peak
        x = left + i * step + step * 0.15
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{top + plot_h - h:.1f}" '
            f'width="{step * 0.7:.1f}" height="{h:.1f}">'
            f"<title>{_label(day)}: {value} {escape(unit)}</title></rect>"
        )
    if series:
        last = len(series) - 1
        for i in sorted({0, last // 2, last}):
            x = left + i * step + step / 2
            anchor = "end" if i == last and last else "start" if i == 0 else "middle"
            if anchor != "middle":  # the outer labels line up with the plot's edges
                x = left if i == 0 else width - right
            parts.append(
                f'<text class="axis" x="{x:.1f}" y="{height - 8}" text-anchor="{anchor}">'
                f"{_label(series[i][0])}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above passed through escape()


def ranked_bars(rows: Sequence[tuple[str, int]], title: str, unit: str, *, ident: str) -> Markup:
    """Horizontal bars, largest first, each labelled with its name and count."""
    width, row_h = 640, 26
    height = max(1, len(rows)) * row_h + 8
    label_w = 260
    peak = max((v for _, v in rows), default=0) or 1
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        # str(): adding a Markup to a str would escape the str's tags.
        f'<desc id="{ident}-desc">'
        + (str(escape(", ".join(f"{n}: {v}" for n, v in rows))) if rows else "Nothing yet.")
        + "</desc>",
    ]
    if not rows:
        parts.append(f'<text class="axis" x="0" y="18">No {escape(unit)} yet.</text>')
    for i, (name, value) in enumerate(rows):
        y = 4 + i * row_h
        w = (width - label_w - 60) * value / peak
        shown = name if len(name) <= 38 else name[:37] + "…"
        parts.append(
            f'<text class="label" x="0" y="{y + 17}">{escape(shown)}</text>'
            f'<rect class="bar" x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}">'
            f"<title>{escape(name)}: {value} {escape(unit)}</title></rect>"
            f'<text class="axis" x="{label_w + w + 6:.1f}" y="{y + 17}">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above passed through escape()
