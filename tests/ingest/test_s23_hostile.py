"""Hostile uploads found in session 23 (a corpus of some 90 odd files across the five kinds, run through prepare()
and `python -m metrics.load`): each one that stored a silently wrong value is pinned here, with the exact answer
it gets now and what is stored. What the corpus of test_hostile.py and the fuzzing of test_fuzz.py cover is not
repeated."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
from conftest import TODAY, by_month, prepare_bytes, stored_state

from metrics import ingest
from metrics.errors import InvalidValuesError, NeedsAnswerError, UnreadableFileError
from metrics.store import Workspace


def _xlsx(rows: list[list], errors: dict[str, str], at: str = "A1", formulas: dict[str, str] | None = None) -> bytes:
    """A workbook whose sheet holds `rows` from cell `at`, with Excel error cells `errors` ({'C2': '#REF!'}) written
    as Excel writes them (t="e"), a formula's cached error where `formulas` names one ({'C2': 'VLOOKUP(…)'})."""
    wb = openpyxl.Workbook()
    ws = wb.active
    top, left = int(at[1:]), ord(at[0]) - ord("A") + 1
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            ws.cell(top + r, left + c, v)
    for ref, text in errors.items():
        ws[ref] = text
        ws[ref].data_type = "e"
    out = io.BytesIO()
    wb.save(out)
    if not formulas:
        return out.getvalue()
    src, dst = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                for ref, formula in formulas.items():
                    data = re.sub(rb'(<c r="' + ref.encode() + rb'"[^>]*>)', rb"\1<f>" + formula.encode() + rb"</f>",
                                  data)
            z.writestr(item, data)
    return dst.getvalue()


CUSTOMERS = [["customer_id", "start_date", "churn_date"], ["c1", dt.date(2025, 1, 5), None],
             ["c2", dt.date(2025, 2, 6), dt.date(2026, 3, 1)], ["c3", dt.date(2025, 3, 6), None]]


def test_a_ref_error_in_a_workbooks_churn_date_is_refused_never_a_customer_who_stayed():
    """c1's churn date is a VLOOKUP that lost its sheet (#REF!). calamine reads an error cell as '': c1 was stored
    as a customer who never left (logo churn 1 of 3 where the workbook does not say), and nothing was said."""
    data = _xlsx(CUSTOMERS, {"C2": "#REF!"}, formulas={"C2": "VLOOKUP(A2,Churn!A:B,2,0)"})
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "customers", name="customers.xlsx")
    assert str(err.value) == ("Column 'churn_date': 1 value(s) are not dates in the format the rest of the column "
                              "uses — row 2: '#REF!'.")
    # stored without the bad row, the churn that remains is c2's, as written; c1 is left out, said
    p = prepare_bytes(data, "customers", name="customers.xlsx", skip_invalid=True)
    assert p.rows.customer_id.tolist() == ["c2", "c3"]
    assert p.rows.churn_date.tolist()[0] == dt.datetime(2026, 3, 1)
    assert p.report.rejected_rows == 1 and [c.value for c in p.report.problems[0].cells] == ["#REF!"]


def test_error_cells_off_the_sheets_corner_keep_their_place():
    """A table that starts at B3 (a title above it): the error cell's r="D5" is placed relative to the table."""
    rows = [["Customers export"], [], *[[None, *r] for r in CUSTOMERS]]
    data = _xlsx(rows, {"D5": "#DIV/0!"}, at="A1")
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "customers", name="customers.xlsx")
    assert err.value.report.problems[0].column == "churn_date"
    assert [(c.row, c.value) for c in err.value.report.problems[0].cells] == [(5, "#DIV/0!")]


def test_a_div0_score_is_refused_not_a_response_left_unanswered():
    """A score cell of #DIV/0! was read as empty: the response was skipped as "question not answered"."""
    data = _xlsx([["response_id", "customer_id", "date", "score"], ["r1", "c1", dt.date(2026, 1, 5), 9],
                  ["r2", "c2", dt.date(2026, 1, 6), None], ["r3", "c3", dt.date(2026, 1, 7), 3]], {"D3": "#DIV/0!"})
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "nps", name="nps.xlsx", answers={"scale:score": "0-10"})
    assert str(err.value) == "Column 'score': 1 value(s) are not whole-number scores — row 3: '#DIV/0!'."


def test_an_error_in_a_tickets_duration_is_refused_not_an_unmeasured_reply():
    data = _xlsx([["ticket_id", "customer_id", "created_at", "status", "first_response_minutes"],
                  ["t1", "c1", dt.datetime(2026, 1, 5, 9), "solved", None],
                  ["t2", "c2", dt.datetime(2026, 1, 6, 9), "open", 15]], {"E2": "#VALUE!"})
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "tickets", name="tickets.xlsx")
    assert str(err.value) == ("Column 'first_response_minutes': 1 value(s) are not numbers (durations) — row 2: "
                              "'#VALUE!'.")


def test_a_workbooks_na_error_is_the_missing_value_token_and_said():
    """#N/A (a lookup that found nothing) is one of the missing-value tokens: read as empty, as in a CSV, and said."""
    data = _xlsx([["response_id", "customer_id", "date", "score", "comment"],
                  ["r1", "c1", dt.date(2026, 1, 5), 9, None], ["r2", "c2", dt.date(2026, 1, 6), 3, "slow"]],
                 {"E2": "#N/A"})
    p = prepare_bytes(data, "nps", name="nps.xlsx")
    assert p.rows.comment.isna().tolist() == [True, False] and p.rows.comment[1] == "slow"
    assert p.rows.score.tolist() == [9, 3]
    assert "Read as empty (missing-value tokens): #N/A: 1 cells ('comment' 1)." in p.warnings


def test_an_amount_of_ref_is_refused_as_not_a_number():
    data = _xlsx([["customer_id", "month", "mrr"], ["c1", "2026-01", None], ["c2", "2026-01", 6]], {"C2": "#REF!"})
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "revenue", name="revenue.xlsx")
    assert str(err.value) == "Column 'mrr': 1 value(s) are not numbers — row 2: '#REF!'."


def test_an_error_cell_without_a_position_is_refused():
    """Excel always writes r="…"; a cell without one cannot be put back where calamine read its ''."""
    data = _xlsx(CUSTOMERS, {"C2": "#REF!"})
    src, dst = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(dst, "w") as z:
        for item in src.infolist():
            raw = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                raw = raw.replace(b'<c r="C2" t="e">', b'<c t="e">')
            z.writestr(item, raw)
    with pytest.raises(UnreadableFileError) as err:
        prepare_bytes(dst.getvalue(), "customers", name="customers.xlsx")
    assert str(err.value) == ("1 cell of sheet 'Sheet' holds an Excel error (#REF!, #DIV/0! …) at a position the "
                              "workbook does not name: read as empty they would be wrong. Fix the formulas in Excel, "
                              "or export the sheet as CSV, and upload again.")


@pytest.mark.parametrize("mark", ["\ufeff", "\u200b", "\u2060"])
def test_an_invisible_mark_at_an_ids_end_is_not_part_of_it(mark):
    """Two UTF-8 exports joined: the second one's byte-order mark starts its first line. '\\ufeffc2' was stored as
    another customer than 'c2' (its MRR matched no customer record); a zero-width space pasted from a web page the
    same. Read without them, as spaces at a cell's ends are."""
    data = f"customer_id,month,mrr\nc1,2026-01,5\n{mark}c2,2026-02,6\nc3{mark},2026-02,7\n".encode()
    p = prepare_bytes(data, "revenue")
    assert p.rows.customer_id.tolist() == ["c1", "c2", "c3"]
    assert [float(x) for x in p.rows.mrr] == [5.0, 6.0, 7.0]
    # one in the middle of an id is kept: it may be the id as another file writes it
    p = prepare_bytes(f"customer_id,month,mrr\nc{mark}1,2026-01,5\n".encode(), "revenue")
    assert p.rows.customer_id.tolist() == [f"c{mark}1"]


def test_a_refused_workbook_leaves_the_stored_version_as_it_was(tmp_path):
    ws = Workspace(tmp_path / "w.duckdb")
    try:
        ws.commit([prepare_bytes(_xlsx(CUSTOMERS, {}), "customers", name="customers.xlsx").to_upload()])
        before = stored_state(ws)
        stored = ws.cursor().execute("SELECT customer_id, churn_date FROM customers ORDER BY 1").fetchall()
        assert stored == [("c1", None), ("c2", dt.date(2026, 3, 1)), ("c3", None)]
        with pytest.raises(InvalidValuesError):
            ws.commit([ingest.prepare(_xlsx(CUSTOMERS, {"C4": "#REF!"}), "customers.xlsx",
                                      ingest.Options(kind="customers", today=TODAY)).to_upload()])
        assert stored_state(ws) == before
    finally:
        ws.close()


def _merged(rows: list[list], ranges: list[str]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for r in ranges:
        ws.merge_cells(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


REGIONS = _merged([["customer_id", "start_date", "region"], ["c1", dt.date(2025, 1, 5), "EMEA"],
                   ["c2", dt.date(2025, 2, 6), None], ["c3", dt.date(2025, 3, 6), None],
                   ["c4", dt.date(2025, 3, 7), "APAC"]], ["C2:C4"])


def test_a_region_merged_down_beside_its_customers_is_asked_about():
    """'EMEA' merged over C2:C4: calamine holds it in C2 only, so c2 and c3 were stored with no region ("No region
    recorded") while the sheet shows EMEA beside them. Asked, must confirm: on every row, or the first only."""
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(REGIONS, "customers", name="customers.xlsx")
    (q,) = err.value.questions
    assert q.key == "merged_cells" and q.must_confirm and q.proposal == "fill"
    assert q.prompt == "Sheet 'Sheet' has cells merged over several rows: whose value is it?"
    assert q.detail.startswith("1 merged range over several rows: C2:C4 'EMEA'. An amount merged over rows")
    p = prepare_bytes(REGIONS, "customers", name="customers.xlsx", answers={"merged_cells": "fill"})
    assert p.rows.region.tolist() == ["EMEA", "EMEA", "EMEA", "APAC"]
    assert ("1 merged range of sheet 'Sheet' (C2:C4 'EMEA') read on every row it covers, as answered (2 cells "
            "filled).") in p.warnings
    p = prepare_bytes(REGIONS, "customers", name="customers.xlsx", answers={"merged_cells": "first"})
    assert p.rows.region.isna().tolist() == [False, True, True, False]


def test_an_amount_merged_over_two_months_is_never_counted_twice_unasked():
    """MRR 10 merged over a customer's two months: read on each row it is 20 of revenue, so nothing is stored until
    the analyst says which; 'first' leaves February empty, refused by row (an amount is required)."""
    data = _merged([["customer_id", "month", "mrr"], ["c1", "2026-01", 10], ["c1", "2026-02", None],
                    ["c2", "2026-01", 5]], ["C2:C3"])
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, "revenue", name="revenue.xlsx")
    assert [q.key for q in err.value.questions] == ["merged_cells"]
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "revenue", name="revenue.xlsx", answers={"merged_cells": "first"})
    assert str(err.value) == "Column 'mrr': 1 value(s) are empty (an amount is required) — row 3: ''."


def test_a_title_merged_across_columns_asks_nothing():
    data = _merged([["Revenue export"], ["customer_id", "month", "mrr"], ["c1", "2026-01", 10],
                    ["c2", "2026-01", 5]], ["A1:C1"])
    p = prepare_bytes(data, "revenue", name="revenue.xlsx")
    assert [float(x) for x in p.rows.mrr] == [10.0, 5.0] and "merged_cells" not in p.answers


def test_a_semicolon_files_three_place_comma_amounts_are_asked_about():
    """A German Excel export: ';'-separated, amounts 1,234 and 5,678 with no dot anywhere. Read as thousands
    without a question, MRR was 6,912 where the file may mean 6.912 (a thousand times). Asked, must confirm, as
    the mirror case 1.234 already was; a ','-separated file's quoted "1,234" is still 1,234 unasked."""
    data = b"customer_id;month;mrr\nc1;2026-01;1,234\nc2;2026-02;5,678\n"
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, "revenue")
    (q,) = [q for q in err.value.questions if q.key == "thousands_comma:mrr"]
    assert q.must_confirm and q.proposal is None
    assert q.labels == {"thousands": "a thousands separator ('1,234' is 1,234)",
                        "decimal": "a decimal comma ('1,234' is 1.234)"}
    p = prepare_bytes(data, "revenue", answers={"thousands_comma:mrr": "decimal", "currency:mrr": "EUR"})
    assert [float(x) for x in p.rows.mrr] == [1.23, 5.68]  # stored to the cent
    p = prepare_bytes(data, "revenue", answers={"thousands_comma:mrr": "thousands", "currency:mrr": "EUR"})
    assert [float(x) for x in p.rows.mrr] == [1234.0, 5678.0]
    p = prepare_bytes(b'customer_id,month,mrr\nc1,2026-01,"1,234"\nc2,2026-02,"5,678"\n', "revenue")
    assert [float(x) for x in p.rows.mrr] == [1234.0, 5678.0] and "thousands_comma:mrr" not in p.answers
    # a dot anywhere, or a comma with two places, settles it: no question
    p = prepare_bytes(b"customer_id;month;mrr\nc1;2026-01;1,234\nc2;2026-02;5,50\n", "revenue",
                      answers={"currency:mrr": "EUR"})
    assert [float(x) for x in p.rows.mrr] == [1.23, 5.5] and "thousands_comma:mrr" not in p.answers


def test_ids_written_as_excel_text_formulas_are_the_ids_inside():
    """A CSV made to open in Excel with its leading zeros kept writes an id as ="00123": stored as written, the id
    matched no customer of the other files (00123 in the customers file), and nothing was said."""
    data = b'customer_id,month,mrr\n="00123",2026-01,5\n="00124",2026-02,6\n00124,2026-03,6\n'
    p = prepare_bytes(data, kind="revenue", answers={"recurring:mrr": "monthly"})
    assert by_month(p) == {("00123", "2026-01"): 5.0, ("00124", "2026-02"): 6.0, ("00124", "2026-03"): 6.0}
    assert any(w.startswith("2 customer ids in 'customer_id' are written as Excel text formulas") for w in p.warnings)
    nps = prepare_bytes(b'customer_id,date,score\n="007",2026-10-01,9\n', kind="nps")
    assert list(nps.rows.customer_id) == ["007"]


def test_ids_excel_wrote_in_scientific_notation_are_refused():
    """Excel saves a 12-digit id as '1.23457E+11': 123456789012 and 123457000001 both become it, and the two
    customers (100 and 200 in January) were stored as one at 300, unsaid. The digits are lost: refused, naming the
    column and rows, asking for the ids as text. An id merely holding an 'E' is left alone."""
    data = (b"customer_id,month,mrr\n1.23457E+11,2026-01,100\n1.23457E+11,2026-01,200\n4.5E+11,2026-01,50\n"
            b"1.23457E+11,2026-02,100\n4.5E+11,2026-02,50\n")
    with pytest.raises(InvalidValuesError) as refused:
        prepare_bytes(data, kind="revenue")
    err = refused.value
    assert err.column == "customer_id" and err.count == 5 and [c.row for c in err.cells] == [2, 3, 4, 5, 6]
    assert "scientific notation" in str(err) and "as text" in str(err)
    p = prepare_bytes(b"customer_id,month,mrr\n1E5X,2026-01,100\nE7,2026-01,5\n", kind="revenue")
    assert sorted(p.rows.customer_id) == ["1E5X", "E7"]
