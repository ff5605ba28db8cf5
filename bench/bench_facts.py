"""Benchmark incremental facts: the same NPS upload into a workspace with little revenue and one with a lot.

    .venv/bin/python bench/bench_facts.py [--small 20000] [--large 200000] [--out bench/results/facts.json]

For each size, a synthetic company (bench_queries.synthetic: customers × 36 months of revenue) is stored through
Workspace.commit, then the same NPS responses (4 per customer of the large company, so the file is identical in
both) are committed as an NPS-only upload. Reported: seconds of the first commit (every fact built), of the NPS
commit (its rows stored + only the facts NPS changes) and the seconds of each fact built by it (fact_parts).
The target (issue "Uploads at enterprise size"): the NPS commit takes the same time within 1.5× at both sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_queries import synthetic  # noqa: E402

from metrics.store import Workspace  # noqa: E402


def run(customers: int, nps) -> dict:
    ws = Workspace(":memory:")
    uploads = synthetic(customers)
    t = time.perf_counter()
    ws.commit(uploads[:2])  # customers and revenue
    first = time.perf_counter() - t
    t = time.perf_counter()
    ws.commit([nps])
    second = time.perf_counter() - t
    cur = ws.cursor()
    steps = ("SELECT f.fact, round(f.seconds, 3), f.row_count FROM fact_parts f JOIN snapshot_parts s USING (part) "
             "WHERE s.snapshot = ? AND f.part NOT IN (SELECT part FROM snapshot_parts WHERE snapshot < ?) "
             "ORDER BY f.part")
    built_first = cur.execute(steps, [1, 1]).fetchall()
    built = cur.execute(steps, [2, 2]).fetchall()
    out = {"customers": customers, "revenue_rows": len(uploads[1].rows), "nps_rows": len(nps.rows),
           "first_commit_s": round(first, 2), "nps_commit_s": round(second, 2),
           "customer_months": cur.execute("SELECT count(*) FROM fact_customer_month WHERE snapshot = 2").fetchone()[0],
           "built_first": [{"fact": f, "seconds": s, "rows": n} for f, s, n in built_first],
           "built_by_nps": [{"fact": f, "seconds": s, "rows": n} for f, s, n in built]}
    ws.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--large", type=int, default=200_000)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "facts.json"))
    args = parser.parse_args()
    nps = synthetic(args.large)[2]
    result = {"machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                          "load_average": os.getloadavg()},
              "runs": [run(args.small, nps), run(args.large, nps)]}
    small, large = result["runs"]
    result["nps_ratio_large_to_small"] = round(large["nps_commit_s"] / small["nps_commit_s"], 2)
    print(f"machine: {result['machine']}")
    print(f"{'customers':>10}{'revenue rows':>14}{'cust-months':>13}{'all facts s':>13}{'NPS upload s':>14}")
    for r in result["runs"]:
        print(f"{r['customers']:>10,}{r['revenue_rows']:>14,}{r['customer_months']:>13,}{r['first_commit_s']:>13}"
              f"{r['nps_commit_s']:>14}")
        print("    built by the first commit: " + ", ".join(f"{b['fact']} {b['seconds']} s" for b in r["built_first"]))
        print("    built by the NPS upload: " + ", ".join(f"{b['fact']} {b['seconds']} s" for b in r["built_by_nps"]))
    print(f"NPS upload, large ÷ small: {result['nps_ratio_large_to_small']}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
