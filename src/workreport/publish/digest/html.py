"""The reading as one self-contained HTML page: inline CSS (style.css) and SVG, no script."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from functools import cache
from importlib import resources

from workreport.publish.charts import FONT_STACK, esc
from workreport.rules.labels import change_label, provisional_label

from .figures import growth_chart, theme_chart
from .model import Excerpt, ExternalNumber, Group, Item, Lit, Mark, Number, Reading
from .source import window
from .wording import (
    basename,
    byline,
    comparator_badge,
    heading_line,
    num_link,
    num_value,
    row_name,
    sign_word,
    status_text,
    xnum_attrs,
)


@cache
def style() -> str:
    """The page's CSS (style.css beside this module), with the CJK font stack filled in."""
    css = resources.files(__package__).joinpath("style.css").read_text(encoding="utf-8")
    return "\n" + css.replace("FONTS", FONT_STACK)


def _h_num(n: Number | ExternalNumber, text: str) -> str:
    """A number as a link to its span (or, from the registry, marked with where it comes from)."""
    if isinstance(n, Number):
        quoted, _ = window(text, n.sentence_start, n.sentence_end, n.start, n.end)
        return num_link(n, title=quoted)
    title = f"{basename(n.document)}：{n.sentence}" if n.document and n.sentence else "登记库"
    return f'<span class="xnum" {xnum_attrs(n)} title="{esc(title)}">{esc(n.text)}</span>'


def _h_signed(n: Number | ExternalNumber, text: str) -> str:
    """A number with 下降 before it when it is a fall written without a sign (下降0.2% → −0.2)."""
    word = sign_word(n)
    return (f'<span class="word">{esc(word)}</span>' if word else "") + _h_num(n, text)


def _h_excerpt(e: Excerpt, text: str) -> str:
    out = "…" if e.lead else ""
    for p in e.parts:
        if isinstance(p, Number):
            out += _h_num(p, text)
        elif isinstance(p, Lit):
            out += f'<span class="lit" data-start="{p.start}" data-end="{p.end}">{esc(p.text)}</span>'
        else:
            out += esc(p)
    return out + ("…" if e.tail else "")


def _h_item(it: Item, text: str) -> str:
    tags = ""
    if it.estimate:
        tags += '<span class="tag">预计</span>'
    if it.scope:
        tags += f'<span class="tag scope">{esc(it.scope)}</span>'
    if it.excerpt is not None:
        return f"<li>{_h_excerpt(it.excerpt, text)}{tags}</li>"
    values = "<span class='sep'>，</span>".join(
        (f'<span class="word">{esc(v.word)}</span>' if v.word else "") + _h_num(v.number, text)
        for v in it.values
    )
    return f'<li><span class="name">{esc(it.name or "")}</span>{tags}<span class="vals">{values}</span></li>'


def _h_groups(groups: Sequence[Group], text: str, cls: str) -> str:
    out = [f'<div class="{cls}">']
    for g in groups:
        out.append(f'<div class="card"><h3>{_h_excerpt(g.title, text)}</h3><ul>')
        out += [_h_item(it, text) for it in g.items]
        if g.more:
            out.append('<li class="more">……详见原文</li>')
        out.append("</ul></div>")
    out.append("</div>")
    return "\n".join(out)


def _h_targets(reading: Reading) -> str:
    h = reading.header
    text = reading.text
    year = f"{h.plan_year}年目标" if h.plan_year else "目标"
    last = f"{h.review_year}年实绩" if h.review_year else "上年实绩"
    show_last = any(r.last_actual is not None for r in reading.targets)
    head = ["指标", year, last] if show_last else ["指标", year]
    if reading.has_history:
        prev = f"{h.plan_year - 1}年目标" if h.plan_year else "上年目标"
        head += [prev, "结果", "完成情况", "力度"]
    out = ['<div class="table-wrap"><table class="targets"><thead><tr>']
    out += [f"<th>{esc(c)}</th>" for c in head]
    out.append("</tr></thead><tbody>")
    for r in reading.targets:
        sign = comparator_badge(r)
        cells = [
            f'<td class="ind">{esc(row_name(r))}<span class="id">{esc(r.indicator_id or "")}</span></td>',
            '<td class="target">'
            + (f'<span class="cmp">{esc(sign)}</span>' if sign else "")
            + _h_signed(r.number, text)
            + (f'<span class="tag hedge">{esc(r.hedge)}</span>' if r.hedge else "")
            + "</td>",
        ]
        if show_last:
            last_cell = (
                _h_signed(r.last_actual, text) if r.last_actual is not None else "<span class=dim>—</span>"
            )
            cells.append(f"<td>{last_cell}</td>")
        if reading.has_history:
            dash = "<span class=dim>—</span>"
            cells.append(f"<td>{_h_signed(r.previous, text) if r.previous is not None else dash}</td>")
            cells.append(f"<td>{_h_signed(r.outcome, text) if r.outcome is not None else dash}</td>")
            status = esc(status_text(r, provisional=False)) or dash
            if r.provisional:
                status += f'<span class="tag">{esc(provisional_label())}</span>'
            cells.append(f'<td><span class="status {r.status or ""}">{status}</span></td>')
            change = change_label(r.change)
            cells.append(f'<td><span class="change {r.change or ""}">{esc(change) or dash}</span></td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


def _h_source(reading: Reading) -> str:
    """The report text in paragraphs, each fact span a <mark> with the id the numbers link to."""
    text = reading.text
    outer = [m for m in reading.marks if not m.nested]
    starts = [m.start for m in outer]
    # the anchor of a span nested in another sits just before the mark that holds it
    anchors: dict[int, list[Mark]] = defaultdict(list)
    for m in reading.marks:
        if m.nested:
            i = bisect_left(starts, m.start + 1) - 1
            anchors[outer[i].start if i >= 0 else m.start].append(m)
    out: list[str] = ['<div class="source">']
    para: list[str] = []

    def flush() -> None:
        body = "".join(para).strip()
        if body:
            out.append(f"<p>{body}</p>")
        para.clear()

    def plain(a: int, b: int) -> None:
        for i, line in enumerate(_LINE_BREAK.split(text[a:b])):
            if i > 0:
                flush()
            para.append(esc(line))

    pos = 0
    for m in outer:
        plain(pos, m.start)
        for a in anchors.pop(m.start, []):
            para.append(f'<span class="anchor" id="f-{a.start}-{a.end}"></span>')
        para.append(
            f'<mark id="f-{m.start}-{m.end}" data-value="{num_value(m.value)}">'
            f"{esc(text[m.start : m.end])}</mark>"
        )
        pos = m.end
    plain(pos, len(text))
    flush()
    for rest in anchors.values():  # nested spans with no outer mark (cannot happen; kept safe)
        out += [f'<span class="anchor" id="f-{a.start}-{a.end}"></span>' for a in rest]
    out.append("</div>")
    return "\n".join(out)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _h_themes(reading: Reading) -> list[str]:
    """The 施政主题 cards, grouped under their parts' titles."""
    text = reading.text
    if not reading.themes:
        return ['<p class="note">本报告的计划部分没有分主题的小标题。</p>']
    parts: list[str] = []
    current: str | None = None
    parts.append('<div class="themes">')
    for t in reading.themes:
        this = _h_excerpt(t.part, text) if t.part is not None else None
        if this != current:
            parts.append("</div>")
            if this is not None:
                parts.append(f'<h3 class="part-title">{this}</h3>')
            parts.append('<div class="themes">')
            current = this
        parts.append('<div class="theme">')
        if t.keyword is not None:
            parts.append(f'<span class="kw">{_h_excerpt(t.keyword, text)}</span>')
        parts.append(f"<h3>{_h_excerpt(t.title, text)}</h3>")
        if t.phrases:
            parts.append("<ul>" + "".join(f"<li>{_h_excerpt(p, text)}</li>" for p in t.phrases) + "</ul>")
        if t.slogans:
            chips = "".join(f"<span>{_h_excerpt(s, text)}</span>" for s in t.slogans)
            parts.append(f'<div class="slogans">{chips}</div>')
        parts.append("</div>")
    parts.append("</div>")
    return parts


def _h_section(key: str, title: str, body: str, empty: str) -> list[str]:
    """A section of the page: its body, or a note saying the report has nothing for it."""
    return [f'<section id="{key}"><h2>{title}</h2>', body or f'<p class="note">{empty}</p>', "</section>"]


def render_html(reading: Reading) -> str:
    """One self-contained page: inline CSS and SVG, no script, no remote asset."""
    h = reading.header
    text = reading.text
    title = f"{heading_line(h)} · 数读"
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f"<style>{style()}</style>",
        "</head><body><main>",
        '<header class="masthead"><span class="kicker">数读</span>',
        f"<h1>{esc(heading_line(h))}</h1>",
    ]
    if h.title and h.doc_type == "press_reading":
        parts.append(f'<p class="subtitle">{esc(h.title)}</p>')
    parts.append('<p class="byline">' + "".join(f"<span>{esc(b)}</span>" for b in byline(h)) + "</p>")
    parts.append("</header>")
    toc = [
        ("targets", "主要目标"),
        ("charts", "图表"),
        ("results", "上年成绩"),
        ("plan", "计划要点"),
        ("projects", "为民实事"),
        ("themes", "施政主题"),
        ("source", "原文"),
    ]
    parts.append('<nav class="toc">' + "".join(f'<a href="#{k}">{v}</a>' for k, v in toc) + "</nav>")

    if reading.highlights:
        parts.append('<section id="highlights" class="highlights">')
        for hl in reading.highlights:
            note = f'<span class="tag">{esc(hl.note)}</span>' if hl.note else ""
            parts.append(
                f'<div class="hl"><div class="big">{_h_signed(hl.number, text)}</div>'
                f'<div class="cap">{_h_excerpt(hl.label, text)}{note}</div></div>'
            )
        parts.append("</section>")
    parts.append('<section id="targets"><h2>主要目标<small>点击数字可跳到原文</small></h2>')
    if reading.targets:
        parts.append(_h_targets(reading))
    else:
        parts.append('<p class="note">本报告没有列出可识别的主要指标目标。</p>')
    parts.append("</section>")

    parts.append('<section id="charts"><h2>图表</h2><div class="charts">')
    growth = growth_chart(reading)
    if growth:
        parts.append(f"<figure><figcaption>增长目标与上年实绩（%）</figcaption>{growth}</figure>")
    else:
        parts.append('<p class="note">本报告没有可比较的增长目标。</p>')
    themes_chart = theme_chart(reading)
    if themes_chart:
        parts.append(f"<figure><figcaption>各主题的量化数字有多少</figcaption>{themes_chart}</figure>")
    parts.append("</div></section>")

    results = _h_groups(reading.results, text, "grid") if reading.results else ""
    parts += _h_section("results", "上年成绩一览", results, "本报告没有回顾上年的量化成绩。")
    plan = _h_groups(reading.plan, text, "plan") if reading.plan else ""
    parts += _h_section("plan", "计划要点", plan, "本报告的计划部分没有其他量化任务。")

    parts.append('<section id="projects"><h2>为民实事</h2>')
    if reading.projects:
        parts.append('<ol class="projects">')
        parts += [f"<li>{_h_excerpt(p.excerpt, text)}</li>" for p in reading.projects]
        parts.append("</ol>")
    else:
        parts.append('<p class="note">本报告没有逐项列出为民实事。</p>')
    parts.append("</section>")

    parts.append('<section id="themes"><h2>施政主题</h2>')
    parts += _h_themes(reading)
    parts.append("</section>")

    parts.append('<section id="source"><h2>原文<small>标出的是抽取到的每一个数字</small></h2>')
    parts.append('<details class="source-wrap" open><summary>展开 / 收起全文</summary>')
    parts.append(_h_source(reading))
    parts.append("</details></section>")
    parts.append(
        "<footer>由 workreport 自动生成：表中每个数字都取自原文，点击即可定位；"
        "蓝色数字来自登记库中的其他报告。</footer>"
    )
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"
