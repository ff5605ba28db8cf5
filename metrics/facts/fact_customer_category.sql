-- fact_customer_category: each responding customer's NPS category at the start and at the end of each month.
-- grain: customer_id × month, from the month of the customer's first response (or $first, when it answered
--        before the period) to $last; customers who never answered have no rows (their categories are NULL)
-- inputs: in_nps, fact_calendar
-- params: first, promoter_min, passive_min
-- columns:
--   customer_id VARCHAR, month DATE
--   category_start VARCHAR  category of the latest response before the month's first day (NULL: none yet)
--   category_end VARCHAR    category of the latest response on or before the month's last day
-- rules: a customer's category at a date is that of its latest response before the date, so an analysis
--        window uses category_start of its first month and no later answer can explain its outcome. "Latest"
--        orders by response date, then by row_number (the later row of the data wins a same-day tie). Bands:
--        Promoter score >= $promoter_min, Passive >= $passive_min, else Detractor (metrics/rules.py).
--        Independent of the customers and revenue files (the dashboard joins it to fact_customer_month on
--        customer_id and month), so only a new NPS source or a new month range rebuilds it. Written without
--        ASOF JOIN: the latest answer per month, carried forward by a window over the customer's months.
WITH answers AS (
    SELECT customer_id, response_date, row_number,
           CASE WHEN score >= $promoter_min THEN 'Promoter' WHEN score >= $passive_min THEN 'Passive'
                ELSE 'Detractor' END AS category,
           -- answers before the period all count towards its first month's category_start: the month before it
           greatest(CAST(date_trunc('month', response_date) AS DATE),
                    CAST(CAST($first AS DATE) - INTERVAL 1 MONTH AS DATE)) AS month
    FROM in_nps WHERE customer_id IS NOT NULL
), ranked AS (
    SELECT customer_id, month, category,
           row_number() OVER (PARTITION BY customer_id, month ORDER BY response_date DESC, row_number DESC) AS pick
    FROM answers
), month_last AS (
    SELECT customer_id, month, category FROM ranked WHERE pick = 1
), months AS (
    SELECT month FROM fact_calendar
    UNION ALL SELECT CAST(CAST($first AS DATE) - INTERVAL 1 MONTH AS DATE)
), since AS (
    SELECT customer_id, min(month) AS first_month FROM month_last GROUP BY customer_id
), carried AS (
    SELECT s.customer_id, m.month,
           last_value(l.category IGNORE NULLS) OVER (
               PARTITION BY s.customer_id ORDER BY m.month
               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS category_end
    FROM since s
    JOIN months m ON m.month >= s.first_month
    LEFT JOIN month_last l ON l.customer_id = s.customer_id AND l.month = m.month
), shifted AS (
    SELECT customer_id, month,
           lag(category_end) OVER (PARTITION BY customer_id ORDER BY month) AS category_start, category_end
    FROM carried
)
SELECT customer_id, month, category_start, category_end
FROM shifted
WHERE month >= $first
ORDER BY month, customer_id
