"""The CIO page's first view of a data version does not wait for its churn model: everything else is drawn, the
model's place says it is training (and looks again every 2 s), and once trained the page draws it. Training is
held on an Event here, so the page is seen mid-training every time, not by chance."""

from __future__ import annotations

import pytest
from conftest import hold, run_app

from metrics import risk

START = "untrained"  # no stored churn model: the page trains it
pytestmark = pytest.mark.usefixtures("app_workspace")


def test_first_view_draws_the_page_while_the_model_trains(monkeypatch):
    import ui

    release = hold(monkeypatch, risk, "train")
    at = run_app("pages/cio.py", settle=False)  # seen while the training is held, as a first view sees it
    assert any(i.value.startswith(ui.TRAINING) and i.value.endswith("It appears here when ready.") for i in at.info)
    assert [h.value for h in at.subheader][:2] == ["Sources in this data version", "Findings"]  # drawn meanwhile
    assert "Churn model AUC (hold-out)" not in [m.label for m in at.metric]
    assert "Upload history" in [h.value for h in at.subheader]
    snap = ui.workspace().snapshot()
    assert ui.risk_model(snap.snapshot) is None  # still training: the page did not wait for it

    release.set()
    assert ui.risk_model(snap.snapshot, wait=True) is not None
    at = run_app("pages/cio.py")
    assert not any(i.value.startswith(ui.TRAINING) for i in at.info)
    assert float(next(m.value for m in at.metric if m.label == "Churn model AUC (hold-out)")) > 0.5
