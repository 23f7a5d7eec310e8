"""Every written form of a number, one class at a time, read as FACTS.md says.

Each case is one report-like sentence and the fact its number must give (value, value_max,
unit); each runs as written, with full-width digits and signs, and in traditional
characters. Negative cases list quotes that must give no fact (names, idioms).
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

import workreport
from workreport import Document
from workreport.pipeline.numerals import parse_approximate, read_numeral

# (sentence, value, value_max, unit): the fact the sentence's number must give
Case = tuple[str, float, float | None, str]

CLASSES: dict[str, list[Case]] = {
    "approximate": [
        ("约百分之五六十的企业实现盈利。", 50, 60, "%"),
        ("全市工业产值增长二三十倍。", 2000, 3000, "%"),
        ("主要指标进入全国前二三十位。", 20, 30, "rank"),
        ("营商环境排名提升二三十个位次。", 20, 30, "rank"),
        ("出口额增长三四倍。", 300, 400, "%"),
        ("新增就业岗位三四百万个。", 3_000_000, 4_000_000, "count"),
        ("七八成的农户参加了合作社。", 70, 80, "%"),
    ],
    "percent_words": [
        ("地区生产总值增长百分之六点五。", 6.5, None, "%"),
        ("农村自来水普及率达到百分之一百。", 100, None, "%"),
        ("空气质量优良率达到百分之九十五点五。", 95.5, None, "%"),
        ("义务教育巩固率达到百分之百。", 100, None, "%"),
        ("贷款利率下降百分之零点五。", -0.5, None, "%"),
        ("城镇居民人均可支配收入增长百分之2.4。", 2.4, None, "%"),
        ("人口自然增长率为千分之三点五。", 0.35, None, "%"),
        ("人口出生率为7.5‰。", 0.75, None, "%"),
    ],
    "multiples": [
        ("全市生产总值是一九四九年的二点五倍。", 250, None, "%"),
        ("工业产值是上年的十二点四倍。", 1240, None, "%"),
        ("进出口总额增长2.5倍。", 250, None, "%"),
        ("研发投入增长两倍。", 200, None, "%"),
    ],
    "sentence_start": [
        ("22%的企业实现盈利。", 22, None, "%"),
        ("199个项目开工建设。", 199, None, "count"),
        ("8亿元用于保障和改善民生。", 800_000_000, None, "CNY"),
        ("全年工作有序推进，3.5万人实现就业。", 35000, None, "person"),
    ],
    "shares_and_counts": [
        ("七成以上企业实现增长。", 70, None, "%"),
        ("全省粮食产量占全国9成。", 90, None, "%"),
        ("今年将办好十件民生实事。", 10, None, "count"),
        ("新建学校两万名学生受益。", 20000, None, "person"),
        ("劳动年龄人口平均受教育年限达到10.8年。", 10.8, None, "年"),
    ],
    "signs": [
        ("规模以上工业增加值增长-2.2%。", -2.2, None, "%"),
        ("居民消费价格指数增长负3.9%。", -3.9, None, "%"),
        ("利润总额-22.2%，降幅收窄。", -22.2, None, "%"),
        ("进出口总额增长-5.6%。", -5.6, None, "%"),
        ("一季度经济增速为负1.2%。", -1.2, None, "%"),
        # 负 inside a word (税负, 减负) is no sign: the fall comes from 减少 alone
        ("全年再减少企业税负3500亿元左右。", -3.5e11, None, "CNY"),
        ("为中小企业减负120亿元。", 1.2e10, None, "CNY"),
    ],
    "mixed_and_chinese": [
        ("全年地区生产总值达到1.2万亿元。", 1.2e12, None, "CNY"),
        ("城镇新增就业5.95万名。", 59500, None, "person"),
        ("改造老旧小区三千五百户。", 3500, None, "household"),
        ("新增市场主体1亿3千万户。", 130_000_000, None, "count"),
        # 户 counting the firms named right after it (FACTS.md §4: 户 counting firms is a count)
        ("思哲睿等5户企业入选工信部未来产业优秀案例。", 5, None, "count"),
        ("为6.6万户经营主体重塑信用。", 66_000, None, "count"),
        ("30万户居民用上天然气。", 300_000, None, "household"),
        # 个 counting families: households (500个家庭农场 counts farms)
        ("为超1000个孤独症儿童家庭免费提供关爱支持服务。", 1000, None, "household"),
        ("农村免费孕前检查使600万个家庭受益。", 6_000_000, None, "household"),
        ("新建500个家庭农场。", 500, None, "count"),
    ],
}

# quotes (as written) that must give no fact: names and idioms
NOT_FACTS: list[tuple[str, str]] = [
    ("陆家嘴金融城新增企业120家。", "陆家"),
    ("伍家岗区新开工项目45个。", "伍家"),
    ("九台区生产总值增长6%。", "九台"),
    ("五台山景区接待游客增长12%。", "五台"),
    ("着陆场建设顺利完成。", "陆场"),
    ("一方有难、八方支援，抗灾救灾取得胜利。", "八方"),
    ("千方百计稳就业，城镇新增就业1.2万人。", "千方"),
    ("江泽民主席两度访欧，全年进出口增长8%。", "两度"),
    # the parts of an outline the text goes on to list
    ("重点抓好以下14个方面的工作：一是新建保障性住房3万套。", "14个"),
    ("今年要做好下列5项工作，城镇新增就业1.2万人。", "5项"),
]

_TRAD = str.maketrans(
    "长万亿达业产总个项实现约亩区场负点两进国经济发设动规模门数农户质优县农机构务营额兴岗级应",
    "長萬億達業產總個項實現約畝區場負點兩進國經濟發設動規模門數農戶質優縣農機構務營額興崗級應",
)
_FULL = str.maketrans("0123456789%-.", "０１２３４５６７８９％－．")


def _variants(s: str) -> list[str]:
    return [s, s.translate(_FULL), s.translate(_TRAD)]


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def _facts(text: str) -> list[workreport.Fact]:
    facts = workreport.extract(Document(text=text))
    for f in facts:
        assert text[f.start : f.end] == f.quote
    return facts


@pytest.mark.parametrize(
    ("cls", "case", "form"),
    [(c, case, k) for c, cases in CLASSES.items() for case in cases for k in range(3)],
)
def test_number_form(cls: str, case: Case, form: int) -> None:
    sentence, value, value_max, unit = case
    text = _variants(sentence)[form]
    facts = _facts(text)
    hits = [f for f in facts if _close(f.value, value) and f.unit == unit and _close(f.value_max, value_max)]
    got = [(f.quote, f.value, f.value_max, f.unit) for f in facts]
    assert hits, f"{cls}: {text!r} gave {got}"
    if value_max is not None:
        assert hits[0].comparator == "range"


@pytest.mark.parametrize(("sentence", "quote"), NOT_FACTS)
@pytest.mark.parametrize("form", range(3))
def test_names_and_idioms_are_no_facts(sentence: str, quote: str, form: int) -> None:
    text = _variants(sentence)[form]
    written = _variants(quote)[form]
    facts = _facts(text)
    assert not [f for f in facts if written in f.quote or f.quote in written], (text, facts)
    assert facts or "有难" in sentence or "着陆" in sentence  # the real figure is still found


@pytest.mark.parametrize(
    ("numeral", "low", "high"),
    [("五六十", 50, 60), ("二三十", 20, 30), ("十五六", 15, 16), ("三四百万", 3_000_000, 4_000_000),
     ("一百五六十", 150, 160), ("两三千", 2000, 3000), ("百分之五六十", 50, 60)],
)  # fmt: skip
def test_approximate_numerals(numeral: str, low: int, high: int) -> None:
    assert parse_approximate(numeral) == (low, high)
    assert read_numeral(numeral) == (low, high)


def test_exact_numerals_stay_exact() -> None:
    assert read_numeral("二〇二二") == (2022, None)
    assert read_numeral("一二三") == (123, None)
    assert read_numeral("三四") == (3, 4)  # a bare pair of neighbours is approximate


# Thousands separators: ASCII ``,`` anywhere, and the full-width ``，`` between full-width digits
# grouped by threes (older reports: ３，９８９亿斤); one number, never two.
THOUSANDS: list[tuple[str, str, float, str]] = [
    ("粮食产量将要达到３，９８９亿斤。", "３，９８９亿斤", 3989e8, "斤"),
    ("粮食产量将要达到3,989亿斤。", "3,989亿斤", 3989e8, "斤"),
    ("粮食產量將要達到３，９８９億斤。", "３，９８９億斤", 3989e8, "斤"),
    ("粮食产量达到３,９８９亿斤。", "３,９８９亿斤", 3989e8, "斤"),
    ("本年收入合计２７，２０３，３１９，０００元，完成预算。", "２７，２０３，３１９，０００元", 27_203_319_000, "CNY"),
    ("新建铁路铺轨１，２２２公里，比上年增加。", "１，２２２公里", 1222, "km"),
    ("小学在校学生达到５，３１０万人，比上年增加。", "５，３１０万人", 53_100_000, "person"),
]


@pytest.mark.parametrize(("sentence", "quote", "value", "unit"), THOUSANDS)
def test_thousands_separators(sentence: str, quote: str, value: float, unit: str) -> None:
    facts = _facts(sentence)
    got = [(f.quote, f.value, f.unit) for f in facts]
    assert [(f.quote, f.unit) for f in facts if _close(f.value, value)] == [(quote, unit)], got


@pytest.mark.parametrize(
    "sentence",
    ["城镇新增就业１，２万人。", "两项指标分别为１，２３４５个。", "实现１２３４，５６７项目。"],
)
def test_comma_that_is_no_thousands_separator(sentence: str) -> None:
    """A full-width comma not followed by exactly three full-width digits is a clause break."""
    facts = _facts(sentence)
    assert all("，" not in f.quote for f in facts), [(f.quote, f.value) for f in facts]


# What each figure must read as: its quote exactly, value (and top of a range), unit, measure
# and comparator. Comparator words around a word form belong to it as to a number's (近两倍,
# 1/3以上); N成 after a verb is a change; a range after a down verb is negative at both ends,
# low to high, and a magnitude or percent word written once holds for both ends.
class Read(NamedTuple):
    sentence: str
    quote: str
    value: float
    value_max: float | None
    unit: str
    measure: str
    comparator: str


READS: dict[str, list[Read]] = {
    "tenths": [
        Read("全市工业企业上云率近六成。", "近六成", 60, None, "%", "share", "~"),
        Read("绿电装机占比超三成。", "超三成", 30, None, "%", "share", ">="),
        Read("近两成企业实现扭亏。", "近两成", 20, None, "%", "share", "~"),
        Read("新兴市场贡献约7成。", "约7成", 70, None, "%", "share", "~"),
        Read("民营经济占比达到六成。", "六成", 60, None, "%", "share", "="),
        Read("研发人员比例为三成。", "三成", 30, None, "%", "share", "="),
        Read("五年生产原煤占全国近三成。", "近三成", 30, None, "%", "share", "~"),
        Read("粮食产量占全省三成以上。", "三成以上", 30, None, "%", "share", ">="),
        Read("外贸进出口下降超3成。", "超3成", -30, None, "%", "growth", "<="),
        Read("农特产品销售增长近四成。", "近四成", 40, None, "%", "growth", "~"),
        Read("轻轨改造后高峰运力提升四成。", "四成", 40, None, "%", "growth", "="),
        Read("工业增加值比2020年增加五成以上。", "五成以上", 50, None, "%", "growth", ">="),
        Read("进出口总额增长一成半。", "一成半", 15, None, "%", "growth", "="),  # a half after 成: 5 more
        Read("服务业增加值增长两成五。", "两成五", 25, None, "%", "growth", "="),  # a digit after 成: tenths
        Read("九成五以上的群众对服务表示满意。", "九成五以上", 95, None, "%", "share", ">="),
    ],
    "multiples_and_fractions": [
        Read("支持社会事业发展的国债投资增长近两倍。", "近两倍", 200, None, "%", "growth", "~"),
        Read("新型储能装机增长超12倍。", "超12倍", 1200, None, "%", "growth", ">="),
        Read("参保人数比上年增加将近一倍。", "将近一倍", 100, None, "%", "growth", "~"),
        Read("专项转移支付项目压减1/3以上。", "1/3以上", -100 / 3, None, "%", "growth", "<="),
        Read("合作社农户的比重将达到三分之一左右。", "三分之一左右", 100 / 3, None, "%", "share", "~"),
        Read("企业开办时间缩短近三分之一。", "近三分之一", -100 / 3, None, "%", "growth", "~"),
    ],
    "units_and_counts": [
        Read("光伏装机达到10GW。", "10GW", 10000, None, "MW", "level", "="),
        Read("出口额增长两倍半。", "两倍半", 250, None, "%", "growth", "="),
        Read("特困人员救助供养标准不低于当地低保标准的1.3倍。", "1.3倍", 130, None, "%", "share", ">="),
        Read("房价收入比不超过全国平均水平的1.2倍。", "1.2倍", 120, None, "%", "share", "<="),
        Read("工业总产值相当于上年的1.3倍。", "1.3倍", 130, None, "%", "share", "="),
        Read("重点城市重污染天数减少一半。", "一半", -50, None, "%", "growth", "="),
        Read("货物通关时间平均缩短一半以上。", "一半以上", -50, None, "%", "growth", "<="),
        Read("超过一半的县实现整县推进。", "超过一半", 50, None, "%", "share", ">="),
        Read("技术交易额翻了一番。", "翻了一番", 100, None, "%", "growth", "="),
        Read("新增新型储能500MW。", "500MW", 500, None, "MW", "level", "="),
        Read("新能源电池产能55GWh。", "55GWh", 55e6, None, "千瓦时", "level", "="),
        Read("全年飞行2061万架次。", "2061万架次", 20_610_000, None, "count", "level", "="),
        Read("邮轮母港接待邮轮91艘次。", "91艘次", 91, None, "count", "level", "="),
        Read("开行中欧班列4000班次。", "4000班次", 4000, None, "count", "level", "="),
        Read("集装箱吞吐量达到1200万TEU。", "1200万TEU", 12_000_000, None, "标箱", "level", "="),
        Read("急救平均反应时间缩短至12分钟以内。", "12分钟以内", 12, None, "分钟", "level", "<="),
        Read("企业开办时间压缩至3个工作日。", "3个工作日", 3, None, "工作日", "level", "="),
        Read("新建商品房销售面积连续13个月正增长。", "13个月", 13, None, "月", "level", "="),
    ],
    "ranges": [
        Read("城镇登记失业率下降5—6个百分点。", "5—6个百分点", -6, -5, "pp", "change_pp", "range"),
        Read("能耗下降5%—6%。", "5%—6%", -6, -5, "%", "growth", "range"),
        Read("全年减少企业负担10—20亿元。", "10—20亿元", -2e9, -1e9, "CNY", "change", "range"),
        Read("调查失业率下降0.5到1个百分点。", "0.5到1个百分点", -1, -0.5, "pp", "change_pp", "range"),
        Read("国民经济增長速度为百分之八至九。", "百分之八至九", 8, 9, "%", "growth", "range"),
        Read("人均纯收入每年增长百分之四至百分之五。", "百分之四至百分之五", 4, 5, "%", "growth", "range"),
        Read("小麦最低收购价每50公斤提高5到7元。", "5到7元", 5, 7, "CNY", "change", "range"),
        Read("转移农村劳动力10—20万人。", "10—20万人", 100_000, 200_000, "person", "level", "range"),
        Read("转移农村劳动力十至二十万人。", "十至二十万人", 100_000, 200_000, "person", "level", "range"),
        Read("项目总投资三至五千万元。", "三至五千万元", 3e7, 5e7, "CNY", "level", "range"),
        Read("再把一、二千万亩粮田改种薯类。", "一、二千万亩", 1e7, 2e7, "mu", "level", "range"),
        Read("每年多耗电二、三百亿度。", "二、三百亿度", 2e10, 3e10, "千瓦时", "level", "range"),
    ],
    "lists": [  # a unit or magnitude written once, after the last number of a list, holds for each
        Read("两项投资增速分别高于全国12.7个、12个百分点。", "12.7个", 12.7, None, "pp", "change_pp", "="),
        Read("城乡居民收入增速分别提高0.5、0.3个百分点。", "0.5", 0.5, None, "pp", "change_pp", "="),
        Read("两市常住人口分别达到120、150万人。", "120", 1_200_000, None, "person", "level", "="),
        Read("单日最高客运量分别达1409万、1305万人次。", "1409万", 14_090_000, None, "person_time", "level", "="),
    ],
    "comparator_words": [  # written right before the number, they belong to its quote
        Read("城镇登记失业率低于4.6%。", "低于4.6%", 4.6, None, "%", "share", "<="),
        Read("力争财政赤字少于三十亿元。", "少于三十亿元", 3e9, None, "CNY", "level", "<="),
        Read("全年降水量不到500毫米。", "不到500毫米", 500, None, "毫米", "level", "<="),
        Read("常住人口不足1000人的村。", "不足1000人", 1000, None, "person", "level", "<="),
        Read("每人平均至少一千五百斤粮食。", "至少一千五百斤", 1500, None, "斤", "level", ">="),
        Read("年平均气温高于18.5℃。", "高于18.5℃", 18.5, None, "℃", "level", ">="),
    ],
    "marks_reached": [  # a verb of reaching a mark bounds an amount; how many marks is a count
        Read("服务业增加值跨上3万亿元台阶。", "3万亿元", 3e12, None, "CNY", "level", ">="),
        Read("全省地区生产总值历史性迈上4000亿元台阶。", "4000亿元", 4e11, None, "CNY", "level", ">="),
        Read("地区生产总值跨越3个千亿元台阶。", "3个", 3, None, "count", "level", "="),
    ],
    "more_than": [  # 多, 余 and 几 after a numeral, or inside it before its multiplier: at least it
        Read("全年新增就业千余人。", "千余人", 1000, None, "person", "level", ">="),
        Read("培训返乡创业人员万余人次。", "万余人次", 10_000, None, "person_time", "level", ">="),
        Read("实施百余个重点项目。", "百余个", 100, None, "count", "level", ">="),
        Read("引进十几家科技企业。", "十几家", 10, None, "count", "level", ">="),
        Read("全年培训农民二十几万人次。", "二十几万人次", 200_000, None, "person_time", "level", ">="),
        Read("常住人口城镇化率提高2个多百分点。", "2个多百分点", 2, None, "pp", "change_pp", ">="),
        Read("出口额增长百分之三十几。", "百分之三十几", 30, None, "%", "growth", ">="),
        Read("百分之五十多的企业实现盈利。", "百分之五十多", 50, None, "%", "share", ">="),
    ],
    "changes": [  # 提高 (not 提高到) with an amount: the amount is the change
        Read("城乡居民基础养老金最低标准提高20元。", "20元", 20, None, "CNY", "change", "="),
        Read("失业保险金标准每月提高165元。", "165元", 165, None, "CNY", "change", "="),
        Read("人均预期寿命再提高1.5岁。", "1.5岁", 1.5, None, "岁", "change", "="),
        Read("低保标准提高到每月800元。", "800元", 800, None, "CNY", "level", "="),
    ],
    "ranks": [
        Read("地方一般公共预算收入增速居全国第八。", "第八", 8, None, "rank", "rank", "="),
        Read("新能源汽车产量位列全国第12。", "第12", 12, None, "rank", "rank", "="),
        Read("新增本外币贷款连续4年保持全国首位。", "首位", 1, None, "rank", "rank", "="),
        Read("进出口规模稳居全国第二。", "第二", 2, None, "rank", "rank", "="),
        Read("出口额跃居世界第一位。", "第一位", 1, None, "rank", "rank", "="),
    ],
    "round_magnitudes": [
        Read("同我国建立外交关系的国家达到近百个。", "近百个", 100, None, "count", "level", "~"),
        Read("出境旅游近亿人次。", "近亿人次", 1e8, None, "person_time", "level", "~"),
        Read("海铁联运班列突破万列。", "突破万列", 10_000, None, "count", "level", ">="),
        Read("中欧班列开行超万列。", "超万列", 10_000, None, "count", "level", ">="),
        Read("上千家企业参加。", "上千家", 1000, None, "count", "level", ">="),
        Read("加固近千公里的长江干堤。", "近千公里", 1000, None, "km", "level", "~"),
    ],
}


@pytest.mark.parametrize(
    ("cls", "read", "form"),
    [(c, read, k) for c, reads in READS.items() for read in reads for k in range(3)],
)
def test_figure_reads_as(cls: str, read: Read, form: int) -> None:
    text, written = _variants(read.sentence)[form], _variants(read.quote)[form]
    facts = _facts(text)
    hits = [f for f in facts if f.quote == written]
    assert hits, (cls, text, [(f.quote, f.value) for f in facts])
    f = hits[0]
    got = (f.unit, f.measure, f.comparator)
    assert _close(f.value, read.value) and _close(f.value_max, read.value_max), (cls, text, f)
    assert got == (read.unit, read.measure, read.comparator), (cls, text, f)


# what must give no figure, or no figure of the kind named
NO_FIGURE: list[tuple[str, str]] = [
    ("三成集团年产值增长。", "成"),  # N成 with no cue: a name as often as a share
    ("他们七八成都同意。", "成"),
    ("坚持发展第一要务。", "第一"),  # first of a series: no rank
    ("入选第一批试点。", "第一"),
    ("居第二个台阶。", "第二"),
    ("近百年来成就辉煌。", "百"),  # a round magnitude with no unit of an amount
    ("经过百家企业调查。", "百"),  # 经过: a verb
    ("百余年来砥砺奋进。", "百"),  # 余 makes no amount of 年
    ("新建15分钟便民生活圈。", "分钟"),  # a time before 圈 names an area
    ("打造1小时通勤圈和半小时经济圈。", "小时"),
    ("已经一年零三个月了。", "三个月"),  # 零 joins the number before it
    ("另一半资金由省级财政承担。", "一半"),
    ("新增年销售收入超亿元的企业100家。", "亿"),  # a threshold that defines what is counted
]


@pytest.mark.parametrize(("sentence", "part"), NO_FIGURE)
def test_no_figure(sentence: str, part: str) -> None:
    assert not [f for f in _facts(sentence) if part in f.quote], _facts(sentence)


@pytest.mark.parametrize(
    ("sentence", "quotes"),
    [("新建5G基站2万个。", ["2万个"]), ("创建A3级景区12家。", ["12家"]), ("建成3D打印产业园2个。", ["2个"])],
)
def test_a_number_before_letters_that_are_no_unit_is_a_code(sentence: str, quotes: list[str]) -> None:
    assert [f.quote for f in _facts(sentence)] == quotes


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        ("社会商品零售额今年预计将增长9%。", "社会商品零售额"),
        ("进出口贸易总额将达到855亿元。", "进出口贸易总额"),
        ("我国大陆总人口即将达到十一亿。", "我国大陆总人口"),
    ],
)
def test_the_words_of_the_future_are_no_part_of_a_label(sentence: str, label: str) -> None:
    assert [f.indicator for f in _facts(sentence)] == [label]


def test_a_year_after_to_ends_no_range() -> None:
    text = "工业产值的比重将由一九五二年的百分之三十九点七到一九五七年上升为百分之四十五点四。"
    assert "百分之三十九点七" in [f.quote for f in _facts(text)]
