"""Old .xls workbooks (Excel 97–2003) read as the sheet shows them (s25). calamine reads an .xls's values but not its
formats, hidden rows or columns, so before this an MRR cell 0.5 formatted 0% (the sheet shows 50%) was stored as MRR
0.50, a €-formatted amount proposed USD unasked, and a row filtered out of the sheet counted in every figure. The
marks are now read with xlrd; the same rules as .xlsx then apply (test_s24_workbooks.py). Workbooks written with xlwt
in each test; figures worked by hand."""

from __future__ import annotations

import io

import pytest
import xlwt
from conftest import by_month, prepare_bytes

from metrics.errors import InvalidValuesError, NeedsAnswerError

HEAD = ["customer_id", "month", "mrr"]


def _xls(rows: list[list], formats: dict[tuple[int, int], str] | None = None, hidden_rows=(), hidden_columns=(),
         dates_1904: bool = False) -> bytes:
    """A one-sheet .xls ('Data'); `formats` {(row, column): number format} on those cells (0-based)."""
    wb = xlwt.Workbook()
    wb.dates_1904 = dates_1904
    ws = wb.add_sheet("Data")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            fmt = (formats or {}).get((r, c))
            if fmt:
                ws.write(r, c, value, xlwt.easyxf(num_format_str=fmt))
            else:
                ws.write(r, c, value)
    for r in hidden_rows:
        ws.row(r).hidden = True
    for c in hidden_columns:
        ws.col(c).hidden = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_xls_amount_formatted_as_a_percentage_is_refused_as_the_sheet_shows_it():
    data = _xls([HEAD, ["c1", "2026-09", 0.5], ["c2", "2026-09", 120]], {(1, 2): "0%"})
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "revenue", name="revenue.xls")
    # before: stored as MRR 0.50 for c1
    assert str(err.value) == "Column 'mrr': 1 value(s) are not numbers — row 2: '50%'."


def test_an_xls_nps_score_formatted_as_a_percentage_is_refused():
    data = _xls([["response_id", "customer_id", "responded_at", "score"], ["r1", "c1", "2026-09-03", 0.9]],
                {(1, 3): "0%"})
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "nps", name="nps.xls")
    assert str(err.value) == "Column 'score': 1 value(s) are not whole-number scores — row 2: '90%'."


@pytest.mark.parametrize("code, currency", [('"€"#,##0.00', "EUR"), ("[$£-809]#,##0.00", "GBP")])
def test_an_xls_currency_format_names_the_currency(code, currency):
    data = _xls([HEAD, ["c1", "2026-09", 100], ["c2", "2026-09", 50.5]], {(1, 2): code, (2, 2): code})
    p = prepare_bytes(data, "revenue", name="revenue.xls")
    # before: proposed USD without a question
    assert p.answers["currency:mrr"] == currency
    assert by_month(p) == {("c1", "2026-09"): 100.0, ("c2", "2026-09"): 50.5}


def test_xls_rows_hidden_in_the_sheet_are_asked_about():
    """c2 (MRR 50) filtered out of the sheet: the sheet shows 100 + 25 = 125, every row sums to 175."""
    data = _xls([HEAD, ["c1", "2026-09", 100], ["c2", "2026-09", 50], ["c3", "2026-09", 25]], hidden_rows=[2])
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, "revenue", name="revenue.xls")
    (q,) = [q for q in err.value.questions if q.key == "hidden_rows"]
    assert (q.proposal, q.must_confirm, q.prompt) == ("visible", True, "Sheet 'Data' has 1 hidden row: read it?")
    p = prepare_bytes(data, "revenue", name="revenue.xls", answers={"hidden_rows": "visible"})
    assert by_month(p) == {("c1", "2026-09"): 100.0, ("c3", "2026-09"): 25.0}
    assert ("1 hidden row of sheet 'Data' (sheet row 3) left out, as answered: only the rows the sheet shows are "
            "read.") in p.warnings
    p = prepare_bytes(data, "revenue", name="revenue.xls", answers={"hidden_rows": "all"})
    assert sum(by_month(p).values()) == 175.0


def test_an_xls_mapped_column_the_sheet_hides_is_asked_about():
    data = _xls([[*HEAD, "mrr_2026"], ["c1", "2026-09", 80, 100], ["c2", "2026-09", 40, 50]], hidden_columns=[2])
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, "revenue", name="revenue.xls")
    (q,) = [q for q in err.value.questions if q.key == "hidden_columns"]
    assert q.prompt == "Column 'mrr' (amount) is hidden in sheet 'Data': read it?"
    p = prepare_bytes(data, "revenue", name="revenue.xls", mapping={"amount": "mrr_2026"})
    assert sum(by_month(p).values()) == 150.0


def test_plain_serial_months_of_a_1904_xls_count_from_1904():
    """46023 is 1 Jan 2026 counted from 1900; a 1904 workbook writes it 46023 − 1462 = 44561."""
    data = _xls([HEAD, ["c1", 46023 - 1462, 100], ["c2", 46054 - 1462, 50]], dates_1904=True)
    p = prepare_bytes(data, "revenue", name="revenue.xls")
    assert by_month(p) == {("c1", "2026-01"): 100.0, ("c2", "2026-02"): 50.0}


def test_a_plain_xls_reads_as_before():
    data = _xls([HEAD, ["c1", "2026-09", 100], ["c2", "2026-09", 50.5]])
    p = prepare_bytes(data, "revenue", name="revenue.xls")
    assert by_month(p) == {("c1", "2026-09"): 100.0, ("c2", "2026-09"): 50.5}
    assert "hidden_rows" not in p.answers and "hidden_columns" not in p.answers
