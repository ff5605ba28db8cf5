"""One export holding the answers of several surveys (a survey name or type column): only the NPS (or CSAT) survey's
answers are read as such. Hand figures: the NPS survey's 9, 3 and 7 give NPS (1 − 1) / 3 = 0; with the CSAT survey's
5 out of 5 read as a fourth NPS answer it was (1 − 2) / 4 = −25."""

from __future__ import annotations

import pytest
from conftest import prepare_bytes

from metrics.errors import NeedsAnswerError

FEEDBACK = b"""Submission date,Contact email,Survey name,Rating,Response
2026-01-05 10:02,ann@acme.example,Q1 NPS,9,Great product
2026-01-06 11:00,bob@beta.example,Q1 NPS,3,Too slow
2026-01-07 12:00,cy@gamma.example,Q1 NPS,7,
2026-01-08 12:00,di@delta.example,Support CSAT,5,Thanks
"""
NPS_SCALE = {"scale:Rating": "0-10"}


def test_the_nps_survey_named_so_is_proposed_and_the_others_left_out_counted():
    p = prepare_bytes(FEEDBACK, "nps", answers=NPS_SCALE)
    assert sorted(int(s) for s in p.rows.score) == [3, 7, 9]
    q = next(q for q in p.questions if q.key == "surveys:Survey name")
    assert q.proposal == ["Q1 NPS"] and not q.must_confirm and q.multi
    assert "1 answer of other surveys in 'Survey name' left out, as answered: Support CSAT (1)." in p.warnings


def test_surveys_whose_names_say_nothing_must_be_answered():
    data = FEEDBACK.replace(b"Q1 NPS", b"Spring pulse").replace(b"Support CSAT", b"Helpdesk")
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, "nps", answers=NPS_SCALE)
    q = next(q for q in err.value.questions if q.key == "surveys:Survey name")
    assert q.must_confirm and q.proposal is None and set(q.choices) == {"Spring pulse", "Helpdesk"}
    assert "Spring pulse (3), Helpdesk (1)" in q.detail
    both = prepare_bytes(data, "nps", answers={**NPS_SCALE, "surveys:Survey name": ["Spring pulse", "Helpdesk"]})
    assert len(both.rows) == 4 and not any("other surveys" in w for w in both.warnings)


def test_a_csat_upload_keeps_the_csat_survey():
    p = prepare_bytes(FEEDBACK, "csat", answers={"scale:Rating": "1-5"})
    assert len(p.rows) == 1 and "3 answers of other surveys in 'Survey name' left out, as answered: Q1 NPS (3)." \
        in p.warnings


def test_one_survey_named_asks_nothing():
    data = b"".join(line + b"\n" for line in FEEDBACK.splitlines() if b"CSAT" not in line)
    p = prepare_bytes(data, "nps", answers=NPS_SCALE)
    assert len(p.rows) == 3 and not any(q.key.startswith("surveys:") for q in p.questions)
