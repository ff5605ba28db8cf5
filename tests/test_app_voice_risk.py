"""CMO, CIO, CEO and CFO on the sample: what customers say and who is about to leave.

Counts (comments, comments per language, hold-out months) are taken straight from the sample's CSV files with
pandas and the written rules; figures only the text engine or the model can produce (shares, themes, AUC) are
checked for wiring against the metric functions and for their own consistency (an estimate inside its interval,
a list sorted by probability, a coverage equal to scored ÷ all as the page states both)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import SAMPLE, run_app

from metrics import risk, voice
from metrics.definitions import METRICS, fmt_currency, fmt_pct
from metrics.view import View

pytestmark = pytest.mark.usefixtures("app_workspace")
WINDOW = (pd.Timestamp("2025-11-01"), pd.Timestamp("2026-11-01"))  # the default: the data's last 12 months


def raw_comments(start=None, end=None) -> pd.DataFrame:
    raw = pd.read_csv(SAMPLE / "nps_responses.csv", dtype=str, keep_default_na=False)
    raw = raw[raw["comment"].str.strip() != ""]
    dates = pd.to_datetime(raw["responded_at"])
    if start is not None:
        raw = raw[(dates >= start) & (dates < end)]
    return raw


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


def table(at, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def money(text: str) -> float:
    value = float(re.sub(r"[^0-9.]", "", text))
    return value * {"K": 1e3, "M": 1e6, "B": 1e9}.get(text.strip()[-1], 1)


def the_workspace():
    import ui

    ws = ui.workspace()
    snap = ws.snapshot()
    return ws, snap


def test_cmo_what_customers_say():
    at = run_app("pages/cmo.py")
    raw = raw_comments(*WINDOW)
    assert metric(at, "Comments") == f"{len(raw):,}"
    stated = next(c for c in captions(at) if "comments scored" in c)
    found = re.match(r"([\d,]+) of ([\d,]+) comments scored", stated).groups()
    scored, total = (int(x.replace(",", "")) for x in found)
    assert total == len(raw)
    assert metric(at, METRICS["sentiment_coverage"].label) == fmt_pct(scored / total)
    ws, snap = the_workspace()
    view = View(snap.snapshot, WINDOW[0].date(), pd.Timestamp("2026-10-01").date())
    shares = voice.sentiment_shares(ws.cursor(), view, snap.versions).iloc[0]
    assert (int(shares.comments), int(shares.scored)) == (total, scored)
    intervals = [c for c in captions(at) if c.startswith("95%:") and f"of {scored:,} scored comments" in c]
    for label, caption in zip(("positive", "negative"), intervals, strict=True):
        shown = metric(at, METRICS[{"positive": "sentiment_positive", "negative": "sentiment_negative"}[label]].label)
        assert shown == fmt_pct(shares[f"{label}_share"])
        low, high = re.search(r"95%: ([\d.]+)%–([\d.]+)%", caption).groups()
        assert float(low) <= float(shown[:-1]) <= float(high)

    themes = voice.themes(ws.cursor(), view, snap.versions)
    shown_themes = table(at, "ARR at stake (negative comments)")
    assert list(shown_themes["Theme"]) == list(themes["theme"])
    stakes = [money(v) for v in shown_themes["ARR at stake"]]
    assert stakes == sorted(stakes, reverse=True)  # ranked by ARR at stake
    assert list(shown_themes["Mentions"]) == [f"{v:,}" for v in themes["mentions"]]
    # Every mention is a comment of the window: no theme has more mentions than there are comments.
    assert themes["mentions"].max() <= len(raw)

    examples = table(at, "Comment")
    texts = {" ".join(t.split()) for t in raw["comment"]}
    assert set(examples["Theme"]) <= set(themes["theme"])
    assert all(q in texts for q in examples["Comment"])  # quoted as written, from the window's comments
    assert any(b.label == "Download comments (CSV)" for b in at.get("download_button"))
    pack = {s.heading: s for s in at.session_state["_pack"].sections}  # the board pack and its PNGs
    assert [t[0] for t in pack["Themes and what they are worth"].tables] == [
        "Themes ranked by ARR at stake", "Who raises each theme, and in what tone", "Example comments per theme"]
    import ui

    said = table(at, "Mean sentiment")
    assert list(said["Theme"]) == list(themes["theme"])
    assert list(said["Among detractors"]) == list(ui.with_interval(themes.detractor_share, themes.detractor_low,
                                                                   themes.detractor_high, "pct"))
    assert not any("-0.00" in v for v in said["Mean sentiment"])
    assert len(pack["What customers say"].charts) == 1 and len(pack["What customers say"].tiles) == 4


def test_cio_model_quality_and_risk_list():
    import ui

    run_app("pages/cio.py")  # the first view starts the background work (here: the stored model read) and goes on
    ws, snap = the_workspace()
    ui.risk_model(snap.snapshot, wait=True)
    at = run_app("pages/cio.py")
    auc = float(metric(at, METRICS["churn_model_auc"].label))
    low, high = (float(x) for x in re.search(r"95%: ([\d.]+)–([\d.]+) \(0\.5", " ".join(captions(at))).groups())
    assert low <= auc <= high and low > 0.5
    # Hold-out: the last six start months whose three-month outcome is observed. The sample's revenue ends in
    # October 2026, so the last labelled start month is August 2026 and the hold-out is March – August 2026.
    last = pd.to_datetime(pd.read_csv(SAMPLE / "revenue.csv", usecols=[1]).iloc[:, 0]).max()
    assert last.strftime("%Y-%m") == "2026-10"
    assert any("Hold-out start months: Mar 2026 – Aug 2026 (6 months)" in c for c in captions(at))

    model = ui.risk_model(snap.snapshot, wait=True)
    verdict = [s.value for s in at.success] + [w.value for w in at.warning]
    assert any("beats both baselines" in v for v in verdict) == model.beats_baselines
    assert metric(at, "Hold-out rows") == f"{model.n_holdout:,}"
    lift = metric(at, METRICS["top_decile_lift"].label)
    low, high = (float(x) for x in re.search(r"95%: ([\d.]+)–([\d.]+)$", next(
        c for c in captions(at) if c.startswith("95%") and "chance" not in c and "ARR" not in c)).groups())
    assert low <= float(lift.rstrip("×")) <= high
    quality = table(at, "AUC (95%)")
    assert len(quality) == 4 and quality["AUC (95%)"].iloc[0].startswith(f"{auc:.3f}")

    ranked = table(at, "Churn probability")
    probabilities = [float(p[:-1]) for p in ranked["Churn probability"]]
    assert len(ranked) == 50 and probabilities == sorted(probabilities, reverse=True)
    assert list(ranked["Customer"]) == list(risk.risk_list(model)["customer_id"].head(50))
    assert ranked["Reason 1"].str.len().gt(0).all()

    pack = {s.heading: s for s in at.session_state["_pack"].sections}
    assert [t[0] for t in pack["Churn risk model"].tables] == ["Model quality against the baselines",
                                                               "Accounts most likely to churn"]
    assert len(pack["Churn risk model"].charts) == 1  # calibration
    assert len(pack["Sentiment coverage"].tables) == 2

    by_language = table(at, "Language")
    assert by_language["Comments"].str.replace(",", "").astype(int).sum() == len(raw_comments())
    by_channel = table(at, "Channel")
    per_channel = raw_comments().groupby("channel").size()
    assert dict(zip(by_channel["Channel"], by_channel["Comments"], strict=True)) == {
        k: f"{v:,}" for k, v in per_channel.items()}
    for _, row in by_channel.iterrows():
        assert row["Coverage"] == fmt_pct(int(row["Scored"].replace(",", "")) / int(row["Comments"].replace(",", "")))


def test_ceo_and_cfo_rows():
    import ui

    ws, snap = the_workspace()
    model = ui.risk_model(snap.snapshot, wait=True)  # trained in the background; the pages never wait for it
    expected = fmt_currency(risk.arr_at_risk_for(model)["arr_at_risk"])
    view = View(snap.snapshot, WINDOW[0].date(), pd.Timestamp("2026-10-01").date())
    top = voice.themes(ws.cursor(), view, snap.versions).head(3)
    for page in (None, "pages/cfo.py"):
        at = run_app(page)
        assert metric(at, METRICS["arr_at_risk_model"].label) == expected
        assert metric(at, "Revenue at risk (NPS gap)") not in ("", None)
        labels = [m.label for m in at.metric if m.label.startswith("Theme: ")]
        assert labels == [f"Theme: {t}" for t in top["theme"]]
        assert [metric(at, f"Theme: {t}") for t in top["theme"]] == [fmt_currency(v) for v in top["arr_at_stake"]]


def test_glossary_states_every_new_figure_and_the_measured_agreement():
    at = run_app("pages/glossary.py")
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    for name in ("comments", "sentiment_coverage", "sentiment_positive", "sentiment_negative", "theme_mentions",
                 "theme_share", "theme_sentiment", "arr_at_stake", "arr_at_stake_negative", "churn_after_mention",
                 "churn_model_auc", "top_decile_lift", "calibration", "churn_probability", "arr_at_risk_model"):
        assert METRICS[name].label in text, name
    # the method's measured agreement is written beside it (docs/text_engine.md, bench/results/)
    assert "positive vs negative 0.94–0.98" in text and "positive vs negative 0.755–0.797 (n = 400" in text
