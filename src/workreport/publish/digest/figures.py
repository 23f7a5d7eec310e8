"""The reading's two charts (growth targets against last year, numbers per theme), drawn with
the shared SVG primitives of :mod:`workreport.publish.charts`.

Every value a chart shows is a fact of the report (a link to its span, like the numbers in
the text) or of the registry; the only numbers a chart makes up are its axis ticks."""

from __future__ import annotations

from workreport.publish.charts import (
    Scale,
    bar,
    esc,
    grid,
    legend,
    nice_range,
    rect,
    row_label,
    svg_open,
    text,
)

from .model import ExternalNumber, Number, Reading
from .wording import num_link, sign_word, xnum_attrs

WIDTH = 720
TOP = 34  # below the legend


def _value(n: Number | ExternalNumber, x: float, y: float, cls: str) -> str:
    """A value label: the number as a link (inside the <text>, so it takes the text's place)."""
    word = sign_word(n)
    out = f'<tspan class="word">{esc(word)}</tspan>' if word else ""
    if isinstance(n, Number):
        out += num_link(n)
    else:
        out += f'<tspan class="xnum" {xnum_attrs(n)}>{esc(n.text)}</tspan>'
    return text(x, y, out, cls=f"val {cls}", anchor="start", middle=True, markup=True)


def growth_chart(reading: Reading) -> str:
    """This year's growth targets (a range drawn lighter) beside last year's figures, in %."""
    bars = reading.growth
    if not bars:
        return ""
    values = [b.target.value for b in bars] + [b.target_max or 0.0 for b in bars]
    values += [b.last.value for b in bars if b.last is not None]
    lo, hi, step = nice_range(values)
    left, row = 196, 40
    height = TOP + row * len(bars) + 30
    x = Scale(lo, hi, left, 640)

    entries = [("今年目标", "bar-target")]
    if any(b.last is not None for b in bars):
        registry = any(b.last_from == "registry" for b in bars)
        entries.append(("上年实绩（登记库/本报告）" if registry else "上年实绩（本报告回顾）", "bar-last"))
    out = [svg_open(WIDTH, height, "增长目标与上年实绩")]
    out += legend(entries, left, 8, by_class=True, gap=28)
    out += grid(x, step, TOP - 6, height - 24, "%", zero=True)
    for i, b in enumerate(bars):
        y0 = TOP + i * row
        out.append(row_label(left - 10, y0 + row / 2 - 2, b.name, cls="label", middle=True))
        out.append(bar(x(0), x(b.target.value), y0 + 3, 14, cls="bar-target"))
        end = max(x(0), x(b.target.value))
        if b.target_max is not None and b.target_max > b.target.value:
            out.append(rect(end, y0 + 3, x(b.target_max) - end, 14, cls="bar-range", rx=2))
            end = x(b.target_max)
        out.append(_value(b.target, end + 6, y0 + 10, "v-target"))
        if b.last is not None:
            out.append(bar(x(0), x(b.last.value), y0 + 19, 12, cls="bar-last"))
            out.append(_value(b.last, max(x(0), x(b.last.value)) + 6, y0 + 25, "v-last"))
    out.append("</svg>")
    return "\n".join(out)


def theme_chart(reading: Reading) -> str:
    """How many numbers each theme has: in the review of last year, and in the plan."""
    counts = reading.theme_counts
    if not counts:
        return ""
    _, hi, step = nice_range([max(c.review + c.plan for c in counts)], minimum_step=1.0)
    left, row = 110, 28
    height = TOP + row * len(counts) + 30
    x = Scale(0.0, hi, left, 690)

    out = [svg_open(WIDTH, height, "各主题的数字")]
    out += legend([("回顾（实绩）", "bar-last"), ("计划（目标）", "bar-target")], left, 8, by_class=True, gap=24)
    out += grid(x, step, TOP - 6, height - 24)
    for i, c in enumerate(counts):
        y0 = TOP + i * row
        out.append(row_label(left - 10, y0 + row / 2 - 1, c.name, cls="label", middle=True))
        if c.review:
            out.append(rect(left, y0 + 5, x(c.review) - left, 16, cls="bar-last", title=f"{c.name}：回顾"))
        if c.plan:
            width = x(c.review + c.plan) - x(c.review)
            out.append(rect(x(c.review), y0 + 5, width, 16, cls="bar-target", title=f"{c.name}：计划"))
    out.append("</svg>")
    return "\n".join(out)
