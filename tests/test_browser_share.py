"""Shared links in a real browser: a link reopens the exact view in a fresh browser, a pinned link keeps its
numbers after a newer upload, presentation mode has no sidebar, and the board pack downloads as a PDF."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    SAMPLE_DIR,
    assert_no_exception,
    choose,
    first_visit,
    header_caption,
    open_app,
    pw,
    read_metric,
    server,
    upload_csv,
    wait_for_app_run,
    wait_for_background,
)
from conftest import REFERENCE
from pypdf import PdfReader

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, browser) -> Iterator[str]:
    with server(tmp_path_factory, "app_share") as base:
        first_visit(browser, base)
        yield base


OWN_WORKSPACE = re.compile(r"^Start your company's own workspace")


def share_link(page) -> str:
    code = page.locator("[data-testid='stCode'] code").first
    pw.expect(code).to_contain_text("?v=")
    return code.inner_text().strip()


def test_share_link_reopens_the_same_view_in_a_fresh_browser(browser, page, app_url):
    open_app(page, app_url + "/cfo")
    choose(page, "Segment", "Mid-Market")
    choose(page, "Region", "EMEA")
    pw.expect(header_caption(page)).to_contain_text("Mid-Market · EMEA")
    # the footer is drawn last: wait until the run that drew the caption has drawn the link too
    pw.expect(page.locator("[data-testid='stCode'] code").first).to_contain_text("region=EMEA")
    labels = ("ARR", "NRR (12 months)", "LTV", "Revenue at risk (12 months)")
    figures = {label: read_metric(page, label) for label in labels}
    link = share_link(page)
    assert "segment=Mid-Market" in link and "region=EMEA" in link and "v=1" in link and "period=" in link

    other = browser.new_context(viewport={"width": 1400, "height": 1000})  # no cookies, no session
    try:
        fresh = other.new_page()
        open_app(fresh, link)
        assert_no_exception(fresh)
        pw.expect(header_caption(fresh)).to_contain_text("Mid-Market · EMEA")
        assert {label: read_metric(fresh, label) for label in figures} == figures
    finally:
        other.close()


def test_a_sidebar_click_during_a_shared_links_first_run_keeps_its_filters(browser, app_url):
    """The link's first run is still going when the reader clicks another page: the filters travel along."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(app_url + "/cmo?segment=Enterprise&region=EMEA&gm=70")
        link = page.get_by_role("link", name="CFO")
        link.wait_for()
        link.click()  # no wait for the run to end: this is the race
        pw.expect(page).to_have_url(re.compile(r"/cfo\?"))
        wait_for_app_run(page)
        assert_no_exception(page)
        pw.expect(header_caption(page)).to_contain_text("Enterprise · EMEA")
        for expected in ("segment=Enterprise", "region=EMEA", "gm=70"):
            assert expected in page.url
        pw.expect(page.get_by_role("combobox", name="Segment")).to_have_value("Enterprise")
    finally:
        context.close()


def test_pinned_link_keeps_its_numbers_after_a_newer_upload(browser, page, app_url):
    open_app(page, app_url + "/cfo")
    before = read_metric(page, "ARR")
    link = share_link(page)

    open_app(page, app_url + "/data")
    upload_csv(page, REFERENCE / "revenue.csv", "Revenue")
    choose(page, "Store your files as your company's own data?", OWN_WORKSPACE)  # asked once: never mixed
    page.get_by_role("button", name="Store as the new Revenue version").click()
    wait_for_app_run(page)
    pw.expect(page.get_by_text("now shows data version #2")).to_be_visible()

    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        pinned = other.new_page()
        open_app(pinned, link)
        assert read_metric(pinned, "ARR") == before
        pw.expect(pinned.get_by_text("pinned to data version #1; newer data exists (#2)")).to_be_visible()
        pinned.get_by_role("button", name="Switch to the latest data").click()
        wait_for_app_run(pinned)
        pw.expect(pinned.locator("[data-testid='stMetricValue']").first).to_have_text("$4.2K")  # the new file
        assert "v=2" in pinned.url
    finally:
        other.close()


def test_presentation_mode_has_no_sidebar_and_a_titled_view(page, app_url):
    open_app(page, app_url + "/cmo?present=1&v=1&segment=Enterprise&period=Jul+2026&period=Sep+2026")
    assert_no_exception(page)
    pw.expect(page.locator("[data-testid='stMain'] h1")).to_have_text("Sample company (fictional) · CMO")
    pw.expect(page.locator("[data-testid='stMain'] h3").first).to_contain_text("Q3 2026 · Enterprise")
    pw.expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
    pw.expect(page.locator("[data-testid='stFileUploader']")).to_have_count(0)
    pw.expect(page.locator("[data-testid='stDownloadButton']")).to_have_count(0)


def test_board_pack_downloads_as_a_pdf(page, app_url, tmp_path: Path):
    open_app(page, app_url + "/?v=1")
    with page.expect_download(timeout=90_000) as download:
        page.get_by_role("button", name="Board pack (PDF)").click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    first = pdf.pages[0].extract_text()
    assert "· CEO" in first and "data version #1" in first and "NPS" in first
    assert len(pdf.pages) >= 2 and sum(len(p.images) for p in pdf.pages) >= 4  # the charts, as images


def test_the_comments_csv_is_built_on_click_and_holds_every_comment_of_the_period(page, app_url):
    """The CMO page's comments download is made when clicked (a year of a large export's comments is not built on
    every view); it holds every non-blank comment of the period, counted here from the sample file itself."""
    with (SAMPLE_DIR / "nps_responses.csv").open(encoding="utf-8", newline="") as f:
        expected = sorted(r["response_id"] for r in csv.DictReader(f)
                          if "2026-07-01" <= r["responded_at"] <= "2026-09-30" and r["comment"].strip())
    open_app(page, app_url + "/cmo?v=1&period=Jul+2026&period=Sep+2026")
    wait_for_background(page)
    pw.expect(page.get_by_text(f"{len(expected):,} comments of the period")).to_be_visible()
    with page.expect_download(timeout=90_000) as download:
        page.get_by_role("button", name="Download comments (CSV)").click()
    assert download.value.suggested_filename == "comments-v1-tm0-202607-202609.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    assert sorted(r["response_id"] for r in rows) == expected and len(expected) > 100
    assert all("2026-07-01" <= r["date"] <= "2026-09-30" and r["sentiment"] for r in rows)


def test_a_tables_csv_download_holds_the_rows_and_headers_shown(page, app_url):
    """Every role-page table has its own formula-safe "Download CSV" (the dataframe's own download is off): the
    CMO page's Recent comments, the 12 latest comments of the period, newest first, as the sample file has them."""
    with (SAMPLE_DIR / "nps_responses.csv").open(encoding="utf-8", newline="") as f:
        answers = [r for r in csv.DictReader(f)
                   if "2026-07-01" <= r["responded_at"] <= "2026-09-30" and r["comment"].strip()]
    newest = sorted(answers, key=lambda r: r["responded_at"], reverse=True)[:12]
    open_app(page, app_url + "/cmo?v=1&period=Jul+2026&period=Sep+2026")
    wait_for_background(page)
    # the footer comes after the page's last table (Recent comments): the page is drawn whole
    pw.expect(page.get_by_role("button", name="Board pack (PDF)")).to_be_visible()
    with page.expect_download(timeout=90_000) as download:
        page.get_by_role("button", name="Download CSV").last.click()
    assert download.value.suggested_filename == "recent-comments.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    assert list(rows[0]) == ["Date", "Score", "Category", "Comment", "Customer", "Segment", "Region"]
    assert [r["Date"] for r in rows] == [r["responded_at"][:10] for r in newest]
    assert {r["Comment"] for r in rows} <= {r["comment"] for r in answers}
