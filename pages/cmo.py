"""CMO: how do customers feel, where, and what are they saying?"""

import streamlit as st

import charts
import ui
from metrics import nps, revenue, stats, value
from metrics.definitions import fmt_currency, fmt_nps
from metrics.rules import NPS_SCALE, PROMOTER_MIN
from metrics.stats import ratio

ui.ensure_router()
view = ui.current_view()
ui.page_header("CMO · Customer sentiment", "NPS over time and by segment, region and channel; what customers say.",
               view)
if view is None:
    ui.empty_state()

if not ui.has_data(view, "nps"):
    ui.empty_state("nps")
prev_view = ui.previous_view(view)  # None: nothing before the period to compare with
now = ui.cached(nps.summary, view)
prev = ui.cached(nps.summary, prev_view) if prev_view else None
prev = prev if prev and prev.n else None
c1, c2, c3, c4 = st.columns(4)
ui.nps_kpi(c1, now, prev)
ui.csat_kpi(c1, view)
ui.kpi(c2, "responses", now.n, prev and prev.n, neutral=True)  # more or fewer answers is neither good nor bad
too_few = stats.too_few(now.n, stats.MIN_RESPONSES, "responses")
compare = prev if prev and prev.n >= stats.MIN_RESPONSES else None
for column, metric, count, inverse in ((c3, "promoters", "promoters", False), (c4, "detractors", "detractors", True)):
    before = compare and (getattr(compare, count), compare.n)
    ui.kpi(column, metric, None if too_few else ratio(getattr(now, count), now.n),
           compare and ratio(*before), inverse=inverse, z=ui.rate_z((getattr(now, count), now.n), before),
           test="two-proportion test")
    if too_few:
        column.caption(too_few)

left, right = st.columns(2)
with left:
    ui.chart(charts.trend(ui.cached(nps.by_month, view), "nps", "NPS by month (band: 95% interval)", "NPS", "nps",
                          band=("low", "high")))
with right:
    ui.chart(charts.score_histogram(ui.cached(nps.score_distribution, view)))

by = ui.choice_control("by", "NPS by")
groups = ui.cached(nps.by_dimension, view, by.lower())
ui.chart(charts.dimension_bars(groups, f"NPS by {by.lower()} (line: 95% interval)", by))

ui.section("Acquisition and advocacy")
for kind in ("customers", "revenue"):
    if not ui.has_data(view, kind):
        ui.empty_state(kind)
versions = ui.current_snapshot().versions
churn, mrr = ui.cached(revenue.churn_by_month, view), ui.cached(revenue.mrr_by_month, view)
newcomers = ui.cached(nps.new_customer_nps, view, versions)
now_cats = ui.cached(value.current_by_category, view).set_index("category")
a1, a2, a3, a4 = st.columns(4)
ui.kpi(a1, "new_customers", churn.started.sum() if not churn.empty else None)
ui.kpi(a2, "new_mrr", mrr.new.sum() if not mrr.empty and ui.has_data(view, "revenue") else None)
ui.nps_kpi(a3, newcomers, None, label="New customers' NPS")
a3.caption(f"all customers: {fmt_nps(now.value)}")
promoters = now_cats.loc["Promoter"] if "Promoter" in now_cats.index else None
ui.kpi(a4, "advocates", None if promoters is None else promoters.customers, label="Promoters (advocates)")
if promoters is not None and ui.has_data(view, "revenue"):
    a4.caption(f"current customers in {view.end:%b %Y} (active or paying) whose latest answer is "
               f"{PROMOTER_MIN}–{NPS_SCALE[1]}, holding {fmt_currency(promoters.arr)} ARR")

ui.section("Recent comments")
comments = ui.cached(nps.recent_comments, view, ui.current_snapshot().versions)
if comments.empty:
    st.caption("No comments in this period.")
else:
    ui.table(comments.assign(date=comments.date.dt.strftime("%Y-%m-%d")), "Recent comments",
             column_config={"date": "Date", "score": "Score", "category": "Category",
                                "comment": st.column_config.TextColumn("Comment", width="large"),
                                "customer": "Customer", "segment": "Segment", "region": "Region"})

ui.page_footer(view, "pages/cmo.py")
