"""What customer experience is worth, measured on the user's own data.

Rules (shared/METRICS.md "Value" and "Linking NPS to value"; the rest decided here and in the Glossary):
- ARPA of M = MRR(M) ÷ customers with MRR > 0 in M.
- LTV = ARPA × gross margin ÷ monthly logo churn (gross margin a stated setting, default 80%); with zero
  churn over the window LTV is "not measurable" (None), never infinite. By NPS category the same formula
  uses the category's average MRR and its monthly-equivalent churn (linkage.by_category).
- Annual churn of a category: its churn over the window converted to a monthly rate
  m = 1 − (1 − r)^(1/months) and annualised 1 − (1 − m)¹².
- Revenue at risk (12 months) = ARR of active detractors × (detractor annual churn − promoter annual churn),
  both measured on the window; its 95% interval combines the two Wilson intervals (Newcombe's method);
  "not measurable" (None) when either group has fewer than 30 customers.
- What-if: moving a share s of detractors to passives (or promoters) removes, over 12 months, the excess
  churn s × N_D × (a_D − a_T) customers and keeps s × ARR_D × (a_D − a_T) of ARR, a_X being annual churn.
  Payback (months) of an investment I = I ÷ (ARR kept × gross margin ÷ 12).
- Value of one NPS point: one point is detractors equal to 1% of the surveyed active customers becoming
  passives; its value is the ARR that keeps over 12 months by the what-if rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from metrics import linkage, revenue, stats
from metrics.view import View, query

DEFAULT_GROSS_MARGIN = 0.80


def ltv(arpa: float | None, monthly_churn: float | None, gross_margin: float = DEFAULT_GROSS_MARGIN) -> float | None:
    """ARPA × gross margin ÷ monthly churn; None when churn is zero or unknown (not measurable)."""
    if arpa is None or not monthly_churn:
        return None
    return arpa * gross_margin / monthly_churn


@dataclass(frozen=True)
class RevenueAtRisk:
    detractor_arr: float
    detractor_annual_churn: float | None
    promoter_annual_churn: float | None
    value: float | None        # None: not measurable
    low: float | None
    high: float | None
    reason: str = ""           # why not measurable


def revenue_at_risk(detractor_arr: float, detractors: tuple[int, int], promoters: tuple[int, int],
                    months: int) -> RevenueAtRisk:
    """Revenue at risk from (churned, customers) of detractors and promoters over a window of `months`."""
    (dc, dn), (pc, pn) = detractors, promoters
    d_ci, p_ci = stats.wilson(dc, dn), stats.wilson(pc, pn)
    d = stats.annual_from_window(d_ci.estimate, months)
    p = stats.annual_from_window(p_ci.estimate, months)
    if min(dn, pn) < stats.MIN_COMPARABLE_N:
        return RevenueAtRisk(detractor_arr, d, p, None, None, None,
                             f"needs ≥ {stats.MIN_COMPARABLE_N} detractors and promoters (have {dn} and {pn})")
    # Newcombe: combine each group's interval (annualised; the transform is monotonic) around the difference.
    d_lo, d_hi = (stats.annual_from_window(x, months) for x in (d_ci.low, d_ci.high))
    p_lo, p_hi = (stats.annual_from_window(x, months) for x in (p_ci.low, p_ci.high))
    excess = d - p
    low = excess - math.sqrt((d - d_lo) ** 2 + (p_hi - p) ** 2)
    high = excess + math.sqrt((d_hi - d) ** 2 + (p - p_lo) ** 2)
    return RevenueAtRisk(detractor_arr, d, p, detractor_arr * excess, detractor_arr * low, detractor_arr * high)


@dataclass(frozen=True)
class WhatIf:
    moved_customers: float
    churned_avoided: float     # customers per 12 months
    arr_kept: float            # ARR kept over 12 months
    payback_months: float | None


def what_if(share: float, detractors: int, detractor_arr: float, detractor_annual: float | None,
            target_annual: float | None, investment: float = 0.0,
            gross_margin: float = DEFAULT_GROSS_MARGIN) -> WhatIf | None:
    """Move `share` of detractors to a category whose annual churn is `target_annual`. None if unmeasurable."""
    if detractor_annual is None or target_annual is None:
        return None
    gap = detractor_annual - target_annual
    kept = share * detractor_arr * gap
    monthly_margin = kept * gross_margin / 12
    payback = investment / monthly_margin if monthly_margin > 0 else None
    return WhatIf(share * detractors, share * detractors * gap, kept, payback)


def nps_point_value(surveyed_customers: int, detractors: int, detractor_arr: float,
                    detractor_annual: float | None, passive_annual: float | None) -> float | None:
    """ARR kept over 12 months when detractors equal to 1% of surveyed customers become passives."""
    if not detractors:
        return None
    share = min(1.0, 0.01 * surveyed_customers / detractors)
    result = what_if(share, detractors, detractor_arr, detractor_annual, passive_annual)
    return None if result is None else result.arr_kept


# ---- queries -------------------------------------------------------------------------------------
def current_by_category(cur, view: View) -> pd.DataFrame:
    """Active customers in the window's last month by current category: customers, ARR."""
    return query(cur, f"""
        SELECT coalesce(category_end, '{linkage.NO_RESPONSE}') AS category, count(*) AS customers,
               12 * coalesce(sum(mrr), 0)::DOUBLE AS arr
        FROM fact_customer_month WHERE {View.where()} AND month = $end AND (active OR mrr > 0)
        GROUP BY 1""", view.params())


def overall_ltv(cur, view: View, gross_margin: float = DEFAULT_GROSS_MARGIN) -> dict:
    """ARPA in the window's last month, the window's pooled monthly logo churn, and the LTV they give."""
    mrr = revenue.mrr_by_month(cur, view)
    arpa = mrr.arpa.iloc[-1] if not mrr.empty else None
    monthly = revenue.logo_churn(cur, view).monthly
    return {"arpa": arpa, "monthly_churn": monthly, "ltv": ltv(arpa, monthly, gross_margin)}


def value_summary(cur, view: View, gross_margin: float = DEFAULT_GROSS_MARGIN) -> dict:
    """Everything the value views need, from the window's data: LTV overall and by category, revenue at
    risk, and the inputs of the what-if."""
    cats = linkage.by_category(cur, view).set_index("category")
    now = current_by_category(cur, view).set_index("category")

    def get(frame, cat, col, default=0):
        value = frame.loc[cat, col] if cat in frame.index else default
        return None if stats.missing(value) else value

    annual = {c: get(cats, c, "annual_churn", None) for c in linkage.ORDER}
    ltv_by = {c: ltv(get(cats, c, "avg_mrr", None), get(cats, c, "monthly_churn", None), gross_margin)
              for c in linkage.ORDER[:3]}
    det_arr = float(get(now, "Detractor", "arr"))
    rar = revenue_at_risk(det_arr, (int(get(cats, "Detractor", "churned")), int(get(cats, "Detractor", "customers"))),
                          (int(get(cats, "Promoter", "churned")), int(get(cats, "Promoter", "customers"))),
                          view.months)
    surveyed = int(sum(get(now, c, "customers") for c in linkage.ORDER[:3]))
    return {
        **overall_ltv(cur, view, gross_margin), "ltv_by_category": ltv_by, "annual_churn": annual,
        "revenue_at_risk": rar,
        "detractors_now": int(get(now, "Detractor", "customers")), "detractor_arr": det_arr,
        "surveyed_now": surveyed,
        "nps_point": nps_point_value(surveyed, int(get(now, "Detractor", "customers")), det_arr,
                                     annual["Detractor"], annual["Passive"]),
    }


def transitions(cur, view: View, versions: dict | None = None) -> pd.DataFrame:
    """Category moves between a customer's consecutive responses, where the later one falls in the window:
    columns from_category, to_category, customers (pairs), mrr (the customers' MRR in the later response's
    month, i.e. the revenue that moved with them). Read from the facts built at upload."""
    return query(cur, f"""
        SELECT from_category, to_category, sum(customers)::BIGINT AS customers, sum(mrr)::DOUBLE AS mrr
        FROM fact_transition WHERE {View.where()} AND month BETWEEN $start AND $end
        GROUP BY ALL ORDER BY ALL""", view.params())
