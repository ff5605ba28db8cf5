"""A help desk's satisfaction ratings with one stray high value: forty ratings on 1–5 (5, 4, 4, 5, 3, 2, 1, 5, 4, 3
four times: 24 of them 4 or 5) and one 10 were read on 1–10 unasked, so only the 10 counted as satisfied (CSAT 1 of
41, 2.4%, for 24 of 40, 60%). As for the CSAT kind (scales.STRAY_SHARE): asked, must confirm, 1–5 proposed."""

from __future__ import annotations

import pytest
from conftest import prepare_bytes

from metrics.errors import InvalidValuesError, NeedsAnswerError

FIVE = [5, 4, 4, 5, 3, 2, 1, 5, 4, 3] * 4


def _tickets(ratings: list[int]) -> bytes:
    rows = ["ticket_id,customer_id,created_at,solved_at,status,satisfaction"]
    rows += [f"t{i},C{i},2024-03-05 10:00,2024-03-05 12:00,solved,{r}" for i, r in enumerate(ratings, 1)]
    return ("\n".join(rows) + "\n").encode()


def test_one_stray_10_among_forty_1_to_5_ratings_is_asked_not_read_as_1_to_10():
    data = _tickets([*FIVE, 10])
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, "tickets")
    q = next(q for q in err.value.questions if q.key == "csat_scale:satisfaction")
    assert q.must_confirm and q.proposal == "1-5"
    assert "Only 1 of 41 ratings is above 5" in q.detail
    with pytest.raises(InvalidValuesError) as err:  # on 1–5 the 10 is a bad row, named
        prepare_bytes(data, "tickets", answers={"csat_scale:satisfaction": "1-5"})
    assert [(c.row, c.value) for c in err.value.cells] == [(42, "10")]
    rows = prepare_bytes(data, "tickets", answers={"csat_scale:satisfaction": "1-5"}, skip_invalid=True).rows
    assert len(rows) == 40 and rows.csat_satisfied.sum() == 24
    # the analyst says the survey offered 1–10: then, and only then, the 10 alone is satisfied
    rows = prepare_bytes(data, "tickets", answers={"csat_scale:satisfaction": "1-10"}).rows
    assert len(rows) == 41 and rows.csat_satisfied.sum() == 1


def test_one_stray_7_among_forty_1_to_5_ratings_is_asked():
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(_tickets([*FIVE, 7]), "tickets")
    q = next(q for q in err.value.questions if q.key == "csat_scale:satisfaction")
    assert q.must_confirm and q.proposal == "1-5" and "Only 1 of 41 ratings is above 5" in q.detail


def test_ratings_spread_over_1_to_10_are_read_unasked():
    ratings = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] * 4  # 20 of 40 above 5: a 10-point scale, 8 satisfied (9 and 10)
    rows = prepare_bytes(_tickets(ratings), "tickets").rows
    assert (rows.csat_scale == "1-10").all() and rows.csat_satisfied.sum() == 8
