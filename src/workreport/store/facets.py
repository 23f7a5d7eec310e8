"""Facets: how many rows of a listing have each value of a column, under the listing's filters.

The listing pages (library, tracker, commitments, indicators, search) show these counts as
filters one click away, Datasette-style, and their ``.json`` twins carry them. Documents
and commitments are counted in SQL (:func:`document_facets`, :func:`commitment_facets`);
rows already in memory (the tracker's ratings) by :func:`count_values`. The commitments
listing itself (:func:`commitments`) is here too, since it filters by the same columns it
counts (status and indicator included, which the API's list does not filter by).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from workreport.errors import InputError
from workreport.store import CommitmentRow, Database, DocumentRow, FactRow, JurisdictionRow
from workreport.store.places import find_jurisdiction
from workreport.store.queries import MAX_PER_PAGE, Page, commitment_dict

FACET_LIMIT = 30  # values shown per facet, most frequent first


@dataclass(frozen=True, slots=True)
class Count:
    """One value of a facet and how many rows have it."""

    value: Any
    count: int


def count_values(items: Iterable[Any], key: Callable[[Any], Any], limit: int = FACET_LIMIT) -> list[Count]:
    """The values ``key`` gives over ``items``, most frequent first (ties by value), None left out."""
    counts = Counter(v for v in map(key, items) if v is not None and v != "")
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return [Count(v, n) for v, n in ordered[:limit]]


def _grouped(session: Session, column: Any, base: Any, where: Sequence[ColumnElement[bool]]) -> list[Count]:
    n = func.count().label("n")
    q = select(column, n).select_from(base).where(*where, column.is_not(None)).group_by(column)
    rows = session.execute(q.order_by(n.desc(), column).limit(FACET_LIMIT))
    return [Count(v, int(c)) for v, c in rows]


def _place_id(session: Session, name: str | None) -> int | None:
    return find_jurisdiction(session, name).id if name else None


# --------------------------------------------------------------------------- documents


def _document_where(
    session: Session, jurisdiction: str | None, level: str | None, year: int | None
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    jid = _place_id(session, jurisdiction)
    if jid is not None:
        where.append(DocumentRow.jurisdiction_id == jid)
    if level:
        where.append(DocumentRow.level == level)
    if year is not None:
        where.append(DocumentRow.plan_year == year)
    return where


def document_facets(
    db: Database, *, jurisdiction: str | None = None, level: str | None = None, year: int | None = None
) -> dict[str, list[Count]]:
    """Documents under these filters counted by jurisdiction (its registry name), level and
    plan year: the facets of the library."""
    with db.read() as session:
        where = _document_where(session, jurisdiction, level, year)
        joined = DocumentRow.__table__.join(
            JurisdictionRow.__table__, JurisdictionRow.id == DocumentRow.jurisdiction_id
        )
        return {
            "jurisdiction": _grouped(session, JurisdictionRow.name, joined, where),
            "level": _grouped(session, DocumentRow.level, DocumentRow, where),
            "year": _grouped(session, DocumentRow.plan_year, DocumentRow, where),
        }


# --------------------------------------------------------------------------- commitments

COMMITMENT_TYPES = ("target", "task", "project")


@dataclass(frozen=True, slots=True)
class CommitmentFilter:
    """The filters of the commitments listing; empty ones filter nothing."""

    jurisdiction: str | None = None
    period: int | None = None
    type: str | None = None
    status: str | None = None
    indicator: str | None = None

    def where(self, session: Session) -> list[ColumnElement[bool]]:
        """The SQL conditions of these filters (current commitments only)."""
        if self.type is not None and self.type not in COMMITMENT_TYPES:
            raise InputError(f"unknown commitment type {self.type!r}")
        where: list[ColumnElement[bool]] = [CommitmentRow.retired.is_(False)]
        jid = _place_id(session, self.jurisdiction)
        if jid is not None:
            where.append(CommitmentRow.jurisdiction_id == jid)
        if self.period is not None:
            where.append(CommitmentRow.period == self.period)
        if self.type:
            where.append(CommitmentRow.type == self.type)
        if self.status:
            where.append(CommitmentRow.status == self.status)
        if self.indicator:
            where.append(CommitmentRow.indicator_id == self.indicator)
        return where


def commitments(
    db: Database, filters: CommitmentFilter, *, page: int = 1, per_page: int = 100
) -> Page[dict[str, Any]]:
    """One page of current commitments under ``filters``, each with its jurisdiction's name,
    ordered by place, period and id."""
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise InputError(f"page must be >= 1 and per_page between 1 and {MAX_PER_PAGE}")
    with db.read() as session:
        where = filters.where(session)
        total = session.scalar(select(func.count()).select_from(CommitmentRow).where(*where)) or 0
        q = (
            select(CommitmentRow, JurisdictionRow.name)
            .outerjoin(JurisdictionRow, JurisdictionRow.id == CommitmentRow.jurisdiction_id)
            .where(*where)
            .order_by(CommitmentRow.jurisdiction_id, CommitmentRow.period, CommitmentRow.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        items = [{**commitment_dict(c), "jurisdiction": name} for c, name in session.execute(q)]
        return Page(items, page, per_page, total)


def commitment_facets(db: Database, filters: CommitmentFilter) -> dict[str, list[Count]]:
    """Commitments under ``filters`` counted by type, status, jurisdiction, period and indicator."""
    with db.read() as session:
        where = filters.where(session)
        joined = CommitmentRow.__table__.join(
            JurisdictionRow.__table__, JurisdictionRow.id == CommitmentRow.jurisdiction_id
        )
        return {
            "type": _grouped(session, CommitmentRow.type, CommitmentRow, where),
            "status": _grouped(session, CommitmentRow.status, CommitmentRow, where),
            "jurisdiction": _grouped(session, JurisdictionRow.name, joined, where),
            "period": _grouped(session, CommitmentRow.period, CommitmentRow, where),
            "indicator": _grouped(session, CommitmentRow.indicator_id, CommitmentRow, where),
        }


# --------------------------------------------------------------------------- indicators


def indicator_fact_counts(db: Database) -> dict[str, int]:
    """How many stored facts each indicator id has."""
    with db.read() as session:
        n = func.count()
        rows = session.execute(
            select(FactRow.indicator_id, n).where(FactRow.indicator_id.is_not(None)).group_by(FactRow.indicator_id)
        )
        return {str(k): int(c) for k, c in rows}

