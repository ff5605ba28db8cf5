"""Small statistics used by the metrics: intervals, tests and rate conversions.

Every function here is pure arithmetic, so each can be checked by hand (see tests/test_stats.py).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

# The thresholds live in metrics.rules; re-exported here because pages and tests have long imported them here.
from metrics.rules import (  # noqa: F401
    MIN_CHURN_EVENTS,
    MIN_COMPARABLE_N,
    MIN_CUSTOMERS,
    MIN_RESPONSES,
    MONTHS_PER_YEAR,
    Z_95,
)

Z95 = Z_95


@dataclass(frozen=True)
class Interval:
    estimate: float | None
    low: float | None
    high: float | None

    @property
    def margin(self) -> float | None:
        """Half-width of the interval (the "±" shown beside a figure)."""
        if self.low is None or self.high is None:
            return None
        return (self.high - self.low) / 2


def nps(promoters: int, detractors: int, n: int) -> float | None:
    """NPS = 100 × (promoters − detractors) ÷ n; None when there are no responses."""
    if n <= 0:
        return None
    return 100.0 * (promoters - detractors) / n


def nps_interval(promoters: int, detractors: int, n: int) -> Interval:
    """NPS with its adjusted-Wald 95% interval.

    n' = n + 3, p' = (promoters + ¾) ÷ n', d' = (detractors + ¾) ÷ n', e = p' − d',
    se = √((p' + d' − e²) ÷ n'), interval = 100 × (e ± Z_95 se), clipped to [−100, 100] (METRICS.md literally,
    bounded to the scale). The estimate itself is the plain NPS, not the adjusted centre, so with a tiny n and
    an extreme result (one response, a detractor: NPS −100, interval −98.5…+48.5) the interval can miss the
    estimate; pages never show an NPS from so few responses (rules.MIN_RESPONSES), so that is left as the
    rule computes it rather than bent.
    """
    if n <= 0:
        return Interval(None, None, None)
    n_adj = n + 3
    p = (promoters + 0.75) / n_adj
    d = (detractors + 0.75) / n_adj
    e = p - d
    se = math.sqrt(max(p + d - e * e, 0.0) / n_adj)
    estimate = nps(promoters, detractors, n)
    low = max(-100.0, 100.0 * (e - Z95 * se))
    high = min(100.0, 100.0 * (e + Z95 * se))
    return Interval(estimate, low, high)


def nps_variance(promoters: int, detractors: int, n: int) -> float:
    """Var(NPS) = 100² (p + d − (p − d)²) ÷ n with p, d the plain shares."""
    p, d = promoters / n, detractors / n
    return 100.0**2 * (p + d - (p - d) ** 2) / n


def nps_z(a: tuple[int, int, int], b: tuple[int, int, int]) -> float | None:
    """z for the difference of two NPS, each given as (promoters, detractors, n).

    z = (NPS₁ − NPS₂) ÷ √(Var₁ + Var₂); significant at |z| ≥ Z_95. None when either side is empty
    or both variances are zero (e.g. all promoters on both sides).
    """
    if a[2] <= 0 or b[2] <= 0:
        return None
    var = nps_variance(*a) + nps_variance(*b)
    if var <= 0:
        return None
    return (nps(*a) - nps(*b)) / math.sqrt(var)


def two_proportion_z(k1: int, n1: int, k2: int, n2: int) -> float | None:
    """z for the difference of two rates k1/n1 − k2/n2 (pooled two-proportion test):
    p = (k1 + k2) ÷ (n1 + n2), z = (k1/n1 − k2/n2) ÷ √(p (1 − p) (1/n1 + 1/n2)); significant at |z| ≥ Z_95.
    None when either side is empty or the pooled rate is 0 or 1 (no variation to test)."""
    if n1 <= 0 or n2 <= 0:
        return None
    pooled = (k1 + k2) / (n1 + n2)
    var = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if var <= 0:
        return None
    return (k1 / n1 - k2 / n2) / math.sqrt(var)


def significant(z: float | None) -> bool:
    """|z| ≥ Z_95 (95%, two-sided)."""
    return z is not None and abs(z) >= Z95


def too_few(n: int, threshold: int, noun: str) -> str | None:
    """The reason a figure is not shown ('n = 18, fewer than 30 responses'), or None when n is enough."""
    return None if n >= threshold else f"n = {n:,}, fewer than {threshold} {noun}"


def wilson(successes: int, n: int) -> Interval:
    """Rate k ÷ n with its Wilson score 95% interval (well-behaved for small n and rates near 0)."""
    if n <= 0:
        return Interval(None, None, None)
    p = successes / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # The interval always contains p; min/max only absorb rounding at p = 0 or 1.
    return Interval(p, max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half)))


def annualise(monthly_rate: float | None) -> float | None:
    """Annual churn from a monthly rate m: 1 − (1 − m)¹². Never 12 × m."""
    if monthly_rate is None:
        return None
    return 1.0 - (1.0 - monthly_rate) ** MONTHS_PER_YEAR


def ratio_interval(num: float, den: float, num_sq: float, cross: float, den_sq: float, n: int,
                   cap: float | None = None) -> Interval:
    """R = Σy ÷ Σx over n units with a 95% interval by the delta method (ratio estimator):
    se = √(n ÷ (n − 1) × Σ(y − R x)²) ÷ Σx, with Σ(y − R x)² = Σy² − 2R Σxy + R² Σx². Bounds kept ≥ 0 and,
    when `cap` is given (GRR: 1), ≤ cap. No interval below 2 units."""
    r = ratio(num, den)
    if r is None or n < 2:
        return Interval(r, None, None)
    resid = max(num_sq - 2 * r * cross + r * r * den_sq, 0.0)
    se = math.sqrt(n / (n - 1) * resid) / den
    high = r + Z95 * se
    return Interval(r, max(0.0, r - Z95 * se), high if cap is None else min(cap, high))


def mean_interval(total: float, total_sq: float, n: int, bounds: tuple[float, float] | None = None) -> Interval:
    """Mean of n values from their sum and sum of squares, ± Z_95 × sample sd ÷ √n (no interval for n < 2);
    `bounds`: the values' scale, which the interval is clipped to (a sentiment of two comments is never
    "−0.36 to +1.42" on a −1…+1 scale)."""
    if n <= 0:
        return Interval(None, None, None)
    mean = total / n
    if n < 2:
        return Interval(mean, None, None)
    sd = math.sqrt(max(total_sq - n * mean * mean, 0.0) / (n - 1))
    low, high = mean - Z95 * sd / math.sqrt(n), mean + Z95 * sd / math.sqrt(n)
    if bounds is not None:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    return Interval(mean, low, high)


def monthly_from_window(rate: float | None, months: int) -> float | None:
    """Monthly-equivalent of a rate observed over `months` months: 1 − (1 − r)^(1/months)."""
    if rate is None:
        return None
    return 1.0 - (1.0 - rate) ** (1.0 / months)


def annual_from_window(rate: float | None, months: int) -> float | None:
    """Annual-equivalent of a rate observed over `months` months (via its monthly equivalent)."""
    return annualise(monthly_from_window(rate, months))


def missing(value) -> bool:
    """No value: None, NaN or pandas' NA (what an empty aggregate or a blank cell becomes; a typed BIGINT
    aggregate over no rows arrives as NA)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    pandas = sys.modules.get("pandas")  # not imported for it: only a pandas value can be pandas' NA
    return pandas is not None and value is pandas.NA


def num(value) -> float:
    """A database aggregate as float: NULL/NaN (no rows) becomes 0."""
    return 0.0 if missing(value) else float(value)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator ÷ denominator, or None when the denominator is zero or missing."""
    if numerator is None or not denominator:
        return None
    return float(numerator) / float(denominator)
