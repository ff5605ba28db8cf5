"""Revenue: invoice lines, subscription lists and snapshot files to MRR per customer per month."""

from __future__ import annotations

import datetime as dt
import os

import pyarrow as pa

from metrics.errors import TooMuchDataError
from metrics.ingest import amounts
from metrics.ingest.checks import (
    _amount_sql,
    _Checker,
    _flag_sql,
    _set_as_of,
    canonical,
    churned_values,
    left_out_counts,
    require_as_of,
    tenure_start,
)
from metrics.ingest.dates import MAX_SPAN_YEARS, _check_dates
from metrics.ingest.model import Options
from metrics.ingest.sqltext import _blank, stripped
from metrics.rules import MAX_CUSTOMER_MONTHS, add_months
from metrics.store import quote_ident

# Stated bounds (issue "Uploads at enterprise size"): what a file may imply is checked before anything is built.
MAX_AMOUNT = 1e12            # per row: no real invoice line or subscription is a trillion; 1e308 is a broken cell
MAX_MONTHLY = 1e15           # per customer and month after summing lines (the stored DECIMAL(18, 2) holds < 1e16)
MAX_SPAN_MONTHS = MAX_SPAN_YEARS * 12


def max_customer_months() -> int:
    return int(os.environ.get("CX_MAX_CUSTOMER_MONTHS") or MAX_CUSTOMER_MONTHS)


SKIPPED_SUBSCRIPTION_STATUS = ("incomplete", "incomplete_expired", "trialing")
SKIPPED_LINE_STATUS = ("void", "draft", "uncollectible", "failed", "refunded", "canceled", "cancelled")

def _per_month_sql(m: dict[str, str], comma: bool, cents: bool) -> str:
    per_month = _amount_sql(quote_ident(m["amount"]), comma) + ("/ 100.0" if cents else "")
    if "quantity" in m:
        per_month = f"({per_month}) * coalesce(try_cast(trim({quote_ident(m['quantity'])}) AS DOUBLE), 1)"
    if "interval" in m:
        interval = _flag_sql(quote_ident(m["interval"]))
        per_month = (f"CASE WHEN {interval} IN ('year', 'yearly', 'annual', 'annually', '12', 'y') "
                     f"THEN ({per_month}) / 12 "
                     f"WHEN {interval} IN ('quarter', 'quarterly', '3') THEN ({per_month}) / 3 ELSE {per_month} END")
    return per_month


def _prepare_revenue(chk: _Checker, m: dict[str, str], opts: Options, warnings: list[str]) -> pa.Table:
    cid, amount_col = quote_ident(m["customer_id"]), quote_ident(m["amount"])
    subscriptions = "start_date" in m or "tenure" in m
    chk.flag(m["customer_id"], _blank(cid), "are empty (every revenue row needs a customer id)")
    if "tenure" in m and "start_date" not in m:
        # Snapshot file (the telecom churn sample): a monthly charge, tenure (unit asked) and a churned flag as of
        # a date. Read as one subscription per customer: from (as-of month − tenure) to the as-of date when
        # churned, else still running; the charge is assumed constant over the tenure.
        require_as_of(opts, "tenure and a monthly charge")
        snap_as_of = opts.as_of
        derived = tenure_start(chk, m["tenure"], snap_as_of, warnings)  # the unit is asked and checked (checks.py)
        churned = churned_values(chk, m["churned"], warnings) if "churned" in m else "false"  # values asked
        var = _set_as_of(chk, snap_as_of)
        # Only the last two months are known: customers who left earlier are not in the file, so reaching further
        # back would count the survivors' revenue alone (retention near 100%, a plausible wrong number).
        start = derived and f"greatest({derived}, (date_trunc('month', {var}) - INTERVAL 1 MONTH)::DATE)"
        end = f"CASE WHEN {churned} THEN {var} END"
        before = add_months(snap_as_of, -1)
        warnings.append(f"Snapshot file: revenue is known for {before:%b %Y} and {snap_as_of:%b %Y} only (the "
                        f"monthly charge of every customer in the file; churners' last month is {before:%b %Y}). "
                        "Customers who left earlier are not in a snapshot, so no earlier month, retention or "
                        "cohort is derived from it.")
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
    # one currency, one decimal convention, units or cents: refused or asked, never guessed (metrics.ingest.amounts)
    named = amounts.one_currency_column(chk, chk.con.sql("SELECT * FROM raw LIMIT 0").columns)
    signed = amounts.one_currency_sign(chk, m["amount"])
    comma = amounts.decimal_comma(chk, m["amount"])
    dotted = not comma and amounts.thousands_dot(chk, m["amount"])
    # the sign the pages show amounts with (definitions.currency_sign): named by the file, else asked
    european = comma or any(q.key == f"thousands_dot:{m['amount']}" for q in chk.questions.asked)
    chk.currency = amounts.ask_currency(chk, m["amount"], named or signed, european)
    comma = comma or dotted
    amount = _amount_sql(amount_col, comma)
    cents = opts.amount_in_cents or amounts.in_cents(chk, m["amount"], amount)
    chk.flag_all([
        (m["amount"], _blank(amount_col), "are empty (an amount is required)", []),
        (m["amount"], f"NOT {_blank(amount_col)} AND {amount} IS NULL", "are not numbers", []),
        (m["amount"], f"NOT isfinite({amount})", "are not finite numbers (NaN or infinity)", []),
        (m["amount"], f"isfinite({amount}) AND {amount} < 0", "are negative (refunds and credits are not MRR)", []),
        (m["amount"], f"isfinite({amount}) AND {amount} > {MAX_AMOUNT}",
         f"are above the ceiling of {MAX_AMOUNT:,.0f} per row (no real line is that large; a broken cell)", [])])
    if "quantity" in m:  # amount × quantity must stay within the ceiling too (NaN/inf quantities included)
        chk.flag(m["quantity"], f"isfinite({amount}) AND {amount} BETWEEN 0 AND {MAX_AMOUNT} "
                 f"AND NOT ({_per_month_sql(m, comma, cents)} <= {MAX_AMOUNT})",
                 f"make amount × quantity larger than the ceiling of {MAX_AMOUNT:,.0f} per row")
    status = _flag_sql(quote_ident(m["status"])) if "status" in m else None
    if subscriptions and status and "end_date" in m:
        chk.flag(m["status"], f"{status} IN ('canceled', 'cancelled', 'ended') AND {end} IS NULL",
                 f"say the subscription ended but '{m['end_date']}' is empty")
    if subscriptions and "start_date" in m:
        # The as-of month bounds every expansion: a start more than MAX_SPAN_YEARS before it is refused by row.
        latest = chk.con.execute(f"SELECT greatest(max({start}) FILTER ({start} <= ?), max({end}) FILTER ({end} <= ?)) "
                                 "FROM raw", [opts.today, opts.today]).fetchone()[0]
        as_of = min(opts.as_of or latest or opts.today, opts.today)
        floor = dt.date(as_of.year - MAX_SPAN_YEARS, as_of.month, 1)
        chk.flag(m["start_date"], f"{start} >= DATE '1970-01-01' AND {start} < ?",
                 f"start more than {MAX_SPAN_YEARS} years before the as-of date ({as_of:%Y-%m-%d}); a span that "
                 "wide is a typo or a placeholder date", [floor])
    chk.questions.settle()  # the date format decides every date check: answer first, then the report
    chk.settle()
    skipped = SKIPPED_SUBSCRIPTION_STATUS if subscriptions else SKIPPED_LINE_STATUS
    keep = f"{status} NOT IN {skipped}" if status else "true"
    if status and (n := chk.count_where(f"NOT ({keep})")):
        warnings.append(f"{n:,} rows bring no revenue and were left out, by status: "
                        f"{left_out_counts(chk, status, keep)}.")
    per_month = _per_month_sql(m, comma, cents)
    if not subscriptions:
        # One aggregation serves the ceiling check and the canonical rows.
        chk.con.execute(f"""
            CREATE OR REPLACE TEMP TABLE monthly AS
            SELECT {stripped(cid)} AS customer_id, date_trunc('month', {month})::DATE AS month,
                   sum({per_month}) AS total, count(*) AS lines
            FROM raw WHERE {keep} GROUP BY ALL""")
        _check_monthly_sums(chk)
        frame = canonical(chk, """
            SELECT customer_id, month, round(total, 2)::DECIMAL(18, 2) AS mrr
            FROM monthly ORDER BY customer_id, month""")
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
    subs_sql = f"""
        WITH subs AS (
            SELECT _row, {stripped(cid)} AS customer_id, date_trunc('month', {start})::DATE AS first_m,
                   least(CASE WHEN {end} IS NULL THEN date_trunc('month', {var})
                              ELSE date_trunc('month', {end}) - INTERVAL 1 MONTH END,
                         date_trunc('month', {var}))::DATE AS last_m,
                   {per_month} AS mrr
            FROM raw WHERE {keep}
        )"""
    _check_expansion(chk, subs_sql, as_of)
    frame = canonical(chk, subs_sql + """, months AS (
            SELECT customer_id, unnest(generate_series(first_m, last_m, INTERVAL 1 MONTH))::DATE AS month, mrr
            FROM subs WHERE last_m >= first_m
        )
        SELECT customer_id, month, round(sum(mrr), 2)::DECIMAL(18, 2) AS mrr FROM months
        GROUP BY ALL HAVING sum(mrr) > 0 ORDER BY customer_id, month""")
    warnings.append(f"{chk.count_where(keep):,} subscriptions expanded into {len(frame):,} customer-months of MRR "
                    f"(running subscriptions through {as_of:%b %Y}, the as-of date {as_of:%Y-%m-%d}"
                    + (")." if opts.as_of else ": no as-of date was given, so it is the file's latest start or end "
                       "date; if the export was taken later, set the as-of date (Data page: 'As-of date'; command "
                       "line: --as-of) and load it again)."))
    return frame


def _check_monthly_sums(chk: _Checker) -> None:
    """Lines within the per-row ceiling can still sum past what a customer-month can hold: refuse, naming it."""
    over = chk.con.execute(f"""
        SELECT customer_id, month, total, lines FROM monthly WHERE total > {MAX_MONTHLY}
        ORDER BY 1, 2 LIMIT 1""").fetchone()
    if over:
        raise TooMuchDataError(
            f"Customer '{over[0]}' has {over[2]:,.0f} of revenue in {over[1]:%b %Y} (from {over[3]:,} lines); the "
            f"ceiling per customer and month is {MAX_MONTHLY:,.0f}. Check the amount column.")


def _check_expansion(chk: _Checker, subs_sql: str, as_of: dt.date) -> None:
    """Count the customer-months the subscriptions imply, before building any of them, against the ceiling."""
    over = chk.con.execute(subs_sql + f"""
        SELECT customer_id, sum(mrr), count(*) FROM subs GROUP BY 1 HAVING sum(mrr) > {MAX_MONTHLY}
        ORDER BY 1 LIMIT 1""").fetchone()
    if over:  # every subscription at once: an upper bound of the customer's MRR in any month
        raise TooMuchDataError(
            f"Customer '{over[0]}' has {over[2]:,} subscriptions adding up to {over[1]:,.0f} a month; the ceiling "
            f"per customer and month is {MAX_MONTHLY:,.0f}. Check the amount column.")
    ceiling = max_customer_months()
    total, subs, first = chk.con.execute(subs_sql + """
        SELECT coalesce(sum(datediff('month', first_m, last_m) + 1), 0), count(*), min(first_m)
        FROM subs WHERE last_m >= first_m""").fetchone()
    if total <= ceiling:
        return
    widest = chk.con.execute(subs_sql + """
        SELECT _row, customer_id, first_m, datediff('month', first_m, last_m) + 1 AS n FROM subs
        WHERE last_m >= first_m ORDER BY n DESC, _row LIMIT 5""").fetchall()
    shown = "; ".join(f"row {r}: {c!r} from {f:%b %Y}, {n:,} months" for r, c, f, n in widest)
    raise TooMuchDataError(
        f"The {subs:,} subscriptions expand to {total:,} customer-months (from {first:%b %Y} to {as_of:%b %Y}); "
        f"the ceiling is {ceiling:,}. The longest: {shown}. Check the start dates (a placeholder such as "
        "1970-01-01 stretches every subscription back decades), or set an earlier as-of date.")
