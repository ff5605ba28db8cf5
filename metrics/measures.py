"""Measures: every aggregate a metric reads, each written once (MetricFlow's semantic model: a fact and its measures).

A metric in metrics/definitions.py is an expression over measure names ("churned / active_start"); its SQL, as the
Glossary, docs/metrics.md and tests show it, is that expression with each name replaced by the measure's
aggregate (`render`). The metric functions build their SELECT lists from the same measures (`select`), so the
aggregate the page computes and the one the Glossary prints are one text; where a function holds the measures (per
month, per group) it computes the metric with `evaluate`, on the same expression. tests/test_metric_sql.py fails
when a module writes a measure's aggregate by hand, or a metric's function runs without its measures.

A measure is column text over its fact's columns; a function may read it from any relation with those columns
(fact_customer_revenue is fact_customer_month's revenue part; the store's version summary reads the raw rows with
a count column of 1).
"""

from __future__ import annotations

import ast
import operator
import re
from dataclasses import dataclass

from metrics.rules import ARR_FACTOR, CURRENT_CUSTOMER_SQL, band_sql
from metrics.stats import missing


@dataclass(frozen=True)
class Measure:
    fact: str
    name: str
    agg: str            # the aggregate over the fact's columns: "sum(mrr)"
    where: str = ""     # the rows it covers when not all of them: "linked", "prev_mrr > 0"
    type: str = ""      # the SQL type a function reads it as (BIGINT for counts, DOUBLE for money)

    def sql(self, where: str = "") -> str:
        """The aggregate, filtered by its own rows and by `where` (a window condition such as month = $end)."""
        conditions = [c for c in (self.where, where) if c]
        sql = self.agg + (f" FILTER ({' AND '.join(conditions)})" if conditions else "")
        # A sum over rows none of which qualify is NULL in SQL; a count of responses in a band is 0 (an NPS with
        # no detractors is a number, not NULL). Rows in the window at all decide whether there is a figure.
        return f"coalesce({sql}, 0)" if self.where and self.type == "BIGINT" and self.agg.startswith("sum(") else sql


def _facts(*measures: Measure) -> dict[str, dict[str, Measure]]:
    out: dict[str, dict[str, Measure]] = {}
    for m in measures:
        assert m.name not in out.setdefault(m.fact, {}), f"{m.fact}.{m.name} twice"
        out[m.fact][m.name] = m
    return out


def _sums(fact: str, type_: str, *columns: str) -> list[Measure]:
    """Measures that are the plain sum of a fact column of the same name (the facts store counts and money
    pre-aggregated per customer, month and dimension)."""
    return [Measure(fact, c, f"sum({c})", type=type_) for c in columns]


_BANDS = {f"{c.lower()}s": band_sql(c, "score") for c in ("Promoter", "Passive", "Detractor")}
_FCM = "fact_customer_month"

MEASURES: dict[str, dict[str, Measure]] = _facts(
    # fact_nps: responses per score and dimension
    Measure("fact_nps", "responses", "sum(responses)", type="BIGINT"),
    *(Measure("fact_nps", name, "sum(responses)", where, "BIGINT") for name, where in _BANDS.items()),
    Measure("fact_nps", "linked_responses", "sum(responses)", "linked", "BIGINT"),
    # fact_csat: answers per scale, month and dimension
    *_sums("fact_csat", "BIGINT", "answers", "satisfied", "score_sum"),
    # fact_month: one row per month and dimension
    *_sums("fact_month", "BIGINT", "active_start", "churned", "started", "paying"),
    *_sums("fact_month", "DOUBLE", "mrr", "start_mrr", "new_mrr", "reactivation_mrr", "expansion_mrr",
           "contraction_mrr", "churned_mrr"),
    # fact_retention: one row per month, k and dimension
    *_sums("fact_retention", "BIGINT", "base_customers"),
    *_sums("fact_retention", "DOUBLE", "base_mrr", "retained_mrr", "end_mrr"),
    # fact_cohort and fact_transition: customers (response pairs) and their MRR
    *_sums("fact_cohort", "BIGINT", "customers"), *_sums("fact_cohort", "DOUBLE", "mrr"),
    *_sums("fact_transition", "BIGINT", "customers"), *_sums("fact_transition", "DOUBLE", "mrr"),
    # fact_customer_month: one row per customer and month
    Measure(_FCM, "customers", "count(*)", type="BIGINT"),
    Measure(_FCM, "current_customers", "count(*)", CURRENT_CUSTOMER_SQL, "BIGINT"),
    Measure(_FCM, "active_customers", "count(*)", "active", "BIGINT"),
    Measure(_FCM, "mrr", "sum(mrr)", type="DOUBLE"),
    Measure(_FCM, "active_at_start", "count(*)", "active_start", "BIGINT"),
    Measure(_FCM, "churned_in_window", "count(*)", "active_start AND churn_month BETWEEN $start AND $end", "BIGINT"),
    Measure(_FCM, "paying_before", "count(*)", "prev_mrr > 0", "BIGINT"),
    Measure(_FCM, "mrr_before", "sum(prev_mrr)", "prev_mrr > 0", "DOUBLE"),
    Measure(_FCM, "paying_months", "count(*)", "mrr > 0", "BIGINT"),
    Measure(_FCM, "linked_paying_months", "count(*)", "in_customers AND mrr > 0", "BIGINT"),
    Measure(_FCM, "revenue_stopped", "count(DISTINCT customer_id)",
            "active AND NOT churned AND in_customers AND prev_mrr > 0 AND mrr = 0", "BIGINT"),
    # customer-months that lost MRR (contraction or churn): what the quick ratio's denominator rests on
    Measure(_FCM, "losing_months", "count(*)", "contraction_mrr > 0 OR churned_mrr > 0", "BIGINT"),
    # paying in a month after the month the customers file says the customer churned (metrics.health)
    Measure(_FCM, "paying_after_churn", "count(*)", "in_customers AND churn_month < month AND mrr > 0", "BIGINT"),
    Measure(_FCM, "mrr_after_churn", "sum(mrr)", "in_customers AND churn_month < month AND mrr > 0", "DOUBLE"),
)

# Derived columns a metric may name beside its measures: ARR is a multiple of MRR (rules.ARR_FACTOR).
ARR = f"{ARR_FACTOR} * mrr"


def measure(fact: str, name: str) -> Measure:
    try:
        return MEASURES[fact][name]
    except KeyError:
        raise KeyError(f"no measure {name!r} on {fact}") from None


def select(fact: str, *names: str, where: str = "", **aliases: str) -> str:
    """A SELECT list of the fact's measures, typed: `names` under their own names, `aliases` as alias=measure
    (the one place a metric function's aggregates come from). `where` adds a window condition to each."""
    items = [(n, n) for n in names] + list(aliases.items())
    parts = []
    for alias, name in items:
        m = measure(fact, name)
        sql = m.sql(where)
        parts.append(f"({sql})::{m.type} AS {alias}" if m.type else f"{sql} AS {alias}")
    return ", ".join(parts)


_NAME = re.compile(r"(?<![\w$'.])([a-z_][a-z0-9_]*)(?![\w(])")


def render(fact: str, expr: str, where: str = "") -> str:
    """The SQL of an expression over `fact`'s measure names: each name becomes its aggregate (with `where`).
    Words that are not measures (functions, keywords, numbers) stay as written."""
    facts = MEASURES.get(fact, {})
    return _NAME.sub(lambda m: facts[m.group(1)].sql(where) if m.group(1) in facts else m.group(1), expr)


def names_in(fact: str, expr: str) -> list[str]:
    """The measures an expression reads, in order of first use."""
    facts = MEASURES.get(fact, {})
    return list(dict.fromkeys(n for n in _NAME.findall(expr) if n in facts))


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def evaluate(expr: str, values: dict) -> float | None:
    """The expression on measure values already fetched, as SQL would compute it: None where SQL gives NULL (a
    missing value, a zero denominator). A page that holds the measures (per month, per group) computes the metric
    from the same text its SQL is rendered from, not from a second formula."""

    def ev(node) -> float | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.Name):
            value = values[node.id]
            return None if missing(value) else float(value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            x = ev(node.operand)
            return None if x is None else -x
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            a, b = ev(node.left), ev(node.right)
            if a is None or b is None or (isinstance(node.op, ast.Div) and b == 0):
                return None
            return _OPS[type(node.op)](a, b)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "pow"
                and len(node.args) == 2 and not node.keywords):
            a, b = ev(node.args[0]), ev(node.args[1])
            return None if a is None or b is None else a ** b
        raise ValueError(f"a metric expression holds measures, numbers, + − × ÷ and pow(): not {ast.unparse(node)!r}")

    return ev(ast.parse(expr, mode="eval").body)
