"""The workspace's tables: what is stored, in DuckDB DDL. Text only (no connection here).

- SCHEMA: the catalogue (uploads, snapshots, snapshot_sources) and the canonical rows of each kind, stored
  under their upload version and never modified.
- FACT_SCHEMA: the facts, stored in shared *parts* (see metrics/facts/parts.py). Each fact of metrics/facts
  (a step of metrics.facts.PLAN) has a table `part_<name>` holding its rows under an integer `part`; a part
  is built once for one combination of inputs (the versions it reads, the parameters it uses, the parts of
  the facts it reads) and shared by every snapshot with the same inputs. `fact_parts` says what each part
  was built from; `snapshot_parts` which part of each fact a snapshot reads.
- FACT_VIEWS: the names metric queries read (`fact_month`, `fact_customer_month`, ... with a `snapshot`
  column), as views over snapshot_parts and the part tables, so `WHERE snapshot = $snapshot` keeps working.
  fact_customer_month joins its NPS categories (fact_customer_category) at read time, on the integer
  `customer_key` the workspace adds to the customer-level parts (metrics/facts/keys.py).
- HISTORY_SCHEMA: roll backs, deleted versions, mapping presets, stored churn models and whole-snapshot results.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import duckdb

from metrics.service_schema import TICKET_COLUMNS, TICKETS_SCHEMA

KINDS = ("nps", "customers", "revenue", "csat", "tickets")
KIND_LABELS = {"nps": "NPS responses", "customers": "Customers / churn", "revenue": "Revenue",
               "csat": "CSAT answers", "tickets": "Support tickets"}
TABLES = {"nps": "nps_responses", "customers": "customers", "revenue": "revenue", "csat": "csat_responses",
          "tickets": "tickets"}
CSAT_SCALES = ("1-5", "1-7", "1-10", "0-10", "good-bad")
# Response rows are written in date order: a page reads a window of dates, and DuckDB skips the row groups whose
# dates lie outside it only when the dates are stored together (a file in random order made every window read every
# row; at 1M answers new customers' NPS 26 -> 15 ms, the latest comments 17 -> 12 ms).
STORED_ORDER = {"nps": "response_date, row_number", "csat": "response_date, row_number"}
APPENDABLE = ("nps", "csat")  # response kinds: a data version may hold several files (sources) of them

CANONICAL_COLUMNS = {
    "nps": ["row_number", "response_id", "customer_id", "response_date", "score", "comment",
            "segment", "region", "channel"],
    "customers": ["customer_id", "name", "start_date", "churn_date", "segment", "region", "plan"],
    "revenue": ["customer_id", "month", "mrr"],
    "csat": ["row_number", "response_id", "customer_id", "response_date", "score", "scale", "satisfied", "comment",
             "segment", "region", "channel"],
    "tickets": list(TICKET_COLUMNS),
}

# An answer's identity across sources of a response kind: the same response id and date, else the same customer
# and date; an answer with neither is its own (version and file row).
ANSWER_KEY_SQL = ("CASE WHEN response_id IS NOT NULL THEN 'r|' || response_id || '|' || response_date "
                  "WHEN customer_id IS NOT NULL THEN 'c|' || customer_id || '|' || response_date "
                  "ELSE 'v|' || version || '|' || row_number END")


@contextlib.contextmanager
def transaction(cur) -> Iterator:
    """One transaction on a cursor: committed if the block ends, rolled back (and the error raised) if it
    raises. The one way this project writes several statements as a unit."""
    cur.begin()
    try:
        yield cur
        cur.commit()
    except BaseException:
        with contextlib.suppress(Exception):  # a failed commit may have ended the transaction already
            cur.rollback()
        raise


def create_tables(cur, *ddl: str) -> None:
    """Run `CREATE … IF NOT EXISTS` statements that two threads of the app may run at the same moment on a new
    workspace (a page and the background job that analyses comments): DuckDB refuses the second creation as a
    write-write conflict on the catalogue, which showed as a traceback on the page (21 of 30 tries with two
    threads). The conflict means the other thread is creating that table: each statement is run again, after a
    moment for the other's creation to commit (per statement: the two threads may meet on each table in turn)."""
    for statement in ddl:
        for attempt in range(5):
            try:
                cur.execute(statement)
                break
            except duckdb.TransactionException as e:
                if "write-write conflict" not in str(e) or attempt == 4:
                    raise
                time.sleep(0.01 * (attempt + 1))


def quote_ident(name: str) -> str:
    """Quote an identifier for DuckDB SQL. The only way a column name enters SQL text."""
    return '"' + str(name).replace('"', '""') + '"'


SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
    version     INTEGER PRIMARY KEY,
    kind        VARCHAR NOT NULL,
    file_name   VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    row_count   BIGINT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    source      VARCHAR NOT NULL,      -- 'sample' or 'upload'
    mapping     VARCHAR,               -- canonical field -> source column, as text
    first_date  DATE,
    last_date   DATE,
    uploaded_by VARCHAR                -- who said they uploaded it (no sign-in: the analyst's own word)
);
ALTER TABLE uploads ADD COLUMN IF NOT EXISTS uploaded_by VARCHAR;  -- workspaces made before the column
-- Customer lists: the first month whose churn the file can tell (a snapshot file lists only the customers still
-- there a month before its as-of date, so earlier months' churners are missing: their churn is not measurable).
ALTER TABLE uploads ADD COLUMN IF NOT EXISTS churn_known_from DATE;
ALTER TABLE uploads ADD COLUMN IF NOT EXISTS currency VARCHAR;  -- revenue: the currency its file names
-- what the upload left out or read in a stated way (rows skipped, warnings), kept beside its row count: said once at
-- upload, it would otherwise be lost, and 'Rows 426' read as the whole file
ALTER TABLE uploads ADD COLUMN IF NOT EXISTS notes VARCHAR;
CREATE TABLE IF NOT EXISTS snapshots (
    snapshot          INTEGER PRIMARY KEY,
    nps_version       INTEGER,
    customers_version INTEGER,
    revenue_version   INTEGER,
    created_at        TIMESTAMP NOT NULL,
    first_month       DATE,
    last_month        DATE
);
ALTER TABLE snapshots ADD COLUMN IF NOT EXISTS csat_version INTEGER;  -- workspaces made before CSAT
ALTER TABLE snapshots ADD COLUMN IF NOT EXISTS tickets_version INTEGER;  -- workspaces made before tickets
ALTER TABLE snapshots ADD COLUMN IF NOT EXISTS revenue_first DATE;   -- the months with revenue data (within
ALTER TABLE snapshots ADD COLUMN IF NOT EXISTS revenue_last DATE;    -- first_month…last_month); NULL: none
CREATE TABLE IF NOT EXISTS snapshot_sources (  -- every version of each kind a snapshot reads (several for
    snapshot INTEGER NOT NULL, kind VARCHAR NOT NULL, version INTEGER NOT NULL,  -- appended response files)
    PRIMARY KEY (snapshot, version)
);
INSERT INTO snapshot_sources  -- snapshots made before the table: their one version per kind
SELECT snapshot, kind, version FROM (
    SELECT snapshot, 'nps' AS kind, nps_version AS version FROM snapshots
    UNION ALL SELECT snapshot, 'customers', customers_version FROM snapshots
    UNION ALL SELECT snapshot, 'revenue', revenue_version FROM snapshots
    UNION ALL SELECT snapshot, 'csat', csat_version FROM snapshots
    UNION ALL SELECT snapshot, 'tickets', tickets_version FROM snapshots)
WHERE version IS NOT NULL AND snapshot NOT IN (SELECT snapshot FROM snapshot_sources);
CREATE TABLE IF NOT EXISTS nps_responses (
    version INTEGER NOT NULL, row_number BIGINT NOT NULL, response_id VARCHAR, customer_id VARCHAR,
    response_date DATE NOT NULL, score TINYINT NOT NULL, comment VARCHAR,
    segment VARCHAR, region VARCHAR, channel VARCHAR
);
CREATE TABLE IF NOT EXISTS csat_responses (  -- satisfaction answers; `satisfied` = top two boxes or Good
    version INTEGER NOT NULL, row_number BIGINT NOT NULL, response_id VARCHAR, customer_id VARCHAR,
    response_date DATE NOT NULL, score SMALLINT, scale VARCHAR NOT NULL, satisfied BOOLEAN NOT NULL,
    comment VARCHAR, segment VARCHAR, region VARCHAR, channel VARCHAR
);
""" + TICKETS_SCHEMA + """
CREATE TABLE IF NOT EXISTS customers (
    version INTEGER NOT NULL, customer_id VARCHAR NOT NULL, name VARCHAR,
    start_date DATE NOT NULL, churn_date DATE, segment VARCHAR, region VARCHAR, plan VARCHAR
);
CREATE TABLE IF NOT EXISTS revenue (
    version INTEGER NOT NULL, customer_id VARCHAR NOT NULL, month DATE NOT NULL, mrr DECIMAL(18, 2) NOT NULL
);
"""

# ---- facts, in shared parts -------------------------------------------------------------------------
# Columns as in metrics/facts/<name>.sql (its header says what each means); tests/facts checks they agree.
FACT_SCHEMA = """
CREATE TABLE IF NOT EXISTS fact_parts (      -- one row per part: what it was built from
    part INTEGER PRIMARY KEY, fact VARCHAR NOT NULL, key VARCHAR NOT NULL,
    inputs VARCHAR NOT NULL,                 -- versions, parameters and upstream parts, as JSON text
    row_count BIGINT NOT NULL, built_at TIMESTAMP NOT NULL, seconds DOUBLE
);
CREATE TABLE IF NOT EXISTS snapshot_parts (  -- the part of each fact a snapshot reads
    snapshot INTEGER NOT NULL, fact VARCHAR NOT NULL, part INTEGER NOT NULL, PRIMARY KEY (snapshot, fact)
);
CREATE TABLE IF NOT EXISTS part_calendar (part INTEGER NOT NULL, month DATE NOT NULL);
CREATE TABLE IF NOT EXISTS part_customer_month (
    part INTEGER NOT NULL, customer_id VARCHAR NOT NULL, month DATE NOT NULL,
    segment VARCHAR NOT NULL, region VARCHAR NOT NULL,
    in_customers BOOLEAN NOT NULL, has_revenue BOOLEAN NOT NULL, active_start BOOLEAN NOT NULL,
    active BOOLEAN NOT NULL, started BOOLEAN NOT NULL, churned BOOLEAN NOT NULL,
    mrr DECIMAL(18, 2), prev_mrr DECIMAL(18, 2),
    new_mrr DECIMAL(18, 2), reactivation_mrr DECIMAL(18, 2), expansion_mrr DECIMAL(18, 2),
    contraction_mrr DECIMAL(18, 2), churned_mrr DECIMAL(18, 2),
    churn_month DATE,
    customer_key INTEGER NOT NULL  -- the workspace's, not the fact SQL's (metrics/facts/keys.py)
);
CREATE TABLE IF NOT EXISTS part_customer_category (
    part INTEGER NOT NULL, customer_id VARCHAR NOT NULL, month DATE NOT NULL,
    category_start VARCHAR, category_end VARCHAR,
    customer_key INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS part_month (
    part INTEGER NOT NULL, month DATE NOT NULL, segment VARCHAR NOT NULL, region VARCHAR NOT NULL,
    mrr DECIMAL(18, 2), start_mrr DECIMAL(18, 2), paying BIGINT,
    new_mrr DECIMAL(18, 2), reactivation_mrr DECIMAL(18, 2), expansion_mrr DECIMAL(18, 2),
    contraction_mrr DECIMAL(18, 2), churned_mrr DECIMAL(18, 2),
    active_start BIGINT, churned BIGINT, started BIGINT, active BIGINT
);
CREATE TABLE IF NOT EXISTS part_retention (
    part INTEGER NOT NULL, k INTEGER NOT NULL, month DATE NOT NULL, segment VARCHAR NOT NULL,
    region VARCHAR NOT NULL, base_customers BIGINT, base_mrr DECIMAL(18, 2), retained_mrr DECIMAL(18, 2),
    end_mrr DECIMAL(18, 2)
);
CREATE TABLE IF NOT EXISTS part_cohort (
    part INTEGER NOT NULL, cohort DATE NOT NULL, age INTEGER NOT NULL, segment VARCHAR NOT NULL,
    region VARCHAR NOT NULL, customers BIGINT, mrr DECIMAL(18, 2)
);
CREATE TABLE IF NOT EXISTS part_transition (
    part INTEGER NOT NULL, month DATE NOT NULL, segment VARCHAR NOT NULL, region VARCHAR NOT NULL,
    from_category VARCHAR NOT NULL, to_category VARCHAR NOT NULL, customers BIGINT, mrr DECIMAL(18, 2),
    same_day BOOLEAN
);
-- workspaces made before it (their parts hold NULL: every pair a move, as their SQL counted them)
ALTER TABLE part_transition ADD COLUMN IF NOT EXISTS same_day BOOLEAN;
CREATE TABLE IF NOT EXISTS part_nps (
    part INTEGER NOT NULL, month DATE NOT NULL, segment VARCHAR NOT NULL, region VARCHAR NOT NULL,
    channel VARCHAR NOT NULL, score TINYINT NOT NULL, linked BOOLEAN NOT NULL, responses BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS part_csat (
    part INTEGER NOT NULL, month DATE NOT NULL, segment VARCHAR NOT NULL, region VARCHAR NOT NULL,
    channel VARCHAR NOT NULL, scale VARCHAR NOT NULL, answers BIGINT NOT NULL, satisfied BIGINT NOT NULL,
    score_sum BIGINT
);
"""


def part_table(fact: str) -> str:
    """The table holding a fact's parts: fact_month -> part_month."""
    return "part_" + fact.removeprefix("fact_")


def _plain_view(fact: str) -> str:
    # f.* is bound when a query reads the view: a column added to the part table later (same_day) is in it
    return (f"CREATE VIEW IF NOT EXISTS {fact} AS SELECT s.snapshot, f.* EXCLUDE (part) "
            f"FROM snapshot_parts s JOIN {part_table(fact)} f ON f.part = s.part WHERE s.fact = '{fact}';\n")


# fact_customer_month: the snapshot's part with the categories of its fact_customer_category part
# (metrics.facts.READ_COLUMNS order: the layout before parts), joined on the integer customer key
# (metrics/facts/keys.py; on the text id the join took about twice as long).
CUSTOMER_MONTH_VIEW = """
SELECT s.snapshot, b.customer_id, b.month, b.segment, b.region, b.in_customers, b.has_revenue, b.active_start,
       b.active, b.started, b.churned, b.mrr, b.prev_mrr, b.new_mrr, b.reactivation_mrr, b.expansion_mrr,
       b.contraction_mrr, b.churned_mrr, c.category_start, c.category_end, b.churn_month
FROM snapshot_parts s
JOIN part_customer_month b ON b.part = s.part
LEFT JOIN snapshot_parts sc ON sc.snapshot = s.snapshot AND sc.fact = 'fact_customer_category'
LEFT JOIN part_customer_category c ON c.part = sc.part AND c.customer_key = b.customer_key AND c.month = b.month
WHERE s.fact = 'fact_customer_month'"""

# The snapshot's part of each fact, under the fact's own name.
FACT_VIEWS = "".join(_plain_view(f) for f in ("fact_calendar", "fact_customer_category", "fact_month",
                                               "fact_retention", "fact_cohort", "fact_transition", "fact_nps",
                                               "fact_csat")) + f"""
CREATE VIEW IF NOT EXISTS fact_customer_month AS {CUSTOMER_MONTH_VIEW};""" + """
-- The same rows without the NPS categories: a query that needs no category reads this one and skips the join
-- to fact_customer_category, which DuckDB does not drop on its own (a whole-history count: 550 ms → 20 ms at
-- 200,000 customers).
CREATE VIEW IF NOT EXISTS fact_customer_revenue AS
SELECT s.snapshot, b.* EXCLUDE (part)
FROM snapshot_parts s JOIN part_customer_month b ON b.part = s.part
WHERE s.fact = 'fact_customer_month';
"""

# Fact tables of workspaces made before parts (one copy per snapshot); opening one rebuilds its facts as parts.
LEGACY_FACT_TABLES = ("fact_customer_month", "fact_month", "fact_retention", "fact_cohort", "fact_transition",
                      "fact_nps", "fact_csat")

HISTORY_SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshot_events (   -- why a snapshot exists when it is not an upload (roll backs)
    snapshot INTEGER PRIMARY KEY, action VARCHAR NOT NULL, detail VARCHAR, happened_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS deleted_versions (  -- uploads whose rows were deleted; the uploads row stays
    version INTEGER PRIMARY KEY, deleted_at TIMESTAMP NOT NULL, snapshots_removed VARCHAR
);
CREATE TABLE IF NOT EXISTS mapping_presets (   -- confirmed column mappings, keyed by the header's signature
    signature VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, kind VARCHAR NOT NULL, settings VARCHAR NOT NULL,
    saved_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS risk_models (       -- trained churn models (metrics/risk_store.py): JSON + Parquet
    snapshot INTEGER NOT NULL, key VARCHAR NOT NULL, saved_at TIMESTAMP NOT NULL, model VARCHAR NOT NULL,
    calibration BLOB, coefficients BLOB, accounts BLOB, holdout BLOB, PRIMARY KEY (snapshot, key)
);
CREATE TABLE IF NOT EXISTS snapshot_results (  -- whole-snapshot checks worked out once (metrics/snapshot_results.py)
    snapshot INTEGER NOT NULL, name VARCHAR NOT NULL, key VARCHAR NOT NULL, saved_at TIMESTAMP NOT NULL,
    value VARCHAR, frame BLOB, PRIMARY KEY (snapshot, name)  -- value: JSON; frame: a table (Arrow)
);
"""
