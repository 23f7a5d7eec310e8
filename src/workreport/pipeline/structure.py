"""Structure stage: metadata, the section tree, and what each paragraph reviews or plans.

Works on the normalised text (same length as the original, so every span is also a span
of the original text). Rules live in ``rules/structure.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Final

from workreport import rules
from workreport.model import Document, Metadata, Paragraph, Role, Section, Span, Structure, as_document
from workreport.pipeline.normalise import normalise
from workreport.pipeline.places import load as load_jurisdictions

CN_DIGITS: Final = "一二三四五六七八九十"
# a line's text, white space around it left out (a run of blank lines is one match of \s+)
_TRIMMED_LINE: Final = re.compile(r"[^\S\r\n]*(\S[^\r\n]*\S|\S)|\s+")
_L1: Final = re.compile(rf"^[{CN_DIGITS}]+、")
_L2: Final = re.compile(rf"^[(（][{CN_DIGITS}]+[)）]")
_L3: Final = re.compile(r"^\d{1,2}(?:\s*[、.．]\s*(?!\d)|\s+)(?=\S)")
_ORDINAL_LEAD: Final = re.compile(rf"^[{CN_DIGITS}]+是")
_YEAR: Final = re.compile(r"(?<![\d\s])((?:1\s?9|2\s?0)\s?\d\s?\d)\s*年")
_SENTENCE_END: Final = "。!?;!?;"
_PLACE: Final = re.compile(
    r"[\u4e00-\u9fff]{2,8}?(?:特别行政区|自治区|自治州|自治县|新区|高新区|经开区|省|市|县|区|州|盟|旗)"
)


@dataclass(frozen=True, slots=True)
class _Rules:
    max_standalone: int
    max_lead: int
    review: tuple[str, ...]
    review_any: re.Pattern[str]  # *_any: any of the words, searched (_words)
    plan_any: re.Pattern[str]
    multi_year_any: re.Pattern[str]
    single_year_any: re.Pattern[str]
    debris_max: int
    debris: re.Pattern[str]  # matched at the start of a short line
    debris_within: re.Pattern[str]  # any of the words, searched
    dateline: re.Pattern[str]
    breadcrumb: tuple[str, ...]
    crumb_max: int
    caption_max: int
    caption_start: re.Pattern[str]
    caption_end: tuple[str, ...]
    delivering: re.Pattern[str]
    salutation: re.Pattern[str]
    speaker: re.Pattern[str]
    press_words: tuple[str, ...]
    title_words: tuple[str, ...]
    title_max: int
    head_lines: int


def _any_of(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p.removeprefix('^')})" for p in patterns))


def _words(words: list[str]) -> re.Pattern[str]:
    """A pattern found where any of ``words`` is (``any(w in s for w in words)`` as one scan in
    C, about 2.5 times faster on a line's lead); no words: a pattern found nowhere."""
    return re.compile("|".join(map(re.escape, words)) if words else "(?!)")


@cache
def _rules() -> _Rules:
    r = rules.load("structure")
    titles = sorted(r["metadata"]["speaker_titles"], key=len, reverse=True)
    debris, caption = r["debris"], r["caption"]
    return _Rules(
        max_standalone=int(r["heading"]["max_standalone"]),
        max_lead=int(r["heading"]["max_lead"]),
        review=tuple(r["role"]["review"]),
        review_any=_words(r["role"]["review"]),
        plan_any=_words(r["role"]["plan"]),
        multi_year_any=_words(r["period"]["multi_year"]),
        single_year_any=_words(r["period"]["single_year"]),
        debris_max=int(debris["max_length"]),
        debris=_any_of(debris["patterns"]),
        debris_within=_words(debris["contains"]),
        dateline=_any_of(debris["datelines"]),
        breadcrumb=tuple(debris["breadcrumbs"]),
        crumb_max=int(debris["breadcrumb_crumb"]),
        caption_max=int(caption["max_length"]),
        caption_start=_any_of(caption["starts"]),
        caption_end=tuple(caption["ends"]),
        delivering=re.compile(caption["delivering"]),
        salutation=re.compile(
            "(?:" + "|".join(map(re.escape, r["salutation"]["words"])) + r")\s*(?:$|[!！:：,，\s])"
        ),
        speaker=re.compile(
            r"^(?P<place>.{0,16}?)(?:人民政府)?(?P<title>" + "|".join(map(re.escape, titles)) + r")\s*"
            r"(?P<name>[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,8}·[\u4e00-\u9fff·]{1,12})$"
        ),
        press_words=tuple(r["metadata"]["press_words"]),
        title_words=tuple(r["metadata"]["title_words"]),
        title_max=int(r["metadata"]["title_max"]),
        head_lines=int(r["metadata"]["head_lines"]),
    )


def _year(written: str) -> int:
    return int(re.sub(r"\s", "", written))


# Where a page lost its line breaks, paragraphs still show: a heading marker right after a
# sentence, or a run of spaces that stood for an indent.
_RUN_IN: Final = re.compile(rf"(?<=[。:：!！?？])\s*(?=[{CN_DIGITS}]+、|[(（][{CN_DIGITS}]+[)）])|\s{{4,}}")
_LONG_LINE: Final = 2000


_RUN_IN_EDGE: Final = re.compile(r"[。:：!！?？\s]")  # where a _RUN_IN match can start: after the first, or at a space


def _run_in_cuts(text: str, a: int, b: int) -> list[int]:
    """``[c.start() for c in _RUN_IN.finditer(text, a, b)]``, the pattern tried only where it can
    match (right after a sentence mark, or at white space) instead of at every character."""
    cuts: list[int] = []
    pos = a  # finditer's position: no match starts before it
    q = a - 1 if a > 0 else a  # a mark right before ``a`` makes ``a`` a place to try
    while True:
        edge = _RUN_IN_EDGE.search(text, q, b)
        if edge is None:
            return cuts
        q = edge.start()
        p = q if text[q].isspace() else q + 1
        q += 1
        if p < pos or p >= b:
            continue
        m = _RUN_IN.match(text, p, b)
        if m is not None:
            cuts.append(p)
            pos = max(m.end(), p + 1)


def lines(text: str, start: int = 0, end: int | None = None) -> Iterator[Span]:
    """Spans of the non-blank lines in ``text[start:end]``, trimmed of surrounding white space.

    A line longer than a few pages is split where paragraphs evidently began."""
    for m in _TRIMMED_LINE.finditer(text, start, len(text) if end is None else end):
        a, b = m.span(1)
        if a < 0:
            continue  # blank
        if b - a <= _LONG_LINE:
            yield Span(a, b)
            continue
        cuts = [*_run_in_cuts(text, a, b), b]
        for c in cuts:
            lo, hi = a, c
            while lo < hi and text[lo].isspace():
                lo += 1
            while hi > lo and text[hi - 1].isspace():
                hi -= 1
            if lo < hi:
                yield Span(lo, hi)
            a = c


def role_of(title: str) -> Role:
    """Whether a heading introduces the review of the past year, the plan for the next, or neither."""
    r = _rules()
    if r.review_any.search(title):
        return "review"
    if r.plan_any.search(title):
        return "plan"
    return "other"


def _is_debris(line: str) -> bool:
    """A line of page furniture (下载, 【字号：, 您的位置：, 来源：, 2026-02-03 09:02:33, 新华社…电).

    Cheap by design, since every line is asked: a long line never is, and each pattern is
    matched at the start of the line, never searched through it."""
    r = _rules()
    if len(line) > r.debris_max:
        return False
    if r.debris.match(line) or r.debris_within.search(line):
        return True
    d = r.dateline.match(line)  # a dateline alone; one running on into the title is the title's line
    return d is not None and not line[d.end() :].strip(" ,，:：")


def is_caption(line: str) -> bool:
    """A photo caption or credit of a saved page (（图为…）, 新华社记者 某某 摄, 省长某某作政府工作报告。)."""
    r = _rules()
    if len(line) > r.caption_max:
        return False
    if line.rstrip(" )）]】").endswith(r.caption_end) or r.caption_start.match(line):
        return True
    return "工作报告" in line and bool(r.delivering.search(line))


def is_salutation(line: str) -> bool:
    """Whether ``line`` opens with the speaker addressing the house (各位代表！, 各位代表：)."""
    return bool(_rules().salutation.match(line))


def is_furniture(line: str) -> bool:
    """Page furniture, a dateline or a photo caption: never a title, heading, task or project."""
    return _is_debris(line) or is_caption(line)


def _content(text: str, spans: list[Span], rows: list[str], furniture: list[bool]) -> Span:
    """Where the report proper starts and ends: web furniture at either end is left out.
    ``rows``: each line's text; ``furniture``: whether it is furniture (:func:`_lines_read`)."""
    r = _rules()
    first = 0
    crumbs = False  # inside a breadcrumb trail (您的位置：首页 > 云南要闻 > …)
    while first < len(spans):
        line = rows[first]
        if furniture[first]:
            crumbs = crumbs or line.startswith(r.breadcrumb)
        elif not (crumbs and _is_crumb(line)):
            break
        first += 1
    last = len(spans) - 1
    while last > first:
        line = rows[last]
        short = len(line) <= 8 and line[-1] not in _SENTENCE_END
        if not (_is_debris(line) or short):
            break
        last -= 1
    if first > last:
        return Span(0, len(text))
    # saved web pages may hold the report several times (and pages of it out of order):
    # split where prose starts repeating and keep the copy that is longest and opens soonest
    segments: list[tuple[int, int]] = []  # first and last line index of each copy
    seen: set[str] = set()
    begin = first
    for i in range(first, last + 1):
        line = rows[i]
        if not _is_prose(line):
            continue
        if line in seen:
            end = i - 1
            while end > begin and not _is_prose(rows[end]):
                end -= 1
            segments.append((begin, end))
            begin, seen = i, set()
        seen.add(line)
    if segments:
        segments.append((begin, last))

        def prose(seg: tuple[int, int]) -> int:
            return sum(len(rows[k]) for k in range(seg[0], seg[1] + 1))

        def opening(seg: tuple[int, int]) -> int:
            a, b = seg
            return next(
                (k - a for k in range(a, b + 1) if _L1.match(rows[k])), b - a
            )

        total = max(prose(seg) for seg in segments)
        first, last = max(segments, key=lambda seg: (prose(seg) * 20 // max(1, total), -opening(seg)))
        while first < last and furniture[first]:
            first += 1
    return Span(spans[first].start, spans[last].end)


_CRUMB_STOP: Final = frozenset("。，,:：!！?？;；")


def _is_crumb(line: str) -> bool:
    """A short name in a breadcrumb trail (云南要闻): no sentence, no title, no heading."""
    r = _rules()
    return (
        len(line) <= r.crumb_max
        and not _CRUMB_STOP.intersection(line)
        and not any(w in line for w in r.title_words)
        and not (_L1.match(line) or _L2.match(line))
    )


_ESCAPED_SPACES: Final = re.compile(r"(?:<U\+00A0>|&nbsp;|&#160;|\s)+")
_SPACED_OUT: Final = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")  # 政 府 工 作 报 告


def _is_prose(line: str) -> bool:
    """A line of running text (not a caption-free menu or pager): long, with sentence punctuation."""
    return len(line) >= 40 and ("。" in line or "，" in line)


_SENTENCE_END_RE: Final = re.compile("[" + re.escape(_SENTENCE_END) + "]")


def _first_sentence(text: str, span: Span) -> Span:
    end = _SENTENCE_END_RE.search(text, span.start, span.end)  # one C scan, not a loop per character
    return Span(span.start, end.end()) if end is not None else span


_DIGIT: Final = re.compile(r"\d")
_DIGIT_NOT_YEAR: Final = re.compile(r"\d(?!\d*\s*年)")  # a figure, not a year (2026年)


def _heading(text: str, span: Span, line: str, has_l1: bool) -> tuple[int, Span] | None:
    """The level and title span if the line at ``span`` (its text: ``line``) is or starts with a heading."""
    r = _rules()
    if _L1.match(line):
        return 1, _first_sentence(text, span) if len(line) > 40 else span
    if _L2.match(line):
        return 2, _first_sentence(text, span)
    if _L3.match(line) and len(line) <= 40:
        return 3, span
    if is_salutation(line):
        return None  # 各位代表！ heads no part of the report
    first = _first_sentence(text, span)
    if _ORDINAL_LEAD.match(line) and first == span and len(line) <= 40:
        return 3, span
    if (
        len(line) <= r.max_standalone
        and line[-1] not in _SENTENCE_END + ",,、::"
        and not _DIGIT_NOT_YEAR.search(line)
    ):
        return (2 if has_l1 else 1), span
    if first != span and len(first) <= r.max_lead and not _DIGIT.search(text, first.start, first.end):
        return 4, first
    return None


def _sections(
    text: str, spans: list[Span], rows: list[str], furniture: list[bool], content: Span, skip: set[int]
) -> list[Section]:
    has_l1 = any(_L1.match(line) for line in rows)
    roots: list[Section] = []
    stack: list[Section] = []
    for i, s in enumerate(spans):
        if s.start < content.start or s.end > content.end or s.start in skip:
            continue
        if furniture[i]:
            continue
        found = _heading(text, s, rows[i], has_l1)
        if found is None:
            continue
        level, title = found
        # a subtitle line right under a heading belongs to that heading
        if (
            stack
            and 2 <= level <= 3
            and stack[-1].level <= 3
            and stack[-1].heading.end == s.start - 1
            and stack[-1].span.end == stack[-1].heading.end
            and found[1] == s
        ):
            stack[-1].title += " " + rows[i]
            stack[-1].heading = Span(stack[-1].heading.start, s.end)
            continue
        end = s.end if level == 4 else content.end
        section = Section(
            title=text[title.start : title.end], level=level, heading=title, span=Span(s.start, end)
        )
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else roots).append(section)
        stack.append(section)
    _close(roots, content.end)
    return roots


def _close(sections: list[Section], end: int) -> None:
    """Each section ends where the next sibling starts (level-4 leads end with their paragraph)."""
    for i, s in enumerate(sections):
        if s.level != 4:
            nxt = sections[i + 1].span.start if i + 1 < len(sections) else end
            s.span = Span(s.span.start, max(s.heading.end, nxt))
        _close(s.children, s.span.end)


def _year_role(title: str, meta: Metadata) -> Role:
    """A heading naming a year speaks of the past if that year is over when the report is given."""
    years = [_year(y) for y in _YEAR.findall(title)]
    if not years or meta.delivered is None:
        return "other"
    year, month = int(meta.delivered[:4]), int(meta.delivered[5:7])
    last_done = year if month >= 11 else year - 1
    return "plan" if max(years) > last_done else "review"


def _title_role(meta: Metadata) -> Role:
    """What a work report's title says of the parts before its first review or plan heading
    (all of it, if it has none) when it stands on a line of its own, as a heading does:
    1975年政府工作报告, given in 1975, plans for 1975. Only a plan carries over this way; a title
    naming a year that is over says nothing, and one run in with its date line
    (1954年政府工作报告——1954年5月23日在…) heads nothing."""
    if meta.doc_type != "report" or not meta.title:
        return "other"
    role = role_of(meta.title)  # 关于一九五八年度国民经济计划草案的报告
    return "plan" if (role if role != "other" else _year_role(meta.title, meta)) == "plan" else "other"


def _label(sections: list[Section], meta: Metadata, parent: Section | None, lead: Role = "other") -> int | None:
    """Roles and periods of ``sections`` and their children (``lead``: what the title says of
    the parts before the first headed one); at the top, returns where the first part headed
    review or plan by its own title starts (None: no such part)."""
    previous: Role = lead if parent is None else "other"
    first_own: int | None = None
    if parent is None:
        for s in sections:
            s.role = role_of(s.title)
            if s.role == "other":
                s.role = _year_role(s.title, meta)
        numbered = [s for s in sections if s.level == 1 and _L1.match(s.title)]
        if meta.doc_type == "report" and numbered and not any(s.role != "other" for s in numbered):
            # thematic headings only: a work report reviews first and plans after
            numbered[0].role = "review"
            for s in numbered[1:]:
                s.role = "plan"
        first_own = next((s.span.start for s in sections if s.role != "other"), None)
    for s in sections:
        own = s.role if parent is None else role_of(s.title)
        if parent is not None and parent.role != "other":
            s.role = parent.role
        elif own != "other":
            s.role = own
        elif parent is None and previous == "plan":
            s.role = "plan"
        years = {_year(y) for y in _YEAR.findall(s.title)}
        if len(years) == 1 and s.role != "other":
            s.period = years.pop()
        elif parent is not None and parent.period is not None:
            s.period = parent.period
        elif s.role == "review":
            s.period = meta.review_year
        elif s.role == "plan":
            s.period = meta.plan_year
        previous = s.role
        _label(s.children, meta, s)
    return first_own


# A date as a report writes it: 2026年1月27日, 1 9 9 8 年3 月5 日 or 二〇二六年一月二十七日.
_DATE: Final = re.compile(
    r"(?P<y>(?:1\s?9|2\s?0)\s?\d\s?\d|[一二][〇○零一二三四五六七八九]{3})\s*年\s*"
    r"(?P<m>\d\s?\d?|十[一二]?|[一二三四五六七八九])\s*月\s*"
    r"(?P<d>\d\s?\d?|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])\s*日"
)
# The report's own date line: ——2026年1月27日在吉林省第十四届人民代表大会第五次会议上
_DELIVERY: Final = re.compile(r"[^。在]{0,14}?在(?P<rest>.{0,60})")
_SESSION: Final = re.compile(r"人民代表大会|人大|第[\d一二三四五六七八九十]+\s*届|会议")
_DATE_ONLY: Final = re.compile(r"[\s(（—\-―─]*")
_DATE_MARK: Final = re.compile(r"(?:——|--|――|[(（])\s*$")
# a web page's dateline: 2022/01/14/ 11:03 来源:兰州新区报 记者 魏晓倩 / 时间：2026-02-05
_DATELINE: Final = re.compile(r"((?:19|20)\d{2})[/\-.年]\s*(\d{1,2})[/\-.月]\s*(\d{1,2})")


def _cn_int(written: str) -> int:
    """一 → 1, 十二 → 12, 二十七 → 27; digits (possibly spaced) as they are."""
    written = re.sub(r"\s", "", written)
    if written.isdigit():
        return int(written)
    tens, _, units = written.rpartition("十")
    if "十" not in written:
        return CN_DIGITS.index(written) + 1
    return (CN_DIGITS.index(tens) + 1 if tens else 1) * 10 + (CN_DIGITS.index(units) + 1 if units else 0)


def _iso(m: re.Match[str]) -> str | None:
    """The ISO date a :data:`_DATE` match writes, or None if it is no calendar date."""
    y = re.sub(r"\s", "", m["y"])
    if not y.isdigit():  # 二〇二六, 一九九○: each numeral a digit, 〇 ○ 零 naught
        y = "".join(str(CN_DIGITS.index(c) + 1) if c in CN_DIGITS else "0" for c in y)
    year = int(y)
    month, day = _cn_int(m["m"]), _cn_int(m["d"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year}-{month:02d}-{day:02d}"


def _own_date(line: str) -> tuple[str, str] | None:
    """The date the report states on ``line`` and what follows 在, if the line is its date line.

    A date line gives the day and the session the report was delivered at (——2026年1月27日在…
    人民代表大会…上; a first day stands for 7月5日至6日), or is a bare date on a line of its own
    (二〇二六年一月二十七日, under the title). A web page's publication date is neither."""
    if "月" not in line or "日" not in line:
        return None  # no date without them: the pattern is not tried at every character
    d = _DATE.search(line)
    if d is None or (iso := _iso(d)) is None:
        return None
    alone = bool(_DATE_ONLY.fullmatch(line[: d.start()]))
    after = _DELIVERY.match(line, d.end())
    # the date line may run on from the title: 1954年政府工作报告——1954年5月23日在…
    if after and _SESSION.search(after["rest"]) and (alone or _DATE_MARK.search(line, 0, d.start())):
        return iso, after["rest"]
    if alone and re.fullmatch(r"[\s)）]*", line[d.end() :]):
        return iso, ""
    return None


@dataclass(slots=True)
class _Head:
    """What the lines at the top of a report say about it."""

    meta: Metadata
    used: set[int]  # starts of the lines that are metadata, not headings
    own_date: bool  # the delivery date is the report's own, not a web page's
    title: Span | None  # where the title stands in the text
    starts: int | None  # where the report proper starts (its own title line), if known
    heads: bool = False  # the title stands on a line of its own, as a heading does


# a date line run in after the title: 政府工作报告——2017年3月5日在…, 1954年政府工作报告——1954年…
_RUN_IN_DATE: Final = re.compile(
    r"\s*(?:——|--|――|—|[(（])\s*(?=(?:1\s?9|2\s?0)\s?\d\s?\d\s*年|[一二][〇○零一二三四五六七八九]{3}\s*年)"
)
_NOT_IN_TITLE: Final = frozenset("。，,;；!！?？")
_BARE_NAME: Final = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,8}·[\u4e00-\u9fff·]{1,12}")
_NO_SPACE: Final = re.compile(r"[\s\u3000]+")


def _title_in(text: str, sp: Span) -> Span | None:
    """The title on the line at ``sp``, if the line is a title line: a report's name
    (政府工作报告, 关于…计划的报告), with a dateline before it (新华社北京3月14日电) and a run-in
    date line after it (——2017年3月5日在…) set aside."""
    r = _rules()
    line = text[sp.start : sp.end]
    if is_salutation(line) or _L1.match(line) or _L2.match(line) or is_caption(line):
        return None
    a, b = sp.start, sp.end
    d = r.dateline.match(line)
    if d:
        a += d.end()
    b = min(b, a + 4 * r.title_max)  # a title runs into its date line within a few dozen characters
    dash = _RUN_IN_DATE.search(text, a, b)
    if dash:
        b = dash.start()
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    title = _NO_SPACE.sub("", text[a:b])  # 政 府 工 作 报 告
    if not title or len(title) > r.title_max or not any(w in title for w in r.title_words):
        return None
    if _NOT_IN_TITLE.intersection(title) or is_caption(title):
        return None
    return Span(a, b)


def _plain_title(text: str, head: list[Span]) -> Span | None:
    """A first line that can be a title though it names no report (某某新区2024年要干这些事):
    short, no sentence, no heading, no date, no caption, no salutation."""
    if not head:
        return None
    sp = head[0]
    line = text[sp.start : sp.end]
    if len(line) > 40 or _NOT_IN_TITLE.intersection(line) or line[-1] in ":：":
        return None
    if _L1.match(line) or _L2.match(line) or _L3.match(line) or _ORDINAL_LEAD.match(line):
        return None
    if is_salutation(line) or is_caption(line) or _own_date(line) or _DATELINE.search(line):
        return None
    return sp


def _speaker(text: str, head: list[Span], first: int, last: int, date_at: int | None) -> tuple[str, str, int] | None:
    """The speaker's name, the place their title names (or ""), and the line index, from
    ``head[first:last]``: a speaker line (省长 王予波, 副总理兼财政部长李先念), one run in after the
    date line (…会议上国务院总理 李克强), a title ending one line and the name opening the next
    (…国务院总理 / 李克强各位代表：), or a bare name between the date line and 各位代表."""
    r = _rules()
    for i in range(first, min(last, len(head))):
        sp = head[i]
        line = text[sp.start : sp.end]
        if is_salutation(line):
            break
        flat = _NO_SPACE.sub("", line)
        sm = r.speaker.match(flat) if len(flat) <= 30 else None
        if sm is None and len(flat) <= 60:
            sm = r.speaker.search(_NO_SPACE.sub("", line.split("上")[-1]))
        if sm is not None:
            return sm["name"], sm["place"], i
        if i + 1 < len(head) and len(line) <= 80:
            ends = re.search(r"(?P<title>" + "|".join(map(re.escape, _titles())) + r")$", flat)
            nxt = _NO_SPACE.sub("", text[head[i + 1].start : head[i + 1].end])
            cut = next((k for k in range(2, 5) if is_salutation(nxt[k:])), None)
            if ends and cut is not None and _BARE_NAME.fullmatch(nxt[:cut]):
                return nxt[:cut], "", i
        if (
            date_at is not None
            and i > date_at
            and i + 1 < len(head)
            and _BARE_NAME.fullmatch(flat)
            and is_salutation(text[head[i + 1].start : head[i + 1].end])
        ):
            return flat, "", i
    return None


@cache
def _titles() -> tuple[str, ...]:
    return tuple(sorted(rules.load("structure")["metadata"]["speaker_titles"], key=len, reverse=True))


def _metadata(text: str, spans: list[Span], doc: Document) -> _Head:  # noqa: C901  (one pass over the head lines; each field's cue is a branch, and the fields fall back on one another)
    """Metadata from the lines at the top: the report's title line, its own date line, the
    speaker line; web furniture (breadcrumbs, datelines, captions, 来源：) is no title."""
    r = _rules()
    meta = Metadata()
    used: set[int] = set()
    raw = spans[: r.head_lines]
    head = [sp for sp in raw if not is_furniture(text[sp.start : sp.end])]
    if not head:
        return _Head(meta, used, False, None, None)
    # the report's own date line wins over any web page date around it: a session line first,
    # then a bare date (one in Chinese numerals first: web pages write theirs in digits)
    own = [(o, i) for i, sp in enumerate(head[:24]) if (o := _own_date(text[sp.start : sp.end])) is not None]
    own.sort(key=lambda o: (not o[0][1], bool(re.search(r"\d", text[head[o[1]].start : head[o[1]].end]))))
    date_at = own[0][1] if own else None
    for _, i in own:
        used.add(head[i].start)
    if own:
        meta.delivered, rest = own[0][0]
        place = re.match(r"\s*(.{0,20}?)\s*第[\d一二三四五六七八九十]+\s*届", rest)
        if place:
            meta.jurisdiction = place[1].strip() or None
        if "全国人民代表大会" in rest[:30]:
            meta.jurisdiction = "中国"
        # a date line broken in two: ——2026年1月26日在广东省第十四届 / 人民代表大会第五次会议上
        nxt = head[date_at + 1] if date_at is not None and date_at + 1 < len(head) else None
        if nxt is not None and re.search(r"会议上\s*[)）]?$", text[nxt.start : nxt.end]) and len(nxt) <= 30:
            used.add(nxt.start)
    # the title: the report's own title line (the last one above its date line), else the first
    above_date = head[: (date_at + 1) if date_at is not None else 12]
    titles = [(i, t) for i, sp in enumerate(above_date) if (t := _title_in(text, sp)) is not None]
    title_at: int | None
    title: Span | None
    if titles and date_at is not None:
        best = [t for t in titles if r.title_words[0] in _NO_SPACE.sub("", text[t[1].start : t[1].end])] or titles
        title_at, title = best[-1]
    else:
        title_at, title = titles[0] if titles else (None, None)
    if title is None:
        plain = _plain_title(text, head)
        title_at, title = (0, plain) if plain is not None else (None, None)
    if title is not None and title_at is not None:
        meta.title = text[title.start : title.end]
        used.add(head[title_at].start)
        if date_at is not None:  # subtitles between the title and the date line
            used.update(sp.start for sp in head[title_at + 1 : date_at])
    top = text[head[0].start : head[min(len(head), 12) - 1].end]
    # datelines and sources are read from every line at the top, furniture included
    scan_end = head[min(len(head), 12) - 1].end
    for k, sp in enumerate(raw):
        if sp.start >= scan_end:
            break
        line = text[sp.start : sp.end]
        if line.startswith(("——", "--")) and _DATE.search(line) and "。" not in line:
            used.add(sp.start)  # a date line, whatever it says after the date
        d = _DATELINE.search(line)
        if d and meta.delivered is None and len(line) <= 60:
            meta.delivered = f"{d[1]}-{int(d[2]):02d}-{int(d[3]):02d}"
            used.add(sp.start)
        src = re.search(r"来源\s*[:：]\s*(\S+)", line)
        if meta.source is None and src:
            meta.source = src[1]
            used.add(sp.start)
        elif meta.source is None and re.fullmatch(r"来源\s*[:：]\s*", line) and k + 1 < len(raw):
            value = text[raw[k + 1].start : raw[k + 1].end]
            if len(value) <= 16 and not _is_debris(value):
                meta.source = value
                used.add(raw[k + 1].start)
    first = title_at if title_at is not None else 0
    found = _speaker(text, head, first, (date_at + 4) if date_at is not None else 16, date_at)
    if found is not None:
        meta.speaker, named, at = found
        known = _known_place(named) if named else None
        if meta.jurisdiction is None and known:
            meta.jurisdiction = known
        if "国务院" in text[head[at].start : head[at].end]:
            meta.jurisdiction = "中国"
        used.add(head[at].start)
    title_text = meta.title or ""
    if meta.jurisdiction is None:
        if "国务院" in top[:200]:
            meta.jurisdiction = "中国"
        else:
            # a bare 政府工作报告 leaves the page's headline above it (2026年某省政府工作报告)
            above = text[head[0].start : head[title_at].start][:200] if title_at else ""
            meta.jurisdiction = _known_place(title_text) or _known_place(above) or _known_place(meta.source or "")
    reporter = any(
        "记者" in text[sp.start : sp.end] and "来源" in text[sp.start : sp.end] for sp in raw[:8]
    )
    press = any(w in title_text for w in r.press_words) or (reporter and "政府工作报告" not in title_text)
    meta.doc_type = "press_reading" if press else "report"
    meta.level = level_of(meta.jurisdiction)
    starts = title.start if title is not None and date_at is not None and meta.doc_type == "report" else None
    heads = title is not None and title_at is not None and title == head[title_at]
    return _Head(meta, used, bool(own), title, starts, heads)


def _known_place(text: str) -> str | None:
    """The first name in ``text`` that the jurisdiction registry knows (建设创新城市 is no place)."""
    registry = load_jurisdictions()
    best: tuple[int, int, str] | None = None
    for start in range(len(text)):
        for m in _PLACE.finditer(text[start : start + 14]):
            if m.start() != 0:
                break
            name = m.group(0)
            if registry.resolve(name) is not None:
                key = (start, -len(name), name)
                best = key if best is None or key < best else best
    return best[2] if best else None


def level_of(place: str | None) -> str | None:
    """The administrative level a place name's ending shows (national … county, new_area, zone), or None."""
    if not place:
        return None
    if place in {"中国", "全国", "国务院"}:
        return "national"
    if place.endswith("新区") and not place.endswith("高新区"):
        return "new_area"
    if place.endswith(("高新区", "经开区", "开发区", "园区", "保税区", "试验区")):
        return "zone"
    if place.endswith(("省", "自治区", "特别行政区")) or place in {"北京市", "天津市", "上海市", "重庆市"}:
        return "province"
    if place.endswith(("市", "州", "盟", "地区")):
        return "prefecture"
    if place.endswith(("县", "旗", "区")):
        return "county"
    return None


def _review_heading_years(title: str) -> tuple[list[int], int | None]:
    """The years a review heading reviews, and the plan year it names or implies, if any.

    Years before the review word are reviewed (1993年国内工作的回顾和1994年工作的基本方针
    reviews 1993 and names the plan year 1994 after it); 今年 next to a reviewed year is the
    year after it (2019年和今年以来工作回顾: the report is given in 2020)."""
    years = [(m.start(), _year(m[1])) for m in _YEAR.finditer(title)]
    cut = min((title.find(w) + len(w) for w in _rules().review if w in title), default=len(title))
    before = [y for at, y in years if at < cut]
    after = [y for at, y in years if at >= cut]
    reviewed = before or [y for _, y in years]
    plan = max(after) if after else None
    if plan is None and reviewed and "今年" in title and "去年" not in title:
        plan = max(reviewed) + 1
    return reviewed, plan


# What the text around says when headings, title and date do not: 今年（2020年）, 去年（2019年）,
# a plan part opening 2020年是… and a review part opening 2019年，…
_TODAY: Final = re.compile(r"今年\s*[(（]\s*((?:19|20)\d{2})\s*年|((?:19|20)\d{2})\s*年\s*[(（]\s*今年")
_LAST_YEAR: Final = re.compile(r"去年\s*[(（]\s*((?:19|20)\d{2})\s*年|((?:19|20)\d{2})\s*年\s*[(（]\s*去年")
_TODAY_SINCE: Final = re.compile(r"((?:19|20)\d{2})\s*年(?:和|及|以及|暨)今年以来")
_PART_LEAD: Final = re.compile(r"^(?:刚刚过去的|过去的)?\s*((?:19|20)\d{2})\s*年\s*(?:是|[，,])")


def _context_year(text: str, sections: list[Section]) -> int | None:
    """The plan year the report's text implies through 今年 and 去年, or None."""
    body = text[sections[0].span.start : sections[-1].span.end] if sections else ""
    for m in _TODAY.finditer(body):
        return _year(m[1] or m[2])
    for m in _LAST_YEAR.finditer(body):
        return _year(m[1] or m[2]) + 1
    for m in _TODAY_SINCE.finditer(body):
        return _year(m[1]) + 1
    for s in sections:
        role = role_of(s.title)
        first = next(lines(text, s.heading.end, s.span.end), None)
        lead = _PART_LEAD.match(text[first.start : first.end]) if first and role != "other" else None
        if lead:
            return _year(lead[1]) + (1 if role == "review" else 0)
    return None


def _years(meta: Metadata, sections: list[Section], text: str, own_date: bool) -> None:
    """The plan and review years: from headings first, then the title, the delivery date, and
    what the text says of 今年 and 去年."""
    implied: int | None = None  # a plan year a review heading implies
    for s in sections:
        years = [_year(y) for y in _YEAR.findall(s.title)]
        role = role_of(s.title)
        if role == "plan" and years and meta.plan_year is None:
            meta.plan_year = max(years)
        if role == "review":
            reviewed, plan = _review_heading_years(s.title)
            if reviewed and meta.review_year is None:
                meta.review_year = max(reviewed)
            implied = implied or plan
    title = meta.title or ""
    # a first line that is a heading (一、2019年和今年以来工作回顾) is no title
    title_year = None if _L1.match(title) or _L2.match(title) else _YEAR.search(title)
    if meta.plan_year is None and title_year and meta.doc_type == "report":
        meta.plan_year = _year(title_year[1])
    if meta.plan_year is None and implied is not None:
        meta.plan_year = implied
    if meta.plan_year is None and meta.delivered:
        year, month = int(meta.delivered[:4]), int(meta.delivered[5:7])
        meta.plan_year = year + 1 if month >= 11 else year
    if (
        meta.delivered
        and meta.plan_year
        and not own_date
        and not meta.plan_year - 1 <= int(meta.delivered[:4]) <= meta.plan_year
    ):
        meta.delivered = None  # a web page's own date, not the report's
    if meta.plan_year is None and meta.review_year is None:
        meta.plan_year = _context_year(text, sections)
    if meta.review_year is None and meta.plan_year is not None:
        meta.review_year = meta.plan_year - 1
    if meta.plan_year is None and meta.review_year is not None:
        meta.plan_year = meta.review_year + 1


_NOTES: Final = re.compile(r"(?:注释|名词解释|附注|注)\s*[:：]?")
_YEAR_LEAD: Final = re.compile(r"(?:刚刚过去的)?((?:19|20)\d{2})\s*年")  # 2019年，… / 刚刚过去的2017年
_PLAN_SPAN: Final = re.compile(r"十[一二三四五六七八九]五|今后五年|未来五年")
_PLAN_LEAD: Final = re.compile(r"^\W{0,3}(?:今后五年|未来五年|“?十[一二三四五六七八九]五”?时期)")
_FIVE_YEAR_PLAN: Final = re.compile(r"十([一二三四五六七八九])五")
_PAST_LEAD: Final = re.compile(r"^\W{0,3}(?:过去五年|五年来|“?十([一二三四五六七八九])五”?(?:时期|期间|以来|这五年))")


def _past_plan_lead(lead: str, plan_year: int) -> bool:
    """Does a paragraph open with the five years before the plan year (过去五年, “十四五”时期 in 2026)?"""
    m = _PAST_LEAD.match(lead)
    if m is None:
        return False
    if m[1] is None:
        return True
    return 2006 + 5 * _NUMERAL.index(m[1]) + 4 < plan_year
_NUMERAL: Final = "一二三四五六七八九"


def _plan_span(words: str, plan_year: int) -> tuple[int, int] | None:
    """The years a multi-year plan part covers: a 十X五 plan's (十二五: 2011–2015), else the five
    years from the plan year (今后五年)."""
    for m in _FIVE_YEAR_PLAN.finditer(words):  # “十四五”时期发展成就和“十五五”时期主要目标任务
        start = 2006 + 5 * _NUMERAL.index(m[1])  # the 11th five-year plan (十一五) ran 2006–2010
        if start <= plan_year <= start + 4:
            return (start, start + 4)
    if "五年" in words:
        return (plan_year, plan_year + 4)
    return None


@dataclass(slots=True)
class _PathReading:
    """What a paragraph's section path says: the same for every paragraph under one section."""

    role: Role | None  # the innermost role on the path other than "other"
    period: int | None  # the innermost period on the path
    one_year: bool  # the top heading names one year and no span of years (一、2011年工作回顾)
    plan_titles: list[str]  # titles on the path naming a plan period (十四五, 今后五年), no year, no 今年


_NO_PATH: Final = _PathReading(role=None, period=None, one_year=False, plan_titles=[])


def _path_reading(path: list[Section], readings: dict[int, _PathReading]) -> _PathReading:
    """The reading of ``path``, each section's read once from its parent's: a lead sentence
    is a section of its own (level 4), so most paths are new, but only at their end.
    ``readings``: by ``id()`` of a path's innermost section, filled as it goes."""
    r = _rules()
    said = _NO_PATH
    for depth, s in enumerate(path):
        known = readings.get(id(s))
        if known is not None:
            said = known
            continue
        titled = _PLAN_SPAN.search(s.title) and not _YEAR.search(s.title) and "今年" not in s.title
        said = readings[id(s)] = _PathReading(
            role=s.role if s.role != "other" else said.role,
            period=s.period if s.period is not None else said.period,
            one_year=said.one_year
            if depth
            else len(set(_YEAR.findall(s.title))) == 1 and r.multi_year_any.search(s.title) is None,
            plan_titles=[*said.plan_titles, s.title] if titled else said.plan_titles,
        )
    return said


def _paragraphs(
    text: str,
    spans: list[Span],
    rows: list[str],
    furniture: list[bool],
    structure: Structure,
    lead_role: Role,
    first_own: int | None,
) -> list[Paragraph]:
    r = _rules()
    meta = structure.metadata
    content = structure.content
    default: Role = "plan" if meta.doc_type == "press_reading" else "other"
    # before the first part headed review or plan, the title's year speaks (1975年政府工作报告)
    lead_end = content.end if first_own is None else first_own
    out: list[Paragraph] = []
    multi = notes = False
    current_section: Section | None = None
    readings: dict[int, _PathReading] = {}  # by id() of a path's innermost section
    for i, sp in enumerate(spans):
        if sp.start < content.start or sp.end > content.end:
            continue
        if furniture[i]:
            continue  # a caption, a 来源： line or a pager inside the page is not report text
        path = structure.path_at(sp.start)
        section = path[-1] if path else None
        top = path[0] if path else None
        if top is not current_section:
            current_section, multi = top, False
        if sp.end - sp.start <= 8 and _NOTES.fullmatch(rows[i]):
            notes = True  # the report's notes and glossary (注释：): background, not plan or review
        said = _path_reading(path, readings)
        fallback = lead_role if sp.start < lead_end and lead_role != "other" else default
        role: Role = "other" if notes else said.role if said.role is not None else fallback
        period = said.period
        if period is None:
            period = meta.review_year if role == "review" else meta.plan_year if role == "plan" else None
        lead = text[sp.start : min(sp.end, sp.start + 40)]
        head_title = section.title if section is not None and section.heading.start == sp.start else ""
        head_multi = bool(head_title) and r.multi_year_any.search(head_title) is not None
        # under a heading that names one year (一、2011年工作回顾) a paragraph that mentions a
        # plan period speaks for itself only; under a five-year review the mood carries on
        if said.one_year and not head_multi:
            multi = False
        multi = _multi_year_lead(text, sp, lead, head_title, head_multi, multi)
        years = None
        if multi and role == "review" and meta.review_year is not None:
            years = (meta.review_year - 4, meta.review_year)
        elif role == "plan" and meta.plan_year is not None:
            # a plan part is multi-year only where its heading or lead says so (十二五时期的主要目标,
            # 今后五年): 今年是"十四五"的攻坚之年 speaks of one year
            spoken = said.plan_titles or ([lead] if _PLAN_LEAD.match(lead) else [])
            years = _plan_span(spoken[-1], meta.plan_year) if spoken else None
            multi = years is not None
            if _past_plan_lead(lead, meta.plan_year):
                # 过去五年，我们…; “十四五”时期，…: the last plan's results, inside a plan part
                role, period, multi = "review", meta.plan_year - 1, True
                years = (meta.plan_year - 5, meta.plan_year - 1)
        lead_year = _YEAR_LEAD.match(lead)
        if lead_year and role == "review":
            period = int(lead_year[1])
        out.append(
            Paragraph(span=sp, role=role, period=period, multi_year=multi and role != "other", years=years)
        )
    return out


def _multi_year_lead(text: str, sp: Span, lead: str, head_title: str, head_multi: bool, multi: bool) -> bool:
    """Whether the paragraph at ``sp`` sums up several years, by its lead and heading (``multi``:
    what the paragraphs before it under the same top heading left)."""
    r = _rules()
    if _PART_LEAD.match(lead) is not None and not head_title:
        # 2025年是“十四五”收官之年。一年来，…: a paragraph that opens on last year speaks of it,
        # whatever plan it closes, unless its next sentence sums up the plan (…。五年来，…)
        window = text[sp.start : min(sp.end, sp.start + 120)]
        after = window[window.find("。") + 1 :] if "。" in window else ""
        return r.multi_year_any.search(after, 0, 30) is not None
    if head_multi or r.multi_year_any.search(lead) is not None:
        return True
    if r.single_year_any.search(lead, 0, 12) is not None or _YEAR_LEAD.match(lead):
        return False
    return multi


def _lines_read(text: str, spans: list[Span]) -> tuple[list[str], list[bool]]:
    """Each line's text and whether it is page furniture, read once for every stage that asks."""
    rows = [text[sp.start : sp.end] for sp in spans]
    return rows, [is_furniture(line) for line in rows]


def structure(doc: Document | str, normalised: str | None = None) -> Structure:
    """Metadata, section tree and paragraph roles of ``doc`` (a Document, or the text itself)."""
    doc = as_document(doc)
    text = normalised if normalised is not None else normalise(doc.text)
    spans = list(lines(text))
    rows, furniture = _lines_read(text, spans)
    content = _content(text, spans, rows, furniture)
    head = _metadata(text, spans, doc)
    meta = head.meta
    if head.starts is not None and content.start < head.starts < content.end:
        content = Span(head.starts, content.end)  # what stands above the report's own title is the page's
    sections = _sections(text, spans, rows, furniture, content, head.used)
    _years(meta, sections, text, head.own_date)
    lead = _title_role(meta) if head.heads else "other"
    first_own = _label(sections, meta, None, lead)
    result = Structure(metadata=meta, sections=sections, content=content)
    result.paragraphs = _paragraphs(text, spans, rows, furniture, result, lead, first_own)
    if text is not doc.text:
        for s in result.walk():  # titles as written: （一）, not the folded (一)
            s.title = doc.text[s.heading.start : s.heading.end] if " " not in s.title else s.title
    if head.title is not None:  # as written, with written-out spaces (<U+00A0>) read as spaces
        title = _ESCAPED_SPACES.sub(" ", doc.text[head.title.start : head.title.end]).strip()
        meta.title = _SPACED_OUT.sub("", title)[:200]
    return result
