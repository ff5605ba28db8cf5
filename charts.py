"""Altair charts: pure functions from small aggregated frames to `alt.Chart` (tested via `to_dict()`).

Every chart has a title and axis titles; NPS categories have the same colours everywhere.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from metrics.rules import MIN_RESPONSES

CATEGORY_COLORS = {"Promoter": "#2e7d32", "Passive": "#f9a825", "Detractor": "#c62828", "No response": "#9e9e9e"}
CATEGORY_SCALE = alt.Scale(domain=list(CATEGORY_COLORS), range=list(CATEGORY_COLORS.values()))
MOVEMENT_COLORS = {"New": "#1565c0", "Reactivation": "#6a1b9a", "Expansion": "#2e7d32",
                   "Contraction": "#ef6c00", "Churned": "#c62828"}
HEIGHT = 280
# Vega-Lite format strings, one per display format. "%" without a precision lets Vega pick the digits from the
# tick step, so ticks 0.5% apart read "0.5% 1.0% 1.5%", never "0% 1% 1% 2%".
# "~%": the precision comes from the tick step, trailing zeros trimmed (a chart with no values read "0.000000%").
AXIS_FORMAT = {"currency": "$,.3~s", "pct": "~%", "nps": "+.0f", "int": ",.0f", "hours": ",.3~r"}
TOOLTIP_FORMAT = {"currency": "$,.0f", "pct": ".1%", "nps": "+.1f", "int": ",.0f", "hours": ",.1f"}


def value_axis(fmt: str) -> alt.Axis:
    """The value axis of a figure of this format; counts get whole-number ticks only (",.0f" on ticks at 0.5
    read "0, 1, 1, 2, 2")."""
    return alt.Axis(format=AXIS_FORMAT[fmt], tickMinStep=1) if fmt == "int" else alt.Axis(format=AXIS_FORMAT[fmt])


# Values that span less than this share of the largest are flat: the value axis starts at 0 (a flat $300 bridge drew
# an axis of $298–$300, an NRR of 100% every month one of 99.9%–100.1%, on which nothing moving looked like movement).
# One rule for every chart whose axis otherwise leaves out 0 (waterfall_floor, multi_trend).
FLAT_BRIDGE_SHARE = 0.005


def is_flat(values) -> bool:
    """Whether these values (missing ones ignored) span less than FLAT_BRIDGE_SHARE of the largest in size, or are
    all equal (e.g. all 0): a flat or near-flat series, drawn on an axis from 0."""
    v = pd.Series(list(values), dtype="float64").dropna()
    if v.empty:
        return False
    low, high = float(v.min()), float(v.max())
    return high == low or high - low < FLAT_BRIDGE_SHARE * float(v.abs().max())


def _month_axis(title: str = "Month") -> alt.X:
    return alt.X("month:T", title=title, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount="month"))


def _runs(months: pd.Series) -> pd.Series:
    """A number per stretch of consecutive months: a line is drawn within a stretch only, so a month left out (too
    few answers) is a gap, not a straight segment from the month before to the month after (which reads as two
    measured months and a measured trend between them)."""
    stamp = pd.to_datetime(months)
    index = stamp.dt.year * 12 + stamp.dt.month
    return (index.diff() != 1).cumsum().astype(int)


def trend(frame: pd.DataFrame, y: str, title: str, y_title: str, fmt: str,
          band: tuple[str, str] | None = None, color: str = "#1f4e79") -> alt.Chart:
    """A monthly line, with an optional interval band (e.g. NPS 95% interval); broken where a month is missing."""
    frame = frame.sort_values("month").assign(run=lambda f: _runs(f["month"]))
    base = alt.Chart(frame)
    tooltip = [alt.Tooltip("month:T", title="Month", format="%B %Y"),
               alt.Tooltip(f"{y}:Q", title=y_title, format=TOOLTIP_FORMAT[fmt])]
    if "n" in frame.columns:
        tooltip.append(alt.Tooltip("n:Q", title="Responses (n)", format=",.0f"))
    line = base.mark_line(point=True, color=color).encode(
        x=_month_axis(), y=alt.Y(f"{y}:Q", title=y_title, axis=value_axis(fmt)), detail="run:N",
        tooltip=tooltip)
    layers = [line]
    if band:
        layers.insert(0, base.mark_area(opacity=0.18, color=color).encode(
            x=_month_axis(), y=alt.Y(f"{band[0]}:Q"), y2=alt.Y2(f"{band[1]}:Q"), detail="run:N"))
    return alt.layer(*layers).properties(title=title, height=HEIGHT)


def multi_trend(frame: pd.DataFrame, series: dict[str, str], title: str, y_title: str, fmt: str) -> alt.Chart:
    """Several monthly series on one axis; `series` maps column -> legend label. The axis leaves out 0 so movement
    shows, except when all the values are flat (is_flat): then it starts at 0, so noise is not drawn as movement.
    A series with no value at all is left out of the legend (a legend entry with no line reads as a line at 0 hidden
    under another: tickets "Solved" of an export without solve times)."""
    series = {c: label for c, label in series.items() if frame[c].notna().any()} or series
    long = frame.melt(id_vars="month", value_vars=list(series), var_name="series", value_name="value")
    long["series"] = long["series"].map(series)
    return alt.Chart(long).mark_line(point=True).encode(
        x=_month_axis(),
        y=alt.Y("value:Q", title=y_title, axis=value_axis(fmt), scale=alt.Scale(zero=is_flat(long["value"]))),
        color=alt.Color("series:N", title=None, sort=list(series.values()), legend=alt.Legend(orient="right")),
        tooltip=[alt.Tooltip("month:T", title="Month", format="%B %Y"), alt.Tooltip("series:N", title="Series"),
                 alt.Tooltip("value:Q", title=y_title, format=TOOLTIP_FORMAT[fmt])],
    ).properties(title=title, height=HEIGHT)


def category_bars(frame: pd.DataFrame, value: str, title: str, x_title: str, fmt: str,
                  interval: tuple[str, str] | None = None) -> alt.Chart:
    """One horizontal bar per NPS category in its colour, with an optional interval whisker."""
    order = [c for c in CATEGORY_COLORS if c in set(frame["category"])]
    y = alt.Y("category:N", title=None, sort=order)
    bars = alt.Chart(frame).mark_bar().encode(
        y=y, x=alt.X(f"{value}:Q", title=x_title, axis=value_axis(fmt)),
        color=alt.Color("category:N", scale=CATEGORY_SCALE, legend=None),
        tooltip=[alt.Tooltip("category:N", title="Category"),
                 alt.Tooltip(f"{value}:Q", title=x_title, format=TOOLTIP_FORMAT[fmt])])
    layers = [bars]
    if interval:
        layers.append(alt.Chart(frame).mark_rule(color="#333", strokeWidth=1.5).encode(
            y=y, x=alt.X(f"{interval[0]}:Q"), x2=alt.X2(f"{interval[1]}:Q")))
    return alt.layer(*layers).properties(title=title, height=alt.Step(40))


def dimension_bars(frame: pd.DataFrame, title: str, y_title: str) -> alt.Chart:
    """NPS per group with its 95% interval; groups with n < MIN_RESPONSES drawn pale."""
    small, enough = f"n < {MIN_RESPONSES}: too small", f"n ≥ {MIN_RESPONSES}"
    frame = frame.assign(reliability=frame["too_small"].map({True: small, False: enough}))
    y = alt.Y("value:N", title=y_title, sort="-x", axis=alt.Axis(labelLimit=220))
    bars = alt.Chart(frame).mark_bar(color="#1f4e79").encode(
        y=y, x=alt.X("nps:Q", title="NPS", scale=alt.Scale(domain=[-100, 100])),
        opacity=alt.Opacity("reliability:N", scale=alt.Scale(domain=[enough, small],
                                                            range=[1.0, 0.35]), title=None),
        tooltip=[alt.Tooltip("value:N", title=y_title), alt.Tooltip("nps:Q", title="NPS", format="+.1f"),
                 alt.Tooltip("low:Q", title="95% low", format="+.1f"),
                 alt.Tooltip("high:Q", title="95% high", format="+.1f"),
                 alt.Tooltip("n:Q", title="Responses (n)", format=",.0f")])
    rule = alt.Chart(frame).mark_rule(color="#333").encode(y=y, x="low:Q", x2="high:Q")
    return alt.layer(bars, rule).properties(title=title, height=alt.Step(36))


def score_histogram(frame: pd.DataFrame, title: str = "Score distribution") -> alt.Chart:
    answered = [c for c in CATEGORY_COLORS if c != "No response"]
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("score:O", title="Score (0–10)", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("responses:Q", title="Responses", axis=alt.Axis(format=",.0f")),
        color=alt.Color("category:N", title="Category",
                        scale=alt.Scale(domain=answered, range=[CATEGORY_COLORS[c] for c in answered])),
        tooltip=[alt.Tooltip("score:O", title="Score"), alt.Tooltip("responses:Q", title="Responses", format=","),
                 alt.Tooltip("share:Q", title="Share", format=".1%")],
    ).properties(title=title, height=HEIGHT)


def movements(frame: pd.DataFrame, title: str = "MRR movements per month") -> alt.Chart:
    """Gains above zero, losses below, stacked per month."""
    cols = {"new": "New", "reactivation": "Reactivation", "expansion": "Expansion",
            "contraction": "Contraction", "churned": "Churned"}
    long = frame.dropna(subset=["start_mrr"]).melt(id_vars="month", value_vars=list(cols), var_name="movement",
                                                   value_name="amount")
    long["movement"] = long["movement"].map(cols)
    long.loc[long["movement"].isin(["Contraction", "Churned"]), "amount"] *= -1
    return alt.Chart(long).mark_bar().encode(
        x=_month_axis(), y=alt.Y("sum(amount):Q", title="MRR change", axis=value_axis("currency")),
        color=alt.Color("movement:N", title=None, sort=list(cols.values()),
                        scale=alt.Scale(domain=list(MOVEMENT_COLORS), range=list(MOVEMENT_COLORS.values())),
                        legend=alt.Legend(orient="right")),
        tooltip=[alt.Tooltip("month:T", title="Month", format="%B %Y"), alt.Tooltip("movement:N", title="Movement"),
                 alt.Tooltip("sum(amount):Q", title="MRR", format="$,.0f")],
    ).properties(title=title, height=HEIGHT)


def volume_bars(frame: pd.DataFrame, y: str, title: str, y_title: str) -> alt.Chart:
    return alt.Chart(frame).mark_bar(color="#1f4e79").encode(
        x=_month_axis(), y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=",.0f")),
        tooltip=[alt.Tooltip("month:T", title="Month", format="%B %Y"),
                 alt.Tooltip(f"{y}:Q", title=y_title, format=",.0f")],
    ).properties(title=title, height=HEIGHT)


def _bridge_levels(frame: pd.DataFrame) -> tuple[float, float, list[tuple[str, float]]]:
    f = frame.dropna(subset=["start_mrr"])
    start, end = float(f.start_mrr.iloc[0]), float(f.mrr.iloc[-1])
    steps = [("New", f.new.sum()), ("Reactivation", f.reactivation.sum()), ("Expansion", f.expansion.sum()),
             ("Contraction", -f.contraction.sum()), ("Churned", -f.churned.sum())]
    return start, end, [(name, float(amount)) for name, amount in steps]


def waterfall_floor(frame: pd.DataFrame) -> float:
    """Where the bridge's MRR axis starts: below the lowest level by half the levels' range, rounded down to a
    round number (never below 0), so a month's movements are not slivers on a bar drawn from $0; at 0 when the
    levels span less than FLAT_BRIDGE_SHARE of MRR (flat or near-flat: there is no movement to make visible)."""
    start, end, steps = _bridge_levels(frame)
    running, points = start, [start, end]
    for _name, amount in steps:
        running += amount
        points.append(running)
    if is_flat(points):
        return 0.0
    low, high = min(points), max(points)
    span = max(high - low, abs(high) * 0.01, 1.0)
    unit = 10 ** math.floor(math.log10(span))
    return max(0.0, math.floor((low - span / 2) / unit) * unit)


def waterfall(frame: pd.DataFrame, title: str = "MRR bridge over the period") -> alt.Chart:
    """Start MRR, each movement summed over the period, end MRR: floating bars that add up exactly. The axis
    starts at waterfall_floor() (stated in the axis title), not at zero."""
    start, end, steps = _bridge_levels(frame)
    floor = waterfall_floor(frame)
    rows, level = [{"step": "Start MRR", "low": floor, "high": start, "amount": start, "kind": "Level"}], start
    for name, amount in steps:
        rows.append({"step": name, "low": min(level, level + amount), "high": max(level, level + amount),
                     "amount": amount, "kind": name})
        level += amount
    rows.append({"step": "End MRR", "low": floor, "high": end, "amount": end, "kind": "Level"})
    data = pd.DataFrame(rows)
    colors = {"Level": "#1f4e79", **MOVEMENT_COLORS}
    top = max(data.high)
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("step:N", title=None, sort=list(data.step), axis=alt.Axis(labelAngle=-30, labelOverlap=False)),
        y=alt.Y("low:Q", title="MRR (axis does not start at 0)" if floor > 0 else "MRR",
                axis=value_axis("currency"),
                scale=alt.Scale(zero=False, domain=[floor, top + (top - floor) * 0.05], clamp=True)),
        y2="high:Q",
        color=alt.Color("kind:N", scale=alt.Scale(domain=list(colors), range=list(colors.values())), legend=None),
        tooltip=[alt.Tooltip("step:N", title="Step"), alt.Tooltip("amount:Q", title="MRR", format="$,.0f")],
    ).properties(title=title, height=HEIGHT)


def cohort_heatmap(matrix: pd.DataFrame, title: str, size_title: str = "Customers",
                   share_max: float | None = None) -> alt.Chart:
    """Cohort × age grid of retention shares with the value written in each observed cell. `share_max` fixes
    the colour scale's top (logo retention: 1.0, it cannot exceed 100%); otherwise it reaches the largest share
    (revenue retention can exceed 100%)."""
    long = matrix.melt(id_vars=["cohort", "size"], var_name="age", value_name="share").dropna(subset=["share"])
    long["age"] = long["age"].astype(int)
    top = share_max if share_max is not None else max(1.0, float(long["share"].max()) if len(long) else 1.0)
    base = alt.Chart(long).encode(
        x=alt.X("age:O", title="Months since first revenue", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("cohort:N", title="Cohort (first month)", sort=list(matrix.cohort)))
    cells = base.mark_rect().encode(
        color=alt.Color("share:Q", title="Retained", scale=alt.Scale(scheme="blues", domain=[0, top]),
                        legend=alt.Legend(format=".0%")),
        tooltip=[alt.Tooltip("cohort:N", title="Cohort"), alt.Tooltip("age:O", title="Age (months)"),
                 alt.Tooltip("share:Q", title="Retained", format=".1%"),
                 alt.Tooltip("size:Q", title=size_title, format=",.0f")])
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("share:Q", format=".0%"),
        color=alt.condition(f"datum.share > {0.6 * top}", alt.value("white"), alt.value("#222")))
    return alt.layer(cells, text).properties(title=title, height=alt.Step(22))


def transition_heatmap(frame: pd.DataFrame, title: str = "Moves between consecutive responses") -> alt.Chart:
    """Response pairs (a response and the same customer's previous one) by previous and latest category.
    It counts pairs, not customers: a customer who answered three times is two pairs."""
    order = ["Promoter", "Passive", "Detractor"]
    frame = frame.assign(dark=frame.pairs > frame.pairs.max() / 2)  # white text on dark cells
    base = alt.Chart(frame).encode(
        x=alt.X("to_category:N", title="Later response", sort=order, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("from_category:N", title="Previous response", sort=order))
    cells = base.mark_rect().encode(
        color=alt.Color("pairs:Q", title="Response pairs", scale=alt.Scale(scheme="greys")),
        tooltip=[alt.Tooltip("from_category:N", title="From"), alt.Tooltip("to_category:N", title="To"),
                 alt.Tooltip("pairs:Q", title="Response pairs", format=","),
                 alt.Tooltip("mrr:Q", title="MRR of the customers (summed over pairs)", format="$,.0f")])
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text("pairs:Q", format=","),
        color=alt.condition("datum.dark", alt.value("white"), alt.value("#222")))
    return alt.layer(cells, text).properties(title=title, height=alt.Step(48))


def channel_bars(frame: pd.DataFrame, title: str) -> alt.Chart:
    """Responses per survey channel, coloured digital vs assisted."""
    return alt.Chart(frame).mark_bar().encode(
        # labels up to 200 px: 'No channel recorded' was cut to 'No channel recor…' at the default 180
        y=alt.Y("value:N", title="Channel", sort="-x", axis=alt.Axis(labelLimit=200)),
        x=alt.X("n:Q", title="Responses", axis=alt.Axis(format=",.0f")),
        color=alt.Color("mode:N", title=None, scale=alt.Scale(domain=["Digital", "Assisted", "Unknown"],
                                                              range=["#1f4e79", "#ef6c00", "#9e9e9e"])),
        tooltip=[alt.Tooltip("value:N", title="Channel"), alt.Tooltip("mode:N", title="Mode"),
                 alt.Tooltip("n:Q", title="Responses", format=","), alt.Tooltip("nps:Q", title="NPS", format="+.0f")],
    ).properties(title=title, height=alt.Step(32))


SENTIMENT_COLORS = {"positive": "#2e7d32", "neutral": "#9e9e9e", "negative": "#c62828"}


def sentiment_trend(frame: pd.DataFrame, title: str = "Comment sentiment by month (band: 95% interval)") -> alt.Chart:
    """Positive and negative shares of scored comments per month, each with its Wilson 95% band; months with too
    few scored comments (too_small) are left out. Columns: month, {label}_share/_low/_high, scored, coverage."""
    keep = frame[~frame["too_small"]] if "too_small" in frame.columns else frame
    keep = keep.sort_values("month").assign(run=lambda f: _runs(f["month"]))  # no line across a left-out month
    parts = [pd.DataFrame({"month": keep["month"], "run": keep["run"], "sentiment": label,
                           "share": keep[f"{label}_share"],
                           "low": keep[f"{label}_low"], "high": keep[f"{label}_high"], "scored": keep["scored"],
                           "coverage": keep["coverage"]}) for label in ("positive", "negative")]
    long = pd.concat(parts, ignore_index=True)
    color = alt.Color("sentiment:N", title=None, scale=alt.Scale(domain=["positive", "negative"],
                      range=[SENTIMENT_COLORS["positive"], SENTIMENT_COLORS["negative"]]))
    base = alt.Chart(long)
    band = base.mark_area(opacity=0.18).encode(x=_month_axis(), y=alt.Y("low:Q"), y2=alt.Y2("high:Q"), color=color,
                                               detail="run:N")
    line = base.mark_line(point=True).encode(
        x=_month_axis(), y=alt.Y("share:Q", title="Share of scored comments", axis=value_axis("pct")),
        color=color, detail="run:N",
        tooltip=[alt.Tooltip("month:T", title="Month", format="%B %Y"), alt.Tooltip("sentiment:N", title="Sentiment"),
                 alt.Tooltip("share:Q", title="Share", format=".1%"),
                 alt.Tooltip("low:Q", title="95% low", format=".1%"),
                 alt.Tooltip("high:Q", title="95% high", format=".1%"),
                 alt.Tooltip("scored:Q", title="Scored comments", format=",.0f"),
                 alt.Tooltip("coverage:Q", title="Coverage", format=".0%")])
    return alt.layer(band, line).properties(title=title, height=HEIGHT)


def theme_arr_bars(frame: pd.DataFrame, title: str = "ARR at stake by theme") -> alt.Chart:
    """Per theme: ARR of the customers who raised it (bar) and of those who raised it in a negative comment
    (dark bar), ranked by ARR at stake. Columns: theme, arr_at_stake, arr_at_stake_negative, mentions."""
    long = frame.melt(id_vars=["theme", "mentions"], value_vars=["arr_at_stake", "arr_at_stake_negative"],
                      var_name="measure", value_name="arr")
    long["measure"] = long["measure"].map({"arr_at_stake": "raised the theme",
                                           "arr_at_stake_negative": "raised it in a negative comment"})
    order = list(frame.sort_values("arr_at_stake", ascending=False)["theme"])
    return alt.Chart(long).mark_bar().encode(
        y=alt.Y("theme:N", title=None, sort=order), yOffset=alt.YOffset("measure:N"),
        x=alt.X("arr:Q", title="ARR of the customers", axis=value_axis("currency")),
        color=alt.Color("measure:N", title="Customers who", scale=alt.Scale(
            domain=["raised the theme", "raised it in a negative comment"], range=["#90a4ae", "#c62828"]),
            legend=alt.Legend(orient="bottom", labelLimit=320)),  # the whole label, not "a negative co…"
        tooltip=[alt.Tooltip("theme:N", title="Theme"), alt.Tooltip("measure:N", title="Customers who"),
                 alt.Tooltip("arr:Q", title="ARR", format=TOOLTIP_FORMAT["currency"]),
                 alt.Tooltip("mentions:Q", title="Mentions", format=",.0f")],
    ).properties(title=title, height=alt.Step(16))


def calibration(frame: pd.DataFrame, title: str = "Hold-out calibration: predicted vs observed churn"
                ) -> alt.Chart:
    """Observed churn (with its Wilson 95% interval) against the mean predicted probability, one point per decile
    of predicted risk, and the diagonal where they agree. Columns: decile, rows, predicted, observed, observed_low,
    observed_high."""
    top = float(max(frame["predicted"].max(), frame["observed_high"].max())) if len(frame) else 0.1
    diagonal = pd.DataFrame({"predicted": [0.0, top], "observed": [0.0, top]})
    x = alt.X("predicted:Q", title="Predicted churn (mean of the decile)", axis=value_axis("pct"),
              scale=alt.Scale(domain=[0, top]))
    line = alt.Chart(diagonal).mark_line(color="#9e9e9e", strokeDash=[4, 4]).encode(
        x=x, y=alt.Y("observed:Q", scale=alt.Scale(domain=[0, top])))
    rules = alt.Chart(frame).mark_rule(color="#1f4e79").encode(x=x, y=alt.Y("observed_low:Q"),
                                                              y2=alt.Y2("observed_high:Q"))
    points = alt.Chart(frame).mark_point(filled=True, size=60, color="#1f4e79").encode(
        x=x, y=alt.Y("observed:Q", title="Observed churn (line: 95% interval)", axis=value_axis("pct")),
        tooltip=[alt.Tooltip("decile:Q", title="Decile"), alt.Tooltip("rows:Q", title="Rows", format=",.0f"),
                 alt.Tooltip("predicted:Q", title="Predicted", format=".1%"),
                 alt.Tooltip("observed:Q", title="Observed", format=".1%")])
    return alt.layer(line, rules, points).properties(title=title, height=HEIGHT)


def experience_bars(frame: pd.DataFrame, title: str, x_title: str) -> alt.Chart:
    """Churn per service-experience group (metrics.service.churn_by_experience) with its 95% interval whisker;
    groups below the minimum size drawn pale, as NPS groups are."""
    frame = frame.assign(reliability=frame["too_small"].map({True: "too few customers", False: "n ≥ 30"}))
    y = alt.Y("experience:N", title=None, sort=list(frame["experience"]), axis=alt.Axis(labelLimit=240))
    bars = alt.Chart(frame).mark_bar(color="#1f4e79").encode(
        y=y, x=alt.X("churn_rate:Q", title=x_title, axis=value_axis("pct")),
        opacity=alt.Opacity("reliability:N", scale=alt.Scale(domain=["n ≥ 30", "too few customers"],
                                                            range=[1.0, 0.35]), title=None),
        tooltip=[alt.Tooltip("experience:N", title="Service experience"),
                 alt.Tooltip("churn_rate:Q", title="Churned", format=".1%"),
                 alt.Tooltip("churn_low:Q", title="95% low", format=".1%"),
                 alt.Tooltip("churn_high:Q", title="95% high", format=".1%"),
                 alt.Tooltip("customers:Q", title="Customers (n)", format=",.0f")])
    rule = alt.Chart(frame).mark_rule(color="#333", strokeWidth=1.5).encode(y=y, x="churn_low:Q", x2="churn_high:Q")
    return alt.layer(bars, rule).properties(title=title, height=alt.Step(36))


def change_bars(frame: pd.DataFrame, title: str, x_title: str, fmt: str = "nps") -> alt.Chart:
    """A change per group (metrics.service_value.after_ticket: speed, change, low, high, pairs, verdict) with its
    95% interval whisker and a line at 0; a change whose interval includes 0 is drawn pale. Pass only the groups
    with a figure (enough pairs)."""
    frame = frame.assign(clear=frame["verdict"].map(lambda v: "no clear change" if v == "no clear change"
                                                    else "interval excludes 0"))
    y = alt.Y("speed:N", title=None, sort=list(frame["speed"]), axis=alt.Axis(labelLimit=240))
    number = TOOLTIP_FORMAT[fmt]
    bars = alt.Chart(frame).mark_bar(color="#1f4e79").encode(
        y=y, x=alt.X("change:Q", title=x_title, axis=value_axis(fmt)),
        opacity=alt.Opacity("clear:N", scale=alt.Scale(domain=["interval excludes 0", "no clear change"],
                                                      range=[1.0, 0.35]), title=None),
        tooltip=[alt.Tooltip("speed:N", title="Resolution"), alt.Tooltip("change:Q", title="Change", format=number),
                 alt.Tooltip("low:Q", title="95% low", format=number),
                 alt.Tooltip("high:Q", title="95% high", format=number),
                 alt.Tooltip("pairs:Q", title="Customers (n)", format=",.0f")])
    rule = alt.Chart(frame).mark_rule(color="#333", strokeWidth=1.5).encode(y=y, x="low:Q", x2="high:Q")
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#9e9e9e", strokeDash=[4, 3]).encode(x="zero:Q")
    return alt.layer(bars, rule, zero).properties(title=title, height=alt.Step(36))
