"""Several files of one response kind in one data version (commit(append=True)): each its own version,
answers found in two sources counted once, removable on its own; roll back and delete keep their rules."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import prepare_bytes, reference_workspace

from metrics import nps
from metrics.ingest import stored_summary
from metrics.store import RepeatedSourceError, Workspace
from metrics.view import View

# Another survey year: r1 again (same id and date; its score corrected 9 → 10), and two answers of 2024.
EARLIER = b"response_id,customer_id,responded_at,score\nr1,A,2024-12-20,10\ns1,A,2024-06-15,3\ns2,D,2024-07-10,9\n"


@pytest.fixture
def ws(tmp_path_factory, tmp_path):
    w = reference_workspace(tmp_path_factory, tmp_path / "workspace.duckdb")
    yield w
    w.close()


def responses(w: Workspace, snapshot: int) -> int:
    return w.cursor().execute("SELECT sum(responses) FROM fact_nps WHERE snapshot = ?", [snapshot]).fetchone()[0]


def test_append_keeps_both_files_and_counts_a_shared_answer_once(ws):
    snap = ws.commit([prepare_bytes(EARLIER, "nps", name="survey-2024.csv").to_upload()], append=True)
    assert snap.sources["nps"] == (2, 4) and snap.versions["nps"] == 4
    assert snap.sources["revenue"] == (3,) and snap.sources["customers"] == (1,)
    assert responses(ws, 1) == 8 and responses(ws, 2) == 8 + 2  # r1 once, not 11
    assert snap.first_month == dt.date(2024, 6, 1)  # the period now reaches the earlier survey year
    summer = nps.summary(ws.cursor(), View(2, dt.date(2024, 6, 1), dt.date(2024, 7, 1)))
    assert (summer.n, summer.promoters, summer.detractors) == (2, 1, 1)
    # Dec 2024: r1 from the later source, score 10 (the reference's 9 is not counted as well)
    dec = ws.cursor().execute("SELECT score, sum(responses) FROM fact_nps WHERE snapshot = 2 AND month = "
                              "DATE '2024-12-01' GROUP BY score").fetchall()
    assert dec == [(10, 1)]
    history = ws.history().set_index("version")
    assert history.loc[2, "status"] == "in use" and history.loc[4, "status"] == "in use"
    assert "nps: 2 sources (versions 2, 4)" in ws.snapshot_events().set_index("snapshot").loc[2, "detail"]


def test_answers_without_ids_are_matched_on_customer_and_date():
    w = Workspace(":memory:")
    w.commit([prepare_bytes(b"customer_id,date,score\nA,2025-01-05,9\nA,2025-01-05,7\nB,2025-01-06,3\n", "nps")
              .to_upload()])
    w.commit([prepare_bytes(b"customer_id,date,score\nB,2025-01-06,4\nC,2025-02-01,10\n", "nps").to_upload()],
             append=True)
    # A's two answers of one day come from one file: both kept. B on Jan 6 is in both: the later file's 4.
    # A 9, A 7, B 4, C 10 → promoters 2, passives 1, detractors 1 of 4 → NPS 100 × (2 − 1) ÷ 4 = 25.
    r = nps.summary(w.cursor(), View(2, dt.date(2025, 1, 1), dt.date(2025, 2, 1)))
    assert (r.n, r.promoters, r.passives, r.detractors, r.value) == (4, 2, 1, 1, 25)
    w.close()


def test_a_re_export_without_ids_is_refused_as_another_source_and_leaves_the_workspace_as_it_was():
    """Google Forms writes no response id: a later export (the same 3 answers and 1 new) added beside the first
    would count the 3 twice (n 7, not 4). Refused, naming the version to replace; a different survey's answers are
    added, and the summary says they cannot be matched."""
    first = b"Timestamp,Score\n2026/01/03 10:12:33,10\n2026/02/04 11:00:00,9\n2026/02/05 12:00:00,2\n"
    again = first + b"2026/03/01 09:00:00,7\n"
    w = Workspace(":memory:")
    w.commit([prepare_bytes(first, "nps").to_upload()])
    with pytest.raises(RepeatedSourceError, match="3 of this file's 4 answers without a response id or customer "
                                                  "id are alike .* to answers of version 1"):
        w.commit([prepare_bytes(again, "nps").to_upload()], append=True)
    assert w.snapshot().snapshot == 1 and list(w.uploads().version) == [1]
    other = b"Timestamp,Score\n2026/03/03 10:00:00,10\n2026/03/04 11:00:00,10\n"
    snap = w.commit([prepare_bytes(other, "nps").to_upload()], append=True)
    assert snap.sources["nps"] == (1, 2)
    assert "its 2 answers without a response id or customer id cannot be matched" in stored_summary(w, 2, None, [1])
    w.close()


def test_a_source_is_removed_on_its_own_then_deleted(ws):
    ws.commit([prepare_bytes(EARLIER, "nps").to_upload()], append=True)
    with pytest.raises(ValueError, match="in use"):
        ws.delete_version(4)
    removed = ws.remove_source(4)
    assert removed.snapshot == 3 and removed.sources["nps"] == (2,) and responses(ws, 3) == 8
    assert "version 4 removed as a source" in ws.snapshot_events().set_index("snapshot").loc[3, "detail"]
    with pytest.raises(ValueError, match="only source"):
        ws.remove_source(2)
    assert ws.delete_version(4) == [2]  # data version #2 read it: emptied, as for any deleted version
    assert ws.snapshot(2).sources == {} and responses(ws, 3) == 8


def test_rollback_makes_one_version_the_only_source(ws):
    ws.commit([prepare_bytes(EARLIER, "nps").to_upload()], append=True)
    back = ws.rollback(2)
    assert back.sources["nps"] == (2,) and responses(ws, back.snapshot) == 8
    forward = ws.rollback(4)
    assert forward.sources["nps"] == (4,) and responses(ws, forward.snapshot) == 3


def test_replace_is_still_the_default_and_only_responses_append(ws):
    snap = ws.commit([prepare_bytes(EARLIER, "nps").to_upload()])
    assert snap.sources["nps"] == (4,) and responses(ws, snap.snapshot) == 3
    with pytest.raises(ValueError, match="Only response files"):
        ws.commit([prepare_bytes(b"customer_id,month,mrr\nA,2025-04,999\n", "revenue").to_upload()], append=True)


def test_snapshots_of_older_workspace_files_get_their_sources(tmp_path):
    import duckdb

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("""CREATE TABLE snapshots (snapshot INTEGER PRIMARY KEY, nps_version INTEGER,
                   customers_version INTEGER, revenue_version INTEGER, created_at TIMESTAMP NOT NULL,
                   first_month DATE, last_month DATE)""")
    con.execute("INSERT INTO snapshots VALUES (1, 2, 1, 3, TIMESTAMP '2026-01-01 10:00', NULL, NULL), "
                "(2, NULL, NULL, NULL, TIMESTAMP '2026-01-02 10:00', NULL, NULL)")
    con.close()
    w = Workspace(path)
    assert w.snapshot(1).sources == {"nps": (2,), "customers": (1,), "revenue": (3,)}
    assert w.snapshot(2).sources == {}
    w.close()
    w = Workspace(path)  # opening again adds nothing twice
    assert w.cursor().execute("SELECT count(*) FROM snapshot_sources").fetchone()[0] == 3
    w.close()


def test_a_date_condition_before_deduplication_keeps_the_same_answers(ws):
    """source_rows(dates=…) filters before ranking the copies of an answer: the same rows as filtering after."""
    from metrics.store import source_rows

    ws.commit([prepare_bytes(EARLIER, "nps", name="survey-2024.csv").to_upload()], append=True)
    params = {"s": 2, "start": dt.date(2024, 12, 1), "end": dt.date(2024, 12, 31)}
    cols = "version, response_id, customer_id, response_date, score"
    inside = ws.cursor().execute(
        f"SELECT {cols} FROM {source_rows('nps', 's', dates='response_date BETWEEN $start AND $end')} ORDER BY ALL",
        params).fetchall()
    after = ws.cursor().execute(
        f"SELECT {cols} FROM {source_rows('nps', 's')} WHERE response_date BETWEEN $start AND $end ORDER BY ALL",
        params).fetchall()
    assert inside == after
    # r1 of 20 Dec 2024 is in both files: once, from the later version (4), with its corrected 10
    assert [(r[0], r[4]) for r in inside if r[1] == "r1"] == [(4, 10)]


def test_one_source_is_read_without_ranking_and_gives_the_same_rows(ws):
    """source_rows(single=True), for a snapshot that reads one NPS source, skips the de-duplication (the pages'
    window queries on raw answers spent most of their time ranking): the same rows; with two sources it is not
    used, since sources_read() says two."""
    from metrics.store import source_rows, sources_read

    cur = ws.cursor()
    assert sources_read(cur, 1, "nps") == 1
    plain, single = (cur.execute(f"SELECT * FROM {source_rows('nps', 's', single=s)} ORDER BY ALL", {"s": 1})
                     .fetchall() for s in (False, True))
    assert plain == single and len(plain) > 0
    assert "QUALIFY" not in source_rows("nps", "s", single=True) and "QUALIFY" in source_rows("nps", "s")
    ws.commit([prepare_bytes(EARLIER, "nps", name="survey-2024.csv").to_upload()], append=True)
    assert sources_read(cur, 2, "nps") == 2


def test_upload_infos_reads_the_records_of_several_versions_at_once(ws):
    infos = ws.upload_infos([3, None, 1, 99])  # None: a kind the data version lacks; 99: no such version
    assert sorted(infos) == [1, 3]
    assert (infos[1]["kind"], infos[1]["file_name"], infos[1]["row_count"]) == ("customers", "customers.csv", 5)
    assert (infos[3]["kind"], infos[3]["file_name"]) == ("revenue", "revenue.csv")
    assert infos[3] == ws.upload_info(3) and ws.upload_info(None) is None and ws.upload_info(99) is None
    assert ws.upload_infos([None]) == {}


def test_recent_comments_read_each_answer_once_from_one_source_or_several(ws):
    # r7 again with its comment rewritten, and a new answer t1: appended, r7's later wording is the one shown,
    # once; after a roll back to the reference alone (one source, read by its version) its own wording again.
    later = (b"response_id,customer_id,responded_at,score,comment\n"
             b"r7,D,2025-04-02,10,Fixed it fast\nt1,B,2025-04-05,2,Billing is wrong\n")
    ws.commit([prepare_bytes(later, "nps", name="survey-b.csv").to_upload()], append=True)
    window = View(2, dt.date(2025, 1, 1), dt.date(2025, 4, 1))
    both = nps.recent_comments(ws.cursor(), window, ws.snapshot().versions)
    assert both.comment.tolist() == ["Billing is wrong", "Fixed it fast", "Love it", "Price went up",
                                     "Too slow, and support never answered"]
    assert both.customer.fillna("-").tolist() == ["B", "D", "-", "A", "B"]
    back = ws.rollback(2)
    alone = nps.recent_comments(ws.cursor(), View(back.snapshot, window.start, window.end), back.versions, limit=2)
    assert alone.comment.tolist() == ['Fixed my "big" problem', "Love it"]


def test_the_cio_sources_list_every_file_a_data_version_reads(ws):
    # Appended NPS files are each a source: the CIO table listed only the latest, so "Oldest source" (the most days
    # since a source's last date) missed an older survey still in use. EARLIER ends 2024-12-20, the reference
    # 2025-04-03.
    from metrics import health

    ws.commit([prepare_bytes(EARLIER, "nps", name="survey-2024.csv").to_upload()], append=True)
    src = health.sources(ws.cursor(), ws.snapshot(), dt.date(2025, 5, 31))
    nps_rows = src[src.source == "NPS responses"]
    assert nps_rows.version.tolist() == [2, 4] and nps_rows.rows.tolist() == [8, 3]
    assert nps_rows.days_old.tolist() == [58, 162]  # 3 Apr -> 31 May 2025; 20 Dec 2024 -> 31 May 2025
    assert src.days_old.max() == 162
    assert len(src[src.source == "Revenue"]) == 1 and src[src.source == "CSAT answers"].version.isna().all()


def test_answers_are_stored_in_date_order_whatever_the_file_order():
    # schema.STORED_ORDER: a window of dates then reads only its row groups. A newest-first file (SurveyMonkey
    # writes so) and a shuffled one are both stored oldest first, ties in file order; the rows keep their numbers.
    w = Workspace(":memory:")
    w.commit([prepare_bytes(b"customer_id,date,score\nA,2025-03-02,9\nB,2025-01-05,7\nC,2025-02-01,3\n"
                            b"D,2025-01-05,10\n", "nps").to_upload()])
    stored = w.cursor().execute("SELECT customer_id, response_date, row_number FROM nps_responses "
                                "ORDER BY rowid").fetchall()
    assert stored == [("B", dt.date(2025, 1, 5), 3), ("D", dt.date(2025, 1, 5), 5), ("C", dt.date(2025, 2, 1), 4),
                      ("A", dt.date(2025, 3, 2), 2)]
    w.close()


# Two Microsoft Forms (one per region), each numbering its responses 1, 2, 3 … in 'ID', anonymous
FORM_EMEA = ("ID,Start time,Completion time,Email,Name,How likely are you to recommend Acme to a friend or colleague?\n"
             "1,5/1/26 10:00:00,5/1/26 10:01:10,anonymous,,10\n2,5/1/26 12:00:00,5/1/26 12:00:40,anonymous,,9\n"
             "3,5/2/26 9:00:00,5/2/26 9:02:00,anonymous,,3\n4,5/3/26 15:00:00,5/3/26 15:00:30,anonymous,,8\n")
FORM_AMER = ("ID,Start time,Completion time,Email,Name,How likely are you to recommend Acme to a friend or colleague?\n"
             "1,5/1/26 11:00:00,5/1/26 11:01:00,anonymous,,2\n2,5/1/26 16:00:00,5/1/26 16:00:50,anonymous,,6\n"
             "3,5/2/26 18:00:00,5/2/26 18:01:00,anonymous,,10\n4,5/4/26 8:00:00,5/4/26 8:00:40,anonymous,,10\n")


def test_two_forms_numbering_their_answers_alike_keep_every_answer():
    """Each form's answer 1 of 1 May was one answer (same response id, same date): three of the first form's were
    dropped, NPS 0 on 5. The form's number is kept with the answer's time, so the second form adds its four and a
    second export of the first form adds none. Hand: 10, 9, 3, 8, 2, 6, 10, 10: promoters 4, detractors 3 of 8 =
    +12.5."""
    answers = {"date_format:Completion time": "%m/%d/%y %H:%M:%S"}
    form = lambda text: prepare_bytes(text.encode(), "nps", answers=answers).to_upload()  # noqa: E731
    w = Workspace(":memory:")
    w.commit([form(FORM_EMEA)])
    assert list(w.cursor().execute("SELECT response_id FROM nps_responses ORDER BY row_number").fetchall())[0] == \
        ("1 at 5/1/26 10:01:10",)
    w.commit([form(FORM_AMER)], append=True)
    w.commit([form(FORM_EMEA.replace(",8\n", ",8\n5,5/5/26 9:00:00,5/5/26 9:00:30,anonymous,,0\n"))], append=True)
    may = lambda snap: nps.summary(w.cursor(), View(snap, dt.date(2026, 5, 1), dt.date(2026, 5, 1)))  # noqa: E731
    r = may(2)
    assert (r.n, r.promoters, r.detractors, r.value) == (8, 4, 3, 12.5)
    r = may(3)  # the first form again with a fifth answer (a 0): only that one is new
    assert (r.n, r.promoters, r.detractors) == (9, 4, 4)
    w.close()
