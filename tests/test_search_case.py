"""A search folds case the same way on every database: ``gdp`` finds the report that writes
``GDP`` on PostgreSQL as on SQLite, and every hit shows the passage, with the match as the
report spells it (a hit without its passage was what a folded query gave before)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workreport import registry
from workreport.store import Database, queries

REPORTS = {
    "city-2024.txt": (
        "2024年某某市人民政府工作报告\n"
        "实施“GDP含金量”提升行动，R&D经费投入强度达到2.4%，GDP增长5.5%左右。\n"
    ),
    "county-2023.txt": (
        "2023年某某县政府工作报告\n今年，gdp增长6%左右，r&d投入保持增长。\n"
        "PM2.5 (细颗粒物) 平均浓度下降[3%]，R2级以上道路全部硬化。\n"
    ),
    "province-2022.txt": (
        "2022年某某省政府工作报告\n数字经济核心产业增加值增长12%。Ｒ＆Ｄ投入保持增长，Gdp增长6%。\n"
    ),
}


@pytest.fixture
def db(db_url: str, tmp_path: Path) -> Database:
    paths = []
    for name, body in REPORTS.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
        paths.append(tmp_path / name)
    database = Database(db_url)
    registry.ingest(database, paths)
    return database


def _holding(q: str) -> set[str]:
    return {name for name, body in REPORTS.items() if q.casefold() in body.casefold()}


@pytest.mark.parametrize(
    "q",
    [
        "gdp",
        "GDP",
        "gDp增长",
        "r&d",
        "R&D投入",
        "ｒ＆ｄ",
        "Ｒ＆Ｄ",
        "增长",
        "pm2.5 (细颗粒物) 平均浓度下降[3%]",  # what a regular expression would read otherwise
        "pm2",
        "2.5 (细颗粒物) 平均浓度下降[3%]",
        "r\\d",  # no match: not a class of digits that would match R2
        "p.2",  # no match: not any character
    ],
)
def test_case_is_folded_and_every_hit_shows_where_it_matched(db: Database, q: str) -> None:
    try:
        page = queries.search(db, q, per_page=100)
        by_name = {hit.document["name"]: hit for hit in page.items}
        assert set(by_name) == _holding(q) and page.total == len(by_name), q
        for name, hit in by_name.items():
            body = REPORTS[name]
            assert hit.snippets, (q, name)
            for before, match, after in hit.snippets:
                assert match.casefold() == q.casefold(), (q, match)
                assert before + match + after in body  # the report's own spelling
    finally:
        db.close()


def test_a_folded_query_ranks_by_the_occurrences_in_any_case(db: Database) -> None:
    # city-2024 writes GDP twice in a text as long as the others': it ranks first either way
    try:
        upper = [hit.document["name"] for hit in queries.search(db, "GDP").items]
        lower = [hit.document["name"] for hit in queries.search(db, "gdp").items]
        assert upper == lower and upper[0] == "city-2024.txt"
    finally:
        db.close()


def test_a_match_inside_the_passage_before_it_is_no_passage_of_its_own() -> None:
    text = "全市地区生产总值增长5.2%，规上工业增加值增长6%，投资增长8%。" + "其他工作稳步推进，" * 10 + "零售总额增长7%。"
    shown = queries.passages(text, "增长", context=20)
    assert [after[:4] for _, _, after in shown] == ["5.2%", "7%。"]  # the 6% and 8% lie in the first
    folded = queries.passages(text.replace("增长", "GDP"), "gdp", context=30)
    assert [match for _, match, _ in folded] == ["GDP", "GDP"]
