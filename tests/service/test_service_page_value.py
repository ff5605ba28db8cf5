"""The Service page on the hand-worked before/after data set of test_service_value.py (NPS, CSAT and tickets only,
March 2024): the before/after tables show the figures worked out there; the tickets start inside the previous
period (Feb 2024), so no tile shows a change; no customer list, so churn by experience says so."""

import pytest
from conftest import run_app
from test_service_value import _csat, _nps, _tickets

SEED = (("nps", _nps()), ("csat", _csat()), ("tickets", _tickets()))
pytestmark = pytest.mark.usefixtures("app_workspace")


@pytest.fixture(scope="module")
def page():
    return run_app("pages/service.py", period=["Mar 2024", "Mar 2024"])


def test_before_after_tables(page):
    tables = {d.value.columns[0]: d.value for d in page.dataframe}
    nps = tables["Resolution (NPS)"].set_index("Resolution (NPS)")
    assert nps.loc["Over target"].tolist() == ["42", "40", "+100", "+25",
                                               "-75.0 points, lower after (95%: -101.0 to -49.0 points)"]
    assert nps.loc["Within target"].tolist() == ["30", "30", "0", "0", "no clear change (95%: -21.0 to +21.0 points)"]
    assert nps.loc["Escalated"].tolist() == ["3", "3", "—", "—", "—"]
    csat = tables["Resolution (CSAT)"].set_index("Resolution (CSAT)")
    assert csat.loc["Over target"].tolist() == ["42", "30", "100.0%", "50.0%",
                                                "-50.0 pp, lower after (95%: -68.2 to -31.8 pp)"]
    assert csat.loc["Within target", "Change"] == "—"
    captions = [c.value for c in page.caption]
    assert "“—”: fewer than 30 customers with an answer before and after." in captions


def test_no_change_without_tickets_in_the_previous_period(page):
    assert page.metric and all(m.proto.delta == "" for m in page.metric)
    assert not any("previous period" in c.value for c in page.caption)
    assert page.info[0].value == "No customer list uploaded yet — upload on the Data page."
