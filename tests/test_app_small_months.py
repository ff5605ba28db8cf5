"""Monthly NPS is not drawn on a handful of answers, as sentiment and ticket CSAT are not: a month of 8 answers read
"+37.5" on the CEO's line. The months left out are named with their n; with none left, a caption replaces the chart."""

import pytest
from conftest import run_app

# 35 answers in January 2026 (30 or more: drawn), 8 in February and 12 in March (left out)
ROWS = ["response_id,customer_id,responded_at,score"]
for month, count in ((1, 35), (2, 8), (3, 12)):
    ROWS += [f"r{month}-{i},c{i},2026-{month:02d}-{1 + i % 27:02d},{(7, 9, 3, 10)[i % 4]}" for i in range(count)]
SEED = (("nps", ("\n".join(ROWS) + "\n").encode()),)
pytestmark = pytest.mark.usefixtures("app_workspace")


@pytest.mark.parametrize("page", ["pages/ceo.py", "pages/cmo.py"])
def test_months_with_few_answers_are_left_out_of_the_nps_line_and_named(page):
    at = run_app(page)
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert "Months with fewer than 30 responses are left out of the line: Feb 2026 (8), Mar 2026 (12)." in captions


def test_a_period_of_small_months_draws_no_nps_line():
    at = run_app("pages/ceo.py", period=["Feb 2026", "Mar 2026"])
    assert not at.exception
    assert ("No month of the period has 30 responses, so NPS is not drawn by month; the NPS above pools the whole "
            "period.") in [c.value for c in at.caption]
