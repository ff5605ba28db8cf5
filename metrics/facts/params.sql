-- params: the month range every fact is built over, computed from the input views alone.
-- grain: one row: first, last, rfirst, rlast (DATE, first day of a month; all NULL when there is no data)
-- inputs: in_nps, in_csat, in_customers, in_revenue, in_tickets
-- params: history, cuntil, cfrom
-- columns: first (first month of the facts), last (last month), rfirst/rlast (the months with revenue data
--          within first…last; NULL without revenue, or when all of it lies before first)
-- rules: the months span every dated event (revenue month, response or answer date, ticket creation, churn
--        date) and every customer's start month; start months set the beginning only when no other kind than
--        the customers file has events (a list of long-standing customers beside a year of survey answers would
--        otherwise stretch the period back to years without data). A customers file alone begins at its first
--        start, not at its first churn: months before the first churn are months in which nobody left, and
--        leaving them out made logo churn 11.8% a month for 4.1%. The span reaches the customers file's as-of
--        month ($cuntil): the file says that nobody else left up to then (ending at the last churn dropped those
--        months from logo churn too). The span is capped at $history months back
--        from the last month. Outside rfirst…rlast a customer's MRR is blank (NULL) and no movement, retention
--        or cohort cell is built.
WITH events AS (
    SELECT CAST(date_trunc('month', response_date) AS DATE) AS m FROM in_nps
    UNION ALL SELECT CAST(date_trunc('month', response_date) AS DATE) FROM in_csat
    UNION ALL SELECT month FROM in_revenue
    -- a ticket's month is its creation, else its solve or first reply (exports without a created column)
    UNION ALL SELECT CAST(date_trunc('month', coalesce(created_at, solved_at, first_reply_at)) AS DATE) FROM in_tickets
), churns AS (
    SELECT CAST(date_trunc('month', churn_date) AS DATE) AS m FROM in_customers
), starts AS (
    SELECT CAST(date_trunc('month', start_date) AS DATE) AS m FROM in_customers
), span AS (
    SELECT CASE WHEN EXISTS (SELECT 1 FROM events WHERE m IS NOT NULL)
                THEN least((SELECT min(m) FROM events), (SELECT min(m) FROM churns))
                -- a snapshot file (churn known from $cfrom only) speaks for no month before that
                ELSE greatest(least((SELECT min(m) FROM starts), (SELECT min(m) FROM churns)), CAST($cfrom AS DATE))
           END AS any_first,
           greatest((SELECT max(m) FROM events), (SELECT max(m) FROM churns), (SELECT max(m) FROM starts),
                    CAST(date_trunc('month', CAST($cuntil AS DATE)) AS DATE)) AS last
), bounded AS (
    SELECT CAST(greatest(any_first, CAST(last AS DATE) - ($history - 1) * INTERVAL 1 MONTH) AS DATE) AS first, last
    FROM span
), revenue_span AS (
    SELECT min(month) AS low, max(month) AS high FROM in_revenue
)
SELECT b.first, b.last,
       CASE WHEN r.high >= b.first THEN greatest(r.low, b.first) END AS rfirst,
       CASE WHEN r.high >= b.first THEN least(r.high, b.last) END AS rlast
FROM bounded b CROSS JOIN revenue_span r
