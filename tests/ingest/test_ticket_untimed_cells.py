"""A ticket time column mixing dates without a time of day and timed cells: t1 created '2024-03-05' (read as
midnight) and solved at 12:00 took an invented 12 h, counted as exact (no day-precision flag: only a column of
dates alone set it). Its durations from those times are left out, said; t2's 09:00 → 12:00 is 3 h."""

from __future__ import annotations

from conftest import prepare_bytes

HEADER = b"ticket_id,customer_id,created_at,first_reply_at,solved_at,status\n"


def test_durations_from_a_date_among_timed_cells_are_left_out_and_said():
    data = HEADER + (b"t1,C1,2024-03-05,2024-03-05 10:00,2024-03-05 12:00,solved\n"
                     b"t2,C2,2024-03-05 09:00,2024-03-05 10:00,2024-03-05 12:00,solved\n"
                     b"t3,C3,2024-03-06 09:00,2024-03-06 09:30,2024-03-07,solved\n")
    p = prepare_bytes(data, "tickets")
    rows = p.rows.set_index("ticket_id")
    assert rows.resolution_hours.isna().tolist() == [True, False, True]  # t1 created, t3 solved a date only
    assert rows.resolution_hours["t2"] == 3.0
    assert rows.first_reply_hours.isna().tolist() == [True, False, False]  # t3's reply is timed: 0.5 h
    assert rows.first_reply_hours["t3"] == 0.5
    assert not rows.resolution_day_precision.any()
    assert ("1 cell of 'created_at' has a date without a time of day beside timed cells: durations from it are left "
            "out (a date is no instant).") in p.warnings
    assert any(w.startswith("1 cell of 'solved_at' has a date") for w in p.warnings)


def test_a_column_of_dates_alone_is_still_day_precision():
    data = HEADER + b"t1,C1,2024-03-05,,2024-03-07,solved\n"
    rows = prepare_bytes(data, "tickets").rows
    assert rows.resolution_hours.tolist() == [48.0] and rows.resolution_day_precision.tolist() == [True]
