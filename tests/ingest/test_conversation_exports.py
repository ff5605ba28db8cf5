"""Intercom's conversations export (the app's CSV, times in the zone its headers name) and Gorgias' satisfaction
surveys, written here in each tool's layout. Figures worked out by hand."""

from conftest import prepare_bytes

from metrics.ingest.mapping import detect_kind, detect_mapping
from metrics.ingest.ticket_values import header_zone

Z = "(America/New_York)"
INTERCOM = (
    f"Conversation ID,Conversation started at {Z},Teammate currently assigned,Channel,Current conversation state,"
    f"Last teammate rating,Last teammate rating remark,Conversation first replied at {Z},"
    f"Conversation first closed at {Z},Conversation last closed at {Z},Company ID\n"
    "215001,2025-03-04 10:00,Ann,Chat,closed,5,,2025-03-04 10:05,2025-03-04 11:00,2025-03-04 11:00,co1\n"
    "215002,2025-03-05 09:00,Ann,Email,closed,2,slow,2025-03-05 09:30,2025-03-05 10:00,2025-03-06 09:00,co1\n"
    "215003,2025-03-08 23:00,Bob,Chat,closed,,,2025-03-09 03:30,2025-03-09 05:00,2025-03-09 05:00,co2\n"
    "215004,2025-03-10 12:00,Bob,Chat,open,,,2025-03-10 12:10,,,co2\n")


def test_intercom_conversation_state_times_and_rating_are_mapped():
    """Only the id, start, channel and company were read: the three closed conversations were stored as open (a
    backlog of 4 for 1) with no reply or resolution times, and "no solved time in this export" was said."""
    cols = INTERCOM.splitlines()[0].split(",")
    assert detect_kind(cols) == "tickets"
    m = detect_mapping("tickets", cols)
    assert m["status"] == "Current conversation state" and m["satisfaction"] == "Last teammate rating"
    assert m["first_reply_at"] == f"Conversation first replied at {Z}"
    assert m["solved_at"] == f"Conversation last closed at {Z}"  # the final close: a reopen undoes the first
    assert m["closed_at"] == f"Conversation first closed at {Z}"


def test_intercom_times_are_read_in_the_zone_their_header_names():
    """215003 opened Sat 8 March 23:00 in New York (EST, UTC−5) and crossed the change to daylight time at 02:00 on
    the 9th: replied 03:30 EDT (UTC−4) = 3.5 h, closed 05:00 EDT = 5 h (read as UTC wall-clock: 4.5 h and 6 h).
    Stored in UTC: created 04:00 on 9 March."""
    p = prepare_bytes(INTERCOM.encode(), kind="tickets")
    t = p.rows.set_index("ticket_id")
    assert t.loc["215003", "first_reply_hours"] == 3.5 and t.loc["215003", "resolution_hours"] == 5.0
    assert str(t.loc["215003", "created_at"]) == "2025-03-09 04:00:00"
    assert t.loc["215002", "resolution_hours"] == 24.0 and t.loc["215001", "first_reply_hours"] * 60 == 5.0
    assert list(t.status) == ["closed", "closed", "closed", "open"]
    assert sum("read as America/New_York time" in w for w in p.warnings) == 1  # said once, not per column


def test_a_header_zone_is_only_a_known_zone_and_a_value_with_its_own_offset_keeps_it():
    assert header_zone(f"Conversation started at {Z}") == "America/New_York"
    assert header_zone("Created (Mars/Olympus)") is None and header_zone("Created (UTC)") is None
    data = (b"Conversation ID,Conversation started at (Europe/Berlin),Conversation last closed at (Europe/Berlin),"
            b"Current conversation state\n"
            b"1,2025-06-02T10:00:00Z,2025-06-02 14:00,closed\n")
    t = prepare_bytes(data, kind="tickets").rows
    # 10:00 UTC as written; 14:00 Berlin summer time is 12:00 UTC: 2 h
    assert str(t.created_at[0]) == "2025-06-02 10:00:00" and t.resolution_hours[0] == 2.0


def test_gorgias_satisfaction_surveys_are_dated_when_scored():
    """Gorgias' survey rows: 'scored_datetime' is when the customer answered ('sent_datetime' when it went out); the
    file was refused ("No column for response date"). Unanswered surveys (no score) are skipped. Hand: 3 of 5
    satisfied (4–5 on 1–5) = 60%."""
    data = (b"id,ticket_id,customer_id,score,body_text,created_datetime,sent_datetime,scored_datetime\n"
            b"1,501,9001,5,Great,2025-02-27T10:00:00+00:00,2025-02-28T10:00:00+00:00,2025-03-02T10:00:00+00:00\n"
            b"2,502,9002,4,,2025-03-03T10:00:00+00:00,2025-03-04T10:00:00+00:00,2025-03-04T12:00:00+00:00\n"
            b"3,503,9003,3,,2025-03-04T10:00:00+00:00,2025-03-05T10:00:00+00:00,2025-03-05T11:00:00+00:00\n"
            b"4,504,9004,1,Bad,2025-03-05T10:00:00+00:00,2025-03-06T10:00:00+00:00,2025-03-06T15:00:00+00:00\n"
            b"5,505,9005,,,2025-03-06T10:00:00+00:00,2025-03-07T10:00:00+00:00,\n"
            b"6,506,9006,5,,2025-03-07T10:00:00+00:00,2025-03-08T10:00:00+00:00,2025-03-08T18:00:00+00:00\n")
    p = prepare_bytes(data, kind="csat")
    assert p.mapping["response_date"] == "scored_datetime" and p.mapping["comment"] == "body_text"
    assert len(p.rows) == 5 and p.rows.satisfied.sum() == 3
    assert sorted(f"{d:%m-%d}" for d in p.rows.response_date) == ["03-02", "03-04", "03-05", "03-06", "03-08"]


WOOTRIC = (
    "id,end_user_id,email,survey_id,score,text,created_at,updated_at,excluded_from_calculations,completed\n"
    "9001,501,a@x.test,77,10,great,2025-03-04 17:02:11 UTC,2025-03-04 17:02:11 UTC,false,true\n"
    "9002,502,b@x.test,77,9,,2025-03-05 09:10:00 UTC,2025-03-05 09:10:00 UTC,false,true\n"
    "9003,503,c@x.test,77,7,ok,2025-03-06 12:00:00 UTC,2025-03-06 12:00:00 UTC,false,true\n"
    "9004,504,d@x.test,77,6,meh,2025-03-07 08:00:00 UTC,2025-03-07 08:00:00 UTC,false,true\n"
    "9005,505,e@x.test,77,0,bad,2025-03-08 23:30:00 UTC,2025-03-08 23:30:00 UTC,false,true\n"
    "9006,506,f@x.test,77,3,test,2025-03-09 10:00:00 UTC,2025-03-09 10:00:00 UTC,true,true\n"
    "9007,507,g@x.test,77,10,,2025-03-10 10:00:00 UTC,2025-03-10 10:00:00 UTC,false,true\n")


def test_answers_the_tool_excludes_from_its_own_nps_are_left_out():
    """Wootric marks answers it leaves out of its NPS ('excluded_from_calculations'): counted, 9006's 3 made NPS 0.
    Hand, without it: promoters 3 (10, 9, 10), detractors 2 (6, 0) of 6 = +16.7."""
    p = prepare_bytes(WOOTRIC.encode(), kind="nps", answers={"scale:score": "0-10"})
    scores = sorted(int(s) for s in p.rows.score)
    assert scores == [0, 6, 7, 9, 10, 10]
    assert round(100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores), 1) == 16.7
    assert any(w.startswith("1 response whose 'excluded_from_calculations' is true was left out") for w in p.warnings)


def test_deleted_tickets_are_left_out_and_a_text_column_is_no_flag():
    """Kustomer's conversations carry 'deleted' (true for a deleted one): it was stored as a solved ticket. A column
    named like a flag whose values are not true/false ('Test': a tester's name) is read as nothing."""
    data = (b"id,customer,createdAt,status,deleted,test\n"
            b"k1,cust1,2025-03-04T10:00:00Z,open,false,Ann\n"
            b"k2,cust1,2025-03-05T09:00:00Z,open,FALSE,\n"
            b"k4,cust2,2025-03-06T12:00:00Z,open,true,Bo\n")
    p = prepare_bytes(data, kind="tickets")
    assert sorted(p.rows.ticket_id) == ["k1", "k2"]
    assert any(w.startswith("1 ticket whose 'deleted' is true was left out") for w in p.warnings)


def test_help_desk_status_words_that_were_asked_each_time_are_known():
    """Jira Service Management's 'Waiting for support' (open) and 'Waiting for customer' (pending), Kustomer's
    'done' (solved) and Front's 'archived' (closed): asked on every upload. Hand: backlog 2 (open, pending)."""
    data = (b"Issue key,Status,Created,Resolved,Custom field (Organizations)\n"
            b"SD-1,Waiting for support,2025-03-03 09:00,,Acme\n"
            b"SD-2,Waiting for customer,2025-03-03 10:00,,Acme\n"
            b"SD-3,done,2025-03-03 11:00,2025-03-03 13:00,Bolt\n"
            b"SD-4,archived,2025-03-03 12:00,2025-03-04 12:00,Bolt\n")
    p = prepare_bytes(data, kind="tickets")
    assert list(p.rows.status) == ["open", "pending", "solved", "closed"]
    # Jira names a custom field in its header's note: the organisations are the customers
    assert p.mapping["customer_id"] == "Custom field (Organizations)"
    assert sorted(set(p.rows.customer_id)) == ["Acme", "Bolt"] and list(p.rows.resolution_hours.dropna()) == [2, 24]


def test_pendo_follow_up_response_is_the_comment():
    m = detect_mapping("nps", ["Visitor ID", "Account ID", "NPS Score", "Follow-up Response", "Date"])
    assert m["comment"] == "Follow-up Response" and m["customer_id"] == "Account ID"
