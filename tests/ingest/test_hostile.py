"""A hostile corpus: files a user can produce, each answered with a typed error, a question or a stated warning —
never a traceback — and none of them changes what was stored before.

Each case is (name, bytes, kind or None, options). `prepare()` must either return a Prepared (then its rows are
stored, and a commit failure must be typed too) or raise an IngestError subclass (NeedsAnswerError included).
Specific expectations for the cases that carry a known pitfall are asserted below the corpus.
"""

from __future__ import annotations

import codecs
import gzip

import pytest
from conftest import TODAY, prepare_bytes, reference_workspace, stored_state

from metrics import ingest
from metrics.errors import IngestError, InvalidValuesError, MissingColumnError, NeedsAnswerError, UnreadableFileError


def _csv(header: str, *rows: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


NPS_OK = ["r1,c1,2026-01-05,9", "r2,c2,2026-01-06,3"]
CORPUS: list[tuple[str, bytes, str | None, dict]] = [
    ("empty", b"", None, {}),
    ("whitespace only", b"   \n\n  \n", None, {}),
    ("header only", b"customer_id,month,mrr\n", "revenue", {}),
    ("random binary", bytes(range(256)) * 40, None, {}),
    ("NUL in the middle", b"customer_id,month,mrr\nc1,2026-01,5\x00\n", "revenue", {}),
    ("zip archive", b"PK\x03\x04" + b"\x00" * 200, None, {}),
    ("gzip of garbage", b"\x1f\x8b\x08\x00" + b"\xff" * 100, None, {}),
    ("10,000 columns", (",".join(f"c{i}" for i in range(10_000)) + "\n" + ",".join("1" * 10_000) + "\n").encode(),
     None, {}),
    ("a 2 MB line", b"customer_id,comment\nc1," + b"x" * (2 * 2**20) + b"\n", None, {}),
    ("unclosed quote", b'customer_id,month,mrr\nc1,2026-01,"5\nc2,2026-02,6\n', "revenue", {}),
    ("header named _row", _csv("_row,customer_id,month,mrr", "1,c1,2026-01,5", "2,c2,2026-02,6"), "revenue", {}),
    ("headers differing in case", _csv("Score,score,date", "1,9,2026-01-05", "2,10,2026-01-06"), "nps",
     {"mapping": {"score": "score", "response_date": "date"}}),
    ("duplicate header", _csv("customer_id,month,mrr,mrr", "c1,2026-01,5,7"), "revenue", {}),
    ("UTF-16 LE without BOM", "customer_id,month,mrr\nc1,2026-01,5\n".encode("utf-16-le"), "revenue", {}),
    ("UTF-16 BE with BOM", codecs.BOM_UTF16_BE + "customer_id,month,mrr\nc1,2026-01,5\n".encode("utf-16-be"),
     "revenue", {}),
    ("cp1252 text", "customer_id,start_date,name\nc1,2026-01-05,Café Zoë\n".encode("cp1252"), "customers", {}),
    ("UTF-8 with one stray byte", "customer_id,start_date,name\nc1,2026-01-05,Café\nc2,2026-01-06,Zo".encode()
     + b"\xeb\n", "customers", {}),
    ("a TAB-led cell", b"customer_id,month,mrr\n\tc1,2026-01,5\nc2,2026-02,6\nc3,2026-03,7\nc4,2026-04,8\n"
     b"c5,2026-05,9\n", "revenue", {}),
    ("blank rows only after header", b"customer_id,month,mrr\n,,\n,,\n", "revenue", {}),
    ("amount 1e308", _csv("customer_id,month,mrr", "c1,2026-01,1e308"), "revenue", {}),
    ("amount with 300 digits", _csv("customer_id,month,mrr", "c1,2026-01," + "9" * 300), "revenue", {}),
    ("negative amount", _csv("customer_id,month,mrr", "c1,2026-01,-5"), "revenue", {}),
    ("one row in 1970", _csv("customer_id,month,mrr", "c1,1970-01,5", "c2,2026-01,6"), "revenue", {}),
    ("two-digit years", _csv("customer_id,start_date", "c1,03/01/19", "c2,12/31/19"), "customers", {}),
    ("dates in the future", _csv("customer_id,start_date", "c1,2099-01-01"), "customers", {}),
    ("tenure 99,999 months", _csv("customerID,tenure,Churn", "c1,99999,Yes", "c2,5,No"), "customers", {}),
    ("score 11", _csv("response_id,customer_id,date,score", "r1,c1,2026-01-05,11"), "nps", {}),
    ("time of day as score", _csv("response_id,customer_id,date,score", "r1,c1,2026-01-05,08:21",
                                  "r2,c2,2026-01-05,09:40"), "nps", {}),
    ("1-5 scale uploaded as NPS", _csv("response_id,customer_id,date,Satisfaction Score",
                                       *[f"r{i},c{i},2026-01-05,{1 + i % 5}" for i in range(40)]), "nps", {}),
    ("text scores", _csv("response_id,customer_id,date,score", "r1,c1,2026-01-05,10 - Extremely likely",
                         "r2,c2,2026-01-05,0 - Not at all likely"), "nps", {}),
    ("missing tokens", _csv("response_id,customer_id,date,score,comment", "r1,c1,2026-01-05,9,NA",
                            "r2,c2,2026-01-05,N/A,null", "r3,#N/A,2026-01-05,7,-"), "nps", {}),
    ("formula cells", _csv("response_id,customer_id,date,score,comment", "r1,=cmd|'/c calc'!A1,2026-01-05,9,"
                           "=HYPERLINK(\"http://x\")", "r2,@SUM(1),2026-01-05,3,+1"), "nps", {}),
    ("bidi and zero-width ids", _csv("customer_id,start_date", "c\u202e1,2026-01-05", "c\u200b2,2026-01-06"),
     "customers", {}),
    ("Stripe subscriptions from 1970", _csv("id,Customer ID,Status,Start (UTC),Ended At (UTC),Amount",
                                            *[f"sub_{i},cus_{i},active,1970-01-0{1 + i % 9},,{10 + i}"
                                              for i in range(50)]), "revenue", {}),
    ("unknown status words", _csv("customer_id,start_date,churn_date,Status", "c1,2026-01-05,,Frozen",
                                  "c2,2026-01-06,2026-03-01,Gone"), "customers", {}),
    ("stayed / joined / churned", _csv("Customer ID,Tenure in Months,Customer Status",
                                       "c1,5,Stayed", "c2,1,Joined", "c3,12,Churned"), "customers", {}),
    ("semicolons and decimal commas", b"customer_id;month;mrr\nc1;2026-01;1.234,50\n", "revenue", {}),
    ("pipe delimiter", b"customer_id|month|mrr\nc1|2026-01|5\nc2|2026-02|6\n", "revenue", {}),
    ("mixed CRLF and LF", b"customer_id,month,mrr\r\nc1,2026-01,5\nc2,2026-02,6\r\n", "revenue", {}),
    ("a carriage return inside a line", b"customer_id,month,mrr\r\nc1,2026-01,5\r\nc2,2026-02,6\rx\r\n"
     b"c3,2026-03,7\r\n", "revenue", {}),
    ("Qualtrics header rows and no data", codecs.BOM_UTF8 + b'StartDate,Q1\nStart Date,How likely to recommend?\n'
     b'"{""ImportId"":""startDate""}","{""ImportId"":""QID1""}"\n', None, {}),
    ("a 10,000-character header", _csv("customer_id,month," + "m" * 10_000, "c1,2026-01,5"), "revenue", {}),
    ("quotes and newlines in headers", b'"customer\nid","mo""nth",mrr\nc1,2026-01,5\n', "revenue",
     {"mapping": {"customer_id": "customer\nid", "month": 'mo"nth'}}),
    ("markdown in headers", _csv("[x](http://e.x),month,mrr", "c1,2026-01,5"), "revenue",
     {"mapping": {"customer_id": "[x](http://e.x)"}}),
    ("19-digit ids", _csv("user_id,NPS_Score,date", "3074457347487777543,9,2026-01-05",
                          "3074457347487777544,6,2026-01-06"), "nps", {}),
    ("timestamps with zones", _csv("response_id,customer_id,date,score", "r1,c1,2026-01-05T23:30:00-05:00,9",
                                   "r2,c2,2026-01-06 01:00:00+0100,3"), "nps", {}),
    ("Excel serials out of range", _csv("customer_id,start_date", "c1,12", "c2,999999"), "customers", {}),
    ("single column", b"just one column\nvalue\nanother\n", None, {}),
    ("wide layout", _csv("customer,REVENUE_2015,REVENUE_2016,REVENUE_2017", "c1,10,12,15", "c2,5,,7"), None, {}),
    ("fixed-width text", b"customer    month      mrr\nc1          2026-01    5.00\nc22         2026-02    16.50\n",
     None, {}),
    ("headerless purchase log", _csv("c1,2026-01-05,19.99", "c1,2026-01-05,19.99", "c2,2026-02-01,5.00"), None, {}),
    ("duplicate customer ids", _csv("customer_id,start_date", "c1,2026-01-05", "c1,2026-01-06"), "customers", {}),
    ("churn before start", _csv("customer_id,start_date,churn_date", "c1,2026-03-01,2026-01-01"), "customers", {}),
    ("every invoice void", _csv("customer_id,date,amount,status", "c1,2026-01-05,5,void", "c2,2026-01-06,6,void"),
     "revenue", {}),
    ("gzip of a CSV", gzip.compress(b"customer_id,month,mrr\nc1,2026-01,5\n"), "revenue", {}),
    ("200,000 identical rows", b"customer_id,start_date\n" + b"c1,2026-01-05\n" * 200_000, "customers", {}),
    ("skip every row", _csv("customer_id,month,mrr", "c1,2026-01,x", "c2,2026-02,y"), "revenue",
     {"skip_invalid": True}),
]


def outcome(data: bytes, kind: str | None, options: dict, name: str = "upload.csv"):
    """The Prepared, or the IngestError raised; anything else fails the test with the traceback."""
    try:
        return ingest.prepare(data, name, ingest.Options(kind=kind, today=TODAY, **options))
    except IngestError as exc:
        assert str(exc).strip(), "a typed error must carry a message"
        return exc


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 50
    assert len({name for name, *_ in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize(("name", "data", "kind", "options"), CORPUS, ids=[c[0] for c in CORPUS])
def test_hostile_file_is_answered_and_changes_nothing(tmp_path, tmp_path_factory, name, data, kind, options):
    """Typed answer from prepare(); a Prepared result commits (or is refused, typed) on top of stored data."""
    result = outcome(data, kind, options)
    if not isinstance(result, ingest.Prepared):
        return
    assert len(result.rows) > 0
    ws = reference_workspace(tmp_path_factory, tmp_path / "copy.duckdb")  # the three reference files, committed once
    before = stored_state(ws)
    try:
        snap = ws.commit([result.to_upload()])
    except IngestError:
        assert stored_state(ws) == before  # a refused commit leaves everything as it was
        return
    assert snap.versions[result.kind] is not None
    after = stored_state(ws)
    for table in ("customers", "nps_responses", "revenue"):  # earlier versions' rows untouched
        old = ws.cursor().execute(f'SELECT hash(list(t ORDER BY ALL)) FROM "{table}" t WHERE version <= 3').fetchone()
        assert old is not None
    assert after["uploads"][0] == before["uploads"][0] + 1


# ---- the pitfalls each case was written for --------------------------------------------------------------
def case(name: str):
    return next(c for c in CORPUS if c[0] == name)


def test_no_nps_from_a_satisfaction_scale():
    name, data, kind, options = case("1-5 scale uploaded as NPS")
    result = outcome(data, kind, options)  # "Satisfaction Score" is not an NPS header: no score column found
    assert isinstance(result, IngestError)
    result = outcome(data, kind, {"mapping": {"score": "Satisfaction Score"}})  # mapped by hand: asked
    assert isinstance(result, NeedsAnswerError)
    assert [q.key for q in result.questions] == ["scale:Satisfaction Score"]


def test_time_of_day_is_never_a_score():
    result = outcome(*case("time of day as score")[1:])
    assert not isinstance(result, ingest.Prepared) or result.kind != "nps"


def test_huge_amounts_refused():
    for name in ("amount 1e308", "amount with 300 digits"):
        assert isinstance(outcome(*case(name)[1:]), IngestError), name


def test_missing_tokens_are_not_comments_or_bad_scores():
    result = outcome(*case("missing tokens")[1:])
    assert isinstance(result, ingest.Prepared)
    assert result.rows.comment.isna().all()
    assert result.rows.score.tolist() == [9, 7]


def test_case_only_headers_keep_their_own_values():
    name, data, kind, options = case("headers differing in case")
    result = outcome(data, kind, options)  # 'score' is renamed visibly ("score (2)"): naming it is refused, not
    assert isinstance(result, MissingColumnError)  # silently given Score's values
    assert str(result).startswith("The column 'score' chosen for NPS score (0–10) ('score') is not in the file. "
                                  "The file's columns are: ")
    assert "'Score', 'score (2)', 'date'" in str(result)
    result = outcome(data, kind, {"mapping": {"score": "score (2)", "response_date": "date"}})
    assert isinstance(result, ingest.Prepared)
    assert result.rows.score.tolist() == [9, 10]
    assert any("score (2)" in w for w in result.warnings)


def test_two_digit_years_parse():
    result = outcome(*case("two-digit years")[1:])
    assert isinstance(result, ingest.Prepared) or isinstance(result, NeedsAnswerError)
    if isinstance(result, ingest.Prepared):
        assert [d.year for d in result.rows.start_date] == [2019, 2019]


def test_header_named_row_is_read():
    result = outcome(*case("header named _row")[1:])
    assert isinstance(result, ingest.Prepared)
    assert [float(x) for x in result.rows.mrr] == [5.0, 6.0]


def test_a_carriage_return_inside_a_line_is_named():
    """A lone CR in a CRLF file is a line break inside an unquoted cell: refused naming its line, never read as
    one column or as a table under a title line (found by fuzzing: a traceback, "delimiter must be string")."""
    result = outcome(*case("a carriage return inside a line")[1:])
    assert isinstance(result, UnreadableFileError)
    assert str(result).startswith("The file could not be read as CSV near line 3: a line break (carriage return)")
    fuzzed = b"".join(b"%d,%d,9,2017-01-01T00:46:09Z\r\n" % (i % 2, 1000 + i) for i in range(100))
    fuzzed = b"is_admin,id,score,created_at\r\n" + fuzzed[:3000] + b"\r\xfe+z" + fuzzed[3000:]
    assert "near line " in str(outcome(fuzzed, None, {}))


def test_a_spreadsheets_total_and_subtotal_rows_are_refused_by_row_not_read_as_customers():
    """Six customers paying 19,849.50 in March and a 'Total' line with the month filled in: read as a customer,
    MRR was 39,699 (twice; 4x with subtotals). Refused by row naming the label; skipped, the figures are the
    customers' own. A customer whose id only starts with the word is kept ('Total Wine')."""
    lines = ["C1,2026-03,1200", "C2,2026-03,850.50", "C3,2026-03,2400", "C4,2026-03,99", "Total Wine,2026-03,15000",
             "C6,2026-03,300", "Subtotal Mar,2026-03,19849.50", "Total,2026-03,19849.50"]
    data = ("customer_id,month,mrr\n" + "\n".join(lines) + "\n").encode()
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, kind="revenue")
    problem = err.value.report.problems[0]
    assert problem.column == "customer_id" and [c.row for c in problem.cells] == [8, 9]
    assert "a summary row's label (Total, Subtotal, Average …)" in problem.reason
    p = prepare_bytes(data, kind="revenue", skip_invalid=True)
    assert round(float(p.rows.mrr.sum()), 2) == 19849.50 and "Total Wine" in set(p.rows.customer_id)
    # an 'Average' footer under survey answers, in the response id column
    with pytest.raises(InvalidValuesError, match="row 4: 'Average'"):
        prepare_bytes(b"response_id,date,score\nr1,2026-03-01,10\nr2,2026-03-02,0\nAverage,2026-03-31,5\n",
                      kind="nps")


SUMMARY_SAMPLES = [
    "Total MRR", "Grand Totals", "TOTAL REVENUE", "Total (2 rows)", "Total*", "**Total**", "[Total]", "TOTAL (USD)",
    "Total USD", "Overall Total", "Total Amount", "Total Result", "Gesamtergebnis", "Total général",
    "Totaal generaal", "Summe Ergebnis", "Zwischensumme", "Somme", "Totale", "Σ", "Sum of mrr", "All customers",
    "February Total", "Feb 2026 Total", "2026-02 Total", "C1 Total", "Total C1", "Total for C1", "Subtotal for C1",
    "Sub-Total", "Average", "AVG", "Mean", "Sum", "Summe", "Gesamt", "Gesamtsumme", "Insgesamt", "Ergebnis",
    "Overall", "Count", "Median", "Mean score", "Average score", "NPS", "Promoters", "Passives", "Detractors",
    "Q1 Subtotal"]


def test_every_summary_word_has_a_sample_and_the_quick_look_finds_each():
    """flag_summary_rows reads only the cells holding one of _SUMMARY_HINT's letters: every word of the label
    pattern has a sample above (a word added without one fails here), and every sample holds the hint."""
    import re

    from metrics.ingest.checks import _SUMMARY_HINT, _SUMMARY_WORDS

    depth, words, start = 0, [], 0
    for i, ch in enumerate(_SUMMARY_WORDS + "|"):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "|" and depth == 0:
            words.append(_SUMMARY_WORDS[start:i])
            start = i + 1
    labels = [re.sub(r"^[\s*\[#(]+|[\s*\]#:.]+$", "", s.lower()) for s in SUMMARY_SAMPLES]
    assert [w for w in words if not any(re.fullmatch(w, lab) for lab in labels)] == []
    assert [s for s in SUMMARY_SAMPLES if not re.search(_SUMMARY_HINT, s.lower())] == []


@pytest.mark.parametrize("label", SUMMARY_SAMPLES)
def test_summary_labels_of_other_tools_and_languages_are_refused(label):
    """Each label once passed as a customer holding the others' sum: MRR 600 for 300 (a helper's hand figures)."""
    data = (f"customer_id,month,mrr\nC1,2026-01,100\nC2,2026-01,200\nC1,2026-02,100\nC2,2026-02,200\n"
            f"{label},2026-02,300\n")
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data.encode(), kind="revenue")
    assert [c.row for c in err.value.report.problems[0].cells] == [6]


def test_a_group_subtotal_named_after_a_region_beside_the_customer_is_refused():
    """A report grouped by Region writes 'North America Total' in the customer column: MRR 700 for 350."""
    data = (b"Region,Customer,Month,MRR\nNorth America,Acme Inc,2026-01,100\nNorth America,Beta LLC,2026-01,200\n"
            b"North America Total,North America Total,2026-01,300\nEMEA,Gamma GmbH,2026-01,50\n"
            b"EMEA Total,EMEA Total,2026-01,50\n")
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, kind="revenue", mapping={"customer_id": "Customer"})
    assert [c.row for c in err.value.report.problems[0].cells] == [4, 6]


@pytest.mark.parametrize("label", ["Count", "Median", "Mean score", "NPS", "Promoters", "Detractors"])
def test_statistics_under_survey_answers_are_refused(label):
    data = f"customer_id,date,score\nc1,2026-01-05,10\nc2,2026-01-06,3\n{label},2026-01-31,5\n".encode()
    with pytest.raises(InvalidValuesError, match=f"row 4: '{label}'"):
        prepare_bytes(data, kind="nps", answers={"scale:score": "0-10"})
