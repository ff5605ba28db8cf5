"""Date columns in the shapes real exports use: two-digit years, years alone, YYYYMMDD, Excel serials, zones,
day-first with dashes; times alone refused; the format asked (Question date_format:<column>) when it cannot be
read from the values, and offered again when every row fails."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from conftest import prepare_bytes, prepare_file

from metrics.errors import InvalidValuesError, NeedsAnswerError
from metrics.ingest.dates import DATE_FORMATS

# ../shared/real_exports beside the main checkout (tests/ingest is two levels down; a worktree one more)
REAL = next((p / "shared" / "real_exports" for p in Path(__file__).resolve().parents[3:5]
             if (p / "shared" / "real_exports").exists()), None)
real = pytest.mark.skipif(REAL is None, reason="../shared/real_exports not present")


def nps(dates: list[str], **options):
    rows = "".join(f"c{i},{d},9\n" for i, d in enumerate(dates, start=1))
    return prepare_bytes(("customer_id,date,score\n" + rows).encode(), kind="nps", **options)


def days(p) -> list[str]:
    return p.rows.response_date.dt.strftime("%Y-%m-%d").tolist()


def test_two_digit_years_are_years_of_this_century_not_0019():
    p = nps(["03/01/19", "12/25/19"])  # 25 cannot be a month: month first
    assert p.date_formats == {"date": "%m/%d/%y"} and days(p) == ["2019-03-01", "2019-12-25"]


def test_two_digit_years_that_read_both_ways_are_asked_with_each_reading_shown():
    with pytest.raises(NeedsAnswerError) as err:
        nps(["03/01/19", "04/02/19"])
    (q,) = err.value.questions
    assert q.key == "date_format:date" and q.must_confirm and q.choices == ("%m/%d/%y", "%d/%m/%y")
    assert q.label("%m/%d/%y") == "MM/DD/YY: '03/01/19' is 1 March 2019"
    assert q.label("%d/%m/%y") == "DD/MM/YY: '03/01/19' is 3 January 2019"
    assert days(nps(["03/01/19", "04/02/19"], answers={"date_format:date": "%d/%m/%y"})) == ["2019-01-03",
                                                                                            "2019-02-04"]


def test_year_only_column_is_read_as_first_of_january_and_said_so():
    p = nps(["2012", "2013"])
    assert p.date_formats == {"date": "%Y"} and days(p) == ["2012-01-01", "2013-01-01"]
    assert "'date' holds years only; each is read as 1 January of its year." in p.warnings


def test_yyyymmdd_integers():
    p = nps(["20240131", "20240205"])
    assert p.date_formats == {"date": "%Y%m%d"} and days(p) == ["2024-01-31", "2024-02-05"]


def test_excel_serials():
    # 45292 days after 1899-12-30 is 2024-01-01; 45351.5 is noon on day 45351 = 1 Jan + 59 days = 29 Feb 2024.
    p = nps(["45292", "45351.5"])
    assert p.date_formats == {"date": "EXCEL"} and days(p) == ["2024-01-01", "2024-02-29"]


def test_iso_with_zones_are_read_in_utc():
    p = nps(["2026-01-31T23:30:00-05:00", "2026-02-01 10:00:00+0100", "2026-02-02T08:00:00Z"])
    assert p.date_formats == {"date": "ISO"} and days(p) == ["2026-02-01", "2026-02-01", "2026-02-02"]
    # the first is written 31 January: the move to 1 February is said, with the count of such timestamps (1)
    assert "1 timestamp in 'date' carries a time zone that puts it on another day in UTC, in which every date " \
           "is read: '2026-01-31T23:30:00-05:00' is 1 February 2026. Months and periods follow the UTC dates." \
           in p.warnings
    assert not [w for w in nps(["2026-01-31T10:00:00-05:00", "2026-02-02"]).warnings if "time zone" in w]


def test_day_first_with_dashes_and_a_time():
    p = nps(["31-01-2024 08:21", "05-02-2024 17:00"])  # 31 decides: day first
    assert p.date_formats == {"date": "%d-%m-%Y %H:%M"} and days(p) == ["2024-01-31", "2024-02-05"]


def test_a_time_only_column_is_refused_as_a_date():
    with pytest.raises(InvalidValuesError) as err:
        nps(["08:21", "14:05", "8:30 PM"])
    e = err.value
    assert e.column == "date" and e.count == 3 and [c.row for c in e.cells] == [2, 3, 4]
    assert "times of day" in str(e) and "not dates" in str(e)


def test_ambiguous_four_digit_dates_wait_for_the_answer_and_old_presets_still_answer():
    with pytest.raises(NeedsAnswerError) as err:
        nps(["03/04/2026", "05/06/2026"])
    q = err.value.questions[0]
    assert q.choices == ("%m/%d/%Y", "%d/%m/%Y") and q.proposal == "%m/%d/%Y"
    assert "no day above 12" in q.detail
    p = nps(["03/04/2026", "05/06/2026"], date_formats={"date": "%d/%m/%Y"})  # Options.date_formats (presets)
    assert days(p) == ["2026-04-03", "2026-06-05"] and p.answers["date_format:date"] == "%d/%m/%Y"
    p = nps(["03/04/2026", "05/06/2026"], answers={"date_format:date": "%m/%d/%Y"},
            date_formats={"date": "%d/%m/%Y"})  # an answer wins over a preset's format
    assert days(p) == ["2026-03-04", "2026-05-06"]


def test_an_unambiguous_format_is_still_offered_with_its_proposal():
    p = nps(["2026-01-05", "2026-02-07"])
    q = next(q for q in p.questions if q.key == "date_format:date")
    assert not q.must_confirm and q.proposal == "ISO" and q.choices == ("ISO", "%Y-%m-%d")
    assert p.answers["date_format:date"] == "ISO"


def test_when_every_row_fails_the_question_is_offered_with_every_format_and_counts():
    # A preset saved MM/DD/YYYY; this file writes two-digit years: no value reads, every row fails.
    with pytest.raises(InvalidValuesError) as err:
        nps(["03/01/19", "12/25/19"], date_formats={"date": "%m/%d/%Y"})
    assert err.value.count == 2 and "not dates" in str(err.value)
    q = next(q for q in err.value.asked if q.key == "date_format:date")
    assert not q.must_confirm and set(q.choices) == set(DATE_FORMATS) and q.choices[0] == "%m/%d/%y"
    assert q.label("%m/%d/%y") == "MM/DD/YY (2 of 2 distinct values read)"
    assert q.label("%d/%m/%y") == "DD/MM/YY (1 of 2 distinct values read)"
    assert "2 are not dates in the format the rest of the column uses" in q.detail
    # Every date genuinely before 1970: refused, the format question offered beside the refusal.
    with pytest.raises(InvalidValuesError) as err:
        nps(["1965-03-01", "1966-03-01"])
    assert "before 1970" in str(err.value) and any(q.key == "date_format:date" for q in err.value.asked)


def test_a_date_more_than_fifty_years_before_the_latest_is_refused_by_row():
    with pytest.raises(InvalidValuesError) as err:
        nps(["2024-05-01", "1970-01-01", "2026-03-01"])
    e = err.value
    assert e.column == "date" and e.count == 1 and [c.row for c in e.cells] == [3]
    assert "more than 50 years before the column's latest date (2026-03-01)" in str(e)
    p = nps(["2024-05-01", "1970-01-01", "2026-03-01"], skip_invalid=True)
    assert days(p) == ["2024-05-01", "2026-03-01"] and p.first_date == dt.date(2024, 5, 1)


def test_dates_that_read_the_same_either_way_need_no_answer():
    p = nps(["01/01/2026", "05/05/2026"])  # day and month equal: both readings give the same dates
    assert days(p) == ["2026-01-01", "2026-05-05"] and p.ambiguous == {}
    q = next(q for q in p.questions if q.key == "date_format:date")
    # The day-first twin is not offered: it would read every value as the same date (a choice that changes nothing)
    assert not q.must_confirm and q.choices == ("%m/%d/%Y",)
    # once one value has a day above 12 the order matters, and only the reading that fits is offered
    p = nps(["01/01/2026", "05/05/2026", "25/05/2026"])
    assert days(p) == ["2026-01-01", "2026-05-05", "2026-05-25"]
    assert next(q for q in p.questions if q.key == "date_format:date").choices == ("%d/%m/%Y",)


@real
def test_real_day_first_dashes_with_and_without_times():
    path = REAL / "tickets_kaggle_customer_support_dayfirst.csv"
    p = prepare_file(path, kind="customers", mapping={"customer_id": "Ticket ID", "start_date": "Date of Purchase",
                                                      "churn_date": "First Response Time", "name": ""})
    assert p.date_formats == {"Date of Purchase": "%d-%m-%Y", "First Response Time": "%d-%m-%Y %H:%M"}
    # Independent of ingest: the same columns parsed by pandas with the formats written out.
    raw = pd.read_csv(path)
    bought = pd.to_datetime(raw["Date of Purchase"], format="%d-%m-%Y")
    replied = pd.to_datetime(raw["First Response Time"], format="%d-%m-%Y %H:%M").dt.normalize()
    assert len(p.rows) == len(raw) == 8469 and (p.first_date, p.last_date) == (dt.date(2020, 1, 1),
                                                                                dt.date(2021, 12, 30))
    rows = p.rows.set_index("customer_id").loc[raw["Ticket ID"].astype(str)]
    assert (rows.start_date.to_numpy() == bought.to_numpy()).all()
    assert rows.churn_date.notna().sum() == replied.notna().sum() == 5650
    assert (rows.churn_date.dropna().to_numpy() == replied.dropna().to_numpy()).all()


def test_a_column_with_more_distinct_values_than_the_sample_says_so(monkeypatch):
    """The format is chosen from the first SAMPLE_VALUES distinct values: at the cap the question says "the first
    N read", not "N distinct values" (20,000 was shown for a column of 700,000 dates)."""
    monkeypatch.setattr("metrics.ingest.dates.SAMPLE_VALUES", 3)
    q = next(q for q in nps(["2026-01-05", "2026-02-07", "2026-03-01", "2026-04-02"]).questions
             if q.key == "date_format:date")
    assert q.detail.startswith("The first 3 distinct values read, e.g. '2026-0"), q.detail  # any 3 of the 4
    q = next(q for q in nps(["2026-01-05", "2026-02-07"]).questions if q.key == "date_format:date")
    assert q.detail.startswith("2 distinct values, e.g. '2026-01-05'."), q.detail


def test_day_first_times_with_am_pm_are_asked_or_read_day_first():
    """A UK SurveyMonkey export writes 03/03/2026 07:41:03 AM: with no day above 12 it is asked (51 of 60 such
    dates were read month-first without a question); with one, it is read day-first."""
    with pytest.raises(NeedsAnswerError) as err:
        nps(["03/02/2026 07:41:03 AM", "01/03/2026 11:02:55 PM"])
    q = next(q for q in err.value.questions if q.key == "date_format:date")
    assert q.must_confirm and set(q.choices) == {"%m/%d/%Y %I:%M:%S %p", "%d/%m/%Y %I:%M:%S %p"}
    assert days(nps(["03/02/2026 07:41:03 AM", "25/03/2026 11:02:55 PM"])) == ["2026-02-03", "2026-03-25"]
    assert days(nps(["25/03/2026 11:02 PM", "03/02/2026 7:41 AM"])) == ["2026-03-25", "2026-02-03"]


def test_google_forms_and_chargebee_timestamps_are_dates():
    """Google Forms: 2026/03/07 4:10:52 AM GMT+1 (dated in UTC, as every zoned time: 11:49 PM GMT-5 on 27 April is
    28 April); Chargebee: 19-Dec-2025 00:00; Help Scout-like Mon DD, YYYY. Each refused before as "not dates"."""
    assert days(nps(["2026/03/07 4:10:52 AM GMT+1", "2026/04/27 11:49:16 PM GMT-5"])) == ["2026-03-07", "2026-04-28"]
    assert days(nps(["2026/03/07 16:10:52", "2026/04/27 04:49:16"])) == ["2026-03-07", "2026-04-27"]
    assert days(nps(["19-Dec-2025 00:00", "02-Jan-2026 13:30"])) == ["2025-12-19", "2026-01-02"]
    quoted = prepare_bytes(b'customer_id,date,score\nc1,"Mar 05, 2026",9\nc2,"Dec 31, 2025",8\n', kind="nps")
    assert days(quoted) == ["2026-03-05", "2025-12-31"]


def test_a_year_zero_date_is_refused_by_row_not_a_traceback():
    """DuckDB reads 0000-01-01; Python has no year 0, so the date came back as text and naming the formats
    raised ValueError. Now it is shown as written and the row is refused (before 1970)."""
    with pytest.raises(InvalidValuesError, match=r"signup_date.*before 1970.*row 2: '0000-01-01'"):
        prepare_bytes(b"customer_id,signup_date\nC-1,0000-01-01\nC-2,2019-01-13\n", "customers")


def test_german_and_two_digit_year_timestamps_and_jira_dates_are_read():
    """Before, every value of these columns was refused as "not in the format the rest of the column uses"."""
    assert days(nps(["05.03.2026 14:22:10", "21.10.2026 08:01:02"])) == ["2026-03-05", "2026-10-21"]
    assert days(nps(["3/5/24 22:12:33", "10/21/24 8:01:02"])) == ["2024-03-05", "2024-10-21"]
    assert days(nps(["27/Mar/24 10:16 PM", "3/Apr/24 9:05 AM"])) == ["2024-03-27", "2024-04-03"]


def test_a_column_no_format_reads_says_so_instead_of_blaming_the_rest_of_the_column():
    with pytest.raises(InvalidValuesError) as err:
        nps(["2026年3月5日", "2026年4月1日"])
    reason = err.value.report.problems[0].reason
    assert "are not dates in any format the app reads" in reason and "re-save the column as YYYY-MM-DD" in reason
    assert "the rest of the column" not in reason


def test_a_stray_late_date_is_said_since_the_pages_would_open_on_it_alone():
    """19 answers of Jan–Mar 2025 and one of June 2026: the pages' default 12 months end in June 2026 and hold only
    that one answer. Kept and said; a file whose last months are many rows is not a stray."""
    p = nps([f"2025-0{1 + i % 3}-0{1 + i % 9}" for i in range(19)] + ["2026-06-02"])
    assert any("1 row of 'date' is dated long after the rest: 2026-06-02, after no date for 14 months since "
               "Mar 2025" in w for w in p.warnings)
    steady = nps([f"2025-0{1 + i % 3}-01" for i in range(10)] + [f"2026-06-0{1 + i}" for i in range(5)])
    assert not any("long after the rest" in w for w in steady.warnings)


def test_a_google_forms_gmt_offset_dates_the_answer_in_utc():
    """'2026/06/30 11:30:00 PM GMT-5' is 1 July 04:30 UTC, and '2026/07/01 12:30:00 AM GMT+2' is 30 June 22:30 UTC:
    the zone was dropped and the local dates kept, so the same moment fell in another month than an ISO time's."""
    data = (b"Timestamp,How likely are you to recommend Acme? (0-10)\n2026/06/30 11:30:00 PM GMT-5,10\n"
            b"2026/07/01 12:30:00 AM GMT+2,9\n2026/06/15 10:00:00 AM GMT,3\n")
    p = prepare_bytes(data, kind="nps")
    assert p.rows.response_date.dt.strftime("%Y-%m-%d").tolist() == ["2026-07-01", "2026-06-30", "2026-06-15"]


def test_an_ambiguous_date_column_is_proposed_the_order_another_column_proves():
    """Start dates with days above 12 read DD/MM only; the churn dates (all days ≤ 12) read both ways and are asked:
    proposed MM/DD before, accepting it read churn 0.56% for 3.05%. Proposed DD/MM now, said why; still asked."""
    data = (b"Customer ID,Start Date,Churn Date\nB0,11/07/2023,09/01/2024\nB1,21/12/2023,\nB2,09/10/2023,03/02/2024\n"
            b"B3,21/07/2023,\n")
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, "customers")
    churn = next(q for q in err.value.questions if q.key == "date_format:Churn Date")
    assert churn.proposal == "%d/%m/%Y" and churn.must_confirm
    assert churn.detail.endswith("'Start Date' reads as DD/MM/YYYY only: proposed the same.")
