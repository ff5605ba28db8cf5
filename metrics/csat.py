"""CSAT metrics, read from fact_csat (satisfaction answers per month, segment, region, channel and scale).

Definitions (shared/METRICS.md, "CSAT"):
- An answer is on a stated scale: 1–5, 1–7, 1–10, 0–10 or Good/Bad. Satisfied = the top two boxes (4–5 of 5, 6–7
  of 7, 9–10 of 10) or Good; ingest decides it per answer and stores it with the answer.
- CSAT = satisfied answers ÷ answers × 100 over the answers dated in the window, with a Wilson 95% interval
  and n; n < 30 is flagged as too small to compare (the tile then shows "—" with the reason).
- The mean score is shown beside it only on its own scale, named with it ("3.9 on 1–5"); a window holding
  answers on several scales, or Good/Bad answers (no scores), has no mean. CSAT is never NPS and never mixed
  with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metrics import measures, stats
from metrics.view import View, query

# '1-10-csat': how 1–10 answers were stored before 2026-12-05 (workspaces keep them)
SCALE_LABELS = {"1-5": "1–5", "1-7": "1–7", "1-10": "1–10", "0-10": "0–10", "1-10-csat": "1–10",
                "good-bad": "Good/Bad"}

_SUMS = measures.select("fact_csat", "satisfied", "score_sum", n="answers")


@dataclass(frozen=True)
class CsatResult:
    n: int                    # answers in the window
    satisfied: int            # of them satisfied (top two boxes or Good)
    score_sum: int | None     # Σ scores when every answer is on one numeric scale, else None
    scales: tuple[str, ...]   # the scales the window's answers are on (codes, e.g. ("1-5",))

    @property
    def interval(self) -> stats.Interval:
        """CSAT in percent (satisfied ÷ n × 100) with its Wilson 95% interval, also in percent."""
        i = stats.wilson(self.satisfied, self.n)
        if i.estimate is None:
            return i
        return stats.Interval(100.0 * i.estimate, 100.0 * i.low, 100.0 * i.high)

    @property
    def value(self) -> float | None:
        return self.interval.estimate

    @property
    def too_small(self) -> bool:
        return self.n < stats.MIN_COMPARABLE_N

    @property
    def scale(self) -> str | None:
        """The one scale of the window's answers (None when there are none or several)."""
        return self.scales[0] if len(self.scales) == 1 else None

    @property
    def mean(self) -> float | None:
        """Mean score on the answers' own scale (see `scale`); None for Good/Bad or mixed scales."""
        if self.scale is None or self.scale == "good-bad" or self.score_sum is None or self.n == 0:
            return None
        return self.score_sum / self.n


def summary(cur, view: View) -> CsatResult:
    """CSAT over the window's answers: n, satisfied, the share in percent with its Wilson interval, and the
    mean on its own scale when the window holds one numeric scale."""
    frame = query(cur, f"""SELECT scale, {_SUMS} FROM fact_csat
                           WHERE {View.where()} AND month BETWEEN $start AND $end GROUP BY scale ORDER BY scale""",
                  view.params())
    if frame.empty:
        return CsatResult(0, 0, None, ())
    scales = tuple(frame.scale)
    one_numeric = len(scales) == 1 and scales[0] != "good-bad" and not pd.isna(frame.score_sum.iloc[0])
    return CsatResult(int(frame.n.sum()), int(frame.satisfied.sum()),
                      int(frame.score_sum.iloc[0]) if one_numeric else None, scales)


def by_month(cur, view: View) -> pd.DataFrame:
    """Monthly CSAT: columns month, n, satisfied, csat (percent), low, high (Wilson 95%, percent), too_small.
    Months without answers are left out."""
    frame = query(cur, f"""SELECT month, {measures.select("fact_csat", "satisfied", n="answers")}
                           FROM fact_csat WHERE {View.where()} AND month BETWEEN $start AND $end
                           GROUP BY month ORDER BY month""", view.params())
    intervals = [stats.wilson(int(k), int(n)) for k, n in zip(frame.satisfied, frame.n, strict=True)]
    frame["csat"] = [100.0 * i.estimate for i in intervals]
    frame["low"] = [100.0 * i.low for i in intervals]
    frame["high"] = [100.0 * i.high for i in intervals]
    frame["too_small"] = frame.n < stats.MIN_COMPARABLE_N
    return frame
