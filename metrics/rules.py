"""The rules every metric shares, stated once: NPS bands, the 95% z, the minimum n's, ARR = 12 × MRR, the CSAT
top-two-box rule and calendar-month arithmetic.

Metric modules, pages, the registry (metrics/definitions.py), the Glossary page and docs/metrics.md all read
these names; a literal threshold anywhere else is a test failure (tests/test_registry.py), so a rule cannot be
changed in one place and forgotten in another. Pure Python on purpose (no pandas, no DuckDB): the commands'
`--help` imports it and must stay fast.
"""

from __future__ import annotations

import calendar
import datetime as dt

# ---- NPS -----------------------------------------------------------------------------------------
NPS_SCALE = (0, 10)        # a likelihood-to-recommend answer; anything outside is invalid
PROMOTER_MIN = 9           # 9–10
PASSIVE_MIN = 7            # 7–8
DETRACTOR_MAX = PASSIVE_MIN - 1  # 0–6
CATEGORIES = ("Promoter", "Passive", "Detractor")


def nps_category(score: int) -> str:
    """The category of one 0–10 answer."""
    return "Promoter" if score >= PROMOTER_MIN else "Passive" if score >= PASSIVE_MIN else "Detractor"


def category_sql(score: str) -> str:
    """SQL CASE giving the category of the score expression `score` (trusted SQL text, never user input)."""
    return (f"CASE WHEN {score} >= {PROMOTER_MIN} THEN 'Promoter' WHEN {score} >= {PASSIVE_MIN} THEN 'Passive' "
            "ELSE 'Detractor' END")


# The same CASE as a str.format template with a `{s}` slot: the form metrics/store.py splices into its facts.
CATEGORY_SQL = category_sql("{s}")


def band_sql(category: str, score: str) -> str:
    """SQL condition: the score expression falls in the category's band."""
    return {"Promoter": f"{score} >= {PROMOTER_MIN}",
            "Passive": f"{score} BETWEEN {PASSIVE_MIN} AND {PROMOTER_MIN - 1}",
            "Detractor": f"{score} <= {DETRACTOR_MAX}"}[category]


BANDS_TEXT = (f"promoter {PROMOTER_MIN}–{NPS_SCALE[1]}, passive {PASSIVE_MIN}–{PROMOTER_MIN - 1}, "
              f"detractor {NPS_SCALE[0]}–{DETRACTOR_MAX}")

# ---- statistics ----------------------------------------------------------------------------------
Z_95 = 1.96  # two-sided 95%: intervals are estimate ± Z_95 se; a change is significant at |z| ≥ Z_95

# Sample-size thresholds. Below them a figure is shown as "—" with the reason, never as a number.
MIN_RESPONSES = 30      # an NPS, CSAT (or a share of responses) needs at least this many answers
MIN_CUSTOMERS = 30      # a group's churn rate needs at least this many customers at the window's start
MIN_CHURN_EVENTS = 10   # a churn-based estimate (LTV, a churn gap) needs at least this many churned customers
MIN_COMPARABLE_N = MIN_RESPONSES  # below this an NPS or rate is flagged "too small to compare"

# ---- revenue -------------------------------------------------------------------------------------
MONTHS_PER_YEAR = 12
ARR_FACTOR = MONTHS_PER_YEAR  # ARR = 12 × MRR (and an annual plan's MRR is its amount ÷ 12)
RETENTION_MONTHS = 12         # GRR / NRR are trailing 12 months unless a view says otherwise

# ---- bounds on what one upload may imply (checked before anything is expanded or stored) --------------------------
MAX_SPAN_YEARS = 50               # a date column spanning more: a typo or a placeholder date (1970-01-01, 1900)
MAX_CUSTOMER_MONTHS = 5_000_000   # subscriptions expanded to customer-months; env CX_MAX_CUSTOMER_MONTHS overrides


# Who counts as a current customer in a month (advocates, current detractors, revenue at risk, the what-if):
# active by the customers file, or paying. Paying counts too so that revenue-only data (no customers file, or
# a customer the file lags behind) still has customers; the customers file alone decides logo churn.
CURRENT_CUSTOMER_SQL = "(active OR mrr > 0)"
CURRENT_CUSTOMER_TEXT = ("customers active in the month by the customers file, or paying in it (MRR > 0)")

# ---- CSAT ----------------------------------------------------------------------------------------
# Satisfied = the top two boxes of the stated scale, or Good: scale -> lowest satisfied answer.
# A satisfaction question asked on 0–10 (not likelihood to recommend: that is NPS) has the same top two boxes as
# 1–10; METRICS.md names 1–5, 1–7 and 1–10 only, so the glossary states this one.
CSAT_SCALES = {"1-5": (1, 5), "1-7": (1, 7), "1-10": (1, 10), "0-10": (0, 10)}
CSAT_SATISFIED_FROM = {scale: high - 1 for scale, (_, high) in CSAT_SCALES.items()} | {"good-bad": 1}
CSAT_RULE_TEXT = ", ".join(f"{low_sat}–{CSAT_SCALES[s][1]} of {s.replace('-', '–')}"
                           for s, low_sat in CSAT_SATISFIED_FROM.items() if s in CSAT_SCALES) + (
    "; in words, the top words (Good, Great, Awesome, Satisfied …), while a neutral answer (Neutral, Okay) is not "
    "satisfied")


def csat_satisfied(scale: str, answer: int) -> bool:
    """Whether one answer on `scale` is satisfied (Good/Bad stored as 1/0)."""
    return answer >= CSAT_SATISFIED_FROM[scale]


# ---- calendar months -----------------------------------------------------------------------------
def id_spelling_key(sql: str) -> str:
    """SQL: a customer id as compared for spelling ('ACME INC.' and 'Acme Inc' alike): lower case, letters and digits
    only. Within one file, ids alike under it are asked about (ingest.customer_keys); across files, reported
    (health)."""
    return f"regexp_replace(lower({sql}), '[^[:alnum:]]', '', 'g')"


def superscript(n: int) -> str:
    """12 → '¹²', for exponents in prose (1 − (1 − m)¹²)."""
    return str(n).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def add_months(day: dt.date, n: int) -> dt.date:
    """The same day n calendar months later (earlier for n < 0), clipped to the month's last day."""
    index = day.year * 12 + day.month - 1 + n
    year, month = divmod(index, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def first_full_month(day: dt.date | dt.datetime) -> dt.date:
    """The first month whose every day is on or after `day` (its own month when it is a 1st at midnight)."""
    first = dt.date(day.year, day.month, 1)
    at_start = day == first if not isinstance(day, dt.datetime) else (day.date() == first and day.time() == dt.time())
    return first if at_start else add_months(first, 1)


def months_between(start: dt.date, end: dt.date) -> int:
    """Number of calendar months from start to end inclusive (Jan–Mar is 3)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def age_in_months(start: dt.date, later: dt.date) -> int:
    """Whole calendar months from start's month to later's month (a cohort's age: Jan → Mar is 2)."""
    return months_between(start, later) - 1


# ---- rules that apply everywhere (Glossary, docs/metrics.md) ---------------------------------------
def everywhere() -> list[str]:
    """The rules every page follows, written from the constants above."""
    return [
        "Months are calendar months. The period filter selects whole months; period-over-period changes compare "
        "with the window of the same length just before.",
        "What an upload left out or read in a stated way (the rejected rows skipped when the analyst chose to store "
        "the valid rows, and every warning of the check: rows left out, values read as answered) is stored with it and "
        "shown beside its row count in the Upload history and the CIO page's sources, not only when it is stored.",
        "The data's months run from its first dated event (a response, revenue month, ticket or churn) to its "
        "last, and to the customers file's as-of date, which it speaks for (nobody else left before it). A customers "
        "file alone runs from its first start (its first churn would leave out the months in which nobody left); "
        "a snapshot file (tenure and a churned flag) from its as-of month, the only month whose churn it tells. The "
        "period the flag covers is asked (the month up to the as-of date proposed, as IBM's telco sample defines "
        "it); a longer or unstated period (Maven's telecom churn flags a quarter) is refused, since no month's churn "
        "rate can be read from it. Churners of tenure 0 started and left within that month and count in neither "
        "its customers nor its churn, said. A status beside a tenure in a revenue snapshot (Maven's "
        "'Customer_Status': Churned, Stayed, Joined) is read as the churned flag.",
        f"NPS categories: {BANDS_TEXT}. Every NPS shows its n. An NPS or a share of responses from fewer than "
        f"{MIN_RESPONSES} responses is shown as \"—\" with the reason, and is not compared; so is one "
        "quoted beside another tile (all customers' NPS under New customers' NPS). New customers' NPS without a "
        "customer list is \"—\" because the list that says who is new is missing, not because none answered.",
        f"A change is called significant when |z| ≥ {Z_95}: for NPS z = (NPS₁ − NPS₂) ÷ √(Var₁ + Var₂); for "
        "rates (churn, shares of promoters and detractors) the pooled two-proportion test. A change that is not "
        "significant (or whose test cannot be computed) is grey with no arrow, as is a change that rounds to "
        "zero; with no previous period in the data there is no change at all. Revenue figures (ARR, MRR, NRR, "
        "GRR, ARPA, the quick ratio) are sums over every paying customer in the data, not estimates from a sample "
        "of them: their change is what was billed, shown green or red as measured. Counts that are neither good "
        "nor bad (responses, tickets, backlog) and medians of service times have a grey change with no arrow.",
        f"Every 95% interval uses z = {Z_95} in its method: adjusted Wald for NPS, Wilson for rates, Newcombe for "
        "a difference of rates, the delta method for ratios of sums.",
        "Estimates resting on churn (LTV, revenue at risk, the what-if, the value of one NPS point) need at least "
        f"{MIN_CUSTOMERS} customers in each group compared and {MIN_CHURN_EVENTS} churned customers; below that "
        "they are \"—\" with the reason. When the 95% interval of the churn gap includes 0 they read \"no "
        "measurable difference\". Without a customer list, or with one that records no churn, LTV, revenue at risk "
        "from the NPS gap and the what-if are \"—\" and name that file (every group would churn 0%, a gap of 0); "
        "a quick ratio with no MRR lost is \"—\", nothing to divide by, said under the tile.",
        "A customer's NPS category at a date is that of its latest response *before* the date; analyses over a "
        "period use the category as of the period's start, so no later answer can explain the outcome. Churn or "
        "NRR by NPS category that cannot be measured (no churn column, no revenue, nobody paying in the month it "
        "starts from) is a sentence saying why, never empty axes or 0.0%. A single month is named once (\"Oct "
        "2026\", not \"Oct 2026 – Oct 2026\").",
        "A churn date after the customers file's as-of date (or today) is a cancellation scheduled, not a churn: "
        "the customer counts as active, and the upload says how many (more than 5 years ahead is a typo, refused). "
        "A customer or subscription that starts after the as-of date was not a customer yet: left out, said. "
        "Beside an active flag (ChurnZero's 'Is Active'), an end date is a churn only where the flag says inactive: "
        "a past contract end on an active account is a renewal or a contract running on (said with the counts); an "
        "inactive account with no end date is refused by row, since when it left is not known. Beside churn dates, "
        "a churned flag ('Churned' Yes/No) must agree with them: a row it says churned with no date, or stayed "
        "with a date, is refused by row. Prospects, leads and open opportunities (a CRM's type, lifecycle stage or "
        "label) are no customers yet: left out, said. An account's active flag (Recurly's 'has_live_subscription') "
        "is read beside a status too: an account without a live subscription and without a close date is refused "
        "by row (when it left is not known). A file with no column that could hold a churn says that logo churn "
        "will read 0.0%; the CEO page then shows logo churn as \"—\" with that reason, never 0.0%. "
        "In a subscription list, a subscription with no start whose status says trial, future or "
        "ended never paid (Paddle's 'first_billed_at', the first payment, is the start; Chargebee's empty "
        "'activated_at'): left out, said. A status that says 'Customer' beside a past churn date (HubSpot's "
        "lifecycle stage stays Customer after a churn; a success tool's contract end renews) is asked about, must "
        "be confirmed. Ids that differ only in capitals or punctuation are asked about; ids whose separators stand "
        "between other letters or digits ('12-3', '1-23') and record ids whose capitals may be part of the id "
        "(Salesforce's 15-character ids, 'C001' / 'c001') must be confirmed, proposed as different customers; a "
        "customers list answered 'one customer' is refused naming both spellings. Ids Excel wrote in scientific "
        "notation ('1.23457E+11': their last digits lost) are refused by row, in every kind of file. Paused or "
        "unpaid subscriptions are "
        "asked about, must be confirmed: customers through their end, or left out (Stripe pauses a subscription "
        "whose trial ended without a payment method: it never paid). In a list of one row per customer, a status "
        "saying trialing or churned_trial (ProfitWell) is a trial, left out, said; ProfitWell's 'churned_voluntary' "
        "and 'churned_delinquent' are proposed as churned, and its 'cancelled' (paid to the end of the billing "
        "cycle) is not proposed.",
        "Churn by category over a period of k months is the share of the start's customers who churned within "
        "it; its monthly equivalent is 1 − (1 − r)^(1/k) and its annualised figure 1 − (1 − monthly)"
        f"{superscript(MONTHS_PER_YEAR)}.",
        f"ARR = {ARR_FACTOR} × MRR. Revenue uploads with an annual billing interval are divided by "
        f"{MONTHS_PER_YEAR} (a quarterly one by 3; any other interval, such as a week, is refused by row), times "
        "the interval count where the file has one (6 with month: every six months, ÷ 6); a "
        "subscription list with no interval column whose amount header does not say monthly (MRR, monthly) asks "
        "how long each amount pays for (a subscription's amount is its price: where a coupon column is filled, the "
        "upload says that MRR is before the discount); subscriptions not paying yet (in trial, future, incomplete) "
        "bring no revenue; paused or unpaid ones are asked about (the file does not say since when: counted as "
        "paying, or left out entirely); an invoice line whose service period (period start to end) covers two "
        "months or more "
        "is spread evenly over the months it covers from its period's first month (an annual invoice ÷ "
        f"{MONTHS_PER_YEAR} a month), through the as-of month; shorter periods stay in their invoice month, but a "
        "line paying for part of a month (a period under 28 days: a proration) billed on a later month's invoice "
        "counts in its period's month. An "
        "invoice line billed for several months (its interval × count) and no service period is spread the same way "
        "over the months it pays for: from its invoice month on (billed in advance, proposed) or up to its invoice "
        "month (billed in arrears), as the analyst answers; a file with one revenue column per year or quarter "
        "(REVENUE_2015, REVENUE_2016) is spread the same way over each year's or quarter's months. Invoice lines are "
        "read as the MRR of their month; when "
        "more than a quarter of the months between customers' first and last invoices have no revenue, or more than a "
        "quarter of the customers billed before the file's last month were billed in one month only (a shop's "
        "orders, yearly bills without an interval column), the upload asks whether the lines bill every month and "
        "refuses unless the analyst says so (an amount header that says MRR or monthly is taken at its word). An "
        "invoice's revenue excludes tax (its total − its tax where the file has both); an open invoice (billed, "
        "not paid yet) counts, void, deleted, not paid (collection failed for good) and uncollectible "
        "ones do not, nor do declined, rejected, failed, skipped or charged-back charges, nor deals not won (a "
        "stage column with Closed Won keeps those only), nor one-time charges (a charge-type column's OneTime, setup "
        "or services lines; a type neither recurring nor one-time, such as usage, is asked about); an amount headed "
        "ARR or ACV is a year's revenue, ÷ "
        f"{MONTHS_PER_YEAR} a month; a payment row beside the "
        "charges it settles is left out (counted twice otherwise), and a credit or refund row written with a "
        "positive amount is read as negative. Stripe's invoice export carries an invoice-level period that looks "
        "back one period (its API "
        "reference), not the service period, so it is not read; its line items export's periods are. Amounts are "
        "in the file's currency, shown with "
        "its sign: the one a currency column or "
        "the amounts' signs name, else the analyst's answer (USD proposed; asked outright when the amounts are "
        "written the European way, or when a country column's country on half the rows or more bills in another "
        "currency, which is then proposed). A file in two currencies, or writing amounts two ways, is refused; whole "
        "multiples of 100 with a median of 1,000 or more, or whole amounts beside Stripe's customer ids ('cus_…'), "
        "ask whether they are cents (never in a currency without cents: JPY, KRW …, which Stripe writes in whole "
        "units); a header that ends in 'cents' is read as cents; amounts declared as cents (--cents, the Data "
        "page's box) that have decimals are refused by row. A spreadsheet's total and "
        "subtotal rows are refused by row, never read as customers; a table whose other rows add up to 2, 3 or 4 "
        "times its grand total (an Excel pivot table in compact layout, each group's subtotal on the group's own "
        "row) is refused, and a pivot's 'Row Labels' column without a grand total asks whether it holds customers "
        "only. '1_000' is not a number, nor is a value too small for one ('1e-400'); amounts above 0 "
        "but below half a cent are kept, and the upload says that MRR, stored to the cent, rounds them away. "
        "Negative invoice lines (credits, prorations) are asked about: netted against their customer's revenue in "
        "their month (a month netting below 0 is refused), or refused by row; a netted credit's tax is credited too "
        "(−36 with −6 tax is −30 of revenue), and a tax of the other sign than its line, or larger than it, is "
        "refused by row; an amount that says it is MRR is never below 0. A line's sign is its amount's times its "
        "quantity: a cancellation line (quantity −1 at a positive price) is a credit, asked about the same way, and "
        "a quantity that is not a number is refused by row (never read as one unit). A shop's orders (Shopify's "
        "export: a financial and a fulfillment status) are dated purchases by the buyer's email, never "
        "subscriptions from 'Created at' to 'Cancelled at'; the rows that repeat the order above with no customer, "
        "date or amount are its further line items, left out, counted, and an order amount repeated on each of an "
        "order's item rows (WooCommerce) is read once per order. An order's revenue is its total less its tax and "
        "the shipping charged (passed on to a carrier, not earned); a refund of an order's total takes back its "
        "share of each part (revenue × refunded ÷ total), since the tax and shipping are refunded with it. Orders "
        "not paid (pending payment, on hold, awaiting payment, an abandoned checkout) are no revenue, nor are sales "
        "a yes/no column says were refunded in full or lost to a chargeback. One id written for every guest "
        "checkout (BigCommerce's 0) beside several buyers' emails asks whether each guest is read by their email "
        "(proposed) or refused; never one customer. A last row with no customer and no date whose amount is the sum "
        "of all the others is the file's total row, left out, said. A subscription list whose MRR column is 0 on most "
        "ended subscriptions while running ones pay (Chargebee writes a cancelled subscription's MRR as it is now) "
        "is refused, naming the plan's price column to map instead: read as written, the churned customers' "
        "months would vanish. An amount whose header ends in a currency code (subtotal_usd) is in that currency. "
        "A report's footer below its table (Salesforce: Grand Totals, Generated By, Copyright) is skipped, said. "
        "Payments denied, pending, reversed or past due, and checkouts never completed (Paddle's 'ready'), are no "
        "revenue, and need no billing date; a negative line whose status says refunded is the refund itself, "
        "netted like any credit (the sale beside it is paid). A payment's gross (PayPal) is a total: its sales tax "
        "and shipping are subtracted. Xero's contact name is the customer (its account code is the ledger "
        "account); a header qualified by its object (Zuora's 'Invoice Item: Charge Amount') is read by its field. "
        "In a ledger's transaction list (QuickBooks, NetSuite: Name, Account and a transaction type) the name is the "
        "customer and the account is the ledger's. Payments not collected (GoCardless' pending submission or "
        "customer approval, a card payment authorized and never captured, an expired checkout, a refused payment, "
        "Chargebee's failure, timeout, in progress and needs attention, 2Checkout's pending and not captured orders) "
        "are no revenue, nor is an authorization or a card check (a transaction type, or Recurly's 'action'); a "
        "payment reversal or a refund written positive is a credit; in Stripe's balance reports only charges, "
        "refunds and disputes are a customer's "
        "payment (payouts, fees and transfers are left out, said). A row left out by its status may be dated after "
        "the export; WooCommerce's 'wc-' "
        "statuses are read without the prefix. A tax column beside an amount that is not a total (Braintree's 'Tax "
        "Amount') asks whether the amount holds it; if so it is subtracted (not for a net, untaxed or subtotal "
        "amount). Baremetrics' 'plan_amount' asks whether "
        "it is cents. ChartMogul's activities (a change of MRR per row) and its customers list (today's MRR beside "
        "'Customer since') are refused as revenue, saying what to upload. Zoho Books' item rows are read by their "
        "'Item Total' (the invoice's Total repeats on each); Chargebee's 'Amount Adjusted' is taken off its invoice "
        "with its share of the tax; Google Play's fee rows and PayPal's balance holds (and their release) are left "
        "out, and tax refunds keep the sign they are written with; a Google Play renewal's order id ('..0') is "
        "read as its subscription's (and a customer id written as Excel's text formula, =\"00123\", as the id inside, "
        "said, in every kind of file), and its amounts are read in the merchant's currency ('Amount (Merchant "
        "Currency)'), not the buyers'; a paid flag saying not paid (Paddle Classic's upcoming payments) and Lemon "
        "Squeezy's fraudulent orders are no revenue. Invoice lines or orders of a single month ask whether they "
        "bill every month (one month shows no gap) unless a column says they recur (an MRR header, a billing "
        "interval, a service period, a charge type or a subscription id). An amount in a credit column beside its "
        "debit twin (Adyen's settlement details: 'Gross Credit (GC)', 'Gross Debit (GC)') reads a debit as a credit "
        "(a refund or a chargeback), and rows whose journal type is no shopper's payment (fees, payouts, invoice "
        "deductions) are left out, said. WooCommerce's 'refunded_total' is a refund taken off its order; an amount "
        "whose formatted twin shows it ÷ 100 (Lemon Squeezy's 'total' beside 'total_formatted') is in cents, as "
        "is Maxio's 'amount_in_cents'. 2Checkout's buyer ('ExternalCustomerReference', 'CustomerReference') is the "
        "customer, not the order's 'ExternalReference'. A 'processing' payment beside 'success' ones (Recurly's "
        "transactions: a direct debit in progress) is not collected yet: no revenue. A Mollie payment keeps its "
        "'paid' status when refunded or charged back: its 'amountRefunded' and 'amountChargedBack' are taken off "
        "it (together at most the payment, else refused by row), and its 'open' payments (a checkout never "
        "completed) are no revenue. A CRM's deals (a status saying won or lost: Pipedrive's 'Deal - Status' "
        "before its 'Deal - Stage') keep the won ones only, need no date on the others, and always ask whether "
        "a deal's value bills every month (a deal's value is what it is worth, not a month's bill). Odoo's "
        "'Total Signed' is a total: its 'Tax Signed' is subtracted. An amount whose header names its currency "
        "(FastSpring's 'Transaction_Amount_in_USD') has the tax in that currency subtracted ('Tax_in_USD', not the "
        "buyer's 'Tax'); FastSpring's charged back orders and, beside subscription orders, its one-off sales "
        "('Subscription_True_False' false) are left out, said, and its returned orders ('Return_True_False') are "
        "asked about, must be confirmed: left out as refunded in full, or refused (a flag cannot say how much). An "
        "invoice a yes/no 'Cancelled' column says was cancelled (Business Central: reversed by a credit memo the "
        "list does not hold) is left out, said (on a subscription list the same flag is a subscription that "
        "ended: its end date ends its revenue); a file's one currency column empty beside amounts while other rows "
        "name a currency (Business Central leaves its local currency empty) is refused by row. Chargebee's "
        "subscriptions ('billing_period_unit' beside the amount) with every plan amount written as a whole number "
        "ask whether it is cents (its API writes 4999 for 49.99), and its 'plan_amount' is the plan's amount for "
        "all its units (plan_unit_price × plan_quantity): never multiplied by 'plan_quantity' again, nor is a "
        "subscription's subtotal or total (FastSpring's 'subtotal' beside its unit 'price'). Paddle Billing's "
        "transactions are read at their billed totals ('details.totals': total less tax, a credit balance paying "
        "part of one is no discount) except where its 'details.adjusted_totals' are written (a refund, a "
        "chargeback or a credit adjusted it): those, total less tax, said. Square's refund by amount (a row with "
        "no net sale and its money in 'Partial Refunds', which Square's 'Net Sales' leaves out) is taken off the "
        "customer's revenue, said; a row holding both a net sale and a partial refund is refused by row.",
        f"Current customers (advocates, current detractors, revenue at risk, the what-if) are "
        f"{CURRENT_CUSTOMER_TEXT}.",
        f"CSAT: satisfied = the top two boxes of the stated scale ({CSAT_RULE_TEXT}); CSAT is never NPS. Whole "
        f"scores whose highest answer is 7 are read as 1–7 only from {MIN_RESPONSES} answers on (fewer could be a "
        "1–10 survey's, and the scale is asked). A range the header or the question states ('Satisfaction "
        "(1-7)', '(1-5)') is the scale: answers outside it are refused by row. Without one, answers above 5 (or 7) "
        "that are at most one in ten of the answers never settle a bigger scale: it is asked, must be confirmed, "
        "the smaller scale proposed (one 10 among forty 1–5 answers), for survey answers and ticket ratings "
        "alike. A three-point scale (three faces, 1–3) is refused: its top two "
        "boxes would count the middle answer as satisfied, and so are HubSpot's 0–2 answers, at any count. "
        "LiveChat's chat ratings ('rate': rated good, rated bad) are Good/Bad and its 'not rated' chats no answer, "
        "skipped and said (as tickets: no rating).",
        "A timestamp with a time zone is dated in UTC (2023-01-31T23:30-05:00 is 1 February), and the upload says "
        "how many moved to another day. Times whose header names a zone (Intercom's 'Conversation started at "
        "(America/New_York)', LiveChat's 'chat start date Europe/London') are that zone's local times, stored in "
        "UTC: a reply across a daylight-saving change "
        "takes the hours it took; a header giving an offset or an abbreviation ('Created at (UTC+02:00)', "
        "'(PST)') is read the same way, said. A local time with a zone abbreviation of one meaning (PST −08, PDT "
        "−07, EST, EDT, CET, CEST, BST +01 (British), JST, AEST …) is read at that fixed offset, and one with "
        "'GMT-5' (Google Forms) too, said when its day moves; an abbreviation of several zones (IST, CST, AST, "
        "ECT, NST …) or one not in the list is refused by row, never looked up as a zone name. Unix times in "
        "seconds or milliseconds (13 digits: Crisp's tickets, Delighted's answers) are UTC. Times without a zone "
        "(Jira's '07/Mar/26 10:00 AM') are read as written, not asked: a ticket open across a daylight-saving "
        "change reads at most an hour more or less than passed (48 h for 47 h), on those tickets only. A ticket "
        "export's own "
        "duration column (Zendesk's "
        "minutes) is used where it agrees with the ticket's times, and not at all where it differs for more than 5% "
        "of the tickets (a wrong unit, business hours), unless every difference is one hour: local times without a "
        "zone across a daylight-saving change are an hour off the time that passed, and the column is right. "
        "Freshdesk's 'First response time (in hrs)' and 'Resolution time (in hrs)' are business hours (its export "
        "writes them from the business-hours figures), so they are never read as calendar time. A change log (one "
        "row per change of one field of a ticket: Jira's changelog 'field' / 'toString', Zendesk's ticket field "
        "history 'field_name' / 'value') is refused as tickets: its first change is no creation and its tickets "
        "have no status. Tickets an export marks as merged without saying which one survived (osTicket's 'Merged' "
        "marks both the ticket kept and those merged into it) are all counted, said with their number. 'In Business "
        "Hours' in a duration header names the clock, not the unit (Zoho Desk's 'Resolution Time in Business Hours' "
        "holds milliseconds): its numbers are hours only up to a median of 1,000 hours, above it their unit is "
        "asked; a business-hours column set aside beside "
        "calendar figures is not read. Durations written with their units ('2 days 3 hrs 30 mins', '30 mins', "
        "'26:30 hrs') are read by the units in each cell; a bare number among them is refused, never given a unit. "
        "A Salesforce case report's close is 'Date/Time Closed', read before its date-only 'Closed Date'. A "
        "duration from a date without a time of day beside a timed one is whole "
        "days from date to date (a case opened at 09:00 and closed that day took 0 days, never -9 h). Where a column "
        "mixes dates without a time of day with timed cells, the tickets' durations from its date cells are left "
        "out, said (a date read as midnight would invent the hours).",
        "Rows a true/false column marks as excluded, deleted, spam or a test (Wootric's "
        "'excluded_from_calculations', Alchemer's 'is_test_data', Retently's 'isBogus', a ticket's 'deleted') are "
        "left out of every figure, counted, as the tool that wrote the file leaves them out of its own; so are "
        "Help Scout's drafts ('isDraft'), and tickets with a time in a trash column (Gorgias' 'trashed_datetime'). "
        "A closed ticket snoozed until after its close (Gorgias' 'snooze_datetime') is pending, in the backlog. A "
        "conversation an agent started is a request from the customer's first message (Intercom's "
        "'first_contact_reply_at'): its reply and resolution times run from then, as Intercom's own do. A cell "
        "listing several customer ids ('111;333': HubSpot's associated companies without the primary one) is "
        "asked about, must confirm: the first id, no customer (answers and tickets only), or as written. "
        "Tool status words are read as the tool defines them: Dynamics 365's 'Status Reason' (read before its "
        "coarse 'Status', which calls a merged case 'Cancelled': Problem Solved and Information Provided are solved, "
        "Waiting for Details pending, Merged no ticket, Cancelled asked), Re:amaze's Responded (pending), "
        "Auto-Resolved and Chatbot Resolved (solved), Helpshift's open states (agent-replied pending; 'rejected' "
        "asked); SLA deadlines ('Resolve By', 'First Response By') are never times of a resolve or a reply.",
        "NPS is read from the question that asks how likely they are to recommend; a column called only 'score', "
        "'rating' or 'answer' is read as NPS only when no column asks that (Typeform's calculator score is not NPS); "
        "likewise the CSAT is read from a question that asks about satisfaction ('How satisfied …?') before a column "
        "called only 'score' (a Google Forms quiz's 'Score'). A comment column of true/false values (Medallia's "
        "'comments') is a flag, not the comments; a question asking why the score was given beats a bare 'Comments' "
        "column. SurveyMonkey's satisfaction words are read on its two five-point forms: in Very / Somewhat satisfied "
        "/ Neither / Somewhat / Very dissatisfied the top two are very and somewhat satisfied; in Extremely / Very / "
        "Somewhat satisfied / Not so / Not at all satisfied they are extremely and very, and 'Somewhat satisfied' is "
        "the middle box. SurveyMonkey's 'Numerical Value' export numbers the 0–10 question's choices 1–11: its "
        "answers 1 to 11 are refused (export 'Actual Answer Text'), and its scores without a 0 are asked (must "
        "confirm), never read as 0–10 unasked. Intercom's rating words (Terrible, Bad, OK, Great, Amazing: its "
        "ratings 1 to 5) are read on "
        "1–5 once the analyst confirms it, Great and Amazing satisfied, as Intercom counts them positive; as a "
        "ticket's rating, Great and Amazing are satisfied. Customer Thermometer's temperatures are read as Good/Bad "
        "once the analyst confirms it: Gold and Green satisfied, Yellow and Red not, as its Happiness factor counts "
        "them; its temperature numbers (1 Gold to 4 Red, best first) are refused. Scores that stop at 3 (Nicereply's "
        "three smileys, 1 bad, 2 neutral, 3 good) are asked with no scale proposed, a three-point scale being none "
        "read here; Nicereply's 'Legacy score' (always out of 10) is never the score. Review exports are CSAT on their "
        "stars, dated when the "
        "review was written (Trustpilot's 'Review Created (UTC)') or, for Google Play's reviews report, when its "
        "star rating was last updated (the rating in the file is the latest). A file holding several surveys' "
        "answers (a survey name or type column: Retently's "
        "'metricsType'; not a campaign, one survey's waves) is read for the surveys the analyst names as the NPS (or "
        "CSAT) one, proposed when their names say so; the others' answers are left out, counted. Survey previews, "
        "tests, spam and disqualified (screened-out) responses are left out, said (in a Qualtrics numeric export "
        "by their response type codes 1, 2, 8, 9, 12, 17, 40 and 256, and by a DistributionChannel of preview or "
        "test); partial responses count with the answers they gave (Refiner's, dated when their answers arrived, "
        "'last_data_reception_at'; Hotjar's left incomplete, dated by 'created_time'), except Typeform's: one never "
        "submitted ('Response Type' partial, or no 'Submit "
        "Date (UTC)') is left out, counted, as Typeform's own results leave it out. A Qualtrics numeric "
        "satisfaction question "
        "(1–5, 1–7) must be confirmed as read upwards: Qualtrics numbers the choices from the top, so 1 may be the "
        "best answer. A response number that counts a form's rows 1, 2, 3 (Microsoft Forms' 'ID') is kept with "
        "the answer's time as written ('1 at 5/1/26 10:01:10'), so another form's answer 1 of the same day is "
        "not taken for it when the two files are added together. Answers identical in every column of a file "
        "with no response or customer id are asked about (separate answers, or one exported twice); a file added "
        "as another source whose answers without ids are mostly alike (date, score, comment) to another source's is "
        "refused as its re-export, since those answers would count twice.",
        "Every cell is read without what its ends may carry that is never part of a value: spaces, tabs, line "
        "breaks, no-break spaces, and the invisible byte-order mark, zero-width space and word joiner ('\\ufeffC2', "
        "a line of two exports joined, is customer C2). A workbook's error cells (#REF!, #DIV/0!, #VALUE!, #N/A) "
        "are read as the text Excel shows, as a CSV export of the sheet holds it, never as empty cells: #N/A is a "
        "missing-value token (read as empty, said); the others are offered as tokens but not proposed, so one in a "
        "date, score or amount is refused by row.",
        "A workbook's cells merged over several rows (a region merged down beside its customers) are asked about "
        "before anything is stored: their value read on every row the merge covers, as the sheet shows it, or on "
        "its first row only, as a CSV export writes it; read either way without asking, a label went missing from "
        "the rows below or an amount merged over two months was counted twice.",
        "A workbook's number cell is read as its format shows it, as Excel's CSV export writes it: 0.5 formatted as a "
        "percentage is 50%, refused as an amount, a score or a duration (it was stored as an MRR of 0.5), and an "
        "amount formatted with a currency sign (€100, [$SEK]) names its currency, refused where the file's currency "
        "column names another, and a sign that names no one currency ('kr') is asked about; rows hidden in the "
        "sheet, by hand or by a filter, are asked about before anything is stored (the visible rows only, or every "
        "row), as is a mapped column the sheet hides (read it, or map another); plain serial numbers read as dates "
        "in a workbook saved in the 1904 date system count from 1 January 1904, as Excel shows them. The same holds "
        "for an old .xls workbook (Excel 97–2003) as for .xlsx; a binary .xlsb workbook's formats and hidden rows "
        "are not read.",
        "In a semicolon-separated file (as Excel writes it where the comma is the decimal mark), amounts whose every "
        "comma has exactly three digits after it, with no dot anywhere (1,234), are asked about before anything is "
        "stored: a decimal comma (1.234) or a thousands separator (1234); a comma-separated file's 1,234 is 1234.",
        "Responses with no segment or region (anonymous, from a customer id not in the customers file, or from a "
        "customer the file gives none) are grouped as \"No segment recorded\" / \"No region recorded\".",
        "A link's value the page cannot use (a data version that is not available, a period outside the data, a "
        "filter value the data does not hold, a character that does not print, named as [U+0000]) is named in a "
        "notice on every page that shows the filters, the Glossary included, with what is shown instead; a link "
        "naming two data versions shows the latest and checks its period and filters against it; a board link "
        "whose data version was deleted shows nothing and says so.",
        f"Service: the CSAT response rate, like the other ticket rates, is \"—\" on fewer than {MIN_COMPARABLE_N} "
        "tickets asked (6 ratings of 6 tickets read \"100.0%\"), with its count said; an open high-priority "
        "ticket without a customer id is counted and said, never dropped from \"Accounts waiting\"; an account's "
        "ARR there is \"not known\" without revenue data for the period's last month, never \"$0\" or \"not "
        "paying\"; a chart or table with nothing to draw (no ticket with a reply or solve time, no subject "
        "raising a theme) is a sentence saying why; a chart's legend lists only the series it draws (without "
        "solve times, no \"Solved\" entry with no line); a share not drawn by month names its real cause (no "
        "resolution time, rather than too few solved tickets beside a chart of thousands solved).",
        "Themes are read only in the theme map's languages: comments in another language (or none recognised) "
        "raise no theme, and the CMO page says how many of the period's comments that leaves out of every theme "
        "figure.",
        "The board pack (PDF) gives each table's columns the width their text needs and lets a row taller than a "
        "page run on to the next (a long comment made the PDF impossible to build); text in a script its font "
        "cannot print (Japanese) reads \"[text in a script this PDF cannot print: see the app]\", never empty "
        "boxes.",
        "Service: a tickets export with neither a status nor a solved or closed time (LiveChat's chats export) "
        "cannot tell open tickets from solved ones: its tickets are stored with their state unknown, never as "
        "open, so the backlog, tickets solved, resolution times, the rates over solved tickets, the CSAT response "
        "rate, open high-priority tickets and the ARR touched by tickets open over the target are \"—\" with "
        "that reason (tickets created and their CSAT are still shown); the CSAT response rate is likewise "
        "\"—\" when solved or closed tickets have no solve time, and a high-priority ticket whose state at the "
        "period's end is not known is counted under \"Accounts waiting\", never silently left out of the list.",
        "The board pack prints what the page shows: its dashes, minus signs and ≥ as drawn (a blank \"—\" is never "
        "\"-\"), the page's notices (missing data, why a figure or chart is not shown) once each, under the title "
        "or in their section, its tables' headers as the page names them, and no date cut over two lines; the "
        "\"Charts (PNG, zip)\" button is off, saying why, on a page that draws no chart for the view.",
        "Service: open tickets, their ages (the oldest open high-priority ticket's), open high-priority tickets, the "
        "ARR touched by tickets open over the target and the backlog are measured at the period's end, or at the "
        "tickets export's latest time (its latest created, first-reply or solve time) when the export ends "
        "earlier, and the page and the board pack then say \"at 15 Nov 2026 10:00 (the export's latest time)\" "
        "instead of \"at the end of Nov 2026\"; the backlog of a month after the export's latest time is \"—\", "
        "not known, since what was solved after the export is not. So are that month's tickets created and solved "
        "(not drawn, never 0); the period's counts run to the export's latest time, said, with no change shown "
        "against a whole period, and the contact rate takes only the months the export holds whole.",
        "The ARR of customers whose NPS fell from promoter to detractor is a sum only where revenue data reaches the "
        "period: without it, it is \"not known\", never \"$0\"; the ARR tile's change against a year before is "
        "signed (+705.0% vs Dec 2023), never a bare percentage that reads as a level.",
        "Two answers of one customer given the same day (a survey without a date column is dated by its as-of date) "
        "have no known order, so they make no move between NPS categories: the CEO page says how many answers that "
        "leaves out of the moves, never reading the file's row order as time.",
        f"The quick ratio's change against the period before is drawn only when both periods' lost MRR rests on at "
        f"least {MIN_CUSTOMERS} customer-months of contraction or churn: on fewer, one customer moves the ratio by a "
        "large step, so the tile shows no arrow and its note says how many each period had.",
        "Without a survey, the CEO's link coverage reads \"none, no NPS responses uploaded\" (not \"0.0% of active "
        "customers\"); without revenue data for the period, the average MRR, NRR and GRR by NPS category are \"not "
        "measurable\", never \"0 of the 4,000 paid\"; the churn model names the file it lacks.",
        "The CEO's service line says why a blank is blank: \"no ratings in the period\" (not \"n = 0, too few "
        "ratings\") and \"no ticket solved in the period has a resolution time\" (not a bare dash).",
    ]

# Labelled rows the churn model trains and is tested on at most: beyond, a seeded random sample of customers
# (metrics.risk.build_rows), so training stays within the app's memory (200,000 customers gave 5.9M rows).
MAX_TRAIN_ROWS = 300_000
