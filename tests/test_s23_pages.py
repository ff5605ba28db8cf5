"""Role pages read on data other than the sample, as a demanding CFO would (s23): each test builds its own small
workspace and asserts what the page now shows, so that no figure on a handful of answers, no wrong caption and no
empty section without a reason reaches a reader."""

import re

import pandas as pd
import pytest
from conftest import run_app, seeded_workspace

# 25 NPS answers, Sep–Oct 2026: promoters (9–10) 14, detractors (0–6) 6 → NPS (14 − 6) ÷ 25 = +32, on too few answers
SCORES = [10, 9, 9, 8, 7, 10, 3, 6, 9, 10, 5, 9, 8, 10, 2, 9, 7, 10, 9, 4, 10, 9, 8, 6, 10]
NPS_25 = ("customer_id,date,score\n" + "".join(f"c{i},2026-{9 + i % 2:02d}-{1 + i:02d},{s}\n"
                                              for i, s in enumerate(SCORES))).encode()


@pytest.fixture(scope="module")
def nps_only(tmp_path_factory):
    with seeded_workspace(tmp_path_factory, ("nps", NPS_25)):
        yield


def test_cmo_new_customers_tile_gives_no_all_customers_nps_on_25_answers(nps_only):
    cmo = run_app("pages/cmo.py")
    tiles = {m.label: m.value for m in cmo.metric}
    assert tiles["NPS"] == "—" and tiles["Responses"] == "25"
    captions = [c.value for c in cmo.caption]
    # before: "all customers: +32" under New customers' NPS, while the NPS tile above said "—" for the same 25 answers
    assert "all customers: —, n = 25, fewer than 30 responses" in captions, captions
    assert not any("+32" in c for c in captions), captions


def test_cio_names_what_is_missing_in_plain_words(nps_only):
    cio = run_app("pages/cio.py")
    infos = [i.value for i in cio.info]
    # before: "… this data version has no a customers file and no revenue data."
    assert ("Revenue that stopped while the customers file lists the customer as active: not checked, this data "
            "version has no customers file and no revenue data.") in infos, infos



def test_cio_channel_chart_keeps_its_title_and_labels_whole(nps_only):
    """The half-width chart's title was cut ("Responses by channel, Sep 2026 – Oct 2026 (every month s…") and its
    label read "No channel recor…": the scope is a caption now, the labels get 200 px."""
    import charts

    cio = run_app("pages/cio.py")
    assert "Every month of this data version, all segments and regions." in [c.value for c in cio.caption]
    spec = charts.channel_bars(pd.DataFrame({"value": ["No channel recorded"], "mode": ["Unknown"], "n": [25],
                                             "nps": [32.0]}), "Responses by channel, Sep 2026 – Oct 2026").to_dict()
    assert spec["title"] == "Responses by channel, Sep 2026 – Oct 2026"
    assert spec["encoding"]["y"]["axis"]["labelLimit"] == 200

def test_cmo_new_customers_nps_names_the_missing_customer_list(nps_only):
    cmo = run_app("pages/cmo.py")
    assert {m.label: m.value for m in cmo.metric}["New customers' NPS"] == "—"
    captions = [c.value for c in cmo.caption]
    # before: "n = 0, fewer than 30 responses", as if no new customer had answered; no list says who is new
    i = captions.index("not measurable: needs a customer list for the period")
    assert captions[i + 1].startswith("all customers: "), captions
    assert "n = 0, fewer than 30 responses" not in captions, captions


# 40 accounts with a start date and no churn column (RavenStack's accounts with its undated churn flag left out),
# each paying 100 a month Jan–Dec 2025; one stops after Jun 2025, so revenue sees a churn the customers file cannot
ACCOUNTS = ("customer_id,start_date\n" + "".join(f"a{i},2024-12-01\n" for i in range(40))).encode()
PAYMENTS = ("customer_id,month,amount\n" + "".join(f"a{i},2025-{m:02d}-15,100.00\n" for i in range(40)
                                                   for m in range(1, 13) if i or m <= 6)).encode()


@pytest.fixture(scope="module")
def no_churn_column(tmp_path_factory):
    with seeded_workspace(tmp_path_factory, ("customers", ACCOUNTS), ("revenue", PAYMENTS)):
        yield


def test_ceo_logo_churn_is_blank_when_the_customers_file_records_no_churn(no_churn_column):
    ceo = run_app(period=["Jan 2025", "Dec 2025"])
    tiles = {m.label: m.value for m in ceo.metric}
    # before: "Logo churn (monthly) 0.0%" with "0.0% annualised", while the revenue shows a customer leaving
    assert tiles["Logo churn (monthly)"] == "—", tiles
    captions = [c.value for c in ceo.caption]
    assert ("not measurable: the customers file has no churn date, churned flag or status column, so no customer "
            "is seen to leave") in captions, captions
    assert tiles["ARR"] == "$46.8K"  # Dec 2025: 39 × 100 × 12


def test_ceo_churn_by_nps_category_is_blank_when_the_customers_file_records_no_churn(no_churn_column):
    ceo = run_app(period=["Jan 2025", "Dec 2025"])
    captions = [c.value for c in ceo.caption]
    # before: a chart and a table of "Churned 0.0% (0.0%–…)" for the 40 customers active on 01 Jan 2025
    assert ("Churn by NPS category: not measurable: the customers file has no churn date, churned flag or status "
            "column, so no customer is seen to leave.") in captions, captions
    table = next(d.value for d in ceo.dataframe if "Churned" in d.value.columns)
    assert table["Churned"].tolist() == ["—"] and table["Customers on 01 Jan 2025"].tolist() == ["40"]


def test_cfo_ltv_names_the_missing_churn_column(no_churn_column):
    cfo = run_app("pages/cfo.py", period=["Jan 2025", "Dec 2025"])
    assert {m.label: m.value for m in cfo.metric}["LTV"] == "—"
    captions = [c.value for c in cfo.caption]
    # before: "not measurable: n = 0, fewer than 10 churned customers", as if nobody had left
    assert ("not measurable: the customers file has no churn date, churned flag or status column, so no customer is "
            "seen to leave") in captions, captions



def test_cfo_what_if_and_revenue_at_risk_name_the_missing_churn_column(no_churn_column):
    cfo = run_app("pages/cfo.py", period=["Jan 2025", "Dec 2025"])
    assert {m.label: m.value for m in cfo.metric}["Revenue at risk (12 months)"] == "—"
    unrecorded = ("not measurable (the customers file has no churn date, churned flag or status column, so no customer "
                  "is seen to leave)")
    # before: every group churned 0%, a gap of 0: "no measurable difference", as if the data had tested it
    assert any(unrecorded in i.value for i in cfo.info), [i.value for i in cfo.info]
    assert not any("no measurable difference" in i.value for i in cfo.info)
    captions = [c.value for c in cfo.caption]
    assert any(c.startswith("Assumptions: 20% of current detractors become passives;") for c in captions), captions

# revenue of two months only: 8 customers paying 100, 200 … 800 in Sep 2026 (MRR 3,600); in Oct 2026 the first three
# pay 20 more (MRR 3,660, ARR 12 × 3,660 = 43,920). Oct's movements: expansion 60, nothing lost.
TWO_MONTHS = ("customer_id,month,amount\n" + "".join(
    f"c{i},2026-{m:02d}-15,{100 * (i + 1) + (20 if m == 10 and i < 3 else 0)}.00\n" for i in range(8) for m in (9, 10))
).encode()


@pytest.fixture(scope="module")
def two_months(tmp_path_factory):
    with seeded_workspace(tmp_path_factory, ("revenue", TWO_MONTHS)):
        yield


def test_cfo_quick_ratio_and_ltv_say_why_they_are_blank_on_two_months(two_months):
    cfo = run_app("pages/cfo.py", period=["Sep 2026", "Oct 2026"])
    tiles = {m.label: m.value for m in cfo.metric}
    assert (tiles["ARR"], tiles["MRR"], tiles["Quick ratio"], tiles["LTV"]) == ("$43.9K", "$3.7K", "—", "—")
    captions = [c.value for c in cfo.caption]
    # before: "Oct 2026 – Oct 2026: gained $60 MRR … ÷ lost $0 (contraction, churn)", no word on why "—"
    assert ("not measurable: no MRR lost to divide by · Oct 2026: gained $60 MRR (new, reactivation, expansion) ÷ "
            "lost $0 (contraction, churn)") in captions, captions
    # before: "not measurable: churn needs customers of a customers file active in the period, and there are none"
    # under LTV, Revenue at risk (12 months) and Revenue at risk (NPS gap)
    assert captions.count("not measurable: needs a customer list for the period") == 3, captions
    assert not any("Oct 2026 – Oct 2026" in c for c in captions), captions


# a customer list alone (IBM's telco churn file without revenue): 40 customers from Jun 2024, 4 of them leave in
# Mar–Jun 2025 (the data runs Jun 2024 – Jun 2025)
CUSTOMERS_ONLY = ("customer_id,start_date,churn_date\n" + "".join(
    f"k{i},2024-06-01,{f'2025-0{i + 3}-10' if i < 4 else ''}\n" for i in range(40))).encode()


@pytest.fixture(scope="module")
def customers_only(tmp_path_factory):
    with seeded_workspace(tmp_path_factory, ("customers", CUSTOMERS_ONLY)):
        yield


def test_ceo_nrr_by_category_says_it_needs_revenue_instead_of_empty_axes(customers_only):
    ceo = run_app(period=["Jan 2025", "Jun 2025"])
    captions = [c.value for c in ceo.caption]
    # before: a "6-month NRR by category" chart with a "No response" row, no bar and no word why
    assert "NRR by NPS category: not measurable: needs revenue data for the period." in captions, captions
    titles = [c.to_dict().get("title") for s in ceo.session_state["_pack"].sections for c in s.charts]
    assert not any("NRR by category" in str(t) for t in titles), titles
    table = next(d.value for d in ceo.dataframe if "Churned" in d.value.columns)
    # churn still drawn from the list: 4 of the 40 active on 01 Jan 2025 left by Jun 2025 → 10.0%
    assert table["Churned"].iloc[0].startswith("10.0% ("), table


def test_ceo_value_of_nps_names_the_missing_answers_and_the_missing_churn(no_churn_column):
    """The 40-account company has no NPS: the value tiles said "have 0 and 0" (promoters and detractors), as if the
    company had none; they name the missing answers."""
    ceo = run_app(period=["Jan 2025", "Dec 2025"])
    tiles = {m.label: m.value for m in ceo.metric}
    assert (tiles["Promoter LTV"], tiles["Detractor LTV"], tiles["Value of one NPS point"]) == ("—", "—", "—")
    captions = [c.value for c in ceo.caption]
    # the period's first month (the module's runs share one server state, so the URL's period is not asserted here)
    assert sum(re.fullmatch(r"not measurable: needs NPS responses before [A-Z][a-z]{2} 20\d\d", c) is not None
               for c in captions) == 3, captions
    assert not any("have 0 and 0" in c for c in captions)
