"""Scoring extracted facts against an answer key, as FACTS.md §6 defines it.

A prediction matches a gold fact when their spans overlap, their values agree to 1e-6
relative and their units are equal; matching is one to one, each gold fact (in text order)
taking the overlapping candidate that agrees on most strict attributes, then overlaps most.
Predictions outside the key's regions are not counted.

Answer keys and predictions are checked before they are scored, field by field against the one
Fact schema (:mod:`workreport.model.fact`): a malformed one is a :class:`GoldError` naming the
file, the fact (or line) and the field, never a TypeError from deep inside the scoring.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import typing
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workreport.errors import GoldError, InputError, ReadError
from workreport.model.fact import SPEC, Fact, coerce_field
from workreport.pipeline.read import open_bytes

ATTRIBUTES = ("kind", "measure", "comparator", "indicator_id", "scope", "period")
STRICT = ("kind", "measure", "comparator", "indicator_id")

FactLike = Mapping[str, Any]

# what a fact in an answer key must hold (FACTS.md §2): the schema's fields without a default
# (start, end, quote, value, unit, measure, comparator, kind, indicator); a nullable field left
# out is null
GOLD_REQUIRED: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(Fact) if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
)
# what a predicted fact must hold to be placed at all: its span (the reference scorer's other
# fields may be missing: a prediction without a value or unit is simply never matched)
PREDICTION_REQUIRED: tuple[str, ...] = ("start", "end")
WHOLE_TEXT = (0, 10**12)  # the region of a key that lists none

_JSON_TYPES: dict[str, tuple[type, ...]] = {"int": (int,), "float": (int, float), "string": (str,), "list": (list,)}
_TYPE_WORDS = {"int": "a whole number", "float": "a number", "string": "a string", "list": "a list of strings"}


def _show(v: Any) -> str:
    """``v`` as a short repr for a message."""
    text = repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def _json_kind(v: Any) -> str:
    """What JSON value ``v`` is, in words."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true or false"
    for t, word in ((dict, "an object"), (list, "a list"), (str, "a string"), (int, "a number"), (float, "a number")):
        if isinstance(v, t):
            return word
    return type(v).__name__


def field_problem(name: str, value: Any) -> str | None:
    """What is wrong with ``value`` (as parsed from JSON) as field ``name`` of a fact, by the Fact
    schema: its type, its enumeration, a finite number, a sane year, a span offset not below 0;
    None if nothing is. A field the schema does not know is not looked at."""
    spec = SPEC.get(name)
    if spec is None:
        return None
    if value is None:
        return None if spec.nullable else f"{name}=null: a value is required"
    if isinstance(value, bool) or not isinstance(value, _JSON_TYPES[spec.type]):
        return f"{name}={_show(value)}: not {_TYPE_WORDS[spec.type]} but {_json_kind(value)}"
    value = typing.cast(Any, value)  # isinstance against a tuple of types narrowed it to object
    if spec.type == "list":
        bad = next((v for v in value if not isinstance(v, str)), None)
        return None if bad is None else f"{name}: {_show(bad)} is not a string"
    if spec.type == "string" and spec.choices is None:
        return None if spec.nullable or value.strip() else f"{name}={_show(value)}: empty"
    try:  # enumerations, finite numbers and sane years, as a person's correction is checked
        coerced = coerce_field(name, value if isinstance(value, str) else str(value))
    except InputError as exc:
        return exc.message
    if spec.choices is not None and coerced != value:
        return f"{name}={_show(value)}: must be one of {', '.join(spec.choices)}"
    if name != "period" and spec.type == "int" and value < 0:
        return f"{name}={value}: a text offset is never negative"
    return None


def fact_problem(fact: Any, required: Collection[str] = GOLD_REQUIRED) -> str | None:
    """What is wrong with ``fact`` as a FACTS.md §2 object, or None: not an object, a ``required``
    field missing, a field of the wrong type or value (:func:`field_problem`), a span whose start
    is not before its end. Fields the schema does not know are allowed (and not looked at)."""
    if not isinstance(fact, dict):
        return f"not a JSON object but {_json_kind(fact)}"
    missing = [name for name in required if name not in fact]
    if missing:
        return f"lacks {', '.join(missing)}"
    for name in SPEC:
        if name in fact:
            problem = field_problem(name, fact[name])
            if problem:
                return problem
    for lo, hi in (("start", "end"), ("sentence_start", "sentence_end")):
        a, b = fact.get(lo), fact.get(hi)
        if a is not None and b is not None and a >= b:
            return f"{lo} {a} is not before {hi} {b}: an empty or reversed span"
    return None


def _regions(raw: Any, path: str) -> list[tuple[int, int]]:
    """A key's ``regions``: [start, end] pairs of offsets, start before end; none listed (absent,
    null or []) is the whole text."""
    if raw is None or raw == []:
        return [WHOLE_TEXT]
    if not isinstance(raw, list):
        raise GoldError(f"regions={_show(raw)}: not a list of [start, end] pairs", path=path)
    out = []
    for n, pair in enumerate(raw):
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in pair)
        ):
            raise GoldError(f"region {n}: {_show(pair)} is not a [start, end] pair of whole numbers", path=path)
        lo, hi = pair
        if lo < 0 or lo >= hi:
            raise GoldError(f"region {n}: [{lo}, {hi}]: the start must be at least 0 and before the end", path=path)
        out.append((lo, hi))
    return out


def _read_json(path: str) -> Any:
    """The JSON document in the file at ``path``; a GoldError naming it if it cannot be read or parsed."""
    try:
        return json.loads(open_bytes(path))
    except ReadError as exc:
        raise GoldError(exc.message, path=path) from exc
    except json.JSONDecodeError as exc:
        raise GoldError(f"not JSON: {exc.msg}", path=path, line=exc.lineno) from exc
    except UnicodeDecodeError as exc:
        raise GoldError(f"not UTF-8: bad byte at offset {exc.start}", path=path) from exc
    except (ValueError, RecursionError) as exc:  # a number too long to convert, nesting too deep
        raise GoldError(f"not JSON this scorer can read: {exc}", path=path) from exc


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

    def check_text(self, text: str) -> None:
        """Check the facts against the annotated document's ``text``: every span inside it and
        ``text[start:end] == quote`` (FACTS.md §2). A GoldError names the fact."""
        for n, f in enumerate(self.facts):
            start, end, quote = f["start"], f["end"], f["quote"]
            if end > len(text):
                raise GoldError(
                    f"fact {n}: span {start}:{end} ({quote!r}) lies beyond the end of the text of "
                    f"{self.document} ({len(text)} characters)",
                    path=self.path,
                )
            if text[start:end] != quote:
                raise GoldError(
                    f"fact {n}: quote {quote!r} is not the text at {start}:{end} ({text[start:end]!r})",
                    path=self.path,
                )


def load_gold(path: str | os.PathLike[str], text: str | None = None) -> GoldKey:
    """The answer key at ``path`` (FACTS.md §7), checked: a JSON object with ``document``,
    ``regions`` and ``facts``, each fact a FACTS.md §2 object by the Fact schema. With the
    document's ``text``, the spans are checked against it too (:meth:`GoldKey.check_text`).
    A malformed key is a GoldError naming the file, the fact and the field."""
    p = str(path)
    data = _read_json(p)
    if not isinstance(data, dict):
        raise GoldError(f"an answer key is a JSON object, not {_json_kind(data)}", path=p)
    missing = [k for k in ("document", "facts") if k not in data]
    if missing:
        raise GoldError(f"an answer key needs 'document' and 'facts': no {', '.join(missing)}", path=p)
    document, encoding, facts = data["document"], data.get("encoding"), data["facts"]
    if not isinstance(document, str) or not document.strip():
        raise GoldError(f"document={_show(document)}: not the name of a document", path=p)
    if encoding is not None and not isinstance(encoding, str):
        raise GoldError(f"encoding={_show(encoding)}: not the name of an encoding", path=p)
    regions = _regions(data.get("regions"), p)
    if not isinstance(facts, list):
        raise GoldError(f"facts: not a list of facts but {_json_kind(facts)}", path=p)
    for n, f in enumerate(facts):
        problem = fact_problem(f, GOLD_REQUIRED)
        if problem:
            raise GoldError(f"fact {n}: {problem}", path=p)
    key = GoldKey(p, document, encoding, regions, list(facts))
    if text is not None:
        key.check_text(text)
    return key


def load_predictions(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Facts from a JSON Lines file, one JSON object per line, each field the Fact schema knows
    checked (:func:`fact_problem`; only the span is required); a bad line is a GoldError naming
    its number and the field."""
    p = os.fspath(path)
    try:
        text = open_bytes(p).decode("utf-8-sig")
    except ReadError as exc:
        raise GoldError(exc.message, path=p) from exc
    except UnicodeDecodeError as exc:
        raise GoldError(f"not UTF-8: bad byte at offset {exc.start}", path=p) from exc
    parsed = []
    for n, line in enumerate(text.split("\n"), 1):  # not splitlines: U+2028 may sit in a JSON string
        line = line.strip()
        if not line:
            continue
        try:
            parsed.append((n, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise GoldError(f"not JSON: {exc.msg}", path=p, line=n) from exc
        except (ValueError, RecursionError) as exc:  # a number too long to convert, nesting too deep
            raise GoldError(f"not JSON this scorer can read: {exc}", path=p, line=n) from exc
    # a file that is not JSON Lines says so first; then the first line that is not a fact
    for n, fact in parsed:
        problem = fact_problem(fact, PREDICTION_REQUIRED)
        if problem:
            raise GoldError(f"not a fact: {problem}", path=p, line=n)
    return [fact for _, fact in parsed]


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
