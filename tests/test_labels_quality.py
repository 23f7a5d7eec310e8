"""Indicator labels name what is measured (FACTS.md §2 `indicator`, issue 10 items 3 and 4).

Our own short report (tests/data/labels/, invented) checks reductions, a three-item 分别,
list-marker and comparator-word labels and a narrower series beside a broad one; the shared
corpus is extracted once to check that no target has a one-character or list-marker label.
"""

from __future__ import annotations

import re
from pathlib import Path

import workreport
from tests.conftest import shared_or_skip

LABELS = Path(__file__).parent / "data" / "labels"
MARKER = re.compile(r"^(?:[一二三四五六七八九十]+是|其[一二三四五六七八九十]|第[一二三四五六七八九十]+[,，、])")


def _facts() -> dict[str, workreport.Fact]:
    doc = workreport.read(LABELS / "labels_2025.txt")
    return {f.quote: f for f in workreport.extract(doc)}


def test_reductions_are_negative_changes() -> None:
    f = _facts()
    assert (f["3000人以上"].measure, f["3000人以上"].value, f["3000人以上"].comparator) == ("change", -3000, "<=")
    assert (f["12亿元左右"].measure, f["12亿元左右"].value, f["12亿元左右"].comparator) == ("change", -1.2e9, "~")


def test_comparator_words_and_list_markers_are_not_labels() -> None:
    f = _facts()
    assert f["低于4.2%"].indicator == "城镇登记失业率"  # 低于 belongs to the quote, not to the label
    for quote in ("3200名", "80家", "1500例"):
        label = f[quote].indicator
        assert not MARKER.match(label) and len(label) > 2, (quote, label)
    assert "留守儿童" in f["3200名"].indicator
    assert "白内障" in f["1500例"].indicator


def test_respective_values_pair_one_by_one() -> None:
    doc = workreport.read(LABELS / "labels_2025.txt")
    facts = [x for x in workreport.extract(doc) if x.quote in ("3%", "6%", "7%") and "规模" not in x.indicator]
    assert [(x.quote, x.indicator) for x in facts] == [("3%", "农业增加值"), ("6%", "工业增加值"), ("7%", "服务业增加值")]


def test_counted_objects_follow_the_number() -> None:
    f = _facts()
    assert "老旧小区" in f["420个"].indicator
    assert "背街小巷" in f["35个"].indicator


def test_narrower_series_gets_no_broad_id() -> None:
    doc = workreport.read(LABELS / "labels_2025.txt")
    growth = [x for x in workreport.extract(doc) if x.quote in ("9%", "7%") and "规模以上" in x.indicator]
    ids = {x.quote: x.indicator_id for x in growth}
    assert ids.get("7%") == "va_industry_above_scale"


def test_no_target_in_the_corpus_has_a_one_character_or_marker_label() -> None:
    root = shared_or_skip("corpus")
    bad = []
    for path in sorted((root / "national").glob("*.txt")) + sorted((root / "provinces-2026").glob("*.txt")):
        for f in workreport.extract(workreport.read(path)):
            if f.kind == "target" and (len(f.indicator.replace("…", "")) <= 1 or MARKER.match(f.indicator)):
                bad.append((path.name, f.quote, f.indicator))
    assert not bad, bad[:20]


def _plan(sentence: str) -> list[workreport.Fact]:
    text = f"某某省2025年政府工作报告\n一、2024年工作回顾\n过去一年，经济平稳运行。\n二、2025年工作安排\n{sentence}\n"
    return workreport.extract(workreport.Document(text=text))


def test_a_growth_target_is_a_growth() -> None:
    for sentence in ("今年经济增长预期目标为7%左右。", "全省生产总值增长目标定为6%。", "经济增长预期目标7%左右。"):
        (f,) = _plan(sentence)
        assert (f.measure, f.indicator_id, f.kind) == ("growth", "gdp", "target"), (sentence, f)


def test_a_rate_of_a_group_is_a_share() -> None:
    f = {x.quote: x for x in _plan("推动30%的企业完成改造，约百分之五六十的村实现集体增收，保持6%的增长。")}
    assert f["30%"].measure == "share"
    assert f["约百分之五六十"].measure == "share"
    assert f["6%"].measure == "growth"


def test_a_heading_number_is_no_fact() -> None:
    assert not _plan("三、一张蓝图绘到底")


def test_a_run_of_years_is_no_subject() -> None:
    """粮食产量达到700亿斤、连续5年稳定在700亿斤以上: 连续5年 says how long; the figure is 粮食产量's."""
    for text in ("全省粮食产量达到700亿斤、连续5年稳定在700亿斤以上。", "全省粮食产量达到700亿斤，连续5年稳定在700亿斤以上。"):
        facts = {f.quote: f for f in workreport.extract(workreport.Document(text=text))}
        assert (facts["700亿斤以上"].indicator, facts["700亿斤以上"].indicator_id) == ("粮食产量", "grain_output")


def test_a_mark_reached_belongs_to_the_subject_before_it() -> None:
    """经济总量跨过两个万亿元大关、超过6万亿元: the second predicate's figure is 经济总量's, and so is a
    figure after the noun of the first (跨上千亿元台阶、达到1050亿元)."""
    text = "五年来，经济总量跨过两个万亿元大关、超过6万亿元。全市地区生产总值跨上千亿元台阶、达到1050亿元，增长6%。"
    facts = {f.quote: f for f in workreport.extract(workreport.Document(text=text))}
    assert (facts["超过6万亿元"].indicator, facts["超过6万亿元"].indicator_id) == ("经济总量", "gdp")
    # the verb of reaching bounds the figure and stays out of its quote
    assert (facts["千亿元"].comparator, facts["千亿元"].value, facts["千亿元"].indicator) == (">=", 1e11, "地区生产总值")
    for quote in ("1050亿元", "6%"):
        assert (facts[quote].indicator, facts[quote].indicator_id) == ("地区生产总值", "gdp"), quote


def test_what_jiang_or_ba_moves_is_what_is_measured() -> None:
    """将新型农村社会养老保险试点范围扩大到全国40%的县, 把居民消费价格涨幅控制在3.5%左右: the label is
    what 将/把 moves, without the 将/把 and the verb."""
    text = "将新型农村社会养老保险试点范围扩大到全国40%的县。把居民消费价格涨幅控制在3.5%左右。将扶贫标准提高到2300元。"
    facts = {f.quote: f for f in workreport.extract(workreport.Document(text=text))}
    assert facts["40%"].indicator == "新型农村社会养老保险试点范围"
    assert (facts["3.5%左右"].indicator, facts["3.5%左右"].indicator_id) == ("居民消费价格涨幅", "cpi")
    assert facts["2300元"].indicator == "扶贫标准"


def test_a_share_of_gdp_is_not_gdp_and_a_year_before_a_fragment_keeps_the_subject() -> None:
    """国家财政性教育经费支出五年累计7.79万亿元，…，2012年占国内生产总值比例达到4%: the 4% is the
    spending's share (label 国家财政性教育经费支出…占国内生产总值比例), not gdp; 五年 says how long."""
    text = "国家财政性教育经费支出五年累计7.79万亿元，年均增长21.58%，2012年占国内生产总值比例达到4%。先进制造业占制造业比重提升到50%以上。"
    facts = {f.quote: f for f in workreport.extract(workreport.Document(text=text))}
    assert facts["7.79万亿元"].indicator == "国家财政性教育经费支出"
    assert (facts["4%"].indicator, facts["4%"].indicator_id) == ("国家财政性教育经费支出…占国内生产总值比例", None)
    assert facts["50%以上"].indicator_id is None  # advanced manufacturing's share of manufacturing


def test_a_whole_after_its_subject_keeps_it_and_a_flows_whole_is_the_stock() -> None:
    """一般公共预算收入增长4.6%，总量首次突破1900亿元: the 总量 is the revenue's (label
    一般公共预算收入…总量, its id); after a flow (新登记经营主体320万户), the 总量 is the stock."""
    text = (
        "一般公共预算收入增长4.6%，总量首次突破1900亿元。"
        "新登记经营主体320万户、增长13%，总量达2037.7万户。"
        "集装箱吞吐量历史性突破千万标箱。"
    )
    facts = {f.quote: f for f in workreport.extract(workreport.Document(text=text))}
    assert (facts["突破1900亿元"].indicator, facts["突破1900亿元"].indicator_id) == (
        "一般公共预算收入…总量",
        "budget_revenue",
    )
    assert facts["320万户"].indicator_id == "market_entities_new"
    assert (facts["2037.7万户"].indicator, facts["2037.7万户"].indicator_id) == ("新登记经营主体…总量", "market_entities")
    assert facts["突破千万标箱"].indicator == "集装箱吞吐量"  # 历史性 (and 首次) say when, not what


def test_from_and_a_per_person_basis_are_not_part_of_a_label() -> None:
    """地区生产总值从11.37万亿元增加到14.58万亿元, 散居孤儿从每人每月1536元提高到1567元: 从 (由) and the
    basis of a per-person amount (每人每月, 每月) stand between the name and its number."""
    text = (
        "地区生产总值从11.37万亿元增加到14.58万亿元。"
        "散居孤儿从每人每月1536元提高到1567元。"
        "城乡低保标准提高到每月815元。"
        "可再生能源占电力装机比重由47.6%提高到73.4%。"
    )
    facts = {f.quote: f for f in workreport.extract(workreport.Document(text=text))}
    assert facts["11.37万亿元"].indicator == facts["14.58万亿元"].indicator == "地区生产总值"
    assert facts["1536元"].indicator == facts["1567元"].indicator == "散居孤儿"
    assert facts["815元"].indicator == "城乡低保标准"
    assert facts["47.6%"].indicator == "可再生能源占电力装机比重"


def test_a_reach_word_after_a_short_noun_names_the_thing_of_the_clause_before() -> None:
    """扎实推进新型农村社会养老保险试点，试点范围扩大到23%的县: 试点范围 is that 试点's range."""
    text = "扎实推进新型农村社会养老保险试点，试点范围扩大到23%的县。加快发展服务业，服务业规模达到5000亿元。"
    facts = {f.quote: f for f in workreport.extract(workreport.Document(text=text))}
    assert facts["23%"].indicator == "新型农村社会养老保险试点范围"
    assert facts["5000亿元"].indicator == "服务业规模"  # named in full already
