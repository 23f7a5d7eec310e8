"""Read a report file (plain text, HTML, DOCX, PDF) into a :class:`Document`.

Plain text is decoded losslessly and without newline translation, so offsets into
``Document.text`` are offsets into the file as written. HTML, DOCX and PDF yield their
extracted text. Every failure is one :class:`ReadError` naming the file.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any, cast

from lxml import etree

from workreport.errors import ReadError
from workreport.model import Document
from workreport.pipeline.normalise import cjk_count

TEXT_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
# the one list of report suffixes: what a folder walk picks up and what is read without sniffing
REPORT_SUFFIXES = frozenset(TEXT_SUFFIXES | HTML_SUFFIXES | {".docx", ".pdf"})
_KNOWN = REPORT_SUFFIXES
SUPPORTED = ", ".join(sorted(REPORT_SUFFIXES))
# Suffixes that are surely not text: refused by name. Any other suffix (report.2018, .md)
# is sniffed, because file names of reports often carry dots.
_UNSUPPORTED = frozenset(
    {
        ".doc",
        ".xls",
        ".xlsx",
        ".xlsm",
        ".ppt",
        ".pptx",
        ".odt",
        ".ods",
        ".odp",
        ".rtf",
        ".wps",
        ".et",
        ".dps",
        ".epub",
        ".zip",
        ".rar",
        ".7z",
        ".gz",
        ".bz2",
        ".xz",
        ".tar",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".bmp",
        ".tif",
        ".tiff",
        ".webp",
        ".ofd",
        ".caj",
        ".mp3",
        ".mp4",
        ".exe",
    }
)
_PDF, _ZIP = "a PDF", "a ZIP archive (DOCX/XLSX?)"
_OLE = "an OLE file (old .doc/.xls, or an encrypted DOCX)"
_MAGIC = {
    b"%PDF-": _PDF,
    b"PK\x03\x04": _ZIP,
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": _OLE,
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"{\\rtf": "an RTF document",
}

# Very common characters that differ between the simplified and traditional scripts: a
# GB18030 reading of Big5 bytes (or the reverse) is valid but gibberish, so the reading
# holding more of its own script's markers wins.
_SCRIPT_MARKERS = {
    "gb18030": re.compile("[的国发经济会产业这为时对与们进动现个来过还关开实区设务机]"),
    "big5": re.compile("[國發經濟會產業這為時對與們進動現個來過還關開實區設務機]"),
}
# cp950 is Big5 as Windows writes it (a superset with a few extra characters); recorded "big5".
_CODECS = {"utf-8": "utf-8", "gb18030": "gb18030", "big5": "cp950"}
_CHARSET_ALIASES = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "big5": "big5",
    "cp950": "big5",
    "big5-hkscs": "big5",
    "euc-cn": "gb18030",
}
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # category Cc, less \t \n \v \f \r
# What other text read as UTF-16 turns into: private-use code points, Hangul syllables, controls.
# what no report holds and no database stores: NUL (PostgreSQL refuses it) and half a surrogate
# pair (UTF-8 cannot encode it; a PDF's broken character map or a JSON "\ud800" escape gives one)
NOT_TEXT = re.compile("[\x00\ud800-\udfff]")
_NOT_UTF16 = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\uac00-\ud7af]")


@dataclass(frozen=True, slots=True)
class Limits:
    """How much a file may make the readers do, in proportion to the largest file accepted.

    ``max_bytes``: the largest file; a DOCX may unpack its text part to ``xml_factor`` times
    that, a PDF may have one page per ``bytes_per_page`` of it and an HTML page one element
    per ``bytes_per_element``. Beyond any limit the file
    fails with one :class:`ReadError` saying which."""

    max_bytes: int = 64 << 20
    xml_factor: int = 8
    bytes_per_page: int = 8192
    bytes_per_element: int = 100

    @property
    def max_elements(self) -> int:
        """The most elements an HTML page may have."""
        return max(10_000, self.max_bytes // self.bytes_per_element)

    @property
    def max_xml_bytes(self) -> int:
        """The most bytes a DOCX's word/document.xml may unpack to."""
        return self.max_bytes * self.xml_factor

    @property
    def max_pages(self) -> int:
        """The most pages a PDF may have."""
        return max(64, self.max_bytes // self.bytes_per_page)


DEFAULT_LIMITS = Limits()


def read(path: str | os.PathLike[str], limits: Limits | None = None) -> Document:
    """Read the report at ``path``; raise :class:`ReadError` if it cannot be read as one."""
    name = os.fspath(path)
    return read_bytes(open_bytes(name, (limits or DEFAULT_LIMITS).max_bytes), name, limits=limits)


def open_bytes(path: str | os.PathLike[str], max_bytes: int | None = None) -> bytes:
    """The bytes of the file at ``path``: the one opener, whose errors name the file. Only a
    regular file is read (a pipe would wait for a writer, a device such as /dev/zero never
    ends), and no more than ``max_bytes`` (default :data:`DEFAULT_LIMITS`'s) are read: a larger
    file is refused by its size, before any of it is in memory."""
    name = os.fspath(path)
    limit = DEFAULT_LIMITS.max_bytes if max_bytes is None else max_bytes
    if not name:
        raise ReadError("an empty path names no file")
    try:
        kind = os.stat(name)
        if stat.S_ISDIR(kind.st_mode):
            raise ReadError("is a directory, not a file", path=name)
        if not stat.S_ISREG(kind.st_mode):
            raise ReadError(NOT_A_FILE, path=name)
        data = b""
        if kind.st_size <= limit:  # a larger file is refused unread
            with open(name, "rb") as fh:
                data = fh.read(limit + 1)
    except FileNotFoundError:
        raise ReadError("no such file", path=name) from None
    except OSError as exc:
        raise ReadError(f"cannot be opened: {exc.strerror or _one_line(exc)}", path=name) from None
    if kind.st_size > limit or len(data) > limit:  # by its size, or grown since
        raise ReadError(too_large(limit), path=name)
    return data


NOT_A_FILE = "is not a regular file (a pipe, device or socket): only files are read"


def too_large(limit: int) -> str:
    """What a file over ``limit`` bytes is told."""
    return f"is larger than the limit of {limit // (1 << 20)} MB"


def read_bytes(data: bytes | bytearray, name: str, suffix: str | None = None, limits: Limits | None = None) -> Document:
    """Read a report from ``data``; ``name`` labels it, ``suffix`` overrides the name's;
    ``limits`` bound the work (:data:`DEFAULT_LIMITS` unless given)."""
    if isinstance(data, bytearray):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(
            f"read_bytes takes a file's bytes, not {type(data).__name__} (a report's text goes to "
            "workreport.extract or workreport.inspect as it is)"
        )
    limits = limits or DEFAULT_LIMITS
    ext = (PurePath(name).suffix if suffix is None else suffix).lower()
    if ext and not ext.startswith("."):
        ext = "." + ext
    if not data:
        raise ReadError("is empty (0 bytes)", path=name)
    if len(data) > limits.max_bytes:
        raise ReadError(too_large(limits.max_bytes), path=name)
    if ext in _UNSUPPORTED:
        raise ReadError(f"unsupported file type {ext!r}: supported are {SUPPORTED}", path=name)
    magic = _sniff(data)
    if ext not in _KNOWN:  # no suffix, or one like report.2018: go by content
        if magic == _PDF:
            ext = ".pdf"
        elif magic == _ZIP and _is_docx(data):
            ext = ".docx"
    enc: str | None = None
    if ext == ".pdf":
        text, fmt = _pdf_text(data, name, limits), "pdf"
    elif ext == ".docx":
        text, fmt = _docx_text(data, name, limits), "docx"
    elif ext in HTML_SUFFIXES:
        text, enc = _html_text(data, name, limits)
        fmt = "html"
    else:
        if magic:
            raise ReadError(f"looks like {magic}, not text", path=name)
        text, enc = decode(data, name)
        fmt = "txt"
    if not text.strip():
        raise ReadError("is empty (only whitespace)" if fmt == "txt" else "has no text", path=name)
    return Document(text=text, path=name, format=fmt, encoding=enc, sha256=hashlib.sha256(data).hexdigest())


def _sniff(data: bytes) -> str | None:
    return next((what for magic, what in _MAGIC.items() if data.startswith(magic)), None)


# --- text decoding -------------------------------------------------------------------------


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode ``data`` losslessly, detecting the encoding; return ``(text, encoding)``."""
    text, enc = _decode(data, name)
    if len(_CONTROL.findall(text)) > 0.05 * len(text):
        raise ReadError("looks like a binary file, not text (control characters)", path=name)
    return text, enc


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data, 3, "utf-8", name), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _after_utf16_mark(data, name)
    if b"\x00" in data:
        return _utf16_without_bom(data, name), "utf-16"
    try:  # valid UTF-8 with non-ASCII bytes in it is practically never an accident
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        failures = {"utf-8": err}
    readings: dict[str, str] = {}
    for enc in ("gb18030", "big5"):
        try:
            readings[enc] = data.decode(_CODECS[enc])
        except UnicodeDecodeError as err:
            failures[enc] = err
    if readings:
        best = max(readings, key=lambda e: (_script_score(readings[e], e), e == "gb18030"))
        return readings[best], best
    # Report the reading that got furthest: it is the likeliest encoding of the file.
    enc, exc = max(failures.items(), key=lambda kv: kv[1].start)
    raise ReadError(
        f"cannot be decoded as UTF-8, GB18030 or Big5: bad byte 0x{data[exc.start]:02x} at offset "
        f"{exc.start} (reading as {enc})",
        path=name,
    )


def _script_score(text: str, enc: str) -> int:
    return len(_SCRIPT_MARKERS[enc].findall(text))


def _strict(data: bytes, start: int, codec: str, name: str) -> str:
    try:
        return data[start:].decode(codec)
    except UnicodeDecodeError as exc:
        at = exc.start + start
        raise ReadError(
            f"cannot be decoded as {codec}: bad byte 0x{data[at]:02x} at offset {at}", path=name
        ) from None


def _after_utf16_mark(data: bytes, name: str) -> tuple[str, str]:
    """Text behind a UTF-16 byte-order mark. A mark before UTF-8 (a converter's slip) would make
    each two bytes one character, plausible ones too: ASCII pairs land among the ideographs (
    "He" is 效) and the Chinese in UTF-8 among Hangul and private use. So when what follows the
    mark is valid UTF-8 and, read as UTF-16, either has no NUL byte at all (UTF-16 puts one in
    every digit, space and line end) or is implausible, it is read as UTF-8."""
    codec = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
    body = data[2:]
    try:
        text: str | None = body.decode(codec)
    except UnicodeDecodeError:
        text = None
    if text is not None and b"\x00" in body and len(_NOT_UTF16.findall(text)) <= 0.05 * len(text):
        return text, "utf-16"
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _strict(data, 2, codec, name), "utf-16"


def _utf16_without_bom(data: bytes, name: str) -> str:
    # ASCII in UTF-16 puts its NUL byte at one parity (odd for LE); ideographs such as 一
    # (U+4E00) put some at the other, so ask only for a clear majority. A stray NUL in UTF-8
    # or GBK text also has a "majority", but read as UTF-16 that text is implausible.
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    if len(data) % 2 == 0 and max(even, odd) >= 3 * min(even, odd):
        try:
            text = data.decode("utf-16-le" if odd > even else "utf-16-be")
        except UnicodeDecodeError:
            text = ""
        if text and len(_NOT_UTF16.findall(text)) <= 0.05 * len(text):
            return text
    raise ReadError("looks like a binary file, not text (NUL bytes)", path=name)


# --- HTML ----------------------------------------------------------------------------------

_DECLARED = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
    rb"""|<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.I,
)
_DROP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "nav",
        "footer",
        "aside",
        "form",
        "button",
        "select",
        "template",
        "iframe",
        "svg",
        "object",
        "head",
        "title",
        "textarea",
    }
)
_IN_HEAD = frozenset({"base", "link", "meta", "noscript", "script", "style", "template", "title"})
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
_BLOCK = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "caption",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
# Per the HTML parsing rules: these start tags end an open <p>, unless a table cell or a
# button lies between.
_CLOSES_P = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "div",
        "dl",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "ul",
    }
)
_P_SCOPE = ("table", "td", "th", "caption", "button", "object", "template", "body", "html")
_MAX_DEPTH = 256  # deeper nesting is broken markup; flattening it keeps the recursion bounded
_DEBRIS_NAME = re.compile(r"nav|menu|footer|share|breadcrumb|sidebar|copyright", re.I)
_CONTENT_NAME = re.compile(r"content|article|trs_editor|zoom", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPACE_RUN = re.compile(r"\s+")


class _Node:
    __slots__ = ("attrs", "children", "cjk", "parent", "tag")

    def __init__(self, tag: str, attrs: dict[str, str], parent: _Node | None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[_Node | str] = []
        self.cjk = 0

    def names(self) -> str:
        return f"{self.attrs.get('class', '')} {self.attrs.get('id', '')}"

    def is_hidden(self) -> bool:
        return "hidden" in self.attrs or bool(_HIDDEN_STYLE.search(self.attrs.get("style", "")))

    def walk(self) -> Iterator[_Node]:
        yield self
        for c in self.children:
            if isinstance(c, _Node):
                yield from c.walk()


class _TreeBuilder:
    """A forgiving tree builder fed by lxml's HTML parser (libxml2: linear time, no recursion):
    pages in the wild leave <p>, <li>, <td> and <head> open."""

    def __init__(self, max_elements: int) -> None:
        self.root = _Node("#root", {}, None)
        self.stack = [self.root]
        self.left = max_elements
        self.open: dict[str, int] = {}  # open elements by tag: most closes need no search

    def _close(self, tag: str, within: tuple[str, ...] = ()) -> None:
        if not self.open.get(tag):
            return
        for i in range(len(self.stack) - 1, 0, -1):
            t = self.stack[i].tag
            if t == tag:
                for node in self.stack[i:]:
                    self.open[node.tag] -= 1
                del self.stack[i:]
                return
            if t in within:
                return

    def start(self, tag: str, attrs: Any) -> None:
        """An element starts (lxml's parser-target interface)."""
        if not isinstance(tag, str):
            return
        self.left -= 1
        if self.left < 0:
            raise _TooBig()
        tag = tag.lower()
        if tag not in _IN_HEAD:
            self._close("head")
        if tag in _CLOSES_P:
            self._close("p", within=_P_SCOPE)
        if tag == "li":
            self._close("li", within=("ul", "ol"))
        elif tag in ("td", "th"):
            self._close("td", within=("tr", "table"))
            self._close("th", within=("tr", "table"))
        elif tag == "tr":
            self._close("tr", within=("table",))
        if len(self.stack) >= _MAX_DEPTH and tag not in _DROP_TAGS:
            return
        node = _Node(tag, {str(k).lower(): str(v or "") for k, v in dict(attrs).items()}, self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)
            self.open[tag] = self.open.get(tag, 0) + 1

    def end(self, tag: str) -> None:
        """An element ends."""
        if isinstance(tag, str) and tag.lower() not in _VOID:
            self._close(tag.lower())

    def data(self, data: str) -> None:
        """Text."""
        if data.strip() and self.stack[-1].tag == "head":
            self._close("head")
        self.stack[-1].children.append(data)

    def comment(self, text: str) -> None:
        """A comment: dropped."""

    def close(self) -> None:
        """The end of the page."""


_END_BR = re.compile(r"</br\s*>", re.I)  # browsers read </br> as <br>; libxml2 drops it


def _count_cjk(node: _Node) -> int:
    node.cjk = sum(cjk_count(c) if isinstance(c, str) else _count_cjk(c) for c in node.children)
    return node.cjk


def _drop_tags(node: _Node, in_article: bool = False) -> None:
    # <header> inside an <article> is the article's own title block, not the site banner.
    node.children = [
        c
        for c in node.children
        if isinstance(c, str) or not (c.tag in _DROP_TAGS or (c.tag == "header" and not in_article))
    ]
    for c in node.children:
        if isinstance(c, _Node):
            _drop_tags(c, in_article or c.tag in ("article", "main"))


def _drop_named(node: _Node, total: int) -> None:
    # A class/id or hidden-style match never drops an element holding over half the page's
    # ideographs: that is the report, whatever its markup says (class="has-sidebar").
    node.children = [
        c
        for c in node.children
        if isinstance(c, str)
        or not ((_DEBRIS_NAME.search(c.names()) or c.is_hidden()) and c.cjk <= total / 2)
    ]
    for c in node.children:
        if isinstance(c, _Node):
            _drop_named(c, total)


def _is_candidate(node: _Node) -> bool:
    return node.tag in ("article", "main") or bool(_CONTENT_NAME.search(node.names()))


def _choose(body: _Node) -> _Node:
    """The content block: the candidate owning the most ideographs as its own paragraphs
    (text not inside a nested candidate), widened to an enclosing candidate when that adds
    little (the title and date line usually sit just outside the text block)."""
    candidates = [n for n in body.walk() if n is not body and _is_candidate(n)]
    ids = {id(n) for n in candidates}

    def owned(node: _Node) -> int:
        return sum(
            cjk_count(c) if isinstance(c, str) else 0 if id(c) in ids else owned(c) for c in node.children
        )

    best = max(candidates, key=owned, default=body)
    if best.cjk <= body.cjk / 2:  # the candidates are side blocks; the report lives elsewhere
        return body
    chosen, up = best, best.parent
    while up is not None and up is not body:
        if id(up) in ids and up.cjk <= 1.2 * best.cjk:
            chosen = up
        up = up.parent
    return chosen


def _render(node: _Node) -> list[str]:
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        line = _SPACE_RUN.sub(" ", "".join(buf)).strip()
        buf.clear()
        if line:
            lines.append(line)

    def visit(n: _Node) -> None:
        for c in n.children:
            if isinstance(c, str):
                buf.append(c)
            elif c.tag in _BLOCK:
                flush()
                visit(c)
                flush()
            else:
                visit(c)

    visit(node)
    flush()
    return lines


def html_to_text(markup: str, max_elements: int | None = None) -> str:
    """The report text of an HTML page: body paragraphs one per line, site debris dropped;
    a page of more than ``max_elements`` elements is a ReadError."""
    limit = max_elements or DEFAULT_LIMITS.max_elements
    builder = _TreeBuilder(limit)
    parser = etree.HTMLParser(target=builder, no_network=True, recover=True, remove_pis=True)
    try:
        parser.feed(_END_BR.sub("<br>", markup.replace("\x00", "\ufffd")))
        parser.close()
    except etree.LxmlError:  # recover=True: only a page with nothing in it gets here
        pass
    except _TooBig:
        raise ReadError(f"has more than {limit} HTML elements (the limit for this size of upload)") from None
    root = builder.root
    _drop_tags(root)
    _drop_named(root, _count_cjk(root))
    _count_cjk(root)
    body = next((n for n in root.walk() if n.tag == "body"), root)
    return "\n".join(_render(_choose(body)))


def _html_text(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> tuple[str, str]:
    # The declaration only chooses between the legacy encodings: a BOM outranks it, and so
    # does valid UTF-8, since sites often keep charset=gb2312 on pages re-saved as UTF-8.
    m = _DECLARED.search(data[:4096])
    declared = _CHARSET_ALIASES.get((m.group(1) or m.group(2) or b"").decode("ascii").lower()) if m else None
    if declared in ("gb18030", "big5") and not data.startswith(_BOMS):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                return _html_within(data.decode(_CODECS[declared]), name, limits), declared
            except UnicodeDecodeError:
                pass
    markup, enc = decode(data, name)
    return _html_within(markup, name, limits), enc


def _html_within(markup: str, name: str, limits: Limits) -> str:
    try:
        return html_to_text(markup, limits.max_elements)
    except ReadError as exc:
        raise ReadError(exc.message, path=name) from None


# --- DOCX ----------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


class _Capped(io.RawIOBase):
    """A stream that fails once more than ``cap`` bytes have come out of it (a zip bomb)."""

    def __init__(self, raw: IO[bytes], cap: int) -> None:
        super().__init__()
        self.raw, self.cap, self.seen = raw, cap, 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        chunk = self.raw.read(min(n, 1 << 20) if n and n > 0 else 1 << 20)
        self.seen += len(chunk)
        if self.seen > self.cap:
            raise _TooBig()
        return chunk


class _TooBig(Exception):
    pass


class _Paragraph:
    __slots__ = ("later", "out")

    def __init__(self) -> None:
        self.out: list[str] = []
        self.later: list[str] = []  # paragraphs of text boxes anchored here: they follow it


def _docx_text(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> str:
    magic = _sniff(data)
    if magic == _OLE:
        raise ReadError("is encrypted or an old binary .doc, not a DOCX", path=name)
    if magic and magic != _ZIP:
        raise ReadError(f"looks like {magic}, not a DOCX", path=name)
    cap = limits.max_xml_bytes
    too_big = f"is not a plausible DOCX: word/document.xml unpacks to over {cap // (1 << 20)} MB"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if zf.getinfo("word/document.xml").file_size > cap:
                raise ReadError(too_big, path=name)
            with zf.open("word/document.xml") as raw:
                return _docx_paragraphs(cast(IO[bytes], _Capped(raw, cap)))
    except _TooBig:
        raise ReadError(too_big, path=name) from None
    except KeyError:
        raise ReadError("is not a DOCX: no word/document.xml inside", path=name) from None
    except (zipfile.BadZipFile, etree.LxmlError, OSError, RuntimeError, EOFError, ValueError) as exc:
        raise ReadError(f"is not a valid DOCX (corrupt: {_one_line(exc)})", path=name) from None


def _docx_paragraphs(stream: IO[bytes]) -> str:
    """The paragraphs of a WordprocessingML body, streamed: memory stays small whatever its size,
    and nesting costs no recursion (libxml2 refuses depth over 256)."""
    paragraphs: list[str] = []
    open_paragraphs: list[_Paragraph] = []
    fallback = 0  # inside mc:Fallback, which repeats the mc:Choice's text box
    events = etree.iterparse(
        stream, events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    for event, el in events:
        tag = el.tag
        if event == "start":
            if tag == _MC_FALLBACK:
                fallback += 1
            elif tag == _W + "p" and not fallback:
                open_paragraphs.append(_Paragraph())
            continue
        if tag == _MC_FALLBACK:
            fallback -= 1
        elif not fallback and open_paragraphs:
            if tag == _W + "t":
                open_paragraphs[-1].out.append(el.text or "")
            elif tag == _W + "tab":
                open_paragraphs[-1].out.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                open_paragraphs[-1].out.append("\n")
            elif tag == _W + "p":
                done = open_paragraphs.pop()
                lines = ["".join(done.out), *done.later]
                (open_paragraphs[-1].later if open_paragraphs else paragraphs).extend(lines)
        el.clear()
        parent = el.getparent()
        if parent is not None:
            while el.getprevious() is not None:
                del parent[0]
    return "\n".join(paragraphs)


# --- PDF -----------------------------------------------------------------------------------


def _pdf_text(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> str:
    from pypdf import PdfReader  # only PDF readers pay for importing pypdf

    magic = _sniff(data)
    if magic and magic != _PDF:
        raise ReadError(f"looks like {magic}, not a PDF", path=name)

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReadError("is encrypted (cannot be opened without a password)", path=name)
        count = cast(Any, reader.trailer["/Root"])["/Pages"]["/Count"]
        if not isinstance(count, int) or count > limits.max_pages:
            raise ReadError(f"has {count} pages, over the limit of {limits.max_pages}", path=name)
        pages = list(reader.pages)
        if len(pages) > limits.max_pages:
            raise ReadError(f"has {len(pages)} pages, over the limit of {limits.max_pages}", path=name)
    except ReadError:
        raise
    except Exception as exc:  # pypdf raises many exception types on damaged files
        what = "is encrypted with an unsupported method" if _about_encryption(exc) else "is not a valid PDF"
        raise ReadError(f"{what}: {_one_line(exc)}", path=name) from None
    texts: list[str] = []
    for i, page in enumerate(pages, 1):
        try:
            texts.append(page.extract_text() or "")
        except Exception as exc:
            raise ReadError(f"cannot extract the text of page {i}: {_one_line(exc)}", path=name) from None
    # the text layer is the report's text: what cannot be stored is marked where it stands, one
    # character for one, so that every span still points where it did
    text = NOT_TEXT.sub("\ufffd", "\n".join(texts))
    if not text.strip():
        raise ReadError("has no text layer (image-only?)", path=name)
    return text


def _about_encryption(exc: Exception) -> bool:
    # pypdf's DependencyError for AES without the cryptography package, and its
    # unsupported-algorithm errors, all mention encryption.
    return "crypt" in str(exc).lower() or "password" in str(exc).lower()
