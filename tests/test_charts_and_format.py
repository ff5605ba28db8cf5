"""Charts (through their Vega-Lite specs) and number formatting."""


import pandas as pd
import pytest

import charts
from metrics.definitions import METRICS, fmt_currency, fmt_delta, fmt_int, fmt_money, fmt_nps, fmt_pct

MONTHS = pd.to_datetime(["2026-01-01", "2026-02-01"])


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def test_trend_with_band_has_titles_and_interval():
    frame = pd.DataFrame({"month": MONTHS, "nps": [10.0, 20.0], "low": [0.0, 5.0], "high": [20.0, 35.0], "n": [50, 60]})
    spec = charts.trend(frame, "nps", "NPS by month", "NPS", "nps", band=("low", "high")).to_dict()
    assert spec["title"] == "NPS by month"
    band, line = _layers(spec)
    assert band["mark"]["type"] == "area" and band["encoding"]["y2"]["field"] == "high"
    assert line["encoding"]["y"]["title"] == "NPS" and line["encoding"]["x"]["title"] == "Month"
    assert line["encoding"]["y"]["axis"]["format"] == "+.0f"
    assert [t["field"] for t in line["encoding"]["tooltip"]] == ["month", "nps", "n"]


def test_a_left_out_month_breaks_the_line():
    """Jan, Feb, Apr, May (March left out: too few answers): two stretches, so no segment from Feb to Apr; the band
    breaks with the line. Months given out of order are drawn in order."""
    months = pd.to_datetime(["2026-04-01", "2026-01-01", "2026-02-01", "2026-05-01"])
    frame = pd.DataFrame({"month": months, "nps": [30.0, 10.0, 20.0, 40.0], "low": 0.0, "high": 50.0, "n": 40})
    spec = charts.trend(frame, "nps", "NPS by month", "NPS", "nps", band=("low", "high")).to_dict()
    band, line = _layers(spec)
    assert line["encoding"]["detail"]["field"] == "run" and band["encoding"]["detail"]["field"] == "run"
    rows = next(iter(spec["datasets"].values()))
    assert [(r["month"][:7], r["run"]) for r in rows] == [("2026-01", 1), ("2026-02", 1), ("2026-04", 2),
                                                          ("2026-05", 2)]


def test_sentiment_line_breaks_at_a_month_with_too_few_comments():
    months = pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"])
    frame = pd.DataFrame({"month": months, "too_small": [False, True, False], "scored": 40, "coverage": 0.5,
                          **{f"{s}_{f}": 0.3 for s in ("positive", "negative") for f in ("share", "low", "high")}})
    spec = charts.sentiment_trend(frame).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert sorted({(r["month"][:7], r["run"]) for r in rows}) == [("2026-01", 1), ("2026-03", 2)]
    assert all(layer["encoding"]["detail"]["field"] == "run" for layer in _layers(spec))


def test_category_bars_use_fixed_colours_and_order():
    frame = pd.DataFrame({"category": ["Detractor", "Promoter"], "churn_rate": [0.2, 0.1],
                          "churn_low": [0.1, 0.05], "churn_high": [0.3, 0.15]})
    spec = charts.category_bars(frame, "churn_rate", "Churn", "Churned", "pct", interval=("churn_low", "churn_high"))
    bars, rule = _layers(spec.to_dict())
    scale = bars["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True))["Detractor"] == "#c62828"
    assert bars["encoding"]["y"]["sort"] == ["Promoter", "Detractor"]
    assert rule["encoding"]["x2"]["field"] == "churn_high"
    assert bars["encoding"]["x"]["axis"]["format"] == "~%"  # precision from the tick step, zeros trimmed


def test_count_axes_tick_whole_numbers_only():
    """Tickets by month with 0–2 tickets: ticks at 0.5 steps read "0, 1, 1, 2, 2" under ",.0f"."""
    frame = pd.DataFrame({"month": MONTHS, "created": [0.0, 2.0], "solved": [1.0, 0.0]})
    spec = charts.multi_trend(frame, {"created": "Created", "solved": "Solved"}, "Tickets by month", "Tickets",
                              "int").to_dict()
    axis = next(layer for layer in spec.get("layer", [spec]) if "encoding" in layer)["encoding"]["y"]["axis"]
    assert axis == {"format": ",.0f", "tickMinStep": 1}
    assert charts.value_axis("pct").to_dict() == {"format": "~%"}


def test_movements_losses_are_negative():
    frame = pd.DataFrame({"month": MONTHS, "start_mrr": [None, 100.0], "new": [0, 10.0], "reactivation": [0, 0.0],
                          "expansion": [0, 5.0], "contraction": [0, 3.0], "churned": [0, 7.0]})
    chart = charts.movements(frame)
    data = chart.data.set_index("movement").amount
    assert data["Churned"] == -7 and data["Contraction"] == -3 and data["New"] == 10
    assert len(chart.data) == 5  # the first month (no start MRR) is left out
    assert chart.to_dict()["encoding"]["y"]["title"] == "MRR change"


def test_dimension_bars_fade_small_groups():
    frame = pd.DataFrame({"value": ["A", "B"], "nps": [10.0, 50.0], "low": [0.0, 20.0], "high": [20.0, 80.0],
                          "n": [100, 5], "too_small": [False, True]})
    bars, _rule = _layers(charts.dimension_bars(frame, "NPS by segment", "Segment").to_dict())
    assert bars["encoding"]["opacity"]["scale"]["range"] == [1.0, 0.35]
    assert bars["encoding"]["x"]["scale"]["domain"] == [-100, 100]


def test_every_chart_is_titled():
    frame = pd.DataFrame({"month": MONTHS, "responses": [1, 2], "a": [0.9, 0.95], "b": [1.0, 1.1]})
    for chart in (charts.volume_bars(frame, "responses", "Responses per month", "Responses"),
                  charts.multi_trend(frame, {"a": "GRR", "b": "NRR"}, "Retention", "Retention", "pct"),
                  charts.score_histogram(pd.DataFrame({"score": [9], "responses": [1], "category": ["Promoter"],
                                                       "share": [1.0]}))):
        spec = chart.to_dict()
        assert spec["title"]
        assert spec["encoding"]["x"]["title"] and spec["encoding"]["y"]["title"]


@pytest.mark.parametrize("value, text", [(1_234_567, "$1.2M"), (34_500, "$34.5K"), (950, "$950"),
                                         (2.5e9, "$2.5B"), (-1500, "−$1.5K"), (None, "—")])
def test_fmt_currency(value, text):
    assert fmt_currency(value) == text


def test_other_formats():
    assert fmt_money(1234.5) == "$1,234.50"
    assert fmt_pct(0.0431) == "4.3%" and fmt_pct(float("nan")) == "—"
    assert fmt_nps(12.4) == "+12" and fmt_nps(-3.6) == "-4" and fmt_nps(0.2) == "0"
    assert fmt_int(12345) == "12,345"


def test_deltas_use_ascii_sign_for_st_metric():
    assert fmt_delta(2.4, "nps") == "+2 pts"
    assert fmt_delta(-0.004, "pct") == "-0.4 pp"
    assert fmt_delta(1_200_000, "currency") == "+$1.2M"
    assert fmt_delta(None, "pct") is None
    assert fmt_delta(-0.0004, "pct") == "0.0 pp" and fmt_delta(-0.3, "nps") == "0 pts"  # rounds to no change
    assert fmt_delta(1.26, "hours") == "+1.3 h" and fmt_delta(-0.04, "hours") == "0.0 h"


def test_every_metric_is_defined():
    for m in METRICS.values():
        assert m.label and len(m.definition) > 30 and m.owner in {"CEO", "CFO", "CMO", "CIO", "Service"}
        assert m.fmt in {"currency", "money", "pct", "nps", "int", "ratio", "hours"}




def test_waterfall_adds_up():
    frame = pd.DataFrame({"month": MONTHS, "start_mrr": [100.0, 120.0], "mrr": [120.0, 115.0],
                          "new": [30.0, 0.0], "reactivation": [0.0, 5.0], "expansion": [0.0, 0.0],
                          "contraction": [10.0, 0.0], "churned": [0.0, 10.0]})
    data = charts.waterfall(frame).data.set_index("step")
    # 100 + 30 + 5 − 10 − 10 = 115
    assert data.loc["Start MRR", "high"] == 100 and data.loc["End MRR", "high"] == 115
    assert (data.loc["New", "low"], data.loc["New", "high"]) == (100, 130)
    assert (data.loc["Churned", "low"], data.loc["Churned", "high"]) == (115, 125)


def test_waterfall_axis_starts_near_the_start_mrr():
    # One month: 1,000 + 10 new − 5 churned = 1,005. Levels 1,000 … 1,010, range 10 → the axis starts half the
    # range below the lowest level, rounded down to a multiple of 10: 1,000 − 5 → 990, not 0.
    frame = pd.DataFrame({"month": MONTHS[:1], "start_mrr": [1000.0], "mrr": [1005.0], "new": [10.0],
                          "reactivation": [0.0], "expansion": [0.0], "contraction": [0.0], "churned": [5.0]})
    assert charts.waterfall_floor(frame) == 990
    chart = charts.waterfall(frame)
    data = chart.data.set_index("step")
    assert data.loc["Start MRR", "low"] == 990 and data.loc["End MRR", "low"] == 990
    y = chart.to_dict()["encoding"]["y"]
    assert y["scale"]["zero"] is False and y["scale"]["domain"][0] == 990
    assert y["title"] == "MRR (axis does not start at 0)"


@pytest.mark.parametrize("new", [0.0, 1.0])
def test_waterfall_axis_of_a_flat_bridge_starts_at_zero(new):
    # MRR $300 every month (or $300 → $301): the axis read $298–$300, so nothing moving looked like movement
    frame = pd.DataFrame({"month": MONTHS, "start_mrr": [300.0, 300.0], "mrr": [300.0, 300.0 + new],
                          "new": [0.0, new], "reactivation": [0.0, 0.0], "expansion": [0.0, 0.0],
                          "contraction": [0.0, 0.0], "churned": [0.0, 0.0]})
    assert charts.waterfall_floor(frame) == 0
    y = charts.waterfall(frame).to_dict()["encoding"]["y"]
    assert y["scale"]["domain"][0] == 0 and y["title"] == "MRR"


@pytest.mark.parametrize(("columns", "fmt", "zero"), [
    ({"nrr": [1.0, 1.0], "grr": [1.0, 1.0]}, "pct", True),  # 100% every month: not 99.9%–100.1%
    ({"nrr": [1.0, 1.002], "grr": [0.999, 1.0]}, "pct", True),  # within 0.5%: noise, not movement
    ({"created": [40.0, 40.0], "solved": [40.0, 40.0]}, "int", True),  # 40 tickets every month
    ({"created": [0.0, 0.0], "solved": [0.0, 0.0]}, "int", True),
    ({"nrr": [1.0, 1.05], "grr": [0.95, 0.97]}, "pct", False),  # real movement keeps the close-up axis
])
def test_multi_trend_axis_of_a_flat_series_starts_at_zero(columns, fmt, zero):
    frame = pd.DataFrame({"month": MONTHS, **columns})
    spec = charts.multi_trend(frame, {c: c.upper() for c in columns}, "Trend", "Value", fmt).to_dict()
    assert spec["encoding"]["y"]["scale"]["zero"] is zero
    assert charts.is_flat(frame[list(columns)].to_numpy().ravel()) is zero


def test_percent_axis_ticks_are_distinct():
    # Churn of 0.4%–2.1% used to be labelled "0% 0% 1% 1% 1% 2% 2%" by the fixed ".0%" format.
    import re

    import vl_convert

    frame = pd.DataFrame({"month": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"]),
                          "rate": [0.004, 0.013, 0.021]})
    svg = vl_convert.vegalite_to_svg(charts.trend(frame, "rate", "Churn", "Churn", "pct").to_json())
    labels = re.findall(r">([0-9.]+%)<", svg)
    assert len(labels) >= 3 and len(labels) == len(set(labels)), labels
    assert "1.0%" in labels or "1%" in labels


def test_logo_retention_scale_stops_at_100_percent():
    matrix = pd.DataFrame({"cohort": ["2025-01", "Average"], "size": [2, 2], 0: [1.0, 1.0], 1: [0.5, 0.5]})
    logo = charts.cohort_heatmap(matrix, "Logo retention", share_max=1.0).to_dict()
    assert logo["layer"][0]["encoding"]["color"]["scale"]["domain"] == [0, 1.0]
    grown = matrix.copy()
    grown[1] = [1.35, 1.35]
    revenue = charts.cohort_heatmap(grown, "Revenue retention").to_dict()
    assert revenue["layer"][0]["encoding"]["color"]["scale"]["domain"] == [0, 1.35]  # revenue can pass 100%


def test_transitions_count_response_pairs():
    frame = pd.DataFrame({"from_category": ["Promoter"], "to_category": ["Detractor"], "pairs": [3], "mrr": [50.0]})
    cells = charts.transition_heatmap(frame).to_dict()["layer"][0]["encoding"]
    assert cells["color"]["title"] == "Response pairs" and cells["color"]["field"] == "pairs"


def test_change_style_no_false_arrows_or_colours():
    import ui

    # −0.02 pp rounds to "0.0 pp": grey, no arrow (was "↑ 0.0 pp" in red or green)
    assert ui.change_style(-0.0002, "pct") == ("0.0 pp", "off", "off")
    assert ui.change_style(0.3, "nps") == ("0 pts", "off", "off")
    assert ui.change_style(None, "int") == (None, "off", "off")           # no previous period: nothing
    # +5 pts with a test: grey and no arrow when not significant, coloured with its arrow when significant
    assert ui.change_style(5.0, "nps", z=1.2) == ("+5 pts", "off", "off")
    assert ui.change_style(5.0, "nps", z=None) == ("+5 pts", "off", "off")  # untestable: not called significant
    assert ui.change_style(0.05, "pct", inverse=True, z=2.5) == ("+5.0 pp", "inverse", "auto")
    assert ui.change_style(-1_200_000, "currency") == ("-$1.2M", "normal", "auto")  # no test for ARR


def test_cohort_heatmap_skips_blank_cells():
    matrix = pd.DataFrame({"cohort": ["2025-01", "2025-02", "Average"], "size": [2, 1, 3],
                           0: [1.0, 1.0, 1.0], 1: [0.5, None, 0.5]})
    chart = charts.cohort_heatmap(matrix, "Logo retention")
    assert len(chart.data) == 5  # 6 cells, one not yet observed
    spec = chart.to_dict()
    assert spec["title"] == "Logo retention"
    assert spec["layer"][0]["encoding"]["x"]["title"] == "Months since first revenue"


def test_plural_counts():
    from metrics.definitions import plural

    assert plural(1, "paying customer") == "1 paying customer"
    assert plural(0, "paying customer") == "0 paying customers"
    assert plural(2000, "paying customer") == "2,000 paying customers"
    assert plural(2, "reply", "replies") == "2 replies"
