"""Properties of extract() on any text, and the hard cases of FACTS.md §3 on short synthetic
reports written for these tests.

A hard case the extractor gets wrong is marked ``xfail(strict=True)`` rather than weakened,
so that fixing the extractor turns it into an XPASS failure that asks for the mark to go.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workreport
from workreport.model import COMPARATORS, KINDS, MEASURES
from workreport.pipeline.normalise import normalise

# --------------------------------------------------------------------------- properties

_TOKENS = [
    *"0123456789",
    ".",
    "%",
    "，",
    "。",
    "、",
    "；",
    "：",
    "\n",
    "（一）",
    "一、",
    *"万亿千百十零一二三四五六七八九两",
    *"增长下降以上以内左右预计力争分别均第位元人个",
    "增长",
    "下降",
    "以上",
    "以内",
    "左右",
    "预计",
    "力争",
    "分别",
    "均",
    "第",
    "位",
    "亿元",
    "万人",
    "个百分点",
    "翻一番",
    "零增长",
    "百分之",
    "、",
    "和",
    "从",
    "至",
    "—",
    "生产总值",
    "固定资产投资",
    "城乡居民人均可支配收入",
    "新区",
    "一、2023年工作回顾\n",
    "二、2024年工作安排\n",
]
LIKELY_TEXT = st.lists(st.sampled_from(_TOKENS), max_size=80).map("".join)
FULLWIDTH_OR_TRADITIONAL = st.text(
    st.sampled_from(list("０１２３４５６７８９．％，。（）發億萬國經濟增長\u3000\u00a0\r\n"))
)


def check_facts(text: str) -> list[workreport.Fact]:
    facts = workreport.extract(workreport.Document(text=text))
    for f in facts:
        assert 0 <= f.start < f.end <= len(text), f
        assert text[f.start : f.end] == f.quote, f
        assert isinstance(f.value, float) and math.isfinite(f.value), f
        assert f.value_max is None or (isinstance(f.value_max, float) and math.isfinite(f.value_max)), f
        assert isinstance(f.unit, str) and f.unit, f
        assert f.measure in MEASURES, f
        assert f.comparator in COMPARATORS, f
        assert f.kind in KINDS, f
        assert f.period is None or isinstance(f.period, int), f
    return facts


PROPERTY_SETTINGS = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(st.text())
def test_extract_never_raises_on_any_text(text: str) -> None:
    check_facts(text)


@PROPERTY_SETTINGS
@given(LIKELY_TEXT)
def test_extract_never_raises_on_likely_text(text: str) -> None:
    check_facts(text)


@PROPERTY_SETTINGS
@given(FULLWIDTH_OR_TRADITIONAL | LIKELY_TEXT)
def test_extract_never_raises_on_fullwidth_and_traditional(text: str) -> None:
    check_facts(text)


@settings(max_examples=500)
@given(st.text() | FULLWIDTH_OR_TRADITIONAL | LIKELY_TEXT)
def test_normalise_keeps_length(text: str) -> None:
    assert len(normalise(text)) == len(text)


# --------------------------------------------------------------------------- hard cases

HEADER = (
    "青岚市政府工作报告\n"
    "——2024年1月9日在青岚市第十八届人民代表大会第三次会议上\n"
    "青岚市市长 林远\n"
    "各位代表：\n"
)
REVIEW_HEADING = "一、2023年工作回顾\n"
PLAN_HEADING = "二、2024年工作安排\n"


def report(review: str = "", plan: str = "") -> str:
    """A small city report: a header, a review part for 2023 and a plan part for 2024."""
    text = HEADER + REVIEW_HEADING
    text += review + "\n" if review else "过去一年，全市经济运行总体平稳。\n"
    text += PLAN_HEADING
    text += plan + "\n" if plan else "今年我们将继续推动高质量发展。\n"
    return text


@dataclass(frozen=True)
class F:
    """An expected fact: every field the hard cases check."""

    quote: str
    value: float
    unit: str
    measure: str
    comparator: str = "="
    kind: str = "actual"
    hedge: str | None = None
    period: int | None = 2023
    indicator_id: str | None = None
    value_max: float | None = None
    scope: str | None = None

    def row(self) -> dict[str, Any]:
        return {
            "quote": self.quote,
            "value": _r(self.value),
            "value_max": _r(self.value_max),
            "unit": self.unit,
            "measure": self.measure,
            "comparator": self.comparator,
            "kind": self.kind,
            "hedge": self.hedge,
            "period": self.period,
            "indicator_id": self.indicator_id,
            "scope": self.scope,
        }


def _r(v: float | None) -> float | None:
    return None if v is None else round(v, 6)


def actual_row(f: workreport.Fact) -> dict[str, Any]:
    return {
        "quote": f.quote,
        "value": _r(f.value),
        "value_max": _r(f.value_max),
        "unit": f.unit,
        "measure": f.measure,
        "comparator": f.comparator,
        "kind": f.kind,
        "hedge": f.hedge,
        "period": f.period,
        "indicator_id": f.indicator_id,
        "scope": f.scope,
    }


def _order(row: dict[str, Any]) -> tuple[str, str, float]:
    return (row["quote"], str(row["indicator_id"]), row["value"])


def plan(quote: str, value: float, unit: str, measure: str, **kw: Any) -> F:
    """An expected fact in the plan part: a 2024 target unless told otherwise."""
    kw.setdefault("kind", "target")
    kw.setdefault("period", 2024)
    return F(quote, value, unit, measure, **kw)


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(reason=reason, strict=True)


# (id, review sentence, plan sentence, the facts expected in them, marks)
CASES: list[tuple[str, str, str, list[F], tuple[pytest.MarkDecorator, ...]]] = [
    (
        "brief-example",
        "预计全年实现生产总值2100亿元、增长5.2%，固定资产投资增长3%。",
        "主要预期目标是：生产总值增长6%左右，力争实现更好结果；城镇调查失业率5.5%以内；"
        "单位生产总值能耗下降2.5%以上。",
        [
            F("2100亿元", 2.1e11, "CNY", "level", kind="estimate", hedge="预计", indicator_id="gdp"),
            F("5.2%", 5.2, "%", "growth", kind="estimate", hedge="预计", indicator_id="gdp"),
            F("3%", 3, "%", "growth", kind="estimate", hedge="预计", indicator_id="fai"),
            plan("6%左右", 6, "%", "growth", comparator="~", indicator_id="gdp"),
            plan("5.5%以内", 5.5, "%", "share", comparator="<=", indicator_id="unemployment_surveyed"),
            plan("2.5%以上", -2.5, "%", "growth", comparator="<=", indicator_id="energy_intensity"),
        ],
        (),
    ),
    (
        "shared-value-jun",
        "规模以上工业增加值、固定资产投资、社会消费品零售总额均增长8%以上。",
        "",
        [
            F("8%以上", 8, "%", "growth", ">=", indicator_id="va_industry_above_scale"),
            F("8%以上", 8, "%", "growth", ">=", indicator_id="fai"),
            F("8%以上", 8, "%", "growth", ">=", indicator_id="retail_sales"),
        ],
        (),
    ),
    (
        "shared-value-he-jun",  # two items joined by 和, 均 after them: one fact each
        "规模以上工业增加值和固定资产投资均增长6%。全市生产总值3200亿元，总量和增速均居全省第2位。",
        "",
        [
            F("6%", 6, "%", "growth", indicator_id="va_industry_above_scale"),
            F("6%", 6, "%", "growth", indicator_id="fai"),
            F("3200亿元", 3.2e11, "CNY", "level", indicator_id="gdp"),
            F("第2位", 2, "rank", "rank", indicator_id="gdp"),
            F("第2位", 2, "rank", "rank", indicator_id="gdp"),
        ],
        (),
    ),
    (
        "respectively-growth",
        "城乡居民人均可支配收入分别增长6%和7%。",
        "",
        [
            F("6%", 6, "%", "growth", indicator_id="income_urban"),
            F("7%", 7, "%", "growth", indicator_id="income_rural"),
        ],
        (),
    ),
    (
        "respectively-level-and-growth",
        "城乡居民人均可支配收入分别达到41200元和18650元、增长5.6%和7.1%。",
        "",
        [
            F("41200元", 41200, "CNY", "level", indicator_id="income_urban"),
            F("18650元", 18650, "CNY", "level", indicator_id="income_rural"),
            F("5.6%", 5.6, "%", "growth", indicator_id="income_urban"),
            F("7.1%", 7.1, "%", "growth", indicator_id="income_rural"),
        ],
        (),
    ),
    (
        "respectively-comparator-once",
        "",
        "城乡居民人均可支配收入分别增长6%、7%以上。",
        [
            plan("6%", 6, "%", "growth", comparator=">=", indicator_id="income_urban"),
            plan("7%以上", 7, "%", "growth", comparator=">=", indicator_id="income_rural"),
        ],
        (),
    ),
    (
        # a percentage after the first of a 分别 list has no verb of its own: it measures what
        # the first does (both shares), not a growth read from the list mark before it
        "respectively-shares",
        "森林覆盖率和草原综合植被盖度分别达到45%、60%。",
        "",
        [
            F("45%", 45, "%", "share"),
            F("60%", 60, "%", "share", indicator_id="grassland_cover"),
        ],
        (),
    ),
    (
        "respectively-shares-reached",
        "",
        "学前教育毛入园率、九年义务教育巩固率、高中阶段毛入学率分别提升至95%左右、96%以上、93%以上。",
        [
            plan("95%左右", 95, "%", "share", comparator="~"),
            plan("96%以上", 96, "%", "share", comparator=">=", indicator_id="compulsory_education_retention"),
            plan("93%以上", 93, "%", "share", comparator=">=", indicator_id="high_school_enrolment_ratio"),
        ],
        (),
    ),
    (
        "estimate-governs-rest-not-before",
        "新增城镇就业2.1万人，预计一般公共预算收入增长4%、税收收入增长3%。",
        "",
        [
            F("2.1万人", 21000, "person", "level", indicator_id="jobs_urban_new"),
            F("4%", 4, "%", "growth", kind="estimate", hedge="预计", indicator_id="budget_revenue"),
            F("3%", 3, "%", "growth", kind="estimate", hedge="预计", indicator_id="tax_revenue"),
        ],
        (),
    ),
    (
        "estimate-in-plan-part",
        "",
        "预计全年一般公共预算收入增长5%。",
        [plan("5%", 5, "%", "growth", kind="estimate", hedge="预计", indicator_id="budget_revenue")],
        (),
    ),
    (
        "rank-change",
        "城市综合竞争力排名从第15位上升至第9位。",
        "",
        [
            F("第15位", 15, "rank", "rank", kind="other", period=None),
            F("第9位", 9, "rank", "rank"),
        ],
        (),
    ),
    (
        "rank-move",
        "营商环境评价提升3个位次。",
        "",
        [F("3个位次", 3, "rank", "change_rank")],
        (),
    ),
    (
        "change-pp",
        "常住人口城镇化率提高1.2个百分点，城镇登记失业率下降0.3个百分点。",
        "",
        [
            F("1.2个百分点", 1.2, "pp", "change_pp", indicator_id="urbanization"),
            F("0.3个百分点", -0.3, "pp", "change_pp", indicator_id="unemployment_registered"),
        ],
        (),
    ),
    (
        "change-negative",
        "农村低收入人口减少1200人。",
        "",
        [F("1200人", -1200, "person", "change")],
        (),
    ),
    (
        "double",
        "跨境电商交易额翻一番。",
        "",
        [F("翻一番", 100, "%", "growth")],
        (),
    ),
    (
        "zero-growth",
        "",
        "公用经费零增长。",
        [plan("零增长", 0, "%", "growth")],
        (),
    ),
    (
        "percent-in-words",
        "",
        "城镇居民人均可支配收入增长百分之五。",
        [plan("百分之五", 5, "%", "growth", indicator_id="income_urban")],
        (),
    ),
    (
        "chinese-numeral-count",
        "培训高素质农民两万名。",
        "",
        [F("两万名", 20000, "person", "level")],
        (),
    ),
    (
        "decimal-wan-yi",
        "金融机构本外币存款余额达到1.2万亿元。",
        "",
        [F("1.2万亿元", 1.2e12, "CNY", "level", indicator_id="deposits_balance")],
        (),
    ),
    (
        "scope-zone",
        "青岚新区聚焦先进制造，预计全年生产总值增长9%。",
        "",
        [F("9%", 9, "%", "growth", kind="estimate", hedge="预计", indicator_id="gdp", scope="青岚新区")],
        (),
    ),
    (
        "not-below-not-above",
        "",
        "粮食产量不低于120万吨，居民消费价格涨幅不超过3%。",
        [
            plan("不低于120万吨", 1.2e6, "ton", "level", comparator=">=", indicator_id="grain_output"),
            plan("不超过3%", 3, "%", "growth", comparator="<=", indicator_id="cpi"),
        ],
        (),
    ),
    (
        "range",
        "",
        "地区生产总值增长5%—6%。",
        [plan("5%—6%", 5, "%", "growth", comparator="range", indicator_id="gdp", value_max=6)],
        (),
    ),
    (
        "hedge-before-number",
        "",
        "固定资产投资力争增长8%。",
        [plan("8%", 8, "%", "growth", hedge="力争", indicator_id="fai")],
        (),
    ),
    (
        "review-zhengqu-is-not-a-hedge",
        "全年争取中央预算内投资12亿元。",
        "",
        [F("12亿元", 1.2e9, "CNY", "level")],
        (),
    ),
    (
        "hedge-after-number-does-not-apply",
        "",
        "固定资产投资增长8%，争取实现更好结果。",
        [plan("8%", 8, "%", "growth", indicator_id="fai")],
        (),
    ),
    (
        "times-and-doublings",
        "快递业务量增长1倍，跨境电商进口额增长2倍，光伏装机容量翻两番。",
        "",
        [
            F("1倍", 100, "%", "growth", indicator_id="express_parcels"),
            F("2倍", 200, "%", "growth"),
            F("翻两番", 300, "%", "growth"),
        ],
        (),
    ),
    (
        "fraction-fall",
        "行政审批事项减少1/3。",
        "",
        [F("1/3", -100 / 3, "%", "growth", indicator_id="admin_approvals_cut")],
        (),
    ),
    (
        "tenths-share",
        "中药材产量占全国3成。",
        "",
        [F("3成", 30, "%", "share")],
        (),
    ),
    (
        "first-place-and-top-n",
        "县域经济综合实力居全省首位，营商环境评价进入全国前20位。",
        "",
        [
            F("首位", 1, "rank", "rank"),
            F("前20位", 20, "rank", "rank", "<="),
        ],
        (),
    ),
    (
        "mixed-numeral-more-than",
        "全年接待游客1亿3千多万人次。",
        "",
        [F("1亿3千多万人次", 1.3e8, "person_time", "level", ">=")],
        (),
    ),
    (
        "about",
        "全年新增城镇就业约3.2万人。",
        "",
        [F("约3.2万人", 32000, "person", "level", "~", indicator_id="jobs_urban_new")],
        (),
    ),
    (
        "benefit-standard-raised",
        "",
        "城乡低保标准提高8%。",
        [plan("8%", 8, "%", "growth")],
        (),
    ),
    (
        "fall-within-flips-comparator",
        "",
        "单位生产总值能耗降低3%以内。",
        [plan("3%以内", -3, "%", "growth", comparator=">=", indicator_id="energy_intensity")],
        (),
    ),
    (
        "one-value-several-jurisdictions",
        "云岭区、松溪县经济总量突破千亿元。",
        "",
        [
            F("突破千亿元", 1e11, "CNY", "level", ">=", indicator_id="gdp", scope="云岭区"),
            F("突破千亿元", 1e11, "CNY", "level", ">=", indicator_id="gdp", scope="松溪县"),
        ],
        (),
    ),
    (
        "multi-year-review",
        "五年来，全市生产总值年均增长6.5%，常住人口城镇化率达到62%。",
        "",
        [
            F("6.5%", 6.5, "%", "growth", period=None, indicator_id="gdp"),
            F("62%", 62, "%", "share", indicator_id="urbanization"),
        ],
        (),
    ),
    (
        "fullwidth-digits",
        "",
        "地区生产总值增长６．５％左右。",
        [plan("６．５％左右", 6.5, "%", "growth", comparator="~", indicator_id="gdp")],
        (),
    ),
    (
        "traditional-characters",
        "全年地區生產總值增長5.1%，城鎮新增就業1.8萬人，城鄉居民人均可支配收入分別增長5%和7%。",
        "",
        [
            F("5.1%", 5.1, "%", "growth", indicator_id="gdp"),
            F("1.8萬人", 18000, "person", "level", indicator_id="jobs_urban_new"),
            F("5%", 5, "%", "growth", indicator_id="income_urban"),
            F("7%", 7, "%", "growth", indicator_id="income_rural"),
        ],
        (),
    ),
    (
        "traditional-hedge-as-written",
        "預計全年地區生產總值增長5.1%。",
        "",
        [F("5.1%", 5.1, "%", "growth", kind="estimate", hedge="預計", indicator_id="gdp")],
        (),
    ),
    (
        "lower-by-points",
        "城镇调查失业率比上年低0.4个百分点。",
        "",
        [F("0.4个百分点", -0.4, "pp", "change_pp", indicator_id="unemployment_surveyed")],
        (),
    ),
    (
        "baseline-from-to",
        "生产总值由1800亿元增加到2100亿元，常住人口城镇化率由58.2%提高到60.1%。",
        "",
        [
            F("1800亿元", 1.8e11, "CNY", "level", kind="other", period=None, indicator_id="gdp"),
            F("2100亿元", 2.1e11, "CNY", "level", indicator_id="gdp"),
            F("58.2%", 58.2, "%", "share", kind="other", period=None, indicator_id="urbanization"),
            F("60.1%", 60.1, "%", "share", indicator_id="urbanization"),
        ],
        (),
    ),
    (
        "non-facts-names",
        "",
        "深入落实“33条”惠企政策，扎实推进七大工程，新建5G基站1200个。",
        [plan("1200个", 1200, "count", "level")],
        (),
    ),
    (
        "streak-is-no-fact",
        "粮食产量连续6年稳定在100万吨以上。",
        "",
        [F("100万吨以上", 1e6, "ton", "level", ">=", indicator_id="grain_output")],
        (),
    ),
]


def _params() -> list[Any]:
    return [
        pytest.param(review, plan_, expected, id=cid, marks=marks)
        for cid, review, plan_, expected, marks in CASES
    ]


@pytest.mark.parametrize(("review", "plan_text", "expected"), _params())
def test_hard_case(review: str, plan_text: str, expected: list[F]) -> None:
    text = report(review, plan_text)
    facts = check_facts(text)
    body = len(HEADER)  # the header's 2024年1月9日 and 第十八届 are no facts
    assert [f.quote for f in facts if f.start < body] == []
    rows = sorted((actual_row(f) for f in facts if f.start >= body), key=_order)
    assert rows == sorted((e.row() for e in expected), key=_order)


NON_FACTS = ["第十八届", "2024年", "5G", "33条", "七大", "6年", "2023年"]


def test_non_facts_are_never_quoted() -> None:
    text = report(
        "粮食产量连续6年稳定在100万吨以上，2023年新增市场主体1.5万户。",
        "深入落实“33条”惠企政策，扎实推进七大工程，新建5G基站1200个。",
    )
    facts = check_facts(text)
    for word in NON_FACTS:
        at = 0
        while (at := text.find(word, at)) >= 0:
            hits = [f.quote for f in facts if f.start < at + len(word) and at < f.end]
            assert hits == [], (word, hits)
            at += len(word)
