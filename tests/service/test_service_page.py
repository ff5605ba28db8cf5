"""The Service page on the sample company: every tile recomputed here with plain pandas from sample_data/tickets.csv
and customers.csv (independent of metrics/service.py), for the default period Nov 2025 – Oct 2026; the CEO page's
service line, presentation mode and the board pack."""

import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLE, run_app

START, END = pd.Timestamp("2025-11-01"), pd.Timestamp("2026-11-01")  # the window, end exclusive
TARGET_H = 24.0
pytestmark = pytest.mark.usefixtures("app_workspace")


@pytest.fixture(scope="module")
def tickets() -> pd.DataFrame:
    t = pd.read_csv(SAMPLE / "tickets.csv", parse_dates=["created_at", "first_reply_at", "solved_at"])
    t["first_h"] = (t.first_reply_at - t.created_at).dt.total_seconds() / 3600
    t["res_h"] = (t.solved_at - t.created_at).dt.total_seconds() / 3600
    return t


@pytest.fixture(scope="module")
def page():
    return run_app("pages/service.py")


def tiles(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


def test_operational_tiles(page, tickets):
    t = tickets
    created = t[(t.created_at >= START) & (t.created_at < END)]
    solved = t[(t.solved_at >= START) & (t.solved_at < END)]
    backlog = t[(t.created_at < END) & (t.solved_at.isna() | (t.solved_at >= END))]
    got = tiles(page)
    assert got["Tickets created"] == f"{len(created):,}"
    assert got["Backlog"] == f"{len(backlog):,}"
    first = created.first_h.dropna()
    assert got["First response time (median)"] == f"{np.median(first):,.1f} h"
    assert f"p90 {np.percentile(first, 90):,.1f} h · n = {len(first):,} tickets · calendar hours" in captions(page)
    res = solved.res_h
    assert got["Resolution time (median)"] == f"{np.median(res):,.1f} h"
    assert f"p90 {np.percentile(res, 90):,.1f} h · n = {len(res):,} tickets · calendar hours" in captions(page)
    for label, k in (("Solved within 24 h", (res <= TARGET_H).sum()), ("Reopen rate", (solved.reopens > 0).sum()),
                     ("Escalation rate", solved.escalated.sum())):
        assert got[label] == f"{100 * k / len(solved):.1f}%", label
        assert any(c.startswith(f"n = {len(solved):,} · 95%: ") for c in captions(page))
    # Contact rate: tickets created ÷ customer-months active (start on or before the month's last day, not churned
    # before its first day) × 100.
    customers = pd.read_csv(SAMPLE / "customers.csv", parse_dates=["signup_date", "churn_date"])
    months = pd.date_range(START, END - pd.Timedelta(days=1), freq="MS")
    active = sum(((customers.signup_date <= m + pd.offsets.MonthEnd(0))
                  & (customers.churn_date.isna() | (customers.churn_date >= m))).sum() for m in months)
    assert f"{100 * len(created) / active:.1f} per 100 active customers a month" in captions(page)


def test_customer_evaluation_tiles_beside_them(page, tickets):
    t = tickets
    dated = t.solved_at.fillna(t.created_at)
    window = t[(dated >= START) & (dated < END)]
    good, bad = (window.satisfaction_rating == "Good").sum(), (window.satisfaction_rating == "Bad").sum()
    offered = window.satisfaction_rating.isin(["Good", "Bad", "Offered"]).sum()
    got = tiles(page)
    assert got["Ticket CSAT"] == f"{100 * good / (good + bad):.1f}%"
    assert any(c.startswith(f"n = {good + bad:,} ratings · 95%: ") for c in captions(page))
    assert got["CSAT response rate"] == f"{100 * (good + bad) / offered:.1f}%"
    assert f"{good + bad:,} ratings ÷ {offered:,} tickets offered a survey" in captions(page)


def test_value_root_causes_and_waiting_accounts(page, tickets):
    tables = {d.value.columns[0]: d.value for d in page.dataframe}
    groups = tables["Service experience"]
    assert list(groups["Service experience"]) == ["No tickets", "Fast resolution", "Slow resolution", "Escalated",
                                                  "Gave bad CSAT", "Tickets, outcome not yet known"]
    assert all("%" in v or v == "—" for v in groups["Churn rate (95% interval)"])
    causes = tables["Tag"]
    created = tickets[(tickets.created_at >= START) & (tickets.created_at < END)]
    assert set(causes.Tag) == set(created.tags)
    assert dict(zip(causes.Tag, causes.Tickets, strict=True)) == {k: f"{v:,}" for k, v in
                                                                 created.tags.value_counts().items()}
    waiting = tables["Customer"]
    open_high = tickets[(tickets.solved_at.isna()) & tickets.priority.isin(["High", "Urgent"])]
    assert set(waiting.Customer) == set(open_high.organization_id)
    assert int(waiting["Open high/urgent tickets"].astype(int).sum()) == len(open_high)


def test_ceo_line_presentation_and_board_pack(page):
    pack = page.session_state["_pack"]
    assert pack.title == "Sample company (fictional) · Service"
    assert {"Trends by month", "Root causes: what the tickets are about"} <= {s.heading for s in pack.sections}
    ceo = run_app()
    line = next(m.value for m in ceo.markdown if m.value.startswith("**Service:**"))
    csat = tiles(page)["Ticket CSAT"]
    assert f"ticket CSAT {csat} (n = " in line and "median resolution " + tiles(page)[
        "Resolution time (median)"] in line
    presenting = run_app("pages/service.py", present="1")
    assert presenting.title[0].value == "Sample company (fictional) · Service"


def test_first_period_has_no_experience_window_so_no_churn_by_experience():
    """Nov 2023 – Oct 2024: the experience window before it (Nov 2022 – Oct 2023) has no tickets, so every customer
    would read as "No tickets"; the page says the comparison is not measurable instead."""
    at = run_app("pages/service.py", period=["Nov 2023", "Oct 2024"])
    assert any(i.value.startswith("Not measurable for this period") for i in at.info)
    assert not any(d.value.columns[0] == "Service experience" for d in at.dataframe)
    assert {m.label: m.value for m in at.metric}["Tickets created"] != "—"


SERVICE_METRICS = ("tickets_created", "backlog", "first_response_time", "resolution_time", "within_target",
                   "reopen_rate", "escalation_rate", "ticket_csat", "csat_response_rate", "contact_rate",
                   "churn_by_service", "ticket_root_causes", "open_high_priority", "arr_slow_tickets")


def test_every_service_metric_is_in_the_registry_and_the_glossary():
    from metrics.definitions import METRICS

    assert sorted(n for n, m in METRICS.items() if m.owner == "Service") == sorted(SERVICE_METRICS)
    glossary = " ".join(m.value for m in run_app("pages/glossary.py").markdown)
    for name in SERVICE_METRICS:
        assert METRICS[name].label in glossary, name
