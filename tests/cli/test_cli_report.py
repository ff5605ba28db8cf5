"""`python -m metrics.report`, run in-process on workspaces loaded with `python -m metrics.load`.

Expected figures are worked out by hand (the reference data: see tests/test_metrics.py; a 13-month company
below) or, for the sample company, counted straight from its CSV files with pandas, never by the metric code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from metrics import load, report

ROOT = Path(__file__).resolve().parent.parent.parent
REFERENCE = ROOT / "tests" / "fixtures" / "reference"
SAMPLE = ROOT / "sample_data"
TODAY = "--today=2026-11-23"


def load_files(ws_path: Path, files: dict[str, Path]) -> None:
    for kind, path in files.items():
        assert load.main(["--workspace", str(ws_path), "--kind", kind, str(path), TODAY]) == 0


def report_json(capsys, ws_path: Path, *extra: str) -> dict:
    code = report.main(["--workspace", str(ws_path), "--json", *extra])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    return json.loads(out)


@pytest.fixture
def reference(tmp_path, capsys):
    ws_path = tmp_path / "ws.duckdb"
    load_files(ws_path, {kind: REFERENCE / f"{kind}.csv" for kind in ("customers", "nps", "revenue")})
    capsys.readouterr()
    return ws_path


def test_reference_latest_month(reference, capsys):
    f = report_json(capsys, reference)
    # The data runs Dec 2024 – Apr 2025, so the 12-month window ending in Apr starts in Dec.
    assert f["data_version"] == 3 and f["window"] == {"start": "2024-12", "end": "2025-04", "months": 5}
    # NPS over all 8 responses: promoters r1 r5 r6 r7 = 4, passives r3 r8 = 2, detractors r2 r4 = 2 → 25.
    # Adjusted Wald: n' = 11, p' = 4.75/11, d' = 2.75/11, e = .181818, se = √(.648760/11) = .242854,
    # 100 × (e ± 1.96 se) = −29.4176 … 65.7813.
    n = f["nps"]
    assert (n["n"], n["promoters"], n["passives"], n["detractors"]) == (8, 4, 2, 2)
    assert n["value"] == pytest.approx(25.0)
    assert n["low"] == pytest.approx(-29.4176, abs=1e-4) and n["high"] == pytest.approx(65.7813, abs=1e-4)
    assert n["too_small"] is True
    # Logo churn (test_metrics): active at month starts Dec 0 (D starts on Dec 1, not before), Jan 1, Feb 3,
    # Mar 3, Apr 3 = 10; churned B (Mar), E (Apr) = 2 → .2 a month, 1 − .8¹² = .931281 a year.
    assert f["logo_churn"] == {"monthly": pytest.approx(0.2), "annual": pytest.approx(0.931281, abs=1e-6),
                               "churned": 2, "active_at_month_starts": 10}
    assert (f["mrr"], f["arr"]) == (350, 4200)  # Apr: A 150 + D 200
    # Not measurable: 12 months before Apr 2025 is before the data; no category applies on Dec 1, 2024.
    assert (f["nrr"], f["grr"], f["retention_base"], f["churn_by_nps_category"]) == (None, None, None, None)
    assert f["notes"] == [
        "NPS: n = 8 responses, fewer than 30: too small to compare.",
        "CSAT: this data version has no satisfaction answers.",
        "Service: this data version has no support tickets.",
        "NRR, GRR: not measurable, they need revenue in Apr 2024 (12 months before Apr 2025); the revenue data "
        "starts in Dec 2024.",
        "Churn by NPS category: no customer was active on 01 Dec 2024 (the window's start), so no category applies.",
        # Dec 2024 – Apr 2025 is 5 months: the churn model needs 6 months of history and a 3-month outcome.
        "Churn risk: not measurable (the data covers 5 months; the model needs at least 9 (6 of history, then a "
        "3-month outcome)).",
    ]


def test_reference_given_month(reference, capsys):
    f = report_json(capsys, reference, "--month", "2025-02")
    assert f["window"] == {"start": "2024-12", "end": "2025-02", "months": 3}
    # Dec–Feb responses r1 9, r2 3, r3 7, r4 6, r5 10: 2 promoters, 1 passive, 2 detractors → 0;
    # interval: n' = 8, p' = d' = 2.75/8, e = 0, se = √(.6875/8) = .293151 → ± 57.4576.
    n = f["nps"]
    assert (n["value"], n["n"], n["promoters"], n["passives"], n["detractors"]) == (0, 5, 2, 1, 2)
    assert n["low"] == pytest.approx(-57.4576, abs=1e-4) and n["high"] == pytest.approx(57.4576, abs=1e-4)
    # Active at starts: Jan D, Feb A B D = 4 (Dec none); nobody churns before March.
    assert f["logo_churn"] == {"monthly": 0, "annual": 0, "churned": 0, "active_at_month_starts": 4}
    assert (f["mrr"], f["arr"]) == (330, 3960)  # Feb: A 100 + B 50 + D 180


def test_text_output_and_refusals(reference, capsys, tmp_path):
    assert report.main(["--workspace", str(reference)]) == 0
    out = capsys.readouterr().out
    assert "Data version #3 · window 2024-12 to 2025-04 (5 months)" in out
    assert "NPS           +25.0 (95%: -29.4 to +65.8) · n = 8 · too small to compare" in out
    assert "Logo churn    20.0% monthly · 93.1% annualised (2 churned of 10 active at month starts)" in out
    assert "ARR           4,200" in out and "NRR           —" in out
    assert report.main(["--workspace", str(reference), "--month", "2025-05"]) == 1
    assert capsys.readouterr().err == ("python -m metrics.report: 2025-05 is outside the data, which covers "
                                       "2024-12 to 2025-04.\n")
    assert report.main(["--workspace", str(reference), "--month", "May 2025"]) == 2
    assert "'May 2025' is not a month as YYYY-MM" in capsys.readouterr().err
    assert report.main(["--workspace", str(tmp_path / "none.duckdb")]) == 2
    assert capsys.readouterr().err == f"python -m metrics.report: no workspace at {tmp_path / 'none.duckdb'}\n"
    assert not (tmp_path / "none.duckdb").exists()


def test_a_data_version_without_revenue(tmp_path, capsys):
    ws_path = tmp_path / "ws.duckdb"
    load_files(ws_path, {"nps": REFERENCE / "nps.csv"})
    capsys.readouterr()
    f = report_json(capsys, ws_path)
    # Responses only: months Dec 2024 – Apr 2025 from the response dates; NPS as in the reference.
    assert f["nps"]["value"] == pytest.approx(25.0) and f["nps"]["n"] == 8
    assert f["logo_churn"] is None and f["mrr"] is None and f["arr"] is None and f["nrr"] is None
    assert f["churn_by_nps_category"] is None
    assert "Logo churn: this data version has no customer list." in f["notes"]
    assert "MRR, ARR, NRR, GRR: this data version has no revenue." in f["notes"]
    assert "Churn by NPS category: this data version has no customer list." in f["notes"]


# ---- a company with 13 months of revenue: retention and churn by category are measurable -------------------
# Customers (start → churn): P1, P2 (→ 2024-06-15), P3, D1 (→ 2024-03-10), D2 all start 2023-06-01; N1 2024-05-01.
# Responses before Feb 1, 2024: P1 10, P2 9, P3 10 (promoters), D1 2, D2 5 (detractors); in the window
# (Feb 2024 – Jan 2025): D2 9 (Jun), N1 8 (Aug), P1 6 (Sep), P3 10 (Oct).
# MRR: P1 100 (Jan 2024 – Dec 2024), 150 in Jan 2025; P2 100 (Jan – Jun 2024); P3 60 (all 13 months);
#      D1 50 (Jan – Mar 2024); D2 200 (Jan – Dec 2024), 100 in Jan 2025; N1 80 (May 2024 – Jan 2025).
CUSTOMERS = """customer_id,signup_date,churn_date,segment,region
P1,2023-06-01,,SMB,EMEA
P2,2023-06-01,2024-06-15,SMB,EMEA
P3,2023-06-01,,SMB,EMEA
D1,2023-06-01,2024-03-10,SMB,EMEA
D2,2023-06-01,,SMB,EMEA
N1,2024-05-01,,SMB,EMEA
"""
RESPONSES = """response_id,customer_id,responded_at,score,comment,channel
q1,P1,2024-01-10,10,,Email
q2,P2,2024-01-15,9,,Email
q3,P3,2024-01-05,10,,Email
q4,D1,2024-01-20,2,,Email
q5,D2,2024-01-25,5,,Email
q6,D2,2024-06-01,9,,Email
q7,N1,2024-08-01,8,,Email
q8,P1,2024-09-10,6,,Email
q9,P3,2024-10-10,10,,Email
"""
MONTHS = [f"{m:%Y-%m}" for m in pd.date_range("2024-01-01", "2025-01-01", freq="MS")]  # Jan 2024 … Jan 2025
MRR = {"P1": [100] * 12 + [150], "P2": [100] * 6, "P3": [60] * 13, "D1": [50] * 3, "D2": [200] * 12 + [100],
       "N1": [0] * 4 + [80] * 9}


def test_retention_and_churn_by_category_hand_worked(tmp_path, capsys):
    files = {"customers": tmp_path / "customers.csv", "nps": tmp_path / "nps.csv", "revenue": tmp_path / "rev.csv"}
    files["customers"].write_text(CUSTOMERS)
    files["nps"].write_text(RESPONSES)
    files["revenue"].write_text("customer_id,month,mrr\n" + "".join(
        f"{c},{m},{v}\n" for c, values in MRR.items() for m, v in zip(MONTHS, values, strict=False) if v))
    ws_path = tmp_path / "ws.duckdb"
    load_files(ws_path, files)
    capsys.readouterr()
    f = report_json(capsys, ws_path)
    assert f["window"] == {"start": "2024-02", "end": "2025-01", "months": 12}
    # NPS in the window: q6 9, q7 8, q8 6, q9 10 → 2 promoters, 1 passive, 1 detractor: 25 of n 4.
    # n' = 7, p' = 2.75/7, d' = 1.75/7, e = 1/7, se = √(.622449/7) = .298196 → −44.1608 … 72.7323.
    n = f["nps"]
    assert (n["n"], n["promoters"], n["passives"], n["detractors"]) == (4, 2, 1, 1)
    assert n["value"] == pytest.approx(25.0)
    assert n["low"] == pytest.approx(-44.1608, abs=1e-4) and n["high"] == pytest.approx(72.7323, abs=1e-4)
    # Active at month starts Feb 2024 – Jan 2025: P1 12, P2 5 (Feb – Jun), P3 12, D1 2 (Feb, Mar), D2 12,
    # N1 8 (Jun – Jan) = 51; churned D1 (Mar), P2 (Jun) = 2 → 2/51 = .039216; annual 1 − (49/51)¹² = .381256.
    c = f["logo_churn"]
    assert (c["churned"], c["active_at_month_starts"]) == (2, 51)
    assert c["monthly"] == pytest.approx(0.039216, abs=1e-6) and c["annual"] == pytest.approx(0.381256, abs=1e-6)
    # Jan 2025: P1 150 + P3 60 + D2 100 + N1 80 = 390.
    assert (f["mrr"], f["arr"]) == (390, 4680)
    # Base Jan 2024: P1 100, P2 100, P3 60, D1 50, D2 200 = 510 (5 customers).
    # Jan 2025 of the base: 150 + 0 + 60 + 0 + 100 = 310 → NRR .607843; capped: 100 + 60 + 100 = 260 → GRR .509804.
    assert f["retention_base"] == {"month": "2024-01", "customers": 5, "mrr": 510}
    assert f["nrr"] == pytest.approx(0.607843, abs=1e-6) and f["grr"] == pytest.approx(0.509804, abs=1e-6)
    # Category as of Feb 1, 2024 (later answers unused): promoters P1 P2 P3, P2 churned → 1 of 3;
    # detractors D1 D2, D1 churned → 1 of 2. N1 was not yet a customer. Over 12 months the annual rate is the
    # rate itself. Wilson 95%: 1 of 3 → .061490 … .792345; 1 of 2 → .094529 … .905471.
    cats = f["churn_by_nps_category"]
    assert list(cats) == ["Promoter", "Detractor"]
    assert cats["Promoter"] == {"customers": 3, "churned": 1, "rate": pytest.approx(1 / 3),
                                "low": pytest.approx(0.061490, abs=1e-6), "high": pytest.approx(0.792345, abs=1e-6),
                                "annual": pytest.approx(1 / 3), "too_small": True}
    assert cats["Detractor"] == {"customers": 2, "churned": 1, "rate": 0.5,
                                 "low": pytest.approx(0.094529, abs=1e-6), "high": pytest.approx(0.905471, abs=1e-6),
                                 "annual": pytest.approx(0.5), "too_small": True}
    assert "Churn by NPS category: fewer than 30 customers in Promoter (3), Detractor (2): too small to compare." \
        in f["notes"]
    assert "NRR, GRR: base of 5 customers, fewer than 30: too small to compare." in f["notes"]


def test_counts_of_one_take_the_singular(reference, capsys):
    """December 2024 alone: one month, one response, one mention (read "(1 months)", "n = 1 responses")."""
    assert report.main(["--workspace", str(reference), "--month", "2024-12"]) == 0
    out = capsys.readouterr().out
    assert "Data version #3 · window 2024-12 to 2024-12 (1 month)\n" in out
    assert "  - NPS: n = 1 response, fewer than 30: too small to compare.\n" in out
    assert "ARR at stake — · 1 mention\n" in out



def test_one_ticket_created_is_singular(tmp_path, capsys):
    """The report's Service line with one ticket in the window (read "1 tickets created")."""
    tickets = tmp_path / "tickets.csv"
    tickets.write_bytes(b"ticket_id,customer_id,created_at,solved_at,status\nT1,A,2025-04-02T09:00:00Z,"
                        b"2025-04-02T15:00:00Z,solved\n")
    ws_path = tmp_path / "ws.duckdb"
    load_files(ws_path, {**{kind: REFERENCE / f"{kind}.csv" for kind in ("customers", "nps", "revenue")},
                         "tickets": tickets})
    capsys.readouterr()
    assert report.main(["--workspace", str(ws_path), "--month", "2025-04"]) == 0
    assert "Service       1 ticket created · backlog 0" in capsys.readouterr().out


# ---- the sample company, checked against counts taken from its CSV files ---------------------------------
def test_sample_company_against_its_csv_files(tmp_path, capsys):
    from metrics.ingest import SAMPLE_FILES

    ws_path = tmp_path / "ws.duckdb"
    load_files(ws_path, {kind: SAMPLE / name for kind, name in SAMPLE_FILES.items()})
    capsys.readouterr()
    f = report_json(capsys, ws_path)

    customers = pd.read_csv(SAMPLE / "customers.csv", parse_dates=["signup_date", "churn_date"])
    responses = pd.read_csv(SAMPLE / "nps_responses.csv", parse_dates=["responded_at"])
    rev = pd.read_csv(SAMPLE / "revenue.csv")
    months = sorted(rev.month.unique())
    end = pd.Timestamp(months[-1])
    start = pd.Timestamp(months[-12])
    assert f["window"] == {"start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}", "months": 12}

    in_window = responses[(responses.responded_at >= start) & (responses.responded_at < end + pd.offsets.MonthBegin())]
    promoters, detractors = int((in_window.score >= 9).sum()), int((in_window.score <= 6).sum())
    assert f["nps"]["n"] == len(in_window) and f["nps"]["promoters"] == promoters
    assert f["nps"]["value"] == pytest.approx(100 * (promoters - detractors) / len(in_window))

    active = churned = 0
    for m in pd.date_range(start, end, freq="MS"):
        at_start = (customers.signup_date < m) & (customers.churn_date.isna() | (customers.churn_date >= m))
        active += int(at_start.sum())
        churned += int((at_start & (customers.churn_date < m + pd.offsets.MonthBegin())).sum())
    assert (f["logo_churn"]["active_at_month_starts"], f["logo_churn"]["churned"]) == (active, churned)

    by_month = rev.groupby(["month", "customer_id"]).mrr.sum().unstack(fill_value=0)
    now, base = by_month.loc[f"{end:%Y-%m}"], by_month.loc[f"{end - pd.DateOffset(months=12):%Y-%m}"]
    assert f["mrr"] == pytest.approx(now.sum()) and f["arr"] == pytest.approx(12 * now.sum())
    paying = base[base > 0]
    kept = now.reindex(paying.index, fill_value=0)
    assert f["retention_base"]["customers"] == len(paying)
    assert f["nrr"] == pytest.approx(kept.sum() / paying.sum())
    assert f["grr"] == pytest.approx(kept.clip(upper=paying).sum() / paying.sum())

    # Category as of the window's start: each customer's latest answer strictly before it (the later file row
    # wins a same-day tie); customers active at the start; churned on or before the window's last day.
    before = responses[responses.responded_at < start].reset_index().sort_values(["responded_at", "index"])
    latest = before.groupby("customer_id").score.last()
    category = pd.cut(latest, [-1, 6, 8, 10], labels=["Detractor", "Passive", "Promoter"]).astype(str)
    at_start = customers[(customers.signup_date < start) & (customers.churn_date.isna()
                                                            | (customers.churn_date >= start))].copy()
    at_start["category"] = at_start.customer_id.map(category).fillna("No response")
    at_start["churned"] = at_start.churn_date < end + pd.offsets.MonthBegin()
    expected = at_start.groupby("category").agg(customers=("churned", "size"), churned=("churned", "sum"))
    got = f["churn_by_nps_category"]
    assert set(got) == set(expected.index)
    for name, row in expected.iterrows():
        assert (got[name]["customers"], got[name]["churned"]) == (row.customers, row.churned), name
        assert got[name]["rate"] == pytest.approx(row.churned / row.customers)
        assert got[name]["low"] <= got[name]["rate"] <= got[name]["high"]


def test_a_snapshot_customer_list_is_flagged(tmp_path, capsys):
    csv, ws_path = tmp_path / "snapshot.csv", tmp_path / "ws.duckdb"
    csv.write_text("customer_id,tenure,churned\nA,3,No\nB,2,Yes\nC,5,No\n")
    assert load.main(["--workspace", str(ws_path), "--kind", "customers", str(csv), "--as-of", "2025-06-15",
                      "--answer", "tenure_unit:tenure=months", TODAY]) == 0
    capsys.readouterr()
    f = report_json(capsys, ws_path)
    # Starts = as-of month − tenure: C Jan 1, A Mar 1, B Apr 1; B churned on the as-of date, Jun 15. The data's
    # only dated event is that churn, so the window is Jun 2025 alone: active at its start A B C = 3, churned
    # B = 1 → 1/3 a month, 1 − (2/3)¹² = .992293 a year.
    assert f["window"] == {"start": "2025-06", "end": "2025-06", "months": 1}
    assert f["logo_churn"] == {"monthly": pytest.approx(1 / 3), "annual": pytest.approx(0.992293, abs=1e-6),
                               "churned": 1, "active_at_month_starts": 3}
    assert any(n.startswith("Logo churn and churn by category: the customer list is a snapshot") for n in f["notes"])


def test_a_customers_file_alone_spans_its_starts_to_its_as_of_date(tmp_path, capsys):
    """Ten customers since June 2023; c1 leaves in March 2024, c2 in May; the file is as of 31 Dec 2024. The window
    is the 12 months to the as-of date: active at month starts Jan–Mar 10, Apr–May 9, Jun–Dec 8 = 104, churned 2,
    2/104 a month. It read Mar–May 2024 alone (from the first churn to the last): 2/28, 7.1% a month."""
    csv, ws_path = tmp_path / "customers.csv", tmp_path / "ws.duckdb"
    churn = {1: "2024-03-12", 2: "2024-05-20"}
    csv.write_text("customer_id,start_date,churn_date\n"
                   + "".join(f"c{i},2023-06-0{1 + i % 9},{churn.get(i, '')}\n" for i in range(1, 11)))
    assert load.main(["--workspace", str(ws_path), "--kind", "customers", str(csv), "--as-of", "2024-12-31",
                      TODAY]) == 0
    capsys.readouterr()
    f = report_json(capsys, ws_path)
    assert f["window"] == {"start": "2024-01", "end": "2024-12", "months": 12}
    assert (f["logo_churn"]["churned"], f["logo_churn"]["active_at_month_starts"]) == (2, 104)
    assert f["logo_churn"]["monthly"] == pytest.approx(2 / 104)


def test_email_ids_link_whatever_their_case(tmp_path, capsys):
    """The CRM writes 'Ann.A@X.com', the survey tool 'ann.a@x.com': compared as text no answer was linked, and every
    customer fell under "No response" (6, 3 churned) without a word. By hand, category as of Jul 2023: Promoter Ann
    (churned) and Cy: 2, 1 churned; Detractor Bob and Di, both churned: 2, 2; Passive Ed: 1, 0; No response Flo."""
    customers, nps, ws_path = tmp_path / "crm.csv", tmp_path / "survey.csv", tmp_path / "ws.duckdb"
    churn = {"Ann.A": "2024-03-10", "Bob.B": "2024-04-10", "Di.D": "2024-05-01"}
    customers.write_text("Email,Customer since,Churn date\n" + "".join(
        f"{n}@X.com,2023-01-01,{churn.get(n, '')}\n" for n in ("Ann.A", "Bob.B", "Cy.C", "Di.D", "Ed.E", "Flo.F")))
    nps.write_text("email,responded_at,score\n" + "".join(
        f"{n}@x.com,2023-05-0{i + 1},{s}\n" for i, (n, s) in enumerate(
            [("ann.a", 9), ("bob.b", 3), ("cy.c", 10), ("di.d", 2), ("ed.e", 8)])))
    assert load.main(["--workspace", str(ws_path), "--kind", "customers", str(customers), "--as-of", "2024-06-30",
                      "--column", "customer_id=Email", TODAY]) == 0
    assert load.main(["--workspace", str(ws_path), "--kind", "nps", str(nps), "--column", "customer_id=email",
                      TODAY]) == 0
    capsys.readouterr()
    f = report_json(capsys, ws_path)
    assert f["window"] == {"start": "2023-07", "end": "2024-06", "months": 12}
    assert {k: (v["customers"], v["churned"]) for k, v in f["churn_by_nps_category"].items()} == {
        "Promoter": (2, 1), "Passive": (1, 0), "Detractor": (2, 2), "No response": (1, 0)}


def test_a_window_past_the_revenue_data_has_no_mrr_not_zero(tmp_path, capsys):
    """An NPS answer a month newer than the billing export moves the window's end to May 2025, past the revenue
    data (Dec 2024 – Apr 2025): MRR there is not known. It read 'MRR 0, ARR 0' (mrr_at turned the blank into 0)."""
    later = tmp_path / "later.csv"
    later.write_text("response_id,customer_id,responded_at,score\nz1,A,2025-05-10,9\n")
    ws_path = tmp_path / "ws.duckdb"
    load_files(ws_path, {kind: REFERENCE / f"{kind}.csv" for kind in ("customers", "nps", "revenue")})
    assert load.main(["--workspace", str(ws_path), "--kind", "nps", "--append", str(later), TODAY]) == 0
    capsys.readouterr()
    f = report_json(capsys, ws_path)
    assert f["window"]["end"] == "2025-05" and (f["mrr"], f["arr"], f["nrr"]) == (None, None, None)
    assert ("MRR, ARR, NRR, GRR: the revenue data covers Dec 2024 – Apr 2025, not May 2025 (the window ends at the "
            "latest month of any data); pass --month 2025-04 for its figures.") in f["notes"]
    assert (report_json(capsys, ws_path, "--month", "2025-04")["mrr"]) == 350  # Apr: A 150 + D 200
