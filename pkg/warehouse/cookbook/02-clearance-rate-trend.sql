-- Clearance-rate (破案率) trend by region
-- Every clearance rate reported, by region and the end of its period, with the
-- number of articles that reported it and the first source that did.
SELECT
    region_code,
    region_name,
    category,
    period_start,
    period_end,
    value AS clearance_rate,
    articles,
    first_source,
    first_published
FROM v_statistics
WHERE indicator = '破案率' AND unit = '%'
ORDER BY region_code, category, period_end;
