"""Help-desk and survey exports of session 25, written here in each tool's layout (its header names, status words
and value formats, from the tool's documentation or public code that reads its files). Figures worked out by hand."""

import pytest
from conftest import prepare_bytes

from metrics.errors import NeedsAnswerError

# Zoho Desk's ticket export: 'Request Id', day-first times ('13/10/2026 09:00'), 'Number of Reopen', 'Happiness
# Rating' and durations 'in Business Hours' that hold milliseconds (108960000 is 30.3 h)
ZOHO_BUSINESS = (
    "Request Id,Subject,Status,Created Time,First Response Time in Business Hours,"
    "Resolution Time in Business Hours,Number of Reopen,Happiness Rating\n"
    "101,Login fails,Closed,13/10/2026 09:00,1800000,14400000,0,Good\n"
    "102,Billing wrong,Closed,14/10/2026 10:00,60000,108960000,1,Bad\n"
    "103,SSO question,On Hold,03/11/2026 09:00,,,0,\n")
MS = {"duration_unit:First Response Time in Business Hours": "milliseconds",
      "duration_unit:Resolution Time in Business Hours": "milliseconds"}


def test_zoho_desk_business_hours_columns_are_not_in_hours():
    """'in Business Hours' names the clock, not the unit: read as hours, a 1-minute first response (60000 ms) was
    stored as 60,000 business hours, and the others (over 20 years) left out. A median above 1,000 hours is no
    count of hours: the unit is asked (no proposal; 'Resolution time (business hours)' of 5.5 stays hours); as
    milliseconds: first replies 0.5 h and 1 min, resolutions 4 h and 30.27 h (108960000 / 3600000)."""
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(ZOHO_BUSINESS.encode(), kind="tickets")
    qs = {q.key: q for q in asked.value.questions}
    assert set(MS) <= set(qs) and all(qs[k].must_confirm and qs[k].proposal is None for k in MS)
    assert all("Zoho Desk writes milliseconds" in qs[k].detail for k in MS)
    t = prepare_bytes(ZOHO_BUSINESS.encode(), kind="tickets", answers=MS).rows.set_index("ticket_id")
    assert list(t.index) == ["101", "102", "103"]
    assert list(t.first_reply_hours.fillna(-1).round(4)) == [0.5, round(1 / 60, 4), -1]
    assert list(t.resolution_hours.fillna(-1).round(4)) == [4.0, 30.2667, -1]
    assert list(t.hours_basis.fillna("-")) == ["business", "business", "-"]
    assert list(t.status) == ["closed", "closed", "hold"]
    assert list(t.reopens) == [0, 1, 0]
    assert list(t.csat_satisfied.astype(object).fillna("-")) == [True, False, "-"]


ZOHO_WITH_CLOSE = (
    "Request Id,Status,Created Time,Ticket Closed Time,First Response Time in Business Hours,"
    "Resolution Time in Business Hours\n"
    "101,Closed,13/10/2026 09:00,13/10/2026 13:00,1800000,14400000\n"
    "102,Closed,14/10/2026 10:00,16/10/2026 12:00,60000,7200000\n"
    "103,Open,03/11/2026 09:00,,,\n")


def test_zoho_desk_business_columns_beside_the_close_time_are_set_aside_unasked():
    """With 'Ticket Closed Time' the resolution is calendar time from the times (4 h, 50 h) and the business-hours
    columns are set aside, said; their unit is not asked (they are not read)."""
    p = prepare_bytes(ZOHO_WITH_CLOSE.encode(), kind="tickets")
    t = p.rows.set_index("ticket_id")
    assert list(t.resolution_hours.fillna(-1)) == [4.0, 50.0, -1]
    assert list(t.hours_basis.fillna("-")) == ["calendar", "calendar", "-"]
    assert any("set aside" in w for w in p.warnings)


ZOHO_WORDS = (
    "Ticket Id,Status,Created Time,Ticket Closed Time,First Response Time,Resolution Time\n"
    "101,Closed,13/10/2026 09:00,13/10/2026 13:00,30 mins,4 hrs\n"
    "102,Closed,14/10/2026 10:00,16/10/2026 13:30,1 hrs 15 mins,2 days 3 hrs 30 mins\n"
    "103,Closed,15/10/2026 09:00,15/10/2026 09:45,45 mins,45 mins\n"
    "104,Open,03/11/2026 09:00,,,\n")


def test_zoho_desk_durations_written_with_their_units():
    """'2 days 3 hrs 30 mins' was no number: the unit was asked for a column that writes its units, then the file
    refused. Each cell is read by its own units. Hand: first replies 0.5, 1.25, 0.75 h; resolutions 4, 51.5, 0.75 h
    (they agree with the times: 13:00-09:00, 16th 13:30-14th 10:00, 09:45-09:00)."""
    p = prepare_bytes(ZOHO_WORDS.encode(), kind="tickets")
    t = p.rows.set_index("ticket_id")
    assert list(t.first_reply_hours.fillna(-1)) == [0.5, 1.25, 0.75, -1]
    assert list(t.resolution_hours.fillna(-1)) == [4.0, 51.5, 0.75, -1]
    assert any("units written in each cell" in w for w in p.warnings)


def test_zoho_desk_hh_mm_with_hrs_is_hours_and_minutes():
    """'26:30 hrs' is 26 h 30 min (H:MM with its unit written), not a number in an asked unit."""
    text = ZOHO_WORDS.replace("30 mins,4 hrs", "00:30 hrs,04:00 hrs").replace(
        "1 hrs 15 mins,2 days 3 hrs 30 mins", "01:15 hrs,51:30 hrs").replace("45 mins,45 mins", "00:45 hrs,00:45 hrs")
    t = prepare_bytes(text.encode(), kind="tickets").rows
    assert list(t.first_reply_hours.fillna(-1)) == [0.5, 1.25, 0.75, -1]
    assert list(t.resolution_hours.fillna(-1)) == [4.0, 51.5, 0.75, -1]


def test_a_word_duration_column_with_a_bare_number_is_refused_not_guessed():
    """A bare '90' among cells that write their units says no unit: refused (the row named), never read as hours."""
    text = ZOHO_WORDS.replace("45 mins,45 mins", "45 mins,90")
    with pytest.raises(Exception, match="written with their units"):
        prepare_bytes(text.encode(), kind="tickets")


def surveymonkey(answers: list[int]) -> bytes:
    """SurveyMonkey's 'All responses data' CSV: two header rows (question text over 'Response'), Respondent ID,
    Collector ID, Start Date, End Date, Custom Data 1 (as in tests/ingest/test_survey_tool_exports.py)."""
    rows = "".join(f"1181{i:08d},431,03/{14 + i}/2026 10:11:12 AM,03/{14 + i}/2026 10:15:00 AM,C-{i:03d},{a}\n"
                   for i, a in enumerate(answers))
    return ("Respondent ID,Collector ID,Start Date,End Date,Custom Data 1,"
            '"How likely is it that you would recommend this company to a friend or colleague?"\n'
            ",,,,,Response\n" + rows).encode()


NPS_Q = "scale:How likely is it that you would recommend this company to a friend or colleague?"


def nps(scores) -> float:
    scores = list(scores)
    return round(100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores), 1)


def test_surveymonkey_choice_positions_without_a_zero_are_asked():
    """The 'Numerical Value' export numbers the 0–10 choices 1–11. Answers 10, 10, 9, 8, 2, 7, 1 (no 0, no 11)
    were read as 0–10 unasked: NPS +14.3 (3 promoters, 2 detractors); as positions they are the answers 9, 9, 8,
    7, 1, 6, 0: NPS −14.3. Asked (must confirm, SurveyMonkey's numbering said); confirmed as 0–10, stored as
    written."""
    data = surveymonkey([10, 10, 9, 8, 2, 7, 1])
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(data, kind="nps")
    q = next(q for q in asked.value.questions if q.key == NPS_Q)
    assert q.must_confirm and q.proposal == "0-10" and "Numerical Value" in q.detail
    rows = prepare_bytes(data, kind="nps", answers={NPS_Q: "0-10"}).rows
    assert list(rows.score) == [10, 10, 9, 8, 2, 7, 1] and nps(rows.score) == 14.3


def test_surveymonkey_choice_positions_up_to_eleven_are_refused():
    """Answers 1 to 11 are choice positions: refused, saying to export the answer text (was: 'outside 0–10')."""
    with pytest.raises(Exception, match="Actual Answer Text"):
        prepare_bytes(surveymonkey([11, 10, 9, 8, 1, 7, 11]), kind="nps")


def test_surveymonkey_answer_text_with_a_zero_is_read_unasked():
    """Answers that include 0 are the answers themselves: 10, 9, 0, 8, 6 -> NPS 0 (2 promoters, 2 detractors)."""
    rows = prepare_bytes(surveymonkey([10, 9, 0, 8, 6]), kind="nps").rows
    assert list(rows.score) == [10, 9, 0, 8, 6] and nps(rows.score) == 0.0


# A Salesforce Service Cloud case report (US locale): 'Opened Date' / 'Closed Date' are dates, 'Date/Time Opened' /
# 'Date/Time Closed' times, 'Closed' a 0/1 checkbox; default statuses New, Working, Escalated, Closed
SF_HEAD = ("Case Number,Case Owner,Subject,Status,Priority,Case Origin,Account Name,Opened Date,Closed Date,"
           "Date/Time Opened,Date/Time Closed,Closed\n")
SF_ROWS = (
    "00001001,Bob Agent,Login fails,Closed,Low,Email,Acme,10/5/2026,10/5/2026,10/5/2026 9:00 AM,10/5/2026 1:00 PM,1\n"
    "00001002,Bob Agent,Billing wrong,Closed,High,Phone,Beta,10/13/2026,10/15/2026,10/13/2026 10:00 AM,"
    "10/15/2026 12:00 PM,1\n"
    "00001003,Cy Agent,Export broken,Closed,High,Web,Gamma,10/20/2026,10/23/2026,10/20/2026 8:00 AM,"
    "10/23/2026 8:00 AM,1\n"
    "00001004,Cy Agent,SSO question,Working,Low,Web,Acme,11/3/2026,,11/3/2026 9:00 AM,,0\n")
WORKING = {"ticket_status:working": "open"}  # the org's own picklist word: asked (tests/ingest/test_s22_ticket_exports)


def test_salesforce_case_report_closes_at_date_time_closed_not_closed_date():
    """'Closed Date' (a date) was taken before 'Date/Time Closed': resolutions -9 h, 38 h, 64 h (midnight minus the
    opening time). Hand: 4 h, 50 h, 72 h, exact ('Working' is the org's own word: asked, answered open)."""
    t = prepare_bytes((SF_HEAD + SF_ROWS).encode(), kind="tickets", answers=WORKING).rows.set_index("ticket_id")
    assert list(t.resolution_hours.fillna(-1)) == [4.0, 50.0, 72.0, -1]
    assert not t.resolution_day_precision.any()
    assert list(t.status) == ["closed", "closed", "closed", "open"]
    assert list(t.customer_id) == ["Acme", "Beta", "Gamma", "Acme"]


def test_a_close_date_beside_a_timed_opening_is_whole_days_never_negative():
    """With only 'Closed Date' (no time) the resolution is whole days from date to date: 0, 48, 72 h, day precision
    (was -9, 38, 64 h: a negative resolution in the median)."""
    lines = [line.split(",") for line in (SF_HEAD + SF_ROWS).splitlines()]
    data = "".join(",".join(cells[:10] + cells[11:]) + "\n" for cells in lines).encode()  # no 'Date/Time Closed'
    assert "Date/Time Closed" not in data.decode()
    t = prepare_bytes(data, kind="tickets", answers=WORKING).rows.set_index("ticket_id")
    assert list(t.resolution_hours.fillna(-1)) == [0.0, 48.0, 72.0, -1]
    assert list(t.resolution_day_precision) == [True, True, True, False]


def test_salesforce_us_dates_with_every_day_up_to_12_are_asked():
    """Already right, pinned: 10/5 … 11/3 fit month-first and day-first (no day above 12): asked, must confirm;
    answered month-first: opened in October (3) and November (1), resolutions 4 h, 2 h and 72 h."""
    rows = SF_ROWS.replace("10/13/2026", "10/12/2026").replace("10/15/2026", "10/12/2026").replace(
        "10/20/2026", "10/9/2026").replace("10/23/2026", "10/12/2026")
    data = (SF_HEAD + rows).encode()
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(data, kind="tickets")
    qs = [q for q in asked.value.questions if q.key.startswith("date_order:")]
    assert qs and all(q.must_confirm for q in qs)
    answers = {q.key: "month_first" for q in qs} | WORKING
    t = prepare_bytes(data, kind="tickets", answers=answers).rows.set_index("ticket_id")
    assert list(t.created_at.dt.strftime("%Y-%m")) == ["2026-10", "2026-10", "2026-10", "2026-11"]
    assert list(t.resolution_hours.fillna(-1)) == [4.0, 2.0, 72.0, -1]


# LiveAgent's tickets as its API v3 writes them (a flat pull): one-letter status codes I init, N new, T chatting,
# P calling, R resolved, X deleted, B spam, A answered, C open, W postponed; 'date_resolved'
LIVEAGENT = (
    "id,code,owner_email,status,subject,channel_type,date_created,date_changed,date_resolved,date_deleted\n"
    "fp1,ABC-101,a@x.example,R,Login,E,2026-10-05 09:00:00,2026-10-05 13:00:00,2026-10-05 13:00:00,\n"
    "fp2,ABC-102,b@x.example,A,Billing,E,2026-10-13 10:00:00,2026-10-13 11:00:00,,\n"
    "fp3,ABC-103,c@x.example,X,Spam,E,2026-10-20 08:00:00,2026-10-20 08:05:00,,2026-10-20 08:05:00\n"
    "fp4,ABC-104,d@x.example,C,SSO,E,2026-11-03 09:00:00,2026-11-03 10:00:00,,\n"
    "fp5,ABC-105,e@x.example,W,Export,E,2026-11-04 09:00:00,2026-11-04 10:00:00,,\n")


def test_liveagent_status_codes_are_asked_not_guessed():
    """Already right, pinned: one-letter codes mean different things in different tools (LiveAgent's C is open),
    so each is asked. Answered: 1 deleted left out; 1 solved in 4 h; answered (pending), open and postponed (hold)
    in the backlog."""
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(LIVEAGENT.encode(), kind="tickets")
    assert {q.key for q in asked.value.questions} >= {f"ticket_status:{c}" for c in "racwx"}
    answers = {"ticket_status:r": "solved", "ticket_status:a": "pending", "ticket_status:x": "not_a_ticket",
               "ticket_status:c": "open", "ticket_status:w": "hold"}
    p = prepare_bytes(LIVEAGENT.encode(), kind="tickets", answers=answers)
    t = p.rows.set_index("ticket_id")
    assert list(t.index) == ["fp1", "fp2", "fp4", "fp5"]
    assert list(t.status) == ["solved", "pending", "open", "hold"]
    assert list(t.resolution_hours.fillna(-1)) == [4.0, -1, -1, -1]
    assert any("not a ticket" in w for w in p.warnings)


# SatisMeter's response fields (its API and webhooks: user id, rating 0–10, feedback, category, created)
SATISMETER = ("userId,rating,feedback,category,created\n"
              "u1,10,Love it,promoter,2026-10-01T10:00:00.000Z\nu2,9,,promoter,2026-10-02T10:00:00.000Z\n"
              "u3,7,ok,passive,2026-10-03T10:00:00.000Z\nu4,3,slow,detractor,2026-10-04T10:00:00.000Z\n"
              "u5,0,,detractor,2026-10-05T10:00:00.000Z\nu6,,,,2026-10-06T10:00:00.000Z\n")


def test_satismeter_rating_is_asked_then_read_as_nps():
    """Already right, pinned: a bare 'rating' may be a satisfaction question, so the scale is asked (must confirm).
    As 0–10: 10, 9, 7, 3, 0 (the unanswered row skipped, said): 2 promoters, 2 detractors of 5 = NPS 0."""
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(SATISMETER.encode(), kind="nps")
    assert any(q.key == "scale:rating" and q.must_confirm for q in asked.value.questions)
    p = prepare_bytes(SATISMETER.encode(), kind="nps", answers={"scale:rating": "0-10"})
    assert list(p.rows.score) == [10, 9, 7, 3, 0] and nps(p.rows.score) == 0.0
    assert list(p.rows.customer_id) == ["u1", "u2", "u3", "u4", "u5"]
    assert any("without a score" in w for w in p.warnings)
