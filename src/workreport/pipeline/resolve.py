"""Resolve stage: from a report's facts and structure to commitments and observations.

Pure: no database. Targets become numeric commitments; the plan's key tasks (section
headings and lead sentences) and its practical projects (为民实事 items) become
non-numeric ones; actuals and estimates become observations that targets of any report
can be checked against.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, Final, TypeVar

from workreport.model import FACT_FIELDS, Commitment, Document, Fact, Observation, Structure
from workreport.pipeline.tasks import key_tasks, projects

T = TypeVar("T", Commitment, Observation)


def fact_keys(facts: Sequence[Fact]) -> list[str]:
    """Stable keys: the span, and an ordinal for facts sharing one (均: one number, several facts)."""
    seen: Counter[tuple[int, int]] = Counter()
    keys = []
    for f in facts:
        n = seen[(f.start, f.end)]
        seen[(f.start, f.end)] += 1
        keys.append(f"{f.start}-{f.end}-{n}")
    return keys


@dataclass(slots=True)
class Resolution:
    """A document's facts resolved: the commitments it makes and the observations it reports."""

    commitments: list[Commitment]
    observations: list[Observation]
    keys: list[str]  # each fact's key (fact_keys), in the facts' order


def resolve(doc: Document, structure: Structure, facts: Sequence[Fact]) -> Resolution:
    """Commitments from the dated targets (a repeated target once) and observations from dated outcomes."""
    keys = fact_keys(facts)
    commitments: list[Commitment] = []
    observations: list[Observation] = []
    seen: set[tuple[object, ...]] = set()
    for f, key in zip(facts, keys, strict=True):
        # a reading repeats its key targets (数读 and 重点工作): one commitment each
        signature = (
            f.scope,
            f.indicator_id or f.indicator,
            f.measure,
            f.value,
            f.comparator,
            f.unit,
            f.period,
        )
        if f.kind == "target" and f.period is not None and signature in seen:
            continue
        seen.add(signature)
        if f.kind == "target" and f.period is not None:
            commitments.append(
                _from_fact(f, Commitment, key=key, type="target", fact_key=key, text=_sentence(doc, f))
            )
        elif f.kind in ("actual", "estimate") and f.period is not None:
            observations.append(_from_fact(f, Observation, fact_key=key))
    commitments.extend(key_tasks(doc, structure))  # pipeline/tasks.py: the report's own lines only
    commitments.extend(projects(doc, structure))
    return Resolution(commitments, observations, keys)


_SHARED: Final[dict[type, frozenset[str]]] = {}  # a class's fields that a Fact has too


def _from_fact(f: Fact, cls: type[T], **extra: Any) -> T:
    """A commitment or an observation made from fact ``f``: the fields they share, copied."""
    shared = _SHARED.get(cls)
    if shared is None:
        shared = _SHARED[cls] = frozenset(x.name for x in fields(cls)) & frozenset(FACT_FIELDS)
    values: dict[str, Any] = {name: getattr(f, name) for name in shared if name not in extra}
    made: T = cls(**values, **extra)  # a typed name: mypyc's type check reads the call as Any
    return made


def _sentence(doc: Document, f: Fact) -> str | None:
    if f.sentence_start is None or f.sentence_end is None:
        return None
    return doc.text[f.sentence_start : f.sentence_end].strip()
