"""Pages on the smallest revenue there is: one customer, one month (no month before it, so no movements)."""

import pytest
from conftest import run_app

SEED = (("revenue", b"customer_id,month,mrr\nA,2026-01,5\n"),)
pytestmark = pytest.mark.usefixtures("app_workspace")


@pytest.mark.parametrize("page", ["pages/ceo.py", "pages/cfo.py", "pages/cmo.py", "pages/cio.py"])
def test_pages_render(page):
    run_app(page)


def test_cfo_shows_the_one_month():
    at = run_app("pages/cfo.py")
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["ARR"] == "$60" and tiles["MRR"] == "$5" and tiles["ARPA"] == "$5"
    assert any("MRR movements need the month before" in c.value for c in at.caption)
    # one month of revenue: no period can have retention (it needs Jan 2027), so no "choose a later period"
    assert ("Retention needs revenue from 12 months before each month shown. No period can show it yet: it needs a "
            "period ending in Jan 2027 or later, and the revenue data ends in Jan 2026.") in [i.value for i in at.info]


def test_one_paying_customer_is_singular():
    # the ARR tile's note read "Jan 2026 · 1 paying customers"
    captions = [c.value for c in run_app("pages/cfo.py").caption]
    assert "Jan 2026 · 1 paying customer" in captions


def test_ceo_and_cfo_say_why_nrr_is_blank_in_the_same_words():
    # CEO read "needs 13 months of revenue", CFO "needs revenue 12 months before the period's end"
    said = "not measurable: needs revenue from Jan 2025, 12 months before Jan 2026"
    for page in ("pages/ceo.py", "pages/cfo.py"):
        assert said in [c.value for c in run_app(page).caption], page
