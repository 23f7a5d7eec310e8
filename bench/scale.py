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
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
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


def corpus(n: int, cache: Path, seed: int) -> tuple[list[Path], str]:
    """The first ``n`` reports of the cached corpus, made (bigger) first if need be."""
    sys.path.insert(0, str(ROOT / "bench"))
    import make_corpus

    info_path = cache / "_corpus.json"
    have = 0
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
        if info.get("seed") == seed and info.get("bases") == [b.name for b in make_corpus.load_bases()]:
            have = int(info.get("n", 0))
    except (OSError, ValueError):
        pass
    if have >= n:
        note = f"reused {cache} ({have:,} reports)"
    else:
        if cache.exists():
            shutil.rmtree(cache)
        log(f"making {n:,} synthetic reports in {cache} …")
        summary = make_corpus.make_corpus(n, cache, seed)
        note = f"made {n:,} reports in {cache} in {summary['seconds']} s"
    files = sorted(p for p in cache.rglob("*") if p.is_file() and not p.name.startswith(("_", ".")))
    return files[:n], note


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, default=10_000, help="reports per run (default 10,000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="corpus folder (default: $TMPDIR/workreport-bench/corpus-seed<SEED>)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.docs < 1:
        parser.error("--docs must be 1 or more")
    cache = args.cache or Path(tempfile.gettempdir()) / "workreport-bench" / f"corpus-seed{args.seed}"
    files, note = corpus(args.docs, cache, args.seed)
    log(note)
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
