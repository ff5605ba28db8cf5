"""Wide layouts (one column per year, quarter or month) turned into rows after the analyst confirms."""

import datetime as dt

import pytest
from conftest import prepare_bytes

from metrics.errors import InvalidValuesError, MissingColumnError, NeedsAnswerError
from metrics.ingest.unpivot import _split, detect

YES = {"unpivot": "yes"}
REVENUE_BY_YEAR = b"""customer,region,REVENUE_2015,REVENUE_2016
acme,EU,1200,1500
beta,US,,300
gamma,US,80,90
"""


def mrr(p) -> list[tuple[str, str, float]]:
    return [(r.customer_id, r.month.strftime("%Y-%m"), float(r.mrr)) for r in p.rows.itertuples()]


@pytest.mark.parametrize("header, expected", [
    ("REVENUE_2015", ("REVENUE", "year", dt.date(2015, 1, 1))),
    ("NPS_SCORE_2016", ("NPS_SCORE", "year", dt.date(2016, 1, 1))),
    ("Jan 2024", ("", "month", dt.date(2024, 1, 1))),
    ("2024-01", ("", "month", dt.date(2024, 1, 1))),
    ("2026-01-01", ("", "month", dt.date(2026, 1, 1))),          # a workbook's date header: not '2026-01' + '01'
    ("2026-02-01 00:00:00", ("", "month", dt.date(2026, 2, 1))),
    ("2026-03-31", ("", "month", dt.date(2026, 3, 1))),
    ("Revenue Sep-23", ("Revenue", "month", dt.date(2023, 9, 1))),
    ("2015 Revenue", ("Revenue", "year", dt.date(2015, 1, 1))),
    ("Q3 2024", ("", "quarter", dt.date(2024, 7, 1))),
    ("customer_id", None), ("ID12015", None), ("start_date", None),
])
def test_period_headers(header, expected):
    assert _split(header) == expected


def test_one_period_column_alone_is_not_a_wide_layout():
    assert detect(["customer", "REVENUE_2015", "region"]) == []
    p = prepare_bytes(b"customer_id,start_date,churn_date\nc1,2025-01-01,\n")
    assert all(q.key != "unpivot" for q in p.questions)


def test_yearly_revenue_columns_wait_for_confirmation_then_become_rows():
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(REVENUE_BY_YEAR)
    (q,) = err.value.questions
    assert q.key == "unpivot" and q.must_confirm and q.choices == ("yes", "no")
    assert "REVENUE_2015 → 2015-01-01, REVENUE_2016 → 2016-01-01" in q.detail
    assert "3 rows become 5" in q.detail and "1 row-period pair(s) whose cells are all blank" in q.detail
    p = prepare_bytes(REVENUE_BY_YEAR, answers=YES, as_of=dt.date(2016, 12, 31))
    assert p.kind == "revenue" and p.mapping == {"customer_id": "customer", "month": "period", "amount": "REVENUE"}
    # a year's revenue spread over its twelve months: acme 1,200 ÷ 12 = 100 a month in 2015, 1,500 ÷ 12 = 125 in
    # 2016; beta 300 ÷ 12 = 25 in 2016; gamma 80 ÷ 12 = 6.67 and 90 ÷ 12 = 7.50 (before: the whole year in January
    # and nothing in the eleven months after, a churn every February)
    by = {(c, m): v for c, m, v in mrr(p)}
    assert len(by) == 12 + 12 + 12 + 12 + 12
    assert {by[("acme", "2015-06")], by[("acme", "2016-12")], by[("beta", "2016-03")]} == {100.0, 125.0, 25.0}
    assert (by[("gamma", "2015-01")], by[("gamma", "2016-07")]) == (6.67, 7.5) and ("beta", "2015-12") not in by
    assert any(w.startswith("One column per year turned into rows") and "a year's figure is spread evenly over its "
               "months (the year's revenue ÷ 12 a month)." in w for w in p.warnings)
    # the spreading is said of the yearly figures, not of invoice lines the file does not have
    assert "5 yearly figures pay for 2 months or more (one column per year: 'REVENUE_2015' …, up to 12 months): " \
           "each is spread evenly over the months it pays for (the 12 months of its year)." in p.warnings
    # without an as-of date the spread stops at the latest period's first month (January 2016), and says so
    p = prepare_bytes(REVENUE_BY_YEAR, answers=YES)
    assert max(m for _c, m, _v in mrr(p)) == "2016-01"
    assert any("Months after Jan 2016" in w and "set the as-of date" in w for w in p.warnings)


def test_answering_no_keeps_the_columns_and_the_mapping_then_needs_them():
    with pytest.raises(MissingColumnError):
        prepare_bytes(REVENUE_BY_YEAR, kind="revenue", answers={"unpivot": "no"})


def test_a_mapping_that_names_a_wide_header_follows_its_values():
    p = prepare_bytes(REVENUE_BY_YEAR, kind="revenue", answers=YES, as_of=dt.date(2016, 12, 31),
                      mapping={"customer_id": "customer", "month": "", "amount": "REVENUE_2015"})
    assert p.mapping["amount"] == "REVENUE" and p.mapping["month"] == "period"
    # every year's figure, spread (gamma's 6.67 a month rounds 80 to 80.04 and 90 is 7.50 × 12)
    assert float(p.rows.mrr.sum()) == pytest.approx(1200 + 1500 + 300 + 80.04 + 90)


def test_nps_score_per_year_and_a_bad_cell_names_its_file_row():
    data = b"user_id,NPS_SCORE_2016,NPS_SCORE_2017\nu1,9,10\nu2,6,\nu3,11,7\n"
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, kind="nps", answers=YES)
    assert err.value.column == "NPS_SCORE" and [c.row for c in err.value.cells] == [4]  # u3's 11, file row 4
    p = prepare_bytes(data, kind="nps", answers=YES, skip_invalid=True)
    got = [(r.customer_id, r.response_date.year, r.score) for r in p.rows.itertuples()]
    assert got == [("u1", 2016, 9), ("u1", 2017, 10), ("u2", 2016, 6)]  # u3's row rejected whole, as in the file
    assert p.mapping["response_date"] == "period"


def test_month_columns_without_a_stem():
    data = b"customer_id,Jan 2024,Feb 2024,Mar 2024\nc1,100,100,120\nc2,50,,50\n"
    p = prepare_bytes(data, kind="revenue", answers=YES)
    assert p.mapping["amount"] == "revenue"
    assert mrr(p) == [("c1", "2024-01", 100.0), ("c1", "2024-02", 100.0), ("c1", "2024-03", 120.0),
                      ("c2", "2024-01", 50.0), ("c2", "2024-03", 50.0)]
    iso = b"account,2024-01,2024-02\nx,10,20\n"
    assert mrr(prepare_bytes(iso, answers=YES)) == [("x", "2024-01", 10.0), ("x", "2024-02", 20.0)]


def test_two_stems_share_the_period_rows():
    data = b"customer,REVENUE_2015,REVENUE_2016,SEATS_2015,SEATS_2016\nacme,100,150,2,3\n"
    p = prepare_bytes(data, kind="revenue", answers=YES, as_of=dt.date(2016, 12, 31))
    assert {m: v for _c, m, v in mrr(p)} == {f"{y}-{k:02d}": v for y, v in ((2015, 8.33), (2016, 12.5))
                                            for k in range(1, 13)}  # 100 ÷ 12 and 150 ÷ 12
    q = next(q for q in p.questions if q.key == "unpivot")
    assert "into 'SEATS': SEATS_2015 → 2015-01-01" in q.detail and "1 rows become 2" in q.detail


def test_the_period_is_the_response_date_even_beside_a_date_like_column():
    data = b"user_id,created,NPS_2016,NPS_2017\nu1,2015-03-02,9,10\n"
    p = prepare_bytes(data, kind="nps", answers=YES)
    assert p.mapping["response_date"] == "period"
    assert [(r.response_date.year, r.score) for r in p.rows.itertuples()] == [(2016, 9), (2017, 10)]


def test_data_page_asks_and_unpivots_without_page_code(tmp_path, monkeypatch):
    import streamlit as st
    from conftest import APP
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CX_WORKSPACE", str(tmp_path / "ws.duckdb"))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=120)
        at.switch_page("pages/data.py")
        at.run()
        at.selectbox(key="upload_kind").set_value("Revenue")
        at.file_uploader[0].upload("wide.csv", REVENUE_BY_YEAR, "text/csv")
        at.run()
        assert not at.exception and any("need an answer" in e.value for e in at.error)
        next(s for s in at.selectbox if s.label.startswith("The file has one column per year")).set_value("yes")
        at.run()  # the mapping widgets still list the wide headers; their empty choices do not hide the new columns
        assert not at.exception and not at.error
        preview = at.dataframe[0].value
        # each year spread over its months through January 2016 (no as-of date: the latest period's month)
        assert [(r.customer_id, str(r.month), float(r.mrr)) for r in preview.itertuples()][:2] == [
            ("acme", "2015-01-01", 100.0), ("acme", "2015-02-01", 100.0)]
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


def test_full_date_headers_and_a_total_column_give_the_months_not_the_total():
    """Headers 2026-01-01 … with a 'Total' column: the header was split into month 2026-01 and a value column
    '01', and 'Total' (the three months' sum) became the amount: March MRR 3x. Now the months are the values."""
    data = (b"customer_id,2026-01-01,2026-02-01,2026-03-01,Total\n"
            b"C1,1200,1200,1200,3600\nC2,850.50,850.50,850.50,2551.50\n")
    p = prepare_bytes(data, kind="revenue", answers=YES)
    assert mrr(p) == [("C1", "2026-01", 1200.0), ("C1", "2026-02", 1200.0), ("C1", "2026-03", 1200.0),
                      ("C2", "2026-01", 850.5), ("C2", "2026-02", 850.5), ("C2", "2026-03", 850.5)]


def test_a_wide_files_rejected_rows_are_counted_as_its_rows_not_per_period():
    """A 'Total' row under three customers in a two-month file is one of the file's 3 rows (it was said as "1 of 6
    rows rejected" beside "2 rows are a summary row's label", and its row twice among the examples)."""
    data = b"Customer,Jan 2026,Feb 2026\nAcme,100,100\nBeta,200,200\nTotal,300,300\n"
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "revenue", answers=YES)
    report = err.value.report
    assert (report.rejected_rows, report.total_rows) == (1, 3)
    problem = report.problems[0]
    assert problem.count == 1 and [c.row for c in problem.cells] == [4]
    p = prepare_bytes(data, "revenue", answers=YES, skip_invalid=True)
    assert sorted(mrr(p)) == [("Acme", "2026-01", 100.0), ("Acme", "2026-02", 100.0), ("Beta", "2026-01", 200.0),
                              ("Beta", "2026-02", 200.0)]
