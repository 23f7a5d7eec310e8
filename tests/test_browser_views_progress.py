"""Progress of key tasks and 为民实事 in a real browser (Debian's chromium through Playwright): an
editor moves a 为民实事 the rules rated 未完成 to 已完成 with evidence (a quote, a link and the
review's figure). Two invented reports of one city (tests/data/progress/) are ingested: the
plan year's 为民实事 list and the next year's review. Screenshots at a desktop (1280) and a
phone (390) width go to tests/artifacts/ for people to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser_kit import PASSWORD, chromium, need_browser, serve, shot
from workreport.registry import ingest
from workreport.registry.users import add_user
from workreport.store import Database
from workreport.web import Settings, create_app

DATA = Path(__file__).parent / "data" / "progress"
WIDTHS = {"desktop": 1280, "phone": 390}
# each width moves its own item, so that the two runs do not depend on each other
ITEMS = {"desktop": "八是新建城乡公共厕所120座", "phone": "二是新增托位2000个"}
LIST = "/progress?jurisdiction=汉中市&year=2024&type=project"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    need_browser()
    db = Database(str(tmp_path_factory.mktemp("progress") / "progress.sqlite"))
    ingest(db, [DATA / "hanzhong_2024.txt", DATA / "hanzhong_2025.txt"])
    add_user(db, "editor", PASSWORD, "editor")
    app = create_app(Settings(db_url=db.url, secret_key="s" * 48, secure_cookies=False), db=db)
    with serve(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    with chromium() as b:
        yield b


@pytest.mark.parametrize("device", WIDTHS)
def test_an_editor_moves_a_project_to_done_with_evidence(browser: object, server: str, device: str) -> None:
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": WIDTHS[device], "height": 900}, locale="zh-CN", device_scale_factor=1
    )
    page = context.new_page()
    page.goto(f"{server}/login?next=/progress")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url(f"{server}/progress")

    page.goto(server + LIST)
    items = page.locator(".progress-item")
    assert items.count() == 8
    row = items.filter(has_text=ITEMS[device])
    assert row.locator(".status").first.inner_text() == "未完成"  # the rules, from the review's figure
    assert "规则评定" in row.inner_text()
    shot(page, f"progress-list-{device}", full_page=True)

    row.locator("a.text").click()
    page.wait_for_url("**/tasks/*")
    assert page.locator("h1").inner_text().startswith("为民实事")
    assert page.locator(".task-state .status").first.inner_text() == "未完成"
    parts = page.locator("table.parts tbody tr")
    assert parts.count() == 1
    outcome_quote = parts.locator("td").nth(2).locator("a").inner_text()
    radios = page.locator("input[type=radio][name=status]")
    assert radios.count() == 6
    assert all(not radios.nth(i).is_checked() for i in range(6))  # nothing chosen for the editor
    shot(page, f"task-before-{device}", full_page=True)

    # a final verdict without evidence is refused, and what was typed is kept
    page.locator("label.status-choice", has_text="已完成").click()
    page.fill("textarea[name=note]", "年底前全部建成并通过验收")
    page.click("form.assess-form button[type=submit]")
    assert "须附证据" in page.locator("form.assess-form .flash").inner_text()
    assert page.locator("input[type=radio][value=done]").is_checked()
    assert page.locator("textarea[name=note]").input_value() == "年底前全部建成并通过验收"

    page.fill("textarea[name=evidence]", "市住建局通报：年度目标任务已全部完成，并通过联合验收。")
    page.fill("input[name=evidence_url]", "https://www.hanzhong.gov.cn/hzszf/xxgk/tzgg/2025.html")
    page.select_option("select[name=fact_id]", label=f"{outcome_quote} · 结果")
    page.locator("form.assess-form").scroll_into_view_if_needed()
    shot(page, f"task-form-{device}", full_page=True)
    page.click("form.assess-form button[type=submit]")
    page.wait_for_url("**#timeline")
    assert page.locator(".task-state .status").first.inner_text() == "已完成"
    assert page.locator(".task-state .pct").inner_text() == "100%"
    newest = page.locator(".timeline .entry").first
    assert "editor" in newest.inner_text() and "已完成" in newest.inner_text()
    assert "市住建局通报" in newest.locator("blockquote.evidence").inner_text()
    assert newest.locator(".evidence-link a").get_attribute("rel") == "noopener noreferrer nofollow"
    assert newest.locator(".evidence-fact a").inner_text() == outcome_quote
    assert "规则的评定不同" in page.locator(".differ-note").inner_text()  # the rules still say 未完成
    shot(page, f"task-done-{device}", full_page=True)

    page.goto(server + LIST)
    row = page.locator(".progress-item").filter(has_text=ITEMS[device])
    assert row.locator(".status").first.inner_text() == "已完成"
    assert "editor" in row.inner_text() and row.locator(".pct").inner_text() == "100%"
    shot(page, f"progress-after-{device}", full_page=True)
    context.close()
