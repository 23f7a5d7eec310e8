"""SQLite's full-text index of pairs of characters: a search finds a phrase exactly where it is
a substring of a report (case aside), whatever its length and whatever it holds (spaces, line
breaks, ASCII punctuation, quotes); the index follows every change of a text; the migration
builds it from the stored texts, and back."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import migrate_down
from workreport import registry
from workreport.store import Database, fulltext, queries

REPORTS = {
    "city-2024.txt": (
        "2024年某某市人民政府工作报告\n"
        "一、2023年工作回顾\n"
        "全市地区生产总值增长5.6%，一般公共预算收入完成128.5亿元。新型城镇化\n建设稳步推进，"
        "城镇新增就业3.2万人。实施“GDP含金量”提升行动，R&D经费投入强度达到2.4%。\n"
        "二、2024年工作安排\n"
        "主要预期目标是：地区生产总值增长5.5%左右；城镇调查失业率控制在5.5%以内。\n"
    ),
    "county-2023.txt": (
        "2023年某某县政府工作报告\n"
        "过去一年，新型城镇化建设取得新进展，县城建成区面积扩大到18.6平方公里。\n"
        "全面推进乡村振兴，粮食产量稳定在12.3万吨（见附表 \"主要指标\"）。\n"
        "今年，gdp增长6%左右，完成“十四五”规划确定的各项任务。\n"
    ),
    "province-2022.txt": (
        "2022年某某省政府工作报告\n"
        "各位代表：\n"
        "　　现在，我代表省人民政府，向大会报告工作，请予审议。\n"
        "坚持以高质量发展为主题，数字经济核心产业增加值增长12%。Ｒ＆Ｄ投入保持增长。\n"
        "城镇新增就业60万人以上，居民人均可支配收入增长与经济增长基本同步。\n"
    ),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    folder = tmp_path_factory.mktemp("fulltext")
    paths = []
    for name, body in REPORTS.items():
        (folder / name).write_text(body, encoding="utf-8")
        paths.append(folder / name)
    database = Database(f"sqlite:///{folder / 'r.sqlite'}")
    registry.ingest(database, paths)
    return database


def _found(db: Database, q: str) -> set[str]:
    page = queries.search(db, q, per_page=100)
    return {hit.document["name"] for hit in page.items}


def _holding(q: str) -> set[str]:
    return {name for name, body in REPORTS.items() if q.strip().casefold() in body.casefold()}


@pytest.mark.parametrize(
    "q",
    [
        "新型城镇化建设",  # in one report; in another split by a line break, which is no match
        "城镇化\n建设",
        "城镇新增就业",
        "就",  # one character: the pairs it starts
        "增长",  # two: one pair
        "5.5%",
        "5.5%左右",
        "128.5亿元",
        "R&D",
        "r&d",  # ASCII case folds
        "Ｒ＆Ｄ",
        "ｒ＆ｄ",  # so does a full-width letter's
        "GDP",
        "“十四五”",
        '"主要指标"',  # a double quote inside the phrase
        "附表 \"",
        "　　现在",  # ideographic spaces
        "粮食产量稳定在12.3万吨（见附表",
        "十四五规划",  # no match: the quotation marks stand between
        "城镇化 建设",  # no match: a space is not a line break
        "%，",
    ],
)
def test_a_search_finds_a_phrase_exactly_where_it_is_a_substring(db: Database, q: str) -> None:
    assert _found(db, q) == _holding(q)


def test_every_slice_of_every_report_is_found_where_it_stands(db: Database) -> None:
    rng = random.Random(7)
    for name, body in REPORTS.items():
        for _ in range(60):
            start = rng.randrange(len(body) - 1)
            q = body[start : start + rng.randint(1, 12)]
            if not q.strip() or len(q.strip()) > 200:
                continue
            found = _found(db, q)
            assert name in found, q
            assert found == _holding(q), q


def test_short_queries_are_answered_by_the_index_not_a_scan(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    def scan(*_: object) -> None:
        raise AssertionError("a LIKE scan")

    monkeypatch.setattr(queries, "_score", scan)
    assert _found(db, "户籍") == set()
    assert _found(db, "乡村") == {"county-2023.txt"}
    assert _found(db, "乡") == {"county-2023.txt"}  # one character: the pairs it starts
    assert _found(db, "户") == set()


def test_a_character_at_the_very_end_of_a_text_is_found(tmp_path: Path) -> None:
    (tmp_path / "short.txt").write_text("2024年某某县政府工作报告\n粮食增产。殖", encoding="utf-8")
    database = Database(f"sqlite:///{tmp_path / 'r.sqlite'}")
    registry.ingest(database, [tmp_path / "short.txt"])
    assert _found(database, "殖") == {"short.txt"}
    assert _found(database, "。殖") == {"short.txt"}
    database.close()


def test_tokens_are_the_pairs_of_adjacent_characters_with_what_the_tokenizer_would_drop_mapped() -> None:
    source = 'A "b"\n增长5.5%'
    tokens = fulltext.search_tokens(source)
    assert tokens is not None
    pairs = tokens.split(" ")
    # one token a character: each with the next, the last with the end mark
    assert len(pairs) == len(source) and all(len(p) == 2 for p in pairs)
    assert pairs[0] == "a" + chr(0x100000 + ord(" ")) and pairs[6] == "增长" and pairs[7] == "长5"
    assert pairs[-1] == chr(0x100000 + ord("%")) + chr(0x10FFFD)
    assert all(c.isalnum() or ord(c) >= 0x100000 for p in pairs for c in p)
    assert fulltext.search_tokens("增") == "增" + chr(0x10FFFD) and fulltext.search_tokens("") == ""
    assert fulltext.search_tokens(None) is None
    assert '"' not in fulltext.phrase('x"y')[1:-1]
    # a character beyond the Basic Multilingual Plane is one character, not two halves
    assert fulltext.search_tokens("𠀀长江") == "𠀀长 长江 江" + chr(0x10FFFD)
    assert fulltext.phrase("长江") == '"长江"' and fulltext.phrase("长") == '"长" *'
    with pytest.raises(ValueError, match="empty"):
        fulltext.phrase("")


def test_the_index_follows_a_changed_and_a_deleted_text(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "r.txt", tmp_path / "b" / "r.txt"
    first.parent.mkdir()
    first.write_text(REPORTS["county-2023.txt"], encoding="utf-8")
    database = Database(f"sqlite:///{tmp_path / 'r.sqlite'}")
    registry.ingest(database, [first])
    assert _found(database, "粮食产量") == {"r.txt"}
    first.write_text(REPORTS["county-2023.txt"].replace("粮食产量", "蔬菜产量"), encoding="utf-8")
    registry.ingest(database, [first])  # a changed version of the same file: its text updated
    assert _found(database, "粮食产量") == set()
    assert _found(database, "蔬菜产量") == {"r.txt"}
    second.parent.mkdir()
    second.write_text(REPORTS["city-2024.txt"], encoding="utf-8")
    registry.ingest(database, [second])
    with database.read() as session:
        ids = {path: i for path, i in session.execute(text("SELECT path, id FROM documents"))}
    queries.delete_document(database, ids[str(first)], who="admin")
    assert _found(database, "蔬菜产量") == set()
    assert _found(database, "城镇新增就业") == {"r.txt"}
    conn = sqlite3.connect(tmp_path / "r.sqlite")
    conn.execute("INSERT INTO documents_fts(documents_fts, rank) VALUES ('integrity-check', 0)")
    # a connection without the store's function cannot change a text behind the index's back
    with pytest.raises(sqlite3.OperationalError, match=fulltext.TOKENS_FUNCTION):
        conn.execute("DELETE FROM documents")
    conn.close()
    database.close()


def test_the_migration_builds_the_index_from_the_texts_and_back(tmp_path: Path) -> None:
    paths = []
    for name, body in REPORTS.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
        paths.append(tmp_path / name)
    url = f"sqlite:///{tmp_path / 'm.sqlite'}"
    database = Database(url)
    registry.ingest(database, paths)
    migrate_down(database, "0011_selective_indexes")
    database.close()
    conn = sqlite3.connect(tmp_path / "m.sqlite")  # the trigram index, as 0011 left it
    assert "trigram" in conn.execute("SELECT sql FROM sqlite_master WHERE name = 'documents_fts'").fetchone()[0]
    hits = conn.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH '\"城镇新增就业\"'").fetchone()
    assert hits == (2,)
    conn.close()
    again = Database(url)  # opening upgrades to head: the index of pairs, from the texts
    for q in ("城镇新增就业", "新型城镇化建设", "R&D", "就", "乡村"):
        assert _found(again, q) == _holding(q)
    again.close()
