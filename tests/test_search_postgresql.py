"""PostgreSQL's search: BM25 of each text that holds the phrase, counted in SQL from the texts
(each read twice, the lengths kept in document_lengths) exactly as the formula says; the texts
stored with LZ4 (migration 0013), and back to pglz for new texts after a downgrade."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import migrate_down
from workreport import registry
from workreport.store import Database, queries

REPORTS = Path(__file__).parent / "data" / "reports"
PHRASES = ["增长", "生产总值", "城镇", "%", "“", "亿元", "乡村振兴", "不会出现的词语", "gdp", "“Gdp”增长", "r&d (1.5%)", "(1.5%)"]


def _postgresql(db_url: str) -> str:
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's search (SQLite's: FTS5, tests/test_fulltext.py)")
    return db_url


def _bm25(tf: int, chars: int, avg: float) -> float:
    k1, b = 1.2, 0.75
    return tf * (k1 + 1) / (tf + k1 * (1 - b + b * chars / avg))


def test_scores_are_bm25_of_the_occurrences_in_each_text(db_url: str, tmp_path: Path) -> None:
    url = _postgresql(db_url)
    paths = []
    for n, src in enumerate(sorted(REPORTS.glob("*.txt"))):
        # each report with a line of three 增长 and a quoted word added n times: texts of other
        # lengths and other counts
        body = src.read_text(encoding="utf-8") + ("\n增长“GDP”增长增长。R&D (1.5%)。" * n)
        (tmp_path / src.name).write_text(body, encoding="utf-8")
        paths.append(tmp_path / src.name)
    db = Database(url)
    try:
        registry.ingest(db, paths)
        with db.read() as session:
            texts = dict(session.execute(text("SELECT id, text FROM documents")).all())
            avg = sum(len(t) for t in texts.values()) / len(texts)
            for q in PHRASES:  # case aside, as SQLite's index folds it
                folded = {i: t.lower() for i, t in texts.items()}
                expected = {i: _bm25(t.count(q.lower()), len(texts[i]), avg) for i, t in folded.items() if q.lower() in t}
                got = queries._score(session, q)
                assert set(got) == set(expected), q
                for i, (score, _year) in got.items():
                    assert score == pytest.approx(expected[i], rel=1e-9), (q, i)
    finally:
        db.close()


def _compression(db: Database) -> dict[str, str]:
    with db.read() as session:
        rows = session.execute(
            text(
                "SELECT attname, attcompression FROM pg_attribute"
                " WHERE attrelid = 'documents'::regclass AND attname IN ('text', 'structure')"
            )
        ).all()
    return {name: str(method) for name, method in rows}


def test_texts_are_stored_with_lz4_and_with_pglz_after_a_downgrade(db_url: str, tmp_path: Path) -> None:
    url = _postgresql(db_url)
    body = (REPORTS / "city_2024.txt").read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(body, encoding="utf-8")
    db = Database(url)
    try:
        assert _compression(db) == {"text": "l", "structure": "l"}
        registry.ingest(db, [tmp_path / "a.txt"])
        with db.read() as session:
            assert session.scalar(text("SELECT pg_column_compression(text) FROM documents")) == "lz4"
        migrate_down(db, "0012_search_by_pairs")
        assert _compression(db) == {"text": "p", "structure": "p"}
        (tmp_path / "b.txt").write_text(body.replace("2024", "2025"), encoding="utf-8")
        registry.ingest(db, [tmp_path / "b.txt"])
        with db.read() as session:
            stored = dict(session.execute(text("SELECT path, pg_column_compression(text) FROM documents")).all())
        assert stored == {str(tmp_path / "a.txt"): "lz4", str(tmp_path / "b.txt"): "pglz"}
        assert queries.search(db, "生产总值").total == 2  # read whichever way they are stored
    finally:
        db.close()
    again = Database(url)  # opening upgrades to head
    try:
        assert _compression(again) == {"text": "l", "structure": "l"}
    finally:
        again.close()
