"""Customer-success tools' account exports (ChurnZero, Gainsight, Vitally) read as what they say: an active flag
decides churn over a contract's end date, a lifecycle 'Stage' is a status, an account list is not invoices.
Files shaped like the tools' exports; figures worked out by hand (TODAY is 2026-11-23, tests/conftest.py)."""

import datetime as dt

import pytest
from conftest import prepare_bytes

from metrics.errors import InvalidOptionError


def churned(p) -> dict:
    return {r.customer_id: r.churn_date.date() for r in p.rows.itertuples() if r.churn_date == r.churn_date}


VITALLY = b"""Account ID,Name,Created At,MRR,Churned At,Health Score
V1,One,2024-01-15,100,,8
V2,Two,2024-03-02,250,2025-02-10,4
V3,Three,2024-06-20,400,,9
"""


def test_vitally_account_list_as_revenue_is_refused():
    # before: MRR 100 / 250 / 400 in Jan / Mar / Jun 2024 only, each account a one-month customer
    with pytest.raises(InvalidOptionError) as err:
        prepare_bytes(VITALLY, "revenue")
    assert "account list" in str(err.value) and "'Created At'" in str(err.value) and "3 customers" in str(err.value)


def test_vitally_account_list_as_customers_reads_churned_at():
    p = prepare_bytes(VITALLY, "customers")
    assert p.mapping["start_date"] == "Created At" and p.mapping["churn_date"] == "Churned At"
    assert churned(p) == {"V2": dt.date(2025, 2, 10)}


def test_invoices_created_at_with_repeating_customers_still_read():
    # a charge list: customers repeat, so 'Created At' is a billing date (C1: 100 in Jan and Feb)
    data = b"Customer ID,Created At,MRR\nC1,2024-01-05,100\nC1,2024-02-05,100\nC2,2024-02-07,50\n"
    p = prepare_bytes(data, "revenue")
    got = {(r.customer_id, f"{r.month:%Y-%m}"): float(r.mrr) for r in p.rows.itertuples()}
    assert got == {("C1", "2024-01"): 100.0, ("C1", "2024-02"): 100.0, ("C2", "2024-02"): 50.0}
