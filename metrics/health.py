"""Data health for the CIO: what is loaded, how well the sources match, how fresh they are, and findings.

- Match rates: share of NPS responses whose customer id is in the customers or revenue data; share of
  revenue customer-months whose customer is in the customers file; share of active customers with at
  least one response.
- Id spellings: customer ids of the revenue, NPS, CSAT and ticket files that match no customers-file id as written
  but do match one once capitals, spaces and punctuation are ignored ('ACME INC.' for 'Acme Inc'): ids are linked as
  text, so those rows are read as no known customer. Reported, never merged (what the stored data says is the
  analyst's decision).
- Freshness: the latest date in each source and its age in days at `today`.
- Finding "revenue stopped while active": a customer the customers file lists as active in month M whose
  MRR went from > 0 in M−1 to 0 in M. Reported here; not counted in logo churn (the customers file decides
  that), while the MRR bridge counts the stopped revenue as churned MRR (definitions.REVENUE_STOPPED_RULE).
- Finding "revenue after churn": the reverse, a customer the customers file says churned in month C who still has
  MRR > 0 in a month after C. Logo churn counts it as churned; GRR, NRR, the MRR bridge and the revenue cohorts
  count it as retained (definitions.REVENUE_AFTER_CHURN_RULE): the two disagree, and the pages say so.

The match rates, id spellings and both findings read the whole snapshot and nothing else: each is worked out once
per data version and stored (metrics/snapshot_results.py), by the background job or the first page to ask.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from metrics import measures, snapshot_results, stats
from metrics.rules import id_spelling_key
from metrics.store import KIND_LABELS, KINDS, Snapshot, source_rows, sources_read
from metrics.view import View, query

_FCM = "fact_customer_month"  # its measures (metrics.measures) also read fact_customer_revenue, its revenue part
# the code a stored result is worked out by (snapshot_results.stored): a change to any of these works it out again
_CODE = ("health.py", "measures.py", "definitions.py", "rules.py", "stats.py", "store.py", "view.py")


def _stored(cur, snap: Snapshot, name: str, **args):
    """_<name>(cur, snap, **args), stored once per snapshot (module docstring)."""
    compute = globals()["_" + name]
    return snapshot_results.stored(cur, snap.snapshot, {"versions": snap.versions, "sources": snap.sources,
                                                       "last_month": snap.last_month},
                                   name, lambda: compute(cur, snap, **args), code=_CODE, **args)


def stored_checks(cur, snap: Snapshot) -> None:
    """Work out and store every stored check of the snapshot (the background job, ui.warm)."""
    match_rates(cur, snap)
    id_spellings(cur, snap)
    revenue_stopped_while_active(cur, snap)
    revenue_after_churn(cur, snap)


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
        "notes": None if info is None or pd.isna(info.notes) else info.notes,
        "first_date": None if info is None else info.first_date,
        "last_date": None if info is None else info.last_date,
        "uploaded_at": None if info is None else info.uploaded_at,
        "days_old": None if info is None or pd.isna(info.last_date)
        else (today - pd.Timestamp(info.last_date).date()).days,
    }


def match_rates(cur, snap: Snapshot) -> dict[str, float | None]:
    """_match_rates, stored."""
    return _stored(cur, snap, "match_rates")


def _match_rates(cur, snap: Snapshot) -> dict[str, float | None]:
    """Shares of responses and of paying customer-months whose customer is in the customers file (None without
    one: "0.0% matched" would read as a failed match), and of active customers surveyed (None without NPS data)."""
    surveyed = query(cur, """SELECT count_if(category_end IS NOT NULL) AS l, count(*) AS t
                             FROM fact_customer_month WHERE snapshot = $s AND month = $m AND active""",
                     {"s": snap.snapshot, "m": snap.last_month}).iloc[0]
    # without survey data nobody could be surveyed: "0.0% surveyed" would read as surveys nobody answered
    shares = {"active_surveyed": stats.ratio(stats.num(surveyed.l), stats.num(surveyed.t))
              if snap.versions.get("nps") is not None else None}
    if snap.versions.get("customers") is None:  # linking is to the customers file: none, no share to read
        return {"responses_linked": None, "revenue_linked": None, **shares}
    nps = query(cur, f"""SELECT {measures.select("fact_nps", l="linked_responses", t="responses")}
                         FROM fact_nps WHERE snapshot = $s""", {"s": snap.snapshot}).iloc[0]
    rev = query(cur, f"""SELECT {measures.select(_FCM, l="linked_paying_months", t="paying_months")}
                         FROM fact_customer_revenue WHERE snapshot = $s""", {"s": snap.snapshot}).iloc[0]
    return {"responses_linked": stats.ratio(stats.num(nps.l), stats.num(nps.t)),
            "revenue_linked": stats.ratio(stats.num(rev.l), stats.num(rev.t)), **shares}


# The kinds whose customer ids are linked to the customers file, in the order they are reported, and their names in
# an example ("'ACME INC.' (revenue) = 'Acme Inc' (customers)").
ID_KINDS = {"revenue": "revenue", "nps": "NPS", "csat": "CSAT", "tickets": "tickets"}


def id_spellings(cur, snap: Snapshot, examples: int = 3) -> dict:
    """_id_spellings, stored."""
    return _stored(cur, snap, "id_spellings", examples=examples)


def _id_spellings(cur, snap: Snapshot, examples: int = 3) -> dict:
    """Customer ids in the snapshot's revenue, NPS, CSAT and ticket sources equal to no customers-file id but to one
    once case, spaces and punctuation are ignored: {"ids": {kind: distinct ids}, "rows": {kind: their rows},
    "examples": up to `examples` of "'ACME INC.' (revenue) = 'Acme Inc' (customers)"}; kinds without any are left
    out. Empty without a customers file (nothing to link to)."""
    found: dict = {"ids": {}, "rows": {}, "examples": []}
    kinds = [kind for kind in ID_KINDS if snap.versions.get(kind) is not None]  # a kind without data has no ids
    if snap.versions.get("customers") is None or not kinds:
        return found
    s = snap.snapshot
    others = "\n        UNION ALL ".join(f"SELECT '{kind}' AS kind, * FROM ({_customer_rows(cur, kind, s)})"
                                        for kind in kinds)  # kind: a constant key
    per_kind = query(cur, f"""
        WITH known AS (SELECT customer_key FROM version_customers WHERE version = $cv),
        other AS (
        {others}),
        -- materialised: left to the planner, every id was matched for spelling before the known ones were left out
        unknown AS MATERIALIZED (
            SELECT u.kind, k.customer_id, u.n
            FROM (SELECT * FROM other o
                  WHERE NOT EXISTS (SELECT 1 FROM known WHERE known.customer_key = o.customer_key)) u
            JOIN customer_index k USING (customer_key)),
        -- every customers-file id spelt only when some id is unknown: when none is (the usual case), the 200,000
        -- ids' spellings took 25 of the 58 ms
        spelt AS (SELECT {id_spelling_key("k.customer_id")} AS k, min(k.customer_id) AS customer
                  FROM known JOIN customer_index k USING (customer_key) WHERE EXISTS (SELECT 1 FROM unknown)
                  GROUP BY 1 HAVING k <> '')
        SELECT kind, count(*) AS ids, sum(n)::BIGINT AS rows,
               list([u.customer_id, customer] ORDER BY u.customer_id)[1:$examples] AS examples
        FROM unknown u JOIN spelt ON {id_spelling_key("u.customer_id")} = spelt.k
        GROUP BY kind""", {"s": s, "cv": snap.versions["customers"], "examples": examples})
    for kind, noun in ID_KINDS.items():
        row = per_kind[per_kind.kind == kind]
        if row.empty:
            continue
        row = row.iloc[0]
        found["ids"][kind], found["rows"][kind] = int(row.ids), int(row.rows)
        found["examples"] += [f"'{other}' ({noun}) = '{customer}' (customers)" for other, customer in row.examples]
    found["examples"] = found["examples"][:examples]
    return found


def _customer_rows(cur, kind: str, s: int) -> str:
    """SELECT customer_key, n: each customer of the snapshot's `kind` (bound $s) with its rows. From version_customers
    when the snapshot reads one source of the kind (its ids, written with the version: at 200,000 customers the
    rows' 7M ids took ~0.5 s to read and match), else from the rows, an answer in several sources once."""
    if sources_read(cur, s, kind) == 1:
        return (f"SELECT customer_key, rows AS n FROM version_customers WHERE version = "
                f"(SELECT version FROM snapshot_sources WHERE snapshot = $s AND kind = '{kind}')")
    return (f"SELECT k.customer_key, count(*) AS n FROM {source_rows(kind, 's')} r "
            "JOIN customer_index k USING (customer_id) GROUP BY ALL")


def revenue_stopped_while_active(cur, snap: Snapshot) -> pd.DataFrame:
    """Customers whose MRR dropped to 0 in a month the customers file says they were active (stored)."""
    return _stored(cur, snap, "revenue_stopped_while_active")


def _revenue_stopped_while_active(cur, snap: Snapshot) -> pd.DataFrame:
    return query(cur, f"""
        SELECT customer_id, month, prev_mrr::DOUBLE AS last_mrr, segment
        FROM fact_customer_revenue
        WHERE snapshot = $s AND {measures.measure(_FCM, "revenue_stopped").where}
        ORDER BY month DESC, customer_id""", {"s": snap.snapshot})


def revenue_after_churn(cur, snap: Snapshot) -> pd.DataFrame:
    """Customers the customers file says churned whose MRR is still > 0 in a later month: one row each, with its
    churn month, how many later months it paid, the latest of them and its MRR then (stored)."""
    return _stored(cur, snap, "revenue_after_churn")


def _revenue_after_churn(cur, snap: Snapshot) -> pd.DataFrame:
    # the months paying_after_churn counts (its measure's rule, one home); `churn_month IS NOT NULL`, which the rule
    # implies, is a filter DuckDB applies while scanning, before it reads the other columns (53 -> 32 ms at 4.3M
    # customer-months)
    return query(cur, f"""
        SELECT customer_id, churn_month, count(*) AS months_paid, max(month) AS last_month,
               arg_max(mrr, month)::DOUBLE AS last_mrr, any_value(segment) AS segment
        FROM fact_customer_revenue
        WHERE snapshot = $s AND churn_month IS NOT NULL AND {measures.measure(_FCM, "paying_after_churn").where}
        GROUP BY customer_id, churn_month
        ORDER BY last_mrr DESC, customer_id""", {"s": snap.snapshot})


def paying_after_churn(cur, view: View) -> tuple[int, float]:
    """(customers, MRR) in the view's last month of customers the customers file says churned before that month
    but who still pay in it (the view's segment and region): counted as retained revenue by GRR and NRR."""
    row = query(cur, f"""
        SELECT {measures.select(_FCM, n="paying_after_churn", mrr="mrr_after_churn")} FROM fact_customer_revenue
        WHERE {View.where()} AND month = $end""", view.params()).iloc[0]
    return int(row.n), 0.0 if stats.missing(row.mrr) else float(row.mrr)


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

