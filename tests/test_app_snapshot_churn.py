"""A snapshot customers file (tenure + churned flag, Telco's shape) tells churn from its as-of month only: the CEO's
logo churn tile names the month it rests on instead of "all customers, month by month" over a year (Telco read
"26.6% · 97.5% annualised" for the period 2024 with December alone measured)."""

import datetime as dt

import pytest
from conftest import run_app

# 200 customers with 2–31 months' tenure at 31 Dec 2024; every 4th churned (50)
ROWS = "".join(f"C{i},{i % 30 + 2},{'Yes' if i % 4 == 0 else 'No'}\n" for i in range(200))


REVENUE = b"customer_id,month,mrr\nC1,2024-11,100\nC1,2024-12,120\nC2,2024-11,50\nC2,2024-12,50\n"  # from Nov 2024


SURVEY = "customer_id,date,score\n" + "".join(f"C{i},2024-{i % 12 + 1:02d}-15,9\n" for i in range(40))
SEED = (("customers", ("customerID,tenure,Churn\n" + ROWS).encode(),
         {"as_of": dt.date(2024, 12, 31), "answers": {"tenure_unit:tenure": "months"}}),
        ("nps", SURVEY.encode()),  # answers through 2024: the period can be a year
        ("revenue", REVENUE))
pytestmark = pytest.mark.usefixtures("app_workspace")


def test_logo_churn_names_the_month_a_snapshot_tells():
    at = run_app(period=["Jan 2024", "Dec 2024"])
    tiles = {m.label: m.value for m in at.metric}
    # December 2024: 50 churned of the 200 active at its start → 25.0% a month
    assert tiles["Logo churn (monthly)"] == "25.0%"
    assert any(c.value.startswith("measured over Dec 2024 only: the customers file is a snapshot that "
                                  "tells churn from Dec 2024 · ") for c in at.caption), [c.value for c in at.caption]


def test_cfo_compares_and_bridges_only_months_the_revenue_data_covers():
    """Revenue from Nov 2024, period Jan – Dec 2024: no ARR change against Dec 2023 (there is no revenue then; it
    read "↑ +$3.8M" with Telco) and the bridge is titled with the months it adds up, Dec 2024 only."""
    at = run_app("pages/cfo.py", period=["Jan 2024", "Dec 2024"])
    arr = next(m for m in at.metric if m.label == "ARR")
    assert (arr.value, arr.proto.delta) == ("$2.0K", "")  # 12 × (120 + 50) = 2,040; no change shown
    titles = [c.to_dict().get("title") for s in at.session_state["_pack"].sections for c in s.charts]
    assert "MRR bridge, Dec 2024" in titles, titles  # one month: not "Dec 2024 – Dec 2024"
