"""Data a data version holds but no period can show: revenue of 2014–2017 stored beside a survey of 2024–25. The
facts reach 60 months back from the version's latest month (May 2020 – Apr 2025 here), so the pages must say that
the revenue lies before them, never "choose a period that ends within it" (no period can). The Data page warns
before such a file is stored, and (last test) offers the as-of date only for the columns it can stand in for."""

import pytest
from conftest import run_app

OLD_REVENUE = "customer_id,month,mrr\n" + "".join(f"{c},{y}-{m:02d},100\n" for c in "AB" for y in range(2014, 2018)
                                                  for m in range(1, 13))
SEED = ("nps", ("revenue", OLD_REVENUE.encode()))  # the reference survey: Dec 2024 – Apr 2025
pytestmark = pytest.mark.usefixtures("app_workspace")

EXPECTED = ("The revenue data covers Jan 2014 – Dec 2017, before the 60 months this data version shows "
            "(May 2020 – Apr 2025, counted back from its latest month of any data). No period can show it beside "
            "the newer data: to see it, roll the newer files back on the Data page (History), or choose a data "
            "version without them in the sidebar.")


@pytest.mark.parametrize("page", ["pages/ceo.py", "pages/cfo.py"])
def test_revenue_before_the_periods_shown_is_named_not_a_period_to_choose(page):
    at = run_app(page)
    shown = [e.value for e in (*at.info, *at.warning, *at.caption)]
    assert sum(EXPECTED in text for text in shown) == 1, shown  # once, at the top; the empty states point to it
    assert "No revenue in the months this data version shows (see the note at the top of the page)." in [
        i.value for i in at.info]
    assert not any("Choose a period that ends within it" in text for text in shown)
    assert "ARR" not in {m.label for m in at.metric}  # no revenue figure for the period shown


def revenue(first_year: int, last_year: int) -> bytes:
    return ("customer_id,month,mrr\n" + "".join(f"A,{y}-{m:02d},100\n" for y in range(first_year, last_year + 1)
                                                 for m in range(1, 13))).encode()


@pytest.mark.parametrize(("years", "expected"), [
    ((2013, 2016), "This file's dates (Jan 2013 – Dec 2016) lie before the months the dashboard will show beside "
                   "the current data (May 2020 – Apr 2025, the 60 months back from the latest month of any data): "
                   "it can be stored, but no period will show it."),
    ((2019, 2021), "This file's rows of Jan 2019 – Apr 2020 lie before the months the dashboard will show (May 2020 "
                   "– Apr 2025, the 60 months back from the latest month of any data): they are stored, but no "
                   "period shows them."),
    ((2021, 2025), None),  # its own Dec 2025 is the latest month: Jan 2021 – Dec 2025 are all shown
])
def test_the_data_page_warns_before_storing_a_file_no_period_would_show(years, expected):
    at = run_app("pages/data.py")
    at.file_uploader[0].upload(f"rev{years[0]}.csv", revenue(*years), "text/csv")
    at.run()
    assert not at.exception
    warned = " ".join(w.value for w in at.warning).replace("\\", "")  # shown with markdown escapes
    assert "reads as **Revenue" in " ".join(s.value for s in at.success)
    if expected is None:
        assert "lie before the months" not in warned, warned
    else:
        assert expected in warned, warned


@pytest.mark.parametrize(("kind", "csv", "hint"), [
    ("NPS responses", b"customer_id,score\nA,9\nB,3\n", "Choose the missing column in the mapping below (or set the "
                                                        "as-of date, right)."),  # the as-of date dates a survey
    ("Revenue", b"customer_id,month\nA,2025-01\n", "Choose the missing column in the mapping below."),  # no amount
])
def test_a_missing_column_hint_offers_the_as_of_date_only_where_it_stands_in(kind, csv, hint):
    at = run_app("pages/data.py")
    at.selectbox(key="upload_kind").set_value(kind)
    at.file_uploader[0].upload("x.csv", csv, "text/csv")
    at.run()
    assert any("was rejected; nothing was stored" in e.value for e in at.error)
    assert hint in [i.value for i in at.info]


def test_ceo_value_section_without_a_customer_in_the_period_draws_nothing_empty():
    """No customer is active in the period (the revenue lies before it, no customer list): the empty states say what
    is missing, instead of "the 0 customers active", tiles of "—" and two charts of nothing (and no second sentence
    claiming that no customer has an earlier answer)."""
    at = run_app("pages/ceo.py")
    assert not any(c.value.startswith("No customer active on") for c in at.caption)
    assert any(i.value.startswith("No customer list uploaded yet") for i in at.info)
    assert not any("Population here" in c.value for c in at.caption)
    assert "Promoter LTV" not in {m.label for m in at.metric}
