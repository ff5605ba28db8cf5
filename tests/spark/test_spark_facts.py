"""The same fact SQL on DuckDB and on Spark (local): identical facts, row for row, to the cent, with the same
Parquet schema. One Spark session for the module (the `spark` fixture); skipped with the reason when pyspark or
Java is missing (bash bin/test installs both)."""

from __future__ import annotations

import pandas as pd
import pytest
from spark_support import SMALL_PLAN, facts_frame, schema, small_params

from metrics import build

SMALL = build.Plan(SMALL_PLAN, small_params)


@pytest.fixture(scope="module")
def small_builds(spark, exported, tmp_path_factory):
    root = tmp_path_factory.mktemp("small")
    return {engine: build.build(engine, str(exported), str(root / engine), plan=SMALL, session=spark) and
            root / engine for engine in ("duckdb", "spark")}


@pytest.mark.parametrize("fact", [s.name for s in SMALL_PLAN])
def test_small_plan_identical_on_both_engines(small_builds, fact):
    on_duckdb, on_spark = small_builds["duckdb"] / fact, small_builds["spark"] / fact
    assert schema(on_spark) == schema(on_duckdb)
    pd.testing.assert_frame_equal(facts_frame(on_spark), facts_frame(on_duckdb), check_exact=True)


def test_spark_manifest_names_the_engine(small_builds):
    manifest = build.read_build(small_builds["spark"])
    assert manifest["engine"] == "spark" and manifest["engine_version"].startswith("Spark 4.")
    assert manifest["master"] == "local[2]"
    assert manifest["facts"]["fact_paying"]["rows"] == 94710
