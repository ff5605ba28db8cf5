"""Survey exports of the twenty-third session's helper (CSAT and NPS), written here in each tool's layout (its field
names and values, from its public docs or code); the figures are worked out by hand."""

import pytest
from conftest import prepare_bytes

from metrics.errors import DuplicateRowsError, InvalidOptionError, MissingColumnError, NeedsAnswerError

# Customer Thermometer's responses (its API's blast results, flattened: blast_id, response_id, thermometer_id; the
# recipient's fields as its sendEmail method names them): one of four temperatures, best first Gold, Green, Yellow,
# Red. Its Happiness factor is Gold + Green responses of all responses.
THERMOMETER = (
    "response_id,blast_id,thermometer_id,response_date,email_address,first_name,last_name,company_name,temperature,"
    "comment\n"
    "501,77,9,2026-06-01 10:00:00,ann@a.example,Ann,A,Acme,Gold,Superb\n"
    "502,77,9,2026-06-02 10:00:00,bo@b.example,Bo,B,Bolt,Green,\n"
    "503,77,9,2026-06-03 10:00:00,cy@c.example,Cy,C,Crux,Yellow,meh\n"
    "504,77,9,2026-06-04 10:00:00,dee@d.example,Dee,D,Dune,Red,bad\n"
    "505,77,9,2026-06-05 10:00:00,ed@e.example,Ed,E,Echo,Gold,\n"
    "506,77,9,2026-06-06 10:00:00,fay@f.example,Fay,F,Fern,Green,\n")
THERMOMETER_AS_CSAT = {"score": "temperature", "response_date": "response_date"}


def test_customer_thermometer_temperatures_are_good_bad_once_confirmed():
    """'Gold' was refused as no satisfaction word. Customer Thermometer's four temperatures: asked, must confirm,
    Good/Bad proposed; then Gold and Green satisfied, Yellow and Red not (its Happiness factor). Hand: Gold, Green,
    Yellow, Red, Gold, Green: 4 satisfied of 6 = 66.7%."""
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(THERMOMETER.encode(), kind="csat", mapping=THERMOMETER_AS_CSAT)
    q = next(q for q in asked.value.questions if q.key == "scale:temperature")
    assert q.proposal == "good-bad" and q.must_confirm and "Gold and Green are satisfied" in q.detail
    p = prepare_bytes(THERMOMETER.encode(), kind="csat", mapping=THERMOMETER_AS_CSAT,
                      answers={"scale:temperature": "good-bad"})
    assert list(p.rows.satisfied) == [True, True, False, False, True, True]
    assert list(p.rows.score) == [1, 1, 0, 0, 1, 1] and set(p.rows.scale) == {"good-bad"}
    assert round(100 * p.rows.satisfied.mean(), 1) == 66.7
    assert list(p.rows.response_id) == ["501", "502", "503", "504", "505", "506"]


def test_customer_thermometer_temperature_numbers_are_refused_as_read_downwards():
    """Its API numbers the temperatures from the best (1 Gold … 4 Red): confirmed as 1–5, Red's 4 was the only
    satisfied answer (CSAT 16.7% for 66.7%). Refused, saying to export the names."""
    numbers = (THERMOMETER.replace(",Gold,", ",1,").replace(",Green,", ",2,").replace(",Yellow,", ",3,")
               .replace(",Red,", ",4,").replace("temperature,", "temperature_id,"))
    for answers in ({}, {"scale:temperature_id": "1-5"}):
        with pytest.raises(InvalidOptionError, match="1 Gold, 2 Green, 3 Yellow, 4 Red"):
            prepare_bytes(numbers.encode(), kind="csat", mapping={"score": "temperature_id",
                                                                  "response_date": "response_date"}, answers=answers)


# Nicereply's ratings export: its 'Score' on the survey's own scale (three smileys: 1 bad, 2 neutral, 3 good, as its
# API's sentiment order shows; NPS 0–10) beside the older 'Legacy score', always out of 10 (its help centre, "Removing
# Legacy Score": read the 'score' column, not the 'legacy score' one)
NICEREPLY_HEAD = "Date,Survey,Customer,Customer email,User,Ticket,Score,Legacy score,Comment\n"
NICEREPLY_SMILEYS = (  # score, legacy score, the smiley
    (3, 10, "Good"), (2, 5, "Neutral"), (1, 0, "Bad"), (3, 10, "Good"), (3, 10, "Good"), (2, 5, "Neutral"))


def _nicereply(values) -> bytes:
    return (NICEREPLY_HEAD + "".join(
        f"2026-05-0{i + 1} 10:00:00,Support CSAT,C{i + 1},c{i + 1}@x.example,Bob,{101 + i},{score},{legacy},\n"
        for i, (score, legacy) in enumerate(values))).encode()


def test_nicereply_smileys_are_asked_without_proposing_one_to_five():
    """Nicereply's 'Score' of three smileys (1–3) was asked with 1–5 proposed: confirmed, every Good was unsatisfied
    (CSAT 0% for 50%). Asked with no proposal, the three-point reading said; 'Legacy score' (out of 10) is never taken
    as the score. Exported as Good/Bad as the question says: Good, Neutral, Bad, Good, Good, Neutral: 3 of 6 = 50%."""
    data = _nicereply((s, legacy) for s, legacy, _ in NICEREPLY_SMILEYS)
    for kind in ("csat", "nps"):
        with pytest.raises(NeedsAnswerError) as asked:
            prepare_bytes(data, kind=kind)
        q = next(q for q in asked.value.questions if q.key == "scale:Score")
        assert q.proposal is None and q.must_confirm and "three-point scale" in q.detail and "Nicereply" in q.detail
    words = _nicereply((word, legacy) for _, legacy, word in NICEREPLY_SMILEYS)
    p = prepare_bytes(words, kind="csat", answers={"scale:Score": "good-bad"})
    assert p.mapping["score"] == "Score" and list(p.rows.score) == [1, 0, 0, 1, 1, 0]
    assert int(p.rows.satisfied.sum()) == 3 and len(p.rows) == 6


def test_nicereply_nps_reads_the_score_not_the_legacy_score():
    """Already right, pinned: an NPS survey's 'Score' 0–10 (its 'Legacy score' the same out of 10). Hand: 10, 9, 6,
    8, 3, 10: 3 promoters, 2 detractors of 6 = +16.7."""
    p = prepare_bytes(_nicereply((s, s) for s in (10, 9, 6, 8, 3, 10)), kind="nps",
                      answers={"scale:Score": "0-10"})
    assert p.mapping["score"] == "Score" and list(p.rows.score) == [10, 9, 6, 8, 3, 10]
    s = p.rows.score
    assert round(100 * ((s >= 9).sum() - (s <= 6).sum()) / len(s), 1) == 16.7


# Hotjar's survey responses (its API's fields, flattened: 'created_time' the submission time in RFC 3339,
# 'is_complete', 'hotjar_user_id'; one column per question: a rating-1-5 question, an nps one and a long-text one)
HOTJAR = (
    'id,created_time,country,device,browser,os,hotjar_user_id,is_complete,response_origin_url,'
    '"How would you rate your experience today?","How likely are you to recommend Acme to a friend or colleague?",'
    '"What is the main reason for your score?"\n'
    "h1,2026-07-01T10:00:00Z,GB,desktop,Chrome,Mac OS,u1,true,https://acme.example/app,5,10,Great\n"
    "h2,2026-07-02T10:00:00Z,GB,mobile,Safari,iOS,u2,true,https://acme.example/app,2,3,Slow\n"
    "h3,2026-07-03T10:00:00Z,DE,desktop,Chrome,Windows,u3,false,https://acme.example/app,4,9,\n"
    "h4,2026-07-04T10:00:00Z,FR,desktop,Firefox,Linux,u4,false,https://acme.example/app,3,,\n"
    "h5,2026-07-05T23:30:00Z,US,tablet,Chrome,Android,u5,true,https://acme.example/app,5,9,ok\n"
    "h6,2026-07-06T10:00:00Z,US,desktop,Edge,Windows,u6,true,https://acme.example/app,1,6,\n")


def test_hotjar_survey_nps_is_read_from_its_recommend_question_dated_when_created():
    """Refused ("No column for response date"): 'created_time' is when the response was submitted. The NPS is the
    recommend question, not the 1–5 rating beside it; a response left incomplete counts with the answers it gave
    (the rule for partial responses), one without an NPS answer is skipped, said. Hand: 10, 3, 9, 9, 6: 3 promoters,
    2 detractors of 5 = +20."""
    p = prepare_bytes(HOTJAR.encode(), kind="nps")
    assert p.mapping["response_date"] == "created_time"
    assert p.mapping["score"] == "How likely are you to recommend Acme to a friend or colleague?"
    assert list(p.rows.score) == [10, 3, 9, 9, 6]
    s = p.rows.score
    assert round(100 * ((s >= 9).sum() - (s <= 6).sum()) / len(s), 1) == 20.0
    assert [f"{d:%Y-%m-%d}" for d in p.rows.response_date] == ["2026-07-01", "2026-07-02", "2026-07-03",
                                                                "2026-07-05", "2026-07-06"]
    assert any("1 response without a score" in w for w in p.warnings)


# Simplesat's answers (its API's answer fields, with the response's customer and ticket, as Fivetran's Simplesat
# schema lists them: one row per answer; 'choice' the rating, 'sentiment' positive / neutral / negative). q1 is the
# survey's primary question on 1–5, q2 a follow-up rating on 1–7.
SIMPLESAT_HEAD = ("id,response_id,survey_id,question_id,created,customer_email,customer_name,customer_company,"
                  "ticket_id,choice,choice_label,sentiment,comment\n")
SIMPLESAT_PRIMARY = ((5, "positive", "Great"), (4, "positive", ""), (2, "negative", "Slow"), (3, "neutral", ""),
                     (5, "positive", ""), (1, "negative", ""))
SIMPLESAT_FOLLOW_UP = (7, 6, 2, 4, 7, 1)
SIMPLESAT_AS_CSAT = {"score": "choice", "response_date": "created"}


def _simplesat(follow_ups: bool) -> bytes:
    rows = []
    for r, ((choice, sentiment, comment), follow) in enumerate(zip(SIMPLESAT_PRIMARY, SIMPLESAT_FOLLOW_UP,
                                                                   strict=True), start=1):
        who = f"2026-08-0{r}T10:00:00Z,c{r}@x.example,C{r},Co{r},t{r}"
        rows.append(f"a{2 * r - 1},r{r},s1,q1,{who},{choice},,{sentiment},{comment}\n")
        if follow_ups:
            rows.append(f"a{2 * r},r{r},s1,q2,{who},{follow},,,\n")
    return (SIMPLESAT_HEAD + "".join(rows)).encode()


def test_simplesat_answers_are_read_for_one_question_and_never_mixed():
    """Already right, pinned: 'choice' is no score name (refused until mapped); mapped, its scale is asked; with the
    follow-up question's answers in the same column the file is refused (two answers per response), never counted
    together. The primary question alone on 1–5: 5, 4, 2, 3, 5, 1: 3 satisfied of 6 = 50%."""
    with pytest.raises(MissingColumnError, match="No column for satisfaction score"):
        prepare_bytes(_simplesat(False), kind="csat")
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(_simplesat(True), kind="csat", mapping=SIMPLESAT_AS_CSAT)
    assert next(q for q in asked.value.questions if q.key == "scale:choice").must_confirm
    with pytest.raises(DuplicateRowsError, match="6 duplicate response ids in column 'response_id'"):
        prepare_bytes(_simplesat(True), kind="csat", mapping=SIMPLESAT_AS_CSAT, answers={"scale:choice": "1-7"})
    p = prepare_bytes(_simplesat(False), kind="csat", mapping=SIMPLESAT_AS_CSAT, answers={"scale:choice": "1-5"})
    assert list(p.rows.score) == [5, 4, 2, 3, 5, 1] and int(p.rows.satisfied.sum()) == 3
    assert list(p.rows.response_id) == ["r1", "r2", "r3", "r4", "r5", "r6"]
