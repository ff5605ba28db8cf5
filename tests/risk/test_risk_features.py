"""Rows, labels and features of the churn-risk model on a hand-built workspace: every value worked out by hand,
and no feature of start month M moves when everything dated on or after M's first day is removed."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from risk_builders import build, fake_analyse_chunks, months

from metrics import risk

CUSTOMERS = [
    ("A", "2024-06-10", None, "SMB", "EMEA"),
    ("B", "2024-02-01", "2025-10-15", "Enterprise", "APAC"),
    ("C", "2025-07-20", None, "SMB", "EMEA"),
]
REVENUE = ([("A", m, 100) for m in months("2025-01-01", "2025-07-01")]
           + [("A", m, 50) for m in months("2025-08-01", "2025-12-01")]
           + [("B", m, 200) for m in months("2025-01-01", "2025-09-01")]
           + [("C", m, 80) for m in months("2025-07-01", "2025-12-01")])
NPS = [
    ("A", "2025-03-15", 10, "good", "Email"),
    ("A", "2025-07-31", 9, "good performance", "Email"),
    ("A", "2025-08-01", 2, "bad price", "Email"),   # dated on M = August: not a feature of August
    ("B", "2025-02-10", 3, "bad support", "Web"),
    ("B", "2025-05-20", 5, "", "Web"),
]


@pytest.fixture
def rows(monkeypatch):
    monkeypatch.setattr("metrics.text.analyse_chunks", fake_analyse_chunks)
    ws = build(CUSTOMERS, REVENUE, NPS)
    snap = ws.snapshot()
    frame, info = risk.build_rows(ws.cursor(), snap.snapshot, snap.versions)
    yield frame, info
    ws.close()


def one(frame, customer, month):
    found = frame[(frame["customer_id"] == customer) & (frame["month"] == dt.date.fromisoformat(month))]
    assert len(found) == 1
    return found.iloc[0]


def test_rows_and_labels(rows):
    frame, info = rows
    # Start months from January + 6 (July 2025) to the month after the data (January 2026).
    assert sorted(frame["month"].unique())[0] == dt.date(2025, 7, 1)
    assert info["as_of"] == dt.date(2026, 1, 1)
    assert one(frame, "B", "2025-07-01")["label"] == 0      # churns 15 Oct: not within Jul-Sep
    assert one(frame, "B", "2025-08-01")["label"] == 1      # within Aug-Oct
    assert one(frame, "B", "2025-10-01")["label"] == 1      # active at the start of October
    assert frame[(frame["customer_id"] == "B") & (frame["month"] > dt.date(2025, 10, 1))].empty
    assert frame[(frame["customer_id"] == "C") & (frame["month"] == dt.date(2025, 7, 1))].empty  # started 20 Jul
    assert one(frame, "A", "2025-10-01")["label"] == 0
    assert np.isnan(one(frame, "A", "2025-11-01")["label"])  # Nov-Jan not all in the data
    assert np.isnan(one(frame, "A", "2026-01-01")["label"])


def test_features_by_hand(rows):
    frame, _ = rows
    a_aug = one(frame, "A", "2025-08-01")
    assert a_aug["category"] == "Promoter" and a_aug["nps_promoter"] == 1
    assert a_aug["nps_drop"] == 1                              # 10 then 9; the 2 of 1 August is not seen
    assert pd.Timestamp(a_aug["category_since"]) == pd.Timestamp("2025-03-15")
    assert a_aug["theme_performance"] == 1                     # 31 July, before M
    assert a_aug["theme_price"] == 0
    assert a_aug["comment_sentiment"] == pytest.approx(0.6)
    assert a_aug["mrr_last"] == 100 and a_aug["mrr_trend_3m"] == 0 and a_aug["contractions_6m"] == 0

    a_sep = one(frame, "A", "2025-09-01")
    assert a_sep["category"] == "Detractor" and a_sep["nps_drop"] == 7
    assert pd.Timestamp(a_sep["category_since"]) == pd.Timestamp("2025-08-01")
    assert a_sep["theme_price"] == 1 and a_sep["theme_performance"] == 1 and a_sep["negative_comment"] == 1
    assert a_sep["comment_sentiment"] == pytest.approx(-0.6)
    assert a_sep["mrr_last"] == 50
    assert a_sep["mrr_trend_3m"] == pytest.approx(-0.5)       # August 50 vs May 100
    assert a_sep["mrr_trend_6m"] == pytest.approx(-0.5)       # August 50 vs February 100
    assert a_sep["contractions_6m"] == 1
    assert a_sep["log_arr"] == pytest.approx(np.log1p(600))

    b_aug = one(frame, "B", "2025-08-01")
    assert b_aug["category"] == "Detractor" and b_aug["nps_drop"] == 0   # 3 then 5
    assert pd.Timestamp(b_aug["category_since"]) == pd.Timestamp("2025-02-10")
    assert b_aug["theme_support"] == 1                         # February mention, within a year
    assert b_aug["comment_sentiment"] == pytest.approx(-0.6)   # the May answer had no comment
    assert b_aug["segment=Enterprise"] == 1 and b_aug["region=APAC"] == 1 and b_aug["segment=SMB"] == 0

    c_aug = one(frame, "C", "2025-08-01")
    assert c_aug["nps_none"] == 1 and c_aug["mrr_last"] == 80 and c_aug["mrr_trend_3m"] == 0
    assert c_aug["tenure_months"] == pytest.approx(12 / 30.4375)


@pytest.mark.parametrize("month", ["2025-08-01", "2025-09-01", "2025-10-01"])
def test_no_feature_uses_data_dated_on_or_after_m(monkeypatch, rows, month):
    """Cut every record dated on or after M (revenue months, responses, churn dates): M's features stay."""
    frame, info = rows
    cut = dt.date.fromisoformat(month)
    monkeypatch.setattr("metrics.text.analyse_chunks", fake_analyse_chunks)
    customers = [(c, s, d if d and dt.date.fromisoformat(d) < cut else None, g, r) for c, s, d, g, r in CUSTOMERS]
    ws = build(customers, [r for r in REVENUE if dt.date.fromisoformat(r[1]) < cut],
               [r for r in NPS if dt.date.fromisoformat(r[1]) < cut])
    snap = ws.snapshot()
    short, _ = risk.build_rows(ws.cursor(), snap.snapshot, snap.versions)
    ws.close()
    full = frame[frame["month"] == cut].set_index("customer_id").sort_index()
    part = short[short["month"] == cut].set_index("customer_id").sort_index()
    assert list(full.index) == list(part.index)
    cols = info["features"] + ["category", "category_since", "nps_score", "nps_prev_score", "comment_date"]
    pd.testing.assert_frame_equal(full[cols], part[cols], check_dtype=False)


@pytest.mark.parametrize("seed", range(5))
def test_asof_is_pandas_merge_asof(seed):
    """risk._asof (a binary search over sorted int64 keys) against pandas' merge_asof — strictly before, by
    customer, within the tolerance, and of one customer's rows of the same day the last in the input's order — on
    random rows with many ties, customers without rows and rows of customers never asked about."""
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 700, 3000), unit="D")
    right = pd.DataFrame({"_i": rng.integers(0, 60, 3000).astype(np.int32), "date": days,
                          "value": rng.normal(size=3000), "label": rng.choice(["x", "y", None], 3000)})
    months_ = pd.date_range("2024-01-01", "2026-01-01", freq="MS")
    rows = pd.DataFrame({"_i": rng.integers(0, 80, 2000), "M": rng.choice(months_, 2000)},
                        index=rng.permutation(np.arange(10_000, 12_000)))
    for tolerance in (None, pd.Timedelta(days=365), pd.Timedelta(days=31)):
        got = risk._asof(rows, right, ["value", "label", "date"], tolerance=tolerance)
        left = rows.reset_index().rename(columns={"index": "row"}).sort_values("M")
        expected = pd.merge_asof(left, right.rename(columns={"date": "key"})
                                 .assign(date=right["date"], _i=right["_i"].astype(np.int64))
                                 .sort_values("key", kind="stable"), left_on="M", right_on="key", by="_i",
                                 direction="backward", allow_exact_matches=False, tolerance=tolerance)
        expected = expected.set_index("row").loc[rows.index]
        assert got.index.equals(rows.index)
        assert np.array_equal(got["value"].to_numpy(float), expected["value"].to_numpy(float), equal_nan=True)
        assert got["label"].isna().equals(expected["label"].isna())
        assert (got["label"].dropna() == expected["label"].dropna()).all()
        assert (pd.to_datetime(got["date"]).fillna(pd.Timestamp(0)) ==
                pd.to_datetime(expected["date"]).fillna(pd.Timestamp(0))).all()
        assert 0 < got["value"].notna().sum() < len(rows)  # some matched, some not
