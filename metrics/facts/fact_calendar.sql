-- fact_calendar: the calendar months the facts cover.
-- grain: one row per month from $first to $last (no rows when the data has no months)
-- inputs: (none)
-- params: first, last
-- columns: month DATE (the month's first day)
-- rules: built from a table of digits (up to 1,000 months; the span is capped far below that by the history
--        limit) rather than generate_series/unnest, so that Spark runs it as plain joins.
WITH digits AS (
    SELECT d FROM (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) AS t (d)
), offsets AS (
    SELECT a.d * 100 + b.d * 10 + c.d AS n FROM digits a CROSS JOIN digits b CROSS JOIN digits c
)
SELECT CAST(CAST($first AS DATE) + n * INTERVAL 1 MONTH AS DATE) AS month
FROM offsets
WHERE CAST($first AS DATE) + n * INTERVAL 1 MONTH <= CAST($last AS DATE)
ORDER BY month
