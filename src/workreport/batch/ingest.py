"""``ingest_corpus``: a corpus into the database, extraction in workers, writes in batched transactions."""

from __future__ import annotations

import hashlib
import os
import queue
import threading
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from workreport.batch.progress import Progress
from workreport.batch.runner import TASKS_PER_WORKER, Job, Parsed, Runner, check_workers, parse_document
from workreport.errors import InputError, ReadError, StoreError
from workreport.pipeline.read import open_bytes
from workreport.pipeline.sources import checked_sources
from workreport.pipeline.tables import ROW_SUFFIX, Columns, is_table, iter_rows
from workreport.version import EXTRACTOR_VERSION

if TYPE_CHECKING:
    from workreport.model import Document, Structure
    from workreport.pipeline.rows import Prepared
    from workreport.registry import IngestResult
    from workreport.store import Database

WORKER_NICE = 5  # the ingest workers' niceness, added to this process's
INGEST_BATCH = 50  # documents per database transaction at most …
COMMIT_SECONDS = 2.0  # … and a transaction open this long at most: it holds the write lock
FEED_ROOM = 8  # results handed over and not yet stored, at most (the runner's window holds the rest)
TRANSIENT_RETRIES = 3  # a batch rolled back for a deadlock is written again this many times at most


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
    and closed here), or an open :class:`~workreport.store.Database`. ``progress(done, total,
    bytes)``: after each committed batch (its reports at once) and each report skipped or
    unreadable.

    A table of reports (.csv .tsv .parquet .jsonl .ndjson; in folders only with ``tables``)
    gives one document per row (:mod:`workreport.pipeline.tables`), its text and metadata from
    the ``columns``; a table without its text column is an InputError before anything is done."""
    from workreport.store import Database

    n_workers = check_workers(workers)
    if batch_size < 1:
        raise InputError(f"batch_size must be 1 or more, not {batch_size}")
    paths, total = checked_sources(inputs, tables=tables, columns=columns)  # before a worker starts
    # enough in flight that the workers keep going while a batch is written
    window = in_flight or batch_size + TASKS_PER_WORKER * n_workers
    # the workers yield the CPU to the one writer, the pipeline's narrowest part: with as many
    # workers as cores, the writer would otherwise get a share of a core, and more workers
    # would make the ingest slower, not faster
    with Runner[Parsed](n_workers, None, window, nice=WORKER_NICE) as runner:
        runner.start()  # the workers start up while the database opens
        if isinstance(db_url, Database):
            return _ingest_into(db_url, paths, total, runner, progress, batch_size, columns)
        db = Database(db_url)
        try:
            return _ingest_into(db, paths, total, runner, progress, batch_size, columns)
        finally:
            db.close()


def _ingest_into(  # noqa: C901  (one ingest run: the job feed and the batched commits share its counts and progress)
    db: Database,
    paths: list[str],
    total: int,
    runner: Runner[Parsed],
    progress: Progress | None,
    batch_size: int,
    columns: Columns | None = None,
) -> IngestResult:
    """The ingest of ``paths`` (report files and tables, as :func:`iter_sources` names them;
    ``total`` documents in all) into ``db``, the reports read and extracted by ``runner``."""
    from sqlalchemy import select

    from workreport import registry
    from workreport.registry.documents import store_documents
    from workreport.store import DocumentRow
    from workreport.store.database import is_transient

    result = registry.IngestResult()
    with db.read() as session:  # from an index (ix_documents_stored), not the rows and their texts
        stored = {
            sha: version
            for sha, version in session.execute(select(DocumentRow.sha256, DocumentRow.extractor_version))
        }
    finished = 0
    done_bytes = 0

    counting = threading.Lock()  # the feed's thread counts what it skips, this one what it stores

    def tick(size: int, n: int = 1) -> None:
        nonlocal finished, done_bytes
        with counting:
            finished += n
            done_bytes += size
            if progress is not None:
                progress(finished, total, done_bytes)

    seen: set[str] = set()
    committed = [0]  # reports stored by the transactions committed so far

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

    # the places are seeded (on a new database: the gazetteer read, 3,000 rows written) while
    # the workers start and read the first reports, instead of by the first commit, after them
    seeding = _Seeding(db)

    def ready(batch: list[tuple[Job, Parsed]]) -> Iterator[tuple[Job, Document, Structure, Prepared | None]]:
        # the reports read and extracted: the ones handed to the store, in batch order
        for job, p in batch:
            if p.doc is not None and p.structure is not None and p.reason is None:
                yield job, p.doc, p.structure, p.prepared

    def storable(batch: list[tuple[Job, Parsed]]) -> Iterator[tuple[str, Document, Structure, None, Prepared | None]]:
        for job, doc, st, prepared in ready(batch):
            yield job.sha256, doc, st, None, prepared

    def arrivals(
        first: tuple[Job, Parsed], batch: list[tuple[Job, Parsed]], feed: _Feed
    ) -> Iterator[tuple[str, Document, Structure, None, Prepared | None]]:
        # each result stored as it comes, until the batch is full or its time is up: the writer
        # starts with the first report, not once 50 are waiting, and what is left to write when
        # the workers are done is one batch's index and ratings
        deadline = time.monotonic() + COMMIT_SECONDS
        came: tuple[Job, Parsed] | None = first
        while came is not None:
            batch.append(came)
            yield from storable([came])
            if len(batch) >= batch_size:
                return
            came = feed.next(deadline - time.monotonic())

    def write(batch: list[tuple[Job, Parsed]], first: tuple[Job, Parsed], feed: _Feed) -> None:
        # the batch in one transaction, each document whole or not at all (a savepoint), the
        # full-text index and the ratings written once for all of them (the places seeded first)
        for attempt in range(TRANSIENT_RETRIES + 1):
            try:
                with db.session() as session:
                    if attempt == 0:
                        outcomes = store_documents(session, arrivals(first, batch, feed))
                    else:
                        outcomes = store_documents(session, storable(batch))
                break
            except StoreError as exc:
                # two ingests storing the same reports at once (PostgreSQL): one of them is
                # rolled back whole for a deadlock; its batch is simply written again
                if attempt == TRANSIENT_RETRIES or not is_transient(exc):
                    raise
                time.sleep(0.1 * (attempt + 1))
        committed[0] += sum(o.status != "failed" for o in outcomes)  # first: an interrupt may come next
        stored = {id(r[0]): o for r, o in zip(ready(batch), outcomes, strict=True)}
        for job, p in batch:  # counted once the transaction is committed
            o = stored.get(id(job))
            if o is None:
                result.failed.append((job.path, p.reason or "could not be read"))
            elif o.status == "failed":
                result.failed.append((job.path, o.reason or ""))
            else:
                getattr(result, o.status).append(job.path)
                result.unplaced += [(job.path, what) for what in o.unplaced]
        # one step for the batch: a step a report would draw the progress line at the first
        # of 50 reports stored at once, its rate and time left reckoned from that one
        tick(sum(job.size for job, _p in batch), len(batch))

    def broken(job: Job, reason: str) -> Parsed:
        return Parsed(job.path, reason=reason)

    results = runner.run(parse_document, jobs(), lambda j: (j.path, j.data, j.suffix), broken, ordered=True)
    try:
        with seeding, _Feed(results, FEED_ROOM) as feed:
            first = feed.next()
            if first is not None:  # a run that stores nothing writes nothing, not even this
                seeding.wait()  # before the first write
                with db.bulk_load():
                    while first is not None:
                        write([], first, feed)
                        first = feed.next()
    except KeyboardInterrupt as exc:
        # still a KeyboardInterrupt (an `except Exception` must not swallow it), with what is kept
        exc.add_note(
            f"{committed[0]} report(s) stored before it (a batch of up to {batch_size} is stored whole or "
            "not at all); the same command again skips them and stores the rest"
        )
        raise
    if result.added or result.updated or result.replaced:
        db.finish_bulk_load()
    return result


class _Seeding:
    """The registry of places written into a new database in a thread of its own (a no-op on a
    seeded one), started at once; :meth:`wait` (before the first write) joins it and raises
    what it raised. As a context manager it is joined on the way out in any case."""

    def __init__(self, db: Database) -> None:
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = threading.Thread(
            target=self._run, args=(db,), name="workreport-seed-places", daemon=True
        )
        self._thread.start()

    def _run(self, db: Database) -> None:
        from workreport.registry import seed_jurisdictions

        try:
            with db.session() as session:
                seed_jurisdictions(session)
        except BaseException as exc:  # raised again in the caller's thread by wait()
            self._error = exc

    def wait(self) -> None:
        """Join the thread (once) and raise its error, if any."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def __enter__(self) -> _Seeding:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None


class _Feed:
    """The workers' results, taken from the runner by a thread of their own and handed to the
    writer through a queue, so that the writer can wait for the next one with a deadline: a
    batch's transaction (and SQLite's write lock) stays open while its reports arrive, but no
    longer than :data:`COMMIT_SECONDS`, however long a worker takes. What the runner raises
    (in the thread) is raised again by :meth:`next`. Leaving the block stops the thread."""

    _END = object()

    def __init__(self, results: Iterator[tuple[Job, Parsed]], room: int) -> None:
        self._queue: queue.Queue[object] = queue.Queue(maxsize=max(1, room))
        self._stop = threading.Event()
        self._ended = False
        self._thread = threading.Thread(target=self._run, args=(results,), name="workreport-ingest-feed", daemon=True)
        self._thread.start()

    def _run(self, results: Iterator[tuple[Job, Parsed]]) -> None:
        try:
            for item in results:
                if not self._put(item):
                    return
            self._put(self._END)
        except BaseException as exc:  # raised again in the writer's thread by next()
            self._put(_Raised(exc))

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def next(self, timeout: float | None = None) -> tuple[Job, Parsed] | None:
        """The next result, in job order; None once there are no more, or (with ``timeout``)
        when none came within that many seconds."""
        if self._ended:
            return None
        try:
            item = self._queue.get(timeout=None if timeout is None else max(0.0, timeout))
        except queue.Empty:
            return None
        if item is self._END:
            self._ended = True
            return None
        if isinstance(item, _Raised):
            self._ended = True
            raise item.exc
        return item  # type: ignore[return-value]

    def __enter__(self) -> _Feed:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=1.0 if exc[0] is not None else None)


class _Raised:
    """What the feed's thread raised, on its way to the writer's thread."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc
