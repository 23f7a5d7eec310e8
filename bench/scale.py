#!/usr/bin/env python
"""How ``workreport.batch.extract_corpus`` scales: one command, three runs side by side.

    python bench/scale.py                 # 10,000 synthetic reports (made once, then reused)
    python bench/scale.py --docs 2000     # a smaller run
    python bench/scale.py --json          # the figures as one JSON object on stdout

It makes (or reuses) a corpus of synthetic reports with ``bench/make_corpus.py`` in a cache
folder (default ``$TMPDIR/workreport-bench/corpus-seed0``; the first N reports of a larger
corpus are the N reports of a smaller one, so a cache of 10,000 serves every N up to that),
then extracts it three times into fresh output folders:

1. ``1 worker``: one worker process: the baseline;
2. ``2 workers``: two worker processes;
3. ``Dask LocalCluster (2 workers)``: ``dask="local"`` with two single-threaded worker
   processes (skipped when ``distributed`` is not installed).

For each: wall time from the call to its return (pool or cluster start included), documents/s
and MB/s (MB: 1,000,000 bytes of the report files as stored), the start-up time (until the
first document is done) and the steady throughput after it, the scaling efficiency
``throughput / (2 × throughput of 1 worker)``, and the peak memory: the RSS of this process
plus all its descendants (worker processes, forkserver, Dask nannies), sampled every 0.2 s
with psutil if it is installed, else from /proc, as it stood when 1,000 documents were done
and at the end. About the same figure at 1,000 and at 10,000 documents means memory is flat.
Progress goes to stderr. Exit status 0 whenever the runs completed.

    python bench/scale.py --project               # 300 distinct reports → 100,000 reports
    python bench/scale.py --project --docs 500 --json
    python bench/scale.py --project --bases project   # from the small test reports instead
    python bench/scale.py --project --no-compiled     # without the compiled build's model

``--project`` answers "how long would the whole corpus take here?": 100,000 reports of 25,000
characters (2.5 × 10⁹ characters), extracted to Parquet and ingested into SQLite, on this
machine and with every added core. It measures, on ``--docs`` distinct synthetic reports
(default 300): ``extract_corpus`` and ``ingest_corpus`` with 1 and with 2 worker processes
(the wall time of each, start-up included), and the same files read + structured + extracted
in fresh processes (the pure work, characters per second; see ``pure_rounds``). Each batch's time is fitted as
``T(n) = S + P / n`` (Amdahl: ``S`` the serial part, the writes in the calling process; ``P``
what the workers share) from its 1- and 2-worker runs, ``P`` is split into the pure work (scaled
by characters) and the per-document overhead of the batch machinery (scaled by documents), and
``S`` by documents (the writes and the bookkeeping per document; a real 25,000-character report
has about 100–300 facts, a synthetic one about 60, so the writes may cost up to a few times
more than this says; so by default ``--project`` makes its reports from the real provincial
reports of the shared corpus, ``--bases shared``, which are real size). The load average is
printed: on a machine others share, 2 workers cannot get 2 cores, and the fit then calls serial what was waiting.
So a second projection adds up CPU seconds of the 1-worker runs instead, which that load does
not change: the writer's (this process) and the workers' (every descendant, read from /proc),
scaled by characters; on ``n`` idle cores a run takes at least the writer's time and at least
the sum ÷ ``n``. Each batch also runs on one report, for its fixed cost (the worker processes
starting and loading the extractor, the database's schema made, the files closed): a
100,000-report run pays it once, so both projections scale only what a run costs beyond it
(``T(n) = F + v × characters`` from the two runs) and add ``F`` once. When bench/web.py has
cached its registry of 10,000 reports, as many reports again, the next ones of the corpus that
registry was made of (places of every level, as a corpus of every government's reports has),
are ingested (1 worker) into a copy of it, and a third projection takes the writer's CPU from
that run: a registry's writes cost more as it grows. Goals, printed
as lines that say met or not: extract to Parquet in under 20 minutes and ingest in under
1 hour on 2 cores. The fit trusts two points on a shared machine: read it as an estimate.

The runs use the imported build (the header says which). When it is pure Python, ``--project``
also projects the optional compiled build (README "Compiled build"), as a model, not a run: a
compiled copy of this checkout's package (bench/compiled.py: built once by mypyc, about 3
CPU-minutes, then cached) does the same pure work over the same files in fresh processes, taking
turns with the pure build's (``pure_rounds``), and both
projections are redone with the workers' pure work at that rate and everything else as measured:
the writer's part (this process: the Parquet or SQLite writes) and the batch's per-document
overhead are the same code in both builds, since neither is compiled. ``--no-compiled`` skips it.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib.util
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))  # its sibling scripts: make_corpus, ingest (its CPU sampler)
MB = 1_000_000
MARK = 1000  # documents at which the first memory figure is taken


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- memory


def _proc_tree_rss() -> int:
    """RSS of this process and its descendants, from /proc (Linux without psutil)."""
    page = os.sysconf("SC_PAGE_SIZE")
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
            fields = stat[stat.rindex(b")") + 2 :].split()
            pid = int(entry.name)
            parent[pid] = int(fields[1])
            rss[pid] = int(fields[21]) * page
        except (OSError, ValueError, IndexError):
            continue
    tree, frontier = {os.getpid()}, [os.getpid()]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parent.items() if pp == p and c not in tree]
        tree.update(kids)
        frontier.extend(kids)
    return sum(rss.get(p, 0) for p in tree)


def tree_rss_function() -> tuple[Callable[[], int], str]:
    try:
        import psutil
    except ImportError:
        if os.path.exists("/proc/self/stat"):
            return _proc_tree_rss, "/proc"
        return (lambda: 0), "unavailable"
    me = psutil.Process()

    def measure() -> int:
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                continue
        return int(total)

    return measure, "psutil"


class PeakMemory(threading.Thread):
    """Samples the RSS of the process tree every ``interval`` seconds; keeps the peak."""

    def __init__(self, measure: Callable[[], int], interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.measure = measure
        self.interval = interval
        self.peak = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def sample(self) -> int:
        with contextlib.suppress(Exception):  # a process that ended between listing and reading
            self.peak = max(self.peak, self.measure())
        return self.peak

    def stop(self) -> int:
        self._halt.set()
        self.join()
        return self.sample()


# --------------------------------------------------------------------------- corpus


def corpus(n: int, cache: Path, seed: int, bases: str = "project") -> tuple[list[Path], str]:
    """The first ``n`` reports of the cached corpus made from ``bases`` (``project`` or
    ``shared``: see bench/make_corpus.py), made (bigger) first if need be."""
    import make_corpus

    return make_corpus.cached_corpus(n, cache, seed, bases, log)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- runs


def run_one(
    label: str, files: list[Path], out: Path, measure: Callable[[], int], **kw: Any
) -> dict[str, Any]:
    from workreport.batch import extract_corpus

    sampler = PeakMemory(measure)
    sampler.start()
    state: dict[str, Any] = {"first": None, "mark": None, "shown": 0.0}
    started = time.perf_counter()

    def progress(done: int, total: int, nbytes: int) -> None:
        now = time.perf_counter()
        if state["first"] is None:
            state["first"] = (now - started, done, nbytes)
        if done == min(MARK, total) and state["mark"] is None:
            state["mark"] = sampler.sample()
        if now - state["shown"] >= 5 or done == total:
            state["shown"] = now
            log(f"  {label}: {done:,}/{total:,} documents, {done / (now - started):.1f}/s")

    result = extract_corpus(files, out, progress=progress, **kw)
    seconds = time.perf_counter() - started
    peak = sampler.stop()
    first_s, first_docs, first_bytes = state["first"] or (0.0, 0, 0)
    steady_s = seconds - first_s
    return {
        "run": label,
        "documents": result.done,
        "failed": len(result.failed),
        "facts": result.facts,
        "mb": result.bytes / MB,
        "seconds": seconds,
        "docs_per_s": result.done / seconds,
        "mb_per_s": result.bytes / MB / seconds,
        "startup_s": first_s,
        "steady_docs_per_s": (result.done - first_docs) / steady_s if steady_s > 0 else 0.0,
        "steady_mb_per_s": (result.bytes - first_bytes) / MB / steady_s if steady_s > 0 else 0.0,
        "peak_mb_at_1000": state["mark"] / MB if state["mark"] is not None and len(files) >= MARK else None,
        "peak_mb_at_end": peak / MB,
    }


# --------------------------------------------------------------------------- projection

TARGET_DOCS = 100_000
TARGET_CHARS = 25_000  # characters per report
GOALS = {"extract": 20 * 60, "ingest": 60 * 60}  # seconds on 2 cores
CORES = (1, 2, 3, 4, 6, 8, 16, 32)


def pure_work_child(listing: str) -> None:
    """In a fresh process (for the compiled build, its copy first on PYTHONPATH): ``pure_work``
    over the files listed one a line in ``listing``; print JSON, with where workreport came from
    and its build."""
    import workreport
    from workreport.buildinfo import describe

    files = [Path(line) for line in Path(listing).read_text(encoding="utf-8").splitlines() if line]
    res: dict[str, Any] = dict(pure_work(files))
    res["workreport_file"] = workreport.__file__
    res["build"] = describe()
    print(json.dumps(res))


PURE_ROUNDS = 2  # fresh processes a build, taking turns with the other build's: the faster counts


def child_pure_work(files: list[Path], src: Path | None) -> dict[str, Any]:
    """``pure_work`` over ``files`` in a fresh process, which reads every report as a first
    reading does (no memo of an earlier pass): importing the copy in ``src`` (the compiled
    build's), or with ``src`` None the package this process imports."""
    import compiled

    from workreport.buildinfo import describe

    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8") as listing:
        listing.write("".join(f"{p}\n" for p in files))
        listing.flush()
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--_pure-work", listing.name],
            env=compiled.env_with(src) if src is not None else None,
            cwd=src.parent if src is not None else None,
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    res: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if src is None:
        return res if res["build"] == describe() else {"error": f"the subprocess imported a {res['build']} build"}
    if not Path(res["workreport_file"]).resolve().is_relative_to(src.resolve()):
        return {"error": f"the subprocess imported {res['workreport_file']}, not the copy in {src}"}
    if res["build"] != "compiled":
        return {"error": f"the copy in {src} imported as {res['build']!r}, not compiled"}
    return res


def pure_rounds(files: list[Path], src: Path | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The pure work of the imported build and (with ``src``) of the compiled copy, each in
    :data:`PURE_ROUNDS` fresh processes, the two builds taking turns; each build's fastest round
    counts. One pass of a few seconds moved by ±20% from one minute to the next on this shared
    machine, so measured one after the other the compiled build's speed-up read anywhere from
    1.1 to 1.6 on the same code; rounds in turn share the machine's state of the moment."""
    builds = [None] if src is None else [None, src]
    best: list[dict[str, Any]] = [{} for _ in builds]  # each build's fastest round, else its error
    for _ in range(PURE_ROUNDS):
        for k, where in enumerate(builds):
            r = child_pure_work(files, where)
            if r.get("chars_per_s", 0.0) > best[k].get("chars_per_s", 0.0) or not best[k]:
                best[k] = r
    if "error" in best[0]:  # the imported build's own subprocess failed: time it here instead
        log(f"  the pure work in a subprocess failed ({best[0]['error']}): timed in this process")
        best[0] = dict(pure_work(files))
    return best[0], best[1] if src is not None else {}


def pure_work(files: list[Path]) -> dict[str, float]:
    """Read + structure + extract every file in this process: the work without the batch. The
    rules are loaded first, on one sentence (as a batch worker loads them when it starts), so
    that the rate is the work's alone; each file is read once, as a batch reads it (a second
    pass over the same files would find the phrases of the first in the extractor's caches)."""
    from workreport.batch.runner import parse_plain

    parse_plain("ready.txt", "全市地区生产总值增长5%左右。".encode())
    data = [(str(p), p.read_bytes()) for p in files]
    chars = facts = 0
    started = time.perf_counter()
    for name, raw in data:
        try:
            doc, _st, found = parse_plain(name, raw)
        except Exception:  # a report that fails is left out of both sides
            continue
        chars += len(doc.text)
        facts += len(found)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "chars": chars, "facts": facts, "chars_per_s": chars / seconds}


def cpu_timed(fn: Callable[[], Any]) -> tuple[Any, dict[str, float]]:
    """``fn()`` and its wall seconds, the CPU seconds of this process (the writer) and of its
    descendants (the workers; bench/ingest.py's sampler, which also sees a fork server's)."""
    from ingest import CpuSampler

    sampler = CpuSampler()
    sampler.start()
    cpu, started = time.process_time(), time.perf_counter()
    out = fn()
    wall, own = time.perf_counter() - started, time.process_time() - cpu
    return out, {"wall_s": wall, "cpu_main_s": own, "cpu_workers_s": sampler.stop()}


def time_ingest(files: list[Path], db: Path, workers: int) -> dict[str, float]:
    from workreport.batch import ingest_corpus

    result, times = cpu_timed(lambda: ingest_corpus(f"sqlite:///{db}", files, workers=workers))
    if result.failed:
        log(f"  ingest: {len(result.failed)} failed, e.g. {result.failed[0]}")
    return times


def split_fixed(small: float, big: float, small_chars: int, big_chars: int) -> tuple[float, float]:
    """``big`` seconds split as ``(F, v × big_chars)`` by fitting ``T = F + v × characters``
    to a run on ``small_chars`` (``small`` seconds) and one on ``big_chars``: ``F`` what a run
    costs whatever its size (start-up, wind-down), the rest what grows with the corpus. Noise
    cannot make either part negative."""
    per_char = max(big - small, 0.0) / max(big_chars - small_chars, 1)
    fixed = min(max(small - per_char * small_chars, 0.0), big)
    return fixed, big - fixed


def fit(t1: float, t2: float, pure: float, docs: int, chars: int) -> dict[str, float]:
    """``T(n) = S + P/n`` from two runs, scaled to the target corpus: P's pure work by
    characters, the rest of P by documents, S by documents (the writes and the bookkeeping per
    document, as the module's doc says)."""
    parallel = max(2 * (t1 - t2), 0.0)
    serial = max(t1 - parallel, 0.0)
    parallel = t1 - serial
    per_char = min(pure, parallel)
    # on a loaded machine the fit calls serial what waited for a core, the workers' pure work too
    pure_in_serial = min(pure - per_char, serial)
    by_chars = TARGET_DOCS * TARGET_CHARS / chars
    by_docs = TARGET_DOCS / docs
    return {
        "serial_s": serial * by_docs,
        "parallel_s": per_char * by_chars + (parallel - per_char) * by_docs,
        "pure_work_s": per_char * by_chars,  # the parallel part's two shares, at full scale
        "overhead_s": (parallel - per_char) * by_docs,
        "pure_in_serial_s": pure_in_serial * by_docs,  # the share of serial_s that is pure work
        "overhead_per_doc_ms": 1000 * (parallel - per_char) / docs,
        "speedup_2": t1 / t2 if t2 > 0 else 0.0,
    }


def fit_cpu(times: dict[str, float], chars: int) -> dict[str, float]:
    """The same corpus from CPU seconds of the 1-worker run, which other processes' load does
    not change: the writer's ``S`` (this process) and the workers' ``P``, both scaled by
    characters (a real report's writes grow with its facts, so with its length). On ``n`` idle
    cores the run takes at least ``S`` (one writer) and at least ``(S + P) / n``."""
    by_chars = TARGET_DOCS * TARGET_CHARS / chars
    return {"writer_s": times["cpu_main_s"] * by_chars, "workers_s": times["cpu_workers_s"] * by_chars}


def compiled_model(model: dict[str, float], speedup: float, pure_s: float) -> dict[str, float]:
    """``model`` with the workers' pure work (read + structure + extract) ``speedup`` times faster,
    the compiled build's: the writer's part and the per-document overhead are the same code in
    both builds (not compiled). ``pure_s``: the pure work of the target corpus at the pure build's
    rate, the share of the CPU model's workers' seconds that the speed-up applies to. In the wall
    fit the pure work is faster wherever the fit put it: in ``P``, or in ``S`` when 2 workers
    were no faster than 1 (a loaded machine)."""
    fixed = {"fixed_s": model.get("fixed_s", 0.0)}  # start-up: measured in the pure build only
    if "writer_s" in model:
        pure = min(pure_s, model["workers_s"])
        return {"writer_s": model["writer_s"], "workers_s": model["workers_s"] - pure + pure / speedup, **fixed}
    saved = 1 - 1 / speedup
    return {
        "serial_s": model["serial_s"] - model["pure_in_serial_s"] * saved,
        "parallel_s": model["overhead_s"] + model["pure_work_s"] / speedup,
        **fixed,
    }


def outlook(models: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Each model's projected time by cores, and its goal: met on 2 cores, or how many cores would do."""
    return {
        "projection_s": {name: {str(n): projected(m, n) for n in CORES} for name, m in models.items()},
        "goals": {
            name: {
                "seconds_on_2_cores": GOALS[name.split("_")[0]],
                "projected_on_2_cores": projected(m, 2),
                "met": projected(m, 2) <= GOALS[name.split("_")[0]],
                "cores_needed": next(
                    (n for n in range(1, 4097) if projected(m, n) <= GOALS[name.split("_")[0]]), None
                ),
            }
            for name, m in models.items()
        },
    }


def projected(model: dict[str, float], cores: int) -> float:
    """``model``'s time on ``cores``: its fixed part once, and the part that grows with the corpus."""
    if "writer_s" in model:
        grows = max(model["writer_s"], (model["writer_s"] + model["workers_s"]) / cores)
    else:
        grows = model["serial_s"] + model["parallel_s"] / cores
    return model.get("fixed_s", 0.0) + grows


def hms(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}"


GROWN_DOCS = 10_000  # the registry bench/web.py builds (make bench's section 3)


def ingest_into_grown_registry(files: list[Path]) -> dict[str, Any]:
    """As many reports as ``files`` ingested with 1 worker into a copy of the registry of
    :data:`GROWN_DOCS` reports that bench/web.py caches, if it is there: the wall and CPU seconds
    (``time_ingest``) and the characters of the reports added, or ``skipped`` and why. The
    writer's work grows with the registry (a report's review makes targets stored before it
    due, outcomes are matched among more, the indexes are deeper): this says by how much.

    The reports added are the next ones of the corpus that registry was made of (reports
    ``GROWN_DOCS`` … of bench/web.py's corpus): places of every level, as the registry's own,
    about 1 in 100 a province's. Not ``files``, whose places are all provinces: a province's
    review also makes due the waiting targets of every place below it, so a batch of them
    re-rates several times the targets a batch of a whole corpus's reports does."""
    import web

    kind = "shared" if default_bases(True) == "shared" else "tests"
    cached = web.cached_database(GROWN_DOCS, kind)
    if cached is None:
        return {"skipped": f"no cached registry of {GROWN_DOCS:,} reports (python bench/web.py builds it)"}
    from workreport.batch import ingest_corpus

    log(f"ingest of the next {len(files):,} reports into a copy of the registry of {GROWN_DOCS:,} reports ({cached}), 1 worker …")
    copy = web.run_copy(cached)  # a backup, brought to the newest schema: not timed
    try:
        added = copy.parent / "reports"
        web.write_corpus(GROWN_DOCS + len(files), added, kind, start=GROWN_DOCS)
        with sqlite3.connect(copy) as conn:
            last = conn.execute("SELECT max(id) FROM documents").fetchone()[0]
        result, times = cpu_timed(lambda: ingest_corpus(f"sqlite:///{copy}", [added], workers=1))
        with sqlite3.connect(copy) as conn:
            times["documents_after"], times["chars"] = conn.execute(
                "SELECT count(*), sum(CASE WHEN id > ? THEN length(text) ELSE 0 END) FROM documents", (last,)
            ).fetchone()
            times["levels"] = dict(
                conn.execute(
                    "SELECT coalesce(level, 'none'), count(*) FROM documents WHERE id > ? GROUP BY 1 ORDER BY 2 DESC",
                    (last,),
                ).fetchall()
            )
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)
    if len(result.added) != len(files):
        return {"skipped": f"only {len(result.added)} of {len(files)} reports were added ({len(result.failed)} failed)"}
    return {**times, "registry": str(cached)}


def project(files: list[Path], note: str, other: dict[str, Any]) -> dict[str, Any]:
    """Measure the runs ``--project`` describes and project them to the target corpus; and the
    compiled build as a model when ``other`` has its copy's ``src``."""
    from workreport.batch import read_dataset
    from workreport.buildinfo import describe

    src = Path(other["src"]) if other.get("src") else None
    turns = f", taking turns with the compiled build ({other['note']})" if src else ""
    log(f"pure work: read + structure + extract {len(files):,} reports in fresh processes, {PURE_ROUNDS} rounds{turns} …")
    pure, compiled_pure = pure_rounds(files, src)
    if src is not None:
        other["pure"] = compiled_pure
    measure, _how = tree_rss_function()
    # (batch, workers, reports) -> wall and CPU seconds; (reports) -> characters
    timed: dict[tuple[str, int, int], dict[str, float]] = {}
    sizes: dict[int, int] = {}
    docs = 0
    with tempfile.TemporaryDirectory(prefix="workreport-project-") as tmp:
        for workers in (1, 2):
            for some in (files[:1], files):  # one report first: the fixed cost (the module's doc)
                n = len(some)
                log(f"extract to Parquet, {n:,} report(s), {workers} worker(s) …")
                out = Path(tmp) / f"out{workers}-{n}"
                r, timed["extract", workers, n] = cpu_timed(
                    functools.partial(run_one, f"extract {workers}", some, out, measure, workers=workers)
                )
                sizes[n] = sum(read_dataset(out, "documents").column("chars").to_pylist())
                docs = r["documents"] if n == len(files) else docs
                shutil.rmtree(out, ignore_errors=True)
                log(f"ingest into SQLite, {n:,} report(s), {workers} worker(s) …")
                timed["ingest", workers, n] = time_ingest(some, Path(tmp) / f"db{workers}-{n}.sqlite", workers)
    chars, few = sizes[len(files)], sizes[1]
    runs: dict[str, dict[int, float]] = {"extract": {}, "ingest": {}}  # wall seconds as measured
    fixed: dict[str, dict[str, float]] = {}  # each batch's fixed part, by figure
    scaling: dict[str, dict[int | str, float]] = {}  # each batch's part that grows with the corpus
    for name in runs:
        fixed[name], scaling[name] = {}, {}
        for workers in (1, 2):
            runs[name][workers] = timed[name, workers, len(files)]["wall_s"]
            f, v = split_fixed(timed[name, workers, 1]["wall_s"], runs[name][workers], few, chars)
            fixed[name][f"wall_{workers}_s"], scaling[name][workers] = f, v
        for figure in ("cpu_main_s", "cpu_workers_s"):
            f, v = split_fixed(timed[name, 1, 1][figure], timed[name, 1, len(files)][figure], few, chars)
            fixed[name][figure], scaling[name][figure] = f, v
    cpu_runs = {name: {k: timed[name, 1, len(files)][k] for k in ("wall_s", "cpu_main_s", "cpu_workers_s")} for name in runs}
    grown = ingest_into_grown_registry(files)
    models = {
        name: {
            **fit(s[1], s[2], pure["seconds"] * docs / max(len(files), 1), docs, chars),
            "fixed_s": max(fixed[name]["wall_1_s"], fixed[name]["wall_2_s"]),
        }
        for name, s in scaling.items()
    }
    for name, s in scaling.items():
        models[f"{name}_cpu"] = {
            **fit_cpu({"cpu_main_s": s["cpu_main_s"], "cpu_workers_s": s["cpu_workers_s"]}, chars),
            "fixed_s": fixed[name]["cpu_main_s"] + fixed[name]["cpu_workers_s"],
        }
    if "cpu_main_s" in grown:  # the same, with the writer's cost in a registry of 10,000 reports
        f = fixed["ingest"]
        models["ingest_cpu_grown"] = {
            **fit_cpu(
                {
                    "cpu_main_s": max(grown["cpu_main_s"] - f["cpu_main_s"], 0.0),
                    "cpu_workers_s": max(grown["cpu_workers_s"] - f["cpu_workers_s"], 0.0),
                },
                grown["chars"],
            ),
            "fixed_s": f["cpu_main_s"] + f["cpu_workers_s"],
        }
    if "chars_per_s" in other.get("pure", {}):
        speedup = other["pure"]["chars_per_s"] / pure["chars_per_s"]
        pure_s = TARGET_DOCS * TARGET_CHARS / pure["chars_per_s"]
        other["speedup"] = speedup
        other["models"] = {name: compiled_model(m, speedup, pure_s) for name, m in models.items()}
        other.update(outlook(other["models"]))
    elif "error" in other.get("pure", {}):
        other["skipped"] = f"the compiled pure work failed: {other['pure']['error']}"
    return {
        "build": describe(),
        "measured": {
            "documents": docs,
            "chars": chars,
            "chars_per_doc": chars / max(docs, 1),
            "corpus": note,
            "pure": pure,
            "seconds": {k: {str(n): v for n, v in t.items()} for k, t in runs.items()},
            "cpu_1_worker": cpu_runs,
            "one_report": {f"{b}_{w}_workers": t for (b, w, n), t in timed.items() if n == 1},
            "grown_registry": grown,
            "fixed": fixed,
        },
        "target": {"documents": TARGET_DOCS, "chars_per_doc": TARGET_CHARS},
        "models": models,
        **outlook(models),
        "compiled": other,
        "cpus": os.cpu_count(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def print_projection(p: dict[str, Any]) -> None:
    m = p["measured"]
    print(
        f"projection: {TARGET_DOCS:,} reports of {TARGET_CHARS:,} characters, from a real run on "
        f"{m['documents']:,} distinct synthetic reports ({m['chars']:,} characters, "
        f"{m['chars_per_doc']:,.0f} a report); {p['cpus']} CPUs here"
    )
    print(f"corpus: {m['corpus']}; load average at the end {p['load_average']}; build: {p['build']}")
    print(
        f"pure work (read + structure + extract, fresh processes, the faster of {PURE_ROUNDS}): {m['pure']['chars_per_s']:,.0f} characters/s"
    )
    for name in ("extract", "ingest"):
        t, model = m["seconds"][name], p["models"][name]
        print(
            f"{name}: measured {t['1']:.1f} s with 1 worker, {t['2']:.1f} s with 2 "
            f"(speed-up {model['speedup_2']:.2f}); batch overhead {model['overhead_per_doc_ms']:.0f} ms "
            f"a document; serial part at full scale {hms(model['serial_s'])}"
        )
        if f"{name}_cpu" in p["models"]:
            c = m["cpu_1_worker"][name]
            print(
                f"{name}, 1 worker, CPU seconds: {c['cpu_main_s']:.1f} in this process (the writer), "
                f"{c['cpu_workers_s']:.1f} in the workers"
            )
        g = m["grown_registry"]
        if name == "ingest" and "cpu_main_s" in g:
            print(
                f"ingest, 1 worker, of the next reports of its corpus ({g['chars']:,} characters; "
                f"{', '.join(f'{n} {level}' for level, n in g['levels'].items())}) into a copy "
                f"of the registry of {GROWN_DOCS:,} reports (then {g['documents_after']:,}): CPU "
                f"{g['cpu_main_s']:.1f} s in this process (the writer), "
                f"{g['cpu_workers_s']:.1f} s in the workers"
            )
        elif name == "ingest":
            print(f"ingest into a grown registry: not measured: {g['skipped']}")
        f = m["fixed"][name]
        print(
            f"{name}, fixed cost (from a run on one report; paid once, not scaled): wall {f['wall_1_s']:.1f} s "
            f"with 1 worker, {f['wall_2_s']:.1f} s with 2; CPU {f['cpu_main_s']:.1f} s in this process, "
            f"{f['cpu_workers_s']:.1f} s in the workers"
        )
    print()
    print(
        "two projections: 'wall' fits the wall times of the 1- and 2-worker runs (what this machine "
        "gave, under its load); 'CPU' adds up CPU seconds (what idle cores would give)"
    )
    print_outlook(p, p["cpus"])
    c = p.get("compiled") or {}
    print()
    if "models" not in c:
        print(f"compiled build: no projection: {c.get('skipped') or c.get('note')}")
        return
    print(
        f"compiled build, a MODEL, not a run: {c['note']}. Its pure work ran in fresh processes, in turn with the pure build's, on the "
        f"same files: {c['pure']['chars_per_s']:,.0f} characters/s, {c['speedup']:.2f} x the pure "
        "build's above. Below, the same two projections with the workers' pure work at that rate and "
        "everything else as measured: the writer's part (Parquet or SQLite writes in this process) and "
        "the batch's per-document overhead are the same code in both builds (not compiled)"
    )
    print_outlook(c, p["cpus"], "compiled, model: ")


def print_outlook(p: dict[str, Any], cpus: int | None, prefix: str = "") -> None:
    """The projections of ``p`` (``outlook``) by cores, then one line a goal: met or not."""
    titles = {
        "extract": "extract to Parquet (wall)",
        "extract_cpu": "extract (CPU)",
        "ingest": "ingest to SQLite (wall)",
        "ingest_cpu": "ingest (CPU)",
        "ingest_cpu_grown": f"ingest (CPU, writer as at {GROWN_DOCS:,})",
    }
    names = [n for n in titles if n in p["projection_s"]]
    header = ["cores", *(titles[n] for n in names)]
    rows = [
        [str(n) + (" (this machine)" if n == cpus else "")]
        + [hms(p["projection_s"][name][str(n)]) for name in names]
        for n in CORES
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, ["-" * w for w in widths], *rows]:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    print()
    for name in names:
        label = titles[name]
        g = p["goals"][name]
        need = g["cores_needed"]
        print(
            f"goal: {prefix}{label} under {hms(g['seconds_on_2_cores'])} on 2 cores: projected "
            f"{hms(g['projected_on_2_cores'])}: {'MET' if g['met'] else 'NOT MET'}"
            + (
                ""
                if g["met"]
                else f" ({need} cores would do)"
                if need
                else " (no number of cores would: the serial part alone is longer)"
            )
        )


def other_build(skip: bool) -> dict[str, Any]:
    """What ``project`` needs for the compiled model: the compiled copy's ``src`` (None: no
    model, and ``note`` says why), built if need be (bench/compiled.py)."""
    from workreport.buildinfo import COMPILED, build_kind

    if skip:
        return {"src": None, "note": "skipped (--no-compiled)"}
    if build_kind() == COMPILED:
        return {"src": None, "note": "the imported build is compiled: the projection above is the compiled build's"}
    import compiled

    import workreport

    # the checkout the runs import (an editable install's, or this one's): the model compares it
    # with its own compiled copy
    imported = Path(workreport.__file__).resolve().parents[2]
    src, note = compiled.compiled_src(imported if (imported / "setup.py").is_file() else ROOT)
    if src is None:
        log(f"no compiled build: {note}")
    return {"src": str(src) if src else None, "note": note}


def show_projection(figures: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        print_projection(figures)


def default_bases(project: bool) -> str:
    """``shared`` (real-size reports) for a projection when the shared corpus is there, else ``project``."""
    import make_corpus

    real = any((make_corpus.shared_root() / "corpus" / "provinces-2026").glob("*.txt"))
    return "shared" if project and real else "project"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--docs", type=int, default=None, help="reports per run (default 10,000; 300 with --project)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="corpus folder (default: $TMPDIR/workreport-bench/corpus-seed<SEED>)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--bases",
        choices=("project", "shared"),
        default=None,
        help="what the synthetic reports are made of (bench/make_corpus.py --bases): default "
        "shared (real-size provincial reports) with --project when $WORKREPORT_SHARED has them, "
        "else project",
    )
    parser.add_argument(
        "--project",
        action="store_true",
        help=f"project {TARGET_DOCS:,} reports of {TARGET_CHARS:,} characters (extract, ingest) from a run on --docs (default 300)",
    )
    parser.add_argument(
        "--no-compiled",
        action="store_true",
        help="with --project: no model of the compiled build (no compiled copy is built)",
    )
    parser.add_argument("--_pure-work", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._pure_work:  # a round of pure work (child_pure_work)
        pure_work_child(args._pure_work)
        return 0
    if args.docs is None:
        args.docs = 300 if args.project else 10_000
    if args.docs < 1:
        parser.error("--docs must be 1 or more")
    bases = args.bases or default_bases(args.project)
    default = f"corpus-seed{args.seed}" if bases == "project" else f"corpus-shared-seed{args.seed}"
    cache = args.cache or Path(tempfile.gettempdir()) / "workreport-bench" / default
    files, note = corpus(args.docs, cache, args.seed, bases)
    log(note)
    if args.project:
        show_projection(project(files, note, other_build(args.no_compiled)), args.json)
        return 0
    measure, how = tree_rss_function()
    has_dask = importlib.util.find_spec("distributed") is not None
    configs: list[tuple[str, dict[str, Any]]] = [
        ("1 worker", {"workers": 1}),
        ("2 workers", {"workers": 2}),
        ("Dask LocalCluster (2 workers)", {"workers": 2, "dask": "local"}),
    ]
    rows = []
    with tempfile.TemporaryDirectory(prefix="workreport-scale-") as tmp:
        for n, (label, kw) in enumerate(configs):
            if "dask" in kw and not has_dask:
                rows.append({"run": label, "skipped": "distributed is not installed"})
                continue
            log(f"{label} …")
            rows.append(run_one(label, files, Path(tmp) / f"out{n}", measure, **kw))
            shutil.rmtree(Path(tmp) / f"out{n}", ignore_errors=True)
    base = rows[0]
    for r in rows:
        if "skipped" in r:
            continue
        r["efficiency"] = r["docs_per_s"] / (2 * base["docs_per_s"]) if r is not base else None
        r["steady_efficiency"] = (
            r["steady_docs_per_s"] / (2 * base["steady_docs_per_s"]) if r is not base else None
        )
    versions = {"python": platform.python_version(), "cpus": os.cpu_count()}
    for mod in ("pyarrow", "distributed", "psutil"):
        if importlib.util.find_spec(mod) is not None:
            versions[mod] = __import__(mod).__version__
    total_mb = sum(p.stat().st_size for p in files) / MB
    figures = {
        "documents": len(files),
        "mb": total_mb,
        "corpus": note,
        "memory": how,
        **versions,
        "runs": rows,
    }
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0

    print(
        f"extract_corpus scaling: {len(files):,} synthetic reports ({total_mb:.1f} MB of files), "
        f"{os.cpu_count()} CPUs, Python {versions['python']}, pyarrow {versions.get('pyarrow', '-')}, "
        f"distributed {versions.get('distributed', '-')}"
    )
    print(f"corpus: {note}; memory: RSS of this process and its descendants ({how}), peak so far")
    print("baseline: 1 worker; efficiency = docs/s ÷ (2 × docs/s of 1 worker)\n")
    end_label = f"peak MB @{len(files):,}" + (" (end)" if len(files) == MARK else "")
    header = [
        "run",
        "s",
        "docs/s",
        "MB/s",
        "effic.",
        "start s",
        "steady docs/s",
        "steady eff.",
        "peak MB @1,000",
        end_label,
    ]
    table = []
    for r in rows:
        if "skipped" in r:
            table.append([r["run"], f"skipped: {r['skipped']}"] + [""] * (len(header) - 2))
            continue
        table.append(
            [
                r["run"] + (" (baseline)" if r is base else ""),
                f"{r['seconds']:.1f}",
                f"{r['docs_per_s']:.1f}",
                f"{r['mb_per_s']:.3f}",
                "—" if r["efficiency"] is None else f"{r['efficiency']:.2f}",
                f"{r['startup_s']:.1f}",
                f"{r['steady_docs_per_s']:.1f}",
                "—" if r["steady_efficiency"] is None else f"{r['steady_efficiency']:.2f}",
                "—" if r["peak_mb_at_1000"] is None else f"{r['peak_mb_at_1000']:.0f}",
                f"{r['peak_mb_at_end']:.0f}",
            ]
        )
    widths = [max(len(str(row[i])) for row in [header, *table]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *table]:
        print(
            "  ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    facts = {r["facts"] for r in rows if "skipped" not in r}
    print(
        f"\nfacts extracted: {', '.join(f'{f:,}' for f in sorted(facts))} ({'the same in every run' if len(facts) == 1 else 'DIFFERENT between runs'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
