"""Revenue and logo metrics, read from fact_customer_month (one row per customer per month).

Definitions (docs/metrics.md; ARR factor and retention months from metrics.rules):
- MRR of a month = Σ customers' recurring revenue for the month; ARR = 12 × MRR.
- Movements M−1 → M per customer: new, reactivation, expansion, contraction, churned; the bridge
  MRR(M−1) + new + reactivation + expansion − contraction − churned = MRR(M) holds exactly.
- Logo churn rate of M = customers active at the start of M that churned during M ÷ customers active at the
  start of M (customers who start and churn within M count in neither). Over a window of several months
  the rate is pooled: Σ churned ÷ Σ active at start, i.e. the average monthly rate weighted by base size.
  Annualised as 1 − (1 − m)¹², never 12 × m.
- GRR / NRR, trailing 12 months at M: base = customers with MRR > 0 in M−12;
  GRR = Σ min(MRR(M), MRR(M−12)) ÷ Σ MRR(M−12); NRR = Σ MRR(M) ÷ Σ MRR(M−12). New customers never count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from metrics import measures, rules, stats
from metrics.definitions import METRICS
from metrics.store import RETENTION_K, RETENTION_ROWS
from metrics.view import View, add_months, one_row, query

RETENTION_MONTHS = rules.RETENTION_MONTHS  # the stored facts hold RETENTION_K; other k are computed live


@dataclass(frozen=True)
class ChurnResult:
    active_start: int   # Σ over the window's months of customers active at the month's start
    churned: int        # Σ of those that churned in the month

    @property
    def monthly(self) -> float | None:
        return METRICS["logo_churn"].evaluate(churned=self.churned, active_start=self.active_start)

    @property
    def annual(self) -> float | None:
        return METRICS["annual_churn"].evaluate(churned=self.churned, active_start=self.active_start)


@dataclass(frozen=True)
class Retention:
    month: dt.date            # M
    base_customers: int       # customers with MRR > 0 in M−12
    base_mrr: float           # their MRR in M−12
    retained_mrr: float       # Σ min(MRR(M), MRR(M−12))
    end_mrr: float            # Σ MRR(M) of the base

    @property
    def grr(self) -> float | None:
        return METRICS["grr"].evaluate(retained_mrr=self.retained_mrr, base_mrr=self.base_mrr)

    @property
    def nrr(self) -> float | None:
        return METRICS["nrr"].evaluate(end_mrr=self.end_mrr, base_mrr=self.base_mrr)


def logo_churn(cur, view: View) -> ChurnResult:
    a, c = one_row(cur, f"""SELECT {measures.select("fact_month", a="active_start", c="churned")} FROM fact_month
                            WHERE {View.where()} AND month BETWEEN $start AND $end""", view.params())
    return ChurnResult(int(stats.num(a)), int(stats.num(c)))


def churn_by_month(cur, view: View) -> pd.DataFrame:
    """Columns month, active_start, churned, started, rate (monthly logo churn)."""
    frame = query(cur, f"""SELECT month, {measures.select("fact_month", "active_start", "churned", "started")}
                           FROM fact_month WHERE {View.where()} AND month BETWEEN $start AND $end
                           GROUP BY month ORDER BY month""", view.params())
    frame["rate"] = [METRICS["logo_churn"].evaluate(churned=c, active_start=a)
                     for c, a in zip(frame.churned, frame.active_start, strict=True)]
    return frame


def mrr_by_month(cur, view: View) -> pd.DataFrame:
    """Per month: mrr, arr, paying customers, arpa and the five movements (NULL in the first data month)."""
    frame = query(cur, f"""
        SELECT month, {measures.select("fact_month", "mrr")},
               ({measures.render("fact_month", measures.ARR)})::DOUBLE AS arr,
               {measures.select("fact_month", "paying", "start_mrr", new="new_mrr", reactivation="reactivation_mrr",
                                expansion="expansion_mrr", contraction="contraction_mrr", churned="churned_mrr")}
        FROM fact_month WHERE {View.where()} AND month BETWEEN $start AND $end
        GROUP BY month ORDER BY month""", view.params())
    frame["arpa"] = [METRICS["arpa"].evaluate(mrr=m, paying=p) for m, p in zip(frame.mrr, frame.paying, strict=True)]
    return frame


def quick_ratio(frame: pd.DataFrame) -> float | None:
    """(new + reactivation + expansion) ÷ (contraction + churned) summed over mrr_by_month's rows."""
    return quick_ratio_parts(frame)[0]


def quick_ratio_parts(frame: pd.DataFrame) -> tuple[float | None, float, float, dt.date | None]:
    """The quick ratio with what it divides: (ratio, gains, losses, first month summed). The months summed are those
    with a month before them in the revenue data (the data's first month has no movements)."""
    f = frame.dropna(subset=["start_mrr"])
    sums = {f"{c}_mrr": float(f[c].sum()) for c in ("new", "reactivation", "expansion", "contraction", "churned")}
    ratio = METRICS["quick_ratio"].evaluate(**sums)
    gains = sums["new_mrr"] + sums["reactivation_mrr"] + sums["expansion_mrr"]
    return ratio, gains, sums["contraction_mrr"] + sums["churned_mrr"], (f.month.iloc[0] if len(f) else None)


def losing_months(cur, view: View) -> int:
    """Customer-months of the window (the view's filters) that lost MRR, by contraction or churn: the quick ratio's
    denominator rests on them, and a ratio of a handful of losses moves by a large step with one customer."""
    return int(query(cur, f"""SELECT {measures.select("fact_customer_month", n="losing_months")}
                              FROM fact_customer_revenue WHERE {View.where()} AND month BETWEEN $start AND $end""",
                     view.params()).iloc[0].n or 0)


def mrr_at(cur, view: View, month: dt.date) -> float | None:
    """MRR of one month under the view's filters: 0 when the revenue data covers the month and nobody pays, None
    when it does not cover it (as arr_at: a month after the billing export ends is not "$0 MRR")."""
    value = query(cur, f"""SELECT {measures.select("fact_month", v="mrr")} FROM fact_month
                           WHERE {View.where()} AND month = $m""",
                  view.params(m=month)).iloc[0].v
    return None if pd.isna(value) else float(value)


def retention(cur, view: View, month: dt.date | None = None, months: int = RETENTION_MONTHS) -> Retention | None:
    """GRR/NRR at `month` (default: the window's last month) over the trailing `months`; None if the data
    does not reach back to the base month."""
    month = month or view.end
    frame = retention_by_month(cur, view, months, first=month, last=month)
    if frame.empty:
        return None
    r = frame.iloc[0]
    return Retention(month, int(r.base_customers), r.base_mrr, r.retained_mrr, r.end_mrr)


def retention_by_month(cur, view: View, months: int = RETENTION_MONTHS,
                       first: dt.date | None = None, last: dt.date | None = None) -> pd.DataFrame:
    """Trailing GRR/NRR for every month M in [first, last] (default: the window) whose base month exists.
    Columns month, base_customers, base_mrr, retained_mrr, end_mrr, grr, nrr."""
    # Read the stored facts for the usual 12 months; any other k runs the same SQL on the fly.
    source = "fact_retention" if months == RETENTION_K else f"({RETENTION_ROWS})"
    frame = query(cur, f"""
        SELECT month, {measures.select("fact_retention", "base_customers", "base_mrr", "retained_mrr", "end_mrr")}
        FROM {source} r
        WHERE {View.where()} AND k = $k AND month BETWEEN $first AND $last
        GROUP BY month ORDER BY month""",
        view.params(first=first or view.start, last=last or view.end, k=months, snap=view.snapshot))
    for name, num in (("grr", "retained_mrr"), ("nrr", "end_mrr")):
        frame[name] = [METRICS[name].evaluate(**{num: n, "base_mrr": b}) for n, b in zip(frame[num], frame.base_mrr,
                                                                                         strict=True)]
    return frame


def arr_change(cur, view: View) -> tuple[float | None, float | None]:
    """ARR at the end of the window and at the end of the previous window of the same length."""
    # both months in one statement (arr_at's SQL twice, one per month), read through one frame as arr_at reads it
    sql = METRICS["arr"].sql
    row = query(cur, f"""SELECT {sql.replace("$end", "$now")} AS now, {sql.replace("$end", "$before")} AS before
                         FROM fact_month WHERE {View.where()}""",
                view.params(now=view.end, before=add_months(view.start, -1))).iloc[0]
    return tuple(None if pd.isna(v) else float(v) for v in (row.now, row.before))


def arr_at(cur, view: View, month: dt.date) -> float | None:
    """ARR of one month under the view's filters: the registry's `arr` with `month` as the period's last month;
    0 when the revenue data covers the month and nobody pays, None when it does not cover it (a month before the
    revenue data starts is not "$0 ARR": a change against it would read as growth from nothing)."""
    value = query(cur, f"SELECT {METRICS['arr'].sql} AS v FROM fact_month WHERE {View.where()}",
                  view.params(end=month)).iloc[0].v
    return None if pd.isna(value) else float(value)
