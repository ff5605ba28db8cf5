"""CIO: can these numbers be trusted? What is loaded, how well sources match, how fresh, what is wrong."""


import pandas as pd
import streamlit as st

import charts
import theme_editor
import ui
from metrics import health, nps, risk, voice
from metrics.build import build_source
from metrics.definitions import (
    METRICS,
    REVENUE_AFTER_CHURN_RULE,
    REVENUE_STOPPED_RULE,
    SENTIMENT_METHOD,
    fmt_currency,
    fmt_int,
    fmt_money,
    fmt_pct,
    plural,
)
from metrics.ingest.export import safe_csv
from metrics.stats import missing
from metrics.view import View


def interval_text(value, low, high, pattern: str) -> str:
    """'0.643 (0.617–0.675)'; the value alone without an interval; '—' without a value."""
    if missing(value):
        return "—"
    return pattern.format(value) + ("" if missing(low) else f" ({pattern.format(low)}–{pattern.format(high)})")


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
if built := build_source(cur, snap.snapshot):  # a data version opened from `python -m metrics.build --register`
    st.caption(ui.md_escape(built))
today = ui.today()
sources = ui.cached(health.sources, snap, today)
rates = ui.cached(health.match_rates, snap)
stopped = ui.cached(health.revenue_stopped_while_active, snap)
spellings = ui.cached(health.id_spellings, snap)

c1, c2, c3, c4 = st.columns(4)
ui.kpi(c1, "coverage", rates["responses_linked"], label="Responses linked")
ui.kpi(c2, "revenue_linked", rates["revenue_linked"])
ui.kpi(c3, "coverage", rates["active_surveyed"], label="Customers surveyed")
stale = sources["days_old"].dropna()
ui.kpi(c4, "freshness", stale.max() if not stale.empty else None, suffix=" days", label="Oldest source")
# counted to the day the page is viewed, not pinned with the data version: a shared link's data is the same, its
# sources a day older each day
ui.tile_note(c4, f"its latest date to today, {today:%Y-%m-%d}")
if spellings["ids"]:  # reported, never merged: which spelling is right is the analyst's call (and the export's fix)
    ui.id_spellings_warning(spellings)

ui.section("Sources in this data version")
ui.table(pd.DataFrame({
    "Source": sources.source, "Version": sources.version.map(fmt_int), "File": sources.file.fillna("—"),
    "Rows stored": sources.rows.map(fmt_int), "Notes": ui.upload_notes(sources.notes),
    "First date": ui.dates(sources.first_date), "Last date": ui.dates(sources.last_date),
    "Uploaded (UTC)": ui.dates(sources.uploaded_at, "%Y-%m-%d %H:%M"),
    "Days since last date": sources.days_old.map(fmt_int),
}), "Sources in this data version")
st.caption("Rows stored: revenue as customer-months (a subscription is a row for each month it runs; a month's "
           "invoice lines are one row), tickets one per ticket; other kinds as in the file, less the rows left out "
           "(Notes: what the upload left out or read in a stated way, as said when it was stored).")

volumes = ui.cached(health.monthly_volumes, snap)
surveyed, paid = snap.versions.get("nps") is not None, snap.versions.get("revenue") is not None
left, right = st.columns(2)
with left:  # a chart of a kind not uploaded would be an axis of zeros: its caption says so instead
    if surveyed:
        ui.chart(charts.volume_bars(volumes, "responses", "NPS responses per month", "Responses"))
    else:
        st.caption("NPS responses per month: no NPS responses uploaded.")
with right:
    if paid:
        ui.chart(charts.volume_bars(volumes, "paying_customers", "Paying customers per month", "Customers"))
    else:
        st.caption("Paying customers per month: no revenue uploaded.")

left, right = st.columns(2)
with left:
    if surveyed and snap.versions.get("customers") is not None:
        linked = volumes.assign(share=volumes.linked_responses / volumes.responses.where(volumes.responses > 0))
        ui.chart(charts.trend(linked, "share", "Responses linked to a known customer, by month", "Linked", "pct"))
    else:
        st.caption("Responses linked to a known customer: needs NPS responses and a customers file.")
with right:
    if view is not None and surveyed:  # like every figure here: all months, segments and regions of the version
        everything = View(snap.snapshot, snap.first_month, snap.last_month)
        mix = ui.cached(nps.channel_mix, everything)
        # the scope under the chart, not in its title: a half-width title was cut off ("(every month s…")
        ui.chart(charts.channel_bars(mix, "Responses by channel, "
                                          + ui.months_span(snap.first_month, snap.last_month)))
        st.caption("Every month of this data version, all segments and regions.")

ui.section("Findings")
lacking = [noun for kind, noun in (("customers", "customers file"), ("revenue", "revenue data"))
           if snap.versions.get(kind) is None]
if lacking:  # a check that could not run is not a check passed
    ui.notice("Revenue that stopped while the customers file lists the customer as active: not checked, this data "
              f"version has no {' and no '.join(lacking)}.", icon=":material/help:")
elif stopped.empty:
    st.success("No customer's revenue stopped while the customers file lists it as active.")
else:
    st.warning(f"**{plural(stopped.customer_id.nunique(), 'customer')}** stopped paying in a month the customers file "
               f"lists them as active; check billing or the customers export. {REVENUE_STOPPED_RULE}")
    st.dataframe(pd.DataFrame({"Customer": stopped.customer_id, "Month MRR stopped": ui.dates(stopped.month, "%b %Y"),
                               "MRR the month before": stopped.last_mrr.map(fmt_money),
                               "Segment": stopped.segment}).head(200), hide_index=True, width="stretch")
if not lacking and not (after := ui.cached(health.revenue_after_churn, snap)).empty:
    st.warning(f"**{plural(len(after), 'customer')}** the customers file says churned still "
               f"{'pays' if len(after) == 1 else 'pay'} in a later month; check the revenue export's end dates or "
               f"the customers export. {REVENUE_AFTER_CHURN_RULE}")
    st.dataframe(pd.DataFrame({"Customer": after.customer_id, "Churned in": ui.dates(after.churn_month, "%b %Y"),
                               "Months paid after": after.months_paid.map(fmt_int),
                               "Latest month paid": ui.dates(after.last_month, "%b %Y"),
                               "MRR then": after.last_mrr.map(fmt_money),
                               "Segment": after.segment}).head(200), hide_index=True, width="stretch")
st.caption(f"Responses linked {fmt_pct(rates['responses_linked'])} · revenue rows matched "
           f"{fmt_pct(rates['revenue_linked'])} · active customers surveyed {fmt_pct(rates['active_surveyed'])}.")

ui.section("Churn risk model")
try:
    model = ui.risk_model(snap.snapshot)  # None while it trains in the background
    if model is None:
        ui.training(snap.snapshot)
except RuntimeError as exc:
    model = None
    st.error(f"The churn model could not be trained on this data version: {ui.md_escape(exc)}")
if model is not None and not model.measurable:
    ui.notice(ui.md_escape(risk.verdict(model)), icon=":material/block:")
elif model is not None:
    ui.notice(ui.md_escape(risk.verdict(model)), "success" if model.beats_baselines else "warning")
    auc, lift = model.auc, model.top_decile_lift
    m1, m2, m3, m4 = st.columns(4)
    ui.tile(m1, METRICS["churn_model_auc"].label, f"{auc.estimate:.3f}", help=METRICS["churn_model_auc"].definition)
    ui.tile_note(m1, f"95%: {auc.low:.3f}–{auc.high:.3f} (0.5 = no better than chance)")
    ui.tile(m2, METRICS["top_decile_lift"].label, f"{lift.estimate:.2f}×", help=METRICS["top_decile_lift"].definition)
    ui.tile_note(m2, f"95%: {lift.low:.2f}–{lift.high:.2f}")
    ui.tile(m3, "Hold-out rows", fmt_int(model.n_holdout),
            help="Customer × start month rows of the hold-out months, never used in training.")
    ui.tile_note(m3, f"{model.holdout_events:,} churned within three months "
               f"({fmt_pct(model.holdout_events / model.n_holdout)})")
    at_risk = risk.arr_at_risk_for(model)
    ui.tile(m4, METRICS["arr_at_risk_model"].label, fmt_currency(at_risk["arr_at_risk"]),
            help=METRICS["arr_at_risk_model"].definition)
    ui.tile_note(m4, f"95%: {fmt_currency(at_risk['low'])}–{fmt_currency(at_risk['high'])} of "
               f"{fmt_currency(at_risk['arr'])} ARR · {plural(at_risk['accounts'], 'account')} · next 3 months")
    st.caption(f"Hold-out start months: {model.holdout_months[0]:%b %Y} – {model.holdout_months[-1]:%b %Y} "
               f"({plural(len(model.holdout_months), 'month')}); trained on start months "
               f"{model.train_months[0]:%b %Y} – {model.train_months[-1]:%b %Y} ({plural(model.n_train, 'row')}, "
               f"{model.train_events:,} churned), whose "
               "three-month outcome ends before the hold-out starts. Accounts are scored as of "
               f"{model.as_of:%b %Y}." + risk.sample_note(model))
    left, right = st.columns(2)
    with left:
        q = risk.quality_table(model)
        ui.table(pd.DataFrame({
            "Score (same hold-out rows)": q.score,
            "AUC (95%)": [interval_text(a, lo, hi, "{:.3f}") for a, lo, hi in zip(q.auc, q.auc_low, q.auc_high,
                                                                                 strict=True)],
            "Model − this (95%)": [interval_text(a, lo, hi, "{:+.3f}") for a, lo, hi in
                                   zip(q.difference, q.difference_low, q.difference_high, strict=True)],
        }), "Model quality against the baselines")
    with right:
        ui.chart(charts.calibration(model.calibration))
    ranked = risk.risk_list(model)
    st.markdown(f"**Accounts most likely to churn in the next three months** (ranked by "
                f"{'the model' if model.ranked_by == 'model' else risk.BASELINES[model.ranked_by]}; "
                f"the first 50 of {len(ranked):,})")
    ui.table(pd.DataFrame({
        "Customer": ranked.customer_id, "Segment": ranked.segment, "Region": ranked.region,
        "Churn probability": ranked.probability.map(fmt_pct), "ARR": ranked.arr.map(fmt_currency),
        "Reason 1": ranked.reason_1, "Reason 2": ranked.reason_2, "Reason 3": ranked.reason_3,
    }).head(50), "Accounts most likely to churn", download=False)  # its own download below holds every account
    if theme_editor.current_version() > 0:  # the model's theme features are fixed when it is trained
        st.caption("Theme reasons (\"mentions …\") use the shipped theme map (version 0), on which the model was "
                   "trained; renamed or merged themes on the Data page do not change them.")
    if not ui.presenting():
        st.download_button("Download the risk list (CSV)", data=safe_csv(ranked),
                           file_name=f"churn-risk-v{snap.snapshot}.csv", mime="text/csv", icon=":material/download:",
                           key="risk_csv", on_click="ignore")

ui.section("Sentiment coverage")
if view is None or snap.versions.get("nps") is None:
    st.caption("No NPS responses in this data version.")
elif ui.comments_ready(snap.snapshot):  # else it says the analysis is under way
    everything = View(snap.snapshot, snap.first_month, snap.last_month)
    left, right = st.columns(2)
    for column, by in ((left, "language"), (right, "channel")):
        cov = ui.cached(voice.sentiment_shares, everything, snap.versions, by)
        with column:
            if cov.empty:
                st.caption("No comments in this data version.")
                continue
            ui.table(pd.DataFrame({
                by.capitalize(): cov.group, "Comments": cov.comments.map(fmt_int), "Scored": cov.scored.map(fmt_int),
                "Coverage": cov.coverage.map(fmt_pct),
                "Negative (95%)": [("—" if small else interval_text(v, lo, hi, "{:.1%}")) for v, lo, hi, small in
                                   zip(cov.negative_share, cov.negative_low, cov.negative_high, cov.too_small,
                                       strict=True)],
            }), f"Sentiment coverage by {by}")
    st.caption(f"{METRICS['sentiment_coverage'].definition} All comments of the data version. Method: "
               f"{SENTIMENT_METHOD}. “—”: fewer than 30 scored comments.")

ui.section("Upload history")
ui.upload_history()
ui.page_footer(view, "pages/cio.py")
