"""Invariants the extractor's fast paths rely on (tests of equivalence, no timing)."""

from __future__ import annotations

import random
from dataclasses import fields

from workreport.model import Fact
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
        assert mentions._numeral_spans(text) == [m.span() for m in full.finditer(text)], text


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
