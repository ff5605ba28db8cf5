"""AppTest for every page: renders without exception AND shows the sample data's figures.

Expected figures are computed here from the same sample files through metrics/, so a page that shows a
wrong, stale or hard-coded number fails.
"""

import datetime as dt

import pytest
from conftest import REFERENCE, run_app, store_button
from streamlit.testing.v1 import AppTest

from metrics import linkage, nps, revenue, value
from metrics.definitions import fmt_currency, fmt_int, fmt_nps, fmt_pct
from metrics.view import View, add_months

pytestmark = pytest.mark.usefixtures("app_workspace")


@pytest.fixture(scope="module")
def expected(sample_ws):
    snap = sample_ws.snapshot()
    view = View(snap.snapshot, add_months(snap.last_month, -11), snap.last_month)
    return sample_ws.cursor(), view



def _versions(cur, view) -> dict:
    row = cur.execute("SELECT nps_version, customers_version, revenue_version FROM snapshots WHERE snapshot = ?",
                      [view.snapshot]).fetchone()
    return dict(zip(("nps", "customers", "revenue"), row, strict=True))


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_ceo_page(expected):
    cur, view = expected
    at = run_app()
    assert at.title[0].value.startswith("CEO")
    assert any("Sample data" in i.value for i in at.info)
    summary = nps.summary(cur, view)
    shown = tiles(at)
    assert shown["NPS"] == f"{fmt_nps(summary.value)} ±{summary.interval.margin:.0f}"
    assert shown["Logo churn (monthly)"] == fmt_pct(revenue.logo_churn(cur, view).monthly)
    assert shown["NRR (12 months)"] == fmt_pct(revenue.retention(cur, view).nrr)
    assert shown["ARR"] == fmt_currency(revenue.arr_change(cur, view)[0])
    assert f"n = {summary.n:,}" in " ".join(c.value for c in at.caption)
    table = at.dataframe[0].value
    cats = linkage.by_category(cur, view)
    assert table["NPS category"].tolist() == cats.category.tolist()
    assert table["Customers"].tolist() == [fmt_int(v) for v in cats.customers]
    worth = value.value_summary(cur, view, 0.8)
    assert shown["Promoter LTV"] == fmt_currency(worth["ltv_by_category"]["Promoter"])
    assert shown["Value of one NPS point"] == fmt_currency(worth["nps_point"])
    movers = at.dataframe[1].value
    assert sorted(movers["Segment"]) == ["Enterprise", "Mid-Market", "SMB", "Unknown"]
    # The sample behaves like real customers: detractors churn more than promoters.
    rate = cats.set_index("category").churn_rate
    assert rate["Detractor"] > rate["Promoter"]
    # The sidebar filters are there (and stay there on reruns).
    assert [s.label for s in at.sidebar.selectbox] == ["Data version", "Segment", "Region"]
    at.run()
    assert [s.label for s in at.sidebar.selectbox] == ["Data version", "Segment", "Region"]


def test_cfo_page(expected):
    cur, view = expected
    at = run_app("pages/cfo.py")
    shown = tiles(at)
    mrr = revenue.mrr_by_month(cur, view)
    ret = revenue.retention(cur, view)
    assert shown["ARR"] == fmt_currency(12 * mrr.mrr.iloc[-1])
    assert shown["MRR"] == fmt_currency(mrr.mrr.iloc[-1])
    assert shown["GRR (12 months)"] == fmt_pct(ret.grr)
    assert shown["ARPA"] == fmt_currency(mrr.arpa.iloc[-1])
    bridge = at.dataframe[0].value
    assert len(bridge) == 12 and bridge["End MRR"].iloc[-1] == f"${mrr.mrr.iloc[-1]:,.2f}"
    worth = value.value_summary(cur, view, 0.8)
    assert shown["LTV"] == fmt_currency(worth["ltv"])
    assert shown["Quick ratio"] == f"{revenue.quick_ratio(mrr):.1f}×"
    assert shown["Revenue at risk (12 months)"] == fmt_currency(worth["revenue_at_risk"].value)
    # What-if with the default inputs (20% of detractors become passives, $250,000 invested)
    w = value.what_if(0.2, worth["detractors_now"], worth["detractor_arr"], worth["annual_churn"]["Detractor"],
                      worth["annual_churn"]["Passive"], 250_000, 0.8)
    assert shown["ARR kept over 12 months"] == fmt_currency(w.arr_kept)
    assert shown["Payback"] == f"{w.payback_months:,.1f} months"


def test_cfo_what_if_inputs_from_url(expected):
    cur, view = expected
    at = run_app("pages/cfo.py", wi_share="50", wi_to="Promoter", wi_invest="100000", gm="70")
    worth = value.value_summary(cur, view, 0.7)
    w = value.what_if(0.5, worth["detractors_now"], worth["detractor_arr"], worth["annual_churn"]["Detractor"],
                      worth["annual_churn"]["Promoter"], 100_000, 0.7)
    assert tiles(at)["ARR kept over 12 months"] == fmt_currency(w.arr_kept)
    assert tiles(at)["LTV"] == fmt_currency(worth["ltv"])


def test_cfo_page_segment_from_url(expected):
    cur, view = expected
    at = run_app("pages/cfo.py", segment="Enterprise")
    enterprise = View(view.snapshot, view.start, view.end, segment="Enterprise")
    assert tiles(at)["ARR"] == fmt_currency(revenue.arr_change(cur, enterprise)[0])
    assert tiles(at)["ARR"] != fmt_currency(revenue.arr_change(cur, view)[0])
    assert "Enterprise" in at.caption[0].value


def test_period_from_url(expected):
    cur, view = expected
    q = View(view.snapshot, dt.date(2026, 7, 1), dt.date(2026, 9, 1))
    at = run_app("pages/cmo.py", period=["Jul 2026", "Sep 2026"])
    assert "Q3 2026 · all segments" in at.caption[0].value  # a calendar quarter is named as one
    assert tiles(at)["Responses"] == fmt_int(nps.summary(cur, q).n)


def test_cmo_page(expected):
    cur, view = expected
    at = run_app("pages/cmo.py")
    summary = nps.summary(cur, view)
    shown = tiles(at)
    assert shown["Responses"] == fmt_int(summary.n)
    assert shown["Promoters"] == fmt_pct(summary.promoters / summary.n)
    assert shown["Detractors"] == fmt_pct(summary.detractors / summary.n)
    churn = revenue.churn_by_month(cur, view)
    assert shown["New customers"] == fmt_int(churn.started.sum())
    newcomers = nps.new_customer_nps(cur, view, _versions(cur, view))
    assert shown["New customers' NPS"].startswith(fmt_nps(newcomers.value))
    comments = at.dataframe[0].value
    assert len(comments) == 12 and comments["comment"].notna().all()
    assert comments["date"].iloc[0] == "2026-10-31"


def test_cio_page(expected):
    at = run_app("pages/cio.py")
    shown = tiles(at)
    assert shown["Revenue rows matched"] == "100.0%"
    linked = float(shown["Responses linked"].rstrip("%"))
    assert 95 < linked < 99  # ~3% of the sample's responses are anonymous
    sources = at.dataframe[0].value
    assert sources["Source"].tolist() == ["NPS responses", "Customers / churn", "Revenue", "CSAT answers"]
    assert sources["File"].tolist()[:3] == ["nps_responses.csv", "customers.csv", "revenue.csv"]
    assert sources["File"].isna().tolist()[3]  # the sample has no CSAT answers
    assert any("stopped paying" in w.value for w in at.warning)  # the sample's planted revenue gaps


def test_glossary_page():
    at = run_app("pages/glossary.py")
    table = at.dataframe[0].value
    assert "NPS" in table["Metric"].tolist() and "GRR (12 months)" in table["Metric"].tolist()
    assert table["Definition"].str.len().min() > 20


def test_data_page_upload_rejects_then_stores(expected):
    cur, view = expected
    at = run_app("pages/data.py")
    history = len(at.dataframe[-1].value)
    assert history == 3  # the three sample files

    at.file_uploader[0].upload("bad.csv", b"customer_id,month,mrr\nc1,2026-10,100\nc2,2026-10,-5\n", "text/csv")
    at.run()
    assert "bad.csv was rejected; nothing was stored." in at.error[0].value
    assert "negative" in at.error[0].value and "row 3" in at.error[0].value
    assert len(at.dataframe[-1].value) == history

    data = (REFERENCE / "revenue.csv").read_bytes()
    at.file_uploader[0].set_value(("revenue_small.csv", data, "text/csv"))  # the analyst removed bad.csv
    at.run()
    assert not at.error
    assert "reads as **Revenue**" in at.success[0].value
    at.text_input(key="uploaded_by").input("Dana")
    assert store_button(at).disabled  # first the sample question: start the company's own workspace
    at.selectbox(key="sample_choice").set_value("own")
    at.run()
    store_button(at).click()
    at.run()
    assert not at.exception
    assert any("Stored revenue\\_small.csv as version 4" in s.value for s in at.success)  # markdown-escaped
    table = at.dataframe[-1].value
    assert len(table) == history + 1
    assert table.set_index("Version").loc[4, "By"] == "Dana" and table.set_index("Version").loc[1, "By"] == "—"

    # The CFO page now shows the new revenue: reference ARR in Apr 2025 is 12 × 350.
    at.switch_page("pages/cfo.py")
    at.run()
    assert not at.exception
    assert tiles(at)["ARR"] == fmt_currency(4200)
