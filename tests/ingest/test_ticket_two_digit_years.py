"""Ticket times with a two-digit year ('13/03/24 10:00', as Microsoft Forms and Jira write them): DuckDB's ISO cast
read them as the year 13, so the file was refused as "before 1970" and no %d/%m/%y format got to read it. Read
day-first where a day above 12 says so; asked where every day and month fit both."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import prepare_bytes

from metrics.errors import NeedsAnswerError

HEADER = "ticket_id,customer_id,created_at,solved_at,status\n"


def test_two_digit_years_read_day_first_when_a_day_says_so():
    data = (HEADER + "t1,C1,13/03/24 10:00,14/03/24 12:00,solved\nt2,C2,25/04/24 10:00,26/04/24 12:00,solved\n")
    rows = prepare_bytes(data.encode(), "tickets").rows
    assert rows.created_at.tolist() == [dt.datetime(2024, 3, 13, 10), dt.datetime(2024, 4, 25, 10)]
    assert rows.resolution_hours.tolist() == [26.0, 26.0]  # 13 Mar 10:00 → 14 Mar 12:00


def test_two_digit_years_that_fit_both_orders_are_asked():
    data = (HEADER + "t1,C1,05/03/24 10:00,06/03/24 12:00,solved\n").encode()
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, "tickets")
    assert {q.key for q in err.value.questions} == {"date_order:created_at", "date_order:solved_at"}
    rows = prepare_bytes(data, "tickets", answers={"date_order:created_at": "month_first",
                                                   "date_order:solved_at": "month_first"}).rows
    assert rows.created_at.tolist() == [dt.datetime(2024, 5, 3, 10)]
