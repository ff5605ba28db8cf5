"""The period window covers every kind's months; revenue figures past the revenue file's last month are blank.

Reference data (tests/fixtures/reference: revenue Dec 2024 – Apr 2025) plus two NPS responses dated in Jun 2025,
two months after the last revenue month.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from conftest import REFERENCE, prepare_bytes, prepare_file

from metrics import health, linkage, nps, revenue
from metrics.store import Workspace
from metrics.view import View

DEC, APR, MAY, JUN = dt.date(2024, 12, 1), dt.date(2025, 4, 1), dt.date(2025, 5, 1), dt.date(2025, 6, 1)
LATE = "r9,A,2025-06-10,9,,Email\nr10,D,2025-06-12,3,,Email\n"


@pytest.fixture
def ws():
    w = Workspace(":memory:")
    nps_text = (REFERENCE / "nps.csv").read_text() + LATE
    w.commit([prepare_file(REFERENCE / "customers.csv", "customers").to_upload(),
              prepare_bytes(nps_text.encode(), "nps", name="nps.csv").to_upload(),
              prepare_file(REFERENCE / "revenue.csv", "revenue").to_upload()])
    yield w
    w.close()


def test_the_months_reach_the_latest_response(ws):
    snap = ws.snapshot()
    assert (snap.first_month, snap.last_month) == (DEC, JUN)
    assert (snap.revenue_first, snap.revenue_last) == (DEC, APR)
    late = nps.summary(ws.cursor(), View(1, JUN, JUN))  # r9 promoter, r10 detractor: visible, NPS 0
    assert (late.n, late.promoters, late.detractors, late.value) == (2, 1, 1, 0)


def test_no_revenue_figure_is_invented_after_the_last_revenue_month(ws, reference_ws):
    cur = ws.cursor()
    f = revenue.mrr_by_month(cur, View(1, DEC, JUN)).set_index("month")
    # Dec–Apr exactly as without the late responses (test_metrics: 200, 350, 330, 450, 350) ...
    assert f.mrr.tolist()[:5] == [200, 350, 330, 450, 350]
    assert f.churned.tolist()[1:5] == [0, 0, 230, 300]
    # ... May and Jun blank: not 0 MRR, and not A 150 + D 200 = 350 "churned" in May.
    for col in ("mrr", "start_mrr", "new", "reactivation", "expansion", "contraction", "churned"):
        assert f[col].iloc[5:].isna().all(), col
    assert f.paying.tolist()[5:] == [0, 0] and f.arpa.iloc[5:].isna().all()
    # Retention: trailing-3 exists for Mar and Apr (bases Dec, Jan), never for May or Jun.
    assert revenue.retention_by_month(cur, View(1, DEC, JUN), 3).month.dt.date.tolist() == [dt.date(2025, 3, 1), APR]
    assert revenue.retention(cur, View(1, MAY, JUN), months=3) is None
    # Not a data-quality finding either: only the reference's own (D, Mar 2025), nobody "stopped paying" in May.
    stopped = health.revenue_stopped_while_active(cur, ws.snapshot())
    assert list(zip(stopped.customer_id, stopped.month.dt.date, strict=True)) == [("D", dt.date(2025, 3, 1))]
    # NRR by category over May–Jun has no revenue to read: blank, not 0 %.
    cats = linkage.by_category(cur, View(1, MAY, JUN))
    assert all(v is None or math.isnan(v) for v in cats.nrr)
    # The facts of the revenue months are those of the reference workspace, row for row.
    facts = ("SELECT * EXCLUDE (snapshot) FROM fact_month WHERE snapshot = ? AND month <= DATE '2025-04-01'"
             " ORDER BY ALL")
    assert cur.execute(facts, [1]).fetchall() == reference_ws.cursor().execute(facts, [1]).fetchall()
