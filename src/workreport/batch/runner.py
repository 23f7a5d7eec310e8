"""Reading and extraction in worker processes or on a Dask cluster, a bounded number of documents in flight."""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from workreport.errors import InputError, ReadError, WorkreportError
from workreport.model import Document, Fact, Structure
from workreport.pipeline.extract import collector_paused, extract
from workreport.pipeline.normalise import normalise
from workreport.pipeline.read import Limits, read_bytes
from workreport.pipeline.structure import structure as structure_of
from workreport.pipeline.tables import ROW_SUFFIX, parse_row_bytes
from workreport.publish.datasets import UNKNOWN_LEVEL, encode, fact_columns
from workreport.version import EXTRACTOR_VERSION

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from workreport.pipeline.rows import Prepared

TASKS_PER_WORKER = 4  # tasks in flight per worker: enough to keep it busy, little memory
CHUNK_DOCS = 16  # documents per Dask task at most (fewer when the corpus is small) …
CHUNK_BYTES = 1 << 20  # … or this many bytes of them
DIED = "its worker process died (out of memory? a crash?)"


# --------------------------------------------------------------------------- budgets


@dataclass(frozen=True, slots=True)
class Budget:
    """What reading and extracting one document may take: wall-clock seconds and memory (MB).

    An upload to the web app runs in a process of its own, killed when its time is up, its
    memory (the address space it may add) capped by ``setrlimit``. A batch worker keeps the
    same budget without a process per document (:func:`parse_in_worker`): a timer, and its
    address space capped once. Either way the document fails with one :class:`ReadError`
    saying which limit it crossed; nothing else is affected."""

    seconds: float = 60.0
    memory_mb: int = 1024

    @classmethod
    def from_env(cls) -> Budget:
        """The budget set by WORKREPORT_DOC_SECONDS and WORKREPORT_DOC_MEMORY_MB, else the defaults."""
        try:
            seconds = float(os.environ.get("WORKREPORT_DOC_SECONDS") or 60.0)
            memory = int(os.environ.get("WORKREPORT_DOC_MEMORY_MB") or 1024)
        except ValueError as exc:
            raise InputError(f"WORKREPORT_DOC_SECONDS / WORKREPORT_DOC_MEMORY_MB: {exc}") from None
        return cls(seconds, memory).checked()

    def checked(self) -> Budget:
        """This budget, if its limits are positive; else an InputError."""
        if not self.seconds > 0 or self.memory_mb < 16:
            raise InputError("a document's budget needs more than 0 seconds and at least 16 MB")
        return self


_WATCHER = "workreport-parent-watch"


def die_with_parent(main_pid: int | None = None) -> None:
    """Make this process exit when its parent does (Linux: PR_SET_PDEATHSIG) and, if given,
    when process ``main_pid`` does (a watcher thread: a fork server's child outlives the fork
    server's parent otherwise)."""
    parent = os.getppid()
    linux = sys.platform.startswith("linux")
    if linux:
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) == 0 and os.getppid() != parent:  # PR_SET_PDEATHSIG
                os._exit(1)  # the parent died before the call
        except (OSError, AttributeError):
            linux = False
    watched = main_pid if main_pid is not None else (None if linux else parent)
    if watched is None or (watched == parent and linux):
        return

    def watch() -> None:
        while True:
            time.sleep(0.5)
            try:
                os.kill(watched, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # alive, but another user's: the pid was reused
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name=_WATCHER).start()


def _threads() -> int:
    """Threads of this process, less the parent watcher (which holds no locks a fork could copy)."""
    return sum(1 for t in threading.enumerate() if t.name != _WATCHER)


def _limit_memory(megabytes: int) -> None:
    try:
        import resource
    except ImportError:  # not on POSIX: no cap, the time limit still holds
        return
    try:
        with open("/proc/self/statm") as fh:
            base = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        base = 0
    cap = base + megabytes * (1 << 20)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _limit_cpu(seconds: float) -> None:
    try:
        import resource
    except ImportError:
        return
    limit = int(seconds) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 1))


def _budgeted_child(conn: Connection, fn: Callable[..., Any], args: tuple[Any, ...], budget: Budget) -> None:
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _limit_memory(budget.memory_mb)
    _limit_cpu(budget.seconds)  # a backstop, should the process waiting for this one be gone
    with contextlib.suppress(OSError, AttributeError):
        os.nice(10)  # reading yields the processor to the server answering other requests
    result: tuple[str, Any, str | None]
    try:
        result = ("ok", fn(*args), None)
    except MemoryError:
        result = ("memory", None, None)
    except RecursionError:
        result = ("error", "is nested too deeply to read", None)
    except WorkreportError as exc:
        result = ("read" if isinstance(exc, ReadError) else "error", exc.message, exc.path)
    except BaseException as exc:  # one clean error, whatever broke
        result = ("error", _failure(exc), None)
    try:
        messages = _in_pieces(result)
    except MemoryError:
        messages = [_dumps(("memory", None, None))]
    except Exception as exc:  # a result that cannot be pickled: one clean error
        messages = [_dumps(("error", _failure(exc), None))]
    for message in messages:
        conn.send_bytes(message)
    conn.close()


# A result is sent in pieces of this many items, each unpickled in a call of its own: one
# pickle.loads of a 60,000-fact result held the GIL for 0.3-0.7 s, and every request the
# server was answering meanwhile waited that long (a test found it).
PIECE_ITEMS = 2000


def _dumps(obj: object) -> bytes:
    return pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)


def _in_pieces(result: tuple[str, Any, str | None]) -> list[bytes]:
    """``result`` pickled as messages: a tuple value's long lists in pieces of
    :data:`PIECE_ITEMS` after a header saying how many pieces each element has."""
    kind, value, _ = result
    if kind != "ok" or not isinstance(value, tuple):
        return [_dumps(result)]
    counts = [-(-len(v) // PIECE_ITEMS) if isinstance(v, list) else None for v in value]
    messages = [_dumps(("pieces", counts, None))]
    for v, count in zip(value, counts, strict=True):
        if count is None:
            messages.append(_dumps(v))
        else:
            messages.extend(_dumps(v[i : i + PIECE_ITEMS]) for i in range(0, len(v), PIECE_ITEMS))
    return messages


def _received(conn: Connection) -> tuple[str, Any, str | None]:
    """What :func:`_budgeted_child` sent, put together again."""
    kind, value, path = pickle.loads(conn.recv_bytes())
    if kind != "pieces":
        return kind, value, path
    parts: list[Any] = []
    for count in value:
        if count is None:
            parts.append(pickle.loads(conn.recv_bytes()))
            continue
        items: list[Any] = []
        for _ in range(count):
            items.extend(pickle.loads(conn.recv_bytes()))
        parts.append(items)
    return "ok", tuple(parts), None


def _budget_context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    # fork only from a process with one thread (a batch worker); else a fork server
    if _threads() == 1 and "fork" in methods:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["workreport.batch.runner"])
        return ctx
    return multiprocessing.get_context("spawn")


def run_budgeted(fn: Callable[..., R], args: tuple[Any, ...], budget: Budget, *, name: str) -> R:
    """``fn(*args)`` in a process of its own within ``budget``; over time, over memory or
    crashed, one :class:`ReadError` naming ``name`` (the document) and the limit."""
    ctx = _budget_context()
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_budgeted_child, args=(send, fn, args, budget), daemon=True)  # type: ignore[attr-defined]
    proc.start()
    send.close()
    try:
        if not recv.poll(budget.seconds):
            raise ReadError(
                f"took longer than {budget.seconds:g} s to read and extract (the limit per document)", path=name
            )
        try:
            with collector_paused():  # a result of many objects is no reason for a full collection
                kind, value, path = _received(recv)
        except (EOFError, OSError):
            proc.join(5)
            kind, value, path = "died", proc.exitcode, None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()
    if kind == "ok":
        return value  # type: ignore[no-any-return]
    if kind == "memory" or (kind == "died" and value in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT)):
        raise ReadError(f"needs more than {budget.memory_mb} MB to read and extract (the limit per document)", path=name)
    if kind == "died":
        raise ReadError(f"could not be read: its reading process died (exit code {value})", path=name)
    if kind == "read":
        raise ReadError(str(value), path=path or name)
    raise WorkreportError(str(value), path=path or name)


# --------------------------------------------------------------------------- the work in a worker



@dataclass(slots=True)
class Outcome:
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


def parse_plain(
    name: str, data: bytes, suffix: str | None = None, limits: Limits | None = None
) -> tuple[Document, Structure, list[Fact]]:
    """Read, structure and extract one document here, with no budget; ``suffix``
    :data:`~workreport.pipeline.tables.ROW_SUFFIX`: ``data`` is a table's row."""
    if suffix == ROW_SUFFIX:
        return parse_row_bytes(data, name)
    doc = read_bytes(data, name, suffix, limits)
    folded = normalise(doc.text)  # once, for both stages
    st = structure_of(doc, folded)
    return doc, st, extract(doc, st, normalised=folded)


def parse_within(
    name: str, data: bytes, budget: Budget, suffix: str | None = None, limits: Limits | None = None
) -> tuple[Document, Structure, list[Fact]]:
    """Read, structure and extract one document in a process of its own, within ``budget``."""
    return run_budgeted(parse_plain, (name, data, suffix, limits), budget, name=name)


class _OverTime(Exception):
    """Raised in a batch worker when a document's time is up."""


def _over_time(signum: int, frame: object) -> None:
    raise _OverTime


def parse_in_worker(
    name: str, data: bytes, budget: Budget, suffix: str | None = None
) -> tuple[Document, Structure, list[Fact]]:
    """Read, structure and extract one document in this batch worker, within ``budget``: a
    timer interrupts it when its time is up, and the worker's address space is capped (once,
    when it starts) so that a document needing more fails with MemoryError. No process per
    document: a worker keeps its loaded rules and gazetteer from one document to the next."""
    signal.signal(signal.SIGALRM, _over_time)
    signal.setitimer(signal.ITIMER_REAL, budget.seconds)
    try:
        return parse_plain(name, data, suffix)
    except _OverTime:
        raise ReadError(
            f"took longer than {budget.seconds:g} s to read and extract (the limit per document)", path=name
        ) from None
    except MemoryError:
        raise ReadError(
            f"needs more than {budget.memory_mb} MB to read and extract (the limit per document)", path=name
        ) from None
    except RecursionError:
        raise ReadError("is nested too deeply to read", path=name) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


# set in the batch's worker processes (see _quiet_worker): the budget the batch was started
# with, handed over by the parent (a fork server's children do not see the parent's later
# environment)
_WORKER_BUDGET: Budget | None = None


def _parse(name: str, data: bytes, suffix: str | None = None) -> tuple[Document, Structure, list[Fact]]:
    if _WORKER_BUDGET is not None:
        return parse_in_worker(name, data, _WORKER_BUDGET, suffix)
    if multiprocessing.current_process().daemon:  # a Dask worker may not start processes: its
        return parse_plain(name, data, suffix)  # nanny's memory limit and restarts guard it instead
    return parse_within(name, data, Budget.from_env(), suffix)


def extract_part(name: str, data: bytes, sha256: str, fmt: str = "parquet", suffix: str | None = None) -> Outcome:
    """Read and extract one document (in a worker); its facts and document rows, encoded.
    ``suffix``: as :func:`parse_plain`'s (a table's row)."""
    try:
        doc, st, facts = _parse(name, data, suffix)
    except Exception as exc:  # one bad document never stops the batch
        return Outcome(name, sha256, reason=_failure(exc))
    m = st.metadata
    level = m.level or UNKNOWN_LEVEL
    common = {"sha256": sha256, "path": name, "jurisdiction": m.jurisdiction}
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
    try:
        facts_part = encode("facts", fact_columns(facts, **common), fmt) if facts else None
        document_part = encode("documents", {k: [v] for k, v in document.items()}, fmt)
    except MemoryError:  # one document's rows over the worker's memory: it fails, the batch goes on
        return Outcome(name, sha256, reason=f"needs more than the memory limit to write its {len(facts):,} facts")
    return Outcome(
        name,
        sha256,
        year=m.plan_year,
        level=level,
        n_facts=len(facts),
        chars=len(doc.text),
        facts=facts_part,
        document=document_part,
    )


@dataclass(slots=True)
class Parsed:
    """What a worker returns for one document to ingest."""

    path: str
    reason: str | None = None
    doc: Document | None = None
    structure: Structure | None = None
    prepared: Prepared | None = None  # the rows to write, made here so the writer only writes


def parse_document(name: str, data: bytes, suffix: str | None = None) -> Parsed:
    """Read, structure and extract one document (in a worker), for the database, with the rows
    to write (:func:`workreport.pipeline.rows.prepare`); ``suffix``: as
    :func:`parse_plain`'s (a table's row)."""
    from workreport.pipeline.rows import prepare

    try:
        doc, st, facts = _parse(name, data, suffix)
        prepared = prepare(doc, st, facts)
    except Exception as exc:
        return Parsed(name, reason=_failure(exc))
    # the facts travel only as their prepared rows (the writer rebuilds them in the rare case
    # it needs them): a fifth less to pickle here and to unpickle in the one writer
    return Parsed(name, doc=doc, structure=st, prepared=prepared)


# --------------------------------------------------------------------------- running in parallel



@dataclass(slots=True)
class Job:
    """One document to parse: its path, size, mtime, content hash and bytes; ``suffix``
    :data:`~workreport.pipeline.tables.ROW_SUFFIX` if the bytes are a table's row."""
    path: str
    size: int
    mtime_ns: int
    sha256: str
    data: bytes
    suffix: str | None = None


def _quiet_worker(main_pid: int | None = None, budget: Budget | None = None, nice: int = 0) -> None:
    global _WORKER_BUDGET
    if nice:
        os.nice(nice)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    die_with_parent(main_pid)  # a killed batch (even kill -9) leaves no workers behind
    _WORKER_BUDGET = budget or Budget.from_env()
    _limit_memory(_WORKER_BUDGET.memory_mb)  # each document's cap, on top of what the worker holds


def _ready() -> None:
    """Load what a worker runs (the extractor, its rules, the rows it prepares) by preparing a
    sentence: started early (:meth:`Runner.start`), a worker is ready by the first report."""
    parse_document("ready", "全市地区生产总值增长5%左右。".encode())


R = TypeVar("R")


class Runner(Generic[R]):
    """Runs ``fn(*args)`` per job in worker processes or on Dask, at most ``window`` in flight."""

    def __init__(self, workers: int, dask: str | None, window: int | None, *, nice: int = 0) -> None:
        self.workers = workers
        self.nice = nice  # added to the local workers' niceness
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

    def start(self) -> None:
        """Start the local worker processes now instead of at the first job, each made ready
        (:func:`_ready`), so that they start up while the caller does something else first."""
        if self._client is None and self._executor is None:
            executor = self._fresh_executor()
            for _ in range(self.workers):
                executor.submit(_ready)

    def _new_executor(self) -> ProcessPoolExecutor:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        return ProcessPoolExecutor(
            self.workers, mp_context=ctx, initializer=_quiet_worker, initargs=(os.getpid(), Budget.from_env(), self.nice)
        )

    def close(self) -> None:
        """Shut down the worker processes or the Dask client and cluster; safe to call twice."""
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

    def __enter__(self) -> Runner[R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(
        self,
        fn: Callable[..., R],
        jobs: Iterable[Job],
        args: Callable[[Job], tuple[Any, ...]],
        broken: Callable[[Job, str], R],
        *,
        ordered: bool = False,
        total: int | None = None,
    ) -> Iterator[tuple[Job, R]]:
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
        jobs: Iterable[Job],
        args: Callable[[Job], tuple[Any, ...]],
        broken: Callable[[Job, str], R],
        ordered: bool,
    ) -> Iterator[tuple[Job, R]]:
        executor = self._executor or self._fresh_executor()
        pending: deque[tuple[Future[R], Job]] = deque()
        deaths = 0  # worker processes that died in a row, each running one task alone

        def alone(job: Job) -> R:
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

        def recover(lost: list[tuple[Future[R], Job]]) -> Iterator[tuple[Job, R]]:
            """A worker died and took the pool with it: keep what was done, redo the rest alone."""
            nonlocal executor
            for fut, job in lost:
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    result = alone(job)
                yield job, result
            executor = self._fresh_executor()

        def finished() -> Iterator[tuple[Job, R]]:
            waiting = [pending[0][0]] if ordered else [f for f, _ in pending]
            wait(waiting, return_when=FIRST_COMPLETED)
            keep: deque[tuple[Future[R], Job]] = deque()
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
        jobs: Iterable[Job],
        args: Callable[[Job], tuple[Any, ...]],
        broken: Callable[[Job, str], R],
        ordered: bool,
        chunk_docs: int,
    ) -> Iterator[tuple[Job, R]]:
        """Jobs go in chunks of ``chunk_docs`` documents, a task each: a task costs the scheduler
        and the client a few milliseconds, a document costs its worker some tens."""
        dist = importlib.import_module("distributed")
        client = self._client
        running: dict[str, list[Job]] = {}
        payloads: dict[str, tuple[Any, str | None]] = {}  # task key -> its documents (a future), where
        threads: dict[str, int] = dict(client.nthreads())  # worker address -> threads
        busy = {a: 0 for a in threads}  # worker address -> chunks sent to it and not yet back
        heads: deque[Any] = deque()
        ac = dist.as_completed()
        window = 2 * max(1, self.workers)  # chunks: one running and one waiting per worker
        chunk: list[Job] = []
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

        def collect() -> Iterator[tuple[Job, R]]:
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


def check_workers(workers: int | None) -> int:
    """The number of workers to use: ``workers``, else one per core; fewer than 1 is an InputError."""
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n < 1:
        raise InputError(f"workers must be 1 or more, not {n}")
    return n
