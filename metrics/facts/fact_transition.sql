-- fact_transition: moves between a customer's consecutive NPS responses.
-- grain: month × segment × region × from_category × to_category
-- inputs: in_nps, fact_customer_month
-- params: promoter_min, passive_min
-- columns:
--   month DATE (month of the later response), segment VARCHAR, region VARCHAR,
--   from_category VARCHAR, to_category VARCHAR (the same category counts as a move that stayed),
--   customers BIGINT (moves), mrr DECIMAL(18,2) (Σ the customers' MRR in that month)
-- rules: a move is a response whose previous response of the same customer (by date, then row_number) had a
--        category; it counts in the month of the later response, for customers present in fact_customer_month
--        that month. Bands: Promoter score >= $promoter_min, Passive >= $passive_min, else Detractor.
WITH answers AS (
    SELECT customer_id, response_date, row_number,
           CASE WHEN score >= $promoter_min THEN 'Promoter' WHEN score >= $passive_min THEN 'Passive'
                ELSE 'Detractor' END AS category
    FROM in_nps WHERE customer_id IS NOT NULL
), moves AS (
    SELECT customer_id, response_date, category,
           lag(category) OVER (PARTITION BY customer_id ORDER BY response_date, row_number) AS prev_category
    FROM answers
)
SELECT m.month, m.segment, m.region, r.prev_category AS from_category, r.category AS to_category,
       CAST(count(*) AS BIGINT) AS customers,
       CAST(sum(m.mrr) AS DECIMAL(18, 2)) AS mrr
FROM moves r
JOIN fact_customer_month m
  ON m.customer_id = r.customer_id AND m.month = CAST(date_trunc('month', r.response_date) AS DATE)
WHERE r.prev_category IS NOT NULL
GROUP BY m.month, m.segment, m.region, r.prev_category, r.category
ORDER BY month, segment, region, from_category, to_category
