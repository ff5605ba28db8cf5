"""NPS and CSAT before vs after a ticket on the sample company: metrics.service_value.after_ticket equals the plain
pandas recomputation (after_ticket_reference.py, no shared code), and the simulation's link shows: a slow or
escalated ticket lowers the customer's later answers (sample_data/generate.py, SERVICE_MOOD_*), while tickets solved
within the target leave no clear change."""

import datetime as dt

import pandas as pd
import pytest
from after_ticket_reference import after_ticket as reference
from conftest import SAMPLE

from metrics import service_value
from metrics.view import View

WINDOW = (dt.date(2025, 11, 1), dt.date(2026, 10, 1))   # the page's default period: Nov 2025 – Oct 2026


@pytest.fixture(scope="module")
def got(sample_ws):
    snap = sample_ws.snapshot()
    view, tv = View(snap.snapshot, *WINDOW), snap.versions["tickets"]
    return {m: service_value.after_ticket(sample_ws.cursor(), view, tv, m) for m in ("nps", "csat")}


@pytest.mark.parametrize("measure", ["nps", "csat"])
def test_equals_the_pandas_recomputation(got, measure):
    want = reference(SAMPLE, measure, "2025-11-01", "2026-11-01")
    mine = got[measure]
    assert mine.speed.tolist() == want.speed.tolist()
    assert mine.tickets.tolist() == want.tickets.tolist() and mine.pairs.tolist() == want.pairs.tolist()
    for column in ("before", "after", "change", "low", "high"):
        shown = ~mine.too_small
        assert mine.loc[shown, column].astype(float).tolist() == pytest.approx(want.loc[shown, column].tolist()), column
        assert mine.loc[~shown, column].isna().all()


def test_slow_and_escalated_tickets_lower_later_nps_in_the_sample(got):
    nps = got["nps"].set_index("speed")
    print(nps.to_string())
    assert nps.loc["Over target", "high"] < 0 and nps.loc["Escalated", "high"] < 0
    assert nps.loc["Within target", "verdict"] == service_value.NO_CLEAR_CHANGE
    assert (nps.pairs >= 30).all() and not nps.too_small.any()
    csat = got["csat"].set_index("speed")
    print(csat.to_string())
    assert pd.Series(csat.pairs).sum() > 0
