"""python -m metrics.export: the sample company's current data as month-partitioned Parquet, read back row for row."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from spark_support import exported_fixture, sample_path_fixture  # noqa: F401

from metrics import export
from metrics.store import CANONICAL_COLUMNS, TABLES, Workspace, quote_ident

KEYS = {"customers": ["customer_id"], "revenue": ["customer_id", "month"], "nps": ["row_number"],
        "csat": ["row_number"], "tickets": ["ticket_id"]}  # unique per row of the sample's one upload per kind


def read_back(folder, kind) -> pd.DataFrame:
    con = duckdb.connect()
    rel = con.read_parquet(str(folder / kind / "**" / "*.parquet"), hive_partitioning=True)
    cols = CANONICAL_COLUMNS[kind]
    return rel.select(*cols).df().sort_values(KEYS[kind]).reset_index(drop=True)


def stored(path, kind) -> pd.DataFrame:
    ws = Workspace(path)
    try:
        cols = CANONICAL_COLUMNS[kind]
        return ws.cursor().execute(f"SELECT {', '.join(map(quote_ident, cols))} FROM {quote_ident(TABLES[kind])}"
                                   ).df().sort_values(KEYS[kind]).reset_index(drop=True)
    finally:
        ws.close()


@pytest.mark.parametrize("kind", ["customers", "revenue", "nps", "csat", "tickets"])
def test_every_row_round_trips(sample_path, exported, kind):
    # The sample's data version reads one whole upload per kind, so the export is exactly the stored rows.
    back, rows = read_back(exported, kind), stored(sample_path, kind)
    pd.testing.assert_frame_equal(back, rows, check_dtype=False)
    assert export.read_manifest(exported)["kinds"][kind]["rows"] == len(rows)


def test_counts_and_sums_of_the_sample(exported):
    # The sample company's figures as generated (sample_data/*.csv): rows per kind and the revenue's sum to the cent.
    kinds = export.read_manifest(exported)["kinds"]
    assert {k: v["rows"] for k, v in kinds.items()} == {
        "customers": 4878, "nps": 19972, "revenue": 94710, "csat": 1404, "tickets": 23970}
    assert kinds["revenue"]["sums"] == {"mrr": "223261982.01"}
    con = duckdb.connect()
    total = con.execute("SELECT sum(mrr) FROM read_parquet(?, hive_partitioning=true)",
                        [str(exported / "revenue" / "**" / "*.parquet")]).fetchone()[0]
    assert str(total) == "223261982.01"


def test_layout_is_month_partitioned(exported):
    months = sorted(p.name for p in (exported / "revenue").iterdir())
    assert len(months) == 36 and months[0] == "month=2023-11-01" and months[-1] == "month=2026-10-01"
    # Revenue's month lives in the folder name only, as in a month-partitioned lake table.
    con = duckdb.connect()
    cols = [r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?, hive_partitioning=false)",
                                      [str(next((exported / "revenue").glob("*/*.parquet")))]).fetchall()]
    assert cols == ["customer_id", "mrr"]
    nps_months = {p.name for p in (exported / "nps").iterdir()}
    assert "month=2026-10-01" in nps_months


def test_manifest_names_versions_hashes_and_settings(sample_path, exported):
    manifest = export.read_manifest(exported)
    ws = Workspace(sample_path)
    try:
        snap = ws.snapshot()
        uploads = ws.uploads().set_index("version")["sha256"].to_dict()
    finally:
        ws.close()
    assert manifest["snapshot"] == snap.snapshot
    assert {k: tuple(v["versions"]) for k, v in manifest["kinds"].items()} == snap.sources
    assert all(v["sha256"] == {str(n): uploads[n] for n in v["versions"]} for v in manifest["kinds"].values())
    # customers_until: the sample's customers file is read up to its last start (it has no as-of date)
    assert manifest["settings"] == {"churn_known_from": None, "customers_until": "2026-10-31",
                                    "first_month": "2023-11-01", "last_month": "2026-10-01",
                                    "revenue_first": "2023-11-01", "revenue_last": "2026-10-01"}
    assert manifest["currency"] == "USD"  # the revenue's, for the sign the pages show
    assert dict(map(tuple, manifest["kinds"]["revenue"]["columns"])) == {
        "customer_id": "VARCHAR", "month": "DATE", "mrr": "DECIMAL(18,2)"}


def test_command_refuses_a_folder_in_use(sample_path, exported, capsys):
    assert export.main(["--workspace", str(sample_path), "--output", str(exported)]) == 1
    assert "is not empty" in capsys.readouterr().err


def test_command_writes_and_reports(sample_path, tmp_path, capsys):
    assert export.main(["--workspace", str(sample_path), "--output", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "revenue: 94,710 rows (versions 3)" in out and "data version #1 written" in out
    assert export.main(["--workspace", str(sample_path)]) == 2
