"""Extract takes time linear in the text (issue "Numbers read right … linear time").

A long line with no sentence end is one sentence: any work per number over the words before
it in the sentence makes the whole quadratic. The check compares the time per MB of a small
and a four times larger input of distinct text, best of three runs each, with a generous
factor, so a slow or busy machine does not fail it; no fixed number of seconds is asserted.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import pytest

import workreport

SUBJECTS = ["地区生产总值", "固定资产投资", "社会消费品零售总额", "一般公共预算收入", "进出口总额", "税收收入"]
PLACES = ["城关区", "七里河区", "西固区", "安宁区", "榆中县"]
NOUNS = ["项目", "企业", "学校", "医院", "服务站"]
HEAD = "某某市2025年政府工作报告\n一、2024年工作回顾\n过去一年，经济平稳运行。\n二、2025年工作安排\n"


def _line(chars: int, seed: int = 3) -> str:
    """One plan paragraph of distinct clauses and no sentence end: 地区生产总值增长5.3%左右，…"""
    rnd = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < chars:
        hedge = rnd.choice(["", "力争", "预计", "2023年", "确保"])
        p = f"{hedge}{rnd.choice(SUBJECTS)}增长{rnd.randint(1, 30)}.{rnd.randint(0, 9)}%左右，"
        parts.append(p)
        total += len(p)
    return HEAD + "".join(parts) + "\n"


def _list(chars: int, seed: int = 5) -> str:
    """One sentence: a 、 list of counts (新建城关区项目12个、…等)."""
    rnd = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < chars:
        p = f"{rnd.choice(PLACES)}{rnd.choice(NOUNS)}{rnd.randint(2, 999)}{rnd.choice(['个', '家', '所'])}、"
        parts.append(p)
        total += len(p)
    return HEAD + "新建" + "".join(parts) + "等。\n"


def _per_char(text: str) -> float:
    doc = workreport.Document(text=text)
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        facts = workreport.extract(doc)
        best = min(best, time.process_time() - t0)
    assert facts
    return best / len(text)


@pytest.mark.parametrize("shape", [_line, _list], ids=["unpunctuated_line", "long_list"])
def test_time_per_character_stays_flat(shape: Callable[[int], str]) -> None:
    workreport.extract(workreport.Document(text=HEAD + "地区生产总值增长5%左右。\n"))  # rules loaded
    small, large = _per_char(shape(15_000)), _per_char(shape(60_000))
    # quadratic work would make the larger input cost about 4x as much per character
    assert large < 3 * small, (small, large)


def test_every_number_of_a_long_line_is_read() -> None:
    text = _line(20_000)
    facts = workreport.extract(workreport.Document(text=text))
    assert len(facts) == text.count("%左右")
    assert all(f.measure == "growth" and f.indicator for f in facts)
