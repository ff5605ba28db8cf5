"""Service: is customer service fast and good, and what is it worth? (Chief Customer / Service Officer)

Operational figures (volume, backlog, speed, reopens, escalations) beside the customers' own evaluation (CSAT,
response rate), each with its change vs the previous period; then what service experience does to churn and to the
customers' NPS and CSAT after a ticket, what the tickets are about (tags, subject themes, the knowledge pool's to-do
list) and which accounts are waiting. Rules: metrics/service.py, metrics/service_value.py and the Glossary.
"""

import pandas as pd
import streamlit as st

import charts
import ui
from metrics import service, service_value
from metrics.definitions import METRICS, fmt, fmt_currency, fmt_int, fmt_nps, fmt_pct, plural
from metrics.stats import MIN_COMPARABLE_N, MIN_CUSTOMERS, MIN_RESPONSES

# summary() notes whose words the tiles already show under themselves (said once, not twice)
TILE_NOTES = ("csat", "csat_response_rate", "reopen_rate", "escalation_rate")

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
first_ticket = ui.sources_of(view.snapshot)["tickets"]["first_date"]
# the summary and the figures it is computed from, each read once (service.Overview)
now = ui.cached(service.overview, view, tv)
s, months, reopen, escalation, satisfaction = now.summary, now.months, now.reopen, now.escalation, now.csat
# open tickets, their ages and the backlog are measured at the window's end, or at the tickets' latest time when the
# export ends earlier (service.measured_at): every sentence below says which instant
instant = ui.cached(service.measured_at, view, tv)
at_end = instant.words(f"the end of {view.end:%b %Y}")
within = ui.cached(service.within_target, view, tv, target)
# The previous period of the same length, only when the tickets cover all of it (else "no tickets then" would
# read as a change).
prev = ui.previous_view(view)
if prev is not None and not service.covers_previous(view, first_ticket):
    prev = None
then = prev and ui.cached(service.overview, prev, tv)
s_prev, reopen_prev, escalation_prev, satisfaction_prev = \
    (then.summary, then.reopen, then.escalation, then.csat) if then else (None,) * 4
within_prev = prev and ui.cached(service.within_target, prev, tv, target)


def as_rate(c: dict | None) -> dict | None:
    """service.csat's figures in the form of the other rates (value a share, count satisfied)."""
    return c and {"value": None if c["value"] is None else c["value"] / 100, "count": c["satisfied"], "n": c["n"],
                  "too_small": c["too_small"], "low": c["low"] and c["low"] / 100,
                  "high": c["high"] and c["high"] / 100}


def rate_kpi(column, metric: str, r: dict, before: dict | None, label: str | None = None, inverse: bool = False,
             noun: str = "tickets") -> None:
    """A rate with its change vs the previous period, coloured only when the two-proportion test finds it
    significant; "—" with the reason when n is too small, and no change when either period is."""
    shown = None if r["n"] == 0 or r["too_small"] else r["value"]
    comparable = shown is not None and bool(before) and before["n"] > 0 and not before["too_small"]
    ui.kpi(column, metric, shown, before["value"] if comparable else None, label=label, inverse=inverse,
           z=ui.rate_z((r["count"], r["n"]), (before["count"], before["n"])) if comparable else ui.NO_TEST,
           test="two-proportion z-test")
    if r["n"] == 0:
        ui.tile_note(column, f"not measurable: {r['reason']}" if r.get("reason") else f"no {noun} in the period")
    elif r["too_small"]:
        ui.tile_note(column, f"n = {r['n']:,}: too few {noun} (needs {MIN_COMPARABLE_N})")
    else:
        previous = "" if prev is None else (f" · previous period {fmt_pct(before['value'])}" if comparable
                                            else " · previous period too few to compare")
        ui.tile_note(column, f"n = {r['n']:,} {noun} · 95%: {fmt_pct(r['low'])}–{fmt_pct(r['high'])}{previous}")


def hours_kpi(column, metric: str, d: dict, before: dict | None) -> None:
    """Median calendar hours with p90 and n; the change of the median in hours, always grey (no test)."""
    earlier = before["median"] if before and before["n"] else None
    ui.kpi(column, metric, d["median"] if d["n"] else None, earlier, label=f"{METRICS[metric].label} (median)",
           neutral=True)
    ui.tile_note(column, "no ticket in the period has a calendar time for this" if not d["n"] else
                   f"p90 {d['p90']:,.1f} h · n = {plural(d['n'], 'ticket')} · calendar hours")


# Operations across the page, what customers said below it: side by side, the tiles were too narrow for their labels
# ("Resolution ti…")
st.markdown("**Operations** · how fast and how well tickets are handled"
            + (f" · changes vs {prev.start:%b %Y} – {prev.end:%b %Y}" if prev is not None else ""))
o1, o2, o3, o4 = st.columns(4)
# counted only to the export's latest time when it ends before the period: no change against a whole period
ui.kpi(o1, "tickets_created", s["tickets_created"],
       None if instant.cut_short else s_prev and s_prev["tickets_created"], neutral=True)
contact = (f"contact rate not measurable: {s['contact_rate_reason']}" if s["contact_rate"] is None
           else f"{s['contact_rate']:.1f} per 100 active customers a month")
ui.tile_note(o1, "not measurable: some tickets have no created time" if s["tickets_created"] is None
           else (f"to {instant.words('')} · " if instant.cut_short else "") + contact
           + (f" (their tickets; {plural(s['contact_unlisted'], 'ticket')} from ids the customer list does not count "
              "active that month left out)" if s["contact_unlisted"] else ""))
ui.kpi(o2, "backlog", s["backlog"], s_prev and s_prev["backlog"], neutral=True)
ui.tile_note(o2, f"open at {at_end}" if s["backlog"] is not None
           else f"not measurable: {service.NO_STATE}" if now.coverage["unknown_state"]
           else f"not measurable: the tickets end at {instant.words('')}; what was solved after that is not known"
           if instant.month < view.end else "not measurable: some tickets' state is unknown")
hours_kpi(o3, "first_response_time", s["first_response_hours"], s_prev and s_prev["first_response_hours"])
hours_kpi(o4, "resolution_time", s["resolution_hours"], s_prev and s_prev["resolution_hours"])
o5, o6, o7, _o8 = st.columns(4)
rate_kpi(o5, "within_target", within, within_prev, label=f"Solved within {target:.0f} h")
rate_kpi(o6, "reopen_rate", reopen, reopen_prev, inverse=True)
rate_kpi(o7, "escalation_rate", escalation, escalation_prev, inverse=True)
st.markdown("**Customer evaluation** · what customers said about it")
v1, v2, _v3, _v4 = st.columns(4)
rate_kpi(v1, "ticket_csat", as_rate(satisfaction), as_rate(satisfaction_prev), noun="ratings")
basis = "offered a survey" if satisfaction["response_basis"] == "offered" else \
    "solved (the export does not say which tickets were offered a survey)"


def rate_shown(c: dict | None) -> float | None:
    """The response rate, as the other rates: none on fewer than MIN_COMPARABLE_N tickets (6 of 6 read "100.0%"),
    none when the period's solved tickets are not known."""
    return (c["response_rate"] if c and c["n"] and c["response_denominator"] is not None
            and c["response_denominator"] >= MIN_COMPARABLE_N else None)


ui.kpi(v2, "csat_response_rate", rate_shown(satisfaction), rate_shown(satisfaction_prev), neutral=True)
if satisfaction["response_denominator"] is None:  # "5 ratings ÷ 0 tickets solved" read as none solved
    ui.tile_note(v2, f"not measurable: {satisfaction['response_reason']}")
else:
    few_asked = satisfaction["n"] and satisfaction["response_denominator"] < MIN_COMPARABLE_N
    ui.tile_note(v2, (f"n = {satisfaction['response_denominator']:,}: too few tickets (needs {MIN_COMPARABLE_N}) · "
                      if few_asked else "") + f"{plural(satisfaction['n'], 'rating')} ÷ "
                     f"{plural(satisfaction['response_denominator'], 'ticket')} {basis}")
# the contact rate's reason is under the Tickets created tile whenever that tile has a figure
said = TILE_NOTES + (("contact_rate",) if s["tickets_created"] is not None else ()) + ("backlog",)
for note in s["notes"]:
    if note.split(":")[0] not in said:  # the tiles above say these already
        st.caption(ui.md_escape(service.readable(note)))

ui.section("Trends by month")
quality = ui.cached(service.quality_by_month, view, tv, target)
left, right = st.columns(2)
with left:
    volume = pd.DataFrame({"month": pd.to_datetime(months["month"]),
                           **{c: pd.to_numeric(months[c], errors="coerce").astype(float)
                              for c in ("created", "solved", "backlog")}})
    ui.chart(charts.multi_trend(volume, {"created": "Created", "solved": "Solved", "backlog": "Backlog at month end"},
                                "Tickets by month", "Tickets", "int"))
    if instant.early:  # the month the tickets end in is counted to then; those after it are not in the export
        later = [m for m in months["month"] if m > instant.month]
        last = (f"{instant.month:%b %Y}: " + ("created and solved counted to " if instant.cut_short else
                                               "the backlog at ") + instant.words("")
                + (", the backlog at that time. " if instant.cut_short else ". ")
                if instant.month >= view.start else "")
        gone = (f"{', '.join(f'{m:%b %Y}' for m in later)}: not known, not drawn (the tickets end before "
                f"{'that month' if len(later) == 1 else 'those months'})." if later else "")
        ui.caption((last + gone).strip())
with right:
    times = quality.rename(columns={"fr_median": "first", "res_median": "resolution"})[["month", "first", "resolution"]]
    times = times.astype({"first": float, "resolution": float})
    if times[["first", "resolution"]].isna().all(axis=None):  # an empty plot reads as a fault
        st.caption("No ticket of the period has a first response or resolution time in calendar hours, so no median "
                   "is drawn by month (the notes under the tiles say why).")
    else:
        ui.chart(charts.multi_trend(times, {"first": "First response", "resolution": "Resolution"},
                                    "Median hours by month (calendar hours)", "Hours", "hours"))
rated = quality[quality["answers"] >= MIN_RESPONSES]
csat_months = pd.DataFrame({"month": rated["month"], "csat": rated["csat"] / 100, "low": rated["csat_low"] / 100,
                            "high": rated["csat_high"] / 100, "n": rated["answers"]})
left, right = st.columns(2)
with left:
    if rated.empty:  # an empty plot reads as a fault, or as 0%
        st.caption(f"No month of the period has {MIN_RESPONSES} ticket ratings, so CSAT is not drawn by month; the "
                   "tile above pools the whole period.")
    else:
        ui.chart(charts.trend(csat_months, "csat", "Ticket CSAT by month (band: 95% interval)", "CSAT", "pct",
                              band=("low", "high")))
    if not rated.empty and len(rated) < len(quality):
        st.caption(f"Months with fewer than {MIN_RESPONSES} ratings are left out of the CSAT line.")
with right:
    # the tile's rule: a month of fewer than MIN_COMPARABLE_N solved tickets is no share (the tile shows "—" on it)
    shares = quality[(quality["res_n"] > 0) & ~quality["within_too_small"]].assign(
        within=lambda f: f["within_target"].astype(float))
    small = quality[(quality["res_n"] > 0) & quality["within_too_small"]]
    if not quality["res_n"].sum():  # solved tickets there may be, but none has a resolution time to compare
        st.caption(f"No ticket of the period has a resolution time in calendar hours, so the share solved within "
                   f"{target:.0f} h is not drawn by month (the notes under the tiles say why).")
    elif shares.empty:  # an empty plot reads as a fault, or as 0%
        st.caption(f"No month of the period has {MIN_COMPARABLE_N} solved tickets, so the share solved within "
                   f"{target:.0f} h is not drawn by month; the tile above pools the whole period.")
    else:
        ui.chart(charts.trend(shares[["month", "within"]], "within",
                              f"Tickets solved within {target:.0f} h, by month of solve", "Within target", "pct"))
        if not small.empty:
            st.caption(f"Months with fewer than {MIN_COMPARABLE_N} solved tickets are left out of the line: "
                       + ", ".join(f"{m:%b %Y} ({n:,})" for m, n in zip(small.month, small.res_n, strict=True))
                       + ".")

ui.section("Service and value: who churns after which service experience")
before = view.previous()
if not ui.has_data(view, "customers"):
    ui.empty_state("customers")
elif not service.covers_previous(view, first_ticket):
    st.info(f"Not measurable for this period: the service experience is read from the tickets created "
            f"{before.start:%b %Y} – {before.end:%b %Y}, and the tickets start "
            f"{'nowhere' if first_ticket is None else f'{first_ticket:%d %b %Y}'}, so customers without tickets "
            "there could not be told from customers whose tickets are missing. " + ("" if first_ticket is None else
            ui.later_period(service.experience_first_end(first_ticket, view.months),
                            ui.workspace().snapshot(view.snapshot).last_month)
            + " A shorter period needs fewer months of tickets."), icon=":material/event_busy:")
else:
    groups = ui.cached(service.churn_by_experience, view, tv, target)
    st.caption(f"**Population: the {plural(int(groups.customers.sum()), 'customer')} active on "
               f"{view.start:%d %b %Y}**, "
               f"grouped by what their tickets created {before.start:%b %Y} – {before.end:%b %Y} showed by "
               f"{view.start:%d %b %Y} (nothing later is used); churn counted to the end of {view.end:%b %Y}. "
               f"Slow = a resolution over {target:.0f} calendar hours, or still open and older than that.")
    chart, _ = st.columns([1.1, 1])  # the table below, across the page: beside the chart its columns were cut off
    with chart:
        ui.chart(charts.experience_bars(groups, f"Churned by {view.end:%b %Y}, by service experience before "
                                                f"{view.start:%d %b %Y}", "Customers churned (line: 95% interval)"))
    ui.table(pd.DataFrame({
        "Service experience": groups.experience,
        f"Customers active on {view.start:%d %b %Y}": groups.customers.map(fmt_int),
        "Churned": groups.churned.map(fmt_int),
        "Churn rate (95% interval)": ["—" if small else f"{fmt_pct(r)} ({fmt_pct(lo)}–{fmt_pct(hi)})"
                                      for r, lo, hi, small in zip(groups.churn_rate, groups.churn_low,
                                                                  groups.churn_high, groups.too_small, strict=True)],
    }), "Churn by service experience")
    if groups.too_small.any():
        st.caption(f"“—”: fewer than {MIN_CUSTOMERS} customers in the group, too few to compare.")

ui.section("What service is worth: NPS and CSAT before and after a ticket")
st.caption(f"Tickets solved {view.start:%b %Y} – {view.end:%b %Y}, by resolution: within {target:.0f} calendar hours, "
           "over it, or escalated. For each customer (once per group, its first such ticket with both answers): its "
           f"latest answer before the ticket's creation day and its first after the solve day, each within "
           f"{service_value.HORIZON_DAYS} days; answers on those days are left out. The change is the mean of after "
           "− before with its paired 95% interval; one that includes 0 reads “no clear change”.")


def change_text(row, unit: str) -> str:
    if row.too_small:
        return "—"
    interval = f"95%: {row.low:+.1f} to {row.high:+.1f} {unit}"
    if row.verdict == service_value.NO_CLEAR_CHANGE:
        return f"no clear change ({interval})"
    return f"{row.change:+.1f} {unit}, {row.verdict} ({interval})"


def after_ticket_block(measure: str, label: str, unit: str, value_fmt) -> None:
    """The chart of the measurable groups' changes, then their table across the page (beside the chart its six
    columns were cut off at the right)."""
    frame = ui.cached(service_value.after_ticket, view, tv, measure, target)
    shown = frame[~frame.too_small]
    if shown.empty:
        st.caption(f"No group has {MIN_RESPONSES} customers with {label} answers before and after a ticket.")
    else:
        chart, _ = st.columns([1, 1])
        with chart:
            ui.chart(charts.change_bars(shown, f"{label}: after − before a ticket, by resolution",
                                        f"Change in {unit} (line: 95% interval)"))
    ui.table(pd.DataFrame({
        f"Resolution ({label})": frame.speed, "Tickets solved": frame.tickets.map(fmt_int),
        "Customers with both answers": frame.pairs.map(fmt_int),
        f"{label} before": [value_fmt(v) for v in frame.before],
        f"{label} after": [value_fmt(v) for v in frame.after],
        "Change": [change_text(r, unit) for r in frame.itertuples()],
    }), f"{label} before vs after a ticket")
    if frame.too_small.any():
        st.caption(f"“—”: fewer than {MIN_RESPONSES} customers with an answer before and after.")


if not ui.has_data(view, "nps"):
    ui.empty_state("nps")
else:
    after_ticket_block("nps", "NPS", "points", fmt_nps)
if ui.has_data(view, "csat"):
    after_ticket_block("csat", "CSAT", "pp", lambda v: "—" if v is None or pd.isna(v) else f"{v:.1f}%")
else:
    st.caption("No CSAT survey answers uploaded: CSAT before vs after a ticket is not shown (a ticket's own rating "
               "is given after it, never before).")

ui.section("Root causes: what the tickets are about")
causes = ui.cached(service.all_root_causes, view, tv)  # both in one query
tags, themes = causes["tag"], causes["theme"]


def causes_table(causes: pd.DataFrame, first: str, caption: str) -> None:
    ui.table(pd.DataFrame({
        first: causes.tag, "Tickets": causes.tickets.map(fmt_int),
        "Customers": causes.customers.map(fmt_int),
        "Repeat rate (2+ tickets)": ["—" if small else f"{fmt_pct(r)} ({fmt_pct(lo)}–{fmt_pct(hi)})"
                                     for r, lo, hi, small in zip(causes.repeat_rate, causes.repeat_low,
                                                                 causes.repeat_high, causes.repeat_too_small,
                                                                 strict=True)],
        f"ARR of those customers ({view.end:%b %Y})": causes.arr.map(fmt_currency),
        "Churned after raising it (95% interval)": [
            "—" if small else f"{fmt_pct(r)} ({fmt_pct(lo)}–{fmt_pct(hi)})"
            for r, lo, hi, small in zip(causes.churn_rate, causes.churn_low, causes.churn_high, causes.too_small,
                                        strict=True)],
        "n (customers followed)": causes.at_risk.map(fmt_int),
    }), caption)


st.caption(f"Tickets created {view.start:%b %Y} – {view.end:%b %Y}, ranked by the ARR (in {view.end:%b %Y}) of the "
           "customers raising each issue. Churn after raising it counts from the month of the customer's first such "
           "ticket, so a later ticket never explains an earlier churn. “—”: fewer than "
           f"{MIN_CUSTOMERS} customers, too few for a rate.")
uncounted = s["tickets_created"] is None  # some tickets have no created time: "none in the period" is not known
UNKNOWN_CREATED = "Which tickets were created in the period is not known: some tickets have no created time."
if tags.empty:
    st.caption(UNKNOWN_CREATED if uncounted else "No tagged tickets created in the period.")
else:
    causes_table(tags, "Tag", "Ticket root causes by tag")
if themes.attrs.get("subjects"):
    if not themes.empty:  # an empty table reads as a fault: the caption says none raises a theme
        causes_table(themes, "Subject theme", "Ticket root causes by subject theme")
    subjects = plural(themes.attrs["subjects"], "ticket's subject", "tickets' subjects")
    st.caption(f"Subject themes: {themes.attrs['themed']:,} of {subjects} "
               f"{'raises' if themes.attrs['subjects'] == 1 else 'raise'} a known theme (the comments' keyword map; "
               "a subject in another language or matching no keyword has none). A ticket can raise several themes.")
pool = service.knowledge_pool(tags, themes)
st.markdown("**Knowledge pool: the to-do list** · the recurring issues with the most tickets")
if pool.empty:
    st.caption(UNKNOWN_CREATED if uncounted else "No tags or subject themes in the period's tickets.")
else:
    ui.table(pd.DataFrame({
        "Recurring issue": [f"{i}. {t}" for i, t in enumerate(pool.tag, 1)],
        "From": pool.source, "Tickets": pool.tickets.map(fmt_int), "Customers": pool.customers.map(fmt_int),
        "Customers with 2+ tickets": [f"{fmt_int(k)} ({fmt_pct(r)})" for k, r in
                                      zip(pool.repeat_customers, pool.repeat_rate, strict=True)],
        f"ARR ({view.end:%b %Y})": pool.arr.map(fmt_currency),
    }), "Knowledge pool to-do list")

ui.section(f"Accounts waiting: open high-priority tickets at {at_end}")
waiting = ui.cached(service.open_high_priority, view, tv)
slow = ui.cached(service.arr_open_over_target, view, tv, target)
if slow["tickets"] == 0:
    ui.caption(f"No ticket is open longer than {target:.0f} h at {at_end}: no ARR touched.")
elif slow["arr"] is not None:
    ui.caption(f"ARR touched by tickets open longer than {target:.0f} h at {at_end}: "
               f"**{fmt_currency(slow['arr'])}** ({fmt_pct(slow['share_of_arr'])} of ARR), "
               f"{plural(slow['customers'], 'customer')}, {plural(slow['tickets'], 'ticket')}.")
else:
    ui.caption(ui.md_escape(slow["reason"]))
anonymous = waiting.attrs.get("no_customer", 0)  # open high-priority tickets of no account: never dropped
if anonymous:
    one = anonymous == 1
    st.warning(f"{plural(anonymous, 'open high-priority ticket')} (oldest "
               f"{waiting.attrs['no_customer_oldest_days']:,.1f} days) {'has' if one else 'have'} no customer id: "
               f"not listed by account below, and the ARR {'it touches' if one else 'they touch'} is not known.",
               icon=":material/person_off:")
if waiting.empty and not ui.cached(service.priority_known, view, tv):  # "none open" would be a claim
    st.info("Whether any ticket of priority high, urgent or critical is open is not known: the tickets export has "
            "no priority.", icon=":material/help:")
elif waiting.empty and waiting.attrs.get("state_unknown"):  # some tickets' state then is unknown: "none open"
    # would be a claim
    st.info("Whether any ticket of priority high, urgent or critical is open at "
            f"{instant.words('the end of the period')} is not known: see the reason above.", icon=":material/help:")
elif waiting.empty and anonymous:
    st.caption("No account with a customer id has a ticket of priority high, urgent or critical open at "
               f"{instant.words('the end of the period')}.")
elif waiting.empty:
    st.success(f"No ticket of priority high, urgent or critical is open at {instant.words('the end of the period')}.")
else:
    # without revenue for the period's last month an account's ARR is unknown, not "$0" or "not paying"
    priced = ui.has_data(view, "revenue")
    arr_note = (f"ARR “—”: not paying in {view.end:%b %Y}" if priced else
                f"ARR not known: no revenue data for {view.end:%b %Y}")
    ui.table(pd.DataFrame({
        "Customer": waiting.customer_id, "Segment": waiting.segment,
        "Open high/urgent tickets": waiting.tickets.map(fmt_int), "Urgent": waiting.urgent.map(fmt_int),
        "Oldest open (days)": waiting.oldest_days.map(lambda d: f"{d:,.1f}"),
        f"ARR ({view.end:%b %Y})": waiting.arr.map(lambda v: fmt(v, "currency")),
    }), f"Open high-priority tickets ({arr_note})")
    st.caption(f"{plural(len(waiting), 'account')}, "
               + (f"{fmt_currency(waiting.arr.sum())} ARR; " if priced else "") + f"{arr_note}.")
    if unknown := waiting.attrs.get("state_unknown"):  # the list is then no complete list
        st.caption(f"Not listed: {plural(unknown, 'high-priority ticket')} whose state at "
                   f"{instant.words('the end of the period')} is "
                   "not known (no created time, or solved or closed without a solve time): "
                   f"{'it' if unknown == 1 else 'they'} may have been open then.")

ui.page_footer(view, "pages/service.py")
