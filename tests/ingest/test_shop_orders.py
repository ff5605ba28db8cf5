"""A shop's orders export (Shopify's 80 columns): one row per line item, the order's own columns on its first row
only, 'Total' holding shipping and tax, the buyer named by email, 'Created at' beside 'Cancelled at'."""

from pathlib import Path

import pytest
from conftest import prepare_bytes, prepare_file

from metrics.errors import InvalidValuesError, NeedsAnswerError

HEADER = ("Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,"
          "Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,"
          "Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,"
          "Lineitem taxable,Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,Billing Address2,"
          "Billing Company,Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,"
          "Shipping Street,Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,"
          "Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,Payment Method,"
          "Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,Id,Tags,"
          "Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,"
          "Tax 4 Name,Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,"
          "Shipping Province Name,Payment ID,Payment Terms Name,Next Payment Due At,Payment References").split(",")


def order(name, email="", status="", created="", subtotal="", shipping="", taxes="", total="", qty="1", item="",
          price="", order_id="", cancelled="", refunded="") -> str:
    cells = dict.fromkeys(HEADER, "")
    cells.update({"Name": name, "Email": email, "Financial Status": status, "Paid at": created if status else "",
                  "Currency": "USD" if email else "", "Subtotal": subtotal, "Shipping": shipping, "Taxes": taxes,
                  "Total": total, "Created at": created, "Lineitem quantity": qty, "Lineitem name": item,
                  "Lineitem price": price, "Cancelled at": cancelled, "Refunded Amount": refunded, "Id": order_id,
                  "Vendor": "Acme"})
    return ",".join(cells[h] for h in HEADER)


ORDERS = "\n".join([
    ",".join(HEADER),
    order("#1001", "ann@example.com", "paid", "2024-05-01 10:00:00 +0000", "29.98", "5.00", "0.00", "34.98", "2", "Tee",
          "9.99", "5001", refunded="0.00"),
    order("#1001", qty="1", item="Mug", price="10.00"),  # the order's second line item: its columns left empty
    order("#1002", "bob@example.com", "paid", "2024-05-03 11:00:00 +0000", "40.00", "0.00", "3.20", "43.20", "1",
          "Hoodie", "40.00", "5002", refunded="0.00"),
    order("#1003", "ann@example.com", "paid", "2024-06-02 09:00:00 +0000", "20.00", "5.00", "0.00", "25.00", "2",
          "Sock", "10.00", "5003", refunded="0.00"),
    order("#1003", qty="3", item="Pin", price="0.00"),
    order("#1003", qty="1", item="Gift card", price="0.00"),
    order("#1004", "cy@example.com", "voided", "2024-06-05 12:00:00 +0000", "15.00", "5.00", "0.00", "20.00", "1",
          "Cap", "15.00", "5004", cancelled="2024-06-05 13:00:00 +0000", refunded="0.00"),
    order("#1005", "cy@example.com", "partially_refunded", "2024-06-20 12:00:00 +0000", "50.00", "0.00", "0.00",
          "50.00", "1", "Bag", "50.00", "5005", refunded="12.50"),
]).encode() + b"\n"
ANSWERS = {"recurring:Total": "monthly"}


def mrr(p) -> list[tuple[str, str, float]]:
    return [(r.customer_id, r.month.strftime("%Y-%m"), float(r.mrr)) for r in p.rows.itertuples()]


def test_a_shop_orders_export_is_read_as_dated_orders_by_buyer_without_shipping_or_tax():
    with pytest.raises(NeedsAnswerError) as err:  # a purchase log: how long one order pays for is asked
        prepare_bytes(ORDERS, kind="revenue")
    assert [q.key for q in err.value.questions] == ["recurring:Total"]
    p = prepare_bytes(ORDERS, kind="revenue", answers=ANSWERS)
    # the buyer's email (the order's own 'Id' passed over), the order's date; no subscription from 'Created at' to
    # 'Cancelled at'; the payment state read as a status
    assert p.mapping == {"customer_id": "Email", "month": "Created at", "amount": "Total", "tax": "Taxes",
                         "shipping": "Shipping", "status": "Financial Status", "refunded": "Refunded Amount"}
    assert p.currency == "USD"
    # Total − Taxes − Shipping: ann May 34.98 − 0 − 5 = 29.98 (2 × 9.99 + 10.00, not 34.98 with shipping); June
    # 25 − 5 = 20.00; bob 43.20 − 3.20 = 40.00; cy: #1004 voided (left out), #1005 50.00 less 12.50 refunded = 37.50
    assert mrr(p) == [("ann@example.com", "2024-05", 29.98), ("ann@example.com", "2024-06", 20.0),
                      ("bob@example.com", "2024-05", 40.0), ("cy@example.com", "2024-06", 37.5)]
    assert p.report is None  # nothing rejected
    said = " ".join(p.warnings)
    assert "3 rows continue the order above (the same 'Name'" in said
    assert "'Shipping' (15.00 in all) is subtracted from 'Total': shipping is passed on" in said
    assert "1 row brings no revenue and was left out, by status: voided 1" in said


def test_a_row_missing_its_buyer_in_another_order_is_still_refused():
    # only a row repeating the order above it is that order's line item; a new order with no buyer is an error
    lone = ORDERS.replace(b"#1005,cy@example.com,", b"#1005,,")
    p = prepare_bytes(lone, kind="revenue", answers=ANSWERS, skip_invalid=True)
    assert p.report.rejected_rows == 1


SHOPS = Path(__file__).resolve().parents[1] / "fixtures" / "shops"  # written for these tests, in each tool's layout


def test_woocommerce_orders_repeat_the_order_total_on_each_item_row_and_read_it_once():
    p = prepare_file(SHOPS / "woocommerce_orders.csv")
    assert p.mapping == {"customer_id": "Email (Billing)", "month": "Order Date", "amount": "Order Total Amount",
                         "status": "Order Status", "tax": "Order Total Tax Amount", "refunded": "Order Refund Amount",
                         "shipping": "Order Shipping Amount"}
    # Order Total − Tax − Shipping, once per order: alice Jan 58.32 − 4.32 − 5 = 49 (#1005 failed); Feb 49 + 10.00
    # (ALICE@Acme.com is alice); bob Jan 54 − 4 = 50 (not 100: #1002's two item rows); Feb 43.20 − 3.20 = 40 (after
    # the 10 discount); erin 86.40 − 6.40 = 80, refunded 21.60 of 86.40 (a quarter, its tax with it): 60; carol
    # refunded, dave cancelled, frank on hold (payment not received): left out
    assert mrr(p) == [("alice@acme.com", "2026-01", 49.0), ("alice@acme.com", "2026-02", 59.0),
                      ("bob@beta.io", "2026-01", 50.0), ("bob@beta.io", "2026-02", 40.0),
                      ("erin@eps.org", "2026-02", 60.0)]
    said = " ".join(p.warnings)
    assert "each order is read once, from its first row; 2 further rows left out" in said
    assert "by status: cancelled 1, failed 1, on-hold 1, refunded 1" in said


def test_bigcommerce_guest_checkouts_written_as_customer_0_are_read_by_email():
    answers = {"recurring:Order Total (inc tax)": "monthly"}
    p = prepare_file(SHOPS / "bigcommerce_orders.csv", answers=answers)
    assert p.mapping == {"customer_id": "Customer ID", "month": "Order Date", "amount": "Order Total (inc tax)",
                         "status": "Order Status", "tax": "Tax Total", "refunded": "Refund Amount",
                         "shipping": "Shipping Cost (ex tax)"}
    q = next(q for q in p.questions if q.key == "guest_ids:Customer ID")
    assert q.proposal == "email" and "is 0 on 5 rows of 3 different buyers in 'Customer Email'" in q.prompt
    assert p.currency == "AUD"
    # hal and ivy (both 0) are two customers, not one "0" of 85; gia (12) Feb: 40 + #109 40 less its share of the
    # 11.00 refunded of 52.80 (40 × 41.8 / 52.8 = 31.67); jon's declined #106 and kim's unpaid #108 left out
    assert mrr(p) == [("12", "2026-01", 40.0), ("12", "2026-02", 71.67), ("27", "2026-02", 80.0),
                      ("hal@h.com", "2026-01", 25.0), ("ivy@i.com", "2026-01", 60.0)]
    with pytest.raises(InvalidValuesError) as bad:  # refused: named by row, never one customer
        prepare_file(SHOPS / "bigcommerce_orders.csv", answers={**answers, "guest_ids:Customer ID": "refuse"})
    assert bad.value.column == "Customer ID" and bad.value.count == 5


def test_gumroad_sales_leave_out_the_total_row_full_refunds_and_lost_chargebacks():
    p = prepare_file(SHOPS / "gumroad_sales.csv")
    assert p.mapping == {"customer_id": "Purchase Email", "month": "Purchase Date", "amount": "Subtotal ($)",
                         "refunded": "Partial Refund ($)"}  # never 'Refunded?', a 0/1 flag read as 1.00 refunded
    # ben's fully refunded 29 and ana's lost chargeback of 29 are no revenue; dana 100 less 40 partly refunded
    assert mrr(p) == [("ana@example.com", "2026-01", 15.0), ("ana@example.com", "2026-02", 15.0),
                      ("cy@example.de", "2026-01", 15.0), ("cy@example.de", "2026-02", 15.0),
                      ("dana@example.com", "2026-02", 60.0), ("dee@example.com", "2026-02", 0.0),
                      ("eli@example.in", "2026-01", 9.0), ("eli@example.in", "2026-02", 9.0)]
    said = " ".join(p.warnings)
    assert "The last row (row 12: no customer, no date, 'Subtotal ($)' 236.00, the sum of every other row)" in said
    assert "1 sale whose 'Fully Refunded?' says refunded in full was left out" in said
    assert "'Disputed?' says disputed and 'Dispute Won?' not won (a chargeback)" in said
