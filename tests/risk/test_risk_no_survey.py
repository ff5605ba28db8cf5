"""Without survey answers (and with flat MRR) neither baseline can rank anyone: the model is not said to beat
them, the reason says why, and accounts are still scored."""

from __future__ import annotations

import pandas as pd
from test_risk_split import synthetic

from metrics import risk
from metrics.store import NewUpload, Workspace


def test_baselines_that_cannot_be_scored_are_said_so():
    customers, revenue, _ = synthetic()
    cust = pd.DataFrame(customers, columns=["customer_id", "start_date", "churn_date", "segment", "region"])
    cust["name"], cust["plan"] = cust["customer_id"], "Standard"
    for col in ("start_date", "churn_date"):
        cust[col] = pd.to_datetime(cust[col]).dt.date
    rev = pd.DataFrame(revenue, columns=["customer_id", "month", "mrr"])
    rev["month"] = pd.to_datetime(rev["month"]).dt.date
    ws = Workspace(":memory:")
    ws.commit([NewUpload("customers", "c.csv", "c", cust), NewUpload("revenue", "r.csv", "r", rev)])
    snap = ws.snapshot()
    model = risk.train(ws.cursor(), snap.snapshot, snap.versions)
    ws.close()
    assert model.measurable
    assert model.baselines["nps_category"].estimate is None and model.baselines["mrr_trend_3m"].estimate is None
    assert not model.beats_baselines and model.ranked_by == "model"
    assert "NPS category alone and 3-month MRR trend alone cannot be scored" in model.reason
    assert len(model.accounts) > 0
