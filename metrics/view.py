"""What a page is looking at: a snapshot, a window of months and optional segment/region filters.

Every metric function takes a cursor and a View; the View turns itself into bound query parameters
and a WHERE fragment built only from constant text, so user-chosen values never enter SQL text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

import pandas as pd

from metrics.rules import add_months, months_between  # noqa: F401  (re-exported: pages import them here)
from metrics.store import quote_ident

DIMENSIONS = ("segment", "region", "channel")  # the only columns a page may group or filter by


@dataclass(frozen=True)
class View:
    snapshot: int
    start: dt.date  # first month of the window (a 1st of the month)
    end: dt.date    # last month of the window (a 1st of the month)
    segment: str | None = None
    region: str | None = None

    @property
    def months(self) -> int:
        return months_between(self.start, self.end)

    def previous(self) -> View:
        """The window of the same length that ends just before this one."""
        return replace(self, start=add_months(self.start, -self.months), end=add_months(self.start, -1))

    def params(self, **extra) -> dict:
        return {"snapshot": self.snapshot, "start": self.start, "end": self.end,
                "segment": self.segment, "region": self.region, **extra}

    @staticmethod
    def where(alias: str = "") -> str:
        """Snapshot + segment/region filter (not the window: metrics differ in how they use it)."""
        p = f"{alias}." if alias else ""
        return (f"{p}snapshot = $snapshot AND ($segment IS NULL OR {p}segment = $segment)"
                f" AND ($region IS NULL OR {p}region = $region)")


def dimension_sql(dimension: str) -> str:
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    return quote_ident(dimension)


def used(sql: str, params: dict) -> dict:
    """The parameters the query names (DuckDB refuses unused named parameters)."""
    named = set(re.findall(r"\$([a-z_]+)", sql))
    return {k: v for k, v in params.items() if k in named}


def query(cur, sql: str, params: dict) -> pd.DataFrame:
    """Run one query with named parameters and return a DataFrame (only the parameters it uses)."""
    return cur.execute(sql, used(sql, params)).df()


def records(cur, sql: str, params: dict) -> list[dict]:
    """query() as plain dicts, one per row, with Python values (NULL: None): for a few rows read value by value, a
    DataFrame costs ~0.5-1 ms to build and read back."""
    result = cur.execute(sql, used(sql, params))
    names = [d[0] for d in result.description]
    return [dict(zip(names, r, strict=True)) for r in result.fetchall()]


def one_row(cur, sql: str, params: dict) -> tuple:
    """The single row of an aggregate query, as a tuple of Python values (query().iloc[0] without the frame)."""
    return cur.execute(sql, used(sql, params)).fetchone()


def dimension_values(cur, snapshot: int, dimension: str) -> list[str]:
    """The values a dimension takes in a snapshot (for filter choices)."""
    table = "fact_nps" if dimension == "channel" else "fact_customer_revenue"
    sql = f"SELECT DISTINCT {dimension_sql(dimension)} FROM {table} WHERE snapshot = ? ORDER BY 1"
    return [r[0] for r in cur.execute(sql, [snapshot]).fetchall()]
