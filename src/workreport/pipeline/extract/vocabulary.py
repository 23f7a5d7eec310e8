"""The extractor's vocabularies: units, indicator names and cue words, loaded once from ``rules/``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Final

from workreport import rules

SENTENCE_END: Final = set("。!?;\n\r")
CLAUSE_END: Final = set(",，:。!?;\n\r")
_LIST_SEP: Final = "、和与及"
CJK_NUMERAL: Final = set("零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟")
MAGNITUDE_ONLY: Final = set("十百千万亿")
LOOKBACK: Final = 60  # characters of a clause read before a number: bounds the work per number




# --------------------------------------------------------------------------- rules



@dataclass(frozen=True, slots=True)
class Unit:
    """A unit as written (亿元, 个百分点 …): its normal unit, scale and family."""
    written: str
    unit: str
    scale: Decimal
    family: str  # percent | points | rank | money | quantity | count


@dataclass(frozen=True, slots=True)
class _Rules:
    units: tuple[Unit, ...]  # longest written form first
    guard: dict[str, str]  # one-character unit → characters that may not follow it
    firm_words: tuple[str, ...]
    household: re.Pattern[str]  # what a count of 个 counts when it counts households
    names: tuple[tuple[str, str], ...]  # (name, id), longest first
    narrower: tuple[str, ...]
    cue: dict[str, dict[str, list[str]]]

    def words(self, section: str, key: str) -> list[str]:
        return self.cue[section][key]


def _household(words: list[str], not_after: list[str]) -> re.Pattern[str]:
    """The words after a count of 个 up to a family word that ends what is counted."""
    family = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    other = "|".join(map(re.escape, not_after))
    return re.compile(rf"[^，。；、,;：:]{{0,10}}?(?:{family})(?!{other})")


@cache
def extractor_rules() -> _Rules:
    """The units, indicator names and cue words from the rules files, loaded once."""
    u = rules.load("units")
    units: list[Unit] = []
    for family in ("percent", "points", "rank", "money", "quantity"):
        for written, spec in u[family].items():
            units.append(Unit(written, spec["unit"], Decimal(str(spec["scale"])), family))
    for word in u["count"]["words"]:
        units.append(Unit(word, "count", Decimal(1), "count"))
    units.sort(key=lambda x: len(x.written), reverse=True)
    ind = rules.load("indicators")
    names = [(n, key) for key, spec in ind.items() if key != "narrower" for n in spec["names"]]
    names.sort(key=lambda x: len(x[0]), reverse=True)
    cues = rules.load("cues")
    return _Rules(
        units=tuple(units),
        guard=dict(u.get("guard", {})),
        firm_words=tuple(u["count"]["firm_words"]),
        household=_household(u["count"]["household_words"], u["count"]["household_not"]),
        names=tuple(names),
        narrower=tuple(ind["narrower"]["prefixes"]),
        cue=cues,
    )


@cache
def indicator_ids() -> frozenset[str]:
    """Every id of the indicator vocabulary, those whose names are all held included."""
    return frozenset(key for key in rules.load("indicators") if key != "narrower")


def unit_ids() -> frozenset[str]:
    """The canonical unit ids the unit table writes (FACTS.md §4), ``count`` among them."""
    return frozenset(u.unit for u in extractor_rules().units)


def indicator_names() -> dict[str, list[str]]:
    """The vocabulary: indicator id → its Chinese names."""
    out: dict[str, list[str]] = {}
    for name, key in extractor_rules().names:
        out.setdefault(key, []).append(name)
    return out


