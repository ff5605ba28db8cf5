"""CFO: what is recurring revenue doing, how much do we keep, and what is customer experience worth?"""

import streamlit as st

import charts
import ui
from metrics import cohorts, linkage, revenue, value
from metrics.definitions import CURRENCY_SIGN, REVENUE_STOPPED_RULE, fmt, fmt_currency, fmt_pct, plural
from metrics.rules import ARR_FACTOR, MIN_CUSTOMERS, RETENTION_MONTHS

ui.ensure_router()
view = ui.current_view()
ui.page_header("CFO · Recurring revenue and retention",
               "ARR and its movements, retention and cohorts, and the revenue that customer experience puts at "
               "risk.", view)
if view is None:
    ui.empty_state()

mrr = ui.cached(revenue.mrr_by_month, view)
if mrr.empty or not ui.has_data(view, "revenue"):
    if ui.has_data(view, "revenue"):  # revenue for the period, none for this segment/region
        st.info("No revenue data for this selection: no customer of this segment and region has revenue in the "
                "period.")
    else:  # why there is none (not uploaded, another period, older than the months shown): the one empty state
        ui.empty_state("revenue")
    ui.page_footer(view, "pages/cfo.py")
    st.stop()
prev = ui.previous_view(view)  # None: the data does not cover the window before, so nothing is compared
prev_mrr = ui.cached(revenue.mrr_by_month, prev) if prev else None
ret_now = ui.cached(revenue.retention, view)
ret_prev = ui.cached(revenue.retention, prev) if prev else None
arr_now, arr_prev = ui.cached(revenue.arr_change, view)
arr_prev = arr_prev if prev else None
margin = ui.gross_margin()
worth = ui.cached(value.value_summary, view, margin)
ltv_prev = ui.cached(value.overall_ltv, prev, margin)["ltv"] if prev else None
last = mrr.iloc[-1]

c1, c2, c3, c4 = st.columns(4)
ui.kpi(c1, "arr", arr_now, arr_prev)
ui.kpi(c2, "mrr", last.mrr, None if arr_prev is None else arr_prev / ARR_FACTOR)
ui.kpi(c3, "nrr", ret_now and ret_now.nrr, ret_prev and ret_prev.nrr)
ui.kpi(c4, "grr", ret_now and ret_now.grr, ret_prev and ret_prev.grr)
ui.tile_note(c1, f"{view.end:%b %Y} · {plural(int(last.paying), 'paying customer')}")
ui.tile_note(c3, ui.retention_note(ret_now, view))
ui.paying_after_churn_warning(view)
c5, c6, c7, c8 = st.columns(4)
ui.kpi(c5, "arpa", last.arpa, None if prev_mrr is None or prev_mrr.empty else prev_mrr.arpa.iloc[-1])
# LTV divides by logo churn, read from the customers file: name the file that is missing or carries no churn
ltv_lacks = "needs a customer list for the period" if not ui.has_data(view, "customers") else ui.churn_unrecorded(view)
ui.estimate_tile(c6, "ltv", None if ltv_lacks else worth["ltv"], ltv_lacks or worth["ltv_reason"])
if worth["ltv"] is not None and not ltv_lacks:
    ui.tile_note(c6, f"all paying customers: ARPA {view.end:%b %Y} × {margin:.0%} margin ÷ "
               f"{fmt_pct(worth['monthly_churn'])} monthly churn ({worth['churned']:,} churned in the period)")
quick, gains, losses, since = revenue.quick_ratio_parts(mrr)
# a ratio whose losses rest on a handful of customer-months moves by a large step with one customer: no change
# is drawn against such a period (RavenStack 2023: 11, an arrow from 31.1× to 18.8×)
lost_months = {"now": ui.cached(revenue.losing_months, view),
               "before": ui.cached(revenue.losing_months, prev) if prev_mrr is not None else None}
few = [f"{'the period before' if k == 'before' else 'this period'} {n:,}" for k, n in lost_months.items()
       if n is not None and n < MIN_CUSTOMERS]
ui.kpi(c7, "quick_ratio", quick, revenue.quick_ratio(prev_mrr) if prev_mrr is not None and not few else None)
if since is not None:  # what it divides: 0.0× (nothing gained) or "—" (nothing lost) reads as a fault otherwise
    why = "not measurable: no MRR lost to divide by · " if quick is None and not losses else ""
    ui.tile_note(c7, f"{why}{ui.months_span(since, view.end)}: gained {fmt_currency(gains)} MRR (new, reactivation, "
                 f"expansion) ÷ lost {fmt_currency(losses)} (contraction, churn)"
                 + (f" · not compared: customer-months that lost MRR, {', '.join(few)}; fewer than {MIN_CUSTOMERS} "
                    "move the ratio by a large step with one customer" if few and prev_mrr is not None else ""))
rar, gap_lacks = worth["revenue_at_risk"], ui.churn_gap_lacks(view)
ui.estimate_tile(c8, "revenue_at_risk", None if gap_lacks else rar.value, gap_lacks or rar.reason, inverse=True)
if rar.value is not None and not gap_lacks:
    ui.tile_note(c8, f"95%: {fmt_currency(rar.low)} to {fmt_currency(rar.high)} · detractor ARR "
               f"{fmt_currency(rar.detractor_arr)}")

if mrr.start_mrr.notna().any():  # movements need a month before; the data's first month has none
    left, right = st.columns(2)
    with left:
        # the months it adds up: from the first with a month before it in the revenue data (Telco: December only)
        first = mrr.loc[mrr.start_mrr.notna(), "month"].iloc[0]
        bridge_chart = charts.waterfall(mrr, f"MRR bridge, {ui.months_span(first, view.end)}")
        ui.chart(bridge_chart)
        if floor := charts.waterfall_floor(mrr):  # said only when the axis does not start at zero
            st.caption(f"The axis starts at {fmt_currency(floor)}, not at zero, so the movements are visible; the "
                       "level bars are cut off at the bottom.")
    with right:
        ui.chart(charts.movements(mrr))
else:
    st.caption("MRR movements need the month before the period; the data starts with it.")

series = ui.cached(revenue.retention_by_month, view)
left, right = st.columns(2)
with left:
    # a month whose base is a handful of customers is no retention figure (588.7% on 2 customers led a chart)
    based = series[series.base_customers >= MIN_CUSTOMERS]
    if not based.empty:
        ui.chart(charts.multi_trend(based, {"nrr": "NRR", "grr": "GRR"},
                                    f"Revenue retention, trailing {RETENTION_MONTHS} months", "Retention", "pct"))
        if len(based) < len(series):
            st.caption(f"Months whose base has fewer than {MIN_CUSTOMERS} customers are left out: "
                       + ", ".join(f"{m:%b %Y} ({n:,})" for m, n in zip(
                           series.month[series.base_customers < MIN_CUSTOMERS],
                           series.base_customers[series.base_customers < MIN_CUSTOMERS], strict=True)) + ".")
    elif not series.empty:
        ui.notice(f"Revenue retention is not shown: every month's base has fewer than {MIN_CUSTOMERS} customers "
                  f"(at most {int(series.base_customers.max()):,}).", icon=":material/info:")
    else:
        snap = ui.workspace().snapshot(view.snapshot)
        ui.notice(f"Retention needs revenue from {RETENTION_MONTHS} months before each month shown. "
                  + ui.later_period(ui.add_months(snap.revenue_first or view.end, RETENTION_MONTHS), snap.revenue_last,
                                    "revenue data"))
with right:
    held = linkage.arr_shares(worth["current"])  # value_summary read the categories
    ui.chart(charts.category_bars(held, "arr", f"ARR by current NPS category, {view.end:%b %Y}", "ARR", "currency"))

ui.risk_row(view, rar)  # ARR at risk (model) beside revenue at risk (NPS gap), and the top three themes

ui.section("Cohorts")
measure = ui.choice_control("cohort", "Retention of")
logo = measure == "Customers"
matrix = ui.cached(cohorts.retention_matrix, view, "logo" if logo else "revenue")
if matrix.empty:
    ui.notice("No cohort starts within the period (customers already paying in the data's first month are "
              "left out).")
else:
    ui.chart(charts.cohort_heatmap(matrix, f"{'Logo' if logo else 'Revenue'} retention by cohort (month of first "
                                   f"revenue), up to {view.end:%b %Y}", "Customers" if logo else "First-month MRR",
                                   share_max=1.0 if logo else None))
    ui.paying_after_churn_caption(view)
    if logo and (small := matrix[(matrix["size"] < MIN_CUSTOMERS) & (matrix.cohort != "Average")]).shape[0]:
        # a cohort of 2 halves with one customer: its 50% is no drop to act on (the cell alone does not say so)
        st.caption(f"Cohorts of fewer than {MIN_CUSTOMERS} customers, where one customer moves a cell by a large "
                   "step: " + ", ".join(f"{c} ({int(n):,})" for c, n in zip(small.cohort, small["size"], strict=True))
                   + ".")

ui.section("What if we turned detractors around?")
with st.sidebar:
    if not ui.presenting():
        st.subheader("What-if")
    share = ui.number_control("wi_share", "Detractors won over (%)", slider=True)
    target = ui.select_control("wi_to", "…who become")
    investment = ui.number_control("wi_invest", f"Investment ({CURRENCY_SIGN.get().strip()})", nudge=25_000)
annual, gap = worth["annual_churn"], worth["churn_gap"][target]
result = value.what_if(share / 100, worth["detractors_now"], worth["detractor_arr"], annual["Detractor"],
                       annual[target], investment, margin) if gap.measurable and not gap_lacks else None
# without the data the count rests on, "of the 0 current detractors" would read as a company with none
detractors = "current detractors" if gap_lacks else f"the {worth['detractors_now']:,} current detractors"
st.caption(f"Assumptions: {share}% of {detractors} become "
           f"{target.lower()}s; investment {fmt(investment, 'money')}; gross margin {margin:.0%}."
           + ("" if ui.presenting() else " Change them in the sidebar; they are kept in the link."))
w1, w2, w3, w4 = st.columns(4)
if result is None:
    why = (f"no measurable difference: the 95% interval of the detractor − {target.lower()} annual churn gap "
           f"({fmt_pct(gap.low)} to {fmt_pct(gap.high)}) includes 0" if gap.no_difference and not gap_lacks
           else f"not measurable ({gap_lacks or gap.reason})")
    ui.notice(f"Detractors turned into {target.lower()}s: {why}. No churn avoided or ARR kept is claimed.")
else:
    ui.tile(w1, "Customers moved", f"{result.moved_customers:,.0f}", help=ui.METRICS["what_if"].definition)
    ui.tile(w2, "Churned customers avoided / year", f"{result.churned_avoided:,.1f}")
    ui.tile(w3, "ARR kept over 12 months", fmt_currency(result.arr_kept))
    ui.tile(w4, "Payback", "never" if result.payback_months is None else f"{result.payback_months:,.1f} months")
    st.caption(f"Annual churn in this period: detractors {fmt_pct(annual['Detractor'])}, {target.lower()}s "
               f"{fmt_pct(annual[target])} (customers active on {view.start:%d %b %Y}, by category as of that "
               f"date); gap {fmt_pct(gap.value)}, 95% interval {fmt_pct(gap.low)} to {fmt_pct(gap.high)}.")

ui.section("MRR bridge by month")
bridge = mrr.dropna(subset=["start_mrr"])
st.caption("Start + new + reactivation + expansion − contraction − churned = end, for every month. "
           + ui.md_escape(REVENUE_STOPPED_RULE))
ui.table(
    bridge.assign(**{c: bridge[c].map(lambda v: fmt(v, "money")) for c in
                     ["start_mrr", "new", "reactivation", "expansion", "contraction", "churned", "mrr"]},
                  month=bridge.month.dt.strftime("%b %Y"))
    [["month", "start_mrr", "new", "reactivation", "expansion", "contraction", "churned", "mrr"]]
    .rename(columns={"month": "Month", "start_mrr": "Start MRR", "new": "New", "reactivation": "Reactivation",
                     "expansion": "Expansion", "contraction": "Contraction", "churned": "Churned", "mrr": "End MRR"}),
    "MRR bridge by month")
ui.page_footer(view, "pages/cfo.py")
