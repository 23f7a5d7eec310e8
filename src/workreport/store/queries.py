"""Read-side queries over the registry, shared by the HTTP API, the web pages and the CLI.

Every list is paginated (:class:`Page`); filters are plain values, validated here so that
no front end passes raw text into SQL.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, or_, select, text
from sqlalchemy.orm import Session

from workreport.errors import InputError, NotFoundError
from workreport.store import (
    AssessmentRow,
    AuditRow,
    CommitmentRow,
    Database,
    DocumentRow,
    FactRow,
    JurisdictionRow,
    ObservationRow,
)
from workreport.store.mapping import ROW_FIELDS
from workreport.store.places import find_jurisdiction

T = TypeVar("T")
MAX_PER_PAGE = 500


@dataclass(slots=True)
class Page(Generic[T]):
    """One page of results, with the total across all pages."""
    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages the total fills (at least one)."""
        return max(1, math.ceil(self.total / self.per_page))


def _paginate(session: Session, query: Select[Any], page: int, per_page: int) -> tuple[list[Any], int]:
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise InputError(f"page must be >= 1 and per_page between 1 and {MAX_PER_PAGE}")
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return rows, total


def document_dict(d: DocumentRow, *, text: bool = False) -> dict[str, Any]:
    """A document row as the API returns it; the full text only with ``text``."""
    out = {
        "id": d.id,
        "sha256": d.sha256,
        "path": d.path,
        "format": d.format,
        "encoding": d.encoding,
        "title": d.title,
        "jurisdiction": d.jurisdiction_name,
        "jurisdiction_id": d.jurisdiction_id,
        "level": d.level,
        "delivered": d.delivered,
        "plan_year": d.plan_year,
        "review_year": d.review_year,
        "speaker": d.speaker,
        "source": d.source,
        "doc_type": d.doc_type,
        "extractor_version": d.extractor_version,
        "ingested_at": d.ingested_at.isoformat() if d.ingested_at else None,
        "chars": len(d.text),
    }
    if text:
        out["text"] = d.text
        out["structure"] = d.structure
    return out


FACT_FIELDS = ROW_FIELDS  # a fact as the API shows it


def fact_dict(f: FactRow) -> dict[str, Any]:
    """A fact row as the API returns it: its id, document and every Fact field."""
    return {k: getattr(f, k) for k in FACT_FIELDS}


COMMITMENT_FIELDS = (
    "id",
    "document_id",
    "key",
    "type",
    "fact_key",
    "jurisdiction_id",
    "indicator_id",
    "indicator",
    "period",
    "measure",
    "comparator",
    "value",
    "value_max",
    "unit",
    "hedge",
    "text",
    "start",
    "end",
    "status",
    "retired",
)


def commitment_dict(c: CommitmentRow) -> dict[str, Any]:
    """A commitment row as the API returns it."""
    return {k: getattr(c, k) for k in COMMITMENT_FIELDS}


def assessment_dict(a: AssessmentRow) -> dict[str, Any]:
    """An assessment row as the API returns it."""
    return {
        "id": a.id,
        "commitment_id": a.commitment_id,
        "status": a.status,
        "provisional": a.provisional,
        "rule": a.rule,
        "rater": a.rater,
        "evidence": a.evidence,
        "note": a.note,
        "created_at": a.created_at.isoformat() if a.created_at else None,
    }


def jurisdiction_dict(j: JurisdictionRow) -> dict[str, Any]:
    """A jurisdiction row as the API returns it."""
    return {
        "id": j.id,
        "code": j.code,
        "name": j.name,
        "level": j.level,
        "parent_id": j.parent_id,
        "aliases": [a for a in j.aliases.split("|") if a],
    }


def _jurisdiction_filter(session: Session, name: str | None) -> int | None:
    return find_jurisdiction(session, name).id if name else None


def documents(
    db: Database,
    *,
    jurisdiction: str | None = None,
    level: str | None = None,
    year: int | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[dict[str, Any]]:
    """One page of documents, filtered by jurisdiction, level and year."""
    with db.read() as session:
        q = select(DocumentRow)
        jid = _jurisdiction_filter(session, jurisdiction)
        if jid is not None:
            q = q.where(DocumentRow.jurisdiction_id == jid)
        if level:
            q = q.where(DocumentRow.level == level)
        if year is not None:
            q = q.where(DocumentRow.plan_year == year)
        rows, total = _paginate(
            session, q.order_by(DocumentRow.plan_year.desc().nulls_last(), DocumentRow.id), page, per_page
        )
        return Page([document_dict(d) for d in rows], page, per_page, total)


def document(db: Database, document_id: int, *, text: bool = True) -> dict[str, Any]:
    """The document with this id (with its text unless ``text`` is False); NotFoundError if none."""
    with db.read() as session:
        d = session.get(DocumentRow, document_id)
        if d is None:
            raise NotFoundError(f"no document with id {document_id}")
        return document_dict(d, text=text)


def document_by_hash(db: Database, sha256: str) -> dict[str, Any]:
    """The document whose file has this SHA-256; NotFoundError if none."""
    with db.read() as session:
        d = session.scalar(select(DocumentRow).where(DocumentRow.sha256 == sha256))
        if d is None:
            raise NotFoundError(f"no document with hash {sha256[:12]}")
        return document_dict(d)


def _record(row: Any) -> dict[str, Any]:
    """Every column of a row, as JSON-safe values (times as ISO 8601)."""
    out: dict[str, Any] = {}
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        out[column.key] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def delete_document(db: Database, document_id: int, *, who: str) -> None:
    """Delete a document with its facts, commitments, observations, assessments and corrections;
    the audit log keeps every row deleted (the whole document, text and all), so nothing is lost."""
    from workreport.store import CorrectionRow

    with db.session() as session:
        d = session.get(DocumentRow, document_id)
        if d is None:
            raise NotFoundError(f"no document with id {document_id}")
        record: dict[str, Any] = {"document": _record(d)}
        commitment_ids = list(session.scalars(select(CommitmentRow.id).where(CommitmentRow.document_id == d.id)))
        doomed: list[tuple[str, Any]] = [
            ("assessments", select(AssessmentRow).where(AssessmentRow.commitment_id.in_(commitment_ids))),
            ("corrections", select(CorrectionRow).where(CorrectionRow.document_id == d.id)),
            ("observations", select(ObservationRow).where(ObservationRow.document_id == d.id)),
            ("commitments", select(CommitmentRow).where(CommitmentRow.document_id == d.id)),
            ("facts", select(FactRow).where(FactRow.document_id == d.id)),
        ]
        for name, query in doomed:
            rows = list(session.scalars(query))
            record[name] = [_record(r) for r in rows]
            for row in rows:
                session.delete(row)
            session.flush()
        session.delete(d)
        session.add(
            AuditRow(
                who=who,
                action="delete",
                entity="document",
                entity_key=str(document_id),
                before=record,
                after=None,
            )
        )


def facts(
    db: Database,
    *,
    document_id: int | None = None,
    indicator: str | None = None,
    kind: str | None = None,
    jurisdiction: str | None = None,
    period: int | None = None,
    page: int = 1,
    per_page: int = 100,
) -> Page[dict[str, Any]]:
    """One page of facts, filtered by document, indicator, kind, jurisdiction and period."""
    if kind is not None and kind not in ("target", "actual", "estimate", "other"):
        raise InputError(f"unknown kind {kind!r}")
    with db.read() as session:
        q = select(FactRow)
        if document_id is not None:
            q = q.where(FactRow.document_id == document_id)
        if indicator:
            q = q.where(FactRow.indicator_id == indicator)
        if kind:
            q = q.where(FactRow.kind == kind)
        jid = _jurisdiction_filter(session, jurisdiction)
        if jid is not None:
            q = q.where(FactRow.jurisdiction_id == jid)
        if period is not None:
            q = q.where(FactRow.period == period)
        rows, total = _paginate(
            session, q.order_by(FactRow.document_id, FactRow.start, FactRow.id), page, per_page
        )
        return Page([fact_dict(f) for f in rows], page, per_page, total)


def fact(db: Database, fact_id: int) -> dict[str, Any]:
    """The fact with this id; NotFoundError if none."""
    with db.read() as session:
        f = session.get(FactRow, fact_id)
        if f is None:
            raise NotFoundError(f"no fact with id {fact_id}")
        out = fact_dict(f)
        out["history"] = [
            {
                "at": a.at.isoformat() if a.at else None,
                "who": a.who,
                "action": a.action,
                "before": a.before,
                "after": a.after,
            }
            for a in session.scalars(
                select(AuditRow)
                .where(AuditRow.entity == "fact", AuditRow.entity_key == f"{f.document_id}/{f.key}")
                .order_by(AuditRow.id)
            )
        ]
        return out


def commitments(
    db: Database,
    *,
    jurisdiction: str | None = None,
    period: int | None = None,
    type: str | None = None,
    document_id: int | None = None,
    page: int = 1,
    per_page: int = 100,
) -> Page[dict[str, Any]]:
    """One page of current commitments, filtered by jurisdiction, period, type and document."""
    if type is not None and type not in ("target", "task", "project"):
        raise InputError(f"unknown commitment type {type!r}")
    with db.read() as session:
        q = select(CommitmentRow).where(CommitmentRow.retired.is_(False))
        jid = _jurisdiction_filter(session, jurisdiction)
        if jid is not None:
            q = q.where(CommitmentRow.jurisdiction_id == jid)
        if period is not None:
            q = q.where(CommitmentRow.period == period)
        if type:
            q = q.where(CommitmentRow.type == type)
        if document_id is not None:
            q = q.where(CommitmentRow.document_id == document_id)
        rows, total = _paginate(session, q.order_by(CommitmentRow.id), page, per_page)
        return Page([commitment_dict(c) for c in rows], page, per_page, total)


def commitment(db: Database, commitment_id: int) -> dict[str, Any]:
    """The commitment with this id; NotFoundError if none."""
    with db.read() as session:
        c = session.get(CommitmentRow, commitment_id)
        if c is None:
            raise NotFoundError(f"no commitment with id {commitment_id}")
        out = commitment_dict(c)
        j = session.get(JurisdictionRow, c.jurisdiction_id) if c.jurisdiction_id else None
        out["jurisdiction"] = j.name if j is not None else None
        return out


def assessments(db: Database, commitment_id: int) -> list[dict[str, Any]]:
    """A commitment's assessments, oldest first; NotFoundError if there is no such commitment."""
    with db.read() as session:
        if session.get(CommitmentRow, commitment_id) is None:
            raise NotFoundError(f"no commitment with id {commitment_id}")
        return [
            assessment_dict(a)
            for a in session.scalars(
                select(AssessmentRow)
                .where(AssessmentRow.commitment_id == commitment_id)
                .order_by(AssessmentRow.id)
            )
        ]


def jurisdictions(
    db: Database, *, q: str | None = None, level: str | None = None, page: int = 1, per_page: int = 100
) -> Page[dict[str, Any]]:
    """One page of jurisdictions, by name or alias containing ``q`` and by level."""
    with db.read() as session:
        query = select(JurisdictionRow)
        if q:
            like = f"%{_escape_like(q)}%"
            query = query.where(
                or_(
                    JurisdictionRow.name.like(like, escape="\\"),
                    JurisdictionRow.aliases.like(like, escape="\\"),
                )
            )
        if level:
            query = query.where(JurisdictionRow.level == level)
        rows, total = _paginate(session, query.order_by(JurisdictionRow.id), page, per_page)
        return Page([jurisdiction_dict(j) for j in rows], page, per_page, total)


def _escape_like(q: str) -> str:
    return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(slots=True)
class Hit:
    """A document that matches a search, with the passages around each match."""
    document: dict[str, Any]
    snippets: list[tuple[str, str, str]]  # (before, match, after): the caller escapes and marks


def search(db: Database, q: str, *, page: int = 1, per_page: int = 20, context: int = 30) -> Page[Hit]:
    """Full text over every report: FTS5 trigram on SQLite, pg_trgm on PostgreSQL (a LIKE scan
    for queries shorter than three characters, which trigrams cannot index)."""
    q = q.strip()
    if not q:
        raise InputError("empty query")
    if len(q) > 200:
        raise InputError("query longer than 200 characters")
    with db.read() as session:
        dialect = session.get_bind().dialect.name
        if dialect == "sqlite" and len(q) >= 3:
            phrase = '"' + q.replace('"', '""') + '"'
            ids_q = (
                select(text("rowid")).select_from(text("documents_fts")).where(text("documents_fts MATCH :p"))
            )
            ids = [r[0] for r in session.execute(ids_q, {"p": phrase})]
            base = select(DocumentRow).where(DocumentRow.id.in_(ids)) if ids else None
        else:
            base = select(DocumentRow).where(DocumentRow.text.like(f"%{_escape_like(q)}%", escape="\\"))
        if base is None:
            return Page([], page, per_page, 0)
        rows, total = _paginate(session, base.order_by(DocumentRow.id), page, per_page)
        hits = []
        for d in rows:
            snippets = []
            for m in re.finditer(re.escape(q), d.text):
                a, b = m.start(), m.end()
                snippets.append((d.text[max(0, a - context) : a], d.text[a:b], d.text[b : b + context]))
                if len(snippets) >= 3:
                    break
            hits.append(Hit(document_dict(d), snippets))
        return Page(hits, page, per_page, total)


def audit_log(db: Database, *, limit: int = 50) -> list[dict[str, Any]]:
    """The newest ``limit`` entries of the audit log, newest first."""
    with db.read() as session:
        return [
            {
                "at": a.at.isoformat(timespec="seconds") if a.at else None,
                "who": a.who,
                "action": a.action,
                "entity": a.entity,
                "entity_key": a.entity_key,
                "before": a.before,
                "after": a.after,
            }
            for a in session.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit))
        ]


TARGET_FIELDS = ("indicator_id", "indicator", "measure", "comparator", "value", "value_max", "unit", "quote", "period", "scope")


def document_targets(db: Database, document_id: int) -> tuple[list[dict[str, Any]], str, str | None]:
    """The targets of a stored document's own place in text order, a label naming the
    document, and its jurisdiction."""
    with db.read() as session:
        doc = session.get(DocumentRow, document_id)
        if doc is None:
            raise NotFoundError(f"no document with id {document_id}")
        facts = session.scalars(
            select(FactRow)
            .where(FactRow.document_id == doc.id, FactRow.kind == "target", FactRow.scope.is_(None))
            .order_by(FactRow.start)
        )
        label = f"{doc.jurisdiction_name} {doc.plan_year} ({Path(doc.path).name})"
        return [{k: getattr(f, k) for k in TARGET_FIELDS} for f in facts], label, doc.jurisdiction_name
