"""CIO: can these numbers be trusted? What is loaded, how well sources match, how fresh, what is wrong."""

import datetime as dt

import pandas as pd
import streamlit as st

import charts
import ui
from metrics import health, nps
from metrics.definitions import REVENUE_STOPPED_RULE, fmt_int, fmt_pct
from metrics.view import View

ui.ensure_router()
view = ui.current_view()
snap = ui.current_snapshot()
as_of = ui.data_as_of(snap.snapshot) if snap else None
ui.page_header("CIO · Data health", "What is loaded, how well the sources link up, how fresh they are.", view,
               scope=None if snap is None else
               f"All data in data version #{snap.snapshot}" + (f", as of {as_of:%Y-%m-%d}" if as_of else "")
               + ": every month, segment and region (the period, segment and region filters do not apply here)")
if snap is None:
    ui.empty_state()

cur = ui.workspace().cursor()
today = dt.date.today()
sources = health.sources(cur, snap, today)
rates = health.match_rates(cur, snap)
stopped = health.revenue_stopped_while_active(cur, snap)

c1, c2, c3, c4 = st.columns(4)
ui.kpi(c1, "coverage", rates["responses_linked"], label="Responses linked")
ui.kpi(c2, "revenue_linked", rates["revenue_linked"])
ui.kpi(c3, "coverage", rates["active_surveyed"], label="Customers surveyed")
stale = sources["days_old"].dropna()
ui.kpi(c4, "freshness", stale.max() if not stale.empty else None, suffix=" days", label="Oldest source")

ui.section("Sources in this data version")
ui.table(pd.DataFrame({
    "Source": sources.source, "Version": sources.version, "File": sources.file,
    "Rows": sources.rows.map(fmt_int),
    "First date": ui.dates(sources.first_date), "Last date": ui.dates(sources.last_date),
    "Uploaded (UTC)": ui.dates(sources.uploaded_at, "%Y-%m-%d %H:%M"),
    "Days since last date": sources.days_old.map(fmt_int),
}), "Sources in this data version")

volumes = health.monthly_volumes(cur, snap)
left, right = st.columns(2)
with left:
    ui.chart(charts.volume_bars(volumes, "responses", "NPS responses per month", "Responses"))
with right:
    ui.chart(charts.volume_bars(volumes, "paying_customers", "Paying customers per month", "Customers"))

left, right = st.columns(2)
with left:
    linked = volumes.assign(share=volumes.linked_responses / volumes.responses.where(volumes.responses > 0))
    ui.chart(charts.trend(linked, "share", "Responses linked to a known customer, by month", "Linked", "pct"))
with right:
    if view is not None:  # like every figure here: all months, segments and regions of the version
        everything = View(snap.snapshot, snap.first_month, snap.last_month)
        mix = ui.cached(nps.channel_mix, everything)
        ui.chart(charts.channel_bars(mix, f"Responses by channel, {snap.first_month:%b %Y} – "
                                          f"{snap.last_month:%b %Y} (all data)"))

ui.section("Findings")
if stopped.empty:
    st.success("No customer's revenue stopped while the customers file lists it as active.")
else:
    st.warning(f"**{stopped.customer_id.nunique():,} customers** stopped paying in a month the customers file "
               f"lists them as active; check billing or the customers export. {REVENUE_STOPPED_RULE}")
    st.dataframe(pd.DataFrame({"Customer": stopped.customer_id, "Month MRR stopped": ui.dates(stopped.month, "%b %Y"),
                               "MRR the month before": stopped.last_mrr.map(lambda v: f"${v:,.2f}"),
                               "Segment": stopped.segment}).head(200), hide_index=True, width="stretch")
st.caption(f"Responses linked {fmt_pct(rates['responses_linked'])} · revenue rows matched "
           f"{fmt_pct(rates['revenue_linked'])} · active customers surveyed {fmt_pct(rates['active_surveyed'])}.")

ui.section("Upload history")
ui.upload_history()
ui.page_footer(view, "pages/cio.py")
