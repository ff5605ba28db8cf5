"""Tenure units: asked for every tenure column, decided by a header that names the unit, bounded at 1900."""

import datetime as dt

import pandas as pd
import pytest
from conftest import prepare_bytes

from metrics.errors import InvalidValuesError, NeedsAnswerError

AS_OF = dt.date(2026, 10, 31)

# The bank churn file's shape ("Churn_Modelling.csv"): Tenure is whole years 0–10, Exited 0/1.
# 20 customers, 4 exited (rows 1, 3, 6, 8): 20% churned.
BANK = (b"RowNumber,CustomerId,Surname,CreditScore,Geography,Gender,Age,Tenure,Balance,NumOfProducts,HasCrCard,"
        b"IsActiveMember,EstimatedSalary,Exited\n") + b"""1,15634602,Hargrave,619,France,Female,42,2,0,1,1,1,101348.88,1
2,15647311,Hill,608,Spain,Female,41,1,83807.86,1,0,1,112542.58,0
3,15619304,Onio,502,France,Female,42,8,159660.8,3,1,0,113931.57,1
4,15701354,Boni,699,France,Female,39,1,0,2,0,0,93826.63,0
5,15737888,Mitchell,850,Spain,Female,43,2,125510.82,1,1,1,79084.1,0
6,15574012,Chu,645,Spain,Male,44,8,113755.78,2,1,0,149756.71,1
7,15592531,Bartlett,822,France,Male,50,7,0,2,1,1,10062.8,0
8,15656148,Obinna,376,Germany,Female,29,4,115046.74,4,1,0,119346.88,1
9,15792365,He,501,France,Male,44,4,142051.07,2,0,1,74940.5,0
10,15592389,Hu,684,France,Male,27,2,134603.88,1,1,1,71725.73,0
11,15767821,Bearce,528,France,Male,31,6,102016.72,2,0,0,80181.12,0
12,15737173,Andrews,497,Spain,Male,24,3,0,2,1,0,76390.01,0
13,15632264,Kay,476,France,Female,34,10,0,2,1,0,26260.98,0
14,15691483,Chin,549,France,Female,25,5,0,2,0,0,190857.79,0
15,15600882,Scott,635,Spain,Female,35,7,0,2,1,1,65951.65,0
16,15643966,Goforth,616,Germany,Male,45,3,143129.41,2,0,1,64327.26,0
17,15737452,Romeo,653,Germany,Male,58,1,132602.88,1,1,0,5097.67,0
18,15788218,Henderson,549,Spain,Female,24,9,0,2,1,1,14406.41,0
19,15661507,Muldrow,587,Spain,Male,45,6,0,1,0,0,158684.81,0
20,15568982,Hao,726,France,Female,24,0,0,2,1,1,54724.03,0
"""


def _question(prepared_or_error, key):
    asked = getattr(prepared_or_error, "asked", None) or prepared_or_error.questions
    return next(q for q in asked if q.key == key)


def test_bank_tenure_in_years_is_asked_with_the_start_dates_each_unit_gives():
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(BANK, as_of=AS_OF)
    assert [q.key for q in err.value.questions] == ["tenure_unit:Tenure"]
    q = _question(err.value, "tenure_unit:Tenure")
    assert q.must_confirm and q.proposal == "years" and q.choices == ("months", "years", "days", "weeks")
    assert "20 values from 0 to 10 (as of 2026-10-31)" in q.detail
    assert "as years: starts from 2016-10-01 to 2026-10-01" in q.detail
    assert "as months: starts from 2025-12-01 to 2026-10-01" in q.detail
    exited = _question(err.value, "churned_values:Exited")
    assert exited.proposal == ["1"] and not exited.must_confirm


def test_bank_tenure_read_as_years_gives_true_start_dates_and_20_percent_churned():
    p = prepare_bytes(BANK, as_of=AS_OF, answers={"tenure_unit:Tenure": "years"})
    assert p.kind == "customers" and p.mapping["churned"] == "Exited" and p.mapping["region"] == "Geography"
    rows = p.rows.set_index("customer_id")
    assert len(rows) == 20 and rows.churn_date.notna().sum() == 4  # 4 of 20 = 20.0%
    assert rows.churn_date.dropna().index.tolist() == ["15634602", "15619304", "15574012", "15656148"]
    assert rows.loc["15634602", "start_date"] == pd.Timestamp("2024-10-01")  # 2 years before Oct 2026
    assert rows.loc["15632264", "start_date"] == pd.Timestamp("2016-10-01")  # 10 years
    assert p.first_date == dt.date(2016, 10, 1)
    assert "Tenure in 'Tenure' read as years: start dates from 2016-10-01 to 2026-10-01 (as of 2026-10-31)." \
        in p.warnings
    # Read as months (the old silent guess) the oldest customer would have started in Dec 2025.
    months = prepare_bytes(BANK, as_of=AS_OF, answers={"tenure_unit:Tenure": "months"})
    assert months.first_date == dt.date(2025, 12, 1)


@pytest.mark.parametrize("header, values, unit, must_confirm", [
    ("Tenure in Months", [1, 72], "months", False),
    ("tenure_years", [1, 30], "years", False),
    ("Tenure (days)", [3, 90], "days", False),
    ("Tenure (weeks)", [3, 90], "weeks", False),
    ("tenure", [0, 10], "years", True),
    ("tenure", [1, 72], "months", True),
    ("tenure", [1, 180], "months", True),
    ("tenure", [30, 900], "days", True),
])
def test_unit_proposals_from_header_and_range(header, values, unit, must_confirm):
    data = (f"customer_id,{header},churn\n" + "".join(f"c{i},{v},no\n" for i, v in enumerate(values))).encode()
    try:
        p = prepare_bytes(data, as_of=AS_OF)
        q = _question(p, f"tenure_unit:{header}")
    except NeedsAnswerError as err:
        q = _question(err, f"tenure_unit:{header}")
    assert (q.proposal, q.must_confirm) == (unit, must_confirm)


def test_days_and_weeks_count_back_from_the_as_of_date():
    p = prepare_bytes(b"customer_id,Tenure (days),churn\nc1,365,no\nc2,0,yes\n", as_of=AS_OF)
    assert p.rows.start_date.tolist() == [pd.Timestamp("2025-10-31"), pd.Timestamp("2026-10-31")]
    p = prepare_bytes(b"customer_id,Tenure (weeks),churn\nc1,52,no\n", as_of=AS_OF)
    assert p.rows.start_date.tolist() == [pd.Timestamp("2025-11-01")]  # 364 days earlier


def test_a_tenure_before_1900_is_a_validation_error_not_a_traceback():
    data = b"customer_id,tenure_months,churn\nc1,12,no\nc2,99999,yes\nc3,1521,no\nc4,1522,no\n"
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, as_of=AS_OF)
    assert "before 1900 when read as months (at most 1,521)" in str(err.value)
    assert [c.row for c in err.value.cells] == [3, 5]
    p = prepare_bytes(data, as_of=AS_OF, skip_invalid=True)
    assert p.rows.start_date.min() == pd.Timestamp("1900-01-01") and len(p.rows) == 2
    assert "Tenure in 'tenure_months' read as months: start dates from 1900-01-01 to 2025-10-01 (as of 2026-10-31)." \
        in p.warnings
    with pytest.raises(InvalidValuesError, match="not whole numbers"):
        prepare_bytes(b"customer_id,tenure_months,churn\nc1,1e300,no\nc2,2.5,no\n", as_of=AS_OF)


def test_a_revenue_snapshot_asks_the_unit_too():
    data = b"customer_id,MonthlyCharges,Tenure,Exited\nc1,10,2,0\nc2,20,1,1\n"
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, kind="revenue", as_of=AS_OF)
    assert _question(err.value, "tenure_unit:Tenure").proposal == "years"
    p = prepare_bytes(data, kind="revenue", as_of=AS_OF, answers={"tenure_unit:Tenure": "years"})
    # A snapshot knows two months only: Sep 2026 (c1 10, c2 20: both there a month ago, tenure read in years) and
    # Oct 2026 (c1 10; c2 exited on the as-of date).
    assert len(p.rows) == 3 and float(p.rows.mrr.sum()) == 10 + 20 + 10
    assert p.first_date == dt.date(2026, 9, 1)
