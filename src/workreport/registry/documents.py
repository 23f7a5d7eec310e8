"""Ingest: read, extract and store reports, one transaction per document; one write path."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workreport.errors import StoreError, WorkreportError
from workreport.model import Document, Fact, Structure
from workreport.pipeline.extract import extract
from workreport.pipeline.normalise import normalise
from workreport.pipeline.read import read
from workreport.pipeline.resolve import fact_keys
from workreport.pipeline.rows import (
    COMMITMENT_VALUES,
    FACT_VALUES,
    OBSERVATION_VALUES,
    SCOPE_AT,
    Prepared,
    facts_of,
    prepare,
)
from workreport.pipeline.sources import checked_sources
from workreport.pipeline.structure import structure as structure_of
from workreport.pipeline.tables import Columns, Row, is_table, iter_rows, parse_row
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
from workreport.store.database import SearchIndexBatch, insert_rows
from workreport.store.places import jurisdiction_id, seed_jurisdictions
from workreport.store.rows import now, table
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
    sources, _documents = checked_sources(paths, tables=tables, columns=columns)  # before anything is done
    result = IngestResult()
    with db.session() as session:
        seed_jurisdictions(session)
    for path in map(Path, sources):
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
    folded = normalise(doc.text)  # once, for both stages
    st = structure_of(doc, folded)
    facts = extract(doc, st, normalised=folded)
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


# the columns of the bulk inserts, in the order of their values
_FACT_COLUMNS = ("document_id", "key", *FACT_VALUES, "section", "jurisdiction_id", "extractor_version", "corrected")
_ENCODED = frozenset({"section"})
_OBSERVATION_COLUMNS = (*OBSERVATION_VALUES, "jurisdiction_id", "document_id", "source", "note", "created_at")
_COMMITMENT_COLUMNS = ("document_id", "key", *COMMITMENT_VALUES, "jurisdiction_id")


def store_document(
    session: Session, doc: Document, st: Structure, facts: list[Fact], unplaced: list[str] | None = None
) -> str:
    """Store one read and extracted document in the open transaction ``session``: ``added``,
    ``updated`` (re-extracted by a newer extractor; people's work kept), ``replaced`` (a changed
    version of a stored report: corrections and assessments carried over to the same text,
    what cannot be placed appended to ``unplaced``) or ``unchanged``. The ratings resting on it
    are refreshed in the same transaction.

    The one write path of a document: single ingest, batch ingest (:func:`store_documents`) and
    web uploads call it."""
    status, document_id = _store(session, doc, st, facts, unplaced, None, None)
    if document_id is not None:
        refresh(session, targets_of_documents(session, [document_id]))  # ratings resting on it
    return status


@dataclass(slots=True)
class Stored:
    """How one document of :func:`store_documents` went: its status, why it failed, and what
    of people's work on an earlier version could not be carried over."""

    status: str  # added | updated | replaced | unchanged | failed
    reason: str | None = None
    unplaced: list[str] = field(default_factory=list)


def store_documents(
    session: Session,
    items: Iterable[tuple[str, Document, Structure, list[Fact] | None, Prepared | None]],
) -> list[Stored]:
    """Store many extracted documents ``(sha256, doc, structure, facts, prepared)`` in the open
    transaction ``session``, as :func:`store_document` stores one (``facts`` None: those
    ``prepared`` was made from, rebuilt only if needed): each document whole or not at
    all (a savepoint; a failed one is reported and leaves nothing behind), the full-text index
    written in one statement for all of them, and the ratings resting on them refreshed once,
    in the same transaction, before it commits."""
    out: list[Stored] = []
    changed: list[int] = []
    index = SearchIndexBatch(session).start()
    places = _place_cache(session)
    for sha, doc, st, facts, prepared in items:
        lost: list[str] = []
        status, document_id, reason = "failed", None, None
        for attempt in range(2):
            try:
                with session.begin_nested():  # the document whole, or nothing of it
                    status, document_id = _store(session, doc, st, facts, lost, prepared, index)
                break
            except WorkreportError as exc:
                status, reason = "failed", exc.message
                break
            except IntegrityError as exc:
                index.dropped()
                places.clear()  # a place it added is gone with it
                # another process stored the same document, or a place it names, meanwhile:
                # the document is unchanged, or it is stored again now that the place is there
                if session.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == sha)) is not None:
                    status, document_id = "unchanged", None
                    break
                if attempt == 1:  # not a race: this document fails, the others are stored
                    status, reason = "failed", f"could not be stored: {_constraint(exc)}"
                    break
                lost = []
        if status == "failed":
            index.dropped()
            places.clear()
            out.append(Stored("failed", reason))
            continue
        index.kept()
        if document_id is not None:
            changed.append(document_id)
            if status == "added":
                index.add(document_id)
        out.append(Stored(status, None, lost))
    index.finish()
    if changed:
        refresh(session, targets_of_documents(session, changed))  # ratings resting on them
    return out


def _constraint(exc: IntegrityError) -> str:
    """What the database refused, in one line (its own message, without the statement)."""
    return " ".join(str(exc.orig).split())[:300]


def _store(
    session: Session,
    doc: Document,
    st: Structure,
    facts: list[Fact] | None,
    unplaced: list[str] | None,
    prepared: Prepared | None,
    index: SearchIndexBatch | None,
) -> tuple[str, int | None]:
    """Store one document (see :func:`store_document`) without refreshing ratings: its status
    and, unless unchanged, its id."""
    found = session.execute(
        select(DocumentRow.id, DocumentRow.extractor_version).where(DocumentRow.sha256 == doc.sha256)
    ).first()
    if found is not None and found.extractor_version == EXTRACTOR_VERSION:
        return "unchanged", None
    earlier = _earlier_version(session, doc, st) if found is None else None
    if earlier is not None and earlier.sha256 == doc.sha256 and earlier.extractor_version == EXTRACTOR_VERSION:
        # another ingest committed this very text between the look-up above and this one
        # (PostgreSQL reads what is committed at each statement): nothing to replace
        return "unchanged", None
    if earlier is not None:  # a changed version of a stored report replaces it
        row, status = earlier, "replaced"
        facts = _facts(facts, prepared)
        lost, record = carry_over(session, row, doc.text, facts)
        audit(session, "ingest", "replace", "document", str(row.id), {"sha256": row.sha256}, {"sha256": doc.sha256, **record})
        if unplaced is not None:
            unplaced.extend(lost)
        if index is not None:
            index.before_text_change(row.id)
        row.sha256, row.path, row.text = doc.sha256 or "", doc.path or row.path, doc.text
        row.format, row.encoding = doc.format, doc.encoding
        _update_document(session, row, doc, st)
        session.flush()
        document_id, own, fresh = row.id, row.jurisdiction_id, False
    elif found is None:
        values = _document_values(session, doc, st)
        inserted = session.connection().execute(insert(table(DocumentRow)).values(**values))
        document_id = int(inserted.inserted_primary_key[0])  # type: ignore[index]
        own, status, fresh = values["jurisdiction_id"], "added", True
    else:
        row = session.get_one(DocumentRow, found.id)
        status = "updated"
        _update_document(session, row, doc, st)
        session.flush()
        document_id, own, fresh = row.id, row.jurisdiction_id, False
    if not fresh:  # the stored corrections are applied to its facts: rebuilt from the rows if need be
        facts = _facts(facts, prepared)
    _store_extraction(session, _Target(document_id, own, fresh, prepared if fresh else None), doc, st, facts)
    return status, document_id


@dataclass(slots=True)
class _Target:
    """The stored document an extraction goes to: its id and place, whether it was inserted just
    now (``fresh``: nothing of it to read or delete first) and its :class:`Prepared` rows."""

    id: int
    jurisdiction_id: int | None
    fresh: bool
    prepared: Prepared | None


def _earlier_version(session: Session, doc: Document, st: Structure) -> DocumentRow | None:
    """A stored report this one is a changed version of: the same source (path), or a file of the
    same name reporting for the same place, year and type."""
    if doc.path:
        same = session.scalar(select(DocumentRow.id).where(DocumentRow.path == doc.path).limit(1))
        if same is not None:
            return session.get_one(DocumentRow, same)
    m = st.metadata
    if not doc.path or m.jurisdiction is None or m.plan_year is None:
        return None
    name = Path(doc.path).name
    for rid, path in session.execute(
        select(DocumentRow.id, DocumentRow.path).where(
            DocumentRow.jurisdiction_name == m.jurisdiction,
            DocumentRow.plan_year == m.plan_year,
            DocumentRow.doc_type == m.doc_type,
        )
    ):
        if Path(path).name == name:
            return session.get_one(DocumentRow, rid)
    return None


_PLACES = "workreport_place_ids"  # a transaction's cache: (name, own id) → jurisdiction id


def _place_cache(session: Session) -> dict[tuple[str, int | None], int | None]:
    cache: dict[tuple[str, int | None], int | None] = session.info.setdefault(_PLACES, {})
    return cache


def _place_id(session: Session, name: str | None, own: int | None) -> int | None:
    """The id of the jurisdiction ``name`` names, seen from the report's own (``own``): looked up
    once per name and place in a transaction (the lookup resolves names against the registry)."""
    if not name:
        return own
    cache = _place_cache(session)
    key = (name, own)
    if key not in cache:
        context = session.get(JurisdictionRow, own) if own is not None else None
        cache[key] = jurisdiction_id(session, name, context)
    return cache[key]


def _document_values(session: Session, doc: Document, st: Structure) -> dict[str, Any]:
    m = st.metadata
    return {
        "sha256": doc.sha256 or "",
        "path": doc.path or "<text>",
        "format": doc.format,
        "encoding": doc.encoding,
        "text": doc.text,
        "title": m.title,
        "jurisdiction_name": m.jurisdiction,
        "jurisdiction_id": _place_id(session, m.jurisdiction, None) if m.jurisdiction else None,
        "level": m.level,
        "delivered": m.delivered,
        "plan_year": m.plan_year,
        "review_year": m.review_year,
        "speaker": m.speaker,
        "source": m.source,
        "doc_type": m.doc_type,
        "structure": st.to_dict(),
        "extractor_version": EXTRACTOR_VERSION,
        "ingested_at": now(),
    }


_METADATA = (
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
)


def _update_document(session: Session, row: DocumentRow, doc: Document, st: Structure) -> None:
    fresh = _document_values(session, doc, st)
    for col in _METADATA:
        setattr(row, col, fresh[col])


def _facts(facts: list[Fact] | None, prepared: Prepared | None) -> list[Fact]:
    """``facts``, or if None those ``prepared`` was made from: its rows hold every field."""
    if facts is not None:
        return facts
    if prepared is None:
        raise TypeError("a document to store needs its facts or its prepared rows")
    return facts_of(prepared)


def _store_extraction(
    session: Session, target: _Target, doc: Document, st: Structure, facts: list[Fact] | None
) -> None:
    """Replace the document's facts, observations and commitments; keep people's work. A
    ``fresh`` document (inserted just now) has none of them yet, nor corrections, so nothing is
    read or deleted first; its ``prepared`` rows, if given, are written as they are."""
    document_id, own, fresh, prepared = target.id, target.jurisdiction_id, target.fresh, target.prepared
    corrections = {} if fresh else _corrections(session, document_id)
    if prepared is None or corrections:
        facts = _facts(facts, prepared)
        for f, key in zip(facts, fact_keys(facts), strict=True):
            for fld, value in corrections.get(key, {}).items():
                setattr(f, fld, value)
        prepared = prepare(doc, st, facts)
    if not fresh:
        session.execute(delete(FactRow).where(FactRow.document_id == document_id))
        session.execute(
            delete(ObservationRow).where(
                ObservationRow.document_id == document_id, ObservationRow.source == "fact"
            )
        )

    # a fact's place: its scope seen from the report's own; a commitment's or observation's:
    # that of the facts' scope it names, else the report's own
    scopes = {scope: _place_id(session, scope, own) for scope in {values[SCOPE_AT] for values in prepared.facts}}
    scopes[None] = own

    def place(scope: str | None) -> int | None:
        return scopes.get(scope, own) if scope else own

    conn = session.connection()
    # bulk inserts of plain tuples (COPY on PostgreSQL), no ORM objects: one statement per table
    fact_rows = [
        (document_id, key, *values, section, place(values[SCOPE_AT]), EXTRACTOR_VERSION, key in corrections)
        for key, values, section in zip(prepared.keys, prepared.facts, prepared.sections, strict=True)
    ]
    insert_rows(conn, table(FactRow), _FACT_COLUMNS, fact_rows, encoded=_ENCODED)
    created = now()
    observation_rows = [
        (*values[:-1], place(values[-1]), document_id, "fact", None, created) for values in prepared.observations
    ]
    insert_rows(conn, table(ObservationRow), _OBSERVATION_COLUMNS, observation_rows)
    existing = (
        {}
        if fresh
        else {
            c.key: c
            for c in session.scalars(select(CommitmentRow).where(CommitmentRow.document_id == document_id))
        }
    )
    seen = set()
    new_rows: list[tuple[Any, ...]] = []
    for c in prepared.commitments:
        seen.add(c["key"])
        if c["key"] in existing:
            values = {k: v for k, v in c.items() if k not in ("key", "scope")}
            values["jurisdiction_id"] = place(c["scope"])
            for k, v in values.items():
                setattr(existing[c["key"]], k, v)
        else:
            new_rows.append((document_id, c["key"], *[c[name] for name in COMMITMENT_VALUES], place(c["scope"])))
    insert_rows(conn, table(CommitmentRow), _COMMITMENT_COLUMNS, new_rows)
    for key, old in existing.items():
        if key not in seen:
            old.retired = True  # kept: people may have assessed it
    if existing:
        session.flush()


def _corrections(session: Session, document_id: int) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    rows = session.scalars(
        select(CorrectionRow).where(CorrectionRow.document_id == document_id).order_by(CorrectionRow.id)
    )
    for c in rows:
        out.setdefault(c.fact_key, {})[c.field] = c.value
    return out


