"""Browser test of the whole upload flow on the Data page: a file whose columns the app cannot guess is
mapped by hand, validated (a bad row rejected, then skipped by choice), stored with its summary, its mapping
saved as a preset and reused, and a roll back to the sample company refused (never mixed with own data).

Same pattern as tests/test_browser.py: a module-scoped server on a free port with CX_WORKSPACE in tmp (which
loads the bundled sample on its first run), the Debian chromium driven by Playwright.

Run: python -m pytest tests/test_browser_upload.py -q
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import assert_no_exception, choose, pw, server, wait_for_app_run

pytestmark = pytest.mark.browser

SAMPLE_SNAPSHOT = 1  # the sample loads as data version #1 with versions 1–5

# German headers nothing in the app recognises: the analyst maps them. Row 3 has a negative amount.
GERMAN = "Kunde;Monat;Betrag\nK-1;2026-09;1.000,00\nK-2;2026-09;-5,00\nK-3;2026-10;250,50\nK-1;2026-10;1.000,00\n"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    with server(tmp_path_factory, "upload_flow") as base:
        yield base


def history_rows(page) -> int:
    grid = page.locator("[data-testid='stDataFrame']").last.locator("table[role='grid']")
    pw.expect(grid).to_have_attribute("aria-rowcount", re.compile(r"^\d+$"))
    return int(grid.get_attribute("aria-rowcount")) - 1


def upload(page, path: Path) -> None:
    # Chosen on an idle page, as a user would: an input replaced by a rerun mid-action makes Playwright retry the
    # action on the new input (a suspected cause of a file listed twice, seen once in six CI runs; not reproduced
    # in 9 runs beside two busy cores). One listing is asserted, so a double shows as a count.
    wait_for_app_run(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
    pw.expect(page.get_by_role("button", name=f"Remove {path.name}")).to_have_count(1)
    wait_for_app_run(page)
    assert_no_exception(page)


def test_map_validate_store_preset_and_roll_back(page, app_url, tmp_path):
    german = tmp_path / "umsatz.csv"
    german.write_text(GERMAN, encoding="utf-8")
    page.goto(app_url + "/data")
    wait_for_app_run(page)
    assert_no_exception(page)
    assert history_rows(page) == 5  # the sample's five files
    error = page.locator("[data-testid='stAlertContentError']")
    success = page.locator("[data-testid='stAlertContentSuccess']")

    # 1. The kind cannot be told from "Kunde;Monat;Betrag": a precise error, nothing stored.
    upload(page, german)
    pw.expect(error.filter(has_text="umsatz.csv was rejected; nothing was stored.")).to_be_visible()
    pw.expect(error).to_contain_text("Could not tell")

    # 2. Mapping step: choose the kind, then each canonical field's source column.
    choose(page, "What is in the file?", "Revenue")
    pw.expect(error).to_contain_text("No column for customer id")
    choose(page, re.compile(r"^Customer id \*"), "Kunde")
    choose(page, re.compile(r"^Month or invoice date \*"), "Monat")
    choose(page, re.compile(r"^Amount \(MRR or revenue\) \*"), "Betrag")
    # amounts written 12,50 and no currency named: asked, never shown as "$" by guess
    pw.expect(error).to_contain_text("Which currency are the amounts in 'Betrag' in?")
    choose(page, re.compile(r"^Which currency are the amounts in 'Betrag' in\?"), "EUR")

    # 3. A negative invoice line: netted as a credit, or an error? Asked; the analyst says an error (refuse).
    pw.expect(error).to_contain_text("How should the negative lines in 'Betrag' (1) be read?")
    choose(page, re.compile(r"^How should the negative lines in .*Betrag.*1.* be read\?"), re.compile(r"^Refuse them"))
    # Validation: the negative amount rejects the file, with row and column; the analyst may skip it.
    pw.expect(error).to_contain_text("'Betrag'")
    pw.expect(error).to_contain_text("row 3")
    pw.expect(page.get_by_text("Validation: 1 of 4 rows rejected")).to_be_visible()
    pw.expect(page.get_by_role("button", name=re.compile("^Store as the new"))).to_have_count(0)
    pw.expect(page.get_by_role("button", name="Download rejected rows (CSV)")).to_be_visible()
    page.get_by_text("Store the valid rows and skip the rejected ones").click()
    wait_for_app_run(page)
    assert_no_exception(page)
    pw.expect(success.filter(has_text="umsatz.csv reads as Revenue")).to_be_visible()
    pw.expect(success).to_contain_text("3 rows, 2 customers")
    preview = page.locator("[data-testid='stDataFrame']").filter(has_text="customer_id")
    pw.expect(preview.first).to_be_visible()

    # 4. Save the confirmed mapping as a preset.
    page.get_by_role("button", name="Save this mapping as a preset").click()
    page.get_by_label("Preset name").fill("German revenue export")
    page.get_by_label("Preset name").press("Enter")
    wait_for_app_run(page)
    page.get_by_role("button", name="Save preset").click()
    wait_for_app_run(page)
    pw.expect(success.filter(has_text="Saved the mapping as preset")).to_be_visible()

    # 5. Store as the company's own workspace (asked once; the sample stays a demo data version): the summary
    #    names the new version, the company's first of its kind (never compared with the sample's).
    choose(page, "Store your files as your company's own data?", re.compile(r"^Start your company's own workspace"))
    store = page.get_by_role("button", name="Store as the new Revenue version (skipping 1 row)")
    store.click()
    stored = success.filter(has_text="Stored umsatz.csv as version 6 (1 rejected row skipped)")
    pw.expect(stored).to_be_visible()
    wait_for_app_run(page)
    assert_no_exception(page)
    pw.expect(stored).to_contain_text(f"now shows data version #{SAMPLE_SNAPSHOT + 1}")
    pw.expect(stored).to_contain_text(
        "Revenue version 6: 3 rows, 2026-09-01 to 2026-10-31, 2 customers, ARR €15.0K (last month × 12)")
    pw.expect(stored).to_contain_text("the first version of its kind.")
    assert history_rows(page) == 6

    # 6. The same header again: the preset is applied without asking.
    again = tmp_path / "umsatz-november.csv"
    again.write_text(GERMAN.replace("K-2;2026-09;-5,00", "K-2;2026-09;5,00"), encoding="utf-8")
    upload(page, again)
    pw.expect(page.get_by_text("Using the saved preset “German revenue export”")).to_be_visible()
    # K-2 now pays 5,00 in September only, before the file's last month: whether lines bill every month is asked
    # (a single annual invoice would read as one month's MRR); answered yes, the file reads as before
    choose(page, "Does 'Betrag' bill every month?", re.compile(r"^yes"))
    pw.expect(success.filter(has_text="umsatz-november.csv reads as Revenue")).to_be_visible()
    pw.expect(page.get_by_role("combobox", name=re.compile(r"^Amount \(MRR or revenue\) \*"))).to_have_value("Betrag")

    # 7. Rolling back to the sample's revenue (version 3) would mix the sample into own data: refused.
    choose(page, "Version to roll back to or delete", re.compile(r"^v3 · Revenue · revenue\.csv · "))
    page.get_by_role("button", name="Roll back to this version").click()
    pw.expect(error.filter(has_text="Version 3 is part of the sample company")).to_be_visible()
    wait_for_app_run(page)
    assert_no_exception(page)
    pw.expect(page.get_by_role("combobox", name="Data version")).to_have_value(
        re.compile(rf"^#{SAMPLE_SNAPSHOT + 1} .*\(latest\)$"))
    assert history_rows(page) == 6  # nothing stored

    # 8. The dashboard follows: the CFO page shows the company's own data version.
    page.goto(app_url + "/cfo")
    wait_for_app_run(page)
    assert_no_exception(page)
    caption = page.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']").first
    pw.expect(caption).to_contain_text(f"data version #{SAMPLE_SNAPSHOT + 1}")


# ---- a large upload, cancelled -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def quick_progress_url(tmp_path_factory) -> Iterator[str]:
    """A server whose Data page shows a job's progress at once (CX_UPLOAD_WAIT=0) instead of waiting 2 s first."""
    with server(tmp_path_factory, "upload_cancel", extra_env={"CX_UPLOAD_WAIT": "0"}) as base:
        yield base


def test_cancelling_a_large_upload_stores_nothing(page, quick_progress_url, tmp_path):
    # 3 million invoice lines (~70 MB): reading and checking them takes seconds on any machine.
    big = tmp_path / "invoices.csv"
    line = b"".join(b"C%06d,2026-%02d-15,%d.50\n" % (i % 200_000, 1 + i % 9, 10 + i % 90) for i in range(100_000))
    with big.open("wb") as f:
        f.write(b"customer_id,invoice_date,amount\n")
        for _ in range(30):
            f.write(line)
    page.goto(quick_progress_url + "/data")
    wait_for_app_run(page)
    assert history_rows(page) == 5  # the sample's five files
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(big))
    cancel = page.get_by_role("button", name="Cancel")
    pw.expect(cancel).to_be_visible(timeout=60_000)  # the job runs; its progress and Cancel are shown
    pw.expect(page.locator("[data-testid='stProgress']")).to_contain_text("invoices.csv")
    notice = page.locator("[data-testid='stAlertContentWarning']").filter(has_text="nothing was stored")
    # The file is read, then checked, each a job with its own Cancel (the poll redraws it every second): click
    # whichever is shown until the cancellation is confirmed.
    for _ in range(120):
        if notice.count():
            break
        if cancel.count():
            with contextlib.suppress(pw.Error):
                cancel.first.click(timeout=2_000)
        page.wait_for_timeout(500)
    pw.expect(notice).to_be_visible(timeout=60_000)
    pw.expect(notice).to_contain_text("cancelled on this page")
    pw.expect(page.get_by_role("button", name="Read it again")).to_be_visible()
    wait_for_app_run(page)
    assert_no_exception(page)
    assert history_rows(page) == 5  # nothing stored: still only the sample's files


# ---- the same content dropped more than once -------------------------------------------------------------------
@pytest.fixture(scope="module")
def copies_url(tmp_path_factory) -> Iterator[str]:
    with server(tmp_path_factory, "upload_copies") as base:
        yield base


def test_the_same_content_dropped_twice_is_read_and_stored_once(page, copies_url, tmp_path):
    # Each file's widgets are keyed by its content: two copies in one drop once raised StreamlitDuplicateElementKey.
    rev = tmp_path / "rev.csv"
    rev.write_text("customer_id,month,mrr\nA,2026-09,10\nB,2026-09,20\n", encoding="utf-8")
    renamed = tmp_path / "rev-copy.csv"
    renamed.write_bytes(rev.read_bytes())
    page.goto(copies_url + "/data")
    wait_for_app_run(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files([rev, rev, renamed])
    info = page.locator("[data-testid='stAlertContentInfo']")
    pw.expect(info.filter(has_text="rev.csv was added again: the content is read and stored once.")).to_be_visible()
    pw.expect(info.filter(has_text="rev-copy.csv has the same content as rev.csv")).to_be_visible()
    wait_for_app_run(page)
    assert_no_exception(page)
    success = page.locator("[data-testid='stAlertContentSuccess']")
    reads = success.filter(has_text="reads as Revenue")
    pw.expect(reads).to_have_text(re.compile(r"rev\.csv reads as Revenue: 2 rows"))
    pw.expect(page.locator("[data-testid='stTab']")).to_have_count(0)  # one file to handle, not three tabs

    choose(page, "Store your files as your company's own data?", re.compile(r"^Start your company's own workspace"))
    page.get_by_role("button", name="Store as the new Revenue version").click()
    pw.expect(success.filter(has_text="Stored rev.csv as version 6")).to_have_count(1)
    wait_for_app_run(page)
    assert_no_exception(page)
    assert history_rows(page) == 6  # stored once
    pw.expect(page.get_by_role("button", name=re.compile("^Remove "))).to_have_count(0)  # every copy left the uploader
