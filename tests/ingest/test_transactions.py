"""Purchase logs: identical lines are repeat purchases, summed (never rejected); elsewhere exact duplicates are
still rejected, set-wise and fast."""

import datetime as dt
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import prepare_bytes, prepare_file

from metrics.errors import DuplicateRowsError, InvalidValuesError, NeedsAnswerError
from metrics.ingest.checks import _Checker
from metrics.ingest.model import Options

# ../shared/real_exports beside the main checkout (tests/ingest is two levels down; a worktree one more)
REAL = next((p / "shared" / "real_exports" for p in Path(__file__).resolve().parents[3:5]
             if (p / "shared" / "real_exports").exists()), None)
real = pytest.mark.skipif(REAL is None, reason="../shared/real_exports not present")

PURCHASES = b"""customer,order date,sales
acme,2026-01-05,100.00
acme,2026-01-05,100.00
acme,2026-01-20,50.50
beta,2026-01-07,30.00
beta,2026-02-03,20.00
"""


def mrr(p) -> list[tuple[str, str, float]]:
    return [(r.customer_id, r.month.strftime("%Y-%m"), float(r.mrr)) for r in p.rows.itertuples()]


def test_identical_purchase_lines_are_summed_and_counted():
    p = prepare_bytes(PURCHASES, answers={"recurring:sales": "monthly"})  # acme bought in January only: asked
    assert p.kind == "revenue" and p.layout == "lines"
    # acme January: 100 + 100 (the same purchase made twice the same day) + 50.50 = 250.50
    assert mrr(p) == [("acme", "2026-01", 250.5), ("beta", "2026-01", 30.0), ("beta", "2026-02", 20.0)]
    assert float(p.rows.mrr.sum()) == 300.5  # every line of the file: 100 + 100 + 50.50 + 30 + 20
    assert any(w.startswith("1 line repeats an earlier line in every column; read as repeat purchases") for w in
               p.warnings)
    q = next(q for q in p.questions if q.key == "repeated_lines")
    assert q.proposal == "sum" and not q.must_confirm and p.answers["repeated_lines"] == "sum"
    with pytest.raises(DuplicateRowsError) as err:  # the analyst says they are one line exported twice
        prepare_bytes(PURCHASES, answers={"repeated_lines": "reject", "recurring:sales": "monthly"})
    assert err.value.count == 1 and err.value.rows == [3]


def test_repeated_lines_of_a_monthly_mrr_table_are_rejected_unless_answered_otherwise():
    data = b"customer_id,month,mrr\nc1,2026-01,5\nc2,2026-01,5\nc1,2026-01,5\n"
    with pytest.raises(DuplicateRowsError) as err:  # one MRR line per customer and month: a repeat is an error
        prepare_bytes(data)
    assert err.value.rows == [4]
    p = prepare_bytes(data, answers={"repeated_lines": "sum"})
    assert mrr(p) == [("c1", "2026-01", 10.0), ("c2", "2026-01", 5.0)]


def test_repeats_are_counted_exactly_among_lines_that_share_a_hash():
    # 3 copies of one line (2 repeats) and 2 of another (1 repeat), beside lines differing only in one column or in
    # an empty quantity cell (NULL equals NULL for a repeated line): 3 repeats in all.
    data = (b"customer,order date,sales,quantity\n" + b"acme,2026-01-05,10,1\n" * 3 + b"acme,2026-01-05,10,\n"
            + b"acme,2026-01-06,10,1\n" + b"beta,2026-01-07,30,\n" * 2 + b"beta,2026-01-07,31,\n")
    p = prepare_bytes(data, answers={"recurring:sales": "monthly"})  # one month: whether it recurs is asked
    assert any(w.startswith("3 lines repeat an earlier line in every column") for w in p.warnings)
    with pytest.raises(DuplicateRowsError) as err:
        prepare_bytes(data, answers={"repeated_lines": "reject"})
    assert err.value.count == 3 and err.value.rows == [3, 4, 8]  # file rows (the header is row 1)


def test_online_retail_invoice_lines_with_quantity_and_month_first_times():
    data = b"""InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,17850,United Kingdom
536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,17850,United Kingdom
536366,22633,HAND WARMER,6,12/1/2010 8:28,1.85,17850,United Kingdom
536367,84879,BIRD ORNAMENT,32,12/1/2010 8:34,1.69,13047,United Kingdom
536368,22960,JAM MAKING SET,6,1/5/2011 8:34,4.25,13047,United Kingdom
"""
    options = {"kind": "revenue", "mapping": {"amount": "UnitPrice", "quantity": "Quantity"},  # a unit price
               "answers": {"date_format:InvoiceDate": "%m/%d/%Y %H:%M",  # 12/1 and 1/5 read both ways: asked
                           "recurring:UnitPrice": "monthly",  # 17850 bought in December only: asked
                           # nothing names the currency; 'Country' is United Kingdom on every row: GBP proposed,
                           # must confirm (it was shown in "$" unasked)
                           "currency:UnitPrice": "GBP"}}
    with pytest.raises(NeedsAnswerError):  # unanswered, 12/1/2010 and 1/5/2011 read both ways: nothing stored
        prepare_bytes(data, kind="revenue", mapping=options["mapping"])
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, **{**options, "answers": {k: v for k, v in options["answers"].items()
                                                      if not k.startswith("currency")}})
    q = next(q for q in err.value.questions if q.key == "currency:UnitPrice")
    assert q.must_confirm and q.proposal == "GBP" and "'Country' is United Kingdom on 100% of the rows" in q.detail
    p = prepare_bytes(data, **options)
    assert p.currency == "GBP"
    # 17850 Dec 2010: 2 × 6 × 2.55 + 6 × 1.85 = 30.60 + 11.10 = 41.70; 13047: 32 × 1.69 = 54.08, Jan 6 × 4.25
    assert mrr(p) == [("13047", "2010-12", 54.08), ("13047", "2011-01", 25.5), ("17850", "2010-12", 41.7)]
    assert any("1 line repeats" in w for w in p.warnings)


ONLINE_RETAIL_CANCELLED = b"""InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26,2.55,17850,United Kingdom
536366,22633,HAND WARMER,4,2010-12-01 08:28,27.50,14527,United Kingdom
C536379,D,Discount,-1,2010-12-01 09:41,27.50,14527,United Kingdom
537000,22633,HAND WARMER,2,2011-01-03 10:00,27.50,14527,United Kingdom
"""
RETAIL = {"kind": "revenue", "mapping": {"amount": "UnitPrice", "quantity": "Quantity"}}
RETAIL_ANSWERS = {"currency:UnitPrice": "GBP", "recurring:UnitPrice": "monthly"}


def test_a_negative_quantity_at_a_positive_price_is_a_credit_never_negative_mrr():
    # Online Retail's cancellation lines ('C' invoices) keep the unit price positive and make the quantity negative:
    # read alone, 14527's cancelled line was stored as MRR -27.50. It is a credit: asked like a negative amount.
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(ONLINE_RETAIL_CANCELLED, **RETAIL, answers=RETAIL_ANSWERS)
    q = next(q for q in err.value.questions if q.key == "credits:UnitPrice")
    assert q.must_confirm and "1 line below 0, -27.50 in all" in q.detail
    # netted: 14527 Dec 2010 = 4 × 27.50 − 1 × 27.50 = 82.50; Jan 2011 = 2 × 27.50 = 55; 17850 = 6 × 2.55 = 15.30
    p = prepare_bytes(ONLINE_RETAIL_CANCELLED, **RETAIL, answers={**RETAIL_ANSWERS, "credits:UnitPrice": "net"})
    assert mrr(p) == [("14527", "2010-12", 82.5), ("14527", "2011-01", 55.0), ("17850", "2010-12", 15.3)]
    # refused: named by row and column (the quantity), nothing stored, or skipped with the row counted
    with pytest.raises(InvalidValuesError) as bad:
        prepare_bytes(ONLINE_RETAIL_CANCELLED, **RETAIL, answers={**RETAIL_ANSWERS, "credits:UnitPrice": "refuse"})
    assert bad.value.column == "Quantity" and [c.row for c in bad.value.cells] == [4]
    p = prepare_bytes(ONLINE_RETAIL_CANCELLED, **RETAIL, skip_invalid=True,
                      answers={**RETAIL_ANSWERS, "credits:UnitPrice": "refuse"})
    assert p.report.rejected_rows == 1 and ("14527", "2010-12", 110.0) in mrr(p)


def test_a_cancellation_larger_than_the_month_is_refused_and_text_quantities_are_named():
    data = ONLINE_RETAIL_CANCELLED.replace(b"C536379,D,Discount,-1,", b"C536379,D,Discount,-5,")
    with pytest.raises(InvalidValuesError) as bad:  # 4 × 27.50 − 5 × 27.50 = −27.50: revenue cannot be negative
        prepare_bytes(data, **RETAIL, answers={**RETAIL_ANSWERS, "credits:UnitPrice": "net"})
    assert "customer '14527' nets to -27.50 in Dec 2010" in str(bad.value)
    assert [c.row for c in bad.value.cells] == [4]
    text = ONLINE_RETAIL_CANCELLED.replace(b",4,2010", b",four,2010")
    with pytest.raises(InvalidValuesError) as bad:  # never read as 1 unit, unseen
        prepare_bytes(text, **RETAIL, answers={**RETAIL_ANSWERS, "credits:UnitPrice": "net"})
    assert bad.value.column == "Quantity" and "are not numbers" in str(bad.value)


def test_a_negative_quantity_in_a_subscription_list_is_refused():
    data = b"customer_id,start_date,mrr,seats\na,2026-01-01,10,3\nb,2026-01-01,10,-2\n"
    with pytest.raises(InvalidValuesError) as bad:  # 10 × −2 = −20 a month would be summed away unseen
        prepare_bytes(data, mapping={"quantity": "seats", "start_date": "start_date"}, as_of=dt.date(2026, 3, 31))
    assert bad.value.column == "seats" and [c.row for c in bad.value.cells] == [3]


def test_flag_duplicates_of_a_million_identical_rows_is_set_based_and_fast():
    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE raw AS SELECT (i + 2)::BIGINT AS _row, 'c1' AS customer_id, "
                "'2026-01-01' AS date, '9' AS score FROM range(1000000) t(i)")
    chk = _Checker(con, Options(today=dt.date(2026, 11, 23)))
    started = time.perf_counter()
    count = chk.flag_duplicates("customer_id, date, score", None, "rows (identical)", "repeat an earlier row")
    elapsed = time.perf_counter() - started
    assert count == 999_999 and elapsed < 10, elapsed
    assert con.execute("SELECT count(*), min(_row), max(_row) FROM bad").fetchone() == (999_999, 3, 1_000_001)
    (problem,) = chk.problems
    assert problem.count == 999_999 and [c.row for c in problem.cells] == [3, 4, 5, 6, 7]
    con.close()


@real
def test_real_superstore_month_total_matches_the_file():
    p = prepare_file(REAL / "superstore_sales.csv", skip_invalid=True, answers={"recurring:Sales": "monthly"})
    assert p.layout == "lines" and p.report.rejected_rows == 6  # the six shifted rows, nothing else
    # Independent of ingest: January 2014 orders summed straight from the file with pandas.
    orders = pd.read_csv(REAL / "superstore_sales.csv", encoding_errors="replace", usecols=range(21),
                         on_bad_lines="skip")
    day = pd.to_datetime(orders["Order Date"], format="%m/%d/%Y")
    jan = orders[(day.dt.year == 2014) & (day.dt.month == 1)]
    expected = pd.to_numeric(jan.Sales, errors="coerce").sum()
    assert expected == pytest.approx(14236.895)
    stored = p.rows[p.rows.month == pd.Timestamp("2014-01-01")]
    assert len(stored) == jan["Customer ID"].nunique() == 32
    assert float(stored.mrr.sum()) == pytest.approx(expected, abs=0.005 * 32)  # cents rounding per customer


def test_a_line_repeating_its_own_invoice_id_is_proposed_as_exported_twice():
    """Two overlapping exports pasted together repeat each invoice with its id: not a second purchase. Summed, c1's
    May was 300 instead of 150; the repeat is proposed as a duplicate and refused by row."""
    data = (b"id,Customer,Date (UTC),Total\nin_1,c1,2026-04-01,150\nin_2,c1,2026-05-01,150\nin_3,c2,2026-05-02,80\n"
            b"in_2,c1,2026-05-01,150\n")
    with pytest.raises(DuplicateRowsError) as err:
        prepare_bytes(data, kind="revenue")
    assert err.value.rows == [5]
    q = next(q for q in err.value.asked if q.key == "repeated_lines")
    assert q.proposal == "reject" and "'id' identifies each line" in q.detail
