"""The data types every pipeline stage shares.

Offsets are always half-open ``[start, end)`` code-point offsets into
``Document.text``: the text exactly as decoded from the file's bytes (no newline
translation, no normalisation; a BOM is not part of it).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Kind = Literal["target", "actual", "estimate", "other"]
Measure = Literal["level", "growth", "share", "change", "change_pp", "rank", "change_rank"]
Comparator = Literal["=", ">=", "<=", "~", "range"]
Role = Literal["review", "plan", "other"]

KINDS: tuple[str, ...] = ("target", "actual", "estimate", "other")
MEASURES: tuple[str, ...] = ("level", "growth", "share", "change", "change_pp", "rank", "change_rank")
COMPARATORS: tuple[str, ...] = ("=", ">=", "<=", "~", "range")


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open interval of code points in a document's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(slots=True)
class Document:
    """A report as read from a file: its decoded text and where it came from."""

    text: str
    path: str | None = None
    format: str = "txt"  # txt | html | docx | pdf
    encoding: str | None = None  # how the bytes were decoded, for text formats
    sha256: str | None = None  # of the raw file bytes

    @property
    def name(self) -> str:
        return self.path or "<text>"


@dataclass(slots=True)
class Section:
    """A heading and everything under it, down to the next heading of its level or higher."""

    title: str
    level: int  # 1 for 一、, 2 for (一), 3 for 1., 4 for lead sentences
    heading: Span
    span: Span  # heading plus body
    role: Role = "other"
    period: int | None = None
    children: list[Section] = field(default_factory=list)

    def walk(self) -> list[Section]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "level": self.level,
            "start": self.span.start,
            "end": self.span.end,
            "heading_start": self.heading.start,
            "heading_end": self.heading.end,
            "role": self.role,
            "period": self.period,
            "children": [c.to_dict() for c in self.children],
        }


@dataclass(slots=True)
class Metadata:
    title: str | None = None
    jurisdiction: str | None = None  # as written: 兰州市, 兰州新区, 国务院 → 中国
    level: str | None = None  # national | province | prefecture | county | new_area | zone
    delivered: str | None = None  # ISO date the report was delivered or published
    plan_year: int | None = None  # the year the plan part is for
    review_year: int | None = None  # the year the review part reports on
    speaker: str | None = None  # who delivered the report
    source: str | None = None  # the publisher of a press reading or a web copy
    doc_type: str = "report"  # report | press_reading

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Paragraph:
    """A line of content with what its position says about the facts in it."""

    span: Span
    role: Role = "other"
    period: int | None = None  # the single year it speaks of, if any
    multi_year: bool = False  # it sums up several years (五年来, 十四五 …)
    years: tuple[int, int] | None = None  # first and last year of a multi-year span, if known


@dataclass(slots=True)
class Structure:
    """What the structure stage finds: metadata, the section tree, where content ends."""

    metadata: Metadata
    sections: list[Section]
    content: Span  # the report proper; web debris outside it is not content
    paragraphs: list[Paragraph] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "metadata": self.metadata.to_dict(),
            "content": [self.content.start, self.content.end],
            "sections": [s.to_dict() for s in self.sections],
        }

    def walk(self) -> list[Section]:
        out: list[Section] = []
        for s in self.sections:
            out.extend(s.walk())
        return out

    def path_at(self, offset: int) -> list[Section]:
        """Sections containing ``offset``, outermost first."""
        path: list[Section] = []
        level = self.sections
        while True:
            hit = next((s for s in level if s.span.start <= offset < s.span.end), None)
            if hit is None:
                return path
            path.append(hit)
            level = hit.children


@dataclass(slots=True)
class Fact:
    """One number that measures something, normalised, with its exact span (FACTS.md §2)."""

    start: int
    end: int
    quote: str
    value: float
    unit: str
    measure: str
    comparator: str
    kind: str
    indicator: str
    indicator_id: str | None = None
    value_max: float | None = None
    hedge: str | None = None
    period: int | None = None
    scope: str | None = None
    classifier: str | None = None
    section: list[str] = field(default_factory=list)
    sentence_start: int | None = None
    sentence_end: int | None = None

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "value": self.value,
            "value_max": self.value_max,
            "unit": self.unit,
            "measure": self.measure,
            "comparator": self.comparator,
            "kind": self.kind,
            "indicator": self.indicator,
            "indicator_id": self.indicator_id,
            "hedge": self.hedge,
            "period": self.period,
            "scope": self.scope,
            "classifier": self.classifier,
            "section": list(self.section),
            "sentence_start": self.sentence_start,
            "sentence_end": self.sentence_end,
        }


@dataclass(slots=True)
class Commitment:
    """A promise in a plan part: a numeric target, a key task, or a practical project (为民实事)."""

    key: str  # stable within its document: the fact key for targets, the span otherwise
    type: str  # target | task | project
    start: int
    end: int
    period: int | None
    scope: str | None = None  # the zone or district it is about, as written; None: the report's own
    text: str | None = None
    fact_key: str | None = None
    indicator_id: str | None = None
    indicator: str | None = None
    measure: str | None = None
    comparator: str | None = None
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    hedge: str | None = None


@dataclass(slots=True)
class Observation:
    """A value reported for an indicator, a period and a place: what a target is checked against."""

    period: int
    measure: str
    unit: str
    value: float
    comparator: str
    kind: str  # actual | estimate
    scope: str | None = None
    indicator_id: str | None = None
    indicator: str | None = None
    value_max: float | None = None
    fact_key: str | None = None
