"""The role pages read on workspaces combined as a real company has them (s25: RavenStack's accounts + subscriptions
+ churn events + tickets, Miro's NPS survey, ...): each test builds a small hand file that reproduces what the
public export did and asserts what the page now shows."""

import datetime as dt

import pytest
from conftest import run_app, seeded_workspace

# Four customers since Jan 2024. c1 churned in Mar 2026 and c3 in May 2026, yet the subscriptions file keeps
# c1 paying to the end (no end date) and c3 to June (RavenStack: all 75 dated churners still have a running
# subscription); c4 churns in Oct 2026, the last month, so its Oct MRR is no payment after churn.
CUSTOMERS = b"""customer_id,start_date,churn_date
c1,2024-01-01,2026-03-15
c2,2024-01-01,
c3,2024-01-01,2026-05-10
c4,2024-01-01,2026-10-20
"""
SUBSCRIPTIONS = b"""customer_id,start_date,end_date,mrr
c1,2024-01-01,,100
c2,2024-01-01,,200
c3,2024-01-01,2026-07-15,300
c4,2024-01-01,,400
"""
AS_OF = dt.date(2026, 10, 31)
PERIOD = ["Nov 2025", "Oct 2026"]
# 1 customer (c1) churned before Oct 2026 and pays $100 in it
PAYING_AFTER_CHURN = ("**1 customer** the customers file says churned before Oct 2026 still pays in Oct 2026 ($100 "
                      "MRR in the revenue file): GRR and NRR count that revenue as kept while logo churn counts them "
                      "as churned, so the two disagree. Check the revenue export's end dates; the CIO page lists "
                      "these customers.")


@pytest.fixture(scope="module")
def paying_after_churn(tmp_path_factory):
    seed = (("customers", CUSTOMERS), ("revenue", SUBSCRIPTIONS, {"as_of": AS_OF, "answers": {"currency:mrr": "USD"}}))
    with seeded_workspace(tmp_path_factory, *seed):
        yield {page: run_app(f"pages/{page}.py", period=PERIOD) for page in ("ceo", "cfo", "cio")}


def test_ceo_and_cfo_say_churned_customers_still_pay(paying_after_churn):
    # before: NRR and GRR tiles (RavenStack: NRR 292.3%, GRR 99.6%) beside 21.5% annualised logo churn, unexplained
    for page in ("ceo", "cfo"):
        warnings = [w.value for w in paying_after_churn[page].warning]
        assert PAYING_AFTER_CHURN in warnings, (page, warnings)


def test_cio_lists_customers_paying_after_their_churn(paying_after_churn):
    at = paying_after_churn["cio"]
    warnings = [w.value for w in at.warning]
    assert any(w.startswith("**2 customers** the customers file says churned still pay in a later month; check the "
                            "revenue export's end dates or the customers export. A customer the customers file says "
                            "churned who still pays") for w in warnings), warnings
    table = next(d.value for d in at.dataframe if "Churned in" in d.value.columns)
    assert table["Customer"].tolist() == ["c3", "c1"]
    assert table["Churned in"].tolist() == ["May 2026", "Mar 2026"]
    assert table["Months paid after"].tolist() == ["1", "7"]
    assert table["Latest month paid"].tolist() == ["Jun 2026", "Oct 2026"]
    assert table["MRR then"].tolist() == ["$300.00", "$100.00"]


def test_ceo_arr_growth_is_signed(paying_after_churn):
    # ARR Oct 2026 $8.4K (c1 100 + c2 200 + c4 400 = 700 × 12) vs Oct 2025 $12.0K (1,000 × 12): -30.0%.
    # before: RavenStack's "705.0% vs Dec 2023" read as a level, not as growth
    captions = [c.value for c in paying_after_churn["ceo"].caption]
    assert "Oct 2026 · -30.0% vs Oct 2025" in captions, captions


# Cohorts that start within the period: d1 starts paying in Jan 2026 and churns in Mar 2026 by the customers file,
# yet its subscription runs to the end; d2 and d3 (Jan 2026) pay on. The Jan 2026 cohort keeps d1 and its $50.
LATE_CUSTOMERS = b"""customer_id,start_date,churn_date
d1,2026-01-01,2026-03-20
d2,2026-01-01,
d3,2026-01-01,
e1,2025-06-01,
"""
LATE_SUBSCRIPTIONS = b"""customer_id,start_date,end_date,mrr
d1,2026-01-01,,50
d2,2026-01-01,,100
d3,2026-01-01,,150
e1,2025-06-01,,80
"""


def test_cfo_cohorts_say_churned_customers_still_pay_in_them(tmp_path_factory):
    seed = (("customers", LATE_CUSTOMERS),
            ("revenue", LATE_SUBSCRIPTIONS, {"as_of": AS_OF, "answers": {"currency:mrr": "USD"}}))
    said = ("Cohorts count who pays: 1 customer the customers file says churned still pays in a later month of this "
            "data version and stays in its cohort, while logo churn counts it as gone. The CIO page lists them.")
    with seeded_workspace(tmp_path_factory, *seed):
        for measure in ("Revenue", "Customers"):  # both count paying customers (fact_cohort)
            at = run_app("pages/cfo.py", period=PERIOD, cohort=measure)
            assert said in [c.value for c in at.caption], measure
            shown = [e.value for e in [*at.info, *at.warning]]
            assert not [v for v in shown if v.startswith("No cohort starts")], shown  # the Jan 2026 cohort is drawn
    with seeded_workspace(tmp_path_factory, ("customers", LATE_CUSTOMERS.replace(b"2026-03-20", b"")),
                          ("revenue", LATE_SUBSCRIPTIONS, {"as_of": AS_OF, "answers": {"currency:mrr": "USD"}})):
        at = run_app("pages/cfo.py", period=PERIOD, cohort="Revenue")
        assert not [c.value for c in at.caption if c.value.startswith("Cohorts count who pays")]


# Two customers answered twice (Miro's survey: 4 customers answered twice); no revenue is uploaded.
NPS_TWICE = b"""customer_id,response_date,score
p1,2026-09-01,10
p1,2026-10-01,3
p2,2026-09-02,8
p2,2026-10-02,9
"""


@pytest.fixture(scope="module")
def nps_without_revenue(tmp_path_factory):
    with seeded_workspace(tmp_path_factory, ("nps", NPS_TWICE)):
        yield run_app("pages/ceo.py", period=["Sep 2026", "Oct 2026"])


def test_ceo_transition_arr_is_not_known_without_revenue(nps_without_revenue):
    captions = [c.value for c in nps_without_revenue.caption]
    # before: "... not customers: 2 pairs. Promoter → detractor: 1 pair, with $0 ARR summed over them." with no
    # revenue uploaded at all
    assert ("Counts are response pairs (a response and the same customer's previous one), not customers: 2 pairs. "
            "Promoter → detractor: 1 pair, their ARR not known: no revenue data for the period.") in captions, captions
    assert not any("$0 ARR" in c for c in captions), captions


# Miro's survey has no date column: every answer is dated the as-of date, and 4 customers answered twice. Which of a
# customer's two answers of one day came first is not known: the file's row order is no time.
NPS_UNDATED = b"""customer_id,score
m1,10
m2,9
m1,3
m3,8
"""


@pytest.fixture(scope="module")
def nps_same_day(tmp_path_factory):
    with seeded_workspace(tmp_path_factory, ("nps", NPS_UNDATED, {"as_of": dt.date(2026, 10, 31)})):
        yield run_app("pages/ceo.py", period=["Oct 2026", "Oct 2026"])


def test_ceo_makes_no_move_of_two_answers_on_one_day(nps_same_day):
    captions = [c.value for c in nps_same_day.caption]
    # before: a "Moves between consecutive responses" chart read m1 as Promoter → Detractor, by row order alone
    said = ("No customer answered twice on different days with the later answer in this period. 1 answer was given "
            "the same day as the customer's previous one: their order is not known, so they make no move.")
    assert said in captions, captions
    assert not any("Promoter → detractor" in c for c in captions), captions


def _monthly(mrr_by_month: dict[str, float]) -> bytes:
    return b"customer_id,month,mrr\n" + b"".join(f"x,{m},{v:g}\n".encode() for m, v in mrr_by_month.items())


# One customer, Dec 2023 – Dec 2025: 2024 gains $100 (Jan expansion) and loses $50 (Feb contraction): quick ratio
# 2.0×; 2025 gains $150 and loses $50: 3.0×. Each rests on one customer-month of lost MRR (RavenStack's 2023: 11).
_MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)]
QUICK = _monthly({"2023-12": 100, **{m: 150.0 for m in _MONTHS}, "2024-01": 200, "2025-01": 300,
                  **{m: 250.0 for m in _MONTHS if m >= "2025-02"}})


@pytest.fixture(scope="module")
def quick_on_few_losses(tmp_path_factory):
    seed = (("revenue", QUICK, {"answers": {"recurring:mrr": "monthly", "currency:mrr": "USD"}}),)
    with seeded_workspace(tmp_path_factory, *seed):
        yield run_app("pages/cfo.py", period=["Jan 2025", "Dec 2025"])


def test_cfo_quick_ratio_is_not_compared_on_a_handful_of_losses(quick_on_few_losses):
    tile = next(m for m in quick_on_few_losses.metric if m.label == "Quick ratio")
    # before: "3.0×" with a green "+1.0" arrow, a change resting on one lost customer-month each side
    assert tile.value == "3.0×"
    assert not tile.delta
    captions = [c.value for c in quick_on_few_losses.caption]
    assert ("Jan 2025 – Dec 2025: gained $150 MRR (new, reactivation, expansion) ÷ lost $50 (contraction, churn) · "
            "not compared: customer-months that lost MRR, this period 1, the period before 1; fewer than 30 move the "
            "ratio by a large step with one customer") in captions, captions


@pytest.fixture(scope="module")
def customers_only(tmp_path_factory):
    # Telco's churn file alone (no revenue, no survey): the CEO's value section still reads its population
    with seeded_workspace(tmp_path_factory, ("customers", CUSTOMERS)):
        yield run_app("pages/ceo.py", period=["Jan 2026", "Oct 2026"])


def test_ceo_value_section_says_not_known_without_revenue_or_survey(customers_only):
    captions = [c.value for c in customers_only.caption]
    population = next(c for c in captions if c.startswith("**Population here"))
    # before: "Linked: — of responses · 0.0% of active customers · — of ARR." with no survey uploaded
    assert population.endswith("Linked: none, no NPS responses uploaded."), population
    # before: "Average MRR, NRR and GRR rest on the customers who paid in Dec 2025: 0 of the 4." with no revenue
    assert "Average MRR, NRR and GRR: not measurable, no revenue data for the period." in captions, captions
    assert not any("customers who paid in" in c for c in captions), captions
    # before: "not measurable: needs a customers file (churn dates) and revenue" beside a stored customers file
    assert "not measurable: needs revenue data" in captions, captions


# Tickets of Sep–Oct 2026 beside CUSTOMERS: c2 and c4 are active both months (4 customer-months); c1 churned in
# Mar 2026 and zz is no listed customer (RavenStack: 373 of 2024's 1,009 tickets came before the account's signup,
# after its churn or from an account the list lacks).
TICKETS = b"""ticket_id,customer_id,created_at,solved_at,status
K1,c2,2026-09-03 09:00,2026-09-03 12:00,solved
K2,c1,2026-09-10 09:00,2026-09-10 10:00,solved
K3,c4,2026-10-02 09:00,2026-10-02 15:00,solved
K4,zz,2026-10-05 09:00,2026-10-31 11:00,solved
"""  # K4's solve on 31 Oct: the export holds October whole (an earlier latest time would leave Oct's count partial)


@pytest.fixture(scope="module")
def tickets_beside_customers(tmp_path_factory):
    with seeded_workspace(tmp_path_factory, ("customers", CUSTOMERS), ("tickets", TICKETS)):
        yield run_app("pages/service.py", period=["Sep 2026", "Oct 2026"])


def test_service_contact_rate_counts_the_listed_customers_tickets(tickets_beside_customers):
    tile = next(m for m in tickets_beside_customers.metric if m.label == "Tickets created")
    assert tile.value == "4"
    captions = [c.value for c in tickets_beside_customers.caption]
    # before: "100.0 per 100 active customers a month": 4 tickets ÷ 4 customer-months, two of the tickets from ids
    # the list does not count active (c1 churned in March, zz is not listed); now 2 ÷ 4
    assert ("50.0 per 100 active customers a month (their tickets; 2 tickets from ids the customer list does not "
            "count active that month left out)") in captions, captions


# Zendesk's ticket table as Fivetran syncs it: statuses, no solve time and no rating
ZENDESK_LIKE = b"""id,organization_id,created_at,status,priority
101,o1,2026-09-02 09:00:00,closed,normal
102,o2,2026-09-15 10:00:00,solved,high
103,o1,2026-10-04 11:00:00,closed,low
"""


@pytest.fixture(scope="module")
def tickets_without_times(tmp_path_factory):
    with seeded_workspace(tmp_path_factory, ("tickets", ZENDESK_LIKE)):
        yield run_app("pages/ceo.py", period=["Sep 2026", "Oct 2026"])


def test_ceo_service_line_says_why_its_figures_are_blank(tickets_without_times):
    line = next(m.value for m in tickets_without_times.markdown if m.value.startswith("**Service:**"))
    # before: "ticket CSAT — (n = 0, too few ratings) · median resolution — · ..."
    assert line.startswith("**Service:** ticket CSAT — (no ratings in the period) · median resolution — (no ticket "
                           "solved in the period has a resolution time) · "), line
