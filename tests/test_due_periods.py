"""Every target knows when it is due (TRACK.md §1), on a report of our own in the style of a
province's: a five-year-plan year, deadlines, spans, an open span and a glossary."""

from __future__ import annotations

from pathlib import Path

import workreport

REPORT = Path(__file__).parent / "data" / "track" / "plan_2016.txt"


def _facts() -> dict[str, workreport.Fact]:
    doc = workreport.read(REPORT)
    return {f.quote: f for f in workreport.extract(doc)}


def test_annual_targets_are_due_in_the_plan_year() -> None:
    facts = _facts()
    assert (facts["7.5%左右"].kind, facts["7.5%左右"].period) == ("target", 2016)
    assert facts["60万人以上"].period == 2016


def test_five_year_plan_targets_are_due_at_the_end_of_the_plan() -> None:
    facts = _facts()
    assert (facts["60%"].kind, facts["60%"].period) == ("target", 2020)  # 十三五: 2016–2020
    assert facts["300万人"].period == 2020
    assert facts["7%以上"].period == 2020  # 到2020年: a deadline


def test_spans_and_open_spans() -> None:
    facts = _facts()
    assert facts["20万套"].period == 2017  # 用两年时间: the plan year and the next
    assert facts["约100万"].kind == "target" and facts["约100万"].period is None  # 今后一个时期


def test_last_years_results_in_a_review_are_actuals_and_the_glossary_is_background() -> None:
    facts = _facts()
    assert (facts["8.1%"].kind, facts["8.1%"].period) == ("actual", 2015)
    assert facts["4000亿元"].kind == "other"


def test_last_years_results_at_the_head_of_a_plan_part_are_actuals_of_that_year() -> None:
    facts = _facts()
    assert (facts["2.3%"].kind, facts["2.3%"].period) == ("actual", 2015)


def test_an_approximate_span_is_due_at_its_longer_end() -> None:
    doc = workreport.Document(text="二、2024年工作安排\n用两三年时间完成棚户区改造20万套。\n")
    assert [(f.quote, f.period) for f in workreport.extract(doc)] == [("20万套", 2026)]


def test_a_year_named_in_a_five_year_review_is_that_years_outcome() -> None:
    facts = _read(
        "一、过去五年工作回顾",
        "五年来，全市生产总值年均增长7.1%，城镇新增就业累计12万人。\n"
        "2023年，面对多重困难，全市生产总值增长5.4%，城镇新增就业2.6万人。", 2024,
    )
    assert facts["7.1%"].period is None  # an average over the five years
    assert (facts["5.4%"].kind, facts["5.4%"].period) == ("actual", 2023)
    assert facts["2.6万人"].period == 2023


PLAN_2026 = Path(__file__).parent / "data" / "track" / "plan_2026.txt"


def _read(review: str, body: str, plan_year: int = 2026) -> dict[str, workreport.Fact]:
    """The facts of a report of our own: a review part headed ``review`` holding ``body``, then
    a plan part for ``plan_year``, by quote."""
    text = f"{review}\n{body}\n二、{plan_year}年工作安排\n全市生产总值增长5%左右。\n"
    return {f.quote: f for f in workreport.extract(workreport.Document(text=text))}


def test_a_span_written_without_nei_is_a_span_and_this_years_targets_stay_annual() -> None:
    """今后五年 (no 内) is a five-year span: its 年均 target is due at its end; in a section whose
    heading names the plan (“十五五”开好局), 今年's targets are still due this year."""
    facts = [f for f in workreport.extract(workreport.read(PLAN_2026)) if f.kind == "target"]
    by_quote = {f.quote: f for f in facts}
    assert by_quote["5.5%左右"].period == 2030
    assert by_quote["5%左右"].period == 2026
    assert by_quote["60万人以上"].period == 2026


def test_the_last_plans_results_inside_a_plan_part_are_actuals() -> None:
    """二、“十四五”时期发展成就和“十五五”时期主要目标任务: its 过去五年 paragraph reviews 2021–2025."""
    facts = {f.quote: f for f in workreport.extract(workreport.read(PLAN_2026))}
    assert facts["5.2%"].kind == "actual"
    assert (facts["突破3万亿元"].kind, facts["突破3万亿元"].period) == ("actual", 2025)
    assert facts["5.5%左右"].period == 2030  # the 十五五 target in the same part


def test_last_years_results_under_a_heading_that_also_names_the_plan_are_that_years() -> None:
    """一、2025年工作回顾和“十四五”时期发展成就: a paragraph opening on 2025 (2025年是“十四五”收官之年,
    刚刚过去的2025年，是…) speaks of 2025 and so do the paragraphs after it, until one sums up the
    plan (“十四五”时期…五年来); a paragraph whose second sentence sums it up is the plan's."""
    facts = _read(
        "一、2025年工作回顾和“十四五”时期发展成就",
        "2025年是“十四五”收官之年。一年来，全市生产总值增长5.2%，城镇新增就业3.1万人。\n"
        "（一）产业升级。规上工业增加值增长6.4%，新增国家级专精特新企业12家。\n"
        "“十四五”时期极不平凡。五年来，全市生产总值年均增长5.8%，规模升至全省第3位，"
        "经济总量突破5000亿元，累计新增城镇就业15万人。",
    )
    for quote in ("5.2%", "3.1万人", "6.4%", "12家"):
        assert (facts[quote].kind, facts[quote].period) == ("actual", 2025), quote
    assert facts["5.8%"].period is None  # an average over the five years
    assert facts["15万人"].period is None  # a sum over them
    assert facts["第3位"].period == 2025  # where it stands at the end, after 年均增长…
    assert facts["突破5000亿元"].period == 2025  # a threshold crossed: the level at the end
    assert facts["5%左右"].period == 2026

    facts = _read(
        "一、2025年工作回顾和“十四五”时期发展成就",
        "刚刚过去的2025年，是“十四五”收官之年。五年来，全市生产总值年均增长5.8%。",
    )
    assert facts["5.8%"].period is None


def test_a_count_of_what_holds_a_rank_is_a_figure_at_the_end_of_a_five_year_summary() -> None:
    """油菜籽等12种农产品产量居全国第1位: 12种 counts what holds the place (a figure of its own, at the
    summary's end year), unlike the group a rank is taken among (在全省16个市中排名第3位)."""
    facts = _read(
        "一、过去五年工作回顾",
        "五年来，茶叶等12种农产品产量居全国第1位，在全省16个市中综合排名第3位。",
    )
    assert (facts["12种"].value, facts["12种"].period) == (12, 2025)
    assert facts["第1位"].period == 2025 and facts["第3位"].period == 2025
    assert "16个" not in facts


def test_a_baseline_named_by_its_period_has_that_year_and_what_it_rose_to_the_end_year() -> None:
    """FACTS.md §3: 由“十三五”末的2.62万亿元 is `other` of 2020, 从2020年的1758亿元 of 2020; in a
    five-year summary what it rose to (增长到4120亿元) stands at the end year."""
    facts = _read(
        "一、过去五年工作回顾",
        "五年来，全省地区生产总值由“十三五”末的2.62万亿元增长到3.5万亿元，"
        "技术合同成交额从2020年的1758亿元提升至4120亿元。",
    )
    assert (facts["2.62万亿元"].kind, facts["2.62万亿元"].period) == ("other", 2020)
    assert (facts["1758亿元"].kind, facts["1758亿元"].period) == ("other", 2020)
    assert (facts["3.5万亿元"].kind, facts["3.5万亿元"].period) == ("actual", 2025)
    assert (facts["4120亿元"].kind, facts["4120亿元"].period) == ("actual", 2025)


def test_what_a_plan_builds_on_is_reached_and_what_it_adds_is_a_target() -> None:
    """在已建成社区食堂42个的基础上再新建30个: 30 is this year's target; 已建成5G基站3万个 is reached."""
    text = "二、2026年工作安排\n在已建成社区食堂42个的基础上再新建30个。已建成5G基站3万个。\n"
    facts = {f.quote: f for f in workreport.extract(workreport.Document(text=text))}
    assert (facts["30个"].kind, facts["30个"].period) == ("target", 2026)
    assert (facts["3万个"].kind, facts["3万个"].period) == ("actual", None)


def test_a_five_year_summarys_stocks_stand_at_the_end_and_its_flows_over_the_span() -> None:
    """铁路运营里程新增1700公里、突破7000公里: the new length is a flow (no year), the total where it
    stands at the end; 装机容量 is a stock; a contribution to the span's growth is of the span, a rise
    of it ends at the end year."""
    facts = _read(
        "一、过去五年工作回顾",
        "五年来，铁路运营里程新增1700公里、突破7000公里，清洁能源装机容量超过1.3亿千瓦，"
        "服务业对经济增长贡献率超60%，消费贡献率由54.9%提高到58.8%。",
    )
    assert facts["1700公里"].period is None
    assert facts["突破7000公里"].period == 2025
    assert facts["超过1.3亿千瓦"].period == 2025
    assert facts["超60%"].period is None
    assert facts["58.8%"].period == 2025


def test_a_sentence_of_last_years_review_that_sums_up_the_term_is_of_the_span() -> None:
    """本届政府减少1/3行政审批事项 in a one-year review is a change over the term (no year); 去年又取消
    165项 after it is last year's."""
    facts = _read(
        "一、2024年工作回顾",
        "本届政府减少1/3行政审批事项。在完成本届政府减少审批事项目标的基础上，去年又取消165项审批事项。", 2025,
    )
    assert facts["1/3"].period is None
    assert facts["165项"].period == 2024
