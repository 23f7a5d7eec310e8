"""The 数读 reading (workreport.digest): its sections, and that every number it shows is a fact.

Every page is checked the same way (:func:`check_html`, :func:`check_markdown`):

* every ``a.num`` names a span of the source whose text is the link text, and a fact of the
  report on that span has the link's ``data-value``; the 原文 section has that span's anchor;
* every ``mark`` of the 原文 section is a fact span;
* every ``.lit`` (digits inside a verbatim excerpt that are not a fact: the 5 of 5G, the
  year of a heading) is the source text at its span and overlaps no fact;
* every ``.xnum`` (a number from another report in the registry) is that report's text at
  its span, with that report's value;
* no other digit is visible outside the header, the table headings, the charts' axis
  ticks and the 原文 section: numbers are never made up;
* in Markdown every footnote quotes the source at the offsets it names, and the quoted
  sentence holds the number that refers to it.
"""

from __future__ import annotations

import html
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

import workreport
from tests.conftest import REPORTS, ROOT, SHARED, shared_or_skip
from workreport.model import Document, Fact
from workreport.publish.digest import build_reading, digest, load_history, render_html, render_markdown

EXAMPLES = ROOT / "src" / "workreport" / "examples"
DATA = ROOT / "tests" / "data" / "digest"
ARTIFACTS = ROOT / "tests" / "artifacts"
SEEDS = ("000_d0abdd690213ae7c.txt", "003_b6f77983852550f9.txt")
CHROMIUM = Path("/usr/bin/chromium")

MD_SECTIONS = ("## 主要目标", "## 上年成绩一览", "## 计划要点", "## 为民实事", "## 施政主题")
HTML_SECTIONS = ("targets", "charts", "results", "plan", "projects", "themes", "source")
DIGIT = re.compile(r"[0-9０-９]")
VOID = {"meta", "link", "br", "img", "hr", "input", "wbr", "source", "col", "area", "base"}


def own_reports() -> list[Path]:
    return sorted(REPORTS.glob("*.txt")) + sorted(EXAMPLES.glob("*.txt")) + sorted(DATA.glob("*.txt"))


def facts_of(doc: Document) -> list[Fact]:
    return workreport.extract(doc, workreport.inspect(doc))


# --------------------------------------------------------------------------- html checks


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class Page(HTMLParser):
    """What a reading shows: its numbers, marks, literal digits and any stray digit."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nums: list[Element] = []
        self.xnums: list[Element] = []
        self.lits: list[Element] = []
        self.marks: list[Element] = []
        self.ids: set[str] = set()
        self.tags: set[str] = set()
        self.stray: list[str] = []
        self.section_ids: list[str] = []
        self.svgs = 0
        # (tag, exempt, element being captured)
        self.stack: list[tuple[str, bool, Element | None]] = []

    def _exempt(self) -> bool:
        return any(e for _, e, _ in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        if "id" in a:
            self.ids.add(a["id"])
        el = Element(tag, a)
        cls = el.classes
        if tag == "section" and "id" in a:
            self.section_ids.append(a["id"])
        if tag == "svg":
            self.svgs += 1
        capture: Element | None = None
        if tag == "a" and "num" in cls:
            capture = el
            self.nums.append(el)
        elif "xnum" in cls:
            capture = el
            self.xnums.append(el)
        elif "lit" in cls:
            capture = el
            self.lits.append(el)
        elif tag == "mark":
            capture = el
            self.marks.append(el)
        exempt = (
            capture is not None
            or tag in ("head", "style", "title", "header", "th", "script")
            or (tag == "section" and a.get("id") == "source")
            or (tag == "text" and "tick" in cls)
            or (tag == "span" and "id" in cls)  # an indicator's id (m2, pm25): a name, not a number
        )
        if tag in VOID:
            return
        self.stack.append((tag, exempt, capture))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self.stack:
            top, _, _ = self.stack.pop()
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, _, el in self.stack:
            if el is not None:
                el.text += data
        if not self._exempt() and DIGIT.search(data):
            self.stray.append(data.strip())


def parse(page: str) -> Page:
    p = Page()
    p.feed(page)
    p.close()
    return p


def check_html(page: str, doc: Document, facts: list[Fact], registry: dict[int, str] | None = None) -> Page:
    text = doc.text
    values: dict[tuple[int, int], set[float]] = {}
    for f in facts:
        values.setdefault((f.start, f.end), set()).add(f.value)
    p = parse(page)
    assert "script" not in p.tags and "<script" not in page.lower()
    assert "http://" not in page and "https://" not in page
    for sid in HTML_SECTIONS:
        assert sid in p.section_ids, f"no section #{sid}"
    for a in p.nums:
        s, e = int(a.attrs["data-start"]), int(a.attrs["data-end"])
        assert text[s:e] == a.text, (s, e, a.text)
        assert float(a.attrs["data-value"]) in values.get((s, e), set()), (a.text, a.attrs)
        assert a.attrs["href"] == f"#f-{s}-{e}" and f"f-{s}-{e}" in p.ids, a.attrs["href"]
    for m in p.marks:
        s, e = (int(x) for x in m.attrs["id"].removeprefix("f-").split("-"))
        assert text[s:e] == m.text and float(m.attrs["data-value"]) in values[(s, e)]
    for f in facts:
        assert f"f-{f.start}-{f.end}" in p.ids, f"no anchor for {f.quote} at {f.start}"
    for lit in p.lits:
        s, e = int(lit.attrs["data-start"]), int(lit.attrs["data-end"])
        assert text[s:e] == lit.text
        assert not any(a < e and s < b for a, b in values), f"{lit.text} at {s} is a fact, not a literal"
    for x in p.xnums:
        assert registry is not None, f"a registry number without a registry: {x.text}"
        if "data-document-id" in x.attrs:
            other = registry[int(x.attrs["data-document-id"])]
            assert other[int(x.attrs["data-start"]) : int(x.attrs["data-end"])] == x.text
        else:
            assert x.attrs.get("data-source") in ("csv", "manual")
    assert not p.stray, f"digits outside any number: {p.stray[:10]}"
    return p


# --------------------------------------------------------------------------- markdown checks

FOOTNOTE = re.compile(r"^\[\^(\d+)\]: 「(.*)」（(?:(\S+) )?第(\d+)–(\d+)字）$")
REF = re.compile(r"\*\*(.+?)\*\*\[\^(\d+)\]")


def md_plain(s: str) -> str:
    return html.unescape(re.sub(r"\\([\\`*_\[\]|~])", r"\1", s))


def check_markdown(md: str, doc: Document, registry_by_name: dict[str, str] | None = None) -> None:
    for heading in MD_SECTIONS:
        assert f"\n{heading}\n" in md, heading
    assert "<script" not in md.lower()
    notes: dict[str, str] = {}
    for line in md.splitlines():
        if line.startswith("[^"):
            m = FOOTNOTE.match(line)
            assert m, line
            n, quoted, where, x, y = m.groups()
            quoted = md_plain(quoted)
            source = doc.text
            if where is not None:
                assert registry_by_name is not None, line
                source = registry_by_name[md_plain(where)]
            assert source[int(x) - 1 : int(y)] == quoted, line
            notes[n] = quoted
    body = md.split("\n---\n")[0]
    refs = REF.findall(body)
    assert {n for _, n in refs} == set(notes), "every footnote is used and every reference defined"
    for number, n in refs:
        assert md_plain(number) in notes[n], (number, notes[n])
    # a digit outside a footnoted **number** is verbatim report text (5G, the year of a heading),
    # or a table header or list marker: the pieces of a line between its numbers are quotes
    for line in body.splitlines():
        if line.startswith(("# ", "| 指标", "|---", "> ", "**")) or not DIGIT.search(REF.sub("", line)):
            continue
        line = re.sub(r"^(#+ |- |\d+\. )", "", line)
        line = re.sub(r"`[a-z][a-z0-9_]*`", "", line)  # an indicator's id (m2, pm25): a name, not a number
        for piece in re.split(r"\x00|｜|（预计）|〔[^〕]*〕|”、“|关键词：|\|", REF.sub("\x00", line)):
            piece = md_plain(piece).strip(" …“”`：")
            if DIGIT.search(piece):
                assert piece in doc.text, f"{piece!r} (in {line!r}) is not report text"


# --------------------------------------------------------------------------- readings


def seed_path(name: str) -> Path:
    return shared_or_skip("seeds", name)


@pytest.mark.parametrize("name", SEEDS)
def test_seed_readings(name: str) -> None:
    doc = workreport.read(seed_path(name))
    facts = facts_of(doc)
    page = digest(doc, fmt="html")
    p = check_html(page, doc, facts)
    md = digest(doc, fmt="md")
    check_markdown(md, doc)
    assert p.nums and p.svgs >= 1
    if name.startswith("000"):
        # a city report: targets with last year's figures, ten practical projects, seven themes
        assert "6.5%" in md and "**1.5%**" in md
        assert md.count("\n1. ") == 1 and "\n10. " in md
        assert "为**5.95万名**" in md
        assert "### 经济运行" in md and "全面强化科技创新" in md
        gdp = [a for a in p.nums if a.text == "6.5%"]
        assert gdp, "the GDP target is linked"
    else:
        # a press reading: 奋斗目标 in the table, 数读报告 in the plan, 关键词 on the themes
        assert "20%以上" in md and "### 数读报告" in md
        assert "| ≥ **8%**" in md  # 分别增长8%、10%以上: 以上 covers both, the badge says so
        assert "引领力｜强堡垒" in md and "向心力｜惠民生" in md
        assert "本报告没有回顾上年的量化成绩" in md


@pytest.mark.parametrize("path", own_reports(), ids=lambda p: p.name)
def test_own_readings(path: Path) -> None:
    doc = workreport.read(path)
    facts = facts_of(doc)
    check_html(digest(doc, fmt="html"), doc, facts)
    check_markdown(digest(doc, fmt="md"), doc)


def test_projects_are_one_item_each() -> None:
    doc = workreport.read(REPORTS / "city_2024.txt")
    reading = build_reading(doc, workreport.inspect(doc), facts_of(doc))
    items = [p.excerpt.plain for p in reading.projects]
    assert len(items) == 5
    assert items[0] == "新建改扩建中小学、幼儿园12所，新增学位8000个"
    assert [n.quote for n in reading.projects[0].excerpt.numbers] == ["12所", "8000个"]
    county = workreport.read(REPORTS / "county_2023.txt")
    reading = build_reading(county, workreport.inspect(county), facts_of(county))
    assert all("增进民生福祉" not in p.excerpt.plain for p in reading.projects)


def test_targets_table_and_growth_chart_from_the_report_itself() -> None:
    doc = workreport.read(REPORTS / "city_2024.txt")
    reading = build_reading(doc, workreport.inspect(doc), facts_of(doc))
    rows = {r.indicator_id: r for r in reading.targets if r.scope is None}
    assert rows["gdp"].number.quote == "6%左右" and rows["gdp"].comparator == "~"
    assert rows["gdp"].last_actual is not None and rows["gdp"].last_actual.quote == "5.2%"
    assert rows["rd_intensity"].hedge == "力争"
    bars = {b.indicator_id: b for b in reading.growth}
    assert bars["gdp"].last_from == "report"
    assert not reading.has_history and all(r.change is None for r in reading.targets)
    province = workreport.read(REPORTS / "province_2026.txt")
    reading = build_reading(province, workreport.inspect(province), facts_of(province))
    gdp = next(r for r in reading.targets if r.indicator_id == "gdp")
    assert gdp.comparator == "range" and gdp.value_max == 5.5
    md = render_markdown(reading)
    assert "**5%—5.5%**" in md and "区间 **" not in md  # the quote says it is a range
    assert "下降**0.2%**" in md  # a fall written without a sign is not shown as a rise


def test_every_number_in_a_reading_is_a_fact() -> None:
    """The reading's own inventory of numbers: each is a fact of the report, quoted exactly."""
    for path in own_reports():
        doc = workreport.read(path)
        facts = facts_of(doc)
        spans = {(f.start, f.end): f for f in facts}
        reading = build_reading(doc, workreport.inspect(doc), facts)
        for n in reading.numbers():
            f = spans[(n.start, n.end)]
            assert doc.text[n.start : n.end] == n.quote == f.quote
            assert n.sentence_start <= n.start < n.end <= n.sentence_end


# --------------------------------------------------------------------------- registry


@pytest.fixture
def registry_db(tmp_path: Path) -> Iterator[object]:
    from workreport import registry
    from workreport.store import Database

    db = Database(f"sqlite:///{tmp_path / 'digest.sqlite'}")
    registry.ingest(db, [EXAMPLES])
    yield db
    db.close()


def _documents(db: object) -> dict[int, str]:
    from sqlalchemy import select

    from workreport.store import Database, DocumentRow

    assert isinstance(db, Database)
    with db.session() as s:
        return {d.id: d.text for d in s.scalars(select(DocumentRow))}


def test_reading_with_last_years_targets(registry_db: object) -> None:
    from workreport.store import Database

    db = registry_db
    assert isinstance(db, Database)
    docs = _documents(db)
    doc = workreport.read(DATA / "xixian_2023.txt")
    facts = facts_of(doc)
    page = digest(doc, fmt="html", db=db)
    p = check_html(page, doc, facts, registry=docs)
    assert p.xnums, "last year's targets and outcomes are shown"
    history = load_history(db, "西咸新区", 2022)
    reading = build_reading(doc, workreport.inspect(doc), facts, history)
    rows = {r.indicator_id: r for r in reading.targets}
    assert reading.has_history
    assert rows["gdp"].previous is not None and rows["gdp"].previous.quote == "10%以上"
    assert rows["gdp"].outcome is not None and rows["gdp"].outcome.quote == "9.5%"
    assert rows["gdp"].status == "partly" and rows["gdp"].provisional
    assert rows["gdp"].change == "lowered"  # 10%以上 → 8%以上
    assert rows["fai"].change == "raised"  # 12%以上 → 15%以上
    assert rows["va_industry_above_scale"].change == "same"
    assert rows["market_entities_new"].change == "raised" and rows["market_entities_new"].status == "met"
    assert rows["retail_sales"].status == "unknown" and rows["retail_sales"].outcome is None
    assert rows["unemployment_surveyed"].change == "new"
    assert {b.indicator_id: b.last_from for b in reading.growth}["gdp"] == "registry"
    by_name = {Path(path).name: text for path, text in _paths(db).items()}
    from sqlalchemy import func, select

    from workreport.store import AssessmentRow

    def assessments() -> int:
        with db.read() as s:
            return int(s.scalar(select(func.count()).select_from(AssessmentRow)) or 0)

    before = assessments()  # the ratings made at ingest
    check_markdown(digest(doc, fmt="md", db=db), doc, by_name)
    assert assessments() == before  # reading does not write


def _paths(db: object) -> dict[str, str]:
    from sqlalchemy import select

    from workreport.store import Database, DocumentRow

    assert isinstance(db, Database)
    with db.session() as s:
        return {d.path: d.text for d in s.scalars(select(DocumentRow))}


def test_lower_is_better_ambition(registry_db: object) -> None:
    """A lower ceiling on CPI is raised ambition."""
    from workreport.publish.digest import ExternalNumber, PastTarget

    text = (
        "政府工作报告\n——2023年1月10日在西咸新区工作会议上\n各位代表：\n一、2022年工作回顾\n"
        "一年来，我们稳中求进。全年生产总值增长5%。\n二、2023年工作安排\n"
        "主要预期目标是：生产总值增长6%左右，居民消费价格涨幅2.5%左右。\n"
    )
    doc = Document(text=text, path="cpi.txt")
    facts = facts_of(doc)
    past = [
        PastTarget(
            "cpi",
            "居民消费价格涨幅",
            "growth",
            ExternalNumber(3.0, "%", "growth", "~", quote="3%左右"),
            None,
            "unknown",
        ),
        PastTarget(
            "gdp",
            "生产总值",
            "growth",
            ExternalNumber(6.0, "%", "growth", "~", quote="6%左右"),
            None,
            "unknown",
        ),
    ]
    reading = build_reading(doc, workreport.inspect(doc), facts, past)
    rows = {r.indicator_id: r for r in reading.targets}
    assert rows["cpi"].change == "raised"
    assert rows["gdp"].change == "same"
    # an external number with no document behind it is never shown as a link
    page = render_html(reading)
    assert "3%左右" in page and 'class="xnum"' in page


# --------------------------------------------------------------------------- safety


def test_report_text_is_escaped(tmp_path: Path) -> None:
    path = tmp_path / "xss.txt"
    path.write_text(
        "政府工作报告<script>alert(1)</script>\n——2024年1月10日在宝鸡市第十五届人民代表大会第四次会议上\n"
        "各位代表：\n一、2023年工作回顾\n"
        "一年来，我们稳中求进。全年地区生产总值增长5.2%<script>alert(1)</script>，"
        "“<img src=x onerror=alert(1)>”新建学校12所。\n"
        "二、2024年工作安排\n主要预期目标是：地区生产总值增长6%左右<script>alert(1)</script>。\n"
        "（一）办好民生实事<b>\n今年办好3件民生实事：一是新建幼儿园5所</script><script>；二是新增停车泊位600个。\n",
        encoding="utf-8",
    )
    doc = workreport.read(path)
    page = digest(doc, fmt="html")
    assert "<script" not in page.lower()
    assert "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    check_html(page, doc, facts_of(doc))
    md = digest(doc, fmt="md")
    assert "<script" not in md.lower() and "&lt;script&gt;" in md


def test_html_is_self_contained() -> None:
    for path in own_reports()[:3]:
        page = digest(workreport.read(path), fmt="html")
        assert "http://" not in page and "https://" not in page
        assert not re.search(r"<(link|script|iframe|img|object|embed)\b", page, re.I)
        assert re.search(r"url\(", page) is None  # no fonts or images by reference
        assert (
            'font-family: "Noto Sans CJK SC","Noto Sans SC","WenQuanYi Zen Hei","Microsoft YaHei",sans-serif'
            in page
        )


def test_unknown_format() -> None:
    doc = workreport.read(REPORTS / "city_2024.txt")
    with pytest.raises(workreport.WorkreportError, match="format"):
        digest(doc, fmt="pdf")


def test_a_report_with_nothing_to_read() -> None:
    doc = Document(text="各位代表：\n今天天气很好。\n")
    page = digest(doc, fmt="html")
    check_html(page, doc, facts_of(doc))
    check_markdown(digest(doc, fmt="md"), doc)


# --------------------------------------------------------------------------- performance


_DISTRICT_NAMES = (
    "渭滨区 金台区 陈仓区 凤翔区 岐山县 扶风县 眉县 陇县 千阳县 麟游县 凤县 太白县 "
    "城关区 七里河区 西固区 安宁区 红古区 永登县 皋兰县 榆中县 新城区 碑林区 莲湖区 雁塔区"
)
_DISTRICTS = _DISTRICT_NAMES.split()


def _long_report(n: int) -> str:
    """An invented report of at least ``n`` code points, built from the city report's parts.

    Each copy of a paragraph names another district: a report saved twice over is one
    report (the structure stage keeps one copy), a long report is not."""
    text = (REPORTS / "city_2024.txt").read_text(encoding="utf-8")
    head, rest = text.split("一、2023年工作回顾\n", 1)
    review, rest = rest.split("二、2024年工作安排\n", 1)
    plan, tail = rest.split("三、加强政府自身建设\n", 1)
    review_lines = [ln for ln in review.splitlines(True) if not ln.startswith("各位代表")]
    plan_lines = [ln for ln in plan.splitlines(True) if not ln.startswith("（")]
    parts = [head, "一、2023年工作回顾\n"]
    size = len(head) + len(tail) + len(review) + len(plan)
    reps = 0
    blocks: list[str] = []
    while size < n + 500:
        district = _DISTRICTS[reps % len(_DISTRICTS)] + "方面" * (1 + reps // len(_DISTRICTS))
        block = "".join(f"{district}，{ln}" for ln in plan_lines)
        blocks.append(block)
        size += len(block)
        reps += 1
    parts += review_lines
    parts += ["二、2024年工作安排\n", plan, *blocks, "三、加强政府自身建设\n", tail]
    return "".join(parts)


def test_a_long_report_takes_seconds() -> None:
    doc = Document(text=_long_report(50_000))
    assert len(doc.text) >= 50_000
    t0 = time.perf_counter()
    page = digest(doc, fmt="html")
    md = digest(doc, fmt="md")
    elapsed = time.perf_counter() - t0
    assert elapsed < 30, f"{elapsed:.1f} s for two readings of {len(doc.text)} code points"
    assert page.count('<mark id="f-') > 100 and md


# --------------------------------------------------------------------------- corpus (when present)


@pytest.mark.parametrize("rel", ["national/2017.txt", "provinces-2026/广东省.txt"])
def test_corpus_readings(rel: str) -> None:
    path = shared_or_skip("corpus", *rel.split("/"))
    doc = workreport.read(path)
    facts = facts_of(doc)
    check_html(digest(doc, fmt="html"), doc, facts)
    check_markdown(digest(doc, fmt="md"), doc)


# --------------------------------------------------------------------------- browser


def _browser_or_skip() -> None:
    missing = []
    if not CHROMIUM.exists():
        missing.append(str(CHROMIUM))
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if missing:
        message = f"browser test needs {' and '.join(missing)} (apt-get install chromium fonts-noto-cjk; pip install playwright)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def test_reading_in_a_browser(tmp_path: Path) -> None:
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    source = SHARED / "seeds" / SEEDS[0]
    doc = workreport.read(source if source.exists() else REPORTS / "city_2024.txt")
    page_file = tmp_path / "digest.html"
    page_file.write_text(digest(doc, fmt="html"), encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "digest.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1500})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri())
            page.screenshot(path=str(shot), full_page=False)
            assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"')"), "no CJK font"
            # the page fits its column: no horizontal scrolling
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            # a number leads to its span in the 原文 section
            link = page.locator("#targets a.num").first
            href = link.get_attribute("href")
            assert href is not None
            link.click()
            assert page.evaluate("location.hash") == href
            assert page.evaluate(f"document.getElementById('{href[1:]}').tagName") == "MARK"
            assert page.locator("svg.chart").count() >= 1
            assert all(u.startswith("file:") for u in requests), requests
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
