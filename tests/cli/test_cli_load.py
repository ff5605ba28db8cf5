"""`python -m metrics.load`, run in-process (main([...])) on a temp workspace and checked through the library.

Row numbers in messages are as in the file, the header being row 1.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metrics import ingest, load
from metrics.ingest import pipeline
from metrics.ingest.questions import Question
from metrics.store import Workspace

REFERENCE = Path(__file__).resolve().parent.parent / "fixtures" / "reference"
TODAY = "--today=2026-11-23"  # "in the future" is judged against this, never the machine's clock


def run(capsys, *argv) -> tuple[int, str, str]:
    code = load.main([*map(str, argv), TODAY])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv) -> tuple[int, dict, str]:
    code, out, err = run(capsys, *argv, "--json")
    return code, json.loads(out), err


def open_ws(path: Path) -> Workspace:
    return Workspace(path)


def test_loads_the_reference_files_as_versions(tmp_path, capsys):
    ws_path = tmp_path / "ws.duckdb"
    for kind in ("customers", "nps", "revenue"):
        code, out, err = run(capsys, "--workspace", ws_path, "--kind", kind, REFERENCE / f"{kind}.csv",
                             "--uploaded-by", "nightly job")
        assert (code, err) == (0, "")
        assert "Stored as version" in out
    ws = open_ws(ws_path)
    try:
        snap = ws.snapshot()
        assert snap.snapshot == 3 and snap.versions == {"customers": 1, "nps": 2, "revenue": 3, "csat": None,
                                                         "tickets": None}
        history = ws.history().set_index("version")
        # customers.csv has 5 customers, nps.csv 8 responses, revenue.csv 11 customer-months
        assert history.row_count.to_dict() == {1: 5, 2: 8, 3: 11}
        assert set(history.uploaded_by) == {"nightly job"}
        assert ws.upload_info(3)["mapping"] == "customer_id←customer_id, month←month, amount←mrr"
    finally:
        ws.close()


def test_json_result_and_the_same_file_again_is_refused(tmp_path, capsys):
    ws_path = tmp_path / "ws.duckdb"
    code, result, _ = run_json(capsys, "--workspace", ws_path, "--kind", "nps", REFERENCE / "nps.csv")
    assert code == 0
    assert result["stored"] is True and result["version"] == 1 and result["data_version"] == 1
    # r5 has no customer: 8 responses, 5 known customers (A B D E Z), Dec 20 2024 to Apr 3 2025
    assert result["summary"] == "8 rows, 5 customers, 2024-12-20 to 2025-04-03"
    assert result["change"].startswith("8 rows, 2024-12-20 to 2025-04-03, 5 customers, NPS +25")
    code, out, err = run(capsys, "--workspace", ws_path, "--kind", "nps", REFERENCE / "nps.csv")
    assert code == 1
    assert err == ("python -m metrics.load: This exact file is already the current version of its kind "
                   "(NPS responses version 1). Nothing was stored.\n")
    assert "Nothing was stored." in out
    ws = open_ws(ws_path)
    try:
        assert len(ws.uploads()) == 1 and ws.snapshot().snapshot == 1
    finally:
        ws.close()


BAD_NPS = (b"response_id,customer_id,responded_at,score\n"
           b"a1,C1,2025-01-05,9\n"     # row 2
           b"a2,C2,2025-01-06,11\n"    # row 3: score out of range
           b"a3,C3,2025-01-07,3\n"     # row 4
           b"a4,C4,2025-01-08,x\n"     # row 5: not a number
           b"a5,C5,2025-01-09,10\n")   # row 6


def test_bad_rows_reject_the_file_with_a_report(tmp_path, capsys):
    ws_path, csv = tmp_path / "ws.duckdb", tmp_path / "survey.csv"
    csv.write_bytes(BAD_NPS)
    code, out, err = run(capsys, "--workspace", ws_path, "--kind", "nps", csv)
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("python -m metrics.load: survey.csv was rejected; nothing was "
                                                   "stored. Column 'score'")
    assert "Validation: 2 of 5 rows rejected" in out
    assert "row 3: '11'" in out and "row 5: 'x'" in out
    code, result, _ = run_json(capsys, "--workspace", ws_path, "--kind", "nps", csv)
    assert code == 1 and result["stored"] is False and result["rejected_rows"] == 2 and result["total_rows"] == 5
    cells = sorted((c["row"], c["value"]) for p in result["problems"] for c in p["first_rows"])
    assert cells == [(3, "11"), (5, "x")]
    assert sum(p["rows"] for p in result["problems"]) == 2
    assert all(p["column"] == "score" for p in result["problems"])
    ws = open_ws(ws_path)
    try:
        assert ws.is_empty()
    finally:
        ws.close()


def test_a_file_of_one_row_says_row(tmp_path, capsys):
    ws_path, csv = tmp_path / "ws.duckdb", tmp_path / "survey.csv"
    csv.write_bytes(b"response_id,customer_id,date,score\na1,C1,2025-01-05,11\n")  # one row, its score out of range
    code, out, _ = run(capsys, "--workspace", ws_path, "--kind", "nps", csv)
    assert code == 1 and "Validation: 1 of 1 row rejected" in out


def test_skip_stores_the_valid_rows(tmp_path, capsys):
    ws_path, csv = tmp_path / "ws.duckdb", tmp_path / "survey.csv"
    csv.write_bytes(BAD_NPS)
    code, out, err = run(capsys, "--workspace", ws_path, "--kind", "nps", csv, "--on-bad-rows", "skip")
    assert (code, err) == (0, "")
    assert "Stored as version 1 (2 rejected rows skipped); data version #1." in out
    ws = open_ws(ws_path)
    try:
        rows = ws.cursor().execute("SELECT response_id, score FROM nps_responses WHERE version = 1 "
                                   "ORDER BY row_number").fetchall()
        assert rows == [("a1", 9), ("a3", 3), ("a5", 10)]
    finally:
        ws.close()


def test_a_question_is_printed_and_answered(tmp_path, capsys, monkeypatch):
    """The installed preparers ask no question yet (the questions are being written elsewhere), so this test
    makes the NPS preparer ask two through the real mechanism (metrics.ingest.questions) before doing its
    usual work: one that must be confirmed, one multiple choice with a proposal."""
    real = pipeline.PREPARERS["nps"]
    consent = Question("consent:survey", "Were the respondents asked for consent?", ("yes", "no"),
                       labels={"yes": "Yes, all of them"}, proposal="yes", detail="no column says so",
                       must_confirm=True)
    channels = Question("channels:survey", "Which channels are surveys?", ("Email", "In-app", "Web"),
                        proposal=["Email"], multi=True)

    def asking(chk, mapping, opts, warnings):
        chk.questions.ask(consent)
        chk.questions.ask(channels)
        return real(chk, mapping, opts, warnings)

    monkeypatch.setitem(pipeline.PREPARERS, "nps", asking)
    ws_path = tmp_path / "ws.duckdb"
    code, out, err = run(capsys, "--workspace", ws_path, "--kind", "nps", REFERENCE / "nps.csv")
    assert code == 1
    assert err == ("python -m metrics.load: nps.csv was rejected; nothing was stored. 1 question(s) need an answer "
                   "before anything is stored: Were the respondents asked for consent? (proposed: Yes, all of "
                   "them)\n")
    assert "  consent:survey: Were the respondents asked for consent?\n" in out
    assert "      choices: yes (Yes, all of them), no\n      proposed: yes · NEEDS AN ANSWER\n" in out
    assert "  channels:survey: Which channels are surveys?\n" in out
    assert "      choices: Email, In-app, Web (any of)\n      proposed: Email · answer used: Email\n" in out

    code, result, _ = run_json(capsys, "--workspace", ws_path, "--kind", "nps", REFERENCE / "nps.csv",
                               "--answer", "consent:survey=yes", "--answer", "channels:survey=Email,Web")
    assert code == 0 and result["stored"] is True
    answers = {q["key"]: q["answer"] for q in result["questions"]}
    assert {k: answers[k] for k in ("consent:survey", "channels:survey")} == {"consent:survey": "yes",
                                                                              "channels:survey": ["Email", "Web"]}

    code, out, err = run(capsys, "--workspace", tmp_path / "other.duckdb", "--kind", "nps", REFERENCE / "nps.csv",
                         "--answer", "consent:survey=maybe")
    assert code == 1 and "'maybe' is not an answer to “Were the respondents asked for consent?”; choose one of: " \
                          "yes (Yes, all of them), no." in err


def test_an_answer_no_question_asks_is_named(tmp_path, capsys):
    code, result, _ = run_json(capsys, "--workspace", tmp_path / "ws.duckdb", "--kind", "nps",
                               REFERENCE / "nps.csv", "--answer", "scale:Score=0-10")
    assert code == 0
    assert result["notes"] == ["No question has the key 'scale:Score'; that answer was not used."]


STATUS_WITH_EQUALS = ("ticket_id,customer_id,created_at,solved_at,status\n"
                      "t1,C1,2024-03-05 10:00,2024-03-05 12:00,Closed=Fixed\n")


def test_a_question_key_holding_an_equals_sign_is_answered(tmp_path, capsys):
    """The status 'Closed=Fixed' asks 'ticket_status:closed=fixed': split at its first '=', the answer's key was
    'ticket_status:closed' and the question could never be answered, nor was the unused answer named."""
    path = tmp_path / "tickets.csv"
    path.write_text(STATUS_WITH_EQUALS)
    code, result, err = run_json(capsys, "--workspace", tmp_path / "ws.duckdb", "--kind", "tickets", path,
                                 "--answer", "ticket_status:closed=fixed=solved")
    assert (code, err) == (0, "") and result["stored"] is True and "notes" not in result
    assert {q["key"]: q["answer"] for q in result["questions"]} == {"ticket_status:closed=fixed": "solved"}


def test_an_answer_no_question_asks_is_named_when_the_file_is_refused(tmp_path, capsys):
    path = tmp_path / "tickets.csv"
    path.write_text(STATUS_WITH_EQUALS)
    code, result, _ = run_json(capsys, "--workspace", tmp_path / "ws.duckdb", "--kind", "tickets", path,
                               "--answer", "ticket_statu:closed=fixed=solved")
    assert code == 1 and result["stored"] is False
    assert result["notes"] == ["No question has the key 'ticket_statu:closed'; that answer was not used."]
    assert [q["key"] for q in result["questions"] if q["unanswered"]] == ["ticket_status:closed=fixed"]


def test_split_answers_takes_the_longest_key_asked():
    keys = {"ticket_status:closed", "ticket_status:closed=fixed"}
    assert load.split_answers(["ticket_status:closed=fixed=solved", "ticket_status:closed = open"], keys) == {
        "ticket_status:closed=fixed": "solved", "ticket_status:closed": "open"}
    assert load.split_answers(["scale:Score=0-10"], keys) == {"scale:Score": "0-10"}


BILLING = b"acct_ref,billing_period,charge\nA,2025-01,12345\nB,2025-01,5000\nA,2025-02,12345\n"
BILLING_REORDERED = b"charge,acct_ref,billing_period\n999,C,2025-03\n"


def test_mapping_presets_apply_by_header_and_by_name(tmp_path, capsys):
    ws_path = tmp_path / "ws.duckdb"
    first, second = tmp_path / "billing.csv", tmp_path / "billing2.csv"
    first.write_bytes(BILLING)
    second.write_bytes(BILLING_REORDERED)
    code, out, err = run(capsys, "--workspace", ws_path, "--kind", "revenue", first)
    assert code == 1 and "No column for customer id ('customer_id') was found" in err  # nothing to map it by
    ws = open_ws(ws_path)
    ws.save_preset(ingest.inspect(BILLING).signature, "Billing export", "revenue",
                   {"mapping": {"customer_id": "acct_ref", "month": "billing_period", "amount": "charge"},
                    "amount_in_cents": True, "date_formats": {},
                    # B billed in January only, before the file's last month: asked, answered in the preset
                    "answers": {"recurring:charge": "monthly"}})
    ws.close()
    code, result, _ = run_json(capsys, "--workspace", ws_path, "--kind", "revenue", first)
    assert code == 0 and result["preset"] == "Billing export"
    # The preset is the whole mapping: 'billing_period' (which detection also takes for 'interval') is the month only
    assert result["mapping"] == {"customer_id": "acct_ref", "month": "billing_period", "amount": "charge"}
    # A different header order has another signature: the preset applies only when named.
    code, out, err = run(capsys, "--workspace", ws_path, "--kind", "revenue", second)
    assert code == 1
    code, out, err = run(capsys, "--workspace", ws_path, "--kind", "revenue", second, "--mapping", "Billing export")
    assert code == 0, err
    ws = open_ws(ws_path)
    try:
        rows = ws.cursor().execute("SELECT version, customer_id, strftime(month, '%Y-%m'), mrr::DOUBLE "
                                   "FROM revenue ORDER BY version, month, customer_id").fetchall()
        # amounts in cents: 12345 → 123.45, 5000 → 50, 999 → 9.99
        assert rows == [(1, "A", "2025-01", 123.45), (1, "B", "2025-01", 50.0), (1, "A", "2025-02", 123.45),
                        (2, "C", "2025-03", 9.99)]
    finally:
        ws.close()
    code, out, err = run(capsys, "--workspace", ws_path, "--kind", "revenue", second, "--mapping", "Nope")
    assert code == 2 and err == ("python -m metrics.load: There is no mapping preset named 'Nope' (presets: "
                                 "'Billing export').\n")
    code, out, err = run(capsys, "--workspace", ws_path, "--kind", "nps", second, "--mapping", "Billing export")
    assert code == 2 and "the preset 'Billing export' is for Revenue files, not NPS responses" in err


def test_as_of_in_the_future_is_refused(tmp_path, capsys):
    code, out, err = run(capsys, "--workspace", tmp_path / "ws.duckdb", "--kind", "nps", REFERENCE / "nps.csv",
                         "--as-of", "2026-11-24")
    assert code == 1 and "The as-of date 2026-11-24 is in the future" in err


def test_usage_errors_exit_2(tmp_path, capsys):
    ws = ["--workspace", str(tmp_path / "ws.duckdb")]
    nps = str(REFERENCE / "nps.csv")
    assert load.main([*ws, nps]) == 2                                         # --kind is required
    assert "the following arguments are required: --kind" in capsys.readouterr().err
    assert load.main([*ws, "--kind", "surveys", nps]) == 2                     # not a kind
    assert load.main([*ws, "--kind", "nps", "--answer", "no-equals-sign", nps]) == 2
    assert "'no-equals-sign' is not KEY=VALUE" in capsys.readouterr().err
    assert load.main([*ws, "--kind", "nps", "--as-of", "31/12/2025", nps]) == 2
    assert "'31/12/2025' is not a date as YYYY-MM-DD" in capsys.readouterr().err
    assert load.main([*ws, "--kind", "nps", str(tmp_path / "missing.csv")]) == 2
    assert capsys.readouterr().err == f"python -m metrics.load: no such file: {tmp_path / 'missing.csv'}\n"
    assert not (tmp_path / "ws.duckdb").exists()


def test_help_is_the_docstring_with_an_example(capsys):
    assert load.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "Example (a nightly job):" in out and "python -m metrics.load --workspace" in out
    assert "--on-bad-rows {reject,skip}" in out and "--today" not in out


def csat_file(path: Path, satisfied: int, answers: int, month: str = "2026-01") -> Path:
    """`answers` 1-5 answers in one month, the first `satisfied` of them 4 or 5, the rest 1 to 3."""
    rows = [f"S{i},c{i},{month}-{1 + i % 28:02d},{(4, 5)[i % 2] if i < satisfied else 1 + i % 3}"
            for i in range(answers)]
    path.write_text("survey_id,customer_id,answered_at,satisfaction\n" + "\n".join(rows) + "\n")
    return path


def test_csat_loads_and_reports(tmp_path, capsys):
    from metrics import report

    ws_path = tmp_path / "ws.duckdb"
    code, out, err = run(capsys, "--workspace", ws_path, "--kind", "csat", csat_file(tmp_path / "csat.csv", 26, 40),
                         "--answer", "scale:satisfaction=1-5")
    assert code == 0, err
    assert report.main(["--workspace", str(ws_path), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    # 26 satisfied of 40: 65.0%. Wilson 95%: centre (0.65 + 1.96²/80) ÷ (1 + 1.96²/40) = 0.636861, half-width
    # 1.96 √(0.65·0.35/40 + 1.96²/6400) ÷ 1.096040 = 0.141802 → 49.51% to 77.87%.
    assert figures["csat"]["n"] == 40 and figures["csat"]["satisfied"] == 26
    assert figures["csat"]["value"] == pytest.approx(65.0)
    assert (figures["csat"]["low"], figures["csat"]["high"]) == (pytest.approx(49.506, abs=1e-3),
                                                                 pytest.approx(77.866, abs=1e-3))
    assert figures["nps"] is None  # a satisfaction scale never yields an NPS


def test_append_keeps_both_survey_files(tmp_path, capsys):
    ws_path = tmp_path / "ws.duckdb"
    first = csat_file(tmp_path / "y2025.csv", 10, 30, "2025-12")
    second = csat_file(tmp_path / "y2026.csv", 20, 30, "2026-01")
    second.write_text(second.read_text().replace("\nS", "\nT"))  # other survey ids: nothing is a duplicate
    for path, extra in ((first, ()), (second, ("--append",))):
        code, out, err = run(capsys, "--workspace", ws_path, "--kind", "csat", path, "--answer",
                             "scale:satisfaction=1-5", *extra)
        assert code == 0, err
    # the summary names the source it joins, not a file-to-file change ("vs version 1: -10 rows")
    assert "added beside version 1 (an answer in several files counts once)." in out and "vs version" not in out
    ws = Workspace(ws_path)
    try:
        rows = ws.cursor().execute("SELECT count(*) FROM csat_responses").fetchone()[0]
        sources = ws.cursor().execute("SELECT count(*) FROM snapshot_sources WHERE snapshot = "
                                      "(SELECT max(snapshot) FROM snapshots) AND kind = 'csat'").fetchone()[0]
    finally:
        ws.close()
    assert (rows, sources) == (60, 2)  # both files are sources of the current data; nothing replaced


def test_append_is_for_response_kinds_only(tmp_path, capsys):
    code, out, err = run(capsys, "--workspace", tmp_path / "ws.duckdb", "--kind", "revenue",
                         REFERENCE / "revenue.csv", "--append")
    assert code == 2 and "--append adds another source of a response kind (nps, csat)" in err


def test_a_sample_workspace_is_never_mixed_with_a_load(tmp_path, capsys):
    ws_path = tmp_path / "ws.duckdb"
    ws = Workspace(ws_path)
    ingest.load_sample(ws, Path(__file__).resolve().parents[2] / "sample_data")
    ws.close()
    code, out, err = run(capsys, "--workspace", ws_path, "--kind", "nps", REFERENCE / "nps.csv")
    assert code == 1 and "Add --leave-sample" in err
    code, out, err = run(capsys, "--workspace", ws_path, "--kind", "nps", REFERENCE / "nps.csv", "--leave-sample")
    assert code == 0, err
    ws = Workspace(ws_path)
    try:
        assert not ws.holds_sample()
        current = ws.snapshot().versions
    finally:
        ws.close()
    assert [k for k, v in current.items() if v is not None] == ["nps"]  # no sample kind rides along


@pytest.mark.parametrize(("env", "expected"), [(None, "512MB"), ("300MB", "300MB")])
def test_a_load_gives_duckdb_512mb_unless_the_environment_says_otherwise(tmp_path, capsys, monkeypatch, env,
                                                                           expected):
    """The app's server keeps DuckDB at 256MB (lockdown.DEFAULT_MEMORY: it also holds Streamlit and the pages);
    the command line holds nothing else, so its fact build gets 512MB and spills less."""
    import metrics.store

    seen = []

    class Recording(Workspace):
        def __init__(self, path, default_memory=None):
            super().__init__(path, default_memory)
            seen.append(self.cursor().execute("SELECT current_setting('memory_limit')").fetchone()[0])

    monkeypatch.setattr(metrics.store, "Workspace", Recording)
    if env is None:
        monkeypatch.delenv("CX_DUCKDB_MEMORY", raising=False)
    else:
        monkeypatch.setenv("CX_DUCKDB_MEMORY", env)
    code, _out, _err = run(capsys, "--workspace", tmp_path / "ws.duckdb", "--kind", "revenue",
                           REFERENCE / "revenue.csv")
    assert code == 0
    assert seen == [{"512MB": "488.2 MiB", "300MB": "286.1 MiB"}[expected]]  # what DuckDB was given


def test_a_file_before_the_months_shown_is_stored_with_a_warning(tmp_path, capsys):
    """Revenue of 2014–2017 beside a survey of Dec 2024 – Apr 2025: the dashboard shows May 2020 – Apr 2025, so
    the command line says, as the Data page does, that no period will show the file (and stores it)."""
    ws_path = tmp_path / "ws.duckdb"
    assert run(capsys, "--workspace", ws_path, "--kind", "nps", REFERENCE / "nps.csv")[0] == 0
    old = tmp_path / "old.csv"
    old.write_text("customer_id,month,mrr\n" + "".join(f"A,{y}-{m:02d},100\n" for y in range(2014, 2018)
                                                       for m in range(1, 13)))
    code, result, err = run_json(capsys, "--workspace", ws_path, "--kind", "revenue", old)
    assert (code, err, result["stored"]) == (0, "", True)
    assert ("This file's dates (Jan 2014 – Dec 2017) lie before the months the dashboard will show beside the "
            "current data (May 2020 – Apr 2025, the 60 months back from the latest month of any data): it can be "
            "stored, but no period will show it.") in " ".join(result["warnings"])
    recent = tmp_path / "recent.csv"
    recent.write_text("customer_id,month,mrr\nA,2024-12,100\nA,2025-01,100\n")
    code, result, err = run_json(capsys, "--workspace", ws_path, "--kind", "revenue", recent)
    assert code == 0 and not any("lie before the months" in w for w in result["warnings"])


def test_column_chooses_a_field_the_header_does_not_name(tmp_path, capsys):
    # SurveyMonkey puts a passed-in customer id in "Custom Data 1": no synonym names it, so without --column the
    # answers have no customer; with it they do, and the printed mapping says which column became which field.
    survey = tmp_path / "survey.csv"
    survey.write_text("Respondent ID,End Date,Custom Data 1,How likely are you to recommend us?\n"
                      "1,2026-03-02,cus_A,9\n2,2026-03-05,cus_B,3\n3,2026-03-09,cus_A,10\n")
    ws_path = tmp_path / "ws.duckdb"
    code, out, err = run(capsys, "--workspace", ws_path, "--kind", "nps", survey,
                         "--column", "customer_id=Custom Data 1", "--answer", "scale=0-10")
    assert (code, err) == (0, ""), out
    assert "customer_id = 'Custom Data 1'" in out and "response_date = 'End Date'" in out
    ws = open_ws(ws_path)
    try:
        rows = ws.cursor().execute("SELECT customer_id, score FROM nps_responses ORDER BY response_date").fetchall()
        assert rows == [("cus_A", 9), ("cus_B", 3), ("cus_A", 10)]
    finally:
        ws.close()


def test_column_names_a_field_or_a_header_that_is_not_there(tmp_path, capsys):
    survey = tmp_path / "survey.csv"
    survey.write_text("id,date,score\n1,2026-03-02,9\n")
    ws_path = tmp_path / "ws.duckdb"
    code, _out, err = run(capsys, "--workspace", ws_path, "--kind", "nps", survey, "--column", "custid=id")
    assert code == 2 and "nps files have no field 'custid'" in err and "customer_id" in err
    code, _out, err = run(capsys, "--workspace", ws_path, "--kind", "nps", survey, "--column", "customer_id=Id")
    assert code == 2 and "the file has no column 'Id' (columns: 'id', 'date', 'score')" in err
    code, out, err = run(capsys, "--workspace", ws_path, "--kind", "nps", survey, "--column", "response_id=")
    assert (code, err) == (0, "") and "response_id" not in out.split("columns:")[1].splitlines()[0]


def test_the_stored_summary_says_how_many_customer_ids_match_the_customers_file(tmp_path, capsys):
    """Survey ids written as another key than the customers file's link nothing: said when stored, with the
    count, instead of every answer falling under "No response" on the pages without a word."""
    ws = tmp_path / "ws.duckdb"
    customers, nps = tmp_path / "customers.csv", tmp_path / "nps.csv"
    customers.write_text("customer_id,start_date\nc1,2024-01-05\nc2,2024-01-06\nc3,2024-01-07\n")
    nps.write_text("customer_id,responded_at,score\nX-1,2024-03-01,9\nX-2,2024-03-02,3\n")
    assert run(capsys, "--workspace", ws, "--kind", "customers", customers, "--as-of", "2024-06-30", TODAY)[0] == 0
    code, out, _ = run(capsys, "--workspace", ws, "--kind", "nps", nps, TODAY)
    assert code == 0 and ("None of its 2 customer ids matches a customer of the customers file (version 1): nothing "
                          "in it is linked to churn or revenue. Do both files use the same customer id?") in out
    nps.write_text("customer_id,responded_at,score\nc1,2024-03-01,9\nX-2,2024-03-02,3\n")
    code, out, _ = run(capsys, "--workspace", ws, "--kind", "nps", nps, TODAY)
    assert code == 0 and "1 of its 2 customer ids match a customer of the customers file (version 1)." in out


def test_the_current_file_read_with_corrected_columns_can_be_stored_again(tmp_path, capsys):
    """A mapping corrected with --column changes what is stored: the same bytes are refused as "already the current
    version" only when read with the same columns."""
    ws, nps = tmp_path / "ws.duckdb", tmp_path / "nps.csv"
    nps.write_text("account,responded_at,score\nc1,2024-03-01,9\nc2,2024-03-02,3\n")
    assert run(capsys, "--workspace", ws, "--kind", "nps", nps, TODAY)[0] == 0
    code, _, err = run(capsys, "--workspace", ws, "--kind", "nps", nps, TODAY)
    assert code == 1 and "This exact file is already the current version of its kind" in err
    code, out, _ = run(capsys, "--workspace", ws, "--kind", "nps", nps, "--column", "customer_id=", TODAY)
    assert code == 0 and "Stored as version 2" in out
