"""The theme editor in a real browser: rename the CEO page's first theme on the Data page; the CEO page then shows
the new name, its share link pins the theme-map version (tm=1), and a link made before the edit (tm=0) still shows
the old name with the same ARR at stake."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from browser_support import assert_no_exception, choose, first_visit, open_app, pw, server, wait_for_app_run

pytestmark = pytest.mark.browser
NEW = "Cost and value"
THEME_LABEL = re.compile(r"^\s*Theme: ")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, browser) -> Iterator[str]:
    with server(tmp_path_factory, "app_themes") as base:
        first_visit(browser, base)
        yield base


def _read_tiles(page) -> dict[str, str]:
    tiles = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=THEME_LABEL))
    pw.expect(tiles.first).to_be_visible()
    out = {}
    for i in range(tiles.count()):
        tile = tiles.nth(i)
        name = tile.locator("[data-testid='stMetricLabel']").inner_text().strip().removeprefix("Theme: ")
        out[name] = tile.locator("[data-testid='stMetricValue']").inner_text().strip()
    return out


def theme_tiles(page) -> dict[str, str]:
    """The CEO page's theme tiles: name → ARR at stake as shown, once the page has settled: no run under way and
    the same tiles read twice a second apart (a background job's end reruns the page, and a run's tiles appear one
    by one)."""
    last = None
    for _ in range(20):
        wait_for_app_run(page)
        now = _read_tiles(page)
        if now == last and len(now) == 3:
            return now
        last = now
        page.wait_for_timeout(1_000)
    raise AssertionError(f"the theme tiles did not settle at {page.url}: last read {last}")


def test_rename_on_the_data_page_reaches_the_ceo_page_and_an_old_link_keeps_the_old_name(browser, page, app_url):
    open_app(page, app_url + "/")
    before = theme_tiles(page)
    old = next(iter(before))                      # the theme with the most ARR at stake
    old_link = page.locator("[data-testid='stCode'] code").first.inner_text().strip()
    assert "tm=0" in old_link

    open_app(page, app_url + "/data")
    page.get_by_text("Edit the themes").click()
    wait_for_app_run(page)
    choose(page, "Theme to rename", old)
    box = page.get_by_label("New name")
    box.fill(NEW)
    box.press("Enter")
    wait_for_app_run(page)
    page.get_by_role("button", name="Rename theme").click()
    wait_for_app_run(page)
    assert_no_exception(page)
    pw.expect(page.get_by_text(f"Stored theme map version 1: renamed “{old}” to “{NEW}”.")).to_be_visible()

    open_app(page, app_url + "/")
    after = theme_tiles(page)
    assert NEW in after and old not in after
    assert after[NEW] == before[old]              # a rename changes the name, not the figure
    link = page.locator("[data-testid='stCode'] code").first.inner_text().strip()
    assert "tm=1" in link

    other = browser.new_context(viewport={"width": 1400, "height": 1000})  # no session: the link alone
    try:
        fresh = other.new_page()
        open_app(fresh, old_link)
        assert_no_exception(fresh)
        shown = theme_tiles(fresh)
        assert shown == before, f"{old_link} shows {shown}, first seen as {before}"
    finally:
        other.close()
