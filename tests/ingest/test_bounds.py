"""Stated bounds: what a file implies is computed before anything is expanded, and refused with the numbers."""

import datetime as dt
import time

import pytest
from conftest import prepare_bytes

from metrics.errors import InvalidValuesError, TooMuchDataError, UnreadableFileError
from metrics.ingest import prepare_revenue


def lines(amount: str, **options):
    # one month asks whether the lines bill every month (prepare_revenue._check_recurring): answered, not tested here
    options["answers"] = {"recurring:amount": "monthly", **options.get("answers", {})}
    return prepare_bytes(f"customer_id,date,amount\nc1,2026-01-05,10\nc2,2026-01-06,{amount}\n".encode(),
                         kind="revenue", **options)


def test_an_amount_of_1e308_is_refused_by_row_and_column():
    with pytest.raises(InvalidValuesError) as err:
        lines("1e308")
    e = err.value
    assert e.column == "amount" and e.count == 1 and [c.row for c in e.cells] == [3]
    assert "above the ceiling of 1,000,000,000,000 per row" in str(e)


def test_a_300_digit_number_is_a_typed_error_never_a_conversion_error():
    try:
        lines("9" * 300)
    except UnreadableFileError as exc:  # the raw "Conversion Error" this used to be
        pytest.fail(f"untyped: {exc}")
    except InvalidValuesError as exc:
        assert exc.column == "amount" and [c.row for c in exc.cells] == [3] and "ceiling" in str(exc)
    else:
        pytest.fail("a 300-digit amount was accepted")
    with pytest.raises(InvalidValuesError) as err:  # beyond the range of a double altogether: not a number
        lines("9" * 400)
    assert err.value.column == "amount" and [c.row for c in err.value.cells] == [3]


@pytest.mark.parametrize("value", ["inf", "-Infinity"])
def test_infinity_is_not_an_amount(value):
    with pytest.raises(InvalidValuesError) as err:
        lines(value)
    assert err.value.reason == "are not finite numbers (NaN or infinity)" and err.value.cells[0].row == 3


def test_nan_is_a_missing_amount():
    # "NaN" is one of the default missing-value tokens (pandas writes it for an empty cell): an empty amount.
    with pytest.raises(InvalidValuesError) as err:
        lines("NaN")
    assert err.value.reason == "are empty (an amount is required)" and err.value.cells[0].row == 3


def test_the_ceiling_itself_passes_and_amount_times_quantity_is_bounded_too():
    p = lines("1000000000000")
    assert float(p.rows.mrr.max()) == 1e12
    data = b"customer_id,date,amount,quantity\nc1,2026-01-05,10,3\nc2,2026-01-06,1000,2000000000\n"
    with pytest.raises(InvalidValuesError) as err:  # 1,000 × 2e9 = 2e12
        prepare_bytes(data, kind="revenue", mapping={"quantity": "quantity"})
    assert err.value.column == "quantity" and [c.row for c in err.value.cells] == [3]
    p = prepare_bytes(data, kind="revenue", mapping={"quantity": "quantity"}, skip_invalid=True,
                      answers={"recurring:amount": "monthly"})  # one month: whether it recurs is asked
    assert float(p.rows.mrr.sum()) == 30.0


def test_lines_summing_past_what_a_customer_month_holds_are_refused():
    data = "customer_id,date,amount\n" + "big,2026-01-05,1000000000000\n" * 1001  # 1.001e15 in January
    with pytest.raises(TooMuchDataError) as err:
        prepare_bytes(data.encode(), kind="revenue")
    assert "Customer 'big' has 1,001,000,000,000,000 of revenue in Jan 2026 (from 1,001 lines)" in str(err.value)


def subscriptions(n: int, start: str) -> bytes:
    return ("customer_id,start_date,end_date,mrr\n"
            + "".join(f"c{i},{start},,10\n" for i in range(n))).encode()


def test_subscription_customer_months_are_counted_before_expanding(monkeypatch):
    # 300 subscriptions running Jan 1980 → Oct 2026: (2026 − 1980) × 12 + 10 = 562 months each = 168,600.
    monkeypatch.setenv("CX_MAX_CUSTOMER_MONTHS", "100000")
    started = time.perf_counter()
    with pytest.raises(TooMuchDataError) as err:
        prepare_bytes(subscriptions(300, "1980-01-01"), kind="revenue", as_of=dt.date(2026, 10, 31))
    assert time.perf_counter() - started < 10
    msg = str(err.value)
    assert "The 300 subscriptions expand to 168,600 customer-months (from Jan 1980 to Oct 2026)" in msg
    assert "the ceiling is 100,000" in msg and "row 2: 'c0' from Jan 1980, 562 months" in msg
    monkeypatch.setenv("CX_MAX_CUSTOMER_MONTHS", "168600")  # exactly at the ceiling: expanded
    p = prepare_bytes(subscriptions(300, "1980-01-01"), kind="revenue", as_of=dt.date(2026, 10, 31))
    assert len(p.rows) == 168_600 and float(p.rows.mrr.sum()) == 1_686_000.0


def test_the_default_ceiling_is_stated():
    assert prepare_revenue.MAX_CUSTOMER_MONTHS == 5_000_000 and prepare_revenue.max_customer_months() == 5_000_000


def test_a_subscription_starting_in_1970_is_refused_by_row_before_any_expansion():
    data = b"customer_id,start_date,end_date,mrr\na,2024-03-01,,10\nb,1970-01-01,,20\nc,2025-06-15,2026-01-31,30\n"
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, kind="revenue", as_of=dt.date(2026, 10, 31))
    e = err.value
    assert e.column == "start_date" and [c.row for c in e.cells] == [3]
    assert "more than 50 years before the column's latest date (2025-06-15)" in str(e)
    p = prepare_bytes(data, kind="revenue", as_of=dt.date(2026, 10, 31), skip_invalid=True)
    # a: Mar 2024 – Oct 2026 = 32 months × 10; c: Jun 2025 – Dec 2025 (ended in Jan) = 7 months × 30
    assert len(p.rows) == 32 + 7 and float(p.rows.mrr.sum()) == 320 + 210
    assert p.first_date == dt.date(2024, 3, 1)


def test_starts_close_together_but_more_than_fifty_years_before_the_as_of_date_are_refused():
    data = b"customer_id,start_date,end_date,mrr\na,1974-05-01,,10\nb,1980-01-01,,20\n"
    with pytest.raises(InvalidValuesError) as err:  # 1976-10 is the earliest start 50 years before Oct 2026
        prepare_bytes(data, kind="revenue", as_of=dt.date(2026, 10, 31))
    assert [c.row for c in err.value.cells] == [2]
    assert "start more than 50 years before the as-of date (2026-10-31)" in str(err.value)


def test_a_snapshot_tenure_longer_than_fifty_years_is_refused_by_row():
    data = b"customerID,tenure,MonthlyCharges,Churn\na,99999999,10,No\nb,3,20,Yes\nc,600,5,No\n"
    with pytest.raises(InvalidValuesError) as err:  # used to be a raw "Date out of range" conversion error
        prepare_bytes(data, kind="revenue", as_of=dt.date(2026, 10, 31), answers={"tenure_unit:tenure": "months"})
    assert err.value.column == "tenure" and [c.row for c in err.value.cells] == [2]
    assert "before 1900" in str(err.value)


def test_subscriptions_adding_up_past_what_a_customer_month_holds_are_refused():
    data = "customer_id,start_date,end_date,mrr,ref\n" + "".join(f"big,2026-01-01,,1000000000000,s{i}\n"
                                                                  for i in range(1001))
    with pytest.raises(TooMuchDataError) as err:
        prepare_bytes(data.encode(), kind="revenue", as_of=dt.date(2026, 10, 31))
    assert "Customer 'big' has 1,001 subscriptions adding up to 1,001,000,000,000,000 a month" in str(err.value)


def test_a_few_dates_long_before_the_rest_are_named_in_a_warning():
    # Within the 50-year bound a stray date is kept, but the data's period would start with it: one 1977 row among
    # 2026 rows widened the data by 49 years without a word. A gap of 24 months or more without a date, with at
    # most a tenth of the rows (or one) before it, is named; 23 months is not.
    rows = [f"C{i},2026-{1 + i % 5:02d},100\n" for i in range(45)]

    def early(*extra: str) -> list[str]:
        data = "customer_id,month,mrr\n" + "".join(rows[:4]) + "".join(extra) + "".join(rows[4:])
        prepared = prepare_bytes(data.encode(), "revenue", answers={"date_format:month": "%Y-%m"})
        return [w for w in prepared.warnings if "long before the rest" in w]

    assert early("C9,1977-01,50\n") == [
        "1 row of 'month' is dated long before the rest: 1977-01-01 (row 6), then no date for 587 months until "
        "Jan 2026. The data's period starts there, so charts and all-time figures reach back to Jan 1977; if it is "
        "a typo, fix the row and upload again."]
    assert early("C9,2016-01,50\n", "C8,2016-03,50\n")[0].startswith(
        "2 rows of 'month' are dated long before the rest: 2016-01-01 to 2016-03-01 (rows 6, 7), then no date for "
        "117 months until Jan 2026.")
    assert early("C9,2024-01,50\n") == []  # Jan 2024 to Jan 2026: 23 months without a date
    assert early(*[f"C{i},2016-01,50\n" for i in range(6)]) == []  # 6 of 51 rows: an earlier era, not strays
    assert early() == []
