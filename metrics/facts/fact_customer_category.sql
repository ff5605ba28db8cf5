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
--        ASOF JOIN: each month's latest answer starts a span of months that ends at the next answered month.
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
), spans AS (
    -- each month with an answer starts a span of months with its category, up to the next such month
    SELECT customer_id, month, category,
           lag(category) OVER (PARTITION BY customer_id ORDER BY month) AS before,
           coalesce(lead(month) OVER (PARTITION BY customer_id ORDER BY month), DATE '9999-12-01') AS until
    FROM ranked WHERE pick = 1
)
SELECT s.customer_id, m.month,
       CASE WHEN m.month = s.month THEN s.before ELSE s.category END AS category_start,
       s.category AS category_end
FROM spans s
JOIN fact_calendar m ON m.month >= s.month AND m.month < s.until
ORDER BY month
