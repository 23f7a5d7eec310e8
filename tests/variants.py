"""Build variants of a test report that must yield the same facts: traditional characters,
full-width forms, legacy encodings and an HTML page around the text.

The text variants are one-for-one in characters, so every span of the original is a span of
the variant. The HTML variant is not: :func:`html_offsets` maps an original offset to the
offset the reader's extracted text should have.
"""

from __future__ import annotations

import html
import re
from functools import cache

from opencc import OpenCC

# What the reader's HTML rendering treats as a run of whitespace (``\s`` on str).
_SPACE_RUN = re.compile(r"\s+")
_DIGIT_POINT = re.compile(r"(?<=[0-9])\.(?=[0-9])")

HTML_DEBRIS = {
    "script": 'var x="999亿元";',
    "nav": "首页 新闻 政务公开",
    "footer": "版权所有 ICP备12345678号",
}


@cache
def _converter(config: str) -> OpenCC:
    return OpenCC(config)


@cache
def _convert_char(ch: str, config: str) -> str:
    out: str = _converter(config).convert(ch)
    return out if len(out) == 1 else ch


def to_traditional(text: str, config: str = "s2t") -> str:
    """``text`` in traditional characters, converted one character at a time.

    opencc converts whole phrases (里面 → 裏面, 头发 → 頭髮), which need not keep the length;
    one character at a time it does, and a character whose conversion would not be one
    character is kept as it is.
    """
    return "".join(_convert_char(ch, config) for ch in text)


def to_fullwidth(text: str) -> str:
    """ASCII digits, letters, ``%`` and a ``.`` between digits in their full-width forms."""
    marked = _DIGIT_POINT.sub("\uff0e", text)  # ．
    out = []
    for ch in marked:
        if ch.isascii() and (ch.isalnum() or ch == "%"):
            out.append(chr(ord(ch) + 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


def _render_line(line: str) -> tuple[str, list[int | None]]:
    """A line as the reader renders a ``<p>``: whitespace runs collapsed to one space, then
    stripped. Returns the rendered line and, for each character of ``line``, its offset in
    the rendered line (None where the character was dropped)."""
    collapsed: list[str] = []
    where: list[int | None] = []
    i = 0
    while i < len(line):
        m = _SPACE_RUN.match(line, i)
        if m:
            where.append(len(collapsed))
            where.extend([None] * (m.end() - i - 1))
            collapsed.append(" ")
            i = m.end()
        else:
            where.append(len(collapsed))
            collapsed.append(line[i])
            i += 1
    rendered = "".join(collapsed)
    lead = len(rendered) - len(rendered.lstrip())
    stripped = rendered.strip()
    out: list[int | None] = []
    for w in where:
        if w is None or w < lead or w >= lead + len(stripped):
            out.append(None)
        else:
            out.append(w - lead)
    return stripped, out


def to_html(text: str, title: str = "政府工作报告") -> str:
    """A web page holding ``text`` one ``<p>`` per line inside ``div.content``, with a script,
    a navigation bar and a footer that carry numbers of their own."""
    paras = "\n".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines())
    return (
        "<!DOCTYPE html>\n<html>\n"
        f'<head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<script>{HTML_DEBRIS['script']}</script></head>\n"
        f"<body><nav>{HTML_DEBRIS['nav']}</nav>\n"
        f'<div class="content">\n{paras}\n</div>\n'
        f"<footer>{HTML_DEBRIS['footer']}</footer></body>\n</html>\n"
    )


def html_offsets(text: str, extracted: str) -> list[int | None]:
    """For each offset of ``text``, the offset of the same character in ``extracted`` (the
    text the reader gives for :func:`to_html` of ``text``), found by searching each rendered
    line in order; None for characters the rendering drops (newlines, collapsed spaces)."""
    out: list[int | None] = []
    cursor = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        rendered, where = _render_line(body)
        base = None
        if rendered:
            base = extracted.find(rendered, cursor)
            if base < 0:
                raise AssertionError(f"line not found in the extracted text: {rendered[:40]!r}")
            cursor = base + len(rendered)
        out.extend(None if (w is None or base is None) else base + w for w in where)
        out.extend([None] * (len(line) - len(body)))
    out.append(len(extracted) if cursor == len(extracted) else None)
    return out
