"""Numbers as a Chinese report writes them: 1.37万亿元, 1100万人, 增长6.5%, 2个百分点, 第6位.

One formatter serves the web pages, the command line tables, the rule texts of the tracker
and the 数读 reading, so a stored value (in its canonical unit, FACTS.md §4) reads the same
everywhere and never as ``1.36975e+12`` or ``90000000000000.0``.

>>> number_text(1369750000000, "CNY")
'1.37万亿元'
>>> number_text(-3.4, "%", "growth")
'下降3.4%'
>>> number_text(5, "%", "growth", "range", 6)
'增长5%—6%'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

# canonical unit id → the word written after the number (FACTS.md §4; rules/units.toml)
UNIT_WORDS: dict[str, str] = {
    "CNY": "元",
    "USD": "美元",
    "EUR": "欧元",
    "person": "人",
    "person_time": "人次",
    "household": "户",
    "mu": "亩",
    "hectare": "公顷",
    "km2": "平方公里",
    "m2": "平方米",
    "km": "公里",
    "m": "米",
    "ton": "吨",
    "steam_ton": "蒸吨",
    "MW": "兆瓦",
    "day": "天",
    "pp": "个百分点",
    "count": "个",
}

# comparator code → the word written after the number (=, range: none)
COMPARATOR_AFTER: dict[str, str] = {">=": "以上", "<=": "以内", "~": "左右", ">": "以上", "<": "以内"}
# a comparator applies to the signed value (FACTS.md §3: 下降3%以上 is growth -3 with <=); a fall
# written as a word and a magnitude turns it round: -3 <= is 下降3%以上
_TURNED = {">=": "<=", "<=": ">=", ">": "<", "<": ">"}


def _after(comparator: str | None, fall: bool) -> str:
    """The word after a number for ``comparator``, the number written as the magnitude of a fall
    (下降, 减少) if ``fall``."""
    code = comparator or "="
    return COMPARATOR_AFTER.get(_TURNED.get(code, code) if fall else code, "")

_SCALES = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))

# units that are never scaled to 万/亿: rates, points, places
_UNSCALED = {"%", "pp", "rank"}


def plain_number(value: float, digits: int = 4) -> str:
    """``value`` rounded to ``digits`` significant digits (at least to a whole number), written
    without exponent or trailing zeros: 1.36975 → '1.37', 90.0 → '90', 12345.6 → '12346'."""
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - magnitude)
    text = f"{round(value, decimals):.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def scaled(value: float, digits: int = 4) -> tuple[str, str]:
    """(number, scale word) for a level: 1.1e7 → ('1100', '万'), 3.42e11 → ('3420', '亿')."""
    size = abs(value)
    for factor, word in _SCALES:
        # 9999.99 would round up to 1万: scale on the rounded value
        if size >= factor * (1 - 0.5 * 10 ** (-digits)):
            return plain_number(value / factor, digits), word
    return plain_number(value, digits), ""


def _unit_word(unit: str | None, classifier: str | None) -> str:
    if unit == "count":
        return classifier or "个"
    if unit is None:
        return ""
    return UNIT_WORDS.get(unit, unit)


def _amount(value: float, unit: str | None, classifier: str | None) -> str:
    """A magnitude with its scale and unit word: 1100万人, 3420亿元, 6.5%, 2个百分点."""
    if unit in _UNSCALED:
        number = plain_number(value)
        return number + ("%" if unit == "%" else "个百分点" if unit == "pp" else "")
    number, scale = scaled(value)
    return number + scale + _unit_word(unit, classifier)


def _range(low: float, high: float, unit: str | None, classifier: str | None) -> str:
    """5%—6%, 1000—1200亿元 (one scale when both ends share it), 1.5—2个百分点."""
    if unit == "%":
        return f"{plain_number(low)}%—{plain_number(high)}%"
    if unit in _UNSCALED:
        return f"{plain_number(low)}—{_amount(high, unit, classifier)}"
    (a, scale_a), (b, scale_b) = scaled(low), scaled(high)
    if scale_a == scale_b:
        return f"{a}—{b}{scale_b}{_unit_word(unit, classifier)}"
    return f"{a}{scale_a}—{_amount(high, unit, classifier)}"


def _signed(measure: str, value: float, body_of: float) -> tuple[str, float]:
    """(word before the number, the magnitude to write) for a measure that carries a sign."""
    if measure == "growth":
        return ("下降" if value < 0 else "增长"), abs(body_of)
    if measure == "change_rank":
        return ("下降" if value < 0 else "提升"), abs(body_of)
    if measure == "change_pp" and value < 0:
        return "下降", abs(body_of)
    if measure == "change" and value < 0:
        return "减少", abs(body_of)
    return "", body_of


def number_text(
    value: float | None,
    unit: str | None = None,
    measure: str | None = "level",
    comparator: str | None = None,
    value_max: float | None = None,
    classifier: str | None = None,
) -> str:
    """A stored value as a Chinese report writes it; empty for None.

    ``unit`` is the canonical unit id (CNY, %, pp, person, count …; None for a bare number),
    ``measure`` what the number measures (growth is written with its sign as a word:
    增长6.5%, 下降3.4%; rank as 第6位; change_rank as 提升10个位次; a negative change as
    减少1000万人), ``comparator`` the target's comparator written as a word (以上, 以内, 左右;
    a range as 5%—6%), applied to the signed value as stored: growth -3.4 with ``<=`` is
    下降3.4%以上, ``classifier`` the counting word of a count (580万套). Levels are
    scaled to 万/亿/万亿 and kept to 4 significant digits, trailing zeros dropped."""
    if value is None:
        return ""
    measure = measure or "level"
    if measure == "rank" or (unit == "rank" and measure != "change_rank"):
        if comparator == "range" and value_max is not None:
            return f"第{plain_number(value)}—{plain_number(value_max)}位"
        text = f"第{plain_number(value)}位"
        return text + _after(comparator, False)
    word, magnitude = _signed(measure, value, value)
    fall = value < 0 and word in ("下降", "减少")
    if measure == "change_rank":
        body = f"{plain_number(magnitude)}个位次"
        if comparator == "range" and value_max is not None:
            body = f"{plain_number(abs(value))}—{plain_number(abs(value_max))}个位次"
        return word + body + _after(comparator, fall)
    if comparator == "range" and value_max is not None:
        if word:
            low, high = sorted((abs(value), abs(value_max)))
        else:
            low, high = value, value_max
        return word + _range(low, high, unit, classifier)
    return word + _amount(magnitude, unit, classifier) + _after(comparator, fall)


def raw_number(value: float | None) -> str:
    """A stored value in full, without exponent or a trailing .0: 1369750000000.0 → '1369750000000'."""
    if value is None:
        return ""
    if not math.isfinite(value):
        return str(value)
    if value == int(value):
        return str(int(value))
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def fact_number_text(item: Mapping[str, Any] | Any, comparator: bool = True) -> str:
    """:func:`number_text` of a fact, target, outcome or commitment (a mapping or an object
    with value, unit, measure, comparator, value_max, classifier); ``comparator=False`` leaves
    the comparator word out."""
    def get(key: str) -> Any:
        return item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)

    cmp = get("comparator")
    if not comparator and cmp != "range":
        cmp = None
    return number_text(get("value"), get("unit"), get("measure"), cmp, get("value_max"), get("classifier"))
