"""Ingest: good files in many shapes, every kind of bad file, and proof a failed upload changes nothing."""

import codecs
import contextlib
import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from conftest import REFERENCE, SAMPLE, prepare_bytes, prepare_file, reference_workspace, store_button

from metrics import ingest
from metrics.errors import (
    DuplicateRowsError,
    EmptyFileError,
    FileTooLargeError,
    InvalidOptionError,
    InvalidValuesError,
    MissingColumnError,
    NeedsAnswerError,
    TooManyColumnsError,
    UnknownKindError,
    UnreadableFileError,
)
from metrics.store import Workspace

REAL = Path(__file__).resolve().parents[2] / "shared" / "real_exports"
real = pytest.mark.skipif(not REAL.exists(), reason="../shared/real_exports not present")


# ---- good files --------------------------------------------------------------------------------
def test_reference_files_detected_and_normalised():
    n = prepare_file(REFERENCE / "nps.csv")
    assert n.kind == "nps" and len(n.rows) == 8
    assert n.mapping == {"score": "score", "response_date": "responded_at", "customer_id": "customer_id",
                         "response_id": "response_id", "comment": "comment", "channel": "channel"}
    assert n.rows.score.sum() == 9 + 3 + 7 + 6 + 10 + 10 + 10 + 8
    assert n.rows.customer_id.isna().sum() == 1
    assert "1 response has no customer id and is stored as anonymous." in n.warnings[0]
    assert n.rows.row_number.tolist() == list(range(2, 10))
    c = prepare_file(REFERENCE / "customers.csv")
    assert c.kind == "customers" and c.rows.churn_date.notna().sum() == 3
    r = prepare_file(REFERENCE / "revenue.csv")
    assert r.kind == "revenue" and float(r.rows.mrr.sum()) == 1680.0
    assert (r.first_date, r.last_date) == (dt.date(2024, 12, 1), dt.date(2025, 4, 30))


def test_sample_data_loads():
    ws = Workspace(":memory:")
    snap = ingest.load_sample(ws, SAMPLE)
    assert {k for k, v in snap.versions.items() if v is not None} == {"nps", "customers", "revenue", "csat",
                                                                       "tickets"}
    uploads = ws.uploads().set_index("kind")
    assert (uploads.source == "sample").all()
    raw = {k: sum(1 for _ in open(SAMPLE / f, encoding="utf-8")) for k, f in ingest.SAMPLE_FILES.items()}
    assert uploads.loc["revenue", "row_count"] == raw["revenue"] - 1
    assert uploads.loc["customers", "row_count"] == raw["customers"] - 1
    assert (snap.first_month, snap.last_month) == (dt.date(2023, 11, 1), dt.date(2026, 10, 1))
    assert 4000 <= uploads.loc["customers", "row_count"] <= 6000
    assert uploads.loc["nps", "row_count"] >= 15000
    assert uploads.loc["csat", "row_count"] == raw["csat"] - 1 == 1404  # every 1-5 answer, none skipped


def test_odd_headers_semicolons_day_first_dates_and_decimal_commas():
    data = ("Account ID;Invoice date;Amount\n"
            "acme;31/01/2026;€1.234,50\n"
            "acme;15/01/2026;€10,00\n"
            "beta;28/02/2026;99\n").encode()
    # acme billed in January only, before the file's last month: whether lines bill every month is asked
    with pytest.raises(NeedsAnswerError, match="bill every month"):
        prepare_bytes(data)
    p = prepare_bytes(data, answers={"recurring:Amount": "monthly"})
    assert p.kind == "revenue"
    assert p.mapping == {"customer_id": "Account ID", "month": "Invoice date", "amount": "Amount"}
    rows = p.rows.set_index("customer_id")
    assert float(rows.loc["acme", "mrr"]) == 1244.50  # two invoice lines summed into one customer-month
    assert rows.loc["beta", "month"] == pd.Timestamp("2026-02-01")
    assert "3 rows summed into 2 customer-months." in p.warnings


def test_month_first_dates_thousands_separators_cents_and_annual_plans():
    # "amount" (a plan price): an annual line is ÷ 12 in each month it pays for, from its invoice month through the
    # latest invoice's (tests/ingest/test_invoice_periods.py). A column named MRR is monthly already (see
    # test_mrr_column_ignores_the_billing_interval).
    data = b"customer,period,amount,interval\nx,01/31/2026,\"$1,200.00\",year\ny,02/01/2026,5000,month\n"
    p = prepare_bytes(data, kind="revenue", amount_in_cents=True)
    mrr = {(r.customer_id, r.month.strftime("%Y-%m")): float(r.mrr) for r in p.rows.itertuples()}
    assert mrr == {("x", "2026-01"): 1.0, ("x", "2026-02"): 1.0,  # 1200.00 cents ÷ 100 ÷ 12
                   ("y", "2026-02"): 50.0}                         # 5000 cents ÷ 100


def test_survey_export_text_scores_bom_and_iso_timestamps():
    text = ("Response ID,Recorded Date,How likely are you to recommend us to a friend?,Comments\n"
            "R_1,2026-03-01T10:15:00Z,10 - Extremely likely,\"multi\nline\"\n"
            "R_2,2026-03-02T23:30:00-05:00,0 - Not at all likely,\n"
            "R_3,2026-03-03T08:00:00Z,,skipped\n")
    p = prepare_bytes(codecs.BOM_UTF8 + text.encode())
    assert p.kind == "nps"
    assert p.rows.score.tolist() == [10, 0]
    assert p.rows.comment.tolist()[0] == "multi\nline"
    # 23:30 at −05:00 is 04:30 UTC the next day
    assert p.rows.response_date.tolist() == [pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-03")]
    assert any("without a score" in w for w in p.warnings)
    assert any("anonymous" in w for w in p.warnings)  # no customer id column at all


def test_utf16_and_cp1252():
    text = "customer_id,start_date,churn_date,name\nc1,2025-01-01,,Café Zoë\n"
    assert prepare_bytes(text.encode("utf-16")).rows.name.tolist() == ["Café Zoë"]
    assert prepare_bytes(text.encode("cp1252")).rows.name.tolist() == ["Café Zoë"]


def test_trailing_empty_rows_and_columns():
    p = prepare_bytes(b"customer_id,start_date,\nc1,2025-01-01,\nc2,2025-02-01,\n,,\n\n", kind="customers")
    assert p.rows.customer_id.tolist() == ["c1", "c2"]


def test_mapping_override():
    data = b"who,when,what\nc1,2026-01-05,9\n"
    p = prepare_bytes(data, kind="nps", mapping={"customer_id": "who", "response_date": "when", "score": "what"})
    assert p.rows.score.tolist() == [9] and p.rows.customer_id.tolist() == ["c1"]


@real
def test_real_telco_snapshot_derives_dates_from_tenure():
    # "tenure" does not name its unit: it is asked (0–72 proposes months) and must be answered.
    p = prepare_file(REAL / "telco_churn_ibm.csv", as_of=dt.date(2026, 10, 31),
                     answers={"tenure_unit:tenure": "months"})
    assert p.kind == "customers" and len(p.rows) == 7043
    assert p.mapping["tenure"] == "tenure" and p.mapping["churned"] == "Churn"
    assert p.rows.churn_date.notna().sum() == 1869  # 26.5% churned
    first = p.rows.set_index("customer_id").loc["7590-VHVEG"]  # tenure 1, not churned
    assert first.start_date == pd.Timestamp("2026-09-01") and pd.isna(first.churn_date)
    assert p.first_date == dt.date(2020, 10, 1)  # tenure 72 → 72 months before Oct 2026
    ws = Workspace(":memory:")
    snap = ws.commit([p.to_upload()])
    assert snap.last_month == dt.date(2026, 10, 1)


@real
def test_real_nps_survey_loads():
    p = prepare_file(REAL / "nps_survey_usage.csv")
    assert p.kind == "nps" and len(p.rows) == 20268
    assert p.mapping["response_date"] == "surveyed_at" and p.mapping["customer_id"] == "id"
    assert (p.first_date, p.last_date) == (dt.date(2017, 2, 1), dt.date(2018, 8, 31))
    assert p.rows.score.between(0, 10).all()


@real
def test_real_superstore_shifted_rows_get_a_precise_error():
    with pytest.raises(InvalidValuesError) as err:
        prepare_file(REAL / "superstore_sales.csv", kind="revenue")
    assert err.value.column == "Sales" and err.value.count == 6 and "not numbers" in str(err.value)


@real
def test_real_qualtrics_without_nps_is_rejected():
    with pytest.raises(MissingColumnError):
        prepare_file(REAL / "qualtrics_export_sample_de.csv", kind="nps")


@real
def test_real_subscription_file_as_customers_combines_subscriptions():
    p = prepare_file(REAL / "saas_ravenstack_subscriptions.csv", kind="customers")
    assert p.layout == "subscriptions" and p.mapping["subscription_id"] == "subscription_id"
    subs = pd.read_csv(REAL / "saas_ravenstack_subscriptions.csv", parse_dates=["start_date", "end_date"])
    by = subs.groupby("account_id")
    assert len(p.rows) == by.ngroups == 500
    rows = p.rows.set_index("customer_id")
    assert (rows.start_date == by.start_date.min().reindex(rows.index)).all()
    ended = by.end_date.count() == by.size()  # churned only when every subscription has ended
    assert rows.churn_date.notna().sum() == ended.sum()
    with pytest.raises(DuplicateRowsError) as err:  # without the subscription id, the repeats are named
        prepare_file(REAL / "saas_ravenstack_subscriptions.csv", kind="customers", mapping={"subscription_id": ""})
    assert err.value.count == 4500 and "account_id" in str(err.value)


@real
def test_real_subscription_file_as_revenue_expands_monthly_mrr():
    p = prepare_file(REAL / "saas_ravenstack_subscriptions.csv")
    assert p.kind == "revenue" and p.layout == "subscriptions"
    assert p.mapping == {"customer_id": "account_id", "amount": "mrr_amount", "start_date": "start_date",
                         "end_date": "end_date"}  # mrr_amount is monthly already: billing_frequency not applied
    assert p.as_of == dt.date(2024, 12, 31)  # the latest date in the file
    # Independent expansion with pandas: start month up to (not including) the end month, else through Dec 2024.
    subs = pd.read_csv(REAL / "saas_ravenstack_subscriptions.csv", parse_dates=["start_date", "end_date"])
    expected: dict[tuple[str, pd.Timestamp], float] = {}
    for s in subs.itertuples():
        first = s.start_date.to_period("M")
        last = (s.end_date.to_period("M") - 1) if pd.notna(s.end_date) else pd.Period("2024-12", "M")
        for m in pd.period_range(first, min(last, pd.Period("2024-12", "M")), freq="M"):
            key = (s.account_id, m.to_timestamp())
            expected[key] = expected.get(key, 0) + s.mrr_amount
    expected = {k: v for k, v in expected.items() if v > 0}
    assert len(p.rows) == len(expected)
    assert float(p.rows.mrr.sum()) == pytest.approx(sum(expected.values()))
    assert (p.first_date, p.last_date) == (dt.date(2023, 1, 1), dt.date(2024, 12, 31))
    ws = Workspace(":memory:")
    snap = ws.commit([p.to_upload()])
    assert (snap.first_month, snap.last_month) == (dt.date(2023, 1, 1), dt.date(2024, 12, 1))
    assert ws.cursor().execute("SELECT count(*), sum(mrr) FROM revenue").fetchone()[0] == len(expected)


@real
def test_real_superstore_valid_rows_can_be_stored_skipping_the_shifted_ones():
    with pytest.raises(InvalidValuesError) as err:
        prepare_file(REAL / "superstore_sales.csv")
    report = err.value.report
    assert report.rejected_rows == 6 and [c.row for c in report.problems[0].cells] == [183, 432, 433, 1408, 1971]
    # orders, not monthly bills: asked (83% of the months between a customer's orders have none), and refused when
    # the analyst says so; stored here as if answered "bills every month", to check the reading of every row
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_file(REAL / "superstore_sales.csv", skip_invalid=True)
    (question,) = asked.value.questions
    assert question.key == "recurring:Sales" and "22,200 of the 26,804 months" in question.detail
    with pytest.raises(InvalidOptionError, match="does not bill every month"):
        prepare_file(REAL / "superstore_sales.csv", skip_invalid=True, answers={"recurring:Sales": "not_monthly"})
    p = prepare_file(REAL / "superstore_sales.csv", skip_invalid=True, answers={"recurring:Sales": "monthly"})
    assert p.kind == "revenue" and p.layout == "lines" and p.report.rejected_rows == 6
    assert p.mapping == {"customer_id": "Customer ID", "month": "Order Date", "amount": "Sales"}
    orders = pd.read_csv(REAL / "superstore_sales.csv", encoding="utf-8", encoding_errors="replace",
                         usecols=range(21), on_bad_lines="skip")
    good = orders[pd.to_numeric(orders.Sales, errors="coerce").notna() & ~orders["Row ID"].isin([182, 431, 432,
                                                                                              1407, 1970, 1972])]
    assert float(p.rows.mrr.sum()) == pytest.approx(good.Sales.astype(float).sum(), abs=1.0)  # cents rounding
    assert (p.first_date, p.last_date) == (dt.date(2014, 1, 1), dt.date(2017, 12, 31))
    assert p.rows.customer_id.nunique() == 793
    csv_text = report.rejected_csv().decode()
    assert csv_text.splitlines()[0].startswith("file row,problems,Row ID") and "' 16GB" not in csv_text


@real
def test_real_miro_nps_without_dates_needs_an_as_of_date_and_drops_duplicates():
    with pytest.raises(MissingColumnError) as err:
        prepare_file(REAL / "nps_miro.csv")
    assert "as-of date" in str(err.value)
    with pytest.raises(DuplicateRowsError) as err:
        prepare_file(REAL / "nps_miro.csv", as_of=dt.date(2026, 10, 31))
    assert err.value.count == 15 and err.value.rows[0] == 16
    p = prepare_file(REAL / "nps_miro.csv", as_of=dt.date(2026, 10, 31), skip_invalid=True)
    assert p.mapping == {"score": "NPS_Score", "customer_id": "user_id", "comment": "text"}
    assert len(p.rows) == 441 - 15 and p.report.rejected_rows == 15
    assert (p.first_date, p.last_date) == (dt.date(2026, 10, 31), dt.date(2026, 10, 31))
    assert "3074457347487777543" in set(p.rows.customer_id)  # 19-digit ids kept exactly, as text
    assert p.rows.comment.str.contains("\n").sum() > 0       # quoted newlines kept inside one comment


@real
def test_real_miro_segments_is_not_an_export_we_take():
    with pytest.raises(UnknownKindError) as err:
        prepare_file(REAL / "nps_miro_segments.csv")
    assert "user_id, segment" in str(err.value)
    with pytest.raises(MissingColumnError) as err:
        prepare_file(REAL / "nps_miro_segments.csv", kind="customers")
    assert err.value.field == "start_date"


@real
def test_real_qualtrics_exports_header_rows_are_skipped_and_the_missing_nps_named():
    for name, tool, n_header in (("qualtrics_export_sample_de.csv", "Qualtrics", 3),
                                 ("qualtrics_export_sample_legacy.csv", "Qualtrics (legacy)", 2)):
        seen = ingest.inspect((REAL / name).read_bytes())
        assert (seen.tool, seen.header_rows, seen.kind) == (tool, n_header, "nps")
        assert "ResponseId" in seen.columns or "ResponseID" in seen.columns
        assert not any(c.startswith("V") and c[1:].isdigit() for c in seen.columns)
        with pytest.raises(MissingColumnError) as err:
            prepare_file(REAL / name)  # detected as a survey; it has no NPS question
        assert err.value.field == "score"


@real
def test_real_ravenstack_accounts_and_churn_events():
    with pytest.raises(MissingColumnError) as err:  # a churn flag without a date
        prepare_file(REAL / "saas_ravenstack_accounts.csv")
    assert err.value.field == "churn_date"
    p = prepare_file(REAL / "saas_ravenstack_accounts.csv", mapping={"churned": ""})
    assert p.kind == "customers" and len(p.rows) == 500 and p.rows.churn_date.isna().all()
    assert (p.first_date, p.last_date) == (dt.date(2023, 1, 2), dt.date(2024, 12, 31))
    with pytest.raises(MissingColumnError) as err:  # churn events alone have no start dates
        prepare_file(REAL / "saas_ravenstack_churn_events.csv")
    assert err.value.field == "start_date"


# ---- export formats (fixtures written in each tool's real shape) ---------------------------------
FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"


def test_qualtrics_nps_three_header_rows():
    p = prepare_file(FORMATS / "qualtrics_nps.csv")
    assert p.kind == "nps" and p.inspection.tool == "Qualtrics" and p.inspection.header_rows == 3
    assert p.mapping["score"] == "Q1" and p.mapping["comment"] == "Q2"  # found by question text, not Q1_NPS_GROUP
    assert p.rows.score.tolist() == [10, 6, 8, 9, 0] and p.rows.row_number.tolist() == [4, 5, 6, 7, 8]
    assert p.rows.comment.tolist()[:2] == ['Great support, "fast"', "Too slow\nand buggy"]
    assert (p.first_date, p.last_date) == (dt.date(2026, 3, 1), dt.date(2026, 3, 5))
    assert any("formula" in w for w in p.warnings) and any("anonymous" in w for w in p.warnings)
    # its StartDate / EndDate are when a response was taken: never a customer's start and churn
    for kind in ("customers", "revenue", "tickets"):
        with pytest.raises(InvalidOptionError, match="This is a Qualtrics survey export: its rows are survey "
                                                     "responses"):
            prepare_file(FORMATS / "qualtrics_nps.csv", kind=kind)


def test_surveymonkey_two_header_rows_and_12_hour_times():
    # no answer is 0, so the scale is asked (SurveyMonkey's 'Numerical Value' export numbers 0–10 as 1–11): confirmed
    key = "scale:How likely is it that you would recommend Acme to a friend or colleague?"
    with pytest.raises(NeedsAnswerError):
        prepare_file(FORMATS / "surveymonkey_nps.csv")
    p = prepare_file(FORMATS / "surveymonkey_nps.csv", answers={key: "0-10"})
    assert p.kind == "nps" and p.inspection.tool == "SurveyMonkey"
    assert "Which plan are you on? - Pro" in p.inspection.columns
    assert p.mapping["response_date"] == "End Date" and p.mapping["customer_id"] == "account_id"
    assert p.rows.score.tolist() == [10, 7, 3, 9] and p.rows.row_number.tolist() == [3, 4, 5, 6]
    assert p.rows.response_date.dt.strftime("%Y-%m-%d").tolist() == ["2026-01-31", "2026-02-03", "2026-02-10",
                                                                       "2026-03-01"]


@pytest.mark.parametrize("name, scores, first, last", [
    ("delighted_nps.csv", [9, 4, 10], dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    ("typeform_nps.csv", [10, 0, 7], dt.date(2026, 4, 1), dt.date(2026, 5, 1)),
    ("hotjar_nps.tsv", [9, 5], dt.date(2026, 5, 1), dt.date(2026, 5, 2)),  # UTF-16, tab-delimited
])
def test_one_header_survey_tools(name, scores, first, last):
    p = prepare_file(FORMATS / name)
    assert p.kind == "nps" and p.rows.score.tolist() == scores and (p.first_date, p.last_date) == (first, last)
    assert p.rows.customer_id.notna().all()


def test_stripe_subscriptions_expand_to_monthly_mrr():
    p = prepare_file(FORMATS / "stripe_subscriptions.csv", as_of=dt.date(2026, 10, 31), amount_in_cents=True)
    assert p.kind == "revenue" and p.layout == "subscriptions"
    assert p.mapping["end_date"] == "Ended At (UTC)" and p.mapping["quantity"] == "Quantity"
    mrr = p.rows.groupby("customer_id").mrr.agg(["count", "sum"])
    # A: $50 Jan–Oct + 3 seats × $10 Sep–Oct; B: 2 × $25 Feb–Apr (ended 3 May); C: $1,200/year = $100 Mar–Oct;
    # D: incomplete_expired, never paid.
    assert mrr["count"].to_dict() == {"cus_A": 10, "cus_B": 3, "cus_C": 8}
    assert {k: float(v) for k, v in mrr["sum"].items()} == {"cus_A": 560.0, "cus_B": 150.0, "cus_C": 800.0}
    assert (p.first_date, p.last_date) == (dt.date(2026, 1, 1), dt.date(2026, 10, 31))
    assert any("incomplete_expired" in w for w in p.warnings)


def test_stripe_invoices_sum_to_customer_months():
    p = prepare_file(FORMATS / "stripe_invoices.csv")
    assert p.kind == "revenue" and p.layout == "lines" and p.mapping["amount"] == "Amount Paid"
    assert [(r.customer_id, r.month.strftime("%Y-%m"), float(r.mrr)) for r in p.rows.itertuples()] == [
        ("cus_A", "2026-01", 50.0), ("cus_A", "2026-02", 50.0), ("cus_B", "2026-02", 50.0)]
    assert any("void" in w for w in p.warnings)


def test_chartmogul_customer_list_cp1252_semicolons_day_first():
    p = prepare_file(FORMATS / "chartmogul_customers.csv")
    assert p.kind == "customers" and p.mapping["customer_id"] == "External ID"
    assert p.rows.name.tolist() == ["Zoë Café", "Jürgen Maß", "Ana Núñez"]
    assert p.rows.churn_date.notna().sum() == 1 and p.date_formats["Customer Since"] == "%d.%m.%Y"
    assert (p.first_date, p.last_date) == (dt.date(2025, 1, 15), dt.date(2025, 11, 20))


def test_excel_serial_dates_and_euro_decimal_commas():
    p = prepare_file(FORMATS / "excel_revenue.csv")
    assert p.date_formats["Billing month"] == "EXCEL"
    assert [(r.customer_id, r.month.strftime("%Y-%m"), float(r.mrr)) for r in p.rows.itertuples()] == [
        ("acme", "2026-01", 1234.56), ("acme", "2026-02", 1300.0), ("beta", "2026-02", 99.9)]


def test_ambiguous_dates_are_asked_and_the_answer_used():
    data = b"customer_id,date,score\nc1,03/04/2026,9\nc2,05/06/2026,7\n"
    with pytest.raises(NeedsAnswerError) as err:  # no longer read month-first unasked: both readings fit
        prepare_bytes(data, kind="nps")
    q = err.value.questions[0]
    assert q.key == "date_format:date" and q.must_confirm
    assert q.choices == ("%m/%d/%Y", "%d/%m/%Y")
    p = prepare_bytes(data, kind="nps", answers={"date_format:date": "%m/%d/%Y"})
    assert p.ambiguous == {"date": ["%m/%d/%Y", "%d/%m/%Y"]}
    assert p.rows.response_date.dt.strftime("%Y-%m-%d").tolist() == ["2026-03-04", "2026-05-06"]
    p = prepare_bytes(data, kind="nps", date_formats={"date": "%d/%m/%Y"})  # a preset's saved format still answers
    assert p.rows.response_date.dt.strftime("%Y-%m-%d").tolist() == ["2026-04-03", "2026-06-05"]
    decided = prepare_bytes(b"customer_id,date,score\nc1,03/04/2026,9\nc2,31/01/2026,7\n", kind="nps")
    assert decided.ambiguous == {} and decided.date_formats["date"] == "%d/%m/%Y"  # 31 decides it


def test_iso_timestamps_with_compact_zones():
    p = prepare_bytes(b"customer_id,date,score\nc1,2026-01-31 23:30:00 -0500,9\nc2,2026-02-01T10:00:00+01:00,7\n",
                      kind="nps")
    assert p.rows.response_date.dt.strftime("%Y-%m-%d").tolist() == ["2026-02-01", "2026-02-01"]


def test_mrr_column_ignores_the_billing_interval():
    p = prepare_bytes(b"customer,month,mrr,interval\nx,2026-01,100,year\n", kind="revenue")
    assert "interval" not in p.mapping and float(p.rows.mrr.sum()) == 100.0


# ---- bad files ---------------------------------------------------------------------------------
@pytest.mark.parametrize("data, error, words", [
    (b"", EmptyFileError, "empty"),
    (b"  \n\n", EmptyFileError, "empty"),
    (b"customer_id,month,mrr\n", EmptyFileError, "no data rows"),
    (b"\x00\x01\x02binary\x00" * 50, UnreadableFileError, "binary"),
    (b"PK\x03\x04" + b"\x00" * 100, UnreadableFileError, "zip"),
    (b"foo,bar\n1,2\n", UnknownKindError, "Could not tell"),
    (b"customer_id,score\nc1,9\n", MissingColumnError, "response date"),
])
def test_unusable_files(data, error, words):
    with pytest.raises(error) as err:
        prepare_bytes(data)
    assert words in str(err.value)


@pytest.mark.parametrize("csv, column, words, rows", [
    ("customer_id,date,score\nc1,2026-01-01,9\nc2,2026-01-02,11\nc3,2026-01-03,-1\n", "score", "outside the NPS scale",
     [3, 4]),
    ("customer_id,date,score\nc1,2026-01-01,lots\n", "score", "not whole-number scores", [2]),
    ("customer_id,date,score\nc1,2026-01-01,7.5\n", "score", "not whole-number scores", [2]),
    ("customer_id,date,score\nc1,2026-01-01,9\nc2,yesterday,9\n", "date", "not dates", [3]),
    ("customer_id,date,score\nc1,2027-01-01,9\n", "date", "in the future", [2]),
    ("customer_id,date,score\nc1,,9\n", "date", "empty", [2]),
])
def test_bad_nps_values_name_row_and_column(csv, column, words, rows):
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(csv.encode(), kind="nps")
    assert err.value.column == column and words in str(err.value)
    assert [c.row for c in err.value.cells] == rows


@pytest.mark.parametrize("csv, column, words", [
    ("customer_id,month,mrr\nc1,2026-01,100\nc2,2026-01,-5\n", "mrr", "negative"),
    ("customer_id,month,mrr\nc1,2026-01,lots\n", "mrr", "not numbers"),
    ("customer_id,month,mrr\nc1,2026-01,\n", "mrr", "empty"),
    ("customer_id,month,mrr\n,2026-01,5\n", "customer_id", "empty"),
    ("customer_id,start_date,churn_date\nc1,2026-03-01,2026-01-01\n", "churn_date", "before the customer's start"),
])
def test_bad_revenue_and_customer_values(csv, column, words):
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(csv.encode())
    assert err.value.column == column and words in str(err.value)


def test_error_message_lists_first_rows_and_count():
    rows = "\n".join(f"c{i},2026-01-01,{11 if i % 2 else 9}" for i in range(20))
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(("customer_id,date,score\n" + rows).encode(), kind="nps")
    msg = str(err.value)
    assert err.value.count == 10 and "row 3: '11'" in msg and "(and 5 more)" in msg


def test_duplicates():
    with pytest.raises(DuplicateRowsError) as err:
        prepare_bytes(b"customer_id,month,mrr\nc1,2026-01,5\nc2,2026-01,5\nc1,2026-01,5\n")
    assert err.value.rows == [4]
    with pytest.raises(DuplicateRowsError) as err:
        prepare_bytes(b"customer_id,start_date\nc1,2026-01-01\nc1,2026-02-01\n")
    assert "customer ids" in str(err.value) and err.value.rows == [3]


def test_anonymous_answers_alike_are_asked_about_not_refused_as_duplicates():
    """A survey export with only a date and a score: two people giving 10 on 2 March are two answers (counted,
    proposed, said); answers alike to the second are proposed as a row exported twice (rejected by row)."""
    days = b"Date,Score\n2026-03-02,10\n2026-03-02,10\n2026-03-02,6\n2026-03-03,9\n"
    p = prepare_bytes(days, kind="nps")
    q = next(q for q in p.questions if q.key == "repeated_answers")
    assert q.proposal == "count" and sorted(p.rows.score) == [6, 9, 10, 10]
    assert any("1 answer repeats an earlier answer" in w for w in p.warnings)
    timed = b"Date,Score\n2026-03-02 10:01:02,10\n2026-03-02 10:01:02,10\n2026-03-03 11:00:00,9\n"
    with pytest.raises(DuplicateRowsError) as err:
        prepare_bytes(timed, kind="nps")
    assert err.value.rows == [3]
    assert len(prepare_bytes(timed, kind="nps", answers={"repeated_answers": "count"}).rows) == 3
    # with a response id, identical rows are the same answer twice, as before
    with pytest.raises(DuplicateRowsError):
        prepare_bytes(b"Response ID,Date,Score\nr1,2026-03-02,10\nr1,2026-03-02,10\n", kind="nps")


def test_too_large(monkeypatch):
    monkeypatch.setattr(ingest.read, "MAX_UPLOAD_BYTES", 10)
    with pytest.raises(FileTooLargeError):
        prepare_bytes(b"customer_id,month,mrr\nc1,2026-01,5\n")


def test_formula_and_injection_text_is_stored_as_text():
    data = b'customer_id,start_date,name\n"x\'); DROP TABLE uploads; --",2026-01-01,=HYPERLINK("http://x")\n'
    p = prepare_bytes(data, kind="customers")
    ws = Workspace(":memory:")
    ws.commit([p.to_upload()])
    assert ws.cursor().execute("SELECT customer_id, name FROM customers").fetchall() == [
        ("x'); DROP TABLE uploads; --", '=HYPERLINK("http://x")')]
    assert len(ws.uploads()) == 1


def test_hostile_column_names_are_quoted():
    data = b'customer_id,"start""date",note\nc1,2026-01-01,\n'
    p = prepare_bytes(data, kind="customers", mapping={"start_date": 'start"date'})
    assert p.rows.start_date.tolist() == [pd.Timestamp("2026-01-01")]


# ---- all-or-nothing ----------------------------------------------------------------------------
def _state(ws: Workspace) -> dict:
    cur = ws.cursor()
    tables = ["uploads", "snapshots", "nps_responses", "customers", "revenue", "fact_customer_month", "fact_nps"]
    return {t: cur.execute(f"SELECT count(*), hash(list(t ORDER BY ALL)) FROM {t} t").fetchone() for t in tables}


def test_rejected_upload_changes_nothing(tmp_path):
    path = tmp_path / "ws.duckdb"
    ws = Workspace(path)
    ws.commit([prepare_file(REFERENCE / f"{k}.csv", k).to_upload() for k in ("customers", "nps", "revenue")])
    before = _state(ws)
    with pytest.raises(InvalidValuesError):
        ws.commit([prepare_bytes(b"customer_id,month,mrr\nc1,2026-01,-5\n").to_upload()])
    assert _state(ws) == before


def test_failure_inside_commit_rolls_back_everything(tmp_path, monkeypatch):
    path = tmp_path / "ws.duckdb"
    ws = Workspace(path)
    ws.commit([prepare_file(REFERENCE / f"{k}.csv", k).to_upload() for k in ("customers", "nps", "revenue")])
    before = _state(ws)
    good = prepare_bytes(b"customer_id,month,mrr\nA,2025-04,999\n").to_upload()

    def boom(*_args, **_kwargs):
        raise RuntimeError("disk full while building facts")

    monkeypatch.setattr(Workspace, "_build_snapshot", boom)
    with pytest.raises(RuntimeError):
        ws.commit([good])
    assert _state(ws) == before
    ws.close()
    monkeypatch.undo()
    reopened = Workspace(path)
    assert _state(reopened) == before
    assert reopened.snapshot().snapshot == 1
    reopened.commit([good])  # and the workspace still accepts the upload afterwards
    assert reopened.snapshot().snapshot == 2 and reopened.snapshot(1).versions["revenue"] == 3


# ---- history: summary, roll back, delete, presets ------------------------------------------------------
def test_change_summary_names_rows_customers_and_arr(tmp_path, tmp_path_factory):
    ws = reference_workspace(tmp_path_factory, tmp_path / "ws.duckdb")
    old = ws.current_versions()["revenue"]
    more = (REFERENCE / "revenue.csv").read_text() + "Z,2025-04,100\n"
    snap = ws.commit([prepare_bytes(more.encode(), kind="revenue").to_upload()])
    text = ingest.change_summary(ws, snap.versions["revenue"], old)
    # reference ARR in Apr 2025 is 12 × 350 = 4,200; one more customer at 100 makes 12 × 450 = 5,400
    assert text.startswith("12 rows, 2024-12-01 to 2025-04-30, 5 customers, ARR $5.4K (last month × 12)")
    assert f"vs version {old}: +1 rows, +1 customers, ARR +28.6%." in text
    assert ingest.change_summary(ws, old, None).endswith("the first version of its kind.")


def test_rollback_is_a_new_snapshot_pointing_at_the_earlier_upload(tmp_path, tmp_path_factory):
    ws = reference_workspace(tmp_path_factory, tmp_path / "ws.duckdb")
    first = ws.snapshot()
    v1 = first.versions["revenue"]
    new = ws.commit([prepare_bytes(b"customer_id,month,mrr\nA,2025-04,999\n").to_upload()])
    v2 = new.versions["revenue"]
    back = ws.rollback(v1)
    assert back.snapshot == new.snapshot + 1 and back.versions == first.versions
    assert ws.snapshot().versions["revenue"] == v1
    facts = "SELECT count(*), sum(mrr) FROM fact_customer_month WHERE snapshot = ?"
    assert ws.cursor().execute(facts, [back.snapshot]).fetchone() == ws.cursor().execute(
        facts, [first.snapshot]).fetchone()
    events = ws.snapshot_events()
    assert events.snapshot.tolist() == [back.snapshot]
    assert f"back to version {v1} (was version {v2})" in events.detail[0]
    history = ws.history().set_index("version")
    assert history.loc[v1, "status"] == "in use" and history.loc[v2, "status"] == "earlier"
    with pytest.raises(ValueError, match="already the current"):
        ws.rollback(v1)
    forward = ws.rollback(v2)  # and the roll back can itself be undone
    assert forward.versions["revenue"] == v2


def test_delete_refuses_the_version_in_use_and_removes_the_rest(tmp_path, tmp_path_factory):
    ws = reference_workspace(tmp_path_factory, tmp_path / "ws.duckdb")
    v1 = ws.current_versions()["revenue"]
    snap2 = ws.commit([prepare_bytes(b"customer_id,month,mrr\nA,2025-04,999\n").to_upload()])
    v2 = snap2.versions["revenue"]
    with pytest.raises(ValueError, match="in use"):
        ws.delete_version(v2)
    before = _state(ws)
    ws.rollback(v1)
    removed = ws.delete_version(v2)
    assert removed == [snap2.snapshot]
    cur = ws.cursor()
    assert cur.execute("SELECT count(*) FROM revenue WHERE version = ?", [v2]).fetchone()[0] == 0
    facts = "SELECT count(*) FROM fact_customer_month WHERE snapshot = ?"
    assert cur.execute(facts, [snap2.snapshot]).fetchone()[0] == 0
    emptied = ws.snapshot(snap2.snapshot)  # kept as an empty placeholder: numbers stay contiguous
    assert set(emptied.versions.values()) == {None} and emptied.first_month is None
    assert ws.snapshot(1).versions["revenue"] == v1
    assert "deleted" in ws.snapshot_events().set_index("snapshot").loc[snap2.snapshot, "detail"]
    assert ws.history().set_index("version").loc[v2, "status"] == "deleted"
    with pytest.raises(ValueError, match="deleted"):
        ws.rollback(v2)
    nxt = ws.commit([prepare_bytes(b"customer_id,month,mrr\nB,2025-04,5\n").to_upload()])
    assert nxt.versions["revenue"] == v2 + 1  # numbers are never reused
    assert before["uploads"][0] + 1 == len(ws.uploads())


def test_presets_are_keyed_by_the_header_signature(tmp_path):
    ws = Workspace(tmp_path / "ws.duckdb")
    data = b"who,when,what\nc1,2026-01-05,9\n"
    seen = ingest.inspect(data)
    assert seen.kind is None and ws.preset(seen.signature) is None
    ws.save_preset(seen.signature, "Our survey tool", "nps",
                   {"mapping": {"customer_id": "who", "response_date": "when", "score": "what"}})
    ws.close()
    ws = Workspace(tmp_path / "ws.duckdb")
    again = ingest.inspect(b"who,when,what\nc9,2026-02-01,3\n")
    preset = ws.preset(again.signature)
    assert preset["name"] == "Our survey tool" and preset["kind"] == "nps"
    # One score of 3 could be on any scale: the scale is asked (presets save that answer too).
    p = prepare_bytes(b"who,when,what\nc9,2026-02-01,3\n", kind=preset["kind"], mapping=preset["settings"]["mapping"],
                      answers={"scale:what": "0-10"})
    assert p.rows.score.tolist() == [3]
    assert ws.preset(ingest.inspect(b"who,when,score\nc1,2026-01-05,9\n").signature) is None


# ---- guarantees and limits ------------------------------------------------------------------------------
def test_stated_limit_matches_the_server_limit():
    import tomllib

    config = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 2**20 == ingest.MAX_UPLOAD_BYTES


NPS_HEADER = "customer_id,date,score,comment\n"
HOSTILE = {  # name: (bytes, expected error or None when handled with a warning, words in the message)
    "empty": (b"", EmptyFileError, "empty"),
    "header only": (NPS_HEADER.encode(), EmptyFileError, "no data rows"),
    "binary": (bytes(range(256)) * 20, UnreadableFileError, "binary"),
    "zip renamed .csv": (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200, UnreadableFileError, "zip archive"),
    "10,000 columns": ((",".join(f"q{i}" for i in range(10_000)) + "\n" + "1," * 9_999 + "1\n").encode(),
                       TooManyColumnsError, "10,000 columns"),
    "one 5 MB line": ((NPS_HEADER + "c1,2026-01-01,9," + "x" * (5 * 2**20) + "\n").encode(), UnreadableFileError,
                      "Line 2 is 5.0 MB long"),
    "mismatched quotes": ((NPS_HEADER + 'c1,2026-01-01,9,"a, b"\nc2,2026-01-02,7,"unclosed\nc3,2026-01-03,8,ok\n'
                           'c4,2026-01-04,8,"x, y"\n').encode(), UnreadableFileError, "unclosed quote"),
    "NUL bytes": ((NPS_HEADER + "c1,2026-01-01,9,ok\n" * 500 + "c2,2026-01-02,9,o\x00k\n").encode(),
                  UnreadableFileError, "NUL"),
    "duplicate rows": ((NPS_HEADER + "c1,2026-01-01,9,ok\nc2,2026-01-01,9,ok\nc1,2026-01-01,9,ok\n").encode(),
                       DuplicateRowsError, "first at rows 4"),
    "scores 11 and -1": ((NPS_HEADER + "c1,2026-01-01,11,\nc2,2026-01-01,-1,\nc3,2026-01-01,5,\n").encode(),
                         InvalidValuesError, "row 2: '11'; row 3: '-1'"),
    "future dates": ((NPS_HEADER + "c1,2026-11-24,9,\n").encode(), InvalidValuesError, "in the future"),
    "formula cells": ((NPS_HEADER + 'c1,2026-01-01,9,"=HYPERLINK(""http://evil.example"",""x"")"\n'
                       'c2,2026-01-02,3,@SUM(A1:A9)\n').encode(), None, "start like a spreadsheet formula"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_inputs_give_a_clear_error_or_warning_and_change_nothing(name, tmp_path, tmp_path_factory):
    data, error, words = HOSTILE[name]
    ws = reference_workspace(tmp_path_factory, tmp_path / "ws.duckdb")
    before = _state(ws)
    if error is None:
        p = prepare_bytes(data, kind="nps")
        assert any(words in w for w in p.warnings), p.warnings
        assert p.rows.comment.tolist()[0].startswith("=HYPERLINK")  # stored as the text it is
        assert _state(ws) == before  # nothing stored until the analyst commits
        return
    with pytest.raises(error) as err:
        ws.commit([prepare_bytes(data, kind="nps").to_upload()])
    assert words in str(err.value)
    assert _state(ws) == before


def test_duplicate_customer_ids_are_named():
    with pytest.raises(DuplicateRowsError) as err:
        prepare_bytes(b"customer_id,start_date\nc1,2026-01-01\nc2,2026-01-01\nc1,2026-02-01\n", kind="customers")
    assert "customer ids in column 'customer_id'" in str(err.value) and err.value.rows == [4]


def test_report_collects_every_problem_and_skip_stores_only_valid_rows(tmp_path, tmp_path_factory):
    data = (NPS_HEADER + "c1,2026-01-01,9,ok\nc2,2026-01-02,11,x\nc3,someday,7,y\nc4,2026-01-04,-1,z\n"
            "c5,2026-01-05,8,\"=cmd|' /C calc'!A0\"\nc1,2026-01-01,9,ok\n").encode()
    with pytest.raises(DuplicateRowsError) as err:  # the reject path raises the first problem, typed
        prepare_bytes(data, kind="nps")
    report = err.value.report
    assert [(p.column, p.reason, p.count, [c.row for c in p.cells]) for p in report.problems] == [
        ("(whole row)", "repeat an earlier row in every column", 1, [7]),
        ("score", "are outside the NPS scale 0–10", 2, [3, 5]),
        ("date", "are not dates in the format the rest of the column uses", 1, [4]),
    ]
    table = report.table()
    assert table.Rows.tolist() == [1, 2, 1] and "row 3: '11'" in table["First rows"][1]
    assert table["First rows"][0] == "row 7: 'c1 | 2026-01-01 | 9 | ok'"  # a repeated row by its cells, not ''"
    assert report.rejected["file row"].tolist() == [3, 4, 5, 7]
    ws = reference_workspace(tmp_path_factory, tmp_path / "ws.duckdb")
    before = _state(ws)
    p = prepare_bytes(data, kind="nps", skip_invalid=True)
    assert p.rows.customer_id.tolist() == ["c1", "c5"] and p.report.rejected_rows == 4
    assert _state(ws) == before
    ws.commit([p.to_upload()])
    stored = ws.cursor().execute("SELECT customer_id, comment FROM nps_responses WHERE version = 4 ORDER BY 1")
    assert stored.fetchall() == [("c1", "ok"), ("c5", "=cmd|' /C calc'!A0")]


def test_rejected_rows_csv_is_formula_safe():
    data = (NPS_HEADER + "c1,2026-01-01,12,\"=HYPERLINK(\"\"http://x\"\")\"\n+c2,2026-01-02,-3,@x\n"
            "c3,2026-01-03,5,\"\tTAB\"\n").encode()
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, kind="nps")
    text = err.value.report.rejected_csv().decode()
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["file row", "problems", "customer_id", "date", "score", "comment"]
    assert lines[1][2:] == ["c1", "2026-01-01", "12", "'=HYPERLINK(\"http://x\")"]
    assert lines[2][2:] == ["'+c2", "2026-01-02", "'-3", "'@x"]
    assert all(not cell or cell[0] not in "=+-@\t\r" for row in lines for cell in row)


KILL_CHILD = """
import sys
sys.path.insert(0, sys.argv[2])
import numpy as np, pandas as pd
from metrics.store import NewUpload, Workspace
ws = Workspace(sys.argv[1])
n_cust, n_months = 60_000, 36  # ~2.2 million revenue rows: a commit of several seconds
ids = np.repeat([f"K{i:06d}" for i in range(n_cust)], n_months)
months = np.tile(pd.date_range("2023-01-01", periods=n_months, freq="MS").date, n_cust)
mrr = np.round(np.random.default_rng(1).uniform(10, 500, len(ids)), 2)
rows = pd.DataFrame({"customer_id": ids, "month": months, "mrr": mrr})
up = NewUpload("revenue", "big.csv", "f" * 64, rows, "upload", "", rows.month.min(), rows.month.max())
print("COMMITTING", flush=True)
ws.commit([up])
print("DONE", flush=True)
"""


def test_killing_the_process_during_a_large_commit_loses_nothing(tmp_path, tmp_path_factory):
    import os
    import signal
    import subprocess
    import sys
    import time

    path = tmp_path / "ws.duckdb"
    ws = reference_workspace(tmp_path_factory, path)
    ws.commit([prepare_bytes(b"customer_id,month,mrr\nA,2025-04,999\n").to_upload()])  # two versions of revenue
    before = _state(ws)
    earlier = {v: ws.cursor().execute("SELECT count(*), sum(mrr) FROM revenue WHERE version = ?", [v]).fetchone()
               for v in (3, 4)}
    ws.close()
    script = tmp_path / "child.py"
    script.write_text(KILL_CHILD)
    root = str(Path(__file__).resolve().parents[1])
    child = subprocess.Popen([sys.executable, str(script), str(path), root], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "COMMITTING"
        time.sleep(1.0)  # inside ws.commit (several seconds here): inserting rows / building facts
        assert child.poll() is None, "the commit finished before it could be killed; make the upload larger"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL and "DONE" not in child.stdout.read()

    reopened = Workspace(path)
    assert _state(reopened) == before  # every table exactly as before: nothing half-written
    assert reopened.snapshot().snapshot == 2 and len(reopened.uploads()) == 4
    for v, (count, total) in earlier.items():
        assert reopened.cursor().execute("SELECT count(*), sum(mrr) FROM revenue WHERE version = ?",
                                         [v]).fetchone() == (count, total)
    snap = reopened.commit([prepare_bytes(b"customer_id,month,mrr\nB,2025-04,5\n").to_upload()])
    assert snap.snapshot == 3 and snap.versions["revenue"] == 5  # and it takes the next upload normally
    reopened.close()


# ---- the Data page (AppTest): date format question, choice, delete ------------------------------------
APP = str(Path(__file__).resolve().parents[1] / "app.py")


@contextlib.contextmanager
def data_page(tmp_path, monkeypatch, kind: str):
    """The Data page of a fresh workspace (which holds the sample company) with `kind` chosen and the company's own
    workspace answered ahead, so an upload is never mixed with the sample; Streamlit's caches cleared around it."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CX_WORKSPACE", str(tmp_path / "ws.duckdb"))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=120)
        at.switch_page("pages/data.py")
        at.run()
        at.selectbox(key="upload_kind").set_value(kind)
        at.session_state["sample_choice"] = "own"
        yield at
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


def test_data_page_asks_the_date_format_and_deletes_an_earlier_version(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    with data_page(tmp_path, monkeypatch, "NPS responses") as at:
        at.file_uploader[0].upload("ambiguous.csv", b"customer_id,date,score\nc1,03/04/2026,9\nc2,05/06/2026,7\n",
                                   "text/csv")
        at.run()
        assert not at.exception  # refused until the date format is answered: both readings fit
        assert any("need an answer" in e.value for e in at.error)
        question = next(s for s in at.selectbox if s.label == "Which date format does 'date' use?")
        question.set_value("%d/%m/%Y")
        at.run()
        assert not at.error
        assert any("fit both MM/DD/YYYY and DD/MM/YYYY; read as DD/MM/YYYY" in w.value for w in at.warning)
        preview = at.dataframe[0].value
        assert [str(d) for d in preview.response_date] == ["2026-04-03", "2026-06-05"]
        store_button(at).click()
        at.run()
        assert not at.exception
        stored = next(s.value for s in at.success if "Stored ambiguous.csv" in s.value)
        assert "NPS responses version 6:** 2 rows, 2026-04-03 to 2026-06-05, 2 customers, NPS \\+50;" in stored
        assert stored.endswith("the first version of its kind.")  # never compared with the sample's

        at.selectbox(key="history_version").set_value(6)  # the sample's five files are versions 1-5
        at.run()
        assert at.button(key="delete_version").disabled  # the version in use cannot be deleted, and says why
        assert any("is in use by the current data, so it cannot be deleted" in m.value for m in at.markdown)
        at.selectbox(key="history_version").set_value(2)
        at.run()
        at.button(key="delete_version").click()
        at.run()
        assert not at.exception
        assert any("Deleted version 2; data version #1, which used it, is now empty." in s.value for s in at.success)
        history = at.dataframe[-1].value.set_index("Version")
        assert history.loc[2, "Status"] == "deleted" and history.loc[6, "Status"] == "in use"
        at.switch_page("pages/cio.py")  # the emptied data version stays listed; pages still run
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        pinned = AppTest.from_file(APP, default_timeout=120)
        pinned.query_params["v"] = "1"  # a link pinned to the emptied data version says so, shows the latest
        pinned.switch_page("pages/cfo.py")
        pinned.run()
        assert not pinned.exception, [e.value for e in pinned.exception]
        assert any("data version '1' is not available" in w.value for w in pinned.warning)


@pytest.mark.parametrize("value, expected", [
    ("2026-01-31", "2026-01-31"), ("31/01/2026", "2026-01-31"), ("01/31/2026", "2026-01-31"),
    ("31.01.2026", "2026-01-31"), ("2026/01/31", "2026-01-31"), ("Jan 2026", "2026-01-01"),
    ("January 2026", "2026-01-01"), ("46053", "2026-01-31"), ("46053.75", "2026-01-31"),
    ("2026-01-31T22:30:00Z", "2026-01-31"), ("2026-01-31T22:30:00-05:00", "2026-02-01"),
    ("2026-01-31 10:00:00 UTC", "2026-01-31"), ("01/31/2026 10:11:12 PM", "2026-01-31"), ("31-Jan-2026", "2026-01-31"),
    ("20260131", "2026-01-31"),
])
def test_date_shapes(value, expected):
    p = prepare_bytes(f"customer_id,date,score\nc1,{value},9\n".encode(), kind="nps")
    assert p.rows.response_date[0].strftime("%Y-%m-%d") == expected


@pytest.mark.parametrize("value, expected", [
    ("1234.5", 1234.5), ('"1,234.50"', 1234.5), ('"1.234,50"', 1234.5), ('"€1.234,50"', 1234.5),
    ('"$ 1,234.50"', 1234.5), ("1'234.50", 1234.5), ('"1 234,50"', 1234.5), ("£99", 99.0), ("USD 10", 10.0),
])  # a lone 22.368 (three digits after the dot, no comma) is asked: tests/ingest/test_amounts.py
def test_amount_shapes(value, expected):
    # a decimal comma with no currency named asks the currency (answered here: EUR)
    p = prepare_bytes(f"customer_id,month,mrr\nc1,2026-01,{value}\n".encode(), kind="revenue",
                      answers={"currency:mrr": "EUR"})
    assert float(p.rows.mrr[0]) == pytest.approx(round(expected, 2))


@real
def test_real_telco_snapshot_as_revenue_gives_only_the_two_months_it_knows():
    p = prepare_file(REAL / "telco_churn_ibm.csv", kind="revenue", as_of=dt.date(2026, 10, 31),
                     answers={"tenure_unit:tenure": "months"})  # "tenure" does not name its unit: asked
    assert p.layout == "snapshot"
    assert p.mapping == {"customer_id": "customerID", "amount": "MonthlyCharges", "tenure": "tenure",
                         "churned": "Churn"}
    telco = pd.read_csv(REAL / "telco_churn_ibm.csv")
    # Customers who left before Sep 2026 are not in a snapshot, so only Sep (everyone with tenure ≥ 1: they were
    # there a month ago, churners included) and Oct (everyone not churned) are known; earlier months would count
    # the survivors alone.
    sep, oct_ = telco[telco.tenure >= 1], telco[telco.Churn == "No"]
    assert len(p.rows) == len(sep) + len(oct_) == 7032 + 5174
    by_month = p.rows.groupby("month").mrr.sum().astype(float)
    assert by_month[pd.Timestamp("2026-09-01")] == pytest.approx(sep.MonthlyCharges.sum(), abs=0.01)
    assert by_month[pd.Timestamp("2026-10-01")] == pytest.approx(oct_.MonthlyCharges.sum(), abs=0.01)
    assert (p.first_date, p.last_date) == (dt.date(2026, 9, 1), dt.date(2026, 10, 31))
    assert any("revenue is known for Sep 2026 and Oct 2026 only" in w for w in p.warnings)


@real
def test_real_telco_snapshot_churn_is_measured_in_its_as_of_month_only():
    from metrics import revenue
    from metrics.view import View

    ws = Workspace(":memory:")
    snap = ws.commit([prepare_file(REAL / "telco_churn_ibm.csv", kind="customers", as_of=dt.date(2026, 10, 31),
                                   answers={"tenure_unit:tenure": "months"}).to_upload()])
    telco = pd.read_csv(REAL / "telco_churn_ibm.csv")
    # Active at the start of Oct 2026: every customer with tenure ≥ 1 (7,032); churned in Oct: the 1,869 "Yes"
    # (the file's own figure, 26.5%, divides by all 7,043 incl. the 11 who joined in October).
    there = int((telco.tenure >= 1).sum())
    churned = int((telco.Churn == "Yes").sum())
    for start in (dt.date(2026, 10, 1), dt.date(2025, 11, 1)):  # one month, or twelve: earlier months add nothing
        c = revenue.logo_churn(ws.cursor(), View(snap.snapshot, start, dt.date(2026, 10, 1)))
        assert (c.churned, c.active_start) == (churned, there) == (1869, 7032)
        assert c.monthly == pytest.approx(1869 / 7032)


def test_a_snapshot_file_needs_its_as_of_date():
    from metrics.errors import InvalidOptionError

    for kind in ("customers", "revenue"):
        with pytest.raises(InvalidOptionError, match="Set the as-of date"):
            prepare_bytes(b"customer_id,tenure,churn,MonthlyCharges\nc1,3,no,10\n", kind=kind)


def test_an_as_of_date_in_the_future_is_refused():
    from metrics.errors import InvalidOptionError

    with pytest.raises(InvalidOptionError, match="2026-12-01 is in the future"):
        prepare_bytes(b"customer_id,tenure,churn\nc1,3,no\n", kind="customers", as_of=dt.date(2026, 12, 1))


def test_file_names_are_only_labels():
    p = prepare_bytes(b"customer_id,month,mrr\nc1,2026-01,5\n", name="../../etc/passwd;rm -rf.csv")
    ws = Workspace(":memory:")
    ws.commit([p.to_upload()])
    assert ws.uploads().file_name.tolist() == ["../../etc/passwd;rm -rf.csv"]  # stored as text, never a path


def test_stripe_subscriptions_as_customers():
    p = prepare_file(FORMATS / "stripe_subscriptions.csv", kind="customers")
    assert p.layout == "subscriptions" and p.mapping["subscription_id"] == "id"  # found by its sub_ values
    assert p.mapping["churn_date"] == "Ended At (UTC)"
    rows = p.rows.set_index("customer_id")
    assert rows.index.tolist() == ["cus_A", "cus_B", "cus_C"]  # cus_D's subscription was never paid
    assert rows.start_date.dt.strftime("%Y-%m-%d").tolist() == ["2026-01-15", "2026-02-10", "2026-03-01"]
    assert rows.churn_date.notna().tolist() == [False, True, False]  # A still has a running subscription


def test_subscriptions_without_an_as_of_date_say_which_date_was_used():
    """Running subscriptions count through the as-of month; with none given, the file's latest start or end date
    is used and the warning says so (and how to set another), never silently."""
    given = prepare_file(FORMATS / "stripe_subscriptions.csv", as_of=dt.date(2026, 10, 31), amount_in_cents=True)
    assert not any("no as-of date was given" in w for w in given.warnings)
    p = prepare_file(FORMATS / "stripe_subscriptions.csv", amount_in_cents=True)
    said = [w for w in p.warnings if "expanded into" in w]
    assert len(said) == 1 and "no as-of date was given" in said[0] and "--as-of" in said[0]
    raw = pd.read_csv(FORMATS / "stripe_subscriptions.csv")[[p.mapping["start_date"], p.mapping["end_date"]]]
    latest = pd.to_datetime(raw.stack(), format="mixed").max().date()
    assert f"the as-of date {latest:%Y-%m-%d}" in said[0]


def test_summary_counts_in_words():
    """'48 rows, 1 customer' (it read '1 customers' for a one-customer file)."""
    one = prepare_bytes(b"customer_id,month,mrr\nA,2025-01,100\nA,2025-02,100\n", kind="revenue")
    assert one.summary == "2 rows, 1 customer, 2025-01-01 to 2025-02-28"  # a month runs to its last day
    two = prepare_bytes(b"customer_id,month,mrr\nA,2025-01,100\n", kind="revenue")
    assert two.summary.startswith("1 row, 1 customer, ")


def test_a_file_uploaded_as_the_wrong_kind_says_what_it_looks_like():
    """A help-desk export uploaded as customers: 'No column for customer id' alone left the analyst guessing."""
    data = (b"Ticket ID,Ticket status,Create date,Close date,Priority\n"
            b"101,Closed,2026-03-01 10:00,2026-03-02 10:00,High\n")
    with pytest.raises(MissingColumnError) as err:
        prepare_bytes(data, kind="customers")
    assert str(err.value).endswith("Its columns look like Support tickets: upload it as that kind?")


def test_a_survey_export_without_a_score_names_its_questions():
    """A Qualtrics file whose questions are a multiple choice and a free text: refused, and the message says it was
    read as Qualtrics and which questions it holds (it named only 'No column for NPS score')."""
    data = (b'StartDate,ResponseId,Q1,Q2\nStart Date,Response ID,Which plan do you use?,Anything else?\n'
            b'"{""ImportId"":""startDate""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}",'
            b'"{""ImportId"":""QID2""}"\n2026-03-01 10:00:00,R_1,Pro,fine\n')
    with pytest.raises(MissingColumnError) as err:
        prepare_bytes(data, kind="nps")
    assert str(err.value).endswith("Read as a Qualtrics export; its questions: Q1 'Which plan do you use?'; "
                                   "Q2 'Anything else?'.")
    assert "look like" not in str(err.value)


def test_data_page_reads_a_repeated_invoice_total_from_the_line_amounts(tmp_path, monkeypatch):
    """The mapping step shows the detected mapping ('Total' beside 'LineAmount' in Xero's invoice lines); passing
    every shown field on as chosen by hand kept 'Total', repeated on each of an invoice's lines: the page stored
    Alpha's January as 430 where its two lines are 100 + 100. Only the fields the analyst changes are passed on as
    chosen. Hand: Alpha 200 in January and in February, Beta 1,200 in January."""
    xero = (b"ContactName,InvoiceNumber,InvoiceDate,Total,TaxTotal,Description,LineAmount,AccountCode,TaxAmount,"
            b"Currency,Type,Status\n"
            b"Alpha Ltd,INV-1,2026-01-05,230.00,30.00,Seats,100.00,200,15.00,NZD,Sales invoice,Paid\n"
            b"Alpha Ltd,INV-1,2026-01-05,230.00,30.00,Add-on,100.00,200,15.00,NZD,Sales invoice,Paid\n"
            b"Beta Ltd,INV-2,2026-01-10,1380.00,180.00,Licence,1200.00,200,180.00,NZD,Sales invoice,Paid\n"
            b"Alpha Ltd,INV-3,2026-02-05,230.00,30.00,Seats,200.00,200,30.00,NZD,Sales invoice,Paid\n")
    with data_page(tmp_path, monkeypatch, "Revenue") as at:
        at.file_uploader[0].upload("xero.csv", xero, "text/csv")
        at.run()
        shown = {s.label: s.value for s in at.selectbox if s.key and s.key.startswith("map_")}
        assert shown["Customer id *"] == "ContactName" and shown["Amount (MRR or revenue) *"] == "Total"
        next(s for s in at.selectbox if s.label == "Does 'LineAmount' bill every month?").set_value("monthly")
        at.run()
        assert not at.exception and not at.error
        assert any("'Total' repeats the invoice's total on each of its lines" in w.value for w in at.warning)
        store_button(at).click()
        at.run()
        assert not at.exception
        ws = Workspace(tmp_path / "ws.duckdb")
        rows = ws.cursor().execute("SELECT customer_id, strftime(month, '%Y-%m'), mrr::DOUBLE FROM revenue WHERE "
                                   "version = (SELECT max(version) FROM uploads WHERE file_name = 'xero.csv') "
                                   "ORDER BY 1, 2").fetchall()
        ws.close()
        assert rows == [("Alpha Ltd", "2026-01", 200.0), ("Alpha Ltd", "2026-02", 200.0),
                        ("Beta Ltd", "2026-01", 1200.0)]
