"""Each registry entry against the code (MetricFlow's integration cases: a metric paired with a check).

1. Its written SQL (metrics/definitions.py `Metric.sql`) run on the fact gives the same figure as its Python
   function, on the hand-built reference data and on the sample company: the SQL the Glossary and
   docs/metrics.md show is the arithmetic the pages use, not a paraphrase.
2. A hand-worked figure per metric on the reference data (tests/fixtures/reference; see tests/test_metrics.py for
   the data), keyed by the metric's registry name.
"""

import datetime as dt
import math
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from metrics import cohorts, csat, health, linkage, measures, nps, revenue, value
from metrics.definitions import METRICS
from metrics.view import View, query

JAN, APR = dt.date(2025, 1, 1), dt.date(2025, 4, 1)


def whole(ws) -> View:
    """Every month of the latest data version: the health figures (all months) and the windowed ones agree."""
    snap = ws.snapshot()
    return View(snap.snapshot, snap.first_month, snap.last_month)


# The CIO's figures cover every month of the data version (pages/cio.py says so); the rest the view's window.
ALL_MONTHS = {"revenue_linked", "revenue_stopped"}
WINDOW_COLUMN = {"fact_cohort": "cohort"}  # the facts' month column, when it is not `month`


def by_sql(cur, name: str, v: View):
    """The registry SQL of `name` over the view's snapshot, filters and window: a scalar, a tuple, or
    {group: values}."""
    m = METRICS[name]
    group = f", {m.group_by}" if m.group_by else ""
    window = "" if name in ALL_MONTHS else f" AND {WINDOW_COLUMN.get(m.fact, 'month')} BETWEEN $start AND $end"
    frame = query(cur, f"SELECT {m.sql}{group} FROM {m.fact} WHERE {View.where()}{window}"
                       + (f" GROUP BY {m.group_by}" if m.group_by else ""), v.params())
    width = len(frame.columns) - (len(m.group_by.split(",")) if m.group_by else 0)
    values = [tuple(None if pd.isna(x) else float(x) for x in row[:width]) for row in frame.itertuples(index=False)]
    if m.group_by:
        keys = [tuple(None if pd.isna(k) else pd.Timestamp(k).date() if isinstance(k, pd.Timestamp) else k
                      for k in row[width:]) for row in frame.itertuples(index=False)]
        return {k[0] if len(k) == 1 else k: v_[0] if len(v_) == 1 else v_ for k, v_ in zip(keys, values, strict=True)}
    return values[0][0] if width == 1 else values[0]


def _cats(frame: pd.DataFrame, column: str, keep=lambda row: True) -> dict:
    return {(None if c == linkage.NO_RESPONSE else c): float(v)
            for c, v, (_, row) in zip(frame.category, frame[column], frame.iterrows(), strict=True)
            if keep(row) and not pd.isna(v)}


# metric name -> its figure from the metric's own Python function, in by_sql's shape
BY_FUNCTION = {
    "nps": lambda cur, v, s: nps.summary(cur, v).value,
    "csat": lambda cur, v, s: csat.summary(cur, v).value,
    "responses": lambda cur, v, s: nps.summary(cur, v).n,
    "promoters": lambda cur, v, s: (lambda r: r.promoters / r.n)(nps.summary(cur, v)),
    "detractors": lambda cur, v, s: (lambda r: r.detractors / r.n)(nps.summary(cur, v)),
    "logo_churn": lambda cur, v, s: revenue.logo_churn(cur, v).monthly,
    "annual_churn": lambda cur, v, s: revenue.logo_churn(cur, v).annual,
    "mrr": lambda cur, v, s: revenue.mrr_by_month(cur, v).mrr.iloc[-1],
    "arr": lambda cur, v, s: revenue.arr_change(cur, v)[0],
    "nrr": lambda cur, v, s: (lambda r: None if r is None else r.nrr)(revenue.retention(cur, v)),
    "grr": lambda cur, v, s: (lambda r: None if r is None else r.grr)(revenue.retention(cur, v)),
    "arpa": lambda cur, v, s: revenue.mrr_by_month(cur, v).arpa.iloc[-1],
    "mrr_movements": lambda cur, v, s: tuple(revenue.mrr_by_month(cur, v)[c].sum() for c in
                                             ("new", "reactivation", "expansion", "contraction", "churned")),
    "quick_ratio": lambda cur, v, s: revenue.quick_ratio(revenue.mrr_by_month(cur, v)),
    "new_customers": lambda cur, v, s: revenue.churn_by_month(cur, v).started.sum(),
    "new_mrr": lambda cur, v, s: revenue.mrr_by_month(cur, v).new.sum(),
    "advocates": lambda cur, v, s: linkage.current_by_category(cur, v).set_index("category").customers
                                   .get("Promoter", 0),
    "churn_by_category": lambda cur, v, s: _cats(linkage.by_category(cur, v), "churn_rate",
                                                 lambda row: row.customers > 0),
    "avg_mrr_by_category": lambda cur, v, s: _cats(linkage.by_category(cur, v), "avg_mrr"),
    "arr_by_category": lambda cur, v, s: _cats(linkage.arr_shares(linkage.current_by_category(cur, v)), "arr"),
    "revenue_linked": lambda cur, v, s: health.match_rates(cur, s)["revenue_linked"],
    "revenue_stopped": lambda cur, v, s: health.revenue_stopped_while_active(cur, s).customer_id.nunique(),
    "transitions": lambda cur, v, s: {(r.from_category, r.to_category): (float(r.pairs), float(r.mrr))
                                      for r in value.transitions(cur, v).itertuples()},
    "cohorts": lambda cur, v, s: {(pd.Timestamp(r.cohort).date(), r.age): (float(r.customers), float(r.mrr))
                                  for r in cohorts.cohort_table(cur, v).itertuples()},
}


def close(a, b) -> bool:
    if isinstance(a, dict):
        return all(k in b and close(a[k], b[k]) for k in a)  # the SQL may hold groups the function leaves out
    if isinstance(a, tuple):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        return (a is None or math.isnan(a)) and (b is None or (isinstance(b, float) and math.isnan(b)))
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def test_every_sql_entry_is_checked():
    assert {n for n, m in METRICS.items() if m.sql} == set(BY_FUNCTION)


@pytest.mark.parametrize("workspace", ["reference_ws", "sample_ws"])
@pytest.mark.parametrize("name", sorted(BY_FUNCTION))
def test_registry_sql_agrees_with_the_function(name, workspace, request):
    ws = request.getfixturevalue(workspace)
    cur, v = ws.cursor(), whole(ws)
    if workspace == "sample_ws":  # the pages' default: the last 12 months, where NRR / GRR are measurable
        from metrics.rules import add_months

        v = View(v.snapshot, add_months(v.end, -11), v.end)
    expected = BY_FUNCTION[name](cur, v, ws.snapshot())
    if isinstance(expected, dict) and expected:
        assert any(not pd.isna(x) for x in expected.values())
    assert close(expected, by_sql(cur, name, v)), (expected, by_sql(cur, name, v))


# ---- hand-worked figures, one per metric, on the reference data (January – April 2025) ---------------
HAND = {
    # 7 responses Jan–Apr: promoters r5 r6 r7, detractors r2 r4 → 100 × (3 − 2) ÷ 7
    "nps": (lambda cur, v, s: nps.summary(cur, v).value, 100 / 7),
    # Σ active at month start 1 + 3 + 3 + 3 = 10, churned B (Mar), E (Apr) = 2
    "logo_churn": (lambda cur, v, s: revenue.logo_churn(cur, v).monthly, 0.2),
    "annual_churn": (lambda cur, v, s: revenue.logo_churn(cur, v).annual, 1 - 0.8 ** 12),
    # Apr MRR: A 150 + D 200
    "arr": (lambda cur, v, s: revenue.arr_change(cur, v)[0], 12 * 350),
    # Jan: A, B new 150; Mar: E new 300
    "new_mrr": (lambda cur, v, s: revenue.mrr_by_month(cur, v).new.sum(), 450),
    # A, B start in Jan, C in Feb, E in Mar
    "new_customers": (lambda cur, v, s: revenue.churn_by_month(cur, v).started.sum(), 4),
    # Jan–Apr: new 450 + reactivation 200 + expansion 50 = 700; contraction 20 + churned 530 = 550
    "quick_ratio": (lambda cur, v, s: revenue.quick_ratio(revenue.mrr_by_month(cur, v)), 700 / 550),
    # current in Apr: A (latest r4, 6), D (latest r7, 10), E paid in Mar only but is active until 10 Apr
    # (latest r6, 10) → promoters D and E
    "advocates": (lambda cur, v, s: linkage.current_by_category(cur, v).set_index("category").customers["Promoter"],
                  2),
    # responses linked r2 r3 r4 r6 r7 of 7; A, D, E active in Apr all answered; Apr ARR all answered
    "coverage": (lambda cur, v, s: linkage.coverage(cur, v), {"responses": 5 / 7, "customers": 1.0, "arr": 1.0}),
    # from Feb: base Jan MRR A 100 (promoter), D 200 (passive), B 50 (detractor); Apr: A 150, D 200, B 0
    "nrr_by_category": (lambda cur, v, s: linkage.by_category(cur, View(v.snapshot, dt.date(2025, 2, 1), APR))
                        .set_index("category").nrr.to_dict(), {"Promoter": 1.5, "Passive": 1.0, "Detractor": 0.0}),
    # revenue data ends in April 2025 (its last day the 30th): 31 days old on 31 May 2025
    "freshness": (lambda cur, v, s: health.sources(cur, s, dt.date(2025, 5, 31)).set_index("source")
                  .days_old["Revenue"], 31),
    # D active all along but no MRR in March
    "revenue_stopped": (lambda cur, v, s: health.revenue_stopped_while_active(cur, s).customer_id.tolist(), ["D"]),
    # 25% of 200 detractors with ARR 2,000,000 move to a category churning .15 a year instead of .30:
    # .25 × 2e6 × .15 = 75,000 kept; payback of 30,000 = 30,000 ÷ (75,000 × .8 ÷ 12) = 6 months
    "what_if": (lambda cur, v, s: (lambda w: (w.arr_kept, w.payback_months))(
        value.what_if(0.25, 200, 2_000_000, 0.30, 0.15, investment=30_000)), (75_000, 6.0)),
}


@pytest.mark.parametrize("name", sorted(HAND))
def test_hand_worked(name, reference_ws):
    assert name in METRICS
    fn, expected = HAND[name]
    cur, snap = reference_ws.cursor(), reference_ws.snapshot()
    got = fn(cur, View(snap.snapshot, JAN, APR), snap)
    assert got == (pytest.approx(expected) if not isinstance(expected, list) else expected)


# ---- one home: every aggregate a metric reads is written once, in metrics/measures.py ----------------
ROOT = Path(__file__).resolve().parent.parent
# Every module that computes or shows a figure (metrics/facts/*.sql build the facts from rows: their sums are
# the facts' columns, not a metric's aggregate).
SCANNED = sorted([*(ROOT / "metrics").glob("*.py"), *(ROOT / "pages").glob("*.py"),
                  *(ROOT / n for n in ("app.py", "ui.py", "charts.py", "report.py"))])
ROW_LISTS = {"revenue_stopped"}  # its function lists the rows the registry's SQL counts: it reads the measure's rows


def _norm(text: str) -> str:
    """Lower case, single spaces, none inside parentheses' edges: `sum( x )` is `sum(x)`."""
    return re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", re.sub(r"\s+", " ", text))).lower()


def hand_written(source: str) -> list[str]:
    """Measures whose aggregate `source` spells out instead of taking from metrics.measures: the aggregate with
    its own rows, or a count's paraphrase count_if(rows). A bare count(*) is SQL's row count, not a rule."""
    src = _norm(source)
    found = []
    for fact, ms in measures.MEASURES.items():
        for m in ms.values():
            texts = {m.sql()} - {"count(*)"}
            if m.agg == "count(*)" and m.where:
                texts.add(f"count_if({m.where})")
            found += [f"{fact}.{m.name}: {t}" for t in texts if _norm(t) in src]
    return found


def test_the_scan_catches_a_hand_written_aggregate():
    assert hand_written("SELECT sum( churned ) FROM fact_month") == ["fact_month.churned: sum(churned)"]
    assert "fact_customer_month.paying_months: count_if(mrr > 0)" in hand_written("count_if(mrr > 0) AS t")
    assert hand_written("SELECT count(*) FROM uploads") == []


@pytest.mark.parametrize("path", [p for p in SCANNED if p.name != "measures.py"], ids=lambda p: p.name)
def test_no_module_writes_a_measure_by_hand(path):
    assert hand_written(path.read_text()) == []


class Recording:
    """A cursor that keeps the SQL it runs."""

    def __init__(self, cur):
        self.cur, self.sql = cur, []

    def execute(self, sql, *args, **kwargs):
        self.sql.append(_norm(sql))
        return self.cur.execute(sql, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.cur, name)


@pytest.mark.parametrize("name", sorted(BY_FUNCTION))
def test_the_function_runs_the_metrics_measures(name, reference_ws):
    """The function behind a registry entry reads the entry's measures from metrics.measures (with the scan
    above: nowhere else can the text come from)."""
    m = METRICS[name]
    cur = Recording(reference_ws.cursor())
    BY_FUNCTION[name](cur, whole(reference_ws), reference_ws.snapshot())
    ran = " ; ".join(cur.sql)
    used = measures.names_in(m.fact, m.expr)
    assert used, f"{name}: its expression names no measure of {m.fact}"
    for measure in (measures.measure(m.fact, n) for n in used):
        assert _norm(measure.where) in ran, (name, measure.name, measure.where)
        assert name in ROW_LISTS or _norm(measure.agg) in ran, (name, measure.name, measure.agg)


def test_a_metric_sql_is_its_expression_over_measures():
    assert METRICS["logo_churn"].sql == "sum(churned) / sum(active_start)"
    assert METRICS["arr"].sql == "12 * sum(mrr) FILTER (month = $end)"
    assert METRICS["nps"].sql == ("100.0 * (coalesce(sum(responses) FILTER (score >= 9), 0) - coalesce(sum(responses) "
                                  "FILTER (score <= 6), 0)) / sum(responses)")
    # two promoters and two passives, no detractor: +50 (a band with no responses counts 0, not NULL)
    assert duckdb.sql(f"SELECT {METRICS['nps'].sql} FROM (VALUES (9, 1), (10, 1), (7, 2)) t(score, responses)"
                      ).fetchall() == [(50.0,)]
    assert METRICS["advocates"].sql == ("count(*) FILTER ((active OR mrr > 0) AND month = $end AND "
                                        "category_end = 'Promoter')")
    assert measures.render("fact_month", "mrr / paying", "month = $end") == (
        "sum(mrr) FILTER (month = $end) / sum(paying) FILTER (month = $end)")
    assert measures.render("fact_month", "pow(1 - churned, 12)") == "pow(1 - sum(churned), 12)"


def test_a_metric_evaluated_in_python_is_its_expression():
    # reference data Jan–Apr: churned 2 of 10 active at month starts
    assert METRICS["logo_churn"].evaluate(churned=2, active_start=10) == 0.2
    assert METRICS["annual_churn"].evaluate(churned=2, active_start=10) == pytest.approx(1 - 0.8 ** 12)
    assert METRICS["nps"].evaluate(promoters=3, detractors=2, responses=7) == pytest.approx(100 / 7)
    assert METRICS["quick_ratio"].evaluate(new_mrr=450, reactivation_mrr=200, expansion_mrr=50, contraction_mrr=20,
                                           churned_mrr=530) == pytest.approx(700 / 550)
    # where SQL gives NULL: a zero denominator, a missing value
    assert METRICS["logo_churn"].evaluate(churned=0, active_start=0) is None
    assert METRICS["nrr"].evaluate(end_mrr=float("nan"), base_mrr=100) is None
    assert METRICS["arpa"].evaluate(mrr=pd.NA, paying=3) is None
    with pytest.raises(ValueError, match="not 'x.__class__'"):
        measures.evaluate("x.__class__", {"x": 1})
    with pytest.raises(ValueError, match="not .open"):
        measures.evaluate("open('/etc/passwd')", {})
