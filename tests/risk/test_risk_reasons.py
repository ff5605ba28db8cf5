"""Reasons in words: each comes from the account's own features, only from positive contributions, and a
yes/no feature is a reason only when it is yes for the account."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics import risk

FEATURES = ["nps_detractor", "nps_promoter", "mrr_trend_3m", "theme_price", "theme_support", "segment=SMB",
            "contractions_6m", "log_arr"]


def account(**values):
    base = {"nps_detractor": 1.0, "nps_promoter": 0.0, "category": "Detractor",
            "category_since": pd.Timestamp("2026-03-04"), "mrr_trend_3m": -0.3, "theme_price": 1.0,
            "theme_support": 0.0, "segment=SMB": 1.0, "contractions_6m": 2.0, "log_arr": np.log1p(1200),
            "mrr_last": 100.0}
    base.update(values)
    return pd.Series(base)


def test_top_three_in_words():
    contrib = np.array([0.9, -0.4, 0.7, 0.5, 0.8, 0.1, 0.3, 0.05])
    # theme_support has 0.8 but the account does not mention support: skipped.
    assert risk.reasons(FEATURES, contrib, account()) == [
        "detractor since March 2026", "MRR down 30% in 3 months", "mentions price"]


def test_only_positive_contributions_and_fewer_when_few():
    contrib = np.array([-0.9, -0.4, 0.2, -0.5, -0.8, -0.1, -0.3, 0.0])
    assert risk.reasons(FEATURES, contrib, account()) == ["MRR down 30% in 3 months"]
    assert risk.reasons(FEATURES, -np.abs(contrib), account()) == []


def test_words_follow_the_values():
    row = account(mrr_trend_3m=0.12, contractions_6m=1.0)
    assert risk.reason_text("mrr_trend_3m", row) == "MRR up 12% in 3 months"
    assert risk.reason_text("contractions_6m", row) == "1 contraction in 6 months"
    assert risk.reason_text("segment=SMB", row) == "segment SMB"
    assert risk.reason_text("segment=SMB", account(**{"segment=SMB": 0.0})) is None
    assert risk.reason_text("nps_promoter", row) is None
    assert risk.reason_text("log_arr", row, above_mean=False) == "smaller account (ARR $1.2K)"


def test_arr_at_risk_by_hand():
    model = risk.RiskModel(1, True, accounts=pd.DataFrame({
        "customer_id": ["a", "b", "c"], "segment": ["SMB", "SMB", "Enterprise"], "region": ["EMEA"] * 3,
        "arr": [1000.0, 2000.0, 10000.0], "probability": [0.5, 0.1, 0.2]}))
    total = model.arr_at_risk().iloc[0]
    assert total["arr_at_risk"] == 500 + 200 + 2000
    se = np.sqrt(0.25 * 1000**2 + 0.09 * 2000**2 + 0.16 * 10000**2)
    assert total["high"] == 2700 + 1.96 * se and total["low"] == max(0.0, 2700 - 1.96 * se)
    seg = model.arr_at_risk("segment").set_index("group")
    assert seg.loc["SMB", "arr_at_risk"] == 700 and seg.loc["Enterprise", "arr_at_risk"] == 2000
    assert seg.loc["SMB", "accounts"] == 2


def test_a_count_of_one_month_is_singular():
    # read "customer for 1 months", "last survey answer 1 months ago"
    row = account(tenure_months=1.0, months_since_response=1.0)
    assert risk.reason_text("tenure_months", row) == "customer for 1 month"
    assert risk.reason_text("months_since_response", row) == "last survey answer 1 month ago"
    assert risk.reason_text("tenure_months", account(tenure_months=14.0)) == "customer for 14 months"


def test_one_month_of_data_is_singular_in_the_verdict():
    # the CIO page read "the data covers 1 months"
    from conftest import prepare_bytes

    from metrics.store import Workspace

    ws = Workspace(":memory:")
    ws.commit([prepare_bytes(b"customer_id,signup_date,churn_date\nA,2025-06-01,\n", "customers").to_upload(),
               prepare_bytes(b"customer_id,month,mrr\nA,2026-01,5\n", "revenue").to_upload()])
    snap = ws.snapshot()
    model = risk.train(ws.cursor(), snap.snapshot, snap.versions)
    ws.close()
    assert model.reason.startswith("the data covers 1 month; the model needs at least 9"), model.reason
