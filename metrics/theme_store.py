"""The workspace's theme maps: every edit of the keyword map is a new version, with who made it and when.

Model
- Version 0 is the shipped map (metrics/text/data/themes.json) as it was when the workspace first used themes;
  it is stored, so a later release that changes the shipped file does not change what version 0 meant.
- Each edit (rename a theme, merge one into another, add a theme with keywords per language, add or remove a
  keyword) is made on the latest version and stored as the next version; nothing is ever modified or deleted.
  Going back to an earlier version stores its map again as a new version ("back to version k"), so the
  history reads forward like the data's roll backs.
- Analyses are keyed by version (metrics.voice.ensure_themes): a figure reads one version's themes, and a link
  that names a version (`tm`) shows the themes it was made with. Versions with identical maps (sha256 of
  the map) share their analyses, so going back costs no new analysis.
- An edit that changes nothing (going back to a version equal to the latest) is refused rather than stored.

Tables are this module's own (created on first use); writes are one transaction each, serialised in the process
by a lock, and the version number is the table's primary key, so two editors can never store the same number.
No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Callable
from functools import lru_cache

import duckdb
import pandas as pd

from metrics.schema import create_tables, transaction
from metrics.text import themes
from metrics.text.themes import LANGUAGE_NAMES, ThemeEditError, ThemeMap

SCHEMA = """
CREATE TABLE IF NOT EXISTS theme_map_versions (
    version     INTEGER PRIMARY KEY,
    map_json    VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,    -- of the canonical map: identical maps share their analyses
    action      VARCHAR NOT NULL,    -- shipped, rename, merge, add_theme, add_keywords, remove_keyword, restore
    detail      VARCHAR NOT NULL,    -- the edit in words (holds theme names: user text)
    based_on    INTEGER,             -- the version the edit was made on
    created_by  VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL   -- UTC
);
"""
SHIPPED_BY = "shipped default"
ACTIONS = ("shipped", "rename", "merge", "add_theme", "add_keywords", "remove_keyword", "restore")
_LOCK = threading.Lock()

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


class UnknownVersion(ThemeEditError):
    """A theme-map version that was never stored."""


class NothingToChange(ThemeEditError):
    """The edit would store a map equal to the latest one."""


def canonical(theme_map: ThemeMap) -> str:
    return json.dumps(theme_map.to_dict(), ensure_ascii=False, sort_keys=True)


def digest(theme_map: ThemeMap) -> str:
    return hashlib.sha256(canonical(theme_map).encode()).hexdigest()


@lru_cache(maxsize=64)
def _parsed(text: str) -> ThemeMap:
    """A stored map, parsed once per process (a version's text never changes; its compiled keyword index is kept)."""
    return ThemeMap.from_json(text)


def ensure(cur, clock: Clock = utc_now) -> None:
    """Create the table and store version 0 (the shipped map) when the workspace has none yet."""
    create_tables(cur, SCHEMA)
    if cur.execute("SELECT count(*) FROM theme_map_versions").fetchone()[0]:
        return
    shipped = themes.default_map()
    with _LOCK:
        cur.execute("INSERT OR IGNORE INTO theme_map_versions VALUES (0, ?, ?, 'shipped', ?, NULL, ?, ?)",
                    [canonical(shipped), digest(shipped), "the shipped keyword map", SHIPPED_BY, clock()])


def latest(cur) -> int:
    ensure(cur)
    return int(cur.execute("SELECT max(version) FROM theme_map_versions").fetchone()[0])


def stored(cur, version: int | None) -> int | None:
    """`version` (None: the latest) when it is stored, else None; one statement that creates nothing, for a page's
    fast path (latest and exists ensure the table first). Raises duckdb.CatalogException before the table exists."""
    (found,), = cur.execute("SELECT max(version) FROM theme_map_versions WHERE $v IS NULL OR version = $v",
                            {"v": version}).fetchall()
    return found


def exists(cur, version: int) -> bool:
    ensure(cur)
    return bool(cur.execute("SELECT count(*) FROM theme_map_versions WHERE version = ?", [int(version)]).fetchone()[0])


def _stored_text(cur, version: int) -> str | None:
    """The stored text of a version, None when it is not stored or the table does not exist yet."""
    try:
        row = cur.execute("SELECT map_json FROM theme_map_versions WHERE version = ?", [version]).fetchone()
    except duckdb.CatalogException:
        return None
    return row and row[0]


def load(cur, version: int | None = None) -> ThemeMap:
    """The map of a version (the latest when None); UnknownVersion when it was never stored."""
    if version is not None and (text := _stored_text(cur, int(version))) is not None:
        return _parsed(text)  # one statement: a page asks for the version it already resolved
    ensure(cur)
    version = latest(cur) if version is None else int(version)
    if (text := _stored_text(cur, version)) is None:
        raise UnknownVersion(f"There is no theme map version {version}; the latest is {latest(cur)}.")
    return _parsed(text)


def sha(cur, version: int) -> str:
    row = cur.execute("SELECT sha256 FROM theme_map_versions WHERE version = ?", [int(version)]).fetchone()
    if row is None:
        raise UnknownVersion(f"There is no theme map version {version}.")
    return row[0]


def history(cur) -> pd.DataFrame:
    """Every version, newest first: version, created_at, created_by, action, detail, based_on and its number of
    themes."""
    ensure(cur)
    frame = cur.execute("SELECT version, created_at, created_by, action, detail, based_on, map_json"
                        " FROM theme_map_versions ORDER BY version DESC").df()
    frame["themes"] = [len(_parsed(t).themes) for t in frame.pop("map_json")]
    return frame


def resolve(cur, requested: int | None) -> tuple[int, str | None]:
    """The version to show for a requested one (None: the latest) and, when it does not exist, why the latest is
    shown instead."""
    newest = latest(cur)
    if requested is None:
        return newest, None
    if exists(cur, requested):
        return int(requested), None
    return newest, f"theme map version {int(requested)} does not exist; showing the latest, version {newest}"


def _store(cur, new_map: ThemeMap, action: str, detail: str, actor: str, clock: Clock,
           based_on: int | None = None) -> int:
    """Store a map as the next version, in one transaction; returns its number."""
    if action not in ACTIONS:
        raise ValueError(f"unknown theme-map action {action!r}")
    actor = (actor or "").strip() or "unknown"
    with _LOCK:
        with transaction(cur):
            newest = int(cur.execute("SELECT max(version) FROM theme_map_versions").fetchone()[0])
            if based_on is not None and based_on != newest:
                raise NothingToChange(f"The theme map changed meanwhile (now version {newest}); look again and "
                                      "repeat the edit.")
            if sha(cur, newest) == digest(new_map):
                raise NothingToChange(f"That is the theme map of the latest version ({newest}) already; nothing "
                                      "was stored.")
            number = newest + 1
            cur.execute("INSERT INTO theme_map_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [number, canonical(new_map), digest(new_map), action, detail, newest, actor, clock()])
    return number


def _edit(cur, action: str, change: Callable[[ThemeMap], ThemeMap], detail: str, actor: str, clock: Clock) -> int:
    ensure(cur, clock)
    base = latest(cur)
    return _store(cur, change(load(cur, base)), action, detail, actor, clock, based_on=base)


def _q(text: str) -> str:
    return f"“{text}”"


def rename(cur, old: str, new: str, actor: str, clock: Clock = utc_now) -> int:
    new_name = themes.clean_name(new) if isinstance(new, str) else new
    return _edit(cur, "rename", lambda m: themes.rename(m, old, new),
                 f"renamed {_q(old)} to {_q(new_name)}", actor, clock)


def merge(cur, source: str, target: str, actor: str, clock: Clock = utc_now) -> int:
    return _edit(cur, "merge", lambda m: themes.merge(m, source, target),
                 f"merged {_q(source)} into {_q(target)}", actor, clock)


def add_theme(cur, name: str, keywords: dict[str, list[str]], actor: str, clock: Clock = utc_now) -> int:
    def change(m: ThemeMap) -> ThemeMap:
        return themes.add_theme(m, name, keywords)

    words = "; ".join(f"{lang}: {', '.join(themes.clean_keyword(w) for w in ws)}"
                      for lang, ws in keywords.items() if ws) if _all_clean(keywords) else ""
    return _edit(cur, "add_theme", change, f"added theme {_q(str(name).strip())}" + (f" ({words})" if words else ""),
                 actor, clock)


def add_keywords(cur, theme: str, lang: str, words: list[str], actor: str, clock: Clock = utc_now) -> int:
    listed = ", ".join(themes.clean_keyword(w) for w in words) if _all_clean({lang: words}) else ""
    return _edit(cur, "add_keywords", lambda m: themes.add_keywords(m, theme, lang, words),
                 f"added {LANGUAGE_NAMES.get(lang, lang)} keywords to {_q(theme)}: {listed}", actor, clock)


def remove_keyword(cur, theme: str, lang: str, word: str, actor: str, clock: Clock = utc_now) -> int:
    return _edit(cur, "remove_keyword", lambda m: themes.remove_keyword(m, theme, lang, word),
                 f"removed the {LANGUAGE_NAMES.get(lang, lang)} keyword {_q(word)} from {_q(theme)}", actor, clock)


def restore(cur, version: int, actor: str, clock: Clock = utc_now) -> int:
    """Go back to an earlier version: its map becomes the latest again, as a new version."""
    ensure(cur, clock)
    if version is None:
        raise UnknownVersion("Choose a version to go back to.")
    earlier = load(cur, version)
    base = latest(cur)
    return _store(cur, earlier, "restore", f"back to version {int(version)}", actor, clock, based_on=base)


def _all_clean(keywords: dict[str, list[str]]) -> bool:
    """Whether every keyword is valid (the detail text lists them; an invalid one fails in the edit itself)."""
    try:
        for ws in keywords.values():
            for w in ws:
                themes.clean_keyword(w)
    except ThemeEditError:
        return False
    return True
