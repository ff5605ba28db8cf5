"""The CSAT tile on the CEO and CMO pages (AppTest), on the hand-built answers of test_csat.py."""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd
import pytest
import streamlit as st
from conftest import run_app
from test_csat import ROWS, answers

from metrics.store import NewUpload, Workspace


@pytest.fixture(scope="module", autouse=True)
def csat_workspace(tmp_path_factory):
    path = tmp_path_factory.mktemp("csat") / "workspace.duckdb"
    ws = Workspace(path)
    customers = pd.DataFrame({"customer_id": ["C1"], "name": ["One"], "start_date": pd.to_datetime(["2025-06-01"]),
                              "churn_date": pd.to_datetime([None]), "segment": ["Mid-Market"], "region": ["EMEA"],
                              "plan": [None]})
    ws.commit([NewUpload("customers", "customers.csv", "c" * 64, customers),
               NewUpload("csat", "csat.csv", "s" * 64, answers(ROWS), first_date=dt.date(2026, 1, 10),
                         last_date=dt.date(2026, 3, 5))])
    survey = pd.DataFrame({"row_number": [2], "response_id": ["n1"], "customer_id": ["C1"],
                           "response_date": pd.to_datetime(["2025-06-20"]), "score": [9], "comment": [None],
                           "segment": [None], "region": [None], "channel": ["Email"]})
    ws.commit([NewUpload("nps", "nps.csv", "n" * 64, survey, first_date=dt.date(2025, 6, 20),
                         last_date=dt.date(2025, 6, 20))])  # #2: one NPS answer of Jun 2025; the CSAT answers stay
    ws.close()
    os.environ["CX_WORKSPACE"] = str(path)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()
    os.environ.pop("CX_WORKSPACE", None)


@pytest.mark.parametrize("page", ["pages/ceo.py", "pages/cmo.py"])
def test_csat_tile_with_n_and_interval(page):
    at = run_app(page)
    # Jun 2025 – Mar 2026 (the months of the data: the NPS answer to the last CSAT answer): all 52 answers,
    # 36 satisfied → 69.2 %. Wilson: centre (0.692308 + 3.8416/104) ÷ (1 + 3.8416/52) = 0.679078, half 0.121776
    # → 55.7 % – 80.1 %. Two scales: no mean.
    assert {m.label: m.value for m in at.metric}["CSAT"] == "69.2%"
    assert "n = 52 · 95%: 55.7%–80.1%" in [c.value for c in at.caption]
    assert not any("CSAT" in i.value for i in at.info)


def test_csat_tile_too_few_answers_says_why():
    at = run_app("pages/cmo.py", period=["Mar 2026", "Mar 2026"])
    assert {m.label: m.value for m in at.metric}["CSAT"] == "—"
    assert "n = 12: too few answers in the period for a CSAT (needs 30)." in [c.value for c in at.caption]


def test_csat_tile_mean_on_its_scale():
    at = run_app("pages/ceo.py", period=["Jan 2026", "Feb 2026"])
    # 40 answers on 1–5, 26 satisfied → 65.0 %, Wilson 49.5 % – 77.9 %; mean 152 ÷ 40 = 3.8 on 1–5
    assert {m.label: m.value for m in at.metric}["CSAT"] == "65.0%"
    assert "n = 40 · 95%: 49.5%–77.9% · mean 3.8 on 1–5" in [c.value for c in at.caption]


def test_csat_outside_the_period_says_so():
    at = run_app("pages/cmo.py", period=["Jun 2025", "Aug 2025"])  # the NPS answer's months, before any CSAT
    assert "CSAT" not in {m.label for m in at.metric}
    assert "No CSAT answers in this period: they cover Jan 2026 – Mar 2026." in [i.value for i in at.info]
