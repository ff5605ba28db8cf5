"""CEO: are customers happier, and is it paying?"""

import streamlit as st

import charts
import ui
from metrics import linkage, nps, revenue, service, value
from metrics.definitions import LTV_POPULATIONS, METRICS, fmt, fmt_currency, fmt_delta, fmt_pct, plural
from metrics.rules import MIN_CUSTOMERS, MIN_RESPONSES

ui.ensure_router()
view = ui.current_view()
ui.page_header("CEO · Are customers happier, and is it paying?",
               "Headline customer and revenue figures for the period, against the period before.", view)
if view is None:
    ui.empty_state()

prev = ui.previous_view(view)  # None: the data does not cover the window before, so nothing is compared
now_nps = ui.cached(nps.summary, view)
prev_nps = ui.cached(nps.summary, prev) if prev else None
churn_now = ui.cached(revenue.logo_churn, view)
churn_prev = ui.cached(revenue.logo_churn, prev) if prev else None
ret_now = ui.cached(revenue.retention, view)
ret_prev = ui.cached(revenue.retention, prev) if prev else None
arr_now, arr_prev = ui.cached(revenue.arr_change, view) if ui.has_data(view, "revenue") else (None, None)
arr_prev = arr_prev if prev else None

c1, c2, c3, c4 = st.columns(4)
if not ui.has_data(view, "nps"):
    ui.empty_state("nps", c1)
else:
    ui.nps_kpi(c1, now_nps, prev_nps)
ui.csat_kpi(c1, view)
if not ui.has_data(view, "customers"):
    ui.empty_state("customers", c2)
elif unrecorded := ui.churn_unrecorded(view):
    ui.kpi(c2, "logo_churn", None)
    ui.tile_note(c2, f"not measurable: {unrecorded}")
else:
    churn_z = ui.rate_z((churn_now.churned, churn_now.active_start),
                        churn_prev and (churn_prev.churned, churn_prev.active_start))
    ui.kpi(c2, "logo_churn", churn_now.monthly, churn_prev and churn_prev.monthly, inverse=True, z=churn_z,
           test="two-proportion test")
    known = (ui.sources_of(view.snapshot)["customers"] or {}).get("churn_known_from")
    # a snapshot customers file tells churn from its as-of month only: name the months the rate rests on
    ui.tile_note(c2, (f"measured over {ui.months_span(known, view.end)} only: the customers file is a snapshot "
                      f"that tells churn from {known:%b %Y}" if known and known > view.start
                      else "all customers, month by month")
                 + f" · {fmt_pct(churn_now.annual)} annualised = 1 − (1 − m)¹²"
                 + ui.significance_note(churn_z))
if not ui.has_data(view, "revenue"):
    ui.empty_state("revenue", c3)
else:
    ui.kpi(c3, "nrr", ret_now and ret_now.nrr, ret_prev and ret_prev.nrr)
    ui.tile_note(c3, ui.retention_note(ret_now, view, grr=True))
    ui.kpi(c4, "arr", arr_now, arr_prev or None)
    growth = arr_now / arr_prev - 1 if arr_now and arr_prev else None  # signed: "705.0%" read as a level
    ui.tile_note(c4, f"{view.end:%b %Y}" + ("" if growth is None else f" · {'+' if growth > 0 else ''}"
                                            f"{fmt_pct(growth)} vs {ui.previous_month(view):%b %Y}"))
    ui.paying_after_churn_warning(view)

if ui.has_data(view, "tickets"):  # one line of service; the Service page has the rest
    tv = ui.workspace().snapshot(view.snapshot).versions["tickets"]
    # the two figures it shows, not the whole service summary (its monthly counts alone ~0.1 s at 1M tickets)
    sat, res = ui.cached(service.csat, view, tv), ui.cached(service.durations, view, tv, "resolution")
    slow = ui.cached(service.arr_open_over_target, view, tv)
    sat_text = (f"{sat['value']:.1f}% (n = {sat['n']:,}, 95%: {sat['low']:.1f}–{sat['high']:.1f}%)"
                if sat["n"] >= MIN_RESPONSES else f"— (n = {sat['n']:,}, too few ratings)" if sat["n"]
                else "— (no ratings in the period)")  # "n = 0, too few" read as if a few had been given
    # a bare "—" said nothing of why (Zendesk's ticket table: no solve time at all)
    res_text = (f"{res['median']:,.1f} h (n = {res['n']:,})" if res["n"]
                else "— (no ticket solved in the period has a resolution time)")
    slow_text = ("none (no ticket open that long)" if slow["tickets"] == 0
                 else f"{fmt_currency(slow['arr'])} ({fmt_pct(slow['share_of_arr'])} of ARR)" if slow["arr"] is not None
                 else "— (not known: " + ("no revenue data for the month" if slow["tickets"] else "some tickets' "
                                          "state then is unknown") + ")")
    st.markdown(f"**Service:** ticket CSAT {sat_text} · median resolution {res_text} · ARR touched by tickets open "
                f"over {slow['target_hours']:.0f} h at {slow['words']}: {slow_text} · see **Service**.")

left, right = st.columns(2)
with left:
    if ui.has_data(view, "nps"):  # else the NPS tile's empty state says why; no axes of nothing
        ui.nps_by_month(view)
with right:
    if ui.has_data(view, "revenue"):
        ui.chart(charts.trend(ui.cached(revenue.mrr_by_month, view), "arr", "ARR by month", "ARR", "currency"))


def value_by_category(view, worth: dict, cats, cover: dict) -> None:
    """The link from NPS to value: LTV by category, the value of one NPS point, churn and NRR by category, for the
    customers active at the period's start (a population of at least one)."""
    base_month = ui.previous_month(view)
    window = f"{view.months}-month"
    st.caption(f"**Population here: the {plural(int(cats.customers.sum()), 'customer')} active on "
               f"{view.start:%d %b %Y}**, "
               f"grouped by their latest NPS answer before that date (no later answer is used); churn is counted to "
               f"the end of {view.end:%b %Y}, revenue from {base_month:%b %Y} to {view.end:%b %Y} ({window}). The "
               "headline churn above covers all customers month by month, so the two differ. "
               # no survey at all: "0.0% of active customers" read as a coverage measured (the CIO tile shows "—")
               + ("Linked: none, no NPS responses uploaded." if ui.current_snapshot().versions.get("nps") is None else
                  f"Linked: {fmt_pct(cover['responses'])} of responses · {fmt_pct(cover['customers'])} of active "
                  f"customers · {fmt_pct(cover['arr'])} of ARR."))
    ltv_by, ltv_why = worth["ltv_by_category"], worth["ltv_by_category_reason"]
    # the data these rest on, named when missing: with no NPS answer every customer is 'No response' ("have 0 and 0"
    # promoters and detractors), and a customers file that records no churn gives every group 0%
    unrecorded = ui.churn_unrecorded(view)  # no churn column: every group's churn would read 0.0% (0.0%–1.7%)
    lacks = (f"needs NPS responses before {view.start:%b %Y}" if ui.current_snapshot().versions.get(
        "nps") is None else unrecorded)
    v1, v2, v3 = st.columns(3)
    for column, category in ((v1, "Promoter"), (v2, "Detractor")):
        ui.estimate_tile(column, "ltv_by_category", None if lacks else ltv_by[category], lacks or ltv_why[category],
                         label=f"{category} LTV")
    if ltv_by["Promoter"] and ltv_by["Detractor"] and not lacks:
        ui.tile_note(v2, f"A promoter is worth {ltv_by['Promoter'] / ltv_by['Detractor']:.1f}× a detractor in this "
                         "data (context: Bain reports 3–8× across industries).")
    ui.estimate_tile(v3, "nps_point", None if lacks else worth["nps_point"], lacks or worth["nps_point_reason"],
                     label="Value of one NPS point")
    if worth["nps_point"] is not None and not lacks:
        ui.tile_note(v3, "ARR kept over 12 months when 1% of surveyed customers move from detractor to passive.")
    st.caption(LTV_POPULATIONS)

    left, right = st.columns(2)
    with left:
        if unrecorded:
            st.caption(f"Churn by NPS category: not measurable: {unrecorded}.")
        else:
            ui.chart(charts.category_bars(cats, "churn_rate", f"Churned by {view.end:%b %Y}, customers active on "
                                          f"{view.start:%d %b %Y}", "Customers churned (line: 95% interval)",
                                          "pct", interval=("churn_low", "churn_high")))
    with right:
        if cats.nrr.isna().all():  # axes with no bar read as a fault, or as 0%: say why there is none
            st.caption("NRR by NPS category: not measurable: " + (
                "needs revenue data for the period" if not ui.has_data(view, "revenue") else
                f"none of these customers paid in {base_month:%b %Y}, the month it starts from") + ".")
        else:
            ui.chart(charts.category_bars(cats, "nrr", f"{window} NRR by category, {base_month:%b %Y} → "
                                          f"{view.end:%b %Y}", f"{window} NRR (line: 95% interval)", "pct",
                                          interval=("nrr_low", "nrr_high")))


    table = cats.assign(
        Customers=cats.customers.map(lambda v: fmt(v, "int")),
        Churned="—" if unrecorded else ui.with_interval(cats.churn_rate, cats.churn_low, cats.churn_high, "pct"),
        **{"Annualised churn": "—" if unrecorded else cats.annual_churn.map(fmt_pct),
           f"Average MRR ({base_month:%b %Y})": ui.with_interval(cats.avg_mrr, cats.avg_mrr_low, cats.avg_mrr_high,
                                                             "currency"),
           f"{window} NRR": ui.with_interval(cats.nrr, cats.nrr_low, cats.nrr_high, "pct"),
           f"{window} GRR": ui.with_interval(cats.grr, cats.grr_low, cats.grr_high, "pct")},
    )
    # over a 12-month period the annualised churn is the churn itself: shown once, so GRR stays in sight
    table = table[["category", "Customers", "Churned", *(["Annualised churn"] if view.months != 12 else []),
                   f"Average MRR ({base_month:%b %Y})", f"{window} NRR", f"{window} GRR"]]
    # short headers: the population caption above names the day, and longer ones pushed GRR out of sight
    ui.table(table.rename(columns={"category": "NPS category", "Customers": f"Customers on {view.start:%d %b %Y}"}),
             "Churn and revenue by NPS category")
    # two populations in one row: say which (191 customers beside an average over 185 payers read as a miscount)
    if ui.has_data(view, "revenue"):  # without revenue data "0 of the 7,032" paid read as a fact
        st.caption(f"Average MRR, NRR and GRR rest on the customers who paid in {base_month:%b %Y}: "
                   f"{int(cats.paying.sum()):,} of the {int(cats.customers.sum()):,}.")
    else:
        st.caption("Average MRR, NRR and GRR: not measurable, no revenue data for the period.")
    if cats.too_small.any():
        st.caption(f"Groups with fewer than {MIN_CUSTOMERS} customers are too small to compare.")


ui.section("From customer experience to value")
lacking = [kind for kind in ("nps", "customers", "revenue") if not ui.has_data(view, kind)]
for kind in lacking:  # the links below need all three; the empty states say what is missing
    ui.empty_state(kind)
worth = ui.cached(value.value_summary, view, ui.gross_margin())
cats = worth["categories"]  # linkage.by_category, read once with the value figures
population = int(cats.customers.sum())
if population:
    value_by_category(view, worth, cats, ui.cached(linkage.coverage, view, worth["current"]))
elif not lacking:  # no chart of nothing, no "0 customers" table: say why the link cannot be drawn
    st.caption(f"No customer active on {view.start:%d %b %Y} has an NPS answer from before that date (or none is "
               "active then), so churn and revenue cannot be compared by NPS category for this period: the "
               "comparison starts from those customers and their latest earlier answer.")


def nps_or_dash(values, counts) -> list[str]:
    """NPS as text, or "—" where it rests on fewer than MIN_RESPONSES responses."""
    return [fmt(v, "nps") if n >= MIN_RESPONSES else "—" for v, n in zip(values, counts, strict=True)]


left, right = st.columns(2)
with left:
    st.markdown("**Top movers by segment** (NPS vs the previous period)")
    movers = ui.cached(nps.movers, view, "segment")
    st.caption(f"Significant changes first (z-test, both periods n ≥ {MIN_RESPONSES}), then the largest changes.")
    if movers.empty:
        st.caption("No responses in the period.")
    else:
        small = (movers.n < MIN_RESPONSES) | (movers.previous_n < MIN_RESPONSES)  # no NPS or change below the minimum
        ui.table(movers.assign(
            nps=nps_or_dash(movers.nps, movers.n), previous=nps_or_dash(movers.previous, movers.previous_n),
            change=["—" if s_ else fmt_delta(v, "nps") or "—" for v, s_ in zip(movers.change, small, strict=True)],
            # no change shown, no verdict on it
            significant=["—" if s_ else "yes" if sig else "no" for sig, s_ in zip(movers.significant, small,
                                                                                 strict=True)],
        )[["value", "nps", "n", "previous", "change", "significant"]].rename(columns={
            "value": "Segment", "nps": "NPS", "n": "n", "previous": "Before", "change": "Change",
            "significant": "Significant"}), "Top movers by segment")
        if small.any():
            st.caption(f"“—”: fewer than {MIN_RESPONSES} responses in the period or the one before.")
with right:
    moves = ui.cached(value.transitions, view, ui.current_snapshot().versions)
    same_day = ui.cached(value.same_day_pairs, view) if ui.has_data(view, "nps") else 0
    # a customer's two answers of one day (a survey dated by its as-of date) have no known order: said, not drawn
    unordered = (f" {plural(same_day, 'answer')} {'was' if same_day == 1 else 'were'} given the same day as the "
                 "customer's previous one: their order is not known, so they make no move.") if same_day else ""
    if moves.empty:
        st.caption("No customer answered twice on different days with the later answer in this period."
                   + unordered)
    else:
        ui.chart(charts.transition_heatmap(moves))
        worse = moves[(moves.from_category == "Promoter") & (moves.to_category == "Detractor")]
        down = int(worse.pairs.sum())
        # their ARR is a sum only where the revenue data reaches the period: "$0" without it read as "none at stake"
        arr = ("" if not down else
               f", with {fmt_currency(METRICS['arr'].evaluate(mrr=worse.mrr.sum()))} ARR summed over them"
               if ui.has_data(view, "revenue") else ", their ARR not known: no revenue data for the period")
        st.caption(f"Counts are response pairs (a response and the same customer's previous one), not customers: "
                   f"{plural(int(moves.pairs.sum()), 'pair')}. Promoter → detractor: {plural(down, 'pair')}"
                   f"{arr}.{unordered}")

ui.risk_row(view, worth["revenue_at_risk"])  # ARR at risk (model), revenue at risk (NPS gap), top themes
ui.page_footer(view, "pages/ceo.py")
