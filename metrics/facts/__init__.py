"""The fact tables: one SQL file per fact, and the order they are built in (PLAN). Pure: no engine here.

The contract every engine keeps (DuckDB in the workspace: metrics/facts/parts.py; Spark: metrics/build.py):

- Each step's SQL is one SELECT in DuckDB's dialect. It reads only
  - the input views `in_nps`, `in_csat`, `in_customers`, `in_revenue`, `in_tickets`: the canonical columns of
    each kind (INPUT_COLUMNS), the rows of the chosen version(s) only, without a `version` column. For the
    response kinds (nps, csat) with several sources, an answer present in more than one source is kept once
    (from the latest source), and `row_number` orders the answers across sources (by source, then file row):
    "the later row wins a same-day tie" relies on it. One source keeps its file row numbers.
  - earlier steps' outputs by their plain name (`fact_customer_month`, `fact_calendar`, ...);
  - named parameters (`$first`, `$last`, ...; see PARAMETERS), never a snapshot, version or partition column.
  The engine adds its own key to every row it stores (the workspace: a part id; Spark: the output folder).
- Every output column is cast explicitly (DECIMAL(18,2) money, BIGINT counts, DATE months, ...) so both
  engines write the same schema; `sqlglot.transpile(sql, read="duckdb", write="spark")` gives Spark SQL with
  the same meaning (no ASOF JOIN, QUALIFY, generate_series/unnest, or DuckDB-only functions:
  tests/facts/test_transpile.py).
- PARAMS_SQL (params.sql), one SELECT over the same input views with `$history` bound, gives first, last,
  rfirst, rlast; `parameters()` adds the external `cfrom` and the constants from metrics/rules.py.
- The dashboard reads fact_customer_month with its NPS categories: the step `fact_customer_month` LEFT JOIN
  `fact_customer_category` ON customer_id and month (READ_COLUMNS gives the columns in the order read).

Each .sql file starts with a header of `-- key: value` lines (grain, inputs, params, columns, rules, shard);
Step takes `inputs`, `params`, `grain` and `shard` from it, and tests/facts checks the header against the SQL's
references.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from metrics.rules import PASSIVE_MIN, PROMOTER_MIN, RETENTION_MONTHS
from metrics.schema import CANONICAL_COLUMNS

HERE = Path(__file__).resolve().parent

# The input views and the kind each one reads.
INPUTS = {"in_nps": "nps", "in_csat": "csat", "in_customers": "customers", "in_revenue": "revenue",
          "in_tickets": "tickets"}
INPUT_COLUMNS = {view: tuple(CANONICAL_COLUMNS[kind]) for view, kind in INPUTS.items()}

MAX_HISTORY_MONTHS = 60  # facts cover at most this many months back from the latest data month
RETENTION_K = RETENTION_MONTHS  # fact_retention is stored for this k; other k run its SQL live
COHORT_MAX_AGE = 24  # fact_cohort holds ages 0…COHORT_MAX_AGE months

# Parameters of the plan. From PARAMS_SQL: first, last, rfirst, rlast. External: cfrom, cuntil. The rest: constants.
CONSTANTS = {"history": MAX_HISTORY_MONTHS, "k": RETENTION_K, "max_age": COHORT_MAX_AGE,
             "promoter_min": PROMOTER_MIN, "passive_min": PASSIVE_MIN}
PARAMETERS = {
    "first": "first month of the facts (DATE, a 1st; NULL: no data)",
    "last": "last month of the facts",
    "rfirst": "first month with revenue data within first…last (NULL: no revenue there)",
    "rlast": "last month with revenue data within first…last",
    "cfrom": "first month whose churn the customers file can tell (NULL: every month); a snapshot churn file "
             "lists only the customers still there shortly before its as-of date. The workspace reads it from "
             "the customers upload (uploads.churn_known_from); other engines take it with their input.",
    "cuntil": "the last day the customers file speaks for (its as-of date; NULL: its last start); the facts reach "
              "its month. The workspace reads it from the customers upload (uploads.last_date); other engines take "
              "it with their input (settings.customers_until).",
    "history": "the most months the facts reach back from the last month",
    "k": "the trailing months of stored retention (GRR/NRR)",
    "max_age": "the oldest cohort age stored, in months",
    "promoter_min": "lowest promoter score", "passive_min": "lowest passive score",
}

_HEADER = re.compile(r"^--\s*([a-z_]+):\s*(.*)$")


@dataclass(frozen=True)
class Step:
    name: str                 # the output's plain name, e.g. fact_month
    sql: str                  # one SELECT (DuckDB dialect), header comment removed
    inputs: tuple[str, ...]   # input views and earlier steps it reads
    params: tuple[str, ...]   # named parameters it uses (without $)
    grain: str                # what one output row is
    doc: str                  # the header comment, as written in the .sql file
    shard: str | None = None  # an input column whose values split the rows exactly (`-- shard:`; see parts.py)


def _names(value: str) -> tuple[str, ...]:
    value = value.strip()
    return () if value in ("", "(none)") else tuple(v.strip() for v in value.split(","))


def load(name: str) -> Step:
    """Read metrics/facts/<name>.sql into a Step."""
    text = (HERE / f"{name}.sql").read_text()
    lines = text.splitlines()
    header = []
    while lines and lines[0].startswith("--"):
        header.append(lines.pop(0))
    fields: dict[str, str] = {}
    key = None
    for line in header:
        match = _HEADER.match(line)
        if match and match.group(1) in ("grain", "inputs", "params", "columns", "rules", "shard"):
            key = match.group(1)
            fields[key] = match.group(2)
        elif key is not None:
            fields[key] += " " + line[2:].strip()
    return Step(name=name, sql="\n".join(lines).strip() + "\n", inputs=_names(fields.get("inputs", "")),
                params=_names(fields.get("params", "")), grain=" ".join(fields.get("grain", "").split()),
                doc="\n".join(header), shard=fields.get("shard", "").split(" ")[0].strip() or None)


ORDER = ("fact_calendar", "fact_customer_month", "fact_customer_category", "fact_month", "fact_retention",
         "fact_cohort", "fact_transition", "fact_nps", "fact_csat")
PLAN: tuple[Step, ...] = tuple(load(name) for name in ORDER)
STEPS = {step.name: step for step in PLAN}
PARAMS_STEP = load("params")
PARAMS_SQL = PARAMS_STEP.sql  # one row: first, last, rfirst, rlast

# fact_customer_month as the dashboard reads it: the base columns with the NPS categories of
# fact_customer_category (NULL for a customer-month without an earlier response) before churn_month.
BASE_COLUMNS = ("customer_id", "month", "segment", "region", "in_customers", "has_revenue", "active_start",
                "active", "started", "churned", "mrr", "prev_mrr", "new_mrr", "reactivation_mrr", "expansion_mrr",
                "contraction_mrr", "churned_mrr", "churn_month")
READ_COLUMNS = (*BASE_COLUMNS[:-1], "category_start", "category_end", "churn_month")


def parameters(first: dt.date | None, last: dt.date | None, rfirst: dt.date | None, rlast: dt.date | None,
               cfrom: dt.date | None = None, cuntil: dt.date | None = None) -> dict:
    """Every parameter of the plan: PARAMS_SQL's row (first, last, rfirst, rlast), the external cfrom and cuntil,
    and the constants."""
    return {**CONSTANTS, "first": first, "last": last, "rfirst": rfirst, "rlast": rlast, "cfrom": cfrom,
            "cuntil": cuntil}


def referenced_params(sql: str) -> set[str]:
    return set(re.findall(r"\$([a-z_][a-z0-9_]*)", sql))


def referenced_relations(sql: str) -> set[str]:
    """The input views and facts a step's SQL reads (names after FROM or JOIN; comments left out)."""
    code = re.sub(r"--[^\n]*", "", sql)
    return set(re.findall(r"\b(?:FROM|JOIN)\s+((?:in|fact)_[a-z_]+)\b", code, re.IGNORECASE))
