"""normalise(): what it folds, and that it never moves an offset."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workreport.pipeline.normalise import cjk_count, fold_char, is_cjk, normalise, translation_table


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("增长８．５％", "增长8.5%"),
        ("２０２４年", "2024年"),
        ("8 ．8 ％", "8 .8 %"),  # as spaced in some scanned national reports
        ("1．总体要求", "1．总体要求"),  # ． outside a number stays
        ("（一）ＧＤＰ：增长５％；", "(一)GDP:增长5%;"),
        ("１／４，＋３，－２！？", "1/4，+3，-2!?"),  # ，stays the Chinese comma
        ("省长\u3000王某\u00a0说", "省长 王某 说"),
        ("发展。、，", "发展。、，"),
        ("价格<U+00A0>上涨&nbsp;2%", "价格        上涨      2%"),  # written-out spaces fold to as many spaces
        ("發展", "发展"),
        ("經濟", "经济"),
        ("億元", "亿元"),
        ("萬人", "万人"),
        ("國內生產總值", "国内生产总值"),
        ("不低於5%，以後", "不低于5%，以后"),
        ("乾隆年间种蒜薹，哪吒显著", "乾隆年间种蒜薹，哪吒显著"),  # valid simplified text is not touched
        ("一\r\n二\r三\n", "一\r\n二\r三\n"),
    ],
)
def test_cases(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_helpers() -> None:
    assert fold_char("發") == "发"
    assert fold_char("０") == "0"
    assert is_cjk("国") and is_cjk("〇") and is_cjk("𠀀")
    assert not is_cjk("5") and not is_cjk("，")
    assert cjk_count("二〇二四年GDP增长5%") == 7


def test_table_is_one_to_one_and_closed() -> None:
    table = translation_table()
    assert all(0 <= v < 0x110000 for v in table.values())
    assert not set(table.values()) & set(table)  # no chains: a second pass changes nothing


INTERESTING = st.sampled_from(list("０９．。，％ 8 .發國经\u3000\u00a0\r\n（）＋－"))


@given(st.text() | st.text(INTERESTING))
def test_length_preserved(text: str) -> None:
    assert len(normalise(text)) == len(text)


@given(st.text() | st.text(INTERESTING))
def test_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


def test_translation_string_maps_as_the_table() -> None:
    """The string ``normalise`` translates with maps every code point as the table does, those
    above its end (left alone) and lone surrogates included."""
    from workreport.pipeline.normalise import _translation_string, translation_table

    table = translation_table()
    every = "".join(map(chr, range(max(table) + 500)))
    assert every.translate(_translation_string()) == every.translate(table)
    assert len(_translation_string()) == max(table) + 1
