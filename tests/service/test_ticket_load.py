"""Tickets are a stored kind: detected from their columns, loaded by `python -m metrics.load --kind tickets`, listed
in the data version, printed by `python -m metrics.report` (its `service` object) and replaced/rolled back/deleted
like any other kind. Every figure below is worked out by hand from the four tickets of TICKETS."""

import json

import pytest
from conftest import ROOT

from metrics import load, report
from metrics.ingest import inspect
from metrics.store import KIND_LABELS, KINDS, Workspace

TODAY = "--today=2026-11-23"  # "in the future" is judged against this, never the machine's clock

HEADER = ("ticket_id,organization_id,created_at,first_reply_at,solved_at,status,priority,channel,"
          "satisfaction_rating,reopens,escalated,tags,subject\n")
TICKETS = HEADER + """\
T1,A,2026-03-02 09:00:00,2026-03-02 10:00:00,2026-03-02 19:00:00,closed,Normal,Email,Good,0,false,billing,Invoice
T2,A,2026-03-10 08:00:00,2026-03-10 12:00:00,2026-03-12 08:00:00,closed,High,Chat,Bad,1,true,bug,Error 500
T3,B,2026-04-01 12:00:00,2026-04-01 12:30:00,2026-04-02 00:00:00,solved,Low,Web form,Offered,0,false,how-to,Roles
T4,B,2026-04-20 10:00:00,,,open,Urgent,Email,Unoffered,0,false,bug,Sync stopped
"""


def test_ticket_exports_are_recognised_as_tickets_even_with_a_satisfaction_column():
    assert "tickets" in KINDS and KIND_LABELS["tickets"] == "Support tickets"
    assert inspect(TICKETS.encode()).kind == "tickets"
    zendesk = ROOT / "tests" / "service" / "fixtures" / "zendesk_tickets.csv"  # has a "Satisfaction Score" column
    assert inspect(zendesk.read_bytes()).kind == "tickets"
    assert inspect((ROOT / "sample_data" / "tickets.csv").read_bytes()).kind == "tickets"
    assert inspect((ROOT / "sample_data" / "csat_responses.csv").read_bytes()).kind == "csat"  # still CSAT
    stripe = ROOT / "tests" / "fixtures" / "formats" / "stripe_subscriptions.csv"  # id, status, created: no ticket
    assert inspect(stripe.read_bytes()).kind == "revenue"


def test_tickets_load_through_metrics_load_and_report(tmp_path, capsys):
    csv, ws_path = tmp_path / "tickets.csv", tmp_path / "ws.duckdb"
    csv.write_text(TICKETS)
    assert load.main(["--workspace", str(ws_path), "--kind", "tickets", str(csv), "--json", TODAY]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["stored"] and result["kind"] == "tickets" and result["rows"] == 4

    code = report.main(["--workspace", str(ws_path), "--json"])
    f = json.loads(capsys.readouterr().out)
    assert code == 0 and f["versions"]["tickets"] == 1 and f["window"] == {"start": "2026-03", "end": "2026-04",
                                                                            "months": 2}
    s = f["service"]
    assert (s["tickets_created"], s["tickets_solved"], s["backlog"]) == (4, 3, 1)  # T4 open at the end of April
    # First reply 1, 4, 0.5 h: median 1; p90 = 1 + 0.8 × (4 − 1) = 3.4. Resolution 10, 48, 12 h: median 12;
    # p90 = 12 + 0.8 × (48 − 12) = 40.8.
    assert s["first_response_hours"] == {"median": pytest.approx(1.0), "p90": pytest.approx(3.4), "n": 3}
    assert s["resolution_hours"] == {"median": pytest.approx(12.0), "p90": pytest.approx(40.8), "n": 3}
    assert s["csat"]["value"] == pytest.approx(50.0) and s["csat"]["n"] == 2  # Good on T1, Bad on T2
    assert s["csat_response_rate"] == pytest.approx(2 / 3)  # 2 ratings ÷ 3 offered (T1–T3)
    assert s["reopen_rate"] == pytest.approx(1 / 3) and s["escalation_rate"] == pytest.approx(1 / 3)
    assert s["contact_rate"] is None  # no customer list in this data version
    assert any("n = 2 is below 30" in note for note in s["notes"])

    ws = Workspace(ws_path)
    try:
        stats = ws.version_stats(1)
        assert (stats["tickets"], stats["customers"], stats["unsolved"]) == (4, 2, 1)
        assert ws.history().iloc[0].kind == "tickets"
    finally:
        ws.close()


def test_tickets_replace_roll_back_and_delete_like_any_kind(tmp_path, capsys):
    ws_path = tmp_path / "ws.duckdb"
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(TICKETS)
    second.write_text(TICKETS.replace("T4,B,2026-04-20 10:00:00,,,open", "T4,B,2026-04-20 10:00:00,,,pending")
                      + "T5,C,2026-04-21 10:00:00,,,new,Normal,Email,Unoffered,0,false,login,Locked out\n")
    for path in (first, second):
        assert load.main(["--workspace", str(ws_path), "--kind", "tickets", str(path), TODAY]) == 0
    capsys.readouterr()
    ws = Workspace(ws_path)
    try:
        assert ws.current_versions()["tickets"] == 2 and ws.version_stats(2)["tickets"] == 5
        back = ws.rollback(1)
        assert back.versions["tickets"] == 1 and back.sources["tickets"] == (1,)
        assert ws.delete_version(2) == [2]
        assert ws.cursor().execute("SELECT count(*) FROM tickets WHERE version = 2").fetchone()[0] == 0
        assert ws.cursor().execute("SELECT count(*) FROM tickets WHERE version = 1").fetchone()[0] == 4
    finally:
        ws.close()


def test_old_workspace_files_get_the_tickets_column(tmp_path):
    import duckdb

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE snapshots (snapshot INTEGER PRIMARY KEY, nps_version INTEGER, customers_version "
                "INTEGER, revenue_version INTEGER, created_at TIMESTAMP NOT NULL, first_month DATE, last_month DATE,"
                " csat_version INTEGER)")
    con.execute("INSERT INTO snapshots VALUES (1, NULL, NULL, NULL, now()::TIMESTAMP, NULL, NULL, NULL)")
    con.close()
    ws = Workspace(path)
    try:
        assert ws.snapshot(1).versions == {"nps": None, "customers": None, "revenue": None, "csat": None,
                                           "tickets": None}
    finally:
        ws.close()


def test_tickets_without_a_created_column_commit_alone():
    """A ticket export with solve times only (the Kaggle support file) into an empty workspace: the facts' month
    range comes from the solve dates (it was NULL, and the fact build raised a DuckDB BinderException)."""
    import datetime as dt

    from conftest import prepare_bytes
    p = prepare_bytes(b"ticket_id,organization_id,solved_at,status\n1,C-1,2023-11-01 20:23:00,closed\n", "tickets")
    ws = Workspace(":memory:")
    ws.commit([p.to_upload()])
    assert ws.snapshot().last_month == dt.date(2023, 11, 1)
