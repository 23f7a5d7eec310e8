"""Small SVG charts drawn on the server: no chart library and nothing fetched by the browser.

The primitives here (the font stack, the palette and status colours, escaping, a linear
scale, nice axis steps, grid lines with ticks, bars, legends and labels) are the only SVG
drawing code of the package: the web pages' charts (:func:`bars`, :func:`status_mix`) and
the 数读 reading's charts (publish/digest/figures.py) are both built from them.

Labels are text (Chinese included) set in the page's CJK font; every value is escaped."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from workreport.rules.numbers import scaled

PALETTE = ("#2f6f9f", "#d98b2b", "#5a9e6f", "#b5525c", "#7b68a6", "#8a8a8a")
STATUS_COLOURS = {
    "met": "#3f8f5b",
    "partly": "#d9a531",
    "missed": "#c0504d",
    "unknown": "#9aa3ad",
    "not_yet_due": "#6d8fb3",
}
FONT_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Zen Hei", "Microsoft YaHei")
# the same fonts as a CSS font-family value, and as the attribute an <svg> carries
FONT_STACK = ",".join(f'"{f}"' for f in FONT_FAMILIES) + ",sans-serif"
FONT = 'font-family="' + ", ".join(FONT_FAMILIES) + ', sans-serif"'


def esc(s: str) -> str:
    """Text or an attribute value, escaped for HTML and SVG (quotes included)."""
    return html.escape(s, quote=True)


def coord(v: float) -> str:
    """A coordinate as SVG attributes take it: one decimal, none when it is whole."""
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


def _fmt(v: float) -> str:
    """A tick or bar label as a report writes numbers: 1.37万亿, 3420亿, 6.5 (rules.numbers)."""
    number, scale = scaled(v)
    return number + scale


@dataclass(frozen=True, slots=True)
class Scale:
    """A linear map from values ``[lo, hi]`` to x positions ``[left, right]``."""

    lo: float
    hi: float
    left: float
    right: float

    def __call__(self, v: float) -> float:
        """The x position of the value ``v``."""
        return self.left + (v - self.lo) / ((self.hi - self.lo) or 1.0) * (self.right - self.left)


def nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) that cuts ``span`` into about ``ticks``."""
    raw = span / max(1, ticks)
    if raw <= 0:
        return 1.0
    mag = 10 ** int(f"{raw:e}".split("e")[1])
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return float(m * mag)
    return float(10 * mag)


def nice_range(values: Sequence[float], *, minimum_step: float = 0.0) -> tuple[float, float, float]:
    """(lo, hi, step): a range from a multiple of ``step`` to another that holds 0 and ``values``."""
    lo, hi = min(0.0, *values), max(0.0, *values)
    step = max(minimum_step, nice_step(hi - lo or 1.0))
    lo = step * (lo // step)
    hi = step * -(-hi // step)
    if hi <= lo:
        hi = lo + step
    return lo, hi, step


def tick_label(v: float, unit: str = "") -> str:
    """An axis tick: the value without float noise, then its unit."""
    return f"{v:.10g}{unit}"


def svg_open(width: int, height: int, label: str) -> str:
    """The opening <svg> tag of a chart ``width`` by ``height`` that scales to its box: for a
    chart inline in an HTML page (no namespace: the page must link nowhere, not even to w3.org)."""
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{esc(label)}" {FONT}>'
    )


def _paint(fill: str | None, cls: str | None) -> str:
    return (f' class="{esc(cls)}"' if cls else "") + (f' fill="{esc(fill)}"' if fill else "")


def rect(
    x: float,
    y: float,
    width: float,
    height: float,
    *,
    fill: str | None = None,
    cls: str | None = None,
    rx: float = 0,
    title: str | None = None,
) -> str:
    """A rectangle painted by colour (``fill``) or by the page's CSS (``cls``), with a tooltip."""
    out = (
        f'<rect x="{coord(x)}" y="{coord(y)}" width="{coord(width)}" height="{coord(height)}"'
        + (f' rx="{coord(rx)}"' if rx else "")
        + _paint(fill, cls)
    )
    return out + (f"><title>{esc(title)}</title></rect>" if title is not None else "/>")


def bar(
    a: float, b: float, y: float, height: float, *, fill: str | None = None, cls: str | None = None,
    title: str | None = None, rx: float = 2,
) -> str:
    """A horizontal bar between the x positions ``a`` and ``b`` (in either order), at least 1 wide."""
    x0, x1 = sorted((a, b))
    return rect(x0, y, max(1.0, x1 - x0), height, fill=fill, cls=cls, rx=rx, title=title)


def text(
    x: float,
    y: float,
    content: str,
    *,
    cls: str | None = None,
    size: int | None = None,
    fill: str | None = None,
    anchor: str | None = None,
    middle: bool = False,
    weight: str | None = None,
    markup: bool = False,
) -> str:
    """A <text> at (x, y): ``content`` escaped, or as given when it is ``markup`` (links, tspans)."""
    attrs = f'x="{coord(x)}" y="{coord(y)}"' + _paint(fill, cls)
    if size:
        attrs += f' font-size="{size}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    if anchor:
        attrs += f' text-anchor="{anchor}"'
    if middle:
        attrs += ' dominant-baseline="middle"'
    return f"<text {attrs}>{content if markup else esc(content)}</text>"


def legend(
    entries: Sequence[tuple[str, str]], x: float, y: float, *, by_class: bool = False, gap: int = 20
) -> list[str]:
    """A row of swatches with their names, from (x, y): (name, colour), or (name, CSS class)."""
    out: list[str] = []
    for name, paint in entries:
        fill, cls = (None, paint) if by_class else (paint, None)
        if by_class:
            out.append(rect(x, y, 12, 12, cls=cls, rx=2))
            out.append(text(x + 18, y + 6, name, cls="legend", middle=True))
        else:
            out.append(rect(x, y, 10, 10, fill=fill))
            out.append(text(x + 14, y + 9, name, size=11, fill="#333"))
        x += 24 + 12 * len(name) + gap
    return out


def grid(
    scale: Scale, step: float, top: float, bottom: float, unit: str = "", *, zero: bool = False
) -> list[str]:
    """Vertical grid lines from ``top`` to ``bottom`` every ``step``, each with its tick below
    (the line at 0 marked as such when ``zero``)."""
    out: list[str] = []
    v = scale.lo
    while v <= scale.hi + step / 1000:
        gx = scale(v)
        cls = "axis zero" if zero and abs(v) < 1e-12 else "axis"
        out.append(f'<line x1="{coord(gx)}" y1="{coord(top)}" x2="{coord(gx)}" y2="{coord(bottom)}" class="{cls}"/>')
        out.append(text(gx, bottom + 14, tick_label(v, unit), cls="tick", anchor="middle"))
        v += step
    return out


def row_label(
    x: float, y: float, name: str, *, cls: str | None = None, size: int | None = None,
    fill: str | None = None, middle: bool = False,
) -> str:
    """A category's name, right-aligned so that it ends at ``x``."""
    return text(x, y, name, cls=cls, size=size, fill=fill, anchor="end", middle=middle)


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
    x = Scale(lo, hi, label_w, width - 60)

    out = [svg_open(width, height, title)]
    if title:
        out.append(text(0, 18, title, size=14, weight="600", fill="#222"))
    bottom = top + row_h * len(categories)
    out.append(f'<line x1="{coord(x(0))}" y1="{top - 4}" x2="{coord(x(0))}" y2="{bottom}" stroke="#bbb"/>')
    for i, cat in enumerate(categories):
        y0 = top + i * row_h
        out.append(row_label(label_w - 8, y0 + row_h / 2 + 4, cat[:12], size=12, fill="#333"))
        for j, (name, vs) in enumerate(series.items()):
            v = vs[i]
            if v is None:
                continue
            y = y0 + 6 + j * 14
            shown = f"{_fmt(v)}{unit}"
            out.append(bar(x(0), x(v), y, 11, fill=PALETTE[j % len(PALETTE)], title=f"{name}: {shown}"))
            out.append(text(max(x(0), x(v)) + 4, y + 9, shown, size=10, fill="#444"))
    names = [(name, PALETTE[j % len(PALETTE)]) for j, name in enumerate(series)]
    out += legend(names, label_w, height - 19)
    out.append("</svg>")
    return "".join(out)


def status_mix(counts: dict[str, int], *, width: int = 640, labels: dict[str, str] | None = None) -> str:
    """One stacked bar of ratings with a legend."""
    total = sum(counts.values()) or 1
    names = labels or {}
    out = [svg_open(width, 64, "status mix")]
    x = 0.0
    for status, n in counts.items():
        w = n / total * width
        if n:
            colour = STATUS_COLOURS.get(status, "#999")
            out.append(rect(x, 4, w, 24, fill=colour, title=f"{names.get(status, status)}: {n}"))
        x += w
    entries = [(f"{names.get(s, s)} {n}", STATUS_COLOURS.get(s, "#999")) for s, n in counts.items()]
    out += legend(entries, 0, 42, gap=6)
    out.append("</svg>")
    return "".join(out)
