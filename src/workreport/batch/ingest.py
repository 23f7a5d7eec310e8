"""``ingest_corpus``: a corpus into the database, extraction in workers, writes in batched transactions."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from workreport.batch.corpus import FLUSH_SECONDS
from workreport.batch.progress import Progress
from workreport.batch.runner import TASKS_PER_WORKER, Job, Parsed, Runner, check_workers, parse_document
from workreport.errors import InputError, ReadError, WorkreportError
from workreport.pipeline.read import open_bytes
from workreport.pipeline.sources import iter_sources
from workreport.pipeline.tables import ROW_SUFFIX, Columns, check_table, is_table, iter_rows
from workreport.version import EXTRACTOR_VERSION

if TYPE_CHECKING:
    from workreport.registry import IngestResult
    from workreport.store import Database

INGEST_BATCH = 50  # documents per database transaction


# --------------------------------------------------------------------------- ingest_corpus



def ingest_corpus(
    db_url: str | Database | None,
    inputs: Iterable[str | os.PathLike[str]],
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    batch_size: int = INGEST_BATCH,
    in_flight: int | None = None,
    columns: Columns | None = None,
    tables: bool = False,
) -> IngestResult:
    """Ingest every report ``inputs`` name into the database: reading and extraction in
    ``workers`` processes, the writes here, ``batch_size`` documents a transaction and each
    document all or nothing (a savepoint). Documents whose content is already stored by this
    extractor version are skipped without being extracted (``unchanged``), so an interrupted
    ingest, run again, picks up where it stopped. Documents are stored in input order, as
    :func:`workreport.registry.documents` stores them. ``db_url``: a URL (the database is opened
    and closed here), or an open :class:`~workreport.store.Database`.

    A table of reports (.csv .tsv .parquet .jsonl .ndjson; in folders only with ``tables``)
    gives one document per row (:mod:`workreport.pipeline.tables`), its text and metadata from
    the ``columns``; a table without its text column is an InputError before anything is done."""
    from workreport.store import Database

    n_workers = check_workers(workers)
    if batch_size < 1:
        raise InputError(f"batch_size must be 1 or more, not {batch_size}")
    if isinstance(db_url, Database):
        return _ingest_into(db_url, inputs, n_workers, progress, batch_size, in_flight, columns, tables)
    db = Database(db_url)
    try:
        return _ingest_into(db, inputs, n_workers, progress, batch_size, in_flight, columns, tables)
    finally:
        db.close()


def _ingest_into(  # noqa: C901  (one ingest run: the job feed and the batched commits share its counts and progress)
    db: Database,
    inputs: Iterable[str | os.PathLike[str]],
    n_workers: int,
    progress: Progress | None,
    batch_size: int,
    in_flight: int | None,
    columns: Columns | None = None,
    tables: bool = False,
) -> IngestResult:
    from sqlalchemy import select
    from sqlalchemy.exc import IntegrityError

    from workreport import registry
    from workreport.store import DocumentRow

    result = registry.IngestResult()
    with db.session() as session:
        registry.seed_jurisdictions(session)
        stored = {
            sha: version
            for sha, version in session.execute(select(DocumentRow.sha256, DocumentRow.extractor_version))
        }
    paths = [os.fspath(p) for p in iter_sources(inputs, tables=tables)]
    # a table's rows are its documents; its columns are checked before anything is done
    total = sum(check_table(p, columns) if is_table(p) else 1 for p in paths)
    finished = 0
    done_bytes = 0

    def tick(size: int) -> None:
        nonlocal finished, done_bytes
        finished += 1
        done_bytes += size
        if progress is not None:
            progress(finished, total, done_bytes)

    seen: set[str] = set()

    def row_jobs(path: str) -> Iterator[Job]:
        try:
            for row in iter_rows(path, columns):
                if row.error is not None:
                    result.failed.append((row.name, row.error))
                    tick(0)
                    continue
                data, sha = row.data, row.sha256
                if stored.get(sha) == EXTRACTOR_VERSION or sha in seen:
                    result.unchanged.append(row.name)
                    tick(len(data))
                    continue
                seen.add(sha)
                yield Job(row.name, len(data), 0, sha, data, ROW_SUFFIX)
        except ReadError as exc:
            result.failed.append((path, exc.message))

    def jobs() -> Iterator[Job]:
        for path in paths:
            if is_table(path):
                yield from row_jobs(path)
                continue
            try:
                data = open_bytes(path)
            except ReadError as exc:
                result.failed.append((path, exc.message))
                tick(0)
                continue
            sha = hashlib.sha256(data).hexdigest()
            if stored.get(sha) == EXTRACTOR_VERSION or sha in seen:
                result.unchanged.append(path)
                tick(len(data))
                continue
            seen.add(sha)
            yield Job(path, len(data), 0, sha, data)

    def store_one(session: Any, p: Parsed, lost: list[str]) -> str:
        assert p.doc is not None and p.structure is not None
        return registry.store_document(session, p.doc, p.structure, p.facts, lost)

    def commit(batch: list[tuple[Job, Parsed]]) -> None:
        statuses: list[tuple[Job, str, str | None]] = []
        unplaced: list[tuple[str, str]] = []
        with db.session() as session:
            for job, p in batch:
                if p.reason is not None:
                    statuses.append((job, "failed", p.reason))
                    continue
                lost: list[str] = []
                try:
                    with session.begin_nested():  # the document whole, or nothing of it
                        statuses.append((job, store_one(session, p, lost), None))
                    unplaced.extend((job.path, what) for what in lost)
                except WorkreportError as exc:
                    statuses.append((job, "failed", exc.message))
                except IntegrityError:
                    # another process stored the same document meanwhile
                    if session.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == job.sha256)) is None:
                        raise
                    statuses.append((job, "unchanged", None))
        result.unplaced += unplaced
        for job, status, reason in statuses:  # counted once the transaction is committed
            if status == "failed":
                result.failed.append((job.path, reason or ""))
            else:
                getattr(result, status).append(job.path)
            tick(job.size)

    def broken(job: Job, reason: str) -> Parsed:
        return Parsed(job.path, reason=reason)

    batch: list[tuple[Job, Parsed]] = []
    last = time.monotonic()
    # enough in flight that the workers keep going while a batch is written
    window = in_flight or batch_size + TASKS_PER_WORKER * n_workers
    with Runner[Parsed](n_workers, None, window) as runner:
        for job, parsed in runner.run(
            parse_document, jobs(), lambda j: (j.path, j.data, j.suffix), broken, ordered=True
        ):
            batch.append((job, parsed))
            if len(batch) >= batch_size or time.monotonic() - last >= 10 * FLUSH_SECONDS:
                commit(batch)
                batch, last = [], time.monotonic()
        if batch:
            commit(batch)
    return result


