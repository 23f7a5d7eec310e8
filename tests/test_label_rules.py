"""Label rules, one class at a time (FACTS.md §2 `indicator`, §6; issue 10 item 4).

Each case is a sentence written in the style of a work report (invented, not taken from the
shared corpus), the quote of one of its figures and what the label must and must not hold.
The label accuracy of FACTS.md §6 compares bags of characters, so the cases check words, not
exact strings.
"""

from __future__ import annotations

import pytest

import workreport
from workreport import Document

PLAN = "2026年政府工作报告\n一、2025年工作回顾\n二、2026年工作安排\n"

# (sentence, quote, words the label must hold, words it must not hold)
Case = tuple[str, str, tuple[str, ...], tuple[str, ...]]

CASES: dict[str, list[Case]] = {
    # a clause with no subject of its own names what the clause before it acts on
    "subjectless_clause": [
        ("加快建设“云链通”服务平台二期，全年入驻企业800家以上、撮合交易60亿元以上。",
         "800家以上", ("云链通", "入驻企业"), ()),
        ("加快建设“云链通”服务平台二期，全年入驻企业800家以上、撮合交易60亿元以上。",
         "60亿元以上", ("云链通", "撮合交易"), ()),
        ("稳定开行西部陆海新通道班列，共发运1200列、货值48亿元。",
         "1200列", ("班列", "发运"), ()),
        ("壮大农产品冷链物流，拓展东盟方向冷链专线，全年运营20条以上。",
         "20条以上", ("冷链", "运营"), ()),
    ],
    # a rank or a move within a group (在…中) is the subject's, not the group's
    "rank_within_a_group": [
        ("我县营商环境评价排名在全省86个县中从第40位上升至第12位。",
         "第40位", ("营商环境评价排名",), ("从",)),
        ("深化开发区改革，在全省开发区综合考核中提升8个位次。",
         "8个位次", ("开发区",), ()),
    ],
    # examples listed right before the number are elided; what is counted follows the number
    "examples_before_the_number": [
        ("加快推进实验中学、城东小学等12所学校建设。", "12所", ("学校建设",), ("实验中学", "城东小学")),
    ],
    # a list of named items that ends in 等 or 的 and a name: each item is a part of that name
    "list_owned_by_a_name": [
        ("建成东山200兆瓦、西岭80兆瓦等光伏项目。", "200兆瓦", ("东山", "光伏项目"), ()),
        ("建成东山200兆瓦、西岭80兆瓦等光伏项目。", "80兆瓦", ("西岭", "光伏项目"), ("东山",)),
        ("加快打造产值过千亿、税收过百亿的新材料产业园。", "过百亿", ("税收", "新材料产业园"), ()),
    ],
    # an absolute change names its verb; a share cut names what it cuts
    "changes_name_their_verb": [
        ("全市一般公共预算支出680亿元，比上年增加35亿元。", "35亿元", ("一般公共预算支出", "增加"), ()),
        ("本届政府减少1/4行政许可事项的目标提前实现。", "1/4", ("行政许可事项", "减少"), ()),
    ],
    # 的 + a generic word (水平, 幅度) owns no figure; what the 幅度 acts on does
    "generic_owner": [
        ("各部门一律按不低于5%的幅度压减非刚性支出。", "不低于5%", ("非刚性支出",), ("幅度",)),
    ],
    # 分别: items of a list share the last item's head (产量), even an item that names a series alone
    "respectively_shared_head": [
        ("水果、蔬菜、茶叶产量分别达到300万吨、900万吨、12万吨。", "900万吨", ("蔬菜产量",), ()),
        ("棉花、油料产量分别达到35万吨和120万吨。", "35万吨", ("棉花产量",), ()),
    ],
    # words after a number that open its counted object although their first character alone would not
    "counted_object_openers": [
        ("今年，我们将办成12件为民实事。", "12件", ("为民实事",), ("我们",)),
    ],
}


def _label(sentence: str, quote: str) -> str:
    doc = Document(text=PLAN + sentence, path="labels.txt")
    facts = [f for f in workreport.extract(doc) if f.quote == quote]
    assert facts, f"no fact quoted {quote!r} in {sentence!r}"
    return facts[0].indicator


@pytest.mark.parametrize(
    ("sentence", "quote", "holds", "lacks"),
    [case for cases in CASES.values() for case in cases],
    ids=[f"{cls}-{n}" for cls, cases in CASES.items() for n in range(len(cases))],
)
def test_label(sentence: str, quote: str, holds: tuple[str, ...], lacks: tuple[str, ...]) -> None:
    label = _label(sentence, quote)
    for word in holds:
        assert word in label, f"{quote}: label {label!r} lacks {word!r}"
    for word in lacks:
        assert word not in label, f"{quote}: label {label!r} holds {word!r}"


def test_a_word_holding_fu_is_no_minus_sign() -> None:
    """税负 and 减负 hold 负, which is no sign there: the quote starts at the digits."""
    doc = Document(text=PLAN + "全年再减少企业税负800亿元左右。", path="sign.txt")
    (fact,) = [f for f in workreport.extract(doc) if "800" in f.quote]
    assert fact.quote == "800亿元左右" and fact.value == -8e10
