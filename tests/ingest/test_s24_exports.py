"""Exports of the twenty-fourth session's helper (help desks, survey tools, billing tools), written here in each tool's
layout (a few of its columns, from its public docs or the code of its SDKs); the figures are worked out by hand."""

import datetime as dt

import pytest
from conftest import by_month, prepare_bytes

from metrics.errors import InvalidValuesError, NeedsAnswerError

# Chargebee's subscriptions as its API writes them (the chargebee npm package's Subscription type: 'customer_id',
# 'plan_quantity', 'plan_unit_price', 'plan_amount', 'billing_period', 'billing_period_unit' day/week/month/year,
# 'status', 'activated_at', 'cancelled_at'; amounts in cents, '…_in_decimal' twins for decimal ones), as a
# connector or a script flattens them into CSV. 'plan_amount' is the plan's amount for all its units.
CHARGEBEE_API = (
    "id,customer_id,plan_id,plan_quantity,plan_unit_price,plan_amount,billing_period,billing_period_unit,status,"
    "currency_code,activated_at,cancelled_at\n"
    "sub_1,AzZTZ1Sx1,pro-monthly,1,4999,4999,1,month,active,USD,2026-09-01,\n"
    "sub_2,BzQ9kKSx2,pro-yearly,1,119900,119900,1,year,active,USD,2026-09-01,\n"
    "sub_3,Cz7LmPSx3,team-monthly,3,2500,7500,1,month,cancelled,USD,2026-09-01,2026-11-01\n")
CHARGEBEE_HAND = {("AzZTZ1Sx1", "2026-09"): 49.99, ("AzZTZ1Sx1", "2026-10"): 49.99, ("AzZTZ1Sx1", "2026-11"): 49.99,
                  ("BzQ9kKSx2", "2026-09"): 99.92, ("BzQ9kKSx2", "2026-10"): 99.92, ("BzQ9kKSx2", "2026-11"): 99.92,
                  ("Cz7LmPSx3", "2026-09"): 75.0, ("Cz7LmPSx3", "2026-10"): 75.0}


def test_chargebee_api_plan_amounts_in_cents_are_asked_and_not_multiplied_by_the_seats():
    """The plan amounts in cents were read as units (a 49.99 plan was MRR 4,999.00) with no question, and
    'plan_amount' (already 3 seats × 25.00 = 75.00) was multiplied by 'plan_quantity' again (MRR 225). Now the
    unit is asked (the layout is Chargebee's, every amount whole); answered cents: hand 49.99 a month; 1,199.00 a
    year ÷ 12 = 99.92; 75.00 a month in September and October (cancelled 1 November)."""
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(CHARGEBEE_API.encode(), kind="revenue", as_of=dt.date(2026, 11, 20))
    q = next(q for q in asked.value.questions if q.key == "amount_unit:plan_amount")
    assert q.must_confirm and q.proposal is None and "laid out as Chargebee's subscriptions" in q.detail
    p = prepare_bytes(CHARGEBEE_API.encode(), kind="revenue", as_of=dt.date(2026, 11, 20),
                      answers={"amount_unit:plan_amount": "cents"})
    assert p.mapping["amount"] == "plan_amount" and "quantity" not in p.mapping
    assert p.mapping["interval"] == "billing_period_unit"
    assert by_month(p) == CHARGEBEE_HAND


def test_chargebee_dashboard_decimals_are_units_without_a_question():
    """The same subscriptions with the amounts written 49.99 (a dashboard export's qualified headers): units, nothing
    asked; the same hand figures."""
    head, *rows = CHARGEBEE_API.splitlines()
    data = ("\n".join([",".join("subscriptions." + h for h in head.split(",")), *rows]) + "\n").replace(
        ",4999,4999,", ",49.99,49.99,").replace(",119900,119900,", ",1199.00,1199.00,").replace(
        ",2500,7500,", ",25.00,75.00,")
    p = prepare_bytes(data.encode(), kind="revenue", as_of=dt.date(2026, 11, 20))
    assert p.mapping["amount"] == "subscriptions.plan_amount" and "quantity" not in p.mapping
    assert by_month(p) == CHARGEBEE_HAND


# FastSpring's subscriptions as its subscription webhooks and its /subscriptions API describe one
# (developer.fastspring.com, 'subscription.canceled' payload: 'state' active / overdue / canceled / deactivated /
# trial, 'quantity', the unit 'price' and the 'subtotal' for all the units, 'intervalUnit' and 'intervalLength', the
# '…Display' dates as M/D/YY), flattened one subscription a row; its dates are mapped by hand (nothing auto-reads
# 'beginDisplay').
FASTSPRING_SUBS = (
    "id,active,state,currency,account,product,quantity,price,subtotal,intervalUnit,intervalLength,beginDisplay,"
    "nextDisplay,canceledDateDisplay,deactivationDateDisplay\n"
    "sub1,true,active,USD,acctA,pro-monthly,1,30.00,30.00,month,1,9/1/26,12/1/26,,\n"
    "sub2,true,active,USD,acctB,pro-yearly,1,240.00,240.00,year,1,9/15/26,9/15/27,,\n"
    "sub3,false,deactivated,USD,acctC,pro-monthly,2,30.00,60.00,month,1,9/3/26,,10/20/26,11/3/26\n")
FASTSPRING_MAPPED = {"start_date": "beginDisplay", "end_date": "deactivationDateDisplay", "amount": "subtotal",
                     "customer_id": "account"}


def test_fastspring_subscription_subtotal_is_for_all_seats_and_a_yearly_price_is_divided():
    """'subtotal' (2 seats × 30.00 = 60.00) was multiplied by 'quantity' again: acctC's MRR was 120. A yearly
    subscription ('intervalUnit' year) is divided by 12. Hand: acctA 30 Sep–Nov; acctB 240 ÷ 12 = 20 Sep–Nov; acctC
    60 Sep–Oct (deactivated 3 November)."""
    p = prepare_bytes(FASTSPRING_SUBS.encode(), kind="revenue", as_of=dt.date(2026, 11, 20), mapping=FASTSPRING_MAPPED,
                      answers={"date_format:deactivationDateDisplay": "%m/%d/%y"})
    assert (p.mapping["interval"], p.mapping["interval_count"]) == ("intervalUnit", "intervalLength")
    assert "quantity" not in p.mapping
    assert by_month(p) == {("acctA", "2026-09"): 30.0, ("acctA", "2026-10"): 30.0, ("acctA", "2026-11"): 30.0,
                           ("acctB", "2026-09"): 20.0, ("acctB", "2026-10"): 20.0, ("acctB", "2026-11"): 20.0,
                           ("acctC", "2026-09"): 60.0, ("acctC", "2026-10"): 60.0}
    # mapped to the unit 'price', the quantity is applied: the same figures
    unit = prepare_bytes(FASTSPRING_SUBS.encode(), kind="revenue", as_of=dt.date(2026, 11, 20),
                         mapping={**FASTSPRING_MAPPED, "amount": "price"},
                         answers={"date_format:deactivationDateDisplay": "%m/%d/%y"})
    assert unit.mapping["quantity"] == "quantity" and by_month(unit) == by_month(p)


# Paddle Billing's transactions flattened from its API (developer.paddle.com, the transaction entity: 'status'
# completed / billed / past_due / canceled, 'billing_period.starts_at', 'details.totals' subtotal, discount, tax, total,
# credit, balance, grand_total, fee, earnings in the lowest unit; the changelog 'See adjusted totals for transactions'
# (June 2023): 'details.adjusted_totals' subtotal, tax, total, grand_total, "null if no adjustments against this
# transaction"). txn_2 was refunded in half, txn_5 in full; txn_3 paid 20.00 of its 60.00 from the customer's credit
# balance (grand_total 40.00).
PADDLE_BILLING = (
    "id,status,customer_id,origin,subscription_id,currency_code,billed_at,billing_period.starts_at,"
    "billing_period.ends_at,details.totals.subtotal,details.totals.discount,details.totals.tax,details.totals.total,"
    "details.totals.credit,details.totals.balance,details.totals.grand_total,details.totals.fee,"
    "details.totals.earnings,details.adjusted_totals.subtotal,details.adjusted_totals.tax,"
    "details.adjusted_totals.total,details.adjusted_totals.grand_total\n"
    "txn_1,completed,ctm_A,subscription_recurring,sub_A,USD,2026-09-01T10:00:00Z,2026-09-01T10:00:00Z,"
    "2026-10-01T10:00:00Z,5000,0,1000,6000,0,0,6000,350,5650,,,,\n"
    "txn_2,completed,ctm_B,subscription_recurring,sub_B,USD,2026-09-05T10:00:00Z,2026-09-05T10:00:00Z,"
    "2026-10-05T10:00:00Z,10000,1000,1800,10800,0,0,10800,590,10210,5000,900,5400,5400\n"
    "txn_3,completed,ctm_A,subscription_recurring,sub_A,USD,2026-10-01T10:00:00Z,2026-10-01T10:00:00Z,"
    "2026-11-01T10:00:00Z,5000,0,1000,6000,2000,0,4000,250,3750,,,,\n"
    "txn_4,past_due,ctm_C,subscription_recurring,sub_C,USD,2026-10-03T10:00:00Z,2026-10-03T10:00:00Z,"
    "2026-11-03T10:00:00Z,3000,0,600,3600,0,3600,3600,,,,,,\n"
    "txn_5,completed,ctm_B,subscription_recurring,sub_B,USD,2026-10-05T10:00:00Z,2026-10-05T10:00:00Z,"
    "2026-11-05T10:00:00Z,10000,1000,1800,10800,0,0,10800,590,10210,0,0,0,0\n"
    "txn_6,canceled,ctm_D,subscription_charge,,USD,,,,2000,0,400,2400,0,2400,2400,,,,,,\n")


def test_paddle_billing_adjusted_totals_take_off_refunds_and_the_billed_totals_stay_elsewhere():
    """'details.adjusted_totals.total' was taken as the amount with the billed tax ('details.totals.tax') beside it:
    the file was refused for its empty adjusted totals (no adjustment on four transactions), and with them filled in
    the fully refunded txn_5 read 0 − 18.00. Now the billed totals are the amount and tax, the adjusted ones where
    Paddle wrote them. Hand (cents): ctm_A 60.00 − 10.00 = 50 in September and October (the credit balance paying
    20.00 of October is no discount); ctm_B September refunded in half 54.00 − 9.00 = 45, October refunded in full 0;
    past_due and canceled: nothing."""
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(PADDLE_BILLING.encode(), kind="revenue")
    assert any(q.key == "amount_unit:details.totals.total" for q in asked.value.questions)
    p = prepare_bytes(PADDLE_BILLING.encode(), kind="revenue",
                      answers={"amount_unit:details.totals.total": "cents",
                               "recurring:details.totals.total": "monthly"})
    assert (p.mapping["amount"], p.mapping["tax"]) == ("details.totals.total", "details.totals.tax")
    assert by_month(p) == {("ctm_A", "2026-09"): 50.0, ("ctm_A", "2026-10"): 50.0, ("ctm_B", "2026-09"): 45.0,
                           ("ctm_B", "2026-10"): 0.0}
    said = " ".join(p.warnings)
    assert ("2 transactions adjusted by a refund, a chargeback or a credit are read at their adjusted totals "
            "('details.adjusted_totals.total' less 'details.adjusted_totals.tax'), not as billed "
            "('details.totals.total')") in said
    assert "by status: canceled 1, past_due 1" in said


# Square's 'Transactions' CSV (Dashboard > Transactions > Export; its columns as in test_ledger_and_payment_exports and
# Square's glossary: "Refunds ... excludes partial refunds", "Net Sales ... after the deduction of refunds"; its
# sales summary lists Net Sales, Gift Card Sales, (Partial Refunds), Total Collected). A refund by amount is a
# 'Refund' row with Net Sales 0.00 and the money in 'Partial Refunds'.
SQUARE_TX_HEAD = (
    "Date,Time,Time Zone,Gross Sales,Discounts,Service Charges,Net Sales,Gift Card Sales,Tax,Tip,Partial Refunds,"
    "Total Collected,Source,Card,Fees,Net Total,Transaction ID,Payment ID,Description,Event Type,Location,Customer ID,"
    "Customer Name,Transaction Status\n")


def _square_tx(date, gross, disc, net, tax, tip, partial, total, event, customer, txn):
    return (f"{date},10:00:00,Eastern Time (US & Canada),{gross},{disc},$0.00,{net},$0.00,{tax},{tip},{partial},"
            f"{total},Point of Sale,{total},$0.00,{total},{txn},p{txn},Plan,{event},Main,{customer},Name,Complete\n")


SQUARE_TX = SQUARE_TX_HEAD + "".join((
    _square_tx("2026-09-05", "$100.00", "-$10.00", "$90.00", "$7.20", "$5.00", "$0.00", "$102.20", "Payment", "CUST-A",
               "t1"),
    _square_tx("2026-09-20", "$0.00", "$0.00", "$0.00", "$0.00", "$0.00", "-$20.00", "-$20.00", "Refund", "CUST-A",
               "t2"),
    _square_tx("2026-10-05", "$100.00", "-$10.00", "$90.00", "$7.20", "$5.00", "$0.00", "$102.20", "Payment", "CUST-A",
               "t3"),
    _square_tx("2026-09-07", "$60.00", "$0.00", "$60.00", "$4.80", "$0.00", "$0.00", "$64.80", "Payment", "CUST-B",
               "t4"),
    _square_tx("2026-10-07", "$60.00", "$0.00", "$60.00", "$4.80", "$0.00", "$0.00", "$64.80", "Payment", "CUST-B",
               "t5"),
    _square_tx("2026-10-09", "-$60.00", "$0.00", "-$60.00", "-$4.80", "$0.00", "$0.00", "-$64.80", "Refund", "CUST-B",
               "t6")))
SQUARE_ANSWERS = {"credits:Net Sales": "net", "recurring:Net Sales": "monthly"}


def test_square_partial_refunds_are_taken_off_the_net_sales():
    """A refund by amount (CUST-A's 20.00 on 20 September: Net Sales 0.00, Partial Refunds −20.00) was never taken
    off (September 90). Hand: CUST-A Sep 90 − 20 = 70, Oct 90; CUST-B Sep 60, Oct 60 − 60 (a full refund's own
    row) = 0."""
    p = prepare_bytes(SQUARE_TX.encode(), kind="revenue", answers=SQUARE_ANSWERS)
    assert p.mapping["amount"] == "Net Sales"
    assert by_month(p) == {("CUST-A", "2026-09"): 70.0, ("CUST-A", "2026-10"): 90.0, ("CUST-B", "2026-09"): 60.0,
                           ("CUST-B", "2026-10"): 0.0}
    assert ("1 partial refund in 'Partial Refunds' (on rows with no net sale) is taken off the customer's revenue: "
            "Square's 'Net Sales' leaves refunds by amount out.") in p.warnings


def test_square_partial_refund_beside_a_net_sale_is_refused_by_row():
    """A row holding both a net sale and a partial refund: which part was refunded is not said; refused by row."""
    both = SQUARE_TX.replace("$0.00,$102.20,Point of Sale,$102.20,$0.00,$102.20,t3",
                             "-$20.00,$82.20,Point of Sale,$82.20,$0.00,$82.20,t3")
    with pytest.raises(InvalidValuesError, match="hold a partial refund beside a net sale in 'Net Sales'"):
        prepare_bytes(both.encode(), kind="revenue", answers=SQUARE_ANSWERS)


# Square's 'Items' CSV (Dashboard > Items sales export: Date, Time, Time Zone, Category, Item, Qty, Price Point Name,
# SKU, Modifiers Applied, Gross Sales, Discounts, Net Sales, Tax, Transaction ID, Payment ID, ..., Event Type Payment /
# Refund, ..., Customer ID, Customer Name): an item refunded is a 'Refund' row with Qty −1 and negative amounts.
SQUARE_ITEMS_HEAD = ("Date,Time,Time Zone,Category,Item,Qty,Price Point Name,SKU,Modifiers Applied,Gross Sales,"
                     "Discounts,Net Sales,Tax,Transaction ID,Payment ID,Device Name,Notes,Details,Event Type,Location,"
                     "Dining Option,Customer ID,Customer Name,Customer Reference ID,Unit,Count,Itemization Type\n")


def _square_item(date, item, qty, gross, disc, net, tax, txn, event, customer):
    return (f"{date},10:00:00,Eastern Time (US & Canada),Plans,{item},{qty},Regular,,,{gross},{disc},{net},{tax},"
            f"{txn},p{txn},Register,,,{event},Main,,{customer},Name,,ea,{qty},Physical Item\n")


def test_square_items_refund_rows_are_read_once_with_their_own_sign():
    """Pinned (read right already): the quantity is not applied to an item line (Qty −1 × −15.00 would make the
    refund a sale), the negative refund row nets. Hand: CUST-A Sep 50 + 15 − 15 = 50, Oct 50; CUST-B 80 / 80."""
    data = SQUARE_ITEMS_HEAD + "".join((
        _square_item("2026-09-05", "Plan S", 2, "$50.00", "$0.00", "$50.00", "$4.00", "t1", "Payment", "CUST-A"),
        _square_item("2026-09-05", "Add-on", 1, "$20.00", "-$5.00", "$15.00", "$1.20", "t1", "Payment", "CUST-A"),
        _square_item("2026-09-10", "Add-on", -1, "-$20.00", "$5.00", "-$15.00", "-$1.20", "t2", "Refund", "CUST-A"),
        _square_item("2026-10-05", "Plan S", 2, "$50.00", "$0.00", "$50.00", "$4.00", "t3", "Payment", "CUST-A"),
        _square_item("2026-09-07", "Plan M", 1, "$80.00", "$0.00", "$80.00", "$6.40", "t4", "Payment", "CUST-B"),
        _square_item("2026-10-07", "Plan M", 1, "$80.00", "$0.00", "$80.00", "$6.40", "t5", "Payment", "CUST-B")))
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(data.encode(), kind="revenue")
    assert any(q.key == "credits:Net Sales" and "-15.00 in all" in q.detail for q in asked.value.questions)
    p = prepare_bytes(data.encode(), kind="revenue", answers=SQUARE_ANSWERS)
    assert p.mapping["amount"] == "Net Sales" and "quantity" not in p.mapping
    assert by_month(p) == {("CUST-A", "2026-09"): 50.0, ("CUST-A", "2026-10"): 50.0, ("CUST-B", "2026-09"): 80.0,
                           ("CUST-B", "2026-10"): 80.0}


# LiveChat's chats export (its archive CSV, as a public LiveChat analytics script reads it: 'conferenceId', 'chat
# start date Europe/London' (the zone in the header), 'group name', 'rate' rated good / rated bad / not rated — the
# script compares 'rated_good' after replacing spaces —, 'last rate comment', 'operator 1 nick').
LIVECHAT = (
    "conferenceId,chat start date Europe/London,chat start url,group name,visitor name,visitor email,rate,"
    "last rate comment,last operator id,operator 1 nick,operator 2 nick\n"
    "PQ1A,2026-10-01 09:00:00,https://shop.example/,Sales,Ann,ann@a.example,rated good,Quick help,op1@x.io,Tom,\n"
    "PQ1B,2026-10-02 09:00:00,https://shop.example/,Sales,Bo,bo@b.example,rated bad,Too slow,op1@x.io,Tom,Kim\n"
    "PQ1C,2026-10-03 09:00:00,https://shop.example/,Sales,Cy,cy@c.example,not rated,,op2@x.io,Kim,\n"
    "PQ1D,2026-10-04 09:00:00,https://shop.example/,Support,Dee,dee@d.example,rated good,,op2@x.io,Kim,\n"
    "PQ1E,2026-11-05 09:00:00,https://shop.example/,Support,Ed,ed@e.example,not rated,,op2@x.io,Kim,\n"
    "PQ1F,2026-11-06 09:00:00,https://shop.example/,Support,Fay,fay@f.example,rated bad,,op1@x.io,Tom,\n")


def test_livechat_chat_ratings_are_good_bad_and_not_rated_is_no_answer():
    """LiveChat's chats were refused as CSAT (no score column found; 'rate' mapped by hand: "not whole-number
    scores"). Now 'rate' is read as Good/Bad, 'not rated' skipped and said. Hand: rated good 2, rated bad 2 of the 4
    rated chats: CSAT 50.0%."""
    p = prepare_bytes(LIVECHAT.encode(), kind="csat")
    assert (p.mapping["score"], p.mapping["response_date"], p.mapping["response_id"], p.mapping["comment"]) == (
        "rate", "chat start date Europe/London", "conferenceId", "last rate comment")
    assert list(p.rows.response_id) == ["PQ1A", "PQ1B", "PQ1D", "PQ1F"]
    assert list(p.rows.satisfied) == [True, False, True, False] and set(p.rows.scale) == {"good-bad"}
    assert round(100 * p.rows.satisfied.mean(), 1) == 50.0
    assert "2 rows are not answers and were skipped: 2 Not rated (LiveChat)." in p.warnings


def test_livechat_chats_as_tickets_read_their_rating_and_their_zone():
    """As tickets: the chat id and its start were not found (refused). Now the start is read in the header's zone
    (Europe/London, summer time in October: 09:00 is 08:00 UTC; GMT in November), the rating as Good/Bad with
    'not rated' no rating. Hand: satisfied 2 of 4 rated chats."""
    p = prepare_bytes(LIVECHAT.encode(), kind="tickets", mapping={"customer_id": "visitor email"})
    assert (p.mapping["ticket_id"], p.mapping["created_at"], p.mapping["satisfaction"]) == (
        "conferenceId", "chat start date Europe/London", "rate")
    t = p.rows.set_index("ticket_id")
    assert str(t.loc["PQ1A", "created_at"]) == "2026-10-01 08:00:00"
    assert str(t.loc["PQ1E", "created_at"]) == "2026-11-05 09:00:00"
    rated = t.csat_satisfied.dropna()
    assert rated.to_dict() == {"PQ1A": True, "PQ1B": False, "PQ1D": True, "PQ1F": False}


# Zendesk's satisfaction ratings as its API lists them (developer.zendesk.com, 'Satisfaction Ratings': url, id,
# assignee_id, group_id, requester_id, ticket_id, score offered / unoffered / good / bad, created_at, updated_at,
# comment, reason, reason_id).
ZENDESK_RATINGS = (
    "url,id,assignee_id,group_id,requester_id,ticket_id,score,created_at,updated_at,comment,reason,reason_id\n"
    "https://x.zendesk.com/api/v2/satisfaction_ratings/9001.json,9001,71,81,501,101,good,2026-10-02T10:00:00Z,"
    "2026-10-02T10:00:00Z,Great,,\n"
    "https://x.zendesk.com/api/v2/satisfaction_ratings/9002.json,9002,71,81,502,102,bad,2026-10-03T10:00:00Z,"
    "2026-10-03T10:00:00Z,Slow,The issue took too long to resolve,1001\n"
    "https://x.zendesk.com/api/v2/satisfaction_ratings/9003.json,9003,72,81,503,103,offered,2026-10-04T10:00:00Z,"
    "2026-10-04T10:00:00Z,,,\n"
    "https://x.zendesk.com/api/v2/satisfaction_ratings/9004.json,9004,72,81,501,104,unoffered,2026-10-05T10:00:00Z,"
    "2026-10-05T10:00:00Z,,,\n"
    "https://x.zendesk.com/api/v2/satisfaction_ratings/9005.json,9005,71,81,504,105,good,2026-11-01T10:00:00Z,"
    "2026-11-01T10:00:00Z,,,\n"
    "https://x.zendesk.com/api/v2/satisfaction_ratings/9006.json,9006,71,81,505,106,good,2026-11-02T10:00:00Z,"
    "2026-11-02T10:00:00Z,,,\n")


def test_zendesk_satisfaction_ratings_api_layout_is_pinned():
    """Read right already (pinned): the requester is the customer, the rated ticket the response, offered and
    unoffered no answers, said. Hand: good 3, bad 1: CSAT 75.0%."""
    p = prepare_bytes(ZENDESK_RATINGS.encode(), kind="csat")
    assert (p.mapping["customer_id"], p.mapping["response_id"], p.mapping["score"]) == (
        "requester_id", "ticket_id", "score")
    assert list(p.rows.response_id) == ["101", "102", "105", "106"]
    assert round(100 * p.rows.satisfied.mean(), 1) == 75.0
    assert p.warnings[0] == ("2 rows are not answers and were skipped: 1 Offered (sent, not answered), 1 Unoffered "
                             "(never sent).")
