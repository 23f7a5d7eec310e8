"""read(): encodings, formats and every refusal, on files written into tmp_path."""

from __future__ import annotations

import io
import os
import random
import warnings
from pathlib import Path

import pytest

from workreport.errors import ReadError
from workreport.pipeline.normalise import cjk_count
from workreport.pipeline.read import Limits, open_bytes, read, read_bytes

SAMPLE = "政府工作报告\n2024年国内生产总值增长5%左右，城镇新增就业1200万人以上。\n经济发展稳中有进。\n"
TRAD = "政府工作報告\n國內生產總值增長5%，經濟發展穩中有進，這是來之不易的成績。\n"
CORPUS = Path("/work/shared/corpus")


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("gb18030"), "gb18030"),
        (b"\xff\xfe" + SAMPLE.encode("utf-16-le"), "utf-16"),
        (b"\xfe\xff" + SAMPLE.encode("utf-16-be"), "utf-16"),
        (SAMPLE.encode("utf-16-le"), "utf-16"),
        (SAMPLE.encode("utf-16-be"), "utf-16"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be"],
)
def test_text_encodings(tmp_path: Path, data: bytes, encoding: str) -> None:
    doc = read(write(tmp_path, "r.txt", data))
    assert doc.text == SAMPLE  # the BOM is not part of the text
    assert doc.encoding == encoding
    assert doc.format == "txt"
    assert doc.path == str(tmp_path / "r.txt")
    assert doc.sha256 is not None and len(doc.sha256) == 64


@pytest.mark.parametrize(
    ("mark", "body", "text", "encoding"),
    [
        (b"\xff\xfe", b"Hello wo", "Hello wo", "utf-8"),  # was four ideographs: 效汬\u206f潷
        (b"\xfe\xff", SAMPLE.encode("utf-8"), SAMPLE, "utf-8"),
        (b"\xff\xfe", "中华人民共和国".encode("utf-16-le"), "中华人民共和国", "utf-16"),  # no NUL, not UTF-8
    ],
    ids=["ascii", "utf8", "utf16-without-nul"],
)
def test_a_stray_utf16_mark_before_utf8_is_read_as_utf8(
    tmp_path: Path, mark: bytes, body: bytes, text: str, encoding: str
) -> None:
    doc = read(write(tmp_path, "r.txt", mark + body))
    assert (doc.text, doc.encoding) == (text, encoding)


def test_big5_traditional(tmp_path: Path) -> None:
    data = TRAD.encode("big5")
    data.decode("gb18030")  # the point: Big5 bytes are valid GB18030 too, only gibberish
    doc = read(write(tmp_path, "trad.txt", data))
    assert doc.encoding == "big5"
    assert doc.text == TRAD


def test_gbk_is_not_mistaken_for_big5(tmp_path: Path) -> None:
    assert read(write(tmp_path, "gbk.txt", SAMPLE.encode("gbk"))).encoding == "gb18030"


def test_line_endings_kept_exactly(tmp_path: Path) -> None:
    text = "一、回顾\r\n增长5%\r发展\r\r\n结束\n"
    for enc in ("utf-8", "gb18030"):
        doc = read(write(tmp_path, f"nl-{enc}.txt", text.encode(enc)))
        assert doc.text == text
        assert doc.text.index("发展") == 11
        assert doc.text[8:11] == "5%\r"


def test_html_in_txt_stays_plain_text(tmp_path: Path) -> None:
    text = "<!DOCTYPE html>\n<html><body><p>增长5%</p></body></html>\n"
    doc = read(write(tmp_path, "page.txt", text.encode("utf-8")))
    assert doc.format == "txt"
    assert doc.text == text


def test_unknown_suffix_is_sniffed(tmp_path: Path) -> None:
    doc = read(write(tmp_path, "report.2018", SAMPLE.encode("gb18030")))
    assert (doc.format, doc.text) == ("txt", SAMPLE)
    assert read(write(tmp_path, "noext", _pdf(["政府工作报告"]))).format == "pdf"
    assert read_bytes(SAMPLE.encode("utf-8"), "x.bin", suffix="txt").text == SAMPLE


PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>政府工作报告_门户网站</title>
<style>.nav {{ color: red }}</style>
<script>var tip = "脚本文字"; if (a < b) {{ document.write("<p>脚本段落</p>"); }}</script>
</head>
<body>
<div class="top-nav"><ul><li><a href="/">首页</a><li><a href="/zw">政务公开</a></ul></div>
<nav>新闻中心 办事服务</nav>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开</div>
<div class="wrap">
  <div class="article">
    <h1>二〇二四年政府工作报告</h1>
    <div class="info">发布时间：2024年1月25日</div>
    <div class="share-box">分享到：微信 微博</div>
    <div class="TRS_Editor" id="zoom">
      <p>各位代表：</p>
      <p>　　现在，我代表省人民政府，向大会报告工作，请予审议。{filler}
      <p>全省地区生产总值增长５．２％，一般公共预算收入增长&nbsp;3%。<br>居民收入增长6%。
      <!-- 注释文字 -->
      <table><tr><td>指标<td>目标</tr><tr><td>增长<td>5%左右</table>
      <p style="display:none">隐藏的文字</p>
    </div>
  </div>
  <div class="sidebar">相关新闻 热点推荐</div>
</div>
<footer>版权所有 某省人民政府办公厅</footer>
<div id="copyright">主办单位：某省人民政府办公厅</div>
<button>打印本页</button>
</body></html>
"""
FILLER = "我们坚持稳中求进工作总基调，推动经济实现质的有效提升和量的合理增长。" * 4


@pytest.mark.parametrize("charset", ["utf-8", "gbk"])
def test_html_body_only(tmp_path: Path, charset: str) -> None:
    page = PAGE.format(charset=charset, filler=FILLER)
    doc = read(write(tmp_path, "page.html", page.encode(charset)))
    assert doc.format == "html"
    assert doc.encoding == ("utf-8" if charset == "utf-8" else "gb18030")
    lines = doc.text.split("\n")
    assert lines[:3] == ["二〇二四年政府工作报告", "发布时间：2024年1月25日", "各位代表："]
    assert "全省地区生产总值增长５．２％，一般公共预算收入增长 3%。" in lines
    assert "居民收入增长6%。" in lines  # <br> breaks the line
    assert lines[-4:] == ["指标", "目标", "增长", "5%左右"]
    for debris in (
        "脚本",
        "首页",
        "新闻中心",
        "当前位置",
        "分享",
        "注释",
        "隐藏",
        "相关新闻",
        "版权所有",
        "主办单位",
        "打印",
        "门户网站",
        "color",
    ):
        assert debris not in doc.text


def test_html_without_content_block(tmp_path: Path) -> None:
    page = "<html><body><div class='menu'>首页</div><p>增长&amp;发展</p><p>就业  稳定\n良好</p></body></html>"
    doc = read(write(tmp_path, "plain.htm", page.encode("utf-8")))
    assert doc.text == "增长&发展\n就业 稳定 良好"


def test_html_gb2312_declared_but_utf8(tmp_path: Path) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
        "<body><p>国内生产总值增长5%</p></body></html>"
    )
    doc = read(write(tmp_path, "p.html", page.encode("utf-8")))
    assert (doc.encoding, doc.text) == ("utf-8", "国内生产总值增长5%")


def test_docx(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("政府工作报告")
    run = d.add_paragraph("一、").add_run("经济增长")
    run.add_tab()
    run.add_text("5%")
    run.add_break()
    run.add_text("第二行")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "指标"
    table.cell(0, 1).text = "5%左右"
    d.add_paragraph("结尾")
    path = tmp_path / "r.docx"
    d.save(str(path))
    doc = read(path)
    assert doc.format == "docx"
    assert doc.text == "政府工作报告\n一、经济增长\t5%\n第二行\n指标\n5%左右\n结尾"


def _pdf(lines: list[str], *, encrypt: str | None = None, rectangle: bool = False) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reportlab's own deprecation notices are not our test
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas

        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        buf = io.BytesIO()
        c = canvas.Canvas(buf, encrypt=encrypt)
        if rectangle:
            c.rect(100, 100, 200, 200, fill=1)
        c.setFont("STSong-Light", 14)
        for i, line in enumerate(lines):
            c.drawString(72, 750 - 24 * i, line)
        c.showPage()
        c.save()
    return buf.getvalue()


def test_pdf_text_layer(tmp_path: Path) -> None:
    doc = read(write(tmp_path, "r.pdf", _pdf(["政府工作报告", "国内生产总值增长5.2%。"])))
    assert doc.format == "pdf"
    assert "政府工作报告" in doc.text
    assert "国内生产总值增长5.2%。" in doc.text


def test_pdf_owner_password_only_opens(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(_pdf(["增长5%"]))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="", owner_password="owner")
    buf = io.BytesIO()
    writer.write(buf)
    assert "增长5%" in read(write(tmp_path, "open.pdf", buf.getvalue())).text


def _error(path: Path | str) -> str:
    with pytest.raises(ReadError) as info:
        read(path)
    message = str(info.value)
    assert Path(path).name in message
    assert "\n" not in message
    return message


def test_pdf_encrypted(tmp_path: Path) -> None:
    assert "is encrypted" in _error(write(tmp_path, "locked.pdf", _pdf(["机密"], encrypt="secret")))


def test_pdf_image_only(tmp_path: Path) -> None:
    message = _error(write(tmp_path, "scan.pdf", _pdf([], rectangle=True)))
    assert "has no text layer (image-only?)" in message


def test_pdf_corrupt(tmp_path: Path) -> None:
    assert "not a valid PDF" in _error(write(tmp_path, "bad.pdf", b"%PDF-1.4\n" + b"garbage " * 50))


def test_missing_file(tmp_path: Path) -> None:
    assert "no such file" in _error(tmp_path / "absent.txt")


def test_directory(tmp_path: Path) -> None:
    (tmp_path / "folder.txt").mkdir()
    assert "directory" in _error(tmp_path / "folder.txt")


@pytest.mark.parametrize(
    "data",
    [b"", b"\xef\xbb\xbf", b"  \r\n\t\n", "\u3000\n".encode()],
    ids=["zero", "bom", "spaces", "ideographic-space"],
)
def test_empty(tmp_path: Path, data: bytes) -> None:
    assert "is empty" in _error(write(tmp_path, "empty.txt", data))


def test_binary(tmp_path: Path) -> None:
    assert "binary" in _error(write(tmp_path, "blob.txt", bytes(range(256)) * 8))
    assert "binary" in _error(write(tmp_path, "ctrl.txt", b"\x01\x02\x03\x04abc\n" * 50))
    stray_nul = SAMPLE.encode("utf-8") + b"\x00"  # a NUL at one parity, yet not UTF-16
    assert "binary" in _error(write(tmp_path, "nul.txt", stray_nul + b" " * (len(stray_nul) % 2)))


def test_undecodable_names_offset(tmp_path: Path) -> None:
    data = "政府工作报告".encode("gbk") + b"\xff" + "增长".encode("gbk")
    message = _error(write(tmp_path, "bad.txt", data))
    assert "offset 12" in message and "0xff" in message


def test_magic_in_txt(tmp_path: Path) -> None:
    assert "looks like a PDF, not text" in _error(write(tmp_path, "fake.txt", _pdf(["增长"])))
    assert "ZIP" in _error(write(tmp_path, "zip.txt", b"PK\x03\x04" + b"\x14" * 40))


def test_unsupported_suffix(tmp_path: Path) -> None:
    message = _error(write(tmp_path, "table.xlsx", b"PK\x03\x04whatever"))
    assert ".xlsx" in message and ".docx" in message and ".pdf" in message


def test_corrupt_docx(tmp_path: Path) -> None:
    data = random.Random(0).randbytes(2000)
    assert "not a valid DOCX" in _error(write(tmp_path, "broken.docx", data))


def test_docx_without_text(tmp_path: Path) -> None:
    import docx

    path = tmp_path / "blank.docx"
    docx.Document().save(str(path))
    assert "has no text" in _error(path)


CORPUS_FILES = sorted(CORPUS.glob("*/*.txt")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not CORPUS_FILES, reason="shared corpus not present (set WORKREPORT_SHARED)")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_reads(path: Path) -> None:
    doc = read(path)
    raw = path.read_bytes()
    assert doc.text.encode("utf-8" if doc.encoding == "utf-8" else "gb18030") == raw  # lossless
    assert doc.encoding == ("gb18030" if path.parent.name == "national" else "utf-8")
    assert "报告" in doc.text  # 1958's is titled 关于…计划草案的报告, not 政府工作报告
    assert cjk_count(doc.text) > 5000


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_pipe_or_a_device_is_refused_not_read(tmp_path: Path, kind: str) -> None:
    # reading a pipe waits for a writer, reading /dev/zero never ends: both used to hang
    if kind == "fifo":
        path = tmp_path / "report.txt"
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
    with pytest.raises(ReadError, match=r"is not a regular file \(a pipe, device or socket\)") as err:
        read(path)
    assert str(path) in str(err.value)


def test_a_file_over_the_limit_is_refused_by_its_size_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workreport.pipeline.read as reader

    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:  # sparse: 200 MB that take no room
        fh.truncate(200 << 20)

    def no_open(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the file was opened to be read")

    monkeypatch.setattr(reader, "open", no_open, raising=False)
    with pytest.raises(ReadError, match="is larger than the limit of 64 MB"):
        read(path)
    with pytest.raises(ReadError, match="is larger than the limit of 1 MB"):
        read(path, Limits(max_bytes=1 << 20))
    monkeypatch.undo()
    small = write(tmp_path, "small.txt", "增长5%。".encode() * 100)
    assert read(small, Limits(max_bytes=1 << 20)).text.startswith("增长5%")
    with pytest.raises(ReadError, match="larger than the limit"):
        open_bytes(small, max_bytes=100)
    with pytest.raises(ReadError, match=r"^an empty path names no file$"):
        read("")


def test_read_bytes_takes_bytes_and_says_where_a_text_goes() -> None:
    assert read_bytes(bytearray("增长5%。".encode()), "r.txt").text == "增长5%。"
    with pytest.raises(TypeError, match=r"takes a file's bytes, not str .*workreport.extract"):
        read_bytes("增长5%。", "r.txt")  # type: ignore[arg-type]
