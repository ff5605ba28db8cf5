"""Links (admins): every board link with who made it, when, for what, its expiry and opens; revoke. Also the
access list in force and the activity log (who wrote what)."""

import streamlit as st

import access
import audit
import boardlinks
import gate
import ui

ui.ensure_router()
user = gate.user()
if not user.sees("links"):  # app.py does not register this page for other roles; refuse anyway
    st.error("Only administrators see the Links page.", icon=":material/lock:")
    st.stop()
st.title("Links · Board links and access")
ui.url_notice()  # the sidebar's filters are drawn here too: a link's unusable values are named, not dropped unsaid
st.caption("Board links open one view, read-only, without an account. Revoke a link to stop it at once.")
for key, show in (("links_done", st.success),):
    if key in st.session_state:
        show(st.session_state.pop(key))

try:
    store = gate.links()
except boardlinks.Refused:
    store = None
    st.info("Board links need sign-in ([auth] in .streamlit/secrets.toml) and a secret ([board_links] secret, "
            "or the sign-in cookie secret).", icon=":material/info:")


def revoke(link_id: str) -> None:
    if store.revoke(link_id, user.actor):
        gate.record("link_revoke", f"id {link_id}")
        st.session_state["links_done"] = "Revoked: the link now shows a refusal page."


if store is not None:
    table = store.table()
    if table.empty:
        st.info("No board links yet: analysts and admins create them under “Share this view” on a role page.")
    else:
        titles = {access.page_id(url): title for _s, _script, title, _i, url in ui.NAV}
        st.dataframe(
            table.assign(page=table.page.map(titles), id=table.id.str[:8] + "…",
                         created_at=ui.dates(table.created_at, "%Y-%m-%d %H:%M"),
                         expires_at=ui.dates(table.expires_at, "%Y-%m-%d %H:%M"),
                         last_opened=ui.dates(table.last_opened, "%Y-%m-%d %H:%M"))
            [["id", "page", "snapshot", "created_by", "created_at", "expires_at", "status", "opens", "refused_opens",
              "last_opened", "revoked_by"]]
            .rename(columns={"id": "Link", "page": "Page", "snapshot": "Data version", "created_by": "Created by",
                             "created_at": "Created (UTC)", "expires_at": "Expires (UTC)", "status": "Status",
                             "opens": "Opened", "refused_opens": "Refused", "last_opened": "Last opened (UTC)",
                             "revoked_by": "Revoked by"}),
            hide_index=True, width="stretch")
        active = table[table.status == "active"]
        if not active.empty:
            labels = {r.id: f"{r.id[:8]}… · {titles.get(r.page, r.page)} · v{r.snapshot} · by {r.created_by}"
                      for r in active.itertuples()}
            with st.container(horizontal=True, vertical_alignment="bottom"):
                chosen = st.selectbox("Link to revoke", list(labels), format_func=labels.get, key="revoke_id",
                                      width=520)
                st.button("Revoke", key="revoke", on_click=revoke, args=(chosen,), icon=":material/link_off:")

st.subheader("Who has access")
st.caption("From the [access] section of .streamlit/secrets.toml (edit it there; the app reads it on each run).")
try:
    entries = access.parse(gate.secrets().get("access")).entries()
except access.AccessConfigError as exc:
    entries = []
    st.error(ui.md_escape(exc))
st.dataframe([{"Address or domain": e, "Role": r, "Limited to": ", ".join(p) or "—"} for e, r, p in entries],
             hide_index=True, width="stretch")

st.subheader("Activity")
log = audit.recent(ui.workspace())
st.dataframe(log.assign(happened_at=ui.dates(log.happened_at, "%Y-%m-%d %H:%M:%S"))
             .rename(columns={"happened_at": "When (UTC)", "actor": "Who", "role": "Role", "action": "Action",
                              "detail": "Detail"}), hide_index=True, width="stretch")
