"""The churn model's memory: answers keyed by the customer's row (metrics.risk._indexed) and freed memory given back
to the operating system (metrics.memory)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pyarrow as pa

from metrics import risk

ROOT = Path(__file__).resolve().parents[2]


def test_indexed_replaces_the_customer_id_by_its_row_and_leaves_out_unknown_customers():
    con = duckdb.connect()
    rel = con.sql("SELECT * FROM (VALUES ('c', DATE '2026-01-05', 9), ('zz', DATE '2026-01-06', 3), "
                  "('a', DATE '2026-01-07', 0), ('c', DATE '2026-02-01', 7)) t(customer_id, date, score)")
    frame = risk._indexed(rel, pa.array(["a", "b", "c"]))
    assert list(frame.columns) == ["_i", "date", "score"]
    assert frame.to_dict("list") == {"_i": [2, 0, 2], "date": list(frame["date"]), "score": [9, 0, 7]}
    assert [d.strftime("%Y-%m-%d") for d in frame["date"]] == ["2026-01-05", "2026-01-07", "2026-02-01"]
    assert str(frame["_i"].dtype) == "int32"


def test_indexed_of_no_rows_keeps_the_columns():
    con = duckdb.connect()
    rel = con.sql("SELECT 'x' AS customer_id, 1.5 AS score WHERE false")
    frame = risk._indexed(rel, pa.array(["a"]))
    assert list(frame.columns) == ["_i", "score"] and len(frame) == 0


def test_release_gives_freed_heap_memory_back():
    """200 MB of small objects, freed: the process keeps them resident until release() (own process: a clean heap)."""
    code = textwrap.dedent("""
        import gc, sys
        sys.path.insert(0, sys.argv[1])
        from metrics import memory
        def rss():
            return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmRSS')) // 1024
        keep = [bytes(900) + bytes([i % 256]) for i in range(200_000)]
        held = [bytes(900) for _ in range(200_000)]
        del keep; gc.collect()
        before = rss()
        memory.release()
        print(before - rss())
    """)
    out = subprocess.run([sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, check=True)
    assert int(out.stdout.strip()) >= 100, out.stdout  # MB given back
