"""Sign-in, roles and board links in AppTest: local mode, the sign-in and not-on-the-list pages, what each role
sees and may do, creating and opening a board link, refusals; a segment named in Markdown shows literally."""

from __future__ import annotations

import pytest
from conftest import APP, REFERENCE
from streamlit.testing.v1 import AppTest

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "c" * 64, "client_id": "app",
        "client_secret": "secret", "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
ACCESS = {"admins": ["ana@acme.com"], "analysts": ["bo@acme.com"], "viewers": ["@acme.com"],
          "pages": {"cmo@acme.com": ["cmo"]}}
ADMIN = {"is_logged_in": True, "email": "ana@acme.com", "name": "Ana Admin"}
ANALYST = {"is_logged_in": True, "email": "bo@acme.com", "name": "Bo Analyst"}
VIEWER = {"is_logged_in": True, "email": "dee@acme.com", "name": "Dee Viewer"}
CMO_VIEWER = {"is_logged_in": True, "email": "cmo@acme.com", "name": "Cy CMO"}
BEACON = "![b](http://host/beacon.png)"
CUSTOMERS = (REFERENCE / "customers.csv").read_bytes().replace(b",Enterprise,", f",{BEACON},".encode())
SEED = [("customers", CUSTOMERS), "nps", "revenue"]  # conftest's app_workspace stores these first

pytestmark = pytest.mark.usefixtures("app_workspace")


def app(user: dict | None = None, page: str | None = None, auth: bool = True, url: str = "http://localhost:8501/",
        **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if auth:
        at.secrets["auth"] = AUTH
        at.secrets["access"] = ACCESS
    at.user = user if user is not None else {"is_logged_in": False}
    at.context = {"url": url}
    for k, v in params.items():
        at.query_params[k] = v
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def nav(at: AppTest) -> list[str]:
    return [e.proto.label for e in at.sidebar.get("page_link")]


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def test_local_mode_says_so_and_keeps_the_typed_uploader_name():
    at = app(auth=False, page="pages/data.py")
    assert "Single-user local mode" in captions(at)
    assert nav(at) == ["CEO", "CFO", "CMO", "CIO", "Service", "Data", "Glossary"]
    assert [t.label for t in at.text_input] == ["Uploaded by"]
    assert len(at.get("file_uploader")) == 1


def test_the_local_admin_is_told_board_links_need_sign_in():
    """Without sign-in the one local admin has no Links page by design; it read "Your role (admin) does not include
    the Links page. Ask an administrator", which an admin cannot act on."""
    at = app(auth=False, page="pages/links.py")
    assert at.title[0].value == "Links: not available to you" and not at.error
    assert at.info[0].value.startswith("Board links need sign-in: without it, whoever reaches this server could make "
                                       "links")


def test_signed_out_user_sees_only_the_sign_in_page():
    for page in (None, "pages/cfo.py", "pages/data.py"):
        at = app(page=page)
        assert at.title[0].value.endswith("CX value dashboard")
        assert [b.label for b in at.button] == ["Sign in"]
        assert not at.metric and not at.dataframe and not nav(at)


def test_unknown_user_is_told_and_can_sign_out():
    at = app({"is_logged_in": True, "email": "eve@evil.com", "name": "Eve"})
    assert at.title[0].value == "Not on the access list"
    assert "eve@⁠evil.com" in at.error[0].value or "eve@" in at.error[0].value
    assert [b.label for b in at.button] == ["Sign out"]
    assert not at.metric and not nav(at)


def test_unverified_address_is_not_admitted():
    at = app({**ADMIN, "email_verified": False})
    assert at.title[0].value == "Not on the access list"


def test_viewer_navigation_refusal_and_no_upload():
    at = app(VIEWER)
    assert nav(at) == ["CEO", "CFO", "CMO", "CIO", "Service", "Glossary"]
    assert "Signed in as Dee Viewer" in captions(at) and "viewer" in captions(at)
    assert at.metric  # the role page shows its figures
    assert not [p for p in at.get("popover") if "board link" in p.proto.label.lower()]  # no link creation
    refused = app(VIEWER, page="pages/data.py")
    assert refused.title[0].value == "Data: not available to you"
    assert not refused.get("file_uploader") and not refused.metric


def test_viewer_limited_to_named_pages():
    at = app(CMO_VIEWER)
    assert nav(at) == ["CMO", "Glossary"]
    assert at.title[0].value.startswith("CMO")  # their first page is served at /
    assert app(CMO_VIEWER, page="pages/cfo.py").title[0].value == "CFO: not available to you"


def test_analyst_uploads_as_themselves_and_has_no_links_page():
    at = app(ANALYST, page="pages/data.py")
    assert nav(at) == ["CEO", "CFO", "CMO", "CIO", "Service", "Data", "Glossary"]
    assert not at.text_input  # no free-text "Uploaded by": the address is recorded
    at.selectbox(key="upload_kind").set_value("Revenue")
    at.file_uploader[0].upload("revenue.csv", (REFERENCE / "revenue.csv").read_bytes(), "text/csv")
    at.run()
    next(b for b in at.button if (b.key or "").startswith("store_")).click()
    at.run()
    assert not at.exception
    history = at.dataframe[-1].value
    assert history.iloc[0]["By"] == "bo@acme.com"
    assert app(ANALYST, page="pages/links.py").title[0].value == "Links: not available to you"


def test_admin_creates_a_board_link_and_anyone_opens_it_read_only():
    at = app(ADMIN, page="pages/cfo.py", url="http://localhost:8501/cfo")
    assert nav(at) == ["CEO", "CFO", "CMO", "CIO", "Service", "Data", "Glossary", "Links"]
    at.selectbox(key="_board_days").set_value(7)
    at.button(key="_board_create").click()
    at.run()
    link = at.session_state["_board_link"]
    assert link.startswith("http://localhost:8501/?board=") and "segment" not in link
    token = link.split("board=")[1]
    shown_arr = {m.label: m.value for m in at.metric}["ARR"]

    board = app({}, board=token)  # nobody signed in
    assert board.title[0].value.endswith("· CFO")  # presentation title: company · role
    assert {m.label: m.value for m in board.metric}["ARR"] == shown_arr
    assert not nav(board) and not board.get("file_uploader")
    assert not [b for b in board.button if b.key in ("to_latest", "_board_create", "_sign_out")]

    links_page = app(ADMIN, page="pages/links.py")
    table = links_page.dataframe[0].value
    assert table.iloc[0]["Created by"] == "ana@acme.com" and table.iloc[0]["Opened"] == 1
    activity = links_page.dataframe[-1].value
    assert "link_create" in set(activity.Action)

    links_page.button(key="revoke").click()
    links_page.run()
    revoked = app({}, board=token)
    assert revoked.title[0].value == "This board link cannot be shown"
    assert "withdrawn" in revoked.error[0].value and not revoked.metric


@pytest.mark.parametrize("params", [
    {"board": "not-a-token"},
    {"board": "A" * 22 + ".2000000000." + "B" * 43},
])
def test_bad_board_links_show_no_data(params):
    at = app({}, **params)
    assert at.title[0].value == "This board link cannot be shown"
    assert not at.metric and not at.dataframe and not nav(at)


def test_a_board_link_with_extra_parameters_is_refused():
    at = app(ADMIN, page="pages/ceo.py")
    at.button(key="_board_create").click()
    at.run()
    token = at.session_state["_board_link"].split("board=")[1]
    assert app({}, board=token).metric
    for extra in ({"segment": "SMB"}, {"present": "0"}, {"debug": "1"}):
        refused = app({}, board=token, **extra)
        assert refused.title[0].value == "This board link cannot be shown" and not refused.metric, extra


def test_without_sign_in_there_are_no_board_links():
    at = app(auth=False, page="pages/cfo.py")
    assert "_board_create" not in [b.key for b in at.button]
    refused = app(auth=False, board="A" * 22 + ".2000000000." + "B" * 43)
    assert "not set up" in refused.error[0].value and not refused.metric


def test_segment_named_in_markdown_shows_literally_in_the_caption():
    at = app(auth=False, page="pages/cfo.py", segment=BEACON)
    caption = at.caption[0].value
    assert "\\!\\[b\\]\\(http:\u2060//host/beacon.png\\)" in caption
    assert BEACON not in caption


def test_a_board_link_keeps_its_data_version_after_a_newer_upload():
    from conftest import prepare_file

    import ui

    at = app(ADMIN, page="pages/cfo.py")
    pinned = at.session_state["v"]
    at.button(key="_board_create").click()
    at.run()
    token = at.session_state["_board_link"].split("board=")[1]
    before = {m.label: m.value for m in app({}, board=token).metric}

    newer = ui.workspace().commit([prepare_file(REFERENCE / "revenue.csv", "revenue").to_upload()])
    assert newer.snapshot > pinned
    board = app({}, board=token)
    assert f"data version #{pinned}" in board.subheader[0].value
    assert {m.label: m.value for m in board.metric} == before
    assert any(f"pinned to data version #{pinned}" in w.value for w in board.warning)
    assert "to_latest" not in [b.key for b in board.button]  # no way out of the link's view
