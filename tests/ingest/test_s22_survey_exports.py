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
    assert any("1 responses without a score" in w for w in p.warnings)


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
