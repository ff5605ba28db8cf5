"""The activity log: every write (upload, roll back, delete, preset save, board link created or revoked)
with who did it and when (UTC). Kept in the workspace beside the data it describes; rows are only added.

`record` checks the user's role again before writing, so a page that forgot to hide a control still cannot
have a viewer's write recorded as if it were allowed.
"""

from __future__ import annotations

import datetime as dt
import threading

import pandas as pd

from access import User

SCHEMA = """
CREATE TABLE IF NOT EXISTS activity_log (
    happened_at TIMESTAMP NOT NULL,  -- UTC
    actor       VARCHAR NOT NULL,    -- the signed-in address, or 'local user' without sign-in
    role        VARCHAR NOT NULL,
    action      VARCHAR NOT NULL,    -- access.ACTIONS
    detail      VARCHAR
);
"""
_lock = threading.Lock()


def ensure(ws) -> None:
    ws.cursor().execute(SCHEMA)


def require(user: User, action: str) -> None:
    if not user.can(action):
        raise PermissionError(f"{user.actor} ({user.role}) may not {action.replace('_', ' ')}")


def record(ws, user: User, action: str, detail: str = "", now: dt.datetime | None = None) -> None:
    require(user, action)
    ensure(ws)
    when = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with _lock:
        ws.cursor().execute("INSERT INTO activity_log VALUES (?, ?, ?, ?, ?)",
                            [when, user.actor, user.role, action, detail])


def recent(ws, limit: int = 200) -> pd.DataFrame:
    ensure(ws)
    return ws.cursor().execute("SELECT happened_at, actor, role, action, detail FROM activity_log"
                               " ORDER BY happened_at DESC LIMIT ?", [limit]).df()
