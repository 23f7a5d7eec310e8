"""Invariants the extractor's fast paths rely on (tests of equivalence, no timing)."""

from __future__ import annotations

import random
from dataclasses import fields

import pytest

from workreport.model import Fact, Span
from workreport.pipeline import structure
from workreport.pipeline.extract import facts


def test_fact_fields_in_the_order_to_facts_passes_them() -> None:
    # _to_facts builds each Fact positionally (a keyword call costs a dict per fact)
    assert tuple(f.name for f in fields(Fact)) == facts.FACT_FIELDS


def test_run_in_cuts_are_those_of_the_pattern_everywhere() -> None:
    # _run_in_cuts tries the run-in pattern only after a sentence mark or at white space
    rnd = random.Random(12)
    alphabet = [*"。:：!！?？ \t\n（(一二三、)）十五a中文", "\u3000"]
    for _ in range(5000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40)))
        a = rnd.randint(0, len(text))
        b = rnd.randint(a, len(text))
        want = [m.start() for m in structure._RUN_IN.finditer(text, a, b)]
        assert structure._run_in_cuts(text, a, b) == want, (text, a, b)


def test_numeral_runs_are_those_of_the_numeral_pattern() -> None:
    # _numeral_spans reads plain Arabic runs with a short pattern, the rest with the full one
    from workreport.pipeline.extract import mentions

    rnd = random.Random(7)
    alphabet = [*"0123456789", *",./-", *"十百千万亿拾佰仟分之点", *"一二三五两零〇", *"%年个元 增长"]
    full = mentions._numeral_re()
    for _ in range(20000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30)))
        starts, ends = mentions._numeral_spans(text)
        assert list(zip(starts, ends, strict=True)) == [m.span() for m in full.finditer(text)], text


def test_word_form_matches_are_those_of_finditer() -> None:
    # _matches tries each word-form pattern only at the number before one of its marks
    from workreport.pipeline.extract import mentions

    rnd = random.Random(5)
    alphabet = [
        *"0123456789.", *"０１２²٣", *"〇零一二两三四五六七八九十百千点", *"/分之倍成位次个第名首居列排全国世界",
        "多", "以上", "左右", "个位次", "分之", " ", "\u3000", "增长",
    ]  # fmt: skip
    for pattern in (mentions._TIMES, mentions._MOVE, mentions._TENTHS, mentions._FRACTION):
        for _ in range(10000):
            text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 24)))
            lo = rnd.randint(0, len(text))
            hi = rnd.randint(lo, len(text))
            want = [(m.span(), m.groups()) for m in pattern.finditer(text, lo, hi)]
            got = [(m.span(), m.groups()) for m in mentions._matches(pattern, text, lo, hi)]
            assert got == want, (pattern.pattern, text, lo, hi)


def test_clause_starts_walk_is_clause_start_at() -> None:
    # _Cues.clause_starts walks the clause marks once for a sentence's numbers in text order
    from workreport.pipeline.extract.reading import clause_start_at

    rnd = random.Random(3)
    alphabet = [*",，:。!?;\n", *"增长项目一二", "3", "、"]
    for _ in range(3000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 160)))
        lo = rnd.randint(0, len(text) - 1)
        hi = rnd.randint(lo, len(text))
        cues = facts._Cues(text, lo, hi)
        ats = sorted(rnd.randint(lo, hi) for _ in range(rnd.randint(0, 12)))
        if ats and rnd.random() < 0.2:
            rnd.shuffle(ats)  # out of order: still right
        want = [clause_start_at(text, at, lo) for at in ats]
        assert cues.clause_starts(ats) == want, (text, lo, hi, ats)
        assert [cues.clause_start(at) for at in ats] == want


def test_unit_in_is_the_loop_over_all_units() -> None:
    # _unit_in looks only at the units of the character at i (a table built once): the same as
    # the loop over every unit, longest first, skipping those whose guard forbids what follows
    from workreport.pipeline.extract import mentions
    from workreport.pipeline.extract.vocabulary import extractor_rules

    rules = extractor_rules()

    def loop(text: str, i: int) -> object:
        if i >= len(text):
            return None
        for u in rules.units:
            if u.written and text.startswith(u.written, i):
                nxt = text[i + len(u.written) : i + len(u.written) + 1]
                if nxt and nxt in rules.guard.get(u.written, ""):
                    continue
                return u
        return None

    pieces = [u.written for u in rules.units] + list("".join(rules.guard.values())) + [*"、，。 的等", "年", "亿"]
    rnd = random.Random(11)
    for _ in range(4000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 5)))
        for i in range(len(text) + 1):
            assert mentions._unit_in(text, i) is loop(text, i), (text, i)
            assert mentions._match_unit(text, i) is loop(text, i), (text, i)


def test_first_mark_is_the_search() -> None:
    # _first_mark bisects over one scan of the sentence instead of a search from each number
    from workreport.pipeline.extract import labels

    rnd = random.Random(13)
    alphabet = [*"的等，,。;；:：!?！？\n", *"项目企业个三", "12", "、"]
    for _ in range(3000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 120)))
        lo = rnd.randint(0, len(text) - 1)
        hi = rnd.randint(lo, len(text))
        for _ in range(8):
            a = rnd.randint(lo, hi)
            b = rnd.randint(a, hi)
            found = labels._OWNED_OR_BREAK.search(text, a, b)
            want = found.start() if found is not None else -1
            assert labels._first_mark(text, a, b, lo, hi) == want, (text, a, b, lo, hi)


def test_taken_free_is_overlaps() -> None:
    # _Taken.free walks the spans once for numerals in text order, bisects otherwise
    from decimal import Decimal

    from workreport.pipeline.extract import mentions

    rnd = random.Random(17)
    for _ in range(3000):
        spans = [(a, a + rnd.randint(0, 6)) for a in (rnd.randint(0, 60) for _ in range(rnd.randint(0, 8)))]
        taken = mentions._Taken(spans)
        ms = []
        for _ in range(rnd.randint(0, 10)):
            a = rnd.randint(0, 66)
            b = a + rnd.randint(1, 5)
            ms.append(mentions.Mention(a, b, a, b, Decimal(1), "count", "count"))
        if rnd.random() < 0.7:
            ms.sort(key=lambda m: m.num_start)
        want = [m for m in ms if not taken.overlaps(m.num_start, m.num_end)]
        assert taken.free(ms) == want, (spans, [(m.num_start, m.num_end) for m in ms])


def test_counted_object_at_is_counted_object_of_the_cut() -> None:
    # counted_object_at returns at once where the first character can open no name
    from workreport.pipeline.extract import reading

    rnd = random.Random(19)
    alphabet = [*"(间)的等“\"《、，。,3五", *"老旧小区改造项目", "a", " ", "\n"]
    for _ in range(10000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 50)))
        a = rnd.randint(0, len(text))
        b = rnd.randint(a, min(len(text), a + 40))
        assert reading.counted_object_at(text, a, b) == reading.counted_object(text[a:b]), (text, a, b)


def test_neighbour_sets_are_the_str_tests() -> None:
    # _numeral_mentions tests the characters around a numeral by set membership
    from workreport.pipeline.extract import mentions

    for c in ["", *map(chr, range(0x3100)), *"一二三万亿、。％"]:
        assert (c in mentions._NOT_BEFORE) == ((c.isascii() and c.isalnum()) or bool(c and c in "./")), c
        assert (c in mentions._ASCII_LETTERS) == (c.isascii() and c.isalpha()), c


def test_names_nothing_is_its_pattern() -> None:
    # _names_nothing tries the marker pattern only on a label opening with a marker's character
    from workreport.pipeline.extract import labels

    rnd = random.Random(23)
    alphabet = [*"一二三四五六七八九十其第是,，、…", " ", "\u3000", *"企业项目"]
    for _ in range(20000):
        label = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 8)))
        want = len(label.replace("…", "").strip()) <= 1 or labels._MARKER_LABEL.match(label) is not None
        assert labels._names_nothing(label) == want, label


def test_sentence_titles_are_the_path_of_each_offset() -> None:
    # _to_facts takes the section titles of a whole sentence when no section edge falls inside it
    from pathlib import Path

    from workreport.model import Document
    from workreport.pipeline.extract import sentences
    from workreport.pipeline.normalise import normalise

    reports = sorted((Path(__file__).parent / "data" / "reports").glob("*.txt"))[:4]
    assert reports
    rnd = random.Random(29)
    seen = 0
    for path in reports:
        doc = Document(text=path.read_text(encoding="utf-8"))
        norm = normalise(doc.text)
        st = structure.structure(doc, norm)
        for para in st.paragraphs:
            for sentence in sentences(norm, para.span.start, para.span.end):
                titles = facts._sentence_titles(st, sentence)
                if titles is None:
                    continue
                seen += 1
                for at in {sentence.start, sentence.end - 1, rnd.randint(sentence.start, sentence.end - 1)}:
                    assert titles == facts._section_path(st, at), (path.name, sentence, at)
    assert seen


def test_year_and_estimate_flags_gate_what_they_say() -> None:
    # _to_facts skips PAST_YEAR and 预计 in a sentence without 年 or 预计: they could not match
    from workreport.pipeline.extract.reading import PAST_YEAR

    rnd = random.Random(31)
    alphabet = [*"0123456789", "年", "预计", "预", "计", " ", "由", "比", "增长"]
    for _ in range(5000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30)))
        cues = facts._Cues(text, 0, len(text))
        if not cues.years:
            assert PAST_YEAR.search(text) is None, text
        for at in range(len(text) + 1):
            if not cues.estimated:
                assert cues.word_before("预计", at) == -1


def test_mentions_come_in_span_order() -> None:
    # find_mentions sorts by end, then stably by start: the order of the (start, end) key
    from workreport.pipeline.extract import mentions

    rnd = random.Random(37)
    pieces = ["增长", "5.3%", "3倍", "第2位", "翻一番", "、", "12个", "三分之一", "百分之五", "七成", "前10名", "-2%", "约", "以上", "—", "8%"]
    for _ in range(2000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 12)))
        out = mentions.find_mentions(text, 0, len(text))
        assert out == sorted(out, key=mentions._SPAN_KEY), text


def test_extraction_pauses_the_cyclic_collector_and_resumes_it_as_it_was() -> None:
    """``extract`` runs with the cyclic garbage collector paused and leaves it as it found it:
    running if it ran, stopped if it was stopped, also when threads extract at once and when
    an extraction raises."""
    import gc
    import threading

    import workreport
    from workreport.pipeline import extract as extract_module

    text = "全年地区生产总值增长5.5%左右，新建学校12所、医院3家。"
    seen: list[bool] = []
    original = extract_module._extract

    def spy(doc: workreport.Document, structure: object, folded: str) -> list[workreport.Fact]:
        seen.append(gc.isenabled())
        return original(doc, structure, folded)  # type: ignore[arg-type]

    assert gc.isenabled()
    extract_module._extract = spy
    try:
        assert workreport.extract(workreport.Document(text=text))
        assert seen == [False] and gc.isenabled()
        gc.disable()
        try:
            workreport.extract(workreport.Document(text=text))
            assert not gc.isenabled()
        finally:
            gc.enable()
        threads = [
            threading.Thread(target=workreport.extract, args=(workreport.Document(text=text * 50),)) for _ in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert gc.isenabled() and all(not on for on in seen)
        with pytest.raises(TypeError, match="expected string"):  # raised while it is paused
            workreport.extract(workreport.Document(text=None))  # type: ignore[arg-type]
        assert gc.isenabled()
    finally:
        extract_module._extract = original


def test_zone_ends_are_in_every_zone_head() -> None:
    # sentence_zone returns None at once when the first 16 characters hold no _zone_ends
    # character: right only if every match of the two name patterns holds one
    from workreport.pipeline.extract.vocabulary import extractor_rules

    scope = extractor_rules().cue["scope"]
    ends = facts._zone_ends()
    assert ends is not None
    pieces = [*scope["suffixes"], *scope["lead"], *scope["not_zones"], *"区县市州旗城港新开发高", " ", "\u3000", "\n"]
    pieces += [*"朝阳海淀浦东江北我全各", "，", "2", "增长"]
    rnd = random.Random(41)
    matched = 0
    for _ in range(20000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 9)))
        a = rnd.randint(0, len(text))
        b = rnd.randint(a, len(text))
        reach = min(b, a + 16)
        head = text[a:reach].lstrip()
        if facts._zone_pattern().match(head) or facts._DISTRICT.match(head):
            matched += 1
            assert ends.search(text, a, reach) is not None, (text, a, b)
        if ends.search(text, a, reach) is None:
            assert facts.sentence_zone(text, Span(a, b), None) is None
    assert matched > 1000


def test_word_forms_need_a_word_form_character() -> None:
    # find_mentions skips _word_mentions for a sentence without a _WORD_FORM_CHAR character
    from workreport.pipeline.extract import mentions

    pieces = [*"第首前位百千万亿番半零倍成/分一二三两十5.", "一半", "零增长", "分之", "首位", "翻一番", "居", "全国", "增长", "以上", "实现倍增", "。"]
    rnd = random.Random(43)
    seen = 0
    for _ in range(20000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10)))
        lo = rnd.randint(0, len(text))
        hi = rnd.randint(lo, len(text))
        found = list(mentions._word_mentions(text, lo, hi))
        seen += bool(found)
        if mentions._WORD_FORM_CHAR.search(text, lo, hi) is None:
            assert found == [], (text, lo, hi)
    assert seen > 1000


def test_names_trie_is_the_longest_first_alternation() -> None:
    # _names_re is a trie of the names: the same matches as the names longest first joined by |
    import re

    from workreport.pipeline.extract import mentions

    held = mentions._names_held()
    plain = re.compile("|".join(map(re.escape, held)))
    trie = mentions._names_re()
    assert trie is not None
    pieces = [*held, *{n[: len(n) // 2 + 1] for n in held}, *{n[1:] for n in held}, *"一二三区县市，。 "]
    rnd = random.Random(47)
    for _ in range(5000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 8)))
        lo = rnd.randint(0, len(text))
        hi = rnd.randint(lo, len(text))
        want = [m.span() for m in plain.finditer(text, lo, hi)]
        assert [m.span() for m in trie.finditer(text, lo, hi)] == want, text
    # and a few synthetic words, where one is a prefix of others at several depths
    words = ["ab", "abcd", "abce", "b", "bcd", "c.d", "a"]
    plain = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
    trie = re.compile(mentions._trie_pattern(words))
    for _ in range(5000):
        text = "".join(rnd.choice("abcde.") for _ in range(rnd.randint(0, 12)))
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in plain.finditer(text)], text


def test_last_match_is_the_last_match_of_the_cut() -> None:
    # _Cues.last_match answers from one search of the sentence (and, for a pattern with a core,
    # None at once when the sentence lacks it): the last match of pattern.finditer(text[lo:at])
    from workreport.pipeline.extract.reading import PAST_YEAR

    pieces = ["本届政府", "五年来", "过去五年", "近五年", "这五年", "五年", "去年", "今年", "一年来", "过去一年", "全年"]
    pieces += ["2020年", "2025 年", "比", "年", "过去", "来", "一", "，", "增长"]
    patterns = [facts._SPAN_CUE, facts._ONE_YEAR_CUE, PAST_YEAR, facts._FUTURE_YEAR]
    rnd = random.Random(53)
    for _ in range(4000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 8)))
        lo = rnd.randint(0, len(text))
        hi = rnd.randint(lo, len(text))
        cues = facts._Cues(text, lo, hi)
        for at in sorted(rnd.randint(lo, hi) for _ in range(4)):
            for pattern in patterns:
                found = list(pattern.finditer(text[lo:at]))
                want = (found[-1].span(), found[-1].groups()) if found else None
                got = cues.last_match(pattern, at)
                assert (None if got is None else (got.span(), got.groups())) == want, (pattern.pattern, text, lo, at)


def test_hedge_pattern_finds_a_hedge_word_iff_the_sentence_holds_one() -> None:
    # add_sentence_facts lists the hedge words a sentence holds only when one search finds any
    from workreport.pipeline.extract.vocabulary import extractor_rules

    words = extractor_rules().words("hedge", "words")
    pieces = [*words, *{c for w in words for c in w}, "增长", "，", "5%"]
    rnd = random.Random(59)
    for _ in range(10000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 8)))
        lo = rnd.randint(0, len(text))
        hi = rnd.randint(lo, len(text))
        held = any(w in text[lo:hi] for w in words)
        assert (facts._hedge_words().search(text, lo, hi) is not None) == held, (text, lo, hi)


def test_fact_columns_are_each_fields_values_in_fact_order() -> None:
    # fact_columns transposes one attrgetter tuple per fact and JSON-encodes sections with one
    # encoder: the columns getattr per field and json.dumps(…, ensure_ascii=False) give
    import json

    from workreport.model import FACT_FIELDS
    from workreport.publish.datasets import fact_columns

    rnd = random.Random(5)
    words = ["一、总体要求", "（二）", "Ａ\"\\", "\u2028", "经济", "", "x y"]
    for n in [0, 1, 2, *(rnd.randint(3, 40) for _ in range(60))]:
        fs = [
            Fact(
                start=rnd.randint(0, 99),
                end=rnd.randint(100, 199),
                quote=rnd.choice(words),
                value=rnd.random(),
                unit=rnd.choice(["%", "CNY", "count"]),
                measure="level",
                comparator=rnd.choice(["=", ">=", "range"]),
                kind="target",
                indicator=rnd.choice(words),
                indicator_id=rnd.choice([None, "gdp"]),
                value_max=rnd.choice([None, 1.5]),
                hedge=rnd.choice([None, "力争"]),
                period=rnd.choice([None, 2025]),
                scope=rnd.choice([None, "新区"]),
                classifier=rnd.choice([None, "个"]),
                section=[rnd.choice(words) for _ in range(rnd.randint(0, 3))],
                sentence_start=rnd.choice([None, 3]),
                sentence_end=rnd.choice([None, 300]),
            )
            for _ in range(n)
        ]
        want: dict[str, list[object]] = {"sha256": ["s"] * n, "path": ["p"] * n}
        for name in FACT_FIELDS:
            want[name] = [getattr(f, name) for f in fs]
        want["section"] = [json.dumps(f.section, ensure_ascii=False) for f in fs]
        got = fact_columns(fs, sha256="s", path="p")
        assert got == want
        assert list(got) == list(want)  # the same column order


def test_find_mentions_reads_names_only_for_sentences_with_figures() -> None:
    # find_mentions looks up place names and idioms only once a figure is read: the numbers and
    # word forms it filters by them are the same, as a lookup first (the former order) gives
    from workreport.pipeline.extract import mentions as mm

    def names_first(text: str, lo: int, hi: int) -> list[tuple[int, int, str, str]]:
        words = list(mm._word_mentions(text, lo, hi))
        found = mm._numerals(text, lo, hi)
        names = mm._Taken(mm._name_spans(text, lo, hi))
        words = [w for w in words if not names.overlaps(w.num_start, w.num_end)]
        numbers = names.free(mm._numeral_mentions(text, lo, hi, found))
        if words:
            numbers = mm._Taken([(w.start, w.end) for w in words]).free(numbers)
        got = [(m.start, m.end) for m in sorted(words + numbers, key=lambda m: (m.start, m.end))]
        return [(a, b, "", "") for a, b in got]

    rnd = random.Random(23)
    pieces = ["九台区", "八方支援", "一批", "进一步", "5", "12.5", "%", "万元", "亿元", "个", "第", "位",
              "三成", "两倍", "翻番", "，", "、", "增长", "“", "”", "十四五", "年", "四川", "人"]  # fmt: skip
    for _ in range(4000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        lo = rnd.randint(0, len(text))
        hi = rnd.randint(lo, len(text))
        want = names_first(text, lo, hi)
        got = mm.find_mentions(text, lo, hi)
        # find_mentions also drops subject counts and ordinal classes: compare before those rules
        if not want:
            assert got == [], (text, lo, hi)
        else:
            kept = {(a, b) for a, b, _, _ in want}
            assert {(m.start, m.end) for m in got} <= kept, (text, lo, hi)


def test_comparator_before_is_the_longest_of_three_tables() -> None:
    # _comparator_before walks one merged table instead of looking up the ge, le and about tables
    from workreport.pipeline.extract import mentions

    cw = mentions._words()

    def three_tables(text: str, at: int, lo: int) -> tuple[str, str] | None:
        ge = mentions._before(text, at, lo, cw.prefix_ge)
        le = mentions._before(text, at, lo, cw.prefix_le)
        about = mentions._before(text, at, lo, cw.prefix_about)
        word = max((p for p in (ge, le, about) if p), key=len, default=None)
        if word is None or (word == "过" and text[at - 2 : at - 1] in mentions._NOT_PAST):
            return None
        return word, ">=" if word == ge else "<=" if word == le else "~"

    words = [w for table in (cw.prefix_ge, cw.prefix_le, cw.prefix_about) for ws in table.values() for w in ws]
    pieces = [*words, *"".join(words), *mentions._NOT_PAST, "3", "、", "不"]
    rnd = random.Random(19)
    for _ in range(6000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 5)))
        lo = rnd.randint(0, len(text))
        for at in range(len(text) + 1):
            assert mentions._comparator_before(text, at, lo) == three_tables(text, at, lo), (text, at, lo)


def _general_reading(s: str) -> object:
    """What parse_numeral's general path (its decimal context, no fast path) makes of ``s``."""
    from decimal import localcontext

    from workreport.pipeline import numerals

    try:
        with localcontext(numerals._EXACT):
            return numerals._canonical(numerals._plain(s[3:] if s.startswith("百分之") else s)).as_tuple()
    except numerals._Reject:
        return "rejected"


def _fast_reading(s: str) -> object:
    """What parse_numeral makes of ``s``, fast paths and all."""
    from workreport.errors import NumeralError
    from workreport.pipeline import numerals

    try:
        return numerals.parse_numeral(s).as_tuple()
    except NumeralError:
        return "rejected"


def test_section_before_a_magnitude_is_read_as_the_general_path_reads_it() -> None:
    # parse_numeral reads a Chinese section before 万, 亿 or 万亿 by its shape, with no context
    from workreport.pipeline import numerals

    rnd = random.Random(23)
    chars = [*numerals._SECTION_CHARS, *"十百千零一二两三九"]
    for n in range(20000):
        if n % 2:  # a standard reading (most of them read by the shape)
            body = numerals.to_chinese(rnd.randint(0, 9999), liang=rnd.random() < 0.3)
        else:
            body = "".join(rnd.choice(chars) for _ in range(rnd.randint(0, 9)))
        s = body + rnd.choice(["万", "亿", "万亿", "亿万", "万万", ""])
        if s:
            assert _fast_reading(s) == _general_reading(s), s


def test_plain_points_are_read_as_the_general_path_reads_them() -> None:
    # parse_numeral builds 九十九点五, 百分之九十九点五 and 5.3 from their digits, with no context
    from workreport.pipeline import numerals

    rnd = random.Random(29)
    chars = [*numerals._SECTION_CHARS, *"十百千零一二两三九"]
    for n in range(30000):
        if n % 3 == 0:
            left = numerals.to_chinese(rnd.randint(0, 9999), liang=rnd.random() < 0.3)
        elif n % 3 == 1:
            left = "".join(rnd.choice(chars) for _ in range(rnd.randint(0, 9)))
        else:
            left = "".join(rnd.choice("0123456789") for _ in range(rnd.randint(0, 4)))
        right = "".join(rnd.choice([*numerals._DIGITS, "点", "万", "亿", *"0123456789"]) for _ in range(rnd.randint(0, 5)))
        s = rnd.choice(["", "百分之"]) + left + rnd.choice(["点", "点", "."]) + right
        assert _fast_reading(s) == _general_reading(s), s


def test_rank_matches_are_those_of_finditer() -> None:
    # _rank_matches tries the rank pattern only up to _RANK_LEAD characters before each 第 or 首
    from workreport.pipeline.extract import mentions

    rnd = random.Random(31)
    alphabet = [
        *"第首位名居列排全国省市区世界球各同类城中单批个次届产", "保持", "全国", "同类城市", "各省区", "首位", "第一",
        *"0123456789", *"一二三四五六七八九十两", " ", "\u3000",
    ]  # fmt: skip
    for _ in range(20000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 24)))
        lo = rnd.randint(0, len(text))
        hi = rnd.randint(lo, len(text))
        want = [(m.span(), m.groups()) for m in mentions._RANK.finditer(text, lo, hi)]
        got = [(m.span(), m.groups()) for m in mentions._rank_matches(text, lo, hi)]
        assert got == want, (text, lo, hi)


def test_heads_subject_is_the_test_of_the_cut() -> None:
    # _heads_subject tests where the count stands first, then searches text[a.end:b.start] in place
    from decimal import Decimal

    from workreport.pipeline.extract import mentions

    def of_the_cut(text: str, lo: int, a: mentions.Mention, b: mentions.Mention, breaks: list[int]) -> bool:
        if a.family != "count" or b.family not in mentions._HEADED:
            return False
        between = text[a.end : b.start]
        return (
            len(between) <= 25
            and not mentions._CLAUSE_BREAK.search(between)
            and a.start - mentions._clause_start(breaks, a.start, lo) <= 2
        )

    rnd = random.Random(37)
    alphabet = [*",，;:。、", *"项目企业个三增长", "12", " "]
    families = ["count", "percent", "money", "rank"]
    for _ in range(5000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 60)))
        lo = rnd.randint(0, len(text) - 1)
        breaks = mentions._clause_marks(text, lo, len(text))
        for _ in range(6):
            a0 = rnd.randint(lo, len(text))
            a1 = rnd.randint(a0, len(text))
            b0 = rnd.randint(lo, len(text))
            b1 = rnd.randint(b0, len(text))
            a = mentions.Mention(a0, a1, a0, a1, Decimal(1), "count", rnd.choice(families))
            b = mentions.Mention(b0, b1, b0, b1, Decimal(1), "count", rnd.choice(families))
            assert mentions._heads_subject(text, lo, a, b, breaks) == of_the_cut(text, lo, a, b, breaks), (text, lo)
