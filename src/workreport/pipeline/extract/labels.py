"""The indicator label of a figure: what it measures, named as the report names it (FACTS.md §2, §6).

Never a list marker (三是), a comparator word (低于), a bare verb or function word (有, 年), or a
long example list (甲、乙等 → …); a fragment (占全国) or a subjectless clause (全年执飞50班)
takes the subject named before it; a verb whose object follows the number takes that object.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache, lru_cache
from typing import Final

from workreport.pipeline.extract.mentions import Mention, find_mentions
from workreport.pipeline.extract.reading import (
    clause_start_at,
    clean_indicator,
    counted_object,
    counted_object_at,
    elide_examples,
    indicator_id,
    is_fragment,
    label_words,
    object_verb,
    read_phrase,
    strip_comparator,
    strip_leading_verb,
    strip_marker,
    words_by_first,
)
from workreport.pipeline.extract.vocabulary import CLAUSE_END, LOOKBACK, extractor_rules

_OBJECT_REACH: Final = 40  # counted_object reads at most this far after a number


def label_of(  # noqa: C901  (one pass of label rules in order; the last two calls guarded by their first test)
    text: str,
    m: Mention,
    hi: int,
    cs: int,
    lo: int,
    previous: Mention | None,
    object_lead: str | None,
    phrase: str | None = None,
) -> tuple[str, str | None]:
    """The indicator label of ``m`` and the verb its counted object carries on (``_read_label``).

    A label of one character or a list marker names nothing by itself (从, 以, 年, 钢): it takes
    the subject named before it in the sentence, or the clause's named object. ``phrase``:
    ``text[m.floor : m.start]`` if the caller has it (cut and hashed once per number)."""
    label, lead = _read_label(text, m, hi, cs, lo, previous, object_lead, phrase)
    if label[:1] in "将把" and len(label) > 2 and not label.startswith(_NOT_MOVED):
        # 将新型农村社会养老保险试点范围扩大到全国 (40%的县), 将城镇登记失业率 (控制在4.5%以内): what
        # 将 moves is what is measured
        moved = _MOVED.match(label)
        label = moved[1] if moved is not None else label[1:]
        m.indicator_id = indicator_id(label)
    if (
        previous is not None
        and label
        and previous.family != "count"  # a count's label names what it counts, no subject
        and previous.end > lo
        and text.startswith(label, previous.end)
        and text.find("、", previous.end + len(label), m.start) >= 0
    ):
        # 地区生产总值跨上千亿元台阶、达到1050亿元: 台阶 is the first figure's noun, not a subject
        label = previous.indicator
        m.indicator_id = previous.indicator_id
    elif label[:2] == "连续" and _RUN_OF_YEARS.fullmatch(label):
        # 连续5年 (稳定在700亿斤以上): how long, not what; the subject is named before
        named = _named_before(text, "", m, hi, cs, lo, previous)
        if named:
            label = named
            if previous is not None and named == previous.indicator:
                m.indicator_id = previous.indicator_id  # the subject's id goes with its name
    elif _names_nothing(label):
        label = _named_before(text, label, m, hi, cs, lo, previous)
    if (
        m.indicator_id is None
        and m.start > lo
        and text[m.start - 1] == "、"
        and (previous is None or previous.end < m.start - 1)  # 四百斤、五百斤: values of one list
        and len(label) > 4
    ):
        # 经济总量跨过两个万亿元大关、超过6万亿元: the second predicate of the subject's list
        subject = _subject_of_reach(label)
        if subject != label:
            label, m.indicator_id = subject, indicator_id(subject)
    if m.indicator_id is None:
        if m.family == "rank":
            label = _ranked_subject(text, label, m, cs)
        label = _owner_after(text, label, m, hi, lo)
        changes = m.reading is not None and m.reading.verb is not None and m.family != "rank"
        # the clause's first character is tested before the words (most clauses open with none)
        if (
            cs > lo
            and not changes
            and text[cs] in words_by_first("subjectless")
            and text.startswith(label_words("subjectless"), cs)
        ):
            sibling = previous is not None and previous.end > cs and text.startswith("、", m.floor)
            if not sibling:
                label = _with_topic(text, label, cs, lo, _bare(label))
            elif previous is not None and "…" in previous.indicator and "…" not in label:
                # 全年注册企业1300家以上、融资150亿元以上: the list's items share one subject
                label = f"{previous.indicator.rsplit('…', 1)[0]}…{label}"
    if label[-1:] == "年" and (span := _SPAN_TAIL.search(label)) is not None and span.start() >= 2:
        label = label[: span.start()]  # 国家财政性教育经费支出五年 (累计7.79万亿元): how long, not what
    # each called only when its first test can pass (most figures: neither)
    if 3 < len(label) < 6 and m.indicator_id is None and cs > lo:
        label = _named_in_full(text, label, m, cs, lo)
    r = m.reading
    if r is not None and r.verb is not None and not r.to:
        label = _with_change(text, label, m)
    return label, lead


def _named_in_full(text: str, label: str, m: Mention, cs: int, lo: int) -> str:
    """扎实推进新型农村社会养老保险试点，试点范围扩大到23%的县: 试点范围 names the 试点 the clause
    before ends with for short: 新型农村社会养老保险试点范围."""
    if not 3 < len(label) < 6 or m.indicator_id is not None or cs <= lo or label[2:] not in label_words("reach_nouns"):
        return label
    before = text[max(lo, cs - LOOKBACK) : cs].rstrip("，,；; ")
    if not before or before[-1] in "。！？!?":
        return label
    clause = before[max(before.rfind("，"), before.rfind(","), before.rfind("。")) + 1 :]
    named = strip_leading_verb(strip_marker(clean_indicator(clause)))
    if named.endswith(label[:2]) and len(named) > 3 and not any(c.isdigit() for c in named):
        return named + label[2:]
    return label


_MOVED: Final = re.compile(
    r"^[将把](.{2,}?)(?:扩大到|扩大至|提高到|提高至|提升到|提升至|增加到|增加至|降低到|降低至|下降到|下降至"
    r"|减少到|减少至|压减到|压减至|缩减到|控制在|保持在|稳定在)"
)
_NOT_MOVED: Final = ("将来", "将军", "把关", "把握")
_YEAR_LEAD: Final = re.compile(r"(?:19|20)\d{2}年(?:末|底)?")
_SPAN_TAIL: Final = re.compile(r"(?<![〇零一二三四五六七八九十\d前后第个续])(?:近|这)?[两三四五六七八九十]年$")
_RUN_OF_YEARS: Final = re.compile(r"连续[\d一二三四五六七八九十]+年")


_SINCE: Final = re.compile(r"(?:比|较)(?:上年|去年|年初|上年末)$")


def _with_change(text: str, label: str, m: Mention) -> str:
    """财政赤字…比去年增加 (2000亿元), 涉企收费…减少, 本届政府…行政审批事项…减少 (1/3): an
    absolute change, or a share of something cut, names its verb (and what it cuts)."""
    r = m.reading
    if r is None or r.verb is None or r.to:
        return label
    if m.family in ("money", "quantity", "count"):
        raw = text[m.floor : m.start]
        at = raw.rfind(r.verb)
        since = _SINCE.search(raw, 0, at) if at > 0 else None
        words = (since[0] if since else "") + r.verb
        if r.verb in label or label.count("…") >= 2:
            return label  # a long list (棉花…钢…煤) stays as its items name it
        return f"{label}…{words}"
    if m.family == "percent" and (
        r.leading or text.find("/", m.start, m.end) >= 0 or text.find("分之", m.start, m.end) >= 0
    ):
        after = counted_object(text[m.end : m.end + _OBJECT_REACH])
        if len(after) >= 2 and after not in label:
            return f"{label}…{after}…{r.verb}"
    return label


def _ranked_subject(text: str, label: str, m: Mention, cs: int) -> str:
    """我市综合信用指数排名在全国36个城市中从第27位: a rank within a group (在…中) ranks the
    subject before 在, not the group."""
    if m.family != "rank":
        return label
    phrase = text[cs : m.start]
    at = max(phrase.rfind(w) for w in label_words("rank_groups"))
    if at <= 0 or "中" not in phrase[at:]:
        return label
    subject = strip_marker(clean_indicator(phrase[:at])).lstrip("我全本该市省区县")
    return subject if subject.endswith(label_words("rank_heads")) else label


_SIBLING: Final = re.compile(r"(?:[、和及与][^、，,。;；:：的等\d]{1,8}?[\d.．〇零一二两三四五六七八九十百千万亿]+[^、，,。;；的等]{0,6}?)*[的等]")


_OWNED_OR_BREAK: Final = re.compile(r"[的等，,。;；:：!?！？\n]")  # the first 的 or 等 ahead, unless the clause ends before


class _Marks:
    """The offsets of the characters of ``_OWNED_OR_BREAK`` in ``text[lo:hi]`` (a sentence), found
    by one scan: a search from each number of a long list would read ahead up to 60
    characters per number."""

    __slots__ = ("at", "hi", "lo", "text")

    def __init__(self, text: str, lo: int, hi: int) -> None:
        self.text, self.lo, self.hi = text, lo, hi
        self.at = [x.start() for x in _OWNED_OR_BREAK.finditer(text, lo, hi)]


_last_marks: list[_Marks] = []  # the sentence read last: its numbers come one after another


def _first_mark(text: str, a: int, b: int, lo: int, hi: int) -> int:
    """``_OWNED_OR_BREAK.search(text, a, b)``'s offset, -1 for none, for ``lo <= a`` and ``b <= hi``."""
    marks = _last_marks[0] if _last_marks else None
    if marks is None or marks.text is not text or marks.lo != lo or marks.hi != hi:
        marks = _Marks(text, lo, hi)
        _last_marks[:] = [marks]
    at = marks.at
    i = bisect_left(at, a)
    return at[i] if i < len(at) and at[i] < b else -1


def _owner_after(text: str, label: str, m: Mention, hi: int, lo: int) -> str:
    """建成七山300兆瓦、坪城95兆瓦等风光电项目; 投资过千亿、产能过千亿的千亿级产业园: the items
    of a list that ends in 等 or 的 and a name are parts of what that name says (``lo``, ``hi``:
    the sentence)."""
    reach = m.end + 60 if m.end + 60 < hi else hi  # min(hi, m.end + 60), without the call
    ahead = text[m.end : reach]  # one cut and two tests cost less than two searches with bounds
    if "的" not in ahead and "等" not in ahead:
        return label  # the cheap test first: most figures have no 的 or 等 ahead at all
    end = _first_mark(text, m.end, reach, lo, hi)
    if end < 0 or text[end] not in "的等":
        return label  # nor in their clause
    run = _SIBLING.match(text, m.end, end + 1)
    if run is None:
        return label
    owner = counted_object(text[run.end() - 1 : min(hi, run.end() + _OBJECT_REACH)])
    generic = next((w for w in label_words("generic_owners") if owner.startswith(w)), None)
    if generic is not None:
        # 达到一亿吨的水平; 按不低于5%的幅度压减一般性支出: no owner, but what the 幅度 acts on
        rest = owner[len(generic) :]
        return f"{label}…{rest}" if len(rest) >= 2 and rest not in label else label
    if len(owner) < 2 or owner in label:
        return label
    core = strip_leading_verb(label.rsplit("…", 1)[-1])
    return f"{core}…{owner[-12:]}" if core else owner


def _bare(label: str) -> str:
    """全年共发运 → 发运: a label's last part without the words that open a subjectless clause."""
    core = label.rsplit("…", 1)[-1]
    for _ in range(3):
        w = next((w for w in (*label_words("subjectless"), *label_words("adverbs")) if core.startswith(w)), None)
        if w is None or len(core) <= len(w):
            break
        core = core[len(w) :]
    return core


def _with_topic(text: str, label: str, cs: int, lo: int, core: str) -> str:
    """全年注册企业1300家 (after 加快建设“绿金通”平台三期): a clause with no subject of its own,
    whose label names little (four characters or fewer), is labelled with what the clauses
    before it act on: the sentence's first clause and the one before it when the sentence has
    just begun, else the clause before; a group (在全国绩效评估中) takes the first clause."""
    tail = label.rsplit("…", 1)[-1]
    group = tail.startswith(label_words("rank_groups")) and tail.endswith("中")
    if (len(core) > 4 or label.startswith(label_words("rank_groups"))) and not group:
        return label  # 在听了…讨论以后: a time or place frame, no missing subject
    before = text[lo:cs].rstrip(",，、;；:： ")
    breaks = [i for i, c in enumerate(before) if c in CLAUSE_END]
    topic = _clause_name(text, lo, lo + (breaks[0] if breaks else len(before)))
    previous = _clause_name(text, lo + breaks[-1] + 1, lo + len(before)) if breaks else ""
    if group:
        parts = [topic]
    elif len(breaks) <= 1:
        parts = [topic, previous]
    else:
        parts = [previous]
    parts = [p for p in parts if len(p) >= 2 and p not in label]
    return "…".join([*parts, label]) if parts else label


def _clause_name(text: str, start: int, end: int) -> str:
    """What a clause acts on: its words before any number, without adverbs, verb or examples."""
    first = _NUMBER_ON.search(text, start, end)
    name = strip_marker(text[start : first.start() if first else end]).strip(" ，,、")
    at = name.rfind("等")
    if "、" in name[:at]:
        name = name[at + 1 :].lstrip("地")  # 兰州至东南亚、中亚等地国际货运包机业务
    return _subject_of_reach(strip_leading_verb(name))[-16:]


@cache
def _reach_verb() -> re.Pattern[str]:
    """经济总量跨过两个万亿元大关、超过6万亿元: the verbs of reaching a mark (rules/cues.toml's reach
    words, 越过, 突破, 超过, 达到), what they are said of standing before them."""
    return re.compile("|".join([*extractor_rules().cue["comparator"]["reach"], "越过", "突破", "超过", "达到"]))


def _subject_of_reach(name: str) -> str:
    """``name`` up to a verb of reaching a mark that follows its subject (经济总量跨过…大关 → 经济总量)."""
    found = _reach_verb().search(name, 2)
    if found is None or name[: found.start()] in _NOT_SUBJECTS:
        return name
    return name[: found.start()]


_NOT_SUBJECTS: Final = frozenset(("分别", "均", "都", "已", "已经", "全部", "连续", "先后", "相继", "累计", "年均"))


_FUNCTION_CHARS: Final = frozenset("从由以的和与及有即在为是对比较等年调了至到并或之把将被")
_MARKER_LABEL: Final = re.compile(r"^(?:[一二三四五六七八九十]+是|其[一二三四五六七八九十]|第[一二三四五六七八九十]+[,，、])")


_MARKER_FIRST: Final = frozenset("一二三四五六七八九十其第")  # what a _MARKER_LABEL match opens with


def _names_nothing(label: str) -> bool:
    if len(label.replace("…", "").strip()) <= 1:
        return True
    return label[0] in _MARKER_FIRST and _MARKER_LABEL.match(label) is not None


def _named_before(
    text: str, label: str, m: Mention, hi: int, cs: int, lo: int, previous: Mention | None
) -> str:
    """A one-character or marker label completed by the subject before it, or the object after it."""
    core = strip_marker(label.replace("…", "").strip())
    if core in _FUNCTION_CHARS:
        core = ""  # 从, 以, 年: a preposition or a time word, no name
    if previous is not None and previous.end > lo and not _names_nothing(previous.indicator):
        name = previous.indicator  # 钢：从135万吨增加到412万吨，增长2.1倍
        if core and not name.endswith(core):  # 有：钢42万吨，电53万千瓦: each item takes the shared subject
            return f"{_short(name.rsplit('…', 1)[0])}…{core}"
        return name
    context = _context_before(text, cs, max(0, lo - 2 * LOOKBACK))
    if context and core:
        head = next((h for h in _SUBJECT_HEADS if context.endswith(h) and len(context) > len(h)), None)
        if head is not None and core not in context:
            return core + head  # 棉纱产量286.5万吨；纸520万吨: the next item of the list shares the head
        return f"{context}…{core}" if core not in context else context
    if context:
        return context
    after = counted_object(text[m.end : min(hi, m.end + _OBJECT_REACH)])
    if after and not _names_nothing(after):
        return f"{core}…{after}" if core else after
    return label


_SUBJECT_HEADS: Final = ("产量", "产值", "总产值", "增加值", "收入", "投资", "面积", "人数", "总额")
_NUMBER_ON: Final = re.compile(r"[\d.．,，%％]|[〇零一二两三四五六七八九十百千]{2,}")


def _context_before(text: str, cs: int, floor: int) -> str:
    """The name that the nearest clause before ``cs`` opens with (read no further back than ``floor``):
    the words before its first number, without link words; clauses naming nothing are passed over."""
    end = cs
    for _ in range(4):
        before = text[max(floor, end - LOOKBACK) : end].rstrip(",，、:：;；。 \n\r\u3000")
        if not before:
            return ""
        end = max(floor, end - LOOKBACK) + len(before)
        start = end
        while start > floor and start > end - LOOKBACK and text[start - 1] not in CLAUSE_END:
            start -= 1
        numbers = find_mentions(text, start, end)
        first = _NUMBER_ON.search(text, start, end)
        cut = min(numbers[0].start if numbers else end, first.start() if first else end)
        name = text[start:cut]
        name = strip_marker(clean_indicator(read_phrase(_strip_year(name)).phrase)).rstrip("从由比较和与及的")[-16:]
        if not _names_nothing(name) and name[:1] not in _FUNCTION_CHARS:
            return name
        end = start
    return ""


def _strip_year(phrase: str) -> str:
    return re.sub(r"(?:(?:19|20)\d{2}|[一二三四五六七八九○〇零]{4})年(?:比[^,，]*)?$", "", phrase)


def _read_label(
    text: str,
    m: Mention,
    hi: int,
    cs: int,
    lo: int,
    previous: Mention | None,
    object_lead: str | None,
    phrase: str | None = None,
) -> tuple[str, str | None]:
    """The indicator label of ``m`` (FACTS.md §2), and the verb its counted object carries on.

    No list marker (三是), comparator word (低于) or long example list (甲、乙等) stays in it; a
    verb whose object follows the number (实施1088蒸吨燃气锅炉低氮改造) takes that object; a
    fragment (占全国, 总数) continues the subject before it. The id is left as read."""
    reading = m.reading
    label = m.indicator
    if reading is None:
        return label, None
    verb, p = _label_phrase(text[m.floor : m.start] if phrase is None else phrase, label)
    counts = reading.verb is None and (verb or not reading.to) and m.family in ("count", "quantity", "money")
    if m.family == "money" and not text.startswith("的", m.end):
        counts = False  # an amount's object is read only after 的
    reach = m.end + _OBJECT_REACH if m.end + _OBJECT_REACH < hi else hi  # min(hi, …), without the call
    after = counted_object_at(text, m.end, reach) if counts else ""
    joined = previous is not None and previous.end > cs
    if label and text.startswith(label, m.end):
        return (after or label), None  # the name was read after the number already
    if object_lead is not None and joined and after:
        return f"{object_lead}…{after}", object_lead  # the list goes on: 、120个老旧街区改造
    if after and (verb or not p.strip("…") or m.family != "money"):
        return (f"{p.rstrip('…')}…{after}" if p.strip("…") else after), (p if verb or len(p) <= 8 else None)
    if p[:1] in "12" and (year := _YEAR_LEAD.match(p)) is not None and is_fragment(p[year.end() :]):
        p = p[year.end() :]  # 2012年占国内生产总值比例: a year, then a fragment of the subject before
    if p and not m.indicator_id and is_fragment(p):
        if previous is not None and previous.end > lo and m.family == "rank" and previous.indicator_id:
            m.indicator_id = previous.indicator_id  # 生产总值…总量居全国首位
        label, named = _continued(text, p, cs, lo, previous)
        if named is not None:
            m.indicator_id = named
        return label, None
    return (p or label), None


@lru_cache(maxsize=8192)
def _label_phrase(phrase: str, label: str) -> tuple[str | None, str]:
    """The object verb ``phrase`` (the words before a number) ends with, and the label it gives
    (``label``: the indicator read from it) without marker, comparator or example list."""
    cleaned = clean_indicator(phrase)
    raw = strip_marker(cleaned)
    verb = object_verb(raw) if raw else None
    return verb, elide_examples(strip_comparator(raw if verb or raw != cleaned else strip_marker(label)))


def _continued(text: str, p: str, cs: int, lo: int, previous: Mention | None) -> tuple[str, str | None]:
    """占全国 → 无人机产量…占全国: a fragment continues the subject named before it in the sentence;
    with the indicator id of the two together where the subject was found by completing one."""
    if (
        previous is not None
        and previous.indicator
        and previous.indicator != p
        and previous.end > lo
        and not is_fragment(previous.indicator)
        and (len(p) > 2 or previous.end <= cs)
    ):
        return f"{_short(previous.indicator)}…{p}", None
    reach = max(lo, cs - LOOKBACK)  # the clause before is read back at most LOOKBACK characters
    before = text[reach:cs].rstrip(",，、 ")
    if not before or (previous is not None and previous.end > lo):
        return p, None
    start = clause_start_at(text, reach + len(before), lo)
    context = strip_marker(clean_indicator(text[start : reach + len(before)]))
    if context and not any(c.isdigit() for c in context):
        # 服务业支撑作用更加明显，增加值跨上3万亿元: the clause's leading name that the fragment
        # completes into a known indicator (服务业 + 增加值) is its subject, not the whole clause
        for n in range(min(len(context), 12), 1, -1):
            named = indicator_id(context[:n] + p)
            if named is not None:
                return f"{strip_leading_verb(context[:n])}…{p}", named
    context = context[-16:]
    return (f"{context}…{p}" if context and not any(c.isdigit() for c in context) else p), None




def _short(label: str) -> str:
    """A label carried on to the next figure: its example list elided, at most 16 characters."""
    elided = elide_examples(label)
    if elided == label and "等" in label:
        at = label.rfind("等")
        lead = strip_leading_verb(label)
        verb = label[: len(label) - len(lead)]
        elided = f"{verb}…{label[at + 1 :]}" if verb else label[at + 1 :]
    return elided if len(elided.replace("…", "")) <= 16 else elided[-16:]
