"""Data page: a second NPS file (another survey year) is added beside the first, then removed on its own."""

import pytest
from conftest import run_app, store_button
from test_sources import EARLIER

SEED = ("customers", "nps", "revenue")  # own reference data: versions 1–3, data version #1
pytestmark = pytest.mark.usefixtures("app_workspace")


def test_add_a_survey_year_as_another_source_then_remove_it():
    at = run_app("pages/data.py")
    at.file_uploader[0].upload("survey-2024.csv", EARLIER, "text/csv")
    at.run()
    assert not [s for s in at.selectbox if s.key == "sample_choice"]  # own data: no sample question
    choice = next(s for s in at.selectbox if (s.key or "").startswith("append_"))
    assert choice.value == "replace"  # replacing stays the default
    assert store_button(at).label == "Store as the new NPS responses version"
    choice.set_value("append")
    at.run()
    assert store_button(at).label == "Add as another NPS responses source"  # the button says what it does
    store_button(at).click()
    at.run()
    assert not at.exception
    stored = " ".join(s.value for s in at.success)
    assert "Stored survey-2024.csv as version 4" in stored and "now shows data version #2" in stored
    assert "added beside version 2 \\(an answer in several files counts once\\)." in stored  # markdown-escaped
    history = at.dataframe[-1].value.set_index("Version")
    assert history.loc[2, "Status"] == "in use" and history.loc[4, "Status"] == "in use"

    # NPS over every month: reference 8 responses + s1, s2 (r1 counted once, from the later file: 10).
    # Promoters r1 r5 r6 r7 s2 = 5, detractors r2 r4 s1 = 3 of 10 → NPS +20 (n = 10: the tile shows "—", as every
    # NPS below 30 responses does, and the figure is checked through the metric the tile reads).
    ceo = run_app()
    assert "n = 10" in " ".join(c.value for c in ceo.caption)
    assert {m.label: m.value for m in ceo.metric}["NPS"] == "—"
    import ui  # the app's own cached workspace (one connection per process)
    from metrics import nps
    from metrics.view import View

    snap = ui.workspace().snapshot()
    result = nps.summary(ui.workspace().cursor(), View(snap.snapshot, snap.first_month, snap.last_month))
    assert (result.n, result.promoters, result.detractors, result.value) == (10, 5, 3, 20)

    at.selectbox(key="history_version").set_value(4)
    at.button(key="remove_source").click()
    at.run()
    assert not at.exception
    assert any("Removed version 4 as a source; the current data is data version #3." in s.value for s in at.success)
    history = at.dataframe[-1].value.set_index("Version")
    assert history.loc[4, "Status"] == "earlier" and history.loc[2, "Status"] == "in use"
