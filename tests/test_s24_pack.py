"""The board pack (PDF) and the charts download of the role pages, on exports other than the sample (s24): each
test builds its own small workspace (or pack) and asserts what the PDF now says, against what the page shows."""

import io

import pandas as pd
import pytest
from conftest import run_app, seeded_workspace
from pypdf import PdfReader

# 6 customers billed in EUR, Aug–Oct 2026. Oct MRR: E1 1,200 + E2 900 + E4 2,500 + E5 75 + E6 3,100 = 7,775, ARR
# 93,300 (€93.3K). Sep–Oct gained: E4 new 2,500 (Sep) + E2 expansion 49.50 (Oct) = 2,549.50; lost: E3 churned
# 400 (Oct): quick ratio 6.37 (6.4×). No revenue 12 months back, so no NRR or GRR.
EUR = b"""customer_id,month,mrr,currency
E1,2026-08,1200.00,EUR
E1,2026-09,1200.00,EUR
E1,2026-10,1200.00,EUR
E2,2026-08,850.50,EUR
E2,2026-09,850.50,EUR
E2,2026-10,900.00,EUR
E3,2026-08,400.00,EUR
E3,2026-09,400.00,EUR
E4,2026-09,2500.00,EUR
E4,2026-10,2500.00,EUR
E5,2026-08,75.00,EUR
E5,2026-09,75.00,EUR
E5,2026-10,75.00,EUR
E6,2026-08,3100.00,EUR
E6,2026-09,3100.00,EUR
E6,2026-10,3100.00,EUR
"""
PERIOD = ["Aug 2026", "Oct 2026"]
# 12 answers with comments, 1–12 Oct 2026, scored 10, 7, 3 in turn (n11 on 12 Oct: 3, a detractor); the Recent
# comments table holds the 12 latest
COMMENTS = ("customer_id,responded_at,score,comment\n" + "".join(
    f"n{i},2026-10-{i + 1:02d},{(10, 7, 3)[i % 3]},Comment {i}: fine overall.\n" for i in range(12))).encode()


def pdf_text(pack) -> str:
    import report

    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(report.board_pack(pack))).pages)


@pytest.fixture(scope="module")
def eur_pages(tmp_path_factory):
    with seeded_workspace(tmp_path_factory, ("revenue", EUR)):
        yield {page: run_app(page, period=PERIOD) for page in ("pages/cfo.py", "pages/cmo.py", "pages/service.py")}


def test_pack_prints_the_dash_and_signs_the_page_shows():
    """A blank tile's "—" printed as "-" (read as a hyphen or a minus sign), the minus sign and ≥ as - and >=,
    although the PDF's font draws them."""
    import report

    pack = report.Pack("Your company · CFO", "Aug 2026 – Oct 2026")
    pack.current.tiles.append(report.Tile("GRR (12 months)", "—", None, "n ≥ 30 · −4.2% … 6.4× “so”"))
    text = pdf_text(pack)
    assert "Aug 2026 – Oct 2026" in text
    assert "GRR (12 months) — n ≥ 30 · −4.2% … 6.4× “so”" in text, text
    assert " - " not in text and ">=" not in text


def test_cfo_pack_says_why_grr_is_blank_and_prints_euros(eur_pages):
    at = eur_pages["pages/cfo.py"]
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["ARR"] == "€93.3K" and tiles["Quick ratio"] == "6.4×" and tiles["GRR (12 months)"] == "—"
    text = pdf_text(at.session_state["_pack"])
    assert "ARR €93.3K Oct 2026 · 5 paying customers" in text, text
    assert "Quick ratio 6.4× Sep 2026 – Oct 2026: gained €2.5K MRR" in text and "lost €400" in text
    # before: "GRR (12 months) -" and nothing else: the page's notice saying why was not in the PDF
    notice = ("Retention needs revenue from 12 months before each month shown. No period can show it yet: it needs "
              "a period ending in Aug 2027 or later, and the revenue data ends in Oct 2026.")
    assert notice in [i.value for i in at.info]
    assert notice in text and "GRR (12 months) —" in text
    assert "$" not in text


def test_service_pack_without_tickets_says_why_it_has_no_figure(eur_pages):
    at = eur_pages["pages/service.py"]
    assert not at.metric
    text = pdf_text(at.session_state["_pack"])
    # before: a PDF of the title and the view alone, with nothing saying why
    assert "No support tickets uploaded yet — upload on the Data page." in text, text
    assert ("No NPS responses uploaded yet — upload on the Data page. This data version has no NPS responses data: "
            "the figures that need it are blank.") in text


def test_the_pack_says_a_missing_kind_once(eur_pages):
    """The CMO page says "No NPS responses uploaded yet" at the top and again in the columns that need them; the
    PDF says it once, under the title."""
    text = pdf_text(eur_pages["pages/cmo.py"].session_state["_pack"])
    assert text.count("No NPS responses uploaded yet") == 1, text


def test_charts_download_is_off_when_the_page_draws_no_chart(eur_pages):
    buttons = {b.proto.label: b.proto for b in eur_pages["pages/cmo.py"].get("download_button")}
    # before: an enabled button that downloaded an empty zip file
    assert not eur_pages["pages/cmo.py"].session_state["_pack"].charts()
    assert buttons["Charts (PNG, zip)"].disabled
    assert buttons["Charts (PNG, zip)"].help == ("This page draws no chart for this view, so there is no chart to "
                                                 "download.")
    assert not buttons["Board pack (PDF)"].disabled
    cfo = {b.proto.label: b.proto for b in eur_pages["pages/cfo.py"].get("download_button")}
    assert not cfo["Charts (PNG, zip)"].disabled


def test_pack_tables_have_the_headers_the_page_shows(tmp_path_factory):
    with seeded_workspace(tmp_path_factory, ("nps", COMMENTS)):
        at = run_app("pages/cmo.py", period=["Oct 2026", "Oct 2026"])
    tables = dict(t for s in at.session_state["_pack"].sections for t in s.tables)
    # before: date, score, category, comment, customer, segment, region (the frame's names, not the page's)
    assert list(tables["Recent comments"].columns) == ["Date", "Score", "Category", "Comment", "Customer", "Segment",
                                                       "Region"]
    text = pdf_text(at.session_state["_pack"])
    assert "Recent comments Date Score Category Comment Customer Segment Region 2026-10-12 3 Detractor Comment 11: " \
           "fine overall. n11" in text, text


def test_dates_beside_long_notes_print_whole():
    """The CIO's Sources table on the Ravenstack exports: the Notes column took the width and the dates beside it
    printed as '2023-0' over '1-01'."""
    import report

    notes = ("5,000 subscriptions expanded into 5,115 customer-months of MRR (running subscriptions through Dec 2024, "
             "the as-of date 2024-12-31: no as-of date was given, so it is the file's latest start or end date; if "
             "the export was taken later, set the as-of date (Data page: 'As-of date'; command line: --as-of) and "
             "load it again).")
    pack = report.Pack("Your company · CIO", "All data")
    pack.section("Sources in this data version").tables.append(("Sources", pd.DataFrame({
        "Source": ["Revenue"], "Version": ["1"], "File": ["saas_ravenstack_subscriptions.csv"],
        "Rows stored": ["5,115"], "Notes": [notes], "First date": ["2023-01-01"], "Last date": ["2024-12-31"],
        "Uploaded (UTC)": ["2026-12-07 00:56"], "Days since last date": ["692"]})))
    text = pdf_text(pack)
    assert "saas_ravenstack_subscriptions.csv" in text and "2023-01-01" in text and "2024-12-31" in text, text
    assert "2026-12-07" in text
