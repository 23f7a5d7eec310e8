"""The 数读 reading as data: plain dataclasses that build.py fills and both renderers read.

Every number a reading shows is a :class:`Number` (a fact of the report, with its span),
an :class:`ExternalNumber` (a fact of another report in the registry, or an imported
observation) or, inside a verbatim excerpt, a :class:`Lit` (digits that are not a fact)."""

from __future__ import annotations

from dataclasses import dataclass, field

from workreport.model import Fact
from workreport.rules.numbers import number_text


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
        """The id of its span in the 原文 section, which every link to it points at."""
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
        return self.quote if self.quote else format_value(self.value, self.unit, self.measure, self.comparator, self.value_max)


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
        """The excerpt as plain text."""
        return "".join(
            p if isinstance(p, str) else p.quote if isinstance(p, Number) else p.text for p in self.parts
        )

    @property
    def numbers(self) -> list[Number]:
        """The facts of the report in this excerpt, in order."""
        return [p for p in self.parts if isinstance(p, Number)]

    @staticmethod
    def of(text: str) -> Excerpt:
        """A label the reading writes itself (a theme, an indicator's name): no digits in it."""
        return Excerpt([text])


@dataclass(slots=True)
class Header:
    """The title block: what the report is, where and when it was delivered, and by whom."""

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
    """A line of the targets table (主要目标): this year's target, and what the report and the
    registry say of last year's."""

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
    """One number of an indicator's line, with the word before it (增长, 下降 …)."""

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
        """The facts of the report this line shows."""
        if self.excerpt is not None:
            return self.excerpt.numbers
        return [v.number for v in self.values]


@dataclass(slots=True)
class Group:
    """A card of lines: last year's results under one heading or theme, or plan numbers of one section."""

    key: str
    title: Excerpt
    items: list[Item]
    more: bool = False  # some items were left out


@dataclass(slots=True)
class Project:
    """One of the 为民实事 (practical projects for the people), verbatim."""

    excerpt: Excerpt


@dataclass(slots=True)
class Theme:
    """A theme of the plan (a heading of its part): its keyword, key phrases and slogans."""

    title: Excerpt
    start: int
    part: Excerpt | None = None
    keyword: Excerpt | None = None
    phrases: list[Excerpt] = field(default_factory=list)
    slogans: list[Excerpt] = field(default_factory=list)


@dataclass(slots=True)
class Bar:
    """A row of the growth chart: this year's target and last year's figure for one indicator."""

    indicator_id: str
    name: str
    target: Number
    target_max: float | None
    last: Number | ExternalNumber | None
    last_from: str | None  # registry | report


@dataclass(slots=True)
class ThemeCount:
    """How many numbers of the review and of the plan belong to one theme (the theme chart)."""

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
    """All a renderer needs: every part of the reading, the report's text, its marks and facts."""

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


def format_value(
    value: float, unit: str, measure: str = "level", comparator: str = "=", value_max: float | None = None
) -> str:
    """A registry value with no quote (an imported observation), written the report's way:
    1.37万亿元, 6.5%以上, 2个百分点 (rules.numbers, as the web and the command line write it).
    The reading writes the sign word of a growth or change (增长, 减少) itself, before the
    number, so ``measure`` only picks how a rank is written (第6位)."""
    if measure == "change_rank":
        return number_text(abs(value), "rank", "change_rank", comparator, value_max)[2:]  # 10个位次
    written_as = "rank" if measure == "rank" else "level"
    return number_text(value, unit, written_as, comparator, value_max)
