"""The question mechanism: answers win, proposals fill in unless a question must be confirmed."""

import pytest

from metrics.errors import InvalidOptionError, NeedsAnswerError
from metrics.ingest.questions import Question, Questions

UNIT = Question("tenure_unit:tenure", "Unit of 'tenure'?", ("months", "years", "days"), proposal="months")
SCALE = Question("scale:Score", "Scale of 'Score'?", ("0-10", "1-5"), proposal="1-5", must_confirm=True)
CHURNED = Question("churned_values:Status", "Which values mean churned?", ("Churned", "Stayed", "Joined"),
                   proposal=["Churned"], multi=True, must_confirm=True)


def test_proposal_used_unless_must_confirm():
    q = Questions()
    assert q.ask(UNIT) == "months"
    assert q.ask(SCALE) is None
    assert [x.key for x in q.unanswered()] == ["scale:Score"]
    with pytest.raises(NeedsAnswerError) as err:
        q.settle()
    assert [x.key for x in err.value.asked] == ["tenure_unit:tenure", "scale:Score"]
    assert "proposed: 1-5" in str(err.value)
    assert q.effective() == {"tenure_unit:tenure": "months"}


def test_answers_win_and_are_checked():
    q = Questions({"tenure_unit:tenure": "years", "scale:Score": "0-10", "churned_values:Status": "Churned,Joined"})
    assert q.ask(UNIT) == "years"
    assert q.ask(SCALE) == "0-10"
    assert q.ask(CHURNED) == ["Churned", "Joined"]
    q.settle()
    assert q.effective() == {"tenure_unit:tenure": "years", "scale:Score": "0-10",
                             "churned_values:Status": ["Churned", "Joined"]}
    with pytest.raises(InvalidOptionError, match="'weeks' is not an answer"):
        Questions({"tenure_unit:tenure": "weeks"}).ask(UNIT)
    assert Questions({"churned_values:Status": []}).ask(CHURNED) == []


def test_a_none_answer_leaves_the_question_open_and_other_types_are_refused_by_key():
    q = Questions({"scale:Score": None})
    assert q.ask(SCALE) is None and [x.key for x in q.unanswered()] == ["scale:Score"]
    with pytest.raises(NeedsAnswerError):
        q.settle()
    with pytest.raises(InvalidOptionError, match="The answer to 'scale:Score' must be text or a list of texts, "
                                                 "not 5."):
        Questions({"scale:Score": 5})
    with pytest.raises(InvalidOptionError, match=r"not \['Churned', 1\]"):
        Questions({"churned_values:Status": ["Churned", 1]})


def test_an_answer_typed_as_its_words_is_read_as_its_code():
    """`metrics.load --answer "date_format:Date=DD/MM/YYYY"`: the words the question shows, not only its code
    (%d/%m/%Y), are an answer; words two choices share, or none has, are refused naming both forms."""
    labels = {"%m/%d/%Y": "MM/DD/YYYY: '03/04/2025' is 4 March 2025",
              "%d/%m/%Y": "DD/MM/YYYY: '03/04/2025' is 3 April 2025"}
    q = Question("date_format:Date", "Which date format does 'Date' use?", tuple(labels), labels, "%m/%d/%Y",
                 must_confirm=True)
    assert Questions({"date_format:Date": "dd/mm/yyyy"}).ask(q) == "%d/%m/%Y"
    assert Questions({"date_format:Date": "%m/%d/%Y"}).ask(q) == "%m/%d/%Y"
    with pytest.raises(InvalidOptionError, match=r"choose one of: %m/%d/%Y \(MM/DD/YYYY\), %d/%m/%Y \(DD/MM/YYYY\)\."):
        Questions({"date_format:Date": "YYYY"}).ask(q)
