"""Themes and sentiment of comments on a hand-built workspace, every figure worked out by hand.

The text engine is replaced by a stand-in whose output is fixed by the words (tests/risk/risk_builders.py):
'bad' negative −0.6, 'good' positive +0.6, 'zz…' not scored; themes = the words price/support/performance.

Window: July–December 2025; the previous window (for churn after a mention): January–June 2025.
- P00–P29 said "bad price" on 10 March 2025 (P00, P01: "bad price performance"); 9 of them churn on
  15 September 2025. O00–O29 said "good support" on 10 April 2025; 3 churn on 15 October 2025.
- In the window: X1 (SMB, Email) "bad price" 5 Aug (score 2) and "price bad again" 2 Nov (5); X2 (Web)
  "good price" 5 Sep (10), churns 20 Nov; X3 (Web) "zz …" 6 Sep (8) and a blank answer; X4 (Enterprise, Email)
  "bad support" 1 Oct (4). MRR in December: X1 100, X4 50.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "risk"))
from risk_builders import build, fake_analyse_chunks, months  # noqa: E402

from metrics import stats, voice  # noqa: E402
from metrics.view import View  # noqa: E402

ALL = months("2025-01-01", "2025-12-01")


def data():
    customers, revenue, nps = [], [], []
    for group, text, day, score, churn, n_churn in (("P", "bad price", "2025-03-10", 3, "2025-09-15", 9),
                                                    ("O", "good support", "2025-04-10", 10, "2025-10-15", 3)):
        for i in range(30):
            cid = f"{group}{i:02d}"
            gone = churn if i < n_churn else None
            customers.append((cid, "2024-01-01", gone, "SMB", "EMEA"))
            revenue += [(cid, m, 100) for m in ALL if gone is None or m < gone[:8] + "01"]
            comment = "bad price performance" if group == "P" and i < 2 else text
            nps.append((cid, day, score, comment, "Email"))
    customers += [("X1", "2024-01-01", None, "SMB", "EMEA"), ("X2", "2024-01-01", "2025-11-20", "SMB", "EMEA"),
                  ("X3", "2024-01-01", None, "SMB", "EMEA"), ("X4", "2024-01-01", None, "Enterprise", "EMEA")]
    revenue += [("X1", m, 100) for m in ALL] + [("X2", m, 200) for m in ALL if m < "2025-11-01"]
    revenue += [("X3", m, 10) for m in ALL] + [("X4", m, 50) for m in ALL]
    nps += [("X1", "2025-08-05", 2, "bad price", "Email"), ("X2", "2025-09-05", 10, "good price", "Web"),
            ("X3", "2025-09-06", 8, "zz unbekannt", "Web"), ("X3", "2025-09-07", 9, "  ", "Web"),
            ("X4", "2025-10-01", 4, "bad support", "Email"), ("X1", "2025-11-02", 5, "price bad again", "Email")]
    return customers, revenue, nps


@pytest.fixture
def ws(monkeypatch):
    monkeypatch.setattr("metrics.text.analyse_chunks", fake_analyse_chunks)
    ws = build(*data())
    yield ws
    ws.close()


def context(ws, **filters):
    snap = ws.snapshot()
    return ws.cursor(), View(snap.snapshot, dt.date(2025, 7, 1), dt.date(2025, 12, 1), **filters), snap.versions


def test_analysis_is_stored_once(ws, monkeypatch):
    cur, _, versions = context(ws)
    assert voice.ensure_analysis(cur, versions["nps"]) == 65          # 66 answers, one blank
    stored = cur.execute("SELECT count(*), count(DISTINCT row_number) FROM comment_analysis").fetchone()
    assert stored == (65, 65)

    def refuse(*a, **k):
        raise AssertionError("analysed twice")

    monkeypatch.setattr("metrics.text.analyse_chunks", refuse)
    assert voice.ensure_analysis(cur, versions["nps"]) == 65
    monkeypatch.setattr("metrics.text.analyse_chunks", fake_analyse_chunks)
    # rows without their marker (an older app's run interrupted between its writes): counted, found short, redone
    cur.execute("DELETE FROM comment_analysis WHERE row_number = 1")
    cur.execute("DELETE FROM comment_analysis_done")
    assert voice.ensure_analysis(cur, versions["nps"]) == 65
    row = cur.execute("SELECT language, sentiment, score, themes FROM comment_analysis WHERE row_number = 1"
                      ).fetchone()
    assert row == ("en", "negative", -0.6, ["price", "performance"])
    assert cur.execute("SELECT * FROM comment_analysis_done").fetchall() == [(versions["nps"], 65)]


def test_sentiment_shares_and_coverage(ws):
    cur, view, versions = context(ws)
    overall = voice.sentiment_shares(cur, view, versions).iloc[0]
    assert (overall["comments"], overall["scored"], overall["coverage"]) == (5, 4, 0.8)
    assert (overall["negative"], overall["positive"], overall["neutral"]) == (3, 1, 0)
    ci = stats.wilson(3, 4)
    assert (overall["negative_share"], overall["negative_low"], overall["negative_high"]) == (0.75, ci.low, ci.high)
    lang = voice.sentiment_shares(cur, view, versions, by="language").set_index("group")
    assert lang.loc["en", "coverage"] == 1.0 and lang.loc["en", "comments"] == 4
    assert lang.loc[voice.NOT_RECOGNISED, "coverage"] == 0.0
    assert pd.isna(lang.loc[voice.NOT_RECOGNISED, "negative_share"])
    channel = voice.sentiment_shares(cur, view, versions, by="channel").set_index("group")
    assert channel.loc["Email", "negative_share"] == 1.0 and channel.loc["Email", "coverage"] == 1.0
    assert channel.loc["Web", "coverage"] == 0.5 and channel.loc["Web", "positive_share"] == 1.0


def test_theme_drivers(ws):
    cur, view, versions = context(ws)
    table = voice.themes(cur, view, versions)
    assert list(table["theme"]) == ["price", "support"]                 # ranked by ARR at stake
    price = table.iloc[0]
    assert (price["mentions"], price["customers"]) == (3, 2)
    assert price["detractor_share"] == pytest.approx(2 / 3)              # of 3 detractor comments
    assert price["promoter_share"] == 1.0                                # of 1 promoter comment
    assert (price["detractor_low"], price["detractor_high"]) == pytest.approx(
        (stats.wilson(2, 3).low, stats.wilson(2, 3).high))
    assert price["mean_sentiment"] == pytest.approx(-0.2)
    assert price["arr_at_stake"] == 1200                                 # X1 only: X2 left in November
    assert price["arr_at_stake_negative"] == 1200 and price["customers_at_stake_negative"] == 1
    support = table.iloc[1]
    assert support["arr_at_stake"] == 600 and support["detractor_share"] == pytest.approx(1 / 3)
    # Churn after a mention: the January-June comments; 9 of 30 price mentioners churned vs 3 of 30 others.
    assert (price["mentioned_customers"], price["mentioned_churned"], price["other_churned"]) == (30, 9, 3)
    assert price["mentioned_churn"] == pytest.approx(0.3) and price["other_churn"] == pytest.approx(0.1)
    assert price["z"] == pytest.approx(stats.two_proportion_z(9, 30, 3, 30))
    assert not price["churn_significant"]                                # z = 1.94 < 1.96
    assert support["mentioned_churn"] == pytest.approx(0.1) and support["other_churn"] == pytest.approx(0.3)


def test_arr_at_stake_is_not_shown_as_0_when_no_commenter_is_a_known_customer(monkeypatch):
    """Comments whose customer ids match no customer of the revenue data (another system's ids) would put $0 at
    stake on every theme: the figure is NaN with the reason, themes ranked by mentions. The same when the revenue
    data ends before the period's last month; and a single matched commenter makes it measurable again."""
    monkeypatch.setattr("metrics.text.analyse_chunks", fake_analyse_chunks)
    customers, revenue, _ = data()
    strangers = [("Z1", "2025-08-05", 2, "bad price", "Email"), ("Z2", "2025-09-05", 3, "bad support", "Web"),
                 ("Z3", "2025-10-01", 4, "bad support price", "Email")]
    ws = build(customers, revenue, strangers)
    cur, view, versions = context(ws)
    table = voice.themes(cur, view, versions)
    assert table.attrs["stake_unknown"] == ("none of the customers who raised a theme is found among the customers "
                                            "of Dec 2025 in the customers or revenue data (their ids do not match, "
                                            "or all of them had left)")
    assert table["arr_at_stake"].isna().all() and table["arr_at_stake_negative"].isna().all()
    assert list(zip(table["theme"], table["mentions"], strict=True)) == [("price", 2), ("support", 2)]  # ties: by name
    ws.close()

    # X1 is a customer: price and support become measurable (X1's December MRR 100 -> 1,200 ARR on price)
    ws = build(customers, revenue, [*strangers, ("X1", "2025-08-06", 2, "bad price", "Email")])
    cur, view, versions = context(ws)
    table = voice.themes(cur, view, versions).set_index("theme")
    assert table.attrs["stake_unknown"] is None
    assert (table.loc["price", "arr_at_stake"], table.loc["support", "arr_at_stake"]) == (1200, 0)

    # revenue that stops in September: November's ARR is not known, whoever commented (the data ends in November:
    # the last NPS answer and churn)
    ws.close()
    ws = build(customers, [r for r in revenue if r[1] < "2025-10-01"], data()[2])
    cur, _, versions = context(ws)
    assert ws.snapshot().last_month == dt.date(2025, 11, 1)
    table = voice.themes(cur, View(ws.snapshot().snapshot, dt.date(2025, 6, 1), dt.date(2025, 11, 1)), versions)
    assert table.attrs["stake_unknown"] == "the revenue data does not cover Nov 2025, the period's last month"
    assert table["arr_at_stake"].isna().all()
    ws.close()


def test_churn_after_mention_not_measurable_below_minimum(ws):
    cur, view, versions = context(ws)
    churn = voice.churn_after_mention(cur, view, versions).set_index("theme")
    perf = churn.loc["performance"]
    assert perf["mentioned_customers"] == 2 and pd.isna(perf["mentioned_churn"])
    assert "fewer than 30" in perf["not_measurable"]


def test_trend_quotes_export_and_filters(ws):
    cur, view, versions = context(ws)
    trend = voice.theme_trend(cur, view, versions)
    sep = trend[(trend["month"] == pd.Timestamp("2025-09-01")) & (trend["theme"] == "price")].iloc[0]
    assert (sep["mentions"], sep["comments"], sep["share"]) == (1, 2, 0.5)
    assert voice.quotes(cur, view, versions, "price") == ["price bad again", "bad price"]
    assert voice.quotes(cur, view, versions, "price", sentiment="positive") == ["good price"]
    export = voice.comments_export(cur, view, versions)
    assert len(export) == 5
    x3 = export[export["customer_id"] == "X3"].iloc[0]
    assert x3["language"] == voice.NOT_RECOGNISED and x3["sentiment"] == "not scored" and x3["themes"] == ""
    assert export[export["response_id"] == "R66"].iloc[0]["themes"] == "price"
    cur, enterprise, versions = context(ws, segment="Enterprise")
    assert list(voice.comments_export(cur, enterprise, versions)["customer_id"]) == ["X4"]


def test_every_nps_source_of_the_snapshot_is_read_once(ws):
    """A second NPS file appended to the data: its new comment counts, an answer it repeats (same response id
    and date) counts once."""
    from risk_builders import NPS_COLUMNS

    from metrics.store import NewUpload

    extra = pd.DataFrame({"row_number": [1, 2], "response_id": ["R66", "S1"], "customer_id": ["X1", "X4"],
                          "response_date": [dt.date(2025, 11, 2), dt.date(2025, 12, 1)], "score": [5, 3],
                          "comment": ["price bad again", "bad price"], "segment": None, "region": None,
                          "channel": ["Email", "Email"]})
    ws.commit([NewUpload("nps", "more.csv", "m", extra[NPS_COLUMNS])], append=True)
    cur, view, versions = context(ws)
    assert len(voice.nps_versions(cur, view.snapshot)) == 2
    export = voice.comments_export(cur, view, versions)
    assert sorted(export["response_id"]) == ["R61", "R62", "R63", "R65", "R66", "S1"]
    price = voice.themes(cur, view, versions).set_index("theme").loc["price"]
    assert (price["mentions"], price["customers"], price["arr_at_stake"]) == (4, 3, 1800)


def test_a_figure_reads_what_is_ready_and_fills_what_is_not(ws):
    """voice._ready, the one-statement set-up of a figure, answers only when every NPS source of the snapshot has
    its comment rows under the theme map; otherwise the figure analyses and assigns first (the slow path)."""
    from risk_builders import NPS_COLUMNS

    from metrics import theme_store
    from metrics.store import NewUpload

    cur, view, versions = context(ws)
    first = voice.nps_versions(cur, view.snapshot)
    assert voice._ready(cur, view.snapshot, None) is None  # nothing analysed yet
    assert voice.themes(cur, view, versions).set_index("theme").loc["price", "mentions"] == 3
    assert voice._ready(cur, view.snapshot, None) == (0, first)
    assert voice._ready(cur, view.snapshot, 7) is None  # a theme-map version never stored
    with pytest.raises(theme_store.UnknownVersion):
        voice.themes(cur, view, versions, 7)

    extra = pd.DataFrame({"row_number": [1], "response_id": ["S1"], "customer_id": ["X4"],
                          "response_date": [dt.date(2025, 12, 1)], "score": [3], "comment": ["bad price"],
                          "segment": None, "region": None, "channel": ["Email"]})
    ws.commit([NewUpload("nps", "more.csv", "m", extra[NPS_COLUMNS])], append=True)
    cur, view, versions = context(ws)
    both = voice.nps_versions(cur, view.snapshot)
    assert len(both) == 2 and voice._ready(cur, view.snapshot, None) is None  # the new source is not assigned yet
    assert voice.themes(cur, view, versions).set_index("theme").loc["price", "mentions"] == 4  # X4's, assigned
    assert voice._ready(cur, view.snapshot, None) == (0, both)
