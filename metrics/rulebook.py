"""The metric rules this project follows, section by section: its own copy of the team's shared METRICS.md
(NPS to CSAT), written with the constants of metrics.rules so that a changed threshold changes the text.

docs/metrics.md prints these sections (`python -m metrics.docs`). tests/test_docs.py checks that every rule sentence
of the shared file's sections named here appears below, or is listed in DECIDED_HERE with what this project does
instead and why; so the two files cannot disagree silently. The shared file's Service, Comments and Churn risk
sections belong to metrics/service.py, metrics/text/ and the churn model, which are not in the registry yet.
"""

from __future__ import annotations

from metrics.rules import (
    ARR_FACTOR,
    DETRACTOR_MAX,
    MIN_CUSTOMERS,
    MIN_RESPONSES,
    MONTHS_PER_YEAR,
    NPS_SCALE,
    PASSIVE_MIN,
    PROMOTER_MIN,
    Z_95,
    superscript,
)

_LOW, _HIGH = NPS_SCALE

PREAMBLE = ("These are the industry's standard definitions (ChartMogul, Bain, MeasuringU conventions). Where a "
            "vendor differs, the choice made here is stated so that every number on screen can say its rule. "
            "Months are calendar months; \"month M\" runs from its first day to the last day inclusive.")

SECTIONS: dict[str, str] = {
    "NPS": f"""
- Promoter: score {PROMOTER_MIN}–{_HIGH}. Passive: {PASSIVE_MIN}–{PROMOTER_MIN - 1}. \
Detractor: {_LOW}–{DETRACTOR_MAX}. Scores outside {_LOW}–{_HIGH} are invalid.
- NPS = 100 × (promoters − detractors) ÷ n, over responses in the period (not per customer, unless a view says \
"per customer, latest response").
- Two groups or two periods: z = (NPS₁ − NPS₂) ÷ √(Var₁ + Var₂) with Var = 100² (p + d − (p − d)²) ÷ n; \
significant at |z| ≥ {Z_95}.
- NPS is never the mean score.
""",
    "Customers and churn": f"""
- A customer is active in month M if it started before M ends and has not churned before M starts.
- Active at the start of M: started before M's first day and not churned before it.
- Logo churn rate of M = customers active at the start of M that churned during M ÷ customers active at the start \
of M. Customers who start and churn within M count in neither.
- Annual churn from monthly m: 1 − (1 − m){superscript(MONTHS_PER_YEAR)}. Never {MONTHS_PER_YEAR} × m.
""",
    "Revenue (MRR)": f"""
- MRR of a customer in month M: the sum of its recurring revenue for M (annual plans ÷ {MONTHS_PER_YEAR}; amounts in \
cents ÷ 100). ARR = {ARR_FACTOR} × MRR.
- Movements from M−1 to M, per customer:
  - new: MRR(M−1) = 0, MRR(M) > 0, and no MRR in any earlier month;
  - reactivation: MRR(M−1) = 0, MRR(M) > 0, and MRR in some earlier month;
  - expansion: both > 0 and MRR(M) > MRR(M−1), the increase;
  - contraction: both > 0 and MRR(M) < MRR(M−1), the decrease;
  - churned: MRR(M−1) > 0 and MRR(M) = 0, the whole MRR(M−1).
  - Bridge: MRR(M−1) + new + reactivation + expansion − contraction − churned = MRR(M), exactly.
- Quick ratio = (new + reactivation + expansion) ÷ (contraction + churned).
- Gross MRR churn of M = (contraction + churned) ÷ MRR(M−1).
""",
    "Retention (trailing 12 months unless a view says otherwise)": f"""
- Base: customers with MRR > 0 in month M−{MONTHS_PER_YEAR}, and their MRR then.
- GRR = Σ min(MRR(M), MRR(M−{MONTHS_PER_YEAR})) ÷ Σ MRR(M−{MONTHS_PER_YEAR}) over the base. Never above 100%.
- NRR = Σ MRR(M) ÷ Σ MRR(M−{MONTHS_PER_YEAR}) over the base. New customers never count.
""",
    "Cohorts": """
- A customer's cohort is the month of its first MRR > 0.
- Logo retention at age k = cohort customers with MRR > 0 in cohort month + k ÷ cohort size.
- Revenue retention at age k = cohort MRR in month + k ÷ cohort MRR in its first month.
- The average row weights each cohort by its size (or MRR); cells past the last full month are blank, not zero.
- Also here: customers already paying in the data's first month are left out of cohorts (their first month is \
unknown).
""",
    "Value": """
- ARPA of M = MRR(M) ÷ customers with MRR > 0 in M.
""",
    "Linking NPS to value": f"""
- A customer's category at a date is the category of its latest response before that date. Analysis windows use \
the category as of the window's start: no response after the start may be used.
- Churn by category over a window: customers active at its start with a category, churned within it, ÷ those \
customers, per category, each with a Wilson 95% interval.
- Coverage: share of responses, of active customers and of ARR that could be linked; always shown beside a linked \
figure.
- Also here: groups with fewer than {MIN_CUSTOMERS} customers are flagged too small to compare.
""",
    "CSAT (satisfaction answers, never NPS)": f"""
- A satisfaction answer is on a stated scale: 1–5, 1–7, 1–10 (a satisfaction question, not likelihood to \
recommend), or a binary Good/Bad. "Offered"/"Unoffered" and empty are not answers.
- Satisfied = the top two boxes (4–5 of 5, 6–7 of 7, 9–10 of 10) or Good.
- Also here: a satisfaction question answered on 0–10 (not likelihood to recommend, which is NPS) is CSAT on 0–10, \
satisfied 9–10 as on 1–10; its mean is labelled "on 0–10".
- CSAT = satisfied ÷ answers × 100% over answers in the period, with a Wilson 95% interval and n; n < \
{MIN_RESPONSES} flagged. The mean on its own scale may be shown beside it, labelled with the scale.
- Response rate = answers ÷ tickets (or surveys) offered; where "offered" is unknown, ÷ solved tickets, and say so.
""",
}

# A shared rule sentence (as the shared file words it) -> (what this project does instead, because …).
DECIDED_HERE: dict[str, tuple[str, str]] = {
    "95% interval, adjusted Wald: n' = n + 3, p' = (promoters + ¾) ÷ n', d' = (detractors + ¾) ÷ n', "
    f"e = p' − d', se = √((p' + d' − e²) ÷ n'), interval = 100 × (e ± {Z_95} se).": (
        f"The same adjusted Wald interval, 100 × (e ± {Z_95} se), clipped to [−100, 100].",
        "NPS cannot leave that range; with many responses all on one side the formula's upper end passes +100."),
    "Show n beside every NPS; n < 30 is flagged as too small to compare.": (
        f"n is shown beside every NPS; an NPS (or share of responses) from fewer than {MIN_RESPONSES} responses is "
        "shown as \"—\" with the reason, and is not compared.",
        "a flagged number is still read and quoted; a dash with the reason cannot be."),
    "A customer whose revenue stops while the customers file says it is active is reported as a data "
    "quality finding, not silently churned.": (
        "It is reported as a data-quality finding (CIO page) and not counted in logo churn; the MRR bridge counts "
        "its stopped MRR as churned MRR.",
        "logo churn follows the customers file, while the bridge must balance to the revenue actually billed."),
    "LTV = ARPA × gross margin ÷ monthly logo churn (gross margin a stated setting). With zero churn "
    "over the window, show \"not measurable\", never infinity.": (
        "LTV = ARPA × gross margin ÷ monthly logo churn (gross margin a setting, 80% unless changed); blank, with "
        "the reason, below 10 churned customers in the window (zero included); never infinite.",
        "a churn rate resting on a handful of churned customers makes LTV swing by multiples between periods."),
    "NRR and average MRR by category use the same base and rule.": (
        "They use the same category rule (as of the window's start); their base is the customers paying in the "
        "month before the window, and NRR runs over the window's length.",
        "a revenue ratio needs a revenue base: active customers without MRR add nothing to it, and paying "
        "customers missing from the customers file still hold revenue."),
    "Revenue at risk (12 months) = ARR of active detractors × (detractor annual churn − promoter annual "
    "churn), both measured on the user's data; shown with its interval, and \"not measurable\" when "
    "either group is too small (< 30 customers).": (
        "ARR of current detractors (active by the customers file, or paying) × the churn gap, with a Newcombe 95% "
        f"interval; not measurable below {MIN_CUSTOMERS} customers in either group or 10 churned customers "
        "between them, and \"no measurable difference\" when the interval includes 0.",
        "revenue-only data (no customers file, or a file that lags billing) still has paying customers at risk; "
        "and a gap resting on a few churn events, or one whose interval includes 0, is not a figure to act on."),
}
