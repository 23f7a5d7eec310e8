"""Building a reading: :func:`build_reading` turns a report, its structure and facts (and last
year's targets from the registry) into a :class:`~.model.Reading`. Pure: no database."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence

from workreport.model import Document, Fact, Section, Structure
from workreport.pipeline.resolve import resolve
from workreport.track import Bound
from workreport.track.diff import change_in_ambition

from .model import (
    Bar,
    Excerpt,
    ExternalNumber,
    Group,
    Header,
    Highlight,
    Item,
    Mark,
    Number,
    PastTarget,
    Project,
    Reading,
    TargetRow,
    Theme,
    ThemeCount,
    Value,
)
from .source import DIGITS, SENTENCE_END, Source, money_units, vocabulary
from .themes import theme_names, theme_of
from .themes import themes as all_themes

_REVIEW_LEAD = re.compile(r"(?:一年来|过去一年|去年|五年来)[，,]?(?:我们)?")
_KEYWORD = re.compile(r"关键词\s*[:：]\s*(\S.*?)\s*$")
_ITEM_START = re.compile(r"[一二三四五六七八九十]+是")
_SLOGAN = re.compile(r"“([^“”\n]{2,14})”")
_MULTI_YEAR = ("年均", "累计", "五年", "十二五", "十三五", "十四五", "十五五", "连续", "以来", "近年")
_CLOSING = ("各位代表", "报告强调", "报告指出", "报告提出", "记者")  # lead sentences that are no theme
_BLOCK_LABELS = ("奋斗目标", "主要目标", "预期目标", "数读", "展望", "重点工作", "重点任务")

RESULT_ITEMS = 6  # per group in 上年成绩一览
PLAN_ITEMS = 6  # per group in 计划要点
THEME_PHRASES = 5
THEME_SLOGANS = 4
CHART_ROWS = 12


def _part_of(st: Structure, offset: int) -> Section | None:
    path = st.path_at(offset)
    return path[0] if path else None


def _role_of(st: Structure, offset: int) -> str:
    part = _part_of(st, offset)
    return part.role if part is not None else "other"


def _is_empty(s: Section, text: str) -> bool:
    return not text[s.heading.end : s.span.end].strip()


def _is_block_label(title: str) -> bool:
    t = title.strip()
    return len(t) <= 8 and any(w in t for w in _BLOCK_LABELS)


def _measure_word(n: Number) -> str:
    if not DIGITS.search(n.quote) and n.measure in ("growth", "change"):
        return ""  # 倍增, 翻一番: the word says it
    if n.measure == "growth":
        return "下降" if n.value < 0 else "增长"
    if n.measure == "change":
        return "减少" if n.value < 0 else "增加"
    if n.measure == "change_pp":
        return "下降" if n.value < 0 else "提高"
    if n.measure == "change_rank":
        return "提升"
    return ""


def _history_index(history: Sequence[PastTarget]) -> dict[tuple[str, str], PastTarget]:
    out: dict[tuple[str, str], PastTarget] = {}
    for h in history:
        if h.indicator_id:
            out.setdefault((h.indicator_id, h.measure), h)
    return out


def _internal(ext: ExternalNumber | None, doc: Document, src: Source) -> Number | ExternalNumber | None:
    """A registry number that is a fact of this very report becomes a link into it."""
    if ext is None or ext.start is None or ext.end is None or doc.sha256 is None or ext.sha256 != doc.sha256:
        return ext
    return src.number.get((ext.start, ext.end), ext)


def _change(row: TargetRow, prev: ExternalNumber) -> str:
    if prev.unit != row.number.unit:
        return "new"
    return change_in_ambition(Bound(prev.value, measure=row.measure, indicator_id=row.indicator_id), row.number.value)


def _target_signature(f: Fact) -> tuple[object, ...]:
    return (f.indicator_id, f.scope, f.measure, f.value, f.comparator, f.unit)


def _main_targets(facts: Sequence[Fact], st: Structure, plan_year: int | None) -> list[Fact]:
    """One target per indicator, measure and place: the one in the paragraph that sets the most
    targets (主要预期目标), else the first; a reading repeats targets, a vision states others."""
    candidates = [
        f
        for f in facts
        if f.kind == "target"
        and f.indicator_id is not None
        and (plan_year is None or f.period is None or f.period == plan_year)
    ]
    starts = [p.span.start for p in st.paragraphs]

    def paragraph(f: Fact) -> int:
        i = bisect_left(starts, f.start + 1) - 1
        return starts[i] if i >= 0 else -1

    weight: dict[int, int] = defaultdict(int)
    for f in candidates:
        weight[paragraph(f)] += 1
    best: dict[tuple[object, ...], Fact] = {}
    for f in candidates:
        key = (f.indicator_id, f.scope, f.measure)
        if key not in best or weight[paragraph(f)] > weight[paragraph(best[key])]:
            best[key] = f
    return sorted(best.values(), key=lambda f: f.start)


def _targets(
    facts: Sequence[Fact],
    src: Source,
    st: Structure,
    review: Sequence[Fact],
    history: Sequence[PastTarget] | None,
    doc: Document,
) -> list[TargetRow]:
    vocab = vocabulary()
    rows: list[TargetRow] = []
    for f in _main_targets(facts, st, st.metadata.plan_year):
        name, en, _ = vocab.get(f.indicator_id or "", (f.indicator, None, 0))
        rows.append(
            TargetRow(
                indicator_id=f.indicator_id,
                name=name,
                en=en,
                scope=f.scope,
                measure=f.measure,
                comparator=f.comparator,
                hedge=f.hedge,
                number=src.num(f),
                value_max=f.value_max,
            )
        )
    rows.sort(key=lambda r: (r.scope is not None, r.scope or "", r.number.start))
    # last year's figure for the same indicator in this report's review part
    last: dict[tuple[str, str], Fact] = {}

    def rank(f: Fact) -> tuple[bool, bool]:
        return (f.period is not None and f.period == st.metadata.review_year, f.kind == "actual")

    for f in review:
        if f.indicator_id and f.scope is None:
            key = (f.indicator_id, f.measure)
            if key not in last or rank(f) > rank(last[key]):
                last[key] = f
    index = _history_index(history or [])
    for r in rows:
        if r.scope is not None or r.indicator_id is None:
            continue
        got = last.get((r.indicator_id, r.measure))
        if got is not None and got.unit == r.number.unit:
            r.last_actual = src.num(got)
        if history:
            h = index.get((r.indicator_id, r.measure))
            if h is None:
                r.change = "new"
                continue
            r.previous = h.target
            r.outcome = _internal(h.outcome, doc, src)
            r.status = h.status
            r.provisional = h.provisional
            r.change = _change(r, h.target)
    return rows


def _items(facts: Sequence[Fact], src: Source, *, by_indicator: bool) -> list[Item]:
    """Facts as lines: one per indicator and sentence (vocabulary), else one per clause."""
    items: dict[tuple[object, ...], Item] = {}
    for f in facts:
        n = src.num(f)
        ss, se = n.sentence_start, n.sentence_end
        if by_indicator and f.indicator_id:
            key: tuple[object, ...] = ("id", f.indicator_id, f.scope, ss)
            it = items.get(key)
            if it is None:
                name = vocabulary().get(f.indicator_id, (f.indicator, None, 0))[0]
                it = items[key] = Item(f.start, name=name, indicator_id=f.indicator_id, scope=f.scope)
            if all(v.number != n for v in it.values):
                it.values.append(Value(_measure_word(n), n))
            it.estimate = it.estimate or f.kind == "estimate"
        else:
            ex = src.clause(f.start, f.end, ss, se)
            key = ("clause", ex.start, ex.end)
            if key not in items:
                items[key] = Item(f.start, scope=f.scope, estimate=f.kind == "estimate", excerpt=ex)
    return list(items.values())


def _importance(it: Item) -> tuple[int, int, int, int]:
    money = money_units()
    order = vocabulary().get(it.indicator_id or "", ("", None, 999))[2]
    has_money = any(n.unit in money for n in it.numbers)
    return (0 if it.indicator_id else 1, order if it.indicator_id else 999, 0 if has_money else 1, it.start)


def _plan_weight(it: Item) -> int:
    units = {n.unit for n in it.numbers}
    if units & money_units():
        return 0
    if units & {"count", "household", "person"}:
        return 1
    if units & {"mu", "km2", "m2", "hectare", "km"}:
        return 2
    return 3


def _review_heading(st: Structure, f: Fact) -> Section | None:
    for s in reversed(st.path_at(f.start)):
        if s.level >= 2 and s.role == "review" and not (s.heading.start <= f.start < s.heading.end):
            return s
    return None


def _results(review: Sequence[Fact], src: Source, st: Structure, themes_of: dict[int, str]) -> list[Group]:
    headed = {id(f): _review_heading(st, f) for f in review}
    by_heading = sum(1 for h in headed.values() if h is not None) >= 0.6 * max(1, len(review))
    buckets: dict[str, list[Fact]] = defaultdict(list)
    titles: dict[str, Excerpt] = {}
    order: dict[str, tuple[int, int]] = {}
    theme_rank = {k: i for i, (k, _, _) in enumerate(all_themes())}
    for f in review:
        h = headed[id(f)] if by_heading else None
        title: Excerpt | None = None
        if h is not None:
            key = f"heading-{h.heading.start}"
            if key not in titles:
                m = _REVIEW_LEAD.match(src.text, h.heading.start, h.heading.end)
                start = m.end() if m and m.end() < h.heading.end - 2 else h.heading.start
                title = src.title(start, h.heading.end)
            order.setdefault(key, (0, h.heading.start))
        else:
            theme = themes_of[id(f)]
            key = f"theme-{theme}"
            if key not in titles:
                title = Excerpt.of(theme_names()[theme])
            order.setdefault(key, (1, theme_rank[theme]))
        if title is not None:
            titles[key] = title
        buckets[key].append(f)
    groups: list[Group] = []
    for key in sorted(buckets, key=lambda k: order[k]):
        items = sorted(_items(buckets[key], src, by_indicator=True), key=_importance)
        groups.append(Group(key, titles[key], items[:RESULT_ITEMS], more=len(items) > RESULT_ITEMS))
    return groups


def _sections_in_order(st: Structure) -> list[Section]:
    return sorted(st.walk(), key=lambda s: (s.span.start, s.level))


def _theme_sections(st: Structure, text: str) -> list[tuple[Section, Section]]:
    """(part, section) for each theme of the plan part: its sub-headings, else the part itself."""
    out: list[tuple[Section, Section]] = []
    for part in st.sections:
        if part.role != "plan":
            continue
        kids = [c for c in part.children if c.level in (2, 3) and not _is_empty(c, text)]
        if kids:
            out.extend((part, c) for c in kids)
        elif not _is_block_label(part.title) and not _is_empty(part, text):
            body = text[part.heading.end : part.span.end]
            if any(len(s.strip()) >= 15 for s in re.split(r"[。！？\n]", body)):
                out.append((part, part))
    return out


def _keywords(st: Structure, text: str) -> dict[int, tuple[int, int]]:
    """Section start → span of the keyword (关键词：引领力) that heads it in a press reading."""
    out: dict[int, tuple[int, int]] = {}
    pending: tuple[int, int] | None = None
    for s in _sections_in_order(st):
        m = _KEYWORD.search(text, s.heading.start, s.heading.end)
        if m is not None:
            if _is_empty(s, text):
                pending = (m.start(1), m.end(1))
                continue
            out[s.span.start] = (m.start(1), m.end(1))
            pending = None
            continue
        if pending is not None and s.level <= 3:
            out[s.span.start] = pending
            pending = None
    return out


def _themes(st: Structure, src: Source) -> tuple[list[Theme], list[tuple[Section, Theme]]]:
    text = src.text
    keywords = _keywords(st, text)
    parts_with_many = {id(p) for p, s in _theme_sections(st, text) if s is not p}
    themes: list[Theme] = []
    pairs: list[tuple[Section, Theme]] = []
    for part, s in _theme_sections(st, text):
        kw_span = keywords.get(s.span.start)
        keyword = src.excerpt(*kw_span) if kw_span else None
        if _KEYWORD.search(text, s.heading.start, s.heading.end) and keyword is not None:
            title = keyword
            keyword = None
        else:
            title = src.title(s.heading.start, s.heading.end) or Excerpt.of("（无题）")
        part_title = src.title(part.heading.start, part.heading.end) if id(part) in parts_with_many else None
        theme = Theme(title=title, start=s.span.start, part=part_title, keyword=keyword)
        for c in s.children:
            if len(theme.phrases) >= THEME_PHRASES:
                break
            if _is_empty(c, text) or _KEYWORD.search(text, c.heading.start, c.heading.end):
                continue
            if text[c.heading.start : c.heading.end].lstrip().startswith(_CLOSING):
                continue
            ex = src.title(c.heading.start, c.heading.end)
            if ex is not None:
                theme.phrases.append(ex)
        if len(theme.phrases) < 2:
            lead = _lead_sentence(s, src)
            if lead is not None:
                theme.phrases.insert(0, lead)
        seen: set[str] = set()
        body_end = s.children[0].span.start if s.children and s.children[0].level == 4 else s.span.end
        for m in _SLOGAN.finditer(text, s.heading.start, max(body_end, min(s.span.end, s.heading.end + 400))):
            if m.group(1) in seen or m.group(0) in title.plain or len(theme.slogans) >= THEME_SLOGANS:
                continue
            seen.add(m.group(1))
            theme.slogans.append(src.excerpt(m.start(), m.end()))
        themes.append(theme)
        pairs.append((s, theme))
    return themes, pairs


def _lead_sentence(s: Section, src: Source) -> Excerpt | None:
    """The first sentence after a heading, cut to its first clauses."""
    t = src.text
    start = s.heading.end
    end = s.children[0].span.start if s.children else s.span.end
    while start < end and (t[start].isspace() or t[start] in "。，,"):
        start += 1
    if end - start < 6:
        return None
    stop = start
    while stop < end and t[stop] not in SENTENCE_END:
        stop += 1
    tail = False
    if stop - start > 40:
        commas = [i for i in range(start + 8, min(stop, start + 40)) if t[i] in "，,；;"]
        cut = commas[-1] if commas else src.safe(start + 36, left=True)
        stop, tail = cut, True
    ex = src.trimmed(start, stop)
    if ex is not None:
        ex.tail = tail
    return ex


def _project_items(doc: Document, st: Structure, facts: Sequence[Fact], src: Source) -> list[Project]:
    res = resolve(doc, st, facts)
    heads = {s.heading.start for s in st.walk()}
    text = src.text
    seen: set[int] = set()
    out: list[Project] = []
    for c in sorted((c for c in res.commitments if c.type == "project"), key=lambda c: c.start):
        if c.start in heads:
            continue  # a heading (四是增进民生福祉。) is a key task, not a project
        starts = [
            m.start()
            for m in _ITEM_START.finditer(text, c.start, c.end)
            if m.start() == c.start or text[m.start() - 1] in "；;。，,：: \n"
        ]
        if not starts:
            starts = [c.start]
        for i, s in enumerate(starts):
            e = starts[i + 1] if i + 1 < len(starts) else c.end
            if s in seen or any(a < s < b for a, b in _spans(out)):
                continue
            seen.add(s)
            ex = src.title(s, e)
            if ex is not None and ex.plain.strip():
                out.append(Project(ex))
    return out


def _spans(projects: Iterable[Project]) -> list[tuple[int, int]]:
    return [(p.excerpt.start or 0, p.excerpt.end or 0) for p in projects]


def _plan(
    facts: Sequence[Fact],
    src: Source,
    st: Structure,
    table: set[tuple[int, int]],
    projects: Sequence[Project],
    theme_pairs: Sequence[tuple[Section, Theme]],
) -> list[Group]:
    inside = _spans(projects)
    table_facts = [f for f in facts if (f.start, f.end) in table]
    table_sigs = {_target_signature(f) for f in table_facts}
    seen: set[tuple[object, ...]] = set()
    buckets: dict[int, list[Fact]] = defaultdict(list)
    titles: dict[int, Excerpt] = {}
    for f in facts:
        if f.kind not in ("target", "estimate") or _role_of(st, f.start) != "plan":
            continue
        if (f.start, f.end) in table or _target_signature(f) in table_sigs:
            continue  # in the targets table
        if any(a <= f.start < b for a, b in inside):
            continue
        sig = (f.indicator, f.value, f.unit, f.measure, f.classifier, f.scope)
        if sig in seen:
            continue  # a press reading repeats its 数读 figures under 重点工作
        seen.add(sig)
        home = next(((s, t) for s, t in theme_pairs if s.span.start <= f.start < s.span.end), None)
        if home is not None:
            key = home[0].span.start
            titles.setdefault(key, home[1].title)
        else:
            part = _part_of(st, f.start)
            if part is None:
                continue
            key = part.span.start
            if key not in titles:
                titles[key] = src.title(part.heading.start, part.heading.end) or Excerpt.of("计划")
        buckets[key].append(f)
    groups: list[Group] = []
    for key in sorted(buckets):
        items = _items(buckets[key], src, by_indicator=False)
        keep = sorted(items, key=lambda it: (_plan_weight(it), it.start))[:PLAN_ITEMS]
        keep.sort(key=lambda it: it.start)
        groups.append(Group(f"section-{key}", titles[key], keep, more=len(items) > PLAN_ITEMS))
    return groups


def _highlights(
    rows: Sequence[TargetRow], facts: Sequence[Fact], src: Source, st: Structure
) -> list[Highlight]:
    """Up to four headline figures: the growth target, last year's growth, the largest sum, jobs."""
    out: list[Highlight] = []
    own = {r.indicator_id: r for r in rows if r.scope is None and r.indicator_id}
    gdp = own.get("gdp")
    if gdp is not None and gdp.measure == "growth":
        out.append(Highlight(Excerpt.of("今年经济增长目标"), gdp.number, gdp.hedge))
        last = gdp.last_actual or gdp.outcome
        if last is not None:
            estimate = last.kind == "estimate"
            out.append(Highlight(Excerpt.of("上年经济增长"), last, "预计" if estimate else None))
    money = money_units()
    sums = [
        f
        for f in facts
        if f.kind == "target"
        and f.unit in money
        and f.scope is None
        and f.measure == "level"
        and _role_of(st, f.start) == "plan"
    ]
    for top in sorted(sums, key=lambda f: (-f.value, f.start)):
        n = src.num(top)
        clause = src.clause(top.start, top.end, n.sentence_start, n.sentence_end)
        label = src.trimmed(clause.start or top.start, top.start, strip=" \t\u3000\xa0\n、，,：:")
        if label is not None and 2 <= len(label.plain) <= 24 and all(isinstance(p, str) for p in label.parts):
            out.append(Highlight(label, n, top.hedge))
            break
    for key in ("jobs_urban_new", "retail_sales", "fai"):
        if len(out) >= 4:
            break
        r = own.get(key)
        if r is not None:
            out.append(Highlight(Excerpt.of(r.name), r.number, r.hedge))
    return out[:4]


def _growth(rows: Sequence[TargetRow]) -> list[Bar]:
    bars: list[Bar] = []
    seen: set[str] = set()
    for r in rows:
        if r.scope is not None or r.indicator_id is None or r.measure != "growth" or r.number.unit != "%":
            continue
        if r.indicator_id in seen:
            continue
        seen.add(r.indicator_id)
        last: Number | ExternalNumber | None = None
        last_from: str | None = None
        if r.outcome is not None and r.outcome.measure == "growth" and r.outcome.unit == "%":
            last, last_from = r.outcome, "registry"
        elif r.last_actual is not None:
            last, last_from = r.last_actual, "report"
        bars.append(Bar(r.indicator_id, r.name, r.number, r.value_max, last, last_from))
    return bars[:CHART_ROWS]


def build_reading(
    doc: Document,
    structure: Structure,
    facts: Sequence[Fact],
    history: Sequence[PastTarget] | None = None,
) -> Reading:
    """The reading of one report: pure, no database (``history`` comes from :func:`load_history`)."""
    st = structure
    meta = st.metadata
    facts = sorted(facts, key=lambda f: (f.start, f.end))
    src = Source(doc.text, facts)
    themes_of = {id(f): theme_of(f, src, st) for f in facts}
    clause_theme: dict[tuple[int | None, int | None], str] = {}
    for f in facts:  # the numbers of one clause share its first number's theme
        if f.indicator_id is None:
            n = src.num(f)
            ex = src.clause(f.start, f.end, n.sentence_start, n.sentence_end)
            themes_of[id(f)] = clause_theme.setdefault((ex.start, ex.end), themes_of[id(f)])

    def in_review(f: Fact) -> bool:
        if f.kind not in ("actual", "estimate"):
            return False
        if meta.review_year is not None and f.period is not None:
            return f.period == meta.review_year
        if _role_of(st, f.start) != "review":
            return False
        # no year: last year's unless its sentence sums up several (年均, 累计, 十四五 …)
        ss, se = src.sentence(f)
        return not any(w in src.text[ss:se] for w in _MULTI_YEAR)

    review = [f for f in facts if in_review(f)]
    review_ids = {id(f) for f in review}
    targets = _targets(facts, src, st, review, history, doc)
    themes, pairs = _themes(st, src)
    projects = _project_items(doc, st, facts, src)
    table = {(r.number.start, r.number.end) for r in targets}
    plan = _plan(facts, src, st, table, projects, pairs)
    counts: dict[str, list[int]] = {k: [0, 0] for k, _, _ in all_themes()}
    for f in facts:
        if f.kind == "target":
            counts[themes_of[id(f)]][1] += 1
        elif id(f) in review_ids:
            counts[themes_of[id(f)]][0] += 1
    theme_counts = [ThemeCount(k, zh, *counts[k]) for k, zh, _ in all_themes() if sum(counts[k])]
    marks = [Mark(s, e, src.number[(s, e)].value) for s, e in src.spans]
    marks += [Mark(s, e, src.number[(s, e)].value, nested=True) for s, e in src.nested]
    header = Header(
        title=meta.title,
        jurisdiction=meta.jurisdiction,
        level=meta.level,
        doc_type=meta.doc_type,
        plan_year=meta.plan_year,
        review_year=meta.review_year,
        delivered=meta.delivered,
        speaker=meta.speaker,
        source=meta.source,
        document=doc.path,
    )
    return Reading(
        header=header,
        targets=targets,
        has_history=bool(history),
        results=_results(review, src, st, themes_of),
        plan=plan,
        projects=projects,
        themes=themes,
        growth=_growth(targets),
        theme_counts=theme_counts,
        text=doc.text,
        marks=sorted(marks, key=lambda m: (m.start, -m.end)),
        facts=list(facts),
        highlights=_highlights(targets, facts, src, st),
    )
