-- fact_transition: moves between a customer's consecutive NPS responses.
-- grain: month × segment × region × from_category × to_category
-- inputs: in_nps, fact_customer_month
-- params: promoter_min, passive_min
-- columns:
--   month DATE (month of the later response), segment VARCHAR, region VARCHAR,
--   from_category VARCHAR, to_category VARCHAR (the same category counts as a move that stayed),
--   customers BIGINT (moves), mrr DECIMAL(18,2) (Σ the customers' MRR in that month),
--   same_day BOOLEAN (the previous response has the same date: no move, see rules)
-- rules: a move is a response whose previous response of the same customer (by date, then row_number) had a
--        category and an earlier date: two answers of one day have no known order (a survey dated by the export's
--        as-of date dates every answer that day), so they make no move; they are kept as same_day rows for the
--        page to count (metrics.value.same_day_pairs); it counts in the month of the later response, every move
--        (an answer given after the customer
--        churned, or by a customer no file lists, counts too: joined only to customers present that month, the
--        unhappiest answers of leavers were dropped). Segment and region: the customer's in that month, else its
--        latest, else 'Unknown'; MRR: the customer's in that month, else 0.
--        Bands: Promoter score >= $promoter_min, Passive >= $passive_min, else Detractor.
WITH answers AS (
    SELECT customer_id, response_date, row_number,
           CASE WHEN score >= $promoter_min THEN 'Promoter' WHEN score >= $passive_min THEN 'Passive'
                ELSE 'Detractor' END AS category
    FROM in_nps WHERE customer_id IS NOT NULL
), moves AS (
    SELECT customer_id, response_date, category,
           lag(category) OVER (PARTITION BY customer_id ORDER BY response_date, row_number) AS prev_category,
           lag(response_date) OVER (PARTITION BY customer_id ORDER BY response_date, row_number) AS prev_date
    FROM answers
), latest AS (
    SELECT customer_id, arg_max(segment, month) AS segment, arg_max(region, month) AS region
    FROM fact_customer_month GROUP BY customer_id
)
SELECT CAST(date_trunc('month', r.response_date) AS DATE) AS month,
       coalesce(m.segment, l.segment, 'Unknown') AS segment, coalesce(m.region, l.region, 'Unknown') AS region,
       r.prev_category AS from_category, r.category AS to_category,
       CAST(count(*) AS BIGINT) AS customers,
       CAST(coalesce(sum(m.mrr), 0) AS DECIMAL(18, 2)) AS mrr,
       CAST(r.prev_date = r.response_date AS BOOLEAN) AS same_day
FROM moves r
LEFT JOIN fact_customer_month m
  ON m.customer_id = r.customer_id AND m.month = CAST(date_trunc('month', r.response_date) AS DATE)
LEFT JOIN latest l ON l.customer_id = r.customer_id
WHERE r.prev_category IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 8
ORDER BY month, segment, region, from_category, to_category, same_day
