"""Hand-built workspaces for the churn-risk and voice tests, and a stand-in for the text engine whose output
is fixed by the words of each comment (so figures can be worked out by hand)."""

from __future__ import annotations

import math

import pandas as pd

from metrics.store import NewUpload, Workspace

NPS_COLUMNS = ["row_number", "response_id", "customer_id", "response_date", "score", "comment", "segment",
               "region", "channel"]


def fake_analyse(texts, theme_map=None, fallback="majority") -> pd.DataFrame:
    """'zz…' is not scored; 'bad' negative (−0.6), 'good' positive (+0.6), else neutral (0); themes are the
    words price / support / performance present in the text."""
    rows = []
    for text in texts:
        low = text.lower()
        if low.startswith("zz"):
            rows.append((None, "not scored", math.nan, []))
            continue
        label, score = ("negative", -0.6) if "bad" in low else ("positive", 0.6) if "good" in low else ("neutral", 0.0)
        rows.append(("en", label, score, [t for t in ("price", "support", "performance") if t in low]))
    return pd.DataFrame(rows, columns=["lang", "sentiment", "score", "themes"])


def fake_analyse_chunks(read, theme_map=None, fallback="majority"):
    """metrics.text.analyse_chunks with fake_analyse's rules."""
    for key, texts in read():
        yield key, fake_analyse(texts)


def build(customers: list[tuple], revenue: list[tuple], nps: list[tuple]) -> Workspace:
    """customers: (id, start, churn or None, segment, region); revenue: (id, month, mrr);
    nps: (id, date, score, comment, channel). Dates as ISO text."""
    cust = pd.DataFrame(customers, columns=["customer_id", "start_date", "churn_date", "segment", "region"])
    cust["name"] = cust["customer_id"]
    cust["plan"] = "Standard"
    for col in ("start_date", "churn_date"):
        cust[col] = pd.to_datetime(cust[col]).dt.date
    rev = pd.DataFrame(revenue, columns=["customer_id", "month", "mrr"])
    rev["month"] = pd.to_datetime(rev["month"]).dt.date
    resp = pd.DataFrame(nps, columns=["customer_id", "response_date", "score", "comment", "channel"])
    resp["response_date"] = pd.to_datetime(resp["response_date"]).dt.date
    resp["row_number"] = range(1, len(resp) + 1)
    resp["response_id"] = [f"R{i}" for i in resp["row_number"]]
    resp["segment"] = None
    resp["region"] = None
    ws = Workspace(":memory:")
    ws.commit([NewUpload("customers", "c.csv", "c", cust), NewUpload("revenue", "r.csv", "r", rev),
               NewUpload("nps", "n.csv", "n", resp[NPS_COLUMNS])])
    return ws


def months(first: str, last: str) -> list[str]:
    return [d.date().isoformat() for d in pd.date_range(first, last, freq="MS")]
