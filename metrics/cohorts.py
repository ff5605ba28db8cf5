"""Cohort retention: customers grouped by the month of their first MRR > 0.

- Logo retention at age k = cohort customers with MRR > 0 in cohort month + k ÷ cohort size.
- Revenue retention at age k = cohort MRR in cohort month + k ÷ cohort MRR in its first month.
- The average row weights each cohort by its size (logo) or first-month MRR (revenue), over the cohorts
  observed at that age. Cells past the view's last month (or the data's, if earlier) are blank (NaN), never
  zero and never filled from months after the period.
- Customers already paying in the first month of the data are left out: their real first month is unknown.
- Cohorts shown are those that start within the view's window; segment/region filters apply.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics import measures
from metrics.rules import age_in_months
from metrics.view import View, query

MAX_AGE = 12


def cohort_table(cur, view: View, max_age: int = MAX_AGE) -> pd.DataFrame:
    """Long table: cohort, age, customers, mrr (observed cells only), from the facts built at upload."""
    return query(cur, f"""
        SELECT cohort, age, {measures.select("fact_cohort", "customers", "mrr")} FROM fact_cohort
        WHERE {View.where()} AND cohort BETWEEN $start AND $end AND age <= $max_age
          AND (cohort + to_months(age))::DATE <= $end
        GROUP BY ALL ORDER BY ALL""", view.params(max_age=max_age))


def retention_matrix(cur, view: View, measure: str = "logo", max_age: int = MAX_AGE) -> pd.DataFrame:
    """Wide table: one row per cohort (label 'YYYY-MM', plus 'Average'), columns size and ages 0…max_age
    as shares; unobserved cells NaN. `measure` is 'logo' or 'revenue'."""
    long = cohort_table(cur, view, max_age)
    last = query(cur, "SELECT coalesce(revenue_last, last_month) FROM snapshots WHERE snapshot = $snapshot",
                 view.params()).iloc[0, 0]  # the last month with revenue: later cells are unobserved
    if long.empty:
        return pd.DataFrame(columns=["cohort", "size", *range(max_age + 1)])
    value = "customers" if measure == "logo" else "mrr"
    counts = long.pivot_table(index="cohort", columns="age", values=value, aggfunc="sum")
    counts = counts.reindex(columns=range(max_age + 1))
    base = counts[0]
    last = min(pd.Timestamp(last), pd.Timestamp(view.end))  # nothing after the period is observed here
    seen = np.array([age_in_months(c, last) for c in counts.index])
    # cohort × age: observed by the last month (one mask, not a pandas assignment per cohort: 27 -> 11 ms a call)
    observed = counts.columns.to_numpy()[None, :] <= seen[:, None]
    counts = counts.mask(observed & counts.isna().to_numpy(), 0.0)  # observed but nobody left
    shares = counts.div(base, axis=0)
    # each age's base: the sizes of the cohorts observed at that age
    average = counts.sum(axis=0, min_count=1) / pd.DataFrame(
        np.where(observed, base.to_numpy()[:, None], np.nan), columns=counts.columns).sum(axis=0)
    out = shares.copy()
    out.index = [pd.Timestamp(c).strftime("%Y-%m") for c in out.index]
    out.loc["Average"] = average.where(average.index <= seen.max())
    out.insert(0, "size", list(base) + [base.sum()])
    return out.rename_axis("cohort").reset_index()
