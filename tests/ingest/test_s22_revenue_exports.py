"""Revenue exports read into a plausible wrong MRR before, written here in each tool's layout (a few of its columns,
from the tool's documentation or public code that reads it); the figures are worked out by hand.

- one month of the UCI "Online Retail" orders (InvoiceNo … Country): stored as MRR unasked, since the recurring check
  needs two months to see gaps;
- Adyen's Settlement details report (docs.adyen.com, 'Settlement details report'): refunds and chargebacks in 'Gross
  Debit (GC)', fees and payouts beside the payments;
- WooCommerce's Customer / Order / Coupon Export ('refunded_total' beside 'order_total', its default column keys);
- Lemon Squeezy's orders as its API writes them (docs.lemonsqueezy.com/api/orders: 'total' in cents beside
  'total_formatted'), Maxio (Chargify) 'amount_in_cents'."""

import pytest
from conftest import by_month, prepare_bytes

from metrics.errors import InvalidOptionError, NeedsAnswerError

# December 2010 alone, as the UCI Online Retail file writes it (a unit price and a quantity per line)
RETAIL = b"""InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom
536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom
536366,22633,HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,17850,United Kingdom
536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,12/1/2010 8:34,1.69,13047,United Kingdom
536367,22745,POPPY'S PLAYHOUSE BEDROOM,6,12/1/2010 8:34,2.10,13047,United Kingdom
536370,22728,ALARM CLOCK BAKELIKE PINK,24,12/1/2010 8:45,3.75,12583,France
536370,POST,POSTAGE,3,12/1/2010 8:45,18.00,12583,France
536371,22086,PAPER CHAIN KIT 50'S CHRISTMAS,80,12/1/2010 9:00,2.55,13748,United Kingdom
"""
RETAIL_OPTIONS = {"kind": "revenue", "mapping": {"amount": "UnitPrice", "quantity": "Quantity"}}
RETAIL_ANSWERS = {"date_format:InvoiceDate": "%m/%d/%Y %H:%M", "currency:UnitPrice": "GBP"}


def test_one_month_of_orders_asks_whether_they_recur():
    """One month cannot show a gap: the orders were stored as MRR unasked (17850: 46.74 a month). Asked, must
    confirm, no proposal (nothing in one month points either way; a proposal of 'monthly' would store the orders as
    MRR on a click). Hand after 'monthly': 17850 6×2.55 + 6×3.39 + 6×1.85 = 46.74; 13047 32×1.69 + 6×2.10 = 66.68;
    12583 24×3.75 + 3×18 = 144; 13748 80×2.55 = 204."""
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(RETAIL, **RETAIL_OPTIONS, answers=RETAIL_ANSWERS)
    q = next(q for q in err.value.questions if q.key == "recurring:UnitPrice")
    assert q.must_confirm and q.proposal is None
    assert "one month of revenue (Dec 2010, 4 customers)" in q.detail
    with pytest.raises(InvalidOptionError, match="does not bill every month"):
        prepare_bytes(RETAIL, **RETAIL_OPTIONS, answers={**RETAIL_ANSWERS, "recurring:UnitPrice": "not_monthly"})
    p = prepare_bytes(RETAIL, **RETAIL_OPTIONS, answers={**RETAIL_ANSWERS, "recurring:UnitPrice": "monthly"})
    assert by_month(p) == {("17850", "2010-12"): 46.74, ("13047", "2010-12"): 66.68, ("12583", "2010-12"): 144.0,
                           ("13748", "2010-12"): 204.0}


def test_one_month_that_says_it_recurs_is_not_asked():
    """A month of lines that say they recur is read without the question: an 'MRR' header, a billing interval, a
    charge type or a subscription id on each line (Stripe's invoices: 'Subscription')."""
    rows = "cus_A,2026-10-03,{a}\ncus_B,2026-10-05,{b}\n"
    mrr = ("Customer,Date,MRR\n" + rows.format(a="100.00", b="250.00")).encode()
    assert by_month(prepare_bytes(mrr, kind="revenue")) == {("cus_A", "2026-10"): 100.0, ("cus_B", "2026-10"): 250.0}
    stripe = ("Customer,Date,Amount,Subscription\n" + rows.format(a="100.00,sub_1", b="250.00,sub_2")).encode()
    p = prepare_bytes(stripe, kind="revenue", mapping={"customer_id": "Customer", "month": "Date", "amount": "Amount"})
    assert by_month(p) == {("cus_A", "2026-10"): 100.0, ("cus_B", "2026-10"): 250.0}
    assert not any(q.key.startswith("recurring:") for q in p.questions)
    interval = ("Customer,Date,Amount,Interval\n" + rows.format(a="100.00,month", b="250.00,month")).encode()
    p = prepare_bytes(interval, kind="revenue")
    assert by_month(p) == {("cus_A", "2026-10"): 100.0, ("cus_B", "2026-10"): 250.0}
    plain = ("Customer,Date,Amount\n" + rows.format(a="100.00", b="250.00")).encode()  # nothing says: asked
    with pytest.raises(NeedsAnswerError, match="bill every month"):
        prepare_bytes(plain, kind="revenue")


ADYEN_HEADER = ("Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,Creation Date,"
                "TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),Exchange Rate,"
                "Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Markup (NC),Scheme Fees (NC),"
                "Interchange (NC),Payment Method Variant,Modification Merchant Reference,Batch Number\n")
ADYEN = ADYEN_HEADER + (
    "AcmeCo,AcmeEUR,8815000000000001,cust-A,visa,2026-09-03 10:00:00,CET,Settled,8815000000000101,EUR,,100.00,1,"
    "EUR,,97.50,,0.50,0.60,1.40,visaclassic,,41\n"
    "AcmeCo,AcmeEUR,8815000000000002,cust-B,mc,2026-09-05 11:00:00,CET,Settled,8815000000000102,EUR,,200.00,1,"
    "EUR,,195.00,,1.00,1.20,2.80,mccredit,,41\n"
    "AcmeCo,AcmeEUR,8815000000000003,cust-C,visa,2026-09-08 12:00:00,CET,Settled,8815000000000103,EUR,,50.00,1,"
    "EUR,,48.75,,0.25,0.30,0.70,visaclassic,,41\n"
    "AcmeCo,AcmeEUR,8815000000000002,cust-B,mc,2026-09-20 09:00:00,CET,Refunded,8815000000000202,EUR,80.00,,1,"
    "EUR,80.00,,,,,,mccredit,,42\n"
    "AcmeCo,AcmeEUR,8815000000000003,cust-C,visa,2026-09-22 09:00:00,CET,Chargeback,8815000000000203,EUR,50.00,,1,"
    "EUR,57.50,,7.50,,,,visaclassic,,42\n"
    "AcmeCo,AcmeEUR,8815000000000011,cust-A,visa,2026-10-03 10:00:00,CET,Settled,8815000000000111,EUR,,100.00,1,"
    "EUR,,97.50,,0.50,0.60,1.40,visaclassic,,43\n"
    "AcmeCo,AcmeEUR,8815000000000012,cust-B,mc,2026-10-05 11:00:00,CET,Settled,8815000000000112,EUR,,200.00,1,"
    "EUR,,195.00,,1.00,1.20,2.80,mccredit,,43\n"
    "AcmeCo,AcmeEUR,8815000000000013,cust-C,visa,2026-10-08 12:00:00,CET,Settled,8815000000000113,EUR,,50.00,1,"
    "EUR,,48.75,,0.25,0.30,0.70,visaclassic,,43\n"
    "AcmeCo,AcmeEUR,,,,2026-10-10 00:00:00,CET,Fee,Transaction Fees October 2026,,,,,EUR,12.00,,,,,,,,43\n"
    "AcmeCo,AcmeEUR,,,,2026-10-11 00:00:00,CET,MerchantPayout,TX2026101101,,,,,EUR,500.00,,,,,,,,43\n"
    "AcmeCo,AcmeEUR,,,,2026-10-12 00:00:00,CET,InvoiceDeduction,Invoice 2026-09,,,,,EUR,30.00,,,,,,,,43\n")
ADYEN_MAPPING = {"customer_id": "Merchant Reference", "month": "Creation Date", "amount": "Gross Credit (GC)"}


def test_adyen_settlement_details_read_refunds_and_chargebacks_from_the_debit_column():
    """The refund and the chargeback have their amount in 'Gross Debit (GC)': with the credit column mapped they were
    empty amounts (refused, or skipped with the bad rows: cust-B's refunded 80 stayed revenue), and the fee, payout
    and invoice deduction rows (no shopper) were refused too. Read as credits, asked whether to net (must confirm);
    fees and payouts left out, said. Hand: A 100 / 100; B 200 − 80 = 120 / 200; C 50 − 50 = 0 / 50."""
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(ADYEN.encode(), kind="revenue", mapping=ADYEN_MAPPING)
    q = next(q for q in err.value.questions if q.key == "credits:Gross Credit (GC)")
    assert q.must_confirm and "2 lines below 0, -130.00 in all" in q.detail
    p = prepare_bytes(ADYEN.encode(), kind="revenue", mapping=ADYEN_MAPPING,
                      answers={"credits:Gross Credit (GC)": "net"})
    assert p.currency == "EUR"
    assert by_month(p) == {("cust-A", "2026-09"): 100.0, ("cust-A", "2026-10"): 100.0,
                           ("cust-B", "2026-09"): 120.0, ("cust-B", "2026-10"): 200.0,
                           ("cust-C", "2026-09"): 0.0, ("cust-C", "2026-10"): 50.0}
    said = " ".join(p.warnings)
    assert "3 rows whose 'Type' is no shopper's payment were left out (Fee (1), InvoiceDeduction (1), " \
           "MerchantPayout (1))" in said
    assert "2 rows have their amount in 'Gross Debit (GC)' (refunds and chargebacks)" in said


WOO_SKYVERGE = (
    "order_id,order_number,order_date,status,shipping_total,shipping_tax_total,tax_total,cart_discount,"
    "order_discount,discount_total,order_total,refunded_total,order_currency,payment_method,shipping_method,"
    "customer_id,billing_first_name,billing_last_name,billing_email\n"
    "2001,2001,2026-09-04 10:00:00,completed,0.00,0.00,10.00,0.00,0.00,0.00,60.00,0.00,USD,stripe,,31,Ann,Lee,"
    "ann@a.io\n"
    "2002,2002,2026-09-06 10:00:00,completed,0.00,0.00,20.00,0.00,0.00,0.00,120.00,30.00,USD,stripe,,32,Bo,Ma,"
    "bo@b.io\n"
    "2003,2003,2026-10-04 10:00:00,completed,0.00,0.00,10.00,0.00,0.00,0.00,60.00,0.00,USD,stripe,,31,Ann,Lee,"
    "ann@a.io\n"
    "2004,2004,2026-10-06 10:00:00,completed,0.00,0.00,20.00,0.00,0.00,0.00,120.00,60.00,USD,stripe,,32,Bo,Ma,"
    "bo@b.io\n"
    "2005,2005,2026-10-08 10:00:00,refunded,0.00,0.00,5.00,0.00,0.00,0.00,30.00,30.00,USD,stripe,,33,Cy,No,"
    "cy@c.io\n")


def test_woocommerce_partial_refund_of_a_completed_order_is_subtracted():
    """'refunded_total' was not read: Bo's completed orders with 30 and 60 refunded stayed 100 a month. Hand: the
    refund takes back its share of the order (its tax with it): Sep (120 − 20) × (1 − 30/120) = 75, Oct
    100 × (1 − 60/120) = 50; Ann 60 − 10 = 50 a month; Cy's refunded order left out."""
    p = prepare_bytes(WOO_SKYVERGE.encode(), kind="revenue", answers={"recurring:order_total": "monthly"})
    assert p.mapping["refunded"] == "refunded_total" and p.mapping["tax"] == "tax_total"
    assert by_month(p) == {("31", "2026-09"): 50.0, ("31", "2026-10"): 50.0, ("32", "2026-09"): 75.0,
                           ("32", "2026-10"): 50.0}


LEMON = (
    "customer_id,identifier,order_number,user_email,currency,subtotal,tax,total,refunded_amount,status,"
    "subtotal_formatted,tax_formatted,total_formatted,created_at\n"
    "101,104e18a2-d755-4d4b-80c4-a6c1dcbe1c10,1,ann@a.io,USD,999,200,1199,0,paid,$9.99,$2.00,$11.99,"
    "2026-09-02T10:00:00.000000Z\n"
    "102,104e18a2-d755-4d4b-80c4-a6c1dcbe1c11,2,bo@b.io,USD,4999,999,5998,0,paid,$49.99,$9.99,$59.98,"
    "2026-09-05T10:00:00.000000Z\n"
    "101,104e18a2-d755-4d4b-80c4-a6c1dcbe1c12,3,ann@a.io,USD,999,200,1199,0,paid,$9.99,$2.00,$11.99,"
    "2026-10-02T10:00:00.000000Z\n"
    "102,104e18a2-d755-4d4b-80c4-a6c1dcbe1c13,4,bo@b.io,USD,4999,999,5998,5998,refunded,$49.99,$9.99,$59.98,"
    "2026-10-05T10:00:00.000000Z\n"
    "103,104e18a2-d755-4d4b-80c4-a6c1dcbe1c14,5,cy@c.io,USD,2499,0,2499,0,paid,$24.99,$0.00,$24.99,"
    "2026-10-07T10:00:00.000000Z\n")


def test_lemon_squeezy_totals_in_cents_are_told_by_their_formatted_twin():
    """'total' is in cents (1199 for 11.99), and no multiple of 100 made it asked: stored 999 a month for 9.99.
    'total_formatted' shows each ÷ 100: read as cents. Hand: 101 (1199 − 200) / 100 = 9.99 a month; 102 Sep
    (5998 − 999) / 100 = 49.99, Oct refunded; 103 24.99."""
    p = prepare_bytes(LEMON.encode(), kind="revenue", answers={"recurring:total": "monthly"})
    assert (p.mapping["amount"], p.mapping["tax"]) == ("total", "tax")
    assert by_month(p) == {("101", "2026-09"): 9.99, ("101", "2026-10"): 9.99, ("102", "2026-09"): 49.99,
                           ("103", "2026-10"): 24.99}
    # a formatted twin that does not show the amount ÷ 100 tells nothing: read as before (units)
    units = LEMON.replace("$11.99", "$1199.00").replace("$59.98", "$5998.00").replace("$24.99", "$2499.00")
    p = prepare_bytes(units.encode(), kind="revenue", answers={"recurring:total": "monthly"})
    assert by_month(p)[("101", "2026-09")] == 999.0


def test_maxio_amount_in_cents_is_read_in_cents():
    """Maxio (Chargify) transactions: 'amount_in_cents' says its unit, read ÷ 100 without a question (right before
    when mapped by hand); it was not found as the amount (the file refused). Hand: 4900 → 49.00 a month."""
    data = (b"id,created_at,transaction_type,amount_in_cents,customer_id,subscription_id\n"
            b"1,2026-09-01T10:00:00-04:00,charge,4900,c1,s1\n2,2026-10-01T10:00:00-04:00,charge,4900,c1,s1\n"
            b"3,2026-10-02T10:00:00-04:00,charge,9900,c2,s2\n")
    p = prepare_bytes(data, kind="revenue", answers={"recurring:amount_in_cents": "monthly"})
    assert p.mapping["amount"] == "amount_in_cents"
    assert not any(q.key.startswith("amount_unit:") for q in p.questions)
    assert by_month(p) == {("c1", "2026-09"): 49.0, ("c1", "2026-10"): 49.0, ("c2", "2026-10"): 99.0}


TWOCHECKOUT = (
    "RefNo,ExternalReference,OrderDate,Status,CustomerReference,ExternalCustomerReference,Currency,NetPrice,VAT,"
    "GrossPrice\n"
    "90001001,ORD-1001,2026-09-01 10:00:00,COMPLETE,435384557,CUST-ANN,usd,100.00,20.00,120.00\n"
    "90001002,ORD-1002,2026-09-02 10:00:00,COMPLETE,435384558,CUST-BO,usd,50.00,10.00,60.00\n"
    "90001006,ORD-1006,2026-10-01 10:00:00,COMPLETE,435384557,CUST-ANN,usd,100.00,20.00,120.00\n"
    "90001007,ORD-1007,2026-10-02 10:00:00,COMPLETE,435384558,CUST-BO,usd,50.00,10.00,60.00\n")


def test_2checkout_external_reference_is_the_order_not_the_customer():
    """2Checkout's (Verifone's) 'ExternalReference' is the merchant's reference of the order; it was read as the
    customer (four customers of one month each). The buyer's 'ExternalCustomerReference' is read (its
    'CustomerReference' when there is no external one). Hand: CUST-ANN 100 / 100, CUST-BO 50 / 50 ('NetPrice' is
    without tax)."""
    p = prepare_bytes(TWOCHECKOUT.encode(), kind="revenue", mapping={"amount": "NetPrice"})
    assert p.mapping["customer_id"] == "ExternalCustomerReference"
    assert by_month(p) == {("CUST-ANN", "2026-09"): 100.0, ("CUST-ANN", "2026-10"): 100.0,
                           ("CUST-BO", "2026-09"): 50.0, ("CUST-BO", "2026-10"): 50.0}
    without = TWOCHECKOUT.replace(",ExternalCustomerReference", "").replace(",CUST-ANN", "").replace(",CUST-BO", "")
    p = prepare_bytes(without.encode(), kind="revenue", mapping={"amount": "NetPrice"})
    assert p.mapping["customer_id"] == "CustomerReference"
    assert by_month(p)[("435384557", "2026-10")] == 100.0


RECURLY_TRANSACTIONS = (
    "uuid,account_code,action,amount_in_cents,tax_in_cents,currency,status,created_at\n"
    "a13acd8fe4294916b79aec87b7ea4401,acme,purchase,5000,0,USD,success,2026-09-03T10:00:00Z\n"
    "a13acd8fe4294916b79aec87b7ea4402,beta,purchase,3000,0,USD,success,2026-09-05T10:00:00Z\n"
    "a13acd8fe4294916b79aec87b7ea4403,acme,purchase,5000,0,USD,success,2026-10-03T10:00:00Z\n"
    "a13acd8fe4294916b79aec87b7ea4404,beta,purchase,3000,0,USD,processing,2026-10-05T10:00:00Z\n"
    "a13acd8fe4294916b79aec87b7ea4405,cyan,purchase,2000,0,USD,declined,2026-10-06T10:00:00Z\n")


def test_recurly_transactions_processing_is_not_collected_yet():
    """Recurly's transactions: 'processing' is a payment in progress with the gateway (docs.recurly.com, Transactions
    export: commonly a direct debit), beside 'success'; it was counted (beta October 30). Left out, said; a
    WooCommerce 'processing' order (paid) is still revenue (test_payment_status_and_ledger_exports). Hand: acme 50 /
    50, beta 30 / –."""
    p = prepare_bytes(RECURLY_TRANSACTIONS.encode(), kind="revenue", answers={"recurring:amount_in_cents": "monthly"})
    assert p.mapping["amount"] == "amount_in_cents"
    assert by_month(p) == {("acme", "2026-09"): 50.0, ("acme", "2026-10"): 50.0, ("beta", "2026-09"): 30.0}
    said = next(w for w in p.warnings if "left out, by status" in w)
    assert "declined 1" in said and "processing 1" in said


def test_recurly_refund_marked_by_its_action_is_a_credit():
    """Recurly's transactions as its API writes them (v2 XML/JSON flattened: 'action' purchase / refund / verify,
    'amount_in_cents' positive on a refund, docs.recurly.com 'Refund: a negative charge'): the refund of 20.00 was
    added as revenue (acme October 70). Read as a credit by its action, netted as answered; the $1 card check is left
    out. Hand: acme 50 / 50 − 20 = 30, beta 30 / –."""
    rows = RECURLY_TRANSACTIONS.replace("beta,purchase,3000,0,USD,processing", "beta,verify,100,0,USD,success") \
        + "a13acd8fe4294916b79aec87b7ea4406,acme,refund,2000,0,USD,success,2026-10-20T10:00:00Z\n"
    p = prepare_bytes(rows.encode(), kind="revenue",
                      answers={"recurring:amount_in_cents": "monthly", "credits:amount_in_cents": "net"})
    assert by_month(p) == {("acme", "2026-09"): 50.0, ("acme", "2026-10"): 30.0, ("beta", "2026-09"): 30.0}
    assert any("'action' says authorization or card check" in w for w in p.warnings)
