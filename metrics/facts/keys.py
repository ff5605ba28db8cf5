"""Integer customer keys: the page queries that link customers across facts join on an INTEGER, not the text id.

Why: the link to money joins each customer's NPS category to its revenue and each comment to its customer's
ARR, 100,000-200,000 rows a side at 200,000 customers. On text ids those joins and the group-bys around them were
most of the CEO, CFO and CMO pages' time; on small dense integers DuckDB builds a perfect hash table.

Rules
- `customer_index` holds one row per distinct customer id the workspace has stored, with its key 1, 2, 3, ...
  The ids of an upload are keyed in the upload's own transaction (assign), in id order after the ids keyed
  before. A key never changes and is never reused; ids of a deleted version stay keyed (a key only stands for
  its id, never for data).
- Every row of a KEYED table carries its id's key in `customer_key` (NULL only where customer_id is NULL): the
  workspace adds it when it writes a fact part (its own builds and registered ones), a comment row (keyed()) or,
  for the stored rows of KEYED_INPUTS, when it keys their version (assign), so the engine-neutral fact SQL and the
  canonical columns never see it. A workspace made before keys, or before a table was keyed, gets them once, when
  opened (ensure).
- `version_customers` holds, per stored version, each of its customers' key and row count, written with the
  version's keys (assign): the CIO page's id checks read ~200,000 ids a version instead of its millions of rows.
"""

from __future__ import annotations

import json

from metrics.schema import CUSTOMER_MONTH_VIEW, FACT_SCHEMA, TABLES, quote_ident, transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS customer_index (customer_id VARCHAR NOT NULL, customer_key INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS version_customers (version INTEGER NOT NULL, customer_key INTEGER NOT NULL,
                                              rows BIGINT NOT NULL);
"""
COLUMN = "customer_key"
# the tables whose rows carry the key: the customer-month facts, their NPS categories, the comments with themes
KEYED = ("part_customer_month", "part_customer_category", "comment_rows", "tickets")
# the stored input tables among them: the Service page joins each ticket to its customer's facts (at 1M tickets and
# 200,000 customers the join on the text id was ~40 ms of each month's figures, a group of all customer-months by
# text id ~75 ms of each root-cause table)
KEYED_INPUTS = ("tickets",)


def assign(cur, table: str, version: int) -> None:
    """Key the customer ids of one version of `table` that have no key yet and write the version's version_customers
    rows (again, if it has some); a KEYED_INPUTS table's rows of the version get their keys."""
    v = {"v": version}
    cur.execute(f"""CREATE OR REPLACE TEMP TABLE _version_ids AS SELECT customer_id, count(*) AS n
        FROM {quote_ident(table)} WHERE version = $v AND customer_id IS NOT NULL GROUP BY customer_id""", v)
    cur.execute("""
        INSERT INTO customer_index
        SELECT customer_id, (SELECT coalesce(max(customer_key), 0) FROM customer_index)
                            + row_number() OVER (ORDER BY customer_id)
        FROM _version_ids n
        WHERE NOT EXISTS (SELECT 1 FROM customer_index k WHERE k.customer_id = n.customer_id)""")
    cur.execute("DELETE FROM version_customers WHERE version = $v", v)
    cur.execute("INSERT INTO version_customers SELECT $v, k.customer_key, n.n FROM _version_ids n "
                "JOIN customer_index k USING (customer_id)", v)
    cur.execute("DROP TABLE _version_ids")
    if table in KEYED_INPUTS:
        cur.execute(f"UPDATE {quote_ident(table)} t SET {COLUMN} = k.customer_key FROM customer_index k "
                    "WHERE t.version = $v AND k.customer_id = t.customer_id", v)


def keyed(rows: str, table: str) -> str:
    """`rows` (a SELECT with customer_id) with its customer_key when `table` is KEYED, else unchanged."""
    if table not in KEYED:
        return rows
    return (f"SELECT r.*, k.customer_key FROM ({rows}) r "
            "LEFT JOIN customer_index k ON k.customer_id = r.customer_id")


def insert(cur, table: str, rows: str, params, order: str = "") -> int:
    """INSERT INTO `table` BY NAME `rows` (a SELECT, with `params`; `order`: its closing ORDER BY clause, or ""),
    with their customer keys when the table is KEYED; returns the row count. The join adds the key to each row
    with customer_index as its hash table, whose rows keep their order (parts are written month-clustered): where
    the planner would build on the rows instead (index_is_build_side), they are written to a temporary table first,
    whose exact count makes the index the build side (~0.6 s more for 5.5M category rows at 200,000 customers)."""
    direct = f"INSERT INTO {quote_ident(table)} BY NAME {keyed(rows, table)}{order}"
    if table not in KEYED or index_is_build_side(cur, direct, params):
        return cur.execute(direct, params).fetchone()[0]
    cur.execute(f"CREATE OR REPLACE TEMP TABLE _keyed_rows AS {rows}{order}", params)
    staged = keyed("SELECT * FROM _keyed_rows", table)
    count = cur.execute(f"INSERT INTO {quote_ident(table)} BY NAME {staged}").fetchone()[0]
    cur.execute("DROP TABLE _keyed_rows")
    return count


def _tables(node: dict) -> set[str]:
    """The tables a physical plan node's subtree scans (their last name part)."""
    found = {str(node.get("extra_info", {}).get("Table", "")).rsplit(".", 1)[-1]} - {""}
    return found.union(*(_tables(c) for c in node.get("children", [])))


def index_is_build_side(cur, sql: str, params: dict) -> bool:
    """Whether DuckDB's plan for `sql` (a keyed() insert) builds its hash table on customer_index alone. The planner
    picks the build side by estimated size, and a fact's rows can be estimated far below their count (the calendar
    range joins: 44,000 estimated for 5.5M category rows at 200,000 customers); built on those rows, the category
    part ran out of memory at the workspace's 256MB."""
    plan = json.loads(cur.execute(f"EXPLAIN (FORMAT JSON) {sql}", params).fetchall()[0][1])

    def joins(node: dict):
        if node.get("name") == "HASH_JOIN" and "customer_index" in _tables(node):
            yield node
        for child in node.get("children", []):
            yield from joins(child)

    found = [j for root in plan for j in joins(root)]
    return bool(found) and all(_tables(j["children"][1]) == {"customer_index"} for j in found)


def ensure(con) -> None:
    """Create the index and key every stored id, in a workspace made before keys also giving the KEYED tables that
    exist their keys, in one transaction; nothing to do once the index exists and every KEYED table has the key."""
    cur = con.cursor()
    existing = {t for (t,) in cur.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = "
                                          "current_database() AND schema_name = 'main'").fetchall()}
    # each table's own columns: duckdb_columns() reads every column of the catalog (~15 ms on every open)
    missing = [t for t in KEYED
               if t in existing and COLUMN not in cur.sql(f"SELECT * FROM {quote_ident(t)} LIMIT 0").columns]
    if {"customer_index", "version_customers"} <= existing and not missing:
        return
    with transaction(cur):
        cur.execute(SCHEMA)
        for table in (t for t in missing if not t.startswith("part_")):  # the parts are written again below
            cur.execute(f"ALTER TABLE {quote_ident(table)} ADD COLUMN {COLUMN} INTEGER")
        # in upload order, so the keys are those a workspace made with keys would have given
        for version, kind in cur.execute("SELECT version, kind FROM uploads ORDER BY version").fetchall():
            if TABLES.get(kind) in existing:
                assign(cur, TABLES[kind], version)
        for table in (t for t in missing if t not in KEYED_INPUTS):  # assign() above keyed KEYED_INPUTS' rows
            if table.startswith("part_"):  # written again with the key, NOT NULL as in a new workspace
                old = quote_ident(f"{table}_before_keys")
                cur.execute(f"ALTER TABLE {quote_ident(table)} RENAME TO {old}")
                cur.execute(FACT_SCHEMA)
                # in the old table's order (the join keeps it): each part stays month-clustered
                insert(cur, table, f"SELECT * FROM {old}", {})
                cur.execute(f"DROP TABLE {old}")
            else:
                cur.execute(f"UPDATE {quote_ident(table)} t SET {COLUMN} = k.customer_key FROM customer_index k "
                            "WHERE k.customer_id = t.customer_id")
        if "part_customer_month" in missing:  # its categories joined on the key, as a new workspace's view
            cur.execute(f"CREATE OR REPLACE VIEW fact_customer_month AS {CUSTOMER_MONTH_VIEW}")
