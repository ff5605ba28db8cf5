"""The month counts service.monthly reads, stored once per snapshot and tickets version (store_ticket_months).
Hand-worked on the reference customers (A Enterprise from 15 Jan 2025; B SMB 10 Jan – 20 Mar; C SMB 5 – 25 Feb;
D SMB from Dec 2024; E Enterprise 1 Mar – 10 Apr) and these tickets:

  S5 B Feb 10, solved Feb 11       S1 A Mar 2, solved Mar 2     S2 E Mar 5, solved Mar 7    S3 A Mar 20, solved Mar 21
  S4 D Apr 1, solved Apr 2         S6 D Apr 3, open             S7 A Apr 10, open
  S8 Z Apr 15, open (Z is in no customers file: segment Unknown, no active month)
  S9 D Apr 20, "solved" without a solve time (its state then is not known)

Active customers (at any time in the month): Feb A B C D (4: Enterprise 1, SMB 3), Mar A B D E (4: 2, 2), Apr A D E
(3: 2, 1).
"""

import datetime as dt

import pytest
from conftest import REFERENCE, prepare_bytes, prepare_file

from metrics import service
from metrics.store import Workspace
from metrics.view import View

TICKETS = b"""ticket_id,organization_id,created_at,solved_at,status
S1,A,2025-03-02 09:00:00,2025-03-02 19:00:00,closed
S2,E,2025-03-05 08:00:00,2025-03-07 08:00:00,closed
S3,A,2025-03-20 08:00:00,2025-03-21 08:00:00,closed
S4,D,2025-04-01 12:00:00,2025-04-02 00:00:00,solved
S5,B,2025-02-10 10:00:00,2025-02-11 10:00:00,closed
S6,D,2025-04-03 10:00:00,,open
S7,A,2025-04-10 10:00:00,,open
S8,Z,2025-04-15 10:00:00,,open
S9,D,2025-04-20 10:00:00,,solved
"""
COUNTS = ("created", "listed_created", "solved", "opened", "closed", "unknown_state", "undated", "active")


@pytest.fixture()
def ws(tmp_path):
    ws = Workspace(tmp_path / "w.duckdb")
    ws.commit([*(prepare_file(REFERENCE / f"{k}.csv", k).to_upload() for k in ("customers", "revenue")),
               prepare_bytes(TICKETS, "tickets").to_upload()])
    yield ws
    ws.close()


def _rows(cur, snapshot: int, tv: int) -> list[tuple]:
    """The stored rows of Feb – Apr 2025 by segment (summed over the regions they are stored by too)."""
    sums = ", ".join(f"sum({c})::INTEGER" for c in COUNTS)
    return cur.execute(f"SELECT segment, month, {sums} FROM ticket_months WHERE snapshot = ? AND version = ? "
                       "AND month BETWEEN '2025-02-01' AND '2025-04-01' GROUP BY ALL ORDER BY month, segment",
                       [snapshot, tv]).fetchall()


def test_stored_counts_by_segment_and_month(ws):
    snap, cur = ws.snapshot(), ws.cursor()
    tv = snap.versions["tickets"]
    assert not service.ticket_months_stored(cur, snap.snapshot, tv)
    service.store_ticket_months(cur, snap.snapshot, tv)
    assert service.ticket_months_stored(cur, snap.snapshot, tv)
    feb, mar, apr = dt.date(2025, 2, 1), dt.date(2025, 3, 1), dt.date(2025, 4, 1)
    # (segment, month, created, listed, solved, opened, closed, unknown state, undated, active customers)
    assert _rows(cur, snap.snapshot, tv) == [
        ("Enterprise", feb, 0, 0, 0, 0, 0, 0, 0, 1),  # A active, no ticket
        ("SMB", feb, 1, 1, 1, 1, 1, 0, 0, 3),         # S5 (B), solved the next day
        ("Enterprise", mar, 3, 3, 3, 3, 3, 0, 0, 2),  # S1, S3 (A), S2 (E), all solved in March
        ("SMB", mar, 0, 0, 0, 0, 0, 0, 0, 2),
        ("Enterprise", apr, 1, 1, 0, 1, 0, 0, 0, 2),  # S7 (A) open
        ("SMB", apr, 3, 3, 1, 2, 1, 1, 0, 1),         # S4 solved, S6 open, S9 state not known
        ("Unknown", apr, 1, 0, 0, 1, 0, 0, 0, 0),     # S8: no customer listed, so in no contact rate
    ]
    # once: a second call stores nothing more
    before = cur.execute("SELECT count(*) FROM ticket_months").fetchone()
    service.store_ticket_months(cur, snap.snapshot, tv)
    assert cur.execute("SELECT count(*) FROM ticket_months").fetchone() == before


def test_monthly_reads_them_with_the_views_filter(ws):
    snap, cur = ws.snapshot(), ws.cursor()
    tv = snap.versions["tickets"]
    view = View(snap.snapshot, dt.date(2025, 2, 1), dt.date(2025, 4, 1))
    m = service.monthly(cur, view, tv)  # stores them first
    assert service.ticket_months_stored(cur, snap.snapshot, tv)
    assert m["created"].tolist() == [1, 3, 5] and m["listed_created"].tolist() == [1, 3, 4]
    assert m["active"].tolist() == [4, 4, 3]
    # backlog: 0 at the end of Feb and Mar; April's is not known (S9's state), nor is any solved count (S9)
    assert m["backlog"].tolist()[:2] == [0, 0] and m["backlog"].isna().tolist() == [False, False, True]
    assert m["solved"].isna().all()
    smb = service.monthly(cur, View(snap.snapshot, dt.date(2025, 2, 1), dt.date(2025, 4, 1), segment="SMB"), tv)
    assert smb["created"].tolist() == [1, 0, 3] and smb["listed_created"].tolist() == [1, 0, 3]
    assert smb["active"].tolist() == [3, 2, 1]
    # a one-month window reads the running backlog from every month before it
    march = service.monthly(cur, View(snap.snapshot, dt.date(2025, 3, 1), dt.date(2025, 3, 1)), tv)
    assert march["created"].tolist() == [3] and march["backlog"].tolist() == [0]


def test_deleting_a_version_deletes_the_counts_of_the_snapshots_it_empties(ws):
    snap, cur = ws.snapshot(), ws.cursor()
    tv = snap.versions["tickets"]
    service.store_ticket_months(cur, snap.snapshot, tv)
    ws.commit([prepare_bytes(TICKETS.replace(b"S8,Z", b"S10,Z"), "tickets").to_upload()])
    after = ws.snapshot()
    service.store_ticket_months(cur, after.snapshot, after.versions["tickets"])
    ws.delete_version(tv)  # empties the first snapshot, not the replacement's
    assert cur.execute("SELECT count(*) FROM ticket_months WHERE snapshot = ?", [snap.snapshot]).fetchone() == (0,)
    assert not service.ticket_months_stored(cur, snap.snapshot, tv)
    assert service.ticket_months_stored(cur, after.snapshot, after.versions["tickets"])
    assert len(_rows(cur, after.snapshot, after.versions["tickets"])) == 7


def test_a_tickets_own_segment_wins_over_its_customers(tmp_path):
    """A ticket's segment is its own when the export gives one, else its customer's (service.SEGMENT_SQL): S1 says
    SMB though A is Enterprise, S8 (no listed customer) says Mid-market; the other tickets give none."""
    own = {"S1": "SMB", "S8": "Mid-market"}
    lines = TICKETS.decode().strip().split("\n")
    csv = "\n".join([lines[0] + ",segment"] + [f"{line},{own.get(line.split(',')[0], '')}" for line in lines[1:]])
    ws = Workspace(tmp_path / "w.duckdb")
    ws.commit([*(prepare_file(REFERENCE / f"{k}.csv", k).to_upload() for k in ("customers", "revenue")),
               prepare_bytes(csv.encode(), "tickets").to_upload()])
    snap, cur = ws.snapshot(), ws.cursor()
    service.store_ticket_months(cur, snap.snapshot, snap.versions["tickets"])
    rows = {(seg, month.month): counts for seg, month, *counts in _rows(cur, snap.snapshot, snap.versions["tickets"])}
    # March: S2, S3 Enterprise; S1 SMB by its own segment (its customer A still active then: listed)
    assert rows[("Enterprise", 3)][:2] == [2, 2] and rows[("SMB", 3)][:2] == [1, 1]
    # April: S8 under its own segment, still in no contact rate (Z is in no customers file)
    assert rows[("Mid-market", 4)][:2] == [1, 0] and ("Unknown", 4) not in rows
    ws.close()
