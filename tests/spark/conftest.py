"""Fixtures of the Spark tests: the sample company in a workspace file, its export, and one Spark session."""

from __future__ import annotations

from pathlib import Path

import pytest
from spark_support import spark_missing

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def sample_path(tmp_path_factory) -> Path:
    """A workspace file holding the bundled sample company (closed, so commands can open it)."""
    from metrics import ingest
    from metrics.store import Workspace

    path = tmp_path_factory.mktemp("spark_ws") / "sample.duckdb"
    ws = Workspace(path)
    ingest.load_sample(ws, ROOT / "sample_data")
    ws.close()
    return path


@pytest.fixture(scope="session")
def exported(sample_path, tmp_path_factory) -> Path:
    from metrics.export import export

    out = tmp_path_factory.mktemp("export") / "lake"
    export(str(sample_path), str(out))
    return out


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the whole run (starting one takes seconds); skipped with the reason when
    pyspark or Java is missing."""
    reason = spark_missing()
    if reason:
        pytest.skip(reason)
    from metrics.engines import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()
