"""Theme-map versions in the workspace: each edit kind, the history with who and when, going back, validation
errors, and comment themes keyed by the version (a figure never mixes two maps).

The clock is injected: every version below is stamped 2026-03-0N 09:00 for its number N."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "risk"))
from risk_builders import build, fake_analyse_chunks, months  # noqa: E402

from metrics import theme_store, voice  # noqa: E402
from metrics.store import Workspace  # noqa: E402
from metrics.text import themes  # noqa: E402
from metrics.view import View  # noqa: E402


class Clock:
    """2026-03-01 09:00, then one day later at each call."""

    def __init__(self):
        self.calls = 0

    def __call__(self) -> dt.datetime:
        self.calls += 1
        return dt.datetime(2026, 3, self.calls, 9, 0)


@pytest.fixture
def cur():
    ws = Workspace(":memory:")
    yield ws.cursor()
    ws.close()


def test_version_zero_is_the_shipped_map_stored_once(cur):
    clock = Clock()
    theme_store.ensure(cur, clock)
    theme_store.ensure(cur, clock)  # a second call stores nothing
    assert theme_store.latest(cur) == 0
    assert theme_store.load(cur, 0).to_dict() == themes.default_map().to_dict()
    h = theme_store.history(cur)
    assert h[["version", "action", "created_by", "themes"]].values.tolist() == [[0, "shipped", "shipped default", 10]]
    assert h.created_at.iloc[0] == dt.datetime(2026, 3, 1, 9, 0)


def test_each_edit_is_a_new_version_with_who_and_when(cur):
    clock = Clock()
    theme_store.ensure(cur, clock)                                                 # version 0, 1 March
    assert theme_store.rename(cur, "price", "Cost & value", "ana@example.com", clock) == 1
    assert theme_store.merge(cur, "billing", "Cost & value", "ben@example.com", clock) == 2
    assert theme_store.add_theme(cur, "planning", {"en": ["gantt", "timeline*"], "fr": ["planning"]},
                                 "ana@example.com", clock) == 3
    assert theme_store.add_keywords(cur, "planning", "de", ["Zeitplan*"], "ana@example.com", clock) == 4
    assert theme_store.remove_keyword(cur, "Cost & value", "en", "fee", "ben@example.com", clock) == 5

    h = theme_store.history(cur).set_index("version")
    assert list(h.index) == [5, 4, 3, 2, 1, 0]  # newest first
    assert list(h.action) == ["remove_keyword", "add_keywords", "add_theme", "merge", "rename", "shipped"]
    assert list(h.created_by) == ["ben@example.com", "ana@example.com", "ana@example.com", "ben@example.com",
                                  "ana@example.com", "shipped default"]
    assert h.loc[3, "created_at"] == dt.datetime(2026, 3, 4, 9, 0)  # the fourth stamp: version 0 took the first
    assert list(h.based_on.loc[[5, 4, 3, 2, 1]]) == [4, 3, 2, 1, 0]
    assert h.loc[1, "detail"] == "renamed “price” to “Cost & value”"
    assert h.loc[2, "detail"] == "merged “billing” into “Cost & value”"
    assert h.loc[3, "detail"] == "added theme “planning” (en: gantt, timeline*; fr: planning)"
    assert h.loc[4, "detail"] == "added German keywords to “planning”: Zeitplan*"
    assert h.loc[5, "detail"] == "removed the English keyword “fee” from “Cost & value”"
    # 10 shipped themes; billing merged away (9), planning added (10)
    assert list(h.themes.loc[[0, 1, 2, 3]]) == [10, 10, 9, 10]

    shipped, now = theme_store.load(cur, 0), theme_store.load(cur, 5)
    assert now.themes == ["Cost & value", "support", "onboarding", "reliability", "performance", "features",
                          "usability", "documentation", "integrations", "planning"]
    en = now.languages["en"]["Cost & value"]
    assert "fee" not in en and "fees" in en                                  # only the one keyword went
    assert en == [w for w in shipped.languages["en"]["price"] if w != "fee"] + [
        w for w in shipped.languages["en"]["billing"] if w not in shipped.languages["en"]["price"]]
    assert now.languages["de"]["planning"] == ["Zeitplan*"] and "planning" not in now.languages["es"]
    # every version stays readable as it was
    assert theme_store.load(cur, 1).themes[0] == "Cost & value" and "billing" in theme_store.load(cur, 1).themes
    assert theme_store.load(cur, 0).to_dict() == themes.default_map().to_dict()


def test_going_back_stores_the_earlier_map_as_a_new_version(cur):
    clock = Clock()
    theme_store.rename(cur, "price", "pricing", "ana", clock)                           # 1
    theme_store.merge(cur, "billing", "pricing", "ana", clock)                          # 2
    assert theme_store.restore(cur, 0, "ben", clock) == 3
    assert theme_store.load(cur, 3).to_dict() == theme_store.load(cur, 0).to_dict()
    assert theme_store.history(cur).set_index("version").loc[3, ["action", "detail", "based_on", "created_by"]] \
        .tolist() == ["restore", "back to version 0", 2, "ben"]
    with pytest.raises(theme_store.NothingToChange, match="latest version \\(3\\) already"):
        theme_store.restore(cur, 0, "ben", clock)                   # the same map again: nothing stored
    with pytest.raises(theme_store.UnknownVersion, match="no theme map version 9"):
        theme_store.restore(cur, 9, "ben", clock)
    assert theme_store.latest(cur) == 3


@pytest.mark.parametrize(("edit", "error", "message"), [
    (lambda c, k: theme_store.rename(c, "price", "   ", "a", k), themes.EmptyName, "the name is empty"),
    (lambda c, k: theme_store.rename(c, "price", "Support", "a", k), themes.DuplicateName,
     "already a theme named “support”"),
    (lambda c, k: theme_store.rename(c, "price", "price", "a", k), themes.DuplicateName, "already named"),
    (lambda c, k: theme_store.rename(c, "pricing", "cost", "a", k), themes.UnknownTheme, "no theme “pricing”"),
    (lambda c, k: theme_store.rename(c, "price", "x" * 41, "a", k), themes.EmptyName, "at most 40"),
    (lambda c, k: theme_store.rename(c, "price", "cost\u202e", "a", k), themes.EmptyName, "invisible"),
    (lambda c, k: theme_store.merge(c, "price", "price", "a", k), themes.MergeIntoItself, "into itself"),
    (lambda c, k: theme_store.merge(c, None, "price", "a", k), themes.UnknownTheme, "Choose a theme"),
    (lambda c, k: theme_store.add_theme(c, "planning", {"en": []}, "a", k), themes.NoKeywords,
     "at least one keyword"),
    (lambda c, k: theme_store.add_theme(c, "planning", {"en": ["gantt", " "]}, "a", k), themes.BadKeyword,
     "keyword is empty"),
    (lambda c, k: theme_store.add_theme(c, "planning", {"en": ["c++"]}, "a", k), themes.BadKeyword,
     "could never match"),
    (lambda c, k: theme_store.add_theme(c, "planning", {"en": ["*"]}, "a", k), themes.BadKeyword,
     "could never match"),
    (lambda c, k: theme_store.add_theme(c, "planning", {"xx": ["plan"]}, "a", k), themes.UnknownLanguage,
     "no language “xx”"),
    (lambda c, k: theme_store.add_theme(c, "PRICE", {"en": ["plan"]}, "a", k), themes.DuplicateName,
     "already a theme named “price”"),
    (lambda c, k: theme_store.add_keywords(c, "price", "en", ["fee"], "a", k), themes.DuplicateKeyword,
     "already a English keyword"),
    (lambda c, k: theme_store.remove_keyword(c, "price", "en", "gantt", "a", k), themes.UnknownKeyword,
     "not a English keyword of “price”"),
    (lambda c, k: theme_store.remove_keyword(c, "price", "en", None, "a", k), themes.UnknownKeyword,
     "Choose a keyword"),
])
def test_invalid_edits_are_refused_with_a_reason_and_store_nothing(cur, edit, error, message):
    clock = Clock()
    theme_store.ensure(cur, clock)
    with pytest.raises(error, match=message):
        edit(cur, clock)
    assert theme_store.latest(cur) == 0


def test_the_last_keyword_of_a_theme_cannot_be_removed(cur):
    clock = Clock()
    theme_store.add_theme(cur, "planning", {"en": ["gantt"]}, "a", clock)
    with pytest.raises(themes.NoKeywords, match="last keyword of “planning”"):
        theme_store.remove_keyword(cur, "planning", "en", "gantt", "a", clock)


def test_an_edit_on_a_stale_version_is_refused(cur):
    clock = Clock()
    theme_store.ensure(cur, clock)
    shipped = theme_store.load(cur, 0)
    theme_store.rename(cur, "price", "cost", "a", clock)                      # someone else's edit: version 1
    with pytest.raises(theme_store.NothingToChange, match="changed meanwhile"):
        theme_store._store(cur, themes.rename(shipped, "support", "help"), "rename", "x", "b", clock, based_on=0)
    assert theme_store.latest(cur) == 1


# ---- comment themes keyed by the theme-map version --------------------------------------------------------
# Three customers, all EMEA/SMB, MRR 100 (A), 200 (B), 300 (C) every month of 2025; comments in March 2025:
# A "bad price" (score 3), B "good invoice billing" (9), C "bad support" (2), C blank. The stand-in analysis
# (risk_builders.fake_analyse) gives the language "en"; themes come from the stored maps.
def _ws(monkeypatch):
    monkeypatch.setattr("metrics.text.analyse_chunks", fake_analyse_chunks)
    year = months("2025-01-01", "2025-12-01")
    customers = [(c, "2024-01-01", None, "SMB", "EMEA") for c in "ABC"]
    revenue = [(c, m, mrr) for c, mrr in (("A", 100), ("B", 200), ("C", 300)) for m in year]
    nps = [("A", "2025-03-05", 3, "bad price", "Email"), ("B", "2025-03-06", 9, "good invoice billing", "Email"),
           ("C", "2025-03-07", 2, "bad support", "Email"), ("C", "2025-03-08", 5, " ", "Email")]
    return build(customers, revenue, nps)


def test_themes_are_keyed_by_version_and_a_figure_reads_one(monkeypatch):
    ws = _ws(monkeypatch)
    cur, snap = ws.cursor(), ws.snapshot()
    view = View(snap.snapshot, dt.date(2025, 3, 1), dt.date(2025, 3, 1))
    clock = Clock()
    theme_store.ensure(cur, clock)
    theme_store.merge(cur, "billing", "price", "ana", clock)                               # 1
    theme_store.rename(cur, "price", "money", "ana", clock)                                # 2

    def drivers(tm):
        t = voice.themes(cur, view, snap.versions, tm)
        return dict(zip(t.theme, zip(t.mentions, t.arr_at_stake, strict=True), strict=True)), t.attrs["theme_map"]

    # v0: price = A (ARR 1,200); billing = B ("invoice", "billing"; 2,400); support = C (3,600)
    assert drivers(0) == ({"price": (1, 1200.0), "billing": (1, 2400.0), "support": (1, 3600.0)}, 0)
    # v1: billing merged into price: A and B raise price (1,200 + 2,400)
    assert drivers(1) == ({"price": (2, 3600.0), "support": (1, 3600.0)}, 1)
    # v2 (and the default, the latest): the same comments under the new name
    assert drivers(2) == drivers(None) == ({"money": (2, 3600.0), "support": (1, 3600.0)}, 2)
    stored = cur.execute("SELECT theme_map, count(*) FROM comment_rows GROUP BY 1 ORDER BY 1").fetchall()
    assert stored == [(0, 3), (1, 3), (2, 3)]   # three comments (the blank one is no comment) per version

    assert voice.quotes(cur, view, snap.versions, "money", 3, None, 2) == ["good invoice billing", "bad price"]
    assert voice.quotes(cur, view, snap.versions, "money", 3, None, 0) == []
    assert list(voice.comments_export(cur, view, snap.versions, 1)["themes"]) == ["price", "price", "support"]
    assert voice.summary(cur, view, snap.versions, tm=1)["theme_map"] == 1
    with pytest.raises(theme_store.UnknownVersion):
        voice.themes(cur, view, snap.versions, 7)
    ws.close()


def test_a_version_equal_to_an_earlier_one_reuses_its_rows(monkeypatch):
    ws = _ws(monkeypatch)
    cur, snap = ws.cursor(), ws.snapshot()
    clock = Clock()
    theme_store.rename(cur, "price", "money", "ana", clock)                                 # 1
    nps = snap.versions["nps"]
    assert voice.ensure_themes(cur, nps, 0) == 3
    theme_store.restore(cur, 0, "ana", clock)                                                # 2 = 0 again

    class Boom:
        def assign(self, *a):
            raise AssertionError("assigned again instead of reusing version 0's rows")

    real = theme_store.load
    monkeypatch.setattr(theme_store, "load", lambda c, v=None: Boom() if v == 2 else real(c, v))
    assert voice.ensure_themes(cur, nps, 2) == 3
    rows = cur.execute("SELECT theme_map, row_number, themes FROM comment_rows ORDER BY 1, 2").fetchall()
    assert [r[1:] for r in rows if r[0] == 2] == [r[1:] for r in rows if r[0] == 0]
    ws.close()
