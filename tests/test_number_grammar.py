"""Report-like sentences built from parts, each with a number whose reading the test knows.

A sentence is: an optional lead clause (a place name, an idiom, a cue), a subject, a verb,
one number in some written form (Arabic, Chinese, mixed, full-width, approximate, fraction,
per mille, percent words, multiples, tenths, signs, ranges, units in Latin letters, round
magnitudes), often with a comparator word before it, and a tail, with the number at the
start, in the middle or at the end of its sentence or clause, after an up or a down verb.
``extract`` must not raise, every span must be exact, and the generated number must be found
with its value, unit, sign and comparator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

import workreport
from workreport import Document
from workreport.pipeline.numerals import to_chinese

_CN_DIGITS = "零一二三四五六七八九"
_FULL = str.maketrans("0123456789%-.", "０１２３４５６７８９％－．")


@dataclass(frozen=True)
class Num:
    """A number as written and what it must read as."""

    text: str
    value: float
    unit: str
    value_max: float | None = None
    kind: str = "percent"  # percent | amount | count: which verbs and positions fit
    falls: bool = False  # may follow a down verb (下降5%, 下降0.5到1个百分点): read negative
    prefixed: bool = True  # a comparator word may stand before it (近5%, 超过12个)
    comparator: str | None = None  # the comparator its own words give (九十余个: >=), if any


def _dec(whole: int, tenth: int) -> float:
    return whole + tenth / 10


def _amount_cn(draw: st.DrawFn, w: int, t: int) -> Num:
    n = draw(st.integers(11, 9999))
    return Num(f"{to_chinese(n, liang=draw(st.booleans()))}万元", n * 1e4, "CNY", kind="amount")


def _approx(draw: st.DrawFn, w: int, t: int) -> Num:
    d = draw(st.integers(1, 8))
    return Num(f"{_CN_DIGITS[d]}{_CN_DIGITS[d + 1]}十家", d * 10, "count", (d + 1) * 10, kind="count", prefixed=False)


def _round(draw: st.DrawFn, w: int, t: int) -> Num:
    word, value = draw(st.sampled_from([("百个", 100), ("千家", 1000), ("万个", 10_000)]))
    return Num(word, value, "count", kind="count", prefixed=False)


def _pct_word_range(draw: st.DrawFn, w: int, t: int) -> Num:
    a = w % 20 + 1
    return Num(f"百分之{to_chinese(a)}至{to_chinese(a + 1)}", a, "%", a + 1, falls=True, prefixed=False)


def _more_than(draw: st.DrawFn, w: int, t: int) -> Num:
    word = draw(st.sampled_from(["多", "余", "几"]))
    return Num(f"{to_chinese(t * 10)}{word}个", t * 10, "count", kind="count", prefixed=False, comparator=">=")


def _bare_more(draw: st.DrawFn, w: int, t: int) -> Num:
    word, value = draw(st.sampled_from([("百余个", 100), ("千余家", 1000), ("万余个", 10_000)]))
    return Num(word, value, "count", kind="count", prefixed=False, comparator=">=")


# each written form: (draw, a whole number 1-99, a digit 1-9) -> the number as written and read
FORMS: dict[str, Callable[[st.DrawFn, int, int], Num]] = {
    "pct": lambda d, w, t: Num(f"{w}.{t}%", _dec(w, t), "%", falls=True),
    "pct_word": lambda d, w, t: Num(f"百分之{to_chinese(w)}点{_CN_DIGITS[t]}", _dec(w, t), "%"),
    "pct_word_arabic": lambda d, w, t: Num(f"百分之{w}.{t}", _dec(w, t), "%"),
    "per_mille": lambda d, w, t: Num(
        f"千分之{to_chinese(t)}点{_CN_DIGITS[w % 9 + 1]}", _dec(t, w % 9 + 1) / 10, "%"
    ),
    "per_mille_sign": lambda d, w, t: Num(f"{t}.{w % 9 + 1}‰", _dec(t, w % 9 + 1) / 10, "%"),
    "amount": lambda d, w, t: Num(f"{w}.{t}亿元", _dec(w, t) * 1e8, "CNY", kind="amount"),
    "amount_cn": _amount_cn,
    "amount_mixed": lambda d, w, t: Num(f"{t}.{w % 9 + 1}万亿元", _dec(t, w % 9 + 1) * 1e12, "CNY", kind="amount"),
    "count": lambda d, w, t: Num(f"{w * 50 + t}个", w * 50 + t, "count", kind="count"),
    "count_cn": lambda d, w, t: Num(f"{to_chinese(w * 10 + t)}家", w * 10 + t, "count", kind="count"),
    "times": lambda d, w, t: Num(f"{to_chinese(t)}点{_CN_DIGITS[w % 9 + 1]}倍", _dec(t, w % 9 + 1) * 100, "%"),
    "approx": _approx,
    "range": lambda d, w, t: Num(f"{t}%—{t + w % 5 + 1}%", t, "%", t + w % 5 + 1, falls=True, prefixed=False),
    "signed": lambda d, w, t: Num(
        d(st.sampled_from(["-", "负"])) + f"{w}.{t}%", -_dec(w, t), "%", prefixed=False
    ),
    "fraction": lambda d, w, t: Num(f"{t}/{t + w}", t / (t + w) * 100, "%", prefixed=False),
    "tenths": lambda d, w, t: Num(f"{_CN_DIGITS[t]}成", t * 10, "%", falls=True),
    "pct_word_range": _pct_word_range,
    "pp_range": lambda d, w, t: Num(f"0.{t}到1个百分点", t / 10, "pp", 1.0, falls=True, prefixed=False),
    "latin_unit": lambda d, w, t: Num(f"{w}.{t}GW", _dec(w, t) * 1000, "MW", kind="amount"),
    "round": _round,
    "more_than": _more_than,
    "bare_more": _bare_more,
    "tenths_half": lambda d, w, t: Num(f"{_CN_DIGITS[t]}成半", t * 10 + 5, "%", falls=True),
    "times_half": lambda d, w, t: Num(f"{to_chinese(t)}倍半", t * 100 + 50, "%"),
    "half": lambda d, w, t: Num("一半", 50, "%", falls=True),
    "pct_word_more": lambda d, w, t: Num(
        f"百分之{to_chinese(t * 10)}{d(st.sampled_from(['多', '余', '几']))}",
        t * 10,
        "%",
        falls=True,
        prefixed=False,
        comparator=">=",
    ),
}


@st.composite
def numbers(draw: st.DrawFn) -> Num:
    form = draw(st.sampled_from(sorted(FORMS)))
    return FORMS[form](draw, draw(st.integers(1, 99)), draw(st.integers(1, 9)))


SUBJECTS = {
    "percent": [
        "地区生产总值",
        "规模以上工业增加值",
        "一般公共预算收入",
        "城镇居民人均可支配收入",
        "粮食产量",
    ],
    "amount": ["一般公共预算收入", "社会消费品零售总额", "固定资产投资", "进出口总额"],
    "count": ["新建学校", "新开工重点项目", "新增规上企业", "建成示范村"],
}
VERBS = {"percent": ["增长", "达到", "提高"], "amount": ["达到", "完成", "实现"], "count": ["达到", "共", ""]}
DOWN_VERBS = ["下降", "减少", "降低"]
# comparator words before a number and the comparator they give (FACTS.md §2)
PREFIXES = {"": "=", "近": "~", "约": "~", "超过": ">=", "突破": ">=", "不到": "<=", "至少": ">="}
# a bare round figure needs a comparator word before it: 上千家, 近百个, 超万个
ROUND_PREFIXES = {"上": ">=", "近": "~", "超": ">=", "突破": ">="}
LEADS = [
    "",
    "预计全年",
    "力争",
    "今年",
    "九台区",
    "五台山景区",
    "一方有难、八方支援，",
    "陆家嘴片区",
    "過去一年，",
]
TAILS = ["", "，较上年有所提高", "，力争实现更好结果", "，创历史新高"]


@st.composite
def sentences(draw: st.DrawFn) -> tuple[str, int, Num, str]:
    """(sentence, where the number starts, the number, the comparator it must read as)."""
    num = draw(numbers())
    written = num.text.translate(_FULL) if draw(st.booleans()) else num.text
    comparator = "range" if num.value_max is not None else num.comparator or "="
    if num.prefixed:
        word = draw(st.sampled_from(sorted(PREFIXES)))
        written, comparator = word + written, PREFIXES[word] if word else comparator
    elif num.unit == "count" and num.text[0] in "百千万":
        word = draw(st.sampled_from(sorted(ROUND_PREFIXES)))
        written, comparator = word + written, ROUND_PREFIXES[word]
    lead = draw(st.sampled_from(LEADS))
    tail = draw(st.sampled_from(TAILS))
    position = draw(st.sampled_from(["middle", "end", "clause_start"]))
    if position == "clause_start" and num.kind in ("amount", "count") and comparator == "=":
        head = (lead.rstrip("，") + "，") if lead else ""
        rest = {"amount": "用于保障和改善民生", "count": "项目开工建设"}[num.kind]
        return head + written + rest + "。", len(head), num, comparator
    subject = draw(st.sampled_from(SUBJECTS[num.kind]))
    verb = draw(st.sampled_from(VERBS[num.kind] + (DOWN_VERBS if num.falls else [])))
    head = lead + subject + verb
    end = "。" if position == "end" else tail + "。"
    return head + written + end, len(head), num, comparator


def _sign_of_verb(sentence: str, at: int) -> int:
    return -1 if sentence[:at].endswith(tuple(DOWN_VERBS)) else 1


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


@settings(max_examples=200, deadline=None)
@given(sentences())
def test_generated_number_is_read(case: tuple[str, int, Num, str]) -> None:
    sentence, at, num, comparator = case
    facts = workreport.extract(Document(text=sentence))
    for f in facts:
        assert sentence[f.start : f.end] == f.quote
    near = [f for f in facts if f.start <= at < f.end or at <= f.start < at + len(num.text) + 2]
    assert near, (sentence, facts)
    sign = _sign_of_verb(sentence, at)
    low, high = num.value * sign, None if num.value_max is None else num.value_max * sign
    if high is not None and high < low:
        low, high = high, low  # 下降5%—6%: -6 to -5
    if sign < 0:
        comparator = {">=": "<=", "<=": ">="}.get(comparator, comparator)  # applied to the signed value
    got = [(f.quote, f.value, f.value_max, f.unit, f.comparator) for f in near]
    ok = [f for f in near if f.unit == num.unit and _close(f.value, low) and _close(f.value_max, high)]
    assert ok, (sentence, got)
    assert ok[0].comparator == comparator, (sentence, got)


@settings(max_examples=60, deadline=None)
@given(st.lists(sentences(), min_size=2, max_size=6))
def test_generated_paragraph_never_raises(cases: list[tuple[str, int, Num, str]]) -> None:
    text = "".join(s for s, *_ in cases)
    for f in workreport.extract(Document(text=text)):
        assert text[f.start : f.end] == f.quote
