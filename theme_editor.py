"""Themes of comments: the editor on the Data page, and the theme-map version the pages show.

The keyword map that names the themes of comments is versioned in the workspace (metrics.theme_store). An analyst
renames, merges and adds themes or keywords here; each edit is a new version with who and when, and going back to
an earlier version is a new version too. Which version a session shows works like the data version (`v`): a link's
`tm`, else the latest when the session first shows themes; kept for the session and written to the address, so a
shared link shows the themes it was made with. The editor moves its own session to the version it stored.

Theme names and keywords are user text: shown in tables (never markup) or through ui.md_escape.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import gate
import ui
import viewstate
from metrics import theme_store, voice
from metrics.text.themes import LANGUAGE_NAMES, ThemeEditError

KEY = "tm"          # viewstate.REGISTRY: the theme-map version in the link
ACTION = "themes_edit"  # access.ACTIONS: analysts and admins; recorded in the activity log under this name
_DONE, _ERROR = "_tm_done", "_tm_error"
EDITS = ("Rename", "Merge", "Add a theme", "Keywords", "Go back")


def _cursor():
    return ui.workspace().cursor()


# ---- the version a page shows ----------------------------------------------------------------------------
def current_version() -> int:
    """The theme-map version this session shows (see the module's docstring); a version that does not exist
    shows the latest, with a notice that says so."""
    if KEY not in st.session_state:
        raw = ui.url_value(KEY)
        st.session_state[KEY] = None if raw is None else viewstate.whole_number(str(raw))
    asked = st.session_state[KEY]
    asked = asked if isinstance(asked, int) or asked is None else viewstate.whole_number(str(asked))
    version, problem = theme_store.resolve(_cursor(), asked)
    if problem:
        st.warning(problem[0].upper() + problem[1:] + ".", icon=":material/link_off:")  # our words and numbers
    st.session_state[KEY] = version
    if not ui.presenting():  # a board link's address must stay as issued (gate checks it)
        st.query_params[KEY] = str(version)
    return version


def _use_latest() -> None:
    st.session_state[KEY] = theme_store.latest(_cursor())


def version_note(tm: int) -> None:
    """Which theme map the themes above come from, and a switch to the latest when it is an older one."""
    cur = _cursor()
    latest = theme_store.latest(cur)
    row = theme_store.history(cur).set_index("version").loc[tm]
    made = "shipped with the app" if row.action == "shipped" else \
        f"{row.created_at:%Y-%m-%d %H:%M} UTC by {ui.md_escape(row.created_by)}"
    st.caption(f"Themes from theme map version {tm} ({made})"
               + (", the latest." if tm == latest else f"; the latest is version {latest}.")
               + " Analysts edit the themes on the Data page.")
    if tm != latest and not ui.presenting():
        st.button("Show the latest themes", key="tm_latest", on_click=_use_latest, icon=":material/update:")


# ---- the editor --------------------------------------------------------------------------------------------
def _keywords_table(theme_map) -> pd.DataFrame:
    langs = list(theme_map.languages)
    return pd.DataFrame({"Theme": theme_map.themes,
                         **{LANGUAGE_NAMES.get(lang, lang): [", ".join(theme_map.languages[lang].get(t, []))
                                                             for t in theme_map.themes] for lang in langs}})


def _split(text: str | None) -> list[str]:
    """Keywords typed comma-separated; blanks between commas are dropped (", ," is not a keyword)."""
    return [w for w in (p.strip() for p in (text or "").split(",")) if w]


def _apply(edit, *args, clear: tuple[str, ...] = ()) -> None:
    """Run one theme_store edit as this user; the outcome becomes the next run's message. Widgets that named a
    theme are reset, since the names may have changed."""
    user = gate.user()
    if not user.can(ACTION):
        st.session_state[_ERROR] = "Your role may not edit the themes."
        return
    cur = _cursor()
    try:
        number = edit(cur, *args, user.actor)
    except ThemeEditError as exc:
        st.session_state[_ERROR] = str(exc)
        return
    detail = theme_store.history(cur).set_index("version").loc[number, "detail"]
    gate.record(ACTION, f"theme map version {number}: {detail}")
    st.session_state[KEY] = number  # this session now shows the map it just made
    snap = ui.workspace().snapshot()
    if snap is not None and snap.versions.get("nps") is not None:
        voice.ensure_snapshot(cur, snap.snapshot, number)  # ~1 s here, so no page view pays for it
    st.session_state[_DONE] = f"Stored theme map version {number}: {detail}."
    for key in clear:
        st.session_state.pop(key, None)


def _rename() -> None:
    _apply(theme_store.rename, st.session_state.get("tm_rename_from"), st.session_state.get("tm_rename_to") or "",
           clear=("tm_rename_from", "tm_rename_to"))


def _merge() -> None:
    _apply(theme_store.merge, st.session_state.get("tm_merge_from"), st.session_state.get("tm_merge_into"),
           clear=("tm_merge_from", "tm_merge_into", "tm_kw_theme"))


def _add_theme() -> None:
    keywords = {lang: _split(st.session_state.get(f"tm_new_{lang}")) for lang in LANGUAGE_NAMES}
    _apply(theme_store.add_theme, st.session_state.get("tm_new_name") or "", keywords,
           clear=("tm_new_name", *(f"tm_new_{lang}" for lang in LANGUAGE_NAMES)))


def _add_keywords() -> None:
    _apply(theme_store.add_keywords, st.session_state.get("tm_kw_theme"), st.session_state.get("tm_kw_lang"),
           _split(st.session_state.get("tm_kw_add")), clear=("tm_kw_add",))


def _remove_keyword() -> None:
    _apply(theme_store.remove_keyword, st.session_state.get("tm_kw_theme"), st.session_state.get("tm_kw_lang"),
           st.session_state.get("tm_kw_remove"), clear=("tm_kw_remove",))


def _restore() -> None:
    _apply(theme_store.restore, st.session_state.get("tm_restore"), clear=("tm_restore",))


def _history(cur) -> None:
    h = theme_store.history(cur)
    st.dataframe(pd.DataFrame({
        "Version": h.version, "When (UTC)": ui.dates(h.created_at, "%Y-%m-%d %H:%M"), "By": h.created_by,
        "What": h.detail, "Made on version": h.based_on.map(lambda v: "—" if pd.isna(v) else f"{int(v)}"),
        "Themes": h.themes}), hide_index=True, width="stretch")


def _keep_valid(key: str, options: list) -> None:
    """Forget a choice that is no longer an option (a theme renamed or merged away, a version list that grew)."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]


def editor() -> None:
    """The Data page's section: the latest theme map, its edits and its history."""
    st.subheader("Themes of comments")
    st.caption("Comments are given themes by keywords per language (a word ending in * matches any word it "
               "begins; several words match in sequence; accents and case are ignored). Every edit is stored as a "
               "new version of the theme map with who made it and when; pages show the latest unless a link names "
               "an earlier one (tm), and each figure reads one version only.")
    for key, show in ((_DONE, st.success), (_ERROR, st.error)):
        if key in st.session_state:
            show(ui.md_escape(st.session_state.pop(key)))  # holds theme names: user text
    cur = _cursor()
    latest = theme_store.latest(cur)
    theme_map = theme_store.load(cur, latest)
    st.dataframe(_keywords_table(theme_map), hide_index=True, width="stretch",
                 column_config={"Theme": st.column_config.TextColumn("Theme", pinned=True)})
    st.caption(f"Theme map version {latest}: {len(theme_map.themes)} themes.")
    _history(cur)
    if not gate.user().can(ACTION):
        st.caption("Analysts and admins edit the themes.")
        return
    # Off by default: the upload controls above stay the page's only inputs until an analyst asks to edit.
    if not st.toggle("Edit the themes", key="tm_edit"):
        return
    names = list(theme_map.themes)
    for key in ("tm_rename_from", "tm_merge_from", "tm_merge_into", "tm_kw_theme"):
        _keep_valid(key, names)
    kind = st.radio("Edit", EDITS, key="tm_edit_kind", horizontal=True)
    if kind == "Rename":
        st.selectbox("Theme to rename", names, key="tm_rename_from")
        st.text_input("New name", key="tm_rename_to", max_chars=80)
        st.button("Rename theme", key="tm_rename", on_click=_rename)
    elif kind == "Merge":
        st.selectbox("Merge this theme", names, key="tm_merge_from")
        st.selectbox("into this theme (it keeps its name and gains the keywords)", names, key="tm_merge_into")
        st.button("Merge themes", key="tm_merge", on_click=_merge)
    elif kind == "Add a theme":
        st.text_input("Name of the new theme", key="tm_new_name", max_chars=80)
        for lang, language in LANGUAGE_NAMES.items():
            if lang in theme_map.languages:
                st.text_input(f"{language} keywords (comma-separated)", key=f"tm_new_{lang}")
        st.button("Add theme", key="tm_add", on_click=_add_theme)
    elif kind == "Keywords":
        theme = st.selectbox("Theme", names, key="tm_kw_theme")
        langs = [lang for lang in LANGUAGE_NAMES if lang in theme_map.languages]
        lang = st.selectbox("Language", langs, format_func=LANGUAGE_NAMES.get, key="tm_kw_lang")
        st.text_input("Keywords to add (comma-separated)", key="tm_kw_add")
        st.button("Add keywords", key="tm_kw_add_button", on_click=_add_keywords)
        have = theme_map.languages.get(lang, {}).get(theme, [])
        _keep_valid("tm_kw_remove", have)
        st.selectbox("Keyword to remove", have, key="tm_kw_remove", index=None,
                     placeholder="no keyword in this language" if not have else "choose a keyword")
        st.button("Remove keyword", key="tm_kw_remove_button", on_click=_remove_keyword, disabled=not have)
    else:
        earlier = [int(v) for v in theme_store.history(cur).version if int(v) != latest]
        if earlier:
            _keep_valid("tm_restore", earlier)
            st.selectbox("Version to go back to", earlier, key="tm_restore", format_func=lambda v: f"version {v}")
            st.button("Go back to this version", key="tm_restore_button", on_click=_restore,
                      help="Stores that version's map again as the newest version (recorded); nothing is deleted.")
        else:
            st.caption("No earlier version yet.")
