"""CEO: are customers happier, and is it paying?"""

import streamlit as st

import charts
import ui
from metrics import linkage, nps, revenue, value
from metrics.definitions import fmt, fmt_currency, fmt_delta, fmt_pct

ui.ensure_router()
view = ui.current_view()
ui.page_header("CEO · Are customers happier, and is it paying?",
               "Headline customer and revenue figures for the period, against the period before.", view)
if view is None:
    ui.empty_state()

prev = view.previous()
now_nps, prev_nps = ui.cached(nps.summary, view), ui.cached(nps.summary, prev)
churn_now, churn_prev = ui.cached(revenue.logo_churn, view), ui.cached(revenue.logo_churn, prev)
ret_now, ret_prev = ui.cached(revenue.retention, view), ui.cached(revenue.retention, prev)
arr_now, arr_prev = ui.cached(revenue.arr_change, view) if ui.has_data(view, "revenue") else (None, None)

c1, c2, c3, c4 = st.columns(4)
if not ui.has_data(view, "nps"):
    ui.empty_state("nps", c1)
else:
    ui.nps_kpi(c1, now_nps, prev_nps)
ui.csat_kpi(c1, view)
if not ui.has_data(view, "customers"):
    ui.empty_state("customers", c2)
else:
    ui.kpi(c2, "logo_churn", churn_now.monthly, churn_prev.monthly, inverse=True)
    c2.caption(f"{fmt_pct(churn_now.annual)} annualised = 1 − (1 − m)¹²")
if not ui.has_data(view, "revenue"):
    ui.empty_state("revenue", c3)
else:
    ui.kpi(c3, "nrr", ret_now and ret_now.nrr, ret_prev and ret_prev.nrr)
    c3.caption("not measurable: needs 13 months of revenue" if ret_now is None
               else f"GRR {fmt_pct(ret_now.grr)} · base {ret_now.base_customers:,} customers")
    ui.kpi(c4, "arr", arr_now, arr_prev or None)
    c4.caption(f"{view.end:%b %Y}" + (f" · {fmt_pct(arr_now / arr_prev - 1)} vs {ui.previous_month(view):%b %Y}"
                                      if arr_now and arr_prev else ""))

left, right = st.columns(2)
with left:
    ui.chart(charts.trend(ui.cached(nps.by_month, view), "nps", "NPS by month (band: 95% interval)", "NPS", "nps",
                          band=("low", "high")))
with right:
    if ui.has_data(view, "revenue"):
        ui.chart(charts.trend(ui.cached(revenue.mrr_by_month, view), "arr", "ARR by month", "ARR", "currency"))

ui.section("From customer experience to value")
for kind in ("nps", "customers", "revenue"):  # the links below need all three
    if not ui.has_data(view, kind):
        ui.empty_state(kind)
cats = ui.cached(linkage.by_category, view)
cover = ui.cached(linkage.coverage, view)
worth = ui.cached(value.value_summary, view, ui.gross_margin())
st.caption(f"Customers grouped by their latest NPS answer before {view.start:%d %b %Y} (no later answer is used). "
           f"Linked: {fmt_pct(cover['responses'])} of responses · {fmt_pct(cover['customers'])} of active customers"
           f" · {fmt_pct(cover['arr'])} of ARR.")
ltv_by = worth["ltv_by_category"]
v1, v2, v3 = st.columns(3)
ui.kpi(v1, "ltv_by_category", ltv_by["Promoter"], label="Promoter LTV")
ui.kpi(v2, "ltv_by_category", ltv_by["Detractor"], label="Detractor LTV")
if ltv_by["Promoter"] and ltv_by["Detractor"]:
    v2.caption(f"A promoter is worth {ltv_by['Promoter'] / ltv_by['Detractor']:.1f}× a detractor in this data "
               "(context: Bain reports 3–8× across industries).")
ui.kpi(v3, "nps_point", worth["nps_point"], label="Value of one NPS point")
v3.caption("ARR kept over 12 months when 1% of surveyed customers move from detractor to passive.")

left, right = st.columns(2)
with left:
    ui.chart(charts.category_bars(cats, "churn_rate", f"Churned within the period ({view.months} months)",
                                  "Customers churned (line: 95% interval)", "pct",
                                  interval=("churn_low", "churn_high")))
with right:
    ui.chart(charts.category_bars(cats, "nrr", "Net revenue retention over the period", "NRR (line: 95% interval)",
                                  "pct", interval=("nrr_low", "nrr_high")))


def with_interval(values, lows, highs, kind: str) -> list[str]:
    """'9.3% (7.9%–11.0%)': a figure and its 95% interval, or the figure alone when there is none."""
    return [fmt(v, kind) + ("" if lo is None or lo != lo else f" ({fmt(lo, kind)}–{fmt(hi, kind)})")
            for v, lo, hi in zip(values, lows, highs, strict=True)]


table = cats.assign(
    Customers=cats.customers.map(lambda v: fmt(v, "int")),
    Churned=with_interval(cats.churn_rate, cats.churn_low, cats.churn_high, "pct"),
    **{"Annualised churn": cats.annual_churn.map(fmt_pct),
       "Average MRR": with_interval(cats.avg_mrr, cats.avg_mrr_low, cats.avg_mrr_high, "currency"),
       "NRR": with_interval(cats.nrr, cats.nrr_low, cats.nrr_high, "pct"),
       "GRR": with_interval(cats.grr, cats.grr_low, cats.grr_high, "pct")},
)[["category", "Customers", "Churned", "Annualised churn", "Average MRR", "NRR", "GRR"]]
ui.table(table.rename(columns={"category": "NPS category"}), "Churn and revenue by NPS category")
if cats.too_small.any():
    st.caption("Groups with fewer than 30 customers are too small to compare.")

left, right = st.columns(2)
with left:
    st.markdown("**Top movers by segment** (NPS vs the previous period)")
    movers = ui.cached(nps.movers, view, "segment")
    if movers.empty:
        st.caption("No responses in the period.")
    else:
        ui.table(movers.assign(
            nps=movers.nps.map(lambda v: fmt(v, "nps")), previous=movers.previous.map(lambda v: fmt(v, "nps")),
            change=movers.change.map(lambda v: fmt_delta(v, "nps") or "—"),
            significant=movers.significant.map({True: "yes", False: "no"}),
        )[["value", "nps", "n", "previous", "change", "significant"]].rename(columns={
            "value": "Segment", "nps": "NPS", "n": "n", "previous": "Before", "change": "Change",
            "significant": "Significant"}), "Top movers by segment")
with right:
    moves = ui.cached(value.transitions, view, ui.current_snapshot().versions)
    if moves.empty:
        st.caption("No customer answered twice with the later answer in this period.")
    else:
        ui.chart(charts.transition_heatmap(moves))
        worse = moves[(moves.from_category == "Promoter") & (moves.to_category == "Detractor")]
        st.caption(f"Promoter → detractor: {int(worse.customers.sum()):,} customers holding "
                   f"{fmt_currency(12 * worse.mrr.sum())} ARR.")

ui.page_footer(view, "pages/ceo.py")
