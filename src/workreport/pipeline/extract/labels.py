"""The indicator label of a figure: what it measures, named as the report names it (FACTS.md §2, §6).

Never a list marker (三是), a comparator word (低于), a bare verb or function word (有, 年), or a
long example list (甲、乙等 → …); a fragment (占全国) or a subjectless clause (全年执飞50班)
takes the subject named before it; a verb whose object follows the number takes that object.
"""

from __future__ import annotations

import re

from workreport.pipeline.extract.mentions import Mention, find_mentions
from workreport.pipeline.extract.reading import (
    clause_start_at,
    clean_indicator,
    counted_object,
    elide_examples,
    is_fragment,
    object_verb,
    read_phrase,
    strip_comparator,
    strip_marker,
)
from workreport.pipeline.extract.vocabulary import CLAUSE_END, LOOKBACK

_OBJECT_REACH = 40  # counted_object reads at most this far after a number


def label_of(
    text: str, m: Mention, hi: int, cs: int, lo: int, previous: Mention | None, object_lead: str | None
) -> tuple[str, str | None]:
    """The indicator label of ``m`` and the verb its counted object carries on (``_read_label``).

    A label of one character or a list marker names nothing by itself (从, 以, 年, 钢): it takes
    the subject named before it in the sentence, or the clause's named object."""
    label, lead = _read_label(text, m, hi, cs, lo, previous, object_lead)
    if _names_nothing(label):
        label = _named_before(text, label, m, hi, cs, lo, previous)
    return label, lead


_FUNCTION_CHARS = frozenset("从由以的和与及有即在为是对比较等年调了至到并或之把将被")
_MARKER_LABEL = re.compile(r"^(?:[一二三四五六七八九十]+是|其[一二三四五六七八九十]|第[一二三四五六七八九十]+[,，、])")


def _names_nothing(label: str) -> bool:
    return len(label.replace("…", "").strip()) <= 1 or _MARKER_LABEL.match(label) is not None


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
            return f"{name.rsplit('…', 1)[0][-10:]}…{core}"
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


_SUBJECT_HEADS = ("产量", "产值", "总产值", "增加值", "收入", "投资", "面积", "人数", "总额")
_NUMBER_ON = re.compile(r"[\d.．,，%％]|[〇零一二两三四五六七八九十百千]{2,}")


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
    text: str, m: Mention, hi: int, cs: int, lo: int, previous: Mention | None, object_lead: str | None
) -> tuple[str, str | None]:
    """The indicator label of ``m`` (FACTS.md §2), and the verb its counted object carries on.

    No list marker (三是), comparator word (低于) or long example list (甲、乙等) stays in it; a
    verb whose object follows the number (实施1088蒸吨燃气锅炉低氮改造) takes that object; a
    fragment (占全国, 总数) continues the subject before it. The id is left as read."""
    reading = m.reading
    label = m.indicator
    if reading is None:
        return label, None
    cleaned = clean_indicator(text[m.floor : m.start])
    raw = strip_marker(cleaned)
    verb = object_verb(raw) if raw else None
    p = elide_examples(strip_comparator(raw if verb or raw != cleaned else strip_marker(label)))
    counts = reading.verb is None and (verb or not reading.to) and m.family in ("count", "quantity", "money")
    after = counted_object(text[m.end : min(hi, m.end + _OBJECT_REACH)]) if counts else ""
    if m.family == "money" and not text.startswith("的", m.end):
        after = ""
    joined = previous is not None and previous.end > cs
    if label and text.startswith(label, m.end):
        return (after or label), None  # the name was read after the number already
    if object_lead is not None and joined and after:
        return f"{object_lead}…{after}", object_lead  # the list goes on: 、120个老旧街区改造
    if after and (verb or not p.strip("…") or m.family != "money"):
        return (f"{p}…{after}" if p.strip("…") else after), (p if verb or len(p) <= 8 else None)
    if p and is_fragment(p) and not m.indicator_id:
        if previous is not None and previous.end > lo and m.family == "rank" and previous.indicator_id:
            m.indicator_id = previous.indicator_id  # 生产总值…总量居全国首位
        return _continued(text, p, cs, lo, previous), None
    return (p or label), None


def _continued(text: str, p: str, cs: int, lo: int, previous: Mention | None) -> str:
    """占全国 → 无人机产量…占全国: a fragment continues the subject named before it in the sentence."""
    if (
        previous is not None
        and previous.indicator
        and previous.indicator != p
        and previous.end > lo
        and not is_fragment(previous.indicator)
        and (len(p) > 2 or previous.end <= cs)
    ):
        return f"{previous.indicator[-10:]}…{p}"
    reach = max(lo, cs - LOOKBACK)  # the clause before is read back at most LOOKBACK characters
    before = text[reach:cs].rstrip(",，、 ")
    if not before or (previous is not None and previous.end > lo):
        return p
    start = clause_start_at(text, reach + len(before), lo)
    context = strip_marker(clean_indicator(text[start : reach + len(before)]))[-16:]
    return f"{context}…{p}" if context and not any(c.isdigit() for c in context) else p


