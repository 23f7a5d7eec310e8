"""Scorecards and the review queue in a real browser (Debian's chromium via Playwright).

Three national reports (2013, 2014 and 2015: two plan/review pairs of the shared tracking
keys) are stored; a reader opens the 2013 national scorecard and follows a result to its evidence;
an editor confirms one rating of the review queue and overrides another, and both leave the
queue, outrank the rules and are audited. Screenshots at desktop (1280) and phone (390)
widths go to tests/artifacts/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser_kit import ARTIFACTS, PASSWORD, chromium, need_browser, serve, sign_in
from tests.conftest import SHARED, shared_or_skip
from workreport import registry
from workreport.registry.users import add_user
from workreport.store import Database, queries
from workreport.web import Settings, create_app

NATIONAL = SHARED / "corpus" / "national"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    need_browser()
    reports = [shared_or_skip("corpus", "national", f"{year}.txt") for year in (2013, 2014, 2015)]
    database = Database(str(tmp_path_factory.mktemp("views") / "views.sqlite"))
    registry.ingest(database, reports)
    add_user(database, "editor", PASSWORD, "editor")
    yield database
    database.close()


@pytest.fixture(scope="module")
def server(db: Database) -> Iterator[str]:
    app = create_app(Settings(db_url=db.url, secret_key="s" * 48, secure_cookies=False), db=db)
    with serve(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    with chromium() as b:
        yield b


def shots(browser: object, url: str, name: str, *, signed_in: str | None = None, full: bool = True) -> None:
    """Screenshots of ``url`` at both widths (signed in first when asked)."""
    ARTIFACTS.mkdir(exist_ok=True)
    for label, (w, h) in WIDTHS.items():
        context = browser.new_context(viewport={"width": w, "height": h}, locale="zh-CN")  # type: ignore[attr-defined]
        page = context.new_page()
        if signed_in:
            sign_in(page, signed_in)
        page.goto(url)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=full)
        # nothing sticks out sideways on a phone: the page is as wide as the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= w + 1, f"{name} overflows at {w}px"
        context.close()


def test_national_scorecard(browser: object, server: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{server}/scorecards")
    link = page.locator("table.sc-picker a", has_text="2013").first
    link.click()
    page.wait_for_url(f"{server}/scorecards/*/2013")
    headline = page.locator(".sc-headline").inner_text()
    met, rated = (int(x) for x in page.locator(".sc-big").inner_text().replace(" ", "").split("/"))
    assert rated >= met >= 1 and f"{met} 项完成" in headline
    assert page.locator(".scorecard svg.chart").count() == 1  # the status mix
    best = page.locator("#sc-best li.sc-result")
    assert best.count() >= 1
    # each result links to its commitment and to both quotes in the reader
    first = best.first
    assert first.locator("a.sc-indicator").get_attribute("href").startswith("/commitments/")
    quotes = first.locator("a.quote")
    assert quotes.count() == 2
    href = quotes.nth(1).get_attribute("href")
    assert href and "#f-" in href
    page.goto(server + href)
    assert page.locator("mark.fact.active").count() == 1
    # the comparison of national scorecards for the year, sorted by a column
    page.goto(f"{server}/scorecards/compare?year=2013&level=national")
    assert page.locator("table.sc-compare tbody tr").count() == 1
    page.locator("table.sc-compare th a", has_text="地区").click()
    assert "sort=name" in page.url
    context.close()
    shots(browser, f"{server}/scorecards/中国/2013", "scorecard-national")
    shots(browser, f"{server}/scorecards/compare?year=2014&level=national", "scorecard-compare")
    shots(browser, f"{server}/scorecards", "scorecards-picker", full=False)


def test_review_queue_confirm_and_override(browser: object, server: str, db: Database) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    sign_in(page, server)
    page.goto(f"{server}/review")
    items = page.locator("article.rv-item")
    before = items.count()
    assert before >= 2
    shots(browser, f"{server}/review", "review-queue", signed_in=server)
    # every item says why in Chinese and quotes the target with a link to its span
    for i in range(before):
        item = items.nth(i)
        assert item.locator(".rv-why li").count() >= 1
        assert "#f-" in (item.locator(".rv-target a.quote").get_attribute("href") or "")
    # confirm the first rating as it stands
    first = items.first
    first_id = int((first.get_attribute("id") or "c-0")[2:])
    status_before = queries.commitment(db, first_id)["status"]
    first.locator("button.rv-confirm").click()
    page.wait_for_url(f"{server}/review?done={first_id}&did=confirm")
    assert page.locator(".rv-flash").count() == 1
    assert page.locator(f"#c-{first_id}").count() == 0
    # override the next one: no status is chosen until the editor chooses one
    second = page.locator("article.rv-item").first
    second_id = int((second.get_attribute("id") or "c-0")[2:])
    assert second.locator("select[name=status]").input_value() == ""
    second.locator("select[name=status]").select_option("missed")
    second.locator("input[name=note]").fill("结果与目标不是同一指标")
    second.locator("button.rv-change").click()
    page.wait_for_url(f"{server}/review?done={second_id}&did=override")
    assert page.locator(f"#c-{second_id}").count() == 0
    assert page.locator("article.rv-item").count() == before - 2
    page.screenshot(path=str(ARTIFACTS / "review-after-desktop.png"), full_page=False)
    # the decisions stand on the commitments, are in their history and in the audit log
    confirmed, overridden = queries.commitment(db, first_id), queries.commitment(db, second_id)
    assert confirmed["status"] == status_before and overridden["status"] == "missed"
    page.goto(f"{server}/commitments/{second_id}")
    assert "editor" in page.locator("table.data").inner_text()
    shots(browser, f"{server}/commitments/{second_id}", "review-overridden-commitment", signed_in=server, full=False)
    log = queries.audit_log(db, limit=10)
    actions = {(a["action"], a["entity_key"]) for a in log}
    assert ("confirm", str(first_id)) in actions and ("override", str(second_id)) in actions
    context.close()
