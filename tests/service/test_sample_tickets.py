"""The sample company's tickets: customers and revenue are untouched by them, and the relationship the Service page
shows comes out of the simulation: customers whose tickets were slow churn more than those whose tickets were all
fast, with 95% intervals apart. The groups are recomputed here with pandas from the CSV files (module rules of
metrics/service.py) and must equal metrics.service.churn_by_experience on the loaded sample."""

import datetime as dt
import math

import pandas as pd
import pytest
from conftest import SAMPLE

from metrics import service
from metrics.view import View

START, END = pd.Timestamp("2025-11-01"), pd.Timestamp("2026-11-01")    # outcome window (end exclusive)
BEFORE = pd.Timestamp("2024-11-01")                                     # experience window: BEFORE … START


def wilson(k: int, n: int) -> tuple[float, float]:
    z = 1.96  # as the app rounds it (metrics.stats.Z95)
    p = k / n
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


def expected_groups() -> pd.DataFrame:
    customers = pd.read_csv(SAMPLE / "customers.csv", parse_dates=["signup_date", "churn_date"])
    t = pd.read_csv(SAMPLE / "tickets.csv", parse_dates=["created_at", "solved_at"])
    base = customers[(customers.signup_date < START) & (customers.churn_date.isna() | (customers.churn_date >= START))]
    t = t[(t.created_at >= BEFORE) & (t.created_at < START)].copy()
    done_before = t.solved_at < START
    res_h = (t.solved_at - t.created_at).dt.total_seconds() / 3600
    age_h = (START - t.created_at).dt.total_seconds() / 3600
    t["bad"] = (t.satisfaction_rating == "Bad") & done_before
    t["slow"] = (done_before & (res_h > 24)) | (~done_before & (age_h > 24))
    t["fast"] = done_before & (res_h <= 24)
    per = t.groupby("organization_id").agg(bad=("bad", "any"), esc=("escalated", "any"), slow=("slow", "any"),
                                           fast=("fast", "all"))
    per["experience"] = ["Gave bad CSAT" if r.bad else "Escalated" if r.esc else "Slow resolution" if r.slow
                         else "Fast resolution" if r.fast else "Tickets, outcome not yet known"
                         for r in per.itertuples()]
    base = base.assign(experience=base.customer_id.map(per.experience).fillna("No tickets"),
                       churned=base.churn_date < END)
    return base.groupby("experience").agg(customers=("churned", "size"), churned=("churned", "sum"))


def test_the_tickets_leave_customers_and_revenue_unchanged():
    """Churn and revenue are simulated before the tickets and never depend on them; the NPS and CSAT answers do (a
    slow or escalated ticket lowers later answers: sample_data/generate.py service_mood), so their digests are those
    of the generator with that cause."""
    import hashlib

    digests = {name: hashlib.md5((SAMPLE / name).read_bytes()).hexdigest()
               for name in ("customers.csv", "nps_responses.csv", "revenue.csv", "csat_responses.csv")}
    assert digests == {"customers.csv": "b51aa0aa47fc2963d2bb6292388a9695",
                       "nps_responses.csv": "c6af89f432c8d7f05d91c194d5682c9e",
                       "revenue.csv": "058aeca3ff586b9b2590f9e419fde438",
                       "csat_responses.csv": "69426bde44832d9238897352ca4cea09"}


def test_slow_tickets_go_with_churn_in_the_sample(sample_ws):
    snap = sample_ws.snapshot()
    got = service.churn_by_experience(sample_ws.cursor(), View(snap.snapshot, dt.date(2025, 11, 1),
                                                               dt.date(2026, 10, 1)), snap.versions["tickets"])
    got = got.set_index("experience")
    want = expected_groups()
    for name, row in want.iterrows():
        assert (got.loc[name, "customers"], got.loc[name, "churned"]) == (row.customers, row.churned), name
        low, high = wilson(int(row.churned), int(row.customers))
        assert (got.loc[name, "churn_low"], got.loc[name, "churn_high"]) == (pytest.approx(low), pytest.approx(high))
    slow, fast = want.loc["Slow resolution"], want.loc["Fast resolution"]
    # Slow: 143 of 928 churned = 15.4% (13.2%–17.9%); all fast: 72 of 810 = 8.9% (7.1%–11.0%).
    assert (slow.churned, slow.customers, fast.churned, fast.customers) == (143, 928, 72, 810)
    assert wilson(int(slow.churned), int(slow.customers))[0] > wilson(int(fast.churned), int(fast.customers))[1]
