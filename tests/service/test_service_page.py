"""The Service page on the sample company: every tile recomputed here with plain pandas from sample_data/tickets.csv
and customers.csv (independent of metrics/service.py), for the default period Nov 2025 – Oct 2026; the CEO page's
service line, presentation mode and the board pack."""

import math

import numpy as np
import pandas as pd
import pytest
from after_ticket_reference import after_ticket
from conftest import SAMPLE, run_app
from streamlit.proto.Metric_pb2 import Metric as MetricProto

START, END = pd.Timestamp("2025-11-01"), pd.Timestamp("2026-11-01")  # the window, end exclusive
PREV = pd.Timestamp("2024-11-01")                                    # the previous period: PREV … START
GRAY, RED, GREEN = MetricProto.MetricColor.GRAY, MetricProto.MetricColor.RED, MetricProto.MetricColor.GREEN
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
        assert any(c.startswith(f"n = {len(solved):,} tickets · 95%: ") for c in captions(page))
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
    said = next(i.value for i in at.info if i.value.startswith("Not measurable for this period"))
    # the sample's tickets start 1 Nov 2023: a 12-month period needs its 12 months before within them
    assert said.endswith("Choose a period that ends in Oct 2025 or later. A shorter period needs fewer months of "
                         "tickets."), said
    assert not any(d.value.columns[0] == "Service experience" for d in at.dataframe)
    assert {m.label: m.value for m in at.metric}["Tickets created"] != "—"


SERVICE_METRICS = ("tickets_created", "backlog", "first_response_time", "resolution_time", "within_target",
                   "reopen_rate", "escalation_rate", "ticket_csat", "csat_response_rate", "contact_rate",
                   "churn_by_service", "ticket_root_causes", "open_high_priority", "arr_slow_tickets",
                   "knowledge_pool", "nps_after_ticket", "csat_after_ticket")


def test_every_service_metric_is_in_the_registry_and_the_glossary():
    from metrics.definitions import METRICS

    assert sorted(n for n, m in METRICS.items() if m.owner == "Service") == sorted(SERVICE_METRICS)
    glossary = " ".join(m.value for m in run_app("pages/glossary.py").markdown)
    for name in SERVICE_METRICS:
        assert METRICS[name].label in glossary, name


def pct_delta(change: float) -> str:
    text = f"{100 * abs(change):.1f} pp"
    return text if text.strip("0. p") == "" else ("+" if change > 0 else "-") + text


def pooled_z(k1: int, n1: int, k0: int, n0: int) -> float:
    p = (k1 + k0) / (n1 + n0)
    return (k1 / n1 - k0 / n0) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n0))


def test_tiles_show_the_change_vs_the_previous_period(page, tickets):
    """Rates: the change in pp, coloured only when the pooled two-proportion z-test is significant (reopen and
    escalation: a rise is red); counts and medians: the change, always grey."""
    t = tickets
    now = t[(t.solved_at >= START) & (t.solved_at < END)]
    before = t[(t.solved_at >= PREV) & (t.solved_at < START)]
    metrics = {m.label: m.proto for m in page.metric}
    for label, flag, inverse in (("Solved within 24 h", lambda f: f.res_h <= TARGET_H, False),
                                 ("Reopen rate", lambda f: f.reopens > 0, True),
                                 ("Escalation rate", lambda f: f.escalated, True)):
        k1, n1, k0, n0 = int(flag(now).sum()), len(now), int(flag(before).sum()), len(before)
        change, z = k1 / n1 - k0 / n0, pooled_z(k1, n1, k0, n0)
        assert metrics[label].delta == pct_delta(change), label
        colour = GRAY if abs(z) < 1.96 else (RED if (change > 0) == inverse else GREEN)
        assert metrics[label].color == colour, (label, z)
        assert any(c.endswith(f" · previous period {100 * k0 / n0:.1f}%") for c in captions(page))
    # Tickets created and median resolution: the change, grey (no test).
    created = ((t.created_at >= START) & (t.created_at < END)).sum()
    created_before = ((t.created_at >= PREV) & (t.created_at < START)).sum()
    assert metrics["Tickets created"].delta == f"{created - created_before:+,}"
    assert metrics["Tickets created"].color == GRAY
    res_change = np.median(now.res_h) - np.median(before.res_h)
    assert metrics["Resolution time (median)"].delta == f"{res_change:+,.1f} h"
    assert metrics["Resolution time (median)"].color == GRAY
    # Ticket CSAT: Good ÷ (Good + Bad), dated by the solve time.
    rated = lambda f: f[f.satisfaction_rating.isin(["Good", "Bad"])]  # noqa: E731
    g1, g0 = rated(now), rated(before)
    k1, n1 = int((g1.satisfaction_rating == "Good").sum()), len(g1)
    k0, n0 = int((g0.satisfaction_rating == "Good").sum()), len(g0)
    assert metrics["Ticket CSAT"].delta == pct_delta(k1 / n1 - k0 / n0)
    z = pooled_z(k1, n1, k0, n0)
    assert metrics["Ticket CSAT"].color == (GRAY if abs(z) < 1.96 else GREEN if k1 / n1 > k0 / n0 else RED)


def test_nps_before_and_after_a_ticket_by_speed(page):
    """The table equals the plain pandas recomputation (after_ticket_reference.py); CSAT has too few pairs."""
    tables = {d.value.columns[0]: d.value for d in page.dataframe}
    shown = tables["Resolution (NPS)"]
    want = after_ticket(SAMPLE, "nps", "2025-11-01", "2026-11-01")
    assert list(shown["Resolution (NPS)"]) == ["Within target", "Over target", "Escalated"]
    assert list(shown["Tickets solved"]) == [f"{v:,}" for v in want.tickets]
    assert list(shown["Customers with both answers"]) == [f"{v:,}" for v in want.pairs]
    assert list(shown["NPS before"]) == [f"{v:+.0f}" for v in want.before]
    assert list(shown["NPS after"]) == [f"{v:+.0f}" for v in want.after]
    for text, row in zip(shown["Change"], want.itertuples(), strict=True):
        interval = f"95%: {row.low:+.1f} to {row.high:+.1f} points"
        if row.low <= 0 <= row.high:
            assert text == f"no clear change ({interval})"
        else:
            assert text == f"{row.change:+.1f} points, {'lower' if row.high < 0 else 'higher'} after ({interval})"
    assert shown["Change"].iloc[0].startswith("no clear change") and "lower after" in shown["Change"].iloc[2]
    csat = tables["Resolution (CSAT)"]
    assert list(csat["Change"]) == ["—"] * 3 and list(csat["CSAT before"]) == ["—"] * 3


def test_root_causes_by_subject_theme_and_the_knowledge_pool(page, tickets):
    tables = {d.value.columns[0]: d.value for d in page.dataframe}
    created = tickets[(tickets.created_at >= START) & (tickets.created_at < END)]
    themes = tables["Subject theme"]
    assert {"billing", "integrations", "features"} <= set(themes["Subject theme"])
    assert any(c.startswith("Subject themes: ") and f"of {len(created):,} tickets' subjects" in c
               for c in captions(page))
    pool = tables["Recurring issue"]
    # The sample's tickets carry tags: the five tags with the most tickets, from tags.
    top = created.tags.value_counts().head(5)
    assert list(pool["Recurring issue"]) == [f"{i}. {tag}" for i, tag in enumerate(top.index, 1)]
    assert list(pool.Tickets) == [f"{v:,}" for v in top] and set(pool.From) == {"tag"}
    repeat = created.groupby(["tags", "organization_id"]).size().ge(2).groupby("tags").agg(["sum", "mean"])
    assert list(pool["Customers with 2+ tickets"]) == [
        f"{int(repeat.loc[t, 'sum']):,} ({100 * repeat.loc[t, 'mean']:.1f}%)" for t in top.index]
