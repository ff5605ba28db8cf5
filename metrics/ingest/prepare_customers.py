"""Customer lists, subscription lists and churn snapshots to one row per customer."""

from __future__ import annotations

import pandas as pd

from metrics.ingest.checks import FALSE_WORDS, TRUE_WORDS, _Checker, _flag_sql, _formula_warning, _set_as_of, _text
from metrics.ingest.dates import _check_dates
from metrics.ingest.model import Options
from metrics.ingest.sqltext import _blank
from metrics.store import quote_ident


def _prepare_customers(chk: _Checker, m: dict[str, str], opts: Options, warnings: list[str]) -> pd.DataFrame:
    cid = quote_ident(m["customer_id"])
    chk.flag(m["customer_id"], _blank(cid), "are empty (every customer needs an id)")
    per_subscription = "subscription_id" in m
    if not per_subscription:
        chk.flag_duplicates(f"trim({cid})", m["customer_id"], f"customer ids in column '{m['customer_id']}'",
                            "repeat an earlier row's customer id", where=f"NOT {_blank(cid)}")
    if "start_date" in m:
        start = chk.date(m["start_date"])
        _check_dates(chk, m["start_date"], start, True, opts.today)
        if "churn_date" in m:
            churn = chk.date(m["churn_date"])
            _check_dates(chk, m["churn_date"], churn, False, opts.today)
            chk.flag(m["churn_date"], f"{churn} < {start}", "are before the customer's start date")
        else:
            churn = "NULL::DATE"
    else:
        # Snapshot export (e.g. the telecom churn sample): tenure in months + churned flag, as of a date.
        # Start = first day of (as-of month − tenure months); a churned customer churned on the as-of date.
        tenure_col = quote_ident(m["tenure"])
        flag = _flag_sql(quote_ident(m["churned"]))
        tenure = f"try_cast(trim({tenure_col}) AS INTEGER)"
        chk.flag(m["tenure"], f"{tenure} IS NULL OR {tenure} < 0", "are not whole numbers of months ≥ 0")
        chk.flag(m["churned"], f"{flag} NOT IN {TRUE_WORDS + FALSE_WORDS}", "are not yes/no churn flags")
        as_of = opts.as_of or opts.today
        warnings.append(f"Snapshot file: start dates derived from tenure, churners dated {as_of:%Y-%m-%d} "
                        "(the as-of date).")
        var = _set_as_of(chk, as_of)
        start = f"(date_trunc('month', {var}) - to_months({tenure}))::DATE"
        churn = f"CASE WHEN {flag} IN {TRUE_WORDS} THEN {var} END"
    chk.settle()
    _formula_warning(chk, m, ("customer_id", "name", "segment", "region", "plan"), warnings)
    if per_subscription:
        # One row per subscription: a customer starts with their first subscription and churns when the
        # last one ends (still a customer while any subscription has no end date).
        status = _flag_sql(quote_ident(m["status"])) if "status" in m else None
        keep = f"{status} NOT IN ('incomplete', 'incomplete_expired')" if status else "true"
        if status and (never := chk.count_where(f"NOT ({keep})")):
            warnings.append(f"{never:,} subscriptions that were never paid (incomplete) were left out.")
        lines = chk.count_where(keep)
        frame = chk.con.execute(f"""
            SELECT trim({cid}) AS customer_id, any_value({_text(m, 'name')}) AS name, min({start}) AS start_date,
                   CASE WHEN count(*) = count({churn}) THEN max({churn}) END AS churn_date,
                   arg_max({_text(m, 'segment')}, {start}) AS segment, arg_max({_text(m, 'region')}, {start}) AS region,
                   arg_max({_text(m, 'plan')}, {start}) AS plan
            FROM raw WHERE {keep} GROUP BY 1 ORDER BY min(_row)""").df()
        warnings.append(f"{lines:,} subscriptions combined into {len(frame):,} customers (start = first "
                        "subscription's start; churned when every subscription has ended, on the last end date).")
        return frame
    return chk.con.execute(f"""
        SELECT trim({cid}) AS customer_id, {_text(m, 'name')} AS name, {start} AS start_date,
               {churn} AS churn_date, {_text(m, 'segment')} AS segment, {_text(m, 'region')} AS region,
               {_text(m, 'plan')} AS plan
        FROM raw ORDER BY _row""").df()
