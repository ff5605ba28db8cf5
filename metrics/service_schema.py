"""The stored form of kind "tickets": one canonical row per support ticket, under its upload version.

TICKETS_SCHEMA joins the workspace SCHEMA (metrics/schema.py) when the kind is merged; `insert_tickets` is what
Workspace._insert_upload does for it. Columns (metrics.ingest.prepare_tickets makes them):
- created_at / first_reply_at / solved_at: UTC timestamps; solved_at is NULL while the ticket is open (also when
  it was reopened) and when the export has no solve time (then status alone says solved/closed).
- first_reply_hours / resolution_hours: durations in hours_basis hours ('calendar' or 'business'; one basis per
  upload, never mixed); NULL where the export's times could not be trusted.
- day_precision: some of the ticket's times are dates without a time of day (whole days);
  first_reply_day_precision / resolution_day_precision: that measure's figure was computed from such a date (a
  figure from the export's own duration column is as exact as the column). NULL in rows stored before the two
  columns existed: day_precision stands for both there.
- status: new / open / pending / hold / solved / closed (deleted, spam and merged-away tickets are not stored), or
  unknown when the export has neither a status nor a solved/closed time (a chat export): neither open nor solved.
- csat_score (numeric scales) or NULL (Good/Bad), csat_scale ('1-5', '1-7', '1-10', 'good/bad'),
  csat_satisfied (top two boxes or Good), csat_offered (a survey was sent; NULL when the export does not say).
- customer_key: the workspace's integer key of customer_id (metrics/facts/keys.py; NULL without a customer): the
  Service page joins tickets to the customer-month facts on it. Not a canonical column: the store adds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

TICKET_COLUMNS = ["ticket_id", "customer_id", "created_at", "first_reply_at", "solved_at", "first_reply_hours",
                  "resolution_hours", "hours_basis", "day_precision", "first_reply_day_precision",
                  "resolution_day_precision", "status", "priority", "channel", "csat_score",
                  "csat_scale", "csat_satisfied", "csat_offered", "reopens", "escalated", "tags", "subject",
                  "segment", "region"]

TICKETS_SCHEMA = """
CREATE TABLE IF NOT EXISTS tickets (
    version INTEGER NOT NULL, ticket_id VARCHAR NOT NULL, customer_id VARCHAR,
    created_at TIMESTAMP, first_reply_at TIMESTAMP, solved_at TIMESTAMP,
    first_reply_hours DOUBLE, resolution_hours DOUBLE, hours_basis VARCHAR, day_precision BOOLEAN,
    status VARCHAR NOT NULL, priority VARCHAR, channel VARCHAR,
    csat_score SMALLINT, csat_scale VARCHAR, csat_satisfied BOOLEAN, csat_offered BOOLEAN,
    reopens INTEGER, escalated BOOLEAN, tags VARCHAR[], subject VARCHAR, segment VARCHAR, region VARCHAR,
    first_reply_day_precision BOOLEAN, resolution_day_precision BOOLEAN,
    customer_key INTEGER  -- the workspace's, added by keys.assign (a workspace made before it: keys.ensure)
);
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS first_reply_day_precision BOOLEAN;  -- workspaces made before the
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS resolution_day_precision BOOLEAN;   -- per-measure flags
-- the language of each distinct subject of a tickets version (NULL: not scored), detected once for the version
-- (metrics.service.store_subject_languages); a version is in ticket_subjects_done once all its subjects are stored
CREATE TABLE IF NOT EXISTS ticket_subject_languages (version INTEGER NOT NULL, subject VARCHAR NOT NULL,
                                                     language VARCHAR);
CREATE TABLE IF NOT EXISTS ticket_subjects_done (version INTEGER NOT NULL);
-- the counts service.monthly reads, per snapshot and tickets version (metrics.service.store_ticket_months), by
-- segment, region and month; the row with month NULL counts the tickets without a created time. A pair is in
-- ticket_months_done once all its rows are stored
CREATE TABLE IF NOT EXISTS ticket_months (snapshot INTEGER NOT NULL, version INTEGER NOT NULL, segment VARCHAR,
    region VARCHAR, month DATE, created BIGINT, listed_created BIGINT, solved BIGINT, opened BIGINT, closed BIGINT,
    unknown_state BIGINT, undated BIGINT, active BIGINT);
CREATE TABLE IF NOT EXISTS ticket_months_done (snapshot INTEGER NOT NULL, version INTEGER NOT NULL);
"""


def insert_tickets(cur, version: int, rows: pd.DataFrame) -> None:
    """Store prepared ticket rows under `version` (the table is created if missing), keyed as the store keys them."""
    from metrics.facts import keys  # both import metrics.schema, which imports this module
    from metrics.store import quote_ident

    cur.execute(TICKETS_SCHEMA)
    frame = rows[TICKET_COLUMNS]
    cur.register("incoming_tickets", frame)
    cols = ", ".join(quote_ident(c) for c in TICKET_COLUMNS)
    cur.execute(f"INSERT INTO tickets (version, {cols}) SELECT ?, {cols} FROM incoming_tickets", [version])
    cur.unregister("incoming_tickets")
    keys.assign(cur, "tickets", version)



def forget_stored(cur, version: int, snapshots: list[int]) -> None:
    """Delete what the Service page stored (metrics.service.store_for_pages) from a deleted version's rows, the
    languages of its subjects, and for the snapshots its deletion empties, their month counts."""
    cur.execute("DELETE FROM ticket_subject_languages WHERE version = ?", [version])
    cur.execute("DELETE FROM ticket_subjects_done WHERE version = ?", [version])
    if snapshots:
        marks = ", ".join("?" * len(snapshots))
        cur.execute(f"DELETE FROM ticket_months WHERE snapshot IN ({marks})", snapshots)
        cur.execute(f"DELETE FROM ticket_months_done WHERE snapshot IN ({marks})", snapshots)

def ticket_version_stats(cur, version: int) -> dict:
    """What Workspace.version_stats gives for a tickets version: tickets, distinct customers, first and last
    created date, and tickets not solved (open, pending or on hold) in the version."""
    tickets, customers, first, last, unsolved = cur.execute(
        "SELECT count(*), count(DISTINCT customer_id), min(created_at)::DATE, max(created_at)::DATE,"
        " count_if(status IN ('new', 'open', 'pending', 'hold')) FROM tickets WHERE version = ?", [version]).fetchone()
    return {"tickets": tickets, "customers": customers, "first_created": first, "last_created": last,
            "unsolved": unsolved}
