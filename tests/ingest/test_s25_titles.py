"""A title block written as cells above the table (s25): a report's name and its export date in two cells of the
first line, a blank line, then the table. The title line was taken for the header: a CSV was refused as rows of
unequal width ("the record ending on line 3 has 3 where the header has 2"), a workbook as having no customer id
column. The title is now skipped, said, and row numbers stay the file's."""

from __future__ import annotations

import io

import openpyxl
import pytest
from conftest import by_month, prepare_bytes

from metrics.errors import InvalidValuesError

TABLE = "customer_id,month,mrr\nc1,2026-09,100\nc2,2026-09,50\n"


def test_a_csv_title_of_two_cells_above_a_blank_line_is_skipped():
    p = prepare_bytes(("Revenue report,Generated 2026-11-02\n\n" + TABLE).encode(), "revenue")
    assert by_month(p) == {("c1", "2026-09"): 100.0, ("c2", "2026-09"): 50.0}
    assert ("The first 2 line(s) of the file ('Revenue report,Generated 2026-11-02') are a title above the table, "
            "not part of it, and were skipped; the header is line 3. Row numbers are those of the file.") in p.warnings


def test_a_bad_row_under_a_csv_title_is_named_by_its_file_line():
    data = b"Revenue report,Generated 2026-11-02\n\ncustomer_id,month,mrr\nc1,2026-09,100\nc2,2026-09,abc\n"
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "revenue")
    assert str(err.value) == "Column 'mrr': 1 value(s) are not numbers — row 5: 'abc'."


def test_a_line_as_wide_as_the_table_above_a_blank_line_is_not_taken_for_a_title():
    """Three fields above the blank line: a header (or a row), never skipped as a title."""
    p = prepare_bytes(b"customer_id,month,mrr\n\nc1,2026-09,100\nc2,2026-09,50\n", "revenue")
    assert by_month(p) == {("c1", "2026-09"): 100.0, ("c2", "2026-09"): 50.0}
    assert not any("title" in w for w in p.warnings)


def test_a_workbook_title_of_two_cells_above_a_blank_row_is_skipped():
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["Revenue report", "Generated 2026-11-02"], [], ["customer_id", "month", "mrr"], ["c1", "2026-09", 100],
                ["c2", "2026-09", 50]):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    p = prepare_bytes(out.getvalue(), "revenue", name="revenue.xlsx")
    # before: "No column for customer id ('customer_id') was found. The file's columns are: 'Revenue report', ..."
    assert by_month(p) == {("c1", "2026-09"): 100.0, ("c2", "2026-09"): 50.0}
    assert ("The first 2 row(s) ('Revenue report, Generated 2026-11-02') are above the table and were skipped; the "
            "header is the next row. Row numbers are still those of the file.") in p.warnings
