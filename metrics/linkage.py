"""The link between NPS and value: how promoters, passives and detractors differ in churn and revenue.

Rules (docs/metrics.md "Linking NPS to value"; the entries churn_by_category, nrr_by_category,
avg_mrr_by_category, arr_by_category and coverage in metrics/definitions.py):
- A customer's category at a date is the category of its latest response strictly before that date. A
  window [start, end] uses the category as of start's first day: no later response is used (no look-ahead).
- Churn by category: customers active at the window's start with that category, churned within the window,
  ÷ those customers, with a Wilson 95% interval. Customers never surveyed form the "No response" group.
- NRR and average MRR by category use the same rule on the revenue base: customers with MRR > 0 in the
  month before the window; NRR = Σ MRR(end) ÷ Σ MRR(month before start); GRR caps each at its base.
  Their 95% intervals treat customers as the sample: a ratio of sums by the delta method
  (stats.ratio_interval), an average by the t-free normal interval (stats.mean_interval).
- ARR by current category: ARR in the window's last month by the category of the latest response on or
  before that month's last day.
- Coverage: share of responses, of active customers and of ARR that could be linked.
"""

from __future__ import annotations

import pandas as pd

from metrics import measures, rules, stats
from metrics.view import View, one_row, query

NO_RESPONSE = "No response"
ORDER = ["Promoter", "Passive", "Detractor", NO_RESPONSE]


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    frame["category"] = frame["category"].fillna(NO_RESPONSE)
    frame["_o"] = frame["category"].map(ORDER.index)
    return frame.sort_values("_o").drop(columns="_o").reset_index(drop=True)


def _with_category(category: str, month: str, where: str) -> str:
    """fact_customer_month's rows of one month (`month`: $start or $end) meeting `where` under the view's filters,
    with the customer's `category` of that month (category_start or category_end): what fact_customer_month reads,
    with each side's month picked before the two are joined on the customer alone (the view joins on part, customer
    and month: ~3 ms more a query at 200,000 customers), by its integer key (metrics/facts/keys.py)."""
    return f"""(SELECT f.*, c.{category}
                FROM (SELECT * FROM fact_customer_revenue WHERE {View.where()} AND month = {month} AND {where}) f
                LEFT JOIN (SELECT customer_key, {category} FROM fact_customer_category
                           WHERE snapshot = $snapshot AND month = {month}) c USING (customer_key))"""


def by_category(cur, view: View) -> pd.DataFrame:
    """Per category (as of the window's start): customers, churned, churn rate with Wilson interval,
    annualised churn, revenue base, average MRR, NRR and GRR over the window."""
    frame = query(cur, f"""
        WITH base AS (
            SELECT customer_key, category_start, active_start, churn_month, prev_mrr
            FROM {_with_category("category_start", "$start", "(active_start OR prev_mrr > 0)")}
        ), outcome AS (
            SELECT customer_key, mrr AS end_mrr FROM fact_customer_revenue WHERE snapshot = $snapshot AND month = $end
        ), joined AS (
            SELECT base.*, coalesce(prev_mrr, 0)::DOUBLE AS b, coalesce(end_mrr, 0)::DOUBLE AS e,
                   least(coalesce(end_mrr, 0), coalesce(prev_mrr, 0))::DOUBLE AS r
            FROM base LEFT JOIN outcome USING (customer_key)
        )
        SELECT category_start AS category,
               {measures.select("fact_customer_month", customers="active_at_start", churned="churned_in_window",
                                paying="paying_before", base_mrr="mrr_before")},
               coalesce(sum(e) FILTER (b > 0), 0) AS end_mrr,
               -- LTV's average MRR: over the customers whose churn it is divided by (active at the start, paying
               -- then), not the NRR base (paying, whether in the customers file or not): one population per LTV
               avg(b) FILTER (active_start AND b > 0) AS ltv_mrr,
               coalesce(sum(r) FILTER (b > 0), 0) AS retained_mrr,
               -- second moments, for the intervals of the ratios below
               coalesce(sum(b * b) FILTER (b > 0), 0) AS bb, coalesce(sum(e * e) FILTER (b > 0), 0) AS ee,
               coalesce(sum(e * b) FILTER (b > 0), 0) AS eb, coalesce(sum(r * r) FILTER (b > 0), 0) AS rr,
               coalesce(sum(r * b) FILTER (b > 0), 0) AS rb
        FROM joined GROUP BY category""", view.params())
    frame = _ordered(frame.fillna({"base_mrr": 0.0}))
    ci = [stats.wilson(int(c), int(n)) for c, n in zip(frame.churned, frame.customers, strict=True)]
    frame["churn_rate"] = [i.estimate for i in ci]
    frame["churn_low"] = [i.low for i in ci]
    frame["churn_high"] = [i.high for i in ci]
    # The window's churn rate is over `months` months; the monthly equivalent is 1 − (1 − r)^(1/months).
    frame["monthly_churn"] = [stats.monthly_from_window(r, view.months) for r in frame.churn_rate]
    frame["annual_churn"] = [stats.annual_from_window(r, view.months) for r in frame.churn_rate]
    # column by column, not iterrows (a pandas row per category and figure: ~2 ms a call); the same values
    col = {c: frame[c].to_numpy() for c in ("base_mrr", "bb", "paying", "end_mrr", "ee", "eb", "retained_mrr", "rr",
                                            "rb")}
    for name, (num, sq, cross, cap) in {"nrr": ("end_mrr", "ee", "eb", None),
                                          "grr": ("retained_mrr", "rr", "rb", 1.0)}.items():
        cis = [stats.ratio_interval(col[num][i], col["base_mrr"][i], col[sq][i], col[cross][i], col["bb"][i],
                                    int(col["paying"][i]), cap) for i in range(len(frame))]
        frame[name], frame[f"{name}_low"], frame[f"{name}_high"] = zip(*[(i.estimate, i.low, i.high) for i in cis],
                                                                       strict=True) if cis else ((), (), ())
    means = [stats.mean_interval(col["base_mrr"][i], col["bb"][i], int(col["paying"][i])) for i in range(len(frame))]
    frame["avg_mrr"] = [i.estimate for i in means]
    frame["avg_mrr_low"] = [i.low for i in means]
    frame["avg_mrr_high"] = [i.high for i in means]
    frame["too_small"] = frame["customers"] < stats.MIN_COMPARABLE_N
    return frame.drop(columns=["bb", "ee", "eb", "rr", "rb"])


def current_by_category(cur, view: View) -> pd.DataFrame:
    """Current customers (rules.CURRENT_CUSTOMER_TEXT) in the window's last month by the category of their latest
    response: customers, active (by the customers file), paying (MRR > 0), ARR. The one read behind advocates,
    current detractors, revenue at risk, ARR by category and link coverage (one join of the month's customers to
    their categories, not one per figure)."""
    return query(cur, f"""
        SELECT coalesce(category_end, '{NO_RESPONSE}') AS category,
               {measures.select("fact_customer_month", customers="current_customers", active="active_customers",
                                paying="paying_months")},
               coalesce({measures.render("fact_customer_month", measures.ARR)}, 0)::DOUBLE AS arr
        FROM {_with_category("category_end", "$end", rules.CURRENT_CUSTOMER_SQL)}
        GROUP BY 1""", view.params())


def arr_shares(current: pd.DataFrame) -> pd.DataFrame:
    """ARR and paying customers in the window's last month by their latest category, with each one's share of ARR:
    from current_by_category's frame (a category with no paying customer is left out)."""
    frame = current.loc[current["paying"] > 0, ["category", "paying", "arr"]].rename(columns={"paying": "customers"})
    frame = _ordered(frame.reset_index(drop=True))
    total = frame["arr"].sum()
    frame["share"] = frame["arr"] / total if total else 0.0
    return frame


def coverage(cur, view: View, current: pd.DataFrame | None = None) -> dict[str, float | None]:
    """Shares that could be linked: responses (to a known customer), active customers (with a response
    before the window's end) and ARR (of customers with a response). `current`: current_by_category's frame when
    the caller holds it (every active or paying customer is a current one)."""
    linked, total = one_row(cur, f"""SELECT {measures.select("fact_nps", linked="linked_responses", total="responses")}
                                     FROM fact_nps WHERE {View.where()} AND month BETWEEN $start AND $end""",
                            view.params())
    now = current if current is not None else current_by_category(cur, view)
    answered = now[now["category"] != NO_RESPONSE]
    return {
        "responses": stats.ratio(stats.num(linked), stats.num(total)),
        "customers": stats.ratio(answered["active"].sum(), now["active"].sum()),
        "arr": stats.ratio(answered["arr"].sum(), now["arr"].sum()),
    }

