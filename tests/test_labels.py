"""One set of words for the stored codes: rules/labels.toml, read by the web, the CLI and the 数读 reading."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

import workreport
from workreport.model import KINDS, MEASURES, STATUSES, TASK_STATUSES
from workreport.pipeline.places import LEVELS
from workreport.rules import load
from workreport.rules.labels import (
    change_label,
    kind_label,
    labels,
    level_label,
    measure_label,
    provisional_label,
    status_label,
)

EXAMPLE = Path(workreport.__file__).parent / "examples" / "example_city_2023.txt"
CHANGES = ("raised", "lowered", "same", "new")
# the words the digest used before the labels were one file: they must not come back
OLD_WORDS = ("基本完成", "待评", "暂定")


@pytest.mark.parametrize(
    ("group", "codes"),
    [
        ("status", STATUSES + TASK_STATUSES),
        ("kind", KINDS),
        ("level", LEVELS),
        ("measure", MEASURES),
        ("change", CHANGES),
    ],
)
def test_every_code_has_a_chinese_and_an_english_label(group: str, codes: tuple[str, ...]) -> None:
    table = load("labels")[group]
    assert set(table) == set(codes)
    for lang in ("zh", "en"):
        words = labels(group, lang)  # type: ignore[arg-type]
        assert all(words[c].strip() for c in codes)
        assert len(set(words.values())) == len(codes), f"two {group} codes share a {lang} label"


def test_label_functions() -> None:
    assert [status_label(s) for s in STATUSES] == ["完成", "部分完成", "未完成", "无结果", "未到期"]
    assert status_label("partly", provisional=True) == "部分完成（预计）"
    assert status_label("partly", provisional=True, lang="en") == "partly met (provisional)"
    assert provisional_label() == "预计"
    assert kind_label("estimate") == "预计" and level_label("prefecture") == "地级"
    assert measure_label("growth") == "增速"
    assert change_label("raised") == "↑ 提高" and change_label("new") == "新增"
    assert change_label("raised", sign=False) == "提高"
    assert status_label("no_such_status") == "no_such_status" and status_label(None) == ""


def test_web_uses_the_labels() -> None:
    from workreport.web import pages, render

    assert {s: status_label(s) for s in STATUSES} == render.STATUS_LABELS
    assert labels("kind") == render.KIND_LABELS
    templates = Path(pages.__file__).parent / "templates"
    for path in templates.glob("*.html"):
        body = path.read_text(encoding="utf-8")
        for word in (*labels("status").values(), *OLD_WORDS):
            # a status word standing alone (>完成<, "未完成"), not inside a longer word (完成率)
            alone = re.search(rf"(?<![\u4e00-\u9fff]){re.escape(word)}(?![\u4e00-\u9fff])", body)
            assert alone is None, f"{path.name} writes the status word {word!r} itself"


def test_cli_uses_the_labels() -> None:
    from workreport.cli.registry import _track_table

    row = SimpleNamespace(
        commitment_id=1,
        jurisdiction="某市",
        period=2023,
        indicator="地区生产总值",
        indicator_id="gdp",
        target={"comparator": "~", "value": 6.0, "unit": "%"},
        outcome={"value": 5.5, "unit": "%", "kind": "estimate", "quote": "5.5%"},
        status="partly",
        provisional=True,
    )
    out = _track_table([row])
    assert "部分完成（预计）" in out and "partly" in out


def test_digest_uses_the_labels() -> None:
    from workreport.pipeline.extract import extract
    from workreport.publish.digest import (
        ExternalNumber,
        PastTarget,
        build_reading,
        render_html,
        render_markdown,
    )

    doc = workreport.read(EXAMPLE)
    structure = workreport.inspect(doc)
    facts = extract(doc, structure)
    history = [
        PastTarget(
            indicator_id="gdp",
            indicator="地区生产总值",
            measure="growth",
            target=ExternalNumber(7.0, "%", "growth"),
            outcome=ExternalNumber(6.5, "%", "growth", kind="estimate"),
            status="partly",
            provisional=True,
        )
    ]
    reading = build_reading(doc, structure, facts, history)
    md, page = render_markdown(reading), render_html(reading)
    assert "部分完成（预计）" in md
    assert f'<span class="status partly">{status_label("partly")}<span class="tag">{provisional_label()}</span>' in page
    for word in OLD_WORDS:
        assert word not in md and word not in page


def test_a_rating_rule_reads_in_the_pages_language() -> None:
    from workreport.web.render import rule_text

    rule = "约6.5%: met if outcome >= 6%; partly if short by at most 0.5 points"
    assert rule_text(rule, "zh") == "约6.5%：结果不低于6%为完成；差距不超过0.5个百分点为部分完成"
    assert rule_text(rule, "en") == rule
    zh = rule_text("第10位: met if outcome <= 10; missed when short by more than 2 places", "zh")
    assert zh == "第10位：结果不高于10为完成；差距超过2个位次为未完成"
    assert not re.search(r"[A-Za-z]", rule_text("1100万: met if outcome >= 1100万; missed when short by more than 110万 of the target"))
