"""Workbook cells whose value differs from what the analyst sees, and workbook layouts, found in session 24 (some 40
.xlsx and .ods files across the five kinds, built with openpyxl or written by hand, run through prepare()). Each
pins the exact answer the upload gets now and the figures stored, worked by hand from the sheet as Excel shows it.
What test_s23_hostile.py (error cells, merged cells) and test_read.py (sheets, uncalculated formulas) cover is not
repeated."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from conftest import TODAY, by_month, prepare_bytes, stored_state
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.worksheet.table import Table

from metrics import ingest
from metrics.errors import InvalidOptionError, InvalidValuesError, MissingColumnError, NeedsAnswerError
from metrics.store import Workspace

D = dt.date
REVENUE_HEAD = ["customer_id", "month", "mrr"]


def _book(rows: list[list], formats: dict[str, str] | None = None, setup=None, epoch=None) -> bytes:
    """A one-sheet workbook ('Data') holding `rows` from A1, cells `formats` ({'C2:C3': '0%'}) number-formatted."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    if epoch:
        wb.epoch = epoch
    for row in rows:
        ws.append(row)
    for ref, code in (formats or {}).items():
        for line in ws[ref] if ":" in ref else [[ws[ref]]]:
            for cell in line:
                cell.number_format = code
    if setup:
        setup(wb, ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _ods(rows: list[list]) -> bytes:
    """An OpenDocument spreadsheet (sheet 'Data') as LibreOffice writes its cells: a str is a text cell, a tuple
    (value-type, value, shown text, extra attributes) a typed one."""
    def cell(c) -> str:
        if isinstance(c, str):
            return f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>'
        kind, value, shown, extra = c
        attr = "office:date-value" if kind == "date" else "office:value"
        return (f'<table:table-cell office:value-type="{kind}" {attr}="{value}" {extra}><text:p>{shown}</text:p>'
                "</table:table-cell>")
    body = "".join("<table:table-row>" + "".join(cell(c) for c in r) + "</table:table-row>" for r in rows)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               f'<office:spreadsheet><table:table table:name="Data">{body}</table:table></office:spreadsheet>'
               "</office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return out.getvalue()


# ---- percentages ------------------------------------------------------------------------------------------------
def test_an_mrr_formatted_as_a_percentage_is_refused_not_stored_as_a_fraction():
    """c1's MRR cell holds 0.5 formatted 0%: Excel shows 50%. It was stored as an MRR of 0.50 (120.50 in all where
    the sheet shows '50%' and 120), unsaid. Read as the sheet shows it, it is no amount: refused by row."""
    data = _book([REVENUE_HEAD, ["c1", D(2026, 1, 1), 0.5], ["c2", D(2026, 1, 1), 120]], {"C2": "0%"})
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "revenue", name="revenue.xlsx")
    assert str(err.value) == "Column 'mrr': 1 value(s) are not numbers — row 2: '50%'."
    # skipped, the row is left out and counted; c2's 120 is stored as written
    p = prepare_bytes(data, "revenue", name="revenue.xlsx", skip_invalid=True)
    assert by_month(p) == {("c2", "2026-01"): 120.0} and p.report.rejected_rows == 1
    # two decimals of a percentage (0.00%): 0.125 shows 12.50%, read 12.5%
    data = _book([REVENUE_HEAD, ["c1", D(2026, 1, 1), 0.125]], {"C2": "0.00%"})
    with pytest.raises(InvalidValuesError, match=r"row 2: '12\.5%'"):
        prepare_bytes(data, "revenue", name="revenue.xlsx")


@pytest.mark.parametrize("kind, scores, shown", [
    ("nps", [0.9, 0.3], "row 2: '90%'; row 3: '30%'"),
    # CSAT 80% and 100%: asked before as a three-point scale "from 1 to 1: 1 (1), 0.8 (1)"
    ("csat", [0.8, 1], "row 2: '80%'; row 3: '100%'"),
])
def test_scores_formatted_as_percentages_are_refused_as_the_sheet_shows_them(kind, scores, shown):
    data = _book([["response_id", "customer_id", "date", "score"], ["r1", "c1", D(2026, 1, 5), scores[0]],
                  ["r2", "c2", D(2026, 1, 6), scores[1]]], {"D2:D3": "0%"})
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, kind, name=f"{kind}.xlsx")
    assert str(err.value) == f"Column 'score': 2 value(s) are not whole-number scores — {shown}."


def test_a_reply_time_formatted_as_a_percentage_is_refused():
    data = _book([["ticket_id", "customer_id", "created_at", "status", "first_response_minutes"],
                  ["t1", "c1", dt.datetime(2026, 1, 5, 9), "open", 0.5]], {"E2": "0%"})
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "tickets", name="tickets.xlsx")
    assert str(err.value) == "Column 'first_response_minutes': 1 value(s) are not numbers (durations) — row 2: '50%'."


def test_a_percentage_format_on_a_text_cell_changes_nothing():
    """The format shows a number cell only: '100' typed as text is shown 100, read 100."""
    data = _book([REVENUE_HEAD, ["c1", D(2026, 1, 1), "100"], ["c2", D(2026, 1, 1), 5.5]], {"C2": "0%"})
    assert by_month(prepare_bytes(data, "revenue", name="revenue.xlsx")) == {("c1", "2026-01"): 100.0,
                                                                             ("c2", "2026-01"): 5.5}


# ---- currency formats ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("code, currency", [
    ('"€"#,##0.00', "EUR"),
    ("#,##0.00 [$€-407]", "EUR"),                                 # German Excel's euro format
    ("[$£-809]#,##0.00", "GBP"),
    ("[$CHF] #,##0.00", "CHF"),
    ('_("$"* #,##0.00_);_("$"* \\(#,##0.00\\);_("$"* "-"??_);_(@_)', "USD"),  # Accounting
])
def test_a_currency_format_names_the_currency(code, currency):
    """Amounts formatted €100.00: the currency was proposed as USD without a question (nothing in the bare values
    named one), and every page showed $. The format's sign is read as a CSV export of the sheet writes it."""
    data = _book([REVENUE_HEAD, ["c1", D(2026, 1, 1), 100], ["c2", D(2026, 1, 1), 50.5]], {"C2:C3": code})
    p = prepare_bytes(data, "revenue", name="revenue.xlsx")
    assert p.answers["currency:mrr"] == currency
    assert by_month(p) == {("c1", "2026-01"): 100.0, ("c2", "2026-01"): 50.5}


def test_a_negative_amount_in_an_accounting_format_is_still_a_negative_amount():
    data = _book([REVENUE_HEAD, ["c1", D(2026, 1, 1), 100], ["c2", D(2026, 1, 1), -5]],
                 {"C2:C3": '_("$"* #,##0.00_);_("$"* \\(#,##0.00\\);_("$"* "-"??_);_(@_)'})
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "revenue", name="revenue.xlsx")
    assert str(err.value) == "Column 'mrr': 1 value(s) are negative (refunds and credits are not MRR) — row 3: '-$5'."


def test_a_euro_format_beside_a_currency_column_saying_usd_is_refused():
    """The sheet shows €100.00 and €50.00 in rows whose Currency says USD: stored as USD unasked. Which is right the
    file cannot say: refused, naming both. A CSV's '€100' beside 'USD' was stored as USD the same way."""
    data = _book([[*REVENUE_HEAD, "currency"], ["c1", D(2026, 1, 1), 100, "USD"], ["c2", D(2026, 1, 1), 50, "USD"]],
                 {"C2:C3": "#,##0.00 [$€-407]"})
    message = ("Column 'mrr': 2 value(s) carry the sign € while the file's currency column names USD: which currency "
               "the amounts are in the file cannot say. Make the two agree (the cells' currency format in a workbook, "
               "or the currency column) and upload again — row 2: '€100'; row 3: '€50'.")
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "revenue", name="revenue.xlsx")
    assert str(err.value) == message
    csv = "customer_id,month,mrr,currency\nc1,2026-01,€100,USD\nc2,2026-01,€50,USD\n".encode()
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(csv, "revenue")
    assert str(err.value) == message
    # signs that agree with the column, a dollar beside Canadian dollars among them, are read
    p = prepare_bytes(b"customer_id,month,mrr,currency\nc1,2026-01,$100,CAD\nc2,2026-01,$50,CAD\n", "revenue")
    assert p.answers["currency:mrr"] == "CAD" and by_month(p) == {("c1", "2026-01"): 100.0, ("c2", "2026-01"): 50.0}


def test_a_currency_format_whose_sign_names_no_one_currency_is_asked():
    """Swedish Excel's #,##0.00 "kr": the sheet shows '100,00 kr' and USD was proposed unasked. 'kr' is Swedish,
    Norwegian or Danish: asked, must confirm; a code in the format ([$SEK]) names it; either against the file's
    currency column is refused."""
    rows = [REVENUE_HEAD, ["c1", D(2026, 1, 1), 100], ["c2", D(2026, 1, 1), 5.5]]
    data = _book(rows, {"C2:C3": '#,##0.00 "kr"'})
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, "revenue", name="revenue.xlsx")
    (q,) = err.value.questions
    assert (q.key, q.must_confirm, q.proposal) == ("currency:mrr", True, "USD")
    assert q.detail == ("The workbook formats the amounts in 'mrr' with the currency sign 'kr', which names no one "
                        "currency: say which.")
    p = prepare_bytes(data, "revenue", name="revenue.xlsx", answers={"currency:mrr": "SEK"})
    assert p.currency == "SEK" and by_month(p) == {("c1", "2026-01"): 100.0, ("c2", "2026-01"): 5.5}
    p = prepare_bytes(_book(rows, {"C2:C3": "[$SEK] #,##0.00"}), "revenue", name="revenue.xlsx")
    assert p.answers["currency:mrr"] == "SEK" and by_month(p) == {("c1", "2026-01"): 100.0, ("c2", "2026-01"): 5.5}
    beside = _book([[*REVENUE_HEAD, "currency"], ["c1", D(2026, 1, 1), 100, "USD"]], {"C2": '#,##0.00 "kr"'})
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(beside, "revenue", name="revenue.xlsx")
    assert str(err.value) == ("Column 'mrr': 1 value(s) are formatted as kr in the workbook while the file's currency "
                              "column names USD: which currency the amounts are in the file cannot say. Make the two "
                              "agree (the cells' currency format, or the currency column) and upload again — row 2: "
                              "'100'.")
    agree = _book([[*REVENUE_HEAD, "currency"], ["c1", D(2026, 1, 1), 100, "NOK"]], {"C2": '#,##0.00 "kr"'})
    assert prepare_bytes(agree, "revenue", name="revenue.xlsx").answers["currency:mrr"] == "NOK"


# ---- OpenDocument ----------------------------------------------------------------------------------------------
JAN = ("date", "2026-01-01", "01/01/26", "")


def test_an_ods_percentage_and_currency_are_read_as_shown():
    """LibreOffice's .ods: a percentage cell (0.5, shown 50%) was stored as MRR 0.50, a currency cell's EUR ignored
    (USD proposed unasked)."""
    data = _ods([REVENUE_HEAD, ["c1", JAN, ("percentage", "0.5", "50%", "")], ["c2", JAN, ("float", "50", "50", "")]])
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "revenue", name="revenue.ods")
    assert str(err.value) == "Column 'mrr': 1 value(s) are not numbers — row 2: '50%'."
    euros = [("currency", v, f"{v},00 €", 'office:currency="EUR"') for v in ("100", "50")]
    p = prepare_bytes(_ods([REVENUE_HEAD, ["c1", JAN, euros[0]], ["c2", JAN, euros[1]]]), "revenue",
                      name="revenue.ods")
    assert p.answers["currency:mrr"] == "EUR" and by_month(p) == {("c1", "2026-01"): 100.0, ("c2", "2026-01"): 50.0}


# ---- dates -------------------------------------------------------------------------------------------------------
def test_plain_serial_dates_of_a_1904_workbook_count_from_1904():
    """A Mac Excel workbook in the 1904 date system: its months written as plain numbers (44561, 44592), which
    Excel shows as 1 January and 1 February 2026 once formatted as dates. Read from 1899-12-30 they were stored as
    December 2021 and January 2022, said nowhere."""
    data = _book([REVENUE_HEAD, ["c1", 46023 - 1462, 100], ["c2", 46054 - 1462, 50]], epoch=CALENDAR_MAC_1904)
    p = prepare_bytes(data, "revenue", name="revenue.xlsx")
    assert by_month(p) == {("c1", "2026-01"): 100.0, ("c2", "2026-02"): 50.0}
    assert ("'month' holds Excel serial numbers in a workbook that uses the 1904 date system (Mac Excel): each is "
            "counted from 1 January 1904, as Excel shows it.") in p.warnings
    # the same workbook's cells formatted as dates were right already, and say nothing
    dated = _book([REVENUE_HEAD, ["c1", D(2026, 1, 1), 100]], epoch=CALENDAR_MAC_1904)
    p = prepare_bytes(dated, "revenue", name="revenue.xlsx")
    assert by_month(p) == {("c1", "2026-01"): 100.0} and not any("1904" in w for w in p.warnings)
    # a 1900 workbook's serials are read from 1899-12-30, as before
    p = prepare_bytes(_book([REVENUE_HEAD, ["c1", 46023, 100]]), "revenue", name="revenue.xlsx")
    assert by_month(p) == {("c1", "2026-01"): 100.0}


def test_an_amount_formatted_as_a_date_is_refused_as_the_date_the_sheet_shows():
    data = _book([REVENUE_HEAD, ["c1", D(2026, 1, 1), 100], ["c2", D(2026, 1, 1), 50]], {"C2:C3": "yyyy-mm-dd"})
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "revenue", name="revenue.xlsx")
    assert str(err.value) == "Column 'mrr': 2 value(s) are not numbers — row 2: '1900-04-09'; row 3: '1900-02-19'."


def test_time_only_cells_in_a_date_column_are_refused():
    data = _book([["response_id", "customer_id", "date", "score"], ["r1", "c1", dt.time(9, 30), 9],
                  ["r2", "c2", dt.time(10, 0), 3]])
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "nps", name="nps.xlsx")
    assert str(err.value) == ("Column 'date': 2 value(s) are times of day (hh:mm), not dates: the column has no day, "
                              "so it cannot be used as a date. Map a column that holds dates — row 2: '09:30:00'; "
                              "row 3: '10:00:00'.")


# ---- hidden rows -------------------------------------------------------------------------------------------------
def _filtered(wb, ws):
    ws.auto_filter.ref = "A1:C4"
    ws.row_dimensions[3].hidden = True  # the filter hides c2, a test account


FILTERED = _book([REVENUE_HEAD, ["c1", D(2026, 1, 1), 100], ["c2", D(2026, 1, 1), 50], ["c3", D(2026, 1, 1), 25]],
                 setup=_filtered)


def test_rows_a_filter_hides_are_asked_about_before_anything_is_stored():
    """The analyst filtered the test account c2 out of the sheet (Excel shows MRR 125 under its filter); read
    unasked, c2's 50 counted (175), said in a warning only. Asked, must confirm, the visible rows proposed."""
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(FILTERED, "revenue", name="revenue.xlsx")
    (q,) = err.value.questions
    assert (q.key, q.proposal, q.must_confirm, q.choices) == ("hidden_rows", "visible", True, ("visible", "all"))
    assert q.prompt == "Sheet 'Data' has 1 hidden row: read it?"
    assert q.detail == ("1 row with cells is hidden in the workbook (sheet row 3), hidden by hand or filtered out: a "
                        "filter often leaves out test accounts or other months, and read, those rows count in every "
                        "figure.")
    p = prepare_bytes(FILTERED, "revenue", name="revenue.xlsx", answers={"hidden_rows": "visible"})
    assert by_month(p) == {("c1", "2026-01"): 100.0, ("c3", "2026-01"): 25.0}  # 125, as the filtered sheet shows
    assert ("1 hidden row of sheet 'Data' (sheet row 3) left out, as answered: only the rows the sheet shows are "
            "read.") in p.warnings
    p = prepare_bytes(FILTERED, "revenue", name="revenue.xlsx", answers={"hidden_rows": "all"})
    assert sum(by_month(p).values()) == 175.0


def test_a_mapped_column_the_sheet_hides_is_asked_about():
    """An old 'mrr' column hidden beside the 'mrr_2026' the analyst sees (MRR 150): the mapping took 'mrr', and 120
    was stored from a column nobody reading the sheet sees. Asked, must confirm; an unmapped hidden column asks
    nothing."""
    def hide(column):
        return lambda wb, ws: setattr(ws.column_dimensions[column], "hidden", True)
    rows = [[*REVENUE_HEAD, "mrr_2026"], ["c1", D(2026, 1, 1), 80, 100], ["c2", D(2026, 1, 1), 40, 50]]
    data = _book(rows, setup=hide("C"))
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, "revenue", name="revenue.xlsx")
    (q,) = err.value.questions
    assert (q.key, q.must_confirm, q.proposal, q.choices) == ("hidden_columns", True, None, ("read", "stop"))
    assert q.prompt == "Column 'mrr' (amount) is hidden in sheet 'Data': read it?"
    with pytest.raises(InvalidOptionError) as err:
        prepare_bytes(data, "revenue", name="revenue.xlsx", answers={"hidden_columns": "stop"})
    assert str(err.value) == ("Nothing was stored: 'mrr' (amount) is hidden in the workbook. Map another column, or "
                              "unhide the one meant, and upload again.")
    # mapped to the column the sheet shows: 150, as the analyst reads it
    p = prepare_bytes(data, "revenue", name="revenue.xlsx", mapping={"amount": "mrr_2026"})
    assert sum(by_month(p).values()) == 150.0 and "hidden_columns" not in p.answers
    p = prepare_bytes(data, "revenue", name="revenue.xlsx", answers={"hidden_columns": "read"})
    assert sum(by_month(p).values()) == 120.0
    p = prepare_bytes(_book(rows, setup=hide("D")), "revenue", name="revenue.xlsx")
    assert sum(by_month(p).values()) == 120.0 and "hidden_columns" not in p.answers


# ---- layouts found right ----------------------------------------------------------------------------------------
def test_a_total_row_under_a_revenue_sheet_is_refused_never_summed():
    """Checked, right already: a TOTAL row would double the month's revenue (300 for 150)."""
    data = _book([REVENUE_HEAD, ["c1", D(2026, 1, 1), 100], ["c2", D(2026, 1, 1), 50], ["TOTAL", None, 150]])
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "revenue", name="revenue.xlsx")
    assert str(err.value) == ("Column 'customer_id': 1 value(s) are a summary row's label (Total, Subtotal, Average "
                              "…), not a customer or an answer: the row repeats the others' sum. Remove it, or skip "
                              "it — row 4: 'TOTAL'.")
    # a total with no label (only the sum under the amounts) is left out, said
    p = prepare_bytes(_book([REVENUE_HEAD, ["c1", D(2026, 1, 1), 100], ["c2", D(2026, 1, 1), 50], [None, None, 150]]),
                      "revenue", name="revenue.xlsx")
    assert sum(by_month(p).values()) == 150.0
    assert ("The last row (row 4: no customer, no date, 'mrr' 150.00, the sum of every other row) is the file's "
            "total: left out.") in p.warnings


def test_a_subtotal_between_groups_is_refused_whatever_group_it_names():
    """'Subtotal EMEA' between a sheet's groups, with no region column naming EMEA: it was stored as one more customer
    (3 customers for 2) and, in a revenue sheet, as one more customer's MRR (250 for 150)."""
    customers = _book([["customer_id", "start_date", "churn_date"], ["c1", D(2025, 1, 1), None],
                       ["Subtotal EMEA", D(2025, 1, 1), None], ["c2", D(2025, 2, 1), None]])
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(customers, "customers", name="customers.xlsx")
    assert str(err.value) == ("Column 'customer_id': 1 value(s) are a summary row's label (Total, Subtotal, Average "
                              "…), not a customer or an answer: the row repeats the others' sum. Remove it, or skip "
                              "it — row 3: 'Subtotal EMEA'.")
    p = prepare_bytes(customers, "customers", name="customers.xlsx", skip_invalid=True)
    assert p.rows.customer_id.tolist() == ["c1", "c2"]
    revenue = _book([REVENUE_HEAD, ["c1", D(2026, 1, 1), 100], ["c2", D(2026, 1, 1), 50],
                     ["Sub-total EMEA", D(2026, 1, 1), 150], ["c3", D(2026, 1, 1), 25]])
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(revenue, "revenue", name="revenue.xlsx")
    assert [(c.row, c.value) for c in err.value.report.problems[0].cells] == [(4, "Sub-total EMEA")]


def test_numbers_typed_as_text_with_thousands_separators_are_their_amounts():
    data = _book([REVENUE_HEAD, ["c1", D(2026, 1, 1), "1,200"], ["c2", D(2026, 1, 1), "50"]])
    assert by_month(prepare_bytes(data, "revenue", name="revenue.xlsx")) == {("c1", "2026-01"): 1200.0,
                                                                             ("c2", "2026-01"): 50.0}


def test_an_excel_table_beside_notes_and_a_title_above_the_header_are_read_as_the_table():
    def table(wb, ws):
        ws.add_table(Table(displayName="Revenue", ref="A1:C3"))
        ws["E1"], ws["E2"] = "Notes", "MRR excludes VAT"
    p = prepare_bytes(_book([REVENUE_HEAD, ["c1", D(2026, 1, 1), 100], ["c2", D(2026, 1, 1), 50]], setup=table),
                      "revenue", name="revenue.xlsx")
    assert by_month(p) == {("c1", "2026-01"): 100.0, ("c2", "2026-01"): 50.0}
    titled = _book([["Revenue report, January 2026"], [], [], REVENUE_HEAD, ["c1", D(2026, 1, 1), 100]])
    p = prepare_bytes(titled, "revenue", name="revenue.xlsx")
    assert by_month(p) == {("c1", "2026-01"): 100.0}
    assert ("The first 3 row(s) ('Revenue report, January 2026') are above the table and were skipped; the header is "
            "the next row. Row numbers are still those of the file.") in p.warnings


def test_a_churned_flag_of_booleans_without_a_date_is_refused():
    data = _book([["customer_id", "start_date", "churned"], ["c1", D(2025, 1, 1), True], ["c2", D(2025, 1, 1), False]])
    with pytest.raises(MissingColumnError) as err:
        prepare_bytes(data, "customers", name="customers.xlsx")
    assert str(err.value).startswith("No column for churn date (a churned flag alone does not say when)")


# ---- a refused workbook changes nothing stored ----------------------------------------------------------------
def test_a_refused_percentage_workbook_leaves_the_stored_version_as_it_was(tmp_path):
    ws = Workspace(tmp_path / "w.duckdb")
    try:
        good = _book([REVENUE_HEAD, ["c1", D(2026, 1, 1), 100], ["c2", D(2026, 1, 1), 50]])
        ws.commit([prepare_bytes(good, "revenue", name="revenue.xlsx").to_upload()])
        before = stored_state(ws)
        assert ws.cursor().execute("SELECT sum(mrr) FROM revenue").fetchone()[0] == 150
        bad = _book([REVENUE_HEAD, ["c1", D(2026, 1, 1), 0.5], ["c2", D(2026, 1, 1), 50]], {"C2": "0%"})
        with pytest.raises(InvalidValuesError):
            ws.commit([ingest.prepare(bad, "revenue.xlsx", ingest.Options(kind="revenue", today=TODAY)).to_upload()])
        with pytest.raises(NeedsAnswerError):
            ws.commit([ingest.prepare(FILTERED, "revenue.xlsx",
                                      ingest.Options(kind="revenue", today=TODAY)).to_upload()])
        assert stored_state(ws) == before
    finally:
        ws.close()
