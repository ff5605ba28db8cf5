"""AppTest for every page: renders without exception AND shows the sample data's figures.

Expected figures are computed here from the same sample files through metrics/, so a page that shows a
wrong, stale or hard-coded number fails.
"""

import datetime as dt
import re

import pytest
from conftest import REFERENCE, TODAY, run_app, store_button
from streamlit.testing.v1 import AppTest

import charts
import ui
import viewstate
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


def test_nps_without_a_comparison_says_why(sample_ws):
    """A period whose period before starts ahead of the data: no change beside NPS, and the caption says why (it
    said nothing, though the page promises figures 'against the period before')."""
    snap = sample_ws.snapshot()
    first = snap.first_month
    at = run_app(period=[f"{first:%b %Y}", f"{add_months(first, 11):%b %Y}"])
    assert any(c.value.endswith(f" · no comparison: the data starts {first:%b %Y}, after the start of the period "
                                f"before ({add_months(first, -12):%b %Y})") for c in at.caption)


def test_ceo_category_table_names_its_two_populations(expected):
    cur, view = expected
    cats = linkage.by_category(cur, view)
    at = run_app()
    assert (f"Average MRR, NRR and GRR rest on the customers who paid in Oct 2025: {int(cats.paying.sum()):,} of the "
            f"{int(cats.customers.sum()):,}.") in [c.value for c in at.caption]


def test_ceo_page(expected):
    cur, view = expected
    at = run_app()
    assert at.title[0].value.startswith("CEO")
    assert any("Sample data" in i.value for i in at.info)
    summary = nps.summary(cur, view)
    shown = tiles(at)
    assert shown["NPS"] == f"{fmt_nps(summary.value)} ±{summary.interval.margin:.0f}"
    assert shown["Logo churn (monthly)"] == fmt_pct(revenue.logo_churn(cur, view).monthly)
    # its change's two-proportion test, worked here: a grey change says it is not significant
    now, before = revenue.logo_churn(cur, view), revenue.logo_churn(cur, view.previous())
    k1, n1, k2, n2 = now.churned, now.active_start, before.churned, before.active_start
    pooled = (k1 + k2) / (n1 + n2)
    z = (k1 / n1 - k2 / n2) / (pooled * (1 - pooled) * (1 / n1 + 1 / n2)) ** 0.5
    verdict = "is" if abs(z) >= 1.96 else "is not"
    assert any(f"change {verdict} significant (z = {z:+.1f})" in c.value and "annualised" in c.value
               for c in at.caption)
    assert shown["NRR (12 months)"] == fmt_pct(revenue.retention(cur, view).nrr)
    assert shown["ARR"] == fmt_currency(revenue.arr_change(cur, view)[0])
    assert f"n = {summary.n:,}" in " ".join(c.value for c in at.caption)
    table = at.dataframe[0].value
    cats = linkage.by_category(cur, view)
    # The breakdown names its own population and window (not the headline's all-customers churn)
    assert table["NPS category"].tolist() == cats.category.tolist()
    assert table["Customers on 01 Nov 2025"].tolist() == [fmt_int(v) for v in cats.customers]
    assert "12-month NRR" in table.columns and "Average MRR (Oct 2025)" in table.columns
    # a 12-month period's annualised churn is its churn: one column, not two of the same figures
    assert "Annualised churn" not in table.columns and table.columns[-1] == "12-month GRR"
    assert any("Population here: the" in c.value for c in at.caption)
    worth = value.value_summary(cur, view, 0.8)
    assert shown["Promoter LTV"] == fmt_currency(worth["ltv_by_category"]["Promoter"])
    # Detractor vs passive churn: 18.1% vs 14.7%, the gap's interval includes 0 → no number, and why
    assert worth["churn_gap"]["Passive"].no_difference and worth["nps_point"] is None
    point = next(m for m in at.metric if m.label == "Value of one NPS point")
    assert point.value == "—" and point.proto.delta == "no measurable difference"
    movers = at.dataframe[1].value
    assert sorted(movers["Segment"]) == ["Enterprise", "Mid-Market", "No segment recorded", "SMB"]
    # Significant movers lead, ahead of larger changes that are noise; then by size of change. On this sample
    # (since slow tickets lower later answers) no segment's change is significant: all "no", largest change first.
    want = nps.movers(cur, view)
    assert movers["Significant"].tolist() == ["yes" if x else "no" for x in want.significant] == ["no"] * 4
    assert want.change.abs().tolist() == sorted(want.change.abs(), reverse=True)
    assert movers["Segment"].tolist() == want.value.tolist()
    assert any("response pairs" in c.value for c in at.caption)
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
    # the bridge's axis starts above zero here, and the caption says where (said only when it does not start at 0)
    floor = charts.waterfall_floor(mrr)
    assert floor > 0 and [c.value for c in at.caption if "not at zero" in c.value] == [
        f"The axis starts at {fmt_currency(floor)}, not at zero, so the movements are visible; the level bars are "
        "cut off at the bottom."]
    worth = value.value_summary(cur, view, 0.8)
    assert shown["LTV"] == fmt_currency(worth["ltv"])
    assert shown["Quick ratio"] == f"{revenue.quick_ratio(mrr):.1f}×"
    moved = mrr.dropna(subset=["start_mrr"])
    assert (f"{moved.month.iloc[0]:%b %Y} – {view.end:%b %Y}: gained "
            f"{fmt_currency(moved[['new', 'reactivation', 'expansion']].sum().sum())} MRR (new, reactivation, "
            f"expansion) ÷ lost {fmt_currency(moved[['contraction', 'churned']].sum().sum())} (contraction, churn)"
            ) in [c.value for c in at.caption]
    assert shown["Revenue at risk (12 months)"] == fmt_currency(worth["revenue_at_risk"].value)
    # What-if with the default inputs (20% of detractors become passives): the detractor − passive churn gap's
    # 95% interval includes 0, so no ARR kept or payback is claimed (it read "ARR kept $101.2K").
    assert "ARR kept over 12 months" not in shown and "Payback" not in shown
    assert any("no measurable difference" in i.value for i in at.info)
    assert any(c.value.startswith(f"Assumptions: 20% of the {worth['detractors_now']:,} current detractors become "
                                  "passives; investment $250,000.00; gross margin 80%.") for c in at.caption)


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
    comments = next(d.value for d in at.dataframe if {"customer", "comment"} <= set(d.value.columns))  # recent
    assert len(comments) == 12 and comments["comment"].notna().all()
    assert comments["date"].iloc[0] == "2026-10-31"


def test_cio_page(expected):
    at = run_app("pages/cio.py")
    shown = tiles(at)
    assert shown["Revenue rows matched"] == "100.0%"
    linked = float(shown["Responses linked"].rstrip("%"))
    assert 95 < linked < 99  # ~3% of the sample's responses are anonymous
    sources = at.dataframe[0].value
    assert sources["Source"].tolist() == ["NPS responses", "Customers / churn", "Revenue", "CSAT answers",
                                          "Support tickets"]
    assert sources["File"].tolist() == ["nps_responses.csv", "customers.csv", "revenue.csv", "csat_responses.csv",
                                        "tickets.csv"]
    # the revenue file's rows are stored as customer-months: the column and its caption say so (not the file's rows)
    assert "Rows stored" in sources.columns and any(c.value.startswith("Rows stored: revenue as customer-months")
                                                    for c in at.caption)
    assert any("stopped paying" in w.value for w in at.warning)  # the sample's planted revenue gaps
    # freshness to the pinned clock (conftest TODAY), from the oldest last date the table shows
    oldest = min(dt.date.fromisoformat(d) for d in sources["Last date"])
    assert shown["Oldest source"] == f"{(TODAY - oldest).days:,} days"
    assert any(c.value == f"its latest date to today, {TODAY:%Y-%m-%d}" for c in at.caption)


def test_glossary_page():
    from metrics.definitions import METRICS, REVENUE_STOPPED_RULE, SAME_DAY_RULE

    at = run_app("pages/glossary.py")
    assert not at.dataframe  # no scroll box that cuts definitions off
    text = " ".join(m.value for m in at.markdown)
    for m in METRICS.values():  # every definition whole (markdown-escaped as shown)
        assert ui.md_escape(m.definition) in text, m.name
    assert REVENUE_STOPPED_RULE in text and SAME_DAY_RULE in text and "the last of those rows" in text
    assert "never counted as churn" not in text


def test_glossary_entries_come_from_the_registry():
    from metrics.definitions import METRICS

    at = run_app("pages/glossary.py")
    assert [h.value for h in at.main.subheader] == ["CEO metrics", "CFO metrics", "CMO metrics", "CIO metrics",
                                                    "Service metrics",
                                                    "Rules that apply everywhere"]
    shown = [re.sub(r"\\(.)", r"\1", m.value) for m in at.main.markdown]  # as read: markdown escapes undone
    entries = {text.split("(`", 2)[1].split("`")[0]: text for text in shown if text.startswith("**")}
    assert set(entries) == set(METRICS)  # every metric has its glossary entry
    nps_entry = entries["nps"]
    assert nps_entry.startswith("**NPS** (`nps`, NPS points): Net Promoter Score: % promoters (9–10) − % detractors "
                                "(0–6) over the responses in the period")
    assert ("- How it is computed: `metrics.nps.summary` reading `fact_nps`; SQL: `SELECT 100.0 * (coalesce(sum("
            "responses) FILTER (score >= 9), 0) - coalesce(sum(responses) FILTER (score <= 6), 0)) / sum(responses) "
            "FROM fact_nps`") in nps_entry
    assert "- Interval: 95% adjusted Wald" in nps_entry and "|z| ≥ 1.96" in nps_entry
    assert "- Minimum n: 30 responses: below, \"—\" with the reason" in nps_entry
    assert ("`metrics.linkage.by_category` reading `fact_customer_month`; SQL: `SELECT count(*) FILTER (active_start "
            "AND churn_month BETWEEN $start AND $end AND month = $start) / count(*) FILTER (active_start AND month = "
            "$start) FROM fact_customer_month GROUP BY category_start`") in entries["churn_by_category"]
    assert "- Minimum n: 30 customers in each group compared and 10 churned customers" in entries["revenue_at_risk"]
    assert "(computed in the function: no single aggregate of measures)" in entries["ltv"]
    assert ("Current customers (customers active in the month by the customers file, or paying in it (MRR > 0)) in "
            "the period's last month") in entries["advocates"]
    everywhere = shown[-1]
    assert "- NPS categories: promoter 9–10, passive 7–8, detractor 0–6." in everywhere
    assert "A change is called significant when |z| ≥ 1.96" in everywhere and "ARR = 12 × MRR." in everywhere


# ---- pages that never mislead ------------------------------------------------------------------
def test_first_period_shows_no_change():
    # Nov 2023 – Oct 2024 is the sample's first year: nothing before it, so no tile shows a change
    at = run_app("pages/cmo.py", period=["Nov 2023", "Oct 2024"])
    for m in at.metric:
        assert m.proto.delta == "", (m.label, m.proto.delta)
    ceo = run_app(period=["Nov 2023", "Oct 2024"])
    assert all(m.proto.delta in ("", "no measurable difference") for m in ceo.metric)


def test_one_month_breakdown_names_its_window():
    at = run_app(period=["Oct 2026", "Oct 2026"])
    table = at.dataframe[0].value
    assert "1-month NRR" in table.columns and "NRR" not in table.columns
    assert "NRR (12 months)" in tiles(at)  # the headline tile says its own window


def test_cio_figures_are_all_data_whatever_the_filters():
    everything = tiles(run_app("pages/cio.py"))
    at = run_app("pages/cio.py", segment="SMB", period=["Jan 2026", "Mar 2026"])
    assert tiles(at) == everything
    assert "the period, segment and region filters do not apply here" in at.caption[0].value
    assert "SMB" not in at.caption[0].value


def test_reversed_period_and_off_step_share_are_refused_and_say_what_is_shown():
    at = run_app("pages/cfo.py", period=["Oct 2026", "Jan 2026"], wi_share="7", v="²")
    notice = at.warning[0].value
    assert "period 'Oct 2026 to Jan 2026' runs backwards; showing Nov 2025 – Oct 2026" in notice
    assert ui.md_escape("wi_share '7' must be a whole number from 0 to 100 in steps of 5; using the default 20") \
        in notice  # markdown-escaped: "wi\\_share"
    assert "data version '²' is not available" in notice
    assert "Nov 2025 – Oct 2026" in at.caption[0].value
    assert at.slider(key="wi_share").value == 20
    assert any(c.value.startswith("Assumptions: 20% of the") for c in at.caption)


def test_widgets_take_their_bounds_from_the_registry():
    at = run_app("pages/cfo.py")
    invest, margin = at.number_input(key="wi_invest"), at.number_input(key="gm")
    assert (invest.min, invest.max, invest.value) == (0, 10**10, 250_000)
    assert (margin.min, margin.max, margin.value) == (1, 100, 80)
    share = at.slider(key="wi_share")
    assert (share.min, share.max, share.step) == (0, 100, 5)


def _share_params(at) -> dict:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(at.code[0].value).query)


def settled(page: str, **params):
    """A page after its second run. AppTest routes the first run through app.py and draws the frame inside the
    page on later runs, so widget ids change once; a browser always runs through app.py."""
    at = run_app(page, **params)
    at.run()
    return at


def test_share_link_round_trips_every_cfo_control():
    at = settled("pages/cfo.py")
    at.segmented_control(key="cohort").set_value("Revenue")
    at.slider(key="wi_share").set_value(35)
    at.selectbox(key="wi_to").set_value("Promoter")
    at.number_input(key="wi_invest").set_value(120_000)
    at.number_input(key="gm").set_value(70)
    at.selectbox(key="segment").set_value("Enterprise")
    for job in ui._jobs()["jobs"].values():  # the churn model trains in the background: both runs read it trained
        job["done"].wait(120)
    at.run()
    query = _share_params(at)
    allowed = viewstate.Allowed(versions=(1,), months=tuple(ui.month_label(m) for m in
                                                          [f"{y}-{m:02d}" for y in (2023, 2024, 2025, 2026)
                                                           for m in range(1, 13)]),
                                segments=("Enterprise", "Mid-Market", "SMB"), regions=())
    parsed = viewstate.parse(query, allowed)
    assert parsed.problems == []
    assert {k: parsed.values[k] for k in ("cohort", "wi_share", "wi_to", "wi_invest", "gm", "segment")} == {
        "cohort": "Revenue", "wi_share": "35", "wi_to": "Promoter", "wi_invest": "120000", "gm": "70",
        "segment": "Enterprise"}
    again = run_app("pages/cfo.py", **query)
    assert not again.warning or "cannot be used" not in again.warning[0].value
    assert tiles(again) == tiles(at)
    assert again.segmented_control(key="cohort").value == "Revenue"
    caption = next(c.value for c in at.caption if c.value.startswith("Assumptions"))
    assert caption.startswith("Assumptions: 35% of the") and "become promoters; investment $120,000.00; gross " \
        "margin 70%" in caption
    assert caption in [c.value for c in again.caption]


def test_share_link_round_trips_the_cmo_breakdown():
    at = settled("pages/cmo.py")
    at.segmented_control(key="by").set_value("Channel")
    at.run()
    query = _share_params(at)
    assert query["by"] == ["Channel"]
    again = run_app("pages/cmo.py", **query)
    assert again.segmented_control(key="by").value == "Channel" and not again.warning


def test_presentation_mode_states_the_what_if_inputs_and_hides_controls():
    at = run_app("pages/cfo.py", present="1", wi_share="40", wi_to="Promoter")
    assert not at.get("button_group") and not at.slider and not at.number_input
    caption = next(c.value for c in at.caption if c.value.startswith("Assumptions"))
    assert caption.startswith("Assumptions: 40% of the") and "become promoters" in caption
    assert "sidebar" not in caption


# Last: it stores a new revenue version, which every later run would show.
def test_data_page_upload_rejects_then_stores(expected):
    cur, view = expected
    at = run_app("pages/data.py")
    history = len(at.dataframe[-1].value)
    assert history == 5  # the five sample files

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
    assert any("Stored revenue\\_small.csv as version 6" in s.value for s in at.success)  # markdown-escaped
    table = at.dataframe[-1].value
    assert len(table) == history + 1
    assert table.set_index("Version").loc[6, "By"] == "Dana" and table.set_index("Version").loc[1, "By"] == "—"

    # The CFO page now shows the new revenue: reference ARR in Apr 2025 is 12 × 350.
    at.switch_page("pages/cfo.py")
    at.run()
    assert not at.exception
    assert tiles(at)["ARR"] == fmt_currency(4200)


