"""metrics.build on the DuckDB engine (no Spark needed): the exported sample gives exactly the workspace's own facts;
progress, manifest, refusals; --register opens a build as a data version."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import duckdb
import pandas as pd
import pytest
from spark_support import exported_fixture, facts_frame, sample_path_fixture, workspace_facts  # noqa: F401

from metrics import build
from metrics.facts import ORDER
from metrics.load import Refused

CLOCK = lambda: dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC)  # noqa: E731
# Rows of each fact for the sample company (the workspace's own build of data version #1 gives the same).
ROWS = {"fact_calendar": 36, "fact_customer_month": 96025, "fact_customer_category": 93644, "fact_month": 432,
        "fact_retention": 288, "fact_cohort": 5992, "fact_transition": 3423, "fact_nps": 7723, "fact_csat": 376}


@pytest.fixture(scope="module")
def built(exported, tmp_path_factory):
    lines: list[str] = []
    out = tmp_path_factory.mktemp("build") / "duckdb"
    manifest = build.build("duckdb", str(exported), str(out), now=CLOCK, progress=lines.append)
    return out, manifest, lines


@pytest.mark.parametrize("fact", ORDER)
def test_built_facts_are_the_workspace_facts(built, sample_path, fact):
    out, _, _ = built
    mine = facts_frame(out / fact)
    pd.testing.assert_frame_equal(mine, workspace_facts(sample_path, fact, 1, list(mine.columns)), check_exact=True)
    assert len(mine) == ROWS[fact]


def test_progress_names_each_step_with_rows(built):
    _, _, lines = built
    assert lines[0].startswith("engine: DuckDB 2.0.0")
    assert lines[1] == ("parameters: history=60, k=12, max_age=24, promoter_min=9, passive_min=7, first=2023-11-01, "
                        "last=2026-10-01, rfirst=2023-11-01, rlast=2026-10-01, cfrom=None, cuntil=2026-10-31")
    assert [line.split(" in ")[0] for line in lines[2:]] == [
        f"[{i}/9] {fact}: {ROWS[fact]:,} rows" for i, fact in enumerate(ORDER, 1)]
    assert all(line.endswith(" s") for line in lines[2:])


def test_manifest_records_engine_input_versions_and_time(built, exported):
    out, manifest, _ = built
    assert json.loads((out / "manifest.json").read_text()) == manifest
    assert manifest["engine"] == "duckdb" and manifest["input"] == str(exported.resolve())
    assert manifest["built_at"] == "2026-11-30T06:00:00+00:00"
    assert {k: v["versions"] for k, v in manifest["inputs"].items()} == {
        "nps": [2], "customers": [1], "revenue": [3], "csat": [4], "tickets": [5]}
    assert {k: v["rows"] for k, v in manifest["facts"].items()} == ROWS
    assert manifest["facts"]["fact_month"]["grain"] == "month × segment × region"


def test_a_missing_partition_is_refused(exported, tmp_path):
    lake = tmp_path / "lake"
    shutil.copytree(exported, lake)
    shutil.rmtree(lake / "revenue" / "month=2025-06-01")
    with pytest.raises(Refused, match=r"revenue: the input holds 9\d,\d{3} rows where its manifest says 94,710"):
        build.build("duckdb", str(lake), str(tmp_path / "out"))
    assert not (tmp_path / "out" / "fact_calendar").exists()


def test_build_refuses_a_used_folder_a_foreign_one_and_a_missing_kind(built, exported, tmp_path):
    out, _, _ = built
    with pytest.raises(Refused, match="is not empty"):
        build.build("duckdb", str(exported), str(out))
    with pytest.raises(Refused, match="no manifest.json"):
        build.build("duckdb", str(tmp_path), str(tmp_path / "out"))
    lake = tmp_path / "lake"
    shutil.copytree(exported, lake)
    manifest = json.loads((lake / "manifest.json").read_text())
    del manifest["kinds"]["tickets"]
    (lake / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(Refused, match="the input has no tickets"):
        build.build("duckdb", str(lake), str(tmp_path / "out2"))


@pytest.fixture
def ws_copy(sample_path, tmp_path):
    path = tmp_path / "ws.duckdb"
    shutil.copy(sample_path, path)
    return path


def test_register_opens_the_build_as_the_latest_data_version(built, exported, ws_copy):
    from metrics.store import Workspace

    out, _, _ = built
    assert build.register(str(ws_copy), str(out), now=CLOCK) == 2
    ws = Workspace(ws_copy)
    try:
        snap, first = ws.snapshot(), ws.snapshot(1)
        assert (snap.snapshot, snap.sources, snap.first_month, snap.last_month, snap.revenue_first,
                snap.revenue_last) == (2, first.sources, first.first_month, first.last_month, first.revenue_first,
                                       first.revenue_last)
        cur = ws.cursor()
        assert build.build_source(cur, 2) == (f"Facts built on DuckDB from {exported.resolve()} "
                                              "(DuckDB 2.0.0, in-process, 2026-11-30 06:00 UTC).")
        assert build.build_source(cur, 1) is None
        # What the pages read: the same rows under both data versions (fact_customer_month with its categories).
        for fact in ("fact_customer_month", "fact_month", "fact_retention", "fact_nps"):
            a, b = (cur.sql(f"SELECT * EXCLUDE (snapshot) FROM {fact} WHERE snapshot = ?", params=[n])
                    .to_arrow_table().to_pandas() for n in (1, 2))
            pd.testing.assert_frame_equal(a.sort_values(list(a.columns)).reset_index(drop=True),
                                          b.sort_values(list(b.columns)).reset_index(drop=True))
        parts = cur.execute("SELECT count(*) FROM fact_parts").fetchone()[0]
    finally:
        ws.close()
    # The same build registered again is another data version reading the same parts.
    assert build.register(str(ws_copy), str(out), now=CLOCK) == 3
    con = duckdb.connect(str(ws_copy), read_only=True)
    assert con.execute("SELECT count(*) FROM fact_parts").fetchone()[0] == parts
    con.close()


def _uploads(path) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT version, kind, file_name, sha256, row_count, source, first_date, last_date "
                           "FROM uploads ORDER BY version").fetchall()
    finally:
        con.close()


def test_a_lake_only_company_imports_the_input_as_versions(built, exported, sample_path, tmp_path):
    """A workspace that never saw the uploads: the build's input folder becomes one version per kind (source
    "lake"), with the rows, counts and date spans the sample's own uploads have; registering again reuses them."""
    from metrics.store import Workspace

    out, manifest, _ = built
    empty = tmp_path / "lake_only.duckdb"
    Workspace(empty).close()
    lines: list[str] = []
    assert build.register(str(empty), str(out), now=CLOCK, progress=lines.append) == 1
    assert lines == [f"imported {k}: {manifest['inputs'][k]['rows']:,} rows as version #{i}"
                     for i, k in enumerate(("nps", "customers", "revenue", "csat", "tickets"), 1)]
    lake = {row[1]: row for row in _uploads(empty)}
    sample = {row[1]: row for row in _uploads(sample_path)}
    lake_manifest = json.loads((exported / "manifest.json").read_text())
    for kind, row in lake.items():
        assert row[2:] == (f"{kind} from {exported.resolve()}", lake_manifest["kinds"][kind]["files_sha256"],
                           sample[kind][4], "lake", sample[kind][6], sample[kind][7])
    # The raw rows the pages read beside the facts (comments, tickets, the churn model): the sample's, row for row.
    a, b = duckdb.connect(str(sample_path), read_only=True), duckdb.connect(str(empty), read_only=True)
    try:
        for kind, table in (("nps", "nps_responses"), ("tickets", "tickets"), ("customers", "customers"),
                            ("revenue", "revenue"), ("csat", "csat_responses")):
            # a ticket's customer key is the workspace's own (metrics/facts/keys.py), numbered in its upload order
            internal = "version, customer_key" if table == "tickets" else "version"
            rows = f"SELECT * EXCLUDE ({internal}) FROM {table} WHERE version = ? ORDER BY ALL"
            assert b.execute(rows, [lake[kind][0]]).fetchall() == a.execute(rows, [sample[kind][0]]).fetchall(), kind
    finally:
        a.close(), b.close()
    # the revenue's currency travels with it (the pages show its sign)
    con = duckdb.connect(str(empty), read_only=True)
    try:
        assert con.execute("SELECT currency FROM uploads WHERE kind = 'revenue'").fetchone() == ("USD",)
    finally:
        con.close()
    assert build.register(str(empty), str(out), now=CLOCK, progress=lines.append) == 2
    assert len(lines) == 5 and len(_uploads(empty)) == 5  # nothing imported twice


def test_register_refuses_an_input_it_cannot_read_or_that_is_not_the_builds(built, exported, tmp_path):
    from metrics.store import Workspace

    out, _, _ = built
    empty = tmp_path / "empty.duckdb"
    Workspace(empty).close()
    with pytest.raises(Refused, match=r"input folder /nowhere is not readable here: pass the folder with --input-copy"):
        build.register(str(empty), str(out), input_dir="/nowhere")
    with pytest.raises(Refused, match="is not on this machine: copy the folder here"):
        build.register(str(empty), str(out), input_dir="s3a://lake/cx")
    other = tmp_path / "other"
    shutil.copytree(exported, other)
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["kinds"]["revenue"]["rows"] -= 1
    (other / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(Refused, match=r"is not the input the build read: revenue holds 94,709 rows"):
        build.register(str(empty), str(out), input_dir=str(other))
    # The manifest agrees but a partition went missing after the build: refused whole, nothing stored.
    gone = tmp_path / "gone"
    shutil.copytree(exported, gone)
    shutil.rmtree(gone / "tickets" / "month=2025-06-01")
    with pytest.raises(Refused, match=r"tickets: .* holds 2\d,\d{3} rows where its manifest says 23,970"):
        build.register(str(empty), str(out), input_dir=str(gone))
    assert _uploads(empty) == []
    con = duckdb.connect(str(empty), read_only=True)
    assert con.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 0
    con.close()


def test_command_builds_and_registers(exported, ws_copy, tmp_path, capsys):
    out = tmp_path / "facts"
    assert build.main(["--engine", "duckdb", "--input", str(exported), "--output", str(out),
                       "--register", str(ws_copy)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[2].startswith("[1/9] fact_calendar: 36 rows in ")
    assert printed[-2].startswith("built 9 fact tables on DuckDB 2.0.0 in ") and printed[-2].endswith(str(out))
    assert printed[-1] == f"registered as data version #2 in {ws_copy}"


def test_command_line_usage(capsys):
    assert build.main(["--output", "x"]) == 2
    assert "give --input" in capsys.readouterr().err
    assert build.main(["--engine", "duckdb", "--master", "local[2]", "--input", "a", "--output", "b"]) == 2
    assert build.main(["--register", "w.duckdb", "--output", "s3a://bucket/facts"]) == 1
    assert "copy the build to this machine first" in capsys.readouterr().err


def test_command_opens_a_build_of_a_moved_lake_in_an_empty_workspace(built, exported, tmp_path, capsys):
    """The command line of a lake-only company: the input was copied elsewhere since the build."""
    from metrics.store import Workspace

    out, manifest, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(exported, copy)
    empty = tmp_path / "w.duckdb"
    Workspace(empty).close()
    assert build.main(["--register", str(empty), "--output", str(out), "--input-copy", "/nowhere"]) == 1
    assert "its input folder /nowhere is not readable here" in capsys.readouterr().err
    assert build.main(["--register", str(empty), "--output", str(out), "--input-copy", str(copy)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed == [*(f"imported {k}: {manifest['inputs'][k]['rows']:,} rows as version #{i}"
                         for i, k in enumerate(("nps", "customers", "revenue", "csat", "tickets"), 1)),
                       f"registered as data version #1 in {empty}"]
    assert {row[2] for row in _uploads(empty)} == {f"{k} from {copy.resolve()}" for k in manifest["inputs"]}
