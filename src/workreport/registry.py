"""The registry: reports in, facts, commitments and observations stored, people's edits kept.

Every operation takes an open :class:`~workreport.store.Database`. Ingestion is one
transaction per document and idempotent by content hash; corrections and manual
assessments live in their own tables and are re-applied after any re-extraction, and every
change a person makes is written to the audit log.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .core import Document, Fact, Structure
from .errors import InputError, NotFoundError, WorkreportError
from .extract import extract
from .jurisdictions import Jurisdiction
from .jurisdictions import load as load_jurisdictions
from .read import read
from .resolve import fact_keys, resolve
from .store import (
    AssessmentRow,
    AuditRow,
    CommitmentRow,
    CorrectionRow,
    Database,
    DocumentRow,
    FactRow,
    JurisdictionRow,
    ObservationRow,
)
from .structure import level_of
from .structure import structure as structure_of
from .version import __version__

EXTRACTOR_VERSION = __version__
STATUSES = ("met", "partly", "missed", "unknown", "not_yet_due")
TASK_STATUSES = ("planned", "in_progress", "done", "delayed", "dropped")
CORRECTABLE = {
    "value": float,
    "value_max": float,
    "unit": str,
    "measure": str,
    "comparator": str,
    "kind": str,
    "indicator": str,
    "indicator_id": str,
    "hedge": str,
    "period": int,
    "scope": str,
    "classifier": str,
}


# --------------------------------------------------------------------------- jurisdictions


def seed_jurisdictions(session: Session) -> None:
    """Load the shipped registry of jurisdictions into an empty table, parents first, in one go."""
    if session.scalar(select(func.count()).select_from(JurisdictionRow)):
        return
    if session.get_bind().dialect.name == "postgresql":
        # two first ingests must not both seed: the second waits here, then finds the rows
        session.execute(text("SELECT pg_advisory_xact_lock(727273)"))
        if session.scalar(select(func.count()).select_from(JurisdictionRow)):
            return
    registry = load_jurisdictions()
    ids: dict[Jurisdiction, int] = {}
    rows: list[dict[str, Any]] = []
    pending = list(registry)
    while pending:
        rest = []
        for j in pending:
            parent = registry.parent(j)
            if parent is not None and parent not in ids:
                rest.append(j)
                continue
            ids[j] = len(ids) + 1
            rows.append(
                {
                    "id": ids[j],
                    "code": j.code,
                    "name": j.name,
                    "level": j.level,
                    "parent_id": ids[parent] if parent is not None else None,
                    "aliases": "|".join(j.aliases),
                }
            )
        if len(rest) == len(pending):
            raise WorkreportError(f"jurisdictions without a known parent: {[j.name for j in rest[:5]]}")
        pending = rest
    session.execute(insert(JurisdictionRow), rows)
    if session.get_bind().dialect.name == "postgresql":
        # ids were given explicitly: move the sequence past them for zones registered later
        session.execute(
            text("SELECT setval(pg_get_serial_sequence('jurisdictions', 'id'), :n)"), {"n": len(rows)}
        )


def _row_for(session: Session, j: Jurisdiction) -> JurisdictionRow | None:
    if j.code:
        return session.scalar(select(JurisdictionRow).where(JurisdictionRow.code == j.code))
    return session.scalar(select(JurisdictionRow).where(JurisdictionRow.name == j.name).limit(1))


def jurisdiction_id(session: Session, name: str | None, context: JurisdictionRow | None = None) -> int | None:
    """The id of the jurisdiction ``name`` names, seen from ``context`` (the report's own).

    A name the shipped registry does not know (a zone such as 兰州高新区) is registered under
    the report's jurisdiction, so its facts still have a place to belong to."""
    if not name:
        return context.id if context is not None else None
    registry = load_jurisdictions()
    j = registry.resolve(name, context=context.name if context is not None else None)
    if j is None and context is not None:
        j = registry.resolve(name)
    if j is not None:
        row = _row_for(session, j)
        if row is not None:
            return row.id
    existing = session.scalar(
        select(JurisdictionRow).where(
            JurisdictionRow.name == name,
            JurisdictionRow.parent_id == (context.id if context is not None else None),
        )
    )
    if existing is not None:
        return existing.id
    if context is None and level_of(name) != "national":
        return None
    row = JurisdictionRow(
        code=None,
        name=name,
        level=level_of(name) or "zone",
        parent_id=context.id if context is not None else None,
        aliases="",
    )
    session.add(row)
    session.flush()
    return row.id


def find_jurisdiction(session: Session, name: str) -> JurisdictionRow:
    registry = load_jurisdictions()
    j = registry.resolve(name)
    row = _row_for(session, j) if j is not None else None
    if row is None:
        row = session.scalar(select(JurisdictionRow).where(JurisdictionRow.name == name).limit(1))
    if row is None:
        raise NotFoundError(f"no jurisdiction called {name!r}")
    return row


# --------------------------------------------------------------------------- ingest


@dataclass(slots=True)
class IngestResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        return (
            f"added {len(self.added)}, updated {len(self.updated)}, unchanged {len(self.unchanged)}, "
            f"failed {len(self.failed)}"
        )


SUFFIXES = (".txt", ".text", ".html", ".htm", ".docx", ".pdf")


def expand(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files and folders (recursively) to ingest, in a stable order."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file() and f.suffix.lower() in SUFFIXES and not f.name.startswith(".")
                )
            )
        else:
            out.append(p)
    return out


def ingest(
    db: Database,
    paths: Iterable[str | os.PathLike[str]],
    *,
    progress: Callable[[Path], None] | None = None,
) -> IngestResult:
    """Read, extract and store every file; one transaction per document."""
    result = IngestResult()
    with db.session() as session:
        seed_jurisdictions(session)
    for path in expand(paths):
        if progress is not None:
            progress(path)
        try:
            doc = read(path)
        except WorkreportError as exc:
            result.failed.append((str(path), exc.message))
            continue
        try:
            status = ingest_document(db, doc)
        except WorkreportError as exc:
            result.failed.append((str(path), exc.message))
            continue
        getattr(result, status).append(str(path))
    return result


def ingest_document(db: Database, doc: Document) -> str:
    """Store one document: ``added``, ``updated`` (re-extracted by a newer extractor) or ``unchanged``."""
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
                existing = session.scalar(select(DocumentRow).where(DocumentRow.sha256 == doc.sha256))
                if existing is not None and existing.extractor_version == EXTRACTOR_VERSION:
                    return "unchanged"
                if existing is None:
                    row = _document_row(session, doc, st)
                    session.add(row)
                    session.flush()
                    _store_extraction(session, row, doc, st, facts)
                    return "added"
                _update_document(session, existing, doc, st)
                _store_extraction(session, existing, doc, st, facts)
                return "updated"
        except IntegrityError:
            # another process stored the same document first; look again
            if attempt == 1:
                raise
    return "unchanged"  # pragma: no cover


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
    for f, key in zip(facts, keys, strict=True):
        for fld, value in corrections.get(key, {}).items():
            setattr(f, fld, value)
        if f.scope not in scope_ids:
            scope_ids[f.scope] = (
                jurisdiction_id(session, f.scope, own) if f.scope else (own.id if own else None)
            )
        session.add(
            FactRow(
                document_id=row.id,
                key=key,
                start=f.start,
                end=f.end,
                quote=f.quote,
                value=f.value,
                value_max=f.value_max,
                unit=f.unit,
                measure=f.measure,
                comparator=f.comparator,
                kind=f.kind,
                indicator=f.indicator,
                indicator_id=f.indicator_id,
                hedge=f.hedge,
                period=f.period,
                scope=f.scope,
                jurisdiction_id=scope_ids[f.scope],
                classifier=f.classifier,
                section=list(f.section),
                sentence_start=f.sentence_start,
                sentence_end=f.sentence_end,
                extractor_version=EXTRACTOR_VERSION,
                corrected=key in corrections,
            )
        )
    resolution = resolve(doc, st, facts)
    for o in resolution.observations:
        session.add(
            ObservationRow(
                jurisdiction_id=scope_ids.get(o.scope, own.id if own else None),
                indicator_id=o.indicator_id,
                indicator=o.indicator,
                period=o.period,
                measure=o.measure,
                unit=o.unit,
                value=o.value,
                value_max=o.value_max,
                comparator=o.comparator,
                kind=o.kind,
                document_id=row.id,
                fact_key=o.fact_key,
                source="fact",
            )
        )
    existing = {
        c.key: c for c in session.scalars(select(CommitmentRow).where(CommitmentRow.document_id == row.id))
    }
    seen = set()
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
            "text": c.text,
            "start": c.start,
            "end": c.end,
            "retired": False,
        }
        if c.key in existing:
            for k, v in values.items():
                setattr(existing[c.key], k, v)
        else:
            session.add(CommitmentRow(document_id=row.id, key=c.key, **values))
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


# --------------------------------------------------------------------------- people in the loop


def _audit(session: Session, who: str, action: str, entity: str, key: str, before: Any, after: Any) -> None:
    session.add(AuditRow(who=who, action=action, entity=entity, entity_key=key, before=before, after=after))


def _no_nul(value: str | None, what: str) -> None:
    if value is not None and "\x00" in value:
        raise InputError(f"{what}: NUL characters are not allowed")


def _coerce(field_name: str, raw: str) -> Any:
    _no_nul(raw, field_name)
    if field_name not in CORRECTABLE:
        raise InputError(
            f"cannot correct {field_name!r}; correctable fields: {', '.join(sorted(CORRECTABLE))}"
        )
    if raw.lower() in ("", "null", "none"):
        return None
    try:
        return CORRECTABLE[field_name](raw)
    except ValueError as exc:
        raise InputError(f"{field_name}={raw!r}: not a {CORRECTABLE[field_name].__name__}") from exc


def correct(db: Database, fact_id: int, changes: dict[str, str], *, who: str) -> FactRow:
    """Change fields of a fact; the change is kept across re-ingestion and re-extraction."""
    values = {k: _coerce(k, v) for k, v in changes.items()}
    with db.session() as session:
        fact = session.get(FactRow, fact_id)
        if fact is None:
            raise NotFoundError(f"no fact with id {fact_id}")
        before = {k: getattr(fact, k) for k in values}
        for k, v in values.items():
            session.add(
                CorrectionRow(document_id=fact.document_id, fact_key=fact.key, field=k, value=v, author=who)
            )
            setattr(fact, k, v)
        fact.corrected = True
        _audit(session, who, "correct", "fact", f"{fact.document_id}/{fact.key}", before, values)
        session.flush()
        session.expunge(fact)
        return fact


def assess(
    db: Database,
    commitment_id: int,
    status: str,
    *,
    who: str,
    note: str | None = None,
    evidence: str | None = None,
) -> AssessmentRow:
    """A person's assessment of a commitment; it outranks the rules' rating and is never overwritten."""
    allowed = STATUSES + TASK_STATUSES
    _no_nul(note, "note")
    _no_nul(evidence, "evidence")
    if status not in allowed:
        raise InputError(f"unknown status {status!r}; use one of {', '.join(allowed)}")
    with db.session() as session:
        c = session.get(CommitmentRow, commitment_id)
        if c is None:
            raise NotFoundError(f"no commitment with id {commitment_id}")
        row = AssessmentRow(
            commitment_id=c.id,
            status=status,
            provisional=False,
            rule="manual",
            rater=who,
            evidence={"note": evidence} if evidence else {},
            note=note,
        )
        session.add(row)
        before = c.status
        if c.type != "target":
            c.status = status
        _audit(
            session,
            who,
            "assess",
            "commitment",
            str(c.id),
            {"status": before},
            {"status": status, "note": note},
        )
        session.flush()
        session.expunge(row)
        return row


# --------------------------------------------------------------------------- CSV imports


OBSERVATION_COLUMNS = (
    "jurisdiction",
    "indicator_id",
    "period",
    "measure",
    "unit",
    "value",
    "comparator",
    "kind",
)
ASSESSMENT_COLUMNS = ("commitment_id", "status")


@dataclass(slots=True)
class ImportResult:
    rows: int
    written: int
    dry_run: bool


def import_observations(
    db: Database, path: str | os.PathLike[str], *, who: str, dry_run: bool = False
) -> ImportResult:
    """Observations from CSV (columns: jurisdiction, indicator_id, period, measure, unit, value
    [, value_max, comparator, kind, indicator, note]); all rows or none."""
    rows = _read_csv(path, OBSERVATION_COLUMNS[:6])
    problems: list[str] = []
    parsed: list[dict[str, Any]] = []
    with db.session() as session:
        seed_jurisdictions(session)
        for n, r in rows:
            try:
                juris = find_jurisdiction(session, r["jurisdiction"].strip())
                parsed.append(
                    {
                        "jurisdiction_id": juris.id,
                        "indicator_id": r["indicator_id"].strip() or None,
                        "indicator": (r.get("indicator") or "").strip() or None,
                        "period": int(r["period"]),
                        "measure": _choice(
                            r["measure"], ("level", "growth", "share", "change", "change_pp", "rank")
                        ),
                        "unit": r["unit"].strip(),
                        "value": float(r["value"]),
                        "value_max": float(r["value_max"]) if (r.get("value_max") or "").strip() else None,
                        "comparator": _choice(r.get("comparator") or "=", ("=", ">=", "<=", "~", "range")),
                        "kind": _choice(r.get("kind") or "actual", ("actual", "estimate")),
                        "note": (r.get("note") or "").strip() or None,
                    }
                )
            except (ValueError, KeyError, WorkreportError) as exc:
                problems.append(f"{path}:{n}: {getattr(exc, 'message', exc)}")
        if problems:
            raise InputError(
                f"{len(problems)} of {len(rows)} rows are not valid; nothing was imported",
                path=str(path),
                problems=problems,
            )
        if not dry_run:
            for p in parsed:
                session.add(ObservationRow(source="csv", **p))
            _audit(session, who, "import", "observations", str(path), None, {"rows": len(parsed)})
    return ImportResult(len(rows), 0 if dry_run else len(parsed), dry_run)


def import_assessments(
    db: Database, path: str | os.PathLike[str], *, who: str, dry_run: bool = False
) -> ImportResult:
    """Assessments from CSV (columns: commitment_id, status [, note, evidence]); all rows or none."""
    rows = _read_csv(path, ASSESSMENT_COLUMNS)
    problems: list[str] = []
    with db.session() as session:
        for n, r in rows:
            try:
                cid = int(r["commitment_id"])
                if session.get(CommitmentRow, cid) is None:
                    raise InputError(f"no commitment with id {cid}")
                _choice(r["status"], STATUSES + TASK_STATUSES)
            except (ValueError, WorkreportError) as exc:
                problems.append(f"{path}:{n}: {getattr(exc, 'message', exc)}")
        if problems:
            raise InputError(
                f"{len(problems)} of {len(rows)} rows are not valid; nothing was imported",
                path=str(path),
                problems=problems,
            )
    if not dry_run:
        with db.session() as session:
            for _, r in rows:
                c = session.get(CommitmentRow, int(r["commitment_id"]))
                assert c is not None
                status = r["status"].strip()
                session.add(
                    AssessmentRow(
                        commitment_id=c.id,
                        status=status,
                        provisional=False,
                        rule="manual",
                        rater=who,
                        evidence={"note": r.get("evidence")} if r.get("evidence") else {},
                        note=(r.get("note") or None),
                    )
                )
                if c.type != "target":
                    c.status = status
            _audit(session, who, "import", "assessments", str(path), None, {"rows": len(rows)})
    return ImportResult(len(rows), 0 if dry_run else len(rows), dry_run)


def _choice(raw: str, allowed: Sequence[str]) -> str:
    value = raw.strip()
    if value not in allowed:
        raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _read_csv(path: str | os.PathLike[str], required: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8 text", path=str(path)) from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"missing columns: {', '.join(missing)}", path=str(path))
    rows = [(n, r) for n, r in enumerate(reader, start=2)]
    if not rows:
        raise InputError("no rows", path=str(path))
    return rows


# --------------------------------------------------------------------------- reading back


def info(db: Database) -> dict[str, Any]:
    with db.session() as session:
        count = {
            t.__tablename__: session.scalar(select(func.count()).select_from(t))
            for t in (
                DocumentRow,
                FactRow,
                CommitmentRow,
                ObservationRow,
                AssessmentRow,
                CorrectionRow,
                JurisdictionRow,
            )
        }
    return {"database": db.safe_url, "extractor_version": EXTRACTOR_VERSION, "rows": count}
