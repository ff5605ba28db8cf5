"""Revenue: invoice lines, subscription lists and snapshot files to MRR per customer per month."""

from __future__ import annotations

import pandas as pd

from metrics.ingest.checks import (
    _amount_sql,
    _Checker,
    _flag_sql,
    _set_as_of,
    churned_values,
    decimal_comma,
    left_out_counts,
    tenure_start,
)
from metrics.ingest.dates import _check_dates
from metrics.ingest.model import Options
from metrics.ingest.sqltext import _blank
from metrics.store import quote_ident

SKIPPED_SUBSCRIPTION_STATUS = ("incomplete", "incomplete_expired", "trialing")
SKIPPED_LINE_STATUS = ("void", "draft", "uncollectible", "failed", "refunded", "canceled", "cancelled")

def _per_month_sql(m: dict[str, str], opts: Options, comma: bool) -> str:
    per_month = _amount_sql(quote_ident(m["amount"]), comma) + ("/ 100.0" if opts.amount_in_cents else "")
    if "quantity" in m:
        per_month = f"({per_month}) * coalesce(try_cast(trim({quote_ident(m['quantity'])}) AS DOUBLE), 1)"
    if "interval" in m:
        interval = _flag_sql(quote_ident(m["interval"]))
        per_month = (f"CASE WHEN {interval} IN ('year', 'yearly', 'annual', 'annually', '12', 'y') "
                     f"THEN ({per_month}) / 12 "
                     f"WHEN {interval} IN ('quarter', 'quarterly', '3') THEN ({per_month}) / 3 ELSE {per_month} END")
    return per_month


def _prepare_revenue(chk: _Checker, m: dict[str, str], opts: Options, warnings: list[str]) -> pd.DataFrame:
    cid, amount_col = quote_ident(m["customer_id"]), quote_ident(m["amount"])
    subscriptions = "start_date" in m or "tenure" in m
    chk.flag(m["customer_id"], _blank(cid), "are empty (every revenue row needs a customer id)")
    if "tenure" in m and "start_date" not in m:
        # Snapshot file (the telecom churn sample): a monthly charge, tenure (unit asked) and a churned flag as of
        # a date. Read as one subscription per customer: from (as-of month − tenure) to the as-of date when
        # churned, else still running; the charge is assumed constant over the tenure.
        snap_as_of = opts.as_of or opts.today
        start = tenure_start(chk, m["tenure"], snap_as_of, warnings)  # the unit is asked (checks.py)
        churned = churned_values(chk, m["churned"], warnings) if "churned" in m else "false"  # values asked
        var = _set_as_of(chk, snap_as_of)
        end = f"CASE WHEN {churned} THEN {var} END"
        warnings.append(f"Snapshot file: each customer's monthly charge counted from (as-of month − tenure) "
                        f"to {snap_as_of:%b %Y}, or to the month before it for churners (as-of date "
                        f"{snap_as_of:%Y-%m-%d}); the charge is assumed constant over the tenure.")
    elif subscriptions:
        start = chk.date(m["start_date"])
        _check_dates(chk, m["start_date"], start, True, opts.today)
        end = "NULL::DATE"
        if "end_date" in m:
            end = chk.date(m["end_date"])
            _check_dates(chk, m["end_date"], end, False, opts.today)
            chk.flag(m["end_date"], f"{end} < {start}", "are before the subscription's start")
    else:
        month = chk.date(m["month"])
        _check_dates(chk, m["month"], month, True, opts.today)
    comma = decimal_comma(chk.con, m["amount"])
    amount = _amount_sql(amount_col, comma)
    chk.flag(m["amount"], _blank(amount_col), "are empty (an amount is required)")
    chk.flag(m["amount"], f"NOT {_blank(amount_col)} AND {amount} IS NULL", "are not numbers")
    chk.flag(m["amount"], f"{amount} < 0", "are negative (refunds and credits are not MRR)")
    status = _flag_sql(quote_ident(m["status"])) if "status" in m else None
    if subscriptions and status and "end_date" in m:
        chk.flag(m["status"], f"{status} IN ('canceled', 'cancelled', 'ended') AND {end} IS NULL",
                 f"say the subscription ended but '{m['end_date']}' is empty")
    chk.questions.settle()  # a snapshot's tenure unit and churned values decide what is valid
    chk.settle()
    skipped = SKIPPED_SUBSCRIPTION_STATUS if subscriptions else SKIPPED_LINE_STATUS
    keep = f"{status} NOT IN {skipped}" if status else "true"
    if status and (n := chk.count_where(f"NOT ({keep})")):
        warnings.append(f"{n:,} rows bring no revenue and were left out, by status: "
                        f"{left_out_counts(chk, status, keep)}.")
    per_month = _per_month_sql(m, opts, comma)
    if not subscriptions:
        frame = chk.con.execute(f"""
            SELECT trim({cid}) AS customer_id, date_trunc('month', {month})::DATE AS month,
                   round(sum({per_month}), 2)::DECIMAL(18, 2) AS mrr
            FROM raw WHERE {keep} GROUP BY ALL ORDER BY customer_id, month""").df()
        lines = chk.count_where(keep)
        if lines > len(frame):
            warnings.append(f"{lines:,} rows summed into {len(frame):,} customer-months.")
        return frame
    # Subscriptions: MRR in every month from the start month up to (not including) the end month, or
    # through the as-of month while still running.
    if "tenure" in m and "start_date" not in m:
        latest = opts.as_of or opts.today
    else:
        latest = chk.con.execute(f"SELECT greatest(max({start}), max({end})) FROM raw").fetchone()[0]
    as_of = min(opts.as_of or latest or opts.today, opts.today)
    chk.as_of = as_of
    var = _set_as_of(chk, as_of)
    frame = chk.con.execute(f"""
        WITH subs AS (
            SELECT trim({cid}) AS customer_id, date_trunc('month', {start})::DATE AS first_m,
                   least(CASE WHEN {end} IS NULL THEN date_trunc('month', {var})
                              ELSE date_trunc('month', {end}) - INTERVAL 1 MONTH END,
                         date_trunc('month', {var}))::DATE AS last_m,
                   {per_month} AS mrr
            FROM raw WHERE {keep}
        ), months AS (
            SELECT customer_id, unnest(generate_series(first_m, last_m, INTERVAL 1 MONTH))::DATE AS month, mrr
            FROM subs WHERE last_m >= first_m
        )
        SELECT customer_id, month, round(sum(mrr), 2)::DECIMAL(18, 2) AS mrr FROM months
        GROUP BY ALL HAVING sum(mrr) > 0 ORDER BY customer_id, month""").df()
    warnings.append(f"{chk.count_where(keep):,} subscriptions expanded into {len(frame):,} customer-months of MRR "
                    f"(running subscriptions through {as_of:%b %Y}, the as-of date {as_of:%Y-%m-%d}).")
    return frame
