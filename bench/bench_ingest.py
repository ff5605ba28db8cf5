"""Benchmark uploads: each file's load through the app's own path against DuckDB's bare scan of the same file.

    .venv/bin/python bench/bench_ingest.py [--customers 200000] [--out bench/results/ingest.json]

Writes synthetic exports at enterprise size (customers, revenue lines ~25 a customer, NPS responses 5 a customer)
into a temp folder, then, each as a whole process run one after another in this run:
- scan:  `SELECT count(*), sum(x) FROM read_csv(file)` in a bare DuckDB process (the floor);
- store: the stored version alone — prepare(path) (read, check, canonical rows) and its rows written into a fresh
         workspace in one transaction, no facts (what ingest owns);
- load:  `python -m metrics.load --workspace W --kind K FILE` (read, check, store, facts) — the analyst's path, into
         one workspace that accumulates the three files as an analyst would;
and reports wall seconds, CPU seconds (user + system of the child, so a machine shared with other work can be
read), the ratios store ÷ scan and load ÷ scan, and each process's peak resident memory (ru_maxrss of the child).
Then the NPS-only case (the same NPS file into a workspace with a tenth of the revenue lines and into one with
all of them: within 1.5×, since an NPS upload rebuilds no revenue fact), and the hostile-size cases (1M identical
rows, a subscription file starting in 1970 with and without an as-of date, a 10,000-column file): seconds to an
answer (stored, refused or asked) and the exit code. The machine (cores, memory, load average before and after)
is recorded with the figures; the JSON goes to --out, the table is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def write_exports(folder: Path, customers: int, seed: int = 11) -> dict[str, tuple[Path, str, str]]:
    """kind -> (file, kind for metrics.load, the column the bare scan sums)."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"C{i:07d}" for i in range(customers)])
    start = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 36 * 30, customers), unit="D")
    churned = rng.random(customers) < 0.3
    churn = start + pd.to_timedelta(rng.integers(30, 900, customers), unit="D")
    cust = pd.DataFrame({"customer_id": ids, "start_date": start.strftime("%Y-%m-%d"),
                         "churn_date": np.where(churned & (churn < pd.Timestamp("2026-06-30")),
                                                churn.strftime("%Y-%m-%d"), ""),
                         "segment": rng.choice(["SMB", "Mid-Market", "Enterprise"], customers),
                         "region": rng.choice(["EMEA", "NA", "APAC"], customers)})
    files = {"customers": (folder / "customers.csv", "customers", "length(customer_id)")}
    cust.to_csv(files["customers"][0], index=False)
    n = customers * 25  # invoice lines: ~25 per customer over the months it paid
    who = rng.integers(0, customers, n)
    month = pd.Timestamp("2024-07-01") + pd.to_timedelta(rng.integers(0, 24 * 30, n), unit="D")
    rev = pd.DataFrame({"customer_id": ids[who], "invoice_date": month.strftime("%Y-%m-%d"),
                        "amount": rng.lognormal(5, 1, n).round(2)})
    files["revenue"] = (folder / "revenue.csv", "revenue", "amount")
    rev.to_csv(files["revenue"][0], index=False)
    n = customers * 5
    who = rng.integers(0, customers, n)
    nps = pd.DataFrame({"response_id": np.arange(n), "customer_id": ids[who],
                        "response_date": (pd.Timestamp("2024-07-01")
                                          + pd.to_timedelta(rng.integers(0, 700, n), unit="D")).strftime("%Y-%m-%d"),
                        "score": rng.integers(0, 11, n)})
    files["nps"] = (folder / "nps.csv", "nps", "score")
    nps.to_csv(files["nps"][0], index=False)
    return files


def hostile(folder: Path) -> dict[str, tuple[Path, str]]:
    same = folder / "identical_1m.csv"
    same.write_bytes(b"customer_id,start_date\n" + b"c1,2026-01-05\n" * 1_000_000)
    subs = folder / "subscriptions_1970.csv"
    rows = [f"sub_{i},cus_{i},active,1970-01-01,,{10 + i % 90}" for i in range(12_000)]
    subs.write_text("id,Customer ID,Status,Start (UTC),Ended At (UTC),Amount\n" + "\n".join(rows) + "\n")
    wide = folder / "columns_10000.csv"
    wide.write_text(",".join(f"c{i}" for i in range(10_000)) + "\n" + ",".join("1" * 10_000) + "\n")
    return {"1M identical rows": (same, "customers", ()), "subscriptions from 1970": (subs, "revenue", ()),
            # the amounts' unit answered: the 'cus_' ids beside whole amounts ask it first (amounts.in_cents)
            "subscriptions from 1970, as of 2026-11-30": (subs, "revenue", ("--as-of", "2026-11-30", "--answer",
                                                                             "amount_unit:Amount=units")),
            "10,000 columns": (wide, "revenue", ())}


def timed_child(code: str) -> list[str]:
    """A Python child that runs `code` and prints its own peak RSS (MB) and CPU seconds as the last line; it exits
    with `rc` when the code sets it (metrics.load's status: a refused load must not read as a time). The peak
    is VmHWM of /proc/self/status: ru_maxrss would include the forking parent's size (kept across exec)."""
    return [PY, "-c", code + "\nimport resource; r = resource.getrusage(resource.RUSAGE_SELF); "
            "hwm = next(int(ln.split()[1]) for ln in open('/proc/self/status') if ln.startswith('VmHWM')); "
            "print(hwm / 1024, r.ru_utime + r.ru_stime); raise SystemExit(globals().get('rc', 0))"]


def measure(cmd: list[str], timeout: float = 600) -> dict:
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    seconds = time.perf_counter() - t
    tail = (proc.stdout.strip().splitlines() or [""])[-1].split()
    try:
        peak, cpu = float(tail[0]), float(tail[1])
    except (ValueError, IndexError):
        peak = cpu = None
    return {"seconds": round(seconds, 2), "cpu_seconds": cpu and round(cpu, 2), "exit": proc.returncode,
            "peak_mb": peak and round(peak),
            "said": (proc.stderr.strip().splitlines() or proc.stdout.strip().splitlines() or [""])[-1][:200]}


# The analyst's answer to the one question the customers file raises: its region "NA" is North America, a
# region name, not a missing value (metrics/ingest/missing.py asks before reading it as empty).
# The synthetic revenue file is random invoice lines (most customers skip months): the analyst's word that they bill
# monthly, else the upload asks (prepare_revenue._check_recurring)
ANSWERS = {"customers": {"missing_tokens": []}, "revenue": {"recurring:amount": "monthly"}}


def load_cmd(workspace: Path, kind: str, file: Path, *extra: str) -> list[str]:
    answers = {k: v if isinstance(v, str) else ",".join(v) for k, v in ANSWERS.get(kind, {}).items()}
    extra = (*extra, *(a for k, v in answers.items() for a in ("--answer", f"{k}={v}")))
    code = ("import sys; from metrics import load; "
            f"rc = load.main(['--workspace', {str(workspace)!r}, '--kind', {kind!r}, {str(file)!r}, "
            f"*{list(extra)!r}]); "
            "print('exit', rc, file=sys.stderr); sys.stdout.flush()")
    return timed_child(code)


def store_cmd(workspace: Path, kind: str, file: Path) -> list[str]:
    """The stored version alone: prepare from disk, then the rows written in one transaction (no facts)."""
    code = ("from pathlib import Path; from metrics import ingest; from metrics.store import Workspace; "
            f"ws = Workspace({str(workspace)!r}); "
            f"p = ingest.prepare(Path({str(file)!r}), {file.name!r}, "
            f"ingest.Options(kind={kind!r}, answers={ANSWERS.get(kind, {})!r})); "
            "cm = ws._transaction(); cur = cm.__enter__(); ws._insert_upload(cur, 1, p.to_upload()); "
            "cm.__exit__(None, None, None); ws.close()")
    return timed_child(code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "ingest.json"))
    args = parser.parse_args()
    result = {"machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                          "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
                          "load_average_before": os.getloadavg()},
              "customers": args.customers, "files": {}, "hostile": {}}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_exports(folder, args.customers)
        ws = folder / "ws.duckdb"
        for name, (file, kind, col) in files.items():
            sql = f"SELECT count(*), sum({col}) FROM read_csv('{file}')"
            scan = measure(timed_child(f"import duckdb; print(duckdb.sql({sql!r}).fetchall())"))
            store = measure(store_cmd(folder / f"store_{name}.duckdb", kind, file))
            load = measure(load_cmd(ws, kind, file))
            result["files"][name] = {"mb": round(file.stat().st_size / 2**20, 1), "scan": scan, "store": store,
                                     "load": load, "store_ratio": _ratio(store, scan, "seconds"),
                                     "ratio": _ratio(load, scan, "seconds"),
                                     "cpu_store_ratio": _ratio(store, scan), "cpu_ratio": _ratio(load, scan)}
        result["nps_only"] = nps_only(folder, files)
        for name, (file, kind, extra) in hostile(folder).items():
            result["hostile"][name] = measure(load_cmd(folder / "hostile.duckdb", kind, file, *extra), timeout=120)
    result["machine"]["load_average_after"] = os.getloadavg()
    print(f"machine: {result['machine']}")
    print(f"{'file':<11}{'MB':>7}{'scan s':>8}{'store s':>9}{'load s':>8}{'store×':>8}{'load×':>7}"
          f"{'cpu store×':>11}{'cpu load×':>10}{'store MB':>9}{'load MB':>8}  exit")
    for name, r in result["files"].items():
        print(f"{name:<11}{r['mb']:>7}{r['scan']['seconds']:>8}{r['store']['seconds']:>9}{r['load']['seconds']:>8}"
              f"{r['store_ratio']:>8}{r['ratio']:>7}{r['cpu_store_ratio'] or '?':>11}{r['cpu_ratio'] or '?':>10}"
              f"{r['store']['peak_mb'] or '?':>9}{r['load']['peak_mb'] or '?':>8}  {r['load']['exit']}")
    n = result["nps_only"]
    print(f"NPS-only upload: {n['small']['seconds']} s into a workspace with {n['small_revenue_lines']:,} revenue "
          f"lines, {n['large']['seconds']} s into one with {n['large_revenue_lines']:,}: {n['ratio']}× "
          f"(target ≤ 1.5×; peaks {n['small']['peak_mb']} / {n['large']['peak_mb']} MB)")
    for name, r in result["hostile"].items():
        print(f"hostile: {name}: {r['seconds']} s ({r['cpu_seconds']} CPU s), exit {r['exit']}, peak "
              f"{r['peak_mb']} MB — {r['said']}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2, default=str))


def nps_only(folder: Path, files: dict) -> dict:
    """The same NPS file loaded into two workspaces holding the same customers and 1/10 vs all of the revenue
    lines (0.5M vs 5M at 200,000 customers): an NPS upload must not rebuild revenue facts, so the times differ by
    at most 1.5×. Each workspace is loaded first (customers, then revenue), then the NPS load is timed."""
    revenue, lines = files["revenue"][0], files["revenue"][0].read_text().splitlines(keepends=True)
    tenth = folder / "revenue_tenth.csv"
    tenth.write_text("".join(lines[: 1 + (len(lines) - 1) // 10]))
    out = {"small_revenue_lines": (len(lines) - 1) // 10, "large_revenue_lines": len(lines) - 1}
    del lines
    for size, rev in (("small", tenth), ("large", revenue)):
        ws = folder / f"nps_only_{size}.duckdb"
        for kind, file in (("customers", files["customers"][0]), ("revenue", rev)):
            if measure(load_cmd(ws, kind, file))["exit"]:
                raise SystemExit(f"loading {file.name} for the NPS-only case failed")
        out[size] = measure(load_cmd(ws, "nps", files["nps"][0]))
    out["ratio"] = _ratio(out["large"], out["small"], "seconds")
    return out


def _ratio(run: dict, scan: dict, field: str = "cpu_seconds") -> float | str | None:
    """run ÷ scan, or "FAILED" when the run did not store (exit status not 0)."""
    if run.get("exit"):
        return "FAILED"
    if not run.get(field) or not scan.get(field):
        return None
    return round(run[field] / scan[field], 1)


if __name__ == "__main__":
    main()
