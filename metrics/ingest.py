"""Ingest: read an analyst's CSV export, map its columns, validate every row, normalise to canonical rows.

`prepare()` does everything except storing and raises a typed `IngestError` for anything it cannot trust;
`Workspace.commit()` then stores the result in one transaction. Parsing and validation run in a private
in-memory DuckDB connection, so a rejected file never touches the workspace.

Row numbers in messages are as in the file with the header as row 1 (a quoted comment spanning several
lines still counts as one row).
"""

from __future__ import annotations

import codecs
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
    DuplicateRowsError,
    EmptyFileError,
    FileTooLargeError,
    IngestError,
    InvalidValuesError,
    MissingColumnError,
    UnknownKindError,
    UnreadableFileError,
)
from metrics.store import KINDS, NewUpload, Snapshot, Workspace, quote_ident

MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # keep in step with .streamlit/config.toml server.maxUploadSize
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
                  ("segment", "segment", False), ("region", "region", False), ("plan", "plan", False)],
    "revenue": [("customer_id", "customer id", True), ("month", "month or invoice date", True),
                ("amount", "amount (MRR or revenue)", True), ("interval", "billing interval", False)],
}
SYNONYMS = {
    "score": ["npsscore", "score", "nps", "likelihoodtorecommend", "ltr", "recommendscore", "rating",
              "npsrating", "recommend"],
    "response_date": ["responsedate", "respondedat", "surveyedat", "surveydate", "submittedat", "submitted",
                      "recordeddate", "completedat", "enddate", "createdutc", "createdat", "created", "date",
                      "timestamp", "responsetime"],
    "customer_id": ["customerid", "customer", "accountid", "account", "clientid", "client", "companyid",
                    "custid", "customernumber", "accountnumber", "subscriberid", "userid", "user", "id"],
    "response_id": ["responseid", "surveyresponseid", "submissionid"],
    "comment": ["comment", "comments", "feedback", "text", "verbatim", "reason", "whyscore", "openended"],
    "segment": ["segment", "customersegment", "tier", "size", "companysize"],
    "region": ["region", "geo", "territory", "market", "country"],
    "channel": ["channel", "surveychannel", "source", "medium"],
    "start_date": ["startdate", "signupdate", "signedupat", "customersince", "joindate", "subscribedat",
                   "activatedat", "createdat", "created", "since"],
    "churn_date": ["churndate", "churnedat", "canceledat", "cancelledat", "cancellationdate", "canceldate",
                   "enddate", "endedat"],
    "churned": ["churn", "churned", "churnflag", "ischurned", "hasChurned".lower()],
    "tenure": ["tenure", "tenuremonths", "monthsactive", "lifetimemonths"],
    "name": ["name", "customername", "company", "companyname", "accountname"],
    "plan": ["plan", "plantier", "contract", "product", "subscription"],
    "month": ["month", "period", "billingmonth", "revenuemonth", "invoicedate", "invoicemonth", "paidat",
              "transactiondate", "orderdate", "date", "created"],
    "amount": ["mrr", "mrramount", "monthlyrevenue", "amount", "revenue", "monthlycharges", "sales", "value",
               "total"],
    "interval": ["interval", "billinginterval", "billingfrequency", "planinterval", "billingperiod"],
}
# Header words that point at a kind when the analyst leaves it to us.
KIND_HINTS = {"nps": {"score", "response_date"}, "revenue": {"amount", "month"},
              "customers": {"start_date", "churn_date", "churned", "tenure"}}

# Date formats tried on every date column, most specific first; the one that parses the most values
# wins, ties going to the earlier (so 03/04/2026 is read month-first unless a value proves day-first).
DATE_FORMATS = ["ISO", "%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%m/%d/%Y %H:%M",
                "%d/%m/%Y %H:%M", "%m/%d/%y", "%d/%m/%y", "%Y-%m", "%b %Y", "%B %Y", "%d-%b-%Y", "%d %b %Y"]
TRUE_WORDS = ("yes", "y", "true", "1", "churned", "cancelled", "canceled", "lost")
FALSE_WORDS = ("no", "n", "false", "0", "active", "retained", "")


def normalise_header(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


@dataclass
class Options:
    """Choices the analyst can make on the Data page."""

    kind: str | None = None                  # None: detect from the header
    mapping: dict[str, str] = field(default_factory=dict)  # canonical field -> column, overrides detection
    as_of: dt.date | None = None             # snapshot files (tenure + churn flag): the export date
    amount_in_cents: bool = False
    today: dt.date | None = None             # dates after this are rejected as "in the future"


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

    @property
    def summary(self) -> str:
        ids = self.rows["customer_id"].dropna().nunique()
        span = f"{self.first_date:%Y-%m-%d} to {self.last_date:%Y-%m-%d}" if self.first_date else "no dates"
        return f"{len(self.rows):,} rows, {ids:,} customers, {span}"

    def to_upload(self, source: str = "upload") -> NewUpload:
        mapping = ", ".join(f"{k}←{v}" for k, v in self.mapping.items())
        return NewUpload(self.kind, self.file_name, self.sha256, self.rows, source, mapping,
                         self.first_date, self.last_date)


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
            return data.decode(codec)
    if b"\x00" in data[:4096]:
        raise UnreadableFileError("The file contains binary data (NUL bytes); it is not a text CSV.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_table(con: duckdb.DuckDBPyConnection, text: str) -> list[str]:
    """Load CSV text into temp table `raw` (all VARCHAR, plus `_row` = data row number). Returns columns."""
    try:
        rel = con.read_csv(io.BytesIO(text.encode("utf-8")), all_varchar=True, header=True)
        columns = list(rel.columns)
        con.execute("CREATE OR REPLACE TEMP TABLE raw AS SELECT row_number() OVER () AS _row, * FROM rel")
    except duckdb.Error as exc:
        first_line = str(exc).strip().splitlines()[0]
        raise UnreadableFileError(f"The file could not be read as CSV: {first_line}") from exc
    # Drop unnamed, empty trailing columns (spreadsheets add them for a trailing comma).
    empty = [c for c in columns if re.fullmatch(r"column\d+", c)
             and con.execute(f"SELECT count({quote_ident(c)}) FROM raw").fetchone()[0] == 0]
    for c in empty:
        con.execute(f"ALTER TABLE raw DROP COLUMN {quote_ident(c)}")
    columns = [c for c in columns if c not in empty]
    # Trailing empty rows: every cell blank.
    if columns:
        blank = " AND ".join(f"coalesce(trim({quote_ident(c)}), '') = ''" for c in columns)
        con.execute(f"DELETE FROM raw WHERE {blank}")
    if con.execute("SELECT count(*) FROM raw").fetchone()[0] == 0:
        raise EmptyFileError("The file has a header but no data rows.")
    return columns


# ---- mapping ------------------------------------------------------------------------------------
def detect_mapping(kind: str, columns: list[str]) -> dict[str, str]:
    """Map each canonical field of `kind` to the best-matching column (each column used once)."""
    normalised = {normalise_header(c): c for c in reversed(columns)}  # first column wins on a clash
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for name, _label, _req in FIELDS[kind]:
        for syn in SYNONYMS[name]:
            col = normalised.get(syn)
            if col is None and name == "score" and syn == "recommend":
                col = next((c for c in columns if "recommend" in c.lower()), None)
            if col is not None and col not in used:
                mapping[name] = col
                used.add(col)
                break
    return mapping


def detect_kind(columns: list[str]) -> str:
    scores = {k: len(KIND_HINTS[k] & detect_mapping(k, columns).keys()) for k in KINDS}
    if "score" in detect_mapping("nps", columns):
        return "nps"
    best = max(scores, key=lambda k: scores[k])
    if scores[best] == 0:
        raise UnknownKindError(
            "Could not tell whether this is an NPS, customers or revenue export from its columns: "
            + ", ".join(columns[:12]) + ". Choose the kind and map the columns by hand.")
    if scores["revenue"] == 2:
        return "revenue"
    return best


# ---- validation helpers -------------------------------------------------------------------------
class _Checker:
    """Runs checks against temp table `raw`; each bad-cell check raises with the first rows."""

    def __init__(self, con: duckdb.DuckDBPyConnection, header_rows: int = 1):
        self.con = con
        self.offset = header_rows

    def fail_where(self, column: str, condition: str, reason: str, params: list | None = None) -> None:
        col = quote_ident(column)
        count = self.con.execute(f"SELECT count(*) FROM raw WHERE {condition}", params or []).fetchone()[0]
        if count:
            rows = self.con.execute(
                f"SELECT _row, {col} FROM raw WHERE {condition} ORDER BY _row LIMIT {SHOWN_BAD_ROWS}",
                params or []).fetchall()
            cells = [BadCell(r + self.offset, column, "" if v is None else str(v)) for r, v in rows]
            raise InvalidValuesError(column, reason, count, cells)

    def count_where(self, condition: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM raw WHERE {condition}").fetchone()[0]


def _blank(col_sql: str) -> str:
    return f"coalesce(trim({col_sql}), '') = ''"


def date_expr(con: duckdb.DuckDBPyConnection, column: str) -> tuple[str, str]:
    """Pick the date format that parses most of the column's values; return (SQL expression, format)."""
    col = quote_ident(column)
    best, best_count = DATE_FORMATS[0], -1
    for fmt in DATE_FORMATS:
        expr = _parse_date_sql(col, fmt)
        n = con.execute(f"SELECT count({expr}) FROM (SELECT DISTINCT {col} FROM raw)").fetchone()[0]
        if n > best_count:
            best, best_count = fmt, n
    return _parse_date_sql(col, best), best


def _parse_date_sql(col_sql: str, fmt: str) -> str:
    if fmt == "ISO":  # ISO 8601 dates and timestamps, with or without a zone; the session runs in UTC
        return f"try_cast(try_cast(trim({col_sql}) AS TIMESTAMPTZ) AS DATE)"
    return f"try_cast(try_strptime(trim({col_sql}), '{fmt}') AS DATE)"


def _check_dates(chk: _Checker, column: str, expr: str, required: bool, today: dt.date) -> None:
    col = quote_ident(column)
    if required:
        chk.fail_where(column, _blank(col), "are empty (a date is required)")
    chk.fail_where(column, f"NOT {_blank(col)} AND {expr} IS NULL",
                   "are not dates in the format the rest of the column uses")
    chk.fail_where(column, f"{expr} > ?", f"are in the future (after {today:%Y-%m-%d})", [today])
    chk.fail_where(column, f"{expr} < DATE '1970-01-01'", "are before 1970")


def _amount_sql(col_sql: str) -> str:
    """Text amount to DOUBLE: strips currency symbols and spaces; handles 1,234.56 and 1.234,56."""
    v = f"regexp_replace(trim({col_sql}), '[\\s$€£¥]|USD|EUR|GBP', '', 'g')"
    decimal_comma = f"regexp_full_match({v}, '-?[0-9]{{1,3}}(\\.[0-9]{{3}})+(,[0-9]+)?|-?[0-9]+,[0-9]{{1,2}}')"
    return (f"try_cast(CASE WHEN {decimal_comma} THEN replace(replace({v}, '.', ''), ',', '.')"
            f" ELSE replace({v}, ',', '') END AS DOUBLE)")


def _text(mapping: dict[str, str], name: str) -> str:
    """Optional text column as trimmed VARCHAR (blank -> NULL), or NULL when unmapped."""
    if name not in mapping:
        return "NULL::VARCHAR"
    return f"nullif(trim({quote_ident(mapping[name])}), '')"


def _check_duplicate_rows(chk: _Checker, columns: list[str]) -> None:
    cols = ", ".join(quote_ident(c) for c in columns)
    dup = chk.con.execute(
        f"SELECT _row FROM (SELECT _row, row_number() OVER (PARTITION BY {cols} ORDER BY _row) AS k FROM raw)"
        " WHERE k > 1 ORDER BY _row").fetchall()
    if dup:
        rows = [r[0] + chk.offset for r in dup[:SHOWN_BAD_ROWS]]
        raise DuplicateRowsError("rows (identical in every column to an earlier row)", len(dup), rows)


# ---- per kind -----------------------------------------------------------------------------------
def _prepare_nps(chk: _Checker, m: dict[str, str], opts: Options, warnings: list[str]) -> pd.DataFrame:
    score_col = quote_ident(m["score"])
    # "10 - Extremely likely", "9", "9.0" -> 9; anything else is not a score.
    score_txt = f"regexp_extract(trim({score_col}), '^(-?[0-9]+)(\\.0+)?(\\s*[-–:].*)?$', 1)"
    score = f"try_cast(nullif({score_txt}, '') AS INTEGER)"
    unanswered = chk.count_where(_blank(score_col))
    if unanswered:
        warnings.append(f"{unanswered:,} responses without a score (question not answered) were skipped.")
    chk.fail_where(m["score"], f"NOT {_blank(score_col)} AND {score} IS NULL", "are not whole-number scores")
    chk.fail_where(m["score"], f"{score} NOT BETWEEN 0 AND 10", "are outside the NPS scale 0–10")
    date, _fmt = date_expr(chk.con, m["response_date"])
    _check_dates(chk, m["response_date"], date, True, opts.today)
    if "customer_id" not in m:
        warnings.append("No customer id column: responses are stored as anonymous and cannot be linked to "
                        "revenue or churn.")
    else:
        anon = chk.count_where(_blank(quote_ident(m["customer_id"])))
        if anon:
            warnings.append(f"{anon:,} responses have no customer id and are stored as anonymous.")
    return chk.con.execute(f"""
        SELECT _row + {chk.offset} AS row_number, {_text(m, 'response_id')} AS response_id,
               {_text(m, 'customer_id')} AS customer_id, {date} AS response_date,
               {score}::TINYINT AS score, {_text(m, 'comment')} AS comment, {_text(m, 'segment')} AS segment,
               {_text(m, 'region')} AS region, {_text(m, 'channel')} AS channel
        FROM raw WHERE NOT {_blank(score_col)} ORDER BY _row""").df()


def _flag_sql(col_sql: str) -> str:
    return f"lower(trim(coalesce({col_sql}, '')))"


def _prepare_customers(chk: _Checker, m: dict[str, str], opts: Options, warnings: list[str]) -> pd.DataFrame:
    cid = quote_ident(m["customer_id"])
    chk.fail_where(m["customer_id"], _blank(cid), "are empty (every customer needs an id)")
    dup = chk.con.execute(
        f"SELECT _row FROM (SELECT _row, row_number() OVER (PARTITION BY trim({cid}) ORDER BY _row) k FROM raw)"
        " WHERE k > 1 ORDER BY _row").fetchall()
    if dup:
        raise DuplicateRowsError(f"customer ids in column '{m['customer_id']}'", len(dup),
                                 [r[0] + chk.offset for r in dup[:SHOWN_BAD_ROWS]])
    if "start_date" in m:
        start, _ = date_expr(chk.con, m["start_date"])
        _check_dates(chk, m["start_date"], start, True, opts.today)
        if "churn_date" in m:
            churn, _ = date_expr(chk.con, m["churn_date"])
            _check_dates(chk, m["churn_date"], churn, False, opts.today)
            chk.fail_where(m["churn_date"], f"{churn} < {start}", "are before the customer's start date")
        else:
            churn = "NULL::DATE"
    else:
        # Snapshot export (e.g. the telecom churn sample): tenure in months + churned flag, as of a date.
        # Start = first day of (as-of month − tenure months); a churned customer churned on the as-of date.
        tenure_col = quote_ident(m["tenure"])
        flag = _flag_sql(quote_ident(m["churned"]))
        tenure = f"try_cast(trim({tenure_col}) AS INTEGER)"
        chk.fail_where(m["tenure"], f"{tenure} IS NULL OR {tenure} < 0", "are not whole numbers of months ≥ 0")
        chk.fail_where(m["churned"], f"{flag} NOT IN {TRUE_WORDS + FALSE_WORDS}",
                       "are not yes/no churn flags")
        as_of = opts.as_of or opts.today
        warnings.append(f"Snapshot file: start dates derived from tenure, churners dated {as_of:%Y-%m-%d} "
                        "(the as-of date).")
        chk.con.execute("SET VARIABLE as_of = ?::DATE", [as_of])
        start = f"(date_trunc('month', getvariable('as_of')) - to_months({tenure}))::DATE"
        churn = f"CASE WHEN {flag} IN {TRUE_WORDS} THEN getvariable('as_of') END"
    return chk.con.execute(f"""
        SELECT trim({cid}) AS customer_id, {_text(m, 'name')} AS name, {start} AS start_date,
               {churn} AS churn_date, {_text(m, 'segment')} AS segment, {_text(m, 'region')} AS region,
               {_text(m, 'plan')} AS plan
        FROM raw ORDER BY _row""").df()


def _prepare_revenue(chk: _Checker, m: dict[str, str], opts: Options, warnings: list[str]) -> pd.DataFrame:
    cid, amount_col = quote_ident(m["customer_id"]), quote_ident(m["amount"])
    chk.fail_where(m["customer_id"], _blank(cid), "are empty (every revenue row needs a customer id)")
    month, _ = date_expr(chk.con, m["month"])
    _check_dates(chk, m["month"], month, True, opts.today)
    amount = _amount_sql(amount_col)
    chk.fail_where(m["amount"], _blank(amount_col), "are empty (an amount is required)")
    chk.fail_where(m["amount"], f"{amount} IS NULL", "are not numbers")
    chk.fail_where(m["amount"], f"{amount} < 0", "are negative (refunds and credits are not MRR)")
    scale = "/ 100.0" if opts.amount_in_cents else ""
    per_month = amount + scale
    if "interval" in m:
        interval = _flag_sql(quote_ident(m["interval"]))
        per_month = f"CASE WHEN {interval} IN ('year', 'yearly', 'annual', 'annually', '12') " \
                    f"THEN {per_month} / 12 ELSE {per_month} END"
    frame = chk.con.execute(f"""
        SELECT trim({cid}) AS customer_id, date_trunc('month', {month})::DATE AS month,
               round(sum({per_month}), 2)::DECIMAL(18, 2) AS mrr
        FROM raw GROUP BY ALL ORDER BY customer_id, month""").df()
    lines = chk.count_where("true")
    if lines > len(frame):
        warnings.append(f"{lines:,} rows summed into {len(frame):,} customer-months.")
    return frame


PREPARERS = {"nps": _prepare_nps, "customers": _prepare_customers, "revenue": _prepare_revenue}
DATE_FIELD = {"nps": "response_date", "customers": "start_date", "revenue": "month"}


def prepare(data: bytes, file_name: str, options: Options | None = None) -> Prepared:
    """Read, map and validate one export. Raises an IngestError subclass if anything cannot be trusted."""
    opts = options or Options()
    opts.today = opts.today or dt.date.today()
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileTooLargeError(f"The file is {len(data) / 2**20:,.0f} MB; the limit is "
                                f"{MAX_UPLOAD_BYTES / 2**20:,.0f} MB.")
    text = decode(data)
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        columns = read_table(con, text)
        kind = opts.kind or detect_kind(columns)
        if kind not in KINDS:
            raise UnknownKindError(f"Unknown kind {kind!r}.")
        mapping = {**detect_mapping(kind, columns), **opts.mapping}
        for name, col in mapping.items():
            if col not in columns:
                raise MissingColumnError(name, f"column {col!r}", columns)
        _require_fields(kind, mapping, columns)
        chk = _Checker(con)
        _check_duplicate_rows(chk, columns)
        warnings: list[str] = []
        rows = PREPARERS[kind](chk, mapping, opts, warnings)
        if rows.empty:
            raise EmptyFileError("No usable rows remain after skipping unanswered responses.")
        dates = rows[DATE_FIELD[kind]]
        first, last = dates.min().date(), dates.max().date()
        if kind == "revenue":  # a month of revenue runs to the month's last day
            last = (pd.Timestamp(last) + pd.offsets.MonthEnd(0)).date()
        return Prepared(kind, file_name, hashlib.sha256(data).hexdigest(), mapping, rows, warnings, first, last)
    except IngestError:
        raise
    except duckdb.Error as exc:  # anything DuckDB could not do with this file's values
        raise UnreadableFileError(f"The file could not be processed: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()


def _require_fields(kind: str, mapping: dict[str, str], columns: list[str]) -> None:
    for name, label, required in FIELDS[kind]:
        if not required or name in mapping:
            continue
        if kind == "customers" and name == "start_date" and {"tenure", "churned"} <= mapping.keys():
            continue  # snapshot file: start derived from tenure
        raise MissingColumnError(name, label, columns)
    if kind == "customers" and "start_date" in mapping and "churned" in mapping and "churn_date" not in mapping:
        raise MissingColumnError("churn_date", "churn date (a churned flag alone does not say when)", columns)


SAMPLE_FILES = {"customers": "customers.csv", "nps": "nps_responses.csv", "revenue": "revenue.csv"}


def load_sample(ws: Workspace, folder) -> Snapshot:
    """Load the bundled sample company through the same path as an upload, as one snapshot."""
    uploads = []
    for kind, name in SAMPLE_FILES.items():
        # The sample's dates are fixed, so none may be judged "in the future" on a machine with an old clock.
        opts = Options(kind=kind, today=dt.date(9999, 12, 31))
        uploads.append(prepare((Path(folder) / name).read_bytes(), name, opts).to_upload("sample"))
    return ws.commit(uploads)
