"""Tickets without a customer list (a help-desk export alone): the tiles that need customers say that is why they
are blank, not a reason about the tickets (found with RavenStack's tickets: "some tickets have no created time")."""

import pytest
from conftest import run_app
from test_service_page_empty import TICKETS

SEED = (("tickets", TICKETS),)
pytestmark = pytest.mark.usefixtures("app_workspace")


def test_contact_rate_names_the_missing_customer_list():
    at = run_app("pages/service.py")
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Tickets created"] == "4"  # T1–T4, Mar–Apr 2025: counted, every ticket has its created time
    captions = [c.value for c in at.caption]
    # the export ends on 20 Apr 2025: the period's count runs to then (s25)
    assert ("to 20 Apr 2025 10:00 (the export's latest time) · contact rate not measurable: no active customers (no "
            "customer list in the period)") in captions
    assert "not measurable: some tickets have no created time" not in captions
    # the rates read what they can: T1–T3 solved, the export has no reopen counts or escalation flags
    assert "not measurable: the export has no reopen counts for the period's 3 solved tickets" in captions
    # said once, under the tile, not again among the page's notes
    assert "Reopen rate: the export has no reopen counts for the period's 3 solved tickets." not in captions
    # 2 ratings in the period: no month has 30, so no empty CSAT chart, and the page says why
    assert ("No month of the period has 30 ticket ratings, so CSAT is not drawn by month; the tile above pools the "
            "whole period.") in captions


def service_page_on(tickets: bytes, tmp_path, monkeypatch, page: str = "pages/service.py", **params):
    """The Service page (or `page`) on a workspace of these tickets alone (params: run_app's URL parameters)."""
    import streamlit as st
    from conftest import prepare_bytes

    from metrics.store import Workspace

    path = tmp_path / "w.duckdb"
    ws = Workspace(path)
    ws.commit([prepare_bytes(tickets, "tickets").to_upload()])
    ws.close()
    monkeypatch.setenv("CX_WORKSPACE", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        return run_app(page, **params)
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


def test_accounts_waiting_is_not_claimed_empty_when_open_states_are_unknown(tmp_path, monkeypatch):
    """A closed ticket without a solve time: which tickets were open at the end is not known, so the page must not
    say that no high-priority ticket is open (Kaggle's export: 1,396 open Critical/High tickets were hidden behind
    'No ticket of priority high or urgent is open')."""
    kept = [line for line in TICKETS.splitlines(keepends=True) if not line.startswith(b"T4,")]  # T4: open, urgent
    at = service_page_on(b"".join(kept) + b"T5,D,2025-04-02 09:00:00,,,closed,Critical,Email,Unoffered\n",
                         tmp_path, monkeypatch)
    assert not any("is open at the end of the period." in s.value for s in at.success)
    # s25: said at the export's latest time, T5's creation
    assert ("Whether any ticket of priority high, urgent or critical is open at 2 Apr 2025 09:00 (the export's latest "
            "time) is not known: see the reason above.") in [i.value for i in at.info]


def test_accounts_waiting_is_not_claimed_empty_without_a_priority_column(tmp_path, monkeypatch):
    """An export with no priority column: "no ticket of priority high, urgent or critical is open" would be an
    all-clear the data cannot give (a helper read it so on a help-desk export without priorities)."""
    rows = [b",".join(c for i, c in enumerate(line.split(b",")) if i != 6) for line in TICKETS.splitlines()]
    at = service_page_on(b"\n".join(rows) + b"\n", tmp_path, monkeypatch)
    assert not any("is open at the end of the period." in s.value for s in at.success)
    assert ("Whether any ticket of priority high, urgent or critical is open is not known: the tickets export has no "
            "priority.") in [i.value for i in at.info]


def test_root_causes_do_not_claim_none_when_created_times_are_missing(tmp_path, monkeypatch):
    """A ticket without a created time: which were created in the period is not known (Kaggle's export read 'No
    tagged tickets created in the period' for 8,469 tickets with subjects)."""
    at = service_page_on(TICKETS + b"T6,D,,,,open,Low,Email,Unoffered\n", tmp_path, monkeypatch)
    captions = [c.value for c in at.caption]
    said = "Which tickets were created in the period is not known: some tickets have no created time."
    assert said in captions and "No tagged tickets created in the period." not in captions


def test_ceo_csat_tile_says_the_ticket_csat_is_another_measure():
    """The CSAT tile is the survey file's: beside the service line's ticket CSAT its "No CSAT answers uploaded"
    read as "no satisfaction data at all" (found with RavenStack's tickets and Miro's NPS)."""
    at = run_app("pages/ceo.py")
    infos = [i.value for i in at.info]
    assert ("No CSAT answers uploaded yet — upload on the Data page. Ticket CSAT, the support tickets' own ratings, "
            "is a separate measure: see Service.") in infos
    assert any(m.value.startswith("**Service:** ticket CSAT") for m in at.markdown)


def test_arr_touched_reads_not_known_without_revenue(tmp_path, monkeypatch):
    """T4 (urgent) is open at the export's latest time and no revenue was uploaded: the ARR it touches is not known;
    the pages read "$0 (— of ARR)". s25: T5, solved 30 Apr 20:00, makes that the export's latest time, when T4 is
    10 days 10 hours old (with the seed alone the latest time is T4's own creation: 0 h old, none over 24 h)."""
    tickets = TICKETS + b"T5,B,2025-04-30 18:00:00,2025-04-30 19:00:00,2025-04-30 20:00:00,solved,Low,Email,Offered\n"
    (tmp_path / "ceo").mkdir()
    ceo = service_page_on(tickets, tmp_path / "ceo", monkeypatch, page="pages/ceo.py")
    line = next(m.value for m in ceo.markdown if m.value.startswith("**Service:**"))
    assert ("ARR touched by tickets open over 24 h at 30 Apr 2025 20:00 (the export's latest time): — (not known: no "
            "revenue data for the month)") in line and "$0" not in line
    captions = [c.value.replace("\\", "") for c in service_page_on(tickets, tmp_path, monkeypatch).caption]
    assert ("1 ticket is open longer than 24 h at 30 Apr 2025 20:00 (the export's latest time), but no revenue figure "
            "of Apr 2025 is known (no revenue data for that month): the ARR they touch is not known") in captions, \
        captions


def test_within_target_chart_leaves_out_the_months_the_tile_calls_too_few(tmp_path, monkeypatch):
    """The "Solved within 24 h" tile shows "—" on fewer than 30 solved tickets; the chart beside it drew a point for
    that same month (3 tickets). One rule for both: such a month is left out of the line and named with its n."""
    rows = [b"ticket_id,organization_id,created_at,first_reply_at,solved_at,status,priority,channel"]
    rows += [f"J{i},A,2025-01-{1 + i % 27:02d} 09:00:00,,2025-01-{1 + i % 27:02d} 12:00:00,solved,Low,Email".encode()
             for i in range(35)]
    rows += [f"F{i},A,2025-02-0{1 + i} 09:00:00,,2025-02-0{1 + i} 12:00:00,solved,Low,Email".encode() for i in range(3)]
    tickets = b"\n".join(rows) + b"\n"
    at = service_page_on(tickets, tmp_path, monkeypatch, period=["Jan 2025", "Feb 2025"])
    captions = [c.value for c in at.caption]
    assert "Months with fewer than 30 solved tickets are left out of the line: Feb 2025 (3)." in captions
    at = service_page_on(tickets, tmp_path / "latest", monkeypatch, period=["Feb 2025", "Feb 2025"])
    tiles = {m.label: m.value for m in at.metric}
    captions = [c.value for c in at.caption]
    assert tiles["Solved within 24 h"] == "—" and "n = 3: too few tickets (needs 30)" in captions
    assert ("No month of the period has 30 solved tickets, so the share solved within 24 h is not drawn by month; "
            "the tile above pools the whole period.") in captions
