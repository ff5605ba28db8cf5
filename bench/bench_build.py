"""Benchmark the fact build at 10× the sample company on DuckDB and on Spark (local), on the same Parquet input.

    .venv/bin/python bench/bench_build.py [--scale 10] [--master local[2]] [--engines duckdb,spark]

The sample company is loaded into a scratch workspace and exported (python -m metrics.export's layout), then
copied `--scale` times with distinct customer, response and ticket ids: the same distributions, `--scale` times
the rows. Each engine builds every fact of metrics.facts.PLAN from it (python -m metrics.build's path, progress
lines shown); the two outputs are compared row for row. Prints a table and writes bench/results/bench_build.json:
rows per input and fact, seconds per step and in total (engine start included), the machine's cores and load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from metrics import build, ingest  # noqa: E402
from metrics.export import MANIFEST, PARTITION_MONTH, SUM_COLUMNS, export  # noqa: E402
from metrics.store import Workspace, quote_ident  # noqa: E402

RESULTS = ROOT / "bench" / "results"
# Columns made distinct per copy (copy k appends "~k"): the keys the facts join and count on.
ID_COLUMNS = ("customer_id", "response_id", "ticket_id")


def scaled_lake(source: Path, out: Path, scale: int) -> dict:
    """`scale` copies of the exported lake at `source`, written to `out` with its manifest; returns it."""
    import duckdb

    manifest = json.loads((source / MANIFEST).read_text())
    con = duckdb.connect()
    for kind, info in manifest["kinds"].items():
        names = [c for c, _ in info["columns"]]
        rows = con.read_parquet(str(source / kind / "**" / "*.parquet"), hive_partitioning=True)
        rows.create_view("src")
        top = con.execute("SELECT coalesce(max(row_number), 0) FROM src").fetchone()[0] if "row_number" in names \
            else 0
        exprs = []
        for c in names:
            if c in ID_COLUMNS:
                exprs.append(f"CASE WHEN k = 0 THEN {quote_ident(c)} ELSE {quote_ident(c)} || '~' || k END "
                             f"AS {quote_ident(c)}")
            elif c == "row_number":
                exprs.append(f"row_number + k * {int(top)} AS row_number")  # file order kept within each copy
            elif c != "month" or kind != "revenue":
                exprs.append(quote_ident(c))
        partition = PARTITION_MONTH[kind]
        con.execute(f"CREATE OR REPLACE TABLE scaled AS SELECT {', '.join(exprs)}, {partition} AS month "
                    f"FROM src, range({int(scale)}) t(k)")
        (out / kind).mkdir(parents=True)
        info["rows"] = con.execute("SELECT count(*) FROM scaled").fetchone()[0]
        if info["rows"]:
            target = "'" + str(out / kind).replace("'", "''") + "'"
            con.execute(f"COPY scaled TO {target} (FORMAT parquet, PARTITION_BY (month), OVERWRITE_OR_IGNORE)")
        info["sums"] = {c: str(con.execute(f"SELECT sum({quote_ident(c)}) FROM scaled").fetchone()[0])
                        for c in SUM_COLUMNS[kind]}
        con.execute("DROP VIEW src")
    manifest["scale"] = scale
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def same_facts(a: Path, b: Path, facts: list[str]) -> bool:
    import pyarrow.parquet as pq

    for fact in facts:
        left, right = (pq.read_table(str(p / fact)).to_pandas() for p in (a, b))
        cols = list(left.columns)
        if cols != list(right.columns):
            return False
        left, right = (f.sort_values(cols).reset_index(drop=True) for f in (left, right))
        if not left.equals(right):
            return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10, help="copies of the sample company (default 10)")
    parser.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    parser.add_argument("--engines", default="duckdb,spark")
    args = parser.parse_args()
    engines = args.engines.split(",")

    with tempfile.TemporaryDirectory(prefix="bench_build_") as tmp:
        tmp = Path(tmp)
        ws = Workspace(tmp / "sample.duckdb")
        ingest.load_sample(ws, ROOT / "sample_data")
        ws.close()
        export(str(tmp / "sample.duckdb"), str(tmp / "sample"))
        manifest = scaled_lake(tmp / "sample", tmp / "lake", args.scale)
        inputs = {k: v["rows"] for k, v in manifest["kinds"].items()}
        print(f"input: {args.scale}× the sample: " + ", ".join(f"{k} {n:,}" for k, n in inputs.items()))
        results = {}
        for engine in engines:
            print(f"--- {engine}")
            started = time.perf_counter()
            built = build.build(engine, str(tmp / "lake"), str(tmp / engine),
                                master=args.master if engine == "spark" else None, progress=print)
            results[engine] = {"seconds_total": round(time.perf_counter() - started, 2),
                               "engine": built["engine_version"], "master": built["master"],
                               "facts": built["facts"]}
        identical = same_facts(tmp / engines[0], tmp / engines[-1], list(results[engines[0]]["facts"])) \
            if len(engines) > 1 else None

    facts = list(results[engines[0]]["facts"])
    print(f"\n{'fact':<26}{'rows':>12}" + "".join(f"{e + ' s':>12}" for e in engines))
    for fact in facts:
        print(f"{fact:<26}{results[engines[0]]['facts'][fact]['rows']:>12,}"
              + "".join(f"{results[e]['facts'][fact]['seconds']:>12.1f}" for e in engines))
    print(f"{'total (with engine start)':<38}" + "".join(f"{results[e]['seconds_total']:>12.1f}" for e in engines))
    if identical is not None:
        print(f"identical facts on {' and '.join(engines)}: {identical}")
    report = {"measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "scale": args.scale,
              "inputs": inputs, "machine": {"cores": os.cpu_count(), "load_average_1m": os.getloadavg()[0],
                                            "python": platform.python_version()},
              "engines": results, "identical": identical}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_build.json").write_text(json.dumps(report, indent=1) + "\n")
    print(f"written: {RESULTS / 'bench_build.json'}")


if __name__ == "__main__":
    main()
