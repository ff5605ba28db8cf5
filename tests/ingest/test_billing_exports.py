"""Billing exports whose currencies, payments, refunds or failed charges were added into MRR: each now refused, left
out or netted, said. Monthly figures worked out from the rows by hand."""

import pytest
from conftest import prepare_bytes

from metrics.errors import InvalidValuesError


def mrr(prepared) -> dict[tuple[str, str], float]:
    rows = prepared.rows
    return {(r.customer_id, f"{r.month:%Y-%m}"): round(float(r.mrr), 2) for r in rows.itertuples()}


@pytest.mark.parametrize("header", ["Currency ISO Code", "Account.Currency", "Buyer Currency"])
def test_a_currency_column_of_any_usual_name_with_two_currencies_is_refused(header):
    """Braintree's 'Currency ISO Code', Zuora's 'Account.Currency', Google Play's 'Buyer Currency': an exact
    'Currency' header was required, so 150 USD + 90 EUR read as an MRR of 240."""
    data = (f"Customer ID,Settlement Date,Amount,{header}\nc1,2026-01-06,150.00,USD\nc2,2026-01-09,90.00,EUR\n"
            "c1,2026-02-06,150.00,USD\nc2,2026-02-09,90.00,EUR\n").encode()
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "revenue", mapping={"month": "Settlement Date"}, answers={"recurring:Amount": "monthly"})
    assert f"Column '{header}'" in str(err.value) and "different currencies cannot be added" in str(err.value)


def test_the_currency_of_the_amount_is_the_one_checked():
    """App Store: the buyer paid in EUR and JPY ('Customer Currency'), the developer's proceeds are all in USD
    ('Proceeds Currency', the column sharing a word with 'Developer Proceeds'): one currency, stored in USD."""
    data = (b"Subscriber ID,Event Date,Customer Currency,Customer Price,Proceeds Currency,Developer Proceeds\n"
            b"s1,2026-01-03,EUR,7.99,USD,6.10\ns2,2026-01-04,JPY,1200,USD,7.35\n"
            b"s1,2026-02-03,EUR,7.99,USD,6.10\ns2,2026-02-04,JPY,1200,USD,7.35\n")
    p = prepare_bytes(data, "revenue", mapping={"customer_id": "Subscriber ID", "month": "Event Date",
                                                "amount": "Developer Proceeds"})
    assert p.currency == "USD"
    assert mrr(p) == {("s1", "2026-01"): 6.1, ("s2", "2026-01"): 7.35, ("s1", "2026-02"): 6.1, ("s2", "2026-02"): 7.35}


def test_an_amount_column_named_after_a_currency_is_no_currency_column():
    """Google Play's 'Amount (Merchant Currency)' holds numbers, not codes: not read as a currency column."""
    data = (b"Customer,Transaction Date,Amount (Merchant Currency)\nc1,2026-01-03,9.99\nc1,2026-02-03,9.99\n")
    p = prepare_bytes(data, "revenue", mapping={"customer_id": "Customer", "month": "Transaction Date",
                                                "amount": "Amount (Merchant Currency)"})
    assert mrr(p) == {("c1", "2026-01"): 9.99, ("c1", "2026-02"): 9.99}


def test_maxio_payments_beside_their_charges_are_left_out():
    """Maxio (Chargify) transactions: each Charge is followed by its Payment; both counted, 101 paid 98 a month."""
    data = (b"id,created_at,type,amount,customer_id\n1,2026-01-05,Charge,49.00,101\n2,2026-01-05,Payment,49.00,101\n"
            b"3,2026-02-05,Charge,49.00,101\n4,2026-02-05,Payment,49.00,101\n")
    p = prepare_bytes(data, "revenue")
    assert mrr(p) == {("101", "2026-01"): 49.0, ("101", "2026-02"): 49.0}
    assert any(w.startswith("2 rows whose 'type' says payment were left out") for w in p.warnings)


def test_braintree_refund_credit_and_declined_sales():
    """Braintree: a refund is a 'credit' with a positive amount; declined and rejected sales bring nothing. c2's
    February sale is refunded: February 100 (c1) + 80 − 80 (c2); in March only c1's 100 was paid."""
    data = (b"Transaction ID,Transaction Type,Transaction Status,Created Datetime,Amount Authorized,Customer ID\n"
            b"t1,sale,settled,2026-01-05 10:00:00,100.00,c1\nt2,sale,settled,2026-01-08 10:00:00,80.00,c2\n"
            b"t3,sale,settled,2026-02-05 10:00:00,100.00,c1\nt4,sale,settled,2026-02-08 10:00:00,80.00,c2\n"
            b"t5,credit,settled,2026-02-20 10:00:00,80.00,c2\nt6,sale,settled,2026-03-05 10:00:00,100.00,c1\n"
            b"t7,sale,processor_declined,2026-03-08 10:00:00,80.00,c2\n"
            b"t8,sale,gateway_rejected,2026-03-09 10:00:00,80.00,c2\n")
    p = prepare_bytes(data, "revenue", mapping={"month": "Created Datetime", "amount": "Amount Authorized"},
                      answers={"credits:Amount Authorized": "net",
                               "recurring:Amount Authorized": "monthly"})
    months = {}
    for (_c, month), value in mrr(p).items():
        months[month] = months.get(month, 0) + value
    assert months == {"2026-01": 180.0, "2026-02": 100.0, "2026-03": 100.0}


@pytest.mark.parametrize("bad", ["ERROR", "SKIPPED", "charged_back", "customer_approval_denied"])
def test_failed_charges_bring_no_revenue(bad):
    """Recharge's ERROR and SKIPPED charges, GoCardless' charged_back and customer_approval_denied payments."""
    data = (f"customer id,status,processed at,subtotal\n101,SUCCESS,2026-01-10,30.00\n102,SUCCESS,2026-01-11,40.00\n"
            f"101,SUCCESS,2026-02-10,30.00\n102,{bad},2026-02-11,40.00\n").encode()
    p = prepare_bytes(data, "revenue", mapping={"customer_id": "customer id", "month": "processed at",
                                                "amount": "subtotal", "status": "status"},
                      answers={"recurring:subtotal": "monthly"})
    assert mrr(p) == {("101", "2026-01"): 30.0, ("102", "2026-01"): 40.0, ("101", "2026-02"): 30.0}


def test_an_arr_column_is_a_years_revenue():
    """Gainsight's monthly ARR snapshot mapped as the amount: read as MRR, revenue was 12 times too large (MRR
    660,000 for 55,000). A header saying ARR is ÷ 12 a month, said, and asks nothing about billing every month."""
    data = b"Company ID,Snapshot Date,ARR\nGS0,2024-01-01,12000\nGS1,2024-01-01,24000\nGS0,2024-02-01,12000\n"
    p = prepare_bytes(data, "revenue", mapping={"customer_id": "Company ID", "month": "Snapshot Date", "amount": "ARR"},
                      answers={"amount_unit:ARR": "units"})
    assert mrr(p) == {("GS0", "2024-01"): 1000.0, ("GS1", "2024-01"): 2000.0, ("GS0", "2024-02"): 1000.0}
    assert any(w.startswith("'ARR' says it is annual (ARR)") for w in p.warnings)
    assert not any(q.key.startswith("recurring:") for q in p.questions)


def test_only_won_deals_are_revenue():
    """Salesforce opportunities: Closed Lost and open stages were summed as MRR (3,500 for 1,500 in March)."""
    data = (b"Account ID,Stage,Amount,Close Date\n001A,Closed Won,1000,2024-01-10\n001B,Closed Lost,2000,2024-01-12\n"
            b"001A,Closed Won,1000,2024-02-10\n001C,Negotiation/Review,2000,2024-02-20\n"
            b"001A,Closed Won,1000,2024-03-10\n001D,Closed Won,500,2024-03-11\n")
    p = prepare_bytes(data, "revenue", mapping={"month": "Close Date"}, answers={"recurring:Amount": "monthly"})
    assert mrr(p) == {("001A", "2024-01"): 1000.0, ("001A", "2024-02"): 1000.0, ("001A", "2024-03"): 1000.0,
                      ("001D", "2024-03"): 500.0}
