"""NPS and CSAT before vs after a ticket, recomputed from the sample's CSV files with plain pandas (merge_asof), sharing
no code with metrics/: the rules as the Glossary states them (metrics/service_value.py's module rules)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

SPEEDS = ["Within target", "Over target", "Escalated"]


def _answers(path: Path, kind: str) -> pd.DataFrame:
    """One answer per customer and day (the file's last row that day), as points."""
    if kind == "nps":
        a = pd.read_csv(path, parse_dates=["responded_at"]).rename(columns={"responded_at": "day"})
        a["points"] = np.select([a.score >= 9, a.score <= 6], [100, -100], 0)
    else:
        a = pd.read_csv(path, parse_dates=["answered_at"]).rename(columns={"answered_at": "day"})
        a["points"] = np.where(a.satisfaction >= 4, 100, 0)
    a = a.dropna(subset=["customer_id"])
    return a.groupby(["customer_id", "day"], as_index=False).last()[["customer_id", "day", "points"]]


def after_ticket(sample: Path, kind: str, start: str, end: str, target_h: float = 24.0,
                 horizon_days: int = 180) -> pd.DataFrame:
    """Per speed: tickets, pairs, before, after, change, low, high (window [start, end), end exclusive)."""
    t = pd.read_csv(sample / "tickets.csv", parse_dates=["created_at", "solved_at"])
    t = t[(t.solved_at >= start) & (t.solved_at < end)].copy()
    hours = (t.solved_at - t.created_at).dt.total_seconds() / 3600
    t["speed"] = np.where(t.escalated, "Escalated", np.where(hours > target_h, "Over target", "Within target"))
    t["cday"], t["sday"] = t.created_at.dt.normalize(), t.solved_at.dt.normalize()
    answers = _answers(sample / ("nps_responses.csv" if kind == "nps" else "csat_responses.csv"), kind)
    answers = answers.rename(columns={"customer_id": "organization_id"}).sort_values("day")
    horizon = pd.Timedelta(days=horizon_days)
    before = pd.merge_asof(t.sort_values("cday"), answers.rename(columns={"points": "before"}), left_on="cday",
                           right_on="day", by="organization_id", direction="backward", allow_exact_matches=False,
                           tolerance=horizon)
    both = pd.merge_asof(before.drop(columns="day").sort_values("sday"), answers.rename(columns={"points": "after"}),
                         left_on="sday", right_on="day", by="organization_id", direction="forward",
                         allow_exact_matches=False, tolerance=horizon)
    both = both.dropna(subset=["before", "after"]).sort_values(["solved_at", "ticket_id"])
    pairs = both.groupby(["speed", "organization_id"], as_index=False).first()
    pairs["change"] = pairs.after - pairs.before
    rows = []
    for speed in SPEEDS:
        g = pairs[pairs.speed == speed]
        n = len(g)
        mean, sd = g.change.mean(), g.change.std(ddof=1)
        half = 1.96 * sd / math.sqrt(n) if n > 1 else math.nan
        rows.append({"speed": speed, "tickets": int((t.speed == speed).sum()), "pairs": n,
                     "before": g.before.mean(), "after": g.after.mean(), "change": mean, "low": mean - half,
                     "high": mean + half})
    return pd.DataFrame(rows)
