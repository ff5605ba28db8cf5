"""Facts stored as shared parts (metrics/facts/parts.py): a new data version rebuilds only the facts whose inputs
changed, roll back reuses parts, delete removes the parts no data version reads any more, and a workspace made
before parts is rebuilt once on open."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
from conftest import REFERENCE, prepare_bytes, prepare_file

from metrics.facts import ORDER
from metrics.store import NewUpload, Workspace

KINDS = ("customers", "nps", "revenue")  # versions 1, 2, 3 of the reference workspace
# A survey that replaces the reference's, within its months (Dec 2024 – Apr 2025): the month range is unchanged.
NEW_NPS = b"customer_id,date,score\nA,2025-03-10,10\nB,2025-02-01,2\nD,2025-01-15,8\nD,2025-03-02,3\n"
NPS_FACTS = {"fact_customer_category", "fact_transition", "fact_nps"}
REVENUE_FACTS = {"fact_calendar", "fact_customer_month", "fact_month", "fact_retention", "fact_cohort"}


def reference_ws(path=":memory:") -> Workspace:
    ws = Workspace(path)
    ws.commit([prepare_file(REFERENCE / f"{k}.csv", k).to_upload() for k in KINDS])
    return ws


def parts_of(ws: Workspace, snapshot: int) -> dict[str, int]:
    return dict(ws.cursor().execute("SELECT fact, part FROM snapshot_parts WHERE snapshot = ?", [snapshot]).fetchall())


def contents(ws: Workspace, snapshot: int) -> dict[str, list]:
    """Every fact of a snapshot as sorted rows (without the snapshot column)."""
    cur = ws.cursor()
    return {f: cur.execute(f"SELECT * EXCLUDE (snapshot) FROM {f} WHERE snapshot = ? ORDER BY ALL", [snapshot])
            .fetchall() for f in ORDER}


def categories(ws: Workspace, snapshot: int, customer: str) -> list[tuple]:
    return ws.cursor().execute("SELECT month, category_start, category_end FROM fact_customer_month WHERE snapshot = ?"
                               " AND customer_id = ? ORDER BY month", [snapshot, customer]).fetchall()


def months(*pairs: tuple[int, int]) -> list[dt.date]:
    return [dt.date(y, m, 1) for y, m in pairs]


def test_an_nps_upload_reuses_the_customer_month_base_and_revenue_facts():
    ws = reference_ws()
    first = parts_of(ws, 1)
    assert set(first) == set(ORDER) and len(set(first.values())) == len(ORDER)  # one new part per fact
    snap = ws.commit([prepare_bytes(NEW_NPS, "nps").to_upload()])
    assert (snap.first_month, snap.last_month) == (dt.date(2024, 12, 1), dt.date(2025, 4, 1))  # same months
    second = parts_of(ws, 2)
    assert {f for f in ORDER if second[f] == first[f]} == REVENUE_FACTS | {"fact_csat"}
    assert {f for f in ORDER if second[f] != first[f]} == NPS_FACTS
    built = dict(ws.cursor().execute("SELECT fact, count(*) FROM fact_parts GROUP BY fact").fetchall())
    assert built["fact_customer_month"] == built["fact_month"] == built["fact_retention"] == 1  # not rebuilt
    assert built["fact_customer_category"] == built["fact_nps"] == 2
    # A's categories per month, by hand. Reference: r1 2024-12-20 a 9 (Promoter), r4 2025-02-01 a 6 (Detractor).
    # The new survey: one answer of A, 2025-03-10 a 10. category_start = latest answer before the month's 1st.
    a_months = months((2025, 1), (2025, 2), (2025, 3), (2025, 4))
    assert categories(ws, 1, "A") == list(zip(a_months, ["Promoter", "Promoter", "Detractor", "Detractor"],
                                              ["Promoter", "Detractor", "Detractor", "Detractor"], strict=True))
    assert categories(ws, 2, "A") == list(zip(a_months, [None, None, None, "Promoter"],
                                              [None, None, "Promoter", "Promoter"], strict=True))
    # D (Dec 2024 – Apr 2025): 2025-01-15 an 8 (Passive), 2025-03-02 a 3 (Detractor); the same answer's month has
    # it at the end only. transition: D Passive -> Detractor in March, with D's March MRR (0: no revenue row).
    assert [c[1:] for c in categories(ws, 2, "D")] == [(None, None), (None, "Passive"), ("Passive", "Passive"),
                                                       ("Passive", "Detractor"), ("Detractor", "Detractor")]
    assert ws.cursor().execute("SELECT month, from_category, to_category, customers, mrr FROM fact_transition "
                               "WHERE snapshot = 2").fetchall() == [
        (dt.date(2025, 3, 1), "Passive", "Detractor", 1, 0)]
    ws.close()


def test_a_snapshot_built_from_shared_parts_equals_one_built_from_scratch():
    ws = reference_ws()
    ws.commit([prepare_bytes(NEW_NPS, "nps").to_upload()])
    fresh = Workspace(":memory:")
    fresh.commit([prepare_file(REFERENCE / f"{k}.csv", k).to_upload() for k in ("customers", "revenue")]
                 + [prepare_bytes(NEW_NPS, "nps").to_upload()])
    assert contents(ws, 2) == contents(fresh, 1)
    assert sum(len(rows) for rows in contents(ws, 2).values()) > 50  # the comparison is not of empty tables


def test_a_revenue_upload_keeps_the_categories_and_rebuilds_what_reads_revenue():
    ws = reference_ws()
    ws.commit([prepare_bytes(b"customer_id,month,mrr\nA,2025-04,999\nD,2025-01,5\n").to_upload()])
    first, second = parts_of(ws, 1), parts_of(ws, 2)
    assert {f for f in ORDER if second[f] == first[f]} == {"fact_calendar", "fact_customer_category", "fact_csat"}
    assert ws.cursor().execute("SELECT sum(mrr) FROM fact_month WHERE snapshot = 2").fetchone()[0] == 999 + 5


def test_rollback_reads_the_parts_of_the_version_it_restores():
    ws = reference_ws()
    ws.commit([prepare_bytes(NEW_NPS, "nps").to_upload()])  # snapshot 2, nps version 4
    count = ws.cursor().execute("SELECT count(*) FROM fact_parts").fetchone()[0]
    back = ws.rollback(2)  # the reference survey again
    assert parts_of(ws, back.snapshot) == parts_of(ws, 1)
    assert ws.cursor().execute("SELECT count(*) FROM fact_parts").fetchone()[0] == count  # nothing built
    assert contents(ws, back.snapshot) == contents(ws, 1)


def test_delete_removes_only_the_parts_no_snapshot_reads():
    ws = reference_ws()
    ws.commit([prepare_bytes(NEW_NPS, "nps").to_upload()])  # snapshot 2 reads nps version 4
    ws.rollback(2)                                              # snapshot 3 reads the parts of snapshot 1
    own = {f: p for f, p in parts_of(ws, 2).items() if f in NPS_FACTS}
    kept = {f: p for f, p in parts_of(ws, 2).items() if f not in NPS_FACTS}
    before = contents(ws, 1)
    assert ws.delete_version(4) == [2]
    cur = ws.cursor()
    assert parts_of(ws, 2) == {}
    left = {r[0] for r in cur.execute("SELECT part FROM fact_parts").fetchall()}
    assert not left & set(own.values()) and set(kept.values()) <= left
    for fact, part in own.items():  # their rows are gone too
        table = "part_" + fact.removeprefix("fact_")
        assert cur.execute(f"SELECT count(*) FROM {table} WHERE part = ?", [part]).fetchone()[0] == 0
    assert cur.execute("SELECT count(*) FROM part_customer_category").fetchone()[0] > 0  # snapshot 1's stay
    assert contents(ws, 1) == before == contents(ws, 3)
    assert all(rows == [] for rows in contents(ws, 2).values())


def test_a_workspace_made_before_parts_is_rebuilt_once_on_open(tmp_path):
    path = tmp_path / "old.duckdb"
    ws = reference_ws(path)
    ws.commit([prepare_bytes(NEW_NPS, "nps").to_upload()])
    expected = {n: contents(ws, n) for n in (1, 2)}
    ws.close()
    # The layout of earlier releases: one table per fact with a snapshot column, no parts.
    con = duckdb.connect(str(path))
    for fact in ("fact_customer_month", "fact_month", "fact_retention", "fact_cohort", "fact_transition",
                 "fact_nps", "fact_csat"):
        con.execute(f"CREATE TABLE old_{fact} AS SELECT * FROM {fact}")
        con.execute(f"DROP VIEW {fact}")
        con.execute(f"ALTER TABLE old_{fact} RENAME TO {fact}")
    for view in ("fact_calendar", "fact_customer_category"):
        con.execute(f"DROP VIEW {view}")
    for table in [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'part_%'"
                                            " OR table_name IN ('fact_parts', 'snapshot_parts')").fetchall()]:
        con.execute(f"DROP TABLE {table}")
    con.close()
    reopened = Workspace(path)
    cur = reopened.cursor()
    assert cur.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'fact_customer_month'").fetchone()[0] == 1
    assert {n: contents(reopened, n) for n in (1, 2)} == expected
    assert parts_of(reopened, 2)["fact_customer_month"] == parts_of(reopened, 1)["fact_customer_month"]
    reopened.close()
    assert Workspace(path).snapshot().snapshot == 2  # a second open finds parts and rebuilds nothing


def test_counts_over_customer_months_without_any_survey_do_not_overflow():
    # 600 customers over 24 months, no NPS: fact_customer_month's category side is empty for every month filter,
    # which DuckDB 2.0 takes for an empty join (see Workspace.__init__); counts above 127 must still come back.
    rows = "".join(f"C{i},{2023 + (i % 24) // 12}-{(i % 12) + 1:02d}-05\n" for i in range(600))
    ws = Workspace(":memory:")
    ws.commit([prepare_bytes(("customer_id,start_date\n" + rows).encode(), "customers").to_upload()])
    got = ws.cursor().execute("""
        WITH m AS (SELECT unnest(generate_series(DATE '2023-01-01', DATE '2024-12-01', INTERVAL 1 MONTH))::DATE
                   AS month),
             a AS (SELECT month, count_if(active) AS n FROM fact_customer_month
                   WHERE snapshot = 1 AND month >= DATE '2023-01-01' GROUP BY month)
        SELECT m.month, coalesce(a.n, 0) FROM m LEFT JOIN a USING (month) ORDER BY m.month""").fetchall()
    # 25 customers start in each month (i % 24), none churns: 25 × (months so far)
    assert got == [(month, 25 * (i + 1)) for i, (month, _) in enumerate(got)] and got[-1][1] == 600


@pytest.mark.parametrize("kind", ["nps", "csat"])
def test_an_added_response_source_rebuilds_only_its_own_facts(kind):
    ws = reference_ws()
    if kind == "nps":
        upload = prepare_bytes(b"customer_id,date,score\nA,2025-03-10,10\n", "nps").to_upload()
    else:
        upload = NewUpload("csat", "csat.csv", "c" * 64, pd.DataFrame([{
            "row_number": 2, "response_id": None, "customer_id": "A", "response_date": dt.date(2025, 3, 10),
            "score": 5, "scale": "1-5", "satisfied": True, "comment": None, "segment": None, "region": None,
            "channel": None}]))
    ws.commit([upload], append=True)
    first, second = parts_of(ws, 1), parts_of(ws, 2)
    assert {f for f in ORDER if second[f] != first[f]} == (NPS_FACTS if kind == "nps" else {"fact_csat"})


def test_fact_customer_revenue_is_fact_customer_month_without_the_categories():
    ws = reference_ws()
    ws.commit([prepare_bytes(NEW_NPS, "nps").to_upload()])  # two snapshots sharing one customer-month part
    cur = ws.cursor()
    for snap in (1, 2):
        # and the integer customer key the page queries join on (metrics/facts/keys.py)
        plain = cur.execute("SELECT * EXCLUDE (customer_key) FROM fact_customer_revenue WHERE snapshot = ? "
                            "ORDER BY ALL", [snap]).fetchall()
        full = cur.execute("SELECT * EXCLUDE (category_start, category_end) FROM fact_customer_month "
                           "WHERE snapshot = ? ORDER BY ALL", [snap]).fetchall()
        assert plain == full and len(plain) > 0
    ws.close()


def _large_company() -> tuple[pd.DataFrame, pd.DataFrame]:
    """30,000 customers starting over 36 months, each paying every month from its start (~540,000 revenue rows)."""
    import numpy as np

    rng = np.random.default_rng(3)
    n, months = 30_000, 36
    ids = np.array([f"C{i:06d}" for i in range(n)])
    first = [dt.date(2023 + (m // 12), m % 12 + 1, 1) for m in range(months)]
    start = rng.integers(0, months, n)
    cust = pd.DataFrame({"customer_id": ids, "name": None, "start_date": [first[s] for s in start],
                         "churn_date": None, "segment": "SMB", "region": "EMEA", "plan": None})
    ci = np.concatenate([np.flatnonzero(start <= m) for m in range(months)])
    mi = np.concatenate([np.full((start <= m).sum(), m) for m in range(months)])
    rev = pd.DataFrame({"customer_id": ids[ci], "month": [first[m] for m in mi],
                        "mrr": rng.integers(10, 500, len(ci)).astype(float)})
    return cust, rev


def test_facts_of_a_large_upload_spill_instead_of_running_out_of_memory(monkeypatch, tmp_path):
    """A revenue upload whose fact build needs more than the workspace's memory limit is stored: the closing
    ORDER BY of fact_customer_month runs apart from the query's hash joins and spills (at 80MB this data failed
    with "ran out of memory" while the sort ran beside the joins; the 5M-line bench file failed so at 512MB)."""

    monkeypatch.setenv("CX_DUCKDB_MEMORY", "80MB")
    cust, rev = _large_company()
    ws = Workspace(tmp_path / "w.duckdb")
    ws.commit([NewUpload("customers", "c.csv", "c", cust), NewUpload("revenue", "r.csv", "r", rev)])
    snap = ws.snapshot().snapshot
    rows, mrr = ws.cursor().execute("SELECT count(*) FILTER (mrr > 0), sum(mrr) FROM fact_customer_month "
                                    "WHERE snapshot = ?", [snap]).fetchone()
    assert (rows, float(mrr)) == (len(rev), rev["mrr"].sum())
    ws.close()


def test_a_fact_build_out_of_memory_is_retried_in_the_careful_slices(monkeypatch, tmp_path):
    """The workspace first builds fact_customer_month in the slices such a build usually needs (USUAL_ROW_BYTES);
    when that runs out of memory, the whole write is rolled back and run again with the slices of the largest
    estimate (ROW_BYTES): stored, with the same facts. Here the first try is forced into one pass at 48MB, where
    30,000 customers over 36 months run out (the careful build takes 3 slices)."""
    from metrics.facts import parts

    monkeypatch.setenv("CX_DUCKDB_MEMORY", "48MB")
    monkeypatch.setattr(parts, "USUAL_ROW_BYTES", 1)
    tries = []
    build = parts.build
    monkeypatch.setattr(parts, "build", lambda cur, n, sources, careful=False: (
        tries.append(careful), build(cur, n, sources, careful=careful))[1])
    cust, rev = _large_company()
    ws = Workspace(tmp_path / "w.duckdb")
    snap = ws.commit([NewUpload("customers", "c.csv", "c", cust), NewUpload("revenue", "r.csv", "r", rev)])
    assert tries == [False, True] and snap.snapshot == 1  # one data version: the failed try left nothing
    assert ws.cursor().execute("SELECT count(*) FROM uploads").fetchone()[0] == 2
    rows, mrr = ws.cursor().execute("SELECT count(*) FILTER (mrr > 0), sum(mrr) FROM fact_customer_month "
                                    "WHERE snapshot = 1").fetchone()
    assert (rows, float(mrr)) == (len(rev), rev["mrr"].sum())
    ws.close()


def test_customer_months_built_in_slices_equal_the_one_pass_build(monkeypatch):
    """When fact_customer_month's GROUP BY would not fit in memory, the workspace builds it for slices of the
    customers (hash(customer_id) % slices), one INSERT each: the facts are the same rows as one pass gives, for
    every fact of the plan. (At 256MB the one-pass build of 500,000 revenue lines for 200,000 customers ran out
    of memory in 6 runs of 6; see docs/performance.md.)"""
    from metrics.facts import parts

    one = reference_ws()
    assert parts._slices(one.cursor(), *_range(one)) == 1  # the reference is small
    sliced = reference_ws()
    # as if a customer-month took all the memory: one slice per row of the estimate
    monkeypatch.setattr(parts, "ROW_BYTES", parts.memory_limit(sliced.cursor()))
    monkeypatch.setattr(parts, "USUAL_ROW_BYTES", parts.ROW_BYTES)
    sliced.close()
    sliced = reference_ws()
    slices = parts._slices(sliced.cursor(), *_range(sliced))
    # the bound: 2 × 11 revenue rows + 5 customers × 5 months (Dec 2024 – Apr 2025) = 47, each over the limit
    assert slices == 47
    assert contents(sliced, 1) == contents(one, 1)
    assert contents(sliced, 1)["fact_customer_month"]  # rows to compare
    one.close()
    sliced.close()


def _range(ws: Workspace) -> tuple[dict, dict]:
    """The plan's parameters and sources of the latest snapshot (as parts.build has them)."""
    from metrics.facts import parameters, parts

    cur = ws.cursor()
    sources = {k: v for k, v in ws.snapshot().sources.items() if v}
    return parameters(*parts.month_range(cur, sources)), sources


def test_the_memory_limit_is_read_in_bytes():
    from metrics.facts import parts

    con = duckdb.connect()
    for setting, expected in (("256MB", 256e6), ("2GB", 2e9), ("80MB", 80e6), ("1TB", 1e12)):
        con.execute(f"SET memory_limit = '{setting}'")
        # DuckDB shows the limit in MiB/GiB/TiB with one decimal ('244.1 MiB', '1.8 GiB' for 2GB): within 6%
        assert abs(parts.memory_limit(con) / expected - 1) < 0.06, setting


def test_customer_months_are_stored_month_clustered(tmp_path):
    """fact_customer_month sorts its narrow keys by month before the joins and writes the rows in that order (no
    closing sort of the wide rows): a month filter then reads only that month's row groups. Were the sort dropped
    (by an optimizer), rows would come out in hash order: about half of them after a later month."""
    import numpy as np

    rng = np.random.default_rng(5)
    n, months = 20_000, 24
    ids = np.array([f"C{i:06d}" for i in range(n)])
    first = [dt.date(2023 + (m // 12), m % 12 + 1, 1) for m in range(months)]
    start = rng.integers(0, months, n)
    cust = pd.DataFrame({"customer_id": ids, "name": None, "start_date": [first[s] for s in start],
                         "churn_date": None, "segment": "SMB", "region": "EMEA", "plan": None})
    ci = np.concatenate([np.flatnonzero(start <= m) for m in range(months)])
    mi = np.concatenate([np.full((start <= m).sum(), m) for m in range(months)])
    rev = pd.DataFrame({"customer_id": ids[ci], "month": [first[m] for m in mi], "mrr": 10.0})
    rev = rev.sort_values(["customer_id", "month"])  # as prepare() writes them: by customer, not by month
    ws = Workspace(tmp_path / "w.duckdb")
    ws.commit([NewUpload("customers", "c.csv", "c", cust), NewUpload("revenue", "r.csv", "r", rev)])
    part = parts_of(ws, ws.snapshot().snapshot)["fact_customer_month"]
    rows, later = ws.cursor().execute(
        "SELECT count(*), count(*) FILTER (month < before) FROM (SELECT month, lag(month) OVER (ORDER BY rowid) "
        "AS before FROM part_customer_month WHERE part = ?)", [part]).fetchone()
    assert rows == len(rev) and later <= rows // 1000  # two threads may swap a chunk or two at a seam
    ws.close()


def test_a_workspace_made_before_same_day_moves_opens_and_reads_its_moves_as_then(tmp_path):
    """fact_transition gained `same_day` (s25: two answers of one day make no move). A workspace made before has
    neither the part column nor the view's: on open the column is added (NULL in its old parts) and the view
    replaced once, and its old moves still read as moves, with no same-day answer counted."""
    from metrics import value
    from metrics.view import View

    path = tmp_path / "w.duckdb"
    ws = reference_ws(str(path))
    view = View(1, dt.date(2024, 12, 1), dt.date(2025, 4, 1))
    moves = value.transitions(ws.cursor(), view)
    ws.close()
    con = duckdb.connect(str(path))  # as the code before s25 left it
    con.execute("DROP VIEW fact_transition")
    con.execute("ALTER TABLE part_transition DROP COLUMN same_day")
    con.execute("CREATE VIEW fact_transition AS SELECT s.snapshot, f.* EXCLUDE (part) FROM snapshot_parts s "
                "JOIN part_transition f ON f.part = s.part WHERE s.fact = 'fact_transition'")
    con.close()
    ws = Workspace(path)
    cur = ws.cursor()
    assert cur.execute("SELECT count(*), count(same_day) FROM part_transition").fetchone()[0] > 0
    assert cur.execute("SELECT count(same_day) FROM fact_transition").fetchone() == (0,)
    pd.testing.assert_frame_equal(value.transitions(cur, view), moves)
    assert value.same_day_pairs(cur, view) == 0 and int(moves.pairs.sum()) > 0
    ws.close()
