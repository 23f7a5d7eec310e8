"""Ingest: read, extract and store reports, one transaction per document; one write path."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workreport.errors import StoreError, WorkreportError
from workreport.model import Document, Fact, Structure
from workreport.pipeline.extract import extract
from workreport.pipeline.read import read
from workreport.pipeline.resolve import fact_keys, resolve
from workreport.pipeline.sources import iter_sources
from workreport.pipeline.structure import structure as structure_of
from workreport.pipeline.tables import Columns, Row, check_table, is_table, iter_rows, parse_row
from workreport.registry.edits import audit
from workreport.registry.versions import carry_over
from workreport.store import (
    CommitmentRow,
    CorrectionRow,
    Database,
    DocumentRow,
    FactRow,
    JurisdictionRow,
    ObservationRow,
)
from workreport.store.mapping import fact_columns
from workreport.store.places import jurisdiction_id, seed_jurisdictions
from workreport.track.tracker import refresh, targets_of_documents
from workreport.version import EXTRACTOR_VERSION

# --------------------------------------------------------------------------- ingest



@dataclass(slots=True)
class IngestResult:
    """The paths an ingest added, updated, left unchanged, and failed (with the reason)."""
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # changed versions of stored reports
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # people's work not carried over

    @property
    def ok(self) -> bool:
        """True if no document failed."""
        return not self.failed

    def summary(self) -> str:
        """One line: how many added, updated, replaced, unchanged and failed."""
        line = f"added {len(self.added)}, updated {len(self.updated)}"
        if self.replaced:
            line += f", replaced {len(self.replaced)}"
        line += f", unchanged {len(self.unchanged)}, failed {len(self.failed)}"
        if self.unplaced:
            line += f"; {len(self.unplaced)} corrections or assessments could not be carried over"
        return line


def ingest(
    db: Database,
    paths: Iterable[str | os.PathLike[str]],
    *,
    progress: Callable[[Path], None] | None = None,
    columns: Columns | None = None,
    tables: bool = False,
) -> IngestResult:
    """Read, extract and store every file; one transaction per document. A table of reports
    (.csv .tsv .parquet .jsonl .ndjson; in folders only with ``tables``) gives one document a
    row, its text and metadata from ``columns`` (:mod:`workreport.pipeline.tables`)."""
    result = IngestResult()
    with db.session() as session:
        seed_jurisdictions(session)
    sources = list(iter_sources(paths, tables=tables))
    for path in sources:
        if is_table(path):
            check_table(path, columns)  # no text column: an InputError before anything is done
    for path in sources:
        if progress is not None:
            progress(path)
        if is_table(path):
            _ingest_rows(db, path, columns, result)
            continue
        try:
            doc = read(path)
        except WorkreportError as exc:
            result.failed.append((str(path), exc.message))
            continue
        lost: list[str] = []
        try:
            status = ingest_document(db, doc, lost)
        except WorkreportError as exc:
            result.failed.append((str(path), exc.message))
            continue
        getattr(result, status).append(str(path))
        result.unplaced += [(str(path), what) for what in lost]
    return result


def _ingest_rows(db: Database, path: Path, columns: Columns | None, result: IngestResult) -> None:
    """The rows of a table, as :func:`ingest` stores files (part of it)."""
    try:
        for row in iter_rows(path, columns):
            if row.error is not None:
                result.failed.append((row.name, row.error))
                continue
            try:
                lost: list[str] = []
                status = _ingest_row(db, row, lost)
            except WorkreportError as exc:
                result.failed.append((row.name, exc.message))
                continue
            getattr(result, status).append(row.name)
            result.unplaced += [(row.name, what) for what in lost]
    except WorkreportError as exc:
        result.failed.append((str(path), exc.message))


def _ingest_row(db: Database, row: Row, unplaced: list[str]) -> str:
    with db.read() as session:
        version = session.scalar(select(DocumentRow.extractor_version).where(DocumentRow.sha256 == row.sha256))
    if version == EXTRACTOR_VERSION:
        return "unchanged"
    doc, st, facts = parse_row(row)
    with db.session() as session:
        lost: list[str] = []
        status = store_document(session, doc, st, facts, lost)
    unplaced.extend(lost)
    return status


def ingest_document(db: Database, doc: Document, unplaced: list[str] | None = None) -> str:
    """Read, extract and store one document (see :func:`store_document`); what of people's work
    on an earlier version cannot be carried over is appended to ``unplaced``."""
    with db.read() as session:
        version = session.scalar(
            select(DocumentRow.extractor_version).where(DocumentRow.sha256 == doc.sha256)
        )
    if version == EXTRACTOR_VERSION:
        return "unchanged"  # known already: no need to extract it again
    st = structure_of(doc)
    facts = extract(doc, st)
    for attempt in range(2):
        try:
            with db.session() as session:
                seed_jurisdictions(session)  # a no-op once the table holds the registry
                lost: list[str] = []
                status = store_document(session, doc, st, facts, lost)
            if unplaced is not None:  # only once the transaction has committed
                unplaced.extend(lost)
            return status
        except StoreError as exc:
            # another process stored the same document first: look again
            if attempt == 1 or not isinstance(exc.__cause__, IntegrityError):
                raise
    return "unchanged"  # pragma: no cover


def store_document(
    session: Session, doc: Document, st: Structure, facts: list[Fact], unplaced: list[str] | None = None
) -> str:
    """Store one read and extracted document in the open transaction ``session``: ``added``,
    ``updated`` (re-extracted by a newer extractor; people's work kept), ``replaced`` (a changed
    version of a stored report: corrections and assessments carried over to the same text,
    what cannot be placed appended to ``unplaced``) or ``unchanged``.

    The one write path of a document: single ingest, batch ingest and web uploads call it."""
    existing = session.scalar(select(DocumentRow).where(DocumentRow.sha256 == doc.sha256))
    if existing is not None and existing.extractor_version == EXTRACTOR_VERSION:
        return "unchanged"
    earlier = _earlier_version(session, doc, st) if existing is None else None
    if earlier is not None:  # a changed version of a stored report replaces it
        row, status = earlier, "replaced"
        lost, record = carry_over(session, row, doc.text, facts)
        audit(session, "ingest", "replace", "document", str(row.id), {"sha256": row.sha256}, {"sha256": doc.sha256, **record})
        if unplaced is not None:
            unplaced.extend(lost)
        row.sha256, row.path, row.text = doc.sha256 or "", doc.path or row.path, doc.text
        row.format, row.encoding = doc.format, doc.encoding
        _update_document(session, row, doc, st)
    elif existing is None:
        row = _document_row(session, doc, st)
        session.add(row)
        session.flush()
        status = "added"
    else:
        row, status = existing, "updated"
        _update_document(session, row, doc, st)
    _store_extraction(session, row, doc, st, facts)
    session.flush()
    refresh(session, targets_of_documents(session, [row.id]))  # ratings resting on it
    return status


def _earlier_version(session: Session, doc: Document, st: Structure) -> DocumentRow | None:
    """A stored report this one is a changed version of: the same source (path), or a file of the
    same name reporting for the same place, year and type."""
    if doc.path:
        same = session.scalar(select(DocumentRow).where(DocumentRow.path == doc.path).limit(1))
        if same is not None:
            return same
    m = st.metadata
    if not doc.path or m.jurisdiction is None or m.plan_year is None:
        return None
    name = Path(doc.path).name
    for row in session.scalars(
        select(DocumentRow).where(
            DocumentRow.jurisdiction_name == m.jurisdiction,
            DocumentRow.plan_year == m.plan_year,
            DocumentRow.doc_type == m.doc_type,
        )
    ):
        if Path(row.path).name == name:
            return row
    return None


def _document_row(session: Session, doc: Document, st: Structure) -> DocumentRow:
    m = st.metadata
    return DocumentRow(
        sha256=doc.sha256 or "",
        path=doc.path or "<text>",
        format=doc.format,
        encoding=doc.encoding,
        text=doc.text,
        title=m.title,
        jurisdiction_name=m.jurisdiction,
        jurisdiction_id=jurisdiction_id(session, m.jurisdiction) if m.jurisdiction else None,
        level=m.level,
        delivered=m.delivered,
        plan_year=m.plan_year,
        review_year=m.review_year,
        speaker=m.speaker,
        source=m.source,
        doc_type=m.doc_type,
        structure=st.to_dict(),
        extractor_version=EXTRACTOR_VERSION,
    )


def _update_document(session: Session, row: DocumentRow, doc: Document, st: Structure) -> None:
    fresh = _document_row(session, doc, st)
    for col in (
        "title",
        "jurisdiction_name",
        "jurisdiction_id",
        "level",
        "delivered",
        "plan_year",
        "review_year",
        "speaker",
        "source",
        "doc_type",
        "structure",
        "extractor_version",
    ):
        setattr(row, col, getattr(fresh, col))


def _store_extraction(
    session: Session, row: DocumentRow, doc: Document, st: Structure, facts: list[Fact]
) -> None:
    """Replace the document's facts, observations and commitments; keep people's work."""
    own = session.get(JurisdictionRow, row.jurisdiction_id) if row.jurisdiction_id else None
    corrections = _corrections(session, row.id)
    keys = fact_keys(facts)
    session.execute(delete(FactRow).where(FactRow.document_id == row.id))
    session.execute(
        delete(ObservationRow).where(ObservationRow.document_id == row.id, ObservationRow.source == "fact")
    )
    scope_ids: dict[str | None, int | None] = {}
    fact_rows: list[dict[str, Any]] = []
    for f, key in zip(facts, keys, strict=True):
        for fld, value in corrections.get(key, {}).items():
            setattr(f, fld, value)
        if f.scope not in scope_ids:
            scope_ids[f.scope] = (
                jurisdiction_id(session, f.scope, own) if f.scope else (own.id if own else None)
            )
        fact_rows.append(
            {
                "document_id": row.id,
                "key": key,
                "jurisdiction_id": scope_ids[f.scope],
                "extractor_version": EXTRACTOR_VERSION,
                "corrected": key in corrections,
                **fact_columns(f),
            }
        )
    # one multi-row INSERT per table (executemany), not an ORM object and flush per row
    if fact_rows:
        session.execute(insert(FactRow), fact_rows)
    resolution = resolve(doc, st, facts)
    observation_rows = [
        {
            "jurisdiction_id": scope_ids.get(o.scope, own.id if own else None),
            "document_id": row.id,
            "source": "fact",
            **{k: v for k, v in asdict(o).items() if k != "scope"},  # the scope is the jurisdiction
        }
        for o in resolution.observations
    ]
    if observation_rows:
        session.execute(insert(ObservationRow), observation_rows)
    existing = {
        c.key: c for c in session.scalars(select(CommitmentRow).where(CommitmentRow.document_id == row.id))
    }
    seen = set()
    fresh: list[dict[str, Any]] = []
    for c in resolution.commitments:
        seen.add(c.key)
        values = {
            "type": c.type,
            "fact_key": c.fact_key,
            "jurisdiction_id": scope_ids.get(c.scope, own.id if own else None)
            if c.scope
            else (own.id if own else None),
            "indicator_id": c.indicator_id,
            "indicator": c.indicator,
            "period": c.period,
            "measure": c.measure,
            "comparator": c.comparator,
            "value": c.value,
            "value_max": c.value_max,
            "unit": c.unit,
            "hedge": c.hedge,
            "classifier": c.classifier,
            "text": c.text,
            "start": c.start,
            "end": c.end,
            "retired": False,
        }
        if c.key in existing:
            for k, v in values.items():
                setattr(existing[c.key], k, v)
        else:
            fresh.append({"document_id": row.id, "key": c.key, **values})
    if fresh:
        session.execute(insert(CommitmentRow), fresh)
    for key, old in existing.items():
        if key not in seen:
            old.retired = True  # kept: people may have assessed it


def _corrections(session: Session, document_id: int) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    rows = session.scalars(
        select(CorrectionRow).where(CorrectionRow.document_id == document_id).order_by(CorrectionRow.id)
    )
    for c in rows:
        out.setdefault(c.fact_key, {})[c.field] = c.value
    return out


