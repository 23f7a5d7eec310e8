"""Small SVG charts drawn on the server: no chart library and nothing fetched by the browser.

Labels are text (Chinese included) set in the page's CJK font; every value is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ("#2f6f9f", "#d98b2b", "#5a9e6f", "#b5525c", "#7b68a6", "#8a8a8a")
STATUS_COLOURS = {
    "met": "#3f8f5b",
    "partly": "#d9a531",
    "missed": "#c0504d",
    "unknown": "#9aa3ad",
    "not_yet_due": "#6d8fb3",
}
FONT = 'font-family="Noto Sans CJK SC, Noto Sans SC, WenQuanYi Zen Hei, Microsoft YaHei, sans-serif"'


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:g}"


def bars(
    categories: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    title: str = "",
    unit: str = "",
    width: int = 640,
) -> str:
    """Grouped horizontal bars: one row per category, one bar per series."""
    n_series = max(1, len(series))
    row_h = 14 * n_series + 12
    label_w = 150
    top = 34 if title else 12
    legend_h = 22
    height = top + row_h * len(categories) + legend_h + 8
    values = [v for vs in series.values() for v in vs if v is not None]
    lo = min(0.0, min(values, default=0.0))
    hi = max(0.0, max(values, default=1.0)) or 1.0
    span = (hi - lo) or 1.0
    plot_w = width - label_w - 60

    def x(v: float) -> float:
        return label_w + (v - lo) / span * plot_w

    out = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" {FONT}>'
    ]
    if title:
        out.append(f'<text x="0" y="18" font-size="14" font-weight="600" fill="#222">{escape(title)}</text>')
    out.append(
        f'<line x1="{x(0):.1f}" y1="{top - 4}" x2="{x(0):.1f}" y2="{top + row_h * len(categories)}" '
        'stroke="#bbb"/>'
    )
    for i, cat in enumerate(categories):
        y0 = top + i * row_h
        out.append(
            f'<text x="{label_w - 8}" y="{y0 + row_h / 2 + 4:.1f}" font-size="12" text-anchor="end" '
            f'fill="#333">{escape(cat[:12])}</text>'
        )
        for j, (name, vs) in enumerate(series.items()):
            v = vs[i]
            if v is None:
                continue
            y = y0 + 6 + j * 14
            a, b = sorted((x(0), x(v)))
            colour = PALETTE[j % len(PALETTE)]
            out.append(
                f'<rect x="{a:.1f}" y="{y}" width="{max(1.0, b - a):.1f}" height="11" rx="2" '
                f'fill="{colour}"><title>{escape(name)}: {escape(_fmt(v))}{escape(unit)}</title></rect>'
            )
            out.append(
                f'<text x="{b + 4:.1f}" y="{y + 9}" font-size="10" fill="#444">{escape(_fmt(v))}'
                f"{escape(unit)}</text>"
            )
    ly = height - 10
    lx = label_w
    for j, name in enumerate(series):
        out.append(f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="{PALETTE[j % len(PALETTE)]}"/>')
        out.append(f'<text x="{lx + 14}" y="{ly}" font-size="11" fill="#333">{escape(name)}</text>')
        lx += 24 + 12 * len(name) + 20
    out.append("</svg>")
    return "".join(out)


def status_mix(counts: dict[str, int], *, width: int = 640, labels: dict[str, str] | None = None) -> str:
    """One stacked bar of ratings with a legend."""
    total = sum(counts.values()) or 1
    height = 64
    out = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="status mix" {FONT}>'
    ]
    x = 0.0
    for status, n in counts.items():
        w = n / total * width
        if n:
            out.append(
                f'<rect x="{x:.1f}" y="4" width="{w:.1f}" height="24" fill="{STATUS_COLOURS.get(status, "#999")}">'
                f"<title>{escape((labels or {}).get(status, status))}: {n}</title></rect>"
            )
        x += w
    lx = 0
    for status, n in counts.items():
        name = f"{(labels or {}).get(status, status)} {n}"
        out.append(
            f'<rect x="{lx}" y="42" width="10" height="10" fill="{STATUS_COLOURS.get(status, "#999")}"/>'
        )
        out.append(f'<text x="{lx + 14}" y="51" font-size="11" fill="#333">{escape(name)}</text>')
        lx += 30 + 12 * len(name)
    out.append("</svg>")
    return "".join(out)
