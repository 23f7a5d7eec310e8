"""Which reported outcome answers a target (TRACK.md §1): pure functions, no database.

A target and an outcome match when they measure the same thing in the same place and period:
the same measure, unit and counting word, and either the same indicator id or the same
indicator phrase once verbs, aspect and hedge words, modifiers and list markers are set aside
(`改造棚户区住房` ≈ `棚户区住房改造开工`). Phrases are compared as bags of characters, because
Chinese reorders the same words freely (`城镇新增就业` / `新增城镇就业`). A match records how it
was made; a weak one, or two outcomes that compete, is left for a person with the candidates.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

from workreport import rules
from workreport.track.rules import Bound, rate

# how much of the shorter phrase must be found in the longer for a phrase match, and how close
# a second candidate may come before the two compete
STRONG = 0.75
WEAK = 0.5
COMPETING = 0.15


@dataclass(frozen=True, slots=True)
class Side:
    """A target or an outcome as matching sees it."""

    measure: str
    unit: str
    value: float
    classifier: str | None = None
    indicator_id: str | None = None
    indicator: str | None = None
    context: str | None = None  # the words before the number in its sentence, for short labels


@dataclass(slots=True)
class Choice:
    """The outcome chosen for a target (an index into the candidates), how, and what to review."""

    index: int | None
    how: str | None = None  # id | phrase
    score: float = 0.0
    review: str | None = None  # why a person should decide instead of the rules
    candidates: list[tuple[int, float]] = field(default_factory=list)  # (index, score), best first


@cache
def _noise() -> tuple[re.Pattern[str], frozenset[str]]:
    spec = rules.load("tracking")["phrase"]
    words = sorted(spec["strip_words"], key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))), frozenset(spec["strip_chars"])


def phrase_key(text: str | None) -> Counter[str]:
    """The characters of an indicator phrase that say what is measured, as a bag:
    list markers, hedges, verbs of doing and aspect words, quantifiers and punctuation out.
    The same phrase gives the same bag, shared: read it, do not change it."""
    if not text:
        return Counter()
    return _phrase_key(text)


@lru_cache(maxsize=1 << 16)  # a refresh compares every target with every outcome of its place
def _phrase_key(text: str) -> Counter[str]:
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"^[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[)）]", "", t)
    words, chars = _noise()
    t = words.sub("", t)
    return Counter(
        c for c in t if ("\u4e00" <= c <= "\u9fff" and c not in chars) or (c.isalnum() and c.isascii())
    )


def overlap(a: Counter[str], b: Counter[str]) -> float:
    """How much of the shorter bag is found in the longer one (0 when either has < 2 characters)."""
    size_a, size_b = a.total(), b.total()
    small, large, n = (a, b, size_a) if size_a <= size_b else (b, a, size_b)
    if n < 2:
        return 0.0
    if len(small) == n:  # each character once (most phrases): the characters shared, counted in C
        return len(small.keys() & large.keys()) / n
    # the size of the bags' intersection (small & large), without building it: a refresh
    # compares every target with every outcome of its kind
    return sum(min(count, large.get(char, 0)) for char, count in small.items()) / n


def same_kind_of_number(target: Side, outcome: Side) -> bool:
    """The same measure, unit and counting word: a growth is never answered by a level."""
    if (target.measure, target.unit) != (outcome.measure, outcome.unit):
        return False
    return not (target.classifier and outcome.classifier and target.classifier != outcome.classifier)


def similarity(target: Side, outcome: Side) -> tuple[str | None, float]:
    """``(how, score)``: ``("id", 1.0)`` for the same indicator id, ``("phrase", s)`` for phrases
    that share a share ``s`` of their characters, ``(None, 0.0)`` for different things."""
    if target.indicator_id and outcome.indicator_id:
        same = target.indicator_id == outcome.indicator_id
        return ("id", 1.0) if same else (None, 0.0)
    t = phrase_key(target.indicator)
    score = max(overlap(t, phrase_key(outcome.indicator)), 0.9 * overlap(t, phrase_key(outcome.context)))
    return ("phrase", score) if score >= WEAK else (None, 0.0)


def choose(target: Side, outcomes: Sequence[Side], preference: Sequence[tuple[object, ...]]) -> Choice:
    """The outcome that answers ``target``: the best match, ties broken by ``preference`` (one
    sortable key per outcome, higher first: a person's import, an actual, the newest report,
    the first statement). A phrase match below :data:`STRONG`, or a second outcome with another
    value scoring within :data:`COMPETING` of the best, is left for a person."""
    scored: list[tuple[float, int, str]] = []
    for i, o in enumerate(outcomes):
        if not same_kind_of_number(target, o):
            continue
        how, score = similarity(target, o)
        if how is not None:
            scored.append((score, i, how))
    if not scored:
        return Choice(None)
    scored.sort(key=lambda s: (s[0], preference[s[1]]), reverse=True)
    best_score, best, how = scored[0]
    ranked = [(i, round(s, 3)) for s, i, _ in scored]
    rivals = [
        (s, i)
        for s, i, h in scored[1:]
        if best_score - s < COMPETING and outcomes[i].value != outcomes[best].value and h == "phrase"
    ]
    if how == "phrase" and rivals:
        return Choice(None, how, best_score, "两个结果相互竞争：请人工确认", ranked)
    if how == "phrase" and best_score < STRONG:
        return Choice(None, how, best_score, "指标表述匹配较弱：请人工确认", ranked)
    return Choice(best, how, best_score, None, ranked)


NO_OUTCOME = "no outcome reported for this indicator and period"
NOT_DUE = "no report reviewing this period has been ingested"


def verdict(
    target: Bound,
    outcome: Bound | None,
    *,
    estimate: bool = False,
    review: str | None = None,
    due: bool = False,
) -> tuple[str, str, bool]:
    """``(status, rule, provisional)`` of a target (TRACK.md §2): rated against its outcome
    (provisional when that is an estimate); without one, unknown (left for a person, with
    ``review``'s reason, or no outcome although its period was reviewed) or not yet due.
    Which direction is better falls back on the outcome's indicator when the target has none."""
    if outcome is not None:
        if target.indicator_id is None and outcome.indicator_id is not None:
            target = replace(target, indicator_id=outcome.indicator_id)
        status, rule = rate(target, outcome)
        return status, rule, estimate
    if review is not None:
        return "unknown", review, False
    return ("unknown", NO_OUTCOME, False) if due else ("not_yet_due", NOT_DUE, False)
