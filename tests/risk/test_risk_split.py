"""The time split: no hold-out row (nor any row whose outcome reaches the hold-out) is trained on.

A group of customers exists only from February 2025 (region "Late") and all churn in May 2025, the first
hold-out month. Their rows of March and April 2025 are labelled churn but their outcome window reaches May, so
they must be left out of training, as must their May rows (hold-out). Without any of them in training, the
one-hot column "region=Late" is all zeros there and its coefficient is exactly 0; a leak makes it positive.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from risk_builders import build, fake_analyse_chunks, months

from metrics import risk

ALL_MONTHS = months("2024-01-01", "2025-12-01")


def synthetic():
    rng = np.random.default_rng(7)
    customers, revenue, nps = [], [], []
    for i in range(500):
        cid = f"N{i:03d}"
        detractor = i % 3 == 0
        hazard = 0.06 if detractor else 0.015
        churn = None
        for m in ALL_MONTHS[6:]:
            if rng.random() < hazard:
                churn = m[:8] + "15"
                break
        customers.append((cid, "2023-06-01", churn, "SMB" if i % 2 else "Enterprise", "North"))
        revenue += [(cid, m, 100) for m in ALL_MONTHS if churn is None or m < churn[:8] + "01"]
        nps.append((cid, "2024-02-15", 3 if detractor else 10, "bad price" if detractor else "good", "Email"))
    for i in range(20):
        cid = f"L{i:02d}"
        customers.append((cid, "2025-02-10", "2025-05-20", "SMB", "Late"))
        revenue += [(cid, m, 100) for m in months("2025-02-01", "2025-04-01")]
    return customers, revenue, nps


@pytest.fixture(scope="module")
def trained():
    mp = pytest.MonkeyPatch()
    mp.setattr("metrics.text.analyse_chunks", fake_analyse_chunks)
    ws = build(*synthetic())
    snap = ws.snapshot()
    cur = ws.cursor()
    yield cur, snap, risk.train(cur, snap.snapshot, snap.versions, seed=0)
    mp.undo()
    ws.close()


def test_split_months(trained):
    _, _, model = trained
    assert model.measurable, model.reason
    assert model.holdout_months == [dt.date.fromisoformat(m) for m in months("2025-05-01", "2025-10-01")]
    assert model.train_months == [dt.date.fromisoformat(m) for m in months("2024-07-01", "2025-02-01")]
    assert set(model.holdout["month"]) == set(model.holdout_months)


def test_late_customers_never_reach_training(trained):
    _, _, model = trained
    coef = model.coefficients.set_index("feature")
    assert coef.loc["region=Late", "evaluated"] == 0.0
    assert coef.loc["region=Late", "final"] > 0          # the final fit does see them (all labelled months)
    late = model.holdout[model.holdout["customer_id"].str.startswith("L")]
    assert len(late) == 20 and late["label"].eq(1).all()  # their May rows are hold-out rows


def test_a_leak_would_show(trained, monkeypatch):
    """The same training with the boundary months let in (cut-off at the first hold-out month): the Late
    coefficient is no longer 0, so the test above can fail."""
    cur, snap, _ = trained

    def leaky(rows, holdout_months=risk.HOLDOUT_MONTHS):  # risk.split's masks, cut at the first hold-out month
        labelled = rows["label"].notna().to_numpy()
        hold = sorted(rows.loc[labelled, "month"].unique())[-holdout_months:]
        return (labelled & (rows["month"] < hold[0]).to_numpy(), labelled & rows["month"].isin(hold).to_numpy(),
                list(hold))

    monkeypatch.setattr(risk, "split", leaky)
    leaked = risk.train(cur, snap.snapshot, snap.versions, seed=0)
    assert leaked.coefficients.set_index("feature").loc["region=Late", "evaluated"] > 0


def test_quality_is_measured_on_the_holdout_rows_only(trained):
    _, _, model = trained
    ho = model.holdout
    assert model.n_holdout == len(ho) and model.holdout_events == int(ho["label"].sum())
    assert model.auc.estimate == pytest.approx(risk.auc(ho["label"], ho["model"]))
    assert model.baselines["nps_category"].estimate == pytest.approx(risk.auc(ho["label"], ho["nps_category"]))
    assert model.baselines["mrr_trend_3m"].estimate is None     # every MRR here is flat: it cannot rank
    assert model.top_decile_lift.estimate == pytest.approx(risk.top_decile_lift(ho["label"], ho["model"]))
    assert model.auc.low < model.auc.estimate < model.auc.high


def test_deterministic(trained):
    cur, snap, model = trained
    again = risk.train(cur, snap.snapshot, snap.versions, seed=0)
    assert again.auc == model.auc and again.challenger_auc == model.challenger_auc
    pd.testing.assert_frame_equal(again.accounts, model.accounts)


def test_model_that_does_not_beat_the_nps_baseline_says_so(trained):
    """Churn here depends on the NPS category alone: the model adds nothing the category does not know, so it
    must not claim to beat it, and accounts are ranked by the baseline."""
    _, _, model = trained
    assert model.differences["nps_category"].low <= 0
    assert not model.beats_baselines
    assert model.ranked_by == "nps_category"
    assert "NPS category alone" in model.reason
    top = model.accounts.iloc[0]
    assert top["reasons"] == ["detractor since February 2024"]
    assert model.accounts.groupby("probability").ngroups == 2   # one probability per category
