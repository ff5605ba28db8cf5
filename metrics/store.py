"""The workspace: one persistent DuckDB file holding every upload, version and derived fact.

Model
- Each upload of a kind (nps, customers, revenue) becomes a *version* of that kind: its canonical rows
  are stored under that version number and are never modified afterwards. The current data of a kind
  is its latest version; earlier versions stay readable.
- Each commit also creates a *snapshot*: the versions of every kind (nps, customers, revenue, csat, tickets) current at
  that moment (`snapshot_sources`; a response kind may hold several files, see commit(append=True) and
  source_rows(); `<kind>_version` names the latest). Pages and shared links address data by snapshot number.
- The bundled sample company (uploads.source = 'sample') and the company's own uploads never meet in one
  snapshot: commit() and rollback() refuse a mix (MixedSourcesError); the company's first upload starts its own
  workspace (commit(leave_sample=True)) and the sample's snapshots stay readable as the demo.
- The snapshot's months span every kind's data; revenue figures exist only within the revenue months
  (revenue_first … revenue_last), blank (NULL) outside them.
- A failed write (disk full, out of memory) raises StoreError saying nothing was stored.
- Facts (one row per customer per month; its sums per month, segment and region; NPS counts per month and
  dimension) are built once per snapshot, inside the same transaction as the upload, so pages read
  compact tables, never raw rows.

Concurrency: one connection per process, a cursor per query (DuckDB cursors are independent
connections to the same database); writers are serialised by a lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from metrics import lockdown
from metrics.rules import ARR_FACTOR, CATEGORY_SQL, RETENTION_MONTHS, band_sql
from metrics.service_schema import TICKET_COLUMNS, TICKETS_SCHEMA, ticket_version_stats

KINDS = ("nps", "customers", "revenue", "csat", "tickets")
KIND_LABELS = {"nps": "NPS responses", "customers": "Customers / churn", "revenue": "Revenue",
               "csat": "CSAT answers", "tickets": "Support tickets"}
TABLES = {"nps": "nps_responses", "customers": "customers", "revenue": "revenue", "csat": "csat_responses",
          "tickets": "tickets"}
CSAT_SCALES = ("1-5", "1-7", "1-10", "good-bad")
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "workspace.duckdb"
ENV_PATH = "CX_WORKSPACE"
MAX_HISTORY_MONTHS = 60  # facts cover at most this many months back from the latest data month


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
CREATE TABLE IF NOT EXISTS fact_customer_month (
    snapshot INTEGER NOT NULL, customer_id VARCHAR NOT NULL, month DATE NOT NULL,
    segment VARCHAR NOT NULL, region VARCHAR NOT NULL,
    in_customers BOOLEAN NOT NULL,   -- listed in the customers file
    has_revenue BOOLEAN NOT NULL,    -- present in the revenue file at all
    active_start BOOLEAN NOT NULL,   -- started before the month and not churned before it
    active BOOLEAN NOT NULL,         -- active at any time during the month
    started BOOLEAN NOT NULL,        -- start date falls in the month
    churned BOOLEAN NOT NULL,        -- active at start and churn date falls in the month
    mrr DECIMAL(18, 2),              -- NULL in months without revenue data (revenue_first…revenue_last)
    prev_mrr DECIMAL(18, 2),         -- NULL in the first revenue month and outside the revenue months
    new_mrr DECIMAL(18, 2), reactivation_mrr DECIMAL(18, 2), expansion_mrr DECIMAL(18, 2),
    contraction_mrr DECIMAL(18, 2), churned_mrr DECIMAL(18, 2),
    category_start VARCHAR,          -- NPS category of the latest response before the month's first day
    category_end VARCHAR,            -- ... of the latest response on or before the month's last day
    churn_month DATE                 -- the customer's churn month per the customers file (NULL: not churned)
);
ALTER TABLE fact_customer_month ALTER COLUMN mrr DROP NOT NULL;  -- files made before blank months
CREATE TABLE IF NOT EXISTS fact_month (  -- fact_customer_month summed per month and filter value
    snapshot INTEGER NOT NULL, month DATE NOT NULL, segment VARCHAR NOT NULL, region VARCHAR NOT NULL,
    mrr DECIMAL(18, 2), start_mrr DECIMAL(18, 2), paying BIGINT,
    new_mrr DECIMAL(18, 2), reactivation_mrr DECIMAL(18, 2), expansion_mrr DECIMAL(18, 2),
    contraction_mrr DECIMAL(18, 2), churned_mrr DECIMAL(18, 2),
    active_start BIGINT, churned BIGINT, started BIGINT, active BIGINT
);
CREATE TABLE IF NOT EXISTS fact_retention (  -- trailing-k revenue retention per month and filter value
    snapshot INTEGER NOT NULL, k INTEGER NOT NULL, month DATE NOT NULL, segment VARCHAR NOT NULL,
    region VARCHAR NOT NULL, base_customers BIGINT, base_mrr DECIMAL(18, 2), retained_mrr DECIMAL(18, 2),
    end_mrr DECIMAL(18, 2)
);
CREATE TABLE IF NOT EXISTS fact_cohort (  -- paying customers and MRR per cohort (first paying month) and age
    snapshot INTEGER NOT NULL, cohort DATE NOT NULL, age INTEGER NOT NULL, segment VARCHAR NOT NULL,
    region VARCHAR NOT NULL, customers BIGINT, mrr DECIMAL(18, 2)
);
CREATE TABLE IF NOT EXISTS fact_transition (  -- moves between a customer's consecutive responses
    snapshot INTEGER NOT NULL, month DATE NOT NULL, segment VARCHAR NOT NULL, region VARCHAR NOT NULL,
    from_category VARCHAR NOT NULL, to_category VARCHAR NOT NULL, customers BIGINT, mrr DECIMAL(18, 2)
);
CREATE TABLE IF NOT EXISTS fact_nps (
    snapshot INTEGER NOT NULL, month DATE NOT NULL, segment VARCHAR NOT NULL, region VARCHAR NOT NULL,
    channel VARCHAR NOT NULL, score TINYINT NOT NULL, linked BOOLEAN NOT NULL, responses BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS fact_csat (  -- CSAT answers per month, filter value and scale
    snapshot INTEGER NOT NULL, month DATE NOT NULL, segment VARCHAR NOT NULL, region VARCHAR NOT NULL,
    channel VARCHAR NOT NULL, scale VARCHAR NOT NULL, answers BIGINT NOT NULL, satisfied BIGINT NOT NULL,
    score_sum BIGINT            -- Σ scores on the scale (NULL for good-bad, which has no scores)
);
"""

APPENDABLE = ("nps", "csat")  # response kinds: a data version may hold several files (sources) of them


def source_rows(kind: str, snapshot_param: str = "snap") -> str:
    """SQL for the rows of `kind` a snapshot reads (a parenthesised subquery; the snapshot bound as
    $<snapshot_param>). With several sources of a response kind, an answer found in more than one source
    (same response id and date, else same customer and date) is kept from the latest version only; within one
    file every row is kept, so a single source reads exactly its rows."""
    if kind not in TABLES:
        raise ValueError(f"unknown kind {kind!r}")
    versions = (f"SELECT version FROM snapshot_sources WHERE snapshot = ${snapshot_param} "
                f"AND kind = '{kind}'")  # kind is one of TABLES' constant keys, never user text
    if kind not in APPENDABLE:
        return f"(SELECT * FROM {quote_ident(TABLES[kind])} WHERE version IN ({versions}))"
    key = ("CASE WHEN response_id IS NOT NULL THEN 'r|' || response_id || '|' || response_date "
           "WHEN customer_id IS NOT NULL THEN 'c|' || customer_id || '|' || response_date "
           "ELSE 'v|' || version || '|' || row_number END")
    return (f"(SELECT * FROM {quote_ident(TABLES[kind])} WHERE version IN ({versions}) "
            f"QUALIFY version = max(version) OVER (PARTITION BY {key}))")


# Latest response per customer per day (the last row of the file wins a same-day tie), with category.
_LATEST_DAILY = f"""
    SELECT customer_id, response_date, arg_max(score, (version, row_number)) AS score,
           {CATEGORY_SQL.format(s="arg_max(score, (version, row_number))")} AS category
    FROM {source_rows("nps")} WHERE customer_id IS NOT NULL
    GROUP BY customer_id, response_date
"""

FACT_CUSTOMER_MONTH = f"""
INSERT INTO fact_customer_month
WITH cust AS (
    SELECT customer_id, start_date, churn_date, segment, region FROM customers WHERE version = $cv
), rev AS (
    SELECT customer_id, month, sum(mrr) AS mrr FROM revenue
    WHERE version = $rv AND month BETWEEN $first AND $last GROUP BY ALL
), first_rev AS (
    SELECT customer_id, min(month) AS first_month FROM revenue
    WHERE version = $rv AND mrr > 0 GROUP BY ALL
), keys AS (
    SELECT customer_id, month FROM rev
    UNION SELECT customer_id, (month + INTERVAL 1 MONTH)::DATE FROM rev WHERE month < $rlast
    UNION SELECT customer_id, unnest(generate_series(
              greatest(date_trunc('month', start_date), $first::TIMESTAMP),
              least(date_trunc('month', coalesce(churn_date, $last)), $last::TIMESTAMP),
              INTERVAL 1 MONTH))::DATE
          FROM cust WHERE start_date <= last_day($last) AND coalesce(churn_date, $last) >= $first
), latest AS ({_LATEST_DAILY}), base AS (
    SELECT k.customer_id, k.month,
           coalesce(c.segment, 'Unknown') AS segment, coalesce(c.region, 'Unknown') AS region,
           c.customer_id IS NOT NULL AS in_customers,
           f.customer_id IS NOT NULL AS has_revenue,
           coalesce(c.start_date < k.month AND (c.churn_date IS NULL OR c.churn_date >= k.month)
                    AND ($cfrom IS NULL OR k.month >= $cfrom), false) AS active_start,
           coalesce(c.start_date <= last_day(k.month) AND (c.churn_date IS NULL OR c.churn_date >= k.month),
               false) AS active,
           coalesce(c.start_date BETWEEN k.month AND last_day(k.month), false) AS started,
           coalesce(c.start_date < k.month AND c.churn_date BETWEEN k.month AND last_day(k.month)
                    AND ($cfrom IS NULL OR k.month >= $cfrom), false) AS churned,
           CASE WHEN $rfirst IS NULL OR k.month BETWEEN $rfirst AND $rlast THEN coalesce(r.mrr, 0) END AS mrr,
           CASE WHEN k.month > $rfirst AND k.month <= $rlast THEN coalesce(p.mrr, 0) END AS prev_mrr,
           coalesce(k.month BETWEEN $rfirst AND $rlast, false) AS in_rev,
           f.first_month, date_trunc('month', c.churn_date)::DATE AS churn_month
    FROM keys k
    LEFT JOIN cust c USING (customer_id)
    LEFT JOIN rev r ON r.customer_id = k.customer_id AND r.month = k.month
    LEFT JOIN rev p ON p.customer_id = k.customer_id AND p.month = (k.month - INTERVAL 1 MONTH)::DATE
    LEFT JOIN first_rev f ON f.customer_id = k.customer_id
), with_start AS (
    SELECT b.*, l.category AS category_start FROM base b
    ASOF LEFT JOIN latest l ON b.customer_id = l.customer_id AND b.month > l.response_date
), with_end AS (
    SELECT w.*, l.category AS category_end FROM with_start w
    ASOF LEFT JOIN latest l ON w.customer_id = l.customer_id AND last_day(w.month) >= l.response_date
)
SELECT $snap, customer_id, month, segment, region, in_customers, has_revenue, active_start, active, started,
       churned, mrr, prev_mrr,
       CASE WHEN NOT in_rev THEN NULL WHEN prev_mrr = 0 AND mrr > 0 AND first_month = month THEN mrr ELSE 0 END,
       CASE WHEN NOT in_rev THEN NULL WHEN prev_mrr = 0 AND mrr > 0 AND first_month < month THEN mrr ELSE 0 END,
       CASE WHEN NOT in_rev THEN NULL WHEN prev_mrr > 0 AND mrr > prev_mrr THEN mrr - prev_mrr ELSE 0 END,
       CASE WHEN NOT in_rev THEN NULL WHEN prev_mrr > 0 AND mrr > 0 AND mrr < prev_mrr THEN prev_mrr - mrr
            ELSE 0 END,
       CASE WHEN NOT in_rev THEN NULL WHEN prev_mrr > 0 AND mrr = 0 THEN prev_mrr ELSE 0 END,
       category_start, category_end, churn_month
FROM with_end
ORDER BY month, customer_id  -- month-clustered, so month filters skip most of the table
"""

FACT_MONTH = """
INSERT INTO fact_month
SELECT snapshot, month, segment, region, sum(mrr), sum(prev_mrr), count_if(coalesce(mrr > 0, false)),
       sum(new_mrr), sum(reactivation_mrr), sum(expansion_mrr), sum(contraction_mrr), sum(churned_mrr),
       count_if(active_start), count_if(churned), count_if(started), count_if(active)
FROM fact_customer_month WHERE snapshot = $snap
GROUP BY ALL ORDER BY month
"""

# Trailing-k retention of month M: the base is every customer with MRR > 0 in M − k; retained is
# Σ min(MRR(M), MRR(M − k)) and end Σ MRR(M) over that base. Grouped by segment and region (customer-level
# attributes) so any filter is a sum. Built for k = RETENTION_K at commit; other k run the same SQL live.
RETENTION_K = RETENTION_MONTHS
RETENTION_ROWS = """
WITH b AS (
    SELECT customer_id, segment, region, (month + to_months($k))::DATE AS month, mrr
    FROM fact_customer_month WHERE snapshot = $snap AND mrr > 0
), c AS (
    SELECT customer_id, month, mrr FROM fact_customer_month WHERE snapshot = $snap
)
SELECT $snap AS snapshot, $k AS k, b.month, b.segment, b.region, count(*) AS base_customers,
       sum(b.mrr) AS base_mrr, sum(least(coalesce(c.mrr, 0), b.mrr)) AS retained_mrr,
       sum(coalesce(c.mrr, 0)) AS end_mrr
FROM b LEFT JOIN c USING (customer_id, month)
WHERE b.month <= coalesce((SELECT revenue_last FROM snapshots WHERE snapshot = $snap), (SELECT max(month) FROM c))
GROUP BY ALL
"""

# Cohort = month of first MRR > 0; customers already paying in the first data month are left out (their
# first month is unknown). Ages up to COHORT_MAX_AGE months.
COHORT_MAX_AGE = 24
FACT_COHORT = """
INSERT INTO fact_cohort
WITH f AS (
    SELECT customer_id, min(month) AS cohort FROM fact_customer_month
    WHERE snapshot = $snap AND mrr > 0 GROUP BY customer_id HAVING min(month) > $rfirst
)
SELECT $snap, f.cohort, datediff('month', f.cohort, m.month) AS age, m.segment, m.region, count(*),
       sum(m.mrr)
FROM f JOIN fact_customer_month m ON m.customer_id = f.customer_id AND m.snapshot = $snap
WHERE m.mrr > 0 AND m.month <= (f.cohort + to_months($max_age))::DATE
GROUP BY ALL ORDER BY 2, 3
"""

# A move is a customer's response whose previous response (by date, then file row) had another or the same
# category; it counts in the month of the later response, with the customer's MRR in that month.
FACT_TRANSITION = f"""
INSERT INTO fact_transition
WITH r AS (
    SELECT customer_id, response_date, {CATEGORY_SQL.format(s="score")} AS cat,
           lag({CATEGORY_SQL.format(s="score")}) OVER (PARTITION BY customer_id
                                                      ORDER BY response_date, version, row_number) AS prev_cat
    FROM {source_rows("nps")} WHERE customer_id IS NOT NULL
)
SELECT $snap, m.month, m.segment, m.region, r.prev_cat, r.cat, count(*), sum(m.mrr)
FROM r JOIN fact_customer_month m ON m.snapshot = $snap AND m.customer_id = r.customer_id
     AND m.month = date_trunc('month', r.response_date)
WHERE r.prev_cat IS NOT NULL
GROUP BY ALL ORDER BY 2
"""

FACT_NPS = f"""
INSERT INTO fact_nps
SELECT $snap, date_trunc('month', n.response_date)::DATE AS month,
       coalesce(n.segment, c.segment, 'Unknown'), coalesce(n.region, c.region, 'Unknown'),
       coalesce(n.channel, 'Unknown'), n.score,
       c.customer_id IS NOT NULL OR r.customer_id IS NOT NULL AS linked, count(*)
FROM {source_rows("nps")} n
LEFT JOIN (SELECT customer_id, segment, region FROM customers WHERE version = $cv) c USING (customer_id)
LEFT JOIN (SELECT DISTINCT customer_id FROM revenue WHERE version = $rv) r USING (customer_id)
GROUP BY ALL
"""


# CSAT answers per month, filter value and scale. Segment and region: the answer's own, else its customer's.
FACT_CSAT = f"""
INSERT INTO fact_csat
SELECT $snap, date_trunc('month', a.response_date)::DATE AS month,
       coalesce(a.segment, c.segment, 'Unknown'), coalesce(a.region, c.region, 'Unknown'),
       coalesce(a.channel, 'Unknown'), a.scale, count(*), count_if(a.satisfied),
       sum(a.score) FILTER (a.scale <> 'good-bad')
FROM {source_rows("csat")} a
LEFT JOIN (SELECT customer_id, segment, region FROM customers WHERE version = $cv) c USING (customer_id)
GROUP BY ALL ORDER BY month
"""


@dataclass(frozen=True)
class Snapshot:
    snapshot: int
    versions: dict[str, int | None]
    created_at: dt.datetime
    first_month: dt.date | None   # the months of every kind's data (the period can be chosen within them)
    last_month: dt.date | None
    revenue_first: dt.date | None = None  # the months with revenue data; outside them revenue figures are blank
    revenue_last: dt.date | None = None
    sources: dict[str, tuple[int, ...]] = field(default_factory=dict)  # kind -> every version read, oldest
    #                                              first (several for appended response files; versions = latest)


@dataclass(frozen=True)
class NewUpload:
    """A validated upload ready to be stored (built by metrics.ingest)."""

    kind: str
    file_name: str
    sha256: str
    rows: object  # canonical columns of the kind's table, without `version`: a pyarrow Table or a pandas frame
    source: str = "upload"
    mapping: str = ""
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    uploaded_by: str | None = None
    churn_known_from: dt.date | None = None  # customer lists: churn before this month is not in the file
    # Called with the cursor the commit runs on, before its first write (metrics.jobs: Cancel interrupts it; the
    # transaction then rolls back whole).
    on_cursor: object = field(default=None, compare=False, repr=False)


class StoreError(Exception):
    """A workspace write that did not happen; the message says so and why (nothing was stored)."""


class MixedSourcesError(StoreError, ValueError):
    """The call would put the bundled sample and the company's own uploads in one data version."""


SAMPLE = "sample"  # uploads.source of the bundled sample company; every other source is the company's own

CANONICAL_COLUMNS = {
    "nps": ["row_number", "response_id", "customer_id", "response_date", "score", "comment",
            "segment", "region", "channel"],
    "customers": ["customer_id", "name", "start_date", "churn_date", "segment", "region", "plan"],
    "revenue": ["customer_id", "month", "mrr"],
    "csat": ["row_number", "response_id", "customer_id", "response_date", "score", "scale", "satisfied", "comment",
             "segment", "region", "channel"],
    "tickets": list(TICKET_COLUMNS),
}


class Workspace:
    """The persistent store. Create one per process (the app caches it) and take a cursor per query."""

    def __init__(self, path: str | os.PathLike | None = None):
        if path is None:
            path = os.environ.get(ENV_PATH) or DEFAULT_PATH
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(self.path)
        self._write_lock = threading.Lock()
        self._con.execute(SCHEMA)
        self._con.execute(HISTORY_SCHEMA)
        lockdown.lock(self._con)  # no files, network, extensions or SET through the app's cursors

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._con.cursor()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One writer at a time, in one transaction: committed if the block ends, rolled back if it raises.
        A disk or memory failure (DuckDB IOException, OutOfMemoryException) becomes a StoreError saying that
        nothing was stored."""
        with self._write_lock:
            cur = self.cursor()
            cur.begin()
            try:
                yield cur
                cur.commit()
            except BaseException as exc:
                with contextlib.suppress(duckdb.Error):  # a failed commit may have ended the transaction
                    cur.rollback()
                if isinstance(exc, duckdb.OutOfMemoryException):
                    raise StoreError("Nothing was stored: the workspace ran out of memory while saving "
                                     f"({str(exc).splitlines()[0]}). Try a smaller file or free memory.") from exc
                if isinstance(exc, duckdb.IOException):
                    raise StoreError("Nothing was stored: the workspace file could not be written "
                                     f"({str(exc).splitlines()[0]}). Check free disk space.") from exc
                raise

    def close(self) -> None:
        self._con.close()

    # ---- reading the catalogue -------------------------------------------------------------
    def is_empty(self) -> bool:
        return self.cursor().execute("SELECT count(*) FROM uploads").fetchone()[0] == 0

    _VERSION_COLUMNS = ", ".join(f"{k}_version" for k in KINDS)
    _SNAPSHOT_SQL = (f"SELECT snapshot, {_VERSION_COLUMNS}, created_at, first_month, last_month, revenue_first,"
                     " revenue_last FROM snapshots ")

    def _as_snapshot(self, row) -> Snapshot:
        n = len(KINDS)
        return Snapshot(row[0], dict(zip(KINDS, row[1:n + 1], strict=True)), *row[n + 1:n + 6],
                        sources=self._sources(self.cursor(), row[0]))

    @staticmethod
    def _sources(cur, snapshot: int | None) -> dict[str, tuple[int, ...]]:
        """kind -> the versions a snapshot reads, oldest first (kinds without data left out)."""
        rows = cur.execute("SELECT kind, list(version ORDER BY version) FROM snapshot_sources WHERE snapshot = ?"
                           " GROUP BY kind", [snapshot]).fetchall()
        return {kind: tuple(versions) for kind, versions in rows}

    @staticmethod
    def _current_sources(cur) -> dict[str, tuple[int, ...]]:
        latest = cur.execute("SELECT max(snapshot) FROM snapshots").fetchone()[0]
        return Workspace._sources(cur, latest)

    def snapshot(self, number: int | None = None) -> Snapshot | None:
        """The given snapshot, or the latest one when `number` is None; None if it does not exist."""
        if number is None:
            row = self.cursor().execute(self._SNAPSHOT_SQL + "ORDER BY snapshot DESC LIMIT 1").fetchone()
        else:
            row = self.cursor().execute(self._SNAPSHOT_SQL + "WHERE snapshot = ?", [number]).fetchone()
        return None if row is None else self._as_snapshot(row)

    def snapshots(self) -> list[Snapshot]:
        """Every snapshot, newest first."""
        rows = self.cursor().execute(self._SNAPSHOT_SQL + "ORDER BY snapshot DESC").fetchall()
        return [self._as_snapshot(r) for r in rows]

    def uploads(self) -> pd.DataFrame:
        return self.cursor().execute(
            "SELECT version, kind, file_name, source, row_count, first_date, last_date, uploaded_at, sha256"
            " FROM uploads ORDER BY version DESC"
        ).df()

    def upload_info(self, version: int | None) -> dict | None:
        if version is None:
            return None
        cur = self.cursor().execute("SELECT * FROM uploads WHERE version = ?", [version])
        row = cur.fetchone()
        return None if row is None else dict(zip([d[0] for d in cur.description], row, strict=True))

    # ---- writing ---------------------------------------------------------------------------
    def commit(self, uploads: Iterable[NewUpload], *, leave_sample: bool = False, append: bool = False) -> Snapshot:
        """Store the uploads as new versions and build a new snapshot, all in one transaction.

        The new snapshot holds the uploads plus the other kinds of the current data. The bundled sample and
        the company's own uploads are never mixed in one snapshot: uploading the company's data onto data that
        holds sample versions raises MixedSourcesError unless `leave_sample` is set, in which case the new
        snapshot holds only the uploads and the current data's non-sample versions (the company's own
        workspace starts; the sample's snapshots stay readable as the demo). Sample uploads are only ever
        stored onto sample data.

        `append` (response kinds only, APPENDABLE): each upload is added as another source of its kind (its own
        version, removable on its own) instead of replacing the kind's current data; see source_rows() for how
        answers present in several sources are counted once.

        Any failure rolls everything back: the workspace is exactly as it was before the call.
        """
        uploads = list(uploads)
        if len({up.source == SAMPLE for up in uploads}) > 1:
            raise MixedSourcesError("Sample files and your own files cannot be stored together.")
        if append and (bad := [up.kind for up in uploads if up.kind not in APPENDABLE]):
            raise ValueError(f"Only response files ({', '.join(APPENDABLE)}) can be added as another source; "
                             f"{bad[0]} replaces the current data of its kind.")
        with self._transaction() as cur:
            versions = self._current_versions(cur)
            if uploads:
                versions = self._base_for(cur, versions, uploads[0].source == SAMPLE, leave_sample)
            sources = {k: v for k, v in self._current_sources(cur).items() if versions.get(k) is not None}
            next_version = cur.execute("SELECT coalesce(max(version), 0) + 1 FROM uploads").fetchone()[0]
            for up in uploads:
                self._insert_upload(cur, next_version, up)
                sources[up.kind] = (*sources.get(up.kind, ()), next_version) if append else (next_version,)
                next_version += 1
            number = self._build_snapshot(cur, sources)
            if append and uploads:
                cur.execute("INSERT INTO snapshot_events VALUES (?, 'appended', ?, timezone('UTC', now()))", [
                    number, "; ".join(f"{k}: {len(v)} sources (versions {', '.join(map(str, v))})"
                                      for k, v in sources.items() if k in {up.kind for up in uploads})])
        return self.snapshot(number)

    @staticmethod
    def _sample_kinds(cur, versions: dict[str, int | None]) -> dict[str, bool]:
        """kind -> whether its version is the bundled sample (kinds without a version left out)."""
        used = {k: v for k, v in versions.items() if v is not None}
        if not used:
            return {}
        rows = dict(cur.execute(f"SELECT version, source = '{SAMPLE}' FROM uploads WHERE version IN "
                                f"({', '.join('?' * len(used))})", list(used.values())).fetchall())
        return {k: bool(rows.get(v)) for k, v in used.items()}

    def _base_for(self, cur, versions: dict[str, int | None], sample: bool, leave_sample: bool) -> dict:
        """The current versions a commit of sample (or own) uploads builds on; refuses a mix."""
        kinds = self._sample_kinds(cur, versions)
        if sample:
            if not all(kinds.values()):
                raise MixedSourcesError("The workspace already holds your own data; the sample company is not "
                                        "stored on top of it.")
            return versions
        if not any(kinds.values()):
            return versions
        if not leave_sample:
            raise MixedSourcesError(
                "The current data is the sample company's: storing your file on top of it would mix fictional "
                "and real figures. Choose to start your company's own workspace (the sample stays viewable as "
                "a demo data version).")
        return {k: None if kinds.get(k) else v for k, v in versions.items()}

    def holds_sample(self, snapshot: int | None = None) -> bool:
        """Whether the snapshot (default: the current data) holds any version of the bundled sample."""
        snap = self.snapshot(snapshot)
        return snap is not None and any(self._sample_kinds(self.cursor(), snap.versions).values())

    @staticmethod
    def _current_versions(cur) -> dict[str, int | None]:
        row = cur.execute(
            f"SELECT {Workspace._VERSION_COLUMNS} FROM snapshots ORDER BY snapshot DESC LIMIT 1").fetchone()
        return dict(zip(KINDS, row or (None,) * len(KINDS), strict=True))

    @staticmethod
    def _insert_upload(cur, version: int, up: NewUpload) -> None:
        if up.kind not in KINDS:
            raise ValueError(f"unknown kind {up.kind!r}")
        if up.on_cursor is not None:
            up.on_cursor(cur)
        cur.execute(
            "INSERT INTO uploads (version, kind, file_name, sha256, row_count, uploaded_at, source, mapping,"
            " first_date, last_date, uploaded_by, churn_known_from)"
            " VALUES (?, ?, ?, ?, ?, timezone('UTC', now()), ?, ?, ?, ?, ?, ?)",
            [version, up.kind, up.file_name, up.sha256, len(up.rows), up.source, up.mapping,
             up.first_date, up.last_date, up.uploaded_by, up.churn_known_from],
        )
        cols = CANONICAL_COLUMNS[up.kind]
        # Arrow (ingest's typed rows) or pandas, scanned in place by DuckDB: one copy, straight into the table.
        cur.register("incoming", up.rows)
        table = TABLES[up.kind]
        col_sql = ", ".join(quote_ident(c) for c in cols)
        cur.execute(f"INSERT INTO {quote_ident(table)} (version, {col_sql}) SELECT ?, {col_sql} FROM incoming",
                    [version])
        cur.unregister("incoming")

    @staticmethod
    def _month_range(cur, number: int, versions: dict[str, int | None]) -> tuple[dt.date | None, dt.date | None]:
        """Months the facts cover: from the first month of any dated event (revenue month, response or answer
        date of every source, ticket creation, churn date) to the last month of any kind (customers' start
        months included), capped at MAX_HISTORY_MONTHS back from the latest month. Customers' start months set
        the beginning only when no kind has events (a customer list alone): a list of long-standing customers would
        otherwise stretch the period back to years without any data. So the period reaches responses dated
        after the last revenue month; revenue figures there are blank (see _revenue_range)."""
        first, last, start_first, start_last = cur.execute(
            """WITH events AS (
                   SELECT date_trunc('month', response_date)::DATE AS m FROM nps_responses
                       WHERE version IN (SELECT version FROM snapshot_sources WHERE snapshot = $snap AND kind = 'nps')
                   UNION ALL SELECT date_trunc('month', churn_date)::DATE FROM customers WHERE version = $cv
                   UNION ALL SELECT date_trunc('month', response_date)::DATE FROM csat_responses
                       WHERE version IN (SELECT version FROM snapshot_sources WHERE snapshot = $snap AND kind = 'csat')
                   UNION ALL SELECT month FROM revenue WHERE version = $rv
                   UNION ALL SELECT date_trunc('month', created_at)::DATE FROM tickets
                       WHERE version IN (SELECT version FROM snapshot_sources WHERE snapshot = $snap
                                         AND kind = 'tickets')
               ), starts AS (SELECT date_trunc('month', start_date)::DATE AS m FROM customers WHERE version = $cv)
               SELECT (SELECT min(m) FROM events), (SELECT max(m) FROM events),
                      (SELECT min(m) FROM starts), (SELECT max(m) FROM starts)""",
            {"snap": number, "cv": versions["customers"], "rv": versions["revenue"]},
        ).fetchone()
        first = first or start_first
        last = max(m for m in (last, start_last) if m is not None) if (last or start_last) else None
        if last is None:
            return None, None
        floor = (pd.Timestamp(last) - pd.DateOffset(months=MAX_HISTORY_MONTHS - 1)).date()
        return max(first, floor), last

    @staticmethod
    def _revenue_range(cur, rv: int | None, first: dt.date | None, last: dt.date | None) -> tuple:
        """The months with revenue data within [first, last]; (None, None) without revenue. Outside them a
        customer's MRR is 0 but no movement, churned MRR, retention or cohort cell is built (all blank)."""
        if rv is None or first is None:
            return None, None
        rfirst, rlast = cur.execute("SELECT min(month), max(month) FROM revenue WHERE version = ?", [rv]).fetchone()
        if rlast is None or rlast < first:
            return None, None
        return max(rfirst, first), min(rlast, last)

    def _build_snapshot(self, cur, sources: dict[str, tuple[int, ...]]) -> int:
        """A new snapshot reading these versions per kind (the last of each is its `<kind>_version`), with
        its facts."""
        number = cur.execute("SELECT coalesce(max(snapshot), 0) + 1 FROM snapshots").fetchone()[0]
        versions = {k: (sources[k][-1] if sources.get(k) else None) for k in KINDS}
        rows = [[number, k, v] for k in KINDS for v in sources.get(k, ())]
        if rows:
            cur.executemany("INSERT INTO snapshot_sources VALUES (?, ?, ?)", rows)
        first, last = self._month_range(cur, number, versions)
        rfirst, rlast = self._revenue_range(cur, versions["revenue"], first, last)
        cur.execute(
            f"INSERT INTO snapshots (snapshot, {self._VERSION_COLUMNS}, created_at, first_month, last_month,"
            f" revenue_first, revenue_last) VALUES (?, {', '.join('?' * len(KINDS))}, timezone('UTC', now()),"
            " ?, ?, ?, ?)",
            [number, *(versions[k] for k in KINDS), first, last, rfirst, rlast],
        )
        params = {"snap": number, "cv": versions["customers"], "rv": versions["revenue"]}
        if first is not None:
            cfrom = cur.execute("SELECT churn_known_from FROM uploads WHERE version = ?",
                                [versions["customers"]]).fetchone() if versions["customers"] else None
            cur.execute(FACT_CUSTOMER_MONTH, {**params, "cfrom": cfrom and cfrom[0], "first": first, "last": last,
                                              "rfirst": rfirst,
                                              "rlast": rlast})
            cur.execute(FACT_MONTH, {"snap": number})
            cur.execute(f"INSERT INTO fact_retention {RETENTION_ROWS} ORDER BY month",
                        {"snap": number, "k": RETENTION_K})
            cur.execute(FACT_COHORT, {"snap": number, "rfirst": rfirst, "max_age": COHORT_MAX_AGE})
            cur.execute(FACT_TRANSITION, {"snap": number})
        cur.execute(FACT_NPS, params)
        cur.execute(FACT_CSAT, {"snap": number, "cv": versions["customers"]})
        return number

    # ---- history: roll back, delete, mapping presets (Data page) ---------------------------------
    # Rules
    # - Roll back: the chosen earlier version of a kind becomes current again. This is recorded as a new
    #   snapshot (the other kinds stay as they are) with a row in `snapshot_events`; nothing is removed, so a
    #   roll back can itself be undone by rolling forward to the later version.
    # - Delete: removes a version's rows and the facts of every snapshot that used it, in one transaction.
    #   Refused for a version the latest snapshot uses (the data in use): roll back or upload a replacement
    #   first. Those snapshots keep their numbers as empty placeholders (no versions, no months; a
    #   'deleted' row in `snapshot_events`), so snapshot numbers stay contiguous and never get reused. The
    #   `uploads` row stays as the audit trail (when/hash/rows) and the version is listed in
    #   `deleted_versions`, so version numbers are never reused either.
    # - Several sources of a response kind (commit(append=True)): roll back makes the chosen version the
    #   kind's only source again; remove_source() takes one source out of the current data (a new snapshot,
    #   recorded), after which it can be deleted like any earlier version.
    def _ensure_history_tables(self) -> None:
        self._con.execute(HISTORY_SCHEMA)

    def current_versions(self) -> dict[str, int | None]:
        return self._current_versions(self.cursor())

    def deleted_versions(self) -> set[int]:
        self._ensure_history_tables()
        return {r[0] for r in self.cursor().execute("SELECT version FROM deleted_versions").fetchall()}

    def history(self) -> pd.DataFrame:
        """Every version, newest first, with its status: 'in use' (latest snapshot), 'earlier' or 'deleted'."""
        self._ensure_history_tables()
        current = [v for vs in self._current_sources(self.cursor()).values() for v in vs] or [-1]
        return self.cursor().execute(
            f"""SELECT u.version, u.kind, u.file_name, u.source, u.row_count, u.first_date, u.last_date,
                       u.uploaded_at, u.uploaded_by, u.sha256, d.deleted_at,
                       CASE WHEN d.version IS NOT NULL THEN 'deleted'
                            WHEN u.version IN ({', '.join('?' * len(current))}) THEN 'in use' ELSE 'earlier' END
                           AS status
                FROM uploads u LEFT JOIN deleted_versions d USING (version) ORDER BY u.version DESC""",
            current).df()

    def snapshot_events(self) -> pd.DataFrame:
        self._ensure_history_tables()
        return self.cursor().execute(
            "SELECT snapshot, action, detail, happened_at FROM snapshot_events ORDER BY snapshot DESC").df()

    def rollback(self, version: int) -> Snapshot:
        """Make an earlier upload the current data of its kind again, as a new snapshot (one transaction)."""
        self._ensure_history_tables()
        with self._transaction() as cur:
            row = cur.execute("SELECT kind FROM uploads WHERE version = ?", [version]).fetchone()
            if row is None:
                raise ValueError(f"There is no version {version}.")
            if cur.execute("SELECT count(*) FROM deleted_versions WHERE version = ?", [version]).fetchone()[0]:
                raise ValueError(f"Version {version} was deleted; it cannot be restored.")
            kind = row[0]
            versions = self._current_versions(cur)
            if versions[kind] == version:
                raise ValueError(f"Version {version} is already the current {kind} data.")
            previous = versions[kind]
            sources = {k: v for k, v in self._current_sources(cur).items() if k != kind}
            sources[kind] = (version,)
            versions[kind] = version
            before, after = self._sample_kinds(cur, self._current_versions(cur)), self._sample_kinds(cur, versions)
            if after[kind] and not all(before.values()):
                raise MixedSourcesError(
                    f"Version {version} is part of the sample company: it cannot become part of your own data "
                    "(the sample stays viewable as its own data version in the sidebar).")
            if len(set(after.values())) > 1:
                raise MixedSourcesError(f"Version {version} is your own upload; the current data is the sample "
                                        "company's, and the two are never mixed in one data version.")
            number = self._build_snapshot(cur, sources)
            cur.execute("INSERT INTO snapshot_events VALUES (?, 'rollback', ?, timezone('UTC', now()))",
                        [number, f"{kind}: back to version {version} (was version {previous})"])
        return self.snapshot(number)

    def remove_source(self, version: int) -> Snapshot:
        """Take one source (an appended response file) out of the current data, as a new snapshot; the other
        sources of its kind stay. Refused when it is its kind's only source (roll back or delete instead)."""
        with self._transaction() as cur:
            row = cur.execute("SELECT kind FROM uploads WHERE version = ?", [version]).fetchone()
            sources = self._current_sources(cur)
            kind = row[0] if row else None
            if kind is None or version not in sources.get(kind, ()):
                raise ValueError(f"Version {version} is not a source of the current data.")
            if len(sources[kind]) == 1:
                raise ValueError(f"Version {version} is the only source of its kind: roll back to another version "
                                 "or upload a replacement instead.")
            sources[kind] = tuple(v for v in sources[kind] if v != version)
            number = self._build_snapshot(cur, sources)
            cur.execute("INSERT INTO snapshot_events VALUES (?, 'removed', ?, timezone('UTC', now()))",
                        [number, f"{kind}: version {version} removed as a source (sources now "
                                 f"{', '.join(map(str, sources[kind]))})"])
        return self.snapshot(number)

    def delete_version(self, version: int) -> list[int]:
        """Delete a version's rows and empty the snapshots that used it (see the rules above); returns their
        numbers."""
        self._ensure_history_tables()
        with self._transaction() as cur:
            row = cur.execute("SELECT kind FROM uploads WHERE version = ?", [version]).fetchone()
            if row is None or cur.execute("SELECT count(*) FROM deleted_versions WHERE version = ?",
                                          [version]).fetchone()[0]:
                raise ValueError(f"There is no version {version} to delete.")
            if any(version in vs for vs in self._current_sources(cur).values()):
                raise ValueError(f"Version {version} is the data in use. Roll back to another version, upload "
                                 "a replacement or remove it as a source first, then delete it.")
            snaps = [r[0] for r in cur.execute(
                "SELECT DISTINCT snapshot FROM snapshot_sources WHERE version = ? ORDER BY snapshot",
                [version]).fetchall()]
            if snaps:
                marks = ", ".join("?" * len(snaps))
                fact_tables = [r[0] for r in cur.execute(
                    "SELECT DISTINCT table_name FROM duckdb_columns() WHERE column_name = 'snapshot'"
                    " AND table_name LIKE 'fact%' AND database_name = current_database()").fetchall()]
                for table in fact_tables:
                    cur.execute(f"DELETE FROM {quote_ident(table)} WHERE snapshot IN ({marks})", snaps)
                # The snapshot numbers stay (links and the version list keep their numbering) as empty
                # placeholders: no versions, no months, so pages show their empty state for them.
                cur.execute(f"UPDATE snapshots SET {', '.join(f'{k}_version = NULL' for k in KINDS)}, "
                            f"first_month = NULL, last_month = NULL, revenue_first = NULL, revenue_last = NULL "
                            f"WHERE snapshot IN ({marks})", snaps)
                cur.execute(f"DELETE FROM snapshot_sources WHERE snapshot IN ({marks})", snaps)
                cur.execute(f"DELETE FROM snapshot_events WHERE snapshot IN ({marks})", snaps)
                cur.executemany("INSERT INTO snapshot_events VALUES (?, 'deleted', ?, timezone('UTC', now()))",
                                [[n, f"emptied: it used version {version}, which was deleted"] for n in snaps])
            cur.execute(f"DELETE FROM {quote_ident(TABLES[row[0]])} WHERE version = ?", [version])
            cur.execute("INSERT INTO deleted_versions VALUES (?, timezone('UTC', now()), ?)",
                        [version, ", ".join(map(str, snaps))])
        return snaps

    def version_stats(self, version: int | None) -> dict | None:
        """Rows, date range and customers of a version; ARR (last month × 12) for revenue, NPS for responses,
        active customers at the end for customer lists."""
        info = self.upload_info(version)
        if info is None:
            return None
        cur = self.cursor()
        kind = info["kind"]
        stats = {"kind": kind, "version": version, "rows": info["row_count"], "first_date": info["first_date"],
                 "last_date": info["last_date"]}
        if kind == "revenue":
            stats["customers"], stats["last_month"] = cur.execute(
                "SELECT count(DISTINCT customer_id), max(month) FROM revenue WHERE version = ?", [version]).fetchone()
            stats["arr"] = float(cur.execute(
                f"SELECT coalesce(sum(mrr), 0) * {ARR_FACTOR} FROM revenue WHERE version = ? AND month = ?",
                [version, stats["last_month"]]).fetchone()[0])
        elif kind == "customers":
            stats["customers"], stats["active"] = cur.execute(
                "SELECT count(*), count(*) FILTER (churn_date IS NULL) FROM customers WHERE version = ?",
                [version]).fetchone()
        elif kind == "tickets":
            stats.update(ticket_version_stats(cur, version))
            stats["nps"] = None  # a tickets version has no NPS (change_summary reads the key)
        elif kind == "csat":
            stats["customers"], stats["csat"] = cur.execute(
                "SELECT count(DISTINCT customer_id), 100.0 * count_if(satisfied) / count(*) FROM csat_responses"
                " WHERE version = ?", [version]).fetchone()
            stats["nps"] = None  # a CSAT version has no NPS (change_summary reads the key for response kinds)
        else:
            stats["customers"], stats["nps"] = cur.execute(
                f"SELECT count(DISTINCT customer_id), 100.0 * (count(*) FILTER ({band_sql('Promoter', 'score')})"
                f" - count(*) FILTER ({band_sql('Detractor', 'score')})) / count(*)"
                " FROM nps_responses WHERE version = ?",
                [version]).fetchone()
        return stats

    def save_preset(self, signature: str, name: str, kind: str, settings: dict) -> None:
        """Remember a confirmed mapping for files with this header (replaces an earlier one)."""
        self._ensure_history_tables()
        with self._write_lock:
            self.cursor().execute("INSERT OR REPLACE INTO mapping_presets VALUES (?, ?, ?, ?, timezone('UTC', now()))",
                                  [signature, name, kind, json.dumps(settings, default=str)])

    def preset(self, signature: str) -> dict | None:
        self._ensure_history_tables()
        row = self.cursor().execute("SELECT name, kind, settings FROM mapping_presets WHERE signature = ?",
                                    [signature]).fetchone()
        return None if row is None else {"name": row[0], "kind": row[1], "settings": json.loads(row[2])}

    def presets(self) -> pd.DataFrame:
        self._ensure_history_tables()
        return self.cursor().execute(
            "SELECT name, kind, saved_at, signature FROM mapping_presets ORDER BY saved_at DESC").df()


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
"""
