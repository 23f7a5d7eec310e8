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


def test_fold_is_the_translation_sparse_dense_and_astral() -> None:
    """``_fold`` replaces only the mapped characters a scan finds, or translates a text dense
    with them whole: both ways give what ``str.translate`` with the table gives, for every
    code point (astral ones and lone surrogates too) and every density."""
    import random

    from workreport.pipeline.normalise import _SAMPLE, _fold, translation_table

    table = translation_table()
    mapped = sorted(table)
    every = "".join(map(chr, range(0x110000)))
    assert _fold(every) == every.translate(table)
    rnd = random.Random(5)
    plain = "国家经济增长5%的目标abc𠀀\n"
    for density in (0.0, 0.002, 0.05, 0.2, 0.9, 1.0):
        for size in (0, 1, 50, _SAMPLE - 1, _SAMPLE + 1, 3 * _SAMPLE):
            text = "".join(
                chr(rnd.choice(mapped)) if rnd.random() < density else rnd.choice(plain) for _ in range(size)
            )
            assert _fold(text) == text.translate(table), (density, size)
    # dense only after the sample, and sparse only after a dense sample: still exact
    head, tail = "发展" * _SAMPLE, "".join(chr(c) for c in mapped[:5000])
    assert _fold(head + tail) == (head + tail).translate(table)
    assert _fold(tail + head) == (tail + head).translate(table)
