"""Plan year, review year and delivery date where the report does not simply state them.

The reports in ``tests/data/structure/`` are written for these tests: one has no title and no
date and reviews ``2019年和今年以来``; one states its date only in Chinese numerals on a line of
its own; one is a saved web page whose publication date comes before the report's own date.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import workreport
from tests.conftest import SHARED
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


# --------------------------------------------------------------------------- title, speaker, debris
#
# ``news_copy_2026.txt`` is a county report as a news site saves it: a breadcrumb trail, the
# site's headline, a 400-character lede, a dateline and a photo caption above the report's own
# title line. ``national_style_2026.txt`` runs its title, date line and speaker into one line
# after a dateline, has a caption inside the text and a list of principles that mentions 实事.


def commitments(doc: workreport.Document, kind: str) -> list[str]:
    from workreport.pipeline.resolve import resolve

    return [c.text or "" for c in resolve(doc, workreport.inspect(doc), []).commitments if c.type == kind]


def test_a_news_copy_keeps_the_reports_own_title_and_leaves_the_page_out() -> None:
    doc = read("news_copy_2026.txt")
    st = workreport.inspect(doc)
    m = st.metadata
    assert (m.title, m.jurisdiction, m.level, m.speaker) == ("政府工作报告", "临洮县", "county", "王建华")
    assert (m.delivered, m.plan_year, m.review_year, m.source, m.doc_type) == (
        "2026-01-26",
        2026,
        2025,
        "临洮融媒",
        "report",
    )
    # the report starts at its own title: the lede's 6.5% is the news site's, not a fact
    assert doc.text[st.content.start :].startswith("政府工作报告\n——2026年1月26日")
    facts = workreport.extract(doc)
    assert all(f.start >= st.content.start for f in facts)
    assert "6.5%左右" not in [f.quote for f in facts]
    assert ("6%左右", "target", 2026) in [(f.quote, f.kind, f.period) for f in facts]
    # no heading is a salutation, a caption, the title or the speaker line
    titles = [s.title for s in st.walk()]
    assert not [t for t in titles if "各位代表" in t or "图为" in t or "王建华" in t or "政府工作报告" in t]


def test_tasks_and_projects_of_a_news_copy() -> None:
    doc = read("news_copy_2026.txt")
    assert commitments(doc, "task") == ["（一）做强特色产业。", "加快中药材产业提质。"]
    assert commitments(doc, "project") == [
        "1.新建改扩建幼儿园3所，新增学位900个。",
        "2.改造城镇老旧小区12个，惠及居民2400户。",
        "3.为1万名适龄妇女免费开展“两癌”筛查。",
    ]


def test_a_run_in_title_after_a_dateline_and_a_caption_inside_the_text() -> None:
    doc = read("national_style_2026.txt")
    st = workreport.inspect(doc)
    m = st.metadata
    assert (m.title, m.jurisdiction, m.level, m.speaker, m.delivered) == (
        "政府工作报告",
        "中国",
        "national",
        "周明远",
        "2026-03-05",
    )
    assert (m.plan_year, m.review_year) == (2026, 2025)
    # the caption inside the text is no paragraph of the report
    caption = doc.text.rindex("3月5日，第十四届")
    assert all(not (p.span.start <= caption < p.span.end) for p in st.paragraphs)
    # 要把握好以下几点 introduces principles; 各位代表！ addresses the house: neither is a task
    assert commitments(doc, "task") == ["（一）着力扩大国内需求。", "大力提振消费。", "（二）加快发展新质生产力。"]
    # five principles, one of them mentioning 办实事, are no list of 为民实事
    assert commitments(doc, "project") == []


def test_numbered_projects_under_a_heading_naming_them() -> None:
    text = (
        "政府工作报告\n——2026年1月26日在某某县第十八届人民代表大会第六次会议上\n各位代表：\n"
        "一、2025年工作回顾\n全县地区生产总值增长5.8%。\n二、2026年工作安排\n"
        "（一）做强特色产业。新建种植基地2万亩。\n"
        "2026年县十件民生实事\n坚持民生为大，把有限财力用在群众最关心的事上。\n"
        "一、提高城乡低保标准。\n农村低保标准提高8%以上。\n二、新建改扩建幼儿园3所。\n新增学位900个。\n"
        "三、改造城镇老旧小区12个。\n"
    )
    doc = workreport.Document(text=text)
    assert commitments(doc, "project") == ["一、提高城乡低保标准。", "二、新建改扩建幼儿园3所。", "三、改造城镇老旧小区12个。"]


def test_a_list_of_principles_is_no_list_of_projects() -> None:
    text = (
        "一、2025年工作回顾\n全县地区生产总值增长5.8%。\n二、2026年工作安排\n"
        "我们要多办民生实事，做好今年工作必须：一是坚持稳中求进。二是坚持改革创新。三是必须守住底线。\n"
        "今年再办好10件民生实事：一是新建幼儿园3所。二是改造老旧小区12个。\n"
    )
    assert commitments(workreport.Document(text=text), "project") == ["一是新建幼儿园3所。", "二是改造老旧小区12个。"]


@pytest.mark.parametrize(
    ("head", "title", "speaker"),
    [
        # a dateline and the title on one line, the date line run in, the name on the next line
        (
            "新华社北京3月14日电政府工作报告——2014年3月5日在第十二届全国人民代表大会第二次会议上国务院总理\n"
            "李克强各位代表：现在，我代表国务院，向大会作政府工作报告，请予审议。\n",
            "政府工作报告",
            "李克强",
        ),
        # a caption first, then a written-out space in the title line
        (
            "3月5日，某某省第十四届人民代表大会第四次会议开幕。省长张明远作政府工作报告。 记者 李明 摄\n"
            "政府工作报告<U+00A0>\n——2026年1月27日在某某省第十四届人民代表大会第四次会议上\n省长 张明远\n各位代表：\n",
            "政府工作报告",
            "张明远",
        ),
        # letters spaced out, the speaker's name alone between the date line and 各位代表
        (
            "政 府 工 作 报 告\n——2026年2月3日在湖南省第十四届人民代表大会第四次会议上\n来源：湖南日报\n毛伟明\n各位代表：\n",
            "政府工作报告",
            "毛伟明",
        ),
        # a name with a middle dot, a breadcrumb trail and a site headline above the title
        (
            "当前位置：\n首页\n>\n要闻\n2026年某某自治区政府工作报告\n发表时间：\n2026-02-09 09:45:30\n政府工作报告\n"
            "——2026年1月27日在某某自治区第十四届人民代表大会第四次会议上\n自治区主席 艾尔肯·吐尼亚孜\n各位代表：\n",
            "政府工作报告",
            "艾尔肯·吐尼亚孜",
        ),
    ],
    ids=["run-in", "caption-first", "spaced-out", "breadcrumbs"],
)
def test_title_and_speaker_from_the_reports_own_lines(head: str, title: str, speaker: str) -> None:
    text = head + "一、2025年工作回顾\n地区生产总值增长5%。\n二、2026年工作安排\n地区生产总值增长5%左右。\n"
    m = workreport.inspect(workreport.Document(text=text)).metadata
    assert (m.title, m.speaker) == (title, speaker)


def test_a_news_lede_is_never_a_title() -> None:
    lede = "1月26日上午，某某县召开人民代表大会，会议听取和审议了政府工作报告，代表们认为报告实事求是。" * 6
    text = lede + "\n一、2025年工作回顾\n地区生产总值增长5%。\n二、2026年工作安排\n地区生产总值增长5%左右。\n"
    m = workreport.inspect(workreport.Document(text=text)).metadata
    assert m.title is None


@pytest.mark.parametrize(
    ("line", "furniture", "caption", "salutation"),
    [
        ("新华社北京3月17日电", True, False, False),
        ("本报讯", True, False, False),
        ("您的位置：首页 > 要闻", True, False, False),
        ("首页", True, False, False),
        ("来源：云南日报", True, False, False),
        ("2026-02-03 09:02:33", True, False, False),
        ("2026年02月10日 07时41分", True, False, False),
        ("【字号：大 中 小】", True, False, False),
        ("新华社记者 庞兴雷 摄", True, True, False),
        ("（图为新建成的县人民医院）", True, True, False),
        ("省长张明远作政府工作报告。", True, True, False),
        ("各位代表！", False, False, True),
        ("各位代表：现在，我代表省人民政府向大会报告工作。", False, False, True),
        ("新华社北京3月14日电政府工作报告——2014年3月5日在第十二届全国人民代表大会第二次会议上", False, False, False),
        ("政府工作报告", False, False, False),
        ("现在，我代表国务院，向大会作政府工作报告，请予审议。", False, False, False),
        ("（一）加快发展新质生产力。", False, False, False),
    ],
)
def test_furniture_captions_and_salutations(line: str, furniture: bool, caption: bool, salutation: bool) -> None:
    from workreport.pipeline.normalise import normalise
    from workreport.pipeline.structure import is_caption, is_furniture, is_salutation

    folded = normalise(line)
    assert (is_furniture(folded), is_caption(folded), is_salutation(folded)) == (furniture, caption, salutation)


@pytest.mark.parametrize(
    ("title", "level", "task"),
    [
        ("（一）做强特色产业。", 2, True),
        ("加快产业升级。", 4, True),
        ("财政政策要更加积极有效。", 4, True),
        ("今年是“十五五”开局之年。", 4, False),
        ("农业是国民经济的基础。", 4, False),
        ("我国的农业在土地改革以后有了新的发展。", 4, False),
        ("做好今年政府工作，要把握好以下几点。", 4, False),
        ("粮食的计划收购和计划供应的好处何在呢？", 4, False),
        ("报告指出，实现今年目标任务，关键在于抓落实。", 4, False),
        ("各位代表！", 4, False),
        ("省长张明远作政府工作报告。", 4, False),
        ("主要目标", 2, False),
    ],
)
def test_what_is_a_key_task(title: str, level: int, task: bool) -> None:
    from workreport.pipeline.tasks import is_task

    assert is_task(title, level) is task


# --------------------------------------------------------------------------- the shared corpus

CORPUS = sorted((SHARED / "corpus").rglob("*.txt"))
# what a title, a task or a project must never be (written here, not read from the rules)
NOT_A_TITLE = re.compile(
    r"新华社.{0,12}电|本报讯|您的位置|当前位置|^首页|来源[:：]|责任编辑|分享|打印|字号|<U\+|&nbsp;|摄\s*$|。"
)
SALUTATION = re.compile(r"^(?:各位代表|同志们|代表们)")
CAPTION = re.compile(r"摄\s*[)）]?\s*$|^[(（]?\s*图为|作(?:政府)?工作报告[。.]?$")
DEBRIS = re.compile(r"^(?:新华社.{0,12}电|本报讯|您的位置|当前位置|首页|来源[:：]|责任编辑|打印|分享)|<U\+00A0>")
PRINCIPLE = re.compile(r"^[一二三四五六七八九十]+(?:是|、)(?:坚持|必须|始终)")


@pytest.mark.skipif(not CORPUS, reason="shared corpus not present (set WORKREPORT_SHARED)")
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_corpus_titles_tasks_and_projects_are_the_reports_own(path: Path) -> None:
    from workreport.pipeline.resolve import resolve

    doc = workreport.read(path)
    st = workreport.inspect(doc)
    m = st.metadata
    assert m.title is not None and "报告" in m.title and len(m.title) <= 60, m.title
    assert not NOT_A_TITLE.search(m.title), m.title
    assert m.speaker is not None and 2 <= len(m.speaker) <= 12, m.speaker
    assert m.delivered is not None
    found = resolve(doc, st, []).commitments
    for c in found:
        text = (c.text or "").strip()
        assert not SALUTATION.match(text), (c.type, text)
        assert not CAPTION.search(text), (c.type, text)
        assert not DEBRIS.search(text), (c.type, text)
        if c.type == "project":
            assert not PRINCIPLE.match(text), text
    # every project lies in a plan part
    plan = [p.span for p in st.paragraphs if p.role == "plan"]
    for c in found:
        if c.type == "project":
            assert any(s.start <= c.start < s.end for s in plan), c.text
