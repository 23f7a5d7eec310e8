"""Track stage: every numeric target against the outcomes reported for it, rated by rules.

The rules are data (``rules/tracking.toml``) and documented in the README; :func:`rate`
is a pure function of a target and an outcome. :func:`track` matches targets with
observations in the database (same jurisdiction, indicator, period and measure, from any
report: a city's review of its new area counts for the new area), rates them, records
each change of rating as an append-only assessment, and lets a person's assessment
outrank the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import rules
from .registry import find_jurisdiction
from .store import (
    AssessmentRow,
    CommitmentRow,
    Database,
    DocumentRow,
    FactRow,
    JurisdictionRow,
    ObservationRow,
)

RATE_MEASURES_POINTS = ("growth", "share", "change_pp")


@dataclass(frozen=True, slots=True)
class Bound:
    """A target or an outcome as a number with its comparator."""

    value: float
    comparator: str = "="
    value_max: float | None = None
    measure: str = "level"
    indicator_id: str | None = None


@cache
def _rules() -> dict[str, Any]:
    return rules.load("tracking")


def lower_is_better(target: Bound) -> bool:
    if target.measure == "rank":
        return True
    return target.indicator_id in _rules()["direction"]["lower_is_better"]


def _tolerances(target: Bound) -> tuple[float, float, str]:
    """(about, partly) in the target's own terms, and how they are written in a rule."""
    r = _rules()
    if target.measure == "rank":
        return float(r["rank"]["about"]), float(r["rank"]["partly"]), "places"
    if target.measure in RATE_MEASURES_POINTS:
        return float(r["points"]["about"]), float(r["points"]["partly"]), "points"
    scale = abs(target.value) or 1.0
    return float(r["relative"]["about"]) * scale, float(r["relative"]["partly"]) * scale, "of the target"


def rate(target: Bound, outcome: Bound) -> tuple[str, str]:
    """``(status, rule)`` for one target and one outcome: met, partly or missed."""
    about, partly, units = _tolerances(target)
    lower = lower_is_better(target)
    value = outcome.value
    t = target.value
    cmp = target.comparator
    if cmp == "range":
        t = target.value_max if (lower and target.value_max is not None) else target.value
    if cmp == "<=" or (cmp in ("=", "~", "range") and lower):
        # a ceiling: met at or below it
        limit = t + (about if cmp == "~" else 0.0)
        shortfall = value - limit
        rule = f"{cmp} {t:g}: met if outcome <= {limit:g}"
    else:
        limit = t - (about if cmp == "~" else 0.0)
        shortfall = limit - value
        rule = f"{cmp} {t:g}: met if outcome >= {limit:g}"
    if shortfall <= 1e-9:
        return "met", rule
    if shortfall <= partly + 1e-9:
        return "partly", f"{rule}; partly if short by at most {partly:g} {units}"
    return "missed", f"{rule}; missed when short by more than {partly:g} {units}"


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


def _fact_quote(session: Session, document_id: int | None, key: str | None) -> FactRow | None:
    if document_id is None or key is None:
        return None
    return session.scalar(select(FactRow).where(FactRow.document_id == document_id, FactRow.key == key))


def _bound_dict(session: Session, obj: CommitmentRow | ObservationRow, kind: str | None) -> dict[str, Any]:
    fact = _fact_quote(session, obj.document_id, obj.fact_key)
    doc = session.get(DocumentRow, obj.document_id) if obj.document_id is not None else None
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


def _ancestors(session: Session, jid: int | None) -> list[int]:
    out = []
    while jid is not None:
        out.append(jid)
        row = session.get(JurisdictionRow, jid)
        jid = row.parent_id if row is not None else None
    return out


def _due(session: Session, c: CommitmentRow) -> bool:
    """Has a report that reviews the target's period been ingested (for its place or above)?"""
    if c.period is None:
        return False
    places = _ancestors(session, c.jurisdiction_id)
    reviewed = session.scalar(
        select(DocumentRow.id)
        .where(DocumentRow.jurisdiction_id.in_(places), DocumentRow.review_year >= c.period)
        .limit(1)
    )
    return reviewed is not None


def track(
    db: Database, *, jurisdiction: str | None = None, period: int | None = None, record: bool = True
) -> list[TrackRow]:
    """Rate every numeric target (optionally of one jurisdiction and period)."""
    out: list[TrackRow] = []
    with db.session() as session:
        q = select(CommitmentRow).where(CommitmentRow.type == "target", CommitmentRow.retired.is_(False))
        if jurisdiction is not None:
            q = q.where(CommitmentRow.jurisdiction_id == find_jurisdiction(session, jurisdiction).id)
        if period is not None:
            q = q.where(CommitmentRow.period == period)
        for c in session.scalars(
            q.order_by(CommitmentRow.jurisdiction_id, CommitmentRow.period, CommitmentRow.id)
        ):
            out.append(_track_one(session, c, record))
    return out


def _track_one(session: Session, c: CommitmentRow, record: bool) -> TrackRow:
    candidates = [
        o
        for o in session.scalars(
            select(ObservationRow).where(
                ObservationRow.jurisdiction_id == c.jurisdiction_id,
                ObservationRow.period == c.period,
                ObservationRow.measure == c.measure,
                ObservationRow.unit == c.unit,
            )
        )
        if _same_indicator(c, o)
    ]
    docs = {o.id: session.get(DocumentRow, o.document_id) if o.document_id else None for o in candidates}
    best = max(candidates, key=lambda o: _rank(o, docs[o.id]), default=None)
    target = Bound(c.value or 0.0, c.comparator or "=", c.value_max, c.measure or "level", c.indicator_id)
    if best is not None:
        status, rule = rate(target, Bound(best.value, best.comparator, best.value_max, best.measure))
        provisional = best.kind == "estimate"
    elif _due(session, c):
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
        last = session.scalar(
            select(AssessmentRow)
            .where(AssessmentRow.commitment_id == c.id, AssessmentRow.rater == "rules")
            .order_by(AssessmentRow.id.desc())
            .limit(1)
        )
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
    manual = session.scalar(
        select(AssessmentRow)
        .where(AssessmentRow.commitment_id == c.id, AssessmentRow.rater != "rules")
        .order_by(AssessmentRow.id.desc())
        .limit(1)
    )
    if manual is not None:
        status, provisional, rater = manual.status, False, manual.rater
        rule = f"manual assessment by {manual.rater}" + (f": {manual.note}" if manual.note else "")
    juris = session.get(JurisdictionRow, c.jurisdiction_id) if c.jurisdiction_id else None
    return TrackRow(
        commitment_id=c.id,
        jurisdiction=juris.name if juris else None,
        indicator_id=c.indicator_id,
        indicator=c.indicator,
        period=c.period,
        target=_bound_dict(session, c, None),
        outcome=_bound_dict(session, best, best.kind) if best is not None else None,
        status=status,
        provisional=provisional,
        rule=rule,
        rater=rater,
    )


# --------------------------------------------------------------------------- diff


@dataclass(slots=True)
class DiffRow:
    indicator_id: str | None
    indicator: str
    measure: str
    a: dict[str, Any] | None
    b: dict[str, Any] | None
    change: str  # raised | lowered | same | new | dropped | reworded

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicator_id": self.indicator_id,
            "indicator": self.indicator,
            "measure": self.measure,
            "a": self.a,
            "b": self.b,
            "change": self.change,
        }


def _target_key(t: dict[str, Any]) -> tuple[str, str]:
    return (t.get("indicator_id") or t.get("indicator") or "", t.get("measure") or "")


def compare_targets(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[DiffRow]:
    """Targets of two reports side by side, matched by indicator and measure.

    ``change`` reads from A to B: raised / lowered (by ambition, so a lower ceiling on a
    lower-is-better indicator is raised ambition), same, new (only in B), dropped (only in A)."""
    first: dict[tuple[str, str], dict[str, Any]] = {}
    for t in a:
        first.setdefault(_target_key(t), t)
    second: dict[tuple[str, str], dict[str, Any]] = {}
    for t in b:
        second.setdefault(_target_key(t), t)
    rows: list[DiffRow] = []
    for key in list(first) + [k for k in second if k not in first]:
        ta, tb = first.get(key), second.get(key)
        ref = ta or tb
        assert ref is not None
        if ta is None:
            change = "new"
        elif tb is None:
            change = "dropped"
        elif ta.get("unit") != tb.get("unit"):
            change = "reworded"
        else:
            va, vb = float(ta["value"]), float(tb["value"])
            lower = lower_is_better(Bound(va, measure=key[1], indicator_id=ref.get("indicator_id")))
            if abs(va - vb) < 1e-9:
                change = "same"
            elif (vb > va) != lower:
                change = "raised"
            else:
                change = "lowered"
        rows.append(DiffRow(ref.get("indicator_id"), ref.get("indicator") or "", key[1], ta, tb, change))
    return rows
