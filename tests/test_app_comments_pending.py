"""A data version's first view does not wait for its comment analysis (about 20 s on the sample, minutes at
scale): the CMO, CIO and CEO pages are drawn with their other figures, the comment figures' places say the
analysis is under way, and once it is done the next run draws them. The analysis is held on an Event here, so
the pages are seen mid-analysis every time, not by chance."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import hold, run_app, waits_for_comments

from metrics import voice

pytestmark = pytest.mark.usefixtures("app_workspace")
START = "loaded"  # the sample, its comments not analysed yet


def _tiles(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_pages_are_drawn_while_the_comments_are_analysed(monkeypatch):
    import ui

    release = hold(monkeypatch, voice, "ensure_snapshot")
    at = run_app("pages/cmo.py", settle=False)  # the first run stores the sample and starts the analysis
    snap = ui.workspace().snapshot().snapshot
    assert not voice.analysed(ui.workspace().cursor(), snap)
    assert waits_for_comments(at)
    assert any(i.value.startswith(ui.ANALYSING) for i in at.info)
    shown = _tiles(at)
    assert "Comments" not in shown and "Sentiment coverage" not in shown  # figures from the analysis: not yet
    assert int(shown["Responses"].replace(",", "")) > 1000  # the page's other figures are drawn meanwhile
    assert "Recent comments" in [h.value for h in at.subheader]

    cio = run_app("pages/cio.py", settle=False)
    assert waits_for_comments(cio) and "Upload history" in [h.value for h in cio.subheader]
    assert not any("Sentiment coverage by" in str(getattr(d, "label", "")) for d in cio.dataframe)

    ceo = run_app("pages/ceo.py", settle=False)
    assert any(i.value.startswith("Reading the comments") for i in ceo.info)  # the risk row's theme tiles
    assert not [m for m in ceo.metric if m.label.startswith("Theme: ")]
    assert "Revenue at risk (NPS gap)" in _tiles(ceo)

    release.set()
    ui.risk_model(snap, wait=True)  # the background job: analysis, then the model
    at = run_app("pages/cmo.py", settle=False)
    assert not waits_for_comments(at)
    last = ui.workspace().snapshot().last_month  # the default window: the last 12 months
    start = dt.date(last.year - 1 + (last.month == 12), last.month % 12 + 1, 1)
    stored = ui.workspace().cursor().execute(
        "SELECT count(*) FROM nps_responses WHERE version = ? AND trim(comment) <> '' AND response_date >= ?"
        " AND response_date < ? + INTERVAL 1 MONTH", [ui.workspace().snapshot().versions["nps"], start, last]
    ).fetchone()[0]
    assert stored > 100 and _tiles(at)["Comments"] == f"{stored:,}"
    ceo = run_app("pages/ceo.py", settle=False)
    assert len([m for m in ceo.metric if m.label.startswith("Theme: ")]) == 3
