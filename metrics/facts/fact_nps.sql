-- fact_nps: NPS responses counted per month, filter value, channel and score.
-- grain: month × segment × region × channel × score × linked
-- inputs: in_nps, in_customers, in_revenue
-- params: (none)
-- columns:
--   month DATE (of the response date), segment VARCHAR, region VARCHAR, channel VARCHAR, score TINYINT (0–10),
--   linked BOOLEAN (the response's customer is in the customers or the revenue file), responses BIGINT
-- rules: segment and region are the response's own, else its customer's, else 'Unknown'; channel 'Unknown'
--        when missing. Every response counts (NPS is over responses, not customers); answers present in
--        several sources were already counted once by in_nps.
SELECT CAST(date_trunc('month', n.response_date) AS DATE) AS month,
       coalesce(n.segment, c.segment, 'Unknown') AS segment,
       coalesce(n.region, c.region, 'Unknown') AS region,
       coalesce(n.channel, 'Unknown') AS channel,
       CAST(n.score AS TINYINT) AS score,
       c.customer_id IS NOT NULL OR r.customer_id IS NOT NULL AS linked,
       CAST(count(*) AS BIGINT) AS responses
FROM in_nps n
LEFT JOIN (SELECT customer_id, segment, region FROM in_customers) c ON c.customer_id = n.customer_id
LEFT JOIN (SELECT DISTINCT customer_id FROM in_revenue) r ON r.customer_id = n.customer_id
GROUP BY 1, 2, 3, 4, 5, 6
ORDER BY month, segment, region, channel, score, linked
