"""The churn model at size: no start month before the revenue data (MRR unknown there, not 0: at 200,000
customers those rows were NaN and training failed), and beyond the row cap a seeded sample of customers trains
the model while every active account is still scored."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from risk_builders import build, fake_analyse_chunks, months

from metrics import risk


@pytest.fixture
def ws(monkeypatch):
    monkeypatch.setattr("metrics.text.analyse_chunks", fake_analyse_chunks)
    # 40 customers since 2023; revenue only from January 2025; every fifth one churns in 2025.
    customers = [(f"K{i:02d}", "2023-03-01", f"2025-{i % 9 + 3:02d}-10" if i % 5 == 0 else None, "SMB", "EMEA")
                 for i in range(40)]
    revenue = [(f"K{i:02d}", m, 100 + i) for i in range(40) for m in months("2025-01-01", "2025-12-01")
               if i % 5 or m < f"2025-{i % 9 + 3:02d}-01"]
    # a survey answer from June 2023 starts the data's months there, 19 months before the revenue file
    w = build(customers, revenue, [("K02", "2023-06-10", 7, "", "Email"), ("K01", "2025-02-10", 9, "", "Email")])
    yield w
    w.close()


def test_no_start_month_before_the_revenue_data_and_no_unknown_feature(ws):
    snap = ws.snapshot()
    rows, info = risk.build_rows(ws.cursor(), snap.snapshot, snap.versions)
    # The data starts in June 2023, revenue in January 2025: the first start month whose month
    # before has MRR is February 2025.
    assert min(rows["month"]) == dt.date(2025, 2, 1)
    assert not rows[info["features"]].isna().any().any()
    assert info["rows_all"] == int(rows["label"].notna().sum())


def test_beyond_the_cap_a_seeded_sample_of_customers_trains_and_every_account_is_scored(ws):
    snap = ws.snapshot()
    full, info = risk.build_rows(ws.cursor(), snap.snapshot, snap.versions)
    cap = info["rows_all"] // 4
    rows, small = risk.build_rows(ws.cursor(), snap.snapshot, snap.versions, max_rows=cap)
    labelled = rows[rows["label"].notna()]
    assert small["rows_all"] == info["rows_all"]
    assert 0 < len(labelled) < info["rows_all"] / 2  # about a quarter of the customers (a hash, not exact)
    # whole customers: each sampled customer keeps all its labelled rows
    kept = set(labelled["customer_id"])
    assert len(labelled) == int(full[full["label"].notna() & full["customer_id"].isin(kept)].shape[0])
    # every account active now is scored, sampled or not
    now = info["as_of"]
    assert set(rows.loc[rows["month"] == now, "customer_id"]) == set(full.loc[full["month"] == now, "customer_id"])
    again, _ = risk.build_rows(ws.cursor(), snap.snapshot, snap.versions, max_rows=cap)
    assert set(again.loc[again["label"].notna(), "customer_id"]) == kept  # the same sample every time
    other, _ = risk.build_rows(ws.cursor(), snap.snapshot, snap.versions, max_rows=cap, seed=1)
    assert set(other.loc[other["label"].notna(), "customer_id"]) != kept


def test_the_page_states_the_sample():
    model = risk.RiskModel(1, True, rows_all=5_900_000, rows_used=300_000)
    assert "300,000 of 5,900,000" in risk.sample_note(model) and "every account active now" in risk.sample_note(model)
    assert risk.sample_note(risk.RiskModel(1, True, rows_all=900, rows_used=900)) == ""
    assert np.isclose(300_000 / 5_900_000, 0.0508, atol=1e-3)
