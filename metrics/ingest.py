"""Ingest: read an analyst's CSV export, map its columns, validate every row, normalise to canonical rows.

`prepare()` does everything except storing; `Workspace.commit()` then stores the result in one transaction.
Parsing and validation run in a private in-memory DuckDB connection, so a rejected file never touches the
workspace.

Validation collects every problem (per column and reason: count and first rows) into a `Report`. By default
(`Options.skip_invalid=False`) any problem rejects the file: the first one is raised as its typed error
(metrics.errors) with the whole report attached as `error.report`. With `skip_invalid=True` the rejected rows
are left out and the report travels with the result (`Prepared.report`), so the analyst sees exactly what was
skipped and why, and can download those rows (`Report.rejected_csv()`, formula-safe).

Exports from survey tools carry extra header rows: Qualtrics (column ids, question text, `{"ImportId":…}`
JSON; the legacy format V1…Vn ids over a row of names), SurveyMonkey (question text over answer labels such as
"Response"). They are detected and skipped; the column names come from the id row, the question text is kept
as the column's label (and used to find the NPS question).

Row numbers in messages are as in the file with the first header row as row 1 (a quoted comment spanning
several lines still counts as one row).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from metrics.errors import (
    BadCell,
    EmptyFileError,
    FileTooLargeError,
    IngestError,
    InvalidOptionError,
    MissingColumnError,
    Problem,
    TooManyColumnsError,
    UnknownKindError,
    UnreadableFileError,
)
from metrics.store import KINDS, NewUpload, Snapshot, Workspace, quote_ident

MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # keep in step with .streamlit/config.toml server.maxUploadSize
MAX_COLUMNS = 1000                    # more is a wrong delimiter or not an export
MAX_LINE_BYTES = 1024 * 1024          # one row longer than this is not a real export row
SHOWN_BAD_ROWS = 5

# Canonical fields of each kind: (field, label, required). Header synonyms are matched after
# normalising (lower case, letters and digits only); earlier synonyms win.
FIELDS = {
    "nps": [("score", "NPS score (0–10)", True), ("response_date", "response date", True),
            ("customer_id", "customer id", False), ("response_id", "response id", False),
            ("comment", "comment", False), ("segment", "segment", False), ("region", "region", False),
            ("channel", "channel", False)],
    "customers": [("customer_id", "customer id", True), ("start_date", "start date", True),
                  ("churn_date", "churn date", False), ("churned", "churned flag", False),
                  ("tenure", "tenure in months", False), ("name", "customer name", False),
                  ("segment", "segment", False), ("region", "region", False), ("plan", "plan", False),
                  ("subscription_id", "subscription id (one row per subscription)", False),
                  ("status", "subscription status", False)],
    "revenue": [("customer_id", "customer id", True), ("month", "month or invoice date", True),
                ("amount", "amount (MRR or revenue)", True), ("interval", "billing interval", False),
                ("start_date", "subscription start", False), ("end_date", "subscription end / canceled at", False),
                ("status", "status", False), ("quantity", "quantity (seats)", False),
                ("tenure", "tenure in months (snapshot files)", False),
                ("churned", "churned flag (snapshot files)", False)],
}
SYNONYMS = {
    "score": ["npsscore", "score", "nps", "likelihoodtorecommend", "ltr", "recommendscore", "rating",
              "npsrating", "recommend"],
    "response_date": ["responsedate", "respondedat", "surveyedat", "surveydate", "submittedat", "submitted",
                      "submitdateutc", "submitdate", "datesubmitted", "recordeddate", "completedat", "enddate",
                      "createdutc", "createdat", "created", "date", "timestamp", "responsetime"],
    "customer_id": ["customerid", "customer", "accountid", "account", "clientid", "client", "companyid",
                    "custid", "customernumber", "accountnumber", "subscriberid", "externalid",
                    "externalreference", "externaldatareference", "userid", "user", "id", "uuid"],
    "response_id": ["responseid", "surveyresponseid", "submissionid", "respondentid"],
    "comment": ["comment", "comments", "feedback", "text", "verbatim", "reason", "whyscore", "openended"],
    "segment": ["segment", "customersegment", "tier", "size", "companysize"],
    "region": ["region", "geo", "territory", "market", "country"],
    "channel": ["channel", "surveychannel", "source", "medium", "distributionchannel"],
    "start_date": ["startdate", "startutc", "signupdate", "signedupat", "customersince", "joindate", "subscribedat",
                   "activatedat", "startedat", "createdat", "createdutc", "created", "since", "start"],
    "churn_date": ["churndate", "churnedat", "endedatutc", "endedat", "canceledat", "canceledatutc", "cancelledat",
                   "cancellationdate", "canceldate", "enddate"],
    "churned": ["churn", "churned", "churnflag", "ischurned", "haschurned"],
    "tenure": ["tenure", "tenuremonths", "monthsactive", "lifetimemonths"],
    "name": ["name", "customername", "company", "companyname", "accountname"],
    "plan": ["plan", "plantier", "contract", "product"],
    "subscription_id": ["subscriptionid", "subid"],
    "month": ["month", "period", "billingmonth", "revenuemonth", "invoicedate", "invoicemonth", "paidat",
              "transactiondate", "orderdate", "dateutc", "date", "created"],
    "amount": ["mrr", "mrramount", "monthlyrevenue", "amountpaid", "amount", "planamount", "revenue",
               "monthlycharges", "sales", "value", "total"],
    "interval": ["interval", "billinginterval", "billingfrequency", "planinterval", "billingperiod"],
    "status": ["status", "subscriptionstatus", "invoicestatus"],
    "quantity": ["quantity", "qty"],
}
# Subscription dates in a revenue file (Stripe: "Start (UTC)", "Ended At (UTC)", "Canceled At (UTC)").
SYNONYMS_REVENUE = {
    "start_date": ["startdate", "startutc", "start", "startedat", "subscriptionstart", "createdutc", "createdat"],
    "end_date": ["endedatutc", "endedat", "canceledatutc", "canceledat", "cancelledat", "enddate", "endedon"],
}
# Substrings of a header (or of its question text) that identify a field when no synonym matched.
CONTAINS = {"score": ["recommend"],
            "comment": ["reasonforyourscore", "primaryreason", "mainreason", "whydidyou", "whatisthereason"]}
# Header words that point at a kind when the analyst leaves it to us.
KIND_HINTS = {"nps": {"score", "response_date"}, "revenue": {"amount", "month"},
              "customers": {"start_date", "churn_date", "churned", "tenure"}}

# Date formats tried on every date column; the one that parses the most values wins, ties going to the
# earlier. A tie between a month-first and a day-first format (only values like 03/04/2026) is *ambiguous*:
# month-first is used and the analyst is asked (Prepared.ambiguous, Options.date_formats).
DATE_FORMATS = ["ISO", "%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%m/%d/%Y %H:%M",
                "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p",
                "%m/%d/%Y %I:%M %p", "%m/%d/%y", "%d/%m/%y", "%Y-%m", "%b %Y", "%B %Y", "%b-%y", "%d-%b-%Y",
                "%d %b %Y", "%Y%m%d", "EXCEL"]
DATE_FORMAT_LABELS = {"ISO": "ISO 8601 (2026-01-31, timestamps with zones)", "EXCEL": "Excel serial numbers"}
_DAY_MONTH_SWAP = {"%m": "%d", "%d": "%m"}
TRUE_WORDS = ("yes", "y", "true", "1", "churned", "cancelled", "canceled", "lost")
FALSE_WORDS = ("no", "n", "false", "0", "active", "retained", "")
SKIPPED_SUBSCRIPTION_STATUS = ("incomplete", "incomplete_expired", "trialing")
SKIPPED_LINE_STATUS = ("void", "draft", "uncollectible", "failed", "refunded", "canceled", "cancelled")
FORMULA_START = "=+-@\t\r"


def normalise_header(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def swap_day_month(fmt: str) -> str:
    return re.sub(r"%[md]", lambda m: _DAY_MONTH_SWAP[m.group()], fmt)


@dataclass
class Options:
    """Choices the analyst can make on the Data page."""

    kind: str | None = None                  # None: detect from the header
    mapping: dict[str, str] = field(default_factory=dict)  # canonical field -> column ("" = not used)
    as_of: dt.date | None = None             # snapshot files, subscriptions, undated surveys: the export date
    amount_in_cents: bool = False
    today: dt.date | None = None             # dates after this are rejected as "in the future"
    date_formats: dict[str, str] = field(default_factory=dict)  # column -> one of DATE_FORMATS
    skip_invalid: bool = False               # store the valid rows and skip the rejected ones


@dataclass
class Report:
    """Every problem validation found, and the rows they reject."""

    problems: list[Problem]
    total_rows: int
    rejected: pd.DataFrame  # 'file row', 'problems', then the file's own columns

    @property
    def rejected_rows(self) -> int:
        return len(self.rejected)

    def table(self) -> pd.DataFrame:
        """One line per column and reason: count and the first rows (row number as in the file)."""
        return pd.DataFrame({
            "Column": [p.column for p in self.problems],
            "Problem": [p.reason for p in self.problems],
            "Rows": [p.count for p in self.problems],
            "First rows": ["; ".join(f"row {c.row}: {c.value[:40]!r}" for c in p.cells) for p in self.problems],
        })

    def rejected_csv(self) -> bytes:
        return safe_csv(self.rejected)


@dataclass
class Inspection:
    """What the file looks like before any mapping: its header rows, columns and detected kind."""

    columns: list[str]
    labels: dict[str, str]   # column -> question text (survey exports with a second header row)
    header_rows: int
    tool: str                # "CSV", "Qualtrics", "Qualtrics (legacy)", "SurveyMonkey"
    signature: str           # sha256 of the header: the key of saved mapping presets
    kind: str | None         # detected kind, None when the header does not say
    subscription_ids: str | None = None  # a column named "id" holding Stripe subscription ids (sub_…)

    def mapping(self, kind: str) -> dict[str, str]:
        mapping = detect_mapping(kind, self.columns, self.labels)
        if kind == "customers" and "subscription_id" not in mapping and self.subscription_ids \
                and mapping.get("customer_id") != self.subscription_ids:
            mapping["subscription_id"] = self.subscription_ids
        return mapping


@dataclass
class Prepared:
    kind: str
    file_name: str
    sha256: str
    mapping: dict[str, str]
    rows: pd.DataFrame
    warnings: list[str]
    first_date: dt.date | None
    last_date: dt.date | None
    inspection: Inspection | None = None
    layout: str = "rows"  # revenue: "lines" or "subscriptions"; customers: "list", "snapshot", "subscriptions"
    date_formats: dict[str, str] = field(default_factory=dict)    # column -> format used
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # column -> formats that fit every value
    as_of: dt.date | None = None
    report: Report | None = None  # rows skipped (skip_invalid=True); None when every row was valid

    @property
    def summary(self) -> str:
        ids = self.rows["customer_id"].dropna().nunique()
        span = f"{self.first_date:%Y-%m-%d} to {self.last_date:%Y-%m-%d}" if self.first_date else "no dates"
        return f"{len(self.rows):,} rows, {ids:,} customers, {span}"

    def to_upload(self, source: str = "upload", uploaded_by: str | None = None) -> NewUpload:
        mapping = ", ".join(f"{k}←{v}" for k, v in self.mapping.items())
        return NewUpload(self.kind, self.file_name, self.sha256, self.rows, source, mapping,
                         self.first_date, self.last_date, uploaded_by)


def safe_cell(value) -> str:
    """A cell for a CSV download: text starting with a spreadsheet formula character gets a leading quote."""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return "'" + text if text[:1] and text[0] in FORMULA_START else text


def safe_csv(frame: pd.DataFrame) -> bytes:
    """A formula-safe CSV of a frame (every cell, header included, neutralised as the team rule says)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_cell(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


# ---- reading ------------------------------------------------------------------------------------
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


# ---- mapping ------------------------------------------------------------------------------------
def _synonyms(kind: str, name: str) -> list[str]:
    if kind == "revenue" and name in SYNONYMS_REVENUE:
        return SYNONYMS_REVENUE[name]
    return SYNONYMS[name]


def detect_mapping(kind: str, columns: list[str], labels: dict[str, str] | None = None) -> dict[str, str]:
    """Map each canonical field of `kind` to the best-matching column (each column used once)."""
    labels = labels or {}
    normalised = {normalise_header(c): c for c in reversed(columns)}  # first column wins on a clash
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for name, _label, _req in FIELDS[kind]:
        col = next((normalised[s] for s in _synonyms(kind, name) if normalised.get(s) not in (None, *used)), None)
        if col is None:
            col = next((c for c in columns for part in CONTAINS.get(name, ())
                        if c not in used and not normalise_header(c).endswith("npsgroup")
                        and (part in normalise_header(c) or part in normalise_header(labels.get(c, "")))), None)
        if col is not None:
            mapping[name] = col
            used.add(col)
    if kind == "revenue":
        if "start_date" in mapping and "end_date" in mapping:
            mapping.pop("month", None)  # a subscription list: months come from start/end
        else:
            for name in ("start_date", "end_date", "quantity"):  # lines: amounts are line totals
                mapping.pop(name, None)
        if "month" in mapping or "start_date" in mapping or "tenure" not in mapping:
            mapping.pop("tenure", None)  # tenure and churned flag only for snapshot files without dates
            mapping.pop("churned", None)
        amount = normalise_header(mapping.get("amount", ""))
        if "mrr" in amount or "monthly" in amount:
            mapping.pop("interval", None)  # already per month, for all the seats
            mapping.pop("quantity", None)
    return mapping


def _guess_kind(columns: list[str], labels: dict[str, str] | None = None) -> str | None:
    if "score" in detect_mapping("nps", columns, labels):
        return "nps"
    revenue = detect_mapping("revenue", columns, labels)
    if {"amount", "start_date", "end_date"} <= revenue.keys():
        return "revenue"  # a subscription list with amounts
    scores = {k: len(KIND_HINTS[k] & detect_mapping(k, columns, labels).keys()) for k in KINDS}
    best = max(scores, key=lambda k: scores[k])
    if scores[best] == 0:
        return None
    if scores["revenue"] == 2:
        return "revenue"
    return best


def detect_kind(columns: list[str], labels: dict[str, str] | None = None) -> str:
    kind = _guess_kind(columns, labels)
    if kind is None:
        raise UnknownKindError(
            "Could not tell whether this is an NPS, customers or revenue export from its columns: "
            + ", ".join(columns[:12]) + ". Choose the kind and map the columns by hand.")
    return kind


# ---- validation helpers -------------------------------------------------------------------------
class _Checker:
    """Runs checks against temp table `raw`, recording every failing row in temp table `bad`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, opts: Options):
        self.con = con
        self.opts = opts
        self.problems: list[Problem] = []
        self.formats: dict[str, str] = {}
        self.ambiguous: dict[str, list[str]] = {}
        self.as_of = opts.as_of
        self.report: Report | None = None
        self.total = con.execute("SELECT count(*) FROM raw").fetchone()[0]
        con.execute("CREATE OR REPLACE TEMP TABLE bad (_row BIGINT, col VARCHAR, reason VARCHAR)")

    def flag(self, column: str, condition: str, reason: str, params: list | None = None) -> int:
        col = quote_ident(column)
        params = params or []
        count = self.con.execute(f"SELECT count(*) FROM raw WHERE {condition}", params).fetchone()[0]
        if count:
            self.con.execute(f"INSERT INTO bad SELECT _row, ?, ? FROM raw WHERE {condition}",
                             [column, reason, *params])
            rows = self.con.execute(
                f"SELECT _row, {col} FROM raw WHERE {condition} ORDER BY _row LIMIT {SHOWN_BAD_ROWS}",
                params).fetchall()
            cells = tuple(BadCell(r, column, "" if v is None else str(v)) for r, v in rows)
            self.problems.append(Problem(column, reason, count, cells))
        return count

    def flag_duplicates(self, key_sql: str, column: str | None, what: str, reason: str, where: str = "true") -> None:
        value = quote_ident(column) if column else "''"
        dup = self.con.execute(
            f"SELECT _row, {value} FROM (SELECT _row, {value}, row_number() OVER (PARTITION BY {key_sql} "
            f"ORDER BY _row) AS k FROM raw WHERE {where}) WHERE k > 1 ORDER BY _row").fetchall()
        if dup:
            label = column or "(whole row)"
            self.con.executemany("INSERT INTO bad VALUES (?, ?, ?)", [[r, label, reason] for r, _ in dup])
            cells = tuple(BadCell(r, label, "" if v is None else str(v)) for r, v in dup[:SHOWN_BAD_ROWS])
            self.problems.append(Problem(label, reason, len(dup), cells, duplicate_what=what))

    def count_where(self, condition: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM raw WHERE {condition}").fetchone()[0]

    def date(self, column: str) -> str:
        """SQL for the column's dates in its format (the analyst's choice, else the best fit)."""
        col = quote_ident(column)
        chosen = self.opts.date_formats.get(column)
        if chosen in DATE_FORMATS:
            self.formats[column] = chosen
            return _parse_date_sql(col, chosen)
        sample = f"(SELECT DISTINCT {col} FROM raw WHERE NOT {_blank(col)} LIMIT 20000)"
        counts = {fmt: self.con.execute(f"SELECT count({_parse_date_sql(col, fmt)}) FROM {sample}").fetchone()[0]
                  for fmt in DATE_FORMATS}
        best = max(DATE_FORMATS, key=lambda f: (counts[f], -DATE_FORMATS.index(f)))
        twin = swap_day_month(best)
        if counts[best] and twin != best and counts.get(twin) == counts[best]:
            self.ambiguous[column] = [best, twin]
        self.formats[column] = best
        return _parse_date_sql(col, best)

    def settle(self) -> Report | None:
        """No problems: None. Reject path: raise the first problem's typed error with the full report.
        Skip path: delete the rejected rows from `raw` and return the report."""
        if not self.problems:
            return None
        rejected = self.con.execute(
            "SELECT b._row AS \"file row\", b.problems, r.* EXCLUDE (_row) FROM raw r JOIN ("
            " SELECT _row, string_agg(DISTINCT col || ': ' || reason, '; ') AS problems FROM bad GROUP BY _row"
            ") b USING (_row) ORDER BY b._row").df()
        report = Report(list(self.problems), self.total, rejected)
        if not self.opts.skip_invalid:
            err = self.problems[0].as_error()
            err.report = report
            raise err
        self.report = report
        self.con.execute("DELETE FROM raw WHERE _row IN (SELECT _row FROM bad)")
        if self.con.execute("SELECT count(*) FROM raw").fetchone()[0] == 0:
            err = EmptyFileError(f"Every one of the {self.total:,} rows was rejected; nothing to store.")
            err.report = report
            raise err
        return report


def _blank(col_sql: str) -> str:
    return f"coalesce(trim({col_sql}), '') = ''"


def _parse_date_sql(col_sql: str, fmt: str) -> str:
    if fmt == "ISO":  # ISO 8601 dates and timestamps, with or without a zone (+hh:mm, +hhmm, Z, UTC)
        iso = f"regexp_replace(trim({col_sql}), '\\s*([+-][0-9]{{2}}):?([0-9]{{2}})$', '\\1:\\2')"
        return f"try_cast(try_cast({iso} AS TIMESTAMPTZ) AS DATE)"
    if fmt == "EXCEL":  # days since 1899-12-30 (Excel's 1900 date system), plausible range only
        num = f"try_cast(trim({col_sql}) AS DOUBLE)"
        return (f"CASE WHEN regexp_full_match(trim({col_sql}), '[0-9]{{5}}(\\.[0-9]+)?') AND {num} BETWEEN 20000 "
                f"AND 80000 THEN (DATE '1899-12-30' + floor({num})::INTEGER) END")
    return f"try_cast(try_strptime(trim({col_sql}), '{fmt}') AS DATE)"


def _check_dates(chk: _Checker, column: str, expr: str, required: bool, today: dt.date) -> None:
    col = quote_ident(column)
    if required:
        chk.flag(column, _blank(col), "are empty (a date is required)")
    chk.flag(column, f"NOT {_blank(col)} AND {expr} IS NULL", "are not dates in the format the rest of the column uses")
    chk.flag(column, f"{expr} > ?", f"are in the future (after {today:%Y-%m-%d})", [today])
    chk.flag(column, f"{expr} < DATE '1970-01-01'", "are before 1970")


_AMOUNT_CLEAN = "regexp_replace(trim({c}), '[\\s\u00a0$€£¥'']|USD|EUR|GBP|CHF', '', 'g')"


def decimal_comma(con: duckdb.DuckDBPyConnection, column: str) -> bool:
    """Whether the column writes amounts as 1.234,56 (decided for the whole column, so 22.368 is not read
    as 22,368 in a column of dot decimals)."""
    v = _AMOUNT_CLEAN.format(c=quote_ident(column))
    comma, dot = con.execute(
        f"SELECT count(*) FILTER (regexp_matches({v}, ',[0-9]{{1,2}}$|,[0-9]{{4,}}$|\\.[0-9]{{3}},')),"
        f" count(*) FILTER (regexp_matches({v}, '\\.[0-9]{{1,2}}$|\\.[0-9]{{4,}}$|,[0-9]{{3}}\\.'))"
        " FROM raw").fetchone()
    return comma > dot


def _amount_sql(col_sql: str, comma: bool = False) -> str:
    """Text amount to DOUBLE: strips currency symbols, spaces and thousands separators (1,234.56 or, with
    `comma`, 1.234,56; 1'234.56 either way)."""
    v = _AMOUNT_CLEAN.format(c=col_sql)
    if comma:
        return f"try_cast(replace(replace({v}, '.', ''), ',', '.') AS DOUBLE)"
    return f"try_cast(replace({v}, ',', '') AS DOUBLE)"


def _text(mapping: dict[str, str], name: str) -> str:
    """Optional text column as trimmed VARCHAR (blank -> NULL), or NULL when unmapped."""
    if name not in mapping:
        return "NULL::VARCHAR"
    return f"nullif(trim({quote_ident(mapping[name])}), '')"


def _flag_sql(col_sql: str) -> str:
    return f"lower(trim(coalesce({col_sql}, '')))"


def _set_as_of(chk: _Checker, as_of: dt.date) -> str:
    chk.con.execute("SET VARIABLE as_of = ?::DATE", [as_of])
    return "getvariable('as_of')"


def _formula_warning(chk: _Checker, m: dict[str, str], names: tuple[str, ...], warnings: list[str]) -> None:
    cols = [m[n] for n in names if n in m]
    if not cols:
        return
    stray = sum(chk.count_where(f"starts_with({quote_ident(c)}, '\"') AND NOT ends_with({quote_ident(c)}, '\"')")
                for c in cols)
    if stray:
        warnings.append(f"{stray:,} text cells start with a double quote that is never closed (unbalanced quoting "
                        "in the file); they were read literally, quote included. Check those rows.")
    n = sum(chk.count_where(f"left(trim({quote_ident(c)}), 1) IN ('=', '+', '@') "
                            f"OR regexp_matches({quote_ident(c)}, '^(-[^0-9]|[\\t\\r])')") for c in cols)
    if n:
        warnings.append(f"{n:,} text cells start like a spreadsheet formula (=, +, -, @); they are stored as plain "
                        "text and neutralised in every CSV download.")


# ---- per kind -----------------------------------------------------------------------------------
def _prepare_nps(chk: _Checker, m: dict[str, str], opts: Options, warnings: list[str]) -> pd.DataFrame:
    score_col = quote_ident(m["score"])
    # "10 - Extremely likely", "9", "9.0" -> 9; anything else is not a score.
    score_txt = f"regexp_extract(trim({score_col}), '^(-?[0-9]+)(\\.0+)?(\\s*[-–:].*)?$', 1)"
    score = f"try_cast(nullif({score_txt}, '') AS INTEGER)"
    unanswered = chk.count_where(_blank(score_col))
    if unanswered:
        warnings.append(f"{unanswered:,} responses without a score (question not answered) were skipped.")
    chk.flag(m["score"], f"NOT {_blank(score_col)} AND {score} IS NULL", "are not whole-number scores")
    chk.flag(m["score"], f"{score} NOT BETWEEN 0 AND 10", "are outside the NPS scale 0–10")
    if "response_date" in m:
        date = chk.date(m["response_date"])
        _check_dates(chk, m["response_date"], date, True, opts.today)
    else:  # an undated survey: every response on the as-of date the analyst gave
        date = _set_as_of(chk, opts.as_of)
        warnings.append(f"No response date column: every response is dated {opts.as_of:%Y-%m-%d} (the as-of date).")
    chk.settle()
    if "customer_id" not in m:
        warnings.append("No customer id column: responses are stored as anonymous and cannot be linked to "
                        "revenue or churn.")
    else:
        anon = chk.count_where(f"{_blank(quote_ident(m['customer_id']))} AND NOT {_blank(score_col)}")
        if anon:
            warnings.append(f"{anon:,} responses have no customer id and are stored as anonymous.")
    _formula_warning(chk, m, ("comment", "customer_id", "segment", "region", "channel"), warnings)
    return chk.con.execute(f"""
        SELECT _row AS row_number, {_text(m, 'response_id')} AS response_id,
               {_text(m, 'customer_id')} AS customer_id, {date} AS response_date,
               {score}::TINYINT AS score, {_text(m, 'comment')} AS comment, {_text(m, 'segment')} AS segment,
               {_text(m, 'region')} AS region, {_text(m, 'channel')} AS channel
        FROM raw WHERE NOT {_blank(score_col)} ORDER BY _row""").df()


def _prepare_customers(chk: _Checker, m: dict[str, str], opts: Options, warnings: list[str]) -> pd.DataFrame:
    cid = quote_ident(m["customer_id"])
    chk.flag(m["customer_id"], _blank(cid), "are empty (every customer needs an id)")
    per_subscription = "subscription_id" in m
    if not per_subscription:
        chk.flag_duplicates(f"trim({cid})", m["customer_id"], f"customer ids in column '{m['customer_id']}'",
                            "repeat an earlier row's customer id", where=f"NOT {_blank(cid)}")
    if "start_date" in m:
        start = chk.date(m["start_date"])
        _check_dates(chk, m["start_date"], start, True, opts.today)
        if "churn_date" in m:
            churn = chk.date(m["churn_date"])
            _check_dates(chk, m["churn_date"], churn, False, opts.today)
            chk.flag(m["churn_date"], f"{churn} < {start}", "are before the customer's start date")
        else:
            churn = "NULL::DATE"
    else:
        # Snapshot export (e.g. the telecom churn sample): tenure in months + churned flag, as of a date.
        # Start = first day of (as-of month − tenure months); a churned customer churned on the as-of date.
        tenure_col = quote_ident(m["tenure"])
        flag = _flag_sql(quote_ident(m["churned"]))
        tenure = f"try_cast(trim({tenure_col}) AS INTEGER)"
        chk.flag(m["tenure"], f"{tenure} IS NULL OR {tenure} < 0", "are not whole numbers of months ≥ 0")
        chk.flag(m["churned"], f"{flag} NOT IN {TRUE_WORDS + FALSE_WORDS}", "are not yes/no churn flags")
        as_of = opts.as_of or opts.today
        warnings.append(f"Snapshot file: start dates derived from tenure, churners dated {as_of:%Y-%m-%d} "
                        "(the as-of date).")
        var = _set_as_of(chk, as_of)
        start = f"(date_trunc('month', {var}) - to_months({tenure}))::DATE"
        churn = f"CASE WHEN {flag} IN {TRUE_WORDS} THEN {var} END"
    chk.settle()
    _formula_warning(chk, m, ("customer_id", "name", "segment", "region", "plan"), warnings)
    if per_subscription:
        # One row per subscription: a customer starts with their first subscription and churns when the
        # last one ends (still a customer while any subscription has no end date).
        status = _flag_sql(quote_ident(m["status"])) if "status" in m else None
        keep = f"{status} NOT IN ('incomplete', 'incomplete_expired')" if status else "true"
        if status and (never := chk.count_where(f"NOT ({keep})")):
            warnings.append(f"{never:,} subscriptions that were never paid (incomplete) were left out.")
        lines = chk.count_where(keep)
        frame = chk.con.execute(f"""
            SELECT trim({cid}) AS customer_id, any_value({_text(m, 'name')}) AS name, min({start}) AS start_date,
                   CASE WHEN count(*) = count({churn}) THEN max({churn}) END AS churn_date,
                   arg_max({_text(m, 'segment')}, {start}) AS segment, arg_max({_text(m, 'region')}, {start}) AS region,
                   arg_max({_text(m, 'plan')}, {start}) AS plan
            FROM raw WHERE {keep} GROUP BY 1 ORDER BY min(_row)""").df()
        warnings.append(f"{lines:,} subscriptions combined into {len(frame):,} customers (start = first "
                        "subscription's start; churned when every subscription has ended, on the last end date).")
        return frame
    return chk.con.execute(f"""
        SELECT trim({cid}) AS customer_id, {_text(m, 'name')} AS name, {start} AS start_date,
               {churn} AS churn_date, {_text(m, 'segment')} AS segment, {_text(m, 'region')} AS region,
               {_text(m, 'plan')} AS plan
        FROM raw ORDER BY _row""").df()


def _per_month_sql(m: dict[str, str], opts: Options, comma: bool) -> str:
    per_month = _amount_sql(quote_ident(m["amount"]), comma) + ("/ 100.0" if opts.amount_in_cents else "")
    if "quantity" in m:
        per_month = f"({per_month}) * coalesce(try_cast(trim({quote_ident(m['quantity'])}) AS DOUBLE), 1)"
    if "interval" in m:
        interval = _flag_sql(quote_ident(m["interval"]))
        per_month = (f"CASE WHEN {interval} IN ('year', 'yearly', 'annual', 'annually', '12', 'y') "
                     f"THEN ({per_month}) / 12 "
                     f"WHEN {interval} IN ('quarter', 'quarterly', '3') THEN ({per_month}) / 3 ELSE {per_month} END")
    return per_month


def _prepare_revenue(chk: _Checker, m: dict[str, str], opts: Options, warnings: list[str]) -> pd.DataFrame:
    cid, amount_col = quote_ident(m["customer_id"]), quote_ident(m["amount"])
    subscriptions = "start_date" in m or "tenure" in m
    chk.flag(m["customer_id"], _blank(cid), "are empty (every revenue row needs a customer id)")
    if "tenure" in m and "start_date" not in m:
        # Snapshot file (the telecom churn sample): a monthly charge, tenure in months and a churned flag as of
        # a date. Read as one subscription per customer: from (as-of month − tenure) to the as-of date when
        # churned, else still running; the charge is assumed constant over the tenure.
        tenure = f"try_cast(trim({quote_ident(m['tenure'])}) AS INTEGER)"
        chk.flag(m["tenure"], f"{tenure} IS NULL OR {tenure} < 0", "are not whole numbers of months ≥ 0")
        flag = _flag_sql(quote_ident(m["churned"])) if "churned" in m else "''"
        if "churned" in m:
            chk.flag(m["churned"], f"{flag} NOT IN {TRUE_WORDS + FALSE_WORDS}", "are not yes/no churn flags")
        snap_as_of = opts.as_of or opts.today
        var = _set_as_of(chk, snap_as_of)
        start = f"(date_trunc('month', {var}) - to_months({tenure}))::DATE"
        end = f"CASE WHEN {flag} IN {TRUE_WORDS} THEN {var} END"
        warnings.append(f"Snapshot file: each customer's monthly charge counted from (as-of month − tenure) "
                        f"to {snap_as_of:%b %Y}, or to the month before it for churners (as-of date "
                        f"{snap_as_of:%Y-%m-%d}); the charge is assumed constant over the tenure.")
    elif subscriptions:
        start = chk.date(m["start_date"])
        _check_dates(chk, m["start_date"], start, True, opts.today)
        end = "NULL::DATE"
        if "end_date" in m:
            end = chk.date(m["end_date"])
            _check_dates(chk, m["end_date"], end, False, opts.today)
            chk.flag(m["end_date"], f"{end} < {start}", "are before the subscription's start")
    else:
        month = chk.date(m["month"])
        _check_dates(chk, m["month"], month, True, opts.today)
    comma = decimal_comma(chk.con, m["amount"])
    amount = _amount_sql(amount_col, comma)
    chk.flag(m["amount"], _blank(amount_col), "are empty (an amount is required)")
    chk.flag(m["amount"], f"NOT {_blank(amount_col)} AND {amount} IS NULL", "are not numbers")
    chk.flag(m["amount"], f"{amount} < 0", "are negative (refunds and credits are not MRR)")
    status = _flag_sql(quote_ident(m["status"])) if "status" in m else None
    if subscriptions and status and "end_date" in m:
        chk.flag(m["status"], f"{status} IN ('canceled', 'cancelled', 'ended') AND {end} IS NULL",
                 f"say the subscription ended but '{m['end_date']}' is empty")
    chk.settle()
    skipped = SKIPPED_SUBSCRIPTION_STATUS if subscriptions else SKIPPED_LINE_STATUS
    keep = f"{status} NOT IN {skipped}" if status else "true"
    if status and (n := chk.count_where(f"NOT ({keep})")):
        found = [r[0] for r in chk.con.execute(
            f"SELECT DISTINCT {status} FROM raw WHERE NOT ({keep}) ORDER BY 1").fetchall()]
        warnings.append(f"{n:,} rows with status {', '.join(found)} bring no revenue and were left out.")
    per_month = _per_month_sql(m, opts, comma)
    if not subscriptions:
        frame = chk.con.execute(f"""
            SELECT trim({cid}) AS customer_id, date_trunc('month', {month})::DATE AS month,
                   round(sum({per_month}), 2)::DECIMAL(18, 2) AS mrr
            FROM raw WHERE {keep} GROUP BY ALL ORDER BY customer_id, month""").df()
        lines = chk.count_where(keep)
        if lines > len(frame):
            warnings.append(f"{lines:,} rows summed into {len(frame):,} customer-months.")
        return frame
    # Subscriptions: MRR in every month from the start month up to (not including) the end month, or
    # through the as-of month while still running.
    if "tenure" in m and "start_date" not in m:
        latest = opts.as_of or opts.today
    else:
        latest = chk.con.execute(f"SELECT greatest(max({start}), max({end})) FROM raw").fetchone()[0]
    as_of = min(opts.as_of or latest or opts.today, opts.today)
    chk.as_of = as_of
    var = _set_as_of(chk, as_of)
    frame = chk.con.execute(f"""
        WITH subs AS (
            SELECT trim({cid}) AS customer_id, date_trunc('month', {start})::DATE AS first_m,
                   least(CASE WHEN {end} IS NULL THEN date_trunc('month', {var})
                              ELSE date_trunc('month', {end}) - INTERVAL 1 MONTH END,
                         date_trunc('month', {var}))::DATE AS last_m,
                   {per_month} AS mrr
            FROM raw WHERE {keep}
        ), months AS (
            SELECT customer_id, unnest(generate_series(first_m, last_m, INTERVAL 1 MONTH))::DATE AS month, mrr
            FROM subs WHERE last_m >= first_m
        )
        SELECT customer_id, month, round(sum(mrr), 2)::DECIMAL(18, 2) AS mrr FROM months
        GROUP BY ALL HAVING sum(mrr) > 0 ORDER BY customer_id, month""").df()
    warnings.append(f"{chk.count_where(keep):,} subscriptions expanded into {len(frame):,} customer-months of MRR "
                    f"(running subscriptions through {as_of:%b %Y}, the as-of date {as_of:%Y-%m-%d}).")
    return frame


PREPARERS = {"nps": _prepare_nps, "customers": _prepare_customers, "revenue": _prepare_revenue}
DATE_FIELD = {"nps": "response_date", "customers": "start_date", "revenue": "month"}


def _check_size(data: bytes) -> None:
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileTooLargeError(f"The file is {len(data) / 2**20:,.0f} MB; the limit is "
                                f"{MAX_UPLOAD_BYTES / 2**20:,.0f} MB.")


def prepare(data: bytes, file_name: str, options: Options | None = None) -> Prepared:
    """Read, map and validate one export. Raises an IngestError subclass if anything cannot be trusted
    (with `report` set when validation found bad rows and `skip_invalid` is off)."""
    opts = options or Options()
    opts.today = opts.today or dt.date.today()
    if opts.as_of and opts.as_of > opts.today:
        raise InvalidOptionError(f"The as-of date {opts.as_of:%Y-%m-%d} is in the future; an export cannot be "
                                 "taken after today.")
    _check_size(data)
    text = decode(data)
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        seen = read_table(con, text)
        columns = seen.columns
        kind = opts.kind or seen.kind or detect_kind(columns, seen.labels)
        if kind not in KINDS:
            raise UnknownKindError(f"Unknown kind {kind!r}.")
        mapping = {**seen.mapping(kind), **opts.mapping}
        mapping = {k: v for k, v in mapping.items() if v}
        for name, col in mapping.items():
            if col not in columns:
                raise MissingColumnError(name, f"column {col!r}", columns)
        if kind == "revenue" and "start_date" in mapping:
            mapping.pop("month", None)
        _require_fields(kind, mapping, columns, opts)
        chk = _Checker(con, opts)
        chk.flag_duplicates(", ".join(quote_ident(c) for c in columns), None,
                            "rows (identical in every column to an earlier row)",
                            "repeat an earlier row in every column")
        warnings: list[str] = []
        if seen.tool != "CSV":
            warnings.insert(0, f"{seen.tool} export: {seen.header_rows} header rows read as one.")
        rows = PREPARERS[kind](chk, mapping, opts, warnings)
        for column, (used, other) in chk.ambiguous.items():
            warnings.append(f"Dates in '{column}' fit both {used} and {other}; read as {used}. Confirm the format "
                            "in the mapping step.")
        if rows.empty:
            raise EmptyFileError("No usable rows remain after skipping unanswered responses.")
        dates = rows[DATE_FIELD[kind]]
        first, last = dates.min().date(), dates.max().date()
        if kind == "revenue":  # a month of revenue runs to the month's last day
            last = (pd.Timestamp(last) + pd.offsets.MonthEnd(0)).date()
        layout = {"revenue": "subscriptions" if "start_date" in mapping else "snapshot" if "tenure" in mapping
                  else "lines",
                  "customers": "subscriptions" if "subscription_id" in mapping
                  else "list" if "start_date" in mapping else "snapshot"}.get(kind, "responses")
        return Prepared(kind, file_name, hashlib.sha256(data).hexdigest(), mapping, rows, warnings, first, last,
                        seen, layout, dict(chk.formats), dict(chk.ambiguous), chk.as_of, chk.report)
    except IngestError:
        raise
    except duckdb.Error as exc:  # anything DuckDB could not do with this file's values
        raise UnreadableFileError(f"The file could not be processed: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()


def _require_fields(kind: str, mapping: dict[str, str], columns: list[str], opts: Options) -> None:
    for name, label, required in FIELDS[kind]:
        if not required or name in mapping:
            continue
        if kind == "customers" and name == "start_date" and {"tenure", "churned"} <= mapping.keys():
            continue  # snapshot file: start derived from tenure
        if kind == "revenue" and name == "month" and ("start_date" in mapping or "tenure" in mapping):
            continue  # subscription list: months from start/end; snapshot: from tenure
        if kind == "nps" and name == "response_date" and opts.as_of:
            continue  # undated survey: the as-of date
        if kind == "nps" and name == "response_date":
            label += " (or, for a survey without dates, an as-of date)"
        raise MissingColumnError(name, label, columns)
    if kind == "customers" and "start_date" in mapping and "churned" in mapping and "churn_date" not in mapping:
        raise MissingColumnError("churn_date", "churn date (a churned flag alone does not say when)", columns)


def _pct(new: float, old: float) -> str:
    return f"{(new - old) / old:+.1%}" if old else "new"


def change_summary(ws: Workspace, version: int, previous: int | None) -> str:
    """The stored version in words, and what changed vs the version it replaced:
    "1,234 rows, 2023-01-01 to 2024-12-31, 500 customers; vs version 3: +312 customers, ARR +4.1%"."""
    new = ws.version_stats(version)
    if new is None:
        return ""
    span = f"{new['first_date']:%Y-%m-%d} to {new['last_date']:%Y-%m-%d}" if new["first_date"] else "no dates"
    text = f"{new['rows']:,} rows, {span}, {new['customers']:,} customers"
    if new["kind"] == "revenue":
        text += f", ARR {new['arr']:,.0f} (last month × 12)"
    elif new["kind"] == "nps" and new["nps"] is not None:
        text += f", NPS {new['nps']:+.0f}"
    old = ws.version_stats(previous)
    if old is None:
        return text + "; the first version of its kind."
    changes = [f"{new['rows'] - old['rows']:+,} rows", f"{new['customers'] - old['customers']:+,} customers"]
    if new["kind"] == "revenue":
        changes.append(f"ARR {_pct(new['arr'], old['arr'])}")
    elif new["kind"] == "customers":
        changes.append(f"{new['active'] - old['active']:+,} active at the end")
    elif new["nps"] is not None and old["nps"] is not None:
        changes.append(f"NPS {new['nps'] - old['nps']:+.1f} points")
    return text + f"; vs version {previous}: " + ", ".join(changes) + "."


SAMPLE_FILES = {"customers": "customers.csv", "nps": "nps_responses.csv", "revenue": "revenue.csv"}


def load_sample(ws: Workspace, folder) -> Snapshot:
    """Load the bundled sample company through the same path as an upload, as one snapshot."""
    uploads = []
    for kind, name in SAMPLE_FILES.items():
        # The sample's dates are fixed, so none may be judged "in the future" on a machine with an old clock.
        opts = Options(kind=kind, today=dt.date(9999, 12, 31))
        uploads.append(prepare((Path(folder) / name).read_bytes(), name, opts).to_upload("sample"))
    return ws.commit(uploads)
