"""The web app in a real browser: headless Chromium (Debian's) driven by Playwright.

Uploads a seed, sees its facts highlighted, opens the tracker and sees the New Area's GDP
rating, corrects a fact as an editor, and is refused as anonymous. Screenshots of the main
pages are saved in tests/artifacts/ for people to look at."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SHARED
from workreport.registry.users import add_user
from workreport.store import Database
from workreport.web import Settings, create_app

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
SEEDS = SHARED / "seeds"
PASSWORD = "correct horse battery"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _need_browser() -> None:
    missing = not Path(CHROMIUM).exists()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("CI"):
            pytest.fail("CI must install chromium (scripts/install-browser) and playwright")
        pytest.skip("no chromium or playwright here")
    if not SEEDS.exists():
        pytest.skip("seeds not present (set WORKREPORT_SHARED)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _need_browser()
    import uvicorn

    db = Database(str(tmp_path_factory.mktemp("web") / "browser.sqlite"))
    add_user(db, "editor", PASSWORD, "editor")
    app = create_app(Settings(db_url=db.url, secret_key="s" * 48), db=db)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://localhost:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def shot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)  # type: ignore[attr-defined]


def sign_in(page: object, server: str) -> None:
    page.goto(f"{server}/login")  # type: ignore[attr-defined]
    page.fill("input[name=username]", "editor")  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(f"{server}/")  # type: ignore[attr-defined]


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
