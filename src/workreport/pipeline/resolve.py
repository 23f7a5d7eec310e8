"""Resolve stage: from a report's facts and structure to commitments and observations.

Pure: no database. Targets become numeric commitments; the plan's key tasks (section
headings and lead sentences) and its practical projects (为民实事 items) become
non-numeric ones; actuals and estimates become observations that targets of any report
can be checked against.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from workreport.model import FACT_FIELDS, Commitment, Document, Fact, Observation, Section, Structure

T = TypeVar("T", Commitment, Observation)
_PROJECT_WORDS = ("实事", "民生工程", "惠民工程")
_ITEM = re.compile(r"([一二三四五六七八九十]+)是([^。;；]*[。;；]?)")
_NUMBERED = re.compile(r"^\s*([一二三四五六七八九十]+)、(.+)$")


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
    commitments.extend(_tasks(doc, structure))
    commitments.extend(_projects(doc, structure))
    return Resolution(commitments, observations)


def _from_fact(f: Fact, cls: type[T], **extra: Any) -> T:
    """A commitment or an observation made from fact ``f``: the fields they share, copied."""
    shared = {x.name for x in fields(cls)} & set(FACT_FIELDS) - set(extra)
    values: dict[str, Any] = {name: getattr(f, name) for name in shared}
    return cls(**values, **extra)


def _sentence(doc: Document, f: Fact) -> str | None:
    if f.sentence_start is None or f.sentence_end is None:
        return None
    return doc.text[f.sentence_start : f.sentence_end].strip()


def _tasks(doc: Document, structure: Structure) -> list[Commitment]:
    """Key tasks: the headings under a plan part ((一)…, lead sentences, 1 关键词…)."""
    out = []
    for s in structure.walk():
        if s.role != "plan" or s.level < 2 or any(w in s.title for w in _PROJECT_WORDS):
            continue
        title = doc.text[s.heading.start : s.heading.end].strip()
        if len(title) < 4:
            continue
        out.append(
            Commitment(
                key=f"task-{s.heading.start}",
                type="task",
                start=s.heading.start,
                end=s.heading.end,
                period=s.period,
                text=title,
            )
        )
    return out


def _projects(doc: Document, structure: Structure) -> list[Commitment]:
    """为民实事: 一是…二是… inside a paragraph that speaks of them, or numbered lines under such a heading."""
    out: list[Commitment] = []
    project_sections = [s for s in structure.walk() if any(w in s.title for w in _PROJECT_WORDS)]
    for para in structure.paragraphs:
        if para.role != "plan":
            continue
        text = doc.text[para.span.start : para.span.end]
        inside = _within(project_sections, para.span.start)
        headings = {s.heading.start for s in structure.walk()}
        if any(w in text for w in _PROJECT_WORDS) or inside is not None:
            for m in _ITEM.finditer(text):
                start = para.span.start + m.start()
                if start in headings:
                    continue  # 四是增进民生福祉。 heads a section; it is not a project
                out.append(
                    Commitment(
                        key=f"project-{start}",
                        type="project",
                        start=start,
                        end=para.span.start + m.end(),
                        period=para.period,
                        text=m.group(0).strip(),
                    )
                )
            numbered = _NUMBERED.match(text)
            if inside is not None and numbered and not _ITEM.search(text):
                out.append(
                    Commitment(
                        key=f"project-{para.span.start}",
                        type="project",
                        start=para.span.start,
                        end=para.span.end,
                        period=para.period,
                        text=text.strip(),
                    )
                )
    return out


def _within(sections: list[Section], offset: int) -> Section | None:
    return next(
        (s for s in sections if s.span.start <= offset < s.span.end and s.heading.end <= offset), None
    )
