"""Scorecards: how many of a place's targets for a year were met, which were missed by most and
which were beaten by most, and the same counted for many places side by side.

Everything here reads the stored ratings (``track.track``; ``store.scorecard_queries`` for the
counts of many places): a scorecard says what the tracker says, with its evidence. A target
counts as *rated* when it is met, partly met or missed; unknown and not-yet-due targets are
counted apart, so that "X of Y met" never hides targets nobody has an outcome for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workreport.model import STATUSES
from workreport.rules.numbers import plain_number
from workreport.store import Database
from workreport.store.scorecard_queries import PlaceCounts, place_counts
from workreport.track import Bound, TrackRow, lower_is_better, track

RATED = ("met", "partly", "missed")
TOP = 5  # worst misses and best results shown
SORT_KEYS = ("name", "share", "total", "rated", *STATUSES)


@dataclass(slots=True)
class Result:
    """A rated target with how far its outcome lies from the target, on the better side (+) or
    short of it (−): in points for rates, else relative to the target."""

    row: TrackRow
    relative: float  # (outcome − target) on the better side, divided by |target|
    difference: float  # the same, not divided: points for rates, the unit's amount otherwise
    words: str  # 优于目标, 与目标持平, 距目标差
    amount: str  # 0.3个百分点, 35%

    @property
    def gap_text(self) -> str:
        """优于目标0.3个百分点, 距目标差35%."""
        return self.words if self.words == "与目标持平" else self.words + self.amount

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON: the tracker's row with the gap."""
        return {
            **self.row.to_dict(),
            "relative_gap": round(self.relative, 6),
            "difference": round(self.difference, 6),
            "gap_text": self.gap_text,
        }


def _reference(row: TrackRow, lower: bool) -> float:
    """The target value a ``range`` is judged at (its lower end, the upper one for lower-is-better)."""
    t = row.target
    if t.get("comparator") == "range" and t.get("value_max") is not None:
        return float(t["value_max"] if lower else t["value"])
    return float(t["value"] or 0.0)


def gap(row: TrackRow) -> Result | None:
    """How far the outcome of a rated target lies beyond (+) or short of (−) its target; None
    without an outcome value."""
    if row.outcome is None or row.outcome.get("value") is None or row.target.get("value") is None:
        return None
    bound = Bound(
        float(row.target["value"]),
        row.target.get("comparator") or "=",
        row.target.get("value_max"),
        row.target.get("measure") or "level",
        row.indicator_id,
    )
    lower = lower_is_better(bound)
    t = _reference(row, lower)
    o = float(row.outcome["value"])
    surplus = (t - o) if lower else (o - t)
    relative = surplus / abs(t) if t else surplus
    unit = row.target.get("unit")
    if unit in ("%", "pp"):
        amount = f"{plain_number(abs(surplus), 3)}个百分点"
    else:
        amount = f"{plain_number(abs(relative) * 100, 3)}%"
    words = "优于目标" if surplus > 1e-9 else "与目标持平" if surplus > -1e-9 else "距目标差"
    return Result(row, relative, surplus, words, amount)


@dataclass(slots=True)
class Scorecard:
    """One place and year: X of Y rated targets met, the status mix, the worst misses and the
    best results."""

    jurisdiction: str
    year: int
    counts: dict[str, int]
    provisional: int
    by_person: int
    misses: list[Result]
    best: list[Result]
    rows: list[TrackRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Every target of the place and year."""
        return sum(self.counts.values())

    @property
    def rated(self) -> int:
        """Targets met, partly met or missed."""
        return sum(self.counts.get(s, 0) for s in RATED)

    @property
    def met(self) -> int:
        """Targets met."""
        return self.counts.get("met", 0)

    @property
    def share_met(self) -> float | None:
        """Met of rated, None when none is rated."""
        return self.met / self.rated if self.rated else None

    def to_dict(self) -> dict[str, Any]:
        """The scorecard as JSON (what ``/scorecards/{place}/{year}.json`` gives)."""
        return {
            "jurisdiction": self.jurisdiction,
            "year": self.year,
            "total": self.total,
            "rated": self.rated,
            "met": self.met,
            "share_met": self.share_met,
            "counts": self.counts,
            "provisional": self.provisional,
            "rated_by_person": self.by_person,
            "worst_misses": [r.to_dict() for r in self.misses],
            "best_results": [r.to_dict() for r in self.best],
            "targets": [r.to_dict() for r in self.rows],
        }


def scorecard(db: Database, jurisdiction: str, year: int, *, top: int = TOP) -> Scorecard:
    """The scorecard of ``jurisdiction``'s targets due in ``year`` (NotFoundError for an
    unknown place). Worst misses: partly met or missed, the largest shortfall relative to the
    target first; best results: met, the largest margin relative to the target first."""
    rows = track(db, jurisdiction=jurisdiction, period=year)
    counts = {s: sum(r.status == s for r in rows) for s in STATUSES}
    results = [(r, gap(r)) for r in rows]
    misses = sorted(
        (g for r, g in results if g is not None and r.status in ("missed", "partly")),
        key=lambda g: (g.relative, g.row.commitment_id),
    )
    best = sorted(
        (g for r, g in results if g is not None and r.status == "met"),
        key=lambda g: (-g.relative, g.row.commitment_id),
    )
    name = next((r.jurisdiction for r in rows if r.jurisdiction), None) or jurisdiction
    return Scorecard(
        jurisdiction=name,
        year=year,
        counts=counts,
        provisional=sum(r.provisional for r in rows if r.status in RATED),
        by_person=sum(r.rater != "rules" for r in rows),
        misses=misses[:top],
        best=best[:top],
        rows=rows,
    )


@dataclass(slots=True)
class PlaceRow:
    """One place of a comparison: its status counts and the share of its rated targets met."""

    name: str
    level: str
    parent: str | None
    counts: dict[str, int]

    @property
    def total(self) -> int:
        """Every target of the place and year."""
        return sum(self.counts.values())

    @property
    def rated(self) -> int:
        """Targets met, partly met or missed."""
        return sum(self.counts.get(s, 0) for s in RATED)

    @property
    def share(self) -> float | None:
        """Met of rated, None when none is rated."""
        return self.counts.get("met", 0) / self.rated if self.rated else None

    def to_dict(self) -> dict[str, Any]:
        """The row as JSON."""
        return {
            "jurisdiction": self.name,
            "level": self.level,
            "parent": self.parent,
            **{s: self.counts.get(s, 0) for s in STATUSES},
            "total": self.total,
            "rated": self.rated,
            "share_met": self.share,
        }


@dataclass(slots=True)
class Comparison:
    """Places side by side for one year, sorted."""

    year: int
    level: str | None
    parent: str | None
    sort: str
    descending: bool
    rows: list[PlaceRow]

    def to_dict(self) -> dict[str, Any]:
        """The comparison as JSON (what ``/scorecards/compare.json`` gives)."""
        return {
            "year": self.year,
            "level": self.level,
            "parent": self.parent,
            "sort": self.sort,
            "order": "desc" if self.descending else "asc",
            "places": [r.to_dict() for r in self.rows],
        }


def _sort_value(sort: str, r: PlaceRow) -> Any:
    if sort == "name":
        return r.name
    if sort == "share":
        return -1.0 if r.share is None else r.share
    if sort in ("total", "rated"):
        return getattr(r, sort)
    return r.counts.get(sort, 0)


def compare(
    db: Database,
    year: int,
    *,
    level: str | None = None,
    parent: str | None = None,
    sort: str = "share",
    descending: bool = True,
) -> Comparison:
    """The places of ``level`` (or the places right below ``parent``) with targets due in
    ``year``, one row each, sorted by ``sort`` (a status, ``share`` of rated targets met,
    ``total``, ``rated`` or ``name``); ties by name. Places with no rated target sort last by share."""
    if sort not in SORT_KEYS:
        sort = "share"
    track(db, period=year, page=1, per_page=1)  # rates targets stored before ratings were
    places, parent_name = place_counts(db, year, level=level, parent=parent)
    rows = [_place_row(p) for p in places]
    rows.sort(key=lambda r: r.name)  # ties stay in name order (the sort is stable)
    rows.sort(key=lambda r: _sort_value(sort, r), reverse=descending)
    if sort == "share":  # unrated places last whatever the order
        rows.sort(key=lambda r: r.share is None)
    return Comparison(year, level, parent_name, sort, descending, rows)


def _place_row(p: PlaceCounts) -> PlaceRow:
    return PlaceRow(p.name, p.level, p.parent, {s: p.counts.get(s, 0) for s in STATUSES})
