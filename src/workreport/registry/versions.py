"""A changed version of a stored report: people's work carried over to the same text.

When a report is ingested again with other bytes (a corrected web copy, a fixed typo) it
replaces the stored document instead of adding a second one. Corrections (kept by fact key)
and commitments people assessed (kept by key) are moved to the new text: the sentence they
stood in is looked up in the new text, else the quote with a little context around it. What
cannot be placed is listed, and the audit log records all of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workreport.model import Fact
from workreport.pipeline.resolve import fact_keys
from workreport.store import AssessmentRow, CommitmentRow, CorrectionRow, DocumentRow, FactRow

CONTEXT = 12  # characters either side of a quote when its sentence has changed


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where something stood in the old text: a span, its sentence, and the old text."""

    start: int
    end: int
    sentence_start: int
    sentence_end: int


def place(old_text: str, new_text: str, a: Anchor) -> int | None:
    """Where the span ``a`` of the old text stands in the new text (its new start), found by its
    sentence, else by the quote with :data:`CONTEXT` characters either side; None if neither
    is found exactly once."""
    sentence = old_text[a.sentence_start : a.sentence_end]
    if len(sentence) >= 4 and new_text.count(sentence) == 1:
        return new_text.index(sentence) + (a.start - a.sentence_start)
    lo, hi = max(0, a.start - CONTEXT), min(len(old_text), a.end + CONTEXT)
    window = old_text[lo:hi]
    if new_text.count(window) == 1:
        return new_text.index(window) + (a.start - lo)
    quote = old_text[a.start : a.end]
    if len(quote) >= 2 and new_text.count(quote) == 1:
        return new_text.index(quote)
    return None


def carry_over(
    session: Session, old: DocumentRow, new_text: str, facts: list[Fact]
) -> tuple[list[str], dict[str, object]]:
    """Move the corrections and the assessed commitments of ``old`` to the keys of the same text in
    the new version (whose facts are ``facts``). Returns what could not be placed, and a record
    of what moved for the audit log."""
    new_keys = {(f.start, f.end): k for f, k in zip(facts, fact_keys(facts), strict=True)}
    old_facts = {f.key: f for f in session.scalars(select(FactRow).where(FactRow.document_id == old.id))}
    unplaced: list[str] = []
    moved: dict[str, str] = {}

    def new_key_of(key: str) -> str | None:
        f = old_facts.get(key)
        if f is None:
            return None
        start = place(
            old.text,
            new_text,
            Anchor(f.start, f.end, f.sentence_start or f.start, f.sentence_end or f.end),
        )
        return new_keys.get((start, start + (f.end - f.start))) if start is not None else None

    for fix in session.scalars(select(CorrectionRow).where(CorrectionRow.document_id == old.id)):
        key = moved.get(fix.fact_key) or new_key_of(fix.fact_key)
        if key is None:
            unplaced.append(f"correction of {fix.field} on {_quote(old_facts, fix.fact_key)}")
            continue
        moved[fix.fact_key] = fix.fact_key = key
    assessed = set(session.scalars(select(AssessmentRow.commitment_id).where(AssessmentRow.rater != "rules")))
    commitments = list(session.scalars(select(CommitmentRow).where(CommitmentRow.document_id == old.id)))
    for c in commitments:  # free the keys first: a moved key may be another row's old one
        c.key = f"~{c.id}"
    session.flush()
    # two spans of the old text can land on one of the new (a quote written twice, once left
    # after the sentence was rewritten): the first keeps the key, the other is not placed
    taken: set[str] = set()
    for c in commitments:
        if c.fact_key is not None:
            key = moved.get(c.fact_key) or new_key_of(c.fact_key)
            if key is not None and key not in taken:
                c.key = c.fact_key = moved[c.fact_key] = key
                taken.add(key)
                continue
        elif c.text:
            at = place(old.text, new_text, Anchor(c.start, c.end, c.start, c.end))
            if at is not None and f"{c.type}-{at}" not in taken:
                c.key, c.start, c.end = f"{c.type}-{at}", at, at + (c.end - c.start)
                taken.add(c.key)
                continue
        if c.id in assessed:  # kept, retired, with its assessments
            unplaced.append(f"assessment of commitment {c.id} ({c.text or c.indicator or ''})"[:120])
            c.retired = True
        else:
            session.delete(c)
    session.flush()
    return unplaced, {"moved": len(moved), "unplaced": unplaced}


def _quote(facts: dict[str, FactRow], key: str) -> str:
    f = facts.get(key)
    return f"{f.quote} ({f.indicator})" if f is not None else key
