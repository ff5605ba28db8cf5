"""metrics.build on the DuckDB engine (no Spark needed): progress, manifest, refusals, and what --register checks."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import duckdb
import pytest
from spark_support import SMALL_PLAN, facts_frame, small_params

from metrics import build
from metrics.load import Refused

PLAN = build.Plan(SMALL_PLAN, small_params)
CLOCK = lambda: dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC)  # noqa: E731


@pytest.fixture(scope="module")
def built(exported, tmp_path_factory):
    lines: list[str] = []
    out = tmp_path_factory.mktemp("build") / "duckdb"
    manifest = build.build("duckdb", str(exported), str(out), plan=PLAN, now=CLOCK, progress=lines.append)
    return out, manifest, lines


def test_progress_names_each_step_with_rows(built):
    _, _, lines = built
    assert lines[0].startswith("engine: DuckDB 2.0.0")
    assert lines[1] == "parameters: first=2023-11-01, last=2026-10-01, cfrom=None"
    assert [line.split(" in ")[0] for line in lines[2:]] == [
        "[1/3] fact_paying: 94,710 rows", "[2/3] fact_movement: 108 rows", "[3/3] fact_nps_month: 144 rows"]


def test_manifest_records_engine_input_versions_and_time(built, exported):
    out, manifest, _ = built
    assert json.loads((out / "manifest.json").read_text()) == manifest
    assert manifest["engine"] == "duckdb" and manifest["input"] == str(exported.resolve())
    assert manifest["built_at"] == "2026-11-30T06:00:00+00:00"
    assert {k: v["versions"] for k, v in manifest["inputs"].items()} == {
        "customers": [1], "nps": [2], "revenue": [3], "csat": [4], "tickets": [5]}
    assert manifest["facts"]["fact_movement"]["rows"] == 108 and manifest["facts"]["fact_movement"]["grain"] == [
        "month", "segment"]


def test_facts_match_the_workspace_rows(built, sample_path):
    # fact_movement's MRR per month, against the stored revenue rows summed by DuckDB on the workspace file.
    out, _, _ = built
    mine = facts_frame(out / "fact_movement").groupby("month")["mrr"].sum()
    con = duckdb.connect(str(sample_path), read_only=True)
    truth = dict(con.execute("SELECT month, sum(mrr) FROM revenue GROUP BY month").fetchall())
    con.close()
    assert {m: v for m, v in mine.items()} == truth
    assert mine[dt.date(2026, 10, 1)] == truth[dt.date(2026, 10, 1)]


def test_a_missing_partition_is_refused(exported, tmp_path):
    lake = tmp_path / "lake"
    shutil.copytree(exported, lake)
    shutil.rmtree(lake / "revenue" / "month=2025-06-01")
    with pytest.raises(Refused, match=r"revenue: the input holds 9\d,\d{3} rows where its manifest says 94,710"):
        build.build("duckdb", str(lake), str(tmp_path / "out"), plan=PLAN)
    assert not (tmp_path / "out" / "fact_paying").exists()


def test_build_refuses_a_used_folder_and_a_foreign_one(built, exported, tmp_path):
    out, _, _ = built
    with pytest.raises(Refused, match="is not empty"):
        build.build("duckdb", str(exported), str(out), plan=PLAN)
    with pytest.raises(Refused, match="no manifest.json"):
        build.build("duckdb", str(tmp_path), str(tmp_path / "out"), plan=PLAN)


def test_register_refuses_a_build_without_every_fact(built, sample_path, tmp_path):
    out, _, _ = built
    ws_copy = tmp_path / "ws.duckdb"
    shutil.copy(sample_path, ws_copy)
    with pytest.raises(Refused, match="the build has no fact_cohort, fact_csat, fact_customer_month"):
        build.register(str(ws_copy), str(out))
    con = duckdb.connect(str(ws_copy), read_only=True)
    assert con.execute("SELECT max(snapshot) FROM snapshots").fetchone()[0] == 1  # nothing was added
    con.close()


def test_register_refuses_inputs_the_workspace_does_not_hold(built, tmp_path):
    from metrics.store import Workspace

    out, _, _ = built
    Workspace(tmp_path / "empty.duckdb").close()
    with pytest.raises(Refused, match="does not hold the customers upload the build read"):
        build.register(str(tmp_path / "empty.duckdb"), str(out))


def test_command_line_usage(capsys):
    assert build.main(["--output", "x"]) == 2
    assert "give --input" in capsys.readouterr().err
    assert build.main(["--engine", "duckdb", "--master", "local[2]", "--input", "a", "--output", "b"]) == 2
