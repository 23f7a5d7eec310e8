"""Whole corpora: read and extract every report on every core, or on a Dask cluster.

>>> from workreport.batch import extract_corpus, ingest_corpus
>>> extract_corpus(["corpus/"], "out/", workers=8)            # worker processes on this machine
>>> extract_corpus(["corpus/**/*.txt"], "out/", dask="local")  # a Dask LocalCluster
>>> extract_corpus(["corpus/"], "out/", dask="tcp://scheduler:8786")
>>> ingest_corpus("postgresql://…/workreport", ["corpus/"], workers=8)

``extract_corpus`` writes two Hive-partitioned datasets (``year=<plan year>/level=<level>``)
under ``out_dir``: ``facts/`` (one row per fact) and ``documents/`` (one row per document),
as Parquet (or JSON Lines), with their JSON Schemas in ``schemas/``. Each document gets its
own part file, named by the SHA-256 of the file's bytes and written whole (a temporary name,
then a rename), and a line in the append-only ``_manifest.jsonl``, fsynced per batch: a run
that was interrupted, run again, skips what is done and finishes the rest, and its output is
byte for byte that of an uninterrupted run. A document that cannot be read or extracted is a
line in ``_failures.jsonl`` and in the result, never the end of the batch.

Reading and extraction run in worker processes (or on the Dask workers), at most a few tasks
per worker in flight, so memory stays flat however large the corpus; all writing happens in
the calling process. ``ingest_corpus`` does the same for the database: extraction in
workers, writes in batched transactions in the caller, each document all or nothing.

``python -m workreport.batch extract INPUT... OUT [--workers N] [--dask local|ADDRESS]``
and ``python -m workreport.batch ingest INPUT... [--db URL] [--workers N]`` run them.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import hashlib
import importlib
import importlib.util
import json
import multiprocessing
import os
import re
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import quote

from .core import Document, Fact, Structure
from .errors import InputError, WorkreportError
from .extract import extract
from .read import read_bytes
from .structure import structure as structure_of
from .version import __version__

if TYPE_CHECKING:
    from .registry import IngestResult
    from .store import Database

REPORT_SUFFIXES = (".txt", ".text", ".html", ".htm", ".docx", ".pdf")
FORMATS = ("parquet", "jsonl")
EXTRACTOR_VERSION = __version__
MANIFEST = "_manifest.jsonl"
FAILURES = "_failures.jsonl"
SETTINGS = "_batch.json"
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"  # pyarrow's (and Hive's) name for a null partition value
UNKNOWN_LEVEL = "unknown"
TASKS_PER_WORKER = 4  # tasks in flight per worker: enough to keep it busy, little memory
FLUSH_EVERY = 32  # documents per manifest fsync …
FLUSH_SECONDS = 1.0  # … or this long, whichever comes first
INGEST_BATCH = 50  # documents per database transaction
CHUNK_DOCS = 16  # documents per Dask task at most (fewer when the corpus is small) …
CHUNK_BYTES = 1 << 20  # … or this many bytes of them
DIED = "its worker process died (out of memory? a crash?)"

Progress = Callable[[int, int, int], None]  # (documents done, documents in all, bytes done)

# --------------------------------------------------------------------------- published schema


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a published dataset; ``partition`` columns live in the folder names."""

    name: str
    type: str  # string | int32 | int64 | float64
    nullable: bool
    description: str
    partition: bool = False


_SHA = Column("sha256", "string", False, "SHA-256 of the document file's bytes (hex)")
_PATH = Column("path", "string", False, "the document file, as given to the batch")
_JURISDICTION = Column(
    "jurisdiction", "string", True, "the report's own jurisdiction, as written (中国 for the State Council)"
)
_LEVEL = Column(
    "level",
    "string",
    False,
    "level of the jurisdiction: national, province, prefecture, county, new_area, zone, "
    "or unknown; a partition key (folder level=…)",
    partition=True,
)
_YEAR = Column(
    "year",
    "int32",
    True,
    "the year the report's plan part is for (its plan year), null when unknown; a partition key "
    f"(folder year=…, {HIVE_NULL} for null)",
    partition=True,
)

FACT_COLUMNS: tuple[Column, ...] = (
    _SHA,
    _PATH,
    _JURISDICTION,
    _LEVEL,
    _YEAR,
    Column("start", "int64", False, "start of the fact's span: code point offset into the document text"),
    Column("end", "int64", False, "end of the span (exclusive)"),
    Column("quote", "string", False, "the text of the span"),
    Column("value", "float64", False, "the number, normalised to the unit"),
    Column("value_max", "float64", True, "upper end of a range"),
    Column("unit", "string", False, "canonical unit id (FACTS.md §4): CNY, %, pp, person, count, ton …"),
    Column("measure", "string", False, "level, growth, share, change, change_pp, rank, change_rank"),
    Column("comparator", "string", False, "=, >=, <=, ~ or range"),
    Column("kind", "string", False, "target, actual, estimate or other"),
    Column("indicator", "string", False, "what is measured, as written"),
    Column("indicator_id", "string", True, "the indicator's id in the shipped list"),
    Column("hedge", "string", True, "the commitment word as written before the number (力争, 确保, 预计 …)"),
    Column("period", "int32", True, "the year the fact is about"),
    Column("scope", "string", True, "the zone or district the fact is about, if not the report's own"),
    Column("classifier", "string", True, "the counting word of a count (个, 家, 套, 户 …)"),
    Column("section", "string", False, "titles of the enclosing sections, outermost first: a JSON array"),
    Column("sentence_start", "int64", True, "start of the enclosing sentence"),
    Column("sentence_end", "int64", True, "end of the enclosing sentence"),
)
DOCUMENT_COLUMNS: tuple[Column, ...] = (
    _SHA,
    _PATH,
    Column("format", "string", False, "txt, html, docx or pdf"),
    Column("encoding", "string", True, "how a text or HTML file was decoded"),
    Column("title", "string", True, "the report's title"),
    _JURISDICTION,
    _LEVEL,
    Column("delivered", "string", True, "ISO date the report was delivered or published"),
    Column("plan_year", "int32", True, "the year the plan part is for"),
    Column("review_year", "int32", True, "the year the review part reports on"),
    Column("speaker", "string", True, "who delivered the report"),
    Column("source", "string", True, "the publisher of a press reading or a web copy"),
    Column("doc_type", "string", False, "report or press_reading"),
    Column("n_facts", "int64", False, "number of facts extracted"),
    Column("chars", "int64", False, "length of the document text in code points"),
    _YEAR,
)
DATASETS: dict[str, tuple[Column, ...]] = {"facts": FACT_COLUMNS, "documents": DOCUMENT_COLUMNS}
_JSON_TYPES = {"string": "string", "int32": "integer", "int64": "integer", "float64": "number"}


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of one row of dataset ``name`` (``facts`` or ``documents``)."""
    columns = DATASETS[name]
    props: dict[str, Any] = {}
    for c in columns:
        t = _JSON_TYPES[c.type]
        props[c.name] = {"type": [t, "null"] if c.nullable else t, "description": c.description}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"workreport batch {name}",
        "description": (
            f"One row of {name}/ (Hive partitioning: year=<plan year>/level=<level>; the partition "
            "columns live in the folder names, not in the part files)."
        ),
        "type": "object",
        "properties": props,
        "required": [c.name for c in columns if not c.nullable],
        "additionalProperties": False,
        "x-partition-keys": ["year", "level"],
        "x-extractor-version": EXTRACTOR_VERSION,
    }


@cache
def _arrow_schema(name: str, with_partitions: bool) -> Any:
    import pyarrow as pa

    types = {"string": pa.string(), "int32": pa.int32(), "int64": pa.int64(), "float64": pa.float64()}
    return pa.schema(
        [
            pa.field(c.name, types[c.type], nullable=c.nullable)
            for c in DATASETS[name]
            if with_partitions or not c.partition
        ]
    )


def _encode(name: str, rows: list[dict[str, Any]], fmt: str) -> bytes:
    """One part file: ``rows`` of dataset ``name`` without the partition columns."""
    columns = [c.name for c in DATASETS[name] if not c.partition]
    if fmt == "jsonl":
        return "".join(
            json.dumps({k: r[k] for k in columns}, ensure_ascii=False) + "\n" for r in rows
        ).encode("utf-8")
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(
        [{k: r[k] for k in columns} for r in rows], schema=_arrow_schema(name, False)
    )
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def partition(year: int | None, level: str | None) -> str:
    """The Hive partition folder of a document: ``year=2023/level=prefecture``."""
    y = str(year) if year is not None else HIVE_NULL
    lv = level or UNKNOWN_LEVEL
    if not re.fullmatch(r"[a-z_]+", lv):
        lv = quote(lv, safe="")
    return f"year={y}/level={lv}"


def read_dataset(out_dir: str | os.PathLike[str], name: str = "facts") -> Any:
    """Dataset ``name`` (``facts`` or ``documents``) under ``out_dir`` as one ``pyarrow.Table``,
    columns in the published order (partition columns included)."""
    import pyarrow.dataset as ds

    if name not in DATASETS:
        raise InputError(f"unknown dataset {name!r}; use facts or documents")
    settings = _settings(Path(out_dir))
    fmt = settings.get("format", "parquet") if settings else "parquet"
    schema = _arrow_schema(name, True)
    part = ds.partitioning(_partition_schema(), flavor="hive")
    folder = Path(out_dir) / name
    if not folder.exists():
        return schema.empty_table()
    dataset = ds.dataset(
        str(folder), format="json" if fmt == "jsonl" else "parquet", partitioning=part, schema=schema
    )
    # pyarrow's threaded JSON scan can deadlock when its CPU pool has one thread (one core, or
    # OMP_NUM_THREADS=1): scan JSON Lines on this thread
    table = dataset.to_table(use_threads=fmt != "jsonl")
    return table.select([c.name for c in DATASETS[name]])


@cache
def _partition_schema() -> Any:
    import pyarrow as pa

    return pa.schema([pa.field("year", pa.int32()), pa.field("level", pa.string())])


# --------------------------------------------------------------------------- sources


def _has_magic(name: str) -> bool:
    return any(c in name for c in "*?[")


def _walk(folder: Path) -> Iterator[Path]:
    """Report files under ``folder``, depth first, each folder's entries sorted by name (the
    order of ``sorted(folder.rglob(...))``), one folder listing in memory at a time."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        return
    for e in entries:
        if e.name.startswith("."):
            continue
        if e.is_dir(follow_symlinks=False):
            yield from _walk(Path(e.path))
        elif e.is_file() and os.path.splitext(e.name)[1].lower() in REPORT_SUFFIXES:
            yield Path(e.path)


def iter_sources(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """The report files ``inputs`` name, in order: a file as it is; a folder's report files
    (.txt .text .html .htm .docx .pdf, recursively, hidden names left out) sorted; a glob
    (``corpus/**/*.txt``, ``**`` spans folders) its matching files sorted. A path named twice
    comes once. A name that is neither (a missing file) comes as it is, to fail when read."""
    seen: set[str] = set()
    for item in inputs:
        name = os.fspath(item)
        p = Path(name)
        found: Iterable[Path]
        if p.is_dir():
            found = _walk(p)
        elif p.exists() or not _has_magic(name):
            found = (p,)
        else:
            found = sorted(Path(m) for m in glob.iglob(name, recursive=True) if os.path.isfile(m))
        for path in found:
            key = os.path.abspath(path)
            if key in seen:
                continue
            seen.add(key)
            yield path


# --------------------------------------------------------------------------- the work in a worker


@dataclass(slots=True)
class _Outcome:
    """What a worker returns for one document: its part files, or why it failed."""

    path: str
    sha256: str
    reason: str | None = None
    year: int | None = None
    level: str = UNKNOWN_LEVEL
    n_facts: int = 0
    chars: int = 0
    facts: bytes | None = None
    document: bytes | None = None


def _failure(exc: BaseException) -> str:
    if isinstance(exc, WorkreportError):
        return exc.message
    return "internal error: " + " ".join(f"{type(exc).__name__}: {exc}".split())[:500]


def _parse(name: str, data: bytes) -> tuple[Document, Structure, list[Fact]]:
    doc = read_bytes(data, name)
    st = structure_of(doc)
    return doc, st, extract(doc, st)


def extract_part(name: str, data: bytes, sha256: str, fmt: str = "parquet") -> _Outcome:
    """Read and extract one document (in a worker); its facts and document rows, encoded."""
    try:
        doc, st, facts = _parse(name, data)
    except Exception as exc:  # one bad document never stops the batch
        return _Outcome(name, sha256, reason=_failure(exc))
    m = st.metadata
    level = m.level or UNKNOWN_LEVEL
    common = {"sha256": sha256, "path": name, "jurisdiction": m.jurisdiction}
    rows = []
    for f in facts:
        d = f.to_dict()
        d["section"] = json.dumps(d["section"], ensure_ascii=False)
        rows.append({**common, **d})
    document = {
        **common,
        "format": doc.format,
        "encoding": doc.encoding,
        "title": m.title,
        "delivered": m.delivered,
        "plan_year": m.plan_year,
        "review_year": m.review_year,
        "speaker": m.speaker,
        "source": m.source,
        "doc_type": m.doc_type,
        "n_facts": len(facts),
        "chars": len(doc.text),
    }
    return _Outcome(
        name,
        sha256,
        year=m.plan_year,
        level=level,
        n_facts=len(facts),
        chars=len(doc.text),
        facts=_encode("facts", rows, fmt) if rows else None,
        document=_encode("documents", [document], fmt),
    )


@dataclass(slots=True)
class _Parsed:
    """What a worker returns for one document to ingest."""

    path: str
    reason: str | None = None
    doc: Document | None = None
    structure: Structure | None = None
    facts: list[Fact] = field(default_factory=list)


def parse_document(name: str, data: bytes) -> _Parsed:
    """Read, structure and extract one document (in a worker), for the database."""
    try:
        doc, st, facts = _parse(name, data)
    except Exception as exc:
        return _Parsed(name, reason=_failure(exc))
    return _Parsed(name, doc=doc, structure=st, facts=facts)


# --------------------------------------------------------------------------- running in parallel


@dataclass(slots=True)
class _Job:
    path: str
    size: int
    mtime_ns: int
    sha256: str
    data: bytes


def _read_source(path: Path) -> bytes:
    """The file's bytes, with :func:`workreport.read`'s messages when it cannot be opened."""
    name = os.fspath(path)
    if os.path.isdir(name):
        raise InputError("is a directory, not a file", path=name)
    try:
        with open(name, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        raise InputError("no such file", path=name) from None
    except OSError as exc:
        raise InputError(f"cannot be opened: {exc.strerror or exc}", path=name) from None


def _quiet_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


R = TypeVar("R")


class _Runner(Generic[R]):
    """Runs ``fn(*args)`` per job in worker processes or on Dask, at most ``window`` in flight."""

    def __init__(self, workers: int, dask: str | None, window: int | None) -> None:
        self.workers = workers
        self.dask = dask
        self._executor: ProcessPoolExecutor | None = None
        self._client: Any = None
        self._cluster: Any = None
        self._environ: dict[str, str] | None = None
        if dask is not None:
            try:
                self._start_dask(dask)
            except BaseException:
                self.close()
                raise
        self.window = window or TASKS_PER_WORKER * max(1, self.workers)

    def _start_dask(self, address: str) -> None:
        try:
            dist = importlib.import_module("distributed")  # typed loosely: its calls are untyped
        except ImportError as exc:
            raise InputError("--dask needs distributed: pip install 'workreport[dask]'") from exc
        import logging

        if address == "local":
            self._environ = dict(os.environ)  # the nannies set OMP_NUM_THREADS=1 … here: undone in close()
            self._cluster = dist.LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # a free port: 8787 may be taken by another cluster
                silence_logs=logging.CRITICAL,  # shutdown races log errors; failures still raise
            )
            self._client = dist.Client(self._cluster)
        else:
            try:
                self._client = dist.Client(address, timeout="30s")
            except OSError as exc:
                raise InputError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
            try:
                versions = self._client.run(_version)
            except Exception as exc:
                raise InputError(f"the Dask workers at {address} cannot run workreport: {exc}") from exc
            other = sorted({str(v) for v in versions.values()} - {EXTRACTOR_VERSION})
            if other:
                raise InputError(
                    f"the Dask workers at {address} run workreport {', '.join(other)}, not "
                    f"{EXTRACTOR_VERSION}: install the same version on them"
                )
            self.workers = max(1, sum(self._client.nthreads().values()))

    def _new_executor(self) -> ProcessPoolExecutor:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        return ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_quiet_worker)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
        if self._environ is not None:
            for key in set(os.environ) - set(self._environ):
                del os.environ[key]
            os.environ.update(self._environ)
            self._environ = None

    def __enter__(self) -> _Runner[R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(
        self,
        fn: Callable[..., R],
        jobs: Iterable[_Job],
        args: Callable[[_Job], tuple[Any, ...]],
        broken: Callable[[_Job, str], R],
        *,
        ordered: bool = False,
        total: int | None = None,
    ) -> Iterator[tuple[_Job, R]]:
        """``(job, fn(*args(job)))`` for every job, as they finish (or in job order); a job
        whose worker died gets ``broken(job, reason)``. ``total``: about how many jobs will
        come (sizes the chunks sent to Dask)."""
        if self._client is not None:
            chunk = CHUNK_DOCS if total is None else total // (4 * max(1, self.workers))
            yield from self._run_dask(fn, jobs, args, broken, ordered, max(1, min(CHUNK_DOCS, chunk)))
        else:
            yield from self._run_local(fn, jobs, args, broken, ordered)

    def _fresh_executor(self) -> ProcessPoolExecutor:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor = self._new_executor()
        return self._executor

    def _run_local(
        self,
        fn: Callable[..., R],
        jobs: Iterable[_Job],
        args: Callable[[_Job], tuple[Any, ...]],
        broken: Callable[[_Job, str], R],
        ordered: bool,
    ) -> Iterator[tuple[_Job, R]]:
        executor = self._executor or self._fresh_executor()
        pending: deque[tuple[Future[R], _Job]] = deque()
        deaths = 0  # worker processes that died in a row, each running one task alone

        def alone(job: _Job) -> R:
            """Run ``job`` in a pool of its own: the task that kills its process is found."""
            nonlocal deaths
            try:
                result = self._fresh_executor().submit(fn, *args(job)).result()
            except BrokenProcessPool:
                deaths += 1
                if deaths >= 3:
                    raise WorkreportError(
                        "worker processes die as they start (a script that runs a batch must "
                        'guard it with `if __name__ == "__main__":`)'
                    ) from None
                return broken(job, DIED)
            deaths = 0
            return result

        def recover(lost: list[tuple[Future[R], _Job]]) -> Iterator[tuple[_Job, R]]:
            """A worker died and took the pool with it: keep what was done, redo the rest alone."""
            nonlocal executor
            for fut, job in lost:
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    result = alone(job)
                yield job, result
            executor = self._fresh_executor()

        def finished() -> Iterator[tuple[_Job, R]]:
            waiting = [pending[0][0]] if ordered else [f for f, _ in pending]
            wait(waiting, return_when=FIRST_COMPLETED)
            keep: deque[tuple[Future[R], _Job]] = deque()
            while pending:
                fut, job = pending.popleft()
                if not fut.done() or (ordered and keep):
                    keep.append((fut, job))
                    continue
                if fut.exception() is not None and isinstance(fut.exception(), BrokenProcessPool):
                    lost = [(fut, job), *keep, *pending]  # in job order when ordered (keep is empty)
                    keep.clear()
                    pending.clear()
                    yield from recover(lost)
                    return
                yield job, fut.result()
            pending.extend(keep)

        for job in jobs:
            while len(pending) >= self.window:
                yield from finished()
            pending.append((executor.submit(fn, *args(job)), job))
        while pending:
            yield from finished()

    def _run_dask(
        self,
        fn: Callable[..., R],
        jobs: Iterable[_Job],
        args: Callable[[_Job], tuple[Any, ...]],
        broken: Callable[[_Job, str], R],
        ordered: bool,
        chunk_docs: int,
    ) -> Iterator[tuple[_Job, R]]:
        """Jobs go in chunks of ``chunk_docs`` documents, a task each: a task costs the scheduler
        and the client a few milliseconds, a document costs its worker some tens."""
        dist = importlib.import_module("distributed")
        client = self._client
        running: dict[str, list[_Job]] = {}
        payloads: dict[str, tuple[Any, str | None]] = {}  # task key -> its documents (a future), where
        threads: dict[str, int] = dict(client.nthreads())  # worker address -> threads
        busy = {a: 0 for a in threads}  # worker address -> chunks sent to it and not yet back
        heads: deque[Any] = deque()
        ac = dist.as_completed()
        window = 2 * max(1, self.workers)  # chunks: one running and one waiting per worker
        chunk: list[_Job] = []
        size = 0

        def submit() -> None:
            nonlocal chunk, size
            # the documents travel as data, straight to the least busy worker, not inside the
            # task: a scheduler keeps the tasks of its last 100 computations, documents and all
            target = min(threads, key=lambda a: busy[a] / threads[a]) if threads else None
            where = [target] if target is not None else None
            try:
                [payload] = client.scatter([[args(j) for j in chunk]], workers=where, hash=False)
            except Exception:  # that worker is gone: let the scheduler place the chunk
                threads.clear()
                threads.update(client.nthreads())
                busy.update({a: 0 for a in threads if a not in busy})
                target, where = None, None
                [payload] = client.scatter([[args(j) for j in chunk]], hash=False)
            digest = hashlib.sha1(usedforsecurity=False)
            for j in chunk:
                digest.update(f"{j.sha256}\0{j.path}\0".encode("utf-8", "surrogateescape"))
            fut = client.submit(
                _call_each,
                fn,
                payload,
                key=f"workreport-{digest.hexdigest()}",
                pure=False,
                retries=0,
                workers=where,
                allow_other_workers=True,
            )
            running[fut.key] = chunk
            payloads[fut.key] = (payload, target)
            if target is not None:
                busy[target] += 1
            if ordered:
                heads.append(fut)
            else:
                ac.add(fut)
            chunk, size = [], 0

        def collect() -> Iterator[tuple[_Job, R]]:
            fut = heads.popleft() if ordered else next(ac)
            done = running.pop(fut.key)
            try:
                results = fut.result()
            except dist.KilledWorker:
                results = [broken(j, "it killed its Dask worker (out of memory? a crash?)") for j in done]
            finally:
                fut.release()
                payload, target = payloads.pop(fut.key)
                payload.release()
                if target in busy:
                    busy[target] -= 1
            yield from zip(done, results, strict=True)

        for job in jobs:
            chunk.append(job)
            size += len(job.data)
            if len(chunk) >= chunk_docs or size >= CHUNK_BYTES:
                while len(running) >= window:
                    yield from collect()
                submit()
        if chunk:
            while len(running) >= window:
                yield from collect()
            submit()
        while running:
            yield from collect()


def _version() -> str:
    """The workreport version a Dask worker runs."""
    return EXTRACTOR_VERSION


def _call_each(fn: Callable[..., R], many: list[tuple[Any, ...]]) -> list[R]:
    """``fn`` over a chunk of argument tuples (one Dask task)."""
    return [fn(*a) for a in many]


# --------------------------------------------------------------------------- extract_corpus


@dataclass(slots=True)
class BatchResult:
    """What a batch did: documents extracted now, skipped (done before, or a copy of one
    done), and those that failed with why."""

    done: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    facts: int = 0
    bytes: int = 0
    seconds: float = 0.0
    out_dir: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def total(self) -> int:
        return self.done + self.skipped + len(self.failed)

    def summary(self) -> str:
        rate = self.done / self.seconds if self.seconds > 0 else 0.0
        return (
            f"extracted {self.done} documents ({self.facts} facts, {rate:.1f} documents/s), "
            f"skipped {self.skipped} already done, failed {len(self.failed)}"
        )


def _settings(out: Path) -> dict[str, Any] | None:
    try:
        value = json.loads((out / SETTINGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _write_whole(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a hidden temporary name and a rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def _fsync(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _Manifest:
    """``_manifest.jsonl``: one line per document handled, appended and fsynced per batch.

    In memory it keeps, compactly (a few hundred bytes a document), the last entry of every
    path and where the part files of every document done are."""

    def __init__(self, out: Path, ext: str) -> None:
        self.path = out / MANIFEST
        self.out = out
        self.ext = ext
        # path -> (size, mtime_ns, sha256, status) of its last entry
        self.latest: dict[str, tuple[int | None, int | None, str | None, str]] = {}
        self.done: dict[str, tuple[str, bool]] = {}  # sha256 -> (partition, has a facts part)
        tail = b""
        if self.path.exists():
            with open(self.path, "rb") as fh:
                for raw in fh:
                    tail = raw
                    self._load(raw)
        # done: what the last entry of some path says is done, with its part files all there
        live = {e[2] for e in self.latest.values() if e[3] in ("done", "duplicate")}
        self.done = {
            sha: where
            for sha, where in self.done.items()
            if sha in live and all((out / p).is_file() for p in self.parts(sha))
        }
        self._fh = open(self.path, "ab")  # noqa: SIM115 - open for the whole run, closed in close()
        if tail and not tail.endswith(b"\n"):
            self._fh.write(b"\n")  # after a line cut short by a crash
        self._lines: list[bytes] = []
        self._files: list[Path] = []
        self._last = time.monotonic()

    def _load(self, raw: bytes) -> None:
        try:
            e = json.loads(raw)
            path, status = e["path"], e["status"]
        except (ValueError, KeyError, TypeError):
            return  # a line cut short by a crash
        if e.get("version") != EXTRACTOR_VERSION:
            status = "stale"
        self.latest[path] = (e.get("size"), e.get("mtime_ns"), e.get("sha256"), sys.intern(status))
        if status == "done":
            parts = [p for p in e.get("parts", []) if isinstance(p, str)]
            doc = next((p for p in parts if p.startswith("documents/")), None)
            if doc is not None:
                where = sys.intern(doc[len("documents/") : doc.rindex("/")])
                self.done[e["sha256"]] = (where, any(p.startswith("facts/") for p in parts))

    def parts(self, sha: str) -> list[str]:
        where, has_facts = self.done[sha]
        names = ["facts", "documents"] if has_facts else ["documents"]
        return [f"{name}/{where}/part-{sha}.{self.ext}" for name in names]

    def is_done(self, path: str, size: int, mtime_ns: int) -> bool:
        e = self.latest.get(path)
        return (
            e is not None
            and e[3] in ("done", "duplicate")
            and e[:2] == (size, mtime_ns)
            and e[2] in self.done
        )

    def record(
        self,
        path: str,
        size: int | None,
        mtime_ns: int | None,
        sha: str | None,
        status: str,
        *,
        files: Iterable[Path] = (),
        **extra: Any,
    ) -> None:
        """Add a line; it is written, after the part files it names are durable, at the next flush."""
        self.latest[path] = (size, mtime_ns, sha, sys.intern(status))
        entry: dict[str, Any] = {
            "path": path,
            "size": size,
            "mtime_ns": mtime_ns,
            "sha256": sha,
            "status": status,
        }
        if status == "done" and sha is not None:
            entry["parts"] = self.parts(sha)
        entry.update(extra)
        entry["version"] = EXTRACTOR_VERSION
        self._lines.append(json.dumps(entry, ensure_ascii=False).encode("utf-8") + b"\n")
        self._files.extend(files)
        if len(self._lines) >= FLUSH_EVERY or time.monotonic() - self._last >= FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Make the part files durable, then the lines that name them."""
        folders = set()
        for f in self._files:
            _fsync(f)
            folders.add(f.parent)
        for d in folders:
            _fsync(d, directory=True)
        if self._lines:
            self._fh.write(b"".join(self._lines))
            self._fh.flush()
            os.fsync(self._fh.fileno())
        self._lines, self._files = [], []
        self._last = time.monotonic()

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self._fh.close()

    def referenced(self) -> set[str]:
        """The part files of what the last entries of all paths say is done."""
        live = {e[2] for e in self.latest.values() if e[3] in ("done", "duplicate") and e[2] in self.done}
        return {p for sha in live if sha is not None for p in self.parts(sha)}


def _sweep(out: Path, keep: set[str]) -> None:
    """Delete part files no manifest entry stands for (left by a crash, or superseded) and
    temporary files."""
    for name in DATASETS:
        base = out / name
        if not base.exists():
            continue
        for root, _dirs, files in os.walk(base):
            for f in files:
                full = Path(root, f)
                rel = full.relative_to(out).as_posix()
                if (f.startswith(".") and f.endswith(".tmp")) or (f.startswith("part-") and rel not in keep):
                    with contextlib.suppress(FileNotFoundError):
                        full.unlink()


def _prepare(out: Path, fmt: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    old = _settings(out)
    if old is not None and old.get("format") != fmt:
        raise InputError(
            f"{out} holds a {old.get('format')} dataset; write {fmt} to another folder", path=str(out)
        )
    settings = {"format": fmt, "extractor_version": EXTRACTOR_VERSION, "partitioning": ["year", "level"]}
    _write_whole(out / SETTINGS, (json.dumps(settings, indent=2) + "\n").encode("utf-8"))
    (out / "schemas").mkdir(exist_ok=True)
    for name in DATASETS:
        text = json.dumps(json_schema(name), ensure_ascii=False, indent=2) + "\n"
        _write_whole(out / "schemas" / f"{name}.schema.json", text.encode("utf-8"))


def _check_workers(workers: int | None) -> int:
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n < 1:
        raise InputError(f"workers must be 1 or more, not {n}")
    return n


def extract_corpus(
    inputs: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    workers: int | None = None,
    dask: str | None = None,
    fmt: str = "parquet",
    progress: Progress | None = None,
    in_flight: int | None = None,
) -> BatchResult:
    """Read and extract every report ``inputs`` name (files, folders, globs) into datasets
    under ``out_dir`` (see the module's doc); resumable, and a failed document is recorded,
    never raised.

    ``workers``: processes (default: one per core), or the Dask LocalCluster's workers with
    ``dask="local"``; ``dask``: ``"local"`` or a scheduler address (``tcp://host:8786``);
    ``fmt``: ``parquet`` or ``jsonl``; ``progress(done, total, bytes)`` after every document;
    ``in_flight``: documents submitted at once to the worker processes (default 4 per
    worker); on Dask, documents go in chunks (up to 16, fewer for a small corpus), two chunks
    per worker in flight."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "parquet" and importlib.util.find_spec("pyarrow") is None:
        raise InputError("Parquet output needs pyarrow: pip install 'workreport[parquet]'")
    n_workers = _check_workers(workers)
    started = time.perf_counter()
    out = Path(out_dir)
    _prepare(out, fmt)
    ext = "parquet" if fmt == "parquet" else "jsonl"
    manifest = _Manifest(out, ext)
    _sweep(out, manifest.referenced())
    paths = [os.fspath(p) for p in iter_sources(inputs)]
    total = len(paths)
    result = BatchResult(out_dir=out)
    finished = 0
    done_bytes = 0
    in_run: set[str] = set()  # sha256 of documents submitted in this run
    folders: set[Path] = set()

    def tick(size: int) -> None:
        nonlocal finished, done_bytes
        finished += 1
        done_bytes += size
        if progress is not None:
            progress(finished, total, done_bytes)

    def fail(path: str, sha: str | None, reason: str, size: int, mtime_ns: int | None) -> None:
        result.failed.append((path, reason))
        manifest.record(path, size, mtime_ns, sha, "failed", reason=reason)
        tick(size)

    def jobs() -> Iterator[_Job]:
        for path in paths:
            try:
                st = os.stat(path)
            except OSError:
                st = None
            if st is not None and manifest.is_done(path, st.st_size, st.st_mtime_ns):
                result.skipped += 1
                tick(st.st_size)
                continue
            try:
                data = _read_source(Path(path))
            except InputError as exc:
                fail(path, None, exc.message, 0, None)
                continue
            sha = hashlib.sha256(data).hexdigest()
            size, mtime_ns = len(data), st.st_mtime_ns if st is not None else 0
            if sha in in_run or sha in manifest.done:
                # the same content as a document done (or under way): one row per content
                prior = manifest.latest.get(path)
                same = prior is not None and prior[2:] == (sha, "done") and sha in manifest.done
                manifest.record(path, size, mtime_ns, sha, "done" if same else "duplicate")
                result.skipped += 1
                tick(size)
                continue
            in_run.add(sha)
            yield _Job(path, size, mtime_ns, sha, data)

    def broken(job: _Job, reason: str) -> _Outcome:
        return _Outcome(job.path, job.sha256, reason=reason)

    def write(job: _Job, o: _Outcome) -> None:
        if o.reason is not None:
            fail(job.path, job.sha256, o.reason, job.size, job.mtime_ns)
            return
        part = partition(o.year, o.level)
        files: list[Path] = []
        for name, blob in (("facts", o.facts), ("documents", o.document)):
            if blob is None:
                continue
            folder = out / name / part
            if folder not in folders:
                folder.mkdir(parents=True, exist_ok=True)
                folders.add(folder)
            target = folder / f"part-{job.sha256}.{ext}"
            _write_whole(target, blob)
            files.append(target)
        manifest.done[job.sha256] = (sys.intern(part), o.facts is not None)
        manifest.record(job.path, job.size, job.mtime_ns, job.sha256, "done", files=files, n_facts=o.n_facts)
        result.done += 1
        result.facts += o.n_facts
        result.bytes += job.size
        tick(job.size)

    try:
        with _Runner[_Outcome](n_workers, dask, in_flight) as runner:
            for job, outcome in runner.run(
                extract_part, jobs(), lambda j: (j.path, j.data, j.sha256, fmt), broken, total=total
            ):
                write(job, outcome)
    finally:
        manifest.close()
    _sweep(out, manifest.referenced())
    result.failed.sort()
    lines = "".join(json.dumps({"path": p, "reason": r}, ensure_ascii=False) + "\n" for p, r in result.failed)
    _write_whole(out / FAILURES, lines.encode("utf-8"))
    result.seconds = time.perf_counter() - started
    return result


# --------------------------------------------------------------------------- ingest_corpus


def ingest_corpus(
    db_url: str | Database | None,
    inputs: Iterable[str | os.PathLike[str]],
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    batch_size: int = INGEST_BATCH,
    in_flight: int | None = None,
) -> IngestResult:
    """Ingest every report ``inputs`` name into the database: reading and extraction in
    ``workers`` processes, the writes here, ``batch_size`` documents a transaction and each
    document all or nothing (a savepoint). Documents whose content is already stored by this
    extractor version are skipped without being extracted (``unchanged``), so an interrupted
    ingest, run again, picks up where it stopped. Documents are stored in input order, as
    :func:`workreport.registry.ingest` stores them. ``db_url``: a URL (the database is opened
    and closed here), or an open :class:`~workreport.store.Database`."""
    from .store import Database

    n_workers = _check_workers(workers)
    if batch_size < 1:
        raise InputError(f"batch_size must be 1 or more, not {batch_size}")
    if isinstance(db_url, Database):
        return _ingest_into(db_url, inputs, n_workers, progress, batch_size, in_flight)
    db = Database(db_url)
    try:
        return _ingest_into(db, inputs, n_workers, progress, batch_size, in_flight)
    finally:
        db.close()


def _ingest_into(
    db: Database,
    inputs: Iterable[str | os.PathLike[str]],
    n_workers: int,
    progress: Progress | None,
    batch_size: int,
    in_flight: int | None,
) -> IngestResult:
    from sqlalchemy import select
    from sqlalchemy.exc import IntegrityError

    from . import registry
    from .store import DocumentRow

    result = registry.IngestResult()
    with db.session() as session:
        registry.seed_jurisdictions(session)
        stored = {
            sha: version
            for sha, version in session.execute(select(DocumentRow.sha256, DocumentRow.extractor_version))
        }
    paths = [os.fspath(p) for p in iter_sources(inputs)]
    total = len(paths)
    finished = 0
    done_bytes = 0

    def tick(size: int) -> None:
        nonlocal finished, done_bytes
        finished += 1
        done_bytes += size
        if progress is not None:
            progress(finished, total, done_bytes)

    seen: set[str] = set()

    def jobs() -> Iterator[_Job]:
        for path in paths:
            try:
                data = _read_source(Path(path))
            except InputError as exc:
                result.failed.append((path, exc.message))
                tick(0)
                continue
            sha = hashlib.sha256(data).hexdigest()
            if stored.get(sha) == registry.EXTRACTOR_VERSION or sha in seen:
                result.unchanged.append(path)
                tick(len(data))
                continue
            seen.add(sha)
            yield _Job(path, len(data), 0, sha, data)

    def store_one(session: Any, p: _Parsed) -> str:
        assert p.doc is not None and p.structure is not None
        existing = session.scalar(select(DocumentRow).where(DocumentRow.sha256 == p.doc.sha256))
        if existing is not None and existing.extractor_version == registry.EXTRACTOR_VERSION:
            return "unchanged"
        if existing is None:
            row = registry._document_row(session, p.doc, p.structure)
            session.add(row)
            session.flush()
            registry._store_extraction(session, row, p.doc, p.structure, p.facts)
            return "added"
        registry._update_document(session, existing, p.doc, p.structure)
        registry._store_extraction(session, existing, p.doc, p.structure, p.facts)
        return "updated"

    def commit(batch: list[tuple[_Job, _Parsed]]) -> None:
        statuses: list[tuple[_Job, str, str | None]] = []
        with db.session() as session:
            for job, p in batch:
                if p.reason is not None:
                    statuses.append((job, "failed", p.reason))
                    continue
                try:
                    with session.begin_nested():  # the document whole, or nothing of it
                        statuses.append((job, store_one(session, p), None))
                except WorkreportError as exc:
                    statuses.append((job, "failed", exc.message))
                except IntegrityError:
                    # another process stored the same document meanwhile
                    if session.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == job.sha256)) is None:
                        raise
                    statuses.append((job, "unchanged", None))
        for job, status, reason in statuses:  # counted once the transaction is committed
            if status == "failed":
                result.failed.append((job.path, reason or ""))
            else:
                getattr(result, status).append(job.path)
            tick(job.size)

    def broken(job: _Job, reason: str) -> _Parsed:
        return _Parsed(job.path, reason=reason)

    batch: list[tuple[_Job, _Parsed]] = []
    last = time.monotonic()
    # enough in flight that the workers keep going while a batch is written
    window = in_flight or batch_size + TASKS_PER_WORKER * n_workers
    with _Runner[_Parsed](n_workers, None, window) as runner:
        for job, parsed in runner.run(
            parse_document, jobs(), lambda j: (j.path, j.data), broken, ordered=True
        ):
            batch.append((job, parsed))
            if len(batch) >= batch_size or time.monotonic() - last >= 10 * FLUSH_SECONDS:
                commit(batch)
                batch, last = [], time.monotonic()
        if batch:
            commit(batch)
    return result


# --------------------------------------------------------------------------- command line


class _Bar:
    """A one-line progress report on stderr: documents, rate, MB/s, time left."""

    def __init__(self, label: str, enabled: bool) -> None:
        self.label = label
        self.enabled = enabled and sys.stderr is not None
        self.started = time.perf_counter()
        self.shown = 0.0

    def __call__(self, done: int, total: int, nbytes: int) -> None:
        now = time.perf_counter()
        if not self.enabled or (now - self.shown < 0.5 and done < total):
            return
        self.shown = now
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        left = (total - done) / rate if rate > 0 else 0.0
        sys.stderr.write(
            f"\r{self.label} {done:,}/{total:,}  {rate:.1f} docs/s  {nbytes / elapsed / 1e6:.2f} MB/s  "
            f"{int(left) // 60}:{int(left) % 60:02d} left "
        )
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workreport.batch", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract a corpus into Parquet (or JSON Lines) datasets")
    ex.add_argument("inputs", nargs="+", help="files, folders, globs; the last argument is OUT")
    ex.add_argument("out", help="output folder")
    ex.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
    ex.add_argument("--dask", default=None, metavar="ADDRESS|local", help="run on a Dask cluster")
    ex.add_argument("--format", dest="fmt", choices=FORMATS, default="parquet")
    ex.add_argument("--quiet", action="store_true", help="no progress line")
    ing = sub.add_parser("ingest", help="ingest a corpus into the database")
    ing.add_argument("inputs", nargs="+", help="files, folders, globs")
    ing.add_argument("--db", default=None, help="database URL (default: WORKREPORT_DATABASE_URL)")
    ing.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
    ing.add_argument("--quiet", action="store_true", help="no progress line")
    args = parser.parse_args(argv)
    try:
        if args.command == "extract":
            res = extract_corpus(
                args.inputs,
                args.out,
                workers=args.workers,
                dask=args.dask,
                fmt=args.fmt,
                progress=_Bar("extracting", not args.quiet),
            )
            for path, reason in res.failed:
                print(f"failed: {path}: {reason}", file=sys.stderr)
            print(res.summary())
            return 0 if res.ok else 1
        ires = ingest_corpus(
            args.db, args.inputs, workers=args.workers, progress=_Bar("ingesting", not args.quiet)
        )
        for path, reason in ires.failed:
            print(f"failed: {path}: {reason}", file=sys.stderr)
        print(ires.summary())
        return 0 if ires.ok else 1
    except WorkreportError as exc:
        print(f"workreport: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted: what is done is kept; run the same command again to finish", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
