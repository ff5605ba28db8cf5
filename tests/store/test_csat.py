"""CSAT stored as a kind of its own (csat_responses → fact_csat) and its metrics, on answers built by hand."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from metrics import csat
from metrics.store import KIND_LABELS, NewUpload, Workspace
from metrics.view import View

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)


def answers(rows: list[tuple]) -> pd.DataFrame:
    """(date, score, scale, satisfied, segment, customer) → canonical csat rows."""
    frame = pd.DataFrame(rows, columns=["response_date", "score", "scale", "satisfied", "segment", "customer_id"])
    frame.insert(0, "row_number", range(2, len(frame) + 2))
    frame.insert(1, "response_id", [f"a{i}" for i in range(len(frame))])
    frame["response_date"] = pd.to_datetime(frame.response_date)
    frame["comment"] = None
    frame["region"] = None
    frame["channel"] = "Email"
    return frame


def scores(date: str, counts: dict[int, int], segment: str | None) -> list[tuple]:
    return [(date, s, "1-5", s >= 4, segment, None) for s, k in counts.items() for _ in range(k)]


# Jan: 10×5, 8×4, 4×3, 2×2, 1×1 = 25 answers, 18 satisfied (4–5), Σ 99. Feb: 4×5, 4×4, 4×3, 2×2, 1×1 = 15
# answers, 8 satisfied, Σ 53. Together: 40 answers on 1–5, 26 satisfied, Σ 152. Mar: 12 Good/Bad answers
# (10 Good) from customer C1, whose customers-file segment is Mid-Market.
ROWS = (scores("2026-01-10", {5: 10, 4: 8, 3: 4, 2: 2, 1: 1}, "SMB")
        + scores("2026-02-10", {5: 4, 4: 4, 3: 4, 2: 2, 1: 1}, "Enterprise")
        + [("2026-03-05", None, "good-bad", i < 10, None, "C1") for i in range(12)])


@pytest.fixture
def ws():
    w = Workspace(":memory:")
    customers = pd.DataFrame({"customer_id": ["C1"], "name": ["One"], "start_date": pd.to_datetime(["2025-06-01"]),
                              "churn_date": pd.to_datetime([None]), "segment": ["Mid-Market"], "region": ["EMEA"],
                              "plan": [None]})
    w.commit([NewUpload("customers", "customers.csv", "c" * 64, customers, first_date=dt.date(2025, 6, 1),
                        last_date=dt.date(2025, 6, 1)),
              NewUpload("csat", "csat.csv", "s" * 64, answers(ROWS), first_date=dt.date(2026, 1, 10),
                        last_date=dt.date(2026, 3, 5))])
    yield w
    w.close()


def test_csat_is_a_kind_with_its_own_version(ws):
    assert KIND_LABELS["csat"] == "CSAT answers"
    snap = ws.snapshot()
    assert snap.versions == {"nps": None, "customers": 1, "revenue": None, "csat": 2, "tickets": None}
    assert ws.cursor().execute("SELECT count(*) FROM csat_responses WHERE version = 2").fetchone()[0] == 52
    # fact_csat is compact: one row per month, segment, region, channel and scale
    assert ws.cursor().execute("SELECT count(*), sum(answers), sum(satisfied) FROM fact_csat").fetchone() == (3, 52,
                                                                                                              36)


def test_csat_summary_40_answers_on_1_to_5(ws):
    r = csat.summary(ws.cursor(), View(1, JAN, FEB))
    assert (r.n, r.satisfied, r.scale) == (40, 26, "1-5")
    assert r.value == pytest.approx(65.0)  # 26 ÷ 40
    # Wilson, z = 1.96, z² = 3.8416: centre = (0.65 + 3.8416/80) ÷ (1 + 3.8416/40) = 0.69802 ÷ 1.09604 = 0.636856;
    # half = 1.96 √(0.65 × 0.35/40 + 3.8416/6400) ÷ 1.09604 = 1.96 × 0.0792953 ÷ 1.09604 = 0.141801
    assert r.interval.low == pytest.approx(49.5056, abs=1e-3)
    assert r.interval.high == pytest.approx(77.8657, abs=1e-3)
    assert r.mean == pytest.approx(3.8)  # 152 ÷ 40, on 1–5
    assert not r.too_small


def test_registry_entries_give_the_same_figures(ws):
    from metrics.definitions import METRICS

    # the registry's "csat" SQL over fact_csat, Jan–Feb: 26 satisfied of 40 answers
    sql = f"SELECT {METRICS['csat'].sql} FROM fact_csat WHERE snapshot = 1 AND month BETWEEN ? AND ?"
    assert ws.cursor().execute(sql, [JAN, FEB]).fetchone()[0] == pytest.approx(65.0)
    # "csat_mean": its own scale only; Jan–Mar mixes 1–5 with Good/Bad answers, so there is none
    assert METRICS["csat_mean"].compute == "metrics.csat.summary"
    assert csat.summary(ws.cursor(), View(1, JAN, MAR)).mean is None


def test_csat_filters_months_and_small_n(ws):
    smb = csat.summary(ws.cursor(), View(1, JAN, MAR, segment="SMB"))
    assert (smb.n, smb.satisfied) == (25, 18) and smb.value == pytest.approx(72.0)
    assert smb.mean == pytest.approx(99 / 25) and smb.too_small  # 3.96; n < 30
    march = csat.summary(ws.cursor(), View(1, MAR, MAR))
    assert (march.n, march.satisfied, march.scale, march.mean) == (12, 10, "good-bad", None)
    # 10 of 12: Wilson 55.196 % – 95.304 % (centre (0.8333 + 0.16007) ÷ 1.32013, half 0.20054)
    assert (march.interval.low, march.interval.high) == (pytest.approx(55.196, abs=1e-2),
                                                         pytest.approx(95.304, abs=1e-2))
    mid = csat.summary(ws.cursor(), View(1, JAN, MAR, segment="Mid-Market"))  # the customer's segment
    assert (mid.n, mid.satisfied) == (12, 10)
    both = csat.summary(ws.cursor(), View(1, JAN, MAR))
    assert (both.n, both.satisfied, both.scale, both.mean) == (52, 36, None, None)  # two scales: no mean
    empty = csat.summary(ws.cursor(), View(1, dt.date(2025, 1, 1), dt.date(2025, 6, 1)))
    assert (empty.n, empty.value, empty.mean) == (0, None, None)


def test_csat_by_month(ws):
    frame = csat.by_month(ws.cursor(), View(1, JAN, MAR))
    assert frame.month.dt.date.tolist() == [JAN, FEB, MAR]
    assert frame.n.tolist() == [25, 15, 12] and frame.satisfied.tolist() == [18, 8, 10]
    assert frame.csat.tolist() == pytest.approx([72.0, 800 / 15, 1000 / 12])
    assert frame.too_small.tolist() == [True, True, True]


def test_old_workspace_files_get_the_csat_column(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("""CREATE TABLE snapshots (snapshot INTEGER PRIMARY KEY, nps_version INTEGER,
                   customers_version INTEGER, revenue_version INTEGER, created_at TIMESTAMP NOT NULL,
                   first_month DATE, last_month DATE)""")
    con.execute("INSERT INTO snapshots VALUES (1, NULL, NULL, NULL, TIMESTAMP '2026-01-01 10:00', NULL, NULL)")
    con.close()
    w = Workspace(path)
    assert w.snapshot(1).versions == {"nps": None, "customers": None, "revenue": None, "csat": None, "tickets": None}
    snap = w.commit([NewUpload("csat", "csat.csv", "s" * 64, answers(ROWS[:3]), first_date=dt.date(2026, 1, 10),
                               last_date=dt.date(2026, 1, 10))])
    assert snap.snapshot == 2 and snap.versions["csat"] == 1
    w.close()
