"""Subscription and customer exports of billing tools whose cancellations were read as running customers (churn 0%)
or whose future customers stretched the data: each read true, refused or asked. Figures worked out from the rows."""

import datetime as dt
from pathlib import Path

import pytest
from conftest import prepare_bytes, prepare_file

from metrics.errors import InvalidOptionError, InvalidValuesError, NeedsAnswerError

AS_OF = dt.date(2024, 6, 30)


def churned(prepared) -> dict[str, dt.date | None]:
    rows = prepared.rows.set_index("customer_id")
    return {c: (None if d is None or d != d else d.date() if hasattr(d, "date") else d)
            for c, d in rows["churn_date"].items()}


def test_chargebee_report_canceled_on_is_the_churn_date():
    """Chargebee's subscriptions report: 'Canceled On' (was unmapped: cb_12 and cb_14 ran on, churn 0%)."""
    data = (b"Subscription ID,Customer ID,Status,Activated On,Canceled On,MRR\n"
            b"AzZ0,cb_0,Active,2023-09-23 00:00,,49.00\n"
            b"AzZ12,cb_12,Cancelled,2023-07-02 00:00,2024-01-02 00:00,49.00\n"
            b"AzZ14,cb_14,Cancelled,2024-02-05 00:00,2024-03-14 00:00,49.00\n")
    p = prepare_bytes(data, "customers", as_of=AS_OF, mapping={"start_date": "Activated On"})
    assert churned(p) == {"cb_0": None, "cb_12": dt.date(2024, 1, 2), "cb_14": dt.date(2024, 3, 14)}


@pytest.mark.parametrize("header", ["cancellation_effective_date", "subscription_canceled_at"])
def test_paddle_and_baremetrics_end_dates_are_read(header):
    """Paddle Classic users ('deleted' with its cancellation_effective_date), Baremetrics' import template."""
    data = (f"subscription_id,user_id,state,signup_date,{header}\n"
            "1000,500,active,2023-11-13 12:00:00,\n1012,512,deleted,2023-07-15 12:00:00,2024-04-21\n").encode()
    p = prepare_bytes(data, "customers", as_of=AS_OF, mapping={"customer_id": "user_id", "start_date": "signup_date",
                                                                "subscription_id": "subscription_id"})
    assert churned(p) == {"500": None, "512": dt.date(2024, 4, 21)}


BRAINTREE = (b"Subscription ID,Status,First Billing Date,Customer ID\n"
             b"sub0,Active,2023-09-12,cust0\nsub1,Canceled,2023-10-01,cust1\nsub2,Expired,2023-11-01,cust2\n")
BRAINTREE_START = {"start_date": "First Billing Date"}


def test_subscriptions_whose_status_says_ended_without_an_end_date_are_refused():
    """Braintree subscriptions have a Status and no end date: Canceled and Expired were counted as running (churn
    0/140 for 4/114). Which values mean churned is asked; the churned rows are then refused (when is not known), never
    counted as customers."""
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(BRAINTREE, "customers", as_of=AS_OF, mapping=BRAINTREE_START)
    assert [q.key for q in err.value.questions] == ["churned_values:Status"]
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(BRAINTREE, "customers", as_of=AS_OF, mapping=BRAINTREE_START,
                      answers={"churned_values:Status": ["Canceled", "Expired"]})
    assert "no churn date column says when" in str(err.value)


def test_a_deleted_subscription_without_an_end_date_is_rejected_by_row():
    data = (b"subscription_id,user_id,state,signup_date,cancellation_effective_date\n"
            b"1000,500,active,2023-11-13,\n1012,512,deleted,2023-07-15,\n")
    mapping = {"customer_id": "user_id", "start_date": "signup_date", "subscription_id": "subscription_id",
               "status": "state", "churn_date": "cancellation_effective_date"}
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "customers", as_of=AS_OF, mapping=mapping)
    assert "says the subscription ended" in str(err.value) and "row 3" in str(err.value)


def test_chargebee_in_trial_is_a_trial():
    data = (b"subscription_id,customer_id,status,started_at,cancelled_at\n"
            b"s1,c1,active,2024-01-05,\ns2,c2,in_trial,2024-06-20,\n")
    p = prepare_bytes(data, "customers", as_of=AS_OF)
    assert list(p.rows.customer_id) == ["c1"]
    assert any("trial" in w and "left out" in w for w in p.warnings)


def test_starts_after_the_as_of_date_are_left_out_and_said():
    """Customers starting after the export's as-of date are not customers then: kept, they stretched the data past
    the as-of month (3 churned of 142 customer-months read for 3 of 91)."""
    data = (b"customer_id,start_date,churn_date\nA,2023-07-01,\nB,2023-08-01,2024-02-10\n"
            b"C,2024-08-01,\nD,2024-11-01,\n")
    p = prepare_bytes(data, "customers", as_of=AS_OF)
    assert sorted(p.rows.customer_id) == ["A", "B"]
    said = "2 customers that start after the as-of date (2024-06-30) were left out"
    assert any(w.startswith(said) for w in p.warnings)
    assert sorted(prepare_bytes(data, "customers").rows.customer_id) == ["A", "B", "C", "D"]  # no as-of: all read


def test_a_second_end_date_column_dated_where_the_churn_date_is_empty_is_said():
    """'Churn Date' mapped, 'Cancellation Date' beside it filled for K1 and K2 only: they count as active, said."""
    data = (b"Customer ID,Start Date,Cancellation Date,Churn Date\nK0,2023-10-26,2024-02-01,2024-02-26\n"
            b"K1,2023-06-11,2024-06-20,\nK2,2023-06-12,2024-05-02,\nK3,2023-07-01,,\n")
    p = prepare_bytes(data, "customers", as_of=AS_OF)
    assert churned(p) == {"K0": dt.date(2024, 2, 26), "K1": None, "K2": None, "K3": None}
    assert ("2 rows with an empty 'Churn Date' have a date in 'Cancellation Date': those customers count as active. "
            "If 'Cancellation Date' is when customers left, map it as the churn date.") in p.warnings


CHARGEBEE = Path(__file__).resolve().parents[1] / "fixtures" / "formats" / "chargebee_subscriptions.csv"


def test_chargebee_ended_subscriptions_with_mrr_0_are_refused_and_their_plan_price_reads_them():
    # Chargebee writes a cancelled subscription's 'subscriptions.mrr' as it is now, 0: read as what it paid, cb_104
    # and cb_111 vanished with their 150 and 140 a month, and the revenue lost to churn with them
    answers = {"halted:subscriptions.status": "leave_out"}
    with pytest.raises(InvalidOptionError) as err:
        prepare_file(CHARGEBEE, kind="revenue", as_of=dt.date(2026, 4, 25), skip_invalid=True, answers=answers)
    assert ("'subscriptions.mrr' is 0 on 2 of the 3 ended subscriptions (first at row 5)" in str(err.value)
            and "('subscriptions.plan_unit_price', with its billing period)" in str(err.value))
    p = prepare_file(CHARGEBEE, kind="revenue", as_of=dt.date(2026, 4, 25), skip_invalid=True, answers=answers,
                     mapping={"amount": "subscriptions.plan_unit_price"})
    months = p.rows.groupby("customer_id").agg(first=("month", "min"), last=("month", "max"), mrr=("mrr", "max"))
    got = {c: (f"{r.first:%Y-%m}", f"{r.last:%Y-%m}", float(r.mrr)) for c, r in months.iterrows()}
    # cancelled 2026-01-01: Apr–Dec 2025; quarterly 420 from May 2025, cancelled 2026-02-01: 140 a month through
    # Jan 2026; 4 seats × 25 = 100 (plan_quantity); yearly 1,440 = 120 a month
    assert got["cb_104"] == ("2025-04", "2025-12", 150.0)
    assert got["cb_111"] == ("2025-05", "2026-01", 140.0)
    assert got["cb_108"] == ("2025-08", "2026-04", 100.0)
    assert got["cb_103"] == ("2025-03", "2026-04", 120.0)
    assert set(got) == {"cb_101", "cb_102", "cb_103", "cb_104", "cb_105", "cb_107", "cb_108", "cb_111"}


BAREMETRICS = Path(__file__).resolve().parents[1] / "fixtures" / "formats" / "baremetrics_subscriptions.csv"


def test_baremetrics_subscription_import_layout_is_read_without_a_hand_mapping():
    # 'customer_oid', 'subscription_started_at' and 'subscription_canceled_at' were not recognised: refused until
    # mapped by hand. Amounts are cents (asked); a weekly plan cannot be made monthly: refused by row (skipped here).
    p = prepare_file(BAREMETRICS, kind="revenue", as_of=dt.date(2026, 4, 25), skip_invalid=True,
                     answers={"amount_unit:plan_amount": "cents"})
    assert {k: p.mapping[k] for k in ("customer_id", "start_date", "end_date", "amount")} == {
        "customer_id": "customer_oid", "start_date": "subscription_started_at",
        "end_date": "subscription_canceled_at", "amount": "plan_amount"}
    by = {(r.customer_id, f"{r.month:%Y-%m}"): float(r.mrr) for r in p.rows.itertuples()}
    # cust_003 upgraded in Sep 2025: 99 through Aug, 199 from Sep; cust_004 990 a year = 82.50; cust_005 270 a
    # quarter = 90; cust_002 cancelled 2025-08-10: Feb–Jul 2025; cust_007 back in Jan 2026 after Jul–Sep 2025
    assert (by[("cust_003", "2025-08")], by[("cust_003", "2025-09")]) == (99.0, 199.0)
    assert by[("cust_004", "2026-04")] == 82.5 and by[("cust_005", "2026-04")] == 90.0
    assert sorted(m for c, m in by if c == "cust_002") == [f"2025-{m:02d}" for m in range(2, 8)]
    assert sorted(m for c, m in by if c == "cust_007") == ["2025-07", "2025-08", "2025-09", "2026-01", "2026-02",
                                                          "2026-03", "2026-04"]
    assert "cust_008" not in {c for c, _ in by} and p.report.rejected_rows == 1  # the weekly plan
    customers = prepare_file(BAREMETRICS, kind="customers", as_of=dt.date(2026, 4, 25))
    assert customers.mapping["customer_id"] == "customer_oid"
    assert customers.mapping["start_date"] == "subscription_started_at"
