"""Survey exports of the twenty-second session's helper (NPS and CSAT), written here in each tool's layout (its
header names and values, from its public docs or code); the figures are worked out by hand."""

import csv
import io

import pytest
from conftest import prepare_bytes

from metrics.errors import NeedsAnswerError


def nps(p) -> float:
    s = p.rows.score
    return round(100 * ((s >= 9).sum() - (s <= 6).sum()) / len(s), 1)


# Typeform's responses download: '#' (the response token), one column per question, 'Response Type' (completed /
# partial), 'Start Date (UTC)', 'Stage Date (UTC)', 'Submit Date (UTC)', 'Network ID', 'Tags'
TYPEFORM_PARTIALS = (
    '#,"How likely are you to recommend Acme to a friend or colleague?",What is the main reason for your score?,'
    "customer_id,Response Type,Start Date (UTC),Stage Date (UTC),Submit Date (UTC),Network ID,Tags\n"
    "tok1,10,Great,C-001,completed,2026-04-01 10:00:00,,2026-04-01 10:03:00,n1,\n"
    "tok2,9,,C-002,completed,2026-04-02 10:00:00,,2026-04-02 10:03:00,n2,\n"
    "tok3,3,Slow,C-003,completed,2026-04-03 10:00:00,,2026-04-03 10:03:00,n3,\n"
    "tok4,0,,C-004,partial,2026-04-04 10:00:00,2026-04-04 10:01:00,,n4,\n"
    "tok5,1,,C-005,partial,2026-04-05 10:00:00,2026-04-05 10:01:00,,n5,\n"
    "tok6,,,C-006,partial,2026-04-06 10:00:00,,,n6,\n"
    "tok7,8,,C-007,completed,2026-04-07 10:00:00,,2026-04-07 10:03:00,n7,\n")


def _without(data: str, column: str) -> bytes:
    rows = list(csv.reader(io.StringIO(data)))
    i = rows[0].index(column)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(r[:i] + r[i + 1:] for r in rows)
    return out.getvalue().encode()


def test_typeform_partial_responses_are_left_out_as_typeform_reports():
    """Typeform's partials (never submitted: no submit date) refused the file as missing dates; counted, their 0 and
    1 would give NPS −16.7 on 6. Typeform's results count submitted responses only (its API returns completed ones
    unless partials are asked for). Hand, the completed 10, 9, 3, 8: 2 promoters, 1 detractor of 4 = +25. The same
    with the older export, which has no 'Response Type': a partial is a row without 'Submit Date (UTC)'."""
    for data, said in ((TYPEFORM_PARTIALS.encode(), "'Response Type' says partial or started"),
                       (_without(TYPEFORM_PARTIALS, "Response Type"), "'Submit Date (UTC)' is empty")):
        p = prepare_bytes(data, kind="nps")
        assert list(p.rows.score) == [10, 9, 3, 8] and nps(p) == 25.0
        assert list(p.rows.customer_id) == ["C-001", "C-002", "C-003", "C-007"]
        assert [f"{d:%Y-%m-%d}" for d in p.rows.response_date] == ["2026-04-01", "2026-04-02", "2026-04-03",
                                                                    "2026-04-07"]
        assert any(w.startswith(f"3 Typeform responses whose {said} were left out") and "2 had answered" in w
                   for w in p.warnings)


# Refiner's responses (its API's fields, flattened): 'completed_at' is empty for a partial response, whose answers
# Refiner's dashboard shows (partial responses are collected by default); 'dismissed_at' for a survey closed unanswered
REFINER = (
    "uuid,form_uuid,form_name,contact_remote_id,contact_email,first_shown_at,last_shown_at,show_counter,"
    "first_data_reception_at,last_data_reception_at,completed_at,dismissed_at,how_likely_are_you_to_recommend_us\n"
    "r1,f1,NPS,U-1,a@x.example,2026-05-01 09:00:00,2026-05-01 09:00:00,1,2026-05-01 09:00:10,2026-05-01 09:00:40,"
    "2026-05-01 09:00:40,,10\n"
    "r2,f1,NPS,U-2,b@x.example,2026-05-02 09:00:00,2026-05-02 09:00:00,1,2026-05-02 09:00:10,2026-05-02 09:00:10,,,3\n"
    "r3,f1,NPS,U-3,c@x.example,2026-05-03 09:00:00,2026-05-03 09:00:00,1,2026-05-03 09:00:10,2026-05-03 09:00:30,"
    "2026-05-03 09:00:30,,9\n"
    "r4,f1,NPS,U-4,d@x.example,2026-05-04 09:00:00,2026-05-04 09:00:00,1,,,,2026-05-04 09:00:05,\n"
    "r5,f1,NPS,U-5,e@x.example,2026-05-05 09:00:00,2026-05-05 09:00:00,1,2026-05-05 09:00:10,2026-05-05 09:00:10,,,6\n"
    "r6,f1,NPS,U-6,f@x.example,2026-05-06 09:00:00,2026-05-06 09:00:00,1,2026-05-06 09:00:10,2026-05-06 09:00:50,"
    "2026-05-06 09:00:50,,10\n")


def test_refiner_partial_responses_count_dated_when_their_answers_arrived():
    """'completed_at' was taken as the date and the partials' empty cells refused the file. Refiner shows a partial
    response's answers in its dashboard: counted, dated by 'last_data_reception_at'; the dismissed survey has no
    answer (skipped, said). Hand: 10, 3, 9, 6, 10: 3 promoters, 2 detractors of 5 = +20, customers from the
    contact's 'remote_id'."""
    p = prepare_bytes(REFINER.encode(), kind="nps")
    assert p.mapping["response_date"] == "last_data_reception_at" and p.mapping["customer_id"] == "contact_remote_id"
    assert list(p.rows.score) == [10, 3, 9, 6, 10] and nps(p) == 20.0
    assert list(p.rows.customer_id) == ["U-1", "U-2", "U-3", "U-5", "U-6"]
    assert [f"{d:%d}" for d in p.rows.response_date] == ["01", "02", "03", "05", "06"]
    assert any("1 response without a score" in w for w in p.warnings)


# Intercom's conversations export with its rating as words: its five fixed reactions (API: rating 1 to 5)
INTERCOM_WORDS = (
    "Conversation ID,Conversation started at (UTC),Company ID,Last teammate rating,Last teammate rating remark\n"
    "301,2026-06-01 10:00,co1,Amazing,Fast\n"
    "302,2026-06-02 10:00,co2,Great,\n"
    "303,2026-06-03 10:00,co3,OK,\n"
    "304,2026-06-04 10:00,co4,Bad,slow\n"
    "305,2026-06-05 10:00,co5,Terrible,\n"
    "306,2026-06-06 10:00,co6,Amazing,\n"
    "307,2026-06-07 10:00,co7,,\n"
    "308,2026-06-08 10:00,co8,Great,\n")
INTERCOM_AS_CSAT = {"score": "Last teammate rating", "response_date": "Conversation started at (UTC)"}


def test_intercom_rating_words_are_read_on_one_to_five_once_confirmed():
    """'Amazing' was refused as no satisfaction word. Intercom's five reactions are its ratings 1 to 5: asked, must
    confirm, 1–5 proposed; then Terrible 1 … Amazing 5, and Great and Amazing satisfied (Intercom's positive 4–5).
    Hand: 5, 4, 3, 2, 1, 5, 4 (one unrated conversation skipped): 4 satisfied of 7 = 57.1%, average 3.43."""
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(INTERCOM_WORDS.encode(), kind="csat", mapping=INTERCOM_AS_CSAT)
    q = next(q for q in asked.value.questions if q.key == "scale:Last teammate rating")
    assert q.proposal == "1-5" and q.must_confirm and "Terrible 1, Bad 2, OK 3, Great 4, Amazing 5" in q.detail
    p = prepare_bytes(INTERCOM_WORDS.encode(), kind="csat", mapping=INTERCOM_AS_CSAT,
                      answers={"scale:Last teammate rating": "1-5"})
    assert list(p.rows.score) == [5, 4, 3, 2, 1, 5, 4] and set(p.rows.scale) == {"1-5"}
    assert int(p.rows.satisfied.sum()) == 4 and len(p.rows) == 7
    assert list(p.rows.customer_id) == ["co1", "co2", "co3", "co4", "co5", "co6", "co8"]
    assert p.rows.comment.fillna("").tolist()[:4] == ["Fast", "", "", "slow"]
    # read as words instead, the same satisfied share (Amazing and Great are the satisfied words)
    words = prepare_bytes(INTERCOM_WORDS.encode(), kind="csat", mapping=INTERCOM_AS_CSAT,
                          answers={"scale:Last teammate rating": "good-bad"})
    assert int(words.rows.satisfied.sum()) == 4 and len(words.rows) == 7


def test_intercom_rating_words_in_a_conversations_export_are_ratings():
    """The conversations export uploaded as tickets refused 'Amazing'. Hand: Amazing, Great, Amazing, Great
    satisfied of the 7 rated = 4; the unrated conversation has no rating."""
    t = prepare_bytes(INTERCOM_WORDS.encode(), kind="tickets").rows
    assert int(t.csat_satisfied.sum()) == 4 and int(t.csat_satisfied.notna().sum()) == 7


# Trustpilot's reviews export (its header names; 1–5 stars)
TRUSTPILOT = (
    "Review Id,Review Created (UTC),Review Consumer User Id,Review Username,Review Title,Review Content,Review Stars,"
    "Source Of Review,Reference Id,Domain URL,Business Reply Date (UTC)\n"
    "tp1,2026-02-01 10:00:00,u1,Ann,Great,Fast,5,Organic,ORD-1,www.acme.example,\n"
    "tp2,2026-02-03 10:00:00,u2,Bo,Meh,Slow,3,Invitation,ORD-2,www.acme.example,2026-02-04 09:00:00\n"
    "tp3,2026-02-05 10:00:00,u3,Cy,Bad,Broken,1,Invitation,ORD-3,www.acme.example,\n"
    "tp4,2026-02-07 10:00:00,u4,Dee,Good,Ok,4,Organic,,www.acme.example,\n"
    "tp5,2026-02-09 10:00:00,u5,Ed,Top,,5,Invitation,ORD-5,www.acme.example,\n"
    "tp6,2026-03-01 10:00:00,u6,Fay,Poor,,2,Organic,,www.acme.example,\n")


def test_trustpilot_reviews_are_csat_on_five_stars_dated_when_created():
    """Refused ("No column for response date"): 'Review Created (UTC)' is the review's date. Hand: 5, 3, 1, 4, 5 in
    February (3 satisfied of 5), 2 in March (0 of 1); 3 of 6 in all; the text from 'Review Content'. No customer id
    (Trustpilot's consumer id is its own user's): stored as anonymous, said."""
    p = prepare_bytes(TRUSTPILOT.encode(), kind="csat")
    assert p.mapping["response_date"] == "Review Created (UTC)" and p.mapping["score"] == "Review Stars"
    assert p.mapping["comment"] == "Review Content" and "customer_id" not in p.mapping
    assert list(p.rows.score) == [5, 3, 1, 4, 5, 2] and set(p.rows.scale) == {"1-5"}
    by_month = p.rows.groupby(p.rows.response_date.dt.strftime("%Y-%m")).satisfied.agg(["sum", "count"])
    assert by_month.to_dict("index") == {"2026-02": {"sum": 3, "count": 5}, "2026-03": {"sum": 0, "count": 1}}
    assert any("No customer id column" in w for w in p.warnings)


GOOGLE_PLAY_HEAD = (
    "Package Name,App Version Code,App Version Name,Reviewer Language,Device,Review Submit Date and Time,"
    "Review Submit Millis Since Epoch,Review Last Update Date and Time,Review Last Update Millis Since Epoch,"
    "Star Rating,Review Title,Review Text,Developer Reply Date and Time,Developer Reply Millis Since Epoch,"
    "Developer Reply Text,Review Link\n")
GOOGLE_PLAY_ROWS = (  # submitted, last updated, stars, text
    ("2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z", 5, "Love it"),
    ("2026-02-20T10:00:00Z", "2026-03-10T10:00:00Z", 2, "Crashes since the update"),
    ("2026-03-03T10:00:00Z", "2026-03-03T10:00:00Z", 4, "Nice"),
    ("2026-03-31T23:30:00Z", "2026-03-31T23:30:00Z", 1, "Bad"),
    ("2026-04-02T10:00:00Z", "2026-04-02T10:00:00Z", 5, ""),
    ("2026-04-03T10:00:00Z", "2026-04-03T10:00:00Z", 3, "Ok"))


def test_google_play_reviews_report_is_csat_dated_by_the_rating_in_force():
    """Google Play's reviews report (UTF-16): refused ("No column for response date"). Its 'Star Rating' is the
    review's latest, so it is dated by 'Review Last Update Date and Time' (the review edited on 10 March to 2 stars
    is a March answer, not February's). Hand: March 5, 2, 4, 1 (2 satisfied of 4), April 5, 3 (1 of 2)."""
    rows = "".join(f"com.acme.app,{100 + i},1.{i},en,pixel,{sub},0,{upd},0,{stars},,{text},,,,"
                   f"https://play.google.com/console/r{i}\n"
                   for i, (sub, upd, stars, text) in enumerate(GOOGLE_PLAY_ROWS))
    data = b"\xff\xfe" + (GOOGLE_PLAY_HEAD + rows).encode("utf-16-le")
    p = prepare_bytes(data, kind="csat", name="reviews_com.acme.app_202603.csv")
    assert p.mapping["response_date"] == "Review Last Update Date and Time" and p.mapping["comment"] == "Review Text"
    assert list(p.rows.score) == [5, 2, 4, 1, 5, 3]
    by_month = p.rows.groupby(p.rows.response_date.dt.strftime("%Y-%m")).satisfied.agg(["sum", "count"])
    assert by_month.to_dict("index") == {"2026-03": {"sum": 2, "count": 4}, "2026-04": {"sum": 1, "count": 2}}


# SurveyMonkey (UK account): two header rows, 12-hour day-first times; Google Forms (UK): day-first 24-hour
SURVEYMONKEY_UK = (
    "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,Custom Data 1,"
    '"How likely is it that you would recommend Acme to a friend or colleague?"\n'
    ",,,,,,,,,Response\n"
    "1100000001,4321,01/03/2026 09:00:00 AM,02/03/2026 10:11:12 AM,1.2.3.1,p1@x.example,,,C-1,10\n"
    "1100000002,4321,03/03/2026 09:00:00 AM,03/03/2026 09:15:00 AM,1.2.3.2,p2@x.example,,,C-2,9\n"
    "1100000003,4321,05/03/2026 09:00:00 AM,05/03/2026 09:15:00 AM,1.2.3.3,p3@x.example,,,C-3,6\n"
    "1100000004,4321,07/03/2026 09:00:00 AM,07/03/2026 09:15:00 AM,1.2.3.4,p4@x.example,,,C-4,\n"
    "1100000005,4321,10/03/2026 09:00:00 AM,11/03/2026 01:15:00 PM,1.2.3.5,p5@x.example,,,C-5,3\n"
    "1100000006,4321,12/03/2026 09:00:00 AM,12/03/2026 09:15:00 AM,1.2.3.6,p6@x.example,,,C-6,8\n")
GOOGLE_FORMS_UK = (
    '"Timestamp","Email address","How likely are you to recommend Acme to a friend or colleague?",'
    '"What is the main reason?"\n'
    '"02/03/2026 10:11:12","a@x.example","10","Fast"\n"03/03/2026 14:00:00","b@x.example","9",""\n'
    '"05/03/2026 09:30:00","c@x.example","2","Slow"\n"11/03/2026 16:45:10","d@x.example","7",""\n'
    '"12/03/2026 08:00:00","e@x.example","10",""\n')


def test_day_first_survey_dates_are_asked_then_read_as_answered():
    """Already right, pinned: no day above 12, so the date order is asked (never guessed) in both; answered day
    first, every answer is in March. Hand: SurveyMonkey 10, 9, 6, 3, 8 (the unanswered row skipped): 2 promoters,
    2 detractors of 5 = 0; Google Forms 10, 9, 2, 7, 10: 3 promoters, 1 detractor of 5 = +40."""
    # SurveyMonkey's scores have no 0, so its scale is asked too (its 'Numerical Value' export numbers the 0–10
    # choices 1–11): confirmed as 0–10 here
    sm_scale = {"scale:How likely is it that you would recommend Acme to a friend or colleague?": "0-10"}
    for data, column, fmt, scores, score, scale in (
            (SURVEYMONKEY_UK, "End Date", "%d/%m/%Y %I:%M:%S %p", [10, 9, 6, 3, 8], 0.0, sm_scale),
            (GOOGLE_FORMS_UK, "Timestamp", "%d/%m/%Y %H:%M:%S", [10, 9, 2, 7, 10], 40.0, {})):
        with pytest.raises(NeedsAnswerError) as asked:
            prepare_bytes(data.encode(), kind="nps")
        assert any(q.key == f"date_format:{column}" for q in asked.value.questions)
        p = prepare_bytes(data.encode(), kind="nps", answers={f"date_format:{column}": fmt, **scale})
        assert list(p.rows.score) == scores and nps(p) == score
        assert set(p.rows.response_date.dt.strftime("%Y-%m")) == {"2026-03"}
        assert p.rows.response_date.dt.day.tolist()[:2] == [2, 3]
