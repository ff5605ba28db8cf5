"""Reading the values of a ticket export: null tokens, timestamps (with their format and precision), durations
(with their unit), satisfaction answers and tags. SQL text only; values from the file never enter it (they are
read from the `raw` table or bound)."""

from __future__ import annotations

import re
import zoneinfo
from functools import cache

from metrics.errors import InvalidOptionError
from metrics.ingest import amounts
from metrics.ingest.checks import _Checker
from metrics.ingest.dates import flag_zone_words, note_zone_shifts, unreadable
from metrics.ingest.questions import Question
from metrics.ingest.scales import (
    CSAT_SCALES,
    NOT_RATED_WORDS,
    OFFERED_WORDS,
    UNOFFERED_WORDS,
    good_bad_sql,
    middle_words,
    neutral_warning,
    score_sql,
    seven_is_the_top,
    stray_scale_top,
)
from metrics.ingest.sqltext import (
    AMBIGUOUS_ZONES,
    ZONE_ABBREVIATIONS,
    _flag_sql,
    sql_words,
    stripped,
    unix_time_sql,
    zone_offsets,
)
from metrics.store import quote_ident

# Cells that mean "no value" in help-desk exports.
NULL_TOKENS = ("", "?", "-", "--", "n/a", "na", "#n/a", "not provided", "not available", "null", "none", "nan",
               "(none)", "(blank)")


def val(column: str) -> str:
    """The column's trimmed text, NULL for a null token."""
    c = quote_ident(column)
    return f"(CASE WHEN {_flag_sql(c)} IN {sql_words(NULL_TOKENS)} THEN NULL ELSE {c} END)"


# ---- timestamps ---------------------------------------------------------------------------------------------
def _strptime_formats() -> list[str]:
    out = ["%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d"]
    for sep in "-/.":
        for order in (("%d", "%m"), ("%m", "%d")):
            day = f"{order[0]}{sep}{order[1]}{sep}%Y"
            out += [f"{day} %H:%M:%S", f"{day} %H:%M", f"{day} %I:%M:%S %p", f"{day} %I:%M %p", day]
    out += ["%b %d, %Y %H:%M", "%b %d, %Y %I:%M %p", "%b %d, %Y", "%d %b %Y %H:%M", "%d %b %Y"]
    # two-digit years (Microsoft Forms' 3/5/24 22:12:33) and Jira's default '27/Mar/24 10:16 PM'
    for order in (("%d", "%m"), ("%m", "%d")):
        day = f"{order[0]}/{order[1]}/%y"
        out += [f"{day} %H:%M:%S", f"{day} %H:%M", f"{day} %I:%M:%S %p", f"{day} %I:%M %p"]
    out += ["%d/%b/%y %I:%M %p", "%d/%b/%y %H:%M", "%d/%b/%Y %I:%M %p", "%d/%b/%Y %H:%M"]
    return out


TS_FORMATS = ["ISO", "EPOCH", *_strptime_formats()]
_SWAP = {"%d": "%m", "%m": "%d"}


def _twin(fmt: str) -> str:
    return re.sub(r"%[dm]", lambda m: _SWAP[m.group()], fmt)


def ts_sql(value_sql: str, fmt: str) -> str:
    """SQL for a TIMESTAMP (UTC, no zone) from text in `fmt`; NULL where it does not fit."""
    if fmt == "ISO":
        iso = (f"regexp_replace(regexp_replace({zone_offsets(value_sql)}, '\\s*UTC$', ''), "
               f"'\\s*([+-][0-9]{{2}}):?([0-9]{{2}})$', '\\1:\\2')")
        # only from a four-digit year first: DuckDB's cast reads '13/03/24 10:00' as the year 13 (refused as "before
        # 1970"), which left the %d/%m/%y formats that read it no value to win with
        return (f"CASE WHEN regexp_matches({value_sql}, '^[0-9]{{4}}') THEN "
                f"try_cast(try_cast({iso} AS TIMESTAMPTZ) AS TIMESTAMP) END")
    if fmt == "EPOCH":  # Unix seconds (Intercom's API), plausible range 2001–2100 only; or milliseconds, 13 digits
        # (Crisp's API: refused as "not times")
        return unix_time_sql(value_sql, fractions=True)
    parsed = f"try_strptime({value_sql}, '{fmt}')"
    if "%Y" in fmt:  # %Y also takes '24' (year 0024): a two-digit year is only ever read by a %y format
        return f"CASE WHEN regexp_matches({value_sql}, '[0-9]{{4}}') THEN {parsed} END"
    return parsed


# A zone named after the header: Intercom's 'Conversation started at (America/New_York)'
# Intercom's 'Conversation started at (America/New_York)'; LiveChat's 'chat start date Europe/London' (no brackets)
_HEADER_ZONE = re.compile(r"(?:\(\s*([A-Za-z]+(?:/[A-Za-z0-9_+-]+)+)\s*\)|\s([A-Za-z]+(?:/[A-Za-z0-9_+-]+)+))\s*$")
# a value that carries its own zone (an offset, Z or UTC) is read by it, whatever the header says
# (GMT-5 too), and so does one ending in a zone abbreviation (sqltext.zone_word_sql), read or refused by it
# (a word of two letters other than AM and PM, one regular expression: this is spelt in every such time's SQL)
_OWN_ZONE = ("'(Z|[+-][0-9]{2}:?[0-9]{2}|UTC|(GMT|UTC)[+-][0-9]{1,2}(:?[0-9]{2})?"
             "|[0-9]\\s+([A-Za-z]{3,}|[B-OQ-Zb-oq-z][A-Za-z]|[AaPp][A-La-lN-Zn-z]))$'")


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def header_zone(column: str) -> str | None:
    """The IANA time zone a header names for its times, if any (only a known zone's name: it enters SQL text)."""
    match = _HEADER_ZONE.search(str(column))
    zone = match and (match[1] or match[2])
    return zone if zone and zone in _zones() else None


# A fixed offset or an abbreviation after the header: 'Created at (UTC+02:00)', 'Created at (GMT-5)', 'Solved at
# (PST)'; an offset also without brackets ('Created at UTC+2'). Only an IANA name was read: the times were stored as
# if in UTC, two hours off, unsaid.
_HEADER_NOTE = re.compile(r"\(\s*([^()]*?)\s*\)\s*$|\s((?:UTC|GMT)\s*[+\-\u2212]\s*[0-9:]+)\s*$", re.IGNORECASE)
_OFFSET = re.compile(r"(?:UTC|GMT)\s*([+\-\u2212])\s*([0-9]{1,2})(?::?([0-9]{2}))?", re.IGNORECASE)


def header_offset(column: str) -> tuple[str, int] | None:
    """(the offset as named, its minutes east of UTC) a header gives its times as a fixed offset or a zone
    abbreviation (sqltext.ZONE_ABBREVIATIONS); None when it names none, or UTC itself. A header naming an abbreviation
    of several zones, one the app does not know, or an offset beyond ±14 hours is refused: its times could be read
    at no offset without a guess."""
    match = _HEADER_NOTE.search(str(column))
    note = match and (match[1] or match[2])
    if not note:
        return None
    if offset := _OFFSET.fullmatch(note):
        sign = -1 if offset[1] in "-\u2212" else 1
        hours, minutes = int(offset[2]), int(offset[3] or 0)
        if hours > 14 or minutes >= 60:
            raise InvalidOptionError(f"The header '{column}' names the offset '{note}', which no time zone has (UTC-12 "
                                     "to UTC+14): rename the column without it, or export the times with their offset.")
        total = sign * (hours * 60 + minutes)
        return (f"UTC{'+' if sign > 0 else '-'}{hours:02d}:{minutes:02d}", total) if total else None
    if not re.fullmatch(r"[A-Z]{2,5}", note):  # a note in words ('Created (local)') names no zone
        return None
    if note in ZONE_ABBREVIATIONS:
        hours, minutes = ZONE_ABBREVIATIONS[note][1:].split(":")
        total = (-1 if ZONE_ABBREVIATIONS[note][0] == "-" else 1) * (int(hours) * 60 + int(minutes))
        return (f"{note} (UTC{ZONE_ABBREVIATIONS[note]})", total) if total else None
    meaning = (f"names more than one zone ({AMBIGUOUS_ZONES[note]})" if note in AMBIGUOUS_ZONES
               else "is not a time-zone abbreviation the app knows")
    raise InvalidOptionError(
        f"The header '{column}' gives its times in '{note}', which {meaning}: the app will not guess the offset. "
        "Rename the column with the zone's UTC offset ('(UTC+01:00)') or its name ('(Europe/London)'), or export the "
        "times in UTC.")


def _in_header_zone(chk: _Checker, column: str, v: str, expr: str) -> str:
    """Times the header says are local to a zone, read in it and stored in UTC like every zoned time: read as UTC
    wall-clock, a conversation across a daylight-saving change took an hour more than it did."""
    zone = header_zone(column)
    cell = quote_ident(column)  # the cell as loaded (stripped): a null token has no zone, and `v` is long SQL
    if zone is None:
        if (fixed := header_offset(column)) is None:
            return expr
        name, minutes = fixed
        note = f"Times in the columns whose header names {name} are read at that offset and stored in UTC."
        if note not in chk.notes:
            chk.notes.append(note)
        return f"(CASE WHEN regexp_matches({cell}, {_OWN_ZONE}) THEN {expr} ELSE {expr} - to_minutes({minutes}) END)"
    note = (f"Times in the columns whose header names {zone} are read as {zone} time and stored in UTC (durations "
            "across a daylight-saving change come out right).")
    if note not in chk.notes:
        chk.notes.append(note)
    return (f"(CASE WHEN regexp_matches({cell}, {_OWN_ZONE}) THEN {expr} "
            f"ELSE timezone('UTC', timezone('{zone}', {expr})) END)")


def timestamp(chk: _Checker, column: str) -> tuple[str, bool, int]:
    """(SQL for the column as TIMESTAMP, whether it has only dates: day precision, how many of its cells are dates
    without a time of day: 0 for Unix times). The format is the one that reads the most values; a tie between
    day-first and month-first (every day ≤ 12) is asked, not guessed."""
    v = val(column)
    sample = f"(SELECT DISTINCT {v} AS v FROM raw WHERE {v} IS NOT NULL LIMIT 20000)"
    # ISO first: when it reads every value no later format can beat it (ties go to the earlier format) and it
    # has no day-first twin, so the ~40 strptime formats (0.7 s on 20,000 values) need not be tried.
    n, iso = chk.con.execute(f"SELECT count(*), count({ts_sql('v', 'ISO')}) FROM {sample}").fetchone()
    if n and iso == n:
        counts = {f: (iso if f == "ISO" else 0) for f in TS_FORMATS}
    else:
        found = chk.con.execute(f"SELECT {', '.join(f'count({ts_sql(chr(118), f)})' for f in TS_FORMATS)} "
                                f"FROM {sample}").fetchone()  # every format in one pass over the values
        counts = dict(zip(TS_FORMATS, found, strict=True))
    chk.date_counts[column] = (n, counts)
    best = max(TS_FORMATS, key=lambda f: (counts[f], -TS_FORMATS.index(f)))
    twin = _twin(best)
    # a format with a day but no numeric month ("Mar 05, 2026") has no day-first twin ("%b %m" crashed the lookup)
    if counts[best] and twin != best and counts.get(twin) == counts[best]:
        day_first = best if best.index("%d") < best.index("%m") else twin
        month_first = _twin(day_first)
        answer = chk.questions.ask(Question(
            f"date_order:{column}", f"Are the dates in '{column}' day-first or month-first?",
            ("day_first", "month_first"),
            {"day_first": f"day first ({day_first})", "month_first": f"month first ({month_first})"},
            None, f"Every value fits both, e.g. day and month are all ≤ 12 ({counts[best]:,} distinct values).",
            must_confirm=True))
        best = day_first if answer == "day_first" else month_first
    chk.formats[column] = best
    # An ISO time is read from the cell as loaded: no null token reads as one, and `v` (a CASE over the tokens) spelt
    # in each of the zone steps made a file with four zoned time columns run out of memory (DuckDB keeps a vector per
    # expression node and thread)
    cell = quote_ident(column) if best == "ISO" else v
    if best == "ISO":  # a zone that moves a ticket to another UTC day (and month) is said, as for other dates
        note_zone_shifts(chk, column, f"CAST({ts_sql(cell, best)} AS DATE)")
    dated = chk.con.execute(f"SELECT count(*) FILTER (contains({v}, ':')), count({v}) FROM raw").fetchone()
    untimed = 0 if best == "EPOCH" else dated[1] - dated[0]
    day_only = best != "EPOCH" and dated[1] > 0 and dated[0] == 0
    if best == "EPOCH" or day_only:  # Unix times are UTC; a date without a time has no hour to move
        return ts_sql(cell, best), day_only, untimed
    return _in_header_zone(chk, column, v, ts_sql(cell, best)), day_only, untimed


def check_timestamps(chk: _Checker, column: str, expr: str, today) -> None:
    v = val(column)
    zoned = flag_zone_words(chk, column, v, f"{v} IS NOT NULL AND {expr} IS NULL")
    chk.flag(column, f"{v} IS NOT NULL AND {expr} IS NULL AND NOT {zoned}", unreadable(chk, column, "times"))
    chk.flag(column, f"({expr})::DATE > ?", f"are in the future (after {today:%Y-%m-%d})", [today])
    chk.flag(column, f"({expr})::DATE < DATE '1970-01-01'", "are before 1970")


def looks_like_timestamps(chk: _Checker, column: str) -> bool:
    """A column named like a duration whose values are dates ("First Response Time" = 01-06-2023 12:15)."""
    v = val(column)
    hits, n = chk.con.execute(
        f"SELECT count(*) FILTER (regexp_matches({v}, '^[0-9]{{1,4}}[-/.][0-9]{{1,2}}[-/.][0-9]{{1,4}}')), count({v}) "
        "FROM raw").fetchone()
    return n > 0 and hits * 2 >= n


# ---- durations ----------------------------------------------------------------------------------------------
_HMS = "^([0-9]{1,3}(,[0-9]{3})+|[0-9]+):([0-5][0-9])(:([0-5][0-9]))?$"
_THOUSANDS = "^-?[1-9][0-9]{0,2}(,[0-9]{3})+(\\.[0-9]+)?$"
UNIT_HOURS = {"milliseconds": 1 / 3_600_000, "seconds": 1 / 3600, "minutes": 1 / 60, "hours": 1.0, "days": 24.0}
MAX_DURATION_YEARS = 20  # no ticket waits longer for a reply or a solution: a larger duration is a broken cell
LONGEST_HOURS = MAX_DURATION_YEARS * 365.25 * 24


def _number(v: str, form: str = "1,234.5") -> str:
    """A duration cell as a number, written the column's way: 1,234.5 (a comma groups thousands only where it
    could: 0,250 is no thousands group), 1.234,5 (a decimal comma) or 1.234 (a thousands dot, whole numbers)."""
    if form == "1.234,5":
        return f"try_cast(replace(replace({v}, '.', ''), ',', '.') AS DOUBLE)"
    if form == "1.234":
        return f"try_cast(replace({v}, '.', '') AS DOUBLE)"
    return (f"(CASE WHEN regexp_full_match({v}, '{_THOUSANDS}') THEN try_cast(replace({v}, ',', '') AS DOUBLE) "
            f"ELSE try_cast({v} AS DOUBLE) END)")


def _number_form(chk: _Checker, column: str) -> str:
    """How the column writes its numbers, decided for the whole column as amounts are (metrics.ingest.amounts): a
    decimal comma (0,250 or 2,75: a German or French export), else a dot that is a thousands separator when the
    analyst says so (every dotted value 1.230, 2.880: asked), else a decimal point. A column writing both
    conventions is refused."""
    if amounts.decimal_comma(chk, column):
        return "1.234,5"
    return "1.234" if amounts.thousands_dot(chk, column, "durations") else "1,234.5"


# A duration written with its units (Zoho Desk's '2 days 3 hrs 5 mins', '30 mins', '1h 30m'): each cell says its unit
_UNIT_PARTS = (("days|day|d", 24.0), ("hours|hour|hrs|hr|h", 1.0), ("minutes|minute|mins|min|m", 1 / 60),
               ("seconds|second|secs|sec|s", 1 / 3600))
_WORDS = "^" + "".join(f"(?:([0-9]+(?:[.][0-9]+)?) *(?:{u}) *,? *)?" for u, _ in _UNIT_PARTS) + "$"
# 'H:MM hrs' / 'H:MM:SS hours': hours:minutes whose unit is written after them
_HMS_UNIT = "^([0-9,]+:[0-9:]+) *(hrs|hr|hours|hour|h)$"


def _words_hours(v: str) -> str:
    """SQL: a cell written with its units ('2 days 3 hrs') in hours; NULL where it is not such a cell."""
    low = f"lower({v})"
    parts = " + ".join(f"coalesce(try_cast(nullif(regexp_extract({low}, '{_WORDS}', {1 + i}), '') AS DOUBLE)"
                       f", 0) * {factor!r}" for i, (_, factor) in enumerate(_UNIT_PARTS))
    return f"(CASE WHEN regexp_full_match({low}, '{_WORDS}') AND regexp_matches({low}, '[0-9]') THEN {parts} END)"


def _hms_hours(v: str, minutes_first: bool = False) -> str:
    """H:MM:SS or H:MM in hours; with `minutes_first` (a header saying mm:ss) a two-part value is M:SS."""
    two_part = f"nullif(regexp_extract({v}, '{_HMS}', 5), '') IS NULL"
    hours = (f"(try_cast(replace(regexp_extract({v}, '{_HMS}', 1), ',', '') AS DOUBLE)"
             f" + try_cast(regexp_extract({v}, '{_HMS}', 3) AS DOUBLE) / 60"
             f" + coalesce(try_cast(nullif(regexp_extract({v}, '{_HMS}', 5), '') AS DOUBLE), 0) / 3600)")
    return f"(CASE WHEN {two_part} THEN {hours} / 60 ELSE {hours} END)" if minutes_first else hours


def _unit_from_header(column: str) -> str | None:
    h = re.sub(r"[^a-z]", "", column.lower())
    # 'Business Hours' names the clock, and only perhaps the unit: Zoho Desk's 'Resolution Time in Business Hours'
    # holds milliseconds (108960000 is 30.3 h); read as hours a 1-minute first response (60000) was 60,000 hours.
    # With no other unit word the header gives "clock" (hours, unless the numbers say otherwise: duration())
    clock = re.search(r"(business|calendar|working|office)(hours|hrs)", h)
    h = re.sub(r"(business|calendar|working|office)(hours|hrs)", "", h)
    unit = _unit_words(h)
    return "clock" if unit is None and clock else unit


CLOCK_MOST_HOURS = 1000  # a median above this in a 'business hours' column is no count of hours (Zoho: milliseconds)


def _unit_words(h: str) -> str | None:
    if "hhmmss" in h or "hhmm" in h:
        return "hms"
    for unit, words in (("milliseconds", ("millisecond", "inms")), ("minutes", ("minute", "mins", "inmin")),
                        ("seconds", ("second", "secs", "insec")),
                        ("hours", ("hour", "hrs", "inhr", "stunden")), ("days", ("days", "indays"))):
        if any(w in h for w in words):
            return unit
    if h.endswith("std"):  # German 'Antwortzeit (Std.)': Stunden, hours
        return "hours"
    return None


def duration(chk: _Checker, column: str, warnings: list[str]) -> str | None:
    """SQL for the column's durations in hours (DOUBLE), or None while its unit is unanswered. `H:MM:SS`
    values (hours past 24, thousands separators: 1,234:05:00) are hours:minutes:seconds whatever the header
    says, but for a header saying mm:ss, whose two-part values are minutes:seconds ('4:28' is 4 min 28 s, not
    4 h 28 min); plain numbers take the unit in the header, else the analyst's answer."""
    v = val(column)
    # 'H:MM hrs' is H:MM whose unit is written: read as H:MM (the suffix dropped)
    v = f"(CASE WHEN regexp_full_match(lower({v}), '{_HMS_UNIT}') THEN regexp_extract(lower({v}), '{_HMS_UNIT}', 1) " \
        f"ELSE {v} END)"
    hms, words, n = chk.con.execute(
        f"SELECT count(*) FILTER (regexp_full_match({v}, '{_HMS}')), count({_words_hours(v)}), count({v}) FROM raw"
        ).fetchone()
    if n == 0:  # an empty column: no durations, nothing to ask
        return "NULL::DOUBLE"
    if words and words * 2 >= n and words > hms:
        # Each cell says its unit ('2 days 2 hrs' is 50 h): read by it, never as a bare number in an asked unit
        chk.flag(column, f"{v} IS NOT NULL AND {_words_hours(v)} IS NULL",
                 "are not durations written with their units (2 days 3 hrs, 30 mins) like the rest of the column")
        warnings.append(f"Durations in '{column}' read by the units written in each cell (2 days 2 hrs is 50 h).")
        return _words_hours(v)
    if hms and hms * 2 >= n:
        chk.flag(column, f"{v} IS NOT NULL AND NOT regexp_full_match({v}, '{_HMS}')",
                 "are not durations as H:MM:SS like the rest of the column")
        header = re.sub(r"[^a-z]", "", column.lower())
        minutes_first = "mmss" in header and "hhmmss" not in header
        if minutes_first:
            warnings.append(f"Durations in '{column}' read as minutes:seconds, as its header says (4:28 is 4 min "
                            "28 s).")
        return f"(CASE WHEN regexp_full_match({v}, '{_HMS}') THEN {_hms_hours(v, minutes_first)} END)"
    number = _number(v, _number_form(chk, column))
    numeric, lo, med, hi = chk.con.execute(f"SELECT count({number}), min({number}), median({number}), "
                                           f"max({number}) FROM raw").fetchone()
    chk.flag(column, f"{v} IS NOT NULL AND {number} IS NULL", "are not numbers (durations)")
    unit = _unit_from_header(column)
    clock = unit == "clock"
    if clock:
        # 'Resolution time (business hours)' of 5.5 is hours; Zoho's 'in Business Hours' of 14400000 is milliseconds
        unit = "hours" if med is None or med <= CLOCK_MOST_HOURS else None
    if unit in (None, "hms"):
        answer = chk.questions.ask(Question(
            f"duration_unit:{column}", f"In what unit are the durations in '{column}'?",
            tuple(UNIT_HOURS), {u: u for u in UNIT_HOURS}, None,
            f"{numeric:,} numbers from {lo:,g} to {hi:,g}, median {med:,g}; the header does not say the unit"
            + (f" (it names business hours, but a median of {med:,g} hours is {med / 8766:,.1f} years: Zoho Desk "
               "writes milliseconds)." if clock else ".")
            if numeric else "No numbers in the column.", must_confirm=True))
        if answer is None:
            return None
        unit = answer
        warnings.append(f"Durations in '{column}' read as {unit} (the answer given).")
    return f"({number} * {UNIT_HOURS[unit]!r})"


# ---- satisfaction -------------------------------------------------------------------------------------------
# One reading with the CSAT kind's (scales.py): its words, its score cells ("4", "4/5", "★★★★☆") and its boxes.
UNOFFERED = (*UNOFFERED_WORDS, "not offered")  # a help desk's survey column also writes 'Not offered'
SCALES = {"1-5": CSAT_SCALES["1-5"], "1-7": CSAT_SCALES["1-7"], "1-10": CSAT_SCALES["1-10-csat"]}


def satisfaction(chk: _Checker, column: str, warnings: list[str]) -> dict[str, str] | None:
    """SQL for csat_score, csat_scale, csat_satisfied, csat_offered; None while the scale is unanswered."""
    v, col = val(column), quote_ident(column)
    middle = middle_words(chk, col)
    word, good = f"lower({v})", good_bad_sql(col, middle)
    score = f"(CASE WHEN {v} IS NOT NULL THEN {score_sql(col)} END)"
    asked = f"{word} IN {sql_words(OFFERED_WORDS + UNOFFERED)}"
    n_words, n_asked, n_num, lo, hi = chk.con.execute(
        f"SELECT count(*) FILTER ({good} IS NOT NULL), count(*) FILTER ({asked}), count({score}), "
        f"min({score}), max({score}) FROM raw").fetchone()
    # Which tickets were offered a survey is known only from an export that says it (Zendesk's Offered and
    # Unoffered): a rating is then an offered ticket answered, an empty cell one never asked. Without those words an
    # empty cell says nothing, and "every rated ticket was offered" made the response rate 100% (Freshdesk, Help
    # Scout: 2 ratings of 4 solved tickets read 100%): unknown, so the rate is taken over solved tickets, said.
    answered = f"{good} IS NOT NULL" if n_words >= n_num else f"{score} IS NOT NULL"
    offered = (f"CASE WHEN {answered} OR {word} IN {sql_words(OFFERED_WORDS)} THEN true "
               f"WHEN {word} IN {sql_words(UNOFFERED)} THEN false END") if n_asked else "NULL::BOOLEAN"
    if n_words >= n_num:  # Good/Bad (with Offered/Unoffered: offered means asked, not answered)
        # LiveChat's 'not rated': no rating, whether one was offered unknown (like an empty cell)
        chk.flag(column, f"{v} IS NOT NULL AND {good} IS NULL AND NOT {asked} AND "
                 f"{word} NOT IN {sql_words(NOT_RATED_WORDS)}",
                 "are not satisfaction ratings (Good/Bad, Great/Okay/Not Good, Satisfied/Neutral/Unsatisfied …, "
                 "Offered, Unoffered)")
        neutral_warning(chk, col, warnings, middle)
        return {"score": "NULL::SMALLINT",
                "scale": f"CASE WHEN {good} IS NOT NULL THEN 'good/bad' END",
                "satisfied": f"CASE WHEN {good} = 1 THEN true WHEN {good} = 0 THEN false END",
                "offered": offered}
    # Zendesk's numeric ratings beside Offered / Unoffered: those words are no answer, not a bad score
    chk.flag(column, f"{v} IS NOT NULL AND {score} IS NULL AND NOT {asked}", "are not whole-number satisfaction "
             "scores (nor Offered / Unoffered)")
    counts = chk.con.execute(f"SELECT {score} AS s, count(*) FROM raw WHERE {score} IS NOT NULL GROUP BY 1 ORDER BY 1"
                             ).fetchall()
    detail = "Scores: " + ", ".join(f"{s}: {c:,}" for s, c in counts)
    # a few ratings above 5 (or 7) against the bulk under it are strays, not a bigger scale (the CSAT kind's rule,
    # scales.stray_scale_top): one 10 among forty 1–5 ratings settled 1–10 unasked, and no 4 or 5 was satisfied
    above_top = {top: sum(c for r, c in counts if r > top) for top in (5, 7)}
    stray = stray_scale_top(above_top, hi, n_num) if lo >= 1 and hi <= 10 else None
    if lo >= 1 and hi <= 5:
        proposal, must = "1-5", False
    elif stray is not None:
        above = above_top[stray]
        proposal, must = f"1-{stray}", True
        detail += (f". Only {above:,} of {n_num:,} ratings {'is' if above == 1 else 'are'} above {stray}: read on "
                   f"1–{stray} {'it is refused as a bad row' if above == 1 else 'they are refused as bad rows'}; "
                   f"read on a bigger scale, no rating up to {stray} is satisfied. Choose a bigger scale only if the "
                   "survey offered it")
    elif lo >= 1 and hi <= 7:
        # 1–7 or 1–10: told apart only by enough answers, none above 7
        proposal, must = ("1-7", False) if seven_is_the_top(hi, n_num) else (None, True)
    elif lo >= 1 and hi <= 10:
        proposal, must = "1-10", False
    else:
        proposal, must = None, True   # 0 or above 10: not a CSAT scale we can read
    scale = chk.questions.ask(Question(
        f"csat_scale:{column}", f"On what scale are the satisfaction scores in '{column}'?", tuple(SCALES),
        {"1-5": "1–5 (satisfied: 4–5)", "1-7": "1–7 (satisfied: 6–7)", "1-10": "1–10 (satisfied: 9–10)"},
        proposal, detail, must_confirm=must))
    if scale is None:
        return None
    low, high, top = SCALES[scale]
    chk.flag(column, f"{score} NOT BETWEEN {low} AND {high}", f"are outside the satisfaction scale {scale}")
    warnings.append(f"Satisfaction in '{column}' read on a {scale.replace('-', '–')} scale, satisfied = "
                    f"{top}–{high} (top two boxes); {n_num:,} answers.")
    return {"score": f"{score}::SMALLINT", "scale": f"CASE WHEN {score} IS NOT NULL THEN '{scale}' END",
            "satisfied": f"CASE WHEN {score} IS NOT NULL THEN {score} >= {top} END", "offered": offered}


def tags(column: str) -> str:
    """"a, b", "a b" (Zendesk: space-separated), "[1967]", "['a', 'b']" -> a list of tags (NULL when blank)."""
    v = val(column)
    inner = f"regexp_replace({v}, '^\\[|\\]$', '', 'g')"
    parts = (f"CASE WHEN contains({inner}, ',') THEN string_split_regex({inner}, '\\s*,\\s*') "
             f"ELSE string_split_regex({stripped(inner)}, '\\s+') END")
    return (f"(CASE WHEN {v} IS NULL THEN NULL ELSE list_filter(list_transform({parts}, lambda x: trim(x, '''\" ')), "
            "lambda x: x <> '') END)")
