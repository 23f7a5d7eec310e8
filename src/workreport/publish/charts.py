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


def _text_width(s: str, size: int = 12) -> int:
    """About how wide ``s`` is at font ``size``: a CJK or full-width character a whole em, others half."""
    return int(sum(size if ord(ch) > 0x2E7F else size * 0.6 for ch in s))


def _fit(s: str, room: int, size: int = 12) -> str:
    """``s`` whole if it fits in ``room`` units, else cut with an ellipsis."""
    if _text_width(s, size) <= room:
        return s
    while s and _text_width(s + "…", size) > room:
        s = s[:-1]
    return s + "…"


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
    # room for the longest category name (a CJK character is about 12 units wide at size 12),
    # up to half the chart: names are shown whole, not cut
    label_w = min(width // 2, max(150, 16 + max((_text_width(c) for c in categories), default=0)))
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
        out.append(row_label(label_w - 8, y0 + row_h / 2 + 4, _fit(cat, label_w - 12), size=12, fill="#333"))
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


# --------------------------------------------------------------------------- grapher and escalation
#
# Charts people download as well as see: every colour, line and font is an attribute (no CSS
# class), so the same SVG reads alike inline, as a file and drawn onto a canvas for a PNG.

from workreport.rules.numbers import UNIT_WORDS, plain_number  # noqa: E402

INK, MUTED, GRID = "#1f2933", "#6b7785", "#e3e7ec"


def axis_value(v: float, unit: str | None) -> str:
    """An axis tick as people write it: 8%, 2个百分点, 50万亿元, 1200万人, 第3位."""
    if unit == "%":
        return plain_number(v) + "%"
    if unit == "pp":
        return plain_number(v) + "个百分点"
    if unit == "rank":
        return f"第{plain_number(v)}位"
    number, scale = scaled(v)
    return number + scale + UNIT_WORDS.get(unit or "", "")


def text_width(s: str, size: float) -> float:
    """About how wide ``s`` is set at ``size``: a CJK character is a square, others about half."""
    return sum(size if ord(c) > 0x2E80 else size * 0.58 for c in s)


def _open(width: int, height: int, label: str, standalone: bool) -> str:
    """The <svg> opening: inline (scales to its box) or a standalone file (namespaced, sized, on white)."""
    if not standalone:
        return svg_open(width, height, label)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{esc(label)}" {FONT}>'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>'
    )


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1, dash: str = "") -> str:
    return (
        f'<line x1="{coord(x1)}" y1="{coord(y1)}" x2="{coord(x2)}" y2="{coord(y2)}" stroke="{stroke}" '
        f'stroke-width="{coord(width)}"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"
    )


def _titled(title: str, body: str) -> str:
    """A group with a tooltip (<title>) around ``body``."""
    return f"<g><title>{esc(title)}</title>{body}</g>"


def target_mark(x: float, y_lo: float, y_hi: float, comparator: str, colour: str, *, size: float = 7) -> str:
    """A target drawn at x, values along y: a band for a range, a cap with an arrow away from it
    for 以上 (up) and 以内 (down), a ring for 左右, a diamond for a plain number."""
    s = size
    if comparator == "range" and abs(y_hi - y_lo) > 0.5:
        top, bottom = sorted((y_lo, y_hi))
        return (
            f'<rect x="{coord(x - s)}" y="{coord(top)}" width="{coord(2 * s)}" height="{coord(bottom - top)}" '
            f'fill="{colour}" fill-opacity="0.25" stroke="{colour}" stroke-width="1.5" rx="2"/>'
        )
    y = y_lo
    if comparator in (">=", ">", "<=", "<"):
        d = -1 if comparator in (">=", ">") else 1  # up on screen is smaller y
        cap = _line(x - s, y, x + s, y, colour, 2.5)
        tip = y + d * (s + 3)
        arrow = (
            f'<path d="M{coord(x - s * 0.6)} {coord(y + d * 3)} L{coord(x + s * 0.6)} {coord(y + d * 3)} '
            f'L{coord(x)} {coord(tip)} Z" fill="{colour}"/>'
        )
        return cap + arrow
    if comparator == "~":
        return f'<circle cx="{coord(x)}" cy="{coord(y)}" r="{coord(s * 0.65)}" fill="#fff" stroke="{colour}" stroke-width="2"/>'
    r = s * 0.75
    return (
        f'<path d="M{coord(x)} {coord(y - r)} L{coord(x + r)} {coord(y)} L{coord(x)} {coord(y + r)} '
        f'L{coord(x - r)} {coord(y)} Z" fill="#fff" stroke="{colour}" stroke-width="2"/>'
    )


def row_mark(x_lo: float, x_hi: float, y: float, comparator: str, colour: str, *, size: float = 5) -> str:
    """:func:`target_mark` on a row, values along x: 以上 points right, 以内 left."""
    s = size
    if comparator == "range" and abs(x_hi - x_lo) > 0.5:
        left, right = sorted((x_lo, x_hi))
        return (
            f'<rect x="{coord(left)}" y="{coord(y - s)}" width="{coord(right - left)}" height="{coord(2 * s)}" '
            f'fill="{colour}" fill-opacity="0.25" stroke="{colour}" stroke-width="1.5" rx="2"/>'
        )
    x = x_lo
    if comparator in (">=", ">", "<=", "<"):
        d = 1 if comparator in (">=", ">") else -1  # more is to the right
        cap = _line(x, y - s, x, y + s, colour, 2.5)
        tip = x + d * (s + 3)
        arrow = (
            f'<path d="M{coord(x + d * 3)} {coord(y - s * 0.6)} L{coord(x + d * 3)} {coord(y + s * 0.6)} '
            f'L{coord(tip)} {coord(y)} Z" fill="{colour}"/>'
        )
        return cap + arrow
    return target_mark(x, y, y, comparator, colour, size=s)


@dataclass(frozen=True, slots=True)
class YearMark:
    """A target of one year: value (the low end of a range), high end, comparator, tooltip."""

    year: int
    value: float
    value_max: float | None
    comparator: str
    title: str


@dataclass(frozen=True, slots=True)
class YearValue:
    """An outcome of one year, and whether it is an estimate (预计)."""

    year: int
    value: float
    estimate: bool
    title: str


@dataclass(frozen=True, slots=True)
class PlaceSeries:
    """One place's targets and outcomes."""

    name: str
    targets: Sequence[YearMark]
    outcomes: Sequence[YearValue]


def _flow(items: Sequence[tuple[float, str]], x0: float, x_max: float, line_h: float) -> tuple[list[tuple[float, float, str]], int]:
    """Legend entries (width, key) laid out left to right, wrapping at ``x_max``: (x, row, key), rows."""
    out, x, row = [], x0, 0
    for w, key in items:
        if x > x0 and x + w > x_max:
            x, row = x0, row + 1
        out.append((x, row * line_h, key))
        x += w + 16
    return out, row + 1


def outcome_line(outcomes: Sequence[YearValue], x: Scale, y: Scale, colour: str) -> list[str]:
    """Outcomes across years: a line through consecutive years, a dot with a tooltip on each
    (faint for an estimate)."""
    out: list[str] = []
    pts = sorted(outcomes, key=lambda o: o.year)
    run: list[YearValue] = []
    for o in [*pts, None]:
        if o is not None and (not run or o.year == run[-1].year + 1):
            run.append(o)
            continue
        if len(run) > 1:
            path = " ".join(f"{coord(x(r.year))},{coord(y(r.value))}" for r in run)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.2" '
                       f'stroke-linejoin="round"/>')
        run = [o] if o is not None else []
    for o in pts:
        dot = (f'<circle cx="{coord(x(o.year))}" cy="{coord(y(o.value))}" r="3.4" fill="{colour}"'
               + (' fill-opacity="0.35"' if o.estimate else "") + f' stroke="{colour}" stroke-width="1.2"/>')
        out.append(_titled(o.title, dot))
    return out


def _legend_key(comparator: str) -> str:
    """The legend entry a target's comparator is drawn as."""
    return {">": ">=", "<": "<="}.get(comparator, comparator if comparator in ("range", ">=", "<=", "~") else "=")


def timeline(
    series: Sequence[PlaceSeries],
    *,
    start: int,
    end: int,
    unit: str | None,
    measure: str,
    title: str,
    subtitle: str = "",
    width: int = 760,
    standalone: bool = False,
    words: dict[str, str] | None = None,
) -> str:
    """Targets against outcomes across years, one colour per place: each year's target as a
    band (a range), a capped arrow (以上 up, 以内 down), a ring (左右) or a diamond (a plain
    number); the outcomes as a line with dots (hollow for an estimate). Values on the y axis in
    the unit as people write it; every mark has a tooltip."""
    def _(s: str) -> str:
        return (words or {}).get(s, s)

    narrow = width < 560
    size = 11
    left, right = (44 if narrow else 62), width - (10 if narrow else 18)
    top = 58 if subtitle else 40
    # legend: places, then the key of symbols
    places = [(26 + text_width(s.name, size), f"p{i}") for i, s in enumerate(series)]
    keys = [("range", _("区间目标")), (">=", _("目标以上")), ("<=", _("目标以内")), ("~", _("目标左右")),
            ("=", _("目标值")), ("line", _("实际")), ("estimate", _("预计"))]
    used = {_legend_key(m.comparator) for s in series for m in s.targets}
    used |= {"estimate" if o.estimate else "line" for s in series for o in s.outcomes}
    keys = [k for k in keys if k[0] in used]
    key_items = [(26 + text_width(k[1], size), f"k{i}") for i, k in enumerate(keys)]
    place_flow, place_rows = _flow(places, left, right, 18)
    key_flow, key_rows = _flow(key_items, left, right, 18)
    legend_h = 18 * (place_rows + key_rows) + 8
    plot_h = 220 if narrow else 280
    bottom = top + plot_h
    height = int(bottom + 26 + legend_h + 6)

    values = [v for s in series for m in s.targets for v in (m.value, m.value_max) if v is not None]
    values += [o.value for s in series for o in s.outcomes]
    lo, hi, step = nice_range(values or [0.0, 1.0])
    y = Scale(lo, hi, bottom, top)
    years = max(1, end - start + 1)
    band = (right - left) / years
    x = Scale(start - 0.5, end + 0.5, left, right)

    out = [_open(width, height, title, standalone)]
    out.append(text(left if narrow else 8, 20, title, size=15 if not narrow else 13, weight="600", fill=INK))
    if subtitle:
        out.append(text(left if narrow else 8, 40, subtitle, size=11, fill=MUTED))
    v = lo
    while v <= hi + step / 1000:
        gy = y(v)
        out.append(_line(left, gy, right, gy, "#9aa3ad" if abs(v) < 1e-12 else GRID, 1))
        out.append(text(left - 6, gy + 4, axis_value(v, unit), size=10 if narrow else 11, fill=MUTED, anchor="end"))
        v += step
    # years: a tick each year, a label as often as there is room
    every = next(k for k in (1, 2, 5, 10, 20, 50, 100) if years / k * 36 <= right - left)
    for year in range(start, end + 1):
        gx = x(year)
        out.append(_line(gx, bottom, gx, bottom + 4, "#9aa3ad"))
        if (year - start) % every == 0 or (year == end and (end - start) % every >= every / 2):
            out.append(text(gx, bottom + 17, str(year), size=10 if narrow else 11, fill=MUTED, anchor="middle"))
    mark_w = max(3.0, min(8.0, band * 0.3 / max(1, len(series))))
    per_year: dict[int, list[int]] = {}
    for i, s in enumerate(series):
        for year in sorted({m.year for m in s.targets}):
            per_year.setdefault(year, []).append(i)
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        out += outcome_line(s.outcomes, x, y, colour)
        # targets on their year; places with a target the same year side by side within it
        for m in s.targets:
            sharing = per_year[m.year]
            offset = (sharing.index(i) - (len(sharing) - 1) / 2) * (mark_w * 2 + 2)
            hi_v = m.value_max if m.value_max is not None else m.value
            out.append(_titled(m.title, target_mark(x(m.year) + offset, y(m.value), y(hi_v), m.comparator,
                                                     colour, size=mark_w)))
    # legend
    ly = bottom + 34
    for (lx, dy, _key), s_i in zip(place_flow, range(len(series)), strict=True):
        colour = PALETTE[s_i % len(PALETTE)]
        out.append(_line(lx, ly + dy, lx + 18, ly + dy, colour, 2.5))
        out.append(f'<circle cx="{coord(lx + 9)}" cy="{coord(ly + dy)}" r="3" fill="{colour}"/>')
        out.append(text(lx + 24, ly + dy + 4, series[s_i].name, size=size, fill=INK))
    ky = ly + 18 * place_rows
    for (lx, dy, _key), (what, label) in zip(key_flow, keys, strict=True):
        cy = ky + dy
        if what == "line":
            out.append(_line(lx, cy, lx + 18, cy, MUTED, 2.2))
            out.append(f'<circle cx="{coord(lx + 9)}" cy="{coord(cy)}" r="3" fill="{MUTED}"/>')
        elif what == "estimate":
            out.append(f'<circle cx="{coord(lx + 9)}" cy="{coord(cy)}" r="3.4" fill="{MUTED}" fill-opacity="0.35" '
                       f'stroke="{MUTED}" stroke-width="1.2"/>')
        elif what == "range":
            out.append(target_mark(lx + 9, cy - 7, cy + 7, "range", MUTED, size=5))
        else:
            out.append(target_mark(lx + 9, cy + (4 if what == ">=" else -4 if what == "<=" else 0), cy, what, MUTED, size=5))
        out.append(text(lx + 24, cy + 4, label, size=size, fill=MUTED))
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class StripRow:
    """One place's target on the escalation chart: name, value (low end), high end, comparator,
    the target as written, tooltip."""

    name: str
    value: float
    value_max: float | None
    comparator: str
    label: str
    title: str


def target_strip(
    rows: Sequence[StripRow],
    *,
    unit: str | None,
    title: str,
    subtitle: str = "",
    reference: float | None = None,
    reference_label: str = "",
    width: int = 760,
    standalone: bool = False,
) -> str:
    """Targets of many places, one row each in the order given (sorted by the caller), on one
    value axis: bands for ranges, capped arrows for 以上/以内, rings for 左右; the level above's
    target as a dashed line."""
    narrow = width < 560
    row_h = 20
    label_w = max((text_width(r.name, 11) for r in rows), default=40) + 12
    label_w = min(label_w, 120 if narrow else 170)
    top = (58 if subtitle else 40) + 22
    left, right = label_w, width - (64 if narrow else 90)
    bottom = top + row_h * len(rows)
    height = bottom + 14
    values = [v for r in rows for v in (r.value, r.value_max) if v is not None]
    if reference is not None:
        values.append(reference)
    lo_v, hi_v = (min(values), max(values)) if values else (0.0, 1.0)
    step = nice_step((hi_v - lo_v) or abs(hi_v) or 1.0, 4 if narrow else 6)
    lo = step * (lo_v // step) - (step if lo_v % step == 0 else 0)
    hi = step * -(-hi_v // step) + (step if hi_v % step == 0 else 0)
    x = Scale(lo, hi, left, right)
    out = [_open(width, height, title, standalone)]
    out.append(text(4 if narrow else 8, 20, title, size=13 if narrow else 15, weight="600", fill=INK))
    if subtitle:
        out.append(text(4 if narrow else 8, 40, subtitle, size=11, fill=MUTED))
    v = lo
    while v <= hi + step / 1000:
        gx = x(v)
        out.append(_line(gx, top - 4, gx, bottom, GRID))
        out.append(text(gx, top - 9, axis_value(v, unit), size=10 if narrow else 11, fill=MUTED, anchor="middle"))
        v += step
    for i, r in enumerate(rows):
        cy = top + i * row_h + row_h / 2
        if i % 2 == 0:
            out.append(f'<rect x="0" y="{coord(cy - row_h / 2)}" width="{width}" height="{row_h}" fill="#f6f7f9"/>')
            out.append(_line(left, cy - row_h / 2, left, cy + row_h / 2, GRID))
        out.append(row_label(left - 8, cy + 4, r.name, size=11, fill=INK))
        hi_x = x(r.value_max) if r.value_max is not None else x(r.value)
        mark = row_mark(x(r.value), hi_x, cy, r.comparator, PALETTE[0], size=5)
        end_x = max(x(r.value), hi_x) + (10 if r.comparator in (">=", ">") else 7)
        mark += text(end_x, cy + 4, r.label, size=10, fill=MUTED)
        out.append(_titled(r.title, mark))
    if reference is not None:
        rx = x(reference)
        out.append(_line(rx, top - 2, rx, bottom, PALETTE[1], 1.6, "5 3"))
        out.append(text(rx, bottom + 12, reference_label, size=10, fill=PALETTE[1], anchor="middle"))
    out.append("</svg>")
    return "".join(out)
