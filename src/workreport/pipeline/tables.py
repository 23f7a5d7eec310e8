"""Tables of reports: CSV, TSV, Parquet and JSON Lines files holding one report a row.

Public collections of work reports come as one row per report: a text column (``full_text``)
and metadata columns (province, year, title, source_url, publish_date). Each row is one
:class:`Row`: its text exactly as the cell holds it (fact offsets index it), its metadata,
and a name (``corpus.csv#row-N``, N counting data rows from 1, or its source URL) under
which it is stored. The metadata from the columns overrides what the structure stage infers
from the text (:func:`apply_metadata`); the year column is the plan year.

A row travels to a worker as bytes (:attr:`Row.data`, read back by :func:`parse_row_bytes`)
with :data:`ROW_SUFFIX` as its suffix; its content hash (:attr:`Row.sha256`) covers its text
and metadata, not its name, so a re-run finds it stored whatever the file is called.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from workreport.errors import InputError, ReadError
from workreport.model import Document, Fact, Structure
from workreport.pipeline.read import NOT_TEXT

TABLE_SUFFIXES = frozenset({".csv", ".tsv", ".parquet", ".jsonl", ".ndjson"})
ROW_SUFFIX = ".row"  # the suffix a job carrying a table row's bytes is read with
PARQUET_BATCH = 64  # rows read from a Parquet file at a time
_ENCODING_PROBE = 1 << 20

TEXT_COLUMNS = ("full_text", "text", "content")
PLACE_COLUMNS = ("province", "jurisdiction")


@dataclass(frozen=True, slots=True)
class Columns:
    """Which columns hold a row's text and metadata. ``None``: the default names, tried in
    order (text: full_text, text, content; place: province, jurisdiction; title, year,
    publish_date, source_url); a default column missing just gives no metadata, a named
    column missing (or no text column at all) is an :class:`InputError`."""

    text: str | None = None
    title: str | None = None
    place: str | None = None
    year: str | None = None
    date: str | None = None
    source: str | None = None

    def _wanted(self) -> dict[str, tuple[tuple[str, ...], bool]]:
        def pick(given: str | None, defaults: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
            return ((given,), True) if given else (defaults, False)

        return {
            "text": pick(self.text, TEXT_COLUMNS),
            "title": pick(self.title, ("title",)),
            "place": pick(self.place, PLACE_COLUMNS),
            "year": pick(self.year, ("year",)),
            "date": pick(self.date, ("publish_date",)),
            "source": pick(self.source, ("source_url",)),
        }

    def resolve(self, header: list[str], path: str) -> dict[str, str]:
        """The column each field comes from in a table with ``header`` (absent fields left out)."""
        present = set(header)
        found: dict[str, str] = {}
        for what, (names, explicit) in self._wanted().items():
            name = next((n for n in names if n in present), None)
            if name is not None:
                found[what] = name
            elif explicit or what == "text":
                shown = ", ".join(header[:12]) + (" …" if len(header) > 12 else "")
                raise InputError(
                    f"has no {what} column {' or '.join(names)!s} (its columns: {shown or 'none'})", path=path
                )
        return found


DEFAULT_COLUMNS = Columns()


@dataclass(frozen=True, slots=True)
class Row:
    """One report of a table: its name, text (the cell as it is) and metadata; ``error`` if it
    cannot be a report (an empty text)."""

    name: str
    number: int
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def data(self) -> bytes:
        """The row as bytes for a worker (:func:`parse_row_bytes` reads them back)."""
        return json.dumps(
            {"name": self.name, "text": self.text, "meta": self.meta}, ensure_ascii=False
        ).encode()

    @property
    def sha256(self) -> str:
        """The content hash: of the text and the metadata, not the name."""
        blob = json.dumps({"text": self.text, "meta": self.meta}, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()

    def document(self) -> Document:
        """The row's text as a :class:`Document` (a ReadError if it has none)."""
        if self.error is not None:
            raise ReadError(self.error, path=self.name)
        return Document(text=self.text, path=self.name, format="txt", encoding="utf-8", sha256=self.sha256)


def is_table(path: str | os.PathLike[str]) -> bool:
    """True if ``path`` names a table of reports (by its suffix)."""
    return PurePath(os.fspath(path)).suffix.lower() in TABLE_SUFFIXES


# --------------------------------------------------------------------------- reading


def _kind(path: str) -> str:
    ext = PurePath(path).suffix.lower()
    return {".tsv": "tsv", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(ext, "csv")


def _csv_encoding(path: str) -> str:
    with open(path, "rb") as fh:
        head = fh.read(_ENCODING_PROBE)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not a character cut by the probe's end
            return "gb18030"
    return "utf-8"


def _csv_records(path: str, tab: bool) -> Iterator[tuple[int, dict[str, Any] | str]]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with open(path, encoding=_csv_encoding(path), newline="") as fh:
        reader = csv.reader(fh, dialect="excel-tab" if tab else "excel")
        header = next(reader, None)
        if header is None:
            return
        yield 0, {"": header}
        for n, cells in enumerate(reader, 1):
            yield n, dict(zip(header, cells, strict=False))


def _jsonl_records(path: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    header: list[str] | None = None
    early: list[tuple[int, dict[str, Any] | str]] = []  # bad lines before the first object
    with open(path, encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                obj = f"is not JSON ({' '.join(str(exc).split())})"
            else:
                if not isinstance(obj, dict):
                    obj = "is not a JSON object"
            if header is None and isinstance(obj, dict):
                header = [str(k) for k in obj]
                yield 0, {"": header}
                yield from early
            if header is None:
                early.append((n, obj))
            else:
                yield n, obj
    if header is None and early:
        raise ReadError("holds no JSON object", path=path)


def _parquet_records(path: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(
            "reading Parquet needs pyarrow: pip install 'workreport[parquet]'", path=path
        ) from None
    pf = pq.ParquetFile(path)
    yield 0, {"": list(pf.schema_arrow.names)}
    n = 0
    for batch in pf.iter_batches(batch_size=PARQUET_BATCH):
        for record in batch.to_pylist():
            n += 1
            yield n, record


def _records(path: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """``(0, {"": header})`` first, then ``(row number, record or why it is not one)``."""
    kind = _kind(path)
    try:
        if kind == "parquet":
            yield from _parquet_records(path)
        elif kind == "jsonl":
            yield from _jsonl_records(path)
        else:
            yield from _csv_records(path, kind == "tsv")
    except (InputError, ReadError):
        raise
    except FileNotFoundError:
        raise ReadError("no such file", path=path) from None
    except (OSError, ValueError, csv.Error) as exc:  # pyarrow's errors are OSError / ValueError
        raise ReadError(f"cannot be read as a table: {' '.join(str(exc).split())[:300]}", path=path) from None


def check_table(path: str | os.PathLike[str], columns: Columns | None = None) -> int:
    """The number of rows of the table at ``path``; an InputError naming the file if it has no
    text column (or no column named in ``columns``)."""
    name = os.fspath(path)
    records = _records(name)
    first = next(records, None)
    if first is None or not isinstance(first[1], dict):
        raise InputError("is an empty table (no header)", path=name)
    (columns or DEFAULT_COLUMNS).resolve(list(first[1][""]), name)
    if _kind(name) == "parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(name).metadata.num_rows)
    return sum(1 for _ in records)


def _not_text(n: int, name: str, values: dict[str, Any]) -> str | None:
    """Why row ``n`` of ``name`` cannot be stored, if a value of it holds what is not text
    (:data:`~workreport.pipeline.read.NOT_TEXT`): the row fails, as a text file with a bad byte
    does."""
    for column, value in values.items():
        bad = NOT_TEXT.search(value) if isinstance(value, str) else None
        if bad is not None:
            return f"row {n} of {name}: {column} holds U+{ord(bad[0]):04X} at character {bad.start()}, which is not text"
    return None


_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _year(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1800 <= value <= 2099 else None
    if isinstance(value, float) and value.is_integer():
        return _year(int(value))
    m = _YEAR.search(_cell(value) or "")
    return int(m.group(1)) if m else None


def _date(value: Any) -> str | None:
    m = _DATE.search(_cell(value) or "")
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None


def _meta(record: dict[str, Any], cols: dict[str, str]) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "title": _cell(record.get(cols["title"])) if "title" in cols else None,
        "jurisdiction": _cell(record.get(cols["place"])) if "place" in cols else None,
        "plan_year": _year(record.get(cols["year"])) if "year" in cols else None,
        "delivered": _date(record.get(cols["date"])) if "date" in cols else None,
        "source_url": _cell(record.get(cols["source"])) if "source" in cols else None,
    }
    return {k: v for k, v in meta.items() if v is not None}


def iter_rows(path: str | os.PathLike[str], columns: Columns | None = None) -> Iterator[Row]:
    """The reports of the table at ``path``, one :class:`Row` each, read a row (or a Parquet
    batch) at a time. A row with an empty text (or a JSON Lines line that is not an object)
    comes with its ``error`` set; a table without the text column is an InputError."""
    name = os.fspath(path)
    records = _records(name)
    first = next(records, None)
    if first is None or not isinstance(first[1], dict):
        return
    cols = (columns or DEFAULT_COLUMNS).resolve(list(first[1][""]), name)
    urls: set[str] = set()
    for n, record in records:
        own = f"{name}#row-{n}"
        if isinstance(record, str):
            yield Row(own, n, "", error=f"row {n} {record}")
            continue
        raw = record.get(cols["text"])
        text = raw if isinstance(raw, str) else "" if raw is None else str(raw)
        meta = _meta(record, cols)
        url = meta.get("source_url")
        row_name = url if url and url not in urls else own
        if url:
            urls.add(url)
        error = None if text.strip() else f"row {n} of {name} has an empty {cols['text']}"
        if error is None:
            error = _not_text(n, name, {cols["text"]: text, **meta})
        yield Row(row_name, n, text, meta, error)


# --------------------------------------------------------------------------- parsing


def apply_metadata(st: Structure, meta: dict[str, Any]) -> None:
    """Put the metadata of a row's columns over what the structure stage inferred."""
    from workreport.pipeline.structure import level_of

    m = st.metadata
    if meta.get("title"):
        m.title = meta["title"]
    place = meta.get("jurisdiction")
    if place and not (m.jurisdiction and m.jurisdiction.startswith(place)):  # 广东 keeps 广东省 of the text
        m.jurisdiction, m.level = place, level_of(place)
    if meta.get("plan_year"):
        m.plan_year = int(meta["plan_year"])
        m.review_year = m.plan_year - 1
    if meta.get("delivered"):
        m.delivered = meta["delivered"]


def parse_row(row: Row) -> tuple[Document, Structure, list[Fact]]:
    """Read, structure and extract one row: its metadata over the inferred."""
    from workreport.pipeline.extract import extract
    from workreport.pipeline.normalise import normalise
    from workreport.pipeline.structure import structure as structure_of

    doc = row.document()
    folded = normalise(doc.text)  # once, for both stages
    st = structure_of(doc, folded)
    apply_metadata(st, row.meta)
    return doc, st, extract(doc, st, normalised=folded)


def row_from_bytes(data: bytes, name: str) -> Row:
    """A row sent as :attr:`Row.data`."""
    try:
        obj = json.loads(data)
        text, meta, row_name = obj["text"], obj["meta"], obj.get("name") or name
    except (ValueError, KeyError, TypeError):
        raise ReadError("is not a table row", path=name) from None
    error = None if text.strip() else "has an empty text"
    return Row(row_name, 0, text, meta, error)


def parse_row_bytes(data: bytes, name: str) -> tuple[Document, Structure, list[Fact]]:
    """:func:`parse_row` of a row sent as bytes."""
    return parse_row(row_from_bytes(data, name))
