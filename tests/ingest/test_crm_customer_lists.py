"""Customer lists from CRMs (HubSpot companies, Zoho accounts) and lists with a churned flag beside their churn
dates, written here in each layout. Before: prospects and leads counted as customers, and a churned flag beside the
dates was never read. Figures worked out by hand."""

import pandas as pd
import pytest
from conftest import prepare_bytes

from metrics.errors import InvalidValuesError, NeedsAnswerError
from metrics.ingest.mapping import detect_mapping

HUBSPOT = (
    "Record ID,Company name,Create Date,Lifecycle Stage,Became a Customer Date\n"
    "9001,Acme,2024-11-02 09:14,Customer,2025-01-10 12:00\n"
    "9003,Crux,2025-01-05 11:00,Customer,2025-02-05 15:00\n"
    "9004,Dorn,2025-01-15 11:00,Lead,\n"
    "9005,Epic,2025-02-01 11:00,Opportunity,\n"
    "9006,Fern,2025-02-10 11:00,Customer,2025-03-04 09:00\n")


def test_hubspot_companies_leads_and_opportunities_are_no_customers():
    """HubSpot's 'Record ID' is the company, 'Became a Customer Date' its start (not the record's 'Create Date');
    the leads and the open opportunity have no customer date and were bad rows (or, with the record's date, three
    more customers). Hand: 3 customers, from January, February and March 2025."""
    cols = HUBSPOT.splitlines()[0].split(",")
    m = detect_mapping("customers", cols)
    assert (m["customer_id"], m["start_date"], m["status"]) == ("Record ID", "Became a Customer Date",
                                                                "Lifecycle Stage")
    p = prepare_bytes(HUBSPOT.encode(), kind="customers", answers={"churned_values:Lifecycle Stage": []})
    assert list(p.rows.customer_id) == ["9001", "9003", "9006"]
    assert [f"{d:%Y-%m}" for d in p.rows.start_date] == ["2025-01", "2025-02", "2025-03"]
    assert any(w.startswith("2 rows whose 'Lifecycle Stage' says opportunity (1), lead (1) were left out")
               for w in p.warnings)


def test_zoho_prospect_accounts_are_no_customers():
    """Zoho's 'Account Type' Prospect, mapped with the record's creation as the start, was a fourth customer."""
    data = (b"Record Id,Account Name,Account Type,Created Time\n"
            b"z1,Acme,Customer,2025-01-10 12:00:00\nz2,Beta,Customer,2025-01-20 12:00:00\n"
            b"z3,Crux,Prospect,2025-02-05 12:00:00\nz4,Dorn,Customer,2025-03-04 12:00:00\n")
    p = prepare_bytes(data, kind="customers", mapping={"customer_id": "Record Id", "start_date": "Created Time"})
    assert list(p.rows.customer_id) == ["z1", "z2", "z4"]


FLAGGED = ("Customer ID,Start Date,Churn Date,Churned\n"
           "M1,2025-01-10,,No\n"
           "M2,2025-01-20,2025-03-05,Yes\n"
           "M3,2025-02-05,,Yes\n"
           "M4,2025-02-12,2025-02-25,No\n"
           "M5,2025-03-04,,No\n")


def test_a_churned_flag_that_disagrees_with_the_churn_date_is_refused_by_row():
    """M3 'Churned: Yes' with no date was active for ever; M4 'No' with a date churned in February. Which is right
    the file cannot say: both rows are refused, named; skipped, the other three are stored as their dates say."""
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(FLAGGED.encode(), kind="customers")
    problems = {(p.column, p.cells[0].row) for p in err.value.report.problems}
    assert problems == {("Churn Date", 4), ("Churn Date", 5)}
    p = prepare_bytes(FLAGGED.encode(), kind="customers", skip_invalid=True)
    assert {r.customer_id: pd.notna(r.churn_date) for r in p.rows.itertuples()} == {
        "M1": False, "M2": True, "M5": False}


def test_a_status_flag_with_unknown_words_is_asked_before_it_is_read():
    data = FLAGGED.replace(",Yes\n", ",Gone\n").replace(",No\n", ",Here\n").encode()
    with pytest.raises(NeedsAnswerError, match="Which values of 'Churned' mean the customer churned"):
        prepare_bytes(data, kind="customers")


def test_a_customers_export_with_no_churn_column_says_so_at_any_size():
    """Stripe's customers export holds no churn: 2 customers stored as active for ever, logo churn 0.0%, and the
    "nobody churned" warning only came from 30 customers on."""
    p = prepare_bytes(b"id,Email,Created (UTC)\ncus_1,a@x.test,2025-01-05\ncus_2,b@x.test,2025-02-05\n",
                      kind="customers")
    assert any(w.startswith("None of the 2 customers in this file has churned") for w in p.warnings)


def test_recurly_accounts_without_a_live_subscription_and_no_close_are_refused_by_row():
    """Recurly's accounts export: 'account_state' stays active after the last subscription is cancelled (acct3), and
    an account that never subscribed (acct5) is active too; both counted as customers for ever. Beside the status,
    'has_live_subscription' says who still pays: the two rows are refused by row, since when acct3 left is not
    known; acct2's close is its churn."""
    data = (b"account_code,account_state,company_name,created_at,closed_at,has_live_subscription\n"
            b"acct1,active,Acme,2025-01-10 12:00:00 UTC,,true\n"
            b"acct2,closed,Beta,2025-01-20 12:00:00 UTC,2025-03-05 12:00:00 UTC,false\n"
            b"acct3,active,Gamma,2025-02-01 12:00:00 UTC,,false\n"
            b"acct4,active,Delta,2025-02-12 12:00:00 UTC,,true\n"
            b"acct5,active,Eps,2025-03-04 12:00:00 UTC,,false\n")
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, kind="customers")
    assert [c.row for c in err.value.cells] == [4, 6] and err.value.column == "closed_at"
    p = prepare_bytes(data, kind="customers", skip_invalid=True)
    assert {r.customer_id: pd.notna(r.churn_date) for r in p.rows.itertuples()} == {
        "acct1": False, "acct2": True, "acct4": False}
