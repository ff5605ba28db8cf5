"""Reading real exports: containers (gzip, workbooks), encodings, header rows, fixed-width text, awkward headers.

Every case asserts the values stored (or the refusal) and the question asked; fixtures are written here."""

import datetime as dt
import gzip
import io
import re
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conftest import prepare_bytes  # noqa: E402

from metrics import ingest  # noqa: E402
from metrics.errors import (  # noqa: E402
    DuplicateRowsError,
    EmptyFileError,
    FileTooLargeError,
    InvalidOptionError,
    InvalidValuesError,
    MissingColumnError,
    NeedsAnswerError,
    TooManyColumnsError,
    UnreadableFileError,
)
from metrics.ingest import read  # noqa: E402
from metrics.ingest.questions import Questions  # noqa: E402

REAL = Path(__file__).resolve().parents[3] / "shared" / "real_exports"
real = pytest.mark.skipif(not REAL.exists(), reason="../shared/real_exports not present")

FRENCH = ("customer_id,date,score,comment\nc1,2026-01-05,9,Très bien\nc2,2026-01-06,7,Café trop cher\n"
          "c3,2026-01-07,3,Déçu\n")


def raw_rows(data: bytes, name: str = "upload.csv", answers=None) -> tuple[ingest.Inspection, list[tuple]]:
    """The read stage alone: the Inspection and the VARCHAR table `raw` as stored before any mapping."""
    con = duckdb.connect()
    try:
        seen = read.load(con, data, name, Questions(answers))
        return seen, con.execute("SELECT * FROM raw ORDER BY _row").fetchall()
    finally:
        con.close()


def asked(p) -> dict:
    return {q.key: q for q in p.questions}


# ---- encodings ------------------------------------------------------------------------------------
def test_cp850_comments_read_as_cp850_and_the_question_shows_both_readings():
    p = prepare_bytes(FRENCH.encode("cp850"), kind="nps")
    assert p.rows.comment.tolist() == ["Très bien", "Café trop cher", "Déçu"]
    q = asked(p)["encoding"]
    assert q.proposal == "cp850" and not q.must_confirm and "cp1252" in q.choices
    # the evidence: cp850 bytes read as Windows-1252 put "‚" between letters and a capital Š inside a word
    assert "line 2: c1,2026-01-05,9,Très bien" in q.detail and "Tr\u0160s bien" in q.detail and "Caf\u201a" in q.detail
    assert p.inspection.encoding == "CP850"
    assert any("not UTF-8; it was read as CP850" in w for w in p.warnings)


def test_the_analysts_encoding_answer_wins():
    p = prepare_bytes(FRENCH.encode("cp850"), kind="nps", answers={"encoding": "cp1252"})
    assert p.rows.comment.tolist() == ["Tr\u0160s bien", "Caf\u201a trop cher", "D\u201a\u2021u"]
    assert p.answers["encoding"] == "cp1252" and any("as you chose" in w for w in p.warnings)


@pytest.mark.parametrize("codec, proposal", [("cp1252", "cp1252"), ("latin-1", "cp1252"), ("mac_roman", "mac_roman")])
def test_single_byte_code_pages(codec, proposal):
    # Latin-1 and Windows-1252 read these bytes identically (no byte 0x80–0x9F), so either is right.
    p = prepare_bytes(FRENCH.encode(codec), kind="nps")
    assert p.rows.comment.tolist() == ["Très bien", "Café trop cher", "Déçu"]
    assert asked(p)["encoding"].proposal == proposal


def test_utf8_with_one_stray_cp1252_row_stays_utf8_and_names_the_row():
    data = ("customer_id,start_date,name\nc1,2026-01-05,Zoë Müller\nc2,2026-01-06,Jürgen Maß\n"
            "c3,2026-01-06,Ana Núñez\n").encode() + "c4,2026-01-07,Café Zoë\n".encode("cp1252")
    p = prepare_bytes(data, kind="customers")
    assert p.rows.name.tolist() == ["Zoë Müller", "Jürgen Maß", "Ana Núñez", "Caf\ufffd Zo\ufffd"]
    q = asked(p)["encoding"]
    assert q.proposal == "utf-8" and not q.must_confirm
    assert any("2 byte(s) are not valid UTF-8 (row 5)" in w for w in p.warnings), p.warnings
    fixed = prepare_bytes(data, kind="customers", answers={"encoding": "utf-8+cp1252"})
    assert fixed.rows.name.tolist() == ["Zoë Müller", "Jürgen Maß", "Ana Núñez", "Café Zoë"]
    assert any("(line 5); they were read as Windows-1252" in w for w in fixed.warnings), fixed.warnings


def test_close_readings_must_be_confirmed():
    # "20°C" is the only non-ASCII text: ° (Windows-1252), ░ (CP850) and ∞ (Mac Roman) are equally plausible.
    data = "customer_id,date,score,comment\nc1,2026-01-05,9,Kept at 20\xb0C\n".encode("cp1252")
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, kind="nps")
    assert [q.key for q in err.value.questions] == ["encoding"] and err.value.questions[0].must_confirm
    p = prepare_bytes(data, kind="nps", answers={"encoding": "cp1252"})
    assert p.rows.comment.tolist() == ["Kept at 20°C"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_byte_order_mark(codec):
    p = prepare_bytes(FRENCH.replace(",", "\t").encode(codec), kind="nps")
    assert p.rows.comment.tolist() == ["Très bien", "Café trop cher", "Déçu"] and p.rows.score.tolist() == [9, 7, 3]
    assert p.inspection.encoding == f"UTF-16 {codec[-2:].upper()} (no byte-order mark)"
    assert p.inspection.delimiter == "\t" and "encoding" not in asked(p)


def test_binary_is_still_refused():
    with pytest.raises(UnreadableFileError, match="binary data"):
        prepare_bytes(bytes(range(256)) * 20)


# ---- containers -----------------------------------------------------------------------------------
def test_gzip_csv_reads_like_the_csv_and_is_detected_by_content():
    csv = b"customer_id,month,mrr\nc1,2026-01,5\nc2,2026-02,7.5\n"
    for name in ("revenue.csv.gz", "revenue.csv"):  # the bytes decide, not the name
        p = prepare_bytes(gzip.compress(csv), kind="revenue", name=name)
        assert [(r.customer_id, r.month.strftime("%Y-%m"), float(r.mrr)) for r in p.rows.itertuples()] == [
            ("c1", "2026-01", 5.0), ("c2", "2026-02", 7.5)]
        assert p.inspection.container == "gzip"
    assert [r[0] for r in raw_rows(gzip.compress(csv))[1]] == [2, 3]


def test_gzip_bomb_and_damaged_archives_are_refused(monkeypatch):
    monkeypatch.setattr(read, "MAX_UPLOAD_BYTES", 2**20)
    bomb = gzip.compress(b"customer_id,month,mrr\n" + b"c1,2026-01,5\n" * 100_000)  # 1.3 MB unpacked
    assert len(bomb) < 2**20
    with pytest.raises(FileTooLargeError, match="unpacks to more than 1 MB"):
        prepare_bytes(bomb)
    with pytest.raises(UnreadableFileError, match="cut short"):
        prepare_bytes(gzip.compress(b"customer_id,month,mrr\nc1,2026-01,5\n")[:-12])


@real
def test_gzip_of_a_real_export_stores_the_same_table():
    data = (REAL / "telco_churn_ibm.csv").read_bytes()
    plain, packed = raw_rows(data), raw_rows(gzip.compress(data), "telco.csv.gz")
    assert packed[1] == plain[1] and len(packed[1]) == 7043 and packed[0].columns == plain[0].columns


def _workbook(sheets: dict[str, list[list]], start: str | None = None) -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    col = ws[start].column if start else 1
                    ws.cell(row=(ws[start].row if start else 1) + r, column=col + c, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


REVENUE_SHEET = [["customer_id", "month", "mrr"], ["c1", dt.date(2026, 1, 1), 12],
                 ["c1", dt.datetime(2026, 2, 1), 12.5], ["c2", dt.datetime(2026, 2, 1, 9, 30), 0.1 + 0.2]]


def test_hidden_rows_of_the_sheet_read_are_asked_about():
    """An analyst filters a sheet to March and uploads it: Excel hides the other rows, calamine reads them all. Which
    rows to read is asked, must confirm (session 24: read unasked, they counted in every figure, said in a warning
    only), on the sheet read only; either answer is said."""
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Notes & more"  # a sheet name with an XML entity
    notes.append(["note"])
    notes.append(["x"])
    notes.row_dimensions[2].hidden = True  # hidden, but not on the sheet read
    ws = wb.create_sheet("Revenue")
    for row in REVENUE_SHEET:
        ws.append(row)
    ws.row_dimensions[2].hidden = True
    ws.row_dimensions[4].hidden = True
    ws.row_dimensions[9].hidden = True  # an empty hidden row: nothing to read, nothing said
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, name="filtered.xlsx", answers={"sheet": "Revenue"})
    assert [(q.key, q.proposal, q.must_confirm) for q in err.value.questions] == [("hidden_rows", "visible", True)]
    p = prepare_bytes(data, name="filtered.xlsx", answers={"sheet": "Revenue", "hidden_rows": "all"})
    assert len(p.rows) == 3  # every row read
    assert ("2 rows of sheet 'Revenue' are hidden in the workbook (hidden by hand or filtered out) and read like "
            "every other row, as answered.") in p.warnings
    p = prepare_bytes(data, name="filtered.xlsx", answers={"sheet": "Revenue", "hidden_rows": "visible"})
    assert p.rows.customer_id.tolist() == ["c1"] and float(p.rows.mrr[0]) == 12.5  # sheet row 3, the one shown
    assert ("2 hidden rows of sheet 'Revenue' (sheet rows 2, 4) left out, as answered: only the rows the sheet shows "
            "are read.") in p.warnings
    p = prepare_bytes(_workbook({"Revenue": REVENUE_SHEET}), name="plain.xlsx")
    assert not any("hidden" in w for w in p.warnings)


def test_formulas_never_calculated_are_refused_not_read_as_empty():
    """A workbook written by a script (openpyxl, as many exporters) stores '=B2*12' with no calculated value: read,
    the MRR cells were empty ("the column is empty"), while the analyst sees numbers in Excel. Refused, naming how
    many cells and what to do; a formula Excel calculated (it stores the value beside it) is read as its value."""
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Revenue"
    ws.append(["customer_id", "month", "annual", "mrr"])
    for r, (c, month, annual) in enumerate([("c1", dt.date(2026, 1, 1), 1200), ("c2", dt.date(2026, 1, 1), 600)], 2):
        ws.append([c, month, annual, f"=C{r}/12"])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(UnreadableFileError) as err:
        prepare_bytes(out.getvalue(), name="scripted.xlsx")
    assert str(err.value).startswith("2 cells of sheet 'Revenue' hold formulas that the program which saved the "
                                     "workbook never calculated")
    # the same cells as Excel saves them: the formula and its value
    calculated = re.sub(rb"<f>C(\d)/12</f><v ?/>", lambda m: b"<f>C%s/12</f><v>%d</v>" % (
        m.group(1), 100 if m.group(1) == b"2" else 50), _sheet_xml(out.getvalue()))
    p = prepare_bytes(_with_sheet_xml(out.getvalue(), calculated), name="calculated.xlsx")
    assert [float(x) for x in p.rows.mrr] == [100.0, 50.0]


def _sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("xl/worksheets/sheet1.xml")


def _with_sheet_xml(data: bytes, xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, xml if item.filename == "xl/worksheets/sheet1.xml" else src.read(item.filename))
    return out.getvalue()


def test_workbook_sheet_is_asked_and_cells_become_csv_text():
    data = _workbook({"Summary": [["Total", 3]], "Revenue": REVENUE_SHEET, "Empty": []})
    seen, rows = raw_rows(data, "export.xlsx")
    # numbers as Excel shows them (12 not 12.0, 0.1+0.2 as 0.3), dates as ISO text, row numbers of the sheet
    assert rows == [(2, "c1", "2026-01-01", "12"), (3, "c1", "2026-02-01", "12.5"),
                    (4, "c2", "2026-02-01 09:30:00", "0.3")]
    q = {q.key: q for q in seen.questions}["sheet"]
    assert q.choices == ("Summary", "Revenue", "Empty") and q.proposal == "Revenue"  # one-line Summary: no table
    assert "Summary (1 row × 2 columns); Revenue (4 rows × 3 columns); Empty (0 rows × 0 columns)" in q.detail
    assert seen.container == "workbook" and seen.sheet == "Revenue" and seen.kind == "revenue"
    p = prepare_bytes(data, name="export.xlsx")
    assert [(r.customer_id, r.month.strftime("%Y-%m"), float(r.mrr)) for r in p.rows.itertuples()] == [
        ("c1", "2026-01", 12.0), ("c1", "2026-02", 12.5), ("c2", "2026-02", 0.3)]
    with pytest.raises(InvalidOptionError, match="'Nope' is not an answer"):
        prepare_bytes(data, name="export.xlsx", answers={"sheet": "Nope"})
    two = _workbook({"A": REVENUE_SHEET, "B": [["customer_id", "month", "mrr"], ["z9", "2026-03", 4]]})
    other = prepare_bytes(two, name="export.xlsx", answers={"sheet": "B"})
    assert other.rows.customer_id.tolist() == ["z9"] and float(other.rows.mrr.sum()) == 4.0
    # two sheets with tables (a summary before the invoices read as the data made MRR 3x): the sheet must be said
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(two, name="export.xlsx")
    q = next(q for q in err.value.questions if q.key == "sheet")
    assert q.must_confirm and q.proposal == "A" and "2 visible sheets hold tables" in q.detail


def test_workbook_detected_by_content_and_row_numbers_follow_the_sheet():
    data = _workbook({"Data": REVENUE_SHEET}, start="C3")
    seen, rows = raw_rows(data, "revenue.csv")  # misnamed: the bytes say workbook
    assert [r[0] for r in rows] == [4, 5, 6] and rows[0][1:] == ("c1", "2026-01-01", "12")
    assert "sheet" not in {q.key for q in seen.questions}  # one sheet: nothing to ask
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(_workbook({"Data": [*REVENUE_SHEET, ["c3", "someday", 5]]}, start="C3"), kind="revenue")
    assert "row 7" in str(err.value)  # the bad month is on sheet row 7


def test_text_named_xlsx_is_read_as_text_and_said_so():
    p = prepare_bytes(b"customer_id,month,mrr\nc1,2026-01,5\n", name="revenue.xlsx")
    assert float(p.rows.mrr.sum()) == 5.0 and any("holds text, not a workbook" in w for w in p.warnings)
    p = prepare_bytes(b"customer_id,month,mrr\nc1,2026-01,5\n", name="revenue.csv.gz")
    assert float(p.rows.mrr.sum()) == 5.0 and any("is not gzip-compressed" in w for w in p.warnings)


def test_zip_that_is_no_workbook_is_refused():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("data.csv", "customer_id,month,mrr\nc1,2026-01,5\n")
    with pytest.raises(UnreadableFileError, match="zip archive"):
        prepare_bytes(out.getvalue())


# ---- header row, layout ---------------------------------------------------------------------------
PURCHASES = b"c1,2026-01-05,49.90\nc2,2026-01-06,10\nc1,2026-02-07,12\n"


def test_first_row_that_looks_like_data_must_be_confirmed():
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(PURCHASES, kind="revenue")
    q = err.value.questions[0]
    assert q.key == "header_row" and q.proposal == "data" and q.must_confirm
    assert "'c1' (id), '2026-01-05' (date), '49.90' (number)" in q.detail
    p = prepare_bytes(PURCHASES, kind="revenue", answers={"header_row": "data", "recurring:column3": "monthly"},
                      mapping={"customer_id": "column1", "month": "column2", "amount": "column3"})
    assert p.inspection.columns == ["column1", "column2", "column3"] and p.inspection.header_rows == 0
    # the first purchase is stored, with its file row number 1
    assert p.rows.sort_values(["customer_id", "month"]).mrr.astype(float).tolist() == [49.9, 12.0, 10.0]
    seen = ingest.inspect(PURCHASES, "log.csv", {"header_row": "header"})
    assert seen.columns == ["c1", "2026-01-05", "49.90"]


def test_a_real_header_asks_nothing():
    p = prepare_bytes(b"customer_id,month,mrr\nc1,2026-01,5\n", kind="revenue")
    assert "header_row" not in asked(p)
    seen = ingest.inspect(b"customer,2025,2026\nc1,100,120\n")  # year columns: partly value-like, header proposed
    q = {q.key: q for q in seen.questions}["header_row"]
    assert q.proposal == "header" and not q.must_confirm and seen.columns == ["customer", "2025", "2026"]


def test_fixed_width_text_is_split_on_its_columns_of_spaces():
    data = (b"customer_id  date           score  comment\n"
            b"c1           2026-01-05         9  Tres bien\n"
            b"c22          2026-01-06        10  ok, merci\n")
    p = prepare_bytes(data, kind="nps")
    assert p.rows.customer_id.tolist() == ["c1", "c22"] and p.rows.score.tolist() == [9, 10]
    assert p.rows.comment.tolist() == ["Tres bien", "ok, merci"]
    assert any("whitespace-aligned" in w for w in p.warnings)


def test_misaligned_whitespace_text_is_refused_with_the_line():
    data = (b"customer_id  date         score\nc1           2026-01-05       9\n"
            b"c2 was typed by hand 2026-01-06 7\n")
    with pytest.raises(UnreadableFileError) as err:
        prepare_bytes(data, kind="nps")
    assert "line 3 breaks the alignment" in str(err.value) and "by hand" not in str(err.value)


def test_title_lines_above_the_table_are_skipped_visibly():
    p = prepare_bytes(b"NPS export\nGenerated 2026-02-01\ncustomer_id,date,score\nc1,2026-01-05,9\nc2,2026-01-06,3\n",
                      kind="nps")
    assert p.rows.score.tolist() == [9, 3] and p.rows.row_number.tolist() == [4, 5]
    assert any("first 2 line(s) of the file ('NPS export'; 'Generated 2026-02-01')" in w for w in p.warnings)


def test_tab_led_cells_and_hash_lines_are_data():
    data = b"customer_id,date,score,comment\nc1,2026-01-05,9,\tTAB led\n#c2,2026-01-06,3,x\nc3,2026-01-07,7,\"\ty\"\r\n"
    seen, rows = raw_rows(data)
    # every row is data; the cells are stripped of their leading tab as they are loaded (read_table)
    assert rows == [(2, "c1", "2026-01-05", "9", "TAB led"), (3, "#c2", "2026-01-06", "3", "x"),
                    (4, "c3", "2026-01-07", "7", "y")]


# ---- headers --------------------------------------------------------------------------------------
def test_headers_differing_only_in_case_are_kept_apart():
    data = b"customer_id,date,Score,score\nc1,2026-01-05,1,9\nc2,2026-01-06,2,10\n"
    p = prepare_bytes(data, kind="nps", mapping={"score": "score (2)"})
    assert p.rows.score.tolist() == [9, 10]
    assert p.inspection.columns == ["customer_id", "date", "Score", "score (2)"]
    assert any("'score' and 'Score' differ only in upper/lower case" in w for w in p.warnings)
    with pytest.raises(MissingColumnError, match="column 'score'"):  # never Score's values under score's name
        prepare_bytes(data, kind="nps", mapping={"score": "score"})


def test_duplicate_header_is_renamed_visibly():
    p = prepare_bytes(b"customer_id,month,mrr,mrr\nc1,2026-01,5,7\n", kind="revenue", mapping={"amount": "mrr (2)"})
    assert p.inspection.columns[-1] == "mrr (2)" and float(p.rows.mrr.sum()) == 7.0
    assert any("'mrr (2)': the header has the column name 'mrr' more than once" in w for w in p.warnings)


def test_a_column_named_row_is_renamed_not_a_crash():
    p = prepare_bytes(b"_row,customer_id,month,mrr\n17,c1,2026-01,5\n", kind="revenue")
    assert p.inspection.columns[0] == "_row (2)" and float(p.rows.mrr.sum()) == 5.0
    assert raw_rows(b"_row,customer_id,month,mrr\n17,c1,2026-01,5\n")[1] == [(2, "17", "c1", "2026-01", "5")]
    assert any("'_row' is a name the app uses for row numbers" in w for w in p.warnings)


def test_ten_thousand_columns_refused_quickly():
    data = (",".join(f"q{i}" for i in range(10_000)) + "\n" + "1," * 9_999 + "1\n").encode()
    start = time.perf_counter()
    with pytest.raises(TooManyColumnsError, match="10,000 columns"):
        prepare_bytes(data)
    assert time.perf_counter() - start < 10


def test_size_limit_states_the_real_size(monkeypatch):
    monkeypatch.setattr(read, "MAX_UPLOAD_BYTES", 200 * 2**20)
    with pytest.raises(FileTooLargeError) as err:
        read._check_size(b"x" * (200 * 2**20 + 400 * 1024))
    assert "The file is 200.4 MB (210,124,800 bytes); the limit is 200 MB" in str(err.value)
    with pytest.raises(FileTooLargeError, match=r"The file is 200\.000001 MB"):
        read._check_size(b"x" * (200 * 2**20 + 1))


def test_title_rows_of_a_spreadsheet_are_skipped_visibly():
    csv = b"Quarterly revenue report,,\n,,\ncustomer_id,month,mrr\nc1,2026-01,5\n"
    seen, rows = raw_rows(csv)
    assert seen.columns == ["customer_id", "month", "mrr"] and rows == [(4, "c1", "2026-01", "5")]
    assert any("first 2 row(s) ('Quarterly revenue report') are above the table" in w for w in seen.warnings)
    book = _workbook({"R": [["Quarterly revenue", None, None], [None, None, None], *REVENUE_SHEET]})
    seen, rows = raw_rows(book, "r.xlsx")
    assert seen.columns == ["customer_id", "month", "mrr"] and [r[0] for r in rows] == [4, 5, 6]
    assert rows[0] == (4, "c1", "2026-01-01", "12")


def test_blank_lines_keep_row_numbers_as_in_the_file():
    data = b'\ncustomer_id,month,mrr,note\nc1,2026-01,5,\n\nc2,2026-02,6,"multi\nline"\n\n\nc3,2026-03,x,\n'
    assert [r[0] for r in raw_rows(data)[1]] == [3, 5, 8]  # a quoted cell over two lines is one row
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, kind="revenue")
    assert [c.row for c in err.value.cells] == [8]


def test_bom_utf8_with_a_stray_byte_is_named_not_silently_replaced():
    data = "\ufeffcustomer_id,start_date,name\nc1,2026-01-05,Zoë\nc2,2026-01-06,Jürgen\n".encode() \
        + b"c3,2026-01-07,Caf\xe9\n"
    p = prepare_bytes(data, kind="customers")
    assert p.rows.name.tolist() == ["Zoë", "Jürgen", "Caf\ufffd"] and asked(p)["encoding"].proposal == "utf-8"
    assert any("1 byte(s) are not valid UTF-8 (row 4)" in w for w in p.warnings), p.warnings
    # as many stray bytes as good characters: a file glued from two encodings, so the analyst must say
    with pytest.raises(NeedsAnswerError, match="character encoding"):
        prepare_bytes(b"customer_id,start_date,name\nc1,2026-01-05,Zo\xc3\xab\nc2,2026-01-06,Caf\xe9\n",
                      kind="customers")


def test_long_numeric_ids_in_a_workbook_are_flagged():
    book = _workbook({"C": [["customer_id", "start_date"], [12345678901234567, dt.date(2026, 1, 5)]]})
    seen, rows = raw_rows(book, "c.xlsx")
    assert rows == [(2, "12345678901234600", "2026-01-05")]  # what Excel itself shows: 15 significant digits
    assert any("'customer_id' holds numbers of 16 or more digits" in w and "sheet row 2" in w for w in seen.warnings)


def test_excel_sep_line_names_the_delimiter():
    seen, rows = raw_rows(b"sep=;\ncustomer_id;month;mrr\nc1;2026-01;5,5\n")
    assert seen.delimiter == ";" and seen.columns == ["customer_id", "month", "mrr"]
    assert rows == [(3, "c1", "2026-01", "5,5")]


def test_one_column_file_keeps_commas_inside_its_values():
    seen, rows = raw_rows(b"score\n9\n7\nnine, maybe\n")
    assert seen.columns == ["score"] and seen.delimiter == ""
    assert rows == [(2, "9"), (3, "7"), (4, "nine, maybe")]


LANGUAGES = {"de": "id,comment\n1,Sehr gut, die Lösung für Müller ist groß und schön\n2,Übel: äußerst teuer\n",
             "es": "id,comment\n1,Señora Núñez está contenta; ¿por qué?\n2,Año increíble\n",
             "fr": "id,comment\n1,ÉTÉ À PARIS: où est la qualité? Ça va.\n2,Très déçu\n"}


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("codec", ["cp1252", "cp850", "mac_roman"])
def test_code_page_proposed_from_the_text(lang, codec):
    questions = Questions()
    decoded = read.decode_bytes(LANGUAGES[lang].encode(codec), questions)
    q = questions.asked[0]
    assert (q.key, q.proposal, q.must_confirm) == ("encoding", codec, False)
    assert decoded.text == LANGUAGES[lang]


def test_windows_1252_umlauts_are_not_read_as_mac_roman_letters():
    """Only 'Ä' and 'ß', in score labels: Mac Roman reads them 'ƒ' and 'ﬂ' ("ƒuflerst", two lower-case letters
    against one capital) and was proposed without a question; letters beyond European Latin now cost."""
    text = "id;score\n1;10 - Äußerst wahrscheinlich\n2;0 - Äußerst unwahrscheinlich\n"
    questions = Questions()
    decoded = read.decode_bytes(text.encode("cp1252"), questions)
    assert questions.asked[0].proposal == "cp1252" and decoded.text == text


def test_windows_1252_quotes_and_dashes_are_not_read_as_cp850_letters():
    """A German NPS export in Windows-1252 ("Sehr gut – „prima“", "für"): CP850 was proposed, its reading "Sehr gut
    û äprimaô", "f³r" scoring three lower-case letters against one. The dash between spaces and the quotes around a
    word read as text puts them: Windows-1252 is proposed, and the file's text is as written."""
    text = ("ID;Kunde;Datum;Wie wahrscheinlich ist es, dass Sie uns weiterempfehlen?;Kommentar\n"
            "1;K1;03.04.2025;10;Sehr gut – „prima“\n2;K2;13.04.2025;3;Zu teuer für uns\n3;K3;01.05.2025;8;Geht so\n")
    questions = Questions()
    decoded = read.decode_bytes(text.encode("cp1252"), questions)
    q = questions.asked[0]
    assert q.proposal == "cp1252" and decoded.text == text
    assert "Windows-1252: line 2: …03.04.2025;10;Sehr gut – „prima“" in q.detail  # the proposal first
    assert "CP850: line 2: …03.04.2025;10;Sehr gut û äprimaô" in q.detail  # the other reading still shown
    assert not q.must_confirm  # Windows-1252 5 (ü, the dash, both quotes), CP850 3 (ä ô û, less "³" in a word)
    # an apostrophe inside a word ("Geht’s") reads as one, not as punctuation between letters
    questions = Questions()
    text = text.replace("Geht so", "Geht’s so")
    assert read.decode_bytes(text.encode("cp1252"), questions).text == text
    assert questions.asked[0].proposal == "cp1252"


@pytest.mark.parametrize("value, text", [
    (None, None), ("", None), (" x", " x"), (12.0, "12"), (12.5, "12.5"), (0.1 + 0.2, "0.3"),
    (1e20, "100000000000000000000"), (-0.0, "0"), (1e-7, "0.0000001"), (-1234.5678, "-1234.5678"),
    (1.2345678901234568e16, "12345678901234600"), (3, "3"), (True, "TRUE"), (dt.date(2026, 1, 2), "2026-01-02"),
    (dt.datetime(2026, 1, 2), "2026-01-02"), (dt.datetime(2026, 1, 2, 3, 4, 5), "2026-01-02 03:04:05"),
    (dt.time(1, 2), "01:02:00"), (dt.timedelta(hours=26, minutes=3), "26:03:00"),
])
def test_workbook_cells_as_text(value, text):
    from metrics.ingest.containers import cell_text

    assert cell_text(value) == text


@pytest.mark.parametrize("data, row", [
    (b"customer_id,month,mrr\n'c1',2026-01,'5'\n'c2',2026-02,'6'\n", (2, "c1", "2026-01", "5")),  # single quotes
    (b'customer_id,month,mrr,note\nc1,2026-01,5,"say \\"hi\\", then go"\n', (2, "c1", "2026-01", "5",
                                                                             'say "hi", then go')),  # \" escapes
    (b'customer_id,month,mrr,note\nc1,2026-01,5,"say ""hi"", then go"\n', (2, "c1", "2026-01", "5",
                                                                           'say "hi", then go')),  # doubled
    (b"customer_id,month,mrr,note\nc1,2026-01,5,l'\xc3\xa9t\xc3\xa9\n", (2, "c1", "2026-01", "5", "l'été")),
    (b'customer_id,month,mrr,note\nc1,2026-01,5,"say \\"hi\\""\nc2,2026-01,5,""\n', (2, "c1", "2026-01", "5",
                                                                                'say "hi"')),
])
def test_quoting_styles(data, row):
    assert raw_rows(data)[1][0] == row


def test_hidden_sheet_is_not_proposed_and_gzipped_workbook_is_read():
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.title = "Lookup"
    for row in [["code", "label", "n"], ["a", "A", 1]]:
        wb.active.append(row)
    wb.active.sheet_state = "hidden"
    data = wb.create_sheet("Revenue")
    for row in REVENUE_SHEET:
        data.append(row)
    out = io.BytesIO()
    wb.save(out)
    seen, rows = raw_rows(gzip.compress(out.getvalue()), "revenue.xlsx.gz")
    q = {q.key: q for q in seen.questions}["sheet"]
    assert q.proposal == "Revenue" and q.labels["Lookup"] == "Lookup (2 rows × 3 columns, hidden)"
    assert seen.container == "workbook" and len(rows) == 3 and rows[0][1:] == ("c1", "2026-01-01", "12")


def test_too_wide_sheet_is_refused():
    with pytest.raises(TooManyColumnsError, match="The sheet 'Wide' has 1,001 columns"):
        raw_rows(_workbook({"Wide": [[f"q{i}" for i in range(1001)], list(range(1001))]}), "w.xlsx")


def test_fixed_width_with_commas_in_its_last_column_is_not_a_title_line():
    data = (b"customer_id  date        score  comment\n"
            b"c1           2026-01-05  9      good, fast\n"
            b"c2           2026-01-06  3      slow, dear\n")
    p = prepare_bytes(data, kind="nps")
    assert p.rows.comment.tolist() == ["good, fast", "slow, dear"] and p.rows.score.tolist() == [9, 3]


def test_fixed_width_with_single_spaces_between_aligned_columns():
    data = b"customer_id date       score\nc1          2026-01-05 9\nc2          2026-01-06 10\n"
    p = prepare_bytes(data, kind="nps")
    assert p.rows.customer_id.tolist() == ["c1", "c2"] and p.rows.score.tolist() == [9, 10]


def test_text_decoded_twice_before_export_is_named():
    twice = "Café Zoë".encode().decode("cp1252")  # 'CafÃ© ZoÃ«'
    data = f"customer_id,start_date,name\nc1,2026-01-05,Ana\nc2,2026-01-06,{twice}\n".encode()
    p = prepare_bytes(data, kind="customers")
    assert p.rows.name.tolist() == ["Ana", "CafÃ© ZoÃ«"]  # stored as the file has it, and said so
    assert any("decoded twice" in w and "'fÃ©'" in w and "row(s) 3." in w for w in p.warnings), p.warnings
    assert not any("decoded twice" in w for w in prepare_bytes(FRENCH.encode(), kind="nps").warnings)


def test_two_delimiters_that_both_fit_are_asked():
    data = b"Kunde;Betrag, EUR\nAcme;12,50\nBeta;7,25\n"
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, kind="revenue")
    q = err.value.questions[0]
    assert (q.key, q.proposal, q.must_confirm, q.choices) == ("delimiter", ";", True, (",", ";"))
    seen, rows = raw_rows(data, answers={"delimiter": ";"})
    assert seen.columns == ["Kunde", "Betrag, EUR"] and rows == [(2, "Acme", "12,50"), (3, "Beta", "7,25")]
    seen, rows = raw_rows(data, answers={"delimiter": ","})
    assert seen.columns == ["Kunde;Betrag", "EUR"] and rows[0] == (2, "Acme;12", "50")


@pytest.mark.parametrize("data, words", [
    # mtime=0: the bytes (and so the test ids) must not depend on the clock, or pytest-xdist workers disagree
    (gzip.compress(b"", mtime=0), "The file is empty"),
    (gzip.compress(gzip.compress(b"a,b\n1,2\n", mtime=0), mtime=0), "gzip-compressed twice"),
    (gzip.compress(b"a,b\n1,2\n", mtime=0) + b"junk", "trailing data that is not gzip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "an Office file (an old .xls, or a password-protected"),
    (b"PK\x03\x04" + b"\x01" * 300, "zip archive that is damaged or not a workbook"),
])
def test_broken_containers_are_refused_clearly(data, words):
    with pytest.raises((UnreadableFileError, EmptyFileError)) as err:
        prepare_bytes(data)
    assert words in str(err.value)


@pytest.mark.parametrize("data", [
    # Windows-1252, CRLF, semicolons, quoted cells with the delimiter, a decimal comma
    ("customer_id;name;start_date;mrr\r\nc1;\"Café; Zoë\";05/01/2026;12,50\r\nc2;Jürgen Maß;06/01/2026;7\r\n"
     "c3;\"Ana \"\"Núñez\"\"\";07/01/2026;3,25\r\n").encode("cp1252"),
    gzip.compress(FRENCH.encode()),                        # gzip of plain UTF-8
    gzip.compress(FRENCH.encode("cp850")),                 # gzip of CP850
    ("customer_id,comment\nc1,\"two\nlines é\"\nc2,\n").encode("latin-1"),  # a line break inside a cell
], ids=["cp1252-crlf-semicolons", "gzip-utf8", "gzip-cp850", "latin1-multiline-cell"])
def test_decoded_text_read_by_duckdb_is_what_the_careful_path_reads(data, monkeypatch):
    """Text that needed decoding (another encoding, gzip) is written as UTF-8 and read by DuckDB from disk when
    that copy is plain (a 5M-line Windows-1252 file: 48 s → 9 s); the rows, warnings and questions are the ones
    the careful path gives."""
    took = []
    transcoded = read._transcoded
    monkeypatch.setattr(read, "_transcoded", lambda *a, **k: took.append(transcoded(*a, **k)) or took[-1])
    fast_seen, fast_rows = raw_rows(data)
    assert took and took[0] is not None  # the decoded text went the fast way
    monkeypatch.setattr(read, "_transcoded", lambda *a, **k: None)
    slow_seen, slow_rows = raw_rows(data)
    assert fast_rows == slow_rows and len(fast_rows) >= 2
    assert (fast_seen.columns, fast_seen.encoding, fast_seen.container, fast_seen.warnings, fast_seen.sha256) == \
        (slow_seen.columns, slow_seen.encoding, slow_seen.container, slow_seen.warnings, slow_seen.sha256)
    assert [q.key for q in fast_seen.questions] == [q.key for q in slow_seen.questions]


def test_tabs_and_no_break_spaces_at_a_cells_ends_are_not_part_of_its_value():
    # A tab before an id keeps a spreadsheet from reading it as a number; DuckDB's trim() removes spaces only, so
    # '\tC1' was stored as a customer other than 'C1', and a score '\t9' was refused while an amount '\t100' passed.
    revenue = prepare_bytes(b"customer_id,month,mrr\n\tC1,2026-01,\t100\nC1,2026-02,100\nC2\xc2\xa0,2026-01,200\n",
                            "revenue")
    assert revenue.rows.customer_id.tolist() == ["C1", "C1", "C2"] and revenue.rows.mrr.tolist() == [100, 100, 200]
    assert revenue.summary.startswith("3 rows, 2 customers")
    nps = prepare_bytes(b"response_id,customer_id,responded_at,score,channel\n\tR1,\tC1,2026-01-05,\t9,\tEmail\n"
                        b"R2,C2,\t2026-01-06\t,10\t,Web\n", "nps")
    assert nps.rows.response_id.tolist() == ["R1", "R2"] and nps.rows.customer_id.tolist() == ["C1", "C2"]
    assert nps.rows.score.tolist() == [9, 10] and nps.rows.channel.tolist() == ["Email", "Web"]
    assert [str(d)[:10] for d in nps.rows.response_date] == ["2026-01-05", "2026-01-06"]
    # one customer listed twice, once behind a tab: the same row twice (cells are read without their tabs), not two
    # customers
    with pytest.raises(DuplicateRowsError, match=r"1 duplicate rows \(identical in every column to an earlier row\); "
                                                 "first at rows 3"):
        prepare_bytes(b"customer_id,signup_date\n\tC1,2026-01-03\nC1,2026-01-03\nC2,2026-01-04\n", "customers")


@pytest.mark.parametrize("width", [80, 400])
def test_a_wide_export_reads_every_column_stripped_in_bounded_work(width):
    # A Shopify orders export has 80 columns: the load's per-column strip expression made DuckDB's optimizer run out
    # of its 488 MB for 6 rows ("could not be read as CSV: Out of Memory Error"), and 1,000 columns took 7 s to plan.
    header = ["customer_id", "month", "mrr", *(f"extra {i}" for i in range(width - 3))]
    rows = [[f"\tc{r}", "2026-01", f" {r + 1}.50 ", *(f" x{i}\t" for i in range(width - 3))] for r in range(6)]
    data = "\n".join(",".join(r) for r in [header, *rows]).encode() + b"\n"
    started = time.process_time()
    p = prepare_bytes(data, kind="revenue")
    # a bound on hanging, not a benchmark (bench/ measures): the process's CPU seconds (DuckDB's threads included),
    # which other work on the machine does not stretch as it stretches wall time (9 s wall for 2.9 s CPU under load)
    assert time.process_time() - started < 10
    # the tab and spaces around each cell are gone: c0 … c5 pay 1.50 … 6.50, 24.00 in all
    assert sorted(p.rows.customer_id) == [f"c{r}" for r in range(6)]
    assert float(p.rows.mrr.sum()) == 24.0


def test_a_salesforce_report_footer_below_the_table_is_skipped_and_said():
    # Salesforce's formatted report export ends with a footer under a blank line: refused before as "the record
    # ending on line 6 has 1 field where the header has 3"
    data = (b'"Account Name","Close Date","Amount"\n"Acme Ltd","2026-01-14","100.00"\n'
            b'"Beta GmbH","2026-01-20","50.00"\n"Acme Ltd","2026-02-14","100.00"\n""\n'
            b'"Grand Totals (3 records)"\n""\n"Generated By:  Sarah Chen  4/25/2026 9:14 AM"\n"Acme Analytics Inc."\n'
            b'""\n"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\n')
    p = prepare_bytes(data, kind="revenue", mapping={"customer_id": "Account Name", "month": "Close Date"},
                      answers={"recurring:Amount": "monthly"})
    assert sorted(zip(p.rows.customer_id, p.rows.mrr.astype(float), strict=True)) == [
        ("Acme Ltd", 100.0), ("Acme Ltd", 100.0), ("Beta GmbH", 50.0)]
    assert any("below the table ('Grand Totals (3 records)'; 'Generated By:  Sarah Chen  4/25/2026 9:14 AM' …), "
               "are a report's footer" in w for w in p.warnings)
    # a short row inside the table is still an error, named by line
    with pytest.raises(UnreadableFileError, match="line 3"):
        prepare_bytes(data.replace(b'"Beta GmbH","2026-01-20","50.00"', b'"Beta GmbH"'), kind="revenue")
