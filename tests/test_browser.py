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

import contextlib
import csv
import datetime as dt
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"browser tests need the Debian chromium package at {CHROMIUM} (not installed)",
                allow_module_level=True)
pw = pytest.importorskip("playwright.sync_api", reason="browser tests need playwright (requirements-dev.txt)")

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "sample_data"
if str(ROOT) not in sys.path:  # the expected values come from the app's own metrics package
    sys.path.insert(0, str(ROOT))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SERVER_START_S = 60       # bounded wait for /_stcore/health
WAIT_MS = 30_000          # any single wait for an element or text (2-core machine: be generous)
RUN_MS = 60_000           # a script run (the first one on a server also loads the sample data)
SETTLE_MS = 250           # after a run ends, let the frontend paint
DEFAULT_MONTHS = 12       # the sidebar's default period: the last 12 months of the data

APP = "[data-testid='stApp']"
EXCEPTION = "[data-testid='stException']"
CHART_DRAWN = ("[data-testid='stVegaLiteChart'] svg.marks, [data-testid='stVegaLiteChart'] canvas")

PAGES = {  # url path -> title text (st.title), as the pages write it
    "/": "CEO · Are customers happier, and is it paying?",
    "/cfo": "CFO · Recurring revenue and retention",
    "/cmo": "CMO · Customer sentiment",
    "/cio": "CIO · Data health",
    "/data": "Data · Upload exports",
    "/glossary": "Glossary",
}
ROLE_PAGES = ("/", "/cfo", "/cmo", "/cio")
CHART_PAGES = ("/", "/cfo", "/cmo")
SAMPLE_NOTICE = "Sample data."

pw.expect.set_options(timeout=WAIT_MS)


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


@pytest.fixture(scope="module")
def expected() -> dict:
    """Tile texts the sample data must produce, from the metrics package (not from the UI)."""
    from metrics import ingest, nps, revenue
    from metrics.definitions import fmt_currency, fmt_nps
    from metrics.store import Workspace

    ws = Workspace(":memory:")
    try:
        snap = ingest.load_sample(ws, SAMPLE_DIR)
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


# ---- the server ----------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200 and r.read().decode().strip() == "ok"
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def _server(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[str]:
    """Run the app on a fresh workspace; yield its base URL once /_stcore/health says ok; stop it afterwards."""
    folder = tmp_path_factory.mktemp(name)
    port = _free_port()
    env = {**os.environ, "CX_WORKSPACE": str(folder / "workspace.duckdb"), "PYTHONUNBUFFERED": "1"}
    log_path = folder / "server.log"
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
           "--server.port", str(port), "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while not _healthy(f"{base}/_stcore/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                state = f"exited with {proc.returncode}" if proc.poll() is not None else \
                    f"not healthy after {SERVER_START_S} s"
                pytest.fail(f"streamlit server {state}; log:\n{log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.25)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _first_visit(browser, base: str) -> None:
    """Be a fresh server's first visitor at / (this loads the sample data), so that every test sees the app as
    any later visitor does. A first visitor who arrives by a deep link is its own case (fresh_url)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        open_app(page, base + "/")
        pw.expect(title(page)).to_have_text(PAGES["/"])
    finally:
        context.close()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, browser) -> Iterator[str]:
    """Read-only server: no test stores anything here."""
    with _server(tmp_path_factory, "app_readonly") as base:
        _first_visit(browser, base)
        yield base


@pytest.fixture(scope="module")
def upload_url(tmp_path_factory, browser) -> Iterator[str]:
    """Server for the upload tests (they change its data)."""
    with _server(tmp_path_factory, "app_uploads") as base:
        _first_visit(browser, base)
        yield base


@pytest.fixture(scope="module")
def fresh_url(tmp_path_factory) -> Iterator[str]:
    """A server nobody has visited yet: the test using it is its first visitor."""
    with _server(tmp_path_factory, "app_fresh") as base:
        yield base


# ---- the browser ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser():
    with pw.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # wide: sidebar expanded
    context.set_default_timeout(WAIT_MS)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


def wait_for_app_run(page, settle_ms: int = SETTLE_MS) -> None:
    """Wait until the app is connected and no script run is in progress (as Streamlit's e2e helpers do)."""
    page.wait_for_selector(f"{APP}[data-test-connection-state='CONNECTED']", state="attached", timeout=RUN_MS)
    page.wait_for_selector(f"{APP}[data-test-script-state='notRunning']", state="attached", timeout=RUN_MS)
    if settle_ms:
        page.wait_for_timeout(settle_ms)


def open_app(page, url: str) -> None:
    page.goto(url)
    wait_for_app_run(page)


def assert_no_exception(page) -> None:
    errors = page.locator(EXCEPTION)
    if errors.count():
        texts = "\n---\n".join(t[:1500] for t in errors.all_inner_texts())
        pytest.fail(f"{errors.count()} exception(s) on {page.url}:\n{texts}")


def title(page):
    return page.locator("[data-testid='stMain'] h1")


def header_caption(page):
    """The caption under the page title: question, then the view in words."""
    return page.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']").first


def metric_value(page, label: str):
    """The value of the KPI tile whose label is exactly `label`."""
    tile_label = page.locator("[data-testid='stMetricLabel']", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    return page.locator("[data-testid='stMetric']", has=tile_label).locator("[data-testid='stMetricValue']")


def read_metric(page, label: str) -> str:
    value = metric_value(page, label)
    pw.expect(value).to_have_count(1)
    return value.inner_text().strip()


def history_table(page):
    """The Upload history grid on the Data page (rendered last on the page)."""
    return page.locator("[data-testid='stDataFrame']").last.locator("table[role='grid']")


def history_rows(page) -> int:
    grid = history_table(page)
    pw.expect(grid).to_have_attribute("aria-rowcount", re.compile(r"^\d+$"))
    return int(grid.get_attribute("aria-rowcount")) - 1  # the header is a row too


def upload_csv(page, path: Path, kind: str = "Revenue") -> None:
    """On the Data page: choose the kind, then hand the file to the uploader."""
    kind_box = page.get_by_role("combobox", name="What is in the file?")
    kind_box.click()
    page.get_by_role("option", name=kind, exact=True).click()
    pw.expect(kind_box).to_have_value(kind)
    wait_for_app_run(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
    pw.expect(page.get_by_role("button", name=f"Remove {path.name}")).to_be_visible()


# ---- 1. every page ------------------------------------------------------------------------------------
def test_every_page_renders_with_title_notice_charts_and_consistent_tiles(page, app_url, expected):
    tiles = {}
    for path, text in PAGES.items():
        open_app(page, app_url + path)
        assert_no_exception(page)
        pw.expect(title(page)).to_have_text(text)
        if path in ROLE_PAGES:
            pw.expect(page.locator("[data-testid='stAlert']", has_text=SAMPLE_NOTICE)).to_be_visible()
            pw.expect(header_caption(page)).to_contain_text(
                f"all segments · all regions · data version #{expected['snapshot']}")
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
def test_storing_an_upload_changes_the_numbers(page, upload_url, expected, tmp_path):
    from metrics import ingest, revenue
    from metrics.definitions import fmt_currency
    from metrics.store import Workspace

    raised = _raised_revenue(SAMPLE_DIR / "revenue.csv", tmp_path / "revenue-plus10.csv")
    ws = Workspace(":memory:")  # the same change, in-process
    try:
        ingest.load_sample(ws, SAMPLE_DIR)
        opts = ingest.Options(kind="revenue", today=dt.date(9999, 12, 31))
        snap = ws.commit([ingest.prepare(raised.read_bytes(), raised.name, opts).to_upload()])
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
