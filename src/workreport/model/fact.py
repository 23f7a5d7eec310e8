"""The one schema of a fact (FACTS.md §2).

:class:`Fact` is the single description of what a fact is: its fields, their types, the
enumerations of ``kind``, ``measure`` and ``comparator``, and a description of every field.
Everything else that carries facts derives from it: the database rows (``store.mapping``),
the published datasets and export schemas (``publish``), the HTTP API models (``web``), the
checks on CSV imports and the fields a person may correct (:func:`coerce_field`). A test
checks that each of them covers every field.
"""

from __future__ import annotations

import math
import types
import typing
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, Literal, get_args

from workreport.errors import InputError
from workreport.model.document import Span

Kind = Literal["target", "actual", "estimate", "other"]
Measure = Literal["level", "growth", "share", "change", "change_pp", "rank", "change_rank"]
Comparator = Literal["=", ">=", "<=", "~", "range"]

KINDS: tuple[str, ...] = get_args(Kind)
MEASURES: tuple[str, ...] = get_args(Measure)
COMPARATORS: tuple[str, ...] = get_args(Comparator)

# the years a fact may be about: the People's Republic's reports, and plans that reach ahead
YEARS = range(1949, 2101)


def _f(doc: str, default: Any = MISSING, *, storage: str | None = None) -> Any:
    """A field with its description (and, where the type does not say it, its storage type)."""
    meta = {"doc": doc, "storage": storage}
    if default is MISSING:
        return field(metadata=meta)
    if isinstance(default, list):
        return field(default_factory=list, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(slots=True)
class Fact:
    """One number that measures something, normalised, with its exact span (FACTS.md §2)."""

    start: int = _f("start of the span: code-point offset into the document text as decoded")
    end: int = _f("end of the span (exclusive)")
    quote: str = _f("the text of the span: the number with its unit and the comparator words that touch it")
    value: float = _f("the number in the canonical unit (3420亿元 → 342000000000)")
    unit: str = _f("canonical unit id (FACTS.md §4): CNY, %, pp, person, count, ton …")
    measure: Measure = _f("level, growth, share, change, change_pp, rank or change_rank")
    comparator: Comparator = _f("=, >=, <=, ~ or range")
    kind: Kind = _f("target, actual, estimate or other")
    indicator: str = _f("what is measured, as written")
    indicator_id: str | None = _f("the indicator's id in the shipped vocabulary", None)
    value_max: float | None = _f("upper end of a range", None)
    hedge: str | None = _f("the commitment word as written before the number (力争, 确保, 预计 …)", None)
    period: int | None = _f("the year the fact is about", None)
    scope: str | None = _f("the zone or district the fact is about, if not the report's own", None)
    classifier: str | None = _f("the counting word of a count (个, 家, 套, 户 …)", None)
    section: list[str] = _f("titles of the enclosing sections, outermost first", [])
    sentence_start: int | None = _f("start of the enclosing sentence", None)
    sentence_end: int | None = _f("end of the enclosing sentence", None)

    @property
    def span(self) -> Span:
        """The fact's span as a :class:`Span`."""
        return Span(self.start, self.end)

    def to_dict(self) -> dict[str, Any]:
        """The fact as FACTS.md's JSON object (every field, in schema order)."""
        # names read once (``fields()`` per call cost a batch worker 8% of its time)
        out = {name: getattr(self, name) for name in FACT_FIELDS}
        for name in _LIST_FIELDS:  # a copy: the dict never shares a list with the fact
            out[name] = list(out[name])
        return out


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """What the schema says of one field of :class:`Fact`."""

    name: str
    type: str  # string | int | float | list
    nullable: bool
    choices: tuple[str, ...] | None
    description: str


def _spec(name: str, hint: Any, doc: str) -> FieldSpec:
    nullable = False
    args = get_args(hint)
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        nullable = type(None) in args
        hint = next(a for a in args if a is not type(None))
    choices: tuple[str, ...] | None = None
    if typing.get_origin(hint) is Literal:
        choices, base = get_args(hint), "string"
    elif hint is str:
        base = "string"
    elif hint is int:
        base = "int"
    elif hint is float:
        base = "float"
    else:
        base = "list"
    return FieldSpec(name, base, nullable, choices, doc)


def _schema() -> tuple[FieldSpec, ...]:
    hints = typing.get_type_hints(Fact, globalns={**globals(), "Span": Span})
    return tuple(_spec(f.name, hints[f.name], f.metadata["doc"]) for f in fields(Fact))


FACT_SCHEMA: tuple[FieldSpec, ...] = _schema()
FACT_FIELDS: tuple[str, ...] = tuple(s.name for s in FACT_SCHEMA)
SPEC: dict[str, FieldSpec] = {s.name: s for s in FACT_SCHEMA}
_LIST_FIELDS: tuple[str, ...] = tuple(s.name for s in FACT_SCHEMA if s.type == "list")

# what a person may change in a fact: everything but where it is in the text
CORRECTABLE: tuple[str, ...] = tuple(
    s.name for s in FACT_SCHEMA if s.name not in ("start", "end", "quote", "section", "sentence_start", "sentence_end")
)


def coerce_field(name: str, raw: str | None) -> Any:
    """``raw`` (as typed by a person or read from a CSV cell) as a valid value of field ``name``.

    Enumerations must name one of their values, numbers must be finite, years sane, and text
    printable; an empty cell of a nullable field is null. Raises :class:`InputError` naming the
    field and the problem."""
    spec = SPEC.get(name)
    if spec is None:
        raise InputError(f"no fact field {name!r}; fields: {', '.join(FACT_FIELDS)}")
    text = (raw or "").strip()
    if not text:
        if spec.nullable:
            return None
        raise InputError(f"{name}: a value is required")
    if "\x00" in text or not text.isprintable():
        raise InputError(f"{name}={raw!r}: not printable text")
    if spec.choices is not None:
        if text not in spec.choices:
            raise InputError(f"{name}={text!r}: must be one of {', '.join(spec.choices)}")
        return text
    if spec.type == "float":
        try:
            number = float(text)
        except ValueError as exc:
            raise InputError(f"{name}={text!r}: not a number") from exc
        if not math.isfinite(number):
            raise InputError(f"{name}={text!r}: not a finite number")
        return number
    if spec.type == "int":
        try:
            whole = int(text)
        except ValueError as exc:
            raise InputError(f"{name}={text!r}: not a whole number") from exc
        if name == "period" and whole not in YEARS:
            raise InputError(f"{name}={whole}: not a year between {YEARS.start} and {YEARS.stop - 1}")
        return whole
    if spec.type == "string":
        if len(text) > 200:
            raise InputError(f"{name}: longer than 200 characters")
        return text
    raise InputError(f"{name}: cannot be set from text")


def as_measure(text: str) -> Measure:
    """``text`` as a :data:`Measure`; a ValueError names a word the schema does not know."""
    if text not in MEASURES:
        raise ValueError(f"not a measure: {text!r}")
    return typing.cast(Measure, text)


def as_comparator(text: str) -> Comparator:
    """``text`` as a :data:`Comparator`."""
    if text not in COMPARATORS:
        raise ValueError(f"not a comparator: {text!r}")
    return typing.cast(Comparator, text)


def as_kind(text: str) -> Kind:
    """``text`` as a :data:`Kind`."""
    if text not in KINDS:
        raise ValueError(f"not a kind: {text!r}")
    return typing.cast(Kind, text)
