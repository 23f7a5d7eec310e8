"""Tracking at corpus scale: targets rated against outcomes straight from the Parquet datasets.

For a corpus too large for a registry database, :func:`track_dataset` reads the ``facts/`` and
``documents/`` datasets that ``workreport extract … --format parquet`` writes into DuckDB
(``pip install 'workreport[duckdb]'``) and rates every target there with the very functions
the registry's tracker uses, so that its ratings equal the registry's on the same reports:

* DuckDB selects the tracked targets, as the registry makes commitments of them (a target
  with a period; a repeated target of one document once: the first fact of a document with
  the same scope, indicator, measure, value, comparator, unit and period, whatever its kind,
  stands for the rest, as in ``pipeline.resolve.resolve``), the outcomes (facts of kind
  actual or estimate with a period), and joins each target with its candidate outcomes: the
  same place (the fact's scope if it names one, else the report's jurisdiction, resolved as
  the registry resolves it), due period, measure and unit;
* Python chooses and rates with ``track.match.choose`` and ``track.rules.rate``, and decides
  between *unknown* and *not yet due* by the registry's rule: a report reviewing the period
  exists for the target's place or a place above it (``pipeline.places`` gives the chain);
* an outcome's context (the words before its number within its item of its sentence,
  ``track.context``) is needed only where a target or an outcome has no indicator id; the
  dataset holds sentence spans but not the text, so the text is read again from the source
  file the dataset names (checked against its SHA-256; a relative path is taken from the
  current folder, else from ``sources``).

What the registry has and a dataset has not: people's corrections, assessments and imported
observations. Ties between two equally good outcomes of the same report date and offset go
to the document whose path sorts first (the registry: the one ingested first).
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workreport.errors import InputError, ReadError
from workreport.pipeline.places import Jurisdiction, Registry
from workreport.pipeline.places import load as load_places
from workreport.pipeline.read import open_bytes, read_bytes
from workreport.pipeline.structure import level_of
from workreport.publish.datasets import dataset_settings
from workreport.track.context import context_in
from workreport.track.match import Side, choose, verdict
from workreport.track.rules import Bound
from workreport.track.tracker import TrackRow

__all__ = ["track_dataset"]

_UP = 12  # levels walked up looking for a review (as the registry's tracker does)


def _duckdb() -> Any:
    try:
        import duckdb
    except ImportError:
        raise InputError("tracking a dataset needs DuckDB: pip install 'workreport[duckdb]'") from None
    return duckdb


# --------------------------------------------------------------------------- places


class _Places:
    """Places as the registry's ``store.places.jurisdiction_id`` resolves them, without a
    database: a unit of the shipped registry is its code (or name), a name it does not know is
    a zone under the report's own place (or a place of its own)."""

    def __init__(self) -> None:
        self.registry: Registry = load_places()
        self.parent: dict[str, str | None] = {}
        self.name: dict[str, str] = {}

    def _unit(self, j: Jurisdiction) -> str:
        key = f"code:{j.code}" if j.code else f"name:{j.name}"
        if key not in self.name:
            self.name[key] = j.name
            up = self.registry.parent(j)
            self.parent[key] = self._unit(up) if up is not None else None
        return key

    def resolve(self, name: str | None, context: str | None) -> str | None:
        """The place ``name`` names, seen from the place ``context`` (the report's own)."""
        if not name:
            return context
        outer = self.name.get(context) if context is not None else None
        j = self.registry.resolve(name, context=outer)
        if j is None and context is not None:
            j = self.registry.resolve(name)
        if j is not None:
            return self._unit(j)
        if context is None and level_of(name) is None:
            return None  # not a place's name (a misread title)
        key = f"zone:{context or ''}/{name}"
        self.name[key] = name
        self.parent[key] = context
        return key

    def find(self, name: str) -> str | None:
        """The place a ``--jurisdiction`` filter names: a unit, else a place of that exact name."""
        j = self.registry.resolve(name)
        if j is not None:
            return self._unit(j)
        return next((k for k, n in self.name.items() if n == name), None)

    def due(self, place: str | None, period: int, reviewed: dict[str, int]) -> bool:
        """Has a report reviewing ``period`` been read for ``place`` or a place above it?"""
        seen = 0
        while place is not None and seen < _UP:
            if reviewed.get(place, -1) >= period:
                return True
            place, seen = self.parent.get(place), seen + 1
        return False


# --------------------------------------------------------------------------- reading


@dataclass(slots=True)
class _Fact:
    """A target or an outcome as the dataset holds it."""

    ordinal: int  # document path order, then the fact's order in its document
    sha256: str
    path: str
    place: str | None
    start: int
    end: int
    quote: str
    value: float
    value_max: float | None
    unit: str
    measure: str
    comparator: str
    kind: str
    indicator: str | None
    indicator_id: str | None
    hedge: str | None
    period: int
    classifier: str | None
    sentence_start: int | None
    delivered: str = ""


_FACT_COLUMNS = (
    'ordinal, sha256, path, place, start, "end", quote, value, value_max, unit, measure, '
    "comparator, kind, indicator, indicator_id, hedge, period, classifier, sentence_start, delivered"
)


def _parts(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.rglob("part-*.parquet"))


def _insert(con: Any, table: str, rows: list[list[Any]]) -> None:
    if rows:
        con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)


def _load(con: Any, out: Path, places: _Places) -> dict[str, int]:
    """Tables ``docs`` and ``facts`` (tracked kinds with a period, each with its place) in
    DuckDB; the latest year each place's reports review."""
    settings = dataset_settings(out)
    if settings is not None and settings.get("format", "parquet") != "parquet":
        raise InputError(
            f"{out} holds a {settings.get('format')} dataset; tracking reads Parquet", path=str(out)
        )
    documents = _parts(out / "documents")
    if not documents:
        raise InputError(
            f"no documents dataset under {out} (write one with --format parquet -o)", path=str(out)
        )
    con.execute(
        "CREATE TEMP TABLE docs AS SELECT sha256, path, jurisdiction, coalesce(delivered, '') AS delivered, "
        "review_year, NULL::VARCHAR AS place FROM read_parquet(?, hive_partitioning = false)",
        [documents],
    )
    own = {
        j: places.resolve(j, None)
        for (j,) in con.execute("SELECT DISTINCT jurisdiction FROM docs").fetchall()
    }
    con.execute("CREATE TEMP TABLE own_place (jurisdiction VARCHAR, place VARCHAR)")
    _insert(con, "own_place", [[j, p] for j, p in own.items()])
    con.execute(
        "UPDATE docs SET place = o.place FROM own_place o WHERE docs.jurisdiction IS NOT DISTINCT FROM o.jurisdiction"
    )
    reviewed = {
        p: int(y)
        for p, y in con.execute(
            "SELECT place, max(review_year) FROM docs WHERE place IS NOT NULL GROUP BY place"
        ).fetchall()
        if y is not None
    }
    facts = _parts(out / "facts")
    columns = (
        'sha256, file_row_number AS row, start, "end", quote, value, value_max, unit, measure, comparator, '
        "kind, indicator, indicator_id, hedge, period, scope, classifier, sentence_start"
    )
    source = (
        f"SELECT {columns} FROM read_parquet(?, hive_partitioning = false, file_row_number = true) "
        "WHERE period IS NOT NULL"
        if facts
        else 'SELECT * FROM (SELECT NULL::VARCHAR AS sha256, 0::BIGINT AS row, 0 AS start, 0 AS "end", '
        "'' AS quote, 0.0 AS value, NULL::DOUBLE AS value_max, '' AS unit, '' AS measure, '' AS comparator, "
        "'' AS kind, '' AS indicator, NULL::VARCHAR AS indicator_id, NULL::VARCHAR AS hedge, 0 AS period, "
        "NULL::VARCHAR AS scope, NULL::VARCHAR AS classifier, NULL::INTEGER AS sentence_start) WHERE false"
    )
    # a repeated target of one document once: the first fact with its signature stands for it
    con.execute(
        f"""CREATE TEMP TABLE dated AS
        SELECT f.*, row_number() OVER (
                   PARTITION BY f.sha256, f.scope, coalesce(nullif(f.indicator_id, ''), f.indicator),
                                f.measure, f.value, f.comparator, f.unit, f.period
                   ORDER BY f.row) AS nth
        FROM ({source}) f""",
        [facts] if facts else [],
    )
    scoped = con.execute(
        "SELECT DISTINCT d.jurisdiction, d.place, f.scope FROM dated f JOIN docs d USING (sha256) "
        "WHERE f.scope IS NOT NULL AND f.scope <> '' AND f.kind IN ('target', 'actual', 'estimate')"
    ).fetchall()
    con.execute("CREATE TEMP TABLE scope_place (jurisdiction VARCHAR, scope VARCHAR, place VARCHAR)")
    _insert(con, "scope_place", [[j, s, places.resolve(s, p)] for j, p, s in scoped])
    con.execute(
        """CREATE TEMP TABLE facts AS
        SELECT dense_rank() OVER (ORDER BY d.path, f.row) AS ordinal, f.sha256, d.path,
               CASE WHEN f.scope IS NULL OR f.scope = '' THEN d.place ELSE s.place END AS place,
               f.start, f."end", f.quote, f.value, f.value_max, f.unit, f.measure, f.comparator, f.kind,
               f.indicator, f.indicator_id, f.hedge, f.period, f.classifier, f.sentence_start, d.delivered
        FROM dated f
        JOIN docs d USING (sha256)
        LEFT JOIN scope_place s ON s.jurisdiction IS NOT DISTINCT FROM d.jurisdiction AND s.scope = f.scope
        WHERE (f.kind = 'target' AND f.nth = 1) OR f.kind IN ('actual', 'estimate')"""
    )
    return reviewed


def _select(
    con: Any, place: str | None, period: int | None, filtered: bool
) -> tuple[list[_Fact], dict[int, _Fact], dict[int, list[int]]]:
    """The targets (optionally of one place and period), their candidate outcomes by ordinal,
    and each target's candidates: the same place, period, measure and unit."""
    where: list[str] = ["kind = 'target'"]
    args: list[object] = []
    if filtered:
        where.append("place = ?")
        args.append(place)
    if period is not None:
        where.append("period = ?")
        args.append(period)
    con.execute(f"CREATE TEMP TABLE targets AS SELECT * FROM facts WHERE {' AND '.join(where)}", args)
    targets = [
        _Fact(*r) for r in con.execute(f"SELECT {_FACT_COLUMNS} FROM targets ORDER BY ordinal").fetchall()
    ]
    pairs: dict[int, list[int]] = {}
    outcomes: dict[int, _Fact] = {}
    rows = con.execute(
        f"""SELECT t.ordinal, {", ".join("o." + c.strip() for c in _FACT_COLUMNS.split(","))}
        FROM targets t JOIN facts o
          ON o.kind IN ('actual', 'estimate') AND o.place = t.place AND o.period = t.period
         AND o.measure = t.measure AND o.unit = t.unit
        ORDER BY t.ordinal, o.ordinal"""
    ).fetchall()
    for r in rows:
        o = outcomes.get(r[1]) or _Fact(*r[1:])
        outcomes[o.ordinal] = o
        pairs.setdefault(r[0], []).append(o.ordinal)
    return targets, outcomes, pairs


# --------------------------------------------------------------------------- context


def _contexts(
    wanted: dict[str, list[_Fact]], sources: Path | None
) -> tuple[dict[int, str | None], list[str]]:
    """The context of each wanted outcome, by ordinal, read from its document's source file;
    the documents that could not be read as the dataset recorded them."""
    out: dict[int, str | None] = {}
    missing: list[str] = []
    for sha, facts in wanted.items():
        path = facts[0].path
        text = _text(path, sha, sources)
        if text is None:
            missing.append(path)
        for f in facts:
            out[f.ordinal] = context_in(text, f.start, f.sentence_start) if text is not None else None
    return out, missing


def _text(path: str, sha: str, sources: Path | None) -> str | None:
    candidates = [Path(path)]
    if sources is not None and not os.path.isabs(path):
        candidates.append(sources / path)
    for p in candidates:
        try:
            data = open_bytes(p)
        except ReadError:
            continue
        if hashlib.sha256(data).hexdigest() != sha:
            continue  # another version of the file: its offsets are not the dataset's
        try:
            return read_bytes(data, path).text
        except ReadError:
            return None
    return None


# --------------------------------------------------------------------------- rating


def _side(f: _Fact, context: str | None = None) -> Side:
    return Side(f.measure, f.unit, f.value, f.classifier, f.indicator_id, f.indicator, context)


def _preference(o: _Fact) -> tuple[object, ...]:
    # as the registry's: no person's import here, an actual, the newest report, the first statement
    return (False, o.kind == "actual", o.delivered, -o.start, -o.ordinal)


def _evidence(f: _Fact) -> dict[str, Any]:
    return {
        "quote": f.quote,
        "document": f.path,
        "document_id": None,
        "sha256": f.sha256,
        "start": f.start,
        "end": f.end,
    }


def _rate(
    n: int,
    t: _Fact,
    pool: list[_Fact],
    contexts: dict[int, str | None],
    places: _Places,
    reviewed: dict[str, int],
) -> TrackRow:
    """One target rated as the registry's tracker rates it."""
    target = Side(
        t.measure or "level", t.unit or "", t.value or 0.0, t.classifier, t.indicator_id, t.indicator
    )
    choice = choose(target, [_side(o, contexts.get(o.ordinal)) for o in pool], [_preference(o) for o in pool])
    best = pool[choice.index] if choice.index is not None else None
    status, rule, provisional = verdict(
        Bound(t.value or 0.0, t.comparator or "=", t.value_max, t.measure or "level", t.indicator_id),
        Bound(best.value, best.comparator, best.value_max, best.measure, best.indicator_id) if best else None,
        estimate=best is not None and best.kind == "estimate",
        review=choice.review,
        due=places.due(t.place, t.period, reviewed),
    )
    outcome = None
    if best is not None:
        outcome = {
            "value": best.value,
            "value_max": best.value_max,
            "unit": t.unit,
            "measure": t.measure,
            **_evidence(best),
            "kind": best.kind,
            "source": "fact",
        }
    candidates = [
        {
            "observation_id": None,
            **_evidence(pool[i]),
            "value": pool[i].value,
            "kind": pool[i].kind,
            "indicator": pool[i].indicator,
            "score": score,
        }
        for i, score in choice.candidates[:5]
    ]
    return TrackRow(
        commitment_id=n,
        jurisdiction=places.name.get(t.place) if t.place is not None else None,
        indicator_id=t.indicator_id,
        indicator=t.indicator,
        period=t.period,
        target={
            "value": t.value,
            "value_max": t.value_max,
            "unit": t.unit,
            "measure": t.measure,
            "comparator": t.comparator,
            "hedge": t.hedge,
            "classifier": t.classifier,
            **_evidence(t),
        },
        outcome=outcome,
        status=status,
        provisional=provisional,
        rule=rule,
        rater="rules",
        match=choice.how if best is not None else None,
        review=choice.review if best is None else None,
        candidates=candidates if choice.review else [],
    )


def _needs_context(
    targets: Iterable[_Fact], outcomes: dict[int, _Fact], pairs: dict[int, list[int]]
) -> dict[str, list[_Fact]]:
    """Outcomes whose context a phrase match may read (a target or an outcome without an
    indicator id), by document."""
    wanted: dict[int, _Fact] = {}
    for t in targets:
        for oid in pairs.get(t.ordinal, []):
            o = outcomes[oid]
            if not (t.indicator_id and o.indicator_id):
                wanted[oid] = o
    by_doc: dict[str, list[_Fact]] = {}
    for o in wanted.values():
        by_doc.setdefault(o.sha256, []).append(o)
    return by_doc


def track_dataset(
    out_dir: str | os.PathLike[str],
    *,
    jurisdiction: str | None = None,
    period: int | None = None,
    sources: str | os.PathLike[str] | None = None,
) -> list[TrackRow]:
    """Every target of the Parquet datasets under ``out_dir`` (optionally of one jurisdiction,
    a name or alias, and one period) rated against the outcomes they report, as
    ``workreport.track.track`` rates them in a registry holding the same reports.

    Rows are :class:`~workreport.track.TrackRow`, in order of place, period and document;
    ``commitment_id`` is the row's number (a dataset has no commitment ids), and the target's
    and outcome's ``document`` is the path the dataset records, with its ``sha256``. Raises
    :class:`InputError` without DuckDB, without a documents dataset, or for a jurisdiction no
    report speaks of. Outcome contexts are read from the source files (relative paths from the
    current folder, else from ``sources``); a file that is missing or changed is warned about
    and its outcomes are matched by indicator id and phrase only."""
    duckdb = _duckdb()
    out = Path(out_dir)
    places = _Places()
    con = duckdb.connect()
    try:
        reviewed = _load(con, out, places)
        place = None
        if jurisdiction is not None:
            place = places.find(jurisdiction)
            if place is None:
                raise InputError(f"no jurisdiction called {jurisdiction!r}")
        targets, outcomes, pairs = _select(con, place, period, jurisdiction is not None)
    finally:
        con.close()
    contexts, missing = _contexts(
        _needs_context(targets, outcomes, pairs), Path(sources) if sources else None
    )
    if missing:
        warnings.warn(
            f"{len(missing)} source file(s) missing or changed since extraction (e.g. {missing[0]}): "
            "their outcomes are matched without the words before their numbers",
            stacklevel=2,
        )
    rated = [
        (t, [outcomes[i] for i in pairs.get(t.ordinal, [])])
        for t in sorted(targets, key=lambda t: (places.name.get(t.place or "", ""), t.period, t.ordinal))
    ]
    return [_rate(n, t, pool, contexts, places, reviewed) for n, (t, pool) in enumerate(rated, 1)]
