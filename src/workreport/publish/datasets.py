"""The published corpus datasets: ``facts/`` and ``documents/``, Hive-partitioned by plan year
and level, as Parquet or JSON Lines, each with a JSON Schema. Their columns come from the
one :class:`~workreport.model.Fact` schema."""

from __future__ import annotations

import json
import operator
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from workreport.errors import InputError
from workreport.model import FACT_FIELDS, FACT_SCHEMA, Fact
from workreport.version import EXTRACTOR_VERSION

SETTINGS = "_batch.json"
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"  # pyarrow's (and Hive's) name for a null partition value
UNKNOWN_LEVEL = "unknown"




@dataclass(frozen=True, slots=True)
class Column:
    """A column of a published dataset; ``partition`` columns live in the folder names."""

    name: str
    type: str  # string | int32 | int64 | float64
    nullable: bool
    description: str
    partition: bool = False


_SHA = Column("sha256", "string", False, "SHA-256 of the document file's bytes (hex)")
_PATH = Column("path", "string", False, "the document file, as given to the batch")
_JURISDICTION = Column(
    "jurisdiction", "string", True, "the report's own jurisdiction, as written (中国 for the State Council)"
)
_LEVEL = Column(
    "level",
    "string",
    False,
    "level of the jurisdiction: national, province, prefecture, county, new_area, zone, "
    "or unknown; a partition key (folder level=…)",
    partition=True,
)
_YEAR = Column(
    "year",
    "int32",
    True,
    "the year the report's plan part is for (its plan year), null when unknown; a partition key "
    f"(folder year=…, {HIVE_NULL} for null)",
    partition=True,
)

_STORAGE = {"string": "string", "int": "int64", "float": "float64", "list": "string"}
FACT_COLUMNS: tuple[Column, ...] = (
    _SHA,
    _PATH,
    _JURISDICTION,
    _LEVEL,
    _YEAR,
    *(
        Column(
            s.name,
            "int32" if s.name == "period" else _STORAGE[s.type],  # a year fits in 32 bits
            s.nullable,
            s.description + (": a JSON array" if s.type == "list" else ""),
        )
        for s in FACT_SCHEMA
    ),
)
DOCUMENT_COLUMNS: tuple[Column, ...] = (
    _SHA,
    _PATH,
    Column("format", "string", False, "txt, html, docx or pdf"),
    Column("encoding", "string", True, "how a text or HTML file was decoded"),
    Column("title", "string", True, "the report's title"),
    _JURISDICTION,
    _LEVEL,
    Column("delivered", "string", True, "ISO date the report was delivered or published"),
    Column("plan_year", "int32", True, "the year the plan part is for"),
    Column("review_year", "int32", True, "the year the review part reports on"),
    Column("speaker", "string", True, "who delivered the report"),
    Column("source", "string", True, "the publisher of a press reading or a web copy"),
    Column("doc_type", "string", False, "report or press_reading"),
    Column("n_facts", "int64", False, "number of facts extracted"),
    Column("chars", "int64", False, "length of the document text in code points"),
    _YEAR,
)
DATASETS: dict[str, tuple[Column, ...]] = {"facts": FACT_COLUMNS, "documents": DOCUMENT_COLUMNS}
_JSON_TYPES = {"string": "string", "int32": "integer", "int64": "integer", "float64": "number"}


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of one row of dataset ``name`` (``facts`` or ``documents``)."""
    columns = DATASETS[name]
    props: dict[str, Any] = {}
    for c in columns:
        t = _JSON_TYPES[c.type]
        props[c.name] = {"type": [t, "null"] if c.nullable else t, "description": c.description}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"workreport batch {name}",
        "description": (
            f"One row of {name}/ (Hive partitioning: year=<plan year>/level=<level>; the partition "
            "columns live in the folder names, not in the part files)."
        ),
        "type": "object",
        "properties": props,
        "required": [c.name for c in columns if not c.nullable],
        "additionalProperties": False,
        "x-partition-keys": ["year", "level"],
        "x-extractor-version": EXTRACTOR_VERSION,
    }


@cache  # an Arrow schema is immutable: built once, not for every part a worker writes
def _arrow_schema(name: str, with_partitions: bool) -> Any:
    import pyarrow as pa

    types = {"string": pa.string(), "int32": pa.int32(), "int64": pa.int64(), "float64": pa.float64()}
    return pa.schema(
        [
            pa.field(c.name, types[c.type], nullable=c.nullable)
            for c in DATASETS[name]
            if with_partitions or not c.partition
        ]
    )


@cache
def _part_columns(name: str) -> tuple[str, ...]:
    """The columns of a part file of dataset ``name``: every one but the partition columns."""
    return tuple(c.name for c in DATASETS[name] if not c.partition)


def encode(name: str, columns: dict[str, list[Any]], fmt: str) -> bytes:
    """One part file of dataset ``name`` from its ``columns`` (every one but the partition
    columns, each a list with a value per row)."""
    names = _part_columns(name)
    if fmt == "jsonl":
        return "".join(
            json.dumps(dict(zip(names, values, strict=True)), ensure_ascii=False) + "\n"
            for values in zip(*(columns[k] for k in names), strict=True)
        ).encode("utf-8")
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pydict({k: columns[k] for k in names}, schema=_arrow_schema(name, False))
    sink = pa.BufferOutputStream()
    # A part holds one document's rows (a few hundred): column statistics would let a reader
    # skip nothing the partition folders do not, dictionaries of so few values grow the file,
    # and the Arrow schema repeats the Parquet one (the types map back as they are). Without
    # them a part is written in a fifth less time and is a quarter smaller.
    pq.write_table(
        table, sink, compression="zstd", write_statistics=False, use_dictionary=False, store_schema=False
    )
    return bytes(sink.getvalue().to_pybytes())


# json.dumps(x, ensure_ascii=False) builds this encoder at every call, then runs its encode
_SECTION_JSON: Final = json.JSONEncoder(ensure_ascii=False)
_FACT_ROW: Final = operator.attrgetter(*FACT_FIELDS)  # a tuple: FACT_FIELDS holds more than one name


def fact_columns(facts: Sequence[Fact], **shared: Any) -> dict[str, list[Any]]:
    """The columns of dataset ``facts`` for the facts of one document (their ``shared`` columns,
    sha256, path and jurisdiction, the same in every row): column by column, each section's JSON
    text made once (a dict per fact, and the JSON of each one's section, cost a batch worker
    about a quarter of what extracting the facts did)."""
    n = len(facts)
    columns: dict[str, list[Any]] = {name: [value] * n for name, value in shared.items()}
    # one tuple of every field per fact, transposed by zip: the look-ups run in C, not a
    # getattr call per field per fact (the same values, in the same order, as getattr gives)
    if n:
        for name, values in zip(FACT_FIELDS, zip(*map(_FACT_ROW, facts), strict=True), strict=True):
            columns[name] = list(values)
    else:
        for name in FACT_FIELDS:
            columns[name] = []
    texts: dict[tuple[str, ...], str] = {}
    section = []
    dumps = _SECTION_JSON.encode
    for titles in columns["section"]:
        key = tuple(titles)
        text = texts.get(key)
        if text is None:
            text = texts[key] = dumps(titles)
        section.append(text)
    columns["section"] = section
    return columns


def partition(year: int | None, level: str | None) -> str:
    """The Hive partition folder of a document: ``year=2023/level=prefecture``."""
    y = str(year) if year is not None else HIVE_NULL
    lv = level or UNKNOWN_LEVEL
    if not re.fullmatch(r"[a-z_]+", lv):
        lv = quote(lv, safe="")
    return f"year={y}/level={lv}"


def read_dataset(out_dir: str | os.PathLike[str], name: str = "facts") -> Any:
    """Dataset ``name`` (``facts`` or ``documents``) under ``out_dir`` as one ``pyarrow.Table``,
    columns in the published order (partition columns included)."""
    import pyarrow.dataset as ds

    if name not in DATASETS:
        raise InputError(f"unknown dataset {name!r}; use facts or documents")
    out = Path(out_dir)
    if not out.is_dir():
        raise InputError(f"no dataset folder at {out}", path=str(out))
    settings = dataset_settings(out)
    if settings is None and not (out / "documents").is_dir():
        # a batch writes its settings first: their absence means this is not a batch's output
        # (an empty table would read as "no facts found")
        raise InputError(f"{out} holds no dataset (no {SETTINGS}, no documents/ folder)", path=str(out))
    fmt = settings.get("format", "parquet") if settings else "parquet"
    schema = _arrow_schema(name, True)
    part = ds.partitioning(_partition_schema(), flavor="hive")
    folder = out / name
    if not folder.exists():  # a batch whose reports hold no facts writes no facts/ folder
        return schema.empty_table()
    dataset = ds.dataset(
        str(folder), format="json" if fmt == "jsonl" else "parquet", partitioning=part, schema=schema
    )
    # pyarrow's threaded JSON scan can deadlock when its CPU pool has one thread (one core, or
    # OMP_NUM_THREADS=1): scan JSON Lines on this thread
    table = dataset.to_table(use_threads=fmt != "jsonl")
    return table.select([c.name for c in DATASETS[name]])


@cache
def _partition_schema() -> Any:
    import pyarrow as pa

    return pa.schema([pa.field("year", pa.int32()), pa.field("level", pa.string())])


def dataset_settings(out: Path) -> dict[str, Any] | None:
    """The settings a dataset folder was written with, or None if it has none or they are unreadable."""
    try:
        value = json.loads((out / SETTINGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None
