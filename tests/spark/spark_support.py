"""What the Spark tests share: a small fact plan in the shape of metrics.facts' contract (one DuckDB-dialect
SELECT per step over the input views and earlier steps, named parameters, outputs cast explicitly), the Spark
session fixture's settings, and reading a build's facts as sorted frames."""

from __future__ import annotations

import shutil
from collections import namedtuple
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

Step = namedtuple("Step", "name sql inputs params grain")

# A small plan using what the real facts use: joins, GROUP BY ALL, a lag window, CASE, count_if, date_trunc,
# last_day, DECIMAL sums cast back to DECIMAL(18,2), NULL parameters and a parameter typed by its use.
SMALL_PLAN = (
    Step("fact_paying", """
        SELECT r.customer_id, r.month, coalesce(c.segment, 'Unknown') AS segment,
               CAST(sum(r.mrr) AS DECIMAL(18, 2)) AS mrr, CAST(count(*) AS BIGINT) AS lines,
               coalesce(c.start_date <= last_day(r.month) AND (c.churn_date IS NULL OR c.churn_date >= r.month),
                        false) AS active,
               ($cfrom IS NULL OR r.month >= $cfrom) AS churn_known
        FROM in_revenue r LEFT JOIN in_customers c USING (customer_id)
        WHERE r.month BETWEEN $first AND $last
        GROUP BY ALL""", ("in_revenue", "in_customers"), ("first", "last", "cfrom"), ("customer_id", "month")),
    Step("fact_movement", """
        WITH m AS (
            SELECT customer_id, month, segment, mrr,
                   lag(mrr) OVER (PARTITION BY customer_id ORDER BY month) AS prev_mrr
            FROM fact_paying
        )
        SELECT month, segment, CAST(sum(mrr) AS DECIMAL(18, 2)) AS mrr,
               CAST(sum(CASE WHEN prev_mrr > 0 AND mrr > prev_mrr THEN mrr - prev_mrr ELSE 0 END)
                    AS DECIMAL(18, 2)) AS expansion_mrr,
               CAST(sum(CASE WHEN prev_mrr > 0 AND mrr < prev_mrr THEN prev_mrr - mrr ELSE 0 END)
                    AS DECIMAL(18, 2)) AS contraction_mrr,
               CAST(count_if(mrr > 0) AS BIGINT) AS paying
        FROM m GROUP BY ALL""", ("fact_paying",), (), ("month", "segment")),
    Step("fact_nps_month", """
        SELECT date_trunc('month', response_date)::DATE AS month, coalesce(channel, 'Unknown') AS channel,
               CAST(count(*) FILTER (score >= 9) AS BIGINT) AS promoters,
               CAST(count(*) FILTER (score <= 6) AS BIGINT) AS detractors, CAST(count(*) AS BIGINT) AS responses
        FROM in_nps WHERE response_date <= last_day($last)
        GROUP BY ALL""", ("in_nps",), ("last",), ("month", "channel")),
)

PARAMS_SQL = "SELECT min(month) AS first, max(month) AS last FROM in_revenue"


def small_params(query, settings: dict) -> dict:
    """The small plan's parameters: the revenue months, from the input views (SQL), and the manifest's setting."""
    row = query(PARAMS_SQL)[0]
    return {"first": row["first"], "last": row["last"], "cfrom": settings.get("churn_known_from")}


def facts_frame(folder: Path | str) -> pd.DataFrame:
    """A fact's Parquet folder as a frame sorted by every column (engines write rows in any order)."""
    frame = pq.read_table(str(folder)).to_pandas()
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def schema(folder: Path | str) -> list[tuple[str, str]]:
    return [(f.name, str(f.type)) for f in pq.read_schema(next(Path(folder).glob("*.parquet")))]


def spark_missing() -> str | None:
    """Why the Spark tests cannot run here, or None."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (bash bin/test installs it from requirements-dev.txt)"
    if shutil.which("java") is None:
        return "Java is not installed (bash bin/test installs Debian's openjdk-17-jre-headless)"
    return None
