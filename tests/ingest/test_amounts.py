"""An amount column is read with certainty (metrics.ingest.amounts): one currency, one decimal convention, units or
cents, each settled by the values or asked; never a sum of euros and dollars, never 1.200 read as 1.2 unasked.
Files shaped like the exports that read wrong before (Stripe, a German invoice list); values worked out by hand."""

import re

import pytest
from conftest import prepare_bytes

from metrics.errors import InvalidOptionError, InvalidValuesError, NeedsAnswerError


def revenue(lines: list[str], header: str = "customer_id,month,amount", sep: str = ",", **options):
    # one month of lines asks whether they bill every month (prepare_revenue._check_recurring): answered here, these
    # tests are about the amounts
    recurring = {f"recurring:{c}": "monthly" for c in re.split("[,;]", header)}
    options["answers"] = {**recurring, **options.get("answers", {})}
    return prepare_bytes((header + "\n" + "".join(f"{line}\n" for line in lines)).encode(), kind="revenue",
                         **options)


def mrr(p) -> dict:
    return {(r.customer_id, f"{r.month:%Y-%m}"): float(r.mrr) for r in p.rows.itertuples()}


def test_a_thousands_dot_without_commas_is_asked():
    """1.200 and 12.500 with no comma anywhere: 1,200 euros or 1.2? Asked, must confirm; answered, read so."""
    lines = ["c1;15.01.2026;12.500", "c2;15.01.2026;1.200", "c3;15.01.2026;49"]
    with pytest.raises(NeedsAnswerError) as err:
        revenue(lines, "customer_id;month;amount")
    q = next(q for q in err.value.questions if q.key == "thousands_dot:amount")
    assert q.must_confirm and "exactly three digits" in q.detail
    # written the European way with no currency named: the currency is asked too
    eur = {"currency:amount": "EUR"}
    thousands = revenue(lines, "customer_id;month;amount", answers={"thousands_dot:amount": "thousands", **eur})
    assert mrr(thousands) == {("c1", "2026-01"): 12500.0, ("c2", "2026-01"): 1200.0, ("c3", "2026-01"): 49.0}
    decimal = revenue(lines, "customer_id;month;amount", answers={"thousands_dot:amount": "decimal", **eur})
    assert mrr(decimal)[("c2", "2026-01")] == 1.2
    # one amount with two decimals settles it: a decimal point, nothing asked
    assert mrr(revenue(["c1,2026-01-15,1.200", "c2,2026-01-15,49.90"]))[("c1", "2026-01")] == 1.2


def test_amounts_in_two_currencies_are_refused():
    with pytest.raises(InvalidValuesError) as err:
        revenue(['c1,2026-01-15,"€1.200,00"', 'c2,2026-01-15,"$1,200.00"', "c3,2026-01-15,$49.00"])
    assert err.value.column == "amount" and err.value.count == 1
    assert "($: 2 rows, €: 1 row)" in err.value.reason and [c.row for c in err.value.cells] == [2]
    # USD and $ are one currency
    assert len(revenue(["c1,2026-01-15,USD 10.00", "c2,2026-01-15,$20.00"]).rows) == 2


def test_a_currency_column_with_two_currencies_is_refused():
    """A Stripe invoice export: Currency eur / usd beside Amount Paid. Summed, it read as one ARR in '$'."""
    with pytest.raises(InvalidValuesError) as err:
        revenue(["c1,2026-01-15,10.00,usd", "c2,2026-01-15,20.00,eur", "c3,2026-01-15,30.00,usd"],
                "customer_id,month,amount,Currency")
    assert err.value.column == "Currency" and err.value.count == 1 and [c.row for c in err.value.cells] == [3]
    assert "USD: 2 rows, EUR: 1 row" in err.value.reason
    assert len(revenue(["c1,2026-01-15,10.00,usd", "c2,2026-01-15,20.00,USD"],
                       "customer_id,month,amount,Currency").rows) == 2


def test_both_decimal_conventions_in_one_column_are_refused():
    with pytest.raises(InvalidValuesError) as err:
        revenue(['c1,2026-01-15,"1.234,50"', 'c2,2026-01-15,"1,234.50"', 'c3,2026-01-15,"2,5"'])
    assert "other convention" in err.value.reason and err.value.count == 1


def test_whole_amounts_beside_stripe_customer_ids_ask_whether_cents():
    """Stripe's API writes cents whatever the last digits: 1999 is 19.99, not a multiple of 100 and so never asked
    before (MRR 1,999 a month for a 19.99 plan). Beside 'cus_' ids and written as whole numbers: asked, must
    confirm; answered cents, A pays 19.99 and B 49.99. The same amounts written with decimals are not asked."""
    lines = ["cus_A,2026-01-03,1999", "cus_B,2026-01-04,4999", "cus_A,2026-02-03,1999", "cus_B,2026-02-04,4999"]
    header = "customer,created,amount_paid"
    with pytest.raises(NeedsAnswerError) as err:
        revenue(lines, header, answers={"recurring:amount_paid": "monthly"})
    q = next(q for q in err.value.questions if q.key == "amount_unit:amount_paid")
    assert q.must_confirm and q.labels["cents"] == "cents ('1999' is 19.99)" and "Stripe's ('cus_…')" in q.detail
    cents = revenue(lines, header, answers={"recurring:amount_paid": "monthly", "amount_unit:amount_paid": "cents"})
    assert mrr(cents) == {("cus_A", "2026-01"): 19.99, ("cus_B", "2026-01"): 49.99, ("cus_A", "2026-02"): 19.99,
                          ("cus_B", "2026-02"): 49.99}
    dashboard = revenue([line[:-4] + line[-4:-2] + "." + line[-2:] for line in lines], header,
                        answers={"recurring:amount_paid": "monthly"})
    assert mrr(dashboard)[("cus_A", "2026-01")] == 19.99

def test_stripe_amounts_in_a_currency_without_cents_are_whole_units():
    """A Stripe export in yen (its 'Currency' column says jpy): 5000 and 12000 beside 'cus_' ids were asked whether
    cents, argued from the cents Stripe writes for dollars. Stripe writes zero-decimal currencies (JPY, KRW …) in
    whole units: nothing asked, A pays ¥5,000 and B ¥12,000 a month. The same file in USD is still asked."""
    lines = ["cus_A,2026-01-03,5000,jpy", "cus_B,2026-01-04,12000,jpy", "cus_A,2026-02-03,5000,jpy",
             "cus_B,2026-02-04,12000,jpy"]
    header = "customer,created,amount_paid,currency"
    p = revenue(lines, header)
    assert mrr(p) == {("cus_A", "2026-01"): 5000.0, ("cus_B", "2026-01"): 12000.0, ("cus_A", "2026-02"): 5000.0,
                      ("cus_B", "2026-02"): 12000.0}
    assert "amount_unit:amount_paid" not in p.answers
    with pytest.raises(NeedsAnswerError) as err:
        revenue([line.replace("jpy", "usd") for line in lines], header)
    assert any(q.key == "amount_unit:amount_paid" for q in err.value.questions)



    """Stripe's API and Sigma write cents: 4900 is 49.00. Every amount a whole multiple of 100: asked."""
    lines = [f"c{i},2026-01-15,{4900 if i % 2 else 19900}" for i in range(10)]
    with pytest.raises(NeedsAnswerError) as err:
        revenue(lines)
    q = next(q for q in err.value.questions if q.key == "amount_unit:amount")
    assert q.must_confirm and q.labels["cents"] == "cents ('4900' is 49.00)"
    cents = revenue(lines, answers={"amount_unit:amount": "cents"})
    assert sorted(set(mrr(cents).values())) == [49.0, 199.0]
    assert sorted(set(mrr(revenue(lines, amount_in_cents=True)).values())) == [49.0, 199.0]  # --cents: not asked
    assert sorted(set(mrr(revenue(lines, answers={"amount_unit:amount": "units"})).values())) == [4900.0, 19900.0]
    # 49.90 among them, or fewer than 10 amounts: nothing asked
    assert len(revenue(lines + ["c10,2026-01-15,49.90"]).rows) == 11
    assert len(revenue(lines[:9]).rows) == 9


def test_cents_declared_for_amounts_with_decimals_is_refused():
    """--cents on a file of 49.99 and 99.00 stored C1 at 0.50 (49.99 ÷ 100), unsaid: an amount with a fractional part
    is no count of cents. Refused, naming the column and the rows of 49.99; 99.00 (no fraction) is not named. The
    same file without --cents: 49.99 and 99.00."""
    lines = ["C1,2026-01,49.99", "C2,2026-01,99.00", "C1,2026-02,49.99", "C2,2026-02,99.00"]
    with pytest.raises(InvalidValuesError) as refused:
        revenue(lines, amount_in_cents=True)
    err = refused.value
    assert err.column == "amount" and err.count == 2 and [(c.row, c.value) for c in err.cells] == [(2, "49.99"),
                                                                                                     (4, "49.99")]
    assert "not in cents as declared" in str(err)
    assert mrr(revenue(lines)) == {("C1", "2026-01"): 49.99, ("C2", "2026-01"): 99.0, ("C1", "2026-02"): 49.99,
                                   ("C2", "2026-02"): 99.0}
    # whole amounts written with '.00' are cents as declared: 4900.00 is 49.00
    assert mrr(revenue(["C1,2026-01,4900.00"], amount_in_cents=True)) == {("C1", "2026-01"): 49.0}


def test_the_currency_is_read_from_the_file_or_asked():
    """Named by a currency column or the amounts' signs: stored, nothing asked. Named by nothing: USD proposed, and
    must be confirmed when the amounts are written the European way (a German list in $ would be a guess)."""
    assert revenue(["c1,2026-01-15,10.00,eur"], "customer_id,month,amount,Currency").currency == "EUR"
    assert revenue(['c1,2026-01-15,"€1.200,50"']).currency == "EUR"
    assert revenue(["c1,2026-01-15,£10.00"]).currency == "GBP"
    plain = revenue(["c1,2026-01-15,10.50"])
    assert plain.currency == "USD" and not next(q for q in plain.questions if q.key == "currency:amount").must_confirm
    with pytest.raises(NeedsAnswerError) as err:
        revenue(['c1;2026-01-15;"1.200,50"'], "customer_id;month;amount")
    assert [q.key for q in err.value.questions] == ["currency:amount"]
    chosen = revenue(['c1;2026-01-15;"1.200,50"'], "customer_id;month;amount", answers={"currency:amount": "SEK"})
    assert chosen.currency == "SEK" and mrr(chosen) == {("c1", "2026-01"): 1200.5}


def test_a_thousands_dot_beside_a_currency_sign_is_asked_not_a_crash():
    with pytest.raises(NeedsAnswerError) as err:
        revenue(["c1,2026-01-15,€1.200", "c2,2026-01-15,€49"])
    q = next(q for q in err.value.questions if q.key == "thousands_dot:amount")
    assert q.labels["thousands"] == "a thousands separator ('1.200' is 1,200)"


def test_underscored_and_underflowing_amounts_are_refused_by_row_and_sub_cent_ones_said():
    """DuckDB's cast reads '1_000' as 1000 and '1e-400' as 0: both are typos a reader would not take as those
    numbers, so each is named by row. 0.001 (a usage price) is kept, with a warning: stored to the cent it is 0."""
    with pytest.raises(InvalidValuesError) as err:
        revenue(["c1,2026-01-15,1_000", "c2,2026-01-15,49"])
    assert "are not numbers" in str(err.value) and [c.row for c in err.value.cells] == [2]
    with pytest.raises(InvalidValuesError) as err:
        revenue(["c1,2026-01-15,49", "c2,2026-01-15,1e-400", "c3,2026-01-15,0e5"])
    assert "too small to read as a number" in str(err.value) and [c.row for c in err.value.cells] == [3]
    p = revenue(["c1,2026-01-15,0.001", "c1,2026-01-20,10", "c2,2026-01-15,0.0000001", "c3,2026-01-15,0"])
    assert mrr(p) == {("c1", "2026-01"): 10.0, ("c2", "2026-01"): 0.0, ("c3", "2026-01"): 0.0}
    assert "2 amounts in 'amount' are above 0 but below half a cent (e.g. row 2: '0.001'); they are kept, and MRR " \
           "is stored to the cent, so a customer-month of such amounts alone is 0." in p.warnings


def test_credit_lines_are_asked_and_netted_within_their_customer_month_or_refused_by_row():
    """A proration: c1 upgrades in February, credited 30 for unused time on the old plan and charged 80 for the
    new one: February nets to 50 + 80 − 30 = 100. Netted only when the analyst says so (a refund of January paid
    back in February would be the wrong month); refused, the credit is named by row as before."""
    lines = ["c1,2026-01-15,50", "c1,2026-02-15,50", "c1,2026-02-20,80", "c1,2026-02-20,-30", "c2,2026-02-01,20"]
    head = "customer_id,invoice_date,amount"
    with pytest.raises(NeedsAnswerError) as err:
        revenue(lines, head, answers={"recurring:amount": "monthly"})
    q = next(q for q in err.value.questions if q.key == "credits:amount")
    assert q.must_confirm and q.proposal == "net" and "1 line below 0, -30.00 in all" in q.detail
    netted = revenue(lines, head, answers={"recurring:amount": "monthly", "credits:amount": "net"})
    assert mrr(netted) == {("c1", "2026-01"): 50.0, ("c1", "2026-02"): 100.0, ("c2", "2026-02"): 20.0}
    with pytest.raises(InvalidValuesError) as err:
        revenue(lines, head, answers={"recurring:amount": "monthly", "credits:amount": "refuse"})
    assert "are negative" in str(err.value) and [c.row for c in err.value.cells] == [5]
    # a credit larger than the month's revenue: refused, naming the customer, the month and its credit rows
    with pytest.raises(InvalidValuesError) as err:
        revenue(lines + ["c2,2026-02-10,-25"], head, answers={"recurring:amount": "monthly", "credits:amount": "net"})
    assert "customer 'c2' nets to -5.00 in Feb 2026" in str(err.value) and [c.row for c in err.value.cells] == [7]
    # in cents (the header says so) the sum is shown in currency units: -3,000 cents is -30.00
    cents = ["c1,2026-01-15,5000", "c1,2026-02-15,5000", "c1,2026-02-20,8000", "c1,2026-02-20,-3000"]
    with pytest.raises(NeedsAnswerError) as err:
        revenue(cents, "customer_id,invoice_date,amount_in_cents", mapping={"amount": "amount_in_cents"},
                answers={"recurring:amount_in_cents": "monthly"})
    assert "1 line below 0, -30.00 in all" in next(q for q in err.value.questions
                                                   if q.key == "credits:amount_in_cents").detail
    # an MRR column is never below 0: refused outright, nothing asked
    with pytest.raises(InvalidValuesError):
        revenue(["c1,2026-01,100", "c2,2026-01,-5"], "customer_id,month,mrr")


def test_a_netted_credit_carries_its_tax_credited_and_a_tax_of_the_wrong_sign_is_refused_by_row():
    """A credit note −36 with −6 tax is −30 of revenue: c1 February 60 − 12 tax = 48, less the credit's 30 = 18.
    A credit whose tax is above 0, a charge whose tax is below 0, or a tax larger than its line would turn tax into
    revenue: each is refused, named by row."""
    head = "customer_id,invoice_date,total,tax"
    lines = ["c1,2026-01-15,60,12", "c1,2026-02-15,60,12", "c1,2026-02-20,-36,-6"]
    answers = {"recurring:total": "monthly", "credits:total": "net"}
    p = revenue(lines, head, mapping={"amount": "total", "tax": "tax"}, answers=answers)
    assert mrr(p) == {("c1", "2026-01"): 48.0, ("c1", "2026-02"): 18.0}
    bad = {"c1,2026-02-21,-10,2": "are above 0 on a credit line",
           "c1,2026-02-21,10,-2": "are negative on a line whose amount",
           "c1,2026-02-21,-10,-12": "are larger than the amount in 'total'",
           "c1,2026-02-21,10,12": "are larger than the amount in 'total'"}
    for line, reason in bad.items():
        with pytest.raises(InvalidValuesError) as err:
            revenue([*lines, line], head, mapping={"amount": "total", "tax": "tax"}, answers=answers)
        problem = err.value.report.problems[0]
        assert problem.column == "tax" and reason in problem.reason and [c.row for c in problem.cells] == [5], line


def test_a_tax_rate_is_not_subtracted_as_a_tax_amount():
    """A workbook's 20% cell reads 0.2: subtracted as an amount, MRR was 1,199.80 for 1,440 with 20% tax (1,200 is
    right). Every tax below 1 beside amounts in the tens and more is a rate: refused, saying what to map."""
    head = "customer_id,invoice_date,total,tax"
    lines = ["c1,2026-01-15,1440,0.2", "c1,2026-02-15,1440,0.2", "c2,2026-02-15,120,0.2"]
    with pytest.raises(InvalidOptionError, match=r"'tax' holds values below 1 \(at most 0.2\) beside amounts of "
                                                 r"1,440.00 \(the median\): tax rates"):
        revenue(lines, head, mapping={"amount": "total", "tax": "tax"}, answers={"recurring:total": "monthly"})
    # tax amounts below 1 beside small amounts are amounts (a 4.99 line with 0.95 tax)
    small = revenue(["c1,2026-01-15,5.94,0.95", "c1,2026-02-15,5.94,0.95"], head,
                    mapping={"amount": "total", "tax": "tax"})
    assert mrr(small) == {("c1", "2026-01"): 4.99, ("c1", "2026-02"): 4.99}


@pytest.mark.parametrize("countries, proposal, must_confirm", [
    (["Germany", "Germany", "France"], "EUR", True),   # most rows' country bills in euros: proposed, confirmed
    (["CH", "CH", "US"], "CHF", True),                 # ISO codes too
    (["United States", "USA", "Canada"], "USD", False),  # what was proposed anyway: used as before
    (["Germany", "Japan", "Brazil"], "USD", False),    # no country on half the rows: no evidence
])
def test_a_country_column_is_evidence_for_the_currency(countries, proposal, must_confirm):
    """Nothing names the currency and the amounts are written 1,234.56: a country column's main country proposes
    its currency (the UCI Online Retail invoices, 91% United Kingdom, were shown in "$" unasked)."""
    lines = [f"c{i},2026-01-15,100.00,{c}" for i, c in enumerate(countries)]
    header = "customer_id,month,amount,Country"
    if must_confirm:
        with pytest.raises(NeedsAnswerError) as err:
            revenue(lines, header)
        q = next(q for q in err.value.questions if q.key == "currency:amount")
        assert q.must_confirm and q.proposal == proposal and f"({proposal} there)" in q.detail
        assert revenue(lines, header, answers={"currency:amount": proposal}).currency == proposal
    else:
        p = revenue(lines, header)
        q = next(q for q in p.questions if q.key == "currency:amount")
        assert not q.must_confirm and q.proposal == proposal and p.currency == proposal


def test_an_amount_whose_header_names_its_currency_is_read_in_it_beside_a_mixed_currency_column():
    # Lemon Squeezy writes each order in the buyer's currency and again in USD ('total_usd'): the currency column
    # names the first, so a file of USD and EUR orders was refused as mixed even with 'subtotal_usd' mapped
    data = (b"order_number,user_email,currency,subtotal,subtotal_usd,created_at\n"
            b"1001,ann@a.io,USD,29.00,29.00,2026-01-02\n1002,bea@b.de,EUR,29.00,31.32,2026-01-05\n"
            b"1003,ann@a.io,USD,29.00,29.00,2026-02-02\n1004,bea@b.de,EUR,29.00,31.32,2026-02-05\n")
    p = prepare_bytes(data, kind="revenue", mapping={"amount": "subtotal_usd"})
    assert p.currency == "USD"
    assert [(r.customer_id, float(r.mrr)) for r in p.rows.itertuples()] == [
        ("ann@a.io", 29.0), ("ann@a.io", 29.0), ("bea@b.de", 31.32), ("bea@b.de", 31.32)]
    with pytest.raises(InvalidValuesError):  # the buyer's own amounts are still two currencies: refused
        prepare_bytes(data, kind="revenue", mapping={"amount": "subtotal"})
