"""Shared links and board links, hunted page by page: what a page shows for a link's hostile values (a value with
invisible characters, two data versions, values on a page without figures) and board links to a deleted data
version or with a trailing line break. The module's workspace: the reference files as data version #1 (Dec 2024 –
Apr 2025); the last tests add versions."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import APP, REFERENCE, prepare_bytes, prepare_file, reference_workspace, run_app
from streamlit.testing.v1 import AppTest

import boardlinks
import ui
import viewstate

SEED = ["customers", "nps", "revenue"]  # conftest's app_workspace stores these first: data version #1
SECRET = "c" * 64  # the sign-in cookie secret below: gate.link_secret falls back to it
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": SECRET, "client_id": "app",
        "client_secret": "secret", "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
STATE = {"v": "2", "period": ["Jan 2025", "Apr 2025"], "segment": "All", "region": "All", "gm": "80",
         "present": "1"}
MAY = (REFERENCE / "revenue.csv").read_bytes() + b"A,2025-05,100\n"  # one month more than the reference file

pytestmark = pytest.mark.usefixtures("app_workspace")


def board(token) -> AppTest:
    """Open a board link as someone who is not signed in."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["auth"] = AUTH
    at.secrets["access"] = {"admins": ["ana@acme.com"]}
    at.user = {"is_logged_in": False}
    at.context = {"url": "http://localhost:8501/"}
    at.query_params["board"] = token
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# ---- the notice names what it cannot use ----------------------------------------------------------------------
def test_an_invisible_character_in_a_value_is_named_not_dropped():
    """'region=EMEA%00' (a NUL, a bidi override, a line break pasted with the link) read "region 'EMEA' is not in
    the data": the notice said that a region the data holds is not in it. The character is named."""
    allowed = viewstate.Allowed(versions=(1,), months=("Jan 2025",), regions=("EMEA",))
    parsed = viewstate.parse({"region": ["EMEA\x00"], "segment": ["SMB\u202e"], "x\ny": ["1"]}, allowed)
    assert parsed.values == {}
    assert parsed.problems == ["region 'EMEA[U+0000]' is not in the data; showing all regions",
                               "segment 'SMB[U+202E]' is not in the data; showing all segments",
                               "unknown link parameter 'x[U+000A]y' was ignored"]
    at = run_app("pages/cfo.py", region="EMEA\x00")
    assert at.warning[0].value == ("This link had values that cannot be used: "
                                   + ui.md_escape("region 'EMEA[U+0000]' is not in the data; showing all regions")
                                   + ".")
    assert "Dec 2024 – Apr 2025 · all segments · all regions · data version #1" in at.caption[0].value
    assert at.selectbox(key="region").value == "All"


def test_the_glossary_names_a_links_unusable_values():
    """The Glossary draws the sidebar's filters too: 'glossary?segment=Nope&gm=²' showed "All" and 80 there and
    dropped both values from the address with no word."""
    at = run_app("pages/glossary.py", segment="Nope", gm="²")
    assert [w.value for w in at.warning] == [
        "This link had values that cannot be used: "
        + ui.md_escape("segment 'Nope' is not in the data; showing all segments; gm '²' must be a whole number "
                       "from 1 to 100; using the default 80") + "."]
    assert at.selectbox(key="segment").value == "All" and at.number_input(key="gm").value == 80
    assert not run_app("pages/glossary.py", segment="SMB").warning  # a usable value: no notice


# ---- board links -----------------------------------------------------------------------------------------------
def test_a_token_with_a_trailing_line_break_is_not_a_board_link(tmp_path_factory, tmp_path):
    """The token's pattern ended in '$', which also matches before a final '\\n': a link pasted with a line break
    passed the shape check and was called "altered" (tampered), not "not a board link"."""
    ws = reference_workspace(tmp_path_factory, tmp_path / "ws.duckdb")
    try:
        links = boardlinks.Links(ws, SECRET)
        token = links.create("cfo", {**STATE, "v": "1"}, 1, "ana@acme.com")
        with pytest.raises(boardlinks.Refused) as err:
            links.open(token + "\n")
        assert err.value.reason == "malformed"
        assert links.open(token).snapshot == 1
    finally:
        ws.close()


def test_a_board_link_to_a_deleted_data_version_is_refused():
    """A board link pinned to data version #2, whose revenue upload was then deleted (#2 emptied, a newer #3 in
    use): the board page crashed with "Could not find page: `pages/glossary.py`" (an empty view draws the page's
    ordinary header). It says the data was deleted and shows nothing; the Links page lists it as 'data deleted'."""
    ws = ui.workspace()
    run_app("pages/cfo.py")  # the workspace has been viewed once (as any workspace a link was made from)
    second = ws.commit([prepare_file(REFERENCE / "revenue.csv", "revenue").to_upload()])
    ws.commit([prepare_file(REFERENCE / "revenue.csv", "revenue").to_upload()])
    links = boardlinks.Links(ws, SECRET)
    token = links.create("cfo", STATE, second.snapshot, "ana@acme.com")
    shown = board(token)
    assert shown.title[0].value == "Your company · CFO"
    assert shown.subheader[0].value.startswith(
        "Recurring revenue and retention — Jan 2025 – Apr 2025 · all segments · all regions · data version #2")

    assert ws.delete_version(second.versions["revenue"]) == [2]
    refused = board(token)
    assert refused.title[0].value == "This board link cannot be shown"
    assert [e.value for e in refused.error] == [
        "The data version this board link shows was deleted, so it has nothing to show. Ask the person who shared "
        "it for a new link."]
    assert not refused.metric and not refused.subheader
    row = links.table().set_index("id").loc[token.split(".")[0]]
    assert (row.status, row.opens, row.refused_opens) == ("data deleted", 1, 1)


def test_a_deleted_board_link_is_still_refused_for_its_expiry_first():
    """Refusals keep their order: a link both expired and pinned to deleted data says it expired."""
    ws = ui.workspace()
    past = boardlinks.Links(ws, SECRET, clock=lambda: dt.datetime(2020, 1, 1))
    token = past.create("cfo", STATE, 2, "ana@acme.com", days=1)
    assert [e.value for e in board(token).error] == [
        "This board link has expired. Ask the person who shared it for a new link."]


# ---- two data versions -----------------------------------------------------------------------------------------
def test_a_link_with_two_data_versions_checks_its_period_against_the_version_shown():
    """'v=4&v=1&period=May 2025&period=May 2025' shows the latest version (#4, Dec 2024 – May 2025), as the notice
    says, but the period was checked against the months of #1 (the last 'v'), which end in April: the notice said
    "period 'May 2025 to May 2025' is not a range of months in the data; showing Dec 2024 – Apr 2025" above a page
    that showed Dec 2024 – May 2025. The period is checked against the version shown, and kept."""
    latest = ui.workspace().commit([prepare_bytes(MAY, "revenue", name="revenue_may.csv").to_upload()])
    assert latest.snapshot == 4 and f"{latest.last_month:%Y-%m}" == "2025-05"
    at = run_app("pages/cfo.py", v=["4", "1"], period=["May 2025", "May 2025"])
    assert [w.value for w in at.warning if "link had values" in w.value] == [
        "This link had values that cannot be used: "
        + ui.md_escape("v was given 2 different values (4, 1); showing the latest") + "."]
    assert "May 2025 · all segments · all regions · data version #4" in at.caption[0].value
    assert at.query_params["period"] == ["May 2025", "May 2025"] and at.query_params["v"] == "4"
