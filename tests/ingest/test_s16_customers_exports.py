"""Customer-success tools' account exports (ChurnZero, Gainsight, Vitally) read as what they say: an active flag
decides churn over a contract's end date, a lifecycle 'Stage' is a status, an account list is not invoices.
Files shaped like the tools' exports; figures worked out by hand (TODAY is 2026-11-23, tests/conftest.py)."""

import datetime as dt

import pytest
from conftest import prepare_bytes

from metrics.errors import InvalidOptionError, InvalidValuesError, NeedsAnswerError

CHURNZERO = (b"Account Name,Account External ID,Is Active (TRUE/FALSE),Start Date,End Date (contract end date),"
             b"Total Contract Amount\n") + b"""Acme,A1,TRUE,2024-01-01,2025-01-01,12000
Beta,A2,Yes,2024-02-01,2025-02-01,12000
Gamma,A3,FALSE,2024-01-01,2024-12-31,12000
Delta,A4,1,2024-03-01,2027-03-01,12000
Eps,A5,No,2024-04-01,2025-04-01,12000
Zeta,A6,0,2024-05-01,2025-06-30,12000
Eta,A7,TRUE,2024-06-01,,12000
"""


def churned(p) -> dict:
    return {r.customer_id: r.churn_date.date() for r in p.rows.itertuples() if r.churn_date == r.churn_date}


def test_churnzero_active_flag_decides_churn_not_the_contract_end():
    # Inactive (FALSE / No / 0): A3 2024-12-31, A5 2025-04-01, A6 2025-06-30 -> 3 churned.
    # Active (TRUE / Yes / 1) with a past contract end: A1, A2 -> not churned (before: churned, 5 churned of 7).
    # A4's end 2027-03-01 is after today: scheduled, active. A7: active, no end.
    p = prepare_bytes(CHURNZERO, "customers")
    assert p.mapping["churn_date"] == "End Date (contract end date)"
    assert p.mapping["customer_id"] == "Account External ID"
    assert churned(p) == {"A3": dt.date(2024, 12, 31), "A5": dt.date(2025, 4, 1), "A6": dt.date(2025, 6, 30)}
    assert len(p.rows) == 7
    said = next(w for w in p.warnings if "Is Active (TRUE/FALSE)" in w)
    assert "2 rows whose 'Is Active (TRUE/FALSE)' says active" in said
    assert "Churn counts the 3 accounts" in said


def test_churnzero_inactive_account_without_end_date_is_a_bad_row():
    data = CHURNZERO.replace(b"Eps,A5,No,2024-04-01,2025-04-01", b"Eps,A5,No,2024-04-01,")
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "customers")
    assert "End Date (contract end date)" in str(err.value) and "inactive" in str(err.value)
    # skipped: A5 left out, 2 churned (A3, A6)
    p = prepare_bytes(data, "customers", skip_invalid=True)
    assert set(churned(p)) == {"A3", "A6"} and "A5" not in set(p.rows.customer_id)


def test_churnzero_active_flag_value_neither_yes_nor_no_is_a_bad_row():
    data = CHURNZERO.replace(b"Acme,A1,TRUE", b"Acme,A1,Paused")
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "customers")
    assert "Is Active (TRUE/FALSE)" in str(err.value) and "Paused" in str(err.value)


def test_active_flag_without_end_date_is_refused():
    # 2 inactive accounts and no date saying when they left: stored, churn would read 0%
    data = b"Account ID,Is Active,Start Date\nA1,TRUE,2024-01-01\nA2,FALSE,2024-02-01\nA3,no,2024-03-01\n"
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "customers")
    assert "2 value(s)" in str(err.value) and "Is Active" in str(err.value)


GAINSIGHT = b"""Company ID,Company Name,Stage,Customer Since,ARR
G1,One,Adoption,2024-01-01,12000
G2,Two,Churned,2024-02-01,6000
G3,Three,Renewal,2024-03-01,24000
G4,Four,Churned,2024-04-01,12000
G5,Five,Onboarding,2024-05-01,12000
"""


def test_gainsight_stage_is_a_status_and_churned_without_date_is_refused():
    # before: 'Stage' unread, 5 active customers and 0% churn; now the stage is asked about (Onboarding, Adoption
    # are not known words), and its 2 'Churned' companies with no churn date refuse the file
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(GAINSIGHT, "customers")
    assert "Stage" in str(err.value)
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(GAINSIGHT, "customers", answers={"churned_values:Stage": ["Churned"]})
    assert "2 value(s)" in str(err.value) and "row 3" in str(err.value) and "row 5" in str(err.value)


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
