"""CFO: what is recurring revenue doing, how much of it do we keep, and where does it sit by NPS?"""

import streamlit as st

import charts
import ui
from metrics import linkage, revenue
from metrics.definitions import fmt, fmt_pct

ui.ensure_router()
view = ui.current_view()
ui.page_header("CFO · Recurring revenue and retention",
               "ARR and its movements, retention, and the revenue held by promoters, passives and detractors.",
               view)
if view is None:
    ui.empty_state()

mrr = ui.cached(revenue.mrr_by_month, view)
if mrr.empty:
    st.warning("No revenue data for this selection.")
    st.stop()
ret_now, ret_prev = ui.cached(revenue.retention, view), ui.cached(revenue.retention, view.previous())
arr_now, arr_prev = ui.cached(revenue.arr_change, view)
last = mrr.iloc[-1]
prev_arpa = ui.cached(revenue.mrr_by_month, view.previous())

c1, c2, c3, c4, c5 = st.columns(5)
ui.kpi(c1, "arr", arr_now, arr_now - arr_prev if arr_prev else None)
ui.kpi(c2, "mrr", last.mrr, last.mrr - arr_prev / 12 if arr_prev else None)
ui.kpi(c3, "nrr", ret_now.nrr if ret_now else None,
       ret_now.nrr - ret_prev.nrr if ret_now and ret_prev else None)
ui.kpi(c4, "grr", ret_now.grr if ret_now else None,
       ret_now.grr - ret_prev.grr if ret_now and ret_prev else None)
ui.kpi(c5, "arpa", last.arpa, last.arpa - prev_arpa.iloc[-1].arpa if not prev_arpa.empty else None)
c1.caption(f"{view.end:%b %Y} · {int(last.paying):,} paying customers")
if ret_now is None:
    c3.caption("not measurable: needs revenue 12 months before the period's end")

left, right = st.columns(2)
with left:
    ui.chart(charts.trend(mrr, "arr", "ARR by month", "ARR", "currency"))
with right:
    ui.chart(charts.movements(mrr))

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

st.subheader("MRR bridge")
bridge = mrr.dropna(subset=["start_mrr"])
st.caption("Start + new + reactivation + expansion − contraction − churned = end, for every month.")
st.dataframe(
    bridge.assign(**{c: bridge[c].map(lambda v: fmt(v, "money")) for c in
                     ["start_mrr", "new", "reactivation", "expansion", "contraction", "churned", "mrr"]},
                  month=bridge.month.dt.strftime("%b %Y"))
    [["month", "start_mrr", "new", "reactivation", "expansion", "contraction", "churned", "mrr"]]
    .rename(columns={"month": "Month", "start_mrr": "Start MRR", "new": "New", "reactivation": "Reactivation",
                     "expansion": "Expansion", "contraction": "Contraction", "churned": "Churned", "mrr": "End MRR"}),
    hide_index=True, width="stretch")
st.caption("ARR share by category: " + " · ".join(f"{c} {fmt_pct(s)}" for c, s in zip(held.category, held.share,
                                                                                      strict=True)))
