"""What customer experience is worth, measured on the user's own data.

Rules (docs/metrics.md "Value" and "Linking NPS to value", with what is decided differently there and why):
- ARPA of M = MRR(M) ÷ customers with MRR > 0 in M.
- LTV = ARPA × gross margin ÷ monthly logo churn (gross margin a stated setting, default 80%); with zero
  churn over the window LTV is "not measurable" (None), never infinite. By NPS category the same formula
  uses the category's average MRR and its monthly-equivalent churn (linkage.by_category).
- Annual churn of a category: its churn over the window converted to a monthly rate
  m = 1 − (1 − r)^(1/months) and annualised 1 − (1 − m)¹².
- Churn gap between two categories = the difference of their annual churn, with a 95% interval combining
  the two Wilson intervals (Newcombe's method). Shown as a number only when each group has ≥ MIN_CUSTOMERS
  customers, the two have ≥ MIN_CHURN_EVENTS churned customers between them (metrics.rules) and the
  interval lies above 0; otherwise "not measurable" with the reason, or "no measurable difference".
- Revenue at risk (12 months) = ARR of current detractors (rules.CURRENT_CUSTOMER_TEXT) × the detractor −
  promoter churn gap.
- LTV overall and by category is blank (with the reason) below MIN_CHURN_EVENTS churned customers in the window.
- What-if: moving a share s of detractors to passives (or promoters) removes, over 12 months, the excess
  churn s × N_D × (a_D − a_T) customers and keeps s × ARR_D × (a_D − a_T) of ARR, a_X being annual churn.
  Payback (months) of an investment I = I ÷ (ARR kept × gross margin ÷ 12).
- Value of one NPS point: one point is detractors equal to 1% of the surveyed active customers becoming
  passives; its value is the ARR that keeps over 12 months by the what-if rule, shown only when the
  detractor − passive churn gap is measurable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from metrics import linkage, measures, revenue, rules, stats
from metrics.view import View, query

DEFAULT_GROSS_MARGIN = 0.80


def ltv(arpa: float | None, monthly_churn: float | None, gross_margin: float = DEFAULT_GROSS_MARGIN) -> float | None:
    """ARPA × gross margin ÷ monthly churn; None when churn is zero or unknown (not measurable)."""
    if arpa is None or not monthly_churn:
        return None
    return arpa * gross_margin / monthly_churn


NO_DIFFERENCE = "no measurable difference"


@dataclass(frozen=True)
class Gap:
    """Annual churn of one group minus another's, with its 95% interval (Newcombe's method on the two Wilson
    intervals, annualised; the transform is monotonic). `reason` says why it is not to be shown as a number:
    a group too small, too few churn events, or an interval that reaches 0 (NO_DIFFERENCE)."""

    value: float | None
    low: float | None
    high: float | None
    reason: str = ""

    @property
    def measurable(self) -> bool:
        return not self.reason

    @property
    def no_difference(self) -> bool:
        return self.reason == NO_DIFFERENCE


def churn_gap(higher: tuple[int, int], lower: tuple[int, int], months: int,
              names: tuple[str, str] = ("detractors", "promoters")) -> Gap:
    """Annual churn of `higher` minus `lower`, each given as (churned, customers) over a window of `months`.

    Measurable only when each group has ≥ MIN_CUSTOMERS customers, the two have ≥ MIN_CHURN_EVENTS churned
    customers between them, and the 95% interval lies above 0; otherwise the reason is given."""
    (hc, hn), (lc, ln) = higher, lower
    h_ci, l_ci = stats.wilson(hc, hn), stats.wilson(lc, ln)
    if min(hn, ln) < stats.MIN_CUSTOMERS:
        return Gap(None, None, None, f"needs ≥ {stats.MIN_CUSTOMERS} {names[0]} and {names[1]} at the period's "
                                     f"start (have {hn:,} and {ln:,})")
    if hc + lc < stats.MIN_CHURN_EVENTS:
        return Gap(None, None, None, f"{hc + lc} churned {names[0]} and {names[1]}, fewer than "
                                     f"{stats.MIN_CHURN_EVENTS}")
    h, lo_ = (stats.annual_from_window(x, months) for x in (h_ci.estimate, l_ci.estimate))
    h_lo, h_hi = (stats.annual_from_window(x, months) for x in (h_ci.low, h_ci.high))
    l_lo, l_hi = (stats.annual_from_window(x, months) for x in (l_ci.low, l_ci.high))
    gap = h - lo_
    low = gap - math.sqrt((h - h_lo) ** 2 + (l_hi - lo_) ** 2)
    high = gap + math.sqrt((h_hi - h) ** 2 + (lo_ - l_lo) ** 2)
    return Gap(gap, low, high, "" if low > 0 else NO_DIFFERENCE)


@dataclass(frozen=True)
class RevenueAtRisk:
    detractor_arr: float
    detractor_annual_churn: float | None
    promoter_annual_churn: float | None
    value: float | None        # None: not shown as a number (see reason)
    low: float | None
    high: float | None
    reason: str = ""           # why not shown: too small, or NO_DIFFERENCE

    @property
    def no_difference(self) -> bool:
        return self.reason == NO_DIFFERENCE


def revenue_at_risk(detractor_arr: float, detractors: tuple[int, int], promoters: tuple[int, int],
                    months: int) -> RevenueAtRisk:
    """Revenue at risk from (churned, customers) of detractors and promoters over a window of `months`:
    detractor ARR × the churn gap, when the gap is measurable (churn_gap)."""
    d = stats.annual_from_window(stats.wilson(*detractors).estimate, months)
    p = stats.annual_from_window(stats.wilson(*promoters).estimate, months)
    gap = churn_gap(detractors, promoters, months)
    if not gap.measurable:
        return RevenueAtRisk(detractor_arr, d, p, None, None, None, gap.reason)
    return RevenueAtRisk(detractor_arr, d, p, detractor_arr * gap.value, detractor_arr * gap.low,
                         detractor_arr * gap.high)


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
    monthly_margin = kept * gross_margin / rules.ARR_FACTOR  # ARR kept → margin per month
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
def overall_ltv(cur, view: View, gross_margin: float = DEFAULT_GROSS_MARGIN) -> dict:
    """ARPA in the window's last month (all paying customers), the window's pooled monthly logo churn (all
    customers), and the LTV they give; `ltv_reason` says why LTV is blank (fewer than MIN_CHURN_EVENTS churned
    customers in the window, or no revenue)."""
    mrr = revenue.mrr_by_month(cur, view)
    arpa = mrr.arpa.iloc[-1] if not mrr.empty else None
    churn = revenue.logo_churn(cur, view)
    # churn is read from a customers file: without customers active in the period "n = 0 churned" misleads
    reason = ("churn needs customers of a customers file active in the period, and there are none"
              if not churn.active_start else stats.too_few(churn.churned, stats.MIN_CHURN_EVENTS, "churned customers"))
    value = None if reason else ltv(arpa, churn.monthly, gross_margin)
    return {"arpa": arpa, "monthly_churn": churn.monthly, "churned": churn.churned, "ltv": value,
            "ltv_reason": reason or ("" if value is not None else "no revenue in the period")}


def value_summary(cur, view: View, gross_margin: float = DEFAULT_GROSS_MARGIN) -> dict:
    """Everything the value views need, from the window's data: LTV overall and by category, revenue at
    risk, and the inputs of the what-if."""
    by_category = linkage.by_category(cur, view)
    cats = by_category.set_index("category")
    current = linkage.current_by_category(cur, view)
    now = current.set_index("category")

    def get(frame, cat, col, default=0):
        value = frame.loc[cat, col] if cat in frame.index else default
        return None if stats.missing(value) else value

    annual = {c: get(cats, c, "annual_churn", None) for c in linkage.ORDER}
    counts = {c: (int(get(cats, c, "churned")), int(get(cats, c, "customers"))) for c in linkage.ORDER}
    # A category's LTV rests on its customers and their churns: too few of either and it is blank, with the reason
    # (the rule: MIN_CUSTOMERS in each group and MIN_CHURN_EVENTS churned; 20 detractors' LTV was shown as a fact)
    ltv_reason = {c: "; ".join(filter(None, (stats.too_few(counts[c][1], stats.MIN_CUSTOMERS, "customers"),
                                             stats.too_few(counts[c][0], stats.MIN_CHURN_EVENTS, "churned customers"))))
                  or None for c in linkage.ORDER[:3]}
    ltv_by = {c: None if ltv_reason[c] else
              ltv(get(cats, c, "ltv_mrr", None), get(cats, c, "monthly_churn", None), gross_margin)
              for c in linkage.ORDER[:3]}
    det_arr = float(get(now, "Detractor", "arr"))
    rar = revenue_at_risk(det_arr, counts["Detractor"], counts["Promoter"], view.months)
    gaps = {c: churn_gap(counts["Detractor"], counts[c], view.months, ("detractors", c.lower() + "s"))
            for c in ("Passive", "Promoter")}
    surveyed = int(sum(get(now, c, "customers") for c in linkage.ORDER[:3]))
    point = (nps_point_value(surveyed, int(get(now, "Detractor", "customers")), det_arr, annual["Detractor"],
                             annual["Passive"]) if gaps["Passive"].measurable else None)
    return {
        **overall_ltv(cur, view, gross_margin),
        # linkage's frames, so a page showing them runs their queries once
        "categories": by_category, "current": current,
        "ltv_by_category": ltv_by, "ltv_by_category_reason": ltv_reason,
        "annual_churn": annual, "churn_gap": gaps, "revenue_at_risk": rar,
        "detractors_now": int(get(now, "Detractor", "customers")), "detractor_arr": det_arr,
        "surveyed_now": surveyed, "nps_point": point,
        "nps_point_reason": gaps["Passive"].reason or ("" if point is not None else "no detractors now"),
    }


def same_day_pairs(cur, view: View) -> int:
    """Answers of a customer given the same day as its previous answer, dated in the window (fact_transition's
    same_day rows, the view's segment and region): no move, their order being unknown, so the page says how many."""
    n = query(cur, f"""
        SELECT {measures.select("fact_transition", n="customers")} FROM fact_transition
        WHERE {View.where()} AND month BETWEEN $start AND $end AND same_day""", view.params()).iloc[0].n
    return 0 if stats.missing(n) else int(n)  # no same-day row: a sum of none


def transitions(cur, view: View, versions: dict | None = None) -> pd.DataFrame:
    """Category moves between a customer's consecutive responses, where the later one falls in the window:
    columns from_category, to_category, pairs (response pairs: a customer who answered three times in the
    window counts twice), mrr (the customer's MRR in the later response's month, summed over the pairs).
    Read from the facts built at upload."""
    return query(cur, f"""
        SELECT from_category, to_category, {measures.select("fact_transition", "mrr", pairs="customers")}
        FROM fact_transition WHERE {View.where()} AND month BETWEEN $start AND $end
          AND same_day IS NOT TRUE  -- NULL in parts built before the column: each a move, as then
        GROUP BY ALL ORDER BY ALL""", view.params())
