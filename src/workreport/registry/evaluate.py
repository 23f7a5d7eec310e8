"""The tracker measured on tracking keys (TRACK.md §4): both reports of a key ingested into an
empty database, its targets tracked, the rows scored by ``track.evaluate``."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from workreport.errors import GoldError, ReadError
from workreport.pipeline.read import open_bytes
from workreport.registry.documents import ingest
from workreport.store import Database
from workreport.track.evaluate import TrackScore, score_track
from workreport.track.tracker import track


def load_track_key(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A tracking key (``*.track.json``), checked for the fields scoring needs."""
    try:
        key = json.loads(open_bytes(path))
    except ReadError as exc:
        raise GoldError(exc.message, path=str(path)) from exc
    except ValueError as exc:
        raise GoldError(f"cannot read the tracking key: {exc}", path=str(path)) from exc
    missing = [
        k for k in ("jurisdiction", "period", "plan_document", "review_document", "targets") if k not in key
    ]
    if missing:
        raise GoldError(f"not a tracking key: no {', '.join(missing)}", path=str(path))
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
