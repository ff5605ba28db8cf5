"""Sign-in, roles and board links in the running app: the Streamlit side of access.py, boardlinks.py and
audit.py. app.py asks this module who the user is and which pages to register; pages ask it who to record.

Modes
- No `[auth]` in secrets: single-user local mode (the first run of `bash bin/run`): everyone who reaches the
  server acts as one local admin, the sidebar says so, uploads take the free-text "Uploaded by".
- `[auth]` set: Streamlit's OIDC sign-in (st.login / st.user / st.logout). The `[access]` allow-list maps the
  address to a role; pages the role may not see are left out of the navigation and their URLs show a
  refusal page; unknown users get a "not on the access list" page with a sign-out.
- `/?board=<token>`: a board link, shown to anyone holding it, without an account (boardlinks.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

import access
import audit
import boardlinks
import ui
import viewstate
from access import User

ADMIN_NAV = [("Admin", "pages/links.py", "Links", ":material/link:", "links")]
SIDEBAR_KEYS = ("v", "period", "segment", "region", "gm")  # drawn by ui.render_sidebar, not in board view


# ---- configuration -------------------------------------------------------------------------------
def secrets() -> dict:
    """The secrets as a plain dict; {} when there is no secrets.toml (the local first run)."""
    try:
        return st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}
    except FileNotFoundError:
        return {}


def auth_configured() -> bool:
    return bool(secrets().get("auth"))


def link_secret() -> str | None:
    """`[board_links] secret`, else the sign-in cookie secret (boardlinks derives its own key from it)."""
    s = secrets()
    return (s.get("board_links") or {}).get("secret") or (s.get("auth") or {}).get("cookie_secret")


@st.cache_resource(show_spinner=False)
def _links(path: str, secret: str) -> boardlinks.Links:
    return boardlinks.Links(ui.workspace(), secret)


def links() -> boardlinks.Links:
    """The workspace's board links; Refused('not_configured') without sign-in or a secret."""
    secret = link_secret()
    if not auth_configured() or not secret:
        raise boardlinks.Refused("not_configured")
    return _links(ui.workspace().path, secret)


# ---- who is here ---------------------------------------------------------------------------------
def current_user() -> User:
    """The user of this run. Draws the sign-in, configuration-error or not-on-the-list page and stops the
    run when there is no usable user."""
    if not auth_configured():
        user = access.LOCAL_USER
    elif not st.user.get("is_logged_in"):
        _only_page(_sign_in_page, "Sign in")
    else:
        try:
            acl = access.parse(secrets().get("access"))
        except access.AccessConfigError as exc:
            st.session_state["_access_error"] = str(exc)
            _only_page(_config_error_page, "Access misconfigured")
        user = acl.resolve(st.user.get("email"), st.user.get("name"), st.user.get("email_verified"))
        if user is None:
            _only_page(_not_listed_page, "Not on the access list")
    st.session_state["_user"] = user
    return user


def user() -> User:
    """The user this session's app.py run resolved (pages call this; local user when run outside app.py)."""
    return st.session_state.get("_user") or access.LOCAL_USER


def _only_page(draw, title: str) -> None:
    """Register one page (so no other URL runs anything), draw it, stop."""
    st.navigation([st.Page(draw, title=title, url_path="access", default=True)], position="hidden").run()
    st.stop()


def _page_config() -> None:
    st.set_page_config(page_title="CX value dashboard", page_icon=":material/insights:", layout="centered")


def _sign_in_page() -> None:
    _page_config()
    st.title(":material/insights: CX value dashboard")
    st.write("Sign in with your company account to see the dashboard.")
    st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login)


def _not_listed_page() -> None:
    _page_config()
    st.title("Not on the access list")
    who = st.user.get("email") or "This account"
    st.error(f"{ui.md_escape(who)} is signed in but not on this dashboard's access list, so it shows no data. "
             "Ask an administrator to add you, or sign out and use another account.", icon=":material/block:")
    st.button("Sign out", on_click=st.logout, icon=":material/logout:")


def _config_error_page() -> None:
    _page_config()
    st.title("Access is misconfigured")
    st.error("The [access] section of secrets.toml cannot be used, so nobody is let in: "
             + ui.md_escape(st.session_state.get("_access_error", "")), icon=":material/block:")
    st.button("Sign out", on_click=st.logout, icon=":material/logout:")


# ---- navigation ------------------------------------------------------------------------------------
def nav_for(user: User) -> list[tuple]:
    """The sidebar entries (ui.NAV form) this user sees."""
    return [entry for entry in (*ui.NAV, *ADMIN_NAV) if user.sees(access.page_id(entry[4]))]


def pages_for(user: User) -> list[st.Page]:
    """Every page URL, registered so a direct URL never falls through to another page: the visible ones run
    their script; the others show a refusal. The first visible page is served at /."""
    visible = nav_for(user)
    default = visible[0][1]
    out = []
    for _section, script, title, icon, url in (*ui.NAV, *ADMIN_NAV):
        path = None if script == default else (url or "ceo")
        if any(script == v[1] for v in visible):
            out.append(st.Page(script, title=title, icon=icon, url_path=path, default=script == default))
        else:
            out.append(st.Page(_refusal(title), title=title, icon=":material/block:", url_path=url or "ceo"))
    return out


def _refusal(title: str):
    def refused() -> None:
        st.title(f"{title}: not available to you")
        if user().local and title == "Links":  # the local admin lacks it by design: board links need sign-in
            st.info("Board links need sign-in: without it, whoever reaches this server could make links that open "
                    "the dashboard without an account. Set up sign-in (README, “Sign-in and roles”) to use them; "
                    "Share this view links work without it.", icon=":material/lock:")
            return
        st.error(f"Your role ({user().role}) does not include the {title} page. Ask an administrator if you need "
                 "it.", icon=":material/lock:")
    return refused


def sidebar_footer(user: User) -> None:
    with st.sidebar:
        if user.local:
            st.caption(":material/person: **Single-user local mode**: no sign-in; whoever reaches this server can "
                       "upload and delete. Configure [auth] in .streamlit/secrets.toml to require sign-in.")
        else:
            st.caption(f":material/person: Signed in as {ui.md_escape(user.name)} ({ui.md_escape(user.email)}) "
                       f"· {user.role}")
            st.button("Sign out", key="_sign_out", on_click=st.logout, icon=":material/logout:")


# ---- writes ----------------------------------------------------------------------------------------
def uploader() -> str | None:
    """Who an upload is recorded as: the signed-in address, else what the local user typed (or nobody)."""
    u = user()
    return u.actor if not u.local else ((st.session_state.get("uploaded_by") or "").strip() or None)


def record(action: str, detail: str = "") -> None:
    """Add a write to the activity log as the current user (checks the role again)."""
    audit.record(ui.workspace(), user(), action, detail)


# ---- board links: creating -------------------------------------------------------------------------
def board_link_control(view, script: str, state: Mapping) -> None:
    """'Create board link' in the share footer, for analysts and admins when sign-in is configured."""
    u = user()
    if u.local or not u.can("link_create") or not link_secret():
        return
    page = next(access.page_id(url) for _s, s, _t, _i, url in ui.NAV if s == script)
    if page not in access.ROLE_PAGES:
        return
    with st.popover("Create board link", icon=":material/add_link:"):
        st.caption("A link that shows exactly this view, read-only and in presentation mode, to anyone who has it "
                   "(no account needed), until it expires or is revoked on the Links page.")
        days = st.selectbox("Expires after (days)", boardlinks.EXPIRY_CHOICES,
                            index=boardlinks.EXPIRY_CHOICES.index(boardlinks.DEFAULT_DAYS), key="_board_days")
        if st.button("Create board link", key="_board_create", type="primary"):
            link_state = viewstate.params({**state, "present": "1"})
            token = links().create(page, link_state, view.snapshot, u.actor, days=days)
            record("link_create", f"{page} · data version #{view.snapshot} · {days} days · id {token.split('.')[0]}")
            st.session_state["_board_link"] = _app_root() + "?board=" + token
    if st.session_state.get("_board_link"):  # outside the popover, which closes when the page reruns
        st.caption("Board link (copy it now; the Links page lists it, without the link itself):")
        st.code(st.session_state["_board_link"], language=None)


def _app_root() -> str:
    parts = urlsplit(st.context.url or "")
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{parts.scheme}://{parts.netloc}/" + (base + "/" if base else "")


# ---- board links: opening --------------------------------------------------------------------------
def board_view() -> None:
    """Draw the page a board link names, read-only in presentation mode with no navigation, or a refusal
    page that shows no data. Called by app.py when the URL has `board`."""
    st.set_page_config(page_title="CX value dashboard · board view", page_icon=":material/insights:",
                       layout="wide", initial_sidebar_state="collapsed")
    token = st.query_params.get("board")
    try:
        if len(st.query_params.get_all("board")) != 1:
            raise boardlinks.Refused("parameters")
        store = links()
        first = st.session_state.get("_board_token") != token
        link = store.open(token, log=first)  # each run re-checks revocation and expiry; the first one is logged
        _check_parameters(link)
    except boardlinks.Refused as refused:
        st.session_state.pop("_board", None)
        _only_page(_board_refusal(refused.reason), "Board link refused")
        return
    st.session_state["_board_token"], st.session_state["_board"] = token, link
    _apply_state(link.state)
    script = next(s for _sec, s, _t, _i, url in ui.NAV if access.page_id(url) == link.page)
    title = next(t for _sec, s, t, _i, _u in ui.NAV if s == script)
    page = st.navigation([st.Page(script, title=title, default=True)], position="hidden")
    ui.workspace()
    st.html(ui.PRESENTATION_CSS)  # constant markup, never user text
    page.run()


def _check_parameters(link: boardlinks.Link) -> None:
    """Only `board` and the link's own view parameters with the link's own values (the page's controls may
    write those back to the address); anything else means the link was edited."""
    for key in st.query_params:
        if key == "board":
            continue
        stored = link.state.get(key)
        given = st.query_params.get_all(key)
        if stored is None or given != (stored if isinstance(stored, list) else [stored]):
            raise boardlinks.Refused("parameters")


def _apply_state(state: Mapping) -> None:
    """The link's view as the session state the pages read (URL text → the widgets' value types)."""
    for key, value in state.items():
        if key == "present":
            continue
        if key == "period":
            st.session_state[key] = tuple(pd.Timestamp(v).strftime("%Y-%m") for v in value)
        elif key == "v" or (key in viewstate.REGISTRY and viewstate.REGISTRY[key].kind == "int"):
            st.session_state[key] = int(value)
        else:
            st.session_state[key] = value


def _board_refusal(reason: str):
    def refused() -> None:
        st.title("This board link cannot be shown")
        st.error(boardlinks.REASONS.get(reason, boardlinks.REASONS["malformed"]) + " Ask the person who shared it "
                 "for a new link.", icon=":material/link_off:")
    return refused


def board_active() -> bool:
    """Whether this run shows a board link (ui uses it: presentation mode, no switch to newer data)."""
    return "_board" in st.session_state
