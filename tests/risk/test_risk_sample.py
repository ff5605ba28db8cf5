"""The churn-risk model on the sample data: it beats both baselines on the hold-out (figures in the report),
and every account's reasons are true of that account's features."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from metrics import risk
from metrics.view import View


@pytest.fixture(scope="module")
def sample_model(sample_ws):
    snap = sample_ws.snapshot()
    cur = sample_ws.cursor()
    return cur, snap, risk.train(cur, snap.snapshot, snap.versions, seed=0)


def test_beats_both_baselines_on_the_holdout(sample_model):
    _, _, model = sample_model
    assert model.measurable, model.reason
    assert model.holdout_months[0] == dt.date(2026, 3, 1) and model.holdout_months[-1] == dt.date(2026, 8, 1)
    assert max(model.train_months) == dt.date(2025, 12, 1)
    for name in risk.BASELINES:
        assert model.differences[name].low > 0, (name, model.auc, model.baselines[name])
    assert model.beats_baselines and model.ranked_by == "model" and model.reason is None
    assert model.top_decile_lift.low > 1
    assert model.auc.low < model.auc.estimate < model.auc.high


def test_reasons_are_true_of_each_account(sample_model):
    cur, snap, model = sample_model
    rows, info = risk.build_rows(cur, snap.snapshot, snap.versions)
    now = rows[rows["month"] == info["as_of"]].set_index("customer_id")
    assert len(now) == len(model.accounts)
    checked = 0
    for _, acc in model.accounts.head(300).iterrows():
        row = now.loc[acc["customer_id"]]
        assert 1 <= len(acc["reasons"]) <= 3
        for text in acc["reasons"]:
            checked += 1
            if m := re.fullmatch(r"mentions (\w+)", text):
                assert row[f"theme_{m[1]}"] == 1
            elif m := re.fullmatch(r"(detractor|passive|promoter) since (\w+ \d{4})", text):
                assert row["category"].lower() == m[1]
                assert row["category_since"].strftime("%B %Y") == m[2]
            elif m := re.fullmatch(r"MRR (down|up) (\d+)% in (3|6) months", text):
                change = row[f"mrr_trend_{m[3]}m"]
                assert (change < 0) == (m[1] == "down") and round(abs(change) * 100) == int(m[2])
            elif m := re.fullmatch(r"segment (.+)|region (.+)", text):
                assert row["segment"] == m[1] if m[1] else row["region"] == m[2]
            elif m := re.fullmatch(r"(smaller|larger) account \(ARR ([\d,]+)\)", text):
                assert f"{12 * row['mrr_last']:,.0f}" == m[2]
    assert checked > 300


def test_summary_json(sample_model):
    cur, snap, model = sample_model
    view = View(snap.snapshot, dt.date(2025, 11, 1), dt.date(2026, 10, 1))
    out = risk.summary_json(cur, view, snap.versions, model=model)
    json.dumps(out, allow_nan=False)  # plain JSON: no NaN, no numpy objects
    cr = out["churn_risk"]
    assert cr["auc"]["estimate"] == model.auc.estimate and cr["n"] == model.n_holdout
    assert set(cr["baselines"]) == set(risk.BASELINES)
    assert cr["arr_at_risk"]["low"] <= cr["arr_at_risk"]["estimate"] <= cr["arr_at_risk"]["high"]
    assert cr["holdout_months"][0] == "2026-03-01"
    voice = out["voice"]
    assert voice["comments"] > 0 and 0 < voice["sentiment"]["coverage"] <= 1
    arr = [t["arr_at_stake"] for t in voice["top_themes"]]
    assert arr == sorted(arr, reverse=True) and len(arr) == 5
