"""Data health for the CIO: what is loaded, how well the sources match, how fresh they are, and findings.

- Match rates: share of NPS responses whose customer id is in the customers or revenue data; share of
  revenue customer-months whose customer is in the customers file; share of active customers with at
  least one response.
- Freshness: the latest date in each source and its age in days at `today`.
- Finding "revenue stopped while active": a customer the customers file lists as active in month M whose
  MRR went from > 0 in M−1 to 0 in M. Reported here; not counted in logo churn (the customers file decides
  that), while the MRR bridge counts the stopped revenue as churned MRR (definitions.REVENUE_STOPPED_RULE).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from metrics import measures, stats
from metrics.store import KIND_LABELS, KINDS, Snapshot
from metrics.view import query

_FCM = "fact_customer_month"  # its measures (metrics.measures) also read fact_customer_revenue, its revenue part


def sources(cur, snap: Snapshot, today: dt.date) -> pd.DataFrame:
    """One row per source the snapshot reads (a response kind added from several files has a row per file; a kind
    without data one empty row): version, file, rows, date span, uploaded, freshness."""
    rows = []
    for kind in KINDS:
        for version in snap.sources.get(kind) or (snap.versions.get(kind),):
            rows.append(_source_row(cur, kind, version, today))
    return pd.DataFrame(rows)


def _source_row(cur, kind: str, version: int | None, today: dt.date) -> dict:
    info = None if version is None else query(
        cur, "SELECT * FROM uploads WHERE version = $v", {"v": version}).iloc[0]
    return {
        "source": KIND_LABELS[kind], "version": version,
        "file": None if info is None else info.file_name,
        "rows": None if info is None else int(info.row_count),
        "first_date": None if info is None else info.first_date,
        "last_date": None if info is None else info.last_date,
        "uploaded_at": None if info is None else info.uploaded_at,
        "days_old": None if info is None or pd.isna(info.last_date)
        else (today - pd.Timestamp(info.last_date).date()).days,
    }


def match_rates(cur, snap: Snapshot) -> dict[str, float | None]:
    """Shares of responses and of paying customer-months whose customer is in the customers file (None without
    one: "0.0% matched" would read as a failed match), and of active customers surveyed."""
    surveyed = query(cur, """SELECT count_if(category_end IS NOT NULL) AS l, count(*) AS t
                             FROM fact_customer_month WHERE snapshot = $s AND month = $m AND active""",
                     {"s": snap.snapshot, "m": snap.last_month}).iloc[0]
    shares = {"active_surveyed": stats.ratio(stats.num(surveyed.l), stats.num(surveyed.t))}
    if snap.versions.get("customers") is None:  # linking is to the customers file: none, no share to read
        return {"responses_linked": None, "revenue_linked": None, **shares}
    nps = query(cur, f"""SELECT {measures.select("fact_nps", l="linked_responses", t="responses")}
                         FROM fact_nps WHERE snapshot = $s""", {"s": snap.snapshot}).iloc[0]
    rev = query(cur, f"""SELECT {measures.select(_FCM, l="linked_paying_months", t="paying_months")}
                         FROM fact_customer_revenue WHERE snapshot = $s""", {"s": snap.snapshot}).iloc[0]
    return {"responses_linked": stats.ratio(stats.num(nps.l), stats.num(nps.t)),
            "revenue_linked": stats.ratio(stats.num(rev.l), stats.num(rev.t)), **shares}


def revenue_stopped_while_active(cur, snap: Snapshot) -> pd.DataFrame:
    """Customers whose MRR dropped to 0 in a month the customers file says they were active."""
    return query(cur, f"""
        SELECT customer_id, month, prev_mrr::DOUBLE AS last_mrr, segment
        FROM fact_customer_revenue
        WHERE snapshot = $s AND {measures.measure(_FCM, "revenue_stopped").where}
        ORDER BY month DESC, customer_id""", {"s": snap.snapshot})


def monthly_volumes(cur, snap: Snapshot) -> pd.DataFrame:
    """Per month: responses, linked responses, paying customers: a gap or a cliff shows a broken feed."""
    return query(cur, f"""
        SELECT coalesce(n.month, r.month) AS month, coalesce(n.responses, 0) AS responses,
               coalesce(n.linked, 0) AS linked_responses, coalesce(r.paying, 0) AS paying_customers
        FROM (SELECT month, {measures.select("fact_nps", "responses", linked="linked_responses")}
              FROM fact_nps WHERE snapshot = $s GROUP BY 1) n
        FULL JOIN (SELECT month, {measures.select("fact_month", "paying")} FROM fact_month
                   WHERE snapshot = $s GROUP BY 1) r USING (month)
        ORDER BY month""", {"s": snap.snapshot})

