"""Extract stage: every number that measures something, normalised, with its exact span.

The contract is FACTS.md. The pipeline per sentence:

1. *mentions*: numerals with their unit and the comparator words that touch them
   (``20%以上``, ``超过90亿元``), plus word forms (``翻一番``, ``零增长``, ``首位``);
   numbers that are names, ordinals, dates or labels are dropped here;
2. *reading*: for each mention, the phrase before it in its clause gives the verb (sign and
   measure) and the indicator; elided subjects (``生产总值3420亿元、增长1.5%``) inherit;
3. *distribution*: ``A、B均增长…`` gives one fact per subject, ``A、B分别…X、Y`` pairs them;
4. *context*: kind, hedge, period and scope from the paragraph's role and the cue words.

Matching runs on the normalised text, which has the same length as the original, so every
offset found is an offset of the original; quotes are cut from the original.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache

from . import rules
from .core import Document, Fact, Paragraph, Span, Structure
from .jurisdictions import load as load_jurisdictions
from .normalise import normalise
from .numerals import NUMERAL_PATTERN, parse_numeral
from .structure import structure as structure_of

_SENTENCE_END = set("。!?;\n\r")
_CLAUSE_END = set(",，:。!?;\n\r")
_LIST_SEP = "、和与及"
_CJK_NUMERAL = set("零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟")
_MAGNITUDE_ONLY = set("十百千万亿")
_LOOKBACK = 60  # characters of a clause read before a number: bounds the work per number


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True, slots=True)
class _Unit:
    written: str
    unit: str
    scale: Decimal
    family: str  # percent | points | rank | money | quantity | count


@dataclass(frozen=True, slots=True)
class _Rules:
    units: tuple[_Unit, ...]  # longest written form first
    guard: dict[str, str]  # one-character unit → characters that may not follow it
    firm_words: tuple[str, ...]
    names: tuple[tuple[str, str], ...]  # (name, id), longest first
    narrower: tuple[str, ...]
    cue: dict[str, dict[str, list[str]]]

    def words(self, section: str, key: str) -> list[str]:
        return self.cue[section][key]


@cache
def _rules() -> _Rules:
    u = rules.load("units")
    units: list[_Unit] = []
    for family in ("percent", "points", "rank", "money", "quantity"):
        for written, spec in u[family].items():
            units.append(_Unit(written, spec["unit"], Decimal(str(spec["scale"])), family))
    for word in u["count"]["words"]:
        units.append(_Unit(word, "count", Decimal(1), "count"))
    units.sort(key=lambda x: len(x.written), reverse=True)
    ind = rules.load("indicators")
    names = [(n, key) for key, spec in ind.items() if key != "narrower" for n in spec["names"]]
    names.sort(key=lambda x: len(x[0]), reverse=True)
    cues = rules.load("cues")
    return _Rules(
        units=tuple(units),
        guard=dict(u.get("guard", {})),
        firm_words=tuple(u["count"]["firm_words"]),
        names=tuple(names),
        narrower=tuple(ind["narrower"]["prefixes"]),
        cue=cues,
    )


def indicator_names() -> dict[str, list[str]]:
    """The vocabulary: indicator id → its Chinese names."""
    out: dict[str, list[str]] = {}
    for name, key in _rules().names:
        out.setdefault(key, []).append(name)
    return out


# --------------------------------------------------------------------------- mentions


@dataclass(slots=True)
class _Mention:
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
    extra: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # (indicator, id, scope)
    reading: _Reading | None = None
    floor: int = 0  # where the phrase read before the number starts


def _match_unit(text: str, i: int) -> _Unit | None:
    r = _rules()
    for u in r.units:
        if text.startswith(u.written, i):
            nxt = text[i + len(u.written) : i + len(u.written) + 1]
            if nxt and nxt in r.guard.get(u.written, ""):
                continue
            return u
    return None


def _prefix(text: str, i: int, lo: int, words: Iterable[str]) -> str | None:
    best = None
    for w in words:
        if i - len(w) >= lo and text.startswith(w, i - len(w)) and (best is None or len(w) > len(best)):
            best = w
    return best


def _suffix(text: str, i: int, words: Iterable[str]) -> str | None:
    best = None
    for w in words:
        if text.startswith(w, i) and (best is None or len(w) > len(best)):
            best = w
    return best


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


def _numerals(text: str, lo: int, hi: int) -> list[tuple[int, int, Decimal | None]]:
    """Numerals in ``text[lo:hi]`` (offsets relative to lo); None where the run does not parse
    alone (1亿3千 before 多万)."""
    out: list[tuple[int, int, Decimal | None]] = []
    for m in _numeral_re().finditer(text, lo, hi):
        if m.end() - m.start() > 40:
            continue
        try:
            value: Decimal | None = parse_numeral(m.group(0))
        except ValueError:
            value = None
        out.append((m.start() - lo, m.end() - lo, value))
    return out


def _numeral_mentions(text: str, lo: int, hi: int) -> Iterator[_Mention]:
    r = _rules()
    cmp = r.cue["comparator"]
    nonfact = r.cue["nonfact"]
    label_cls = set(nonfact["label_classifiers"])
    found = _numerals(text, lo, hi)
    k = 0
    while k < len(found):
        s0, e0, parsed = found[k]
        k += 1
        s, e = lo + s0, lo + e0
        raw = text[s:e]
        if e - s > 40:
            continue
        after = text[e] if e < hi else ""
        if (
            raw.endswith("千")
            and len(raw) > 1
            and _match_unit(text, e - 1) is not None
            and text[e] in "瓦米克"
        ):
            # 1.3亿千瓦: the 千 belongs to the unit
            try:
                parsed = parse_numeral(raw[:-1])
            except ValueError:
                continue
            e -= 1
            raw, after = raw[:-1], text[e]
        if parsed is None and not (after in "多余" and e + 1 < hi and text[e + 1] in "万亿"):
            continue
        value = parsed if parsed is not None else Decimal(0)
        before = text[s - 1] if s > lo else ""
        after = text[e] if e < hi else ""
        if (before.isascii() and before.isalnum()) or (after.isascii() and after.isalpha()) or before in "./":
            continue
        if _in_short_quote(text, s, e, lo, hi):
            continue
        # 6600多万, 1亿3千多万: 多/余 inside the numeral before its last multiplier
        more = skip = False  # 多/余 written; skip: it stands between the numeral and its unit
        if after in "多余" and e + 1 < hi and text[e + 1] in "万亿千百":
            j = e + 1
            while j < hi and text[j] in "万亿千百":
                j += 1
            try:
                value = parse_numeral(raw + text[e + 1 : j])
            except ValueError:
                continue
            e, more = j, True
            after = text[e] if e < hi else ""
        elif after in "多余" and e + 1 < hi and _match_unit(text, e + 1) is not None:
            more = skip = True
        if _prefix(text, s, lo, nonfact["before"]) and not (
            text.startswith("位", e) or text.startswith("名", e)
        ):
            continue
        if _suffix(text, e, nonfact["after"]):
            continue
        magnitude_only = all(c in _MAGNITUDE_ONLY for c in raw)
        cn = all(c in _CJK_NUMERAL for c in raw)
        # unit
        j = e + (1 if skip else 0)
        while j < hi and text[j] == " ":
            j += 1
        unit = _match_unit(text, j)
        if unit is None and raw.endswith("千") and len(raw) > 1:
            # 300万千瓦: the 千 belongs to the unit
            alt = _match_unit(text, e - 1)
            if alt is not None and alt.written.startswith("千"):
                try:
                    value = parse_numeral(raw[:-1])
                except ValueError:
                    continue
                e, j, unit = e - 1, e - 1, alt
        pre_ge = _prefix(text, s, lo, cmp["prefix_ge"])
        pre_le = _prefix(text, s, lo, cmp["prefix_le"])
        pre_about = _prefix(text, s, lo, cmp["prefix_about"])
        prefix = max((p for p in (pre_ge, pre_le, pre_about) if p), key=len, default=None)
        if prefix == "上" and not magnitude_only:
            prefix = None
        if prefix == "过" and s >= 2 and text[s - 2] in "经通超度越穿不":
            prefix = None  # 经过, 通过: not a comparator
        if magnitude_only and not prefix:
            # 百万亩国家储备林, 千亿级: a round magnitude is a name unless a comparator marks it
            tail = j + (len(unit.written) if unit else 0)
            if not _suffix(text, tail, cmp["suffix_ge"] + cmp["suffix_le"] + cmp["suffix_about"]):
                continue
        if (
            unit is None
            and k < len(found)
            and found[k][2] is not None
            and text[e : lo + found[k][0]] in "—–-~～至"
        ):
            # 4.5-5%: the unit is written once, after the second number
            s2, e2, v2 = found[k]
            u2 = _match_unit(text, lo + e2)
            if u2 is not None and lo + s2 - e == 1 and v2 is not None:
                k += 1
                end = lo + e2 + len(u2.written)
                m = _Mention(
                    start=s,
                    end=end,
                    num_start=s,
                    num_end=e,
                    value=value * u2.scale,
                    unit=u2.unit,
                    family=u2.family,
                    comparator="range",
                    value_max=v2 * u2.scale,
                )
                yield m
                continue
        if unit is None:
            unit = _infer_unit(text, s, e, lo, hi, value, bool(prefix))
            if unit is None:
                continue
            end = e
        else:
            end = j + len(unit.written)
        if (
            cn
            and unit.unit in ("count", "person")
            and (
                value == 1
                or (value <= 10 and unit.written in ("个", "期", "批", "次", "类", "种", "名", "位", "支"))
            )
        ):
            continue  # 一批, 三期, 七个方面, 八个县区: a phase or a set, not a count
        if unit.family == "count":
            if cn and value <= 10 and unit.written in label_cls:
                continue
            if unit.written in ("次",) and text.startswith("会", end):
                continue
        suffix = _suffix(text, end, cmp["suffix_ge"] + cmp["suffix_le"] + cmp["suffix_about"])
        if suffix in ("以上", "以下", "及以上", "及以下") and end + len(suffix) < hi:
            nxt_char = text[end + len(suffix)]
            if "\u4e00" <= nxt_char <= "\u9fff" and nxt_char not in "的为":
                continue  # 65岁以上老年人, 单笔50万元以下贷款: a threshold that defines a group
        if value == 0 and unit.family != "percent":
            continue  # 零部件: 零 starts a word
        # 3月5日 → 月 is no unit; 5G → caught above; 2022年 → 年 is no unit
        comparator = "="
        if more:
            comparator = ">="
        if prefix:
            comparator = ">=" if prefix == pre_ge else "<=" if prefix == pre_le else "~"
        if (suffix and suffix not in ("多", "余")) or (suffix and unit.family != "count"):
            if suffix in cmp["suffix_ge"]:
                comparator = ">="
            elif suffix in cmp["suffix_le"]:
                comparator = "<="
            else:
                comparator = "~"
            end += len(suffix)
        start = s - len(prefix) if prefix else s
        m = _Mention(start, end, s, e, value * unit.scale, unit.unit, unit.family, comparator)
        if unit.family == "count" or unit.unit == "household":
            m.classifier = unit.written
        # a range: 4.5%—5%, 5—6%
        nxt = found[k] if k < len(found) else None
        if nxt is not None and lo + nxt[0] - end <= 1 and lo + nxt[0] > end - 1:
            sep = text[end : lo + nxt[0]]
            if sep in ("—", "–", "-", "~", "～", "至", "到") and not _prefix(text, start, lo, ["从", "由"]):
                _s2, e2 = lo + nxt[0], lo + nxt[1]
                j2 = e2
                u2 = _match_unit(text, j2)
                if (u2 is not None and u2.unit == unit.unit) or (u2 is not None and m.end == e):
                    unit2 = u2
                    m.unit, m.family = unit2.unit, unit2.family
                    m.value = value * unit2.scale
                    if nxt[2] is None:
                        continue
                    m.value_max = nxt[2] * unit2.scale
                    m.end = j2 + len(unit2.written)
                    suf2 = _suffix(text, m.end, cmp["suffix_about"] + cmp["suffix_ge"] + cmp["suffix_le"])
                    if suf2:
                        m.end += len(suf2)
                    m.comparator = "range"
                    k += 1
        yield m


def _infer_unit(
    text: str, s: int, e: int, lo: int, hi: int, value: Decimal, has_prefix: bool
) -> _Unit | None:
    """A unit for a bare number from its neighbours: 1409万、1305万人次; 30万…用户; 过千亿."""
    # a sibling right after: 、/和 then a number with a unit
    window = text[e : min(hi, e + 14)]
    m = re.match(r"^[、和与及]\s*[\d.,零〇一二两三四五六七八九十百千万亿]+", window)
    if m:
        u = _match_unit(text, e + m.end())
        if u is not None:
            return u
    # 6600多万农村人口, 30万天然气居民用户
    if value >= 10000:
        tail = re.match(r"^[\u4e00-\u9fff“”]{1,10}", text[e : min(hi, e + 12)])
        words = tail[0] if tail else ""
        if re.search(r"用户|户(?!籍)", words):
            return _Unit("", "household", Decimal(1), "quantity")
        if re.search(r"人口|居民|群众|[^人]人$|人次", words[:6]) and "均" not in words[:6]:
            return _Unit("", "person_time" if "人次" in words else "person", Decimal(1), "quantity")
    # 出境旅游人次由8300万增加到…: the subject names the unit
    head = re.split(r"[,，;:。]", text[max(lo, s - 20) : s])[-1]
    hm = re.search(r"(人次|人数|人口|户数)", head)
    if hm:
        return _Unit(
            "",
            "person_time" if hm[1] == "人次" else "household" if hm[1] == "户数" else "person",
            Decimal(1),
            "quantity",
        )
    # 投资过千亿、产能过千亿: a bare 亿-scale amount with a comparator is money
    if has_prefix and value >= 10**8 and all(c in _MAGNITUDE_ONLY for c in text[s:e]):
        return _Unit("", "CNY", Decimal(1), "money")
    return None


_RANK = re.compile(
    r"第\s*(\d+|[一二三四五六七八九十两]+)\s*(位|名)(?!单)"
    r"|(?<=[居列排])(?:全[国省市区]|世界|全球|各省区|同类城市)?(首位|第一)(?![批个次届类产])"
)
_MOVE = re.compile(r"(?<![\d.一二三四五六七八九十两百])(\d+|[一二三四五六七八九十两]+)\s*(个位次|位次|位)")
_FRONT = re.compile(r"前\s*(\d+|[一二三四五六七八九十两]+)\s*(位|名|强)")
_DOUBLE = re.compile(r"翻(一|两|二|三)番|翻番")
_ZERO = re.compile(r"零增长")
_TIMES = re.compile(
    r"(?<![\d.一二三四五六七八九十两百])(\d+(?:\.\d+)?|[一二三四五六七八九十两]+)\s*倍(多|以上)?"
)
_DOUBLING = re.compile(r"(?<=实现)倍增|倍增(?=[,，。;])")
_TENTHS = re.compile(r"(?<![\d.一二三四五六七八九十两百])(\d+(?:\.\d+)?|[一二三四五六七八九十])\s*成")
_FRACTION = re.compile(
    r"(?<![\d.一二三四五六七八九十两百])(\d+)\s*/\s*(\d+)"
    r"|(?<![一二三四五六七八九十百])([一二三四五六七八九十百]+)分之([一二三四五六七八九十]+)"
)


def _word_mentions(text: str, lo: int, hi: int) -> Iterator[_Mention]:
    """Facts written with words or special forms: ranks, 翻番, 零增长, 倍, 成, fractions."""
    cue = _rules().cue["measure"]
    for m in _RANK.finditer(text, lo, hi):
        if m[3]:
            yield _Mention(
                m.start(3), m.end(), m.start(3), m.end(), Decimal(1), "rank", "rank", measure="rank"
            )
            continue
        value = parse_numeral(m[1])
        if text.startswith("第", m.start()) and m.end() < hi and text[m.end()] in "次":
            continue
        yield _Mention(m.start(), m.end(), m.start(1), m.end(1), value, "rank", "rank", measure="rank")
    for m in _FRONT.finditer(text, lo, hi):
        if m[2] == "强":
            continue
        yield _Mention(
            m.start(),
            m.end(),
            m.start(1),
            m.end(1),
            parse_numeral(m[1]),
            "rank",
            "rank",
            comparator="<=",
            measure="rank",
        )
    for m in _MOVE.finditer(text, lo, hi):
        if m.start() > lo and text[m.start() - 1] in "第前":
            continue
        verb_up = _prefix(text, m.start(), max(lo, m.start() - 6), cue["move_up"])
        verb_down = _prefix(text, m.start(), max(lo, m.start() - 6), cue["move_down"])
        if m[2] == "位" and not (verb_up or verb_down):
            continue
        if not (verb_up or verb_down) and "位次" not in m[2]:
            continue
        sign = -1 if verb_down else 1
        cls = "个" if m[2].startswith("个") else None
        yield _Mention(
            m.start(),
            m.end(),
            m.start(1),
            m.end(1),
            parse_numeral(m[1]) * sign,
            "rank",
            "rank",
            measure="change_rank",
            classifier=cls,
        )
    for m in re.finditer(r"上([百千万亿])", text[lo:hi]):
        a, b = lo + m.start(), lo + m.end()
        unit = _match_unit(text, b)
        if unit is None or unit.family not in ("quantity", "money", "count"):
            continue
        yield _Mention(
            a,
            b + len(unit.written),
            a + 1,
            b,
            parse_numeral(m[1]) * unit.scale,
            unit.unit,
            unit.family,
            comparator=">=",
            classifier=unit.written if unit.family == "count" else None,
        )
    for m in _DOUBLE.finditer(text, lo, hi):
        n = {"一": 1, "两": 2, "二": 2, "三": 3}.get(m[1] or "一", 1)
        yield _Mention(
            m.start(),
            m.end(),
            m.start(),
            m.end(),
            Decimal(100 * (2**n - 1)),
            "%",
            "percent",
            measure="growth",
        )
    for m in _ZERO.finditer(text, lo, hi):
        yield _Mention(m.start(), m.end(), m.start(), m.end(), Decimal(0), "%", "percent", measure="growth")
    for m in _TIMES.finditer(text, lo, hi):
        if m.start() > lo and (text[m.start() - 1].isdigit() or text[m.start() - 1] == "."):
            continue
        yield _Mention(
            m.start(),
            m.end(),
            m.start(1),
            m.end(1),
            parse_numeral(m[1]) * 100,
            "%",
            "percent",
            comparator=">=" if m[2] else "=",
            measure="times",
        )
    for m in _DOUBLING.finditer(text, lo, hi):
        yield _Mention(m.start(), m.end(), m.start(), m.end(), Decimal(100), "%", "percent", measure="growth")
    for m in _TENTHS.finditer(text, lo, hi):
        if m.start() > lo and (text[m.start() - 1].isdigit() or text[m.start() - 1] in ".第"):
            continue
        if m.end() < hi and text[m.end()] in "员本果立绩为功熟交":
            continue
        if not _prefix(
            text, m.start(), max(lo, m.start() - 4), ["占", "全国", "全省", "达", "近", "超", "约"]
        ):
            continue
        yield _Mention(
            m.start(),
            m.end(),
            m.start(1),
            m.end(1),
            parse_numeral(m[1]) * 10,
            "%",
            "percent",
            measure="share",
        )
    for m in _FRACTION.finditer(text, lo, hi):
        if m[1]:
            num, den = Decimal(m[1]), Decimal(m[2])
        else:
            den, num = parse_numeral(m[3]), parse_numeral(m[4])
        if den == 0 or num >= den:
            continue
        yield _Mention(
            m.start(), m.end(), m.start(), m.end(), num / den * 100, "%", "percent", measure="fraction"
        )


def _mentions(text: str, lo: int, hi: int) -> list[_Mention]:
    words = list(_word_mentions(text, lo, hi))
    taken = [(w.start, w.end) for w in words]

    def free(m: _Mention) -> bool:
        return not any(m.num_start < b and m.num_end > a for a, b in taken)

    numbers = [m for m in _numeral_mentions(text, lo, hi) if free(m)]
    out = sorted(words + numbers, key=lambda m: (m.start, m.end))
    # 全国36个省会…城市中从第27位…, 74个重点城市…浓度下降9.1%: the count labels the subject
    labels = set()
    for a, b in itertools.pairwise(out):
        between = text[a.end : b.start]
        if (
            a.family == "count"
            and len(between) <= 25
            and not re.search(r"[,，;:。、和与及等]", between)
            and not between.endswith("每")
            and not re.search(r"每[\u4e00-\u9fff]{0,3}$", between)
        ):
            labels.add(id(a))
    out = [m for m in out if id(m) not in labels]
    # ordinals make what follows in the clause a class, not a measure: 第4个吞吐量超千万人次的机场
    result = []
    for m in out:
        clause_start = _clause_start(text, m.start, lo)
        if re.search(r"第\s*[\d一二三四五六七八九十]+\s*[个家座所]", text[clause_start : m.start]):
            continue
        result.append(m)
    return result


# --------------------------------------------------------------------------- reading


def _clause_start(text: str, i: int, lo: int) -> int:
    j = i
    floor = max(lo, i - _LOOKBACK)
    while j > floor and text[j - 1] not in _CLAUSE_END:
        j -= 1
    return j


def _sentence_spans(text: str, lo: int, hi: int) -> Iterator[Span]:
    start = lo
    for i in range(lo, hi):
        if text[i] in _SENTENCE_END:
            if i + 1 > start:
                yield Span(start, i + 1)
            start = i + 1
    if start < hi:
        yield Span(start, hi)


@cache
def _phrase_words() -> tuple[tuple[str, ...], frozenset[str], tuple[str, ...]]:
    """(all linking words longest first, the "to" words, the lead words) from rules/cues.toml."""
    phrase = _rules().cue["phrase"]
    to = tuple(phrase["to"])
    links = tuple(sorted(set(to) | set(phrase["links"]), key=len, reverse=True))
    return links, frozenset(to), tuple(phrase["lead"])


@dataclass(slots=True)
class _Reading:
    verb: str | None  # the up/down verb right before the number
    sign: int
    to: bool  # the number is where something ends up
    phrase: str  # what is left: the indicator as written
    links: list[str]
    leading: bool = False  # the verb leads its object: 减少企业税负3500亿元


def _read_phrase(phrase: str) -> _Reading:
    r = _rules()
    up = sorted(r.words("verb", "up"), key=len, reverse=True)
    down = sorted(r.words("verb", "down"), key=len, reverse=True)
    links, to_words, _ = _phrase_words()
    verb, sign, to = None, 1, False
    peeled: list[str] = []
    p = phrase.rstrip(" ")
    for _ in range(12):
        hit = next((w for w in links if p.endswith(w)), None)
        if hit is not None and not (hit in ("至", "到") and verb is not None):
            # 提高到: the verb before 到 makes a level, not a growth
            if hit in to_words and verb is None:
                to = True
            peeled.append(hit)
            p = p[: -len(hit)]
            continue
        v_up = next((w for w in up if p.endswith(w)), None)
        v_down = next((w for w in down if p.endswith(w)), None)
        v = max((x for x in (v_up, v_down) if x), key=len, default=None)
        if v is not None and any(p.endswith(n) and n.endswith(v) and len(n) > len(v) for n, _ in r.names):
            break  # 经济增长5.5%左右: the verb is part of the indicator's name
        if v is not None and verb is None and not (v == "增" and p.endswith("新增")):
            # 增加值 is a noun, not a verb
            if v in ("增加", "增") and p.endswith("增加值"):
                break
            verb = v
            sign = -1 if v == v_down and v != v_up else 1
            peeled.append(v)
            p = p[: -len(v)]
            continue
        break
    if verb is not None and to and peeled and peeled[0] in ("到", "至") and len(peeled) >= 2:
        pass
    if verb is not None and to:
        # 提高到 / 下降到: the number is the level reached
        verb, sign = None, 1
    leading = False
    if verb is None and not to:
        lead = re.match(r"^(?:全年|今年|再|进一步|累计|共)?(减少|增加|压减|削减|节约|压缩)(?!值)", p)
        if lead:
            verb, leading = lead[1], True
            sign = -1 if lead[1] in down else 1
    return _Reading(verb, sign, to, p, peeled, leading)


_PAST_YEAR = re.compile(r"(?<![比较与同从由至到和\d])((?:19|20)\d{2})\s*年(?![\d底末初前后以来])")
_ADJUNCT = re.compile(
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


def _indicator_id(phrase: str) -> str | None:
    r = _rules()
    p = _strip_adjuncts(phrase)
    for name, key in r.names:
        if p.endswith(name):
            before = p[: -len(name)]
            if any(before.endswith(q) for q in r.narrower):
                return None
            return key
    for tail in ("增速", "增长", "涨幅", "增幅", "总量", "规模", "总额"):
        if p.endswith(tail) and len(p) > len(tail):
            return _indicator_id(p[: -len(tail)]) if tail not in ("总额",) else None
    return None


def _clean_indicator(phrase: str) -> str:
    p = phrase.strip(" 、,")
    changed = True
    while changed and p:
        changed = False
        for w in _phrase_words()[2]:
            if p.startswith(w) and len(p) > len(w):
                p, changed = p[len(w) :], True
    return p.strip(" 、")


_GENERIC_HEADS = (
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
)
_SUBJECT_HEADS = ("播种面积", "面积", "企业", "产量", "总额", "增加值", "收入")


def _compose(previous: str, head: str) -> str:
    """粮食播种面积 + 产量 → 粮食产量; 规模以上工业企业 + 增加值 → 规模以上工业增加值."""
    for h in _SUBJECT_HEADS:
        if previous.endswith(h) and len(previous) > len(h):
            return previous[: -len(h)] + head
    return head


# --------------------------------------------------------------------------- facts


def _list_items(subject: str) -> list[str]:
    items = [x for x in re.split(r"[、和及与]", subject) if x]
    if len(items) == 1 and subject.startswith("城乡"):
        rest = subject[2:]
        return ["城镇" + rest, "农村" + rest]
    if len(items) >= 2 and items[0].startswith("城乡") is False:
        # 二氧化硫、氮氧化物排放量: earlier items share the last item's head
        last = items[-1]
        for head in ("排放量", "产量", "参保率", "比重", "收入", "增加值", "余额"):
            if last.endswith(head):
                items = [x if x.endswith(head) else x + head for x in items[:-1]] + [last]
                break
    return items


_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,4}(?:市|县|区|州|盟|旗|省)$")


def _sentence_facts(
    text: str,
    sentence: Span,
    para: Paragraph,
    structure: Structure,
    topic: str | None,
) -> list[Fact]:
    r = _rules()
    lo, hi = sentence.start, sentence.end
    mentions = _mentions(text, lo, hi)
    if not mentions:
        return []
    role = para.role
    facts: list[Fact] = []
    previous: _Mention | None = None
    sentence_text = text[lo:hi]
    respectively = sentence_text.find("分别")
    groups: list[list[_Mention]] = []
    for idx, m in enumerate(mentions):
        cs = _clause_start(text, m.start, lo)
        floor = cs
        if previous is not None and previous.end > cs:
            floor = previous.end
        phrase = text[floor : m.start]
        reading = _read_phrase(phrase)
        joined = previous is not None and previous.end > cs and previous.reading is not None
        if reading.verb is None and not reading.to and joined and previous is not None:
            prev = previous.reading
            assert prev is not None
            # 分别下降5.6%和4%; 减少企业税负3500亿元、涉企收费约2000亿元: the list shares its verb
            bare = re.fullmatch(r"\s*[、和与及]\s*", phrase) is not None
            if prev.verb is not None and (bare or prev.leading):
                reading = _Reading(prev.verb, prev.sign, False, reading.phrase, reading.links, prev.leading)
        if reading.verb is None and not reading.to:
            # 按不低于5%的幅度压减: the verb follows the number
            after = re.match(
                r"^(?:的)?(?:幅度|比例)(压减|削减|减少|下降|降低|压缩|增长|提高|增加)", text[m.end : hi]
            )
            if after:
                sign = -1 if after[1] in _rules().words("verb", "down") else 1
                reading = _Reading(after[1], sign, False, reading.phrase, reading.links)
        m.reading = reading
        m.floor = floor
        indicator = _clean_indicator(reading.phrase)
        # elided subject: 生产总值3420亿元、增长1.5%
        inherited = False
        if previous is not None and not indicator.strip("、 "):
            m.indicator, m.indicator_id, m.scope = previous.indicator, previous.indicator_id, previous.scope
            inherited = True
        elif previous is not None and indicator in _GENERIC_HEADS and previous.indicator:
            m.indicator = _compose(previous.indicator, indicator)
            m.indicator_id = _indicator_id(m.indicator)
        else:
            m.indicator = indicator
            m.indicator_id = _indicator_id(indicator)
        if not m.indicator:
            # 一是为5.95万名…学生提供…: the counted thing follows the number
            tail = re.match(r"[^,，。;:!?、]{1,20}", text[m.end : hi])
            m.indicator = tail[0] if tail else ""
        m.verb_to = reading.to
        # baseline: 由10.2%下降到3.1%, 从第27位上升至第6位
        around = text[max(cs, m.start - 12) : m.start]
        if re.search(r"[由从][^,，。;]{0,10}$", around) and re.search(
            r"^[^,，。;]{0,8}?(?:提高|提升|上升|下降|增加|减少|降低|增长|缩小|扩大|转为)?(?:到|至|为)",
            text[m.end : min(hi, m.end + 12)],
        ):
            nxt = mentions[idx + 1] if idx + 1 < len(mentions) else None
            if nxt is not None and nxt.start - m.end <= 14:
                m.baseline = True
        _measure(m, reading, role)
        if (
            inherited
            and m.measure == "level"
            and reading.verb
            and m.family not in ("money", "quantity", "count")
        ):
            pass
        if respectively >= 0 and m.start > lo + respectively:
            if groups and (
                previous is not None and re.fullmatch(r"\s*[、和与及]\s*", text[previous.end : m.start])
            ):
                groups[-1].append(m)
            else:
                groups.append([m])
        previous = m
    if respectively >= 0:
        _respectively(text, lo, lo + respectively, groups)
    # the shared-value list: A、B均增长20%以上
    for m in mentions:
        _shared(text, lo, m)
    hedge_words = r.words("hedge", "words")
    for m in mentions:
        before = text[lo : m.start]
        facts.extend(_to_facts(text, m, before, para, structure, topic, hedge_words, sentence))
    return facts


def _measure(m: _Mention, reading: _Reading, role: str) -> None:
    r = _rules()
    cue = r.cue["measure"]
    if m.measure in ("rank", "change_rank"):
        return
    if m.measure == "times":
        m.measure = "growth" if reading.verb and reading.sign > 0 else "share"
        return
    if m.measure == "fraction":
        if reading.verb:
            m.measure, m.value = "growth", m.value * reading.sign
        else:
            m.measure = "share"
        return
    if m.measure == "growth":
        return
    if m.measure == "share":
        return
    head = reading.phrase
    if m.family == "percent":
        if reading.verb is not None:
            m.measure = "growth"
            m.value *= reading.sign
            if m.value_max is not None:
                m.value_max *= reading.sign
        elif any(head.endswith(w) for w in cue["growth_heads"]):
            m.measure = "growth"
        elif (
            any(w in head[-8:] for w in cue["share_heads"])
            or reading.to
            or (m.indicator_id in (None,) and re.search(r"全[国省市]$|的$", head))
        ):
            m.measure = "share"
        else:
            m.measure = "growth"
    elif m.family == "points":
        m.measure = "change_pp"
        m.value *= reading.sign
    elif (
        m.family in ("money", "quantity", "count")
        and reading.verb in r.words("verb", "change")
        and not reading.to
    ):
        m.measure = "change"
        m.value *= reading.sign
    else:
        m.measure = "level"
    if m.measure in ("growth", "change", "change_pp") and m.value < 0:
        m.comparator = {">=": "<=", "<=": ">="}.get(m.comparator, m.comparator)
    if m.family == "quantity" and m.unit == "household" and any(w in head for w in r.firm_words):
        m.unit, m.family = "count", "count"


def _respectively(text: str, lo: int, at: int, groups: list[list[_Mention]]) -> None:
    """城乡居民人均可支配收入分别达到45406元和17162元、增长5%和6%."""
    cs = _clause_start(text, at, lo)
    subject = _clean_indicator(_read_phrase(text[cs:at]).phrase)
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
        if len(items) == len(group):
            for g, item in zip(group, items, strict=True):
                if places and len(places) == len(items):
                    g.scope = item
                    continue
                g.indicator = item
                g.indicator_id = _indicator_id(item)
        elif len(items) == 1 and len(places) == 0:
            for g in group:
                g.indicator = subject
                g.indicator_id = _indicator_id(subject)


def _shared(text: str, lo: int, m: _Mention) -> None:
    """地区生产总值、固定资产投资…均增长20%以上: one fact per subject."""
    cs = _clause_start(text, m.start, lo)
    phrase = text[cs : m.start]
    at = phrase.rfind("均")
    if at < 0:
        at = phrase.rfind("都")
    subject_text = phrase[:at] if at >= 0 else _read_phrase(phrase).phrase
    subject = _clean_indicator(subject_text)
    if "等" in subject or "、" not in subject:
        return
    items = [x for x in subject.split("、") if x]
    if len(items) < 2:
        return
    # no 均: only lists of rates (学前教育毛入园率、高中毛入学率超过93%) or of places
    if at < 0 and not (all(x.endswith("率") or _indicator_id(x) for x in items) or _PLACE.match(items[0])):
        return
    if _PLACE.match(items[0]):
        last = items[-1]
        place_last = re.match(r"^([\u4e00-\u9fff]{1,4}?(?:市|县|区|州))(.+)$", last)
        if place_last:
            items = [*items[:-1], place_last[1]]
            shared = place_last[2]
            m.indicator, m.indicator_id = shared, _indicator_id(shared)
            m.scope = items[0]
            m.extra = [(shared, m.indicator_id, x) for x in items[1:]]
        return
    m.indicator, m.indicator_id = items[0], _indicator_id(items[0])
    m.extra = [(x, _indicator_id(x), m.scope) for x in items[1:]]


def _to_facts(
    text: str,
    m: _Mention,
    before: str,
    para: Paragraph,
    structure: Structure,
    topic: str | None,
    hedge_words: Sequence[str],
    sentence: Span,
) -> list[Fact]:
    r = _rules()
    meta = structure.metadata
    role = para.role
    kind = {"review": "actual", "plan": "target"}.get(role, "other")
    period = para.period
    hedge = None
    clause = text[_clause_start(text, m.start, sentence.start) : m.start]
    scope_text = before if role == "plan" else clause
    # 2021年新区生产总值增长11.2% inside a plan part or a reading: a past year named before the
    # number makes it a result of that year
    past = [int(y.group(1)) for y in _PAST_YEAR.finditer(before)]
    if (
        past
        and role == "plan"
        and meta.plan_year
        and past[-1] < meta.plan_year
        and not any(w in clause for w in r.words("kind", "target"))
    ):
        role, kind_override, year_override = "review", "actual", past[-1]
    else:
        kind_override, year_override = None, None
    hedge_at = max(((scope_text.rfind(w), w) for w in hedge_words), default=(-1, ""))
    if hedge_at[0] >= 0:
        word = hedge_at[1]
        if not (role == "review" and word in r.words("hedge", "review_not")):
            hedge = word
    if kind_override is not None:
        kind, period = kind_override, year_override
    if "预计" in before:
        kind, hedge = "estimate", "预计"
        if role == "plan":
            period = meta.plan_year
    elif hedge in ("力争", "确保", "争取", "力求") and role != "plan":
        kind, period = "target", meta.plan_year
    if role == "plan" and re.search(r"已(?!经济)|现有|已有", text[m.floor : m.start]) and kind == "target":
        kind, period = "actual", None
    if para.multi_year and kind == "actual":
        period = _multi_year_period(m, clause, para)
    if m.baseline:
        kind = "other"
        period = None
        if re.search(r"[由从](?:上年|去年)", clause[-12:]):
            period = (meta.review_year - 1) if meta.review_year else None
    if m.measure is None:
        m.measure = "level"
    sec_path = [s.title for s in structure.path_at(m.start)]
    scope = m.scope if m.scope is not None else topic
    if (
        scope is not None
        and meta.jurisdiction
        and scope in (meta.jurisdiction, meta.jurisdiction.rstrip("市省县区"))
    ):
        scope = None
    base = Fact(
        start=m.start,
        end=m.end,
        quote=text[m.start : m.end],  # replaced with the original by the caller
        value=_as_float(m.value),
        value_max=_as_float(m.value_max) if m.value_max is not None else None,
        unit=m.unit,
        measure=m.measure,
        comparator=m.comparator,
        kind=kind,
        indicator=m.indicator,
        indicator_id=m.indicator_id,
        hedge=hedge,
        period=period,
        scope=scope,
        classifier=m.classifier,
        section=sec_path,
        sentence_start=sentence.start,
        sentence_end=sentence.end,
    )
    out = [base]
    for indicator, key, extra_scope in m.extra:
        out.append(
            replace(base, indicator=indicator, indicator_id=key, scope=extra_scope, section=list(sec_path))
        )
    return out


def _multi_year_period(m: _Mention, clause: str, para: Paragraph) -> int | None:
    """In a five-year summary, a level reached at the end has the end year; flows have none."""
    end = para.years[1] if para.years else para.period
    if re.search(r"(保持|每年|年均|累计|连续)", clause):
        return None
    if m.measure in ("share", "rank"):
        return end
    if m.measure == "level" and re.search(
        r"(达到|达|增至|升至|增加到|提高到|覆盖|总数|总量|余额|规模|为|突破)[^,，]{0,3}$", clause
    ):
        return end
    if m.measure == "level" and re.search(r"(寿命|人口|总里程|里程|保有量)", clause[-10:]):
        return end
    return None


def _as_float(d: Decimal) -> float:
    return float(d)


# --------------------------------------------------------------------------- scope


@cache
def _zone_pattern() -> re.Pattern[str]:
    scope = _rules().cue["scope"]
    suffixes = sorted(scope["suffixes"], key=len, reverse=True)
    lead = sorted(scope["lead"], key=len, reverse=True)
    return re.compile(
        r"^(?:" + "|".join(map(re.escape, lead)) + r")?"
        r"(?P<name>[\u4e00-\u9fff]{2,4}?(?:" + "|".join(map(re.escape, suffixes)) + r"))"
    )


_DISTRICT = re.compile(r"^(?P<name>[\u4e00-\u9fff]{2,3}(?:区|县))(?=[\u4e00-\u9fff])")
_NOT_DISTRICT = re.compile(
    r"^(?:全|我|各|该|本|城乡|社区|景区|园区|市区|城区|片区|小区|街区|山区|库区|老区|特区|新区|辖区|地区|矿区|校区|郊区|牧区|灾区|功能区)"
)


@cache
def _known_district(name: str, own: str | None) -> bool:
    registry = load_jurisdictions()
    return registry.resolve(name, context=own) is not None or registry.resolve(name) is not None


def _sentence_zone(text: str, sentence: Span, own: str | None) -> str | None:
    """A zone or district named at the start of a sentence is what the sentence is about."""
    head = text[sentence.start : min(sentence.end, sentence.start + 16)].lstrip()
    m = _zone_pattern().match(head) or _DISTRICT.match(head)
    if m is None:
        return None
    name = m["name"]
    lead = next((w for w in _rules().cue["scope"]["lead"] if name.startswith(w)), None)
    if lead is not None:
        name = name[len(lead) :]  # 发挥国际陆港…: the verb is no part of the name
    if any(name == suffix for suffix in _rules().cue["scope"]["suffixes"]):
        return None  # a bare 新区 / 国际陆港 names no particular place
    if any(name.startswith(w) for w in _rules().cue["scope"]["not_zones"]) or _NOT_DISTRICT.match(name):
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


# --------------------------------------------------------------------------- entry point


def extract(doc: Document, structure: Structure | None = None) -> list[Fact]:
    """Every fact in ``doc`` (FACTS.md), in text order, with spans into ``doc.text``."""
    norm = normalise(doc.text)
    st = structure if structure is not None else structure_of(doc, norm)
    own = st.metadata.jurisdiction
    facts: list[Fact] = []
    for para in st.paragraphs:
        topic: str | None = None
        for n, sentence in enumerate(_sentence_spans(norm, para.span.start, para.span.end)):
            zone = _sentence_zone(norm, sentence, own)
            if zone is not None and (n < 2 or topic is not None):
                topic = zone
            sentence_scope = zone or topic
            for f in _sentence_facts(norm, sentence, para, st, sentence_scope):
                f.quote = doc.text[f.start : f.end]
                if f.hedge is not None:  # as written: 預計, not the folded 预计
                    at = norm.rfind(f.hedge, sentence.start, f.start)
                    if at >= 0:
                        f.hedge = doc.text[at : at + len(f.hedge)]
                facts.append(f)
    return facts
