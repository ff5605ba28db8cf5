"""Browser tests: the real app in headless Chromium, following Streamlit's own e2e_playwright pattern.

A module-scoped fixture starts `streamlit run app.py` on a free port with a fresh workspace (which loads the
bundled sample data on its first run); tests drive the pages with Playwright and compare what the tiles show
with the same metrics computed in-process from the same files.

Servers: the read-only checks run against one that nothing ever writes to, the upload checks against their
own, so the tests hold in any order (and with -k). Both get a first visit at / before any test, so tests see
the app as any later visitor does; a third, unvisited server covers a first visitor arriving by a deep link.

Run: python -m pytest tests/test_browser.py -q   (needs the Debian chromium at /usr/bin/chromium)
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    CHART_DRAWN,
    CHART_PAGES,
    DEFAULT_MONTHS,
    PAGES,
    ROLE_PAGES,
    SAMPLE_DIR,
    SAMPLE_NOTICE,
    assert_no_exception,
    first_visit,
    header_caption,
    history_rows,
    history_table,
    open_app,
    pw,
    read_metric,
    server,
    title,
    upload_csv,
    wait_for_app_run,
    wait_for_background,
)

pytestmark = pytest.mark.browser


# ---- expected values, computed in-process from the same files ----------------------------------------
def _default_view(snap, **filters):
    """The view a page shows with no query params: latest data, last 12 months, no filters."""
    from metrics.view import View

    last = snap.last_month
    first_index = last.year * 12 + last.month - 1 - (DEFAULT_MONTHS - 1)
    start = dt.date(first_index // 12, first_index % 12 + 1, 1)
    return View(snap.snapshot, start=start, end=last, **filters)


def _raised_revenue(source: Path, target: Path, factor: float = 1.10) -> Path:
    """A copy of a revenue export with every mrr of its last month multiplied by `factor`."""
    with source.open(newline="") as f:
        rows = list(csv.DictReader(f))
    last = max(r["month"] for r in rows)
    with target.open("w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["customer_id", "month", "mrr"])
        for r in rows:
            mrr = float(r["mrr"]) * (factor if r["month"] == last else 1.0)
            out.writerow([r["customer_id"], r["month"], f"{mrr:.2f}"])
    return target


def _sample_copy(tmp_path_factory, name: str):
    """A workspace holding the sample as ingest.load_sample stores it (a copy of conftest's loaded template)."""
    from conftest import sample_template

    from metrics.store import Workspace

    path = tmp_path_factory.mktemp(name) / "workspace.duckdb"
    shutil.copy(sample_template(tmp_path_factory, analysed=False), path)
    return Workspace(path)


@pytest.fixture(scope="module")
def expected(tmp_path_factory) -> dict:
    """Tile texts the sample data must produce, from the metrics package (not from the UI)."""
    from metrics import nps, revenue
    from metrics.definitions import fmt_currency, fmt_nps

    ws = _sample_copy(tmp_path_factory, "expected")
    try:
        snap = ws.snapshot()
        view = _default_view(snap)
        enterprise = _default_view(snap, segment="Enterprise")
        arr, _ = revenue.arr_change(ws.cursor(), view)
        arr_ent, _ = revenue.arr_change(ws.cursor(), enterprise)
        return {
            "snapshot": snap.snapshot,
            "arr_value": arr,
            "arr": fmt_currency(arr),
            "arr_enterprise": fmt_currency(arr_ent),
            "nps": fmt_nps(nps.summary(ws.cursor(), view).value),
            "nps_enterprise": fmt_nps(nps.summary(ws.cursor(), enterprise).value),
        }
    finally:
        ws.close()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, browser) -> Iterator[str]:
    """Read-only server: no test stores anything here."""
    with server(tmp_path_factory, "app_readonly") as base:
        first_visit(browser, base)
        yield base


@pytest.fixture(scope="module")
def upload_url(tmp_path_factory, browser) -> Iterator[str]:
    """Server for the upload tests (they change its data)."""
    with server(tmp_path_factory, "app_uploads") as base:
        first_visit(browser, base)
        yield base


@pytest.fixture(scope="module")
def fresh_url(tmp_path_factory) -> Iterator[str]:
    """A server nobody has visited yet: the test using it is its first visitor."""
    with server(tmp_path_factory, "app_fresh", empty=True) as base:
        yield base


# ---- 1. every page ------------------------------------------------------------------------------------
def test_every_page_renders_with_title_notice_charts_and_consistent_tiles(page, app_url, expected):
    tiles = {}
    for path, text in PAGES.items():
        open_app(page, app_url + path)
        assert_no_exception(page)
        pw.expect(title(page)).to_have_text(text)
        if path in ROLE_PAGES:
            pw.expect(page.locator("[data-testid='stAlert']", has_text=SAMPLE_NOTICE)).to_be_visible()
            pw.expect(header_caption(page)).to_contain_text(  # the CIO page covers all data, and says so
                f"All data in data version #{expected['snapshot']}" if path == "/cio"
                else f"all segments · all regions · data version #{expected['snapshot']}")
        if path in CHART_PAGES:
            drawn = page.locator(CHART_DRAWN).first
            pw.expect(drawn).to_be_visible()
            box = drawn.bounding_box()
            assert box and box["width"] > 0 and box["height"] > 0, f"empty chart on {path}"
        if path in ("/", "/cfo"):
            tiles[path] = read_metric(page, "ARR")
        if path == "/cmo":
            nps_text = read_metric(page, "NPS")
            assert nps_text.startswith(expected["nps"]), (nps_text, expected["nps"])
        if path == "/glossary":
            pw.expect(page.get_by_text("Rules that apply everywhere")).to_be_visible()
    assert tiles["/"] == tiles["/cfo"], f"CEO and CFO disagree on ARR: {tiles}"
    assert tiles["/cfo"] == expected["arr"], f"ARR tile {tiles['/cfo']!r}, computed {expected['arr']!r}"


# ---- 2. filters live in the URL ---------------------------------------------------------------------
@pytest.mark.parametrize("server", [
    "app_url",
    "fresh_url",  # the server's very first visitor arrives by this deep link (see ui.ensure_router)
])
def test_segment_filter_comes_from_the_url_and_survives_navigation(page, request, server, expected):
    app_url = request.getfixturevalue(server)
    open_app(page, f"{app_url}/cfo?segment=Enterprise")
    assert_no_exception(page)
    pw.expect(title(page)).to_have_text(PAGES["/cfo"])
    pw.expect(header_caption(page)).to_contain_text("· Enterprise ·")
    pw.expect(page).to_have_url(re.compile(r"/cfo\?(.*&)?segment=Enterprise(&|$)"))  # still a shareable link
    assert read_metric(page, "ARR") == expected["arr_enterprise"]
    assert expected["arr_enterprise"] != expected["arr"]  # the filter really narrows the number
    pw.expect(page.get_by_role("combobox", name="Segment")).to_have_value("Enterprise")

    # the sidebar's link to the CMO page (st.navigation's list or st.page_link: either is an <a> in the sidebar)
    wait_for_background(page)  # a click during the model's training can be folded into a timer tick and lost
    page.locator("[data-testid='stSidebar']").get_by_role("link", name=re.compile(r"\bCMO\b")).click()
    pw.expect(title(page)).to_have_text(PAGES["/cmo"])
    wait_for_app_run(page)
    # the page has run, so its URL is final: a short wait suffices
    pw.expect(page).to_have_url(re.compile(r"/cmo\?(.*&)?segment=Enterprise(&|$)"), timeout=5_000)
    assert_no_exception(page)
    pw.expect(header_caption(page)).to_contain_text("· Enterprise ·")
    nps_text = read_metric(page, "NPS")
    assert nps_text.startswith(expected["nps_enterprise"]), (nps_text, expected["nps_enterprise"])


# ---- 3. and 4. uploads (own server) ------------------------------------------------------------------
def test_storing_an_upload_changes_the_numbers(page, upload_url, expected, tmp_path, tmp_path_factory):
    from metrics import ingest, revenue
    from metrics.definitions import fmt_currency

    raised = _raised_revenue(SAMPLE_DIR / "revenue.csv", tmp_path / "revenue-plus10.csv")
    ws = _sample_copy(tmp_path_factory, "upload_in_process")  # the same change, in-process
    try:
        opts = ingest.Options(kind="revenue", today=dt.date(9999, 12, 31))
        snap = ws.commit([ingest.prepare(raised.read_bytes(), raised.name, opts).to_upload()], leave_sample=True)
        new_arr_value, _ = revenue.arr_change(ws.cursor(), _default_view(snap))
    finally:
        ws.close()
    assert new_arr_value == pytest.approx(1.10 * expected["arr_value"], rel=1e-6)
    new_arr = fmt_currency(new_arr_value)
    assert new_arr == fmt_currency(1.10 * expected["arr_value"]) != expected["arr"]

    open_app(page, upload_url + "/cfo")
    assert_no_exception(page)
    before = read_metric(page, "ARR")
    assert before == expected["arr"]

    open_app(page, upload_url + "/data")
    assert_no_exception(page)
    rows_before = history_rows(page)
    upload_csv(page, raised, "Revenue")
    success = page.locator("[data-testid='stAlertContentSuccess']")
    pw.expect(success.filter(has_text=f"{raised.name} reads as Revenue")).to_be_visible()
    wait_for_app_run(page)
    assert_no_exception(page)
    page.get_by_role("combobox", name="Store your files as your company's own data?").click()  # asked once
    page.get_by_role("option", name=re.compile(r"^Start your company's own workspace")).click()
    wait_for_app_run(page)
    assert_no_exception(page)
    page.get_by_role("button", name="Store as the new Revenue version").click()
    pw.expect(success.filter(has_text=re.compile(rf"Stored {re.escape(raised.name)} as version \d+"))).to_be_visible()
    wait_for_app_run(page)
    assert_no_exception(page)
    new_snapshot = expected["snapshot"] + 1
    pw.expect(success.filter(has_text=f"now shows data version #{new_snapshot}")).to_be_visible()
    pw.expect(page.get_by_role("combobox", name="Data version")).to_have_value(
        re.compile(rf"^#{new_snapshot} .*\(latest\)$"))
    pw.expect(history_table(page)).to_have_attribute("aria-rowcount", str(rows_before + 1 + 1))

    open_app(page, upload_url + "/cfo")
    assert_no_exception(page)
    pw.expect(header_caption(page)).to_contain_text(f"data version #{new_snapshot}")
    after = read_metric(page, "ARR")
    assert after == new_arr, f"ARR tile {after!r} after the upload, computed {new_arr!r}"
    assert after != before


def test_a_rejected_upload_changes_nothing(page, upload_url, tmp_path):
    from metrics import ingest
    from metrics.errors import InvalidValuesError

    bad = tmp_path / "negative-mrr.csv"
    bad.write_text("customer_id,month,mrr\nC-90001,2024-01,100.00\nC-90002,2024-01,-25.00\nC-90003,2024-01,50.00\n")
    with pytest.raises(InvalidValuesError) as rejected:  # numbering as ingest defines it: the header is row 1
        ingest.prepare(bad.read_bytes(), bad.name, ingest.Options(kind="revenue"))
    assert [c.row for c in rejected.value.cells] == [3]

    open_app(page, upload_url + "/cfo")
    assert_no_exception(page)
    arr_before = read_metric(page, "ARR")
    open_app(page, upload_url + "/data")
    assert_no_exception(page)
    rows_before = history_rows(page)

    upload_csv(page, bad, "Revenue")
    error = page.locator("[data-testid='stAlertContentError']",
                         has_text=f"{bad.name} was rejected; nothing was stored.")
    pw.expect(error).to_be_visible()
    wait_for_app_run(page)
    assert_no_exception(page)
    message = error.inner_text()
    assert "'mrr'" in message, message
    assert "negative" in message, message
    assert re.search(r"\brow 3\b", message), message
    assert not re.search(r"\brow [124]\b", message), message  # only the bad row is named
    pw.expect(page.get_by_role("button", name=re.compile("^Store as the new"))).to_have_count(0)
    assert history_rows(page) == rows_before

    open_app(page, upload_url + "/data")
    assert history_rows(page) == rows_before
    open_app(page, upload_url + "/cfo")
    assert_no_exception(page)
    assert read_metric(page, "ARR") == arr_before
