"""A file left with no row says why in the words of its kind: a subscription list whose every subscription starts
after the as-of date was refused as "No usable rows remain after skipping unanswered responses", a survey's
message."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import prepare_bytes

from metrics.errors import EmptyFileError


def test_subscriptions_all_after_the_as_of_date_are_said_so():
    data = b"customer_id,start_date,end_date,mrr\nA,2025-06-01,,50\nB,2025-07-01,,80\n"
    with pytest.raises(EmptyFileError) as err:
        prepare_bytes(data, "revenue", as_of=dt.date(2025, 3, 31), answers={"currency:mrr": "USD"})
    said = str(err.value)
    assert "unanswered responses" not in said
    assert "start after the as-of date, 2025-03-31" in said
