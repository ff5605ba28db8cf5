"""Score scales: which scale a score column answers on, read from its values and its header (or question text).

NPS comes only from a 0–10 (or 1–10) likelihood-to-recommend question. A 1–5 or 1–7 answer, a 1–10 satisfaction
question or a Good/Bad rating is CSAT (METRICS.md), a kind of its own: a 1–5 column uploaded as NPS once gave
NPS −100. So every score column gets Question "scale:<column>"; the proposal comes from the evidence and must be
confirmed whenever the evidence cannot settle it (a 1–5 column uploaded as NPS, values 1–5 under a bare "score").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from metrics.errors import InvalidOptionError
from metrics.ingest.mapping import normalise_header
from metrics.ingest.questions import Question
from metrics.ingest.sqltext import _blank, sql_words
from metrics.rules import MIN_RESPONSES
from metrics.store import quote_ident

if TYPE_CHECKING:
    from metrics.ingest.checks import _Checker

NPS_SCALES = ("0-10", "1-10")
# scale -> (lowest, highest, lowest satisfied answer: the top two boxes); Good/Bad is stored as 1/0.
CSAT_SCALES = {"1-5": (1, 5, 4), "1-7": (1, 7, 6), "1-10-csat": (1, 10, 9), "0-10-csat": (0, 10, 9),
               "good-bad": (0, 1, 1)}
SCALE_BOUNDS = {"0-10": (0, 10), "1-10": (1, 10)} | {k: v[:2] for k, v in CSAT_SCALES.items()}
SCALES = ("0-10", "1-10", "1-5", "1-7", "1-10-csat", "0-10-csat", "good-bad")
# The scale a CSAT answer is stored with (metrics.csat.SCALE_LABELS): the question's code, but for 1–10 and 0–10
# its name (the code only tells a satisfaction question from NPS's scale of the same range).
STORED_SCALE = {"1-10-csat": "1-10", "0-10-csat": "0-10"}
SCALE_LABELS = {
    "0-10": "0–10 likelihood to recommend (NPS)",
    "1-10": "1–10 likelihood to recommend (NPS; 1–6 detractors, as on 0–10)",
    "1-5": "1–5 satisfaction (CSAT: 4–5 satisfied)",
    "1-7": "1–7 satisfaction (CSAT: 6–7 satisfied)",
    "1-10-csat": "1–10 satisfaction question (CSAT: 9–10 satisfied; not NPS)",
    "0-10-csat": "0–10 satisfaction question (CSAT: 9–10 satisfied; not NPS)",
    "good-bad": "Satisfaction in words: Good / Bad, Great / Okay / Not Good, Satisfied / Neutral / Unsatisfied … "
                "(CSAT: the top words satisfied, a neutral answer not)",
}
SCALE_WORDS = {"0-10": "0–10", "1-10": "1–10", "1-5": "1–5", "1-7": "1–7", "1-10-csat": "1–10", "0-10-csat": "0–10",
               "good-bad": "Good/Bad"}
# Survey tools write these for a survey sent (or not) but never answered: not answers (METRICS.md, CSAT).
OFFERED_WORDS = ("offered", "angeboten")  # sent, not answered (German Zendesk: 'Angeboten')
UNOFFERED_WORDS = ("unoffered", "nicht angeboten")  # never sent
# LiveChat's chats export ('rate': rated good, rated bad, not rated; written 'rated_good' by its API): a chat
# nobody rated is no answer (read as one, it refused the file, or as Bad it would have lowered CSAT)
NOT_RATED_WORDS = ("not rated", "not_rated")
NOT_ANSWERS = (*OFFERED_WORDS, *UNOFFERED_WORDS, *NOT_RATED_WORDS)
_RECOMMEND = ("recommend", "likely", "likelihood", "nps", "ltr")
_SATISFIED = ("satisf", "csat", "rating", "star", "review", "happy", "experience")


def _value(col_sql: str) -> str:
    return f"lower({col_sql})"


def score_sql(col_sql: str) -> str:
    """A score cell to its number (VARCHAR digits, cast by the caller), NULL when it is not a score:
    "9", "9.0", "10 - Extremely likely", "4 stars", "4/5", "★★★★☆" (the filled stars).
    A time of day ("08:21") is not a score: the label after a dash or colon must not start with a digit."""
    v = _value(col_sql)
    number = (f"nullif(regexp_extract({v}, '^(-?[0-9]+)(\\.0+)?(\\s*(stars?|/\\s*[0-9]+|[-–:]\\s*[^0-9\\s].*))?$', 1),"
              " '')")
    stars = f"CASE WHEN regexp_full_match({v}, '[★☆⭐✩\\s]+') THEN length(regexp_replace({v}, '[^★⭐]', '', 'g')) END"
    return f"try_cast(coalesce({number}, {stars}::VARCHAR) AS INTEGER)"


# Satisfaction in words, as survey and help-desk tools write it (Zendesk Good/Bad, Freshdesk Awesome / Neutral /
# Not Good, Help Scout Great / Okay / Not Good, Satisfied / Neutral / Unsatisfied, and their five-point forms). CSAT
# counts the top words as satisfied (as the top two boxes of 1–5): a neutral answer is not satisfied.
SATISFIED_WORDS = ("good", "good with comment", "great", "awesome", "excellent", "satisfied", "very satisfied",
                   "amazing",  # Intercom's top rating (INTERCOM_RATINGS)
                   "rated good", "rated_good",  # LiveChat's chat rating (NOT_RATED_WORDS)
                   "extremely satisfied", "positive", "happy", "very happy", "somewhat satisfied",
                   # German Zendesk ('Gut, ich bin zufrieden') and survey words
                   "gut", "sehr gut", "zufrieden", "sehr zufrieden", "äußerst zufrieden")
NEUTRAL_WORDS = ("neutral", "okay", "ok", "average", "neither satisfied nor dissatisfied")
UNSATISFIED_WORDS = ("bad", "bad with comment", "rated bad", "rated_bad",  # LiveChat's
                     "not good", "poor", "terrible", "unsatisfied", "dissatisfied",
                     "not satisfied", "very dissatisfied", "very unsatisfied", "extremely dissatisfied",
                     "extremely unsatisfied", "negative", "unhappy", "very unhappy",
                     # SurveyMonkey's five-point wordings (refused as "not satisfaction words")
                     "somewhat dissatisfied", "somewhat unsatisfied", "not so satisfied", "not at all satisfied",
                     "not very satisfied",
                     # German Zendesk ('Schlecht, ich bin unzufrieden') and survey words
                     "schlecht", "sehr schlecht", "unzufrieden", "sehr unzufrieden", "nicht zufrieden", "nicht gut",
                     "äußerst unzufrieden",
                     *NEUTRAL_WORDS)


# Intercom's conversation ratings are five fixed reactions, its API's rating 1 to 5: Terrible, Bad, OK, Great, Amazing.
# Refused as words ('Amazing' was no satisfaction word); read on 1–5 once confirmed, Great and Amazing are the top two
# boxes, the ratings Intercom's CSAT counts as positive (4 and 5).
INTERCOM_RATINGS = {"terrible": 1, "bad": 2, "ok": 3, "great": 4, "amazing": 5}


def intercom_sql(col_sql: str) -> str:
    """Intercom's rating words to 1–5, else NULL."""
    return f"CASE trim({_value(col_sql)}) " + " ".join(
        f"WHEN '{w}' THEN {n}" for w, n in INTERCOM_RATINGS.items()) + " END"


def intercom_ratings(chk: _Checker, col_sql: str) -> bool:
    """Every answer is one of Intercom's five rating words, and 'Amazing' (its own top word) is among them."""
    return bool(chk.con.execute(
        f"SELECT count(*) > 0 AND count(*) = count({intercom_sql(col_sql)}) AND bool_or(trim({_value(col_sql)}) = "
        f"'amazing') FROM raw WHERE {answered_sql(col_sql)}").fetchone()[0])


# Customer Thermometer's four temperatures (its one-click thermometer icons), best first: Gold, Green, Yellow, Red.
# Its Happiness factor counts Gold and Green as happy of all responses: read as Good/Bad (Gold, Green satisfied;
# Yellow, Red not) once the analyst confirms it. Refused as words ('Gold' was no satisfaction word).
THERMOMETER_TEMPERATURES = {"gold": 1, "green": 1, "yellow": 0, "red": 0}
# Its API numbers the temperatures from the best (temperatureID 1 Gold, 2 Green, 3 Yellow, 4 Red): read upwards on
# 1–5, Red was satisfied and Gold not (CSAT 16.7% for 66.7%), so numbers under a temperature header are refused.
_TEMPERATURE_HEADER = ("temperature",)


def thermometer_sql(col_sql: str) -> str:
    """Customer Thermometer's temperature words to 1 (Gold, Green) / 0 (Yellow, Red), else NULL."""
    return f"CASE trim({_value(col_sql)}) " + " ".join(
        f"WHEN '{w}' THEN {n}" for w, n in THERMOMETER_TEMPERATURES.items()) + " END"


def thermometer_ratings(chk: _Checker, col_sql: str) -> bool:
    """Every answer is one of Customer Thermometer's four temperatures, and 'Gold' (its own top word; a red / amber /
    green status has none) is among them."""
    return bool(chk.con.execute(
        f"SELECT count(*) > 0 AND count(*) = count({thermometer_sql(col_sql)}) AND bool_or(trim({_value(col_sql)}) = "
        f"'gold') FROM raw WHERE {answered_sql(col_sql)}").fetchone()[0])


# SurveyMonkey writes two five-point forms: Very satisfied / Somewhat satisfied / Neither … / Somewhat dissatisfied /
# Very dissatisfied (top two boxes: very and somewhat satisfied), and Extremely / Very / Somewhat satisfied / Not so
# satisfied / Not at all satisfied, whose top two are extremely and very: there 'Somewhat satisfied' is the middle box.
# A column with a word only the second form has reads 'Somewhat satisfied' as its middle, not satisfied.
# Qualtrics' Extremely / Somewhat satisfied / Neither / Somewhat / Extremely dissatisfied is the first form's shape:
# only 'Not so' / 'Not at all satisfied', or 'Extremely' beside 'Very satisfied', make the second
EXTREMELY_FORM = ("not so satisfied", "not at all satisfied")
EXTREMELY_FORM_MIDDLE = ("somewhat satisfied",)


def middle_words(chk: _Checker, col_sql: str) -> tuple[str, ...]:
    """The words that are this column's middle box although they read as satisfied alone (EXTREMELY_FORM)."""
    v = _value(col_sql)
    form, extremely, very = chk.con.execute(
        f"SELECT count(*) FILTER ({v} IN {sql_words(EXTREMELY_FORM)}), count(*) FILTER ({v} = 'extremely satisfied'), "
        f"count(*) FILTER ({v} = 'very satisfied') FROM raw").fetchone()
    return EXTREMELY_FORM_MIDDLE if form or (extremely and very) else ()


def neutral_warning(chk: _Checker, col_sql: str, warnings: list[str], middle: tuple[str, ...] = ()) -> None:
    """Say how many neutral answers count as not satisfied (the rule, stated where it applies)."""
    if n := chk.count_where(f"{_value(col_sql)} IN {sql_words(NEUTRAL_WORDS + middle)}"):
        warnings.append(f"{n:,} answers are neutral (Neutral, Okay"
                        + ("; 'Somewhat satisfied', the middle of Extremely / Very / Somewhat satisfied / Not so / Not "
                           "at all satisfied" if middle else " …")
                        + "): CSAT counts them as not satisfied, as the middle box of a 1–5 scale.")


def good_bad_sql(col_sql: str, middle: tuple[str, ...] = ()) -> str:
    """Satisfaction words (SATISFIED_WORDS, UNSATISFIED_WORDS; "Good, with comment" too) to 1/0, else NULL.
    `middle`: words read as this column's middle box, not satisfied (middle_words)."""
    v = _value(col_sql)
    first = f"WHEN {v} IN {sql_words(middle)} THEN 0 " if middle else ""
    return (f"CASE {first}WHEN {v} IN {sql_words(SATISFIED_WORDS)} OR regexp_matches({v}, '^(good|gut)\\b') THEN 1 "
            f"WHEN {v} IN {sql_words(UNSATISFIED_WORDS)} OR regexp_matches({v}, '^(bad|schlecht)\\b') THEN 0 END")


def answered_sql(col_sql: str) -> str:
    """The cell holds an answer: not empty, not "Offered"/"Unoffered"."""
    return f"NOT {_blank(col_sql)} AND {_value(col_sql)} NOT IN {sql_words(NOT_ANSWERS)}"


def time_of_day_sql(col_sql: str) -> str:
    return f"regexp_full_match({col_sql}, '[0-9]{{1,2}}:[0-9]{{2}}(:[0-9]{{2}})?(\\s*[ap]m)?', 'i')"


def seven_is_the_top(high: int, n: int) -> bool:
    """Whether scores topping out at 7 settle a 1–7 scale. A 1–10 survey's few answers can all be 7 or less (7, 5, 5,
    4): read as 1–7, its 7 is satisfied and its 5s are not; read as 1–10, none is. With MIN_RESPONSES answers and not
    one above 7, a 1–10 scale is implausible; below that the scale is asked."""
    return high == 7 and n >= MIN_RESPONSES


# A scale whose best answer is 1: "1 - Very satisfied", "5 - Very dissatisfied", "(1 = very satisfied …)"
_BEST_IS_ONE = r"^\s*1\s*[-–:=]\s*(very |extremely |completely )?(satisfied|likely|excellent)"
_WORST_IS_TOP = r"^\s*(5|7|10)\s*[-–:=]\s*.*(dissatisf|unsatisf|unlikely|poor|terrible)"


def _refuse_reversed(chk: _Checker, column: str, distinct: str) -> None:
    """Every scale here reads a higher answer as better; one labelled the other way round (1 = very satisfied) read
    so gave CSAT 18.75% for 68.75%. Refused with what to do, since no answer to the scale question can fix it."""
    text = f"{column} {getattr(chk, 'labels', {}).get(column, '')}".lower()
    in_header = re.search(r"\b1\s*=\s*(very |extremely |completely )?(satisfied|likely|excellent)", text)
    labelled = chk.con.execute(f"SELECT arg_min(v, v) FROM {distinct} WHERE regexp_matches(lower(v), '{_BEST_IS_ONE}') "
                               f"OR regexp_matches(lower(v), '{_WORST_IS_TOP}')").fetchone()[0]
    if in_header or labelled:
        shown = f"'{labelled}'" if labelled else "its header"
        raise InvalidOptionError(f"'{column}' puts the best answer at 1 ({shown} says so), while every scale here "
                                 "reads a higher answer as better. Reverse the scale in the export (or recode it, 1 "
                                 "to 5, 5 to 1) and upload it again.")


THREE_POINTS_MIN = 30  # answers, none above 3: a 1–5 question is never answered so; a 1–3 one is


def _refuse_three_points(column: str, low, high, parsed: int) -> None:
    """A 1–3 scale (three smileys, 'How satisfied were you? (1-3)'): no scale here reads it (top two boxes would
    count the middle face as satisfied), and read as 1–5 every answer was unsatisfied: CSAT 0% for 50–84%. HubSpot's
    CSAT answers are 0, 1 and 2 (2 satisfied): no scale starting at 0 ends at 2, so they are refused at any count
    (read as 0–10, CSAT was 0% for 50%)."""
    says = re.search(r"\b1\s*(-|–|to)\s*3\b", column)  # '(1-3)', '1 to 3' in the question
    zero_to_two = low == 0 and high is not None and high <= 2
    if high is not None and high <= 3 and (says or parsed >= THREE_POINTS_MIN or zero_to_two):
        top, bad = ("2", "0–1") if zero_to_two else ("3", "1–2")
        raise InvalidOptionError(f"'{column}' is answered from {low} to {high} only ({parsed:,} answers): a "
                                 "three-point scale (three faces) is none of the CSAT scales read here (1–5, 1–7, "
                                 "1–10, 0–10, good/bad), and read as one of them no answer would be satisfied. Export "
                                 f"it as Good/Bad ({top} = good, {bad} = bad) or on a five-point scale and upload it "
                                 "again.")


# A range the header (or the question text) states: 'Satisfaction (1-7)', 'How likely … (1–5)', 'on a scale of 0 to
# 10'. The question's own range outweighs the answers: one stray 10 in a '(1-7)' column once moved it onto 1–10
# (CSAT 2.4% for 60%). Not a date ('1-10-2025') nor part of a number or a word ('Q1-5', '1-50').
_HEADER_RANGE = re.compile(r"(?<![\w.,])([01])\s*(?:-|–|—|to)\s*(10|7|5)(?![\w,]|\.\d|\s*[-–/]\s*\d)")
STRAY_SHARE = 10  # answers above a smaller scale's top, at most one in this many: strays, not a bigger scale


def stray_scale_top(above: dict[int, int], high: int, answers: int) -> int | None:
    """The smaller scale's top (5, then 7) under the highest answer `high` whose answers above it (`above[top]`)
    are at most one in STRAY_SHARE of the `answers`: strays, never a reason to read a bigger scale unasked (one 10
    among forty 1–5 answers read CSAT 2.4% for 60%); None when no such top is. The one rule for survey answers and
    ticket ratings."""
    return next((top for top in (5, 7) if top < high and above[top] * STRAY_SHARE <= answers), None)


def header_range(chk: _Checker, column: str) -> tuple[int, int] | None:
    """The one range the header and the question text state ((1, 7) for 'Satisfaction (1-7)'), else None (none,
    or two that differ)."""
    text = f"{column} {getattr(chk, 'labels', {}).get(column, '')}".lower()
    found = {(int(lo), int(hi)) for lo, hi in _HEADER_RANGE.findall(text)}
    return found.pop() if len(found) == 1 else None


def _stated_scale(stated: tuple[int, int], kind: str, recommend: bool, satisfied: bool) -> str | None:
    """The scale a stated range names: 1–5 and 1–7 are CSAT; 0–10 and 1–10 are NPS when the header asks about
    recommending (or the file is NPS and the header names no satisfaction), else the satisfaction question."""
    low, high = stated
    if high in (5, 7):
        return f"1-{high}" if low == 1 else None  # 0–5 / 0–7 are none of the scales here: the values decide
    nps = recommend or (kind == "nps" and not satisfied)
    return f"{low}-10" if nps else f"{low}-10-csat"


def _rows_shown(chk: _Checker, col: str, condition: str) -> str:
    """The first rows (as in the file) whose answer meets `condition`, with the answer: "row 42: 10, row 57: 9"."""
    rows = chk.con.execute(f"SELECT _row, {col} FROM raw WHERE {answered_sql(col)} AND {condition} ORDER BY _row "
                           "LIMIT 5").fetchall()
    return ", ".join(f"row {r}: {v}" for r, v in rows)


def ask_scale(chk: _Checker, column: str, kind: str) -> str | None:
    """Ask "scale:<column>" with a proposal from the values and the header; the answer in force, or None while a
    must-confirm question is unanswered. `kind` is what the file was uploaded (or detected) as."""
    col = quote_ident(column)
    # The evidence is read from the column's distinct answers, each with its count (k): a score column holds a
    # dozen of them, so the regular expressions run a dozen times, not once a row (1M answers: 0.05 s, not 0.5 s).
    distinct = f"(SELECT {col} AS v, count(*) AS k FROM raw WHERE {answered_sql(col)} GROUP BY 1)"
    score, good_bad = score_sql("v"), good_bad_sql("v")
    n, parsed, low, high, stars, slash5, slash7, goodbad, times = chk.con.execute(f"""
        SELECT coalesce(sum(k), 0), coalesce(sum(k) FILTER ({score} IS NOT NULL), 0), min({score}), max({score}),
               coalesce(sum(k) FILTER (regexp_matches({_value('v')}, '[★☆⭐]|stars?$')), 0),
               coalesce(sum(k) FILTER (regexp_matches({_value('v')}, '/\\s*5$')), 0),
               coalesce(sum(k) FILTER (regexp_matches({_value('v')}, '/\\s*7$')), 0),
               coalesce(sum(k) FILTER ({good_bad} IS NOT NULL), 0),
               coalesce(sum(k) FILTER ({time_of_day_sql('v')}), 0)
        FROM {distinct}""").fetchone()
    counts = chk.con.execute(f"""
        SELECT v, sum(k) AS n FROM {distinct}
        GROUP BY 1 ORDER BY min({score}) NULLS LAST, n DESC, v LIMIT 12""").fetchall()
    _refuse_reversed(chk, column, distinct)
    header = normalise_header(column) + " " + normalise_header(getattr(chk, "labels", {}).get(column, ""))
    recommend = any(w in header for w in _RECOMMEND)
    satisfied = any(w in header for w in _SATISFIED) and not recommend

    from_header = None  # the scale a range in the header states (header_range)
    intercom = intercom_ratings(chk, col)
    thermometer = thermometer_ratings(chk, col)
    if parsed and parsed == n and low >= 1 and high <= 4 and any(w in header for w in _TEMPERATURE_HEADER):
        raise InvalidOptionError(f"'{column}' holds temperatures as numbers ({low} to {high}): Customer Thermometer "
                                 "numbers them from the best (1 Gold, 2 Green, 3 Yellow, 4 Red), while every scale "
                                 "here reads a higher answer as better. Export the temperature names (Gold, Green, "
                                 "Yellow, Red) and upload it again.")
    if intercom:
        proposal, clear = "1-5", False  # the words are Intercom's: the reading on 1–5 is confirmed, never assumed
    elif thermometer:
        proposal, clear = "good-bad", False  # colours, read as satisfaction only once confirmed
    elif n and goodbad == n:
        proposal, clear = "good-bad", kind == "csat" or satisfied
    elif stars or slash5:
        proposal, clear = "1-5", high is not None and high <= 5 and kind == "csat"
    elif slash7:
        proposal, clear = "1-7", kind == "csat"
    elif chk.tool == "SurveyMonkey" and parsed == n and low >= 1 and high == 11 and not satisfied:
        # SurveyMonkey's 'Numerical Value' export numbers a question's choices by position from 1: its 0–10
        # question comes out as 1–11. Read as 0–10 every score is one too high (a 9 a promoter for an 8)
        raise InvalidOptionError(
            f"'{column}' holds answers from 1 to 11: SurveyMonkey's 'Numerical Value' export numbers the choices of "
            "the 0–10 question by position (1 is the answer 0, 11 the answer 10), and read as 0–10 every score would "
            "be one too high. Export the responses with 'Actual Answer Text' and upload it again.")
    elif parsed and (stated := header_range(chk, column)) and (from_header := _stated_scale(stated, kind, recommend,
                                                                                             satisfied)):
        # The header states the scale: read on it, and answers outside it are bad rows (validation names them), never
        # a reason to move every answer onto a bigger scale. A kind the scale does not fit is asked, as below.
        proposal = from_header
        clear = kind == "csat" if proposal in CSAT_SCALES else kind == "nps" or recommend
    elif not parsed or high > 10 or low < 0:
        # Not scores at all, or outside every scale: the kind's own scale, and validation names the bad cells.
        proposal, clear = ("0-10", True) if kind == "nps" else ("1-5", True)
    elif low == 0 and high <= 2 and kind == "csat":
        _refuse_three_points(column, low, high, parsed)  # HubSpot's 0, 1, 2
    elif low == 0 and satisfied:
        # a satisfaction question answered on 0–10 (a likelihood-to-recommend header never comes here) is CSAT
        proposal, clear = "0-10-csat", kind == "csat" and high >= 9
    elif low == 0:
        # only the NPS scale starts at 0, but a top answer below 9 may be a 0–5 scale ("Recommend score" 0–5 was
        # read as NPS −100): asked
        proposal, clear = "0-10", high >= 9
    elif high >= 8:
        if satisfied:
            proposal, clear = "1-10-csat", kind == "csat"
        else:
            proposal, clear = "0-10", kind == "nps"
    elif high >= 6:
        proposal, clear = "1-7", kind == "csat" and seven_is_the_top(high, parsed)
    else:
        _refuse_three_points(column, low, high, parsed)
        # Answers that stop at 3 may be a three-point scale (Nicereply's smileys score 1 bad, 2 neutral, 3 good):
        # proposed as 1–5, confirming the proposal counted every Good as unsatisfied (CSAT 0% for 50%). Asked with
        # no proposal, the three-point reading stated (few answers cannot tell it from a 1–5 question's low answers)
        proposal, clear = (None, False) if high <= 3 else ("1-5", kind == "csat" and high == 5)

    # A few answers above a smaller scale's top against the bulk of the answers under it (forty on 1–5 and one 10)
    # settled a 10-point (or 1–7) scale unasked: CSAT 2.4% for 60%. Asked, must confirm, with those answers' rows;
    # the smaller scale proposed when the answers start at 1 (only a 10-point scale starts at 0).
    strays, stray_top = 0, None
    if (from_header is None and parsed and low >= 0 and high <= 10 and not (stars or slash5 or slash7)
            and proposal in ("0-10", "1-10", "1-7", "1-10-csat", "0-10-csat")):
        answer = score_sql(col)
        counted_above = chk.con.execute(f"SELECT count(*) FILTER ({answer} > 5), count(*) FILTER ({answer} > 7) "
                                        f"FROM raw WHERE {answered_sql(col)}").fetchone()
        above = dict(zip((5, 7), counted_above, strict=True))
        if (stray_top := stray_scale_top(above, high, parsed)) is not None:
            strays = above[stray_top]
    if stray_top is not None:
        clear = False
        if low >= 1:
            proposal = f"1-{stray_top}"

    shown = ", ".join(f"{v} ({c:,})" for v, c in counts) + (" …" if len(counts) == 12 else "")
    detail = f"{n:,} answers in '{column}'"
    if parsed:
        detail += f", from {low} to {high}"
    detail += f": {shown}."
    if times:
        detail += f" {times:,} look like times of day (hh:mm), not scores."
    if from_header is not None:
        low_h, high_h = SCALE_BOUNDS[from_header]
        detail += f" The header states the scale: {low_h}–{high_h}."
        outside = f"{score_sql(col)} NOT BETWEEN {low_h} AND {high_h}"
        if out := chk.count_where(f"{answered_sql(col)} AND {outside}"):
            detail += (f" {out:,} {'answer is' if out == 1 else 'answers are'} outside it "
                       f"({_rows_shown(chk, col, outside)}{' …' if out > 5 else ''}): read on {low_h}–{high_h} "
                       f"{'it is refused as a bad row' if out == 1 else 'they are refused as bad rows'}, not read on "
                       "a bigger scale.")
    if stray_top is not None:
        refused = "it is refused as a bad row" if strays == 1 else "they are refused as bad rows"
        detail += (f" Only {strays:,} of {parsed:,} answers {'is' if strays == 1 else 'are'} above {stray_top} "
                   f"({_rows_shown(chk, col, f'{score_sql(col)} > {stray_top}')}{' …' if strays > 5 else ''}); the "
                   f"other {parsed - strays:,} are from {low} to {stray_top}. "
                   + (f"Read on 1–{stray_top} {refused}; read on a bigger scale, no answer up to "
                      f"{stray_top} reaches its top two boxes." if low >= 1 else
                      f"Read on 0–10, every answer up to {stray_top} is low (a detractor, or not satisfied).")
                   + " Choose a bigger scale only if the question offered it.")
    if thermometer:
        detail += (" These are Customer Thermometer's temperatures: read as Good/Bad, Gold and Green are satisfied "
                   "and Yellow and Red are not (its Happiness factor counts Gold and Green responses as happy).")
    if intercom:
        detail += (" These are Intercom's conversation ratings: on 1–5, Terrible 1, Bad 2, OK 3, Great 4, Amazing 5, "
                   "and Great and Amazing are satisfied (the ratings Intercom counts as positive).")
    if proposal is None and parsed and low >= 1 and high <= 3:
        detail += (f" No answer is above {high}: a three-point scale (three smileys, as Nicereply's 1 bad, 2 neutral, "
                   "3 good) is none of the scales read here, and read as 1–5 no answer would be satisfied. Answer "
                   "1–5 only if the question offered five answers; a three-point one: export it as Good/Bad (3 = "
                   "good, 1–2 = bad) and upload it again.")
    if parsed and low == 0 and high < 9:
        detail += (f" No answer is above {high}: on a 0–10 scale answers of 9 and 10 are the promoters; a scale that "
                   f"ends at {high} is not NPS, and read as 0–10 every answer would count as a detractor.")
    if recommend or satisfied:
        detail += (" The header asks how likely they are to recommend." if recommend
                   else " The header names satisfaction or a rating, not likelihood to recommend.")
    if not recommend and proposal in NPS_SCALES and kind != "nps":
        clear = False
    if chk.tool == "SurveyMonkey" and proposal in NPS_SCALES and parsed and low >= 1:
        # no answer 0: the cells may be SurveyMonkey's choice positions (1–11), whose 1–10 (nobody answered 10)
        # read as 0–10 shifted every score by one (a 7, the answer 6, a passive for a detractor). Asked.
        clear = False
        detail += (" SurveyMonkey's 'Numerical Value' export numbers the choices by position from 1 (the answer 0 is "
                   "1, the answer 10 is 11), and no answer here is 0: confirm 0–10 only if the file was exported with "
                   "'Actual Answer Text' (the cells are the answers); else export it that way and upload it again.")
    if chk.tool.startswith("Qualtrics") and proposal in ("1-5", "1-7") and not (stars or slash5 or slash7):
        # Qualtrics numbers a question's choices from the top, and its satisfaction questions list the best answer
        # first: 1 is often 'Extremely satisfied' (read upwards, CSAT 16.7% for 66.7%). The numbers cannot tell.
        clear = False
        detail += (" Qualtrics numbers the choices from the top of the question (its recode values), so 1 may be "
                   "the best answer: confirm only if the higher number is the better answer (else export the "
                   "choice text, or recode 5 as the best, and upload it again).")
    question = Question(
        f"scale:{column}",
        f"Which scale are the answers in '{column}' on? NPS comes only from a 0–10 likelihood-to-recommend "
        "question; a 1–5 or 1–7 answer, a 0–10 or 1–10 satisfaction question or Good/Bad is CSAT (satisfaction).",
        SCALES, dict(SCALE_LABELS), proposal, detail, must_confirm=not clear)
    return chk.questions.ask(question)
