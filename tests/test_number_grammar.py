"""Report-like sentences built from parts, each with a number whose reading the test knows.

A sentence is: an optional lead clause (a place name, an idiom, a cue), a subject, a verb,
one number in some written form (Arabic, Chinese, mixed, full-width, approximate, fraction,
per mille, percent words, multiples, signs, ranges) and a tail, with the number at the
start, in the middle or at the end of its sentence or clause. ``extract`` must not raise,
every span must be exact, and the generated number must be found with its value, unit and
sign.
"""

from __future__ import annotations

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


def _dec(whole: int, tenth: int) -> float:
    return whole + tenth / 10


@st.composite
def numbers(draw: st.DrawFn) -> Num:
    form = draw(st.sampled_from(
        ["pct", "pct_word", "pct_word_arabic", "per_mille", "per_mille_sign", "amount", "amount_cn",
         "amount_mixed", "count", "count_cn", "times", "approx", "range", "signed", "fraction"]
    ))  # fmt: skip
    w, t = draw(st.integers(1, 99)), draw(st.integers(1, 9))
    if form == "pct":
        return Num(f"{w}.{t}%", _dec(w, t), "%")
    if form == "pct_word":
        return Num(f"百分之{to_chinese(w)}点{_CN_DIGITS[t]}", _dec(w, t), "%")
    if form == "pct_word_arabic":
        return Num(f"百分之{w}.{t}", _dec(w, t), "%")
    if form == "per_mille":
        return Num(f"千分之{to_chinese(t)}点{_CN_DIGITS[w % 9 + 1]}", _dec(t, w % 9 + 1) / 10, "%")
    if form == "per_mille_sign":
        return Num(f"{t}.{w % 9 + 1}‰", _dec(t, w % 9 + 1) / 10, "%")
    if form == "amount":
        return Num(f"{w}.{t}亿元", _dec(w, t) * 1e8, "CNY", kind="amount")
    if form == "amount_cn":
        n = draw(st.integers(11, 9999))
        return Num(f"{to_chinese(n, liang=draw(st.booleans()))}万元", n * 1e4, "CNY", kind="amount")
    if form == "amount_mixed":
        return Num(f"{t}.{w % 9 + 1}万亿元", _dec(t, w % 9 + 1) * 1e12, "CNY", kind="amount")
    if form == "count":
        n = draw(st.integers(11, 5000))
        return Num(f"{n}个", n, "count", kind="count")
    if form == "count_cn":
        n = draw(st.integers(11, 999))
        return Num(f"{to_chinese(n)}家", n, "count", kind="count")
    if form == "times":
        return Num(f"{to_chinese(t)}点{_CN_DIGITS[w % 9 + 1]}倍", _dec(t, w % 9 + 1) * 100, "%")
    if form == "approx":
        d = draw(st.integers(1, 8))
        return Num(f"{_CN_DIGITS[d]}{_CN_DIGITS[d + 1]}十家", d * 10, "count", (d + 1) * 10, kind="count")
    if form == "range":
        return Num(f"{t}%—{t + w % 5 + 1}%", t, "%", t + w % 5 + 1)
    if form == "signed":
        return Num(draw(st.sampled_from(["-", "负"])) + f"{w}.{t}%", -_dec(w, t), "%")
    return Num(f"{t}/{t + w}", t / (t + w) * 100, "%")  # fraction


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
def sentences(draw: st.DrawFn) -> tuple[str, int, Num]:
    """(sentence, where the number starts, the number)."""
    num = draw(numbers())
    written = num.text.translate(_FULL) if draw(st.booleans()) else num.text
    lead = draw(st.sampled_from(LEADS))
    tail = draw(st.sampled_from(TAILS))
    position = draw(st.sampled_from(["middle", "end", "clause_start"]))
    if position == "clause_start" and num.kind in ("amount", "count") and num.value_max is None:
        head = (lead.rstrip("，") + "，") if lead else ""
        rest = {"amount": "用于保障和改善民生", "count": "项目开工建设"}[num.kind]
        return head + written + rest + "。", len(head), num
    subject = draw(st.sampled_from(SUBJECTS[num.kind]))
    verb = draw(st.sampled_from(VERBS[num.kind]))
    head = lead + subject + verb
    end = "。" if position == "end" else tail + "。"
    return head + written + end, len(head), num


def _sign_of_verb(sentence: str, at: int) -> int:
    return -1 if sentence[:at].endswith(("下降", "减少")) else 1


@settings(max_examples=150, deadline=None)
@given(sentences())
def test_generated_number_is_read(case: tuple[str, int, Num]) -> None:
    sentence, at, num = case
    facts = workreport.extract(Document(text=sentence))
    for f in facts:
        assert sentence[f.start : f.end] == f.quote
    end = at + len(num.text)
    near = [f for f in facts if f.start < end and f.end > at]
    assert near, (sentence, facts)
    sign = _sign_of_verb(sentence, at)
    ok = [
        f
        for f in near
        if f.unit == num.unit
        and abs(f.value - sign * num.value) <= 1e-6 * max(1.0, abs(num.value))
        and (
            num.value_max is None
            or (
                f.value_max is not None and abs(f.value_max - num.value_max) <= 1e-6 * max(1.0, num.value_max)
            )
        )
    ]
    assert ok, (sentence, [(f.quote, f.value, f.value_max, f.unit) for f in near])


@settings(max_examples=60, deadline=None)
@given(st.lists(sentences(), min_size=2, max_size=6))
def test_generated_paragraph_never_raises(cases: list[tuple[str, int, Num]]) -> None:
    text = "".join(s for s, _, _ in cases)
    for f in workreport.extract(Document(text=text)):
        assert text[f.start : f.end] == f.quote
