"""A data version's background work (comment analysis, then the churn model): the Data page does not start it (an
analyst there is about to store a new version), a role page does, and the versions' jobs run one at a time, so
two trainings never add up in the server's memory."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest
from conftest import run_app

from metrics import risk, voice

pytestmark = pytest.mark.usefixtures("app_workspace")


def test_the_data_page_starts_no_background_work_and_a_role_page_does():
    import ui

    at = run_app("pages/data.py")
    assert "Upload history" in [h.value for h in at.subheader]
    current = ui.workspace().snapshot().snapshot
    assert current not in ui._jobs()["jobs"]
    run_app("pages/cfo.py")
    assert current in ui._jobs()["jobs"]
    assert ui.risk_model(current, wait=True).measurable  # the sample's model, trained in the background


def test_the_background_work_of_several_versions_runs_one_at_a_time(monkeypatch):
    import ui

    lock, active, most, order, maps = threading.Lock(), [0], [0], [], []

    def analyse(cur, snapshot, theme_map=None):
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
            order.append(snapshot)
            maps.append(theme_map)
        time.sleep(0.3)
        with lock:
            active[0] -= 1
        return True

    monkeypatch.setattr(voice, "ensure_snapshot", analyse)
    monkeypatch.setattr(risk, "train",
                        lambda cur, snapshot, versions: risk.RiskModel(snapshot, False, f"model of {snapshot}"))
    numbers = [9001, 9002, 9003]  # no such versions: the work above needs none
    for n in numbers:
        ui.warm(n)
    jobs = ui._jobs()["jobs"]
    assert all(jobs[n]["done"].wait(30) for n in numbers)
    assert sorted(order) == numbers and most[0] == 1  # each ran, never two at once
    assert maps == [0, 0, 0]  # the themes of the latest (here the shipped) theme map, assigned before the training
    assert [jobs[n]["model"].reason for n in numbers] == [f"model of {n}" for n in numbers]
    assert all(jobs[n]["error"] is None for n in numbers)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own nice value is Linux's")
def test_the_background_work_runs_below_the_pages(monkeypatch):
    """The job's thread runs at ui.JOB_NICE (the pages' threads at 0), so a new version's first page views are not
    slowed by its analysis and training; the thread that started it keeps its priority."""
    import ui

    seen = []

    def analyse(cur, snapshot, theme_map=None):
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return True

    monkeypatch.setattr(voice, "ensure_snapshot", analyse)
    monkeypatch.setattr(risk, "train", lambda cur, snapshot, versions: risk.RiskModel(snapshot, False, "none"))
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    ui.warm(9101)
    assert ui._jobs()["jobs"][9101]["done"].wait(30)
    assert seen == [ui.JOB_NICE] and ui.JOB_NICE > mine
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine
