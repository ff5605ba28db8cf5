"""Validation: the checker that records every failing row set-wise, and the shared SQL helpers."""

from __future__ import annotations

import datetime as dt

import duckdb

from metrics.errors import (
    BadCell,
    EmptyFileError,
    Problem,
)
from metrics.ingest.dates import choose_format
from metrics.ingest.model import Options, Report
from metrics.ingest.questions import Questions
from metrics.ingest.sqltext import _blank, _flag_sql, _text  # noqa: F401 (re-exported)
from metrics.store import quote_ident

SHOWN_BAD_ROWS = 5

TRUE_WORDS = ("yes", "y", "true", "1", "churned", "cancelled", "canceled", "lost")
FALSE_WORDS = ("no", "n", "false", "0", "active", "retained", "")

class _Checker:
    """Runs checks against temp table `raw`, recording every failing row in temp table `bad`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, opts: Options, questions: Questions | None = None):
        self.con = con
        self.opts = opts
        self.questions = questions or Questions(opts.answers)  # what this upload asks the analyst
        self.problems: list[Problem] = []
        self.formats: dict[str, str] = {}
        self.ambiguous: dict[str, list[str]] = {}
        self.date_counts: dict[str, tuple[int, dict[str, int]]] = {}  # column -> (distinct values, read per format)
        self.notes: list[str] = []  # statements for the warnings (e.g. a year-only date column)
        self.hidden: list[str] = []  # columns added to `raw` (parsed dates), never shown as the file's own
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

    def flag_duplicates(self, key_sql: str, column: str | None, what: str, reason: str, where: str = "true") -> int:
        """Record every row that repeats an earlier row's key, in one statement (a million identical rows take
        seconds, not minutes); returns how many."""
        value = quote_ident(column) if column else "''"
        label = column or "(whole row)"
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE dup AS SELECT _row, {value}::VARCHAR AS v FROM ("
            f"SELECT _row, {value}, row_number() OVER (PARTITION BY {key_sql} ORDER BY _row) AS k "
            f"FROM raw WHERE {where}) WHERE k > 1")
        count = self.con.execute("SELECT count(*) FROM dup").fetchone()[0]
        if count:
            self.con.execute("INSERT INTO bad SELECT _row, ?, ? FROM dup", [label, reason])
            first = self.con.execute(f"SELECT _row, v FROM dup ORDER BY _row LIMIT {SHOWN_BAD_ROWS}").fetchall()
            cells = tuple(BadCell(r, label, "" if v is None else str(v)) for r, v in first)
            self.problems.append(Problem(label, reason, count, cells, duplicate_what=what))
        self.con.execute("DROP TABLE dup")
        return count

    def count_where(self, condition: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM raw WHERE {condition}").fetchone()[0]

    def date(self, column: str) -> str:
        """SQL for the column's dates in its format (the analyst's answer, else the best fit; dates.py)."""
        return choose_format(self, column)

    def settle(self) -> Report | None:
        """No problems: None. Reject path: raise the first problem's typed error with the full report.
        Skip path: delete the rejected rows from `raw` and return the report."""
        if not self.problems:
            return None
        rejected = self.con.execute(
            "SELECT b._row AS \"file row\", b.problems, r.* EXCLUDE (" + ", ".join(
                quote_ident(c) for c in ["_row", *self.hidden]) + ") FROM raw r JOIN ("
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
