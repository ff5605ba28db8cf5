"""CSAT answers (satisfaction on 1–5, 1–7, 1–10 or Good/Bad) to canonical rows, never NPS (METRICS.md, CSAT).

Rows: row_number, response_id, customer_id, response_date, score (on its scale; Good=1, Bad=0), scale,
satisfied (top two boxes, or Good), comment, segment, region, channel. "Offered"/"Unoffered" and empty cells are
not answers: skipped and counted in the warnings.
"""

from __future__ import annotations

import pyarrow as pa

from metrics.ingest.checks import _Checker, _text, canonical
from metrics.ingest.model import Options
from metrics.ingest.prepare_nps import _prepare_nps, response_date, response_warnings
from metrics.ingest.scales import (
    CSAT_SCALES,
    NOT_RATED_WORDS,
    NPS_SCALES,
    OFFERED_WORDS,
    SCALE_WORDS,
    STORED_SCALE,
    UNOFFERED_WORDS,
    answered_sql,
    ask_scale,
    good_bad_sql,
    intercom_ratings,
    intercom_sql,
    middle_words,
    neutral_warning,
    score_sql,
    thermometer_ratings,
    thermometer_sql,
    time_of_day_sql,
)
from metrics.ingest.sqltext import _blank, sql_words
from metrics.store import quote_ident


def _prepare_csat(chk: _Checker, m: dict[str, str], opts: Options, warnings: list[str],
                  scale: str | None = None) -> pa.Table:
    scale = scale or ask_scale(chk, m["score"], "csat")
    if scale in NPS_SCALES:  # the analyst says this is a likelihood-to-recommend question
        chk.kind = "nps"
        warnings.append(f"'{m['score']}' is a {SCALE_WORDS[scale]} likelihood-to-recommend question: stored as NPS.")
        return _prepare_nps(chk, m, opts, warnings, scale)
    chk.kind = "csat"
    col = quote_ident(m["score"])
    answered = answered_sql(col)
    skipped = chk.con.execute(f"""
        SELECT count(*) FILTER ({_blank(col)}), count(*) FILTER (lower({col}) IN {sql_words(OFFERED_WORDS)}),
               count(*) FILTER (lower({col}) IN {sql_words(UNOFFERED_WORDS)}),
               count(*) FILTER (lower({col}) IN {sql_words(NOT_RATED_WORDS)}) FROM raw""").fetchone()
    if sum(skipped):
        parts = [f"{n:,} {what}" for n, what in zip(skipped, ("empty", "Offered (sent, not answered)",
                                                               "Unoffered (never sent)", "Not rated (LiveChat)"),
                                                    strict=True) if n]
        warnings.append(f"{sum(skipped):,} rows are not answers and were skipped: {', '.join(parts)}.")
        # A survey never answered has no response date to check (support tools leave it empty): the skipped
        # rows are stated above and left out before validation, so they cannot reject the answers.
        chk.leave_out(f"NOT ({answered})")  # validation judges (and counts) the answers
    lowest, highest, satisfied_from = CSAT_SCALES.get(scale or "1-5")
    if scale == "good-bad":
        middle = middle_words(chk, col)
        score = good_bad_sql(col, middle)
        if thermometer_ratings(chk, col):
            score = thermometer_sql(col)  # Gold, Green satisfied; Yellow, Red not (scales.THERMOMETER_TEMPERATURES)
        chk.flag(m["score"], f"{answered} AND {score} IS NULL",
                 "are not satisfaction words (Good/Bad, Great/Okay/Not Good, Satisfied/Neutral/Unsatisfied …)")
        neutral_warning(chk, col, warnings, middle)
    else:
        score = score_sql(col)
        if scale == "1-5" and intercom_ratings(chk, col):
            score = intercom_sql(col)  # Terrible … Amazing, confirmed as 1–5 (scales.INTERCOM_RATINGS)
        chk.flag(m["score"], f"{answered} AND {time_of_day_sql(col)}",
                 "are times of day (hh:mm), not scores: is the right column mapped to the score?")
        chk.flag(m["score"], f"{answered} AND {score} IS NULL AND NOT {time_of_day_sql(col)}",
                 "are not whole-number scores")
        chk.flag(m["score"], f"{score} NOT BETWEEN {lowest} AND {highest}",
                 f"are outside the {SCALE_WORDS[scale or '1-5']} scale")
    date = response_date(chk, m, opts, warnings)
    chk.questions.settle()  # no satisfaction figure until the scale is confirmed
    chk.settle()
    response_warnings(chk, m, warnings)
    # stored under the scale's own name ('1-10', as ticket ratings are): '1-10-csat' only tells it from NPS's 1–10
    chk.con.execute("SET VARIABLE csat_scale = ?", [STORED_SCALE.get(scale, scale)])
    return canonical(chk, f"""
        SELECT _row AS row_number, {_text(m, 'response_id')} AS response_id,
               {_text(m, 'customer_id')} AS customer_id, {date} AS response_date,
               ({score})::SMALLINT AS score, getvariable('csat_scale')::VARCHAR AS scale,
               ({score}) >= {satisfied_from} AS satisfied, {_text(m, 'comment')} AS comment,
               {_text(m, 'segment')} AS segment, {_text(m, 'region')} AS region, {_text(m, 'channel')} AS channel
        FROM raw ORDER BY _row""")
