"""From mentions to facts: measure, kind, period, shared (均) and respective (分别) values, scope."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from functools import cache
from typing import Final

from workreport.errors import NumeralError
from workreport.model import Fact, Paragraph, Span, Structure
from workreport.model.fact import (
    COMPARATORS,
    KINDS,
    MEASURES,
    Comparator,
    Kind,
    Measure,
    as_comparator,
    as_kind,
    as_measure,
)
from workreport.pipeline.extract.labels import label_of
from workreport.pipeline.extract.mentions import Mention, find_mentions
from workreport.pipeline.extract.reading import (
    GENERIC_HEADS,
    PAST_YEAR,
    Reading,
    clause_start_at,
    clean_indicator,
    compose,
    indicator_id,
    read_phrase,
    whole_id,
)
from workreport.pipeline.extract.vocabulary import CJK_NUMERAL, CLAUSE_END, LOOKBACK, extractor_rules
from workreport.pipeline.numerals import read_numeral
from workreport.pipeline.places import load as load_jurisdictions

# --------------------------------------------------------------------------- facts



def _list_items(subject: str) -> list[str]:
    items = [x for x in re.split(r"[、和及与]", subject) if x]
    if len(items) == 1 and subject.startswith("城乡"):
        rest = subject[2:]
        return ["城镇" + rest, "农村" + rest]
    return _complete(items)


_SHARED_HEADS: Final = ("排放量", "产量", "参保率", "比重", "收入", "增加值", "余额", "产值")
# a rate written once after a list is the rate of every item, whatever the item names
# (工业技改投资、制造业技改投资增速: the growth of both, not the investment itself)
_RATE_HEADS: Final = ("增速", "增幅")


def _complete(items: list[str]) -> list[str]:
    """Items of a list that share a head or a tail get it written out."""
    if len(items) >= 2 and items[0].startswith("城乡") is False:
        # 二氧化硫、氮氧化物排放量: earlier items share the last item's head
        last = items[-1]
        rate = next((h for h in _RATE_HEADS if last.endswith(h) and len(last) > len(h)), None)
        if rate is not None:
            return [x if x.endswith(rate) or len(x) <= 2 else x + rate for x in _parallel(items)]
        for head in _SHARED_HEADS:
            if last.endswith(head):
                items = [x if x.endswith(head) or len(x) <= 2 or indicator_id(x) else x + head for x in items[:-1]] + [last]
                items = _parallel(items)
                break
        else:
            items = _parallel(items)
    return items


def _parallel(items: list[str]) -> list[str]:
    """城镇、农村居民人均可支配收入 → 城镇… and 农村…; 企业营收、利税 → 企业营收, 企业利税."""
    last, first = items[-1], items[0]
    heads = [h for h in GENERIC_HEADS if first.endswith(h) and len(first) > len(h)]
    if heads and all(x in GENERIC_HEADS or len(x) <= 2 for x in items[1:]):
        subject = first[: -len(heads[0])]
        return [first] + [subject + x for x in items[1:]]
    out = []
    for x in items[:-1]:
        rest = last[len(x) :]
        head = next((h for h in GENERIC_HEADS if last.endswith(h)), None)
        if head and len(x) <= 2 and rest and x[-1] == rest[0]:
            out.append(x + head)  # 农业、服务业增加值: not 农业业增加值
        elif (
            len(x) <= 4
            and not (head and x.endswith(head))  # 国民收入、国家财政收入: it has its head already
            and len(rest) >= 2
            and re.match(r"[\u4e00-\u9fff]", rest)
            and (not indicator_id(x) or rest in _SHARED_HEADS)
        ):
            out.append(x + rest)  # 蔬菜 → 蔬菜产量: the shared head names the same series
        else:
            out.append(x)
    return [*out, last]


_PLACE: Final = re.compile(r"^[\u4e00-\u9fff]{1,4}(?:市|县|区|州|盟|旗|省)$")
_CLAUSE_MARK: Final = re.compile("[" + re.escape("".join(sorted(CLAUSE_END))) + "]")
_VERB_AFTER: Final = re.compile(r"(?:的)?(?:幅度|比例)(压减|削减|减少|下降|降低|压缩|增长|提高|增加)")
_VERB_AFTER_FIRST: Final = "的幅比"  # what a _VERB_AFTER match starts with
_TAIL: Final = re.compile(r"[^,，。;:!?、]{1,20}")


_LAST_CHAR: Final[dict[int, str]] = {id(PAST_YEAR): "年"}  # by id(pattern): every match of the pattern ends with it
# The year patterns open with a lookbehind, for which the regex engine has no fast skip: it
# tries them at every character. Every match of one, in the sentence or in a cut of it, holds
# a match of this core, which opens with a digit (1 or 2) the engine skips to: a sentence
# where the core finds nothing (今年, 五年, 上年 without a year written) has no match at all.
_YEAR_CORE: Final = re.compile(r"(?:19|20)\d{2}\s*年")
_CORE: Final[dict[int, re.Pattern[str]]] = {}  # by id(pattern), filled below the patterns


class _Cues:
    """What ``text[lo:hi]`` holds before a given offset, each search run once per sentence.

    ``pattern.finditer(before)`` and ``before.rfind(word)`` for every number of a sentence
    would read the sentence once per number (quadratic on a long unpunctuated line): here
    each pattern and word is searched once over the sentence and each number looks up the
    last hit before it by bisection. ``before`` is ``text[lo:k]`` for the number at ``k``."""

    _EDGE = 24  # a match ending at k may only hold in the cut text: searched again near k

    def __init__(self, text: str, lo: int, hi: int) -> None:
        self.lo = lo
        self.sentence = text[lo:hi]
        # by id(pattern): hashing a compiled pattern reads its whole code, at every look-up
        self._matches: dict[int, tuple[list[int], list[re.Match[str]]]] = {}
        self._coreless: set[int] = set()  # the patterns whose core (_CORE) the sentence lacks
        self._words: dict[str, list[int]] = {}
        self._searched: dict[int, re.Match[str] | None] = {}
        self._breaks: list[int] | None = None
        self._present: dict[int, list[str]] = {}
        self._lacking: dict[str, bool] = {}
        # every PAST_YEAR match ends with 年 (_LAST_CHAR): a sentence without it has none
        self.years = "年" in self.sentence
        self.past_years = -1  # how many PAST_YEAR matches the whole sentence holds (-1: not searched yet)
        self.estimated = "预计" in self.sentence  # word_before("预计") is -1 everywhere without it

    def last_match(self, pattern: re.Pattern[str], at: int) -> re.Match[str] | None:
        """The last match of ``pattern`` in ``text[lo:at]`` (offsets relative to ``lo``)."""
        k = at - self.lo
        key = id(pattern)
        found = self._matches.get(key)
        if found is None:
            core = _CORE.get(key)
            if core is not None and core.search(self.sentence) is None:
                ms = []
                self._coreless.add(key)
            else:
                ms = list(pattern.finditer(self.sentence))
            found = self._matches[key] = ([x.end() for x in ms], ms)
            if pattern is PAST_YEAR:
                self.past_years = len(ms)
        ends, ms = found
        if not ends and key in self._coreless:
            return None  # no match in any cut text either: each holds a match of the core
        last = _LAST_CHAR.get(key)
        if not ends and last is not None and self._lacks(last):
            return None  # no match in any cut text either: each ends with a character the sentence lacks
        i = bisect_right(ends, k) - 1
        best = ms[i] if i >= 0 else None
        if last is not None and (k <= 0 or self.sentence[k - 1] != last):
            return best  # no match can end at the cut: those before it are the whole text's
        near = list(pattern.finditer(self.sentence, max(0, k - self._EDGE), k))
        edge = near[-1] if near else None
        if edge is not None and (best is None or edge.start() > best.start()):
            return edge
        return best

    def _lacks(self, char: str) -> bool:
        """Whether the sentence lacks ``char`` (looked up once per character)."""
        lacks = self._lacking.get(char)
        if lacks is None:
            lacks = self._lacking[char] = char not in self.sentence
        return lacks

    def matches_before(self, pattern: re.Pattern[str], at: int) -> list[re.Match[str]]:
        """Every match of ``pattern`` in ``text[lo:at]``, as ``pattern.finditer`` would give them."""
        last = self.last_match(pattern, at)
        if last is None:
            return []
        ends, ms = self._matches[id(pattern)]
        i = bisect_right(ends, last.end())
        out = ms[:i]
        if not out or out[-1].start() != last.start():
            out = [x for x in out if x.end() <= last.start()] + [last]
        return out

    def word_before(self, word: str, at: int) -> int:
        """``text[lo:at].rfind(word)``."""
        pos = self._words.get(word)
        if pos is None:
            pos, i = [], self.sentence.find(word)
            while i >= 0:
                pos.append(i)
                i = self.sentence.find(word, i + 1)
            self._words[word] = pos
        if not pos:
            return -1
        i = bisect_right(pos, at - self.lo - len(word)) - 1
        return pos[i] if i >= 0 else -1

    def clause_start(self, at: int) -> int:
        """``clause_start_at(text, at, lo)`` by bisection over the sentence's clause marks."""
        if self._breaks is None:
            self._breaks = [x.start() for x in _CLAUSE_MARK.finditer(self.sentence)]
        k = at - self.lo
        i = bisect_left(self._breaks, k) - 1
        floor = max(0, k - LOOKBACK)
        return self.lo + (max(floor, self._breaks[i] + 1) if i >= 0 else floor)

    def clause_starts(self, ats: list[int]) -> list[int]:
        """``[self.clause_start(at) for at in ats]`` for ascending ``ats``: one walk over the marks."""
        if self._breaks is None:
            self._breaks = [x.start() for x in _CLAUSE_MARK.finditer(self.sentence)]
        breaks, n, lo = self._breaks, len(self._breaks), self.lo
        out: list[int] = []
        i = 0  # breaks[:i] lie before the offset
        for at in ats:
            k = at - lo
            if i and breaks[i - 1] >= k:
                i = bisect_left(breaks, k)  # not ascending: start again
            while i < n and breaks[i] < k:
                i += 1
            floor = k - LOOKBACK if k > LOOKBACK else 0
            if i and breaks[i - 1] >= floor:
                floor = breaks[i - 1] + 1  # max(floor, mark + 1), without the call
            out.append(lo + floor)
        return out

    def last_word(self, words: Sequence[str], at: int, floor: int) -> tuple[int, str]:
        """``max((text[floor:at].rfind(w), w) for w in words)`` with offsets in ``text``; (-1, "") for none."""
        present = self._present.get(id(words))
        if present is None:
            present = self._present[id(words)] = [w for w in words if w in self.sentence]
        best = (-1, "")
        if not present:
            return best
        for w in present:
            i = self.word_before(w, at)
            if i >= 0 and self.lo + i >= floor:
                best = max(best, (self.lo + i, w))
        return best

    def search(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        """``pattern.search`` over the whole sentence, run once."""
        key = id(pattern)
        if key not in self._searched:
            self._searched[key] = pattern.search(self.sentence)
        return self._searched[key]


def sentence_facts(
    text: str,
    sentence: Span,
    para: Paragraph,
    structure: Structure,
    topic: str | None,
) -> list[Fact]:
    """The facts in one sentence of a paragraph, each with its quote span, kind, period and scope."""
    out: list[Fact] = []
    add_sentence_facts(out, text, text, sentence, para, structure, topic)
    return out


def hedged_sentence_facts(
    text: str,
    sentence: Span,
    para: Paragraph,
    structure: Structure,
    topic: str | None,
) -> list[tuple[Fact, int]]:
    """``sentence_facts``, each fact with the offset in ``text`` of its hedge word (-1: no hedge)."""
    out: list[Fact] = []
    offsets: list[int] = []
    add_sentence_facts(out, text, text, sentence, para, structure, topic, offsets)
    return list(zip(out, offsets, strict=True))


def add_sentence_facts(  # noqa: C901  (one pass over the sentence's mentions: its rules share the previous subject and list; split, they would scatter)
    facts: list[Fact],
    text: str,
    original: str,
    sentence: Span,
    para: Paragraph,
    structure: Structure,
    topic: str | None,
    hedge_offsets: list[int] | None = None,
) -> None:
    """``sentence_facts`` appended to ``facts``, their quotes and hedge words cut from ``original``
    (the text as written: ``text`` normalised has the same offsets), and the offset of each
    one's hedge word (-1: no hedge) appended to ``hedge_offsets`` if given."""
    lo, hi = sentence.start, sentence.end
    top = para.span.start
    mentions = [
        m
        for m in find_mentions(text, lo, hi)
        # a heading's number opens its paragraph (white space before it at most): the cheap tests first
        if not (
            (m.start <= top or text[m.start - 1].isspace())
            and text.startswith("、", m.end)
            and _heading_number(text, m, para)
        )
    ]
    if not mentions:
        return
    previous: Mention | None = None
    cues = _Cues(text, lo, hi)
    respectively = cues.sentence.find("分别")
    groups: list[list[Mention]] = []
    object_lead: str | None = None  # 实施3000个老旧小区、120个…: the verb the list of objects shares
    starts = cues.clause_starts([m.start for m in mentions])
    froms = "由" in cues.sentence or "从" in cues.sentence  # what _FROM_BEFORE needs
    # the hedge words the sentence holds: none (most sentences) and no number has one before it
    # (one search for any of them first: a word of the list is in the sentence iff it finds one)
    hedge_words = (
        [w for w in extractor_rules().words("hedge", "words") if w in cues.sentence]
        if _hedge_words().search(text, lo, hi) is not None
        else []
    )
    titles = _sentence_titles(structure, sentence)
    # Without 分别, a number's facts are made once the next number is read (the last step that
    # reads it): a long list holds two numbers at a time, not all of them to its end. With
    # 分别, the groups are paired at the end (_respectively), then every number makes its facts.
    held: list[tuple[Mention, int]] = []
    previous_cs = lo
    previous_phrase = ""  # text[previous.floor : previous.start], cut once
    mentions.reverse()  # popped in text order
    starts.reverse()
    while mentions:
        m = mentions.pop()
        cs = starts.pop()
        floor = cs
        prev: Reading | None = None  # the reading of the number before, in the same clause
        if previous is not None and previous.end > cs:
            floor = previous.end
            prev = previous.reading
        phrase = text[floor : m.start]
        reading = read_phrase(phrase)
        if m.family == "count" and reading.links and reading.links[0] in _reach_words():
            # 跨越3个千亿元台阶: how many marks were crossed; the verb is no bound of the count and
            # stays in its name (the label is what it counts), as no comparator took it
            reading = Reading(None, 1, False, phrase.rstrip(" "), [], False)
        if (
            prev is not None
            and prev.verb is not None
            and reading.verb is None
            and not reading.to
            and (prev.leading or _BARE_LINK.fullmatch(phrase) is not None)
        ):
            # 分别下降5.6%和4%; 减少企业税负3500亿元、涉企收费约2000亿元: the list shares its verb
            reading = Reading(prev.verb, prev.sign, False, reading.phrase, reading.links, prev.leading)
        if reading.verb is None and not reading.to:
            # 按不低于5%的幅度压减: the verb follows the number
            after = _VERB_AFTER.match(text, m.end, hi) if m.end < hi and text[m.end] in _VERB_AFTER_FIRST else None
            if after:
                sign = -1 if after[1] in extractor_rules().words("verb", "down") else 1
                reading = Reading(after[1], sign, False, reading.phrase, reading.links)
        m.reading = reading
        m.floor = floor
        indicator = clean_indicator(reading.phrase)
        # elided subject: 生产总值3420亿元、增长1.5%
        if previous is not None and not indicator.strip("、 "):
            m.indicator, m.indicator_id, m.scope = previous.indicator, previous.indicator_id, previous.scope
        elif previous is not None and indicator in _GENERIC_HEADS and previous.indicator:
            m.indicator = compose(previous.indicator, indicator)
            m.indicator_id = whole_id(m.indicator)
        else:
            m.indicator = indicator
            m.indicator_id = indicator_id(indicator)
        if not m.indicator:
            # 一是为5.95万名…学生提供…: the counted thing follows the number
            tail = _TAIL.match(text, m.end, hi)
            m.indicator = tail[0] if tail else ""
        m.indicator, object_lead = label_of(text, m, hi, cs, lo, previous, object_lead, phrase)
        m.verb_to = reading.to
        # baseline: 由10.2%下降到3.1%, 从第27位上升至第6位
        if (
            froms
            and _FROM_BEFORE.search(text[max(cs, m.start - 12) : m.start])
            and _TO_AFTER.match(text, m.end, min(hi, m.end + 12))
        ):
            nxt = mentions[-1] if mentions else None
            if nxt is not None and nxt.start - m.end <= 14:
                m.baseline = True
        _measure(m, reading, text, hi)
        if respectively >= 0:
            if m.start > lo + respectively:
                if groups and (previous is not None and _BARE_LINK.fullmatch(text, previous.end, m.start)):
                    groups[-1].append(m)
                else:
                    groups.append([m])
            held.append((m, cs))
        elif previous is not None:
            # the shared-value list: A、B均增长20%以上; a phrase with no list and no 均 or 都
            # (most) is none, and _shared would return at its first test
            if "均" in previous_phrase or "都" in previous_phrase or "、" in previous_phrase.lstrip(" 、,"):
                _shared(text, previous_cs, previous, previous_phrase)
            hedge_at = _to_facts(
                facts, text, original, previous, cues, previous_cs, para, structure, topic, hedge_words, sentence, titles
            )
            if hedge_offsets is not None:
                hedge_offsets.extend([hedge_at] * (1 + len(previous.extra)))
        previous, previous_cs, previous_phrase = m, cs, phrase
    if respectively >= 0:
        _respectively(text, lo, lo + respectively, groups)
        for m, cs in held:
            _shared(text, cs, m)
    elif previous is not None:  # the last number: read, its facts not made yet
        _shared(text, previous_cs, previous, previous_phrase)
        held.append((previous, previous_cs))
    for m, cs in held:
        hedge_at = _to_facts(facts, text, original, m, cues, cs, para, structure, topic, hedge_words, sentence, titles)
        if hedge_offsets is not None:
            hedge_offsets.extend([hedge_at] * (1 + len(m.extra)))


@cache
def _hedge_words() -> re.Pattern[str]:
    """Any hedge word of rules/cues.toml [hedge] words, as one pattern."""
    return re.compile("|".join(map(re.escape, extractor_rules().words("hedge", "words"))))


_GENERIC_HEADS: Final = frozenset(GENERIC_HEADS)
_BARE_LINK: Final = re.compile(r"\s*[、和与及]\s*")  # 分别下降5.6%和4%: nothing but a list mark between
_FROM_BEFORE: Final = re.compile(r"[由从][^,，。;]{0,10}$")
_TO_AFTER: Final = re.compile(r"[^,，。;]{0,8}?(?:提高|提升|上升|下降|增加|减少|降低|增长|缩小|扩大|转为)?(?:到|至|为)")


def _heading_number(text: str, m: Mention, para: Paragraph) -> bool:
    """二、一张蓝图绘到底: the number of a heading (FACTS.md §1: `(一)`, `一是` are no facts)."""
    if not text.startswith("、", m.end):
        return False
    j = m.start
    while j > para.span.start and text[j - 1].isspace():
        j -= 1
    return j == para.span.start and all(c in CJK_NUMERAL for c in text[m.start : m.end])


def _names_growth(head: str) -> bool:
    """涨幅, 增速…: the phrase before a percentage names a rate of growth (rules/cues.toml)."""
    return any(head.endswith(w) for w in extractor_rules().cue["measure"]["growth_heads"])


def _names_share(head: str) -> bool:
    """比重, 占比, 覆盖率…: the phrase before a percentage (its last 8 characters) names a share."""
    return any(w in head[-8:] for w in extractor_rules().cue["measure"]["share_heads"])


def _measure(m: Mention, reading: Reading, text: str, hi: int) -> None:  # noqa: C901  (one decision table: the measure from the figure's form, unit family and the words before it)
    """The measure of ``m`` from its reading, the phrase before it (``text[m.floor:m.start]``) and
    the words after it (at most 8 characters, not past ``hi``)."""
    if m.measure is not None:  # fixed by the form: most figures have none
        if m.measure in ("rank", "change_rank"):
            return
        if m.measure == "times":
            m.measure = "growth" if reading.verb and reading.sign > 0 else "share"
            return
        if m.measure == "fraction":  # 三分之一, 两成: a part of a whole, or after a verb a change
            if reading.verb:
                m.measure = "growth"
                _signed(m, reading.sign)
                if m.value < 0:  # 下降超3成: at least 30% less, as 下降超过30%
                    m.comparator = {">=": "<=", "<=": ">="}.get(m.comparator, m.comparator)
            else:
                m.measure = "share"
            return
        if m.measure == "growth":
            return
        if m.measure == "share":
            return
    head = reading.phrase
    if m.family == "percent":
        cue = extractor_rules().cue["measure"]  # read where used: most figures need no rules
        if reading.verb is not None:
            m.measure = "growth"
            _signed(m, reading.sign)
        elif _names_growth(head) or _GROWTH_TARGET.search(text[m.floor : m.start]):
            m.measure = "growth"  # 涨幅3%以内; 经济增长预期目标为7%左右: the target of a growth
        elif text.startswith("的", m.end, hi) and not text[m.end : min(hi, m.end + 8)].startswith(
            tuple(cue["not_share_after"]), 1
        ):
            m.measure = "share"  # 22%的企业实现盈利: a part of a whole, not a growth
        elif (
            _names_share(head)
            or reading.to
            or (m.indicator_id in (None,) and _WHOLE_OR_OF.search(head))
        ):
            m.measure = "share"
        else:
            m.measure = "growth"
    elif m.family == "points":
        m.measure = "change_pp"
        _signed(m, reading.sign)
    elif (
        m.family in ("money", "quantity", "count")
        and reading.verb is not None
        and reading.verb in extractor_rules().words("verb", "change")
        and not reading.to
    ):
        m.measure = "change"
        _signed(m, reading.sign)
    else:
        m.measure = "level"
    if m.measure in ("growth", "change", "change_pp") and m.value < 0:
        m.comparator = {">=": "<=", "<=": ">="}.get(m.comparator, m.comparator)
    if m.family == "quantity" and m.unit == "household":
        firms = extractor_rules().firm_words
        # 绿色工厂7户, 5户企业入选: what is counted, before the number or right after it, is a firm
        if any(w in head for w in firms) or text.startswith(tuple(firms), m.end, hi):
            m.unit, m.family = "count", "count"
    elif m.family == "count" and m.classifier == "个" and extractor_rules().household.match(text, m.end, hi):
        m.unit, m.family = "household", "quantity"  # 1000个孤独症儿童家庭: households, counted by 个


def _signed(m: Mention, sign: int) -> None:
    """``m``'s value (and the top of its range) times ``sign``, the range kept low to high:
    下降5—6个百分点 is -6 to -5."""
    m.value *= sign
    if m.value_max is not None:
        m.value, m.value_max = sorted((m.value, m.value_max * sign))


_WHOLE_OR_OF: Final = re.compile(r"全[国省市]$|的$")
_GROWTH_TARGET: Final = re.compile(r"(?:增长|增速|增幅)(?:预期)?目标(?:[拟确设]?定)?[均都]?(?:为|是)?\s*$")


def _respectively(text: str, lo: int, at: int, groups: list[list[Mention]]) -> None:
    """城乡居民人均可支配收入分别达到45406元和17162元、增长5%和6%."""
    cs = clause_start_at(text, at, lo)
    subject = clean_indicator(read_phrase(text[cs:at]).phrase)
    items = _list_items(subject)
    places = [x for x in items if _PLACE.match(x)]
    for group in groups:
        if len(group) < 2:
            continue
        # 以上 written once covers every value of the group
        last = group[-1].comparator
        if last != "=" and all(g.comparator == "=" for g in group[:-1]):
            for g in group[:-1]:
                g.comparator = last
        _group_measures(group, items if len(items) == len(group) and not places else None)
        if len(items) == len(group):
            for g, item in zip(group, items, strict=True):
                if places and len(places) == len(items):
                    g.scope = item
                    continue
                g.indicator = item
                # a name written out by completion gets an id only where the written one has one
                written = item in subject or indicator_id(items[-1]) is not None
                g.indicator_id = indicator_id(item) if written else None
        elif len(items) == 1 and len(places) == 0:
            for g in group:
                g.indicator = subject
                g.indicator_id = indicator_id(subject)


def _group_measures(group: list[Mention], items: list[str] | None) -> None:
    """比重分别达42.1%、52.1%: a percentage after the first of a 分别 list, with no verb of its
    own, was read from the list mark before it alone (a growth, by default). Each percentage of
    the list without a verb measures what its paired item names (占比和增速分别为40%、8%: a
    share, then a growth), else what the first value measures."""
    first = group[0]
    if first.family != "percent" or first.measure not in ("share", "growth"):
        return
    for k, g in enumerate(group):
        if g.family != "percent" or g.reading is None or g.reading.verb is not None or g.reading.to:
            continue
        item = items[k] if items is not None else ""
        if item and _names_growth(item):
            g.measure = "growth"
        elif item and _names_share(item):
            g.measure = "share"
        elif k:
            g.measure = first.measure


# 总量和增速均居全国第5位: two items joined by 和 (与, 及), and 均 after them
_PAIR: Final = re.compile(r"[和与及]")
_PAIR_SHARED: Final = re.compile(r"[和与及][^、，,。;；]{1,12}?[均都]")
_SHARED_MARK: Final = re.compile(r"(?<![年平人户])[均都](?=[增下提达为居超突在保实稳有要比较控低高降减不已实占])")


def _shared(text: str, cs: int, m: Mention, phrase: str | None = None) -> None:
    """地区生产总值、固定资产投资…均增长20%以上: one fact per subject (``cs``: where its clause starts;
    ``phrase``: ``text[m.floor : m.start]`` if the caller has it)."""
    if phrase is None or cs > m.floor:
        phrase = text[cs if cs > m.floor else m.floor : m.start]  # from max(cs, m.floor), without the call
    if "分别" in phrase:
        return  # respective values pair with their items one by one (_respectively)
    listed = "、" in phrase.lstrip(" 、,")
    if not listed and (("均" not in phrase and "都" not in phrase) or _PAIR_SHARED.search(phrase) is None):
        # no list (a 、 that opens the phrase is no list: the subject below is a part of the
        # phrase without it), nor two items joined by 和 that 均 distributes over
        return
    marks = list(_SHARED_MARK.finditer(phrase))
    at = marks[-1].start() if marks else -1
    if at >= 0:
        subject_text = phrase[:at]
    elif m.reading is not None and m.floor >= cs:
        subject_text = m.reading.phrase  # read_phrase(phrase), read already (phrase is text[m.floor:m.start])
    else:
        subject_text = read_phrase(phrase).phrase
    subject = clean_indicator(subject_text)
    if "等" in subject or ("、" not in subject and not (at >= 0 and _PAIR.search(subject))):
        return
    items = [x for x in (subject.split("、") if "、" in subject else _PAIR.split(subject, maxsplit=1)) if x]
    if not _PLACE.match(items[0]):
        items = _complete(items)
    if len(items) < 2:
        return
    # no 均: only lists of rates (学前教育毛入园率、高中毛入学率超过93%) or of places
    if at < 0 and not (all(x.endswith("率") or indicator_id(x) for x in items) or _PLACE.match(items[0])):
        return
    if _PLACE.match(items[0]):
        last = items[-1]
        place_last = re.match(r"^([\u4e00-\u9fff]{1,4}?(?:市|县|区|州))(.+)$", last)
        if place_last:
            items = [*items[:-1], place_last[1]]
            shared = place_last[2]
            m.indicator, m.indicator_id = shared, indicator_id(shared)
            m.scope = items[0]
            m.extra = [(shared, m.indicator_id, x) for x in items[1:]]
        return
    label = m.indicator or ""
    if "…" in label and all(len(x) <= 4 and x in label[label.rindex("…") :] for x in items):
        # 地区生产总值67665亿元…，总量和增速均居全国第5位: bare heads keep what the label took
        # from the clauses before them (地区生产总值…总量, 地区生产总值…增速)
        topic = label[: label.rindex("…") + 1]
        items = [topic + x for x in items]
    ids = [indicator_id(x.replace("…", "")) for x in items]  # 地区生产总值…增速 names 地区生产总值增速
    m.indicator, m.indicator_id = items[0], ids[0]
    m.extra = [(x, key, m.scope) for x, key in zip(items[1:], ids[1:], strict=True)]


_KIND_OF_ROLE: Final = {"review": "actual", "plan": "target"}  # a figure's kind by its paragraph's role
# the order of Fact's fields that _to_facts passes them in (tests/test_extract_hot_path.py checks it)
FACT_FIELDS: Final = (
    "start", "end", "quote", "value", "unit", "measure", "comparator", "kind", "indicator", "indicator_id",
    "value_max", "hedge", "period", "scope", "classifier", "section", "sentence_start", "sentence_end",
)  # fmt: skip
# the schema's words, checked once (as_measure … raise on a word the schema does not know)
_MEASURE: Final[dict[str, Measure]] = {w: as_measure(w) for w in MEASURES}
_COMPARATOR: Final[dict[str, Comparator]] = {w: as_comparator(w) for w in COMPARATORS}
_KIND: Final[dict[str, Kind]] = {w: as_kind(w) for w in KINDS}


def _to_facts(  # noqa: C901  (kind, hedge and period of one mention: each cue overrides the position in FACTS.md §3's order)
    facts: list[Fact],
    text: str,
    original: str,
    m: Mention,
    cues: _Cues,
    cs: int,
    para: Paragraph,
    structure: Structure,
    topic: str | None,
    hedge_words: Sequence[str],
    sentence: Span,
    titles: list[str] | None = None,
) -> int:
    """The facts of ``m`` (one per subject of a shared value), appended to ``facts``, quote and
    hedge word as ``original`` writes them; the offset of their hedge word (-1: none).
    ``hedge_words``: those the sentence holds; ``titles``: the section titles of the whole
    sentence when it lies in one stretch (None: looked up at ``m``)."""
    meta = structure.metadata
    role = para.role
    kind = _KIND_OF_ROLE.get(role, "other")
    period = para.period
    hedge = None
    # 2021年新区生产总值增长11.2% inside a plan part or a reading: a past year named before the
    # number makes it a result of that year
    # with no past year in the whole sentence, only one ending right before the number can hold
    # in the cut text (last_match): it ends with 年, and most numbers follow no 年
    maybe_past = cues.years and (cues.past_years != 0 or text[m.start - 1] == "年")
    last_past = cues.last_match(PAST_YEAR, m.start) if maybe_past else None
    past = int(last_past[1]) if last_past is not None else None
    if (
        past is not None
        and role == "plan"
        and meta.plan_year
        and past < meta.plan_year
        and not any(w in text[cs : m.start] for w in extractor_rules().words("kind", "target"))
    ):
        role, kind_override, year_override = "review", "actual", past
    else:
        kind_override, year_override = None, None
    hedge_offset = -1  # where the hedge word stands in the text (the caller quotes it as written)
    if hedge_words:
        # the last hedge word before the number: in the sentence in a plan part, else in its clause
        hedge_at = cues.last_word(hedge_words, m.start, sentence.start if para.role == "plan" else cs)
        if hedge_at[0] >= 0:
            word = hedge_at[1]
            if not (role == "review" and word in extractor_rules().words("hedge", "review_not")):
                hedge, hedge_offset = word, hedge_at[0]
    if kind_override is not None:
        kind, period = kind_override, year_override
    elif role == "plan":
        kind, period = _plan_time(text, m, cues, para, meta.plan_year, extractor_rules().words("kind", "target"))
    estimated = cues.word_before("预计", m.start) if cues.estimated else -1
    if estimated >= 0:
        kind, hedge, hedge_offset = "estimate", "预计", sentence.start + estimated
        if role == "plan":
            period = meta.plan_year
    elif hedge in ("力争", "确保", "争取", "力求") and role != "plan":
        kind, period = "target", meta.plan_year
    if (
        role == "plan"
        and kind == "target"
        and _already(text, m.floor, m.start)
        and _GOAL_AHEAD.search(text, m.end, sentence.end) is None
    ):
        kind, period = "actual", None
    if kind == "actual" and (para.multi_year or (role == "review" and _sums_up_years(cues, m.start))):
        # a five-year review, or a sentence of last year's that sums up the term (本届政府减少1/3…):
        # a sentence that names one of its years (2012年，…增长7.8%) speaks of that year; otherwise
        # a level at the end has the end year, a flow none
        span = (para.years or ((meta.review_year, meta.review_year) if meta.review_year else None)) if para.multi_year else None
        if past is not None and span is not None and span[0] <= past <= span[1]:
            period = past
        else:
            after = text[m.end : min(sentence.end, m.end + 24)]
            clause = text[max(cs, m.start - LOOKBACK) : m.start]
            period = _multi_year_period(m, clause, text[m.start : m.end], after, para)
    if m.baseline:
        kind = "other"
        period = None
        lead = text[cs : m.start][-14:]
        if _FROM_LAST_YEAR.search(lead):
            period = (meta.review_year - 1) if meta.review_year else None
        else:
            period = _baseline_year(lead)  # 由“十三五”末的: 2020; 由2020年的: 2020
    if m.measure is None:
        m.measure = "level"
    sec_path = titles[:] if titles is not None else _section_path(structure, m.start)  # a list per fact
    scope = m.scope if m.scope is not None else topic
    if (
        scope is not None
        and meta.jurisdiction
        and scope in (meta.jurisdiction, meta.jurisdiction.rstrip("市省县区"))
    ):
        scope = None
    # positional, in FACT_FIELDS order (keywords would cost a dict per fact; a test pins the order)
    base = Fact(
        m.start,
        m.end,
        original[m.start : m.end],  # quote: as written (預計 stays, not the folded 预计)
        float(m.value),
        m.unit,
        _MEASURE.get(m.measure) or as_measure(m.measure),
        _COMPARATOR.get(m.comparator) or as_comparator(m.comparator),
        _KIND.get(kind) or as_kind(kind),
        m.indicator,
        m.indicator_id,
        float(m.value_max) if m.value_max is not None else None,
        original[hedge_offset : hedge_offset + len(hedge)] if hedge is not None else None,
        period,
        scope,
        m.classifier,
        sec_path,
        sentence.start,
        sentence.end,
    )
    facts.append(base)
    for indicator, key, extra_scope in m.extra:
        facts.append(replace(base, indicator=indicator, indicator_id=key, scope=extra_scope, section=list(sec_path)))
    return hedge_offset


_ALREADY: Final = re.compile(r"已(?!经济)|现有|已有")  # 已建成: a plan part's figure already reached


# 中央财政已按…的4%编制预算，…确保实现这一目标: what 已 did serves a goal still to reach
_GOAL_AHEAD: Final = re.compile(r"(?:确保|力争|努力)实现(?:这一|这个|此)目标")


def _already(text: str, floor: int, at: int) -> bool:
    """已建成42个 in a plan part is reached already; 在已建成42个的基础上再新建30个: 30 is still to do
    (the 已 governs what the new figure builds on)."""
    found = _ALREADY.search(text, floor, at)
    if found is None:
        return False
    return text.find("基础上", found.end(), at) < 0


# a baseline named by its period (FACTS.md §3: 较“十三五”末的… is `other` with that year)
_BASELINE_PLAN: Final = re.compile(r"十([一二三四五六])五”?(?:末|期末|时期末)的?$")
_BASELINE_YEAR: Final = re.compile(r"((?:19|20)\d{2})\s*年(?:末|底)?的?$")
_PLAN_ORDINAL: Final = {"一": 11, "二": 12, "三": 13, "四": 14, "五": 15, "六": 16}


def _baseline_year(lead: str) -> int | None:
    """The year a baseline is of, named right before it: 由“十三五”末的 → 2020, 从2015年的 → 2015."""
    plan = _BASELINE_PLAN.search(lead)
    if plan is not None:
        return 2010 + 5 * (_PLAN_ORDINAL[plan[1]] - 11)  # 十一五 ended in 2010
    year = _BASELINE_YEAR.search(lead)
    return int(year[1]) if year is not None else None
_FROM_LAST_YEAR: Final = re.compile(r"[由从](?:上年|去年)")
_FUTURE_YEAR: Final = re.compile(r"(?<![比较与同和\d])((?:19|20)\d{2})\s*年(?!\d)")
_CORE.update({id(PAST_YEAR): _YEAR_CORE, id(_FUTURE_YEAR): _YEAR_CORE})  # each holds the core
_PAST_CUE: Final = re.compile(r"过去(?:的)?一年|一年来")  # what introduces last year's results
_OPEN_SPAN: Final = re.compile(r"今后一个时期|今后一段时期|一个时期内|长期")
_SPAN_YEARS: Final = re.compile(
    r"(?:用|在|今后|未来)?([两二三四五六七八九十\d]{1,2})年(?:内|时间|左右时间|以内)"
    r"|(?:今后|未来)([两二三四五六七八九十\d]{1,2})年"
)
# the plan year named outright: a target of 今年 is due this year even in a 十五五 section
_THIS_YEAR: Final = re.compile(r"今年|年内|全年")
_AVERAGE: Final = re.compile(r"年均|累计|五年")
_ANNUAL_LIST: Final = re.compile(r"今年[^。]{0,20}目标")  # 今年经济社会发展的主要预期目标是：…；…
_PRESENT_CUE: Final = re.compile(r"今年|明年|全年|今后|(?:19|20)\d{2}\s*年")


def _plan_time(
    text: str, m: Mention, cues: _Cues, para: Paragraph, plan_year: int | None, target_words: Sequence[str]
) -> tuple[str, int | None]:
    """Kind and period of a number in a plan part (TRACK.md §1).

    A target is due in the plan year; in the year a deadline names (到2020年, 2025年前); at
    the end of a span the sentence gives (五年内, 用两年时间) or of a multi-year plan's
    (十二五, 今后五年); an open span (今后一个时期) has no due period. Last year's results
    stated before the plan (过去一年…增长10.3%) are actuals of that year."""
    deadlines = [
        int(y[1]) for y in cues.matches_before(_FUTURE_YEAR, m.start) if plan_year and int(y[1]) > plan_year
    ]
    if deadlines:
        return "target", deadlines[-1]
    if cues.search(_OPEN_SPAN):
        return "target", None
    span = cues.search(_SPAN_YEARS)
    if span and plan_year:
        try:  # 用两三年时间: the longer end of an approximate span
            low, high = read_numeral(span[1] or span[2])
        except NumeralError:
            low, high = Decimal(0), None
        years = int(high if high is not None else low)
        if 1 < years <= 20:
            return "target", plan_year + years - 1
    lead = text[max(para.span.start, m.start - 400) : m.start]  # bounded: linear in the text
    if para.multi_year and para.years is not None:
        annual = cues.search(_THIS_YEAR) or _ANNUAL_LIST.search(lead)
        if annual and not cues.search(_AVERAGE):
            return "target", plan_year  # 今年…主要预期目标是: the annual targets of a plan part
        return "target", para.years[1]
    past = list(_PAST_CUE.finditer(lead))
    if past and plan_year and not any(cues.word_before(w, m.start) >= 0 for w in target_words):
        present = [c for c in _PRESENT_CUE.finditer(lead) if c.start() > past[-1].start()]
        if not present:
            return "actual", plan_year - 1
    return "target", para.period


_HOLDS_RANK: Final = re.compile(r"[^,，;；。]{0,16}?(?:居|位居|位列|稳居|保持)(?:全国|全省|全球|世界)?(?:第|首位)")
# what makes one sentence of a one-year review sum up several years
_SPAN_CUE: Final = re.compile(r"本届政府|五年来|过去五年|近五年|这五年")
_ONE_YEAR_CUE: Final = re.compile(r"去年|今年|一年来|过去一年|全年")
# Without lookarounds or anchors, a match in a cut text[lo:at] is a match at the same offset of
# the whole sentence, so a sentence without one has none in any cut: each pattern is its own core,
# and last_match answers None at once instead of searching again near each number.
_CORE.update({id(_SPAN_CUE): _SPAN_CUE, id(_ONE_YEAR_CUE): _ONE_YEAR_CUE})


def _sums_up_years(cues: _Cues, at: int) -> bool:
    """A span (本届政府, 五年来) named before ``at`` in the sentence, and no one year after it
    (…的基础上，去年又取消165项: the 165 are last year's). Each cue is searched once a sentence."""
    span = cues.last_match(_SPAN_CUE, at)
    if span is None:
        return False
    year = cues.last_match(_ONE_YEAR_CUE, at)
    return year is None or year.start() < span.start()


_RISEN_TO: Final = re.compile(r"[到至]\s*$")


@cache
def _reach_words() -> frozenset[str]:
    """The verbs of reaching a mark (rules/cues.toml [comparator] reach)."""
    return frozenset(extractor_rules().cue["comparator"]["reach"])


@cache
def _reached() -> re.Pattern[str]:
    """What a level reached at the end of a span follows at the end of its clause (rules/cues.toml
    [kind] level_at_end, and the reach words of [comparator])."""
    words = [*extractor_rules().words("kind", "level_at_end"), *extractor_rules().words("comparator", "reach")]
    return re.compile("(" + "|".join(map(re.escape, words)) + ")[^,，]{0,3}$")


# compiled once: _multi_year_period runs for every figure of a five-year summary
_FLOW_OVER_SPAN: Final = re.compile(r"(保持|每年|年均|累计|连续|新增)")
_STOCK_AT_END: Final = re.compile(r"(寿命|人口|总里程|里程|保有量|装机|容量)")


def _multi_year_period(m: Mention, clause: str, quote: str, after: str, para: Paragraph) -> int | None:
    """In a five-year summary, a level reached at the end has the end year; flows have none."""
    end = para.years[1] if para.years else para.period
    if m.measure == "rank":
        return end  # a place held at the end (规模升至全国第7位), even after 年均增长…、
    # a flow over the span: what its own predicate says (新增1700公里、突破7000公里: the second is where
    # the length stands at the end)
    if _FLOW_OVER_SPAN.search(clause[clause.rfind("、") + 1 :]):
        return None
    if m.measure == "share":
        # 对经济增长贡献率超60%: a contribution to the span's growth is of the whole span, unless
        # it is where a rise ended (消费贡献率由54.9%提高到58.8%)
        return None if "贡献" in clause[-12:] and not _RISEN_TO.search(clause) else end
    reached = _reached().search(clause) if m.measure == "level" else None
    if reached is not None and m.family == "count" and reached[1] in _reach_words():
        reached = None  # 连续跨越3个千亿元台阶: how many marks were crossed over the span
    if reached is not None or (m.measure == "level" and m.comparator == ">=" and quote.startswith("突破")):
        return end
    if m.measure == "level" and _STOCK_AT_END.search(clause[-10:]):
        return end
    if m.family == "count" and _HOLDS_RANK.match(after):
        return end  # 14种农产品产量居全国第1位: how many hold a place at the end
    return None


class _Paths:
    """``structure.path_at`` by bisection: between two consecutive section edges (a start or an
    end) every offset lies in the same sections, so each stretch is walked once."""

    def __init__(self, structure: Structure) -> None:
        self.structure = structure
        self.edges = sorted({e for s in structure.walk() for e in (s.span.start, s.span.end)})
        self.titles: dict[int, list[str]] = {}

    def titles_at(self, offset: int) -> list[str]:
        k = bisect_right(self.edges, offset)
        titles = self.titles.get(k)
        if titles is None:
            titles = self.titles[k] = [s.title for s in self.structure.path_at(offset)]
        return list(titles)


_last_paths: list[_Paths] = []  # the structure read last: one document at a time, most often


def _paths(structure: Structure) -> _Paths:
    paths = _last_paths[0] if _last_paths else None
    if paths is None or paths.structure is not structure:
        paths = _Paths(structure)
        _last_paths[:] = [paths]
    return paths


def _section_path(structure: Structure, offset: int) -> list[str]:
    """The titles of the sections holding ``offset``, outermost first (a new list each call)."""
    return _paths(structure).titles_at(offset)


def _sentence_titles(structure: Structure, sentence: Span) -> list[str] | None:
    """The titles of the sections holding every offset of ``sentence`` (``_section_path`` of
    each), or None when a section edge falls inside it (each offset is looked up then)."""
    if sentence.end <= sentence.start:
        return None
    paths = _paths(structure)
    if bisect_right(paths.edges, sentence.start) != bisect_right(paths.edges, sentence.end - 1):
        return None
    return paths.titles_at(sentence.start)


# --------------------------------------------------------------------------- scope



@cache
def _zone_pattern() -> re.Pattern[str]:
    scope = extractor_rules().cue["scope"]
    suffixes = sorted(scope["suffixes"], key=len, reverse=True)
    lead = sorted(scope["lead"], key=len, reverse=True)
    return re.compile(
        r"^(?:" + "|".join(map(re.escape, lead)) + r")?"
        r"(?P<name>[\u4e00-\u9fff]{2,4}?(?:" + "|".join(map(re.escape, suffixes)) + r"))"
    )


_DISTRICT: Final = re.compile(r"^(?P<name>[\u4e00-\u9fff]{2,3}(?:区|县))(?=[\u4e00-\u9fff])")
_NOT_DISTRICT: Final = re.compile(
    r"^(?:全|我|各|该|本|城乡|社区|景区|园区|市区|城区|片区|小区|街区|山区|库区|老区|特区|新区|辖区|地区|矿区|校区|郊区|牧区|灾区|功能区)"
)


@cache
def _known_district(name: str, own: str | None) -> bool:
    registry = load_jurisdictions()
    return registry.resolve(name, context=own) is not None or registry.resolve(name) is not None


@cache
def _zone_ends() -> re.Pattern[str] | None:
    """The last characters of the zone suffixes (rules/cues.toml [scope]) and of a district (区,
    县): every match of ``_zone_pattern`` or ``_DISTRICT`` holds one, so a sentence whose first
    16 characters hold none names no zone. None if a suffix is empty (then any name would do)."""
    suffixes = extractor_rules().cue["scope"]["suffixes"]
    if not all(suffixes):
        return None
    return re.compile("[" + re.escape("".join(sorted({s[-1] for s in suffixes} | {"区", "县"}))) + "]")


def sentence_zone(text: str, sentence: Span, own: str | None) -> str | None:
    """A zone or district named at the start of a sentence is what the sentence is about."""
    reach = sentence.start + 16 if sentence.start + 16 < sentence.end else sentence.end  # min, without the call
    ends = _zone_ends()
    if ends is not None and ends.search(text, sentence.start, reach) is None:
        return None  # most sentences: no cut, strip and two matches for nothing
    head = text[sentence.start : reach].lstrip()
    m = _zone_pattern().match(head) or _DISTRICT.match(head)
    if m is None:
        return None
    name = m["name"]
    lead = next((w for w in extractor_rules().cue["scope"]["lead"] if name.startswith(w)), None)
    if lead is not None:
        name = name[len(lead) :]  # 发挥国际陆港…: the verb is no part of the name
    if any(name == suffix for suffix in extractor_rules().cue["scope"]["suffixes"]):
        return None  # a bare 新区 / 国际陆港 names no particular place
    if any(name.startswith(w) for w in extractor_rules().cue["scope"]["not_zones"]) or _NOT_DISTRICT.match(name):
        return None
    if m.re is _DISTRICT and not _known_district(name, own):
        return None  # 加快区域…: a district must be one the registry knows
    if name.endswith(
        ("地区", "社区", "园区", "城区", "景区", "片区", "小区", "街区", "山区", "校区", "辖区")
    ):
        return None
    if own and (
        name == own or own.startswith(name) or (name.startswith(own.rstrip("市省县区")) and name == own)
    ):
        return None
    return name


