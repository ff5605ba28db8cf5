"""Benchmark the metric queries each page runs, at scale, as ratios to the sample data in the same process.

    .venv/bin/python bench/bench_queries.py [--customers 140000] [--repeat 5] [--keep DIR] [--profile]

Builds a synthetic company (customers × 36 months of revenue, ~4 responses per customer), stores it in a
workspace file through Workspace.commit (which builds the facts), then times every page's metric calls
without Streamlit's cache: median of `--repeat` runs per page. The baseline is the same calls on the bundled
sample data, timed in the same process, so the ratio is what to compare between machines; milliseconds are shown
for reference. "cold": each page's first run in a new process that has just opened the workspace file (DuckDB's
cache empty, the file in the OS's), as a page's first view after the app starts; one run each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from metrics import (  # noqa: E402
    cohorts,
    health,
    ingest,
    linkage,
    nps,
    revenue,
    service,
    service_value,
    theme_store,
    value,
    voice,
)
from metrics.store import NewUpload, Workspace  # noqa: E402
from metrics.view import View, add_months  # noqa: E402

PAGES = {
    "CEO": lambda c, v, s: [nps.summary(c, v), nps.summary(c, v.previous()), revenue.logo_churn(c, v),
                            revenue.logo_churn(c, v.previous()), revenue.retention(c, v),
                            revenue.retention(c, v.previous()), revenue.arr_change(c, v), nps.by_month(c, v),
                            revenue.mrr_by_month(c, v),
                            # the page reads linkage.by_category's frame and the current categories (for link
                            # coverage) from value_summary, as here
                            (lambda worth: [worth, linkage.coverage(c, v, worth["current"])])(
                                value.value_summary(c, v)),
                            nps.movers(c, v), value.transitions(c, v, s.versions), value.same_day_pairs(c, v),
                            health.paying_after_churn(c, v),
                            voice.themes(c, v, s.versions),  # the risk row's top three themes (ui.risk_row)
                            # its line of service figures (with tickets)
                            *([service.csat(c, v, s.versions["tickets"]),
                               service.durations(c, v, s.versions["tickets"], "resolution"),
                               service.arr_open_over_target(c, v, s.versions["tickets"])]
                              if s.versions.get("tickets") else [])],
    "CFO": lambda c, v, s: [revenue.mrr_by_month(c, v), revenue.mrr_by_month(c, v.previous()),
                            revenue.retention(c, v), revenue.retention(c, v.previous()), revenue.arr_change(c, v),
                            revenue.retention_by_month(c, v),
                            # the ARR-by-category chart reads value_summary's current categories
                            (lambda worth: linkage.arr_shares(worth["current"]))(value.value_summary(c, v)),
                            value.overall_ltv(c, v.previous()),
                            cohorts.retention_matrix(c, v), health.paying_after_churn(c, v),
                            revenue.losing_months(c, v), revenue.losing_months(c, v.previous()),
                            voice.themes(c, v, s.versions)],  # the risk row's top three themes (ui.risk_row)
    "CMO": lambda c, v, s: [nps.summary(c, v), nps.summary(c, v.previous()), nps.by_month(c, v),
                            nps.score_distribution(c, v), nps.by_dimension(c, v, "segment"),
                            nps.recent_comments(c, v, s.versions), nps.new_customer_nps(c, v, s.versions),
                            revenue.churn_by_month(c, v), revenue.mrr_by_month(c, v), linkage.current_by_category(c, v),
                            # what customers say: sentiment, by month, themes and each theme's example comments
                            voice.sentiment_shares(c, v, s.versions), voice.sentiment_by_month(c, v, s.versions),
                            voice.theme_languages(c, v, s.versions),
                            (lambda t: voice.quotes_by_theme(c, v, s.versions, tuple(t.theme), 3, "negative"))(
                                voice.themes(c, v, s.versions))],
    "Service": lambda c, v, s: service_page(c, v, s),
    "CIO": lambda c, v, s: [health.sources(c, s, dt.date.today()), health.match_rates(c, s),
                            health.revenue_stopped_while_active(c, s), health.id_spellings(c, s),
                            health.monthly_volumes(c, s), health.revenue_after_churn(c, s),
                            # over all the data version's months, as the page reads them
                            *(lambda every: [nps.channel_mix(c, every)] + [
                                voice.sentiment_shares(c, every, s.versions, by) for by in ("language", "channel")])(
                                View(s.snapshot, s.first_month, s.last_month))],
}


def service_page(c, v: View, s) -> list:
    """The Service page's figures, as pages/service.py reads them (the previous period's where the tickets and the
    data cover it)."""
    tv, target = s.versions["tickets"], service.DEFAULT_TARGET_HOURS
    first = c.execute("SELECT first_date FROM uploads WHERE version = ?", [tv]).fetchone()[0]
    figures = [f(c, w, tv, *a) for w in (v, *([v.previous()] if service.covers_previous(v, first)
                                               and v.previous().start >= s.first_month else []))
               for f, a in ((service.overview, ()), (service.within_target, (target,)))]
    return [*figures, service.measured_at(c, v, tv), service.quality_by_month(c, v, tv, target),
            *([service.churn_by_experience(c, v, tv, target)] if service.covers_previous(v, first) else []),
            service_value.after_ticket(c, v, tv, "nps", target), service_value.after_ticket(c, v, tv, "csat", target),
            service.all_root_causes(c, v, tv), service.open_high_priority(c, v, tv),
            service.arr_open_over_target(c, v, tv, target), service.priority_known(c, v, tv)]


def synthetic(customers: int, months: int = 36, seed: int = 7) -> list[NewUpload]:
    rng = np.random.default_rng(seed)
    first = dt.date(2023, 11, 1)
    ids = np.array([f"C{i:07d}" for i in range(customers)])
    start = rng.integers(-24, months, customers)             # start month index (negative: before the data)
    life = rng.geometric(0.02, customers)                     # months until churn
    end = start + life                                        # churn month index (>= months: still active)
    cust = pd.DataFrame({
        "customer_id": ids, "name": None,
        "start_date": [add_months(first, int(s)) for s in start],
        "churn_date": [add_months(first, int(e)) + dt.timedelta(days=9) if e < months else None for e in end],
        "segment": rng.choice(["SMB", "Mid-Market", "Enterprise"], customers, p=[0.6, 0.3, 0.1]),
        "region": rng.choice(["North America", "EMEA", "APAC", "LATAM"], customers),
        "plan": None,
    })
    base = rng.lognormal(6.5, 1.0, customers).round(2)
    rows_c, rows_m = [], []
    for m in range(months):
        alive = (start <= m) & (end > m)
        rows_c.append(np.nonzero(alive)[0])
        rows_m.append(np.full(alive.sum(), m))
    ci, mi = np.concatenate(rows_c), np.concatenate(rows_m)
    month_dates = np.array([add_months(first, m) for m in range(months)])
    rev = pd.DataFrame({"customer_id": ids[ci], "month": month_dates[mi],
                        "mrr": (base[ci] * (1 + 0.01 * mi)).round(2)})
    n = customers * 4
    who = rng.integers(0, customers, n)
    resp = pd.DataFrame({
        "row_number": np.arange(2, n + 2), "response_id": None, "customer_id": ids[who],
        "response_date": [first + dt.timedelta(days=int(d)) for d in rng.integers(0, months * 30, n)],
        "score": rng.choice(11, n, p=[.02, .02, .02, .03, .04, .05, .07, .1, .17, .25, .23]).astype("int8"),
        "comment": np.where(rng.random(n) < 0.6, np.char.add("comment ", np.arange(n).astype(str)), None),
        "segment": None, "region": None, "channel": rng.choice(["Email", "In-app", "Web"], n),
    })
    return [NewUpload("customers", "customers.csv", "-", cust), NewUpload("revenue", "revenue.csv", "-", rev),
            NewUpload("nps", "nps.csv", "-", resp)]


def synthetic_tickets(customers: int, months: int = 36, seed: int = 7) -> bytes:
    """A support-ticket export in the bundled sample's layout (tickets.csv), ~5 tickets a customer over the same
    months as synthetic(): its rows as the sample's (status, priority, channel, rating, reopens, escalation, tag)."""
    rng = np.random.default_rng(seed)
    n = customers * 5
    first = np.datetime64("2023-11-01T00:00")
    created = first + rng.integers(0, months * 30 * 24 * 60, n).astype("timedelta64[m]")
    reply = created + (rng.exponential(6 * 60, n) + 1).astype("timedelta64[m]")
    solved = created + (rng.exponential(30 * 60, n) + 5).astype("timedelta64[m]")
    status = rng.choice(["closed", "solved", "open", "pending", "hold"], n, p=[0.965, 0.02, 0.008, 0.005, 0.002])
    frame = pd.DataFrame({
        "ticket_id": np.arange(100001, 100001 + n),
        "organization_id": np.char.add("C", np.char.zfill(rng.integers(0, customers, n).astype(str), 7)),
        "created_at": pd.to_datetime(created).strftime("%Y-%m-%d %H:%M:%S"),
        "first_reply_at": pd.to_datetime(reply).strftime("%Y-%m-%d %H:%M:%S"),
        "solved_at": np.where(np.isin(status, ["closed", "solved"]),
                              pd.to_datetime(solved).strftime("%Y-%m-%d %H:%M:%S"), ""),
        "status": status,
        "priority": rng.choice(["Normal", "High", "Low", "Urgent"], n, p=[0.55, 0.24, 0.11, 0.10]),
        "channel": rng.choice(["Email", "Chat", "Web form", "Phone"], n, p=[0.42, 0.25, 0.25, 0.08]),
        "satisfaction_rating": rng.choice(["Offered", "Good", "Unoffered", "Bad"], n, p=[0.61, 0.23, 0.11, 0.05]),
        "reopens": rng.choice([0, 1, 2], n, p=[0.89, 0.09, 0.02]),
        "escalated": np.where(rng.random(n) < 0.08, "true", "false"),
        "tags": rng.choice(["bug", "how-to", "billing", "performance", "integration", "login", "feature-request",
                            "onboarding"], n),
        "subject": "Help needed",
    })
    return frame.to_csv(index=False).encode()


def add_tickets(ws: Workspace, customers: int) -> None:
    """The synthetic tickets stored onto the workspace's data as an upload would (ingest.prepare, then commit)."""
    opts = ingest.Options(kind="tickets", today=dt.date(9999, 12, 31))
    ws.commit([ingest.prepare(synthetic_tickets(customers), "tickets.csv", opts).to_upload()])


def analysed(ws: Workspace) -> None:
    """Stand-in analysis rows for the synthetic comments (random sentiment, 0-2 themes of the shipped map), written
    by SQL: the bench times the page's queries over them, not the text engine (metrics.text; bench_sentiment)."""
    cur = ws.cursor()
    cur.execute(voice.SCHEMA)
    cur.execute(voice.THEMES_SCHEMA)
    cur.execute(voice.DONE_SCHEMA)
    names = theme_store.load(cur, theme_store.latest(cur)).themes
    cur.execute("""
        INSERT INTO comment_analysis
        SELECT version, row_number, 'en',
               ['positive', 'neutral', 'negative', 'not scored'][(1 + hash(row_number) % 4)::BIGINT],
               (hash(row_number * 7) % 200)::BIGINT / 100.0 - 1, [] FROM nps_responses WHERE comment IS NOT NULL""")
    cur.execute("""
        INSERT INTO comment_rows BY NAME
        SELECT n.version AS nps_version, 0 AS theme_map, n.row_number, n.response_id, n.customer_id, n.response_date,
               n.score AS nps_score, n.channel, n.segment, n.region, a.language, a.sentiment, a.score, k.customer_key,
               CASE hash(n.row_number * 11) % 3 WHEN 0 THEN []
               WHEN 1 THEN [$names[(1 + hash(n.row_number * 3) % len($names))::BIGINT]]
               ELSE list_distinct([$names[(1 + hash(n.row_number * 3) % len($names))::BIGINT],
                                   $names[(1 + hash(n.row_number * 5) % len($names))::BIGINT]]) END AS themes
        FROM nps_responses n JOIN comment_analysis a ON a.nps_version = n.version AND a.row_number = n.row_number
        LEFT JOIN customer_index k ON k.customer_id = n.customer_id
        ORDER BY n.response_date, n.row_number""", {"names": names})
    # marked complete, as ensure_themes marks the rows it writes (unmarked rows would be assigned again)
    cur.execute("INSERT INTO comment_rows_done SELECT nps_version, theme_map, count(*) FROM comment_rows GROUP BY ALL")


def profiled(ws: Workspace, repeat: int) -> dict[str, dict[str, float]]:
    """Median ms of each metric function a page calls (its own time, nested calls included), per page: the page
    lambdas look the functions up on their modules at call time, so wrapping the module attributes times them."""
    mods = (cohorts, health, linkage, nps, revenue, service, service_value, value, voice)
    runs: dict[str, dict[str, list[float]]] = {}
    current: dict[str, list[float]] = {}
    originals = []

    def wrap(mod, name, fn):
        label = f"{mod.__name__.split('.')[-1]}.{name}"

        def timed(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                current.setdefault(label, []).append(time.perf_counter() - t)
        return timed

    for mod in mods:
        for name, fn in list(vars(mod).items()):
            if callable(fn) and getattr(fn, "__module__", None) == mod.__name__ and not isinstance(fn, type) \
                    and not name.startswith("_"):
                originals.append((mod, name, fn))
                setattr(mod, name, wrap(mod, name, fn))
    try:
        snap = ws.snapshot()
        view = View(snap.snapshot, add_months(snap.last_month, -11), snap.last_month)
        for page, calls in PAGES.items():
            runs[page] = {}
            for _ in range(repeat):
                current.clear()
                calls(ws.cursor(), view, snap)
                for label, ts in current.items():   # a function called twice on a page: the sum per run
                    runs[page].setdefault(label, []).append(sum(ts))
    finally:
        for mod, name, fn in originals:
            setattr(mod, name, fn)
    return {page: {k: statistics.median(v) for k, v in fs.items()} for page, fs in runs.items()}


def time_pages(ws: Workspace, repeat: int) -> dict[str, float]:
    snap = ws.snapshot()
    view = View(snap.snapshot, add_months(snap.last_month, -11), snap.last_month)
    out = {}
    for page, calls in PAGES.items():
        runs = []
        for _ in range(repeat):
            t = time.perf_counter()
            calls(ws.cursor(), view, snap)
            runs.append(time.perf_counter() - t)
        out[page] = statistics.median(runs)
    return out


def ready(ws: Workspace) -> None:
    """What the app's background job stores for a data version before its pages are viewed (ui.warm), besides the
    comment analysis (analysed): what the Service page reads stored (service.store_for_pages) and the CIO's
    whole-snapshot checks (health.stored_checks)."""
    snap = ws.snapshot()
    tv = snap.versions.get("tickets")
    if tv is not None:
        service.store_for_pages(ws.cursor(), snap.snapshot, tv)
    health.stored_checks(ws.cursor(), snap)


def time_cold(path: Path) -> dict[str, float]:
    """Each page's first run in a fresh process, after the workspace is open (its opening not counted)."""
    out = {}
    for page in PAGES:
        code = (f"import sys, time; sys.path.insert(0, {str(ROOT / 'bench')!r}); import bench_queries as b; "
                f"ws = b.Workspace({str(path)!r}); s = ws.snapshot(); "
                "v = b.View(s.snapshot, b.add_months(s.last_month, -11), s.last_month); t = time.perf_counter(); "
                f"b.PAGES[{page!r}](ws.cursor(), v, s); print(time.perf_counter() - t)")
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        out[page] = float(run.stdout.split()[-1])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=140_000, help="~36 revenue rows each at most")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="folder for the workspace files: reused when they exist "
                        "(same --customers), kept afterwards; default a fresh temporary folder")
    parser.add_argument("--profile", action="store_true", help="also print each metric function's median ms")
    args = parser.parse_args()

    # Workspace files, as the app opens them: an in-memory workspace holds all its data inside DuckDB's memory
    # limit (512MB by default), which the app's file never has to.
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_queries_"))
    folder.mkdir(parents=True, exist_ok=True)
    sample_path, scaled_path = folder / "sample.duckdb", folder / f"scaled_{args.customers}.duckdb"
    reuse_sample, reuse_scaled = sample_path.exists(), scaled_path.exists()
    baseline_ws = Workspace(sample_path)
    if not reuse_sample:
        ingest.load_sample(baseline_ws, ROOT / "sample_data")
        voice.ensure_snapshot(baseline_ws.cursor(), baseline_ws.snapshot().snapshot, 0)  # the engine's, once
    ready(baseline_ws)
    baseline = time_pages(baseline_ws, args.repeat)

    ws = Workspace(scaled_path)
    commit_s = 0.0
    if not reuse_scaled:
        uploads = synthetic(args.customers)
        t = time.perf_counter()
        ws.commit(uploads)
        commit_s = time.perf_counter() - t
        analysed(ws)
    if ws.snapshot().versions.get("tickets") is None:  # a workspace kept from before the Service page was timed
        add_tickets(ws, args.customers)
    ready(ws)
    scaled = time_pages(ws, args.repeat)
    revenue_rows = ws.uploads().set_index("kind").row_count["revenue"]
    facts = ws.cursor().execute("SELECT count(*) FROM fact_customer_month").fetchone()[0]
    ws.close()  # the cold runs open it in processes of their own
    cold = time_cold(scaled_path)
    ws = Workspace(scaled_path)

    sample_rev = baseline_ws.uploads().set_index("kind").row_count["revenue"]
    built = "reused workspace" if reuse_scaled else f"commit + facts {commit_s:.1f} s"
    print(f"baseline: sample data ({sample_rev:,} revenue rows); scaled: {revenue_rows:,} revenue rows, "
          f"{facts:,} fact rows, {built}")
    print(f"{'page':<8}{'baseline ms':>13}{'scaled ms':>11}{'ratio':>8}{'cold ms':>9}")
    for page in PAGES:
        print(f"{page:<8}{1000 * baseline[page]:>13.1f}{1000 * scaled[page]:>11.1f}"
              f"{scaled[page] / baseline[page]:>8.1f}{1000 * cold[page]:>9.1f}")
    if args.profile:
        for page, fns in profiled(ws, args.repeat).items():
            print(f"{page}: " + ", ".join(f"{k} {1000 * v:.1f}" for k, v in
                                          sorted(fns.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    main()
