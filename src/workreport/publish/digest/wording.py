"""What both renderers (and the charts) write the same way: the title line, the byline, a
target's name and comparator, its rating, and the attributes of a number in HTML and SVG."""

from __future__ import annotations

import re

from workreport.publish.charts import esc
from workreport.rules.labels import level_label, status_label

from .model import ExternalNumber, Header, Number, TargetRow

_CMP_SIGN = {">=": "≥", "<=": "≤", "~": "约", "range": "区间"}


def sign_word(n: Number | ExternalNumber) -> str:
    """下降 for a fall whose quote has no sign of its own: the quote alone would read as a rise."""
    quote = n.quote if isinstance(n, Number) else n.text
    if (
        n.value < 0
        and n.measure in ("growth", "change", "change_pp")
        and not quote.lstrip().startswith(("-", "−", "负"))
    ):
        return "下降"
    return ""


def heading_line(h: Header) -> str:
    """The reading's title: place, year and kind of report (某市2024年政府工作报告)."""
    year = f"{h.plan_year}年" if h.plan_year else ""
    place = h.jurisdiction or "（未识别地区）"
    kind = "政府工作报告解读" if h.doc_type == "press_reading" else "政府工作报告"
    return f"{place}{year}{kind}"


def byline(h: Header) -> list[str]:
    """The pieces of the line under the title: date, source or speaker, level."""
    out = []
    if h.delivered:
        out.append(h.delivered)
    if h.doc_type == "press_reading":
        if h.source:
            out.append(f"来源：{h.source}")
    elif h.speaker:
        out.append(f"报告人：{h.speaker}")
    if h.level:
        out.append(level_label(h.level))
    return out


_CMP_WORDS = (
    "以上",
    "以下",
    "以内",
    "左右",
    "约",
    "不低于",
    "不超过",
    "不少于",
    "超过",
    "突破",
    "多",
    "近",
    "过",
    "—",
    "-",
    "～",
    "~",
    "至",
)


def comparator_badge(r: TargetRow) -> str:
    """≥ / ≤ / 约 / 区间, unless the quote says it already (8%以上, 6%左右, 5%—6%)."""
    if r.comparator == "=" or any(w in r.number.quote for w in _CMP_WORDS):
        return ""
    return _CMP_SIGN.get(r.comparator, "")


def row_name(r: TargetRow) -> str:
    """A target's indicator name, with its scope (全市, 城镇 …) when it has one."""
    return f"{r.name}（{r.scope}）" if r.scope else r.name


def status_text(r: TargetRow, provisional: bool = True) -> str:
    """How last year's target was met (rules/labels.toml), with （预计） when it rests on an
    estimate and ``provisional`` asks for it; empty with no rating."""
    if r.status is None:
        return ""
    return status_label(r.status, provisional=r.provisional and provisional)


def basename(path: str) -> str:
    """The file name of a document path (either slash)."""
    return re.split(r"[\\/]", path)[-1]


def num_value(v: float) -> str:
    """A value as the ``data-value`` attribute carries it (Python's float repr)."""
    return repr(float(v))


def xnum_attrs(n: ExternalNumber) -> str:
    """The data attributes of a registry number: its value, document and span, its source."""
    attrs = f'data-value="{num_value(n.value)}"'
    if n.document_id is not None and n.start is not None and n.end is not None:
        attrs += f' data-document-id="{n.document_id}" data-start="{n.start}" data-end="{n.end}"'
    if n.document:
        attrs += f' data-document="{esc(basename(n.document))}"'
    if n.source:
        attrs += f' data-source="{esc(n.source)}"'
    return attrs


def num_link(n: Number, title: str | None = None) -> str:
    """A fact of the report as a link to its span in the 原文 section (in HTML or inside SVG)."""
    tip = f' title="{esc(title)}"' if title is not None else ""
    return (
        f'<a class="num" href="#{n.anchor}" data-start="{n.start}" data-end="{n.end}" '
        f'data-value="{num_value(n.value)}"{tip}>{esc(n.quote)}</a>'
    )
