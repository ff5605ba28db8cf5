"""Pages on a workspace with NPS answers and revenue but no customer list: the estimates that rest on the detractor
churn gap name the missing list, not the count they could not make ("have 0 and 0")."""

import pytest
from conftest import run_app

SEED = ("nps", "revenue")  # the reference responses and revenue, no customers file
pytestmark = pytest.mark.usefixtures("app_workspace")


def test_cfo_estimates_name_the_missing_customer_list():
    cfo = run_app("pages/cfo.py")
    tiles = {m.label: m.value for m in cfo.metric}
    # Reference revenue, Apr 2025: A 150 + D 200 = MRR 350 → ARR 12 × 350 = 4,200
    assert tiles["ARR"] == "$4.2K"
    assert tiles["Revenue at risk (12 months)"] == "—"
    captions = [c.value for c in cfo.caption]
    # under the tile above, under "Revenue at risk (NPS gap)" in the risk row, and under LTV (its churn is read from
    # the customer list: it said "churn needs customers of a customers file active in the period, and there are none")
    assert captions.count("not measurable: needs a customer list for the period") == 3, captions
    assert not any("have 0 and 0" in c for c in captions)
    what_if = [i.value for i in cfo.info if i.value.startswith("Detractors turned into")]
    assert what_if == ["Detractors turned into passives: not measurable (needs a customer list for the period). "
                       "No churn avoided or ARR kept is claimed."]
