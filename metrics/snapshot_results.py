"""Results worked out once per data version and kept in the workspace: checks that read a whole snapshot and
nothing else (the CIO's data health: 10–60 ms each at 200,000 customers, ~140 ms of the page's ~190), so a page reads
them instead of scanning every customer-month again. The background job (ui.warm) works them out after each
commit; a page that comes first works them out and stores them itself.

Keyed as the stored churn models are (metrics/risk_store.py): a result is read only under the key it was stored
with, made of its name, the snapshot's versions, its arguments and the source of the code that computes it, so a
changed key (new code, another argument) works it out again; nothing older is read as current. Plain data, never
pickle (a workspace file may come from someone else): a frame in Arrow's stream format, anything else as JSON. A deleted
version's snapshots lose theirs (store.Workspace.delete_version). The table, snapshot_results, is in
metrics/schema.py.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

_ROOT = Path(__file__).resolve().parent


@functools.cache
def _code_digest(code: tuple[str, ...]) -> str:
    # once per process: the files do not change under a running server (a new release is a new process)
    digest = hashlib.sha256()
    for pattern in code:
        for path in sorted(_ROOT.glob(pattern)):
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def key(name: str, reads: dict, args: dict, code: tuple[str, ...]) -> str:
    spelled = json.dumps({"name": name, "reads": reads, "args": args, "code": _code_digest(code)},
                         sort_keys=True, default=str)
    return hashlib.sha256(spelled.encode()).hexdigest()


def _arrow(frame: pd.DataFrame) -> bytes:
    # Arrow's stream format, not Parquet: read back in ~0.35 ms a frame against ~0.9 (a page reads several)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def stored(cur, snapshot: int, reads: dict, name: str, compute: Callable[[], Any], *,
           code: tuple[str, ...], **args) -> Any:
    """`compute()`'s result for the snapshot: the stored one under this key, else computed now and stored (in place
    of the snapshot's result of another key). `reads`: what of the snapshot it reads (its versions, ...); `code`: the
    files of metrics/ (glob patterns) it is computed by. A result is a DataFrame or JSON data (dicts keep their str
    keys, tuples come back as lists). A store that fails (a read-only or full disk, or the background job storing
    the same result at that moment) still returns the result: storing only saves the next view the work."""
    wanted = key(name, reads, args, code)
    row = cur.execute("SELECT value, frame FROM snapshot_results WHERE snapshot = ? AND name = ? AND key = ?",
                      [snapshot, name, wanted]).fetchone()
    if row is not None:
        value, frame = row
        return pa.ipc.open_stream(frame).read_all().to_pandas() if frame is not None else json.loads(value)
    result = compute()
    is_frame = isinstance(result, pd.DataFrame)
    try:
        cur.execute("DELETE FROM snapshot_results WHERE snapshot = ? AND name = ?", [snapshot, name])
        cur.execute("INSERT INTO snapshot_results VALUES (?, ?, ?, timezone('UTC', now()), ?, ?) "
                    "ON CONFLICT DO NOTHING",
                    [snapshot, name, wanted, None if is_frame else json.dumps(result),
                     _arrow(result) if is_frame else None])
    except duckdb.Error:  # a cache: a failed write leaves the result as computed
        pass
    return result


def forget(cur, snapshots: list[int]) -> None:
    """Delete the results of `snapshots` (a deleted version's)."""
    if snapshots:
        cur.execute(f"DELETE FROM snapshot_results WHERE snapshot IN ({', '.join('?' * len(snapshots))})", snapshots)
