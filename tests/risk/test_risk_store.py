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

from metrics import risk, risk_store, stats
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


def _assert_same_model(b: risk.RiskModel, a: risk.RiskModel, rtol: float = 0.0) -> None:
    """Every field of b is a's: exactly, or its floats (also inside intervals and tables) to `rtol`."""
    for field in dataclasses.fields(risk.RiskModel):
        x, y = getattr(a, field.name), getattr(b, field.name)
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(y, x, check_exact=not rtol, rtol=rtol or 1e-5)
        elif rtol and isinstance(x, float | stats.Interval | dict):
            assert (sorted(y) if isinstance(y, dict) else None) == (sorted(x) if isinstance(x, dict) else None)
            assert _floats(y) == pytest.approx(_floats(x), rel=rtol, abs=1e-15), field.name
        else:
            assert y == x, field.name


def _floats(value) -> list:
    """A float, interval or map of intervals (in its keys' order) as one flat list of numbers."""
    if isinstance(value, dict):
        return [f for k in sorted(value) for f in _floats(value[k])]
    return list(dataclasses.astuple(value)) if isinstance(value, stats.Interval) else [value]


def test_a_stored_model_is_read_back_field_for_field(sample_ws, monkeypatch):
    snap = sample_ws.snapshot()
    fresh = risk.train(sample_ws.cursor(), snap.snapshot, snap.versions)
    model_key = risk_store.key(snap.snapshot, snap.versions, 0, risk.HOLDOUT_MONTHS)
    sample_ws.cursor().execute("DELETE FROM risk_models WHERE snapshot = ?", [snap.snapshot])
    risk_store.save(sample_ws.cursor(), fresh, model_key)
    monkeypatch.setattr(risk, "train", _no_training)
    stored = risk_store.trained(sample_ws.cursor(), snap.snapshot, snap.versions)
    assert stored.measurable and stored.n_train == fresh.n_train == 48941
    _assert_same_model(stored, fresh)  # exact: JSON and Parquet keep every bit of a float
    assert risk.risk_json(stored) == risk.risk_json(fresh)
    # the reasons are lists of words per account, as trained
    assert stored.accounts["reasons"].map(list).equals(fresh.accounts["reasons"].map(list))


def test_the_template_s_stored_model_is_what_training_gives(sample_ws, monkeypatch):
    """The model the template stored (trained earlier in this process) is the one training gives now: same rows,
    same accounts, same words; its floats agree to 1e-9. Not bit for bit: one run in five of the suite differed in a
    calibration mean's last bits, as sums of floats can when numpy/BLAS take another SIMD path (the same training
    three times in one process gave identical bits)."""
    snap = sample_ws.snapshot()
    fresh = risk.train(sample_ws.cursor(), snap.snapshot, snap.versions)
    monkeypatch.setattr(risk, "train", _no_training)
    stored = risk_store.trained(sample_ws.cursor(), snap.snapshot, snap.versions)
    assert stored.n_train == fresh.n_train == 48941
    _assert_same_model(stored, fresh, rtol=1e-9)
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
