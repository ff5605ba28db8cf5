"""A shop's orders export (Shopify's 80 columns): one row per line item, the order's own columns on its first row
only, 'Total' holding shipping and tax, the buyer named by email, 'Created at' beside 'Cancelled at'."""

import pytest
from conftest import prepare_bytes

from metrics.errors import NeedsAnswerError

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
ANSWERS = {"recurring:Subtotal": "monthly"}


def mrr(p) -> list[tuple[str, str, float]]:
    return [(r.customer_id, r.month.strftime("%Y-%m"), float(r.mrr)) for r in p.rows.itertuples()]


def test_a_shop_orders_export_is_read_as_dated_orders_by_buyer_without_shipping_or_tax():
    with pytest.raises(NeedsAnswerError) as err:  # a purchase log: how long one order pays for is asked
        prepare_bytes(ORDERS, kind="revenue")
    assert [q.key for q in err.value.questions] == ["recurring:Subtotal"]
    p = prepare_bytes(ORDERS, kind="revenue", answers=ANSWERS)
    # the buyer's email (the order's own 'Id' passed over), the order's date; no subscription from 'Created at' to
    # 'Cancelled at'; the payment state read as a status
    assert p.mapping == {"customer_id": "Email", "month": "Created at", "amount": "Subtotal",
                         "status": "Financial Status", "refunded": "Refunded Amount"}
    assert p.currency == "USD"
    # ann May: 2 × 9.99 + 10.00 = 29.98 (not 34.98 with shipping); June 20.00; bob 40.00 (not 43.20 with tax);
    # cy: #1004 voided (left out), #1005 50.00 less 12.50 refunded = 37.50
    assert mrr(p) == [("ann@example.com", "2024-05", 29.98), ("ann@example.com", "2024-06", 20.0),
                      ("bob@example.com", "2024-05", 40.0), ("cy@example.com", "2024-06", 37.5)]
    assert p.report is None  # nothing rejected
    said = " ".join(p.warnings)
    assert "3 rows continue the order above (the same 'Name'" in said
    assert "'Total' holds the shipping charged (15.00 in all) and the tax: 'Subtotal' is read" in said
    assert "1 row brings no revenue and was left out, by status: voided 1" in said


def test_when_the_parts_do_not_make_the_total_the_total_stays_and_its_shipping_is_said():
    broken = ORDERS.replace(b",40.00,0.00,3.20,43.20,", b",40.00,0.00,3.20,44.20,")
    p = prepare_bytes(broken, kind="revenue", answers={"recurring:Total": "monthly"})
    assert p.mapping["amount"] == "Total" and p.mapping["tax"] == "Taxes"
    assert any("'Total' includes 'Shipping' (15.00 in all), read as revenue" in w and "on 1 of 5 orders" in w
               for w in p.warnings)
    # Total less Taxes: ann May 34.98, bob 44.20 − 3.20 = 41.00
    assert ("ann@example.com", "2024-05", 34.98) in mrr(p) and ("bob@example.com", "2024-05", 41.0) in mrr(p)


def test_a_row_missing_its_buyer_in_another_order_is_still_refused():
    # only a row repeating the order above it is that order's line item; a new order with no buyer is an error
    lone = ORDERS.replace(b"#1005,cy@example.com,", b"#1005,,")
    p = prepare_bytes(lone, kind="revenue", answers=ANSWERS, skip_invalid=True)
    assert p.report.rejected_rows == 1
