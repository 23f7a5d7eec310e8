"""Reading the phrase before a number: what is measured, verbs, adjuncts and indicator ids."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Final

from workreport.model import Span
from workreport.pipeline.extract.vocabulary import CLAUSE_END, LOOKBACK, SENTENCE_END, extractor_rules

# --------------------------------------------------------------------------- reading



def clause_start_at(text: str, i: int, lo: int) -> int:
    """Where the clause holding offset ``i`` begins: after the last clause break, not before ``lo``."""
    floor = max(lo, i - LOOKBACK)
    return max(floor, *(text.rfind(c, floor, i) + 1 for c in _CLAUSE_MARKS))


_CLAUSE_MARKS: Final = tuple(sorted(CLAUSE_END))


def sentence_spans(text: str, lo: int, hi: int) -> Iterator[Span]:
    """The sentences of ``text[lo:hi]``, each ending at its sentence-final punctuation."""
    start = lo
    for i in range(lo, hi):
        if text[i] in SENTENCE_END:
            if i + 1 > start:
                yield Span(start, i + 1)
            start = i + 1
    if start < hi:
        yield Span(start, hi)


@cache
def _phrase_words() -> tuple[tuple[str, ...], frozenset[str], tuple[str, ...]]:
    """(all linking words longest first, the "to" words, the lead words) from rules/cues.toml."""
    phrase = extractor_rules().cue["phrase"]
    # the verbs of reaching a mark (跨上3万亿元) say where a level stands, as 达到 does
    to = (*phrase["to"], *extractor_rules().cue["comparator"]["reach"])
    links = tuple(sorted(set(to) | set(phrase["links"]), key=len, reverse=True))
    return links, frozenset(to), tuple(phrase["lead"])


@dataclass(slots=True)
class Reading:
    """What the words before a figure say: the verb, its direction, and the indicator phrase left."""
    verb: str | None  # the up/down verb right before the number
    sign: int
    to: bool  # the number is where something ends up
    phrase: str  # what is left: the indicator as written
    links: list[str]
    leading: bool = False  # the verb leads its object: 减少企业税负3500亿元


class _Suffixes:
    """Words found as the longest one ``text`` ends with: one dict look-up per distinct length
    of the words ending in ``text``'s last character (most phrases end in a character that
    ends no word, or only words of one or two lengths)."""

    __slots__ = ("_by_last", "_empty", "_words")

    def __init__(self, words: Iterable[str]) -> None:
        self._words: dict[str, str] = {}
        for w in words:
            self._words.setdefault(w, w)
        lengths: dict[str, set[int]] = {}
        for w in self._words:
            if w:
                lengths.setdefault(w[-1], set()).add(len(w))
        self._by_last = {c: tuple(sorted(ks, reverse=True)) for c, ks in lengths.items()}
        self._empty = "" in self._words

    def longest(self, text: str) -> str | None:
        """The longest word ``text`` ends with, or None."""
        n = len(text)
        if n:
            for k in self._by_last.get(text[-1], ()):
                if k <= n and text[n - k :] in self._words:
                    return text[n - k :]
        return "" if self._empty else None


@cache
def _verb_suffixes() -> tuple[_Suffixes, _Suffixes, frozenset[str]]:
    """(links, up and down verbs, the down verbs that are no up verb) as suffix tables, built once."""
    r = extractor_rules()
    up, down = r.words("verb", "up"), r.words("verb", "down")
    return _Suffixes(_phrase_words()[0]), _Suffixes(up + down), frozenset(down) - frozenset(up)


@cache
def _names_holding(verb: str) -> tuple[str, ...]:
    """The indicator names longer than ``verb`` that end with it (经济增长 for 增长)."""
    return tuple(n for n, _ in extractor_rules().names if n.endswith(verb) and len(n) > len(verb))


@lru_cache(maxsize=8192)  # a report repeats its short phrases (增长, 、, 达到): read each once
def read_phrase(phrase: str) -> Reading:
    """Read the words before a figure: the up or down verb, whether it is a level reached, the rest.

    The reading is cached by phrase and shared: callers never change it (they make a new one)."""
    r = extractor_rules()
    link_words, verbs, down_only = _verb_suffixes()
    _, to_words, _ = _phrase_words()
    verb, sign, to = None, 1, False
    peeled: list[str] = []
    p = phrase.rstrip(" ")
    for _ in range(12):
        hit = link_words.longest(p)
        if hit is not None and not (hit in ("至", "到") and verb is not None):
            # 提高到: the verb before 到 makes a level, not a growth
            if hit in to_words and verb is None:
                to = True
            peeled.append(hit)
            p = p[: -len(hit)]
            continue
        v = verbs.longest(p)  # the longer of the up and the down verb it ends with
        if v is not None and p.endswith(_names_holding(v)):
            break  # 经济增长5.5%左右: the verb is part of the indicator's name
        if v is not None and verb is None and not (v == "增" and p.endswith("新增")):
            # 增加值 is a noun, not a verb
            if v in ("增加", "增") and p.endswith("增加值"):
                break
            verb = v
            sign = -1 if v in down_only else 1
            peeled.append(v)
            p = p[: -len(v)]
            continue
        break
    if verb is not None and to:
        # 提高到 / 下降到: the number is the level reached
        verb, sign = None, 1
    leading = False
    if verb is None and not to:
        lead = _lead_verb().match(p)
        if lead:
            verb, leading = lead[1], True
            sign = -1 if lead[1] in r.words("lead", "down") else 1
    return Reading(verb, sign, to, p, peeled, leading)


@cache
def _lead_verb() -> re.Pattern[str]:
    """再减少企业税负 / 过去一年减少贫困人口: a change verb leading its object (rules/cues.toml [lead])."""
    r = extractor_rules()
    before = sorted(r.words("lead", "before"), key=len, reverse=True)
    verbs = sorted(r.words("lead", "up") + r.words("lead", "down"), key=len, reverse=True)
    alt = "|".join(map(re.escape, before))
    return re.compile(rf"^(?:(?:{alt}))*({'|'.join(map(re.escape, verbs))})(?!值|少|到|至|为)")


PAST_YEAR: Final = re.compile(r"(?<![比较与同从由至到和\d])((?:19|20)\d{2})\s*年(?![\d底末初前后以来])")
_ADJUNCT: Final = re.compile(
    r"(?:(?:由|从|较)(?:上年|去年|年初|“?十[一二三四五]五”?(?:末|期末|时期)?|(?:19|20)\d{2}年(?:末|底)?)?的?"
    r"|比(?:上年|去年|年初|“?十[一二三四五]五”?(?:末|期末)?|(?:19|20)\d{2}年(?:末|底)?)"
    r"|连续[\d一二三四五六七八九十]+年|预计|年均|累计|同比|每年|过|超|均|都|分别|继续|持续)$"
)


def _strip_adjuncts(phrase: str) -> str:
    """地区生产总值由“十三五”末的 → 地区生产总值: what stands between a name and its number."""
    p = phrase.rstrip("的 ")
    for _ in range(6):
        q = _ADJUNCT.sub("", p).rstrip("的 ")
        if q == p or not q:
            break
        p = q
    return p


_GROWTH_TARGET_TAIL: Final = re.compile(r"(?:预期)?(增长|增速|增幅)(?:预期)?目标(?:[拟确设]?定)?$")


@cache
def _name_table() -> tuple[_Suffixes, dict[str, str]]:
    """The indicator names as a suffix table, and name → id (the first id a name is listed under)."""
    keys: dict[str, str] = {}
    for name, key in extractor_rules().names:
        keys.setdefault(name, key)
    return _Suffixes(keys), keys


@lru_cache(maxsize=8192)
def indicator_id(phrase: str) -> str | None:
    """The vocabulary id of the indicator ``phrase`` names, or None if it names none (or a narrower one)."""
    r = extractor_rules()
    p = _strip_adjuncts(phrase)
    names, keys = _name_table()
    name = names.longest(p)
    if name is not None:
        head = p[: -len(name)]
        # 教育经费支出占国内生产总值: the name after 占 is what the share is taken of, not what is measured
        return None if head.endswith(r.narrower) or head.endswith("占") else keys[name]
    target = _GROWTH_TARGET_TAIL.search(p)
    if target is not None and target.start() > 0:  # 生产总值增长目标: the target of 生产总值增长
        return indicator_id(p[: target.start()] + target[1])
    for tail in ("增速", "增长", "涨幅", "增幅", "总量", "规模", "总额"):
        if p.endswith(tail) and len(p) > len(tail):
            return indicator_id(p[: -len(tail)]) if tail not in ("总额",) else None
    return None


@lru_cache(maxsize=8192)
def clean_indicator(phrase: str) -> str:
    """``phrase`` without its leading link words and edge punctuation: the indicator as written."""
    p = phrase.strip(" 、,")
    leads = _phrase_words()[2]
    changed = p.startswith(leads)  # most phrases open with no lead word
    while changed and p:
        changed = False
        for w in leads:
            if p.startswith(w) and len(p) > len(w):
                p, changed = p[len(w) :], True
    return p.strip(" 、")


GENERIC_HEADS: Final = (
    "增加值",
    "产量",
    "总产量",
    "营收",
    "营业收入",
    "利润",
    "利税",
    "收入",
    "投资",
    "总额",
    "面积",
    "产值",
    "总量",
)
_SUBJECT_HEADS: Final = ("播种面积", "面积", "企业", "产量", "总额", "增加值", "收入")


def whole_id(composed: str) -> str | None:
    """The id of a label :func:`compose` made: a whole (总量, 规模) of a flow's subject is the stock,
    not the flow (新登记经营主体320万户、…，总量达2037.7万户: market_entities, not _new)."""
    found = indicator_id(composed.replace("…", ""))
    if found is not None and found.endswith("_new") and composed.endswith(("…总量", "…规模")):
        stock = found[: -len("_new")]
        return stock if stock in _ids() else None
    return found


@cache
def _ids() -> frozenset[str]:
    """Every indicator id of the vocabulary."""
    return frozenset(_name_table()[1].values())


def compose(previous: str, head: str) -> str:
    """粮食播种面积 + 产量 → 粮食产量; 规模以上工业企业 + 增加值 → 规模以上工业增加值; a whole of the
    same thing keeps it: 一般公共预算收入 + 总量 → 一般公共预算收入…总量."""
    if head in ("总量", "规模"):
        return f"{previous}…{head}"
    for h in _SUBJECT_HEADS:
        if previous.endswith(h) and len(previous) > len(h):
            return previous[: -len(h)] + head
    return head




# --------------------------------------------------------------------------- labels


@cache
def _label_rules() -> tuple[re.Pattern[str], tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...], str]:
    """(list marker, comparator words, object verbs, adverbs, fragment heads, not-object chars)."""
    lab = extractor_rules().cue["label"]

    def longest(words: list[str]) -> tuple[str, ...]:
        return tuple(sorted(words, key=len, reverse=True))

    return (
        re.compile("|".join(lab["markers"])),
        longest(lab["comparators"]),
        longest(lab["object_verbs"]),
        longest(lab["adverbs"]),
        longest(lab["fragments"]),
        "".join(lab["not_object"]),
    )


@lru_cache(maxsize=8192)
def strip_marker(phrase: str) -> str:
    """三是支持 → 支持; (四)新建 → 新建: a list marker at the start is no part of a name."""
    marker = _label_rules()[0]
    anchored = _markers_anchored()
    for _ in range(2):
        if anchored:  # every marker opens with ^: the one match that counts is at the start
            at = marker.match(phrase)
            q = (phrase[at.end() :] if at is not None else phrase).lstrip(" ,、")
        else:
            q = marker.sub("", phrase, count=1).lstrip(" ,、")
        if q == phrase:
            break
        phrase = q
    return phrase


@cache
def _markers_anchored() -> bool:
    """Whether every list marker of rules/cues.toml [label] is anchored at the start (``^``)."""
    return all(p.startswith("^") and "|" not in p for p in extractor_rules().cue["label"]["markers"])


def strip_comparator(phrase: str) -> str:
    """城镇登记失业率低于 → 城镇登记失业率: a comparator word is no part of a name."""
    if not phrase.endswith(_label_rules()[1]):
        return phrase
    for w in _label_rules()[1]:
        if phrase.endswith(w) and len(phrase) > len(w):
            return phrase[: -len(w)].rstrip("的 ")
    return phrase


def object_verb(phrase: str) -> str | None:
    """The verb ``phrase`` ends with when its object follows the number (实施, 办好, 年产), else None."""
    return _object_verbs().longest(phrase)


@cache
def _object_verbs() -> _Suffixes:
    return _Suffixes(_label_rules()[2])


def elide_examples(phrase: str) -> str:
    """新建甲、乙等科创平台 → 新建…科创平台: an example list ending in 等 is elided.

    A list right before the number (推进三中、七小等10所学校建设) names examples of what is
    counted, never the indicator: it is elided whatever its length (推进…)."""
    at = phrase.rfind("等")
    if at <= 0:
        return phrase
    head = phrase[:at]
    lead = ""
    if at == len(phrase) - 1:
        lead = _leading_verb(head)
        return f"{lead}…" if lead else ""
    if len(head) <= 20:
        return phrase  # a short list of examples is kept: 新建改造供热、供气、供水等管网
    for v in _label_rules()[2]:
        i = head.find(v)
        if 0 <= i <= 8:
            lead = head[: i + len(v)]
            break
    if not lead or len(head) - len(lead) <= 20:
        return phrase  # a short list of examples is kept: 新建改造供热、供气、供水等管网
    return f"{lead}…{phrase[at + 1 :]}"


def _leading_verb(head: str) -> str:
    """加快推进三中 → 加快推进: the adverbs and object verb a phrase opens with, or ''."""
    _, _, verbs, adverbs, _, _ = _label_rules()
    i = 0
    for _ in range(3):
        a = next((w for w in adverbs if head.startswith(w, i)), None)
        if a is None:
            break
        i += len(a)
    v = next((w for w in verbs if head.startswith(w, i)), None)
    return head[: i + len(v)] if v else ""


def strip_leading_verb(phrase: str) -> str:
    """加快建设“绿金通”平台 → “绿金通”平台: what a clause acts on, without its adverbs and verb."""
    lead = _leading_verb(phrase)
    return phrase[len(lead) :] if lead and len(phrase) > len(lead) else phrase


@cache
def label_words(key: str) -> tuple[str, ...]:
    """A word list of rules/cues.toml [label], longest first (subjectless, object_openers …)."""
    return tuple(sorted(extractor_rules().cue["label"][key], key=len, reverse=True))


def is_fragment(phrase: str) -> bool:
    """占全国, 总数, 较“十三五”末, 转: a phrase that only continues the subject before it."""
    if len(phrase) <= 2:
        return True
    # the heads its first character opens (most phrases: none), not a test of every head
    heads = words_by_first("fragments").get(phrase[0])
    return heads is not None and phrase.startswith(heads)


@cache
def words_by_first(key: str) -> dict[str, tuple[str, ...]]:
    """``label_words(key)`` by their first character (no word is empty): a text is tested for
    the words its character opens, most often none, not for every word."""
    out: dict[str, list[str]] = {}
    for w in label_words(key):
        out.setdefault(w[0], []).append(w)
    return {c: tuple(ws) for c, ws in out.items()}


_PAREN: Final = re.compile(r"\([^()]{1,4}\)")
_OBJECT: Final = re.compile(r"[^,，。;；:：!?\n\r\d]{1,30}")
_OBJECT_OPENS: Final = re.compile(r"[\u4e00-\u9fff“\"《]")


def counted_object_at(text: str, a: int, b: int) -> str:
    """``counted_object(text[a:b])``, without the cut when ``text[a]`` can open no name (a list
    mark, a comma, a digit): most numbers are followed by one."""
    if a >= b:
        return ""
    c = text[a]
    if not ("\u4e00" <= c <= "\u9fff" or c in _OBJECT_FIRST):
        return ""
    return counted_object(text[a:b])


# what else than a CJK ideograph an object may open with (_OBJECT_OPENS), or precede it
# (a bracketed count word, 的, 等); 的 and 等 are ideographs, tested by the range already
_OBJECT_FIRST: Final = frozenset("“\"《(")


def counted_object(after: str) -> str:
    """The name right after a number that says what it counts (个 老旧街区改造), or ''."""
    paren = _PAREN.match(after) if after.startswith("(") else None
    t = after[paren.end() :] if paren is not None else after  # 2.5万套(间)城市危旧房
    t = t[1:] if t.startswith(("的", "等")) else t
    if not _OBJECT_OPENS.match(t):
        return ""  # the name would open with t[0]: tested first, before a match up to 30 characters
    m = _OBJECT.match(t)
    if m is None:
        return ""
    if m[0][0] in _label_rules()[5] and not m[0].startswith(label_words("object_openers")):
        return ""
    return m[0].rstrip("、和与及 ")
