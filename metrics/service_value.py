"""What service is worth in what customers say: NPS and CSAT of customers before and after a ticket, by how the
ticket went (shared/METRICS.md "Linking NPS to value", "CSAT"; the ticket rules are metrics/service.py's).

Rules (one home; the registry entries nps_after_ticket / csat_after_ticket quote them):
- Tickets: solved in the view's window (by solved_at), with a customer, grouped by resolution speed against the
  page's target: Escalated (escalated, whatever its time) / Over target (calendar resolution hours > target) /
  Within target (≤ target). A ticket with neither an escalation nor a calendar resolution time has no group.
- Before: the customer's latest answer dated before the ticket's creation day and at most HORIZON_DAYS before it.
  After: the customer's first answer dated after the ticket's solve day and at most HORIZON_DAYS after it. Answers
  on the creation or the solve day are not used (dates have no time of day, so their order against the ticket is
  unknown); nothing dated before the solve can be an "after" answer (no look-ahead). Several answers of one
  customer on one day: the last row of the file, as the NPS facts read them.
- A pair is one ticket with both answers. A customer counts once per group: its earliest-solved ticket of the
  group that has a pair (several tickets of one customer would reuse the same answers and weigh it several times).
- NPS: each answer scores +100 (promoter), 0 (passive) or −100 (detractor); NPS before / after = the mean score
  of the group's before / after answers (per customer, one answer each), change = the mean of after − before.
  CSAT (satisfaction answers of the csat kind, never NPS and never the ticket's own rating): 100 satisfied, 0 not;
  CSAT before / after in %, change in points.
- 95% interval of the change: paired, normal: mean ± Z_95 × sd(after − before) ÷ √pairs (stats.mean_interval).
  Fewer than MIN_RESPONSES pairs: no figure, the reason instead. An interval that includes 0 is "no clear change".
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from metrics import stats
from metrics.definitions import AFTER_TICKET_HORIZON_DAYS as HORIZON_DAYS
from metrics.rules import CATEGORIES, MIN_RESPONSES, band_sql
from metrics.service import DEFAULT_TARGET_HOURS, ticket_query, window_bounds
from metrics.store import source_rows_for

SPEEDS = ["Within target", "Over target", "Escalated"]
MEASURES = ("nps", "csat")
NO_CLEAR_CHANGE = "no clear change"

def _answer_rows(cur, view, measure: str) -> str:
    """The snapshot's answers of the measure's kind with a customer, one row per answer: customer_id, day, points
    (0/±100) and file_order (version, row_number: the file's last row of a day is the latest), dated from $answers_from
    to $answers_until (_answer_days: no other answer can be a "before" or an "after" one). Read through
    source_rows_for: a snapshot with one source skips the de-duplication ranking (~0.6 s at 800,000 answers)."""
    rows = source_rows_for(cur, measure, view.snapshot, "snapshot",
                           dates="response_date BETWEEN $answers_from AND $answers_until")
    points = (f"CASE WHEN {band_sql(CATEGORIES[0], 'score')} THEN 100 WHEN {band_sql(CATEGORIES[2], 'score')} "
              "THEN -100 ELSE 0 END" if measure == "nps" else "CASE WHEN satisfied THEN 100 ELSE 0 END")
    return f"""SELECT customer_id, response_date AS day, {points} AS points, (version, row_number) AS file_order
               FROM {rows} WHERE customer_id IS NOT NULL"""


def _answer_days(cur, view, tv: int) -> dict:
    """$answers_from, $answers_until: the days an answer paired with a ticket solved in the window can fall on. A
    "before" answer is at most HORIZON_DAYS before such a ticket's creation day, an "after" one at most HORIZON_DAYS
    after the window's end. The first creation day is read from all the version's tickets solved in the window
    (under any filter: a bound, not a count), so grouping the answers skips the years before it (at 800,000 answers
    over three years, ~150 ms of each call)."""
    wstart, wend = window_bounds(view)
    first = cur.execute("SELECT min(created_at)::DATE FROM tickets WHERE version = ? AND solved_at >= ? "
                        "AND solved_at < ?", [tv, wstart, wend]).fetchone()[0]
    until = wend.date() + dt.timedelta(days=HORIZON_DAYS)  # the day after the window, plus the horizon
    return {"answers_from": until if first is None else first - dt.timedelta(days=HORIZON_DAYS),
            "answers_until": until}


def pairs(cur, view, tv: int, measure: str = "nps", target_hours: float = DEFAULT_TARGET_HOURS) -> pd.DataFrame:
    """Per counted pair (module rules): speed, customer_id, ticket_id, solved_at, before_day, before, after_day,
    after (points) and change; ordered by speed, then solve time."""
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}")
    # The before and after days are found among the answers as they are; the one answer of a customer's day (its
    # latest row) is picked only for the days paired: grouping every answer by customer and day first took ~160 ms
    # of the ~200 ms at 400,000 answers in the horizon.
    return ticket_query(cur, f"""ans AS NOT MATERIALIZED ({_answer_rows(cur, view, measure)}), tk AS (
            SELECT ticket_id, customer_id, created_at, solved_at,
                   CASE WHEN escalated THEN 'Escalated'
                        WHEN hours_basis = 'calendar' AND resolution_hours > $target THEN 'Over target'
                        WHEN hours_basis = 'calendar' AND resolution_hours <= $target THEN 'Within target' END AS speed
            FROM t WHERE solved_at >= $wstart AND solved_at < $wend AND customer_id IS NOT NULL
        ), paired AS (
            SELECT tk.*,
                   (SELECT max(day) FROM ans a WHERE a.customer_id = tk.customer_id AND a.day < tk.created_at::DATE
                      AND a.day >= tk.created_at::DATE - $horizon) AS before_day,
                   (SELECT min(day) FROM ans a WHERE a.customer_id = tk.customer_id AND a.day > tk.solved_at::DATE
                      AND a.day <= tk.solved_at::DATE + $horizon) AS after_day
            FROM tk WHERE speed IS NOT NULL
        ), counted AS (
            SELECT * FROM paired WHERE before_day IS NOT NULL AND after_day IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY speed, customer_id ORDER BY solved_at, ticket_id) = 1
        ), days AS (
            SELECT customer_id, before_day AS day FROM counted UNION SELECT customer_id, after_day FROM counted
        ), day_points AS (  -- a customer's answer of the day: the latest row
            SELECT customer_id, day, arg_max(points, file_order) AS points
            FROM ans SEMI JOIN days USING (customer_id, day) GROUP BY ALL
        )
        SELECT c.speed, c.customer_id, c.ticket_id, c.solved_at, c.before_day, b.points AS before, c.after_day,
               a.points AS after, a.points - b.points AS change
        FROM counted c JOIN day_points b ON b.customer_id = c.customer_id AND b.day = c.before_day
        JOIN day_points a ON a.customer_id = c.customer_id AND a.day = c.after_day
        ORDER BY c.speed, c.solved_at, c.ticket_id""", view, tv, target=float(target_hours), horizon=HORIZON_DAYS,
                        **_answer_days(cur, view, tv))


def _tickets_by_speed(cur, view, tv: int, target_hours: float) -> dict[str, int]:
    frame = ticket_query(cur, """x AS (
            SELECT CASE WHEN escalated THEN 'Escalated'
                        WHEN hours_basis = 'calendar' AND resolution_hours > $target THEN 'Over target'
                        WHEN hours_basis = 'calendar' AND resolution_hours <= $target THEN 'Within target' END AS speed
            FROM t WHERE solved_at >= $wstart AND solved_at < $wend AND customer_id IS NOT NULL
        ) SELECT speed, count(*) AS n FROM x WHERE speed IS NOT NULL GROUP BY speed""", view, tv,
                         target=float(target_hours))
    return {s: int(n) for s, n in zip(frame.speed, frame.n, strict=True)}


def verdict(low: float | None, high: float | None) -> str | None:
    """"higher after" / "lower after" when the change's 95% interval excludes 0, else NO_CLEAR_CHANGE."""
    if low is None or high is None:
        return None
    return "higher after" if low > 0 else "lower after" if high < 0 else NO_CLEAR_CHANGE


def after_ticket(cur, view, tv: int, measure: str = "nps", target_hours: float = DEFAULT_TARGET_HOURS
                 ) -> pd.DataFrame:
    """Per resolution speed (SPEEDS order): tickets (solved in the window, in the group), pairs, before, after,
    change with its 95% interval (low, high), verdict, too_small and reason (module rules). Figures are None below
    MIN_RESPONSES pairs."""
    p = pairs(cur, view, tv, measure, target_hours)
    tickets = _tickets_by_speed(cur, view, tv, target_hours)
    rows = []
    for speed in SPEEDS:
        g = p[p.speed == speed]
        n = len(g)
        reason = stats.too_few(n, MIN_RESPONSES, "customers with an answer before and after")
        ci = stats.mean_interval(float(g.change.sum()), float((g.change.astype(float) ** 2).sum()), n)
        show = reason is None
        rows.append({"speed": speed, "tickets": tickets.get(speed, 0), "pairs": n,
                     "before": float(g.before.mean()) if show else None,
                     "after": float(g.after.mean()) if show else None,
                     "change": ci.estimate if show else None, "low": ci.low if show else None,
                     "high": ci.high if show else None,
                     "verdict": verdict(ci.low, ci.high) if show else None, "too_small": not show,
                     "reason": reason or ""})
    return pd.DataFrame(rows)


def after_ticket_json(cur, view, tv: int, has_csat: bool, target_hours: float = DEFAULT_TARGET_HOURS) -> list[dict]:
    """`metrics.report --json` service.after_ticket: one object per measure and speed (CSAT only when the data
    version has satisfaction answers)."""
    out = []
    for measure in MEASURES if has_csat else ("nps",):
        for row in after_ticket(cur, view, tv, measure, target_hours).to_dict("records"):
            out.append({"measure": measure, "target_hours": float(target_hours), "horizon_days": HORIZON_DAYS,
                        **{k: (None if stats.missing(v) else v) for k, v in row.items()}})
    return out
