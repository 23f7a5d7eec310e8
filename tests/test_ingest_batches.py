"""Batched ingest: the full-text index written once per transaction stays whole and true,
a changed version replaced within the same batch included, and a failed document leaves no
trace in it."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from workreport.batch import ingest_corpus
from workreport.errors import StoreError
from workreport.store import Database
from workreport.store.queries import search

REPORTS = Path(__file__).parent / "data" / "reports"
MARK_OLD = "旧版独有的一句话用来检验索引"
MARK_NEW = "新版独有的一句话用来检验索引"


def _fts(db: Path) -> tuple[list[int], list[int], bool]:
    """Document ids, ids in the full-text index, and whether the insert trigger is there; the
    FTS5 integrity check raises if the index is inconsistent in itself (it is contentless: what
    it holds of each text is checked by searches, see test_fulltext)."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("INSERT INTO documents_fts(documents_fts, rank) VALUES ('integrity-check', 1)")
        docs = [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")]
        indexed = [r[0] for r in conn.execute("SELECT id FROM documents_fts_docsize ORDER BY id")]
        trigger = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'documents_fts_insert'"
        ).fetchone()[0]
        return docs, indexed, trigger == 1
    finally:
        conn.close()


def _corpus(tmp_path: Path) -> tuple[Path, list[Path]]:
    """Three reports, then a changed version of the first under the same file name elsewhere
    (same place, year and type: it replaces the first, in the same batch)."""
    root = tmp_path / "in"
    names = ["city_2024.txt", "county_2023.txt", "province_2026.txt"]
    paths = []
    for n, name in enumerate(names):
        folder = root / f"a{n}"
        folder.mkdir(parents=True)
        text = (REPORTS / name).read_text(encoding="utf-8")
        if n == 0:
            text += "\n" + MARK_OLD + "。\n"
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    changed = root / "b" / names[0]
    changed.parent.mkdir(parents=True)
    changed.write_text((REPORTS / names[0]).read_text(encoding="utf-8") + "\n" + MARK_NEW + "。\n", encoding="utf-8")
    paths.append(changed)
    return root, paths


@pytest.mark.parametrize("workers", [1, 2])
def test_the_search_index_is_whole_after_a_batch_with_a_replacement(
    tmp_path: Path, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workreport.batch.ingest

    monkeypatch.setattr(workreport.batch.ingest, "COMMIT_SECONDS", 1e9)  # all four in one batch
    _root, paths = _corpus(tmp_path)
    db_path = tmp_path / "db.sqlite"
    result = ingest_corpus(f"sqlite:///{db_path}", paths, workers=workers, batch_size=50)
    assert len(result.added) == 3 and result.replaced == [str(paths[3])] and not result.failed
    docs, indexed, trigger = _fts(db_path)
    assert docs == indexed and len(docs) == 3 and trigger
    db = Database(f"sqlite:///{db_path}")
    try:
        assert search(db, MARK_NEW).total == 1
        assert search(db, MARK_OLD).total == 0  # the old text left the index with the old version
        assert search(db, "高质量").total >= 1
    finally:
        db.close()
    # a single store after the batch goes through the trigger again
    extra = tmp_path / "extra" / "press_2024.txt"
    extra.parent.mkdir()
    extra.write_text((REPORTS / "press_2024.txt").read_text(encoding="utf-8"), encoding="utf-8")
    from workreport import registry

    db = Database(f"sqlite:///{db_path}")
    try:
        assert registry.ingest(db, [extra]).added == [str(extra)]
    finally:
        db.close()
    docs, indexed, trigger = _fts(db_path)
    assert docs == indexed and len(docs) == 4 and trigger


def test_a_document_that_fails_leaves_nothing_in_the_search_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workreport.registry.documents as documents

    _root, paths = _corpus(tmp_path)
    paths = paths[:3]
    victim = str(paths[1])
    real = documents._store_extraction

    def flaky(session: Any, target: Any, doc: Any, st: Any, facts: Any) -> None:
        real(session, target, doc, st, facts)  # everything written, then a failure
        if doc.path == victim:
            raise StoreError("refused")

    monkeypatch.setattr(documents, "_store_extraction", flaky)
    db_path = tmp_path / "db.sqlite"
    result = ingest_corpus(f"sqlite:///{db_path}", paths, workers=1)
    assert result.failed == [(victim, "refused")] and len(result.added) == 2
    docs, indexed, trigger = _fts(db_path)
    assert docs == indexed and len(docs) == 2 and trigger


def _document(conn: Any, sha256: str, path: str) -> int:
    """A minimal document row, inserted with Core; its id."""
    from sqlalchemy import insert

    from workreport.store import DocumentRow
    from workreport.store.rows import table

    doc = {
        "sha256": sha256, "path": path, "format": "txt", "encoding": "utf-8", "text": "t",
        "doc_type": "report", "structure": {}, "extractor_version": "v",
    }
    return int(conn.execute(insert(table(DocumentRow)).values(**doc)).inserted_primary_key[0])


def _targets(conn: Any, document_id: int, n: int) -> list[int]:
    """``n`` minimal target commitments of the document, inserted with Core; their ids."""
    from sqlalchemy import insert

    from workreport.store import CommitmentRow
    from workreport.store.rows import table

    base = {"document_id": document_id, "type": "target", "retired": False, "text": "t", "start": 0, "end": 1}
    return [
        int(conn.execute(insert(table(CommitmentRow)).values(key=f"k{i}", **base)).inserted_primary_key[0])
        for i in range(n)
    ]


def test_bulk_rows_are_stored_as_a_core_insert_stores_them(db_url: str) -> None:
    """``insert_rows`` (COPY on PostgreSQL, the driver's executemany on SQLite) stores what
    SQLAlchemy's own INSERT stores: floats given as integers, booleans, timestamps, JSON given
    as text (null included), NULLs and quotes."""
    import json
    from datetime import UTC, datetime

    from sqlalchemy import insert, select

    from workreport.store import ObservationRow
    from workreport.store.database import insert_rows
    from workreport.store.rows import FactRow, table

    db = Database(db_url)
    try:
        with db.session() as session:
            conn = session.connection()
            did = _document(conn, "a" * 64, "x.txt")
            when = datetime(2026, 12, 1, 10, 30, 5, 123456, tzinfo=UTC)
            base: dict[str, Any] = {
                "document_id": did, "start": 3, "end": 7, "quote": "增长'6%'\t左右\\N", "value": 6,
                "value_max": None, "unit": "%", "measure": "growth", "comparator": "~", "kind": "target",
                "indicator": "生产总值", "indicator_id": None, "hedge": None, "period": 2026, "scope": None,
                "jurisdiction_id": None, "classifier": None, "sentence_start": 0, "sentence_end": 9,
                "extractor_version": "v", "corrected": True,
            }
            sections: list[Any] = [["一、", "（二）"], [], None]
            core = [{**base, "key": f"core-{i}", "section": s} for i, s in enumerate(sections)]
            conn.execute(insert(table(FactRow)), core)
            columns = tuple(core[0])
            bulk = [
                tuple(json.dumps(v) if c == "section" else (f"bulk-{i}" if c == "key" else v) for c, v in row.items())
                for i, row in enumerate(core)
            ]
            insert_rows(conn, table(FactRow), columns, bulk, encoded=frozenset({"section"}))
            observation = {
                "period": 2025, "measure": "growth", "unit": "%", "value": 5, "comparator": "=", "kind": "actual",
                "document_id": did, "source": "fact", "created_at": when,
            }
            conn.execute(insert(table(ObservationRow)), [observation])
            insert_rows(conn, table(ObservationRow), tuple(observation), [tuple(observation.values())])
        with db.read() as session:
            facts = table(FactRow)
            rows = {
                r.key: {k: v for k, v in r._mapping.items() if k not in ("id", "key")}
                for r in session.execute(select(facts))
            }
            for i in range(len(sections)):
                assert rows[f"bulk-{i}"] == rows[f"core-{i}"]
            assert isinstance(rows["bulk-0"]["value"], float) and rows["bulk-0"]["corrected"] is True
            a, b = session.execute(select(ObservationRow.value, ObservationRow.created_at).order_by(ObservationRow.id))
            assert a == b and a[1].replace(tzinfo=UTC) == when
    finally:
        db.close()


def test_bulk_updates_store_what_a_core_update_stores(db_url: str) -> None:
    """``update_rows`` (on SQLite the driver's executemany, and one statement for the rows that
    get the same values; a Core executemany elsewhere) sets what SQLAlchemy's own UPDATE sets:
    text with quotes, booleans, timestamps, floats given as integers, JSON given as text, and
    None as SQL NULL in a JSON column (not JSON null)."""
    import json
    from datetime import UTC, datetime

    from sqlalchemy import select, update

    from workreport.store import CommitmentRow
    from workreport.store.database import update_rows
    from workreport.store.rows import table

    commitments = table(CommitmentRow)
    db = Database(db_url)
    try:
        with db.session() as session:
            conn = session.connection()
            ids = _targets(conn, _document(conn, "b" * 64, "y.txt"), 6)
            when = datetime(2026, 12, 1, 10, 30, 5, 123456, tzinfo=UTC)
            new = [
                {
                    "status": "met",
                    "provisional": True,
                    "rule": "不低于'6%'\t\\N",
                    "outcome_value": 7,
                    "rated_at": when,
                    "candidates": [{"quote": "增长7%", "score": 0.5}],
                },
                {
                    "status": "unknown",
                    "provisional": False,
                    "rule": "",
                    "outcome_value": 2.5,
                    "rated_at": when,
                    "candidates": None,
                },
            ]
            columns = tuple(new[0])
            conn.execute(update(commitments).where(commitments.c.id == ids[0]).values(**new[0]))
            conn.execute(
                update(commitments).where(commitments.c.id == ids[1]).values(**{**new[1], "candidates": None})
            )
            update_rows(
                conn,
                commitments,
                columns,
                [
                    (
                        (
                            *[v for c, v in row.items() if c != "candidates"],
                            None if row["candidates"] is None else json.dumps(row["candidates"]),
                        ),
                        row_ids,
                    )
                    for row, row_ids in zip(new, ([ids[2]], ids[3:]), strict=True)  # the second: 3 rows
                ],
                encoded=frozenset({"candidates"}),
            )
        with db.read() as session:
            got = {
                r.id: r._mapping
                for r in session.execute(select(commitments).where(commitments.c.id.in_(ids)))
            }
            null_json = {
                rid: session.scalar(
                    select(commitments.c.id).where(
                        commitments.c.id == rid, commitments.c.candidates.is_(None)
                    )
                )
                for rid in ids
            }
        for core_id, bulk_id in ((ids[0], ids[2]), (ids[1], ids[3]), (ids[1], ids[4]), (ids[1], ids[5])):
            a = {k: v for k, v in got[core_id].items() if k not in ("id", "key")}
            b = {k: v for k, v in got[bulk_id].items() if k not in ("id", "key")}
            assert a == b
        assert got[ids[2]]["candidates"] == [{"quote": "增长7%", "score": 0.5}]
        assert got[ids[2]]["provisional"] is True and isinstance(got[ids[2]]["outcome_value"], float)
        assert got[ids[2]]["rated_at"].replace(tzinfo=UTC) == when
        assert null_json[ids[3]] == ids[3] and null_json[ids[2]] is None  # SQL NULL, as the ORM writes None
        assert null_json[ids[5]] == ids[5]
    finally:
        db.close()


def test_two_writers_rating_the_same_rows_lock_them_in_id_order(db_url: str) -> None:
    """On PostgreSQL ``update_rows`` sets rows that share values with one statement, in groups
    in no particular order; it first locks every row it sets in id order, so a writer that finds
    the lowest of them locked waits holding none of the others (groups taken in their own order
    would lock some, wait for the rest, and deadlock with a writer taking them the other way)."""
    import threading
    import time

    import psycopg
    from sqlalchemy import text

    from workreport.store import CommitmentRow
    from workreport.store.database import update_rows
    from workreport.store.rows import table

    if not db_url.startswith("postgresql"):
        pytest.skip("row locks: PostgreSQL's (SQLite has one writer at a time)")
    commitments = table(CommitmentRow)
    db = Database(db_url)
    try:
        with db.session() as session:
            conn = session.connection()
            low, mid, high = _targets(conn, _document(conn, "c" * 64, "z.txt"), 3)
        dsn = db_url.replace("postgresql+psycopg://", "postgresql://")
        holder = psycopg.connect(dsn)
        holder.execute("SELECT id FROM commitments WHERE id = %s FOR UPDATE", (low,))  # the lowest, held
        done: list[BaseException | None] = []

        def rate() -> None:
            try:
                with db.session() as session:
                    # the group of two first: taken in that order it would lock mid and high
                    update_rows(
                        session.connection(), commitments, ("status",), [(("met",), [high, mid]), (("missed",), [low])]
                    )
                done.append(None)
            except BaseException as exc:
                done.append(exc)

        writer = threading.Thread(target=rate, daemon=True)
        writer.start()
        watcher = psycopg.connect(dsn, autocommit=True)
        probe = psycopg.connect(dsn)
        try:
            for _ in range(200):  # until the writer waits for a lock
                waiting = watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    " AND datname = current_database()"
                ).fetchone()
                if waiting and waiting[0]:
                    break
                time.sleep(0.05)
            else:
                pytest.fail("the writer never waited for the held row")
            for row in (mid, high):  # the writer waits holding none of the others
                probe.execute("SELECT id FROM commitments WHERE id = %s FOR UPDATE NOWAIT", (row,))
                probe.rollback()
        finally:
            holder.rollback()  # the writer goes on, whatever happened here
            writer.join(30)
            for c in (holder, watcher, probe):
                c.close()
        assert done == [None]
        with db.read() as session:
            got: dict[int, str] = dict(session.execute(text("SELECT id, status FROM commitments")).all())
        assert got == {low: "missed", mid: "met", high: "met"}
    finally:
        db.close()


def test_rows_for_many_parents_are_stored_as_a_core_insert_stores_them(db_url: str) -> None:
    """``insert_rows_for`` (on SQLite an INSERT … SELECT over the parents' ids, elsewhere
    ``insert_rows``) stores for each parent what SQLAlchemy's own INSERT stores: booleans,
    timestamps, text with quotes, JSON given as text, NULLs; a row for each id, in their order."""
    import json
    from datetime import UTC, datetime

    from sqlalchemy import insert, select

    from workreport.store import AssessmentRow, CommitmentRow
    from workreport.store.database import insert_rows_for
    from workreport.store.rows import table

    commitments, assessments = table(CommitmentRow), table(AssessmentRow)
    db = Database(db_url)
    try:
        with db.session() as session:
            conn = session.connection()
            ids = _targets(conn, _document(conn, "c" * 64, "z.txt"), 5)
            when = datetime(2026, 12, 1, 10, 30, 5, 123456, tzinfo=UTC)
            new = [
                {"status": "met", "provisional": True, "rule": "不低于'6%'\t\\N", "rater": "rules", "note": None,
                 "evidence": {"observation_id": 3, "match": "phrase"}, "created_at": when},
                {"status": "unknown", "provisional": False, "rule": "", "rater": "rules", "note": "n",
                 "evidence": {"observation_id": None}, "created_at": when},
            ]
            conn.execute(insert(assessments), [{"commitment_id": cid, **row} for cid, row in zip(ids[:2], new, strict=True)])
            columns = ("commitment_id", *new[0])
            insert_rows_for(
                conn,
                assessments,
                columns,
                [
                    (tuple(json.dumps(v) if c == "evidence" else v for c, v in row.items()), row_ids)
                    for row, row_ids in zip(new, ([ids[2]], [ids[4], ids[3]]), strict=True)
                ],
                parent=commitments,
                encoded=frozenset({"evidence"}),
            )
        with db.read() as session:
            got = [r._mapping for r in session.execute(select(assessments).order_by(assessments.c.id))]
        assert [r["commitment_id"] for r in got] == ids[:3] + sorted(ids[3:])
        for core, bulk in ((got[0], got[2]), (got[1], got[3]), (got[1], got[4])):
            assert {k: v for k, v in core.items() if k not in ("id", "commitment_id")} == {
                k: v for k, v in bulk.items() if k not in ("id", "commitment_id")
            }
        assert got[2]["evidence"] == {"observation_id": 3, "match": "phrase"} and got[2]["provisional"] is True
        assert got[2]["created_at"].replace(tzinfo=UTC) == when
    finally:
        db.close()


def test_a_batch_ingest_leaves_nothing_pending_in_postgresql_search_index(
    tmp_path: Path, db_url: str
) -> None:
    """On PostgreSQL a batch transaction lets the trigram index's pending list grow; the ingest
    merges it at its end, so that a search does not scan it (nothing is left to clean)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL index's pending list")
    from sqlalchemy import text

    _, paths = _corpus(tmp_path)
    result = ingest_corpus(db_url, paths[:3], workers=1)
    assert len(result.added) == 3
    db = Database(db_url)
    try:
        with db.session() as session:
            cleaned = session.scalar(
                text("SELECT gin_clean_pending_list('ix_documents_text_trgm'::regclass)")
            )
        assert cleaned == 0
        assert search(db, "旧版独有的一句话").total == 1
    finally:
        db.close()


def test_the_facts_a_worker_sends_as_rows_are_rebuilt_whole() -> None:
    # a batch worker sends a document's facts only as its prepared rows; the writer rebuilds
    # them when it needs them (a replaced version, corrections to carry): every field comes back
    from workreport.batch.runner import parse_plain
    from workreport.pipeline.rows import facts_of, prepare

    path = REPORTS / "province_2026.txt"
    doc, st, facts = parse_plain(str(path), path.read_bytes())
    assert len(facts) > 50
    assert facts_of(prepare(doc, st, facts)) == facts


def test_a_correction_is_kept_when_a_batch_extracts_its_report_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import select

    import workreport.registry.documents as documents
    from workreport import registry
    from workreport.store import FactRow

    path = tmp_path / "city_2024.txt"
    path.write_text((REPORTS / "city_2024.txt").read_text(encoding="utf-8"), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert ingest_corpus(url, [path], workers=1).added == [str(path)]
    db = Database(url)
    try:
        with db.read() as s:
            fact = s.scalars(select(FactRow).where(FactRow.kind == "target").order_by(FactRow.id)).first()
            assert fact is not None
            fact_id, key = fact.id, fact.key
        registry.correct(db, fact_id, {"value": "99.5"}, who="editor")
    finally:
        db.close()
    import workreport.batch.ingest

    # a newer extractor: the stored version is old, to the feed and to the writer
    monkeypatch.setattr(workreport.batch.ingest, "EXTRACTOR_VERSION", "99.0")
    monkeypatch.setattr(documents, "EXTRACTOR_VERSION", "99.0")
    result = ingest_corpus(url, [path], workers=1)
    assert result.updated == [str(path)] and not result.failed
    db = Database(url)
    try:
        with db.read() as s:
            again = s.scalar(select(FactRow).where(FactRow.key == key))
            assert again is not None and (again.value, again.corrected, again.extractor_version) == (99.5, True, "99.0")
    finally:
        db.close()


def test_an_ingest_leaves_the_planner_statistics_and_no_index_on_kind(tmp_path: Path) -> None:
    """One document's facts of a kind are found through the document's index: SQLite has its
    statistics after an ingest, and no index on a four-valued column to be misled by (with
    10,000 reports the kind index made that request 1.4 s instead of under a millisecond). The
    stored reports' hashes come from an index, not from rows that hold their texts."""
    path = tmp_path / "stats.sqlite"
    result = ingest_corpus(f"sqlite:///{path}", [REPORTS], workers=1)
    assert len(result.added) >= 4 and not result.failed
    conn = sqlite3.connect(path)
    try:
        analysed = {r[0] for r in conn.execute("SELECT tbl FROM sqlite_stat1")}
        assert {"facts", "commitments", "documents", "observations"} <= analysed
        assert not any("fts" in t for t in analysed)  # the full-text index's tables are not read whole
        indexes = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'facts'")]
        assert "ix_facts_kind" not in indexes
        plan = " ".join(
            str(r[-1])
            for r in conn.execute(
                "EXPLAIN QUERY PLAN SELECT * FROM facts WHERE document_id = 1 AND kind = 'target' "
                "ORDER BY document_id, start, id LIMIT 50"
            )
        )
        assert "(document_id=?)" in plan, plan
        # what an ingest reads first, every stored report's hash and version: not their rows
        stored = " ".join(
            str(r[-1]) for r in conn.execute("EXPLAIN QUERY PLAN SELECT sha256, extractor_version FROM documents")
        )
        assert "COVERING INDEX" in stored, stored
    finally:
        conn.close()


def test_a_document_the_database_refuses_fails_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A constraint that fails again on the second try is no race: that document is reported
    failed, with the database's reason, and the batch's other documents are stored."""
    from sqlalchemy.exc import IntegrityError

    import workreport.registry.documents as documents

    real = documents._store

    def refusing(session: Any, doc: Any, *args: Any) -> Any:
        if doc.path.endswith("county_2023.txt"):
            raise IntegrityError("UPDATE …", {}, Exception("UNIQUE constraint failed: commitments.key"))
        return real(session, doc, *args)

    monkeypatch.setattr(documents, "_store", refusing)
    _root, paths = _corpus(tmp_path)
    result = ingest_corpus(f"sqlite:///{tmp_path / 'refused.sqlite'}", paths[:3], workers=1)
    assert [p for p, _ in result.failed] == [str(paths[1])]
    assert result.failed[0][1] == "could not be stored: UNIQUE constraint failed: commitments.key"
    assert sorted(result.added) == sorted([str(paths[0]), str(paths[2])])
    docs, indexed, _trigger = _fts(tmp_path / "refused.sqlite")
    assert len(docs) == 2 and indexed == docs


def test_a_review_makes_due_the_waiting_targets_of_its_own_year_and_places(db_url: str) -> None:
    """The targets a batch's reviews may make due: those still waiting below each reviewing
    place up to that report's own review year, not up to the latest year of the whole batch
    (with 10,000 reports that asked for four times as many targets as could change)."""
    from sqlalchemy import select, update

    from workreport.registry import seed_jurisdictions
    from workreport.store import CommitmentRow, DocumentRow, JurisdictionRow
    from workreport.store.rows import table
    from workreport.track.tracker import targets_of_documents

    db = Database(db_url)
    try:
        with db.session() as session:
            seed_jurisdictions(session)
            conn = session.connection()
            provinces = session.scalars(
                select(JurisdictionRow.id).where(JurisdictionRow.level == "province").order_by(JurisdictionRow.id)
            ).all()
            below = {
                p: session.scalar(select(JurisdictionRow.id).where(JurisdictionRow.parent_id == p).limit(1))
                for p in provinces
            }
            old, new = [p for p in provinces if below[p] is not None][:2]
            reviews = []
            for n, (place, year) in enumerate(((old, 2020), (new, 2025))):
                doc = _document(conn, f"{n}" * 64, f"review-{n}.txt")
                conn.execute(
                    update(table(DocumentRow)).where(table(DocumentRow).c.id == doc).values(
                        jurisdiction_id=place, review_year=year
                    )
                )
                reviews.append(doc)
            plans = _document(conn, "p" * 64, "plans.txt")
            waiting = dict(zip(("old 2019", "old 2023", "new 2024", "new 2026"), _targets(conn, plans, 4), strict=True))
            for name, cid in waiting.items():
                which, period = name.split()
                conn.execute(
                    update(table(CommitmentRow)).where(table(CommitmentRow).c.id == cid).values(
                        jurisdiction_id=below[old if which == "old" else new], period=int(period), status=None
                    )
                )
            found = targets_of_documents(session, reviews)
        assert {name for name, cid in waiting.items() if cid in found} == {"old 2019", "new 2024"}
    finally:
        db.close()


class _SlowRunner:
    """Stands for the worker pool: parses each job here and hands it over at once, but waits
    ``pauses[n]`` seconds before the n-th; after each pause it records how many reports a
    second connection sees, and whether that connection could take the write lock at once."""

    def __init__(self, db_path: Path, pauses: list[float], fail_at: int | None = None) -> None:
        self.db_path, self.pauses, self.fail_at = db_path, pauses, fail_at
        self.seen: list[tuple[int, bool]] = []

    def run(self, fn: Any, jobs: Any, args: Any, broken: Any, *, ordered: bool = False) -> Any:
        import time

        for n, job in enumerate(jobs):
            if n == self.fail_at:
                raise RuntimeError("the pool broke")
            if self.pauses[n]:
                time.sleep(self.pauses[n])
                conn = sqlite3.connect(self.db_path, timeout=0, isolation_level=None)
                try:
                    count = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
                    try:
                        conn.execute("BEGIN IMMEDIATE")
                        conn.execute("ROLLBACK")
                        free = True
                    except sqlite3.OperationalError:  # database is locked
                        free = False
                    self.seen.append((count, free))
                finally:
                    conn.close()
            yield job, fn(*args(job))


def test_a_batch_is_committed_when_its_time_is_up_while_the_next_report_is_slow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reports are stored as they come, in a transaction that holds SQLite's write lock: it is
    committed once COMMIT_SECONDS have passed since its first report, not left open (nor its
    reports left unwritten) while a worker takes its time over the next one."""
    import workreport.batch.ingest as ingest

    monkeypatch.setattr(ingest, "COMMIT_SECONDS", 0.3)
    _root, paths = _corpus(tmp_path)
    db_path = tmp_path / "db.sqlite"
    db = Database(f"sqlite:///{db_path}")
    try:
        runner = _SlowRunner(db_path, pauses=[0.0, 0.0, 1.5])
        result = ingest._ingest_into(db, [str(p) for p in paths[:3]], 3, runner, None, 50)  # type: ignore[arg-type]
    finally:
        db.close()
    assert len(result.added) == 3 and not result.failed
    assert runner.seen == [(2, True)]  # both reports committed, the lock free, before the third came


def test_what_the_worker_pool_raises_reaches_the_caller_and_the_batch_is_not_half_written(
    tmp_path: Path,
) -> None:
    import workreport.batch.ingest as ingest

    _root, paths = _corpus(tmp_path)
    db_path = tmp_path / "db.sqlite"
    db = Database(f"sqlite:///{db_path}")
    try:
        with pytest.raises(RuntimeError, match="the pool broke"):
            ingest._ingest_into(db, [str(p) for p in paths[:3]], 3, _SlowRunner(db_path, pauses=[0.0] * 3, fail_at=2), None, 50)  # type: ignore[arg-type]
    finally:
        db.close()
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0  # the open batch rolled back
    finally:
        conn.close()


def test_an_interrupted_ingest_says_what_it_stored_and_the_same_run_again_does_the_rest(tmp_path: Path) -> None:
    """Ctrl-C stays a KeyboardInterrupt (an ``except Exception`` must not swallow it) and says,
    in a note, how many reports the committed transactions stored: as many as the database
    holds. Run again, the ingest skips them and stores the rest."""
    _root, paths = _corpus(tmp_path)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"

    def interrupt_at_the_second(done: int, _total: int, _bytes: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt) as caught:
        ingest_corpus(url, paths[:3], workers=1, batch_size=1, progress=interrupt_at_the_second)
    assert not isinstance(caught.value, Exception)
    assert caught.value.__notes__ == [
        "2 report(s) stored before it (a batch of up to 1 is stored whole or not at all); "
        "the same command again skips them and stores the rest"
    ]
    conn = sqlite3.connect(tmp_path / "db.sqlite")
    try:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
    finally:
        conn.close()
    again = ingest_corpus(url, paths[:3], workers=1)
    assert (len(again.added), len(again.unchanged), again.failed) == (1, 2, [])
