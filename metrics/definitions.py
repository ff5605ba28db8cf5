"""The metric registry: every metric the dashboard shows is ONE entry here.

An entry names the metric, its label and written definition, its format and owner role, the fact table it reads,
the Python function that computes it (`compute`, e.g. "metrics.nps.summary") and, where the arithmetic is SQL,
the aggregate over the fact's columns (`sql`, DuckDB, with the window's `$start` / `$end`), its interval rule
and its minimum-n rule. The tooltips (ui.kpi), the Glossary page and docs/metrics.md (`python -m metrics.docs`)
are all produced from these entries and from metrics.rules, so a number on screen and its written rule cannot
drift apart; tests/test_registry.py checks the entries against the code (functions exist and are called by a
page, the SQL runs and agrees with the function, every metric is tested).

A metric's arithmetic is an expression over named measures (metrics/measures.py: each aggregate written once),
rendered to SQL here and selected from the same measures by its function: a dict of frozen dataclasses on
purpose, not a query compiler, so the metric functions stay ordinary code.
Formatting functions are here too: one rule per format.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from metrics import measures, rules
from metrics.facts import MAX_HISTORY_MONTHS
from metrics.rules import (
    ARR_FACTOR,
    CURRENT_CUSTOMER_TEXT,
    MIN_CHURN_EVENTS,
    MIN_CUSTOMERS,
    MIN_RESPONSES,
    MONTHS_PER_YEAR,
    RETENTION_MONTHS,
    Z_95,
)
from metrics.stats import missing

OWNERS = ("CEO", "CFO", "CMO", "CIO", "Service")  # the role pages, in the order the Glossary lists them

# Interval rules, each stated once, in words a reader of the Glossary follows (the code is metrics/stats.py:
# nps_interval, nps_z, wilson, two_proportion_z, ratio_interval, mean_interval, too_few; value.churn_gap).
ADJUSTED_WALD = (f"95% adjusted Wald: n' = n + 3, p' = (promoters + ¾) ÷ n', d' = (detractors "
                 f"+ ¾) ÷ n', e = p' − d', 100 × (e ± {Z_95} se), clipped to ±100 "
                 f"(at a tiny n the interval can miss the figure itself: it is never shown below the minimum n). "
                 f"A change is significant at |z| ≥ {Z_95} (a two-sample z-test on the NPS).")
WILSON = f"Wilson score 95% (z = {Z_95})."
WILSON_CHANGE = (f"None shown beside the rate; a change is tested by the pooled two-proportion z-test, "
                 f"significant at |z| ≥ {Z_95}.")
NEWCOMBE = ("95% by Newcombe's method on the two groups' Wilson intervals, annualised; \"no "
            "measurable difference\" when it includes 0.")
DELTA_RATIO = f"95% by the delta method for a ratio of sums over customers (± {Z_95} se)."
MEAN_NORMAL = f"95% normal interval of the mean (± {Z_95} sd ÷ √n)."
NO_INTERVAL = "None shown."

# Minimum-n rules.
MIN_N_RESPONSES = f"{MIN_RESPONSES} responses: below, \"—\" with the reason, and no change is compared."
MIN_N_GROUPS = f"Groups with fewer than {MIN_CUSTOMERS} customers are flagged too small to compare."
MIN_N_CHURN = f"{MIN_CHURN_EVENTS} churned customers in the period: below, blank with the reason; never infinite."
MIN_N_GAP = (f"{MIN_CUSTOMERS} customers in each group compared and {MIN_CHURN_EVENTS} churned customers between "
             "them; below, \"not measurable\" with the reason.")
NO_MIN_N = "No minimum: shown at any n."

# The months of the window a metric reads (Metric.at): a condition on the fact's month column.
AT = {"window": "",                                            # every month (the caller bounds them)
      "end": "month = $end",                                   # the period's last month
      "start": "month = $start",                               # the customers as of the period's start
      "retention": f"month = $end AND k = {RETENTION_MONTHS}"}  # trailing retention at the period's end


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    definition: str
    fmt: str              # one of FORMATTERS
    owner: str            # the role page that owns it (one of OWNERS)
    fact: str = ""        # the table it reads
    compute: str = ""     # the Python function that computes it: "metrics.<module>.<function>"
    expr: str = ""        # where the arithmetic is SQL: an expression over `fact`'s measures (metrics.measures)
    at: str = "window"    # which months of the window it reads: one of AT
    where: str = ""       # the rows it covers beyond its measures' own (a category)
    group_by: str = ""    # … grouped by these columns of `fact`, when the metric is per group
    interval: str = NO_INTERVAL
    min_n: str = NO_MIN_N

    @property
    def call(self) -> str:
        """How a page calls the function: "nps.summary" for "metrics.nps.summary"."""
        return self.compute.removeprefix("metrics.")

    @property
    def sql(self) -> str:
        """Its aggregate SQL over the fact (DuckDB, with the window's `$start` / `$end`): the expression with each
        measure replaced by its aggregate (metrics.measures.render). Empty when the arithmetic is Python."""
        where = " AND ".join(c for c in (AT[self.at], self.where) if c)
        return measures.render(self.fact, self.expr, where) if self.expr else ""

    def evaluate(self, **values) -> float | None:
        """Its expression on measure values already fetched (one month, one group): the same text as its SQL,
        computed in Python; None where SQL gives NULL."""
        return measures.evaluate(self.expr, values)

    @property
    def query(self) -> str:
        """The SQL that computes it from the fact (empty when the arithmetic is Python)."""
        if not self.sql:
            return ""
        return f"SELECT {self.sql} FROM {self.fact}" + (f" GROUP BY {self.group_by}" if self.group_by else "")


# The sign amounts are shown with: the revenue data's currency where its file names one (a currency column, or
# the amounts' signs; uploads.currency), else "$". ui sets it at the start of each page run from the data version
# shown; a context variable keeps one session's sign out of another's (each run is its own thread).
CURRENCY_SIGN: contextvars.ContextVar[str] = contextvars.ContextVar("currency_sign", default="$")
_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹", "KRW": "₩", "BRL": "R$"}


def currency_sign(currency: str | None) -> str:
    """The sign for a stored currency (an ISO code such as EUR, or the sign read from the amounts); "$" when
    the revenue file named none."""
    if not currency:
        return "$"
    if currency == "other":  # the analyst's answer: a currency without a sign here, amounts shown bare
        return ""
    return _SIGNS.get(currency, currency if len(currency) == 1 else f"{currency} ")


def fmt_currency(value: float | None, sign: str | None = None) -> str:
    """$1.2M, €34.5K, $950 — compact for tiles (`sign`: CURRENCY_SIGN's unless given)."""
    if missing(value):
        return "—"
    sign_of = CURRENCY_SIGN.get() if sign is None else sign
    minus = "−" if value < 0 else ""
    v = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if v >= limit:
            return f"{minus}{sign_of}{v / limit:,.1f}{suffix}"
    return f"{minus}{sign_of}{v:,.0f}"


def fmt_money(value: float | None) -> str:
    """$1,234,567.89 — exact, for tables."""
    return "—" if missing(value) else f"{CURRENCY_SIGN.get()}{value:,.2f}"


def fmt_pct(value: float | None, digits: int = 1) -> str:
    return "—" if missing(value) else f"{100 * value:.{digits}f}%"


def fmt_nps(value: float | None) -> str:
    return "—" if missing(value) else f"{value:+.0f}" if round(value) != 0 else "0"


def fmt_int(value: float | None) -> str:
    return "—" if missing(value) else f"{value:,.0f}"


def plural(n: float, noun: str, many: str | None = None) -> str:
    """A count with its noun in the number it takes: "1 paying customer", "2,000 paying customers" (a page read
    "1 paying customers"); `many` when the plural is not the noun + "s" ("1 reply", "2 replies")."""
    return f"{n:,.0f} {noun if n == 1 else many or noun + 's'}"


def fmt_delta(value: float | None, fmt: str) -> str | None:
    """Change vs the previous period in the metric's own unit: +2 pts, -0.4 pp, +$1.2M; a change that rounds
    to zero is shown unsigned ("0 pts").

    ASCII signs on purpose: st.metric reads a leading "-" to colour and point the delta arrow."""
    if missing(value):
        return None
    v = abs(value)
    text = {"nps": f"{v:.0f} pts", "pct": f"{100 * v:.1f} pp", "currency": fmt_currency(v).lstrip("−"),
            "ratio": f"{v:.1f}", "hours": f"{v:,.1f} h"}.get(fmt, f"{v:,.0f}")
    if not any(ch in "123456789" for ch in text):
        return text
    return ("+" if value > 0 else "-") + text


def fmt_ratio(value: float | None) -> str:
    return "—" if missing(value) else f"{value:.1f}×"


def fmt_hours(value: float | None) -> str:
    """12.5 h — durations in (calendar) hours."""
    return "—" if missing(value) else f"{value:,.1f} h"


FORMATTERS = {"currency": fmt_currency, "money": fmt_money, "pct": fmt_pct, "nps": fmt_nps, "int": fmt_int,
              "ratio": fmt_ratio, "hours": fmt_hours}


def fmt(value, kind: str) -> str:
    return FORMATTERS[kind](value)


# Rules that more than one page states: written once here, shown wherever they apply.
REVENUE_STOPPED_RULE = ("Logo churn counts customers from the customers file: a customer whose revenue stops "
                        "while the file still lists it as active is not counted in logo churn (the CIO page "
                        "lists it as a data-quality finding). The MRR bridge counts revenue, so the same "
                        "customer's stopped MRR is in its churned MRR.")
REVENUE_AFTER_CHURN_RULE = ("A customer the customers file says churned who still pays in a later month (the "
                            "revenue file keeps its subscription running) is counted as churned by logo churn and as "
                            "kept revenue by GRR, NRR, the MRR bridge and the revenue cohorts: the CEO and CFO pages "
                            "say how many pay in the period's last month and their MRR, and the CIO page lists them, "
                            "never leaving a 99% GRR beside a 20% annual churn unexplained.")
HISTORY_RULE = (f"A data version shows at most {MAX_HISTORY_MONTHS} months, counted back from its latest month of any "
                "kind of data. Older rows are stored but no period shows them: the Data page says so before a file "
                "is stored, and the pages name the data's months instead of offering a period that cannot exist.")
SAME_DAY_RULE = ("When one customer answered more than once on the same day, the last of those rows in the "
                 "file is that day's answer for the customer's category; every response still counts in NPS.")
LTV_POPULATIONS = ("LTV overall covers all paying customers (ARPA of the period's last month, logo churn of all "
                   "customers); LTV by NPS category covers customers active at the period's start with a "
                   "category (their average MRR and churn over the period), so the categories need not blend "
                   "to the overall figure.")


_M = [
    Metric("nps", "NPS", f"Net Promoter Score: % promoters ({rules.PROMOTER_MIN}–{rules.NPS_SCALE[1]}) − % "
           f"detractors ({rules.NPS_SCALE[0]}–{rules.DETRACTOR_MAX}) over the responses in the period, −100 to "
           "+100; ± is the 95% interval (adjusted Wald). "
           "Never the mean score.", "nps", "CMO",
           fact="fact_nps", compute="metrics.nps.summary",
           expr="100.0 * (promoters - detractors) / responses",
           interval=ADJUSTED_WALD, min_n=MIN_N_RESPONSES),
    Metric("responses", "Responses", "NPS survey responses dated in the period (anonymous ones included). "
           f"An NPS (or a share of responses) from fewer than {MIN_RESPONSES} responses is shown as '—' with the "
           "reason.", "int", "CMO",
           fact="fact_nps", compute="metrics.nps.summary", expr="responses"),
    Metric("promoters", "Promoters", f"Share of responses scoring {rules.PROMOTER_MIN} or {rules.NPS_SCALE[1]}.",
           "pct", "CMO", fact="fact_nps", compute="metrics.nps.summary",
           expr="promoters / responses", interval=WILSON_CHANGE, min_n=MIN_N_RESPONSES),
    Metric("detractors", "Detractors", f"Share of responses scoring {rules.NPS_SCALE[0]} to {rules.DETRACTOR_MAX}.",
           "pct", "CMO", fact="fact_nps", compute="metrics.nps.summary",
           expr="detractors / responses", interval=WILSON_CHANGE, min_n=MIN_N_RESPONSES),
    Metric("logo_churn", "Logo churn (monthly)", "Customers active at the start of a month who churned during "
           "it ÷ customers active at its start, pooled over the period's months (customers who start and "
           "churn in the same month count in neither). All customers in the customers file, month by month; "
           "churn by NPS category instead follows the customers active at the period's start.", "pct", "CEO",
           fact="fact_month", compute="metrics.revenue.logo_churn", expr="churned / active_start",
           interval=WILSON_CHANGE),
    Metric("annual_churn", "Logo churn (annualised)", f"1 − (1 − monthly churn){rules.superscript(MONTHS_PER_YEAR)} "
           f"— compounding, never {MONTHS_PER_YEAR} × the monthly rate.", "pct", "CEO",
           fact="fact_month", compute="metrics.revenue.logo_churn",
           expr=f"1 - pow(1 - churned / active_start, {MONTHS_PER_YEAR})"),
    Metric("mrr", "MRR", "Monthly recurring revenue in the period's last month: the sum of every customer's "
           f"recurring revenue for that month (annual plans ÷ {MONTHS_PER_YEAR}).", "currency", "CFO",
           fact="fact_month", compute="metrics.revenue.mrr_by_month", expr="mrr", at="end"),
    Metric("arr", "ARR", f"Annual recurring revenue = {ARR_FACTOR} × MRR of the period's last month.", "currency",
           "CFO", fact="fact_month", compute="metrics.revenue.arr_change", expr=measures.ARR,
           at="end"),
    Metric("nrr", f"NRR ({RETENTION_MONTHS} months)", f"Net revenue retention: MRR now of the customers who paid "
           f"{RETENTION_MONTHS} months ago ÷ their MRR then, at the period's last month (whatever the period's "
           "length). Expansion can lift it above 100%; new customers never count.", "pct", "CFO",
           fact="fact_retention", compute="metrics.revenue.retention",
           expr="end_mrr / base_mrr", at="retention"),
    Metric("grr", f"GRR ({RETENTION_MONTHS} months)", "Gross revenue retention: like NRR but each customer's MRR "
           f"now is capped at its MRR {RETENTION_MONTHS} months ago, so expansion is ignored. Never above 100%.",
           "pct", "CFO", fact="fact_retention", compute="metrics.revenue.retention",
           expr="retained_mrr / base_mrr", at="retention"),
    Metric("arpa", "ARPA", "Average revenue per account: MRR ÷ customers with MRR > 0 in the month.",
           "currency", "CFO", fact="fact_month", compute="metrics.revenue.mrr_by_month",
           expr="mrr / paying", at="end"),
    Metric("mrr_movements", "MRR movements", "Month-on-month change per customer: new (first ever MRR), "
           "reactivation (MRR again after a gap), expansion, contraction, churned (MRR fell to 0). "
           "Start + new + reactivation + expansion − contraction − churned = end, exactly.", "currency", "CFO",
           fact="fact_month", compute="metrics.revenue.mrr_by_month",
           expr="new_mrr, reactivation_mrr, expansion_mrr, contraction_mrr, churned_mrr"),
    Metric("quick_ratio", "Quick ratio", "(New + reactivation + expansion MRR) ÷ (contraction + churned MRR) "
           "over the period: above 1 the base grows; 4 is healthy SaaS.", "ratio", "CFO",
           fact="fact_month", compute="metrics.revenue.quick_ratio",
           expr="(new_mrr + reactivation_mrr + expansion_mrr) / (contraction_mrr + churned_mrr)"),
    Metric("ltv", "LTV", "Lifetime value = ARPA × gross margin ÷ monthly logo churn (gross margin is a setting; "
           "80% unless changed), over all paying customers. Blank, with the reason, when the period has fewer "
           f"than {MIN_CHURN_EVENTS} churned customers; never infinite.", "currency", "CFO",
           fact="fact_month", compute="metrics.value.value_summary", min_n=MIN_N_CHURN),
    Metric("ltv_by_category", "LTV by NPS category", "The LTV formula per category: its average MRR × gross "
           "margin ÷ its monthly-equivalent churn over the period, for customers active at the period's start "
           f"with that category. Blank, with the reason, when the category has fewer than {MIN_CHURN_EVENTS} "
           "churned customers.", "currency", "CEO",
           fact="fact_customer_month", compute="metrics.value.value_summary", min_n=MIN_N_CHURN),
    Metric("cohorts", "Cohort retention", "Customers grouped by the month of their first MRR. Logo: share still "
           "paying k months later; revenue: their MRR k months later ÷ their first-month MRR. The average row "
           "weights cohorts by size (or first MRR); blank cells are not yet observed. Customers already paying in "
           "the data's first month are left out (their first month is unknown).", "pct", "CFO",
           fact="fact_cohort", compute="metrics.cohorts.retention_matrix",
           expr="customers, mrr", group_by="cohort, age"),
    Metric("revenue_at_risk", f"Revenue at risk ({MONTHS_PER_YEAR} months)", "ARR of current detractors × "
           "(detractor annual churn − promoter annual churn), both measured on this data over the period; 95% "
           f"interval by Newcombe's method. Not measurable when either group has fewer than {MIN_CUSTOMERS} "
           f"customers or the two have fewer than {MIN_CHURN_EVENTS} churned customers; 'no measurable "
           f"difference' when the interval includes 0. Current customers are {CURRENT_CUSTOMER_TEXT}.",
           "currency", "CFO", fact="fact_customer_month", compute="metrics.value.value_summary",
           interval=NEWCOMBE, min_n=MIN_N_GAP),
    Metric("what_if", "What-if", "Move a share of current detractors to passives (or promoters): ARR kept over "
           f"{MONTHS_PER_YEAR} months = share × detractor ARR × (detractor − target annual churn); payback = "
           f"investment ÷ (ARR kept × gross margin ÷ {ARR_FACTOR}) months. Shown only when the detractor − target "
           "churn gap is measurable (its 95% interval above 0).", "currency", "CFO",
           fact="fact_customer_month", compute="metrics.value.what_if", interval=NEWCOMBE, min_n=MIN_N_GAP),
    Metric("nps_point", "Value of one NPS point", f"ARR kept over {MONTHS_PER_YEAR} months when detractors equal "
           "to 1% of surveyed current customers become passives (one NPS point), by the what-if rule; 'no "
           "measurable difference' when the detractor − passive churn gap's 95% interval includes 0.", "currency",
           "CEO", fact="fact_customer_month", compute="metrics.value.value_summary", interval=NEWCOMBE,
           min_n=MIN_N_GAP),
    Metric("transitions", "Category transitions", "Response pairs: each response in the period with the same "
           "customer's previous response (a customer who answered three times counts as two pairs), with the "
           "customer's MRR in the later response's month. A response given the same day as the previous one makes "
           "no pair: their order is not known.", "int", "CEO",
           fact="fact_transition", compute="metrics.value.transitions", expr="customers, mrr",
           group_by="from_category, to_category", where="same_day IS NOT TRUE"),
    Metric("new_customers", "New customers", "Customers whose start date falls in the period (customers file).",
           "int", "CMO", fact="fact_month", compute="metrics.revenue.churn_by_month", expr="started"),
    Metric("new_mrr", "New MRR", "MRR of customers paying for the first time, summed over the period's months.",
           "currency", "CMO", fact="fact_month", compute="metrics.revenue.mrr_by_month", expr="new_mrr"),
    Metric("advocates", "Promoters (advocates)", f"Current customers ({CURRENT_CUSTOMER_TEXT}) in the period's "
           f"last month whose latest response is a {rules.PROMOTER_MIN} or {rules.NPS_SCALE[1]}, and the ARR "
           "they hold.", "int", "CMO",
           fact="fact_customer_month", compute="metrics.linkage.current_by_category",
           expr="current_customers", at="end", where="category_end = 'Promoter'"),
    Metric("churn_by_category", "Churn by NPS category", "Customers active at the period's start, grouped by "
           "the category of their latest response before the start (no later response is used), that "
           "churned within the period ÷ those customers; Wilson 95% interval.", "pct", "CEO",
           fact="fact_customer_month", compute="metrics.linkage.by_category",
           expr="churned_in_window / active_at_start", at="start", group_by="category_start", interval=WILSON,
           min_n=MIN_N_GROUPS),
    Metric("nrr_by_category", "NRR by NPS category", "Customers paying in the month before the period, "
           "grouped by category as of the period's start: their MRR at the period's end ÷ their MRR then (over "
           "the period's length: a 1-month period gives a 1-month NRR).", "pct", "CFO",
           fact="fact_customer_month", compute="metrics.linkage.by_category", interval=DELTA_RATIO),
    Metric("avg_mrr_by_category", "Average MRR by NPS category", "MRR in the month before the period ÷ "
           "paying customers, per category as of the period's start.", "currency", "CFO",
           fact="fact_customer_month", compute="metrics.linkage.by_category",
           expr="mrr_before / paying_before", at="start", group_by="category_start",
           interval=MEAN_NORMAL),
    Metric("arr_by_category", "ARR by current NPS category", "ARR in the period's last month by the category "
           "of each customer's latest response up to that month's end ('No response' when never surveyed).",
           "currency", "CFO", fact="fact_customer_month", compute="metrics.linkage.arr_shares",
           expr=measures.ARR, at="end", group_by="category_end"),
    Metric("coverage", "Link coverage", "Share of responses that match a known customer, of active customers "
           "with a response, and of ARR held by customers with a response.", "pct", "CIO",
           fact="fact_nps, fact_customer_month", compute="metrics.linkage.coverage"),
    Metric("revenue_linked", "Revenue rows matched", "Share of paying customer-months whose customer is in the "
           "customers file.", "pct", "CIO", fact="fact_customer_month", compute="metrics.health.match_rates",
           expr="linked_paying_months / paying_months"),
    Metric("freshness", "Freshness", "Days from the latest date in a source to today.", "int", "CIO",
           fact="uploads", compute="metrics.health.sources"),
    Metric("revenue_stopped", "Revenue stopped while active", "Customers the customers file lists as active "
           "whose MRR fell to 0: a data-quality finding. " + REVENUE_STOPPED_RULE, "int", "CIO",
           fact="fact_customer_month", compute="metrics.health.revenue_stopped_while_active",
           expr="revenue_stopped"),
]
_M += [  # CSAT (metrics/csat.py)
    Metric("csat", "CSAT", "Customer satisfaction: satisfied answers ÷ answers × 100 over the satisfaction answers "
           "dated in the period (never NPS answers). Satisfied = the top two boxes of the stated scale "
           f"({rules.CSAT_RULE_TEXT}). Shown with n and its Wilson 95% interval; fewer than {MIN_RESPONSES} answers "
           "show “—” (too few to say).", "pct", "CMO",
           fact="fact_csat", compute="metrics.csat.summary", expr="100.0 * satisfied / answers",
           interval=WILSON, min_n=f"{MIN_RESPONSES} answers: below, \"—\" with the reason."),
    Metric("csat_mean", "CSAT mean score", "Mean satisfaction score on the answers' own scale, named with it "
           "(e.g. 3.8 on 1–5); not shown when the period mixes scales or holds Good/Bad answers.", "ratio", "CMO",
           fact="fact_csat", compute="metrics.csat.summary"),
]
SENTIMENT_METHOD = (
    "rule-based lexicons per language (en, fr, de, es, pt; English adds VADER's word list) with review rules "
    "(negation, contrast, failure phrases, star ratings in words, excess, hoped-for praise); agreement with "
    "labelled comments held out from tuning (76 a language): positive vs negative 0.94–0.98, three classes "
    "0.89–0.93; on public star-rated product reviews held out from tuning (500 a language, 100 a star: Amazon "
    "MARC for en, fr, de, es; B2W for pt) it is lower: positive vs negative 0.755–0.797 (n = 400 a language: "
    "en 0.777, fr 0.755, de 0.777, es 0.755, pt 0.797, each ± about 0.04; VADER 0.667 on the English set), "
    "three classes 0.63–0.66 (n = 500: en 0.644, fr 0.636, de 0.648, es 0.630, pt 0.656); 0.72 on Hutto & "
    "Gilbert's Amazon review snippets"
)
_BOOTSTRAP = "95% percentile bootstrap over customers (500 draws; a customer's hold-out rows move together)."
_MIN_SCORED = f"{MIN_RESPONSES} scored comments: below, \"—\" with the reason."
_MIN_MODEL = ("9 months of data (6 of history, a 3-month outcome), 30 churned training rows and "
              f"{MIN_CHURN_EVENTS} churned hold-out rows: below, \"not measurable\" with the reason.")
_V = {"fact": "comment_analysis"}
_T = {"fact": "comment_rows"}  # comments with their themes per theme-map version (metrics.voice.ensure_themes)
THEME_MAP_RULE = ("The keyword map is versioned in the workspace: version 0 is the shipped map, "
                  "each edit on the Data page (rename, merge, add a theme or keywords, remove a keyword, go back) is a "
                  "new version with who and when; every theme figure reads one version only, named under the table, "
                  "and a link pins it (tm).")
_M += [  # What customers say (metrics/voice.py) and who is about to leave (metrics/risk.py)
    Metric("comments", "Comments", "Non-blank NPS comments dated in the period (a blank comment is not a comment); "
           "an answer present in several NPS files counts once.", "int", "CMO", **_V,
           compute="metrics.voice.sentiment_shares"),
    Metric("sentiment_coverage", "Sentiment coverage", "Scored comments ÷ all comments: a comment is scored when "
           "its language is one the engine covers (en, fr, de, es, pt); others are “not scored”, never guessed. "
           "Also given by language and by channel.", "pct", "CMO", **_V, compute="metrics.voice.sentiment_shares"),
    Metric("sentiment_positive", "Positive comments", "Positive ÷ scored comments in the period, with its Wilson "
           "95% interval. Sentiment is read from the text alone, never from the score: " + SENTIMENT_METHOD
           + ".", "pct", "CMO", **_V, compute="metrics.voice.sentiment_shares", interval=WILSON, min_n=_MIN_SCORED),
    Metric("sentiment_negative", "Negative comments", "Negative ÷ scored comments in the period, with its Wilson "
           "95% interval; same method as positive comments. Also by month (months with fewer than "
           f"{MIN_RESPONSES} scored comments are left out of the chart).", "pct", "CMO", **_V,
           compute="metrics.voice.sentiment_by_month", interval=WILSON, min_n=_MIN_SCORED),
    Metric("theme_mentions", "Theme mentions", "Comments in the period that raise the theme (a keyword map per "
           "language; the shipped map, data/themes.json, measured on held-out labelled comments: precision "
           "0.80–0.93, recall 0.95–0.96). Praise counts (“fast” raises performance); negation is ignored. "
           + THEME_MAP_RULE, "int", "CMO", **_T, compute="metrics.voice.themes"),
    Metric("theme_share", "Share among detractors / promoters", "Of the period's detractor (promoter) comments, "
           "those raising the theme; Wilson 95% interval.", "pct", "CMO", **_T, compute="metrics.voice.themes",
           interval=WILSON),
    Metric("theme_sentiment", "Mean sentiment of a theme", "Mean sentiment score (−1 to +1) of the scored "
           "comments raising the theme, with its 95% interval (clipped to the scale's −1 … +1).", "ratio", "CMO", **_T,
           compute="metrics.voice.themes", interval=MEAN_NORMAL),
    Metric("arr_at_stake", "ARR at stake (theme)", "12 × MRR, in the period's last month, of the distinct active "
           "customers who raised the theme in the period. Themes are ranked by it. Not measurable (—, with the reason; "
           "themes ranked by mentions) when none of the period's commenters is a customer of the revenue data or "
           "the revenue data does not reach the period's last month: the sum would read $0 for every theme.",
           "currency", "CMO",
           fact="fact_customer_month", compute="metrics.voice.themes"),
    Metric("arr_at_stake_negative", "ARR at stake, negative comments", "The same sum over the customers who raised "
           "the theme in a negative comment (praise excluded).", "currency", "CMO", fact="fact_customer_month",
           compute="metrics.voice.themes"),
    Metric("churn_after_mention", "Churn after a mention", "Customers active at the period's start who commented "
           "in the window of the same length just before it: churn within the period of those who raised the "
           "theme then vs those who commented without raising it (no look-ahead).", "pct", "CMO",
           fact="fact_customer_month", compute="metrics.voice.themes", interval=WILSON_CHANGE,
           min_n=f"{MIN_CUSTOMERS} customers in each group: below, \"not measurable\" with the reason."),
    Metric("churn_model_auc", "Churn model AUC (hold-out)", "The chance that a customer who churned within three "
           "months of a hold-out start month was scored above one who stayed, on the last six labelled start "
           "months, never used in training. The baselines (NPS category alone; 3-month MRR trend alone) are "
           "scored on the same hold-out rows; the model beats a baseline when the 95% interval of the AUC "
           "difference is above 0, and otherwise the page says so and ranks accounts by the better baseline. "
           "Start months count only where the month before lies in the revenue data (before the revenue file "
           f"starts MRR is unknown, not 0); beyond {rules.MAX_TRAIN_ROWS:,} labelled rows, a seeded random sample "
           "of customers is "
           "used (the CIO page states it) and every active account is still scored.",
           "ratio", "CIO", fact="fact_customer_month", compute="metrics.risk_store.trained", interval=_BOOTSTRAP,
           min_n=_MIN_MODEL),
    Metric("top_decile_lift", "Top-decile lift", "Churn rate of the 10% hold-out rows with the highest predicted "
           "probability ÷ the overall hold-out churn rate.", "ratio", "CIO", fact="fact_customer_month",
           compute="metrics.risk_store.trained", interval=_BOOTSTRAP, min_n=_MIN_MODEL),
    Metric("calibration", "Calibration by decile", "Hold-out rows in ten groups by predicted probability: the "
           "mean predicted churn against the observed churn of each group.", "pct", "CIO",
           fact="fact_customer_month", compute="metrics.risk_store.trained", interval=WILSON, min_n=_MIN_MODEL),
    Metric("churn_probability", "Churn probability (3 months)", "An active account's modelled chance of churning "
           "within the three months after the data, from data dated before then only (NPS answers and comments, "
           "revenue trend, contractions, size, tenure, segment, region), with its three largest reasons.", "pct",
           "CIO", fact="fact_customer_month", compute="metrics.risk.risk_list", min_n=_MIN_MODEL),
    Metric("arr_at_risk_model", "ARR at risk (model)", "Σ churn probability × current ARR over the active "
           "accounts (three months). Beside it, revenue at risk (NPS gap) is the 12-month figure from the "
           "detractor churn gap: two methods, not to be added.", "currency", "CFO", fact="fact_customer_month",
           compute="metrics.risk.arr_at_risk_for",
           interval=f"95%: ± {Z_95} √Σ p(1 − p) ARR², the spread of outcomes only (model error not included).",
           min_n=_MIN_MODEL),
]
MIN_N_TICKETS = f"{MIN_RESPONSES} tickets: below, \"—\" with the reason."
# How a Service tile shows its change vs the previous period of the same length (ui.kpi).
RATE_CHANGE = (" Beside it, the change vs the previous period of the same length (when the tickets cover it), "
               f"coloured only when significant by the pooled two-proportion z-test (|z| ≥ {Z_95}) and both periods "
               f"have at least {MIN_RESPONSES} tickets (ratings) to count from.")
HOURS_CHANGE = (" Beside it, the change of the median vs the previous period of the same length, in hours and always "
                "grey: no test of a difference of medians is made, so no change in speed is called real. A time taken "
                "from the export's own duration column is as exact as that column; one computed from dates without "
                "a time of day is whole days, and the figure then says \"day precision\".")
COUNT_CHANGE = (" Beside it, the change vs the previous period of the same length, always grey (more tickets are "
                "neither good nor bad in themselves, and no test is made).")
MIN_N_RATINGS = f"{MIN_RESPONSES} ratings: below, \"—\" with the reason."
AFTER_TICKET_HORIZON_DAYS = 180  # how far before a ticket (after its solve) an answer may lie (service_value)
PAIRED_CHANGE = (f"95% paired normal interval of the mean change (± {Z_95} sd(after − before) ÷ "
                 "√pairs); \"no clear change\" when it includes 0.")
MIN_N_PAIRS = f"{MIN_RESPONSES} customers with an answer before and after: below, \"—\" with the reason."
ANY_TIMES = "Shown from one ticket with a calendar time (n beside it); none: \"—\" with the reason."
_M += [  # Service (support tickets, metrics/service.py): shared/METRICS.md "Service (support tickets)" and "CSAT"
    Metric("tickets_created", "Tickets created", "Support tickets created in the period (by creation time; one "
           "ticket per ticket id, deleted, spam and merged tickets, and Jira's 'Duplicate' resolutions, left out)."
           + COUNT_CHANGE, "int", "Service",
           fact="tickets", compute="metrics.service.overview"),
    Metric("backlog", "Backlog", "Tickets created before the period's last month ends and not solved by then (open, "
           "pending or on hold at the end). When the tickets export ends earlier, at its latest time, and said; a "
           "month after that has none. Not measurable when some ticket has no created time or is solved "
           "without a solve time." + COUNT_CHANGE, "int", "Service",
           fact="tickets", compute="metrics.service.overview"),
    Metric("first_response_time", "First response time", "Hours from a ticket's creation to the first agent reply, "
           "over tickets created in the period that have one: median and 90th percentile (linear interpolation), "
           "in calendar hours (business hours are never mixed in), with n." + HOURS_CHANGE, "hours", "Service",
           fact="tickets", compute="metrics.service.overview", min_n=ANY_TIMES),
    Metric("resolution_time", "Resolution time", "Hours from creation to the final solve, over tickets solved in "
           "the period (a reopened ticket counts once, at its final solve): median and 90th percentile, calendar "
           "hours, with n." + HOURS_CHANGE, "hours", "Service",
           fact="tickets", compute="metrics.service.overview", min_n=ANY_TIMES),
    Metric("within_target", "Solved within target", "Tickets solved in the period whose resolution time is at most "
           "the stated target (24 calendar hours) ÷ tickets solved in the period with a resolution time; Wilson 95% "
           "interval." + RATE_CHANGE, "pct", "Service",
           fact="tickets", compute="metrics.service.within_target", interval=WILSON, min_n=MIN_N_TICKETS),
    Metric("reopen_rate", "Reopen rate", "Tickets solved in the period that were reopened at least once ÷ tickets "
           "solved in the period whose reopen count is known; Wilson 95% interval." + RATE_CHANGE, "pct", "Service",
           fact="tickets", compute="metrics.service.overview", interval=WILSON, min_n=MIN_N_TICKETS),
    Metric("escalation_rate", "Escalation rate", "Tickets solved in the period that were escalated ÷ tickets solved "
           "in the period whose escalation flag is known; Wilson 95% interval." + RATE_CHANGE, "pct", "Service",
           fact="tickets", compute="metrics.service.overview", interval=WILSON, min_n=MIN_N_TICKETS),
    Metric("ticket_csat", "Ticket CSAT", "Satisfied ratings (the top two boxes of a numeric scale; in words Good, "
           "Great, Awesome or Satisfied, never a neutral Okay) ÷ "
           "ratings on tickets, dated by the ticket's solve time (else its creation), over the period; Wilson 95% "
           f"interval and n; fewer than {MIN_RESPONSES} ratings show “—”." + RATE_CHANGE, "pct", "Service",
           fact="tickets", compute="metrics.service.csat", interval=WILSON, min_n=MIN_N_RATINGS),
    Metric("csat_response_rate", "CSAT response rate", "Ratings ÷ tickets offered a survey, when the export says "
           "which were; otherwise ÷ tickets solved in the period, and the page says so. Beside it, the change vs "
           "the previous period of the same length, always grey (a higher or lower response rate is neither good "
           "nor bad).", "pct", "Service",
           fact="tickets", compute="metrics.service.csat"),
    Metric("contact_rate", "Contact rate", "Tickets created per 100 customers active, per month: Σ tickets created "
           "by customers the customer list counts active in the ticket's month ÷ Σ active customer-months over the "
           "period × 100; tickets from other ids (not listed, before signup, after churn) are left out, counted.",
           "ratio", "Service",
           fact="tickets, fact_customer_month", compute="metrics.service.overview"),
    Metric("churn_by_service", "Churn by service experience", "Customers active at the period's start, grouped by "
           "what their tickets created in the equally long window before showed by the start (first that applies: "
           "gave bad CSAT, escalated, slow resolution — over the target, or still open and older than it —, fast "
           "resolution, outcome not yet known, no tickets), that churned within the period; Wilson 95% interval. "
           "Nothing after the start is used.", "pct", "Service",
           fact="tickets, fact_customer_month", compute="metrics.service.churn_by_experience", interval=WILSON,
           min_n=MIN_N_GROUPS),
    Metric("ticket_root_causes", "Ticket root causes", "Each tag of the tickets created in the period, and each "
           "theme of their subjects (the comments' language detection and theme keyword map; a subject in another "
           "language or matching no keyword has no theme, and the coverage is shown): tickets, customers, the repeat "
           "rate (customers with two or more such tickets ÷ customers raising it; Wilson 95%), ARR at the period's "
           "end of the customers raising it (still paying), and churn after raising it (customers not churned "
           "before the month of their first such ticket who churned from that month to the period's end; Wilson "
           "95%). Ranked by ARR.", "currency", "Service",
           fact="tickets, fact_customer_month", compute="metrics.service.all_root_causes", interval=WILSON,
           min_n=MIN_N_GROUPS),
    Metric("open_high_priority", "Open high-priority tickets", "Tickets of priority high or urgent open at the "
           "period's end (or the tickets export's latest time, when it ends earlier, and said), per account, with the "
           "oldest one's age then and the account's ARR in the period's last month. "
           "Such tickets without a customer id are counted apart, never dropped.",
           "int", "Service",
           fact="tickets, fact_customer_month", compute="metrics.service.open_high_priority"),
    Metric("arr_slow_tickets", "ARR touched by slow tickets", "ARR (12 × MRR of the period's last month) of the "
           "distinct customers with a ticket open at the period's end (or the tickets export's latest time, when it "
           "ends earlier, and said) and older than the target (24 hours) then, with its share of all ARR.",
           "currency", "Service",
           fact="tickets, fact_customer_month", compute="metrics.service.arr_open_over_target"),
    Metric("knowledge_pool", "Knowledge pool to-do list", "The recurring issues of the period: the tags (or, when "
           "the tickets carry no tags, the subject themes) with the most tickets, then the most ARR, top five, with "
           "customers, the repeat rate per customer and ARR — the articles and fixes that would save the most "
           "contacts.", "int", "Service",
           fact="tickets, fact_customer_month", compute="metrics.service.knowledge_pool", interval=WILSON),
    Metric("nps_after_ticket", "NPS before vs after a ticket", "Tickets solved in the period, grouped by "
           "resolution speed against the target (within target / over target / escalated): per group, the "
           "customers' latest NPS answer before the ticket's creation day and their first answer after its solve "
           f"day, each within {AFTER_TICKET_HORIZON_DAYS} days (answers on those days are not used: their order "
           "against the ticket is unknown). One pair per customer and group (its earliest-solved ticket with both "
           "answers). NPS before and after = the mean of +100 / 0 / −100 per answer (per customer, one answer "
           "each); the change is the mean of after − before.", "nps", "Service",
           fact="tickets, nps_responses", compute="metrics.service_value.after_ticket", interval=PAIRED_CHANGE,
           min_n=MIN_N_PAIRS),
    Metric("csat_after_ticket", "CSAT before vs after a ticket", "The same pairs and rule with the customers' "
           "satisfaction answers (CSAT uploads; never NPS answers and never the ticket's own rating): CSAT before "
           "and after = satisfied answers ÷ answers (top two boxes), the change in percentage points.", "pct",
           "Service", fact="tickets, csat_responses", compute="metrics.service_value.after_ticket",
           interval=PAIRED_CHANGE, min_n=MIN_N_PAIRS),
]
METRICS: dict[str, Metric] = {m.name: m for m in _M}


def help_text(name: str) -> str:
    return METRICS[name].definition


def general_rules() -> list[str]:
    """The rules that apply everywhere (Glossary, docs/metrics.md): those of metrics.rules, then the ones more
    than one page states."""
    return [*rules.everywhere(), HISTORY_RULE, REVENUE_STOPPED_RULE, REVENUE_AFTER_CHURN_RULE, SAME_DAY_RULE,
            LTV_POPULATIONS]
