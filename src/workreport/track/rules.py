"""The rating rules of TRACK.md §2 as pure functions of a target and an outcome.

The thresholds are data (``rules/tracking.toml``) and documented in the README."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from workreport import rules

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


def rate(target: Bound, outcome: Bound) -> tuple[str, str]:
    """``(status, rule)`` for one target and one outcome: met, partly or missed."""
    about, partly, units = _tolerances(target)
    lower = lower_is_better(target)
    value = outcome.value
    t = target.value
    cmp = target.comparator
    if cmp == "range":
        t = target.value_max if (lower and target.value_max is not None) else target.value
    if cmp == "<=" or (cmp in ("=", "~", "range") and lower):
        # a ceiling: met at or below it
        limit = t + (about if cmp == "~" else 0.0)
        shortfall = value - limit
        rule = f"{cmp} {t:g}: met if outcome <= {limit:g}"
    else:
        limit = t - (about if cmp == "~" else 0.0)
        shortfall = limit - value
        rule = f"{cmp} {t:g}: met if outcome >= {limit:g}"
    if shortfall <= 1e-9:
        return "met", rule
    if shortfall <= partly + 1e-9:
        return "partly", f"{rule}; partly if short by at most {partly:g} {units}"
    return "missed", f"{rule}; missed when short by more than {partly:g} {units}"
