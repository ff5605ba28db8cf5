"""Board links (boardlinks.py) and the activity log (audit.py): signing, strict verification, expiry by an
injected clock, revocation, the open log, and a pinned version surviving newer uploads."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from conftest import REFERENCE, prepare_file, reference_workspace

import access
import audit
import boardlinks
from boardlinks import Links, Refused
from metrics.store import Workspace

SECRET = "s" * 40
START = dt.datetime(2031, 3, 4, 10, 0, 0)
STATE = {"v": "1", "period": ["Jan 2026", "Mar 2026"], "segment": "SMB", "region": "All", "gm": "80",
         "present": "1"}
ALPHABET = string.ascii_letters + string.digits + "-_"


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def ws(tmp_path_factory, tmp_path):
    w = reference_workspace(tmp_path_factory, tmp_path / "workspace.duckdb")
    yield w
    w.close()


@pytest.fixture
def clock():
    return Clock(START)


@pytest.fixture
def links(ws, clock):
    return Links(ws, SECRET, clock)


def test_a_link_opens_its_stored_view_and_carries_no_state(links):
    token = links.create("cfo", STATE, 1, "ana@acme.com")
    link_id, expires, signature = token.split(".")
    assert len(link_id) == 22 and len(signature) == 43
    assert dt.datetime.fromtimestamp(int(expires), dt.UTC).replace(tzinfo=None) == START + dt.timedelta(days=30)
    assert "SMB" not in token and "cfo" not in token  # nothing of the view is in the link
    link = links.open(token)
    assert (link.page, link.state, link.snapshot, link.created_by) == ("cfo", STATE, 1, "ana@acme.com")
    assert links.create("cfo", STATE, 1, "ana@acme.com") != token  # every link has its own id


def test_every_signature_position_changed_is_refused(links):
    token = links.create("ceo", STATE, 1, "ana@acme.com")
    head, signature = token.rsplit(".", 1)
    for i, ch in enumerate(signature):
        for other in (ALPHABET[(ALPHABET.index(ch) + 1) % 64], ALPHABET[(ALPHABET.index(ch) + 32) % 64]):
            forged = f"{head}.{signature[:i]}{other}{signature[i + 1:]}"
            with pytest.raises(Refused) as err:
                links.open(forged)
            assert err.value.reason == "tampered", (i, other)
    links.open(token)  # the original still works


def test_changed_id_or_expiry_is_refused(links, clock):
    token = links.create("ceo", STATE, 1, "ana@acme.com", days=1)
    link_id, expires, signature = token.split(".")
    later = str(int(expires) + 86400 * 365)
    for forged in (f"{link_id[:-1]}{'A' if link_id[-1] != 'A' else 'B'}.{expires}.{signature}",
                   f"{link_id}.{later}.{signature}"):
        with pytest.raises(Refused) as err:
            links.open(forged)
        assert err.value.reason == "tampered"


@pytest.mark.parametrize("token", ["", "abc", None, 42, "a.b.c", "x" * 5000, "../../etc/passwd",
                                   "' OR 1=1 --.1234567890." + "A" * 43])
def test_malformed_tokens_are_refused_before_anything_is_read(links, token):
    with pytest.raises(Refused) as err:
        links.open(token)
    assert err.value.reason == "malformed"


def test_a_token_signed_with_another_secret_is_refused(ws, clock, links):
    token = Links(ws, "t" * 40, clock).create("ceo", STATE, 1, "x@y.com")
    with pytest.raises(Refused) as err:
        links.open(token)
    assert err.value.reason == "tampered"


def test_a_signed_token_this_workspace_never_issued_is_unknown(clock, links):
    other = Workspace(":memory:")
    try:
        token = Links(other, SECRET, clock).create("ceo", STATE, 1, "x@y.com")  # same secret, other workspace
    finally:
        other.close()
    with pytest.raises(Refused) as err:
        links.open(token)
    assert err.value.reason == "unknown"


def test_expiry_follows_the_injected_clock(links, clock):
    token = links.create("cmo", STATE, 1, "ana@acme.com", days=7)
    clock.now = START + dt.timedelta(days=7) - dt.timedelta(seconds=1)
    links.open(token)
    clock.now = START + dt.timedelta(days=7)
    with pytest.raises(Refused) as err:
        links.open(token)
    assert err.value.reason == "expired"


def test_revoked_links_are_refused_and_the_log_counts_opens(links, clock):
    token = links.create("cio", STATE, 1, "ana@acme.com")
    link_id = token.split(".")[0]
    links.open(token)
    links.open(token, log=False)  # a later run of the same page: not another open
    clock.now = START + dt.timedelta(hours=1)
    assert links.revoke(link_id, "boss@acme.com") is True
    with pytest.raises(Refused) as err:
        links.open(token)
    assert err.value.reason == "revoked"
    assert links.revoke("no-such-link", "boss@acme.com") is False
    row = links.table().set_index("id").loc[link_id]
    assert (row.status, row.opens, row.refused_opens, row.revoked_by) == ("revoked", 1, 1, "boss@acme.com")
    assert row.revoked_at == START + dt.timedelta(hours=1)


def test_table_marks_expired_links(links, clock):
    links.create("ceo", STATE, 1, "ana@acme.com", days=1)
    clock.now = START + dt.timedelta(days=2)
    assert links.table().status.tolist() == ["expired"]


def test_a_link_opened_after_a_newer_upload_shows_the_pinned_version(ws, links):
    token = links.create("cfo", {**STATE, "v": "1"}, 1, "ana@acme.com")
    newer = ws.commit([prepare_file(REFERENCE / "revenue.csv", "revenue").to_upload()])
    assert newer.snapshot == 2
    link = links.open(token)
    assert link.snapshot == 1 and link.state["v"] == "1"


@pytest.mark.parametrize("page, days", [("data", 30), ("links", 30), ("glossary", 30), ("cfo", 365), ("cfo", 0)])
def test_only_role_pages_and_listed_expiries(links, page, days):
    with pytest.raises(ValueError):
        links.create(page, STATE, 1, "ana@acme.com", days=days)


def test_short_secrets_are_refused(ws):
    with pytest.raises(ValueError):
        Links(ws, "short")


def test_the_workspace_stays_locked_with_link_tables(ws, links):
    import duckdb

    with pytest.raises(duckdb.PermissionException):
        ws.cursor().execute("COPY board_links TO '/tmp/links.csv'")


# ---- activity log --------------------------------------------------------------------------------------
def test_activity_log_records_who_and_refuses_a_viewer(ws):
    acl = access.parse({"analysts": ["bo@acme.com"], "viewers": ["@acme.com"]})
    analyst, viewer = acl.resolve("bo@acme.com"), acl.resolve("dee@acme.com")
    audit.record(ws, analyst, "upload", "revenue.csv as version 4", now=START)
    audit.record(ws, access.LOCAL_USER, "delete", "version 2", now=START + dt.timedelta(minutes=1))
    with pytest.raises(PermissionError):
        audit.record(ws, viewer, "upload", "sneaky.csv")
    log = audit.recent(ws)
    assert log[["actor", "role", "action"]].values.tolist() == [["local user", "admin", "delete"],
                                                               ["bo@acme.com", "analyst", "upload"]]


def test_expiry_choices_include_the_default():
    assert boardlinks.DEFAULT_DAYS in boardlinks.EXPIRY_CHOICES
