"""The workspace's integer customer keys (metrics/facts/keys.py): each stored id gets one key, in id order after the
ids keyed before; every row of the keyed facts, comment rows and tickets carries its id's key, in a new workspace,
in one made before keys (keyed once when opened) and whichever side the planner builds its hash table on."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest
from conftest import prepare_bytes, reference_workspace, sample_template

from metrics import linkage, voice
from metrics.facts import keys
from metrics.schema import TABLES
from metrics.store import Workspace
from metrics.view import View

# reference_workspace: customers (A-E), then NPS (A, B, D, E, Z and one answer without an id), then revenue (A, B,
# D, E), committed in that order
REFERENCE_KEYS = {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "Z": 6}


def keys_of(ws: Workspace) -> dict[str, int]:
    return dict(ws.cursor().execute("SELECT customer_id, customer_key FROM customer_index").fetchall())


def unkeyed_rows(ws: Workspace) -> dict[str, tuple[int, int]]:
    """Per keyed table: (rows whose key is not their id's, rows with an id and no key)."""
    cur = ws.cursor()
    out = {}
    for table in keys.KEYED:
        if cur.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]).fetchone()[0]:
            out[table] = cur.execute(f"""
                SELECT count(*) FILTER (t.customer_key IS DISTINCT FROM k.customer_key AND t.customer_key IS NOT NULL),
                       count(*) FILTER (t.customer_id IS NOT NULL AND t.customer_key IS NULL)
                FROM {table} t LEFT JOIN customer_index k ON k.customer_id = t.customer_id""").fetchone()
    return out


def test_each_id_gets_one_key_in_id_order_after_the_ids_keyed_before(tmp_path_factory, tmp_path):
    ws = reference_workspace(tmp_path_factory, tmp_path / "w.duckdb")
    assert keys_of(ws) == REFERENCE_KEYS
    # a new survey: A and Z are keyed already, Y and X are new and keyed in id order
    ws.commit([prepare_bytes(b"customer_id,date,score\nY,2025-03-10,10\nA,2025-02-01,2\nX,2025-01-15,8\n"
                             b"Z,2025-03-02,3\n", "nps").to_upload()])
    assert keys_of(ws) == {**REFERENCE_KEYS, "X": 7, "Y": 8}
    assert unkeyed_rows(ws) == {"part_customer_month": (0, 0), "part_customer_category": (0, 0), "tickets": (0, 0)}
    # the categories joined on the key: Y's latest answer (March, a promoter) from April on
    assert ws.cursor().execute("SELECT category_end FROM fact_customer_month WHERE snapshot = 2 AND customer_id = 'A' "
                               "AND month = DATE '2025-04-01'").fetchone() == ("Detractor",)
    # tickets: their rows carry the keys, a new id (W) keyed after the others, a ticket without a customer none
    ws.commit([prepare_bytes(b"ticket_id,customer_id,created_at,status\nT1,W,2025-03-01 09:00:00,open\n"
                             b"T2,,2025-03-02 09:00:00,open\nT3,B,2025-03-03 09:00:00,open\n", "tickets").to_upload()])
    assert ws.cursor().execute("SELECT ticket_id, customer_key FROM tickets ORDER BY ticket_id").fetchall() == [
        ("T1", 9), ("T2", None), ("T3", 2)]
    ws.close()


def test_every_keyed_row_of_the_sample_carries_its_ids_key(tmp_path_factory, tmp_path):
    path = tmp_path / "sample.duckdb"
    shutil.copy(sample_template(tmp_path_factory), path)  # comments analysed: comment_rows is there
    ws = Workspace(path)
    assert unkeyed_rows(ws) == {t: (0, 0) for t in keys.KEYED}
    cur = ws.cursor()
    stored = cur.execute(" UNION ".join(f"SELECT customer_id FROM {t} WHERE customer_id IS NOT NULL"
                                        for t in TABLES.values())).fetchall()
    assert len(keys_of(ws)) == len(stored)  # one key per distinct id, no more
    assert sorted(keys_of(ws).values()) == list(range(1, len(stored) + 1))
    ws.close()


def _figures(ws: Workspace) -> tuple:
    snap = ws.snapshot()
    view = View(snap.snapshot, snap.first_month, snap.last_month)
    cur = ws.cursor()
    return (linkage.by_category(cur, view).to_dict("records"),
            linkage.current_by_category(cur, view).sort_values("category").to_dict("records"),
            voice.themes(cur, view, snap.versions).to_dict("records"))


def test_a_workspace_made_before_keys_is_keyed_once_when_opened(tmp_path_factory, tmp_path):
    path = tmp_path / "w.duckdb"
    ws = reference_workspace(tmp_path_factory, path)
    ws.commit([prepare_bytes(b"ticket_id,customer_id,created_at,status\nT1,W,2025-03-01 09:00:00,open\n"
                             b"T2,B,2025-03-03 09:00:00,open\n", "tickets").to_upload()])
    voice.ensure_snapshot(ws.cursor(), 1)
    before = _figures(ws)
    ws.close()
    # as the workspace was before keys: no index, no key columns, the view joining the categories on the text id
    con = duckdb.connect(str(path))
    for table in keys.KEYED:
        con.execute(f"ALTER TABLE {table} DROP COLUMN customer_key")
    con.execute("DROP TABLE customer_index")
    expected_ids = con.execute("SELECT version, count(*), sum(rows) FROM version_customers GROUP BY ALL ORDER BY ALL"
                               ).fetchall()
    con.execute("DROP TABLE version_customers")
    con.execute("CREATE OR REPLACE VIEW fact_customer_month AS "
                + keys.CUSTOMER_MONTH_VIEW.replace("c.customer_key = b.customer_key", "c.customer_id = b.customer_id"))
    con.close()

    ws = Workspace(path)
    assert keys_of(ws) == {**REFERENCE_KEYS, "W": 7}  # the tickets' new id after the others, as it was
    assert unkeyed_rows(ws) == {t: (0, 0) for t in keys.KEYED}
    assert ws.cursor().execute("SELECT customer_key FROM tickets ORDER BY ticket_id").fetchall() == [(7,), (2,)]
    # each version's ids and rows, as they were written with the version: customers A-E; NPS A (2 answers), B,
    # D (2), E, Z, and one answer without an id; revenue A, B, D, E in 11 lines; the tickets W and B
    assert expected_ids == [(1, 5, 5), (2, 5, 7), (3, 4, 11), (4, 2, 2)]
    assert ws.cursor().execute("SELECT version, count(*), sum(rows) FROM version_customers GROUP BY ALL "
                               "ORDER BY ALL").fetchall() == expected_ids
    assert _figures(ws) == before
    nullable = dict(ws.cursor().execute("SELECT table_name, is_nullable FROM duckdb_columns() WHERE column_name = "
                                        "'customer_key' AND list_contains($t, table_name)", {"t": keys.KEYED})
                    .fetchall())
    assert nullable == {"part_customer_month": False, "part_customer_category": False, "comment_rows": True,
                        "tickets": True}
    assert "c.customer_key = b.customer_key" in ws.cursor().execute(
        "SELECT sql FROM duckdb_views() WHERE view_name = 'fact_customer_month'").fetchone()[0]
    ws.close()
    ws = Workspace(path)  # once: nothing left to do
    assert keys_of(ws) == {**REFERENCE_KEYS, "W": 7}
    ws.close()


@pytest.mark.parametrize("direct", [True, False], ids=["index built", "fact rows staged"])
def test_both_ways_of_writing_a_keyed_part_give_the_same_rows(tmp_path_factory, tmp_path, monkeypatch, direct):
    monkeypatch.setattr(keys, "index_is_build_side", lambda *a: direct)
    ws = Workspace(tmp_path / "w.duckdb")
    ws.commit([prepare_bytes(b"customer_id,date,score\nB,2025-01-20,3\nA,2024-12-20,9\nA,2025-02-01,6\n",
                             "nps").to_upload()])
    rows = ws.cursor().execute("SELECT customer_id, customer_key, month, category_start, category_end "
                               "FROM part_customer_category ORDER BY customer_id, month").fetchall()
    # A: a promoter in December, a detractor from its February answer; B: a detractor from January
    assert rows == [("A", 1, dt.date(2024, 12, 1), None, "Promoter"),
                    ("A", 1, dt.date(2025, 1, 1), "Promoter", "Promoter"),
                    ("A", 1, dt.date(2025, 2, 1), "Promoter", "Detractor"),
                    ("B", 2, dt.date(2025, 1, 1), None, "Detractor"),
                    ("B", 2, dt.date(2025, 2, 1), "Detractor", "Detractor")]
    months = [r[2] for r in ws.cursor().execute("SELECT customer_id, customer_key, month FROM part_customer_category"
                                                ).fetchall()]
    assert months == sorted(months)  # written month-ordered either way (a month's query skips the rest)
    ws.close()


def test_the_plan_check_sees_which_side_the_hash_table_is_built_on():
    con = duckdb.connect()
    con.execute(keys.SCHEMA)
    con.execute("INSERT INTO customer_index SELECT 'C' || i, i::INTEGER FROM range(1, 1001) t(i)")
    con.execute("CREATE TABLE many AS SELECT 'C' || (1 + i % 1000) AS customer_id, i AS v FROM range(100000) t(i)")
    con.execute("CREATE TABLE few AS SELECT 'C' || i AS customer_id, i AS v FROM range(1, 11) t(i)")
    con.execute("CREATE TABLE part_customer_category (customer_id VARCHAR, v BIGINT, customer_key INTEGER)")
    for table, built_on_index in (("many", True), ("few", False)):
        sql = (f"INSERT INTO part_customer_category BY NAME "
               f"{keys.keyed(f'SELECT * FROM {table}', 'part_customer_category')}")
        assert keys.index_is_build_side(con, sql, {}) is built_on_index
