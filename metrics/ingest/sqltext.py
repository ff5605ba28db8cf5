"""Small SQL text helpers shared by the ingest steps (values are always bound; identifiers quoted once)."""

from __future__ import annotations

from metrics.store import quote_ident

# What the ends of a cell may carry that is never part of its value: spaces, tabs, line breaks and no-break spaces
# (a tab before an id or a number is how some exports keep a spreadsheet from reading it as a number or a formula).
# DuckDB's one-argument trim() removes spaces only: '\tC1' stayed another customer than 'C1'. Invisible marks too: a
# byte-order mark (U+FEFF) starts a line of a file joined from two UTF-8 exports (the second one's BOM), and a
# zero-width space or word joiner (U+200B, U+2060) is pasted from web pages: '\ufeffC2' was stored as another
# customer than 'C2', its revenue matched to no customer record, and nothing on screen showed why.
_ENDS = " \t\n\r\f\v\u00a0\ufeff\u200b\u2060"


def stripped(col_sql: str) -> str:
    """SQL: the text without _ENDS at either end. Every cell of `raw` is stripped once, as the file is loaded
    (read.read_table), so the checks read its columns bare; this is for text made from cells (a list's inside).
    A text whose ends hold none is taken as it is: its first and last characters tested, no new string (5M cells:
    0.14 s a pass, where a regular expression test took 0.21 s and trim with a character list 0.54 s). The test is
    contains() on a string, not `unicode(...) IN (codes)`: DuckDB's IN-clause optimizer made planning grow with the
    cube of the columns (a Shopify orders export's 80 columns: out of memory at 488 MB, for 6 rows)."""
    return (f"(CASE WHEN contains('{_ENDS}', left({col_sql}, 1)) OR contains('{_ENDS}', right({col_sql}, 1)) "
            f"THEN trim({col_sql}, '{_ENDS}') ELSE {col_sql} END)")


def sql_words(words) -> str:
    """SQL: a parenthesised list of string literals for `IN`, each quote doubled. Our own constant words only (a
    user's values are bound); a Python tuple's repr was used before: ('open',) and, for a word with a quote, a
    double-quoted identifier."""
    return "(" + ", ".join("'" + str(w).replace("'", "''") + "'" for w in words) + ")"


def _blank(col_sql: str) -> str:
    """A cell of `raw` (stripped at load) that is empty or missing."""
    return f"coalesce({col_sql}, '') = ''"


def _text(mapping: dict[str, str], name: str) -> str:
    """Optional text column (blank -> NULL), or NULL when unmapped."""
    if name not in mapping:
        return "NULL::VARCHAR"
    return f"nullif({quote_ident(mapping[name])}, '')"


def _flag_sql(col_sql: str) -> str:
    """A cell of `raw` in lower case, '' when missing: status words and flags compared as written."""
    return f"lower(coalesce({col_sql}, ''))"


def unix_time_sql(col_sql: str, fractions: bool = False) -> str:
    """SQL: a TIMESTAMP (UTC) from Unix time written as 10 digits of seconds (with a fraction where `fractions`) or 13
    of milliseconds; NULL for any other text (an 8-digit date, a year)."""
    seconds = "[0-9]{10}(\\.[0-9]+)?" if fractions else "[0-9]{10}"
    return (f"(CASE WHEN regexp_full_match({col_sql}, '{seconds}') THEN to_timestamp(try_cast({col_sql} AS DOUBLE)) "
            f"WHEN regexp_full_match({col_sql}, '[0-9]{{13}}') "
            f"THEN to_timestamp(try_cast({col_sql} AS DOUBLE) / 1000) END)::TIMESTAMP")


# Summer-time abbreviations as tools write them after a local time (Alchemer's '2026-07-02 09:10:11 EDT'): DuckDB
# reads 'EST' and 'PST' as zones but not these, and a file spanning the change was refused. Their offsets:
DAYLIGHT_ZONES = {"EDT": "-04:00", "CDT": "-05:00", "MDT": "-06:00", "PDT": "-07:00", "AKDT": "-08:00",
                  "CEST": "+02:00", "EEST": "+03:00"}


def daylight_offsets(col_sql: str) -> str:
    """SQL: the text with a trailing summer-time abbreviation (DAYLIGHT_ZONES) written as its UTC offset."""
    swapped = col_sql
    for abbr, offset in DAYLIGHT_ZONES.items():
        swapped = f"regexp_replace({swapped}, '\\s+{abbr}$', '{offset}')"
    return f"(CASE WHEN regexp_matches({col_sql}, '\\s(E|C|M|P|AK)DT$|\\s(C|E)EST$') THEN {swapped} ELSE {col_sql} END)"
