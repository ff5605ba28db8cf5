"""Date formats: which format a column uses (asked when the values cannot say), its SQL, and the checks every
date column gets (empty, unreadable, in the future, before 1970, a span wider than MAX_SPAN_YEARS)."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from metrics.ingest.questions import Question
from metrics.ingest.sqltext import (
    AMBIGUOUS_ZONES,
    ZONE_ABBREVIATION_LIST,
    _blank,
    unix_time_sql,
    zone_offsets,
    zone_word_sql,
)
from metrics.rules import MAX_SPAN_YEARS
from metrics.store import quote_ident

if TYPE_CHECKING:
    from metrics.ingest.checks import _Checker

# Date formats tried on every date column; the one that parses the most values is proposed, ties going to the
# earlier. When a month-first and a day-first format both read every value (only values like 03/04/2026) the
# column is *ambiguous*: nothing is read until the analyst answers Question "date_format:<column>".
DATE_FORMATS = ["ISO", "%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%m-%d-%Y", "%d-%m-%Y",
                "%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S",
                "%m-%d-%Y %H:%M", "%d-%m-%Y %H:%M", "%m-%d-%Y %H:%M:%S", "%d-%m-%Y %H:%M:%S", "%d.%m.%Y %H:%M",
                "%m/%d/%Y %I:%M:%S %p", "%d/%m/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%d/%m/%Y %I:%M %p",
                "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %I:%M:%S %p", "%m/%d/%y", "%d/%m/%y", "%m/%d/%y %H:%M",
                "%d/%m/%y %H:%M", "%d.%m.%y", "%Y-%m", "%Y/%m", "%b %Y", "%B %Y", "%b-%y", "%b-%Y", "%d-%b-%Y",
                "%d-%b-%Y %H:%M", "%d %b %Y", "%d-%b-%y", "%b %d, %Y", "%Y%m%d", "%Y", "EXCEL",
                # German and Excel-resaved timestamps with seconds, two-digit years with times (Microsoft Forms),
                # Jira's '27/Mar/24 10:16 PM'
                "%d.%m.%Y %H:%M:%S", "%d.%m.%y %H:%M", "%m/%d/%y %H:%M:%S", "%d/%m/%y %H:%M:%S",
                "%m/%d/%y %I:%M %p", "%d/%m/%y %I:%M %p", "%m/%d/%y %I:%M:%S %p", "%d/%m/%y %I:%M:%S %p",
                "%d/%b/%y %I:%M %p", "%d/%b/%y %H:%M", "%d/%b/%y", "%d/%b/%Y %I:%M %p", "%d/%b/%Y",
                "EPOCH"]  # Unix times as APIs write them (Delighted's 'created_at': refused as not dates)
DATE_FORMAT_LABELS = {"ISO": "ISO 8601 (2026-01-31, timestamps with zones)", "EXCEL": "Excel serial numbers",
                      "EPOCH": "Unix time (seconds, or milliseconds, since 1970; dated in UTC)",
                      "%Y": "year only (YYYY, read as 1 January)", "%Y%m%d": "YYYYMMDD (20260131)"}
_DAY_MONTH_SWAP = {"%m": "%d", "%d": "%m"}
_FIELD_NAMES = {"%Y": "YYYY", "%y": "YY", "%m": "MM", "%d": "DD", "%H": "hh", "%I": "hh", "%M": "mm", "%S": "ss",
                "%p": "AM/PM", "%b": "Mon", "%B": "Month"}
# A value that is only a time of day (08:21, 8:21:05 PM): not a date, whatever format is tried.
_TIME_ONLY = r"[0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?\s*([AaPp][Mm])?"
SAMPLE_VALUES = 20000  # distinct values read to choose a column's format


def swap_day_month(fmt: str) -> str:
    return re.sub(r"%[md]", lambda m: _DAY_MONTH_SWAP[m.group()], fmt)


def format_name(fmt: str) -> str:
    """A format as the analyst writes it: %d/%m/%Y -> DD/MM/YYYY."""
    if fmt in DATE_FORMAT_LABELS:
        return DATE_FORMAT_LABELS[fmt]
    return re.sub(r"%[A-Za-z]", lambda m: _FIELD_NAMES.get(m.group(), m.group()), fmt)


_GMT_ZONE = "'\\s+(GMT|UTC)(([+-])([0-9]{1,2})(:?([0-9]{2}))?)?$'"


def _local_time_sql(v: str, fmt: str) -> str:
    """SQL: the time as the file writes it, a trailing 'GMT-5' dropped (the local time, before the zone is read)."""
    return f"try_strptime(regexp_replace({v}, {_GMT_ZONE}, ''), '{fmt}')"


def _parse_date_sql(v: str, fmt: str) -> str:
    if fmt == "ISO":  # ISO 8601 dates and timestamps, with or without a zone (+hh:mm, +hhmm, Z, UTC)
        iso = f"regexp_replace({zone_offsets(v)}, '\\s*([+-][0-9]{{2}}):?([0-9]{{2}})$', '\\1:\\2')"
        # a bare year ('2012') or YYYYMMDD is not ISO here: those have formats of their own, stated as such.
        # A plain YYYY-MM-DD is read by a cast alone: the same date, without the regular expressions' cost.
        plain = f"CASE WHEN length({v}) = 10 AND {v}[5] = '-' AND {v}[8] = '-' THEN try_cast({v} AS DATE) END"
        return (f"coalesce({plain}, CASE WHEN regexp_full_match({v}, '[0-9]{{4}}-.*') "
                f"THEN try_cast(try_cast({iso} AS TIMESTAMPTZ) AS DATE) END)")
    if fmt == "EXCEL":  # days since 1899-12-30 (Excel's 1900 date system), plausible range only
        num = f"try_cast({v} AS DOUBLE)"
        return (f"CASE WHEN regexp_full_match({v}, '[0-9]{{5}}(\\.[0-9]+)?') AND {num} BETWEEN 20000 "
                f"AND 80000 THEN (DATE '1899-12-30' + floor({num})::INTEGER) END")
    if fmt == "EPOCH":  # 10 digits of seconds or 13 of milliseconds: 2001 to 2286, never an 8-digit date or a year
        return f"{unix_time_sql(v)}::DATE"
    if fmt == "%Y":  # a year alone: four digits, nothing else
        return f"CASE WHEN regexp_full_match({v}, '[12][0-9]{{3}}') THEN make_date({v}::INTEGER, 1, 1) END"
    if fmt == "%Y%m%d":  # an integer date: exactly eight digits
        return (f"CASE WHEN regexp_full_match({v}, '[12][0-9]{{7}}') "
                f"THEN try_cast(try_strptime({v}, '%Y%m%d') AS DATE) END")
    if "%H" in fmt or "%I" in fmt:
        # a trailing zone (Google Forms' "11:30:00 PM GMT-5") is read, and the date taken in UTC as every other
        # zoned time is (it was dropped: the local date was kept, and the same moment fell in another month)
        zone = _GMT_ZONE
        ts = _local_time_sql(v, fmt)
        offset = (f"(CASE WHEN regexp_extract({v}, {zone}, 3) = '-' THEN -1 ELSE 1 END) * "
                  f"(coalesce(try_cast(nullif(regexp_extract({v}, {zone}, 4), '') AS INTEGER), 0) * 60 + "
                  f"coalesce(try_cast(nullif(regexp_extract({v}, {zone}, 6), '') AS INTEGER), 0))")
        parsed = (f"try_cast(CASE WHEN regexp_matches({v}, {zone}) THEN {ts} - to_minutes({offset}) ELSE {ts} END "
                  "AS DATE)")
    else:
        parsed = f"try_cast(try_strptime({v}, '{fmt}') AS DATE)"
    if "%Y" in fmt:  # %Y also takes '19' (year 0019): a two-digit year is only ever read by a %y format
        return f"CASE WHEN regexp_matches({v}, '[0-9]{{4}}') THEN {parsed} END"
    return parsed


def _sample(column: str) -> str:
    col = quote_ident(column)
    return f"SELECT DISTINCT {col} AS v FROM raw WHERE NOT {_blank(col)} LIMIT {SAMPLE_VALUES}"


# The separators a format's literal text holds, and the value shapes that rule a format out. DuckDB binds each
# format's parse expression in ~1 ms (its regular expressions and strptime pattern), so counting all of
# DATE_FORMATS over even two values cost ~70–110 ms a date column, on every upload. A format whose literal text has a
# separator no value holds (or that names months or AM/PM where no value has a letter) reads no value: its count is
# 0 without being bound. Only a necessary condition of a match is used, so the counts are the same.
_SEPARATORS = ("/", "-", ".", ":", ",")
# a value's shape: whether it holds each separator, then whether it holds a letter (SQL over a column `v`)
SHAPE_SQL = ", ".join(f"contains(v, '{c}')" for c in _SEPARATORS) + ", regexp_matches(v, '[A-Za-z]')"


def _needs(fmt: str) -> tuple[frozenset[str], bool] | None:
    """The separators `fmt`'s literal text requires and whether it requires a letter; None: always counted (the
    named readings ISO, EXCEL, EPOCH, whose SQL is not one strptime pattern)."""
    if "%" not in fmt:
        return None
    literal = re.sub(r"%.", "", fmt)
    return frozenset(c for c in _SEPARATORS if c in literal), bool(re.search(r"%[bBp]", fmt))


_NEEDS = {fmt: _needs(fmt) for fmt in DATE_FORMATS}


def _possible(fmt: str, shapes: list[tuple]) -> bool:
    """Whether any value of these shapes (SHAPE_SQL's rows) could read in `fmt`."""
    needs = _NEEDS[fmt]
    if needs is None:
        return True
    separators, letter = needs
    return any(all(shape[_SEPARATORS.index(c)] for c in separators) and (shape[-1] or not letter)
               for shape in shapes)


def choose_format(chk: _Checker, column: str) -> str:
    """The column's format: the analyst's answer (or a preset's Options.date_formats), else the best fit.
    Asks Question "date_format:<column>"; must-confirm when month-first and day-first both read every value."""
    col = quote_ident(column)
    key = f"date_format:{column}"
    legacy = chk.opts.date_formats.get(column)
    if key not in chk.questions.answers and legacy in DATE_FORMATS:
        chk.questions.answers[key] = legacy  # presets saved before questions existed
    # the sample read once (a DISTINCT over every row of a large file), for the shapes, the counts and the example
    chk.con.execute(f"CREATE OR REPLACE TEMP TABLE _date_sample AS {_sample(column)}")
    shapes = chk.con.execute(f"SELECT DISTINCT {SHAPE_SQL} FROM _date_sample").fetchall()
    tried = [f for f in DATE_FORMATS if _possible(f, shapes)]
    row = chk.con.execute(
        "SELECT count(*), count(*) FILTER (regexp_full_match(v, ?)), min(v)"
        + "".join(f", count({_parse_date_sql('v', f)})" for f in tried) + " FROM _date_sample",
        [_TIME_ONLY]).fetchone()
    n, times, example = row[0], row[1], row[2]
    counts = {f: 0 for f in DATE_FORMATS} | dict(zip(tried, row[3:], strict=True))
    if n == 0:  # an empty (optional) column: nothing to read, nothing to ask
        chk.formats[column] = "ISO"
        return "NULL::DATE"
    if times == n:
        _refuse_times(chk, column)
    chk.date_counts[column] = (n, counts)
    best = max(DATE_FORMATS, key=lambda f: (counts[f], -DATE_FORMATS.index(f)))
    twin = swap_day_month(best)
    ambiguous = bool(counts[best]) and twin != best and counts.get(twin) == counts[best]
    given = chk.questions.answers.get(key)
    if counts[best] == 0:
        choices = list(DATE_FORMATS)
    else:
        choices = [f for f in DATE_FORMATS if counts[f] == counts[best] or f == given]
    if ambiguous:
        differs = chk.con.execute(  # a value that reads differently each way, shown both ways
            f"SELECT v FROM _date_sample WHERE {_parse_date_sql('v', best)} <> {_parse_date_sql('v', twin)} "
            "ORDER BY v LIMIT 1").fetchone()
        ambiguous = differs is not None  # 01/01/2026, 05/05/2026 …: both readings give the same dates
        settled = {f: c for c, f in chk.formats.items() if c not in chk.ambiguous}
        if ambiguous and twin in settled and best not in settled:
            # another date column of the file reads one way only (a day above 12): the same order is proposed for
            # this one (its start dates proven DD/MM, the churn dates' MM/DD proposal read churn 0.56% for 3.05%)
            best, twin = twin, best
        if ambiguous:
            chk.ambiguous[column] = [best, twin]
            example = differs[0]
        elif twin != given:  # the twin reads every value as the same date: not a choice that changes anything
            choices.remove(twin)
    labels = _labels(chk, choices, example, counts, n)
    # n is of the sample: "20,000 distinct values" would misstate a column with more
    counted = f"{n:,} distinct values" if n < SAMPLE_VALUES else f"The first {n:,} distinct values read"
    detail = (counted + (f", e.g. '{example}'" if example is not None else "") + ". "
              + "; ".join(f"{format_name(f)}: {counts[f]:,} read" for f in choices[:8]))
    if ambiguous:
        detail = (f"The values read both as {format_name(best)} and as {format_name(twin)} (no day above 12), "
                  "so the file cannot say which; the two readings give different dates. " + detail)
        if best in settled:
            detail += f". '{settled[best]}' reads as {format_name(best)} only: proposed the same."
    answer = chk.questions.ask(Question(
        key, f"Which date format does '{column}' use?", tuple(choices), labels,
        proposal=best, detail=detail, must_confirm=ambiguous))
    fmt = answer if isinstance(answer, str) else best
    chk.formats[column] = fmt
    if fmt == "%Y":
        chk.notes.append(f"'{column}' holds years only; each is read as 1 January of its year.")
    expr = _parse_date_sql(col, fmt)
    if fmt == "EXCEL" and chk.date1904:
        # A workbook saved in the 1904 date system (Mac Excel) counts its serial numbers from 1904-01-01: read from
        # 1899-12-30, a plain 44561 beside it was 2021-12-01 where Excel shows 2026-01-01 (4 years and a day early).
        # Cells formatted as dates are dates already (calamine reads them in the workbook's own system).
        expr = f"({expr} + INTERVAL 1462 DAY)::DATE"
        chk.notes.append(f"'{column}' holds Excel serial numbers in a workbook that uses the 1904 date system (Mac "
                         "Excel): each is counted from 1 January 1904, as Excel shows it.")
    parsed = _materialise(chk, column, expr)
    if fmt == "ISO":
        note_zone_shifts(chk, column, parsed)
    elif "%H" in fmt or "%I" in fmt:  # Google Forms' '1/31/2026 11:30:00 PM GMT-5': its day moved silently
        note_zone_shifts(chk, column, parsed, f"try_cast({_local_time_sql(quote_ident(column), fmt)} AS DATE)")
    return parsed


def note_zone_shifts(chk: _Checker, column: str, parsed: str, local: str | None = None) -> None:
    """A note when a timestamp's zone moves its date: the rule reads every date in UTC (one calendar for every
    file), so 2023-01-31T23:30-05:00 is 1 February; said, not silent, since the file shows 31 January. `local`:
    SQL for the date the file shows (an ISO value's first ten characters by default)."""
    v = quote_ident(column)
    local = local or f"CASE WHEN length({v}) > 10 THEN try_cast(left({v}, 10) AS DATE) END"
    n, example, read = chk.con.execute(
        f"SELECT count(*), arg_min({v}, _row), arg_min({parsed}, _row) FROM raw "
        f"WHERE {parsed} <> {local}").fetchone()
    if n:
        which = ("1 timestamp in '{c}' carries a time zone that puts it" if n == 1
                 else f"{n:,} timestamps in '{{c}}' carry a time zone that puts them")
        chk.notes.append(which.format(c=column) + " on another day in UTC, in which every date is read: "
                         f"'{example}' is {read:%-d %B %Y}. Months and periods follow the UTC dates.")


def flag_zone_words(chk: _Checker, column: str, v: str, unread: str) -> str:
    """Flag the cells of `column` (SQL `v`) that are not read (`unread`) and end in a time-zone word the app does not
    read (sqltext.zone_offsets): an abbreviation of more than one zone, named with its meanings, or one it does not
    know. Returns the SQL condition of those cells, for the caller's unreadable check to leave out (they were refused
    as 'not times in the format the rest uses' at best, and before that read in DuckDB's guess of the zone)."""
    word = zone_word_sql(v)
    # a known abbreviation is read where its format is (an unreadable cell with one is unreadable for another reason)
    where = f"{unread} AND {word} IS NOT NULL AND NOT list_contains({ZONE_ABBREVIATION_LIST}, {word})"
    found = [w for (w,) in chk.con.execute(f"SELECT DISTINCT {word} FROM raw WHERE {where} ORDER BY 1").fetchall()]
    advice = ("the app will not guess which. Export the times with their UTC offset (+01:00) or in UTC, or name "
              "the zone in the header (Created at (Europe/London))")
    for w in found:
        if w in AMBIGUOUS_ZONES:
            chk.flag(column, f"{where} AND {word} = ?", f"end in the time-zone abbreviation '{w}', which names "
                     f"more than one zone ({AMBIGUOUS_ZONES[w]}): {advice}", [w])
    unknown = [w for w in found if w not in AMBIGUOUS_ZONES]
    if unknown:
        shown = ", ".join(f"'{w}'" for w in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        chk.flag(column, f"{where} AND {word} NOT IN (SELECT unnest(?::VARCHAR[]))",
                 f"end in a word the app does not know as a time-zone abbreviation ({shown}): "
                 + advice.replace("the app will not guess which", "its offset is not guessed"),
                 [list(AMBIGUOUS_ZONES)])
    return f"coalesce({where}, false)"


def _materialise(chk: _Checker, column: str, expr: str) -> str:
    """Parse the column once into a hidden DATE column of `raw` and return that column: every check, bound and
    preparer then reads a date instead of re-parsing text (a million rows: seconds, not tens of seconds)."""
    # the table's own columns (duckdb_columns() loads the whole catalog first: ~20 ms a connection)
    taken = set(chk.con.sql("SELECT * FROM raw LIMIT 0").columns)
    name = next(f"_parsed_date_{i}" for i in range(len(taken) + 1) if f"_parsed_date_{i}" not in taken)
    chk.con.execute(f"CREATE OR REPLACE TEMP TABLE raw AS SELECT *, {expr} AS {quote_ident(name)} FROM raw")
    chk.hidden.append(name)
    return quote_ident(name)


def _labels(chk: _Checker, choices: list[str], example: str | None, counts: dict[str, int], n: int) -> dict:
    """Each format named, with the example value read that way (or how many values it reads)."""
    if example is None:
        return {f: format_name(f) for f in choices}
    read = chk.con.execute("SELECT " + ", ".join(_parse_date_sql("v", f) for f in choices)
                           + " FROM (SELECT ?::VARCHAR AS v)", [example]).fetchone()
    # a date DuckDB reads that Python cannot hold (year 0) comes back as text: shown as it is
    return {f: f"{format_name(f)}: '{example}' is "
            + ((f"{d:%-d %B %Y}" if isinstance(d, dt.date) else str(d)) if d else "not readable")
            + ("" if counts[f] == n else f" ({counts[f]:,} of {n:,} values read)")
            for f, d in zip(choices, read, strict=True)}


def _refuse_times(chk: _Checker, column: str) -> None:
    chk.refuse(column, f"regexp_full_match({quote_ident(column)}, ?)", "are times of day (hh:mm), not dates: "
               "the column has no day, so it cannot be used as a date. Map a column that holds dates", [_TIME_ONLY])


def unreadable(chk: _Checker, column: str, noun: str) -> str:
    """Why a column's unreadable values are refused: most values read in one format and these do not; or no value
    reads in any format tried, so no answer can fix it (the file's format is not one the app knows)."""
    n, counts = chk.date_counts.get(column, (0, {}))
    if n and not any(counts.values()):
        return (f"are not {noun} in any format the app reads (ISO 8601, DD.MM.YYYY, MM/DD/YYYY, DD/MM/YY hh:mm and "
                f"{len(counts) - 4} more): re-save the column as YYYY-MM-DD (hh:mm), or map another column")
    return f"are not {noun} in the format the rest of the column uses"


def _check_dates(chk: _Checker, column: str, expr: str, required: bool | str, today: dt.date,
                 parsed: str | None = None) -> None:
    """Flag the column's bad dates. `required`: whether an empty cell is bad, or the SQL condition under which it
    is (a subscription not paying yet may have no start). `parsed`: the column read as dates, when `expr` (the
    dates used) leaves some out on purpose (a churn scheduled after the as-of date): a cell is unreadable when
    `parsed` is NULL."""
    col = quote_ident(column)
    empty = _blank(col) if required is True else f"{_blank(col)} AND {required}"
    zoned = flag_zone_words(chk, column, col, f"NOT {_blank(col)} AND {parsed or expr} IS NULL")
    # a row the condition leaves out may be dated ahead too (GoCardless schedules a 'pending_submission' payment for
    # its charge date: the whole file was refused)
    future = f"{expr} > ?" + (f" AND {required}" if isinstance(required, str) else "")
    chk.flag_all([
        *([(column, empty, "are empty (a date is required)", [])] if required else []),
        (column, f"NOT {_blank(col)} AND {parsed or expr} IS NULL AND NOT {zoned}", unreadable(chk, column, "dates"),
         []),
        (column, future, f"are in the future (after {today:%Y-%m-%d})", [today]),
        (column, f"{expr} < DATE '1970-01-01'", "are before 1970", [])])
    # Bound on the span: one stray early date would widen every chart and expansion to decades of empty months.
    months = chk.con.execute(f"SELECT date_trunc('month', e)::DATE, count(*), min(e), max(e) FROM "
                             f"(SELECT {expr} AS e FROM raw) WHERE e >= DATE '1970-01-01' AND e <= ? GROUP BY 1 "
                             "ORDER BY 1", [today]).fetchall()
    if months:
        latest = months[-1][3]
        floor = dt.date(latest.year - MAX_SPAN_YEARS, latest.month, 1)
        chk.flag(column, f"{expr} >= DATE '1970-01-01' AND {expr} < ?",
                 f"are more than {MAX_SPAN_YEARS} years before the column's latest date ({latest:%Y-%m-%d}); "
                 f"a span that wide is a typo or a placeholder date", [floor])
        _isolated_early(chk, column, expr, [m for m in months if m[0] >= floor])
        _isolated_late(chk, column, [m for m in months if m[0] >= floor])
    _ask_when_every_row_fails(chk, column)


ISOLATED_GAP_MONTHS = 24  # months without a date that set a column's first rows apart from the rest
ISOLATED_SHARE = 0.1      # at most this share of the dated rows (or one row) before such a gap: strays, not an era


def _empty_months(month: dt.date, following: dt.date) -> int:
    """How many calendar months lie strictly between two months (Jan and Apr: 2)."""
    return (following.year - month.year) * 12 + following.month - month.month - 1


LATE_GAP_MONTHS = 6  # months without a date that set a column's last rows apart from the rest


def _isolated_late(chk: _Checker, column: str, months: list[tuple]) -> None:
    """A note when a few dates (at most ISOLATED_SHARE, or one) lie after a gap of LATE_GAP_MONTHS or more: the
    pages open on the 12 months ending at the latest date, which would hold only these rows (19 answers of 2025 and
    one of June 2026 opened on that one answer, the rest out of the window, unsaid). Kept and said."""
    total, after = sum(m[1] for m in months), 0
    for (month, *_), (following, n, *_rest) in zip(reversed(months[:-1]), reversed(months[1:]), strict=True):
        after += n
        gap = _empty_months(month, following)
        if gap >= LATE_GAP_MONTHS and after <= max(1.0, ISOLATED_SHARE * total):
            last = months[-1][3]
            which = (f"1 row of '{column}' is dated long after the rest: {last:%Y-%m-%d}" if after == 1 else
                     f"{after:,} rows of '{column}' are dated long after the rest: {following:%b %Y} to "
                     f"{last:%Y-%m-%d}")
            chk.notes.append(
                f"{which}, after no date for {gap:,} months since {month:%b %Y}. The pages open on the 12 months "
                f"ending {last:%b %Y}, which hold only {'it' if after == 1 else 'them'}; choose the period on the "
                "pages to see the rest, or fix the rows if they are typos.")
            return


def _isolated_early(chk: _Checker, column: str, expr: str, months: list[tuple]) -> None:
    """A warning naming the rows when a few dates (at most ISOLATED_SHARE, or one) lie before a gap of
    ISOLATED_GAP_MONTHS or more without any date: within the span bound they are kept, but the data's period
    would start with them and its charts reach back over the empty years (one 1977 row among 2026 rows did so
    silently). `months`: (month, rows, first date, last date) of the column's dates, in order."""
    total, before, cut = sum(m[1] for m in months), 0, None
    for (month, n, _, last), (following, *_rest) in zip(months, months[1:], strict=False):
        before += n
        gap = _empty_months(month, following)
        if gap >= ISOLATED_GAP_MONTHS and before <= max(1.0, ISOLATED_SHARE * total):
            cut = (before, last, following, gap)
    if cut is None:
        return
    before, last, following, gap = cut
    rows = [r for (r,) in chk.con.execute(f"SELECT _row FROM raw WHERE {expr} >= ? AND {expr} < ? ORDER BY _row "
                                          "LIMIT 5", [months[0][2], following]).fetchall()]
    first, shown = months[0][2], ", ".join(map(str, rows)) + (" …" if before > len(rows) else "")
    which = (f"1 row of '{column}' is dated long before the rest: {first:%Y-%m-%d} (row {shown})" if before == 1 else
             f"{before:,} rows of '{column}' are dated long before the rest: {first:%Y-%m-%d} to {last:%Y-%m-%d} "
             f"(rows {shown})")
    chk.notes.append(
        f"{which}, then no date for {gap:,} months until {following:%b %Y}. The data's period starts there, so "
        f"charts and all-time figures reach back to {first:%b %Y}; if "
        f"{'it is a typo, fix the row' if before == 1 else 'they are typos, fix those rows'} and upload again.")


def _ask_when_every_row_fails(chk: _Checker, column: str) -> None:
    """When no row passes this column's checks, the format may be the fault rather than the data: the question
    is offered again with every format and how many values each reads (the refusal carries it to the page)."""
    key = f"date_format:{column}"
    if column not in chk.date_counts:
        return
    failed = chk.con.execute("SELECT count(DISTINCT _row) FROM bad WHERE col = ?", [column]).fetchone()[0]
    if not failed or failed < chk.con.execute("SELECT count(DISTINCT _row) FROM raw").fetchone()[0]:
        return
    n, counts = chk.date_counts[column]
    reasons = [f"{p.count:,} {p.reason}" for p in chk.problems if p.column == column]
    used = chk.formats[column]
    choices = tuple(sorted(DATE_FORMATS, key=lambda f: (-counts[f], DATE_FORMATS.index(f))))
    given = chk.questions.answers.get(key)
    chk.questions.ask(Question(
        key, f"Every row's '{column}' fails a date check. Which date format does '{column}' use?", choices,
        {f: f"{format_name(f)} ({counts[f]:,} of {n:,} distinct values read)" for f in choices},
        proposal=given if given in choices else used,
        detail=f"Read as {format_name(used)}: " + "; ".join(reasons) + "."))
