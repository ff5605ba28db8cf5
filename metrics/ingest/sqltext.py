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


# Time-zone abbreviations as tools write them after a local time (Alchemer's '2026-07-02 09:10:11 EDT'), each read at
# the fixed UTC offset it names. None reaches DuckDB's own cast: it looks a trailing word up as a zone *name*, and the
# old Java-style names it knows are other zones or zones with daylight time: 'BST' was Asia/Dhaka (+06, not British
# Summer Time), 'AST' America/Anchorage, 'ART' Africa/Cairo, and 'PST' or 'CET' in July took summer time (PST read as
# -07), each shifted silently; 'EDT' and 'CEST' were no name at all, and a file spanning the change was refused.
# ART is Argentina's (no daylight time since 2009): the Java name for Cairo is no abbreviation anyone writes.
ZONE_ABBREVIATIONS = {
    "UTC": "+00:00", "GMT": "+00:00", "UT": "+00:00", "WET": "+00:00", "WEST": "+01:00", "BST": "+01:00",
    "CET": "+01:00", "CEST": "+02:00", "EET": "+02:00", "EEST": "+03:00", "MSK": "+03:00",
    "EST": "-05:00", "EDT": "-04:00", "CDT": "-05:00", "MST": "-07:00", "MDT": "-06:00", "PST": "-08:00",
    "PDT": "-07:00", "AKST": "-09:00", "AKDT": "-08:00", "HST": "-10:00", "ART": "-03:00",
    "JST": "+09:00", "KST": "+09:00", "SGT": "+08:00", "HKT": "+08:00", "AWST": "+08:00", "ACST": "+09:30",
    "ACDT": "+10:30", "AEST": "+10:00", "AEDT": "+11:00", "NZST": "+12:00", "NZDT": "+13:00"}
# Abbreviations in common use for more than one zone: which the file meant cannot be known, so the times are refused
# with the meanings (dates.flag_zone_words), never read at one of them.
AMBIGUOUS_ZONES = {
    "IST": "India +05:30, Irish Summer Time +01:00 or Israel +02:00",
    "CST": "US Central -06:00, China +08:00 or Cuba -05:00",
    "AST": "Atlantic -04:00 or Arabia +03:00",
    "ECT": "Ecuador -05:00 or Eastern Caribbean -04:00",
    "NST": "Newfoundland -03:30 or, in old Java names, New Zealand +12:00",
    "SST": "Samoa -11:00 or Singapore +08:00",
    "GST": "Gulf +04:00 or South Georgia -02:00",
    "BDT": "Bangladesh +06:00 or British Double Summer Time +02:00"}
# a word of letters after a time's last digit ('10:00:00 PST'); AM and PM are no zone
_ZONE_WORD = "[0-9]\\s+([A-Za-z]{2,})$"


def zone_word_sql(col_sql: str) -> str:
    """SQL: the trailing zone word of a time (upper case), NULL when it has none (or AM/PM). The text is named once
    and no IN list is used: this is spelt inside every timestamp's parse (an IN list's optimizer and a repeated cell
    expression made a ticket file's planning run out of memory)."""
    return f"nullif(nullif(nullif(upper(regexp_extract({col_sql}, '{_ZONE_WORD}', 1)), ''), 'AM'), 'PM')"


def sql_list(words) -> str:
    """SQL: sql_words' literals as a list literal ['a', 'b'] (for list_contains and list_position)."""
    return "[" + sql_words(words)[1:-1] + "]"


ZONE_ABBREVIATION_LIST = sql_list(ZONE_ABBREVIATIONS)
_OFFSETS = sql_list(ZONE_ABBREVIATIONS.values())


def zone_offsets(col_sql: str) -> str:
    """SQL: the text with a trailing zone abbreviation (ZONE_ABBREVIATIONS) written as its UTC offset; NULL for a
    trailing word that is none of them (an ambiguous or unknown abbreviation: never DuckDB's guess)."""
    word = zone_word_sql(col_sql)
    return (f"(CASE WHEN {word} IS NULL THEN {col_sql} ELSE regexp_replace({col_sql}, '\\s+[A-Za-z]+$', '') "
            f"|| {_OFFSETS}[list_position({ZONE_ABBREVIATION_LIST}, {word})] END)")
