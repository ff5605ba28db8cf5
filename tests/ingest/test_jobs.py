"""Uploads as jobs (metrics/jobs.py): one start per key, Cancel that interrupts a running DuckDB query, an
unwatched job cancelled, and a cancelled store that leaves the workspace exactly as it was — in the library and on
the Data page (AppTest)."""

from __future__ import annotations

import threading
import time

import duckdb
import pytest
from conftest import REFERENCE, TODAY, prepare_file, run_app, store_button, stored_state

from metrics import ingest, jobs
from metrics.ingest import session
from metrics.store import Workspace

LONG_QUERY = "SELECT sum(i) FROM range(1000000000000) t(i)"  # minutes of work unless interrupted


def wait_until(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_the_same_key_starts_the_work_once():
    registry = jobs.Jobs()
    runs = []
    first = registry.start("k", "work", lambda job: runs.append(1) or 42)
    again = registry.start("k", "work", lambda job: runs.append(2) or 43)
    assert again is first and first.wait(10)
    assert first.state == jobs.DONE and first.result == 42 and runs == [1]


def test_cancel_interrupts_a_running_query_and_stops_at_the_next_step():
    registry = jobs.Jobs()
    running = threading.Event()

    def work(job):
        con = duckdb.connect()
        job.watch(con)
        job.step("counting", 0.1)
        running.set()
        con.execute(LONG_QUERY).fetchone()
        job.step("never reached", 0.9)

    job = registry.start("k", "count", work)
    assert running.wait(10)
    started = time.monotonic()
    job.cancel("cancelled on this page")
    assert job.wait(10) and time.monotonic() - started < 10
    assert job.state == jobs.CANCELLED and job.reason == "cancelled on this page"
    assert isinstance(job.error, duckdb.InterruptException) and job.step_name == "counting"


def test_a_job_nobody_watches_is_cancelled():
    registry = jobs.Jobs(idle_seconds=0.5, tick=0.1)
    job = registry.start("k", "wait", lambda job: (job.watch(c := duckdb.connect()), c.execute(LONG_QUERY)))
    assert job.wait(15)
    assert job.state == jobs.CANCELLED and "nobody was watching" in job.reason


def test_a_superseded_job_is_cancelled_and_dropped():
    registry = jobs.Jobs()
    gate = threading.Event()
    old = registry.start("f:prepare:a", "old", lambda job: (gate.wait(10), job.step("next", 0.5)))
    new = registry.start("f:prepare:b", "new", lambda job: 1, replaces="f:prepare:")
    gate.set()
    assert old.wait(10) and new.wait(10)
    assert old.state == jobs.CANCELLED and registry.get("f:prepare:a") is None and new.result == 1


def test_a_cancelled_store_stores_nothing(tmp_path, monkeypatch):
    ws = Workspace(tmp_path / "ws.duckdb")
    ws.commit([prepare_file(REFERENCE / f"{k}.csv", k).to_upload() for k in ("customers", "nps", "revenue")])
    before = stored_state(ws)
    prepared = prepare_file(REFERENCE / "revenue.csv", "revenue")
    building = threading.Event()
    original = Workspace._build_snapshot

    def slow(self, cur, sources):  # the new version's rows are written; the facts take "minutes"
        building.set()
        cur.execute(LONG_QUERY).fetchone()
        return original(self, cur, sources)

    monkeypatch.setattr(Workspace, "_build_snapshot", slow)
    job = jobs.Jobs().start("k", "store", session.store_work(ws, prepared.to_upload(), leave_sample=False,
                                                             append=False))
    assert building.wait(15)
    job.cancel("cancelled on this page")
    assert job.wait(15) and job.state == jobs.CANCELLED
    assert stored_state(ws) == before  # not one row of the half-done commit remains
    ws.close()


def test_prepare_as_a_job_reads_from_the_spooled_file(tmp_path):
    path, sha = session.spool(memoryview((REFERENCE / "revenue.csv").read_bytes()), tmp_path)
    assert path.read_bytes() == (REFERENCE / "revenue.csv").read_bytes()
    assert session.spool(memoryview(path.read_bytes()), tmp_path) == (path, sha)  # spooled once
    options = ingest.Options(kind="revenue", today=TODAY)
    job = jobs.Jobs().start("k", "check", session.prepare_work(path, "revenue.csv", options, tmp_path))
    assert job.wait(30) and job.state == jobs.DONE
    expected = prepare_file(REFERENCE / "revenue.csv", "revenue")
    assert job.result.sha256 == sha == expected.sha256
    assert job.result.rows.equals(expected.rows)
    assert not list(tmp_path.glob("cx_spill_*"))  # the parse connection's spill folder is gone


# ---- the Data page -----------------------------------------------------------------------------------------------
def _store_started(monkeypatch, build):
    """The Data page with the reference revenue file checked and its store started on the company's own data,
    `build` standing in for Workspace._build_snapshot; returns the AppTest after the click and what the page
    showed before the upload (history rows, data version)."""
    at = run_app("pages/data.py")
    before = {"history": len(at.dataframe[-1].value), "version": at.selectbox(key="v").value}
    at.file_uploader[0].upload("revenue_small.csv", (REFERENCE / "revenue.csv").read_bytes(), "text/csv")
    assert wait_until(lambda: (at.run(timeout=10), any("reads as **Revenue**" in s.value for s in at.success))[1])
    at.selectbox(key="sample_choice").set_value("own")
    at.run(timeout=10)
    monkeypatch.setattr(Workspace, "_build_snapshot", build)
    store_button(at).click()
    at.run(timeout=10)
    return at, before


@pytest.mark.usefixtures("app_workspace")
def test_cancel_on_the_data_page_stores_nothing(monkeypatch):
    monkeypatch.setattr(jobs, "WAIT_SECONDS", 0.2)  # the page shows progress at once instead of waiting
    building = threading.Event()
    original = Workspace._build_snapshot

    def slow(self, cur, sources):
        building.set()
        cur.execute(LONG_QUERY).fetchone()
        return original(self, cur, sources)

    at, before = _store_started(monkeypatch, slow)
    history = before["history"]
    assert building.wait(15)
    assert any("Storing revenue\\_small.csv: storing and building the facts" in (p.proto.text or "")
               for p in at.get("progress"))
    cancel = next(b for b in at.button if (b.key or "").startswith("cancel_"))
    cancel.click()
    at.run(timeout=10)
    shown = []
    for _ in range(100):  # the page polls until the interrupted commit has rolled back, then says so once
        shown += [e.value for e in at.error]
        if shown or not any((b.key or "").startswith("cancel_") for b in at.button):
            break
        time.sleep(0.2)
        at.run(timeout=10)
    shown += [e.value for e in at.error]
    assert any(e.startswith("Nothing was stored: cancelled on this page") for e in shown), shown
    assert not at.exception
    assert len(at.dataframe[-1].value) == history  # the upload history: no new version


@pytest.mark.usefixtures("app_workspace")
def test_a_store_that_ends_in_a_later_run_shows_its_version(monkeypatch):
    """A store longer than the page's wait (a large file) ends in a later run, after the sidebar's data-version
    box is drawn: the page says what was stored and the dashboard moves to the new version, without a traceback
    (it raised StreamlitWidgetAlreadyInstantiatedError for the 5M-line revenue file in the browser)."""
    monkeypatch.setattr(jobs, "WAIT_SECONDS", 0.2)
    release = threading.Event()
    original = Workspace._build_snapshot

    def held(self, cur, sources):
        assert release.wait(60), "the test never released the store"
        return original(self, cur, sources)

    at, started = _store_started(monkeypatch, held)
    before = started["version"]
    assert any("Storing revenue\\_small.csv" in (p.proto.text or "") for p in at.get("progress"))
    release.set()
    job = next(j for j in jobs.JOBS._jobs.values() if j.label == "Storing revenue_small.csv")
    assert job.wait(30)
    at.run(timeout=30)  # the progress fragment's rerun: the store has ended
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(s.value for s in at.success)
    assert "Stored revenue\\_small.csv as version" in shown, shown
    assert at.selectbox(key="v").value != before and f"data version #{at.selectbox(key='v').value}" in shown


def test_the_check_takes_over_the_reading_of_the_mapping_step(tmp_path, monkeypatch):
    """inspect_work reads the file once; prepare_work with the same read-level answers checks that same table
    (not a second read) and gives what a fresh prepare gives; other read-level answers read the file again."""
    from metrics.ingest import pipeline

    expected = prepare_file(REFERENCE / "revenue.csv", "revenue")  # a fresh prepare, before reads are counted
    reads, real = [], pipeline.load

    def counted(*args, **kwargs):
        reads.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "load", counted)
    path, _sha = session.spool(memoryview((REFERENCE / "revenue.csv").read_bytes()), tmp_path)
    runner = jobs.Jobs()
    seen = runner.start("i", "read", session.inspect_work(path, "revenue.csv", {}, tmp_path))
    assert seen.wait(30) and seen.state == jobs.DONE and seen.result.kind == "revenue"
    limit = session._KEPT[str(path)].con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert limit in ("244.1 MiB", "256.0 MB"), limit  # the page's parse connection (session.PAGE_MEMORY)
    options = ingest.Options(kind="revenue", today=TODAY)
    job = runner.start("p", "check", session.prepare_work(path, "revenue.csv", options, tmp_path))
    assert job.wait(30) and job.state == jobs.DONE
    assert len(reads) == 1  # the check read nothing again
    assert job.result.rows.equals(expected.rows) and job.result.sha256 == expected.sha256

    again = runner.start("p2", "check", session.prepare_work(path, "revenue.csv", options, tmp_path))
    assert again.wait(30) and again.state == jobs.DONE and len(reads) == 2  # taken once: a second check reads
    assert again.result.rows.equals(expected.rows)

    runner.start("i2", "read", session.inspect_work(path, "revenue.csv", {}, tmp_path)).wait(30)
    other = ingest.Options(kind="revenue", today=TODAY, answers={"delimiter": ";"})
    job = runner.start("p3", "check", session.prepare_work(path, "revenue.csv", other, tmp_path))
    job.wait(30)
    assert len(reads) == 4  # another delimiter: the kept reading does not fit, the file is read again
    session.release(path)
    assert not list(tmp_path.glob("cx_spill_*"))  # every parse connection closed, its spill folder gone
