"""Reading a file: size limits, decoding, header rows of survey tools, loading into DuckDB as VARCHAR."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re

import duckdb

from metrics.errors import (
    EmptyFileError,
    FileTooLargeError,
    IngestError,
    TooManyColumnsError,
    UnreadableFileError,
)
from metrics.ingest.mapping import _guess_kind, normalise_header
from metrics.ingest.model import Inspection
from metrics.ingest.sqltext import _blank
from metrics.store import quote_ident

MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # keep in step with .streamlit/config.toml server.maxUploadSize
MAX_COLUMNS = 1000                    # more is a wrong delimiter or not an export
MAX_LINE_BYTES = 1024 * 1024          # one row longer than this is not a real export row

def decode(data: bytes) -> str:
    """Bytes to text: BOM-marked UTF-8/UTF-16, else UTF-8, else Windows-1252. Rejects binary files."""
    if not data.strip():
        raise EmptyFileError("The file is empty.")
    if data[:4] == b"PK\x03\x04":
        raise UnreadableFileError("This is a zip archive (perhaps an .xlsx), not a CSV. Export it as CSV first.")
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            text = data.decode(codec, errors="replace")
            break
    else:
        if b"\x00" in data:
            raise UnreadableFileError("The file contains binary data (NUL bytes); it is not a text CSV.")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise UnreadableFileError("The file contains binary data (NUL characters); it is not a text CSV.")
    if not text.strip():
        raise EmptyFileError("The file is empty.")
    return text


def _longest_line(text: str) -> tuple[int, int]:
    """(line number, length in characters) of the longest physical line."""
    best, best_no, start, no = 0, 1, 0, 1
    while True:
        end = text.find("\n", start)
        length = (len(text) if end < 0 else end) - start
        if length > best:
            best, best_no = length, no
        if end < 0:
            return best_no, best
        start, no = end + 1, no + 1


def _cells(row) -> list[str]:
    return ["" if v is None else str(v).strip() for v in row]


_IMPORT_ID = '{"importid"'
_SURVEYMONKEY_LABELS = ("Response", "Open-Ended Response")


def header_layout(head: list[list[str]]) -> tuple[int, list[str], dict[str, str], str]:
    """From the first rows: (number of header rows, column names, column -> question text, tool)."""
    r0 = head[0]
    for i in (1, 2):  # Qualtrics: a row of {"ImportId": …} JSON below the ids (and the question text)
        if i < len(head) and sum(c.replace(" ", "").lower().startswith(_IMPORT_ID) for c in head[i]) * 2 >= len(r0):
            labels = dict(zip(r0, head[1], strict=False)) if i == 2 else {}
            return i + 1, r0, labels, "Qualtrics"
    if len(head) > 1 and sum(bool(re.fullmatch(r"V\d+", c)) for c in r0) >= 3 \
            and any(normalise_header(c) == "responseid" for c in head[1]):  # legacy Qualtrics: V1…Vn over names
        names = [c1 if re.fullmatch(r"V\d+", c0) or not c0 else c0 for c0, c1 in zip(r0, head[1], strict=False)]
        return 2, names, dict(zip(names, head[1], strict=False)), "Qualtrics (legacy)"
    if len(head) > 1 and not head[1][0] and any(c in _SURVEYMONKEY_LABELS for c in head[1]):
        names, prev = [], ""
        for c0, c1 in zip(r0, head[1], strict=False):  # SurveyMonkey: question text over answer labels
            base = c0 or prev
            prev = base
            names.append(base if (c0 and c1 in ("", *_SURVEYMONKEY_LABELS)) else f"{base} - {c1}" if c1 else base)
        return 2, names, {}, "SurveyMonkey"
    return 1, r0, {}, "CSV"


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        name = name or f"column{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        seen.setdefault(name, 1)
        out.append(name)
    return out


def read_table(con: duckdb.DuckDBPyConnection, text: str) -> Inspection:
    """Load CSV text into temp table `raw` (all VARCHAR, plus `_row` = row number as in the file)."""
    line_no, longest = _longest_line(text)
    if longest > MAX_LINE_BYTES:
        raise UnreadableFileError(f"Line {line_no:,} is {longest / 2**20:,.1f} MB long; no export row is that "
                                  "long. Is this really a CSV export?")
    try:
        rel = con.read_csv(io.BytesIO(text.encode("utf-8")), all_varchar=True, header=False)
        if len(rel.columns) > MAX_COLUMNS:
            raise TooManyColumnsError(f"The file has {len(rel.columns):,} columns; at most {MAX_COLUMNS:,} are "
                                      "accepted. Check the delimiter, or export only the columns you need.")
        head = [_cells(r) for r in rel.limit(4).fetchall()]
        if not head:
            raise EmptyFileError("The file is empty.")
        if len(rel.columns) == 1:
            _check_single_column(text)
        n_header, names, labels, tool = header_layout(head)
        blank_names = {i for i, c in enumerate(names) if not c}
        names = _unique_names(names)
        select = ", ".join(f"{quote_ident(src)} AS {quote_ident(name)}"
                           for src, name in zip(rel.columns, names, strict=True))
        con.execute(f"CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM "
                    f"(SELECT row_number() OVER () AS _row, {select} FROM rel) WHERE _row > {n_header}")
    except IngestError:
        raise
    except duckdb.Error as exc:
        first_line = str(exc).strip().splitlines()[0]
        raise UnreadableFileError(f"The file could not be read as CSV: {first_line}") from exc
    # Drop unnamed, empty trailing columns (spreadsheets add them for a trailing comma).
    empty = [names[i] for i in sorted(blank_names)
             if con.execute(f"SELECT count(nullif(trim({quote_ident(names[i])}), '')) FROM raw").fetchone()[0] == 0]
    for c in empty:
        con.execute(f"ALTER TABLE raw DROP COLUMN {quote_ident(c)}")
    columns = [c for c in names if c not in empty]
    labels = {c: v for c, v in labels.items() if c in columns and v and v != c}
    # Trailing empty rows: every cell blank.
    blank = " AND ".join(f"coalesce(trim({quote_ident(c)}), '') = ''" for c in columns)
    con.execute(f"DELETE FROM raw WHERE {blank}")
    if con.execute("SELECT count(*) FROM raw").fetchone()[0] == 0:
        raise EmptyFileError("The file has a header but no data rows.")
    signature = hashlib.sha256("\x1f".join(columns).encode()).hexdigest()
    kind = "nps" if tool != "CSV" else _guess_kind(columns, labels)
    sub_ids = next((c for c in columns if normalise_header(c) == "id" and con.execute(
        f"SELECT bool_and(starts_with(trim({quote_ident(c)}), 'sub_')) FROM raw WHERE NOT {_blank(quote_ident(c))}"
    ).fetchone()[0]), None)
    return Inspection(columns, labels, n_header, tool, signature, kind, sub_ids)


def _check_single_column(text: str) -> None:
    """One column, yet the header has delimiters: the rows disagree on their number of fields (often an unclosed
    quote or unquoted delimiters), so no delimiter fits. Name the first row that breaks the pattern."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delim = max(",;\t|", key=first.count)
    if first.count(delim) == 0:
        return
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delim)
    try:
        width = len(next(reader))
        for row in reader:
            if row and len(row) != width:
                quote = " An unclosed quote (\") makes a cell run on over the following lines." \
                    if any('"' in c or "\n" in c for c in row) else ""
                raise UnreadableFileError(
                    f"The rows do not have the same number of fields: the record ending on line {reader.line_num:,} "
                    f"has {len(row)} where the header has {width} ({delim!r}-separated).{quote} Fix that row and "
                    "upload again.")
    except csv.Error as exc:
        raise UnreadableFileError(f"The file could not be read as CSV near line {reader.line_num:,}: {exc}.") from exc


def inspect(data: bytes) -> Inspection:
    """Header rows, columns and detected kind of a file, for the mapping step. Raises IngestError."""
    _check_size(data)
    con = duckdb.connect()
    try:
        return read_table(con, decode(data))
    finally:
        con.close()



def _check_size(data: bytes) -> None:
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileTooLargeError(f"The file is {len(data) / 2**20:,.0f} MB; the limit is "
                                f"{MAX_UPLOAD_BYTES / 2**20:,.0f} MB.")
