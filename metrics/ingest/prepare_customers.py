"""Customer lists, subscription lists and churn snapshots to one row per customer."""

from __future__ import annotations

import pyarrow as pa

from metrics.errors import InvalidOptionError
from metrics.ingest.checks import (
    HALTED_SUBSCRIPTION_STATUS,
    _Checker,
    _flag_sql,
    _formula_warning,
    _set_as_of,
    _text,
    canonical,
    churned_values,
    halted_left_out,
    left_out_counts,
    require_as_of,
    tenure_start,
)
from metrics.ingest.dates import _check_dates
from metrics.ingest.mapping import SYNONYMS, normalise_header, short_header
from metrics.ingest.model import Options, counted
from metrics.ingest.questions import Question
from metrics.ingest.sqltext import _blank, sql_words
from metrics.store import quote_ident

NEVER_PAID = ("incomplete", "incomplete_expired")
TRIAL_END_HEADERS = ("trialendutc", "trialend", "trialendsat", "trialendedat", "trialenddate")
# A CRM's record type or stage (Salesforce's and Zoho's 'Type' / 'Account Type', HubSpot's 'Lifecycle Stage',
# Pipedrive's 'Organization - Label'): prospects, leads and open opportunities are no customers yet. Counted, a
# Zoho list of 3 customers and 1 prospect read 4 active (and HubSpot's leads, with no customer date, were bad rows).
# Not a subscriber: a paying one to a media company (HubSpot's stage of that name is a newsletter reader).
PROSPECT_HEADERS = ("type", "accounttype", "customertype", "recordtype", "lifecyclestage", "label",
                    "organizationlabel", "companytype", "relationship")
PROSPECT_WORDS = ("prospect", "lead", "hot lead", "warm lead", "cold lead", "marketingqualifiedlead",
                  "marketing qualified lead", "salesqualifiedlead", "sales qualified lead", "mql", "sql",
                  "opportunity", "potential customer", "prospect customer")


def _status_without_churn_date(chk: _Checker, m: dict[str, str], warnings: list[str]) -> None:
    """A customer list with a status column but no churn date: the status may say churned, and nothing says when.
    Churned values (asked) are refused rather than counted as active customers."""
    churned = churned_values(chk, m["status"], warnings)
    if churned is None:
        return
    # Refused, never a bad row to skip: the rows are every churned customer, and storing the rest would read as a
    # churn of 0% (--on-bad-rows skip did exactly that)
    chk.refuse(m["status"], churned, "say the customer churned, but no churn date column says when: map the churn date "
               "(or choose which status values mean churned). These rows are every churned customer of the file, so "
               "they cannot be skipped: without them churn would read 0%")


def _status_says_churned_undated(chk: _Checker, m: dict[str, str], warnings: list[str],
                                 column: str | None = None) -> str | None:
    """A customer list with a churn date and a status (or `column`, a churned flag): a row whose status says
    churned ('Cancelled', 'closed') and whose churn date is empty left at a time nobody knows. Counted as active it
    lowered churn (ChartMogul: 2 churned of 4); rejected by row, so the analyst fills the dates in or leaves those
    customers out knowingly. Returns the condition that says churned (None while its values are asked)."""
    column = column or m["status"]
    churned = churned_values(chk, column, warnings)
    if churned is not None:
        chk.flag(m["churn_date"], f"({churned}) AND {_blank(quote_ident(m['churn_date']))}",
                 f"are empty while '{column}' says the customer churned: when they left is not known. Fill in "
                 "the churn dates, or skip these rows (those customers are then left out of every figure)")
    return churned


def not_customers_yet(chk: _Checker, m: dict[str, str], warnings: list[str]) -> None:
    """Leave out, with a count, the rows a CRM's type or stage column (PROSPECT_HEADERS, or the mapped status) says
    are prospects or leads (PROSPECT_WORDS): no customer yet, whatever dates they carry."""
    names = set(PROSPECT_HEADERS) | ({normalise_header(m["status"])} if "status" in m else set())
    for column in chk.file_columns():
        if normalise_header(column) not in names:
            continue
        n, said = chk.leave_out_values(column, PROSPECT_WORDS)
        if n:
            warnings.append(f"{counted(n, 'row')} whose '{column}' says {said} {'was' if n == 1 else 'were'} left "
                            "out: prospects and leads are no customers yet.")
    if "status" in m and "subscription_id" not in m and m["status"] not in chk.hidden:
        # one row per customer (ProfitWell's customers: 'trialing', 'churned_trial' beside 'active' and
        # 'churned_voluntary'): a trial, running or ended, never paid. Counted, a trial still running was an active
        # customer and one that ended a churn (a list of one row per subscription leaves them out by their own rule)
        n, said = chk.leave_out_values(m["status"], PER_CUSTOMER_TRIAL_WORDS)
        if n:
            warnings.append(f"{counted(n, 'row')} whose '{m['status']}' says {said} {'was' if n == 1 else 'were'} "
                            "left out: a trial is not a customer until it pays.")


def _churned_flag_agrees(chk: _Checker, m: dict[str, str], warnings: list[str]) -> None:
    """A churned flag beside the churn dates ('Churned' Yes/No, 'Customer Status' Churned/Active): unread, a
    customer it says churned with no date stayed active for ever, and one it says stayed, with a date, churned.
    Which values mean churned is asked; a row where the flag and the date disagree is refused by row (which of the
    two is right, the file cannot say): undated as a churned status is (_status_says_churned_undated), dated here."""
    churned = _status_says_churned_undated(chk, m, warnings, m["churned"])
    if churned is None:
        return
    dated, flag = f"NOT {_blank(quote_ident(m['churn_date']))}", f"NOT {_blank(quote_ident(m['churned']))}"
    chk.flag(m["churn_date"], f"NOT ({churned}) AND {flag} AND {dated}",
             f"are dated while '{m['churned']}' says the customer did not churn: which is right is not known. "
             "Correct one of the two, or skip these rows")


def _paying_after_trial(chk: _Checker, m: dict[str, str], status: str | None, churn: str, keep: str,
                        warnings: list[str]) -> str:
    """`keep` without the subscriptions that are trials and nothing more: trialing now, or ended on or before their
    trial's end (Stripe's 'Trial End (UTC)'), so never paid. Counted as customers, 4 trials cancelled at their end
    were 4 of 5 churns (logo churn 4.3% a month for 0.9%). Left out, said."""
    trial_end = chk.column_named(TRIAL_END_HEADERS)
    parts = [f"{status} IN {sql_words(TRIAL_WORDS)}"] if status else []
    if trial_end is not None:
        parts.append(f"(NOT {_blank(quote_ident(trial_end))} AND {churn} IS NOT NULL "
                     f"AND {churn} <= ({chk.date(trial_end)})::DATE)")
    if not parts:
        return keep
    trial = " OR ".join(parts)
    if n := chk.count_where(f"({keep}) AND ({trial})"):
        warnings.append(f"{counted(n, 'subscription')} that {'is a trial' if n == 1 else 'are trials'} and never "
                        "paid (trialing now, or ended by the trial's end) "
                        f"{'was' if n == 1 else 'were'} left out: a trial is not a customer until it pays.")
    return f"({keep}) AND NOT coalesce({trial}, false)"


def _after_trial(chk: _Checker, start: str) -> str:
    """A converted trial's subscription starts paying at its trial's end (Stripe's 'Start (UTC)' is the trial's
    start): the customer is one from then (a trial is not a customer until it pays; counted from the trial's start,
    a customer who paid and left within a month was a churn the rules count in no month)."""
    trial_end = chk.column_named(TRIAL_END_HEADERS)
    if trial_end is None:
        return start
    end = f"({chk.date(trial_end)})::DATE"
    return f"(CASE WHEN NOT {_blank(quote_ident(trial_end))} AND {end} > {start} THEN {end} ELSE {start} END)"


def _prepare_customers(chk: _Checker, m: dict[str, str], opts: Options, warnings: list[str]) -> pa.Table:
    cid = quote_ident(m["customer_id"])
    chk.flag(m["customer_id"], _blank(cid), "are empty (every customer needs an id)")
    per_subscription = "subscription_id" in m
    same_month: tuple[str, str] | None = None  # a snapshot's churners of tenure 0 (the condition, the month)
    if not per_subscription:
        chk.flag_duplicates(cid, m["customer_id"], f"customer ids in column '{m['customer_id']}'",
                            "repeat an earlier row's customer id", where=f"NOT {_blank(cid)}",
                            advice="A customers list holds one start and at most one churn per customer. If a "
                                   "customer left and came back, keep the row of their latest start (the earlier "
                                   "churn is then not counted: revenue data shows it, as a churn and a "
                                   "reactivation); otherwise remove the repeats and upload again.")
    if "start_date" in m:
        start = chk.date(m["start_date"])
        # a subscription still in its trial, or ended in it, never paid: it may have no start (Paddle's
        # 'first_billed_at', Chargebee's 'activated_at'), and is left out below
        unpaid = (f"{_flag_sql(quote_ident(m['status']))} IN {sql_words(UNPAID_WORDS)}"
                  if per_subscription and "status" in m and short_header(m["start_date"]) in BILLED_START else None)
        _check_dates(chk, m["start_date"], start, f"NOT ({unpaid})" if unpaid else True, opts.today)
        if "churn_date" in m:
            parsed = chk.date(m["churn_date"])
            chk.flag(m["churn_date"], f"{parsed} > ?", f"are more than {SCHEDULED_YEARS} years in the future: a "
                     "typo, not a cancellation scheduled", [_years_after(opts.today, SCHEDULED_YEARS)])
            _other_end_dates(chk, m, warnings)
            churn = _scheduled_churn(chk, m["churn_date"], parsed, opts, warnings)
            if "status" in m:
                churn = _active_status_wins(chk, m, churn, warnings)
                churn = _customer_status_beside_date(chk, m, churn, warnings)
            # beside a status too: Recurly's accounts are 'active' with no live subscription (cancelled, or never
            # subscribed), and counted as customers for ever
            if (flag := chk.column_named(ACTIVE_FLAG_HEADERS)) is not None and flag not in m.values():
                churn = _active_flag_wins(chk, m, flag, churn, warnings)
            elif "churned" in m and "status" not in m:
                _churned_flag_agrees(chk, m, warnings)
            _check_dates(chk, m["churn_date"], churn, False, opts.today, parsed)
            chk.flag(m["churn_date"], f"{churn} < {start}", "are before the customer's start date")
        else:
            churn = "NULL::DATE"
    else:
        # Snapshot export (e.g. the telecom churn sample): tenure + churned flag or status, as of a date.
        # Start = as-of date − tenure in its unit (asked); a churned customer churned on the as-of date.
        require_as_of(opts, "tenure and a churned flag")
        as_of = opts.as_of
        start = tenure_start(chk, m["tenure"], as_of, warnings)
        churned = churned_values(chk, m["churned"], warnings)
        _churn_flag_period(chk, m["churned"], as_of)
        if start is not None and churned is not None:  # counted once the rows to skip are gone (below)
            same_month = (f"({churned}) AND {start} >= date_trunc('month', {_set_as_of(chk, as_of)})",
                          f"{as_of:%b %Y}")
        warnings.append(f"Snapshot file: start dates derived from tenure, churners dated {as_of:%Y-%m-%d} "
                        f"(the as-of date). Churn is known for {as_of:%b %Y} only: customers who left before then "
                        "are not in the file, so earlier months show no churn rate.")
        var = _set_as_of(chk, as_of)
        churn = f"CASE WHEN {churned} THEN {var} END"
    if "status" in m and "start_date" in m and "churn_date" not in m:
        # a list, or subscriptions (Braintree's, with no end date column: its Canceled and Expired ran on, churn 0%)
        _status_without_churn_date(chk, m, warnings)
    elif ("start_date" in m and "churn_date" not in m and not per_subscription
          and (flag := chk.column_named(ACTIVE_FLAG_HEADERS)) is not None):
        # an active flag and no end date: its inactive accounts would count as customers (churn 0%)
        chk.refuse(flag, f"{_flag_sql(quote_ident(flag))} IN {sql_words(FLAG_INACTIVE)}",
                   "say the account is inactive, but no churn date column says when it left: map the churn date. "
                   "These rows are every churned account of the file, so they cannot be skipped: without them "
                   "churn would read 0%")
    elif "status" in m and "start_date" in m and not per_subscription:  # a list with churn dates
        _status_says_churned_undated(chk, m, warnings)
    elif "status" in m and "churn_date" in m and per_subscription:
        # a subscription whose status says it ended and no end date (Zoho's 'expired' beside its 'Expires On'):
        # read as still running, its customer never churned (0 churned of 192 for 2)
        chk.flag(m["churn_date"], f"{_flag_sql(quote_ident(m['status']))} IN {sql_words(ENDED_WORDS)} AND "
                 f"{_blank(quote_ident(m['churn_date']))}",
                 f"are empty while '{m['status']}' says the subscription ended: when is not known. Map the column "
                 "with the end date, fill the dates in, or skip these rows")
    chk.questions.settle()  # the unit and the churned values decide what is valid: ask before judging
    chk.settle()
    if same_month and (n := chk.count_where(same_month[0])):
        warnings.append(f"{counted(n, 'churned customer')} with a tenure of 0 (started in {same_month[1]}) started "
                        f"and left within that month: by the churn rule {'it counts' if n == 1 else 'they count'} "
                        "in neither the month's customers at its start nor its churn.")
    _formula_warning(chk, m, ("customer_id", "name", "segment", "region", "plan"), warnings)
    if per_subscription:
        # One row per subscription: a customer starts with their first subscription and churns when the
        # last one ends (still a customer while any subscription has no end date).
        status = _flag_sql(quote_ident(m["status"])) if "status" in m else None
        keep = f"{status} NOT IN {sql_words(NEVER_PAID)}" if status else "true"
        if status and (never := chk.count_where(f"NOT ({keep})")):
            warnings.append(f"{never:,} subscriptions that were never paid were left out: "
                            f"{left_out_counts(chk, status, keep)}.")
        if status and halted_left_out(chk, m["status"], status, HALTED_AS_CUSTOMERS):
            # Stripe pauses a subscription whose trial ended without a payment method: never a paying customer
            n = chk.count_where(f"({keep}) AND {status} IN {sql_words(HALTED_SUBSCRIPTION_STATUS)}")
            keep = f"({keep}) AND {status} NOT IN {sql_words(HALTED_SUBSCRIPTION_STATUS)}"
            warnings.append(f"{counted(n, 'paused or unpaid subscription')} left out, as answered.")
        keep = _paying_after_trial(chk, m, status, churn, keep, warnings)
        if unpaid and (n := chk.count_where(f"({keep}) AND {start} IS NULL")):
            keep = f"({keep}) AND {start} IS NOT NULL"
            warnings.append(f"{counted(n, 'subscription')} with no '{m['start_date']}' whose status says trial, "
                            f"future or ended {'was' if n == 1 else 'were'} left out: never paid, so never a "
                            "customer.")
        start = _after_trial(chk, start)
        keep = _started_by_as_of(chk, start, opts, keep, "subscription", warnings)
        lines = chk.count_where(keep)
        frame = canonical(chk, f"""
            SELECT {cid} AS customer_id, any_value({_text(m, 'name')}) AS name, min({start}) AS start_date,
                   CASE WHEN count(*) = count({churn}) THEN max({churn}) END AS churn_date,
                   arg_max({_text(m, 'segment')}, {start}) AS segment, arg_max({_text(m, 'region')}, {start}) AS region,
                   arg_max({_text(m, 'plan')}, {start}) AS plan
            FROM raw WHERE {keep} GROUP BY 1 ORDER BY min(_row)""")
        warnings.append(f"{lines:,} subscriptions combined into {len(frame):,} customers (start = first "
                        "subscription's start; churned when every subscription has ended, on the last end date).")
        _no_churn_warning(frame, m, warnings)
        return frame
    keep = _started_by_as_of(chk, start, opts, "true", "customer", warnings)
    frame = canonical(chk, f"""
        SELECT {cid} AS customer_id, {_text(m, 'name')} AS name, {start} AS start_date,
               {churn} AS churn_date, {_text(m, 'segment')} AS segment, {_text(m, 'region')} AS region,
               {_text(m, 'plan')} AS plan
        FROM raw WHERE {keep} ORDER BY _row""")
    _no_churn_warning(frame, m, warnings)
    return frame


def _started_by_as_of(chk: _Checker, start: str, opts: Options, keep: str, unit: str, warnings: list[str]) -> str:
    """`keep` without the rows that start after the file's as-of date: not customers when the export was taken
    (a pending subscription, a signed deal starting next quarter). Kept, they stretched the data past the as-of
    month with months of no churn (3 churned of 142 customer-months for 3 of 91). Left out, said."""
    if opts.as_of is None:
        return keep  # the data ends at the file's latest date: no start is after it
    after = f"{start} > DATE '{opts.as_of.isoformat()}'"
    if n := chk.count_where(f"({keep}) AND {after}"):
        warnings.append(f"{counted(n, unit)} that {'starts' if n == 1 else 'start'} after the as-of date "
                        f"({opts.as_of:%Y-%m-%d}) {'was' if n == 1 else 'were'} left out: not a customer yet when "
                        "the export was taken.")
    return f"({keep}) AND NOT coalesce({after}, false)"


def _other_end_dates(chk: _Checker, m: dict[str, str], warnings: list[str]) -> None:
    """Another end-date column ('Cancellation Date' beside the mapped 'Churn Date') dated where the mapped one is
    empty: those customers count as active, which the other column may contradict (2 churned of 220 for 6 of 214).
    Which is the churn is the analyst's call: said, with the count and how to choose the other."""
    other = chk.column_named(set(SYNONYMS["churn_date"]) - {normalise_header(c) for c in m.values()})
    if other is None:
        return
    if n := chk.count_where(f"{_blank(quote_ident(m['churn_date']))} AND NOT {_blank(quote_ident(other))}"):
        warnings.append(f"{counted(n, 'row')} with an empty '{m['churn_date']}' {'has' if n == 1 else 'have'} a "
                        f"date in '{other}': {'that customer counts' if n == 1 else 'those customers count'} as "
                        f"active. If '{other}' is when customers left, map it as the churn date.")


SCHEDULED_YEARS = 5  # a churn date up to this far ahead is a cancellation scheduled (a contract's end); beyond, a typo


def _years_after(day, years: int):
    """`years` after `day` (the latest date when that is past year 9999: the sample loads with no today)."""
    return day.replace(year=min(day.year + years, 9999), day=min(day.day, 28))


# Status words of a subscription that has ended: beside an empty end date, when it ended is not known
ENDED_WORDS = ("canceled", "cancelled", "expired", "ended", "churned", "closed", "terminated", "inactive",
               "deleted")  # Paddle Classic: a cancelled subscription's user is 'deleted'
TRIAL_WORDS = ("trialing", "in_trial")  # Stripe, Chargebee
PER_CUSTOMER_TRIAL_WORDS = (*TRIAL_WORDS, "churned_trial")  # ProfitWell's customers: a trial, or one ended unpaid
# statuses under which a subscription may never have paid (Chargebee's 'future': it starts after the export)
UNPAID_WORDS = (*TRIAL_WORDS, *ENDED_WORDS, *NEVER_PAID, "future")
# starts that are a first payment, empty until one is made (elsewhere an empty start is a bad row)
BILLED_START = ("firstbilledat", "activatedat", "activated", "firstpaymentdate", "firstpaidat")


def _active_status_wins(chk: _Checker, m: dict[str, str], churn: str, warnings: list[str]) -> str:
    """A row whose status says it is running (active, past due, non-renewing …) beside a past churn date: the date
    is when a cancellation was asked for (Stripe's 'Canceled At' with 'Cancel At Period End', Recurly's
    'canceled_at' before 'expires_at'), not an end. Counted as a churn on the request date, 2 customers still
    paying churned; read as active, said."""
    status = _flag_sql(quote_ident(m["status"]))
    running = f"{status} IN {sql_words(RUNNING_WORDS)} AND {churn} IS NOT NULL"
    if n := chk.count_where(running):
        warnings.append(f"{counted(n, 'row')} whose '{m['status']}' says running ({', '.join(RUNNING_WORDS[:3])} …) "
                        f"{'has' if n == 1 else 'have'} a date in '{m['churn_date']}': read as a cancellation asked "
                        "for, not an end (the customer is active).")
    return f"(CASE WHEN {running} THEN NULL ELSE {churn} END)"


CHURN_FLAG_PERIODS = {"month": "the month up to the as-of date (IBM's telco sample: customers who left within the "
                               "last month): the file gives that month's churn rate",
                      "longer": "a quarter, a year or a period the file does not state: no month's churn rate can be "
                                "read from it"}


def _churn_flag_period(chk: _Checker, column: str, as_of) -> None:
    """A snapshot's churned flag says who left, not over what period: read as the as-of month's churn, a flag over a
    quarter (Maven's telecom churn: Q2 2022's 26.5%) was a monthly rate annualised to 97.5%. Asked, the month proposed
    (the telco sample's own definition); a longer or unstated period is refused, saying what to upload."""
    answer = chk.questions.ask(Question(
        f"churn_period:{column}", f"Over what period did the customers flagged in '{column}' leave?",
        tuple(CHURN_FLAG_PERIODS), CHURN_FLAG_PERIODS, "month",
        f"The file dates no churn: every churned customer is counted as leaving in {as_of:%b %Y}, and the monthly "
        "churn rate (and the annual rate from it) is that month's. If the flag covers a quarter or a year, that "
        "rate would be overstated about three or twelve times."))
    if answer == "longer":
        raise InvalidOptionError(
            f"'{column}' flags who left over a period longer than a month (or one the file does not state): a monthly "
            "churn rate cannot be read from it, and read as one month's, annual churn was overstated (26.5% a "
            "quarter read as 97.5% a year). Upload the customers with their churn dates, or a file whose flag "
            "covers the month up to its as-of date.")


# The paused-or-unpaid question (checks.halted_left_out) as it reads for a customers list
HALTED_AS_CUSTOMERS = {"count": "As customers through their end date or the as-of date (paused or unpaid, still "
                                "subscribed)",
                       "leave_out": "Left out: not customers (Stripe pauses a subscription whose trial ended "
                                    "without a payment method: it never paid)"}


# A CRM's or a success tool's stage that says 'Customer' (HubSpot's lifecycle stage, Planhat's status)
CUSTOMER_WORDS = ("customer", "current customer", "paying customer")


def _customer_status_beside_date(chk: _Checker, m: dict[str, str], churn: str, warnings: list[str]) -> str:
    """A row whose status says 'Customer' beside a past churn date: HubSpot's lifecycle stage stays 'Customer' after
    a churn (it does not move back), while Planhat's 'Customer To' beside status 'customer' is a contract's end that
    renews. The file cannot say which: asked, must be confirmed (read as churned, a renewing account was a churn)."""
    status = _flag_sql(quote_ident(m["status"]))
    both = f"{status} IN {sql_words(CUSTOMER_WORDS)} AND {churn} IS NOT NULL"
    if not (n := chk.count_where(both)):
        return churn
    answer = chk.questions.ask(Question(
        f"customer_status_dated:{m['status']}",
        f"{counted(n, 'row')} whose '{m['status']}' says Customer {'has' if n == 1 else 'have'} a past date in "
        f"'{m['churn_date']}'. Did {'it' if n == 1 else 'they'} churn then?",
        ("churned", "active"),
        {"churned": "yes: churned on that date (the stage was not moved on: HubSpot's lifecycle stage stays "
                    "'Customer')",
         "active": "no: still customers (the date is a contract end or renewal; the status is current)"},
        None, "The status and the date disagree, and which one is current depends on the tool and how it is kept.",
        must_confirm=True))
    if answer == "active":
        warnings.append(f"{counted(n, 'row')} whose '{m['status']}' says Customer beside a date in "
                        f"'{m['churn_date']}' {'is' if n == 1 else 'are'} read as active, as answered.")
        return f"(CASE WHEN {both} THEN NULL ELSE {churn} END)"
    return churn


# An account's own active flag beside its end date (ChurnZero's 'Is Active' TRUE/FALSE beside the contract's
# 'End Date', Recurly's accounts' 'has_live_subscription' beside 'closed_at'): TRUE means still a customer, the
# opposite of a churned flag's TRUE
ACTIVE_FLAG_HEADERS = ("isactive", "isactivetruefalse", "active", "activeflag", "isactiveaccount", "activeaccount",
                       "isactivecustomer", "activecustomer", "accountisactive", "accountactive",
                       "haslivesubscription", "hasactivesubscription")
FLAG_ACTIVE = ("true", "t", "yes", "y", "1", "active")
FLAG_INACTIVE = ("false", "f", "no", "n", "0", "inactive")


def _active_flag_wins(chk: _Checker, m: dict[str, str], flag: str, churn: str, warnings: list[str]) -> str:
    """A customer list with an end date and an active flag (ChurnZero: 'Is Active', 'End Date' the contract's end):
    the flag decides who left. A past end date on an account the flag says is active is a contract that ran out
    and was renewed or runs on, not a churn (counted, 19 churned where 8 accounts were inactive); an inactive
    account with no end date left at a time nobody knows (a bad row); a flag value neither yes nor no is a bad
    row. Said with the counts."""
    value = _flag_sql(quote_ident(flag))
    chk.flag(flag, f"{value} <> '' AND {value} NOT IN {sql_words(FLAG_ACTIVE + FLAG_INACTIVE)}",
             f"are neither active nor inactive (expected {'/'.join(FLAG_ACTIVE[:4])} or "
             f"{'/'.join(FLAG_INACTIVE[:4])}): whether the account left is not known")
    chk.flag(m["churn_date"], f"{value} IN {sql_words(FLAG_INACTIVE)} AND {_blank(quote_ident(m['churn_date']))}",
             f"are empty while '{flag}' says the account is inactive: when it left is not known. Fill in the end "
             "dates, or skip these rows")
    active = f"{value} IN {sql_words(FLAG_ACTIVE)} AND {churn} IS NOT NULL"
    if n := chk.count_where(active):
        left = chk.count_where(f"{value} IN {sql_words(FLAG_INACTIVE)} AND {churn} IS NOT NULL")
        warnings.append(f"{counted(n, 'row')} whose '{flag}' says active {'has' if n == 1 else 'have'} a past date "
                        f"in '{m['churn_date']}': read as a contract end, not a churn (the account is active). "
                        f"Churn counts the {counted(left, 'account')} '{flag}' says inactive.")
    return f"(CASE WHEN {active} THEN NULL ELSE {churn} END)"


RUNNING_WORDS = ("active", "past_due", "past due", "non_renewing", "non-renewing", "in_trial", "trialing", "live",
                 "future")


def _scheduled_churn(chk: _Checker, column: str, churn: str, opts: Options, warnings: list[str]) -> str:
    """The churn date as a customer's churn: a date after the file's as-of date (or today) is a cancellation
    scheduled, not one that happened (Stripe's cancel-at-period-end, a non-renewing plan): the customer is active
    then, not churned in a month the export had not reached. Said with the count; before, such a date was refused as
    'in the future', and skipping it dropped an active customer."""
    cutoff = min(opts.as_of, opts.today) if opts.as_of else opts.today
    when = f"DATE '{cutoff:%Y-%m-%d}'"  # a date object, not file text
    if n := chk.count_where(f"{churn} > {when}"):
        which = "the as-of date" if opts.as_of and opts.as_of <= opts.today else "today"
        warnings.append(f"{counted(n, 'churn date')} in '{column}' {'is' if n == 1 else 'are'} after {which} "
                        f"({cutoff:%Y-%m-%d}): cancellations scheduled, not happened yet; those customers count as "
                        "active (not churned).")
    return f"(CASE WHEN {churn} > {when} THEN NULL ELSE {churn} END)"


NO_CHURN_WARNED_FROM = 30  # customers: a list this long where nobody ever left is worth a second look


def _no_churn_warning(frame, m: dict[str, str], warnings: list[str]) -> None:
    """A list of many customers of whom none ever churned: logo churn will read 0.0% for every period, true only if
    the file holds the churn (subscriptions that all still run, or a list without its churn dates, say nothing).
    Said at any size when no column could hold a churn (Stripe's and Chargebee's customers exports: 7 customers,
    0% churn, nothing said)."""
    n = frame.num_rows
    no_column = not {"churn_date", "churned", "tenure"} & m.keys()
    if (n >= NO_CHURN_WARNED_FROM or no_column) and n and frame.column("churn_date").null_count == n:
        warnings.append(f"None of the {n:,} customers in this file has churned (no churn date): logo churn will read "
                        "0.0% for every period. If customers have left, their churn (an end date, or a churned "
                        "status with its date) is missing from this file.")
