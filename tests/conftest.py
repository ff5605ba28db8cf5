"""Shared fixtures: a workspace holding the hand-worked reference data, and one holding the sample data."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from metrics import ingest  # noqa: E402
from metrics.store import Workspace  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REFERENCE = FIXTURES / "reference"
SAMPLE = ROOT / "sample_data"
TODAY = dt.date(2026, 11, 23)
# the app's clock (ui.today) for AppTests and the browser tests' servers: no figure depends on the day tests run
os.environ["CX_TODAY"] = TODAY.isoformat()


def _scan_installed_components_once() -> None:
    """Every AppTest run asks Streamlit to look for custom components in every installed package's metadata
    (streamlit.components.v2: ~0.2 s of CPU a run, some hundreds of runs in the suite); a server does it once
    at its start. The packages installed do not change while the tests run, so the scan's answer is kept."""
    from functools import cache

    from streamlit.components.v2 import manifest_scanner

    manifest_scanner.scan_component_manifests = cache(manifest_scanner.scan_component_manifests)


_scan_installed_components_once()


def prepare_file(path: Path, kind: str | None = None, **options) -> ingest.Prepared:
    return ingest.prepare(path.read_bytes(), path.name, ingest.Options(kind=kind, today=TODAY, **options))


def prepare_bytes(data: bytes, kind: str | None = None, name: str = "upload.csv", **options) -> ingest.Prepared:
    return ingest.prepare(data, name, ingest.Options(kind=kind, today=TODAY, **options))


def by_month(p: ingest.Prepared) -> dict[tuple[str, str], float]:
    """A prepared revenue file's MRR by (customer, 'YYYY-MM')."""
    return {(r.customer_id, f"{r.month:%Y-%m}"): float(r.mrr) for r in p.rows.itertuples()}


APP = str(ROOT / "app.py")


_TEMPLATES: dict[bool, Path] = {}


@contextlib.contextmanager
def _made_once(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """The path of a file `name` shared by the test run's processes (pytest-xdist gives each worker a base temp
    folder inside the run's), held under a lock: the caller makes the file when it is missing, and a second worker
    waits for it instead of making its own (each worker made every template itself: ~14 s of CPU a worker)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    path = shared / name
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield path


def sample_template(tmp_path_factory: pytest.TempPathFactory, analysed: bool = True) -> Path:
    """A closed workspace file holding the bundled sample company (with its comments analysed and its churn model
    trained and stored, or neither yet), made once per test run (shared by pytest-xdist's workers): a module that
    needs the app on the sample copies it. The app's first run on an empty workspace does the same (ui.workspace:
    ingest.load_sample; the analysis and the training in the background), which took ~7 s of CPU a module for the
    analysis and 6–14 s for the training. The analysed one starts as a copy of the loaded one (loading the sample
    takes ~3.5 s of CPU)."""
    if analysed not in _TEMPLATES:
        from metrics import risk_store, voice

        loaded = None if not analysed else sample_template(tmp_path_factory, analysed=False)
        with _made_once(tmp_path_factory, f"sample_template_{'analysed' if analysed else 'loaded'}.duckdb") as path:
            if not path.exists():
                making = path.with_name(f"making_{path.name}")
                making.unlink(missing_ok=True)
                if loaded:
                    shutil.copy(loaded, making)
                ws = Workspace(making)
                if loaded:
                    for snap in ws.snapshots():
                        voice.ensure_snapshot(ws.cursor(), snap.snapshot)
                        risk_store.trained(ws.cursor(), snap.snapshot, snap.versions)
                else:
                    ingest.load_sample(ws, SAMPLE)
                ws.close()
                os.replace(making, path)
        _TEMPLATES[analysed] = path
    return _TEMPLATES[analysed]


_REFERENCE_FILES: dict[tuple[str, ...], Path] = {}


def reference_workspace(tmp_path_factory: pytest.TempPathFactory, path: Path,
                        kinds: tuple[str, ...] = ("customers", "nps", "revenue")) -> Workspace:
    """A workspace at `path` holding the reference files of `kinds` as one snapshot: committed once per test
    process and copied (preparing and committing the three files took ~1.5 s a test)."""
    if kinds not in _REFERENCE_FILES:
        made = tmp_path_factory.mktemp("reference") / "workspace.duckdb"
        ws = Workspace(made)
        ws.commit([prepare_file(REFERENCE / f"{k}.csv", k).to_upload() for k in kinds])
        ws.close()
        _REFERENCE_FILES[kinds] = made
    shutil.copy(_REFERENCE_FILES[kinds], path)
    return Workspace(path)


@pytest.fixture(scope="module")
def app_workspace(tmp_path_factory, request):
    """Point the app at a new workspace file, fresh caches. What it holds first is the test module's START:
    "sample" (the default: the sample data with its comments analysed, a copy of sample_template, what the app's
    first run and its background work make of an empty workspace), "loaded" (the sample, comments not analysed),
    "empty" (the first run loads the sample), "untrained" (the sample with its comments analysed and no churn
    model stored: a page trains it), or "seed": SEED, what to store first, each a kind of
    tests/fixtures/reference or a (kind, CSV bytes) pair, or (kind, CSV bytes, ingest options)."""
    import os
    import shutil

    import streamlit as st

    path = tmp_path_factory.mktemp("app") / "workspace.duckdb"
    seed = getattr(request.module, "SEED", ())
    start = "seed" if seed else getattr(request.module, "START", "sample")
    if start in ("sample", "loaded", "untrained"):
        shutil.copy(sample_template(tmp_path_factory, analysed=start != "loaded"), path)
    if start == "untrained":
        ws = Workspace(path)
        ws.cursor().execute("DELETE FROM risk_models")
        ws.close()
    if seed:
        ws = Workspace(path)
        ws.commit([(prepare_file(REFERENCE / f"{item}.csv", item) if isinstance(item, str)
                    else prepare_bytes(item[1], item[0], **(item[2] if len(item) > 2 else {}))).to_upload()
                   for item in seed])
        ws.close()
    os.environ["CX_WORKSPACE"] = str(path)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()
    os.environ.pop("CX_WORKSPACE", None)


def stored_state(ws: Workspace) -> dict:
    """Every table of the workspace as (rows, hash of its rows): equal before and after an upload that was refused or
    cancelled, the stored data is byte for byte what it was."""
    cur = ws.cursor()
    tables = [r[0] for r in cur.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
    return {t: cur.execute(f'SELECT count(*), hash(list(t ORDER BY ALL)) FROM "{t}" t').fetchone() for t in tables}


@contextlib.contextmanager
def seeded_workspace(tmp_path_factory: pytest.TempPathFactory, *seed) -> Iterator[None]:
    """The app pointed at a new workspace holding `seed` (each a (kind, CSV bytes) pair, or (kind, CSV bytes, ingest
    options)), with fresh caches, for a module's fixture (app_workspace is per test, from the module's SEED)."""
    import streamlit as st

    path = tmp_path_factory.mktemp("seeded") / "workspace.duckdb"
    ws = Workspace(path)
    ws.commit([prepare_bytes(item[1], item[0], **(item[2] if len(item) > 2 else {})).to_upload() for item in seed])
    ws.close()
    os.environ["CX_WORKSPACE"] = str(path)
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        yield
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
        os.environ.pop("CX_WORKSPACE", None)


def run_app(page: str | None = None, settle: bool = True, **params):
    """Run the app once in AppTest, on `page` (e.g. "pages/cfo.py") with these URL parameters; no exception.

    A data version's first view draws its comment figures and its churn model only once the background job has
    them (a browser looks again every 2 s and reruns the page then). With `settle`, a run that said the analysis was
    under way waits for it and runs again; one that said the model was being trained waits for the job and views
    the page again with the same URL (a rerun in AppTest would drop the entrypoint's sidebar widgets, the period)."""
    from streamlit.testing.v1 import AppTest

    def view():
        app = AppTest.from_file(APP, default_timeout=120)
        for k, v in params.items():
            app.query_params[k] = v
        if page:
            app.switch_page(page)
        return app

    at = view()
    if settle:
        _analyse_comments()  # of the versions stored so far (an empty workspace gets the sample in the run)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if settle and waits_for_comments(at):
        _analyse_comments()
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    if settle and waits_for_training(at):
        _background_done()
        at = view()
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def _analyse_comments() -> None:
    """Every data version's comments analysed; waits for an analysis under way in the background (its lock)."""
    import ui
    from metrics import voice

    ws = ui.workspace()
    for snap in ws.snapshots():
        voice.ensure_snapshot(ws.cursor(), snap.snapshot)


def hold(monkeypatch, owner, name: str):
    """Replace `owner.name` by the same function held until the returned Event is set: a test sees a page while
    that background work (training, comment analysis) is still under way, every time."""
    import threading

    release, original = threading.Event(), getattr(owner, name)

    def held(*args, **kwargs):
        assert release.wait(120), f"the test never released {name}"
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, held)
    return release


def waits_for_comments(at) -> bool:
    """Whether the run said a comment analysis was under way (ui.comments_ready)."""
    return any("comments" in i.value and "when ready" in i.value for i in at.info)


def waits_for_training(at) -> bool:
    """Whether the run said a data version's churn model was being trained (ui.awaiting's notice)."""
    return any("churn model" in i.value and "when ready" in i.value for i in at.info)


def _background_done() -> None:
    """The background jobs started so far (ui.warm: stored checks, comments, then the churn model) finished."""
    import ui

    for job in list(ui._jobs()["jobs"].values()):
        assert job["done"].wait(120), "a background job did not finish in 120 s"


def store_button(at, index: int = 0):
    """The Data page's "Store as the new … version" button of the `index`-th file."""
    return [b for b in at.button if (b.key or "").startswith("store_")][index]


@pytest.fixture
def reference_ws(tmp_path_factory, tmp_path):
    """The reference dataset of tests/fixtures/reference, every figure of which is worked out by hand in
    test_metrics.py (a copy of it stored once per test process: reference_workspace)."""
    ws = reference_workspace(tmp_path_factory, tmp_path / "reference.duckdb")
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def sample_ws(tmp_path_factory):
    """The bundled sample company as ingest.load_sample stores it (a copy of the loaded sample_template)."""
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    shutil.copy(sample_template(tmp_path_factory, analysed=False), path)
    ws = Workspace(path)
    yield ws
    ws.close()


# ---- browser tests (tests/browser_support.py): a module-scoped chromium, a fresh context per test ---------
@pytest.fixture(scope="module")
def browser():
    from browser_support import CHROMIUM, CHROMIUM_ARGS, pw  # skips the module when chromium is missing

    with pw.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    from browser_support import WAIT_MS

    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # wide: sidebar expanded
    context.set_default_timeout(WAIT_MS)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


# ---- order: the longest files first ----------------------------------------------------------------------------
# bin/test runs the files on two workers (pytest-xdist, --dist loadfile --no-loadscope-reorder). xdist would start
# the files with the most tests first, which leaves the few long browser and Spark files for the end, one worker
# busy while the other waits (~1 min of a 12-min run). Started first, the rest fills in around them. Worker-seconds
# measured in a whole run (--durations=0), longest first; a file not listed keeps its place after these.
# test_browser_questions.py had 1 test when this was measured and has 6 since (two of them 46 s and 32 s in the
# last CI run, its 9th and 15th slowest items): unlisted, it started among the last files.
LONGEST_FIRST = ("test_browser.py", "spark/test_spark_facts.py", "test_browser_share.py", "test_browser_signin.py",
                 "test_browser_upload.py", "test_browser_questions.py", "test_app.py", "test_ingest.py",
                 "test_metric_sql.py", "test_app_themes.py", "test_browser_themes.py")


def pytest_collection_modifyitems(config, items) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    tests = Path(__file__).resolve().parent

    def key(item) -> int:
        path = Path(str(item.path)).resolve()
        return rank.get(path.relative_to(tests).as_posix() if path.is_relative_to(tests) else "", len(rank))

    items.sort(key=key)  # stable: within a file, and among the unlisted files, the collected order stays


@pytest.fixture(autouse=True)
def _upload_jobs_are_waited_for(monkeypatch):
    """AppTest runs the Data page in this process, once per run(): the page waits jobs.WAIT_SECONDS (2 s) for a check
    or store job, then shows progress and polls in a fragment, which a single AppTest run does not follow. On a loaded
    CI machine a check took longer than 2 s and a test read the page before its verdict. Here the page waits for the
    job (up to a minute); the tests of the progress path set their own wait."""
    from metrics import jobs

    monkeypatch.setattr(jobs, "WAIT_SECONDS", 60.0)
