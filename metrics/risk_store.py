"""Trained churn models kept in the workspace, so a data version's model is trained once, not once per process.

Training takes 5–15 s of CPU on the sample and minutes at 200,000 customers; the app trained it again after every
restart, in every server process and for every `metrics.report --json`. A model is deterministic for its data
version, seed and hold-out, so it is stored with a key made of those and of the code that trains it: the source of
the modules the training reads and scikit-learn's version. A changed key (the code changed, or the snapshot's
versions did) misses and trains again; nothing older is ever read as current.

Storage is plain data, never pickle (a workspace file may come from someone else): the scalar fields as JSON and
each table (accounts, hold-out, calibration, coefficients) as Parquet bytes. A deleted version's snapshots lose their
models with their facts (store.Workspace.delete_version).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib.metadata
import io
import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from metrics import risk, stats

# What a model's figures are computed by: a change to any of these trains the model again.
_CODE = ("risk.py", "stats.py", "rules.py", "voice.py", "store.py", "text/*.py")
_TABLES = ("calibration", "coefficients", "accounts", "holdout")
_DATES = ("as_of",)
_DATE_LISTS = ("train_months", "holdout_months")
_INTERVALS = ("auc", "challenger_auc", "top_decile_lift")
_INTERVAL_MAPS = ("baselines", "differences")


def _code_digest() -> str:
    # the installed version, read without importing scikit-learn (~2 s: a stored model loads in a tenth of that)
    digest = hashlib.sha256(importlib.metadata.version("scikit-learn").encode())
    root = Path(risk.__file__).parent
    for pattern in _CODE:
        for path in sorted(root.glob(pattern)):
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def key(snapshot: int, versions: dict, seed: int, holdout_months: int) -> str:
    """The stored model's key: its snapshot's versions, the training's arguments and the code's digest."""
    spelled = json.dumps({"snapshot": snapshot, "versions": versions,
                          "seed": seed, "holdout_months": holdout_months, "code": _code_digest()},
                         sort_keys=True, default=str)
    return hashlib.sha256(spelled.encode()).hexdigest()


def _interval(i: stats.Interval | None) -> list | None:
    return None if i is None else [i.estimate, i.low, i.high]


def _parquet(frame: pd.DataFrame) -> bytes:
    out = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame), out)
    return out.getvalue()


def _frame(table: pa.Table) -> pd.DataFrame:
    """The stored table as the frame it was: list cells (an account's reasons) as Python lists, as trained, not
    the NumPy arrays pandas makes of them."""
    frame = table.to_pandas()
    for name in table.column_names:
        if pa.types.is_list(table.schema.field(name).type):
            frame[name] = pd.Series(table.column(name).to_pylist(), index=frame.index, dtype=object)
    return frame


def save(cur, model: risk.RiskModel, model_key: str) -> None:
    """Store `model` under `model_key` (a second save of the same key keeps the first: both are the same), in place
    of the snapshot's model of another key."""
    fields = {f.name: getattr(model, f.name) for f in dataclasses.fields(model) if f.name not in _TABLES}
    for name in _DATES:
        fields[name] = fields[name] and fields[name].isoformat()
    for name in _DATE_LISTS:
        fields[name] = [d.isoformat() for d in fields[name]]
    for name in _INTERVALS:
        fields[name] = _interval(fields[name])
    for name in _INTERVAL_MAPS:
        fields[name] = {k: _interval(v) for k, v in fields[name].items()}
    tables = [None if getattr(model, t) is None else _parquet(getattr(model, t)) for t in _TABLES]
    # the snapshot's model of other code is never read again (its key is gone): replaced, not kept beside
    cur.execute("DELETE FROM risk_models WHERE snapshot = ? AND key <> ?", [model.snapshot, model_key])
    cur.execute("INSERT INTO risk_models VALUES (?, ?, timezone('UTC', now()), ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [model.snapshot, model_key, json.dumps(fields), *tables])


def load(cur, snapshot: int, model_key: str) -> risk.RiskModel | None:
    """The model stored for `snapshot` under `model_key`, else None."""
    row = cur.execute(f"SELECT model, {', '.join(_TABLES)} FROM risk_models WHERE snapshot = ? AND key = ?",
                      [snapshot, model_key]).fetchone()
    if row is None:
        return None
    fields = json.loads(row[0])
    for name in _DATES:
        fields[name] = fields[name] and dt.date.fromisoformat(fields[name])
    for name in _DATE_LISTS:
        fields[name] = [dt.date.fromisoformat(d) for d in fields[name]]
    for name in _INTERVALS:
        fields[name] = None if fields[name] is None else stats.Interval(*fields[name])
    for name in _INTERVAL_MAPS:
        fields[name] = {k: stats.Interval(*v) for k, v in fields[name].items()}
    for name, data in zip(_TABLES, row[1:], strict=True):
        fields[name] = None if data is None else _frame(pq.read_table(pa.BufferReader(data)))
    return risk.RiskModel(**fields)


def trained(cur, snapshot: int, versions: dict) -> risk.RiskModel:
    """The snapshot's churn model (risk.train's seed and hold-out): the stored one, else trained now and stored. A
    store that fails (a read-only or full disk) still returns the model: storing only saves the next process the
    training."""
    model_key = key(snapshot, versions, seed=0, holdout_months=risk.HOLDOUT_MONTHS)
    model = load(cur, snapshot, model_key)
    if model is None:
        model = risk.train(cur, snapshot, versions)
        try:
            save(cur, model, model_key)
        except duckdb.Error:  # a cache: a failed write leaves the model as trained
            pass
    return model
