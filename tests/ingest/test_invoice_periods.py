"""Invoice lines with a service period, tax and open invoices (Stripe-like invoice columns): an annual invoice is ÷ 12
over the months it covers, MRR is 'Total' − 'Tax', an open invoice is billed recurring revenue. Every expected
figure is worked by hand (or by pandas, in the last test) from the rows written here."""

import csv
import datetime as dt
import io
import random

import pandas as pd
import pytest
from conftest import prepare_bytes

from metrics import load
from metrics.errors import InvalidOptionError, InvalidValuesError, NeedsAnswerError, TooMuchDataError
from metrics.ingest.mapping import detect_mapping

# An invoice export whose period columns are each invoice's service period: Stripe's invoice export header
# (Dashboard → Invoices → Export) without the columns that mark it as Stripe's ('Amount Due', 'Amount Remaining'),
# whose invoice-level period is not the service period (test_stripe_invoice_periods_look_back_and_are_not_read).
# Stripe's line-item export does carry the service period per line, as these rows do.
STRIPE_ONLY = ["Amount Due", "Amount Remaining"]
HEADER = ["id", "Amount Paid", "Application Fee", "Attempt Count", "Attempted",
          "Billing", "Charge", "Closed", "Currency", "Customer", "Customer Email", "Customer Name", "Date (UTC)",
          "Description", "Discount", "Due Date (UTC)", "Ending Balance", "Forgiven", "Number", "Paid",
          "Period End (UTC)", "Period Start (UTC)", "Receipt Number", "Starting Balance", "Statement Descriptor",
          "Status", "Subscription", "Subtotal", "Tax", "Tax Percent", "Total"]


def invoice(customer: str, date: str, start: str, end: str, subtotal: float, tax: float = 0.0,
            status: str = "paid") -> dict:
    total = subtotal + tax
    paid = total if status == "paid" else 0.0
    row = dict.fromkeys(HEADER, "")
    row.update({"id": f"in_{customer}_{date[:10]}", "Amount Due": f"{total:.2f}", "Amount Paid": f"{paid:.2f}",
                "Amount Remaining": f"{total - paid:.2f}", "Attempt Count": "1", "Attempted": "true",
                "Billing": "charge_automatically", "Closed": str(status != "open").lower(), "Currency": "usd",
                "Customer": customer, "Customer Email": f"billing@{customer}.example", "Customer Name": customer,
                "Date (UTC)": date, "Ending Balance": "0", "Forgiven": "false", "Number": "1-0001",
                "Paid": str(status == "paid").lower(), "Period End (UTC)": end, "Period Start (UTC)": start,
                "Starting Balance": "0", "Status": status, "Subscription": f"sub_{customer}",
                "Subtotal": f"{subtotal:.2f}", "Tax": f"{tax:.2f}", "Tax Percent": "19.0" if tax else "",
                "Total": f"{total:.2f}"})
    return row


def to_csv(rows: list[dict], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


# cus_a: an annual plan of 1,200.00 (no tax) billed on 15 Jan 2026 for 15 Jan 2026 → 15 Jan 2027.
# cus_b: a monthly plan of 100.00 + 19% tax (119.00), billed on the 20th for the 20th → the 19th of next month;
#        its March invoice is still open (Amount Paid 0.00).
ROWS = [
    invoice("cus_a", "2026-01-15 10:02", "2026-01-15 09:58", "2027-01-15 09:58", 1200.0),
    invoice("cus_b", "2026-01-20 08:00", "2026-01-20 07:55", "2026-02-19 07:55", 100.0, 19.0),
    invoice("cus_b", "2026-02-20 08:00", "2026-02-20 07:55", "2026-03-19 07:55", 100.0, 19.0),
    invoice("cus_b", "2026-03-20 08:00", "2026-03-20 07:55", "2026-04-19 07:55", 100.0, 19.0, status="open"),
    invoice("cus_b", "2026-03-02 08:00", "2026-03-02 07:55", "2026-04-01 07:55", 100.0, 19.0, status="void"),
]
AS_OF = dt.date(2026, 3, 31)


def mrr(p) -> dict[tuple[str, str], float]:
    return {(r.customer_id, r.month.strftime("%Y-%m")): float(r.mrr) for r in p.rows.itertuples()}


def test_stripe_invoice_columns_map_to_total_less_tax_and_the_service_period():
    mapping = detect_mapping("revenue", HEADER)
    assert mapping["amount"] == "Total" and mapping["tax"] == "Tax"  # never 'Amount Paid' (tax in, 0 while open)
    assert mapping["period_start"] == "Period Start (UTC)" and mapping["period_end"] == "Period End (UTC)"
    # a tax column beside an amount that is not the invoice's total is not subtracted from it
    assert "tax" not in detect_mapping("revenue", ["customer", "date", "amount", "tax"])
    # a subscription list keeps its own columns ("Current Period …" is not an invoice's service period)
    subs = detect_mapping("revenue", ["Customer ID", "Amount", "Interval", "Start (UTC)", "Ended At (UTC)",
                                      "Current Period Start (UTC)", "Current Period End (UTC)", "Tax Percent"])
    assert not {"period_start", "period_end", "tax"} & subs.keys()


def test_annual_invoice_is_spread_over_its_months_without_tax_and_open_invoices_count():
    p = prepare_bytes(to_csv(ROWS), "revenue", as_of=AS_OF)
    assert p.layout == "lines"
    # cus_a: 1,200 ÷ 12 = 100.00 in Jan, Feb and Mar (through the as-of month), not 1,200 in January alone;
    # cus_b: 119.00 − 19.00 tax = 100.00 a month, the open March invoice included, the void one left out.
    assert mrr(p) == {("cus_a", "2026-01"): 100.0, ("cus_a", "2026-02"): 100.0, ("cus_a", "2026-03"): 100.0,
                      ("cus_b", "2026-01"): 100.0, ("cus_b", "2026-02"): 100.0, ("cus_b", "2026-03"): 100.0}
    march = sum(v for (_, month), v in mrr(p).items() if month == "2026-03")
    assert march == 200.0 and 12 * march == 2400.0  # ARR of March
    text = "\n".join(p.warnings)
    assert "Revenue of each line is 'Total' − 'Tax' (after discounts, without tax: MRR excludes tax)." in text
    assert ("1 invoice with status open (billed, not paid yet) count as recurring revenue of their months" in text)
    assert ("1 invoice line pays for 2 months or more (the service period ('Period Start (UTC)' to 'Period End "
            "(UTC)'), up to 12 months): each is spread evenly over the months it pays for (from its period's first "
            "month") in text
    assert "Months after Mar 2026 (the as-of date, 2026-03-31) are not counted yet: 1 line reaches past it" in text
    assert p.last_date == dt.date(2026, 3, 31)  # no month after the as-of date is built


def test_without_an_as_of_date_the_spread_stops_at_the_latest_invoice_and_says_so():
    p = prepare_bytes(to_csv(ROWS[:2]), "revenue")  # the latest invoice: 20 Jan 2026
    assert mrr(p) == {("cus_a", "2026-01"): 100.0, ("cus_b", "2026-01"): 100.0}
    assert any("Months after Jan 2026 (the latest invoice date, 2026-01-20) are not counted yet" in w
               and "--as-of" in w for w in p.warnings)


def test_cli_stores_the_spread_revenue(tmp_path, capsys):
    file = tmp_path / "stripe_invoices.csv"
    file.write_bytes(to_csv(ROWS))
    assert load.main(["--workspace", str(tmp_path / "ws.duckdb"), "--kind", "revenue", "--as-of", "2026-03-31",
                      str(file)]) == 0
    out = capsys.readouterr().out
    assert "amount = 'Total'" in out and "tax = 'Tax'" in out
    assert "ARR $2.4K (last month × 12)" in out  # 12 × (100 + 100); the old reading gave 12 × 0 for March


def test_paddle_like_transactions_subtract_their_tax():
    header = ["Transaction ID", "Status", "Customer ID", "Currency", "Subtotal", "Tax", "Total", "Billed at"]
    rows = [{"Transaction ID": f"txn_{i}", "Status": "completed", "Customer ID": "ctm_1", "Currency": "EUR",
             "Subtotal": "398.00", "Tax": "79.60", "Total": "477.60", "Billed at": f"2026-0{i}-03T09:15:02Z"}
            for i in (1, 2)]
    p = prepare_bytes(to_csv(rows, header), "revenue")
    assert p.mapping["amount"] == "Total" and p.mapping["tax"] == "Tax"
    assert mrr(p) == {("ctm_1", "2026-01"): 398.0, ("ctm_1", "2026-02"): 398.0}  # 477.60 − 79.60


def test_period_end_before_its_start_is_rejected_by_row_and_column():
    rows = [ROWS[0], invoice("cus_c", "2026-02-01 10:00", "2026-02-01 10:00", "2026-01-01 10:00", 50.0)]
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(to_csv(rows), "revenue", as_of=AS_OF)
    problem = err.value.report.problems[0]
    assert problem.column == "Period End (UTC)" and "before the service period's start" in problem.reason
    assert [c.row for c in problem.cells] == [3]


def test_an_interval_that_contradicts_the_period_is_rejected():
    header = [*HEADER, "Interval"]
    rows = [dict(ROWS[0], Interval="month"), dict(ROWS[1], Interval="month")]  # the annual line says "month"
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(to_csv(rows, header), "revenue", as_of=AS_OF)
    problem = err.value.report.problems[0]
    assert problem.column == "Interval"
    assert "billing interval of another number of months than the service period" in problem.reason
    assert [c.row for c in problem.cells] == [2]


def test_subtotal_with_a_tax_column_is_refused():
    with pytest.raises(InvalidOptionError, match="'Subtotal' is an amount before tax"):
        prepare_bytes(to_csv(ROWS), "revenue", as_of=AS_OF, mapping={"amount": "Subtotal", "tax": "Tax"})


def test_spread_months_are_counted_against_the_ceiling_before_building(monkeypatch):
    monkeypatch.setenv("CX_MAX_CUSTOMER_MONTHS", "2")
    with pytest.raises(TooMuchDataError, match="spread into 3 customer-months; the ceiling is 2"):
        prepare_bytes(to_csv(ROWS), "revenue", as_of=AS_OF)


def test_a_mixed_file_matches_pandas_month_by_month():
    rng = random.Random(8)
    rows = []
    for c in range(12):
        annual = c % 3 == 0
        price = rng.choice([49.0, 99.0, 499.0]) * (10 if annual else 1)
        day = rng.randint(1, 28)
        for k in range(2 if annual else 14):
            y, m = divmod(k * (12 if annual else 1), 12)
            start = dt.datetime(2025 + y, 1 + m, day, 9, 30)
            end = (start.replace(year=start.year + 1) if annual else
                   start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1))
            status = rng.choice(["paid", "paid", "paid", "open", "void"])
            rows.append(invoice(f"cus_{c}", f"{start:%Y-%m-%d} 10:00", f"{start:%Y-%m-%d %H:%M}",
                                f"{end:%Y-%m-%d %H:%M}", price, round(price * 0.19, 2) if c % 2 else 0.0, status))
    as_of = dt.date(2026, 2, 28)
    p = prepare_bytes(to_csv(rows), "revenue", as_of=as_of)
    d = pd.DataFrame(rows)
    d = d[d.Status != "void"].astype({"Total": float, "Tax": float})
    d["rev"] = d.Total - d.Tax
    start, end = pd.to_datetime(d["Period Start (UTC)"]), pd.to_datetime(d["Period End (UTC)"])
    d["n"] = ((end - start).dt.days / 30.436875).round().astype(int)
    spread = []
    for r in d.itertuples():
        first = pd.Period(r[d.columns.get_loc("Period Start (UTC)") + 1][:7] if r.n >= 2
                          else r[d.columns.get_loc("Date (UTC)") + 1][:7], "M")
        for i in range(r.n if r.n >= 2 else 1):
            if first + i <= pd.Period(as_of, "M"):
                spread.append((r.Customer, str(first + i), r.rev / (r.n if r.n >= 2 else 1)))
    expected = pd.DataFrame(spread, columns=["c", "m", "v"]).groupby(["c", "m"]).v.sum().round(2).to_dict()
    assert mrr(p) == pytest.approx(expected, abs=0.005)
    assert any(n >= 12 for n in d.n)  # the file does hold annual invoices


# Invoice lines with a billing interval and no service period (a Chargebee or home-grown invoice export): x pays
# 1,200 for a year on 31 Jan 2026, z 300 for a quarter on 1 Nov 2025, y 50 a month in Feb and Mar 2026.
INTERVAL_LINES = (b"customer,date,amount,interval\nx,2026-01-31,1200,year\ny,2026-02-01,50,month\n"
                  b"z,2025-11-01,300,quarterly\ny,2026-03-01,50,month\n")


def test_a_yearly_line_without_a_period_is_spread_from_its_invoice_month_by_default():
    """Before: 1,200 ÷ 12 = 100 in January alone, so x looked churned from February on. Now 100 in each month it pays
    for, through the latest invoice month (Mar 2026): Jan, Feb, Mar. z's quarter: 300 ÷ 3 in Nov, Dec, Jan."""
    p = prepare_bytes(INTERVAL_LINES, "revenue")
    assert mrr(p) == {("x", "2026-01"): 100.0, ("x", "2026-02"): 100.0, ("x", "2026-03"): 100.0,
                      ("y", "2026-02"): 50.0, ("y", "2026-03"): 50.0,
                      ("z", "2025-11"): 100.0, ("z", "2025-12"): 100.0, ("z", "2026-01"): 100.0}
    question = next(q for q in p.questions if q.key == "billed_for:interval")
    assert question.proposal == "advance" and not question.must_confirm  # shown with the preview, stated below
    assert "The file has 2 invoice lines billed for 2 to 12 months and no service period columns" in question.detail
    text = "\n".join(p.warnings)
    assert ("2 invoice lines pay for 2 months or more (the billing interval ('interval'), up to 12 months): each is "
            "spread evenly over the months it pays for (the months from its invoice month on, billed in advance; "
            "an annual invoice ÷ 12 a month)") in text
    assert "Months after Mar 2026 (the latest invoice date, 2026-03-01) are not counted yet: 1 line reaches" in text


def test_billed_in_arrears_spreads_over_the_months_up_to_the_invoice():
    p = prepare_bytes(INTERVAL_LINES, "revenue", answers={"billed_for:interval": "arrears"})
    x = {month: v for (c, month), v in mrr(p).items() if c == "x"}
    assert x == {f"{y}-{mo:02d}": 100.0 for y, mo in [(2025, k) for k in range(2, 13)] + [(2026, 1)]}  # Feb 25–Jan 26
    z = {month: v for (c, month), v in mrr(p).items() if c == "z"}
    assert z == {"2025-09": 100.0, "2025-10": 100.0, "2025-11": 100.0}
    assert sum(mrr(p).values()) == 1200 + 300 + 100  # every line whole: nothing past the latest invoice
    assert not any("not counted yet" in w for w in p.warnings)


def test_monthly_intervals_alone_ask_nothing_and_stay_in_their_month():
    p = prepare_bytes(b"customer,date,amount,interval\ny,2026-02-01,50,month\ny,2026-03-01,50,\n", "revenue")
    assert mrr(p) == {("y", "2026-02"): 50.0, ("y", "2026-03"): 50.0}
    assert not any(q.key.startswith("billed_for") for q in p.questions)


def test_interval_spreading_is_counted_against_the_ceiling(monkeypatch):
    monkeypatch.setenv("CX_MAX_CUSTOMER_MONTHS", "2")
    with pytest.raises(TooMuchDataError, match=r"billed for longer than a month spread into 3 customer-months.*"
                                               r"Check the billing interval \('interval'\)"):
        prepare_bytes(b"customer,date,amount,interval\nx,2026-01-31,1200,year\nx,2026-03-05,1,month\n", "revenue")


def recurring_question(data: bytes):
    """The one question a revenue file asks, which must be "does 'amount' bill every month?", must confirm."""
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(data, "revenue")
    (question,) = asked.value.questions
    assert question.key == "recurring:amount" and question.must_confirm
    return question


def test_lines_with_gaps_between_a_customers_months_ask_whether_they_bill_every_month():
    """Yearly bills with no interval column: a pays 1,200 in Jan 2025 and Jan 2026, b 100 every month of 2025. Of
    the months between each customer's first and last invoice (a: 13, b: 12), a's 11 have no revenue: 11 of 25, 44%
    (> 25%). Read as monthly, a would be MRR 1,200 in January and churned for eleven months: asked, never guessed."""
    rows = ["customer,date,amount", "a,2025-01-10,1200", "a,2026-01-10,1200"]
    rows += [f"b,2025-{k:02d}-05,100" for k in range(1, 13)]
    data = ("\n".join(rows) + "\n").encode()
    question = recurring_question(data)
    assert question.detail.startswith("11 of the 25 months between the first and the last invoice of 2 customers "
                                      "(44%) have no revenue")
    with pytest.raises(InvalidOptionError, match="map the billing interval"):
        prepare_bytes(data, "revenue", answers={"recurring:amount": "not_monthly"})
    p = prepare_bytes(data, "revenue", answers={"recurring:amount": "monthly"})  # the analyst's word
    assert mrr(p)[("a", "2025-01")] == 1200.0 and len(p.rows) == 14
    # the same bills with their interval mapped: spread, no gap left, nothing asked
    with_interval = ("\n".join([rows[0] + ",interval"] + [r + (",year" if r[0] == "a" else ",month")
                                                          for r in rows[1:]]) + "\n").encode()
    p = prepare_bytes(with_interval, "revenue", as_of=dt.date(2026, 1, 31))
    assert not any(q.key.startswith("recurring") for q in p.questions)
    assert mrr(p)[("a", "2025-06")] == 100.0


def test_one_bill_many_times_the_typical_month_asks_whatever_the_share():
    """10 customers: 8 pay 100 every month Jan–Mar 2025, 2 pay 1,200 once in January (annual, no interval column).
    2 of 10 billed once is under the 25% share, so nothing was asked and January read 3,200, February 800 with
    2,400 of churned MRR (hand, as annual: 1,000 every month). One bill of 6 or more typical months asks."""
    rows = ["customer,date,amount"] + [f"m{i},2025-{k:02d}-02,100" for i in range(8) for k in (1, 2, 3)]
    rows += ["y1,2025-01-05,1200", "y2,2025-01-06,1200"]
    data = ("\n".join(rows) + "\n").encode()
    question = recurring_question(data)
    assert question.detail.startswith("2 customers billed in one month only, before the file's last month, were "
                                      "billed 6 times or more what the other customers pay in a month (up to "
                                      "1,200.00 against a typical 100.00)")
    # a customer who paid one ordinary month and left asks nothing
    plain = ("\n".join(rows[:-2] + ["z1,2025-01-05,100"]) + "\n").encode()
    assert not any(q.key.startswith("recurring") for q in prepare_bytes(plain, "revenue").questions)


def test_monthly_lines_and_an_mrr_header_are_not_asked():
    monthly = "customer,date,amount\n" + "".join(f"a,2025-{k:02d}-05,100\n" for k in (1, 2, 3, 5))  # 1 gap of 5
    assert not any(q.key.startswith("recurring") for q in prepare_bytes(monthly.encode(), "revenue").questions)
    gappy = "customer,month,mrr\n" + "".join(f"a,2025-{k:02d},100\n" for k in (1, 6, 12))
    assert not any(q.key.startswith("recurring") for q in prepare_bytes(gappy.encode(), "revenue").questions)


def test_stripe_invoice_periods_look_back_and_are_not_read():
    """Stripe's invoice-level period "looks back one period for a subscription invoice" (its API reference): a
    renewal of an annual plan on 2024-03-10 carries 2023-03-10 → 2024-03-10. Spread over it, the customer's 2024
    revenue landed in 2023 and it showed as churned while paying. Stripe's invoice export (it has 'Amount Due')
    keeps its periods unmapped; its annual invoices then ask whether the lines bill every month, and cus_a's one
    invoice of 1,200 is not read as one month's MRR without that answer."""
    header = [*HEADER, *STRIPE_ONLY]
    assert not {"period_start", "period_end"} & detect_mapping("revenue", header).keys()
    rows = [invoice("cus_a", "2024-03-10 08:00", "2023-03-10 08:00", "2024-03-10 08:00", 1200.0),
            *(invoice("cus_b", f"2024-0{m}-01 08:00", f"2024-0{m - 1}-01 08:00", f"2024-0{m}-01 08:00", 100.0)
              for m in (2, 3, 4, 5, 6)),
            *(invoice("cus_c", f"2024-0{m}-05 08:00", f"2024-0{m - 1}-05 08:00", f"2024-0{m}-05 08:00", 50.0)
              for m in (2, 3, 4, 5, 6))]
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(to_csv(rows, header), "revenue", as_of=dt.date(2024, 6, 30))
    q = next(q for q in err.value.questions if q.key == "recurring:Total")
    assert q.must_confirm and "1 of the 3 customers billed before the file's last month (33%) were billed in one " \
                              "month only" in q.detail


def test_a_proration_billed_on_next_months_invoice_counts_in_its_own_month():
    """Stripe invoice line items: A upgrades from 100 to 200 on 15 Jan; the 1 Feb invoice carries −54.84 (unused Pro)
    and +109.68 (Team for the rest of January) beside February's 200. In February they read as an expansion of
    54.84 (MRR 354.84) undone in March; in January, where they belong: A pays 154.84, then 200, 200."""
    data = (b"Invoice Date (UTC),Customer ID,Amount,Period Start (UTC),Period End (UTC)\n"
            b"2026-01-01 00:00,cus_A,100.00,2026-01-01 00:00,2026-02-01 00:00\n"
            b"2026-02-01 00:00,cus_A,-54.84,2026-01-15 00:00,2026-02-01 00:00\n"
            b"2026-02-01 00:00,cus_A,109.68,2026-01-15 00:00,2026-02-01 00:00\n"
            b"2026-02-01 00:00,cus_A,200.00,2026-02-01 00:00,2026-03-01 00:00\n"
            b"2026-03-01 00:00,cus_A,200.00,2026-03-01 00:00,2026-04-01 00:00\n")
    p = prepare_bytes(data, "revenue", mapping={"month": "Invoice Date (UTC)"}, answers={"credits:Amount": "net"})
    assert {f"{r.month:%Y-%m}": round(float(r.mrr), 2) for r in p.rows.itertuples()} == {
        "2026-01": 154.84, "2026-02": 200.0, "2026-03": 200.0}
    assert any(w.startswith("2 lines pay for part of a month (a proration") for w in p.warnings)
