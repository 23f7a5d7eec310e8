"""Read-side queries over the registry, shared by the HTTP API, the web pages and the CLI.

Every list is paginated (:class:`Page`); filters are plain values, validated here so that
no front end passes raw text into SQL.
"""

from __future__ import annotations

import bisect
import math
import operator
import re
import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    Column,
    Integer,
    LargeBinary,
    MetaData,
    Select,
    Table,
    bindparam,
    cast,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from workreport.errors import InputError, NotFoundError
from workreport.model import Fact
from workreport.store import (
    AssessmentRow,
    AuditRow,
    CommitmentRow,
    Database,
    DocumentRow,
    FactRow,
    JurisdictionRow,
    ObservationRow,
    fulltext,
)
from workreport.store.mapping import ROW_FIELDS, fact_of
from workreport.store.places import find_jurisdiction
from workreport.store.scorecard_queries import LEVELS

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


def source_name(path: str | None) -> str:
    """A document's source as people gave it, never a path on the server: a URL as given, an
    upload's file name, else the last part of the path (``/srv/in/宝鸡2024.txt`` → ``宝鸡2024.txt``;
    a row of a dataset keeps its row mark: ``corpus.csv#12``)."""
    if not path:
        return ""
    if _URL.match(path):
        return path
    if path.startswith("upload:"):
        path = path[len("upload:") :]
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or path


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

# the columns a list of documents shows: never the text or the structure (their size is the
# text's length, computed by the database)
LIST_COLUMNS = (
    "id",
    "sha256",
    "path",
    "format",
    "encoding",
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
    "extractor_version",
    "ingested_at",
)


# each document's length in characters, kept by the database's own triggers (migration
# 0007): a list reads it instead of every listed text
_LENGTHS = Table(
    "document_lengths", MetaData(), Column("document_id", Integer, primary_key=True), Column("chars", Integer)
)


def _list_select(*where: Any) -> Select[Any]:
    """The list columns of documents, with their length (from document_lengths; computed from
    the text only for a row the table lacks)."""
    chars = func.coalesce(_LENGTHS.c.chars, func.length(DocumentRow.text)).label("chars")
    return (
        select(*[getattr(DocumentRow, c) for c in LIST_COLUMNS], chars)
        .outerjoin(_LENGTHS, _LENGTHS.c.document_id == DocumentRow.id)
        .where(*where)
    )


def document_dict(d: Any, *, text: bool = False) -> dict[str, Any]:
    """A document as the API returns it (a row, or a result row of :data:`LIST_COLUMNS` and
    ``chars``); the full text and structure only with ``text``. ``name`` is its source name
    (:func:`source_name`); ``path`` says the same, for older clients: no path on the server is shown."""
    name = source_name(d.path)
    chars = getattr(d, "chars", None)
    out = {
        "id": d.id,
        "sha256": d.sha256,
        "name": name,
        "path": name,
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
        "ingested_at": _iso(d.ingested_at),
        "chars": chars if chars is not None else len(d.text),
    }
    if text:
        out["text"] = d.text
        out["structure"] = d.structure
    return out


def _iso(value: Any) -> str | None:
    """A stored time as ISO 8601, as ``datetime.isoformat`` writes it (a plain SQLite result
    holds the stored text: ``2026-12-01 14:11:55.805245``)."""
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value).replace(" ", "T", 1).removesuffix(".000000")


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
    "classifier",
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
    """One page of documents, filtered by jurisdiction, level and year, the newest plan year
    first. The page's ids and the count come from the indexes alone; then only those rows'
    list columns are read (:func:`_list_rows`): never a text or a structure."""
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise InputError(f"page must be >= 1 and per_page between 1 and {MAX_PER_PAGE}")
    if level and level not in LEVELS:
        raise InputError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    with db.read() as session:
        params: dict[str, Any] = {"lim": per_page, "off": (page - 1) * per_page}
        if jurisdiction:
            params["jid"] = find_jurisdiction(session, jurisdiction).id
        if level:
            params["level"] = level
        if year is not None:
            params["year"] = year
        count, page_ids = _document_statements(bool(jurisdiction), bool(level), year is not None)
        total = int(session.scalar(count, params) or 0)
        ids = list(session.scalars(page_ids, params)) if total else []
        return Page(_list_rows(session, ids), page, per_page, total)


_DOCUMENT_STATEMENTS: dict[tuple[bool, bool, bool], tuple[Any, Any]] = {}


def _document_statements(by_place: bool, by_level: bool, by_year: bool) -> tuple[Any, Any]:
    """The count and page-of-ids statements of a documents list with these filters, built once
    (their parameters are bound at each call: building a statement costs more than running it)."""
    key = (by_place, by_level, by_year)
    if key not in _DOCUMENT_STATEMENTS:
        where = []
        if by_place:
            where.append(DocumentRow.jurisdiction_id == bindparam("jid"))
        if by_level:
            where.append(DocumentRow.level == bindparam("level"))
        if by_year:
            where.append(DocumentRow.plan_year == bindparam("year"))
        ids = (
            select(DocumentRow.id)
            .where(*where)
            .order_by(DocumentRow.plan_year.desc().nulls_last(), DocumentRow.id)
            .limit(bindparam("lim"))
            .offset(bindparam("off"))
        )
        count = select(func.count(DocumentRow.id)).where(*where)
        _DOCUMENT_STATEMENTS[key] = (count, ids)
    return _DOCUMENT_STATEMENTS[key]


_LIST_OTHER: list[Any] = []
_LIST_INDEX = "_workreport_list_index"  # an engine's note: has the database ix_documents_list?


def _has_list_index(session: Session) -> bool:
    """Is this a SQLite database with the covering index of the documents' list columns?"""
    bind: Any = session.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    engine = getattr(bind, "engine", bind)
    known: bool | None = getattr(engine, _LIST_INDEX, None)
    if known is None:
        known = bool(
            session.scalar(
                text("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_documents_list'")
            )
        )
        setattr(engine, _LIST_INDEX, known)
    return known


def _sqlite(session: Session) -> Any | None:
    """The sqlite3 connection under this session's transaction when the database is SQLite with
    the list index (the hot read paths run their fixed SQL on it directly: SQLAlchemy's statement
    and row handling cost more than these lookups), else None."""
    if not _has_list_index(session):
        return None
    return session.connection().connection.driver_connection


def _marks(n: int) -> str:
    """``n`` parameter marks for an IN (…) list."""
    return ",".join("?" * n)


# the list columns of some documents: on SQLite from the covering index of migration 0007 (a
# row's columns after its text lie behind the text's overflow pages), the length from
# document_lengths (the text is read only for a row that table lacks)
_LIST_RAW = (
    "SELECT "
    + ", ".join(f"d.{c}" for c in LIST_COLUMNS)
    + ", coalesce(l.chars, length(d.text))"
    " FROM documents AS d INDEXED BY ix_documents_list"
    " LEFT JOIN document_lengths AS l ON l.document_id = d.id"
    " WHERE d.id IN ({})"
)


def _list_rows(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    """The list columns of these documents, in the order of ``ids``."""
    if not ids:
        return []
    raw = _sqlite(session)
    if raw is not None:
        tuples = raw.execute(_LIST_RAW.format(_marks(len(ids))), ids).fetchall()
        by_id = {t[0]: t for t in tuples}
        return [_list_dict(by_id[i]) for i in ids if i in by_id]
    if not _LIST_OTHER:
        _LIST_OTHER.append(_list_select(DocumentRow.id.in_(bindparam("ids", expanding=True))))
    found = {r.id: r for r in session.execute(_LIST_OTHER[0], {"ids": ids})}
    return [document_dict(found[i]) for i in ids if i in found]


def _list_dict(t: tuple[Any, ...]) -> dict[str, Any]:
    """:func:`document_dict` of a tuple of :data:`LIST_COLUMNS` and the length, as SQLite gives it."""
    (
        id_,
        sha256,
        path,
        format_,
        encoding,
        title,
        jurisdiction_name,
        jurisdiction_id,
        level,
        delivered,
        plan_year,
        review_year,
        speaker,
        source,
        doc_type,
        extractor_version,
        ingested_at,
        chars,
    ) = t
    name = source_name(path)
    return {
        "id": id_,
        "sha256": sha256,
        "name": name,
        "path": name,
        "format": format_,
        "encoding": encoding,
        "title": title,
        "jurisdiction": jurisdiction_name,
        "jurisdiction_id": jurisdiction_id,
        "level": level,
        "delivered": delivered,
        "plan_year": plan_year,
        "review_year": review_year,
        "speaker": speaker,
        "source": source,
        "doc_type": doc_type,
        "extractor_version": extractor_version,
        "ingested_at": _iso(ingested_at),
        "chars": chars,
    }


def document(db: Database, document_id: int, *, text: bool = True) -> dict[str, Any]:
    """The document with this id (with its text unless ``text`` is False); NotFoundError if none."""
    with db.read() as session:
        if not text:
            rows = _list_rows(session, [document_id])
            if not rows:
                raise NotFoundError(f"no document with id {document_id}")
            return rows[0]
        d = session.get(DocumentRow, document_id)
        if d is None:
            raise NotFoundError(f"no document with id {document_id}")
        return document_dict(d, text=text)


def document_by_hash(db: Database, sha256: str) -> dict[str, Any]:
    """The document whose file has this SHA-256; NotFoundError if none."""
    with db.read() as session:
        d = session.execute(_list_select(DocumentRow.sha256 == sha256)).first()
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


def document_facts(db: Database, document_id: int) -> list[Fact]:
    """Every stored fact of a document, as people corrected them, in the order of the text."""
    with db.read() as session:
        rows = session.scalars(
            select(FactRow).where(FactRow.document_id == document_id).order_by(FactRow.start, FactRow.end, FactRow.id)
        )
        return [fact_of(r) for r in rows]


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


def _escape_regex(q: str) -> str:
    """``q`` as a PostgreSQL regular expression that matches it literally: every ASCII character
    but a letter or digit escaped (in PostgreSQL's advanced syntax a backslash before any other
    character stands for that character; before a letter it would be a class, like ``\\d``)."""
    return "".join(f"\\{c}" if c.isascii() and not c.isalnum() else c for c in q)


@dataclass(slots=True)
class Hit:
    """A document that matches a search, with the passages around each match."""
    document: dict[str, Any]
    snippets: list[tuple[str, str, str]]  # (before, match, after): the caller escapes and marks
    score: float = 0.0  # relevance: higher is better (BM25 of the query as a phrase)


# BM25's constants, as SQLite's FTS5 uses them
_K1, _B = 1.2, 0.75


def _bm25_sql(tf: Any, chars: Any, avg_chars: float) -> Any:
    """BM25 in SQL (higher is better) of a phrase found ``tf`` times in a text of ``chars``
    characters. The phrase's idf is the same for every document, so it is left out; the order
    is FTS5's ``bm25()`` order."""
    return tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * chars * 1.0 / max(avg_chars, 1.0)))


def search(db: Database, q: str, *, page: int = 1, per_page: int = 20, context: int = 30) -> Page[Hit]:
    """Full text over every report, most relevant first, then the newest (plan year), one hit
    per document with each distinct passage once (a saved page holding the report three times
    gives one passage, not three equal ones).

    A phrase matches case aside, the same on every database (SQLite's index folds case;
    PostgreSQL's search matches a query with letters by a case-insensitive regular expression). Relevance is BM25 of the
    query as a phrase: FTS5's ``bm25()`` over the index of pairs of
    characters on SQLite (:mod:`workreport.store.fulltext`); on PostgreSQL (whose text-search
    parser cannot split Chinese into words, so that ``ts_rank`` has nothing to count) the same
    formula in SQL over the documents a pg_trgm index finds (its LIKE scans every text for a
    query shorter than three characters), each text read twice (migration 0013 compresses
    them with LZ4, quick to read). A query's ranking is kept (per database, for
    :data:`RANK_SECONDS`, and only while no text is added, changed or deleted: on SQLite the
    full-text index's structure record and the largest id stay the same, elsewhere the
    documents' count, largest id and total length), so that paging through it or asking again
    does not rank every match again."""
    q = q.strip()
    if not q:
        raise InputError("empty query")
    if len(q) > 200:
        raise InputError("query longer than 200 characters")
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise InputError(f"page must be >= 1 and per_page between 1 and {MAX_PER_PAGE}")
    with db.read() as session:
        ranked, years = _ranking(session, q)
        lo = (page - 1) * per_page
        chosen = ranked.page(lo, lo + per_page, years)
        scores = ranked.scores
        if not chosen:
            return Page([], page, per_page, len(scores))
        docs = {d["id"]: d for d in _list_rows(session, chosen)}
        found = _texts(session, chosen)
        hits = [
            Hit(docs[i], utf8_passages(found.get(i, b""), q, context=context), scores[lo + n])
            for n, i in enumerate(chosen)
            if i in docs
        ]
        return Page(hits, page, per_page, len(scores))


# what a kept ranking rests on: the documents' count, largest id and total length
_VERSION = select(
    func.count(DocumentRow.id),
    func.max(DocumentRow.id),
    select(func.coalesce(func.sum(_LENGTHS.c.chars), 0)).scalar_subquery(),
)
# on SQLite, the full-text index's structure record (FTS5 keeps it in row 10 of its data
# table: its segments and a counter of the leaves ever written, so every committed insert,
# delete or change of a text changes it) and the largest id: two lookups instead of a count
# and a sum over every document
_VERSION_SQLITE = "SELECT (SELECT block FROM documents_fts_data WHERE id = 10), (SELECT max(id) FROM documents)"
RANK_SECONDS = 300.0  # how long a query's ranking is kept at most
_RANK_ENTRIES = 64  # rankings kept per database (each: 12 bytes a matching document)
_RANKS = "_workreport_search_ranks"  # an engine's cache
_RANK_LOCK = threading.Lock()


class _Ranked:
    """A query's ranking: the matching documents' ids, best first, and their scores (higher is
    better). On SQLite, FTS5 gives the matches sorted by score; a run of equal scores (the same
    number of matches in texts of the same length, common in a corpus of versions of the same
    reports) is put in order (newest plan year first, then the highest id) only when a page
    reaches into it, and once: a new query's first page orders the runs it shows, not every
    run of thousands of matches."""

    __slots__ = ("_done", "_lock", "ids", "scores", "tied")

    def __init__(self, ids: array[int], scores: array[float], *, tied: bool) -> None:
        self.ids = ids
        self.scores = scores
        self.tied = tied  # whether runs of equal scores may still await their order
        self._done: set[int] = set()  # starts of the runs of equal scores already in order
        self._lock = threading.Lock()

    def page(self, lo: int, hi: int, years: Callable[[list[int]], dict[int, int]]) -> list[int]:
        """The ids of ranks ``lo`` … ``hi - 1``, every run of equal scores they meet in order;
        ``years`` gives some documents' plan years (-1 or missing: none), read through the
        asking session (a ranking is kept across sessions and threads)."""
        n = len(self.ids)
        lo, hi = max(0, min(lo, n)), max(0, min(hi, n))
        if lo >= hi:
            return []
        with self._lock:
            if self.tied:
                self._order(lo, hi, years)
            return list(self.ids[lo:hi])

    def _order(self, lo: int, hi: int, years_of: Callable[[list[int]], dict[int, int]]) -> None:
        s = self.scores  # best first: -s ascends, so a run's ends are found by bisection
        runs: list[tuple[int, int]] = []  # [start, end) of each run of equal scores met
        at = bisect.bisect_left(s, -s[lo], 0, lo + 1, key=operator.neg)
        while at < hi:
            end = bisect.bisect_right(s, -s[at], at, len(s), key=operator.neg)
            if end - at > 1 and at not in self._done:
                runs.append((at, end))
            at = end
        if not runs:
            return
        years = years_of([i for a, b in runs for i in self.ids[a:b]])
        for a, b in runs:
            self.ids[a:b] = array("i", sorted(self.ids[a:b], key=lambda i: (-years.get(i, -1), -i)))
            self._done.add(a)


def _ranking(session: Session, q: str) -> tuple[_Ranked, Callable[[list[int]], dict[int, int]]]:
    """The documents matching ``q``, best first, with their scores (higher is better), and the
    plan years of some documents as read through this session (for ordering runs of ties)."""
    bind: Any = session.get_bind()
    engine = getattr(bind, "engine", bind)
    raw = _sqlite(session)
    version = tuple(raw.execute(_VERSION_SQLITE).fetchone() if raw is not None else session.execute(_VERSION).one())

    def years(tied: list[int]) -> dict[int, int]:
        if raw is None:  # only SQLite's rankings leave ties to order
            return {}
        if len(tied) > CHUNK or _kept_years(engine, version) is not None:
            return _all_years(engine, raw, version)
        return dict(raw.execute(_YEARS.format(_marks(len(tied))), tied))

    with _RANK_LOCK:
        cache: OrderedDict[str, tuple[float, tuple[Any, ...], _Ranked]] | None = getattr(engine, _RANKS, None)
        if cache is None:
            cache = OrderedDict()
            setattr(engine, _RANKS, cache)
        kept = cache.get(q)
        if kept is not None and kept[1] == version and time.monotonic() - kept[0] < RANK_SECONDS:
            cache.move_to_end(q)
            return kept[2], years
    if raw is not None:
        ranked = _fts_ranking(raw, q)
    else:
        scored = _score(session, q)
        order = sorted(scored, key=lambda i: (-scored[i][0], -scored[i][1], -i))
        ranked = _Ranked(array("i", order), array("d", (scored[i][0] for i in order)), tied=False)
    with _RANK_LOCK:
        cache[q] = (time.monotonic(), version, ranked)
        cache.move_to_end(q)
        while len(cache) > _RANK_ENTRIES:
            cache.popitem(last=False)
    return ranked, years


# the matches of a phrase, most relevant first (FTS5's bm25() is lower for the more relevant)
_FTS_RANKED = "SELECT rowid, bm25(documents_fts) FROM documents_fts WHERE documents_fts MATCH ? ORDER BY 2"
_YEARS = (
    "SELECT id, coalesce(plan_year, -1) FROM documents INDEXED BY ix_documents_list WHERE id IN ({})"
)


def _fts_ranking(raw: Any, q: str) -> _Ranked:
    """The ranking of ``q`` as a phrase on SQLite (the same order as :func:`_score`'s): FTS5
    scores and sorts the matches itself, and only documents of equal score are put in order
    here, the newest plan year first, when a page shows them (:class:`_Ranked`). Their years
    come from the covering list index, a few at a time, or from :func:`_all_years` when there
    are many; never from the row, which would read every text (a row's columns after its text
    lie behind its overflow pages). The rows are read one by one into two arrays: a list of
    thousands of row tuples would set off the garbage collector, whose full passes over a
    server's heap stop every request."""
    ids: array[int] = array("i")
    scores: array[float] = array("d")
    add_id, add_score = ids.append, scores.append
    for rowid, bm in raw.execute(_FTS_RANKED, (fulltext.phrase(q),)):
        add_id(rowid)
        add_score(-bm)
    return _Ranked(ids, scores, tied=True)


_YEARS_KEPT = "_workreport_search_years"  # an engine's note: (version, time, {id: plan year or -1})


def _kept_years(engine: Any, version: tuple[Any, ...]) -> dict[int, int] | None:
    """:func:`_all_years` as kept for this version, if it is."""
    kept = getattr(engine, _YEARS_KEPT, None)
    if kept is not None and kept[0] == version and time.monotonic() - kept[1] < RANK_SECONDS:
        return kept[2]  # type: ignore[no-any-return]
    return None


def _all_years(engine: Any, raw: Any, version: tuple[Any, ...]) -> dict[int, int]:
    """Every document's plan year (-1 if none) from the plan-year index alone, kept like a
    ranking (for :data:`RANK_SECONDS` while the version holds); while it is kept, a page's
    ties take their years from it instead of asking the list index."""
    kept = _kept_years(engine, version)
    if kept is not None:
        return kept
    # row by row: no list of ten thousand tuples for the garbage collector to trace
    years = dict(raw.execute("SELECT id, coalesce(plan_year, -1) FROM documents INDEXED BY ix_documents_plan_year"))
    setattr(engine, _YEARS_KEPT, (version, time.monotonic(), years))
    return years


CHUNK = 500  # ids per IN (…) clause


def _score(session: Session, q: str) -> dict[int, tuple[float, int]]:
    """BM25 of ``q`` as a phrase (higher is better) and the plan year (-1 if none) of every
    document holding it: FTS5's bm25() on SQLite, else the same formula in SQL over the texts
    that hold it."""
    if session.get_bind().dialect.name == "sqlite":
        rows = session.execute(
            text(
                "SELECT f.rowid, bm25(documents_fts), coalesce(d.plan_year, -1)"
                " FROM documents_fts AS f JOIN documents AS d ON d.id = f.rowid"
                " WHERE documents_fts MATCH :p"
            ),
            {"p": fulltext.phrase(q)},
        )
        return {int(i): (-float(b), int(y)) for i, b, y in rows}
    avg = session.scalar(select(func.avg(_LENGTHS.c.chars))) or 1.0
    # each text holding q read twice (LIKE, then replace() for its occurrences) and never
    # measured: its length kept in document_lengths, its size in bytes (octet_length of a
    # stored text reads its header, not the text), the occurrences counted once, in a
    # materialized CTE, not once per mention in the formula. A text is a compressed value
    # that each mention of it decompresses: four mentions took twice as long (3,000 reports)
    body = DocumentRow.text
    holds: Any
    tf: Any
    if q.lower() == q.upper():  # no cased character (Chinese, digits, punctuation): as it is
        holds = body.like(f"%{_escape_like(q)}%", escape="\\")
        tf = (func.octet_length(body) - func.octet_length(func.replace(body, q, ""))) * 1.0 / len(q.encode("utf-8"))
    else:
        # case aside, as SQLite's index folds it: a case-insensitive regular expression, which
        # pg_trgm's index serves as it serves LIKE. ILIKE would lower() each whole text to
        # compare it, and counting in lower() of it again took twice as long (2,940 rows, the
        # 140 bench reports copied 21 times, 1,197 holding "gdp": 2.1 s against 0.9-1.3 s in
        # psql; through search(), 2.0-3.3 s against 0.5-0.6 s; a case-sensitive "GDP" 0.5 s)
        pattern = _escape_regex(q)
        holds, tf = body.op("~*")(pattern), func.regexp_count(body, pattern, 1, "i")
    counted = (
        select(
            DocumentRow.id.label("id"),
            tf.label("tf"),
            func.coalesce(_LENGTHS.c.chars, func.char_length(body)).label("chars"),
            func.coalesce(DocumentRow.plan_year, -1).label("year"),
        )
        .outerjoin_from(DocumentRow, _LENGTHS, _LENGTHS.c.document_id == DocumentRow.id)
        .where(holds)
        .cte("counted")
        .prefix_with("MATERIALIZED")
    )
    rows = session.execute(
        select(counted.c.id, _bm25_sql(counted.c.tf, counted.c.chars, float(avg)), counted.c.year)
    )
    return {int(i): (float(b or 0.0), int(y)) for i, b, y in rows}


def _texts(session: Session, ids: list[int]) -> dict[int, bytes]:
    """These documents' texts as UTF-8 bytes (no decoding of whole reports: only the
    passages shown are decoded)."""
    raw = _sqlite(session)
    if raw is not None:
        sql = f"SELECT id, CAST(text AS BLOB) FROM documents WHERE id IN ({_marks(len(ids))})"
        return dict(raw.execute(sql, ids).fetchall())
    dialect = session.get_bind().dialect.name
    if dialect not in _TEXTS:
        blob: Any = (
            func.convert_to(DocumentRow.text, "UTF8")
            if dialect == "postgresql"
            else cast(DocumentRow.text, LargeBinary)
        )
        _TEXTS[dialect] = select(DocumentRow.id, blob).where(
            DocumentRow.id.in_(bindparam("ids", expanding=True))
        )
    return {int(i): bytes(b) for i, b in session.execute(_TEXTS[dialect], {"ids": ids})}


_TEXTS: dict[str, Any] = {}


def utf8_passages(data: bytes, q: str, *, context: int = 30, limit: int = 3) -> list[tuple[str, str, str]]:
    """Up to ``limit`` distinct passages around the matches of ``q`` in the UTF-8 text
    ``data``: (before, match, after), ``context`` characters each side, the match as the text
    spells it. Case aside, as a search finds it (SQLite's index and PostgreSQL's ``~*`` fold
    case): a search for ``gdp`` shows the report's ``GDP``. A match inside the passage before it
    is not a passage of its own (three matches in one sentence gave three nearly equal
    passages), nor is a passage equal to one already taken (whitespace aside), so a text
    repeated on a page yields it once."""
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    shown_to = -1  # where the last passage taken ends, in the units its matches are found in
    # a query without cased characters (Chinese, digits, punctuation) is found in the bytes
    # as they are, with no decoding of the whole report
    found = _byte_matches(data, q, context) if q.lower() == q.upper() else _folded_matches(data, q, context)
    for at, end, (before, match, after) in found:
        if at < shown_to:
            continue
        key = _SPACE.sub("", before + match + after)
        if key not in seen:
            seen.add(key)
            out.append((before, match, after))
            shown_to = end
            if len(out) >= limit:
                break
    return out


def _byte_matches(data: bytes, q: str, context: int) -> Iterator[tuple[int, int, tuple[str, str, str]]]:
    needle = q.encode("utf-8")
    span = 4 * context  # bytes enough for ``context`` characters (a character is 1–4 bytes)
    at = data.find(needle) if needle else -1
    while at >= 0:
        end = at + len(needle)
        # a window cut inside a character loses only that character, which lies beyond the context
        before = data[max(0, at - span) : at].decode("utf-8", "ignore")[-context:] if context else ""
        after = data[end : end + span].decode("utf-8", "ignore")[:context]
        yield at, end + len(after.encode("utf-8")), (before, q, after)
        at = data.find(needle, end)


def _folded_matches(data: bytes, q: str, context: int) -> Iterator[tuple[int, int, tuple[str, str, str]]]:
    body = data.decode("utf-8", "replace")
    for m in re.finditer(re.escape(q), body, re.IGNORECASE):
        start, end = m.span()
        if start == end:
            return
        after = body[end : end + context]
        yield start, end + len(after), (body[max(0, start - context) : start], m.group(), after)


def passages(text_: str, q: str, *, context: int = 30, limit: int = 3) -> list[tuple[str, str, str]]:
    """:func:`utf8_passages` of a text given as a string."""
    return utf8_passages(text_.encode("utf-8"), q, context=context, limit=limit)


_SPACE = re.compile(r"\s+")


def audit_log(db: Database, *, limit: int = 50) -> list[dict[str, Any]]:
    """The newest ``limit`` entries of the audit log, newest first."""
    if limit < 1:  # SQLite reads LIMIT -1 as no limit at all
        raise InputError("limit must be at least 1")
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


# --------------------------------------------------------------------------- the tracker, read


def track_page(
    db: Database,
    *,
    jurisdiction: str | None = None,
    period: int | None = None,
    page: int = 1,
    per_page: int = 100,
) -> Page[dict[str, Any]]:
    """One page of the stored ratings of numeric targets, as ``workreport.track.track`` gives
    them (``TrackRow.to_dict()``), with each document named by its source. Only what the rows
    show is read: the page's commitments with their place's name, the target fact's quote and
    hedge, and the two documents' names, never a text; the page and its count come from the
    targets index (migration 0007). The ratings are the stored ones (``track`` rates any target
    an older database left unrated; the registry rates every target it stores)."""
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise InputError(f"page must be >= 1 and per_page between 1 and {MAX_PER_PAGE}")
    with db.read() as session:
        params: dict[str, Any] = {"lim": per_page, "off": (page - 1) * per_page}
        if jurisdiction is not None:
            params["jid"] = find_jurisdiction(session, jurisdiction).id
        if period is not None:
            params["period"] = period
        count, rows = _track_statements(jurisdiction is not None, period is not None)
        total = int(session.scalar(count, params) or 0)
        items = [_track_dict(r) for r in session.execute(rows, params)] if total else []
        return Page(items, page, per_page, total)


_TRACK_STATEMENTS: dict[tuple[bool, bool], tuple[Any, Any]] = {}


def _track_statements(by_place: bool, by_period: bool) -> tuple[Any, Any]:
    """The count and the page statements for these filters, built once (their parameters are
    bound at each call: building a statement costs more than running it)."""
    key = (by_place, by_period)
    if key not in _TRACK_STATEMENTS:
        c = CommitmentRow.__table__
        where = [c.c.type == "target", c.c.retired == False]  # noqa: E712 - SQL, and indexable on both engines
        if by_place:
            where.append(c.c.jurisdiction_id == bindparam("jid"))
        if by_period:
            where.append(c.c.period == bindparam("period"))
        ids = (
            select(c.c.id)
            .where(*where)
            .order_by(c.c.jurisdiction_id, c.c.period, c.c.id)
            .limit(bindparam("lim"))
            .offset(bindparam("off"))
            .subquery("page")
        )
        j = JurisdictionRow.__table__
        f = FactRow.__table__
        td = DocumentRow.__table__.alias("target_doc")
        od = DocumentRow.__table__.alias("outcome_doc")
        rows = (
            select(
                c,
                j.c.name.label("place"),
                f.c.quote.label("fact_quote"),
                f.c.hedge.label("fact_hedge"),
                td.c.path.label("target_path"),
                od.c.path.label("outcome_path"),
            )
            .select_from(ids.join(c, c.c.id == ids.c.id))
            .outerjoin(j, j.c.id == c.c.jurisdiction_id)
            .outerjoin(f, (f.c.document_id == c.c.document_id) & (f.c.key == c.c.fact_key))
            .outerjoin(td, td.c.id == c.c.document_id)
            .outerjoin(od, od.c.id == c.c.outcome_document_id)
            .order_by(c.c.jurisdiction_id, c.c.period, c.c.id)
        )
        count = select(func.count()).select_from(c).where(*where)
        _TRACK_STATEMENTS[key] = (count, rows)
    return _TRACK_STATEMENTS[key]


def _track_dict(r: Any) -> dict[str, Any]:
    """A stored rating as ``TrackRow.to_dict()`` shows it (documents by their source name)."""
    target = {
        "value": r.value,
        "value_max": r.value_max,
        "unit": r.unit,
        "measure": r.measure,
        "comparator": r.comparator,
        "hedge": r.fact_hedge if r.fact_hedge is not None else r.hedge,
        "classifier": r.classifier,
        "quote": r.fact_quote,
        "document": source_name(r.target_path) if r.target_path is not None else None,
        "document_id": r.document_id,
        "start": r.start,
        "end": r.end,
    }
    outcome = None
    if r.outcome_id is not None:
        outcome = {
            "value": r.outcome_value,
            "value_max": r.outcome_value_max,
            "unit": r.unit,
            "measure": r.measure,
            "quote": r.outcome_quote,
            "document": source_name(r.outcome_path) if r.outcome_path is not None else None,
            "document_id": r.outcome_document_id,
            "start": r.outcome_start,
            "end": r.outcome_end,
            "kind": r.outcome_kind,
            "source": r.outcome_source,
        }
    return {
        "commitment_id": r.id,
        "jurisdiction": r.place,
        "indicator_id": r.indicator_id,
        "indicator": r.indicator,
        "period": r.period,
        "target": target,
        "outcome": outcome,
        "status": r.status or "not_yet_due",
        "provisional": bool(r.provisional),
        "rule": r.rule or "",
        "rater": r.rater or "rules",
        "match": r.match,
        "review": r.review,
        "candidates": list(r.candidates or []),
    }
