"""What the uploaded bytes are, told from their content (the file name only confirms or is contradicted):
gzip-compressed text, an Excel/OpenDocument workbook, or plain text. Workbooks become rows of text cells that
read.py loads through the same path as a CSV, so mapping, checks and messages do not depend on the container."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal

from metrics.errors import FileTooLargeError, TooManyColumnsError, UnreadableFileError
from metrics.ingest.questions import Question, Questions

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97–2003) and other old Office files
WORKBOOK_NAMES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
# A workbook is zip-compressed XML: 200 MB of .xlsx can unpack to many GB. Refuse before parsing beyond this.
MAX_WORKBOOK_XML_BYTES = 2 * 1024**3


def sniff(data: bytes) -> str:
    """'gzip', 'zip', 'ole' or 'text', from the first bytes."""
    if data.startswith(GZIP_MAGIC):
        return "gzip"
    if data.startswith(ZIP_MAGIC):
        return "zip"
    if data.startswith(OLE_MAGIC):
        return "ole"
    return "text"


def _mb(n: int) -> str:
    return f"{n / 2**20:,.1f} MB"


def gunzip(data: bytes, limit: int) -> bytes:
    """Inflate gzip data, refusing as soon as the output would pass `limit` bytes (a small .gz can unpack to
    gigabytes), and refusing a damaged or cut-short archive instead of reading what came out of it."""
    out = bytearray()
    rest = data
    while rest:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            chunk = rest
            while chunk:
                out += inflater.decompress(chunk, limit + 1 - len(out))
                if len(out) > limit:
                    raise FileTooLargeError(
                        f"The gzip file unpacks to more than {limit / 2**20:,.0f} MB (the limit applies to the "
                        f"unpacked file; the archive itself is {_mb(len(data))}). Upload a smaller export.")
                chunk = inflater.unconsumed_tail
            out += inflater.flush()
        except zlib.error as exc:
            raise UnreadableFileError(f"The gzip file is damaged and cannot be unpacked ({exc}).") from exc
        if not inflater.eof:
            raise UnreadableFileError("The gzip file is cut short (it ends before the compressed data does); "
                                      "upload the complete file.")
        rest = inflater.unused_data.lstrip(b"\x00")  # several gzip members follow each other (`cat a.gz b.gz`)
        if rest and not rest.startswith(GZIP_MAGIC):
            raise UnreadableFileError("The gzip file has trailing data that is not gzip; upload the complete file.")
    return bytes(out)


@dataclass
class Sheet:
    name: str
    rows: list[list[str | None]]   # cells as text; None = empty cell
    first_row: int                 # the sheet row number (1-based) of rows[0]
    warnings: list[str] = field(default_factory=list)
    date1904: bool = False         # the workbook's date system starts in 1904 (its plain serial numbers too)
    signs: dict[int, str] = field(default_factory=dict)  # column index -> a currency sign its format shows, unread
    hidden_columns: set[int] = field(default_factory=set)  # column indexes (of rows) hidden in the sheet


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _number(v: float) -> str:
    """A cell number as the text Excel shows: 15 significant digits (Excel's precision, so 0.1+0.2 stays 0.3),
    no ".0" on whole numbers, no exponent."""
    if v.is_integer() and -1e15 < v < 1e15:
        return str(int(v))
    if not math.isfinite(v):
        return str(v)
    text = f"{v:.15g}"
    if "e" in text:
        text = format(Decimal(text), "f")
    return "0" if text == "-0" else text


def _datetime(v: dt.datetime) -> str:
    return v.date().isoformat() if v.time() == dt.time() and v.tzinfo is None else v.isoformat(sep=" ")


def _duration(v: dt.timedelta) -> str:  # a duration cell ([h]:mm:ss)
    seconds = int(v.total_seconds())
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


_BY_TYPE = {str: lambda v: v or None, float: _number, int: str, bool: lambda v: "TRUE" if v else "FALSE",
            dt.date: dt.date.isoformat, dt.datetime: _datetime, dt.time: dt.time.isoformat, dt.timedelta: _duration}


def cell_text(v) -> str | None:
    """One calamine cell value as the text a CSV export of it would hold (dates as ISO); None when empty.
    Dispatched on the exact type: a workbook has millions of cells."""
    return None if v is None else _BY_TYPE.get(type(v), str)(v)


def _unpacked_size(data: bytes) -> int:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UnreadableFileError("This is a zip archive that is damaged or not a workbook; it is neither a CSV "
                                  "nor an .xlsx workbook. Export the data as CSV or .xlsx.") from exc


# a hidden row with cells in it (not <row … hidden="1"/> nor <row …></row>)
# hidden columns: <col min="3" max="3" hidden="1"/> (min before max, as Excel and openpyxl write them)
_HIDDEN_COLUMNS = re.compile(rb'<col\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_COLUMN_SPAN = re.compile(rb'\bmin="([0-9]+)"[^>]*?\bmax="([0-9]+)"')
_HIDDEN_ROW = re.compile(rb'<row\b[^>]*?\bhidden="(?:1|true)"[^>]*?(?<!/)>(?!\s*</row>)')
# a formula cell with no value: <c r="B2"><f>A2*2</f><v /></c> (openpyxl), <f>…</f></c>, a shared formula's
# <f t="shared" si="0"/></c>; not a formula whose text result is empty (t="str" with <v></v>)
_UNCALCULATED = re.compile(rb'<c\b(?![^>]*\bt="str")[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*'
                           rb'(?:<v\s*/>|<v>\s*</v>)?\s*</c>')
# an error cell: <c r="E2" t="e"><v>#DIV/0!</v></c>, or a formula's error <c r="E2" t="e"><f>1/0</f><v>#REF!</v></c>.
# calamine reads it as an empty string, so a #REF! churn date was a customer who never churned and a #DIV/0! score
# a response "not answered", said nowhere. Its text is put back in the cell, as a CSV export of the sheet holds it.
_ERROR_CELL = re.compile(rb'<c\b([^>]*)\bt="e"([^>]*)>\s*(?:<f\b[^>]*(?:/>|>[^<]*</f>)\s*)?<v>([^<]*)</v>')
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_TAG_MAX = 4096  # longer than any tag matched: a chunk's last bytes are read again with the next chunk


def _cell_position(attributes: bytes) -> tuple[int, int] | None:
    """(row, column), 0-based, of a cell's r="E2" attribute; None without one."""
    m = _CELL_REF.search(attributes)
    if m is None:
        return None
    column = 0
    for letter in m.group(1):
        column = column * 26 + letter - ord("A") + 1
    return int(m.group(2)) - 1, column - 1


@dataclass
class SheetMarks:
    hidden: int = 0  # rows with cells marked hidden, by hand or by a filter (calamine reads them like any other)
    hidden_rows: list[int] = field(default_factory=list)  # their 0-based sheet row numbers (r="…"), where written
    uncalculated: int = 0  # formula cells saved without a calculated value (calamine reads them as empty)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) -> '#REF!' (read as '')
    unplaced_errors: int = 0  # error cells without an r="…" position: where calamine put them is not known
    # (row, column) -> '%' or a currency sign ('€', 'CHF'): a number cell whose format shows it (see _shown_as)
    shown: dict[tuple[int, int], str] = field(default_factory=dict)
    unplaced_shown: int = 0  # such cells without an r="…" position
    date1904: bool = False  # the workbook counts its dates from 1904 (Mac Excel before 2011; see dates.py)
    hidden_columns: set[int] = field(default_factory=set)  # 0-based sheet columns hidden (<col … hidden="1">)


# Number formats whose cells show another figure, or a sign, than the bare value calamine reads. A cell of 0.5
# formatted 0% shows 50% (an MRR "of 50%" was stored as 0.5: a plausible wrong figure, unsaid); a cell of 100
# formatted "€"#,##0.00 shows €100.00 (the currency question proposed USD, unasked, beside it). Such a cell is read as
# the sheet shows it and as Excel's own CSV export writes it ('50%', '€100'): every column check then treats it as it
# treats that text in a CSV (a percentage is not an amount nor a score; a sign names the currency).
_PERCENT_IDS = {9, 10}  # Excel's built-in 0% and 0.00%
_FORMAT_SIGNS = {"$": "$", "€": "€", "£": "£", "¥": "¥", "USD": "USD", "EUR": "EUR", "GBP": "GBP", "CHF": "CHF"}
# Other currencies' signs a format shows ("kr" in Swedish Excel's #,##0.00 "kr"): the amount text cannot carry them
# (amounts.SIGNS), so they are evidence for the currency question instead (Sheet.signs), '?' before the sign
_OTHER_SIGNS = {"kr", "kr.", "zł", "r$", "₹", "c$", "a$", "ca$", "au$", "fr.", "₩", "₺", "₽", "₪", "rs", "rs."}
_OTHER_CODES = {"CAD", "AUD", "JPY", "SEK", "NOK", "DKK", "PLN", "INR", "BRL", "CNY", "NZD", "MXN", "ZAR", "HKD", "SGD"}


def _shown_as(code: str) -> str | None:
    """'%' when a number format shows its value as a percentage, the currency sign it shows ('€', 'CHF'), else
    None. Read from the format's first section (positive numbers); quoted text and [$€-407] locale tags are where
    Excel writes a sign, a % outside quotes is a percentage."""
    first = code.split(";")[0]
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", first)  # without text, escapes and [Red] [$€-407] tags
    if "%" in bare:
        return "%"
    for text in re.findall(r'"([^"]*)"|\[\$([^\]-]*)|\\(.)|([$€£¥])', first):
        sign = "".join(text).strip()
        if sign in _FORMAT_SIGNS:
            return _FORMAT_SIGNS[sign]
        if sign.lower() in _OTHER_SIGNS or sign.upper() in _OTHER_CODES:
            return "?" + sign
    return None


def _styles_shown(z: zipfile.ZipFile) -> dict[bytes, str]:
    """Cell style index (the s="3" of a cell, as bytes) -> what its number format shows (_shown_as)."""
    try:
        styles = z.read("xl/styles.xml")
    except KeyError:
        return {}
    codes = {int(m.group(1)): _xml_text(m.group(2)) for m in re.finditer(
        rb'<numFmt\b[^>]*?numFmtId="([0-9]+)"[^>]*?formatCode="([^"]*)"', styles)}
    xfs = re.search(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", styles, re.S)
    out = {}
    for i, xf in enumerate(re.finditer(rb"<xf\b[^>]*?(?:/>|>)", xfs.group(1) if xfs else b"")):
        fid = re.search(rb'\bnumFmtId="([0-9]+)"', xf.group(0))
        n = int(fid.group(1)) if fid else 0
        shown = "%" if n in _PERCENT_IDS else _shown_as(codes[n]) if n in codes else None
        if shown:
            out[str(i).encode()] = shown
    return out


def _xls_marks(data: bytes, sheet: str) -> SheetMarks:
    """An old .xls workbook's marks, read with xlrd (calamine reads its values, not its formats): the percentage and
    currency cells, hidden rows and columns, and the 1904 date system. Before, a .xls MRR cell 0.5 shown as 50% was
    stored as 0.50, a €-formatted amount proposed USD unasked, and a filtered-out row was read unasked."""
    import xlrd  # imported here: only .xls workbooks need it

    marks = SheetMarks()
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
        ws = book.sheet_by_name(sheet)
    except Exception:  # calamine read it: a workbook xlrd cannot read gives no marks, as a CSV has none
        return marks
    marks.date1904 = book.datemode == 1
    shown = {}
    for i, xf in enumerate(book.xf_list):
        fmt = book.format_map.get(xf.format_key)
        sign = "%" if xf.format_key in _PERCENT_IDS else _shown_as(fmt.format_str) if fmt else None
        if sign:
            shown[i] = sign
    for r in range(ws.nrows):
        if ws.rowinfo_map.get(r) is not None and ws.rowinfo_map[r].hidden and any(
                t not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) for t in ws.row_types(r)):
            marks.hidden += 1
            marks.hidden_rows.append(r)
        if shown:
            for c, t in enumerate(ws.row_types(r)):
                if t == xlrd.XL_CELL_NUMBER and (sign := shown.get(ws.cell_xf_index(r, c))):
                    marks.shown[(r, c)] = sign
    marks.hidden_columns = {c for c, info in ws.colinfo_map.items() if info.hidden}
    return marks


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _ods_shown(z: zipfile.ZipFile, sheet: str) -> dict[tuple[int, int], str]:
    """An OpenDocument sheet's cells whose type shows another figure or a sign than calamine's bare value (see
    _shown_as): office:value-type="percentage" (0.5 shown 50%) and "currency" (office:currency="EUR"); (row,
    column) -> '%' or the sign. Read only when content.xml holds such a cell at all."""
    from xml.etree import ElementTree

    with z.open("content.xml") as f:
        found = any(b'value-type="percentage"' in chunk or b'value-type="currency"' in chunk
                    for chunk in iter(lambda: f.read(1 << 22), b""))
    out: dict[tuple[int, int], str] = {}
    if not found:
        return out
    inside, r, c, row_marks = False, -1, 0, {}
    with z.open("content.xml") as f:
        for event, el in ElementTree.iterparse(f, events=("start", "end")):
            if el.tag == _ODS_TABLE + "table":
                inside, r = event == "start" and el.get(_ODS_TABLE + "name") == sheet, -1
            elif not inside:
                continue
            elif el.tag == _ODS_TABLE + "table-row" and event == "start":
                r, c, row_marks = r + 1, 0, {}
            elif el.tag == _ODS_TABLE + "table-row":
                for k in range(1, int(el.get(_ODS_TABLE + "number-rows-repeated", "1"))):
                    if not row_marks:
                        break
                    out.update({(r + k, col): sign for col, sign in row_marks.items()})
                r += int(el.get(_ODS_TABLE + "number-rows-repeated", "1")) - 1
                el.clear()
            elif el.tag in (_ODS_TABLE + "table-cell", _ODS_TABLE + "covered-table-cell") and event == "start":
                kind, n = el.get(_ODS_OFFICE + "value-type"), int(el.get(_ODS_TABLE + "number-columns-repeated", "1"))
                code = el.get(_ODS_OFFICE + "currency", "")
                sign = "%" if kind == "percentage" else None if kind != "currency" else _FORMAT_SIGNS.get(code) or (
                    "?" + code if code else None)
                for k in range(n) if sign else ():
                    row_marks[c + k] = out[(r, c + k)] = sign
                c += n
    return out


def sheet_marks(data: bytes, sheet: str) -> SheetMarks:
    """What the .xlsx says about `sheet` that calamine's values do not (SheetMarks); of an .ods, its percentage and
    currency cells only; nothing for other workbook formats. The sheet's XML is scanned in chunks (it may unpack to
    GBs)."""
    marks = SheetMarks()
    if data.startswith(OLE_MAGIC):
        return _xls_marks(data, sheet)
    if not data.startswith(ZIP_MAGIC):
        return marks
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if "content.xml" in z.namelist() and "xl/workbook.xml" not in z.namelist():
                marks.shown = _ods_shown(z, sheet)
                return marks
            book = z.read("xl/workbook.xml")
            rels = z.read("xl/_rels/workbook.xml.rels")
            rid = next((m.group(2) for m in re.finditer(rb'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"', book)
                        if _xml_text(m.group(1)) == sheet), None)
            target = next((m.group(1) for m in re.finditer(rb'<Relationship\b[^>]*?Target="([^"]*)"[^>]*>', rels)
                           if rid is not None and re.search(rb'Id="' + re.escape(rid) + rb'"', m.group(0))), None)
            if target is None:
                return marks
            name = target.decode().lstrip("/") if target.startswith(b"/") else posixpath.normpath(
                posixpath.join("xl", target.decode()))
            marks.date1904 = bool(re.search(rb'<workbookPr\b[^>]*\bdate1904="(?:1|true)"', book))
            shown = _styles_shown(z)
            # a number cell (no t="…", or t="n") of one of those styles; its attributes before and after s="…"
            styled = re.compile(rb'<c\b([^>]*?)\bs="(' + b"|".join(shown) + rb')"([^>]*)>') if shown else None
            tail = b""
            with z.open(name) as xml:
                while True:
                    chunk = xml.read(1 << 22)
                    buf = tail + chunk
                    cut = max(len(buf) - _TAG_MAX, 0) if chunk else len(buf)  # the last buffer is read whole
                    for m in _HIDDEN_COLUMNS.finditer(buf):
                        if m.start() < cut and (span := _COLUMN_SPAN.search(m.group(0))):
                            marks.hidden_columns.update(range(int(span.group(1)) - 1, min(int(span.group(2)), 16384)))
                    for m in _HIDDEN_ROW.finditer(buf):
                        if m.start() < cut:
                            marks.hidden += 1
                            if at := re.search(rb'\br="([0-9]{1,7})"', m.group(0)):
                                marks.hidden_rows.append(int(at.group(1)) - 1)
                    marks.uncalculated += sum(1 for m in _UNCALCULATED.finditer(buf) if m.start() < cut)
                    for m in _ERROR_CELL.finditer(buf):
                        if m.start() >= cut:
                            continue
                        at = _cell_position(m.group(1) + m.group(2))
                        if at is None:
                            marks.unplaced_errors += 1
                        else:
                            marks.errors[at] = _xml_text(m.group(3)).strip() or "#ERROR"
                    for m in styled.finditer(buf) if styled else ():
                        before, style, after = m.groups()
                        attributes = before + after
                        # <c r="C9" s="3"/> is an empty cell; t="s" (text), "b", "e", "str", "inlineStr" no number
                        if m.start() >= cut or after.endswith(b"/") or (
                                b't="' in attributes and b't="n"' not in attributes):
                            continue
                        at = _cell_position(attributes)
                        if at is None:
                            marks.unplaced_shown += 1
                        else:
                            marks.shown[at] = shown[style]
                    if not chunk:
                        return marks
                    tail = buf[cut:]
    except (KeyError, zipfile.BadZipFile, UnicodeDecodeError, ValueError, SyntaxError):  # ParseError: a SyntaxError
        return SheetMarks()  # not an .xlsx laid out as Excel writes it (an .ods, an .xlsb): nothing known to say


def _xml_text(raw: bytes) -> str:
    """An XML attribute's text (sheet names may hold &amp; and the like)."""
    return (raw.decode("utf-8", "replace").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def read_workbook(data: bytes, questions: Questions, max_columns: int) -> Sheet:
    """The sheet to read (asked when the workbook has several), as rows of text cells."""
    from python_calamine import CalamineWorkbook  # imported here: only workbooks need it

    if data.startswith(ZIP_MAGIC) and _unpacked_size(data) > MAX_WORKBOOK_XML_BYTES:
        raise FileTooLargeError(f"The workbook unpacks to more than {MAX_WORKBOOK_XML_BYTES / 2**30:,.0f} GB of "
                                "XML; export the sheet you need as CSV.")
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        meta = [m for m in book.sheets_metadata if str(m.typ).rsplit(".", 1)[-1] == "WorkSheet"]  # no charts
        sheets = {m.name: book.get_sheet_by_name(m.name) for m in meta}
    except Exception as exc:  # calamine raises its own error types for anything it cannot parse
        what = "a zip archive" if data.startswith(ZIP_MAGIC) else \
            "an Office file (an old .xls, or a password-protected workbook)"
        raise UnreadableFileError(f"This is {what}, but not a workbook that can be read ({exc}); it is not a "
                                  "CSV either. Remove any password and export the data as CSV or .xlsx.") from exc
    hidden = {m.name for m in meta if str(m.visible).rsplit(".", 1)[-1] != "Visible"}  # Hidden, VeryHidden
    with_data = [n for n, s in sheets.items() if s.height > 0]
    if not with_data:
        raise UnreadableFileError("The workbook has no sheet with data" + (
            f" (sheets: {', '.join(sheets)})." if sheets else "."))
    # The first visible sheet with a header and at least one row below it (a one-line "Total" sheet is no table).
    proposal = next((n for n in with_data if n not in hidden and sheets[n].height > 1),
                    next((n for n in with_data if n not in hidden), with_data[0]))
    name = proposal
    if len(sheets) > 1:
        labels = {n: f"{n} ({_count(s.height, 'row')} × {_count(s.width, 'column')}"
                     f"{', hidden' if n in hidden else ''})"
                  for n, s in sheets.items()}
        # Two visible tables (a summary sheet before the invoices): the first is a guess, and a summary read as
        # the data made MRR three times too large. The analyst confirms which.
        tables = [n for n in with_data if n not in hidden and sheets[n].height > 1]
        answer = questions.ask(Question(
            "sheet", "Which sheet of the workbook holds the data?", tuple(sheets), labels, proposal,
            "Sheets: " + "; ".join(labels.values()) + f". Proposed: {proposal}, the first visible sheet with a "
            "header and rows below it." + (f" {len(tables)} visible sheets hold tables: say which one is the "
                                           "export." if len(tables) > 1 else ""),
            must_confirm=len(tables) > 1))
        name = answer if isinstance(answer, str) else proposal
    sheet = sheets[name]
    if sheet.height == 0:
        raise UnreadableFileError(f"The sheet '{name}' is empty; choose a sheet with data.")
    if sheet.width > max_columns:
        raise TooManyColumnsError(f"The sheet '{name}' has {sheet.width:,} columns; at most {max_columns:,} are "
                                  "accepted. Export only the columns you need.")
    long_numbers: dict[int, int] = {}
    rows = []
    for r, values in enumerate(sheet.to_python(skip_empty_area=True)):
        rows.append([None if v is None else _BY_TYPE.get(type(v), str)(v) for v in values])
        if r and any(type(v) is float and not -1e15 < v < 1e15 for v in values):
            for c, v in enumerate(values):
                if type(v) is float and v.is_integer() and not -1e15 < v < 1e15:
                    long_numbers.setdefault(c, r)
    first_row = (sheet.start[0] + 1) if sheet.start else 1
    warnings = [f"Read sheet '{name}' of the workbook ({_count(sheet.height, 'row')} × "
                f"{_count(sheet.width, 'column')})."]
    marks = sheet_marks(data, name)
    hidden, uncalculated = marks.hidden, marks.uncalculated
    if marks.unplaced_errors:
        holds = "holds" if marks.unplaced_errors == 1 else "hold"
        raise UnreadableFileError(
            f"{_count(marks.unplaced_errors, 'cell')} of sheet '{name}' {holds} an Excel error (#REF!, #DIV/0! …) at a "
            "position the workbook does not name: read as empty they would be wrong. Fix the formulas in Excel, "
            "or export the sheet as CSV, and upload again.")
    top, left = sheet.start if sheet.start else (0, 0)
    for (r, c), text in marks.errors.items():  # the error's text where calamine left '' (see _ERROR_CELL)
        if 0 <= r - top < len(rows) and 0 <= c - left < len(rows[r - top]):
            rows[r - top][c - left] = text
    if marks.unplaced_shown:
        raise UnreadableFileError(
            f"{_count(marks.unplaced_shown, 'cell')} of sheet '{name}' {'is' if marks.unplaced_shown == 1 else 'are'} "
            "formatted as a percentage or with a currency sign at a position the workbook does not name: read as bare "
            "numbers they would differ from what the sheet shows. Export the sheet as CSV and upload again.")
    signs: dict[int, str] = {}
    for (r, c), sign in marks.shown.items():  # the value as the sheet shows it (see _shown_as)
        if 0 <= r - top < len(rows) and 0 <= c - left < len(rows[r - top]) and rows[r - top][c - left]:
            if sign.startswith("?"):
                signs.setdefault(c - left, sign[1:])
            else:
                rows[r - top][c - left] = _as_shown(rows[r - top][c - left], sign)
    _merged_down(sheet, rows, top, left, name, questions, warnings)
    if uncalculated:
        holds = "holds a formula" if uncalculated == 1 else "hold formulas"
        raise UnreadableFileError(
            f"{_count(uncalculated, 'cell')} of sheet '{name}' {holds} that the program which saved the workbook "
            "never calculated: there is no value to read, and read as empty they would be wrong. Open the workbook "
            "in Excel or LibreOffice, save it (which calculates them), and upload it again, or export the sheet as "
            "CSV.")
    if hidden:
        _hidden_rows(marks, rows, top, name, questions, warnings)
    for c, r in long_numbers.items():
        head = rows[0][c] if rows and c < len(rows[0]) and rows[0][c] else f"column {c + 1}"
        warnings.append(
            f"'{head}' holds numbers of 16 or more digits stored as numbers (first at sheet row {first_row + r:,}: "
            f"{rows[r][c]}); Excel keeps only 15 significant digits, so long ids may already have been altered in "
            "the workbook. Export such ids as text.")
    return Sheet(name, rows, first_row, warnings, marks.date1904, signs, {c - left for c in marks.hidden_columns
                                                                          if 0 <= c - left < sheet.width})


def _as_shown(text: str, sign: str) -> str:
    """A number cell's text as its format shows it: '0.5' formatted 0% is '50%', '-5' formatted € is '-€5'; any
    other text (a date calamine already read as one) is left as it is."""
    if not _PLAIN_NUMBER.fullmatch(text):
        return text
    if sign == "%":
        return _number(float(Decimal(text) * 100)) + "%"
    negative = text.startswith("-")
    return ("-" if negative else "") + sign + (" " if len(sign) == 3 else "") + (text[1:] if negative else text)


_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")  # a number cell as _number writes it


def _hidden_rows(marks: SheetMarks, rows: list[list[str | None]], top: int, name: str, questions: Questions,
                 warnings: list[str]) -> None:
    """Rows hidden in the sheet, by hand or by a filter (the analyst filtered out the test accounts, or kept one
    month): calamine reads them like every other row, and read unasked they were counted in every figure while the
    analyst sees a sheet without them (said only in a warning). Asked, must confirm: every row, or the visible ones
    (the hidden rows read as blank, so every other row keeps its sheet row number)."""
    n, shown = marks.hidden, ", ".join(f"{r + 1:,}" for r in marks.hidden_rows[:5])
    where = f" (sheet row{'s' if n > 1 else ''} {shown}{' …' if n > 5 else ''})" if marks.hidden_rows else ""
    answer = questions.ask(Question(
        "hidden_rows", f"Sheet '{name}' has {_count(n, 'hidden row')}: read {'it' if n == 1 else 'them'}?",
        ("visible", "all"),
        {"visible": "the visible rows only, as the sheet shows them (filtered rows and rows hidden by hand left out)",
         "all": "every row, the hidden ones too (as a CSV export of the whole sheet holds them)"},
        "visible", f"{_count(n, 'row')} with cells {'is' if n == 1 else 'are'} hidden in the workbook{where}, "
        "hidden by hand or filtered out: a filter often leaves out test accounts or other months, and read, those "
        "rows count in every figure.", must_confirm=True))
    they, it = ("it", "is") if n == 1 else ("them", "are")
    if answer != "visible":
        warnings.append(f"{_count(n, 'row')} of sheet '{name}' {it} hidden in the workbook (hidden by hand or filtered "
                        f"out) and read like every other row, as answered.")
        return
    if len(marks.hidden_rows) < n:
        raise UnreadableFileError(
            f"{_count(n - len(marks.hidden_rows), 'hidden row')} of sheet '{name}' {it} at a position the workbook "
            f"does not name, so {they} cannot be left out. Delete the hidden rows in the workbook, or copy the "
            "visible rows to a new sheet, and upload again.")
    for r in marks.hidden_rows:
        if 0 <= r - top < len(rows):
            rows[r - top] = [None] * len(rows[r - top])
    warnings.append(f"{_count(n, 'hidden row')} of sheet '{name}'{where} left out, as answered: only the rows the "
                    "sheet shows are read.")


def _column_letters(c: int) -> str:
    letters = ""
    c += 1
    while c:
        c, rest = divmod(c - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _merged_down(sheet, rows: list[list[str | None]], top: int, left: int, name: str, questions: Questions,
                 warnings: list[str]) -> None:
    """Cells merged over several rows (a Region 'EMEA' merged down beside its three customers) hold their value in
    the first row only: calamine, like a CSV export, leaves the others empty, and the customers below were stored
    with no region ("No region recorded"), said nowhere, while the sheet shows EMEA beside each. Read as the sheet
    shows it, the value is on every row, right for a label and wrong for an amount (an MRR of 10 merged over a
    customer's two months would be 20): asked, must confirm. Merges within one row (a title across columns) keep
    their value in their first cell, as a CSV export does."""
    try:
        ranges = [((r0, c0), (r1, c1)) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or []) if r1 > r0]
    except Exception:  # noqa: BLE001 (calamine knows merges for .xlsx only; other formats raise or return None)
        return
    holding = [(r0, c0, r1, c1, rows[r0 - top][c0 - left]) for (r0, c0), (r1, c1) in ranges
               if 0 <= r0 - top < len(rows) and 0 <= c0 - left < len(rows[r0 - top])
               and rows[r0 - top][c0 - left] not in (None, "")]
    if not holding:
        return
    shown = "; ".join(f"{_column_letters(c0)}{r0 + 1}:{_column_letters(c1)}{r1 + 1} {value!r}"
                      for r0, c0, r1, c1, value in holding[:5]) + (" …" if len(holding) > 5 else "")
    answer = questions.ask(Question(
        "merged_cells", f"Sheet '{name}' has cells merged over several rows: whose value is it?", ("fill", "first"),
        {"fill": "every row of the merged cells (as the sheet shows it: a label such as a region beside each row)",
         "first": "the first row only; the rows below are empty there (as a CSV export of the sheet writes them)"},
        "fill", f"{_count(len(holding), 'merged range')} over several rows: {shown}. An amount merged over rows "
        "read on every row would be counted once a row: unmerge such cells in the workbook and upload again.",
        must_confirm=True))
    if answer != "fill":
        return
    filled = 0
    for r0, c0, r1, c1, value in holding:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0) and 0 <= r - top < len(rows) and 0 <= c - left < len(rows[r - top]):
                    rows[r - top][c - left] = value
                    filled += 1
    warnings.append(f"{_count(len(holding), 'merged range')} of sheet '{name}' ({shown}) read on every row "
                    f"{'it covers' if len(holding) == 1 else 'they cover'}, as answered ({_count(filled, 'cell')} "
                    "filled).")


def rows_to_csv(rows: list[list[str | None]]) -> str:
    """Rows of text cells as CSV text (every row as wide as the widest, so the reader sees one shape)."""
    width = max((len(r) for r in rows), default=0)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for r in rows:
        writer.writerow(["" if v is None else v for v in r] + [""] * (width - len(r)))
    return out.getvalue()
