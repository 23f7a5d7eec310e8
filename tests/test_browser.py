"""The web app in a real browser: headless Chromium (Debian's) driven by Playwright.

Uploads a seed, sees its facts highlighted, opens the tracker and sees the New Area's GDP
rating, corrects a fact as an editor, and is refused as anonymous. Then every page, at a
desktop's width (1280) and a phone's (390), in Chinese and (library, tracker, commitments,
indicator) in English: nothing wider than the screen, no chart label outside its chart, no
status badge or place name broken over lines. The screenshots are saved in tests/artifacts/
for people to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser_kit import PASSWORD, chromium, need_browser, serve, shot, sign_in
from tests.conftest import REPORTS, SHARED
from workreport import registry
from workreport.registry.users import add_user
from workreport.store import Database
from workreport.web import Settings, create_app

SEEDS = SHARED / "seeds"
STATE: dict[str, Database] = {}


def _need_browser() -> None:
    need_browser()
    if not SEEDS.exists():
        pytest.skip("seeds not present (set WORKREPORT_SHARED)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _need_browser()
    db = Database(str(tmp_path_factory.mktemp("web") / "browser.sqlite"))
    add_user(db, "editor", PASSWORD, "editor")
    STATE["db"] = db
    app = create_app(Settings(db_url=db.url, secret_key="s" * 48), db=db)
    with serve(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    with chromium() as b:
        yield b


def test_editor_uploads_reads_tracks_and_corrects(browser: object, server: str) -> None:
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    sign_in(page, server)
    shot(page, "library-empty")
    # upload both seeds through the drop zone's file input; each opens its reader
    for name in ("003_b6f77983852550f9.txt", "000_d0abdd690213ae7c.txt"):
        page.goto(f"{server}/")
        page.set_input_files("#upload input[type=file]", str(SEEDS / name))
        page.wait_for_url(f"{server}/documents/*", timeout=30_000)
    marks = page.locator("mark.fact")
    assert marks.count() > 100
    first_target = page.locator("mark.fact.kind-target").first
    assert first_target.get_attribute("data-fact-id")
    assert first_target.get_attribute("title")  # hover shows the normalised value
    page.locator("mark.fact.kind-estimate").first.click()
    assert page.locator("#factpanel").is_visible()
    assert "预计" in page.locator("#factfields").inner_text() or "estimate" in page.locator("#factfields").inner_text()
    shot(page, "reader")
    page.goto(f"{server}/")
    shot(page, "library")
    # the tracker: the New Area's 2022 GDP target is missed against the city's estimate
    page.goto(f"{server}/tracker?jurisdiction=兰州新区&period=2022")
    row = page.locator("table.tracker tr", has_text="gdp").first
    assert "未完成" in row.inner_text() and "20%以上" in row.inner_text() and "13.5%以上" in row.inner_text()
    shot(page, "tracker")
    # the evidence quote links to the reader at its span
    href = row.locator("a.quote").nth(1).get_attribute("href")
    assert href and "#f-" in href
    page.goto(server + href)
    assert page.locator("mark.fact.active").count() == 1
    # correct a fact from its page
    fact_link = page.locator("#factlink").get_attribute("href")
    page.goto(server + fact_link)
    page.select_option("select[name=field]", "period")
    page.fill("input[name=value]", "2021")
    page.click("form[action$=correct] button[type=submit]")
    page.wait_for_url(server + fact_link)
    assert "2021" in page.locator("table.kv").inner_text()
    assert "editor" in page.locator(".history").inner_text()
    shot(page, "fact")
    page.goto(f"{server}/indicators/gdp")
    shot(page, "indicator")
    page.goto(f"{server}/search?q=生产总值")
    assert page.locator("ol.hits mark").count() > 0
    shot(page, "search")
    context.close()


def test_anonymous_is_refused(browser: object, server: str) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{server}/")
    assert page.locator("#upload").count() == 0  # no upload for visitors
    response = page.request.post(f"{server}/api/facts/1", data="{}")
    assert response.status in (401, 405)
    patch = page.request.fetch(f"{server}/api/facts/1", method="PATCH", data={"changes": {"value": "1"}})
    assert patch.status == 401
    form = page.request.post(f"{server}/facts/1/correct", form={"field": "value", "value": "1"})
    assert form.status in (401, 403)
    context.close()


# --------------------------------------------------------------------------- every page, two widths

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
ENGLISH_TOO = ("library", "tracker", "commitments", "indicator")

# what a page must not do, measured in the browser: a list of what is wrong (empty when fine)
LAYOUT_PROBLEMS = """() => {
  const bad = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) bad.push(`page ${doc.scrollWidth}px wide in ${window.innerWidth}px`);
  for (const svg of document.querySelectorAll("svg.chart")) {
    const [, , w, h] = svg.getAttribute("viewBox").split(" ").map(Number);
    for (const t of svg.querySelectorAll("text")) {
      const b = t.getBBox();
      if (b.x < -1 || b.x + b.width > w + 1 || b.y < -1 || b.y + b.height > h + 1)
        bad.push(`chart label cut: ${t.textContent}`);
    }
    const box = svg.closest(".card") || svg.parentElement;
    const room = box.clientWidth - 2 * parseFloat(getComputedStyle(box).paddingLeft);
    if (window.innerWidth > 800 && svg.getBoundingClientRect().width < 0.95 * room)
      bad.push(`chart uses ${svg.getBoundingClientRect().width}px of ${room}px`);
  }
  for (const el of document.querySelectorAll(".status, td.nowrap, .facet li a")) {
    const range = document.createRange();
    range.selectNodeContents(el);
    const line = parseFloat(getComputedStyle(el).lineHeight) || 1.6 * parseFloat(getComputedStyle(el).fontSize);
    if (el.textContent.trim() && range.getBoundingClientRect().height > 1.5 * line)
      bad.push(`wrapped: ${el.textContent.trim().slice(0, 20)}`);
  }
  for (const el of document.querySelectorAll("main *")) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > window.innerWidth + 1 && !el.closest(".table-wrap, .chart-box, .reader, pre"))
      bad.push(`overflows: <${el.tagName.toLowerCase()} class="${el.className.baseVal ?? el.className}">`);
  }
  return bad.slice(0, 10);
}"""


@pytest.fixture(scope="module")
def stocked(server: str) -> dict[str, str]:
    """Every test report and both seeds in the server's database; the paths of the pages to look at."""
    db = STATE["db"]
    registry.ingest(db, sorted(REPORTS.glob("*.txt")) + sorted(SEEDS.glob("*.txt")))
    from workreport.store import queries
    from workreport.track import track

    docs = queries.documents(db, per_page=50).items
    city = next(d for d in docs if d["jurisdiction"] == "兰州市")
    rated = next(r for r in track(db) if r.outcome is not None)
    fact = queries.facts(db, document_id=city["id"], kind="target", per_page=1).items[0]
    return {
        "library": "/",
        "tracker": "/tracker?jurisdiction=兰州新区&period=2022",
        "tracker-all": "/tracker",
        "commitments": "/commitments",
        "commitment": f"/commitments/{rated.commitment_id}",
        "indicators": "/indicators",
        "indicator": "/indicators/gdp",
        "search": "/search?q=生产总值",
        "reader": f"/documents/{city['id']}",
        "targets": f"/documents/{city['id']}/targets",
        "fact": f"/facts/{fact['id']}",
        "login": "/login",
        "error": "/documents/999999",
    }


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_fits_and_reads(browser: object, server: str, stocked: dict[str, str], width: str) -> None:
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    sign_in(page, server)
    problems: dict[str, list[str]] = {}
    for name, path in stocked.items():
        for lang in ("zh", "en") if name in ENGLISH_TOO else ("zh",):
            sep = "&" if "?" in path else "?"
            page.goto(f"{server}{path}{sep}lang={lang}")
            assert page.locator("html").get_attribute("lang") == ("en" if lang == "en" else "zh-CN")
            if name != "login":
                found = page.evaluate(LAYOUT_PROBLEMS)
                if found:
                    problems[f"{name} {lang}"] = found
            shot(page, f"page-{name}-{lang}-{width}", full_page=True)
    page.goto(f"{server}/?lang=zh")  # leave the cookie in Chinese
    context.close()
    assert not problems, problems


def test_language_switch_keeps_the_page(browser: object, server: str, stocked: dict[str, str]) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{server}/tracker?jurisdiction=兰州新区&period=2022")
    page.click("text=English")
    assert "lang=en" in page.url and "period=2022" in page.url
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Tracker" in page.locator("h1").inner_text()
    assert page.locator("table.tracker", has_text="Gross domestic product").count() == 1
    page.goto(f"{server}/commitments")  # the choice stays for the next page
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("text=中文")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    context.close()


def test_upload_message_is_readable(browser: object, server: str, stocked: dict[str, str], tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    sign_in(page, server)
    bad = tmp_path / "notes.exe"
    bad.write_bytes(b"MZ")
    page.set_input_files("#upload input[type=file]", str(bad))
    message = page.locator("#upload .upload-message")
    message.wait_for(state="visible")
    # a locator waits by the selector engine: page.wait_for_function's string predicate is run
    # by eval() once it has to poll, which the app's Content Security Policy (script-src 'self')
    # refuses, so it failed whenever the message came later than the first look
    page.locator("#upload .upload-message", has_text="失败").wait_for(state="visible")
    text = message.inner_text()
    assert "上传失败" in text and ".pdf" in text
    colour = message.evaluate("e => getComputedStyle(e).color")
    background = page.locator("#upload").evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour != background and colour not in ("rgb(255, 255, 255)",)
    shot(page, "upload-refused")
    context.close()


def test_a_link_into_the_middle_of_a_line_lands_on_that_line(browser: object, server: str, stocked: dict[str, str]) -> None:
    # the ← of a commitment names where its text starts (#p-OFFSET), most often inside a line
    # of the reader: the reader scrolls to the line that holds it and marks it
    db = STATE["db"]
    from workreport.store import queries

    doc = queries.documents(db, per_page=50).items[0]
    text = queries.document(db, doc["id"])["text"]
    lines = [i + 1 for i, c in enumerate(text) if c == "\n"]
    inside = next(at + 5 for at in lines[len(lines) // 2 :] if text.find("\n", at) - at > 40)  # mid-line
    context = browser.new_context(viewport={"width": 1280, "height": 700})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{server}/documents/{doc['id']}#p-{inside}")
    line = page.locator(".reader p.linked")
    assert line.count() == 1
    start = int((line.get_attribute("id") or "p-0")[2:])
    assert start <= inside < start + len(line.inner_text()) + 2
    assert page.evaluate("window.scrollY") > 0 and line.is_visible()
    box = line.bounding_box()
    assert box is not None and -2 <= box["y"] < 700  # in view, at the top
    context.close()
