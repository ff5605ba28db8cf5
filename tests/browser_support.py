"""Shared pieces of the browser tests: start the app on a free port, drive it in Debian's chromium.

Follows Streamlit's own e2e_playwright pattern. The `browser` and `page` fixtures live in conftest.py.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
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
    "/service": "Service · Is service fast and good, and what is it worth?",
    "/data": "Data · Upload exports",
    "/glossary": "Glossary",
}
ROLE_PAGES = ("/", "/cfo", "/cmo", "/cio", "/service")
CHART_PAGES = ("/", "/cfo", "/cmo", "/service")
SAMPLE_NOTICE = "You are looking at a fictional company's data"

pw.expect.set_options(timeout=WAIT_MS)


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
def server(tmp_path_factory: pytest.TempPathFactory, name: str, extra_args: tuple[str, ...] = (),
           extra_env: dict | None = None, port: int | None = None, empty: bool = False) -> Iterator[str]:
    """Run the app on a fresh workspace; yield its base URL once /_stcore/health says ok; stop it afterwards.
    The workspace holds the sample company with its comments analysed (conftest.sample_template: what the first
    run and its background work make of an empty one), or nothing with `empty` (the first run loads the sample).
    `extra_args` go to `streamlit run` (e.g. --secrets.files), `extra_env` to its environment."""
    from conftest import sample_template

    folder = tmp_path_factory.mktemp(name)
    if not empty:
        shutil.copy(sample_template(tmp_path_factory), folder / "workspace.duckdb")
    port = port or _free_port()
    env = {**os.environ, "CX_WORKSPACE": str(folder / "workspace.duckdb"), "PYTHONUNBUFFERED": "1",
           **(extra_env or {})}
    log_path = folder / "server.log"
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
           "--server.port", str(port), "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
           *extra_args]
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


def first_visit(browser, base: str) -> None:
    """Be a fresh server's first visitor at / (this loads the sample data), so that every test sees the app as
    any later visitor does. A first visitor who arrives by a deep link is its own case (fresh_url)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        open_app(page, base + "/")
        pw.expect(title(page)).to_have_text(PAGES["/"])
    finally:
        context.close()


# ---- the browser ---------------------------------------------------------------------------------------
def wait_for_app_run(page, settle_ms: int = SETTLE_MS) -> None:
    """Wait until the app is connected and no script run is in progress (as Streamlit's e2e helpers do)."""
    page.wait_for_selector(f"{APP}[data-test-connection-state='CONNECTED']", state="attached", timeout=RUN_MS)
    page.wait_for_selector(f"{APP}[data-test-script-state='notRunning']", state="attached", timeout=RUN_MS)
    if settle_ms:
        page.wait_for_timeout(settle_ms)


def wait_for_background(page, timeout_ms: int = 120_000) -> None:
    """Wait until the page no longer waits for the data version's background job (ui.awaiting's notices, which all
    say "once per data version"), then for the run that draws its figures.

    Why a click waits for it: while such a notice shows, its fragment reruns on a 2 s timer, and once the job is
    done it asks for a rerun of the whole page. When Streamlit folds two pending rerun requests into one, the later
    request's page wins (1.67, ScriptRequests._request_rerun_locked), so a page-link click folded with a later
    request for the page being left is lost: the browser stays where it was and the user clicks again. No figure is
    wrong; ui.awaiting takes a pending click before it asks (a yield point first), which narrows this, but a timer
    tick is the browser's."""
    pw.expect(page.get_by_text("once per data version")).to_have_count(0, timeout=timeout_ms)
    wait_for_app_run(page)


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


def choose(page, label: str | re.Pattern, option: str | re.Pattern) -> None:
    """Pick `option` in the selectbox named `label`, then wait for the rerun."""
    box = page.get_by_role("combobox", name=label)
    opt = page.get_by_role("option", name=option, exact=isinstance(option, str) or None)
    # A rerun (an upload job's progress polls every second while it runs) can close the list between opening it
    # and clicking the option, as it can for a user, who opens it again: so does this, up to five times (on a
    # loaded CI machine three tries of the opening alone were once not enough, and the click alone once failed).
    for _ in range(5):
        wait_for_app_run(page)
        box.click()
        try:
            opt.click(timeout=5_000)
            break
        except pw.TimeoutError:
            page.keyboard.press("Escape")
    else:
        raise AssertionError(f"the option {option!r} of {label!r} could not be chosen in five tries")
    wait_for_app_run(page)
    assert_no_exception(page)
