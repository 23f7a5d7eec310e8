#!/usr/bin/env python
"""Latency of the web app's read endpoints over a registry of 10,000 reports, against a static file.

    python bench/web.py [--docs 10000] [--requests 300] [--concurrency 8] [--bases shared|tests] [--json]

1. Builds a SQLite registry of ``--docs`` distinct real-size reports, ingested with
   ``workreport.batch.ingest_corpus`` (2 workers): the rows are what ``workreport ingest``
   writes. The reports are made by bench/make_corpus.py's variations (another jurisdiction of
   the same level, other years, shuffled paragraphs, changed numbers, several encodings and
   formats) applied to the 28 real provincial reports of 2026 in the shared corpus
   (``$WORKREPORT_SHARED/corpus/provinces-2026``, ~20,000 characters each; ``--bases tests``
   uses the project's small test reports instead, as does a machine without the shared
   corpus). The database is cached under ``$WORKREPORT_BENCH_CACHE`` (default
   ``<tempdir>/workreport-bench-web``), one folder per ``--docs``, bases and extractor version;
   ``--rebuild`` throws the cached one away. ``--docs 10000`` (the goal's size) takes a while
   to build the first time (about 7–10 minutes on 2 cores: 421 s measured); later runs reuse it.
2. Copies it (the API's /track records assessments, so every run starts from the same
   database) and starts ``python -m workreport.cli serve`` on a free port.
3. In a second process, sends ``--requests`` requests to each endpoint from ``--concurrency``
   threads, each with its own keep-alive ``http.client`` connection, and times each request
   (status line to last body byte).
   The search terms are a few common phrases (people ask the same things: a query's ranking
   is kept, see ``store.queries.search``); "new queries" asks indicator phrases of the
   registry once each, so every one of them ranks its matches afresh.
4. Prints p50, p95, requests/s and the ratios to the static file ``/static/app.css``
   measured in the same run, then stops the server. Exit status 0 whenever it ran.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "static file"
SEARCH_TERMS = ("高质量发展", "营商环境", "乡村振兴", "生态环境", "民生实事", "城镇新增就业", "地区生产总值")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- 1. the database


def cache_root() -> Path:
    return Path(
        os.environ.get("WORKREPORT_BENCH_CACHE") or Path(tempfile.gettempdir()) / "workreport-bench-web"
    )


def shared_root() -> Path:
    return Path(os.environ.get("WORKREPORT_SHARED") or ROOT.parent / "shared")


def write_corpus(n_docs: int, folder: Path, bases_kind: str, start: int = 0) -> dict[str, object]:
    """Reports ``start`` … n-1 under ``folder`` (make_corpus's layout and variations) from the
    chosen bases: with a ``start``, the reports a registry of ``start`` reports would grow by.
    From the shared provincial reports, each gets a place of any level: the registry then holds
    reports of ~3,000 places, a few each, as a corpus of every government's reports does (not
    10,000 of 34 provinces)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import make_corpus

    if bases_kind == "tests":
        return make_corpus.make_corpus(n_docs, folder, seed=0, start=start)
    return make_corpus.make_corpus(n_docs, folder, seed=0, start=start, source="shared", every_level=True)


def default_bases() -> str:
    return "shared" if (shared_root() / "corpus" / "provinces-2026").is_dir() else "tests"


def cache_folder(n_docs: int, bases_kind: str) -> Path:
    """Where the database of ``n_docs`` reports made of ``bases_kind`` is cached."""
    from workreport.version import EXTRACTOR_VERSION

    tag = "" if bases_kind == "tests" else f"-{bases_kind}"
    return cache_root() / f"docs-{n_docs}{tag}-x{EXTRACTOR_VERSION}"


def cached_database(n_docs: int, bases_kind: str = "") -> Path | None:
    """The cached database of ``n_docs`` reports if a finished build is there, else None."""
    folder = cache_folder(n_docs, bases_kind or default_bases())
    ready = (folder / "_built.json").exists() and (folder / "registry.sqlite").exists()
    return folder / "registry.sqlite" if ready else None


def build_database(n_docs: int, rebuild: bool, bases_kind: str = "") -> tuple[Path, dict[str, object]]:
    """The cached database of ``n_docs`` reports: (path, info). Builds it when missing."""
    bases_kind = bases_kind or default_bases()
    folder = cache_folder(n_docs, bases_kind)
    db_path = folder / "registry.sqlite"
    marker = folder / "_built.json"
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    if marker.exists() and db_path.exists():
        info = json.loads(marker.read_text())
        info["reused"] = True
        log(f"database: reusing {db_path} (built in {info['build_seconds']:.1f} s)")
        return db_path, info

    from workreport.batch import ingest_corpus

    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "corpus"
    started = time.perf_counter()
    summary_file = corpus / "_corpus.json"
    want = {"n": n_docs, "seed": 0, "start": 0}
    if summary_file.exists() and {k: json.loads(summary_file.read_text()).get(k, 0) for k in want} == want:
        log(f"database: reusing the corpus in {corpus}")
    else:
        shutil.rmtree(corpus, ignore_errors=True)
        s = write_corpus(n_docs, corpus, bases_kind)
        log(f"database: wrote {n_docs:,} reports ({int(s['bytes']) / 1e6:.1f} MB) in {s['seconds']} s")
    corpus_seconds = time.perf_counter() - started

    shown = [0.0]

    def progress(done: int, total: int, _nbytes: int) -> None:
        now = time.perf_counter()
        if now - shown[0] >= 5 or done == total:
            shown[0] = now
            log(f"database: ingested {done:,}/{total:,}  ({now - started:.0f} s)")

    # an interrupted build resumes: ingest_corpus skips what is already stored
    res = ingest_corpus(f"sqlite:///{db_path}", [str(corpus)], workers=2, progress=progress)
    for path, reason in res.failed[:5]:
        log(f"database: failed {path}: {reason}")
    build_seconds = time.perf_counter() - started
    info: dict[str, object] = {
        "docs_requested": n_docs,
        "bases": bases_kind,
        "added": len(res.added),
        "failed": len(res.failed),
        "corpus_seconds": round(corpus_seconds, 2),
        "build_seconds": round(build_seconds, 2),
        "db_bytes": db_path.stat().st_size,
    }
    marker.write_text(json.dumps(info, indent=2) + "\n")
    info["reused"] = False
    log(f"database: built in {build_seconds:.1f} s ({res.summary()})")
    return db_path, info


def run_copy(cached: Path) -> Path:
    """A fresh copy of the cached database for this run (sqlite backup: consistent even with a WAL)."""
    run_dir = Path(tempfile.mkdtemp(prefix="workreport-bench-web-run-"))
    dst = run_dir / "registry.sqlite"
    with sqlite3.connect(cached) as src, sqlite3.connect(dst) as out:
        src.backup(out)
    # bring the copy to the newest schema now, so that the server starts at once
    from workreport.store import Database

    Database(f"sqlite:///{dst}").close()
    return dst


def parameters(db_path: Path, seed: int = 1) -> dict[str, object]:
    """Realistic request parameters taken from the database itself."""
    from workreport.store import fulltext

    c = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        ids = [r[0] for r in c.execute("SELECT id FROM documents ORDER BY id")]
        n_facts = c.execute("SELECT count(*) FROM facts").fetchone()[0]
        n_commitments = c.execute("SELECT count(*) FROM commitments").fetchone()[0]
        # jurisdictions with at least one numeric target, i.e. something for /track to rate
        places = [
            r[0]
            for r in c.execute(
                # one pass over the targets index (an EXISTS per place would scan every target
                # once per place: minutes at 10,000 reports)
                "SELECT j.name FROM jurisdictions j WHERE j.id IN (SELECT c.jurisdiction_id FROM commitments c "
                "WHERE c.type = 'target' AND c.retired = 0) ORDER BY j.id"
            )
        ]
        terms = [
            t
            for t in SEARCH_TERMS
            if c.execute(
                "SELECT 1 FROM documents_fts WHERE documents_fts MATCH ? LIMIT 1", (fulltext.phrase(t),)
            ).fetchone()
        ]
        # phrases asked once each (indicator phrases of 3 to 8 characters): every one a search
        # whose ranking nobody asked for before
        fresh = [
            r[0]
            for r in c.execute(
                "SELECT DISTINCT indicator FROM facts WHERE length(indicator) BETWEEN 3 AND 8 "
                "AND indicator NOT GLOB '*[0-9\"]*' LIMIT 5000"
            )
        ]
        # documents that have target facts, for /api/facts?document_id=&kind=target
        with_targets = [
            r[0] for r in c.execute("SELECT DISTINCT document_id FROM facts WHERE kind = 'target'")
        ]
    finally:
        c.close()
    if not ids or not places or not terms:
        raise SystemExit(f"bench/web.py: the database {db_path} has no documents, targets or search hits")
    rng = random.Random(seed)
    return {
        "ids": ids,
        "target_ids": with_targets or ids,
        "places": places,
        "terms": terms,
        "fresh": fresh,
        "pages": max(1, -(-len(ids) // 50)),
        "documents": len(ids),
        "facts": n_facts,
        "commitments": n_commitments,
        "seed": rng.randrange(1 << 30),
    }


def endpoints(p: dict[str, object], n: int) -> list[tuple[str, list[str]]]:
    """(name, n request paths) per endpoint, the static file first; parameters drawn at random.
    The load generator uses the first few paths to warm up and times the rest (see load)."""
    rng = random.Random(p["seed"])  # type: ignore[arg-type]
    ids: list[int] = p["ids"]  # type: ignore[assignment]
    target_ids: list[int] = p["target_ids"]  # type: ignore[assignment]
    places: list[str] = p["places"]  # type: ignore[assignment]
    terms: list[str] = p["terms"]  # type: ignore[assignment]
    pages: int = p["pages"]  # type: ignore[assignment]
    fresh: list[str] = p["fresh"]  # type: ignore[assignment]
    stems = sorted({name[:2] for name in places})

    def many(make):  # type: ignore[no-untyped-def]
        return [make() for _ in range(n)]

    return [
        (BASELINE, many(lambda: "/static/app.css")),
        ("/api/documents", many(lambda: f"/api/documents?per_page=50&page={rng.randint(1, pages)}")),
        ("/api/documents/{id}", many(lambda: f"/api/documents/{rng.choice(ids)}")),
        (
            "/api/facts?document_id=&kind=",
            many(lambda: f"/api/facts?document_id={rng.choice(target_ids)}&kind=target&per_page=50"),
        ),
        (
            "/api/track?jurisdiction=",
            many(lambda: f"/api/track?jurisdiction={quote(rng.choice(places))}&per_page=50"),
        ),
        ("/api/search?q=", many(lambda: f"/api/search?q={quote(rng.choice(terms))}&per_page=50")),
        *(
            [
                (
                    "/api/search?q= (new queries)",
                    [f"/api/search?q={quote(t)}&per_page=50" for t in rng.sample(fresh, min(n, len(fresh)))],
                )
            ]
            if len(fresh) > 16
            else []
        ),
        (
            "/api/jurisdictions?q=",
            many(lambda: f"/api/jurisdictions?q={quote(rng.choice(stems))}&per_page=50"),
        ),
        ("/documents/{id} (page)", many(lambda: f"/documents/{rng.choice(ids)}")),
    ]


# --------------------------------------------------------------------------- 2. the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db_path: Path, log_path: Path, workers: int = 1) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    logfile = open(log_path, "wb")  # noqa: SIM115 - the server writes to it until it stops
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "workreport.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--db",
            f"sqlite:///{db_path}",
            "--insecure-cookies",
            "--workers",
            str(workers),
        ],
        stdout=logfile,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    logfile.close()
    deadline = time.monotonic() + 300  # a loaded machine starts slowly
    while True:
        if proc.poll() is not None:
            tail = log_path.read_text(errors="replace")[-2000:]
            raise SystemExit(f"bench/web.py: the server exited ({proc.returncode}):\n{tail}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/static/app.css")
            if conn.getresponse().status == 200:
                conn.close()
                return proc, port
            conn.close()
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_server(proc)
            raise SystemExit("bench/web.py: the server did not answer within 300 s")
        time.sleep(0.2)


def stop_server(proc: subprocess.Popen[bytes]) -> int | None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)  # uvicorn: graceful shutdown
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


# --------------------------------------------------------------------------- 3. the load generator


def _hammer(port: int, paths: list[str], concurrency: int, limit: float = 0) -> dict[str, object]:
    """Send every path once from ``concurrency`` threads; latencies in seconds, in completion order.
    With ``limit`` > 0, no request is sent after ``limit`` seconds (those in flight finish)."""
    lock = threading.Lock()
    queue = iter(range(len(paths)))
    latencies: list[float] = []
    errors: list[str] = []
    nbytes = [0]

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        while True:
            with lock:
                i = None if limit and time.perf_counter() - started > limit else next(queue, None)
            if i is None:
                break
            for attempt in range(2):
                try:
                    t0 = time.perf_counter()
                    conn.request("GET", paths[i], headers={"Accept": "*/*"})
                    resp = conn.getresponse()
                    body = resp.read()
                    dt = time.perf_counter() - t0
                    with lock:
                        latencies.append(dt)
                        nbytes[0] += len(body)
                        if resp.status != 200:
                            errors.append(f"{resp.status} {paths[i]}")
                    if resp.getheader("connection", "").lower() == "close":
                        conn.close()
                    break
                except (http.client.HTTPException, OSError) as exc:
                    conn.close()  # reconnect once; a second failure counts as an error
                    if attempt == 1:
                        with lock:
                            errors.append(f"{type(exc).__name__} {paths[i]}")
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()  # read by the workers: set before they start
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {"latencies": latencies, "errors": errors, "wall": wall, "bytes": nbytes[0], "planned": len(paths)}


def load(
    port: int, plan: list[tuple[str, list[str]]], concurrency: int, warm: int, limit: float
) -> list[dict[str, object]]:
    """Runs in the load-generator process: each endpoint in turn, ``warm`` requests (other
    parameters than the timed ones, not counted) and then the timed ones."""
    out = []
    for name, paths in plan:
        _hammer(port, paths[:warm], concurrency, limit)
        r = _hammer(port, paths[warm:], concurrency, limit)
        r["name"] = name
        r["example"] = paths[warm]
        out.append(r)
        n = len(r["latencies"])  # type: ignore[arg-type]
        cut = f", stopped at the {limit:g} s limit" if n < len(paths) - warm else ""
        print(f"  {name:<30} {n} requests in {r['wall']:.1f} s{cut}", file=sys.stderr, flush=True)
    return out


def pct(xs: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of xs."""
    s = sorted(xs)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, round(q * len(s) + 0.5) - 1))
    return s[k]


# --------------------------------------------------------------------------- 4. report


def summarise(raw: list[dict[str, object]]) -> list[dict[str, object]]:
    rows = []
    for r in raw:
        lat: list[float] = r["latencies"]  # type: ignore[assignment]
        rows.append(
            {
                "endpoint": r["name"],
                "example": r["example"],
                "requests": len(lat),
                "planned": r["planned"],
                "errors": len(r["errors"]),  # type: ignore[arg-type]
                "p50_ms": pct(lat, 0.50) * 1000,
                "p95_ms": pct(lat, 0.95) * 1000,
                "max_ms": max(lat) * 1000 if lat else float("nan"),
                "mean_ms": statistics.fmean(lat) * 1000 if lat else float("nan"),
                "rps": len(lat) / r["wall"] if r["wall"] else float("nan"),  # type: ignore[operator]
                "kb_per_response": r["bytes"] / max(1, len(lat)) / 1000,  # type: ignore[operator]
                "first_errors": r["errors"][:3],  # type: ignore[index]
            }
        )
    base = next(x for x in rows if x["endpoint"] == BASELINE)
    for x in rows:
        x["p50_ratio"] = x["p50_ms"] / base["p50_ms"]  # type: ignore[operator]
        x["p95_ratio"] = x["p95_ms"] / base["p95_ms"]  # type: ignore[operator]
    return rows


def table(rows: list[dict[str, object]]) -> str:
    head = ("endpoint", "n", "p50 ms", "p95 ms", "req/s", "p50/static", "p95/static", "errors", "KB/resp")
    body = [
        (
            str(r["endpoint"]),
            str(r["requests"]) + ("*" if r["requests"] != r["planned"] else ""),
            f"{r['p50_ms']:.1f}",
            f"{r['p95_ms']:.1f}",
            f"{r['rps']:.1f}",
            f"{r['p50_ratio']:.1f}",
            f"{r['p95_ratio']:.1f}",
            str(r["errors"]),
            f"{r['kb_per_response']:.1f}",
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(head), "  ".join("-" * w for w in widths), *(line(b) for b in body)])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--docs", type=int, default=10_000, help="reports in the database (default 10,000)")
    ap.add_argument("--requests", type=int, default=300, help="requests per endpoint (default 300)")
    ap.add_argument("--concurrency", type=int, default=8, help="client threads (default 8)")
    ap.add_argument(
        "--limit",
        type=float,
        default=60,
        help="seconds per endpoint after which no more requests are sent (default 60; 0: none)",
    )
    ap.add_argument("--json", action="store_true", help="one JSON object on stdout instead of the table")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached database")
    ap.add_argument(
        "--bases",
        choices=("shared", "tests"),
        default="",
        help="reports to vary: the shared corpus's 28 provincial reports (default when present) or the test reports",
    )
    ap.add_argument(
        "--db",
        type=Path,
        help="an existing SQLite registry to measure (copied first) instead of the cached one of --docs",
    )
    ap.add_argument("--keep", action="store_true", help="keep this run's database copy and server log")
    ap.add_argument(
        "--server-workers",
        type=int,
        default=os.cpu_count() or 1,
        help="server processes (`workreport serve --workers`; default: one per core, as a server is run)",
    )
    args = ap.parse_args(argv)
    if args.docs < 1 or args.requests < 1 or args.concurrency < 1:
        ap.error("--docs, --requests and --concurrency must be 1 or more")

    t0 = time.perf_counter()
    if args.db:
        if not args.db.is_file():
            ap.error(f"--db {args.db}: no such file")
        existing: dict[str, object] = {"build_seconds": 0.0, "reused": True}
        cached, build = args.db, existing
    else:
        cached, build = build_database(args.docs, args.rebuild, args.bases)
    db_path = run_copy(cached)
    try:
        params = parameters(db_path)
        warm = min(args.concurrency, 8)
        plan = endpoints(params, args.requests + warm)
        log(f"server: starting on a copy of the database ({db_path})")
        proc, port = start_server(db_path, db_path.parent / "server.log", args.server_workers)
        try:
            log(
                f"server: http://127.0.0.1:{port}; load: {args.requests} requests x {args.concurrency} threads"
            )
            ctx = multiprocessing.get_context("spawn")
            with ctx.Pool(1) as pool:  # the load generator: a second process, not the server's
                raw = pool.apply(load, (port, plan, args.concurrency, warm, args.limit))
        finally:
            server_rc = stop_server(proc)
            log(f"server: stopped (exit status {server_rc})")
    finally:
        if args.keep:
            log(f"kept: {db_path.parent}")
        else:
            shutil.rmtree(db_path.parent, ignore_errors=True)
    rows = summarise(raw)
    info = {
        "documents": params["documents"],
        "facts": params["facts"],
        "commitments": params["commitments"],
        "db_mb": round(cached.stat().st_size / 1e6, 1),
        "build_seconds": build["build_seconds"],
        "build_reused": build["reused"],
        "requests": args.requests,
        "concurrency": args.concurrency,
        "limit_seconds": args.limit,
        "warmup_requests": warm,
        "cpus": os.cpu_count(),
        "server_workers": args.server_workers,
        "load_average": list(os.getloadavg()),
        "server_exit": server_rc,
        "seconds": round(time.perf_counter() - t0, 1),
    }
    if args.json:
        print(json.dumps({"database": info, "endpoints": rows}, ensure_ascii=False, indent=2))
        return 0
    reused = " (cached by an earlier run)" if info["build_reused"] else ""
    print(
        f"database: {info['documents']:,} documents, {info['facts']:,} facts, "
        f"{info['commitments']:,} commitments, {info['db_mb']} MB; built in {info['build_seconds']:.1f} s{reused}"
    )
    print(
        f"load: {args.requests} requests per endpoint, {args.concurrency} threads with keep-alive connections, "
        f"{info['cpus']} CPUs, {args.server_workers} server process(es), load average at the end "
        f"{', '.join(f'{x:.2f}' for x in info['load_average'])}; baseline: {BASELINE} /static/app.css"
    )
    if any(r["requests"] != r["planned"] for r in rows):
        print(
            f"* fewer requests than --requests: none is sent after {args.limit:g} s on one endpoint (--limit)"
        )
    print()
    print(table(rows))
    bad = [r for r in rows if r["errors"]]
    for r in bad:
        print(f"errors on {r['endpoint']}: {r['errors']}, e.g. {', '.join(r['first_errors'])}")  # type: ignore[arg-type]
    print(f"\ntotal {info['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
