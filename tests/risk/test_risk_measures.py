"""AUC, top-decile lift, calibration and the bootstrap's weighted measures on tiny sets worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from metrics import risk


def test_auc_by_hand():
    # Churners score 0.9 and 0.4; stayers 0.8, 0.3, 0.4. Pairs won: 0.9 beats all three (3), 0.4 beats 0.3 (1),
    # ties 0.4 (½), loses to 0.8 (0): 4.5 of 6.
    assert risk.auc([1, 0, 1, 0, 0], [0.9, 0.8, 0.4, 0.3, 0.4]) == pytest.approx(0.75)
    assert risk.auc([1, 1, 0], [0.1, 0.2, 0.3]) == 0.0
    assert risk.auc([0, 0], [0.1, 0.2]) is None


def test_top_decile_lift_by_hand():
    # 20 rows, 4 churners (rate 0.2). Top 10% = the 2 highest scores: one churner → 0.5 ÷ 0.2 = 2.5.
    y = [1, 0] + [0] * 15 + [1, 1, 1]
    score = [0.99, 0.98] + [0.5] * 15 + [0.1, 0.1, 0.1]
    assert risk.top_decile_lift(y, score) == pytest.approx(2.5)
    # 11 rows: the top decile is ceil(1.1) = 2 rows.
    assert risk.top_decile_lift([1, 1] + [0] * 8 + [1], [9, 8] + [1] * 9) == pytest.approx(1.0 / (3 / 11))


def test_calibration_by_hand():
    prob = np.arange(1, 21) / 20          # 0.05 … 1.00, two rows a decile
    y = np.zeros(20)
    y[[18, 19, 17, 0]] = 1                # top decile both churn, ninth one of two, first one of two
    table = risk.calibration(y, prob)
    assert list(table["rows"]) == [2] * 10
    assert table["predicted"].iloc[0] == pytest.approx(0.075)
    assert table["predicted"].iloc[9] == pytest.approx(0.975)
    assert list(table["observed"]) == [0.5, 0, 0, 0, 0, 0, 0, 0, 0.5, 1.0]
    assert table["observed_low"].iloc[9] < 1.0 <= table["observed_high"].iloc[9]


def test_weighted_measures_equal_duplicated_rows():
    """A bootstrap draw weights rows by how often they were drawn: the same as repeating them."""
    rng = np.random.default_rng(3)
    y = (rng.random(60) < 0.3).astype(float)
    s = np.round(rng.random(60) + 0.5 * y, 2)
    w = rng.integers(0, 3, 60).astype(float)
    values, inv = np.unique(s, return_inverse=True)
    area, _ = risk._weighted_auc_lift(inv, len(values), y, w)
    rep = np.repeat(np.arange(60), w.astype(int))
    assert area == pytest.approx(risk.auc(y[rep], s[rep]))
    area1, lift1 = risk._weighted_auc_lift(inv, len(values), y, np.ones(60))
    assert area1 == pytest.approx(risk.auc(y, s))
    # distinct scores: the proportional boundary rule is the plain top-decile lift
    d = np.arange(60) / 60.0
    vd, invd = np.unique(d, return_inverse=True)
    assert risk._weighted_auc_lift(invd, len(vd), y, np.ones(60))[1] == pytest.approx(risk.top_decile_lift(y, d))
