"""The CIO page's model caption with a one-month hold-out reads "(1 month)", not "(1 months)" (through
metrics.definitions.plural). The sample company, its churn model trained with a hold-out of one start month."""

from __future__ import annotations

import functools

import pytest
from conftest import run_app

from metrics import risk

START = "untrained"  # no stored churn model: the page trains it
pytestmark = pytest.mark.usefixtures("app_workspace")


def test_a_one_month_hold_out_is_singular(monkeypatch):
    monkeypatch.setattr(risk, "train", functools.partial(risk.train, holdout_months=1))
    import ui

    run_app("pages/cio.py")
    ui.risk_model(ui.workspace().snapshot().snapshot, wait=True)
    captions = [c.value for c in run_app("pages/cio.py").caption]
    assert any(c.startswith("Hold-out start months: Aug 2026 – Aug 2026 (1 month); trained on start months ")
               for c in captions), [c for c in captions if c.startswith("Hold-out")]
