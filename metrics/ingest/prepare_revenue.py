"""Revenue: invoice lines, subscription lists and snapshot files to MRR per customer per month."""

from __future__ import annotations

import datetime as dt
import os
from typing import NamedTuple

import pyarrow as pa

from metrics.errors import InvalidOptionError, InvalidValuesError, TooMuchDataError
from metrics.ingest import amounts
from metrics.ingest.checks import (
    HALTED_SUBSCRIPTION_STATUS,
    MAX_STATUS_VALUES,
    _amount_sql,
    _Checker,
    _flag_sql,
    _set_as_of,
    _underflow_sql,
    canonical,
    churned_values,
    halted_left_out,
    left_out_counts,
    refuse_group_subtotals,
    require_as_of,
    tenure_start,
)
from metrics.ingest.dates import MAX_SPAN_YEARS, _check_dates, _parse_date_sql
from metrics.ingest.mapping import normalise_header, says_annual, says_monthly, short_header
from metrics.ingest.model import Options, counted
from metrics.ingest.questions import Question
from metrics.ingest.sqltext import _blank, sql_words
from metrics.rules import MAX_CUSTOMER_MONTHS, MONTHS_PER_YEAR, add_months
from metrics.store import quote_ident

# Stated bounds (issue "Uploads at enterprise size"): what a file may imply is checked before anything is built.
MAX_AMOUNT = 1e12            # per row: no real invoice line or subscription is a trillion; 1e308 is a broken cell
MAX_MONTHLY = 1e15           # per customer and month after summing lines (the stored DECIMAL(18, 2) holds < 1e16)
MAX_SPAN_MONTHS = MAX_SPAN_YEARS * 12
# Invoice lines with a service period: a period this many months long or longer is spread over its months (an
# annual invoice ÷ 12), shorter ones (a monthly invoice from the 19th to the 18th) stay in their invoice month.
# Months of a period: its days ÷ the mean month (30.44 days), rounded: 364 or 365 days are 12, 29 to 31 are 1.
SPREAD_MIN_MONTHS = 2
# A line whose period is shorter than this many days pays for part of one month (Stripe's proration of a plan
# change, billed on the next month's invoice): it belongs to its period's month, not to the invoice's
PARTIAL_MONTH_DAYS = 28
DAYS_PER_MONTH = 30.436875
MAX_PERIOD_MONTHS = 120      # a service period of more than ten years is a typo, not a prepaid contract
OPEN_STATUS = ("open",)      # billed, not paid yet: recurring revenue of its months (see _prepare_revenue)
NET_AMOUNT_HEADERS = ("subtotal", "amountexcludingtax", "amountexcltax", "netamount", "net", "subtotalexcludingtax")
INTERVAL_MONTHS = {12: ("year", "years", "yearly", "annual", "annually", "12", "y"),
                   3: ("quarter", "quarters", "quarterly", "3"), 1: ("month", "months", "monthly", "1", "m")}
INTERVAL_WORDS = tuple(w for words in INTERVAL_MONTHS.values() for w in words)
MAX_INTERVAL_COUNT = 120  # 'every 6 months' is a plan; every 121 years is a broken cell


def max_customer_months() -> int:
    return int(os.environ.get("CX_MAX_CUSTOMER_MONTHS") or MAX_CUSTOMER_MONTHS)


# not paying yet: Stripe's trialing and incomplete; Chargebee's in_trial and future (Recurly's future as well)
SKIPPED_SUBSCRIPTION_STATUS = ("incomplete", "incomplete_expired", "trialing", "in_trial", "future")
# Chargebee writes 'Voided' and 'Not Paid' (collection failed for good), Xero 'VOIDED' and 'DELETED'
SKIPPED_LINE_STATUS = ("void", "voided", "deleted", "draft", "uncollectible", "not_paid", "not paid", "written_off",
                       "written off", "failed", "refunded", "canceled", "cancelled",
                       # Lemon Squeezy's order flagged as fraud (its payment is not kept)
                       "fraudulent",
                       # QuickBooks' transaction types that settle or move money already billed: a payment beside
                       # its invoice counted the revenue twice (2,000 for 1,000)
                       "payment", "receive payment", "deposit", "bill payment", "journal entry", "transfer",
                       # declined or failed charges: Braintree, Recharge, GoCardless (were counted as revenue)
                       "processor_declined", "gateway_rejected", "settlement_declined", "authorization_expired",
                       "declined", "error", "skipped", "charged_back", "chargeback", "customer_approval_denied",
                       # a shop's orders not paid (WooCommerce 'Pending payment', 'On hold' for a bank transfer not
                       # received; BigCommerce 'Awaiting Payment', 'Incomplete' for an abandoned checkout)
                       "pending payment", "pending_payment", "on hold", "on-hold", "awaiting payment",
                       "awaiting_payment", "incomplete", "abandoned",
                       # PayPal's activity: 'Denied', 'Pending' (not received yet), 'Reversed' (taken back); Paddle
                       # Billing's transactions: 'ready' (a checkout not completed), 'past_due' (its payment failed)
                       "denied", "pending", "reversed", "ready", "past_due",
                       # payments not collected yet or never: GoCardless' 'pending_customer_approval' and
                       # 'pending_submission', an 'authorized' card payment never captured (Razorpay, Braintree,
                       # Mollie), Mollie's 'expired' checkout, Adyen's 'Refused', WooCommerce's checkout draft
                       "pending_customer_approval", "pending_submission", "authorized", "authorised", "expired",
                       "refused", "checkout-draft",
                       # Chargebee's transactions: 'Failure', 'Timeout', 'In Progress', 'Needs Attention' (each was
                       # paid revenue); 2Checkout's orders: authorised, not captured, or pending; refunded
                       "failure", "timeout", "in progress", "in_progress", "needs attention", "needs_attention",
                       "authreceived", "purchase_pending", "refund")
# Mollie's payments ('sequenceType': oneoff, first, recurring): 'open' is a payment created and not completed by
# the customer (a checkout left, it expires), not an invoice billed: no revenue, like 'pending' (it was counted)
PAYMENT_SEQUENCE_HEADERS = ("sequencetype",)


def _skipped_lines(chk: _Checker) -> tuple[str, ...]:
    """The line statuses that bring no revenue in this file: a payments export's 'open' among them."""
    return (*SKIPPED_LINE_STATUS, "open") if chk.column_named(PAYMENT_SEQUENCE_HEADERS) else SKIPPED_LINE_STATUS


# A line with one of these statuses and a negative amount is the refund itself, netted like any credit: left out with
# the sales a refund undid, a refunded 200 stayed 200 (the sale beside it says 'Paid')
REFUND_STATUS = ("refunded", "partially refunded", "partially_refunded", "refund")
# A deal's stage in a CRM export: only a won deal is revenue (Salesforce 'Closed Won', HubSpot 'closedwon')
WON_STAGES = ("closed won", "closedwon", "won")

def _part_sql(m: dict[str, str], field: str, comma: bool) -> str:
    """A part of the line's amount taken off it (its tax, shipping or refund; an empty cell is none), in the
    amount's convention."""
    return f"coalesce({_amount_sql(quote_ident(m[field]), comma)}, 0)"


# Parts of a line's amount taken back from the seller, with what each is called: refunded, or charged back by the
# buyer's bank
TAKEN_BACK = {"refunded": "refund", "charged_back": "chargeback"}


def _line_sql(m: dict[str, str], comma: bool, cents: bool) -> str:
    """The line's revenue before any division by its interval or period: the amount, less its tax when a tax
    column is mapped (MRR excludes tax), in currency units, times the quantity."""
    amount = line = _amount_sql(quote_ident(m["amount"]), comma)
    for part in ("tax", "shipping"):
        if part in m:
            line = f"({line} - {_part_sql(m, part, comma)})"
    taken_back = [f for f in TAKEN_BACK if f in m]
    if taken_back:  # a refund takes back what the line billed (Stripe's 'Amount Refunded'): not revenue; so does a
        # chargeback (Mollie's 'amountChargedBack' beside its 'amountRefunded': the payment's status stays 'paid')
        refunded = "(" + " + ".join(_part_sql(m, f, comma) for f in taken_back) + ")"
        if {"tax", "shipping"} & m.keys():
            # a refund of an order's total takes back its share of each part (tax and shipping refunded with it):
            # its share of the revenue is revenue × refunded ÷ total (subtracted whole, the tax came off twice)
            line = f"(CASE WHEN {amount} = 0 THEN {line} ELSE {line} * (1 - {refunded} / {amount}) END)"
        else:
            line = f"({line} - {refunded})"
    per_month = line + ("/ 100.0" if cents else "")
    if "quantity" in m:
        per_month = f"({per_month}) * {_quantity_sql(m)}"
    return per_month


def _quantity_sql(m: dict[str, str]) -> str:
    """The line's quantity: an empty cell is one unit (a text cell is refused by row before this is read)."""
    return f"coalesce(try_cast({quote_ident(m['quantity'])} AS DOUBLE), 1)"


def _per_month_sql(m: dict[str, str], comma: bool, cents: bool) -> str:
    per_month = _line_sql(m, comma, cents)
    if "interval" in m:
        per_month = f"({per_month}) / {_interval_months_sql(m)}"
    elif says_annual(m["amount"]):
        per_month = f"({per_month}) / {MONTHS_PER_YEAR}"
    return per_month


def _interval_count_sql(m: dict[str, str]) -> str:
    """How many intervals one amount pays for (Chargebee's 'billing_period', Recurly's 'plan_interval_length'):
    the mapped count, 1 when there is none or the cell is empty (bad counts are refused by row)."""
    if "interval_count" not in m:
        return "1"
    return f"coalesce({_count_cell_sql(m)}, 1)"


def _count_cell_sql(m: dict[str, str]) -> str:
    """The interval-count cell as a number; NULL when empty or not a number."""
    return f"try_cast(nullif(trim({quote_ident(m['interval_count'])}), '') AS DOUBLE)"


def _interval_unit_sql(m: dict[str, str]) -> str:
    """The months of one interval: a year 12, a quarter 3, else 1."""
    interval = _flag_sql(quote_ident(m["interval"]))
    return (f"(CASE WHEN {interval} IN {sql_words(INTERVAL_MONTHS[12])} THEN 12 "
            f"WHEN {interval} IN {sql_words(INTERVAL_MONTHS[3])} THEN 3 ELSE 1 END)")


def _interval_months_sql(m: dict[str, str]) -> str:
    """The months one amount pays for: the interval's unit × its count."""
    unit = _interval_unit_sql(m)
    count = _interval_count_sql(m)
    return unit if count == "1" else f"({unit} * {count})"


PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def _months_per_amount(chk: _Checker, m: dict[str, str]) -> int:
    """How many months one amount of a subscription list pays for, when no interval column says: 1 when the header
    says monthly, else asked and must be confirmed. An annual price read as monthly would make MRR twelve times
    too large, and nothing in the values tells (Recurly's 'unit_amount_in_cents' is a price per billing period)."""
    column = m["amount"]
    if says_monthly(column) or says_annual(column):
        return 1  # annual: _per_month_sql divides it by 12
    answer = chk.questions.ask(Question(
        f"amount_period:{column}", f"Each amount in '{column}' pays for how long?", tuple(PERIOD_MONTHS),
        {"month": "one month (the amount is MRR)", "quarter": "a quarter (÷ 3 a month)",
         "year": "a year (÷ 12 a month)"}, None,
        "The file is a list of subscriptions with no billing-interval column, and the header does not say the "
        "amount is monthly: an annual price read as monthly would make MRR twelve times too large.",
        must_confirm=True))
    return PERIOD_MONTHS.get(answer, 1) if isinstance(answer, str) else 1


def _refuse_activity_log(chk: _Checker) -> None:
    """ChartMogul's activities export: one row per change of a customer's MRR (new business, expansion, churn …),
    not the MRR of each month. Read as invoice lines, every month between two activities had no revenue, a churn
    (NRR 33% for 100%); refused, saying what to export instead."""
    # the export from the app ('Activity type', 'MRR movement') and through its API's field names ('type',
    # 'activity-mrr-movement': read as invoice lines, November's ARR was 0 for 1,800)
    kind = chk.column_named(("activitytype", "type"))
    movement = chk.column_named(("mrrmovement", "activitymrrmovement"))
    if kind and movement:
        raise InvalidOptionError(
            f"This is an activities export ('{kind}', '{movement}'): each row is a change of a customer's MRR, not "
            "the MRR of a month, so every month between two changes would read as no revenue and a churn. Upload "
            "the MRR of each customer and month (ChartMogul: a customers' MRR export by month) or the "
            "subscriptions instead.")


# when the account was made, or became a customer (ChartMogul's customers export: 'Customer since' beside today's MRR)
CREATED_HEADERS = ("created", "createdat", "createdutc", "createddate", "createdon", "accountcreatedat",
                   "customersince", "becameacustomerdate", "signupdate", "signedupat", "joindate")


def _refuse_account_snapshot(chk: _Checker, m: dict[str, str]) -> None:
    """An account list (Vitally's 'Account ID, Created At, MRR, Churned At'): one row per customer, its MRR today
    beside the date the account was created. Read as invoice lines, every account's MRR fell in its creation month
    alone (each customer a one-month customer, then a churn), the month when it was made, not when it paid; which
    months the MRR was paid the file does not say. Refused, saying what to upload instead."""
    month, amount = m["month"], m["amount"]
    if normalise_header(month) not in CREATED_HEADERS or not says_monthly(amount) or chk.total < 2:
        return
    cid = quote_ident(m["customer_id"])
    (ids, filled), = chk.con.execute(f"SELECT count(DISTINCT {cid}), count({cid}) FILTER (WHERE {cid} <> '') "
                                     "FROM raw").fetchall()
    if ids == filled == chk.total:
        raise InvalidOptionError(
            f"This looks like an account list, not revenue by month: each of the {chk.total:,} customers has one "
            f"row, its MRR in '{amount}' beside when the account was created or became a customer ('{month}'). "
            "Read as invoices, all of each customer's MRR would land in that month. Upload it as a customers list "
            "(start and churn dates), and for revenue upload the MRR of each customer and month, or the invoices or "
            "subscriptions.")


def _prepare_revenue(chk: _Checker, m: dict[str, str], opts: Options, warnings: list[str]) -> pa.Table:
    _refuse_activity_log(chk)
    cid, amount_col = quote_ident(m["customer_id"]), quote_ident(m["amount"])
    subscriptions = "start_date" in m or "tenure" in m
    # WooCommerce's order exports write the status as stored, 'wc-refunded', 'wc-pending': read without the prefix
    # (each was counted as revenue)
    status = f"regexp_replace({_flag_sql(quote_ident(m['status']))}, '^wc-', '')" if "status" in m else None
    # a CRM's deals (HubSpot, Salesforce opportunities, Pipedrive): only won deals are revenue (see below)
    deals = bool(not subscriptions and status and chk.count_where(f"{status} IN {sql_words(WON_STAGES)}"))
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
        # A subscription not paying yet (future, in trial) may have no start: required of the others
        _check_dates(chk, m["start_date"], start, f"{status} NOT IN {sql_words(SKIPPED_SUBSCRIPTION_STATUS)}"
                     if status else True, opts.today)
        end = "NULL::DATE"
        if "end_date" in m:
            end = chk.date(m["end_date"])
            _check_dates(chk, m["end_date"], end, False, opts.today)
            chk.flag(m["end_date"], f"{end} < {start}", "are before the subscription's start")
    else:
        _refuse_account_snapshot(chk, m)
        month = chk.date(m["month"])
        # a line that brings no revenue by its status may have no date (Paddle's canceled and never-paid checkouts
        # have no billing date): left out by its status below, never refused
        dated = f"{status} NOT IN {sql_words(_skipped_lines(chk))}" if status else True
        if deals:
            dated = f"{status} IN {sql_words(WON_STAGES)}"  # deals: a lost or open deal has no won date, left out
        _check_dates(chk, m["month"], month, dated, opts.today)
    period = None
    if not subscriptions and "tenure" not in m and ({"period_start", "period_end"} & m.keys()):
        period = _service_period(chk, m)
    elif {"period_start", "period_end", "tax"} & m.keys() and (subscriptions or "tenure" in m):
        raise InvalidOptionError("A service period or a tax column applies to invoice lines only; this file is read "
                                 "as " + ("a subscription list" if subscriptions else "a snapshot") + ": unmap '"
                                 + "', '".join(m[f] for f in ("period_start", "period_end", "tax") if f in m) + "'.")
    # one currency, one decimal convention, units or cents: refused or asked, never guessed (metrics.ingest.amounts)
    named = amounts.one_currency_column(chk, chk.file_columns(), m["amount"])
    signed = amounts.one_currency_sign(chk, m["amount"])
    amounts.sign_beside_column(chk, m["amount"], named, signed)
    comma = amounts.decimal_comma(chk, m["amount"])
    comma = comma or amounts.thousands_comma(chk, m["amount"])  # ';'-separated 1,234: asked (decimal or thousands)
    dotted = not comma and amounts.thousands_dot(chk, m["amount"])
    # the sign the pages show amounts with (definitions.currency_sign): named by the file, else asked
    european = comma or any(q.key == f"thousands_dot:{m['amount']}" for q in chk.questions.asked)
    chk.currency = amounts.ask_currency(chk, m["amount"], named or signed, european)
    comma = comma or dotted
    amount = _amount_sql(amount_col, comma)
    # a pivot table's group rows beside its customers
    refuse_group_subtotals(chk, amount, m["amount"], m.get("month"), m["customer_id"])
    if opts.amount_in_cents:
        # cents said by the analyst (--cents, the Data page's box, a preset saved from another file): an amount with
        # a fractional part is no count of cents, and ÷ 100 a 49.99 plan was stored as 0.50, unsaid
        chk.refuse(m["amount"], f"isfinite({amount}) AND {amount} <> round({amount})",
                   "have decimals, so they are not in cents as declared (--cents, 'Amounts are in cents' on the "
                   "Data page, or a saved preset): divided by 100, 49.99 would be read as 0.4999. Upload again without "
                   "declaring cents")
    cents = opts.amount_in_cents or amounts.in_cents(chk, m["amount"], amount, m["customer_id"])
    # invoice lines may carry credits; an amount that says it is MRR is never below 0
    # The sign is the line's: a cancellation line (Quantity -1 at a unit price of 27.50) is a credit like a negative
    # amount, never silently stored as negative MRR.
    signed = f"({amount}) * {_quantity_sql(m)}" if "quantity" in m else amount
    # the amount checks are counted in the scan that reads the signs (one pass over 5M amounts instead of two): both
    # readings of the credits are counted, as the answer to them decides which checks apply
    checks = {net: _amount_checks(m, amount_col, amount, net) for net in (False, True)}
    counted_checks = checks[False] + [c for c in checks[True] if c not in checks[False]]
    signs, counts = _amount_signs(chk, m["amount"], signed, cents, counted_checks)
    netted = (not subscriptions and not says_monthly(m["amount"]) and not says_annual(m["amount"])
              and _net_credits(chk, m["amount"], signs))
    if "interval" not in m and says_annual(m["amount"]):
        warnings.append(f"'{m['amount']}' says it is annual (ARR): each amount is read as a year's recurring revenue, "
                        f"÷ {MONTHS_PER_YEAR} a month.")
    chk.flag_all(checks[netted], [counts[counted_checks.index(c)] for c in checks[netted]])
    _tiny_warning(m["amount"], signs, warnings)
    if "tax" in m:
        _check_tax(chk, m, amount, comma, warnings)
    if TAKEN_BACK.keys() & m.keys():
        _check_refunds(chk, m, amount, comma)
    if "shipping" in m:
        _check_shipping(chk, m, amount, comma, warnings)
    if "quantity" in m:  # amount × quantity must stay within the ceiling too (NaN/inf quantities included)
        chk.flag(m["quantity"], f"isfinite({amount}) AND {amount} BETWEEN 0 AND {MAX_AMOUNT} "
                 f"AND NOT (abs({_per_month_sql(m, comma, cents)}) <= {MAX_AMOUNT})",
                 f"make amount × quantity larger than the ceiling of {MAX_AMOUNT:,.0f} per row")
    if subscriptions and status and "end_date" in m:
        chk.flag(m["status"], f"{status} IN ('canceled', 'cancelled', 'ended') AND {end} IS NULL",
                 f"say the subscription ended but '{m['end_date']}' is empty")
    if "interval" in m:  # a weekly, daily or six-monthly price read as monthly would be off by a factor, unseen
        interval = _flag_sql(quote_ident(m["interval"]))
        chk.flag(m["interval"], f"{interval} <> '' AND {interval} NOT IN {sql_words(INTERVAL_WORDS)}",
                 "are billing intervals that cannot be turned into a monthly amount (month, quarter and year can)")
    if "interval_count" in m:
        _check_interval_count(chk, m)
    elif subscriptions and "interval" in m:
        _check_current_period(chk, m)
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
    skipped = SKIPPED_SUBSCRIPTION_STATUS if subscriptions else _skipped_lines(chk)
    if subscriptions and status and halted_left_out(chk, m["status"], status, HALTED_AS_REVENUE):
        skipped = (*skipped, *HALTED_SUBSCRIPTION_STATUS)
    if not subscriptions and status and chk.count_where(f"{status} = 'success'"):
        # Recurly's transactions: 'processing' is a payment still in progress with the gateway (a direct debit not
        # settled, which may yet fail) beside 'success': not collected, as GoCardless' pending submission (counted
        # before). WooCommerce's 'processing' is a paid order, and its statuses never say 'success'.
        skipped = (*skipped, "processing")
    keep = f"{status} NOT IN {sql_words(skipped)}" if status else "true"
    if netted and status:
        keep = f"({keep} OR ({status} IN {sql_words(REFUND_STATUS)} AND {signed} < 0))"
    if deals:
        # deals (HubSpot, Salesforce opportunities): only won deals are revenue; lost and open ones are pipeline
        # (counted, a lost deal of 5,000 was MRR)
        keep = f"{status} IN {sql_words(WON_STAGES)}"
    if status and (n := chk.count_where(f"NOT ({keep})")):
        warnings.append(f"{counted(n, 'row')} {'brings' if n == 1 else 'bring'} no revenue and "
                        f"{'was' if n == 1 else 'were'} left out, by status: "
                        f"{left_out_counts(chk, status, keep)}.")
    if not subscriptions:  # invoice lines: one-time fees are no MRR
        keep = f"({keep}) AND {_recurring_charges(chk, m, keep, amount, warnings)}"
    for field in TAKEN_BACK:
        if field in m:
            _refund_warning(chk, m, keep, comma, warnings, field)
    if not subscriptions and status:
        _open_invoices(chk, m, status, amount, keep, warnings)
    per_month = _per_month_sql(m, comma, cents)
    if not subscriptions and period is None and "interval" in m:
        period = _billed_period(chk, m, month, keep)
    elif not subscriptions and period is None:
        period = _wide_period(chk, m, month)
    if not subscriptions and period is not None:
        _spread_lines(chk, m, opts, cid, month, period, keep, comma, cents, warnings)
    elif not subscriptions:
        # One aggregation serves the ceiling check and the canonical rows.
        chk.con.execute(f"""
            CREATE OR REPLACE TEMP TABLE monthly AS
            SELECT {cid} AS customer_id, date_trunc('month', {month})::DATE AS month,
                   sum({per_month}) AS total, count(*) AS lines
            FROM raw WHERE {keep} GROUP BY ALL""")
    if not subscriptions:
        _check_monthly_sums(chk)
        if netted:
            _check_net_months(chk, m["amount"], cid, signed)
        _check_recurring(chk, m, deals)
        frame = canonical(chk, """
            SELECT customer_id, month, round(total, 2)::DECIMAL(18, 2) AS mrr
            FROM monthly ORDER BY customer_id, month""")
        lines = chk.count_where(keep)
        if lines > len(frame):
            warnings.append(f"{lines:,} rows summed into {len(frame):,} customer-months.")
        return frame
    # Subscriptions: MRR in every month from the start month up to (not including) the end month, or
    # through the as-of month while still running.
    if "interval" not in m:
        per_month = f"({per_month}) / {_months_per_amount(chk, m)}"
    if "start_date" in m:
        _discount_warning(chk, m, keep, warnings)
    if "end_date" in m:
        _refuse_zeroed_ended(chk, m, keep, end, per_month)
    if "tenure" in m and "start_date" not in m:
        latest = opts.as_of or opts.today
    else:
        latest = chk.con.execute(f"SELECT greatest(max({start}), max({end})) FROM raw").fetchone()[0]
    as_of = min(opts.as_of or latest or opts.today, opts.today)
    chk.as_of = as_of
    var = _set_as_of(chk, as_of)
    subs_sql = f"""
        WITH subs AS (
            SELECT _row, {cid} AS customer_id, date_trunc('month', {start})::DATE AS first_m,
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


# A plan's price per billing period beside an MRR column (Chargebee 'subscriptions.plan_unit_price')
PRICE_HEADERS = ("planunitprice", "unitprice", "planamount", "price", "planprice", "amount")


def _refuse_zeroed_ended(chk: _Checker, m: dict[str, str], keep: str, end: str, per_month: str) -> None:
    """A billing tool may write an ended subscription's MRR as it is now, 0 (Chargebee's 'subscriptions.mrr'): read
    as what it paid, every cancelled customer's months vanished, and with them the churned revenue (retention
    overstated, unsaid). Refused when most ended subscriptions are 0 while running ones pay, naming a price column
    to map instead."""
    ended, zero, row, paying = chk.con.execute(
        f"SELECT count(*) FILTER ({end} IS NOT NULL), count(*) FILTER ({end} IS NOT NULL AND {per_month} = 0), "
        f"min(_row) FILTER ({end} IS NOT NULL AND {per_month} = 0), count(*) FILTER ({end} IS NULL AND "
        f"{per_month} > 0) FROM raw WHERE {keep}").fetchone()
    if not zero or zero * 2 < ended or not paying:
        return
    price = next((c for c in chk.file_columns() if c != m["amount"] and short_header(c) in PRICE_HEADERS), None)
    raise InvalidOptionError(
        f"'{m['amount']}' is 0 on {zero:,} of the {ended:,} ended subscriptions (first at row {row}) while "
        f"{paying:,} running ones pay: it is their MRR now, not what they paid, so their months before they ended "
        "would vanish and the revenue lost to churn go unseen. Map the plan's price as the amount"
        + (f" ('{price}', with its billing period)" if price else " (with its billing period)") + " and load it again.")


CURRENT_PERIOD = (("currentperiodstartutc", "currentperiodstart"), ("currentperiodendutc", "currentperiodend"))


def _check_current_period(chk: _Checker, m: dict[str, str]) -> None:
    """A subscription list with an interval but no interval count (Stripe's export has 'Interval', not its count):
    a plan billed every 3 months says 'month', and read as monthly its MRR would be 3 times too large. Its current
    period ('Current Period Start/End', one billing cycle) shows it: a period of two intervals or more, in whole
    intervals, is refused by row, naming the count the file lacks."""
    start, end = (chk.column_named(names) for names in CURRENT_PERIOD)
    if start is None or end is None:
        return
    a, b = (_parse_date_sql(quote_ident(c), "ISO") for c in (start, end))
    interval, unit = _flag_sql(quote_ident(m["interval"])), _interval_unit_sql(m)
    months = f"round(datediff('day', {a}, {b}) / {DAYS_PER_MONTH})"
    chk.flag(m["interval"], f"{interval} IN {sql_words(INTERVAL_WORDS)} AND {months} >= 2 * {unit} "
             f"AND {months} % {unit} = 0",
             f"are one interval while the current period ('{start}' to '{end}') covers several: a plan billed every "
             "few intervals, whose interval count the file does not have; read as one interval its MRR would be "
             "that many times too large. Map the interval count column (Stripe: the plan's interval count), or fix "
             "these rows")


def _check_interval_count(chk: _Checker, m: dict[str, str]) -> None:
    """The count of intervals an amount pays for ('6' with 'month': every six months): a whole number from 1 to
    MAX_INTERVAL_COUNT, or empty (one). Read as one interval, a six-monthly price would make MRR six times too
    large."""
    if "interval" not in m:
        raise InvalidOptionError(f"'{m['interval_count']}' is mapped as the billing interval count but no column is "
                                 "the billing interval (month, quarter, year): a count alone does not say how long "
                                 "an amount pays for.")
    col, count = quote_ident(m["interval_count"]), _count_cell_sql(m)
    chk.flag_all([
        (m["interval_count"], f"NOT {_blank(col)} AND {count} IS NULL", "are not numbers (a count of intervals)", []),
        (m["interval_count"], f"{count} IS NOT NULL AND NOT ({count} BETWEEN 1 AND {MAX_INTERVAL_COUNT} "
                              f"AND {count} = floor({count}))",
         f"are not whole numbers from 1 to {MAX_INTERVAL_COUNT} (how many intervals one amount pays for)", [])])


# A subscription list's coupon or discount columns (Stripe's 'Coupon', Chargebee's 'coupon_ids'): names, not amounts
DISCOUNT_HEADERS = ("coupon", "coupons", "couponid", "couponids", "couponcode", "discount", "discounts", "discountid",
                    "discountcode", "promocode", "promotioncode")


def _discount_warning(chk: _Checker, m: dict[str, str], keep: str, warnings: list[str]) -> None:
    """A subscription's amount is its price; a coupon makes the bill lower, by an amount the list does not hold. Said
    (MRR before those discounts), never silently taken as billed."""
    used = set(m.values())
    for column in chk.file_columns():
        if column in used or short_header(column) not in DISCOUNT_HEADERS:
            continue
        if n := chk.count_where(f"{keep} AND NOT {_blank(quote_ident(column))}"):
            warnings.append(f"{counted(n, 'subscription')} {'has' if n == 1 else 'have'} a coupon or discount in "
                            f"'{column}': MRR here is '{m['amount']}' before it (the list does not say how much each "
                            "takes off), so it is higher than what is billed. If the tool can export MRR after "
                            "discounts, upload that as the amount.")


# Months without revenue between a customer's first and last invoice month, as a share of those spans, above which
# invoice lines are not read as monthly recurring revenue without asking: a company billing every month has few (a
# pause, a churn and return); one-off sales (a shop's orders) or yearly bills without an interval column have most.
MAX_GAP_SHARE = 0.25
# A one-month customer billed this many times the typical month of the others: a bill for several months (6: half
# a year or more), evidence enough to ask whatever the share
ONE_PAYMENT_FACTOR = 6
RECURRING = {"monthly": "yes: each month's lines are that month's recurring revenue (a gap is a pause or a churn)",
             "not_monthly": "no: one-off sales, or bills that pay for several months"}


def _check_recurring(chk: _Checker, m: dict[str, str], deals: bool = False) -> None:
    """Invoice lines are read as MRR in their month. When most customers have months without revenue between their
    first and last invoice, that reading is doubtful — a shop's orders would become 'MRR', every month without an
    order a churn; a yearly bill 12 times a month's revenue in one month and nothing in the eleven after — so it is
    asked, and refused unless the analyst says the lines bill every month. A header that says MRR or monthly is
    taken at its word."""
    column = m["amount"]
    if says_monthly(column) or says_annual(column):
        return
    if deals:
        # A won deal's value is what the deal is worth (a year's contract, the whole of it, or a one-off sale), not
        # a month's bill, and nothing in a deals export says which: asked whatever the gaps (Pipedrive's deals of
        # one customer won in two months in a row were stored as an MRR of 12,000 then 2,400, unasked)
        won = chk.con.execute("SELECT count(DISTINCT customer_id) FROM monthly WHERE total > 0").fetchone()[0]
        _ask_recurring(chk, column, f"The file is a CRM's deals ('{m['status']}' says won or lost; "
                       f"{counted(won, 'customer')} with won deals): a deal's value is what the deal is worth (often "
                       "a year's contract or the whole of it, or a one-off sale), not a month's bill. Read as monthly "
                       "recurring revenue, a deal won once would be a churn the month after. Upload invoices or "
                       "subscriptions for MRR; answer yes only if each value is the customer's revenue of that month.")
        return
    # One month of lines: no gap can show, so a single month of a shop's orders (the UCI Online Retail invoices of
    # December) was stored as MRR unasked. Asked unless a column says the lines recur (see _says_recurring).
    # the months first: counting the customers of 3M customer-months is only worth it for a one-month file
    months = chk.con.execute("SELECT count(DISTINCT month) FROM monthly WHERE total > 0").fetchone()[0]
    if months == 1 and not _says_recurring(chk, m):
        buyers, first = chk.con.execute("SELECT count(DISTINCT customer_id), min(month) FROM monthly "
                                        "WHERE total > 0").fetchone()
        _ask_recurring(chk, column, f"The file holds one month of revenue ({first:%b %Y}, "
                       f"{counted(buyers, 'customer')}) and nothing in it says the lines recur (no header saying MRR "
                       "or monthly, no billing interval, service period, charge type or subscription column): one "
                       "month cannot show whether a customer is billed again the next. Read as monthly recurring "
                       "revenue, one-off sales (orders) would be MRR, and every buyer who does not buy again a churn.")
        return
    customers, gaps, spans, once, before_last, big, typical, example = chk.con.execute(f"""
        WITH c AS (
            SELECT customer_id, count(*) AS n, datediff('month', min(month), max(month)) + 1 AS span,
                   min(month) AS first, max(max(month)) OVER () AS last, sum(total) AS billed
            FROM monthly WHERE total > 0 GROUP BY customer_id
        ), typical AS (
            -- the months of customers billed over 2 months or more: every other customer left out by an anti join,
            -- not the kept ones joined (3M customer-months: 0.25 CPU s less); each customer is one row of c
            SELECT median(m.total) AS t FROM monthly m
            ANTI JOIN (SELECT customer_id FROM c WHERE (span >= 2) IS NOT TRUE) o USING (customer_id)
            WHERE m.total > 0 AND m.customer_id IS NOT NULL
        )
        SELECT count(*) FILTER (span >= 2), coalesce(sum(span - n) FILTER (span >= 2), 0),
               coalesce(sum(span) FILTER (span >= 2), 0), count(*) FILTER (span = 1 AND first < last),
               count(*) FILTER (first < last),
               count(*) FILTER (span = 1 AND first < last AND billed >= {ONE_PAYMENT_FACTOR} * t), any_value(t),
               max(billed) FILTER (span = 1 AND first < last AND billed >= {ONE_PAYMENT_FACTOR} * t)
        FROM c, typical""").fetchone()
    # A customer billed in one month only, before the file's last month, is a churn after one month when read as
    # MRR; most customers so is the mark of one payment for a year (or a single order) that no gap can show. So is
    # even one such bill many times the month the other customers pay: 2 annual customers of 10 read as MRR put
    # 12 months of revenue in January and a churn in February.
    gapped, single = spans and gaps / spans > MAX_GAP_SHARE, before_last and once / before_last > MAX_GAP_SHARE
    if not gapped and not single and not big:
        return
    evidence = []
    if gapped:
        evidence.append(f"{gaps:,} of the {spans:,} months between the first and the last invoice of "
                        f"{customers:,} customers ({gaps / spans:.0%}) have no revenue")
    if single:
        evidence.append(f"{once:,} of the {before_last:,} customers billed before the file's last month "
                        f"({once / before_last:.0%}) were billed in one month only")
    if big and not single:
        evidence.append(f"{counted(big, 'customer')} billed in one month only, before the file's last month, "
                        f"{'was' if big == 1 else 'were'} billed {ONE_PAYMENT_FACTOR} times or more what the other "
                        f"customers pay in a month (up to {example:,.2f} against a typical {typical:,.2f}), as a "
                        "payment for several months would be")
    _ask_recurring(chk, column, "; ".join(evidence) + ": read as monthly recurring revenue, each month without "
                   "revenue would be a churn (and a return). One-off sales (orders) are not recurring revenue; bills "
                   "that pay for several months need their billing interval or service period columns mapped.")


def _ask_recurring(chk: _Checker, column: str, why: str) -> None:
    """Ask whether `column` bills every month (must confirm, no proposal), `why` the evidence; refused if not."""
    answer = chk.questions.ask(Question(
        f"recurring:{column}", f"Does '{column}' bill every month?", tuple(RECURRING), RECURRING, None, why,
        must_confirm=True))
    if answer == "not_monthly":
        raise InvalidOptionError(
            f"'{column}' does not bill every month: MRR, churn and retention cannot be read from it. One-off sales "
            "are not recurring revenue; for bills that pay for several months, map the billing interval (month, "
            "quarter, year) or the service period (start and end) and load the file again.")


# A subscription's id on each line (Stripe's invoices: 'Subscription', sub_…): the line is a subscription's bill
SUBSCRIPTION_HEADERS = ("subscription", "subscriptionid", "subscriptionuuid", "subid")


def _says_recurring(chk: _Checker, m: dict[str, str]) -> bool:
    """Whether a column says the invoice lines are recurring bills, which one month of them cannot show: a billing
    interval or a service period mapped, a charge-type column (its one-time lines are left out by
    _recurring_charges), or a subscription id on the lines."""
    if {"interval", "period_start", "period_end"} & m.keys() or _charge_type_column(chk, m):
        return True
    sub = chk.column_named(SUBSCRIPTION_HEADERS)
    return bool(sub and sub not in m.values()
                and chk.count_where(f"NOT {_blank(quote_ident(sub))}") * 2 >= chk.total)


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


class Billed(NamedTuple):
    """The months an invoice line pays for: SQL of its first day and of how many months (NULL or 1: its invoice
    month alone), and in words for the warnings: the columns read and which months."""
    start: str
    months: str
    source: str
    which: str
    item: str = "invoice line"  # what one row is, in the warnings ("yearly figure" for a wide file)
    partial: str = "false"  # SQL: the line pays for part of one month (a proration), see _spread_lines


def _service_period(chk: _Checker, m: dict[str, str]) -> Billed:
    """The service period of each invoice line (Stripe: 'Period Start (UTC)' to 'Period End (UTC)'), checked by row;
    its length in whole months is NULL without a period. Both ends or neither."""
    if not {"period_start", "period_end"} <= m.keys():
        given, missing = (("period_start", "period_end") if "period_start" in m else ("period_end", "period_start"))
        raise InvalidOptionError(f"'{m[given]}' is mapped as the service period's {given.split('_')[1]} but no column "
                                 f"is its {missing.split('_')[1]}: a period needs both (or neither) to say how many "
                                 "months an invoice covers.")
    ps_col, pe_col = m["period_start"], m["period_end"]
    ps, pe = chk.date(ps_col), chk.date(pe_col)
    months = f"greatest(1, round(datediff('day', {ps}, {pe}) / {DAYS_PER_MONTH}))::BIGINT"
    a, b = quote_ident(ps_col), quote_ident(pe_col)
    checks = [
        (ps_col, f"NOT {_blank(a)} AND {ps} IS NULL", "are not dates in the format the rest of the column uses", []),
        (pe_col, f"NOT {_blank(b)} AND {pe} IS NULL", "are not dates in the format the rest of the column uses", []),
        (ps_col, f"{ps} < DATE '1970-01-01'", "are before 1970", []),
        (pe_col, f"{_blank(b)} AND NOT {_blank(a)}",
         f"are empty while '{ps_col}' is not (a service period needs its end)", []),
        (ps_col, f"{_blank(a)} AND NOT {_blank(b)}",
         f"are empty while '{pe_col}' is not (a service period needs its start)", []),
        (pe_col, f"{pe} < {ps}", f"are before the service period's start ('{ps_col}')", []),
        (pe_col, f"{pe} >= {ps} AND {months} > {MAX_PERIOD_MONTHS}",
         f"make a service period longer than {MAX_PERIOD_MONTHS} months (no invoice covers that long; a typo or a "
         "placeholder date)", [])]
    if "interval" in m:  # both say how long a line runs: they must agree, or which one is right cannot be told
        interval = _flag_sql(quote_ident(m["interval"]))
        checks.append((m["interval"], f"{interval} IN {sql_words(INTERVAL_WORDS)} AND {pe} >= {ps} "
                                      f"AND {months} <> {_interval_months_sql(m)}",
                       f"say a billing interval of another number of months than the service period ('{ps_col}' to "
                       f"'{pe_col}') covers: which one is right cannot be told", []))
    chk.flag_all(checks)
    return Billed(ps, f"CASE WHEN {pe} >= {ps} THEN {months} END",
                  f"the service period ('{ps_col}' to '{pe_col}')", "from its period's first month",
                  partial=f"({pe} >= {ps} AND datediff('day', {ps}, {pe}) < {PARTIAL_MONTH_DAYS})")


# A line's charge type (Zuora's 'Rate Plan Charge: Charge Type', Chargebee's 'entity_type', a 'Line Item Type'):
# MRR is recurring revenue only (METRICS.md), so a one-time fee (setup, onboarding, services) read as a month's MRR
# is a spike of expansion and then a contraction or a churn that never happened.
CHARGE_TYPE_HEADERS = ("lineitemtype", "itemtype", "revenuetype", "billingtype", "entitytype")
RECURRING_CHARGES = ("recurring", "subscription", "plan", "addon", "planitemprice", "addonitemprice", "recurringfee",
                     "subscriptionfee", "license", "licence")
ONE_TIME_CHARGES = ("onetime", "oneoff", "once", "setup", "setupfee", "nonrecurring", "chargeitemprice",
                    "onboarding", "implementation", "professionalservices", "services")


def _charge_type_column(chk: _Checker, m: dict[str, str]) -> str | None:
    used = set(m.values())
    return next((c for c in chk.file_columns()
                 if c not in used and ((h := normalise_header(c)).endswith("chargetype") or h in CHARGE_TYPE_HEADERS)),
                None)


def _recurring_charges(chk: _Checker, m: dict[str, str], keep: str, amount: str, warnings: list[str]) -> str:
    """SQL: the line is recurring revenue by its charge-type column (true when the file has none). Which values are
    recurring is asked (Question "charge_types:<column>", several chosen; proposed: the recurring words), must
    confirm when a value is neither a recurring nor a one-time word (usage, overage, an unknown word: only the
    analyst knows whether it recurs). The lines left out are said with their count and amount."""
    column = _charge_type_column(chk, m)
    if column is None:
        return "true"
    v = _flag_sql(quote_ident(column))
    word = f"regexp_replace({v}, '[^a-z]', '', 'g')"
    values = chk.con.execute(f"SELECT {word} AS w, min({quote_ident(column)}), count(*) FROM raw "
                             f"WHERE ({keep}) AND {v} <> '' GROUP BY 1 ORDER BY 3 DESC, 1").fetchall()
    if not values or len(values) > MAX_STATUS_VALUES or all(w in RECURRING_CHARGES for w, _s, _n in values):
        return "true"  # no charge types, not a type column, or every line recurring: nothing to leave out
    shown = {w: text for w, text, _n in values}
    unknown = [shown[w] for w, _t, _n in values if w not in RECURRING_CHARGES and w not in ONE_TIME_CHARGES]
    answer = chk.questions.ask(Question(
        f"charge_types:{column}",
        f"Which charge types in '{column}' are recurring revenue (MRR)? Lines of the others are left out.",
        tuple(text for _w, text, _n in values), {},
        [shown[w] for w, _t, _n in values if w in RECURRING_CHARGES],
        " · ".join(f"{text}: {n:,} lines" for _w, text, n in values) + ". MRR counts recurring revenue only: a "
        "one-time fee read as a month's MRR is an expansion, then a contraction or churn that never happened."
        + (f" Not known words: {', '.join(unknown)}." if unknown else ""), multi=True, must_confirm=bool(unknown)))
    # a line with no charge type is kept (nothing says it is not recurring); an unanswered question stops later
    chosen = ["", *(w for w, text, _n in values if text in (answer or ()))]
    recurring = f"({word} IN {sql_words(chosen)})"
    n, total = chk.con.execute(f"SELECT count(*), sum({amount}) FROM raw WHERE ({keep}) AND NOT {recurring}"
                               ).fetchone()
    if n:
        left = ", ".join(f"{text} ({c:,})" for w, text, c in values if w not in chosen)
        warnings.append(f"{counted(n, 'line')} whose '{column}' is not recurring ({left}; {total:,.2f} in all) "
                        f"{'was' if n == 1 else 'were'} left out of MRR, as answered.")
    return recurring


HALTED_AS_REVENUE = {"count": "As paying through their end date or the as-of date (the months since they stopped "
                              "are overstated)",
                     "leave_out": "Left out entirely (the months they paid before are understated)"}


def _amount_checks(m: dict[str, str], amount_col: str, amount: str, netted: bool) -> list[tuple[str, str, str, list]]:
    """The amount's (and quantity's) checks, as flag_all() takes them; `netted`: whether credits are netted."""
    return [
        (m["amount"], _blank(amount_col), "are empty (an amount is required)", []),
        (m["amount"], f"NOT {_blank(amount_col)} AND {amount} IS NULL", "are not numbers", []),
        (m["amount"], f"NOT isfinite({amount})", "are not finite numbers (NaN or infinity)", []),
        *([] if netted else [(m["amount"], f"isfinite({amount}) AND {amount} < 0",
                              "are negative (refunds and credits are not MRR)", [])]),
        *([] if "quantity" not in m else [
            (m["quantity"], f"NOT {_blank(quote_ident(m['quantity']))} AND "
                            f"try_cast({quote_ident(m['quantity'])} AS DOUBLE) IS NULL", "are not numbers", []),
            # refused: a negative quantity beside a positive amount unless credits are netted, and beside a
            # negative amount always (minus times minus would read a credit as revenue)
            (m["quantity"], f"isfinite({amount}) AND {_quantity_sql(m)} < 0 AND {amount} {'<' if netted else '>'} 0",
             "are negative beside a negative amount (a credit of a credit cannot be read as revenue)" if netted
             else "are negative (returns and cancellations are credits, not MRR)", [])]),
        (m["amount"], f"isfinite({amount}) AND {amount} > {MAX_AMOUNT}",
         f"are above the ceiling of {MAX_AMOUNT:,.0f} per row (no real line is that large; a broken cell)", []),
        (m["amount"], _underflow_sql(amount_col, amount), "are too small to read as a number (they would be 0)", [])]


class Signs(NamedTuple):
    """The amounts below 0 (count, sum in currency units) and those above 0 but below half a cent (count, first row,
    its cell): read in one pass over the column."""
    negative: int
    negative_sum: float
    tiny: int
    tiny_row: int | None
    tiny_cell: str | None


def _amount_signs(chk: _Checker, column: str, amount: str, cents: bool,
                  checks: list[tuple[str, str, str, list]]) -> tuple[Signs, list[int]]:
    """The signs, and the counts of `checks` (flag_all's), in one scan of `raw`."""
    half = 0.5 if cents else 0.005  # in cents (amount_in_cents) half a cent is 0.5, and sums are shown ÷ 100
    # the amount written out in each aggregate, not named in a subquery: a name beside raw's columns could be one of
    # the file's headers; DuckDB reads the expression the aggregates share once
    a = f"({amount})"
    neg, tiny = f"{a} < 0 AND isfinite({a})", f"{a} > 0 AND {a} < {half}"
    aggregates, values = chk.flag_counts(checks)
    n, total, k, row, cell, *counts = chk.con.execute(
        f"SELECT count(*) FILTER ({neg}), sum({a}) FILTER ({neg}), count(*) FILTER ({tiny}), "
        f"min(_row) FILTER ({tiny}), arg_min({quote_ident(column)}, _row) FILTER ({tiny}), {aggregates} FROM raw",
        values).fetchone()
    return Signs(n, (total or 0.0) / (100 if cents else 1), k, row, cell), counts


def _net_credits(chk: _Checker, column: str, signs: Signs) -> bool:
    """Whether the invoice lines' negative amounts (prorations, credits) are netted against the customer's revenue
    in their month: asked, must confirm, when there are any. Netting is right for a proration (an upgrade's unused
    time credited) and wrong for a refund of an earlier month, which would show as a drop in the month refunded;
    only the analyst knows which the file holds. Refused, they are named by row as before."""
    n, total = signs.negative, signs.negative_sum
    if not n:
        return False
    answer = chk.questions.ask(Question(
        f"credits:{column}", f"How should the negative lines in '{column}' ({n:,}) be read?",
        ("net", "refuse"),
        {"net": "Credits and prorations: subtract each from its customer's revenue in its month",
         "refuse": "Refuse them, named by row (fix the file, or skip them: revenue is then overstated by the credits)"},
        "net", f"{counted(n, 'line')} below 0, {total:,.2f} in all. A proration or credit "
        "belongs to its month; a refund of an earlier month does not (netted, it shows as a drop in the month it "
        "was paid back).",
        must_confirm=True))
    return answer == "net"


def _check_net_months(chk: _Checker, column: str, cid: str, amount: str) -> None:
    """Netted credits may not take a customer-month below 0: revenue cannot be negative. Refused, naming the
    customer's negative lines."""
    below = chk.con.execute("SELECT customer_id, month, total FROM monthly WHERE total < -0.005 ORDER BY 1, 2"
                            ).fetchall()
    if below:
        customer, month, total = below[0]
        raise InvalidValuesError(
            column, f"are credits larger than the revenue they are netted against: customer {customer!r} nets to "
            f"{total:,.2f} in {month:%b %Y} ({counted(len(below), 'customer-month')} below 0). Answer 'refuse' to "
            "name and skip the credits, or fix the file", len(below),
            chk.examples(column, f"{cid} = ? AND {amount} < 0", [customer]))


def _tiny_warning(column: str, signs: Signs, warnings: list[str]) -> None:
    """Amounts above 0 but below half a cent are kept (a usage price of 0.001 a call is real) and said: MRR is stored
    to the cent, so a customer-month made of them alone is 0."""
    if signs.tiny:
        warnings.append(f"{signs.tiny:,} amounts in '{column}' are above 0 but below half a cent (e.g. row "
                        f"{signs.tiny_row}: '{signs.tiny_cell}'); they are kept, and MRR is stored to the cent, so a "
                        "customer-month of such amounts alone is 0.")


RATE_BESIDE_AMOUNTS = 10  # a median amount from which a tax column of values all below 1 is read as rates


def _check_refunds(chk: _Checker, m: dict[str, str], amount: str, comma: bool) -> None:
    """The refunded (and charged back) amounts subtracted from their line: numbers from 0 to the line's amount, and
    together no more than it (a refund larger than the payment, or negative, would make revenue out of nothing)."""
    fields = [f for f in TAKEN_BACK if f in m]
    for field in fields:
        col = quote_ident(m[field])
        refunded = _amount_sql(col, comma)
        chk.flag(m[field], f"NOT {_blank(col)} AND ({refunded} IS NULL OR NOT isfinite({refunded}))",
                 f"are not amounts ({TAKEN_BACK[field]}s)")
        chk.flag(m[field], f"isfinite({refunded}) AND isfinite({amount}) AND ({refunded} < 0 OR {refunded} > "
                 f"abs({amount}))", f"are below 0 or larger than the line's '{m['amount']}': a "
                 f"{TAKEN_BACK[field]} takes back at most what was paid")
    if len(fields) == 2:  # a payment refunded in part, then charged back for the rest: at most what was paid
        both = " + ".join(_part_sql(m, f, comma) for f in fields)
        chk.flag(m[fields[1]], f"isfinite({amount}) AND isfinite({both}) AND {both} > abs({amount}) + 0.005",
                 f"with '{m[fields[0]]}' beside them are larger than the line's '{m['amount']}': refunds and "
                 "chargebacks take back at most what was paid")


def _refund_warning(chk: _Checker, m: dict[str, str], keep: str, comma: bool, warnings: list[str],
                    field: str = "refunded") -> None:
    """The lines refunded (or charged back), said with their total: of the lines kept (a void invoice's refund was
    in the total)."""
    refunded = _amount_sql(quote_ident(m[field]), comma)
    n, total = chk.con.execute(f"SELECT count(*), sum({refunded}) FROM raw WHERE ({keep}) AND isfinite({refunded}) "
                               f"AND {refunded} > 0").fetchone()
    if n:
        warnings.append(f"{counted(n, 'line')} {'has' if n == 1 else 'have'} {TAKEN_BACK[field]}s in "
                        f"'{m[field]}' ({total:,.2f} in all, in the file's units): subtracted from "
                        f"{'its' if n == 1 else 'their'} amount, since a {TAKEN_BACK[field]} is not revenue"
                        + (f" (its share: a refund of '{m['amount']}' takes back its tax and shipping with it)."
                           if {"tax", "shipping"} & m.keys() else "."))


def _check_shipping(chk: _Checker, m: dict[str, str], amount: str, comma: bool, warnings: list[str]) -> None:
    """The shipping an order's total holds, subtracted with its tax: numbers from 0 up to what the total leaves
    after its tax (more would make revenue negative); said with its sum."""
    col = quote_ident(m["shipping"])
    shipping = _amount_sql(col, comma)
    rest = f"({amount} - {_part_sql(m, 'tax', comma)})" if "tax" in m else amount
    chk.flag_all([
        (m["shipping"], f"NOT {_blank(col)} AND {shipping} IS NULL", "are not numbers", []),
        (m["shipping"], f"isfinite({shipping}) AND isfinite({amount}) AND {amount} >= 0 AND "
                        f"({shipping} < 0 OR {shipping} > {rest} + 0.005)",
         f"are below 0 or larger than '{m['amount']}'" + (f" less '{m['tax']}'" if "tax" in m else "")
         + " (the revenue left would be below 0)", [])])
    total = chk.con.execute(f"SELECT sum({shipping}) FROM raw WHERE isfinite({shipping})").fetchone()[0] or 0
    warnings.append(f"'{m['shipping']}' ({total:,.2f} in all) is subtracted from '{m['amount']}': shipping is "
                    "passed on to a carrier, not revenue.")


def _check_tax(chk: _Checker, m: dict[str, str], amount: str, comma: bool, warnings: list[str]) -> None:
    """The tax column subtracted from the amount: numbers, with the amount's sign, never more than the amount. A
    netted credit line (amount below 0) carries its tax credited too (−30 with −6 tax is −24 of revenue); a line
    whose tax has the other sign, or is larger than its amount, would make revenue out of tax: refused by row.
    (Negative amounts reach this check only when credits are netted; otherwise they are refused already.)"""
    col = quote_ident(m["tax"])
    tax = _amount_sql(col, comma)
    if normalise_header(m["amount"]) in NET_AMOUNT_HEADERS:
        raise InvalidOptionError(f"'{m['amount']}' is an amount before tax; subtracting '{m['tax']}' from it would "
                                 f"count the tax twice. Map the amount to the invoice's total, or unmap the tax.")
    # A tax *rate* (a workbook's 20% cell reads 0.2) subtracted as an amount: every tax below 1 beside amounts
    # in the tens and more is a rate, not an amount (MRR was 20% too high, unsaid)
    taxed, top, typical = chk.con.execute(f"SELECT count(*) FILTER ({tax} > 0), max(abs({tax})), "
                                          f"median(abs({amount})) FROM raw WHERE isfinite({tax})").fetchone()
    if taxed and top < 1 and (typical or 0) >= RATE_BESIDE_AMOUNTS:
        raise InvalidOptionError(
            f"'{m['tax']}' holds values below 1 (at most {top:g}) beside amounts of {typical:,.2f} (the median): "
            "tax rates (0.2 = 20%), not tax amounts, so they cannot be subtracted from the amount. Map the column "
            "that holds the tax amount as the tax, or the amount before tax as the amount (and unmap the tax).")
    both = f"isfinite({tax}) AND isfinite({amount})"
    chk.flag_all([
        (m["tax"], f"NOT {_blank(col)} AND {tax} IS NULL", "are not numbers", []),
        (m["tax"], f"NOT isfinite({tax})", "are not finite numbers (NaN or infinity)", []),
        (m["tax"], f"{both} AND {tax} < 0 AND {amount} >= 0",
         f"are negative on a line whose amount in '{m['amount']}' is not (only a credit's tax is below 0)", []),
        (m["tax"], f"{both} AND {tax} > 0 AND {amount} < 0",
         f"are above 0 on a credit line (its amount in '{m['amount']}' is below 0, so its tax is credited too)", []),
        (m["tax"], f"{both} AND (({amount} >= 0 AND {tax} > {amount}) OR ({amount} < 0 AND {tax} < {amount}))",
         f"are larger than the amount in '{m['amount']}' (the revenue without tax would change sign)", [])])
    empty = chk.count_where(f"{_blank(col)} AND NOT {_blank(quote_ident(m['amount']))}")
    warnings.append(f"Revenue of each line is '{m['amount']}' − '{m['tax']}' (after discounts, without tax: MRR "
                    "excludes tax)" + (f"; {counted(empty, 'line')} with an empty '{m['tax']}' read as no tax."
                                       if empty else "."))


def _open_invoices(chk: _Checker, m: dict[str, str], status: str, amount: str, keep: str,
                   warnings: list[str]) -> None:
    """Open invoices (billed, not paid yet) are recurring revenue of their months: MRR is what the customer is billed
    for the month, not what was collected by the export's date (an invoice that will not be paid becomes void or
    uncollectible, and those are left out). Said in the warnings; an amount that is the paid sum (0 while open)
    cannot carry them, and says so."""
    n, zero = chk.con.execute(f"SELECT count(*), count(*) FILTER ({amount} = 0) FROM raw "
                              # of the lines kept: an open deal or payment left out is no open invoice
                              f"WHERE {status} IN {sql_words(OPEN_STATUS)} AND ({keep})").fetchone()
    if not n:
        return
    text = (f"{counted(n, 'invoice')} with status open (billed, not paid yet) count as recurring revenue of "
            "their months: MRR is what is billed, not what was collected by the export's date (an invoice that will "
            "not be paid becomes void or uncollectible, and those are left out).")
    if zero:
        text += (f" {counted(zero, 'open invoice')} {'has' if zero == 1 else 'have'} 0 in '{m['amount']}': "
                 + ("the paid amount of an invoice not paid yet; map the invoice's total as the amount (and its tax "
                    "column as the tax) to count what was billed." if "paid" in normalise_header(m["amount"])
                    else "they bring no revenue."))
    warnings.append(text)


GRAIN_MONTHS = {"year": 12, "quarter": 3}  # a wide file's period columns (unpivot.py) longer than a month
BILLED_FOR = {"advance": "the months from its invoice month on, billed in advance",
              "arrears": "the months up to and including its invoice month, billed in arrears"}


def _billed_period(chk: _Checker, m: dict[str, str], month: str, keep: str) -> Billed | None:
    """Invoice lines with a billing interval and no service period: a line billed for several months (a year, a
    quarter, every six months) is spread over them like a line with a service period (÷ 12 in its invoice month alone
    would make the customer look churned for the other eleven). Which months it pays for is asked, in advance
    proposed (how subscription billing invoices); None when every line is monthly."""
    months = _interval_months_sql(m)
    n = f"(CASE WHEN {months} >= {SPREAD_MIN_MONTHS} THEN {months} END)::BIGINT"
    several, widest = chk.con.execute(f"SELECT count({n}), max({n}) FROM raw WHERE {keep}").fetchone()
    if not several:
        return None
    column = m["interval"]
    answer = chk.questions.ask(Question(
        f"billed_for:{column}", f"A line billed for several months ('{column}') pays for which months?",
        tuple(BILLED_FOR), BILLED_FOR, "advance",
        f"The file has {counted(several, 'invoice line')} billed for 2 to {widest:,} months and no service period "
        "columns. Each is spread evenly over the months it pays for (a yearly line ÷ 12); MRR in its invoice month "
        "alone would show the customer leaving the month after."))
    start = f"date_trunc('month', {month})::DATE"
    if answer == "arrears":
        start = f"({start} - to_months({n} - 1))::DATE"
    return Billed(start, n, f"the billing interval ('{column}')", BILLED_FOR[answer or "advance"])


def _wide_period(chk: _Checker, m: dict[str, str], month: str) -> Billed | None:
    """One column per year or quarter turned into rows (REVENUE_2015, REVENUE_2016): each figure is the revenue of
    its year or quarter, spread evenly over its months (÷ 12 or 3), never a month's revenue in its first month and
    none in the others (which would read as a churn every February)."""
    wide = chk.wide
    if wide is None or m["month"] != wide.period or (n := GRAIN_MONTHS.get(wide.groups[0].granularity)) is None:
        return None
    grain, first = wide.groups[0].granularity, next(iter(wide.groups[0].columns))
    return Billed(month, str(n), f"one column per {grain}: '{first}' …", f"the {n} months of its {grain}",
                  f"{grain}ly figure")


def _spread_lines(chk: _Checker, m: dict[str, str], opts: Options, cid: str, month: str,
                  period: Billed, keep: str, comma: bool, cents: bool, warnings: list[str]) -> None:
    """Build `monthly` from invoice lines billed for a span of months (a service period or a billing interval): a
    line that pays for SPREAD_MIN_MONTHS or more is spread evenly over them (an annual invoice ÷ 12), through the
    as-of month (months after it are not known yet: the customer may cancel); any other line stays in its invoice
    month, as without a period. The customer-months the spreading adds are counted against the ceiling first."""
    ps, months, source, which, item, partial = period
    latest = chk.con.execute(f"SELECT max({month}) FILTER ({month} <= ?) FROM raw WHERE {keep}",
                             [opts.today]).fetchone()[0]
    cap = min(opts.as_of or latest or opts.today, opts.today)
    cap_m = dt.date(cap.year, cap.month, 1)
    line, per_month = _line_sql(m, comma, cents), _per_month_sql(m, comma, cents)
    spread = f"coalesce({months}, 0) >= {SPREAD_MIN_MONTHS}"
    lines_sql = f"""
        WITH lines AS (
            SELECT _row, {cid} AS customer_id, {spread} AS spread,
                   CASE WHEN {spread} THEN date_trunc('month', {ps})
                        -- a proration (15 Jan – 1 Feb, on the 1 Feb invoice) in its own month: in February it read
                        -- as an expansion then, and a contraction in March (MRR 354.84 for 300)
                        WHEN {partial} AND date_trunc('month', {ps}) <= DATE '{cap_m}' THEN date_trunc('month', {ps})
                        ELSE date_trunc('month', {month}) END::DATE AS first_m,
                   date_trunc('month', {month})::DATE AS invoice_m,
                   CASE WHEN {spread} THEN {months} ELSE 1 END AS n,
                   CASE WHEN {spread} THEN least({months}, datediff('month', date_trunc('month', {ps}), DATE '{cap_m}')
                                                 + 1) ELSE 1 END AS k,
                   CASE WHEN {spread} THEN ({line}) / {months} ELSE {per_month} END AS mrr
            FROM raw WHERE {keep}
        )"""
    spread_n, added, past, beyond, widest, moved = chk.con.execute(lines_sql + """
        SELECT count(*) FILTER (spread), coalesce(sum(greatest(k, 0)) FILTER (spread), 0),
               count(*) FILTER (spread AND k < n), count(*) FILTER (spread AND k <= 0),
               max(n) FILTER (spread), count(*) FILTER (NOT spread AND first_m <> invoice_m) FROM lines""").fetchone()
    if moved:
        warnings.append(f"{counted(moved, 'line')} {'pays' if moved == 1 else 'pay'} for part of a month (a "
                        f"proration: {source} shorter than {PARTIAL_MONTH_DAYS} days) on a later month's invoice: "
                        "counted in the month of its period, not of its invoice.")
    ceiling = max_customer_months()
    if added > ceiling:
        longest = chk.con.execute(lines_sql + """
            SELECT _row, customer_id, first_m, n FROM lines WHERE spread ORDER BY n DESC, _row LIMIT 5""").fetchall()
        shown = "; ".join(f"row {r}: {c!r} from {f:%b %Y}, {n:,} months" for r, c, f, n in longest)
        raise TooMuchDataError(
            f"The {spread_n:,} invoice lines billed for longer than a month spread into {added:,} customer-months; "
            f"the ceiling is {ceiling:,}. The longest: {shown}. Check {source}.")
    chk.con.execute("CREATE OR REPLACE TEMP TABLE monthly AS " + lines_sql + """,
        months AS (SELECT customer_id, first_m, mrr, unnest(range(greatest(k, 0))) AS i FROM lines)
        SELECT customer_id, (first_m + to_months(i))::DATE AS month, sum(mrr) AS total, count(*) AS lines
        FROM months GROUP BY ALL""")
    if spread_n:
        text = (f"{counted(spread_n, item)} {'pays' if spread_n == 1 else 'pay'} for {SPREAD_MIN_MONTHS} "
                f"months or more ({source}, up to "
                f"{widest:,} months): each is spread evenly over the months it pays for ({which}"
                + ("; an annual invoice ÷ 12 a month); other lines stay in their invoice month."
                   if item == "invoice line" else ")."))
        if past:
            text += (f" Months after {cap:%b %Y} (the " + ("as-of date" if opts.as_of else "latest invoice date")
                     + f", {cap:%Y-%m-%d}) are not counted yet: {counted(past, 'line')} "
                     + ("reaches" if past == 1 else "reach") + " past it"
                     + (f", {beyond:,} of them only begin after it and bring nothing yet" if beyond else "")
                     + ("" if opts.as_of else "; if the export was taken later, set the as-of date (Data page: "
                        "'As-of date'; command line: --as-of)") + ".")
        warnings.append(text)
