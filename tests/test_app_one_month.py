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
