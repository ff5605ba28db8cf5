"""Every metric the dashboard shows, in one place: name, label, definition, format and owner role.

Pages take labels and hover help from here and the Glossary page lists them all, so a number on screen
and its written rule cannot drift apart. Formatting functions are here too: one rule per format.
"""

from __future__ import annotations

from dataclasses import dataclass

from metrics.stats import missing


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    definition: str
    fmt: str    # one of FORMATTERS
    owner: str  # the role page that owns it


def fmt_currency(value: float | None) -> str:
    """$1.2M, $34.5K, $950 — compact for tiles."""
    if missing(value):
        return "—"
    sign = "−" if value < 0 else ""
    v = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if v >= limit:
            return f"{sign}${v / limit:,.1f}{suffix}"
    return f"{sign}${v:,.0f}"


def fmt_money(value: float | None) -> str:
    """$1,234,567.89 — exact, for tables."""
    return "—" if missing(value) else f"${value:,.2f}"


def fmt_pct(value: float | None, digits: int = 1) -> str:
    return "—" if missing(value) else f"{100 * value:.{digits}f}%"


def fmt_nps(value: float | None) -> str:
    return "—" if missing(value) else f"{value:+.0f}" if round(value) != 0 else "0"


def fmt_int(value: float | None) -> str:
    return "—" if missing(value) else f"{value:,.0f}"


def fmt_delta(value: float | None, fmt: str) -> str | None:
    """Change vs the previous period in the metric's own unit: +2 pts, -0.4 pp, +$1.2M; a change that rounds
    to zero is shown unsigned ("0 pts").

    ASCII signs on purpose: st.metric reads a leading "-" to colour and point the delta arrow."""
    if missing(value):
        return None
    v = abs(value)
    text = {"nps": f"{v:.0f} pts", "pct": f"{100 * v:.1f} pp", "currency": fmt_currency(v).lstrip("−"),
            "ratio": f"{v:.1f}"}.get(fmt, f"{v:,.0f}")
    if not any(ch in "123456789" for ch in text):
        return text
    return ("+" if value > 0 else "-") + text


def fmt_ratio(value: float | None) -> str:
    return "—" if missing(value) else f"{value:.1f}×"


FORMATTERS = {"currency": fmt_currency, "money": fmt_money, "pct": fmt_pct, "nps": fmt_nps, "int": fmt_int,
              "ratio": fmt_ratio}


def fmt(value, kind: str) -> str:
    return FORMATTERS[kind](value)


# Rules that more than one page states: written once here, shown wherever they apply.
REVENUE_STOPPED_RULE = ("Logo churn counts customers from the customers file: a customer whose revenue stops "
                        "while the file still lists it as active is not counted in logo churn (the CIO page "
                        "lists it as a data-quality finding). The MRR bridge counts revenue, so the same "
                        "customer's stopped MRR is in its churned MRR.")
SAME_DAY_RULE = ("When one customer answered more than once on the same day, the last of those rows in the "
                 "file is that day's answer for the customer's category; every response still counts in NPS.")
LTV_POPULATIONS = ("LTV overall covers all paying customers (ARPA of the period's last month, logo churn of all "
                   "customers); LTV by NPS category covers customers active at the period's start with a "
                   "category (their average MRR and churn over the period), so the categories need not blend "
                   "to the overall figure.")

_M = [
    Metric("nps", "NPS", "Net Promoter Score: % promoters (9–10) − % detractors (0–6) over the responses in the "
           "period, −100 to +100; ± is the 95% interval (adjusted Wald; with tiny n it is widened to include the "
           "figure itself). Never the mean score.", "nps", "CMO"),
    Metric("responses", "Responses", "NPS survey responses dated in the period (anonymous ones included). "
           "An NPS (or a share of responses) from fewer than 30 responses is shown as '—' with the reason.",
           "int", "CMO"),
    Metric("promoters", "Promoters", "Share of responses scoring 9 or 10.", "pct", "CMO"),
    Metric("detractors", "Detractors", "Share of responses scoring 0 to 6.", "pct", "CMO"),
    Metric("logo_churn", "Logo churn (monthly)", "Customers active at the start of a month who churned during "
           "it ÷ customers active at its start, pooled over the period's months (customers who start and "
           "churn in the same month count in neither). All customers in the customers file, month by month; "
           "churn by NPS category instead follows the customers active at the period's start.", "pct", "CEO"),
    Metric("annual_churn", "Logo churn (annualised)", "1 − (1 − monthly churn)¹² — compounding, never 12 × "
           "the monthly rate.", "pct", "CEO"),
    Metric("mrr", "MRR", "Monthly recurring revenue in the period's last month: the sum of every customer's "
           "recurring revenue for that month (annual plans ÷ 12).", "currency", "CFO"),
    Metric("arr", "ARR", "Annual recurring revenue = 12 × MRR of the period's last month.", "currency", "CFO"),
    Metric("nrr", "NRR (12 months)", "Net revenue retention: MRR now of the customers who paid 12 months "
           "ago ÷ their MRR then, at the period's last month (whatever the period's length). Expansion can lift it "
           "above 100%; new customers never count.", "pct", "CFO"),
    Metric("grr", "GRR (12 months)", "Gross revenue retention: like NRR but each customer's MRR now is capped "
           "at its MRR 12 months ago, so expansion is ignored. Never above 100%.", "pct", "CFO"),
    Metric("arpa", "ARPA", "Average revenue per account: MRR ÷ customers with MRR > 0 in the month.",
           "currency", "CFO"),
    Metric("mrr_movements", "MRR movements", "Month-on-month change per customer: new (first ever MRR), "
           "reactivation (MRR again after a gap), expansion, contraction, churned (MRR fell to 0). "
           "Start + new + reactivation + expansion − contraction − churned = end, exactly.", "currency", "CFO"),
    Metric("quick_ratio", "Quick ratio", "(New + reactivation + expansion MRR) ÷ (contraction + churned MRR) "
           "over the period: above 1 the base grows; 4 is healthy SaaS.", "ratio", "CFO"),
    Metric("ltv", "LTV", "Lifetime value = ARPA × gross margin ÷ monthly logo churn (gross margin is a setting; "
           "80% unless changed), over all paying customers. Blank, with the reason, when the period has fewer "
           "than 10 churned customers; never infinite.", "currency",
           "CFO"),
    Metric("ltv_by_category", "LTV by NPS category", "The LTV formula per category: its average MRR × gross "
           "margin ÷ its monthly-equivalent churn over the period, for customers active at the period's start "
           "with that category. Blank, with the reason, when the category has fewer than 10 churned customers.",
           "currency", "CEO"),
    Metric("cohorts", "Cohort retention", "Customers grouped by the month of their first MRR. Logo: share still "
           "paying k months later; revenue: their MRR k months later ÷ their first-month MRR. The average row "
           "weights cohorts by size (or first MRR); blank cells are not yet observed. Customers already paying in "
           "the data's first month are left out (their first month is unknown).", "pct", "CFO"),
    Metric("revenue_at_risk", "Revenue at risk (12 months)", "ARR of current detractors × (detractor annual "
           "churn − promoter annual churn), both measured on this data over the period; 95% interval by "
           "Newcombe's method. Not measurable when either group has fewer than 30 customers or the two have fewer "
           "than 10 churned customers; 'no measurable difference' when the interval includes 0.", "currency",
           "CFO"),
    Metric("what_if", "What-if", "Move a share of current detractors to passives (or promoters): ARR kept over "
           "12 months = share × detractor ARR × (detractor − target annual churn); payback = investment ÷ (ARR "
           "kept × gross margin ÷ 12) months. Shown only when the detractor − target churn gap is measurable "
           "(its 95% interval above 0).", "currency", "CFO"),
    Metric("nps_point", "Value of one NPS point", "ARR kept over 12 months when detractors equal to 1% of "
           "surveyed active customers become passives (one NPS point), by the what-if rule; 'no measurable "
           "difference' when the detractor − passive churn gap's 95% interval includes 0.", "currency", "CEO"),
    Metric("transitions", "Category transitions", "Response pairs: each response in the period with the same "
           "customer's previous response (a customer who answered three times counts as two pairs), with the "
           "customer's MRR in the later response's month.", "int", "CEO"),
    Metric("new_customers", "New customers", "Customers whose start date falls in the period (customers file).",
           "int", "CMO"),
    Metric("new_mrr", "New MRR", "MRR of customers paying for the first time, summed over the period's months.",
           "currency", "CMO"),
    Metric("advocates", "Promoters (advocates)", "Active customers whose latest response is a 9 or 10, and the "
           "ARR they hold.", "int", "CMO"),
    Metric("churn_by_category", "Churn by NPS category", "Customers active at the period's start, grouped by "
           "the category of their latest response before the start (no later response is used), that "
           "churned within the period ÷ those customers; Wilson 95% interval.", "pct", "CEO"),
    Metric("nrr_by_category", "NRR by NPS category", "Customers paying in the month before the period, "
           "grouped by category as of the period's start: their MRR at the period's end ÷ their MRR then (over "
           "the period's length: a 1-month period gives a 1-month NRR).",
           "pct", "CFO"),
    Metric("avg_mrr_by_category", "Average MRR by NPS category", "MRR in the month before the period ÷ "
           "paying customers, per category as of the period's start.", "currency", "CFO"),
    Metric("arr_by_category", "ARR by current NPS category", "ARR in the period's last month by the category "
           "of each customer's latest response up to that month's end ('No response' when never surveyed).",
           "currency", "CFO"),
    Metric("coverage", "Link coverage", "Share of responses that match a known customer, of active customers "
           "with a response, and of ARR held by customers with a response.", "pct", "CIO"),
    Metric("revenue_linked", "Revenue rows matched", "Share of paying customer-months whose customer is in the "
           "customers file.", "pct", "CIO"),
    Metric("freshness", "Freshness", "Days from the latest date in a source to today.", "int", "CIO"),
    Metric("revenue_stopped", "Revenue stopped while active", "Customers the customers file lists as active "
           "whose MRR fell to 0: a data-quality finding. " + REVENUE_STOPPED_RULE, "int", "CIO"),
]
_M += [  # CSAT (metrics/csat.py)
    Metric("csat", "CSAT", "Customer satisfaction: satisfied answers ÷ answers × 100 over the satisfaction answers "
           "dated in the period (never NPS answers). Satisfied = the top two boxes of the stated scale (4–5 of 5, "
           "6–7 of 7, 9–10 of 10) or Good. Shown with n and its Wilson 95% interval; fewer than 30 answers show "
           "“—” (too few to say).", "pct", "CMO"),
    Metric("csat_mean", "CSAT mean score", "Mean satisfaction score on the answers' own scale, named with it "
           "(e.g. 3.8 on 1–5); not shown when the period mixes scales or holds Good/Bad answers.", "ratio", "CMO"),
]
_M += [  # Service (support tickets, metrics/service.py): shared/METRICS.md "Service (support tickets)" and "CSAT"
    Metric("tickets_created", "Tickets created", "Support tickets created in the period (by creation time; one "
           "ticket per ticket id, deleted, spam and merged tickets left out).", "int", "Service"),
    Metric("backlog", "Backlog", "Tickets created before the period's last month ends and not solved by then (open, "
           "pending or on hold at the end). Not measurable when some ticket has no created time or is solved "
           "without a solve time.", "int", "Service"),
    Metric("first_response_time", "First response time", "Hours from a ticket's creation to the first agent reply, "
           "over tickets created in the period that have one: median and 90th percentile (linear interpolation), "
           "in calendar hours (business hours are never mixed in), with n.", "int", "Service"),
    Metric("resolution_time", "Resolution time", "Hours from creation to the final solve, over tickets solved in "
           "the period (a reopened ticket counts once, at its final solve): median and 90th percentile, calendar "
           "hours, with n.", "int", "Service"),
    Metric("within_target", "Solved within target", "Tickets solved in the period whose resolution time is at most "
           "the stated target (24 calendar hours) ÷ tickets solved in the period with a resolution time; Wilson 95% "
           "interval.", "pct", "Service"),
    Metric("reopen_rate", "Reopen rate", "Tickets solved in the period that were reopened at least once ÷ tickets "
           "solved in the period whose reopen count is known; Wilson 95% interval.", "pct", "Service"),
    Metric("escalation_rate", "Escalation rate", "Tickets solved in the period that were escalated ÷ tickets solved "
           "in the period whose escalation flag is known; Wilson 95% interval.", "pct", "Service"),
    Metric("ticket_csat", "Ticket CSAT", "Satisfied ratings (Good, or the top two boxes of a numeric scale) ÷ "
           "ratings on tickets, dated by the ticket's solve time (else its creation), over the period; Wilson 95% "
           "interval and n; fewer than 30 ratings show “—”.", "pct", "Service"),
    Metric("csat_response_rate", "CSAT response rate", "Ratings ÷ tickets offered a survey, when the export says "
           "which were; otherwise ÷ tickets solved in the period, and the page says so.", "pct", "Service"),
    Metric("contact_rate", "Contact rate", "Tickets created per 100 customers active, per month: Σ tickets created "
           "÷ Σ active customer-months over the period × 100.", "ratio", "Service"),
    Metric("churn_by_service", "Churn by service experience", "Customers active at the period's start, grouped by "
           "what their tickets created in the equally long window before showed by the start (first that applies: "
           "gave bad CSAT, escalated, slow resolution — over the target, or still open and older than it —, fast "
           "resolution, outcome not yet known, no tickets), that churned within the period; Wilson 95% interval. "
           "Nothing after the start is used.", "pct", "Service"),
    Metric("ticket_root_causes", "Ticket root causes", "Each tag of the tickets created in the period: tickets, "
           "customers, ARR at the period's end of the customers raising it (still paying), and churn after raising "
           "it (customers not churned before the month of their first such ticket who churned from that month to "
           "the period's end; Wilson 95%).", "currency", "Service"),
    Metric("open_high_priority", "Open high-priority tickets", "Tickets of priority high or urgent open at the "
           "period's end, per account, with the oldest one's age and the account's ARR in the period's last month.",
           "int", "Service"),
    Metric("arr_slow_tickets", "ARR touched by slow tickets", "ARR (12 × MRR of the period's last month) of the "
           "distinct customers with a ticket open at the period's end and older than the target (24 hours), with "
           "its share of all ARR then.", "currency", "Service"),
]
METRICS: dict[str, Metric] = {m.name: m for m in _M}


def help_text(name: str) -> str:
    return METRICS[name].definition
