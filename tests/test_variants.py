"""Every test report, rewritten in ways a real copy of it may come in: traditional
characters, full-width digits, GB18030, UTF-16, Big5, an HTML page. Each variant must give
the facts of the original (the original's extraction, not the gold), at the spans the
variant's own text puts them.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

import workreport
from tests.variants import HTML_DEBRIS, html_offsets, to_fullwidth, to_html, to_traditional
from workreport.pipeline.normalise import normalise

REPORTS = sorted((Path(__file__).parent / "data" / "reports").glob("*.txt"))

# name → (file suffix, is plain text with the original's spans)
VARIANTS = {
    "traditional": (".txt", True),
    "traditional-big5": (".txt", True),
    "traditional-tw-big5": (".txt", True),
    "fullwidth": (".txt", True),
    "gb18030": (".txt", True),
    "utf-16": (".txt", True),
    "fullwidth-gb18030": (".txt", True),
    "html": (".html", False),
    "html-gb18030": (".html", False),
}


@cache
def original(path: Path) -> tuple[workreport.Document, tuple[workreport.Fact, ...]]:
    doc = workreport.read(path)
    return doc, tuple(workreport.extract(doc))


def build(name: str, text: str) -> tuple[bytes, str | None, str]:
    """The variant's bytes, the text the reader must decode from them (None for HTML, whose
    text is what the reader extracts) and the encoding it must report."""
    if name == "traditional":
        trad = to_traditional(text)
        return trad.encode("utf-8"), trad, "utf-8"
    if name in ("traditional-big5", "traditional-tw-big5"):
        trad = to_traditional(text, "s2t" if name == "traditional-big5" else "s2tw")
        try:
            data = trad.encode("big5")
        except UnicodeEncodeError as exc:
            pytest.skip(f"{trad[exc.start]!r} (from {text[exc.start]!r}) has no Big5 code")
        return data, trad, "big5"
    if name == "fullwidth":
        wide = to_fullwidth(text)
        return wide.encode("utf-8"), wide, "utf-8"
    if name == "fullwidth-gb18030":
        wide = to_fullwidth(text)
        return wide.encode("gb18030"), wide, "gb18030"
    if name == "gb18030":
        return text.encode("gb18030"), text, "gb18030"
    if name == "utf-16":
        return text.encode("utf-16"), text, "utf-16"  # with a BOM
    if name == "html":
        return to_html(text).encode("utf-8"), None, "utf-8"
    if name == "html-gb18030":
        page = to_html(text).replace('charset="utf-8"', 'charset="gb2312"')
        return page.encode("gb18030"), None, "gb18030"
    raise AssertionError(name)


def key(f: workreport.Fact) -> tuple[object, ...]:
    return (f.value, f.unit, f.measure, f.comparator, f.kind, f.indicator_id, f.period)


@pytest.mark.parametrize("name", list(VARIANTS))
@pytest.mark.parametrize("path", REPORTS, ids=[p.stem for p in REPORTS])
def test_variant(tmp_path: Path, path: Path, name: str) -> None:
    doc0, facts0 = original(path)
    assert facts0, "the original report gives no facts: nothing to compare"
    suffix, same_text = VARIANTS[name]
    data, expected_text, encoding = build(name, doc0.text)
    file = tmp_path / f"{path.stem}-{name}{suffix}"
    file.write_bytes(data)

    doc = workreport.read(file)
    assert doc.encoding == encoding
    assert doc.format == ("txt" if same_text else "html")
    if expected_text is not None:
        assert doc.text == expected_text
    facts = workreport.extract(doc)

    # the same facts …
    assert Counter(map(key, facts)) == Counter(map(key, facts0))
    # … each quoting the variant's own text
    for f in facts:
        assert doc.text[f.start : f.end] == f.quote, f
    if same_text:
        assert len(doc.text) == len(doc0.text)
        assert [(f.start, f.end) for f in facts] == [(f.start, f.end) for f in facts0]
        for f, f0 in zip(facts, facts0, strict=True):
            assert normalise(f.quote) == normalise(f0.quote), (f, f0)
    else:
        # the page's script, navigation and footer add nothing (a press copy may carry debris
        # of its own, such as an ICP line, which the original has too)
        for debris in [*HTML_DEBRIS.values(), "999亿元", "首页", "政务公开", "ICP备12345678号", "版权所有"]:
            assert doc.text.count(debris) == doc0.text.count(debris), debris
        assert not any(f.value == 99900000000 for f in facts0)  # else the next check proves nothing
        assert not any(f.value == 99900000000 for f in facts)
        where = html_offsets(doc0.text, doc.text)
        expected_spans = []
        for f0 in facts0:
            start, last = where[f0.start], where[f0.end - 1]
            assert start is not None and last is not None, f0
            expected_spans.append((start, last + 1))
        assert [(f.start, f.end) for f in facts] == expected_spans
        assert [normalise(f.quote) for f in facts] == [normalise(f0.quote) for f0 in facts0]

    meta0 = workreport.inspect(doc0).metadata
    meta = workreport.inspect(doc).metadata
    assert (meta.jurisdiction, meta.plan_year, meta.doc_type) == (
        meta0.jurisdiction,
        meta0.plan_year,
        meta0.doc_type,
    )


def test_html_offsets_follow_collapsed_white_space() -> None:
    text = "  第一行 增长5%\n\n第二行\u3000\u3000下降3%  \n"
    extracted = "第一行 增长5%\n第二行 下降3%"
    where = html_offsets(text, extracted)
    assert len(where) == len(text) + 1
    assert extracted[where[text.index("5%")] :][:2] == "5%"
    assert extracted[where[text.index("3%")] :][:2] == "3%"
    assert where[0] is None and where[text.index("\u3000") + 1] is None


def test_traditional_keeps_length() -> None:
    text = "里面头发发展，政府工作报告"
    trad = to_traditional(text)
    assert len(trad) == len(text)
    assert "發" in trad and "報" in trad
    assert to_fullwidth("增长6.5%，GDP 2024") == "增长６．５％，ＧＤＰ ２０２４"
