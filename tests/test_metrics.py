"""Every metric on the hand-built reference dataset (tests/fixtures/reference), worked out on paper.

Customers (start → churn):  A 2025-01-15 → –, B 2025-01-10 → 2025-03-20, C 2025-02-05 → 2025-02-25,
                            D 2024-12-01 → –, E 2025-03-01 → 2025-04-10.   Segments: A, E Enterprise; B, C, D SMB.
MRR by month:               Dec: D 200 | Jan: A 100, B 50, D 200 | Feb: A 100, B 50, D 180 |
                            Mar: A 150, E 300 | Apr: A 150, D 200.
Responses (date, score):    r1 A 12-20 9 | r2 B 01-20 3 | r3 D 01-31 7 | r4 A 02-01 6 | r5 anon 02-14 10 |
                            r6 E 03-15 10 | r7 D 04-02 10 | r8 Z (unknown) 04-03 8.
"""

import datetime as dt

import pandas as pd
import pytest
from conftest import prepare_bytes
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics import health, linkage, nps, revenue
from metrics.store import NewUpload, Workspace
from metrics.view import View, dimension_values

JAN, FEB, MAR, APR = (dt.date(2025, m, 1) for m in (1, 2, 3, 4))


def view(ws, start=JAN, end=APR, **filters):
    return View(ws.snapshot().snapshot, start, end, **filters)


# ---- NPS ---------------------------------------------------------------------------------------
def test_nps_summary(reference_ws):
    # Jan–Apr responses r2…r8 (7): promoters r5 r6 r7 = 3, passives r3 r8 = 2, detractors r2 r4 = 2.
    r = nps.summary(reference_ws.cursor(), view(reference_ws))
    assert (r.n, r.promoters, r.passives, r.detractors) == (7, 3, 2, 2)
    assert r.value == pytest.approx(100 / 7)            # 100 × (3 − 2) ÷ 7
    assert r.interval.low == pytest.approx(-39.5845, abs=1e-4)
    assert r.too_small


def test_nps_by_month_and_dimension(reference_ws):
    cur, v = reference_ws.cursor(), view(reference_ws)
    months = nps.by_month(cur, v)
    # Jan: r2 (3), r3 (7) → −50; Feb: r4 (6), r5 (10) → 0; Mar: r6 (10) → +100; Apr: r7 (10), r8 (8) → +50
    assert months.nps.tolist() == [-50.0, 0.0, 100.0, 50.0]
    assert months.n.tolist() == [2, 2, 1, 2]
    seg = nps.by_dimension(cur, v, "segment").set_index("value")
    # Enterprise r4 (6), r6 (10) → 0 of n 2; SMB r2, r3, r7 → (1 − 1) ÷ 3 = 0; no customer: r5 (anonymous) and
    # r8 (Z, not in the customers file) → 50, labelled as the group without a segment
    assert seg.loc["Enterprise", "nps"] == 0 and seg.loc["Enterprise", "n"] == 2
    assert seg.loc["SMB", "n"] == 3 and seg.loc["No segment recorded", "nps"] == 50
    assert seg.too_small.all()
    channel = nps.by_dimension(cur, v, "channel").set_index("value")
    assert channel.loc["Web", "n"] == 2 and channel.loc["Web", "nps"] == 50  # r5 (10), r8 (8)
    with pytest.raises(ValueError):
        nps.by_dimension(cur, v, "score; DROP TABLE uploads")


def test_score_distribution_and_comments(reference_ws):
    cur, v = reference_ws.cursor(), view(reference_ws)
    dist = nps.score_distribution(cur, v)
    assert len(dist) == 11 and dist.responses.sum() == 7
    assert dist.set_index("score").responses[10] == 3
    assert dist.set_index("score").category[6] == "Detractor"
    comments = nps.recent_comments(cur, v, reference_ws.snapshot().versions)
    # Non-empty comments dated Jan–Apr, newest first: r7, r5, r4, r2
    assert comments.comment.tolist() == ['Fixed my "big" problem', "Love it", "Price went up",
                                         "Too slow, and support never answered"]
    # the file has no segment: each is the customer's (r5 names none); picked before the join, still the customer's
    assert comments.segment.tolist() == ["SMB", "No segment recorded", "Enterprise", "SMB"]
    latest = nps.recent_comments(cur, v, reference_ws.snapshot().versions, limit=2)
    assert latest[["comment", "region"]].values.tolist() == [['Fixed my "big" problem', "North America"],
                                                            ["Love it", "No region recorded"]]
    assert latest.customer.iloc[0] == "D" and pd.isna(latest.customer.iloc[1])
    smb = nps.recent_comments(cur, view(reference_ws, segment="SMB"), reference_ws.snapshot().versions)
    assert smb.customer.tolist() == ["D", "B"]
    assert nps.recent_comments(cur, view(reference_ws, segment="SMB"), reference_ws.snapshot().versions,
                               limit=1).customer.tolist() == ["D"]


def test_period_filter_and_previous(reference_ws):
    v = view(reference_ws, start=MAR, end=APR)
    assert v.previous() == view(reference_ws, start=JAN, end=FEB)
    r = nps.summary(reference_ws.cursor(), v.previous())
    assert (r.n, r.promoters, r.detractors) == (4, 1, 2)  # r2 r3 r4 r5


# ---- Logo churn --------------------------------------------------------------------------------
def test_logo_churn_by_month(reference_ws):
    frame = revenue.churn_by_month(reference_ws.cursor(), view(reference_ws))
    # Active at start: Jan {D}; Feb {A B D}; Mar {A B D} (E starts Mar 1, not before); Apr {A D E}.
    # Churned: Mar B; Apr E. C starts and churns in Feb: in neither count.
    assert frame.active_start.tolist() == [1, 3, 3, 3]
    assert frame.churned.tolist() == [0, 0, 1, 1]
    assert frame.started.tolist() == [2, 1, 1, 0]  # A, B | C | E
    assert frame.rate.tolist() == [0.0, 0.0, pytest.approx(1 / 3), pytest.approx(1 / 3)]


def test_logo_churn_pooled_and_annualised(reference_ws):
    r = revenue.logo_churn(reference_ws.cursor(), view(reference_ws))
    assert (r.active_start, r.churned) == (10, 2)
    assert r.monthly == pytest.approx(0.2)
    assert r.annual == pytest.approx(1 - 0.8**12)  # .931280…, never 12 × .2
    smb = revenue.logo_churn(reference_ws.cursor(), view(reference_ws, segment="SMB"))
    assert (smb.active_start, smb.churned) == (6, 1)  # Jan D; Feb B D; Mar B D; Apr D


# ---- MRR and movements -------------------------------------------------------------------------
def test_mrr_and_movements(reference_ws):
    v = View(reference_ws.snapshot().snapshot, dt.date(2024, 12, 1), APR)
    f = revenue.mrr_by_month(reference_ws.cursor(), v).set_index("month")
    assert f.mrr.tolist() == [200, 350, 330, 450, 350]
    assert f.arr.tolist() == [2400, 4200, 3960, 5400, 4200]
    # Dec is the first data month: no movements. Jan: A, B new. Feb: D −20. Mar: A +50, E new 300,
    # B churned 50, D churned 180. Apr: D reactivated 200, E churned 300.
    assert f.start_mrr.isna().tolist() == [True, False, False, False, False]
    assert f.new.tolist()[1:] == [150, 0, 300, 0]
    assert f.expansion.tolist()[1:] == [0, 0, 50, 0]
    assert f.contraction.tolist()[1:] == [0, 20, 0, 0]
    assert f.churned.tolist()[1:] == [0, 0, 230, 300]
    assert f.reactivation.tolist()[1:] == [0, 0, 0, 200]
    bridge = f.start_mrr + f.new + f.reactivation + f.expansion - f.contraction - f.churned
    assert bridge.tolist()[1:] == f.mrr.tolist()[1:]
    assert f.paying.tolist() == [1, 3, 3, 2, 2]
    assert f.arpa.tolist()[-1] == 175  # 350 ÷ 2


def test_retention_trailing(reference_ws):
    # 3-month window at Apr: base Jan = A 100, B 50, D 200 = 350. Apr: A 150, B 0, D 200 → NRR 350/350.
    # GRR: min(150,100) + min(0,50) + min(200,200) = 300 → 300/350.
    r = revenue.retention(reference_ws.cursor(), view(reference_ws), months=3)
    assert r.base_customers == 3 and r.base_mrr == 350
    assert r.nrr == pytest.approx(1.0)
    assert r.grr == pytest.approx(300 / 350)
    # 12 months back is before the data: not measurable.
    assert revenue.retention(reference_ws.cursor(), view(reference_ws)) is None


def test_arr_change(reference_ws):
    # Window Mar–Apr: ARR Apr 4200, previous window (Jan–Feb) ends Feb: 3960.
    assert revenue.arr_change(reference_ws.cursor(), view(reference_ws, start=MAR)) == (4200, 3960)


def test_arr_before_the_revenue_data_is_unknown_not_zero():
    """Revenue from Dec 2024 and customers listed from Jan 2024: Nov 2024 has customer-months but no revenue data,
    so its ARR is None (a change against it would be growth from nothing); inside the data a month of no payer is
    0. (Found with Telco: "ARR $3.8M ↑ +$3.8M" against Dec 2023, before its revenue.)"""
    ws = Workspace(":memory:")
    customers = b"customer_id,signup_date,segment\nA,2024-01-10,SMB\nB,2024-01-10,SMB\n"
    revenue_csv = b"customer_id,month,mrr\nA,2024-12,100\nB,2024-12,50\nA,2025-01,0\nB,2025-02,50\n"
    ws.commit([prepare_bytes(customers, "customers").to_upload(), prepare_bytes(revenue_csv, "revenue").to_upload()])
    snap = ws.snapshot()
    cur = ws.cursor()
    assert revenue.arr_change(cur, View(snap.snapshot, dt.date(2024, 12, 1), dt.date(2024, 12, 1))) == (1800, None)
    assert revenue.arr_at(cur, View(snap.snapshot, dt.date(2025, 1, 1), dt.date(2025, 1, 1)), dt.date(2025, 1, 1)) \
        == 0  # Jan 2025: A pays 0, B no row: the data covers the month, nobody pays
    ws.close()


# ---- Linkage -----------------------------------------------------------------------------------
def test_by_category_no_look_ahead(reference_ws):
    # Window Feb–Apr; categories as of Feb 1 (responses strictly before): A r1 (9) Promoter — r4 on Feb 1
    # itself is NOT used; B r2 Detractor; D r3 Passive. Active at Feb 1: A B D. Churned in window: B.
    # Revenue base = Jan MRR: A 100, B 50, D 200; at Apr: A 150, B 0, D 200.
    f = linkage.by_category(reference_ws.cursor(), view(reference_ws, start=FEB)).set_index("category")
    assert f.customers.to_dict() == {"Promoter": 1, "Passive": 1, "Detractor": 1}
    assert f.churned.to_dict() == {"Promoter": 0, "Passive": 0, "Detractor": 1}
    assert f.churn_rate.to_dict() == {"Promoter": 0.0, "Passive": 0.0, "Detractor": 1.0}
    assert f.loc["Detractor", "churn_low"] == pytest.approx(0.206544, abs=1e-6)  # Wilson 1 of 1
    assert f.nrr.to_dict() == {"Promoter": 1.5, "Passive": 1.0, "Detractor": 0.0}
    assert f.grr.to_dict() == {"Promoter": 1.0, "Passive": 1.0, "Detractor": 0.0}
    assert f.avg_mrr.to_dict() == {"Promoter": 100, "Passive": 200, "Detractor": 50}
    assert f.too_small.all()
    # Detractor churned 1 of 1 over 3 months: monthly equivalent 1 − (1 − 1)^(1/3) = 1
    assert f.loc["Detractor", "monthly_churn"] == 1.0


def test_by_category_window_from_march(reference_ws):
    # As of Mar 1: A r4 (6, Feb 1) Detractor; B r2 Detractor; D r3 Passive; E (active from Mar 1) not active
    # at start. Churned Mar–Apr: B. Revenue base (Feb MRR): A 100, B 50, D 180.
    f = linkage.by_category(reference_ws.cursor(), view(reference_ws, start=MAR)).set_index("category")
    assert f.customers.to_dict() == {"Passive": 1, "Detractor": 2}
    assert f.churned.to_dict() == {"Passive": 0, "Detractor": 1}
    assert f.base_mrr.to_dict() == {"Passive": 180, "Detractor": 150}
    assert f.end_mrr.to_dict() == {"Passive": 200, "Detractor": 150}  # D 200 | A 150 + B 0


def test_arr_by_current_category_and_coverage(reference_ws):
    cur, v = reference_ws.cursor(), view(reference_ws)
    # Apr payers: A (latest r4, 6 → Detractor) 150; D (latest r7, 10 → Promoter) 200.
    f = linkage.arr_shares(linkage.current_by_category(cur, v)).set_index("category")
    assert f.arr.to_dict() == {"Promoter": 2400, "Detractor": 1800}
    assert f.share["Promoter"] == pytest.approx(2400 / 4200)
    cov = linkage.coverage(cur, v)
    # Responses Jan–Apr: 7, linked r2 r3 r4 r6 r7 = 5. Active in Apr: A, D, E all answered → 3/3.
    # ARR Apr: A 150 + D 200, both with responses → 1.
    assert cov == {"responses": pytest.approx(5 / 7), "customers": 1.0, "arr": 1.0}


# ---- Health ------------------------------------------------------------------------------------
def test_health(reference_ws):
    cur, snap = reference_ws.cursor(), reference_ws.snapshot()
    stopped = health.revenue_stopped_while_active(cur, snap)
    # D is active all along but has no MRR in March: a finding, not churn.
    assert stopped.customer_id.tolist() == ["D"] and stopped.last_mrr.tolist() == [180]
    rates = health.match_rates(cur, snap)
    # All 8 responses: linked r1 r2 r3 r4 r6 r7 = 6 of 8. All paying customer-months are known customers.
    assert rates["responses_linked"] == pytest.approx(6 / 8)
    assert rates["revenue_linked"] == 1.0
    src = health.sources(cur, snap, dt.date(2025, 5, 31)).set_index("source")
    assert src.loc["Revenue", "last_date"] == pd.Timestamp("2025-04-30")  # a month runs to its last day
    assert src.loc["Revenue", "days_old"] == 31
    assert src.loc["Customers / churn", "rows"] == 5
    vols = health.monthly_volumes(cur, snap)
    assert vols.responses.sum() == 8 and vols.paying_customers.tolist() == [1, 3, 3, 2, 2]


def test_match_rates_without_a_customers_file_are_not_zero():
    """Revenue and responses with no customers file: nothing to match against, so no share ("Revenue rows matched
    0.0%" read as a failed match with RavenStack's subscriptions alone)."""
    ws = Workspace(":memory:")
    ws.commit([prepare_bytes(b"customer_id,month,mrr\nA,2025-01,100\n", "revenue").to_upload(),
               prepare_bytes(b"customer_id,date,score\nA,2025-01-05,9\n", "nps").to_upload()])
    rates = health.match_rates(ws.cursor(), ws.snapshot())
    assert (rates["responses_linked"], rates["revenue_linked"]) == (None, None)
    ws.close()


def test_customers_surveyed_without_survey_data_is_not_zero():
    """Customers and revenue, no NPS file: nobody could be surveyed, so no share ("Customers surveyed 0.0%" read as
    surveys nobody answered); with one answer from 1 of the 2 customers active in the last month: 50%."""
    customers = prepare_bytes(b"customer_id,start_date,churn_date\nA,2025-01-01,\nB,2025-01-01,\n", "customers")
    revenue = prepare_bytes(b"customer_id,month,mrr\nA,2025-01,100\nB,2025-01,100\nA,2025-02,100\nB,2025-02,100\n",
                            "revenue")
    ws = Workspace(":memory:")
    ws.commit([customers.to_upload(), revenue.to_upload()])
    assert health.match_rates(ws.cursor(), ws.snapshot())["active_surveyed"] is None
    ws.commit([prepare_bytes(b"customer_id,date,score\nA,2025-01-05,9\n", "nps").to_upload()])
    assert health.match_rates(ws.cursor(), ws.snapshot())["active_surveyed"] == pytest.approx(0.5)
    ws.close()


def test_dimension_values(reference_ws):
    snap = reference_ws.snapshot().snapshot
    assert dimension_values(reference_ws.cursor(), snap, "segment") == ["Enterprise", "SMB"]
    assert dimension_values(reference_ws.cursor(), snap, "channel") == ["Email", "In-app", "Web"]


# ---- Properties on random revenue ---------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.sampled_from([0, 0, 10, 20, 35.5, 50]), min_size=6, max_size=6), min_size=1,
                max_size=8))
def test_bridge_balances_and_grr_below_nrr(histories):
    rows = [{"customer_id": f"c{i}", "month": dt.date(2025, m + 1, 1), "mrr": mrr}
            for i, hist in enumerate(histories) for m, mrr in enumerate(hist) if mrr > 0]
    if not rows:
        return
    ws = Workspace(":memory:")
    ws.commit([NewUpload("revenue", "r.csv", "x", pd.DataFrame(rows))])
    v = View(ws.snapshot().snapshot, JAN, dt.date(2025, 6, 1))
    f = revenue.mrr_by_month(ws.cursor(), v).dropna(subset=["start_mrr"])
    bridge = f.start_mrr + f.new + f.reactivation + f.expansion - f.contraction - f.churned
    assert bridge.round(2).tolist() == f.mrr.round(2).tolist()
    for r in revenue.retention_by_month(ws.cursor(), v, months=3).itertuples():
        assert 0 <= r.grr <= 1 + 1e-12
        assert r.grr <= r.nrr + 1e-12
    ws.close()


# ---- Cohorts -----------------------------------------------------------------------------------
def test_cohorts_logo_and_revenue(reference_ws):
    # D already pays in the first data month (Dec): left out. Cohort Jan = A, B (MRR 100 + 50);
    # cohort Mar = E (300). Ages: Jan → Feb A B, Mar A, Apr A; Mar → Apr nobody. Data ends in Apr.
    from metrics import cohorts

    logo = cohorts.retention_matrix(reference_ws.cursor(), view(reference_ws)).set_index("cohort")
    assert logo.loc["2025-01", [0, 1, 2, 3]].tolist() == [1.0, 1.0, 0.5, 0.5]
    assert logo.loc["2025-03", [0, 1]].tolist() == [1.0, 0.0]
    assert logo.loc["2025-03", [2, 3]].isna().all()            # past the data: blank, not zero
    assert logo.loc["Average", 1] == pytest.approx(2 / 3)      # (2 + 0) ÷ (2 + 1), weighted by size
    assert logo.loc["Average", 2] == 0.5                       # only the Jan cohort is observed at age 2
    assert logo["size"].tolist() == [2, 1, 3]
    rev = cohorts.retention_matrix(reference_ws.cursor(), view(reference_ws), "revenue").set_index("cohort")
    assert rev.loc["2025-01", [0, 1, 2, 3]].tolist() == [1.0, 1.0, 1.0, 1.0]  # A's 150 makes up for B
    assert rev.loc["Average", 1] == pytest.approx(150 / 450)   # (150 + 0) ÷ (150 + 300)


def test_cohort_cells_past_the_period_are_blank(reference_ws):
    # Period Jan–Mar, though the data runs to Apr: the Jan cohort (A, B) is seen at ages 0–2 only (A's April is
    # after the period), the Mar cohort (E) at age 0 only.
    from metrics import cohorts

    logo = cohorts.retention_matrix(reference_ws.cursor(), view(reference_ws, end=MAR)).set_index("cohort")
    assert logo.loc["2025-01", [0, 1, 2]].tolist() == [1.0, 1.0, 0.5]
    assert pd.isna(logo.loc["2025-01", 3]) and pd.isna(logo.loc["2025-03", 1])
    assert logo.loc["Average", 1] == 1.0 and pd.isna(logo.loc["Average", 3])  # age 1: Jan cohort only, 2 of 2


# ---- Value ---------------------------------------------------------------------------------------
def test_ltv_without_a_customers_file_says_churn_needs_one():
    from metrics import value

    ws = Workspace(":memory:")
    ws.commit([prepare_bytes(b"customer_id,month,mrr\nA,2025-01,100\nA,2025-02,0\n", "revenue").to_upload()])
    snap = ws.snapshot()
    out = value.overall_ltv(ws.cursor(), View(snap.snapshot, snap.first_month, snap.last_month))
    assert out["ltv"] is None  # A's revenue stops in February, but logo churn is read from a customers file
    assert out["ltv_reason"] == "churn needs customers of a customers file active in the period, and there are none"
    ws.close()


def test_ltv_and_value_summary(reference_ws):
    from metrics import value

    s = value.value_summary(reference_ws.cursor(), view(reference_ws))
    # ARPA Apr = 350 ÷ 2 = 175; monthly churn .2 → LTV = 175 × .8 ÷ .2 = 700
    # ARPA Apr = 350 ÷ 2 = 175; monthly churn .2 would give 175 × .8 ÷ .2 = 700, but it rests on 2 churned
    # customers (B in Mar, E in Apr), fewer than 10: blank, with the reason.
    assert s["arpa"] == 175 and s["monthly_churn"] == pytest.approx(0.2) and s["ltv"] is None
    assert s["ltv_reason"] == "n = 2, fewer than 10 churned customers"
    assert value.ltv(175, 0.2) == pytest.approx(700)
    assert value.ltv(175, 0.0) is None                         # zero churn: not measurable, never ∞
    # Nobody is active at Dec 1 (D starts that day), so no category has customers at the start.
    assert s["revenue_at_risk"].value is None
    assert s["revenue_at_risk"].reason == "needs ≥ 30 detractors and promoters at the period's start (have 0 and 0)"
    assert s["ltv_by_category"] == {"Promoter": None, "Passive": None, "Detractor": None}
    assert s["nps_point"] is None and s["nps_point_reason"].startswith("needs ≥ 30 detractors and passives")
    assert s["detractor_arr"] == 1800                          # A, a detractor since r4, pays 150 in Apr


def test_a_categorys_ltv_needs_30_customers_as_well_as_10_churns(monkeypatch):
    """20 detractors of whom 15 churned: 15 churns are enough, 20 customers are not (the rule: 30 in each group).
    The Detractor LTV was shown as a fact ($5,715). 40 promoters with 12 churns: avg MRR 500 × 0.8 ÷ monthly
    churn 0.02 = 20,000."""
    import pandas as pd

    from metrics import linkage, value

    cats = pd.DataFrame({"category": ["Promoter", "Passive", "Detractor"], "customers": [40, 31, 20],
                         "churned": [12, 5, 15], "ltv_mrr": [500.0, 400.0, 779.4],
                         "monthly_churn": [0.02, 0.01, 0.1], "annual_churn": [0.2, 0.1, 0.7]})
    now = pd.DataFrame({"category": ["Promoter", "Passive", "Detractor"], "customers": [30, 20, 10],
                        "arr": [1000.0, 500.0, 300.0]})
    monkeypatch.setattr(linkage, "by_category", lambda cur, view: cats)
    monkeypatch.setattr(linkage, "current_by_category", lambda cur, view: now)
    monkeypatch.setattr(value, "overall_ltv", lambda cur, view, margin: {})
    s = value.value_summary(None, View(1, dt.date(2025, 1, 1), dt.date(2025, 12, 1)), 0.8)
    assert s["ltv_by_category"]["Promoter"] == pytest.approx(20_000)
    assert s["ltv_by_category"]["Detractor"] is None
    assert s["ltv_by_category_reason"]["Detractor"] == "n = 20, fewer than 30 customers"
    assert s["ltv_by_category_reason"]["Passive"] == "n = 5, fewer than 10 churned customers"
    assert s["ltv_by_category_reason"]["Promoter"] is None


def test_revenue_at_risk_hand_worked():
    from metrics import value

    # Over 12 months: detractors 30 of 100 churned, promoters 10 of 100. With a 12-month window the annual
    # rates are the window rates: .30 and .10, excess .20 → 1,000,000 × .20 = 200,000.
    r = value.revenue_at_risk(1_000_000, (30, 100), (10, 100), 12)
    assert r.detractor_annual_churn == pytest.approx(0.30) and r.promoter_annual_churn == pytest.approx(0.10)
    assert r.value == pytest.approx(200_000)
    # Newcombe: Wilson(30/100) = [.2189, .3958], Wilson(10/100) = [.0553, .1744]
    # low = .2 − √((.3 − .2189)² + (.1744 − .1)²) = .2 − .1100 = .0900; high = .2 + √(.0958² + .0447²) = .3057
    assert r.low == pytest.approx(1_000_000 * 0.0900, rel=2e-3)
    assert r.high == pytest.approx(1_000_000 * 0.3057, rel=2e-3)
    assert value.revenue_at_risk(1e6, (3, 29), (1, 100), 12).value is None


def test_churn_gap_small_or_overlapping_is_not_a_number():
    from metrics import value

    # 20 of 100 vs 15 of 100 over 12 months: gap .05. Wilson(20/100) = [.1333, .2888], Wilson(15/100) =
    # [.0931, .2328]; low = .05 − √((.20 − .1333)² + (.2328 − .15)²) = .05 − .1063 = −.0563 < 0.
    gap = value.churn_gap((20, 100), (15, 100), 12)
    assert gap.value == pytest.approx(0.05) and gap.low == pytest.approx(-0.0563, abs=5e-4)
    assert gap.reason == value.NO_DIFFERENCE and not gap.measurable
    r = value.revenue_at_risk(1_000_000, (20, 100), (15, 100), 12)
    assert r.value is None and r.no_difference                 # not "$50.0K", and never a negative amount
    assert value.revenue_at_risk(1e6, (10, 100), (20, 100), 12).no_difference  # detractors churn less
    # 3 + 2 churned of 100 each: 5 churn events, fewer than 10
    assert value.churn_gap((3, 100), (2, 100), 12).reason == "5 churned detractors and promoters, fewer than 10"
    assert value.churn_gap((9, 29), (1, 100), 12).reason.startswith("needs ≥ 30 detractors and promoters")


def test_what_if_and_nps_point():
    from metrics import value

    # 25% of 200 detractors (ARR 2,000,000) become passives: annual churn .30 → .15.
    # Moved 50; avoided 50 × .15 = 7.5 churned; ARR kept .25 × 2,000,000 × .15 = 75,000;
    # payback of 30,000 = 30,000 ÷ (75,000 × .8 ÷ 12 = 5,000 per month) = 6 months.
    w = value.what_if(0.25, 200, 2_000_000, 0.30, 0.15, investment=30_000)
    assert (w.moved_customers, w.churned_avoided) == (50, pytest.approx(7.5))
    assert w.arr_kept == pytest.approx(75_000) and w.payback_months == pytest.approx(6)
    assert value.what_if(0.25, 200, 2e6, None, 0.15) is None
    # One NPS point with 1,000 surveyed customers: 10 of the 200 detractors (share .05) → 5% × 2e6 × .15
    assert value.nps_point_value(1000, 200, 2_000_000, 0.30, 0.15) == pytest.approx(15_000)


def test_transitions_between_consecutive_responses(reference_ws):
    from metrics import value

    # A: r1 Promoter (Dec) → r4 Detractor (Feb 1), A's Feb MRR 100. D: r3 Passive → r7 Promoter (Apr), MRR 200.
    t = value.transitions(reference_ws.cursor(), view(reference_ws), reference_ws.snapshot().versions)
    assert t.to_dict("records") == [
        {"from_category": "Passive", "to_category": "Promoter", "pairs": 1, "mrr": 200.0},
        {"from_category": "Promoter", "to_category": "Detractor", "pairs": 1, "mrr": 100.0}]
    later = value.transitions(reference_ws.cursor(), view(reference_ws, start=MAR), reference_ws.snapshot().versions)
    assert later.from_category.tolist() == ["Passive"]  # A's move happened before March


def test_a_move_answered_after_the_customer_churned_counts():
    """X answers 9 in January, churns on 10 February, answers 2 in March (the unhappiest answers come from leavers);
    Y answers 10 then 9. Joined only to customers present that month, X's move was dropped: 1 pair for 2. X's MRR
    in March is 0, Y's 50."""
    from metrics import value
    from metrics.store import Workspace

    ws = Workspace(":memory:")
    ws.commit([
        prepare_bytes(b"customer_id,start_date,churn_date\nX,2024-06-01,2025-02-10\nY,2024-06-01,\n",
                      "customers").to_upload(),
        prepare_bytes(b"customer_id,month,mrr\n" + b"".join(f"X,2025-0{m},80\nY,2025-0{m},50\n".encode()
                                                              for m in (1, 2)) + b"Y,2025-03,50\n",
                      "revenue", answers={"recurring:mrr": "monthly"}).to_upload(),
        prepare_bytes(b"customer_id,date,score\nX,2025-01-05,9\nY,2025-01-06,10\nX,2025-03-03,2\n"
                      b"Y,2025-03-04,9\n", "nps", answers={"scale:score": "0-10"}).to_upload(),
    ])
    snap = ws.snapshot()
    t = value.transitions(ws.cursor(), View(snap.snapshot, dt.date(2025, 1, 1), dt.date(2025, 3, 1)), snap.versions)
    assert t.to_dict("records") == [
        {"from_category": "Promoter", "to_category": "Detractor", "pairs": 1, "mrr": 0.0},
        {"from_category": "Promoter", "to_category": "Promoter", "pairs": 1, "mrr": 50.0}]
    ws.close()


def test_quick_ratio(reference_ws):
    # Jan–Apr: gains 150 + 300 + 50 + 200 = 700; losses 20 + 230 + 300 = 550 → 700 ÷ 550
    f = revenue.mrr_by_month(reference_ws.cursor(), view(reference_ws))
    assert revenue.quick_ratio(f) == pytest.approx(700 / 550)
    ratio, gains, losses, since = revenue.quick_ratio_parts(f)  # what the CFO tile's note says it divides
    assert (gains, losses) == (700, 550) and ratio == pytest.approx(700 / 550) and f"{since:%b %Y}" == "Jan 2025"


def test_new_customer_nps_and_channel_mix(reference_ws):
    cur, v = reference_ws.cursor(), view(reference_ws)
    # Started Jan–Apr: A, B, C, E. Their Jan–Apr responses: r2 B 3, r4 A 6, r6 E 10 → (1 − 2) ÷ 3
    r = nps.new_customer_nps(cur, v, reference_ws.snapshot().versions)
    assert (r.n, r.promoters, r.detractors) == (3, 1, 2)
    mix = nps.channel_mix(cur, v).set_index("value")
    assert mix["mode"].to_dict() == {"Email": "Digital", "In-app": "Digital", "Web": "Digital"}
    assert mix.n.to_dict() == {"Email": 3, "In-app": 2, "Web": 2}


def test_movers(reference_ws):
    # Mar–Apr vs Jan–Feb by segment. Enterprise: now r6 (10) → +100 (n 1); before r4 (6) → −100 (n 1): +200.
    # SMB: now r7 (10) → +100; before r2 (3), r3 (7) → −50: +150. Unknown: now r8 (8) → 0; before r5 (10)
    # → +100: −100. Too few responses to call any significant.
    m = nps.movers(reference_ws.cursor(), view(reference_ws, start=MAR), "segment").set_index("value")
    assert m.change.to_dict() == {"Enterprise": 200.0, "SMB": 150.0, "No segment recorded": -100.0}
    assert list(m.index) == ["Enterprise", "SMB", "No segment recorded"]
    assert not m.significant.any()


def test_intervals_for_nrr_grr_and_average_mrr(reference_ws):
    # Window Mar–Apr, detractors A (base 100, end 150) and B (base 50, end 0).
    # NRR R = 150 ÷ 150 = 1; Σ(e − R b)² = 50² + 50² = 5000; se = √(2 × 5000) ÷ 150 = .6667 → 1 ± 1.3067,
    # kept ≥ 0. GRR G = (100 + 0) ÷ 150 = .6667; residuals ±33.33 → se = √(2 × 2222.2) ÷ 150 = .4444,
    # .6667 ± .8711 capped at [0, 1]. Average MRR 75, sd 35.36, se 25 → 75 ± 49.
    f = linkage.by_category(reference_ws.cursor(), view(reference_ws, start=MAR)).set_index("category")
    d = f.loc["Detractor"]
    assert d.nrr == 1.0 and d.nrr_low == 0.0 and d.nrr_high == pytest.approx(1 + 1.96 * 2 / 3)
    assert d.grr == pytest.approx(2 / 3) and (d.grr_low, d.grr_high) == (0.0, 1.0)
    assert d.avg_mrr == 75 and (d.avg_mrr_low, d.avg_mrr_high) == (pytest.approx(26), pytest.approx(124))
    assert pd.isna(f.loc["Passive", "nrr_low"])  # one customer: no interval


def test_movers_without_a_previous_period(reference_ws):
    # Jan–Feb vs Nov–Dec 2024: only r1 (A, Enterprise, 9) before, so SMB and Unknown have no change.
    m = nps.movers(reference_ws.cursor(), view(reference_ws, end=FEB), "segment").set_index("value")
    assert m.loc["Enterprise", "change"] == -100 - 100  # now r4 (6) → −100; before r1 (9) → +100
    assert m.loc[["SMB", "No segment recorded"], "change"].isna().all() and list(m.index)[0] == "Enterprise"


def test_coverage_from_the_current_categories_is_the_coverage_read_alone(reference_ws, sample_ws):
    """The CEO page hands link coverage the current categories value_summary read; the figures are the ones
    coverage reads by itself (the reference data's hand-worked ones, and the sample's)."""
    for ws in (reference_ws, sample_ws):
        cur, snap = ws.cursor(), ws.snapshot()
        v = View(snap.snapshot, snap.first_month, snap.last_month)
        assert linkage.coverage(cur, v, linkage.current_by_category(cur, v)) == linkage.coverage(cur, v)
    cur, snap = reference_ws.cursor(), reference_ws.snapshot()
    v = View(snap.snapshot, dt.date(2025, 1, 1), dt.date(2025, 4, 1))
    assert linkage.coverage(cur, v) == {"responses": pytest.approx(5 / 7), "customers": 1.0, "arr": 1.0}
