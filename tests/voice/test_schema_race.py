"""A new workspace's comment tables are created by whichever thread reads them first: a page's voice.analysed and the
background job's ensure_analysis ran the same CREATE … IF NOT EXISTS at the same moment, and DuckDB refused the second
as a write-write conflict on the catalogue — a traceback on the CFO page of a board link opened on a new workspace
(21 of 30 tries before the fix)."""

import threading

from metrics import theme_store, voice
from metrics.store import Workspace


def _together(target, tries: int = 30) -> list[Exception]:
    errors: list[Exception] = []
    for _ in range(tries):
        ws = Workspace(":memory:")
        barrier = threading.Barrier(2)

        def run(ws=ws, barrier=barrier):
            cur = ws.cursor()
            barrier.wait()
            try:
                target(cur)
            except Exception as e:  # noqa: BLE001 - every failure is the finding
                errors.append(e)

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        names = {r[0] for r in ws.cursor().execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert {"comment_analysis", "comment_rows", "comment_analysis_done", "comment_rows_done"} <= names or \
            target is not voice._schema
        ws.close()
    return errors


def test_two_threads_creating_the_comment_tables_at_once_both_succeed():
    assert _together(voice._schema) == []


def test_two_threads_setting_up_the_theme_maps_at_once_store_the_shipped_map_once():
    assert _together(theme_store.ensure) == []
    ws = Workspace(":memory:")
    theme_store.ensure(ws.cursor())
    theme_store.ensure(ws.cursor())
    assert ws.cursor().execute("SELECT list(version) FROM theme_map_versions").fetchone()[0] == [0]
