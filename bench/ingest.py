#!/usr/bin/env python
"""Ingest against extraction, and ingest with 2 workers against 1, in one run.

    python bench/ingest.py                 # 140 distinct real-size reports (made once, then reused)
    python bench/ingest.py --docs 300      # a bigger run
    python bench/ingest.py --rounds 2      # each run twice, the faster counts
    python bench/ingest.py --json          # the figures as one JSON object on stdout
    python bench/ingest.py --db-url postgresql://postgres@127.0.0.1:5432/x   # into PostgreSQL

The reports are made by ``bench/make_corpus.py --bases shared``: the 28 real provincial reports
of 2026 in ``$WORKREPORT_SHARED/corpus/provinces-2026`` (about 20,000 characters each), each
copy with another jurisdiction and plan year, its paragraphs shuffled and a third of its
numbers changed, in mixed encodings and formats, so that no two reports share their text (the
project's own test reports are used instead when the shared folder is absent, and the output
says so). They are cached in ``$TMPDIR/workreport-bench/corpus-shared-seed<SEED>``, the folder
``bench/scale.py --project`` uses too.

It times, one after the other in this process, each from the call to its return (worker
start-up included):

1. ``extract_corpus`` to Parquet with 1 worker process: the baseline;
2. ``ingest_corpus`` into a new SQLite file with 1 worker process;
3. ``ingest_corpus`` into a new SQLite file with 2 worker processes.

With ``--db-url postgresql://…`` (a server the user may create databases on), runs 2 and 3
ingest into a new PostgreSQL database each instead, made on that server and dropped after.

It prints two ratios with their goals: ingest (1 worker) ÷ extract (1 worker), goal at most
1.3, and ingest with 1 worker ÷ ingest with 2 workers, goal at least 1.5. The load average is
printed too: on a machine others share, 2 workers cannot get 2 cores. So are the CPU seconds
of this process (the one writer) and of the worker processes (from /proc), and from them what 2
workers could gain over 1 on idle cores (on 2 cores about 2 ÷ (1 + writer CPU ÷ workers' CPU);
with a core for each process 1 ÷ max(½, writer CPU ÷ workers' CPU)), an estimate the load of
other processes does not change. The ingest's workers run at a lower priority than the writer
(``batch.ingest.WORKER_NICE``): more workers than cores never starve the writer. Progress goes to stderr.
Exit status 0 whenever the runs completed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOAL_RATIO = 1.3  # ingest / extract, 1 worker, at most
GOAL_SPEEDUP = 1.5  # ingest 1 worker / ingest 2 workers, at least


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def corpus(n: int, seed: int, cache: Path | None) -> tuple[list[Path], str, str]:
    """The first ``n`` reports of the cached corpus (made bigger first if need be), a note on
    where they came from, and the bases used (``shared`` or ``project``)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import make_corpus

    bases = "shared" if any((make_corpus.shared_root() / "corpus" / "provinces-2026").glob("*.txt")) else "project"
    folder = cache or Path(tempfile.gettempdir()) / "workreport-bench" / f"corpus-{bases}-seed{seed}"
    files, note = make_corpus.cached_corpus(n, folder, seed, bases, log)
    return files[:n], note, bases


class CpuSampler(threading.Thread):
    """CPU seconds (user + system) of this process's descendants (the worker processes, which a
    fork server starts, so ``RUSAGE_CHILDREN`` misses them), read from /proc every 0.2 s: the
    last reading of each process counts, less what it had used when the sampler started."""

    def __init__(self, root: int | None = None) -> None:
        super().__init__(daemon=True)
        self.root = root or os.getpid()  # whose descendants count (a database server's: its own)
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.seen: dict[int, float] = {}
        self.before = self._read()
        self._halt = threading.Event()

    def _read(self) -> dict[int, float]:
        parent: dict[int, int] = {}
        cpu: dict[int, float] = {}
        try:
            entries = list(os.scandir("/proc"))
        except OSError:
            return {}
        for entry in entries:
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as fh:
                    stat = fh.read()
                fields = stat[stat.rindex(b")") + 2 :].split()
                parent[int(entry.name)] = int(fields[1])
                cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / self.tick
            except (OSError, ValueError, IndexError):
                continue
        tree, frontier = set(), [self.root]
        while frontier:
            p = frontier.pop()
            kids = [c for c, pp in parent.items() if pp == p and c not in tree]
            tree.update(kids)
            frontier.extend(kids)
        if self.root != os.getpid():
            tree.add(self.root)
        return {p: cpu[p] for p in tree if p in cpu}

    def run(self) -> None:
        while not self._halt.is_set():
            self.seen.update(self._read())
            self._halt.wait(0.2)

    def stop(self) -> float:
        self._halt.set()
        self.join()
        self.seen.update(self._read())
        return sum(max(v - self.before.get(p, 0.0), 0.0) for p, v in self.seen.items())


def _timed(fn: Any, server: int | None = None) -> tuple[Any, float, float, float, float | None]:
    """``fn()``, its wall seconds, this process's CPU seconds, its descendants', and those of the
    database server whose main process is ``server`` (if given)."""
    sampler = CpuSampler()
    sampler.start()
    server_sampler = CpuSampler(server) if server else None
    if server_sampler is not None:
        server_sampler.start()
    cpu, started = time.process_time(), time.perf_counter()
    out = fn()
    seconds, own = time.perf_counter() - started, time.process_time() - cpu
    return out, seconds, own, sampler.stop(), server_sampler.stop() if server_sampler is not None else None


def timed_extract(files: list[Path], out: Path, workers: int) -> dict[str, Any]:
    from workreport.batch import extract_corpus, read_dataset

    result, seconds, own, workers_cpu, _ = _timed(lambda: extract_corpus(files, out, workers=workers))
    chars = sum(read_dataset(out, "documents").column("chars").to_pylist())
    return {
        "seconds": seconds,
        "documents": result.done,
        "failed": len(result.failed),
        "facts": result.facts,
        "chars": chars,
        "cpu_main_s": own,
        "cpu_workers_s": workers_cpu,
    }


def timed_ingest(files: list[Path], db: Path, workers: int, server: str | None = None) -> dict[str, Any]:
    """Ingest into a new SQLite file ``db``, or with ``server`` (a PostgreSQL URL) into a new
    database made on that server for this run and dropped after it."""
    if server is None:
        return _timed_ingest(files, f"sqlite:///{db}", workers)
    name = f"workreport_bench_{os.getpid()}_{db.parent.name.replace('-', '_')}"
    _pg_admin(server, f'CREATE DATABASE "{name}"')
    try:
        return _timed_ingest(files, _pg_url(server, name), workers)
    finally:
        _pg_admin(server, f'DROP DATABASE IF EXISTS "{name}"')


def _pg_url(server: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    from workreport.store.database import resolve_url

    return make_url(resolve_url(server)).set(database=name).render_as_string(hide_password=False)


def _pg_admin(server: str, sql: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(_pg_url(server, "postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


def _timed_ingest(files: list[Path], url: str, workers: int) -> dict[str, Any]:
    from sqlalchemy import create_engine, text

    from workreport.batch import ingest_corpus
    from workreport.store.database import resolve_url

    engine = create_engine(resolve_url(url))
    server = _postmaster(engine)
    result, seconds, own, workers_cpu, server_cpu = _timed(
        lambda: ingest_corpus(url, files, workers=workers), server
    )
    try:
        with engine.connect() as conn:
            facts = conn.execute(text("SELECT count(*) FROM facts")).scalar()
            # SQLite's FTS5 index counts its documents; PostgreSQL's trigram index is an ordinary one
            table = "documents_fts_docsize" if engine.dialect.name == "sqlite" else "documents"
            indexed = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
    finally:
        engine.dispose()
    if result.failed:
        log(f"  {len(result.failed)} failed, e.g. {result.failed[0]}")
    return {
        "seconds": seconds,
        "documents": len(result.added),
        "failed": len(result.failed),
        "facts": facts,
        "search_indexed": indexed,
        "cpu_main_s": own,
        "cpu_workers_s": workers_cpu,
        "cpu_server_s": server_cpu,
    }


def _postmaster(engine: Any) -> int | None:
    """The main process of a PostgreSQL server on this machine (from its data folder), so that
    the CPU its backends spend on the writes (indexes, COPY) is counted too; else None."""
    from sqlalchemy import text

    if engine.dialect.name != "postgresql":
        return None
    try:
        with engine.connect() as conn:
            folder = conn.execute(text("SHOW data_directory")).scalar()
        return int((Path(str(folder)) / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError, Exception):  # another machine's server, or no right to read it
        return None


def run(files: list[Path], rounds: int, server: str | None = None) -> dict[str, dict[str, Any]]:
    """Each run ``rounds`` times, taking turns; the fastest of each counts."""
    best: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="workreport-bench-ingest-") as tmp:
        for r in range(rounds):
            for name, fn in (
                ("extract_1", lambda p: timed_extract(files, p, 1)),
                ("ingest_1", lambda p: timed_ingest(files, p, 1, server)),
                ("ingest_2", lambda p: timed_ingest(files, p, 2, server)),
            ):
                target = Path(tmp) / f"{name}-{r}" / ("out" if name.startswith("extract") else "db.sqlite")
                target.parent.mkdir(parents=True)
                log(f"round {r + 1}/{rounds}: {name.replace('_', ', ')} worker(s) …")
                figures = fn(target)
                log(f"  {figures['seconds']:.1f} s")
                if name not in best or figures["seconds"] < best[name]["seconds"]:
                    best[name] = figures
                shutil.rmtree(target.parent, ignore_errors=True)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, default=140, help="distinct reports (default 140)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--rounds", type=int, default=1, help="times each run is made; the fastest counts (default 1)")
    parser.add_argument("--cache", type=Path, default=None, help="corpus folder (default: under $TMPDIR/workreport-bench)")
    parser.add_argument(
        "--db-url",
        default=None,
        help="a PostgreSQL server's URL: each ingest goes to a new database made there for it, dropped "
        "after it (default: a new SQLite file each)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.docs < 1 or args.rounds < 1:
        parser.error("--docs and --rounds must be 1 or more")
    files, note, bases = corpus(args.docs, args.seed, args.cache)
    log(note)
    if args.db_url is not None and not args.db_url.startswith(("postgres://", "postgresql")):
        parser.error("--db-url must be a PostgreSQL URL (postgresql://user@host:port/db)")
    best = run(files, args.rounds, args.db_url)
    database = "PostgreSQL" if args.db_url else "SQLite"
    e1, i1, i2 = best["extract_1"], best["ingest_1"], best["ingest_2"]
    ratio = i1["seconds"] / e1["seconds"]
    speedup = i1["seconds"] / i2["seconds"]
    figures = {
        "documents": len(files),
        "bases": bases,
        "corpus": note,
        "chars_per_doc": e1["chars"] / max(e1["documents"], 1),
        "cpus": os.cpu_count(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "rounds": args.rounds,
        "database": database,
        "runs": best,
        "ingest_over_extract": ratio,
        "ingest_speedup_2_workers": speedup,
        "goals": {
            "ingest_over_extract": {"at_most": GOAL_RATIO, "met": ratio <= GOAL_RATIO},
            "ingest_speedup_2_workers": {"at_least": GOAL_SPEEDUP, "met": speedup >= GOAL_SPEEDUP},
        },
    }
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0
    what = "real provincial reports varied" if bases == "shared" else "the project's test reports varied (no shared corpus)"
    print(
        f"ingest: {len(files):,} distinct reports ({what}), {figures['chars_per_doc']:,.0f} characters a "
        f"report; {os.cpu_count()} CPUs, load average at the end {figures['load_average']}"
    )
    print(f"corpus: {note}; best of {args.rounds} round(s)")
    rows = [
        ("extract to Parquet, 1 worker (baseline)", e1),
        (f"ingest into {database}, 1 worker", i1),
        (f"ingest into {database}, 2 workers", i2),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'run'.ljust(width)}  {'s':>7}  {'docs/s':>7}  {'facts':>7}  {'CPU s: main':>11}  {'workers':>7}  failed")
    for label, r in rows:
        print(
            f"{label.ljust(width)}  {r['seconds']:7.1f}  {r['documents'] / r['seconds']:7.2f}  "
            f"{r['facts']:7,}  {r['cpu_main_s']:11.1f}  {r['cpu_workers_s']:7.1f}  {r['failed']}"
        )
    if i1.get("search_indexed") != i1["documents"]:
        print(f"note: {i1.get('search_indexed')} of {i1['documents']} documents in the full-text index")
    print(
        f"ingest ÷ extract (1 worker): {ratio:.2f}; goal ≤ {GOAL_RATIO}: "
        f"{'MET' if ratio <= GOAL_RATIO else 'NOT MET'}"
    )
    print(
        f"ingest 1 worker ÷ 2 workers: {speedup:.2f}; goal ≥ {GOAL_SPEEDUP}: "
        f"{'MET' if speedup >= GOAL_SPEEDUP else 'NOT MET'}"
    )
    for label, r in rows[1:]:
        if r.get("cpu_server_s") is not None:
            print(f"{label}: CPU s of the database server's processes {r['cpu_server_s']:.1f}")
    # the writing costs the writer's CPU and, on PostgreSQL, that of the server's processes
    share = (i1["cpu_main_s"] + (i1.get("cpu_server_s") or 0.0)) / max(i1["cpu_workers_s"], 1e-9)
    writer = "the one writer and the database server" if i1.get("cpu_server_s") is not None else "the one writer"
    cores = os.cpu_count() or 1
    print(
        f"CPU of {writer} ÷ CPU of the workers (ingest, 1 worker): {share:.2f}; that bounds 2 workers ÷ 1 "
        f"at about {speedup_bound(share, cores):.2f} on {cores} idle cores, and at "
        f"{speedup_bound(share, max(3, cores + 1)):.2f} with a core for each process (an estimate that the "
        "load of other processes does not change)"
    )
    return 0


def speedup_bound(share: float, cores: int) -> float:
    """What 2 workers can gain over 1 when the one writer costs ``share`` of the workers' CPU:
    each run takes at least its slowest process's time, and at least all the CPU it needs shared
    by ``cores`` (in units of the workers' CPU: 1 worker has 1, 2 workers have ½ each)."""
    one = max(1.0, share, (1 + share) / cores)
    two = max(0.5, share, (1 + share) / cores)
    return one / two


if __name__ == "__main__":
    sys.exit(main())
