"""Mentions: every number in a clause with its unit, comparator and form (numerals, ranks, multiples)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from workreport.pipeline.extract.reading import Reading, clause_start_at
from workreport.pipeline.extract.vocabulary import CJK_NUMERAL, MAGNITUDE_ONLY, Unit, extractor_rules
from workreport.pipeline.numerals import NUMERAL_PATTERN, parse_numeral

# --------------------------------------------------------------------------- mentions



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
    extra: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # (indicator, id, scope)
    reading: Reading | None = None
    floor: int = 0  # where the phrase read before the number starts


def _match_unit(text: str, i: int) -> Unit | None:
    r = extractor_rules()
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


def _numeral_mentions(text: str, lo: int, hi: int) -> Iterator[Mention]:
    r = extractor_rules()
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
        magnitude_only = all(c in MAGNITUDE_ONLY for c in raw)
        cn = all(c in CJK_NUMERAL for c in raw)
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
                m = Mention(
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
        m = Mention(start, end, s, e, value * unit.scale, unit.unit, unit.family, comparator)
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
) -> Unit | None:
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
            return Unit("", "household", Decimal(1), "quantity")
        if re.search(r"人口|居民|群众|[^人]人$|人次", words[:6]) and "均" not in words[:6]:
            return Unit("", "person_time" if "人次" in words else "person", Decimal(1), "quantity")
    # 出境旅游人次由8300万增加到…: the subject names the unit
    head = re.split(r"[,，;:。]", text[max(lo, s - 20) : s])[-1]
    hm = re.search(r"(人次|人数|人口|户数)", head)
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


def _word_mentions(text: str, lo: int, hi: int) -> Iterator[Mention]:
    """Facts written with words or special forms: ranks, 翻番, 零增长, 倍, 成, fractions."""
    cue = extractor_rules().cue["measure"]
    for m in _RANK.finditer(text, lo, hi):
        if m[3]:
            yield Mention(
                m.start(3), m.end(), m.start(3), m.end(), Decimal(1), "rank", "rank", measure="rank"
            )
            continue
        value = parse_numeral(m[1])
        if text.startswith("第", m.start()) and m.end() < hi and text[m.end()] in "次":
            continue
        yield Mention(m.start(), m.end(), m.start(1), m.end(1), value, "rank", "rank", measure="rank")
    for m in _FRONT.finditer(text, lo, hi):
        if m[2] == "强":
            continue
        yield Mention(
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
        yield Mention(
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
        yield Mention(
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
        yield Mention(
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
        yield Mention(m.start(), m.end(), m.start(), m.end(), Decimal(0), "%", "percent", measure="growth")
    for m in _TIMES.finditer(text, lo, hi):
        if m.start() > lo and (text[m.start() - 1].isdigit() or text[m.start() - 1] == "."):
            continue
        yield Mention(
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
        yield Mention(m.start(), m.end(), m.start(), m.end(), Decimal(100), "%", "percent", measure="growth")
    for m in _TENTHS.finditer(text, lo, hi):
        if m.start() > lo and (text[m.start() - 1].isdigit() or text[m.start() - 1] in ".第"):
            continue
        if m.end() < hi and text[m.end()] in "员本果立绩为功熟交":
            continue
        if not _prefix(
            text, m.start(), max(lo, m.start() - 4), ["占", "全国", "全省", "达", "近", "超", "约"]
        ):
            continue
        yield Mention(
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
        yield Mention(
            m.start(), m.end(), m.start(), m.end(), num / den * 100, "%", "percent", measure="fraction"
        )


def find_mentions(text: str, lo: int, hi: int) -> list[Mention]:
    """Every figure in ``text[lo:hi]``, in text order; word forms win over numerals they overlap."""
    words = list(_word_mentions(text, lo, hi))
    taken = [(w.start, w.end) for w in words]

    def free(m: Mention) -> bool:
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
        clause_start = clause_start_at(text, m.start, lo)
        if re.search(r"第\s*[\d一二三四五六七八九十]+\s*[个家座所]", text[clause_start : m.start]):
            continue
        result.append(m)
    return result


