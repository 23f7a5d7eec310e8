"""Read-side queries of the scorecards: the stored ratings of targets counted per place.

Ratings are stored on each target's commitment row (``track.tracker.refresh``); these queries
only count them, so a comparison of every province is one grouped query, not one per place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from workreport.errors import InputError
from workreport.store import CommitmentRow, Database, JurisdictionRow
from workreport.store.places import find_jurisdiction

LEVELS = ("national", "province", "prefecture", "county", "new_area", "zone")


@dataclass(slots=True)
class PlaceCounts:
    """How many targets of one place and period have each status."""

    jurisdiction_id: int
    name: str
    level: str
    parent: str | None
    counts: dict[str, int] = field(default_factory=dict)


def place_counts(
    db: Database, period: int, *, level: str | None = None, parent: str | None = None
) -> tuple[list[PlaceCounts], str | None]:
    """The status counts of the targets of ``period`` per place: places of ``level``, or the
    places right below ``parent`` (a name or alias; NotFoundError if unknown). Returns the
    places (by name) and the parent's stored name. A target not rated yet counts as not yet due,
    as the tracker shows it."""
    if level is not None and level not in LEVELS:
        raise InputError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    with db.read() as session:
        parent_row = find_jurisdiction(session, parent) if parent else None
        up = select(JurisdictionRow.id, JurisdictionRow.name).subquery()
        status = func.coalesce(CommitmentRow.status, "not_yet_due")
        q = (
            select(
                JurisdictionRow.id,
                JurisdictionRow.name,
                JurisdictionRow.level,
                up.c.name,
                status,
                func.count(),
            )
            .join(JurisdictionRow, JurisdictionRow.id == CommitmentRow.jurisdiction_id)
            .outerjoin(up, up.c.id == JurisdictionRow.parent_id)
            .where(
                CommitmentRow.type == "target",
                CommitmentRow.retired.is_(False),
                CommitmentRow.period == period,
            )
            .group_by(JurisdictionRow.id, JurisdictionRow.name, JurisdictionRow.level, up.c.name, status)
        )
        if level is not None:
            q = q.where(JurisdictionRow.level == level)
        if parent_row is not None:
            q = q.where(JurisdictionRow.parent_id == parent_row.id)
        places: dict[int, PlaceCounts] = {}
        for jid, name, lvl, parent_name, st, n in session.execute(q):
            place = places.setdefault(jid, PlaceCounts(jid, name, lvl, parent_name))
            place.counts[st] = place.counts.get(st, 0) + int(n)
        return sorted(places.values(), key=lambda p: p.name), (parent_row.name if parent_row else None)


@dataclass(slots=True)
class PlaceYears:
    """A place with targets, and the periods they are due in (newest first)."""

    name: str
    level: str
    years: list[int]


def places_with_targets(db: Database, *, limit: int = 500) -> list[PlaceYears]:
    """Places that have targets, each with the periods of its targets: what the scorecard
    picker offers (national first, then provinces, then the rest by name)."""
    with db.read() as session:
        rows = session.execute(
            select(JurisdictionRow.name, JurisdictionRow.level, CommitmentRow.period)
            .join(JurisdictionRow, JurisdictionRow.id == CommitmentRow.jurisdiction_id)
            .where(
                CommitmentRow.type == "target",
                CommitmentRow.retired.is_(False),
                CommitmentRow.period.is_not(None),
            )
            .distinct()
        )
        found: dict[tuple[str, str], set[int]] = {}
        for name, level, period in rows:
            if period is not None:
                found.setdefault((name, level), set()).add(int(period))
    order = {lvl: i for i, lvl in enumerate(LEVELS)}
    places = [PlaceYears(n, lvl, sorted(ys, reverse=True)) for (n, lvl), ys in found.items()]
    places.sort(key=lambda p: (order.get(p.level, len(order)), p.name))
    return places[:limit]


def years_with_targets(db: Database) -> list[int]:
    """Every period some target is due in, newest first."""
    with db.read() as session:
        return sorted(
            (
                int(p)
                for p in session.scalars(
                    select(CommitmentRow.period)
                    .where(
                        CommitmentRow.type == "target",
                        CommitmentRow.retired.is_(False),
                        CommitmentRow.period.is_not(None),
                    )
                    .distinct()
                )
                if p is not None
            ),
            reverse=True,
        )


def years_of_place(db: Database, jurisdiction: str) -> list[int]:
    """The periods the targets of one place (a name or alias) are due in, oldest first; empty
    for a place that has none (NotFoundError for a name no place has)."""
    with db.read() as session:
        place = find_jurisdiction(session, jurisdiction)
        return sorted(
            int(p)
            for p in session.scalars(
                select(CommitmentRow.period)
                .where(
                    CommitmentRow.jurisdiction_id == place.id,
                    CommitmentRow.type == "target",
                    CommitmentRow.retired.is_(False),
                )
                .distinct()
            )
            if p is not None
        )
