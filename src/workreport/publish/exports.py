"""Publish stage: exports of the registry as CSV, JSON Lines or Parquet, each table with a
JSON Schema, and a Frictionless data-package descriptor for the whole set."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Boolean, DateTime, Float, Integer, select
from sqlalchemy.sql.schema import Table

from workreport.errors import InputError
from workreport.publish.cells import csv_row
from workreport.publish.files import FileSet
from workreport.store import (
    AssessmentRow,
    Base,
    CommitmentRow,
    CorrectionRow,
    Database,
    DocumentRow,
    FactRow,
    JurisdictionRow,
    ObservationRow,
)
from workreport.store.progress_rows import AssessmentProgressRow
from workreport.version import __version__

TABLES: dict[str, type[Base]] = {
    "documents": DocumentRow,
    "facts": FactRow,
    "commitments": CommitmentRow,
    "observations": ObservationRow,
    "assessments": AssessmentRow,
    "assessment_progress": AssessmentProgressRow,  # a task's percentage, one row an assessment
    "corrections": CorrectionRow,  # people's changes to facts, kept across re-extraction
    "jurisdictions": JurisdictionRow,
}
# not exported: people (users, sessions, tokens) and the audit log, which only an admin reads
# the full text stays out of the tabular export; it is in the JSON of each document
_LEFT_OUT = {"documents": {"text", "structure"}}
FORMATS = ("csv", "jsonl", "parquet")


def _key(name: str) -> list[Any]:
    """The primary key's columns of table ``name`` (``id``, or ``assessment_id`` for a percentage)."""
    table: Table = TABLES[name].__table__  # type: ignore[assignment]
    return list(table.primary_key.columns)


def _columns(name: str) -> list[Any]:
    table: Table = TABLES[name].__table__  # type: ignore[assignment]
    return [c for c in table.columns if c.name not in _LEFT_OUT.get(name, set())]


def _json_type(col: Any) -> dict[str, Any]:
    t = col.type
    if isinstance(t, Boolean):
        base: dict[str, Any] = {"type": "boolean"}
    elif isinstance(t, Integer):
        base = {"type": "integer"}
    elif isinstance(t, Float):
        base = {"type": "number"}
    elif isinstance(t, DateTime):
        base = {"type": "string", "format": "date-time"}
    elif t.__class__.__name__ == "JSON":
        base = {}
    else:
        base = {"type": "string"}
    if col.nullable and "type" in base:
        base["type"] = [base["type"], "null"]
    return base


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one exported table's rows."""
    cols = _columns(name)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"workreport {name}",
        "type": "object",
        "properties": {c.name: _json_type(c) for c in cols},
        "required": [c.name for c in cols if not c.nullable],
        "additionalProperties": False,
    }


def _frictionless_type(col: Any) -> str:
    t = col.type
    if isinstance(t, Boolean):
        return "boolean"
    if isinstance(t, Integer):
        return "integer"
    if isinstance(t, Float):
        return "number"
    if isinstance(t, DateTime):
        return "datetime"
    if t.__class__.__name__ == "JSON":
        return "object"
    return "string"


def _rows(db: Database, name: str) -> Iterator[dict[str, Any]]:
    cols = _columns(name)
    model = TABLES[name]
    with db.read() as session:
        for row in session.scalars(select(model).order_by(*_key(name))).yield_per(1000):
            yield {c.name: _plain(getattr(row, c.key)) for c in cols}


def _plain(v: Any) -> Any:
    return v.isoformat() if isinstance(v, datetime) else v


def export(
    db: Database, out_dir: str | os.PathLike[str], fmt: str, tables: list[str] | None = None
) -> list[Path]:
    """Write each table to ``out_dir`` in ``fmt``, with ``schemas/<table>.schema.json`` and
    ``datapackage.json``. Files are written whole (to a temporary name, then renamed)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    names = tables or list(TABLES)
    unknown = [n for n in names if n not in TABLES]
    if unknown:
        raise InputError(f"unknown table(s) {', '.join(unknown)}; tables: {', '.join(TABLES)}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError("is a file, not a folder to export into", path=str(out))
    (out / "schemas").mkdir(parents=True, exist_ok=True)
    with FileSet() as files:  # the package whole or not at all: a failure leaves the old one as it was
        return _export(db, out, fmt, names, files)


def _export(db: Database, out: Path, fmt: str, names: list[str], files: FileSet) -> list[Path]:
    written: list[Path] = []
    resources = []
    for name in names:
        path = out / f"{name}.{fmt}"
        with files.open(path, "wb" if fmt == "parquet" else "w") as fh:
            if fmt == "csv":
                _write_csv(fh, name, _rows(db, name))
            elif fmt == "jsonl":
                for r in _rows(db, name):
                    fh.write(json.dumps(r, ensure_ascii=False) + "\n")
            else:
                _write_parquet(fh, name, _rows(db, name))
        schema_path = out / "schemas" / f"{name}.schema.json"
        files.write(schema_path, json.dumps(json_schema(name), ensure_ascii=False, indent=2) + "\n")
        written += [path, schema_path]
        resources.append(
            {
                "name": name,
                "path": path.name,
                "format": fmt,
                "mediatype": {
                    "csv": "text/csv",
                    "jsonl": "application/x-ndjson",
                    "parquet": "application/vnd.apache.parquet",
                }[fmt],
                "encoding": "utf-8",
                "schema": {
                    "fields": [{"name": c.name, "type": _frictionless_type(c)} for c in _columns(name)],
                    "primaryKey": [c.name for c in _key(name)],
                },
                "jsonSchema": f"schemas/{name}.schema.json",
            }
        )
    package = {
        "profile": "data-package",
        "name": "workreport",
        "title": "Chinese government work reports: facts and targets",
        "version": __version__,
        "created": datetime.now().astimezone().isoformat(timespec="seconds"),
        "licenses": [{"name": "other-at", "title": "As published by the issuing governments"}],
        "resources": resources,
    }
    dp = out / "datapackage.json"
    files.write(dp, json.dumps(package, ensure_ascii=False, indent=2) + "\n")
    written.append(dp)
    return written


def _write_csv(fh: IO[Any], name: str, rows: Iterator[dict[str, Any]]) -> None:
    cols = [c.name for c in _columns(name)]
    writer = csv.DictWriter(fh, fieldnames=cols)
    writer.writeheader()
    for r in rows:
        writer.writerow(csv_row(r))


def _write_parquet(fh: IO[Any], name: str, rows: Iterator[dict[str, Any]]) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is an optional extra
        raise InputError("Parquet export needs pyarrow: pip install 'workreport[parquet]'") from exc
    cols = _columns(name)
    types = {
        "integer": pa.int64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
        "datetime": pa.string(),
        "object": pa.string(),
        "string": pa.string(),
    }
    schema = pa.schema([(c.name, types[_frictionless_type(c)]) for c in cols])
    batch: dict[str, list[Any]] = {c.name: [] for c in cols}
    writer = pq.ParquetWriter(fh, schema)
    try:
        for n, r in enumerate(rows, start=1):
            for c in cols:
                v = r[c.name]
                batch[c.name].append(json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v)
            if n % 5000 == 0:
                writer.write_table(pa.table(batch, schema=schema))
                batch = {c.name: [] for c in cols}
        writer.write_table(pa.table(batch, schema=schema))
    finally:
        writer.close()


def stream_table(db: Database, name: str, fmt: str) -> Iterator[str]:
    """A table as CSV or JSON Lines text, chunk by chunk (for HTTP downloads)."""
    if name not in TABLES:
        raise InputError(f"unknown table {name!r}")
    if fmt == "jsonl":
        for r in _rows(db, name):
            yield json.dumps(r, ensure_ascii=False) + "\n"
        return
    if fmt != "csv":
        raise InputError(f"unknown format {fmt!r}")
    import io

    cols = [c.name for c in _columns(name)]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=cols)
    writer.writeheader()
    for n, r in enumerate(_rows(db, name), start=1):
        writer.writerow(csv_row(r))
        if n % 500 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
