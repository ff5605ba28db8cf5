"""Score scales: a satisfaction column is CSAT, never NPS; the scale is asked whenever the values cannot settle it."""

import datetime as dt
from pathlib import Path

import pytest
from conftest import prepare_bytes, prepare_file

from metrics.errors import InvalidOptionError, InvalidValuesError, NeedsAnswerError

REAL = Path(__file__).resolve().parents[3] / "shared" / "real_exports"
real = pytest.mark.skipif(not REAL.exists(), reason="../shared/real_exports not present")

# A review export: 1–5 "Satisfaction Score", one unanswered (Offered), one never sent (Unoffered), one empty.
REVIEWS = b"""Review ID,Customer,Review Date,Satisfaction Score,Review Text
rv1,c1,2026-03-02,5,Love it
rv2,c2,2026-03-03,4,Good
rv3,c3,2026-03-05,2,Slow delivery
rv4,c4,2026-03-09,1,Broken
rv5,c5,2026-03-10,3,
rv6,c6,2026-03-12,5,Perfect
rv7,c7,2026-03-15,Offered,
rv8,c8,2026-03-16,Unoffered,
rv9,c9,2026-03-20,,
"""


def _question(prepared_or_error, key):
    """The question `key` among those a Prepared (or a NeedsAnswerError) carries."""
    asked = getattr(prepared_or_error, "asked", None) or prepared_or_error.questions
    return next(q for q in asked if q.key == key)


def test_review_file_is_detected_as_csat_with_its_scale_and_top_two_boxes():
    p = prepare_bytes(REVIEWS)
    assert p.kind == "csat"
    assert p.mapping["score"] == "Satisfaction Score" and p.mapping["response_date"] == "Review Date"
    q = _question(p, "scale:Satisfaction Score")
    assert q.proposal == "1-5" and not q.must_confirm  # detected as CSAT and the values reach 5
    assert "6 answers" in q.detail and "from 1 to 5" in q.detail
    assert p.rows.response_id.tolist() == ["rv1", "rv2", "rv3", "rv4", "rv5", "rv6"]
    assert p.rows.score.tolist() == [5, 4, 2, 1, 3, 5]
    assert (p.rows.scale == "1-5").all()
    assert p.rows.satisfied.tolist() == [True, True, False, False, False, True]  # CSAT = 3 of 6 = 50%
    assert "3 rows are not answers and were skipped: 1 empty, 1 Offered (sent, not answered), " \
           "1 Unoffered (never sent)." in p.warnings
    assert p.rows.comment.tolist()[:3] == ["Love it", "Good", "Slow delivery"]
    assert (p.first_date, p.last_date) == (dt.date(2026, 3, 2), dt.date(2026, 3, 12))  # answers only


def test_a_1_to_5_column_uploaded_as_nps_is_asked_and_becomes_csat_never_nps():
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(REVIEWS, kind="nps", mapping={"score": "Satisfaction Score", "response_date": "Review Date"})
    q = _question(err.value, "scale:Satisfaction Score")
    assert [x.key for x in err.value.questions] == ["scale:Satisfaction Score"]
    assert q.must_confirm and q.proposal == "1-5"
    assert set(q.choices) == {"0-10", "1-10", "1-5", "1-7", "1-10-csat", "0-10-csat", "good-bad"}
    p = prepare_bytes(REVIEWS, kind="nps", mapping={"score": "Satisfaction Score", "response_date": "Review Date"},
                      answers={"scale:Satisfaction Score": "1-5"})
    assert p.kind == "csat" and "scale" in p.rows.columns and p.rows.satisfied.sum() == 3
    assert any("stored as CSAT (satisfaction), not as NPS" in w for w in p.warnings)


def test_values_1_to_5_under_a_bare_score_header_are_asked():
    data = b"customer_id,date,score\nc1,2026-01-01,1\nc2,2026-01-02,5\nc3,2026-01-03,4\nc4,2026-01-04,2\n"
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, kind="nps")
    assert _question(err.value, "scale:score").proposal == "1-5"
    # The analyst says it is a 0–10 survey after all: then (and only then) an NPS follows: 0 promoters, 4 detractors.
    p = prepare_bytes(data, kind="nps", answers={"scale:score": "0-10"})
    assert p.kind == "nps" and p.rows.score.tolist() == [1, 5, 4, 2]
    # As 1–7 satisfaction: 6–7 satisfied, so none of these.
    p = prepare_bytes(data, kind="nps", answers={"scale:score": "1-7"})
    assert p.kind == "csat" and (p.rows.scale == "1-7").all() and not p.rows.satisfied.any()


def test_a_clear_0_to_10_recommend_column_needs_no_confirmation_and_text_labels_are_read():
    data = (b"Response ID,Recorded Date,How likely are you to recommend us?\n"
            b"R1,2026-02-01,10 - Extremely likely\nR2,2026-02-02,0 - Not at all likely\nR3,2026-02-03,7\n"
            b"R4,2026-02-04,9.0\n")
    p = prepare_bytes(data)
    assert p.kind == "nps" and p.rows.score.tolist() == [10, 0, 7, 9]
    q = _question(p, "scale:How likely are you to recommend us?")
    assert q.proposal == "0-10" and not q.must_confirm and "likely they are to recommend" in q.detail
    assert p.answers["scale:How likely are you to recommend us?"] == "0-10"


def test_stars_and_star_words_are_a_1_to_5_scale():
    data = "id,date,rating\nr1,2026-01-05,★★★★☆\nr2,2026-01-06,★★★★★\nr3,2026-01-07,2 stars\nr4,2026-01-08,4/5\n"
    with pytest.raises(NeedsAnswerError) as err:  # "rating" is an NPS header too: uploaded as NPS, so asked
        prepare_bytes(data.encode())
    assert _question(err.value, "scale:rating").proposal == "1-5"
    p = prepare_bytes(data.encode(), kind="csat")
    assert p.kind == "csat" and p.rows.score.tolist() == [4, 5, 2, 4]
    assert p.rows.satisfied.tolist() == [True, True, False, True]
    assert not _question(p, "scale:rating").must_confirm


def test_good_bad_ratings_with_offered_and_unoffered():
    data = (b"Ticket ID,Requester,Solved at,Satisfaction Rating\n1,a,2026-04-01,Good\n2,b,2026-04-02,Bad\n"
            b"3,c,2026-04-03,Offered\n4,d,2026-04-04,Unoffered\n5,e,2026-04-05,Good with comment\n")
    p = prepare_bytes(data, kind="csat", mapping={"response_date": "Solved at", "customer_id": "Requester"})
    assert _question(p, "scale:Satisfaction Rating").proposal == "good-bad"
    assert p.rows.score.tolist() == [1, 0, 1] and p.rows.satisfied.tolist() == [True, False, True]
    assert (p.rows.scale == "good-bad").all() and p.rows.customer_id.tolist() == ["a", "b", "e"]
    assert "2 rows are not answers and were skipped: 1 Offered (sent, not answered), 1 Unoffered (never sent)." \
        in p.warnings


def test_a_1_to_10_satisfaction_question_is_csat_with_9_and_10_satisfied():
    data = b"customer,date,Overall satisfaction\nc1,2026-01-01,10\nc2,2026-01-02,8\nc3,2026-01-03,9\nc4,2026-01-04,3\n"
    p = prepare_bytes(data)
    assert p.kind == "csat" and _question(p, "scale:Overall satisfaction").proposal == "1-10-csat"
    assert p.rows.satisfied.tolist() == [True, False, True, False]
    with pytest.raises(NeedsAnswerError):  # uploaded as NPS, a satisfaction question is asked about
        prepare_bytes(data, kind="nps", mapping={"score": "Overall satisfaction"})


def test_a_0_to_10_satisfaction_question_is_csat_with_9_and_10_satisfied():
    """'How satisfied … (0-10)' answered 0, 10, 8, 9, 6: before, the scale question offered NPS scales and 1–10 only
    (0 is outside 1–10), so the file could not be stored as CSAT. Now 0–10 satisfaction: 9 and 10 satisfied, 2 of 5
    (40%), mean (0 + 10 + 8 + 9 + 6) ÷ 5 = 6.6 on 0–10, stored on scale '0-10'."""
    data = (b"customer_id,date,How satisfied are you with our service? (0-10)\nc1,2026-01-05,0\nc2,2026-01-06,10\n"
            b"c3,2026-01-07,8\nc4,2026-01-08,9\nc5,2026-01-09,6\n")
    p = prepare_bytes(data, kind="csat")
    q = _question(p, "scale:How satisfied are you with our service? (0-10)")
    assert q.proposal == "0-10-csat" and not q.must_confirm
    assert p.rows.satisfied.tolist() == [False, True, False, True, False] and p.rows.score.mean() == 6.6
    assert (p.rows.scale == "0-10").all()
    with pytest.raises(NeedsAnswerError) as err:  # uploaded as NPS: asked, never read as 0–10 NPS unconfirmed
        prepare_bytes(data, kind="nps", mapping={"score": "How satisfied are you with our service? (0-10)"})
    assert _question(err.value, "scale:How satisfied are you with our service? (0-10)").proposal == "0-10-csat"


def test_csat_values_that_do_not_reach_the_top_are_asked():
    data = b"customer,date,csat\nc1,2026-01-01,4\nc2,2026-01-02,3\nc3,2026-01-03,4\n"
    with pytest.raises(NeedsAnswerError) as err:  # 1–5 or 1–7? Nobody answered 5.
        prepare_bytes(data, kind="csat")
    assert _question(err.value, "scale:csat").proposal == "1-5"
    p = prepare_bytes(data, kind="csat", answers={"scale:csat": "1-7"})
    assert not p.rows.satisfied.any()


def test_a_few_csat_answers_topping_out_at_7_are_asked_since_1_to_10_fits_too():
    """7, 5, 5, 4 read as 1–7 is 25% satisfied; as 1–10 it is 0%. Four answers cannot tell; 30 with none above 7
    can (MIN_RESPONSES)."""
    few = b"customer,date,csat\nc1,2026-01-01,7\nc2,2026-01-02,5\nc3,2026-01-03,5\nc4,2026-01-04,4\n"
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(few, kind="csat")
    q = _question(err.value, "scale:csat")
    assert q.must_confirm and q.proposal == "1-7" and "4 answers in 'csat', from 4 to 7" in q.detail
    p = prepare_bytes(few, kind="csat", answers={"scale:csat": "1-10-csat"})
    assert not p.rows.satisfied.any()
    many = b"customer,date,csat\n" + b"".join(b"c%d,2026-01-%02d,%d\n" % (i, 1 + i % 28, 1 + i % 7)
                                               for i in range(30))
    p = prepare_bytes(many, kind="csat")
    assert not _question(p, "scale:csat").must_confirm and (p.rows.scale == "1-7").all()
    assert p.rows.satisfied.sum() == 8


def test_values_outside_the_chosen_scale_are_rejected_with_row_numbers():
    data = b"customer,date,csat\nc1,2026-01-01,5\nc2,2026-01-02,7\nc3,2026-01-03,0\n"
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, kind="csat", answers={"scale:csat": "1-5"})
    assert "outside the 1–5 scale" in str(err.value) and [c.row for c in err.value.cells] == [3, 4]


def test_a_time_of_day_column_is_never_a_score():
    data = b"customer_id,date,score\nc1,2026-01-01,08:21\nc2,2026-01-02,9\nc3,2026-01-03,14:05\n"
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, kind="nps")
    assert "times of day" in str(err.value) and [c.row for c in err.value.cells] == [2, 4]


@real
def test_real_support_tickets_satisfaction_is_csat():
    p = prepare_file(REAL / "saas_ravenstack_support_tickets.csv", kind="csat")
    assert p.mapping["score"] == "satisfaction_score" and p.mapping["customer_id"] == "account_id"
    # 2,000 tickets, 825 without a rating; 3 (396), 4 (405), 5 (374): 779 of 1,175 satisfied = 66.3%.
    assert len(p.rows) == 1175 and p.rows.score.value_counts().to_dict() == {4: 405, 3: 396, 5: 374}
    assert p.rows.satisfied.sum() == 779
    assert "825 rows are not answers and were skipped: 825 empty." in p.warnings


@real
def test_real_nps_survey_is_asked_nothing():
    p = prepare_file(REAL / "nps_survey_usage.csv")
    q = _question(p, "scale:score")
    assert p.kind == "nps" and q.proposal == "0-10" and not q.must_confirm and len(p.rows) == 20268


@real
def test_real_support_survey_with_not_provided_cells_and_answers_on_closed_tickets_only():
    p = prepare_file(REAL / "tickets_kaggle_customer_support_dayfirst.csv", kind="csat", mapping={"response_date": ""},
                     as_of=dt.date(2023, 12, 31))
    assert p.mapping["score"] == "Customer Satisfaction Rating"  # found by "satisf" in the header
    # 8,469 tickets, 2,769 rated (32.7%): 1 (553), 2 (549), 3 (580), 4 (543), 5 (544); satisfied 1,087 = 39.3%.
    assert len(p.rows) == 2769 and p.rows.score.value_counts().to_dict() == {3: 580, 1: 553, 2: 549, 5: 544, 4: 543}
    assert p.rows.satisfied.sum() == 543 + 544
    assert "5,700 rows are not answers and were skipped: 5,700 empty." in p.warnings
    assert "Read as empty (missing-value tokens): Not Provided: 5,700 cells ('Resolution' 5,700)." in p.warnings


def test_a_zero_to_five_recommend_score_is_asked_not_read_as_nps():
    """A "Recommend score" from 0 to 5 starts at 0 like NPS, but no answer reaches 9: read as 0–10 every answer was
    a detractor (NPS −100, stored without a question). Asked, must confirm, with why."""
    data = b"customer_id,date,Recommend score\n" + b"".join(
        f"c{i},2026-03-{1 + i % 28:02d},{i % 6}\n".encode() for i in range(60))
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, kind="nps")
    q = _question(err.value, "scale:Recommend score")
    assert q.must_confirm and q.proposal == "0-10"
    assert "No answer is above 5" in q.detail and "every answer would count as a detractor" in q.detail
    # a 0–10 file whose top answer is 9 or 10 is settled by its values, as before
    full = b"customer_id,date,Recommend score\n" + b"".join(
        f"c{i},2026-03-{1 + i % 28:02d},{i % 11}\n".encode() for i in range(60))
    assert not any(q.key.startswith("scale:") and q.must_confirm for q in prepare_bytes(full, kind="nps").questions)


def test_satisfaction_words_are_a_csat_scale_with_neutral_not_satisfied():
    """Satisfied / Neutral / Unsatisfied was refused even with the Good/Bad scale chosen: 38 of 70 satisfied."""
    data = b"Survey ID,Customer ID,Date Submitted,Satisfaction\n" + b"".join(
        f"S{i},c{i},2026-03-{1 + i % 28:02d},{w}\n".encode()
        for i, w in enumerate(["Satisfied"] * 5 + ["Neutral"] * 3 + ["Unsatisfied"] * 2 + ["Very satisfied"]))
    p = prepare_bytes(data, kind="csat")
    assert p.rows.satisfied.tolist() == [True] * 5 + [False] * 5 + [True]
    assert any(w.startswith("3 answers are neutral") for w in p.warnings)


def test_a_scale_whose_best_answer_is_1_is_refused():
    """'1 - Very satisfied … 5 - Very dissatisfied' read as 5 = best gave CSAT 18.75% for 68.75%: no answer to the
    scale question can fix that, so the file is refused with what to do; a header saying so too."""
    labelled = b"Response ID,Date,CSAT\nR0,2026-07-01,1 - Very satisfied\nR1,2026-07-02,5 - Very dissatisfied\n"
    with pytest.raises(InvalidOptionError, match="'CSAT' puts the best answer at 1 \\('1 - Very satisfied' says so\\)"):
        prepare_bytes(labelled, kind="csat")
    header = b'Response ID,Date,"Satisfaction (1 = very satisfied, 5 = very dissatisfied)"\nR0,2026-07-01,1\n'
    with pytest.raises(InvalidOptionError, match="its header says so"):
        prepare_bytes(header, kind="csat")
    # the usual way round reads as before
    usual = b"Response ID,Date,CSAT\nR0,2026-07-01,5 - Very satisfied\nR1,2026-07-02,1 - Very dissatisfied\n"
    assert prepare_bytes(usual, kind="csat", answers={"scale:CSAT": "1-5"}).rows.satisfied.tolist() == [True, False]


def _one_stray(header: str, bulk: list[int], stray: int) -> bytes:
    """A survey export's shape: forty answers (`bulk` repeated to 40) in rows 2–41, then one stray answer in row
    42."""
    rows = [f"{i},C{i},2025-04-{1 + i % 28:02d},{bulk[i % len(bulk)]}" for i in range(40)]
    return (f'id,customer_id,date,"{header}"\n' + "\n".join(rows) + f"\n99,C99,2025-04-20,{stray}\n").encode()


FIVE = [5, 4, 4, 5, 3, 2, 1, 5, 4, 3]  # forty of these: 5 ×12, 4 ×12, 3 ×8, 2 ×4, 1 ×4; 24 of 40 satisfied (60%)
SEVEN = [7, 6, 6, 5, 4, 7, 2, 1, 6, 5]  # on 1–7: 7 ×8, 6 ×12 satisfied: 20 of 40 (50%)


def test_one_stray_10_among_forty_1_to_5_answers_is_asked_not_read_as_1_to_10():
    """Forty answers on 1–5 and one 10 (row 42) were stored on 1–10 unasked: only the 10 satisfied, CSAT 2.44%
    (1 of 41) for 60%. Asked, must confirm, 1–5 proposed, the stray answer's row in the detail; confirmed as 1–5 the
    10 is a bad row naming row and column; skipped, 24 of 40 are satisfied (60%)."""
    data = _one_stray("How satisfied are you?", FIVE, 10)
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, kind="csat")
    q = _question(err.value, "scale:How satisfied are you?")
    assert q.must_confirm and q.proposal == "1-5"
    assert "Only 1 of 41 answers is above 5 (row 42: 10); the other 40 are from 1 to 5." in q.detail
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, kind="csat", answers={"scale:How satisfied are you?": "1-5"})
    assert "outside the 1–5 scale" in str(err.value) and [(c.row, c.value) for c in err.value.cells] == [(42, "10")]
    p = prepare_bytes(data, kind="csat", answers={"scale:How satisfied are you?": "1-5"}, skip_invalid=True)
    assert len(p.rows) == 40 and p.rows.satisfied.sum() == 24 and (p.rows.scale == "1-5").all()
    # the analyst says the question offered 1–10: then (and only then) the 10 alone is satisfied
    p = prepare_bytes(data, kind="csat", answers={"scale:How satisfied are you?": "1-10-csat"})
    assert len(p.rows) == 41 and p.rows.satisfied.sum() == 1


def test_one_stray_7_among_forty_1_to_5_answers_is_asked_not_read_as_1_to_7():
    """Forty answers on 1–5 and one 7 were stored on 1–7 unasked (41 answers reach 7: seven_is_the_top): CSAT
    1 of 41 for 24 of 40. Asked, 1–5 proposed, the 7's row in the detail."""
    data = _one_stray("How satisfied are you?", FIVE, 7)
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, kind="csat")
    q = _question(err.value, "scale:How satisfied are you?")
    assert q.must_confirm and q.proposal == "1-5"
    assert "Only 1 of 41 answers is above 5 (row 42: 7)" in q.detail
    p = prepare_bytes(data, kind="csat", answers={"scale:How satisfied are you?": "1-5"}, skip_invalid=True)
    assert len(p.rows) == 40 and p.rows.satisfied.sum() == 24


def test_a_range_in_the_header_is_the_scale_and_an_answer_outside_it_a_bad_row():
    """'Satisfaction (1-7)' answered 1–7 forty times and 10 once was stored on 1–10 (satisfied only the 10): the
    header states 1–7, so the 10 is a bad row (row 42, named with its column), without a question; skipped, 20 of 40
    are satisfied (6 and 7: 50%)."""
    data = _one_stray("Satisfaction (1-7)", SEVEN, 10)
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, kind="csat")
    assert "'Satisfaction (1-7)'" in str(err.value) and "outside the 1–7 scale" in str(err.value)
    assert [(c.row, c.column, c.value) for c in err.value.cells] == [(42, "Satisfaction (1-7)", "10")]
    p = prepare_bytes(data, kind="csat", skip_invalid=True)
    q = _question(p, "scale:Satisfaction (1-7)")
    assert q.proposal == "1-7" and not q.must_confirm
    assert "The header states the scale: 1–7. 1 answer is outside it (row 42: 10)" in q.detail
    assert len(p.rows) == 40 and p.rows.satisfied.sum() == 20 and (p.rows.scale == "1-7").all()


def test_a_recommend_question_stated_on_1_to_5_is_never_nps_and_its_stray_9_is_a_bad_row():
    """'How likely are you to recommend us? (1-5)' uploaded as NPS, forty answers on 1–5 and one 9: stored as 0–10
    NPS −95.1 ((1 − 40) ÷ 41). The header states 1–5: asked (a 1–5 scale is CSAT, not the NPS it was uploaded as),
    1–5 proposed with the 9's row; confirmed, the 9 is a bad row; skipped, CSAT 24 of 40."""
    header = "How likely are you to recommend us? (1-5)"
    data = _one_stray(header, FIVE, 9)
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, kind="nps")
    q = _question(err.value, f"scale:{header}")
    assert q.must_confirm and q.proposal == "1-5"
    assert "The header states the scale: 1–5. 1 answer is outside it (row 42: 9)" in q.detail
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, kind="nps", answers={f"scale:{header}": "1-5"})
    assert "outside the 1–5 scale" in str(err.value) and [(c.row, c.value) for c in err.value.cells] == [(42, "9")]
    p = prepare_bytes(data, kind="nps", answers={f"scale:{header}": "1-5"}, skip_invalid=True)
    assert p.kind == "csat" and len(p.rows) == 40 and p.rows.satisfied.sum() == 24


def test_a_range_in_the_header_is_not_read_in_a_date_or_a_longer_number():
    """'Q1-5', '1-50', '1-10-2025' state no scale: the values decide, as before (0–10 answers, NPS, unasked)."""
    for header in ("Q1-5 likelihood to recommend", "recommend 1-50", "recommend survey 1-10-2025"):
        data = _one_stray(header, [0, 3, 6, 7, 8, 9, 10, 10], 9)
        p = prepare_bytes(data, kind="nps")
        q = _question(p, f"scale:{header}")
        assert q.proposal == "0-10" and not q.must_confirm and "header states" not in q.detail
