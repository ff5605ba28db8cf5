"""Pages on a workspace with only some kinds of data (no revenue): no exception, blanks and clear notices."""

import pytest
from conftest import REFERENCE, run_app, store_button

SEED = ("customers", "nps")  # the reference customers and responses, no revenue
pytestmark = pytest.mark.usefixtures("app_workspace")


@pytest.mark.parametrize("page", ["pages/ceo.py", "pages/cfo.py", "pages/cmo.py", "pages/cio.py", "pages/data.py",
                                  "pages/glossary.py"])
def test_every_page_renders_without_revenue(page):
    at = run_app(page)
    if page != "pages/data.py" and page != "pages/glossary.py":
        assert any("no revenue data" in w.value for w in at.warning)


def test_revenue_figures_are_blank_not_zero():
    ceo = run_app()
    tiles = {m.label: m.value for m in ceo.metric}
    assert "ARR" not in tiles and "NRR (12 months)" not in tiles  # no revenue: an empty state, not a figure
    assert any("No revenue uploaded yet — upload on the Data page." in i.value for i in ceo.info)
    # Reference customers Dec 2024 – Apr 2025 (the window: the 5 months of data): 2 churned of 10 → 20.0%
    assert tiles["Logo churn (monthly)"] == "20.0%"
    cfo = run_app("pages/cfo.py")
    assert not cfo.metric and cfo.info[0].value == "No revenue uploaded yet — upload on the Data page."


def test_ceo_value_figures_name_the_missing_revenue():
    """Without revenue the value section says only that revenue is missing (it also claimed "No customer active …
    has an NPS answer"), and revenue at risk names the data it needs, not "have 0 detractors and 0 promoters"."""
    ceo = run_app()
    captions = [c.value for c in ceo.caption]
    assert not any(c.startswith("No customer active on") for c in captions)
    assert "not measurable: needs revenue data for the period" in captions, captions
    assert not any("(have 0 and 0)" in c for c in captions)


def test_data_page_takes_several_files_at_once():
    at = run_app("pages/data.py")
    at.file_uploader[0].set_value([(f"{k}.csv", (REFERENCE / f"{k}.csv").read_bytes(), "text/csv")
                                   for k in ("customers", "nps")])
    at.run()
    assert [t.label for t in at.tabs] == ["customers.csv", "nps.csv"]
    assert "reads as **Customers / churn**" in at.tabs[0].success[0].value
    assert "reads as **NPS responses**" in at.tabs[1].success[0].value
    # the preview shows an empty cell as "—", never the word None (the reference customers have no churn date)
    preview = next(d.value for d in at.tabs[0].dataframe if "churn_date" in d.value.columns)
    assert "—" in preview["churn_date"].tolist() and not preview.isin([None, "None"]).any().any()
    store_button(at, 0).click()
    at.run()
    assert any("Stored customers.csv as version" in s.value for s in at.tabs[0].success)
    store_button(at).click()  # the other file's button, now the only one left
    at.run()
    assert not at.tabs  # every file stored: the uploader starts empty again, both messages shown
    stored = " ".join(s.value for s in at.success)
    assert "Stored customers.csv" in stored and "Stored nps.csv" in stored
    history = at.dataframe[-1].value
    assert history["File"].tolist()[:2] == ["nps.csv", "customers.csv"] and len(history) == 4


def test_movers_give_no_verdict_where_no_change_is_shown():
    """Segments of 2–3 responses: NPS, change and its significance are all "—" (the verdict read "no", a statement
    about a change the table does not show)."""
    movers = run_app().dataframe[-1].value
    assert movers.columns.tolist() == ["Segment", "NPS", "n", "Before", "Change", "Significant"]
    assert movers["n"].tolist() == [3, 3, 2]
    assert set(movers["Change"]) == set(movers["Significant"]) == {"—"}


def test_cio_says_the_revenue_check_did_not_run_without_revenue():
    """It showed a green 'No customer's revenue stopped …' though nothing could be checked."""
    cio = run_app("pages/cio.py")
    assert not any("No customer's revenue stopped" in s.value for s in cio.success)
    assert any(i.value.startswith("Revenue that stopped while the customers file lists the customer as active: not "
                                  "checked, this data version has no revenue data.") for i in cio.info)
