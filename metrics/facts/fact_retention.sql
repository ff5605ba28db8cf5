-- fact_retention: trailing-k revenue retention per month and filter value.
-- grain: k × month × segment × region (months M whose base month M - k has paying customers)
-- inputs: fact_customer_month
-- params: k
-- columns:
--   k INTEGER, month DATE, segment VARCHAR, region VARCHAR
--   base_customers BIGINT         customers with MRR > 0 in M - k
--   base_mrr DECIMAL(18,2)        their Σ MRR(M - k)
--   retained_mrr DECIMAL(18,2)    Σ min(MRR(M), MRR(M - k)) over the base (GRR numerator)
--   end_mrr DECIMAL(18,2)         Σ MRR(M) over the base (NRR numerator; new customers never count)
-- rules: grouped by segment and region (customer attributes), so any filter is a sum. Months after the last
--        month with revenue data are not built. The dashboard stores k = 12 (rules.RETENTION_MONTHS) and runs
--        this same SQL live for any other k.
WITH b AS (
    SELECT customer_id, segment, region, CAST(month + $k * INTERVAL 1 MONTH AS DATE) AS month, mrr
    FROM fact_customer_month WHERE mrr > 0
), c AS (
    SELECT customer_id, month, mrr FROM fact_customer_month
)
SELECT CAST($k AS INTEGER) AS k, b.month, b.segment, b.region,
       CAST(count(*) AS BIGINT) AS base_customers,
       CAST(sum(b.mrr) AS DECIMAL(18, 2)) AS base_mrr,
       CAST(sum(least(coalesce(c.mrr, 0), b.mrr)) AS DECIMAL(18, 2)) AS retained_mrr,
       CAST(sum(coalesce(c.mrr, 0)) AS DECIMAL(18, 2)) AS end_mrr
FROM b LEFT JOIN c ON c.customer_id = b.customer_id AND c.month = b.month
WHERE b.month <= (SELECT max(month) FROM fact_customer_month WHERE mrr IS NOT NULL)
GROUP BY b.month, b.segment, b.region
ORDER BY month, segment, region
