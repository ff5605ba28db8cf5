"""CMO: how do customers feel, where, and what are they saying?"""

import pandas as pd
import streamlit as st

import charts
import theme_editor
import ui
from metrics import linkage, nps, revenue, stats, voice
from metrics.definitions import METRICS, SENTIMENT_METHOD, fmt, fmt_currency, fmt_nps, fmt_pct, plural
from metrics.ingest.export import safe_csv
from metrics.rules import NPS_SCALE, PROMOTER_MIN
from metrics.stats import ratio


def signed(v: float) -> str:
    """+0.25, −0.10; a value that rounds to zero is 0.00 (not "-0.00")."""
    text = f"{v:+.2f}"
    return "0.00" if text in ("+0.00", "-0.00") else text


# Two tables, what each theme is worth and what its comments say: one table of eight columns hid the last ones,
# churn after a mention among them, beyond the page's right edge.
def worth_table(d: pd.DataFrame) -> pd.DataFrame:
    """The themes as ranked: mentions, ARR at stake (all / negative comments) and churn after a mention."""
    churn = [("not measurable" if isinstance(r, str) and r else "—" if stats.missing(a) else
              f"{fmt_pct(a)} vs {fmt_pct(b)}" + (" (significant)" if sig is True else ""))
             for r, a, b, sig in zip(d.not_measurable, d.mentioned_churn, d.other_churn, d.churn_significant,
                                     strict=True)] if "not_measurable" in d.columns else ["—"] * len(d)
    return pd.DataFrame({
        "Theme": d.theme, "Mentions": d.mentions.map(lambda v: fmt(v, "int")),
        "ARR at stake": d.arr_at_stake.map(fmt_currency),
        "ARR at stake (negative comments)": d.arr_at_stake_negative.map(fmt_currency),
        "Churn after a mention vs other commenters": churn,
    })


def said_table(d: pd.DataFrame) -> pd.DataFrame:
    """Who raises each theme and in what tone, intervals in brackets."""
    return pd.DataFrame({
        "Theme": d.theme,
        "Among detractors": ui.with_interval(d.detractor_share, d.detractor_low, d.detractor_high, "pct"),
        "Among promoters": ui.with_interval(d.promoter_share, d.promoter_low, d.promoter_high, "pct"),
        "Mean sentiment": [("—" if stats.missing(v) else signed(v)) + ("" if stats.missing(lo) else
                           f" ({signed(lo)} to {signed(hi)})") for v, lo, hi in
                           zip(d.mean_sentiment, d.sentiment_low, d.sentiment_high, strict=True)],
    })


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
        ui.tile_note(column, too_few)

if now.n:  # no response in the period: the tiles say why; no axes of nothing
    left, right = st.columns(2)
    with left:
        ui.nps_by_month(view)
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
now_cats = ui.cached(linkage.current_by_category, view).set_index("category")
a1, a2, a3, a4 = st.columns(4)
# starts come from the customers file: without one, "0 new customers" would be a plausible wrong figure
ui.kpi(a1, "new_customers", churn.started.sum() if not churn.empty and ui.has_data(view, "customers") else None)
ui.kpi(a2, "new_mrr", mrr.new.sum() if not mrr.empty and ui.has_data(view, "revenue") else None)
if ui.has_data(view, "customers"):
    ui.nps_kpi(a3, newcomers, None, label="New customers' NPS")
else:  # "n = 0, fewer than 30 responses" would read as no new customer answering: the list of who is new is missing
    ui.kpi(a3, "nps", None, label="New customers' NPS")
    ui.tile_note(a3, "not measurable: needs a customer list for the period")
ui.tile_note(a3, f"all customers: {fmt_nps(now.value) if not too_few else f'—, {too_few}'}")
promoters = now_cats.loc["Promoter"] if "Promoter" in now_cats.index else None
ui.kpi(a4, "advocates", None if promoters is None else promoters.customers, label="Promoters (advocates)")
if promoters is not None and ui.has_data(view, "revenue"):
    ui.tile_note(a4, f"current customers in {view.end:%b %Y} (active or paying) whose latest answer is "
               f"{PROMOTER_MIN}–{NPS_SCALE[1]}, holding {fmt_currency(promoters.arr)} ARR")

ui.section("What customers say")
said = ui.cached(voice.sentiment_shares, view, versions) if ui.comments_ready(view.snapshot) else None
if said is None:
    pass  # the analysis of this data version's comments is under way: comments_ready says so
elif said.empty:
    st.caption("No comments in this period.")
else:
    overall = said.iloc[0]
    s1, s2, s3, s4 = st.columns(4)
    ui.kpi(s1, "comments", int(overall.comments))
    ui.kpi(s2, "sentiment_coverage", overall.coverage)
    ui.tile_note(s2, f"{int(overall.scored):,} of {plural(int(overall.comments), 'comment')} scored (language covered)")
    for column, label in ((s3, "positive"), (s4, "negative")):
        small = stats.too_few(int(overall.scored), stats.MIN_RESPONSES, "scored comments")
        ui.kpi(column, f"sentiment_{label}", None if small else overall[f"{label}_share"], inverse=label == "negative")
        ui.tile_note(column, small or f"95%: {fmt_pct(overall[f'{label}_low'])}–{fmt_pct(overall[f'{label}_high'])} · "
                                f"of {int(overall.scored):,} scored comments")
    st.caption(f"Sentiment is read from each comment's text alone, never from its score ({SENTIMENT_METHOD}). "
               "A share describes many comments; it is never a verdict on one comment.")
    monthly = ui.cached(voice.sentiment_by_month, view, versions)
    if monthly.empty or monthly.too_small.all():  # an empty plot with one 0% tick reads as a fault, or as 0%
        st.caption(f"No month of the period has {stats.MIN_RESPONSES} scored comments, so sentiment is not drawn "
                   "by month; the shares above pool the whole period.")
    else:
        ui.chart(charts.sentiment_trend(monthly))
    if not monthly.empty and monthly.too_small.any() and not monthly.too_small.all():
        st.caption(f"Months with fewer than {stats.MIN_RESPONSES} scored comments are left out of the chart: "
                   + ", ".join(f"{m:%b %Y}" for m in monthly.month[monthly.too_small]) + ".")

    ui.section("Themes and what they are worth")
    tm = theme_editor.current_version()  # one theme-map version for every theme figure below
    drivers = ui.cached(voice.themes, view, versions, tm)
    read = ui.cached(voice.theme_languages, view, versions, tm)
    if read["read"] < read["comments"]:  # comments in a language the map has no keywords for raise no theme
        unread = read["comments"] - read["read"]
        which = ", ".join(f"{'language not recognised' if g == voice.NOT_RECOGNISED else g}: {n:,}"
                          for g, n in read["other"].items())
        st.caption(f"{unread:,} of {plural(read['comments'], 'comment')} ({which}) {'is' if unread == 1 else 'are'} "
                   f"in no theme figure below: themes are read in the theme map's languages "
                   f"({', '.join(read['languages'])}) only.")
    if drivers.empty:
        st.caption("No comment in this period raises a known theme.")
    else:
        unknown = drivers.attrs["stake_unknown"]
        if unknown:  # every theme would read $0: no figure and no chart rather than a wrong one
            ui.notice(f"ARR at stake is not measurable here: {unknown}. Themes are ranked by mentions.",
                      icon=":material/info:")
        else:
            ui.chart(charts.theme_arr_bars(drivers, f"ARR at stake by theme, {view.end:%b %Y}"))
        pinned = {"Theme": st.column_config.TextColumn("Theme", pinned=True)}
        ui.table(worth_table(drivers), "Themes ranked by " + ("mentions" if unknown else "ARR at stake"),
                 column_config=pinned)
        ui.table(said_table(drivers), "Who raises each theme, and in what tone", column_config=pinned)
        st.caption(f"ARR at stake: {METRICS['arr_at_stake'].definition} Praise raises a theme too (“fast” raises "
                   "performance), so the ARR of customers who raised it in a negative comment is beside it. Shares "
                   "among detractors / promoters: of the period's detractor / promoter comments, those raising the "
                   "theme (Wilson 95%). Churn after a mention: "
                   + METRICS["churn_after_mention"].definition)
        st.markdown("**Example comments per theme** (the most negative first; quoted as written)")
        said_per_theme = ui.cached(voice.quotes_by_theme, view, versions, tuple(drivers.theme), 3, "negative", tm)
        examples = [{"Theme": t, "Comment": q} for t in drivers.theme for q in said_per_theme[t]]
        if examples:
            ui.table(pd.DataFrame(examples), "Example comments per theme",
                     column_config={"Comment": st.column_config.TextColumn("Comment", width="large")})
        else:
            st.caption("No negative comment raises a theme in this period.")
    theme_editor.version_note(tm)
    if not ui.presenting():
        def export() -> bytes:  # built on click, not on every view: a year's comments can be a million rows
            return safe_csv(voice.comments_export(ui.workspace().cursor(), view, versions, tm))

        st.download_button("Download comments (CSV)", data=export, file_name=f"comments-v{view.snapshot}-"
                           f"tm{tm}-{view.start:%Y%m}-{view.end:%Y%m}.csv", mime="text/csv", icon=":material/download:",
                           key="comments_csv", on_click="ignore")
        st.caption(f"{plural(int(overall.comments), 'comment')} of the period with language, sentiment, score and "
                   "themes. Cells that a spreadsheet would read as a formula start with an apostrophe.")

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
