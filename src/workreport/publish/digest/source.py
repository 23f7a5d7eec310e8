"""The report's text with its fact spans: verbatim excerpts, clauses and sentences (:class:`Source`),
and the indicator vocabulary the reading names numbers by."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import cache

from workreport import rules
from workreport.model import Fact

from .model import Excerpt, Lit, Number, Part

SENTENCE_END = "。！？!?\n"  # the characters that end a sentence
_CLAUSE_SEP = frozenset("，,；;。！？!?：:\n")
# a run of digits (a number written with a decimal point is one run)
DIGITS = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)*")
_ORDINAL = re.compile(
    r"\s*(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+[、是]|[0-9０-９]{1,2}(?:[.．、](?![0-9０-９])|\s))\s*"
)
EXCERPT_MAX = 56  # code points of a clause before it is cut around its numbers


@cache
def vocabulary() -> dict[str, tuple[str, str | None, int]]:
    """indicator id → (Chinese name, English label, order)."""
    out: dict[str, tuple[str, str | None, int]] = {}
    for i, (key, spec) in enumerate(rules.load("indicators").items()):
        if key == "narrower" or not isinstance(spec, dict) or not spec.get("names"):
            continue
        out[key] = (str(spec["names"][0]), spec.get("en"), i)
    return out


@cache
def money_units() -> frozenset[str]:
    """The units of money (CNY, USD …) as rules/units.toml lists them."""
    return frozenset(str(spec["unit"]) for spec in rules.load("units")["money"].values())


class Source:
    """The report's text with its fact spans: excerpts, clauses and sentences."""

    def __init__(self, text: str, facts: Sequence[Fact]) -> None:
        self.text = text
        self.facts = list(facts)
        by_span: dict[tuple[int, int], Fact] = {}
        for f in facts:
            by_span.setdefault((f.start, f.end), f)
        self.number: dict[tuple[int, int], Number] = {}
        for (s, e), f in by_span.items():
            ss, se = self.sentence(f)
            self.number[(s, e)] = Number(s, e, f.quote, f.value, f.unit, f.measure, f.kind, ss, se)
        # outermost spans, in order and not overlapping; the rest are nested
        self.spans: list[tuple[int, int]] = []
        self.nested: list[tuple[int, int]] = []
        for s, e in sorted(by_span, key=lambda x: (x[0], -x[1])):
            if self.spans and s < self.spans[-1][1]:
                self.nested.append((s, e))
            else:
                self.spans.append((s, e))
        self.starts = [s for s, _ in self.spans]
        self._clauses: dict[tuple[int, int, int, int], Excerpt] = {}

    def num(self, f: Fact) -> Number:
        """The reading's :class:`Number` for a fact."""
        return self.number[(f.start, f.end)]

    def sentence(self, f: Fact) -> tuple[int, int]:
        """The span of a fact's sentence, without the blanks around it."""
        if f.sentence_start is not None and f.sentence_end is not None:
            s, e = f.sentence_start, f.sentence_end
        else:
            s, e = self.sentence_at(f.start, f.end)
        while s < e and self.text[s].isspace():
            s += 1
        while e > s and self.text[e - 1].isspace():
            e -= 1
        return s, e

    def sentence_at(self, start: int, end: int) -> tuple[int, int]:
        """The sentence of the report around ``[start, end)``."""
        return sentence_around(self.text, start, end)

    def _overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        i = bisect_left(self.starts, start)
        if i > 0 and self.spans[i - 1][1] > start:
            i -= 1
        out = []
        while i < len(self.spans) and self.spans[i][0] < end:
            out.append(self.spans[i])
            i += 1
        return out

    def safe(self, pos: int, *, left: bool) -> int:
        """Move a cut point out of any fact span and digit run (to the left or right)."""
        t = self.text
        for s, e in self._overlapping(pos, pos + 1):
            if s < pos < e:
                pos = s if left else e
        while 0 < pos < len(t) and is_digit(t[pos - 1]) and is_digit(t[pos]):
            pos += -1 if left else 1
        return pos

    def excerpt(self, start: int, end: int, *, lead: bool = False, tail: bool = False) -> Excerpt:
        """``text[start:end]`` verbatim (widened to whole facts), its facts and stray digits marked."""
        for s, e in self._overlapping(start, end):
            start, end = min(start, s), max(end, e)
        parts: list[Part] = []
        pos = start
        for s, e in self._overlapping(start, end):
            self._plain(parts, pos, s)
            parts.append(self.number[(s, e)])
            pos = e
        self._plain(parts, pos, end)
        return Excerpt(parts, start, end, lead, tail)

    def _plain(self, parts: list[Part], start: int, end: int) -> None:
        pos = start
        for m in DIGITS.finditer(self.text, start, end):
            if m.start() > pos:
                parts.append(self.text[pos : m.start()])
            parts.append(Lit(m.start(), m.end(), m.group(0)))
            pos = m.end()
        if end > pos:
            parts.append(self.text[pos:end])

    def trimmed(self, start: int, end: int, strip: str = "。；;，,：: \t\u3000\xa0\n") -> Excerpt | None:
        """An excerpt without surrounding blanks and punctuation; None when nothing is left."""
        t = self.text
        while start < end and t[start] in strip:
            start += 1
        while end > start and t[end - 1] in strip:
            end -= 1
        return self.excerpt(start, end) if end > start else None

    def title(self, span_start: int, span_end: int) -> Excerpt | None:
        """A heading or lead sentence without its ordinal (（一）, 一是, 1.) and end punctuation."""
        t = self.text
        m = _ORDINAL.match(t, span_start, span_end)
        start = m.end() if m and m.end() < span_end else span_start
        return self.trimmed(start, span_end)

    def clause(self, start: int, end: int, lo: int, hi: int) -> Excerpt:
        """The clause holding ``[start, end)`` within the sentence ``[lo, hi)``, cut if long."""
        key = (start, end, lo, hi)
        if key not in self._clauses:
            self._clauses[key] = self._clause(start, end, lo, hi)
        return self._clauses[key]

    def _clause(self, start: int, end: int, lo: int, hi: int) -> Excerpt:
        t = self.text
        cs = start
        while cs > lo and t[cs - 1] not in _CLAUSE_SEP:
            cs -= 1
        ce = end
        while ce < hi and t[ce] not in _CLAUSE_SEP:
            ce += 1
        lead = tail = False
        if ce - cs > EXCERPT_MAX:
            room = max(8, (EXCERPT_MAX - (end - start)) // 2)
            if start - cs > room:
                cut = max((t.rfind(c, start - room, start) for c in "、 "), default=-1)
                cs = cut + 1 if cut >= 0 else self.safe(start - room, left=False)
                lead = True
            if ce - end > room:
                ce = self.safe(end + room, left=True)
                ce = max(ce, end)
                tail = True
        ex = self.trimmed(cs, ce, strip=" \t\u3000\xa0\n、") or self.excerpt(start, end)
        ex.lead, ex.tail = lead, tail
        return ex


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence of ``text`` around ``[start, end)`` (ended by 。！？ or a line break)."""
    s = start
    while s > 0 and text[s - 1] not in SENTENCE_END:
        s -= 1
    e = end
    while e < len(text) and text[e - 1] not in SENTENCE_END:
        e += 1
    return s, e


def is_digit(c: str) -> bool:
    """A digit (ASCII or full-width) or a decimal point: a cut must not fall between two."""
    return "0" <= c <= "9" or "０" <= c <= "９" or c in ".．"


def window(text: str, s: int, e: int, start: int, end: int, width: int = 120) -> tuple[str, int]:
    """The sentence ``text[s:e]`` without its blanks, cut to about ``width`` code points around
    the number at ``[start, end)`` (never inside a run of digits); and where it starts."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e - s > width:
        room = max(10, (width - (end - start)) // 2)
        s = max(s, start - room)
        e = min(e, max(end, end + room))
        while s > 0 and s < start and is_digit(text[s - 1]) and is_digit(text[s]):
            s -= 1
        while e < len(text) and e > end and is_digit(text[e - 1]) and is_digit(text[e]):
            e += 1
    return text[s:e], s
