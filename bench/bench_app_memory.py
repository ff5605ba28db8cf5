"""The app server's peak memory through an analyst's largest upload, in a real browser (issue 10: ≤ 1 GB).

    .venv/bin/python bench/bench_app_memory.py [--customers 200000] [--upload revenue|nps] [--seconds 600]
                                               [--out bench/results/app_memory_<upload>.json]

Writes the ingest bench's exports (bench_ingest.write_exports: at 200,000 customers, 5M revenue lines and 1M NPS
answers), loads the other files into a workspace with `metrics.load`, and starts the app on it
(tests/browser_support.server: `streamlit run app.py`, as the README does). Then, in headless chromium, as an
analyst would: the Data page, the `--upload` file uploaded and checked, stored, and a click through to the page
that shows what the new data version starts in the background (revenue: the CIO page while the churn model trains;
NPS: the CMO page while the comments are analysed, then the model trains). The NPS file gets comments here: 60% of
the answers, each two of the sample company's comments joined, so that nearly every comment is a text of its own
as in a real export. The server's peak resident memory (VmHWM) after each step and its resident memory sampled every
0.1 s until the server is idle again (under 5% of a core for 5 s: its background work is done) are recorded with
the machine; the JSON goes to --out, a summary is printed. Needs the Debian
chromium package.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import browser_support as bs  # noqa: E402
from bench_ingest import ANSWERS, write_exports  # noqa: E402

from metrics.schema import KIND_LABELS  # noqa: E402

LIMIT_MB = 1024
BASE = {"revenue": ("customers", "nps"), "nps": ("customers", "revenue")}  # loaded before the upload
AFTER = {"revenue": "CIO", "nps": "CMO"}  # the page visited while the new version's background work runs


def _status_mb(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key)) // 1024


class _Folders:
    """What browser_support.server asks of pytest's tmp_path_factory: a fresh folder, here holding the workspace."""

    def __init__(self, workspace: Path):
        self.workspace = workspace

    def mktemp(self, name: str) -> Path:
        folder = Path(tempfile.mkdtemp(prefix=f"{name}_"))
        self.workspace.rename(folder / "workspace.duckdb")
        return folder


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _until_idle(pid: int, most: float, window: float = 5.0) -> None:
    """Wait until the server used under 5% of a core over `window` seconds (its background work is done), at most
    `most` seconds."""
    deadline, used = time.monotonic() + most, _cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(window)
        now = _cpu_seconds(pid)
        if now - used < 0.05 * window:
            return
        used = now


def _load(workspace: Path, kind: str, file: Path) -> None:
    answers = [a for k, v in ANSWERS.get(kind, {}).items() for a in ("--answer", f"{k}={','.join(v)}")]
    subprocess.run([sys.executable, "-m", "metrics.load", "--workspace", str(workspace), "--kind", kind,
                    *answers, str(file)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def _with_comments(plain: Path, out: Path, seed: int = 5) -> Path:
    import numpy as np
    import pandas as pd

    said = pd.read_csv(ROOT / "sample_data" / "nps_responses.csv")["comment"].dropna().unique()
    answers = pd.read_csv(plain)
    rng = np.random.default_rng(seed)
    n = len(answers)
    text = pd.Series(said[rng.integers(0, len(said), n)]) + " " + pd.Series(said[rng.integers(0, len(said), n)])
    answers["comment"] = text.where(rng.random(n) < 0.6)
    answers.to_csv(out, index=False)
    return out


def run(customers: int, upload: str, seconds: float) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="bench_app_memory_"))
    files = write_exports(folder, customers)
    workspace = folder / "base.duckdb"
    for kind in BASE[upload]:
        _load(workspace, kind, files[kind][0])
    file = files[upload][0] if upload == "revenue" else _with_comments(files["nps"][0], folder / "nps_comments.csv")
    label = KIND_LABELS[upload]
    steps: dict[str, dict] = {}
    samples: list[int] = []
    with bs.pw.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(bs.CHROMIUM), args=bs.CHROMIUM_ARGS, headless=True)
        with bs.server(_Folders(workspace), "app_memory") as base:
            port = base.rsplit(":", 1)[1]
            pid = int(subprocess.check_output(["pgrep", "-f", f"server.port {port}"]).split()[0])

            def step(name: str, began: float) -> None:
                steps[name] = {"seconds": round(time.monotonic() - began, 1), "peak_mb": _status_mb(pid, "VmHWM"),
                               "resident_mb": _status_mb(pid, "VmRSS")}
                print(f"{name:<34}{steps[name]['seconds']:>7.1f} s{steps[name]['peak_mb']:>7} MB peak"
                      f"{steps[name]['resident_mb']:>7} MB resident", flush=True)

            stop = threading.Event()

            def sample() -> None:
                while not stop.is_set():
                    samples.append(_status_mb(pid, "VmRSS"))
                    time.sleep(0.1)

            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.set_default_timeout(600_000)
            page = context.new_page()
            began = time.monotonic()
            page.goto(base + "/data")
            bs.wait_for_app_run(page)
            step("Data page open", began)
            threading.Thread(target=sample, daemon=True).start()
            began = time.monotonic()
            bs.upload_csv(page, file, label)
            success = page.locator("[data-testid='stAlertContentSuccess']")
            bs.pw.expect(success.filter(has_text=f"{file.name} reads as {label}")).to_be_visible(timeout=600_000)
            bs.wait_for_app_run(page)
            step(f"{upload} file uploaded and checked", began)
            began = time.monotonic()
            page.get_by_role("button", name=re.compile(f"^Store as the new {label} version")).click()
            bs.pw.expect(success.filter(has_text=re.compile(rf"Stored {re.escape(file.name)} as version"))) \
                .to_be_visible(timeout=600_000)
            bs.wait_for_app_run(page)
            bs.assert_no_exception(page)
            step("stored (its background work starts)", began)
            began = time.monotonic()
            page.get_by_role("link", name=AFTER[upload]).first.click()
            page.wait_for_url(re.compile(rf".*/{AFTER[upload].lower()}.*"))
            bs.wait_for_app_run(page)
            _until_idle(pid, seconds)
            bs.assert_no_exception(page)
            step(f"{AFTER[upload]} page, until the server is idle", began)
            stop.set()
            context.close()
        browser.close()
    rows, mb = sum(1 for _ in file.open()) - 1, round(file.stat().st_size / 2**20, 1)
    shutil.rmtree(folder, ignore_errors=True)  # ~300 MB of exports and workspace at 200,000 customers
    peak = max(s["peak_mb"] for s in steps.values())
    return {"customers": customers, "upload": upload, "file_rows": rows, "file_mb": mb, "steps": steps,
            "resident_mb_max_sampled": max(samples, default=None), "peak_mb": peak, "limit_mb": LIMIT_MB,
            "within_limit": peak <= LIMIT_MB}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--upload", choices=sorted(BASE), default="revenue")
    parser.add_argument("--seconds", type=float, default=600.0,
                        help="at most this long on the page after the store (it ends once the server is idle)")
    parser.add_argument("--out", help="default: bench/results/app_memory_<upload>.json")
    args = parser.parse_args()
    out = Path(args.out or ROOT / "bench" / "results" / f"app_memory_{args.upload}.json")
    machine = {"cores": os.cpu_count(), "python": platform.python_version(), "load_before": os.getloadavg()}
    result = run(args.customers, args.upload, args.seconds)
    machine["load_after"] = os.getloadavg()
    result = {"when": time.strftime("%Y-%m-%d %H:%M:%S"), "machine": machine, **result}
    print(f"peak {result['peak_mb']} MB (limit {LIMIT_MB} MB): {'within' if result['within_limit'] else 'OVER'}")
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
