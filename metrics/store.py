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
  dimension; metrics/facts/*.sql) are built inside the same transaction as the upload, so pages read compact
  tables, never raw rows. A snapshot shares every fact whose inputs did not change with earlier snapshots and
  builds only the others (metrics/facts/parts.py); the tables are in metrics/schema.py.

Concurrency: one connection per process, a cursor per query (DuckDB cursors are independent
connections to the same database); writers are serialised by a lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import duckdb

from metrics import lockdown, measures, snapshot_results
from metrics.definitions import METRICS
from metrics.facts import COHORT_MAX_AGE, MAX_HISTORY_MONTHS, RETENTION_K, keys, parts
from metrics.schema import (
    ANSWER_KEY_SQL,
    APPENDABLE,
    CANONICAL_COLUMNS,
    CSAT_SCALES,
    HISTORY_SCHEMA,
    KIND_LABELS,
    KINDS,
    SCHEMA,
    STORED_ORDER,
    TABLES,
    quote_ident,
    transaction,
)
from metrics.service_schema import forget_stored, ticket_version_stats

T = TypeVar("T")

if TYPE_CHECKING:  # pandas is imported where a frame is made: the command-line load never needs it (0.3 s)
    import pandas as pd

# Names other modules import from here; they live in metrics.schema and metrics.facts.
__all__ = ["APPENDABLE", "CANONICAL_COLUMNS", "COHORT_MAX_AGE", "CSAT_SCALES", "HISTORY_SCHEMA", "KINDS",
           "KIND_LABELS", "MAX_HISTORY_MONTHS", "RETENTION_K", "RETENTION_ROWS", "SCHEMA", "TABLES",
           "MixedSourcesError", "NewUpload", "Snapshot", "StoreError", "Workspace", "quote_ident", "source_rows"]

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "workspace.duckdb"
ENV_PATH = "CX_WORKSPACE"

# Retention for any other k than the stored one: the fact's own SQL, run live over a snapshot's customer-months
# (bound as $snap; metrics.revenue.retention_by_month), with the snapshot as its first column.
RETENTION_ROWS = f"SELECT $snap AS snapshot, * FROM (\n{parts.snapshot_sql('fact_retention')})"


def source_rows(kind: str, snapshot_param: str = "snap", dates: str = "", single: bool = False) -> str:
    """SQL for the rows of `kind` a snapshot reads (a parenthesised subquery; the snapshot bound as
    $<snapshot_param>). With several sources of a response kind, an answer found in more than one source
    (same response id and date, else same customer and date) is kept from the latest version only; within one
    file every row is kept, so a single source reads exactly its rows.

    `dates`: an optional condition on response_date (constant SQL with bound parameters, e.g.
    "response_date BETWEEN $start AND last_day($end)"), applied before the de-duplication so a window query
    does not rank every answer ever stored. The same rows come out: an answer's key includes its date, so
    every copy of an answer is on the same side of a date condition.

    `single`: the snapshot reads one source of the kind (sources_read() says), so there is nothing to de-duplicate
    and the ranking, most of such a query's time, is skipped."""
    if kind not in TABLES:
        raise ValueError(f"unknown kind {kind!r}")
    versions = (f"SELECT version FROM snapshot_sources WHERE snapshot = ${snapshot_param} "
                f"AND kind = '{kind}'")  # kind is one of TABLES' constant keys, never user text
    where = f"version IN ({versions})" + (f" AND ({dates})" if dates else "")
    if kind not in APPENDABLE or single:
        return f"(SELECT * FROM {quote_ident(TABLES[kind])} WHERE {where})"
    return (f"(SELECT * FROM {quote_ident(TABLES[kind])} WHERE {where} "
            f"QUALIFY version = max(version) OVER (PARTITION BY {ANSWER_KEY_SQL}))")


def sources_read(cur, snapshot: int, kind: str) -> int:
    """How many sources (versions) of `kind` the snapshot reads: source_rows(single=…) of one needs no ranking."""
    return cur.execute("SELECT count(*) FROM snapshot_sources WHERE snapshot = ? AND kind = ?",
                       [snapshot, kind]).fetchall()[0][0]


def source_rows_for(cur, kind: str, snapshot: int, snapshot_param: str = "snap", dates: str = "",
                    version_param: str | None = None) -> str:
    """source_rows() for this snapshot, without the de-duplication ranking when it reads one source of the kind.
    `version_param`: a parameter the caller binds to that one source's version; the rows are then read by it, not
    through snapshot_sources, so DuckDB filters the scan itself (and reads only the picked rows' text of a top-N,
    its late materialisation: the latest comments 27 -> 18 ms at 200,000 customers)."""
    single = sources_read(cur, snapshot, kind) == 1
    if single and version_param is not None:
        return (f"(SELECT * FROM {quote_ident(TABLES[kind])} WHERE version = ${version_param}"
                + (f" AND ({dates}))" if dates else ")"))
    return source_rows(kind, snapshot_param, dates, single=single)


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
    currency: str | None = None  # revenue: the currency its file names (uploads.currency), for the amounts' sign
    notes: str | None = None  # rows skipped and the warnings of the check (uploads.notes), shown in the history
    # Called with the cursor the commit runs on, before its first write (metrics.jobs: Cancel interrupts it; the
    # transaction then rolls back whole).
    on_cursor: object = field(default=None, compare=False, repr=False)


class StoreError(Exception):
    """A workspace write that did not happen; the message says so and why (nothing was stored)."""


class MixedSourcesError(StoreError, ValueError):
    """The call would put the bundled sample and the company's own uploads in one data version."""


class RepeatedSourceError(StoreError, ValueError):
    """A response file added beside another whose answers, having no id to match them by, it mostly repeats."""


# An added response file whose answers without a response or customer id are at least this share of another
# source's answers alike (date, score, comment) is taken for a re-export of it: added, they would count twice.
REPEATED_SOURCE_SHARE = 0.5


SAMPLE = "sample"  # uploads.source of the bundled sample company; every other source is the company's own



class Workspace:
    """The persistent store. Create one per process (the app caches it) and take a cursor per query."""

    def __init__(self, path: str | os.PathLike | None = None, default_memory: str = lockdown.DEFAULT_MEMORY):
        """`default_memory`: DuckDB's ceiling for this process unless $CX_DUCKDB_MEMORY sets one (lockdown)."""
        if path is None:
            path = os.environ.get(ENV_PATH) or DEFAULT_PATH
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._default_memory = default_memory
        self._write_lock = threading.Lock()
        self._facts = threading.local()  # .careful: this thread's write is a retry (see _retry_careful)
        self._con = self._open()

    def _open(self) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(self.path)
        if con.execute("SELECT current_setting('lock_configuration')").fetchone()[0]:
            # DuckDB hands a second connect() to an open file the same database instance: an earlier Workspace of
            # this process (e.g. one Streamlit's "Clear caches" dropped but that is still alive) set it up and
            # locked it. Its schema and settings hold; setting them again would be refused.
            return con
        con.execute(SCHEMA)
        con.execute(HISTORY_SCHEMA)
        parts.ensure(con)  # fact parts and views; a workspace made before parts is migrated once
        # DuckDB 2.0 bounds a LEFT JOIN whose right side it proves empty (fact_customer_month's categories for a
        # month filter outside them) at 0 rows; compressed materialization then narrows counts over it to
        # TINYINT and fails on the first count above 127 (tests/facts/test_parts.py). Off for this connection.
        con.execute("SET disabled_optimizers = 'compressed_materialization'")
        # no files, network, extensions or SET through the app's cursors
        lockdown.lock(con, default_memory=self._default_memory)
        return con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._con.cursor()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One writer at a time, in one transaction: committed if the block ends, rolled back if it raises.
        A disk or memory failure becomes a StoreError saying that nothing was stored: DuckDB's IOException or
        OutOfMemoryException in a statement, a TransactionException when the commit cannot write its log, and a
        FatalException when the checkpoint after it cannot write the file (a full disk). The last one leaves the
        database closed for good ("must be restarted"), so the workspace is opened again first, and the pages go
        on reading. If the reopened file holds the write (its log was on disk before the checkpoint failed; never
        so in our runs), it was stored: the call returns as if nothing had happened."""
        with self._write_lock:
            before = self._writes()
            try:
                with transaction(self.cursor()) as cur:
                    yield cur
            except BaseException as exc:
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                if isinstance(exc, duckdb.OutOfMemoryException):
                    raise StoreError("Nothing was stored: the workspace ran out of memory while saving "
                                     f"({first}). Try a smaller file or free memory.") from exc
                if isinstance(exc, duckdb.FatalException):
                    with contextlib.suppress(Exception):
                        self._con.close()
                    self._con = self._open()
                    if self._writes() != before:
                        return
                if isinstance(exc, duckdb.IOException | duckdb.FatalException) or (
                        isinstance(exc, duckdb.TransactionException) and "Failed to commit" in first):
                    raise StoreError("Nothing was stored: the workspace file could not be written "
                                     f"({first}). Check free disk space.") from exc
                raise

    def _retry_careful(self, write: Callable[[], T]) -> T:
        """Run a write that builds facts; when it ran out of memory (rolled back: nothing was stored), run it once
        more with the facts built in the slices their largest memory estimate asks for (parts.build(careful=True)).
        The first try takes the slices such a build usually needs: one pass where the careful estimate asked for
        four took 1.7× as long (docs/performance.md)."""
        try:
            return write()
        except StoreError as exc:
            if not isinstance(exc.__cause__, duckdb.OutOfMemoryException):
                raise
        self._facts.careful = True
        try:
            return write()
        finally:
            self._facts.careful = False

    def _writes(self) -> tuple:
        """What every write changes (a new data version, or a deleted one): whether one was kept."""
        return self.cursor().execute("SELECT (SELECT max(snapshot) FROM snapshots), "
                                     "(SELECT count(*) FROM deleted_versions)").fetchone()

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
        # plain rows, grouped here: a page reads a snapshot ~30 times a run, and list() took 0.95 ms, these 0.6
        found: dict[str, tuple[int, ...]] = {}
        for kind, version in cur.execute("SELECT kind, version FROM snapshot_sources WHERE snapshot = ? "
                                         "ORDER BY kind, version", [snapshot]).fetchall():
            found[kind] = (*found.get(kind, ()), version)
        return found

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

    def latest_upload_of(self, sha256: str) -> int | None:
        """The latest version stored from a file with these bytes (None: never stored)."""
        return self.cursor().execute("SELECT max(version) FROM uploads WHERE sha256 = ?", [sha256]).fetchone()[0]

    def upload_info(self, version: int | None) -> dict | None:
        return None if version is None else self.upload_infos([version]).get(version)

    def upload_infos(self, versions: Iterable[int | None]) -> dict[int, dict]:
        """The upload records of these versions, by version, in one query (a page asks for a data version's
        sources some twenty times a run: 6 ms each as one query per kind)."""
        wanted = sorted({v for v in versions if v is not None})
        if not wanted:
            return {}
        cur = self.cursor().execute("SELECT * FROM uploads WHERE list_contains(?, version)", [wanted])
        records = [dict(zip([d[0] for d in cur.description], row, strict=True)) for row in cur.fetchall()]
        return {r["version"]: r for r in records}

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
        return self._retry_careful(lambda: self._commit(uploads, leave_sample, append))

    def _commit(self, uploads: list[NewUpload], leave_sample: bool, append: bool) -> Snapshot:
        with self._transaction() as cur:
            versions = self._current_versions(cur)
            if uploads:
                versions = self._base_for(cur, versions, uploads[0].source == SAMPLE, leave_sample)
            sources = {k: v for k, v in self._current_sources(cur).items() if versions.get(k) is not None}
            next_version = cur.execute("SELECT coalesce(max(version), 0) + 1 FROM uploads").fetchone()[0]
            for up in uploads:
                self._insert_upload(cur, next_version, up)
                if append and sources.get(up.kind):
                    self._refuse_repeated_source(cur, up.kind, next_version, sources[up.kind])
                sources[up.kind] = (*sources.get(up.kind, ()), next_version) if append else (next_version,)
                next_version += 1
            number = self._build_snapshot(cur, sources)
            if append and uploads:
                cur.execute("INSERT INTO snapshot_events VALUES (?, 'appended', ?, timezone('UTC', now()))", [
                    number, "; ".join(f"{k}: {len(v)} sources (versions {', '.join(map(str, v))})"
                                      for k, v in sources.items() if k in {up.kind for up in uploads})])
        return self.snapshot(number)

    @staticmethod
    def _refuse_repeated_source(cur, kind: str, version: int, others: tuple[int, ...]) -> None:
        """An answer is matched across sources by its response id, else its customer, with its date
        (ANSWER_KEY_SQL); one with neither cannot be, and counts in every file that has it. When most of the new
        file's such answers have a twin (same date, score and comment) in another source, the file is a re-export
        of it, and added it would count them twice: refused (the transaction rolls back)."""
        table = quote_ident(TABLES[kind])
        anonymous = "response_id IS NULL AND customer_id IS NULL"
        n, twins, other = cur.execute(f"""
            WITH new AS (SELECT response_date, score, comment, count(*) AS k FROM {table}
                         WHERE version = $v AND {anonymous} GROUP BY ALL),
                 old AS (SELECT version, response_date, score, comment, count(*) AS k FROM {table}
                         WHERE list_contains($others, version) AND {anonymous} GROUP BY ALL),
                 matched AS (SELECT o.version, sum(least(n.k, o.k)) AS twins FROM new n JOIN old o
                             ON o.response_date = n.response_date AND o.score IS NOT DISTINCT FROM n.score
                             AND o.comment IS NOT DISTINCT FROM n.comment GROUP BY o.version)
            SELECT (SELECT coalesce(sum(k), 0) FROM new), max(twins), arg_max(version, twins) FROM matched""",
            {"v": version, "others": list(others)}).fetchone()
        if n and twins and twins >= REPEATED_SOURCE_SHARE * n:
            raise RepeatedSourceError(
                f"Nothing was stored: {twins:,} of this file's {n:,} answers without a response id or customer id "
                f"are alike (same date, score and comment) to answers of version {other}. It looks like a "
                "re-export of that file; added beside it, those answers would count twice, since nothing tells "
                f"them apart. Replace version {other} with this file instead, or export the answers with their "
                "response ids.")

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
            " first_date, last_date, uploaded_by, churn_known_from, currency, notes)"
            " VALUES (?, ?, ?, ?, ?, timezone('UTC', now()), ?, ?, ?, ?, ?, ?, ?, ?)",
            [version, up.kind, up.file_name, up.sha256, len(up.rows), up.source, up.mapping,
             up.first_date, up.last_date, up.uploaded_by, up.churn_known_from, up.currency, up.notes],
        )
        cols = CANONICAL_COLUMNS[up.kind]
        # Arrow (ingest's typed rows) or pandas, scanned in place by DuckDB: one copy, straight into the table.
        cur.register("incoming", up.rows)
        table = TABLES[up.kind]
        col_sql = ", ".join(quote_ident(c) for c in cols)
        order = f" ORDER BY {STORED_ORDER[up.kind]}" if up.kind in STORED_ORDER else ""
        cur.execute(f"INSERT INTO {quote_ident(table)} (version, {col_sql}) SELECT ?, {col_sql} FROM incoming{order}",
                    [version])
        cur.unregister("incoming")
        keys.assign(cur, table, version)

    def _build_snapshot(self, cur, sources: dict[str, tuple[int, ...]]) -> int:
        """A new snapshot reading these versions per kind (the last of each is its `<kind>_version`), with
        its facts: the parts of earlier snapshots with the same inputs are shared, the others built
        (metrics/facts/parts.py). Its months are metrics/facts/params.sql's."""
        number = cur.execute("SELECT coalesce(max(snapshot), 0) + 1 FROM snapshots").fetchone()[0]
        versions = {k: (sources[k][-1] if sources.get(k) else None) for k in KINDS}
        rows = [[number, k, v] for k in KINDS for v in sources.get(k, ())]
        if rows:
            cur.executemany("INSERT INTO snapshot_sources VALUES (?, ?, ?)", rows)
        params = parts.build(cur, number, {k: v for k, v in sources.items() if v},
                             careful=getattr(self._facts, "careful", False))
        cur.execute(
            f"INSERT INTO snapshots (snapshot, {self._VERSION_COLUMNS}, created_at, first_month, last_month,"
            f" revenue_first, revenue_last) VALUES (?, {', '.join('?' * len(KINDS))}, timezone('UTC', now()),"
            " ?, ?, ?, ?)",
            [number, *(versions[k] for k in KINDS), params["first"], params["last"], params["rfirst"],
             params["rlast"]],
        )
        return number

    # ---- history: roll back, delete, mapping presets (Data page) ---------------------------------
    # Rules
    # - Roll back: the chosen earlier version of a kind becomes current again. This is recorded as a new
    #   snapshot (the other kinds stay as they are) with a row in `snapshot_events`; nothing is removed, so a
    #   roll back can itself be undone by rolling forward to the later version.
    # - Delete: removes a version's rows and the facts of every snapshot that used it (the fact parts no
    #   remaining snapshot shares), in one transaction.
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
                       u.uploaded_at, u.uploaded_by, u.sha256, u.notes, d.deleted_at,
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
        return self._retry_careful(lambda: self._rollback(version))

    def _rollback(self, version: int) -> Snapshot:
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
        return self._retry_careful(lambda: self._remove_source(version))

    def _remove_source(self, version: int) -> Snapshot:
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
                # Their facts: the snapshots stop reading their parts; a part no other snapshot reads goes.
                cur.execute(f"DELETE FROM snapshot_parts WHERE snapshot IN ({marks})", snaps)
                parts.collect(cur)
                # The snapshot numbers stay (links and the version list keep their numbering) as empty
                # placeholders: no versions, no months, so pages show their empty state for them.
                cur.execute(f"UPDATE snapshots SET {', '.join(f'{k}_version = NULL' for k in KINDS)}, "
                            f"first_month = NULL, last_month = NULL, revenue_first = NULL, revenue_last = NULL "
                            f"WHERE snapshot IN ({marks})", snaps)
                cur.execute(f"DELETE FROM snapshot_sources WHERE snapshot IN ({marks})", snaps)
                cur.execute(f"DELETE FROM snapshot_events WHERE snapshot IN ({marks})", snaps)
                # their churn models too: a model's accounts list holds the deleted version's customers
                cur.execute(f"DELETE FROM risk_models WHERE snapshot IN ({marks})", snaps)
                snapshot_results.forget(cur, snaps)  # their health findings name the deleted version's rows
                cur.executemany("INSERT INTO snapshot_events VALUES (?, 'deleted', ?, timezone('UTC', now()))",
                                [[n, f"emptied: it used version {version}, which was deleted"] for n in snaps])
            cur.execute(f"DELETE FROM {quote_ident(TABLES[row[0]])} WHERE version = ?", [version])
            cur.execute("DELETE FROM version_customers WHERE version = ?", [version])  # its ids (keys stay)
            forget_stored(cur, version, snaps)  # what the Service page stored from it and for those snapshots
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
                f"SELECT coalesce({measures.render('fact_month', measures.ARR)}, 0) FROM revenue"
                " WHERE version = ? AND month = ?",
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
                f"SELECT count(DISTINCT customer_id), {METRICS['csat'].sql} FROM (SELECT customer_id, "
                "satisfied::INT AS satisfied, 1 AS answers FROM csat_responses WHERE version = ?)",
                [version]).fetchone()
            stats["nps"] = None  # a CSAT version has no NPS (change_summary reads the key for response kinds)
        else:
            stats["customers"], stats["nps"] = cur.execute(
                # The registry's NPS over the version's rows, each a count of 1 (as fact_nps's `responses`).
                f"SELECT count(DISTINCT customer_id), {METRICS['nps'].sql} FROM (SELECT customer_id, score, "
                "1 AS responses FROM nps_responses WHERE version = ?)",
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

