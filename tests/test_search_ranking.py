"""Search on SQLite as it runs at corpus scale: FTS5 sorts the matches, only ties are ordered by
plan year afterwards, and the kept ranking follows every change of a text. Checked against one
plain SQL statement that orders every match itself; the page's rows read through the sqlite3
connection equal the ORM's rows."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text as sql

from workreport import registry
from workreport.store import Database, DocumentRow, fulltext, queries

PHRASE = "绿色转型发展"
# the reference: every match ordered by one statement (BM25, then the newest plan year, then the
# highest id), the plan year read from the row itself
REFERENCE = (
    "SELECT f.rowid, -bm25(documents_fts) FROM documents_fts AS f JOIN documents AS d ON d.id = f.rowid"
    " WHERE documents_fts MATCH :p ORDER BY bm25(documents_fts), coalesce(d.plan_year, -1) DESC, f.rowid DESC"
)


def _report(year: int, body: str) -> str:
    return f"{year}年某某市政府工作报告\n一、{year - 1}年工作回顾\n{body}\n二、{year}年工作安排\n生产总值增长6%左右。\n"


@pytest.fixture
def tied(tmp_path: Path) -> Iterator[Database]:
    """Reports of several plan years in three groups of equal relevance (the same body: the
    same number of matches in a text of the same length), and one without a year."""
    bodies = [
        f"坚持{PHRASE}，持续改善生态环境。",
        f"坚持{PHRASE}。坚持{PHRASE}，美丽城市建设取得新进展。",
        f"全年经济运行总体平稳，各项事业稳步推进，民生保障有力有效。坚持{PHRASE}。",
    ]
    paths = []
    for b, body in enumerate(bodies):
        for year in (2019, 2023, 2021, 2020):
            path = tmp_path / f"r{b}-{year}.txt"
            path.write_text(_report(year, body), encoding="utf-8")
            paths.append(path)
    undated = tmp_path / "undated.txt"
    undated.write_text(f"某某市情况介绍\n坚持{PHRASE}，持续改善生态环境。\n", encoding="utf-8")
    paths.append(undated)
    db = Database(f"sqlite:///{tmp_path / 'r.sqlite'}")
    registry.ingest(db, paths)
    yield db
    db.close()


def _reference(db: Database, q: str) -> list[tuple[int, float]]:
    with db.read() as session:
        return [(int(i), float(s)) for i, s in session.execute(sql(REFERENCE), {"p": fulltext.phrase(q)})]


def _ranked(db: Database, q: str) -> list[tuple[int, float]]:
    page = queries.search(db, q, per_page=queries.MAX_PER_PAGE)
    return [(h.document["id"], h.score) for h in page.items]


@pytest.mark.parametrize("many", [False, True], ids=["few-ties", "many-ties"])
def test_the_ranking_is_the_one_statement_order(
    tied: Database, many: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if many:  # as when thousands of documents tie: every year from the plan-year index
        monkeypatch.setattr(queries, "CHUNK", 1)
    expected = _reference(tied, PHRASE)
    assert len(expected) == 13
    assert len({s for _, s in expected}) < len(expected)  # there are ties to order
    assert _ranked(tied, PHRASE) == expected
    # paging through it gives the same order
    pages = [queries.search(tied, PHRASE, per_page=5, page=p) for p in (1, 2, 3)]
    assert [h.document["id"] for p in pages for h in p.items] == [i for i, _ in expected]
    assert {p.total for p in pages} == {13}
    with tied.read() as session:
        years = dict(session.execute(sql("SELECT id, coalesce(plan_year, -1) FROM documents")).all())
    # within each run of equal scores the newest comes first (the undated one last)
    for (a, sa), (b, sb) in itertools.pairwise(expected):
        if sa == sb:
            assert (years[a], a) > (years[b], b)


def test_a_kept_ranking_follows_a_text_changed_to_the_same_length(tied: Database) -> None:
    assert queries.search(tied, PHRASE).total == 13
    assert queries.search(tied, "数字经济发展").total == 0
    with tied.session() as session:  # the same count, largest id and total length as before
        session.execute(
            sql(
                "UPDATE documents SET text = replace(text, :a, :b) WHERE id = (SELECT min(id) FROM documents)"
            ),
            {"a": PHRASE, "b": "数字经济发展"},
        )
    assert queries.search(tied, PHRASE).total == 12
    assert queries.search(tied, "数字经济发展").total == 1
    assert _ranked(tied, PHRASE) == _reference(tied, PHRASE)


def test_a_kept_ranking_follows_a_deleted_and_an_added_report(tied: Database, tmp_path: Path) -> None:
    first = _ranked(tied, PHRASE)
    queries.delete_document(tied, first[0][0], who="test")
    after = _ranked(tied, PHRASE)
    assert after == _reference(tied, PHRASE)
    assert [i for i, _ in after] == [i for i, _ in first[1:]]  # the scores move with the corpus
    later = tmp_path / "later.txt"
    later.write_text(_report(2025, f"坚持{PHRASE}。坚持{PHRASE}。"), encoding="utf-8")
    registry.ingest(tied, [later])
    again = _ranked(tied, PHRASE)
    assert len(again) == 13 and again == _reference(tied, PHRASE)


def test_the_page_rows_equal_the_orm_rows(tied: Database) -> None:
    page = queries.search(tied, PHRASE, per_page=50)
    listed = queries.documents(tied, per_page=50)
    assert listed.total == 13 and len(page.items) == 13
    with tied.read() as session:
        for d in [h.document for h in page.items] + listed.items:
            row = session.get(DocumentRow, d["id"])
            assert row is not None
            assert d == queries.document_dict(row)
            assert queries.document(tied, d["id"], text=False) == d
    for hit in page.items:  # the passages come from the text read for the page
        assert hit.snippets and all(m == PHRASE for _, m, _ in hit.snippets)


def test_readers_map_the_file(tied: Database) -> None:
    with tied.read() as session:
        assert session.scalar(sql("PRAGMA mmap_size")) > 0


@pytest.mark.parametrize("many", [False, True], ids=["few-ties", "many-ties"])
@pytest.mark.parametrize("per_page", [1, 2, 3, 5])
def test_pages_asked_in_any_order_are_slices_of_the_one_statement_order(
    tied: Database, many: bool, per_page: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run of equal scores is put in order only when a page reaches into it: asked from the
    last page back (runs entered in their middle, or met again once ordered), every page is
    still its slice of the full order, and so is every page asked afresh afterwards."""
    if many:
        monkeypatch.setattr(queries, "CHUNK", 1)
    expected = [i for i, _ in _reference(tied, PHRASE)]
    pages = -(-len(expected) // per_page)
    order = [*range(pages, 0, -1), 2, 1, pages]
    for p in order:
        page = queries.search(tied, PHRASE, per_page=per_page, page=p)
        assert page.total == len(expected)
        assert [h.document["id"] for h in page.items] == expected[(p - 1) * per_page : p * per_page]
    assert queries.search(tied, PHRASE, per_page=per_page, page=pages + 1).items == []


def test_a_run_of_ties_longer_than_a_page_is_ordered_whole(tmp_path: Path) -> None:
    """Forty copies of one body in different years tie; the first page of five shows the five
    newest (then highest id), and the pages after it continue that order."""
    paths = []
    for n in range(40):
        path = tmp_path / f"r{n:02d}.txt"
        path.write_text(_report(1990 + (n * 7) % 40, f"坚持{PHRASE}，持续改善生态环境。"), encoding="utf-8")
        paths.append(path)
    db = Database(f"sqlite:///{tmp_path / 'r.sqlite'}")
    try:
        registry.ingest(db, paths)
        expected = _reference(db, PHRASE)
        assert len(expected) == 40 and len({s for _, s in expected}) == 1
        got = [h.document["id"] for p in range(1, 9) for h in queries.search(db, PHRASE, per_page=5, page=p).items]
        assert got == [i for i, _ in expected]
        with db.read() as session:
            years = dict(session.execute(sql("SELECT id, plan_year FROM documents")).all())
        assert [years[i] for i in got[:5]] == sorted(years.values(), reverse=True)[:5]
    finally:
        db.close()


def test_readers_keep_their_connections(tied: Database) -> None:
    from workreport.store.database import READ_POOL

    assert tied.read_engine.pool.size() == READ_POOL  # type: ignore[attr-defined]
