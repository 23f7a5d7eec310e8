"""The tracker measured on tracking keys (TRACK.md §4): both reports of a key ingested into an
empty database, its targets tracked, the rows scored by ``track.evaluate``."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from workreport.errors import GoldError, ReadError
from workreport.model.commitment import STATUSES
from workreport.model.fact import YEARS
from workreport.pipeline.evaluate import fact_problem
from workreport.pipeline.read import open_bytes
from workreport.registry.documents import ingest
from workreport.store import Database
from workreport.track.evaluate import TrackScore, score_track
from workreport.track.tracker import track


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_span_list(v: Any) -> bool:
    """Is ``v`` a list of [start, end] pairs of whole numbers, each start at least 0 and before its end?"""
    return isinstance(v, list) and all(
        isinstance(p, list) and len(p) == 2 and all(_is_int(x) for x in p) and 0 <= p[0] < p[1] for p in v
    )


def track_key_problem(key: Any) -> str | None:
    """What is wrong with ``key`` as a tracking key (TRACK.md §3), or None: its fields, and each
    target's and outcome's facts fields checked by the Fact schema (:func:`fact_problem`)."""
    if not isinstance(key, dict):
        return "a tracking key is a JSON object"
    missing = [k for k in ("jurisdiction", "period", "plan_document", "review_document", "targets") if k not in key]
    if missing:
        return f"not a tracking key: no {', '.join(missing)}"
    for name in ("jurisdiction", "plan_document", "review_document"):
        if not isinstance(key[name], str) or not key[name].strip():
            return f"{name}={key[name]!r}: not a non-empty string"
    if not _is_int(key["period"]) or key["period"] not in YEARS:
        return f"period={key['period']!r}: not a year between {YEARS.start} and {YEARS.stop - 1}"
    if key.get("regions") is not None and not _is_span_list(key["regions"]):
        return f"regions={key['regions']!r}: not a list of [start, end] pairs (start before end)"
    if not isinstance(key["targets"], list):
        return "targets: not a list"
    for n, t in enumerate(key["targets"]):
        problem = _target_problem(t)
        if problem:
            return f"target {n}: {problem}"
    not_annual = key.get("not_annual")
    if not_annual is not None and not isinstance(not_annual, list):
        return "not_annual: not a list"
    for n, item in enumerate(not_annual or []):
        problem = fact_problem(item, ("start", "end"))
        if problem is None and item.get("due") is not None and (not _is_int(item["due"]) or item["due"] not in YEARS):
            problem = f"due={item['due']!r}: not a year"
        if problem:
            return f"not_annual {n}: {problem}"
    return None


def _target_problem(t: Any) -> str | None:
    if not isinstance(t, dict):
        return "not a JSON object"
    problem = fact_problem(t, ())  # indicator, indicator_id, measure, unit
    if problem:
        return problem
    if "target" not in t or "status" not in t:
        return "lacks target or status"
    problem = fact_problem(t["target"], ("start", "end", "quote", "value"))
    if problem:
        return f"target: {problem}"
    outcome = t.get("outcome")
    if outcome is not None:
        problem = fact_problem(outcome, ("value",))
        if problem:
            return f"outcome: {problem}"
    if t["status"] not in STATUSES:
        return f"status={t['status']!r}: must be one of {', '.join(STATUSES)}"
    if t.get("provisional") is not None and not isinstance(t["provisional"], bool):
        return f"provisional={t['provisional']!r}: not true or false"
    return None


def load_track_key(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A tracking key (``*.track.json``), checked field by field (:func:`track_key_problem`);
    a malformed key is a GoldError naming the file, the target and the field."""
    try:
        key = json.loads(open_bytes(path))
    except ReadError as exc:
        raise GoldError(exc.message, path=str(path)) from exc
    except (ValueError, RecursionError) as exc:
        raise GoldError(f"cannot read the tracking key: {exc}", path=str(path)) from exc
    problem = track_key_problem(key)
    if problem:
        raise GoldError(problem, path=str(path))
    return dict(key)


def key_document(key_path: Path, name: str) -> Path:
    """A key's document: paths are relative to shared/ (the key lives in shared/gold/track/)."""
    shared = os.environ.get("WORKREPORT_SHARED")
    for base in ([Path(shared)] if shared else []) + list(key_path.resolve().parents):
        if (base / name).is_file():
            return base / name
    raise GoldError(f"cannot find {name} (set WORKREPORT_SHARED to the shared folder)", path=str(key_path))


def evaluate_track_key(path: str | os.PathLike[str]) -> TrackScore:
    """Ingest the key's plan and review reports into an empty SQLite database, track the key's
    jurisdiction and period, and score the rows."""
    key_path = Path(path)
    key = load_track_key(key_path)
    docs = [key_document(key_path, key["plan_document"]), key_document(key_path, key["review_document"])]
    with tempfile.TemporaryDirectory(prefix="workreport-track-") as tmp:
        db = Database(f"sqlite:///{tmp}/track.sqlite")
        try:
            result = ingest(db, docs)
            if result.failed:
                raise GoldError(f"cannot ingest {result.failed[0][0]}: {result.failed[0][1]}", path=str(path))
            rows = [r.to_dict() for r in track(db, jurisdiction=key["jurisdiction"], period=key["period"])]
        finally:
            db.close()
    return score_track(key, rows)
