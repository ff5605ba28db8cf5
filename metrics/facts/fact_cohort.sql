-- fact_cohort: paying customers and MRR per cohort (first paying month) and age.
-- grain: cohort × age × segment × region, ages 0…$max_age months
-- inputs: fact_customer_month
-- params: rfirst, max_age
-- columns:
--   cohort DATE (month of the first MRR > 0), age INTEGER (whole calendar months since the cohort month),
--   segment VARCHAR, region VARCHAR, customers BIGINT (paying at that age), mrr DECIMAL(18,2) (their Σ MRR)
-- rules: customers already paying in the first revenue month ($rfirst) are left out: their first month is not
--        in the data. Logo retention at age k = customers(k) ÷ customers(0); revenue retention = mrr(k) ÷ mrr(0).
WITH f AS (
    SELECT customer_id, min(month) AS cohort FROM fact_customer_month
    WHERE mrr > 0 GROUP BY customer_id HAVING min(month) > $rfirst
)
SELECT f.cohort,
       CAST((year(m.month) - year(f.cohort)) * 12 + month(m.month) - month(f.cohort) AS INTEGER) AS age,
       m.segment, m.region,
       CAST(count(*) AS BIGINT) AS customers,
       CAST(sum(m.mrr) AS DECIMAL(18, 2)) AS mrr
FROM f JOIN fact_customer_month m ON m.customer_id = f.customer_id
WHERE m.mrr > 0 AND m.month <= CAST(f.cohort + $max_age * INTERVAL 1 MONTH AS DATE)
GROUP BY f.cohort, m.month, m.segment, m.region
ORDER BY cohort, age, segment, region
