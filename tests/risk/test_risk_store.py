"""A data version's churn model is trained once and stored in the workspace (metrics.risk_store): a later process
reads it back field for field instead of training again; a different key (other versions, other code) trains
again; a deleted version's snapshots lose their models; the stored form is JSON and Parquet, never pickle."""

from __future__ import annotations

import dataclasses
import json
import shutil

import pandas as pd
import pytest
from conftest import REFERENCE, prepare_file, sample_template

from metrics import risk, risk_store
from metrics.store import Workspace


@pytest.fixture
def sample_ws(tmp_path_factory, tmp_path):
    """A copy of the test sample workspace, whose model the template stored when it was made."""
    path = tmp_path / "workspace.duckdb"
    shutil.copy(sample_template(tmp_path_factory), path)
    ws = Workspace(path)
    yield ws
    ws.close()


def _no_training(*args, **kwargs):
    raise AssertionError("trained again although a model was stored")


def test_a_stored_model_is_read_back_as_trained(sample_ws, monkeypatch):
    snap = sample_ws.snapshot()
    fresh = risk.train(sample_ws.cursor(), snap.snapshot, snap.versions)  # what training gives today
    monkeypatch.setattr(risk, "train", _no_training)
    stored = risk_store.trained(sample_ws.cursor(), snap.snapshot, snap.versions)
    assert stored.measurable and stored.n_train == fresh.n_train == 48941
    for field in dataclasses.fields(risk.RiskModel):
        a, b = getattr(fresh, field.name), getattr(stored, field.name)
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(b, a, check_exact=True)
        else:
            assert b == a, field.name
    assert risk.risk_json(stored) == risk.risk_json(fresh)
    # the reasons are lists of words per account, as trained
    assert stored.accounts["reasons"].map(list).equals(fresh.accounts["reasons"].map(list))


def test_the_model_is_stored_as_json_and_parquet(sample_ws):
    snap = sample_ws.snapshot()
    model, accounts = sample_ws.cursor().execute(
        "SELECT model, accounts FROM risk_models WHERE snapshot = ?", [snap.snapshot]).fetchone()
    fields = json.loads(model)
    assert fields["snapshot"] == snap.snapshot and fields["measurable"] is True
    assert bytes(accounts[:4]) == b"PAR1"  # Parquet's magic number: plain data, nothing executable


def test_another_key_trains_again_and_replaces_the_older_model(sample_ws, monkeypatch):
    snap = sample_ws.snapshot()
    calls = []
    monkeypatch.setattr(risk, "train", lambda cur, s, v: calls.append(s) or risk.RiskModel(s, False, "new code"))
    monkeypatch.setattr(risk_store, "_code_digest", lambda: "another version of the code")
    assert risk_store.trained(sample_ws.cursor(), snap.snapshot, snap.versions).reason == "new code"
    assert calls == [snap.snapshot]
    # the older code's model is replaced: never read again, it would only take room
    assert sample_ws.cursor().execute("SELECT count(*), min(key) FROM risk_models WHERE snapshot = ?",
                                      [snap.snapshot]).fetchone() == (1, risk_store.key(snap.snapshot, snap.versions,
                                                                                        0, risk.HOLDOUT_MONTHS))
    assert risk_store.trained(sample_ws.cursor(), snap.snapshot, snap.versions).reason == "new code"
    assert calls == [snap.snapshot]  # the second one read back


def test_deleting_a_version_deletes_the_models_of_its_snapshots(tmp_path):
    ws = Workspace(tmp_path / "workspace.duckdb")
    try:
        ws.commit([prepare_file(REFERENCE / f"{k}.csv", k).to_upload() for k in ("customers", "revenue")])
        first = ws.snapshot()
        ws.commit([prepare_file(REFERENCE / "customers.csv", "customers").to_upload()])  # a newer customers file
        second = ws.snapshot()
        for snap in (first, second):
            risk_store.save(ws.cursor(), risk.RiskModel(snap.snapshot, False, "stand-in"), "k")
        ws.delete_version(first.versions["customers"])  # empties the first snapshot
        assert ws.cursor().execute("SELECT snapshot FROM risk_models").fetchall() == [(second.snapshot,)]
    finally:
        ws.close()
