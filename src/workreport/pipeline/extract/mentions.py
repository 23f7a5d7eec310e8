"""Mentions: every number in a clause with its unit, comparator and form (numerals, ranks, multiples)."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from operator import attrgetter
from typing import Any, Final

from workreport import rules
from workreport.pipeline.extract.reading import Reading
from workreport.pipeline.extract.vocabulary import (
    CJK_NUMERAL,
    CLAUSE_END,
    LOOKBACK,
    MAGNITUDE_ONLY,
    Unit,
    extractor_rules,
)
from workreport.pipeline.numerals import (
    NUMERAL_PATTERN,
    NUMERAL_STARTS,
    parse_approximate,
    parse_numeral,
    read_numeral,
)
from workreport.pipeline.places import load as load_jurisdictions

# --------------------------------------------------------------------------- mentions

# Every figure holds one of these: a digit (any script: the word forms read \d), a numeral, or
# the character of a word form written without one (翻番, 倍增, 首位). A sentence with none of
# them holds no figure and is passed over whole.
FIGURE_CHARS: Final = r"[\d" + "".join(sorted(CJK_NUMERAL)) + "番倍首]"


@dataclass(slots=True)
class Mention:
    """A figure found in the text: its quote and numeral spans, value, unit, comparator and measure."""
    start: int  # quote span, comparators included
    end: int
    num_start: int  # the numeral itself
    num_end: int
    value: Decimal
    unit: str
    family: str
    comparator: str = "="
    value_max: Decimal | None = None
    classifier: str | None = None
    measure: str | None = None  # fixed by the form (rank, 翻番 …) or None
    sign: int = 1
    # filled by reading
    indicator: str = ""
    indicator_id: str | None = None
    verb_to: bool = False  # 提高到 / 增至: where something ends up
    baseline: bool = False
    scope: str | None = None
    extra: Sequence[tuple[str, str | None, str | None]] = ()  # (indicator, id, scope)
    reading: Reading | None = None
    floor: int = 0  # where the phrase read before the number starts


@cache
def _units_by_first() -> dict[str, tuple[tuple[Unit, str, int, str], ...]]:
    """The units by their first character, longest written form first, each with its written
    form, its length and the characters that may not follow it (its guard): one lookup per
    number."""
    guard = extractor_rules().guard
    out: dict[str, list[tuple[Unit, str, int, str]]] = {}
    for u in extractor_rules().units:
        if u.written:  # no text starts with an empty unit at a character (text[i] is never "")
            out.setdefault(u.written[0], []).append((u, u.written, len(u.written), guard.get(u.written, "")))
    return {c: tuple(us) for c, us in out.items()}


def _match_unit(text: str, i: int) -> Unit | None:
    """The longest unit written at ``i`` that its guard lets stand (``_unit_in``)."""
    return _unit_in(text, i)


def _unit_in(text: str, i: int) -> Unit | None:
    """The unit written at ``text[i]``: longest first, unless a character its guard forbids follows.

    Read in place, not memoised by the window of text it reads: the characters after a number
    are diverse (a memo of 4096 windows answered 13% of the look-ups of a first reading) and
    a cut and a hash per look-up cost more than the loop over the units of one character."""
    if i >= len(text):
        return None
    for u, written, n, guard in _units_by_first().get(text[i], ()):
        if text.startswith(written, i):
            k = i + n
            if k < len(text) and text[k] in guard:  # text[k] is one character: in guard is membership
                continue
            return u
    return None


@cache
def _by_edge(words: tuple[str, ...], last: bool) -> dict[str, tuple[str, ...]]:
    """``words`` by their last (or first) character, longest first."""
    out: dict[str, list[str]] = {}
    for w in sorted(set(words), key=len, reverse=True):
        if w:
            out.setdefault(w[-1] if last else w[0], []).append(w)
    return {c: tuple(ws) for c, ws in out.items()}


def _prefix(text: str, i: int, lo: int, words: Iterable[str]) -> str | None:
    if i <= lo:
        return None
    for w in _by_edge(tuple(words), True).get(text[i - 1], ()):
        if i - len(w) >= lo and text.startswith(w, i - len(w)):
            return w
    return None


def _suffix(text: str, i: int, words: Iterable[str]) -> str | None:
    if i >= len(text):
        return None
    for w in _by_edge(tuple(words), False).get(text[i], ()):
        if text.startswith(w, i):
            return w
    return None


def _in_short_quote(text: str, s: int, e: int, lo: int, hi: int) -> bool:
    """Inside “…” of at most 12 characters: a name such as “33条” or “1234”总体方案."""
    left = text.rfind("“", max(lo, s - 12), s)
    if left < 0 or "”" in text[left:s]:
        return False
    right = text.find("”", e, min(hi, e + 12))
    return right >= 0 and right - left <= 14


@cache
def _numeral_re() -> re.Pattern[str]:
    return re.compile(NUMERAL_PATTERN)


_Found = tuple[int, int, Decimal | None, Decimal | None, str]  # start, end, value, top, the run as written


@lru_cache(maxsize=8192)  # reports repeat their numerals
def _read_cached(numeral: str) -> tuple[Decimal | None, Decimal | None]:
    """``read_numeral``, with (None, None) for a run that does not parse alone."""
    try:
        return read_numeral(numeral)
    except ValueError:
        return None, None


class _Scan:
    """The numeral runs and the place names and idioms of one text, each found by ONE scan of
    the whole text; a sentence takes those inside it by bisection.

    Neither pattern can match across a sentence mark, and the numeral pattern looks ahead
    only for a digit, 万 or 亿, so the runs inside ``text[lo:hi]`` are those a scan of the
    window alone finds, unless a run crosses ``lo`` or ``hi`` or a digit, 万 or 亿 follows
    ``hi``: then the window is scanned alone (``_inside`` says None)."""

    __slots__ = ("name_spans", "name_starts", "num_ends", "num_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        # the runs as two lists of offsets, not a tuple per run: a dense list has one run per ten
        # characters, and tuples alive when the collector resumes are all walked by it
        self.num_starts, self.num_ends = _numeral_spans(text)
        names = _names_re()
        self.name_spans = [] if names is None else [m.span() for m in names.finditer(text)]
        self.name_starts = [a for a, _ in self.name_spans]


# The characters a numeral run can start with: the pattern opens with alternatives of
# character classes, for which the regex engine has no fast skip; a search for one of these
# characters has (one class), so runs are found by a search for a start, then a match there.
_RUN_START: Final = re.compile("[0-9" + "".join(sorted(NUMERAL_STARTS)) + "]")


# Most runs are plain Arabic numbers (12, 5.3) that nothing after them extends: read with this
# short pattern, they are the numeral pattern's matches, found without trying its alternatives.
# A character that could extend the run (a digit, separator, magnitude or 分之) makes it fail,
# and the full pattern decides (tests/test_extract_hot_path.py checks they agree).
_ASCII_DIGITS: Final = frozenset("0123456789")
_PLAIN_ARABIC: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?(?![0-9,./十拾百佰千仟万亿分])")


def _numeral_spans(text: str) -> tuple[list[int], list[int]]:
    """The starts and the ends of ``_numeral_re().finditer(text)``'s matches, skipping to
    possible starts."""
    starts: list[int] = []
    ends: list[int] = []
    start, match, plain = _RUN_START.search, _numeral_re().match, _PLAIN_ARABIC.match
    c = start(text)
    while c is not None:
        at = c.start()
        m = plain(text, at) if text[at] in _ASCII_DIGITS else None
        if m is None:
            m = match(text, at)
        if m is None:
            c = start(text, at + 1)
        else:
            end = m.end()
            starts.append(at)  # a match at a run start starts there
            ends.append(end)
            c = start(text, end)
    return starts, ends


_last_scan: list[_Scan] = []  # the text scanned last: extraction reads one document at a time


def _scan(text: str) -> _Scan:
    sc = _last_scan[0] if _last_scan else None
    if sc is None or sc.text is not text:
        sc = _Scan(text)
        _last_scan[:] = [sc]
    return sc


def _inside(spans: list[tuple[int, int]], starts: list[int], lo: int, hi: int) -> list[tuple[int, int]] | None:
    """The spans inside ``[lo, hi)``, or None if one crosses ``lo`` or ``hi``."""
    i = bisect.bisect_left(starts, lo)
    if i > 0 and spans[i - 1][1] > lo:
        return None
    j = bisect.bisect_left(starts, hi, i)
    if j > i and spans[j - 1][1] > hi:
        return None
    return spans[i:j]


def _inside_runs(starts: list[int], ends: list[int], lo: int, hi: int) -> tuple[int, int] | None:
    """``_inside`` for spans kept as starts and ends: the index range of those inside ``[lo, hi)``."""
    i = bisect.bisect_left(starts, lo)
    if i > 0 and ends[i - 1] > lo:
        return None
    j = bisect.bisect_left(starts, hi, i)
    if j > i and ends[j - 1] > hi:
        return None
    return i, j


_LOOKED_AHEAD: Final = frozenset("0123456789万亿")  # what the numeral pattern's lookaheads test


def _numerals(text: str, lo: int, hi: int) -> list[_Found]:
    """Numerals in ``text[lo:hi]`` (offsets relative to lo) with their value and, for an
    approximate numeral (五六十), the top of its range; None where the run does not parse
    alone (1亿3千 before 多万)."""
    sc = _scan(text)
    runs = None if hi < len(text) and text[hi] in _LOOKED_AHEAD else _inside_runs(sc.num_starts, sc.num_ends, lo, hi)
    spans: Iterable[tuple[int, int]]
    if runs is None:
        spans = [m.span() for m in _numeral_re().finditer(text, lo, hi)]
    else:
        i, j = runs
        spans = zip(sc.num_starts[i:j], sc.num_ends[i:j], strict=True)
    out: list[_Found] = []
    for a, b in spans:
        if b - a > 40:
            continue
        raw = text[a:b]
        value, top = _read_cached(raw)
        out.append((a - lo, b - lo, value, top, raw))
    return out


# Financial (大写) digits: alone in running text they are words (陆家嘴, 伍家岗, 着陆), not numbers.
_CAPITAL_DIGITS: Final = frozenset("壹贰叁肆伍陆柒捌玖拾佰仟")
_MORE: Final = "多余几"  # after a numeral: more than it (三十多个, 1亿3千多万, 十余所, 十几家)
_MORE_OR_GE: Final = frozenset(_MORE + "个")  # what opens 多万, 多个 or 个多百分点 after a numeral ("" is no member)
_SIGNS: Final = "-−－负"
_SIGN_AFTER: Final = frozenset("为是长速幅到至达高加")  # 增长负3.9%, 提高负1.1%, 增速为负: the words a signed figure follows
_PERCENT_WORDS: Final = {"百分之": Decimal(1), "千分之": Decimal(100), "万分之": Decimal(100)}


def _sign_at(text: str, s: int, lo: int) -> bool:
    """A minus sign written right before the numeral at ``s``: 增长-2.2%, 负3.9%, -22.2%.

    A dash after a digit, a point, a percent sign or a Latin letter joins a range or a code
    (4.5-5%, 2021-2025年, COVID-19) and is no sign."""
    if s <= lo or text[s - 1] not in _SIGNS:
        return False
    prev = text[s - 2] if s - 2 >= lo else ""
    if text[s - 1] == "负":
        # 增长负3.9%, 为负2%; but 税负3500亿元, 减负, 自负盈亏: after a word, 负 is part of it
        return not ("\u4e00" <= prev <= "\u9fff") or prev in _SIGN_AFTER
    return not (prev and ((prev.isascii() and prev.isalnum()) or prev in ".%％‰" or prev in CJK_NUMERAL))


_PHRASE_ENDS: Final = frozenset("，,。；;、：:（(")


def _ring_follows(text: str, end: int, hi: int, words: tuple[str, ...]) -> bool:
    """Whether one of ``words`` follows ``end`` within a few characters of the same phrase."""
    for i in range(end, min(hi, end + 8)):
        if text[i] in _PHRASE_ENDS:
            return False
        if text.startswith(words, i):
            return True
    return False


_YEARS_OF: Final = re.compile(r"年限(?:达到|提高到|提高至|达|为|超过|是)?$")  # compiled once: no cache look-up per year


def _year_unit(text: str, s: int, e: int, lo: int, hi: int, value: Decimal) -> Unit | None:
    """Years as a quantity (受教育年限10.8年): a fraction of a year, or a number after 年限."""
    if not text.startswith("年", e) or (e + 1 < hi and text[e + 1] in "底末初前后以来代度级内中"):
        return None
    head = text[max(lo, s - 8) : s]
    if value != value.to_integral_value() or _YEARS_OF.search(head):
        return Unit("年", "年", Decimal(1), "quantity")
    return None


@dataclass(frozen=True, slots=True)
class _Words:
    """The cue words ``_numeral_mentions`` looks for, as edge tables built once."""

    label_cls: frozenset[str]
    times_units: frozenset[str]
    nonfact_before: dict[str, tuple[str, ...]]
    outline_before: tuple[str, ...]
    outline_nouns: tuple[str, ...]
    nonfact_after: dict[str, tuple[str, ...]]
    prefix_ge: dict[str, tuple[str, ...]]  # reach words included
    reach: frozenset[str]  # verbs of reaching a mark (跨上): a bound on amounts only
    prefix_le: dict[str, tuple[str, ...]]
    prefix_about: dict[str, tuple[str, ...]]
    prefix_any: frozenset[str]  # the last characters of the three prefix tables' words
    # the three prefix tables' words as one, each with its length and comparator (>=, <= or ~,
    # in that order of precedence for a word of two tables), by last character, longest first
    prefix_cmp: dict[str, tuple[tuple[str, int, str], ...]]
    suffix_any: dict[str, tuple[str, ...]]  # ge, le and about
    suffix_ge: frozenset[str]
    suffix_le: frozenset[str]
    from_words: dict[str, tuple[str, ...]]
    tenths_before: dict[str, tuple[str, ...]]  # the words that make N成 before them a share
    ring_units: frozenset[str]  # 分钟, 小时: before a ring word of the phrase, part of a name
    ring_words: tuple[str, ...]


@cache
def _words() -> _Words:
    cmp = extractor_rules().cue["comparator"]
    nonfact = extractor_rules().cue["nonfact"]
    prefix_ge = _by_edge(tuple(cmp["prefix_ge"] + cmp["reach"]), True)
    prefix_le = _by_edge(tuple(cmp["prefix_le"]), True)
    prefix_about = _by_edge(tuple(cmp["prefix_about"]), True)
    return _Words(
        label_cls=frozenset(nonfact["label_classifiers"]),
        times_units=frozenset(nonfact["times_units"]),
        nonfact_before=_by_edge(tuple(nonfact["before"]), True),
        outline_before=tuple(nonfact["outline_before"]),
        outline_nouns=tuple(nonfact["outline_nouns"]),
        nonfact_after=_by_edge(tuple(nonfact["after"]), False),
        prefix_ge=prefix_ge,
        reach=frozenset(cmp["reach"]),
        prefix_le=prefix_le,
        prefix_about=prefix_about,
        prefix_any=frozenset(prefix_ge) | frozenset(prefix_le) | frozenset(prefix_about),
        prefix_cmp=_comparator_table(prefix_ge, prefix_le, prefix_about),
        suffix_any=_by_edge(tuple(cmp["suffix_ge"] + cmp["suffix_le"] + cmp["suffix_about"]), False),
        suffix_ge=frozenset(cmp["suffix_ge"]),
        suffix_le=frozenset(cmp["suffix_le"]),
        from_words=_by_edge(("从", "由"), True),
        tenths_before=_by_edge(tuple(extractor_rules().cue["measure"]["tenths_before"]), True),
        ring_units=frozenset(nonfact["ring_units"]),
        ring_words=tuple(nonfact["ring_words"]),
    )


def _comparator_table(*tables: dict[str, tuple[str, ...]]) -> dict[str, tuple[tuple[str, int, str], ...]]:
    """The ge, le and about tables (in that order) merged: per last character, every word once
    with the comparator of the first table holding it, longest first (sorted stably)."""
    out: dict[str, dict[str, str]] = {}
    for table, cmp in zip(tables, (">=", "<=", "~"), strict=True):
        for c, words in table.items():
            for w in words:
                out.setdefault(c, {}).setdefault(w, cmp)
    return {
        c: tuple(sorted(((w, len(w), cmp) for w, cmp in words.items()), key=lambda x: x[1], reverse=True))
        for c, words in out.items()
    }


def _before(text: str, i: int, lo: int, table: dict[str, tuple[str, ...]]) -> str | None:
    """``_prefix`` with a table built once: the longest word of ``table`` ending at ``i``."""
    if i <= lo:
        return None
    for w in table.get(text[i - 1], ()):
        if i - len(w) >= lo and text.startswith(w, i - len(w)):
            return w
    return None


def _after(text: str, i: int, table: dict[str, tuple[str, ...]]) -> str | None:
    """``_suffix`` with a table built once: the longest word of ``table`` starting at ``i``."""
    if i >= len(text):
        return None
    for w in table.get(text[i], ()):
        if text.startswith(w, i):
            return w
    return None


_MAGNITUDES: Final = "".join(sorted(MAGNITUDE_ONLY))
_ASCII_LETTERS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# an ASCII letter or digit, a point or a slash before a numeral: (c.isascii() and c.isalnum()) or c in "./"
_NOT_BEFORE: Final = _ASCII_LETTERS | frozenset("0123456789./")
_CJK_NUMERALS: Final = "".join(sorted(CJK_NUMERAL))


@lru_cache(maxsize=8192)  # reports repeat their numerals
def _raw_traits(raw: str) -> tuple[bool, bool, str | None]:
    """Of a numeral as written: whether it is a bare magnitude (十 is ten, 百 or 千亿 a name),
    whether it is all Chinese numerals, and the percent word it opens with (百分之 …) if any."""
    magnitude_only = raw != "十" and not raw.strip(_MAGNITUDES)
    cn = not raw.strip(_CJK_NUMERALS)
    percent_word = next((w for w in _PERCENT_WORDS if raw.startswith(w)), None) if "分之" in raw else None
    return magnitude_only, cn, percent_word


def _numeral_mentions(  # noqa: C901  (one branch per written form of a figure (ranges, ranks, percent words, multiples, signs))
    text: str, lo: int, hi: int, found: list[_Found] | None = None
) -> list[Mention]:
    cw = _words()
    label_cls = cw.label_cls
    units_at = _units_by_first()
    size = len(text)
    if found is None:
        found = _numerals(text, lo, hi)
    quoted = text.find("“", lo, hi) >= 0  # no number of a sentence without “ is in a short quote
    out: list[Mention] = []  # a list, not a generator: a compiled generator keeps every local in a heap object
    n_found = len(found)  # found is not changed below
    k = 0
    while k < n_found:
        s0, e0, parsed, top, raw = found[k]  # raw: text[s:e]
        k += 1
        s, e = lo + s0, lo + e0
        if e - s > 40 or (e - s == 1 and raw in _CAPITAL_DIGITS):  # one-character words: 陆, 伍
            continue
        if raw[0] in "零〇" and e - s > 1 and raw[1] != "点":
            continue  # 一年零三个月: 零 joins the number before; no figure opens with it (零点五 does)
        after = text[e] if e < hi else ""
        if (
            "千" in raw  # before the call: most numerals hold no 千
            and raw.endswith("千")
            and len(raw) > 1
            and _match_unit(text, e - 1) is not None
            and text[e] in "瓦米克"
        ):
            # 1.3亿千瓦: the 千 belongs to the unit
            try:
                parsed, top = parse_numeral(raw[:-1]), None
            except ValueError:
                continue
            e -= 1
            raw, after = raw[:-1], text[e]
        if parsed is None and not (after in _MORE and e + 1 < hi and text[e + 1] in "万亿"):
            continue
        value = parsed if parsed is not None else Decimal(0)
        before = text[s - 1] if s > lo else ""  # after: text[e] (or "" at hi), as set above
        if before in _NOT_BEFORE or (after in _ASCII_LETTERS and _match_unit(text, e) is None):
            continue  # 5G, A3, v2.0, 1/3: part of a code, a version or a fraction (10GW is a figure)
        if quoted and text.rfind("“", s - 12 if s - 12 > lo else lo, s) >= 0 and _in_short_quote(text, s, e, lo, hi):
            continue
        # 6600多万, 1亿3千多万, 二十几万: 多/余/几 inside the numeral before its last multiplier
        more, skip = False, 0  # 多/余/几 written; skip: what stands between the numeral and its unit
        if after in _MORE_OR_GE:  # most numbers: none of the three forms below (one test, not three)
            if after in _MORE and e + 1 < hi and text[e + 1] in "万亿千百":
                j = e + 1
                while j < hi and text[j] in "万亿千百":
                    j += 1
                try:
                    value, top = parse_numeral(raw + text[e + 1 : j]), None
                except ValueError:
                    continue
                e, more = j, True
                after = text[e] if e < hi else ""
            elif after in _MORE and e + 1 < hi and _match_unit(text, e + 1) is not None:
                more, skip = True, 1
            elif after == "个" and text[e + 1 : e + 2] in ("多", "余") and text.startswith("百分点", e + 2):
                more, skip = True, 2  # 2个多百分点
        # each word table is looked up only when the character touching the number ends (or
        # starts) one of its words: most numbers touch none
        if (
            before in cw.nonfact_before
            and _before(text, s, lo, cw.nonfact_before)
            and not (text.startswith("位", e) or text.startswith("名", e))
        ):
            continue
        if (after if e < hi else text[e : e + 1]) in cw.nonfact_after and _after(text, e, cw.nonfact_after):
            continue
        if raw[0] in _ASCII_DIGITS:
            # opening with a digit: no bare magnitude, not all Chinese, no percent word (most
            # numbers): no look-up of a new string in the cache
            magnitude_only = cn = False
            percent_word = None
        else:
            magnitude_only, cn, percent_word = _raw_traits(raw)
            if percent_word is not None and not more and after and after in _MORE:
                e, more = e + 1, True  # 百分之三十几, 百分之五十多: at least it, the word in the quote
        negative = before in _SIGNS and _sign_at(text, s, lo)
        signed = s - 1 if negative else s  # where the figure, sign included, starts
        # unit
        j = e + skip
        if skip or after == " ":  # text[j] is after otherwise: no space to pass over
            while j < hi and text[j] == " ":
                j += 1
        if percent_word is not None:
            unit: Unit | None = Unit("", "%", _PERCENT_WORDS[percent_word], "percent")
            j = e
        else:
            # _unit_in(text, j), read in place: one call less per number
            unit = None
            if j < size:
                for u, written, n, guard in units_at.get(text[j], ()):
                    if text.startswith(written, j) and not (j + n < size and text[j + n] in guard):
                        unit = u
                        break
        if unit is None and raw.endswith("千") and len(raw) > 1:
            # 300万千瓦: the 千 belongs to the unit
            alt = _match_unit(text, e - 1)
            if alt is not None and alt.written.startswith("千"):
                try:
                    value = parse_numeral(raw[:-1])
                except ValueError:
                    continue
                e, j, unit = e - 1, e - 1, alt
        touch = before if signed == s else text[signed - 1] if signed > lo else ""
        found_prefix = _comparator_before(text, signed, lo) if touch in cw.prefix_any else None
        prefix, prefix_cmp = found_prefix if found_prefix is not None else (None, "=")
        if prefix == "上" and not magnitude_only:
            prefix = None  # 上 marks a round magnitude only (上千家), not 比上5%
        elif prefix in cw.reach and (unit is None or unit.family == "count"):
            prefix = None  # 跨越3个千亿元台阶: how many marks were crossed, not a bound on it
        if magnitude_only and not prefix and not more:
            # 百万亩国家储备林, 千亿级: a round magnitude is a name unless a comparator marks it
            tail = j + (len(unit.written) if unit else 0)
            if not _after(text, tail, cw.suffix_any):
                continue
        if (
            unit is None
            and top is None
            and k < n_found
            and found[k][2] is not None
            and (
                (text[e : lo + found[k][0]] in "—–-~～至到" and not (text[e] == "到" and _before(text, s, lo, cw.from_words)))
                or (text[e] == "、" and _approximate_pair(raw, found[k][4]))
            )
        ):
            # 4.5-5%, 0.5到1个百分点: the unit is written once, after the second number, and so
            # is a magnitude (10—20亿元: 10亿 to 20亿)
            s2, e2, v2, _top2, raw2 = found[k]
            u2 = _match_unit(text, lo + e2)
            if u2 is not None and lo + s2 - e == 1 and v2 is not None:
                k += 1
                end = lo + e2 + len(u2.written)
                shared = _shared_magnitude(raw, raw2) if not raw.endswith(("万", "亿")) else None
                m = Mention(
                    start=s,
                    end=end,
                    num_start=s,
                    num_end=e,
                    value=value * u2.scale * (shared or 1),
                    unit=u2.unit,
                    family=u2.family,
                    comparator="range",
                    value_max=v2 * u2.scale,
                )
                out.append(m)
                continue
        end = -1 if unit is None else j + len(unit.written)
        if unit is None:
            unit = _year_unit(text, s, e, lo, hi, value)
            end = -1 if unit is None else e + len(unit.written)
        if unit is None:
            unit = _infer_unit(text, s, e, lo, hi, value, bool(prefix))
            if unit is None:
                continue
            end = e
        elif unit.written == "个" and text[end : end + 1] in ("、", "和") and text.find("百分点", end, end + 16) > 0:
            sibling = _sibling_unit(text, end, hi)
            if sibling is not None and sibling.unit == "pp":
                unit = sibling  # 分别高于全国12.7个、12个百分点: 百分点 is written once, for both
        if unit.written in cw.ring_units and _ring_follows(text, end, hi, cw.ring_words):
            continue  # 15分钟生活圈: a name
        if (
            cn
            and not more  # 十多个 is a count, 十个 may be a set
            and unit.unit in ("count", "person", "月")
            and (
                value == 1
                or (value <= 10 and unit.written in ("个", "期", "批", "次", "类", "种", "名", "位", "支"))
            )
        ):
            continue  # 一批, 三期, 七个方面, 八个县区: a phase or a set, not a count
        if cn and value <= 10 and unit.written in cw.times_units:
            continue  # 两度访欧, 一度: how many times, not kilowatt-hours (节电1亿度, 300万度 stay)
        if unit.family == "count":
            if cn and value <= 10 and unit.written in label_cls and not more:
                continue
            if unit.written in ("次",) and text.startswith("会", end):
                continue
            if text.endswith(cw.outline_before, lo, s) and text.startswith(cw.outline_nouns, end):
                continue  # 以下14个方面的工作: the parts of an outline
        # the table is looked up only when the next character starts one of its words
        suffix = _after(text, end, cw.suffix_any) if (text[end] if end < size else "") in cw.suffix_any else None
        if suffix in ("以上", "以下", "及以上", "及以下") and end + len(suffix) < hi:
            nxt_char = text[end + len(suffix)]
            if "\u4e00" <= nxt_char <= "\u9fff" and nxt_char not in "的为":
                continue  # 65岁以上老年人, 单笔50万元以下贷款: a threshold that defines a group
        if not value and unit.family != "percent":  # not value: no comparison of a Decimal with an int
            continue  # 零部件: 零 starts a word
        # 3月5日 → 月 is no unit; 5G → caught above; 2022年 → 年 is no unit
        comparator = "="
        if more:
            comparator = ">="
        if prefix:
            comparator = prefix_cmp
        if (suffix and suffix not in ("多", "余")) or (suffix and unit.family != "count"):
            if suffix in cw.suffix_ge:
                comparator = ">="
            elif suffix in cw.suffix_le:
                comparator = "<="
            else:
                comparator = "~"
            end += len(suffix)
        if negative:
            value, top = (-top, -value) if top is not None else (-value, None)
        # a reach verb (跨上3万亿元) bounds the figure but is a verb, not a comparator word: it
        # stays out of the quote, as 达到 does
        start = signed - len(prefix) if prefix and prefix not in cw.reach else signed
        m = Mention(start, end, s, e, value * unit.scale, unit.unit, unit.family, comparator)
        if top is not None:
            m.comparator, m.value_max = "range", top * unit.scale  # 五六十, 二三十: approximate
        if unit.family == "count" or unit.unit == "household":
            m.classifier = unit.written
        if percent_word in ("千分之", "万分之") or unit.written == "‰":
            m.measure = "share"  # a per-mille rate: 千分之三点五 is 0.35%
        # a range: 4.5%—5%, 5—6%
        nxt = found[k] if top is None and k < n_found else None
        if (
            nxt is not None
            and lo + nxt[0] == end + 1  # one mark between the two numbers
            and text[end] in _RANGE_MARKS
            and not _before(text, start, lo, cw.from_words)
        ):
            e2 = lo + nxt[1]
            j2 = e2
            u2 = _match_unit(text, j2)
            if (
                u2 is None
                and percent_word is not None
                and nxt[2] is not None
                and m.end == e
                and text[e2 : e2 + 1] not in _DATE_CHARS  # 百分之三十九点七到一九五七年: a year
                and _raw_traits(nxt[4])[2] in (None, percent_word)  # 百分之五至六, 百分之五到百分之六
            ):
                m.value_max, m.end, m.comparator = nxt[2] * unit.scale, e2, "range"
                k += 1
                out.append(m)
                continue
            if (u2 is not None and u2.unit == unit.unit) or (u2 is not None and m.end == e):
                unit2 = u2
                m.unit, m.family = unit2.unit, unit2.family
                m.value = value * unit2.scale
                if nxt[2] is None:
                    continue
                m.value_max = nxt[2] * unit2.scale
                m.end = j2 + len(unit2.written)
                suf2 = _after(text, m.end, cw.suffix_any)  # the longest word: the lists' order is no matter
                if suf2:
                    m.end += len(suf2)
                m.comparator = "range"
                k += 1
        out.append(m)
    return out


_RANGE_MARKS: Final = "—–-~～至到"  # what joins the two ends of a range (4.5%—5%, 5至6%), one character
_DATE_CHARS: Final = frozenset("年月日号")
_MAGNITUDE: Final = {"万": Decimal(10**4), "亿": Decimal(10**8), "万亿": Decimal(10**12)}
_SIBLING: Final = re.compile(r"^[、和与及]\s*[\d.,零〇一二两三四五六七八九十百千万亿]+")
_HEAD_BREAK: Final = re.compile(r"[,，;:。]")
_SUBJECT_UNIT: Final = re.compile(r"(人次|人数|人口|户数)")


def _approximate_pair(first: str, second: str) -> bool:
    """一、二千万, 二、三十亿: two neighbouring digits set apart by 、, the second with its places:
    an approximate numeral (一二千万), so a range."""
    if len(first) != 1 or first not in _ONE_DIGIT or first.isascii():
        return False
    try:
        parse_approximate(first + second)
    except ValueError:
        return False
    return True


def _sibling_unit(text: str, at: int, hi: int, *, share_magnitude: str | None = None) -> Unit | None:
    """The unit of the number written right after ``text[at]`` (、, 和, 与 or 及); with
    ``share_magnitude`` (the number before it, written without a magnitude) scaled by what
    that number shares of the next one's places (:func:`_shared_magnitude`)."""
    m = _SIBLING.match(text[at : min(hi, at + 14)])
    if m is None:
        return None
    u = _match_unit(text, at + m.end())
    if u is None:
        return None
    magnitude = _shared_magnitude(share_magnitude, m[0][1:].strip()) if share_magnitude else None
    return u if magnitude is None else Unit(u.written, u.unit, u.scale * magnitude, u.family)


_ONE_DIGIT: Final = frozenset("0123456789零〇一二两三四五六七八九")
_LEADING_DIGITS: Final = re.compile(r"[\d.,]+|[零〇一二两三四五六七八九]")


def _shared_magnitude(first: str, numeral: str) -> Decimal | None:
    """What ``first``, written before ``numeral`` (a range or a list) without a magnitude, shares
    of its places: a single digit stands where ``numeral``'s leading digit does (一、二千万: 千万;
    二、三十亿: 十亿; 5—6万: 万), any other number before its 万 or 亿 (120、150万, 十至二十万: 万);
    None if nothing is shared."""
    lead = _LEADING_DIGITS.match(numeral)
    rest = numeral[lead.end() :] if lead is not None else ""
    if not rest:
        return None
    if len(first) == 1 and first in _ONE_DIGIT and not rest.strip("十百千万亿"):
        try:
            return parse_numeral("一" + rest)
        except ValueError:
            return None
    return _MAGNITUDE.get(rest[len(rest.rstrip("万亿")) :])


def _infer_unit(
    text: str, s: int, e: int, lo: int, hi: int, value: Decimal, has_prefix: bool
) -> Unit | None:
    """A unit for a bare number from its neighbours: 1409万、1305万人次; 30万…用户; 过千亿."""
    # a sibling right after: 、/和 then a number with a unit, and its magnitude if this number
    # has none (120、150万人: 120万 and 150万)
    if e < hi and text[e] in "、和与及":
        u = _sibling_unit(text, e, hi, share_magnitude=text[s:e] if text[e - 1] not in "万亿" else None)
        if u is not None:
            return u
    # 6600多万农村人口, 30万天然气居民用户
    if value >= 10000:
        tail = re.match(r"^[\u4e00-\u9fff“”]{1,10}", text[e : min(hi, e + 12)])
        words = tail[0] if tail else ""
        if re.search(r"用户|户(?!籍)", words):
            return Unit("", "household", Decimal(1), "quantity")
        if re.search(r"人口|居民|群众|[^人]人$|人次", words[:6]) and "均" not in words[:6]:
            return Unit("", "person_time" if "人次" in words else "person", Decimal(1), "quantity")
    # 出境旅游人次由8300万增加到…: the subject names the unit
    a = s - 20 if s - 20 > lo else lo  # near: text[a:s], cut only when a subject word may be in it
    hm = None
    if text.find("人", a, s) >= 0 or text.find("户", a, s) >= 0:  # every subject word below holds one of them
        head = _HEAD_BREAK.split(text[a:s])[-1]
        hm = _SUBJECT_UNIT.search(head)
    if hm:
        return Unit(
            "",
            "person_time" if hm[1] == "人次" else "household" if hm[1] == "户数" else "person",
            Decimal(1),
            "quantity",
        )
    # 投资过千亿、产能过千亿: a bare 亿-scale amount with a comparator is money
    if has_prefix and value >= 10**8 and all(c in MAGNITUDE_ONLY for c in text[s:e]):
        return Unit("", "CNY", Decimal(1), "money")
    return None


# A numeral inside a word form: Arabic with a point, or Chinese with 点 (二点五倍, 十二点四倍).
_W: Final = r"(?:\d+(?:\.\d+)?|[〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千]*(?:点[零〇一二三四五六七八九]+)?)"
_NOT_AFTER_DIGIT: Final = r"(?<![\d.零〇一二三四五六七八九十两百千点])"


def _word_value(s: str) -> tuple[Decimal, Decimal | None] | None:
    """A numeral of a word form read exactly or as an approximate range; None if neither."""
    value, top = _read_cached(s)
    return None if value is None else (value, top)


_RANK: Final = re.compile(
    r"第\s*(\d+|[一二三四五六七八九十两]+)\s*(位|名)(?!单)"
    r"|(?:(?<=[居列排])|(?<=保持))(?:全[国省市区]|世界|全球|各省区|同类城市)?(首位|第一|第(\d+|[二三四五六七八九十两]+))"
    r"(?![批个次届类产位名\d一二三四五六七八九十])"
)
_MOVE: Final = re.compile(_NOT_AFTER_DIGIT + r"(\d+|[一二三四五六七八九十两]+)\s*(个位次|位次|位)")
_FRONT: Final = re.compile(r"前\s*(\d+|[一二三四五六七八九十两]+)\s*(位|名|强)")
_DOUBLE: Final = re.compile(r"翻了?(一|两|二|三)番|翻了?番")
_ZERO: Final = re.compile(r"零增长")
_TIMES: Final = re.compile(_NOT_AFTER_DIGIT + rf"({_W})\s*倍(半)?(多|以上|左右)?")  # 两倍半: 2.5 times
# 倍增 after 实现 or before a clause mark; written with 倍增 first (the lookbehind then reads
# 实现倍增 back from its end), the engine skips to 倍 instead of trying every character
_DOUBLING: Final = re.compile(r"倍增(?:(?<=实现倍增)|(?=[,，。;]))")
_TENTHS: Final = re.compile(
    _NOT_AFTER_DIGIT
    + r"(\d+(?:\.\d+)?|[一二两三四五六七八九十]{1,2})\s*成"
    # 一成半 (15%), 九成五 (95%): a half or a digit after 成 is the next place down
    + r"(半|[一二三四五六七八九](?![〇零一二两三四五六七八九十百千万亿个]))?"
    + r"(以上|左右|多|以下)?"
)
# 七成以上企业, 八成的村: N成 is a share when what follows is counted
_TENTHS_COUNTED: Final = re.compile(
    r"的|[\u4e00-\u9fff]{0,4}(?:企业|居民|农户|群众|村|人|家庭|学校|医院|乡镇|社区|县|项目|产品|工程|地区|城市)"
)
_FRACTION: Final = re.compile(
    r"(?<![\d.一二三四五六七八九十两百])(\d+)\s*/\s*(\d+)"
    r"|(?<![一二三四五六七八九十百])([一二三四五六七八九十百]+)分之([一二三四五六七八九十]+)"
)


# The word-form patterns below open with a lookbehind, for which the regex engine has no
# fast skip: finditer would try them at every character of the sentence. Each match holds a
# mark (倍, 成, 个 or 位, / or 分) right after a number (and spaces, except before 分之), and
# every character of that number is one the lookbehind refuses: the match starts where the
# run of such characters before the mark starts, or right after a space inside the run.
# Per pattern: its marks, and per mark the run's characters besides decimal digits, and
# whether digits and spaces belong to the run.
_CN_RUN: Final = frozenset("零〇一二三四五六七八九十两百千点.")
_MARKED: Final[dict[int, tuple[re.Pattern[str], dict[str, tuple[frozenset[str], bool]]]]] = {
    id(_TIMES): (re.compile("倍"), {"倍": (_CN_RUN, True)}),
    id(_MOVE): (re.compile("[个位]"), {"个": (_CN_RUN, True), "位": (_CN_RUN, True)}),
    id(_TENTHS): (re.compile("成"), {"成": (_CN_RUN, True)}),
    id(_FRACTION): (
        re.compile("[/分]"),
        {"/": (frozenset(), True), "分": (frozenset("一二三四五六七八九十百"), False)},
    ),
}


def _matches_near_marks(
    pattern: re.Pattern[str],
    marks: re.Pattern[str],
    starts: Callable[[re.Match[str], int], Iterable[int]],
    text: str,
    lo: int,
    hi: int,
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, lo, hi)`` for a pattern whose every match starts at one of the
    offsets ``starts(mark, pos)`` gives for the first of ``marks`` at or after ``pos`` (the end
    of the last match): the pattern is tried there only, in order, not at every character."""
    pos = lo
    while (mark := marks.search(text, pos, hi)) is not None:
        for p in starts(mark, pos):
            m = pattern.match(text, p, hi)
            if m is not None:
                yield m
                pos = m.end()
                break
        else:
            pos = mark.start() + 1


def _matches(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, lo, hi)``, the pattern tried only at the number before each of
    its marks (``_MARKED``): as many tries as marks, not one per character."""
    marks, runs = _MARKED[id(pattern)]

    def number_starts(mark: re.Match[str], pos: int) -> Iterator[int]:
        t = mark.start()
        chars, digits_and_spaces = runs[mark[0]]
        s = t
        while s > pos and (
            text[s - 1] in chars or (digits_and_spaces and (text[s - 1].isdecimal() or text[s - 1].isspace()))
        ):
            s -= 1
        # not right after a character of the number (the lookbehind refuses there)
        return (p for p in range(s, t) if p == s or text[p - 1].isspace())

    return _matches_near_marks(pattern, marks, number_starts, text, lo, hi)


# A character every word form holds, one per test of _word_mentions (第 or 首位, 前, 位, 百 千 万 亿,
# 番, 一半, 零增长, 倍, 成, / or 分之): a sentence without any yields none.
_WORD_FORM_CHAR: Final = re.compile("[第首前位百千万亿番半零倍成/分]")


def _word_mentions(text: str, lo: int, hi: int) -> Iterator[Mention]:  # noqa: C901  (one branch per word form of a figure (翻番, 零增长, 成, fractions, ranks))
    """Facts written with words or special forms: ranks, 翻番, 零增长, 倍, 成, fractions.

    Each form's pattern runs only where the sentence holds the character it cannot be written
    without (第 or 首位, 前, 位, 上, 番, 零增长, 倍, 成, / or 分之): most sentences hold none."""
    cue = extractor_rules().cue["measure"]
    seg = text[lo:hi]
    if "第" in seg or "首位" in seg:
        yield from _ranks(text, lo, hi)
    if "前" in seg:
        for m in _FRONT.finditer(text, lo, hi):
            read = _word_value(m[1])
            if m[2] == "强" or read is None:
                continue
            front = Mention(
                m.start(), m.end(), m.start(1), m.end(1), read[0], "rank", "rank", comparator="<=", measure="rank"
            )
            yield _ranged(front, read)
    if "位" in seg:
        yield from _moves(text, lo, hi, cue)
    if "百" in seg or "千" in seg or "万" in seg or "亿" in seg:
        yield from _above(text, lo, hi)
    if "番" in seg:
        for m in _DOUBLE.finditer(text, lo, hi):
            n = {"一": 1, "两": 2, "二": 2, "三": 3}.get(m[1] or "一", 1)
            yield Mention(
                m.start(), m.end(), m.start(), m.end(), Decimal(100 * (2**n - 1)), "%", "percent", measure="growth"
            )
    if "一半" in seg:
        yield from _halves(text, lo, hi)
    if "零增长" in seg:
        for m in _ZERO.finditer(text, lo, hi):
            yield Mention(m.start(), m.end(), m.start(), m.end(), Decimal(0), "%", "percent", measure="growth")
    if "倍" in seg:
        for m in _matches(_TIMES, text, lo, hi):
            read = _word_value(m[1])
            if read is None:
                continue
            if m[2] and read[1] is not None:
                continue  # 两三倍半 means nothing
            cmp = {"多": ">=", "以上": ">=", "左右": "~"}.get(m[3] or "", "=")
            value = (read[0] + (_HALF if m[2] else 0)) * 100
            times = Mention(m.start(), m.end(), m.start(1), m.end(1), value, "%", "percent", comparator=cmp, measure="times")
            times = _with_comparators(text, lo, hi, times)
            if times.comparator == "=" and times.start > lo and text[times.start - 1] == "的":
                times.comparator = _comparator_of_base(text, lo, times.start - 1)
            yield _ranged(times, read, 100)
        for m in _DOUBLING.finditer(text, lo, hi):
            yield Mention(m.start(), m.end(), m.start(), m.end(), Decimal(100), "%", "percent", measure="growth")
    if "成" in seg:
        yield from _tenths(text, lo, hi)
    if "/" in seg or "分之" in seg:
        yield from _fractions(text, lo, hi)


# _RANK's second arm opens with a lookbehind, for which the regex engine has no fast skip: its
# finditer tried every character of the sentence. Every match holds 第 or 首 (of 首位) at most
# _RANK_LEAD characters after its start, with no 第 or 首 before it (the groups 全国, 同类城市 …
# hold neither): so it starts at most _RANK_LEAD characters before the first 第 or 首 at or
# after its start, and only those offsets are tried.
_RANK_MARK: Final = re.compile("[第首]")
_RANK_LEAD: Final = 4  # the longest group before 首位 or 第 (同类城市)


def _rank_starts(mark: re.Match[str], pos: int) -> range:
    t = mark.start()
    return range(t - _RANK_LEAD if t - _RANK_LEAD > pos else pos, t + 1)


def _rank_matches(text: str, lo: int, hi: int) -> Iterator[re.Match[str]]:
    """``_RANK.finditer(text, lo, hi)``, tried only at the offsets up to ``_RANK_LEAD`` before each
    第 or 首."""
    return _matches_near_marks(_RANK, _RANK_MARK, _rank_starts, text, lo, hi)


def _ranks(text: str, lo: int, hi: int) -> Iterator[Mention]:
    """第3位, 居全国首位, 位列全国第十二, 保持全国第一."""
    for m in _rank_matches(text, lo, hi):
        if m[4]:  # 位列全国第十二: a ranking verb names the rank without 位 or 名
            read = _word_value(m[4])
            if read is not None:
                yield _ranged(Mention(m.start(3), m.end(), m.start(4), m.end(4), read[0], "rank", "rank", measure="rank"), read)
            continue
        if m[3]:
            yield Mention(
                m.start(3), m.end(), m.start(3), m.end(), Decimal(1), "rank", "rank", measure="rank"
            )
            continue
        read = _word_value(m[1])
        if read is None or (text.startswith("第", m.start()) and m.end() < hi and text[m.end()] in "次"):
            continue
        yield _ranged(Mention(m.start(), m.end(), m.start(1), m.end(1), read[0], "rank", "rank", measure="rank"), read)


def _moves(text: str, lo: int, hi: int, cue: dict[str, list[str]]) -> Iterator[Mention]:
    """提升3个位次, 前移两位."""
    for m in _matches(_MOVE, text, lo, hi):
        if m.start() > lo and text[m.start() - 1] in "第前":
            continue
        verb_up = _prefix(text, m.start(), max(lo, m.start() - 6), cue["move_up"])
        verb_down = _prefix(text, m.start(), max(lo, m.start() - 6), cue["move_down"])
        if m[2] == "位" and not (verb_up or verb_down):
            continue
        if not (verb_up or verb_down) and "位次" not in m[2]:
            continue
        read = _word_value(m[1])
        if read is None:
            continue
        sign = -1 if verb_down else 1
        cls = "个" if m[2].startswith("个") else None
        move = Mention(
            m.start(), m.end(), m.start(1), m.end(1), read[0] * sign, "rank", "rank",
            measure="change_rank", classifier=cls,
        )  # fmt: skip
        yield _ranged(move, read, sign)


@cache
def _round_magnitude() -> tuple[re.Pattern[str], frozenset[str]]:
    """The pattern of a comparator word before a bare 百, 千, 万 or 亿 (上千, 近百, 逾万, 超百亿)
    and the words that mean "about"."""
    cmp = extractor_rules().cue["comparator"]
    ge, about = cmp["prefix_ge"] + cmp["reach"], cmp["prefix_about"]
    words = sorted({*ge, *about}, key=len, reverse=True)
    pattern = re.compile("(" + "|".join(map(re.escape, words)) + ")([百千万亿])")
    return pattern, frozenset(about)


def _above(text: str, lo: int, hi: int) -> Iterator[Mention]:
    """上百亿元, 上千家, 近百个, 逾万人: a round magnitude reached, passed or neared."""
    pattern, about = _round_magnitude()
    for m in pattern.finditer(text, lo, hi):
        a, b = m.start(), m.end()
        unit = _match_unit(text, b)
        if unit is None or unit.family not in ("quantity", "money", "count"):
            continue  # 近百年, 上万元钱 …: no unit of an amount (上千 alone names nothing)
        if m[1] == "过" and a > lo and text[a - 1] in _NOT_PAST:
            continue  # 经过, 通过: a verb
        if m[1] not in about and text.startswith("的", b + len(unit.written)):
            continue  # 年销售收入超亿元的企业: a threshold that defines what is counted
        yield Mention(
            m.start(2) if m[1] in _words().reach else a,  # 跨上千亿元: the verb stays out of the quote
            b + len(unit.written),
            m.start(2),
            b,
            parse_numeral(m[2]) * unit.scale,
            unit.unit,
            unit.family,
            comparator="~" if m[1] in about else ">=",
            classifier=unit.written if unit.family == "count" else None,
        )


def _fractions(text: str, lo: int, hi: int) -> Iterator[Mention]:
    """1/3, 三分之一, 近三分之一 as a percent."""
    for m in _matches(_FRACTION, text, lo, hi):
        if m[1]:
            num, den = Decimal(m[1]), Decimal(m[2])
        elif m[3] in ("百", "千", "万"):
            continue  # 百分之五, 千分之三: percent words, read with the numerals
        else:
            den_read, num_read = _word_value(m[3]), _word_value(m[4])
            if den_read is None or num_read is None or den_read[1] is not None or num_read[1] is not None:
                continue
            den, num = den_read[0], num_read[0]
        if den == 0 or num >= den:
            continue
        part = Mention(m.start(), m.end(), m.start(), m.end(), num / den * 100, "%", "percent", measure="fraction")
        yield _with_comparators(text, lo, hi, part)


_BASE_COMPARATOR: Final = re.compile(r"(不低于|不少于|不高于|不超过|不多于|高于|低于|超过)[^,，;；。：:]{1,20}$")


def _comparator_of_base(text: str, lo: int, at: int) -> str:
    """不低于当地最低生活保障标准的1.6倍: the comparator word before the base (``text[..at]``, the
    base ending at its 的) bounds the multiple; ``=`` if none."""
    found = _BASE_COMPARATOR.search(text, max(lo, at - 24), at)
    if found is None:
        return "="
    word = found[1]
    return "<=" if word in ("不高于", "不超过", "不多于", "低于") else ">="


def _halves(text: str, lo: int, hi: int) -> Iterator[Mention]:
    """减少了一半, 超过一半, 一半以上的县: 一半 is 50%, a part of a whole or, after a verb, a change
    (measure ``fraction``, as N成); alone (完成了一半工作, 另一半) it is prose."""
    cw = _words()
    at = text.find("一半", lo, hi)
    while at >= 0:
        end = at + 2
        if at == lo or text[at - 1] != "另":
            half = _with_comparators(
                text, lo, hi, Mention(at, end, at, end, Decimal(50), "%", "percent", measure="fraction")
            )
            if (
                half.start < at
                or half.end > end
                or _TENTHS_COUNTED.match(text, end, hi) is not None
                or _before(text, at, lo, cw.tenths_before)
            ):
                yield half
        at = text.find("一半", end, hi)


def _ranged(m: Mention, read: tuple[Decimal, Decimal | None], scale: Decimal | int = 1) -> Mention:
    """``m`` as the range an approximate numeral spans (二三十倍, 前二三十位), else unchanged."""
    if read[1] is not None:
        low, high = sorted((read[0] * scale, read[1] * scale))
        m.value, m.value_max, m.comparator = low, high, "range"
    return m


def _with_comparators(text: str, lo: int, hi: int, m: Mention) -> Mention:
    """近两倍, 超三成, 三分之一左右: the comparator words written right before and after a
    word-form figure join its quote and set its comparator (unless its form gave one: 三成以上),
    as a number's do."""
    cw = _words()
    suffix = _after(text, m.end, cw.suffix_any) if m.end < hi else None
    if suffix is not None and m.end + len(suffix) <= hi:
        m.end += len(suffix)
        if m.comparator == "=":
            m.comparator = ">=" if suffix in cw.suffix_ge else "<=" if suffix in cw.suffix_le else "~"
    if m.start <= lo or text[m.start - 1] not in cw.prefix_any:
        return m
    found = _comparator_before(text, m.start, lo)
    if found is None or found[0] == "上":
        return m  # 比上两成 is no comparator
    m.start -= len(found[0])
    if m.comparator == "=":
        m.comparator = found[1]
    return m


def _comparator_before(text: str, at: int, lo: int) -> tuple[str, str] | None:
    """The longest comparator word written right before ``at`` and the comparator it gives
    (超过 >=, 不超过 <=, 近 ~), or None; 过 after 经, 通 … is part of a verb (经过).

    One walk over the merged table (``_Words.prefix_cmp``): its first word written there is the
    longest of the three tables' words, and the table that gives its comparator comes first."""
    if at <= lo:
        return None
    for word, n, cmp in _words().prefix_cmp.get(text[at - 1], ()):
        if at - n >= lo and text.startswith(word, at - n):
            if word == "过" and text[at - 2 : at - 1] in _NOT_PAST:
                return None
            return word, cmp
    return None


_NOT_PAST: Final = frozenset("经通超度越穿不")  # 过 after these is a word (经过), not "more than"


_HALF: Final = Decimal("0.5")
_TENTH_DIGITS: Final = {c: d for d, c in enumerate("一二三四五六七八九", 1)}


def _tenths(text: str, lo: int, hi: int) -> Iterator[Mention]:
    """占全国9成, 七成以上企业, 近两成, 占比达到六成, 下降两成: N成 (N×10 %), a part of a whole
    or, after a verb, a change (measure ``fraction``: see ``facts._measure``)."""
    cw = _words()
    for m in _matches(_TENTHS, text, lo, hi):
        if m.start() > lo and text[m.start() - 1] in "第":
            continue
        if m.end() < hi and text[m.end()] in "员本果立绩为功熟交":
            continue
        read = _word_value(m[1])
        if read is None or (m[2] and read[1] is not None):
            continue
        cmp = {"以上": ">=", "多": ">=", "左右": "~", "以下": "<="}.get(m[3] or "", "=")
        value = read[0] * 10 + (5 if m[2] == "半" else _TENTH_DIGITS.get(m[2] or "", 0))
        tenths = Mention(
            m.start(), m.end(), m.start(1), m.end(1), value, "%", "percent", comparator=cmp, measure="fraction"
        )
        tenths = _with_comparators(text, lo, hi, tenths)
        if not (
            m[3] is not None
            or tenths.start < m.start()
            or _TENTHS_COUNTED.match(text, m.end(), hi) is not None
            or _before(text, tenths.start, lo, cw.tenths_before)
        ):
            continue  # 三成 alone: a name (三成集团) as often as a share
        yield _ranged(tenths, read, 10)


@cache
def _names_held() -> tuple[str, ...]:
    """Place names (rules/jurisdictions*.csv) and idioms (rules/idioms.txt) holding a numeral,
    longest first."""
    names = {j.name for j in load_jurisdictions()}
    names.update(
        line.strip() for line in rules.text("idioms.txt").splitlines() if line.strip() and not line.startswith("#")
    )
    return tuple(sorted((n for n in names if len(n) >= 2 and any(c in CJK_NUMERAL for c in n)), key=len, reverse=True))


@cache
def _names_re() -> re.Pattern[str] | None:
    """The names of ``_names_held`` as one pattern: at each offset, the longest name written there.

    Written as a trie (一(?:带一路|...)...), not as the names longest first joined by ``|``: the
    two match the same longest name at the same offsets (literals only, no name empty), but at
    each offset holding a name's first character the engine tried every name (228, 55 of them
    opening with 一) one after another; in the trie it follows the text's characters."""
    held = _names_held()
    return re.compile(_trie_pattern(held)) if held else None


def _trie_pattern(words: Iterable[str]) -> str:
    """A pattern matching, at an offset, the longest of ``words`` (non-empty literals) written there."""
    root: dict[str, dict[str, Any]] = {}
    for w in words:
        node = root
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}  # a word ends here
    return _trie_branch(root)


def _trie_branch(node: dict[str, Any]) -> str:
    arms = [re.escape(c) + _trie_branch(child) for c, child in sorted(node.items()) if c]
    if not arms:
        return ""
    body = arms[0] if len(arms) == 1 else "(?:" + "|".join(arms) + ")"
    # a word ends here and a longer one goes on: greedy, the longer is tried first
    return f"(?:{body})?" if "" in node else body


def _name_spans(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Spans of place names and idioms in ``text[lo:hi]``: numerals inside them are no figures."""
    pattern = _names_re()
    if pattern is None:
        return []
    sc = _scan(text)
    spans = _inside(sc.name_spans, sc.name_starts, lo, hi)
    return [m.span() for m in pattern.finditer(text, lo, hi)] if spans is None else spans


class _Taken:
    """Disjoint-or-not spans, sorted, asked whether a span overlaps any: log time per question."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [a for a, _ in self.spans]
        # the furthest end among the spans up to each index: overlaps need only the prefix
        self.reach = list(itertools.accumulate((b for _, b in self.spans), max))

    def overlaps(self, a: int, b: int) -> bool:
        """Whether ``[a, b)`` overlaps one of the spans."""
        if not self.starts:
            return False
        i = bisect.bisect_left(self.starts, b)  # spans starting before b
        return i > 0 and self.reach[i - 1] > a

    def free(self, ms: list[Mention]) -> list[Mention]:
        """``[m for m in ms if not self.overlaps(m.num_start, m.num_end)]``: for numerals in text
        order, the spans starting before each are counted on from the last, not bisected."""
        starts, reach, n = self.starts, self.reach, len(self.starts)
        if not n:
            return list(ms)
        out: list[Mention] = []
        i, last = 0, 0
        for m in ms:
            a, b = m.num_start, m.num_end
            if b < last:
                i = bisect.bisect_left(starts, b)  # out of order: counted again
            else:
                while i < n and starts[i] < b:
                    i += 1
            last = b
            if not (i > 0 and reach[i - 1] > a):
                out.append(m)
        return out


def _clause_start(breaks: list[int], i: int, lo: int) -> int:
    """``clause_start_at(text, i, lo)`` by bisection over ``breaks``, the offsets of the clause
    marks of the sentence (``_clause_marks``)."""
    floor = max(lo, i - LOOKBACK)
    k = bisect.bisect_left(breaks, i) - 1  # the last clause mark before i
    return breaks[k] + 1 if k >= 0 and breaks[k] >= floor else floor


def _clause_marks(text: str, lo: int, hi: int) -> list[int]:
    """The offsets of the clause marks in ``text[lo:hi]``: one scan, then bisection."""
    return [x.start() for x in _CLAUSE_END_RE.finditer(text, lo, hi)]


def _heads_subject(text: str, lo: int, a: Mention, b: Mention, breaks: list[int]) -> bool:
    """八家监管企业营收、利税均增长20%以上: a count opening its clause names the group a later
    rate or amount of the same clause is about (``breaks``: the sentence's clause marks)."""
    if a.family != "count" or b.family not in _HEADED:
        return False
    # the count opening its clause first: in a list most counts open none, and the text between
    # the two is then neither cut nor searched (the pattern, a character class, finds in
    # text[a.end : b.start] what it finds in that cut)
    return (
        b.start - a.end <= 25
        and a.start - _clause_start(breaks, a.start, lo) <= 2
        and not _CLAUSE_BREAK.search(text, a.end, b.start)
    )


_CLAUSE_BREAK: Final = re.compile(r"[,，;:。]")
_HEADED: Final = ("percent", "points", "money")  # what a count opening its clause may head (_heads_subject)


def _subject_counts(text: str, lo: int, hi: int, out: list[Mention]) -> tuple[set[int], list[int] | None]:
    """The ids of the counts in ``out`` that label a subject, not a measure (全国36个省会…城市中从第27位…,
    74个重点城市…浓度下降9.1%), and the sentence's clause marks if they were read meanwhile."""
    labels = set()
    breaks: list[int] | None = None  # the clause marks of the sentence, found when first needed
    # zip reuses its pair when the loop unpacks it (pairwise makes a tuple per pair, for the collector)
    for a, b in zip(out, itertools.islice(out, 1, None), strict=False):
        if a.family != "count":
            continue
        # the text between the two, text[ae:bs], read in place: most counts are followed by a
        # list mark, and a cut (and a cut of its first character) per count cost more than the test
        ae, bs = a.end, b.start
        if (
            bs - ae <= 25
            and (text[ae] if ae < bs else "") not in _LABEL_BREAK_FIRST  # a list mark right after: the search's first hit
            and not _LABEL_BREAK.search(text, ae, bs)
            and not (ae < bs and text[bs - 1] == "每")
            and not _EACH_TAIL.search(text, ae, bs)  # its $ holds at bs as at the end of the cut
            # 14种农产品产量居全国第1位: how many hold the rank (in 36个城市中…第27位, the group it is among)
            and not (b.family == "rank" and text.find("中", ae, bs) < 0)
        ):
            labels.add(id(a))
        elif b.family in _HEADED:
            if breaks is None:
                breaks = _clause_marks(text, lo, hi)
            if _heads_subject(text, lo, a, b, breaks):
                labels.add(id(a))
    return labels, breaks


def find_mentions(text: str, lo: int, hi: int) -> list[Mention]:
    """Every figure in ``text[lo:hi]``, in text order; word forms win over numerals they overlap.

    Numerals inside a place name or an idiom (九台区, 八方支援) are dropped."""
    # one search for the characters _word_mentions tests for one by one: most sentences hold none
    words = list(_word_mentions(text, lo, hi)) if _WORD_FORM_CHAR.search(text, lo, hi) is not None else []
    found = _numerals(text, lo, hi)
    if not words and not found:
        return []
    numbers = _numeral_mentions(text, lo, hi, found)  # read whatever names there are: it needs none
    if not numbers and not words:
        return []  # most sentences left: numerals in words (一批, 进一步), no figure; names need no look-up
    # a _Taken only of spans there are: most sentences hold no name and no word form, and an
    # empty one frees every mention (its spans are those it is given, sorted)
    name_spans = _name_spans(text, lo, hi)
    names = _Taken(name_spans) if name_spans else None
    if names is not None:
        words = [w for w in words if not names.overlaps(w.num_start, w.num_end)]
    if names is not None:
        numbers = names.free(numbers)
    if words:
        numbers = _Taken([(w.start, w.end) for w in words]).free(numbers)
    if not numbers and not words:
        return []
    # by (start, end): by end, then (stably) by start; no key tuple made per mention
    out = sorted(words + numbers, key=_END)
    out.sort(key=_START)
    labels, breaks = _subject_counts(text, lo, hi, out)
    if labels:
        out = [m for m in out if id(m) not in labels]
    if text.find("第", lo, hi) < 0:
        return out
    # ordinals make what follows in the clause a class, not a measure: 第4个吞吐量超千万人次的机场
    result = []
    if breaks is None:
        breaks = _clause_marks(text, lo, hi)
    for m in out:
        # the clause starts LOOKBACK characters back at most: without 第 there (most numbers)
        # it holds no ordinal, and its start is not looked up
        if text.find("第", m.start - LOOKBACK if m.start - LOOKBACK > lo else lo, m.start) >= 0:
            clause_start = _clause_start(breaks, m.start, lo)
            if text.find("第", clause_start, m.start) >= 0 and _ORDINAL_CLASS.search(text[clause_start : m.start]):
                continue
        result.append(m)
    return result


_SPAN_KEY: Final = attrgetter("start", "end")
_START: Final = attrgetter("start")
_END: Final = attrgetter("end")


_CLAUSE_END_RE: Final = re.compile("[" + re.escape("".join(sorted(CLAUSE_END))) + "]")
_LABEL_BREAK: Final = re.compile(r"[,，;:。、和与及等]")
_LABEL_BREAK_FIRST: Final = frozenset(",，;:。、和与及等")  # its characters (a set: "" is in no set)
_EACH_TAIL: Final = re.compile(r"每[\u4e00-\u9fff]{0,3}$")
_ORDINAL_CLASS: Final = re.compile(r"第\s*[\d一二三四五六七八九十]+\s*[个家座所]")


