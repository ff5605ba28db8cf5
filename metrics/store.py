"""The workspace: one persistent DuckDB file holding every upload, version and derived fact.

Model
- Each upload of a kind (nps, customers, revenue) becomes a *version* of that kind: its canonical rows
  are stored under that version number and are never modified afterwards. The current data of a kind
  is its latest version; earlier versions stay readable.
- Each commit also creates a *snapshot*: the trio of versions (nps, customers, revenue) current at that
  moment. Pages and shared links address data by snapshot number.
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
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from metrics import lockdown

KINDS = ("nps", "customers", "revenue")
KIND_LABELS = {"nps": "NPS responses", "customers": "Customers / churn", "revenue": "Revenue"}
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
CREATE TABLE IF NOT EXISTS snapshots (
    snapshot          INTEGER PRIMARY KEY,
    nps_version       INTEGER,
    customers_version INTEGER,
    revenue_version   INTEGER,
    created_at        TIMESTAMP NOT NULL,
    first_month       DATE,
    last_month        DATE
);
CREATE TABLE IF NOT EXISTS nps_responses (
    version INTEGER NOT NULL, row_number BIGINT NOT NULL, response_id VARCHAR, customer_id VARCHAR,
    response_date DATE NOT NULL, score TINYINT NOT NULL, comment VARCHAR,
    segment VARCHAR, region VARCHAR, channel VARCHAR
);
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
    mrr DECIMAL(18, 2) NOT NULL, prev_mrr DECIMAL(18, 2),  -- prev_mrr NULL in the first data month
    new_mrr DECIMAL(18, 2), reactivation_mrr DECIMAL(18, 2), expansion_mrr DECIMAL(18, 2),
    contraction_mrr DECIMAL(18, 2), churned_mrr DECIMAL(18, 2),
    category_start VARCHAR,          -- NPS category of the latest response before the month's first day
    category_end VARCHAR,            -- ... of the latest response on or before the month's last day
    churn_month DATE                 -- the customer's churn month per the customers file (NULL: not churned)
);
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
"""

CATEGORY_SQL = "CASE WHEN {s} >= 9 THEN 'Promoter' WHEN {s} >= 7 THEN 'Passive' ELSE 'Detractor' END"

# Latest response per customer per day (the last row of the file wins a same-day tie), with category.
_LATEST_DAILY = f"""
    SELECT customer_id, response_date, arg_max(score, row_number) AS score,
           {CATEGORY_SQL.format(s="arg_max(score, row_number)")} AS category
    FROM nps_responses WHERE version = $nv AND customer_id IS NOT NULL
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
    UNION SELECT customer_id, (month + INTERVAL 1 MONTH)::DATE FROM rev WHERE month < $last
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
           coalesce(c.start_date < k.month AND (c.churn_date IS NULL OR c.churn_date >= k.month), false)
               AS active_start,
           coalesce(c.start_date <= last_day(k.month) AND (c.churn_date IS NULL OR c.churn_date >= k.month),
               false) AS active,
           coalesce(c.start_date BETWEEN k.month AND last_day(k.month), false) AS started,
           coalesce(c.start_date < k.month AND c.churn_date BETWEEN k.month AND last_day(k.month), false)
               AS churned,
           coalesce(r.mrr, 0) AS mrr,
           CASE WHEN k.month > $first THEN coalesce(p.mrr, 0) END AS prev_mrr,
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
       CASE WHEN prev_mrr = 0 AND mrr > 0 AND first_month = month THEN mrr ELSE 0 END,
       CASE WHEN prev_mrr = 0 AND mrr > 0 AND first_month < month THEN mrr ELSE 0 END,
       CASE WHEN prev_mrr > 0 AND mrr > prev_mrr THEN mrr - prev_mrr ELSE 0 END,
       CASE WHEN prev_mrr > 0 AND mrr > 0 AND mrr < prev_mrr THEN prev_mrr - mrr ELSE 0 END,
       CASE WHEN prev_mrr > 0 AND mrr = 0 THEN prev_mrr ELSE 0 END,
       category_start, category_end, churn_month
FROM with_end
ORDER BY month, customer_id  -- month-clustered, so month filters skip most of the table
"""

FACT_MONTH = """
INSERT INTO fact_month
SELECT snapshot, month, segment, region, sum(mrr), sum(prev_mrr), count_if(mrr > 0),
       sum(new_mrr), sum(reactivation_mrr), sum(expansion_mrr), sum(contraction_mrr), sum(churned_mrr),
       count_if(active_start), count_if(churned), count_if(started), count_if(active)
FROM fact_customer_month WHERE snapshot = $snap
GROUP BY ALL ORDER BY month
"""

# Trailing-k retention of month M: the base is every customer with MRR > 0 in M − k; retained is
# Σ min(MRR(M), MRR(M − k)) and end Σ MRR(M) over that base. Grouped by segment and region (customer-level
# attributes) so any filter is a sum. Built for k = RETENTION_K at commit; other k run the same SQL live.
RETENTION_K = 12
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
WHERE b.month <= (SELECT max(month) FROM c)
GROUP BY ALL
"""

# Cohort = month of first MRR > 0; customers already paying in the first data month are left out (their
# first month is unknown). Ages up to COHORT_MAX_AGE months.
COHORT_MAX_AGE = 24
FACT_COHORT = """
INSERT INTO fact_cohort
WITH f AS (
    SELECT customer_id, min(month) AS cohort FROM fact_customer_month
    WHERE snapshot = $snap AND mrr > 0 GROUP BY customer_id HAVING min(month) > $first
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
           lag({CATEGORY_SQL.format(s="score")}) OVER (PARTITION BY customer_id ORDER BY response_date, row_number)
               AS prev_cat
    FROM nps_responses WHERE version = $nv AND customer_id IS NOT NULL
)
SELECT $snap, m.month, m.segment, m.region, r.prev_cat, r.cat, count(*), sum(m.mrr)
FROM r JOIN fact_customer_month m ON m.snapshot = $snap AND m.customer_id = r.customer_id
     AND m.month = date_trunc('month', r.response_date)
WHERE r.prev_cat IS NOT NULL
GROUP BY ALL ORDER BY 2
"""

FACT_NPS = """
INSERT INTO fact_nps
SELECT $snap, date_trunc('month', n.response_date)::DATE AS month,
       coalesce(n.segment, c.segment, 'Unknown'), coalesce(n.region, c.region, 'Unknown'),
       coalesce(n.channel, 'Unknown'), n.score,
       c.customer_id IS NOT NULL OR r.customer_id IS NOT NULL AS linked, count(*)
FROM nps_responses n
LEFT JOIN (SELECT customer_id, segment, region FROM customers WHERE version = $cv) c USING (customer_id)
LEFT JOIN (SELECT DISTINCT customer_id FROM revenue WHERE version = $rv) r USING (customer_id)
WHERE n.version = $nv
GROUP BY ALL
"""


@dataclass(frozen=True)
class Snapshot:
    snapshot: int
    versions: dict[str, int | None]
    created_at: dt.datetime
    first_month: dt.date | None
    last_month: dt.date | None


@dataclass(frozen=True)
class NewUpload:
    """A validated upload ready to be stored (built by metrics.ingest)."""

    kind: str
    file_name: str
    sha256: str
    rows: pd.DataFrame  # canonical columns of the kind's table, without `version`
    source: str = "upload"
    mapping: str = ""
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    uploaded_by: str | None = None


CANONICAL_COLUMNS = {
    "nps": ["row_number", "response_id", "customer_id", "response_date", "score", "comment",
            "segment", "region", "channel"],
    "customers": ["customer_id", "name", "start_date", "churn_date", "segment", "region", "plan"],
    "revenue": ["customer_id", "month", "mrr"],
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
        lockdown.lock(self._con)  # no files, network, extensions or SET through the app's cursors

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._con.cursor()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One writer at a time, in one transaction: committed if the block ends, rolled back if it raises."""
        with self._write_lock:
            cur = self.cursor()
            cur.begin()
            try:
                yield cur
                cur.commit()
            except BaseException:
                cur.rollback()
                raise

    def close(self) -> None:
        self._con.close()

    # ---- reading the catalogue -------------------------------------------------------------
    def is_empty(self) -> bool:
        return self.cursor().execute("SELECT count(*) FROM uploads").fetchone()[0] == 0

    _SNAPSHOT_SQL = ("SELECT snapshot, nps_version, customers_version, revenue_version, created_at, first_month,"
                     " last_month FROM snapshots ")

    @staticmethod
    def _as_snapshot(row) -> Snapshot:
        return Snapshot(row[0], dict(zip(KINDS, row[1:4], strict=True)), row[4], row[5], row[6])

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
    def commit(self, uploads: Iterable[NewUpload]) -> Snapshot:
        """Store the uploads as new versions and build a new snapshot, all in one transaction.

        Any failure rolls everything back: the workspace is exactly as it was before the call.
        """
        uploads = list(uploads)
        with self._transaction() as cur:
            versions = self._current_versions(cur)
            next_version = cur.execute("SELECT coalesce(max(version), 0) + 1 FROM uploads").fetchone()[0]
            for up in uploads:
                self._insert_upload(cur, next_version, up)
                versions[up.kind] = next_version
                next_version += 1
            number = self._build_snapshot(cur, versions)
        return self.snapshot(number)

    @staticmethod
    def _current_versions(cur) -> dict[str, int | None]:
        row = cur.execute(
            "SELECT nps_version, customers_version, revenue_version FROM snapshots ORDER BY snapshot DESC LIMIT 1"
        ).fetchone()
        return dict(zip(KINDS, row or (None, None, None), strict=True))

    @staticmethod
    def _insert_upload(cur, version: int, up: NewUpload) -> None:
        if up.kind not in KINDS:
            raise ValueError(f"unknown kind {up.kind!r}")
        cur.execute(
            "INSERT INTO uploads (version, kind, file_name, sha256, row_count, uploaded_at, source, mapping,"
            " first_date, last_date, uploaded_by) VALUES (?, ?, ?, ?, ?, timezone('UTC', now()), ?, ?, ?, ?, ?)",
            [version, up.kind, up.file_name, up.sha256, len(up.rows), up.source, up.mapping,
             up.first_date, up.last_date, up.uploaded_by],
        )
        cols = CANONICAL_COLUMNS[up.kind]
        frame = up.rows[cols]
        cur.register("incoming", frame)
        table = {"nps": "nps_responses", "customers": "customers", "revenue": "revenue"}[up.kind]
        col_sql = ", ".join(quote_ident(c) for c in cols)
        cur.execute(f"INSERT INTO {quote_ident(table)} (version, {col_sql}) SELECT ?, {col_sql} FROM incoming",
                    [version])
        cur.unregister("incoming")

    @staticmethod
    def _month_range(cur, versions: dict[str, int | None]) -> tuple[dt.date | None, dt.date | None]:
        """Months the facts cover: the revenue months when there is revenue, otherwise the span of the
        customers and responses, capped at MAX_HISTORY_MONTHS back from the latest month."""
        nv, cv, rv = (versions[k] for k in KINDS)
        if rv is not None:
            first, last = cur.execute(
                "SELECT min(month), max(month) FROM revenue WHERE version = ?", [rv]).fetchone()
            return first, last
        first, last = cur.execute(
            """SELECT min(m), max(m) FROM (
                   SELECT date_trunc('month', response_date)::DATE AS m FROM nps_responses WHERE version = $nv
                   UNION ALL SELECT date_trunc('month', start_date)::DATE FROM customers WHERE version = $cv
                   UNION ALL SELECT date_trunc('month', churn_date)::DATE FROM customers WHERE version = $cv)""",
            {"nv": nv, "cv": cv},
        ).fetchone()
        if last is None:
            return None, None
        floor = (pd.Timestamp(last) - pd.DateOffset(months=MAX_HISTORY_MONTHS - 1)).date()
        return max(first, floor), last

    def _build_snapshot(self, cur, versions: dict[str, int | None]) -> int:
        number = cur.execute("SELECT coalesce(max(snapshot), 0) + 1 FROM snapshots").fetchone()[0]
        first, last = self._month_range(cur, versions)
        cur.execute(
            "INSERT INTO snapshots VALUES (?, ?, ?, ?, timezone('UTC', now()), ?, ?)",
            [number, versions["nps"], versions["customers"], versions["revenue"], first, last],
        )
        params = {"snap": number, "nv": versions["nps"], "cv": versions["customers"], "rv": versions["revenue"]}
        if first is not None:
            cur.execute(FACT_CUSTOMER_MONTH, {**params, "first": first, "last": last})
            cur.execute(FACT_MONTH, {"snap": number})
            cur.execute(f"INSERT INTO fact_retention {RETENTION_ROWS} ORDER BY month",
                        {"snap": number, "k": RETENTION_K})
            cur.execute(FACT_COHORT, {"snap": number, "first": first, "max_age": COHORT_MAX_AGE})
            cur.execute(FACT_TRANSITION, {"snap": number, "nv": versions["nps"]})
        cur.execute(FACT_NPS, {k: params[k] for k in ("snap", "nv", "cv", "rv")})
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
        current = [v for v in self.current_versions().values() if v is not None] or [-1]
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
            versions[kind] = version
            number = self._build_snapshot(cur, versions)
            cur.execute("INSERT INTO snapshot_events VALUES (?, 'rollback', ?, timezone('UTC', now()))",
                        [number, f"{kind}: back to version {version} (was version {previous})"])
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
            if version in self._current_versions(cur).values():
                raise ValueError(f"Version {version} is the data in use. Roll back to another version or upload "
                                 "a replacement first, then delete it.")
            snaps = [r[0] for r in cur.execute(
                "SELECT snapshot FROM snapshots WHERE ? IN (nps_version, customers_version, revenue_version)"
                " ORDER BY snapshot", [version]).fetchall()]
            if snaps:
                marks = ", ".join("?" * len(snaps))
                fact_tables = [r[0] for r in cur.execute(
                    "SELECT DISTINCT table_name FROM duckdb_columns() WHERE column_name = 'snapshot'"
                    " AND table_name LIKE 'fact%' AND database_name = current_database()").fetchall()]
                for table in fact_tables:
                    cur.execute(f"DELETE FROM {quote_ident(table)} WHERE snapshot IN ({marks})", snaps)
                # The snapshot numbers stay (links and the version list keep their numbering) as empty
                # placeholders: no versions, no months, so pages show their empty state for them.
                cur.execute("UPDATE snapshots SET nps_version = NULL, customers_version = NULL, "
                            f"revenue_version = NULL, first_month = NULL, last_month = NULL "
                            f"WHERE snapshot IN ({marks})", snaps)
                cur.execute(f"DELETE FROM snapshot_events WHERE snapshot IN ({marks})", snaps)
                cur.executemany("INSERT INTO snapshot_events VALUES (?, 'deleted', ?, timezone('UTC', now()))",
                                [[n, f"emptied: it used version {version}, which was deleted"] for n in snaps])
            table = {"nps": "nps_responses", "customers": "customers", "revenue": "revenue"}[row[0]]
            cur.execute(f"DELETE FROM {quote_ident(table)} WHERE version = ?", [version])
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
                "SELECT coalesce(sum(mrr), 0) * 12 FROM revenue WHERE version = ? AND month = ?",
                [version, stats["last_month"]]).fetchone()[0])
        elif kind == "customers":
            stats["customers"], stats["active"] = cur.execute(
                "SELECT count(*), count(*) FILTER (churn_date IS NULL) FROM customers WHERE version = ?",
                [version]).fetchone()
        else:
            stats["customers"], stats["nps"] = cur.execute(
                "SELECT count(DISTINCT customer_id), 100.0 * (count(*) FILTER (score >= 9)"
                " - count(*) FILTER (score <= 6)) / count(*) FROM nps_responses WHERE version = ?",
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
