"""Whole-snapshot checks stored once per data version (metrics/snapshot_results.py, metrics.health): read back equal
to what they were, never read under another key or for another snapshot, worked out again when their code or
arguments change, forgotten with a deleted version, and returned even when they cannot be stored."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
from conftest import prepare_bytes

from metrics import health, snapshot_results
from metrics.store import Workspace

CUSTOMERS = (b"customer_id,signup_date,churn_date,segment,region\n"
             b"Acme Inc,2025-01-15,,Enterprise,EMEA\nBeta Ltd,2025-01-10,2025-02-20,SMB,EMEA\n"
             b"Gamma,2025-01-01,,SMB,EMEA\n")
# Beta churned in February and still pays in March and April (revenue after churn: 2 months, latest 45);
# Gamma is active all along but pays 0 in March (revenue stopped while active: March, last MRR 70);
# 'ACME INC.' is Acme spelt otherwise (2 customer-months).
REVENUE = (b"customer_id,month,mrr\nACME INC.,2025-01,100\nACME INC.,2025-02,100\n"
           b"Beta Ltd,2025-01,50\nBeta Ltd,2025-02,50\nBeta Ltd,2025-03,40\nBeta Ltd,2025-04,45\n"
           b"Gamma,2025-01,70\nGamma,2025-02,70\nGamma,2025-03,0\nGamma,2025-04,70\n")


def _workspace() -> Workspace:
    ws = Workspace(":memory:")
    ws.commit([prepare_bytes(CUSTOMERS, "customers").to_upload(), prepare_bytes(REVENUE, "revenue").to_upload()])
    return ws


def _rows(ws) -> list[tuple]:
    return ws.cursor().execute("SELECT snapshot, name FROM snapshot_results ORDER BY ALL").fetchall()


def test_the_checks_are_worked_out_once_and_read_back_as_they_were(monkeypatch):
    ws = _workspace()
    cur, snap = ws.cursor(), ws.snapshot()
    health.stored_checks(cur, snap)
    assert _rows(ws) == [(snap.snapshot, n) for n in
                         ("id_spellings", "match_rates", "revenue_after_churn", "revenue_stopped_while_active")]

    # read from the store from now on: the scans are not run again
    def no_scan(*_a, **_k):
        raise AssertionError("worked out again")
    for name in ("_match_rates", "_id_spellings", "_revenue_stopped_while_active", "_revenue_after_churn"):
        monkeypatch.setattr(health, name, no_scan)

    after = health.revenue_after_churn(cur, snap)
    assert after.to_dict("records") == [{"customer_id": "Beta Ltd", "churn_month": pd.Timestamp("2025-02-01"),
                                         "months_paid": 2, "last_month": pd.Timestamp("2025-04-01"),
                                         "last_mrr": 45.0, "segment": "SMB"}]
    stopped = health.revenue_stopped_while_active(cur, snap)
    assert stopped.to_dict("records") == [{"customer_id": "Gamma", "month": pd.Timestamp("2025-03-01"),
                                           "last_mrr": 70.0, "segment": "SMB"}]
    spelt = health.id_spellings(cur, snap)
    assert spelt == {"ids": {"revenue": 1}, "rows": {"revenue": 2},
                     "examples": ["'ACME INC.' (revenue) = 'Acme Inc' (customers)"]}
    # paying customer-months: 9 (Gamma's March pays 0), of which Acme's 2 are not in the customers file as spelt
    assert health.match_rates(cur, snap) == {"responses_linked": None, "revenue_linked": 7 / 9,
                                             "active_surveyed": None}
    monkeypatch.undo()
    # and equal, column types included, to what the scans give now
    pd.testing.assert_frame_equal(after, health._revenue_after_churn(cur, snap))
    pd.testing.assert_frame_equal(stopped, health._revenue_stopped_while_active(cur, snap))
    assert spelt == health._id_spellings(cur, snap)


def test_an_empty_finding_comes_back_with_its_columns():
    ws = Workspace(":memory:")
    ws.commit([prepare_bytes(CUSTOMERS, "customers").to_upload()])
    cur, snap = ws.cursor(), ws.snapshot()
    first = health.revenue_after_churn(cur, snap)
    again = health.revenue_after_churn(cur, snap)
    assert again.empty and list(again.columns) == ["customer_id", "churn_month", "months_paid", "last_month",
                                                   "last_mrr", "segment"]
    pd.testing.assert_frame_equal(first, again)
    # no other kind, so no id to spell otherwise
    assert health.id_spellings(cur, snap) == {"ids": {}, "rows": {}, "examples": []}


def test_other_code_or_another_argument_works_it_out_again_in_place_of_the_old(monkeypatch):
    ws = _workspace()
    cur, snap = ws.cursor(), ws.snapshot()
    assert len(health.id_spellings(cur, snap, examples=1)["examples"]) == 1
    calls = []
    real = health._id_spellings
    monkeypatch.setattr(health, "_id_spellings", lambda *a, **k: calls.append(k) or real(*a, **k))
    health.id_spellings(cur, snap, examples=1)
    assert calls == []  # same key: read
    health.id_spellings(cur, snap, examples=3)
    assert calls == [{"examples": 3}]  # another argument: worked out, and stored in place of the first
    monkeypatch.setattr(snapshot_results, "_code_digest", lambda code: "a new release")
    health.id_spellings(cur, snap, examples=3)
    assert calls == [{"examples": 3}, {"examples": 3}]
    assert _rows(ws) == [(snap.snapshot, "id_spellings")]


def test_a_deleted_version_forgets_the_results_of_the_snapshots_it_empties():
    ws = _workspace()
    first = ws.snapshot()
    health.stored_checks(ws.cursor(), first)
    replacement = REVENUE.replace(b"Beta Ltd,2025-04,45\n", b"")
    ws.commit([prepare_bytes(replacement, "revenue").to_upload()])
    second = ws.snapshot()
    after = health.revenue_after_churn(ws.cursor(), second)
    assert after.months_paid.tolist() == [1] and after.last_month.tolist() == [pd.Timestamp("2025-03-01")]
    ws.delete_version(first.versions["revenue"])
    assert _rows(ws) == [(second.snapshot, "revenue_after_churn")]


class _FullDisk:
    """A cursor whose writes fail as on a full disk; reads go through."""

    def __init__(self, cur):
        self._cur = cur

    def execute(self, sql, params=None):
        if sql.lstrip().startswith(("INSERT", "DELETE")):
            raise duckdb.IOException("IO Error: No space left on device")
        return self._cur.execute(sql, params)


def test_a_result_that_cannot_be_stored_is_still_returned():
    ws = _workspace()
    cur, snap = _FullDisk(ws.cursor()), ws.snapshot()
    assert health.revenue_after_churn(cur, snap).customer_id.tolist() == ["Beta Ltd"]
    assert health.match_rates(cur, snap)["revenue_linked"] == 7 / 9
    assert _rows(ws) == []


def test_json_results_round_trip_and_frames_keep_their_types():
    ws = _workspace()
    cur, snap = ws.cursor(), ws.snapshot()
    value = {"ids": {"revenue": 2}, "share": 0.1 + 0.2, "none": None, "list": ["a", 1]}
    assert snapshot_results.stored(cur, snap.snapshot, {}, "x", lambda: value, code=("health.py",)) == value
    assert snapshot_results.stored(cur, snap.snapshot, {}, "x", lambda: None, code=("health.py",)) == value
    frame = pd.DataFrame({"day": [dt.date(2025, 1, 1)], "n": [3], "who": ["Ünïcode, 'quoted'"]})
    snapshot_results.stored(cur, snap.snapshot, {}, "f", lambda: frame, code=("health.py",))
    again = snapshot_results.stored(cur, snap.snapshot, {}, "f", lambda: None, code=("health.py",))
    assert again.to_dict("records") == [{"day": dt.date(2025, 1, 1), "n": 3, "who": "Ünïcode, 'quoted'"}]
    # never for another snapshot, nor under what it reads otherwise
    assert snapshot_results.stored(cur, snap.snapshot + 1, {}, "x", lambda: "other", code=("health.py",)) == "other"
    assert snapshot_results.stored(cur, snap.snapshot, {"v": 2}, "x", lambda: "new", code=("health.py",)) == "new"
