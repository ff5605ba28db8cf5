"""The reference itself, checked by hand on the tiny dataset of tests/fixtures/reference (no app code here).

Customers (signup → churn):  A 2025-01-15 → –, B 2025-01-10 → 2025-03-20, C 2025-02-05 → 2025-02-25,
                             D 2024-12-01 → –, E 2025-03-01 → 2025-04-10.  Enterprise: A, E; SMB: B, C, D.
MRR by month:                Dec 2024: D 200 | Jan: A 100, B 50, D 200 | Feb: A 100, B 50, D 180 |
                             Mar: A 150, E 300 | Apr: A 150, D 200.
Responses (date, score):     r1 A 2024-12-20 9 | r2 B 01-20 3 | r3 D 01-31 7 | r4 A 02-01 6 | r5 (no id) 02-14 10 |
                             r6 E 03-15 10 | r7 D 04-02 10 | r8 Z (not a customer) 04-03 8.
Every expected number below is worked out in the comment beside it.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import reference as ref  # noqa: E402

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "reference"
Z2 = 1.96 ** 2  # 3.8416


@pytest.fixture(scope="module")
def co():
    return ref.load(FIXTURE, customers="customers.csv", nps="nps.csv", revenue="revenue.csv")


def test_load(co):
    assert (str(co.first_month), str(co.last_month)) == ("2024-12", "2025-04")
    assert co.mrr_cents.loc["D"].tolist() == [20000, 20000, 18000, 0, 20000]  # no March row: 0
    assert co.customers.set_index("customer_id").churn.isna().to_dict() == {
        "A": True, "B": False, "C": False, "D": True, "E": False}
    assert len(co.responses) == 8 and co.responses.customer_id.isna().sum() == 1  # r5


def test_period():
    # 12 months ending Oct 2026: Nov 2025 … Oct 2026; a 3-month period ending Apr 2025: Feb … Apr.
    assert ref.period("2026-10") == (ref.month("2025-11"), ref.month("2026-10"))
    assert ref.period("2025-04", 3) == (ref.month("2025-02"), ref.month("2025-04"))


# ---- NPS ----------------------------------------------------------------------------------------------
def test_nps_jan_to_apr(co):
    # r2 … r8 (r1 is in Dec): scores 3, 7, 6, 10, 10, 10, 8 → promoters 3, passives 2, detractors 2, n 7.
    # NPS = 100 × (3 − 2) ÷ 7 = 14.2857…
    # n' = 10, p' = 3.75 ÷ 10 = .375, d' = 2.75 ÷ 10 = .275, e = .1, se = √((.65 − .01) ÷ 10) = √.064 = .252982…
    # 1.96 se = .495845…, interval 100 × (.1 ± .495845) = −39.5845 … 59.5845
    r = ref.nps(co, "2025-01", "2025-04")
    assert (r.n, r.promoters, r.passives, r.detractors) == (7, 3, 2, 2)
    assert r.value == pytest.approx(100 / 7, abs=1e-12)
    assert (r.low, r.high) == (pytest.approx(-39.5845137, abs=1e-6), pytest.approx(59.5845137, abs=1e-6))


def test_nps_filters(co):
    # SMB (B, C, D): r2 (3), r3 (7), r7 (10) → 1 − 1 of 3 = 0. The anonymous r5 and Z's r8 drop out.
    smb = ref.nps(co.only(segment="SMB"), "2025-01", "2025-04")
    assert (smb.n, smb.promoters, smb.passives, smb.detractors, smb.value) == (3, 1, 1, 1, 0.0)
    # Enterprise (A, E): r4 (6), r6 (10) → 0 of n 2. n' = 5, p' = d' = 1.75 ÷ 5 = .35, e = 0,
    # se = √(.7 ÷ 5) = .374166, 1.96 se = .733365 → ±73.3365
    ent = ref.nps(co.only(segment="Enterprise"), "2025-01", "2025-04")
    assert (ent.n, ent.value) == (2, 0.0)
    assert (ent.low, ent.high) == (pytest.approx(-73.3364848, abs=1e-6), pytest.approx(73.3364848, abs=1e-6))
    # EMEA (B, E): r2 (3), r6 (10) → 0 of n 2, the same counts as Enterprise
    assert ref.nps(co.only(region="EMEA"), "2025-01", "2025-04").n == 2


def test_nps_interval_as_metrics_md_writes_it(co):
    # March: r6 (10) alone → NPS +100, n 1. n' = 4, p' = 1.75 ÷ 4 = .4375, d' = .75 ÷ 4 = .1875, e = .25,
    # se = √((.625 − .0625) ÷ 4) = √.140625 = .375, 1.96 se = .735 → −48.5 … +98.5. Taken literally the
    # interval does not reach the estimate; the reference keeps METRICS.md's formula as written.
    r = ref.nps(co, "2025-03", "2025-03")
    assert (r.n, r.value) == (1, 100.0)
    assert (r.low, r.high) == (pytest.approx(-48.5, abs=1e-9), pytest.approx(98.5, abs=1e-9))
    assert ref.nps(co, "2024-11", "2024-11") == ref.Nps(0, 0, 0, 0, None, None, None)  # no responses


def test_category():
    assert [ref.category(s) for s in (0, 6, 7, 8, 9, 10)] == ["Detractor"] * 2 + ["Passive"] * 2 + ["Promoter"] * 2


# ---- logo churn ---------------------------------------------------------------------------------------
def test_logo_churn_by_month(co):
    # Active at the start of (started before the 1st, not churned before it) / churned during:
    # Jan: D (A starts 01-15, B 01-10: not before Jan 1) → 1 / 0
    # Feb: A, B, D → 3 / 0 (C starts 02-05 and churns 02-25: in neither count)
    # Mar: A, B, D (E starts on Mar 1: not before it; C churned in Feb) → 3 / 1 (B, 03-20)
    # Apr: A, D, E (B churned before Apr 1) → 3 / 1 (E, 04-10)
    assert [ref.logo_churn_month(co, m) for m in ("2025-01", "2025-02", "2025-03", "2025-04")] == [
        (1, 0), (3, 0), (3, 1), (3, 1)]


def test_logo_churn_pooled_and_annualised(co):
    # Jan–Apr pooled: (0 + 0 + 1 + 1) ÷ (1 + 3 + 3 + 3) = 2 ÷ 10 = .2 (the average of the monthly rates would
    # be (0 + 0 + 1/3 + 1/3) ÷ 4 = .1667: not what is wanted). Annual: 1 − .8¹² = 1 − .068719476736 = .931280…
    r = ref.logo_churn(co, "2025-01", "2025-04")
    assert (r.active_start, r.churned, r.monthly) == (10, 2, 0.2)
    assert r.annual == pytest.approx(0.931280523264, abs=1e-12)
    # SMB (B, C, D): Jan D; Feb B D; Mar B D (B churns); Apr D → 1 ÷ 6
    smb = ref.logo_churn(co.only(segment="SMB"), "2025-01", "2025-04")
    assert (smb.active_start, smb.churned) == (6, 1)
    # Jan–Feb: no churn → 0, annual 0
    assert ref.logo_churn(co, "2025-01", "2025-02").monthly == 0.0


# ---- revenue ------------------------------------------------------------------------------------------
def test_mrr_arr_arpa(co):
    # Dec 200 | Jan 100 + 50 + 200 = 350 | Feb 100 + 50 + 180 = 330 | Mar 150 + 300 = 450 | Apr 150 + 200 = 350
    assert [ref.mrr(co, m) for m in ref.month_range("2024-12", "2025-04")] == [200, 350, 330, 450, 350]
    assert ref.arr(co, "2025-04") == 4200                # 12 × 350
    assert ref.paying(co, "2025-04") == 2                # A, D
    assert ref.arpa(co, "2025-04") == 175                # 350 ÷ 2
    assert ref.arpa(co, "2025-03") == 225                # 450 ÷ 2 (A, E)
    assert ref.mrr(co.only(segment="Enterprise"), "2025-03") == 450
    assert ref.mrr(co, "2024-11") == 0 and ref.arpa(co, "2024-11") is None  # before the data


def test_bridge_by_hand(co):
    # Dec: the first data month, no month before it → not measurable
    assert ref.bridge(co, "2024-12") is None
    # Jan: A new 100, B new 50 (no earlier MRR); D unchanged. 200 + 150 = 350
    assert ref.bridge(co, "2025-01") == ref.Bridge(200, 150, 0, 0, 0, 0, 350)
    # Feb: D 200 → 180: contraction 20. 350 − 20 = 330
    assert ref.bridge(co, "2025-02") == ref.Bridge(350, 0, 0, 0, 20, 0, 330)
    # Mar: E new 300; A 100 → 150 expansion 50; B 50 → 0 and D 180 → 0 churned 230. 330 + 300 + 50 − 230 = 450
    mar = ref.bridge(co, "2025-03")
    assert mar == ref.Bridge(330, 300, 0, 50, 0, 230, 450)
    # Apr: D back after March's gap: reactivation 200 (MRR in Dec–Feb); E 300 → 0 churned. 450 + 200 − 300 = 350
    apr = ref.bridge(co, "2025-04")
    assert apr == ref.Bridge(450, 0, 200, 0, 0, 300, 350)
    # quick ratio of a month: Mar (300 + 50) ÷ 230 = 1.5217…; Apr 200 ÷ 300 = .6667
    assert mar.quick_ratio == pytest.approx(350 / 230, abs=1e-12)
    assert apr.quick_ratio == pytest.approx(2 / 3, abs=1e-12)
    assert ref.bridge(co, "2025-01").quick_ratio is None  # no losses: not measurable
    # over Jan–Apr: (150 + 350 + 200) ÷ (20 + 230 + 300) = 700 ÷ 550; Dec adds nothing (no movements)
    assert ref.quick_ratio_over(co, "2025-01", "2025-04") == pytest.approx(700 / 550, abs=1e-12)
    assert ref.quick_ratio_over(co, "2024-12", "2025-04") == ref.quick_ratio_over(co, "2025-01", "2025-04")


def test_retention_by_hand(co):
    # 3 months back from Apr: base Jan = A 100, B 50, D 200 = 350 (3 customers). Apr: A 150, B 0, D 200.
    # GRR = (min(150, 100) + min(0, 50) + min(200, 200)) ÷ 350 = 300 ÷ 350; NRR = (150 + 0 + 200) ÷ 350 = 1.
    # E (new in Mar) never counts.
    r = ref.retention(co, "2025-04", k=3)
    assert (r.base_customers, r.base_mrr, r.retained_mrr, r.end_mrr) == (3, 350, 300, 350)
    assert r.grr == pytest.approx(6 / 7, abs=1e-12) and r.nrr == 1.0
    # 3 back from Mar: base Dec = D 200; D has no MRR in Mar → GRR = NRR = 0
    assert (ref.retention(co, "2025-03", k=3).grr, ref.retention(co, "2025-03", k=3).nrr) == (0.0, 0.0)
    # 12 months back from Apr 2025 is Apr 2024, before the data: not measurable
    assert ref.retention(co, "2025-04") is None


def test_ltv_by_hand(co):
    # Jan–Apr: ARPA(Apr) 175 × .8 ÷ pooled monthly churn .2 = 700
    assert ref.ltv(co, "2025-01", "2025-04") == pytest.approx(700, abs=1e-9)
    assert ref.ltv(co, "2025-01", "2025-04", gross_margin=0.5) == pytest.approx(437.5, abs=1e-9)
    # Jan–Feb: no churn → not measurable, never infinite
    assert ref.ltv(co, "2025-01", "2025-02") is None


# ---- linking NPS to value -------------------------------------------------------------------------------
def test_wilson_by_hand():
    # 1 of 1: centre (1 + 1.9208) ÷ 4.8416, half 1.96 × √(3.8416 ÷ 4) ÷ 4.8416 = 1.9208 ÷ 4.8416
    # → low 1 ÷ 4.8416 = .206543, high 1
    assert ref.wilson(1, 1) == (1.0, pytest.approx(1 / 4.8416, abs=1e-12), pytest.approx(1.0, abs=1e-12))
    # 0 of 1: low 0, high 3.8416 ÷ 4.8416 = .793457
    assert ref.wilson(0, 1) == (0.0, pytest.approx(0.0, abs=1e-12), pytest.approx(3.8416 / 4.8416, abs=1e-12))
    # 1 of 2: centre (.5 + .9604) ÷ 2.9208 = .5; half 1.96 × √(.125 + .2401) ÷ 2.9208 = .405471
    p, low, high = ref.wilson(1, 2)
    assert p == 0.5 and low == pytest.approx(0.5 - 1.96 * math.sqrt(0.3651) / 2.9208, abs=1e-12)
    assert (low, high) == (pytest.approx(0.094529, abs=1e-6), pytest.approx(0.905471, abs=1e-6))
    assert ref.wilson(0, 0) == (None, None, None)
    assert Z2 == pytest.approx(3.8416)


def test_category_as_of_uses_only_earlier_responses(co):
    # As of Feb 1: A r1 (9) — r4 is ON Feb 1, not before it; B r2 (3); D r3 (7, Jan 31)
    assert ref.category_as_of(co, "2025-02-01").to_dict() == {"A": "Promoter", "B": "Detractor", "D": "Passive"}
    # As of Feb 2 A's r4 (6) counts; Z (not a customer) has an answer as of Apr 4 but is never a customer
    assert ref.category_as_of(co, "2025-02-02")["A"] == "Detractor"
    assert ref.category_as_of(co, "2025-04-04")["Z"] == "Passive"


def test_churn_by_category_feb_to_apr(co):
    # Window Feb–Apr, categories as of Feb 1 (above). Active at Feb 1: A, B, D (C starts Feb 5, E Mar 1).
    # Churned Feb 1 – Apr 30: B (Mar 20). Promoter A 0/1, Passive D 0/1, Detractor B 1/1, No response none.
    f = ref.churn_by_category(co, "2025-02", "2025-04")
    assert f.customers.to_dict() == {"Promoter": 1, "Passive": 1, "Detractor": 1, "No response": 0}
    assert f.churned.to_dict() == {"Promoter": 0, "Passive": 0, "Detractor": 1, "No response": 0}
    assert f.loc["Detractor", "rate"] == 1.0 and f.loc["Detractor", "low"] == pytest.approx(1 / 4.8416, abs=1e-12)
    assert f.loc["Promoter", "high"] == pytest.approx(3.8416 / 4.8416, abs=1e-12)
    assert pd.isna(f.loc["No response", "rate"])


def test_churn_by_category_mar_to_apr(co):
    # As of Mar 1: A r4 (6) Detractor, B r2 Detractor, D r3 Passive. Active at Mar 1: A, B, D (E starts on it).
    # Churned Mar–Apr: B. Detractor 1 of 2 (Wilson .094529 … .905471), Passive 0 of 1.
    f = ref.churn_by_category(co, "2025-03", "2025-04")
    assert f.customers.to_dict() == {"Promoter": 0, "Passive": 1, "Detractor": 2, "No response": 0}
    assert f.churned.to_dict() == {"Promoter": 0, "Passive": 0, "Detractor": 1, "No response": 0}
    assert f.loc["Detractor", "low"] == pytest.approx(0.094529, abs=1e-6)
    # Jan–Apr: only D is active at Jan 1, and D has no answer before it (r3 is Jan 31) → No response 1, 0 churned
    jan = ref.churn_by_category(co, "2025-01", "2025-04")
    assert jan.customers.to_dict() == {"Promoter": 0, "Passive": 0, "Detractor": 0, "No response": 1}


def test_same_day_answers_the_later_row_wins(tmp_path):
    # X answers twice on Mar 10 (3, then 10 further down the file): as of Apr 1 X is a Promoter; swapped rows
    # make it a Detractor. An answer on the window's first day (Apr 1) is not used.
    (tmp_path / "customers.csv").write_text("customer_id,signup_date,churn_date,segment,region\n"
                                            "X,2025-01-01,2025-04-15,SMB,EMEA\n")
    (tmp_path / "revenue.csv").write_text("customer_id,month,mrr\nX,2025-03,10.005\nX,2025-03,0.01\n")
    rows = ["r1,X,2025-03-10,3", "r2,X,2025-03-10,10", "r3,X,2025-04-01,7"]
    for name, order in (("a.csv", rows), ("b.csv", [rows[1], rows[0], rows[2]])):
        (tmp_path / name).write_text("response_id,customer_id,responded_at,score\n" + "\n".join(order) + "\n")
    a = ref.load(tmp_path, nps="a.csv")
    b = ref.load(tmp_path, nps="b.csv")
    assert ref.churn_by_category(a, "2025-04", "2025-04").loc["Promoter", ["customers", "churned"]].tolist() == [1, 1]
    assert ref.churn_by_category(b, "2025-04", "2025-04").loc["Detractor", "customers"] == 1
    # two revenue rows of one month are summed exactly, then kept to the cent: 10.005 + 0.01 = 10.015 → 10.02
    # (half up; through floats 10.015 would be 10.0149999… and round down)
    assert ref.mrr(a, "2025-03") == 10.02


def test_bridge_balances_and_retention_bounds_on_the_sample():
    # The sample's every month: bridge() raises if start + gains − losses ≠ end; GRR ≤ 1 and GRR ≤ NRR.
    sample = ref.load(Path(__file__).resolve().parents[2] / "sample_data")
    for m in ref.month_range(sample.first_month + 1, sample.last_month):
        b = ref.bridge(sample, m)
        assert round(b.start + b.new + b.reactivation + b.expansion - b.contraction - b.churned, 2) == b.end
        r = ref.retention(sample, m)
        if r is not None:
            assert 0 <= r.grr <= 1 and r.grr <= r.nrr
