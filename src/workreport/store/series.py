"""One indicator's numbers across places and years: the read side of the grapher and of the
escalation view (web/grapher.py, web/escalation.py, ``workreport panel``).

Targets are the facts of kind target with a due period (each with the rating of its
commitment, when it has one); outcomes are the observations (actuals and estimates from the
facts of every report, and the values people entered or imported). Which of several numbers
is *the* target or outcome of a place and year is decided above, in publish/grapher.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select, union_all
from sqlalchemy.orm import Session

from workreport.errors import NotFoundError
from workreport.store.database import Database
from workreport.store.places import find_jurisdiction
from workreport.store.rows import CommitmentRow, DocumentRow, FactRow, JurisdictionRow, ObservationRow

# characters before a number read to tell an average over years (年均增长) from one year's figure
BEFORE = 8

# who issues a level's report, as people name it instead of the place: 国务院's report is 全国's
ISSUERS = {"国务院": "中国"}


@dataclass(slots=True)
class Point:
    """One stored number of an indicator: a target or an outcome of a place for a period."""

    kind: str  # target | actual | estimate
    source: str  # fact | manual | csv
    place_id: int
    period: int
    measure: str
    unit: str | None
    value: float
    value_max: float | None
    comparator: str | None
    classifier: str | None
    indicator: str  # the phrase the report used
    document_id: int | None
    plan_year: int | None  # of the report it comes from
    delivered: str | None
    start: int | None
    end: int | None
    quote: str | None
    before: str  # the text just before the number (年均 marks an average over years)
    commitment_id: int | None = None
    status: str | None = None
    provisional: bool = False


@dataclass(slots=True)
class Place:
    """A jurisdiction: its id, name, level and parent."""

    id: int
    name: str
    level: str
    parent_id: int | None


def _place_filter(column: object, places: list[int] | None) -> object:
    return column.in_(places) if places is not None else True  # type: ignore[attr-defined]


def targets(
    db: Database,
    indicator_id: str,
    *,
    places: list[int] | None = None,
    start: int | None = None,
    end: int | None = None,
) -> list[Point]:
    """Every target of ``indicator_id`` due in ``[start, end]`` (at ``places``), with the
    rating of the commitment made from it."""
    with db.read() as session:
        q = (
            select(
                FactRow,
                DocumentRow.plan_year,
                DocumentRow.delivered,
                func.substr(DocumentRow.text, FactRow.start - BEFORE + 1, BEFORE),
                CommitmentRow.id,
                CommitmentRow.status,
                CommitmentRow.provisional,
            )
            .join(DocumentRow, DocumentRow.id == FactRow.document_id)
            .outerjoin(
                CommitmentRow,
                and_(
                    CommitmentRow.document_id == FactRow.document_id,
                    CommitmentRow.fact_key == FactRow.key,
                    CommitmentRow.retired.is_(False),
                ),
            )
            .where(
                FactRow.indicator_id == indicator_id,
                FactRow.kind == "target",
                FactRow.period.is_not(None),
                FactRow.jurisdiction_id.is_not(None),
                _place_filter(FactRow.jurisdiction_id, places),  # type: ignore[arg-type]
            )
            .order_by(FactRow.document_id, FactRow.start)
        )
        if start is not None:
            q = q.where(FactRow.period >= start)
        if end is not None:
            q = q.where(FactRow.period <= end)
        out = []
        for f, plan_year, delivered, before, cid, status, provisional in session.execute(q):
            out.append(
                Point(
                    "target", "fact", f.jurisdiction_id, f.period, f.measure, f.unit, f.value, f.value_max,
                    f.comparator, f.classifier, f.indicator or "", f.document_id, plan_year, delivered,
                    f.start, f.end, f.quote, before or "", cid, status, bool(provisional),
                )
            )
        return out


def outcomes(
    db: Database,
    indicator_id: str,
    *,
    places: list[int] | None = None,
    start: int | None = None,
    end: int | None = None,
) -> list[Point]:
    """Every outcome (observation) of ``indicator_id`` for a period in ``[start, end]`` (at ``places``)."""
    with db.read() as session:
        q = (
            select(
                ObservationRow,
                DocumentRow.plan_year,
                DocumentRow.delivered,
                FactRow.start,
                FactRow.end,
                FactRow.quote,
                FactRow.indicator,
                func.substr(DocumentRow.text, FactRow.start - BEFORE + 1, BEFORE),
            )
            .outerjoin(DocumentRow, DocumentRow.id == ObservationRow.document_id)
            .outerjoin(
                FactRow,
                and_(FactRow.document_id == ObservationRow.document_id, FactRow.key == ObservationRow.fact_key),
            )
            .where(
                ObservationRow.indicator_id == indicator_id,
                ObservationRow.jurisdiction_id.is_not(None),
                _place_filter(ObservationRow.jurisdiction_id, places),  # type: ignore[arg-type]
            )
            .order_by(ObservationRow.id)
        )
        if start is not None:
            q = q.where(ObservationRow.period >= start)
        if end is not None:
            q = q.where(ObservationRow.period <= end)
        out = []
        for o, plan_year, delivered, f_start, f_end, quote, phrase, before in session.execute(q):
            out.append(
                Point(
                    o.kind, o.source, o.jurisdiction_id, o.period, o.measure, o.unit, o.value, o.value_max,
                    o.comparator, o.classifier, phrase or o.indicator or "", o.document_id, plan_year,
                    delivered, f_start, f_end, quote, before or "",
                )
            )
        return out


def places_with_data(db: Database, indicator_id: str) -> list[tuple[Place, int]]:
    """The places that have a target or an outcome of ``indicator_id``, with how many numbers,
    most first."""
    with db.read() as session:
        ids = union_all(
            select(FactRow.jurisdiction_id.label("pid")).where(
                FactRow.indicator_id == indicator_id, FactRow.kind == "target", FactRow.period.is_not(None)
            ),
            select(ObservationRow.jurisdiction_id.label("pid")).where(ObservationRow.indicator_id == indicator_id),
        ).subquery()
        rows = session.execute(
            select(JurisdictionRow, func.count())
            .join(ids, ids.c.pid == JurisdictionRow.id)
            .group_by(JurisdictionRow.id)
            .order_by(func.count().desc(), JurisdictionRow.id)
        )
        return [(_place(j), int(n)) for j, n in rows]


def places_reporting(db: Database, year: int) -> set[int]:
    """The places with a stored report for ``year`` (its plan year)."""
    with db.read() as session:
        rows = session.scalars(
            select(DocumentRow.jurisdiction_id)
            .where(DocumentRow.plan_year == year, DocumentRow.jurisdiction_id.is_not(None))
            .distinct()
        )
        return {int(r) for r in rows if r is not None}


def indicators_with_data(db: Database) -> list[str]:
    """The indicator ids that have at least one target or outcome with a period."""
    with db.read() as session:
        rows = session.execute(
            union_all(
                select(FactRow.indicator_id).where(
                    FactRow.kind == "target", FactRow.period.is_not(None), FactRow.indicator_id.is_not(None)
                ),
                select(ObservationRow.indicator_id).where(ObservationRow.indicator_id.is_not(None)),
            )
        )
        return sorted({str(r[0]) for r in rows if r[0] is not None})


def _place(j: JurisdictionRow) -> Place:
    return Place(j.id, j.name, j.level, j.parent_id)


def _find(session: Session, name: str) -> JurisdictionRow:
    return find_jurisdiction(session, ISSUERS.get(name, name))


def find_places(db: Database, names: list[str]) -> list[Place]:
    """The stored places ``names`` name (a name, an alias, or 国务院 for the national level),
    in order, each once; NotFoundError naming the first unknown one."""
    out: list[Place] = []
    with db.read() as session:
        for name in names:
            try:
                p = _place(_find(session, name.strip()))
            except NotFoundError:
                raise NotFoundError(f"no place called {name!r}") from None
            if all(p.id != q.id for q in out):
                out.append(p)
    return out


def with_ancestors(db: Database, ids: set[int]) -> dict[int, Place]:
    """The places ``ids`` and every place above them, by id."""
    out: dict[int, Place] = {}
    with db.read() as session:
        todo = set(ids)
        while todo:
            rows = session.scalars(select(JurisdictionRow).where(JurisdictionRow.id.in_(sorted(todo))))
            todo = set()
            for j in rows:
                out[j.id] = _place(j)
                if j.parent_id is not None and j.parent_id not in out:
                    todo.add(j.parent_id)
        # a province the shipped registry hangs under no parent still answers to the national level
        if any(p.level == "province" and p.parent_id is None for p in out.values()):
            national = session.scalar(
                select(JurisdictionRow).where(JurisdictionRow.level == "national").limit(1)
            )
            if national is not None:
                out[national.id] = _place(national)
                for p in out.values():
                    if p.level == "province" and p.parent_id is None:
                        p.parent_id = national.id
    return out
