"""The voice and churn-risk charts (pure Altair, checked through to_dict) and their place in a board pack."""

from __future__ import annotations

import pandas as pd

import charts
import report


def monthly() -> pd.DataFrame:
    return pd.DataFrame({
        "month": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"]), "comments": [40, 10, 50],
        "scored": [40, 10, 45], "coverage": [1.0, 1.0, 0.9], "too_small": [False, True, False],
        "positive_share": [0.5, 0.6, 0.4], "positive_low": [0.35, 0.3, 0.27], "positive_high": [0.65, 0.85, 0.55],
        "negative_share": [0.2, 0.1, 0.3], "negative_low": [0.1, 0.02, 0.18], "negative_high": [0.35, 0.4, 0.45]})


def layer_values(spec: dict) -> list[dict]:
    return next(iter(spec["datasets"].values()))


def test_sentiment_trend_leaves_out_small_months_and_draws_bands():
    spec = charts.sentiment_trend(monthly()).to_dict()
    rows = layer_values(spec)
    # two months kept (February has 10 scored comments), one row per month and sentiment
    assert len(rows) == 4 and {r["sentiment"] for r in rows} == {"positive", "negative"}
    assert sorted(r["share"] for r in rows if r["sentiment"] == "negative") == [0.2, 0.3]
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert marks == ["area", "line"]
    assert spec["layer"][0]["encoding"]["y2"]["field"] == "high"


def test_theme_bars_rank_by_arr_at_stake():
    frame = pd.DataFrame({"theme": ["price", "support"], "mentions": [5, 9], "arr_at_stake": [100.0, 300.0],
                          "arr_at_stake_negative": [50.0, 20.0]})
    spec = charts.theme_arr_bars(frame).to_dict()
    assert spec["encoding"]["y"]["sort"] == ["support", "price"]
    assert len(layer_values(spec)) == 4


def test_calibration_has_a_diagonal_and_intervals():
    frame = pd.DataFrame({"decile": [1, 2], "rows": [10, 10], "predicted": [0.01, 0.08],
                          "observed": [0.0, 0.1], "observed_low": [0.0, 0.02], "observed_high": [0.28, 0.4]})
    spec = charts.calibration(frame).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["line", "rule", "point"]
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, 0.4]  # up to the highest interval


def test_board_pack_carries_the_new_charts_and_text_as_text():
    pack = report.Pack("CMO", "test")
    pack.section("What customers say").charts.append(charts.sentiment_trend(monthly()))
    pack.current.tables.append(("Example comments", pd.DataFrame({"Theme": ["price"],
                                                                  "Comment": ["<b>=1+1</b> too *expensive*"]})))
    pdf = report.board_pack(pack)
    assert pdf.startswith(b"%PDF")
