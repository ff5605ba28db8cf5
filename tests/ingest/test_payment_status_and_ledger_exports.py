"""NetSuite's transaction saved search, WooCommerce's order export (WebToffee: statuses as stored, 'wc-…'),
GoCardless' payments and Razorpay's payments, written here in each tool's layout (a few of its columns). Each was read
into a plausible wrong MRR before; the figures below are worked out by hand."""

import datetime as dt

import pytest
from conftest import by_month, prepare_bytes

from metrics.errors import IngestError, NeedsAnswerError
from metrics.ingest.mapping import detect_mapping

NETSUITE = (
    "Internal ID,Date,Type,Document Number,Name,Account,Memo,Amount,Status\n"
    "1001,10/1/2026,Invoice,INV1001,Acme Corp,1200 Accounts Receivable,October subscription,500.00,Paid In Full\n"
    "1050,10/15/2026,Payment,PYMT501,Acme Corp,1099 Undeposited Funds,,500.00,Deposited\n"
    "1002,10/3/2026,Invoice,INV1002,Beta LLC,1200 Accounts Receivable,October subscription,300.00,Paid In Full\n"
    "1060,10/20/2026,Credit Memo,CM201,Beta LLC,1200 Accounts Receivable,Service credit,-100.00,Fully Applied\n"
    "1005,11/1/2026,Invoice,INV1005,Acme Corp,1200 Accounts Receivable,November subscription,500.00,Open\n"
    "1006,11/3/2026,Invoice,INV1006,Beta LLC,1200 Accounts Receivable,November subscription,300.00,Paid In Full\n"
    "1007,11/4/2026,Invoice,INV1007,Gamma Inc,1200 Accounts Receivable,November subscription,250.00,Paid In Full\n"
    "1070,11/20/2026,Payment,PYMT502,Gamma Inc,1099 Undeposited Funds,,250.00,Deposited\n")


def test_netsuite_name_is_the_customer_and_payments_are_not_revenue():
    """'Account' is the ledger account ('1200 Accounts Receivable' on every invoice): read as the customer, the three
    companies were one (October 700, November 1,050). Hand: Acme 500 / 500, Beta 300 − 100 credit = 200 / 300, Gamma
    – / 250; the two payments settle invoices of the file."""
    cols = NETSUITE.splitlines()[0].split(",")
    m = detect_mapping("revenue", cols)
    assert m["customer_id"] == "Name" and m["status"] == "Status"
    p = prepare_bytes(NETSUITE.encode(), kind="revenue", answers={"credits:Amount": "net"})
    assert by_month(p) == {("Acme Corp", "2026-10"): 500.0, ("Acme Corp", "2026-11"): 500.0,
                           ("Beta LLC", "2026-10"): 200.0, ("Beta LLC", "2026-11"): 300.0,
                           ("Gamma Inc", "2026-11"): 250.0}
    assert any("2 rows whose 'Type' says payment were left out" in w for w in p.warnings)


WOO = (
    "order_id,order_number,order_date,paid_date,status,shipping_total,tax_total,order_total,order_currency,"
    "customer_id,customer_email\n"
    "1001,1001,2026-10-05 14:30:11,2026-10-05 14:31:02,wc-completed,5.00,10.00,65.00,USD,11,ann@acme.io\n"
    "1002,1002,2026-11-05 14:30:11,2026-11-05 14:31:02,wc-completed,5.00,10.00,65.00,USD,11,ann@acme.io\n"
    "1003,1003,2026-10-08 09:00:00,2026-10-08 09:01:00,wc-processing,0.00,6.00,36.00,USD,12,bob@beta.io\n"
    "1004,1004,2026-11-08 09:00:00,2026-11-08 09:01:00,wc-refunded,0.00,6.00,36.00,USD,12,bob@beta.io\n"
    "1005,1005,2026-10-09 09:00:00,2026-10-09 09:01:00,wc-completed,0.00,4.00,24.00,USD,13,cy@crux.io\n"
    "1006,1006,2026-11-09 09:00:00,,wc-pending,0.00,4.00,24.00,USD,13,cy@crux.io\n"
    "1007,1007,2026-11-12 11:00:00,,wc-on-hold,0.00,20.00,120.00,USD,14,di@delta.io\n"
    "1008,1008,2026-11-13 11:00:00,,wc-failed,0.00,20.00,120.00,USD,14,di@delta.io\n"
    "1009,1009,2026-11-14 11:00:00,,wc-cancelled,0.00,8.00,48.00,USD,15,ed@echo.io\n"
    "1010,1010,2026-11-15 11:00:00,,wc-checkout-draft,0.00,8.00,48.00,USD,15,ed@echo.io\n")


def test_woocommerce_statuses_with_their_wc_prefix_are_read():
    """'wc-refunded', 'wc-pending', 'wc-on-hold', 'wc-failed', 'wc-cancelled' were unknown words: every order was
    revenue (customer 14: 200 in November for nothing paid). Hand: order total − tax − shipping for completed and
    processing orders only: 11 50 / 50, 12 30 / –, 13 20 / –; 14 and 15 nothing."""
    p = prepare_bytes(WOO.encode(), kind="revenue", answers={"recurring:order_total": "monthly"})
    assert by_month(p) == {("11", "2026-10"): 50.0, ("11", "2026-11"): 50.0, ("12", "2026-10"): 30.0,
                           ("13", "2026-10"): 20.0}
    said = next(w for w in p.warnings if "left out, by status" in w)
    assert "cancelled 1, checkout-draft 1, failed 1, on-hold 1, pending 1, refunded 1" in said


GOCARDLESS = (
    "id,created_at,charge_date,amount,description,currency,status,amount_refunded,links.customer\n"
    "PM0001A,2026-09-27T10:00:00.000Z,2026-10-01,25.00,Pro plan,GBP,paid_out,0.00,CU0001\n"
    "PM0002A,2026-10-27T10:00:00.000Z,2026-11-02,25.00,Pro plan,GBP,paid_out,10.00,CU0001\n"
    "PM0003C,2026-10-06T10:00:00.000Z,2026-10-10,60.00,Scale plan,GBP,paid_out,0.00,CU0003\n"
    "PM0004C,2026-11-26T10:00:00.000Z,2026-11-28,60.00,Scale plan,GBP,pending_submission,0.00,CU0003\n"
    "PM0005E,2026-11-20T10:00:00.000Z,2026-11-25,30.00,Basic plan,GBP,pending_customer_approval,0.00,CU0005\n"
    "PM0006F,2026-11-20T10:00:00.000Z,2026-11-21,45.00,Basic plan,GBP,authorized,0.00,CU0006\n")


def test_payments_not_collected_are_no_revenue():
    """GoCardless' 'pending_submission' and 'pending_customer_approval' (not collected yet) and an 'authorized'
    payment never captured (Razorpay, Braintree) were revenue (CU0003 60 and CU0005 30 in November), and a pending
    payment's charge date after the export's day refused the file. Hand: CU0001 25 / 25 − 10 refunded = 15, CU0003
    60 / –."""
    p = prepare_bytes(GOCARDLESS.encode(), kind="revenue", answers={"recurring:amount": "monthly"})
    assert by_month(p) == {("CU0001", "2026-10"): 25.0, ("CU0001", "2026-11"): 15.0, ("CU0003", "2026-10"): 60.0}
    said = next(w for w in p.warnings if "left out, by status" in w)
    assert "authorized 1, pending_customer_approval 1, pending_submission 1" in said


BRAINTREE = (
    "Transaction ID,Subscription ID,Transaction Type,Transaction Status,Created Datetime,Currency ISO Code,"
    "Amount Submitted For Settlement,Tax Amount,Customer ID\n"
    "k1,sub_c1,sale,settled,2026-10-03 10:01:22,USD,49.00,0.00,cust_1\n"
    "k2,sub_c1,sale,settled,2026-11-03 10:01:22,USD,49.00,0.00,cust_1\n"
    "k3,sub_c3,sale,settled,2026-11-08 09:00:00,USD,120.00,20.00,cust_3\n")
BT_ANSWERS = {"recurring:Amount Submitted For Settlement": "monthly"}


def test_a_tax_column_beside_a_processor_amount_is_asked_about():
    """'Tax Amount' was dropped without a word beside 'Amount Submitted For Settlement' (what was charged, tax in
    it): cust_3 November 120 for 100. Whether the amount holds the tax is asked, must be confirmed; 'included'
    subtracts it (hand: 100), 'excluded' keeps the amount, said."""
    mapped = {"month": "Created Datetime", "amount": "Amount Submitted For Settlement"}
    key = "tax_in:Amount Submitted For Settlement"
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(BRAINTREE.encode(), kind="revenue", mapping=mapped, answers=BT_ANSWERS)
    q = next(q for q in asked.value.questions if q.key == key)
    assert q.must_confirm and q.proposal is None and "1 row has a tax other than 0 (e.g. '20.00')" in q.detail
    p = prepare_bytes(BRAINTREE.encode(), kind="revenue", mapping=mapped, answers={**BT_ANSWERS, key: "included"})
    assert by_month(p)[("cust_3", "2026-11")] == 100.0 and by_month(p)[("cust_1", "2026-11")] == 49.0
    p = prepare_bytes(BRAINTREE.encode(), kind="revenue", mapping=mapped, answers={**BT_ANSWERS, key: "excluded"})
    assert by_month(p)[("cust_3", "2026-11")] == 120.0
    assert any("'Tax Amount' is not subtracted" in w for w in p.warnings)


BAREMETRICS = (
    "plan_oid,plan_name,plan_currency,plan_amount,plan_interval,plan_interval_count,customer_oid,customer_name,"
    "subscription_oid,subscription_started_at,subscription_canceled_at\n"
    "starter_m,Starter,USD,4900,month,1,cust_001,Anna Berg,sub_001,2026-08-05,\n"
    "pro_y,Pro Annual,USD,120000,year,1,cust_003,Cara Diaz,sub_003,2026-10-01,\n"
    "lite_m,Lite,USD,1999,month,1,cust_016,Flo Gale,sub_016,2026-10-01,\n")


def test_baremetrics_plan_amounts_are_asked_as_cents():
    """Baremetrics' subscription import writes 'plan_amount' in cents (its guide); with 1999 among them the
    whole-hundreds rule asked nothing, and 4,900 a month was stored for 49. Hand, as cents, October: 49,
    1,200 / 12 = 100, 19.99."""
    key = "amount_unit:plan_amount"
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(BAREMETRICS.encode(), kind="revenue", as_of=dt.date(2026, 10, 31))
    assert next(q for q in asked.value.questions if q.key == key).must_confirm
    got = by_month(prepare_bytes(BAREMETRICS.encode(), kind="revenue", as_of=dt.date(2026, 10, 31),
                                 answers={key: "cents"}))
    assert got[("cust_001", "2026-10")] == 49.0 and got[("cust_003", "2026-10")] == 100.0
    assert got[("cust_016", "2026-10")] == 19.99


def test_chartmogul_activities_and_customers_exports_are_refused_as_revenue():
    """ChartMogul's activities through its API's field names ('type', 'activity-mrr-movement') were read as invoice
    lines (November ARR 0 for 1,800); its customers export's current MRR beside 'Customer since' landed in the
    sign-up month. Both are refused, saying what to upload."""
    activities = ("date,activity-arr,activity-mrr,activity-mrr-movement,currency,type,customer-external-id\n"
                  "2026-08-10T00:00:00+00:00,1200,100,100,USD,new_biz,acme\n"
                  "2026-10-10T00:00:00+00:00,1800,150,50,USD,expansion,acme\n")
    with pytest.raises(IngestError, match="This is an activities export"):
        prepare_bytes(activities.encode(), kind="revenue", mapping={"amount": "activity-mrr"})
    customers = ("UUID,Name,Customer since,Status,MRR,ARR,Currency\n"
                 "cus_1,Acme,2026-08-10 00:00:00,Active,150.00,1800.00,USD\n"
                 "cus_2,Beta,2026-09-05 00:00:00,Cancelled,0.00,0.00,USD\n")
    with pytest.raises(IngestError, match="account list, not revenue by month"):
        prepare_bytes(customers.encode(), kind="revenue", mapping={"month": "Customer since"})


ODOO = (
    "Number,Partner,Invoice/Bill Date,Type,Untaxed Amount,Tax,Total,Currency,Status,Payment Status\n"
    "INV/2026/00001,Acme SA,2026-10-01,Customer Invoice,100.00,21.00,121.00,EUR,Posted,Paid\n"
    "INV/2026/00002,Beta BV,2026-10-03,Customer Invoice,200.00,42.00,242.00,EUR,Posted,Paid\n"
    "RINV/2026/00001,Beta BV,2026-10-20,Customer Credit Note,50.00,10.50,60.50,EUR,Posted,Paid\n"
    "INV/2026/00004,Gamma GmbH,2026-10-05,Customer Invoice,80.00,16.80,96.80,EUR,Cancelled,Not Paid\n"
    "INV/2026/00005,Acme SA,2026-11-01,Customer Invoice,100.00,21.00,121.00,EUR,Posted,Paid\n")


def test_a_credit_note_written_positive_is_credited_with_its_tax():
    """Odoo's export dialog (and Sage's invoice list) write a credit note's total and its tax positive beside its
    type: the total was read as a credit but its tax stayed positive, and the row was refused as a tax of the other
    sign ('Partner' and 'Invoice/Bill Date' were not read either). Hand: Beta 200 − 50 = 150 in October; Acme 100 /
    100; Gamma's cancelled invoice nothing."""
    cols = ODOO.splitlines()[0].split(",")
    m = detect_mapping("revenue", cols)
    assert m["customer_id"] == "Partner" and m["month"] == "Invoice/Bill Date"
    p = prepare_bytes(ODOO.encode(), kind="revenue", answers={"credits:Total": "net", "recurring:Total": "monthly"})
    assert by_month(p) == {("Acme SA", "2026-10"): 100.0, ("Acme SA", "2026-11"): 100.0,
                           ("Beta BV", "2026-10"): 150.0}


CHARGEBEE_TRANSACTIONS = (
    "Transaction Id,Customer Id,Subscription Id,Type,Date,Amount,Currency,Status,Payment Method\n"
    "txn_1,cust_acme,sub_acme,Payment,2026-09-01 08:00,119.00,EUR,Success,Card\n"
    "txn_2,cust_beta,sub_beta,Payment,2026-09-02 08:00,59.50,EUR,Failure,Card\n"
    "txn_3,cust_beta,sub_beta,Payment,2026-09-05 08:00,59.50,EUR,Success,Card\n"
    "txn_4,cust_gamma,sub_gamma,Payment,2026-09-07 08:00,238.00,EUR,Timeout,Card\n"
    "txn_5,cust_beta,sub_beta,Refund,2026-09-20 08:00,20.00,EUR,Success,Card\n"
    "txn_6,cust_acme,sub_acme,Payment,2026-10-01 08:00,119.00,EUR,Success,Direct Debit\n"
    "txn_7,cust_acme,sub_acme,Payment Reversal,2026-10-09 08:00,119.00,EUR,Success,Direct Debit\n"
    "txn_8,cust_beta,sub_beta,Payment,2026-10-02 08:00,59.50,EUR,In Progress,Direct Debit\n"
    "txn_9,cust_gamma,sub_gamma,Authorization,2026-10-03 08:00,1.00,EUR,Success,Card\n"
    "txn_10,cust_delta,sub_delta,Payment,2026-10-04 08:00,59.50,EUR,Needs Attention,Card\n")


def test_chargebee_transactions_failed_reversed_and_authorized_bring_nothing():
    """Chargebee's 'Failure', 'Timeout', 'In Progress' and 'Needs Attention' payments were revenue, a 'Payment
    Reversal' of 119 was added and a 1.00 'Authorization' made a customer (September 456 for 158.50, October 358 for
    0). Hand: September 119 + 59.50 − 20 = 158.50, October 119 − 119 = 0."""
    p = prepare_bytes(CHARGEBEE_TRANSACTIONS.encode(), kind="revenue", answers={"credits:Amount": "net"})
    assert by_month(p) == {("cust_acme", "2026-09"): 119.0, ("cust_acme", "2026-10"): 0.0,
                           ("cust_beta", "2026-09"): 39.5}
    said = " ".join(p.warnings)
    assert "failure 1, in progress 1, needs attention 1, timeout 1" in said
    assert "1 row whose 'Type' says authorization or card check was left out" in said


TWOCHECKOUT = (
    "RefNo,OrderDate,Status,ApproveStatus,CustomerDetails.Email,Currency,NetPrice,VAT,GrossPrice\n"
    "90001001,2026-09-01 10:00:00,COMPLETE,OK,ann@acme.com,usd,100.00,20.00,120.00\n"
    "90001003,2026-09-03 10:00:00,AUTHRECEIVED,WAITING,cy@gamma.com,usd,50.00,10.00,60.00\n"
    "90001005,2026-09-05 10:00:00,REFUND,OK,eve@eps.com,usd,50.00,10.00,60.00\n"
    "90001006,2026-10-01 10:00:00,COMPLETE,OK,ann@acme.com,usd,100.00,20.00,120.00\n"
    "90001009,2026-10-04 10:00:00,PURCHASE_PENDING,WAITING,dee@delta.com,usd,50.00,10.00,60.00\n")


def test_2checkout_orders_not_captured_pending_or_refunded_bring_nothing():
    """2Checkout's AUTHRECEIVED (authorised, not captured), PURCHASE_PENDING and REFUND orders were counted in full.
    Its 'NetPrice' is without tax: the VAT beside it asks nothing. Hand: ann 100 / 100."""
    p = prepare_bytes(TWOCHECKOUT.encode(), kind="revenue",
                      mapping={"amount": "NetPrice", "customer_id": "CustomerDetails.Email"},
                      answers={"recurring:NetPrice": "monthly"})
    assert by_month(p) == {("ann@acme.com", "2026-09"): 100.0, ("ann@acme.com", "2026-10"): 100.0}


STRIPE_BALANCE = (
    "balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,"
    "customer_id\n"
    "txn_01,2026-09-03 10:00:00,2026-09-05 00:00:00,usd,100.00,3.20,96.80,charge,ch_01,cus_A\n"
    "txn_02,2026-09-04 11:00:00,2026-09-06 00:00:00,usd,50.00,1.75,48.25,charge,ch_02,cus_B\n"
    "txn_03,2026-09-10 09:00:00,2026-09-10 09:00:00,usd,-20.00,0.00,-20.00,refund,re_03,cus_B\n"
    "txn_04,2026-09-15 00:00:00,2026-09-15 00:00:00,usd,-2.00,0.00,-2.00,fee,fee_04,\n"
    "txn_05,2026-09-20 00:00:00,2026-09-20 00:00:00,usd,-123.05,0.00,-123.05,payout,po_01,\n"
    "txn_06,2026-10-03 10:00:00,2026-10-05 00:00:00,usd,100.00,3.20,96.80,charge,ch_06,cus_A\n"
    "txn_07,2026-10-04 11:00:00,2026-10-06 00:00:00,usd,50.00,1.75,48.25,charge,ch_07,cus_B\n")


def test_stripe_balance_report_payouts_and_fees_are_not_revenue():
    """Stripe's itemized balance report: payouts and Stripe's own fees have no customer and were refused by row
    (skipped, the credits question counted the payouts as credits). Hand: cus_A 100 / 100, cus_B 50 − 20 = 30 / 50."""
    p = prepare_bytes(STRIPE_BALANCE.encode(), kind="revenue", answers={"credits:gross": "net"})
    assert by_month(p) == {("cus_A", "2026-09"): 100.0, ("cus_A", "2026-10"): 100.0, ("cus_B", "2026-09"): 30.0,
                           ("cus_B", "2026-10"): 50.0}
    assert any("2 rows of 'reporting_category' are no customer's payment" in w and "(fee 1, payout 1)" in w
               for w in p.warnings)


ZOHO_BOOKS = (
    "Invoice Date,Invoice ID,Invoice Number,Invoice Status,Customer ID,Customer Name,SubTotal,Total,Item Name,"
    "Quantity,Item Tax Amount,Item Total\n"
    "2026-09-03,46001,INV-000001,Paid,C101,Alpha Co,150.00,165.00,Pro Plan,1,10.00,100.00\n"
    "2026-09-03,46001,INV-000001,Paid,C101,Alpha Co,150.00,165.00,Extra Seats,5,5.00,50.00\n"
    "2026-09-05,46002,INV-000002,Paid,C102,Beta Co,200.00,220.00,Team Plan,1,20.00,200.00\n"
    "2026-10-03,46003,INV-000003,Paid,C101,Alpha Co,150.00,165.00,Pro Plan,1,10.00,100.00\n"
    "2026-10-03,46003,INV-000003,Paid,C101,Alpha Co,150.00,165.00,Extra Seats,5,5.00,50.00\n")


def test_zoho_books_item_rows_repeat_the_invoice_total():
    """Zoho writes the invoice's Total (165, tax in it) on each item row: Alpha was 330 a month for 150. Hand: the
    items' totals without tax, Alpha 100 + 50 = 150 in September and October, Beta 200."""
    p = prepare_bytes(ZOHO_BOOKS.encode(), kind="revenue", answers={"recurring:Item Total": "monthly"})
    assert by_month(p) == {("C101", "2026-09"): 150.0, ("C101", "2026-10"): 150.0, ("C102", "2026-09"): 200.0}
    assert not any("'None'" in w for w in p.warnings)


CHARGEBEE_INVOICES = (
    "Invoice Number,Invoice Date,Customer Id,Status,Currency,Amount,Tax,Amount Paid,Amount Adjusted,Credits Applied,"
    "Amount Due\n"
    "1001,2026-09-03 10:00:00,cust_A,Paid,USD,120.00,20.00,120.00,0.00,0.00,0.00\n"
    "1002,2026-09-05 10:00:00,cust_B,Paid,USD,240.00,40.00,144.00,96.00,0.00,0.00\n"
    "1005,2026-10-05 10:00:00,cust_B,Paid,USD,144.00,24.00,144.00,0.00,0.00,0.00\n")


def test_chargebee_invoices_take_the_adjustment_off():
    """An adjustment credit note of 96 (tax in it) off a 240 invoice was ignored: cust_B 200 in September. Hand:
    (240 − 40 tax) × (1 − 96 ÷ 240) = 120; October 144 − 24 = 120."""
    p = prepare_bytes(CHARGEBEE_INVOICES.encode(), kind="revenue", answers={"recurring:Amount": "monthly"})
    assert by_month(p) == {("cust_A", "2026-09"): 100.0, ("cust_B", "2026-09"): 120.0, ("cust_B", "2026-10"): 120.0}


GOOGLE_PLAY = (
    "Description,Transaction Date,Transaction Time,Tax Type,Transaction Type,Refund Type,Product Title,Buyer Currency,"
    "Amount (Buyer Currency)\n"
    'GPA.3312-4556-7788-12345,"Sep 3, 2026",10:12:01 AM PDT,,Charge,,Pro Monthly,USD,9.99\n'
    'GPA.3312-4556-7788-12345,"Sep 3, 2026",10:12:01 AM PDT,,Google fee,,Pro Monthly,USD,-1.50\n'
    'GPA.3312-4556-7788-12345..0,"Oct 3, 2026",10:12:05 AM PDT,,Charge,,Pro Monthly,USD,9.99\n'
    'GPA.3312-4556-7788-12345..0,"Oct 3, 2026",10:12:05 AM PDT,,Google fee,,Pro Monthly,USD,-1.50\n'
    'GPA.3344-1111-2222-55555,"Sep 10, 2026",8:01:44 PM PDT,,Charge,,Pro Monthly,USD,10.99\n'
    'GPA.3344-1111-2222-55555,"Sep 10, 2026",8:01:44 PM PDT,Sales tax,Tax,,Pro Monthly,USD,-1.00\n'
    'GPA.3344-1111-2222-55555,"Sep 10, 2026",8:01:44 PM PDT,,Google fee,,Pro Monthly,USD,-1.50\n'
    'GPA.3344-1111-2222-55555,"Sep 20, 2026",9:00:00 AM PDT,,Charge refund,Partial refund,Pro Monthly,USD,-5.00\n'
    'GPA.3344-1111-2222-55555,"Sep 20, 2026",9:00:00 AM PDT,Sales tax,Tax refund,Partial refund,Pro Monthly,USD,0.45\n'
    'GPA.3344-1111-2222-55555,"Sep 20, 2026",9:00:00 AM PDT,,Google fee refund,Partial refund,Pro Monthly,USD,0.75\n')


def test_google_play_earnings_leave_fees_out_and_keep_tax_refunds_signed():
    """Google's fee was a credit (9.99 − 1.50), and the positive tax and fee refunds were flipped into credits: order
    55555 was 2.29. Hand: fees left out; 10.99 − 1.00 tax − 5.00 refunded + 0.45 tax refunded = 5.44. A renewal's
    order id ('..0') is its subscription's: 12345 pays 9.99 in September and October."""
    p = prepare_bytes(GOOGLE_PLAY.encode(), kind="revenue", mapping={"customer_id": "Description"},
                      answers={"credits:Amount (Buyer Currency)": "net",
                               "recurring:Amount (Buyer Currency)": "monthly"})
    assert by_month(p) == {("GPA.3312-4556-7788-12345", "2026-09"): 9.99,
                           ("GPA.3312-4556-7788-12345", "2026-10"): 9.99,
                           ("GPA.3344-1111-2222-55555", "2026-09"): 5.44}


PAYPAL_HOLD = (
    '"Date","Time","TimeZone","Name","Type","Status","Currency","Gross","Fee","Net","Transaction ID"\n'
    '"09/03/2026","10:01:02","PDT","Alice Smith","Subscription Payment","Completed","USD","20.00","-0.88",'
    '"19.12","1A"\n'
    '"10/03/2026","10:01:02","PDT","Alice Smith","Subscription Payment","Completed","USD","20.00","-0.88",'
    '"19.12","2A"\n'
    '"10/05/2026","12:00:00","PDT","Dan Brown","Subscription Payment","Completed","USD","30.00","-1.17","28.83","3A"\n'
    '"10/06/2026","12:00:00","PDT","Dan Brown","Hold on Balance for Dispute Investigation","Completed","USD",'
    '"-30.00","0.00","-30.00","4A"\n'
    '"11/02/2026","09:00:00","PST","Dan Brown","Reversal of General Account Hold","Completed","USD","30.00","0.00",'
    '"30.00","5A"\n'
    '"11/05/2026","12:00:00","PST","Dan Brown","Subscription Payment","Completed","USD","30.00","-1.17","28.83","6A"\n')


def test_paypal_holds_and_their_release_move_no_revenue():
    """A dispute hold netted Dan's October payment to 0, and its release, read as a reversal, netted November's:
    0 / 0. Hand: Dan 30 in October and November."""
    p = prepare_bytes(PAYPAL_HOLD.encode(), kind="revenue", mapping={"customer_id": "Name"},
                      answers={"credits:Gross": "net", "recurring:Gross": "monthly", "date_format:Date": "%m/%d/%Y"})
    assert by_month(p) == {("Alice Smith", "2026-09"): 20.0, ("Alice Smith", "2026-10"): 20.0,
                           ("Dan Brown", "2026-10"): 30.0, ("Dan Brown", "2026-11"): 30.0}


def test_paddle_classic_upcoming_payments_are_no_revenue():
    """Paddle Classic lists upcoming payments, 'is_paid' 0: 2747's unpaid October 50 was revenue. Hand: 2746 30 a
    month, 2747 50 in September only. A Lemon Squeezy order flagged 'fraudulent' is no revenue either."""
    data = ("id,subscription_id,amount,currency,payout_date,is_paid,is_one_off_charge\n"
            "8931,2746,30,USD,2026-09-15,1,0\n8932,2747,50,USD,2026-09-20,1,0\n8933,2746,30,USD,2026-10-15,1,0\n"
            "8934,2747,50,USD,2026-10-20,0,0\n8936,2746,30,USD,2026-12-15,0,0\n")
    p = prepare_bytes(data.encode(), kind="revenue", mapping={"customer_id": "subscription_id", "month": "payout_date",
                                                              "amount": "amount"},
                      answers={"recurring:amount": "monthly"})
    assert by_month(p) == {("2746", "2026-09"): 30.0, ("2746", "2026-10"): 30.0, ("2747", "2026-09"): 50.0}
    orders = ("identifier,customer_id,created_at,status,total\nA1,101,2026-09-02,paid,30.00\n"
              "A2,103,2026-09-03,fraudulent,30.00\nA3,101,2026-10-02,paid,30.00\n")
    assert by_month(prepare_bytes(orders.encode(), kind="revenue", answers={"recurring:total": "monthly"})) == {
        ("101", "2026-09"): 30.0, ("101", "2026-10"): 30.0}


def test_google_play_is_read_in_the_merchant_currency():
    """Buyers pay in their own currencies ('Amount (Buyer Currency)': a file of EUR and USD buyers was refused as
    mixed currencies, an all-EUR one stored in EUR); Google pays the merchant in one ('Amount (Merchant
    Currency)'). Hand: (9.99 − 1.60 VAT) × 1.17 = 9.82 USD."""
    header = ("Description,Transaction Date,Transaction Type,Buyer Currency,Amount (Buyer Currency),"
              "Currency Conversion Rate,Merchant Currency,Amount (Merchant Currency)")
    assert detect_mapping("revenue", header.split(","))["amount"] == "Amount (Merchant Currency)"
    data = (header + "\n" + 'GPA.1111-2222-3333-44444,"Sep 3, 2026",Charge,EUR,9.99,1.170000,USD,11.69\n'
            'GPA.1111-2222-3333-44444,"Sep 3, 2026",Tax,EUR,-1.60,1.170000,USD,-1.87\n'
            'GPA.5555-6666-7777-88888,"Sep 5, 2026",Charge,USD,9.99,1.000000,USD,9.99\n')
    p = prepare_bytes(data.encode(), kind="revenue", mapping={"customer_id": "Description"},
                      answers={"credits:Amount (Merchant Currency)": "net",
                               "recurring:Amount (Merchant Currency)": "monthly"})
    assert by_month(p) == {("GPA.1111-2222-3333-44444", "2026-09"): 9.82, ("GPA.5555-6666-7777-88888", "2026-09"): 9.99}
