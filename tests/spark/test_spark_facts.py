"""The same fact SQL on DuckDB and on Spark (local): identical facts, row for row, to the cent, with the same Parquet
schema; and every role page shows the same figures on a DuckDB-built and a Spark-built data version. One Spark
session for the module (the `spark` fixture); skipped with the reason when pyspark or Java is missing (bash bin/test
installs both)."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pandas as pd
import pytest
from conftest import run_app
from spark_support import exported_fixture, facts_frame, sample_path_fixture, schema, spark_fixture  # noqa: F401

from metrics import build
from metrics.facts import ORDER

CLOCK = lambda: dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC)  # noqa: E731
PAGES = [None, "pages/cfo.py", "pages/cmo.py", "pages/service.py", "pages/cio.py"]  # None: the CEO page (home)


@pytest.fixture(scope="module")
def builds(spark, exported, tmp_path_factory):
    root = tmp_path_factory.mktemp("builds")
    for engine in ("duckdb", "spark"):
        build.build(engine, str(exported), str(root / engine), session=spark if engine == "spark" else None,
                    now=CLOCK)
    return root


@pytest.mark.parametrize("fact", ORDER)
def test_facts_identical_on_both_engines(builds, fact):
    on_duckdb, on_spark = builds / "duckdb" / fact, builds / "spark" / fact
    assert schema(on_spark) == schema(on_duckdb)
    pd.testing.assert_frame_equal(facts_frame(on_spark), facts_frame(on_duckdb), check_exact=True)


def test_spark_manifest_names_the_engine(builds, exported):
    manifest = build.read_build(builds / "spark")
    assert (manifest["engine"], manifest["master"], manifest["input"]) == ("spark", "local[2]",
                                                                           str(exported.resolve()))
    assert manifest["engine_version"].startswith("Spark 4.")
    assert manifest["facts"]["fact_customer_month"]["rows"] == 96025


def test_the_session_takes_the_tests_jvm_options_after_the_projects_settings(spark):
    conf = spark.sparkContext.getConf()
    assert conf.get("spark.driver.extraJavaOptions").endswith(" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
    assert (conf.get("spark.master"), conf.get("spark.sql.shuffle.partitions"), conf.get("spark.ui.enabled")) == \
        ("local[2]", "4", "false")


@pytest.fixture(scope="module")
def app_builds(builds, sample_path, tmp_path_factory):
    """The sample workspace with the DuckDB build opened as data version #2 and the Spark build as #3; the app
    pointed at it."""
    import streamlit as st

    path = tmp_path_factory.mktemp("app_builds") / "workspace.duckdb"
    shutil.copy(sample_path, path)
    assert build.register(str(path), str(builds / "duckdb"), now=CLOCK) == 2
    assert build.register(str(path), str(builds / "spark"), now=CLOCK) == 3
    os.environ["CX_WORKSPACE"] = str(path)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()
    os.environ.pop("CX_WORKSPACE", None)


def shown(at) -> dict:
    """The figures a page shows: every tile (label, value, change) and every table's cells."""
    return {"tiles": [(m.label, m.value, m.proto.delta) for m in at.metric],
            "tables": [d.value.to_csv() for d in at.dataframe] + [t.value.to_csv() for t in at.table]}


@pytest.mark.parametrize("page", PAGES)
def test_role_pages_show_the_same_figures_on_either_build(app_builds, page):
    import ui

    for version in (2, 3):  # the CIO page draws the churn model once trained (its first view does not wait)
        ui.risk_model(version, wait=True)
    on_duckdb, on_spark = shown(run_app(page, v="2")), shown(run_app(page, v="3"))
    assert on_spark == on_duckdb
    assert len(on_spark["tiles"]) >= 4  # the page drew its figures, not an empty state


def test_cio_page_names_the_engine_and_input(app_builds, exported):
    from safetext import md_escape

    captions = [c.value for c in run_app("pages/cio.py", v="3").caption]
    built = f"Facts built on Spark from {exported.resolve()} (Spark 4.3.0, local[2], 2026-11-30 06:00 UTC)."
    assert md_escape(built) in captions
    assert not any("Facts built on" in c for c in run_app("pages/cio.py", v="1").caption)


@pytest.fixture(scope="module")
def lake_only(builds, app_builds, tmp_path_factory):
    """A company whose data lives only in its lake: an empty workspace opening the Spark build, which imports the
    build's input as its versions (data version #1)."""
    from metrics.store import Workspace

    path = tmp_path_factory.mktemp("lake_only") / "workspace.duckdb"
    Workspace(path).close()
    assert build.register(str(path), str(builds / "spark"), now=CLOCK) == 1
    return path


def _on(path):
    import streamlit as st

    os.environ["CX_WORKSPACE"] = str(path)
    st.cache_resource.clear()
    st.cache_data.clear()


def test_a_lake_only_company_sees_the_figures_of_the_same_data_uploaded(app_builds, lake_only):
    pages = PAGES[:-1]  # the CIO page lists the workspace's own files: checked below
    try:  # every page on one workspace, then on the other: a switch clears the caches (the churn model retrains)
        _on(app_builds)
        uploaded = {page: shown(run_app(page, v="1")) for page in pages}  # the workspace's own facts of the sample
        _on(lake_only)
        from_lake = {page: shown(run_app(page, v="1")) for page in pages}
    finally:
        _on(app_builds)
    for page in pages:
        assert from_lake[page] == uploaded[page], page or "the CEO page"
        assert len(from_lake[page]["tiles"]) >= 4, page or "the CEO page"


def test_cio_page_of_a_lake_only_company_names_the_build_and_the_lake(app_builds, lake_only, exported):
    from safetext import md_escape

    try:
        _on(lake_only)
        at = run_app("pages/cio.py")
    finally:
        _on(app_builds)
    assert md_escape(f"Facts built on Spark from {exported.resolve()} (Spark 4.3.0, local[2], 2026-11-30 06:00 UTC).") \
        in [c.value for c in at.caption]
    tables = "\n".join(d.value.to_csv() for d in at.dataframe)
    assert f"revenue from {exported.resolve()}" in tables and "94710" in tables.replace(",", "")
