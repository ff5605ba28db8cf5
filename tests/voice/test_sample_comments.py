"""The sample's comments carry themes that follow each account's situation, and so differ between detractors and
promoters as an outcome (sample_data/generate.py draws the topic from the situation, the tone from the score).

Everything here is read from the sample's CSV files with pandas: the situation (a survey after a support contact,
the account's age, its MRR now vs three months before) and the category; themes come from the shipped keyword
map. Each comparison asks for the two groups' Wilson 95% intervals not to overlap."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from metrics.text import themes

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


def wilson(k: int, n: int) -> tuple[float, float]:
    p, z = k / n, 1.96
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


@pytest.fixture(scope="module")
def said() -> pd.DataFrame:
    nps = pd.read_csv(SAMPLE / "nps_responses.csv", dtype=str, keep_default_na=False)
    nps = nps[nps["comment"].str.strip() != ""].copy()
    score = nps["score"].astype(int)
    nps["category"] = ["detractor" if s <= 6 else "promoter" if s >= 9 else "passive" for s in score]
    shipped = themes.default_map()
    nps["themes"] = [set(shipped.assign(t, "en")) for t in nps["comment"]]
    customers = pd.read_csv(SAMPLE / "customers.csv", dtype=str, keep_default_na=False)
    nps = nps.merge(customers[["customer_id", "signup_date"]], on="customer_id", how="left")
    when, signup = pd.to_datetime(nps["responded_at"]), pd.to_datetime(nps["signup_date"])
    nps["age_months"] = (when.dt.year - signup.dt.year) * 12 + when.dt.month - signup.dt.month
    revenue = pd.read_csv(SAMPLE / "revenue.csv", dtype={"customer_id": str, "month": str})
    mrr = revenue.set_index(["customer_id", "month"])["mrr"].to_dict()
    now = [mrr.get((c, f"{d:%Y-%m}"), 0.0) for c, d in zip(nps["customer_id"], when, strict=True)]
    before = [mrr.get((c, f"{d - pd.DateOffset(months=3):%Y-%m}"), 0.0)
              for c, d in zip(nps["customer_id"], when, strict=True)]
    nps["mrr_move"] = ["down" if 0 < n < b else "up" if 0 < b < n else "same" if 0 < b == n else "unknown"
                       for n, b in zip(now, before, strict=True)]
    return nps


def apart(said, theme: str, higher: pd.Series, lower: pd.Series) -> tuple:
    """The share of comments raising the theme in each group, with Wilson intervals; the first group's lower
    bound must be above the second's upper bound."""
    hits = said["themes"].map(lambda t: theme in t)
    a = wilson(int(hits[higher].sum()), int(higher.sum()))
    b = wilson(int(hits[lower].sum()), int(lower.sum()))
    assert a[0] > b[1], (theme, a, b)
    return a, b


def test_comments_are_many_different_texts(said):
    assert said["comment"].nunique() > 1_000  # composed from the situation, not a short list repeated


def test_themes_follow_the_situation(said):
    apart(said, "support", said["channel"] == "Support", said["channel"] != "Support")
    apart(said, "onboarding", said["age_months"].between(0, 3), said["age_months"] > 12)
    apart(said, "price", said["mrr_move"] == "down", said["mrr_move"] == "same")
    apart(said, "billing", said["mrr_move"].isin(["down", "up"]), said["mrr_move"] == "same")


def test_themes_differ_between_detractors_and_promoters_as_an_outcome(said):
    detractors, promoters = said["category"] == "detractor", said["category"] == "promoter"
    for theme in ("reliability", "support", "usability"):
        apart(said, theme, detractors, promoters)
