"""Validation: the checker that records every failing row set-wise, and the shared SQL helpers."""

from __future__ import annotations

import datetime as dt
import math
import re

import duckdb
import pyarrow as pa

from metrics.errors import (
    BadCell,
    EmptyFileError,
    InvalidOptionError,
    InvalidValuesError,
    Problem,
)
from metrics.ingest.dates import choose_format
from metrics.ingest.mapping import normalise_header
from metrics.ingest.model import REJECTED_SHOWN, Options, Report, counted
from metrics.ingest.questions import Question, Questions
from metrics.ingest.sqltext import _blank, _flag_sql, _text, sql_words  # noqa: F401 (re-exported)
from metrics.ingest.unpivot import Unpivot
from metrics.store import quote_ident

SHOWN_BAD_ROWS = 5

TRUE_WORDS = ("yes", "y", "true", "1", "churned", "cancelled", "canceled", "lost")
FALSE_WORDS = ("no", "n", "false", "0", "active", "retained", "")
# Values of a churn or status column known to mean churned / still a customer (lower case). Any other value
# (paused, trialing, unpaid …) makes the churned_values question must-confirm: only the analyst can say.
CHURNED_WORDS = (*TRUE_WORDS, "exited", "ended", "inactive", "closed", "attrited", "attrited customer", "left",
                 "terminated", "churn",
                 # ProfitWell's (Paddle's) customers: churned of their own will or by failed payments ('churned_trial'
                 # is a trial that never paid: asked)
                 "churned_voluntary", "churned_delinquent")
# Beside ProfitWell's 'churned_…' statuses, 'cancelled' is a customer who gave notice and has paid to the end of the
# billing cycle (its FAQ: "we recognize the MRR of a customer until the end of their billing cycle"): no churn yet,
# not proposed as one (proposed, the cancelled customers churned before they left)
NOTICE_WORDS = ("cancelled", "canceled")
ACTIVE_WORDS = (*(w for w in FALSE_WORDS if w), "stayed", "joined", "existing", "existing customer", "current",
                "past due", "past_due", "renewed", "new")
MAX_STATUS_VALUES = 30  # more different values than this is not a status column
TENURE_UNITS = ("months", "years", "days", "weeks")

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
        self.kind: str | None = None  # set by a preparer that finds the file is another kind (NPS upload → CSAT)
        self.labels: dict[str, str] = {}  # column -> question text (survey exports), evidence for questions
        self.tool = "CSV"  # the survey tool whose export layout the header has (read.header_layout), else "CSV"
        self.currency: str | None = None  # revenue: the currency the file names (amounts.py), for the amounts' sign
        self.wide: Unpivot | None = None  # the columns per period turned into rows (unpivot.py), when confirmed
        self.summary_labels: dict[str, list[str]] = {}  # column -> its cells read as summary rows (flag_summary_rows)
        # the (quoted) column whose distinct cells temp table `ids` holds while raw's cells of it are unchanged
        # (customer_keys._count_ids; cleared before each rewrite of them): flag_summary_rows reads them there
        self.counted_ids: str | None = None
        self.delimiter = ""  # the file's field separator (read.Inspection); "" for a workbook
        self.date1904 = False  # a workbook in the 1904 date system (read.Inspection): its serials are read so
        self.format_signs: dict[str, str] = {}  # workbook column -> a currency sign its cells' format shows ('kr')
        self.total = con.execute("SELECT count(*) FROM raw").fetchone()[0]
        con.execute("CREATE OR REPLACE TEMP TABLE bad (_row BIGINT, col VARCHAR, reason VARCHAR)")

    def file_columns(self) -> list[str]:
        """The file's own columns, in its order: not the row number nor a column a check added (self.hidden)."""
        return [c for c in self.con.sql("SELECT * FROM raw LIMIT 0").columns if c != "_row" and c not in self.hidden]

    def column_named(self, headers) -> str | None:
        """The first column of the file whose header, normalised, is one of `headers` (a column the mapping has no
        field for but a check reads: Stripe's 'Current Period Start (UTC)', Jira's 'Resolution', a line id)."""
        return next((c for c in self.file_columns() if normalise_header(c) in headers), None)

    def flag(self, column: str, condition: str, reason: str, params: list | None = None) -> int:
        """Record the rows of `raw` meeting `condition` as bad in `column`, for `reason`; returns how many."""
        return self.flag_all([(column, condition, reason, params or [])])[0]

    def flag_counts(self, checks: list[tuple[str, str, str, list]]) -> tuple[str, list]:
        """The aggregates flag_all() counts `checks` with (rows of `raw` meeting each condition), and their
        parameters: for a caller that counts them in a scan it makes anyway (prepare_revenue's amount signs)."""
        # a wide file's rows are one per period once unpivoted: counted as the file's rows (_row), as the report is
        rows = "count(*)" if self.wide is None else "count(DISTINCT _row)"
        return (", ".join(f"{rows} FILTER ({condition})" for _, condition, _, _ in checks),
                [p for *_, params in checks for p in params])

    def flag_all(self, checks: list[tuple[str, str, str, list]], counts: list[int] | None = None) -> list[int]:
        """Several flag()s, counted in one scan of `raw` (a 5M-row file: one pass instead of one per check, and
        DuckDB parses a cell the conditions share once); only the checks that find rows read `raw` again.
        `counts`: the checks already counted (flag_counts()), in their order."""
        if counts is None:
            aggregates, values = self.flag_counts(checks)
            counts = list(self.con.execute(f"SELECT {aggregates} FROM raw", values).fetchone())
        for (column, condition, reason, params), count in zip(checks, counts, strict=True):
            if count:
                self.con.execute(f"INSERT INTO bad SELECT _row, ?, ? FROM raw WHERE {condition}",
                                 [column, reason, *params])
                self.problems.append(Problem(column, reason, count, tuple(self.examples(column, condition, params))))
        return list(counts)

    def examples(self, column: str, condition: str, params: list | None = None) -> list[BadCell]:
        """The first SHOWN_BAD_ROWS rows of `raw` meeting `condition`, as the column's cells (row numbers as in
        the file)."""
        # DISTINCT: a wide file's row is one row per period after unpivoting (row 7 once, not once a month)
        rows = self.con.execute(f"SELECT DISTINCT _row, {quote_ident(column)} FROM raw WHERE {condition} "
                                f"ORDER BY _row LIMIT {SHOWN_BAD_ROWS}", params or []).fetchall()
        return [BadCell(r, column, "" if v is None else str(v)) for r, v in rows]

    def refuse(self, column: str, condition: str, reason: str, params: list | None = None) -> None:
        """Refuse the file outright when rows of `raw` meet `condition` (InvalidValuesError: never bad rows that
        skip_invalid could drop, for a problem of the column as a whole), with their count and first rows."""
        rows = "count(*)" if self.wide is None else "count(DISTINCT _row)"  # a wide file: its rows (flag_all)
        (count,), = self.con.execute(f"SELECT {rows} FROM raw WHERE {condition}", params or []).fetchall()
        if count:
            raise InvalidValuesError(column, reason, count, self.examples(column, condition, params))

    def flag_duplicates(self, key_sql: str, column: str | None, what: str, reason: str, where: str = "true",
                        advice: str = "") -> int:
        """Record every row that repeats an earlier row's key, in one statement (a million identical rows take
        seconds, not minutes); returns how many. column None: the key is the whole row (key_sql lists every
        column)."""
        # a whole-row repeat is shown by its cells (the key is every column), "A | 2025-01 | 100"
        value = quote_ident(column) if column else f"concat_ws(' | ', {key_sql})"
        label = column or "(whole row)"
        # Equal keys have equal 64-bit hashes: when no hash repeats (nearly every upload), no key does, and the
        # window below (a sort of every row by its key) is not needed (1M survey rows: 0.38 -> 0.15 s)
        if not self.con.execute(f"SELECT count(*) FROM (SELECT hash({key_sql}) AS h FROM raw WHERE {where} "
                                "GROUP BY h HAVING count(*) > 1)").fetchone()[0]:
            return 0
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE dup AS SELECT _row, v::VARCHAR AS v FROM ("
            f"SELECT _row, {value} AS v, row_number() OVER (PARTITION BY {key_sql} ORDER BY _row) AS k "
            f"FROM raw WHERE {where}) WHERE k > 1")
        count = self.con.execute("SELECT count(*) FROM dup").fetchone()[0]
        if count:
            self.con.execute("INSERT INTO bad SELECT _row, ?, ? FROM dup", [label, reason])
            first = self.con.execute(f"SELECT _row, v FROM dup ORDER BY _row LIMIT {SHOWN_BAD_ROWS}").fetchall()
            cells = tuple(BadCell(r, label, "" if v is None else str(v)) for r, v in first)
            self.problems.append(Problem(label, reason, count, cells, duplicate_what=what, duplicate_advice=advice))
        self.con.execute("DROP TABLE dup")
        return count

    def count_where(self, condition: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM raw WHERE {condition}").fetchone()[0]

    def leave_out(self, condition: str) -> None:
        """Take the rows meeting `condition` out of the file before any check (a survey preview, a payment beside
        its charge): the rows the checks report on are the rest. The caller says how many and why."""
        self.total -= self.con.execute(f"DELETE FROM raw WHERE {condition}").fetchone()[0]

    def leave_out_values(self, column: str, words: tuple[str, ...]) -> tuple[int, str]:
        """leave_out() the rows whose `column`, trimmed and in lower case, is one of `words`; returns how many and
        the values found with their counts ("lead (1), opportunity (1)"), for the caller to say why."""
        value = f"lower(trim(coalesce({quote_ident(column)}, '')))"
        found = self.con.execute(f"SELECT {value}, count(*) FROM raw WHERE {value} IN {sql_words(words)} "
                                 "GROUP BY 1 ORDER BY 2 DESC, 1 DESC").fetchall()
        if found:
            self.leave_out(f"{value} IN {sql_words(words)}")
        return sum(c for _v, c in found), ", ".join(f"{v} ({c:,})" for v, c in found)

    def date(self, column: str) -> str:
        """SQL for the column's dates in its format (the analyst's answer, else the best fit; dates.py)."""
        return choose_format(self, column)

    def settle(self) -> Report | None:
        """No problems: None. Reject path: raise the first problem's typed error with the full report.
        Skip path: delete the rejected rows from `raw` and return the report."""
        if not self.problems:
            return None
        # The download holds the first REJECTED_SHOWN rows of each problem (a million duplicate rows must not
        # become a million-row frame); the counts are over every rejected row.
        count = self.con.execute("SELECT count(DISTINCT _row) FROM bad").fetchone()[0]
        rejected = self.con.execute(
            "WITH shown AS (SELECT DISTINCT _row FROM (SELECT _row, row_number() OVER (PARTITION BY col, reason "
            "ORDER BY _row) AS k FROM bad) WHERE k <= ?) "
            "SELECT b._row AS \"file row\", b.problems, r.* EXCLUDE (" + ", ".join(
                quote_ident(c) for c in ["_row", *self.hidden]) + ") FROM raw r JOIN ("
            " SELECT _row, string_agg(DISTINCT col || ': ' || reason, '; ' ORDER BY col || ': ' || reason) AS problems"
            " FROM bad"
            " WHERE _row IN (SELECT _row FROM shown) GROUP BY _row"
            ") b USING (_row) ORDER BY b._row", [REJECTED_SHOWN]).df()
        total = self.total if self.wide is None else \
            self.con.execute("SELECT count(DISTINCT _row) FROM raw").fetchone()[0]  # the file's rows, not per period
        report = Report(list(self.problems), total, rejected, count)
        if not self.opts.skip_invalid:
            err = self.problems[0].as_error()
            err.report = report
            raise err
        self.report = report
        self.con.execute("DELETE FROM raw WHERE _row IN (SELECT _row FROM bad)")
        if self.con.execute("SELECT count(*) FROM raw").fetchone()[0] == 0:
            err = EmptyFileError(f"Every one of the {total:,} rows was rejected; nothing to store.")
            err.report = report
            raise err
        return report





def canonical(chk: _Checker, sql: str) -> pa.Table:
    """A preparer's canonical rows as an Arrow table: typed by DuckDB and handed to Workspace.commit() as they
    are (no pandas frame of millions of rows in between). A check's result left half-fetched (fetchone()) is
    discarded first: DuckDB will not start a relation while one is pending."""
    chk.con.abort()
    return chk.con.sql(sql).to_arrow_table()


_AMOUNT_CLEAN = "regexp_replace(trim({c}), '[\\s\u00a0$€£¥'']|USD|EUR|GBP|CHF', '', 'g')"


def _amount_sql(col_sql: str, comma: bool = False) -> str:
    """Text amount to DOUBLE: strips currency symbols, spaces and thousands separators (1,234.56 or, with
    `comma`, 1.234,56; 1'234.56 either way)."""
    v = _AMOUNT_CLEAN.format(c=col_sql)
    # DuckDB's cast reads '1_000' as 1000: no export writes that, so it is not a number (a typo kept visible)
    if comma:
        read = f"try_cast(replace(replace({v}, '.', ''), ',', '.') AS DOUBLE)"
    else:
        # A plain number reads as itself either way (nothing for the cleaning to strip); only the others pay for
        # the regular expression (a 5M-row column: 0.06 s instead of 0.35 s a pass).
        read = f"coalesce(try_cast({col_sql} AS DOUBLE), try_cast(replace({v}, ',', '') AS DOUBLE))"
    return f"CASE WHEN NOT contains({col_sql}, '_') THEN {read} END"


def _underflow_sql(col_sql: str, amount_sql: str) -> str:
    """True where a cell with a non-zero digit reads as 0: '1e-400' is below the smallest double."""
    # CASE: the regular expressions run on the zeros alone (an AND would run them on every row: 5M rows, 0.3 s)
    return (f"CASE WHEN {amount_sql} = 0 THEN regexp_matches(regexp_replace({col_sql}, '[eE][-+]?[0-9]+$', ''), "
            "'[1-9]') ELSE false END")






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
    n = sum(chk.count_where(f"left({quote_ident(c)}, 1) IN ('=', '+', '@') "
                            f"OR regexp_matches({quote_ident(c)}, '^-[^0-9]')") for c in cols)
    if n:
        warnings.append(f"{n:,} text cells start like a spreadsheet formula (=, +, -, @); they are stored as plain "
                        "text and neutralised in every CSV download.")


# ---- status words and tenure units: asked, never guessed -------------------------------------------------------
def churned_values(chk: _Checker, column: str, warnings: list[str]) -> str | None:
    """SQL condition true where `column` says the customer churned, from the answer to Question
    "churned_values:<column>" (the values meaning churned; every other value is still a customer, stated).
    None while the question must be confirmed and is unanswered, or when the column is not a status column
    (then its rows are flagged)."""
    col = quote_ident(column)
    v = _flag_sql(col)
    values = chk.con.execute(f"SELECT {v} AS v, min({col}) AS shown, count(*) AS n FROM raw "
                             f"WHERE {v} <> '' GROUP BY 1 ORDER BY n DESC, v").fetchall()
    if len(values) > MAX_STATUS_VALUES:
        chk.flag(column, "true", f"are not churn flags or status words (the column has {len(values):,} different "
                                 "values): map another column, or none")
        return None
    empty = chk.count_where(f"{v} = ''")
    shown = {low: text for low, text, _n in values}
    notice = NOTICE_WORDS if any(low.startswith("churned_") for low, _t, _n in values) else ()
    unknown = [shown[low] for low, _t, _n in values
               if (low not in CHURNED_WORDS and low not in ACTIVE_WORDS) or low in notice]
    detail = " · ".join(f"{text}: {n:,}" for _low, text, n in values) + (f" · (empty): {empty:,}" if empty else "")
    if unknown:
        detail += f". Not known words: {', '.join(unknown)}."
    key = f"churned_values:{column}"
    choices = [text for _low, text, _n in values]
    if (given := chk.questions.answers.get(key)) is not None:
        # Answers match values whatever their case ("churned" for "Churned"); a value named before (a saved
        # preset) that this file lacks stays a valid answer.
        given = [g for g in given.split(",") if g] if isinstance(given, str) else given
        chk.questions.answers[key] = [shown.get(g.lower(), g) for g in given]
        choices += [g for g in chk.questions.answers[key] if g not in choices]
    answer = chk.questions.ask(Question(
        key,
        f"Which values of '{column}' mean the customer churned? Every other value counts as still a customer"
        + (", and so do empty cells." if empty else "."),
        tuple(choices), {},
        [shown[low] for low, _t, _n in values if low in CHURNED_WORDS and low not in notice], detail, multi=True,
        must_confirm=bool(unknown)))
    if answer is None:
        return None
    chosen = [a.lower() for a in answer]
    others = [(text, n) for low, text, n in values if low not in chosen and low not in ACTIVE_WORDS]
    if others or empty:
        n_other = sum(n for _t, n in others) + empty
        share = n_other / chk.total if chk.total else 0.0
        named = ", ".join([f"{t} ({n:,})" for t, n in others] + ([f"empty ({empty:,})"] if empty else []))
        loud = " More than 5% of the file: check the answer to which values mean churned." if share > 0.05 else ""
        warnings.append(f"{n_other:,} rows ({share:.1%}) in '{column}' say neither churned nor a known active word: "
                        f"{named}; counted as still customers.{loud}")
    var = f"churned_{len(chk.questions.asked)}"
    chk.con.execute(f"SET VARIABLE {var} = ?::VARCHAR[]", [chosen])
    return f"list_contains(getvariable('{var}'), {v})"


def left_out_counts(chk: _Checker, status_sql: str, keep: str) -> str:
    """"incomplete 3, trialing 120 (12.3% of the rows; more than 5%: …)": what a status filter leaves out."""
    found = chk.con.execute(f"SELECT {status_sql}, count(*) FROM raw WHERE NOT ({keep}) GROUP BY 1 "
                            "ORDER BY 2 DESC, 1").fetchall()
    n = sum(c for _v, c in found)
    share = n / chk.total if chk.total else 0.0
    text = ", ".join(f"{v} {c:,}" for v, c in found) + f" ({share:.1%} of the rows"
    return text + ("; more than 5% of the file: check that these rows really are to be left out)" if share > 0.05
                   else ")")


def _months_before(as_of: dt.date, months: int) -> dt.date:
    total = as_of.year * 12 + as_of.month - 1 - months
    return dt.date(total // 12, total % 12 + 1, 1)


def _start_of(as_of: dt.date, unit: str, n: int) -> dt.date:
    if unit in ("months", "years"):
        return _months_before(as_of, n * (12 if unit == "years" else 1))
    return as_of - dt.timedelta(days=n * (7 if unit == "weeks" else 1))


def tenure_limit(as_of: dt.date, unit: str) -> int:
    """The longest tenure in `unit` whose start is on or after 1900-01-01 (a start before that is an error)."""
    months = (as_of.year - 1900) * 12 + as_of.month - 1
    days = (as_of - dt.date(1900, 1, 1)).days
    return {"months": months, "years": months // 12, "days": days, "weeks": days // 7}[unit]


def tenure_sql(column: str) -> str:
    """A tenure cell as a whole number (BIGINT), NULL when it is not one ("3.0" is 3)."""
    d = f"try_cast({quote_ident(column)} AS DOUBLE)"
    return f"CASE WHEN {d} = floor({d}) AND abs({d}) < 1e15 THEN {d}::BIGINT END"


def tenure_start(chk: _Checker, column: str, as_of: dt.date, warnings: list[str]) -> str | None:
    """SQL for the start date a tenure column implies at `as_of`, in the unit asked by Question
    "tenure_unit:<column>" (a bank file counted years, read as months, once showed 37.8% annual churn). Months
    and years count back from the as-of month's first day, days and weeks from the as-of date. Flags tenures that
    are not whole numbers ≥ 0 or put the start before 1900. None while the unit is unanswered."""
    t = tenure_sql(column)
    n, low, high = chk.con.execute(f"SELECT count({t}), min({t}), max({t}) FROM raw WHERE {t} >= 0").fetchone()
    header = normalise_header(column) + normalise_header(chk.labels.get(column, ""))
    named = next((u for u in TENURE_UNITS if u.rstrip("s") in header or (u == "years" and "yr" in header)), None)
    if named:
        proposal = named
    elif high is None or high <= 10:
        proposal = "years"
    elif high <= 240:
        proposal = "months"
    else:
        proposal = "days"
    ranges = []
    for unit in TENURE_UNITS:
        if high is None:
            break
        limit = tenure_limit(as_of, unit)
        latest = _start_of(as_of, unit, low)
        earliest = f"{_start_of(as_of, unit, high):%Y-%m-%d}" if high <= limit else "before 1900 (impossible)"
        ranges.append(f"as {unit}: starts from {earliest} to {latest:%Y-%m-%d}")
    detail = (f"{n:,} values from {low} to {high} (as of {as_of:%Y-%m-%d}); " + "; ".join(ranges) + "."
              if n else "No whole-number values.")
    unit = chk.questions.ask(Question(
        f"tenure_unit:{column}", f"In which unit does '{column}' count how long each customer has been one?",
        TENURE_UNITS, {}, proposal, detail, must_confirm=named is None))
    chk.flag(column, f"{t} IS NULL OR {t} < 0", "are not whole numbers ≥ 0 (tenure)")
    if unit is None:
        return None
    limit = tenure_limit(as_of, unit)
    chk.flag(column, f"{t} > {limit}", f"put the start date before 1900 when read as {unit} (at most {limit:,})")
    var = _set_as_of(chk, as_of)
    if unit in ("months", "years"):
        start = f"(date_trunc('month', {var}) - to_months(({t} * {12 if unit == 'years' else 1})::INTEGER))::DATE"
    else:
        start = f"({var}::DATE - ({t} * {7 if unit == 'weeks' else 1})::INTEGER)"
    low, high = chk.con.execute(f"SELECT min({t}), max({t}) FROM raw WHERE {t} BETWEEN 0 AND {limit}").fetchone()
    if high is not None:  # the valid rows' range (rows before 1900 are rejected or skipped)
        warnings.append(f"Tenure in '{column}' read as {unit}: start dates from {_start_of(as_of, unit, high):%Y-%m-%d}"
                        f" to {_start_of(as_of, unit, low):%Y-%m-%d} (as of {as_of:%Y-%m-%d}).")
    return start


def require_as_of(opts, what: str) -> None:
    """A snapshot file (tenure and a churned flag, no dates) means nothing without the day it was exported: every
    start date and every churn is counted back from it. Never assume today."""
    if opts.as_of is None:
        raise InvalidOptionError(
            f"This is a snapshot file ({what}, no dates): its start dates and churn are counted back from the day it "
            "was exported. Set the as-of date (Data page: 'As-of date'; command line: --as-of YYYY-MM-DD).")


# A spreadsheet's summary row, read as data, is one more customer (or answer) holding the sum of the others: a
# 'Total' line with a month made MRR four times too large. Its label, in an id or name column, lower case, stripped of
# the marks that decorate it ('**Total**', '[Total]', 'Total*'): a summary word alone, or with a unit ('Total MRR',
# 'TOTAL (USD)', 'Sum of mrr', 'Total (2 rows)'), or with a colon, a month, a quarter or a year after it ('Total: 10
# customers', 'Subtotal Mar', 'Total 2026', 'Feb 2026 Total'). Pivot tables' grand totals in other languages
# ('Total Result', 'Gesamtergebnis', 'Total général', 'Totaal generaal') and the statistics a survey sheet writes
# under its answers ('Count', 'Median', 'Mean score', 'NPS', 'Promoters') are summary rows too.
_SUMMARY_WORDS = (r"grand\s*totals?|sub\s*-?\s*totals?|totals?|average|avg|mean|sum|summe|gesamt|gesamtsumme|"
                  r"insgesamt|gesamtergebnis|zwischensumme|(summe\s+)?ergebnis|total\s+g[ée]n[ée]ral|totaal(\s+generaal)?|totale|"
                  r"somme|overall(\s+total)?|total\s+result|σ|count|median|(mean|average)\s+score|nps|promoters|"
                  r"passives|detractors|all\s+customers")
_PERIOD = r"((jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(\s+[0-9]{2,4})?|q[1-4]|[0-9]{2,4}(-[0-9]{2})?)"
_UNIT = r"(mrr|arr|revenue|amount|sales|usd|eur|gbp|chf|[0-9,]+\s+rows?)"
# A label starting with 'Subtotal' is one whatever group it names ('Subtotal EMEA' between a workbook's groups of
# customers, with no region column to find EMEA in, was stored as one more customer): no name starts so.
SUMMARY_LABEL = (rf"({_SUMMARY_WORDS})\.?(\s*:.*|\s+(for\s+)?{_PERIOD}([^a-z].*)?|\s*\(?{_UNIT}\)?|\s+of\s+.+)?"
                 rf"|{_PERIOD}\s+(sub\s*-?\s*)?totals?|(sub\s*-?\s*totals?|zwischensumme)\b.*")
# Decorations around a label: '**Total**', '[Total]', 'Total*', '#Total' (cells are stripped of spaces at load: only a
# cell with a mark at either end pays for the regular expression)
_UNDECORATED = ("CASE WHEN regexp_matches({v}, '^[*\\[#(]|[*\\]#:.]$') "
                "THEN regexp_replace(lower({v}), '^[\\s*\\[#(]+|[\\s*\\]#:.]+$', '', 'g') ELSE lower({v}) END")
# Letters every summary label holds (a word of _SUMMARY_WORDS or 'total'): a cell without any (an id, a number) is
# never a summary row, and skips the long expressions below
_SUMMARY_HINT = ("tot|avg|aver|mean|sum|gesamt|ergebnis|result|somme|overall|σ|count|median|nps|promot|passiv|"
                 "detract|all\\s*cust")
# A group's subtotal in a pivot or report: '<group> Total', 'Total <group>', 'Total for <group>', 'Subtotal for
# <group>', and as other languages' pivot tables write it ('Nord Ergebnis' in German Excel, 'North Result' in
# LibreOffice, 'Noord Totaal', 'Totale Nord'), where the group is another id or name of the column ('Acme Inc Total'
# beside 'Acme Inc'). A name that merely starts with the word ('Total Wine & More') is no subtotal: its rest names no
# other row.
_GROUP_OF = (r"^(.+?)\s+((sub\s*-?\s*)?totals?|totaal|totale|ergebnis|result)$",
             r"^((sub\s*-?\s*)?totals?|totaal|totale)\s+(for\s+)?(.+)$")
SUMMARY_FIELDS = ("customer_id", "response_id", "ticket_id", "name")
GROUPING_HEADERS = {"segment", "region", "country", "territory", "market", "group", "category", "team", "plan", "tier",
                    "customersegment", "salesregion", "accountowner", "owner"}


def flag_summary_rows(chk: _Checker, mapping: dict[str, str]) -> None:
    """Refuse by row the totals, subtotals and averages a spreadsheet writes under its table (skipping them is
    stated, as any refused row): never read as a customer or an answer."""
    for field in SUMMARY_FIELDS:
        if (column := mapping.get(field)) is None:
            continue
        cell = quote_ident(column)
        # a group is another cell of the column, or of a grouping column beside it ('North America Total' in the
        # customer column of a report grouped by 'Region')
        beside = [c for c in chk.file_columns() if c != column and normalise_header(c) in GROUPING_HEADERS]
        grouping = " UNION ".join(f"SELECT DISTINCT lower({quote_ident(c)}) FROM raw" for c in beside)
        # judged on the distinct cells (a 5M-line file has some 200,000 ids), then flagged by value; first the few
        # holding a summary word's letters (an id or a number never does: most files stop here)
        cells = f"SELECT DISTINCT {cell} AS v FROM raw WHERE {cell} IS NOT NULL"
        # the customer ids were counted just before (customer_keys): the same distinct cells but the empty one, which
        # holds no summary word's letters, without a second pass over every row (5M lines: some 0.2 s)
        hinted = "SELECT v FROM ids" if chk.counted_ids == cell else cells
        chk.con.execute(f"CREATE OR REPLACE TEMP TABLE _labels AS SELECT v, {_UNDECORATED.format(v='v')} AS label "
                        f"FROM ({hinted}) WHERE regexp_matches(lower(v), ?)", [_SUMMARY_HINT])
        found = None
        if chk.con.execute("SELECT count(*) FROM _labels").fetchone()[0]:
            found = chk.con.execute(f"""
                WITH groups AS (SELECT {_UNDECORATED.format(v='v')} AS label FROM ({cells})
                                {'UNION ' + grouping if grouping else ''})
                SELECT list(v) FROM _labels
                WHERE regexp_full_match(label, ?)
                   OR nullif(regexp_extract(label, ?, 1), '') IN (SELECT label FROM groups)
                   OR nullif(regexp_extract(label, ?, 4), '') IN (SELECT label FROM groups)""",
                                    [SUMMARY_LABEL, *_GROUP_OF]).fetchone()[0]
        chk.con.execute("DROP TABLE _labels")
        if found:
            chk.summary_labels[column] = found
            chk.flag(column, f"{cell} IN (SELECT unnest(?::VARCHAR[]))",
                     "are a summary row's label (Total, Subtotal, Average …), not a customer or an answer: the row "
                     "repeats the others' sum. Remove it, or skip it", [found])


# A grand total's label (not an average's, a count's or a subtotal's): the row that sums every other row once
_TOTAL_LABEL = r"tot|gesamt|ergebnis|summe|somme|sum\b|result|σ"
_PART_LABEL = r"sub|zwischen"


def _grand_total(label: str) -> bool:
    """A summary label that totals the whole table: 'Grand Total', 'Total MRR', 'Gesamtergebnis'; not 'Average',
    'Subtotal Mar' or a group's 'North Total'."""
    bare = re.sub(r"^[\s*\[#(]+|[\s*\]#:.]+$", "", label.lower())
    return (re.fullmatch(SUMMARY_LABEL, bare) is not None and re.search(_TOTAL_LABEL, bare) is not None
            and re.search(_PART_LABEL, bare) is None)


# The header Excel (and its translations, LibreOffice) gives the row field of a pivot table in compact layout
PIVOT_ROW_HEADERS = {"rowlabels", "zeilenbeschriftungen", "etiquettesdelignes", "etiquetasdefila", "etichettediriga",
                     "rijlabels", "rotulosdelinha", "radetiketter"}


def refuse_group_subtotals(chk: _Checker, amount_sql: str, amount_column: str, month_column: str | None,
                           customer_column: str | None = None) -> None:
    """Refuse a table whose rows add up to 2, 3 or 4 times its grand total row: each amount is counted more than
    once, so some rows are groups' subtotals (an Excel pivot table in compact layout writes a group's subtotal on the
    group's own row, 'North' above its customers, with no word that says so). A plain list adds up to its total once;
    the subtotals that say so ('North Total') are summary rows already and are left out of the sum. A total row with
    a month is compared with that month's rows (a February total in a two-month file is not counted twice). A pivot
    table without its grand total ('Row Labels' as the customer column's header, no total row) cannot be checked so:
    whether the column holds only customers is asked."""
    if customer_column and normalise_header(customer_column) in PIVOT_ROW_HEADERS and not any(
            _grand_total(v) for v in chk.summary_labels.get(customer_column, [])):
        answer = chk.questions.ask(Question(
            f"pivot_rows:{customer_column}", f"Does '{customer_column}' hold customers only?",
            ("customers", "groups"),
            {"customers": "customers only (one row field in the pivot table)",
             "groups": "groups too (regions, segments … with their subtotals on their own rows)"}, None,
            f"'{customer_column}' is the header Excel gives a pivot table's rows. A pivot table with more than one row "
            "field writes each group (a region, a segment) in this column too, on a row holding the group's subtotal, "
            "which would be read as one more customer; without a grand total row the file cannot show it.",
            must_confirm=True))
        if answer == "groups":
            raise InvalidOptionError(
                f"'{customer_column}' holds groups with their subtotals beside the customers, as answered: they cannot "
                "be told apart by row. Upload the pivot's source data, or set the pivot to tabular layout with "
                "'Repeat All Item Labels' and without subtotals, and map the customer column.")
    for column, labels in chk.summary_labels.items():
        totals = [v for v in labels if _grand_total(v)]
        if not totals:
            continue
        cell = quote_ident(column)
        listed = f"{cell} IN (SELECT unnest(?::VARCHAR[]))"
        key = quote_ident(month_column) if month_column else "NULL"
        groups = chk.con.execute(
            f"WITH t AS (SELECT {key} AS k, coalesce({listed}, false) AS total, "
            f"coalesce({cell} IN (SELECT unnest(?::VARCHAR[])), false) AS summary, {amount_sql} AS a FROM raw) "
            "SELECT k, sum(a) FILTER (total), coalesce(sum(a) FILTER (NOT summary), 0) FROM t GROUP BY k",
            [totals, labels]).fetchall()
        everything = sum(rest for _, _, rest in groups)
        for month, total, rest in groups:
            rest = everything if month is None else rest  # a total without a month sums the whole file
            if not total or not rest or not math.isfinite(total) or not math.isfinite(rest):
                continue
            times = round(rest / total)
            if times in (2, 3, 4) and abs(rest - times * total) <= 0.001 * abs(total):
                amounts = f"'{amount_column}'" if chk.wide is None else "amounts"  # unpivoted: the period columns
                rows = "the other rows'" if month is None else f"the other rows of {month}:"
                chk.refuse(column, listed, f"are a total, and {rows} {amounts} add up to {times} times it "
                           f"({rest:,.2f} against {total:,.2f}): every amount is counted {times} times, so rows of "
                           f"'{column}' hold groups' subtotals beside the customers (an Excel pivot table in compact "
                           "layout writes each group's subtotal on the group's own row). Upload the pivot's source "
                           "data, or set the pivot to tabular layout without subtotals", [totals])


# ---- repeated rows: counted once, then kept or rejected as the analyst answers ----------------------------------
def _repeat(n: int, noun: str) -> str:
    """'1 line repeats an earlier line', '3 lines repeat an earlier line'."""
    return f"{counted(n, noun)} {'repeats' if n == 1 else 'repeat'} an earlier {noun}"


def _repeats(chk: _Checker, whole_row: str) -> int:
    """How many rows repeat an earlier row in every column, in one set-wise pass."""
    # Rows are grouped by a 64-bit hash first (numbers, not strings: half the time at 5M lines). Equal rows have
    # equal hashes, so the count is exact: only rows that share a hash can repeat, and only they are compared.
    chk.con.execute(f"CREATE OR REPLACE TEMP TABLE _shared AS SELECT hash({whole_row}) AS h FROM raw GROUP BY ALL "
                    "HAVING count(*) > 1")
    repeats = 0
    if chk.con.execute("SELECT count(*) FROM _shared").fetchone()[0]:
        repeats = chk.con.execute(
            f"WITH c AS (SELECT {whole_row} FROM raw WHERE hash({whole_row}) IN (SELECT h FROM _shared)) "
            "SELECT (SELECT count(*) FROM c) - (SELECT count(*) FROM (SELECT DISTINCT * FROM c))").fetchone()[0]
    chk.con.execute("DROP TABLE _shared")
    return repeats


def _keep_or_reject(chk: _Checker, keep: bool, whole_row: str, warnings: list[str], said: str) -> None:
    """Repeated rows the analyst keeps are said (`said`); rejected, each repeat is a bad row."""
    if keep:
        warnings.append(said)
    else:
        chk.flag_duplicates(whole_row, None, "rows (identical in every column to an earlier row)",
                            "repeat an earlier row in every column")


# ---- paused and unpaid subscriptions: asked, for revenue and customers files alike -----------------------------
# not paying now, since a date the file does not give (Stripe, Chargebee, Recurly 'paused'; Stripe 'unpaid')
HALTED_SUBSCRIPTION_STATUS = ("paused", "unpaid")


def halted_left_out(chk: _Checker, column: str, status: str, labels: dict[str, str]) -> bool:
    """Whether paused and unpaid subscriptions are left out: asked, must confirm, when there are any. The file
    says they do not pay now, not since when: counted, the months since they stopped are overstated; left out,
    the months they paid are understated. Only the analyst knows which is the smaller error. `labels`: the two
    answers as they read for the file's kind (prepare_revenue's, prepare_customers')."""
    found = chk.con.execute(f"SELECT {status}, count(*) FROM raw WHERE {status} IN "
                            f"{sql_words(HALTED_SUBSCRIPTION_STATUS)} GROUP BY 1 ORDER BY 1").fetchall()
    if not found:
        return False
    n = sum(c for _v, c in found)
    answer = chk.questions.ask(Question(
        f"halted:{column}", f"How should the paused or unpaid subscriptions in '{column}' ({n:,}) be read?",
        ("count", "leave_out"), labels,
        None, ", ".join(f"{v} {c:,}" for v, c in found) + ". The file says they do not pay now, not since when.",
        must_confirm=True))
    return answer == "leave_out"
