"""The facts of the workspace: metrics.facts.PLAN run on DuckDB, each result stored once as a shared part.

Rules
- A snapshot reads, for each fact, one *part*: the rows that fact's SQL gives for one combination of inputs.
  A part's key is a digest of everything its rows depend on: the versions of each kind it reads (every source
  of a response kind, in order) and the SQL of those input views, the values of the parameters it uses, the
  parts of the earlier facts it reads and its own SQL text. A new snapshot reuses every part whose key exists
  already and builds only the others, so storing a survey file rebuilds the NPS facts, not revenue movements,
  retention or cohorts (as long as the month range stays the same: the months are a parameter of nearly every
  fact).
- Part ids are increasing integers and each part's rows are written together, month-ordered: a query for one
  snapshot reads the row groups of its parts only (DuckDB prunes the rest by their min/max).
- A part no snapshot reads any more (after a version is deleted) is removed with its rows (collect()).
- The input views in_<kind> are the snapshot's versions of the canonical tables; several sources of a response
  kind keep an answer present in more than one of them once (from the latest source, the rule of
  store.source_rows) and renumber row_number so it orders the answers by source, then file row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import time

from metrics.facts import INPUT_COLUMNS, INPUTS, PARAMS_STEP, PLAN, STEPS, keys, parameters, referenced_params
from metrics.schema import (
    ANSWER_KEY_SQL,
    APPENDABLE,
    CANONICAL_COLUMNS,
    FACT_SCHEMA,
    FACT_VIEWS,
    LEGACY_FACT_TABLES,
    TABLES,
    part_table,
    quote_ident,
    transaction,
)


def input_sql(view: str, versions: tuple[int, ...]) -> tuple[str, dict]:
    """SELECT for the input view `view` over these versions of its kind, and its parameters."""
    kind = INPUTS[view]
    table = quote_ident(TABLES[kind])
    cols = CANONICAL_COLUMNS[kind]
    names = {f"v_{kind}_{i}": v for i, v in enumerate(versions)}
    if not names:
        return f"SELECT {', '.join(map(quote_ident, cols))} FROM {table} WHERE false", {}
    where = f"version IN ({', '.join('$' + n for n in names)})"
    if len(versions) == 1 or kind not in APPENDABLE:
        return f"SELECT {', '.join(map(quote_ident, cols))} FROM {table} WHERE {where}", names
    ordered = [("row_number() OVER (ORDER BY version, row_number) AS row_number" if c == "row_number"
                else quote_ident(c)) for c in cols]
    return (f"SELECT {', '.join(ordered)} FROM {table} WHERE {where} "
            f"QUALIFY version = max(version) OVER (PARTITION BY {ANSWER_KEY_SQL})", names)


def _with_inputs(sql: str, inputs: tuple[str, ...], sources: dict[str, tuple[int, ...]],
                 parts: dict[str, int], shard: str | None = None) -> tuple[str, dict]:
    """The step's SQL with its input views and earlier facts defined in front of it (as CTEs, so the SQL itself
    stays the engine-neutral text of its file). With `shard` (a column), the input views that have it keep only
    the rows of one slice: hash(column) % $slices = $slice."""
    ctes, params = [], {}
    for name in inputs:
        if name in INPUTS:
            body, bound = input_sql(name, tuple(sources.get(INPUTS[name], ())))
            if shard in INPUT_COLUMNS[name]:
                body = f"SELECT * FROM ({body}) WHERE hash({quote_ident(shard)}) % $slices = $slice"
            params.update(bound)
        else:
            body = f"SELECT * EXCLUDE (part) FROM {part_table(name)} WHERE part = $p_{name}"
            params[f"p_{name}"] = parts[name]
        ctes.append(f"{name} AS NOT MATERIALIZED ({body})")
    if not ctes:
        return sql, params
    return f"WITH {', '.join(ctes)}\nSELECT * FROM (\n{sql})", params


def _bind(sql: str, params: dict) -> dict:
    """Only the parameters the SQL names (DuckDB refuses unused named parameters)."""
    used = referenced_params(sql)
    return {k: v for k, v in params.items() if k in used}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def month_range(cur, sources: dict[str, tuple[int, ...]], cfrom: dt.date | None = None,
                cuntil: dt.date | None = None) -> tuple:
    """(first, last, rfirst, rlast) of these versions: metrics/facts/params.sql."""
    sql, params = _with_inputs(PARAMS_STEP.sql, PARAMS_STEP.inputs, sources, {})
    return cur.execute(sql, _bind(sql, {**params, **parameters(None, None, None, None, cfrom=cfrom,
                                                               cuntil=cuntil)})).fetchone()


def build(cur, snapshot: int, sources: dict[str, tuple[int, ...]], careful: bool = False) -> dict:
    """Give the snapshot a part of every fact, building the parts no earlier snapshot has; returns the plan's
    parameters (first, last, rfirst, rlast, ...). `careful`: slice a shard step by the memory it may take at most
    (ROW_BYTES) whatever its rows, never by what it usually takes (see _slices); the workspace retries a build that
    ran out of memory so (store.Workspace)."""
    cv = sources.get("customers")
    cfrom, cuntil = cur.execute("SELECT churn_known_from, last_date FROM uploads WHERE version = ?",
                                [cv[-1]]).fetchone() if cv else (None, None)
    params = parameters(*month_range(cur, sources, cfrom, cuntil), cfrom=cfrom, cuntil=cuntil)
    parts: dict[str, int] = {}
    for step in PLAN:
        described = {
            "sql": _digest(step.sql),
            "inputs": {n: list(sources.get(INPUTS[n], ())) if n in INPUTS else parts[n] for n in step.inputs},
            # how each input view reads its versions (a change to that rule must not reuse older parts)
            "views": {n: _digest(input_sql(n, tuple(sources.get(INPUTS[n], ())))[0]) for n in step.inputs
                      if n in INPUTS},
            "params": {p: _plain(params[p]) for p in step.params},
        }
        text = json.dumps(described, sort_keys=True)
        key = hashlib.sha256(text.encode()).hexdigest()
        row = cur.execute("SELECT part FROM fact_parts WHERE fact = ? AND key = ?", [step.name, key]).fetchone()
        if row is None:
            part = cur.execute("SELECT coalesce(max(part), 0) + 1 FROM fact_parts").fetchone()[0]
            started = time.perf_counter()
            count = _insert_part(cur, step, part, {**params, "part": part}, sources, parts, careful)
            cur.execute("INSERT INTO fact_parts VALUES (?, ?, ?, ?, ?, timezone('UTC', now()), ?)",
                        [part, step.name, key, text, count, time.perf_counter() - started])
        else:
            part = row[0]
        parts[step.name] = part
        cur.execute("INSERT INTO snapshot_parts VALUES (?, ?, ?)", [snapshot, step.name, part])
    return params


# A step's closing `ORDER BY` (month first: a query for a month reads only that month's row groups).
_CLOSING_ORDER = re.compile(r"\nORDER BY ([^\n()]+)\s*$")


def _insert_part(cur, step, part: int, params: dict, sources: dict[str, tuple[int, ...]], parts: dict,
                 careful: bool = False) -> int:
    """Write the step's rows as `part`, sorted by its closing ORDER BY; returns the row count. A step with a
    `shard` column whose rows would not fit in memory is written in slices of that column's values, each sorted
    (its rows stay month-clustered within each slice's run of row groups)."""
    match = _CLOSING_ORDER.search(step.sql)
    query, order = (step.sql[:match.start()], match.group(1)) if match else (step.sql, None)
    slices = _slices(cur, params, sources, careful) if step.shard else 1
    body, bound = _with_inputs(query, step.inputs, sources, parts, step.shard if slices > 1 else None)
    rows = f"SELECT $part AS part, * FROM ({body})"
    closing = f" ORDER BY {order}" if order else ""
    return sum(keys.insert(cur, part_table(step.name), rows,
                           _bind(rows, {**params, **bound, "part": part, "slices": slices, "slice": i}), closing)
               for i in range(slices))


# Memory per row of _slices()'s estimate that fact_customer_month's build may take. DuckDB should spill its
# GROUP BY but does not reliably (the shape of duckdb/duckdb#24499): at 256MB, 500,000 revenue lines for 200,000
# customers (6.3M customer-months, estimate 13M) ran out of memory in 6 one-pass builds of 6, and in 2 slices
# (4 of 4); 3 slices held (4 of 4). 100 bytes gives 5 slices there: a margin of about 1.7 on the smallest that
# held. Each slice costs ~0.5 s at 5M revenue lines (7 slices at 256MB: 10.3 s vs 6.2 s in one pass).
ROW_BYTES = 100
# What it usually takes: 3.1M revenue lines for 200,000 customers (estimate 17M rows) built in one pass at 256MB
# (peak 341 MB) and 512MB; 0.47M lines (estimate 11.8M) ran out at 256MB in one pass (the estimate counts rows,
# not bytes). Tried first where revenue lines are a third of the rows or more (REVENUE_SHARE): each slice reads
# every revenue line again, and there fewer slices are faster (the 3.1M lines at 512MB: one pass 8.0 s, 4 slices
# 13.5 s); where customers' listed months dominate, the careful slices are faster and leaner (200,000 customers
# alone: 5.5 s in 3 slices, 7.3–8.2 s in one pass; the 0.47M lines: 6.6 s in 3, 8.2 s in one).
USUAL_ROW_BYTES = 25
REVENUE_SHARE = 1 / 3
_UNITS = {"B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30,
          "TIB": 2**40}


def memory_limit(cur) -> int:
    """The connection's memory_limit in bytes (DuckDB shows it as e.g. '244.1 MiB')."""
    text = cur.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    number, unit = re.fullmatch(r"\s*([0-9.]+)\s*([A-Za-z]+)\s*", text).groups()
    return int(float(number) * _UNITS[unit.upper()])


def _slices(cur, params: dict, sources: dict[str, tuple[int, ...]], careful: bool = True) -> int:
    """How many slices of customers fact_customer_month is built in: its GROUP BY holds up to two rows per
    revenue customer-month and one per customer and month of the facts (a bound: a customer is listed from its
    start), and a slice gets at most memory_limit / ROW_BYTES of them; not `careful`, where revenue lines are
    REVENUE_SHARE of those rows or more, memory_limit / USUAL_ROW_BYTES."""
    sql, bound = _with_inputs(
        "SELECT (SELECT 2 * count(*) FROM in_revenue WHERE month BETWEEN $first AND $last),"
        " (SELECT count(*) FROM in_customers) * (date_diff('month', $first::DATE, $last::DATE) + 1)",
        ("in_customers", "in_revenue"), sources, {})
    revenue, listed = cur.execute(sql, _bind(sql, {**params, **bound})).fetchone()
    rows = (revenue or 0) + (listed or 0)
    usual = not careful and rows and (revenue or 0) >= REVENUE_SHARE * rows
    return max(1, -(-rows * (USUAL_ROW_BYTES if usual else ROW_BYTES) // memory_limit(cur)))


def snapshot_sql(name: str, snapshot_param: str = "snap") -> str:
    """A fact's SQL run live over the facts of one snapshot (bound as $<snapshot_param>) instead of stored:
    for a parameter other than the stored one (retention for another k). Its inputs must be facts."""
    step = STEPS[name]
    if any(n in INPUTS for n in step.inputs):
        raise ValueError(f"{name} reads input views; only facts can be read per snapshot")
    ctes = [f"{n} AS NOT MATERIALIZED (SELECT f.* EXCLUDE (part) FROM snapshot_parts s "
            f"JOIN {part_table(n)} f ON f.part = s.part WHERE s.snapshot = ${snapshot_param} AND s.fact = '{n}')"
            for n in step.inputs]
    return f"WITH {', '.join(ctes)}\nSELECT * FROM (\n{step.sql})"


def collect(cur) -> list[int]:
    """Remove the parts no snapshot reads (and their rows); returns their ids."""
    stale = cur.execute("SELECT part, fact FROM fact_parts WHERE part NOT IN (SELECT part FROM snapshot_parts)"
                        " ORDER BY part").fetchall()
    for fact in sorted({f for _, f in stale}):
        ids = [p for p, f in stale if f == fact]
        cur.execute(f"DELETE FROM {part_table(fact)} WHERE part IN ({', '.join('?' * len(ids))})", ids)
    if stale:
        cur.execute(f"DELETE FROM fact_parts WHERE part IN ({', '.join('?' * len(stale))})", [p for p, _ in stale])
    return [p for p, _ in stale]


def _legacy_tables(cur) -> list[str]:
    marks = ", ".join("?" * len(LEGACY_FACT_TABLES))
    return [r[0] for r in cur.execute(
        f"SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND table_name IN ({marks})",
        list(LEGACY_FACT_TABLES)).fetchall()]


def ensure(con) -> bool:
    """Create the fact tables and views. A workspace made before parts (one copy of every fact per snapshot)
    has its old fact tables dropped and every snapshot's facts rebuilt as parts, in one transaction; returns
    whether that happened."""
    cur = con.cursor()
    keys.ensure(cur)  # first: a legacy workspace's rebuild below writes keyed parts
    legacy = _legacy_tables(cur)
    if not legacy:
        cur.execute(FACT_SCHEMA)
        cur.execute(FACT_VIEWS)
        return False
    with transaction(cur):
        for table in legacy:
            cur.execute(f"DROP TABLE {quote_ident(table)}")
        cur.execute(FACT_SCHEMA)
        cur.execute(FACT_VIEWS)
        rows = cur.execute("SELECT snapshot, kind, list(version ORDER BY version) FROM snapshot_sources"
                           " GROUP BY ALL ORDER BY snapshot").fetchall()
        by_snapshot: dict[int, dict[str, tuple[int, ...]]] = {}
        for snapshot, kind, versions in rows:
            by_snapshot.setdefault(snapshot, {})[kind] = tuple(versions)
        for snapshot, sources in sorted(by_snapshot.items()):
            build(cur, snapshot, sources)
    return True
