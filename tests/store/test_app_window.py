"""Pages when NPS responses run past the last revenue month: the period reaches them, revenue says why it is blank."""

import pytest
from conftest import REFERENCE, run_app

LATE = "r9,A,2025-06-10,9,,Email\nr10,D,2025-06-12,3,,Email\n"
SEED = ("customers", ("nps", ((REFERENCE / "nps.csv").read_text() + LATE).encode()), "revenue")
pytestmark = pytest.mark.usefixtures("app_workspace")
REASON = ("No revenue figures for a period ending Jun 2025: the revenue data covers Dec 2024 – Apr 2025. "
          "Choose a period that ends within it.")


def test_period_reaches_the_late_responses_and_revenue_is_blank_with_the_reason():
    at = run_app()
    assert at.select_slider(key="period").options[-1] == "Jun 2025"
    tiles = {m.label: m.value for m in at.metric}
    # Default period Dec 2024 – Jun 2025: all 10 responses (promoters r1 r5 r6 r7 r9 = 5, detractors r2 r4 r10
    # = 3) → NPS 100 × (5 − 3) ÷ 10 = +20, on n = 10: fewer than 30 responses, so the tile shows "—" and the n.
    assert tiles["NPS"] == "—"
    assert any("n = 10" in c.value for c in at.caption)
    assert "ARR" not in tiles and "NRR (12 months)" not in tiles
    # The customer list covers every month (customers stay until they churn): logo churn Dec 2024 – Jun 2025 is
    # the reference's 2 churned of 10 active-at-start (Dec–Apr) plus May and Jun with A and D active, none
    # churned: 2 ÷ 14 = 14.3%.
    assert tiles["Logo churn (monthly)"] == "14.3%"
    assert REASON in [i.value for i in at.info]
    assert not any("outside the chosen period" in w.value for w in at.warning)
    cfo = run_app("pages/cfo.py")
    assert not cfo.metric and any(REASON in w.value for w in cfo.warning)


def test_a_period_within_the_revenue_months_shows_revenue():
    at = run_app(period=["Jan 2025", "Apr 2025"])
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["ARR"] == "$4.2K"  # Apr 2025: A 150 + D 200 = 350 MRR × 12
    assert not any("No revenue figures" in i.value for i in at.info)


def test_one_click_moves_the_period_to_the_months_with_revenue():
    """The default period ends at the late responses (Jun 2025), past the revenue; the button under the warning
    moves it to end at Apr 2025, the revenue's last month (same length, from the data's first month): ARR shows."""
    at = run_app()
    button = at.button(key="to_revenue_period")
    assert button.label == "Show Dec 2024 – Apr 2025, the months with revenue"
    at = button.click().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["ARR"] == "$4.2K"  # Apr 2025: A 150 + D 200 = 350 MRR × 12
    assert not any("No revenue figures" in w.value for w in at.warning)
    within = run_app(period=["Jan 2025", "Apr 2025"])
    assert not [b for b in within.button if b.key == "to_revenue_period"]
