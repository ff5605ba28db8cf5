"""Survey exports of Retently, Alchemer, Typeform, Google Forms, Medallia and SurveyMonkey, written here in each tool's
layout (its header names; a few of its columns). Each gave a plausible wrong NPS or CSAT, or lost the comments;
the figures below are worked out by hand."""

import pytest
from conftest import prepare_bytes

from metrics.errors import NeedsAnswerError
from metrics.ingest.mapping import detect_mapping


def nps(p) -> float:
    s = p.rows.score
    return round(100 * ((s >= 9).sum() - (s <= 6).sum()) / len(s), 1)


RETENTLY = (
    "id,customerId,email,campaignName,createdDate,score,comment,status,metricsType,isBogus\n"
    "fb01,cu01,ann@acme.example,Quarterly NPS,2026-03-02T10:00:00.000Z,10,Love it,responded,NPS,false\n"
    "fb02,cu02,bo@bolt.example,Quarterly NPS,2026-03-03T10:00:00.000Z,9,,responded,NPS,false\n"
    "fb03,cu03,cy@crux.example,Quarterly NPS,2026-03-04T10:00:00.000Z,6,Pricey,responded,NPS,false\n"
    "fb04,cu04,dee@dune.example,Quarterly NPS,2026-03-05T10:00:00.000Z,8,,responded,NPS,false\n"
    "fb05,cu05,ed@echo.example,Support CSAT,2026-03-06T10:00:00.000Z,5,Quick help,responded,CSAT,false\n"
    "fb06,cu06,fay@fern.example,Support CSAT,2026-03-07T10:00:00.000Z,4,,responded,CSAT,false\n"
    "fb07,cu07,gus@gale.example,Support CSAT,2026-03-08T10:00:00.000Z,5,,responded,CSAT,false\n"
    "fb08,cu08,hal@hive.example,Quarterly NPS,2026-03-09T10:00:00.000Z,0,asdfgh,responded,NPS,true\n"
    "fb09,cu09,ivy@iris.example,Quarterly NPS,2026-03-10T10:00:00.000Z,10,,responded,NPS,false\n")


def test_retently_keeps_the_nps_campaign_and_leaves_out_bogus_answers():
    """The CSAT campaign's 5, 4, 5 were NPS detractors and the bogus 0 counted: NPS −22.2 on 9. Hand: the NPS rows
    without the bogus one, 10, 9, 6, 8, 10: 3 promoters, 1 detractor of 5 = +40."""
    assert detect_mapping("nps", RETENTLY.splitlines()[0].split(","))["response_date"] == "createdDate"
    p = prepare_bytes(RETENTLY.encode(), kind="nps")
    assert len(p.rows) == 5 and nps(p) == 40.0
    assert any("'isBogus' is true" in w for w in p.warnings)
    assert any("of other surveys in 'metricsType' left out" in w and "CSAT (3)" in w for w in p.warnings)


ALCHEMER = (
    "id,status,is_test_data,date_submitted,country,"
    '"How likely is it that you would recommend Acme to a friend or colleague?"\n'
    "1,Complete,1,2026-03-02 09:10:11 EST,United States,0\n"
    "2,Complete,1,2026-03-02 09:20:11 EST,United States,0\n"
    "3,Complete,0,2026-03-03 10:00:00 EST,United States,10\n"
    "4,Complete,0,2026-03-04 11:00:00 EST,United States,9\n"
    "5,Complete,0,2026-03-05 12:00:00 EST,United States,8\n"
    "6,Complete,0,2026-03-06 13:00:00 EST,United States,5\n"
    "7,Disqualified,0,2026-03-07 14:00:00 EST,United States,\n"
    "8,Complete,0,2026-03-08 15:00:00 EDT,United States,10\n"
    "9,Complete,0,2026-03-09 16:00:00 EDT,United States,9\n")


def test_alchemer_test_data_is_left_out_and_summer_time_is_read():
    """'is_test_data' 1 marks the survey owner's tests (two 0s: NPS +12.5 on 8); 'EDT' after 8 March was refused
    as not a date. Hand: 10, 9, 8, 5, 10, 9: 4 promoters, 1 detractor of 6 = +50."""
    p = prepare_bytes(ALCHEMER.encode(), kind="nps")
    assert len(p.rows) == 6 and nps(p) == 50.0
    assert f"{p.rows.response_date.max():%Y-%m-%d}" == "2026-03-09"  # 16:00 EDT = 20:00 UTC, the same day
    assert any("'is_test_data' is true" in w for w in p.warnings)


ALCHEMER_CSV = (
    "Response ID,Date Submitted,Status,Comments,Country,"
    '"How likely is it that you would recommend Acme to a friend or colleague?",Why did you give that score?\n'
    "101,2026-03-02 09:10:11,Complete,,United States,10,Great\n"
    "102,2026-03-03 10:00:00,Complete,,United States,9,\n"
    "103,2026-03-04 11:00:00,Complete,,United States,4,Slow\n")


def test_a_why_question_is_the_comment_before_a_bare_comments_column():
    """Alchemer's 'Comments' is a system field (the survey owner's notes): taken as the comment, the answers to
    'Why did you give that score?' were lost."""
    assert detect_mapping("nps", ALCHEMER_CSV.splitlines()[0].split(","))["comment"] == "Why did you give that score?"
    p = prepare_bytes(ALCHEMER_CSV.encode(), kind="nps", answers={"scale:How likely is it that you would recommend "
                                                                  "Acme to a friend or colleague?": "0-10"})
    assert list(p.rows.comment.fillna("")) == ["Great", "", "Slow"]


TYPEFORM = (
    "#,How satisfied are you with Acme support?,Response Type,Start Date (UTC),Submit Date (UTC),Network ID,score\n"
    "t1a,5,completed,2026-04-01 10:00:00,2026-04-01 10:03:00,a1,3\n"
    "t2a,2,completed,2026-04-02 11:00:00,2026-04-02 11:04:00,a2,5\n"
    "t3a,3,completed,2026-04-03 11:00:00,2026-04-03 11:04:00,a3,4\n"
    "t4a,4,completed,2026-04-04 11:00:00,2026-04-04 11:04:00,a4,5\n"
    "t5a,1,completed,2026-04-05 11:00:00,2026-04-05 11:04:00,a5,4\n"
    "t6a,3,completed,2026-04-06 11:00:00,2026-04-06 11:04:00,a6,5\n"
    "t7a,2,completed,2026-04-07 11:00:00,2026-04-07 11:04:00,a7,1\n")
GOOGLE_QUIZ = (
    '"Timestamp","Email Address","Score","Which menu holds the export button?",'
    '"How satisfied were you with the onboarding session?"\n'
    '"2026/03/02 9:12:03 AM GMT-5","ann@acme.example","5 / 5","File","2"\n'
    '"2026/03/03 2:40:51 PM GMT-5","bo@bolt.example","4 / 5","File","3"\n'
    '"2026/03/04 4:05:00 PM GMT-5","cy@crux.example","5 / 5","File","5"\n'
    '"2026/03/05 10:30:00 AM GMT-5","dee@dune.example","3 / 5","Edit","4"\n'
    '"2026/03/06 10:15:00 AM GMT-5","ed@echo.example","4 / 5","File","1"\n'
    '"2026/03/09 8:00:00 AM GMT-5","fay@fern.example","5 / 5","File","3"\n')


def test_the_satisfaction_question_is_the_csat_not_a_generic_score_beside_it():
    """Typeform's calculator 'score' and a Google Forms quiz's 'Score' ("4 / 5") were read as the CSAT answers (71.4%
    and 83.3%). Hand, from the satisfaction questions on 1–5: Typeform 5, 4 satisfied of 7 = 28.6%; the quiz's
    survey 5, 4 of 6 = 33.3%."""
    for data, question, satisfied, n in (
            (TYPEFORM, "How satisfied are you with Acme support?", 2, 7),
            (GOOGLE_QUIZ, "How satisfied were you with the onboarding session?", 2, 6)):
        cols = next(iter(__import__("csv").reader([data.splitlines()[0]])))
        assert detect_mapping("csat", cols)["score"] == question
        p = prepare_bytes(data.encode(), kind="csat", answers={f"scale:{question}": "1-5"})
        assert len(p.rows) == n and int(p.rows.satisfied.sum()) == satisfied


MEDALLIA = (
    "request_id,request_sent_at,response_received_at,star_rating,comments,areas_for_improvement,channel\n"
    "r-1001,2026-03-01T14:00:00Z,2026-03-01T15:10:00Z,5,true,,email\n"
    "r-1002,2026-03-02T14:00:00Z,2026-03-02T16:00:00Z,4,false,,chat\n"
    "r-1004,2026-03-04T14:00:00Z,2026-03-05T09:00:00Z,2,true,Speed,email\n"
    "r-1006,2026-03-06T14:00:00Z,2026-03-06T18:00:00Z,3,false,,chat\n"
    "r-1007,2026-03-07T14:00:00Z,2026-03-07T15:00:00Z,5,false,,chat\n"
    "r-1008,2026-03-08T14:00:00Z,2026-03-08T19:30:00Z,4,true,,phone\n")


def test_a_true_false_comments_column_is_a_flag_not_the_comments():
    """Medallia's 'comments' says whether a comment was given: stored as text, six comments read 'true' / 'false'.
    Hand: no comment text; CSAT 5, 4, 5, 4 of 6 = 66.7%, dated when the response was received."""
    p = prepare_bytes(MEDALLIA.encode(), kind="csat", answers={"scale:star_rating": "1-5"})
    assert p.rows.comment.isna().all() and int(p.rows.satisfied.sum()) == 4 and len(p.rows) == 6
    assert f"{p.rows.response_date.max():%Y-%m-%d}" == "2026-03-08"
    assert any("'comments' holds only true/false values" in w for w in p.warnings)


def surveymonkey(answers: list[str]) -> bytes:
    rows = "".join(f"1181{i:08d},431,03/{14 + i}/2026 10:11:12 AM,03/{14 + i}/2026 10:15:00 AM,C-{i:03d},{a}\n"
                   for i, a in enumerate(answers))
    return ("Respondent ID,Collector ID,Start Date,End Date,Custom Data 1,"
            '"Overall, how satisfied or dissatisfied are you with our company?"\n'
            ",,,,,Response\n" + rows).encode()


def test_surveymonkey_satisfaction_words_in_both_five_point_forms():
    """Both wordings were refused as "not satisfaction words". Very / Somewhat satisfied / Neither … / Somewhat / Very
    dissatisfied: the top two are very and somewhat satisfied, 5 of 8 = 62.5%. Extremely / Very / Somewhat
    satisfied / Not so / Not at all satisfied: the top two are extremely and very, and 'Somewhat satisfied' is the
    middle box, 3 of 8 = 37.5%."""
    q = "Overall, how satisfied or dissatisfied are you with our company? - Response"
    first = ["Very satisfied", "Somewhat satisfied", "Very satisfied", "Neither satisfied nor dissatisfied",
             "Somewhat dissatisfied", "Somewhat satisfied", "Very dissatisfied", "Very satisfied"]
    second = ["Extremely satisfied", "Very satisfied", "Somewhat satisfied", "Not so satisfied",
              "Not at all satisfied", "Somewhat satisfied", "Very satisfied", "Somewhat satisfied"]
    for answers, satisfied in ((first, 5), (second, 3)):
        p = prepare_bytes(surveymonkey(answers), kind="csat",
                          answers={f"scale:{q}": "good-bad", "date_format:End Date": "%m/%d/%Y %I:%M:%S %p"})
        assert len(p.rows) == 8 and int(p.rows.satisfied.sum()) == satisfied


GOOGLE_FORMS = (
    '"Timestamp","Email Address","How likely are you to recommend Acme to a friend or colleague?"\n'
    '"2026/01/05 9:12:03 AM GMT-5","ann@acme.example","10"\n'
    '"2026/01/31 11:30:00 PM GMT-5","dee@dune.example","10"\n'
    '"2026/01/31 10:15:00 PM GMT-5","ed@echo.example","9"\n'
    '"2026/02/03 8:00:00 AM GMT-5","fay@fern.example","3"\n')


def test_a_google_forms_time_whose_zone_moves_its_day_is_said():
    """31 January 23:30 and 22:15 at GMT−5 are 1 February in UTC, where every date is read: they moved month
    silently (ISO timestamps already said so)."""
    p = prepare_bytes(GOOGLE_FORMS.encode(), kind="nps")
    dates = sorted(f"{d:%Y-%m-%d}" for d in p.rows.response_date)
    assert dates == ["2026-01-05", "2026-02-01", "2026-02-01", "2026-02-03"]
    said = " ".join(p.warnings)
    assert "2 timestamps in 'Timestamp' carry a time zone that puts them on another day in UTC" in said
    assert "'2026/01/31 11:30:00 PM GMT-5' is 1 February 2026" in said


def test_unix_times_date_the_answers_in_utc():
    """Delighted's API writes 'created_at' as Unix seconds: refused as not dates. Hand: 1772323200 is 1 March 2026
    00:00 UTC, 1772495999 is 2 March 23:59:59; 13 digits are milliseconds."""
    data = (b"id,person,survey_type,score,comment,created_at,person_properties.customer_id\n"
            b"1001,501,nps,10,Great,1772323200,C-001\n"
            b"1002,502,nps,9,,1772495999,C-002\n"
            b"1003,503,nps,3,Slow,1772496000000,C-003\n")
    p = prepare_bytes(data, kind="nps", answers={"scale:score": "0-10"})
    assert [f"{d:%Y-%m-%d}" for d in p.rows.response_date] == ["2026-03-01", "2026-03-02", "2026-03-03"]
    assert list(p.rows.customer_id) == ["C-001", "C-002", "C-003"]


# Qualtrics' numeric export: three header rows; 'Status' is the response type's code (1 preview, 2 test, 8 spam,
# 16 offline), 'DistributionChannel' says preview / test
QUALTRICS_HEAD = (
    "StartDate,EndDate,Status,RecordedDate,ResponseId,DistributionChannel,Q1,account_id\n"
    "Start Date,End Date,Response Type,Recorded Date,Response ID,Distribution Channel,{question},account_id\n"
    '"{{""ImportId"":""startDate""}}","{{""ImportId"":""endDate""}}","{{""ImportId"":""status""}}",'
    '"{{""ImportId"":""recordedDate""}}","{{""ImportId"":""_recordId""}}","{{""ImportId"":""distributionChannel""}}",'
    '"{{""ImportId"":""QID1""}}","{{""ImportId"":""account_id""}}"\n')
QUALTRICS_NPS = QUALTRICS_HEAD.format(question="How likely are you to recommend us to a friend or colleague?") + (
    "2026-10-01 10:00:00,2026-10-01 10:01:00,1,2026-10-01 10:01:00,R_1,preview,0,A1\n"
    "2026-10-02 10:00:00,2026-10-02 10:01:00,0,2026-10-02 10:01:00,R_2,anonymous,10,A2\n"
    "2026-10-03 10:00:00,2026-10-03 10:01:00,0,2026-10-03 10:01:00,R_3,anonymous,9,A3\n"
    "2026-10-04 10:00:00,2026-10-04 10:01:00,2,2026-10-04 10:01:00,R_4,test,3,A4\n"
    "2026-10-05 10:00:00,2026-10-05 10:01:00,0,2026-10-05 10:01:00,R_5,anonymous,7,A5\n"
    "2026-10-06 10:00:00,2026-10-06 10:01:00,8,2026-10-06 10:01:00,R_6,anonymous,0,A6\n"
    "2026-10-07 10:00:00,2026-10-07 10:01:00,0,2026-10-07 10:01:00,R_7,email,10,A7\n"
    "2026-10-08 10:00:00,2026-10-08 10:01:00,16,2026-10-08 10:01:00,R_8,offline,4,A8\n")


def test_qualtrics_numeric_response_types_leave_out_previews_tests_and_spam():
    """The preview's 0, the test's 3 and the spam 0 counted: NPS −12.5 on 8. Hand: 10, 9, 7, 10, 4 (the offline
    answer counts): 3 promoters, 1 detractor of 5 = +40."""
    p = prepare_bytes(QUALTRICS_NPS.encode(), kind="nps")
    assert list(p.rows.response_id) == ["R_2", "R_3", "R_5", "R_7", "R_8"] and nps(p) == 40.0
    assert any("Qualtrics' codes" in w for w in p.warnings)


def test_qualtrics_distribution_channel_preview_is_left_out_too():
    """A text export whose status says 'IP Address' for a preview taken from the link: its channel says preview."""
    text = QUALTRICS_NPS.replace(",1,2026-10-01 10:01:00,R_1,", ",IP Address,2026-10-01 10:01:00,R_1,")
    text = "\n".join(ln.replace(",0,2026", ",IP Address,2026") for ln in text.split("\n")).replace(
        ",2,2026-10-04", ",IP Address,2026-10-04").replace(",8,2026", ",Spam,2026").replace(",16,2026", ",Offline,2026")
    p = prepare_bytes(text.encode(), kind="nps")
    assert list(p.rows.response_id) == ["R_2", "R_3", "R_5", "R_7", "R_8"]


def test_qualtrics_numeric_satisfaction_asks_which_end_is_best():
    """Qualtrics numbers choices from the top and lists 'Extremely satisfied' first: 1, 1, 2, 3, 5, 2 read upwards
    was CSAT 16.7% for 66.7%, unasked. The 1–5 scale must be confirmed, saying why."""
    text = QUALTRICS_HEAD.format(question='"Overall, how satisfied are you with our support?"') + "".join(
        f"2026-10-0{i} 10:00:00,2026-10-0{i} 10:01:00,0,2026-10-0{i} 10:01:00,R_{i},anonymous,{s},A{i}\n"
        for i, s in enumerate((1, 1, 2, 3, 5, 2), start=1))
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(text.encode(), kind="csat")
    q = next(q for q in asked.value.questions if q.key == "scale:Q1")
    assert q.must_confirm and "1 may be the best answer" in q.detail
    p = prepare_bytes(text.encode(), kind="csat", answers={"scale:Q1": "1-5"})  # the analyst knows 5 is best
    assert list(p.rows.satisfied) == [False, False, False, False, True, False]
