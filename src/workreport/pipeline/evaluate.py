"""Scoring extracted facts against an answer key, as FACTS.md §6 defines it.

A prediction matches a gold fact when their spans overlap, their values agree to 1e-6
relative and their units are equal; matching is one to one, each gold fact (in text order)
taking the overlapping candidate that agrees on most strict attributes, then overlaps most.
Predictions outside the key's regions are not counted.
"""

from __future__ import annotations

import json
import math
import os
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workreport.errors import GoldError, ReadError
from workreport.pipeline.read import open_bytes

ATTRIBUTES = ("kind", "measure", "comparator", "indicator_id", "scope", "period")
STRICT = ("kind", "measure", "comparator", "indicator_id")

FactLike = Mapping[str, Any]


@dataclass(slots=True)
class Score:
    """Extracted facts against an answer key: counts, P/R/F1, per-field accuracy and the differences."""
    gold: int
    predicted: int
    matched: int
    precision: float
    recall: float
    f1: float
    strict_f1: float
    accuracy: dict[str, float]
    misses: list[FactLike] = field(default_factory=list)
    false_alarms: list[FactLike] = field(default_factory=list)
    differing: list[tuple[FactLike, FactLike]] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        """The headline numbers, rounded to four places, without the fact lists."""
        return {
            "gold": self.gold,
            "predicted": self.predicted,
            "matched": self.matched,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "strict_f1": round(self.strict_f1, 4),
            "accuracy": {k: round(v, 4) for k, v in self.accuracy.items()},
        }


@dataclass(slots=True)
class GoldKey:
    """An answer key: the document it is for, the regions it covers and the facts in them."""
    path: str
    document: str
    encoding: str | None
    regions: list[tuple[int, int]]
    facts: list[dict[str, Any]]

    def source_path(self, search: Sequence[str | os.PathLike[str]] = ()) -> Path:
        """Where the annotated document is: beside the key, in ``search`` folders, or shared/."""
        key_dir = Path(self.path).parent
        candidates = [key_dir / self.document]
        candidates += [Path(s) / self.document for s in search]
        for up in (key_dir, key_dir.parent, key_dir.parent.parent):
            candidates += [
                up / self.document,
                up.parent / "seeds" / self.document,
                up / "seeds" / self.document,
            ]
        for c in candidates:
            if c.is_file():
                return c
        raise GoldError(f"cannot find the annotated document {self.document!r}", path=self.path)


def load_gold(path: str | os.PathLike[str]) -> GoldKey:
    """The answer key at ``path``; a malformed key is a GoldError naming the file."""
    p = str(path)
    try:
        data = json.loads(open_bytes(p))
    except ReadError as exc:
        raise GoldError(exc.message, path=p) from exc
    except json.JSONDecodeError as exc:
        raise GoldError(f"not JSON: {exc.msg}", path=p, line=exc.lineno) from exc
    if not isinstance(data, dict) or "facts" not in data or "document" not in data:
        raise GoldError("an answer key needs 'document' and 'facts'", path=p)
    for n, f in enumerate(data["facts"]):
        missing = {"start", "end", "value", "unit"} - set(f)
        if missing:
            raise GoldError(f"fact {n} lacks {', '.join(sorted(missing))}", path=p)
    regions = [(int(a), int(b)) for a, b in data.get("regions") or [[0, 10**12]]]
    return GoldKey(p, data["document"], data.get("encoding"), regions, list(data["facts"]))


def load_predictions(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Facts from a JSON Lines file, one per line; a bad line is a GoldError naming its number."""
    p = os.fspath(path)
    try:
        text = open_bytes(p).decode("utf-8-sig")
    except ReadError as exc:
        raise GoldError(exc.message, path=p) from exc
    except UnicodeDecodeError as exc:
        raise GoldError(f"not UTF-8: bad byte at offset {exc.start}", path=p) from exc
    out = []
    for n, line in enumerate(text.split("\n"), 1):  # not splitlines: U+2028 may sit in a JSON string
        line = line.strip()
        if not line:
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise GoldError(f"not JSON: {exc.msg}", path=p, line=n) from exc
    return out


def _norm(v: Any) -> Any:
    return None if v in ("", None) else v


def _same_value(a: Any, b: Any) -> bool:
    try:
        x, y = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return math.isclose(x, y, rel_tol=1e-6, abs_tol=1e-9)


def _overlap(a: FactLike, b: FactLike) -> int:
    return int(min(a["end"], b["end"]) - max(a["start"], b["start"]))


def label_ok(gold_label: str | None, pred_label: str | None) -> bool:
    """Does the predicted indicator phrase name what the gold one names? (FACTS.md §6)

    Bags of characters after NFKC, the elision mark and spaces removed: the prediction holds at
    least 60% of the gold phrase's characters, and at least 30% of its own come from it."""
    a = Counter(unicodedata.normalize("NFKC", (gold_label or "").replace("…", "")).replace(" ", ""))
    b = Counter(unicodedata.normalize("NFKC", (pred_label or "").replace("…", "")).replace(" ", ""))
    if not a or not b:
        return not a and not b
    common = sum((a & b).values())
    return common / sum(a.values()) >= 0.6 and common / sum(b.values()) >= 0.3


def score(
    gold: Sequence[FactLike],
    predicted: Iterable[FactLike],
    regions: Sequence[tuple[int, int]],
    labels: bool = False,
) -> Score:
    """Score ``predicted`` against ``gold``, counting only predictions inside the key's ``regions``.

    ``labels`` adds the indicator label accuracy (``accuracy["indicator_label"]``) as
    ``score_facts.py --labels`` does."""
    pred = [
        p
        for p in predicted
        if "start" in p and "end" in p and any(p["start"] < hi and p["end"] > lo for lo, hi in regions)
    ]
    used: set[int] = set()
    pairs: list[tuple[FactLike, FactLike]] = []
    for g in sorted(gold, key=lambda f: (f["start"], f["end"])):
        best, best_key = None, None
        for i, p in enumerate(pred):
            if i in used or _overlap(g, p) <= 0:
                continue
            if not _same_value(g["value"], p.get("value")) or g["unit"] != p.get("unit"):
                continue
            key = (sum(_norm(g.get(a)) == _norm(p.get(a)) for a in STRICT), _overlap(g, p))
            if best_key is None or key > best_key:
                best, best_key = i, key
        if best is not None:
            used.add(best)
            pairs.append((g, pred[best]))
    m = len(pairs)
    precision = m / len(pred) if pred else 0.0
    recall = m / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    strict = sum(all(_norm(g.get(a)) == _norm(p.get(a)) for a in STRICT) for g, p in pairs)
    sp = strict / len(pred) if pred else 0.0
    sr = strict / len(gold) if gold else 0.0
    strict_f1 = 2 * sp * sr / (sp + sr) if sp + sr else 0.0
    accuracy = {
        a: (sum(_norm(g.get(a)) == _norm(p.get(a)) for g, p in pairs) / m if m else 0.0) for a in ATTRIBUTES
    }
    differing = [(g, p) for g, p in pairs if not all(_norm(g.get(a)) == _norm(p.get(a)) for a in STRICT)]
    if labels:
        good = sum(label_ok(g.get("indicator"), p.get("indicator")) for g, p in pairs)
        accuracy["indicator_label"] = good / m if m else 0.0
        differing += [(g, p) for g, p in pairs if not label_ok(g.get("indicator"), p.get("indicator"))]
    matched = {id(g) for g, _ in pairs}
    return Score(
        gold=len(gold),
        predicted=len(pred),
        matched=m,
        precision=precision,
        recall=recall,
        f1=f1,
        strict_f1=strict_f1,
        accuracy=accuracy,
        misses=[g for g in gold if id(g) not in matched],
        false_alarms=[p for i, p in enumerate(pred) if i not in used],
        differing=differing,
    )


def brief(f: FactLike) -> str:
    """A fact's identifying fields as one JSON line, for listing misses and false alarms."""
    keys = (
        "start",
        "quote",
        "value",
        "unit",
        "measure",
        "comparator",
        "kind",
        "indicator",
        "indicator_id",
        "scope",
        "period",
    )
    return json.dumps({k: f.get(k) for k in keys}, ensure_ascii=False)
