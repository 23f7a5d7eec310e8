#!/usr/bin/env python
"""Write (or check) the stored fact baseline that tests/test_fact_baseline.py compares against.

    python tests/make_fact_baseline.py            # regenerate from the current code
    python tests/make_fact_baseline.py --check    # compare only: list the reports whose facts differ

The reports: every file ``workreport.read`` accepts under ``$WORKREPORT_SHARED/corpus`` and
``$WORKREPORT_SHARED/seeds`` (default ``../shared``), and the example reports in
``tests/data/reports``. Two files are written under ``tests/data/baseline/``:

- ``digests.json``: per report, the SHA-256 of the file's bytes, its number of facts and the
  SHA-256 of its facts (every field, spans included, as canonical JSON lines). Plain text, so
  a regeneration's diff shows which reports changed;
- ``facts.jsonl.gz``: per report one line ``{"report", "facts": [...]}`` with every fact in
  full, read only to show what differs when a digest does not match.

Regenerate when the extractor's output changes on purpose (better labels, a new rule), and
commit both files with that change.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("WORKREPORT_SHARED", ROOT.parent / "shared"))
BASELINE = ROOT / "tests" / "data" / "baseline"
DIGESTS = BASELINE / "digests.json"
FACTS = BASELINE / "facts.jsonl.gz"
SOURCES: dict[str, Path] = {
    "corpus": SHARED / "corpus",
    "seeds": SHARED / "seeds",
    "reports": ROOT / "tests" / "data" / "reports",
}


def report_files() -> Iterator[tuple[str, Path]]:
    """(key, path) of every report, keys such as ``corpus/national/1954.txt``, sorted."""
    from workreport.pipeline.read import REPORT_SUFFIXES

    for prefix, folder in SOURCES.items():
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix.lower() in REPORT_SUFFIXES:
                yield f"{prefix}/{path.relative_to(folder).as_posix()}", path


def file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def facts_of(path: Path) -> list[dict[str, Any]]:
    """Every fact of the report at ``path`` as FACTS.md's JSON objects."""
    import workreport

    return [f.to_dict() for f in workreport.extract(workreport.read(path))]


def canonical(facts: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) + "\n" for f in facts)


def digest(facts: list[dict[str, Any]]) -> str:
    return hashlib.sha256(canonical(facts).encode("utf-8")).hexdigest()


def load_digests() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads(DIGESTS.read_text(encoding="utf-8"))
    return data


def load_facts(key: str) -> list[dict[str, Any]] | None:
    """The stored facts of one report, or None if the baseline has none for it."""
    with gzip.open(FACTS, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["report"] == key:
                facts: list[dict[str, Any]] = row["facts"]
                return facts
    return None


def first_differences(old: list[dict[str, Any]], new: list[dict[str, Any]], limit: int = 5) -> list[str]:
    """Human-readable lines for the first facts that differ (by position, then field by field)."""
    out: list[str] = []
    if len(old) != len(new):
        out.append(f"{len(old)} facts stored, {len(new)} now")
    old_keys = {(f["start"], f["end"]): f for f in old}
    new_keys = {(f["start"], f["end"]): f for f in new}
    for span in sorted(old_keys.keys() | new_keys.keys()):
        a, b = old_keys.get(span), new_keys.get(span)
        if a == b:
            continue
        if a is None or b is None:
            f = b if a is None else a
            assert f is not None
            out.append(f"{'new' if a is None else 'gone'} fact at {span}: {f['quote']!r} {f['indicator']!r}")
        else:
            fields = [f"{k}: {a.get(k)!r} -> {b.get(k)!r}" for k in a.keys() | b.keys() if a.get(k) != b.get(k)]
            out.append(f"fact at {span} {a['quote']!r}: " + "; ".join(sorted(fields)))
        if len(out) >= limit:
            break
    if not out and old != new:
        out.append("same facts, in a different order or repeated")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the stored baseline, write nothing")
    args = ap.parse_args()
    digests: dict[str, dict[str, Any]] = {}
    rows: list[str] = []
    stored = load_digests() if args.check else {}
    changed = 0
    for key, path in report_files():
        facts = facts_of(path)
        entry = {"sha256": file_sha(path), "facts": len(facts), "digest": digest(facts)}
        digests[key] = entry
        rows.append(json.dumps({"report": key, "facts": facts}, ensure_ascii=False, separators=(",", ":")))
        if args.check and stored.get(key) != entry:
            changed += 1
            print(f"DIFFERS {key}", file=sys.stderr)
            old = load_facts(key) or []
            for line in first_differences(old, facts):
                print(f"    {line}", file=sys.stderr)
    if not digests:
        print(f"no reports found under {SHARED} or tests/data/reports", file=sys.stderr)
        return 1
    if args.check:
        missing = sorted(stored.keys() - digests.keys())
        for key in missing:
            print(f"MISSING {key}", file=sys.stderr)
        total = sum(d["facts"] for d in digests.values())
        print(f"{len(digests)} reports, {total} facts: {changed} differ, {len(missing)} missing")
        return 1 if changed or missing else 0
    BASELINE.mkdir(parents=True, exist_ok=True)
    DIGESTS.write_text(json.dumps(digests, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    with gzip.GzipFile(FACTS, "wb", mtime=0) as fh:  # mtime 0: the same facts give the same bytes
        fh.write(("\n".join(rows) + "\n").encode("utf-8"))
    total = sum(d["facts"] for d in digests.values())
    print(f"wrote {DIGESTS.relative_to(ROOT)} and {FACTS.relative_to(ROOT)}: {len(digests)} reports, {total} facts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
