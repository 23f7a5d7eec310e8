"""Observations and assessments from CSV files: every row checked, all rows or none."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from workreport.errors import InputError, ReadError, WorkreportError
from workreport.model import STATUSES, coerce_field
from workreport.pipeline.read import open_bytes
from workreport.registry.edits import MAX_TEXT, audit, check_range, check_values, manual_assessment
from workreport.registry.progress import FINAL, PROGRESS_STATUSES
from workreport.store import (
    CommitmentRow,
    Database,
    ObservationRow,
)
from workreport.store.places import find_jurisdiction, seed_jurisdictions
from workreport.store.progress_rows import add_assessment
from workreport.track.tracker import refresh, targets_of_places

# --------------------------------------------------------------------------- CSV imports



OBSERVATION_COLUMNS = (
    "jurisdiction",
    "indicator_id",
    "period",
    "measure",
    "unit",
    "value",
    "comparator",
    "kind",
)
ASSESSMENT_COLUMNS = ("commitment_id", "status")


# the Fact fields an observation row carries; checked by the one Fact schema
_OBSERVATION_FIELDS = ("indicator_id", "indicator", "period", "measure", "unit", "value", "value_max")
_REQUIRED = ("period", "measure", "unit", "value")


@dataclass(slots=True)
class ImportResult:
    """Rows read from an import file, rows written, and whether it was a dry run."""
    rows: int
    written: int
    dry_run: bool


def import_observations(
    db: Database, path: str | os.PathLike[str], *, who: str, dry_run: bool = False
) -> ImportResult:
    """Observations from CSV (columns: jurisdiction, indicator_id, period, measure, unit, value
    [, value_max, comparator, kind, indicator, note]); all rows or none."""
    rows = _read_csv(path, OBSERVATION_COLUMNS[:6])
    problems: list[str] = []
    parsed: list[dict[str, Any]] = []
    with db.session() as session:
        seed_jurisdictions(session)
        for n, r in rows:
            try:
                juris = find_jurisdiction(session, r["jurisdiction"].strip())
                value = {
                    name: coerce_field(name, r.get(name)) if name in _REQUIRED or (r.get(name) or "").strip() else None
                    for name in _OBSERVATION_FIELDS
                }
                if not value["indicator_id"] and not value["indicator"]:
                    raise InputError("give an indicator_id or an indicator")
                if value["period"] is None:
                    raise InputError("period: a value is required")
                kind = (r.get("kind") or "actual").strip()
                if kind not in ("actual", "estimate"):
                    raise InputError(f"kind={kind!r}: an observation is an actual or an estimate")
                comparator = coerce_field("comparator", r.get("comparator") or "=")
                check_values(value)
                check_range(comparator, value["value_max"])
                parsed.append(
                    {
                        "jurisdiction_id": juris.id,
                        **value,
                        "comparator": comparator,
                        "kind": kind,
                        "note": (r.get("note") or "").strip() or None,
                    }
                )
            except (ValueError, KeyError, WorkreportError) as exc:
                problems.append(f"{path}:{n}: {getattr(exc, 'message', exc)}")
        if problems:
            raise InputError(
                f"{len(problems)} of {len(rows)} rows are not valid; nothing was imported",
                path=str(path),
                problems=problems,
            )
        if not dry_run:
            for p in parsed:
                session.add(ObservationRow(source="csv", **p))
            session.flush()
            refresh(session, targets_of_places(session, {(p["jurisdiction_id"], p["period"]) for p in parsed}))
            audit(session, who, "import", "observations", str(path), None, {"rows": len(parsed)})
    return ImportResult(len(rows), 0 if dry_run else len(parsed), dry_run)


def import_assessments(
    db: Database, path: str | os.PathLike[str], *, who: str, dry_run: bool = False
) -> ImportResult:
    """Assessments from CSV (columns: commitment_id, status [, note, evidence]); all rows or none."""
    rows = _read_csv(path, ASSESSMENT_COLUMNS)
    problems: list[str] = []
    with db.session() as session:
        for n, r in rows:
            try:
                try:
                    cid = int(r["commitment_id"])
                except ValueError:
                    raise InputError(f"commitment_id={r['commitment_id']!r}: not a whole number") from None
                c = session.get(CommitmentRow, cid)
                if c is None:
                    raise InputError(f"no commitment with id {cid}")
                # the rules of `workreport assess`: a target takes a rating, a task or 为民实事 a
                # progress status, and 已完成 or 未完成 only with evidence
                status = _choice(r["status"], STATUSES if c.type == "target" else PROGRESS_STATUSES)
                if c.type != "target" and status in FINAL and not (r.get("evidence") or "").strip():
                    raise InputError(f"status {status!r} of a {c.type} needs evidence (the evidence column)")
                for what in ("note", "evidence"):
                    if len(r.get(what) or "") > MAX_TEXT:
                        raise InputError(f"{what}: at most {MAX_TEXT} characters")
            except (ValueError, WorkreportError) as exc:
                problems.append(f"{path}:{n}: {getattr(exc, 'message', exc)}")
        if problems:
            raise InputError(
                f"{len(problems)} of {len(rows)} rows are not valid; nothing was imported",
                path=str(path),
                problems=problems,
            )
    if not dry_run:
        with db.session() as session:
            for _, r in rows:
                c = session.get(CommitmentRow, int(r["commitment_id"]))
                assert c is not None
                status = r["status"].strip()
                row = manual_assessment(c.id, status, who, r.get("note") or None, r.get("evidence") or None)
                if c.type == "target":
                    session.add(row)
                else:  # with its percentage, as `workreport progress assess` records it
                    add_assessment(session, c, row, {"done": 100, "planned": 0}.get(status))
                    c.status = status
            session.flush()
            refresh(session, [int(r["commitment_id"]) for _, r in rows])
            audit(session, who, "import", "assessments", str(path), None, {"rows": len(rows)})
    return ImportResult(len(rows), 0 if dry_run else len(rows), dry_run)


def _choice(raw: str, allowed: Sequence[str]) -> str:
    value = raw.strip()
    if value not in allowed:
        raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _read_csv(path: str | os.PathLike[str], required: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        data = open_bytes(path)
    except ReadError as exc:  # missing, a pipe, over the size limit: named as a bad input
        raise InputError(exc.message, path=str(path)) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8 text", path=str(path)) from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"missing columns: {', '.join(missing)}", path=str(path))
    rows = [(n, r) for n, r in enumerate(reader, start=2)]
    if not rows:
        raise InputError("no rows", path=str(path))
    return rows


