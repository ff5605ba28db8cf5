"""Help-desk exports of Salesforce (a Cases report), Zoho Desk, HubSpot and Crisp, written here in each tool's layout
(its header names; a few of its columns). Each lost its solve times, its customers or was refused; the figures below
are worked out by hand."""

import pytest
from conftest import prepare_bytes

from metrics.errors import NeedsAnswerError
from metrics.ingest.mapping import detect_mapping

SALESFORCE = (
    "Case Number,Case Owner,Subject,Status,Priority,Case Origin,Account Name,Date/Time Opened,Date/Time Closed,"
    "Closed,Escalated\n"
    "00001001,Bob Agent,Login fails,Closed,Low,Email,Acme,10/5/2026 9:00 AM,10/5/2026 1:00 PM,1,0\n"
    "00001002,Bob Agent,Billing wrong,Closed,High,Phone,Beta,10/13/2026 10:00 AM,10/15/2026 12:00 PM,1,0\n"
    "00001003,Cy Agent,Export broken,Closed,High,Web,Gamma,10/20/2026 8:00 AM,10/23/2026 8:00 AM,1,1\n"
    "00001004,Cy Agent,SSO question,New,Low,Web,Acme,11/3/2026 9:00 AM,,0,0\n")


def test_salesforce_cases_opened_and_closed_times_not_the_closed_checkbox():
    """'Closed' is a 0/1 checkbox: read as the closed time, the file was refused ("not times"), and 'Date/Time
    Opened' was not read (no ticket created, no resolution). Hand: resolution 4 h, 50 h, 72 h; one open."""
    cols = SALESFORCE.splitlines()[0].split(",")
    m = detect_mapping("tickets", cols)
    assert m["created_at"] == "Date/Time Opened" and m["closed_at"] == "Date/Time Closed"
    t = prepare_bytes(SALESFORCE.encode(), kind="tickets").rows.set_index("ticket_id")
    assert list(t.resolution_hours.fillna(-1)) == [4.0, 50.0, 72.0, -1]
    assert list(t.status) == ["closed", "closed", "closed", "new"]


ZOHO = (
    "Ticket Id,Subject,Status (Ticket),Priority (Ticket),Account Name,Created Time (Ticket),Ticket Closed Time\n"
    "101,Login fails,Closed,P4-Low,Acme,2026-10-05 09:00,2026-10-05 13:00\n"
    "102,Billing wrong,Closed,P2-High,Beta,2026-10-13 10:00,2026-10-15 12:00\n"
    "103,SSO question,Open,P3-Medium,Acme,2026-11-03 09:00,\n")


def test_zoho_desk_ticket_closed_time_is_the_close():
    """'Ticket Closed Time' was not read: nothing was solved and the backlog was unknown. Hand: 4 h and 50 h."""
    assert detect_mapping("tickets", ZOHO.splitlines()[0].split(","))["closed_at"] == "Ticket Closed Time"
    t = prepare_bytes(ZOHO.encode(), kind="tickets").rows
    assert list(t.resolution_hours.fillna(-1)) == [4.0, 50.0, -1]


HUBSPOT = (
    "Ticket ID,Ticket name,Ticket status,Create date,Close date,Associated Company,Associated Company IDs,"
    "Associated Company IDs (Primary)\n"
    "9001,Login fails,Closed,2026-10-05 09:00,2026-10-05 13:00,Acme,111,111\n"
    "9003,SSO question,Waiting on contact,2026-11-03 09:00,,Acme;Gamma,111;333,111\n")


def test_hubspot_tickets_take_the_primary_company():
    """'Associated Company IDs' lists every company of a ticket ('111;333' was stored as a customer of its own, so
    the ticket counted for neither company); the primary one is the customer. Hand: both tickets are 111's."""
    assert detect_mapping("tickets", HUBSPOT.splitlines()[0].split(","))["customer_id"] == \
        "Associated Company IDs (Primary)"
    assert list(prepare_bytes(HUBSPOT.encode(), kind="tickets").rows.customer_id) == ["111", "111"]


HUBSPOT_LISTS = (
    "Ticket ID,Ticket name,Ticket status,Create date,Close date,Associated Company IDs\n"
    "9001,Login fails,Closed,2026-10-05 09:00,2026-10-05 13:00,111\n"
    "9002,Billing,Closed,2026-10-06 09:00,2026-10-06 11:00,111;333\n"
    "9003,SSO question,New,2026-11-03 09:00,,222\n"
    "9004,Export,Closed,2026-11-04 09:00,2026-11-05 09:00,333; 222\n")
KEY = "id_lists:Associated Company IDs"


def test_hubspot_company_lists_without_a_primary_are_asked():
    """Without the primary column, '111;333' was stored as a customer of its own: the ticket linked to no company,
    unsaid. Asked, must confirm, no proposal: 2 rows list several ids. Hand: unlinked -> 111, none, 222, none;
    first -> 111, 111, 222, 333; as written -> the lists kept."""
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(HUBSPOT_LISTS.encode(), kind="tickets")
    q = next(q for q in asked.value.questions if q.key == KEY)
    assert q.must_confirm and q.proposal is None and set(q.choices) == {"first", "unlinked", "as_is"}
    assert q.prompt.startswith("2 rows list several customer ids")
    rows = lambda answer: list(prepare_bytes(HUBSPOT_LISTS.encode(), kind="tickets",  # noqa: E731
                                             answers={KEY: answer}).rows.customer_id.fillna("-"))
    assert rows("unlinked") == ["111", "-", "222", "-"]
    assert rows("first") == ["111", "111", "222", "333"]
    assert rows("as_is") == ["111", "111;333", "222", "333; 222"]


def test_a_revenue_file_listing_customers_cannot_leave_them_unlinked():
    """Revenue needs its customer: 'first' or 'as written' only."""
    data = "Customer,Invoice Date,Amount\nA;B,2026-10-01,100\nA,2026-10-01,50\nC,2026-11-01,70\n"
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(data.encode(), kind="revenue")
    assert next(q for q in asked.value.questions if q.key == "id_lists:Customer").choices == ("first", "as_is")


CRISP = (
    "session_id,state,created_at,updated_at,meta.email\n"
    "session_a1,resolved,1791190800000,1791205200000,ann@acme.com\n"
    "session_a3,unresolved,1793696400000,1793697600000,ann@acme.com\n"
    "session_a4,pending,1793887200000,1793887200000,gil@gamma.de\n")


def test_crisp_times_in_milliseconds_and_its_states():
    """Crisp writes Unix milliseconds: refused as "not times"; 'unresolved' was asked on every upload. Hand:
    1791190800000 ms is 2026-10-05 09:00 UTC."""
    t = prepare_bytes(CRISP.encode(), kind="tickets").rows
    assert list(t.ticket_id) == ["session_a1", "session_a3", "session_a4"]
    assert f"{t.created_at[0]:%Y-%m-%d %H:%M}" == "2026-10-05 09:00"
    assert list(t.status) == ["solved", "open", "pending"]


ZENDESK = (
    "Id,Status,Created at,Solved at,Organization,First reply time in minutes,Full resolution time in minutes\n"
    "101,Solved,2026-10-05 09:00:00,2026-10-05 13:00:00,Acme,30,240\n"
    "102,Closed,2026-10-12 10:00:00,2026-10-14 12:00:00,Beta,90,3000\n"
    "103,Solved,2026-10-31 16:00:00,2026-11-02 10:00:00,Acme,60,2580\n"
    "104,Solved,2026-11-03 09:00:00,2026-11-03 11:00:00,Gamma,15,120\n")


def test_zendesk_minutes_across_a_daylight_saving_change_are_kept():
    """Zendesk writes times in the account's zone (New York) without an offset: ticket 103 ran from 31 October 16:00
    EDT to 2 November 10:00 EST, 43 h (2,580 minutes), while the wall clocks differ by 42 h. One ticket of four
    disagreeing threw the whole minutes column out for the times. Hand: 4, 50, 43, 2 h (the export's own)."""
    p = prepare_bytes(ZENDESK.encode(), kind="tickets")
    assert list(p.rows.resolution_hours) == [4.0, 50.0, 43.0, 2.0]
    assert any("by one hour, as local times across a daylight-saving change do" in w for w in p.warnings)


def test_intercom_ticket_states():
    """Intercom's tickets ('ticket_state': submitted, in_progress, waiting_on_customer, resolved) were read with no
    status, and 'in_progress' was asked on every upload."""
    data = (b"id,ticket_id,company_id,created_at,updated_at,ticket_state,ticket_type\n"
            b"1,101,co_acme,1788253200,1788264000,resolved,Bug\n"
            b"2,102,co_beta,1788339600,1788426000,submitted,Billing\n"
            b"3,103,co_gamma,1788426000,1788447600,in_progress,Bug\n"
            b"4,104,co_acme,1788426000,1788447600,waiting_on_customer,Bug\n")
    assert detect_mapping("tickets", data.decode().splitlines()[0].split(","))["status"] == "ticket_state"
    t = prepare_bytes(data, kind="tickets").rows
    assert list(t.status) == ["solved", "new", "open", "pending"]
