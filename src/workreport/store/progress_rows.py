"""Progress of key tasks and 为民实事: the percentage of an assessment, and the read-side queries.

An assessment of a task or a 为民实事 (``assessments``, append-only, as for targets) may say how
far along the item is: its percentage lives in ``assessment_progress``, one row per
assessment, so the assessments table stays as every other front end reads it. Deleting an
assessment, its commitment or its document deletes the percentage with it (ON DELETE
CASCADE). The queries below are the only SQL of the progress views; the logic (which status
is current, what the rules say) is in :mod:`workreport.registry.progress`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from workreport.store.rows import (
    AssessmentRow,
    Base,
    CommitmentRow,
    DocumentRow,
    FactRow,
    JurisdictionRow,
)

CHUNK = 500  # ids per IN (…) clause
ITEM_TYPES = ("task", "project")


class AssessmentProgressRow(Base):
    """How far along a task or 为民实事 is, as one assessment of it says (0–100)."""

    __tablename__ = "assessment_progress"
    __table_args__ = (
        CheckConstraint("percent IS NULL OR (percent >= 0 AND percent <= 100)", name="ck_progress_percent"),
    )

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True
    )
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), index=True
    )
    percent: Mapped[int | None] = mapped_column(Integer)


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


ITEM_COLUMNS = ("id", "document_id", "type", "text", "period", "start", "end", "status", "jurisdiction_id")
TARGET_COLUMNS = (
    "id", "document_id", "start", "end", "text", "indicator", "indicator_id", "measure", "comparator", "value",
    "value_max", "unit", "classifier", "period", "status", "provisional", "rater", "outcome_id",
    "outcome_document_id", "outcome_start", "outcome_end", "outcome_quote", "outcome_value",
    "outcome_value_max", "outcome_kind", "outcome_source",
)
ASSESSMENT_COLUMNS = ("id", "commitment_id", "status", "rater", "rule", "evidence", "note", "created_at")


def _columns(table: Any, names: Sequence[str]) -> list[Any]:
    return [table.columns[n] for n in names]


def items(
    session: Session,
    *,
    jurisdiction_id: int | None = None,
    period: int | None = None,
    types: Sequence[str] = ITEM_TYPES,
    ids: Sequence[int] | None = None,
    retired: bool = False,
) -> list[Any]:
    """Key tasks and 为民实事 (current ones unless ``retired``) as plain rows of
    :data:`ITEM_COLUMNS` and ``place`` (their place's name), in report order."""
    table = CommitmentRow.__table__
    q = (
        select(*_columns(table, ITEM_COLUMNS), JurisdictionRow.name.label("place"))
        .select_from(table)
        .outerjoin(JurisdictionRow, JurisdictionRow.id == CommitmentRow.jurisdiction_id)
        .where(CommitmentRow.type.in_(list(types)))
    )
    if not retired:
        q = q.where(CommitmentRow.retired.is_(False))
    if jurisdiction_id is not None:
        q = q.where(CommitmentRow.jurisdiction_id == jurisdiction_id)
    if period is not None:
        q = q.where(CommitmentRow.period == period)
    if ids is not None:
        q = q.where(CommitmentRow.id.in_(list(ids)))
    q = q.order_by(
        CommitmentRow.period.desc().nulls_last(),
        JurisdictionRow.name,
        CommitmentRow.document_id,
        CommitmentRow.start,
        CommitmentRow.id,
    )
    return list(session.execute(q))


def documents(session: Session, document_ids: Iterable[int]) -> dict[int, DocumentRow]:
    """Documents by id (their structure gives a key task's section)."""
    out: dict[int, DocumentRow] = {}
    wanted = sorted(set(document_ids))
    for chunk in _chunks(wanted):
        for d in session.scalars(select(DocumentRow).where(DocumentRow.id.in_(list(chunk)))):
            out[d.id] = d
    return out


def document_labels(session: Session, document_ids: Iterable[int]) -> dict[int, tuple[str, str | None, int | None]]:
    """(path, place as written, plan year) of these documents, without their text."""
    out: dict[int, tuple[str, str | None, int | None]] = {}
    wanted = sorted(set(document_ids))
    for chunk in _chunks(wanted):
        for did, path, place, year in session.execute(
            select(DocumentRow.id, DocumentRow.path, DocumentRow.jurisdiction_name, DocumentRow.plan_year).where(
                DocumentRow.id.in_(list(chunk))
            )
        ):
            out[did] = (path, place, year)
    return out


def structures(session: Session, document_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The stored section trees of these documents."""
    out: dict[int, dict[str, Any]] = {}
    wanted = sorted(set(document_ids))
    for chunk in _chunks(wanted):
        for did, st in session.execute(
            select(DocumentRow.id, DocumentRow.structure).where(DocumentRow.id.in_(list(chunk)))
        ):
            out[did] = st or {}
    return out


def targets(session: Session, document_ids: Iterable[int]) -> list[Any]:
    """The current numeric targets of these documents as plain rows of :data:`TARGET_COLUMNS`,
    with ``fact_id`` and ``quote`` (their fact's), in text order."""
    out: list[Any] = []
    wanted = sorted(set(document_ids))
    table = CommitmentRow.__table__
    for chunk in _chunks(wanted):
        q = (
            select(*_columns(table, TARGET_COLUMNS), FactRow.id.label("fact_id"), FactRow.quote.label("quote"))
            .select_from(table)
            .outerjoin(
                FactRow,
                (FactRow.document_id == CommitmentRow.document_id) & (FactRow.key == CommitmentRow.fact_key),
            )
            .where(
                CommitmentRow.document_id.in_(list(chunk)),
                CommitmentRow.type == "target",
                CommitmentRow.retired.is_(False),
            )
            .order_by(CommitmentRow.document_id, CommitmentRow.start)
        )
        out.extend(session.execute(q))
    return out


def assessments(session: Session, commitment_ids: Iterable[int]) -> list[Any]:
    """Every assessment of these commitments, oldest first, as plain rows of
    :data:`ASSESSMENT_COLUMNS` with ``percent`` and ``has_progress`` (assessments made before
    percentages were kept have no progress row)."""
    out: list[Any] = []
    wanted = sorted(set(commitment_ids))
    table = AssessmentRow.__table__
    for chunk in _chunks(wanted):
        q = (
            select(
                *_columns(table, ASSESSMENT_COLUMNS),
                AssessmentProgressRow.percent,
                AssessmentProgressRow.assessment_id.is_not(None).label("has_progress"),
            )
            .select_from(table)
            .outerjoin(AssessmentProgressRow, AssessmentProgressRow.assessment_id == AssessmentRow.id)
            .where(AssessmentRow.commitment_id.in_(list(chunk)))
            .order_by(AssessmentRow.id)
        )
        out.extend(session.execute(q))
    return out


def facts_between(session: Session, document_id: int, start: int, end: int) -> list[FactRow]:
    """The facts of a document that lie inside ``[start, end)``, in text order."""
    return list(
        session.scalars(
            select(FactRow)
            .where(FactRow.document_id == document_id, FactRow.start >= start, FactRow.end <= end)
            .order_by(FactRow.start, FactRow.id)
        )
    )


def facts_at(session: Session, spans: Iterable[tuple[int, int, int]]) -> dict[tuple[int, int, int], int]:
    """Fact ids by (document id, start, end): the facts an outcome's span names."""
    out: dict[tuple[int, int, int], int] = {}
    by_doc: dict[int, set[int]] = {}
    for did, start, _ in spans:
        by_doc.setdefault(did, set()).add(start)
    for did, starts in by_doc.items():
        for fid, start, end in session.execute(
            select(FactRow.id, FactRow.start, FactRow.end)
            .where(FactRow.document_id == did, FactRow.start.in_(sorted(starts)))
            .order_by(FactRow.id)
        ):
            out.setdefault((did, start, end), fid)
    return out


def fact_by_id(session: Session, fact_id: int) -> FactRow | None:
    """The fact with this id, if any."""
    return session.get(FactRow, fact_id)


def fact_ids(session: Session, keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], FactRow]:
    """Facts by (document id, key): the stable name of a fact across re-extraction."""
    out: dict[tuple[int, str], FactRow] = {}
    by_doc: dict[int, set[str]] = {}
    for did, key in keys:
        by_doc.setdefault(did, set()).add(key)
    for did, wanted in by_doc.items():
        for f in session.scalars(
            select(FactRow).where(FactRow.document_id == did, FactRow.key.in_(sorted(wanted)))
        ):
            out[(did, f.key)] = f
    return out


def add_assessment(
    session: Session, commitment: CommitmentRow, row: AssessmentRow, percent: int | None
) -> AssessmentRow:
    """Store a person's assessment of a task or 为民实事 with its percentage."""
    session.add(row)
    session.flush()
    session.add(AssessmentProgressRow(assessment_id=row.id, commitment_id=commitment.id, percent=percent))
    return row
