"""Time each role page's first view in AppTest at scale, with cold caches and the churn model training.

    .venv/bin/python bench/bench_pages.py [--customers 200000] [--workspace FILE]

Stores bench_queries' synthetic company in a new workspace file (commit + facts, and its comments' analysis as
bench_queries.analysed writes it), points the app at it and runs
every role page once in AppTest with Streamlit's caches cleared before each (the first page to run starts the
data version's background job, so the later pages run while the churn model trains), then once more. The
Glossary runs first so the process's imports are not counted against a role page. Target (issue 10): ≤ 2 s
a page. `--workspace`: a workspace file bench_queries kept (--keep DIR: DIR/scaled_N.duckdb, with its 1M tickets and
their subjects' languages stored), used as it is instead of a new one; the pages' background jobs may write to it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PAGES = ["pages/glossary.py", "pages/ceo.py", "pages/cfo.py", "pages/cmo.py", "pages/cio.py", "pages/service.py"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--workspace", type=Path, help="an existing workspace file (bench_queries --keep)")
    args = parser.parse_args()

    from bench_queries import analysed, synthetic

    from metrics.store import Workspace

    path = args.workspace
    if path is None:
        path = Path(tempfile.mkdtemp(prefix="bench_pages_")) / "workspace.duckdb"
        ws = Workspace(path)
        started = time.perf_counter()
        ws.commit(synthetic(args.customers))
        analysed(ws)  # the comments' analysis rows (stand-ins), so the CMO page draws its figures from comments
        print(f"{args.customers:,} customers stored with their facts in {time.perf_counter() - started:.1f} s")
        ws.close()
    os.environ["CX_WORKSPACE"] = str(path)

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    print(f"{'page':<20}{'first view s':>13}{'again s':>9}  exceptions")
    for page in PAGES:
        st.cache_data.clear()
        started = time.perf_counter()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.switch_page(page)
        at.run()
        first = time.perf_counter() - started
        started = time.perf_counter()
        at.run()
        again = time.perf_counter() - started
        print(f"{page:<20}{first:>13.2f}{again:>9.2f}  {[e.value for e in at.exception][:1] or 'none'}")


if __name__ == "__main__":
    main()
