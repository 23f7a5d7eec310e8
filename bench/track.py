#!/usr/bin/env python
"""How fast `track` answers over a registry of N real-size reports (default 1,000).

    python bench/track.py [N] [--dir DIR] [--json]

Makes N synthetic reports (bench/make_corpus.py: the project's own test reports recombined,
distinct text), ingests them into a SQLite registry with two workers (both reused when DIR
already holds them), then times what users ask of the tracker, each the best of 5 runs:

- one place and year (`workreport track -j 宝鸡市 -p 2024`), the common question;
- one page of 100 ratings (what /api/track and the tracker page ask);
- every target of the registry (`workreport track --format json` over everything);

against a baseline measured in the same run: reading the same commitment rows with plain
sqlite3 (the floor any reader has to pay). Goal: the place-and-year and page answers under
a second.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def best_of(fn: Callable[[], Any], runs: int = 5) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def prepare(n: int, folder: Path) -> Path:
    corpus, db_path = folder / "corpus", folder / f"registry-{n}.sqlite"
    meta = corpus / "_corpus.json"
    if not (meta.exists() and json.loads(meta.read_text()).get("n") == n):
        print(f"making {n} reports …", file=sys.stderr)
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_corpus.py"), str(n), str(corpus), "--quiet"], check=True)
        db_path.unlink(missing_ok=True)
    if not db_path.exists():
        print(f"ingesting {n} reports with 2 workers (once; reused next time) …", file=sys.stderr)
        from workreport.batch import ingest_corpus

        t = time.perf_counter()
        result = ingest_corpus(f"sqlite:///{db_path}", [corpus], workers=2)
        print(f"  {result.summary()} in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    return db_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("n", type=int, nargs="?", default=1000, help="reports in the registry (default 1000)")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/workreport-bench-track"))
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    db_path = prepare(args.n, args.dir)

    from workreport.store import Database
    from workreport.track import count_targets, track

    db = Database(f"sqlite:///{db_path}")
    with sqlite3.connect(db_path) as conn:
        place, year = conn.execute(
            "select j.name, c.period from commitments c join jurisdictions j on j.id = c.jurisdiction_id "
            "where c.type = 'target' group by c.jurisdiction_id, c.period order by count(*) desc limit 1"
        ).fetchone()
    track(db, page=1)  # warm: ratings of an older database are made here, once

    def raw() -> int:
        with sqlite3.connect(db_path) as conn:
            return len(conn.execute("select * from commitments where type = 'target' and retired = 0").fetchall())

    t_raw, n_targets = best_of(raw)
    t_place, place_rows = best_of(lambda: track(db, jurisdiction=place, period=year))
    t_page, _ = best_of(lambda: track(db, page=1, per_page=100))
    t_count, _ = best_of(lambda: count_targets(db))
    t_all, all_rows = best_of(lambda: track(db), runs=3)
    figures = {
        "reports": args.n,
        "targets": n_targets,
        "baseline_raw_read_s": t_raw,
        "one_place_and_year": {"place": place, "year": year, "rows": len(place_rows), "s": t_place},
        "one_page_of_100_s": t_page,
        "count_s": t_count,
        "every_target": {"rows": len(all_rows), "s": t_all, "ratio_to_raw": t_all / t_raw if t_raw else None},
        "goal": "place-and-year and page answers < 1 s",
        "goal_met": t_place < 1 and t_page < 1,
    }
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0
    print(f"registry: {args.n} reports, {n_targets:,} targets ({db_path})")
    print(f"  baseline: read the target rows with sqlite3   {t_raw * 1000:8.1f} ms")
    print(f"  track one place and year ({place} {year}, {len(place_rows)} rows)  {t_place * 1000:8.1f} ms")
    print(f"  track one page of 100                          {t_page * 1000:8.1f} ms")
    print(f"  count the targets                              {t_count * 1000:8.1f} ms")
    print(f"  track every target ({len(all_rows):,} rows)           {t_all * 1000:8.1f} ms  ({t_all / t_raw:.1f}× the raw read)")
    print(f"  goal (place-and-year and page < 1 s): {'met' if figures['goal_met'] else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
