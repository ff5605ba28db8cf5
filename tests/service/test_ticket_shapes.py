"""Each help-desk export shape through ingest.prepare(kind="tickets"), the way the Data page and metrics.load call it:
true figures, or a question, never a plausible wrong number. Fixtures (tests/service/fixtures) use each tool's real
column names; expected values are worked out by hand from the rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import prepare_bytes, prepare_file

from metrics.errors import MissingColumnError, NeedsAnswerError
from metrics.ingest.mapping import detect_mapping

FIX = Path(__file__).resolve().parent / "fixtures"


def tickets(name: str, **answers) -> tuple[pd.DataFrame, list[str]]:
    p = prepare_file(FIX / name, "tickets", answers=answers)
    assert p.kind == "tickets"
    return p.rows.set_index("ticket_id"), p.warnings


def has(warnings: list[str], text: str) -> bool:
    return any(text in w for w in warnings)


def test_zendesk_tickets_export():
    rows, warnings = tickets("zendesk_tickets.csv")
    # 105 carries the tag closed_by_merge: merged into another ticket, not a ticket of its own.
    assert list(rows.index) == ["101", "102", "103", "104", "106"]
    assert has(warnings, "1 tickets closed by a merge")
    assert rows.loc["101", "customer_id"] == "Acme"  # the organization, not the requester
    # minutes → hours, "1,200" with a thousands separator = 20 h; "2,880" = 48 h.
    assert rows["first_reply_hours"].tolist()[:4] == pytest.approx([0.5, 20.0, 0.25, float("nan")], nan_ok=True)
    assert rows.loc["102", "resolution_hours"] == pytest.approx(48.0)
    # business-hours columns are set aside, never mixed: 102's business figure (960 min = 16 h) is not used.
    assert set(rows["hours_basis"].dropna()) == {"calendar"}
    assert has(warnings, "set aside: durations are in calendar hours")
    # Good/Bad are answers; Offered means a survey was sent and not answered; Unoffered means none was sent.
    assert rows["csat_satisfied"].tolist()[:4] == [True, False, pd.NA, pd.NA]
    assert rows["csat_offered"].tolist() == [True, True, False, True, pd.NA]
    assert rows["csat_scale"].tolist()[:2] == ["good/bad", "good/bad"]
    assert list(rows.loc["101", "tags"]) == ["billing", "refund"]  # Zendesk tags are space-separated
    assert rows["status"].tolist() == ["closed", "solved", "open", "solved", "pending"]
    assert rows.loc["101", "priority"] == "high" and rows.loc["102", "channel"] == "Web form"


def test_zendesk_duration_without_a_unit_is_asked():
    data = (b"Id,Created at,Solved at,Full resolution time,Status\n"
            b"7,2024-03-04 09:00:00 +0000,2024-03-04 15:00:00 +0000,360,Solved\n")
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, "tickets")
    (q,) = err.value.questions
    assert q.key == "duration_unit:Full resolution time" and "360" in q.detail
    p = prepare_bytes(data, "tickets", answers={q.key: "minutes"})
    assert p.rows["resolution_hours"].tolist() == [6.0] and not any("differs" in w for w in p.warnings)
    # the wrong unit shows against the timestamps (360 h against 6 h): the column is not used.
    p = prepare_bytes(data, "tickets", answers={q.key: "hours"})
    assert p.rows["resolution_hours"].tolist() == [6.0]
    assert has(p.warnings, "'Full resolution time' differs from the difference of the tickets' times by more than "
                           "0.1 h for 1 of 1 tickets")


def test_freshdesk_day_first_and_h_mm_ss_past_24_hours():
    rows, warnings = tickets("freshdesk_tickets.csv")
    # Created 13-03-2024 09:00 (day first: 13 is no month), first response 13-03 09:45.
    assert rows.loc["1", "created_at"] == pd.Timestamp("2024-03-13 09:00")
    assert rows.loc["1", "first_reply_hours"] == pytest.approx(0.75)     # "0:45:00"
    assert rows.loc["1", "resolution_hours"] == pytest.approx(25.5)      # "25:30:00"
    assert rows.loc["2", "resolution_hours"] == pytest.approx(1033.0)    # "1,033:00:00" = 20-03 10:00 → 02-05 11:00
    assert rows.loc["2", "solved_at"] == pd.Timestamp("2024-05-02 11:00")
    # "-" and "?" are nulls, not errors; a ticket waiting on the customer is pending.
    assert pd.isna(rows.loc["4", "first_reply_at"]) and pd.isna(rows.loc["4", "first_reply_hours"])
    assert rows.loc["4", "status"] == "pending" and list(rows.loc["1", "tags"]) == ["login", "sso"]
    assert not has(warnings, "differs")  # the H:MM:SS columns agree with the timestamps


def test_intercom_conversations_ask_the_unit_then_read_epoch_seconds():
    with pytest.raises(NeedsAnswerError) as err:
        tickets("intercom_conversations.csv")
    assert [q.key for q in err.value.questions] == ["duration_unit:statistics.time_to_admin_reply"]
    rows, warnings = tickets("intercom_conversations.csv", **{"duration_unit:statistics.time_to_admin_reply":
                                                               "seconds"})
    assert rows.loc["9001", "created_at"] == pd.Timestamp("2024-03-04 09:00")  # 1709542800
    assert rows.loc["9001", "first_reply_hours"] == pytest.approx(600 / 3600)
    assert rows.loc["9004", "resolution_hours"] == pytest.approx(25.0)  # 1709802000 → 1709892000
    # 9002 was closed, then reopened (state open): it is open, with no solve time.
    assert rows.loc["9002", "status"] == "open" and pd.isna(rows.loc["9002", "solved_at"])
    assert has(warnings, "1 ticket is open again")
    assert rows.loc["9003", "status"] == "pending"  # snoozed
    assert rows["reopens"].tolist() == [1, 1, 0, 0]
    assert rows["csat_satisfied"].tolist() == [True, pd.NA, pd.NA, False]  # 5 and 2 on 1–5
    assert list(rows.loc["9004", "tags"]) == ["bug", "ios"] and list(rows.loc["9002", "tags"]) == []


def test_hubspot_unknown_status_is_asked_and_hh_mm_ss_with_thousands():
    with pytest.raises(NeedsAnswerError) as err:
        tickets("hubspot_tickets.csv")
    assert [q.key for q in err.value.questions] == ["ticket_status:tier 2 review"]
    rows, warnings = tickets("hubspot_tickets.csv", **{"ticket_status:tier 2 review": "open"})
    # "1,234:05:00" = 1,234 h 5 min; 2024-01-01 00:00 → 2024-02-21 10:05 is 51 days 10 h 5 min, the same.
    assert rows.loc["501", "resolution_hours"] == pytest.approx(1234 + 5 / 60)
    assert rows.loc["501", "first_reply_hours"] == pytest.approx(2.5)
    assert has(warnings, "the closed time 'Close date' is used as the solve time")
    assert rows["status"].tolist() == ["closed", "pending", "open", "open"]
    assert rows.loc["501", "customer_id"] == "11"


def test_generic_file_nulls_units_and_day_precision():
    answers = {"duration_unit:first_response": "minutes", "duration_unit:resolution_time": "minutes"}
    with pytest.raises(NeedsAnswerError) as err:
        tickets("generic_tickets.csv")
    assert {q.key for q in err.value.questions} == set(answers)
    rows, warnings = tickets("generic_tickets.csv", **answers)
    assert rows["day_precision"].all() and has(warnings, "day precision")
    assert rows.loc["G1", "resolution_hours"] == pytest.approx(48.0)  # 2,880 minutes
    assert rows.loc["G1", "first_reply_hours"] == pytest.approx(0.5)
    # "?", "-" and "Not Provided" are nulls.
    assert pd.isna(rows.loc["G2", "solved_at"]) and pd.isna(rows.loc["G2", "csat_score"])
    assert rows["escalated"].tolist() == [False, True, False, False]
    assert rows["reopens"].tolist() == [0, 0, 1, 0]
    assert list(rows.loc["G1", "tags"]) == ["a", "b"] and list(rows.loc["G3", "tags"]) == ["urgent"]
    assert rows.loc["G1", "segment"] == "SMB"


def test_business_hours_only_are_labelled_business():
    rows, warnings = tickets("business_hours_tickets.csv")
    assert set(rows["hours_basis"]) == {"business"} and rows["resolution_hours"].tolist() == [5.5, 12.0]
    assert has(warnings, "Only business-hours durations")


def test_event_log_reduced_to_latest_state():
    rows, warnings = tickets("event_log_tickets.csv")
    # T1: new → solved → open → solved (one reopen), final solve 2024-03-02 10:00, 25 h after creation.
    # T2's latest state is deleted: not a ticket. T3's latest by updated_at (11:00) is pending, though the file
    # lists it first.
    assert sorted(rows.index) == ["T1", "T3"]
    assert has(warnings, "8 rows for 3 tickets") and has(warnings, "1 ticket with status 'deleted' is not a ticket")
    assert rows.loc["T1", "solved_at"] == pd.Timestamp("2024-03-02 10:00")
    assert rows.loc["T1", "resolution_hours"] == pytest.approx(25.0) and rows.loc["T1", "reopens"] == 1
    assert rows.loc["T3", "status"] == "pending" and rows.loc["T3", "reopens"] == 0


def test_day_month_ambiguity_is_asked():
    data = b"ticket_id,created,solved\n1,03/04/2024 09:00,03/05/2024 09:00\n2,04/04/2024 10:00,05/04/2024 10:00\n"
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, "tickets")
    assert {q.key for q in err.value.questions} == {"date_order:created", "date_order:solved"}
    p = prepare_bytes(data, "tickets", answers={"date_order:created": "day_first", "date_order:solved": "day_first"})
    # day first: 1 runs 3 April → 3 May = 30 days = 720 h.
    assert p.rows["resolution_hours"].tolist() == pytest.approx([720.0, 24.0])


def test_a_few_times_out_of_order_leave_out_only_those():
    rows = "".join(f"{i},2024-03-{i:02d} 09:00,2024-03-{i:02d} 10:00\n" for i in range(1, 21))
    data = ("ticket_id,created_at,solved_at\n" + rows + "21,2024-03-21 09:00,2024-03-21 08:00\n").encode()
    p = prepare_bytes(data, "tickets")
    # 1 of 21 (4.8 % ≤ 5 %): only ticket 21 loses its duration; the other 20 are 1 h each.
    assert p.rows["resolution_hours"].isna().sum() == 1 and p.rows["resolution_hours"].sum() == pytest.approx(20.0)
    assert has(p.warnings, "1 ticket has times out of order in 'created_at', 'solved_at': its durations")


def test_negative_duration_cells_are_left_out():
    data = b"ticket_id,created_at,resolution time in hours\n1,2024-03-01 09:00,5\n2,2024-03-02 09:00,-3\n"
    p = prepare_bytes(data, "tickets")
    assert p.rows["resolution_hours"].tolist() == pytest.approx([5.0, float("nan")], nan_ok=True)
    assert has(p.warnings, "1 negative durations")


def test_no_id_or_no_time_is_refused():
    with pytest.raises(MissingColumnError):
        prepare_bytes(b"subject,created_at\nHelp,2024-03-01\n", "tickets")
    with pytest.raises(MissingColumnError):
        prepare_bytes(b"ticket_id,subject\n1,Help\n", "tickets")


def test_satisfaction_scales():
    head = b"ticket_id,created_at,status,satisfaction\n"
    five = head + b"1,2024-03-01 09:00,solved,5\n2,2024-03-02 09:00,solved,3\n"
    p = prepare_bytes(five, "tickets")  # 1–5 proposed (all within 1–5), stated in the warnings
    assert p.answers == {"csat_scale:satisfaction": "1-5"} and has(p.warnings, "1–5 scale")
    assert p.rows["csat_satisfied"].tolist() == [True, False]
    seven = head + b"1,2024-03-01 09:00,solved,6\n2,2024-03-02 09:00,solved,7\n"
    with pytest.raises(NeedsAnswerError):  # 6 and 7: a 1–7 or a 1–10 scale? asked, not guessed
        prepare_bytes(seven, "tickets")
    p = prepare_bytes(seven, "tickets", answers={"csat_scale:satisfaction": "1-10"})
    assert p.rows["csat_satisfied"].tolist() == [False, False]  # 9–10 are the top two boxes of 10
    # 30 ratings (MIN_RESPONSES), 1 to 7 and none above: a 1–10 scale is implausible, so 1–7 is read and stated
    many = head + b"".join(b"%d,2024-03-01 09:00,solved,%d\n" % (i, 1 + i % 7) for i in range(30))
    p = prepare_bytes(many, "tickets")
    assert p.answers == {"csat_scale:satisfaction": "1-7"} and has(p.warnings, "1–7 scale")
    assert p.rows["csat_satisfied"].sum() == 8  # 6 and 7: i % 7 in (5, 6) for i < 30 is 4 + 4
    with pytest.raises(NeedsAnswerError):  # 29 of them: asked again
        prepare_bytes(head + b"".join(many.splitlines(keepends=True)[1:30]), "tickets")
    nps_like = head + b"1,2024-03-01 09:00,solved,0\n2,2024-03-02 09:00,solved,10\n"
    with pytest.raises(NeedsAnswerError):  # 0 is on no CSAT scale: likely likelihood to recommend
        prepare_bytes(nps_like, "tickets")


def test_ticket_satisfaction_reads_cells_as_the_csat_kind_does():
    """One reading for both kinds (scales.py): "4/5" and "★★★★☆" are 4, "2 stars" is 2; "Good, with comment" is
    Good. Before, tickets read digits only (refusing the rest by row) and words by exact match."""
    head = b"ticket_id,created_at,status,satisfaction\n"
    scored = head + ("1,2024-03-01 09:00,solved,4/5\n2,2024-03-02 09:00,solved,★★★★☆\n"
                     "3,2024-03-03 09:00,solved,2 stars\n").encode()
    p = prepare_bytes(scored, "tickets")
    assert p.rows["csat_score"].tolist() == [4, 4, 2] and p.rows["csat_satisfied"].tolist() == [True, True, False]
    worded = head + b'1,2024-03-01 09:00,solved,"Good, with comment"\n2,2024-03-02 09:00,solved,Offered\n'
    p = prepare_bytes(worded, "tickets")
    assert p.rows["csat_satisfied"].tolist() == [True, pd.NA] and p.rows["csat_offered"].tolist() == [True, True]


def test_who_was_offered_a_survey_is_known_only_from_offered_words():
    """Freshdesk writes 'Awesome' / 'Not Good' and leaves unrated tickets empty: every rated ticket was taken as
    offered, so the response rate was 2 of 2, 100%, for 2 ratings of 4 solved tickets. Without Offered / Unoffered
    words nobody's offer is known (NULL), and the rate falls back to solved tickets. Zendesk's numeric ratings
    beside 'Offered' were refused ('Offered' is not a whole-number score): Offered is asked, not answered."""
    head = b"ticket_id,created_at,status,satisfaction\n"
    freshdesk = head + (b"1,2024-03-01 09:00,solved,Awesome\n2,2024-03-02 09:00,solved,Not Good\n"
                        b"3,2024-03-03 09:00,solved,\n4,2024-03-04 09:00,solved,\n")
    p = prepare_bytes(freshdesk, "tickets")
    assert p.rows["csat_satisfied"].tolist() == [True, False, pd.NA, pd.NA]
    assert p.rows["csat_offered"].isna().all()
    zendesk = head + (b"1,2024-03-01 09:00,solved,5\n2,2024-03-02 09:00,solved,Offered\n"
                      b"3,2024-03-03 09:00,solved,2\n4,2024-03-04 09:00,solved,Unoffered\n"
                      b"5,2024-03-05 09:00,solved,Offered\n6,2024-03-06 09:00,solved,Offered\n")
    p = prepare_bytes(zendesk, "tickets")
    assert p.rows["csat_score"].tolist() == [5, pd.NA, 2, pd.NA, pd.NA, pd.NA]
    assert p.rows["csat_offered"].tolist() == [True, True, True, False, True, True]


def test_intercom_resolution_runs_to_the_last_close_not_the_first():
    """Conversation 2 closed after 1 h, was reopened and closed again 131 h after it began: its time to *first*
    close (3,600 s) was read as its resolution, 1 h for 131 h. Beside the last-close time that duration is not read:
    resolution is created → last close."""
    head = b"id,created_at,state,statistics.first_close_at,statistics.last_close_at,statistics.time_to_first_close\n"
    rows = b"1,1709283600,closed,1709290800,1709290800,7200\n2,1709287200,closed,1709290800,1709758800,3600\n"
    p = prepare_bytes(head + rows, "tickets")
    assert "resolution_time" not in p.mapping and p.mapping["solved_at"] == "statistics.last_close_at"
    hours = (p.rows["solved_at"] - p.rows["created_at"]).dt.total_seconds() / 3600
    assert hours.tolist() == [2.0, 131.0]


def test_a_duration_header_saying_mm_ss_reads_minutes_and_seconds():
    """'First response time (mm:ss)' = 4:28 is 4 min 28 s; read as hours:minutes it was 4.47 h (60× too long)."""
    data = (b"Ticket id,Created,Closed,Status,First response time (mm:ss)\n60001,2024-03-01 09:00,2024-03-01 11:00,"
            b"closed,1:35\n60002,2024-03-02 09:00,2024-03-02 12:00,closed,4:28\n60003,2024-03-03 09:00,"
            b"2024-03-03 10:00,closed,1:02:00\n")
    p = prepare_bytes(data, "tickets")
    assert p.mapping["first_reply_time"] == "First response time (mm:ss)"
    # 1:35 and 4:28 as minutes:seconds; three parts stay h:mm:ss (1:02:00)
    assert [round(h * 3600) for h in p.rows["first_reply_hours"]] == [95, 268, 3720]
    assert has(p.warnings, "read as minutes:seconds")


def test_salesforce_and_gorgias_headers_map_to_their_times():
    """Salesforce's report export has a 0/1 'Closed' checkbox beside 'Closed Date': the checkbox was mapped as the
    closed time and the file refused ('1' is not a time). Gorgias writes '…_datetime' and
    'satisfaction_survey_score', none of them mapped (its 15 ratings read as "no satisfaction answers")."""
    sf = detect_mapping("tickets", ["Case Number", "Account Name", "Status", "Created Date", "Closed Date", "Closed"])
    assert (sf["closed_at"], sf["customer_id"]) == ("Closed Date", "Account Name")
    gg = detect_mapping("tickets", ["id", "customer_email", "created_datetime", "opened_datetime",
                                    "first_response_datetime", "closed_datetime", "satisfaction_survey_score"])
    assert (gg["created_at"], gg["first_reply_at"], gg["closed_at"], gg["satisfaction"]) == (
        "created_datetime", "first_response_datetime", "closed_datetime", "satisfaction_survey_score")
    # Jira Service Management's request export: the customer organisations, in the plural
    jira = detect_mapping("tickets", ["Issue key", "Organizations", "Reporter", "Created", "Resolved", "Status"])
    assert jira["customer_id"] == "Organizations"


def test_a_ticket_time_zone_that_moves_it_to_another_month_is_said():
    """Gorgias writes -05:00 times: a ticket created at 21:00 on 31 March in New York is 1 April in UTC, in which
    every date is read (it counts as created in April). Said, as for other dates."""
    data = b"id,created_datetime,status\n1,2024-03-31T21:00:00-05:00,open\n2,2024-03-30T09:00:00-05:00,open\n"
    p = prepare_bytes(data, "tickets")
    assert p.rows["created_at"].dt.strftime("%Y-%m-%d").tolist() == ["2024-04-01", "2024-03-30"]
    assert ("1 timestamp in 'created_datetime' carries a time zone that puts it on another day in UTC, in which every "
            "date is read: '2024-03-31T21:00:00-05:00' is 1 April 2024. Months and periods follow the UTC dates."
            ) in p.warnings


def test_a_close_date_without_a_time_is_not_out_of_order_on_the_day_of_creation():
    """HubSpot: 'Create date' has times, 'Close date' only dates. A ticket created at 09:00 and closed that day read
    as closed before it was created (midnight), 7 of 14 such made every duration untrusted, and the export's own
    'Time to close' (within a day of the dates) was refused for the midnight-based times: 15 h median read 1.2 h."""
    data = (b"Ticket ID,Create date,Close date,Time to close (HH:mm:ss)\n1,2024-03-01 09:00,2024-03-01,00:30:00\n"
            b"2,2024-03-02 09:17,2024-03-03,26:00:00\n3,2024-03-04 10:00,2024-03-04,03:00:00\n")
    p = prepare_bytes(data, "tickets")
    assert p.rows["resolution_hours"].tolist() == [0.5, 26.0, 3.0]
    assert not has(p.warnings, "out of order") and not has(p.warnings, "differs from")


def test_an_empty_duration_column_asks_nothing():
    p = prepare_bytes(b"ticket_id,created_at,resolution_time\n1,2024-03-01 09:00,\n", "tickets")
    assert p.questions == [] and p.rows["resolution_hours"].isna().all()


def test_business_hours_only_summary_says_why_times_are_null():
    import datetime as dt

    from metrics import service
    from metrics.service_schema import insert_tickets
    from metrics.store import Workspace
    from metrics.view import View

    ws = Workspace(":memory:")
    insert_tickets(ws.cursor(), 1, prepare_file(FIX / "business_hours_tickets.csv", "tickets").rows)
    s = service.summary(ws.cursor(), View(1, dt.date(2024, 3, 1), dt.date(2024, 3, 1)), 1)
    assert s["resolution_hours"] == {"median": None, "p90": None, "n": 0}
    assert any("business hours only" in n for n in s["notes"])
    business = service.durations(ws.cursor(), View(1, dt.date(2024, 3, 1), dt.date(2024, 3, 1)), 1, "resolution",
                                 basis="business")
    assert business["median"] == pytest.approx((5.5 + 12) / 2)  # labelled business, on request only
    ws.close()


def test_stored_version_stats():
    from metrics.service_schema import insert_tickets, ticket_version_stats
    from metrics.store import Workspace

    ws = Workspace(":memory:")
    insert_tickets(ws.cursor(), 3, tickets_prepared := prepare_file(FIX / "zendesk_tickets.csv", "tickets").rows)
    stats = ticket_version_stats(ws.cursor(), 3)
    # 101–104, 106: customers Acme, Beta, Gamma; created 2024-03-04 … 2024-03-10; open 103, pending 106.
    assert stats == {"tickets": 5, "customers": 3, "first_created": pd.Timestamp("2024-03-04").date(),
                     "last_created": pd.Timestamp("2024-03-10").date(), "unsolved": 2}
    assert len(tickets_prepared) == 5
    ws.close()


def test_a_blank_status_follows_the_solve_time():
    data = (b"ticket_id,created_at,solved_at,status\n1,2024-03-01 09:00,2024-03-01 10:00,\n"
            b"2,2024-03-02 09:00,,\n3,2024-03-03 09:00,,Pending\n")
    p = prepare_bytes(data, "tickets")
    assert p.rows["status"].tolist() == ["solved", "open", "pending"]
    assert has(p.warnings, "2 tickets without a status")


def test_zendesk_csat_response_rate_is_over_offered_surveys():
    import datetime as dt

    from metrics import service
    from metrics.service_schema import insert_tickets
    from metrics.store import Workspace
    from metrics.view import View

    ws = Workspace(":memory:")
    insert_tickets(ws.cursor(), 1, prepare_file(FIX / "zendesk_tickets.csv", "tickets").rows)
    c = service.csat(ws.cursor(), View(1, dt.date(2024, 3, 1), dt.date(2024, 3, 1)), 1)
    # answers: 101 Good, 102 Bad → 1 of 2 = 50 %; offered: 101, 102, 104 (Offered, unanswered) → 2 ÷ 3.
    # 103 Unoffered (no survey sent) and 106 blank count in neither.
    assert (c["satisfied"], c["n"]) == (1, 2) and c["value"] == pytest.approx(50.0)
    assert c["response_basis"] == "offered" and c["response_rate"] == pytest.approx(2 / 3)
    assert c["mean"] is None and c["scales"] == ["good/bad"]  # no mean of Good/Bad
    ws.close()


def test_a_duration_longer_than_twenty_years_is_a_broken_cell_left_out():
    # 300 nines in a first reply time were stored as 1.7e298 hours; 175,320 hours (20 years) is the most kept
    data = (b"ticket_id,created_at,first reply time in hours\n1,2024-03-01 09:00,5\n2,2024-03-02 09:00,"
            + b"9" * 300 + b"\n3,2024-03-03 09:00,175320\n4,2024-03-04 09:00,175321\n")
    p = prepare_bytes(data, "tickets")
    assert p.rows["first_reply_hours"].tolist() == pytest.approx([5.0, float("nan"), 175320.0, float("nan")],
                                                                 nan_ok=True)
    assert has(p.warnings, "2 durations in 'first reply time in hours' are longer than 20 years (175,320 hours)")


def test_day_precision_is_per_measure_and_per_ticket():
    """A duration from the export's own column is as exact as the column, even beside whole-day dates (RavenStack
    gives dates and a minutes column); one computed from a date is whole days. Only the second is noted."""
    import datetime as dt

    from metrics import service
    from metrics.service_schema import insert_tickets
    from metrics.store import Workspace
    from metrics.view import View

    data = (b"ticket_id,customer_id,created,first_reply_at,solved,status,first_response_minutes\n"
            b"T1,C1,2024-03-01,2024-03-01,2024-03-03,solved,30\n"   # reply from the minutes column: exact
            b"T2,C2,2024-03-02,2024-03-03,2024-03-04,solved,\n"     # no minutes: the dates give 24 h, whole days
            b"T3,C2,2024-03-05,,,open,\n")
    p = prepare_bytes(data, "tickets")
    rows = p.rows.set_index("ticket_id")
    assert rows["first_reply_hours"].tolist() == pytest.approx([0.5, 24.0, float("nan")], nan_ok=True)
    assert rows["first_reply_day_precision"].tolist() == [False, True, False]
    assert rows["resolution_hours"].tolist() == pytest.approx([48.0, 48.0, float("nan")], nan_ok=True)
    assert rows["resolution_day_precision"].tolist() == [True, True, False]  # solved − created, both dates
    assert rows["day_precision"].all() and has(p.warnings, "day precision")

    ws = Workspace(":memory:")
    insert_tickets(ws.cursor(), 1, p.rows)
    view = View(1, dt.date(2024, 3, 1), dt.date(2024, 3, 1))
    assert service.durations(ws.cursor(), view, 1, "first_response")["day_precision"]  # T2's 24 h is whole days
    assert service.durations(ws.cursor(), view, 1, "resolution")["day_precision"]
    # without T2, the first response times all come from the minutes column: no day-precision note for them
    insert_tickets(ws.cursor(), 2, p.rows[p.rows["ticket_id"] != "T2"])
    s = service.summary(ws.cursor(), view, 2)
    assert not service.durations(ws.cursor(), view, 2, "first_response")["day_precision"]
    notes = [n for n in s["notes"] if "day precision" in n]
    assert len(notes) == 1 and notes[0].startswith("resolution_hours"), s["notes"]
    ws.close()


def test_a_workspace_stored_before_the_per_measure_flags_reads_day_precision_for_both(tmp_path):
    """Tickets stored before the two columns existed: opening the workspace adds them (NULL), and the old flag
    stands for both measures there, as it did when those tickets were stored."""
    import datetime as dt

    import duckdb

    from metrics import service
    from metrics.service_schema import insert_tickets
    from metrics.store import Workspace
    from metrics.view import View

    path = tmp_path / "old.duckdb"
    ws = Workspace(path)
    insert_tickets(ws.cursor(), 1, prepare_file(FIX / "generic_tickets.csv", "tickets", answers={
        "duration_unit:first_response": "minutes", "duration_unit:resolution_time": "minutes"}).rows)
    ws.close()
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE tickets DROP COLUMN first_reply_day_precision")
    con.execute("ALTER TABLE tickets DROP COLUMN resolution_day_precision")
    con.close()
    ws = Workspace(path)
    view = View(1, dt.date(2024, 3, 1), dt.date(2024, 3, 1))
    assert service.durations(ws.cursor(), view, 1, "resolution") == {
        "median": pytest.approx((48.0 + 10.0) / 2), "p90": pytest.approx(10.0 + 0.9 * 38.0), "n": 2,
        "day_precision": True}
    ws.close()


def test_help_scout_month_name_times_are_read_not_a_crash():
    """Help Scout writes "Feb 16, 2026 01:44 PM": a format with a day but no numeric month has no day-first twin,
    and looking one up crashed the loader (KeyError: '%b %m, %Y %I:%M %p')."""
    p = prepare_bytes(b'Conversation ID,Customer,Status,Created At,Closed At\n'
                      b'1800000000,Umbrella,closed,"Feb 16, 2026 01:44 PM","Feb 16, 2026 07:44 PM"\n'
                      b'1800000001,Acme,closed,"Jun 14, 2026 05:36 AM","Jun 16, 2026 09:36 PM"\n', "tickets")
    rows = p.rows.set_index("ticket_id")
    assert rows["resolution_hours"].tolist() == pytest.approx([6.0, 64.0])
    assert rows.loc["1800000001", "created_at"] == pd.Timestamp("2026-06-14 05:36")


def test_three_point_satisfaction_words_and_tool_headers():
    """Freshdesk's Awesome / Neutral / Not Good and Help Scout's Great / Okay / Not Good are answers (refused
    before: 45% of a Freshdesk file's rows); the top word is satisfied, a neutral one not, and the file says so.
    Jira's 'Issue key' is the ticket id and Intercom's 'Last closed at' the solve time (both unmapped before)."""
    p = prepare_bytes(b"Issue key,Organization,Created,Last closed at,Status,Happiness Rating\n"
                      b"SD-1,Acme,2026-03-01 09:00,2026-03-01 12:00,closed,Great\n"
                      b"SD-2,Acme,2026-03-02 09:00,2026-03-02 10:00,closed,Okay\n"
                      b"SD-3,Beta,2026-03-03 09:00,2026-03-04 09:00,closed,Not Good\n"
                      b"SD-4,Beta,2026-03-04 09:00,2026-03-04 09:30,closed,Awesome\n"
                      b"SD-5,Beta,2026-03-05 09:00,,open,\n", "tickets")
    assert p.mapping["ticket_id"] == "Issue key" and p.mapping["solved_at"] == "Last closed at"
    assert p.mapping["satisfaction"] == "Happiness Rating"
    rows = p.rows.set_index("ticket_id")
    assert rows["csat_satisfied"].tolist()[:4] == [True, False, False, True] and pd.isna(rows.loc["SD-5",
                                                                                             "csat_satisfied"])
    assert rows["resolution_hours"].tolist()[:4] == pytest.approx([3.0, 1.0, 24.0, 0.5])
    assert has(p.warnings, "1 answers are neutral (Neutral, Okay …): CSAT counts them as not satisfied")


def test_a_milliseconds_header_is_milliseconds():
    """Kustomer's "First Response Time (Milliseconds)": 1,800,000 ms is 0.5 h (read as seconds: 500 h, as the
    header holds "second")."""
    data = (b"Conversation ID,Created At,Status,First Response Time (Milliseconds)\n"
            b"c1,2024-03-04T09:00:00Z,open,1800000\nc2,2024-03-05T09:00:00Z,open,7200000\n")
    p = prepare_bytes(data, "tickets", mapping={"ticket_id": "Conversation ID", "created_at": "Created At",
                                                "status": "Status",
                                                "first_reply_time": "First Response Time (Milliseconds)"})
    assert p.rows["first_reply_hours"].tolist() == pytest.approx([0.5, 2.0])


def test_decimal_comma_durations_of_a_german_export():
    """Zendesk Explore in German: 0,250 / 2,750 / 1,000 hours. '0,250' cannot be a thousands group, so the column
    writes decimal commas: 0.25, 2.75, 1.0 h (before: 250, 2,750 and 1,000 h, a thousand times off)."""
    data = (b"Ticket-ID;Erstellt;Erste Antwortzeit (Std.)\n"
            b"101;2024-03-04 09:00;0,250\n102;2024-03-05 10:00;2,750\n103;2024-03-06 08:00;1,000\n")
    # '(Std.)' says Stunden: hours, not asked
    p = prepare_bytes(data, "tickets", mapping={"ticket_id": "Ticket-ID", "created_at": "Erstellt",
                                                "first_reply_time": "Erste Antwortzeit (Std.)"})
    assert p.rows.sort_values("ticket_id")["first_reply_hours"].tolist() == pytest.approx([0.25, 2.75, 1.0])


def test_a_thousands_dot_in_durations_is_asked():
    """Whole minutes written 1.230 and 2.880 (German): a decimal point or a thousands separator cannot be told from
    the values, so it is asked (read as 1.23 minutes before: 0.02 h for 20.5 h)."""
    data = (b"Ticket ID,Created,Reply minutes\n1,2024-03-04 09:00,1.230\n2,2024-03-05 10:00,2.880\n"
            b"3,2024-03-06 08:00,95\n")
    options = {"mapping": {"ticket_id": "Ticket ID", "created_at": "Created", "first_reply_time": "Reply minutes"},
               "answers": {"duration_unit:Reply minutes": "minutes"}}
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, "tickets", **options)
    assert [q.key for q in err.value.questions] == ["thousands_dot:Reply minutes"]
    assert "durations" in err.value.questions[0].prompt
    options["answers"]["thousands_dot:Reply minutes"] = "thousands"
    p = prepare_bytes(data, "tickets", **options)
    assert p.rows.sort_values("ticket_id")["first_reply_hours"].tolist() == pytest.approx([20.5, 48.0, 95 / 60])


def test_freshservice_resolved_date_and_survey_result():
    """Freshservice: 'Resolved Date' is the solve (not 'Closed Date', days later), 'Survey Result' the rating."""
    data = (b"Ticket Id,Status,Created Date,Resolved Date,Closed Date,Survey Result\n"
            b"INC-1,Closed,2024-03-04 09:00:00,2024-03-04 13:00:00,2024-03-07 13:00:00,Extremely Satisfied\n"
            b"INC-4,Closed,2024-03-12 12:00:00,2024-03-12 14:00:00,2024-03-15 14:00:00,Not Satisfied\n"
            b"INC-5,Resolved,2024-03-20 09:00:00,2024-03-21 09:00:00,,\n")
    p = prepare_bytes(data, "tickets")
    rows = p.rows.set_index("ticket_id")
    assert rows["resolution_hours"].tolist() == pytest.approx([4.0, 2.0, 24.0])
    assert rows["csat_satisfied"].tolist()[:2] == [True, False]


def test_an_event_log_keeps_the_first_reply_duration_and_the_latest_rating():
    """One row per ticket update: the first reply's duration sits on the earliest row that has one, the rating on the
    solve row, and a later automatic update leaves both blank. Read from the latest row alone, both were lost."""
    data = (b"Ticket ID,Created At,Updated At,Status,First reply (seconds),Satisfaction\n"
            b"k1,2024-03-04T09:00:00Z,2024-03-04T09:00:00Z,open,,\n"
            b"k1,2024-03-04T09:00:00Z,2024-03-04T10:00:00Z,open,3600,\n"
            b"k1,2024-03-04T09:00:00Z,2024-03-04T12:00:00Z,solved,,5\n"
            b"k1,2024-03-04T09:00:00Z,2024-03-06T12:00:00Z,solved,,\n"
            b"k2,2024-03-05T09:00:00Z,2024-03-05T09:30:00Z,open,1800,\n"
            b"k2,2024-03-05T09:00:00Z,2024-03-05T11:00:00Z,solved,,2\n")
    p = prepare_bytes(data, "tickets", mapping={"updated_at": "Updated At", "first_reply_time": "First reply (seconds)",
                                                "satisfaction": "Satisfaction"},
                      answers={"csat_scale:Satisfaction": "1-5"})
    rows = p.rows.set_index("ticket_id").sort_index()
    assert rows["first_reply_hours"].tolist() == pytest.approx([1.0, 0.5])
    assert rows["csat_score"].tolist() == [5, 2] and rows["csat_satisfied"].tolist() == [True, False]
