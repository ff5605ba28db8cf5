"""NPS metrics, read from fact_nps (response counts per month, segment, region, channel and score).

Definitions (docs/metrics.md "NPS"; bands and SQL from metrics.rules): promoter 9–10, passive 7–8, detractor 0–6;
NPS = 100 × (promoters − detractors) ÷ n over the responses in the window (every response counts, not
one per customer); 95% interval by adjusted Wald; never the mean score. A response's segment and region
are its own columns when the survey export has them, otherwise its customer's.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metrics import measures, rules, stats
from metrics.store import source_rows_for
from metrics.view import View, dimension_sql, one_row, query

WINDOW_DATES = "response_date BETWEEN $start AND last_day($end)"  # a View's window, on raw answers

CATEGORIES = rules.CATEGORIES
UNKNOWN = "Unknown"  # what the facts store when a response has no segment, region or channel


def unknown_label(dimension: str) -> str:
    """How a response without a value of `dimension` is shown: anonymous answers, customer ids not in the customers
    file, and customers the file gives no segment or region have none ("anonymous" would mislabel the last, who are
    known customers); some exports have no channel."""
    return f"No {dimension} recorded"

# fact_nps holds one row per score and dimension with a response count, so counts are sums.
_SUMS = measures.select("fact_nps", "promoters", "passives", "detractors", n="responses")


@dataclass(frozen=True)
class NpsResult:
    n: int
    promoters: int
    passives: int
    detractors: int

    @property
    def interval(self) -> stats.Interval:
        return stats.nps_interval(self.promoters, self.detractors, self.n)

    @property
    def value(self) -> float | None:
        return self.interval.estimate

    @property
    def too_small(self) -> bool:
        return self.n < stats.MIN_COMPARABLE_N

    def z_against(self, other: NpsResult) -> float | None:
        """z of this NPS minus another (two periods or two groups); |z| ≥ Z_95 is significant."""
        return stats.nps_z((self.promoters, self.detractors, self.n), (other.promoters, other.detractors, other.n))


def _with_intervals(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.fillna({"promoters": 0, "passives": 0, "detractors": 0, "n": 0})
    intervals = [stats.nps_interval(int(p), int(d), int(n))
                 for p, d, n in zip(frame.promoters, frame.detractors, frame.n, strict=True)]
    frame["nps"] = [i.estimate for i in intervals]
    frame["low"] = [i.low for i in intervals]
    frame["high"] = [i.high for i in intervals]
    frame["too_small"] = frame["n"] < stats.MIN_COMPARABLE_N
    return frame


def summary(cur, view: View) -> NpsResult:
    """NPS over the window's responses."""
    # one row read as a tuple, not a frame (~1 ms a call); _SUMS lists promoters, passives, detractors, n
    promoters, passives, detractors, n = one_row(
        cur, f"SELECT {_SUMS} FROM fact_nps WHERE {View.where()} AND month BETWEEN $start AND $end", view.params())
    return NpsResult(*[0 if v is None else int(v) for v in (n, promoters, passives, detractors)])


def by_month(cur, view: View) -> pd.DataFrame:
    """Monthly NPS with n and interval: columns month, promoters, passives, detractors, n, nps, low, high."""
    frame = query(cur, f"""SELECT month, {_SUMS} FROM fact_nps
                           WHERE {View.where()} AND month BETWEEN $start AND $end GROUP BY month ORDER BY month""",
                  view.params())
    return _with_intervals(frame)


def by_dimension(cur, view: View, dimension: str) -> pd.DataFrame:
    """NPS per value of segment, region or channel, with n and interval (largest group first). Responses
    without a value are one group, labelled by unknown_label()."""
    dim = dimension_sql(dimension)
    frame = query(cur, f"""SELECT {dim} AS value, {_SUMS} FROM fact_nps
                           WHERE {View.where()} AND month BETWEEN $start AND $end GROUP BY 1 ORDER BY n DESC""",
                  view.params())
    return _dimension_frame(frame, dimension)


def _dimension_frame(frame: pd.DataFrame, dimension: str) -> pd.DataFrame:
    frame["value"] = frame["value"].replace(UNKNOWN, unknown_label(dimension))
    return _with_intervals(frame)


def _by_dimension_now_and_before(cur, view: View, dimension: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """by_dimension for the view and for view.previous() from one statement over both windows (they are adjacent):
    one query and frame instead of two (~3 ms)."""
    dim = dimension_sql(dimension)
    before = view.previous()
    frame = query(cur, f"""SELECT month >= $start AS now, {dim} AS value, {_SUMS} FROM fact_nps
                           WHERE {View.where()} AND month BETWEEN $before AND $end GROUP BY 1, 2
                           ORDER BY now DESC, n DESC""", view.params(before=before.start))
    return tuple(_dimension_frame(frame[frame["now"] == now].drop(columns="now").reset_index(drop=True), dimension)
                 for now in (True, False))


def score_distribution(cur, view: View) -> pd.DataFrame:
    """Responses per score 0–10 (every score listed, zero when none) with its category."""
    frame = query(cur, f"""SELECT s.score, coalesce(sum(f.responses), 0)::BIGINT AS responses,
                                  {rules.category_sql('s.score')} AS category
                           FROM range(0, 11) s(score)
                           LEFT JOIN (SELECT * FROM fact_nps WHERE {View.where()}
                                      AND month BETWEEN $start AND $end) f ON f.score = s.score
                           GROUP BY s.score ORDER BY s.score""", view.params())
    total = frame["responses"].sum()
    frame["share"] = frame["responses"] / total if total else 0.0
    return frame


def _window_answers(cur, view: View) -> str:
    """The snapshot's NPS answers dated in the view's window (store.source_rows_for), with $nv bound to the
    snapshot's NPS version: one source is read by it (new customers' NPS 35 -> 28 ms at 200,000 customers)."""
    return source_rows_for(cur, "nps", view.snapshot, "snapshot", WINDOW_DATES, version_param="nv")


def recent_comments(cur, view: View, versions: dict, limit: int = 12) -> pd.DataFrame:
    """The latest non-empty comments in the window with score, category, customer and segment."""
    latest = "ORDER BY n.response_date DESC, n.row_number DESC LIMIT $limit"
    # Over every segment and region the latest answers are picked before the customers are joined (to those few
    # rows, not to every comment of the window: 48 -> 26 ms at 200,000 customers); a segment or region filter
    # needs the customer's own where the answer has none, so there the join comes first.
    unfiltered = view.segment is None and view.region is None
    sql = f"""
        SELECT n.response_date AS date, n.score, {rules.category_sql('n.score')} AS category, n.comment,
               n.customer_id AS customer, coalesce(n.segment, c.segment, 'Unknown') AS segment,
               coalesce(n.region, c.region, 'Unknown') AS region
        FROM (SELECT * FROM {_window_answers(cur, view)} n
              WHERE n.comment IS NOT NULL AND n.response_date >= $start AND n.response_date <= last_day($end)
              {latest if unfiltered else ""}) n
        LEFT JOIN (SELECT customer_id, segment, region FROM customers WHERE version = $cv) c USING (customer_id)
        WHERE ($segment IS NULL OR coalesce(n.segment, c.segment, 'Unknown') = $segment)
          AND ($region IS NULL OR coalesce(n.region, c.region, 'Unknown') = $region)
        {latest}"""
    frame = query(cur, sql, view.params(nv=versions.get("nps"), cv=versions.get("customers"), limit=limit))
    for dim in ("segment", "region"):
        frame[dim] = frame[dim].replace(UNKNOWN, unknown_label(dim))
    return frame


def new_customer_nps(cur, view: View, versions: dict) -> NpsResult:
    """NPS of the window's responses from customers who started within the window (new customers)."""
    # One row per response, counted through fact_nps's measures with a count column of 1.
    promoters, passives, detractors, n = one_row(cur, f"""
        SELECT {_SUMS} FROM (SELECT n.score, 1 AS responses
        FROM {_window_answers(cur, view)} n
        JOIN customers c ON c.customer_id = n.customer_id AND c.version = $cv
        WHERE n.response_date BETWEEN $start AND last_day($end)
          AND c.start_date BETWEEN $start AND last_day($end)
          AND ($segment IS NULL OR coalesce(n.segment, c.segment, 'Unknown') = $segment)
          AND ($region IS NULL OR coalesce(n.region, c.region, 'Unknown') = $region))""",
                view.params(nv=versions.get("nps"), cv=versions.get("customers")))
    return NpsResult(int(stats.num(n)), int(stats.num(promoters)), int(stats.num(passives)),
                     int(stats.num(detractors)))


ASSISTED = ("support", "phone", "call", "agent", "chat", "csm", "account manager", "in person")


def channel_mix(cur, view: View) -> pd.DataFrame:
    """Responses and NPS per channel, each marked digital or assisted (a person took part: support, phone,
    chat, account manager …)."""
    frame = by_dimension(cur, view, "channel")
    frame["mode"] = ["Assisted" if any(w in str(v).lower() for w in ASSISTED) else
                     "Unknown" if v == unknown_label("channel") else "Digital" for v in frame.value]
    return frame


def movers(cur, view: View, dimension: str = "segment") -> pd.DataFrame:
    """NPS per group now and in the previous window of the same length, the change, its z and whether it
    is significant (|z| ≥ Z_95, both n ≥ MIN_COMPARABLE_N); significant changes first, then by absolute change."""
    now, before = (frame.set_index("value") for frame in _by_dimension_now_and_before(cur, view, dimension))
    rows = []
    for value in now.index:
        a = now.loc[value]
        b = before.loc[value] if value in before.index else None
        z = None if b is None else stats.nps_z((int(a.promoters), int(a.detractors), int(a.n)),
                                               (int(b.promoters), int(b.detractors), int(b.n)))
        comparable = b is not None and min(a.n, b.n) >= stats.MIN_COMPARABLE_N
        rows.append({"value": value, "nps": a.nps, "n": int(a.n), "previous": None if b is None else b.nps,
                     "previous_n": 0 if b is None else int(b.n),
                     "change": float("nan") if b is None or b.nps is None else a.nps - b.nps, "z": z,
                     "significant": bool(comparable and z is not None and abs(z) >= stats.Z95)})
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["_size"] = frame["change"].abs()
    return frame.sort_values(["significant", "_size"], ascending=False, na_position="last").drop(columns="_size")
