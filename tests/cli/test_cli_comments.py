"""`python -m metrics.report --comments` and the report's churn_risk / voice figures, on the reference data plus
one NPS file with formula-looking comments. Counts are read from the files themselves."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd

from metrics import load, report

ROOT = Path(__file__).resolve().parent.parent.parent
REFERENCE = ROOT / "tests" / "fixtures" / "reference"
TODAY = "--today=2026-11-23"
FORMULA = '=HYPERLINK("http://evil.example","click")'


def workspace(tmp_path, capsys) -> tuple[Path, pd.DataFrame]:
    nps = pd.read_csv(REFERENCE / "nps.csv", dtype=str, keep_default_na=False)
    extra = pd.DataFrame([{"response_id": "r90", "customer_id": "A", "responded_at": "2025-03-03", "score": "2",
                           "comment": FORMULA, "channel": "Email"},
                          {"response_id": "r91", "customer_id": "B", "responded_at": "2025-03-04", "score": "9",
                           "comment": "@SUM(1+1) the price is fair", "channel": "Web"}])
    nps = pd.concat([nps, extra], ignore_index=True)
    path = tmp_path / "nps.csv"
    nps.to_csv(path, index=False)
    ws = tmp_path / "ws.duckdb"
    files = (("customers", REFERENCE / "customers.csv"), ("nps", path), ("revenue", REFERENCE / "revenue.csv"))
    for kind, file in files:
        assert load.main(["--workspace", str(ws), "--kind", kind, str(file), TODAY]) == 0
    capsys.readouterr()
    return ws, nps[nps["comment"].str.strip() != ""]


def test_comments_csv_is_formula_safe_and_complete(tmp_path, capsys):
    ws, written = workspace(tmp_path, capsys)
    assert report.main(["--workspace", str(ws), "--comments"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sorted(r["response_id"] for r in rows) == sorted(written["response_id"])  # every comment, once
    by_id = {r["response_id"]: r for r in rows}
    assert by_id["r90"]["comment"] == "'" + FORMULA  # a spreadsheet shows it as text, never runs it
    assert by_id["r91"]["comment"] == "'@SUM(1+1) the price is fair"
    assert by_id["r2"]["comment"] == "Too slow, and support never answered"
    assert by_id["r2"]["date"] == "2025-01-20" and by_id["r2"]["nps_score"] == "3"
    assert {r["sentiment"] for r in rows} <= {"positive", "neutral", "negative", "not scored"}
    # numbers stay numbers: a negative sentiment score is not taken for a formula
    assert all(not r["sentiment_score"].startswith("'") for r in rows)

    assert report.main(["--workspace", str(ws), "--comments", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {r["response_id"]: r["comment"] for r in records}["r90"] == FORMULA  # JSON carries the text as it is


def test_report_json_has_churn_risk_and_voice(tmp_path, capsys):
    ws, written = workspace(tmp_path, capsys)
    assert report.main(["--workspace", str(ws), "--json"]) == 0
    f = json.loads(capsys.readouterr().out)
    risk, said = f["churn_risk"], f["voice"]
    # Dec 2024 – Apr 2025: five months, fewer than 6 of history plus a 3-month outcome.
    assert risk["measurable"] is False and "covers 5 months" in risk["reason"]
    assert said["comments"] == len(written)  # the window (Dec 2024 – Apr 2025) holds every response
    s = said["sentiment"]
    assert s["comments"] == len(written) and s["coverage"] == s["scored"] / s["comments"]
    assert abs(sum(s[k]["share"] for k in ("positive", "neutral", "negative")) - 1) < 1e-9
    assert {"theme", "mentions", "customers", "arr_at_stake", "arr_at_stake_negative"} == set(said["top_themes"][0])
    assert report.main(["--workspace", str(ws)]) == 0
    text = capsys.readouterr().out
    assert f"Comments      {len(written):,} · coverage" in text
