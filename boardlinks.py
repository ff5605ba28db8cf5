"""Board links: a signed, expiring, revocable link to one view that opens without an account.

The link is `/?board=<token>`, the token `<id>.<expires>.<signature>`: an opaque random id, the expiry as
Unix seconds, and an HMAC-SHA256 signature of both (itsdangerous, keyed by a secret from secrets.toml). What
the link shows (page, filters, pinned data version) is never in the token: it is stored with the id in the
workspace (`board_links`), so a link can be revoked, lists who made it and for what, and cannot be edited
into another view. Every open is logged (`board_link_opens`).

Verification is strict (compare Metabase's embedding and Superset's guest tokens; neither can revoke one
link): the token must have exactly the three parts in their alphabets; the signature must verify and be the
canonical encoding (base64 leaves spare bits in its last character, which a plain decode ignores); the link
must exist with the same expiry, not be revoked, not be expired by the injected clock, and its pinned data
version must still hold data (a deleted upload empties the versions that used it). Pure Python
apart from DuckDB: the caller passes the workspace and the clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
from itsdangerous import BadSignature, Signer

import access

Clock = Callable[[], dt.datetime]
DEFAULT_DAYS = 30
EXPIRY_CHOICES = (1, 7, 30, 90)
MIN_SECRET_CHARS = 32
SALT = "cx-value-dashboard.board-link.v1"  # a different key from the same secret than any other use of it
_TOKEN = re.compile(r"^([A-Za-z0-9_-]{22})\.([0-9]{10})\.([A-Za-z0-9_-]{43})$")

SCHEMA = """
CREATE TABLE IF NOT EXISTS board_links (
    id         VARCHAR PRIMARY KEY,   -- random, 128 bits; the token carries it
    page       VARCHAR NOT NULL,      -- access.ROLE_PAGES
    state      VARCHAR NOT NULL,      -- the view's URL parameters as JSON (viewstate.params)
    snapshot   INTEGER NOT NULL,      -- the pinned data version
    created_by VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,    -- UTC
    expires_at TIMESTAMP NOT NULL,    -- UTC, whole seconds (the token holds the same instant)
    revoked_at TIMESTAMP,
    revoked_by VARCHAR
);
CREATE TABLE IF NOT EXISTS board_link_opens (
    id VARCHAR NOT NULL, opened_at TIMESTAMP NOT NULL,
    outcome VARCHAR NOT NULL  -- 'shown', 'expired', 'revoked', 'deleted' (its data version was emptied)
);
"""


def utc_now() -> dt.datetime:
    """The default clock: naive UTC, as the workspace stores times."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Refused(Exception):  # noqa: N818 - a verdict, not a crash
    """The link cannot be shown; `reason` is one of REASONS."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


REASONS = {
    "malformed": "This is not a board link (it is incomplete or was changed).",
    "tampered": "This board link has been altered, so it cannot be trusted.",
    "unknown": "This board link does not exist in this workspace.",
    "expired": "This board link has expired.",
    "revoked": "This board link was withdrawn by its owner or an administrator.",
    "deleted": "The data version this board link shows was deleted, so it has nothing to show.",
    "parameters": "This board link was opened with extra parameters; open it exactly as it was shared.",
    "not_configured": "Board links are not set up on this server.",
}


@dataclass(frozen=True)
class Link:
    id: str
    page: str
    state: dict
    snapshot: int
    created_by: str
    created_at: dt.datetime
    expires_at: dt.datetime


def signer(secret: str) -> Signer:
    if not isinstance(secret, str) or len(secret) < MIN_SECRET_CHARS:
        raise ValueError(f"the board-link secret must be at least {MIN_SECRET_CHARS} characters")
    return Signer(secret, salt=SALT, sep=".", key_derivation="hmac", digest_method=hashlib.sha256)


class Links:
    """Board links stored in a workspace (anything with `cursor()`), signed with `secret`, timed by `clock`."""

    def __init__(self, ws, secret: str, clock: Clock = utc_now):
        self.ws, self.clock = ws, clock
        self._signer = signer(secret)
        self._lock = threading.Lock()
        ws.cursor().execute(SCHEMA)

    # ---- tokens --------------------------------------------------------------------------------------
    def _token(self, link_id: str, expires_at: dt.datetime) -> str:
        seconds = int(expires_at.replace(tzinfo=dt.UTC).timestamp())
        return self._signer.sign(f"{link_id}.{seconds:010d}").decode()

    def _verify(self, token: object) -> tuple[str, dt.datetime]:
        """The id and expiry of a well-formed, correctly signed token; Refused otherwise (no database read)."""
        if not isinstance(token, str) or not _TOKEN.fullmatch(token):  # fullmatch: '$' also matches before a '\n'
            raise Refused("malformed")
        try:
            value = self._signer.unsign(token).decode()
        except BadSignature:
            raise Refused("tampered") from None
        if not hmac.compare_digest(self._signer.sign(value), token.encode()):
            raise Refused("tampered")  # a different spelling of the right signature: not what we issued
        link_id, seconds = value.split(".")
        return link_id, dt.datetime.fromtimestamp(int(seconds), dt.UTC).replace(tzinfo=None)

    # ---- writing -------------------------------------------------------------------------------------
    def create(self, page: str, state: Mapping, snapshot: int, actor: str, days: int = DEFAULT_DAYS) -> str:
        """Store a link to this view and return its token."""
        if page not in access.ROLE_PAGES:
            raise ValueError(f"board links show role pages only, not {page!r}")
        if days not in EXPIRY_CHOICES:
            raise ValueError(f"expiry must be one of {EXPIRY_CHOICES} days")
        now = self.clock().replace(microsecond=0)
        link_id = secrets.token_urlsafe(16)
        expires_at = now + dt.timedelta(days=days)
        with self._lock:
            self.ws.cursor().execute(
                "INSERT INTO board_links VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                [link_id, page, json.dumps(dict(state), sort_keys=True), int(snapshot), actor, now, expires_at])
        return self._token(link_id, expires_at)

    def revoke(self, link_id: str, actor: str) -> bool:
        """Withdraw a link (idempotent); False if there is no such link."""
        with self._lock:
            cur = self.ws.cursor()
            if cur.execute("SELECT count(*) FROM board_links WHERE id = ?", [link_id]).fetchone()[0] == 0:
                return False
            cur.execute("UPDATE board_links SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL",
                        [self.clock(), actor, link_id])
        return True

    # ---- reading -------------------------------------------------------------------------------------
    def open(self, token: object, log: bool = True) -> Link:
        """The link's view if the token is valid now; Refused (with the reason) otherwise. Logs the outcome
        of every open whose signature verified (`log=False` for the re-checks of a page's later runs)."""
        link_id, expires = self._verify(token)
        now = self.clock()
        row = self.ws.cursor().execute(
            "SELECT page, state, snapshot, created_by, created_at, expires_at, revoked_at FROM board_links"
            " WHERE id = ?", [link_id]).fetchone()
        if row is None or row[5] != expires:
            raise Refused("unknown")  # signed by this key but not issued here (another workspace, or edited)
        outcome = ("revoked" if row[6] is not None else "expired" if now >= row[5] or now >= expires
                   else "deleted" if not self._has_data(row[2]) else "shown")
        if log:
            with self._lock:
                self.ws.cursor().execute("INSERT INTO board_link_opens VALUES (?, ?, ?)", [link_id, now, outcome])
        if outcome != "shown":
            raise Refused(outcome)
        return Link(link_id, row[0], json.loads(row[1]), row[2], row[3], row[4], row[5])

    def _has_data(self, snapshot: int) -> bool:
        """Whether the data version still holds data: deleting an upload empties every version that used it (the
        number stays, with no sources), and the page would show an empty view, or the latest data, under the link."""
        return self.ws.cursor().execute("SELECT count(*) FROM snapshot_sources WHERE snapshot = ?",
                                        [int(snapshot)]).fetchone()[0] > 0

    def table(self) -> pd.DataFrame:
        """Every link, newest first, with its status and how often it was shown (the admin page)."""
        return self.ws.cursor().execute(
            """SELECT l.id, l.page, l.snapshot, l.state, l.created_by, l.created_at, l.expires_at, l.revoked_at,
                      l.revoked_by,
                      CASE WHEN l.revoked_at IS NOT NULL THEN 'revoked' WHEN l.expires_at <= ? THEN 'expired'
                           WHEN NOT EXISTS (SELECT 1 FROM snapshot_sources s WHERE s.snapshot = l.snapshot)
                           THEN 'data deleted' ELSE 'active' END AS status,
                      count(o.id) FILTER (o.outcome = 'shown') AS opens,
                      count(o.id) FILTER (o.outcome <> 'shown') AS refused_opens,
                      max(o.opened_at) FILTER (o.outcome = 'shown') AS last_opened
               FROM board_links l LEFT JOIN board_link_opens o USING (id)
               GROUP BY ALL ORDER BY l.created_at DESC, l.id""", [self.clock()]).df()
