"""The tracker: every numeric target against the outcomes reported for it, rated by rules.

The rules are data (``rules/tracking.toml``) and documented in the README; :func:`rate`
is a pure function of a target and an outcome. :func:`track` matches targets with
observations in the database (same jurisdiction, indicator, period and measure, from any
report: a city's review of its new area counts for the new area), rates them, records
each change of rating as an append-only assessment, and lets a person's assessment
outrank the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workreport.store import (
    AssessmentRow,
    CommitmentRow,
    Database,
    DocumentRow,
    FactRow,
    JurisdictionRow,
    ObservationRow,
)
from workreport.store.places import find_jurisdiction
from workreport.track.rules import Bound, rate


@dataclass(slots=True)
class TrackRow:
    commitment_id: int
    jurisdiction: str | None
    indicator_id: str | None
    indicator: str | None
    period: int | None
    target: dict[str, Any]
    outcome: dict[str, Any] | None
    status: str
    provisional: bool
    rule: str
    rater: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "commitment_id": self.commitment_id,
            "jurisdiction": self.jurisdiction,
            "indicator_id": self.indicator_id,
            "indicator": self.indicator,
            "period": self.period,
            "target": self.target,
            "outcome": self.outcome,
            "status": self.status,
            "provisional": self.provisional,
            "rule": self.rule,
            "rater": self.rater,
        }


def _same_indicator(c: CommitmentRow, o: ObservationRow) -> bool:
    if c.indicator_id:
        return o.indicator_id == c.indicator_id
    return bool(c.indicator) and (o.indicator or "") == c.indicator


def _rank(o: ObservationRow, doc: DocumentRow | None) -> tuple[int, int, str, int]:
    """Which outcome counts: an actual over an estimate, a person's over a report's, the newest."""
    return (
        1 if o.kind == "actual" else 0,
        1 if o.source != "fact" else 0,
        (doc.delivered or "") if doc is not None else "",
        o.id,
    )


@dataclass(slots=True)
class _Context:
    """Everything the ratings of a batch of targets need, loaded in a handful of queries."""

    parents: dict[int, int | None]
    names: dict[int, str]
    reviewed: dict[int, int]  # jurisdiction id → the latest year a report of it reviews
    observations: dict[tuple[int | None, int | None, str | None, str | None], list[ObservationRow]]
    documents: dict[int, DocumentRow]
    facts: dict[tuple[int, str], FactRow]
    rules_last: dict[int, AssessmentRow]
    manual_last: dict[int, AssessmentRow]


def _load(session: Session, targets: list[CommitmentRow]) -> _Context:
    parents: dict[int, int | None] = {}
    names: dict[int, str] = {}
    for jid, name, parent in session.execute(
        select(JurisdictionRow.id, JurisdictionRow.name, JurisdictionRow.parent_id)
    ):
        parents[jid], names[jid] = parent, name
    reviewed: dict[int, int] = {}
    for doc_jid, year in session.execute(
        select(DocumentRow.jurisdiction_id, func.max(DocumentRow.review_year)).group_by(
            DocumentRow.jurisdiction_id
        )
    ):
        if doc_jid is not None and year is not None:
            reviewed[doc_jid] = year
    places = {c.jurisdiction_id for c in targets}
    periods = {c.period for c in targets}
    observations: dict[tuple[int | None, int | None, str | None, str | None], list[ObservationRow]] = {}
    if targets:
        for o in session.scalars(
            select(ObservationRow).where(
                ObservationRow.jurisdiction_id.in_([p for p in places if p is not None]),
                ObservationRow.period.in_([p for p in periods if p is not None]),
            )
        ):
            observations.setdefault((o.jurisdiction_id, o.period, o.measure, o.unit), []).append(o)
    doc_ids = {c.document_id for c in targets} | {
        o.document_id for os in observations.values() for o in os if o.document_id is not None
    }
    documents = (
        {d.id: d for d in session.scalars(select(DocumentRow).where(DocumentRow.id.in_(doc_ids)))}
        if doc_ids
        else {}
    )
    facts: dict[tuple[int, str], FactRow] = {}
    if doc_ids:
        keys = {c.fact_key for c in targets if c.fact_key} | {
            o.fact_key for os in observations.values() for o in os if o.fact_key
        }
        for f in session.scalars(
            select(FactRow).where(FactRow.document_id.in_(doc_ids), FactRow.key.in_(keys))
        ):
            facts[(f.document_id, f.key)] = f
    rules_last: dict[int, AssessmentRow] = {}
    manual_last: dict[int, AssessmentRow] = {}
    ids = [c.id for c in targets]
    for chunk in range(0, len(ids), 900):
        for a in session.scalars(
            select(AssessmentRow)
            .where(AssessmentRow.commitment_id.in_(ids[chunk : chunk + 900]))
            .order_by(AssessmentRow.id)
        ):
            (rules_last if a.rater == "rules" else manual_last)[a.commitment_id] = a
    return _Context(parents, names, reviewed, observations, documents, facts, rules_last, manual_last)


def _bound_dict(ctx: _Context, obj: CommitmentRow | ObservationRow, kind: str | None) -> dict[str, Any]:
    fact = ctx.facts.get((obj.document_id, obj.fact_key)) if obj.document_id and obj.fact_key else None
    doc = ctx.documents.get(obj.document_id) if obj.document_id is not None else None
    out: dict[str, Any] = {
        "value": obj.value,
        "value_max": obj.value_max,
        "unit": obj.unit,
        "measure": obj.measure,
        "comparator": obj.comparator,
        "hedge": fact.hedge if fact is not None else getattr(obj, "hedge", None),
        "quote": fact.quote if fact is not None else None,
        "document": doc.path if doc is not None else None,
        "document_id": obj.document_id,
        "start": fact.start if fact is not None else None,
        "end": fact.end if fact is not None else None,
    }
    if kind is not None:
        out["kind"] = kind
        out["source"] = getattr(obj, "source", None)
    return out


def _due(ctx: _Context, c: CommitmentRow) -> bool:
    """Has a report that reviews the target's period been ingested (for its place or above)?"""
    if c.period is None:
        return False
    jid = c.jurisdiction_id
    seen = 0
    while jid is not None and seen < 12:
        if ctx.reviewed.get(jid, -1) >= c.period:
            return True
        jid, seen = ctx.parents.get(jid), seen + 1
    return False


def _targets_query(session: Session, jurisdiction: str | None, period: int | None) -> Any:
    q = select(CommitmentRow).where(CommitmentRow.type == "target", CommitmentRow.retired.is_(False))
    if jurisdiction is not None:
        q = q.where(CommitmentRow.jurisdiction_id == find_jurisdiction(session, jurisdiction).id)
    if period is not None:
        q = q.where(CommitmentRow.period == period)
    return q


def track(
    db: Database,
    *,
    jurisdiction: str | None = None,
    period: int | None = None,
    record: bool = True,
    page: int | None = None,
    per_page: int = 100,
) -> list[TrackRow]:
    """Rate numeric targets (optionally of one jurisdiction and period, one page of them).

    With ``record`` each change of a rating is stored as a new assessment (the CLI does this);
    the web app reads without recording."""
    opener = db.session if record else db.read
    with opener() as session:
        q = _targets_query(session, jurisdiction, period).order_by(
            CommitmentRow.jurisdiction_id, CommitmentRow.period, CommitmentRow.id
        )
        if page is not None:
            q = q.limit(per_page).offset((page - 1) * per_page)
        targets = list(session.scalars(q))
        ctx = _load(session, targets)
        return [_track_one(session, ctx, c, record) for c in targets]


def count_targets(db: Database, *, jurisdiction: str | None = None, period: int | None = None) -> int:
    with db.read() as session:
        q = _targets_query(session, jurisdiction, period)
        return int(session.scalar(select(func.count()).select_from(q.subquery())) or 0)


def _track_one(session: Session, ctx: _Context, c: CommitmentRow, record: bool) -> TrackRow:
    candidates = [
        o
        for o in ctx.observations.get((c.jurisdiction_id, c.period, c.measure, c.unit), [])
        if _same_indicator(c, o)
    ]
    best = max(candidates, key=lambda o: _rank(o, ctx.documents.get(o.document_id or -1)), default=None)
    target = Bound(c.value or 0.0, c.comparator or "=", c.value_max, c.measure or "level", c.indicator_id)
    if best is not None:
        status, rule = rate(target, Bound(best.value, best.comparator, best.value_max, best.measure))
        provisional = best.kind == "estimate"
    elif _due(ctx, c):
        status, rule, provisional = "unknown", "no outcome reported for this indicator and period", False
    else:
        status, rule, provisional = "not_yet_due", "no report reviewing this period has been ingested", False
    evidence = {
        "observation_id": best.id if best is not None else None,
        "fact_key": best.fact_key if best is not None else None,
        "document_id": best.document_id if best is not None else None,
    }
    rater = "rules"
    if record:
        last = ctx.rules_last.get(c.id)
        if last is None or (last.status, last.provisional, last.evidence) != (status, provisional, evidence):
            session.add(
                AssessmentRow(
                    commitment_id=c.id,
                    status=status,
                    provisional=provisional,
                    rule=rule,
                    rater="rules",
                    evidence=evidence,
                )
            )
    manual = ctx.manual_last.get(c.id)
    if manual is not None:
        status, provisional, rater = manual.status, False, manual.rater
        rule = f"manual assessment by {manual.rater}" + (f": {manual.note}" if manual.note else "")
    return TrackRow(
        commitment_id=c.id,
        jurisdiction=ctx.names.get(c.jurisdiction_id) if c.jurisdiction_id else None,
        indicator_id=c.indicator_id,
        indicator=c.indicator,
        period=c.period,
        target=_bound_dict(ctx, c, None),
        outcome=_bound_dict(ctx, best, best.kind) if best is not None else None,
        status=status,
        provisional=provisional,
        rule=rule,
        rater=rater,
    )


