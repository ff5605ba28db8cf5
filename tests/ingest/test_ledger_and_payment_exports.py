"""Ledger, billing and payment exports of Xero, Zuora, Maxio, PayPal, Paddle Billing and Square, written here in each
tool's layout (its header names; a few of its columns), and an analyst's file with a refund line. Each was read into a
plausible wrong MRR before; the figures below are worked out by hand."""

import pandas as pd
from conftest import by_month, prepare_bytes

from metrics.ingest.mapping import detect_mapping

XERO = (
    "ContactName,EmailAddress,InvoiceNumber,Reference,InvoiceDate,DueDate,Total,TaxTotal,Description,Quantity,"
    "UnitAmount,LineAmount,AccountCode,TaxType,TaxAmount,Currency,Type,Status\n"
    "Alpha Ltd,,INV-0001,,2026-01-05,2026-02-05,230.00,30.00,Seats,1,100.00,100.00,200,GST on Income,15.00,NZD,"
    "Sales invoice,Paid\n"
    "Alpha Ltd,,INV-0001,,2026-01-05,2026-02-05,230.00,30.00,Add-on,2,50.00,100.00,200,GST on Income,15.00,NZD,"
    "Sales invoice,Paid\n"
    "Beta Ltd,,INV-0002,,2026-01-10,2026-02-10,1380.00,180.00,Licence,1,1200.00,1200.00,200,GST on Income,180.00,"
    "NZD,Sales invoice,Paid\n"
    "Alpha Ltd,,INV-0003,,2026-02-05,2026-03-05,230.00,30.00,Seats,2,100.00,200.00,200,GST on Income,30.00,NZD,"
    "Sales invoice,Paid\n")


def test_xero_contact_name_is_the_customer_not_the_ledger_account_code():
    """Xero's 'AccountCode' is the sales ledger account (200 on every line): read as the customer, Alpha and Beta
    were one customer '200' (January 1,400). Hand: Alpha 100 + 100 = 200 in January, 200 in February; Beta 1,200."""
    cols = XERO.splitlines()[0].split(",")
    assert detect_mapping("revenue", cols)["customer_id"] == "ContactName"
    p = prepare_bytes(XERO.encode(), kind="revenue", answers={"recurring:LineAmount": "monthly"})
    assert by_month(p) == {("Alpha Ltd", "2026-01"): 200.0, ("Alpha Ltd", "2026-02"): 200.0,
                           ("Beta Ltd", "2026-01"): 1200.0}


ZUORA = (
    "Account: Account Number,Account: Name,Account: Currency,Invoice: Invoice Number,Invoice: Invoice Date,"
    "Invoice: Status,Invoice: Amount,Invoice Item: Charge Name,Rate Plan Charge: Charge Type,"
    "Rate Plan Charge: Billing Period,Invoice Item: Service Start Date,Invoice Item: Service End Date,"
    "Invoice Item: Quantity,Invoice Item: Unit Price,Invoice Item: Charge Amount,Invoice Item: Tax Amount\n"
    "A-00001,Acme Corp,USD,INV-00001,2026-01-01,Posted,110,Platform,Recurring,Month,2026-01-01,2026-01-31,4,20,80,8\n"
    "A-00001,Acme Corp,USD,INV-00001,2026-01-01,Posted,110,Support,Recurring,Month,2026-01-01,2026-01-31,1,20,20,2\n"
    "A-00001,Acme Corp,USD,INV-00002,2026-02-01,Posted,110,Platform,Recurring,Month,2026-02-01,2026-02-28,4,20,80,8\n"
    "A-00001,Acme Corp,USD,INV-00002,2026-02-01,Posted,110,Support,Recurring,Month,2026-02-01,2026-02-28,1,20,20,2\n"
    "A-00002,Globex,USD,INV-00003,2026-01-15,Posted,1250,Annual platform,Recurring,Annual,2026-01-15,2027-01-14,1,"
    "1200,1200,0\n"
    "A-00002,Globex,USD,INV-00003,2026-01-15,Posted,1250,Setup fee,OneTime,,2026-01-15,2026-01-15,1,50,50,0\n"
    "A-00003,Initech,USD,INV-00004,2026-02-01,Canceled,300,Platform,Recurring,Month,2026-02-01,2026-02-28,15,20,300,0\n")


def test_zuora_headers_qualified_by_their_object_are_mapped():
    """Zuora's data source exports name each field after its object ('Invoice Item: Charge Amount'): none was read.
    The item's charge amount is the line's (the invoice's 'Invoice: Amount' repeats its total on each item: 220 a
    month for Acme's 100), its service dates spread the annual charge, the setup fee is no MRR (asked) and the
    canceled invoice brings nothing. Hand: Acme 80 + 20 = 100 a month; Globex 1,200 ÷ 12 = 100 in Jan and Feb."""
    m = detect_mapping("revenue", ZUORA.splitlines()[0].split(","))
    assert m["customer_id"] == "Account: Account Number" and m["month"] == "Invoice: Invoice Date"
    assert m["amount"] == "Invoice Item: Charge Amount" and m["period_start"] == "Invoice Item: Service Start Date"
    assert "quantity" not in m  # the charge amount is the line's total already (4 × 20 = 80)
    p = prepare_bytes(ZUORA.encode(), kind="revenue",
                      answers={"charge_types:Rate Plan Charge: Charge Type": ["Recurring"]})
    assert by_month(p) == {("A-00001", "2026-01"): 100.0, ("A-00001", "2026-02"): 100.0,
                           ("A-00002", "2026-01"): 100.0, ("A-00002", "2026-02"): 100.0}


MAXIO = (
    "id,state,customer_id,customer_reference,product_handle,product_price_in_cents,product_interval,"
    "product_interval_unit,activated_at,canceled_at\n"
    "5001,active,301,acme,basic-monthly,5000,1,month,2025-12-01T00:00:00-05:00,\n"
    "5002,active,302,globex,pro-annual,120000,1,year,2025-06-10T00:00:00-05:00,\n"
    "5005,active,306,umbrella,quarterly,30000,3,month,2025-12-01T00:00:00-05:00,\n")


def test_maxio_product_interval_and_unit_divide_the_price():
    """Maxio's (Chargify's) 'product_interval_unit' and 'product_interval' were unread: asked once for the whole
    file, 'month' made Globex's yearly 1,200.00 a month and Umbrella's quarterly 300.00 a month. Hand: 50, 100, 100."""
    p = prepare_bytes(MAXIO.encode(), kind="revenue", as_of=pd.Timestamp("2026-02-28").date(),
                      mapping={"amount": "product_price_in_cents"})
    assert p.mapping["interval"] == "product_interval_unit" and p.mapping["interval_count"] == "product_interval"
    feb = {c: v for (c, month), v in by_month(p).items() if month == "2026-02"}
    assert feb == {"301": 50.0, "302": 100.0, "306": 100.0}


PAYPAL = (
    '"Date","Time","TimeZone","Name","Type","Status","Currency","Gross","Fee","Net","From Email Address",'
    '"Transaction ID","Shipping and Handling Amount","Sales Tax","Balance Impact"\n'
    '"05/01/2026","10:00:00","Europe/London","Anna Ames","Subscription Payment","Completed","GBP","30.00","-1.20",'
    '"28.80","anna@a.test","1AA","0.00","0.00","Credit"\n'
    '"12/01/2026","11:30:00","Europe/London","Bob Brown","Express Checkout Payment","Completed","GBP","1,260.00",'
    '"-36.74","1,223.26","bob@b.test","3BB","10.00","50.00","Credit"\n'
    '"20/01/2026","09:00:00","Europe/London","Bob Brown","Payment Refund","Completed","GBP","-300.00","8.70",'
    '"-291.30","shop@me.test","4BB","0.00","0.00","Debit"\n'
    '"14/01/2026","10:00:00","Europe/London","Cara Cole","Subscription Payment","Denied","GBP","30.00","0.00",'
    '"30.00","cara@c.test","5CC","0.00","0.00","Memo"\n'
    '"10/01/2026","10:00:00","Europe/London","Dave Dunn","Subscription Payment","Pending","GBP","30.00","-1.20",'
    '"28.80","dave@d.test","6DD","0.00","0.00","Memo"\n')


def test_paypal_gross_less_tax_and_shipping_and_no_denied_or_pending_payments():
    """PayPal's 'Gross' holds the sales tax and shipping the buyer paid; 'Denied' and 'Pending' payments were never
    received (each was stored as 30.00). Hand: Bob 1,260 − 50 tax − 10 shipping − 300 refund = 900; Anna 30."""
    p = prepare_bytes(PAYPAL.encode(), kind="revenue", mapping={"customer_id": "Name"},
                      answers={"date_format:Date": "%d/%m/%Y", "credits:Gross": "net", "recurring:Gross": "monthly"})
    assert p.mapping["amount"] == "Gross" and p.mapping["tax"] == "Sales Tax"
    assert p.mapping["shipping"] == "Shipping and Handling Amount"
    assert by_month(p) == {("Anna Ames", "2026-01"): 30.0, ("Bob Brown", "2026-01"): 900.0}
    assert any("by status: denied 1, pending 1" in w for w in p.warnings)


PADDLE = (
    "id,status,customer_id,created_at,billed_at,currency_code,subtotal,tax,total,billing_period_starts_at,"
    "billing_period_ends_at\n"
    "txn_01a,completed,ctm_A,2026-01-05T10:00:00Z,2026-01-05T10:00:00Z,USD,30.00,5.70,35.70,2026-01-05T10:00:00Z,"
    "2026-02-05T10:00:00Z\n"
    "txn_01d,past_due,ctm_C,2026-02-10T09:00:00Z,2026-02-10T09:00:00Z,USD,50.00,0.00,50.00,2026-02-10T09:00:00Z,"
    "2026-03-10T09:00:00Z\n"
    "txn_01e,canceled,ctm_D,2026-02-11T09:00:00Z,,USD,70.00,0.00,70.00,,\n"
    "txn_01f,ready,ctm_E,2026-02-14T09:00:00Z,,USD,80.00,0.00,80.00,,\n"
    "txn_01g,completed,ctm_F,2026-02-20T09:00:00Z,2026-02-20T09:00:00Z,USD,100.00,18.00,118.00,,\n")


def test_paddle_transactions_never_paid_bring_nothing_and_need_no_billing_date():
    """Paddle Billing's 'past_due' (its payment failed) and 'ready' (a checkout not completed) were revenue; its
    canceled and ready transactions have no 'billed_at', and the whole file was refused for it. Hand: A 30, F 100."""
    p = prepare_bytes(PADDLE.encode(), kind="revenue", answers={"recurring:total": "monthly"})
    assert by_month(p) == {("ctm_A", "2026-01"): 30.0, ("ctm_F", "2026-02"): 100.0}
    assert any("by status: canceled 1, past_due 1, ready 1" in w for w in p.warnings)


SQUARE = (
    "Date,Time,Time Zone,Gross Sales,Discounts,Service Charges,Net Sales,Gift Card Sales,Tax,Tip,Partial Refunds,"
    "Total Collected,Event Type,Customer ID,Customer Name,Transaction Status\n"
    "2026-01-05,10:02:11,Eastern Time (US & Canada),$100.00,-$10.00,$0.00,$90.00,$0.00,$7.20,$15.00,$0.00,$112.20,"
    "Payment,CUST-A,Alice Able,Complete\n"
    "2026-01-20,09:00:00,Eastern Time (US & Canada),-$40.00,$0.00,$0.00,-$40.00,$0.00,-$3.20,$0.00,$0.00,-$43.20,"
    "Refund,CUST-A,Alice Able,Complete\n"
    "2026-02-10,12:00:00,Eastern Time (US & Canada),$60.00,$0.00,$0.00,$60.00,$0.00,$4.80,$10.00,$0.00,$74.80,"
    "Payment,CUST-C,Cy Cole,Complete\n")


def test_square_net_sales_are_the_revenue_without_tax_and_tips():
    """Square's transactions export was refused ("NPS responses?"); mapped to 'Total Collected', tax and tips were
    revenue (112.20 for 90). 'Net Sales' is after discounts and refunds, without tax and tips. Hand: A 90 − 40 = 50,
    C 60."""
    p = prepare_bytes(SQUARE.encode(), kind="revenue",
                      answers={"credits:Net Sales": "net", "recurring:Net Sales": "monthly"})
    assert p.mapping["amount"] == "Net Sales" and "tax" not in p.mapping
    assert by_month(p) == {("CUST-A", "2026-01"): 50.0, ("CUST-C", "2026-02"): 60.0}


def test_a_negative_line_whose_status_says_refunded_is_the_refund_itself():
    """An analyst's file: Gamma's sale is 'Paid', the refund beside it (−200, 'Refunded') was left out with the
    refunded sales, and Gamma kept 200. Hand: Gamma 200 − 200 = 0; Beta's failed February payment brings nothing."""
    data = ("Customer;Invoice Date;Amount;Status\n"
            "Alpha GmbH;05.01.2026;1.234,56 €;Paid\n"
            "Beta AG;10.01.2026;99,00 €;Paid\n"
            "Beta AG;10.02.2026;99,00 €;Failed\n"
            "Gamma KG;12.01.2026;200,00 €;Paid\n"
            "Gamma KG;20.01.2026;-200,00 €;Refunded\n").encode()
    p = prepare_bytes(data, kind="revenue", answers={"credits:Amount": "net", "recurring:Amount": "monthly"})
    assert by_month(p) == {("Alpha GmbH", "2026-01"): 1234.56, ("Beta AG", "2026-01"): 99.0,
                           ("Gamma KG", "2026-01"): 0.0}
    # a positive line marked refunded is still a sale the refund undid: left out
    sale_marked = data.replace(b"Gamma KG;12.01.2026;200,00 \xe2\x82\xac;Paid",
                               b"Gamma KG;12.01.2026;200,00 \xe2\x82\xac;Refunded")
    sale_marked = sale_marked.replace(b"Gamma KG;20.01.2026;-200,00 \xe2\x82\xac;Refunded\n", b"")
    p = prepare_bytes(sale_marked, kind="revenue", answers={"recurring:Amount": "monthly"})
    assert ("Gamma KG", "2026-01") not in by_month(p)
