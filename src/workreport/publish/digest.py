"""数读: a one-page reading of a work report, in Markdown or as one self-contained HTML file.

The reading is built in two steps. :func:`build_reading` is pure: from a document, its
structure and its facts (and, optionally, last year's targets and outcomes from the
registry) it makes a :class:`Reading`, plain dataclasses that both renderers use.
:func:`render_markdown` and :func:`render_html` turn a reading into text.

Numbers are never made up. Every number a reading shows is a fact of the report (a
:class:`Number`, with its span), a fact of another report in the registry (an
:class:`ExternalNumber`, with its document and span), or, inside a verbatim excerpt of the
report, a digit that is not a fact (a :class:`Lit`, with its span: the 5 of 5G, the year
in a heading). In HTML a fact is a link to its span in the 原文 section at the end of the
page; in Markdown it carries a footnote quoting its sentence. The only numbers the
reading computes itself are the axis ticks of its charts.

>>> from workreport.digest import digest
>>> html_page = digest(workreport.read("report.txt"), fmt="html")
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from workreport import rules
from workreport.errors import InputError
from workreport.model import Document, Fact, Section, Structure
from workreport.pipeline.extract import extract
from workreport.pipeline.resolve import resolve
from workreport.pipeline.structure import structure as structure_of
from workreport.track import Bound, lower_is_better

if TYPE_CHECKING:
    from workreport.store import Database

FORMATS = ("md", "html")

FONT_STACK = '"Noto Sans CJK SC","Noto Sans SC","WenQuanYi Zen Hei","Microsoft YaHei",sans-serif'

# --------------------------------------------------------------------------- themes

# (key, Chinese name, English name); the order is the order a reading shows them in
THEMES: tuple[tuple[str, str, str], ...] = (
    ("economy", "经济运行", "Economy"),
    ("investment", "投资消费", "Investment & consumption"),
    ("innovation", "科技创新", "Innovation"),
    ("industry", "产业发展", "Industry"),
    ("rural", "农业农村", "Agriculture & rural"),
    ("environment", "生态环境", "Environment"),
    ("livelihood", "民生保障", "People's livelihood"),
    ("reform", "改革开放", "Reform & opening"),
    ("other", "其他", "Other"),
)
THEME_NAMES = {key: zh for key, zh, _ in THEMES}

_THEME_OF_ID = {
    "gdp": "economy",
    "gdp_per_capita": "economy",
    "va_primary": "economy",
    "va_secondary": "economy",
    "va_tertiary": "economy",
    "va_industry_above_scale": "industry",
    "va_industry": "industry",
    "va_construction": "economy",
    "fai": "investment",
    "fai_industry": "investment",
    "retail_sales": "investment",
    "online_retail": "investment",
    "budget_revenue": "economy",
    "tax_revenue": "economy",
    "income_urban": "livelihood",
    "income_rural": "livelihood",
    "income": "livelihood",
    "cpi": "economy",
    "energy_intensity": "environment",
    "jobs_urban_new": "livelihood",
    "unemployment_surveyed": "livelihood",
    "unemployment_registered": "livelihood",
    "trade": "reform",
    "exports": "reform",
    "fdi_actual": "reform",
    "fdi_contracted": "reform",
    "rd_intensity": "innovation",
    "high_tech_firms_new": "innovation",
    "tech_contracts": "innovation",
    "grain_output": "rural",
    "grain_area": "rural",
    "air_good_days_ratio": "environment",
    "urbanization": "economy",
    "market_entities_new": "reform",
    "firms_above_scale_new": "industry",
}

# checked in this order: the first theme with a word in the text wins (words are space-separated)
_THEME_WORD_LISTS: tuple[tuple[str, str], ...] = (
    (
        "environment",
        "生态 环境 空气 优良天数 污染 治污 造林 绿地 公园 绿化 排放 "
        "能耗 减排 低碳 碳排放 碳达峰 碳中和 碳汇 水质 断面 污水 垃圾 锅炉 清洁能源 绿色建筑 "
        "水土 草原 湿地 森林 河湖 黄河 蓝天 碧水 净土 无废 游园",
    ),
    (
        "innovation",
        "科技 创新 研发 专利 高新技术 孵化 众创 人才 技术合同 数字 "
        "算力 数据 5G 基站 实验室 科创 专精特新 智能",
    ),
    (
        "livelihood",
        "就业 失业 收入 低保 学位 学校 中小学 幼儿园 教育 课后 医院 "
        "医疗 卫生 床位 健康 养老 住房 保障性 老旧小区 电梯 停车 "
        "救助 社保 保险 妇女 儿童 残疾 失独 文化 体育 赛事 人防 "
        "安防 供热 供气 供水 管网 燃气 道路 公交 轨道 地铁 交通 "
        "社区 安全生产 信访 民生 实事 高校毕业生 劳动力 技能培训 取暖 "
        "稳岗 留工 补助 失业保险 路网 市政 供暖",
    ),
    ("rural", "农业 农村 农田 粮食 乡村 耕地 农民 农产品 生猪 养殖 畜 茶 柑橘 脱贫 返贫 户厕 村 农"),
    (
        "reform",
        "改革 开放 外贸 进出口 出口 外资 外商 班列 营商 口岸 跨境 "
        "市场主体 经营主体 招商 省外到位资金 自贸 综保 保税 对外 国际 "
        "信用 放管服 国企 议案 提案 法规 规章",
    ),
    ("investment", "投资 项目 消费 零售 销售额 专项债 资金 促销 商圈 债券"),
    (
        "industry",
        "工业 企业 产业 制造 园区 产值 装机 光伏 兆瓦 千瓦 产能 "
        "规上 限上 工厂 车间 营收 营业收入 储能 产量 基地 经开区 高新区 开发区",
    ),
    ("economy", "生产总值 增加值 财政 税收 预算 经济 GDP 价格 城镇化"),
)
_THEME_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (k, tuple(w.split())) for k, w in _THEME_WORD_LISTS
)

_STATUS_ZH = {
    "met": "完成",
    "partly": "基本完成",
    "missed": "未完成",
    "unknown": "未知",
    "not_yet_due": "待评",
}
_CHANGE_ZH = {"raised": "↑ 提高", "lowered": "↓ 降低", "same": "＝ 持平", "new": "新增"}
_CMP_SIGN = {">=": "≥", "<=": "≤", "~": "约", "range": "区间"}
_LEVEL_ZH = {
    "national": "国家",
    "province": "省级",
    "prefecture": "地级",
    "county": "县级",
    "new_area": "国家级新区",
    "zone": "园区",
}

_SENTENCE_END = "。！？!?\n"
_CLAUSE_SEP = frozenset("，,；;。！？!?：:\n")
_DIGITS = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)*")
_ORDINAL = re.compile(
    r"\s*(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+[、是]|[0-9０-９]{1,2}(?:[.．、](?![0-9０-９])|\s))\s*"
)
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
EXCERPT_MAX = 56  # code points of a clause before it is cut around its numbers


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class Number:
    """A fact of this report as the reading shows it: its quote at its span."""

    start: int
    end: int
    quote: str
    value: float
    unit: str
    measure: str
    kind: str
    sentence_start: int
    sentence_end: int

    @property
    def anchor(self) -> str:
        return f"f-{self.start}-{self.end}"


@dataclass(frozen=True, slots=True)
class ExternalNumber:
    """A number from the registry: a fact of another report, or an imported observation."""

    value: float
    unit: str
    measure: str
    comparator: str = "="
    value_max: float | None = None
    quote: str | None = None
    kind: str | None = None  # target | actual | estimate
    source: str | None = None  # fact | csv | manual (outcomes)
    document: str | None = None  # the path it was ingested from
    document_id: int | None = None
    sha256: str | None = None
    start: int | None = None
    end: int | None = None
    sentence: str | None = None  # the quoted part of its sentence
    sentence_start: int | None = None

    @property
    def text(self) -> str:
        """What the reading shows: the quote, or for an imported value the value itself."""
        return self.quote if self.quote else _format_value(self.value, self.unit)


@dataclass(frozen=True, slots=True)
class Lit:
    """Digits inside a verbatim excerpt that are not a fact (5G, 2023年 in a heading)."""

    start: int
    end: int
    text: str


Part = str | Number | Lit


@dataclass(slots=True)
class Excerpt:
    """Text of the report, verbatim, with its facts and stray digits marked."""

    parts: list[Part]
    start: int | None = None
    end: int | None = None
    lead: bool = False  # cut at the start: shown with …
    tail: bool = False  # cut at the end

    @property
    def plain(self) -> str:
        return "".join(
            p if isinstance(p, str) else p.quote if isinstance(p, Number) else p.text for p in self.parts
        )

    @property
    def numbers(self) -> list[Number]:
        return [p for p in self.parts if isinstance(p, Number)]

    @staticmethod
    def of(text: str) -> Excerpt:
        """A label the reading writes itself (a theme, an indicator's name): no digits in it."""
        return Excerpt([text])


@dataclass(slots=True)
class Header:
    title: str | None
    jurisdiction: str | None
    level: str | None
    doc_type: str
    plan_year: int | None
    review_year: int | None
    delivered: str | None
    speaker: str | None
    source: str | None
    document: str | None


@dataclass(slots=True)
class PastTarget:
    """Last year's target for the same place and indicator, and what became of it (registry)."""

    indicator_id: str | None
    indicator: str | None
    measure: str
    target: ExternalNumber
    outcome: ExternalNumber | None
    status: str
    provisional: bool = False


@dataclass(slots=True)
class TargetRow:
    indicator_id: str | None
    name: str
    en: str | None
    scope: str | None
    measure: str
    comparator: str
    hedge: str | None
    number: Number
    value_max: float | None = None
    last_actual: Number | None = None  # last year's figure in this report's review part
    previous: ExternalNumber | None = None  # last year's target (registry)
    outcome: Number | ExternalNumber | None = None  # last year's outcome (registry)
    status: str | None = None
    provisional: bool = False
    change: str | None = None  # raised | lowered | same | new


@dataclass(slots=True)
class Value:
    word: str  # 增长, 下降 … (may be empty)
    number: Number


@dataclass(slots=True)
class Item:
    """One line of a group: an indicator with its numbers, or a clause of the report."""

    start: int
    name: str | None = None
    indicator_id: str | None = None
    scope: str | None = None
    estimate: bool = False
    values: list[Value] = field(default_factory=list)
    excerpt: Excerpt | None = None

    @property
    def numbers(self) -> list[Number]:
        if self.excerpt is not None:
            return self.excerpt.numbers
        return [v.number for v in self.values]


@dataclass(slots=True)
class Group:
    key: str
    title: Excerpt
    items: list[Item]
    more: bool = False  # some items were left out


@dataclass(slots=True)
class Project:
    excerpt: Excerpt


@dataclass(slots=True)
class Theme:
    title: Excerpt
    start: int
    part: Excerpt | None = None
    keyword: Excerpt | None = None
    phrases: list[Excerpt] = field(default_factory=list)
    slogans: list[Excerpt] = field(default_factory=list)


@dataclass(slots=True)
class Bar:
    indicator_id: str
    name: str
    target: Number
    target_max: float | None
    last: Number | ExternalNumber | None
    last_from: str | None  # registry | report


@dataclass(slots=True)
class ThemeCount:
    key: str
    name: str
    review: int
    plan: int


@dataclass(slots=True)
class Highlight:
    """A headline figure: a label and one number."""

    label: Excerpt
    number: Number | ExternalNumber
    note: str | None = None  # 力争, 预计 …


@dataclass(slots=True)
class Mark:
    """A fact span in the 原文 section (nested: inside another span, shown as an anchor)."""

    start: int
    end: int
    value: float
    nested: bool = False


@dataclass(slots=True)
class Reading:
    header: Header
    targets: list[TargetRow]
    has_history: bool
    results: list[Group]
    plan: list[Group]
    projects: list[Project]
    themes: list[Theme]
    growth: list[Bar]
    theme_counts: list[ThemeCount]
    text: str
    marks: list[Mark]
    facts: list[Fact]
    highlights: list[Highlight] = field(default_factory=list)

    def numbers(self) -> list[Number]:
        """Every number of this report the reading shows (a fact may be shown more than once)."""
        out: list[Number] = [r.number for r in self.targets]
        out += [r.last_actual for r in self.targets if r.last_actual is not None]
        out += [r.outcome for r in self.targets if isinstance(r.outcome, Number)]
        for g in self.results + self.plan:
            out += g.title.numbers
            for it in g.items:
                out += it.numbers
        for p in self.projects:
            out += p.excerpt.numbers
        for t in self.themes:
            for e in [t.title, t.part, t.keyword, *t.phrases, *t.slogans]:
                if e is not None:
                    out += e.numbers
        for hl in self.highlights:
            out += hl.label.numbers
            if isinstance(hl.number, Number):
                out.append(hl.number)
        for b in self.growth:
            out.append(b.target)
            if isinstance(b.last, Number):
                out.append(b.last)
        return out


# --------------------------------------------------------------------------- vocabulary


@cache
def _vocabulary() -> dict[str, tuple[str, str | None, int]]:
    """indicator id → (Chinese name, English label, order)."""
    out: dict[str, tuple[str, str | None, int]] = {}
    for i, (key, spec) in enumerate(rules.load("indicators").items()):
        if key == "narrower" or not isinstance(spec, dict) or not spec.get("names"):
            continue
        out[key] = (str(spec["names"][0]), spec.get("en"), i)
    return out


@cache
def _money_units() -> frozenset[str]:
    return frozenset(str(spec["unit"]) for spec in rules.load("units")["money"].values())


def _format_value(value: float, unit: str) -> str:
    """A registry value with no quote (an imported observation), written the report's way."""
    v = f"{value:g}"
    if unit == "%":
        return f"{v}%"
    if unit == "pp":
        return f"{v}个百分点"
    if unit == "CNY":
        if abs(value) >= 1e8:
            return f"{value / 1e8:g}亿元"
        if abs(value) >= 1e4:
            return f"{value / 1e4:g}万元"
        return f"{v}元"
    if unit == "USD":
        return f"{value / 1e8:g}亿美元" if abs(value) >= 1e8 else f"{v}美元"
    if unit in ("count", "rank"):
        return v
    return f"{v} {unit}"


# --------------------------------------------------------------------------- the source


class _Source:
    """The report's text with its fact spans: excerpts, clauses and sentences."""

    def __init__(self, text: str, facts: Sequence[Fact]) -> None:
        self.text = text
        self.facts = list(facts)
        by_span: dict[tuple[int, int], Fact] = {}
        for f in facts:
            by_span.setdefault((f.start, f.end), f)
        self.number: dict[tuple[int, int], Number] = {}
        for (s, e), f in by_span.items():
            ss, se = self.sentence(f)
            self.number[(s, e)] = Number(s, e, f.quote, f.value, f.unit, f.measure, f.kind, ss, se)
        # outermost spans, in order and not overlapping; the rest are nested
        self.spans: list[tuple[int, int]] = []
        self.nested: list[tuple[int, int]] = []
        for s, e in sorted(by_span, key=lambda x: (x[0], -x[1])):
            if self.spans and s < self.spans[-1][1]:
                self.nested.append((s, e))
            else:
                self.spans.append((s, e))
        self.starts = [s for s, _ in self.spans]
        self._clauses: dict[tuple[int, int, int, int], Excerpt] = {}

    def num(self, f: Fact) -> Number:
        return self.number[(f.start, f.end)]

    def sentence(self, f: Fact) -> tuple[int, int]:
        if f.sentence_start is not None and f.sentence_end is not None:
            s, e = f.sentence_start, f.sentence_end
        else:
            s, e = self.sentence_at(f.start, f.end)
        while s < e and self.text[s].isspace():
            s += 1
        while e > s and self.text[e - 1].isspace():
            e -= 1
        return s, e

    def sentence_at(self, start: int, end: int) -> tuple[int, int]:
        t = self.text
        s = start
        while s > 0 and t[s - 1] not in _SENTENCE_END:
            s -= 1
        e = end
        while e < len(t) and t[e - 1] not in _SENTENCE_END:
            e += 1
        return s, e

    def _overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        i = bisect_left(self.starts, start)
        if i > 0 and self.spans[i - 1][1] > start:
            i -= 1
        out = []
        while i < len(self.spans) and self.spans[i][0] < end:
            out.append(self.spans[i])
            i += 1
        return out

    def _safe(self, pos: int, *, left: bool) -> int:
        """Move a cut point out of any fact span and digit run (to the left or right)."""
        t = self.text
        for s, e in self._overlapping(pos, pos + 1):
            if s < pos < e:
                pos = s if left else e
        while 0 < pos < len(t) and _is_digit(t[pos - 1]) and _is_digit(t[pos]):
            pos += -1 if left else 1
        return pos

    def excerpt(self, start: int, end: int, *, lead: bool = False, tail: bool = False) -> Excerpt:
        """``text[start:end]`` verbatim (widened to whole facts), its facts and stray digits marked."""
        for s, e in self._overlapping(start, end):
            start, end = min(start, s), max(end, e)
        parts: list[Part] = []
        pos = start
        for s, e in self._overlapping(start, end):
            self._plain(parts, pos, s)
            parts.append(self.number[(s, e)])
            pos = e
        self._plain(parts, pos, end)
        return Excerpt(parts, start, end, lead, tail)

    def _plain(self, parts: list[Part], start: int, end: int) -> None:
        pos = start
        for m in _DIGITS.finditer(self.text, start, end):
            if m.start() > pos:
                parts.append(self.text[pos : m.start()])
            parts.append(Lit(m.start(), m.end(), m.group(0)))
            pos = m.end()
        if end > pos:
            parts.append(self.text[pos:end])

    def trimmed(self, start: int, end: int, strip: str = "。；;，,：: \t\u3000\xa0\n") -> Excerpt | None:
        """An excerpt without surrounding blanks and punctuation; None when nothing is left."""
        t = self.text
        while start < end and t[start] in strip:
            start += 1
        while end > start and t[end - 1] in strip:
            end -= 1
        return self.excerpt(start, end) if end > start else None

    def title(self, span_start: int, span_end: int) -> Excerpt | None:
        """A heading or lead sentence without its ordinal (（一）, 一是, 1.) and end punctuation."""
        t = self.text
        m = _ORDINAL.match(t, span_start, span_end)
        start = m.end() if m and m.end() < span_end else span_start
        return self.trimmed(start, span_end)

    def clause(self, start: int, end: int, lo: int, hi: int) -> Excerpt:
        """The clause holding ``[start, end)`` within the sentence ``[lo, hi)``, cut if long."""
        key = (start, end, lo, hi)
        if key not in self._clauses:
            self._clauses[key] = self._clause(start, end, lo, hi)
        return self._clauses[key]

    def _clause(self, start: int, end: int, lo: int, hi: int) -> Excerpt:
        t = self.text
        cs = start
        while cs > lo and t[cs - 1] not in _CLAUSE_SEP:
            cs -= 1
        ce = end
        while ce < hi and t[ce] not in _CLAUSE_SEP:
            ce += 1
        lead = tail = False
        if ce - cs > EXCERPT_MAX:
            room = max(8, (EXCERPT_MAX - (end - start)) // 2)
            if start - cs > room:
                cut = max((t.rfind(c, start - room, start) for c in "、 "), default=-1)
                cs = cut + 1 if cut >= 0 else self._safe(start - room, left=False)
                lead = True
            if ce - end > room:
                ce = self._safe(end + room, left=True)
                ce = max(ce, end)
                tail = True
        ex = self.trimmed(cs, ce, strip=" \t\u3000\xa0\n、") or self.excerpt(start, end)
        ex.lead, ex.tail = lead, tail
        return ex


def _is_digit(c: str) -> bool:
    return "0" <= c <= "9" or "０" <= c <= "９" or c in ".．"


# --------------------------------------------------------------------------- building


def _theme_of_text(text: str) -> str | None:
    """The first theme (in priority order) with one of its words in a short text."""
    for key, words in _THEME_WORDS:
        if any(w in text for w in words):
            return key
    return None


def _nearest_theme(text: str, at: int) -> str | None:
    """In a long text, the theme of the word nearest before ``at`` (else nearest after)."""
    best: tuple[int, int, str] | None = None
    for rank, (key, words) in enumerate(_THEME_WORDS):
        for w in words:
            i = text.rfind(w, 0, at)
            if i >= 0:
                d = at - (i + len(w))
            else:
                i = text.find(w, at)
                if i < 0:
                    continue
                d = 10_000 + i - at
            if best is None or (d, rank) < best[:2]:
                best = (d, rank, key)
    return best[2] if best else None


def _theme_of(f: Fact, src: _Source, st: Structure) -> str:
    if f.indicator_id in _THEME_OF_ID:
        return _THEME_OF_ID[f.indicator_id]
    found = _theme_of_text(f.indicator)
    ss, se = src.sentence(f)
    if found is None:
        found = _theme_of_text(src.clause(f.start, f.end, ss, se).plain)
    if found is None:
        found = _nearest_theme(src.text[ss:se], f.start - ss)
    if found is None:
        for s in reversed(st.path_at(f.start)):
            found = _theme_of_text(s.title)
            if found:
                break
    return found or "other"


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


def _sign_word(n: Number | ExternalNumber) -> str:
    """下降 for a fall whose quote has no sign of its own: the quote alone would read as a rise."""
    quote = n.quote if isinstance(n, Number) else n.text
    if (
        n.value < 0
        and n.measure in ("growth", "change", "change_pp")
        and not quote.lstrip().startswith(("-", "−", "负"))
    ):
        return "下降"
    return ""


def _measure_word(n: Number) -> str:
    if not _DIGITS.search(n.quote) and n.measure in ("growth", "change"):
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


def _internal(ext: ExternalNumber | None, doc: Document, src: _Source) -> Number | ExternalNumber | None:
    """A registry number that is a fact of this very report becomes a link into it."""
    if ext is None or ext.start is None or ext.end is None or doc.sha256 is None or ext.sha256 != doc.sha256:
        return ext
    return src.number.get((ext.start, ext.end), ext)


def _change(row: TargetRow, prev: ExternalNumber) -> str:
    if prev.unit != row.number.unit:
        return "new"
    a, b = prev.value, row.number.value
    if abs(a - b) < 1e-9:
        return "same"
    lower = lower_is_better(Bound(a, measure=row.measure, indicator_id=row.indicator_id))
    return "raised" if (b > a) != lower else "lowered"


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
    src: _Source,
    st: Structure,
    review: Sequence[Fact],
    history: Sequence[PastTarget] | None,
    doc: Document,
) -> list[TargetRow]:
    vocab = _vocabulary()
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


def _items(facts: Sequence[Fact], src: _Source, *, by_indicator: bool) -> list[Item]:
    """Facts as lines: one per indicator and sentence (vocabulary), else one per clause."""
    items: dict[tuple[object, ...], Item] = {}
    for f in facts:
        n = src.num(f)
        ss, se = n.sentence_start, n.sentence_end
        if by_indicator and f.indicator_id:
            key: tuple[object, ...] = ("id", f.indicator_id, f.scope, ss)
            it = items.get(key)
            if it is None:
                name = _vocabulary().get(f.indicator_id, (f.indicator, None, 0))[0]
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
    money = _money_units()
    order = _vocabulary().get(it.indicator_id or "", ("", None, 999))[2]
    has_money = any(n.unit in money for n in it.numbers)
    return (0 if it.indicator_id else 1, order if it.indicator_id else 999, 0 if has_money else 1, it.start)


def _plan_weight(it: Item) -> int:
    units = {n.unit for n in it.numbers}
    if units & _money_units():
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


def _results(review: Sequence[Fact], src: _Source, st: Structure, themes_of: dict[int, str]) -> list[Group]:
    headed = {id(f): _review_heading(st, f) for f in review}
    by_heading = sum(1 for h in headed.values() if h is not None) >= 0.6 * max(1, len(review))
    buckets: dict[str, list[Fact]] = defaultdict(list)
    titles: dict[str, Excerpt] = {}
    order: dict[str, tuple[int, int]] = {}
    theme_rank = {k: i for i, (k, _, _) in enumerate(THEMES)}
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
                title = Excerpt.of(THEME_NAMES[theme])
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


def _themes(st: Structure, src: _Source) -> tuple[list[Theme], list[tuple[Section, Theme]]]:
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


def _lead_sentence(s: Section, src: _Source) -> Excerpt | None:
    """The first sentence after a heading, cut to its first clauses."""
    t = src.text
    start = s.heading.end
    end = s.children[0].span.start if s.children else s.span.end
    while start < end and (t[start].isspace() or t[start] in "。，,"):
        start += 1
    if end - start < 6:
        return None
    stop = start
    while stop < end and t[stop] not in _SENTENCE_END:
        stop += 1
    tail = False
    if stop - start > 40:
        commas = [i for i in range(start + 8, min(stop, start + 40)) if t[i] in "，,；;"]
        cut = commas[-1] if commas else src._safe(start + 36, left=True)
        stop, tail = cut, True
    ex = src.trimmed(start, stop)
    if ex is not None:
        ex.tail = tail
    return ex


def _project_items(doc: Document, st: Structure, facts: Sequence[Fact], src: _Source) -> list[Project]:
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
    src: _Source,
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
    rows: Sequence[TargetRow], facts: Sequence[Fact], src: _Source, st: Structure
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
    money = _money_units()
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
    src = _Source(doc.text, facts)
    themes_of = {id(f): _theme_of(f, src, st) for f in facts}
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
    counts: dict[str, list[int]] = {k: [0, 0] for k, _, _ in THEMES}
    for f in facts:
        if f.kind == "target":
            counts[themes_of[id(f)]][1] += 1
        elif id(f) in review_ids:
            counts[themes_of[id(f)]][0] += 1
    theme_counts = [ThemeCount(k, zh, *counts[k]) for k, zh, _ in THEMES if sum(counts[k])]
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


# --------------------------------------------------------------------------- registry


def _quoted(text: str, start: int, end: int) -> tuple[str, int]:
    """The sentence around ``[start, end)``, cut to at most ~120 code points; and where it starts."""
    s = start
    while s > 0 and text[s - 1] not in _SENTENCE_END:
        s -= 1
    e = end
    while e < len(text) and text[e - 1] not in _SENTENCE_END:
        e += 1
    return _window(text, s, e, start, end)


def _window(text: str, s: int, e: int, start: int, end: int, width: int = 120) -> tuple[str, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e - s > width:
        room = max(10, (width - (end - start)) // 2)
        s = max(s, start - room)
        e = min(e, max(end, end + room))
        while s > 0 and s < start and _is_digit(text[s - 1]) and _is_digit(text[s]):
            s -= 1
        while e < len(text) and e > end and _is_digit(text[e - 1]) and _is_digit(text[e]):
            e += 1
    return text[s:e], s


def load_history(db: Database, jurisdiction: str, period: int) -> list[PastTarget]:
    """Targets the registry holds for ``jurisdiction`` and ``period``, rated, with their sources.

    Reads only: the ratings are not recorded as assessments."""
    from workreport.errors import NotFoundError
    from workreport.store import DocumentRow
    from workreport.track import track

    try:
        rows = track(db, jurisdiction=jurisdiction, period=period, record=False)
    except NotFoundError:
        return []
    texts: dict[int, tuple[str, str, str]] = {}

    def ext(d: dict[str, Any] | None, kind: str | None) -> ExternalNumber | None:
        if d is None:
            return None
        doc_id = d.get("document_id")
        sentence: str | None = None
        sentence_start: int | None = None
        sha: str | None = None
        if doc_id is not None and d.get("start") is not None:
            if doc_id not in texts:
                with db.session() as session:
                    row = session.get(DocumentRow, doc_id)
                    texts[doc_id] = (row.text, row.sha256, row.path) if row is not None else ("", "", "")
            text, sha, _ = texts[doc_id]
            if text:
                sentence, sentence_start = _quoted(text, int(d["start"]), int(d["end"]))
        return ExternalNumber(
            value=float(d["value"]),
            unit=str(d.get("unit") or ""),
            measure=str(d.get("measure") or ""),
            comparator=str(d.get("comparator") or "="),
            value_max=d.get("value_max"),
            quote=d.get("quote"),
            kind=kind or d.get("kind"),
            source=d.get("source"),
            document=d.get("document"),
            document_id=doc_id,
            sha256=sha,
            start=d.get("start"),
            end=d.get("end"),
            sentence=sentence,
            sentence_start=sentence_start,
        )

    out: list[PastTarget] = []
    for r in rows:
        target = ext(r.target, "target")
        if target is None or r.target.get("value") is None:
            continue
        out.append(
            PastTarget(
                indicator_id=r.indicator_id,
                indicator=r.indicator,
                measure=str(r.target.get("measure") or ""),
                target=target,
                outcome=ext(r.outcome, None),
                status=r.status,
                provisional=r.provisional,
            )
        )
    return out


def digest(doc: Document, *, fmt: str = "md", db: Database | None = None) -> str:
    """A 数读 reading of ``doc`` as Markdown (``fmt="md"``) or one self-contained HTML page.

    With ``db``, the targets table also shows last year's targets for the same place and
    how they were met, as the registry rates them (nothing is written to the database)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown digest format {fmt!r}: choose md or html")
    st = structure_of(doc)
    facts = extract(doc, st)
    history: list[PastTarget] | None = None
    meta = st.metadata
    if db is not None and meta.jurisdiction and meta.plan_year:
        history = load_history(db, meta.jurisdiction, meta.plan_year - 1)
    reading = build_reading(doc, st, facts, history)
    return render_html(reading) if fmt == "html" else render_markdown(reading)


# --------------------------------------------------------------------------- shared wording


def _heading_line(h: Header) -> str:
    year = f"{h.plan_year}年" if h.plan_year else ""
    place = h.jurisdiction or "（未识别地区）"
    kind = "政府工作报告解读" if h.doc_type == "press_reading" else "政府工作报告"
    return f"{place}{year}{kind}"


def _byline(h: Header) -> list[str]:
    out = []
    if h.delivered:
        out.append(h.delivered)
    if h.doc_type == "press_reading":
        if h.source:
            out.append(f"来源：{h.source}")
    elif h.speaker:
        out.append(f"报告人：{h.speaker}")
    if h.level:
        out.append(_LEVEL_ZH.get(h.level, h.level))
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


def _comparator_badge(r: TargetRow) -> str:
    """≥ / ≤ / 约 / 区间, unless the quote says it already (8%以上, 6%左右, 5%—6%)."""
    if r.comparator == "=" or any(w in r.number.quote for w in _CMP_WORDS):
        return ""
    return _CMP_SIGN.get(r.comparator, "")


def _row_name(r: TargetRow) -> str:
    return f"{r.name}（{r.scope}）" if r.scope else r.name


def _status_text(r: TargetRow, provisional: bool = True) -> str:
    if r.status is None:
        return ""
    s = _STATUS_ZH.get(r.status, r.status)
    return f"{s}（预计）" if r.provisional and provisional else s


# --------------------------------------------------------------------------- markdown


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
                quoted, at = _window(self.text, n.sentence_start, n.sentence_end, n.start, n.end)
                self._add(key, f"「{_md_escape(quoted)}」（第{at + 1}–{at + len(quoted)}字）")
        else:
            if n.sentence is None or n.sentence_start is None:
                return ""
            key = ("x", n.document_id, n.start, n.end)
            if key not in self.ids:
                where = _md_escape(_basename(n.document or "登记库"))
                s, at = n.sentence, n.sentence_start
                self._add(key, f"「{_md_escape(s)}」（{where} 第{at + 1}–{at + len(s)}字）")
        return f"[^{self.ids[key]}]"

    def _add(self, key: tuple[object, ...], body: str) -> None:
        self.ids[key] = len(self.ids) + 1
        self.lines.append(f"[^{self.ids[key]}]: {body}")


def _basename(path: str) -> str:
    return re.split(r"[\\/]", path)[-1]


def _md_num(n: Number | ExternalNumber, notes: _Notes) -> str:
    if isinstance(n, Number):
        return f"**{_md_escape(n.quote)}**{notes.ref(n)}"
    return f"**{_md_escape(n.text)}**{notes.ref(n)}"


def _md_signed(n: Number | ExternalNumber, notes: _Notes) -> str:
    return _sign_word(n) + _md_num(n, notes)


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
    sign = _comparator_badge(r)
    target = (f"{sign} " if sign else "") + _md_signed(r.number, notes)
    if r.hedge:
        target += f"（{_md_escape(r.hedge)}）"
    cells = [f"{_md_escape(_row_name(r))} `{r.indicator_id}`", target]
    if show_last:
        cells.append(_md_signed(r.last_actual, notes) if r.last_actual is not None else "—")
    return "| " + " | ".join(cells) + " |"


def _md_groups(heading: str, groups: Any, notes: Any, empty: str) -> list[str]:
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


def render_markdown(reading: Reading) -> str:
    h = reading.header
    notes = _Notes(reading.text)
    out = [f"# {_md_escape(_heading_line(h))} · 数读", ""]
    if h.title and h.doc_type == "press_reading":
        out += [f"**{_md_escape(h.title)}**", ""]
    byline = _byline(h)
    if byline:
        out += ["> " + " · ".join(_md_escape(b) for b in byline), ""]

    if reading.highlights:
        out += ["## 要点速览", ""]
        for hl in reading.highlights:
            note = f"（{_md_escape(hl.note)}）" if hl.note else ""
            out.append(f"- {_md_excerpt(hl.label, notes)}：{_md_signed(hl.number, notes)}{note}")
        out.append("")
    out += ["## 主要目标", ""]
    if reading.targets:
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
                    _status_text(r) or "—",
                    _CHANGE_ZH.get(r.change or "", "—"),
                ]
                line += " " + " | ".join(extra) + " |"
            out.append(line)
        out.append("")
    else:
        out += ["本报告没有列出可识别的主要指标目标。", ""]

    out += _md_groups("上年成绩一览", reading.results, notes, "本报告没有回顾上年的量化成绩。")
    out += _md_groups("计划要点", reading.plan, notes, "本报告的计划部分没有其他量化任务。")

    out += ["## 为民实事", ""]
    if reading.projects:
        out += [f"{i}. {_md_excerpt(p.excerpt, notes)}" for i, p in enumerate(reading.projects, 1)]
        out.append("")
    else:
        out += ["本报告没有逐项列出为民实事。", ""]

    out += ["## 施政主题", ""]
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


# --------------------------------------------------------------------------- html


def _esc(s: str) -> str:
    return html.escape(s, quote=True)


def _num_value(v: float) -> str:
    return repr(float(v))


def _h_num(n: Number | ExternalNumber, text: str) -> str:
    """A number as a link to its span (or, from the registry, marked with where it comes from)."""
    if isinstance(n, Number):
        quoted, _ = _window(text, n.sentence_start, n.sentence_end, n.start, n.end)
        return (
            f'<a class="num" href="#{n.anchor}" data-start="{n.start}" data-end="{n.end}" '
            f'data-value="{_num_value(n.value)}" title="{_esc(quoted)}">{_esc(n.quote)}</a>'
        )
    title = f"{_basename(n.document)}：{n.sentence}" if n.document and n.sentence else "登记库"
    return f'<span class="xnum" {_xnum_attrs(n)} title="{_esc(title)}">{_esc(n.text)}</span>'


def _xnum_attrs(n: ExternalNumber) -> str:
    attrs = f'data-value="{_num_value(n.value)}"'
    if n.document_id is not None and n.start is not None and n.end is not None:
        attrs += f' data-document-id="{n.document_id}" data-start="{n.start}" data-end="{n.end}"'
    if n.document:
        attrs += f' data-document="{_esc(_basename(n.document))}"'
    if n.source:
        attrs += f' data-source="{_esc(n.source)}"'
    return attrs


def _h_signed(n: Number | ExternalNumber, text: str) -> str:
    """A number with 下降 before it when it is a fall written without a sign (下降0.2% → −0.2)."""
    word = _sign_word(n)
    return (f'<span class="word">{_esc(word)}</span>' if word else "") + _h_num(n, text)


def _h_excerpt(e: Excerpt, text: str) -> str:
    out = "…" if e.lead else ""
    for p in e.parts:
        if isinstance(p, Number):
            out += _h_num(p, text)
        elif isinstance(p, Lit):
            out += f'<span class="lit" data-start="{p.start}" data-end="{p.end}">{_esc(p.text)}</span>'
        else:
            out += _esc(p)
    return out + ("…" if e.tail else "")


def _h_item(it: Item, text: str) -> str:
    tags = ""
    if it.estimate:
        tags += '<span class="tag">预计</span>'
    if it.scope:
        tags += f'<span class="tag scope">{_esc(it.scope)}</span>'
    if it.excerpt is not None:
        return f"<li>{_h_excerpt(it.excerpt, text)}{tags}</li>"
    values = "<span class='sep'>，</span>".join(
        (f'<span class="word">{_esc(v.word)}</span>' if v.word else "") + _h_num(v.number, text)
        for v in it.values
    )
    return f'<li><span class="name">{_esc(it.name or "")}</span>{tags}<span class="vals">{values}</span></li>'


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
    out += [f"<th>{_esc(c)}</th>" for c in head]
    out.append("</tr></thead><tbody>")
    for r in reading.targets:
        sign = _comparator_badge(r)
        cells = [
            f'<td class="ind">{_esc(_row_name(r))}<span class="id">{_esc(r.indicator_id or "")}</span></td>',
            '<td class="target">'
            + (f'<span class="cmp">{_esc(sign)}</span>' if sign else "")
            + _h_signed(r.number, text)
            + (f'<span class="tag hedge">{_esc(r.hedge)}</span>' if r.hedge else "")
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
            status = _esc(_status_text(r, provisional=False)) or dash
            if r.provisional:
                status += '<span class="tag">预计</span>'
            cells.append(f'<td><span class="status {r.status or ""}">{status}</span></td>')
            change = _CHANGE_ZH.get(r.change or "", "")
            cells.append(f'<td><span class="change {r.change or ""}">{_esc(change) or dash}</span></td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(1, ticks)
    if raw <= 0:
        return 1.0
    mag = 10 ** int(f"{raw:e}".split("e")[1])
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return float(m * mag)
    return float(10 * mag)


def _tick_label(v: float, unit: str) -> str:
    s = f"{v:.10g}"
    return f"{s}{unit}"


def _svg_open(width: int, height: int, label: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f"aria-label=\"{_esc(label)}\" style='font-family: {FONT_STACK}'>"
    )


def _svg_num(n: Number | ExternalNumber, x: float, y: float, cls: str = "", anchor: str = "start") -> str:
    """A value label: the number as a link (inside the <text>, so it takes the text's place)."""
    word = _sign_word(n)
    out = (
        f'<text x="{x:.1f}" y="{y:.1f}" class="val {cls}" text-anchor="{anchor}" dominant-baseline="middle">'
    )
    if word:
        out += f'<tspan class="word">{_esc(word)}</tspan>'
    if isinstance(n, Number):
        out += (
            f'<a class="num" href="#{n.anchor}" data-start="{n.start}" data-end="{n.end}" '
            f'data-value="{_num_value(n.value)}">{_esc(n.quote)}</a>'
        )
    else:
        out += f'<tspan class="xnum" {_xnum_attrs(n)}>{_esc(n.text)}</tspan>'
    return out + "</text>"


def _h_growth_chart(reading: Reading) -> str:
    bars = reading.growth
    if not bars:
        return ""
    values = [b.target.value for b in bars] + [b.target_max or 0.0 for b in bars]
    values += [b.last.value for b in bars if b.last is not None]
    lo, hi = min(0.0, *values), max(0.0, *values)
    step = _nice_step(hi - lo or 1.0)
    lo = step * (lo // step)
    hi = step * -(-hi // step)
    if hi <= lo:
        hi = lo + step
    width, left, right, top, row = 720, 196, 640, 34, 40
    height = top + row * len(bars) + 30

    def x(v: float) -> float:
        return left + (v - lo) / (hi - lo) * (right - left)

    has_last = any(b.last is not None for b in bars)
    registry = any(b.last_from == "registry" for b in bars)
    out = [_svg_open(width, height, "增长目标与上年实绩")]
    # legend
    out.append(f'<rect x="{left}" y="8" width="12" height="12" rx="2" class="bar-target"/>')
    out.append(f'<text x="{left + 18}" y="14" class="legend" dominant-baseline="middle">今年目标</text>')
    if has_last:
        label = "上年实绩（登记库/本报告）" if registry else "上年实绩（本报告回顾）"
        out.append(f'<rect x="{left + 100}" y="8" width="12" height="12" rx="2" class="bar-last"/>')
        out.append(
            f'<text x="{left + 118}" y="14" class="legend" dominant-baseline="middle">{_esc(label)}</text>'
        )
    # grid and ticks
    v = lo
    while v <= hi + step / 1000:
        gx = x(v)
        cls = "axis zero" if abs(v) < 1e-12 else "axis"
        out.append(f'<line x1="{gx:.1f}" y1="{top - 6}" x2="{gx:.1f}" y2="{height - 24}" class="{cls}"/>')
        out.append(
            f'<text x="{gx:.1f}" y="{height - 10}" class="tick" text-anchor="middle">{_tick_label(v, "%")}</text>'
        )
        v += step
    for i, b in enumerate(bars):
        y0 = top + i * row
        out.append(
            f'<text x="{left - 10}" y="{y0 + row / 2 - 2:.1f}" class="label" text-anchor="end" '
            f'dominant-baseline="middle">{_esc(b.name)}</text>'
        )
        x0, x1 = sorted((x(0), x(b.target.value)))
        out.append(
            f'<rect x="{x0:.1f}" y="{y0 + 3}" width="{max(1.0, x1 - x0):.1f}" height="14" rx="2" class="bar-target"/>'
        )
        end = x1
        if b.target_max is not None and b.target_max > b.target.value:
            xm = x(b.target_max)
            out.append(
                f'<rect x="{x1:.1f}" y="{y0 + 3}" width="{xm - x1:.1f}" height="14" rx="2" class="bar-range"/>'
            )
            end = xm
        out.append(_svg_num(b.target, end + 6, y0 + 10, "v-target"))
        if b.last is not None:
            l0, l1 = sorted((x(0), x(b.last.value)))
            out.append(
                f'<rect x="{l0:.1f}" y="{y0 + 19}" width="{max(1.0, l1 - l0):.1f}" height="12" rx="2" class="bar-last"/>'
            )
            out.append(_svg_num(b.last, l1 + 6, y0 + 25, "v-last"))
    out.append("</svg>")
    return "\n".join(out)


def _h_theme_chart(reading: Reading) -> str:
    counts = reading.theme_counts
    if not counts:
        return ""
    hi_raw = max(c.review + c.plan for c in counts)
    step = max(1.0, _nice_step(float(hi_raw)))
    hi = step * -(-hi_raw // step)
    width, left, right, top, row = 720, 110, 690, 34, 28
    height = top + row * len(counts) + 30

    def x(v: float) -> float:
        return left + v / hi * (right - left)

    out = [_svg_open(width, height, "各主题的数字")]
    out.append(f'<rect x="{left}" y="8" width="12" height="12" rx="2" class="bar-last"/>')
    out.append(f'<text x="{left + 18}" y="14" class="legend" dominant-baseline="middle">回顾（实绩）</text>')
    out.append(f'<rect x="{left + 120}" y="8" width="12" height="12" rx="2" class="bar-target"/>')
    out.append(f'<text x="{left + 138}" y="14" class="legend" dominant-baseline="middle">计划（目标）</text>')
    v = 0.0
    while v <= hi + 1e-9:
        gx = x(v)
        out.append(f'<line x1="{gx:.1f}" y1="{top - 6}" x2="{gx:.1f}" y2="{height - 24}" class="axis"/>')
        out.append(
            f'<text x="{gx:.1f}" y="{height - 10}" class="tick" text-anchor="middle">{_tick_label(v, "")}</text>'
        )
        v += step
    for i, c in enumerate(counts):
        y0 = top + i * row
        out.append(
            f'<text x="{left - 10}" y="{y0 + row / 2 - 1:.1f}" class="label" text-anchor="end" '
            f'dominant-baseline="middle">{_esc(c.name)}</text>'
        )
        if c.review:
            out.append(
                f'<rect x="{left}" y="{y0 + 5}" width="{x(c.review) - left:.1f}" height="16" class="bar-last">'
                f"<title>{_esc(c.name)}：回顾</title></rect>"
            )
        if c.plan:
            out.append(
                f'<rect x="{x(c.review):.1f}" y="{y0 + 5}" width="{x(c.review + c.plan) - x(c.review):.1f}" '
                f'height="16" class="bar-target"><title>{_esc(c.name)}：计划</title></rect>'
            )
    out.append("</svg>")
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
            para.append(_esc(line))

    pos = 0
    for m in outer:
        plain(pos, m.start)
        for a in anchors.pop(m.start, []):
            para.append(f'<span class="anchor" id="f-{a.start}-{a.end}"></span>')
        para.append(
            f'<mark id="f-{m.start}-{m.end}" data-value="{_num_value(m.value)}">'
            f"{_esc(text[m.start : m.end])}</mark>"
        )
        pos = m.end
    plain(pos, len(text))
    flush()
    for rest in anchors.values():  # nested spans with no outer mark (cannot happen; kept safe)
        out += [f'<span class="anchor" id="f-{a.start}-{a.end}"></span>' for a in rest]
    out.append("</div>")
    return "\n".join(out)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


_CSS = """
:root{--ink:#1f2933;--muted:#66707a;--faint:#9aa3ab;--rule:#e4e7eb;--paper:#fbfaf7;--card:#ffffff;
--accent:#a2312b;--accent-soft:#f6e7e4;--blue:#3d5a80;--blue-soft:#c9d6e3;--green:#2f7d4f;--amber:#a8741a}
*{box-sizing:border-box}
html{background:var(--paper)}
body{margin:0;color:var(--ink);font-family:FONTS;font-size:16px;line-height:1.75;
-webkit-font-smoothing:antialiased}
main{max-width:880px;margin:0 auto;padding:40px 24px 80px}
header.masthead{border-bottom:3px double var(--ink);padding-bottom:18px;margin-bottom:28px}
.kicker{display:inline-block;background:var(--accent);color:#fff;font-weight:700;letter-spacing:.2em;
padding:2px 10px 2px 12px;border-radius:2px;font-size:14px}
h1{font-size:34px;line-height:1.3;margin:12px 0 6px;letter-spacing:.02em}
.subtitle{color:var(--muted);font-size:17px;margin:0 0 8px}
.byline{color:var(--muted);font-size:14px;margin:0}
.byline span+span:before{content:"·";margin:0 .6em;color:var(--faint)}
nav.toc{display:flex;flex-wrap:wrap;gap:6px 14px;font-size:14px;margin:0 0 8px}
nav.toc a{color:var(--muted);text-decoration:none;border-bottom:1px solid var(--rule)}
section{margin:40px 0}
.highlights{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin:24px 0 8px}
.hl{background:var(--card);border:1px solid var(--rule);border-radius:6px;padding:14px 16px 12px}
.hl .big a.num,.hl .big .xnum{font-size:25px;line-height:1.25;border-bottom-width:0;white-space:normal}
.hl .cap{color:var(--muted);font-size:13px;margin-top:4px;line-height:1.5}
h2{font-size:22px;margin:0 0 14px;padding-left:12px;border-left:5px solid var(--accent);line-height:1.35}
h2 small{font-weight:400;color:var(--faint);font-size:13px;margin-left:8px;letter-spacing:.04em}
h3{font-size:16px;margin:0 0 8px;color:var(--ink)}
.note{color:var(--muted);font-size:14px}
a.num{color:var(--accent);font-weight:700;text-decoration:none;border-bottom:1px dotted var(--accent);
font-variant-numeric:tabular-nums;white-space:nowrap}
a.num:hover{background:var(--accent-soft)}
.xnum{color:var(--blue);font-weight:600;border-bottom:1px dashed var(--blue-soft);white-space:nowrap}
.lit{color:inherit}
.table-wrap{overflow-x:auto;background:var(--card);border:1px solid var(--rule);border-radius:6px}
table.targets{border-collapse:collapse;width:100%;font-size:15px}
table.targets th{text-align:left;font-weight:600;color:var(--muted);font-size:13px;background:#f3f1ec;
padding:9px 12px;border-bottom:1px solid var(--rule);white-space:nowrap}
table.targets td{padding:7px 12px;border-bottom:1px solid var(--rule);vertical-align:baseline}
table.targets tr:last-child td{border-bottom:0}
table.targets tbody tr:nth-child(even){background:#fcfbf9}
td.ind{font-weight:600}
td.ind .id{display:block;line-height:1.3;font-weight:400;color:var(--faint);font-size:11px;font-family:ui-monospace,Menlo,Consolas,monospace}
td.target a.num{font-size:17px}
.cmp{color:var(--muted);margin-right:4px;font-size:14px}
.tag{display:inline-block;font-size:12px;line-height:1.5;color:var(--muted);border:1px solid var(--rule);
border-radius:3px;padding:0 5px;margin-left:6px;background:#fff;vertical-align:1px}
.tag.hedge{color:var(--amber);border-color:#ecd9b5}
.tag.scope{color:var(--blue);border-color:var(--blue-soft)}
.dim{color:var(--faint)}
.status,.change{white-space:nowrap}
.status.met{color:var(--green)}.status.partly{color:var(--amber)}.status.missed{color:var(--accent)}
.change.raised{color:var(--accent)}.change.lowered{color:var(--blue)}.change.new{color:var(--amber)}
.charts{display:grid;gap:18px}
figure{margin:0;background:var(--card);border:1px solid var(--rule);border-radius:6px;padding:14px 16px 8px}
figcaption{font-size:14px;color:var(--muted);margin-bottom:6px}
svg.chart{display:block;height:auto}
svg .label{font-size:13px;fill:var(--ink)}
svg .legend{font-size:12px;fill:var(--muted)}
svg .tick{font-size:11px;fill:var(--faint)}
svg .val{font-size:12px;font-weight:700}
svg a.num{fill:var(--accent)}
svg .xnum{fill:var(--blue)}
svg .word{fill:var(--muted);font-weight:400}
.word{color:var(--muted);margin-right:2px}
svg .axis{stroke:#eceae5;stroke-width:1}
svg .axis.zero{stroke:#b9b4aa}
svg .bar-target{fill:var(--accent)}
svg .bar-range{fill:var(--accent);opacity:.35}
svg .bar-last{fill:var(--blue-soft)}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:14px;align-items:start}
.card{background:var(--card);border:1px solid var(--rule);border-radius:6px;padding:14px 16px}
.card h3{border-bottom:1px solid var(--rule);padding-bottom:6px}
.card ul{list-style:none;margin:0;padding:0}
.card li{padding:4px 0;border-bottom:1px dashed #eeece7;font-size:15px}
.card li:last-child{border-bottom:0}
.card li .name{font-weight:600;margin-right:6px}
.card li .vals{margin-left:6px}
.card li .word{color:var(--muted);margin-right:2px}
.card li.more{color:var(--faint)}
.plan .card{margin-bottom:14px}
ol.projects{list-style:none;counter-reset:p;margin:0;padding:0;display:grid;gap:10px}
ol.projects li{counter-increment:p;position:relative;background:var(--card);border:1px solid var(--rule);
border-radius:6px;padding:10px 14px 10px 58px;min-height:48px}
ol.projects li:before{content:counter(p,cjk-ideographic);position:absolute;left:12px;top:50%;
transform:translateY(-50%);width:34px;height:34px;line-height:34px;text-align:center;border-radius:50%;
background:var(--accent);color:#fff;font-weight:700;font-size:15px}
.themes{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:14px;align-items:start}
.theme{background:var(--card);border:1px solid var(--rule);border-top:3px solid var(--accent);border-radius:6px;padding:12px 16px}
.theme .kw{display:inline-block;color:var(--accent);font-weight:700;font-size:13px;letter-spacing:.1em;margin-bottom:2px}
h3.part-title{font-size:15px;color:var(--muted);font-weight:600;margin:18px 0 10px;letter-spacing:.05em}
.themes:empty{display:none}
.theme h3{font-size:16px;line-height:1.5}
.theme ul{margin:6px 0 0;padding-left:1.1em;font-size:14px;color:#3c4650}
.theme .slogans{margin-top:8px}
.theme .slogans>span{display:inline-block;font-size:12px;background:var(--accent-soft);color:var(--accent);
border-radius:3px;padding:0 6px;margin:0 4px 4px 0}
details.source-wrap{background:var(--card);border:1px solid var(--rule);border-radius:6px;padding:8px 18px}
details.source-wrap summary{cursor:pointer;color:var(--muted);font-size:14px;padding:6px 0}
.source{font-family:FONTS;font-size:14.5px;line-height:1.9;color:#39424b}
.source p{margin:0 0 .7em;white-space:pre-wrap;word-break:break-word}
.source mark{background:#fbeee9;color:inherit;border-radius:2px;padding:0 1px;scroll-margin-top:40vh}
.source mark:target,.source .anchor:target+mark{background:#f3c9bd;outline:2px solid var(--accent)}
footer{margin-top:48px;color:var(--faint);font-size:13px;border-top:1px solid var(--rule);padding-top:12px}
@media (max-width:640px){h1{font-size:26px}.grid{grid-template-columns:1fr}}
@media print{details.source-wrap{display:none}}
""".replace("FONTS", FONT_STACK)


def render_html(reading: Reading) -> str:
    """One self-contained page: inline CSS and SVG, no script, no remote asset."""
    h = reading.header
    text = reading.text
    title = f"{_heading_line(h)} · 数读"
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head><body><main>",
        '<header class="masthead"><span class="kicker">数读</span>',
        f"<h1>{_esc(_heading_line(h))}</h1>",
    ]
    if h.title and h.doc_type == "press_reading":
        parts.append(f'<p class="subtitle">{_esc(h.title)}</p>')
    parts.append('<p class="byline">' + "".join(f"<span>{_esc(b)}</span>" for b in _byline(h)) + "</p>")
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
            note = f'<span class="tag">{_esc(hl.note)}</span>' if hl.note else ""
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
    growth = _h_growth_chart(reading)
    if growth:
        parts.append(f"<figure><figcaption>增长目标与上年实绩（%）</figcaption>{growth}</figure>")
    else:
        parts.append('<p class="note">本报告没有可比较的增长目标。</p>')
    themes_chart = _h_theme_chart(reading)
    if themes_chart:
        parts.append(f"<figure><figcaption>各主题的量化数字有多少</figcaption>{themes_chart}</figure>")
    parts.append("</div></section>")

    parts.append('<section id="results"><h2>上年成绩一览</h2>')
    if reading.results:
        parts.append(_h_groups(reading.results, text, "grid"))
    else:
        parts.append('<p class="note">本报告没有回顾上年的量化成绩。</p>')
    parts.append("</section>")

    parts.append('<section id="plan"><h2>计划要点</h2>')
    if reading.plan:
        parts.append(_h_groups(reading.plan, text, "plan"))
    else:
        parts.append('<p class="note">本报告的计划部分没有其他量化任务。</p>')
    parts.append("</section>")

    parts.append('<section id="projects"><h2>为民实事</h2>')
    if reading.projects:
        parts.append('<ol class="projects">')
        parts += [f"<li>{_h_excerpt(p.excerpt, text)}</li>" for p in reading.projects]
        parts.append("</ol>")
    else:
        parts.append('<p class="note">本报告没有逐项列出为民实事。</p>')
    parts.append("</section>")

    parts.append('<section id="themes"><h2>施政主题</h2>')
    if reading.themes:
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
    else:
        parts.append('<p class="note">本报告的计划部分没有分主题的小标题。</p>')
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
