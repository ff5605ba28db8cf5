"""Service: is customer service fast and good, and what is it worth? (Chief Customer / Service Officer)

Operational figures (volume, backlog, speed, reopens, escalations) beside the customers' own evaluation (CSAT,
response rate), then what service experience does to churn, what the tickets are about and which accounts are
waiting. Rules: metrics/service.py and the Glossary.
"""

import pandas as pd
import streamlit as st

import charts
import ui
from metrics import service
from metrics.definitions import METRICS, fmt, fmt_currency, fmt_int, fmt_pct
from metrics.stats import MIN_CUSTOMERS, MIN_RESPONSES

ui.ensure_router()
view = ui.current_view()
ui.page_header("Service · Is service fast and good, and what is it worth?",
               "Support volume and speed beside what customers say about it, and its link to churn and ARR.", view)
if view is None:
    ui.empty_state()
if not ui.has_data(view, "tickets"):
    ui.empty_state("tickets")
    ui.page_footer(view, "pages/service.py")
    st.stop()

tv = ui.workspace().snapshot(view.snapshot).versions["tickets"]
target = service.DEFAULT_TARGET_HOURS
s = ui.cached(service.summary, view, tv)
within = ui.cached(service.within_target, view, tv, target)
reopen = ui.cached(service.reopen_rate, view, tv)
escalation = ui.cached(service.escalation_rate, view, tv)
satisfaction = ui.cached(service.csat, view, tv)


def rate_text(r: dict) -> tuple[str, str]:
    """(tile text, caption) of a rate with its Wilson interval and n; "—" with the reason when n is too small."""
    if r["n"] == 0:
        return "—", "no ticket in the period has what this needs"
    if r["too_small"]:
        return "—", f"n = {r['n']:,}: too few tickets (needs {MIN_RESPONSES})"
    return fmt_pct(r["value"]), f"n = {r['n']:,} · 95%: {fmt_pct(r['low'])}–{fmt_pct(r['high'])}"


def hours_tile(column, metric: str, d: dict) -> None:
    """Median and 90th percentile of calendar hours, with n; "—" with the reason when no ticket has a time."""
    m = METRICS[metric]
    if not d["n"]:
        ui.tile(column, f"{m.label} (median)", "—", help=m.definition)
        column.caption("no ticket in the period has a calendar time for this")
        return
    ui.tile(column, f"{m.label} (median)", f"{d['median']:,.1f} h", help=m.definition)
    column.caption(f"p90 {d['p90']:,.1f} h · n = {d['n']:,} tickets · calendar hours")


def rate_tile(column, metric: str, r: dict, label: str | None = None) -> None:
    text, caption = rate_text(r)
    ui.tile(column, label or METRICS[metric].label, text, help=METRICS[metric].definition)
    column.caption(caption)


ops, voice = st.columns([3, 1.2], gap="large")
with ops:
    st.markdown("**Operations** · how fast and how well tickets are handled")
    o1, o2, o3, o4 = st.columns(4)
    ui.tile(o1, METRICS["tickets_created"].label, fmt_int(s["tickets_created"]),
            help=METRICS["tickets_created"].definition)
    o1.caption("not measurable: some tickets have no created time" if s["contact_rate"] is None
               else f"{s['contact_rate']:.1f} per 100 active customers a month")
    ui.tile(o2, METRICS["backlog"].label, fmt_int(s["backlog"]), help=METRICS["backlog"].definition)
    o2.caption(f"open at the end of {view.end:%b %Y}" if s["backlog"] is not None
               else "not measurable: some tickets' state is unknown")
    hours_tile(o3, "first_response_time", s["first_response_hours"])
    hours_tile(o4, "resolution_time", s["resolution_hours"])
    o5, o6, o7, _o8 = st.columns(4)
    rate_tile(o5, "within_target", within, label=f"Solved within {target:.0f} h")
    rate_tile(o6, "reopen_rate", reopen)
    rate_tile(o7, "escalation_rate", escalation)
with voice:
    st.markdown("**Customer evaluation** · what customers said about it")
    if satisfaction["n"] == 0:
        ui.tile(voice, METRICS["ticket_csat"].label, "—", help=METRICS["ticket_csat"].definition)
        voice.caption("no ratings on tickets in the period")
    elif satisfaction["too_small"]:
        ui.tile(voice, METRICS["ticket_csat"].label, "—", help=METRICS["ticket_csat"].definition)
        voice.caption(f"n = {satisfaction['n']:,}: too few ratings for a CSAT (needs {MIN_RESPONSES})")
    else:
        ui.tile(voice, METRICS["ticket_csat"].label, f"{satisfaction['value']:.1f}%",
                help=METRICS["ticket_csat"].definition)
        voice.caption(f"n = {satisfaction['n']:,} ratings · 95%: {satisfaction['low']:.1f}%–"
                      f"{satisfaction['high']:.1f}%")
    basis = "offered a survey" if satisfaction["response_basis"] == "offered" else \
        "solved (the export does not say which tickets were offered a survey)"
    ui.tile(voice, METRICS["csat_response_rate"].label,
            fmt_pct(satisfaction["response_rate"]) if satisfaction["n"] else "—",
            help=METRICS["csat_response_rate"].definition)
    voice.caption(f"{satisfaction['n']:,} ratings ÷ {satisfaction['response_denominator']:,} tickets {basis}")
for note in s["notes"]:
    st.caption(ui.md_escape(note))

ui.section("Trends by month")
months = ui.cached(service.monthly, view, tv)
quality = ui.cached(service.quality_by_month, view, tv, target)
left, right = st.columns(2)
with left:
    volume = pd.DataFrame({"month": pd.to_datetime(months["month"]),
                           **{c: pd.to_numeric(months[c], errors="coerce").astype(float)
                              for c in ("created", "solved", "backlog")}})
    ui.chart(charts.multi_trend(volume, {"created": "Created", "solved": "Solved", "backlog": "Backlog at month end"},
                                "Tickets by month", "Tickets", "int"))
with right:
    times = quality.rename(columns={"fr_median": "first", "res_median": "resolution"})
    ui.chart(charts.multi_trend(times[["month", "first", "resolution"]].astype({"first": float, "resolution": float}),
                                {"first": "First response", "resolution": "Resolution"},
                                "Median hours by month (calendar hours)", "Hours", "hours"))
rated = quality[quality["answers"] >= MIN_RESPONSES]
csat_months = pd.DataFrame({"month": rated["month"], "csat": rated["csat"] / 100, "low": rated["csat_low"] / 100,
                            "high": rated["csat_high"] / 100, "n": rated["answers"]})
left, right = st.columns(2)
with left:
    ui.chart(charts.trend(csat_months, "csat", "Ticket CSAT by month (band: 95% interval)", "CSAT", "pct",
                          band=("low", "high")))
    if len(rated) < len(quality):
        st.caption(f"Months with fewer than {MIN_RESPONSES} ratings are left out of the CSAT line.")
with right:
    shares = quality[quality["res_n"] > 0].assign(within=lambda f: f["within_target"].astype(float))
    ui.chart(charts.trend(shares[["month", "within"]], "within",
                          f"Tickets solved within {target:.0f} h, by month of solve", "Within target", "pct"))

ui.section("Service and value: who churns after which service experience")
before = view.previous()
first_ticket = ui.sources_of(view.snapshot)["tickets"]["first_date"]
if not ui.has_data(view, "customers"):
    ui.empty_state("customers")
elif first_ticket is None or first_ticket > before.start:
    st.info(f"Not measurable for this period: the service experience is read from the tickets created "
            f"{before.start:%b %Y} – {before.end:%b %Y}, and the tickets start "
            f"{'nowhere' if first_ticket is None else f'{first_ticket:%d %b %Y}'}, so customers without tickets "
            "there could not be told from customers whose tickets are missing. Choose a later period.",
            icon=":material/event_busy:")
else:
    groups = ui.cached(service.churn_by_experience, view, tv, target)
    st.caption(f"**Population: the {int(groups.customers.sum()):,} customers active on {view.start:%d %b %Y}**, "
               f"grouped by what their tickets created {before.start:%b %Y} – {before.end:%b %Y} showed by "
               f"{view.start:%d %b %Y} (nothing later is used); churn counted to the end of {view.end:%b %Y}. "
               f"Slow = a resolution over {target:.0f} calendar hours, or still open and older than that.")
    left, right = st.columns([1.1, 1])
    with left:
        ui.chart(charts.experience_bars(groups, f"Churned by {view.end:%b %Y}, by service experience before "
                                                f"{view.start:%d %b %Y}", "Customers churned (line: 95% interval)"))
    with right:
        ui.table(pd.DataFrame({
            "Service experience": groups.experience,
            f"Customers active on {view.start:%d %b %Y}": groups.customers.map(fmt_int),
            "Churned": groups.churned.map(fmt_int),
            "Churn rate (95% interval)": ["—" if small else f"{fmt_pct(r)} ({fmt_pct(lo)}–{fmt_pct(hi)})"
                                          for r, lo, hi, small in zip(groups.churn_rate, groups.churn_low,
                                                                      groups.churn_high, groups.too_small,
                                                                      strict=True)],
        }), "Churn by service experience")
        if groups.too_small.any():
            st.caption(f"“—”: fewer than {MIN_CUSTOMERS} customers in the group, too few to compare.")

ui.section("Root causes: what the tickets are about")
causes = ui.cached(service.root_causes, view, tv)
if causes.empty:
    st.caption("No tagged tickets created in the period.")
else:
    st.caption(f"Tags of the tickets created {view.start:%b %Y} – {view.end:%b %Y}, ranked by the ARR (in "
               f"{view.end:%b %Y}) of the customers raising them. Churn after raising a tag counts from the month of "
               "the customer's first such ticket, so a later ticket never explains an earlier churn.")
    ui.table(pd.DataFrame({
        "Tag": causes.tag, "Tickets": causes.tickets.map(fmt_int),
        "Customers": causes.customers.map(fmt_int), f"ARR of those customers ({view.end:%b %Y})": causes.arr.map(
            fmt_currency),
        "Churned after raising it (95% interval)": [
            "—" if small else f"{fmt_pct(r)} ({fmt_pct(lo)}–{fmt_pct(hi)})"
            for r, lo, hi, small in zip(causes.churn_rate, causes.churn_low, causes.churn_high, causes.too_small,
                                        strict=True)],
        "n (customers followed)": causes.at_risk.map(fmt_int),
    }), "Ticket root causes")
    if causes.too_small.any():
        st.caption(f"“—”: fewer than {MIN_CUSTOMERS} customers followed, too few for a churn rate.")

ui.section(f"Accounts waiting: open high-priority tickets at the end of {view.end:%b %Y}")
waiting = ui.cached(service.open_high_priority, view, tv)
slow = ui.cached(service.arr_open_over_target, view, tv, target)
if slow["arr"] is not None:
    st.caption(f"ARR touched by tickets open longer than {target:.0f} h at the end of {view.end:%b %Y}: "
               f"**{fmt_currency(slow['arr'])}** ({fmt_pct(slow['share_of_arr'])} of ARR), {slow['customers']:,} "
               f"customers, {slow['tickets']:,} tickets.")
else:
    st.caption(ui.md_escape(slow["reason"]))
if waiting.empty:
    st.success("No ticket of priority high or urgent is open at the end of the period.")
else:
    ui.table(pd.DataFrame({
        "Customer": waiting.customer_id, "Segment": waiting.segment,
        "Open high/urgent tickets": waiting.tickets.map(fmt_int), "Urgent": waiting.urgent.map(fmt_int),
        "Oldest open (days)": waiting.oldest_days.map(lambda d: f"{d:,.1f}"),
        f"ARR ({view.end:%b %Y})": waiting.arr.map(lambda v: fmt(v, "currency")),
    }), "Open high-priority tickets")
    st.caption(f"{len(waiting):,} accounts, {fmt_currency(waiting.arr.sum())} ARR; ARR “—”: not paying in "
               f"{view.end:%b %Y}.")

ui.page_footer(view, "pages/service.py")
