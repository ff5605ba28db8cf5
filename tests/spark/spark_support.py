"""What the Spark tests share: reading a build's facts as sorted frames, their Parquet schema, why Spark cannot
run here, and a workspace's own facts of a data version (to compare a build with)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest


def sorted_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def facts_frame(folder: Path | str) -> pd.DataFrame:
    """A fact's Parquet folder as a frame sorted by every column (engines write rows in any order)."""
    return sorted_frame(pq.read_table(str(folder)).to_pandas())


def schema(folder: Path | str) -> list[tuple[str, str]]:
    return [(f.name, str(f.type)) for f in pq.read_schema(next(Path(folder).glob("*.parquet")))]


def workspace_facts(path: Path, fact: str, snapshot: int, columns: list[str]) -> pd.DataFrame:
    """The rows of `fact` the workspace file stores for a data version (its part), read through Arrow as the
    Parquet is, in `columns`' order, sorted."""
    from metrics.schema import part_table, quote_ident

    con = duckdb.connect(str(path), read_only=True)
    try:
        rel = con.sql(f"SELECT {', '.join(map(quote_ident, columns))} FROM {quote_ident(part_table(fact))} "
                      "WHERE part = (SELECT part FROM snapshot_parts WHERE snapshot = ? AND fact = ?)",
                      params=[snapshot, fact])
        return sorted_frame(rel.to_arrow_table().to_pandas())
    finally:
        con.close()


def spark_missing() -> str | None:
    """Why the Spark tests cannot run here, or None."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (bash bin/test installs it from requirements-dev.txt)"
    if shutil.which("java") is None:
        return "Java is not installed (bash bin/test installs Debian's openjdk-17-jre-headless)"
    return None


# ---- fixtures (imported by the test modules: a conftest.py here would shadow tests/conftest.py, which other test
# folders import as `conftest`). The sample workspace and its export are made once per process and shared.
_MADE: dict[str, Path] = {}


@pytest.fixture(scope="session", name="sample_path")
def sample_path_fixture(tmp_path_factory) -> Path:
    """A workspace file holding the bundled sample company (closed, so commands can open it)."""
    if "sample" not in _MADE:
        from conftest import sample_template

        path = tmp_path_factory.mktemp("spark_ws") / "sample.duckdb"
        shutil.copy(sample_template(tmp_path_factory, analysed=False), path)  # ingest.load_sample's, made once
        _MADE["sample"] = path
    return _MADE["sample"]


@pytest.fixture(scope="session", name="exported")
def exported_fixture(sample_path, tmp_path_factory) -> Path:
    """The sample's data version #1 exported by metrics.export."""
    if "export" not in _MADE:
        from metrics.export import export

        out = tmp_path_factory.mktemp("export") / "lake"
        export(str(sample_path), str(out))
        _MADE["export"] = out
    return _MADE["export"]


# The tests' JVM: C1 compiles only (no C2) and the serial collector. The tests run short Spark jobs (9 fact steps,
# each a write and a count, on at most ~100,000 rows), and the driver spent its CPU compiling, not running. Measured
# on the 2-core machine, the build of the sample took 50 s of Java CPU with the defaults and 25-28 s with these
# (the session's start 9 s -> 6 s), same rows. The app's own sessions keep the JVM's defaults (a long build or a
# cluster gains from C2).
TEST_JVM = {"spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"}


@pytest.fixture(scope="session", name="spark")
def spark_fixture():
    """One local Spark session (starting one takes seconds); skipped with the reason when pyspark or Java is
    missing."""
    reason = spark_missing()
    if reason:
        pytest.skip(reason)
    from metrics.engines import spark_session

    session = spark_session("local[2]", conf=TEST_JVM)
    yield session
    session.stop()
