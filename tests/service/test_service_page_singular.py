"""Counts of one on the Service and CEO pages take the singular noun ("1 customer, 1 ticket", not "1 customers,
1 tickets"), through metrics.definitions.plural. The hand-worked reference data, plus one open urgent ticket."""

import pytest
from conftest import run_app

TICKETS = b"""ticket_id,organization_id,created_at,first_reply_at,solved_at,status,priority,channel,subject
T1,A,2025-04-02 10:00:00,2025-04-30 10:00:00,,open,Urgent,Email,Invoice billing is wrong
"""
SEED = ("customers", "nps", "revenue", ("tickets", TICKETS))
pytestmark = pytest.mark.usefixtures("app_workspace")


def test_one_slow_ticket_and_one_subject_are_singular():
    captions = [c.value for c in run_app("pages/service.py").caption]
    # T1 is open at its first reply, 30 Apr 2025 10:00, the export's latest time (s25: the figure is measured then,
    # not at the end of Apr), 28 days old: customer A's $150 MRR × 12 of $4,200 ARR
    assert ("ARR touched by tickets open longer than 24 h at 30 Apr 2025 10:00 (the export's latest time): **$1.8K** "
            "(42.9% of ARR), 1 customer, 1 ticket.") in captions
    assert any(c.startswith("Subject themes: 1 of 1 ticket's subject raises a known theme (") for c in captions)


def test_ceo_population_of_one_customer_is_singular():
    # D is the one customer active on 1 Jan 2025 (the reference data: see tests/test_metrics.py)
    captions = [c.value for c in run_app(period=["Jan 2025", "Apr 2025"]).caption]
    assert any(c.startswith("**Population here: the 1 customer active on 01 Jan 2025**, grouped by") for c in captions)
