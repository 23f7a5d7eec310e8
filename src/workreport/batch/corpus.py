"""``extract_corpus``: a corpus into partitioned datasets, resumable through a manifest."""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workreport.batch.progress import Progress
from workreport.batch.runner import Job, Outcome, Runner, check_workers, extract_part
from workreport.errors import InputError, ReadError
from workreport.pipeline.read import open_bytes
from workreport.pipeline.sources import checked_sources
from workreport.pipeline.tables import ROW_SUFFIX, Columns, is_table, iter_rows
from workreport.publish.datasets import (
    DATASETS,
    SETTINGS,
    dataset_settings,
    json_schema,
    partition,
)
from workreport.publish.files import write_atomic
from workreport.version import EXTRACTOR_VERSION

if TYPE_CHECKING:
    pass

FORMATS = ("parquet", "jsonl")
MANIFEST = "_manifest.jsonl"
FAILURES = "_failures.jsonl"
FLUSH_EVERY = 32  # documents per manifest fsync …
FLUSH_SECONDS = 1.0  # … or this long, whichever comes first


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
        """True if no document failed."""
        return not self.failed

    @property
    def total(self) -> int:
        """Documents seen: extracted, skipped and failed."""
        return self.done + self.skipped + len(self.failed)

    def summary(self) -> str:
        """One line for the terminal: counts, facts and documents per second."""
        rate = self.done / self.seconds if self.seconds > 0 else 0.0
        return (
            f"extracted {self.done} documents ({self.facts} facts, {rate:.1f} documents/s), "
            f"skipped {self.skipped} already done, failed {len(self.failed)}"
        )


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
    old = dataset_settings(out)
    if old is not None and old.get("format") != fmt:
        raise InputError(
            f"{out} holds a {old.get('format')} dataset; write {fmt} to another folder", path=str(out)
        )
    settings = {"format": fmt, "extractor_version": EXTRACTOR_VERSION, "partitioning": ["year", "level"]}
    write_atomic(out / SETTINGS, (json.dumps(settings, indent=2) + "\n").encode("utf-8"))
    (out / "schemas").mkdir(exist_ok=True)
    for name in DATASETS:
        text = json.dumps(json_schema(name), ensure_ascii=False, indent=2) + "\n"
        write_atomic(out / "schemas" / f"{name}.schema.json", text.encode("utf-8"))


def extract_corpus(  # noqa: C901  (one resumable run: the job feed, writer and failure closures share its manifest, counts and progress)
    inputs: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    workers: int | None = None,
    dask: str | None = None,
    fmt: str = "parquet",
    progress: Progress | None = None,
    in_flight: int | None = None,
    columns: Columns | None = None,
    tables: bool = False,
) -> BatchResult:
    """Read and extract every report ``inputs`` name (files, folders, globs) into datasets
    under ``out_dir`` (see the module's doc); resumable, and a failed document is recorded,
    never raised.

    ``workers``: processes (default: one per core), or the Dask LocalCluster's workers with
    ``dask="local"``; ``dask``: ``"local"`` or a scheduler address (``tcp://host:8786``);
    ``fmt``: ``parquet`` or ``jsonl``; ``progress(done, total, bytes)`` after every document;
    ``in_flight``: documents submitted at once to the worker processes (default 4 per
    worker); on Dask, documents go in chunks (up to 16, fewer for a small corpus), two chunks
    per worker in flight. A table of reports (.csv .tsv .parquet .jsonl .ndjson; in folders
    only with ``tables``) gives one document per row, named ``file#row-N`` or by its source
    URL, its text and metadata from the ``columns`` (:mod:`workreport.pipeline.tables`)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "parquet" and importlib.util.find_spec("pyarrow") is None:
        raise InputError("Parquet output needs pyarrow: pip install 'workreport[parquet]'")
    n_workers = check_workers(workers)
    started = time.perf_counter()
    paths, total = checked_sources(inputs, tables=tables, columns=columns)  # before the output is made
    out = Path(out_dir)
    _prepare(out, fmt)
    ext = "parquet" if fmt == "parquet" else "jsonl"
    manifest = _Manifest(out, ext)
    _sweep(out, manifest.referenced())
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

    def fresh(path: str, sha: str, size: int, mtime_ns: int) -> bool:
        """True if no document of this content is done or under way (else it is recorded)."""
        if sha in in_run or sha in manifest.done:
            # the same content as a document done (or under way): one row per content
            prior = manifest.latest.get(path)
            same = prior is not None and prior[2:] == (sha, "done") and sha in manifest.done
            manifest.record(path, size, mtime_ns, sha, "done" if same else "duplicate")
            result.skipped += 1
            tick(size)
            return False
        in_run.add(sha)
        return True

    def row_jobs(path: str) -> Iterator[Job]:
        try:
            mtime_ns = os.stat(path).st_mtime_ns
            for row in iter_rows(path, columns):
                if row.error is not None:
                    fail(row.name, None, row.error, 0, None)
                    continue
                data, sha = row.data, row.sha256
                if manifest.is_done(row.name, len(data), mtime_ns):
                    result.skipped += 1
                    tick(len(data))
                elif fresh(row.name, sha, len(data), mtime_ns):
                    yield Job(row.name, len(data), mtime_ns, sha, data, ROW_SUFFIX)
        except (OSError, ReadError) as exc:
            fail(path, None, exc.message if isinstance(exc, ReadError) else str(exc), 0, None)

    def jobs() -> Iterator[Job]:
        for path in paths:
            if is_table(path):
                yield from row_jobs(path)
                continue
            try:
                st = os.stat(path)
            except OSError:
                st = None
            if st is not None and manifest.is_done(path, st.st_size, st.st_mtime_ns):
                result.skipped += 1
                tick(st.st_size)
                continue
            try:
                data = open_bytes(path)
            except ReadError as exc:
                fail(path, None, exc.message, 0, None)
                continue
            sha = hashlib.sha256(data).hexdigest()
            size, mtime_ns = len(data), st.st_mtime_ns if st is not None else 0
            if fresh(path, sha, size, mtime_ns):
                yield Job(path, size, mtime_ns, sha, data)

    def broken(job: Job, reason: str) -> Outcome:
        return Outcome(job.path, job.sha256, reason=reason)

    def write(job: Job, o: Outcome) -> None:
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
            write_atomic(target, blob)
            files.append(target)
        manifest.done[job.sha256] = (sys.intern(part), o.facts is not None)
        manifest.record(job.path, job.size, job.mtime_ns, job.sha256, "done", files=files, n_facts=o.n_facts)
        result.done += 1
        result.facts += o.n_facts
        result.bytes += job.size
        tick(job.size)

    try:
        with Runner[Outcome](n_workers, dask, in_flight) as runner:
            for job, outcome in runner.run(
                extract_part, jobs(), lambda j: (j.path, j.data, j.sha256, fmt, j.suffix), broken, total=total
            ):
                write(job, outcome)
    except KeyboardInterrupt as exc:
        # still a KeyboardInterrupt (an `except Exception` must not swallow it), with what is kept
        exc.add_note(
            f"{result.done} document(s) written to {out} before it (each file whole: written aside, "
            "then renamed); the same command again skips them and extracts the rest"
        )
        raise
    finally:
        manifest.close()
    _sweep(out, manifest.referenced())
    result.failed.sort()
    lines = "".join(json.dumps({"path": p, "reason": r}, ensure_ascii=False) + "\n" for p, r in result.failed)
    write_atomic(out / FAILURES, lines.encode("utf-8"))
    result.seconds = time.perf_counter() - started
    return result


