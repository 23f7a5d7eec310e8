"""The reading as Markdown: each fact in bold with a footnote quoting its sentence."""

from __future__ import annotations

import re
from collections.abc import Sequence

from workreport.rules.labels import change_label

from .model import Excerpt, ExternalNumber, Group, Item, Lit, Number, Reading, TargetRow
from .source import window
from .wording import basename, byline, comparator_badge, heading_line, row_name, sign_word, status_text

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def _md_escape(s: str) -> str:
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", s)


class _Notes:
    def __init__(self, text: str) -> None:
        self.text = text
        self.ids: dict[tuple[object, ...], int] = {}
        self.lines: list[str] = []

    def ref(self, n: Number | ExternalNumber) -> str:
        if isinstance(n, Number):
            key: tuple[object, ...] = ("n", n.start, n.end)
            if key not in self.ids:
                quoted, at = window(self.text, n.sentence_start, n.sentence_end, n.start, n.end)
                self._add(key, f"「{_md_escape(quoted)}」（第{at + 1}–{at + len(quoted)}字）")
        else:
            if n.sentence is None or n.sentence_start is None:
                return ""
            key = ("x", n.document_id, n.start, n.end)
            if key not in self.ids:
                where = _md_escape(basename(n.document or "登记库"))
                s, at = n.sentence, n.sentence_start
                self._add(key, f"「{_md_escape(s)}」（{where} 第{at + 1}–{at + len(s)}字）")
        return f"[^{self.ids[key]}]"

    def _add(self, key: tuple[object, ...], body: str) -> None:
        self.ids[key] = len(self.ids) + 1
        self.lines.append(f"[^{self.ids[key]}]: {body}")


def _md_num(n: Number | ExternalNumber, notes: _Notes) -> str:
    if isinstance(n, Number):
        return f"**{_md_escape(n.quote)}**{notes.ref(n)}"
    return f"**{_md_escape(n.text)}**{notes.ref(n)}"


def _md_signed(n: Number | ExternalNumber, notes: _Notes) -> str:
    return sign_word(n) + _md_num(n, notes)


def _md_excerpt(e: Excerpt, notes: _Notes) -> str:
    out = "…" if e.lead else ""
    for p in e.parts:
        if isinstance(p, Number):
            out += _md_num(p, notes)
        elif isinstance(p, Lit):
            out += _md_escape(p.text)
        else:
            out += _md_escape(p)
    return out + ("…" if e.tail else "")


def _md_item(it: Item, notes: _Notes) -> str:
    tags = ("（预计）" if it.estimate else "") + (f"〔{_md_escape(it.scope)}〕" if it.scope else "")
    if it.excerpt is not None:
        return f"- {_md_excerpt(it.excerpt, notes)}{tags}"
    values = "，".join(f"{v.word}{_md_num(v.number, notes)}" for v in it.values)
    return f"- {_md_escape(it.name or '')}{tags}：{values}"


def _md_target(r: TargetRow, notes: _Notes, show_last: bool) -> str:
    sign = comparator_badge(r)
    target = (f"{sign} " if sign else "") + _md_signed(r.number, notes)
    if r.hedge:
        target += f"（{_md_escape(r.hedge)}）"
    cells = [f"{_md_escape(row_name(r))} `{r.indicator_id}`", target]
    if show_last:
        cells.append(_md_signed(r.last_actual, notes) if r.last_actual is not None else "—")
    return "| " + " | ".join(cells) + " |"


def _md_groups(heading: str, groups: Sequence[Group], notes: _Notes, empty: str) -> list[str]:
    """A Markdown section of grouped items (results by theme, plan numbers by section)."""
    out = [f"## {heading}", ""]
    if not groups:
        return [*out, empty, ""]
    for g in groups:
        out += [f"### {_md_excerpt(g.title, notes)}", ""]
        out += [_md_item(it, notes) for it in g.items]
        if g.more:
            out.append("- ……")
        out.append("")
    return out


def _md_targets(reading: Reading, notes: _Notes) -> list[str]:
    """The 主要目标 section: a table of this year's targets (and last year's, with history)."""
    h = reading.header
    out = ["## 主要目标", ""]
    if not reading.targets:
        return [*out, "本报告没有列出可识别的主要指标目标。", ""]
    year = f"{h.plan_year}年目标" if h.plan_year else "目标"
    last = f"{h.review_year}年实绩（本报告）" if h.review_year else "上年实绩（本报告）"
    show_last = any(r.last_actual is not None for r in reading.targets)
    head = ["指标", year, last] if show_last else ["指标", year]
    if reading.has_history:
        head += ["上年目标", "上年结果", "完成情况", "力度"]
    out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in reading.targets:
        line = _md_target(r, notes, show_last)
        if reading.has_history:
            extra = [
                _md_signed(r.previous, notes) if r.previous is not None else "—",
                _md_signed(r.outcome, notes) if r.outcome is not None else "—",
                status_text(r) or "—",
                change_label(r.change) or "—",
            ]
            line += " " + " | ".join(extra) + " |"
        out.append(line)
    out.append("")
    return out


def _md_themes(reading: Reading, notes: _Notes) -> list[str]:
    """The 施政主题 section: each theme of the plan with its phrases and slogans."""
    out = ["## 施政主题", ""]
    part: str | None = None
    for t in reading.themes:
        title = _md_excerpt(t.title, notes)
        if t.keyword is not None:
            title = f"{_md_excerpt(t.keyword, notes)}｜{title}"
        this = _md_excerpt(t.part, notes) if t.part is not None else None
        if this is not None and this != part:
            out += [f"### {this}", ""]
        part = this
        out += [f"{'####' if this is not None else '###'} {title}", ""]
        out += [f"- {_md_excerpt(p, notes)}" for p in t.phrases]
        if t.slogans:
            out.append("- 关键词：" + "、".join(_md_excerpt(s, notes) for s in t.slogans))
        out.append("")
    if not reading.themes:
        out += ["本报告的计划部分没有分主题的小标题。", ""]
    return out


def render_markdown(reading: Reading) -> str:
    """The reading as Markdown: every fact in bold with a footnote quoting its sentence."""
    h = reading.header
    notes = _Notes(reading.text)
    out = [f"# {_md_escape(heading_line(h))} · 数读", ""]
    if h.title and h.doc_type == "press_reading":
        out += [f"**{_md_escape(h.title)}**", ""]
    under = byline(h)
    if under:
        out += ["> " + " · ".join(_md_escape(b) for b in under), ""]

    if reading.highlights:
        out += ["## 要点速览", ""]
        for hl in reading.highlights:
            note = f"（{_md_escape(hl.note)}）" if hl.note else ""
            out.append(f"- {_md_excerpt(hl.label, notes)}：{_md_signed(hl.number, notes)}{note}")
        out.append("")
    out += _md_targets(reading, notes)

    out += _md_groups("上年成绩一览", reading.results, notes, "本报告没有回顾上年的量化成绩。")
    out += _md_groups("计划要点", reading.plan, notes, "本报告的计划部分没有其他量化任务。")

    out += ["## 为民实事", ""]
    if reading.projects:
        out += [f"{i}. {_md_excerpt(p.excerpt, notes)}" for i, p in enumerate(reading.projects, 1)]
        out.append("")
    else:
        out += ["本报告没有逐项列出为民实事。", ""]

    out += _md_themes(reading, notes)

    if reading.growth:
        out += ["## 增长目标与上年实绩", ""]
        for b in reading.growth:
            line = f"- {_md_escape(b.name)}：今年目标 {_md_signed(b.target, notes)}"
            if b.last is not None:
                line += f"，上年 {_md_signed(b.last, notes)}"
            out.append(line)
        out.append("")

    if notes.lines:
        out += ["---", "", *notes.lines, ""]
    return "\n".join(out)
