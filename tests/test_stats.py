"""Statistics checked against arithmetic done by hand (shown in the comments)."""

import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from metrics import stats
from metrics.rules import MIN_RESPONSES


def test_nps_plain():
    # 3 promoters, 2 detractors of 7: 100 × (3 − 2) ÷ 7 = 14.2857…
    assert stats.nps(3, 2, 7) == pytest.approx(100 / 7)
    assert stats.nps(0, 0, 0) is None


def test_nps_adjusted_wald_interval():
    # n' = 10, p' = 3.75/10 = .375, d' = 2.75/10 = .275, e = .1,
    # se = √((.375 + .275 − .01) ÷ 10) = √.064 = .252982…, 1.96 se = .495845…
    ci = stats.nps_interval(3, 2, 7)
    assert ci.estimate == pytest.approx(14.285714, abs=1e-6)
    assert ci.low == pytest.approx(100 * (0.1 - 1.96 * math.sqrt(0.064)))
    assert ci.low == pytest.approx(-39.5845, abs=1e-4)
    assert ci.high == pytest.approx(59.5845, abs=1e-4)
    assert ci.margin == pytest.approx(49.5845, abs=1e-4)


def test_nps_interval_follows_the_rule_even_where_it_misses_an_extreme_estimate():
    # 1 detractor of 1: n' = 4, p' = .1875, d' = .4375, e = −.25, se = .375 → −98.5…+48.5, which misses
    # the NPS of −100; METRICS.md's interval as it is (pages never show an NPS from one response).
    ci = stats.nps_interval(0, 1, 1)
    assert (ci.estimate, ci.low, ci.high) == (-100.0, pytest.approx(-98.5), pytest.approx(48.5))


def test_nps_interval_is_clipped_and_empty():
    # 1 P of 1: n' = 4, p' = .4375, d' = .1875, e = .25, se = √((.625 − .0625) ÷ 4) = .375 → −48.5…98.5
    assert (stats.nps_interval(1, 0, 1).low, stats.nps_interval(1, 0, 1).high) == (pytest.approx(-48.5),
                                                                                    pytest.approx(98.5))
    # 50 P of 50: e = (50.75 − .75) ÷ 53 = .9434, se = .0393 → 100 × (e + 1.96 se) > 100, clipped
    assert stats.nps_interval(50, 0, 50).high == 100.0
    assert stats.nps_interval(0, 0, 0).estimate is None


def test_nps_z():
    # a = (3 P, 2 D, n 7): Var = 100² (5/7 − (1/7)²) ÷ 7 = 991.2536…
    # b = (2 P, 0 D, n 4): NPS 50, Var = 100² (.5 − .25) ÷ 4 = 625
    # z = (14.2857 − 50) ÷ √1616.2536 = −0.88836
    assert stats.nps_variance(2, 0, 4) == pytest.approx(625)
    assert stats.nps_z((3, 2, 7), (2, 0, 4)) == pytest.approx(-0.88836, abs=1e-5)
    assert stats.nps_z((3, 2, 7), (0, 0, 0)) is None
    assert stats.nps_z((4, 0, 4), (2, 0, 2)) is None  # zero variance on both sides


def test_wilson():
    # 1 of 1: centre = (1 + 1.9208) ÷ 4.8416 = .603272, half = 1.96 √(3.8416/4) ÷ 4.8416 = .396728
    ci = stats.wilson(1, 1)
    assert ci.estimate == 1.0
    assert ci.low == pytest.approx(0.206544, abs=1e-6)
    assert ci.high == pytest.approx(1.0)
    # 0 of 10: p = 0, centre = .19208 ÷ 1.38416 = .138770, half = 1.96 √(.0096040) ÷ 1.38416 = .138770
    ci = stats.wilson(0, 10)
    assert (ci.low, ci.high) == (pytest.approx(0.0, abs=1e-12), pytest.approx(0.277540, abs=1e-6))
    assert stats.wilson(0, 0).estimate is None


def test_annualise_compounds():
    # .98² = .9604, .98⁴ = .92236816, .98⁸ = .85076302, .98¹² = .78471670 → 1 − .78471670 = .21528330,
    # not 12 × .02 = .24
    assert stats.annualise(0.02) == pytest.approx(0.2152833, abs=1e-7)
    assert stats.annualise(None) is None


def test_ratio_and_num():
    assert stats.ratio(1, 4) == 0.25
    assert stats.ratio(1, 0) is None
    assert stats.num(float("nan")) == 0.0


counts = st.tuples(st.integers(0, 500), st.integers(0, 500), st.integers(0, 500))


@given(counts)
@example((0, 0, 1))
def test_nps_bounds_and_interval_contains_estimate_from_the_minimum_n(c):
    """The interval is METRICS.md's adjusted Wald clipped to ±100. It contains the plain NPS from the pages'
    minimum n on; below it, it may miss it (one detractor: NPS −100, interval −98.5 … +48.5), which no page shows."""
    promoters, passives, detractors = c
    n = promoters + passives + detractors
    ci = stats.nps_interval(promoters, detractors, n)
    if n == 0:
        assert ci.estimate is None
        return
    assert -100 <= ci.low <= ci.high <= 100
    if n >= MIN_RESPONSES:
        assert ci.low <= ci.estimate <= ci.high
    elif c == (0, 0, 1):
        assert (ci.estimate, round(ci.low, 1), round(ci.high, 1)) == (-100.0, -98.5, 48.5)


@given(st.integers(0, 1000), st.integers(1, 1000))
def test_wilson_contains_rate(k, n):
    k = min(k, n)
    ci = stats.wilson(k, n)
    assert 0 <= ci.low <= ci.estimate <= ci.high <= 1


@given(st.floats(0, 1))
def test_annual_churn_between_monthly_and_one(m):
    a = stats.annualise(m)
    assert m - 1e-12 <= a <= 1


def test_two_proportion_z():
    # 10 of 100 vs 20 of 100: pooled p = 30 ÷ 200 = .15, se = √(.15 × .85 × (1/100 + 1/100)) = √.00255 = .050498,
    # z = (.10 − .20) ÷ .050498 = −1.980: just significant.
    assert stats.two_proportion_z(10, 100, 20, 100) == pytest.approx(-1.9803, abs=1e-4)
    assert stats.significant(-1.9803) and not stats.significant(1.95) and not stats.significant(None)
    # 2 of 6 vs 0 of 4: pooled .2, se = √(.16 × (1/6 + 1/4)) = .258199, z = .333333 ÷ .258199 = 1.291
    assert stats.two_proportion_z(2, 6, 0, 4) == pytest.approx(1.2910, abs=1e-4)
    assert stats.two_proportion_z(0, 5, 0, 7) is None and stats.two_proportion_z(1, 0, 1, 5) is None


def test_thresholds_and_reasons():
    assert (stats.MIN_RESPONSES, stats.MIN_CUSTOMERS, stats.MIN_CHURN_EVENTS) == (30, 30, 10)
    assert stats.too_few(18, stats.MIN_RESPONSES, "responses") == "n = 18, fewer than 30 responses"
    assert stats.too_few(30, stats.MIN_RESPONSES, "responses") is None
    assert stats.too_few(1, stats.MIN_CHURN_EVENTS, "churned customers") == "n = 1, fewer than 10 churned customers"


def test_a_mean_interval_is_clipped_to_its_scale():
    """Two sentiments, +0.9 and +0.16 (mean +0.53): ± 1.96 × sd ÷ √2 = ± 0.7252 by hand (sd = 0.5233) reaches
    +1.2552, past the −1…+1 scale; clipped, the high end is +1 and the low end stays +0.53 − 0.7252."""
    from metrics.stats import mean_interval

    values = [0.9, 0.16]
    free = mean_interval(sum(values), sum(v * v for v in values), 2)
    clipped = mean_interval(sum(values), sum(v * v for v in values), 2, bounds=(-1.0, 1.0))
    half = 1.96 * (((0.9 - 0.53) ** 2 + (0.16 - 0.53) ** 2) / 1) ** 0.5 / 2 ** 0.5
    assert free.estimate == pytest.approx(0.53) and free.high == pytest.approx(0.53 + half)
    assert half == pytest.approx(0.7252, abs=1e-4)
    assert (clipped.low, clipped.high) == (pytest.approx(0.53 - half), 1.0)
