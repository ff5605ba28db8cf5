"""Date formats: which format a column uses, its SQL, and the checks every date column gets."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from metrics.ingest.sqltext import _blank
from metrics.store import quote_ident

if TYPE_CHECKING:
    from metrics.ingest.checks import _Checker

# Date formats tried on every date column; the one that parses the most values wins, ties going to the
# earlier. A tie between a month-first and a day-first format (only values like 03/04/2026) is *ambiguous*:
# month-first is used and the analyst is asked (Prepared.ambiguous, Options.date_formats).
DATE_FORMATS = ["ISO", "%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%m/%d/%Y %H:%M",
                "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p",
                "%m/%d/%Y %I:%M %p", "%m/%d/%y", "%d/%m/%y", "%Y-%m", "%b %Y", "%B %Y", "%b-%y", "%d-%b-%Y",
                "%d %b %Y", "%Y%m%d", "EXCEL"]
DATE_FORMAT_LABELS = {"ISO": "ISO 8601 (2026-01-31, timestamps with zones)", "EXCEL": "Excel serial numbers"}
_DAY_MONTH_SWAP = {"%m": "%d", "%d": "%m"}


def swap_day_month(fmt: str) -> str:
    return re.sub(r"%[md]", lambda m: _DAY_MONTH_SWAP[m.group()], fmt)


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
