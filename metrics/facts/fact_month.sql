-- fact_month: fact_customer_month summed per month and filter value.
-- grain: month × segment × region
-- inputs: fact_customer_month
-- params: (none)
-- columns:
--   month DATE, segment VARCHAR, region VARCHAR
--   mrr DECIMAL(18,2) Σ MRR; start_mrr DECIMAL(18,2) Σ MRR of the month before (NULL outside the revenue months)
--   paying BIGINT  customers with MRR > 0
--   new_mrr, reactivation_mrr, expansion_mrr, contraction_mrr, churned_mrr DECIMAL(18,2): Σ movements
--   active_start, churned, started, active BIGINT: customers counted by each flag
-- rules: every figure is a sum or count over customer-months, so any segment/region filter is a sum of rows.
SELECT month, segment, region,
       CAST(sum(mrr) AS DECIMAL(18, 2)) AS mrr,
       CAST(sum(prev_mrr) AS DECIMAL(18, 2)) AS start_mrr,
       CAST(count_if(coalesce(mrr > 0, false)) AS BIGINT) AS paying,
       CAST(sum(new_mrr) AS DECIMAL(18, 2)) AS new_mrr,
       CAST(sum(reactivation_mrr) AS DECIMAL(18, 2)) AS reactivation_mrr,
       CAST(sum(expansion_mrr) AS DECIMAL(18, 2)) AS expansion_mrr,
       CAST(sum(contraction_mrr) AS DECIMAL(18, 2)) AS contraction_mrr,
       CAST(sum(churned_mrr) AS DECIMAL(18, 2)) AS churned_mrr,
       CAST(count_if(active_start) AS BIGINT) AS active_start,
       CAST(count_if(churned) AS BIGINT) AS churned,
       CAST(count_if(started) AS BIGINT) AS started,
       CAST(count_if(active) AS BIGINT) AS active
FROM fact_customer_month
GROUP BY month, segment, region
ORDER BY month, segment, region
