"""NPS and CSAT before vs after a ticket, by resolution speed (metrics/service_value.py), on a data set small enough
to work out by hand. Window: March 2024; target 24 calendar hours; horizon 180 days.

Tickets (created 2024-03-10 09:00 unless said; "over" = solved 2024-03-12 09:00, 48 h; "within" = solved 2024-03-10
19:00, 10 h; escalated ones solved with the over-target time):
  O01–O40 one over-target ticket each; O01 a second one (created 03-20 09:00, solved 03-22 09:00): counted once.
  W01–W30 one within-target ticket each.   E1–E3 one escalated ticket each (too few pairs).
  X1 one over-target ticket whose answers are all unusable (see below).  Y1 solved 2024-04-05: outside the window.
  Z1 still open.
NPS answers (before: 2024-02-01, after: 2024-04-01):
  O01–O40 before 10 (+100); after O01–O20 9 (+100), O21–O30 8 (0), O31–O40 3 (−100).
  W01–W05 7 → 10; W06–W10 7 → 2; W11–W20 9 → 9; W21–W30 5 → 5. W01 answers twice on 2024-04-01, 0 then 10: the
  day's last row (10) is its answer.
  E1–E3 10 → 0.
  X1: 2023-09-01 (191 days before creation: past the horizon), 2024-03-10 (creation day), 2024-03-11 (between
  creation and solve), 2024-03-12 (solve day), 2024-09-09 (181 days after the solve day): none usable.
CSAT answers (1–5; satisfied 4–5): O01–O30 5 on 2024-02-01; after on 2024-04-01 O01–O15 5, O16–O30 2.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pytest
from conftest import prepare_bytes

from metrics import service_value
from metrics.store import Workspace
from metrics.view import View

OVER = [f"O{i:02d}" for i in range(1, 41)]
WITHIN = [f"W{i:02d}" for i in range(1, 31)]
ESC = ["E1", "E2", "E3"]
CREATED, WITHIN_SOLVED, OVER_SOLVED = "2024-03-10 09:00:00", "2024-03-10 19:00:00", "2024-03-12 09:00:00"


def _tickets() -> bytes:
    rows = ["ticket_id,organization_id,created_at,first_reply_at,solved_at,status,priority,escalated,tags"]
    n = 0

    def add(cust, created, solved, status="closed", escalated="false"):
        nonlocal n
        n += 1
        rows.append(f"T{n:03d},{cust},{created},{created},{solved},{status},Normal,{escalated},how-to")

    for c in OVER:
        add(c, CREATED, OVER_SOLVED)
    add("O01", "2024-03-20 09:00:00", "2024-03-22 09:00:00")
    for c in WITHIN:
        add(c, CREATED, WITHIN_SOLVED)
    for c in ESC:
        add(c, CREATED, OVER_SOLVED, escalated="true")
    add("X1", CREATED, OVER_SOLVED)
    add("Y1", CREATED, "2024-04-05 09:00:00")
    add("Z1", CREATED, "", status="open")
    return ("\n".join(rows) + "\n").encode()


def _nps() -> bytes:
    rows = ["response_id,customer_id,responded_at,score"]

    def add(cust, day, score):
        rows.append(f"r{len(rows):03d},{cust},{day},{score}")

    after_over = [9] * 20 + [8] * 10 + [3] * 10
    for c, after in zip(OVER, after_over, strict=True):
        add(c, "2024-02-01", 10)
        add(c, "2024-04-01", after)
    for i, c in enumerate(WITHIN):
        before, after = (7, 10) if i < 5 else (7, 2) if i < 10 else (9, 9) if i < 20 else (5, 5)
        add(c, "2024-02-01", before)
        if c == "W01":
            add(c, "2024-04-01", 0)  # an earlier row of the same day: the last row of the day is the answer
        add(c, "2024-04-01", after)
    for c in ESC:
        add(c, "2024-02-01", 10)
        add(c, "2024-04-01", 0)
    for day, score in (("2023-09-01", 10), ("2024-03-10", 0), ("2024-03-11", 0), ("2024-03-12", 10),
                       ("2024-09-09", 0)):
        add("X1", day, score)
    add("Y1", "2024-02-01", 10)
    add("Y1", "2024-05-01", 0)
    return ("\n".join(rows) + "\n").encode()


def _csat() -> bytes:
    rows = ["survey_id,customer_id,answered_at,satisfaction"]
    for i, c in enumerate(OVER[:30]):
        rows.append(f"s{len(rows):03d},{c},2024-02-01,5")
        rows.append(f"s{len(rows):03d},{c},2024-04-01,{5 if i < 15 else 2}")
    return ("\n".join(rows) + "\n").encode()


@pytest.fixture(scope="module")
def ws_view():
    ws = Workspace(":memory:")
    ws.commit([prepare_bytes(_nps(), "nps").to_upload(), prepare_bytes(_csat(), "csat").to_upload(),
               prepare_bytes(_tickets(), "tickets").to_upload()])
    snap = ws.snapshot()
    yield ws, View(snap.snapshot, dt.date(2024, 3, 1), dt.date(2024, 3, 1)), snap.versions["tickets"]
    ws.close()


def test_pairs_follow_the_rules(ws_view):
    ws, view, tv = ws_view
    p = service_value.pairs(ws.cursor(), view, tv)
    # 40 over-target customers (O01 once, its first ticket), 30 within target, 3 escalated; X1, Y1, Z1 have none.
    assert p.groupby("speed").size().to_dict() == {"Over target": 40, "Within target": 30, "Escalated": 3}
    assert sorted(set(p.customer_id)) == sorted(OVER + WITHIN + ESC)
    o01 = p[p.customer_id == "O01"].iloc[0]
    assert (o01.before_day, o01.after_day, o01.before, o01.after) == (pd.Timestamp("2024-02-01"),
                                                                      pd.Timestamp("2024-04-01"), 100, 100)
    assert str(o01.solved_at) == "2024-03-12 09:00:00"  # its first ticket, not the one solved on 03-22
    assert p[p.customer_id == "W01"].after.iloc[0] == 100  # the day's last row (10), not the earlier 0
    # Not lower after: O01–O20 (100 → 100), W01–W05 (up) and W11–W30 (same); every E is lower.
    assert (p.after >= p.before).sum() == 20 + 5 + 20
    assert ((p.after_day > p.before_day) & (p.change == p.after - p.before)).all()


def test_a_ticket_open_for_months_finds_its_answer_from_before_it_was_created():
    """The answers are read from HORIZON_DAYS before the first creation of a ticket solved in the window (the
    window's start would lose this one): created 2023-06-01, solved 2024-03-05 in 40 h; before answer 2023-05-01
    (detractor), after 2024-04-01 (promoter); a third answer 2022-11-01 is past the horizon."""
    ws = Workspace(":memory:")
    ws.commit([prepare_bytes(b"response_id,customer_id,responded_at,score\nr1,L1,2023-05-01,2\n"
                             b"r2,L1,2024-04-01,10\nr3,L1,2022-11-01,9\n", "nps").to_upload(),
               prepare_bytes(b"ticket_id,organization_id,created_at,solved_at,status\n"
                             b"T1,L1,2023-06-01 09:00:00,2024-03-05 09:00:00,closed\n", "tickets").to_upload()])
    snap = ws.snapshot()
    view = View(snap.snapshot, dt.date(2024, 3, 1), dt.date(2024, 3, 1))
    p = service_value.pairs(ws.cursor(), view, snap.versions["tickets"])
    ws.close()
    assert p[["customer_id", "speed", "before", "after", "change"]].to_dict("records") == [
        {"customer_id": "L1", "speed": "Over target", "before": -100, "after": 100, "change": 200}]
    assert (p.before_day.iloc[0], p.after_day.iloc[0]) == (pd.Timestamp("2023-05-01"), pd.Timestamp("2024-04-01"))


def test_nps_before_after_by_speed(ws_view):
    ws, view, tv = ws_view
    got = service_value.after_ticket(ws.cursor(), view, tv, "nps").set_index("speed")
    assert list(got.index) == ["Within target", "Over target", "Escalated"]
    # Tickets solved in March per group: over 40 + O01's second + X1 = 42; within 30; escalated 3 (Y1: April).
    assert got.tickets.tolist() == [30, 42, 3] and got.pairs.tolist() == [30, 40, 3]

    over = got.loc["Over target"]
    # Before: 40 promoters → +100. After: 20 P, 10 passives, 10 D → 100 × (20 − 10) ÷ 40 = +25.
    # Changes: 20 × 0, 10 × −100, 10 × −200 → mean −75; Σ(d − mean)² = 20 × 75² + 10 × 25² + 10 × 125² = 275,000;
    # sd = √(275,000 ÷ 39) = 83.97; ± 1.96 × 83.97 ÷ √40 = ± 26.02 → −101.0 to −49.0: lower after.
    half = 1.96 * math.sqrt(275_000 / 39) / math.sqrt(40)
    assert (over.before, over.after, over.change) == (100.0, 25.0, -75.0)
    assert (over.low, over.high) == (pytest.approx(-75 - half), pytest.approx(-75 + half))
    assert half == pytest.approx(26.02, abs=0.01) and over.verdict == "lower after"

    within = got.loc["Within target"]
    # Before: W11–W20 promoters, W21–W30 detractors, W01–W10 passives → 0. After: W01–W05 + W11–W20 = 15 P,
    # W06–W10 + W21–W30 = 15 D → 0. Changes 5 × +100, 5 × −100, 20 × 0: mean 0, sd = √(100,000 ÷ 29) = 58.72,
    # ± 1.96 × 58.72 ÷ √30 = ± 21.01: the interval includes 0.
    half = 1.96 * math.sqrt(100_000 / 29) / math.sqrt(30)
    assert (within.before, within.after, within.change) == (0.0, 0.0, 0.0)
    assert (within.low, within.high) == (pytest.approx(-half), pytest.approx(half))
    assert within.verdict == service_value.NO_CLEAR_CHANGE == "no clear change"

    esc = got.loc["Escalated"]
    # 3 pairs < 30: no figure, the reason instead.
    assert esc.too_small and pd.isna(esc.before) and pd.isna(esc.change) and pd.isna(esc.low) and pd.isna(esc.verdict)
    assert esc.reason == "n = 3, fewer than 30 customers with an answer before and after"


def test_csat_before_after_uses_satisfaction_answers_only(ws_view):
    ws, view, tv = ws_view
    got = service_value.after_ticket(ws.cursor(), view, tv, "csat").set_index("speed")
    assert got.pairs.tolist() == [0, 30, 0]
    over = got.loc["Over target"]
    # Before 30 satisfied → 100%; after 15 of 30 → 50%; changes 15 × 0, 15 × −100: mean −50, sd = √(30 × 50² ÷ 29)
    # = 50.85; ± 1.96 × 50.85 ÷ √30 = ± 18.20 → −68.2 to −31.8.
    half = 1.96 * math.sqrt(30 * 2500 / 29) / math.sqrt(30)
    assert (over.before, over.after, over.change) == (100.0, 50.0, -50.0)
    assert (over.low, over.high) == (pytest.approx(-50 - half), pytest.approx(-50 + half))
    assert over.verdict == "lower after" and got.loc["Within target"].reason.startswith("n = 0, fewer than 30")


def test_a_longer_target_moves_tickets_between_groups(ws_view):
    ws, view, tv = ws_view
    got = service_value.after_ticket(ws.cursor(), view, tv, "nps", target_hours=48).set_index("speed")
    # At 48 h every non-escalated ticket here is within target (48 ≤ 48): 30 + 42 tickets, 70 customers paired.
    assert got.tickets.tolist() == [72, 0, 3] and got.pairs.tolist() == [70, 0, 3]


def test_json_objects(ws_view):
    ws, view, tv = ws_view
    out = service_value.after_ticket_json(ws.cursor(), view, tv, has_csat=True)
    assert [(o["measure"], o["speed"]) for o in out] == [(m, s) for m in ("nps", "csat") for s in
                                                         ("Within target", "Over target", "Escalated")]
    over = out[1]
    assert (over["pairs"], over["before"], over["after"], over["change"], over["verdict"]) == (40, 100.0, 25.0, -75.0,
                                                                                              "lower after")
    assert (over["target_hours"], over["horizon_days"]) == (24.0, 180) and out[2]["change"] is None
    json.dumps(out)  # JSON-ready: no numpy scalars, no NaN
    assert [o["measure"] for o in service_value.after_ticket_json(ws.cursor(), view, tv, has_csat=False)] == ["nps"] * 3


def test_report_json_service_after_ticket(tmp_path, capsys):
    """`python -m metrics.report --json --month 2024-03`: the window runs from the data's first month (Sep 2023:
    X1's first answer) to March, so its tickets are March's (Y1, solved in April, is not in it);
    service.after_ticket carries the figures above; the text output prints the NPS rows."""
    from metrics import report

    path = tmp_path / "ws.duckdb"
    ws = Workspace(path)
    ws.commit([prepare_bytes(_nps(), "nps").to_upload(), prepare_bytes(_csat(), "csat").to_upload(),
               prepare_bytes(_tickets(), "tickets").to_upload()])
    ws.close()
    assert report.main(["--workspace", str(path), "--json", "--month", "2024-03"]) == 0
    out, err = capsys.readouterr()
    rows = json.loads(out)["service"]["after_ticket"]
    assert err == "" and [(r["measure"], r["speed"], r["pairs"]) for r in rows] == [
        ("nps", "Within target", 30), ("nps", "Over target", 40), ("nps", "Escalated", 3),
        ("csat", "Within target", 0), ("csat", "Over target", 30), ("csat", "Escalated", 0)]
    assert (rows[1]["before"], rows[1]["after"], rows[1]["change"]) == (100.0, 25.0, -75.0)
    assert rows[1]["low"] == pytest.approx(-75 - 1.96 * math.sqrt(275_000 / 39) / math.sqrt(40))
    assert (rows[0]["verdict"], rows[2]["change"], rows[2]["reason"]) == (
        "no clear change", None, "n = 3, fewer than 30 customers with an answer before and after")
    assert (rows[4]["change"], rows[4]["verdict"]) == (-50.0, "lower after")
    assert report.main(["--workspace", str(path), "--month", "2024-03"]) == 0
    text = capsys.readouterr().out
    assert "  NPS after a ticket, over target   +100 → +25, change -75.0 (95%: -101.0 to -49.0, lower after) · " \
           "40 customers" in text
    assert "  NPS after a ticket, escalated     — (n = 3, fewer than 30 customers with an answer before and after)" \
           in text


def test_change_bars_chart():
    import pandas as pd

    import charts

    frame = pd.DataFrame({"speed": ["Within target", "Over target"], "change": [4.6, -7.6], "low": [-0.9, -13.4],
                          "high": [10.1, -1.9], "pairs": [1095, 1023], "verdict": ["no clear change", "lower after"]})
    spec = charts.change_bars(frame, "NPS: after − before a ticket", "Change in points").to_dict()
    bars, rule, zero = spec["layer"]
    assert spec["title"] == "NPS: after − before a ticket" and bars["encoding"]["x"]["field"] == "change"
    assert bars["encoding"]["opacity"]["scale"] == {"domain": ["interval excludes 0", "no clear change"],
                                                    "range": [1.0, 0.35]}
    assert (rule["encoding"]["x"]["field"], rule["encoding"]["x2"]["field"]) == ("low", "high")
    assert zero["mark"]["type"] == "rule" and bars["encoding"]["y"]["sort"] == ["Within target", "Over target"]
    assert [d["clear"] for d in spec["datasets"][bars["data"]["name"]]] == ["no clear change", "interval excludes 0"]


def test_hours_format():
    from metrics.definitions import fmt, fmt_hours

    assert fmt_hours(12.345) == "12.3 h" and fmt(1234.56, "hours") == "1,234.6 h" and fmt_hours(None) == "—"
