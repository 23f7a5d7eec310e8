#!/usr/bin/env python
"""Indicator-id coverage of targets: ``python bench/indicator_coverage.py [--top N] [--json]``.

For every report in ``$WORKREPORT_SHARED/corpus/national`` and
``$WORKREPORT_SHARED/corpus/provinces-2026`` (default ``../shared`` next to the repository),
read and extract facts with the library API and print the share of facts of kind
``target`` that carry a non-null ``indicator_id``: overall, national and provincial.

This measures the reach of the indicator vocabulary (``rules/indicators.toml``), not its
accuracy: the answer keys (``workreport eval``) do that. ``--top N`` also lists the N most
frequent indicator phrases of targets left without an id, the candidates for the vocabulary.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

import workreport

REPO = Path(__file__).resolve().parent.parent
SETS = (("national", "corpus/national"), ("provincial", "corpus/provinces-2026"))


def shared_root() -> Path:
    env = os.environ.get("WORKREPORT_SHARED")
    return Path(env) if env else (REPO.parent / "shared")


def measure(root: Path) -> tuple[dict[str, tuple[int, int]], Counter[str]]:
    """set name → (targets with an id, targets); and the phrases of targets with none."""
    counts: dict[str, tuple[int, int]] = {}
    missing: Counter[str] = Counter()
    for name, sub in SETS:
        with_id = total = 0
        for path in sorted((root / sub).glob("*.txt")):
            for fact in workreport.extract(workreport.read(path)):
                if fact.kind != "target":
                    continue
                total += 1
                if fact.indicator_id is not None:
                    with_id += 1
                else:
                    missing[fact.indicator] += 1
        counts[name] = (with_id, total)
    return counts, missing


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=0, help="list the N most frequent phrases without an id")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    root = shared_root()
    if not any((root / sub).is_dir() for _, sub in SETS):
        print(f"no corpus under {root} (set WORKREPORT_SHARED)", file=sys.stderr)
        return 1
    counts, missing = measure(root)
    hit = sum(h for h, _ in counts.values())
    tot = sum(t for _, t in counts.values())
    rows = [("overall", hit, tot)] + [(k, h, t) for k, (h, t) in counts.items()]
    if args.json:
        out = {k: {"with_id": h, "targets": t, "share": (h / t if t else None)} for k, h, t in rows}
        if args.top:
            out["top_missing"] = missing.most_common(args.top)
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(f"indicator-id coverage of targets ({root})")
    for k, h, t in rows:
        share = f"{h / t:6.1%}" if t else "   n/a"
        print(f"  {k:<10} {share}  ({h} of {t} targets)")
    if args.top:
        print(f"\nmost frequent target phrases without an id (top {args.top}):")
        for phrase, n in missing.most_common(args.top):
            print(f"  {n:4d}  {phrase}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
