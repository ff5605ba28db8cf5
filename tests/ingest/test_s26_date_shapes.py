"""A date column's format counts skip the formats whose separators (or month names, AM/PM) no value holds
(dates._possible): the counts must be the ones every format would give. Checked here against every format evaluated
on every value, one value at a time, over values written in each known format and in shapes no format reads."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from conftest import prepare_bytes

from metrics.errors import InvalidValuesError
from metrics.ingest import dates
from metrics.ingest.checks import _Checker
from metrics.ingest.model import Options

MOMENTS = [dt.datetime(2026, 1, 5, 9, 7, 3), dt.datetime(2024, 12, 31, 23, 59, 59), dt.datetime(1999, 7, 14, 0, 0, 0),
           dt.datetime(2026, 10, 11, 12, 30, 0)]
ODD = ["2026-01-31T23:30:00-05:00", "2026-01-31T23:30:00Z", "2026-01-31 23:30:00 UTC", "2026-01-31T23:30:00.123+0100",
       "1/31/2026 11:30:00 PM GMT-5", "1/5/2026", "5.1.26", "5-Jan-26", "27/Mar/24 10:16 PM", "Jan 5, 2026",
       "January 2026", "2026", "20260131", "45292", "45292.5", "1767225600", "1767225600000", "12:30", "8:21:05 PM",
       "n/a", "TBD", "—", "31/02/2026", "2026/13/01", "0019-01-01", "2026-1-5", "05/01/2026 14:00", "3pm", "2026.01.05",
       "Mon, 05 Jan 2026", "01-05-2026 08:00:00", "2026-01", "2026/01", "jan-2026", "JAN 2026", "5 Jan 2026",
       "2026-01-05 ", " 2026-01-05", "1/5/26 9:07 am", "05/01/26 09:07:03"]


def _values() -> list[str]:
    out = list(ODD)
    for fmt in dates.DATE_FORMATS:
        if "%" in fmt:
            out += [m.strftime(fmt) for m in MOMENTS]
    return sorted(set(out))


def test_no_format_that_reads_a_value_is_skipped_for_its_shape():
    con = duckdb.connect()
    values = _values()
    assert len(values) > 200
    con.execute("CREATE TABLE _date_sample AS SELECT unnest(?::VARCHAR[]) AS v", [values])
    parsed = con.execute("SELECT v, " + ", ".join(dates._parse_date_sql("v", f) for f in dates.DATE_FORMATS)
                         + " FROM _date_sample").fetchall()
    shapes = dict(con.execute(f"SELECT v, [{dates.SHAPE_SQL}] FROM _date_sample").fetchall())
    read = skipped = 0
    for value, *cells in parsed:
        for fmt, cell in zip(dates.DATE_FORMATS, cells, strict=True):
            possible = dates._possible(fmt, [tuple(shapes[value])])
            if cell is not None:
                read += 1
                assert possible, (value, fmt, cell)
            skipped += not possible
    # the property is tested on many readings, and the shapes do rule most formats out
    assert read > 250 and skipped > len(values) * len(dates.DATE_FORMATS) / 2


def _counts(values: list[str]) -> tuple[int, dict[str, int]]:
    """choose_format on a column of `values` (with a blank cell, which is not a value): its counts per format."""
    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE raw AS SELECT unnest(?::VARCHAR[]) AS d, range::BIGINT + 2 AS _row "
                "FROM range(?)", [[*values, ""], len(values) + 1])
    chk = _Checker(con, Options(kind="customers"))
    dates.choose_format(chk, "d")
    return chk.date_counts["d"]


@pytest.mark.parametrize("values, format_counts", [
    # hand-worked: 05/01/2026 and 17/01/2026 read day-first; only 05/01/2026 month-first (no 17th month)
    (["05/01/2026", "17/01/2026"], {"%d/%m/%Y": 2, "%m/%d/%Y": 1, "ISO": 0, "%d.%m.%Y": 0}),
    # 'Jan 2026' is read by %b %Y (and %B %Y does not take the abbreviation); no slash format reads it
    (["Jan 2026", "Feb 2026", "Mar 2026"], {"%b %Y": 3, "%d/%m/%Y": 0, "ISO": 0}),
    (["2026-01-05", "2026-02-07T10:00:00Z"], {"ISO": 2, "%Y-%m-%d": 1, "%m/%d/%Y": 0}),
])
def test_a_columns_counts_are_those_of_every_format(values, format_counts):
    n, counts = _counts(values)
    assert n == len(values)
    assert set(counts) == set(dates.DATE_FORMATS)
    for fmt, expected in format_counts.items():
        assert counts[fmt] == expected, fmt


def test_values_that_no_format_reads_are_still_refused_as_such():
    assert _counts(["soon", "later", "never"]) == (3, {f: 0 for f in dates.DATE_FORMATS})
    with pytest.raises(InvalidValuesError, match="not dates in any format the app reads"):
        prepare_bytes(b"customer_id,start_date\nc1,soon\nc2,later\n", kind="customers")
