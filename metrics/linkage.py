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
from metrics.view import View, query

NO_RESPONSE = "No response"
ORDER = ["Promoter", "Passive", "Detractor", NO_RESPONSE]


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    frame["category"] = frame["category"].fillna(NO_RESPONSE)
    frame["_o"] = frame["category"].map(ORDER.index)
    return frame.sort_values("_o").drop(columns="_o").reset_index(drop=True)


def by_category(cur, view: View) -> pd.DataFrame:
    """Per category (as of the window's start): customers, churned, churn rate with Wilson interval,
    annualised churn, revenue base, average MRR, NRR and GRR over the window."""
    frame = query(cur, f"""
        WITH base AS (
            SELECT customer_id, category_start, active_start, churn_month, prev_mrr
            FROM fact_customer_month WHERE {View.where()} AND month = $start
              AND (active_start OR prev_mrr > 0)
        ), outcome AS (
            SELECT customer_id, mrr AS end_mrr FROM fact_customer_revenue WHERE snapshot = $snapshot AND month = $end
        ), joined AS (
            SELECT base.*, coalesce(prev_mrr, 0)::DOUBLE AS b, coalesce(end_mrr, 0)::DOUBLE AS e,
                   least(coalesce(end_mrr, 0), coalesce(prev_mrr, 0))::DOUBLE AS r
            FROM base LEFT JOIN outcome USING (customer_id)
        )
        SELECT category_start AS category,
               {measures.select("fact_customer_month", customers="active_at_start", churned="churned_in_window",
                                paying="paying_before", base_mrr="mrr_before")},
               coalesce(sum(e) FILTER (b > 0), 0) AS end_mrr,
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
    for name, (num, sq, cross, cap) in {"nrr": ("end_mrr", "ee", "eb", None),
                                          "grr": ("retained_mrr", "rr", "rb", 1.0)}.items():
        cis = [stats.ratio_interval(row[num], row.base_mrr, row[sq], row[cross], row.bb, int(row.paying), cap)
               for _, row in frame.iterrows()]
        frame[name], frame[f"{name}_low"], frame[f"{name}_high"] = zip(*[(i.estimate, i.low, i.high) for i in cis],
                                                                       strict=True) if cis else ((), (), ())
    means = [stats.mean_interval(row.base_mrr, row.bb, int(row.paying)) for _, row in frame.iterrows()]
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
        FROM fact_customer_month WHERE {View.where()} AND month = $end AND {rules.CURRENT_CUSTOMER_SQL}
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
    responses = query(cur, f"""SELECT {measures.select("fact_nps", linked="linked_responses", total="responses")}
                               FROM fact_nps WHERE {View.where()} AND month BETWEEN $start AND $end""",
                      view.params()).iloc[0]
    now = current if current is not None else current_by_category(cur, view)
    answered = now[now["category"] != NO_RESPONSE]
    return {
        "responses": stats.ratio(stats.num(responses.linked), stats.num(responses.total)),
        "customers": stats.ratio(answered["active"].sum(), now["active"].sum()),
        "arr": stats.ratio(answered["arr"].sum(), now["arr"].sum()),
    }

