"""NPS responses: score, date, customer and text columns to canonical rows."""

from __future__ import annotations

import pyarrow as pa

from metrics.ingest.checks import _Checker, _formula_warning, _set_as_of, _text, canonical
from metrics.ingest.dates import _check_dates
from metrics.ingest.model import Options, counted
from metrics.ingest.scales import CSAT_SCALES, SCALE_BOUNDS, SCALE_WORDS, ask_scale, score_sql, time_of_day_sql
from metrics.ingest.sqltext import _blank
from metrics.store import quote_ident


def _prepare_nps(chk: _Checker, m: dict[str, str], opts: Options, warnings: list[str],
                 scale: str | None = None) -> pa.Table:
    scale = scale or ask_scale(chk, m["score"], "nps")
    if scale in CSAT_SCALES:  # a satisfaction scale never yields an NPS: the file is CSAT
        from metrics.ingest.prepare_csat import _prepare_csat

        chk.kind = "csat"
        warnings.append(f"'{m['score']}' holds answers on a {SCALE_WORDS[scale]} satisfaction scale: stored as "
                        "CSAT (satisfaction), not as NPS.")
        return _prepare_csat(chk, m, opts, warnings, scale)
    low, high = SCALE_BOUNDS.get(scale or "0-10")
    score_col = quote_ident(m["score"])
    score = score_sql(score_col)
    unanswered = chk.count_where(_blank(score_col))
    if unanswered:
        warnings.append(f"{counted(unanswered, 'response')} without a score (question not answered) "
                        f"{'was' if unanswered == 1 else 'were'} skipped.")
        # Stated above and left out before validation: an unanswered survey's empty date cannot reject the file.
        chk.con.execute(f"DELETE FROM raw WHERE {_blank(score_col)}")
        chk.total -= unanswered
    chk.flag(m["score"], f"NOT {_blank(score_col)} AND {time_of_day_sql(score_col)}",
             "are times of day (hh:mm), not scores: is the right column mapped to the score?")
    chk.flag(m["score"], f"NOT {_blank(score_col)} AND {score} IS NULL AND NOT {time_of_day_sql(score_col)}",
             "are not whole-number scores")
    chk.flag(m["score"], f"{score} NOT BETWEEN {low} AND {high}",
             "are outside the NPS scale 0–10" if scale in (None, "0-10") else f"are outside the {low}–{high} scale")
    date = response_date(chk, m, opts, warnings)
    chk.questions.settle()  # the checks above assumed 0–10 while the scale is unconfirmed: ask before judging
    chk.settle()
    response_warnings(chk, m, warnings)
    return canonical(chk, f"""
        SELECT _row AS row_number, {_text(m, 'response_id')} AS response_id,
               {_text(m, 'customer_id')} AS customer_id, {date} AS response_date,
               {score}::TINYINT AS score, {_text(m, 'comment')} AS comment, {_text(m, 'segment')} AS segment,
               {_text(m, 'region')} AS region, {_text(m, 'channel')} AS channel
        FROM raw ORDER BY _row""")


def response_date(chk: _Checker, m: dict[str, str], opts: Options, warnings: list[str]) -> str:
    """SQL for each response's date: its column, checked, or the as-of date for an undated survey."""
    if "response_date" in m:
        date = chk.date(m["response_date"])
        _check_dates(chk, m["response_date"], date, True, opts.today)
        return date
    warnings.append(f"No response date column: every response is dated {opts.as_of:%Y-%m-%d} (the as-of date).")
    return _set_as_of(chk, opts.as_of)


def response_warnings(chk: _Checker, m: dict[str, str], warnings: list[str]) -> None:
    """Anonymous responses and formula-like text, stated (survey answers of either kind)."""
    score_col = quote_ident(m["score"])
    if "customer_id" not in m:
        warnings.append("No customer id column: responses are stored as anonymous and cannot be linked to "
                        "revenue or churn.")
    else:
        anon = chk.count_where(f"{_blank(quote_ident(m['customer_id']))} AND NOT {_blank(score_col)}")
        if anon:
            warnings.append(f"{counted(anon, 'response')} {'has' if anon == 1 else 'have'} no customer id and "
                            f"{'is' if anon == 1 else 'are'} stored as anonymous.")
    _formula_warning(chk, m, ("comment", "customer_id", "segment", "region", "channel"), warnings)
