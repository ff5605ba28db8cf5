"""The fact SQL keeps its contract (metrics/facts/__init__.py): each file's header says what the SQL reads and
uses, the SQL writes the columns and types of its table, and SQLGlot turns it into Spark SQL without DuckDB-only
constructs."""

from __future__ import annotations

import re

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from metrics import facts
from metrics.facts import INPUTS, PARAMS_STEP, PLAN, STEPS, keys, parts
from metrics.schema import FACT_SCHEMA, FACT_VIEWS, SCHEMA, part_table

ALL = (PARAMS_STEP, *PLAN)


@pytest.mark.parametrize("step", ALL, ids=lambda s: s.name)
def test_header_names_exactly_what_the_sql_reads_and_uses(step):
    assert step.grain and step.doc.startswith(f"-- {step.name}:")
    assert facts.referenced_relations(step.sql) == set(step.inputs)
    assert facts.referenced_params(step.sql) == set(step.params)
    assert set(step.params) <= set(facts.PARAMETERS)


def test_steps_read_only_inputs_and_earlier_steps():
    seen: set[str] = set()
    for step in PLAN:
        assert set(step.inputs) <= set(INPUTS) | seen, step.name
        seen.add(step.name)
    assert tuple(STEPS) == facts.ORDER


def test_relation_and_param_finders_see_what_they_should():
    sql = "SELECT in_customers, $k FROM in_nps n JOIN fact_month m ON true -- FROM in_csat $x\nWHERE a = $v_nps_0"
    assert facts.referenced_relations(sql) == {"in_nps", "fact_month"}  # a column named in_customers is not read
    assert facts.referenced_params(sql) == {"k", "x", "v_nps_0"}


def _columns(cur, table: str) -> list[tuple[str, str]]:
    return cur.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
                       "ORDER BY column_index", [table]).fetchall()


@pytest.mark.parametrize("step", PLAN, ids=lambda s: s.name)
def test_each_step_writes_its_table_columns_and_types(step):
    con = duckdb.connect()
    con.execute(SCHEMA)
    con.execute(FACT_SCHEMA)
    body, bound = parts._with_inputs(step.sql, step.inputs, {}, {n: 0 for n in STEPS})
    params = {**facts.parameters(None, None, None, None), **bound}
    sql = f"CREATE TABLE probe AS SELECT * FROM ({body}) LIMIT 0"
    con.execute(sql, parts._bind(sql, params))
    # all but the workspace's own columns: `part` first, and the customer key last where the table has one
    written = _columns(con, part_table(step.name))[1:]
    if part_table(step.name) in keys.KEYED:
        assert written[-1] == (keys.COLUMN, "INTEGER")
        written = written[:-1]
    assert _columns(con, "probe") == written


def test_views_keep_the_layout_metric_queries_read():
    con = duckdb.connect()
    con.execute(SCHEMA)
    con.execute(FACT_SCHEMA)
    con.execute(FACT_VIEWS)
    cols = [c for c, _ in _columns(con, "fact_customer_month")]
    assert cols == ["snapshot", *facts.READ_COLUMNS]
    for step in PLAN:
        assert [c for c, _ in _columns(con, step.name)][0] == "snapshot"


# ---- Spark through SQLGlot -------------------------------------------------------------------------------
DUCKDB_ONLY = re.compile(r"\bASOF\b|\bQUALIFY\b|GENERATE_SERIES|\bUNNEST\b|\bEXPLODE\b|TO_MONTHS|::|\$[a-z]|"
                         r"\bARG_(MAX|MIN)\b|\bEXCLUDE\b|STRUCT_PACK|\bLIST_|\bSTRFTIME\b|\bEPOCH|DATE_DIFF|"
                         r"\bINTERVAL\s*\(", re.IGNORECASE)


def spark_problems(sql: str) -> list[str]:
    """Why the DuckDB SQL would not run with the same meaning on Spark once transpiled (empty: fine)."""
    try:
        out = sqlglot.transpile(sql, read="duckdb", write="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)
    except sqlglot.errors.SqlglotError as exc:
        return [f"sqlglot: {exc}"]
    problems = [f"{len(out)} statements"] if len(out) != 1 else []
    problems += [f"DuckDB-only: {m.group(0)}" for m in DUCKDB_ONLY.finditer(out[0])]
    tree = sqlglot.parse_one(out[0], read="spark")
    problems += [f"function unknown to Spark: {f.name}" for f in tree.find_all(exp.Anonymous)]
    # A generator nested in an expression is refused by Spark ("Generators are not supported when nested").
    problems += [f"nested generator: {g.sql('spark')}" for g in tree.find_all(exp.Explode)
                 if not isinstance(g.parent, exp.Alias | exp.Select)]
    return problems


@pytest.mark.parametrize("step", ALL, ids=lambda s: s.name)
def test_every_step_transpiles_to_spark(step):
    assert spark_problems(step.sql) == []
    spark = sqlglot.transpile(step.sql, read="duckdb", write="spark")[0]
    assert {p for p in step.params if f":{p}" in spark} == set(step.params)  # named parameters survive


@pytest.mark.parametrize("sql", [
    "SELECT b.*, l.category FROM base b ASOF LEFT JOIN latest l ON b.customer_id = l.customer_id AND b.m > l.d",
    "SELECT unnest(generate_series(DATE '2024-01-01', DATE '2024-06-01', INTERVAL 1 MONTH))::DATE AS month",
    "SELECT bar(x, 0, 10) AS histogram FROM t",
    "SELECT list_sum(xs), to_months(3) FROM t",
])
def test_the_check_catches_duckdb_only_sql(sql):
    assert spark_problems(sql)


def test_every_fact_a_metric_reads_has_its_sql_file():
    from metrics.definitions import METRICS
    from metrics.schema import TABLES

    read = {name.strip() for m in METRICS.values() for name in m.fact.split(",")}
    facts_read = {name for name in read if name.startswith("fact_")}
    assert facts_read and facts_read <= set(STEPS)  # each one a metrics/facts/<name>.sql
    stored_rows = {*TABLES.values(), "uploads", "comment_analysis", "comment_rows"}  # not facts
    assert read - facts_read <= stored_rows
