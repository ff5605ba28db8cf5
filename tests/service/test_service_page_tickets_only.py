"""Tickets without a customer list (a help-desk export alone): the tiles that need customers say that is why they
are blank, not a reason about the tickets (found with RavenStack's tickets: "some tickets have no created time")."""

import pytest
from conftest import run_app
from test_service_page_empty import TICKETS

SEED = (("tickets", TICKETS),)
pytestmark = pytest.mark.usefixtures("app_workspace")


def test_contact_rate_names_the_missing_customer_list():
    at = run_app("pages/service.py")
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Tickets created"] == "4"  # T1–T4, Mar–Apr 2025: counted, every ticket has its created time
    captions = [c.value for c in at.caption]
    assert "contact rate not measurable: no active customers (no customer list in the period)" in captions
    assert "not measurable: some tickets have no created time" not in captions
    # the rates read what they can: T1–T3 solved, the export has no reopen counts or escalation flags
    assert "not measurable: the export has no reopen counts for the period's 3 solved tickets" in captions
    assert "Reopen rate: the export has no reopen counts for the period's 3 solved tickets." in captions
