"""NPS responses: score, date, customer and text columns to canonical rows."""

from __future__ import annotations

import pandas as pd

from metrics.ingest.checks import _Checker, _formula_warning, _set_as_of, _text
from metrics.ingest.dates import _check_dates
from metrics.ingest.model import Options
from metrics.ingest.sqltext import _blank
from metrics.store import quote_ident


def _prepare_nps(chk: _Checker, m: dict[str, str], opts: Options, warnings: list[str]) -> pd.DataFrame:
    score_col = quote_ident(m["score"])
    # "10 - Extremely likely", "9", "9.0" -> 9; anything else is not a score.
    score_txt = f"regexp_extract(trim({score_col}), '^(-?[0-9]+)(\\.0+)?(\\s*[-–:].*)?$', 1)"
    score = f"try_cast(nullif({score_txt}, '') AS INTEGER)"
    unanswered = chk.count_where(_blank(score_col))
    if unanswered:
        warnings.append(f"{unanswered:,} responses without a score (question not answered) were skipped.")
    chk.flag(m["score"], f"NOT {_blank(score_col)} AND {score} IS NULL", "are not whole-number scores")
    chk.flag(m["score"], f"{score} NOT BETWEEN 0 AND 10", "are outside the NPS scale 0–10")
    if "response_date" in m:
        date = chk.date(m["response_date"])
        _check_dates(chk, m["response_date"], date, True, opts.today)
    else:  # an undated survey: every response on the as-of date the analyst gave
        date = _set_as_of(chk, opts.as_of)
        warnings.append(f"No response date column: every response is dated {opts.as_of:%Y-%m-%d} (the as-of date).")
    chk.settle()
    if "customer_id" not in m:
        warnings.append("No customer id column: responses are stored as anonymous and cannot be linked to "
                        "revenue or churn.")
    else:
        anon = chk.count_where(f"{_blank(quote_ident(m['customer_id']))} AND NOT {_blank(score_col)}")
        if anon:
            warnings.append(f"{anon:,} responses have no customer id and are stored as anonymous.")
    _formula_warning(chk, m, ("comment", "customer_id", "segment", "region", "channel"), warnings)
    return chk.con.execute(f"""
        SELECT _row AS row_number, {_text(m, 'response_id')} AS response_id,
               {_text(m, 'customer_id')} AS customer_id, {date} AS response_date,
               {score}::TINYINT AS score, {_text(m, 'comment')} AS comment, {_text(m, 'segment')} AS segment,
               {_text(m, 'region')} AS region, {_text(m, 'channel')} AS channel
        FROM raw WHERE NOT {_blank(score_col)} ORDER BY _row""").df()
