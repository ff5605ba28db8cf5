"""A data version never mixes the bundled sample with the company's own uploads (Workspace.commit/rollback)."""

from __future__ import annotations

import pytest
from conftest import REFERENCE, prepare_bytes, prepare_file

from metrics.store import MixedSourcesError, StoreError, Workspace

REVENUE = b"customer_id,month,mrr\nA,2025-04,999\n"


def sources(ws: Workspace, number: int) -> dict[str, str | None]:
    snap = ws.snapshot(number)
    return {k: (ws.upload_info(v) or {}).get("source") for k, v in snap.versions.items()}


@pytest.fixture
def sample_like():
    """The reference files stored as if they were the bundled sample (source 'sample'): data version #1."""
    ws = Workspace(":memory:")
    ws.commit([prepare_file(REFERENCE / f"{k}.csv", k).to_upload("sample") for k in ("customers", "nps", "revenue")])
    yield ws
    ws.close()


def test_own_upload_onto_the_sample_is_refused_without_the_choice(sample_like):
    with pytest.raises(MixedSourcesError, match="mix fictional and real"):
        sample_like.commit([prepare_bytes(REVENUE, "revenue").to_upload()])
    assert [s.snapshot for s in sample_like.snapshots()] == [1]  # nothing stored
    assert len(sample_like.uploads()) == 3


def test_starting_the_own_workspace_holds_only_the_uploaded_kind(sample_like):
    assert sample_like.holds_sample()
    snap = sample_like.commit([prepare_bytes(REVENUE, "revenue").to_upload()], leave_sample=True)
    assert snap.snapshot == 2
    assert snap.versions == {"nps": None, "customers": None, "revenue": 4, "csat": None, "tickets": None}
    assert not sample_like.holds_sample() and sample_like.holds_sample(1)
    assert sources(sample_like, 1) == {"nps": "sample", "customers": "sample", "revenue": "sample", "csat": None,
                                       "tickets": None}
    # The facts of #2 are the upload's alone: one customer, 999 in Apr 2025 (no sample MRR of 350 added).
    cur = sample_like.cursor()
    assert cur.execute("SELECT count(DISTINCT customer_id), sum(mrr) FROM fact_customer_month WHERE snapshot = 2"
                       ).fetchone() == (1, 999)
    assert cur.execute("SELECT count(*) FROM fact_nps WHERE snapshot = 2").fetchone()[0] == 0
    # Later uploads build on the company's data, never on the sample.
    nxt = sample_like.commit([prepare_file(REFERENCE / "nps.csv", "nps").to_upload()])
    assert nxt.versions == {"nps": 5, "customers": None, "revenue": 4, "csat": None, "tickets": None}


def test_rollback_never_brings_the_sample_into_own_data(sample_like):
    sample_like.commit([prepare_bytes(REVENUE, "revenue").to_upload()], leave_sample=True)
    for sample_version in (1, 2, 3):  # customers, nps, revenue of the sample
        with pytest.raises(MixedSourcesError, match="part of the sample company"):
            sample_like.rollback(sample_version)
    with pytest.raises(ValueError):  # the Data page catches ValueError: the refusal is a ValueError too
        sample_like.rollback(3)
    assert sample_like.snapshot().snapshot == 2


def test_sample_files_are_never_stored_onto_own_data(sample_like):
    sample_like.commit([prepare_bytes(REVENUE, "revenue").to_upload()], leave_sample=True)
    with pytest.raises(MixedSourcesError):
        sample_like.commit([prepare_file(REFERENCE / "nps.csv", "nps").to_upload("sample")])
    with pytest.raises(MixedSourcesError):  # nor in one call together with own files
        sample_like.commit([prepare_file(REFERENCE / "nps.csv", "nps").to_upload("sample"),
                            prepare_bytes(REVENUE, "revenue").to_upload()])


def test_rollback_within_the_sample_stays_allowed(sample_like):
    ws = Workspace(":memory:")
    ws.commit([prepare_bytes(REVENUE, "revenue").to_upload("sample")])
    ws.commit([prepare_bytes(b"customer_id,month,mrr\nB,2025-04,5\n", "revenue").to_upload("sample")])
    assert ws.rollback(1).versions["revenue"] == 1
    ws.close()


def test_disk_or_memory_failure_is_a_store_error_and_stores_nothing(tmp_path, monkeypatch):
    import duckdb

    ws = Workspace(tmp_path / "ws.duckdb")
    ws.commit([prepare_file(REFERENCE / f"{k}.csv", k).to_upload() for k in ("customers", "nps", "revenue")])
    before = ws.cursor().execute("SELECT count(*) FROM uploads").fetchone()[0], ws.snapshot().snapshot
    for error in (duckdb.IOException("No space left on device"), duckdb.OutOfMemoryException("failed to allocate")):
        def boom(*_args, error=error, **_kwargs):
            raise error

        monkeypatch.setattr(Workspace, "_build_snapshot", boom)
        with pytest.raises(StoreError, match="^Nothing was stored") as caught:
            ws.commit([prepare_bytes(REVENUE, "revenue").to_upload()])
        assert isinstance(caught.value.__cause__, type(error))
        monkeypatch.undo()
        assert (ws.cursor().execute("SELECT count(*) FROM uploads").fetchone()[0], ws.snapshot().snapshot) == before
    ws.close()
