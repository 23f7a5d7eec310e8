"""The structure stage: metadata, section tree, roles and periods, web debris."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import workreport
from tests.conftest import REPORTS, SHARED

CITY = """政府工作报告
——2024年1月10日在宝鸡市第十六届人民代表大会第四次会议上
宝鸡市市长 陈建华
各位代表：
一、2023年工作回顾
预计全年生产总值增长5%。
二、2024年工作安排
（一）加快产业升级。推动制造业提质。
提升创新能力。新认定高新技术企业100家。
三、加强政府自身建设
"""


def doc(text: str) -> workreport.Document:
    return workreport.Document(text=text)


def test_city_report_metadata_and_tree() -> None:
    st = workreport.inspect(doc(CITY))
    m = st.metadata
    assert (m.jurisdiction, m.level, m.delivered, m.plan_year, m.review_year, m.speaker, m.doc_type) == (
        "宝鸡市",
        "prefecture",
        "2024-01-10",
        2024,
        2023,
        "陈建华",
        "report",
    )
    assert [(s.title, s.role, s.period) for s in st.sections] == [
        ("一、2023年工作回顾", "review", 2023),
        ("二、2024年工作安排", "plan", 2024),
        ("三、加强政府自身建设", "plan", 2024),
    ]
    plan = st.sections[1]
    assert plan.children[0].title == "（一）加快产业升级。"
    leads = [s.title for s in st.walk() if s.level == 4]
    assert "提升创新能力。" in leads


def test_press_reading_is_recognised() -> None:
    text = "数读报告：贵安新区2024年要干这些事——新区工作报告解读\n2024/01/18/ 10:20 来源：贵安日报 记者 李明\n奋斗目标\n地区生产总值增长10%以上\n"
    m = workreport.inspect(doc(text)).metadata
    assert (m.doc_type, m.jurisdiction, m.level, m.delivered, m.plan_year, m.source) == (
        "press_reading",
        "贵安新区",
        "new_area",
        "2024-01-18",
        2024,
        "贵安日报",
    )
    facts = workreport.extract(doc(text))
    assert [(f.kind, f.period) for f in facts] == [("target", 2024)]


def test_trailing_web_debris_is_not_content() -> None:
    text = (
        CITY
        + "贵安新区\n官方微信\n官方微博\n版权所有：某某办公室\nICP备案编号：黔ICP备12345678号\n返回顶部\n"
    )
    st = workreport.inspect(doc(text))
    assert text[st.content.end - 20 : st.content.end].endswith("三、加强政府自身建设")


def test_a_page_holding_the_report_twice_keeps_one_copy() -> None:
    body = CITY.replace(
        "预计全年生产总值增长5%。",
        "预计全年生产总值增长5%，固定资产投资增长3%，社会消费品零售总额增长6%，一般公共预算收入增长4%。",
    )
    body += "城镇新增就业4万人以上，城镇调查失业率控制在5.5%以内，居民消费价格涨幅3%左右，粮食产量稳定在90万吨。\n"
    body += "推进老旧小区改造200个，新建保障性租赁住房3000套，新增公办学位5000个，新建社区食堂30个。\n"
    page = "当前位置：首页>>政务公开\n" + body + "上一页 1 2 下一页\n"
    st = workreport.inspect(doc(page * 3))
    facts = workreport.extract(doc(page * 3))
    once = workreport.extract(doc(page))
    assert len(facts) == len(once)
    assert st.content.end <= len(page)


def test_a_report_without_line_breaks_is_split_at_its_headings() -> None:
    sentence = "我们坚持稳中求进工作总基调，扎实做好各项工作，经济社会发展取得新成效。" * 40
    text = (
        "各位代表：现在我代表市人民政府作工作报告。一、2023年工作回顾"
        + sentence
        + "全年生产总值增长5.2%。二、2024年工作安排"
        + sentence
        + "生产总值增长6%左右。"
    )
    st = workreport.inspect(doc(text))
    assert [s.role for s in st.sections] == ["review", "plan"]
    assert [(f.kind, f.period) for f in workreport.extract(doc(text))] == [("actual", 2023), ("target", 2024)]


def test_written_out_spaces_do_not_hide_headings() -> None:
    text = "<U+00A0><U+00A0>一、2023年工作回顾\n<U+00A0>全年生产总值增长5%。\n&nbsp;二、2024年工作安排\n生产总值增长6%左右。\n"
    st = workreport.inspect(doc(text))
    assert [s.role for s in st.sections] == ["review", "plan"]


@pytest.mark.parametrize("path", sorted(REPORTS.glob("*.txt")), ids=lambda p: p.name)
def test_own_reports_have_review_and_plan(path: Path) -> None:
    st = workreport.inspect(workreport.read(path))
    roles = {s.role for s in st.walk()}
    assert "plan" in roles
    assert st.metadata.jurisdiction and st.metadata.plan_year


PROVINCES = sorted((SHARED / "corpus" / "provinces-2026").glob("*.txt"))
NATIONAL = sorted((SHARED / "corpus" / "national").glob("*.txt"))


@pytest.mark.skipif(not PROVINCES, reason="shared corpus not present (set WORKREPORT_SHARED)")
@pytest.mark.parametrize("path", PROVINCES, ids=lambda p: p.stem)
def test_provincial_reports_metadata(path: Path) -> None:
    st = workreport.inspect(workreport.read(path))
    m = st.metadata
    assert m.jurisdiction == path.stem
    assert (m.level, m.plan_year, m.review_year, m.doc_type) == ("province", 2026, 2025, "report")
    assert m.delivered is not None and m.delivered.startswith("2026-0")
    # the delivery date is the one the report's own date line states, not the web page's
    own = re.search(r"(2026)年(\d{1,2})月(\d{1,2})日在", path.read_text(encoding="utf-8"))
    assert own is not None
    assert m.delivered == f"{own[1]}-{int(own[2]):02d}-{int(own[3]):02d}"
    roles = [s.role for s in st.sections]
    assert "plan" in roles


@pytest.mark.skipif(not NATIONAL, reason="shared corpus not present (set WORKREPORT_SHARED)")
@pytest.mark.parametrize("path", NATIONAL, ids=lambda p: p.stem)
def test_national_reports_metadata(path: Path) -> None:
    d = workreport.read(path)
    st = workreport.inspect(d)
    m = st.metadata
    assert (m.jurisdiction, m.level, m.doc_type) == ("中国", "national", "report")
    assert m.plan_year in (int(path.stem) - 1, int(path.stem), int(path.stem) + 1)
    assert m.review_year == m.plan_year - 1
    # every national report states its date (——1998年3月5日在第九届全国人民代表大会…)
    assert m.delivered is not None and m.delivered.startswith(path.stem), m.delivered
    assert len(st.content) < len(d.text)  # page furniture is outside the content
    if int(path.stem) >= 2010:
        roles = [s.role for s in st.sections]
        assert "review" in roles and "plan" in roles, roles


# What each of these reports states, and what the stage read wrongly before: the 1991 report
# reviews 1990 under 一、1990年计划的执行情况; 1994 and 1999 review the year before the one
# their first heading names last (1993年国内工作的回顾和1994年工作的基本方针); the others write
# their date as 1 9 9 8 年3 月5 日, or as the first of several days (7月5日至6日, 12月21日和22日).
NATIONAL_FIXED = {
    "1955": (1955, 1954, "1955-07-05"),
    "1964": (1964, 1963, "1964-12-21"),
    "1981": (1981, 1980, "1981-11-30"),
    "1991": (1991, 1990, "1991-03-26"),
    "1994": (1994, 1993, "1994-03-10"),
    "1998": (1998, 1997, "1998-03-05"),
    "1999": (1999, 1998, "1999-03-05"),
}


@pytest.mark.skipif(not NATIONAL, reason="shared corpus not present (set WORKREPORT_SHARED)")
@pytest.mark.parametrize("year", sorted(NATIONAL_FIXED))
def test_national_plan_review_and_delivery(year: str) -> None:
    m = workreport.inspect(workreport.read(SHARED / "corpus" / "national" / f"{year}.txt")).metadata
    assert (m.plan_year, m.review_year, m.delivered) == NATIONAL_FIXED[year]


@pytest.mark.skipif(not NATIONAL, reason="shared corpus not present (set WORKREPORT_SHARED)")
def test_a_plans_execution_is_reviewed() -> None:
    st = workreport.inspect(workreport.read(SHARED / "corpus" / "national" / "1991.txt"))
    first = next(s for s in st.sections if s.title.startswith("一、"))
    assert (first.role, first.period) == ("review", 1990)
    assert all(c.role == "review" for c in first.children)
