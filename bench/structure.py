"""How much of extraction the structure stage takes, and its debris checks within it.

    python bench/structure.py                 # the shared corpus ($WORKREPORT_SHARED/corpus)
    python bench/structure.py FILES_OR_DIRS…  # any reports

Prints, best of 3 passes over all reports (texts already read and normalised):
the structure stage's seconds, the whole extraction's seconds (structure included) and the
structure's share of it; the seconds spent asking every line whether it is page furniture
(debris, datelines, captions) and that share of extraction. The goal (issue 15): debris
detection a small fraction of extraction (it was 10%, the structure stage 18%).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import workreport
from workreport.pipeline.normalise import normalise
from workreport.pipeline.sources import iter_sources
from workreport.pipeline.structure import is_furniture, lines, structure

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("WORKREPORT_SHARED", ROOT.parent / "shared"))


def best_of(runs: int, work: object) -> float:
    """The shortest wall time of ``runs`` calls of ``work``."""
    assert callable(work)
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> int:
    inputs = sys.argv[1:] or [str(SHARED / "corpus")]
    docs = [workreport.read(p) for p in iter_sources(inputs)]
    if not docs:
        print(f"no reports under {inputs}", file=sys.stderr)
        return 1
    texts = [normalise(d.text) for d in docs]
    spans = [[t[s.start : s.end] for s in lines(t)] for t in texts]
    workreport.extract(docs[0])  # warm the rule caches

    def structure_all() -> None:
        for d, t in zip(docs, texts, strict=True):
            structure(d, t)

    def extract_all() -> None:
        for d in docs:
            workreport.extract(d)

    def furniture_all() -> None:
        for ls in spans:
            for line in ls:
                is_furniture(line)

    s, e, f = best_of(3, structure_all), best_of(3, extract_all), best_of(3, furniture_all)
    chars = sum(len(d.text) for d in docs)
    n_lines = sum(len(ls) for ls in spans)
    print(f"reports: {len(docs)} ({chars / 1e6:.1f} M characters, {n_lines:,} lines)")
    print(f"structure stage:          {s:7.2f} s")
    print(f"extraction (all stages):  {e:7.2f} s")
    print(f"structure share:          {100 * s / e:6.1f} %")
    print(f"furniture check, every line: {f:7.3f} s  ({100 * f / e:.1f} % of extraction)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
