"""Pages on a workspace with only some kinds of data (no revenue): no exception, blanks and clear notices."""

import pytest
from conftest import run_app

SEED = ("customers", "nps")  # the reference customers and responses, no revenue
pytestmark = pytest.mark.usefixtures("app_workspace")


@pytest.mark.parametrize("page", ["pages/ceo.py", "pages/cfo.py", "pages/cmo.py", "pages/cio.py", "pages/data.py",
                                  "pages/glossary.py"])
def test_every_page_renders_without_revenue(page):
    at = run_app(page)
    if page != "pages/data.py" and page != "pages/glossary.py":
        assert any("no revenue data" in w.value for w in at.warning)


def test_revenue_figures_are_blank_not_zero():
    tiles = {m.label: m.value for m in run_app().metric}
    assert tiles["ARR"] == "—" and tiles["NRR (12 months)"] == "—"
    # Reference customers Dec 2024 – Apr 2025 (the window: the 5 months of data): 2 churned of 10 → 20.0%
    assert tiles["Logo churn (monthly)"] == "20.0%"
    cfo = run_app("pages/cfo.py")
    assert not cfo.metric and "No revenue data for this selection" in cfo.info[0].value
