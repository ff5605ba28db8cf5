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


def _freed_mb_after_large_blocks(configure: bool) -> int:
    """Resident MB given back when 60 blocks of 2 MB, allocated between small objects that stay, are freed
    (own process: a clean heap)."""
    code = textwrap.dedent("""
        import sys
        sys.path.insert(0, sys.argv[1])
        from metrics import memory
        def rss():
            return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmRSS')) // 1024
        if sys.argv[2] == "on":
            memory.configure()
        first = bytearray(8 << 20); del first  # by default this free raises glibc's mmap threshold to 8 MB
        big, small = [], []
        for i in range(60):
            big.append(bytearray(2 << 20))
            small.append(bytearray(600))  # allocated after each large block and kept
        before = rss()
        del big
        print(before - rss())
    """)
    out = subprocess.run([sys.executable, "-c", code, str(ROOT), "on" if configure else "off"],
                         capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def test_configure_gives_large_freed_blocks_back_at_once():
    """glibc's default keeps them resident between the small objects (its raised threshold put them on the heap);
    after memory.configure() each has its own mapping and goes back when freed."""
    assert _freed_mb_after_large_blocks(configure=False) < 20
    assert _freed_mb_after_large_blocks(configure=True) >= 110  # of 120 MB
