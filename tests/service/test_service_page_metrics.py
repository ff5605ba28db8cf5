"""The Service page's own metric functions (metrics/service.py: quality_by_month, root_causes, open_high_priority)
on the hand-worked reference customers and revenue plus five tickets; every figure worked out by hand below.

Reference MRR in Apr 2025: A 150, D 200 (E churned on 10 Apr, last paid in March). Window Mar – Apr 2025."""

import datetime as dt

import pandas as pd
import pytest
from conftest import REFERENCE, prepare_bytes, prepare_file

import charts
from metrics import service
from metrics.store import Workspace
from metrics.view import View

TICKETS = b"""ticket_id,organization_id,created_at,first_reply_at,solved_at,status,priority,satisfaction_rating,tags
T1,A,2025-03-02 09:00:00,2025-03-02 10:00:00,2025-03-02 19:00:00,closed,Normal,Good,billing
T2,E,2025-03-05 08:00:00,2025-03-05 12:00:00,2025-03-07 08:00:00,closed,High,Bad,"bug, billing"
T3,D,2025-04-01 12:00:00,2025-04-01 12:30:00,2025-04-02 00:00:00,solved,Low,Offered,bug
T4,A,2025-04-20 10:00:00,,,open,Urgent,Unoffered,bug
T5,B,2025-02-10 10:00:00,2025-02-10 11:00:00,2025-02-11 10:00:00,closed,Normal,Good,login
"""


@pytest.fixture(scope="module")
def ws_view():
    ws = Workspace(":memory:")
    ws.commit([*(prepare_file(REFERENCE / f"{k}.csv", k).to_upload() for k in ("customers", "nps", "revenue")),
               prepare_bytes(TICKETS, "tickets").to_upload()])
    snap = ws.snapshot()
    yield ws, View(snap.snapshot, dt.date(2025, 3, 1), dt.date(2025, 4, 1)), snap.versions["tickets"]
    ws.close()


def test_quality_by_month(ws_view):
    ws, view, tv = ws_view
    q = service.quality_by_month(ws.cursor(), view, tv).set_index("month")
    march, april = q.loc[pd.Timestamp("2025-03-01")], q.loc[pd.Timestamp("2025-04-01")]
    # March: first replies 1 h (T1) and 4 h (T2) → median 2.5; solved T1 in 10 h, T2 in 48 h → median 29, one of two
    # within 24 h; ratings Good (T1), Bad (T2) → 50%.
    assert (march.fr_median, march.fr_n, march.res_median, march.res_n) == (2.5, 2, 29.0, 2)
    assert march.within_target == 0.5 and march.csat == 50.0 and march.n == 2 and march.csat_low < 50 < march.csat_high
    # April: T3 replied in 0.5 h and solved in 12 h; T4 has no reply; no rating (T3 offered, T4 unoffered).
    assert (april.fr_median, april.fr_n, april.res_median, april.res_n, april.within_target) == (0.5, 1, 12.0, 1, 1.0)
    assert april.n == 0 and pd.isna(april.csat)  # no CSAT without ratings


def test_root_causes_ranked_by_arr_with_churn_after_raising(ws_view):
    ws, view, tv = ws_view
    r = service.root_causes(ws.cursor(), view, tv)
    # bug: T2 (E), T3 (D), T4 (A): ARR 12 × (200 + 150) = 4,200; E churned in April after raising it in March.
    # billing: T1 (A), T2 (E): ARR 12 × 150 = 1,800 (E not paying in April); E churned. login (T5) is before the window.
    assert list(r.tag) == ["bug", "billing"]
    assert r[["tickets", "customers", "arr", "at_risk", "churned"]].values.tolist() == [[3, 3, 4200.0, 3, 1],
                                                                                       [2, 2, 1800.0, 2, 1]]
    assert r.churn_rate.tolist() == pytest.approx([1 / 3, 0.5]) and r.too_small.all()
    assert r.repeat_customers.tolist() == [0, 0] and r.repeat_rate.tolist() == [0.0, 0.0]  # one ticket per customer
    pd.testing.assert_frame_equal(service.all_root_causes(ws.cursor(), view, tv)["tag"], r)  # the page's one query



def test_root_causes_count_tickets_without_a_customer_as_tickets_only():
    """A labelled ticket without a customer id is one of its label's tickets, never a customer, nor at risk; a
    customer raising a label twice is one customer and a repeat one. T6 (no customer, bug) and T7 (A, billing again)
    added: bug 4 tickets from 3 customers, billing 3 tickets from 2 (A twice: repeat rate 1 of 2)."""
    ws = Workspace(":memory:")
    extra = (b"T6,,2025-04-05 10:00:00,2025-04-05 11:00:00,2025-04-05 12:00:00,solved,Normal,,bug\n"
             b"T7,A,2025-04-08 10:00:00,2025-04-08 11:00:00,2025-04-08 12:00:00,solved,Normal,,billing\n")
    ws.commit([*(prepare_file(REFERENCE / f"{k}.csv", k).to_upload() for k in ("customers", "revenue")),
               prepare_bytes(TICKETS + extra, "tickets").to_upload()])
    snap = ws.snapshot()
    view = View(snap.snapshot, dt.date(2025, 3, 1), dt.date(2025, 4, 1))
    r = service.all_root_causes(ws.cursor(), view, snap.versions["tickets"])["tag"]
    assert list(r.tag) == ["bug", "billing"]
    assert r[["tickets", "customers", "repeat_customers", "arr", "at_risk", "churned"]].values.tolist() == [
        [4, 3, 0, 4200.0, 3, 1], [3, 2, 1, 1800.0, 2, 1]]
    assert r.repeat_rate.tolist() == [0.0, 0.5]
    ws.close()

def test_open_high_priority_accounts(ws_view):
    ws, view, tv = ws_view
    w = service.open_high_priority(ws.cursor(), view, tv)
    # Only T4 (urgent, A) is open; T2 (high) was solved in March. T4's creation, 20 Apr 2025 10:00, is the export's
    # latest time: measured then it is 0 days old (s25; before, at 1 May 00:00, 10 days 14 hours, which the export
    # cannot know: it may have been solved the next minute).
    assert w[["customer_id", "tickets", "urgent", "arr"]].values.tolist() == [["A", 1, 1, 1800.0]]
    assert w.oldest_days.iloc[0] == 0.0 and w.attrs["at"] == dt.datetime(2025, 4, 20, 10) and w.attrs["early"]


def test_experience_bars_chart():
    frame = pd.DataFrame({"experience": ["No tickets", "Slow resolution"], "customers": [100, 12],
                          "churned": [10, 3], "churn_rate": [0.1, 0.25], "churn_low": [0.05, 0.09],
                          "churn_high": [0.17, 0.53], "too_small": [False, True]})
    spec = charts.experience_bars(frame, "Churn by service experience", "Churned").to_dict()
    bars, rule = spec["layer"]
    assert spec["title"] == "Churn by service experience"
    assert bars["mark"]["type"] == "bar" and bars["encoding"]["x"]["field"] == "churn_rate"
    assert bars["encoding"]["opacity"]["scale"]["range"] == [1.0, 0.35]
    assert (rule["encoding"]["x"]["field"], rule["encoding"]["x2"]["field"]) == ("churn_low", "churn_high")
    assert bars["encoding"]["y"]["sort"] == ["No tickets", "Slow resolution"]
