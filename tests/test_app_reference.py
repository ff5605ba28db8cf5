"""Pages on the hand-built reference data (tests/fixtures/reference; the figures are worked out in
test_metrics.py's docstring): what a tile shows when samples are small, a change is noise, or there is nothing
before the period."""

import pytest
from conftest import run_app
from streamlit.proto.Metric_pb2 import Metric as MetricProto

SEED = ("customers", "nps", "revenue")
pytestmark = pytest.mark.usefixtures("app_workspace")
GRAY, UP, NONE = MetricProto.MetricColor.GRAY, MetricProto.MetricDirection.UP, MetricProto.MetricDirection.NONE


def metric(at, label):
    return next(m for m in at.metric if m.label == label)


def test_a_change_that_is_not_significant_is_grey_and_says_so():
    # Mar–Apr 2025 vs Jan–Feb 2025. Logo churn now: Mar B of A, B, D; Apr E of A, D, E → 2 of 6 = 33.3%.
    # Before: Jan 0 of D; Feb 0 of A, B, D (C starts and churns in Feb: neither) → 0 of 4.
    # Two-proportion z = .3333 ÷ √(.2 × .8 × (1/6 + 1/4)) = 1.29 < 1.96: not significant.
    at = run_app(period=["Mar 2025", "Apr 2025"])
    churn = metric(at, "Logo churn (monthly)")
    assert (churn.value, churn.proto.delta) == ("33.3%", "+33.3 pp")
    assert churn.proto.color == GRAY and churn.proto.direction == NONE  # neither colour nor arrow
    assert "not statistically significant" in churn.proto.help and "two-proportion test" in churn.proto.help


def test_survey_volume_change_is_neutral():
    # Responses Mar–Apr r6 r7 r8 = 3 vs Jan–Feb r2 r3 r4 r5 = 4: "-1", an arrow down but not red
    responses = metric(run_app("pages/cmo.py", period=["Mar 2025", "Apr 2025"]), "Responses")
    assert (responses.value, responses.proto.delta, responses.proto.color) == ("3", "-1", GRAY)


def test_small_samples_show_a_dash_and_the_reason():
    # Mar–Apr responses r6, r7, r8: n = 3 (< 30) → no NPS, no change, the reason instead
    at = run_app(period=["Mar 2025", "Apr 2025"])
    nps = metric(at, "NPS")
    assert (nps.value, nps.proto.delta) == ("—", "")
    assert "n = 3, fewer than 30 responses" in [c.value for c in at.caption]
    # Promoter LTV rests on promoters (fewer than 30 here) and their churns (none, < 10) → "—" with both reasons
    ltv = metric(at, "Promoter LTV")
    assert ltv.value == "—"
    assert any(c.value.startswith("not measurable: n = ") and c.value.endswith(
        ", fewer than 30 customers; n = 0, fewer than 10 churned customers") for c in at.caption)


def test_first_period_has_no_change_at_all():
    # The default period is all five months of data (Dec 2024 – Apr 2025): nothing before it.
    at = run_app("pages/cmo.py")
    responses = metric(at, "Responses")
    assert (responses.value, responses.proto.delta, responses.proto.direction) == ("8", "", NONE)
    # New customers (A, B, C, D, E all start Dec–Apr) answered r1 r2 r3 r4 r6 r7: n = 6 → no headline NPS
    assert metric(at, "New customers' NPS").value == "—"
    assert "n = 6, fewer than 30 responses" in [c.value for c in at.caption]


def test_cfo_ltv_and_revenue_at_risk_are_not_claimed():
    at = run_app("pages/cfo.py")
    assert metric(at, "LTV").value == "—"
    captions = [c.value for c in at.caption]
    # churned customers Dec–Apr: B (Mar) and E (Apr) = 2
    assert "not measurable: n = 2, fewer than 10 churned customers" in captions
    assert metric(at, "Revenue at risk (12 months)").value == "—"
    assert any(c.startswith("not measurable: needs ≥ 30 detractors and promoters") for c in captions)



def test_movers_below_30_responses_show_no_nps_or_change():
    # Mar–Apr vs Jan–Feb by segment: Enterprise 1 vs 1 response, SMB 1 vs 2, no segment 1 vs 1 — all < 30, so
    # the "+200 pts" style changes of test_metrics.test_movers are not shown as numbers.
    at = run_app(period=["Mar 2025", "Apr 2025"])
    movers = next(d.value for d in at.dataframe if "Segment" in d.value.columns)
    assert movers["Segment"].tolist() == ["Enterprise", "SMB", "No segment recorded"]
    assert movers["NPS"].tolist() == ["—"] * 3 and movers["Change"].tolist() == ["—"] * 3
    assert movers["n"].tolist() == [1, 1, 1]
    assert "“—”: fewer than 30 responses in the period or the one before." in [c.value for c in at.caption]
