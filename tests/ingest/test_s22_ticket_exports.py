"""Ticket exports of the twenty-second session: figures worked out by hand.

Freshdesk's ticket export (Tickets > Export): 'First response time (in hrs)' and 'Resolution time (in hrs)' are
written by Freshdesk's own code as hhmm(first_resp_time_by_bhrs) / hhmm(resolution_time_by_bhrs): business hours,
H:MM:SS, and "00:00:00" for a ticket not yet answered or resolved. Business hours here Mon–Fri 09:00–17:00:
  101 Mon 04.03 09:00, reply 10:30, resolved Tue 05.03 11:00: calendar 1.5 h / 26 h;  business 01:30 / 10:00
  102 Fri 08.03 16:00, reply Mon 11.03 09:30, resolved 12:00:  calendar 65.5 h / 68 h; business 01:30 / 04:00
  103 Tue 12.03 10:00, reply 10:15, resolved 12:00:             calendar 0.25 h / 2 h;  business 00:15 / 02:00
  104 Wed 13.03 14:00, open, never answered:                     none;                   business 00:00 / 00:00
  105 Thu 14.03 09:00, reply 09:45, pending:                     calendar 0.75 h / none; business 00:45 / 00:00
  106 Thu 14.03 18:00, reply 18:30, resolved 19:00:             calendar 0.5 h / 1 h;   business 00:00 / 00:00
Calendar first reply median of 0.25, 0.5, 0.75, 1.5, 65.5 = 0.75 h; resolution median of 1, 2, 26, 68 = 14 h.
"""

from __future__ import annotations

import pytest
from conftest import prepare_bytes

from metrics.ingest.mapping import detect_mapping

FD_HEAD = ("Ticket ID,Subject,Status,Priority,Source,Type,Agent,Group,Created time,Due by Time,Resolved time,"
           "Closed time,Last update time,Initial response time,Time tracked,First response time (in hrs),"
           "Resolution time (in hrs),Agent interactions,Customer interactions,Resolution status,"
           "First response status,Tags,Survey results,Full name,Contact ID,Company Name\n")
FD_ROWS = [
    "101,Login fails,Closed,High,Email,Incident,Priya,Tier 1,2024-03-04 09:00:00,2024-03-05 17:00:00,"
    "2024-03-05 11:00:00,2024-03-07 11:00:00,2024-03-07 11:00:00,2024-03-04 10:30:00,00:00,01:30:00,10:00:00,2,2,"
    "Within SLA,Within SLA,,,Ann Lee,9001,Acme",
    "102,Invoice copy,Closed,Low,Portal,Question,Priya,Billing,2024-03-08 16:00:00,2024-03-12 16:00:00,"
    "2024-03-11 12:00:00,2024-03-13 12:00:00,2024-03-13 12:00:00,2024-03-11 09:30:00,00:00,01:30:00,04:00:00,1,1,"
    "Within SLA,Within SLA,,,Bob Ray,9002,Beta",
    "103,Export broken,Resolved,Medium,Email,Incident,Omar,Tier 1,2024-03-12 10:00:00,2024-03-13 10:00:00,"
    "2024-03-12 12:00:00,,2024-03-12 12:00:00,2024-03-12 10:15:00,00:00,00:15:00,02:00:00,1,1,Within SLA,"
    "Within SLA,,,Cat Wu,9003,Acme",
    "104,Feature request,Open,Low,Portal,Feature Request,,Tier 1,2024-03-13 14:00:00,2024-03-15 14:00:00,,,"
    "2024-03-13 14:00:00,,00:00,00:00:00,00:00:00,0,1,,,,,Dan Ode,9004,Gamma",
    "105,Refund,Pending,Urgent,Email,Refund,Omar,Billing,2024-03-14 09:00:00,2024-03-14 13:00:00,,,"
    "2024-03-14 09:45:00,2024-03-14 09:45:00,00:00,00:45:00,00:00:00,1,1,,Within SLA,refund,,Eve Kim,9005,Beta",
    "106,Password reset,Closed,Low,Chat,Question,Priya,Tier 1,2024-03-14 18:00:00,2024-03-15 18:00:00,"
    "2024-03-14 19:00:00,2024-03-16 19:00:00,2024-03-16 19:00:00,2024-03-14 18:30:00,00:00,00:00:00,00:00:00,1,1,"
    "Within SLA,Within SLA,,,Fay Lo,9006,Acme",
]
FRESHDESK = (FD_HEAD + "\n".join(FD_ROWS) + "\n").encode()


def _without(data: bytes, column: str) -> bytes:
    """The export with one column not chosen (Freshdesk lets the analyst pick the exported fields)."""
    import csv
    import io
    rows = list(csv.reader(io.StringIO(data.decode())))
    i = rows[0].index(column)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:i] + r[i + 1:] for r in rows])
    return out.getvalue().encode()


def test_freshdesk_hours_columns_are_business_hours():
    m = detect_mapping("tickets", FD_HEAD.strip().split(","))
    assert m["first_reply_time_business"] == "First response time (in hrs)"
    assert m["resolution_time_business"] == "Resolution time (in hrs)"
    assert "first_reply_time" not in m and "resolution_time" not in m
    assert m["first_reply_at"] == "Initial response time" and m["solved_at"] == "Resolved time"
    assert m["customer_id"] == "Company Name"  # the company before the contact (B2B)


def test_freshdesk_full_export_durations_come_from_the_times():
    p = prepare_bytes(FRESHDESK, "tickets")
    rows = p.rows.set_index("ticket_id")
    assert rows["first_reply_hours"].dropna().tolist() == pytest.approx([1.5, 65.5, 0.25, 0.75, 0.5])
    assert rows["resolution_hours"].dropna().tolist() == pytest.approx([26.0, 68.0, 2.0, 1.0])
    assert rows["first_reply_hours"].median() == pytest.approx(0.75)
    assert rows["resolution_hours"].median() == pytest.approx(14.0)
    assert set(rows["hours_basis"].dropna()) == {"calendar"}
    assert rows["status"].tolist() == ["closed", "closed", "solved", "open", "pending", "closed"]
    assert rows.loc["104", "first_reply_hours"] != rows.loc["104", "first_reply_hours"]  # NaN: never answered
    assert any("'First response time (in hrs)', 'Resolution time (in hrs)' set aside" in w for w in p.warnings)


def test_freshdesk_without_initial_response_time_has_no_first_reply_figure():
    # before: the business hours were stored as calendar first replies (102: 1.5 h for 65.5 h; 106: 0 h for
    # 0.5 h; 104, never answered: 0 h from Freshdesk's "00:00:00"), median 0.5 h. Now no calendar first reply is
    # known, so none is stored; resolution still comes from 'Resolved time'.
    p = prepare_bytes(_without(FRESHDESK, "Initial response time"), "tickets")
    rows = p.rows.set_index("ticket_id")
    assert rows["first_reply_hours"].isna().all()
    assert rows["resolution_hours"].dropna().tolist() == pytest.approx([26.0, 68.0, 2.0, 1.0])
    assert set(rows["hours_basis"].dropna()) == {"calendar"}


def test_freshdesk_only_hours_columns_are_stored_as_business_hours():
    data = _without(_without(_without(FRESHDESK, "Initial response time"), "Resolved time"), "Closed time")
    p = prepare_bytes(data, "tickets")
    rows = p.rows.set_index("ticket_id")
    assert set(rows["hours_basis"].dropna()) == {"business"}
    assert rows.loc["102", "first_reply_hours"] == pytest.approx(1.5)  # business hours, labelled so
    assert any("Only business-hours durations" in w for w in p.warnings)


# ---- ticket event logs --------------------------------------------------------------------------------------
# Jira's changelog flattened from the REST API (issue key, history 'created' = when the change was made, item
# 'field', 'fromString', 'toString'): SUP-1 created in September, resolved 2 Oct, reopened 5 Oct; SUP-2 resolved
# 4 Oct. Read as tickets before: 3 tickets created 1, 3 and 6 October (their first changes) and all open.
JIRA_CHANGELOG = b"""issue_key,author,created,field,fromString,toString
SUP-1,Ann,2026-10-01T10:00:00.000+0000,status,Open,In Progress
SUP-1,Ann,2026-10-02T09:00:00.000+0000,status,In Progress,Resolved
SUP-1,Ann,2026-10-02T09:00:00.000+0000,resolution,,Done
SUP-1,Bob,2026-10-05T09:00:00.000+0000,status,Resolved,Reopened
SUP-2,Cy,2026-10-04T09:00:00.000+0000,status,Open,Resolved
SUP-3,Cy,2026-10-06T09:00:00.000+0000,priority,Medium,High
"""
# Zendesk's ticket_field_history (Fivetran): ticket_id, field_name, updated, value
FIELD_HISTORY = b"""ticket_id,field_name,updated,value,user_id
1,status,2026-10-01 09:00:00,new,11
1,status,2026-10-02 09:00:00,solved,21
1,status,2026-10-05 09:00:00,open,11
"""


def test_change_logs_are_refused_not_read_as_tickets():
    from metrics.errors import InvalidOptionError
    with pytest.raises(InvalidOptionError, match=r"\('field'\) and its value \('toString'\).*change log"):
        prepare_bytes(JIRA_CHANGELOG, "tickets")
    with pytest.raises(InvalidOptionError, match=r"\('field_name'\) and its value \('value'\).*Upload the tickets"):
        prepare_bytes(FIELD_HISTORY, "tickets")


# A log with each ticket's whole state per update (status, created, solved, updated): read right, pinned.
#   1 created 1 Oct 09:00, solved 2 Oct, reopened 5 Oct, solved again 6 Oct 09:00: solved, 120 h, one reopen
#   2 created 3 Oct, solved 4 Oct, reopened 7 Oct: open (in the backlog), no solve time, one reopen
#   3 created 3 Oct, new
STATE_LOG = b"""ticket_id,status,created_at,updated_at,solved_at
1,new,2026-10-01 09:00:00,2026-10-01 09:00:00,
1,solved,2026-10-01 09:00:00,2026-10-02 09:00:00,2026-10-02 09:00:00
1,open,2026-10-01 09:00:00,2026-10-05 09:00:00,
1,solved,2026-10-01 09:00:00,2026-10-06 09:00:00,2026-10-06 09:00:00
2,new,2026-10-03 09:00:00,2026-10-03 09:00:00,
2,solved,2026-10-03 09:00:00,2026-10-04 09:00:00,2026-10-04 09:00:00
2,open,2026-10-03 09:00:00,2026-10-07 09:00:00,
3,new,2026-10-03 12:00:00,2026-10-03 12:00:00,
"""


def test_state_log_solved_then_reopened_reads_each_tickets_latest_state():
    import pandas as pd
    p = prepare_bytes(STATE_LOG, "tickets")
    rows = p.rows.set_index("ticket_id")
    assert rows["status"].tolist() == ["solved", "open", "new"]
    assert rows.loc["1", "solved_at"] == pd.Timestamp("2026-10-06 09:00")
    assert rows.loc["1", "resolution_hours"] == pytest.approx(120.0)
    assert pd.isna(rows.loc["2", "solved_at"]) and pd.isna(rows.loc["2", "resolution_hours"])
    assert rows.loc["1", "reopens"] == 1 and rows.loc["2", "reopens"] == 1
    assert any("8 rows for 3 tickets" in w for w in p.warnings)


# ---- osTicket and Salesforce --------------------------------------------------------------------------------
# osTicket's ticket export, its standard fields (osTicket/osTicket include/class.queue.php getExportableFields).
#   100001 created 5 Oct 09:00, closed 13:00: 4 h;  100002 merged ('Merged' Yes), closed after 1 h
#   100003 Resolved 13 Oct 10:00 -> 15 Oct 12:00: 50 h, reopened once;  100004 Open
OSTICKET = b"""Ticket Number,Date Created,Subject,From,From Email,Priority,Department,Help Topic,Source,Current Status,\
Last Updated,SLA Due Date,Due Date,Closed Date,Overdue,Merged,Linked,Answered,Agent Assigned,Team Assigned,\
Thread Count,Reopen Count,Attachment Count,Task Count
100001,2026-10-05 09:00:00,Login fails,Ann Lee,ann@acme.com,Normal,Support,Report a Problem,Web,Closed,\
2026-10-05 13:00:00,2026-10-07 09:00:00,,2026-10-05 13:00:00,No,No,No,Yes,Priya,,3,0,0,0
100002,2026-10-06 10:00:00,Login fails again,Ann Lee,ann@acme.com,Normal,Support,Report a Problem,Email,Closed,\
2026-10-06 11:00:00,2026-10-08 10:00:00,,2026-10-06 11:00:00,No,Yes,No,No,Priya,,1,0,0,0
100003,2026-10-13 10:00:00,Billing wrong,Bob Ray,bob@beta.io,High,Billing,Billing,Phone,Resolved,\
2026-10-15 12:00:00,2026-10-15 10:00:00,,2026-10-15 12:00:00,Yes,No,No,Yes,Omar,,4,1,0,0
100004,2026-11-03 09:00:00,SSO question,Cat Wu,cat@acme.com,Low,Support,General Inquiry,Web,Open,\
2026-11-03 09:30:00,2026-11-05 09:00:00,,,No,No,No,Yes,Omar,,2,0,0,0
"""


def test_osticket_current_status_is_read_and_merged_tickets_are_said():
    cols = OSTICKET.decode().splitlines()[0].split(",")
    m = detect_mapping("tickets", cols)
    # before: 'Current Status' unread, every status derived from the closed date ("No status column")
    assert m["status"] == "Current Status" and m["closed_at"] == "Closed Date" and m["reopens"] == "Reopen Count"
    p = prepare_bytes(OSTICKET, "tickets")
    rows = p.rows.set_index("ticket_id")
    assert rows["status"].tolist() == ["closed", "closed", "solved", "open"]
    assert rows["resolution_hours"].dropna().tolist() == pytest.approx([4.0, 1.0, 50.0])
    assert rows["reopens"].tolist() == [0, 0, 1, 0]
    assert any(w.startswith("1 ticket marked in 'Merged' took part in a merge") for w in p.warnings)


# Salesforce's Cases report: Status New / Working / Escalated / Closed (the picklist is the org's own, so an
# unknown word is asked); 'Age (Hours)' is the case's age (to now while open), never read as a resolution time.
SALESFORCE = b"""Case Number,Subject,Status,Priority,Case Origin,Account Name,Date/Time Opened,Date/Time Closed,\
Age (Hours)
00001001,Login fails,Closed,Low,Email,Acme,10/15/2026 9:00 AM,10/15/2026 1:00 PM,4
00001002,Billing wrong,Working,High,Phone,Beta,11/13/2026 10:00 AM,,242
00001003,Export broken,Escalated,High,Web,Gamma,11/20/2026 8:00 AM,,74
"""


def test_salesforce_working_is_asked_and_age_is_not_a_resolution_time():
    from metrics.errors import NeedsAnswerError
    assert "Age (Hours)" not in detect_mapping("tickets", SALESFORCE.decode().splitlines()[0].split(",")).values()
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(SALESFORCE, "tickets")
    assert [q.key for q in err.value.questions] == ["ticket_status:working"]
    p = prepare_bytes(SALESFORCE, "tickets", answers={"ticket_status:working": "open"})
    rows = p.rows.set_index("ticket_id")
    assert rows["status"].tolist() == ["closed", "open", "open"]
    assert rows["resolution_hours"].tolist()[0] == pytest.approx(4.0)
    assert rows["resolution_hours"].isna().tolist() == [False, True, True]
    assert rows["customer_id"].tolist() == ["Acme", "Beta", "Gamma"]


# ---- zone-less times across a daylight-saving change: read as written, not asked ----------------------------
# Jira Service Management's export writes local times without a zone ('07/Mar/26 10:00 AM', the exporting user's
# zone). SD-11 was created Saturday 7 March 10:00 and resolved Monday 9 March 10:00, across the US change to
# summer time on 8 March: 47 h passed in New York, the times read 48 h. Asking every zone-less file its zone would
# cost each upload a question for at most one hour on the tickets open that night (here the median, 24 h, is
# untouched), so the times are read as written and the glossary says so.
JIRA_DST = b"""Summary,Issue key,Issue id,Issue Type,Status,Priority,Resolution,Created,Updated,Resolved,\
Custom field (Organizations)
VPN down,SD-11,10011,Incident,Resolved,High,Done,07/Mar/26 10:00 AM,09/Mar/26 10:00 AM,09/Mar/26 10:00 AM,Acme
Mail,SD-12,10012,Incident,Resolved,High,Done,02/Mar/26 10:00 AM,02/Mar/26 4:00 PM,02/Mar/26 4:00 PM,Acme
Laptop,SD-13,10013,Service Request,Resolved,Medium,Done,13/Mar/26 9:00 AM,14/Mar/26 9:00 AM,14/Mar/26 9:00 AM,Globex
"""


def test_jira_zone_less_times_across_summer_time_are_read_as_written():
    from metrics.rules import everywhere
    p = prepare_bytes(JIRA_DST, "tickets")  # no question
    rows = p.rows.set_index("ticket_id")
    assert rows["resolution_hours"].tolist() == pytest.approx([48.0, 6.0, 24.0])
    assert rows["resolution_hours"].median() == pytest.approx(24.0)
    assert any("48 h for 47 h" in r for r in everywhere())
