"""A corpus of hostile files, made by the test and small on disk: for every reader (plain
text, HTML, DOCX, PDF) bombs, quadratic shapes, deep nesting, huge page counts, truncated and
corrupt files each end in a result or one clean error, within a time and memory budget."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable

import pytest

from workreport.batch.runner import Budget, parse_plain, run_budgeted
from workreport.errors import ReadError
from workreport.pipeline.read import Limits

BUDGET = Budget(seconds=10, memory_mb=512)
LIMITS = Limits(max_bytes=20 << 20)  # the web app's default upload limit
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# ----------------------------------------------------------------------------- makers


def docx(document_xml: bytes, *, compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A DOCX (a ZIP with word/document.xml) around ``document_xml``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("word/document.xml", document_xml)
    return buf.getvalue()


def _body(inner: bytes) -> bytes:
    return b'<?xml version="1.0"?><w:document xmlns:w="' + W.encode() + b'"><w:body>' + inner + b"</w:body></w:document>"


def docx_bomb() -> bytes:
    """word/document.xml unpacks to about 400 MB from under 1 MB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("word/document.xml", "w", force_zip64=True) as fh:
        fh.write(_body(b"")[:-22])
        chunk = b"<w:p><w:r><w:t>" + "增长".encode() * 2000 + b"</w:t></w:r></w:p>" * 1
        for _ in range(400 * 1024 * 1024 // len(chunk)):
            fh.write(chunk)
        fh.write(b"</w:body></w:document>")
    return buf.getvalue()


def docx_many_paragraphs() -> bytes:
    """A million tiny paragraphs: what made the old reader take gigabytes."""
    return docx(_body(b"<w:p><w:r><w:t>1</w:t></w:r></w:p>" * 1_000_000))


def docx_deep() -> bytes:
    """Elements nested 100,000 deep."""
    return docx(_body(b"<w:p>" + b"<w:r>" * 100_000 + b"<w:t>x</w:t>" + b"</w:r>" * 100_000 + b"</w:p>"))


def docx_laughs() -> bytes:
    """The billion laughs: entities of entities."""
    dtd = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([98 + i]), bytes([97 + i]).join([b"&", b";"]) * 10) for i in range(9)
    ) + b"]>"
    return docx(dtd + b'<w:document xmlns:w="' + W.encode() + b'"><w:body><w:p><w:r><w:t>&j;</w:t></w:r></w:p></w:body></w:document>')


def pdf(pages: int, *, count: int | None = None, nested: bool = False) -> bytes:
    """A PDF of ``pages`` pages sharing one content stream (about 60 bytes a page);
    ``count`` is the page count its tree claims."""
    objects: list[bytes] = []
    content = b"BT /F1 12 Tf 72 720 Td (2024 GDP grew 5%) Tj ET"
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages)).encode()
    objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % (pages if count is None else count))
    objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for _ in range(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
            b"/Resources << /Font << /F1 4 0 R >> >> >>"
        )
    if nested:  # an array nested 50,000 deep in the catalog
        objects[0] = b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * 50_000 + b"]" * 50_000 + b" >>"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def hostile_files() -> dict[str, Callable[[], bytes]]:
    """name → a function making the file (made on demand: nothing big is kept on disk)."""
    return {
        # plain text
        "binary.txt": lambda: bytes(range(256)) * 4000,
        "bad-bytes.txt": lambda: "增长5%".encode("gb18030") * 1000 + b"\xff\xfe\x81" * 1000,
        "numbers.txt": lambda: ("生产总值增长" + "5%、" * 20_000 + "。\n").encode(),
        "one-long-line.txt": lambda: ("增长" * 300_000).encode(),
        "nul-utf16ish.txt": lambda: b"\x00a" * 500_000,
        # HTML
        "quadratic-attrs.html": lambda: b"<a " * 32000,
        "quadratic-attrs-big.html": lambda: b"<a " * 3_000_000,
        "deep-divs.html": lambda: b"<div>" * 200_000 + "增长5%".encode() + b"</div>" * 200_000,
        "unclosed-comment.html": lambda: b"<p>x</p><!--" + b"-" * 5_000_000,
        "many-tags.html": lambda: b"<p><b>1</b>" * 200_000,
        "huge-attribute.html": lambda: b'<p title="' + b"x" * 10_000_000 + b'">y</p>',
        "entities.html": lambda: b"<p>" + b"&amp;&#x4e00;&nbsp;" * 100_000 + b"</p>",
        "truncated.html": lambda: b"<html><body><p>\xe5\xa2\x9e\xe9\x95\xbf<a href='",
        # DOCX
        "bomb.docx": docx_bomb,
        "many-paragraphs.docx": docx_many_paragraphs,
        "deep.docx": docx_deep,
        "laughs.docx": docx_laughs,
        "truncated.docx": lambda: docx(_body(b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 1000))[:3000],
        "corrupt-xml.docx": lambda: docx(b"<w:document><w:body><w:p>"),
        "not-a-zip.docx": lambda: b"PK\x03\x04" + b"\x00" * 1000,
        "stored-huge.docx": lambda: docx(_body(b"<w:p><w:r><w:t>" + b"x" * 15_000_000 + b"</w:t></w:r></w:p>"), compress=zipfile.ZIP_STORED),
        # PDF
        "100k-pages-claimed.pdf": lambda: pdf(3, count=100_000),
        "30k-pages.pdf": lambda: pdf(30_000),
        "30k-pages-count-lies.pdf": lambda: pdf(30_000, count=1),
        "nested-arrays.pdf": lambda: pdf(1, nested=True),
        "truncated.pdf": lambda: pdf(50)[:2000],
        "corrupt.pdf": lambda: b"%PDF-1.4\n" + bytes(range(256)) * 100,
        "header-only.pdf": lambda: b"%PDF-1.7\n%%EOF\n",
    }


@pytest.mark.parametrize("name", sorted(hostile_files()))
def test_a_hostile_file_ends_in_a_result_or_one_clean_error(name: str) -> None:
    data = hostile_files()[name]()
    assert len(data) <= LIMITS.max_bytes, "every file fits the upload limit"
    started = time.monotonic()
    try:
        doc, _, facts = run_budgeted(parse_plain, (f"hostile/{name}", data, None, LIMITS), BUDGET, name=name)
    except ReadError as exc:  # one clean error, naming the file
        assert exc.path == name or exc.path == f"hostile/{name}"
        assert "\n" not in exc.message and "Traceback" not in exc.message
        outcome = f"error: {exc.message}"
    else:
        assert doc.text
        outcome = f"{len(doc.text)} chars, {len(facts)} facts"
    elapsed = time.monotonic() - started
    assert elapsed < BUDGET.seconds + 2, (name, elapsed, outcome)
    print(f"{name}: {outcome} in {elapsed:.1f} s")
