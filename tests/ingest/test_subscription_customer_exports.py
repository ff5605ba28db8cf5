"""Customer lists built from subscription exports of Recurly, Chargebee and Paddle Billing, and account lists of
Salesforce and HubSpot, written here in each tool's layout (a few of its columns). Each counted trials, merged or
split customers, or churned the wrong accounts; the figures below are worked out by hand, as of 23 November 2026."""

import datetime as dt

import pytest
from conftest import prepare_bytes

from metrics.errors import IngestError, NeedsAnswerError
from metrics.ingest.mapping import detect_mapping

AS_OF = dt.date(2026, 11, 23)  # the tests' today


def customers(p) -> dict[str, tuple[str, str | None]]:
    return {r.customer_id: (f"{r.start_date:%Y-%m-%d}", None if r.churn_date is None or r.churn_date != r.churn_date
                            else f"{r.churn_date:%Y-%m-%d}") for r in p.rows.itertuples()}


RECURLY = (
    "uuid,account_code,state,activated_at,canceled_at,expires_at,trial_started_at,trial_ends_at\n"
    "44f8a01,acct_A,active,2025-03-01T07:00:00Z,,,,\n"
    "44f8a02,acct_B,expired,2025-06-06T07:00:00Z,2026-10-20T12:00:00Z,2026-11-06T07:00:00Z,,\n"
    "44f8a04,acct_D,in_trial,2026-11-18T07:00:00Z,,,2026-11-18T07:00:00Z,2026-12-02T07:00:00Z\n"
    "44f8a05,acct_E,expired,2026-10-12T07:00:00Z,2026-10-20T12:00:00Z,2026-10-26T07:00:00Z,2026-10-12T07:00:00Z,"
    "2026-10-26T07:00:00Z\n"
    "44f8a06,acct_F,active,2026-10-25T07:00:00Z,,,2026-10-25T07:00:00Z,2026-11-08T07:00:00Z\n")


def test_recurly_subscriptions_state_and_uuid_are_read():
    """'state' and 'uuid' were unread: acct_D in its trial and acct_E, a trial that expired unpaid, were customers,
    and acct_F started at its trial's start. Hand: A, B (churned 6 November), F from its trial's end, 8 November."""
    m = detect_mapping("customers", RECURLY.splitlines()[0].split(","))
    assert m["status"] == "state" and m["subscription_id"] == "uuid" and m["customer_id"] == "account_code"
    p = prepare_bytes(RECURLY.encode(), kind="customers", as_of=AS_OF)
    assert customers(p) == {"acct_A": ("2025-03-01", None), "acct_B": ("2025-06-06", "2026-11-06"),
                            "acct_F": ("2026-11-08", None)}


def test_a_state_beside_an_address_is_the_region_not_a_status():
    cols = ["Customer ID", "Start Date", "Churn Date", "City", "State", "Country"]
    assert "status" not in detect_mapping("customers", cols)


CHARGEBEE = (
    "subscriptions.id,subscriptions.customer_id,subscriptions.status,subscriptions.trial_end,"
    "subscriptions.activated_at,subscriptions.cancelled_at\n"
    "cb_A,cust_A,active,,2025-04-01 00:00:00,\n"
    "cb_B,cust_B,cancelled,,2025-07-01 00:00:00,2026-11-14 00:00:00\n"
    "cb_C,cust_C,in_trial,2026-12-04 00:00:00,,\n"
    "cb_D,cust_D,cancelled,2026-11-03 00:00:00,,2026-11-03 00:00:00\n"
    "cb_H,cust_H,future,,,\n"
    "cb_J1,cust_J,cancelled,,2025-01-01 00:00:00,2026-11-20 00:00:00\n"
    "cb_J2,cust_J,active,,2026-06-01 00:00:00,\n")


def test_chargebee_subscriptions_are_combined_per_customer_and_unpaid_ones_left_out():
    """'subscriptions.id' was not read as the subscription id: cust_J's two subscriptions were a duplicate customer,
    and rows with no 'activated_at' (a trial, a trial cancelled in it, a future subscription) refused the file.
    Hand: A; B churned 14 November; J from its first subscription, still a customer (its second runs)."""
    p = prepare_bytes(CHARGEBEE.encode(), kind="customers", as_of=AS_OF)
    assert customers(p) == {"cust_A": ("2025-04-01", None), "cust_B": ("2025-07-01", "2026-11-14"),
                            "cust_J": ("2025-01-01", None)}
    assert any("2 subscriptions with no 'subscriptions.activated_at'" in w for w in p.warnings)


PADDLE = (
    "id,status,customer_id,started_at,first_billed_at,canceled_at\n"
    "sub_01a,active,ctm_A,2025-06-01T09:00:00.000Z,2025-06-01T09:00:00.000Z,\n"
    "sub_01b,canceled,ctm_B,2025-08-10T09:00:00.000Z,2025-08-10T09:00:00.000Z,2026-11-12T09:00:00.000Z\n"
    "sub_01c,trialing,ctm_C,2026-11-20T09:00:00.000Z,,\n"
    "sub_01d,canceled,ctm_D,2026-10-25T09:00:00.000Z,,2026-11-08T09:00:00.000Z\n"
    "sub_01i,active,ctm_I,2026-10-20T09:00:00.000Z,2026-11-03T09:00:00.000Z,\n")


def test_paddle_subscriptions_start_when_first_billed():
    """Paddle's 'started_at' opens a trial; 'first_billed_at' is the first payment. ctm_D, a trial cancelled before
    paying, was a customer who churned on 8 November, and ctm_I started at its trial. Hand: A, B churned 12 November,
    I from 3 November."""
    p = prepare_bytes(PADDLE.encode(), kind="customers", as_of=AS_OF)
    assert customers(p) == {"ctm_A": ("2025-06-01", None), "ctm_B": ("2025-08-10", "2026-11-12"),
                            "ctm_I": ("2026-11-03", None)}


SALESFORCE = (
    '"Account Name","Account ID","Customer Since","Churn Date"\n'
    '"Acme","0015g00000A1bCd","2025-03-01",""\n'
    '"Beta","0015g00000A1bCD","2025-06-05","2026-11-10"\n'
    '"Zeta","0015g00000A1bcd","2026-02-11","2026-11-03"\n'
    '"Theta","0015g00000A1bCj","2026-11-02",""\n')


def test_salesforce_ids_that_differ_in_case_are_asked_not_merged():
    """Salesforce's 15-character ids are case-sensitive: 'A1bCd', 'A1bCD' and 'A1bcd' are three accounts, folded into
    one without a question (6 customers read as 3). Asked now, must be confirmed, proposed 'separate' (was no
    proposal: apart is what the ids say); 'separate' keeps four."""
    key = "one_spelling:Account ID"
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(SALESFORCE.encode(), kind="customers", as_of=AS_OF)
    q = next(q for q in asked.value.questions if q.key == key)
    assert q.must_confirm and q.proposal == "separate" and "Salesforce's 15-character ids" in q.detail
    p = prepare_bytes(SALESFORCE.encode(), kind="customers", as_of=AS_OF, answers={key: "separate"})
    assert len(p.rows) == 4 and customers(p)["0015g00000A1bcd"] == ("2026-02-11", "2026-11-03")


HUBSPOT = (
    "Record ID,Company name,Lifecycle Stage,Became a Customer Date,Churn Date\n"
    "9001,Acme,Customer,2025-03-01 00:00,\n"
    "9002,Beta,Other,2025-06-15 00:00,2026-11-10\n"
    "9007,Eta,Customer,2026-03-15 00:00,2026-11-20\n")


def test_a_customer_stage_beside_a_churn_date_is_asked():
    """HubSpot's lifecycle stage stays 'Customer' after a churn, while a success tool's 'customer' beside a contract
    end is a renewal: the file cannot say. Asked, must be confirmed; 'churned' keeps Eta's churn on 20 November,
    'active' reads it as a customer."""
    key = "customer_status_dated:Lifecycle Stage"
    answers = {"churned_values:Lifecycle Stage": "Other"}
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(HUBSPOT.encode(), kind="customers", as_of=AS_OF, answers=answers)
    assert next(q for q in asked.value.questions if q.key == key).must_confirm
    churned = prepare_bytes(HUBSPOT.encode(), kind="customers", as_of=AS_OF, answers={**answers, key: "churned"})
    assert customers(churned)["9007"] == ("2026-03-15", "2026-11-20")
    active = prepare_bytes(HUBSPOT.encode(), kind="customers", as_of=AS_OF, answers={**answers, key: "active"})
    assert customers(active)["9007"] == ("2026-03-15", None)
    assert customers(active)["9002"] == ("2025-06-15", "2026-11-10")


STRIPE = (
    "id,Customer ID,Status,Start (UTC),Trial Start (UTC),Trial End (UTC),Canceled At (UTC),Ended At (UTC)\n"
    "sub_1A,cus_1,active,2025-05-01 10:00,,,,\n"
    "sub_2A,cus_2,canceled,2025-09-01 10:00,,,2026-10-20 14:11,2026-11-05 10:00\n"
    "sub_3A,cus_3,paused,2026-10-01 10:00,2026-10-01 10:00,2026-10-15 10:00,,\n")


def test_paused_subscriptions_are_asked_about_in_a_customers_list():
    """Stripe pauses a subscription whose trial ended without a payment method: cus_3 was a customer from its trial's
    end. Asked, must be confirmed, as for revenue; left out, cus_1 and cus_2 remain."""
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(STRIPE.encode(), kind="customers", as_of=AS_OF)
    q = next(q for q in asked.value.questions if q.key == "halted:Status")
    assert q.must_confirm and "never paid" in q.labels["leave_out"]
    p = prepare_bytes(STRIPE.encode(), kind="customers", as_of=AS_OF, answers={"halted:Status": "leave_out"})
    assert customers(p) == {"cus_1": ("2025-05-01", None), "cus_2": ("2025-09-01", "2026-11-05")}
    kept = prepare_bytes(STRIPE.encode(), kind="customers", as_of=AS_OF, answers={"halted:Status": "count"})
    assert customers(kept)["cus_3"] == ("2026-10-15", None)


# Snapshot churn files of public datasets (the layouts of Maven Analytics' telecom churn and a bank's 'Exited')
MAVEN = ("Customer_ID,Tenure_in_Months,Monthly_Charge,Customer_Status,Churn_Category\n"
         "0001-A,9,65.60,Stayed,N/A\n0002-B,9,-4.00,Stayed,N/A\n0003-C,4,73.90,Churned,Competitor\n"
         "0004-D,13,98.00,Churned,Dissatisfaction\n0005-E,3,83.90,Churned,Other\n0006-F,1,30.00,Joined,N/A\n"
         "0007-G,71,110.00,Stayed,N/A\n")


def test_maven_customer_status_beside_tenure_says_who_churned_in_a_revenue_snapshot():
    """'Customer_Status' (Churned / Stayed / Joined) was read as a subscription status: the churners paid on through
    the as-of month, MRR 448,559 for 311,326 on the whole file. Hand (the negative charge skipped): June 2022 =
    65.60 + 30.00 + 110.00 = 205.60; May 2022 = all six (a tenure of 1 month started in May, and the churners paid
    through May) = 205.60 + 73.90 + 98.00 + 83.90 = 461.40."""
    assert detect_mapping("revenue", MAVEN.splitlines()[0].split(","))["churned"] == "Customer_Status"
    p = prepare_bytes(MAVEN.encode(), kind="revenue", as_of=dt.date(2022, 6, 30), skip_invalid=True,
                      mapping={"amount": "Monthly_Charge"},
                      answers={"tenure_unit:Tenure_in_Months": "months"})
    months = p.rows.groupby(p.rows.month.astype(str)).mrr.sum().astype(float).round(2).to_dict()
    assert months["2022-06-01"] == 205.60 and months["2022-05-01"] == 461.40


def test_a_snapshot_churn_flag_asks_its_period_and_a_longer_one_is_refused():
    """A churn flag over a quarter (Maven's Q2 2022) read as one month's: 26.5% monthly, 97.5% a year. Asked,
    the month proposed (IBM's telco sample: left within the last month); a longer period is refused."""
    data = "customer_id,tenure,Exited\nA,12,1\nB,30,0\nC,5,0\nD,0,1\nE,7,0\n"
    p = prepare_bytes(data.encode(), kind="customers", as_of=dt.date(2022, 6, 30),
                      answers={"tenure_unit:tenure": "months"})
    q = next(q for q in p.questions if q.key == "churn_period:Exited")
    assert q.proposal == "month" and set(q.choices) == {"month", "longer"}
    # D started and left in June 2022 (tenure 0): in neither the month's customers nor its churn, said
    assert any(w.startswith("1 churned customer with a tenure of 0 (started in Jun 2022)") for w in p.warnings)
    with pytest.raises(IngestError, match="a monthly churn rate cannot be read from it"):
        prepare_bytes(data.encode(), kind="customers", as_of=dt.date(2022, 6, 30),
                      answers={"tenure_unit:tenure": "months", "churn_period:Exited": "longer"})
