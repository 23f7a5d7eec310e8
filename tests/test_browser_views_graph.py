"""The grapher and the escalation view in a real browser (Debian's chromium through Playwright),
on real reports: national GDP growth 2000–2018 (targets against outcomes) from the national
corpus, and the 2026 GDP growth targets of the 28 provinces side by side. Screenshots at a
desktop (1280) and a phone (390) width go to tests/artifacts/ for people to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser_kit import ARTIFACTS, chromium, need_browser, serve, shot
from tests.conftest import shared_or_skip
from workreport.registry import ingest
from workreport.store import Database
from workreport.web import Settings, create_app

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    need_browser()
    national = shared_or_skip("corpus", "national")
    provinces = shared_or_skip("corpus", "provinces-2026")
    db = Database(str(tmp_path_factory.mktemp("graph") / "graph.sqlite"))
    reports = sorted(p for p in national.glob("*.txt") if 2000 <= int(p.stem) <= 2018)
    ingest(db, [*reports, provinces])
    app = create_app(Settings(db_url=db.url, secret_key="s" * 48), db=db)
    with serve(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    with chromium() as b:
        yield b


def _page(browser: Any, width: int) -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="zh-CN", accept_downloads=True,
        device_scale_factor=1,
    )
    return context.new_page()


GRAPHER = "/grapher?indicator=gdp&place=国务院&from=2000&to=2018"


@pytest.mark.parametrize("device", WIDTHS)
def test_grapher_national_gdp_growth(browser: object, server: str, device: str, tmp_path: Path) -> None:
    page = _page(browser, WIDTHS[device])
    page.goto(server + GRAPHER)
    assert "国内生产总值" in page.locator("h1").inner_text()
    assert page.locator("select[name=measure]").input_value() == "growth"
    chart = page.locator(".chart-wide svg" if device == "desktop" else ".chart-narrow svg")
    assert chart.is_visible()
    tips = [t for t in chart.locator("title").all_text_contents() if "目标" in t]
    # targets of many years are drawn, each with a tooltip as a report writes it; outcomes as a line
    assert len(tips) >= 8 and any("增长7.5%左右" in t for t in tips)
    assert chart.locator("polyline").count() >= 2
    assert chart.locator("text", has_text="%").count() >= 3  # the y axis is in %, as people write it
    assert chart.locator("text", has_text="2010").count() >= 1
    shot(page, f"grapher-national-gdp-{device}", full_page=True)
    # the table tab: years with their targets, outcomes and ratings
    page.click("#tab-table")
    assert page.locator("#chart").is_hidden()
    table = page.locator("table.graph-table")
    text = table.inner_text()
    assert "2013" in text and "增长7.7%" in text and "完成" in text
    shot(page, f"grapher-national-gdp-table-{device}", full_page=True)
    if device == "desktop":
        # downloads: CSV, SVG, and a PNG made in the browser from the SVG
        with page.expect_download() as d:
            page.click("text=CSV")
        csv_text = Path(d.value.path()).read_text(encoding="utf-8-sig")
        assert csv_text.startswith("place,year,indicator,measure")
        assert "中国,2013,gdp,growth,%,7.5" in csv_text
        with page.expect_download() as d:
            page.click("#png")
        png = Path(d.value.path()).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
        (ARTIFACTS / "grapher-national-gdp-download.png").write_bytes(png)


def test_grapher_adds_and_removes_a_place(browser: object, server: str) -> None:
    page = _page(browser, 1280)
    page.goto(server + "/grapher?indicator=gdp&from=2000&to=2026")
    assert page.locator("datalist#placelist option[value=广东省]").count() == 1
    page.fill("input.place-search", "广东省")
    page.press("input.place-search", "Enter")
    page.wait_for_url("**place=%E5%B9%BF%E4%B8%9C%E7%9C%81**")
    chips = page.locator(".place-chip")
    assert chips.count() == 2
    shot(page, "grapher-two-places-desktop", full_page=True)
    chips.filter(has_text="广东省").locator("a").click()
    page.wait_for_load_state()
    assert page.locator(".place-chip").count() == 1


@pytest.mark.parametrize("device", WIDTHS)
def test_escalation_provinces_2026(browser: object, server: str, device: str) -> None:
    page = _page(browser, WIDTHS[device])
    page.goto(server + "/escalation?indicator=gdp&year=2026")
    rows = page.locator("table.escalation-table tbody tr")
    text = page.locator("table.escalation-table").inner_text()
    provinces = [p.stem for p in shared_or_skip("corpus", "provinces-2026").glob("*.txt")]
    assert len(provinces) == 28
    missing = [p for p in provinces if p not in text]
    assert not missing, missing
    # every province is listed under the national level, with its target as a link to its words
    # (福建's annual target, once misdated 2030 because its part is headed 十五五, is found)
    assert rows.count() == 29
    assert "未找到目标" not in text
    assert "中国" in rows.first.inner_text()
    assert page.locator("table.escalation-table td.num a").count() >= 27
    assert "增长5%左右" in text and "增长4.5%—5%" in text
    shot(page, f"escalation-provinces-2026-{device}", full_page=True)
    page.click("#tab-chart")
    chart = page.locator(".chart-wide svg" if device == "desktop" else ".chart-narrow svg")
    assert chart.is_visible()
    assert chart.locator("g > title").count() >= 27
    shot(page, f"escalation-provinces-2026-chart-{device}", full_page=True)
