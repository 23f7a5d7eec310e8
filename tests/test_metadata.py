"""Plan year, review year and delivery date where the report does not simply state them.

The reports in ``tests/data/structure/`` are written for these tests: one has no title and no
date and reviews ``2019年和今年以来``; one states its date only in Chinese numerals on a line of
its own; one is a saved web page whose publication date comes before the report's own date.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import workreport
from workreport.pipeline.structure import _own_date

DATA = Path(__file__).resolve().parent / "data" / "structure"
FILLER = "我们坚持稳中求进工作总基调，扎实做好各项工作，经济社会发展取得新成效。" * 40


def read(name: str) -> workreport.Document:
    return workreport.read(DATA / name)


def without_opening(doc: workreport.Document) -> workreport.Document:
    """The report from its first heading on: no title, no date, not even 各位代表."""
    return workreport.Document(text=doc.text[doc.text.index("一、") :])


@pytest.mark.parametrize("headless", [False, True], ids=["with-greeting", "heading-first"])
def test_review_of_last_year_and_this_year_so_far_plans_for_this_year(headless: bool) -> None:
    doc = read("no_title_2020.txt")
    doc = without_opening(doc) if headless else doc
    st = workreport.inspect(doc)
    m = st.metadata
    assert (m.plan_year, m.review_year, m.delivered) == (2020, 2019, None)
    assert [(s.role, s.period) for s in st.sections] == [("review", 2019), ("plan", 2020)]
    facts = workreport.extract(doc)
    assert {f.period for f in facts if f.kind == "target"} == {2020}
    assert ("actual", 2019, 6.8) in [(f.kind, f.period, f.value) for f in facts]


def test_run_in_report_without_title_or_date() -> None:
    text = (
        "一、2019年和今年以来工作回顾" + FILLER + "全年地区生产总值增长6.8%。"
        "二、下一步工作安排" + FILLER + "地区生产总值增长4%左右。"
    )
    doc = workreport.Document(text=text)
    m = workreport.inspect(doc).metadata
    assert (m.plan_year, m.review_year) == (2020, 2019)
    assert [(f.kind, f.period) for f in workreport.extract(doc)] == [("actual", 2019), ("target", 2020)]


def test_a_date_in_chinese_numerals_on_its_own_line() -> None:
    doc = read("cn_date_only.txt")
    st = workreport.inspect(doc)
    m = st.metadata
    assert (m.delivered, m.plan_year, m.review_year, m.jurisdiction) == ("2023-01-06", 2023, 2022, "蓬莱区")
    # the date line is no heading
    assert [s.title for s in st.sections] == [
        "一、过去一年工作回顾",
        "二、今年工作安排",
        "三、加强政府自身建设",
    ]
    assert [(f.kind, f.period) for f in workreport.extract(doc)][-1] == ("target", 2023)


def test_the_reports_date_wins_over_the_web_pages() -> None:
    m = workreport.inspect(read("web_date_first.txt")).metadata
    assert (m.delivered, m.plan_year, m.review_year) == ("2026-01-27", 2026, 2025)
    assert (m.jurisdiction, m.level, m.speaker, m.source) == ("甘肃省", "province", "王明", "甘肃日报")


def test_a_bare_date_in_chinese_numerals_outranks_one_in_digits() -> None:
    text = "某某县政府工作报告\n2023年01月12日\n二〇二三年一月六日\n一、2022年工作回顾\n二、2023年工作安排\n"
    assert workreport.inspect(workreport.Document(text=text)).metadata.delivered == "2023-01-06"


def test_a_web_pages_dateline_stays_when_the_report_states_no_date() -> None:
    text = "2024年某县政府工作报告\n2024-01-20 09:30 来源：某县融媒体中心\n一、2023年工作回顾\n二、2024年工作安排\n"
    m = workreport.inspect(workreport.Document(text=text)).metadata
    assert (m.delivered, m.plan_year) == ("2024-01-20", 2024)


@pytest.mark.parametrize(
    ("text", "years"),
    [
        # 去年 and 今年 spelt out next to a year
        (
            "一、工作回顾\n去年，全县生产总值增长6%。\n二、工作安排\n今年（2020年）生产总值增长5%左右。\n",
            (2020, 2019),
        ),
        (
            "一、工作回顾\n去年（2019年），全县生产总值增长6%。\n二、工作安排\n生产总值增长5%左右。\n",
            (2020, 2019),
        ),
        # a review part opening with its year, a plan part opening with its own
        (
            "一、过去一年工作回顾\n2019年，全县生产总值增长6%。\n二、今年工作安排\n生产总值增长5%左右。\n",
            (2020, 2019),
        ),
        (
            "一、主要工作成效\n生产总值增长6%。\n二、今年工作安排\n2020年是收官之年。生产总值增长5%左右。\n",
            (2020, 2019),
        ),
    ],
    ids=["today-in-brackets", "last-year-in-brackets", "review-lead", "plan-lead"],
)
def test_years_from_context(text: str, years: tuple[int, int]) -> None:
    doc = workreport.Document(text=text)
    m = workreport.inspect(doc).metadata
    assert (m.plan_year, m.review_year) == years
    assert {f.period for f in workreport.extract(doc) if f.kind == "target"} == {years[0]}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("——2026年1月27日在吉林省第十四届人民代表大会第五次会议上", "2026-01-27"),
        ("（2026年1月27日在贵州省第十四届人民代表大会第四次会议上）", "2026-01-27"),
        ("——1 9 9 8 年3 月5 日在第九届全国人民代表大会第一次会议上", "1998-03-05"),
        ("——1955年7月5日至6日在第一届全国人民代表大会第二次会议上", "1955-07-05"),
        ("1954年政府工作报告——1954年5月23日在第一届全国人民代表大会第一次会议上", "1954-05-23"),
        ("二〇二六年一月二十七日", "2026-01-27"),
        ("一九九○年十二月三十一日", "1990-12-31"),
        ("2026年02月10日 07时41分", None),
        ("2026年1月27日，全省召开会议", None),
        ("中央政府门户网站 2006年02月16日 来源：新华社", None),
    ],
)
def test_own_date_lines(line: str, expected: str | None) -> None:
    own = _own_date(line)
    assert (own[0] if own else None) == expected
