"""The rating rules of TRACK.md §2 as pure functions of a target and an outcome.

The thresholds are data (``rules/tracking.toml``) and documented in the README."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from workreport import rules
from workreport.rules.numbers import number_text, plain_number

RATE_MEASURES_POINTS = ("growth", "share", "change_pp")


@dataclass(frozen=True, slots=True)
class Bound:
    """A target or an outcome as a number with its comparator."""

    value: float
    comparator: str = "="
    value_max: float | None = None
    measure: str = "level"
    indicator_id: str | None = None


@cache
def _rules() -> dict[str, Any]:
    return rules.load("tracking")


@cache
def _lower_is_better_ids() -> frozenset[str]:
    vocabulary = rules.load("indicators")
    return frozenset(k for k, v in vocabulary.items() if isinstance(v, dict) and v.get("better") == "lower")


def lower_is_better(target: Bound) -> bool:
    """Is less better for this target? Ranks, reductions (a negative target: 下降3%, 减少1000万人)
    and the indicators the vocabulary marks ``better = "lower"`` (CPI, energy intensity …)."""
    if target.measure in ("rank",) or target.value < 0:
        return True
    return target.indicator_id in _lower_is_better_ids()


def _tolerances(target: Bound) -> tuple[float, float, str]:
    """(about, partly) in the target's own terms, and how they are written in a rule."""
    r = _rules()
    if target.measure == "rank":
        return float(r["rank"]["about"]), float(r["rank"]["partly"]), "places"
    if target.measure in RATE_MEASURES_POINTS:
        return float(r["points"]["about"]), float(r["points"]["partly"]), "points"
    scale = abs(target.value) or 1.0
    return float(r["relative"]["about"]) * scale, float(r["relative"]["partly"]) * scale, "of the target"


# how a target's comparator is written before its number in a rule
_RULE_WORDS = {">=": "不低于", "<=": "不高于", "~": "约", "=": ""}
# the unit a bound's number is written in, from what it measures (a Bound carries no unit)
_RULE_UNITS = {"growth": "%", "share": "%", "change_pp": "pp"}


def _n(value: float, target: Bound) -> str:
    """A number of a rule as a report writes it: 1100万, 6.5%, 1.37万亿 (no 1.1e+07)."""
    return number_text(value, _RULE_UNITS.get(target.measure))


def _tolerance_text(amount: float, units: str, target: Bound) -> str:
    """0.5 points, 1 point, 2 places, 110万 of the target."""
    if units == "of the target":
        return f"{_n(amount, target)} {units}"
    number = plain_number(amount)
    word = units if number != "1" else units.rstrip("s")
    return f"{number} {word}"


def rate(target: Bound, outcome: Bound) -> tuple[str, str]:
    """``(status, rule)`` for one target and one outcome: met, partly or missed."""
    about, partly, units = _tolerances(target)
    lower = lower_is_better(target)
    value = outcome.value
    t = target.value
    cmp = target.comparator
    if cmp == "range":
        t = target.value_max if (lower and target.value_max is not None) else target.value
        written = number_text(target.value, _RULE_UNITS.get(target.measure), "level", "range", target.value_max)
    else:
        written = _RULE_WORDS.get(cmp, cmp) + _n(t, target)
    if cmp == "<=" or (cmp in ("=", "~", "range") and lower):
        # a ceiling: met at or below it
        limit = t + (about if cmp == "~" else 0.0)
        shortfall = value - limit
        rule = f"{written}: met if outcome <= {_n(limit, target)}"
    else:
        limit = t - (about if cmp == "~" else 0.0)
        shortfall = limit - value
        rule = f"{written}: met if outcome >= {_n(limit, target)}"
    if shortfall <= 1e-9:
        return "met", rule
    if shortfall <= partly + 1e-9:
        return "partly", f"{rule}; partly if short by at most {_tolerance_text(partly, units, target)}"
    return "missed", f"{rule}; missed when short by more than {_tolerance_text(partly, units, target)}"
