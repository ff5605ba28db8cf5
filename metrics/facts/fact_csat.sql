-- fact_csat: CSAT answers per month, filter value and scale.
-- grain: month × segment × region × channel × scale
-- inputs: in_csat, in_customers
-- params: (none)
-- columns:
--   month DATE (of the answer date), segment VARCHAR, region VARCHAR, channel VARCHAR,
--   scale VARCHAR ('1-5', '1-7', '1-10', 'good-bad'), answers BIGINT, satisfied BIGINT (top two boxes or Good),
--   score_sum BIGINT (Σ scores on the scale; NULL for good-bad, which has no scores)
-- rules: CSAT = satisfied ÷ answers; segment and region are the answer's own, else its customer's, else
--        'Unknown'. Answers present in several sources were already counted once by in_csat.
SELECT CAST(date_trunc('month', a.response_date) AS DATE) AS month,
       coalesce(a.segment, c.segment, 'Unknown') AS segment,
       coalesce(a.region, c.region, 'Unknown') AS region,
       coalesce(a.channel, 'Unknown') AS channel,
       a.scale,
       CAST(count(*) AS BIGINT) AS answers,
       CAST(count_if(a.satisfied) AS BIGINT) AS satisfied,
       CAST(sum(a.score) FILTER (WHERE a.scale <> 'good-bad') AS BIGINT) AS score_sum
FROM in_csat a
LEFT JOIN (SELECT customer_id, segment, region FROM in_customers) c ON c.customer_id = a.customer_id
GROUP BY 1, 2, 3, 4, 5
ORDER BY month, segment, region, channel, scale
