"""metrics/rules.py: the shared constants and helpers, checked by hand and against DuckDB."""

import datetime as dt

import duckdb
import pandas as pd
import pytest

from metrics import measures, rules


def test_category_sql_matches_the_python_rule_for_every_score():
    got = duckdb.sql(f"SELECT s, {rules.category_sql('s')} FROM range(0, 11) t(s) ORDER BY s").fetchall()
    assert [c for _, c in got] == ["Detractor"] * 7 + ["Passive"] * 2 + ["Promoter"] * 2
    assert [c for _, c in got] == [rules.nps_category(s) for s in range(11)]
    assert rules.CATEGORY_SQL.format(s="x") == rules.category_sql("x")  # the template store.py splices


def test_nps_measures_count_each_band():
    # scores 0, 6, 7, 8, 9, 10 with 1, 2, 3, 4, 5, 6 responses: detractors 3, passives 7, promoters 11
    sums = measures.select("fact_nps", "promoters", "passives", "detractors", "responses")
    row = duckdb.sql(f"""SELECT {sums} FROM (VALUES (0, 1), (6, 2), (7, 3), (8, 4), (9, 5),
                                (10, 6)) t(score, responses)""").fetchall()
    assert row == [(11, 7, 3, 21)]


@pytest.mark.parametrize(("day", "n", "expected"), [
    (dt.date(2025, 1, 1), -1, dt.date(2024, 12, 1)), (dt.date(2025, 3, 31), -1, dt.date(2025, 2, 28)),
    (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)), (dt.date(2025, 11, 1), 14, dt.date(2027, 1, 1)),
    (dt.date(2025, 5, 15), -29, dt.date(2022, 12, 15)),
])
def test_add_months_is_calendar_arithmetic(day, n, expected):
    assert rules.add_months(day, n) == expected
    assert expected == (pd.Timestamp(day) + pd.DateOffset(months=n)).date()  # what view.py used before


def test_months_between_and_age():
    assert rules.months_between(dt.date(2025, 1, 1), dt.date(2025, 3, 1)) == 3
    assert rules.months_between(dt.date(2024, 11, 1), dt.date(2025, 10, 1)) == 12
    assert rules.age_in_months(dt.date(2025, 1, 1), dt.date(2025, 3, 1)) == 2
    assert rules.age_in_months(pd.Timestamp("2024-12-01"), pd.Timestamp("2025-01-01")) == 1


def test_csat_top_two_boxes():
    assert rules.CSAT_SATISFIED_FROM == {"1-5": 4, "1-7": 6, "1-10": 9, "0-10": 9, "good-bad": 1}
    assert [rules.csat_satisfied("0-10", a) for a in (0, 8, 9, 10)] == [False, False, True, True]
    assert [rules.csat_satisfied("1-5", a) for a in range(1, 6)] == [False, False, False, True, True]
    assert rules.csat_satisfied("good-bad", 1) and not rules.csat_satisfied("good-bad", 0)
    assert rules.CSAT_RULE_TEXT == ("4–5 of 1–5, 6–7 of 1–7, 9–10 of 1–10, 9–10 of 0–10; in words, the top words "
                                   "(Good, Great, Awesome, Satisfied …), while a neutral answer (Neutral, Okay) is not "
                                   "satisfied")


def test_arr_and_bands_text():
    assert rules.superscript(12) == "¹²"
    assert measures.render("fact_month", measures.ARR) == "12 * sum(mrr)" and rules.ARR_FACTOR == 12
    assert rules.BANDS_TEXT == "promoter 9–10, passive 7–8, detractor 0–6"


def test_first_full_month():
    from metrics.rules import first_full_month

    assert first_full_month(dt.date(2024, 3, 1)) == dt.date(2024, 3, 1)
    assert first_full_month(dt.date(2024, 3, 2)) == dt.date(2024, 4, 1)
    assert first_full_month(dt.date(2024, 12, 31)) == dt.date(2025, 1, 1)
    assert first_full_month(dt.datetime(2024, 3, 1, 0, 0)) == dt.date(2024, 3, 1)
    assert first_full_month(dt.datetime(2024, 3, 1, 9, 30)) == dt.date(2024, 4, 1)  # March 1st's morning is missing
