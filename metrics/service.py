"""Service (support tickets): volume, speed, quality, and what service is worth in churn and ARR.

Rules (shared/METRICS.md "Service (support tickets)" and "CSAT"); the `tickets` table is service_schema's, one
row per ticket. Every function takes (cur, view, tickets_version); the view's window is its months start…end,
i.e. the times from start's first day (inclusive) to the day after end's last day (exclusive).
- Created in M: by created_at. Solved in M: by solved_at (the final solve; a reopened ticket counts once).
- A ticket's segment and region (the view's filter, the accounts list): its own, else its customer's in the data
  version's customers file, else "Unknown".
- The instant of "at the window's end" (measured_at, the one helper every such query reads as $at / $cut): open
  tickets, their ages, open high-priority tickets, the ARR touched by tickets open over the target and the backlog
  are measured at min(the window's end, the tickets version's "as of" instant), where as of = the latest created,
  first-reply or solve time stored in the version (all its tickets, whatever the view's filter; the export's
  updated-at time is not stored, so not read). An export taken on 15 Nov 10:00 cannot say what was solved after
  it, nor how long its open tickets stayed open: measured at 1 Dec 00:00 its ages were ~15 days too old and a
  ticket 12 h old at the export counted as open > 24 h. When the instant is the as-of one, the pages say so ("at
  15 Nov 2026 10:00 (the export's latest time)"), never "at the end of Nov 2026".
- Backlog at the end of M: tickets created before M ends and not solved by then. Not measurable (None) for a
  month when some ticket's place is unknown: no created time, or solved/closed without a solve time. For the
  month of the as-of instant (when it is earlier than that month's end) the backlog at the as-of instant; for a
  month after it None (what was solved after the export is not known).
- Contact rate of M = tickets created in M per 100 customers active in M (fact_customer_month.active). Over a
  window: Σ created ÷ Σ active customer-months × 100 (tickets per 100 active customers per month), over the months
  the export holds whole. A month after the as-of instant's month has no created or solved count (None, never 0);
  the as-of month's counts run to the instant (partial, unless the instant is on the month's last day: no contact
  rate of its own).
- First-response time = first_reply_hours over tickets created in the window that have one; resolution time =
  resolution_hours over tickets solved in the window. Calendar hours only (business hours are never mixed in).
  Median and 90th percentile by linear interpolation between order statistics (numpy's default; DuckDB's
  quantile_cont), with n.
- Within target = tickets whose time is ≤ the target ÷ tickets with a time (same populations), Wilson 95%.
- Reopen rate = solved tickets in the window with reopens > 0 ÷ solved tickets in the window whose reopens are
  known; escalation rate likewise with escalated. Wilson 95%.
- CSAT = satisfied ÷ answers × 100% over answers dated in the window (the answer's ticket is dated by its solve
  time, else its created time), Wilson 95%, n; n < 30 flagged. Response rate = answers ÷ tickets offered a
  survey when the export says which were (csat_offered), else ÷ solved tickets in the window, and says so.
- Churn by service experience (no look-ahead): customers active at the window's start, grouped by what their
  tickets created in the equally long window before showed by the start instant, and churned within the window
  (fact_customer_month.churn_month), per group with a Wilson 95% interval. One group per customer, the first
  that applies: gave bad CSAT (an unsatisfied answer on a ticket solved before the start) / escalated / slow
  resolution (solved before the start in more than the target, or still open at the start and older than the
  target) / fast resolution (every ticket solved before the start within the target) / tickets, outcome not
  yet known (open but younger than the target, or no calendar time) / no tickets.
- ARR touched by open tickets older than the target at the window's end (the instant above): 12 × MRR in the
  window's last month of the distinct customers with such a ticket, with the share of all ARR then.
- Quality by month: per month of the window, median first-response hours (tickets created in M), median and
  within-target resolution (tickets solved in M) and CSAT (answers dated in M) with Wilson 95% and n.
- Root causes: each tag of the tickets created in the window (a ticket with several tags counts under each);
  tickets, distinct customers, their ARR at the window's end (12 × MRR in its last month, customers still paying)
  and churn after raising it: of the customers who raised the tag and had not churned before the month of their
  first such ticket in the window, those whose churn month falls in that month or later, up to the window's end
  (the mention's date starts their outcome: no churn before it is counted), Wilson 95%. Repeat rate: of those
  customers, the ones with two or more such tickets in the window, Wilson 95%. The same by subject theme: each
  distinct subject's language (metrics.text.language.detect, among all the version's subjects: a subject too short
  to tell takes their majority language, whatever the period) and themes (metrics.text.themes.assign, the comments'
  keyword map); a subject in a language the engine does not cover, or matching no keyword, has no theme (counted).
- Knowledge pool to-do list: the issues with the most tickets in the window (then ARR), top KNOWLEDGE_POOL_SIZE, by
  tag when the tickets carry tags, else by subject theme.
- Open high-priority tickets: tickets open at the window's end (the instant above: created before it, not solved
  by then) with
  priority high, urgent, critical, highest, blocker or emergency ("2 - High" read as high), per customer: tickets,
  the oldest one's age in days at the window's end, ARR then.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

import pandas as pd

from metrics import measures, stats
from metrics.definitions import plural
from metrics.rules import first_full_month
from metrics.schema import transaction
from metrics.view import View, add_months, query

DEFAULT_TARGET_HOURS = 24.0
GROUPS = ["No tickets", "Fast resolution", "Slow resolution", "Escalated", "Gave bad CSAT",
          "Tickets, outcome not yet known"]
OPEN = "('new', 'open', 'pending', 'hold')"
DONE = "('solved', 'closed')"
# A ticket of an export with neither a status nor a solve/close time (a chat export): open or solved is not known
UNKNOWN = "'unknown'"
# SQL: the ticket's state at a later instant is not known (solved/closed without a solve time, or state unknown)
STATE_UNKNOWN = f"((status IN {DONE} AND solved_at IS NULL) OR status = {UNKNOWN})"
NO_STATE = "the export has no status and no solve or close time, so open tickets cannot be told from solved ones"

# A ticket's segment and region: its own, else its customer's in the snapshot's customers file (`seg`), else
# 'Unknown'. The version's tickets under the view's filter are the CTE `t`, whose segment and region columns are the
# ticket's own: a query showing them reads the customer's through _seg (open_high_priority: of its accounts only).
# t joins seg only when the view filters by segment or region: the join took ~35 ms a query at 1M tickets and
# 200,000 customers (a page runs ~40), and grouping the customer-month facts to one row per customer, as seg did
# before, ~150 ms.
def _seg(name: str = "seg", of: str | None = None) -> str:
    """The CTE `name`: each customer's segment and region in the snapshot's customers file; `of` (a SELECT of
    customer_id) keeps the customers it lists only (a table of a few thousand accounts need not group 200,000)."""
    only = f" AND customer_id IN ({of})" if of else ""
    return f"""{name} AS (
    SELECT customer_id, any_value(segment) AS segment, any_value(region) AS region
    FROM customers WHERE version = (SELECT customers_version FROM snapshots WHERE snapshot = $snapshot){only}
    GROUP BY customer_id
)"""


_SEG = _seg()
SEGMENT_SQL = "coalesce({t}.segment, {seg}.segment, 'Unknown')"  # {seg}: the CTE of _seg(), usually seg
REGION_SQL = "coalesce({t}.region, {seg}.region, 'Unknown')"


def _tickets(view: View) -> str:
    """The CTEs seg and t for the view (see _SEG; a query that does not read seg does not compute it)."""
    if view.segment is None and view.region is None:
        # read where used, each time only the columns used: materialised (DuckDB does so for a CTE read more than
        # once) it copied every column of every ticket, ~110 ms a query at 1M tickets
        return f"{_SEG}, t AS NOT MATERIALIZED (SELECT * FROM tickets WHERE version = $tv)"
    return f"""{_SEG}, t AS (
        SELECT tk.* FROM tickets tk LEFT JOIN seg USING (customer_id)
        WHERE tk.version = $tv AND ($segment IS NULL OR {SEGMENT_SQL.format(t="tk", seg="seg")} = $segment)
          AND ($region IS NULL OR {REGION_SQL.format(t="tk", seg="seg")} = $region))"""


def window_bounds(view: View) -> tuple[dt.datetime, dt.datetime]:
    """$wstart, $wend: the window's first instant (its first day, 00:00) and its exclusive end (the day after its
    last month's last day, 00:00). metrics/service_value.py bounds its answers by them too."""
    return dt.datetime.combine(view.start, dt.time()), dt.datetime.combine(add_months(view.end, 1), dt.time())


def _params(view: View, tv: int, **extra) -> dict:
    wstart, wend = window_bounds(view)
    return view.params(tv=tv, wstart=wstart, wend=wend, **extra)


def as_of(cur, tv: int) -> dt.datetime | None:
    """The tickets version's "data as of" instant: the latest created, first-reply or solve time written anywhere in
    it (all its tickets, whatever the view's segment or region: the export was taken at one instant). The export's
    updated-at column is not stored, so it is not read. None when no ticket has any of these times."""
    row = cur.execute("SELECT greatest(max(created_at), max(first_reply_at), max(solved_at)) FROM tickets "
                      "WHERE version = ?", [tv]).fetchone()
    return None if row is None or row[0] is None else row[0]


@dataclass(frozen=True)
class Instant:
    """When the view's instant-based figures (open tickets, their ages, the backlog at the window's end) are
    measured: at = min(the window's end, the tickets version's as_of). cut is the same instant as an exclusive
    bound (a ticket created before cut and not solved before it is open then): the window's end itself, or one
    microsecond (DuckDB's resolution) after as_of, so that what happened at the as-of instant has happened."""
    at: dt.datetime
    cut: dt.datetime
    as_of: dt.datetime | None
    window_end: dt.datetime

    @property
    def early(self) -> bool:
        """The data end before the window does: figures are measured at as_of, and the page says so."""
        return self.at < self.window_end

    @property
    def month(self) -> dt.date:
        """The month of the last instant the data know (the window's last month when not early)."""
        last = self.at if self.early else self.window_end - dt.timedelta(microseconds=1)
        return last.date().replace(day=1)

    @property
    def cut_short(self) -> bool:
        """The export ends before the last day of its month: that month's counts (created, solved) are partial. An
        export whose latest time falls on the month's last day (the sample's 31 Oct 23:35) holds the month whole:
        its counts are the month's, though its open tickets are still measured at that time."""
        return self.early and self.at.date() < add_months(self.month, 1) - dt.timedelta(days=1)

    def params(self) -> dict:
        return {"at": self.at, "cut": self.cut}

    def words(self, at_end: str) -> str:
        """The instant in words: `at_end` ("the end of Nov 2026") when the figures are measured at the window's end,
        else "15 Nov 2026 10:00 (the export's latest time)"."""
        return f"{self.at.day} {self.at:%b %Y %H:%M} (the export's latest time)" if self.early else at_end


def measured_at(cur, view: View, tv: int) -> Instant:
    """The one home of the instant every "at the window's end" service figure is measured at (Instant)."""
    end, latest = window_bounds(view)[1], as_of(cur, tv)
    if latest is None or latest >= end:
        return Instant(end, end, latest, end)
    return Instant(latest, latest + dt.timedelta(microseconds=1), latest, end)


# SQL (with Instant.params()): the ticket is open at the instant (created before it, not solved by then, its state
# known), and its age then in hours
OPEN_AT = f"(created_at < $cut AND (solved_at IS NULL OR solved_at >= $cut) AND NOT {STATE_UNKNOWN})"
AGE_HOURS = "((epoch($at) - epoch(created_at)) / 3600.0)"


def _q(cur, sql: str, view: View, tv: int, **extra) -> pd.DataFrame:
    return query(cur, f"WITH {_tickets(view)}, {sql}", _params(view, tv, **extra))


# The version's tickets under the view (CTE `t`) with the window's bound parameters: metrics/service_value.py's too.
ticket_query = _q


def _one(cur, sql: str, view: View, tv: int, **extra) -> pd.Series:
    return _q(cur, sql, view, tv, **extra).iloc[0]


def _int(x) -> int:
    return int(stats.num(x))


def _rate(k: int, n: int) -> dict:
    ci = stats.wilson(k, n)
    return {"value": ci.estimate, "low": ci.low, "high": ci.high, "count": k, "n": n,
            "too_small": n < stats.MIN_COMPARABLE_N}


def coverage(cur, view: View, tv: int) -> dict:
    """What the version's export holds (decides which figures are measurable)."""
    row = _one(cur, f"""x AS (SELECT 1) SELECT count(*) AS tickets, count(created_at) AS created,
            count(solved_at) AS solved, count_if(status IN {DONE} AND solved_at IS NULL) AS done_no_time,
            count_if(status = {UNKNOWN}) AS unknown_state,
            count(reopens) AS reopens, count(escalated) AS escalated, count(csat_satisfied) AS answers,
            count(csat_offered) AS offered_known, count_if(hours_basis = 'calendar') AS calendar,
            count_if(hours_basis = 'business') AS business, count_if(day_precision) AS day_precision
            FROM t""", view, tv)
    return {k: _int(v) for k, v in row.items()}


def monthly(cur, view: View, tv: int, cov: dict | None = None, instant: Instant | None = None) -> pd.DataFrame:
    """Per month of the window: created, solved, backlog at month end, active customers, contact rate
    (None where not measurable, see the module rules). The backlog of the month the tickets end in (measured_at) is
    at their as-of instant, and None for the months after it: `backlog_at` says which instant each is (None then)."""
    cov = cov or coverage(cur, view, tv)  # summary() passes the ones it has read
    instant = instant or measured_at(cur, view, tv)
    store_ticket_months(cur, view.snapshot, tv)
    # The month counts stored once per snapshot and version (store_ticket_months): read at 1M tickets, they took
    # ~110 ms a call, and the page reads two periods. A ticket is open at an instant e (the month's end, or $cut
    # when the tickets end earlier) when created before e and not solved before e: open(e) = #opened before e −
    # #closed before e, both counted by the month of their instant. Whole months serve every e: e is either a
    # month's end or $cut, the instant after the latest time of the version, which no counted instant reaches.
    frame = query(cur, f"""WITH months AS (
            SELECT unnest(generate_series($start::DATE, $end::DATE, INTERVAL 1 MONTH))::DATE AS month
        ), counts AS (
            SELECT month, sum(created) AS created, sum(listed_created) AS listed_created, sum(solved) AS solved,
                   sum(opened) - sum(closed) AS d, sum(unknown_state) AS unknown_state, sum(undated) AS undated,
                   sum(active) AS active
            FROM ticket_months WHERE {View.where()} AND version = $tv AND (month IS NULL OR month <= $end)
            GROUP BY month
        )
        SELECT m.month, coalesce(c.created, 0)::BIGINT AS created,
               coalesce(c.listed_created, 0)::BIGINT AS listed_created, coalesce(c.solved, 0)::BIGINT AS solved,
               (SELECT coalesce(sum(d), 0) FROM counts o WHERE o.month <= m.month)::BIGINT AS backlog,
               ((SELECT coalesce(sum(undated), 0) FROM counts WHERE month IS NULL)
                + (SELECT coalesce(sum(unknown_state), 0) FROM counts u WHERE u.month <= m.month))::BIGINT AS unplaced,
               coalesce(c.active, 0)::BIGINT AS active
        FROM months m LEFT JOIN counts c USING (month)
        ORDER BY m.month""", _params(view, tv))
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    # a month after the one the tickets end in: its backlog is not known (what was solved after as-of is not)
    frame["backlog_at"] = [None if m > instant.month else instant.at if m == instant.month
                           else dt.datetime.combine(add_months(m, 1), dt.time()) for m in frame["month"]]
    # nor are its counts: "0 tickets created in Nov" of an export taken on 15 Oct read as a quiet month; the month
    # the export ends in is counted to its as-of instant (partial: no contact rate, its denominator is the month)
    after = frame["month"] > instant.month
    frame["partial"] = (frame["month"] == instant.month) & instant.cut_short
    frame["created"] = frame["created"].astype("Int64").where(~after, pd.NA) \
        if cov["created"] == cov["tickets"] else pd.NA
    frame["solved"] = frame["solved"].astype("Int64").where(~after, pd.NA) \
        if not (cov["done_no_time"] or cov["unknown_state"]) else pd.NA
    frame["backlog"] = frame["backlog"].astype("Int64").where((frame["unplaced"] == 0)
                                                              & frame["backlog_at"].notna(), pd.NA)
    # tickets of the customers the list counts active that month over those customers: a ticket from an id the
    # list lacks (RavenStack: 73 of 1,009, its 35 accounts refused for a churn flag without a date) is in no
    # denominator, so it is in no numerator either
    frame["listed_created"] = frame["listed_created"].astype("Int64").where(~after, pd.NA) \
        if cov["created"] == cov["tickets"] else pd.NA
    frame["contact_rate"] = [100.0 * c / a if a and not pd.isna(c) and not part else None
                             for c, a, part in zip(frame["listed_created"], frame["active"], frame["partial"],
                                                   strict=True)]
    return frame.drop(columns="unplaced")


_MONTHS = threading.Lock()  # one store per snapshot and version: the page's thread and the background job may both ask


def ticket_months_stored(cur, snapshot: int, tv: int) -> bool:
    return bool(cur.execute("SELECT count(*) FROM ticket_months_done WHERE snapshot = ? AND version = ?",
                            [snapshot, tv]).fetchone()[0])


def store_ticket_months(cur, snapshot: int, tv: int) -> None:
    """Store, once per snapshot and tickets version, the counts monthly() reads (ticket_months), by the ticket's
    segment and region (SEGMENT_SQL) and month: created, of those the tickets of customers the facts count active
    that month (listed_created), solved; opened (created, state known) and closed (state known, by the month of the
    later of created and solved time), whose running difference is the backlog; created with its state not known
    (unknown_state); without a created time (undated, the month NULL row); and the facts' active customers by
    their own segment and region. Every count is a count of one month, never of a window, so any period's figures
    are sums of these rows. The background job stores them for each data version (ui.warm)."""
    with _MONTHS:
        if ticket_months_stored(cur, snapshot, tv):
            return
        counted = f"""WITH {_SEG}, t AS (
                SELECT tk.customer_key, tk.created_at, tk.solved_at, tk.status,
                       {SEGMENT_SQL.format(t="tk", seg="seg")} AS segment,
                       {REGION_SQL.format(t="tk", seg="seg")} AS region,
                       date_trunc('month', tk.created_at)::DATE AS month
                FROM tickets tk LEFT JOIN seg USING (customer_id) WHERE tk.version = $tv
            )
            SELECT segment, region, month, count(*) AS created, count(*) FILTER (NOT {STATE_UNKNOWN}) AS opened,
                   count(*) FILTER ({STATE_UNKNOWN}) AS unknown_state
            FROM t WHERE created_at IS NOT NULL GROUP BY ALL
            UNION ALL BY NAME
            SELECT segment, region, month, count(*) AS listed_created FROM t
            SEMI JOIN (SELECT customer_key, month FROM fact_customer_revenue WHERE snapshot = $snapshot AND active) f
              ON f.customer_key = t.customer_key AND f.month = t.month
            GROUP BY ALL
            UNION ALL BY NAME
            SELECT segment, region, date_trunc('month', solved_at)::DATE AS month, count(*) AS solved FROM t
            WHERE solved_at IS NOT NULL GROUP BY ALL
            UNION ALL BY NAME
            SELECT segment, region, date_trunc('month', greatest(created_at, solved_at))::DATE AS month,
                   count(*) AS closed FROM t
            WHERE NOT {STATE_UNKNOWN} AND created_at IS NOT NULL AND solved_at IS NOT NULL GROUP BY ALL
            UNION ALL BY NAME
            SELECT segment, region, NULL::DATE AS month, count(*) AS undated FROM t WHERE created_at IS NULL
            GROUP BY ALL
            UNION ALL BY NAME
            SELECT segment, region, month, {measures.select("fact_customer_month", active="active_customers")}
            FROM fact_customer_revenue WHERE snapshot = $snapshot GROUP BY ALL"""
        columns = ("created", "listed_created", "solved", "opened", "closed", "unknown_state", "undated", "active")
        with transaction(cur):
            cur.execute(f"""INSERT INTO ticket_months
                SELECT $snapshot, $tv, segment, region, month,
                       {", ".join(f"coalesce(sum({c}), 0)" for c in columns)}
                FROM ({counted}) GROUP BY segment, region, month ORDER BY month""", {"snapshot": snapshot, "tv": tv})
            cur.execute("INSERT INTO ticket_months_done VALUES (?, ?)", [snapshot, tv])


_MEASURE_COLUMN = {"first_response": "first_reply", "resolution": "resolution"}


def _time_filter(measure: str) -> str:
    if measure == "first_response":
        return "first_reply_hours AS h FROM t WHERE created_at >= $wstart AND created_at < $wend"
    if measure == "resolution":
        return "resolution_hours AS h FROM t WHERE solved_at >= $wstart AND solved_at < $wend"
    raise ValueError(f"unknown measure {measure!r}")


def durations(cur, view: View, tv: int, measure: str, basis: str = "calendar") -> dict:
    """{median, p90, n, day_precision} of first-response ('first_response') or resolution ('resolution') hours."""
    # rows stored before the per-measure flags have day_precision alone (then for both measures)
    row = _one(cur, f"""x AS (SELECT coalesce({_MEASURE_COLUMN[measure]}_day_precision, day_precision) AS day_precision,
                            {_time_filter(measure)} AND hours_basis = $basis)
        SELECT quantile_cont(h, 0.5) AS median, quantile_cont(h, 0.9) AS p90, count(h) AS n,
               count_if(day_precision AND h IS NOT NULL) AS day_precision FROM x""", view, tv, basis=basis)
    n = _int(row.n)
    return {"median": None if n == 0 else float(row["median"]), "p90": None if n == 0 else float(row.p90), "n": n,
            "day_precision": _int(row.day_precision) > 0}


def within_target(cur, view: View, tv: int, target_hours: float = DEFAULT_TARGET_HOURS,
                  measure: str = "resolution") -> dict:
    """Share of tickets (with a calendar time) whose time is ≤ target_hours, with Wilson 95%; `reason` says why
    n is 0 (no ticket at all, or none with a calendar time that can be trusted)."""
    row = _one(cur, f"""x AS (SELECT hours_basis, {_time_filter(measure)})
        SELECT count_if(h <= $target AND hours_basis = 'calendar') AS k,
               count(h) FILTER (hours_basis = 'calendar') AS n, count(*) AS tickets,
               count(h) FILTER (hours_basis = 'business') AS business FROM x""", view, tv, target=float(target_hours))
    n, what = _int(row.n), "solved" if measure == "resolution" else "created"
    if n:
        reason = ""
    elif not _int(row.tickets):
        reason = _none_solved(cur, view, tv) if what == "solved" else f"no ticket {what} in the period"
    elif _int(row.business):
        reason = "the export gives business hours only; calendar hours are needed"
    else:
        reason = f"no ticket {what} in the period has a {measure.replace('_', ' ')} time that can be trusted"
    return {**_rate(_int(row.k), n), "target_hours": float(target_hours), "reason": reason}


def _flag_rate(cur, view: View, tv: int, condition: str, known: str, what: str) -> dict:
    """A share of the window's solved tickets whose `known` column is filled; `reason` says why n is 0."""
    row = _one(cur, f"""x AS (SELECT * FROM t WHERE solved_at >= $wstart AND solved_at < $wend)
        SELECT count_if({condition} AND {known} IS NOT NULL) AS k, count({known}) AS n, count(*) AS solved
        FROM x""", view, tv)
    n = _int(row.n)
    reason = "" if n else (_none_solved(cur, view, tv) if not _int(row.solved) else
                           f"the export has no {what} for the period's {plural(_int(row.solved), 'solved ticket')}")
    return {**_rate(_int(row.k), n), "reason": reason}


def _none_solved(cur, view: View, tv: int) -> str:
    """Why no ticket counts as solved in the window: none was, or which were is not known (_solved_unknown)."""
    return _solved_unknown(cur, view, tv) or "no ticket solved in the period"


def _solved_unknown(cur, view: View, tv: int, cov: dict | None = None) -> str:
    """Why the window's solved tickets cannot be counted ("" when they can): the export gives no state, or solved /
    closed tickets without a solve time (then when they were solved is not known). `cov`: coverage() when the
    caller has read it."""
    cov = cov or coverage(cur, view, tv)
    if cov["unknown_state"]:
        return NO_STATE
    done = cov["done_no_time"]
    return f"the export has no solve time for its {done:,} solved or closed tickets" if done else ""


def reopen_rate(cur, view: View, tv: int) -> dict:
    """Solved tickets in the window reopened at least once ÷ solved tickets whose reopens are known."""
    return _flag_rate(cur, view, tv, "reopens > 0", "reopens", "reopen counts")


def escalation_rate(cur, view: View, tv: int) -> dict:
    """Solved tickets in the window escalated ÷ solved tickets whose escalation flag is known."""
    return _flag_rate(cur, view, tv, "escalated", "escalated", "escalation flag")


def csat(cur, view: View, tv: int, cov: dict | None = None) -> dict:
    """CSAT (top-two-box or Good share) with Wilson 95% and n; the mean on its scale when there is one numeric
    scale; the response rate and its denominator ('offered' or 'solved'). `cov`: coverage() when the caller has read
    it (overview: the page read it twice a period)."""
    row = _one(cur, """x AS (
            SELECT * FROM t WHERE coalesce(solved_at, created_at) >= $wstart AND coalesce(solved_at, created_at) < $wend
        )
        SELECT count_if(csat_satisfied) AS k, count(csat_satisfied) AS n, avg(csat_score) AS mean,
               list_distinct(list(csat_scale) FILTER (csat_scale IS NOT NULL)) AS scales,
               count_if(csat_offered) AS offered, (SELECT count(csat_offered) FROM t) AS offered_known,
               (SELECT count(*) FROM t WHERE solved_at >= $wstart AND solved_at < $wend) AS solved
        FROM x""", view, tv)
    k, n = _int(row.k), _int(row.n)
    ci = stats.wilson(k, n)
    scales = [] if pd.api.types.is_scalar(row.scales) else sorted(row.scales)
    basis = "offered" if _int(row.offered_known) else "solved"
    denominator = _int(row.offered) if basis == "offered" else _int(row.solved)
    # answers ÷ solved tickets needs the period's solved tickets: "5 ratings ÷ 0 tickets solved" read as none solved
    unknown = "" if basis == "offered" else _solved_unknown(cur, view, tv, cov)
    mean = None if len(scales) != 1 or scales[0] == "good/bad" or stats.missing(row["mean"]) else float(row["mean"])
    return {"value": None if ci.estimate is None else 100 * ci.estimate,
            "low": None if ci.low is None else 100 * ci.low, "high": None if ci.high is None else 100 * ci.high,
            "n": n, "satisfied": k, "too_small": n < stats.MIN_COMPARABLE_N, "scales": scales, "mean": mean,
            "response_rate": None if unknown else stats.ratio(n, denominator), "response_basis": basis,
            "response_denominator": None if unknown else denominator, "response_reason": unknown}


def covers_previous(view: View, first_ticket: dt.date | None) -> bool:
    """Whether the tickets (first created on `first_ticket`) cover the whole period before the view
    (view.previous()): only then are that period's figures a comparison, and churn_by_experience, which reads
    it as the experience window, measurable (else customers without tickets there could not be told from
    customers whose tickets are missing)."""
    return first_ticket is not None and first_ticket <= view.previous().start


def experience_first_end(first_ticket: dt.date, months: int) -> dt.date:
    """The first month a period of `months` months may end in for churn_by_experience to be measurable: its
    experience window (the `months` months before it) must start at the tickets' first full month."""
    return add_months(first_full_month(first_ticket), 2 * months - 1)


def churn_by_experience(cur, view: View, tv: int, target_hours: float = DEFAULT_TARGET_HOURS) -> pd.DataFrame:
    """Per service-experience group (module rules): customers, churned, churn rate with Wilson 95%, too_small.
    The experience window is view.previous(); the outcome window is the view."""
    before = view.previous()
    frame = _q(cur, f"""base AS (
            SELECT customer_key, coalesce(churn_month BETWEEN $start AND $end, false) AS churned
            FROM fact_customer_revenue WHERE {View.where()} AND month = $start AND active_start
        ), seen AS (
            SELECT customer_key,
                   bool_or(csat_satisfied = false AND solved_at < $wstart) AS bad_csat,
                   bool_or(coalesce(escalated, false)) AS escalated,
                   bool_or((solved_at < $wstart AND hours_basis = 'calendar' AND resolution_hours > $target)
                           OR ((solved_at IS NULL OR solved_at >= $wstart)
                               AND NOT {STATE_UNKNOWN}
                               AND (epoch($wstart) - epoch(created_at)) / 3600.0 > $target)) AS slow,
                   bool_and(coalesce(solved_at < $wstart AND hours_basis = 'calendar'
                                     AND resolution_hours <= $target, false)) AS fast
            FROM t WHERE created_at >= $bstart AND created_at < $wstart AND customer_key IS NOT NULL
            GROUP BY customer_key
        ), g AS (
            SELECT b.churned, CASE WHEN s.customer_key IS NULL THEN 'No tickets' WHEN s.bad_csat THEN 'Gave bad CSAT'
                   WHEN s.escalated THEN 'Escalated' WHEN s.slow THEN 'Slow resolution'
                   WHEN s.fast THEN 'Fast resolution' ELSE 'Tickets, outcome not yet known' END AS experience
            FROM base b LEFT JOIN seen s USING (customer_key)
        )
        SELECT experience, count(*) AS customers, count_if(churned) AS churned FROM g GROUP BY experience""",
               view, tv, target=float(target_hours), bstart=dt.datetime.combine(before.start, dt.time()))
    frame = frame.set_index("experience").reindex(GROUPS, fill_value=0).reset_index()
    frame[["customers", "churned"]] = frame[["customers", "churned"]].astype(int)
    cis = [stats.wilson(int(c), int(n)) for c, n in zip(frame.churned, frame.customers, strict=True)]
    frame["churn_rate"] = [i.estimate for i in cis]
    frame["churn_low"] = [i.low for i in cis]
    frame["churn_high"] = [i.high for i in cis]
    frame["too_small"] = frame["customers"] < stats.MIN_COMPARABLE_N
    return frame


def arr_open_over_target(cur, view: View, tv: int, target_hours: float = DEFAULT_TARGET_HOURS) -> dict:
    """Open tickets older than the target at the window's end (measured_at: at the tickets' as-of instant when they
    end earlier; `at` and `words` say which), their distinct customers, those customers' ARR in
    the window's last month and its share of all ARR then. tickets, customers and arr None (with reason) when
    some ticket's state at that instant is unknown; arr None (with reason) when such tickets are open but no
    revenue figure of that month is known (no revenue data, or it ends earlier: "$0" would be a claim). No ticket
    open over the target touches $0 whatever the revenue."""
    instant = measured_at(cur, view, tv)
    when = instant.words(f"the end of {view.end:%b %Y}")
    # open_old materialised, its one column: read three times, it scanned the tickets three times (28 -> 19 ms at
    # 1M tickets)
    row = _one(cur, f"""open_old AS MATERIALIZED (
            SELECT customer_key FROM t WHERE {OPEN_AT} AND {AGE_HOURS} > $target
        ), arr AS (
            SELECT customer_key, 12 * mrr::DOUBLE AS arr FROM fact_customer_revenue
            WHERE {View.where()} AND month = $end AND mrr IS NOT NULL
              -- a month the revenue data covers: without revenue data the facts read MRR 0, which is no price
              AND $end BETWEEN (SELECT revenue_first FROM snapshots WHERE snapshot = $snapshot)
                           AND (SELECT revenue_last FROM snapshots WHERE snapshot = $snapshot)
        )
        SELECT (SELECT count(*) FROM open_old) AS tickets,
               (SELECT count(DISTINCT customer_key) FROM open_old) AS customers,
               (SELECT sum(arr) FROM arr WHERE customer_key IN (SELECT customer_key FROM open_old)) AS arr,
               (SELECT sum(arr) FROM arr) AS total_arr, (SELECT count(*) FROM arr) AS priced,
               (SELECT count(*) FROM t WHERE created_at IS NULL OR {STATE_UNKNOWN}) AS unknown,
               (SELECT count(*) FROM t WHERE status = {UNKNOWN}) AS stateless
        """, view, tv, target=float(target_hours), **instant.params())
    tickets = _int(row.tickets)
    out = {"tickets": tickets, "customers": _int(row.customers), "arr": stats.num(row.arr),
           "share_of_arr": stats.ratio(stats.num(row.arr), stats.num(row.total_arr)),
           "target_hours": float(target_hours), "reason": "", "at": instant.at, "words": when}
    if _int(row.stateless):
        out.update(tickets=None, customers=None, arr=None, share_of_arr=None,
                   reason=f"{NO_STATE}: which tickets were open at the window's end is not known")
    elif _int(row.unknown):
        unknown = _int(row.unknown)
        out.update(tickets=None, customers=None, arr=None, share_of_arr=None,
                   reason=f"{plural(unknown, 'ticket')} {'has' if unknown == 1 else 'have'} no created time or no "
                          "solve time, so which were "
                          "open at the window's end is not known")
    elif tickets and not _int(row.priced):
        are = "ticket is" if tickets == 1 else "tickets are"
        out.update(arr=None, share_of_arr=None,
                   reason=f"{tickets:,} {are} open longer than {target_hours:.0f} h at {when}, "
                          f"but no revenue figure of {view.end:%b %Y} is known (no revenue data for that month): the "
                          "ARR they touch is not known")
    return out


@dataclass(frozen=True)
class Overview:
    """summary()'s figures and those it is computed from, which the page shows too: each query runs once (at 1M
    tickets the page read monthly() and csat() twice, ~0.3 s of its ~1.7 s)."""
    summary: dict
    coverage: dict        # coverage()
    months: pd.DataFrame  # monthly()
    csat: dict            # csat()
    reopen: dict          # reopen_rate()
    escalation: dict      # escalation_rate()


def summary(cur, view: View, tickets_version: int) -> dict:
    """The figures `python -m metrics.report --json` prints for service over the view's window: totals, backlog
    at the window's end, times (calendar hours), CSAT, contact/reopen/escalation rates. None where the export
    lacks what a figure needs, with the reason in `notes`."""
    return overview(cur, view, tickets_version).summary


def overview(cur, view: View, tickets_version: int) -> Overview:
    """summary() with the figures it is computed from (Overview)."""
    tv = tickets_version
    notes: list[str] = []
    cov = coverage(cur, view, tv)
    # the instant the backlog is at: the window's end, or the tickets' as-of instant when they end earlier
    instant = measured_at(cur, view, tv)
    months = monthly(cur, view, tv, cov, instant)
    out: dict = {"window": {"start": f"{view.start:%Y-%m}", "end": f"{view.end:%Y-%m}"}}
    if cov["tickets"] == 0:
        notes.append("No tickets in this version (for this filter).")
    created_known = cov["created"] == cov["tickets"]
    if not cov["created"]:
        notes.append("tickets_created, contact_rate, backlog: the export has no ticket creation time.")
    elif not created_known:
        uncreated = cov["tickets"] - cov["created"]
        notes.append(f"tickets_created, contact_rate, backlog: {plural(uncreated, 'ticket')} "
                     f"{'has' if uncreated == 1 else 'have'} no creation time.")
    out["tickets_created"] = int(months["created"].sum()) if created_known else None
    solved_known = not cov["done_no_time"] and not cov["unknown_state"]
    if cov["unknown_state"]:
        notes.append(f"tickets_solved, backlog, resolution_hours: {NO_STATE}.")
    elif not cov["solved"] and cov["done_no_time"]:
        notes.append("tickets_solved, backlog, resolution_hours: the export has no solve time (an updated-at time "
                     "is not a resolution time).")
    elif not solved_known:
        notes.append(f"tickets_solved, backlog: {cov['done_no_time']:,} solved or closed tickets have no solve time.")
    out["tickets_solved"] = int(months["solved"].sum()) if solved_known else None
    last = months["backlog"].iloc[-1] if len(months) else pd.NA
    out["backlog"] = None if pd.isna(last) else int(last)
    out["backlog_at"] = f"{instant.at:%Y-%m-%d %H:%M}"
    if instant.early and solved_known and created_known:
        notes.append(f"backlog: at {instant.words('')}, not at the end of {view.end:%b %Y} (what was solved "
                     "after that is not known)." if instant.month == view.end else
                     f"backlog: not measurable at the end of {view.end:%b %Y}: the tickets end at "
                     f"{instant.words('')}; what was solved after that is not known.")
    for key, measure in (("first_response_hours", "first_response"), ("resolution_hours", "resolution")):
        d = durations(cur, view, tv, measure)
        out[key] = {"median": d["median"], "p90": d["p90"], "n": d["n"]}
        if d["n"] == 0:
            if measure == "resolution" and (cov["unknown_state"] or (not cov["solved"] and cov["done_no_time"])):
                pass  # said above, with tickets_solved and the backlog
            elif cov["business"] and not cov["calendar"]:
                notes.append(f"{key}: this export gives business hours only; calendar hours are needed (the two are "
                             "never mixed).")
            else:
                notes.append(f"{key}: no ticket in the window has a {measure.replace('_', ' ')} time that can be "
                             "trusted (see the upload's warnings).")
        elif d["day_precision"]:
            notes.append(f"{key}: day precision (some of these times are computed from dates without a time of "
                         "day: whole days).")
    c = csat(cur, view, tv, cov)
    out["csat"] = {"value": c["value"], "low": c["low"], "high": c["high"], "n": c["n"]}
    out["csat_response_rate"] = c["response_rate"] if c["n"] else None
    if c["n"] == 0:
        notes.append("csat: no satisfaction answers in the window.")
    else:
        if c["too_small"]:
            notes.append(f"csat: n = {c['n']} is below {stats.MIN_COMPARABLE_N}, too small to compare.")
        if c["response_reason"]:
            notes.append(f"csat_response_rate: not measurable (answers ÷ solved tickets, the export does not say "
                         f"which tickets were offered a survey): {c['response_reason']}.")
        elif c["response_basis"] == "solved":
            notes.append("csat_response_rate: answers ÷ solved tickets (the export does not say which tickets were "
                         "offered a survey).")
    # the contact rate over the months the export covers whole (one it ends within, or after, would dilute it)
    whole = months[(months["month"] <= instant.month) & ~months["partial"]]
    active = int(whole["active"].sum())
    listed = int(whole["listed_created"].sum()) if out["tickets_created"] is not None else None
    out["contact_rate"] = 100.0 * listed / active if active and listed is not None else None
    # tickets created in those months from ids the customer list does not count active then: not in the rate
    out["contact_unlisted"] = int(whole["created"].sum()) - listed if out["contact_rate"] is not None else None
    # why it is not measurable, for the page's tile: no whole month before the export ends, else no active customer
    out["contact_rate_reason"] = None if out["contact_rate"] is not None \
        else "no month of the period is in the export whole" if instant.cut_short and whole.empty \
        else "no active customers (no customer list in the period)"
    if instant.cut_short and out["tickets_created"] is not None:
        out["counted_to"] = f"{instant.at:%Y-%m-%d %H:%M}"
        notes.append(f"tickets_created, tickets_solved: counted to {instant.words('')}; the export ends before the "
                     f"period does, so the period's counts are not comparable with a whole period's.")
        if whole.empty:
            notes.append(f"contact_rate: no month of the period is in the export whole (it ends at "
                         f"{instant.words('')}).")
    if not int(months["active"].sum()):
        notes.append("contact_rate: no active customers in the view (no customers data for this snapshot).")
    rates = {"reopen_rate": reopen_rate(cur, view, tv), "escalation_rate": escalation_rate(cur, view, tv)}
    for key, r in rates.items():
        out[key] = r["value"]
        if r["n"] == 0:
            notes.append(f"{key}: {r['reason']}.")
        elif r["too_small"]:  # as CSAT's: shown, and said to be too few to compare
            notes.append(f"{key}: n = {plural(r['n'], 'solved ticket')} is below {stats.MIN_COMPARABLE_N}, too "
                         "small to compare.")
    out["notes"] = notes
    return Overview(out, cov, months, c, rates["reopen_rate"], rates["escalation_rate"])


# summary()'s note keys (its JSON fields) as the page names them.
NOTE_LABELS = {"tickets_created": "Tickets created", "tickets_solved": "Tickets solved", "backlog": "Backlog",
               "contact_rate": "Contact rate", "first_response_hours": "First response time",
               "resolution_hours": "Resolution time", "csat": "Ticket CSAT",
               "csat_response_rate": "CSAT response rate", "reopen_rate": "Reopen rate",
               "escalation_rate": "Escalation rate"}


def readable(note: str) -> str:
    """A summary() note as a reader sees it: "first_response_hours, backlog: …" -> "First response time,
    Backlog: …" (a note without keys as it is)."""
    keys, sep, text = note.partition(": ")
    names = [k.strip() for k in keys.split(",")]
    if not sep or not all(k in NOTE_LABELS for k in names):
        return note
    return ", ".join(NOTE_LABELS[k] for k in names) + ": " + text


# Zendesk: urgent; Jira: highest, blocker; Kaggle's help-desk export: critical; osTicket: emergency. ServiceNow
# writes "1 - Critical", "2 - High": the rank before the word is dropped (PRIORITY)
HIGH = "('high', 'urgent', 'critical', 'highest', 'blocker', 'emergency')"
PRIORITY = "lower(regexp_replace(trim({p}), '^[0-9]+\\s*[-–:.]\\s*', ''))"
KNOWLEDGE_POOL_SIZE = 5  # the to-do list stays short enough to act on


def quality_by_month(cur, view: View, tv: int, target_hours: float = DEFAULT_TARGET_HOURS) -> pd.DataFrame:
    """Per month of the window: median first-response hours and n, median resolution hours and n, share solved
    within the target (Wilson 95%; within_too_small where res_n is under the tile's minimum), CSAT % with Wilson
    95% and n (calendar hours only; None where no ticket)."""
    frame = _q(cur, """months AS (
            SELECT unnest(generate_series($start::DATE, $end::DATE, INTERVAL 1 MONTH))::DATE AS month
        ), fr AS (
            SELECT date_trunc('month', created_at)::DATE AS month, quantile_cont(first_reply_hours, 0.5) AS fr_median,
                   count(first_reply_hours) AS fr_n
            FROM t WHERE created_at >= $wstart AND created_at < $wend AND hours_basis = 'calendar' GROUP BY 1
        ), res AS (
            SELECT date_trunc('month', solved_at)::DATE AS month, quantile_cont(resolution_hours, 0.5) AS res_median,
                   count(resolution_hours) AS res_n, count_if(resolution_hours <= $target) AS res_within
            FROM t WHERE solved_at >= $wstart AND solved_at < $wend AND hours_basis = 'calendar' GROUP BY 1
        ), cs AS (
            SELECT date_trunc('month', coalesce(solved_at, created_at))::DATE AS month,
                   count_if(csat_satisfied) AS satisfied, count(csat_satisfied) AS answers
            FROM t WHERE coalesce(solved_at, created_at) >= $wstart AND coalesce(solved_at, created_at) < $wend
            GROUP BY 1
        )
        SELECT m.month, fr.fr_median, coalesce(fr.fr_n, 0) AS fr_n, res.res_median, coalesce(res.res_n, 0) AS res_n,
               coalesce(res.res_within, 0) AS res_within, coalesce(cs.satisfied, 0) AS satisfied,
               coalesce(cs.answers, 0) AS answers
        FROM months m LEFT JOIN fr USING (month) LEFT JOIN res USING (month) LEFT JOIN cs USING (month)
        ORDER BY m.month""", view, tv, target=float(target_hours))
    frame["month"] = pd.to_datetime(frame["month"])
    within = [stats.wilson(int(k), int(n)) for k, n in zip(frame.res_within, frame.res_n, strict=True)]
    frame["within_target"] = [i.estimate for i in within]
    # the tile's rule (_rate): a month of fewer solved tickets has no share to show
    frame["within_too_small"] = frame["res_n"] < stats.MIN_COMPARABLE_N
    cis = [stats.wilson(int(k), int(n)) for k, n in zip(frame.satisfied, frame.answers, strict=True)]
    frame["csat"] = [None if i.estimate is None else 100 * i.estimate for i in cis]
    frame["csat_low"] = [None if i.low is None else 100 * i.low for i in cis]
    frame["csat_high"] = [None if i.high is None else 100 * i.high for i in cis]
    frame["n"] = frame["answers"]
    return frame


_SUBJECTS = threading.Lock()  # one detection per version: the page's thread and the background job may both ask


def subject_languages_stored(cur, tv: int) -> bool:
    return bool(cur.execute("SELECT count(*) FROM ticket_subjects_done WHERE version = ?", [tv]).fetchone()[0])


def store_subject_languages(cur, tv: int) -> None:
    """Detect the language of each distinct subject of the tickets version and store it (ticket_subject_languages),
    once per version. The subject themes read them, so a page view loads no language model (~1.3 s the first time
    in a process, and again after each comment analysis gives the models back). The batch is the version's
    subjects: a subject too short to tell takes the language most of them are in (language.detect's majority),
    whatever period is shown. The app's background job stores them for each data version (ui.warm)."""
    with _SUBJECTS:
        if subject_languages_stored(cur, tv):
            return
        from metrics.text import language

        subjects = [s for (s,) in cur.execute(
            "SELECT DISTINCT subject FROM tickets WHERE version = ? AND nullif(trim(subject), '') IS NOT NULL "
            "ORDER BY subject", [tv]).fetchall()]
        try:
            found = pd.DataFrame({"subject": subjects, "language": pd.Series(language.detect(subjects), dtype=object)})
        finally:
            language.unload()  # ~290 MB of models, not kept beside the pages once the version is read
        with transaction(cur):
            cur.register("found_languages", found)
            cur.execute("INSERT INTO ticket_subject_languages SELECT ?, subject, language::VARCHAR "
                        "FROM found_languages", [tv])
            cur.unregister("found_languages")
            cur.execute("INSERT INTO ticket_subjects_done VALUES (?)", [tv])



def store_for_pages(cur, snapshot: int, tv: int) -> None:
    """Everything the Service page reads that is stored once per data version: the subject languages, then the
    month counts. The app's background job calls this for each data version (ui.warm); a page that finds either
    missing stores it itself."""
    store_subject_languages(cur, tv)
    store_ticket_months(cur, snapshot, tv)

def _subject_map(cur, view: View, tv: int) -> pd.DataFrame:
    """The themes of each distinct subject of the tickets created in the window, by the comment text engine
    (language, stored once per version by store_subject_languages, then the theme keyword map): one row per
    (subject, theme); attrs["subjects"] = tickets with a subject, attrs["themed"] = those whose subject has a theme
    (one in an uncovered language gets none). A ticket's themes are its subject's, so the tickets are matched to
    them in SQL (a frame of every ticket of the window took ~0.7 s at 330,000 tickets)."""
    from metrics.text import themes

    store_subject_languages(cur, tv)
    counts = _q(cur, """x AS (SELECT 1) SELECT w.subject, w.n, l.language FROM (
            SELECT subject, count(*) AS n FROM t
            WHERE created_at >= $wstart AND created_at < $wend AND nullif(trim(subject), '') IS NOT NULL
            GROUP BY subject) w
        JOIN ticket_subject_languages l ON l.version = $tv AND l.subject = w.subject
        ORDER BY w.subject""", view, tv)
    distinct = list(counts.subject)
    found = {text: themes.assign(text, None if pd.isna(lang) else lang)
             for text, lang in zip(distinct, counts.language, strict=True)}
    out = pd.DataFrame([(text, theme) for text in distinct for theme in found[text]], columns=["subject", "theme"])
    out.attrs.update(subjects=int(counts.n.sum()),
                     themed=int(sum(n for text, n in zip(distinct, counts.n, strict=True) if found[text])))
    return out


# root_causes' label sources: SQL over `t` giving customer_key, created_at, tag
_LABELS = {
    "tag": "SELECT customer_key, created_at, unnest(tags) AS tag FROM t WHERE tags IS NOT NULL",
    "theme": "SELECT t.customer_key, t.created_at, m.theme AS tag FROM t JOIN subject_theme_map m USING (subject)"}


def root_causes(cur, view: View, tv: int, by: str = "tag") -> pd.DataFrame:
    """Per tag (by="tag") or subject theme (by="theme", _subject_map) of the tickets created in the window (module
    rules): tickets, customers, repeat customers (two or more such tickets in the window) and the repeat rate with
    Wilson 95%, ARR at the window's end, customers at risk (not churned before the month of their first such ticket),
    churned after it, churn rate with Wilson 95%; ranked by ARR, then tickets. The label is in column `tag` either
    way; attrs carry subject coverage for themes."""
    if by not in _LABELS:
        raise ValueError(f"unknown root-cause source {by!r}")
    return _root_causes(cur, view, tv, (by,))[by]


def all_root_causes(cur, view: View, tv: int) -> dict[str, pd.DataFrame]:
    """root_causes by tag and by subject theme, {"tag": …, "theme": …}, in one query: each customer's churn month is
    read once for both (a group of every customer-month, ~65 ms at 200,000 customers)."""
    return _root_causes(cur, view, tv, ("tag", "theme"))


def _root_causes(cur, view: View, tv: int, sources: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    found = _subject_map(cur, view, tv) if "theme" in sources else None
    labels = " UNION ALL ".join(f"SELECT '{by}' AS source, * FROM ({_LABELS[by]})" for by in sources)  # constants
    if found is not None:
        cur.register("subject_theme_map", found)
    try:
        # Every figure from one group of the window's labelled tickets by label and customer (per_customer: its
        # NULL-customer group holds the tickets without a customer, counted as tickets only); the tickets and
        # customers per label are its sums, not a second group of the tickets with a distinct count (~25 ms less
        # at 1M tickets).
        frame = _q(cur, f"""per_customer AS MATERIALIZED (
                SELECT source, tag, customer_key, min(created_at)::DATE AS first_day, count(*) AS raised
                FROM ({labels}) WHERE created_at >= $wstart AND created_at < $wend GROUP BY ALL
            ), first_mention AS (
                SELECT * FROM per_customer WHERE customer_key IS NOT NULL
            ), cust AS (
                SELECT customer_key, any_value(churn_month) AS churn_month FROM fact_customer_revenue
                WHERE {View.where()} GROUP BY customer_key
            ), arr AS (
                SELECT customer_key, 12 * mrr::DOUBLE AS arr FROM fact_customer_revenue
                WHERE {View.where()} AND month = $end AND mrr > 0
            ), outcome AS (
                SELECT f.source, f.tag, count(*) AS at_risk,
                       count_if(c.churn_month <= $end) AS churned
                FROM first_mention f JOIN cust c USING (customer_key)
                WHERE c.churn_month IS NULL OR c.churn_month >= date_trunc('month', f.first_day)
                GROUP BY f.source, f.tag
            ), repeat AS (  -- first_mention has one row per label and customer: each customer's ARR counts once
                SELECT f.source, f.tag, count_if(f.raised >= 2) AS repeat_customers, coalesce(sum(a.arr), 0) AS arr
                FROM first_mention f LEFT JOIN arr a USING (customer_key) GROUP BY f.source, f.tag
            ), totals AS (
                SELECT source, tag, sum(raised)::BIGINT AS tickets, count(customer_key) AS customers FROM per_customer
                GROUP BY ALL
            )
            SELECT g.source, g.tag, g.tickets, g.customers, coalesce(r.repeat_customers, 0) AS repeat_customers,
                   coalesce(r.arr, 0) AS arr, coalesce(o.at_risk, 0) AS at_risk, coalesce(o.churned, 0) AS churned
            FROM totals g LEFT JOIN outcome o USING (source, tag) LEFT JOIN repeat r USING (source, tag)""", view, tv)
    finally:
        if found is not None:
            cur.unregister("subject_theme_map")
    for prefix, k, n in (("churn", "churned", "at_risk"), ("repeat", "repeat_customers", "customers")):
        cis = [stats.wilson(int(a), int(b)) for a, b in zip(frame[k], frame[n], strict=True)]
        frame[f"{prefix}_rate"] = [i.estimate for i in cis]
        frame[f"{prefix}_low"] = [i.low for i in cis]
        frame[f"{prefix}_high"] = [i.high for i in cis]
    frame["too_small"] = frame["at_risk"] < stats.MIN_CUSTOMERS
    frame["repeat_too_small"] = frame["customers"] < stats.MIN_CUSTOMERS
    frame = frame.sort_values(["arr", "tickets", "tag"], ascending=[False, False, True]).reset_index(drop=True)
    out = {}
    for by in sources:
        out[by] = frame[frame.source == by].drop(columns="source").reset_index(drop=True)
        if by == "theme":
            out[by].attrs.update(found.attrs)
    return out


def knowledge_pool(tags: pd.DataFrame | None, themes: pd.DataFrame | None, top: int = KNOWLEDGE_POOL_SIZE
                   ) -> pd.DataFrame:
    """The knowledge pool's to-do list: the recurring issues with the most tickets (then ARR), from root_causes by
    tag when the tickets carry tags (an agent's label is more precise than a keyword match), else by subject theme;
    the top `top`, with the column `source` ("tag" / "subject theme")."""
    for frame, source in ((tags, "tag"), (themes, "subject theme")):
        if frame is not None and not frame.empty:
            ranked = frame.sort_values(["tickets", "arr", "tag"], ascending=[False, False, True]).head(top)
            return ranked.assign(source=source).reset_index(drop=True)
    return pd.DataFrame(columns=[*(tags.columns if tags is not None else []), "source"])


def priority_known(cur, view: View, tv: int) -> bool:
    """Whether any ticket of the view has a priority: without one, "no high-priority ticket is open" is no finding."""
    return _int(_one(cur, "x AS (SELECT 1) SELECT count(priority) AS n FROM t", view, tv).n) > 0


def open_high_priority(cur, view: View, tv: int) -> pd.DataFrame:
    """Accounts with tickets of priority high or urgent open at the window's end (measured_at: at the tickets' as-of
    instant when they end earlier, in attrs["at"] and attrs["early"]): tickets, the oldest one's age in days then,
    ARR in the window's last month (NaN when not paying then), segment; by ARR, largest first.
    High-priority tickets whose state then is not known (no created time, solved/closed without a solve time, or
    an export without status or solve time) are in no row: counted in attrs["state_unknown"].
    Such tickets without a customer id belong to no account: counted in attrs["no_customer"] (with the oldest's
    age in attrs["no_customer_oldest_days"]), never dropped silently (an empty frame would read "none open")."""
    instant = measured_at(cur, view, tv)
    # the customers' segments read for the open accounts only (~13 ms less at 200,000 customers)
    frame = _q(cur, f"""o AS MATERIALIZED (
            SELECT * FROM t WHERE {OPEN_AT} AND {PRIORITY.format(p="priority")} IN {HIGH}
        ), {_seg("open_seg", "SELECT customer_id FROM o")}, arr AS (
            SELECT customer_key, 12 * mrr::DOUBLE AS arr FROM fact_customer_revenue
            WHERE {View.where()} AND month = $end AND mrr > 0
        )
        SELECT o.customer_id, any_value({SEGMENT_SQL.format(t="o", seg="open_seg")}) AS segment,
               count(*) AS tickets, count_if({PRIORITY.format(p="o.priority")} = 'urgent') AS urgent,
               max({AGE_HOURS}) / 24.0 AS oldest_days, any_value(a.arr) AS arr
        FROM o LEFT JOIN arr a USING (customer_key) LEFT JOIN open_seg USING (customer_id)
        GROUP BY o.customer_id""", view, tv, **instant.params())
    anonymous = frame[frame.customer_id.isna()]
    out = frame[frame.customer_id.notna()].sort_values(["arr", "tickets", "customer_id"],
                                                      ascending=[False, False, True],
                                                      na_position="last").reset_index(drop=True)
    out.attrs["no_customer"] = int(anonymous.tickets.sum()) if len(anonymous) else 0
    # high-priority tickets whose state then is not known are in no row: counted, an empty frame is no "none open"
    out.attrs["state_unknown"] = _int(_one(cur, f"""x AS (SELECT 1) SELECT count(*) AS n FROM t
        WHERE (created_at IS NULL OR (created_at < $cut AND {STATE_UNKNOWN}))
          AND {PRIORITY.format(p="priority")} IN {HIGH}""", view, tv, **instant.params()).n)
    out.attrs.update(at=instant.at, early=instant.early)
    out.attrs["no_customer_oldest_days"] = float(anonymous.oldest_days.iloc[0]) if len(anonymous) else None
    return out
