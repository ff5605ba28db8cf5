"""Root causes from ticket subjects (no tags): themes by the comment text engine, ranked by ARR, with churn after
raising them and the repeat rate, and the knowledge pool's to-do list. Hand-worked on the reference customers and
revenue (MRR in Apr 2025: A 150, D 200; E churned 10 Apr 2025, last paid in March). Window Mar – Apr 2025.

Tickets (subject → themes of the default keyword map, English):
  S1 A 03-02 "Invoice amount looks wrong" → billing       S2 E 03-05 "Charged twice this month" → billing
  S3 A 03-20 "Change of billing contact" → billing        S4 D 04-01 "Salesforce sync fails" → reliability, integrations
  S5 B 02-10 "Webhook not firing" (before the window)     S6 D 04-03 "Can we get custom fields?" → no theme
  S7 A 04-10 "Webhook not firing" → integrations
"""

import datetime as dt

import pandas as pd
import pytest
from conftest import REFERENCE, prepare_bytes, prepare_file

from metrics import service
from metrics.store import Workspace
from metrics.view import View

TICKETS = b"""ticket_id,organization_id,created_at,solved_at,status,subject
S1,A,2025-03-02 09:00:00,2025-03-02 19:00:00,closed,Invoice amount looks wrong
S2,E,2025-03-05 08:00:00,2025-03-07 08:00:00,closed,Charged twice this month
S3,A,2025-03-20 08:00:00,2025-03-21 08:00:00,closed,Change of billing contact
S4,D,2025-04-01 12:00:00,2025-04-02 00:00:00,solved,Salesforce sync fails
S5,B,2025-02-10 10:00:00,2025-02-11 10:00:00,closed,Webhook not firing
S6,D,2025-04-03 10:00:00,,open,Can we get custom fields?
S7,A,2025-04-10 10:00:00,,open,Webhook not firing
"""


@pytest.fixture(scope="module")
def ws_view():
    ws = Workspace(":memory:")
    ws.commit([*(prepare_file(REFERENCE / f"{k}.csv", k).to_upload() for k in ("customers", "revenue")),
               prepare_bytes(TICKETS, "tickets").to_upload()])
    snap = ws.snapshot()
    yield ws, View(snap.snapshot, dt.date(2025, 3, 1), dt.date(2025, 4, 1)), snap.versions["tickets"]
    ws.close()


def test_the_window_subjects_themes(ws_view):
    ws, view, tv = ws_view
    found = service._subject_map(ws.cursor(), view, tv)  # what root causes join the window's tickets to
    assert sorted(map(tuple, found[["subject", "theme"]].values.tolist())) == [
        ("Change of billing contact", "billing"), ("Charged twice this month", "billing"),
        ("Invoice amount looks wrong", "billing"), ("Salesforce sync fails", "integrations"),
        ("Salesforce sync fails", "reliability"), ("Webhook not firing", "integrations")]
    assert found.attrs == {"subjects": 6, "themed": 5}  # S5 is before the window; S6 raises no theme


def test_root_causes_by_subject_theme(ws_view):
    ws, view, tv = ws_view
    r = service.root_causes(ws.cursor(), view, tv, by="theme")
    # integrations: S4 (D), S7 (A): ARR 12 × (200 + 150) = 4,200; reliability: S4 (D) 12 × 200 = 2,400;
    # billing: S1, S3 (A), S2 (E): ARR 12 × 150 = 1,800 (E not paying in April), E churned in April after raising it
    # in March; A raised billing twice → 1 repeat customer of 2.
    assert list(r.tag) == ["integrations", "reliability", "billing"]
    assert r[["tickets", "customers", "repeat_customers", "arr", "at_risk", "churned"]].values.tolist() == [
        [2, 2, 0, 4200.0, 2, 0], [1, 1, 0, 2400.0, 1, 0], [3, 2, 1, 1800.0, 2, 1]]
    assert r.repeat_rate.tolist() == [0.0, 0.0, 0.5] and r.churn_rate.tolist() == [0.0, 0.0, 0.5]
    assert r.too_small.all() and r.repeat_too_small.all()  # fewer than 30 customers each
    assert r.attrs == {"subjects": 6, "themed": 5}
    assert service.root_causes(ws.cursor(), view, tv, by="tag").empty  # no tags in this export
    # the page's one query for both sources gives the same frames
    both = service.all_root_causes(ws.cursor(), view, tv)
    pd.testing.assert_frame_equal(both["theme"], r)
    assert both["theme"].attrs == r.attrs and both["tag"].empty


def test_knowledge_pool_prefers_tags_then_themes(ws_view):
    ws, view, tv = ws_view
    themes = service.root_causes(ws.cursor(), view, tv, by="theme")
    tags = service.root_causes(ws.cursor(), view, tv, by="tag")
    pool = service.knowledge_pool(tags, themes)
    # No tags: the subject themes by tickets (billing 3, integrations 2, reliability 1).
    assert list(pool.tag) == ["billing", "integrations", "reliability"] and set(pool.source) == {"subject theme"}
    tagged = pd.DataFrame({"tag": ["a", "b", "c"], "tickets": [5, 9, 5], "arr": [10.0, 0.0, 20.0]})
    pool = service.knowledge_pool(tagged, themes, top=2)
    # Tags win when there are any; most tickets first, then ARR: b (9), then c (5, ARR 20) before a (5, ARR 10).
    assert list(pool.tag) == ["b", "c"] and set(pool.source) == {"tag"}
    assert service.knowledge_pool(None, None).empty


def test_subject_languages_are_stored_once_per_version_and_read_by_the_page(tmp_path, monkeypatch):
    """store_subject_languages reads the version's distinct subjects once (S5, before the window, too); the subject
    themes then read the stored languages: no language model is consulted when a page is viewed. Deleting the
    version deletes them."""
    from metrics.text import language

    ws = Workspace(tmp_path / "w.duckdb")
    ws.commit([*(prepare_file(REFERENCE / f"{k}.csv", k).to_upload() for k in ("customers", "revenue")),
               prepare_bytes(TICKETS, "tickets").to_upload()])
    tv, cur = ws.snapshot().versions["tickets"], ws.cursor()
    assert not service.subject_languages_stored(cur, tv)
    service.store_subject_languages(cur, tv)
    stored = cur.execute("SELECT subject, language FROM ticket_subject_languages WHERE version = ? ORDER BY subject",
                         [tv]).fetchall()
    assert [s for s, _ in stored] == sorted({"Invoice amount looks wrong", "Charged twice this month",
                                             "Change of billing contact", "Salesforce sync fails",
                                             "Webhook not firing", "Can we get custom fields?"})
    assert {lang for _, lang in stored} == {"en"}

    def no_model(*_a, **_k):
        raise AssertionError("a language model was consulted after the version's languages were stored")

    monkeypatch.setattr(language, "detect", no_model)
    service.store_subject_languages(cur, tv)  # once: nothing to do
    view = View(ws.snapshot().snapshot, dt.date(2025, 3, 1), dt.date(2025, 4, 1))
    r = service.root_causes(cur, view, tv, by="theme")
    assert list(r.tag) == ["integrations", "reliability", "billing"] and r.attrs == {"subjects": 6, "themed": 5}
    # a replacement upload, then the old version deleted: its subjects' languages go with its rows
    ws.commit([prepare_bytes(TICKETS.replace(b"S7,A", b"S8,A"), "tickets").to_upload()])
    ws.delete_version(tv)
    assert cur.execute("SELECT count(*) FROM ticket_subject_languages WHERE version = ?", [tv]).fetchone() == (0,)
    assert cur.execute("SELECT count(*) FROM version_customers WHERE version = ?", [tv]).fetchone() == (0,)  # its ids
    # the replacement's customers: A, B, D, E
    assert cur.execute("SELECT count(*) FROM version_customers WHERE version = ?", [tv + 1]).fetchone() == (4,)
    assert not service.subject_languages_stored(cur, tv)
    ws.close()
