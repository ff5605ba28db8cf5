"""CFO: what is recurring revenue doing, how much do we keep, and what is customer experience worth?"""

import streamlit as st

import charts
import ui
from metrics import cohorts, linkage, revenue, value
from metrics.definitions import fmt, fmt_currency, fmt_pct

ui.ensure_router()
view = ui.current_view()
ui.page_header("CFO · Recurring revenue and retention",
               "ARR and its movements, retention and cohorts, and the revenue that customer experience puts at "
               "risk.", view)
if view is None:
    ui.empty_state()

mrr = ui.cached(revenue.mrr_by_month, view)
if mrr.empty or not ui.has_data(view, "revenue"):
    st.info("No revenue data for this selection: upload a revenue export on the Data page.")
    ui.page_footer(view, "pages/cfo.py")
    st.stop()
prev_mrr = ui.cached(revenue.mrr_by_month, view.previous())
ret_now, ret_prev = ui.cached(revenue.retention, view), ui.cached(revenue.retention, view.previous())
arr_now, arr_prev = ui.cached(revenue.arr_change, view)
margin = ui.gross_margin()
worth = ui.cached(value.value_summary, view, margin)
ltv_prev = ui.cached(value.overall_ltv, view.previous(), margin)["ltv"]
last = mrr.iloc[-1]

c1, c2, c3, c4 = st.columns(4)
ui.kpi(c1, "arr", arr_now, arr_prev or None)
ui.kpi(c2, "mrr", last.mrr, arr_prev / 12 or None)
ui.kpi(c3, "nrr", ret_now and ret_now.nrr, ret_prev and ret_prev.nrr)
ui.kpi(c4, "grr", ret_now and ret_now.grr, ret_prev and ret_prev.grr)
c1.caption(f"{view.end:%b %Y} · {int(last.paying):,} paying customers")
if ret_now is None:
    c3.caption("not measurable: needs revenue 12 months before the period's end")
c5, c6, c7, c8 = st.columns(4)
ui.kpi(c5, "arpa", last.arpa, None if prev_mrr.empty else prev_mrr.arpa.iloc[-1])
ui.kpi(c6, "ltv", worth["ltv"], ltv_prev)
c6.caption("not measurable: no churn in the period" if worth["ltv"] is None
           else f"ARPA × {margin:.0%} margin ÷ {fmt_pct(worth['monthly_churn'])} monthly churn")
qr_now, qr_prev = revenue.quick_ratio(mrr), revenue.quick_ratio(prev_mrr)
ui.kpi(c7, "quick_ratio", qr_now, qr_prev)
rar = worth["revenue_at_risk"]
ui.kpi(c8, "revenue_at_risk", rar.value, inverse=True)
c8.caption(f"not measurable: {rar.reason}" if rar.value is None
           else f"95%: {fmt_currency(rar.low)} to {fmt_currency(rar.high)} · detractor ARR "
                f"{fmt_currency(rar.detractor_arr)}")

if mrr.start_mrr.notna().any():  # movements need a month before; the data's first month has none
    left, right = st.columns(2)
    with left:
        ui.chart(charts.waterfall(mrr, f"MRR bridge, {view.start:%b %Y} – {view.end:%b %Y}"))
    with right:
        ui.chart(charts.movements(mrr))
else:
    st.caption("MRR movements need the month before the period; the data starts with it.")

series = ui.cached(revenue.retention_by_month, view)
left, right = st.columns(2)
with left:
    if not series.empty:
        ui.chart(charts.multi_trend(series, {"nrr": "NRR", "grr": "GRR"}, "Revenue retention, trailing 12 months",
                                    "Retention", "pct"))
    else:
        st.info("Retention needs revenue from 12 months before the period; choose a later period.")
with right:
    held = ui.cached(linkage.arr_by_current_category, view)
    ui.chart(charts.category_bars(held, "arr", f"ARR by current NPS category, {view.end:%b %Y}", "ARR", "currency"))

ui.section("Cohorts")
measure = st.segmented_control("Retention of", ["logo", "revenue"], default="logo", key="cohort",
                               bind="query-params", format_func={"logo": "Customers", "revenue": "Revenue"}.get)
matrix = ui.cached(cohorts.retention_matrix, view, measure or "logo")
if matrix.empty:
    st.info("No cohort starts within the period (customers already paying in the data's first month are "
            "left out).")
else:
    ui.chart(charts.cohort_heatmap(matrix, f"{'Logo' if measure != 'revenue' else 'Revenue'} retention by "
                                   "cohort (month of first revenue)",
                                   "Customers" if measure != "revenue" else "First-month MRR"))

ui.section("What if we turned detractors around?")
with st.sidebar:
    st.subheader("What-if")
    share = st.slider("Detractors won over (%)", 0, 100, 20, step=5, key="wi_share", bind="query-params")
    target = st.selectbox("…who become", ["Passive", "Promoter"], key="wi_to", bind="query-params")
    investment = st.number_input("Investment ($)", min_value=0, value=250_000, step=25_000, key="wi_invest",
                                 bind="query-params")
annual = worth["annual_churn"]
result = value.what_if(share / 100, worth["detractors_now"], worth["detractor_arr"], annual["Detractor"],
                       annual[target], investment, margin)
w1, w2, w3, w4 = st.columns(4)
if result is None:
    st.info("Not measurable: the period has no churn figures for detractors and the chosen target group.")
else:
    ui.tile(w1, "Customers moved", f"{result.moved_customers:,.0f}", help=ui.METRICS["what_if"].definition)
    ui.tile(w2, "Churned customers avoided / year", f"{result.churned_avoided:,.1f}")
    ui.tile(w3, "ARR kept over 12 months", fmt_currency(result.arr_kept))
    ui.tile(w4, "Payback", "never" if result.payback_months is None else f"{result.payback_months:,.1f} months")
    st.caption(f"Annual churn in this period: detractors {fmt_pct(annual['Detractor'])}, {target.lower()}s "
               f"{fmt_pct(annual[target])} (category as of {view.start:%d %b %Y}). Investment "
               f"{fmt(investment, 'money')}, gross margin {margin:.0%}. Inputs are in the sidebar and in the link.")

ui.section("MRR bridge by month")
bridge = mrr.dropna(subset=["start_mrr"])
st.caption("Start + new + reactivation + expansion − contraction − churned = end, for every month.")
ui.table(
    bridge.assign(**{c: bridge[c].map(lambda v: fmt(v, "money")) for c in
                     ["start_mrr", "new", "reactivation", "expansion", "contraction", "churned", "mrr"]},
                  month=bridge.month.dt.strftime("%b %Y"))
    [["month", "start_mrr", "new", "reactivation", "expansion", "contraction", "churned", "mrr"]]
    .rename(columns={"month": "Month", "start_mrr": "Start MRR", "new": "New", "reactivation": "Reactivation",
                     "expansion": "Expansion", "contraction": "Contraction", "churned": "Churned", "mrr": "End MRR"}),
    "MRR bridge by month")
ui.page_footer(view, "pages/cfo.py")
